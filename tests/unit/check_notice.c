/* check_notice.c: the 督办通知 of a small site's overdue tasks: their fields,
 * paths, the units' pages, the links set on the overdue lists, and params. */
#include "check.h"

#include "arena.h"
#include "diag.h"
#include "json.h"
#include "notice.h"

/* Plan p: task 3 overdue (lead A and B, supported by C, one bulletin
 * update), task 4 on time, task "a/b" overdue with no update (lead A). */
static const char site_json[] =
	"{\"as_of\": \"2019-09-30\","
	" \"overdue\": [{\"id\": \"p/3\"}, {\"id\": \"p/a/b\"}],"
	" \"plans\": [{\"id\": \"p\", \"title\": \"计划\", \"doc_no\": \"示街党〔2019〕3号\", \"issuer\": \"示范街道工作委员会\","
	"  \"overdue\": [{\"id\": \"p/3\"}, {\"id\": \"p/a/b\"}],"
	"  \"tasks\": ["
	"   {\"id\": \"p/3\", \"number\": \"3\", \"title\": \"开展轮训\", \"url\": \"plans/p/tasks/03/index.html\","
	"    \"lead\": [\"A\", \"B\"], \"support\": [\"C\"], \"due\": \"2019-08-31\", \"due_text\": \"2019年8月31日\","
	"    \"progress\": 60, \"status\": \"in_progress\", \"status_text\": \"进行中\", \"overdue\": true,"
	"    \"history\": [{\"date\": \"2019-03-01\", \"progress\": 20},"
	"     {\"date\": \"2019-06-30\", \"date_text\": \"2019年6月30日\", \"progress\": 60, \"status_text\": \"进行中\","
	"      \"note\": \"完成两期\", \"bulletin_title\": \"二季度通报\", \"bulletin_url\": \"bulletins/q2/index.html\"}]},"
	"   {\"id\": \"p/4\", \"number\": \"4\", \"title\": \"按期\", \"lead\": [\"B\"], \"due\": \"2019-12-31\","
	"    \"overdue\": false},"
	"   {\"id\": \"p/a/b\", \"number\": \"a/b\", \"title\": \"未报\", \"lead\": [\"A\"], \"due\": \"2019-09-29\","
	"    \"due_original_text\": \"2019年6月30日\", \"extension\": {\"reason\": \"待批复\"},"
	"    \"progress\": 0, \"overdue\": true, \"history\": [{\"date\": \"2019-01-01\", \"progress\": 0}]}"
	"  ]}],"
	" \"units\": [{\"name\": \"A\", \"slug\": \"a\"}, {\"name\": \"B\", \"slug\": \"b\"}, {\"name\": \"C\", \"slug\": \"c\"}]}";

static const char *s(const struct value *t, const char *path)
{
	return value_str(value_path(t, path), "(none)");
}

static struct value *parse(struct arena *a, const char *src, struct diags *d)
{
	return json_parse(a, "t.json", src, strlen(src), d);
}

static void test_notices(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *site = parse(a, site_json, &d);
	struct value *params = parse(a, "{\"notice_reply_days\": 10, \"notice_prefix\": \"督查\"}", &d);
	CHECK(site && params);
	struct notice_opts o = { .lang = LANG_ZH, .index_links = 1, .params = params, .site_title = "站点",
	                         .collections = 1 };
	struct notice_set ns;
	notice_make(a, site, &o, &ns, &d);
	CHECK_INT(d.n, 0);
	CHECK_INT(ns.nnotices, 2);
	/* Two notices, then A's page (both), then B's (task 3); C leads nothing. */
	CHECK_INT(ns.n, 4);
	CHECK_STR(ns.pages[0].url, "duban/p/3/");
	CHECK_STR(ns.pages[0].out, "duban/p/3/index.html");
	CHECK_STR(ns.pages[0].tpl, "notice");
	CHECK_STR(ns.pages[0].title, "督办通知：开展轮训");   /* the fallback labels */
	CHECK_STR(ns.pages[1].url, "duban/p/a-b/");            /* a number with '/' is slugged */
	CHECK_STR(ns.pages[2].url, "units/a/duban/");
	CHECK_STR(ns.pages[2].tpl, "notices");
	CHECK_STR(ns.pages[3].url, "units/b/duban/");

	/* The data, made when a page is rendered, in the worker's arena. */
	struct arena *w = arena_new();
	const struct value *n = notice_data(w, &ns, 0);
	CHECK_STR(s(n, "doc_no"), "督查〔2019〕p-3号");
	CHECK_STR(s(n, "url"), "duban/p/3/index.html");
	CHECK_STR(s(n, "task_url"), "plans/p/tasks/03/index.html");
	CHECK_STR(s(n, "plan_title"), "计划");
	CHECK_STR(s(n, "plan_doc_no"), "示街党〔2019〕3号");
	CHECK_STR(s(n, "lead_text"), "A、B");
	CHECK_STR(s(n, "support_text"), "C");
	CHECK(value_get(n, "has_support")->u.b);
	CHECK_STR(s(n, "due_text"), "2019年8月31日");
	CHECK_INT(value_i64(value_get(n, "days_overdue"), -1), 30);
	CHECK_STR(s(n, "as_of_text"), "2019年9月30日");
	CHECK_INT(value_i64(value_get(n, "reply_days"), -1), 10);
	CHECK_STR(s(n, "reply_by"), "2019-10-10");
	CHECK_STR(s(n, "reply_by_text"), "2019年10月10日");
	CHECK_STR(s(n, "office"), "示范街道工作委员会");   /* no office given: the plan's issuer */
	CHECK(value_get(n, "has_update")->u.b);
	CHECK_STR(s(n, "update.date_text"), "2019年6月30日");
	CHECK_INT(value_i64(value_path(n, "update.progress"), -1), 60);
	CHECK_STR(s(n, "update.note"), "完成两期");
	CHECK_STR(s(n, "update.bulletin_title"), "二季度通报");
	/* Its units' pages, for links from the notice. */
	const struct value *cl = value_get(n, "collections");
	CHECK_INT(value_len(cl), 2);
	CHECK_STR(s(value_at(cl, 0), "unit"), "A");
	CHECK_STR(s(value_at(cl, 1), "url"), "units/b/duban/index.html");

	const struct value *n2 = notice_data(w, &ns, 1);
	CHECK_INT(value_i64(value_get(n2, "days_overdue"), -1), 1);
	CHECK(!value_get(n2, "has_update")->u.b);
	CHECK(value_get(n2, "update") == NULL);
	CHECK(!value_get(n2, "has_support")->u.b);
	CHECK_STR(s(n2, "doc_no"), "督查〔2019〕p-a/b号");
	/* Extended: overdue against the new deadline, the first one named. */
	CHECK_STR(s(n2, "due_original_text"), "2019年6月30日");
	CHECK_STR(s(n2, "extension.reason"), "待批复");
	CHECK(value_get(n, "extension") == NULL);

	const struct value *ca = notice_data(w, &ns, 2);
	CHECK_STR(s(ca, "unit"), "A");
	CHECK_STR(s(ca, "url"), "units/a/duban/index.html");
	CHECK_INT(value_i64(value_get(ca, "count"), 0), 2);
	/* A unit's page lists the notices as their own pages give them. */
	CHECK_STR(s(value_at(value_get(ca, "notices"), 0), "doc_no"), "督查〔2019〕p-3号");
	CHECK_STR(s(value_at(value_get(ca, "notices"), 1), "doc_no"), "督查〔2019〕p-a/b号");
	CHECK_INT(value_len(value_get(value_at(value_get(ca, "notices"), 0), "collections")), 2);
	const struct value *cb = notice_data(w, &ns, 3);
	CHECK_INT(value_i64(value_get(cb, "count"), 0), 1);
	CHECK_STR(s(value_at(value_get(cb, "notices"), 0), "doc_no"), "督查〔2019〕p-3号");
	arena_free(w);

	/* The links templates follow. */
	CHECK_STR(s(value_at(value_get(site, "overdue"), 0), "notice_url"), "duban/p/3/index.html");
	CHECK_STR(s(value_at(value_get(site, "overdue"), 1), "notice_url"), "duban/p/a-b/index.html");
	const struct value *plan = value_at(value_get(site, "plans"), 0);
	CHECK_STR(s(value_at(value_get(plan, "overdue"), 0), "notice_url"), "duban/p/3/index.html");
	CHECK_STR(s(value_at(value_get(site, "units"), 0), "notices_url"), "units/a/duban/index.html");
	CHECK(value_get(value_at(value_get(site, "units"), 2), "notices_url") == NULL);

	diags_free(&d);
	arena_free(a);
}

static void test_options(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *site = parse(a, site_json, &d);
	struct value *bad = parse(a, "{\"notice_reply_days\": 0,\n \"notice_prefix\": 3}", &d);
	struct notice_opts o = { .lang = LANG_EN, .index_links = 0, .params = bad, .office = "Office",
	                         .site_title = "Site" };
	struct notice_set ns;
	notice_make(a, site, &o, &ns, &d);
	/* Both are warnings at their place; the defaults stand. */
	CHECK_INT(d.nwarnings, 2);
	CHECK_INT(d.nerrors, 0);
	CHECK_INT(d.n, 2);
	CHECK_INT(d.v[0].line, 1);
	CHECK_INT(d.v[1].line, 2);
	CHECK_INT(ns.n, 2);   /* no units' pages */
	const struct value *n = notice_data(a, &ns, 0);
	CHECK_STR(s(n, "url"), "duban/p/3/");
	CHECK_STR(s(n, "doc_no"), "Notice (2019) p-3");
	CHECK_INT(value_i64(value_get(n, "reply_days"), -1), 5);
	CHECK_STR(s(n, "reply_by"), "2019-10-05");
	CHECK_STR(s(n, "reply_by_text"), "5 October 2019");
	CHECK_STR(s(n, "lead_text"), "A, B");
	CHECK_STR(s(n, "office"), "Office");
	CHECK(value_get(n, "collections") == NULL);

	/* No as_of, no notices. */
	struct value *none = parse(a, "{\"plans\": []}", &d);
	notice_make(a, none, &o, &ns, &d);
	CHECK_INT(ns.n, 0);
	diags_free(&d);
	arena_free(a);
}

int main(void)
{
	test_notices();
	test_options();
	return CHECK_DONE("check_notice");
}
