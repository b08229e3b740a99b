/* cmd_import.c: the import command: an official plan document into a plan's content files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include "arena.h"
#include "buf.h"
#include "build.h"
#include "cli.h"
#include "diag.h"
#include "config.h"
#include "docread.h"
#include "content.h"
#include "import.h"
#include "json.h"
#include "lang.h"
#include "output.h"
#include "scaffold.h"
#include "sheet.h"
#include "sheetin.h"
#include "utf8.h"
#include "xalloc.h"

static int valid_plan_id(const char *s)
{
	if (!*s || *s == '.' || *s == '-' || strlen(s) > 100)
		return 0;
	for (const char *p = s; *p; p++)
		if (!IS_ASCII_ALNUM(*p) && *p != '-' && *p != '_' && *p != '.')
			return 0;
	return 1;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');
	return slash ? slash + 1 : path;
}

/* A path named on the command line, as the site's folder sees it (in a). */
static const char *user_path(const struct cli *cli, struct arena *a, const char *arg)
{
	char *p = cli_path(cli, arg);
	const char *r = arena_strdup(a, p);
	free(p);
	return r;
}

/* Reads and parses the --expect file into arena a; NULL after an error in d. */
static struct value *read_expect(struct arena *a, const char *path, struct diags *d)
{
	struct buf b = BUF_INIT;
	struct value *v = NULL;
	if (buf_read_file(&b, path) < 0) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
		buf_free(&b);
		return NULL;
	}
	v = json_parse(a, path, b.data ? b.data : "", b.len, d);
	buf_free(&b);
	return v;
}

/* ---- spreadsheets: a progress return made a bulletin ---------------------- */

struct sheet_args {
	const char *path, *shown;          /* the file, as opened and as the user named it */
	const char *exe_dir;               /* where the program lives, to find its theme */
	const char *plan, *date, *unit, *title;
	int force, dry, quiet;
};

/* import_sheet's answer when the file is a task list: go on as with a document. */
#define IMPORT_SHEET_LIST (-1)

/* Today: SOURCE_DATE_EPOCH's day when it is set, else the local date. */
static void today_iso(char out[16])
{
	const char *e = getenv("SOURCE_DATE_EPOCH");
	char *end;
	long long secs = e && *e ? strtoll(e, &end, 10) : -1;
	int y, m, d;
	if (e && *e && !*end && secs >= 0) {
		datetime_from_days(secs / 86400, &y, &m, &d);
	} else {
		time_t now = time(NULL);
		struct tm tm;
		localtime_r(&now, &tm);
		y = tm.tm_year + 1900;
		m = tm.tm_mon + 1;
		d = tm.tm_mday;
	}
	snprintf(out, 16, "%04d-%02d-%02d", y % 10000, m % 100, d % 100);
}

/* What the build hands back while the site's data lives. */
struct progress_job {
	const struct sheet_book *book;
	struct sheetin_opts o;
	struct buf text;
	struct sheetin_counts counts;
	struct diags d;   /* the return's own diagnostics, apart from the site's */
	int rc, ran;
};

static void progress_computed(void *ud, const struct value *site)
{
	struct progress_job *j = ud;
	j->ran = 1;
	j->rc = sheetin_bulletin(j->book, value_get(site, "plans"), &j->o, &j->text, &j->counts, &j->d);
}

/* Reads the spreadsheet a->path into book. A task list returns
 * IMPORT_SHEET_LIST (book kept); a progress return is made a bulletin,
 * content/bulletins/DATE.md, and the command's exit status is returned. */
static int import_sheet(const struct sheet_args *a, struct sheet_book *book, int json_or_expect)
{
	struct diags d;
	diags_init(&d);
	struct arena *ar = arena_new();
	struct progress_job j = { .book = book, .text = BUF_INIT };
	diags_init(&j.d);
	int rc = CLI_USAGE;
	char date[16];
	const char *bpath = NULL;
	struct stat st;
	if (sheet_read(a->path, book, &d) < 0)
		goto out;
	enum sheetin_kind k = sheetin_kind(book);
	if (k == SHEETIN_LIST) {
		rc = IMPORT_SHEET_LIST;
		goto out;
	}
	if (k == SHEETIN_NOT) {
		diag_add(&d, DIAG_ERROR, a->shown, 0, 0, NULL, 0,
		         "no sheet has a header row naming a progress return's columns (序号 and 进度, 状态 or "
		         "进展情况) or a task list's (任务 and 牵头单位) in its first %d rows",
		         SHEETIN_HEADER_ROWS);
		goto out;
	}
	if (json_or_expect) {
		rc = cli_usage_error("a progress return becomes a bulletin: --format json and --expect are for plan documents");
		goto out;
	}
	if (stat("site.toml", &st) != 0) {
		rc = cli_usage_error("a progress return is imported into a site: no site.toml here or in any folder above (use -C DIR)");
		goto out;
	}
	int y, m, dd;
	if (a->date) {
		if (strlen(a->date) != 10 || sscanf(a->date, "%4d-%2d-%2d", &y, &m, &dd) != 3 ||
		    !datetime_valid_date(y, m, dd)) {
			rc = cli_usage_error("--date needs a date like 2020-03-31, not '%s'", a->date);
			goto out;
		}
		snprintf(date, sizeof date, "%s", a->date);
	} else {
		today_iso(date);
		sscanf(date, "%4d-%2d-%2d", &y, &m, &dd);
	}
	rc = CLI_CONTENT;
	struct config cfg;
	if (cli_read_site(ar, &cfg, &d))
		goto out;
	struct datetime when = { .kind = DT_DATE, .year = y, .month = (int8_t)m, .day = (int8_t)dd };
	if (cfg.has_as_of && datetime_cmp(&when, &cfg.as_of) > 0) {
		diag_add(&d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
		         "as_of is %04d-%02d-%02d, before the bulletin's date %s: set as_of in site.toml first, or give "
		         "--date, so that the bulletin counts",
		         cfg.as_of.year, cfg.as_of.month, cfg.as_of.day, date);
		goto out;
	}
	bpath = arena_printf(ar, "content/bulletins/%s.md", date);
	int exists = stat(bpath, &st) == 0, state = IMPORT_PAGE_NOT_OURS;
	if (exists && !a->dry) {
		struct buf old = BUF_INIT;
		if (buf_read_file(&old, bpath) == 0)
			state = import_page_state(old.data ? old.data : "", old.len);
		buf_free(&old);
		if (!a->force)
			diag_add(&d, DIAG_ERROR, bpath, 0, 0, NULL, 0,
			         "exists; use --force to replace a bulletin planpress import wrote (or give another --date)");
		else if (state == IMPORT_PAGE_NOT_OURS)
			diag_add(&d, DIAG_ERROR, bpath, 0, 0, NULL, 0,
			         "exists and was not written by planpress import (no '%s'); left alone", IMPORT_MARK);
		else if (state != IMPORT_PAGE_UNCHANGED && a->force != IMPORT_OVERWRITE)
			diag_add(&d, DIAG_ERROR, bpath, 0, 0, NULL, 0,
			         "changed since planpress import wrote it: left alone (--force=overwrite replaces it)");
		if (d.nerrors)
			goto out;
	}
	j.o = (struct sheetin_opts){ .path = a->shown, .source = base_name(a->shown), .plan = a->plan, .date = date,
	                             .title = a->title, .unit = a->unit, .lang = lang_from_code(cfg.language),
	                             .keep_unchanged = exists };
	/* The tasks' state as the build computes it, as of the bulletin's date. */
	struct build_opts bo = { .site_dir = ".", .exe_dir = a->exe_dir, .check_only = 1, .as_of = &when, .computed = progress_computed,
	                         .computed_ud = &j };
	struct build_stats bs;
	int brc = build_site(&bo, &bs, &d);
	for (size_t i = 0; i < j.d.n; i++) {
		const struct diag *g = &j.d.v[i];
		diag_add(&d, g->level, g->path, g->line, g->col, NULL, 0, "%s", g->msg);
	}
	if (!j.ran) {
		if (brc)
			diag_add(&d, DIAG_NOTE, NULL, 0, 0, NULL, 0,
			         "a progress return is read against a site that checks without errors as of its date, %s",
			         date);
		goto out;
	}
	if (j.rc < 0)
		goto out;
	if (a->dry) {
		fputs(buf_cstr(&j.text), stdout);
		rc = CLI_OK;
		goto out;
	}
	import_stamp(&j.text);
	if (output_mkdirs("content/bulletins") < 0 || output_write_atomic(bpath, j.text.data, j.text.len) < 0) {
		diag_add(&d, DIAG_ERROR, bpath, 0, 0, NULL, 0, "cannot write: %s", diag_errstr(errno));
		goto out;
	}
	rc = CLI_OK;
	if (!a->quiet)
		printf(_("planpress: import: wrote %s: %zu updates from %zu rows (%zu reported nothing, %zu nothing new)\n"),
		       bpath, j.counts.updates, j.counts.rows, j.counts.empty, j.counts.unchanged);
out:
	if (rc != IMPORT_SHEET_LIST) {
		diags_sort(&d);
		diags_print(&d, stderr);
		if (rc == CLI_CONTENT && d.nerrors)
			fprintf(stderr, CLI_PLURAL(d.nerrors, "planpress: import: %zu error; nothing was written\n",
			                           "planpress: import: %zu errors; nothing was written\n"), d.nerrors);
	}
	buf_free(&j.text);
	diags_free(&j.d);
	diags_free(&d);
	arena_free(ar);
	return rc;
}

int cmd_import(const struct cli *cli, int argc, char **argv)
{
	const char *input_arg = NULL, *plan = NULL, *rules_opt = NULL, *format = "text", *expect = NULL;
	const char *due_default = NULL;
	struct sheet_args sa = { 0 };   /* a progress return's bulletin: --date, --unit, --title */
	int force = 0, dry = 0, quiet = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--due-default=", 14) == 0) {
			due_default = a + 14;
		} else if (strcmp(a, "--plan") == 0 || strcmp(a, "--rules") == 0 || strcmp(a, "--format") == 0 ||
		           strcmp(a, "--expect") == 0 || strcmp(a, "--due-default") == 0 || strcmp(a, "--date") == 0 ||
		           strcmp(a, "--unit") == 0 || strcmp(a, "--title") == 0) {
			if (++i >= argc)
				return cli_usage_error("%s needs a value", a);
			if (strcmp(a, "--date") == 0)
				sa.date = argv[i];
			else if (strcmp(a, "--unit") == 0)
				sa.unit = argv[i];
			else if (strcmp(a, "--title") == 0)
				sa.title = argv[i];
			else if (strcmp(a, "--plan") == 0)
				plan = argv[i];
			else if (strcmp(a, "--rules") == 0)
				rules_opt = argv[i];
			else if (strcmp(a, "--format") == 0)
				format = argv[i];
			else if (strcmp(a, "--due-default") == 0)
				due_default = argv[i];
			else
				expect = argv[i];
		} else if (strcmp(a, "--force") == 0) {
			force = IMPORT_FORCE;
		} else if (strcmp(a, "--force=overwrite") == 0) {
			force = IMPORT_OVERWRITE;
		} else if (strcmp(a, "--dry-run") == 0 || strcmp(a, "-n") == 0) {
			dry = 1;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = 1;
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("import: unknown option '%s'", a);
		} else if (!input_arg) {
			input_arg = a;
		} else {
			return cli_usage_error("import: one document at a time ('%s' is extra)", a);
		}
	}
	if (!input_arg)
		return cli_usage_error("import needs a document: planpress import FILE --plan ID");
	if (due_default && strcmp(due_default, "year-end") != 0 && strcmp(due_default, "none") != 0)
		return cli_usage_error("--due-default is year-end or none, not '%s'", due_default);
	if (due_default && strcmp(due_default, "none") == 0)
		due_default = NULL;
	if (strcmp(format, "json") != 0 && strcmp(format, "text") != 0)
		return cli_usage_error("--format is json or text, not '%s'", format);
	int json = strcmp(format, "json") == 0;
	int writes = !dry && !json && !expect;
	/* A progress return becomes a bulletin (a task list kept as a sheet goes on below). */
	char *sheet_path = cli_path(cli, input_arg);
	struct sheet_book book = { 0 };
	int is_sheet = sheet_is_spreadsheet(sheet_path);
	if (is_sheet) {
		sa = (struct sheet_args){ .path = sheet_path, .shown = input_arg, .exe_dir = cli->exe_dir, .plan = plan, .date = sa.date,
		                          .unit = sa.unit, .title = sa.title, .force = force, .dry = dry, .quiet = quiet };
		int r = import_sheet(&sa, &book, json || expect);
		if (r != IMPORT_SHEET_LIST) {
			free(sheet_path);
			sheet_book_free(&book);
			return r;
		}
	} else if (sa.date || sa.unit || sa.title) {
		free(sheet_path);
		return cli_usage_error("--date, --unit and --title are for a progress return (.xlsx, .xls or .csv)");
	}
	free(sheet_path);
	if (writes && !plan)
		return cli_usage_error("import needs --plan ID to name the plan it writes");
	if (plan && !valid_plan_id(plan))
		return cli_usage_error("--plan '%s': use ASCII letters, digits, - _ and .", plan);
	struct stat st;
	if (writes && stat("site.toml", &st) != 0)
		return cli_usage_error("import writes into a site: no site.toml here or in any folder above (use -C DIR)");

	int rc = CLI_CONTENT;
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	enum lang lang = LANG_ZH;
	struct scaffold index = { NULL, 0 };
	/* Paths the user names are from the folder planpress started in. */
	char *input = cli_path(cli, input_arg);
	const char *expect_arg = expect;
	if (rules_opt)
		rules_opt = user_path(cli, a, rules_opt);
	if (expect)
		expect = user_path(cli, a, expect);
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct docread_map map = { 0 };   /* a Word file's or PDF's lines: paragraph, page */
	struct import_files files = { NULL, 0 };
	/* The shipped rules, extended by the site's own lua/import.lua. */
	char *rules = import_find_shipped_rules(rules_opt, cli->exe_dir);
	char *site_rules = rules ? import_find_site_rules(".", rules) : NULL;
	if (!rules) {
		fputs(_("planpress: import: no import rules found (lua/import.lua); use --rules FILE\n"), stderr);
		rc = CLI_USAGE;
		goto out;
	}
	if (is_sheet) {
		/* A task list: its rows as the importer's text, a table a Word file would give. */
		struct buf raw = BUF_INIT;
		char *title = xstrdup(base_name(input));
		char *dot = strrchr(title, '.');
		if (dot && dot != title)
			*dot = 0;
		sheetin_text(&book, title, &raw);
		docread_repair(raw.data ? raw.data : "", raw.len, &text);
		free(title);
		buf_free(&raw);
	} else if (import_read_map(input, &text, &map, &d) < 0) {
		rc = CLI_USAGE;
		goto out;
	}
	/* The rules run under the site's [lua] limits, when there is a site. */
	struct sandbox_opts limits = { 0 };
	if (stat("site.toml", &st) == 0) {
		struct config cfg;
		if (cli_read_site(a, &cfg, &d))
			goto out;
		limits.budget = cfg.lua_budget;
		limits.memory = cfg.lua_memory;
		limits.seconds = cfg.lua_seconds;
		lang = lang_from_code(cfg.language);
	}
	struct import_opts io = { .plan_id = plan ? plan : "plan", .due_default = due_default,
	                          .site_rules = site_rules, .limits = &limits };
	struct value *doc = import_run_opts(a, rules, text.data ? text.data : "", text.len, &io, &d);
	if (!doc)
		goto out;
	import_warnings(doc, input_arg, &d);
	if (expect) {
		struct value *want = read_expect(a, expect, &d);
		if (!want)
			goto out;
		int n = import_expect(import_json_value(a, doc), want, &out);
		fputs(buf_cstr(&out), stdout);
		if (n) {
			fprintf(stderr, CLI_PLURAL(n, "planpress: import: %d difference from %s\n",
			                           "planpress: import: %d differences from %s\n"), n, expect_arg);
			goto out;
		}
		if (!quiet)
			printf(_("planpress: import: %s matches %s\n"), input_arg, expect_arg);
		rc = CLI_OK;
		goto out;
	}
	if (json) {
		import_json(doc, &out);
		fputs(buf_cstr(&out), stdout);
		rc = CLI_OK;
		goto out;
	}
	if (!quiet) {
		import_report(doc, &out);
		fputs(buf_cstr(&out), stdout);
	}
	if (dry) {
		rc = CLI_OK;
		goto out;
	}
	import_files_make(doc, plan, base_name(input), &files);
	int n = import_files_write(&files, ".", force, &d);
	if (n < 0)
		goto out;
	/* The plans' section gets its title, not the folder's name "plans". */
	scaffold_plans_index(&index, lang);
	int more = scaffold_write(&index, ".", &d);
	if (more < 0)
		goto out;
	n += more;
	if (!quiet)
		printf(_("planpress: import: wrote %d %s under content/plans/%s\n"), n, CLI_PLURAL(n, "file", "files"),
		       plan);
	rc = CLI_OK;
out:
	docread_map_notes(&map, input, &d);
	docread_map_free(&map);
	diags_sort(&d);
	diags_print(&d, stderr);
	if (rc == CLI_CONTENT && d.nerrors && !expect)
		fprintf(stderr, CLI_PLURAL(d.nerrors, "planpress: import: %zu error; nothing was written\n",
		                           "planpress: import: %zu errors; nothing was written\n"), d.nerrors);
	import_files_free(&files);
	sheet_book_free(&book);
	scaffold_free(&index);
	free(input);
	free(rules);
	free(site_rules);
	buf_free(&text);
	buf_free(&out);
	arena_free(a);
	diags_free(&d);
	return rc;
}
