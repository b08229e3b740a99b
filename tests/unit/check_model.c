/* check_model.c: plans, tasks and bulletins: what is read, and every error with its position. */
#include "check.h"
#include "sitedir.h"

#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "model.h"

static struct diags D;

/* Loads the site and returns the model; errors go to D. */
static int load(struct arena *a, struct model *m)
{
	struct config cfg;
	struct content c;
	config_defaults(&cfg);
	/* As the build does: the model is read even when some pages failed. */
	int rc = content_load(a, site, 0, 0, &c, &D);
	return model_load(a, &c, &cfg, m, &D) < 0 ? -1 : rc;
}

static int has_error(const char *want)
{
	struct buf b = BUF_INIT;
	int found = 0;
	for (size_t i = 0; i < D.n && !found; i++) {
		buf_reset(&b);
		diag_format(&D.v[i], &b);
		found = strstr(buf_cstr(&b), want) != NULL;
	}
	if (!found) {
		fprintf(stderr, "no diagnostic contains: %s\n", want);
		diags_print(&D, stderr);
	}
	buf_free(&b);
	return found;
}

static void reset(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'/content", site);
	CHECK(system(cmd) == 0);
	diags_free(&D);
	diags_init(&D);
	put("content/_index.md", "---\ntitle: 首页\n---\n");
}

int main(void)
{
	site_make("pp-model");
	diags_init(&D);
	unsetenv("SOURCE_DATE_EPOCH");

	/* A good plan. */
	reset();
	put("content/plans/p/_index.md",
	    "---\ntype: plan\ntitle: 三年行动计划\nissuer: 街道党工委\ndoc_no: 新街党〔2018〕12号\ndate: 2018-06-15\n"
	    "period: [2018, 2020]\nyearly_themes: {\"2018\": 规范化建设}\nsections:\n  - {number: 一, title: 总体要求}\n  - {number: 二, title: 主要任务}\n---\n");
	put("content/plans/p/tasks/10.md",
	    "---\ntype: task\nnumber: 10\ntitle: 十\nsection: 二\nlead: 街道党建办\nsupport: [社区党委, 服务中心]\n"
	    "due: 2019-12-31\nweight: 2\nstatus: in_progress\nprogress: 40\n"
	    "milestones:\n  - {due: 2019-06-30, what: 完成方案, done: true}\ntargets:\n  - {metric: 覆盖率, target: 90, unit: \"%\", actual: 80}\n---\n");
	put("content/plans/p/tasks/2.md", "---\ntype: task\nnumber: 2\ntitle: 二\n---\n");
	put("content/plans/p/tasks/1.1.md", "---\ntype: task\nnumber: \"1.1\"\ntitle: 一点一\n---\n");
	put("content/bulletins/2019-06-30.md",
	    "---\ntype: bulletin\ndate: 2019-06-30\ntitle: 通报\nunit: 办公室\nupdates:\n  - {task: 10, progress: 60, status: in_progress, note: 进展顺利, actuals: {覆盖率: 85}}\n"
	    "  - {task: \"p/2\", progress: 100, status: done, milestones_done: [完成方案]}\n---\n");
	struct arena *a = arena_new();
	struct model m;
	CHECK_INT(load(a, &m), 0);
	CHECK_INT(D.nerrors, 0);
	CHECK_INT(value_len(m.plans), 1);
	const struct value *plan = value_at(m.plans, 0);
	CHECK_STR(value_str(value_get(plan, "id"), ""), "p");
	CHECK_STR(value_str(value_get(plan, "url"), ""), "plans/p/index.html");
	const struct value *tasks = value_get(plan, "tasks");
	CHECK_INT(value_len(tasks), 3);
	CHECK_STR(value_str(value_get(value_at(tasks, 0), "number"), ""), "1.1");
	CHECK_STR(value_str(value_get(value_at(tasks, 1), "number"), ""), "2");
	CHECK_STR(value_str(value_get(value_at(tasks, 2), "number"), ""), "10");
	const struct value *t10 = value_at(tasks, 2);
	CHECK_STR(value_str(value_get(t10, "id"), ""), "p/10");
	CHECK_INT(value_len(value_get(t10, "lead")), 1);
	CHECK_INT(value_len(value_get(t10, "support")), 2);
	CHECK_INT(value_i64(value_get(t10, "progress"), -1), 40);
	CHECK_INT(value_i64(value_get(value_at(tasks, 1), "weight"), -1), 1);   /* default */
	CHECK_STR(value_str(value_get(value_at(tasks, 1), "status"), ""), "not_started");
	CHECK_INT(value_len(m.bulletins), 1);
	CHECK_STR(value_str(value_get(value_at(value_get(value_at(m.bulletins, 0), "updates"), 0), "task"), ""), "p/10");
	/* as_of: the latest bulletin's date when nothing else says. */
	CHECK(m.has_as_of && m.as_of.year == 2019 && m.as_of.month == 6 && m.as_of.day == 30);
	CHECK_STR(m.as_of_from, "latest bulletin");
	arena_free(a);

	/* SOURCE_DATE_EPOCH comes before the bulletins: 2019-03-01 is before the bulletin. */
	setenv("SOURCE_DATE_EPOCH", "1551398400", 1);
	a = arena_new();
	CHECK_INT(load(a, &m), -1);
	CHECK_STR(m.as_of_from, "SOURCE_DATE_EPOCH");
	CHECK(has_error("content/bulletins/2019-06-30.md:3:7: error: bulletin dated after as_of (2019-03-01, from SOURCE_DATE_EPOCH)"));
	unsetenv("SOURCE_DATE_EPOCH");
	arena_free(a);

	/* Every error the issue lists, each with its position. */
	reset();
	put("content/plans/p/_index.md", "---\ntype: plan\ntitle: 计划\nperiod: [2018, 2020]\nsections: [{number: 一, title: 总体}]\n---\n");
	put("content/plans/p/tasks/01.md", "---\ntype: task\nnumber: 1\ntitle: 甲\nstatus: finished\nprogress: 140\n---\n");
	put("content/plans/p/tasks/02.md", "---\ntype: task\nnumber: 1\ntitle: 乙\ndue: 2019-13-01\n---\n");
	put("content/plans/p/tasks/03.md",
	    "---\ntype: task\nnumber: 3\ntitle: 丙\nsection: 九\nmilestones:\n  - {due: 2021-03-31, what: 验收}\n"
	    "targets:\n  - {metric: 覆盖率, unit: \"%\"}\n---\n");
	put("content/plans/p/tasks/04.md", "---\ntype: task\nnumber: 4\ntitle: 丁\nplan: nope\n---\n");
	put("content/orphan.md", "---\ntype: task\nnumber: 5\ntitle: 孤\n---\n");
	put("content/plans/p/tasks/05.md", "---\ntype: task\nnumber: 6\ntitle: 戊\nstart: 2019-06-30T10:00:00\ndue: 13:00:00\n---\n");
	put("content/bulletins/b.md", "---\ntype: bulletin\ndate: 2019-06-30\ntitle: 通报\nupdates:\n  - {task: 99, progress: 50}\n  - {task: \"x/1\"}\n---\n");
	diags_free(&D);
	diags_init(&D);
	a = arena_new();
	CHECK(load(a, &m) != 0);
	CHECK(has_error("content/plans/p/tasks/01.md:5:9: error: unknown status 'finished'"));
	CHECK(has_error("content/plans/p/tasks/01.md:6:11: error: progress must be 0..100, got 140"));
	CHECK(has_error("content/plans/p/tasks/02.md:5:6: error: '2019-13-01' is not a valid date"));
	CHECK(has_error("content/plans/p/tasks/03.md:5:10: error: section '九' is not one of the plan's sections"));
	CHECK(has_error("content/plans/p/tasks/03.md:7:11: error: milestone due 2021-03-31 is after the plan's period"));
	CHECK(has_error("content/plans/p/tasks/03.md:9:5: error: target '覆盖率' has no number"));
	CHECK(has_error("content/plans/p/tasks/04.md:5:7: error: task points at unknown plan 'nope'"));
	CHECK(has_error("content/orphan.md: error: task belongs to no plan"));
	CHECK(has_error("content/plans/p/tasks/05.md:6:6: error: 'due' must be a date like 2019-06-30"));
	CHECK(has_error("content/bulletins/b.md:6:12: error: update of unknown task 'p/99'"));
	CHECK(has_error("content/bulletins/b.md:7:12: error: update of unknown task 'x/1'"));
	arena_free(a);

	/* No as_of, no SOURCE_DATE_EPOCH, no bulletins: the newest dated page, never the clock. */
	reset();
	put("content/plans/p/_index.md", "---\ntype: plan\ntitle: 计划\ndate: 2018-06-15\n---\n");
	put("content/notices/n.md", "---\ntitle: 通知\ndate: 2018-09-01\n---\n");
	a = arena_new();
	CHECK_INT(load(a, &m), 0);
	CHECK(m.has_as_of && m.as_of.year == 2018 && m.as_of.month == 9 && m.as_of.day == 1);
	CHECK_STR(m.as_of_from, "latest dated page");
	arena_free(a);

	/* Two tasks with one number (the other errors out of the way). */
	reset();
	put("content/plans/p/_index.md", "---\ntype: plan\ntitle: 计划\n---\n");
	put("content/plans/p/tasks/a.md", "---\ntype: task\nnumber: 7\ntitle: 甲\n---\n");
	put("content/plans/p/tasks/b.md", "---\ntype: task\nnumber: 7\ntitle: 乙\n---\n");
	a = arena_new();
	CHECK(load(a, &m) != 0);
	CHECK(has_error("content/plans/p/tasks/b.md:3:9: error: task 7 is also in content/plans/p/tasks/a.md"));
	arena_free(a);

	/* Numbers are taken per plan, looked up by hash at any size: two plans
	 * of 1,000 tasks each with the same numbers, a task that names its plan
	 * by id, one number twice in the second plan, and a plan id twice. */
	reset();
	put("content/plans/p/_index.md", "---\ntype: plan\nid: p\ntitle: 计划\n---\n");
	put("content/plans/q/_index.md", "---\ntype: plan\nid: q\ntitle: 计划\n---\n");
	put("content/plans/r/_index.md", "---\ntype: plan\nid: q\ntitle: 同号计划\n---\n");
	int written = 0;
	for (int k = 1; k <= 1000; k++) {
		char path[64], text[96];
		for (int pl = 0; pl < 2; pl++) {
			snprintf(path, sizeof path, "content/plans/%c/tasks/%04d.md", "pq"[pl], k);
			snprintf(text, sizeof text, "---\ntype: task\nnumber: %d\ntitle: 任务\n---\n", k);
			written += put_try(path, text) == 0;
		}
	}
	CHECK_INT(written, 2000);
	put("content/elsewhere.md", "---\ntype: task\nplan: p\nnumber: 1001\ntitle: 另放\n---\n");
	put("content/plans/q/tasks/dup.md", "---\ntype: task\nnumber: 999\ntitle: 重号\n---\n");
	a = arena_new();
	CHECK(load(a, &m) != 0);
	CHECK_INT(D.nerrors, 2);
	CHECK(has_error("content/plans/q/tasks/dup.md:3:9: error: task 999 is also in content/plans/q/tasks/0999.md"));
	CHECK(has_error("content/plans/r/_index.md:3:5: error: plan id 'q' is also used by content/plans/q/_index.md"));
	CHECK_INT(value_len(m.plans), 3);
	size_t ntasks = 0;
	for (size_t i = 0; i < value_len(m.plans); i++)
		ntasks += value_len(value_get(value_at(m.plans, i), "tasks"));
	CHECK_INT(ntasks, 2002);   /* a task with an error still stands for the rest of the check */
	arena_free(a);

	/* Bulletins find their tasks by hash at any size: one bulletin updates
	 * all of 1,000 tasks (and one that is not there), a later one extends
	 * every deadline, one of them to a day before the deadline it extends. */
	reset();
	put("content/plans/p/_index.md", "---\ntype: plan\nid: p\ntitle: 计划\n---\n");
	struct buf upd = BUF_INIT, exts = BUF_INIT;
	written = 0;
	for (int k = 1; k <= 1000; k++) {
		char path[64], text[128];
		snprintf(path, sizeof path, "content/plans/p/tasks/%04d.md", k);
		snprintf(text, sizeof text, "---\ntype: task\nnumber: %d\ntitle: 任务\ndue: 2019-12-31\n---\n", k);
		written += put_try(path, text) == 0;
		buf_printf(&upd, "  - {task: \"p/%d\", progress: 50}\n", k);
		buf_printf(&exts, "  - {task: \"p/%d\", due: %s, reason: 延期}\n", k, k == 500 ? "2019-12-30" : "2020-06-30");
	}
	CHECK_INT(written, 1000);
	buf_puts(&upd, "  - {task: \"p/1001\", progress: 50}\n");
	struct buf text = BUF_INIT;
	buf_printf(&text, "---\ntype: bulletin\ndate: 2019-06-30\ntitle: 通报\nupdates:\n%s---\n", buf_cstr(&upd));
	put("content/bulletins/a.md", buf_cstr(&text));
	buf_reset(&text);
	buf_printf(&text, "---\ntype: bulletin\ndate: 2019-09-30\ntitle: 通报\nupdates:\n%s---\n", buf_cstr(&exts));
	put("content/bulletins/b.md", buf_cstr(&text));
	a = arena_new();
	CHECK(load(a, &m) != 0);
	CHECK_INT(D.nerrors, 2);
	CHECK(has_error("content/bulletins/a.md:1006:12: error: update of unknown task 'p/1001'"));
	CHECK(has_error("content/bulletins/b.md:505:26: error: an extension must be later than the deadline: task p/500 "
	                "is due 2019-12-31"));
	CHECK_INT(value_len(value_get(value_at(m.bulletins, 0), "updates")), 1000);
	arena_free(a);
	buf_free(&upd);
	buf_free(&exts);
	buf_free(&text);

	/* Status follows progress when it is not given; a contradiction is a
	 * warning, not an error; actuals name a target by id or metric. */
	reset();
	put("content/plans/p/_index.md", "---\ntype: plan\ntitle: 计划\n---\n");
	put("content/plans/p/tasks/1.md", "---\ntype: task\nnumber: 1\ntitle: 甲\nprogress: 100\n---\n");
	put("content/plans/p/tasks/2.md", "---\ntype: task\nnumber: 2\ntitle: 乙\nprogress: 40\nstatus: done\n"
	    "targets:\n  - {id: 覆盖率, metric: 党组织覆盖率, target: 90}\n---\n");
	put("content/plans/p/tasks/3.md", "---\ntype: task\nnumber: 3\ntitle: 丙\nprogress: 40\nstatus: delayed\n---\n");
	put("content/bulletins/b.md", "---\ntype: bulletin\ndate: 2019-06-30\ntitle: 通报\nupdates:\n"
	    "  - {task: 1, progress: 0}\n  - {task: 2, progress: 60, actuals: {覆盖率: 70}}\n"
	    "  - {task: 3, progress: 100, status: in_progress}\n---\n");
	a = arena_new();
	CHECK_INT(load(a, &m), 0);
	CHECK_INT(D.nerrors, 0);
	CHECK_INT(D.nwarnings, 2);
	CHECK(has_error("content/plans/p/tasks/2.md:6:9: warning: status done with progress 40%: progress 40% means "
	                "in_progress"));
	CHECK(has_error("content/bulletins/b.md:8:38: warning: status in_progress with progress 100%"));
	tasks = value_get(value_at(m.plans, 0), "tasks");
	CHECK_STR(value_str(value_get(value_at(tasks, 0), "status"), ""), "done");
	CHECK_STR(value_str(value_get(value_at(tasks, 1), "status"), ""), "done");   /* as written */
	CHECK_STR(value_str(value_get(value_at(tasks, 2), "status"), ""), "delayed");
	const struct value *ups = value_get(value_at(m.bulletins, 0), "updates");
	CHECK_STR(value_str(value_get(value_at(ups, 0), "status"), ""), "not_started");
	CHECK_STR(value_str(value_get(value_at(ups, 1), "status"), ""), "in_progress");
	CHECK(value_get(value_get(value_at(ups, 1), "actuals"), "党组织覆盖率") != NULL);
	arena_free(a);

	site_remove();
	diags_free(&D);
	return CHECK_DONE("check_model");
}
