/* binrec.c: LEB128 numbers (seven bits a byte, low first) and
 * length-prefixed bytes for the cache files. */
#include "binrec.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "output.h"
#include "xalloc.h"

void binrec_put_var(struct buf *b, uint64_t v)
{
	unsigned char x[10];
	size_t n = 0;
	do {
		x[n] = (unsigned char)(v & 0x7f);
		v >>= 7;
		if (v)
			x[n] |= 0x80;
		n++;
	} while (v);
	buf_put(b, x, n);
}

void binrec_put_str(struct buf *b, const void *s, size_t n)
{
	binrec_put_var(b, n);
	if (n)
		buf_put(b, s, n);
}

uint64_t binrec_var(struct binrec_rd *r)
{
	uint64_t v = 0;
	for (int shift = 0; shift < 64 && !r->bad; shift += 7) {
		if (r->p >= r->end)
			break;
		unsigned char c = *r->p++;
		v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return v;
	}
	r->bad = 1;
	return 0;
}

const void *binrec_bytes(struct binrec_rd *r, uint64_t n)
{
	if (r->bad || (uint64_t)(r->end - r->p) < n) {
		r->bad = 1;
		return NULL;
	}
	const void *s = r->p;
	r->p += n;
	return s;
}

const char *binrec_str(struct binrec_rd *r, size_t *len)
{
	uint64_t n = binrec_var(r);
	const char *s = binrec_bytes(r, n);
	*len = s ? (size_t)n : 0;
	return s ? s : "";
}

int binrec_write(const char *path, const struct buf *data)
{
	struct buf dir = BUF_INIT;
	const char *slash = strrchr(path, '/');
	int rc = -1;
	if (slash)
		buf_put(&dir, path, (size_t)(slash - path));
	if ((!slash || output_mkdirs(buf_cstr(&dir)) == 0) &&
	    output_write_atomic(path, data->data ? data->data : "", data->len) == 0)
		rc = 0;
	else
		unlink(path);
	buf_free(&dir);
	return rc;
}

struct output_atomic *binrec_open(const char *path)
{
	struct buf dir = BUF_INIT;
	const char *slash = strrchr(path, '/');
	if (slash)
		buf_put(&dir, path, (size_t)(slash - path));
	struct output_atomic *w = !slash || output_mkdirs(buf_cstr(&dir)) == 0 ? output_atomic_open(path) : NULL;
	buf_free(&dir);
	return w;
}

int binrec_close(struct output_atomic *w, const char *path, int ok)
{
	int rc = -1;
	if (w && ok)
		rc = output_atomic_close(w);
	else
		output_atomic_abort(w);
	if (rc < 0)
		unlink(path);
	return rc;
}

/* FNV-1a: names differ early and are short. */
static size_t name_hash(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= 0x100000001b3ULL;
	}
	return (size_t)h;
}

void binrec_index_init(struct binrec_index *x, size_t n)
{
	x->nslot = 16;
	while (x->nslot < n * 2)
		x->nslot *= 2;
	x->slot = xcalloc(x->nslot, sizeof *x->slot);
}

void binrec_index_add(struct binrec_index *x, const char *name, size_t len, size_t i)
{
	size_t h = name_hash(name, len) & (x->nslot - 1);
	while (x->slot[h])
		h = (h + 1) & (x->nslot - 1);
	x->slot[h] = i + 1;
}

size_t binrec_index_find(const struct binrec_index *x, const char *name, size_t len,
                         int (*same)(const void *ud, size_t i, const char *name, size_t len), const void *ud)
{
	if (!x->nslot)
		return 0;
	for (size_t h = name_hash(name, len) & (x->nslot - 1); x->slot[h]; h = (h + 1) & (x->nslot - 1))
		if (same(ud, x->slot[h] - 1, name, len))
			return x->slot[h];
	return 0;
}

void binrec_index_free(struct binrec_index *x)
{
	free(x->slot);
	x->slot = NULL;
	x->nslot = 0;
}

void binrec_forget_gone(const char *dir, const char *keep, const char *header, size_t skip)
{
	struct buf f = BUF_INIT;
	DIR *dp = opendir(dir);
	for (struct dirent *e; dp && (e = readdir(dp));) {
		if (e->d_name[0] == '.')
			continue;
		buf_reset(&f);
		buf_printf(&f, "%s/%s", dir, e->d_name);
		if (keep && strcmp(buf_cstr(&f), keep) == 0)
			continue;
		/* The header, skip bytes (a global digest), then the folder's name. */
		struct buf head = BUF_INIT;
		int fd = open(buf_cstr(&f), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
		char h[4096 + 64];
		ssize_t n = fd >= 0 ? read(fd, h, sizeof h) : -1;
		if (fd >= 0)
			close(fd);
		size_t hl = strlen(header);
		if (n > (ssize_t)(hl + skip) && memcmp(h, header, hl) == 0) {
			struct binrec_rd r = binrec_rd(h + hl + skip, (size_t)n - hl - skip);
			size_t ol;
			const char *od = binrec_str(&r, &ol);
			struct stat st;
			if (!r.bad) {
				buf_put(&head, od, ol);
				if (stat(buf_cstr(&head), &st) < 0 && errno == ENOENT)
					unlink(buf_cstr(&f));
			}
		}
		buf_free(&head);
	}
	if (dp)
		closedir(dp);
	buf_free(&f);
}
