/* check_frontmatter.c: YAML and TOML front matter into values, with file positions. */
#include "check.h"

#include "arena.h"
#include "diag.h"
#include "frontmatter.h"
#include "schema.h"
#include "value.h"

static struct arena *A;
static struct diags D;

static struct value *parse(const char *src, size_t *body)
{
	struct value *meta = NULL;
	size_t off = 0;
	if (fm_parse(A, "t.md", src, strlen(src), &meta, &off, &D) < 0)
		return NULL;
	if (body)
		*body = off;
	return meta;
}

static const char *first_error(void)
{
	static struct buf b;
	buf_reset(&b);
	if (D.n)
		diag_format(&D.v[D.n - 1], &b);
	return buf_cstr(&b);
}

int main(void)
{
	A = arena_new();
	diags_init(&D);
	size_t body;
	const char *y = "\xEF\xBB\xBF---\r\ntitle: 推进“三融三共”\r\ndate: 2019-06-30\r\nprogress: 45\r\n"
	                "ratio: 0.5\r\ndone: true\r\nlead: [街道党建办, 各社区党委]\r\nn: ~\r\nq: \"2019-06-30\"\r\n---\r\n正文\r\n";
	struct value *m = parse(y, &body);
	CHECK(m != NULL);
	/* Schema keys are the schema's strings, others copies. */
	CHECK(m && value_pair_at(m, 0)->key == schema_key_name("title", 5));
	CHECK(m && value_len(m) > 3 && strcmp(value_pair_at(m, 3)->key, "ratio") == 0 && schema_key_name("ratio", 5) == NULL);
	CHECK_STR(value_str(value_get(m, "title"), ""), "推进“三融三共”");
	CHECK(value_is(value_get(m, "date"), V_DATETIME));
	CHECK_INT(value_get(m, "date")->u.dt.day, 30);
	CHECK_INT(value_get(m, "date")->pos.line, 3);
	CHECK_INT(value_get(m, "date")->pos.col, 7);
	CHECK_INT(value_i64(value_get(m, "progress"), -1), 45);
	CHECK(value_is(value_get(m, "ratio"), V_FLOAT));
	CHECK(value_is(value_get(m, "done"), V_BOOL));
	CHECK_INT(value_len(value_get(m, "lead")), 2);
	CHECK_INT(value_at(value_get(m, "lead"), 1)->pos.col, 15);
	CHECK(value_is(value_get(m, "n"), V_NULL));
	CHECK(value_is(value_get(m, "q"), V_STRING));
	CHECK_STR(y + body, "正文\r\n");

	const char *t = "+++\ntitle = \"通知\"\ndate = 2019-03-01\n+++\nbody";
	m = parse(t, &body);
	CHECK(m && value_is(value_get(m, "date"), V_DATETIME));
	CHECK_INT(value_get(m, "title")->pos.line, 2);
	CHECK_STR(t + body, "body");

	m = parse("no front matter\n", &body);
	CHECK(m && m->kind == V_TABLE && value_len(m) == 0 && body == 0);

	CHECK(parse("---\ntitle: a\ntags: [x, y\n---\n", NULL) == NULL);
	CHECK(strstr(first_error(), "t.md:4:1: error: YAML: ") != NULL);
	CHECK(parse("---\n- a\n- b\n---\n", NULL) == NULL);
	CHECK(strstr(first_error(), "t.md:2:1: error: front matter must be a mapping") != NULL);
	CHECK(parse("---\ntitle: a\n", NULL) == NULL);
	CHECK(strstr(first_error(), "t.md:1:1: error: front matter opened with '---' is never closed") != NULL);
	CHECK(parse("---\ndate: 2019-02-30\n---\n", NULL) == NULL);
	CHECK(strstr(first_error(), "t.md:2:7: error: '2019-02-30' is not a valid date") != NULL);
	CHECK(parse("---\na: 1\na: 2\n---\n", NULL) == NULL);
	CHECK(strstr(first_error(), "t.md:3:1: error: duplicate key 'a'") != NULL);
	CHECK(parse("+++\ntitle = \n+++\n", NULL) == NULL);
	CHECK(strstr(first_error(), "t.md:2:") != NULL);
	/* Nesting past the limit is an error, not a stack overflow. */
	struct buf deep = BUF_INIT;
	buf_puts(&deep, "---\nx: ");
	for (int i = 0; i < 200; i++)
		buf_putc(&deep, '[');
	for (int i = 0; i < 200; i++)
		buf_putc(&deep, ']');
	buf_puts(&deep, "\n---\n");
	CHECK(parse(buf_cstr(&deep), NULL) == NULL);
	CHECK(strstr(first_error(), "nested too deeply") != NULL);
	buf_free(&deep);
	/* Aliases share, they do not copy. */
	m = parse("---\nbase: &b {unit: 街道}\ncopy: *b\n---\n", NULL);
	CHECK(m && value_get(m, "copy") == value_get(m, "base"));
	diags_free(&D);
	arena_free(A);
	return CHECK_DONE("check_frontmatter");
}
