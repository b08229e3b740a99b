/* sha1.c: SHA-1 as FIPS 180-4 section 6.1 states it, one 64-byte block at a
 * time; on x86-64 processors with the SHA extensions, by their instructions. */
#include "sha1.h"

#include <string.h>

#if defined(__x86_64__) && defined(__GNUC__)
#include <cpuid.h>
#include <immintrin.h>
#define SHA1_HAVE_NI 1
#endif

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

static void compress_c(uint32_t h[5], const unsigned char *p)
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

#ifdef SHA1_HAVE_NI
/* Four rounds by the SHA extensions (Intel's "New Instructions supporting
 * the Secure Hash Algorithm", 2013): e_in carries E (or, after the first
 * four, the next message words through sha1nexte), f is the function of the
 * twenty rounds it falls in. The message schedule goes along: msg2 finishes
 * the words four rounds ahead, msg1 and the xor start those after. */
#define NI_ROUNDS(e_use, e_next, m, m1, m2, m3, f) do { \
	e_use = _mm_sha1nexte_epu32(e_use, m); \
	e_next = abcd; \
	m1 = _mm_sha1msg2_epu32(m1, m); \
	abcd = _mm_sha1rnds4_epu32(abcd, e_use, f); \
	m3 = _mm_sha1msg1_epu32(m3, m); \
	m2 = _mm_xor_si128(m2, m); \
} while (0)

__attribute__((target("sha,ssse3,sse4.1")))
static void compress_ni(uint32_t h[5], const unsigned char *p, size_t nblocks)
{
	const __m128i swap = _mm_set_epi64x(0x0001020304050607LL, 0x08090a0b0c0d0e0fLL);
	__m128i abcd = _mm_shuffle_epi32(_mm_loadu_si128((const __m128i *)h), 0x1B);
	__m128i e0 = _mm_set_epi32((int)h[4], 0, 0, 0), e1;
	for (; nblocks; nblocks--, p += 64) {
		__m128i abcd_was = abcd, e_was = e0;
		__m128i m0 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)p), swap);
		__m128i m1 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 16)), swap);
		__m128i m2 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 32)), swap);
		__m128i m3 = _mm_shuffle_epi8(_mm_loadu_si128((const __m128i *)(p + 48)), swap);
		/* Rounds 0-11: the first words as they are. */
		e0 = _mm_add_epi32(e0, m0);
		e1 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
		e1 = _mm_sha1nexte_epu32(e1, m1);
		e0 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e1, 0);
		m0 = _mm_sha1msg1_epu32(m0, m1);
		e0 = _mm_sha1nexte_epu32(e0, m2);
		e1 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e0, 0);
		m1 = _mm_sha1msg1_epu32(m1, m2);
		m0 = _mm_xor_si128(m0, m2);
		/* Rounds 12-79, four at a time, the words' roles turning. */
		NI_ROUNDS(e1, e0, m3, m0, m1, m2, 0);
		NI_ROUNDS(e0, e1, m0, m1, m2, m3, 0);
		NI_ROUNDS(e1, e0, m1, m2, m3, m0, 1);
		NI_ROUNDS(e0, e1, m2, m3, m0, m1, 1);
		NI_ROUNDS(e1, e0, m3, m0, m1, m2, 1);
		NI_ROUNDS(e0, e1, m0, m1, m2, m3, 1);
		NI_ROUNDS(e1, e0, m1, m2, m3, m0, 1);
		NI_ROUNDS(e0, e1, m2, m3, m0, m1, 2);
		NI_ROUNDS(e1, e0, m3, m0, m1, m2, 2);
		NI_ROUNDS(e0, e1, m0, m1, m2, m3, 2);
		NI_ROUNDS(e1, e0, m1, m2, m3, m0, 2);
		NI_ROUNDS(e0, e1, m2, m3, m0, m1, 2);
		NI_ROUNDS(e1, e0, m3, m0, m1, m2, 3);
		NI_ROUNDS(e0, e1, m0, m1, m2, m3, 3);
		NI_ROUNDS(e1, e0, m1, m2, m3, m0, 3);
		NI_ROUNDS(e0, e1, m2, m3, m0, m1, 3);
		/* Rounds 76-79: no more words to make. */
		e1 = _mm_sha1nexte_epu32(e1, m3);
		e0 = abcd;
		abcd = _mm_sha1rnds4_epu32(abcd, e1, 3);
		e0 = _mm_sha1nexte_epu32(e0, e_was);
		abcd = _mm_add_epi32(abcd, abcd_was);
	}
	_mm_storeu_si128((__m128i *)h, _mm_shuffle_epi32(abcd, 0x1B));
	h[4] = (uint32_t)_mm_extract_epi32(e0, 3);
}

/* 1 when the processor has the SHA extensions and SSSE3 and SSE4.1. */
static int cpu_has_sha(void)
{
	unsigned a, b, c, d;
	if (!__get_cpuid(1, &a, &b, &c, &d) || !(c & bit_SSSE3) || !(c & bit_SSE4_1))
		return 0;
	return __get_cpuid_count(7, 0, &a, &b, &c, &d) && (b & bit_SHA);
}
#endif

/* -1: not looked yet; 0: the portable rounds; 1: the SHA extensions. */
static int use_ni = -1;

void sha1_use_portable(int on)
{
#ifdef SHA1_HAVE_NI
	use_ni = on ? 0 : cpu_has_sha();
#else
	(void)on;
	use_ni = 0;
#endif
}

/* nblocks blocks of 64 bytes at p. */
static void compress(uint32_t h[5], const unsigned char *p, size_t nblocks)
{
	if (use_ni < 0)
		sha1_use_portable(0);
#ifdef SHA1_HAVE_NI
	if (use_ni) {
		compress_ni(h, p, nblocks);
		return;
	}
#endif
	for (; nblocks; nblocks--, p += 64)
		compress_c(h, p);
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
		compress(s->h, s->block, 1);
	}
	compress(s->h, p, n / 64);
	p += n / 64 * 64;
	n %= 64;
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
