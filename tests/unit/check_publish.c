/* check_publish.c: commits from an output folder, the stat cache, compare-and-swap; then
 * the history and diffs (history.h) of the commits it made. */
#include "check.h"

#include <fcntl.h>
#include <stdlib.h>
#include <time.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "history.h"
#include "json.h"
#include "output.h"
#include "publish.h"

static char dir[256];

static void put(const char *rel, const char *text, long mtime)
{
	char p[512];
	snprintf(p, sizeof p, "%s/out/%s", dir, rel);
	char *slash = strrchr(p, '/');
	*slash = '\0';
	mkdir(p, 0755);
	*slash = '/';
	FILE *f = fopen(p, "w");
	if (strcmp(rel, OUTPUT_MANIFEST) == 0) {
		/* Written one path a line here; the file holds NUL-ended records. */
		fputs(OUTPUT_MANIFEST_HEADER, f);
		for (const char *s = text; *s; s++)
			fputc(*s == '\n' ? '\0' : *s, f);
	} else {
		fputs(text, f);
	}
	fclose(f);
	/* Old enough for the stat cache to trust it (not "racy"). */
	struct timespec ts[2] = { { mtime, 0 }, { mtime, 0 } };
	utimensat(AT_FDCWD, p, ts, 0);
}

int main(void)
{
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	snprintf(dir, sizeof dir, "%s/pp-publish-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	setenv("SOURCE_DATE_EPOCH", "1561852800", 1);
	unsetenv("GIT_AUTHOR_NAME");
	unsetenv("GIT_AUTHOR_EMAIL");
	unsetenv("GIT_COMMITTER_NAME");
	unsetenv("GIT_COMMITTER_EMAIL");
	char repo[300], out[300];
	snprintf(repo, sizeof repo, "%s/pub.git", dir);
	snprintf(out, sizeof out, "%s/out", dir);
	mkdir(out, 0755);

	CHECK_STR(publish_tag_name(a, "bulletin-{date}-{seq}", "2019-06-30", 3), "bulletin-2019-06-30-3");
	CHECK_STR(publish_tag_name(a, "v{seq}{x}", "", 12), "v12{x}");

	/* No repository yet: an empty history, not an error. */
	struct value *h;
	CHECK_INT(history_read(a, repo, "main", &h, &d), 0);
	CHECK(h && h->kind == V_ARRAY && value_len(h) == 0);

	struct publish_start st;
	CHECK_INT(publish_begin(repo, "main", &st, &d), 0);
	CHECK_STR(st.id, "");
	CHECK_INT(publish_begin(repo, "bad..name", &st, &d), 2);
	CHECK_INT(publish_begin(repo, "main", &st, &d), 0);

	put("index.html", "<title>首页</title>\n<p>完成60%</p>\n", 1500000000);
	put("about/index.html", "<title>关于</title>\n<p>关于</p>\n", 1500000000);
	put(OUTPUT_MANIFEST, "about/index.html\nindex.html\n", 1500000000);
	struct publish_opts o = { .repo = repo, .branch = "main", .out_dir = out, .author_name = "张三",
	                          .author_email = "zs@example.org", .as_of = "2019-06-30", .lang = LANG_ZH };
	struct publish_result res;
	CHECK_INT(publish_commit(a, &o, &st, &res, &d), 0);
	CHECK(!res.nothing);
	CHECK_INT(res.hashed, 2);
	CHECK_INT(res.reused, 0);
	CHECK(strncmp(res.message, "发布截至2019年6月30日的进展\n\n页面：新增 2，修改 0，删除 0\n", 60) == 0);
	char first[41];
	memcpy(first, res.commit, 41);

	/* Unchanged: nothing to publish, and no file read again. */
	CHECK_INT(publish_begin(repo, "main", &st, &d), 0);
	CHECK_STR(st.id, first);
	CHECK_INT(publish_commit(a, &o, &st, &res, &d), 0);
	CHECK(res.nothing);
	CHECK_INT(res.hashed, 0);
	CHECK_INT(res.reused, 2);

	/* One page changed: only it is hashed. */
	put("index.html", "<title>首页</title>\n<p>完成80%</p>\n", 1500000100);
	o.message = "6月进展";
	CHECK_INT(publish_commit(a, &o, &st, &res, &d), 0);
	CHECK_INT(res.hashed, 1);
	CHECK_INT(res.reused, 1);
	CHECK_STR(res.parent, first);
	CHECK(strncmp(res.message, "6月进展\n\n页面：新增 0，修改 1，删除 0\n  修改 /（首页）\n", 70) == 0);
	char second[41];
	memcpy(second, res.commit, 41);

	/* A stale start: the branch moved; nothing changes. */
	put("about/index.html", "<title>关于</title>\n<p>关于本站</p>\n", 1500000200);
	size_t errs = d.nerrors;
	CHECK_INT(publish_commit(a, &o, &st, &res, &d), 1);
	CHECK_INT(d.nerrors, errs + 1);
	CHECK(strstr(d.v[d.n - 1].msg, "moved while this site was being built") != NULL);
	struct publish_start now;
	CHECK_INT(publish_begin(repo, "main", &now, &d), 0);
	CHECK_STR(now.id, second);

	/* No author: an environment error. */
	o.author_name = NULL;
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 2);
	setenv("GIT_AUTHOR_NAME", "李四", 1);
	setenv("GIT_AUTHOR_EMAIL", "ls@example.org", 1);
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 0);
	CHECK_INT(publish_begin(repo, "main", &now, &d), 0);

	/* A manifest naming a path outside the folder is refused. */
	put(OUTPUT_MANIFEST, "../escape\nindex.html\n", 1500000000);
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 1);
	put(OUTPUT_MANIFEST, ".git/config\n", 1500000000);
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 1);

	/* History, newest first, and diffs. */
	CHECK_INT(history_read(a, repo, "main", &h, &d), 0);
	CHECK_INT(value_len(h), 3);
	CHECK_STR(value_str(value_get(value_at(h, 1), "message"), ""), "6月进展");
	CHECK_STR(value_str(value_get(value_at(h, 1), "id"), ""), second);
	CHECK_INT(value_i64(value_path(value_at(h, 1), "summary.changed"), -1), 1);
	CHECK_INT(value_i64(value_path(value_at(h, 2), "summary.added"), -1), 2);
	CHECK_STR(value_str(value_get(value_at(h, 0), "author"), ""), "李四");
	CHECK(value_is(value_get(value_at(h, 0), "date"), V_DATETIME));
	CHECK_INT(history_read(a, repo, "nosuch", &h, &d), 0);
	CHECK_INT(value_len(h), 0);

	struct revdiff r;
	struct revdiff_opts ro = { 2, LANG_ZH, NULL };
	struct revdiff_pub pub[2];
	CHECK_INT(history_diff(a, repo, "main", first, second, &ro, &r, pub, &d), 0);
	CHECK_INT(r.changed, 1);
	CHECK_INT(r.pages[0].nhunks, 1);
	/* The publications compared: id, message and date. */
	CHECK(pub[0].id && strncmp(pub[0].id, first, 7) == 0);
	CHECK_STR(pub[1].date, "2019-06-30");
	CHECK(pub[1].message != NULL);
	CHECK_INT(history_diff(a, repo, "main", NULL, "main~2", &ro, &r, pub, &d), 0);
	CHECK_INT(r.added, 2);
	CHECK(pub[0].id == NULL);
	CHECK_INT(history_diff(a, repo, "main", "nosuch", NULL, &ro, &r, pub, &d), 1);

	/* publish records what each commit changed, worded as history_read
	 * words it from the commits themselves. */
	char cmd[600], hpath[400];
	snprintf(hpath, sizeof hpath, "%s/planpress-history-cache", repo);
	unlink(hpath);
	put(OUTPUT_MANIFEST, "about/index.html\nindex.html\n", 1500000000);
	CHECK_INT(publish_begin(repo, "main", &now, &d), 0);
	put("about/index.html", "<title>关于</title>\n<p>关于我们</p>\n", 1500000300);
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 0);
	struct value *remembered, *computed;
	CHECK_INT(history_read(a, repo, "main", &remembered, &d), 0);
	CHECK(access(hpath, F_OK) == 0);
	unlink(hpath);
	CHECK_INT(history_read(a, repo, "main", &computed, &d), 0);
	struct buf j1 = BUF_INIT, j2 = BUF_INIT;
	json_write(value_get(value_at(remembered, 0), "summary"), 0, &j1);
	json_write(value_get(value_at(computed, 0), "summary"), 0, &j2);
	CHECK_STR(buf_cstr(&j1), buf_cstr(&j2));
	CHECK_STR(buf_cstr(&j1), "{\"added\":0,\"changed\":1,\"removed\":0}");
	buf_free(&j1);
	buf_free(&j2);

	/* The stat cache keeps a file written a moment ago only from the
	 * repository's own build folder, where nothing changes a file in place. */
	put("index.html", "<title>首页</title>\n<p>完成90%</p>\n", 1500000400);
	snprintf(cmd, sizeof cmd, "%s/out/index.html", dir);
	/* Written "now" as the publish reads it, however slow the run (ASan):
	 * a second ahead, to the nanosecond. */
	struct timespec fresh[2];
	clock_gettime(CLOCK_REALTIME, &fresh[0]);
	fresh[0].tv_sec += 1;
	fresh[0].tv_nsec |= 1;
	fresh[1] = fresh[0];
	utimensat(AT_FDCWD, cmd, fresh, 0);
	CHECK_INT(publish_begin(repo, "main", &now, &d), 0);
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 0);
	CHECK_INT(res.hashed, 1);
	CHECK_INT(publish_begin(repo, "main", &now, &d), 0);
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 0);
	CHECK(res.nothing);
	CHECK_INT(res.hashed, 1);   /* racy: read again */
	o.own_folder = 1;
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 0);
	CHECK_INT(res.hashed, 1);
	CHECK_INT(publish_commit(a, &o, &now, &res, &d), 0);
	CHECK_INT(res.hashed, 0);   /* kept */
	o.own_folder = 0;

	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK_INT(system(cmd), 0);
	diags_free(&d);
	arena_free(a);
	return CHECK_DONE("check_publish");
}
