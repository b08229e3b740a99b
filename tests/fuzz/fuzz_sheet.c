/* fuzz_sheet.c: libFuzzer target for a spreadsheet's CSV text (sheet_parse_csv)
 * and what import makes of it (sheetin: the header row, a task list's text, a
 * progress return against no plans): every cell valid UTF-8, never empty,
 * cells in order, -1 exactly when an error was recorded. */
#include "fuzz.h"

#include "sheet.h"
#include "sheetin.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	struct diags d;
	diags_init(&d);
	struct sheet_book b;
	int rc = sheet_parse_csv("t.csv", s, size, &b, &d);
	if ((rc < 0) != (d.nerrors > 0))
		abort();
	for (size_t i = 0; i < b.n; i++)
		for (size_t k = 0; k < b.v[i].n; k++) {
			const struct sheet_cell *c = &b.v[i].v[k];
			if (!c->len || utf8_invalid_at(c->text, c->len) != c->len || strlen(c->text) > c->len)
				abort();
			if (k && (c[-1].row > c->row || (c[-1].row == c->row && c[-1].col >= c->col)))
				abort();   /* sorted, one cell a place */
		}
	struct buf t = BUF_INIT, out = BUF_INIT;
	sheetin_text(&b, "t", &t);
	if (utf8_invalid_at(t.data ? t.data : "", t.len) != t.len)
		abort();
	struct sheetin_counts counts;
	struct sheetin_opts o = { .path = "t.csv", .source = "t.csv", .date = "2020-01-01" };
	sheetin_bulletin(&b, NULL, &o, &out, &counts, &d);
	buf_free(&t);
	buf_free(&out);
	sheet_book_free(&b);
	diags_free(&d);
	return 0;
}
