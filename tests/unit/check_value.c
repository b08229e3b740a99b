/* check_value.c: the value tree, JSON, buffers, arena, diagnostics and UTF-8 helpers. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "digest.h"
#include "json.h"
#include "utf8.h"
#include "value.h"

static void test_json_roundtrip(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	const char *src = "{\"b\": [1, 1.21, true, null, \"x\\u00e9\\n\"], \"a\": {}}";
	struct value *v = json_parse(a, "t.json", src, strlen(src), &d);
	CHECK(v != NULL);
	struct buf out = BUF_INIT;
	json_write(v, 0, &out);
	CHECK_STR(buf_cstr(&out), "{\"b\":[1,1.21,true,null,\"x\xc3\xa9\\n\"],\"a\":{}}");
	CHECK_INT(value_len(value_path(v, "b")), 5);
	CHECK_INT(value_get(v, "b")->pos.line, 1);
	CHECK_INT(value_get(v, "b")->pos.col, 7);
	buf_reset(&out);
	const char *bad = "{\n  \"a\": [1,\n  2 x]\n}";
	CHECK(json_parse(a, "bad.json", bad, strlen(bad), &d) == NULL);
	CHECK_INT(d.nerrors, 1);
	diag_format(&d.v[0], &out);
	CHECK_STR(buf_cstr(&out), "bad.json:3:5: error: expected ',' or ']'\n    3 |   2 x]\n      |     ^\n");
	buf_free(&out);
	diags_free(&d);
	arena_free(a);
}

static void test_utf8(void)
{
	const char *zh = "一、总体要求";
	CHECK_INT(utf8_invalid_at(zh, strlen(zh)), strlen(zh));
	CHECK_INT(utf8_count(zh, strlen(zh)), 6);
	CHECK_INT(utf8_floor(zh, strlen(zh), 4), 3);
	CHECK_INT(utf8_invalid_at("ab\xff", 3), 2);
	CHECK_INT(utf8_invalid_at("\xed\xa0\x80", 3), 0);   /* surrogate */
	CHECK_INT(utf8_invalid_at("\xc0\xaf", 2), 0);       /* overlong */
	CHECK(utf8_is_cjk(0x4E00));
	CHECK(utf8_is_cjk(0x3002));
	CHECK(!utf8_is_cjk('a'));
	CHECK(utf8_is_punct(0x201C));
	CHECK(utf8_is_punct(0x3001));
	CHECK(!utf8_is_punct(0x4E3B));
	/* 中文 in GB18030 */
	CHECK(utf8_looks_gb18030("\xd6\xd0\xce\xc4", 4));
	CHECK(!utf8_looks_gb18030("abc", 3));
}

static void test_datetime(void)
{
	int y, m, d;
	CHECK_INT(datetime_days(1970, 1, 1), 0);
	CHECK_INT(datetime_days(2019, 6, 30), 18077);
	datetime_from_days(18077, &y, &m, &d);
	CHECK(y == 2019 && m == 6 && d == 30);
	CHECK(datetime_valid_date(2020, 2, 29));
	CHECK(!datetime_valid_date(2019, 2, 29));
	struct datetime dt = { .kind = DT_OFFSET, .year = 1979, .month = 5, .day = 27, .hour = 7, .minute = 32,
	                       .second = 0, .nanos = 500000000, .offset_min = -420 };
	struct buf b = BUF_INIT;
	datetime_format(&dt, &b);
	CHECK_STR(buf_cstr(&b), "1979-05-27T07:32:00.5-07:00");
	buf_reset(&b);
	value_format_double(0.1 + 0.2, &b);
	CHECK_STR(buf_cstr(&b), "0.30000000000000004");
	/* The fewest digits that read back, as trying 1, 2, ... 17 in turn finds
	 * (powers of two take that path; the rest a binary search). */
	static const struct { double f; const char *want; } fs[] = {
		{ 80.0, "8e+01" }, { 21.6, "21.6" }, { 0.8352941176470589, "0.8352941176470589" },
		{ 0.5, "0.5" }, { 1024.0, "1024" }, { 0.125, "0.125" }, { -2.5, "-2.5" }, { 0.0, "0" },
		{ 1e300, "1e+300" }, { 9.313225746154785e-10, "9.313225746154785e-10" }, { 100.0, "1e+02" },
	};
	for (size_t i = 0; i < sizeof fs / sizeof *fs; i++) {
		buf_reset(&b);
		value_format_double(fs[i].f, &b);
		CHECK_STR(buf_cstr(&b), fs[i].want);
	}
	/* Short decimals (written without printf) as the general way writes
	 * them: the fewest %g digits, tried 1, 2, ... 17 in turn. */
	static const double edges[] = { 1e-4, -1e-4, 0.00012, 0.000123, 0.36, -0.36, 9.4, 46.5, 99999.5, 123456789.0,
	                                999999999.0, 1200000.0, 1e8, 120.0, 0.1, 0.7, 1234.5678, 33.333333,
	                                0.333333, 1e9 - 0.5, 2.675, 1.005, 1e-5, 5e-5 };
	unsigned long long seed = 88172645463325252ull;
	char want[40];
	int same = 1;
	for (size_t i = 0; i < 200000 && same; i++) {
		double f;
		if (i < sizeof edges / sizeof *edges) {
			f = edges[i];
		} else {
			seed ^= seed << 13, seed ^= seed >> 7, seed ^= seed << 17;
			long long n = (long long)(seed % 2000000001ull) - 1000000000;
			static const double scale[] = { 1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e9, 1e12 };
			f = (double)n / scale[(seed >> 40) % 10];
			if ((seed >> 50) % 7 == 0)
				f = (double)(seed >> 11) / 9007199254740992.0 * 1000;   /* any double */
		}
		for (int prec = 1; prec <= 17; prec++) {
			snprintf(want, sizeof want, "%.*g", prec, f);
			if (strtod(want, NULL) == f)
				break;
		}
		buf_reset(&b);
		value_format_double(f, &b);
		if (strcmp(buf_cstr(&b), want) != 0) {
			fprintf(stderr, "value_format_double(%.17g): %s, want %s\n", f, buf_cstr(&b), want);
			same = 0;
		}
	}
	CHECK(same);
	buf_reset(&b);
	struct datetime day = { .kind = DT_DATE, .year = 2018, .month = 12, .day = 1 };
	datetime_format(&day, &b);
	CHECK_STR(buf_cstr(&b), "2018-12-01");
	buf_free(&b);
}

static void test_arena_table(void)
{
	struct arena *a = arena_new();
	struct pos p = { 0 };
	struct value *t = value_table(a, p);
	for (int i = 0; i < 100; i++) {
		char k[16];
		snprintf(k, sizeof k, "k%d", i);
		value_setc(a, t, k, value_int(a, i, p));
	}
	value_setc(a, t, "k5", value_int(a, 500, p));
	CHECK_INT(value_len(t), 100);
	CHECK_INT(value_get(t, "k5")->u.i, 500);
	CHECK_INT(value_get(t, "k99")->u.i, 99);
	CHECK(value_get(t, "nope") == NULL);
	/* value_set_key borrows its key and replaces as value_set does. */
	static const char lit[] = "borrowed";
	value_set_key(a, t, lit, value_int(a, 1, p));
	value_set_key(a, t, lit, value_int(a, 2, p));
	value_set_key(a, t, "k7", value_int(a, 700, p));
	CHECK_INT(value_len(t), 101);
	CHECK(value_pair_at(t, 100)->key == lit);
	CHECK_INT(value_get(t, "borrowed")->u.i, 2);
	CHECK_INT(value_get(t, "k7")->u.i, 700);
	char *big = arena_alloc(a, 1 << 20);
	big[(1 << 20) - 1] = 1;
	CHECK(arena_used(a) >= (1 << 20));
	arena_free(a);
}

/* value_len, value_at, value_pair_at and the iterator: NULL, other kinds,
 * out of range, empty containers, and order (a table's is insertion's). */
static void test_accessors(void)
{
	struct arena *a = arena_new();
	struct pos p = { 0 };
	struct value *s = value_cstring(a, "abc", p), *arr = value_array(a, p), *t = value_table(a, p);
	const char *key;
	size_t keylen;
	struct value *val;
	struct value_iter it;

	CHECK_INT(value_len(NULL), 0);
	CHECK_INT(value_len(s), 0);   /* a string has no elements, whatever its length */
	CHECK_INT(value_len(arr), 0);
	CHECK_INT(value_len(t), 0);
	CHECK(value_at(NULL, 0) == NULL);
	CHECK(value_at(arr, 0) == NULL);
	CHECK(value_pair_at(NULL, 0) == NULL);
	CHECK(value_pair_at(t, 0) == NULL);
	const struct value *none[] = { NULL, s, arr, t };
	for (size_t i = 0; i < sizeof none / sizeof *none; i++) {
		it = value_iter_init(none[i]);
		CHECK(!value_next(&it, &key, &keylen, &val));
		CHECK(!value_next(&it, NULL, NULL, NULL));   /* stays at the end */
	}

	for (int i = 0; i < 3; i++)
		value_push(a, arr, value_int(a, 10 + i, p));
	value_setc(a, t, "zeta", value_int(a, 1, p));
	value_set(a, t, "a\0b", 3, value_int(a, 2, p));
	value_setc(a, t, "mid", value_int(a, 3, p));
	value_setc(a, t, "zeta", value_int(a, 4, p));   /* replaced in place, not moved */

	CHECK_INT(value_len(arr), 3);
	CHECK_INT(value_at(arr, 0)->u.i, 10);
	CHECK_INT(value_at(arr, 2)->u.i, 12);
	CHECK(value_at(arr, 3) == NULL);
	CHECK(value_at(arr, (size_t)-1) == NULL);
	CHECK(value_at(t, 0) == NULL);          /* a table has pairs, not elements */
	CHECK(value_pair_at(arr, 0) == NULL);
	CHECK_INT(value_len(t), 3);
	CHECK_STR(value_pair_at(t, 0)->key, "zeta");
	CHECK_INT(value_pair_val(value_pair_at(t, 0))->u.i, 4);
	CHECK_INT(value_pair_keylen(value_pair_at(t, 1)), 3);
	CHECK(memcmp(value_pair_at(t, 1)->key, "a\0b", 3) == 0);
	CHECK_STR(value_pair_at(t, 2)->key, "mid");
	CHECK(value_pair_at(t, 3) == NULL);

	int64_t seen = 0;
	it = value_iter_init(arr);
	while (value_next(&it, &key, &keylen, &val)) {
		CHECK(key == NULL);
		CHECK_INT(keylen, 0);
		CHECK(val == value_at(arr, it.i - 1));
		seen = seen * 100 + val->u.i;
	}
	CHECK_INT(seen, 101112);
	CHECK(!value_next(&it, &key, &keylen, &val));

	static const char *const want[] = { "zeta", "a", "mid" };
	static const size_t wantlen[] = { 4, 3, 3 };
	size_t n = 0;
	it = value_iter_init(t);
	while (value_next(&it, &key, &keylen, NULL)) {
		CHECK(n < 3 && strcmp(key, want[n]) == 0 && keylen == wantlen[n]);
		n++;
	}
	CHECK_INT(n, 3);
	seen = 0;
	it = value_iter_init(t);
	while (value_next(&it, NULL, NULL, &val))
		seen = seen * 10 + val->u.i;
	CHECK_INT(seen, 423);

	/* value_fill: only the keys t lacks, in from's order, values shared */
	struct value *f = value_table(a, p);
	value_setc(a, f, "mid", value_int(a, 9, p));
	value_setc(a, f, "new", arr);
	value_setc(a, f, "last", s);
	value_fill(a, t, f);
	value_fill(a, t, NULL);
	value_fill(a, t, arr);
	CHECK_INT(value_len(t), 5);
	CHECK_INT(value_get(t, "mid")->u.i, 3);
	CHECK_STR(value_pair_at(t, 3)->key, "new");
	CHECK(value_pair_val(value_pair_at(t, 3)) == arr);
	CHECK_STR(value_pair_at(t, 4)->key, "last");
	arena_free(a);
}

/* The digest of the JSON text as a value (memo may be NULL), as 32 hex digits. */
static const char *vdig(struct arena *a, const char *json, const struct value_memo *memo)
{
	static char hex[2 * DIGEST_LEN + 1];
	struct diags d;
	diags_init(&d);
	struct value *v = json_parse(a, "t.json", json, strlen(json), &d);
	diags_free(&d);
	struct digest h;
	unsigned char out[DIGEST_LEN];
	digest_init(&h);
	if (!v || value_digest(v, &h, memo) < 0)
		return "(none)";
	digest_final(&h, out);
	for (int i = 0; i < DIGEST_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", out[i]);
	return hex;
}

static const struct value *memo_target;
static const unsigned char memo_digest[DIGEST_LEN] = { 1, 2, 3 };

static const unsigned char *memo_find(const void *ud, const struct value *v)
{
	(void)ud;
	return v == memo_target ? memo_digest : NULL;
}

static void test_digest(void)
{
	struct arena *a = arena_new();
	char first[2 * DIGEST_LEN + 1];
	snprintf(first, sizeof first, "%s", vdig(a, "{\"a\": [1, \"x\", true, null, 1.5]}", NULL));
	CHECK_STR(vdig(a, "{\"a\": [1, \"x\", true, null, 1.5]}", NULL), first);   /* the same again */
	/* Whatever differs, differs: a value, a kind, an order, a key, nesting. */
	const char *other[] = {
		"{\"a\": [1, \"x\", true, null, 1.25]}", "{\"a\": [\"1\", \"x\", true, null, 1.5]}",
		"{\"a\": [\"x\", 1, true, null, 1.5]}", "{\"b\": [1, \"x\", true, null, 1.5]}",
		"{\"a\": [[1, \"x\"], true, null, 1.5]}", "{\"a\": [1, \"x\", false, null, 1.5]}",
		"{\"a\": [1, \"x\", true, 1.5]}", "{\"a\": [1, \"x\", true, null, 1.5], \"c\": {}}",
	};
	for (size_t i = 0; i < sizeof other / sizeof *other; i++)
		CHECK(strcmp(vdig(a, other[i], NULL), first) != 0);
	/* Strings that only concatenate alike stay apart. */
	snprintf(first, sizeof first, "%s", vdig(a, "[\"ab\", \"c\"]", NULL));
	CHECK(strcmp(vdig(a, "[\"a\", \"bc\"]", NULL), first) != 0);
	/* A value the memo knows feeds its digest, not its contents. */
	struct diags d;
	diags_init(&d);
	const char *src = "{\"k\": {\"big\": [1, 2, 3]}}";
	struct value *v = json_parse(a, "t.json", src, strlen(src), &d);
	memo_target = value_get(v, "k");
	struct value_memo memo = { memo_find, NULL };
	struct digest h1, h2;
	digest_init(&h1);
	digest_init(&h2);
	CHECK(value_digest(v, &h1, &memo) == 0);
	CHECK(value_digest(v, &h2, NULL) == 0);
	unsigned char d1[DIGEST_LEN], d2[DIGEST_LEN];
	digest_final(&h1, d1);
	digest_final(&h2, d2);
	CHECK(memcmp(d1, d2, DIGEST_LEN) != 0);
	/* A function has no digest. */
	struct value *f = value_new(a, V_FUNC, (struct pos){ 0 });
	value_setc(a, v, "f", f);
	CHECK(value_digest(v, &h1, NULL) == -1);
	diags_free(&d);
	arena_free(a);
}

/* value_compact: a list and a table grown in a scratch arena, moved into
 * the keeping one exactly sized; the scratch arena freed, they read the same
 * (a table of more than VALUE_INDEX_MIN keys through its new index). */
static void test_compact(void)
{
	struct arena *keep = arena_new(), *grow = arena_new();
	struct pos nopos = { 0 };
	struct value *list = value_array(keep, nopos), *t = value_table(keep, nopos), *empty = value_table(keep, nopos);
	enum { NK = VALUE_INDEX_MIN + 12 };
	char keys[NK][4];
	for (int i = 0; i < NK; i++)
		snprintf(keys[i], sizeof keys[i], "k%02d", i);
	for (int i = 0; i < NK; i++) {
		value_push(grow, list, value_int(keep, i, nopos));
		value_append_key(grow, t, keys[i], 3, value_int(keep, 100 + i, nopos));
	}
	value_compact(keep, list);
	value_compact(keep, t);
	value_compact(keep, empty);
	size_t before = arena_used(keep);
	arena_free(grow);
	CHECK_INT(list->u.arr.cap, NK);
	CHECK_INT(t->u.tab.cap, NK);
	CHECK_INT(value_len(empty), 0);
	int same = value_len(list) == NK && value_len(t) == NK;
	for (int i = 0; i < NK && same; i++)
		same = value_at(list, (size_t)i)->u.i == i && value_get(t, keys[i]) && value_get(t, keys[i])->u.i == 100 + i &&
		       strcmp(value_pair_at(t, (size_t)i)->key, keys[i]) == 0;
	CHECK(same);
	CHECK(value_get(t, "zzz") == NULL);
	/* It grows on from there, in the keeping arena. */
	value_append_key(keep, t, "zzz", 3, value_int(keep, 120, nopos));
	CHECK(value_get(t, "zzz") && value_get(t, "k19") && arena_used(keep) > before);
	arena_free(keep);
}

/* A pair is 16 bytes: keys that hold a NUL are marked and carry their length
 * (value.h); everything else measures its key. Both kinds side by side, in
 * tables scanned and indexed. */
static void test_nul_keys(void)
{
	CHECK_INT(sizeof(struct value_pair), 16);
	struct arena *a = arena_new();
	struct pos p = { 0 };
	for (int big = 0; big < 2; big++) {
		struct value *t = value_table(a, p);
		for (int i = 0; big && i < 2 * VALUE_INDEX_MIN; i++) {
			char k[16];
			snprintf(k, sizeof k, "k%d", i);
			value_setc(a, t, k, value_int(a, i, p));
		}
		value_set(a, t, "a\0b", 3, value_int(a, 1, p));
		value_set(a, t, "a", 1, value_int(a, 2, p));
		value_set(a, t, "\0", 1, value_int(a, 3, p));
		value_set(a, t, "", 0, value_int(a, 4, p));
		value_set(a, t, "a\0c", 3, value_int(a, 5, p));
		CHECK_INT(value_getn(t, "a\0b", 3)->u.i, 1);
		CHECK_INT(value_getn(t, "a", 1)->u.i, 2);
		CHECK_INT(value_get(t, "a")->u.i, 2);
		CHECK_INT(value_getn(t, "\0", 1)->u.i, 3);
		CHECK_INT(value_getn(t, "", 0)->u.i, 4);
		CHECK_INT(value_getn(t, "a\0c", 3)->u.i, 5);
		CHECK(value_getn(t, "a\0", 2) == NULL);
		CHECK(value_getn(t, "a\0bc", 4) == NULL);
		CHECK(value_getn(t, "ab", 2) == NULL);
		/* replaced in place: the key keeps its mark and length */
		value_set(a, t, "a\0b", 3, value_int(a, 6, p));
		size_t at = big ? 2 * VALUE_INDEX_MIN : 0;
		CHECK_INT(value_pair_keylen(value_pair_at(t, at)), 3);
		CHECK_INT(value_pair_val(value_pair_at(t, at))->u.i, 6);
		CHECK_INT(value_pair_keylen(value_pair_at(t, at + 1)), 1);
		CHECK_INT(value_pair_keylen(value_pair_at(t, at + 3)), 0);
		/* borrowed keys, copies and fills keep them apart too */
		struct value *u = value_table(a, p);
		const struct value_pair *kv = value_pair_at(t, at + 4);
		value_append_key(a, u, kv->key, value_pair_keylen(kv), value_pair_val(kv));
		value_fill(a, u, t);
		CHECK_INT(value_len(u), value_len(t));
		CHECK_INT(value_getn(u, "a\0c", 3)->u.i, 5);
		CHECK_INT(value_getn(u, "a\0b", 3)->u.i, 6);
		struct value *c = value_copy(a, t);
		CHECK_INT(value_getn(c, "\0", 1)->u.i, 3);
		CHECK_INT(value_getn(c, "a", 1)->u.i, 2);
		/* a key with a NUL digests apart from its first part */
		struct value *x = value_table(a, p), *y = value_table(a, p);
		value_set(a, x, "a\0b", 3, value_int(a, 1, p));
		value_set(a, y, "a", 1, value_int(a, 1, p));
		unsigned char gx[DIGEST_LEN], gy[DIGEST_LEN];
		struct digest h;
		digest_init(&h);
		value_digest(x, &h, NULL);
		digest_final(&h, gx);
		digest_init(&h);
		value_digest(y, &h, NULL);
		digest_final(&h, gy);
		CHECK(memcmp(gx, gy, DIGEST_LEN) != 0);
	}
	arena_free(a);
}

/* Keys past the length a pair's tag holds (VALUE_KEYLEN_TAG_MAX) are
 * measured: keys of lengths around it stay apart, found and counted right. */
static void test_long_keys(void)
{
	struct arena *a = arena_new();
	struct pos p = { 0 };
	size_t lens[] = { VALUE_KEYLEN_TAG_MAX - 1, VALUE_KEYLEN_TAG_MAX, VALUE_KEYLEN_TAG_MAX + 1, 70000 };
	size_t n = sizeof lens / sizeof *lens;
	char *k = malloc(70002);
	memset(k, 'k', 70001);
	k[70001] = '\0';
	struct value *t = value_table(a, p);
	for (size_t i = 0; i < n; i++)
		value_set(a, t, k, lens[i], value_int(a, (int64_t)i, p));
	CHECK_INT(value_len(t), n);
	for (size_t i = 0; i < n; i++) {
		CHECK_INT(value_pair_keylen(value_pair_at(t, i)), lens[i]);
		const struct value *v = value_getn(t, k, lens[i]);
		CHECK(v && v->u.i == (int64_t)i);
	}
	CHECK(value_getn(t, k, 70001) == NULL);
	CHECK(value_getn(t, k, VALUE_KEYLEN_TAG_MAX + 2) == NULL);
	struct value *one = value_int(a, 7, p);
	struct value_pair tk = value_pair_of("type", 4, one);
	CHECK_INT(value_pair_keylen(&tk), 4);
	CHECK(value_pair_val(&tk) == one);
	free(k);
	arena_free(a);
}

int main(void)
{
	test_compact();
	test_nul_keys();
	test_long_keys();
	test_nul_keys();
	test_long_keys();
	test_digest();
	test_accessors();
	test_json_roundtrip();
	test_utf8();
	test_datetime();
	test_arena_table();
	return CHECK_DONE("check_value");
}
