/* check_diag.c: the diagnostic sink: positions of byte offsets (diag_cursor_at,
 * its runs eight bytes at a time) against a byte-by-byte count on random
 * texts and by hand; messages about an offset with their line; sorting; the
 * compiler-style format. */
#include "check.h"

#include <locale.h>

#include <stdint.h>
#include <stdlib.h>

#include "buf.h"
#include "diag.h"
#include "textgen.h"

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

int main(void)
{
	unsigned char text[512];
	srand(7);
	int same = 1, runs = 0;
	for (int round = 0; round < 4000; round++) {
		size_t len = textgen_make(text, 400, round % 2);
		struct diag_cursor c;
		diag_cursor_init(&c);
		for (size_t off = 0; off <= len; off += 1 + (size_t)rand() % 23) {
			int l1, c1, l2, c2;
			diag_cursor_at(&c, (const char *)text, len, off, &l1, &c1);
			slow_cursor(text, len, off, &l2, &c2);
			same &= l1 == l2 && c1 == c2;
			runs++;
		}
	}
	CHECK(same);
	CHECK(runs > 10000);

	/* A line break as the ninth byte, a \r\n split across two words,
	 * columns in characters after Chinese, and going back. */
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
	diag_cursor_at(&c, "任务进度达到x", 19, 3, &line, &col);
	CHECK_INT(col, 2);

	/* A message about an offset: its line and column, the offending line,
	 * and the caret under the column. */
	setlocale(LC_ALL, "C");   /* the message in English */
	struct diags d;
	diags_init(&d);
	const char *src = "---\ntitle: 任务\nprogres: 60\n---\n";
	diag_at(&d, DIAG_ERROR, "content/a.md", src, strlen(src), (size_t)(strstr(src, "progres") - src),
	        "unknown key '%s'", "progres");
	diag_add(&d, DIAG_WARNING, "content/a.md", 2, 8, NULL, 0, "later line");
	diag_add(&d, DIAG_ERROR, "content/a.md", 1, 1, NULL, 0, "first line");
	CHECK_INT((int)d.nerrors, 2);
	CHECK_INT((int)d.nwarnings, 1);
	diags_sort(&d);
	CHECK_STR(d.v[0].msg, "first line");
	CHECK_STR(d.v[1].msg, "later line");
	CHECK_INT(d.v[2].line, 3);
	CHECK_INT(d.v[2].col, 1);
	struct buf b = BUF_INIT;
	diag_format(&d.v[2], &b);
	CHECK_STR(buf_cstr(&b), "content/a.md:3:1: error: unknown key 'progres'\n"
	                        "    3 | progres: 60\n"
	                        "      | ^\n");
	buf_free(&b);
	diags_free(&d);
	return CHECK_DONE("check_diag");
}
