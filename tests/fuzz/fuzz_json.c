/* fuzz_json.c: libFuzzer target for JSON: parsing any bytes, and the round
 * trip write(read(x)) == write(read(write(read(x)))), compact and pretty. */
#include "fuzz.h"

#include <math.h>

#include "json.h"

/* 1 when v holds the float -0.0, which json_write writes as "-0" and reads
 * back as the integer 0: a known bug (tests/fuzz/known/json-negzero.md),
 * skipped unless built with FUZZ_KNOWN_BUGS=1. */
static int has_neg_zero(const struct value *v)
{
#ifdef FUZZ_KNOWN_BUGS
	return 0;
#else
	if (v->kind == V_FLOAT)
		return v->u.f == 0 && signbit(v->u.f);
	if (v->kind == V_ARRAY)
		for (size_t i = 0; i < value_len(v); i++)
			if (has_neg_zero(value_at(v, i)))
				return 1;
	if (v->kind == V_TABLE)
		for (size_t i = 0; i < value_len(v); i++)
			if (has_neg_zero(value_pair_val(value_pair_at(v, i))))
				return 1;
	return 0;
#endif
}

static void round_trip(struct arena *a, const struct value *v, int pretty)
{
	struct buf w1 = BUF_INIT, w2 = BUF_INIT;
	struct diags d;
	diags_init(&d);
	json_write(v, pretty, &w1);
	struct value *v2 = json_parse(a, "w.json", w1.data ? w1.data : "", w1.len, &d);
	if (!v2) {
		diags_print(&d, stderr);
		abort();   /* what json_write writes, json_parse reads */
	}
	json_write(v2, pretty, &w2);
	if (w1.len != w2.len || memcmp(w1.data, w2.data, w1.len) != 0)
		abort();   /* and writes again byte for byte */
	diags_free(&d);
	buf_free(&w1);
	buf_free(&w2);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *v = json_parse(a, "f.json", s, size, &d);
	if ((v == NULL) != (d.nerrors > 0))
		abort();
	fuzz_check_diags(&d, s, size);
	if (v && !has_neg_zero(v)) {
		round_trip(a, v, 0);
		round_trip(a, v, 1);
	}
	diags_free(&d);
	arena_free(a);
	return 0;
}
