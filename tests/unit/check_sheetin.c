/* check_sheetin.c: unit tests for sheetin.c: headers recognised in Chinese and
 * English, what a sheet is, task numbers as staff write them, a progress
 * return matched against plans (by number, id, plan column; the bulletin's
 * text), each bad row at its sheet, row and column, each row read past
 * and each second column of a kind said, headers of two rows, and a task
 * list as the importer's text. */
#include <stdlib.h>

#include "arena.h"
#include "check.h"
#include "json.h"
#include "sheet.h"
#include "sheetin.h"

static int header(const char *s)
{
	return sheetin_header(s, strlen(s));
}

/* A book of one CSV sheet. */
static void csv(const char *text, struct sheet_book *b)
{
	struct diags d;
	diags_init(&d);
	if (sheet_parse_csv("r.csv", text, strlen(text), b, &d) < 0)
		CHECK(!"the CSV parses");
	diags_free(&d);
}

static const char plans_json[] =
	"[{\"id\": \"a\", \"doc_no\": \"甲发〔2020〕1号\", \"title\": \"甲计划\", \"tasks\": ["
	"  {\"number\": \"1\", \"progress\": 10, \"status\": \"in_progress\","
	"   \"history\": [{\"note\": \"旧进展\"}], \"targets\": [{\"metric\": \"覆盖率\"}, {\"metric\": \"协议数\"}]},"
	"  {\"number\": \"2\", \"progress\": 0, \"status\": \"not_started\"},"
	"  {\"number\": \"3.1\", \"progress\": 0, \"status\": \"not_started\"}]},"
	" {\"id\": \"b\", \"title\": \"乙计划\", \"tasks\": ["
	"  {\"number\": \"1\", \"progress\": 0, \"status\": \"not_started\"}]}]";

static int bulletin(const char *text, const char *plan, struct buf *out, struct sheetin_counts *c,
                    struct diags *d)
{
	struct arena *a = arena_new();
	struct value *plans = json_parse(a, "p.json", plans_json, sizeof plans_json - 1, d);
	struct sheet_book b;
	csv(text, &b);
	struct sheetin_opts o = { .path = "r.csv", .source = "r.csv", .plan = plan, .date = "2020-03-31" };
	int rc = sheetin_bulletin(&b, plans, &o, out, c, d);
	sheet_book_free(&b);
	arena_free(a);
	return rc;
}

static void test_headers(void)
{
	CHECK_INT(header("序号"), SHEETIN_NUMBER);
	CHECK_INT(header(" 任务 编号 "), SHEETIN_NUMBER);
	CHECK_INT(header("No."), SHEETIN_NUMBER);
	CHECK_INT(header("完成进度（%）"), SHEETIN_PROGRESS);
	CHECK_INT(header("进度(%)"), SHEETIN_PROGRESS);
	CHECK_INT(header("*状态："), SHEETIN_STATUS);
	CHECK_INT(header("Status"), SHEETIN_STATUS);
	CHECK_INT(header("进展情况"), SHEETIN_NOTE);
	CHECK_INT(header("Last note"), SHEETIN_NOTE);
	CHECK_INT(header("实际完成"), SHEETIN_ACTUALS);
	CHECK_INT(header("牵头单位"), SHEETIN_LEAD);
	CHECK_INT(header("完成时限"), SHEETIN_DUE);
	CHECK_INT(header("任务名称"), SHEETIN_TITLE);
	CHECK_INT(header("指标（目标／完成）"), SHEETIN_NCOLS);   /* ours, not read */
	CHECK_INT(header("进度安排"), -1);
	CHECK_INT(header(""), -1);

	struct sheet_book b;
	uint32_t hr = 0;
	csv("2020年进度表\n填报单位：甲办\n序号,进度,备注\n1,50,好\n", &b);
	CHECK_INT(sheetin_sheet_kind(&b.v[0], &hr), SHEETIN_RETURN);
	CHECK_INT(hr, 3);
	sheet_book_free(&b);
	csv("序号,任务,牵头单位,配合单位,完成时限\n1,建站,甲办,乙局,2020年底\n", &b);
	CHECK_INT(sheetin_kind(&b), SHEETIN_LIST);
	struct buf t = BUF_INIT;
	sheetin_text(&b, "清单", &t);
	CHECK_STR(buf_cstr(&t), "清单\n\n序号\t任务\t牵头单位\t配合单位\t完成时限\n1\t建站\t甲办\t乙局\t2020年底\n\n");
	buf_free(&t);
	sheet_book_free(&b);
	/* Headings between tasks (merged across the table, or alone in a row) are sections. */
	csv("清单\n序号,任务,牵头单位\n一、组织,一、组织,一、组织\n1,建站,甲办\n二、队伍,,\n2,培训,乙办\n", &b);
	sheetin_text(&b, NULL, &t);
	CHECK_STR(buf_cstr(&t), "清单\n\n一、组织\n\n序号\t任务\t牵头单位\n1\t建站\t甲办\n\n\n二、队伍\n\n"
	                        "序号\t任务\t牵头单位\n2\t培训\t乙办\n\n");
	buf_free(&t);
	sheet_book_free(&b);
	csv("序号,任务,牵头单位,完成时限,备注\n1,建站,甲办,2020年底,新增\n", &b);
	CHECK_INT(sheetin_kind(&b), SHEETIN_LIST);   /* a 备注 column is no progress */
	sheet_book_free(&b);
	csv("序号,任务,备注\n1,建站,好\n", &b);
	CHECK_INT(sheetin_kind(&b), SHEETIN_RETURN);
	sheet_book_free(&b);
	csv("甲,乙\n1,2\n", &b);
	CHECK_INT(sheetin_kind(&b), SHEETIN_NOT);
	sheet_book_free(&b);
	/* A header of two rows: 责任单位 over 牵头单位 and 配合单位. */
	csv("清单\n序号,任务,责任单位,责任单位,完成时限\n,,牵头单位,配合单位,\n1,建站,甲办,乙局,2020年底\n", &b);
	CHECK_INT(sheetin_sheet_kind(&b.v[0], &hr), SHEETIN_LIST);
	CHECK_INT(hr, 2);
	sheetin_text(&b, NULL, &t);
	CHECK_STR(buf_cstr(&t), "清单\n\n序号\t任务\t牵头单位\t配合单位\t完成时限\n1\t建站\t甲办\t乙局\t2020年底\n\n");
	buf_free(&t);
	sheet_book_free(&b);
	/* 完成情况 over 完成进度 and 状态: a return, not the task list its
	 * first row alone (序号, 任务名称, 牵头单位) would make of it. */
	csv("表\n序号,任务名称,牵头单位,完成情况,完成情况\n序号,任务名称,牵头单位,完成进度,状态\n2,建,甲办,60,进行中\n", &b);
	CHECK_INT(sheetin_sheet_kind(&b.v[0], &hr), SHEETIN_RETURN);
	CHECK_INT(hr, 2);
	sheet_book_free(&b);
}

static void test_bulletin(void)
{
	struct buf out = BUF_INIT;
	struct sheetin_counts c;
	struct diags d;
	diags_init(&d);
	/* Plan a by --plan; numbers as staff write them; a metric column; a heading row. */
	CHECK_INT(bulletin("序号,进度,状态,进展情况,覆盖率,实际完成\n"
	                   "一、建设,一、建设,一、建设,一、建设,一、建设,一、建设\n"
	                   "０１,80%,推进中,\"新进展: 甲\",95,协议数：18\n"
	                   "任务2,,,,,\n"
	                   "第3.1项,0,未开始,,,\n"
	                   "合计,,,,,\n",
	                   "a", &out, &c, &d), 0);
	CHECK_INT(d.nerrors, 0);
	CHECK_STR(buf_cstr(&out), "---\ndate: 2020-03-31\ntitle: 2020年3月31日工作进展\n"
	                          "generated_by: planpress import\nupdates:\n"
	                          "  - task: a/1\n    progress: 80\n    status: in_progress\n    actuals:\n"
	                          "      协议数: 18\n      覆盖率: 95\n    note: \"新进展: 甲\"\n"
	                          "---\n\n本通报由 planpress import 根据进展报表 r.csv 生成。\n");
	CHECK_INT(c.rows, 3);
	CHECK_INT(c.updates, 1);
	CHECK_INT(c.empty, 1);
	CHECK_INT(c.unchanged, 1);
	/* The heading and 合计 rows are read past, each said in a note at its number cell. */
	CHECK(d.n == 2 && d.v[0].level == DIAG_NOTE && d.v[0].line == 2 && d.v[1].line == 6 && d.v[1].col == 1);
	CHECK(d.n == 2 && strstr(d.v[1].msg, "'合计' is no task number"));
	diags_free(&d);
	diags_init(&d);
	buf_reset(&out);
	/* A row with a note and no number (a line under the table, a number
	 * merged over two rows in a file read without its merges) is a warning. */
	CHECK_INT(bulletin("序号,进度,进展情况\n2,50,甲\n,,乙\n", "a", &out, &c, &d), 0);
	CHECK(d.n == 1 && d.v[0].level == DIAG_WARNING && d.v[0].line == 3 && d.v[0].col == 1);
	CHECK_INT(c.updates, 1);
	diags_free(&d);
	diags_init(&d);
	buf_reset(&out);
	/* By id, and by the plan column (id, doc_no or title). */
	CHECK_INT(bulletin("任务编号,计划,进度\nb/1,,5\n2,甲发〔2020〕1号,5\n1,乙计划,7\n", NULL, &out, &c, &d), -1);
	CHECK_INT(d.nerrors, 1);   /* b/1 twice: rows 2 and 4 */
	CHECK(d.n == 1 && d.v[0].line == 4 && d.v[0].col == 1 && strstr(d.v[0].msg, "row 2"));
	diags_free(&d);
	diags_init(&d);
	buf_reset(&out);
	/* Without a plan, number 1 is in two plans; 7 is in none; bad values. */
	CHECK_INT(bulletin("序号,进度,状态,实际值\n1,5,,\n7,5,,\n2,101,,\n3.1,x,,\na/1,,maybe,\nb/1,,,覆盖率=1\n,5,,\n",
	                   NULL, &out, &c, &d), -1);
	CHECK_INT(d.nerrors, 7);
	int rows[] = { 2, 3, 4, 5, 6, 7, 8 }, cols[] = { 1, 1, 2, 2, 3, 4, 1 };
	for (size_t i = 0; i < d.n && i < 7; i++) {
		CHECK_STR(d.v[i].path, "r.csv");
		CHECK_INT(d.v[i].line, rows[i]);
		CHECK_INT(d.v[i].col, cols[i]);
	}
	CHECK_INT(out.len, 0);
	diags_free(&d);
	diags_init(&d);
	/* A header of two rows: the lower names the columns; data after it. */
	CHECK_INT(bulletin("2020年进展\n序号,任务名称,完成情况,完成情况,备注\n,,完成进度（%）,状态,\n2,建,60,进行中,上线\n",
	                   "a", &out, &c, &d), 0);
	CHECK_INT(d.n, 0);
	CHECK(strstr(buf_cstr(&out), "  - task: a/2\n    progress: 60\n    status: in_progress\n    note: 上线\n") != NULL);
	buf_reset(&out);
	/* A second column of a kind, filled, is said to be left out. */
	CHECK_INT(bulletin("序号,进度,进展情况,备注\n2,50,甲,乙\n", "a", &out, &c, &d), 0);
	CHECK(d.n == 1 && d.v[0].level == DIAG_NOTE && d.v[0].line == 1 && d.v[0].col == 4 && strstr(d.v[0].msg, "column C"));
	CHECK(strstr(buf_cstr(&out), "note: 甲\n") != NULL);
	buf_reset(&out);
	diags_free(&d);
	diags_init(&d);
	/* 序号 counts the form's rows; 任务编号 names the task, and wins. */
	CHECK_INT(bulletin("序号,任务编号,进度\n1,2,50\n", "a", &out, &c, &d), 0);
	CHECK(strstr(buf_cstr(&out), "  - task: a/2\n    progress: 50\n") != NULL);
	CHECK(d.n == 1 && d.v[0].col == 1 && strstr(d.v[0].msg, "column B"));
	buf_reset(&out);
	diags_free(&d);
	diags_init(&d);
	/* A fraction in the progress column (a cell not formatted as a
	 * percent): read as written, with a warning at its cell; 0.5% is not. */
	CHECK_INT(bulletin("序号,进度\n2,0.8\n3.1,0.5%\n", "a", &out, &c, &d), 0);
	CHECK(d.n == 1 && d.v[0].level == DIAG_WARNING && d.v[0].line == 2 && d.v[0].col == 2 &&
	      strstr(d.v[0].msg, "'0.8' read as 0.8%: if 80% was meant, write 80"));
	CHECK(strstr(buf_cstr(&out), "  - task: a/2\n    progress: 0.8\n") != NULL);
	buf_reset(&out);
	diags_free(&d);
	diags_init(&d);
	/* No sheet a return. */
	CHECK_INT(bulletin("甲,乙\n", NULL, &out, &c, &d), -1);
	CHECK(d.n == 1 && strstr(d.v[0].msg, "no sheet"));
	diags_free(&d);
	buf_free(&out);
}

int main(void)
{
	test_headers();
	test_bulletin();
	return CHECK_DONE("check_sheetin");
}
