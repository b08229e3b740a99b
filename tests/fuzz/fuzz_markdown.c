/* fuzz_markdown.c: libFuzzer target for Markdown through both engines (md4c and
 * cmark) and the one renderer, as a page is rendered (front matter first), in
 * site mode with link resolving and in strict CommonMark mode. */
#include "fuzz.h"

#include "frontmatter.h"
#include "markdown.h"

struct page {
	const char *src;
	size_t len;
	struct diags *d;
};

/* Rewrites some relative links, keeps others, rejects those starting with '!'
 * as build.c rejects a missing file: every path of the resolve contract. */
static int resolve(void *ud, const char *dest, size_t len, size_t off, struct buf *out)
{
	struct page *p = ud;
	if (off > p->len)
		abort();   /* the offset of a destination lies in the file */
	if (len && dest[0] == '!') {
		diag_at(p->d, DIAG_ERROR, "t.md", p->src, p->len, off, "no such file");
		return -1;
	}
	if (len % 2)
		return 1;
	buf_puts(out, "../");
	buf_put(out, dest, len);
	return 0;
}

static void render(const char *s, size_t n, size_t body, enum markdown_engine e, int plain,
                   int unsafe)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct page pg = { s, n, &d };
	struct markdown_opts o = { 0 };
	o.engine = e;
	o.plain = plain;
	o.unsafe_html = unsafe;
	o.summary_chars = 1 + n % 200;
	o.resolve = resolve;
	o.resolve_ud = &pg;
	struct markdown_result r;
	int rc = markdown_render(&o, a, "t.md", s, n, body, &r, &d);
	if ((rc < 0) != (d.nerrors > 0))
		abort();
	if (!r.html || r.html[r.html_len] != '\0' || !r.summary || r.summary[r.summary_len] != '\0')
		abort();
	if (utf8_invalid_at(r.html, r.html_len) != r.html_len ||
	    utf8_invalid_at(r.summary, r.summary_len) != r.summary_len)
		abort();   /* valid UTF-8 in, valid UTF-8 out */
	for (size_t i = 0; i < r.ntoc; i++)
		if (r.toc[i].level < 1 || r.toc[i].level > 6 || !r.toc[i].id || !r.toc[i].text)
			abort();
	fuzz_check_diags(&d, s, n);
	diags_free(&d);
	arena_free(a);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	if (!fuzz_is_text(s, size))
		return -1;
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *meta;
	size_t body = 0;
	if (fm_parse(a, "t.md", s, size, &meta, &body, &d) < 0)
		body = 0;
	diags_free(&d);
	arena_free(a);
	render(s, size, body, MARKDOWN_MD4C, 0, size % 2);
	render(s, size, body, MARKDOWN_CMARK, 0, size % 2);
	render(s, size, 0, MARKDOWN_MD4C, 1, 1);
	render(s, size, 0, MARKDOWN_CMARK, 1, 0);
	return 0;
}
