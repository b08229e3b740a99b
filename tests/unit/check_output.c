/* check_output.c: atomic writes, unchanged files kept, stale files removed, foreign files untouched;
 * output_read_at reads exactly what it is asked, or fails with EIO at the end. */
#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "output.h"

static char dir[256];
static char cmd_ls[1000];

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
		{ .rel = "a/b/index.html", .data = "<p>一</p>\n", .len = 11 },
		{ .rel = "c/index.html", .data = "c", .len = 1 },
		{ .rel = "index.html", .data = "home", .len = 4 },
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
		{ .rel = "c/index.html", .data = "c2", .len = 2 },
		{ .rel = "index.html", .data = "home", .len = 4 },
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
	struct out_file v3[] = { { .rel = "x.pdf", .copy_from = "/nonexistent/x.pdf" } };
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

	/* A spill: rendered files wait in an unnamed temp file, not in memory.
	 * One the folder holds already is marked the same and keeps nothing. */
	{
		char sub[512];
		snprintf(sub, sizeof sub, "%s/not/yet", dir);   /* not there: the spill goes above it */
		struct output_spill *sp = output_spill_new(sub, &d);
		CHECK(sp != NULL);
		output_spill_free(sp);
		sp = output_spill_new(dir, &d);
		struct out_file s1[3] = { { .rel = "p/index.html" }, { .rel = "q/index.html" }, { .rel = "x.pdf" } };
		char page[3000];
		memset(page, 'x', sizeof page);
		CHECK_INT(output_spill_put(sp, &s1[0], page, sizeof page, &d), 0);
		CHECK_INT(output_spill_put(sp, &s1[1], "<p>二</p>", 10, &d), 0);
		CHECK(s1[0].spill == sp && !s1[0].same && s1[0].data == NULL && s1[0].len == sizeof page);
		CHECK(s1[1].spill == sp && s1[1].spill_off == sizeof page);
		s1[2].copy_from = NULL;
		s1[2].data = "";
		s1[2].len = 0;
		CHECK(output_commit(dir, s1, 3, 2, &st, &d) == 0);
		CHECK_INT(st.written, 3);
		struct buf got = BUF_INIT;
		char p[600];
		snprintf(p, sizeof p, "%s/q/index.html", dir);
		CHECK(buf_read_file(&got, p) == 0 && got.len == 10 && memcmp(got.data, "<p>二</p>", 10) == 0);
		buf_reset(&got);
		snprintf(p, sizeof p, "%s/p/index.html", dir);
		CHECK(buf_read_file(&got, p) == 0 && got.len == sizeof page && memcmp(got.data, page, sizeof page) == 0);
		buf_free(&got);
		/* The same again: nothing kept, nothing written. */
		struct out_file s2 = { .rel = "q/index.html" };
		CHECK_INT(output_spill_put(sp, &s2, "<p>二</p>", 10, &d), 0);
		CHECK(s2.same && s2.spill == NULL);
		CHECK(output_commit(dir, &s2, 1, 1, &st, &d) == 0);
		CHECK_INT(st.written, 0);
		CHECK_INT(st.unchanged, 1);
		/* A file made in pieces: the same as the folder's (nothing kept),
		 * then one piece different, then a prefix of it (shorter), then longer. */
		static const char *const variants[][3] = {
			{ "<p>", "二", "</p>" },       /* what q/index.html holds */
			{ "<p>", "三", "</p>" },
			{ "<p>", "二", "" },
			{ "<p>", "二", "</p>!" },
		};
		for (int v = 0; v < 4; v++) {
			struct out_file s3 = { .rel = "q/index.html" };
			output_spill_begin(sp, &s3);
			for (int k = 0; k < 3; k++)
				CHECK_INT(output_spill_append(sp, variants[v][k], strlen(variants[v][k]), &d), 0);
			CHECK_INT(output_spill_end(sp, &d), 0);
			if (v == 0)
				CHECK(s3.same && s3.spill == NULL);
			else
				CHECK(!s3.same && s3.spill == sp && s3.len == strlen(variants[v][0]) + strlen(variants[v][1]) +
				                                     strlen(variants[v][2]));
			if (v == 3) {
				CHECK(output_commit(dir, &s3, 1, 1, &st, &d) == 0);
				CHECK_INT(st.written, 1);
				struct buf g = BUF_INIT;
				snprintf(p, sizeof p, "%s/q/index.html", dir);
				CHECK(buf_read_file(&g, p) == 0);
				CHECK_STR(buf_cstr(&g), "<p>二</p>!");
				buf_free(&g);
			}
		}
		output_spill_free(sp);
		output_spill_free(NULL);
		/* The spill left no file behind. */
		snprintf(cmd_ls, sizeof cmd_ls, "ls -A '%s' | grep -q spill", dir);
		CHECK(system(cmd_ls) != 0);
	}
	CHECK_INT(d.nerrors, 2);

	/* A folder of a file the last build wrote, removed since: made again
	 * when the file is written (folders of known files are not looked at first). */
	{
		struct out_file k1[] = { { .rel = "k/l/m.html", .data = "km", .len = 2 } };
		CHECK(output_commit(dir, k1, 1, 1, &st, &d) == 0);
		snprintf(cmd_ls, sizeof cmd_ls, "rm -r '%s/k/l'", dir);
		CHECK(system(cmd_ls) == 0);
		CHECK(output_commit(dir, k1, 1, 2, &st, &d) == 0);
		CHECK_INT(st.written, 1);
		CHECK(exists("k/l/m.html"));
		CHECK_INT(d.nerrors, 2);
	}

	/* Links (publish's export): into a new folder each file is linked
	 * straight in place, its folders made; again after one source changed
	 * (a new inode), that one is linked anew and the rest are left; a file
	 * the last export did not write, which is in the way, is replaced. */
	{
		char src[300], out[300], p[1000];
		snprintf(src, sizeof src, "%s/src", dir);
		snprintf(out, sizeof out, "%s/out", dir);
		const char *rels[] = { "a/b/index.html", "a/index.html", "z.txt" };   /* sorted, as a build's are */
		struct out_file lf[3];
		char from[3][400];
		for (int i = 0; i < 3; i++) {
			snprintf(p, sizeof p, "%s/%s", src, rels[i]);
			*strrchr(p, '/') = '\0';
			CHECK(output_mkdirs(p) == 0);
			snprintf(from[i], sizeof from[i], "%s/%s", src, rels[i]);
			CHECK(output_write_atomic(from[i], rels[i], strlen(rels[i])) == 0);
			lf[i] = (struct out_file){ .rel = rels[i], .copy_from = from[i], .link = 1 };
		}
		struct stat a, b;
		CHECK(output_commit(out, lf, 3, 2, &st, &d) == 0);
		CHECK_INT(st.written, 3);
		snprintf(p, sizeof p, "%s/a/b/index.html", out);
		CHECK(stat(p, &a) == 0 && stat(from[0], &b) == 0 && a.st_ino == b.st_ino);
		/* Nothing of the links' temp files is left. */
		snprintf(cmd_ls, sizeof cmd_ls, "ls -A '%s' '%s/a' | grep -q 'tmp-'", out, out);
		CHECK(system(cmd_ls) != 0);
		CHECK(output_write_atomic(from[2], "new", 3) == 0);
		CHECK(output_commit(out, lf, 3, 2, &st, &d) == 0);
		CHECK_INT(st.written, 1);
		CHECK_INT(st.unchanged, 2);
		snprintf(p, sizeof p, "%s/z.txt", out);
		CHECK(stat(p, &a) == 0 && stat(from[2], &b) == 0 && a.st_ino == b.st_ino);
		/* A fourth file, where something not of the last export's is. */
		snprintf(p, sizeof p, "%s/w.txt", out);
		CHECK(output_write_atomic(p, "other", 5) == 0);
		char from3[400];
		snprintf(from3, sizeof from3, "%s/w.txt", src);
		CHECK(output_write_atomic(from3, "mine", 4) == 0);
		struct out_file lf4[4] = { lf[0], lf[1], { .rel = "w.txt", .copy_from = from3, .link = 1 }, lf[2] };
		CHECK(output_commit(out, lf4, 4, 2, &st, &d) == 0);
		CHECK_INT(st.written, 1);
		CHECK(stat(p, &a) == 0 && stat(from3, &b) == 0 && a.st_ino == b.st_ino);
		CHECK_INT(d.nerrors, 2);
	}

	char cmd[600];
	/* output_read_at: exactly len bytes at an offset, EIO past the end. */
	int fd = output_tmpfile(dir);
	CHECK(fd >= 0);
	if (fd >= 0) {
		CHECK_INT(output_write_all(fd, "0123456789任务", 16), 0);
		char got[17] = { 0 };
		CHECK_INT(output_read_at(fd, got, 6, 10), 0);
		CHECK_STR(got, "任务");
		CHECK_INT(output_read_at(fd, got, 0, 16), 0);
		errno = 0;
		CHECK_INT(output_read_at(fd, got, 8, 12), -1);
		CHECK_INT(errno, EIO);
		close(fd);
	}
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	diags_free(&d);
	return CHECK_DONE("check_output");
}
