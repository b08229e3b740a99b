/* check_binrec.c: the caches' records: numbers and strings read back as
 * written, a reader that fails at the end and stays failed, the index of
 * records by name, and the atomic write of a cache file. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "binrec.h"
#include "output.h"

static const char *names[] = { "index.html", "plans/x/index.html", "", "计划/任务/01/index.html", "a", "b" };

static int same(const void *ud, size_t i, const char *name, size_t len)
{
	(void)ud;
	return strlen(names[i]) == len && memcmp(names[i], name, len) == 0;
}

int main(void)
{
	struct buf b = BUF_INIT;
	const uint64_t nums[] = { 0, 1, 127, 128, 300, 16383, 16384, UINT32_MAX, (uint64_t)1 << 63, UINT64_MAX };
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		binrec_put_var(&b, nums[i]);
	binrec_put_str(&b, "任务", strlen("任务"));
	binrec_put_str(&b, "", 0);
	struct binrec_rd r = binrec_rd(b.data, b.len);
	int all = 1;
	for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
		all &= binrec_var(&r) == nums[i];
	CHECK(all);
	size_t n;
	const char *s = binrec_str(&r, &n);
	CHECK(n == strlen("任务") && memcmp(s, "任务", n) == 0);
	s = binrec_str(&r, &n);
	CHECK_INT(n, 0);
	CHECK(!r.bad && r.p == r.end);
	/* Past the end: fails, and stays failed. */
	CHECK_INT(binrec_var(&r), 0);
	CHECK(r.bad);
	CHECK(binrec_bytes(&r, 0) == NULL);
	/* Cut anywhere inside: a read fails rather than running past the end. */
	int cut_fails = 1;
	for (size_t cut = 0; cut + 1 < b.len; cut++) {
		struct binrec_rd c = binrec_rd(b.data, cut);
		for (size_t i = 0; i < sizeof nums / sizeof *nums; i++)
			binrec_var(&c);
		binrec_str(&c, &n);
		binrec_str(&c, &n);
		cut_fails &= c.bad && c.p <= c.end;
	}
	CHECK(cut_fails);
	/* A length longer than what is left. */
	struct buf l = BUF_INIT;
	binrec_put_var(&l, 1000);
	buf_puts(&l, "short");
	struct binrec_rd lr = binrec_rd(l.data, l.len);
	binrec_str(&lr, &n);
	CHECK(lr.bad);
	/* Eleven bytes of continuation: not a number. */
	const unsigned char over[] = { 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01 };
	struct binrec_rd o = binrec_rd(over, sizeof over);
	binrec_var(&o);
	CHECK(o.bad);
	/* The index: each name found as its record, others not. */
	struct binrec_index x = { 0 };
	CHECK_INT(binrec_index_find(&x, "a", 1, same, NULL), 0);   /* a zeroed index finds nothing */
	size_t nn = sizeof names / sizeof *names;
	binrec_index_init(&x, nn);
	for (size_t i = 0; i < nn; i++)
		binrec_index_add(&x, names[i], strlen(names[i]), i);
	int found = 1;
	for (size_t i = 0; i < nn; i++)
		found &= binrec_index_find(&x, names[i], strlen(names[i]), same, NULL) == i + 1;
	CHECK(found);
	CHECK_INT(binrec_index_find(&x, "plans/y/index.html", 18, same, NULL), 0);
	binrec_index_free(&x);
	binrec_index_free(&x);
	/* binrec_write makes the folders and replaces the file whole. */
	char root[256], path[320];
	snprintf(root, sizeof root, "%s/check_binrec.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;
	snprintf(path, sizeof path, "%s/a/b/cache", root);
	CHECK_INT(binrec_write(path, &b), 0);
	struct buf back = BUF_INIT;
	CHECK(buf_read_file(&back, path) == 0 && back.len == b.len && memcmp(back.data, b.data, b.len) == 0);
	/* A path that cannot be a file (its folder is a file): -1, nothing left. */
	char bad[400];
	snprintf(bad, sizeof bad, "%s/cache/x", path);
	CHECK_INT(binrec_write(bad, &b), -1);
	CHECK(access(bad, F_OK) != 0);
	/* In pieces: the folders made, the file whole once closed; given up,
	 * the old file goes and no temp file stays. */
	char path2[400];
	snprintf(path2, sizeof path2, "%s/c/d/pieces", root);
	struct output_atomic *w = binrec_open(path2);
	CHECK(w != NULL);
	for (int i = 0; i < 1000; i++)
		output_atomic_put(w, "片段-", strlen("片段-"));
	output_atomic_put(w, b.data, b.len);
	CHECK_INT(binrec_close(w, path2, 1), 0);
	buf_reset(&back);
	CHECK(buf_read_file(&back, path2) == 0 && back.len == 1000 * strlen("片段-") + b.len &&
	      memcmp(back.data + back.len - b.len, b.data, b.len) == 0);
	w = binrec_open(path2);
	output_atomic_put(w, "x", 1);
	CHECK_INT(binrec_close(w, path2, 0), -1);
	CHECK(access(path2, F_OK) != 0);
	char dir2[400], ls[500];
	snprintf(dir2, sizeof dir2, "%s/c/d", root);
	snprintf(ls, sizeof ls, "test -z \"$(ls -A '%s')\"", dir2);
	CHECK(system(ls) == 0);
	CHECK_INT(binrec_close(binrec_open(bad), bad, 1), -1);   /* cannot be made */
	buf_free(&back);
	buf_free(&b);
	buf_free(&l);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_binrec");
}
