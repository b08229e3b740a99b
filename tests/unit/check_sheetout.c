/* check_sheetout.c: a task's cells as the spreadsheets write them (units
 * joined, overdue in words, an extension's first deadline and reason, the
 * last note, targets), in Chinese and English, and data/tasks.csv's bytes:
 * the BOM, CRLF, and RFC 4180 quoting of commas, quotes and line breaks. */
#include "check.h"

#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "sheetout.h"

static const char *tasks_json =
	"[{\"plan\": \"p\", \"number\": \"3\", \"title\": \"改造, \\\"老旧\\\"小区\", \"section\": \"二\","
	"  \"lead\": [\"城管科\", \"住建局\"], \"support\": [], \"start\": \"2019-01-01\", \"due\": \"2020-03-31\","
	"  \"due_original\": \"2019-12-31\", \"extension\": {\"due\": \"2020-03-31\", \"reason\": \"待批复\"},"
	"  \"status_text\": \"进行中\", \"progress\": 60, \"expected\": 75, \"rag_text\": \"黄灯\", \"overdue\": false,"
	"  \"days_left\": 91,"
	"  \"history\": [{\"date\": \"2019-06-30\", \"note\": \"第一\\n第二\"}, {\"date\": \"2019-09-30\"}],"
	"  \"targets\": [{\"metric\": \"覆盖率\", \"target\": 90, \"unit\": \"%\", \"actual\": 85},"
	"               {\"metric\": \"网格\", \"target\": 62, \"unit\": \"个\"}]},"
	" {\"plan\": \"p\", \"number\": \"4\", \"title\": \"逾期\", \"lead\": [\"甲\"], \"due\": \"2019-06-30\","
	"  \"overdue\": true, \"progress\": 10}]";

int main(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *tasks = json_parse(a, "tasks.json", tasks_json, strlen(tasks_json), &d);
	CHECK(tasks != NULL);
	if (!tasks)
		return CHECK_DONE("check_sheetout");
	struct buf cells[SHEETOUT_NCOLS];
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		cells[i] = (struct buf)BUF_INIT;

	/* Chinese: units joined by 、, an extension's first deadline and
	 * reason, the last note the history has, targets in words. */
	sheetout_cells(value_at(tasks, 0), LANG_ZH, cells);
	CHECK_STR(buf_cstr(&cells[SHEETOUT_LEAD]), "城管科、住建局");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_SUPPORT]), "");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_DUE]), "2020-03-31");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_DUE_ORIGINAL]), "2019-12-31");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_EXTENSION]), "待批复");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_OVERDUE]), "否");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_NOTE]), "第一\n第二");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_NOTE_DATE]), "2019-06-30");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_TARGETS]), "覆盖率：目标90%，完成85%；网格：目标62个");
	CHECK_STR(sheetout_header(LANG_ZH, SHEETOUT_DUE_ORIGINAL), "原定时限");
	CHECK(sheetout_kind(SHEETOUT_DUE_ORIGINAL) == SHEETOUT_DATE);
	CHECK(sheetout_kind(SHEETOUT_PROGRESS) == SHEETOUT_NUM);
	CHECK(sheetout_kind(-1) == SHEETOUT_TEXT);

	/* Not extended: no first deadline, no reason; overdue in words. */
	sheetout_cells(value_at(tasks, 1), LANG_ZH, cells);
	CHECK_STR(buf_cstr(&cells[SHEETOUT_DUE_ORIGINAL]), "");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_EXTENSION]), "");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_OVERDUE]), "是");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_NOTE]), "");

	/* English words. */
	sheetout_cells(value_at(tasks, 0), LANG_EN, cells);
	CHECK_STR(buf_cstr(&cells[SHEETOUT_LEAD]), "城管科; 住建局");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_OVERDUE]), "no");
	CHECK_STR(buf_cstr(&cells[SHEETOUT_TARGETS]), "覆盖率: target 90%, actual 85%; 网格: target 62 个");
	CHECK_STR(sheetout_header(LANG_EN, SHEETOUT_DUE), "Due");

	/* The CSV: BOM, header row, CRLF; a field with a comma, a quote or a
	 * line break is quoted, its quotes doubled. */
	struct buf csv = BUF_INIT;
	sheetout_csv(tasks, LANG_ZH, &csv);
	const char *s = buf_cstr(&csv);
	CHECK(csv.len > 3 && memcmp(s, "\xEF\xBB\xBF" "计划,序号,任务,", 3 + strlen("计划,序号,任务,")) == 0);
	CHECK(strstr(s, "\r\np,3,\"改造, \"\"老旧\"\"小区\",二,城管科、住建局,,2019-01-01,2020-03-31,2019-12-31,待批复,") != NULL);
	CHECK(strstr(s, ",\"第一\n第二\",2019-06-30,") != NULL);
	CHECK(strstr(s, "\r\np,4,逾期,,甲,,,2019-06-30,,,") != NULL);
	CHECK(csv.len >= 2 && memcmp(s + csv.len - 2, "\r\n", 2) == 0);
	size_t rows = 0;
	for (const char *q = s; (q = strstr(q, "\r\n")) != NULL; q += 2)
		rows++;
	CHECK_INT(rows, 3);   /* the header and two tasks: the note's LF is inside quotes */

	buf_free(&csv);
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		buf_free(&cells[i]);
	diags_free(&d);
	arena_free(a);
	return CHECK_DONE("check_sheetout");
}
