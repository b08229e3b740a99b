/* check_walk.c: the walk rules: name checks, escaping, loops, the entry limit, the skipped note. */
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "walk.h"

static char root[256];

static void touch(const char *rel)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f)
		fclose(f);
}

static const char *esc(const char *s, struct buf *b)
{
	buf_reset(b);
	walk_escape(s, strlen(s), b);
	return buf_cstr(b);
}

static const char *problem(const char *s)
{
	static char tmp[96];
	const char *p = walk_name_problem(s, strlen(s), tmp, sizeof tmp);
	return p ? p : "ok";
}

int main(void)
{
	struct buf b = BUF_INIT;
	CHECK_STR(esc("计划.md", &b), "计划.md");
	CHECK_STR(esc("a\nb", &b), "a\\x0Ab");
	CHECK_STR(esc("a\\b", &b), "a\\x5Cb");
	CHECK_STR(esc("\xff\xe8\xae", &b), "\\xFF\\xE8\\xAE");   /* a cut sequence is escaped byte by byte */
	CHECK_STR(esc("x\x7f", &b), "x\\x7F");
	buf_free(&b);

	CHECK_STR(problem("计划-2026.md"), "ok");
	CHECK_STR(problem("a b.md"), "ok");
	CHECK_STR(problem("a\tb"), "holds a control character (U+0009)");
	CHECK_STR(problem("a\x7f"), "holds a control character (U+007F)");
	CHECK_STR(problem("a?b"), "holds '?', which a URL cannot hold as it is");
	CHECK_STR(problem("\xc0\x80"), "is not UTF-8 (invalid byte 0xC0)");   /* overlong NUL */
	CHECK_STR(problem("\xed\xa0\x80"), "is not UTF-8 (invalid byte 0xED)"); /* surrogate */

	CHECK(walk_skipped_name(".git"));
	CHECK(walk_skipped_name("#a.md#"));
	CHECK(walk_skipped_name("a.md.swp"));
	CHECK(walk_skipped_name("a.md~"));
	CHECK(!walk_skipped_name("a.md"));

	snprintf(root, sizeof root, "%s/pp-walk-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(root) != NULL);
	char sub[300];
	snprintf(sub, sizeof sub, "%s/sub", root);
	CHECK(mkdir(sub, 0755) == 0);
	touch("a");
	touch("b");
	touch("c");
	touch(".hidden");
	touch("d~");
	char link[320];
	snprintf(link, sizeof link, "%s/sub/up", root);
	CHECK(symlink("..", link) == 0);

	/* Names sorted, skipped ones remembered; the note comes at walk_close. */
	struct diags d;
	diags_init(&d);
	struct walk_root r;
	CHECK(walk_open(&r, root, "the site", "top", &d) == 0);
	CHECK(walk_enter(&r, root, "top") == 0);
	char **names;
	size_t n;
	CHECK(walk_names(&r, root, "top", &names, &n) == 0);
	CHECK_INT(n, 4);
	CHECK_STR(names[0], "a");
	CHECK_STR(names[3], "sub");
	walk_names_free(names, n);
	/* top/sub/up is top again: a loop, named. */
	CHECK(walk_enter(&r, sub, "top/sub") == 0);
	CHECK(walk_enter(&r, link, "top/sub/up") == -1);
	CHECK_INT(d.nerrors, 1);
	CHECK_STR(d.v[0].path, "top/sub/up");
	CHECK_STR(d.v[0].msg, "symbolic link loop: this folder is top, which contains it");
	walk_leave(&r);
	walk_leave(&r);
	/* Off the chain, the same folder again is "reached twice". */
	CHECK(walk_enter(&r, sub, "top/again") == -1);
	CHECK_STR(d.v[1].msg, "the same folder is reached twice (it is also top/sub), which would publish "
	                      "it twice; link to files, not folders");
	walk_close(&r);
	CHECK_INT(d.n, 3);
	CHECK(d.v[2].level == DIAG_NOTE);
	CHECK_STR(d.v[2].path, "top");
	CHECK_STR(d.v[2].msg, "skipped 2 hidden or backup files (not published): top/.hidden, top/d~");
	diags_free(&d);

	/* Many folders (the visited set grows while folders are on the chain):
	 * a link back to an ancestor is still found and named. */
	diags_init(&d);
	CHECK(walk_open(&r, root, "the site", "top", &d) == 0);
	CHECK(walk_enter(&r, root, "top") == 0);
	CHECK(walk_enter(&r, sub, "top/sub") == 0);
	for (int i = 0; i < 200; i++) {
		char p[400], shown[64];
		snprintf(p, sizeof p, "%s/sub/f%d", root, i);
		snprintf(shown, sizeof shown, "top/sub/f%d", i);
		CHECK(mkdir(p, 0755) == 0);
		if (walk_enter(&r, p, shown) == 0)
			walk_leave(&r);
	}
	CHECK_INT(d.nerrors, 0);
	CHECK(r.seen_cap >= 400);
	CHECK(walk_enter(&r, link, "top/sub/up") == -1);
	CHECK_STR(d.v[0].msg, "symbolic link loop: this folder is top, which contains it");
	walk_leave(&r);
	walk_leave(&r);
	walk_close(&r);
	diags_free(&d);

	/* The entry limit (WALK_MAX_ENTRIES, lowered here) ends the walk with one error. */
	diags_init(&d);
	CHECK(walk_open(&r, root, "the site", "top", &d) == 0);
	r.max_entries = 3;
	CHECK(walk_names(&r, root, "top", &names, &n) == -1);
	CHECK(names == NULL && n == 0);
	CHECK(walk_names(&r, root, "top", &names, &n) == -1);
	CHECK_INT(d.nerrors, 1);
	CHECK_STR(d.v[0].msg, "more than 3 files and folders (is a wrong folder linked or copied in?)");
	walk_close(&r);
	diags_free(&d);

	/* A link out of the root is refused, one inside accepted. */
	diags_init(&d);
	CHECK(walk_open(&r, sub, "the theme", "sub", &d) == 0);
	struct stat st;
	CHECK(walk_stat(&r, link, "sub/up", &st) == -1);
	CHECK(d.nerrors == 1 && strncmp(d.v[0].msg, "symbolic link points outside the theme (to ", 43) == 0);
	walk_close(&r);
	CHECK(walk_open(&r, root, "the site", "top", &d) == 0);
	CHECK(walk_stat(&r, link, "sub/up", &st) == 0 && S_ISDIR(st.st_mode));
	walk_close(&r);
	diags_free(&d);

	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_walk");
}
