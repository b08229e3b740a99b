/* binrec.h: the private binary records of the build caches (parse, Markdown
 * and render caches): variable-length integers, length-prefixed bytes, and a
 * reader that fails, and stays failed, at the end of its bytes, so that a
 * damaged file can only make a cache miss. */
#ifndef PP_BINREC_H
#define PP_BINREC_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

void binrec_put_var(struct buf *b, uint64_t v);
/* n, then the n bytes of s. */
void binrec_put_str(struct buf *b, const void *s, size_t n);

struct binrec_rd {
	const unsigned char *p, *end;
	int bad;                 /* set by the first read past the end or malformed number */
};

static inline struct binrec_rd binrec_rd(const void *p, size_t n)
{
	struct binrec_rd r = { p, (const unsigned char *)p + n, 0 };
	return r;
}

/* Replaces the cache file at path with data: its folders made, written
 * atomically (output.h); on failure no file is left at path, so a cache is
 * never half old, half new. Returns 0 or -1. */
int binrec_write(const char *path, const struct buf *data);
/* The same in pieces, for a file of tens of MiB never held whole: its
 * folders made, then an output_atomic (output.h) to put the bytes into and
 * close (renamed into place) or abort. NULL when it cannot be made. */
struct output_atomic *binrec_open(const char *path);
/* Ends binrec_open's file: renamed into place when ok, else given up; as
 * binrec_write, a failure leaves no file at path. Accepts w NULL (a file
 * that could not be made: the old one goes too). Returns 0 or -1. */
int binrec_close(struct output_atomic *w, const char *path, int ok);

/* Removes the cache files in dir (but keep) whose output folder is gone
 * (serve's private folders, a --out folder deleted since): each file is
 * header, skip bytes, then its folder's name (binrec_put_str). */
void binrec_forget_gone(const char *dir, const char *keep, const char *header, size_t skip);

/* The caches' index of records by name (an output path, a page's path):
 * open addressing over index + 1, sized when made. */
struct binrec_index {
	size_t *slot;            /* index + 1 of a record; 0: empty */
	size_t nslot;            /* a power of two, at least twice the names */
};

/* An index with room for n names; the caller frees it with binrec_index_free. */
void binrec_index_init(struct binrec_index *x, size_t n);
/* Adds record i under name (len bytes): at most n additions in all. */
void binrec_index_add(struct binrec_index *x, const char *name, size_t len, size_t i);
/* The record under name, as i + 1, or 0: same(ud, i, name, len) says whether
 * record i is the one (names that hash alike are told apart by it). */
size_t binrec_index_find(const struct binrec_index *x, const char *name, size_t len,
                         int (*same)(const void *ud, size_t i, const char *name, size_t len), const void *ud);
/* Accepts a zeroed index. */
void binrec_index_free(struct binrec_index *x);

/* Each returns 0 / NULL once r is bad. */
uint64_t binrec_var(struct binrec_rd *r);
/* The next n bytes, borrowed from the reader's buffer. */
const void *binrec_bytes(struct binrec_rd *r, uint64_t n);
/* A length-prefixed string, borrowed; *len its length. */
const char *binrec_str(struct binrec_rd *r, size_t *len);

#endif
