/* cmd_import.c: the import command: an official plan document into a plan's content files. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "cli.h"
#include "diag.h"
#include "config.h"
#include "docread.h"
#include "content.h"
#include "import.h"
#include "json.h"
#include "lang.h"
#include "scaffold.h"
#include "utf8.h"

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

int cmd_import(const struct cli *cli, int argc, char **argv)
{
	const char *input_arg = NULL, *plan = NULL, *rules_opt = NULL, *format = "text", *expect = NULL;
	const char *due_default = NULL;
	int force = 0, dry = 0, quiet = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strncmp(a, "--due-default=", 14) == 0) {
			due_default = a + 14;
		} else if (strcmp(a, "--plan") == 0 || strcmp(a, "--rules") == 0 || strcmp(a, "--format") == 0 ||
		           strcmp(a, "--expect") == 0 || strcmp(a, "--due-default") == 0) {
			if (++i >= argc)
				return cli_usage_error("%s needs a value", a);
			if (strcmp(a, "--plan") == 0)
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
	if (import_read_map(input, &text, &map, &d) < 0) {
		rc = CLI_USAGE;
		goto out;
	}
	/* The rules run under the site's [lua] limits, when there is a site. */
	struct sandbox_opts limits = { 0 };
	if (stat("site.toml", &st) == 0) {
		struct config cfg;
		const char *src;
		size_t srclen;
		if (content_read_text(a, "site.toml", "site.toml", &src, &srclen, &d) < 0 ||
		    config_load(a, "site.toml", src, srclen, &cfg, &d) < 0)
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
