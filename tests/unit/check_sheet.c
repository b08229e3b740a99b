/* check_sheet.c: unit tests for sheet.c and sheetout.c: the workbook the build
 * writes read back equal to the tasks it was made from (and the golden site's
 * data/tasks.xlsx equal to its data/tasks.json), .xlsx parts made by hand
 * (shared, rich and inline strings, dates in the 1900 and 1904 systems,
 * percents, merged cells), CSV (quotes, GB18030, TAB), and hostile files
 * (cut short, bad XML, DTDs, a huge shared string count, ranges past the caps),
 * and the LibreOffice-made .xls read to the cells of its .xlsx. */
#include <iconv.h>
#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "check.h"
#include "json.h"
#include "mkdoc.h"
#include "sheet.h"
#include "sheetout.h"
#include "utf8.h"

static char dir[] = "/tmp/check_sheet.XXXXXX";
static char path[4200];

static const char *tmp(const char *name)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static const char *cell(const struct sheet *s, uint32_t row, uint32_t col)
{
	const struct sheet_cell *c = sheet_cell(s, row, col);
	return c ? c->text : "";
}

/* Every task's cells (sheetout_cells) equal the workbook's row, numbers and
 * dates included; returns the number of cells that differ. */
static int compare_tasks(const struct sheet *s, const struct value *tasks, enum lang l)
{
	struct buf cells[SHEETOUT_NCOLS];
	int bad = 0;
	for (int i = 0; i < SHEETOUT_NCOLS; i++) {
		cells[i] = (struct buf)BUF_INIT;
		if (strcmp(cell(s, 1, (uint32_t)i + 1), sheetout_header(l, i)) != 0)
			bad++;
	}
	for (size_t t = 0; t < value_len(tasks); t++) {
		sheetout_cells(value_at(tasks, t), l, cells);
		for (int i = 0; i < SHEETOUT_NCOLS; i++)
			if (strcmp(cell(s, (uint32_t)t + 2, (uint32_t)i + 1), buf_cstr(&cells[i])) != 0) {
				fprintf(stderr, "row %zu col %d: [%s] vs [%s]\n", t + 2, i + 1,
				        cell(s, (uint32_t)t + 2, (uint32_t)i + 1), buf_cstr(&cells[i]));
				bad++;
			}
	}
	CHECK_INT(s->nrows, value_len(tasks) + 1);
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		buf_free(&cells[i]);
	return bad;
}

static const char tasks_json[] =
	"{\"tasks\": ["
	"{\"plan\": \"p\", \"number\": \"1\", \"title\": \"建成\\\"服务站\\\", 一期\", \"section\": \"二\","
	" \"lead\": [\"甲办\"], \"support\": [\"乙局\", \"丙所\"], \"start\": \"2019-02-01\", \"due\": \"2019-06-30\","
	" \"status\": \"done\", \"status_text\": \"已完成\", \"progress\": 100, \"expected\": 100, \"rag_text\": \"绿灯\","
	" \"overdue\": false, \"days_left\": -92,"
	" \"history\": [{\"date\": \"2019-03-31\", \"note\": \"旧\"}, {\"date\": \"2019-06-30\", \"note\": \"6个\\n全部\"}, {\"date\": \"2019-07-01\"}],"
	" \"targets\": [{\"metric\": \"服务站\", \"target\": 6, \"unit\": \"个\", \"actual\": 6}, {\"metric\": \"覆盖率\", \"target\": 95.5, \"unit\": \"%\"}]},"
	"{\"plan\": \"p\", \"number\": \"2\", \"title\": \"推行\", \"lead\": [\"乙局\"], \"support\": [],"
	" \"due\": \"2020-06-30\", \"status\": \"in_progress\", \"status_text\": \"进行中\", \"progress\": 55.5,"
	" \"expected\": 44, \"rag_text\": \"绿灯\", \"overdue\": true, \"days_left\": 274}"
	"]}";

static void test_round_trip(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *doc = json_parse(a, "t.json", tasks_json, sizeof tasks_json - 1, &d);
	CHECK(doc != NULL);
	const struct value *tasks = value_get(doc, "tasks");
	for (int l = LANG_ZH; l <= LANG_EN; l++) {
		struct buf x = BUF_INIT, y = BUF_INIT;
		CHECK_INT(sheetout_xlsx(tasks, (enum lang)l, 1561852800, &x, &d), 0);
		CHECK_INT(sheetout_xlsx(tasks, (enum lang)l, 1561852800, &y, &d), 0);
		CHECK(x.len > 0 && x.len == y.len && memcmp(x.data, y.data, x.len) == 0);
		FILE *f = fopen(tmp("rt.xlsx"), "wb");
		fwrite(x.data, 1, x.len, f);
		fclose(f);
		struct sheet_book b;
		CHECK_INT(sheet_read(tmp("rt.xlsx"), &b, &d), 0);
		CHECK_INT(b.n, 2);
		if (b.n == 2) {
			CHECK_STR(b.v[0].name, l == LANG_EN ? "Tasks" : "任务");
			CHECK_INT(compare_tasks(&b.v[0], tasks, (enum lang)l), 0);
			CHECK(sheet_cell(&b.v[0], 2, SHEETOUT_DUE + 1)->kind == SHEET_DATE);
			CHECK(sheet_cell(&b.v[0], 3, SHEETOUT_PROGRESS + 1)->kind == SHEET_NUM);
			/* Units: 丙所, 乙局, 甲办 in byte order; 乙局 leads 1 (in progress, overdue), supports 1. */
			const struct sheet *u = &b.v[1];
			CHECK_STR(cell(u, 1, 1), sheetout_unit_header((enum lang)l, 0));
			CHECK_STR(cell(u, 2, 1), "丙所");
			CHECK_STR(cell(u, 3, 1), "乙局");
			CHECK_STR(cell(u, 3, 2), "1");
			CHECK_STR(cell(u, 3, 3), "1");
			CHECK_STR(cell(u, 3, 4), "0");
			CHECK_STR(cell(u, 3, 5), "1");
			CHECK_STR(cell(u, 3, 6), "1");
			CHECK_STR(cell(u, 4, 1), "甲办");
			CHECK_STR(cell(u, 4, 4), "1");
		}
		sheet_book_free(&b);
		buf_free(&x);
		buf_free(&y);
	}
	/* The CSV: BOM, quoting, CRLF. */
	struct buf c = BUF_INIT;
	sheetout_csv(tasks, LANG_ZH, &c);
	CHECK(c.len > 3 && memcmp(c.data, "\xef\xbb\xbf计划,序号,", 3 + 14) == 0);
	CHECK(strstr(buf_cstr(&c), ",\"建成\"\"服务站\"\", 一期\",") != NULL);
	CHECK(strstr(buf_cstr(&c), ",\"6个\n全部\",2019-06-30,服务站：目标6个，完成6个；覆盖率：目标95.5%\r\n") != NULL);
	/* ... and read back by the CSV reader, cell for cell. */
	struct sheet_book b;
	CHECK_INT(sheet_parse_csv("t.csv", c.data, c.len, &b, &d), 0);
	CHECK_INT(compare_tasks(&b.v[0], tasks, LANG_ZH), 0);
	sheet_book_free(&b);
	buf_free(&c);
	CHECK_INT(d.n, 0);
	diags_free(&d);
	arena_free(a);
}

/* A cell longer than a workbook cell holds (a task of 3,000 targets): cut
 * to SHEETOUT_CELL_MAX characters, "…" last, never split inside one, with
 * a warning naming the task's file; the CSV keeps it whole. One character
 * fewer than the limit: not cut. */
static void test_long_cell(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct buf j = BUF_INIT;
	buf_puts(&j, "{\"tasks\": [{\"id\": \"p/1\", \"source\": \"content/plans/p/tasks/1.md\", \"number\": \"1\", "
	             "\"title\": \"");
	for (int k = 0; k < SHEETOUT_CELL_MAX - 1; k++)
		buf_puts(&j, k % 2 ? "长" : "a");
	buf_puts(&j, "\", \"targets\": [");
	for (int k = 0; k < 3000; k++)
		buf_printf(&j, "%s{\"metric\": \"指标%d\", \"target\": %d}", k ? ", " : "", k, k);
	buf_puts(&j, "]}]}");
	struct value *doc = json_parse(a, "t.json", j.data, j.len, &d);
	CHECK(doc != NULL);
	const struct value *tasks = value_get(doc, "tasks");
	struct buf x = BUF_INIT, cells[SHEETOUT_NCOLS];
	CHECK_INT(sheetout_xlsx(tasks, LANG_ZH, 1561852800, &x, &d), 0);
	CHECK_INT(d.n, 1);
	if (d.n == 1) {
		CHECK_INT(d.v[0].level, DIAG_WARNING);
		CHECK_STR(d.v[0].path, "content/plans/p/tasks/1.md");
		CHECK(strstr(d.v[0].msg, "task p/1: its '指标（目标／完成）' is cut to 32767 characters") != NULL);
	}
	FILE *f = fopen(tmp("long.xlsx"), "wb");
	fwrite(x.data, 1, x.len, f);
	fclose(f);
	struct sheet_book b;
	CHECK_INT(sheet_read(tmp("long.xlsx"), &b, &d), 0);
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		cells[i] = (struct buf)BUF_INIT;
	sheetout_cells(value_at(tasks, 0), LANG_ZH, cells);
	if (b.n >= 1) {
		const char *t = cell(&b.v[0], 2, SHEETOUT_TITLE + 1), *g = cell(&b.v[0], 2, SHEETOUT_TARGETS + 1);
		CHECK_STR(t, buf_cstr(&cells[SHEETOUT_TITLE]));   /* 32,766 characters: whole */
		CHECK_INT(utf8_count(g, strlen(g)), SHEETOUT_CELL_MAX);
		CHECK(strlen(g) > 3 && strcmp(g + strlen(g) - 3, "\xE2\x80\xA6") == 0);
		CHECK(strncmp(g, buf_cstr(&cells[SHEETOUT_TARGETS]), strlen(g) - 3) == 0);
	}
	sheet_book_free(&b);
	struct buf c = BUF_INIT;
	sheetout_csv(tasks, LANG_ZH, &c);
	CHECK(strstr(buf_cstr(&c), "指标2999：目标2999") != NULL);
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		buf_free(&cells[i]);
	buf_free(&c);
	buf_free(&x);
	buf_free(&j);
	diags_free(&d);
	arena_free(a);
}

/* The golden site's workbook against its data/tasks.json. */
static void test_golden(void)
{
	const char *dirg = "tests/golden/dashboard/expected/data/";
	char jp[256], xp[256];
	snprintf(jp, sizeof jp, "%stasks.json", dirg);
	snprintf(xp, sizeof xp, "%stasks.xlsx", dirg);
	struct buf j = BUF_INIT;
	if (buf_read_file(&j, jp) < 0) {
		CHECK(!"tests/golden/dashboard/expected/data/tasks.json is readable (run from the repository)");
		return;
	}
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *doc = json_parse(a, jp, j.data, j.len, &d);
	struct sheet_book b;
	CHECK_INT(sheet_read(xp, &b, &d), 0);
	CHECK(doc && b.n == 2 && value_len(value_get(doc, "tasks")) > 3);
	if (doc && b.n == 2)
		CHECK_INT(compare_tasks(&b.v[0], value_get(doc, "tasks"), LANG_ZH), 0);
	sheet_book_free(&b);
	diags_free(&d);
	arena_free(a);
	buf_free(&j);
}

#define NS "xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\" " \
	"xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\""

static const char wb_xml[] = "<workbook " NS "><workbookPr date1904=\"%s\"/><sheets>"
	"<sheet name=\"进度\" sheetId=\"1\" r:id=\"rId7\"/></sheets></workbook>";
static const char rels_xml[] =
	"<Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
	"<Relationship Id=\"rId7\" Type=\"x/worksheet\" Target=\"/xl/worksheets/data.xml\"/></Relationships>";
static const char sst_xml[] = "<sst " NS " count=\"3\" uniqueCount=\"3\">"
	"<si><t>序号</t></si>"
	"<si><r><t>进</t></r><r><rPr><b/></rPr><t>度</t></r><rPh sb=\"0\" eb=\"1\"><t>しん</t></rPh></si>"
	"<si><t xml:space=\"preserve\">  完成 </t></si></sst>";
static const char styles_xml[] = "<styleSheet " NS "><numFmts count=\"1\">"
	"<numFmt numFmtId=\"176\" formatCode=\"yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;\"/>"
	"<numFmt numFmtId=\"177\" formatCode=\"[Red]0.0\"/></numFmts>"
	"<cellXfs count=\"5\"><xf numFmtId=\"0\"/><xf numFmtId=\"14\"/><xf numFmtId=\"176\"/><xf numFmtId=\"9\"/>"
	"<xf numFmtId=\"177\"/></cellXfs></styleSheet>";
static const char sheet_xml[] = "<worksheet " NS "><sheetData>"
	"<row r=\"1\"><c r=\"A1\" t=\"s\"><v>0</v></c><c r=\"B1\" t=\"s\"><v>1</v></c><c r=\"C1\" t=\"s\"><v>2</v></c></row>"
	"<row r=\"2\"><c r=\"A2\"><v>3</v></c><c r=\"B2\" s=\"3\"><v>0.85</v></c>"
	"<c r=\"C2\" t=\"inlineStr\"><is><t>行内</t></is></c><c r=\"D2\" s=\"1\"><v>43646</v></c>"
	"<c r=\"E2\" s=\"2\"><v>43646.5</v></c><c r=\"F2\" t=\"b\"><v>1</v></c><c r=\"G2\" t=\"e\"><v>#N/A</v></c>"
	"<c r=\"H2\" s=\"4\"><v>1.0000000000000001E-2</v></c><c r=\"I2\" t=\"s\"><v>99</v></c>"
	"<c r=\"J2\" s=\"3\"><v>0.57</v></c><c r=\"K2\" s=\"3\"><v>0.575</v></c></row>"
	"<row><c><v>7</v></c><c t=\"str\"><v>公式</v></c></row>"
	"<row r=\"5\"><c r=\"A5\" t=\"inlineStr\"><is><t>合并</t></is></c><c r=\"C5\" t=\"inlineStr\"><is><t>自有</t></is></c></row>"
	"</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A5:C6\"/></mergeCells></worksheet>";

static int write_xlsx(const char *name, const char *wb, const char *sheet, const char *sst)
{
	const char *names[] = { "[Content_Types].xml", "xl/workbook.xml", "xl/_rels/workbook.xml.rels",
		                "xl/styles.xml", "xl/worksheets/data.xml", "xl/sharedStrings.xml" };
	const char *datas[] = { "<Types/>", wb, rels_xml, styles_xml, sheet, sst };
	return mkdoc_zip(tmp(name), names, datas, NULL, sst ? 6 : 5);
}

static void test_parts(void)
{
	char wb[512];
	for (int sys = 0; sys < 2; sys++) {
		snprintf(wb, sizeof wb, wb_xml, sys ? "1" : "false");
		CHECK_INT(write_xlsx("h.xlsx", wb, sheet_xml, sst_xml), 0);
		struct sheet_book b;
		struct diags d;
		diags_init(&d);
		CHECK_INT(sheet_read(tmp("h.xlsx"), &b, &d), 0);
		CHECK_INT(b.n, 1);
		CHECK_INT(b.date1904, sys);
		const struct sheet *s = &b.v[0];
		CHECK_STR(s->name, "进度");
		CHECK_STR(cell(s, 1, 1), "序号");
		CHECK_STR(cell(s, 1, 2), "进度");        /* runs joined, the phonetic guide left out */
		CHECK_STR(cell(s, 1, 3), "  完成 ");
		CHECK_STR(cell(s, 2, 1), "3");
		CHECK_STR(cell(s, 2, 2), "85%");
		CHECK_STR(cell(s, 2, 10), "57%");      /* not 56.99999999999999%, which 0.57 * 100 is */
		CHECK_STR(cell(s, 2, 11), "57.5%");
		CHECK_STR(cell(s, 2, 3), "行内");
		/* 43646: 2019-06-30 counted from 1900, 2023-07-01 from 1904. */
		CHECK_STR(cell(s, 2, 4), sys ? "2023-07-01" : "2019-06-30");
		CHECK_STR(cell(s, 2, 5), sys ? "2023-07-01 12:00:00" : "2019-06-30 12:00:00");
		CHECK(sheet_cell(s, 2, 5)->kind == SHEET_DATE);
		CHECK_STR(cell(s, 2, 6), "TRUE");
		CHECK_STR(cell(s, 2, 7), "#N/A");
		CHECK_STR(cell(s, 2, 8), "0.01");         /* [Red] is no date: a number */
		CHECK_STR(cell(s, 2, 9), "");             /* string 99 does not exist: a warning */
		CHECK_STR(cell(s, 3, 1), "7");            /* a row and cells without r */
		CHECK_STR(cell(s, 3, 2), "公式");
		CHECK_STR(cell(s, 5, 2), "合并");         /* the merged range filled ... */
		CHECK_STR(cell(s, 6, 3), "合并");
		CHECK_STR(cell(s, 5, 3), "自有");         /* ... but a cell's own value kept */
		CHECK_INT(s->nrows, 6);
		CHECK_INT(d.nerrors, 0);
		CHECK_INT(d.nwarnings, 1);
		CHECK(d.n == 1 && strstr(d.v[0].path, "h.xlsx:进度") && d.v[0].line == 2 && d.v[0].col == 9);
		sheet_book_free(&b);
		diags_free(&d);
	}
	char name[8];
	sheet_col_name(1, name);
	CHECK_STR(name, "A");
	sheet_col_name(28, name);
	CHECK_STR(name, "AB");
	sheet_col_name(16384, name);
	CHECK_STR(name, "XFD");
}

static int read_fails(const char *file, const char *want)
{
	struct sheet_book b;
	struct diags d;
	diags_init(&d);
	int rc = sheet_read(file, &b, &d);
	int ok = rc < 0 && d.nerrors > 0 && b.n == 0;
	for (size_t i = 0; want && i < d.n; i++)
		if (strstr(d.v[i].msg, want))
			want = NULL;
	if (want)
		fprintf(stderr, "%s: no message with '%s' (first: %s)\n", file, want, d.n ? d.v[0].msg : "none");
	sheet_book_free(&b);
	diags_free(&d);
	return ok && !want;
}

static void test_hostile(void)
{
	char wb[512];
	snprintf(wb, sizeof wb, wb_xml, "0");
	/* A workbook cut short at every tenth of its length. */
	CHECK_INT(write_xlsx("whole.xlsx", wb, sheet_xml, sst_xml), 0);
	struct buf whole = BUF_INIT;
	CHECK_INT(buf_read_file(&whole, tmp("whole.xlsx")), 0);
	int cut_ok = 1;
	for (int k = 1; k < 10; k++) {
		FILE *f = fopen(tmp("cut.xlsx"), "wb");
		fwrite(whole.data, 1, whole.len * (size_t)k / 10, f);
		fclose(f);
		struct sheet_book b;
		struct diags d;
		diags_init(&d);
		int rc = sheet_read(tmp("cut.xlsx"), &b, &d);
		cut_ok &= rc < 0 && d.nerrors > 0;
		sheet_book_free(&b);
		diags_free(&d);
	}
	CHECK(cut_ok);
	buf_free(&whole);
	/* Bad XML, a DTD (the billion laughs), no workbook part. */
	CHECK_INT(write_xlsx("bad.xlsx", wb, "<worksheet><sheetData><row>", sst_xml), 0);
	CHECK(read_fails(tmp("bad.xlsx"), "bad XML"));
	CHECK_INT(write_xlsx("dtd.xlsx", wb,
	                     "<!DOCTYPE w [<!ENTITY a \"aaaaaaaa\"><!ENTITY b \"&a;&a;&a;&a;\">]><worksheet>&b;</worksheet>",
	                     sst_xml), 0);
	CHECK(read_fails(tmp("dtd.xlsx"), "DTD"));
	const char *n1[] = { "word/document.xml" }, *d1[] = { "<x/>" };
	CHECK_INT(mkdoc_zip(tmp("noxl.xlsx"), n1, d1, NULL, 1), 0);
	CHECK(read_fails(tmp("noxl.xlsx"), "xl/workbook.xml"));
	/* A shared string table claiming and holding more strings than cells allowed. */
	struct buf big = BUF_INIT;
	buf_puts(&big, "<sst " NS " count=\"4294967295\" uniqueCount=\"4294967295\">");
	for (unsigned i = 0; i <= SHEET_MAX_STRINGS; i++)
		buf_puts(&big, "<si/>");
	buf_puts(&big, "</sst>");
	CHECK_INT(write_xlsx("sst.xlsx", wb, sheet_xml, buf_cstr(&big)), 0);
	CHECK(read_fails(tmp("sst.xlsx"), "strings"));
	buf_free(&big);
	/* A styles part of 200 000 cell formats and 5 000 number formats: read
	 * in linear time (Excel's own limits cap both), the sheet still read. */
	{
		struct buf sty = BUF_INIT;
		buf_puts(&sty, "<styleSheet><numFmts>");
		for (int i = 0; i < 5000; i++)
			buf_printf(&sty, "<numFmt numFmtId=\"%d\" formatCode=\"0.0\"/>", 164 + i);
		buf_puts(&sty, "</numFmts><cellXfs>");
		for (int i = 0; i < 200000; i++)
			buf_printf(&sty, "<xf numFmtId=\"%d\"/>", 200000 + i);
		buf_puts(&sty, "</cellXfs></styleSheet>");
		const char *names[] = { "xl/workbook.xml", "xl/styles.xml", "xl/worksheets/sheet1.xml" };
		const char *datas[] = { "<workbook><sheets><sheet name=\"s\"/></sheets></workbook>", buf_cstr(&sty),
			                "<worksheet><sheetData><row><c s=\"5\"><v>1</v></c></row></sheetData></worksheet>" };
		CHECK_INT(mkdoc_zip(tmp("styles.xlsx"), names, datas, NULL, 3), 0);
		struct sheet_book b;
		struct diags d;
		diags_init(&d);
		CHECK_INT(sheet_read(tmp("styles.xlsx"), &b, &d), 0);
		CHECK(b.n == 1 && b.v[0].n == 1 && strcmp(b.v[0].v[0].text, "1") == 0);
		sheet_book_free(&b);
		diags_free(&d);
		buf_free(&sty);
	}
	/* A merged range of the whole grid; a cell past it. */
	CHECK_INT(write_xlsx("merge.xlsx", wb,
	                     "<worksheet><sheetData><row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>x</t></is></c></row>"
	                     "</sheetData><mergeCells><mergeCell ref=\"A1:XFD1048576\"/></mergeCells></worksheet>",
	                     NULL), 0);
	CHECK(read_fails(tmp("merge.xlsx"), "merged range"));
	CHECK_INT(write_xlsx("grid.xlsx", wb,
	                     "<worksheet><sheetData><row r=\"1\"><c r=\"XFE1\"><v>1</v></c></row></sheetData></worksheet>",
	                     NULL), 0);
	CHECK(read_fails(tmp("grid.xlsx"), "grid"));
	/* Not a spreadsheet at all: an OLE header with nothing behind it. */
	FILE *f = fopen(tmp("x.xls"), "wb");
	fwrite("\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1\0\0\0\0", 1, 12, f);
	fclose(f);
	CHECK(read_fails(tmp("x.xls"), ".xls"));
}

static void test_csv(void)
{
	struct sheet_book b;
	struct diags d;
	diags_init(&d);
	static const char csv[] = "\xef\xbb\xbf序号,进度,备注\r\n1,80,\"一,二\"\"三\"\"\r\n四\"\r\n\r\n2,  ,完\n3";
	CHECK_INT(sheet_parse_csv("t.csv", csv, sizeof csv - 1, &b, &d), 0);
	const struct sheet *s = &b.v[0];
	CHECK_STR(cell(s, 1, 1), "序号");
	CHECK_STR(cell(s, 2, 3), "一,二\"三\"\n四");
	CHECK_STR(cell(s, 4, 1), "2");            /* a quoted line break is no new row */
	CHECK(sheet_cell(s, 4, 2) == NULL);       /* spaces only: no cell */
	CHECK_STR(cell(s, 5, 1), "3");
	sheet_book_free(&b);
	/* GB18030, as Excel in China saves "CSV (逗号分隔)"; and TAB-separated. */
	static const char gb[] = "\xd0\xf2\xba\xc5\t\xbd\xf8\xb6\xc8\n1\t50\n";   /* 序号 TAB 进度 */
	CHECK_INT(sheet_parse_csv("g.csv", gb, sizeof gb - 1, &b, &d), 0);
	CHECK_STR(cell(&b.v[0], 1, 1), "序号");
	CHECK_STR(cell(&b.v[0], 2, 2), "50");
	sheet_book_free(&b);
	CHECK_INT(d.n, 0);
	static const char open_q[] = "a,b\n1,\"never closed\n";
	CHECK_INT(sheet_parse_csv("q.csv", open_q, sizeof open_q - 1, &b, &d), -1);
	CHECK(d.n == 1 && d.v[0].line == 2 && d.v[0].col == 2);
	CHECK_INT(sheet_parse_csv("u.csv", "\xff\xfe" "a\0", 4, &b, &d), -1);
	CHECK_INT(d.nerrors, 2);
	diags_free(&d);
}

/* The LibreOffice-made fixtures: each .xls reads to the very cells of its
 * .xlsx (sheets, hidden ones too; kinds; a percent as 45%; merged values in
 * every cell of their range), with no word said. */
static void test_real(void)
{
	static const char *const names[] = { "wangge-2020q1", "shequ-2020", "wangge-2020q1-zongzhi" };
	for (size_t i = 0; i < sizeof names / sizeof *names; i++) {
		struct sheet_book x, y;
		struct diags d;
		char px[128], py[128];
		diags_init(&d);
		snprintf(px, sizeof px, "tests/sheets/real/%s.xls", names[i]);
		snprintf(py, sizeof py, "tests/sheets/real/%s.xlsx", names[i]);
		CHECK_INT(sheet_read(px, &x, &d), 0);
		CHECK_INT(sheet_read(py, &y, &d), 0);
		CHECK_INT(d.n, 0);
		CHECK_INT(x.n, y.n);
		int differ = 0;
		for (size_t k = 0; k < x.n && k < y.n; k++) {
			differ += strcmp(x.v[k].name, y.v[k].name) != 0 || x.v[k].n != y.v[k].n;
			for (size_t c = 0; c < x.v[k].n && c < y.v[k].n; c++) {
				const struct sheet_cell *a = &x.v[k].v[c], *b = &y.v[k].v[c];
				if (a->row != b->row || a->col != b->col || a->kind != b->kind || strcmp(a->text, b->text)) {
					fprintf(stderr, "%s:%s:%u:%u: [%s] in the .xls, [%s] at %u:%u in the .xlsx\n", px,
					        x.v[k].name, a->row, a->col, a->text, b->text, b->row, b->col);
					differ++;
				}
			}
		}
		CHECK_INT(differ, 0);
		if (i == 0 && x.n == 3) {
			CHECK_STR(cell(&x.v[0], 5, 5), "45%");                   /* 0.45 formatted 0% */
			CHECK_STR(cell(&x.v[0], 6, 5), "65");                    /* 65.0 */
			CHECK_STR(cell(&x.v[0], 5, 3), "街道网格化服务管理中心");    /* merged over C4:C5 */
			CHECK_STR(cell(&x.v[0], 1, 9), "2020年一季度工作进展统计表"); /* the title over A1:I1 */
			CHECK_STR(cell(&x.v[0], 4, 4), "2019-06-30");
			CHECK_INT(sheet_cell(&x.v[0], 4, 4)->kind, SHEET_DATE);
			CHECK_STR(x.v[2].name, "下拉选项");                        /* hidden, read too */
		}
		sheet_book_free(&x);
		sheet_book_free(&y);
		diags_free(&d);
	}
}

int main(void)
{
	if (!mkdtemp(dir))
		return 2;
	test_round_trip();
	test_long_cell();
	test_golden();
	test_parts();
	test_hostile();
	test_csv();
	test_real();
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		CHECK(!"temporary folder removed");
	return CHECK_DONE("check_sheet");
}
