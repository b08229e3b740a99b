/* textdiff.h: what changed in a text as a reader sees it: lines first, then
 * token by token (a number or date, a Latin word, a Han character), with
 * short unchanged runs between changes joined into them. */
#ifndef PP_TEXTDIFF_H
#define PP_TEXTDIFF_H

#include <stddef.h>

#include "arena.h"

enum textdiff_kind { TEXTDIFF_SAME, TEXTDIFF_DEL, TEXTDIFF_INS };

/* A run of text: SAME and DEL point into the old text, INS into the new one. */
struct textdiff_op {
	enum textdiff_kind kind;
	const char *s;
	size_t len;
};

/* One place that changed, with about ctx characters of unchanged text on
 * each side, in whole tokens (cut_before/cut_after say that more text was
 * left out). */
struct textdiff_hunk {
	struct textdiff_op *ops;
	size_t nops;
	int cut_before, cut_after;
};

/* Past this many cells (tokens of one side times tokens of the other, after
 * the common start and end are set aside) a comparison would take too long
 * and too much memory: that part is shown as all removed, all added. */
#define TEXTDIFF_MAX_CELLS (2u * 1024 * 1024)

/* Compares old (alen bytes) with new (blen bytes), both valid UTF-8, lines
 * first and then the tokens of the lines that changed. Stores in *out the
 * hunks, each with about ctx characters of context in whole tokens, all
 * owned by arena ar (the ops point into a and b, which must outlive them).
 * Returns the number of hunks. */
size_t textdiff_text(struct arena *ar, const char *a, size_t alen, const char *b, size_t blen,
                     size_t ctx, struct textdiff_hunk **out);

/* The length of the token at s (0 only when len is 0): a number with its
 * decimal point, thousands commas, % and Chinese units attached, so that
 * 2019年6月30日, 75%, 1,312 and 3.5万 are one token each; a Latin word; a
 * run of spaces; else one character (never part of a UTF-8 sequence). */
size_t textdiff_token(const char *s, size_t len);

#endif
