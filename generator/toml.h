/* toml.h: a TOML 1.0.0 reader into the value tree (site.toml and +++ front matter). */
#ifndef PP_TOML_H
#define PP_TOML_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "value.h"

/* Deepest nesting of tables and arrays, counted from the root table (1 for a
 * top-level key's value). Deep enough for any real document; it keeps a
 * hostile file from overflowing the stack here and in every recursive walk of
 * the tree (lowdown and upstream toml-test use about this much). */
#define TOML_MAX_DEPTH 128

/* Parses the TOML document in src[start, end) (src is the whole file, so that
 * positions and the offending line are the file's real ones: TOML front matter
 * between +++ lines in a Markdown file is parsed in place). A UTF-8 BOM at start is skipped.
 * Returns the root V_TABLE owned by arena a, or NULL after recording at least one
 * DIAG_ERROR diagnostic with path:line:col (1-based, col counted in characters)
 * and a clear message. Never crashes, whatever the bytes.
 * src is borrowed (nothing in the tree points into it); path is copied into a.
 * Strings carry their length and may hold NUL (from \u0000); so may keys.
 * Tables keep their keys in definition order. value->flags of tables and
 * arrays hold the TOML_* bits below. */
struct value *toml_parse(struct arena *a, const char *path, const char *src,
                         size_t start, size_t end, struct diags *d);

/* value->flags bits the parser leaves on tables and arrays (others are 0). */
#define TOML_IMPLICIT 0x01u  /* table only named as a parent in a [header] ([a] of [a.b]) */
#define TOML_DEFINED  0x02u  /* table opened by [header], or an element of [[header]] */
#define TOML_DOTTED   0x04u  /* table made or extended by dotted keys (a.b = 1 makes a) */
#define TOML_INLINE   0x08u  /* inline table { ... }, closed once its brace is */
#define TOML_AOT      0x10u  /* array made by [[header]], open to more elements */

#endif
