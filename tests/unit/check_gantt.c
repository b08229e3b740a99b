/* check_gantt.c: a plan's Gantt geometry, computed by hand for a small plan. */
#include "check.h"

#include "arena.h"
#include "diag.h"
#include "gantt.h"
#include "json.h"

/* Sections 一 and 二 and one task of neither; as of 2019-03-15 the axis runs
 * from 2019-01-01 to 2019-05-01 (120 days) over x 220..750 (530 units):
 * day k of the axis is at 220 + 530k/120, to a tenth, half up. */
static const char plan_json[] =
	"{\"date\": \"2019-01-01\", \"sections\": [{\"number\": \"一\", \"title\": \"总体要求\"},"
	" {\"number\": \"二\", \"title\": \"重点任务\"}],"
	" \"tasks\": ["
	"  {\"number\": \"1\", \"title\": \"一二三四五六七八九十甲乙丙丁\", \"url\": \"t/1/\", \"section\": \"一\","
	"   \"start\": \"2019-01-01\", \"due\": \"2019-03-01\", \"progress\": 50, \"status\": \"in_progress\","
	"   \"overdue\": false, \"at_risk\": false,"
	"   \"milestones\": [{\"due\": \"2019-02-01\", \"what\": \"m\", \"done\": true, \"missed\": false}]},"
	"  {\"number\": \"2\", \"title\": \"二\", \"section\": \"二\", \"due\": \"2019-04-01\", \"progress\": 0,"
	"   \"status\": \"in_progress\", \"overdue\": true, \"at_risk\": false},"
	"  {\"number\": \"3\", \"title\": \"三\", \"progress\": 0, \"status\": \"not_started\"}"
	" ]}";

static const char *s(const struct value *t, const char *path)
{
	return value_str(value_path(t, path), "(none)");
}

static void test_geometry(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *plan = json_parse(a, "plan.json", plan_json, sizeof plan_json - 1, &d);
	CHECK(plan != NULL);
	struct value *as_of = value_cstring(a, "2019-03-15", (struct pos){ 0 });
	struct value *g = gantt_plan(a, plan, as_of, LANG_ZH);
	CHECK(g != NULL);
	CHECK_INT(value_i64(value_get(g, "width"), 0), 760);
	/* 32 of axis, 一's heading, task 1, 二's heading, task 2, the other
	 * tasks' heading, task 3, 6 below. */
	CHECK_INT(value_i64(value_get(g, "height"), 0), 32 + 6 * 22 + 6);
	CHECK_STR(s(g, "as_of_x"), "542.4");   /* day 73: 220 + 322.42 */
	CHECK_STR(s(g, "as_of_text"), "2019年3月15日");

	const struct value *ticks = value_get(g, "ticks");
	CHECK_INT(value_len(ticks), 5);
	static const char *const tx[] = { "220.0", "356.9", "480.6", "617.5", "750.0" };
	for (size_t i = 0; i < 5; i++)
		CHECK_STR(s(value_at(ticks, i), "x"), tx[i]);
	CHECK_STR(s(value_at(ticks, 0), "year"), "2019年");
	CHECK_STR(s(value_at(ticks, 0), "month"), "1月");
	CHECK_STR(s(value_at(ticks, 0), "text_x"), "222.0");
	CHECK(value_get(value_at(ticks, 1), "year") == NULL);
	CHECK_STR(s(value_at(ticks, 3), "month"), "4月");
	CHECK(value_get(value_at(ticks, 4), "month") == NULL);   /* the axis's end */

	const struct value *groups = value_get(g, "groups");
	CHECK_INT(value_len(groups), 3);
	const struct value *g1 = value_at(groups, 0), *g2 = value_at(groups, 1), *g3 = value_at(groups, 2);
	CHECK_STR(s(g1, "number"), "一");
	CHECK_STR(s(g1, "text_y"), "48.0");
	CHECK_STR(s(g2, "y"), "76.0");
	CHECK(value_get(g1, "has_title")->u.b);
	CHECK(!value_get(g1, "other")->u.b);
	/* The tasks of no section, under a heading of their own. */
	CHECK(value_get(g3, "other")->u.b);
	CHECK(value_get(g3, "has_heading")->u.b);
	CHECK_STR(s(g3, "y"), "120.0");

	const struct value *t1 = value_at(value_get(g1, "tasks"), 0);
	CHECK_STR(s(t1, "x"), "220.0");
	CHECK_STR(s(t1, "w"), "260.6");        /* day 59: 260.58 */
	CHECK_STR(s(t1, "fill_w"), "130.3");   /* half of it */
	CHECK_STR(s(t1, "y"), "54.0");
	CHECK_STR(s(t1, "bar_y"), "59.0");
	CHECK_STR(s(t1, "bar_h"), "12.0");
	CHECK_STR(s(t1, "text_y"), "69.0");
	CHECK_STR(s(t1, "state"), "on_track");
	CHECK_STR(s(t1, "label"), "1 一二三四五六七八九十甲…");
	const struct value *m = value_at(value_get(t1, "milestones"), 0);
	CHECK_STR(s(m, "points"), "356.9,59.0 362.9,65.0 356.9,71.0 350.9,65.0");
	CHECK_STR(s(m, "state"), "done");

	const struct value *t2 = value_at(value_get(g2, "tasks"), 0);
	CHECK_STR(s(t2, "x"), "220.0");        /* no start: the plan's date */
	CHECK_STR(s(t2, "w"), "397.5");        /* day 90: 397.5 exactly */
	CHECK_STR(s(t2, "fill_w"), "0.0");
	CHECK_STR(s(t2, "bar_y"), "103.0");
	CHECK_STR(s(t2, "state"), "overdue");
	CHECK_STR(s(t2, "start_text"), "2019年1月1日");
	CHECK(value_get(t2, "start_assumed")->u.b == 1);
	CHECK(value_get(g, "has_assumed")->u.b == 1);

	const struct value *t3 = value_at(value_get(g3, "tasks"), 0);
	CHECK(value_get(t3, "has_bar")->u.b == 0);
	CHECK(value_get(t3, "x") == NULL);
	CHECK_STR(s(t3, "text_y"), "157.0");
	CHECK_INT(value_len(value_get(g, "rows")), 3);

	/* English labels. */
	struct value *ge = gantt_plan(a, plan, as_of, LANG_EN);
	CHECK_STR(s(value_at(value_get(ge, "ticks"), 0), "year"), "2019");
	CHECK_STR(s(value_at(value_get(ge, "ticks"), 2), "month"), "Mar");

	/* Nothing to draw: no as_of, or no task with a due date. */
	CHECK(gantt_plan(a, plan, value_cstring(a, "soon", (struct pos){ 0 }), LANG_ZH) == NULL);
	static const char nodue[] = "{\"tasks\": [{\"number\": \"1\"}]}";
	struct value *empty = json_parse(a, "p", nodue, sizeof nodue - 1, &d);
	CHECK(empty != NULL);
	CHECK(gantt_plan(a, empty, as_of, LANG_ZH) == NULL);
	/* A plan of no sections: one group, no heading; the rows start at the axis. */
	static const char flat[] = "{\"tasks\": [{\"number\": \"1\", \"due\": \"2019-02-01\", \"start\": \"2019-01-10\"}]}";
	struct value *fg = gantt_plan(a, json_parse(a, "p", flat, sizeof flat - 1, &d), as_of, LANG_ZH);
	CHECK_INT(value_len(value_get(fg, "groups")), 1);
	CHECK(!value_get(value_at(value_get(fg, "groups"), 0), "has_heading")->u.b);
	CHECK_STR(s(value_at(value_get(fg, "rows"), 0), "y"), "32.0");
	CHECK(!value_get(fg, "has_assumed")->u.b);
	CHECK_INT(d.n, 0);
	diags_free(&d);
	arena_free(a);
}

static void test_day(void)
{
	struct arena *a = arena_new();
	int64_t d = 0;
	CHECK_INT(gantt_day(value_cstring(a, "1970-01-02", (struct pos){ 0 }), &d), 0);
	CHECK_INT(d, 1);
	CHECK_INT(gantt_day(value_cstring(a, "2019-02-30", (struct pos){ 0 }), &d), -1);
	CHECK_INT(gantt_day(value_cstring(a, "2019-2-3", (struct pos){ 0 }), &d), -1);
	CHECK_INT(gantt_day(value_int(a, 5, (struct pos){ 0 }), &d), -1);
	CHECK_INT(gantt_day(NULL, &d), -1);
	struct datetime dt = { .kind = DT_DATE, .year = 2019, .month = 3, .day = 15 };
	CHECK_INT(gantt_day(value_datetime(a, &dt, (struct pos){ 0 }), &d), 0);
	CHECK_INT(d, datetime_days(2019, 3, 15));
	arena_free(a);
}

int main(void)
{
	test_geometry();
	test_day();
	return CHECK_DONE("check_gantt");
}
