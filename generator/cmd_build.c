/* cmd_build.c: the build and check commands. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

#include "build.h"
#include "cli.h"
#include "diag.h"
#include "history.h"

/* build --timings (and publish's): each stage with its time and peak
 * memory, then what the render did and why, to stderr. */
void cli_print_timings(const struct build_stats *st)
{
	for (int k = 0; k < BUILD_STAGES; k++)
		if (st->stage_name[k])
			fprintf(stderr, _("planpress: %-12s %8.1f ms %6ld MiB peak\n"), st->stage_name[k],
			        st->stage_ms[k], st->stage_peak_kib[k] / 1024);
	/* What the render did and why (rcache.h); rendered files that came out
	 * as the folder holds them are not written. */
	if (st->cache_used) {
		fprintf(stderr, _("planpress: rendered %zu of %zu %s; %zu reused from the render cache\n"),
		        st->rendered, st->rendered + st->why[RCACHE_REUSED],
		        CLI_PLURAL(st->rendered + st->why[RCACHE_REUSED], "file", "files"), st->why[RCACHE_REUSED]);
		static const char *const why[RCACHE_NWHY] = {
			[RCACHE_NEW] = N_("new, or not in the cache"),
			[RCACHE_PAGE] = N_("their own data changed (page, task, text, links)"),
			[RCACHE_SITE] = N_("site data they show changed"),
			[RCACHE_OUTPUT] = N_("the output folder's file was missing or changed"),
			[RCACHE_UNCACHED] = N_("their data holds a function"),
		};
		for (int k = 0; k < RCACHE_NWHY; k++) {
			if (!why[k] || !st->why[k])
				continue;
			if (k == RCACHE_SITE && *st->site_changed)
				fprintf(stderr, "planpress:   %6zu %s (%s)\n", st->why[k], _(why[k]), st->site_changed);
			else
				fprintf(stderr, "planpress:   %6zu %s\n", st->why[k], _(why[k]));
		}
	}
	if (st->rendered) {
		size_t differ = st->rendered - st->rendered_same;
		char a[160], b[80];
		snprintf(a, sizeof a, CLI_PLURAL(differ, "%zu differs from the output folder and is written",
		                                 "%zu differ from the output folder and are written"), differ);
		snprintf(b, sizeof b, CLI_PLURAL(st->rendered_same, "%zu is the same", "%zu are the same"),
		         st->rendered_same);
		fprintf(stderr, _("planpress: rendered %zu %s%s: %s, %s\n"), st->rendered,
		        CLI_PLURAL(st->rendered, "file", "files"),
		        st->cache_used ? "" : _(" (every page: no render cache with Lua hooks or --force)"), a, b);
	}
}

void cli_print_step(const char *name, double ms)
{
	struct rusage ru;
	long kib = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
	fprintf(stderr, _("planpress: %-12s %8.1f ms %6ld MiB peak\n"), name, ms, kib / 1024);
}

static int run(const struct cli *cli, int argc, char **argv, int check)
{
	const char *out_arg = NULL;
	char *out = NULL;
	int drafts = 0, jobs = 0, quiet = 0, timings = 0, force = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!check && (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0)) {
			if (++i >= argc)
				return cli_usage_error("%s needs a folder", a);
			out_arg = argv[i];
		} else if (strcmp(a, "--drafts") == 0) {
			drafts = 1;
		} else if (!check && strcmp(a, "--force") == 0) {
			force = 1;
		} else if (strcmp(a, "--timings") == 0) {
			timings = 1;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = 1;
		} else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
			int rc = cli_jobs(argc, argv, &i, &jobs);
			if (rc)
				return rc;
		} else {
			return cli_usage_error("%s: unknown option or argument '%s'", argv[0], a);
		}
	}
	/* --out is a path the user names: from the folder planpress started in. */
	if (out_arg)
		out = cli_path(cli, out_arg);
	struct build_opts o = {
		.site_dir = ".",
		.out_dir = out,
		.exe_dir = cli->exe_dir,
		.drafts = drafts,
		.jobs = jobs,
		.check_only = check,
		.force = force,
		.history = history_read_lang,
	};
	struct build_stats st;
	struct diags d;
	diags_init(&d);
	double t0 = build_now_ms();
	int rc = build_site(&o, &st, &d);
	double ms = build_now_ms() - t0;
	diags_sort(&d);
	diags_print(&d, stderr);
	if (rc == 0 && !quiet) {
		if (check)
			printf(_("planpress: checked %zu %s and %zu %s: no errors\n"), st.pages,
			       CLI_PLURAL(st.pages, "page", "pages"), st.files, CLI_PLURAL(st.files, "file", "files"));
		else
			printf(_("planpress: built %zu %s and %zu %s into %s in %.0f ms "
			         "(%zu written, %zu unchanged, %zu removed)\n"),
			       st.pages, CLI_PLURAL(st.pages, "page", "pages"), st.files,
			       CLI_PLURAL(st.files, "file", "files"), out_arg ? out_arg : "public", ms, st.written,
			       st.unchanged, st.removed);
	} else if (rc != 0) {
		fprintf(stderr, CLI_PLURAL(d.nerrors, "planpress: %zu error; %s\n", "planpress: %zu errors; %s\n"), d.nerrors,
		        st.partial ? _("the output folder is partly updated: run the build again")
		                   : _("nothing was written"));
	}
	if (timings)
		cli_print_timings(&st);
	diags_free(&d);
	free(out);
	return rc;
}

int cmd_build(const struct cli *cli, int argc, char **argv)
{
	return run(cli, argc, argv, 0);
}

int cmd_check(const struct cli *cli, int argc, char **argv)
{
	return run(cli, argc, argv, 1);
}
