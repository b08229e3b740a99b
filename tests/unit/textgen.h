/* textgen.h: random texts for the unit tests of scans over text (check_utf8,
 * check_diag): ASCII, Chinese, a 4-byte character, line breaks of each
 * kind and, when asked, bytes that are not UTF-8, so that each piece falls
 * at each offset of an 8-byte word. */
#ifndef PP_TEXTGEN_H
#define PP_TEXTGEN_H

#include <stdlib.h>
#include <string.h>

static const char *const textgen_pieces[] = {
	"a", "key: value ", "        ", "任务", "进度达到90%以上", "\xF0\x9F\x98\x80", "\n", "\r\n", "\r",
	"\xC3\xA9",                                                     /* the valid ones end here: 10 */
	"\x80", "\xFF", "\xE4\xBB", "\xED\xA0\x80", "\xC0\xAF",
};

/* Fills text (at least max + 32 bytes) with pieces up to max bytes (or a
 * little over); bad: may hold bytes that are not UTF-8. Returns its length.
 * Seed with srand first: the same seed, the same texts. */
static size_t textgen_make(unsigned char *text, size_t max, int bad)
{
	size_t n = bad ? sizeof textgen_pieces / sizeof *textgen_pieces : 10, len = 0;
	while (len < max) {
		const char *p = textgen_pieces[(size_t)rand() % n];
		size_t k = strlen(p);
		memcpy(text + len, p, k);
		len += k;
	}
	return len;
}

#endif
