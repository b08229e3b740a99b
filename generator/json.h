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

/* Skimming: the members of an object, or the elements of an array, found
 * without building values or checking them (strings are skipped over with
 * their escapes, brackets counted), for a caller that parses only some of a
 * big file. Each calls fn with the span [v0, v1) of each value (and a
 * member's key as written, between its quotes, escapes undecoded); fn
 * returning -1 stops the skim as a failure, 1 as a success, with *pos at the
 * end of that value. *pos starts at the '{' or '[' (blanks before it
 * skipped) and ends past its closing bracket. 0, or -1 when src is not
 * shaped so there: json_parse says why. */
int json_skim_object(const char *src, size_t len, size_t *pos,
                     int (*fn)(void *ud, const char *key, size_t klen, size_t v0, size_t v1), void *ud);
int json_skim_array(const char *src, size_t len, size_t *pos,
                    int (*fn)(void *ud, size_t v0, size_t v1), void *ud);

/* Appends v as JSON. pretty: two-space indent, one member per line, for
 * files reviewers diff. Dates become ISO strings; functions become null. */
void json_write(const struct value *v, int pretty, struct buf *out);
/* The same in pieces, for documents of tens of MiB: whenever out holds
 * JSON_FLUSH_BYTES or more (at the end of an element, and once at the end)
 * flush(ud, out) takes what it holds and must leave it empty. */
#define JSON_FLUSH_BYTES (64 * 1024)
void json_write_stream(const struct value *v, int pretty, struct buf *out,
                       void (*flush)(void *ud, struct buf *out), void *ud);
/* The same, each element of an array at depth el->depth (2: the items of a
 * list that is a member of the top table) offered first to el->reuse,
 * which appends the text it would be written as (a document written
 * before, dataspan.h) and returns 1, or returns 0 to have it written; then
 * el->wrote learns that its text is out's bytes from `from` to out->len.
 * flush may be NULL: out then holds the whole document. */
struct json_elems {
	int depth;
	int (*reuse)(void *ud, const struct value *v, struct buf *out);
	void (*wrote)(void *ud, const struct value *v, const struct buf *out, size_t from);
	void *ud;
};
void json_write_stream_elems(const struct value *v, int pretty, struct buf *out,
                             void (*flush)(void *ud, struct buf *out), void *ud, const struct json_elems *el);
/* Appends s as a JSON string literal. */
void json_write_string(const char *s, size_t n, struct buf *out);

#endif
