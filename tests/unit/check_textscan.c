/* check_textscan.c: the word-at-a-time scans over text (utf8_invalid_at's
 * ASCII run, diag_cursor_at's columns) against a byte-by-byte reference, on
 * ASCII, Chinese, line breaks of every kind and bad bytes at every offset
 * of a word. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

#include "diag.h"
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

static void slow_cursor(const unsigned char *s, size_t len, size_t off, int *line, int *col)
{
	*line = 1;
	*col = 1;
	for (size_t k = 0; k < off && k < len; k++) {
		if (s[k] == '\n' || (s[k] == '\r' && (k + 1 >= len || s[k + 1] != '\n'))) {
			++*line;
			*col = 1;
		} else if ((s[k] & 0xC0) != 0x80) {
			++*col;
		}
	}
}

/* Pieces texts are made of: ASCII, Chinese (3 bytes), a 4-byte character,
 * line breaks of each kind, and bytes that are not UTF-8. */
static const char *const pieces[] = {
	"a", "key: value ", "        ", "任务", "进度达到90%以上", "\xF0\x9F\x98\x80", "\n", "\r\n", "\r",
	"\xC3\xA9", "\x80", "\xFF", "\xE4\xBB", "\xED\xA0\x80", "\xC0\xAF",
};

int main(void)
{
	unsigned char text[512];
	srand(7);
	size_t npieces = sizeof pieces / sizeof *pieces;
	int same_invalid = 1, same_cursor = 1, runs = 0;
	for (int round = 0; round < 4000; round++) {
		size_t len = 0;
		/* Half the texts are valid (no piece from the bad ones at the end). */
		size_t choose = round % 2 ? npieces : 10;
		while (len < 400) {
			const char *p = pieces[(size_t)rand() % choose];
			size_t n = strlen(p);
			memcpy(text + len, p, n);
			len += n;
		}
		/* Every start, so each piece falls at each offset of a word. */
		size_t from = (size_t)round % 9;
		if (utf8_invalid_at((const char *)text + from, len - from) != slow_invalid(text + from, len - from))
			same_invalid = 0;
		struct diag_cursor c;
		diag_cursor_init(&c);
		for (size_t off = 0; off <= len; off += 1 + (size_t)rand() % 23) {
			int l1, c1, l2, c2;
			diag_cursor_at(&c, (const char *)text, len, off, &l1, &c1);
			slow_cursor(text, len, off, &l2, &c2);
			if (l1 != l2 || c1 != c2)
				same_cursor = 0;
			runs++;
		}
	}
	CHECK(same_invalid);
	CHECK(same_cursor);
	CHECK(runs > 10000);

	/* Cases by hand: a bad byte right after eight ASCII bytes, and at the last
	 * byte of a text whose length is a multiple of eight. */
	CHECK_INT(utf8_invalid_at("abcdefgh\xFF", 9), 8);
	CHECK_INT(utf8_invalid_at("abcdefghijklmno\x80", 16), 15);
	CHECK_INT(utf8_invalid_at("abcdefgh", 8), 8);
	CHECK_INT(utf8_invalid_at("abcdefgh任务", 14), 14);
	CHECK_INT(utf8_invalid_at("abcdefgh\xE4\xBB", 10), 8);

	/* A line break as the ninth byte, a \r\n split across two words, and
	 * columns in characters after Chinese. */
	int line, col;
	struct diag_cursor c;
	diag_cursor_init(&c);
	diag_cursor_at(&c, "12345678\nab", 11, 11, &line, &col);
	CHECK_INT(line, 2);
	CHECK_INT(col, 3);
	diag_cursor_init(&c);
	diag_cursor_at(&c, "1234567\r\nab", 11, 11, &line, &col);
	CHECK_INT(line, 2);
	CHECK_INT(col, 3);
	diag_cursor_init(&c);
	diag_cursor_at(&c, "任务进度达到x", 19, 19, &line, &col);
	CHECK_INT(line, 1);
	CHECK_INT(col, 8);
	return CHECK_DONE("check_textscan");
}
