/* check_utf8.c: UTF-8 validation (utf8_invalid_at, its ASCII run eight
 * bytes at a time) against the standard's table of well-formed sequences on
 * random texts, and by hand; decoding, encoding, counting and cutting at a
 * character. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

#include "textgen.h"
#include "utf8.h"

/* The reference: the well-formed byte sequences of the Unicode standard's
 * table 3-7, each lead byte with the ranges of the bytes after it. */
static const struct {
	unsigned char lo, hi;          /* the lead byte's range */
	unsigned char n;               /* bytes after it */
	unsigned char lo2, hi2;        /* the range of the second byte; the others are 80..BF */
} wellformed[] = {
	{ 0xC2, 0xDF, 1, 0x80, 0xBF }, { 0xE0, 0xE0, 2, 0xA0, 0xBF }, { 0xE1, 0xEC, 2, 0x80, 0xBF },
	{ 0xED, 0xED, 2, 0x80, 0x9F }, { 0xEE, 0xEF, 2, 0x80, 0xBF }, { 0xF0, 0xF0, 3, 0x90, 0xBF },
	{ 0xF1, 0xF3, 3, 0x80, 0xBF }, { 0xF4, 0xF4, 3, 0x80, 0x8F },
};

static size_t slow_invalid(const unsigned char *s, size_t len)
{
	for (size_t i = 0; i < len;) {
		if (s[i] < 0x80) {
			i++;
			continue;
		}
		size_t r = 0, nr = sizeof wellformed / sizeof *wellformed;
		while (r < nr && !(s[i] >= wellformed[r].lo && s[i] <= wellformed[r].hi))
			r++;
		if (r == nr || i + wellformed[r].n >= len)   /* not a lead byte, or cut short */
			return i;
		if (s[i + 1] < wellformed[r].lo2 || s[i + 1] > wellformed[r].hi2)
			return i;
		for (size_t k = 2; k <= wellformed[r].n; k++)
			if (s[i + k] < 0x80 || s[i + k] > 0xBF)
				return i;
		i += 1 + wellformed[r].n;
	}
	return len;
}

int main(void)
{
	unsigned char text[512];
	srand(7);
	int same = 1;
	for (int round = 0; round < 4000; round++) {
		size_t len = textgen_make(text, 400, round % 2);
		size_t from = (size_t)round % 9;   /* every start: each piece at each offset of a word */
		if (utf8_invalid_at((const char *)text + from, len - from) != slow_invalid(text + from, len - from))
			same = 0;
	}
	CHECK(same);

	/* A bad byte right after eight ASCII bytes, at the last byte of a text
	 * whose length is a multiple of eight, and a character cut short. */
	CHECK_INT(utf8_invalid_at("abcdefgh\xFF", 9), 8);
	CHECK_INT(utf8_invalid_at("abcdefghijklmno\x80", 16), 15);
	CHECK_INT(utf8_invalid_at("abcdefgh", 8), 8);
	CHECK_INT(utf8_invalid_at("abcdefgh任务", 14), 14);
	CHECK_INT(utf8_invalid_at("abcdefgh\xE4\xBB", 10), 8);
	/* Overlong, surrogate, past U+10FFFF. */
	CHECK_INT(utf8_invalid_at("ab\xC0\xAF", 4), 2);
	CHECK_INT(utf8_invalid_at("\xED\xA0\x80", 3), 0);
	CHECK_INT(utf8_invalid_at("\xF4\x90\x80\x80", 4), 0);

	/* Decoding and encoding round trip; counting; cutting at a character. */
	size_t n;
	CHECK_INT(utf8_decode("任", 3, &n), 0x4EFB);
	CHECK_INT(n, 3);
	char out[4];
	CHECK_INT(utf8_encode(0x1F600, out), 4);
	CHECK(memcmp(out, "\xF0\x9F\x98\x80", 4) == 0);
	CHECK_INT(utf8_count("任务a", 7), 3);
	CHECK_INT(utf8_floor("任务", 6, 4), 3);
	CHECK_INT(utf8_floor("任务", 6, 6), 6);
	CHECK_INT(utf8_bom("\xEF\xBB\xBFx", 4), 3);
	return CHECK_DONE("check_utf8");
}
