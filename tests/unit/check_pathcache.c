/* check_pathcache.c: the path cache's file: a record comes back by path
 * and key; save keeps the records found and kept and the new ones, from
 * every thread, and nothing else; another header, another global digest,
 * a damaged or an oversized file is an empty cache. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

#include "buf.h"
#include "output.h"
#include "pathcache.h"

#define FILE_REL "cache"
#define HEADER "check-pathcache 1\n"

static char root[256];
static const unsigned char g1[DIGEST_LEN] = { 1 }, g2[DIGEST_LEN] = { 2 };

/* The body of path's record for text src in c, or "" when none. */
static const char *body_of(struct pathcache *c, const char *path, const char *src, struct buf *b)
{
	unsigned char key[DIGEST_LEN];
	pathcache_key(path, src, strlen(src), key);
	struct pathcache_hit hit;
	buf_reset(b);
	buf_puts(b, "");
	if (pathcache_find(c, path, key, &hit)) {
		buf_put(b, hit.body, hit.len);
		pathcache_keep(c, &hit);
	}
	return buf_cstr(b);
}

static void put(struct pathcache *c, int worker, const char *path, const char *src, const char *body)
{
	unsigned char key[DIGEST_LEN];
	pathcache_key(path, src, strlen(src), key);
	pathcache_put(c, worker, path, key, body, strlen(body));
}

int main(void)
{
	snprintf(root, sizeof root, "%s/check_pathcache.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;
	char fpath[512];
	snprintf(fpath, sizeof fpath, "%s/%s", root, FILE_REL);
	struct buf b = BUF_INIT;

	/* Empty, then two records from two threads, one of them empty. */
	struct pathcache *c = pathcache_open(root, FILE_REL, HEADER, g1, 1 << 20, 2);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "");
	put(c, 0, "a.md", "甲", "体甲");
	put(c, 1, "b.md", "乙", "");
	put(c, 1, "c.md", "丙", "体丙");
	pathcache_save(c);
	pathcache_free(c);

	/* Found by path and text; not for other text or another path. */
	c = pathcache_open(root, FILE_REL, HEADER, g1, 1 << 20, 1);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "体甲");
	CHECK_STR(body_of(c, "a.md", "甲乙", &b), "");
	CHECK_STR(body_of(c, "d.md", "甲", &b), "");
	unsigned char key[DIGEST_LEN];
	struct pathcache_hit hit;
	pathcache_key("b.md", "乙", strlen("乙"), key);
	CHECK(pathcache_find(c, "b.md", key, &hit) && hit.len == 0);
	pathcache_keep(c, &hit);
	/* c.md not kept: gone after save. */
	pathcache_save(c);
	pathcache_free(c);
	c = pathcache_open(root, FILE_REL, HEADER, g1, 1 << 20, 1);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "体甲");
	CHECK_STR(body_of(c, "c.md", "丙", &b), "");
	CHECK(pathcache_find(c, "b.md", key, &hit));
	pathcache_free(c);

	/* Another global digest, another header, a smaller limit: empty. */
	c = pathcache_open(root, FILE_REL, HEADER, g2, 1 << 20, 1);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "");
	pathcache_free(c);
	c = pathcache_open(root, FILE_REL, "check-pathcache 2\n", g1, 1 << 20, 1);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "");
	pathcache_free(c);
	c = pathcache_open(root, FILE_REL, HEADER, g1, 8, 1);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "");
	pathcache_free(c);

	/* Cut anywhere: empty, never a crash; a byte too many: empty too. */
	struct buf whole = BUF_INIT;
	CHECK(buf_read_file(&whole, fpath) == 0);
	int all_empty = 1;
	for (size_t cut = 0; cut < whole.len; cut++) {
		CHECK(output_write_atomic(fpath, whole.data, cut) == 0);
		c = pathcache_open(root, FILE_REL, HEADER, g1, 1 << 20, 1);
		all_empty &= *body_of(c, "a.md", "甲", &b) == '\0';
		pathcache_free(c);
	}
	CHECK(all_empty);
	buf_putc(&whole, 'x');
	CHECK(output_write_atomic(fpath, whole.data, whole.len) == 0);
	c = pathcache_open(root, FILE_REL, HEADER, g1, 1 << 20, 1);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "");
	/* Nothing kept, nothing new: save writes an empty cache. */
	pathcache_save(c);
	pathcache_free(c);
	c = pathcache_open(root, FILE_REL, HEADER, g1, 1 << 20, 1);
	CHECK_STR(body_of(c, "a.md", "甲", &b), "");
	pathcache_free(c);
	pathcache_free(NULL);

	/* More than a thread's buffer (its records go to a temp file) from two
	 * threads, and kept records between ones not kept: every record back,
	 * in one save, and the kept ones again in the next. */
	struct buf big = BUF_INIT, name = BUF_INIT, src = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_puts(&big, "正文");   /* 18,000 bytes a body: 200 pages pass the buffer */
	c = pathcache_open(root, FILE_REL, HEADER, g1, 64u << 20, 2);
	for (int i = 0; i < 400; i++) {
		buf_reset(&name);
		buf_printf(&name, "p%03d.md", i);
		buf_reset(&src);
		buf_printf(&src, "源%d", i);
		put(c, i % 2, buf_cstr(&name), buf_cstr(&src), i == 7 ? "七" : buf_cstr(&big));
	}
	pathcache_save(c);
	pathcache_free(c);
	c = pathcache_open(root, FILE_REL, HEADER, g1, 64u << 20, 2);
	int all_back = 1;
	for (int i = 0; i < 400; i++) {
		buf_reset(&name);
		buf_printf(&name, "p%03d.md", i);
		buf_reset(&src);
		buf_printf(&src, "源%d", i);
		if (i % 3 == 0)
			all_back &= strcmp(body_of(c, buf_cstr(&name), buf_cstr(&src), &b), i == 7 ? "七" : buf_cstr(&big)) == 0;
	}
	CHECK(all_back);
	CHECK_STR(body_of(c, "p007.md", "源7", &b), "七");
	put(c, 1, "new.md", "新", "新体");
	pathcache_save(c);
	pathcache_free(c);
	c = pathcache_open(root, FILE_REL, HEADER, g1, 64u << 20, 1);
	int kept_back = 1, rest_gone = 1;
	for (int i = 0; i < 400; i++) {
		buf_reset(&name);
		buf_printf(&name, "p%03d.md", i);
		buf_reset(&src);
		buf_printf(&src, "源%d", i);
		const char *got = body_of(c, buf_cstr(&name), buf_cstr(&src), &b);
		if (i % 3 == 0 || i == 7)
			kept_back &= strcmp(got, i == 7 ? "七" : buf_cstr(&big)) == 0;
		else
			rest_gone &= *got == '\0';
	}
	CHECK(kept_back);
	CHECK(rest_gone);
	CHECK_STR(body_of(c, "new.md", "新", &b), "新体");
	pathcache_free(c);
	buf_free(&big);
	buf_free(&name);
	buf_free(&src);

	buf_free(&whole);
	buf_free(&b);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_pathcache");
}
