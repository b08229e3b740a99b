/* digest.c: the cache-key digest: two 64-bit lanes, each block of 16 bytes
 * multiplied, rotated and fed across to the other lane; the length and a
 * final avalanche of both lanes close it. */
#include "digest.h"

#include <string.h>

#define K1 0x87c37b91114253d5ULL
#define K2 0x4cf5ad432745937fULL

static uint64_t rotl(uint64_t x, int r)
{
	return (x << r) | (x >> (64 - r));
}

/* The host's byte order: a digest is a key of caches on this machine, not
 * a format exchanged between machines. */
static uint64_t load64(const unsigned char *p)
{
	uint64_t v;
	memcpy(&v, p, sizeof v);
	return v;
}

/* Every input bit reaches every output bit. */
static uint64_t avalanche(uint64_t x)
{
	x ^= x >> 33;
	x *= 0xff51afd7ed558ccdULL;
	x ^= x >> 33;
	x *= 0xc4ceb9fe1a85ec53ULL;
	x ^= x >> 33;
	return x;
}

static void block(uint64_t *a, uint64_t *b, const unsigned char *p)
{
	uint64_t x = load64(p) * K1, y = load64(p + 8) * K2;
	*a ^= rotl(x, 31) * K2;
	*a = rotl(*a, 27) + *b;
	*a = *a * 5 + 0x52dce729;
	*b ^= rotl(y, 33) * K1;
	*b = rotl(*b, 31) + *a;
	*b = *b * 5 + 0x38495ab5;
}

void digest_init(struct digest *h)
{
	memset(h, 0, sizeof *h);
	h->a = 0x9e3779b97f4a7c15ULL;
	h->b = 0xd1b54a32d192ed03ULL;
}

void digest_feed(struct digest *h, const void *data, size_t n)
{
	const unsigned char *p = data;
	h->len += n;
	if (h->fill) {
		size_t k = 16 - h->fill < n ? 16 - h->fill : n;
		memcpy(h->blk + h->fill, p, k);
		h->fill += k;
		p += k;
		n -= k;
		if (h->fill < 16)
			return;
		block(&h->a, &h->b, h->blk);
		h->fill = 0;
	}
	for (; n >= 16; p += 16, n -= 16)
		block(&h->a, &h->b, p);
	memcpy(h->blk, p, n);
	h->fill = n;
}


void digest_final(const struct digest *h, unsigned char out[DIGEST_LEN])
{
	uint64_t a = h->a, b = h->b;
	unsigned char last[16] = { 0 };
	memcpy(last, h->blk, h->fill);
	last[15] = (unsigned char)(0x80 | h->fill);   /* a short tail never reads as a full block */
	block(&a, &b, last);
	a ^= h->len;
	b ^= h->len;
	a += b;
	b += a;
	a = avalanche(a);
	b = avalanche(b);
	a += b;
	b += a;
	for (int i = 0; i < 8; i++) {
		out[i] = (unsigned char)(a >> (8 * i));
		out[8 + i] = (unsigned char)(b >> (8 * i));
	}
}
