/* digest.h: a fast 128-bit digest over a stream of bytes, for cache keys
 * (the render cache): it tells apart inputs that differ, as a checksum does;
 * it is not meant to resist someone crafting collisions, and nothing that
 * guards trust uses it (git's object ids come from libgit2). */
#ifndef PP_DIGEST_H
#define PP_DIGEST_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#define DIGEST_LEN 16

struct digest {
	uint64_t a, b;             /* the two lanes */
	uint64_t len;              /* bytes fed so far */
	unsigned char blk[16];     /* a block being filled */
	size_t fill;
};

void digest_init(struct digest *h);
/* The general case of digest_update (a block fills). */
void digest_feed(struct digest *h, const void *data, size_t n);

/* Small feeds (tags, lengths, keys) stay in the block: inline. */
static inline void digest_update(struct digest *h, const void *data, size_t n)
{
	if (n < sizeof h->blk && n < sizeof h->blk - h->fill) {
		memcpy(h->blk + h->fill, data, n);
		h->fill += n;
		h->len += n;
		return;
	}
	digest_feed(h, data, n);
}

/* Feeds n as 8 bytes in the host's order: lengths and tags between variable parts. */
static inline void digest_u64(struct digest *h, uint64_t n)
{
	digest_update(h, &n, sizeof n);
}
/* The 16-byte digest. h is left as it was: more may be fed afterwards. */
void digest_final(const struct digest *h, unsigned char out[DIGEST_LEN]);

#endif
