/* main.c: the command line: options before the command, then the command's
 * table entry. Only main and the cmd_*.c files print. */
#include <errno.h>
#include <limits.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "diag.h"
#include "output.h"
#include "xalloc.h"

static const struct cli_command commands[] = {
	{ "build", "write the site into public/ (or --out DIR)", cmd_build },
	{ "check", "validate site.toml, the theme and all content; write nothing", cmd_check },
	{ "import", "turn a plan document (.txt) into a plan and task pages", cmd_import },
	{ "publish", "build, then commit the site to the [publish] repository (-m MSG, --push-only)", cmd_publish },
	{ "log", "the publications, newest first", cmd_log },
	{ "diff", "what changed between two publications (default: the last two)", cmd_diff },
	{ "serve", "preview at http://127.0.0.1:1313/, rebuilt and reloaded on every change", cmd_serve },
};

#define NCOMMANDS (sizeof commands / sizeof commands[0])

static void usage(FILE *f)
{
	fputs("usage: planpress [-C DIR] COMMAND [OPTIONS]\n"
	      "\n"
	      "Builds a site of plans, tasks and progress bulletins from Markdown.\n"
	      "\n"
	      "commands:\n", f);
	for (size_t i = 0; i < NCOMMANDS; i++)
		fprintf(f, "  %-10s %s\n", commands[i].name, commands[i].summary);
	fputs("\n"
	      "options before the command:\n"
	      "  -C DIR         run as if started in DIR (the folder with site.toml)\n"
	      "  --help, -h     this help\n"
	      "  --version, -V  the version\n"
	      "\n"
	      "options of build and check:\n"
	      "  --out DIR      output folder for build (default: public)\n"
	      "  --drafts       include pages with draft: true\n"
	      "  --jobs N       threads to render with (default: one per processor)\n"
	      "  --quiet, -q    print only errors\n"
	      "  --timings      print how long each stage of the build took\n"
	      "  --force        build even when nothing changed since the last build\n"
	      "\n"
	      "Exit status: 0 success, 1 content or build errors, 2 usage or environment errors.\n"
	      "See planpress(1), planpress(5) and planpress-content(7).\n", f);
}

int cli_usage_error(const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	fputs("planpress: ", stderr);
	vfprintf(stderr, fmt, ap);
	fputs("\nTry 'planpress --help'.\n", stderr);
	va_end(ap);
	return CLI_USAGE;
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

int main(int argc, char **argv)
{
	const char *dir = NULL;
	int i = 1;
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
	char *exe = exe_dir();
	if (dir && chdir(dir) < 0) {
		fprintf(stderr, "planpress: cannot enter %s: %s\n", dir, diag_errstr(errno));
		free(exe);
		return CLI_USAGE;
	}
	/* An interrupted build or publish leaves no temp files behind. */
	output_catch_signals();
	struct cli cli = { exe, argv[0] };
	int rc = cmd->run(&cli, argc - i, argv + i);
	free(exe);
	return rc;
}
