/* main.c: the command line: options before the command, then the command's
 * table entry. Only main and the cmd_*.c files print. */
#include <errno.h>
#include <limits.h>
#include <malloc.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "i18n.h"
#include "output.h"
#include "xalloc.h"

static const struct cli_command commands[] = {
	{ "build", N_("write the site into public/ (or --out DIR)"), cmd_build, "[OPTIONS]",
	  N_("  --out DIR, -o DIR  output folder (default: public/ in the site's folder)\n"
	  "  --drafts           include pages with draft: true\n"
	  "  --jobs N, -j N     threads to render with (default: one per processor)\n"
	  "  --force            build and render every page even when nothing changed\n"
	  "  --quiet, -q        print only errors\n"
	  "  --timings          print how long each stage of the build took\n") },
	{ "check", N_("validate site.toml, the theme and all content; write nothing"), cmd_check, "[OPTIONS]",
	  N_("  --drafts           include pages with draft: true\n"
	  "  --jobs N, -j N     threads to check with (default: one per processor)\n"
	  "  --quiet, -q        print only errors\n"
	  "  --timings          print how long each stage took\n") },
	{ "new", N_("start a site, a plan, a task or a bulletin from a skeleton"), cmd_new,
	  "site DIR [--title T] [--language L] | plan ID | task PLAN NUMBER | bulletin [--plan ID] [--date DATE]",
	  N_("  site DIR           a new site in DIR (a new or empty folder), ready to build\n"
	  "  --title T          the new site's title\n"
	  "  --language L       the new site's language: zh-CN (default) or en\n"
	  "  plan ID            content/plans/ID/_index.md, every field shown\n"
	  "  task PLAN NUMBER   a task of plan PLAN, every field shown\n"
	  "  bulletin           content/bulletins/DATE.md with one update per open task\n"
	  "  --plan ID          only the tasks of this plan (default: every plan)\n"
	  "  --date YYYY-MM-DD  the bulletin's date (default: today)\n"
	  "  --quiet, -q        print nothing but errors\n") },
	{ "import", N_("turn a plan document (.txt, .docx, PDF or a sheet) into a plan and task pages, or a progress "
	               "return (.xlsx, .xls, .csv) into a bulletin"), cmd_import, "FILE [OPTIONS]",
	  N_("  --plan ID          the plan's id: writes content/plans/ID/\n"
	  "  --rules FILE       import rules (default: the installed ones; the site's lua/import.lua extends them)\n"
	  "  --format text|json print what was read as text (default) or JSON; json writes nothing\n"
	  "  --expect FILE      compare what was read with a JSON file; writes nothing\n"
	  "  --dry-run, -n      print what was read; write nothing\n"
	  "  --force            replace files an earlier import wrote and nobody changed since\n"
	  "  --force=overwrite  replace them even when changed\n"
	  "  --due-default year-end  undated tasks are due at their year's end (derived)\n"
	  "  --date YYYY-MM-DD  a progress return's bulletin date (default: today)\n"
	  "  --unit UNIT        the unit a progress return is from (the bulletin's unit:)\n"
	  "  --title TITLE      the bulletin's title\n"
	  "  --quiet, -q        print only errors\n") },
	{ "publish", N_("build, then commit the site to the [publish] repository (-m MSG, --push-only)"), cmd_publish,
	  "[OPTIONS]",
	  N_("  -m MSG, --message MSG  the publication's message (one line)\n"
	  "  --push-only        push the last publication to [publish] remote; build nothing\n"
	  "  --quiet, -q        print only errors\n"
	  "  --timings          print how long each stage of the build, the commit and the export took\n") },
	{ "log", N_("the publications, newest first"), cmd_log, "[--revision REV]",
	  N_("  --revision REV     only the publication whose pages show revision REV (版本)\n") },
	{ "diff", N_("what changed between two publications (default: the last two)"), cmd_diff,
	  "[--format text|html|json] [REV [REV]]",
	  N_("  --format F         text (default), html or json\n"
	  "  REV                a publication (commit id, tag, HEAD~1); default: the last two\n") },
	{ "serve", N_("preview at http://127.0.0.1:1313/, rebuilt and reloaded on every change"), cmd_serve,
	  "[OPTIONS]",
	  N_("  --port N, -p N     port to listen on (default 1313; 0: any free port)\n"
	  "  --bind ADDR        address to listen on (default 127.0.0.1, this computer only)\n"
	  "  --base-path PATH   serve the site under PATH, e.g. /plans/ (default /)\n"
	  "  --drafts           include pages with draft: true\n"
	  "  --out DIR          build into DIR instead of a private temporary folder\n"
	  "  --jobs N, -j N     threads to render with (default: one per processor)\n"
	  "  --quiet, -q        print only errors\n") },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fputs(_("usage: planpress [-C DIR] COMMAND [OPTIONS]\n"
	        "\n"
	        "Builds a site of plans, tasks and progress bulletins from Markdown.\n"
	        "\n"
	        "commands:\n"), f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, _(commands[i].summary));
	fputs(_("\n"
	        "options before the command:\n"
	        "  -C DIR         run in DIR (the folder with site.toml); without it, planpress\n"
	        "                 looks for site.toml here, then in each folder above\n"
	        "  --help, -h     this help\n"
	        "  --version, -V  the version\n"
	        "\n"
	        "'planpress COMMAND --help' lists a command's options.\n"
	        "Exit status: 0 success, 1 content or build errors, 2 usage or environment errors.\n"
	        "See planpress(1), planpress(5) and planpress-content(7).\n"), f);
}

/* planpress COMMAND --help. */
static void command_usage(const struct cli_command *c, FILE *f)
{
	fprintf(f, _("usage: planpress [-C DIR] %s%s%s\n\n%s.\n"), c->name, *c->synopsis ? " " : "", c->synopsis,
	        _(c->summary));
	if (*c->options)
		fprintf(f, _("\noptions:\n%s"), _(c->options));
	fputs(_("  --help, -h         this help\n\nSee planpress(1).\n"), f);
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0)
			return 1;
	return 0;
}

char *cli_path(const struct cli *cli, const char *arg)
{
	if (!cli->start_dir || arg[0] == '/')
		return xstrdup(arg);
	size_t n = strlen(cli->start_dir) + strlen(arg) + 2;
	char *p = xmalloc(n);
	snprintf(p, n, "%s/%s", cli->start_dir, arg);
	return p;
}

/* Moves to the nearest folder, from here up, that holds site.toml (as git
 * finds .git). Returns the folder started in (to free) when it moved, else
 * NULL; without a site.toml anywhere it stays, and the command says so. */
static char *find_site(void)
{
	char *start = getcwd(NULL, 0);
	if (!start)
		return NULL;
	char *dir = xstrdup(start);
	for (;;) {
		size_t n = strlen(dir);
		char *toml = xmalloc(n + sizeof "/site.toml");
		snprintf(toml, n + sizeof "/site.toml", "%s/site.toml", strcmp(dir, "/") ? dir : "");
		int found = access(toml, F_OK) == 0;
		free(toml);
		if (found)
			break;
		char *slash = strrchr(dir, '/');
		if (!slash || n == 1) {
			free(dir);
			free(start);
			return NULL;
		}
		slash[slash == dir ? 1 : 0] = '\0';
	}
	if (strcmp(dir, start) == 0 || chdir(dir) < 0) {
		free(dir);
		free(start);
		return NULL;
	}
	free(dir);
	return start;
}

/* The command being run, once known: its own --help is the one to point at. */
static const char *running;

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("planpress: ", stderr);
	vfprintf(stderr, _(fmt), ap);
	if (running)
		fprintf(stderr, _("\nTry 'planpress %s --help'.\n"), running);
	else
		fputs(_("\nTry 'planpress --help'.\n"), stderr);
	va_end(ap);
	return CLI_USAGE;
}

int cli_read_site(struct arena *a, struct config *c, struct diags *d)
{
	const char *text;
	size_t len;
	if (content_read_text(a, "site.toml", "site.toml", &text, &len, d) < 0 ||
	    config_load(a, "site.toml", text, len, c, d) < 0)
		return CLI_CONTENT;
	return 0;
}

int cli_jobs(int argc, char **argv, int *i, int *jobs)
{
	const char *opt = argv[*i];
	if (++*i >= argc)
		return cli_usage_error("%s needs a number", opt);
	char *end;
	long n = strtol(argv[*i], &end, 10);
	if (*end || n < 1 || n > 1024)
		return cli_usage_error("--jobs must be 1..1024, got '%s'", argv[*i]);
	*jobs = (int)n;
	return 0;
}

static char *exe_dir(void)
{
	char buf[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", buf, sizeof buf - 1);
	if (n <= 0)
		return NULL;
	buf[n] = '\0';
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = '\0';
	return xstrdup(buf);
}

/* Buffers this large or larger are mapped apart and go back to the system
 * when freed. glibc raises the bound after the first big one is freed, and
 * then a data file's text or a cache being written (megabytes, made and
 * freed along the way) comes from the heap, whose room a build keeps: fixed,
 * a cold 10k-page build peaks 3 MB lower. */
#define MAIN_MMAP_THRESHOLD (128 * 1024)

int main(int argc, char **argv)
{
	const char *dir = NULL;
	int i = 1;
#ifdef M_MMAP_THRESHOLD
	mallopt(M_MMAP_THRESHOLD, MAIN_MMAP_THRESHOLD);
#endif
	/* Static: still reachable (not a leak) when an early return skips the free. */
	static char *exe;
	exe = exe_dir();
	i18n_init(exe);
	for (; i < argc && argv[i][0] == '-'; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			usage(stdout);
			return CLI_OK;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("planpress %s\n", PP_VERSION);
			return CLI_OK;
		} else if (strcmp(a, "-C") == 0) {
			if (++i >= argc)
				return cli_usage_error("-C needs a folder");
			dir = argv[i];
		} else {
			return cli_usage_error("unknown option '%s' (options of a command go after it)", a);
		}
	}
	if (i >= argc) {
		usage(stderr);
		return CLI_USAGE;
	}
	const struct cli_command *cmd = NULL;
	for (size_t k = 0; k < NCOMMANDS; k++)
		if (strcmp(argv[i], commands[k].name) == 0)
			cmd = &commands[k];
	if (!cmd)
		return cli_usage_error("unknown command '%s'", argv[i]);
	if (cmd->options && wants_help(argc - i, argv + i)) {
		command_usage(cmd, stdout);
		return CLI_OK;
	}
	char *start = NULL;
	if (dir && chdir(dir) < 0) {
		fprintf(stderr, _("planpress: cannot enter %s: %s\n"), dir, diag_errstr(errno));
		free(exe);
		return CLI_USAGE;
	}
	if (!dir)
		start = find_site();
	/* An interrupted build or publish leaves no temp files behind. */
	output_catch_signals();
	struct cli cli = { exe, argv[0], start };
	running = cmd->options ? cmd->name : NULL;
	int rc = cmd->run(&cli, argc - i, argv + i);
	free(start);
	free(exe);
	return rc;
}
