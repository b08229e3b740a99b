/* sha1.c: SHA-1 as FIPS 180-4 section 6.1 states it, one 64-byte block at a time. */
#include "sha1.h"

#include <string.h>

#define ROL(x, n) (((x) << (n)) | ((x) >> (32 - (n))))

static uint32_t be32(const unsigned char *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 | (uint32_t)p[2] << 8 | p[3];
}

/* One round: the schedule kept as a ring of 16 words (FIPS 180-4, 6.1.3). */
#define W(t) (t < 16 ? w[t] : (w[t & 15] = ROL(w[(t + 13) & 15] ^ w[(t + 8) & 15] ^ w[(t + 2) & 15] ^ w[t & 15], 1)))
#define ROUND(t, f, k) do { \
	uint32_t tmp = ROL(a, 5) + (f) + e + (k) + W(t); \
	e = d; d = c; c = ROL(b, 30); b = a; a = tmp; \
} while (0)

static void compress(uint32_t h[5], const unsigned char *p)
{
	uint32_t w[16];
	for (int t = 0; t < 16; t++)
		w[t] = be32(p + 4 * t);
	uint32_t a = h[0], b = h[1], c = h[2], d = h[3], e = h[4];
	/* Four loops of twenty, one per function, so no round branches. */
	for (int t = 0; t < 20; t++)
		ROUND(t, d ^ (b & (c ^ d)), 0x5a827999);
	for (int t = 20; t < 40; t++)
		ROUND(t, b ^ c ^ d, 0x6ed9eba1);
	for (int t = 40; t < 60; t++)
		ROUND(t, (b & c) | (d & (b | c)), 0x8f1bbcdc);
	for (int t = 60; t < 80; t++)
		ROUND(t, b ^ c ^ d, 0xca62c1d6);
	h[0] += a;
	h[1] += b;
	h[2] += c;
	h[3] += d;
	h[4] += e;
}

void sha1_init(struct sha1 *s)
{
	static const uint32_t init[5] = { 0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476, 0xc3d2e1f0 };
	memcpy(s->h, init, sizeof init);
	s->len = 0;
}

void sha1_update(struct sha1 *s, const void *data, size_t n)
{
	const unsigned char *p = data;
	size_t have = (size_t)(s->len % 64);
	s->len += n;
	if (have) {
		size_t take = 64 - have < n ? 64 - have : n;
		memcpy(s->block + have, p, take);
		p += take;
		n -= take;
		if (have + take < 64)
			return;
		compress(s->h, s->block);
	}
	for (; n >= 64; p += 64, n -= 64)
		compress(s->h, p);
	memcpy(s->block, p, n);
}

void sha1_final(struct sha1 *s, unsigned char out[20])
{
	uint64_t bits = s->len * 8;
	unsigned char pad[72] = { 0x80 };
	size_t have = (size_t)(s->len % 64);
	size_t padlen = (have < 56 ? 56 : 120) - have;
	for (int i = 0; i < 8; i++)
		pad[padlen + i] = (unsigned char)(bits >> (56 - 8 * i));
	sha1_update(s, pad, padlen + 8);
	for (int i = 0; i < 5; i++) {
		out[4 * i] = (unsigned char)(s->h[i] >> 24);
		out[4 * i + 1] = (unsigned char)(s->h[i] >> 16);
		out[4 * i + 2] = (unsigned char)(s->h[i] >> 8);
		out[4 * i + 3] = (unsigned char)s->h[i];
	}
}
