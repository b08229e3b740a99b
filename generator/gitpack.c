/* gitpack.c: a pack file written front to back with a temp name, its header's object count
 * and its checksum filled in at the end, then the index sorted by object id. */
#include "gitpack.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>

#include <zlib.h>

#include "output.h"
#include "sha1.h"
#include "xalloc.h"

/* zlib's fastest level, git's own for loose objects (core.looseCompression):
 * a publish compresses every file of a site, and speed matters more there
 * than the last tenth of the repository's size (git gc repacks tighter). */
#define PACK_ZLIB_LEVEL Z_BEST_SPEED
/* Bytes gathered before a write(2) to the pack. */
#define PACK_FLUSH (1u << 20)
/* An offset from this one on needs the index's 64-bit table. */
#define IDX_LARGE_OFFSET 0x80000000u

/* The size of a piece of a big object (see gitpack_pieces): big enough that
 * the 32 KiB priming each costs nothing, small enough that two threads share
 * a 4 MiB file. */
#define PACK_PIECE (1u << 20)
/* deflate's window: what a piece is primed with. */
#define PACK_WINDOW 32768u

/* Contents that deflate to more than PACK_STORED_RATIO of their size
 * (photos, PDFs, archives: compressed already) are stored instead (level
 * 0: zlib's stored blocks), which costs a copy where compressing costs
 * some 15 ns a byte for nothing: whether they do is tried on their first
 * PACK_SAMPLE bytes. Smaller contents are compressed without trying. */
#define PACK_SAMPLE (64u << 10)
#define PACK_STORED_RATIO 0.97

struct gitpack_zip {
	z_stream zs;
	z_stream raw;       /* headerless, for pieces; set up on first use */
	int has_raw;
	z_stream probe;     /* headerless, for the sample; set up on first use */
	int has_probe;
	struct buf sample;
};

static void put32(struct buf *b, uint32_t v);

struct gitpack_zip *gitpack_zip_new(void)
{
	struct gitpack_zip *z = xcalloc(1, sizeof *z);
	if (deflateInit(&z->zs, PACK_ZLIB_LEVEL) != Z_OK)
		xalloc_oom(sizeof z->zs);   /* zlib fails here only for want of memory */
	return z;
}

void gitpack_zip_free(struct gitpack_zip *z)
{
	if (!z)
		return;
	deflateEnd(&z->zs);
	if (z->has_raw)
		deflateEnd(&z->raw);
	if (z->has_probe)
		deflateEnd(&z->probe);
	buf_free(&z->sample);
	free(z);
}

/* Appends to out what zs makes of data (len bytes), ending with flush
 * (Z_FINISH, or Z_SYNC_FLUSH: a piece's end, on a byte boundary). */
static void deflate_into(z_stream *zs, const void *data, size_t len, int flush, struct buf *out)
{
	zs->next_in = (Bytef *)(uintptr_t)data;
	int r;
	for (;;) {
		/* uInt-sized steps: a file over 4 GiB goes through in pieces. */
		size_t in = len - (size_t)((const char *)zs->next_in - (const char *)data);
		int last = in <= UINT_MAX;
		zs->avail_in = last ? (uInt)in : UINT_MAX;
		size_t room = deflateBound(zs, zs->avail_in) + 64;
		buf_grow(out, room);
		zs->next_out = (Bytef *)out->data + out->len;
		zs->avail_out = (uInt)room;
		r = deflate(zs, last ? flush : Z_NO_FLUSH);
		out->len += room - zs->avail_out;
		if (r == Z_STREAM_END || (last && r == Z_OK && flush == Z_SYNC_FLUSH && zs->avail_out))
			return;
		if (r != Z_OK && r != Z_BUF_ERROR)
			xalloc_oom(len);   /* deflate into enough room fails only for want of memory */
	}
}

/* The level to deflate data (len bytes) at: 0 when it is big enough to
 * try and its first PACK_SAMPLE bytes do not deflate (see PACK_SAMPLE). */
static int level_for(struct gitpack_zip *z, const void *data, size_t len)
{
	if (len < 2 * PACK_SAMPLE)
		return PACK_ZLIB_LEVEL;
	if (!z->has_probe) {
		if (deflateInit2(&z->probe, PACK_ZLIB_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			xalloc_oom(sizeof z->probe);
		z->has_probe = 1;
	}
	deflateReset(&z->probe);
	buf_reset(&z->sample);
	deflate_into(&z->probe, data, PACK_SAMPLE, Z_FINISH, &z->sample);
	return (double)z->sample.len > PACK_STORED_RATIO * PACK_SAMPLE ? 0 : PACK_ZLIB_LEVEL;
}

/* zs reset, to deflate at level. */
static void reset_at(z_stream *zs, int level)
{
	deflateReset(zs);
	if (deflateParams(zs, level, Z_DEFAULT_STRATEGY) != Z_OK)
		xalloc_oom(sizeof *zs);   /* before any input, deflateParams cannot fail otherwise */
}

void gitpack_deflate(struct gitpack_zip *z, const void *data, size_t len, struct buf *out)
{
	buf_reset(out);
	reset_at(&z->zs, level_for(z, data, len));
	deflate_into(&z->zs, data, len, Z_FINISH, out);
}

size_t gitpack_pieces(size_t len)
{
	return len <= PACK_PIECE ? 1 : (len + PACK_PIECE - 1) / PACK_PIECE;
}

void gitpack_deflate_piece(struct gitpack_zip *z, const void *data, size_t len, size_t k, struct buf *out)
{
	if (gitpack_pieces(len) == 1) {
		gitpack_deflate(z, data, len, out);
		return;
	}
	if (!z->has_raw) {
		if (deflateInit2(&z->raw, PACK_ZLIB_LEVEL, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY) != Z_OK)
			xalloc_oom(sizeof z->raw);
		z->has_raw = 1;
	}
	buf_reset(out);
	const unsigned char *p = data;
	size_t at = k * PACK_PIECE, n = len - at < PACK_PIECE ? len - at : PACK_PIECE;
	reset_at(&z->raw, level_for(z, p + at, n));
	if (at) {
		size_t dict = at < PACK_WINDOW ? at : PACK_WINDOW;
		deflateSetDictionary(&z->raw, p + at - dict, (uInt)dict);
	}
	deflate_into(&z->raw, p + at, n, at + n == len ? Z_FINISH : Z_SYNC_FLUSH, out);
	/* The piece's Adler-32 after its stream, for gitpack_join to combine:
	 * computed here, on the piece's thread, not over the whole at the end. */
	put32(out, (uint32_t)adler32_z(adler32(0, Z_NULL, 0), p + at, n));
}

void gitpack_join(size_t len, const struct buf *pieces, size_t n, struct buf *out)
{
	if (n == 1) {   /* gitpack_deflate's stream already */
		buf_reset(out);
		buf_put(out, pieces[0].data, pieces[0].len);
		return;
	}
	/* RFC 1950: deflate with a 32 KiB window, fastest level; the Adler-32 of the whole. */
	buf_reset(out);
	buf_put(out, "\x78\x01", 2);
	uLong ad = adler32(0, Z_NULL, 0);
	for (size_t k = 0; k < n; k++) {
		const unsigned char *t = (const unsigned char *)pieces[k].data + pieces[k].len - 4;
		uLong pk = (uLong)t[0] << 24 | (uLong)t[1] << 16 | (uLong)t[2] << 8 | t[3];
		size_t at = k * PACK_PIECE, plen = len - at < PACK_PIECE ? len - at : PACK_PIECE;
		buf_put(out, pieces[k].data, pieces[k].len - 4);
		ad = adler32_combine(ad, pk, (z_off_t)plen);
	}
	put32(out, (uint32_t)ad);
}

struct entry {
	git_oid id;
	uint64_t off;
	uint32_t crc;
};

struct gitpack {
	char dir[PATH_MAX];       /* objects/pack, without the last '/' */
	char tmp[PATH_MAX + 32], tmp_idx[PATH_MAX + 32];
	int fd;
	uint64_t off;             /* bytes written or waiting in out */
	struct buf out;
	struct entry *v;
	size_t n, cap;
	size_t *set, setcap;      /* open addressing over v: index + 1, 0 when free */
	int named;                /* gitpack_finish renamed the files */
};

static size_t slot_of(const struct gitpack *p, const git_oid *id)
{
	size_t h;
	memcpy(&h, id->id, sizeof h);
	return h & (p->setcap - 1);
}

int gitpack_has(const struct gitpack *p, const git_oid *id)
{
	if (!p->setcap)
		return 0;
	for (size_t s = slot_of(p, id); p->set[s]; s = (s + 1) & (p->setcap - 1))
		if (git_oid_equal(&p->v[p->set[s] - 1].id, id))
			return 1;
	return 0;
}

static void set_insert(struct gitpack *p, size_t k)
{
	size_t s = slot_of(p, &p->v[k].id);
	while (p->set[s])
		s = (s + 1) & (p->setcap - 1);
	p->set[s] = k + 1;
}

static void grow(struct gitpack *p)
{
	if (p->n == p->cap) {
		p->cap = p->cap ? 2 * p->cap : 1024;
		p->v = xrealloc(p->v, p->cap * sizeof *p->v);
	}
	if (2 * (p->n + 1) > p->setcap) {   /* at most half full */
		free(p->set);
		p->setcap = p->setcap ? 2 * p->setcap : 2048;
		p->set = xcalloc(p->setcap, sizeof *p->set);
		for (size_t k = 0; k < p->n; k++)
			set_insert(p, k);
	}
}

static int fail(struct diags *d, const char *path, const char *what)
{
	diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "%s: %s", what, diag_errstr(errno));
	return -1;
}

static int flush(struct gitpack *p, struct diags *d)
{
	if (p->out.len && output_write_all(p->fd, p->out.data, p->out.len) < 0)
		return fail(d, p->tmp, "cannot write the pack");
	buf_reset(&p->out);
	return 0;
}

struct gitpack *gitpack_open(const char *gitdir, struct diags *d)
{
	struct gitpack *p = xcalloc(1, sizeof *p);
	p->fd = -1;
	snprintf(p->dir, sizeof p->dir, "%sobjects/pack", gitdir);
	if (output_mkdirs(p->dir) < 0) {
		fail(d, p->dir, "cannot create the folder");
		goto bad;
	}
	/* git's own name for a pack being written (git gc removes old ones). */
	snprintf(p->tmp, sizeof p->tmp, "%s/tmp_pack_XXXXXX", p->dir);
	if ((p->fd = mkstemp(p->tmp)) < 0) {
		fail(d, p->tmp, "cannot create the pack");
		p->tmp[0] = '\0';
		goto bad;
	}
	/* The header; its object count is filled in by gitpack_finish. */
	buf_put(&p->out, "PACK\0\0\0\2\0\0\0\0", 12);
	p->off = 12;
	return p;
bad:
	gitpack_free(p);
	return NULL;
}

/* An object's entry header: its type and size (gitformat-pack(5)); its length. */
static size_t entry_header(git_object_t type, size_t size, unsigned char h[16])
{
	size_t hn = 0;
	uint64_t s = size;
	unsigned c = ((unsigned)type << 4) | (unsigned)(s & 15);
	for (s >>= 4; s; s >>= 7) {
		h[hn++] = (unsigned char)(c | 0x80);
		c = (unsigned)(s & 0x7f);
	}
	h[hn++] = (unsigned char)c;
	return hn;
}

uint32_t gitpack_crc(git_object_t type, size_t size, const void *z, size_t zlen)
{
	unsigned char h[16];
	size_t hn = entry_header(type, size, h);
	uLong crc = crc32(0, h, (uInt)hn);
	for (size_t done = 0; done < zlen;) {
		size_t step = zlen - done > UINT_MAX ? UINT_MAX : zlen - done;
		crc = crc32(crc, (const Bytef *)z + done, (uInt)step);
		done += step;
	}
	return (uint32_t)crc;
}

int gitpack_add_crc(struct gitpack *p, const git_oid *id, git_object_t type, size_t size, const void *z,
                    size_t zlen, uint32_t crc, struct diags *d)
{
	if (gitpack_has(p, id))
		return 0;
	unsigned char h[16];
	size_t hn = entry_header(type, size, h);
	grow(p);
	struct entry *e = &p->v[p->n];
	e->id = *id;
	e->off = p->off;
	e->crc = crc;
	set_insert(p, p->n++);
	buf_put(&p->out, h, hn);
	p->off += hn + zlen;
	if (zlen >= PACK_FLUSH) {
		if (flush(p, d) < 0 || output_write_all(p->fd, z, zlen) < 0)
			return fail(d, p->tmp, "cannot write the pack");
		return 0;
	}
	buf_put(&p->out, z, zlen);
	return p->out.len >= PACK_FLUSH ? flush(p, d) : 0;
}

int gitpack_add(struct gitpack *p, const git_oid *id, git_object_t type, size_t size, const void *z,
                size_t zlen, struct diags *d)
{
	if (gitpack_has(p, id))
		return 0;
	return gitpack_add_crc(p, id, type, size, z, zlen, gitpack_crc(type, size, z, zlen), d);
}

size_t gitpack_count(const struct gitpack *p)
{
	return p->n;
}

static void put32(struct buf *b, uint32_t v)
{
	unsigned char x[4] = { (unsigned char)(v >> 24), (unsigned char)(v >> 16), (unsigned char)(v >> 8),
	                       (unsigned char)v };
	buf_put(b, x, 4);
}

static int cmp_entry(const void *x, const void *y)
{
	return git_oid_cmp(&((const struct entry *)x)->id, &((const struct entry *)y)->id);
}

/* The pack's checksum: SHA-1 of everything before it, read back from the file. */
static int pack_checksum(struct gitpack *p, unsigned char sum[20], struct diags *d)
{
	struct sha1 s;
	sha1_init(&s);
	char *chunk = xmalloc(PACK_FLUSH);
	uint64_t at = 0;
	int rc = 0;
	while (at < p->off) {
		size_t want = p->off - at < PACK_FLUSH ? (size_t)(p->off - at) : PACK_FLUSH;
		if (output_read_at(p->fd, chunk, want, at) < 0) {
			rc = fail(d, p->tmp, "cannot read the pack back");
			break;
		}
		sha1_update(&s, chunk, want);
		at += want;
	}
	free(chunk);
	sha1_final(&s, sum);
	return rc;
}

/* The index: a fan-out table by first byte, the ids sorted, their CRC-32s,
 * their offsets (large ones in a table of their own), the pack's checksum,
 * and the index's own. */
static void make_index(struct gitpack *p, const unsigned char packsum[20], struct buf *b)
{
	qsort(p->v, p->n, sizeof *p->v, cmp_entry);
	buf_put(b, "\377tOc\0\0\0\2", 8);
	size_t k = 0;
	for (unsigned byte = 0; byte < 256; byte++) {
		while (k < p->n && p->v[k].id.id[0] <= byte)
			k++;
		put32(b, (uint32_t)k);
	}
	for (k = 0; k < p->n; k++)
		buf_put(b, p->v[k].id.id, GIT_OID_RAWSZ);
	for (k = 0; k < p->n; k++)
		put32(b, p->v[k].crc);
	uint32_t large = 0;
	for (k = 0; k < p->n; k++)
		put32(b, p->v[k].off < IDX_LARGE_OFFSET ? (uint32_t)p->v[k].off : IDX_LARGE_OFFSET | large++);
	for (k = 0; k < p->n; k++)
		if (p->v[k].off >= IDX_LARGE_OFFSET) {
			put32(b, (uint32_t)(p->v[k].off >> 32));
			put32(b, (uint32_t)p->v[k].off);
		}
	buf_put(b, packsum, 20);
	struct sha1 s;
	unsigned char sum[20];
	sha1_init(&s);
	sha1_update(&s, b->data, b->len);
	sha1_final(&s, sum);
	buf_put(b, sum, 20);
}

static int write_index(struct gitpack *p, const struct buf *b, struct diags *d)
{
	snprintf(p->tmp_idx, sizeof p->tmp_idx, "%s/tmp_idx_XXXXXX", p->dir);
	int fd = mkstemp(p->tmp_idx);
	if (fd < 0) {
		fail(d, p->tmp_idx, "cannot create the pack index");
		p->tmp_idx[0] = '\0';
		return -1;
	}
	int rc = 0;
	if (output_write_all(fd, b->data, b->len) < 0 || fchmod(fd, 0444) < 0 || fsync(fd) < 0)
		rc = fail(d, p->tmp_idx, "cannot write the pack index");
	close(fd);
	return rc;
}

int gitpack_finish(struct gitpack *p, struct diags *d)
{
	if (p->n == 0)
		return 0;   /* gitpack_free removes the temp file */
	unsigned char hdr[4], sum[20];
	for (int i = 0; i < 4; i++)
		hdr[i] = (unsigned char)(p->n >> (24 - 8 * i));
	if (flush(p, d) < 0)
		return -1;
	if (pwrite(p->fd, hdr, 4, 8) != 4)
		return fail(d, p->tmp, "cannot write the pack");
	if (pack_checksum(p, sum, d) < 0)
		return -1;
	if (pwrite(p->fd, sum, 20, (off_t)p->off) != 20 || fchmod(p->fd, 0444) < 0 || fsync(p->fd) < 0)
		return fail(d, p->tmp, "cannot write the pack");
	struct buf idx = BUF_INIT;
	make_index(p, sum, &idx);
	int rc = write_index(p, &idx, d);
	buf_free(&idx);
	if (rc < 0)
		return -1;
	char hex[41], name[PATH_MAX + 64];
	for (int i = 0; i < 20; i++)
		snprintf(hex + 2 * i, 3, "%02x", sum[i]);
	snprintf(name, sizeof name, "%s/pack-%s.pack", p->dir, hex);
	if (rename(p->tmp, name) < 0)
		return fail(d, name, "cannot name the pack");
	p->named = 1;
	snprintf(name, sizeof name, "%s/pack-%s.idx", p->dir, hex);
	if (rename(p->tmp_idx, name) < 0)
		return fail(d, name, "cannot name the pack index");
	int dfd = open(p->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fsync(dfd) < 0) {
		rc = fail(d, p->dir, "cannot sync the folder");
	}
	if (dfd >= 0)
		close(dfd);
	return rc;
}

void gitpack_free(struct gitpack *p)
{
	if (!p)
		return;
	if (p->fd >= 0)
		close(p->fd);
	if (!p->named && p->tmp[0])
		unlink(p->tmp);
	if (p->tmp_idx[0] && !p->named)
		unlink(p->tmp_idx);
	else if (p->tmp_idx[0] && access(p->tmp_idx, F_OK) == 0)
		unlink(p->tmp_idx);   /* named the pack but not its index: the pack alone is never read */
	buf_free(&p->out);
	free(p->v);
	free(p->set);
	free(p);
}
