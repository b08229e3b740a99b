/* check_output.c: atomic writes, unchanged files kept, stale files removed, foreign files untouched. */
#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "output.h"

static char dir[256];

static int exists(const char *rel)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return access(p, F_OK) == 0;
}

static ino_t inode(const char *rel)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", dir, rel);
	return stat(p, &st) == 0 ? st.st_ino : 0;
}

int main(void)
{
	struct diags d;
	struct output_stats st;
	diags_init(&d);
	snprintf(dir, sizeof dir, "%s/pp-output-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	struct out_file v1[] = {
		{ "a/b/index.html", "<p>一</p>\n", 11, NULL, NULL },
		{ "c/index.html", "c", 1, NULL, NULL },
		{ "index.html", "home", 4, NULL, NULL },
	};
	CHECK(output_commit(dir, v1, 3, 2, &st, &d) == 0);
	CHECK_INT(st.written, 3);
	CHECK(exists("a/b/index.html") && exists(OUTPUT_MANIFEST));
	ino_t home = inode("index.html");

	/* A file of the user's is never touched. */
	char foreign[512];
	snprintf(foreign, sizeof foreign, "%s/robots.txt", dir);
	FILE *f = fopen(foreign, "w");
	fputs("keep", f);
	fclose(f);

	struct out_file v2[] = {
		{ "c/index.html", "c2", 2, NULL, NULL },
		{ "index.html", "home", 4, NULL, NULL },
	};
	CHECK(output_commit(dir, v2, 2, 1, &st, &d) == 0);
	CHECK_INT(st.written, 1);
	CHECK_INT(st.unchanged, 1);
	CHECK_INT(st.removed, 1);
	CHECK(!exists("a/b/index.html"));
	CHECK(!exists("a"));
	CHECK(exists("robots.txt"));
	CHECK(inode("index.html") == home);
	CHECK_INT(d.nerrors, 0);

	/* Copying a file that is not there is an error; the two files the last
	 * build wrote are gone by then, so it also says the site is partly replaced. */
	struct out_file v3[] = { { "x.pdf", NULL, 0, "/nonexistent/x.pdf", NULL } };
	CHECK(output_commit(dir, v3, 1, 1, &st, &d) < 0);
	CHECK_INT(d.nerrors, 2);
	CHECK(st.partial);
	CHECK(!exists("x.pdf"));

	/* The manifest: a version line, then NUL-ended records; any other is refused. */
	struct output_manifest m;
	CHECK_INT(output_manifest_read(dir, &m), 0);
	CHECK_INT(m.n, 1);
	CHECK_STR(m.rel[0], "x.pdf");
	output_manifest_free(&m);
	char mp[600];
	snprintf(mp, sizeof mp, "%s/%s", dir, OUTPUT_MANIFEST);
	f = fopen(mp, "w");
	fputs("index.html\n", f);
	fclose(f);
	CHECK(output_manifest_read(dir, &m) < 0 && errno == EINVAL);
	f = fopen(mp, "w");
	fwrite(OUTPUT_MANIFEST_HEADER "a\0../b\0", 1, sizeof OUTPUT_MANIFEST_HEADER - 1 + 7, f);
	fclose(f);
	CHECK(output_manifest_read(dir, &m) < 0 && errno == EINVAL);
	output_manifest_free(NULL);

	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	diags_free(&d);
	return CHECK_DONE("check_output");
}
