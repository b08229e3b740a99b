/* check_build.c: the build's pipeline a stage at a time (build_open,
 * build_next, build_close): each stage's name and what it made, nothing in
 * the output folder before the write stage, a build closed early or
 * stopped by an error leaving the folder as it was, and a build with
 * nothing to do answered before its first stage. */
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "build.h"
#include "diag.h"
#include "value.h"

static char site[200], out[300];

static void sh(const char *fmt, const char *arg)
{
	char cmd[1024];
	snprintf(cmd, sizeof cmd, fmt, arg, arg);
	CHECK(system(cmd) == 0);
}

static int exists(const char *rel)
{
	char path[600];
	struct stat st;
	snprintf(path, sizeof path, "%s/%s", out, rel);
	return stat(path, &st) == 0;
}

static int made(const struct build_run *run, const char *rel)
{
	static const char *rels[4096];
	size_t n = build_made(run, rels, 4096);
	for (size_t i = 0; i < n && i < 4096; i++)
		if (strcmp(rels[i], rel) == 0)
			return 1;
	return 0;
}

/* The index of the page from content/rel, or (size_t)-1. */
static size_t page(const struct build_run *run, const char *rel)
{
	for (size_t i = 0; i < build_npages(run); i++)
		if (strcmp(build_page_path(run, i), rel) == 0)
			return i;
	return (size_t)-1;
}

/* site.plans[0].tasks[0][key] */
static const struct value *task_field(const struct build_run *run, const char *key)
{
	const struct value *plans = value_get(build_site_data(run), "plans");
	const struct value *tasks = plans && value_len(plans) ? value_get(value_at(plans, 0), "tasks") : NULL;
	return tasks && value_len(tasks) ? value_get(value_at(tasks, 0), key) : NULL;
}

int main(void)
{
	char cwd[200];
	CHECK(getcwd(cwd, sizeof cwd) != NULL);
	setenv("PLANPRESS_DATADIR", cwd, 1);   /* the repository's themes/ and lua/ */
	setenv("SOURCE_DATE_EPOCH", "1561852800", 1);
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(site, sizeof site, "%s/check_build.XXXXXX", tmp);
	CHECK(mkdtemp(site) != NULL);
	snprintf(out, sizeof out, "%s/public", site);
	/* The bundled example site. */
	char cmd[1024];
	snprintf(cmd, sizeof cmd, "cp -R '%s/content' '%s/site.toml' '%s/'", cwd, cwd, site);
	CHECK(system(cmd) == 0);
	sleep(2);   /* files changed just before a build are not trusted to its stamp */

	struct build_opts o = { .site_dir = site, .jobs = 2 };
	struct build_stats st;
	struct diags d;
	diags_init(&d);
	static const char *const names[] = { "load", "markdown", "model", "on_page", "on_site",
	                                     "templates", "extra pages", "write" };
	struct build_run *run = build_open(&o, &st, &d);
	size_t task = (size_t)-1, len = 1;
	for (size_t k = 0; k < sizeof names / sizeof *names; k++) {
		const char *name = build_next(run);
		CHECK_STR(name ? name : "(end)", names[k]);
		if (!name)
			break;
		if (strcmp(name, "load") == 0) {
			/* Pages read, nothing converted yet. */
			CHECK(build_npages(run) > 40);
			task = page(run, "content/plans/wangge-2019/tasks/01.md");
			CHECK(task != (size_t)-1);
			CHECK(task == (size_t)-1 || build_page_html(run, task, &len) == NULL);
			CHECK(build_site_data(run) == NULL);
			const char *text = task != (size_t)-1 ? build_page_text(run, task, &len) : NULL;
			CHECK(text && len > 0 && strncmp(text, "---", 3) == 0);
		} else if (strcmp(name, "markdown") == 0) {
			const char *html = task != (size_t)-1 ? build_page_html(run, task, &len) : NULL;
			CHECK(html && strstr(html, "全街道共划分基础网格62个") != NULL);
			/* A line break between Chinese characters is no space. */
			CHECK(html && strstr(html, "商务楼宇、产业园区、学校医院") != NULL);
		} else if (strcmp(name, "model") == 0) {
			/* The texts are freed once the model is made. */
			CHECK(task == (size_t)-1 || build_page_text(run, task, &len) == NULL);
			const struct value *plans = value_get(build_site_data(run), "plans");
			CHECK_INT(value_len(plans), 2);
			CHECK(task_field(run, "title") != NULL);
			/* The progress rules have not run: no computed state yet. */
			CHECK(task_field(run, "rag") == NULL);
		} else if (strcmp(name, "on_site") == 0) {
			CHECK(task_field(run, "rag") != NULL);
			CHECK(task_field(run, "overdue") != NULL);
		} else if (strcmp(name, "templates") == 0) {
			CHECK(made(run, "index.html"));
			CHECK(made(run, "plans/wangge-2019/tasks/01/index.html"));
			CHECK(!made(run, "data/tasks.json"));
			CHECK(!exists("index.html"));   /* nothing written before the write stage */
		} else if (strcmp(name, "extra pages") == 0) {
			CHECK(made(run, "data/tasks.json"));
			CHECK(made(run, "search/meta.js"));
			CHECK(made(run, "search/n.js"));
			CHECK(!exists("index.html"));
		} else if (strcmp(name, "write") == 0) {
			CHECK(exists("index.html"));
			CHECK(exists("data/tasks.json"));
			CHECK(exists("search/n.js"));
		}
	}
	CHECK(build_next(run) == NULL);
	CHECK(build_next(run) == NULL);   /* over stays over */
	CHECK_INT(build_close(run), 0);
	CHECK_INT((int)d.nerrors, 0);
	for (size_t k = 0; k < sizeof names / sizeof *names; k++)
		CHECK_STR(st.stage_name[k] ? st.stage_name[k] : "(none)", names[k]);

	/* Nothing changed: answered from the stamp before any stage. */
	sleep(2);   /* out of the stamp's racy window (STAMP_RACY_NS) */
	run = build_open(&o, &st, &d);
	CHECK(build_next(run) == NULL);
	CHECK_INT(build_close(run), 0);
	CHECK(st.up_to_date);

	/* A build closed after its templates: the output folder as it was,
	 * and no temp file of it left there. */
	sh("sed -i 's/全街道共划分基础网格62个/全街道共划分基础网格63个/' '%s/content/plans/wangge-2019/tasks/01.md'", site);
	sleep(2);
	run = build_open(&o, &st, &d);
	for (const char *name = build_next(run); name && strcmp(name, "templates") != 0; name = build_next(run))
		;
	CHECK(made(run, "plans/wangge-2019/tasks/01/index.html"));
	CHECK_INT(build_close(run), 1);   /* not built */
	CHECK_INT((int)d.nerrors, 0);
	snprintf(cmd, sizeof cmd, "grep -q '基础网格62个' '%s/plans/wangge-2019/tasks/01/index.html'", out);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof cmd, "test -z \"$(find '%s' -name '.*tmp*' -o -name '.planpress-writing')\"", out);
	CHECK(system(cmd) == 0);
	/* The whole build then writes the change. */
	CHECK_INT(build_site(&o, &st, &d), 0);
	snprintf(cmd, sizeof cmd, "grep -q '基础网格63个' '%s/plans/wangge-2019/tasks/01/index.html'", out);
	CHECK(system(cmd) == 0);

	/* The first build's search index, whose render cache key was made
	 * while indexing (no index to keep yet), is kept by a build whose search
	 * documents are the same: the key is the digest made alone. */
	sh("rm -rf '%s/.planpress' '%s/public'", site);
	CHECK_INT(build_site(&o, &st, &d), 0);
	sh("mkdir -p '%s/static' && echo 'User-agent: *' >'%s/static/robots.txt'", site);
	sleep(2);
	CHECK_INT(build_site(&o, &st, &d), 0);
	CHECK(st.cache_used);
	CHECK_INT(st.rendered, 0);
	CHECK(st.why[RCACHE_REUSED] > 100);

	/* An error stops the pipeline before the write stage: nothing written. */
	sh("sed -i 's/^title: 科学划分基础网格$/titel: 科学划分基础网格/' '%s/content/plans/wangge-2019/tasks/01.md'", site);
	sleep(2);
	struct diags d2;
	diags_init(&d2);
	run = build_open(&o, &st, &d2);
	const char *last = NULL;
	for (const char *name; (name = build_next(run));)
		last = name;
	CHECK(last && strcmp(last, "write") != 0);
	CHECK_INT(build_close(run), 1);
	CHECK(d2.nerrors > 0);
	snprintf(cmd, sizeof cmd, "grep -q '基础网格63个' '%s/plans/wangge-2019/tasks/01/index.html'", out);
	CHECK(system(cmd) == 0);
	diags_free(&d2);
	diags_free(&d);

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", site);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_build");
}
