/* check_gitpack.c: objects written as one pack read back through libgit2, whole and compressed in pieces. */
#include "check.h"

#include <stdlib.h>

#include <git2.h>

#include "buf.h"
#include "diag.h"
#include "gitpack.h"

/* Adds data as a blob, compressed whole or (pieces) in pieces joined. */
static int add_blob(struct gitpack *p, struct gitpack_zip *z, const char *data, size_t len, int pieces,
                    git_oid *id, struct diags *d)
{
	struct buf out = BUF_INIT;
	git_odb_hash(id, data, len, GIT_OBJECT_BLOB);
	if (pieces) {
		size_t n = gitpack_pieces(len);
		struct buf *parts = calloc(n, sizeof *parts);
		for (size_t k = 0; k < n; k++)
			gitpack_deflate_piece(z, data, len, k, &parts[k]);
		gitpack_join(len, parts, n, &out);
		for (size_t k = 0; k < n; k++)
			buf_free(&parts[k]);
		free(parts);
	} else {
		gitpack_deflate(z, data, len, &out);
	}
	int rc = gitpack_add(p, id, GIT_OBJECT_BLOB, len, out.data, out.len, d);
	buf_free(&out);
	return rc;
}

int main(void)
{
	struct diags d;
	diags_init(&d);
	git_libgit2_init();
	char dir[256], gitdir[300];
	snprintf(dir, sizeof dir, "%s/pp-gitpack-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	git_repository *r = NULL;
	CHECK(git_repository_init(&r, dir, 1) == 0);
	snprintf(gitdir, sizeof gitdir, "%s/", dir);

	/* A small text, an empty blob, and 3 MiB (several pieces) of varied bytes. */
	const char *small = "# 第一季度工作进展通报\n";
	size_t big_len = 3u << 20;
	char *big = malloc(big_len);
	unsigned x = 12345;
	for (size_t i = 0; i < big_len; i++) {
		x = x * 1103515245u + 12345u;
		big[i] = (char)(i % 7 == 0 ? (x >> 16) : 'a' + i % 26);
	}
	/* Noise (compressed already, like a photo or a PDF): 3 MiB in pieces
	 * and 300 KB whole, stored rather than deflated; then noise that turns
	 * into text a piece later, that piece deflated. */
	size_t noise_len = 3u << 20, mid_len = 300000;
	char *noise = malloc(noise_len);
	for (size_t i = 0; i < noise_len; i++) {
		x = x * 1103515245u + 12345u;
		noise[i] = (char)(x >> 23);
	}
	char *mixed = malloc(noise_len);
	memcpy(mixed, noise, noise_len);
	memset(mixed + (1u << 20), 'x', noise_len - (1u << 20));
	struct gitpack_zip *z = gitpack_zip_new();
	struct buf zs = BUF_INIT, zp = BUF_INIT;
	gitpack_deflate(z, noise, mid_len, &zs);
	CHECK(zs.len >= mid_len && zs.len < mid_len + mid_len / 100);   /* stored: its size, and a little */
	gitpack_deflate(z, big, mid_len, &zs);
	CHECK(zs.len < mid_len / 2);                                     /* text: deflated */
	gitpack_deflate_piece(z, noise, noise_len, 1, &zp);
	CHECK(zp.len >= (1u << 20) && zp.len < (1u << 20) + (1u << 20) / 100);
	gitpack_deflate_piece(z, mixed, noise_len, 2, &zp);
	CHECK(zp.len < (1u << 20) / 100);
	buf_free(&zs);
	buf_free(&zp);
	struct gitpack *p = gitpack_open(gitdir, &d);
	CHECK(p != NULL);
	git_oid ids[4], nids[3];
	CHECK_INT(add_blob(p, z, small, strlen(small), 0, &ids[0], &d), 0);
	CHECK_INT(add_blob(p, z, "", 0, 0, &ids[1], &d), 0);
	CHECK(gitpack_pieces(big_len) > 1);
	CHECK_INT(add_blob(p, z, big, big_len, 1, &ids[2], &d), 0);
	CHECK_INT(add_blob(p, z, small, strlen(small), 0, &ids[3], &d), 0);   /* again: skipped */
	CHECK(gitpack_has(p, &ids[0]));
	CHECK_INT(gitpack_count(p), 3);
	CHECK_INT(add_blob(p, z, noise, noise_len, 1, &nids[0], &d), 0);
	CHECK_INT(add_blob(p, z, noise, mid_len, 0, &nids[1], &d), 0);
	CHECK_INT(add_blob(p, z, mixed, noise_len, 1, &nids[2], &d), 0);
	CHECK_INT(gitpack_count(p), 6);
	/* The entry's CRC-32 made apart (on a worker), then the entry added with it. */
	const char *other = "二、主要任务\n";
	git_oid oid;
	struct buf oz = BUF_INIT;
	git_odb_hash(&oid, other, strlen(other), GIT_OBJECT_BLOB);
	gitpack_deflate(z, other, strlen(other), &oz);
	uint32_t crc = gitpack_crc(GIT_OBJECT_BLOB, strlen(other), oz.data, oz.len);
	CHECK_INT(gitpack_add_crc(p, &oid, GIT_OBJECT_BLOB, strlen(other), oz.data, oz.len, crc, &d), 0);
	CHECK_INT(gitpack_add_crc(p, &oid, GIT_OBJECT_BLOB, strlen(other), oz.data, oz.len, crc, &d), 0);
	CHECK_INT(gitpack_count(p), 7);
	buf_free(&oz);
	CHECK_INT(gitpack_finish(p, &d), 0);
	gitpack_free(p);

	git_odb *odb = NULL;
	CHECK(git_repository_odb(&odb, r) == 0);
	git_odb_refresh(odb);
	const char *want[3] = { small, "", big };
	size_t wlen[3] = { strlen(small), 0, big_len };
	for (int i = 0; i < 3; i++) {
		git_odb_object *o = NULL;
		CHECK(git_odb_read(&o, odb, &ids[i]) == 0);
		CHECK(o && git_odb_object_size(o) == wlen[i] && memcmp(git_odb_object_data(o), want[i], wlen[i]) == 0);
		git_odb_object_free(o);
	}
	const char *nwant[3] = { noise, noise, mixed };
	size_t nlen[3] = { noise_len, mid_len, noise_len };
	for (int i = 0; i < 3; i++) {
		git_odb_object *o = NULL;
		CHECK(git_odb_read(&o, odb, &nids[i]) == 0);
		CHECK(o && git_odb_object_size(o) == nlen[i] && memcmp(git_odb_object_data(o), nwant[i], nlen[i]) == 0);
		git_odb_object_free(o);
	}
	/* A pack of nothing leaves nothing behind. */
	p = gitpack_open(gitdir, &d);
	CHECK_INT(gitpack_finish(p, &d), 0);
	gitpack_free(p);
	CHECK_INT(d.nerrors, 0);

	git_odb_free(odb);
	git_repository_free(r);
	gitpack_zip_free(z);
	free(big);
	free(noise);
	free(mixed);
	char cmd[600];
	/* git itself checks every entry's CRC-32 and the checksums. */
	snprintf(cmd, sizeof cmd, "git verify-pack '%s'/objects/pack/*.idx", dir);
	CHECK(system(cmd) == 0);
	snprintf(cmd, sizeof cmd, "test $(ls '%s/objects/pack' | grep -c '\\.pack$') = 1 && rm -rf '%s'", dir, dir);
	CHECK(system(cmd) == 0);
	git_libgit2_shutdown();
	diags_free(&d);
	return CHECK_DONE("check_gitpack");
}
