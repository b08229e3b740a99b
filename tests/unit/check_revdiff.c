/* check_revdiff.c: text as a reader sees it, character diffs with context, task changes in words. */
#include "check.h"

#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "revdiff.h"
#include "textdiff.h"

struct blob {
	const char *id, *data;
};

static const struct blob blobs[] = {
	{ "p1", "<html><head><title>首页 - 站</title><style>p{}</style></head>\n<body>\n<p>截至6月底，全年任务完成60%，按计划推进。</p>\n<p>第二段&amp;不变。</p>\n</body></html>\n" },
	{ "p2", "<html><head><title>首页 - 站</title><style>p{}</style></head>\n<body>\n<p>截至6月底，全年任务完成80%，按计划推进。</p>\n<p>第二段&amp;不变。</p>\n</body></html>\n" },
	{ "a1", "<title>关于</title>\n<p>关于</p>\n" },
	{ "n1", "<title>新页</title>\n<p>新</p>\n" },
	{ "t1", "{\"as_of\": \"2019-03-31\", \"tasks\": [{\"id\": \"x/21\", \"plan\": \"x\", \"number\": \"21\", \"title\": \"改造\", \"lead\": [\"城管科\"], \"due\": \"2020-12-31\", \"status\": \"in_progress\", \"progress\": 60},"
	        "{\"id\": \"x/3\", \"plan\": \"x\", \"number\": \"3\", \"title\": \"旧\", \"status\": \"done\", \"progress\": 100}]}" },
	{ "t2", "{\"as_of\": \"2019-06-30\", \"tasks\": [{\"id\": \"x/21\", \"plan\": \"x\", \"number\": \"21\", \"title\": \"改造\", \"lead\": [\"城管科\", \"住建局\"], \"due\": \"2020-12-31\", \"status\": \"done\", \"progress\": 80},"
	        "{\"id\": \"x/4\", \"plan\": \"x\", \"number\": \"4\", \"title\": \"新任务\", \"status\": \"not_started\", \"progress\": 0}]}" },
	{ "css1", "a{}" },
	{ "css2", "b{}" },
};

static int rd(void *ud, int side, const struct revdiff_file *f, const char **data, size_t *len, struct diags *d)
{
	for (size_t i = 0; i < sizeof blobs / sizeof blobs[0]; i++)
		if (strcmp(blobs[i].id, f->id) == 0) {
			*data = blobs[i].data;
			*len = strlen(blobs[i].data);
			return 0;
		}
	diag_add(d, DIAG_ERROR, f->path, 0, 0, NULL, 0, "no blob %s", f->id);
	return -1;
}

static const char *hunk_text(const struct textdiff_hunk *h, struct buf *b)
{
	buf_reset(b);
	if (h->cut_before)
		buf_puts(b, "…");
	for (size_t k = 0; k < h->nops; k++) {
		buf_puts(b, h->ops[k].kind == TEXTDIFF_DEL ? "[-" : h->ops[k].kind == TEXTDIFF_INS ? "{+" : "");
		buf_put(b, h->ops[k].s, h->ops[k].len);
		buf_puts(b, h->ops[k].kind == TEXTDIFF_DEL ? "-]" : h->ops[k].kind == TEXTDIFF_INS ? "+}" : "");
	}
	if (h->cut_after)
		buf_puts(b, "…");
	return buf_cstr(b);
}

/* Two revisions of data/tasks.json alone: ud is their texts. */
static int rd_texts(void *ud, int side, const struct revdiff_file *f, const char **data, size_t *len,
                    struct diags *d)
{
	*data = ((const char **)ud)[side];
	*len = strlen(*data);
	return 0;
}

/* Two revisions of one file alone (path), compared at level text (revdiff_opts). */
static int file_diff(struct arena *a, const char *path, int text, const char *old, const char *new,
                     struct revdiff *r, struct diags *d)
{
	const char *texts[2] = { old, new };
	struct revdiff_file fo = { path, "o" }, fn = { path, "n" };
	struct revdiff_source src = { rd_texts, texts };
	struct revdiff_opts o = { text, LANG_ZH, NULL };
	return revdiff_compare(a, &fo, 1, &fn, 1, &src, &o, r, d);
}

static int tasks_diff(struct arena *a, const char *old, const char *new, struct revdiff *r, struct diags *d)
{
	return file_diff(a, "data/tasks.json", 1, old, new, r, d);
}

/* Two revisions of data/plans.json alone, compared with text (pages read). */
static int plans_diff(struct arena *a, const char *old, const char *new, struct revdiff *r, struct diags *d)
{
	return file_diff(a, "data/plans.json", 2, old, new, r, d);
}

/* The plans a comparison found, as "id:change:progress0>progress1;". */
static const char *plan_changes(struct arena *a, const struct revdiff *r)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < r->nplans; i++)
		buf_printf(&b, "%s:%d:%lld>%lld;", r->plans[i].id, (int)r->plans[i].change, (long long)r->plans[i].progress[0],
		           (long long)r->plans[i].progress[1]);
	const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

/* One task's words, owned by a. */
static const char *task_words(struct arena *a, const struct revdiff *r, size_t i)
{
	struct buf b = BUF_INIT;
	revdiff_task_words(r, &r->tasks[i], LANG_ZH, &b);
	const char *s = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return s;
}

int main(void)
{
	struct arena *a = arena_new();
	struct buf b = BUF_INIT;
	struct diags d;
	diags_init(&d);

	/* Text as a reader sees it. */
	size_t n;
	const char *t = revdiff_page_text(a, blobs[0].data, strlen(blobs[0].data), &n);
	CHECK_STR(t, "截至6月底，全年任务完成60%，按计划推进。\n第二段&不变。\n");
	const char *html = "<p>a&#20013;&#x6587;<br>b&lt;c &nbsp; d</p>\n<!-- x\ny -->\n<script>z</script>";
	t = revdiff_page_text(a, html, strlen(html), &n);
	CHECK_STR(t, "a中文 b<c d\n");

	/* Character diffs: per character for Chinese, words for Latin, with context. */
	struct textdiff_hunk *h;
	const char *x = "今天天气很好，我们去公园散步吧。", *y = "今天天气不好，我们去图书馆看书吧。";
	size_t nh = textdiff_text(a, x, strlen(x), y, strlen(y), 2, &h);
	CHECK_INT(nh, 2);
	CHECK_STR(hunk_text(&h[0], &b), "…天气[-很-]{+不+}好，…");
	CHECK_STR(hunk_text(&h[1], &b), "…们去[-公园散步-]{+图书馆看书+}吧。");
	/* Changes closer than twice the context make one hunk. */
	nh = textdiff_text(a, x, strlen(x), y, strlen(y), 3, &h);
	CHECK_INT(nh, 1);
	CHECK_STR(hunk_text(&h[0], &b), "…天天气[-很-]{+不+}好，我们去[-公园散步-]{+图书馆看书+}吧。");
	x = "the plan is ready now";
	y = "the plan was ready now";
	nh = textdiff_text(a, x, strlen(x), y, strlen(y), 4, &h);
	CHECK_INT(nh, 1);
	/* Context is whole words (and numbers, dates), never cut. */
	CHECK_STR(hunk_text(&h[0], &b), "…plan [-is-]{+was+} ready…");
	/* Lines added and removed. */
	x = "一\n二\n三\n";
	y = "一\n三\n四\n";
	nh = textdiff_text(a, x, strlen(x), y, strlen(y), 3, &h);
	CHECK_INT(nh, 2);
	CHECK_STR(hunk_text(&h[0], &b), "[-二-]");
	CHECK_STR(hunk_text(&h[1], &b), "{+四+}");
	CHECK_INT(textdiff_text(a, x, strlen(x), x, strlen(x), 3, &h), 0);
	/* Past TEXTDIFF_MAX_CELLS the change is shown whole, without comparing. */
	struct buf big1 = BUF_INIT, big2 = BUF_INIT;
	for (int i = 0; i < 3000; i++) {
		buf_puts(&big1, i % 2 ? "甲" : "乙");
		buf_puts(&big2, i % 3 ? "甲" : "丙");
	}
	buf_putc(&big1, 'A');
	buf_putc(&big2, 'B');
	nh = textdiff_text(a, big1.data, big1.len, big2.data, big2.len, 3, &h);
	CHECK_INT(nh, 1);
	CHECK(h[0].nops == 2 && h[0].ops[0].kind == TEXTDIFF_DEL && h[0].ops[0].len == big1.len &&
	      h[0].ops[1].kind == TEXTDIFF_INS && h[0].ops[1].len == big2.len);
	buf_free(&big1);
	buf_free(&big2);

	/* Two revisions. */
	struct revdiff_file old[] = {
		{ "about/index.html", "a1" }, { "css/style.css", "css1" }, { "data/tasks.json", "t1" }, { "index.html", "p1" },
	};
	struct revdiff_file new[] = {
		{ "css/style.css", "css2" }, { "data/tasks.json", "t2" }, { "index.html", "p2" }, { "new/index.html", "n1" },
	};
	struct revdiff_source src = { rd, NULL };
	struct revdiff_opts o = { 2, LANG_ZH, NULL };
	struct revdiff r;
	CHECK_INT(revdiff_compare(a, old, 4, new, 4, &src, &o, &r, &d), 0);
	CHECK_INT(r.added, 1);
	CHECK_INT(r.removed, 1);
	CHECK_INT(r.changed, 1);
	CHECK_INT(r.files_changed, 2);
	CHECK_STR(r.pages[0].url, "new/");
	CHECK_STR(r.pages[0].title, "新页");
	CHECK_STR(r.pages[1].url, "about/");
	CHECK_STR(r.pages[2].url, "/");
	CHECK_STR(r.pages[2].title, "首页 - 站");
	/* Its only change is a number, with the words around it the same: folded. */
	CHECK_INT(r.pages[2].nhunks, 0);
	CHECK_INT(r.pages[2].folded, 1);
	CHECK_INT(r.folded, 1);
	CHECK_INT(r.ntasks, 3);
	CHECK_STR(r.as_of[1], "2019-06-30");
	buf_reset(&b);
	/* Tasks in number order: 3, 4, then 21. */
	revdiff_task_words(&r, &r.tasks[2], LANG_ZH, &b);
	CHECK_STR(buf_cstr(&b), "任务21 进度 60% → 80%，状态 进行中 → 已完成，牵头单位 城管科 → 城管科、住建局");
	buf_reset(&b);
	revdiff_task_words(&r, &r.tasks[0], LANG_ZH, &b);
	CHECK_STR(buf_cstr(&b), "任务3 删除：旧");
	buf_reset(&b);
	revdiff_task_words(&r, &r.tasks[1], LANG_EN, &b);
	CHECK_STR(buf_cstr(&b), "Task 4 added: 新任务");
	buf_reset(&b);
	revdiff_task_words(&r, &r.tasks[2], LANG_EN, &b);
	CHECK_STR(buf_cstr(&b), "Task 21: progress 60% → 80%, status in progress → done, lead 城管科 → 城管科、住建局");

	buf_reset(&b);
	revdiff_message(&r, LANG_ZH, &b);
	CHECK(strstr(buf_cstr(&b), "页面：新增 1，修改 1，删除 1；其他文件：新增 0，修改 2，删除 0\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "  新增 new/（新页）\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "\nPages-Added: 1\nPages-Changed: 1\nPages-Removed: 1\nFiles-Changed: 2\nTasks-Changed: 3\n") != NULL);
	buf_reset(&b);
	struct revdiff_pub pub[2] = { { "aaa1111", "A <到>", "2019-03-31", "2019-03-31" }, { "bbb2222", "B", "2019-06-30", NULL } };
	revdiff_write_text(&r, LANG_ZH, pub, &b);
	/* The page's only change, 60% → 80%, is task 21's progress change: folded, and named. */
	CHECK(strstr(buf_cstr(&b), "《A <到>》（数据截至 2019年3月31日，2019年3月31日发布，aaa1111） → 《B》（2019年6月30日发布，bbb2222）\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "三、修改页面\n  1 个页面只有数据截至日期、由任务数据推算的数字或发布记录有变化（数据截至 2019年3月31日 → 2019年6月30日）：/\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "一、任务变化\n") != NULL);
	CHECK(strstr(buf_cstr(&b), "二、新增页面\n  new/（新页）\n") != NULL);
	buf_reset(&b);
	revdiff_write_html(&r, LANG_ZH, pub, "", &b);
	CHECK(strstr(buf_cstr(&b), "<dd>《A &lt;到&gt;》（数据截至 2019年3月31日，2019年3月31日发布，aaa1111）</dd>") != NULL);
	CHECK(strstr(buf_cstr(&b), "<a href=\"new/\">新页</a>") != NULL);
	CHECK(strstr(buf_cstr(&b), "src=") == NULL && strstr(buf_cstr(&b), "http") == NULL);
	struct value *v = revdiff_to_value(a, &r, LANG_ZH);
	CHECK_INT(value_i64(value_path(v, "summary.changed"), -1), 1);
	CHECK_INT(value_len(value_get(v, "tasks")), 3);

	/* Without text: titles and hunks are not read. */
	o.text = 0;
	CHECK_INT(revdiff_compare(a, old, 4, new, 4, &src, &o, &r, &d), 0);
	CHECK_STR(r.pages[0].title, "");
	CHECK_INT(r.pages[2].nhunks, 0);
	CHECK_INT(r.ntasks, 3);
	/* Equal revisions. */
	CHECK_INT(revdiff_compare(a, old, 4, old, 4, &src, &o, &r, &d), 0);
	CHECK(revdiff_empty(&r));
	buf_reset(&b);
	revdiff_write_text(&r, LANG_ZH, pub, &b);
	CHECK(strstr(buf_cstr(&b), "\n没有变化。\n") != NULL);
	/* A broken tasks.json is a warning, not an error. */
	struct revdiff_file bad[] = { { "data/tasks.json", "css1" } };
	CHECK_INT(revdiff_compare(a, old + 2, 1, bad, 1, &src, &o, &r, &d), 0);
	CHECK_INT(d.nerrors, 0);
	CHECK_INT(d.nwarnings, 1);
	/* An unreadable file is an error. */
	struct revdiff_file missing[] = { { "index.html", "nope" } };
	o.text = 1;
	CHECK_INT(revdiff_compare(a, old + 3, 1, missing, 1, &src, &o, &r, &d), -1);
	CHECK_STR(revdiff_status_word("delayed", LANG_ZH), "已延期");
	CHECK_STR(revdiff_status_word("odd", LANG_ZH), "odd");

	struct revdiff tr;
	struct diags td;
	diags_init(&td);
	/* Task data as a build writes it, one task a block: only the blocks
	 * that differ are parsed, with the same answer as whole parses (the
	 * plan is named: the unchanged tasks are of two plans). */
	const char *tj0 = "{\n  \"as_of\": \"2019-03-31\",\n  \"tasks\": [\n"
	    "    {\n      \"id\": \"a/1\",\n      \"plan\": \"a\",\n      \"number\": \"1\",\n      \"title\": \"甲\",\n      \"progress\": 10,\n      \"milestones\": [{\"id\": \"zz\", \"what\": \"}]\\\"\"}]\n    },\n"
	    "    {\n      \"id\": \"b/2\",\n      \"plan\": \"b\",\n      \"number\": \"2\",\n      \"title\": \"乙\",\n      \"progress\": 20\n    },\n"
	    "    {\n      \"id\": \"b/3\",\n      \"plan\": \"b\",\n      \"number\": \"3\",\n      \"title\": \"丙\",\n      \"progress\": 30\n    },\n"
	    "    7\n  ]\n}\n";
	const char *tj1 = "{\n  \"as_of\": \"2019-06-30\",\n  \"tasks\": [\n"
	    "    {\n      \"id\": \"a/1\",\n      \"plan\": \"a\",\n      \"number\": \"1\",\n      \"title\": \"甲\",\n      \"progress\": 10,\n      \"milestones\": [{\"id\": \"zz\", \"what\": \"}]\\\"\"}]\n    },\n"
	    "    {\n      \"id\": \"b/2\",\n      \"plan\": \"b\",\n      \"number\": \"2\",\n      \"title\": \"乙\",\n      \"progress\": 25\n    },\n"
	    "    {\n      \"id\": \"b/4\",\n      \"plan\": \"b\",\n      \"number\": \"4\",\n      \"title\": \"丁\",\n      \"progress\": 0\n    }\n  ]\n}\n";
	CHECK_INT(tasks_diff(a, tj0, tj1, &tr, &td), 0);
	CHECK_INT(tr.ntasks, 3);
	CHECK(tr.multi_plan);
	CHECK_STR(tr.as_of[0], "2019-03-31");
	CHECK_STR(tr.as_of[1], "2019-06-30");
	CHECK_STR(task_words(a, &tr, 0), "b 任务2 进度 20% → 25%");
	CHECK_STR(task_words(a, &tr, 1), "b 任务3 删除：丙");
	CHECK_STR(task_words(a, &tr, 2), "b 任务4 新增：丁");
	/* The same task twice, or an escape in an id: parsed whole, same answetr. */
	const char *dup0 = "{\"tasks\": [{\"id\": \"b/2\", \"plan\": \"b\", \"progress\": 20}, {\"id\": \"b/2\", \"plan\": \"b\", \"progress\": 20}]}";
	const char *dup1 = "{\"tasks\": [{\"id\": \"b/2\", \"plan\": \"b\", \"progress\": 30}, {\"id\": \"b/2\", \"plan\": \"b\", \"progress\": 20}]}";
	CHECK_INT(tasks_diff(a, dup0, dup1, &tr, &td), 0);
	CHECK_INT(tr.ntasks, 1);
	CHECK(!tr.multi_plan);
	const char *esc0 = "{\"tasks\": [{\"id\": \"b\\/2\", \"plan\": \"b\", \"number\": \"2\", \"progress\": 20}]}";
	const char *esc1 = "{\"tasks\": [{\"id\": \"b/2\", \"plan\": \"b\", \"number\": \"2\", \"progress\": 30}]}";
	CHECK_INT(tasks_diff(a, esc0, esc1, &tr, &td), 0);
	CHECK_INT(tr.ntasks, 1);
	CHECK_STR(task_words(a, &tr, 0), "任务2 进度 20% → 30%");
	/* Supporting units, milestones completed and target actuals, in words. */
	const char *ms0 = "{\"tasks\": [{\"id\": \"p/5\", \"plan\": \"p\", \"number\": \"5\", \"progress\": 40, \"support\": [\"甲科\"],"
	    " \"milestones\": [{\"what\": \"立项\", \"done\": true}, {\"what\": \"开工\", \"done\": false}, {\"what\": \"验收\", \"done\": false}],"
	    " \"targets\": [{\"metric\": \"覆盖率\", \"unit\": \"%\", \"actual\": 19}, {\"metric\": \"站点\", \"unit\": \"个\"}, {\"metric\": \"同\", \"actual\": 1}]}]}";
	const char *ms1 = "{\"tasks\": [{\"id\": \"p/5\", \"plan\": \"p\", \"number\": \"5\", \"progress\": 40, \"support\": [\"甲科\", \"乙科\"],"
	    " \"milestones\": [{\"what\": \"立项\", \"done\": true}, {\"what\": \"开工\", \"done\": true}, {\"what\": \"验收\", \"done\": true}],"
	    " \"targets\": [{\"metric\": \"覆盖率\", \"unit\": \"%\", \"actual\": 18}, {\"metric\": \"站点\", \"unit\": \"个\", \"actual\": 6}, {\"metric\": \"同\", \"actual\": 1}]}]}";
	CHECK_INT(tasks_diff(a, ms0, ms1, &tr, &td), 0);
	CHECK_INT(tr.ntasks, 1);
	CHECK_STR(task_words(a, &tr, 0), "任务5 配合单位 甲科 → 甲科、乙科，完成里程碑 开工、验收，覆盖率实际值 19% → 18%，站点实际值 — → 6个");
	CHECK_INT(tr.tasks[0].ms_done[0], 1);
	CHECK_INT(tr.tasks[0].ms_done[1], 3);
	CHECK_INT(tr.tasks[0].nactuals, 2);
	/* A milestone undone: the count, not a name. */
	CHECK_INT(tasks_diff(a, ms1, ms0, &tr, &td), 0);
	CHECK(strstr(task_words(a, &tr, 0), "里程碑完成 3/3 → 1/3") != NULL);
	/* An extension (延期): the due moved by a new extension says so, with
	 * its reason; a due edited by hand is still the deadline changed. */
	const char *ex0 = "{\"tasks\": [{\"id\": \"p/7\", \"plan\": \"p\", \"number\": \"7\", \"progress\": 40,"
	    " \"due\": \"2019-12-31\", \"due_original\": \"2019-12-31\"}]}";
	const char *ex1 = "{\"tasks\": [{\"id\": \"p/7\", \"plan\": \"p\", \"number\": \"7\", \"progress\": 40,"
	    " \"due\": \"2020-06-30\", \"due_original\": \"2019-12-31\","
	    " \"extension\": {\"due\": \"2020-06-30\", \"previous_due\": \"2019-12-31\", \"reason\": \"资金未到位\"}}]}";
	const char *ex2 = "{\"tasks\": [{\"id\": \"p/7\", \"plan\": \"p\", \"number\": \"7\", \"progress\": 40,"
	    " \"due\": \"2020-09-30\", \"due_original\": \"2019-12-31\","
	    " \"extension\": {\"due\": \"2020-09-30\", \"previous_due\": \"2020-06-30\", \"reason\": \"再次延期\"}}]}";
	CHECK_INT(tasks_diff(a, ex0, ex1, &tr, &td), 0);
	CHECK_INT(tr.ntasks, 1);
	CHECK_STR(task_words(a, &tr, 0), "任务7 延期 2019-12-31 → 2020-06-30（资金未到位）");
	CHECK_STR(tr.tasks[0].reason, "资金未到位");
	buf_reset(&b);
	revdiff_task_words(&tr, &tr.tasks[0], LANG_EN, &b);
	CHECK_STR(buf_cstr(&b), "Task 7: extended 2019-12-31 → 2020-06-30 (资金未到位)");
	/* a second extension, chained */
	CHECK_INT(tasks_diff(a, ex1, ex2, &tr, &td), 0);
	CHECK_STR(task_words(a, &tr, 0), "任务7 延期 2020-06-30 → 2020-09-30（再次延期）");
	/* back to no extension (the bulletin removed): the deadline, not 延期 */
	CHECK_INT(tasks_diff(a, ex1, ex0, &tr, &td), 0);
	CHECK_STR(task_words(a, &tr, 0), "任务7 完成时限 2020-06-30 → 2019-12-31");
	CHECK(tr.tasks[0].reason == NULL);
	/* A block that does not parse: whole parses say so, and leave its side out. */
	size_t warns = td.n;
	const char *bad1 = "{\"tasks\": [{\"id\": \"b/2\", \"plan\": \"b\", \"progress\": 3x}]}";
	CHECK_INT(tasks_diff(a, esc1, bad1, &tr, &td), 0);
	CHECK_INT(td.n, warns + 1);
	CHECK(strstr(td.v[td.n - 1].msg, "task data of the new revision left out") != NULL);
	CHECK_INT(tr.ntasks, 1);
	CHECK(tr.tasks[0].change == REVDIFF_REMOVED);
	diags_free(&td);

	/* The memo: a second comparison of the same two texts (by id) reuses
	 * the first's tasks without reading them; other texts are compared. */
	{
		struct revdiff_memo memo = { .a = a };
		struct revdiff_file mo = { "data/tasks.json", "t1" }, mn = { "data/tasks.json", "t2" };
		struct revdiff_source msrc = { rd, NULL };
		struct revdiff_opts mopt = { 0, LANG_ZH, &memo };
		struct revdiff m1, m2;
		CHECK_INT(revdiff_compare(a, &mo, 1, &mn, 1, &msrc, &mopt, &m1, &d), 0);
		CHECK(memo.has);
		CHECK_STR(memo.id[0], "t1");
		CHECK_INT(m1.ntasks, 3);
		const char *texts[2] = { "not json", "not json" };   /* read again: warnings, no tasks */
		struct revdiff_source mbad = { rd_texts, texts };
		mopt.text = 1;
		size_t before = d.n;
		CHECK_INT(revdiff_compare(a, &mo, 1, &mn, 1, &mbad, &mopt, &m2, &d), 0);
		CHECK_INT(d.n, before);
		CHECK_INT(m2.ntasks, 3);
		CHECK_STR(task_words(a, &m2, 0), task_words(a, &m1, 0));
		CHECK_STR(m2.as_of[1], "2019-06-30");
		/* Other ids: compared afresh. */
		struct revdiff_file mo2 = { "data/tasks.json", "t2" }, mn2 = { "data/tasks.json", "t1" };
		CHECK_INT(revdiff_compare(a, &mo2, 1, &mn2, 1, &msrc, &mopt, &m2, &d), 0);
		CHECK_INT(m2.ntasks, 3);
		CHECK_STR(memo.id[0], "t2");
		CHECK_STR(m2.as_of[1], "2019-03-31");
		/* Text 2 neither uses nor fills it. */
		memo.has = 0;
		mopt.text = 2;
		CHECK_INT(revdiff_compare(a, &mo, 1, &mn, 1, &msrc, &mopt, &m2, &d), 0);
		CHECK(!memo.has);
	}
	/* A first publication (no old side): its message (text 1) words the
	 * first REVDIFF_MESSAGE_TASKS tasks in id order ("p/2" before "p/10")
	 * and counts the rest, the same as the whole parse (text 0) does; the
	 * tasks are given out of order, across two plans. */
	{
		struct buf big = BUF_INIT;
		buf_puts(&big, "{\n  \"as_of\": \"2019-06-30\",\n  \"tasks\": [\n");
		for (int k = 120; k >= 1; k--)
			buf_printf(&big, "    {\"id\": \"%s/%d\", \"plan\": \"%s\", \"number\": \"%d\", \"title\": \"任务%d\", "
			                 "\"progress\": %d, \"status\": \"in_progress\"}%s\n",
			           k % 3 ? "p" : "q", k, k % 3 ? "p" : "q", k, k, k % 100, k > 1 ? "," : "");
		buf_puts(&big, "  ]\n}\n");
		const char *texts[2] = { NULL, buf_cstr(&big) };
		struct revdiff_file fn = { "data/tasks.json", "n" };
		struct revdiff_source tsrc = { rd_texts, texts };
		struct revdiff fast, whole;
		struct revdiff_opts o1 = { 1, LANG_ZH, NULL }, o0 = { 0, LANG_ZH, NULL };
		CHECK_INT(revdiff_compare(a, NULL, 0, &fn, 1, &tsrc, &o1, &fast, &d), 0);
		CHECK_INT(revdiff_compare(a, NULL, 0, &fn, 1, &tsrc, &o0, &whole, &d), 0);
		CHECK_INT(fast.ntasks, 120);
		CHECK_INT(whole.ntasks, 120);
		CHECK(fast.multi_plan && whole.multi_plan);
		CHECK_STR(fast.as_of[1], "2019-06-30");
		int same = 1;
		for (size_t i = 0; i < 50; i++)
			same &= strcmp(task_words(a, &fast, i), task_words(a, &whole, i)) == 0;
		CHECK(same);
		CHECK_STR(task_words(a, &fast, 0), "p 任务1 新增：任务1");
		CHECK_STR(fast.tasks[119].id, whole.tasks[119].id);
		CHECK(fast.tasks[119].title == NULL && whole.tasks[119].title != NULL);   /* not parsed */
		struct buf m1 = BUF_INIT, m0 = BUF_INIT;
		revdiff_message(&fast, LANG_ZH, &m1);
		revdiff_message(&whole, LANG_ZH, &m0);
		CHECK_STR(buf_cstr(&m1), buf_cstr(&m0));
		CHECK(strstr(buf_cstr(&m1), "另有 70 项任务") != NULL);
		/* An id with an escape: the whole parse, the same answer. */
		const char *esc[2] = { NULL, "{\"tasks\": [{\"id\": \"p\\/1\", \"plan\": \"p\", \"title\": \"甲\"}]}" };
		struct revdiff_source esrc = { rd_texts, esc };
		CHECK_INT(revdiff_compare(a, NULL, 0, &fn, 1, &esrc, &o1, &fast, &d), 0);
		CHECK_INT(fast.ntasks, 1);
		CHECK_STR(fast.tasks[0].id, "p/1");
		buf_free(&m1);
		buf_free(&m0);
		buf_free(&big);
	}
	buf_free(&b);
	diags_free(&d);
	/* Plans: those the same byte for byte on both sides are not parsed
	 * (differing_plans), the rest compared as whole parses would: b
	 * changed, d added, c removed, a passed by; with an id twice on a
	 * side, the whole files are parsed, and the changes are the same. */
	{
		struct revdiff rp;
		struct diags dq;
		diags_init(&dq);
		const char *po = "{\"plans\": [{\"id\": \"a\", \"progress\": 10, \"counts\": {\"done\": 1}},\n"
		                 "{\"id\": \"b\", \"progress\": 20}, {\"id\": \"c\", \"progress\": 30}]}";
		const char *pn = "{\"plans\": [{\"id\": \"a\", \"progress\": 10, \"counts\": {\"done\": 1}},\n"
		                 "{\"id\": \"b\", \"progress\": 25}, {\"id\": \"d\", \"progress\": 40}]}";
		CHECK_INT(plans_diff(a, po, pn, &rp, &dq), 0);
		CHECK_STR(plan_changes(a, &rp), "b:2:20>25;d:0:-1>40;c:1:30>-1;");
		const char *pd = "{\"plans\": [{\"id\": \"a\", \"progress\": 10, \"counts\": {\"done\": 1}},\n"
		                 "{\"id\": \"b\", \"progress\": 25}, {\"id\": \"d\", \"progress\": 40}, {\"id\": \"d\", \"progress\": 41}]}";
		CHECK_INT(plans_diff(a, po, pd, &rp, &dq), 0);
		CHECK_STR(plan_changes(a, &rp), "b:2:20>25;d:0:-1>40;d:0:-1>41;c:1:30>-1;");
		CHECK_INT(dq.nerrors, 0);
		diags_free(&dq);
	}
	arena_free(a);
	return CHECK_DONE("check_revdiff");
}
