/* check_sha1.c: SHA-1 against the test vectors of FIPS 180 and RFC 3174, whole and fed in pieces. */
#include "check.h"

#include <stdlib.h>

#include "sha1.h"

static const char *hex(const unsigned char d[20], char out[41])
{
	for (int i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", d[i]);
	return out;
}

/* The digest of n bytes of s, fed step bytes at a time. */
static const char *digest(const char *s, size_t n, size_t step, char out[41])
{
	struct sha1 c;
	unsigned char d[20];
	sha1_init(&c);
	for (size_t i = 0; i < n; i += step)
		sha1_update(&c, s + i, n - i < step ? n - i : step);
	sha1_final(&c, d);
	return hex(d, out);
}

/* The vectors, by whichever rounds are in use. */
static void vectors(void)
{
	char h[41];
	CHECK_STR(digest("", 0, 1, h), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
	CHECK_STR(digest("abc", 3, 3, h), "a9993e364706816aba3e25717850c26c9cd0d89d");
	/* 56 bytes: the length no longer fits the first block's padding. */
	const char *m = "abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq";
	for (size_t step = 1; step <= 56; step += 11)
		CHECK_STR(digest(m, 56, step, h), "84983e441c3bd26ebaae4aa1f95129e5e54670f1");
	size_t n = 1000000;
	char *a = malloc(n);
	memset(a, 'a', n);
	CHECK_STR(digest(a, n, n, h), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	CHECK_STR(digest(a, n, 4097, h), "34aa973cd4c4daa4f61eeb2bdbad27316534016f");
	free(a);
}

int main(void)
{
	vectors();   /* the SHA extensions, where the processor has them */
	/* Random texts of every length up to a few blocks and some long ones,
	 * fed in random steps: the same digest by both kinds of rounds. */
	unsigned char buf[70000];
	unsigned x = 2019;
	for (size_t i = 0; i < sizeof buf; i++) {
		x = x * 1103515245u + 12345u;
		buf[i] = (unsigned char)(x >> 16);
	}
	int same = 1;
	for (size_t len = 0; len < 70000; len += len < 300 ? 1 : 997) {
		char fast[41], slow[41];
		size_t step = 1 + (size_t)(x = x * 1103515245u + 12345u) % 200;
		sha1_use_portable(0);
		digest((const char *)buf, len, step, fast);
		sha1_use_portable(1);
		digest((const char *)buf, len, len ? len : 1, slow);
		same &= strcmp(fast, slow) == 0;
	}
	CHECK(same);
	vectors();   /* the portable rounds */
	return CHECK_DONE("check_sha1");
}
