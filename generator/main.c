/* main.c: the command line. The only place that prints diagnostics. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "diag.h"
#include "xalloc.h"

/* Exit statuses: success, content or build errors, usage or environment errors. */
enum { EXIT_OK = 0, EXIT_CONTENT = 1, EXIT_USAGE = 2 };

static const char usage[] =
	"usage: planpress [-C DIR] COMMAND [OPTIONS]\n"
	"\n"
	"Builds a site of plans, tasks and progress bulletins from Markdown.\n"
	"\n"
	"commands:\n"
	"  build      write the site into public/ (or --out DIR)\n"
	"  check      validate site.toml, the theme and all content; write nothing\n"
	"\n"
	"options:\n"
	"  -C DIR         run as if started in DIR (the folder with site.toml)\n"
	"  --out DIR      output folder for build (default: public)\n"
	"  --drafts       include pages with draft: true\n"
	"  --jobs N       threads to render with (default: one per processor)\n"
	"  --quiet, -q    print only errors\n"
	"  --help, -h     this help\n"
	"  --version, -V  the version\n"
	"\n"
	"Exit status: 0 success, 1 content or build errors, 2 usage or environment errors.\n"
	"See planpress(1), planpress(5) and planpress-content(7).\n";

static int usage_error(const char *fmt, const char *arg)
{
	fprintf(stderr, "planpress: ");
	fprintf(stderr, fmt, arg);
	fprintf(stderr, "\nTry 'planpress --help'.\n");
	return EXIT_USAGE;
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

static double now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

int main(int argc, char **argv)
{
	const char *dir = NULL, *cmd = NULL, *out = NULL;
	int drafts = 0, jobs = 0, quiet = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-h") == 0 || strcmp(a, "--help") == 0) {
			fputs(usage, stdout);
			return EXIT_OK;
		} else if (strcmp(a, "-V") == 0 || strcmp(a, "--version") == 0) {
			printf("planpress %s\n", PP_VERSION);
			return EXIT_OK;
		} else if (strcmp(a, "-C") == 0) {
			if (++i >= argc)
				return usage_error("-C needs a folder%s", "");
			dir = argv[i];
		} else if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
			if (++i >= argc)
				return usage_error("%s needs a folder", a);
			out = argv[i];
		} else if (strcmp(a, "--drafts") == 0) {
			drafts = 1;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = 1;
		} else if (strcmp(a, "--jobs") == 0 || strcmp(a, "-j") == 0) {
			char *end;
			if (++i >= argc)
				return usage_error("%s needs a number", a);
			long n = strtol(argv[i], &end, 10);
			if (*end || n < 1 || n > 1024)
				return usage_error("--jobs must be 1..1024, got '%s'", argv[i]);
			jobs = (int)n;
		} else if (a[0] == '-') {
			return usage_error("unknown option '%s'", a);
		} else if (!cmd) {
			cmd = a;
		} else {
			return usage_error("unexpected argument '%s'", a);
		}
	}
	if (!cmd) {
		fputs(usage, stderr);
		return EXIT_USAGE;
	}
	int check = strcmp(cmd, "check") == 0;
	if (!check && strcmp(cmd, "build") != 0)
		return usage_error("unknown command '%s' (try build or check)", cmd);
	if (check && out)
		return usage_error("check writes nothing; --out does not apply%s", "");

	char *exe = exe_dir();
	if (dir && chdir(dir) < 0) {
		fprintf(stderr, "planpress: cannot enter %s: %s\n", dir, strerror(errno));
		free(exe);
		return EXIT_USAGE;
	}
	struct build_opts o = {
		.site_dir = ".",
		.out_dir = out,
		.exe_dir = exe,
		.drafts = drafts,
		.jobs = jobs,
		.check_only = check,
	};
	struct build_stats st;
	struct diags d;
	diags_init(&d);
	double t0 = now_ms();
	int rc = build_site(&o, &st, &d);
	double ms = now_ms() - t0;
	diags_sort(&d);
	diags_print(&d, stderr);
	if (rc == 0 && !quiet) {
		if (check)
			printf("planpress: checked %zu pages and %zu files: no errors\n", st.pages, st.files);
		else
			printf("planpress: built %zu pages and %zu files into %s in %.0f ms "
			       "(%zu written, %zu unchanged, %zu removed)\n",
			       st.pages, st.files, out ? out : "public", ms, st.written, st.unchanged, st.removed);
	} else if (rc != 0) {
		fprintf(stderr, "planpress: %zu error%s; nothing was written\n", d.nerrors,
		        d.nerrors == 1 ? "" : "s");
	}
	diags_free(&d);
	free(exe);
	return rc;
}
