/* conf_toml.c: runs toml-test's TOML 1.0.0 files (valid and invalid) against toml_parse,
 * comparing decodings by upstream's rules (see conformance/toml/README.md). */
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "toml.h"
#include "utf8.h"
#include "value.h"
#include "xalloc.h"

/* Categories seen: valid/array, invalid/control, ... (a few dozen). */
#define MAX_CATS 64

struct cat {
	char name[64];
	int pass, fail;
};

static struct cat cats[MAX_CATS];
static int ncats;

/* Reads a whole file in binary mode; NULL if it cannot. The caller frees. */
static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char tmp[8192];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_put(&b, tmp, n);
	int err = ferror(f);
	fclose(f);
	if (err) {
		buf_free(&b);
		return NULL;
	}
	return buf_detach(&b, len);   /* never NULL, even for an empty file */
}

static void count(const char *test, int ok)
{
	/* "valid/array/x" -> "valid/array"; "valid/x" -> "valid" (the top-level ones) */
	char name[64];
	const char *slash = strchr(test, '/');
	const char *second = slash ? strchr(slash + 1, '/') : NULL;
	size_t n = second ? (size_t)(second - test) : slash ? (size_t)(slash - test) : strlen(test);
	snprintf(name, sizeof name, "%.*s", (int)n, test);
	int k;
	for (k = 0; k < ncats; k++)
		if (strcmp(cats[k].name, name) == 0)
			break;
	if (k == ncats) {
		if (ncats == MAX_CATS)
			k = MAX_CATS - 1;
		else
			snprintf(cats[ncats++].name, sizeof cats[0].name, "%s", name);
	}
	if (ok)
		cats[k].pass++;
	else
		cats[k].fail++;
}

/* ---- the tagged JSON form of a decoded document ---------------------------------- */

static struct value *tagged_scalar(struct arena *a, const char *type, const char *s, size_t n)
{
	struct pos p = { 0 };
	struct value *t = value_table(a, p);
	value_setc(a, t, "type", value_cstring(a, type, p));
	value_setc(a, t, "value", value_string(a, s, n, p));
	return t;
}

static struct value *tagged(struct arena *a, const struct value *v)
{
	struct pos p = { 0 };
	struct buf b = BUF_INIT;
	struct value *r = NULL;
	const char *type = NULL;
	switch (v->kind) {
	case V_TABLE:
		r = value_table(a, p);
		for (size_t k = 0; k < value_len(v); k++)
			value_set(a, r, value_pair_at(v, k)->key, value_pair_keylen(value_pair_at(v, k)), tagged(a, value_pair_val(value_pair_at(v, k))));
		return r;
	case V_ARRAY:
		r = value_array(a, p);
		for (size_t k = 0; k < value_len(v); k++)
			value_push(a, r, tagged(a, value_at(v, k)));
		return r;
	case V_STRING:
		return tagged_scalar(a, "string", v->u.str.s, v->u.str.len);
	case V_INT:
		type = "integer";
		buf_printf(&b, "%lld", (long long)v->u.i);
		break;
	case V_FLOAT:
		type = "float";
		if (isnan(v->u.f))
			buf_puts(&b, "nan");
		else if (isinf(v->u.f))
			buf_puts(&b, v->u.f < 0 ? "-inf" : "inf");
		else
			buf_printf(&b, "%.17g", v->u.f);
		break;
	case V_BOOL:
		type = "bool";
		buf_puts(&b, v->u.b ? "true" : "false");
		break;
	case V_DATETIME:
		type = v->u.dt.kind == DT_OFFSET ? "datetime" : v->u.dt.kind == DT_LOCAL ? "datetime-local"
		       : v->u.dt.kind == DT_DATE ? "date-local" : "time-local";
		datetime_format(&v->u.dt, &b);
		break;
	default:
		type = "unknown";
		break;
	}
	r = tagged_scalar(a, type, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* ---- upstream's comparison ---------------------------------------------------------- */

/* toml-test's isValue: an object with exactly the keys type and value. */
static int is_value(const struct value *v)
{
	return v->kind == V_TABLE && value_len(v) == 2 && value_is(value_get(v, "type"), V_STRING) &&
	       value_is(value_get(v, "value"), V_STRING);
}

static int num(const char *s, size_t *k, int n)
{
	int v = 0;
	for (int j = 0; j < n; j++, (*k)++) {
		if (!IS_ASCII_DIGIT(s[*k]))
			return -1;
		v = v * 10 + s[*k] - '0';
	}
	return v;
}

/* An RFC 3339 form of the given toml-test type as seconds (UTC for "datetime") and
 * nanoseconds; -1 if it does not parse. */
static int instant(const char *type, const char *in, long long *sec, long *ns)
{
	char s[64];
	size_t n = strlen(in), k = 0;
	if (n >= sizeof s)
		return -1;
	for (size_t j = 0; j <= n; j++)
		s[j] = in[j] == ' ' || in[j] == 't' ? 'T' : in[j] == 'z' ? 'Z' : in[j];
	long long days = 0;
	int h = 0, mi = 0, se = 0, off = 0;
	*ns = 0;
	if (strcmp(type, "time-local") != 0) {
		int y = num(s, &k, 4);
		if (y < 0 || s[k++] != '-')
			return -1;
		int mo = num(s, &k, 2);
		if (mo < 0 || s[k++] != '-')
			return -1;
		int d = num(s, &k, 2);
		if (d < 0)
			return -1;
		days = datetime_days(y, mo, d);
		if (strcmp(type, "date-local") == 0)
			goto done;
		if (s[k++] != 'T')
			return -1;
	}
	h = num(s, &k, 2);
	if (h < 0 || s[k++] != ':')
		return -1;
	mi = num(s, &k, 2);
	if (mi < 0 || s[k++] != ':')
		return -1;
	se = num(s, &k, 2);
	if (se < 0)
		return -1;
	if (s[k] == '.') {
		long scale = 100000000;
		k++;
		while (IS_ASCII_DIGIT(s[k])) {
			*ns += (s[k++] - '0') * scale;
			scale /= 10;
		}
	}
	if (strcmp(type, "datetime") == 0) {
		if (s[k] == 'Z') {
			k++;
		} else if (s[k] == '+' || s[k] == '-') {
			int sign = s[k++] == '-' ? -1 : 1;
			int oh = num(s, &k, 2);
			if (oh < 0 || s[k++] != ':')
				return -1;
			int om = num(s, &k, 2);
			if (om < 0)
				return -1;
			off = sign * (oh * 60 + om);
		} else {
			return -1;
		}
	}
done:
	if (s[k] != '\0')
		return -1;
	*sec = days * 86400 + h * 3600 + mi * 60 + se - off * 60;
	return 0;
}

static int ends_nan(const char *s)
{
	size_t n = strlen(s);
	return n >= 3 && strcasecmp(s + n - 3, "nan") == 0;
}

static int same_scalar(const struct value *want, const struct value *got)
{
	const char *type = value_str(value_get(want, "type"), "");
	if (strcmp(type, value_str(value_get(got, "type"), "")) != 0)
		return 0;
	const struct value *w = value_get(want, "value"), *g = value_get(got, "value");
	if (strcmp(type, "string") == 0 || strcmp(type, "integer") == 0)
		return w->u.str.len == g->u.str.len && memcmp(w->u.str.s, g->u.str.s, w->u.str.len) == 0;
	if (strcmp(type, "bool") == 0)
		return strcasecmp(w->u.str.s, g->u.str.s) == 0;
	if (strcmp(type, "float") == 0) {
		if (ends_nan(w->u.str.s) || ends_nan(g->u.str.s))
			return ends_nan(w->u.str.s) && ends_nan(g->u.str.s);
		char *e1, *e2;
		double x = strtod(w->u.str.s, &e1), y = strtod(g->u.str.s, &e2);
		return *e1 == '\0' && *e2 == '\0' && x == y;
	}
	if (strcmp(type, "datetime") == 0 || strcmp(type, "datetime-local") == 0 ||
	    strcmp(type, "date-local") == 0 || strcmp(type, "time-local") == 0) {
		long long s1, s2;
		long n1, n2;
		if (instant(type, w->u.str.s, &s1, &n1) || instant(type, g->u.str.s, &s2, &n2))
			return 0;
		return s1 == s2 && n1 == n2;
	}
	return 0;
}

/* 1 if got matches want; else 0 with the path to the difference in where. */
static int same(const struct value *want, const struct value *got, struct buf *where)
{
	if (is_value(want) || is_value(got)) {
		if (is_value(want) && is_value(got) && same_scalar(want, got))
			return 1;
		buf_puts(where, ": want ");
		json_write(want, 0, where);
		buf_puts(where, ", got ");
		json_write(got, 0, where);
		return 0;
	}
	if (want->kind != got->kind) {
		buf_printf(where, ": want a %s, got a %s", value_kind_name(want->kind),
		           value_kind_name(got->kind));
		return 0;
	}
	if (want->kind == V_ARRAY) {
		if (value_len(want) != value_len(got)) {
			buf_printf(where, ": want %zu elements, got %zu", value_len(want), value_len(got));
			return 0;
		}
		for (size_t k = 0; k < value_len(want); k++) {
			size_t mark = where->len;
			buf_printf(where, "[%zu]", k);
			if (!same(value_at(want, k), value_at(got, k), where))
				return 0;
			buf_truncate(where, mark);
		}
		return 1;
	}
	if (want->kind == V_TABLE) {
		if (value_len(want) != value_len(got)) {
			buf_printf(where, ": want %zu keys, got %zu", value_len(want), value_len(got));
			return 0;
		}
		for (size_t k = 0; k < value_len(want); k++) {
			const struct value_pair *kv = value_pair_at(want, k);
			size_t mark = where->len;
			buf_putc(where, '.');
			buf_put(where, kv->key, value_pair_keylen(kv));
			const struct value *g = value_getn(got, kv->key, value_pair_keylen(kv));
			if (!g) {
				buf_puts(where, ": missing");
				return 0;
			}
			if (!same(value_pair_val(kv), g, where))
				return 0;
			buf_truncate(where, mark);
		}
		return 1;
	}
	buf_puts(where, ": unexpected JSON in the expected file");
	return 0;
}

/* ---- running the suite -------------------------------------------------------------- */

/* 1 if the test passes; otherwise 0 and a reason in why. */
static int run_one(const char *dir, const char *rel, struct buf *why)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	int ok = 0;
	size_t len = 0, jlen = 0;
	char *path = arena_printf(a, "%s/%s", dir, rel);
	char *src = slurp(path, &len);
	char *json = NULL;
	if (!src) {
		buf_printf(why, "cannot read %s", path);
		goto out;
	}
	struct value *root = toml_parse(a, rel, src, 0, len, &d);
	if (strncmp(rel, "invalid/", 8) == 0) {
		if (root) {
			buf_puts(why, "accepted an invalid document");
		} else if (d.nerrors == 0 || d.n == 0 || d.v[0].level != DIAG_ERROR) {
			buf_puts(why, "failed without an error diagnostic");
		} else if (d.v[0].line <= 0 || d.v[0].col <= 0) {
			buf_printf(why, "error without a position (%d:%d): %s", d.v[0].line, d.v[0].col,
			           d.v[0].msg);
		} else {
			ok = 1;
		}
		goto out;
	}
	if (!root) {
		buf_printf(why, "rejected: %d:%d: %s", d.n ? d.v[0].line : 0, d.n ? d.v[0].col : 0,
		           d.n ? d.v[0].msg : "(no diagnostic)");
		goto out;
	}
	char *jpath = arena_strdup(a, path);
	strcpy(jpath + strlen(jpath) - 5, ".json");
	json = slurp(jpath, &jlen);
	struct value *want = json ? json_parse(a, jpath, json, jlen, &d) : NULL;
	if (!want) {
		buf_printf(why, "cannot read %s", jpath);
		goto out;
	}
	buf_puts(why, "mismatch at (root)");
	ok = same(want, tagged(a, root), why);
out:
	free(src);
	free(json);
	diags_free(&d);
	arena_free(a);
	return ok;
}

int main(void)
{
	const char *base = getenv("PP_CONFORMANCE");
	char dir[4096], list[4200];
	int pass = 0, fail = 0;
	snprintf(dir, sizeof dir, "%s/toml/tests", base ? base : "../shared/conformance");
	snprintf(list, sizeof list, "%s/files-toml-1.0.0", dir);
	size_t len;
	char *names = slurp(list, &len);
	if (!names) {
		fprintf(stderr, "conf_toml: cannot read %s (set PP_CONFORMANCE)\n", list);
		printf("conf_toml: 0 passed, 1 failed\n");
		return 1;
	}
	struct buf why = BUF_INIT;
	char *line = names, *end = names + len;
	while (line < end) {
		char *nl = memchr(line, '\n', (size_t)(end - line));
		size_t n = nl ? (size_t)(nl - line) : (size_t)(end - line);
		char *next = nl ? nl + 1 : end;
		if (n > 0 && line[n - 1] == '\r')
			n--;
		line[n] = '\0';
		if (n > 5 && strcmp(line + n - 5, ".toml") == 0 &&
		    (strncmp(line, "valid/", 6) == 0 || strncmp(line, "invalid/", 8) == 0)) {
			buf_reset(&why);
			int ok = run_one(dir, line, &why);
			line[n - 5] = '\0';
			if (ok) {
				pass++;
			} else {
				fail++;
				fprintf(stderr, "FAIL %s: %s\n", line, buf_cstr(&why));
			}
			count(line, ok);
		}
		line = next;
	}
	for (int k = 0; k < ncats; k++)
		fprintf(stderr, "  %-24s %3d passed, %d failed\n", cats[k].name, cats[k].pass, cats[k].fail);
	buf_free(&why);
	free(names);
	printf("conf_toml: %d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
