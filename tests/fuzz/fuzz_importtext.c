/* fuzz_importtext.c: libFuzzer target for the importer's text functions: repair
 * (import_repair, cntext_fold_line), Chinese numerals and dates, splitting, and
 * YAML quoting, which must read back through the front-matter parser unchanged. */
#include "fuzz.h"

#include "cntext.h"
#include "frontmatter.h"
#include "import.h"

static void part(void *ud, const char *s, size_t n)
{
	const char *whole = ((const char **)ud)[0], *end = ((const char **)ud)[1];
	if (!n || s < whole || s + n > end || utf8_invalid_at(s, n) != n)
		abort();   /* parts are non-empty slices of s, on character boundaries */
}

/* import_yaml_string(s) as a mapping value and in a flow sequence reads back as s. */
static void yaml_round_trip(struct arena *a, const char *s, size_t n)
{
	struct buf y = BUF_INIT;
	buf_puts(&y, "k: ");
	import_yaml_string(s, n, &y);
	buf_puts(&y, "\nl: [");
	import_yaml_string(s, n, &y);
	buf_puts(&y, "]\n");
	struct diags d;
	diags_init(&d);
	struct value *v = fm_yaml(a, "t.md", y.data, y.len, 0, y.len, &d);
	const struct value *k = v ? value_get(v, "k") : NULL, *l = v ? value_get(v, "l") : NULL;
	const struct value *l0 = value_is(l, V_ARRAY) && value_len(l) == 1 ? value_at(l, 0) : NULL;
	if (!value_is(k, V_STRING) || k->u.str.len != n || memcmp(k->u.str.s, s, n) != 0 ||
	    !value_is(l0, V_STRING) || l0->u.str.len != n || memcmp(l0->u.str.s, s, n) != 0) {
		fprintf(stderr, "YAML written: [%.*s]\n", (int)y.len, y.data);
		diags_print(&d, stderr);
		abort();
	}
	diags_free(&d);
	buf_free(&y);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	if (!fuzz_is_text(s, size))
		return -1;
	struct arena *a = arena_new();
	struct buf rep = BUF_INIT;
	import_repair(s, size, &rep);
	if (utf8_invalid_at(rep.data ? rep.data : "", rep.len) != rep.len)
		abort();   /* repair keeps the text valid UTF-8 */

	/* Line by line, as the rules see the repaired text. */
	const char *t = rep.data ? rep.data : "";
	for (size_t i = 0; i < rep.len;) {
		const char *nl = memchr(t + i, '\n', rep.len - i);
		size_t e = nl ? (size_t)(nl - t) : rep.len;
		const char *line = t + i;
		size_t n = e - i;
		long val;
		size_t used;
		if (cntext_number(line, n, &val, &used) && (used == 0 || used > n || val < 0))
			abort();
		struct cntext_date dt;
		if (cntext_date(line, n, 2019, &dt) &&
		    dt.year && !datetime_valid_date(dt.year, dt.month, dt.day))
			abort();   /* a date expression ends on a real day */
		const char *ends[2] = { line, line + n };
		cntext_split(line, n, "、，；", part, ends);
		struct buf f = BUF_INIT;
		cntext_fold_line(line, n, &f);
		if (utf8_invalid_at(f.data ? f.data : "", f.len) != f.len)
			abort();
		buf_free(&f);
		if (!fuzz_yaml_known_bad(line, n))
			yaml_round_trip(a, line, n);
		i = e + 1;
	}
	buf_free(&rep);
	arena_free(a);
	return 0;
}
