/* conf_mustache.c: runs the official Mustache spec (v1.4, with the optional
 * inheritance, dynamic names and lambdas modules) against template.c. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "template.h"
#include "value.h"

/* ---- lambdas: the spec gives code in other languages; these are the C versions */

static int l_world(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_puts(out, "world");
	return 0;
}

static int l_planet(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_puts(out, "{{planet}}");
	return 0;
}

static int l_alt_delims(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_puts(out, "|planet| => {{planet}}");
	return 0;
}

static int l_counter(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	int *calls = ud;
	buf_printf(out, "%d", ++*calls);
	return 0;
}

static int l_gt(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_puts(out, ">");
	return 0;
}

static int l_is_x(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_puts(out, n == 5 && memcmp(arg, "{{x}}", 5) == 0 ? "yes" : "no");
	return 0;
}

static int l_sec_expand(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_put(out, arg, n);
	buf_puts(out, "{{planet}}");
	buf_put(out, arg, n);
	return 0;
}

static int l_sec_alt(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_put(out, arg, n);
	buf_puts(out, "{{planet}} => |planet|");
	buf_put(out, arg, n);
	return 0;
}

static int l_underscores(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_puts(out, "__");
	buf_put(out, arg, n);
	buf_puts(out, "__");
	return 0;
}

static int l_false(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	return 0;
}

static const struct {
	const char *test;
	int (*call)(void *, const char *, size_t, int, struct buf *);
} lambdas[] = {
	{ "Interpolation", l_world },
	{ "Interpolation - Expansion", l_planet },
	{ "Interpolation - Alternate Delimiters", l_alt_delims },
	{ "Interpolation - Multiple Calls", l_counter },
	{ "Escaping", l_gt },
	{ "Section", l_is_x },
	{ "Section - Expansion", l_sec_expand },
	{ "Section - Alternate Delimiters", l_sec_alt },
	{ "Section - Multiple Calls", l_underscores },
	{ "Inverted Section", l_false },
};

/* Replaces every {"__tag__": "code", ...} in v by the test's C lambda.
 * Returns the number of lambdas found without a C version. */
static int put_lambdas(struct arena *a, struct value *v, const char *test, int *calls)
{
	int missing = 0;
	if (!v)
		return 0;
	if (v->kind == V_ARRAY) {
		for (size_t i = 0; i < v->u.arr.n; i++)
			missing += put_lambdas(a, v->u.arr.v[i], test, calls);
		return missing;
	}
	if (v->kind != V_TABLE)
		return 0;
	for (size_t i = 0; i < v->u.tab.n; i++) {
		struct value *x = value_pair_val(&v->u.tab.v[i]);
		const char *tag = value_str(value_get(x, "__tag__"), NULL);
		if (!tag || strcmp(tag, "code") != 0) {
			missing += put_lambdas(a, x, test, calls);
			continue;
		}
		size_t k = 0;
		while (k < sizeof lambdas / sizeof lambdas[0] && strcmp(lambdas[k].test, test) != 0)
			k++;
		if (k == sizeof lambdas / sizeof lambdas[0]) {
			missing++;
			continue;
		}
		struct value *f = value_new(a, V_FUNC, x->pos);
		f->u.fn.call = lambdas[k].call;
		f->u.fn.ud = calls;
		value_set(a, v, v->u.tab.v[i].key, value_pair_keylen(&v->u.tab.v[i]), f);
	}
	return missing;
}

static char *read_file(const char *path, size_t *len)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	struct buf b = BUF_INIT;
	char chunk[65536];
	size_t n;
	while ((n = fread(chunk, 1, sizeof chunk, f)) > 0)
		buf_put(&b, chunk, n);
	fclose(f);
	if (!b.data)
		buf_put(&b, "", 0);
	return buf_detach(&b, len);
}

static void show(const char *label, const char *s, size_t n)
{
	fprintf(stderr, "    %s [", label);
	fwrite(s, 1, n, stderr);
	fprintf(stderr, "]\n");
}

/* Runs one test; returns 1 when it passes. */
static int run_test(struct arena *a, const char *module, struct value *test)
{
	const char *name = value_str(value_get(test, "name"), "?");
	struct value *tpl = value_get(test, "template");
	struct value *exp = value_get(test, "expected");
	struct value *data = value_get(test, "data");
	struct value *partials = value_get(test, "partials");
	struct tpl_set *s = tpl_set_new(0);
	struct diags d;
	struct buf out = BUF_INIT;
	int calls = 0, ok = 0;
	diags_init(&d);
	if (!value_is(tpl, V_STRING) || !value_is(exp, V_STRING)) {
		fprintf(stderr, "%s: %s: malformed test\n", module, name);
		goto out;
	}
	if (put_lambdas(a, data, name, &calls)) {
		fprintf(stderr, "%s: %s: no C lambda for this test\n", module, name);
		goto out;
	}
	int rc = tpl_set_add(s, "test", "test", tpl->u.str.s, tpl->u.str.len, &d);
	for (size_t i = 0; partials && partials->kind == V_TABLE && i < partials->u.tab.n; i++) {
		const struct value_pair *p = &partials->u.tab.v[i];
		if (value_pair_val(p)->kind == V_STRING &&
		    tpl_set_add(s, p->key, p->key, value_pair_val(p)->u.str.s, value_pair_val(p)->u.str.len, &d) < 0)
			rc = -1;
	}
	if (rc == 0)
		rc = tpl_set_link(s, &d);
	if (rc == 0)
		rc = tpl_render(s, tpl_set_get(s, "test"), data, &out, &d);
	ok = rc == 0 && out.len == exp->u.str.len && memcmp(buf_cstr(&out), exp->u.str.s, out.len) == 0;
	if (!ok) {
		fprintf(stderr, "  FAIL %s: %s\n", module, name);
		show("template:", tpl->u.str.s, tpl->u.str.len);
		show("got:     ", out.data ? out.data : "", out.len);
		show("expected:", exp->u.str.s, exp->u.str.len);
		diags_print(&d, stderr);
	}
out:
	buf_free(&out);
	diags_free(&d);
	tpl_set_free(s);
	return ok;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

int main(void)
{
	const char *root = getenv("PP_CONFORMANCE");
	int pass = 0, fail = 0;
	char dir[4096];
	char *names[64];
	size_t n = 0;
	if (!root) {
		fprintf(stderr, "conf_mustache: PP_CONFORMANCE is not set\n");
		printf("conf_mustache: 0 passed, 1 failed\n");
		return 1;
	}
	snprintf(dir, sizeof dir, "%s/mustache/specs", root);
	DIR *dp = opendir(dir);
	if (!dp) {
		fprintf(stderr, "conf_mustache: cannot open %s\n", dir);
		printf("conf_mustache: 0 passed, 1 failed\n");
		return 1;
	}
	struct dirent *e;
	while ((e = readdir(dp)) && n < sizeof names / sizeof names[0]) {
		size_t l = strlen(e->d_name);
		if (l > 5 && strcmp(e->d_name + l - 5, ".json") == 0)
			names[n++] = strdup(e->d_name);
	}
	closedir(dp);
	qsort(names, n, sizeof names[0], cmp_str);
	for (size_t i = 0; i < n; i++) {
		char path[8192];
		size_t len;
		snprintf(path, sizeof path, "%s/%s", dir, names[i]);
		char *text = read_file(path, &len);
		struct arena *a = arena_new();
		struct diags d;
		diags_init(&d);
		names[i][strlen(names[i]) - 5] = '\0';
		struct value *spec = text ? json_parse(a, path, text, len, &d) : NULL;
		struct value *tests = value_get(spec, "tests");
		if (!value_is(tests, V_ARRAY)) {
			fprintf(stderr, "%s: cannot read the tests\n", path);
			diags_print(&d, stderr);
			fail++;
		} else {
			int mp = 0, mf = 0;
			for (size_t k = 0; k < tests->u.arr.n; k++) {
				if (run_test(a, names[i], tests->u.arr.v[k]))
					mp++;
				else
					mf++;
			}
			fprintf(stderr, "%s: %d/%d\n", names[i], mp, mp + mf);
			pass += mp;
			fail += mf;
		}
		diags_free(&d);
		arena_free(a);
		free(text);
		free(names[i]);
	}
	if (n == 0) {
		fprintf(stderr, "conf_mustache: no spec files in %s\n", dir);
		fail++;
	}
	printf("conf_mustache: %d passed, %d failed\n", pass, fail);
	return fail ? 1 : 0;
}
