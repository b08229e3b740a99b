/* check_dataspan.c: the data files' element records, used only while the file is the one recorded; json_write_stream_elems with elements reused. */
#include "check.h"

#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "dataspan.h"
#include "json.h"
#include "sitedir.h"

static const unsigned char global[DIGEST_LEN] = "json-program-id";

static void key_of(int k, unsigned char key[DIGEST_LEN])
{
	memset(key, 'k', DIGEST_LEN);
	key[0] = (unsigned char)k;
}

/* Writes out/data/x.json as text, with the record of its two elements. */
static void write_file(const char *text, size_t e0, size_t l0, size_t e1, size_t l1)
{
	char rel[64];
	snprintf(rel, sizeof rel, "out/data/x.json");
	put(rel, text);
	struct dataspan_out o;
	unsigned char key[DIGEST_LEN];
	dataspan_out_begin(&o, global);
	dataspan_out_bytes(&o, text, strlen(text) / 2);
	dataspan_out_bytes(&o, text + strlen(text) / 2, strlen(text) - strlen(text) / 2);
	key_of(1, key);
	dataspan_out_add(&o, key, e0, l0);
	key_of(2, key);
	dataspan_out_add(&o, key, e1, l1);
	char out_dir[300];
	snprintf(out_dir, sizeof out_dir, "%s/out", site);
	dataspan_out_save(&o, site, out_dir, "data/x.json");
}

static const char *find(int k, struct buf *b)
{
	char out_dir[300];
	unsigned char key[DIGEST_LEN];
	snprintf(out_dir, sizeof out_dir, "%s/out", site);
	struct dataspan *s = dataspan_open(site, out_dir, "data/x.json", global);
	key_of(k, key);
	size_t len = 0;
	const char *t = s ? dataspan_find(s, key, &len) : NULL;
	buf_reset(b);
	if (t)
		buf_put(b, t, len);
	dataspan_free(s);
	return t ? buf_cstr(b) : "none";
}

/* json_elems callbacks: element "b" reused as written before (its text
 * from ud), the spans of all recorded. */
struct rec {
	const char *old;
	struct buf spans;
};

static int reuse(void *ud, const struct value *v, struct buf *out)
{
	struct rec *r = ud;
	if (strcmp(value_str(value_get(v, "id"), ""), "b") != 0)
		return 0;
	buf_puts(out, r->old);
	return 1;
}

static void wrote(void *ud, const struct value *v, const struct buf *out, size_t from)
{
	struct rec *r = ud;
	buf_printf(&r->spans, "%s@%zu+%zu ", value_str(value_get(v, "id"), ""), from, out->len - from);
}

/* A document written a piece at a time (flush): every element's span,
 * counted from the file's start, holds that element's text, though an
 * element is longer than a piece. */
struct pieces {
	struct buf file;
	size_t flushed;
	struct buf spans;   /* off, len pairs as size_t */
};

static void piece_flush(void *ud, struct buf *out)
{
	struct pieces *p = ud;
	buf_put(&p->file, out->data, out->len);
	p->flushed += out->len;
	buf_reset(out);
}

static int never(void *ud, const struct value *v, struct buf *out)
{
	(void)ud, (void)v, (void)out;
	return 0;
}

static void span_of(void *ud, const struct value *v, const struct buf *out, size_t from)
{
	struct pieces *p = ud;
	size_t span[2] = { p->flushed + from, out->len - from };
	(void)v;
	buf_put(&p->spans, span, sizeof span);
}

static void test_pieces(void)
{
	struct arena *a = arena_new();
	struct buf src = BUF_INIT;
	buf_puts(&src, "{\"tasks\": [");
	for (int t = 0; t < 3; t++) {
		buf_printf(&src, "%s{\"id\": %d, \"history\": [", t ? ", " : "", t);
		for (int k = 0; k < 20000; k++)
			buf_printf(&src, "%s%d", k ? ", " : "", k * (t + 1));
		buf_puts(&src, "]}");
	}
	buf_puts(&src, "]}");
	struct diags d;
	diags_init(&d);
	struct value *doc = json_parse(a, "t.json", src.data, src.len, &d);
	CHECK(doc != NULL);
	struct pieces p = { BUF_INIT, 0, BUF_INIT };
	struct json_elems je = { 2, never, span_of, &p };
	struct buf out = BUF_INIT;
	json_write_stream_elems(doc, 1, &out, piece_flush, &p, &je);
	const size_t *sp = (const size_t *)(const void *)p.spans.data;
	CHECK_INT(p.spans.len / sizeof(size_t[2]), 3);
	for (int t = 0; t < 3 && sp; t++) {
		CHECK(sp[2 * t] + sp[2 * t + 1] <= p.file.len);
		CHECK(sp[2 * t + 1] > JSON_FLUSH_BYTES);   /* longer than a piece */
		CHECK(p.file.data[sp[2 * t]] == '{' && p.file.data[sp[2 * t] + sp[2 * t + 1] - 1] == '}');
	}
	buf_free(&out);
	buf_free(&p.file);
	buf_free(&p.spans);
	buf_free(&src);
	diags_free(&d);
	arena_free(a);
}

int main(void)
{
	test_pieces();
	site_make("pp-dataspan");
	struct buf b = BUF_INIT;
	const char *text = "[\n  {\"a\": 1},\n  {\"b\": 22}\n]\n";
	write_file(text, 4, 8, 16, 9);
	CHECK_STR(find(1, &b), "{\"a\": 1}");
	CHECK_STR(find(2, &b), "{\"b\": 22}");
	CHECK_STR(find(3, &b), "none");

	/* The file changed since (one byte, the same length): no record. */
	put("out/data/x.json", "[\n  {\"a\": 2},\n  {\"b\": 22}\n]\n");
	CHECK_STR(find(2, &b), "none");
	/* Another length: no record. */
	put("out/data/x.json", "[]\n");
	CHECK_STR(find(1, &b), "none");
	/* A span past the file's end in the record: no record. */
	write_file(text, 4, 8, 16, 400);
	CHECK_STR(find(1, &b), "none");
	/* Another program's record: none. */
	write_file(text, 4, 8, 16, 9);
	char out_dir[300];
	snprintf(out_dir, sizeof out_dir, "%s/out", site);
	unsigned char other[DIGEST_LEN];
	memcpy(other, global, DIGEST_LEN);
	other[0] ^= 1;
	struct dataspan *s = dataspan_open(site, out_dir, "data/x.json", other);
	CHECK(s == NULL);
	/* Another output folder's: none. */
	s = dataspan_open(site, site, "data/x.json", global);
	CHECK(s == NULL);

	/* A record of an output folder that is gone goes when another is saved. */
	{
		char gone[300], path[400];
		snprintf(gone, sizeof gone, "%s/gone", site);
		put("gone/data/x.json", text);
		struct dataspan_out o;
		dataspan_out_begin(&o, global);
		dataspan_out_bytes(&o, text, strlen(text));
		dataspan_out_save(&o, site, gone, "data/x.json");
		snprintf(path, sizeof path, "rm -r '%s'", gone);
		CHECK(system(path) == 0);
		write_file(text, 4, 8, 16, 9);
		snprintf(path, sizeof path, "test $(ls '%s/%s' | wc -l) = 1", site, DATASPAN_DIR);
		CHECK(system(path) == 0);
		CHECK_STR(find(2, &b), "{\"b\": 22}");
	}

	/* json_write_stream_elems: an element reused gives the same bytes, and
	 * every element's span is told, reused or written. */
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	const char *src = "{\"as_of\": \"2019-06-30\", \"tasks\": [{\"id\": \"a\", \"n\": [1, 2]}, {\"id\": \"b\", \"t\": \"二\"}]}";
	struct value *doc = json_parse(a, "t.json", src, strlen(src), &d);
	CHECK(doc != NULL);
	struct buf whole = BUF_INIT, made = BUF_INIT;
	json_write(doc, 1, &whole);
	struct rec r = { "{\n      \"id\": \"b\",\n      \"t\": \"二\"\n    }", BUF_INIT };
	struct json_elems el = { 2, reuse, wrote, &r };
	json_write_stream_elems(doc, 1, &made, NULL, NULL, &el);
	CHECK_STR(buf_cstr(&made), buf_cstr(&whole));
	CHECK_STR(buf_cstr(&r.spans), "a@44+66 b@116+41 ");
	buf_free(&r.spans);
	buf_free(&made);
	buf_free(&whole);
	diags_free(&d);
	arena_free(a);

	buf_free(&b);
	site_remove();
	return CHECK_DONE("check_dataspan");
}
