/* fuzz_template.c: libFuzzer target for Mustache: compile, link and render.
 * The input is a template, optionally followed by NUL, a partial (named "p"),
 * NUL and a JSON context; without a context a fixed one is used, holding a
 * lambda. Both strict (themes) and spec mode. */
#include "fuzz.h"

#include "json.h"
#include "template.h"

static const char ctx_json[] =
	"{\"title\":\"计划<&>\",\"n\":3,\"f\":1.5,\"t\":true,\"no\":false,\"nil\":null,"
	"\"list\":[{\"name\":\"一\",\"sub\":[1,2]},{\"name\":\"二\",\"sub\":[]}],"
	"\"obj\":{\"a\":{\"b\":\"c\"}},\"empty\":[],\"s\":\"\"}";

/* A lambda: returns its section text (a template to render again) or a tag. */
static int lambda(void *ud, const char *arg, size_t arglen, int section, struct buf *out)
{
	if (section)
		buf_put(out, arg, arglen);
	else
		buf_puts(out, "{{title}}");
	return 0;
}

static void run(int strict, const char *tpl, size_t tn, const char *part, size_t pn,
                const struct value *ctx)
{
	struct diags d;
	diags_init(&d);
	struct tpl_set *set = tpl_set_new(strict);
	int ok = tpl_set_add(set, "t", "t.mustache", tpl, tn, &d) == 0;
	fuzz_check_diags(&d, tpl, tn);
	if (part)
		ok &= tpl_set_add(set, "p", "p.mustache", part, pn, &d) == 0;
	if (ok && tpl_set_link(set, &d) == 0) {
		const struct tpl *t = tpl_set_get(set, "t");
		if (!t)
			abort();
		struct buf out = BUF_INIT;
		if (tpl_render(set, t, ctx, &out, &d) == 0 && d.nerrors)
			abort();
		buf_free(&out);
	} else if (!d.nerrors) {
		abort();   /* a failure always says why */
	}
	tpl_set_free(set);
	diags_free(&d);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	size_t tn = size, pn = 0;
	const char *part = NULL, *js = ctx_json;
	size_t jn = sizeof ctx_json - 1;
	if (fuzz_split(s, size, &tn)) {
		part = s + tn + 1;
		pn = size - tn - 1;
		size_t k;
		if (fuzz_split(part, pn, &k)) {
			js = part + k + 1;
			jn = pn - k - 1;
			pn = k;
		}
	}
	if (!fuzz_is_text(s, tn) || (part && !fuzz_is_text(part, pn)))
		return -1;
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *ctx = json_parse(a, "c.json", js, jn, &d);
	if (!ctx)
		ctx = value_table(a, (struct pos){ 0 });
	if (ctx->kind == V_TABLE) {
		struct value *fn = value_new(a, V_FUNC, (struct pos){ 0 });
		fn->u.fn.call = lambda;
		value_setc(a, ctx, "lambda", fn);
	}
	run(0, s, tn, part, pn, ctx);
	run(1, s, tn, part, pn, ctx);
	diags_free(&d);
	arena_free(a);
	return 0;
}
