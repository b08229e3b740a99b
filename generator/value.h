/* value.h: the one value tree everything speaks: site.toml, front matter
 * (YAML and TOML), JSON, Lua tables and template contexts (jq's jv is the model).
 * Every value remembers where it came from. */
#ifndef PP_VALUE_H
#define PP_VALUE_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "arena.h"
#include "buf.h"

struct pos {
	const char *path;   /* borrowed; usually arena-owned; NULL when made in code */
	int line, col;      /* 1-based, col in characters; 0 when unknown */
};

enum value_kind {
	V_NULL,
	V_BOOL,
	V_INT,
	V_FLOAT,
	V_STRING,
	V_DATETIME,
	V_ARRAY,
	V_TABLE,
	V_FUNC,   /* a callable (a template lambda) */
};

enum datetime_kind {
	DT_DATE,     /* 2019-06-30 (TOML local date) */
	DT_TIME,     /* 10:32:00 (TOML local time) */
	DT_LOCAL,    /* 2019-06-30T10:32:00, no offset */
	DT_OFFSET,   /* 2019-06-30T10:32:00+08:00 */
};

/* Packed into 16 bytes, so that a value is 40 (a site holds millions of
 * values): every field holds its valid range, which parsers check on ints
 * before they store. */
struct datetime {
	int32_t year;
	int32_t nanos;              /* fraction of a second */
	int16_t offset_min;         /* DT_OFFSET: minutes east of UTC */
	uint8_t kind;               /* enum datetime_kind */
	int8_t month, day;
	int8_t hour, minute, second;
};

struct value;

/* A callable value. call() appends its result to out and returns 0, or
 * returns -1 with an error message in out. section is 1 when called for a
 * section ({{#f}}text{{/f}}, arg is the raw text), 0 for a variable (arg NULL). */
struct value_func {
	int (*call)(void *ud, const char *arg, size_t arglen, int section, struct buf *out);
	void *ud;
};

/* Sixteen bytes (a site holds millions of pairs): a key and its value's
 * address, which carries the key's length in its top 16 bits (a 64-bit
 * process's addresses use the low 48: value.c checks each one it stores),
 * so that a lookup passes over a pair of another length without reading
 * its key. VALUE_KEYLEN_TAG_MAX and longer keys are measured (they are
 * NUL-terminated). A key that holds a NUL (a quoted TOML or JSON key with
 * \u0000) is marked by the address's low bit (values are at least
 * 8-aligned) and has its length in the size_t just before its bytes. Read
 * pairs through value_pair_val and value_pair_keylen; only value.c makes
 * them. */
#define VALUE_KEYLEN_TAG_MAX 0xFFFFu
#define VALUE_ADDR_MASK ((uintptr_t)0x0000FFFFFFFFFFF8u)

struct value_pair {
	const char *key;
	uintptr_t val_;
};

static inline struct value *value_pair_val(const struct value_pair *p)
{
	return (struct value *)(p->val_ & VALUE_ADDR_MASK);
}

size_t value_pair_keylen_marked(const struct value_pair *p);

/* A pair made to hand to a function that reads pairs (not stored in a
 * table): key, keylen bytes without a NUL, and v. */
static inline struct value_pair value_pair_of(const char *key, size_t keylen, const struct value *v)
{
	uintptr_t tag = (uintptr_t)(keylen < VALUE_KEYLEN_TAG_MAX ? keylen : VALUE_KEYLEN_TAG_MAX) << 48;
	struct value_pair p = { key, (uintptr_t)v | tag };
	return p;
}

static inline size_t value_pair_keylen(const struct value_pair *p)
{
	if (p->val_ & 1)
		return value_pair_keylen_marked(p);
	size_t tag = (size_t)(p->val_ >> 48);
	return tag < VALUE_KEYLEN_TAG_MAX ? tag : strlen(p->key);
}

struct value {
	enum value_kind kind;
	unsigned flags;    /* free for the module that builds the value (e.g. TOML's table states) */
	struct pos pos;
	union {
		int b;
		int64_t i;
		double f;
		struct { const char *s; size_t len; } str;   /* NUL-terminated too */
		struct datetime dt;
		/* Counts are 32-bit (a value is 40 bytes): no array or table comes
		 * near 2^32 elements, as every input is bounded far below that. */
		struct { struct value **v; uint32_t n, cap; } arr;
		/* In insertion order. The pairs are allocated behind a pointer to
		 * their hash index, or NULL (value.c; kept by value_set/value_append):
		 * code that appends pairs by hand leaves a tail that lookups scan. */
		struct { struct value_pair *v; uint32_t n, cap; } tab;
		struct value_func fn;
	} u;
};

/* Constructors: the value and all it holds belong to arena a. */
struct value *value_new(struct arena *a, enum value_kind kind, struct pos pos);
struct value *value_null(struct arena *a, struct pos pos);
struct value *value_bool(struct arena *a, int b, struct pos pos);
struct value *value_int(struct arena *a, int64_t i, struct pos pos);
struct value *value_float(struct arena *a, double f, struct pos pos);
/* Copies n bytes of s into the arena. */
struct value *value_string(struct arena *a, const char *s, size_t n, struct pos pos);
struct value *value_cstring(struct arena *a, const char *s, struct pos pos);
/* Borrows s (which must outlive the value and be NUL-terminated at n). */
struct value *value_string_ref(struct arena *a, const char *s, size_t n, struct pos pos);
struct value *value_datetime(struct arena *a, const struct datetime *dt, struct pos pos);
struct value *value_array(struct arena *a, struct pos pos);
struct value *value_table(struct arena *a, struct pos pos);

/* Makes room for n elements (an array) or n pairs (a table) in all, so that
 * a caller that knows the size pays for no growth. */
void value_reserve(struct arena *a, struct value *v, size_t n);
/* v's elements or pairs (a list or table grown in a scratch arena, whose
 * copies as it doubled stay there) moved into arena a, exactly as many as
 * it holds, with the index a table of its size has. Other kinds: nothing. */
void value_compact(struct arena *a, struct value *v);
/* Appends v to array arr. */
void value_push(struct arena *a, struct value *arr, struct value *v);
/* Sets key in table t: replaces the value of an existing key, else appends.
 * The key is copied into the arena. */
void value_set(struct arena *a, struct value *t, const char *key, size_t keylen, struct value *v);
void value_setc(struct arena *a, struct value *t, const char *key, struct value *v);
/* value_set without copying the key, which must outlive t (a literal): a
 * model's tables repeat the same few keys on every task, and a copy of
 * each is a sixteen-byte arena block. */
void value_set_key(struct arena *a, struct value *t, const char *key, struct value *v);
/* Appends key without looking for it first: for callers that know the key
 * is new (keys from a source that has no duplicates). */
void value_append(struct arena *a, struct value *t, const char *key, size_t keylen, struct value *v);
/* The same without copying the key, which must outlive t (a key of another
 * table in the same or a longer-lived arena). */
void value_append_key(struct arena *a, struct value *t, const char *key, size_t keylen,
                      struct value *v);
/* Sets in table t each key of table from that t does not have yet, in
 * from's order. The keys are copied, the values shared (not copied). A from
 * that is NULL or not a table adds nothing. */
void value_fill(struct arena *a, struct value *t, const struct value *from);
/* The value at key, or NULL. t may be NULL or not a table (then NULL).
 * Tables of more than VALUE_INDEX_MIN keys are looked up through a hash
 * index, so that building or reading a mapping of n keys costs O(n), not
 * O(n^2) (a 50,000-key front matter took 13 s without it). Up to 48 a scan
 * (most pairs passed over on their length) is as quick, and a task's table,
 * about 40 keys, needs none: half a kilobyte a task (a 10k build is as
 * fast without them, and 5 MB smaller). */
#define VALUE_INDEX_MIN 48
struct value *value_get(const struct value *t, const char *key);
struct value *value_getn(const struct value *t, const char *key, size_t keylen);
/* Follows a dotted path ("site.params.x"); NULL where a step is missing. */
struct value *value_path(const struct value *t, const char *dotted);

struct digest;
/* Digests made once for values that many trees share: find returns the 16
 * bytes (digest.h) standing for v, or NULL to walk v. */
struct value_memo {
	const unsigned char *(*find)(const void *ud, const struct value *v);
	const void *ud;
};
/* Feeds h with what v says: kinds, lengths, contents, tables in their
 * order (positions are not part of it); a value memo knows (memo may be
 * NULL) feeds its digest instead. Returns 0, or -1 when v holds a
 * function, whose result no digest can stand for. Recursion is bounded by
 * the depth of the tree, which every parser bounds. */
int value_digest(const struct value *v, struct digest *h, const struct value_memo *memo);

/* Reading containers: modules outside value.c read arrays and tables through
 * these, never through u.arr / u.tab, so the layout can change in one place.
 * All accept NULL and values of any kind. The returned values and pairs are
 * borrowed from the tree and valid until it next grows. */

/* The number of elements of an array or pairs of a table; 0 for any other
 * kind or NULL. */
static inline size_t value_len(const struct value *v)
{
	if (!v)
		return 0;
	if (v->kind == V_ARRAY)
		return v->u.arr.n;
	if (v->kind == V_TABLE)
		return v->u.tab.n;
	return 0;
}

/* Element i of an array, or NULL when v is not an array or i is out of range. */
static inline struct value *value_at(const struct value *v, size_t i)
{
	return v && v->kind == V_ARRAY && i < v->u.arr.n ? v->u.arr.v[i] : NULL;
}

/* Pair i of a table (insertion order), or NULL when t is not a table or i is
 * out of range. */
static inline const struct value_pair *value_pair_at(const struct value *t, size_t i)
{
	return t && t->kind == V_TABLE && i < t->u.tab.n ? &t->u.tab.v[i] : NULL;
}

/* Walks the elements of an array or the pairs of a table, in order:
 *
 *	struct value_iter it = value_iter_init(v);
 *	while (value_next(&it, &key, &keylen, &val)) ...
 *
 * Any other kind or NULL walks nothing. The container must not grow during
 * the walk (its storage may move); changing the values it holds is fine. */
struct value_iter {
	const struct value *v;
	size_t i;   /* index of the next element or pair */
};

static inline struct value_iter value_iter_init(const struct value *v)
{
	struct value_iter it = { v, 0 };
	return it;
}

/* Stores the next element or pair through the pointers that are not NULL and
 * returns 1; returns 0 (storing nothing) at the end. An array element has no
 * key: *key is NULL and *keylen 0. After a 1, it->i - 1 is the index of what
 * was stored. */
static inline int value_next(struct value_iter *it, const char **key, size_t *keylen,
                             struct value **val)
{
	if (it->i >= value_len(it->v))
		return 0;
	size_t i = it->i++;
	const struct value_pair *p = value_pair_at(it->v, i);
	if (key)
		*key = p ? p->key : NULL;
	if (keylen)
		*keylen = p ? value_pair_keylen(p) : 0;
	if (val)
		*val = p ? value_pair_val(p) : value_at(it->v, i);
	return 1;
}

/* Accessors with a fallback when v is NULL or of another kind. */
const char *value_str(const struct value *v, const char *fallback);
int64_t value_i64(const struct value *v, int64_t fallback);
int value_is(const struct value *v, enum value_kind kind);

/* Mustache truthiness (the spec's): only null, false and an empty array are
 * false; "" and 0 are true. */
int value_truthy(const struct value *v);
/* Compares numbers as plans print them ("1", "1.2", "10"): part by part, so
 * "2" comes before "10" and "1.9" before "1.10"; other text bytewise. */
int value_cmp_numbered(const char *a, const char *b);
/* "array", "table", ...: English, for messages to translate (_()). */
const char *value_kind_name(enum value_kind kind);
/* Appends v as text: strings as they are, numbers in their shortest exact
 * form, dates in ISO 8601, booleans true/false, null as nothing. */
void value_to_text(const struct value *v, struct buf *out);
/* Shortest decimal that reads back as exactly f (1.21 stays 1.21). */
void value_format_double(double f, struct buf *out);
/* ISO 8601 / RFC 3339 text of a date-time, fraction trimmed. */
void datetime_format(const struct datetime *dt, struct buf *out);
/* Days since 1970-01-01 of a calendar date (proleptic Gregorian). */
int64_t datetime_days(int year, int month, int day);
/* Sets dt's year, month and day to the day that is days after 1970-01-01. */
void datetime_set_days(struct datetime *dt, int64_t days);
void datetime_from_days(int64_t days, int *year, int *month, int *day);
int datetime_valid_date(int year, int month, int day);
/* Days in a month of the proleptic Gregorian calendar (0 for a bad month). */
int datetime_month_days(int year, int month);
/* Compares two values of the same date kind chronologically (<0, 0, >0). */
int datetime_cmp(const struct datetime *a, const struct datetime *b);
/* Deep copy into arena a. */
struct value *value_copy(struct arena *a, const struct value *v);

#endif
