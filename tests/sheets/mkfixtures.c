/* mkfixtures.c: writes the .xlsx fixtures of tests/sheets.sh with libxlsxwriter,
 * as an office's staff would fill them in Excel: a title row merged across
 * the table, a unit row, headers with units in brackets, section rows, a
 * total row, percent-formatted and text progress, line breaks in notes,
 * dates as date cells, a lead unit merged over two tasks; and an Excel
 * 97-2003 return (.xls) written by hand. Run by the test
 * (cc ... -lxlsxwriter) into its temporary folder; the bytes committed are
 * not needed, the program is the fixture. Usage: mkfixtures DIR */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include <xlsxwriter.h>

#include "../cfb.h"

static char path[4096];

static const char *at(const char *dir, const char *name)
{
	snprintf(path, sizeof path, "%s/%s", dir, name);
	return path;
}

static lxw_workbook *book(const char *file)
{
	lxw_doc_properties props = { .created = 1561852800 };
	lxw_workbook *wb = workbook_new(file);
	workbook_set_properties(wb, &props);
	return wb;
}

/* A progress return for plan wangge-2019 of the bundled site. */
static void progress(const char *dir)
{
	lxw_workbook *wb = book(at(dir, "progress.xlsx"));
	lxw_worksheet *ws = workbook_add_worksheet(wb, "进度报表");
	lxw_format *pct = workbook_add_format(wb);
	format_set_num_format(pct, "0%");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy\"年\"m\"月\"d\"日\"");
	worksheet_merge_range(ws, 0, 0, 0, 5, "2020年第一季度“智慧网格”任务进展情况表", NULL);
	worksheet_write_string(ws, 1, 0, "填报单位：街道网格化服务管理中心", NULL);
	lxw_datetime when = { 2020, 3, 31, 0, 0, 0 };
	worksheet_write_datetime(ws, 1, 4, &when, date);
	const char *head[] = { "序号", "任务名称", "完成进度（%）", "状态", "进展情况", "实际完成" };
	for (int i = 0; i < 6; i++)
		worksheet_write_string(ws, 2, (lxw_col_t)i, head[i], NULL);
	worksheet_merge_range(ws, 3, 0, 3, 5, "二、网格化平台建设", NULL);
	/* Task 2: 45 as a number, a note over two lines, an actual. */
	worksheet_write_number(ws, 4, 0, 2, NULL);
	worksheet_write_string(ws, 4, 1, "建设街道网格化综合指挥平台", NULL);
	worksheet_write_number(ws, 4, 2, 45, NULL);
	worksheet_write_string(ws, 4, 3, "进行中", NULL);
	worksheet_write_string(ws, 4, 4, "平台一期上线试运行，\n接入5个部门系统", NULL);
	worksheet_write_string(ws, 4, 5, "接入区级部门业务系统=5", NULL);
	/* Task 3: 0.6 formatted as a percent; no status. */
	worksheet_write_string(ws, 5, 0, "03", NULL);
	worksheet_write_string(ws, 5, 1, "建立网格事件联动处置机制", NULL);
	worksheet_write_number(ws, 5, 2, 0.6, pct);
	worksheet_write_string(ws, 5, 4, "联动处置机制印发", NULL);
	/* Task 4: done, as text with a full-width percent sign. */
	worksheet_write_string(ws, 6, 0, "任务4", NULL);
	worksheet_write_string(ws, 6, 2, "100％", NULL);
	worksheet_write_string(ws, 6, 3, "已完成", NULL);
	worksheet_write_string(ws, 6, 5, "专职网格员到岗：62", NULL);
	/* Task 5: named but nothing reported. */
	worksheet_write_number(ws, 7, 0, 5, NULL);
	worksheet_write_string(ws, 7, 1, "开展社区智慧门禁和数据共享试点", NULL);
	/* Task 1: what it shows already (done, 100). */
	worksheet_write_number(ws, 8, 0, 1, NULL);
	worksheet_write_number(ws, 8, 2, 100, NULL);
	worksheet_write_string(ws, 8, 3, "已完成", NULL);
	worksheet_write_string(ws, 9, 0, "合计", NULL);
	worksheet_write_string(ws, 9, 1, "5项", NULL);
	workbook_close(wb);
}

/* A return with a row wrong in each way, on its second sheet. */
static void bad(const char *dir)
{
	lxw_workbook *wb = book(at(dir, "bad.xlsx"));
	workbook_add_worksheet(wb, "说明");
	lxw_worksheet *ws = workbook_add_worksheet(wb, "三月");
	const char *head[] = { "计划", "任务编号", "进度", "状态", "备注", "实际值" };
	for (int i = 0; i < 6; i++)
		worksheet_write_string(ws, 0, (lxw_col_t)i, head[i], NULL);
	/* row 2: fine */
	worksheet_write_string(ws, 1, 0, "wangge-2019", NULL);
	worksheet_write_number(ws, 1, 1, 2, NULL);
	worksheet_write_number(ws, 1, 2, 50, NULL);
	/* row 3: progress 140 (C3) */
	worksheet_write_string(ws, 2, 0, "wangge-2019", NULL);
	worksheet_write_number(ws, 2, 1, 3, NULL);
	worksheet_write_number(ws, 2, 2, 140, NULL);
	/* row 4: unknown status (D4) */
	worksheet_write_string(ws, 3, 0, "新街办〔2019〕7号", NULL);
	worksheet_write_number(ws, 3, 1, 4, NULL);
	worksheet_write_string(ws, 3, 3, "差不多", NULL);
	/* row 5: no task 99 (B5) */
	worksheet_write_string(ws, 4, 0, "wangge-2019", NULL);
	worksheet_write_number(ws, 4, 1, 99, NULL);
	worksheet_write_number(ws, 4, 2, 10, NULL);
	/* row 6: task 2 again (B6) */
	worksheet_write_string(ws, 5, 0, "wangge-2019", NULL);
	worksheet_write_number(ws, 5, 1, 2, NULL);
	worksheet_write_number(ws, 5, 2, 60, NULL);
	/* row 7: no such plan (A7) */
	worksheet_write_string(ws, 6, 0, "no-such-plan", NULL);
	worksheet_write_number(ws, 6, 1, 1, NULL);
	worksheet_write_number(ws, 6, 2, 10, NULL);
	/* row 8: an actual of a target the task does not have (F8) */
	worksheet_write_string(ws, 7, 0, "wangge-2019", NULL);
	worksheet_write_number(ws, 7, 1, 5, NULL);
	worksheet_write_string(ws, 7, 5, "覆盖率=50", NULL);
	/* row 9: progress without a task number (B9) */
	worksheet_write_number(ws, 8, 2, 10, NULL);
	workbook_close(wb);
}

/* A task list kept as a sheet. */
static void tasks(const char *dir)
{
	lxw_workbook *wb = book(at(dir, "tasks.xlsx"));
	lxw_worksheet *ws = workbook_add_worksheet(wb, "任务清单");
	lxw_format *date = workbook_add_format(wb);
	format_set_num_format(date, "yyyy-mm-dd");
	worksheet_merge_range(ws, 0, 0, 0, 4, "新和街道2020年社区治理重点任务清单", NULL);
	const char *head[] = { "序号", "任务", "牵头单位", "配合单位", "完成时限" };
	for (int i = 0; i < 5; i++)
		worksheet_write_string(ws, 1, (lxw_col_t)i, head[i], NULL);
	const char *rows[][4] = {
		{ "1", "完善社区议事协商制度，全年召开议事会不少于48场", "街道社区建设办公室", "各社区居委会" },
		{ "2", "建成社区综合服务站6个", "", "街道党政综合办公室" },
		{ "3", "推行社区事务一窗受理，受理事项达到40项", "街道党政综合办公室", "" },
	};
	lxw_datetime due[] = { { 2020, 6, 30, 0, 0, 0 }, { 2020, 9, 30, 0, 0, 0 }, { 2020, 12, 31, 0, 0, 0 } };
	for (int r = 0; r < 3; r++) {
		worksheet_write_number(ws, (lxw_row_t)(r + 2), 0, r + 1, NULL);
		worksheet_write_string(ws, (lxw_row_t)(r + 2), 1, rows[r][1], NULL);
		if (r != 0 && *rows[r][2])
			worksheet_write_string(ws, (lxw_row_t)(r + 2), 2, rows[r][2], NULL);
		if (*rows[r][3])
			worksheet_write_string(ws, (lxw_row_t)(r + 2), 3, rows[r][3], NULL);
		worksheet_write_datetime(ws, (lxw_row_t)(r + 2), 4, &due[r], date);
	}
	/* The same lead unit for tasks 1 and 2, merged as staff do. */
	worksheet_merge_range(ws, 2, 2, 3, 2, "街道社区建设办公室", NULL);
	workbook_close(wb);
}


/* ---- an Excel 97-2003 file, written by hand ---------------------------------
 * No Debian package writes .xls, so progress.xls is made here: a BIFF8
 * workbook stream (BOF, CODEPAGE, DATEMODE, one XF, BOUNDSHEET, SST, EOF,
 * then the sheet's BOF, DIMENSIONS, LABELSST and NUMBER cells, EOF) in an
 * OLE compound file of 512-byte sectors: the header, one FAT sector, one
 * directory sector, the stream padded to 4096 bytes (past the mini stream's
 * cutoff, so it lives in ordinary sectors). */
static unsigned char ws[4096];
static size_t wn;

static void put16(unsigned char *p, unsigned v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); }
static void put32(unsigned char *p, uint32_t v) { put16(p, v & 0xffff); put16(p + 2, v >> 16); }

static void rec(unsigned type, const unsigned char *data, size_t len)
{
	put16(ws + wn, type);
	put16(ws + wn + 2, (unsigned)len);
	memcpy(ws + wn + 4, data, len);
	wn += 4 + len;
}

/* UTF-8 (BMP only) to UTF-16LE at out; the count of code units. */
static size_t utf16(const char *s, unsigned char *out)
{
	size_t n = 0;
	const unsigned char *p = (const unsigned char *)s;
	while (*p) {
		unsigned cp;
		if (*p < 0x80)
			cp = *p++;
		else if ((*p & 0xe0) == 0xc0) {
			cp = (unsigned)(p[0] & 0x1f) << 6 | (p[1] & 0x3f);
			p += 2;
		} else {
			cp = (unsigned)(p[0] & 0x0f) << 12 | (unsigned)(p[1] & 0x3f) << 6 | (p[2] & 0x3f);
			p += 3;
		}
		put16(out + 2 * n++, cp);
	}
	return n;
}

static void bof(unsigned dt)
{
	unsigned char b[16] = { 0 };
	put16(b, 0x0600);
	put16(b + 2, dt);
	put16(b + 4, 0x0dbb);
	put16(b + 6, 0x07cc);
	rec(0x0809, b, sizeof b);
}

static void xls(const char *where)
{
	static const char *const strings[] = { "序号", "进度", "状态", "进展情况", "进行中", "平台试运行" };
	unsigned char b[1024];
	size_t n;
	bof(0x0005);
	put16(b, 1200);   /* CODEPAGE: UTF-16 */
	rec(0x0042, b, 2);
	put16(b, 0);      /* DATEMODE: 1900 */
	rec(0x0022, b, 2);
	memset(b, 0, 20); /* one XF: font 0, format 0 (General) */
	rec(0x00e0, b, 20);
	size_t boundsheet = wn;
	memset(b, 0, sizeof b);
	n = utf16("进度", b + 8);
	b[6] = (unsigned char)n;
	b[7] = 1;         /* the name in UTF-16 */
	rec(0x0085, b, 8 + 2 * n);
	size_t k = 8;
	put32(b, 6);
	put32(b + 4, 6);
	for (size_t i = 0; i < 6; i++) {
		n = utf16(strings[i], b + k + 3);
		put16(b + k, (unsigned)n);
		b[k + 2] = 1;
		k += 3 + 2 * n;
	}
	rec(0x00fc, b, k);
	rec(0x000a, b, 0);
	put32(ws + boundsheet + 4, (uint32_t)wn);   /* where the sheet's BOF is */
	bof(0x0010);
	memset(b, 0, 14);
	put32(b + 4, 3);
	put16(b + 10, 4);
	rec(0x0200, b, 14);
	for (unsigned c = 0; c < 4; c++) {   /* the header row */
		memset(b, 0, 10);
		put16(b + 2, c);
		put32(b + 6, c);
		rec(0x00fd, b, 10);
	}
	/* task 2: 45, 进行中, 平台试运行 */
	double v[2] = { 2, 45 };
	for (unsigned c = 0; c < 2; c++) {
		memset(b, 0, 14);
		put16(b, 1);
		put16(b + 2, c);
		memcpy(b + 6, &v[c], 8);
		rec(0x0203, b, 14);
	}
	for (unsigned c = 2; c < 4; c++) {
		memset(b, 0, 10);
		put16(b, 1);
		put16(b + 2, c);
		put32(b + 6, c + 2);
		rec(0x00fd, b, 10);
	}
	rec(0x000a, b, 0);
	/* The compound file: header, FAT (sector 0), directory (1), stream (2..9). */
	static unsigned char f[512 * 11];
	memset(f, 0, sizeof f);
	cfb_header(f, 0xfffffffe, 0);   /* no mini FAT */
	unsigned char *fat = f + 512;
	for (int i = 0; i < 128; i++)
		put32(fat + 4 * i, 0xffffffff);
	put32(fat, 0xfffffffd);
	put32(fat + 4, 0xfffffffe);
	for (uint32_t i = 2; i < 9; i++)
		put32(fat + 4 * i, i + 1);
	put32(fat + 4 * 9, 0xfffffffe);
	unsigned char *dir = f + 1024;
	for (int e = 0; e < 4; e++) {
		put32(dir + 128 * e + 0x44, 0xffffffff);
		put32(dir + 128 * e + 0x48, 0xffffffff);
		put32(dir + 128 * e + 0x4c, 0xffffffff);
	}
	n = utf16("Root Entry", dir);
	put16(dir + 0x40, (unsigned)(2 * n + 2));
	dir[0x42] = 5;
	dir[0x43] = 1;
	put32(dir + 0x4c, 1);
	put32(dir + 0x74, 0xfffffffe);
	n = utf16("Workbook", dir + 128);
	put16(dir + 128 + 0x40, (unsigned)(2 * n + 2));
	dir[128 + 0x42] = 2;
	dir[128 + 0x43] = 1;
	put32(dir + 128 + 0x74, 2);
	put32(dir + 128 + 0x78, sizeof ws);
	memcpy(f + 1536, ws, sizeof ws);
	FILE *out = fopen(at(where, "progress.xls"), "wb");
	if (out) {
		fwrite(f, 1, sizeof f, out);
		fclose(out);
	}
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: mkfixtures DIR\n");
		return 2;
	}
	progress(argv[1]);
	bad(argv[1]);
	tasks(argv[1]);
	xls(argv[1]);
	return 0;
}
