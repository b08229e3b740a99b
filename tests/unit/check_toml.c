/* check_toml.c: the TOML reader: messages and positions of typical site.toml mistakes,
 * value positions, front matter parsed in place, Chinese text, the depth limit. */
#include "check.h"

#include <math.h>
#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "toml.h"
#include "value.h"
#include "xalloc.h"

/* Parses src whole; the tree lives in a, diagnostics go to d. */
static struct value *parse(struct arena *a, struct diags *d, const char *src)
{
	return toml_parse(a, "site.toml", src, 0, strlen(src), d);
}

/* The first diagnostic of parsing src as printed (message, line and caret), or "(parsed)". */
static const char *error_of(struct buf *out, const char *src)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	buf_reset(out);
	if (parse(a, &d, src))
		buf_puts(out, "(parsed)");
	else if (d.n == 0)
		buf_puts(out, "(no diagnostic)");
	else
		diag_format(&d.v[0], out);
	diags_free(&d);
	arena_free(a);
	return buf_cstr(out);
}

static void test_mistakes(void)
{
	struct buf b = BUF_INIT;
	CHECK_STR(error_of(&b, "title = \"a\"\nbaseURL = \"/\"\ntitle = \"b\"\n"),
	          "site.toml:3:1: error: duplicate key 'title' (first defined at line 1)\n"
	          "    3 | title = \"b\"\n"
	          "      | ^\n");
	CHECK_STR(error_of(&b, "[params]\nauthor.name = \"x\"\n  author.name = \"y\"\n"),
	          "site.toml:3:3: error: duplicate key 'author.name' (first defined at line 2)\n"
	          "    3 |   author.name = \"y\"\n"
	          "      |   ^\n");
	CHECK_STR(error_of(&b, "title = \"规划\nx = 1\n"),
	          "site.toml:1:9: error: unterminated string (missing closing \" on this line)\n"
	          "    1 | title = \"规划\n"
	          "      |         ^\n");
	CHECK_STR(error_of(&b, "[params]\ndate = 2019-02-30\n"),
	          "site.toml:2:8: error: invalid date/time '2019-02-30': 2019-02 has only 28 days\n"
	          "    2 | date = 2019-02-30\n"
	          "      |        ^\n");
	CHECK_STR(error_of(&b, "title \"x\"\n"),
	          "site.toml:1:7: error: expected '=' after key 'title', found '\"'\n"
	          "    1 | title \"x\"\n"
	          "      |       ^\n");
	CHECK_STR(error_of(&b, "[params]\n[params]\n"),
	          "site.toml:2:1: error: table [params] is defined twice (first at line 1)\n"
	          "    2 | [params]\n"
	          "      | ^\n");
	CHECK_STR(error_of(&b, "a = 1\n标题 = 规划\n"),
	          "site.toml:2:1: error: unexpected '标' in a key: bare keys may only hold A-Z a-z 0-9 _ -, "
	          "so quote it (\"...\")\n"
	          "    2 | 标题 = 规划\n"
	          "      | ^\n");
	/* The caret stands under the character (the CJK ones are two columns wide). */
	CHECK_STR(error_of(&b, "\"标题\" = 规划\n"),
	          "site.toml:1:8: error: expected a value, found '规' (strings need quotes)\n"
	          "    1 | \"标题\" = 规划\n"
	          "      |          ^\n");
	CHECK(strstr(error_of(&b, "title = hello\n"), "strings need quotes") != NULL);
	CHECK(strstr(error_of(&b, "标题 = \"x\"\n"), "site.toml:1:1: error: unexpected '标' in a key") != NULL);
	CHECK(strstr(error_of(&b, "a = 1 b = 2\n"), "site.toml:1:7: error: expected a new line after the value") != NULL);
	CHECK(strstr(error_of(&b, "a = {x = 1}\na.y = 2\n"), "site.toml:2:1: error: cannot add to inline table 'a'") != NULL);
	CHECK(strstr(error_of(&b, "[a]\nb.c = 1\n[a.b]\n"), "site.toml:3:1: error: table [a.b] was already defined with dotted keys") != NULL);
	CHECK(strstr(error_of(&b, "a = [1]\n[[a]]\n"), "site.toml:2:1: error: cannot append to [[a]]: it is already an array") != NULL);
	CHECK(strstr(error_of(&b, "n = 9223372036854775808\n"), "site.toml:1:5: error: integer 9223372036854775808 does not fit in 64 bits") != NULL);
	CHECK(strstr(error_of(&b, "n = 0x8000000000000000\n"), "does not fit in 64 bits") != NULL);
	CHECK(strstr(error_of(&b, "n = 012\n"), "leading zeros") != NULL);
	CHECK(strstr(error_of(&b, "s = \"a\\qb\"\n"), "site.toml:1:7: error: invalid escape") != NULL);
	CHECK(strstr(error_of(&b, "s = \"\\uD800\"\n"), "not a Unicode scalar value") != NULL);
	CHECK(strstr(error_of(&b, "a = 1\r\nb = 2\rc = 3\n"), "site.toml:2:6: error: carriage return") != NULL);
	CHECK(strstr(error_of(&b, "a = \"\xff\"\n"), "site.toml:1:6: error: invalid UTF-8") != NULL);
	CHECK(strstr(error_of(&b, "t = 24:00:00\n"), "hour must be 00..23") != NULL);
	CHECK(strstr(error_of(&b, "t = 2019-06-30T10:32\n"), "seconds are required") != NULL);
	CHECK(strstr(error_of(&b, "d = 2019-13-01\n"), "month must be 01..12") != NULL);
	CHECK(strstr(error_of(&b, "d = 2100-02-29\n"), "2100-02 has only 28 days") != NULL);
	CHECK_STR(error_of(&b, "d = 2000-02-29\n"), "(parsed)");
	CHECK(strstr(error_of(&b, "x = {a = 1,}\n"), "no trailing comma") != NULL);
	CHECK(strstr(error_of(&b, "x = {a = 1,\n b = 2}\n"), "site.toml:1:12: error: expected a key") != NULL);
	CHECK(strstr(error_of(&b, "x = [1, 2\n"), "site.toml:1:5: error: unterminated array") != NULL);
	CHECK(strstr(error_of(&b, "x = \"\"\"abc\n"), "site.toml:1:5: error: unterminated multi-line string") != NULL);
	CHECK(strstr(error_of(&b, "# a\x7f comment\n"), "site.toml:1:4: error: control character U+007F is not allowed in a comment") != NULL);
	CHECK(strstr(error_of(&b, "x = 1\n\xef\xbb\xbfy = 2\n"), "site.toml:2:1: error: unexpected U+FEFF in a key") != NULL);
	buf_free(&b);
}

static void test_values_and_positions(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	const char *src =
		"# 站点\n"
		"title = \"关于印发《规划》的通知\"   # 标题\n"
		"\"作者\" = '国家发展改革委'\n"
		"[params]\r\n"
		"\tprogress = 75\r\n"
		"date = 2019-06-30T10:32:00.5+08:00\n"
		"tags = [ \"规划\", 'x',\n"
		"         { k = 1.5 } ]\n"
		"[[plans]]\n"
		"\"名\".x = true\n"
		"[[plans]]\n"
		"[params.more]\n";
	struct value *root = parse(a, &d, src);
	CHECK(root != NULL);
	CHECK_INT(d.n, 0);
	if (!root)
		goto out;
	CHECK_STR(value_pair_at(root, 0)->key, "title");
	CHECK_STR(value_pair_at(root, 1)->key, "作者");
	CHECK_STR(value_pair_at(root, 2)->key, "params");
	CHECK_STR(value_pair_at(root, 3)->key, "plans");
	struct value *v = value_get(root, "title");
	CHECK_STR(value_str(v, ""), "关于印发《规划》的通知");
	CHECK_INT(v->pos.line, 2);
	CHECK_INT(v->pos.col, 9);
	CHECK_STR(v->pos.path, "site.toml");
	v = value_get(root, "作者");
	CHECK_STR(value_str(v, ""), "国家发展改革委");
	CHECK_INT(v->pos.line, 3);
	CHECK_INT(v->pos.col, 8);   /* counted in characters */
	struct value *params = value_get(root, "params");
	CHECK_INT(params->pos.line, 4);
	CHECK_INT(params->pos.col, 1);
	CHECK(params->flags == TOML_DEFINED);
	v = value_get(params, "progress");
	CHECK_INT(value_i64(v, -1), 75);
	CHECK_INT(v->pos.line, 5);
	CHECK_INT(v->pos.col, 13);   /* a tab is one column */
	v = value_get(params, "date");
	CHECK(value_is(v, V_DATETIME));
	CHECK_INT(v->u.dt.kind, DT_OFFSET);
	CHECK_INT(v->u.dt.year, 2019);
	CHECK_INT(v->u.dt.hour, 10);
	CHECK_INT(v->u.dt.nanos, 500000000);
	CHECK_INT(v->u.dt.offset_min, 480);
	CHECK_INT(v->pos.line, 6);
	CHECK_INT(v->pos.col, 8);
	struct value *tags = value_get(params, "tags");
	CHECK_INT(value_len(tags), 3);
	CHECK_INT(tags->pos.line, 7);
	CHECK_INT(tags->pos.col, 8);
	CHECK_INT(value_at(tags, 1)->pos.col, 16);
	v = value_at(tags, 2);
	CHECK(v->kind == V_TABLE && v->flags == TOML_INLINE);
	CHECK_INT(v->pos.line, 8);
	CHECK_INT(v->pos.col, 10);
	CHECK(value_get(v, "k")->u.f == 1.5);
	CHECK_INT(value_get(v, "k")->pos.col, 16);
	struct value *plans = value_get(root, "plans");
	CHECK(plans->kind == V_ARRAY && plans->flags == TOML_AOT);
	CHECK_INT(value_len(plans), 2);
	CHECK_INT(value_at(plans, 1)->pos.line, 11);
	v = value_get(value_at(plans, 0), "名");
	CHECK(v && v->flags == TOML_DOTTED);
	CHECK_INT(v->pos.line, 10);
	CHECK_INT(v->pos.col, 1);
	CHECK(value_truthy(value_get(v, "x")));
	CHECK_INT(value_get(v, "x")->pos.col, 9);
	CHECK(value_path(root, "params.more") != NULL);
out:
	diags_free(&d);
	arena_free(a);
}

static void test_scalars(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	const char *src =
		"max = 9_223_372_036_854_775_807\n"
		"min = -9223372036854775808\n"
		"hex = 0xDEAD_beef\n"
		"oct = 0o755\n"
		"bin = 0b1101\n"
		"f1 = -1.5e-3\n"
		"f2 = +inf\n"
		"f3 = -nan\n"
		"f4 = 1_000.000_1\n"
		"nul = \"a\\u0000b\"\n"
		"\"k\\u0000\" = 1\n"
		"esc = \"\\t\\\"\\\\\\u4E2D\\U0001F600\"\n"
		"ml = \"\"\"\n  one \\\n    two\r\n three\"\"\"\"\n"
		"lit = '''\nC:\\path\\''''\n"
		"ld = 2019-06-30\n"
		"lt = 07:32:00.999999999999\n"
		"ldt = 2019-06-30 07:32:00\n"
		"odt = 1979-05-27T00:32:00z\n"
		"leap = 2016-12-31T23:59:60Z\n";
	struct value *root = parse(a, &d, src);
	CHECK(root != NULL);
	if (!root)
		goto out;
	CHECK(value_get(root, "max")->u.i == INT64_MAX);
	CHECK(value_get(root, "min")->u.i == INT64_MIN);
	CHECK_INT(value_get(root, "hex")->u.i, 0xDEADBEEF);
	CHECK_INT(value_get(root, "oct")->u.i, 0755);
	CHECK_INT(value_get(root, "bin")->u.i, 13);
	CHECK(value_get(root, "f1")->u.f == -1.5e-3);
	CHECK(isinf(value_get(root, "f2")->u.f) && value_get(root, "f2")->u.f > 0);
	CHECK(isnan(value_get(root, "f3")->u.f));
	CHECK(value_get(root, "f4")->u.f == 1000.0001);
	struct value *v = value_get(root, "nul");
	CHECK_INT(v->u.str.len, 3);
	CHECK(memcmp(v->u.str.s, "a\0b", 3) == 0);
	CHECK(value_getn(root, "k\0", 2) != NULL);
	CHECK_STR(value_str(value_get(root, "esc"), ""), "\t\"\\中\xf0\x9f\x98\x80");
	CHECK_STR(value_str(value_get(root, "ml"), ""), "  one two\n three\"");
	CHECK_STR(value_str(value_get(root, "lit"), ""), "C:\\path\\'");
	CHECK_INT(value_get(root, "ld")->u.dt.kind, DT_DATE);
	v = value_get(root, "lt");
	CHECK_INT(v->u.dt.kind, DT_TIME);
	CHECK_INT(v->u.dt.nanos, 999999999);
	CHECK_INT(value_get(root, "ldt")->u.dt.kind, DT_LOCAL);
	CHECK_INT(value_get(root, "ldt")->u.dt.minute, 32);
	v = value_get(root, "odt");
	CHECK_INT(v->u.dt.kind, DT_OFFSET);
	CHECK_INT(v->u.dt.offset_min, 0);
	CHECK_INT(value_get(root, "leap")->u.dt.second, 60);
out:
	diags_free(&d);
	arena_free(a);
}

/* TOML front matter is parsed where it stands in the Markdown file. */
static void test_front_matter(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	const char *md =
		"<!-- 十四五规划 -->\n"
		"\n"
		"+++\n"
		"title = \"任务一\"\n"
		"progress = 40\n"
		"+++\n"
		"正文 = 这不是 TOML\n";
	size_t start = strstr(md, "+++\n") - md + 4;
	size_t end = strstr(md + start, "+++\n") - md;
	struct value *fm = toml_parse(a, "content/plans/x/tasks/01.md", md, start, end, &d);
	CHECK(fm != NULL);
	if (fm) {
		CHECK_INT(value_len(fm), 2);
		CHECK_INT(value_get(fm, "title")->pos.line, 4);
		CHECK_INT(value_get(fm, "title")->pos.col, 9);
		CHECK_INT(value_get(fm, "progress")->pos.line, 5);
		CHECK_INT(fm->pos.line, 4);
	}
	const char *bad =
		"<!-- 十四五规划 -->\n"
		"\n"
		"+++\n"
		"title = \"任务一\"\n"
		"progress = 1_\n"
		"+++\n";
	start = strstr(bad, "+++\n") - bad + 4;
	end = strstr(bad + start, "+++\n") - bad;
	CHECK(toml_parse(a, "content/plans/x/tasks/01.md", bad, start, end, &d) == NULL);
	CHECK_INT(d.nerrors, 1);
	if (d.n == 1) {
		struct buf b = BUF_INIT;
		diag_format(&d.v[0], &b);
		CHECK_STR(buf_cstr(&b), "content/plans/x/tasks/01.md:5:12: error: invalid number '1_'\n"
		                        "    5 | progress = 1_\n"
		                        "      |            ^\n");
		buf_free(&b);
	}
	/* A range that ends in the middle of a token: nothing past end is read
	 * (the copy has no NUL after it, so AddressSanitizer would see). */
	const char *whole = "a = 12345\nb = true";
	char *copy = xmalloc(strlen(whole));
	memcpy(copy, whole, strlen(whole));
	struct value *v = toml_parse(a, "x.toml", copy, 0, 6, &d);
	CHECK(v && value_get(v, "a")->u.i == 12);
	v = toml_parse(a, "x.toml", copy, 0, strlen(whole) - 1, &d);
	CHECK(v == NULL);   /* b = tru */
	v = toml_parse(a, "x.toml", copy, 0, strlen(whole), &d);
	CHECK(v && value_get(v, "b")->u.b == 1);
	free(copy);
	/* A BOM is skipped at the start of the range only. */
	v = toml_parse(a, "x.toml", "\xef\xbb\xbf" "a = 1\n", 0, 9, &d);
	CHECK(v && value_get(v, "a")->u.i == 1);
	v = toml_parse(a, "x.toml", "", 0, 0, &d);
	CHECK(v && v->kind == V_TABLE && value_len(v) == 0);
	diags_free(&d);
	arena_free(a);
}

static void test_depth_limit(void)
{
	struct buf src = BUF_INIT;
	struct buf out = BUF_INIT;
	/* TOML_MAX_DEPTH arrays: the deepest one is at level TOML_MAX_DEPTH. */
	buf_puts(&src, "a = ");
	for (int i = 0; i < TOML_MAX_DEPTH; i++)
		buf_putc(&src, '[');
	for (int i = 0; i < TOML_MAX_DEPTH; i++)
		buf_putc(&src, ']');
	CHECK_STR(error_of(&out, buf_cstr(&src)), "(parsed)");
	buf_reset(&src);
	buf_puts(&src, "a = ");
	for (int i = 0; i <= TOML_MAX_DEPTH; i++)
		buf_putc(&src, '[');
	for (int i = 0; i <= TOML_MAX_DEPTH; i++)
		buf_putc(&src, ']');
	CHECK(strstr(error_of(&out, buf_cstr(&src)), "site.toml:1:133: error: nesting deeper than 128 levels") != NULL);
	/* Inline tables, and a hostile file far past the limit. */
	buf_reset(&src);
	buf_puts(&src, "a = ");
	for (int i = 0; i < 100000; i++)
		buf_puts(&src, "{b=");
	CHECK(strstr(error_of(&out, buf_cstr(&src)), "nesting deeper than 128 levels") != NULL);
	/* Keys count too: a header path or dotted key is a chain of tables. */
	buf_reset(&src);
	buf_putc(&src, '[');
	for (int i = 0; i < TOML_MAX_DEPTH; i++)
		buf_puts(&src, i ? ".k" : "k");
	buf_puts(&src, "]\nx = 1\n");
	CHECK_STR(error_of(&out, buf_cstr(&src)), "(parsed)");
	buf_reset(&src);
	buf_putc(&src, '[');
	for (int i = 0; i <= TOML_MAX_DEPTH; i++)
		buf_puts(&src, i ? ".k" : "k");
	buf_puts(&src, "]\nx = 1\n");
	CHECK(strstr(error_of(&out, buf_cstr(&src)), "site.toml:1:258: error: nesting deeper") != NULL);
	buf_reset(&src);
	for (int i = 0; i < TOML_MAX_DEPTH; i++)
		buf_puts(&src, "k.");
	buf_puts(&src, "k = 1\n");   /* tables at levels 1..128, a number needs no level */
	CHECK_STR(error_of(&out, buf_cstr(&src)), "(parsed)");
	buf_truncate(&src, src.len - 2);
	buf_puts(&src, "[]\n");      /* an array at level 129 */
	CHECK(strstr(error_of(&out, buf_cstr(&src)), "site.toml:1:261: error: nesting deeper") != NULL);
	buf_reset(&src);
	for (int i = 0; i < 1000; i++)
		buf_puts(&src, "k.");
	buf_puts(&src, "k = 1\n");
	CHECK(strstr(error_of(&out, buf_cstr(&src)), "key has more than 128 parts") != NULL);
	buf_free(&src);
	buf_free(&out);
}

/* Whatever the bytes, an answer: a tree, or an error with a position. */
static void test_garbage(void)
{
	static const char *const bits[] = {
		"[", "]", "[[", "]]", "{", "}", "=", ".", ",", "\"", "'", "\"\"\"", "'''", "\\",
		"\n", "\r\n", "\r", " ", "\t", "#", "a", "1", "0x", "e", "_", "-", "+", ":", "T",
		"Z", "1979-05-27", "07:32:00", "inf", "nan", "true", "\xff", "中", "\\u", "\0",
	};
	unsigned seed = 12345;
	int answered = 0;
	for (int n = 0; n < 3000; n++) {
		char doc[256];
		size_t len = 0;
		int parts = (int)(seed % 24);
		for (int k = 0; k < parts; k++) {
			seed = seed * 1103515245u + 12345u;
			const char *b = bits[(seed >> 16) % (sizeof bits / sizeof bits[0])];
			size_t bl = b[0] ? strlen(b) : 1;
			memcpy(doc + len, b, bl);
			len += bl;
		}
		seed = seed * 1103515245u + 12345u;
		struct arena *a = arena_new();
		struct diags d;
		diags_init(&d);
		struct value *v = toml_parse(a, "g.toml", doc, 0, len, &d);
		if (v ? d.n == 0 : d.nerrors > 0 && d.v[0].line > 0 && d.v[0].col > 0)
			answered++;
		diags_free(&d);
		arena_free(a);
	}
	CHECK_INT(answered, 3000);
}

int main(void)
{
	test_mistakes();
	test_values_and_positions();
	test_scalars();
	test_front_matter();
	test_depth_limit();
	test_garbage();
	return CHECK_DONE("check_toml");
}
