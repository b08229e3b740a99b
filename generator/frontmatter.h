/* frontmatter.h: splits a content file into front matter and body, and reads
 * the front matter (YAML between --- lines, TOML between +++ lines) into a
 * value table whose positions are the file's real lines and columns. */
#ifndef PP_FRONTMATTER_H
#define PP_FRONTMATTER_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "value.h"

/* src is the whole file (valid UTF-8, BOM allowed). On success *meta is a
 * V_TABLE (empty when the file has no front matter) owned by arena a and
 * *body_off is where the Markdown body starts. Returns 0, or -1 after
 * recording errors (bad YAML or TOML, unclosed block, not a mapping). */
int fm_parse(struct arena *a, const char *path, const char *src, size_t len,
             struct value **meta, size_t *body_off, struct diags *d);

/* Reads YAML text src[start, end) of a file into a value (for tests and for
 * data files). Returns NULL after recording an error. */
struct value *fm_yaml(struct arena *a, const char *path, const char *src, size_t len,
                      size_t start, size_t end, struct diags *d);

#endif
