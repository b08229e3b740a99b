/* check_json.c: positions in a large JSON file (a data/tasks.json of thousands of tasks) are exact to the last value. */
#include "check.h"

#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "value.h"

/* Tasks in the file: enough that a position found by counting from the
 * start for each value would be quadratic (issue 9.19). */
#define NTASKS 20000

/* The layout publish and diff read: one member per line, Chinese titles
 * (columns count characters, not bytes). */
static void write_tasks(struct buf *b, int n)
{
	buf_puts(b, "{\n  \"as_of\": \"2019-06-30\",\n  \"tasks\": [\n");
	for (int i = 1; i <= n; i++) {
		buf_printf(b, "    {\n      \"id\": \"p/%d\",\n      \"title\": \"第%d项任务\",\n"
		              "      \"progress\": %d\n    }%s\n", i, i, i % 101, i < n ? "," : "");
	}
	buf_puts(b, "  ]\n}\n");
}

static void test_late_positions(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct buf b = BUF_INIT;
	write_tasks(&b, NTASKS);
	struct value *v = json_parse(a, "data/tasks.json", b.data, b.len, &d);
	CHECK(v != NULL);
	CHECK_INT(d.n, 0);
	const struct value *tasks = value_get(v, "tasks");
	CHECK(value_is(tasks, V_ARRAY));
	CHECK_INT(tasks ? value_len(tasks) : 0, NTASKS);
	/* Task i starts on line 4 + 5 * (i - 1); its members follow. */
	const struct value *last = value_at(tasks, NTASKS - 1);
	CHECK_INT(last->pos.line, 4 + 5 * (NTASKS - 1));
	CHECK_INT(last->pos.col, 5);
	CHECK_INT(value_get(last, "progress")->pos.line, 4 + 5 * (NTASKS - 1) + 3);
	CHECK_INT(value_get(last, "progress")->pos.col, 19);
	/* The title's value after a line of Chinese: "      \"title\": " is 15 characters. */
	CHECK_INT(value_get(last, "title")->pos.line, 4 + 5 * (NTASKS - 1) + 2);
	CHECK_INT(value_get(last, "title")->pos.col, 16);
	const struct value *mid = value_at(tasks, NTASKS / 2 - 1);
	CHECK_INT(value_get(mid, "id")->pos.line, 4 + 5 * (NTASKS / 2 - 1) + 1);
	CHECK_STR(value_str(value_get(mid, "id"), ""), "p/10000");

	/* An error near the end is placed exactly, after a line of Chinese. */
	buf_reset(&b);
	write_tasks(&b, NTASKS);
	b.len -= strlen("  ]\n}\n");
	buf_puts(&b, "  ],\n  \"备注\": \"完成\" x\n}\n");
	CHECK(json_parse(a, "data/tasks.json", b.data, b.len, &d) == NULL);
	CHECK_INT(d.nerrors, 1);
	CHECK_INT(d.n ? d.v[0].line : 0, 3 + 5 * NTASKS + 2);
	/* `  "备注": "完成" x`: the x is the 14th character. */
	CHECK_INT(d.n ? d.v[0].col : 0, 14);
	buf_free(&b);
	diags_free(&d);
	arena_free(a);
}

int main(void)
{
	test_late_positions();
	return CHECK_DONE("check_json");
}
