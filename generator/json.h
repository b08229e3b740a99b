/* json.h: RFC 8259 JSON to and from the value tree (test data, the data files of the output). */
#ifndef PP_JSON_H
#define PP_JSON_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "value.h"

/* Parses src (len bytes, UTF-8) into a value owned by arena a. Integers that
 * fit int64 become V_INT, other numbers V_FLOAT. On error records a
 * diagnostic naming path:line:col and returns NULL. */
struct value *json_parse(struct arena *a, const char *path, const char *src, size_t len,
                         struct diags *d);

/* Appends v as JSON. pretty: two-space indent, one member per line, for
 * files reviewers diff. Dates become ISO strings; functions become null. */
void json_write(const struct value *v, int pretty, struct buf *out);
/* The same in pieces, for documents of tens of MiB: whenever out holds
 * JSON_FLUSH_BYTES or more (at the end of an element, and once at the end)
 * flush(ud, out) takes what it holds and must leave it empty. */
#define JSON_FLUSH_BYTES (64 * 1024)
void json_write_stream(const struct value *v, int pretty, struct buf *out,
                       void (*flush)(void *ud, struct buf *out), void *ud);
/* Appends s as a JSON string literal. */
void json_write_string(const char *s, size_t n, struct buf *out);

#endif
