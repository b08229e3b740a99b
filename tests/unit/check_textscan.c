/* check_textscan.c: the word-at-a-time scans over text (utf8_invalid_at's
 * ASCII run, diag_cursor_at's columns) against a byte-by-byte reference, on
 * ASCII, Chinese, line breaks of every kind and bad bytes at every offset
 * of a word. */
#include "check.h"

#include <stdint.h>
#include <stdlib.h>

#include "diag.h"
#include "utf8.h"

/* The reference: one byte at a time, as the scans were written first. */
static size_t slow_invalid(const unsigned char *s, size_t len)
{
	size_t i = 0;
	while (i < len) {
		unsigned c = s[i];
		size_t n;
		uint32_t cp, min;
		if (c < 0x80) {
			i++;
			continue;
		}
		if (c >= 0xC2 && c <= 0xDF) {
			n = 2; cp = c & 0x1F; min = 0x80;
		} else if (c >= 0xE0 && c <= 0xEF) {
			n = 3; cp = c & 0x0F; min = 0x800;
		} else if (c >= 0xF0 && c <= 0xF4) {
			n = 4; cp = c & 0x07; min = 0x10000;
		} else {
			return i;
		}
		if (i + n > len)
			return i;
		for (size_t k = 1; k < n; k++) {
			if ((s[i + k] & 0xC0) != 0x80)
				return i;
			cp = (cp << 6) | (s[i + k] & 0x3F);
		}
		if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
			return i;
		i += n;
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
