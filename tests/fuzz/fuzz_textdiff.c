/* fuzz_textdiff.c: libFuzzer target for textdiff (publish's "what changed"):
 * old text, NUL, new text. Every op points into its own side, in order, and
 * never cuts a UTF-8 sequence. */
#include "fuzz.h"

#include "textdiff.h"

/* 1 when [p, p+n) lies inside [s, s+len) on character boundaries. */
static int inside(const char *p, size_t n, const char *s, size_t len)
{
	if (p < s || p + n > s + len)
		return 0;
	return utf8_invalid_at(p, n) == n;
}

/* Characters of the first (first set) or last token of op. */
static size_t edge_token(const struct textdiff_op *op, int first)
{
	size_t at = 0, t = 0;
	while (at < op->len) {
		t = textdiff_token(op->s + at, op->len - at);
		if (first || at + t >= op->len)
			break;
		at += t;
	}
	return utf8_count(op->s + at, t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	size_t an = size / 2;
	const char *b;
	size_t bn;
	if (fuzz_split(s, size, &an)) {
		b = s + an + 1;
		bn = size - an - 1;
	} else {
		b = s + an;
		bn = size - an;
	}
	if (utf8_invalid_at(s, an) != an || utf8_invalid_at(b, bn) != bn)
		return -1;
	struct arena *ar = arena_new();
	struct textdiff_hunk *h = NULL;
	size_t ctx = size % 7 * 10;
	size_t nh = textdiff_text(ar, s, an, b, bn, ctx, &h);
	const char *lasta = s, *lastb = b;
	for (size_t i = 0; i < nh; i++) {
		int changed = 0;
		for (size_t k = 0; k < h[i].nops; k++) {
			const struct textdiff_op *op = &h[i].ops[k];
			if (op->kind == TEXTDIFF_INS) {
				if (!inside(op->s, op->len, b, bn) || op->s < lastb)
					abort();
				lastb = op->s + op->len;
				changed = 1;
			} else {
				if (!inside(op->s, op->len, s, an) || op->s < lasta)
					abort();
				lasta = op->s + op->len;
				changed |= op->kind == TEXTDIFF_DEL;
				/* about ctx characters of context on each side, in whole
				 * tokens: at most ctx and the token at its outer edge */
				if (op->kind == TEXTDIFF_SAME && (k == 0 || k + 1 == h[i].nops) &&
				    utf8_count(op->s, op->len) > ctx + edge_token(op, k == 0))
					abort();
			}
		}
		if (!changed)
			abort();   /* a hunk is a place that changed */
	}
	if (an == bn && memcmp(s, b, an) == 0 && nh)
		abort();   /* equal texts have no hunks */
	arena_free(ar);
	return 0;
}
