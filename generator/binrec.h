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

/* Each returns 0 / NULL once r is bad. */
uint64_t binrec_var(struct binrec_rd *r);
/* The next n bytes, borrowed from the reader's buffer. */
const void *binrec_bytes(struct binrec_rd *r, uint64_t n);
/* A length-prefixed string, borrowed; *len its length. */
const char *binrec_str(struct binrec_rd *r, size_t *len);

#endif
