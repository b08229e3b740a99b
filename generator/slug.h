/* slug.h: heading ids from heading text, readable for Chinese as for English. */
#ifndef PP_SLUG_H
#define PP_SLUG_H

#include <stddef.h>

#include "buf.h"

/* Appends the slug of text (UTF-8): ASCII letters lower-cased; ASCII letters,
 * digits and '_' kept; other characters kept as they are unless they are
 * punctuation or space. Each run of spaces, punctuation and '-' becomes one
 * '-' between two kept characters, or nothing between two CJK characters
 * ("一、总体要求" gives "一总体要求", "Hello, World" gives "hello-world").
 * Appends "section" when nothing is kept. */
void slug_make(const char *text, size_t len, struct buf *out);

#endif
