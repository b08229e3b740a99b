/* cmd_new.c: the new command: a site, a plan, a task or a bulletin from a skeleton. */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "arena.h"
#include "build.h"
#include "cli.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "frontmatter.h"
#include "lang.h"
#include "scaffold.h"
#include "utf8.h"

struct opts {
	const char *title, *language, *plan, *date;
	const char *args[2];
	int nargs, quiet;
};

/* Plan ids and task numbers end up in paths and URLs: plain ASCII names. */
static int valid_name(const char *s)
{
	if (!*s || *s == '.' || *s == '-' || strlen(s) > 100)
		return 0;
	for (const char *p = s; *p; p++)
		if (!IS_ASCII_ALNUM(*p) && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

/* Today: SOURCE_DATE_EPOCH's day when it is set (reproducible runs), else the local date. */
static void today(struct datetime *dt)
{
	memset(dt, 0, sizeof *dt);
	dt->kind = DT_DATE;
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long secs = e && *e ? strtoll(e, &end, 10) : -1;
	if (e && *e && !*end && secs >= 0) {
		datetime_set_days(dt, secs / 86400);
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	dt->year = tm.tm_year + 1900;
	dt->month = (int8_t)(tm.tm_mon + 1);
	dt->day = (int8_t)tm.tm_mday;
}

static int parse_date(const char *s, struct datetime *dt)
{
	int y, m, d;
	char tail;
	if (strlen(s) != 10 || sscanf(s, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || s[4] != '-' || s[7] != '-' ||
	    !datetime_valid_date(y, m, d))
		return -1;
	memset(dt, 0, sizeof *dt);
	dt->kind = DT_DATE;
	dt->year = y;
	dt->month = (int8_t)m;
	dt->day = (int8_t)d;
	return 0;
}

/* site.toml of the site planpress is in, into c (owned by a). Returns 0 or an exit status. */
static int load_site(struct arena *a, struct config *c, struct diags *d)
{
	struct stat st;
	if (stat("site.toml", &st) != 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
		         "no site.toml here or in any folder above (use -C DIR, or start one: planpress new site DIR)");
		return CLI_USAGE;
	}
	return cli_read_site(a, c, d);
}

static int finish(struct diags *d, int rc, const char *what)
{
	diags_sort(d);
	diags_print(d, stderr);
	if (rc && d->nerrors)
		fprintf(stderr, CLI_PLURAL(d->nerrors, "planpress: new %s: %zu error; nothing was written\n",
		                           "planpress: new %s: %zu errors; nothing was written\n"),
		        what, d->nerrors);
	diags_free(d);
	return rc;
}

static int is_empty_dir(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir)
		return 0;
	struct dirent *e;
	int empty = 1;
	while (empty && (e = readdir(dir)))
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(dir);
	return empty;
}

static int new_site(const struct cli *cli, const struct opts *o)
{
	if (o->nargs != 1)
		return cli_usage_error("new site needs one folder: planpress new site DIR [--title T]");
	if (o->plan || o->date)
		return cli_usage_error("new site takes --title and --language, not --plan or --date");
	enum lang l = LANG_ZH;
	if (o->language) {
		if (strcmp(o->language, "zh-CN") && strcmp(o->language, "en"))
			return cli_usage_error("--language is zh-CN or en, not '%s'", o->language);
		l = lang_from_code(o->language);
	}
	struct diags d;
	diags_init(&d);
	char *dir = cli_path(cli, o->args[0]);
	struct stat st;
	int rc = CLI_USAGE;
	if (stat(dir, &st) == 0 && !(S_ISDIR(st.st_mode) && is_empty_dir(dir))) {
		diag_add(&d, DIAG_ERROR, o->args[0], 0, 0, NULL, 0,
		         "exists and is not an empty folder; a new site needs a new or empty folder");
		goto out;
	}
	struct scaffold s = { NULL, 0 };
	scaffold_site(&s, o->title, l);
	int n = scaffold_write(&s, dir, &d);
	scaffold_free(&s);
	if (n < 0)
		goto out;
	if (!o->quiet)
		printf(_("planpress: new site in %s (%d %s); to see it: planpress -C %s build\n"), o->args[0], n,
		       CLI_PLURAL(n, "file", "files"), o->args[0]);
	rc = CLI_OK;
out:
	free(dir);
	return finish(&d, rc, "site");
}

static int new_plan(const struct opts *o)
{
	if (o->nargs != 1)
		return cli_usage_error("new plan needs the plan's id: planpress new plan ID");
	if (o->plan || o->date || o->title || o->language)
		return cli_usage_error("new plan takes no options but --quiet");
	if (!valid_name(o->args[0]))
		return cli_usage_error("plan id '%s': use ASCII letters, digits, - _ and .", o->args[0]);
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	struct config c;
	int rc = load_site(a, &c, &d);
	if (rc)
		goto out;
	struct datetime now;
	today(&now);
	struct scaffold s = { NULL, 0 };
	scaffold_plan(&s, o->args[0], now.year, lang_from_code(c.language));
	int n = scaffold_write(&s, ".", &d);
	if (n < 0)
		rc = CLI_CONTENT;
	else if (!o->quiet)
		printf(_("planpress: new plan: wrote %s (%d %s in all); add tasks with: planpress new task %s NUMBER\n"),
		       s.v[0].path, n, CLI_PLURAL(n, "file", "files"), o->args[0]);
	scaffold_free(&s);
out:
	arena_free(a);
	return finish(&d, rc, "plan");
}

static int new_task(const struct opts *o)
{
	if (o->nargs != 2)
		return cli_usage_error("new task needs a plan and a number: planpress new task PLAN NUMBER");
	if (o->plan || o->date || o->title || o->language)
		return cli_usage_error("new task takes no options but --quiet");
	const char *plan = o->args[0], *number = o->args[1];
	if (!valid_name(plan))
		return cli_usage_error("plan id '%s': use ASCII letters, digits, - _ and .", plan);
	if (!valid_name(number))
		return cli_usage_error("task number '%s': use digits, like 7 or 1.1", number);
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	struct config c;
	int rc = load_site(a, &c, &d);
	if (rc)
		goto out;
	/* The plan's period and sections make the task's dates and section check. */
	const char *plan_path = arena_printf(a, "content/plans/%s/_index.md", plan);
	const char *text;
	size_t len, body;
	struct value *meta = NULL;
	struct stat st;
	if (stat(plan_path, &st) != 0) {
		diag_add(&d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no plan '%s' (%s); start it with: planpress new plan %s",
		         plan, plan_path, plan);
		rc = CLI_USAGE;
		goto out;
	}
	if (content_read_text(a, plan_path, plan_path, &text, &len, &d) < 0 ||
	    fm_parse(a, plan_path, text, len, &meta, &body, &d) < 0) {
		rc = CLI_CONTENT;
		goto out;
	}
	struct datetime now;
	today(&now);
	struct scaffold s = { NULL, 0 };
	scaffold_task(&s, plan, number, meta, now.year, lang_from_code(c.language));
	if (scaffold_write(&s, ".", &d) < 0)
		rc = CLI_CONTENT;
	else if (!o->quiet)
		printf(_("planpress: new task: wrote %s\n"), s.v[0].path);
	scaffold_free(&s);
out:
	arena_free(a);
	return finish(&d, rc, "task");
}

/* What the build hands back: the bulletin is made while the site's data lives. */
struct bulletin_job {
	const char *plan;
	const struct datetime *date;
	enum lang lang;
	struct scaffold s;
	size_t updates;
	int plan_found;
	struct buf plans;   /* the plans' ids, for the message when --plan names none */
};

static void computed(void *ud, const struct value *site)
{
	struct bulletin_job *j = ud;
	const struct value *plans = value_get(site, "plans");
	for (size_t i = 0; i < value_len(plans); i++) {
		const char *id = value_str(value_get(value_at(plans, i), "id"), "");
		j->plan_found |= j->plan && strcmp(id, j->plan) == 0;
		buf_printf(&j->plans, "%s%s", i ? ", " : "", id);
	}
	if (!j->plan || j->plan_found)
		j->updates = scaffold_bulletin(&j->s, site, j->plan, j->date, j->lang);
}

static int new_bulletin(const struct cli *cli, const struct opts *o)
{
	if (o->nargs)
		return cli_usage_error("new bulletin takes no argument ('%s'): planpress new bulletin "
		                       "[--plan ID] [--date YYYY-MM-DD]", o->args[0]);
	if (o->title || o->language)
		return cli_usage_error("new bulletin takes --plan and --date");
	if (o->plan && !valid_name(o->plan))
		return cli_usage_error("plan id '%s': use ASCII letters, digits, - _ and .", o->plan);
	struct datetime date;
	if (o->date && parse_date(o->date, &date) < 0)
		return cli_usage_error("--date needs a date like 2020-03-31, not '%s'", o->date);
	if (!o->date)
		today(&date);
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	struct bulletin_job j = { .plan = o->plan, .date = &date, .s = { NULL, 0 }, .plans = BUF_INIT };
	struct config c;
	int rc = load_site(a, &c, &d);
	if (rc)
		goto out;
	j.lang = lang_from_code(c.language);
	const char *path = arena_printf(a, "content/bulletins/%04d-%02d-%02d.md", date.year, date.month, date.day);
	struct stat st;
	rc = CLI_CONTENT;
	if (stat(path, &st) == 0) {
		diag_add(&d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "exists; planpress new never replaces a file (edit it, or give another --date)");
		goto out;
	}
	/* A bulletin after as_of would not count, and the build refuses it. */
	if (c.has_as_of && datetime_cmp(&date, &c.as_of) > 0) {
		diag_add(&d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
		         "as_of is %04d-%02d-%02d, before the bulletin's date %04d-%02d-%02d: set as_of = "
		         "%04d-%02d-%02d in site.toml first, so that the bulletin counts",
		         c.as_of.year, c.as_of.month, c.as_of.day, date.year, date.month, date.day, date.year,
		         date.month, date.day);
		goto out;
	}
	/* Without one, as_of is SOURCE_DATE_EPOCH's day when that is set (model.h). */
	struct datetime epoch;
	if (!c.has_as_of && getenv("SOURCE_DATE_EPOCH") && *getenv("SOURCE_DATE_EPOCH")) {
		today(&epoch);
		if (datetime_cmp(&date, &epoch) > 0) {
			diag_add(&d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "SOURCE_DATE_EPOCH is %04d-%02d-%02d, before the bulletin's date %04d-%02d-%02d: "
			         "the build would refuse the bulletin", epoch.year, epoch.month, epoch.day, date.year,
			         date.month, date.day);
			goto out;
		}
	}
	/* The tasks' state as the build computes it (progress rules and all), as of the new date. */
	struct build_opts bo = { .site_dir = ".", .exe_dir = cli->exe_dir, .check_only = 1, .as_of = &date,
	                         .computed = computed, .computed_ud = &j };
	struct build_stats bs;
	rc = build_site(&bo, &bs, &d);
	if (rc) {
		diag_add(&d, DIAG_NOTE, NULL, 0, 0, NULL, 0,
		         "a new bulletin is made from a site that checks without errors as of its date, "
		         "%04d-%02d-%02d (so it comes after the latest bulletin)", date.year, date.month, date.day);
		goto out;
	}
	if (d.n) {
		/* The site's warnings and notes, shown once, before what follows. */
		diags_sort(&d);
		diags_print(&d, stderr);
		diags_free(&d);
		diags_init(&d);
	}
	if (o->plan && !j.plan_found) {
		diag_add(&d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no plan '%s' in the site (its plans: %s)", o->plan,
		         j.plans.len ? buf_cstr(&j.plans) : "none");
		rc = CLI_USAGE;
		goto out;
	}
	if (!j.s.n) {
		diag_add(&d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "the site could not be read to the end");
		goto out;
	}
	if (scaffold_write(&j.s, ".", &d) < 0)
		goto out;
	rc = CLI_OK;
	if (!o->quiet)
		printf(o->plan ? _("planpress: new bulletin: wrote %s with %zu %s (the tasks not done or cancelled of %s)\n")
		               : _("planpress: new bulletin: wrote %s with %zu %s (the tasks not done or cancelled)\n"),
		       j.s.v[0].path, j.updates, CLI_PLURAL(j.updates, "update", "updates"), o->plan ? o->plan : "");
out:
	scaffold_free(&j.s);
	buf_free(&j.plans);
	arena_free(a);
	return finish(&d, rc, "bulletin");
}

int cmd_new(const struct cli *cli, int argc, char **argv)
{
	if (argc < 2)
		return cli_usage_error("new needs what to make: site DIR, plan ID, task PLAN NUMBER or bulletin");
	struct opts o = { 0 };
	for (int i = 2; i < argc; i++) {
		const char *a = argv[i];
		const char **val = strcmp(a, "--title") == 0      ? &o.title
		                   : strcmp(a, "--language") == 0 ? &o.language
		                   : strcmp(a, "--plan") == 0     ? &o.plan
		                   : strcmp(a, "--date") == 0     ? &o.date
		                                                  : NULL;
		if (val) {
			if (++i >= argc)
				return cli_usage_error("%s needs a value", a);
			*val = argv[i];
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			o.quiet = 1;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("new: unknown option '%s'", a);
		} else if (o.nargs < 2) {
			o.args[o.nargs++] = a;
		} else {
			return cli_usage_error("new %s: too many arguments ('%s')", argv[1], a);
		}
	}
	if (strcmp(argv[1], "site") == 0)
		return new_site(cli, &o);
	if (strcmp(argv[1], "plan") == 0)
		return new_plan(&o);
	if (strcmp(argv[1], "task") == 0)
		return new_task(&o);
	if (strcmp(argv[1], "bulletin") == 0)
		return new_bulletin(cli, &o);
	return cli_usage_error("new makes a site, plan, task or bulletin, not '%s'", argv[1]);
}
