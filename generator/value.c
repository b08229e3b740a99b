/* value.c: construction, lookup and text form of value trees. */
#include "value.h"

#include <math.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "digest.h"
#include "i18n.h"

/* A site holds millions of values: the union is 16 bytes (value.h). */
_Static_assert(sizeof(struct value) == 40, "a value is 40 bytes");
_Static_assert(sizeof(uintptr_t) == 8, "a pair's value address carries its key's length in its top bits");

struct value *value_new(struct arena *a, enum value_kind kind, struct pos pos)
{
	struct value *v = arena_alloc(a, sizeof *v);
	v->kind = kind;
	v->pos = pos;
	return v;
}

struct value *value_null(struct arena *a, struct pos pos)
{
	return value_new(a, V_NULL, pos);
}

struct value *value_bool(struct arena *a, int b, struct pos pos)
{
	struct value *v = value_new(a, V_BOOL, pos);
	v->u.b = b != 0;
	return v;
}

struct value *value_int(struct arena *a, int64_t i, struct pos pos)
{
	struct value *v = value_new(a, V_INT, pos);
	v->u.i = i;
	return v;
}

struct value *value_float(struct arena *a, double f, struct pos pos)
{
	struct value *v = value_new(a, V_FLOAT, pos);
	v->u.f = f;
	return v;
}

struct value *value_string(struct arena *a, const char *s, size_t n, struct pos pos)
{
	struct value *v = value_new(a, V_STRING, pos);
	v->u.str.s = arena_strndup(a, s, n);
	v->u.str.len = n;
	return v;
}

struct value *value_cstring(struct arena *a, const char *s, struct pos pos)
{
	return value_string(a, s, strlen(s), pos);
}

struct value *value_string_ref(struct arena *a, const char *s, size_t n, struct pos pos)
{
	struct value *v = value_new(a, V_STRING, pos);
	v->u.str.s = s;
	v->u.str.len = n;
	return v;
}

struct value *value_datetime(struct arena *a, const struct datetime *dt, struct pos pos)
{
	struct value *v = value_new(a, V_DATETIME, pos);
	v->u.dt = *dt;
	return v;
}

struct value *value_array(struct arena *a, struct pos pos)
{
	return value_new(a, V_ARRAY, pos);
}

struct value *value_table(struct arena *a, struct pos pos)
{
	return value_new(a, V_TABLE, pos);
}

/* Where table t's index is kept: in front of its pairs (a value stays 40
 * bytes); NULL for a table that has no pairs yet. */
static struct value_index **index_of(const struct value *t)
{
	return t->u.tab.v ? (struct value_index **)(void *)t->u.tab.v - 1 : NULL;
}

/* Table t's pairs moved to room for cap of them in arena a, the pointer to
 * its index in front of them (the old room stays in the arena). */
static void pairs_room(struct arena *a, struct value *t, size_t cap)
{
	unsigned char *blk = arena_alloc(a, sizeof(struct value_index *) + cap * sizeof(struct value_pair));
	struct value_pair *p = (struct value_pair *)(void *)(blk + sizeof(struct value_index *));
	struct value_index *x = t->u.tab.v ? *index_of(t) : NULL;
	if (t->u.tab.n)
		memcpy(p, t->u.tab.v, t->u.tab.n * sizeof *p);
	t->u.tab.v = p;
	t->u.tab.cap = (uint32_t)cap;
	*index_of(t) = x;
}

void value_reserve(struct arena *a, struct value *v, size_t n)
{
	if (v->kind == V_ARRAY && n > v->u.arr.cap) {
		v->u.arr.v = arena_realloc(a, v->u.arr.v, v->u.arr.n * sizeof(struct value *),
		                           n * sizeof(struct value *));
		v->u.arr.cap = n;
	} else if (v->kind == V_TABLE && n > v->u.tab.cap) {
		pairs_room(a, v, n);
	}
}

static void index_update(struct arena *a, struct value *t);

void value_compact(struct arena *a, struct value *v)
{
	if (v->kind == V_ARRAY) {
		struct value **e = v->u.arr.n ? arena_alloc(a, v->u.arr.n * sizeof *e) : NULL;
		if (e)
			memcpy(e, v->u.arr.v, v->u.arr.n * sizeof *e);
		v->u.arr.v = e;
		v->u.arr.cap = v->u.arr.n;
	} else if (v->kind == V_TABLE) {
		if (!v->u.tab.n) {
			v->u.tab.v = NULL;
			v->u.tab.cap = 0;
			return;
		}
		pairs_room(a, v, v->u.tab.n);
		*index_of(v) = NULL;
		index_update(a, v);
	}
}

void value_push(struct arena *a, struct value *arr, struct value *v)
{
	if (arr->u.arr.n == arr->u.arr.cap) {
		size_t cap = arr->u.arr.cap ? arr->u.arr.cap * 2 : 4;
		arr->u.arr.v = arena_realloc(a, arr->u.arr.v, arr->u.arr.n * sizeof(struct value *),
		                             cap * sizeof(struct value *));
		arr->u.arr.cap = cap;
	}
	arr->u.arr.v[arr->u.arr.n++] = v;
}

/* The hash index of a table's first count pairs: open addressing, slots
 * hold pair number + 1 (0 is empty), at most half full. */
/* The most pairs a table's index numbers: beyond, lookups scan. */
#define VALUE_MAX_PAIRS ((size_t)UINT32_MAX - 1)

struct value_index {
	const struct value *owner;   /* a struct copy of a table does not own it */
	size_t count;     /* pairs indexed: u.tab.v[0 .. count) */
	size_t nslots;    /* a power of two */
	uint32_t *slots;  /* pair number + 1, 0: empty; a table's pairs are far fewer than 2^32
	                   * (VALUE_MAX_PAIRS), and half the memory of size_t slots */
};

static uint64_t key_hash(const char *k, size_t n)
{
	uint64_t h = 1469598103934665603ull;   /* FNV-1a */
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)k[i];
		h *= 1099511628211ull;
	}
	return h;
}

static void index_put(struct value_index *x, const struct value_pair *v, size_t i)
{
	size_t m = x->nslots - 1;
	size_t k = (size_t)key_hash(v[i].key, value_pair_keylen(&v[i])) & m;
	while (x->slots[k])
		k = (k + 1) & m;
	x->slots[k] = (uint32_t)(i + 1);
}

/* Brings t's index up to date with its pairs (arena a holds it). */
static void index_update(struct arena *a, struct value *t)
{
	size_t n = t->u.tab.n;
	if (n <= VALUE_INDEX_MIN || n >= VALUE_MAX_PAIRS)
		return;   /* small: a scan is as quick; past the slots' range: scanned (never in practice) */
	struct value_index **at = index_of(t), *x = *at;
	if (x && x->owner != t)
		x = *at = NULL;
	if (!x || 2 * n > x->nslots) {
		/* at most half full; room for the reserved size at once, so that
		 * a table of known size is indexed once */
		size_t size = n > t->u.tab.cap ? n : t->u.tab.cap;
		size_t want = 32;
		while (want < 2 * size)
			want *= 2;
		if (!x)
			x = *at = arena_alloc(a, sizeof *x);
		x->owner = t;
		x->nslots = want;
		x->slots = arena_alloc(a, want * sizeof *x->slots);   /* zeroed: empty */
		x->count = 0;
	}
	for (; x->count < n; x->count++)
		index_put(x, t->u.tab.v, x->count);
}

size_t value_pair_keylen_marked(const struct value_pair *p)
{
	size_t n;
	memcpy(&n, p->key - sizeof n, sizeof n);
	return n;
}

/* A pair's tag for a key of keylen bytes: its length, up to the top. */
static uintptr_t len_tag(size_t keylen)
{
	return (uintptr_t)(keylen < VALUE_KEYLEN_TAG_MAX ? keylen : VALUE_KEYLEN_TAG_MAX) << 48;
}

/* Whether pair p, whose tag and mark are those of the key (the caller
 * compared them: an integer compare passes over most pairs), has the keylen
 * bytes at key; nul: the key holds a NUL (p is marked). */
static int same_key(const struct value_pair *p, const char *key, size_t keylen, int nul)
{
	if (nul)
		return value_pair_keylen_marked(p) == keylen && memcmp(p->key, key, keylen) == 0;
	if (keylen < VALUE_KEYLEN_TAG_MAX)
		return memcmp(p->key, key, keylen) == 0;
	return strncmp(p->key, key, keylen) == 0 && p->key[keylen] == '\0';
}

/* The pair of key (keylen bytes; nul: they hold a NUL), or NULL. */
static struct value_pair *find_pair_as(const struct value *t, const char *key, size_t keylen, int nul)
{
	const struct value_index *x = t->u.tab.v ? *index_of(t) : NULL;
	uintptr_t want = len_tag(keylen) | (uintptr_t)(nul != 0);   /* a pair's bits besides the address */
	size_t from = 0;
	if (x && x->owner == t && x->count <= t->u.tab.n) {
		size_t m = x->nslots - 1;
		for (size_t k = (size_t)key_hash(key, keylen) & m; x->slots[k]; k = (k + 1) & m) {
			struct value_pair *p = &t->u.tab.v[x->slots[k] - 1];
			if ((p->val_ & ~VALUE_ADDR_MASK) == want && (!keylen || p->key[0] == key[0]) &&
			    same_key(p, key, keylen, nul))
				return p;
		}
		from = x->count;
	}
	for (size_t i = from; i < t->u.tab.n; i++) {
		struct value_pair *p = &t->u.tab.v[i];
		if ((p->val_ & ~VALUE_ADDR_MASK) == want && (!keylen || p->key[0] == key[0]) &&
		    same_key(p, key, keylen, nul))
			return p;
	}
	return NULL;
}

/* Set once a key that holds a NUL is stored anywhere (nearly never): until
 * then no lookup looks for NULs in its key. A table reaches another thread
 * only through the pool's start or end, which order this store before it. */
static atomic_int any_marked;

static struct value_pair *find_pair(const struct value *t, const char *key, size_t keylen)
{
	int nul = atomic_load_explicit(&any_marked, memory_order_relaxed) && memchr(key, '\0', keylen) != NULL;
	return find_pair_as(t, key, keylen, nul);
}

/* v's address, checked to leave a pair's tag bits free (value.h). */
static uintptr_t addr_of(const struct value *v)
{
	uintptr_t a = (uintptr_t)v;
	if (a & ~VALUE_ADDR_MASK) {
		fprintf(stderr, "planpress: a value at %p is above 2^48 or not 8-aligned\n", (const void *)v);
		abort();
	}
	return a;
}

/* Pair p given value v, keeping its key's tag and mark. */
static void pair_set(struct value_pair *p, struct value *v)
{
	p->val_ = addr_of(v) | (p->val_ & ~VALUE_ADDR_MASK);
}

struct value *value_getn(const struct value *t, const char *key, size_t keylen)
{
	if (!t || t->kind != V_TABLE)
		return NULL;
	struct value_pair *p = find_pair(t, key, keylen);
	return p ? value_pair_val(p) : NULL;
}

struct value *value_get(const struct value *t, const char *key)
{
	if (!t || t->kind != V_TABLE)
		return NULL;
	struct value_pair *p = find_pair_as(t, key, strlen(key), 0);   /* measured: no NUL in it */
	return p ? value_pair_val(p) : NULL;
}

/* Appends key (keylen bytes, borrowed; nul: they hold a NUL, and a copy
 * with its length is made) with v to t. */
static void append_pair(struct arena *a, struct value *t, const char *key, size_t keylen, struct value *v, int nul)
{
	if (t->u.tab.n == t->u.tab.cap)
		pairs_room(a, t, t->u.tab.cap ? t->u.tab.cap * 2 : 8);
	struct value_pair *p = &t->u.tab.v[t->u.tab.n++];
	p->key = key;
	p->val_ = addr_of(v) | len_tag(keylen);
	if (nul) {
		/* A key holding a NUL: its length in front of a copy, the pair
		 * marked (value.h). */
		char *blk = arena_alloc(a, sizeof keylen + keylen + 1);
		memcpy(blk, &keylen, sizeof keylen);
		memcpy(blk + sizeof keylen, key, keylen);
		p->key = blk + sizeof keylen;
		p->val_ |= 1;
		atomic_store_explicit(&any_marked, 1, memory_order_relaxed);
	}
	index_update(a, t);
}

/* value_set, told whether the key holds a NUL. */
static void set_as(struct arena *a, struct value *t, const char *key, size_t keylen, struct value *v, int nul)
{
	struct value_pair *p = find_pair_as(t, key, keylen, nul);
	if (p)
		pair_set(p, v);
	else
		append_pair(a, t, nul ? key : arena_strndup(a, key, keylen), keylen, v, nul);
}

void value_set(struct arena *a, struct value *t, const char *key, size_t keylen, struct value *v)
{
	set_as(a, t, key, keylen, v, memchr(key, '\0', keylen) != NULL);
}

void value_append(struct arena *a, struct value *t, const char *key, size_t keylen, struct value *v)
{
	int nul = memchr(key, '\0', keylen) != NULL;
	append_pair(a, t, nul ? key : arena_strndup(a, key, keylen), keylen, v, nul);
}

void value_append_key(struct arena *a, struct value *t, const char *key, size_t keylen,
                      struct value *v)
{
	append_pair(a, t, key, keylen, v, memchr(key, '\0', keylen) != NULL);
}

void value_setc(struct arena *a, struct value *t, const char *key, struct value *v)
{
	set_as(a, t, key, strlen(key), v, 0);   /* measured: no NUL in it */
}

void value_set_key(struct arena *a, struct value *t, const char *key, struct value *v)
{
	size_t keylen = strlen(key);
	struct value_pair *p = find_pair_as(t, key, keylen, 0);   /* measured: no NUL in it */
	if (p)
		pair_set(p, v);
	else
		append_pair(a, t, key, keylen, v, 0);
}

void value_fill(struct arena *a, struct value *t, const struct value *from)
{
	if (!value_is(from, V_TABLE))
		return;
	for (size_t i = 0; i < from->u.tab.n; i++) {
		const struct value_pair *p = &from->u.tab.v[i];
		if (!value_getn(t, p->key, value_pair_keylen(p)))
			value_set(a, t, p->key, value_pair_keylen(p), value_pair_val(p));
	}
}

struct value *value_path(const struct value *t, const char *dotted)
{
	const struct value *v = t;
	const char *p = dotted;
	while (v && *p) {
		const char *dot = strchr(p, '.');
		size_t n = dot ? (size_t)(dot - p) : strlen(p);
		v = value_getn(v, p, n);
		p += n + (dot ? 1 : 0);
	}
	return (struct value *)v;
}

const char *value_str(const struct value *v, const char *fallback)
{
	return v && v->kind == V_STRING ? v->u.str.s : fallback;
}

int64_t value_i64(const struct value *v, int64_t fallback)
{
	return v && v->kind == V_INT ? v->u.i : fallback;
}

int value_is(const struct value *v, enum value_kind kind)
{
	return v && v->kind == kind;
}

int value_truthy(const struct value *v)
{
	if (!v)
		return 0;
	switch (v->kind) {
	case V_NULL: return 0;
	case V_BOOL: return v->u.b;
	case V_ARRAY: return v->u.arr.n > 0;
	default: return 1;
	}
}

int value_cmp_numbered(const char *a, const char *b)
{
	while (*a && *b) {
		char *ea, *eb;
		long x = strtol(a, &ea, 10), y = strtol(b, &eb, 10);
		if (ea == a || eb == b)
			return strcmp(a, b);
		if (x != y)
			return x < y ? -1 : 1;
		a = *ea == '.' ? ea + 1 : ea;
		b = *eb == '.' ? eb + 1 : eb;
	}
	return *a ? 1 : *b ? -1 : 0;
}

const char *value_kind_name(enum value_kind kind)
{
	/* English, marked for the catalog: messages translate them (i18n.h). */
	static const char *const names[] = {
		N_("null"), N_("boolean"), N_("integer"), N_("float"), N_("string"), N_("date"), N_("array"),
		N_("table"), N_("function"),
	};
	return (size_t)kind < sizeof names / sizeof names[0] ? names[kind] : "?";
}

/* The common case without printf: f with at most 6 decimals, as %g with
 * its fewest round-tripping digits writes it (fixed notation). Returns 0
 * when f is not such a number (the general way then decides). Between
 * 1e-4 and 1e9 the doubles that round to f span less than 1e-6, so at
 * most one number of k <= 6 decimals reads back as f, and the first k that
 * gives one gives the fewest digits. */
static int format_short_decimal(double f, struct buf *out)
{
	double a = fabs(f), p10 = 1;
	if (!(a >= 1e-4 && a < 1e9))
		return 0;
	for (int k = 0; k <= 6; k++, p10 *= 10) {
		double m = nearbyint(a * p10);
		if (m / p10 != a)
			continue;
		unsigned long long im = (unsigned long long)m, t = im;
		int digits = 0, sig;
		for (; t; t /= 10)
			digits++;
		sig = digits;
		for (t = im; k == 0 && sig > 1 && t % 10 == 0; t /= 10)
			sig--;   /* %g counts an integer's trailing zeros out */
		int x = digits - 1 - k;   /* the leading digit's power of ten */
		if (x < -4 || x >= sig)
			return 0;   /* %g writes it with an exponent */
		unsigned long long pk = (unsigned long long)p10;
		if (f < 0)
			buf_putc(out, '-');
		buf_put_uint_padded(out, im / pk, 1);
		if (k) {
			buf_putc(out, '.');
			buf_put_uint_padded(out, im % pk, k);
		}
		return 1;
	}
	return 0;
}

void value_format_double(double f, struct buf *out)
{
	if (!isnan(f) && !isinf(f) && format_short_decimal(f, out))
		return;
	if (isnan(f)) {
		buf_puts(out, "nan");
		return;
	}
	if (isinf(f)) {
		buf_puts(out, f < 0 ? "-inf" : "inf");
		return;
	}
	/* The fewest significant digits that read back as f. Away from a power
	 * of two the interval that rounds to f is symmetric, so if p digits read
	 * back, p + 1 (nearer f) do too: a binary search finds the same p as
	 * trying 1, 2, 3... in turn, in 5 steps instead of up to 17. */
	char tmp[40];
	int e;
	if (frexp(f, &e) == 0.5 || frexp(f, &e) == -0.5 || f == 0) {
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(tmp, sizeof tmp, "%.*g", prec, f);
			if (strtod(tmp, NULL) == f)
				break;
		}
	} else {
		/* Most computed ratios need 16 or 17 digits: those are tried first. */
		int lo = 1, hi = 17;
		snprintf(tmp, sizeof tmp, "%.15g", f);
		if (strtod(tmp, NULL) == f) {
			hi = 15;
		} else {
			snprintf(tmp, sizeof tmp, "%.16g", f);
			lo = hi = strtod(tmp, NULL) == f ? 16 : 17;
		}
		while (lo < hi) {
			int mid = (lo + hi) / 2;
			snprintf(tmp, sizeof tmp, "%.*g", mid, f);
			if (strtod(tmp, NULL) == f)
				hi = mid;
			else
				lo = mid + 1;
		}
		if (lo != 16)
			snprintf(tmp, sizeof tmp, "%.*g", lo, f);
	}
	buf_puts(out, tmp);
}

void datetime_format(const struct datetime *dt, struct buf *out)
{
	if (dt->kind != DT_TIME && dt->year >= 0 && dt->month >= 0 && dt->day >= 0) {
		/* The common case without printf: templates format many dates. */
		buf_put_uint_padded(out, (unsigned)dt->year, 4);
		buf_putc(out, '-');
		buf_put_uint_padded(out, (unsigned)dt->month, 2);
		buf_putc(out, '-');
		buf_put_uint_padded(out, (unsigned)dt->day, 2);
	} else if (dt->kind != DT_TIME) {
		buf_printf(out, "%04d-%02d-%02d", dt->year, dt->month, dt->day);
	}
	if (dt->kind == DT_DATE)
		return;
	if (dt->kind != DT_TIME)
		buf_putc(out, 'T');
	buf_printf(out, "%02d:%02d:%02d", dt->hour, dt->minute, dt->second);
	if (dt->nanos) {
		char frac[16];
		snprintf(frac, sizeof frac, "%09d", dt->nanos);
		int n = 9;
		while (n > 1 && frac[n - 1] == '0')
			n--;
		buf_printf(out, ".%.*s", n, frac);
	}
	if (dt->kind == DT_OFFSET) {
		if (dt->offset_min == 0) {
			buf_putc(out, 'Z');
		} else {
			int m = dt->offset_min < 0 ? -dt->offset_min : dt->offset_min;
			buf_printf(out, "%c%02d:%02d", dt->offset_min < 0 ? '-' : '+', m / 60, m % 60);
		}
	}
}

/* Howard Hinnant's days_from_civil. */
int64_t datetime_days(int year, int month, int day)
{
	int64_t y = (int64_t)year - (month <= 2);
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t mp = (month + 9) % 12;
	int64_t doy = (153 * mp + 2) / 5 + day - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
	return era * 146097 + doe - 719468;
}

void datetime_from_days(int64_t z, int *year, int *month, int *day)
{
	z += 719468;
	int64_t era = (z >= 0 ? z : z - 146096) / 146097;
	int64_t doe = z - era * 146097;
	int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
	int64_t y = yoe + era * 400;
	int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
	int64_t mp = (5 * doy + 2) / 153;
	int d = (int)(doy - (153 * mp + 2) / 5 + 1);
	int m = (int)(mp < 10 ? mp + 3 : mp - 9);
	*year = (int)(y + (m <= 2));
	*month = m;
	*day = d;
}

void datetime_set_days(struct datetime *dt, int64_t days)
{
	int y, m, d;
	datetime_from_days(days, &y, &m, &d);
	dt->year = y;
	dt->month = (int8_t)m;
	dt->day = (int8_t)d;
}

int datetime_month_days(int year, int month)
{
	static const int mdays[] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };
	if (month < 1 || month > 12)
		return 0;
	int leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
	return mdays[month - 1] + (month == 2 && leap);
}

int datetime_valid_date(int year, int month, int day)
{
	return day >= 1 && day <= datetime_month_days(year, month);
}

static int64_t dt_seconds(const struct datetime *d)
{
	int64_t s = 0;
	if (d->kind != DT_TIME)
		s = datetime_days(d->year, d->month, d->day) * 86400;
	s += d->hour * 3600 + d->minute * 60 + d->second;
	if (d->kind == DT_OFFSET)
		s -= d->offset_min * 60;
	return s;
}

int datetime_cmp(const struct datetime *a, const struct datetime *b)
{
	int64_t x = dt_seconds(a), y = dt_seconds(b);
	if (x != y)
		return x < y ? -1 : 1;
	return a->nanos < b->nanos ? -1 : a->nanos > b->nanos;
}

void value_to_text(const struct value *v, struct buf *out)
{
	if (!v)
		return;
	switch (v->kind) {
	case V_NULL: break;
	case V_BOOL: buf_puts(out, v->u.b ? "true" : "false"); break;
	case V_INT: buf_put_int(out, (long long)v->u.i); break;
	case V_FLOAT: value_format_double(v->u.f, out); break;
	case V_STRING: buf_put(out, v->u.str.s, v->u.str.len); break;
	case V_DATETIME: datetime_format(&v->u.dt, out); break;
	case V_ARRAY:
		for (size_t i = 0; i < v->u.arr.n; i++) {
			if (i)
				buf_putc(out, ',');
			value_to_text(v->u.arr.v[i], out);
		}
		break;
	case V_TABLE:
	case V_FUNC:
		break;
	}
}

struct value *value_copy(struct arena *a, const struct value *v)
{
	if (!v)
		return NULL;
	struct value *c = value_new(a, v->kind, v->pos);
	c->flags = v->flags;
	switch (v->kind) {
	case V_STRING:
		c->u.str.s = arena_strndup(a, v->u.str.s, v->u.str.len);
		c->u.str.len = v->u.str.len;
		break;
	case V_ARRAY:
		for (size_t i = 0; i < v->u.arr.n; i++)
			value_push(a, c, value_copy(a, v->u.arr.v[i]));
		break;
	case V_TABLE:
		for (size_t i = 0; i < v->u.tab.n; i++)
			value_set(a, c, v->u.tab.v[i].key, value_pair_keylen(&v->u.tab.v[i]),
			          value_copy(a, value_pair_val(&v->u.tab.v[i])));
		break;
	default:
		c->u = v->u;
		break;
	}
	return c;
}

int value_digest(const struct value *v, struct digest *h, const struct value_memo *memo)
{
	if (!v) {
		digest_u64(h, 0xff);
		return 0;
	}
	const unsigned char *known = memo && v->kind >= V_ARRAY ? memo->find(memo->ud, v) : NULL;
	if (known) {
		digest_u64(h, 0x100);
		digest_feed(h, known, 16);
		return 0;
	}
	/* The kind and a length or a scalar in one word where they fit. */
	switch (v->kind) {
	case V_NULL:
		digest_u64(h, V_NULL);
		return 0;
	case V_BOOL:
		digest_u64(h, V_BOOL | (uint64_t)(v->u.b != 0) << 8);
		return 0;
	case V_INT:
		digest_u64(h, V_INT);
		digest_u64(h, (uint64_t)v->u.i);
		return 0;
	case V_FLOAT: {
		uint64_t bits;
		memcpy(&bits, &v->u.f, sizeof bits);
		digest_u64(h, V_FLOAT);
		digest_u64(h, bits);
		return 0;
	}
	case V_STRING:
		digest_u64(h, V_STRING | (uint64_t)v->u.str.len << 8);
		digest_update(h, v->u.str.s, v->u.str.len);
		return 0;
	case V_DATETIME: {
		const struct datetime *d = &v->u.dt;
		int64_t f[] = { V_DATETIME | (int64_t)d->kind << 8, d->year, d->month, d->day, d->hour, d->minute,
		                d->second, d->nanos, d->offset_min };
		digest_feed(h, f, sizeof f);
		return 0;
	}
	case V_ARRAY:
		digest_u64(h, V_ARRAY | (uint64_t)v->u.arr.n << 8);
		for (uint32_t i = 0; i < v->u.arr.n; i++)
			if (value_digest(v->u.arr.v[i], h, memo) < 0)
				return -1;
		return 0;
	case V_TABLE:
		digest_u64(h, V_TABLE | (uint64_t)v->u.tab.n << 8);
		for (uint32_t i = 0; i < v->u.tab.n; i++) {
			const struct value_pair *p = &v->u.tab.v[i];
			size_t keylen = value_pair_keylen(p);
			digest_u64(h, keylen);
			digest_update(h, p->key, keylen);
			if (value_digest(value_pair_val(p), h, memo) < 0)
				return -1;
		}
		return 0;
	case V_FUNC:
		return -1;
	}
	return -1;
}
