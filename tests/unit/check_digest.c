/* check_digest.c: the cache-key digest: a stream digests the same however it
 * is cut, every byte and the length count, and one flipped bit changes about
 * half of the digest's bits. */
#include "check.h"

#include "digest.h"

static void whole(const void *p, size_t n, unsigned char out[DIGEST_LEN])
{
	struct digest h;
	digest_init(&h);
	digest_update(&h, p, n);
	digest_final(&h, out);
}

static int bits_apart(const unsigned char *a, const unsigned char *b)
{
	int n = 0;
	for (int i = 0; i < DIGEST_LEN; i++)
		n += __builtin_popcount((unsigned)(a[i] ^ b[i]));
	return n;
}

int main(void)
{
	unsigned char text[300], d0[DIGEST_LEN], d1[DIGEST_LEN];
	for (size_t i = 0; i < sizeof text; i++)
		text[i] = (unsigned char)(i * 7 + 3);
	whole(text, sizeof text, d0);
	/* Cut anywhere, fed in pieces of any size: the same digest. */
	int same = 1;
	for (size_t step = 1; step < 40; step++) {
		struct digest h;
		digest_init(&h);
		for (size_t off = 0; off < sizeof text; off += step)
			digest_update(&h, text + off, off + step <= sizeof text ? step : sizeof text - off);
		digest_final(&h, d1);
		same &= memcmp(d0, d1, DIGEST_LEN) == 0;
	}
	CHECK(same);
	/* digest_final leaves the state as it was: feeding on continues the stream. */
	struct digest h;
	digest_init(&h);
	digest_update(&h, text, 100);
	digest_final(&h, d1);
	digest_feed(&h, text + 100, sizeof text - 100);
	digest_final(&h, d1);
	CHECK(memcmp(d0, d1, DIGEST_LEN) == 0);
	/* Every length from 0 to 64 of zeros differs from the others (the tail is marked). */
	unsigned char zeros[64] = { 0 }, seen[65][DIGEST_LEN];
	int distinct = 1;
	for (size_t n = 0; n <= 64; n++) {
		whole(zeros, n, seen[n]);
		for (size_t k = 0; k < n; k++)
			distinct &= memcmp(seen[k], seen[n], DIGEST_LEN) != 0;
	}
	CHECK(distinct);
	/* One bit flipped anywhere: between 40 and 88 of the 128 bits change. */
	int spread = 1;
	for (size_t bit = 0; bit < sizeof text * 8; bit += 13) {
		text[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		whole(text, sizeof text, d1);
		text[bit / 8] ^= (unsigned char)(1u << (bit % 8));
		int n = bits_apart(d0, d1);
		spread &= n >= 40 && n <= 88;
	}
	CHECK(spread);
	return CHECK_DONE("check_digest");
}
