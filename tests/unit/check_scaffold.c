/* check_scaffold.c: the bulletin made from a site's computed tasks (open tasks only, block
 * YAML that reads back to the same numbers, targets by id, quoting), task paths, and
 * scaffold_write's refusal to replace a file. */
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "frontmatter.h"
#include "scaffold.h"

static const char site_yaml[] =
	"plans:\n"
	"  - id: p\n"
	"    tasks:\n"
	"      - {id: p/1, number: '1', title: done one, status: done, progress: 100, lead: [甲]}\n"
	"      - {id: p/2, number: '2', title: 'a \"quoted\" title: with \\ and colon', status: in_progress,\n"
	"         status_text: 进行中, progress: 62.5, lead: [甲, 乙], due_text: 2020年12月31日, overdue: true,\n"
	"         milestones: [{what: 'm1: first', done: true}, {what: m2, done: false, due_text: 2020年6月30日}],\n"
	"         targets: [{id: 覆盖率, metric: 新兴领域覆盖率, target: 90, unit: '%', actual: 88},\n"
	"                   {metric: 共建协议, target: 30, unit: 份}]}\n"
	"      - {id: p/3, number: '3', title: cancelled, status: cancelled, progress: 10}\n"
	"      - {id: p/4, number: '4', title: \"two\\nlines\", status: not_started, progress: 0}\n"
	"  - id: q\n"
	"    tasks:\n"
	"      - {id: q/1, number: '1', title: other plan, status: delayed, progress: 30}\n";

int main(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *site = fm_yaml(a, "site.yaml", site_yaml, sizeof site_yaml - 1, 0, sizeof site_yaml - 1, &d);
	CHECK(site != NULL);
	struct datetime date = { .kind = DT_DATE, .year = 2020, .month = 3, .day = 31 };

	/* Plan p: tasks 2 and 4 are open; 1 is done and 3 cancelled. */
	struct scaffold s = { NULL, 0 };
	CHECK_INT(scaffold_bulletin(&s, site, "p", &date, LANG_ZH), 2);
	CHECK_INT(s.n, 1);
	CHECK_STR(s.v[0].path, "content/bulletins/2020-03-31.md");
	const char *text = s.v[0].data;
	CHECK(strstr(text, "  # 任务2：a \"quoted\" title: with \\ and colon（计划 p）\n") != NULL);
	CHECK(strstr(text, "  # 牵头单位：甲、乙\n") != NULL);
	CHECK(strstr(text, "  # 截至2020年3月31日：进度62.5%，进行中；完成时限2020年12月31日（已逾期）\n") != NULL);
	CHECK(strstr(text, "    #   - \"m2\"   # 时限2020年6月30日\n") != NULL);
	CHECK(strstr(text, "m1: first") == NULL);   /* done: not offered again */
	CHECK(strstr(text, "      \"覆盖率\": 88   # 新兴领域覆盖率；目标90%，上次报告88%\n") != NULL);
	CHECK(strstr(text, "      # \"共建协议\": 0   # 目标30份，尚无报告\n") != NULL);
	CHECK(strstr(text, "q/1") == NULL);
	CHECK(strchr(text, '{') == NULL);   /* block style only */

	/* It reads back: the open tasks, their numbers as they are. */
	struct value *meta = NULL;
	size_t body = 0;
	CHECK_INT(fm_parse(a, "b.md", text, s.v[0].len, &meta, &body, &d), 0);
	CHECK_INT(d.nerrors, 0);
	const struct value *ups = value_get(meta, "updates");
	CHECK_INT(value_len(ups), 2);
	CHECK_STR(value_str(value_get(value_at(ups, 0), "task"), ""), "p/2");
	CHECK(value_get(value_at(ups, 0), "progress")->kind == V_FLOAT);
	CHECK_STR(value_str(value_get(value_at(ups, 0), "status"), ""), "in_progress");
	CHECK_INT(value_len(value_get(value_at(ups, 0), "actuals")), 1);
	CHECK(value_get(value_at(ups, 0), "milestones_done") == NULL);
	CHECK_STR(value_str(value_get(value_at(ups, 1), "task"), ""), "p/4");
	CHECK(strstr(text, "  # 任务4：two lines（计划 p）\n") != NULL);   /* a line break cannot end the comment */
	CHECK(value_get(value_at(ups, 1), "actuals") == NULL);
	CHECK_STR(value_str(value_get(meta, "type"), ""), "bulletin");
	CHECK_STR(value_str(value_get(meta, "title"), ""), "2020年3月31日工作进展通报");
	scaffold_free(&s);

	/* Every plan; English. */
	CHECK_INT(scaffold_bulletin(&s, site, NULL, &date, LANG_EN), 3);
	CHECK(strstr(s.v[0].data, "  # Task 1: other plan (plan q)\n") != NULL);
	CHECK(strstr(s.v[0].data, "title: \"Progress bulletin, 31 March 2020\"\n") != NULL);
	scaffold_free(&s);
	/* Nothing open: an empty list that still reads. */
	CHECK_INT(scaffold_bulletin(&s, site, "none", &date, LANG_ZH), 0);
	CHECK(strstr(s.v[0].data, "updates: []\n") != NULL);
	scaffold_free(&s);

	/* Task files: two digits below 10, as import names them. */
	char *p = scaffold_task_path("x", "7");
	CHECK_STR(p, "content/plans/x/tasks/07.md");
	free(p);
	p = scaffold_task_path("x", "12");
	CHECK_STR(p, "content/plans/x/tasks/12.md");
	free(p);
	p = scaffold_task_path("x", "1.1");
	CHECK_STR(p, "content/plans/x/tasks/1.1.md");
	free(p);

	/* scaffold_write: never replaces; an if_missing file is left alone. */
	char dir[256];
	snprintf(dir, sizeof dir, "%s/pp-scaffold-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	scaffold_plan(&s, "x", 2020, LANG_ZH);
	CHECK_INT(s.n, 3);
	CHECK_INT(scaffold_write(&s, dir, &d), 3);
	CHECK_INT(scaffold_write(&s, dir, &d), -1);
	CHECK_INT(d.nerrors, 2);   /* the plan and its tasks/_index.md; not plans/_index.md */
	scaffold_free(&s);
	scaffold_plans_index(&s, LANG_EN);
	CHECK_INT(scaffold_write(&s, dir, &d), 0);
	CHECK_INT(d.nerrors, 2);
	scaffold_free(&s);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);

	diags_free(&d);
	arena_free(a);
	return CHECK_DONE("check_scaffold");
}
