/* conf_commonmark.c: the CommonMark 0.30 spec examples through markdown_render
 * in plain mode with each engine, and md4c's own extension examples. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "markdown.h"
#include "value.h"

/* A spec example an engine is known to get wrong, and why. */
struct known {
	int example;
	const char *why;
};

/* cmark renders all 652 as upstream does. */
static const struct known cmark_known[] = {
	{ 0, NULL },
};

/* md4c 0.4.8 implements CommonMark 0.29. */
static const struct known md4c_known[] = {
	{ 171, "<textarea> starts an HTML block only since CommonMark 0.30 (md4c 0.5.0)" },
	{ 0, NULL },
};

/* md4c's extension examples (the md4c-0.4.8-extensions files), by file and number. */
struct ext_known {
	const char *file;
	int example;
	const char *why;
};

static const struct ext_known ext_known[] = {
	{ NULL, 0, NULL },
};

static int passed, failed;

static int read_file(const char *path, struct buf *out)
{
	FILE *f = fopen(path, "rb");
	if (!f)
		return -1;
	char tmp[65536];
	size_t n;
	while ((n = fread(tmp, 1, sizeof tmp, f)) > 0)
		buf_put(out, tmp, n);
	int rc = ferror(f) ? -1 : 0;
	fclose(f);
	return rc;
}

static void replace_all(struct buf *b, const char *from, const char *to)
{
	struct buf o = BUF_INIT;
	size_t fl = strlen(from);
	for (size_t i = 0; i < b->len;) {
		if (i + fl <= b->len && memcmp(b->data + i, from, fl) == 0) {
			buf_puts(&o, to);
			i += fl;
		} else {
			buf_putc(&o, b->data[i++]);
		}
	}
	buf_reset(b);
	buf_put(b, o.data ? o.data : "", o.len);
	buf_free(&o);
}

/* The simple normalisation of /work/shared/conformance/README.md section 3. */
static void normalise(struct buf *b)
{
	replace_all(b, " />", ">");
	replace_all(b, ">\n", ">");
	replace_all(b, "\n<", "<");
}

/* <h2 id="x"> to <h2>: heading ids are ours, md4c's expected output has none. */
static void drop_heading_ids(struct buf *b)
{
	struct buf o = BUF_INIT;
	for (size_t i = 0; i < b->len;) {
		if (i + 8 < b->len && b->data[i] == '<' && b->data[i + 1] == 'h' &&
		    b->data[i + 2] >= '1' && b->data[i + 2] <= '6' &&
		    memcmp(b->data + i + 3, " id=\"", 5) == 0) {
			buf_put(&o, b->data + i, 3);
			i += 8;
			while (i < b->len && b->data[i] != '"')
				i++;
			i++;
		} else {
			buf_putc(&o, b->data[i++]);
		}
	}
	buf_reset(b);
	buf_put(b, o.data ? o.data : "", o.len);
	buf_free(&o);
}

static const char *known_why(const struct known *k, int example)
{
	for (; k->example; k++)
		if (k->example == example)
			return k->why;
	return NULL;
}

/* Renders one example; 2 byte-exact, 1 after normalising, 0 failed. */
static int run_one(const struct markdown_opts *o, const char *md, size_t mdlen,
                   const char *want, size_t wantlen, int strip_ids, struct buf *got)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct markdown_result res;
	markdown_render(o, a, "example.md", md, mdlen, 0, &res, &d);
	buf_reset(got);
	buf_put(got, res.html, res.html_len);
	arena_free(a);
	diags_free(&d);
	if (strip_ids)
		drop_heading_ids(got);
	if (got->len == wantlen && memcmp(got->data, want, wantlen) == 0)
		return 2;
	struct buf w = BUF_INIT;
	buf_put(&w, want, wantlen);
	normalise(&w);
	normalise(got);
	int ok = got->len == w.len && memcmp(got->data, w.data ? w.data : "", w.len) == 0;
	buf_free(&w);
	return ok;
}

static void run_spec(const char *dir)
{
	struct buf path = BUF_INIT, src = BUF_INIT, got = BUF_INIT;
	buf_printf(&path, "%s/commonmark/spec.json", dir);
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	if (read_file(buf_cstr(&path), &src) < 0) {
		fprintf(stderr, "conf_commonmark: cannot read %s\n", path.data);
		failed++;
		goto out;
	}
	struct value *spec = json_parse(a, path.data, src.data, src.len, &d);
	if (!spec || spec->kind != V_ARRAY) {
		diags_print(&d, stderr);
		failed++;
		goto out;
	}
	static const struct {
		enum markdown_engine e;
		const char *name;
		const struct known *known;
	} engines[] = {
		{ MARKDOWN_CMARK, "cmark", cmark_known },
		{ MARKDOWN_MD4C, "md4c", md4c_known },
	};
	for (size_t e = 0; e < 2; e++) {
		struct markdown_opts o = { 0 };
		o.engine = engines[e].e;
		o.plain = 1;
		o.unsafe_html = 1;
		int exact = 0, norm = 0, bad = 0, kn = 0;
		for (size_t i = 0; i < value_len(spec); i++) {
			struct value *ex = value_at(spec, i);
			struct value *md = value_get(ex, "markdown"), *html = value_get(ex, "html");
			int num = (int)value_i64(value_get(ex, "example"), 0);
			int rc = run_one(&o, md->u.str.s, md->u.str.len, html->u.str.s, html->u.str.len, 0, &got);
			const char *why = known_why(engines[e].known, num);
			exact += rc == 2;
			norm += rc >= 1;
			if (why) {
				kn++;
				if (rc)
					fprintf(stderr, "%s: example %d passes but is listed as a known failure\n",
					        engines[e].name, num);
				else
					fprintf(stderr, "%s: example %d: known failure: %s\n", engines[e].name, num, why);
			} else if (rc) {
				passed++;
			} else {
				bad++;
				failed++;
				fprintf(stderr, "%s: example %d (%s) failed\n--- markdown\n%s--- want\n%s--- got (normalised)\n%s\n",
				        engines[e].name, num, value_str(value_get(ex, "section"), "?"),
				        md->u.str.s, html->u.str.s, buf_cstr(&got));
			}
		}
		fprintf(stderr, "%s: %d/%zu byte-exact, %d/%zu after normalising, %d failed, %d known failures\n",
		        engines[e].name, exact, value_len(spec), norm, value_len(spec), bad, kn);
	}
out:
	buf_free(&path);
	buf_free(&src);
	buf_free(&got);
	diags_free(&d);
	arena_free(a);
}

/* A line's content without surrounding spaces equals s. */
static int line_is(const char *l, size_t n, const char *s)
{
	while (n && (l[n - 1] == '\n' || l[n - 1] == '\r' || l[n - 1] == ' '))
		n--;
	while (n && *l == ' ') {
		l++;
		n--;
	}
	return n == strlen(s) && memcmp(l, s, n) == 0;
}

/* Appends a line with each → (U+2192) turned into a tab. */
static void put_line(struct buf *b, const char *l, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (i + 3 <= n && memcmp(l + i, "\xE2\x86\x92", 3) == 0) {
			buf_putc(b, '\t');
			i += 2;
		} else {
			buf_putc(b, l[i]);
		}
	}
}

static const char *ext_why(const char *file, int example)
{
	for (const struct ext_known *k = ext_known; k->file; k++)
		if (strcmp(k->file, file) == 0 && k->example == example)
			return k->why;
	return NULL;
}

/* One md4c extension file (spec.txt format), in non-plain mode with md4c. */
static void run_ext(const char *dir, const char *file)
{
	static const char fence[] = "```````````````````````````````` example";
	static const char end[] = "````````````````````````````````";
	struct buf path = BUF_INIT, src = BUF_INIT, md = BUF_INIT, html = BUF_INIT, got = BUF_INIT;
	buf_printf(&path, "%s/commonmark/md4c-0.4.8-extensions/%s", dir, file);
	if (read_file(buf_cstr(&path), &src) < 0) {
		fprintf(stderr, "conf_commonmark: cannot read %s\n", path.data);
		failed++;
		goto out;
	}
	struct markdown_opts o = { 0 };
	o.engine = MARKDOWN_MD4C;
	o.unsafe_html = 1;
	int state = 0, num = 0, ok = 0, bad = 0, kn = 0;
	for (size_t i = 0; i < src.len;) {
		size_t e = i;
		while (e < src.len && src.data[e] != '\n')
			e++;
		if (e < src.len)
			e++;
		const char *l = src.data + i;
		size_t n = e - i;
		i = e;
		if (state == 0 && line_is(l, n, fence)) {
			state = 1;
			buf_reset(&md);
			buf_reset(&html);
		} else if (state == 1 && line_is(l, n, ".")) {
			state = 2;
		} else if (state == 1) {
			put_line(&md, l, n);
		} else if (state == 2 && line_is(l, n, end)) {
			state = 0;
			num++;
			int rc = run_one(&o, md.data ? md.data : "", md.len, html.data ? html.data : "",
			                 html.len, 1, &got);
			const char *why = ext_why(file, num);
			if (why) {
				kn++;
				if (rc)
					fprintf(stderr, "md4c %s: example %d passes but is listed as a known failure\n", file, num);
				else
					fprintf(stderr, "md4c %s: example %d: known failure: %s\n", file, num, why);
			} else if (rc) {
				ok++;
				passed++;
			} else {
				bad++;
				failed++;
				fprintf(stderr, "md4c %s: example %d failed\n--- markdown\n%s--- want\n%s--- got (normalised)\n%s\n",
				        file, num, buf_cstr(&md), buf_cstr(&html), buf_cstr(&got));
			}
		} else if (state == 2) {
			put_line(&html, l, n);
		}
	}
	fprintf(stderr, "md4c %s: %d/%d passed, %d failed, %d known failures\n", file, ok, num, bad, kn);
out:
	buf_free(&path);
	buf_free(&src);
	buf_free(&md);
	buf_free(&html);
	buf_free(&got);
}

int main(void)
{
	const char *dir = getenv("PP_CONFORMANCE");
	if (!dir || !*dir)
		dir = "../shared/conformance";
	run_spec(dir);
	run_ext(dir, "tables.txt");
	run_ext(dir, "strikethrough.txt");
	run_ext(dir, "tasklists.txt");
	printf("conf_commonmark: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
