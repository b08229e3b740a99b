/* cmd_serve.c: the serve command: build into a private folder, serve it, rebuild on every change, reload open pages. */
#define _GNU_SOURCE   /* signalfd */
#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <time.h>
#include <unistd.h>

#include "build.h"
#include "buf.h"
#include "cli.h"
#include "diag.h"
#include "history.h"
#include "i18n.h"
#include "output.h"
#include "serve.h"
#include "watch.h"
#include "xalloc.h"

#define SERVE_DEFAULT_PORT 1313   /* Hugo's, so staff who know it find it */
/* Saving a file is often several events (an editor writes, renames, sets
 * attributes): a build waits until none came for this long... */
#define SERVE_DEBOUNCE_MS 30
/* ...but no longer than this after the first, so a stream of changes
 * (a copy of many files) still shows progress. */
#define SERVE_DEBOUNCE_MAX_MS 500

/* What the site is made of, in the site's folder. */
static const char *const watched[] = { "site.toml", "content", "layouts", "static", "themes", "lua", NULL };

/* Runs one build; prints its diagnostics and a line saying what happened.
 * Returns build_site's status. */
static int rebuild(const struct build_opts *o, struct diags *d, int quiet, int first)
{
	struct build_stats st;
	diags_free(d);
	diags_init(d);
	double t0 = build_now_ms();
	int rc = build_site(o, &st, d);
	double ms = build_now_ms() - t0;
	diags_sort(d);
	diags_print(d, stderr);
	if (rc != 0)
		fprintf(stderr, i18n_plural("planpress: %zu error: pages show it until the next good build\n",
		                            "planpress: %zu errors: pages show them until the next good build\n",
		                            (unsigned long)d->nerrors),
		        d->nerrors);
	else if (!quiet)
		printf(first ? _("planpress: built %zu pages and %zu files in %.0f ms\n")
		             : _("planpress: rebuilt %zu pages and %zu files in %.0f ms\n"),
		       st.pages, st.files, ms);
	return rc;
}

int cmd_serve(const struct cli *cli, int argc, char **argv)
{
	const char *bind = "127.0.0.1", *out = NULL, *base_arg = "/";
	int port = SERVE_DEFAULT_PORT, drafts = 0, jobs = 0, quiet = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--port") == 0 || strcmp(a, "-p") == 0) {
			char *end;
			if (++i >= argc)
				return cli_usage_error("%s needs a number", a);
			long n = strtol(argv[i], &end, 10);
			if (*end || end == argv[i] || n < 0 || n > 65535)
				return cli_usage_error("--port must be 0..65535, got '%s'", argv[i]);
			port = (int)n;
		} else if (strcmp(a, "--bind") == 0) {
			if (++i >= argc)
				return cli_usage_error("%s needs an address", a);
			/* The one name everybody types; others need a resolver serve has no use for. */
			bind = strcmp(argv[i], "localhost") == 0 ? "127.0.0.1" : argv[i];
		} else if (strcmp(a, "--base-path") == 0) {
			if (++i >= argc)
				return cli_usage_error("%s needs a path", a);
			base_arg = argv[i];
		} else if (strcmp(a, "--out") == 0 || strcmp(a, "-o") == 0) {
			if (++i >= argc)
				return cli_usage_error("%s needs a folder", a);
			out = argv[i];
		} else if (strcmp(a, "--drafts") == 0 || strcmp(a, "-D") == 0) {
			drafts = 1;
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
	/* "plans" and "/plans" mean "/plans/". */
	struct buf base = BUF_INIT;
	if (base_arg[0] != '/')
		buf_putc(&base, '/');
	buf_puts(&base, base_arg);
	if (base.data[base.len - 1] != '/')
		buf_putc(&base, '/');

	/* Output goes to stdout line by line, so a script reading it sees the URL at once. */
	setvbuf(stdout, NULL, _IOLBF, 0);

	/* Signals are read from a descriptor in the loop below, blocked in every
	 * thread (the server's and the build's inherit this mask): Ctrl-C
	 * during a build lets it finish, then stops cleanly. SIGPIPE is blocked
	 * in these threads only: a browser that hangs up is no reason to die. */
	sigset_t sigs;
	sigemptyset(&sigs);
	sigaddset(&sigs, SIGINT);
	sigaddset(&sigs, SIGTERM);
	sigaddset(&sigs, SIGHUP);
	sigset_t blocked = sigs;
	sigaddset(&blocked, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &blocked, NULL);
	int sfd = signalfd(-1, &sigs, SFD_CLOEXEC);

	int rc = CLI_USAGE;
	char *tmp = NULL;
	struct server *srv = NULL;
	struct watch *w = NULL;
	struct diags d;
	diags_init(&d);
	if (sfd < 0) {
		fprintf(stderr, _("planpress: cannot catch signals: %s\n"), diag_errstr(errno));
		goto out;
	}
	if (!out) {
		const char *td = getenv("TMPDIR");
		struct buf t = BUF_INIT;
		buf_printf(&t, "%s/planpress-serve.XXXXXX", td && *td ? td : "/tmp");
		tmp = buf_detach(&t, NULL);
		if (!mkdtemp(tmp)) {
			fprintf(stderr, _("planpress: cannot make a temporary folder %s: %s\n"), tmp, diag_errstr(errno));
			free(tmp);
			tmp = NULL;
			goto out;
		}
		out = tmp;
	}
	struct build_opts o = {
		.site_dir = ".",
		.out_dir = out,
		.exe_dir = cli->exe_dir,
		.drafts = drafts,
		.jobs = jobs,
		.history = history_read_lang,
		/* Served at the base path of this server, not at the published
		 * address: the 404 page, feeds and permalinks point here. */
		.base_url = buf_cstr(&base),
	};
	/* Watching starts before the first build, so nothing saved during it is missed. */
	w = watch_open(".", watched, &d);
	if (!w) {
		diags_print(&d, stderr);
		goto out;
	}
	int brc = rebuild(&o, &d, quiet, 1);
	if (brc == CLI_USAGE)
		goto out;   /* no site.toml, an output folder that cannot be written: nothing to serve */
	struct diags sd;
	diags_init(&sd);
	struct serve_opts so = { bind, port, buf_cstr(&base), out };
	srv = serve_start(&so, &sd);
	if (!srv) {
		diags_print(&sd, stderr);
		diags_free(&sd);
		goto out;
	}
	diags_free(&sd);
	serve_update(srv, &d);
	int v6 = strchr(bind, ':') != NULL;
	printf(_("planpress: serving the site at http://%s%s%s:%d%s (Ctrl-C to stop)\n"), v6 ? "[" : "", bind,
	       v6 ? "]" : "", serve_port(srv), buf_cstr(&base));

	for (;;) {
		struct pollfd p[2] = { { sfd, POLLIN, 0 }, { watch_fd(w), POLLIN, 0 } };
		if (poll(p, 2, -1) < 0) {
			if (errno == EINTR)
				continue;
			fprintf(stderr, "planpress: %s\n", diag_errstr(errno));
			break;
		}
		if (p[0].revents)
			break;
		struct diags wd;
		diags_init(&wd);
		int changed = watch_read(w, &wd) != 0;
		/* Let the rest of a save arrive. */
		double first = build_now_ms();
		while (changed && build_now_ms() - first < SERVE_DEBOUNCE_MAX_MS) {
			struct pollfd q[2] = { { sfd, POLLIN, 0 }, { watch_fd(w), POLLIN, 0 } };
			if (poll(q, 2, SERVE_DEBOUNCE_MS) <= 0 || q[0].revents)
				break;
			watch_read(w, &wd);
		}
		diags_sort(&wd);
		diags_print(&wd, stderr);
		diags_free(&wd);
		if (!changed)
			continue;
		rebuild(&o, &d, quiet, 0);
		serve_update(srv, &d);
	}
	rc = CLI_OK;
	if (!quiet)
		printf("%s", _("planpress: stopped\n"));
out:
	serve_stop(srv);
	watch_free(w);
	if (tmp) {
		output_remove_tree(tmp);
		free(tmp);
	}
	diags_free(&d);
	buf_free(&base);
	if (sfd >= 0)
		close(sfd);
	return rc;
}
