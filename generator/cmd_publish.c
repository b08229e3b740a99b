/* cmd_publish.c: the publish, log and diff commands. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "build.h"
#include "cli.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "history.h"
#include "json.h"
#include "publish.h"
#include "push.h"
#include "revdiff.h"
#include "worktree.h"

/* How long the race test hook waits for its go-ahead before giving up. */
#define TEST_PAUSE_SECONDS 60

static int finish(struct diags *d, int rc)
{
	diags_sort(d);
	diags_print(d, stderr);
	diags_free(d);
	return rc;
}

/* Reads site.toml into c (owned by a). Returns 0 or an exit status. */
static int load_config(struct arena *a, struct config *c, struct diags *d)
{
	struct stat st;
	if (stat("site.toml", &st) < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
		         "no site.toml here or in any folder above (run planpress in a site folder, or use -C DIR)");
		return CLI_USAGE;
	}
	int rc = cli_read_site(a, c, d);
	if (rc)
		return rc;
	if (!c->publish.repo || !*c->publish.repo) {
		diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
		         "no publish repository: set repo in [publish] (e.g. repo = \"../site.git\")");
		return CLI_USAGE;
	}
	return 0;
}

/* For the tests of two publishers racing: PLANPRESS_TEST_PAUSE=F makes
 * publish create F.ready after its build, then wait until F exists. */
static void test_pause(void)
{
	const char *f = getenv("PLANPRESS_TEST_PAUSE");
	if (!f || !*f)
		return;
	char ready[4096];
	snprintf(ready, sizeof ready, "%s.ready", f);
	FILE *fp = fopen(ready, "w");
	if (fp)
		fclose(fp);
	for (int i = 0; i < TEST_PAUSE_SECONDS * 50 && access(f, F_OK) != 0; i++) {
		struct timespec ts = { 0, 20 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
}

static int push(const struct config *c, struct diags *d)
{
	int uptodate = 0;
	int rc = push_branch(c->publish.repo, c->publish.branch, c->publish.remote, &uptodate, d);
	if (rc == 0)
		printf(uptodate ? _("planpress: %s is up to date\n") : _("planpress: pushed to %s\n"), c->publish.remote);
	else
		fprintf(stderr, _("planpress: the publication is committed in %s but was not pushed to %s; "
		                  "once that is solved, push it with: planpress publish --push-only\n"),
		        c->publish.repo, c->publish.remote);
	return rc == 0 ? CLI_OK : CLI_CONTENT;
}

int cmd_publish(const struct cli *cli, int argc, char **argv)
{
	const char *message = NULL;
	int push_only = 0, quiet = 0, timings = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "-m") == 0 || strcmp(a, "--message") == 0) {
			if (++i >= argc)
				return cli_usage_error("%s needs a message", a);
			message = argv[i];
		} else if (strcmp(a, "--push-only") == 0) {
			push_only = 1;
		} else if (strcmp(a, "--quiet") == 0 || strcmp(a, "-q") == 0) {
			quiet = 1;
		} else if (strcmp(a, "--timings") == 0) {
			timings = 1;
		} else {
			return cli_usage_error("%s: unknown option or argument '%s'", argv[0], a);
		}
	}
	if (message && (!*message || strchr(message, '\n')))
		return cli_usage_error("-m needs a message of one line");
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	struct config c;
	int rc = load_config(a, &c, &d);
	if (rc)
		goto out;
	if (push_only) {
		if (!c.publish.remote) {
			diag_add(&d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0, "--push-only needs remote in [publish]");
			rc = CLI_USAGE;
			goto out;
		}
		rc = push(&c, &d);
		goto out;
	}
	struct publish_start start;
	struct publish_stage stage = { .lock_fd = -1 };
	if ((rc = publish_begin(c.publish.repo, c.publish.branch, &start, &d)) != 0)
		goto out;
	/* Built in a folder of its own: a build into public/ between this build
	 * and the commit (build --drafts, say) cannot change what is published. */
	if ((rc = publish_stage_open(c.publish.repo, &stage, &d)) != 0)
		goto out;
	/* The build compares data/tasks.json with the last publication's for
	 * the changes page; the commit message reuses that comparison. */
	struct revdiff_memo memo = { .a = a };
	struct history_pending_opts hp = { &memo, stage.dir };
	struct build_opts bo = { .site_dir = ".", .out_dir = stage.dir, .exe_dir = cli->exe_dir,
	                         .publishing = 1, .pending_message = message,
	                         .history = history_read_lang, .pending = history_pending, .pending_ud = &hp };
	struct build_stats bs;
	rc = build_site(&bo, &bs, &d);
	if (rc) {
		publish_stage_close(&stage);
		diags_sort(&d);
		diags_print(&d, stderr);
		fprintf(stderr, CLI_PLURAL(d.nerrors, "planpress: %zu error; nothing was built or published\n",
		                           "planpress: %zu errors; nothing was built or published\n"), d.nerrors);
		diags_free(&d);
		arena_free(a);
		return rc;
	}
	if (timings)
		cli_print_timings(&bs);
	test_pause();
	char as_of[16];
	if (c.has_as_of)
		snprintf(as_of, sizeof as_of, "%04d-%02d-%02d", c.as_of.year, c.as_of.month, c.as_of.day);
	struct publish_opts po = {
		.repo = c.publish.repo,
		.branch = c.publish.branch,
		.out_dir = stage.dir,
		.message = message,
		.author_name = c.publish.author_name,
		.author_email = c.publish.author_email,
		.tag = c.publish.tag,
		.as_of = c.has_as_of ? as_of : NULL,
		.revision = bs.revision,
		.lang = lang_from_code(c.language),
		.no_stat_cache = stage.temporary,
		.own_folder = 1,
		.memo = &memo,
	};
	struct publish_result res;
	double t = build_now_ms();
	rc = publish_commit(a, &po, &start, &res, &d);
	if (timings) {
		cli_print_step("commit", build_now_ms() - t);
		fprintf(stderr, _("planpress:   %zu %s read and hashed, %zu known from the last publication by their status\n"),
		        res.hashed, CLI_PLURAL(res.hashed, "file", "files"), res.reused);
	}
	/* public/ shows what this publish built, as a build would leave it. */
	t = build_now_ms();
	if (publish_stage_export(&stage, "public", &d) < 0 && !rc)
		rc = CLI_USAGE;   /* an environment error */
	publish_stage_close(&stage);
	if (timings)
		cli_print_step("export", build_now_ms() - t);
	if (rc)
		goto out;
	if (res.nothing) {
		if (!quiet)
			printf(_("planpress: nothing to publish: the site is the same as %.7s\n"), res.parent);
	} else if (!quiet) {
		const char *nl = strchr(res.message, '\n');
		printf(_("planpress: published %.7s on %s of %s: %.*s\n"), res.commit, c.publish.branch, c.publish.repo,
		       (int)(nl ? nl - res.message : (long)strlen(res.message)), res.message);
		if (res.tag)
			printf(_("planpress: tagged %s\n"), res.tag);
	}
	if (c.publish.worktree) {
		struct diags wd;
		diags_init(&wd);
		t = build_now_ms();
		int w = worktree_update(c.publish.repo, c.publish.branch, c.publish.worktree, &wd);
		if (timings)
			cli_print_step("worktree", build_now_ms() - t);
		diags_print(&wd, stderr);
		diags_free(&wd);
		if (w == 0 && !quiet)
			printf(_("planpress: updated the worktree %s\n"), c.publish.worktree);
		else if (w == 2)
			rc = CLI_CONTENT;
	}
	if (c.publish.remote) {
		t = build_now_ms();
		int p = push(&c, &d);
		if (timings)
			cli_print_step("push", build_now_ms() - t);
		if (p)
			rc = p;
	}
out:
	arena_free(a);
	return finish(&d, rc);
}

int cmd_log(const struct cli *cli, int argc, char **argv)
{
	const char *revision = NULL;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--revision") == 0 && i + 1 < argc && *argv[i + 1])
			revision = argv[++i];
		else if (strncmp(argv[i], "--revision=", 11) == 0 && argv[i][11])
			revision = argv[i] + 11;
		else if (strcmp(argv[i], "--revision") == 0)
			return cli_usage_error("--revision needs the revision a printed page shows (its 版本)");
		else
			return cli_usage_error("%s: unknown option or argument '%s'", argv[0], argv[i]);
	}
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	struct config c;
	struct value *h = NULL;
	int rc = load_config(a, &c, &d);
	if (rc)
		goto out;
	enum lang l = lang_from_code(c.language);
	if ((rc = history_read_lang(a, c.publish.repo, c.publish.branch, l, &h, &d)) != 0)
		goto out;
	if (!value_len(h))
		printf(l == LANG_EN ? "No publications yet.\n" : "尚无发布记录。\n");
	struct buf b = BUF_INIT;
	size_t shown = 0;
	for (size_t i = 0; i < value_len(h); i++) {
		const struct value *e = value_at(h, i), *s = value_get(e, "summary");
		const char *rev = value_str(value_get(e, "revision"), NULL);
		/* --revision: the publications whose pages carry that revision (a
		 * prefix of it, as a printed footer may be read in part). */
		if (revision && (!rev || strncmp(rev, revision, strlen(revision)) != 0))
			continue;
		shown++;
		buf_reset(&b);
		value_to_text(value_get(e, "date"), &b);
		printf("%s  %.16s  %s <%s>\n    %s\n", value_str(value_get(e, "short_id"), ""),
		       buf_cstr(&b), value_str(value_get(e, "author"), ""), value_str(value_get(e, "email"), ""),
		       value_str(value_get(e, "message"), ""));
		printf(l == LANG_EN ? "    Pages: %lld added, %lld changed, %lld removed\n"
		                    : "    页面：新增 %lld，修改 %lld，删除 %lld\n",
		       (long long)value_i64(value_get(s, "added"), 0), (long long)value_i64(value_get(s, "changed"), 0),
		       (long long)value_i64(value_get(s, "removed"), 0));
		if (rev)
			printf(l == LANG_EN ? "    Revision (printed on its pages): %s\n" : "    版本（印在其页面上）：%s\n", rev);
		const struct value *tc = value_get(e, "task_changes");
		for (size_t k = 0; k < value_len(tc); k++)
			printf("    %s\n", value_str(value_at(tc, k), ""));
	}
	buf_free(&b);
	if (revision && !shown) {
		diag_add(&d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publication has the revision '%s'", revision);
		rc = 1;
	}
out:
	arena_free(a);
	return finish(&d, rc);
}

int cmd_diff(const struct cli *cli, int argc, char **argv)
{
	const char *revs[2] = { NULL, NULL }, *format = "text";
	int nrevs = 0;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (strcmp(a, "--format") == 0 || strncmp(a, "--format=", 9) == 0) {
			if (a[8] == '=')
				format = a + 9;
			else if (++i >= argc)
				return cli_usage_error("--format needs text, html or json");
			else
				format = argv[i];
			if (strcmp(format, "text") && strcmp(format, "html") && strcmp(format, "json"))
				return cli_usage_error("--format must be text, html or json, got '%s'", format);
		} else if (a[0] == '-' && a[1]) {
			return cli_usage_error("%s: unknown option '%s'", argv[0], a);
		} else if (nrevs < 2) {
			revs[nrevs++] = a;
		} else {
			return cli_usage_error("%s takes at most two revisions", argv[0]);
		}
	}
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	struct config c;
	struct buf out = BUF_INIT;
	int rc = load_config(a, &c, &d);
	if (rc)
		goto out;
	enum lang l = lang_from_code(c.language);
	struct revdiff rd;
	struct revdiff_opts o = { 2, l, NULL };
	struct revdiff_pub pub[2];
	/* One revision: what changed from it to the tip. */
	const char *ra = revs[0], *rb = nrevs == 2 ? revs[1] : NULL;
	if ((rc = history_diff(a, c.publish.repo, c.publish.branch, nrevs ? ra : NULL, rb, &o, &rd, pub, &d)) != 0)
		goto out;
	if (strcmp(format, "json") == 0) {
		struct value *v = revdiff_to_value(a, &rd, l);
		struct pos np = { 0 };
		static const char *const side[] = { "from", "to" };
		for (int k = 0; k < 2; k++) {
			struct value *pv = value_table(a, np);
			const char *f[][2] = { { "id", pub[k].id }, { "message", pub[k].message },
			                       { "date", pub[k].date }, { "as_of", pub[k].as_of } };
			for (size_t q = 0; q < sizeof f / sizeof f[0]; q++)
				value_setc(a, pv, f[q][0], f[q][1] ? value_cstring(a, f[q][1], np) : value_null(a, np));
			value_setc(a, v, side[k], pub[k].id ? pv : value_null(a, np));
		}
		json_write(v, 1, &out);
		buf_putc(&out, '\n');
	} else if (strcmp(format, "html") == 0) {
		const char *base = c.base_url && *c.base_url ? c.base_url : "";
		size_t bl = strlen(base);
		revdiff_write_html(&rd, l, pub, bl && base[bl - 1] != '/' ? arena_printf(a, "%s/", base) : base, &out);
	} else {
		revdiff_write_text(&rd, l, pub, &out);
	}
	fwrite(out.data ? out.data : "", 1, out.len, stdout);
out:
	buf_free(&out);
	arena_free(a);
	return finish(&d, rc);
}
