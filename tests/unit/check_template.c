/* check_template.c: the Mustache engine: errors with positions, linking, limits,
 * inheritance layouts, lambdas, indentation, Chinese text and concurrent rendering. */
#include "check.h"

#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "json.h"
#include "template.h"
#include "value.h"

static struct value *J(struct arena *a, const char *json)
{
	struct diags d;
	diags_init(&d);
	struct value *v = json_parse(a, "data.json", json, strlen(json), &d);
	if (!v)
		diags_print(&d, stderr);
	diags_free(&d);
	return v;
}

static int add(struct tpl_set *s, const char *name, const char *src, struct diags *d)
{
	char path[256];
	snprintf(path, sizeof path, "%s.mustache", name);
	return tpl_set_add(s, name, path, src, strlen(src), d);
}

/* The rendering of name as a string (static storage), or "(error)". */
static const char *render(struct tpl_set *s, const char *name, const struct value *ctx, struct diags *d)
{
	static char text[8192];
	struct buf out = BUF_INIT;
	int rc = tpl_render(s, tpl_set_get(s, name), ctx, &out, d);
	snprintf(text, sizeof text, "%s", rc == 0 ? buf_cstr(&out) : "(error)");
	buf_free(&out);
	return text;
}

/* One template, not strict, rendered against JSON data. */
static const char *quick(const char *src, const char *json)
{
	static char text[8192];
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(0);
	struct diags d;
	diags_init(&d);
	if (add(s, "t", src, &d) == 0 && tpl_set_link(s, &d) == 0)
		snprintf(text, sizeof text, "%s", render(s, "t", J(a, json), &d));
	else
		snprintf(text, sizeof text, "(error)");
	diags_print(&d, stderr);
	diags_free(&d);
	tpl_set_free(s);
	arena_free(a);
	return text;
}

/* Diagnostic i as "path:line:col: message". */
static const char *dstr(const struct diags *d, size_t i)
{
	static char text[1024];
	if (i >= d->n)
		return "(no diagnostic)";
	const struct diag *g = &d->v[i];
	snprintf(text, sizeof text, "%s:%d:%d: %s", g->path ? g->path : "", g->line, g->col, g->msg);
	return text;
}

/* The error a single template's compilation records. */
static const char *compile_error(const char *src)
{
	static char text[1024];
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	int rc = add(s, "t", src, &d);
	snprintf(text, sizeof text, "%s%s", rc < 0 ? "" : "(no error) ", dstr(&d, 0));
	diags_free(&d);
	tpl_set_free(s);
	return text;
}

static void test_basics(void)
{
	CHECK_STR(quick("Hello, {{name}}! {{{raw}}} {{&raw}}", "{\"name\": \"<a & 'b'>\", \"raw\": \"<i>\"}"),
	          "Hello, &lt;a &amp; &#39;b&#39;&gt;! <i> <i>");
	CHECK_STR(quick("{{a.b.c}}|{{#a}}{{b.c}}{{/a}}|{{a.x.y}}", "{\"a\": {\"b\": {\"c\": 1.21}}}"), "1.21|1.21|");
	CHECK_STR(quick("{{#list}}{{.}},{{/list}}{{^list}}none{{/list}}", "{\"list\": [1, 2.5, \"三\"]}"),
	          "1,2.5,三,");
	CHECK_STR(quick("{{#list}}x{{/list}}{{^list}}none{{/list}}", "{\"list\": []}"), "none");
	/* the spec: "" and 0 are true in sections; null, false, [] and a miss are not */
	CHECK_STR(quick("[{{#s}}s{{/s}}{{#z}}z{{/z}}{{#n}}n{{/n}}{{#f}}f{{/f}}{{#m}}m{{/m}}]",
	                "{\"s\": \"\", \"z\": 0, \"n\": null, \"f\": false}"), "[sz]");
	CHECK_STR(quick("{{#t}}{{k}}{{/t}}", "{\"t\": {\"k\": \"v\"}}"), "v");
	/* standalone lines vanish, inline ones stay */
	CHECK_STR(quick("<ul>\n  {{#l}}\n  <li>{{.}}</li>\n  {{/l}}\n</ul>\n", "{\"l\": [\"a\", \"b\"]}"),
	          "<ul>\n  <li>a</li>\n  <li>b</li>\n</ul>\n");
	CHECK_STR(quick("{{=<% %>=}}<%x%> {{x}}", "{\"x\": 1}"), "1 {{x}}");
	CHECK_STR(quick("a{{! 注释 }}b", "{}"), "ab");
}

static void test_chinese(void)
{
	/* Chinese text, keys and full-width punctuation pass through byte for byte */
	const char *src = "一、总体要求\n{{#任务}}（{{序号}}）{{名称}}：进度{{进度}}%。\n{{/任务}}——完——\n";
	const char *data = "{\"任务\": [{\"序号\": 1, \"名称\": \"推进“放管服”改革\", \"进度\": 85},"
	                   " {\"序号\": 2, \"名称\": \"优化营商环境\", \"进度\": 60.5}]}";
	CHECK_STR(quick(src, data),
	          "一、总体要求\n（1）推进“放管服”改革：进度85%。\n（2）优化营商环境：进度60.5%。\n——完——\n");
}

static void test_syntax_errors(void)
{
	CHECK_STR(compile_error("<main>\n  {{#items}}\n  <p>{{title}}</p>\n</main>\n"),
	          "t.mustache:2:3: unclosed section \"items\"");
	CHECK_STR(compile_error("{{#a}}x\n{{^b}}y{{/a}}"),
	          "t.mustache:2:8: close tag \"a\" does not match the open inverted section \"b\" (line 2)");
	CHECK_STR(compile_error("{{#a}}x{{/b}}"),
	          "t.mustache:1:8: close tag \"b\" does not match the open section \"a\" (line 1)");
	CHECK_STR(compile_error("x\n{{/a}}"), "t.mustache:2:1: close tag \"a\" without an open section");
	CHECK_STR(compile_error("<p>\nHello {{name</p>\n"), "t.mustache:2:7: unclosed tag: no \"}}\" after it");
	CHECK_STR(compile_error("{{{raw}}"), "t.mustache:1:1: unclosed tag: no \"}}}\" after it");
	CHECK_STR(compile_error("ab{{=<% =}}"),
	          "t.mustache:1:3: bad delimiter change: expected {{=<open> <close>=}}");
	CHECK_STR(compile_error("{{=<% %>=}}<%#a%>"), "t.mustache:1:12: unclosed section \"a\"");
	CHECK_STR(compile_error("x {{ }}"), "t.mustache:1:3: empty tag name");
	CHECK_STR(compile_error("{{#}}{{/}}"), "t.mustache:1:1: empty tag name");
	CHECK_STR(compile_error("{{a b}}"), "t.mustache:1:1: tag name \"a b\" contains a space");
	CHECK_STR(compile_error("{{a..b}}"), "t.mustache:1:1: bad name \"a..b\": an empty part between dots");
	CHECK_STR(compile_error("{{<base}}{{$main}}x{{/base}}"),
	          "t.mustache:1:20: close tag \"base\" does not match the open block \"main\" (line 1)");
	/* columns count characters, not bytes */
	CHECK_STR(compile_error("第一行\n（一）{{#任务}}"), "t.mustache:2:4: unclosed section \"任务\"");

	/* the whole diagnostic, as main prints it */
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	struct buf out = BUF_INIT;
	diags_init(&d);
	CHECK_INT(add(s, "page", "<h1>{{title}}</h1>\n{{#a}}x{{/b}}\n", &d), -1);
	CHECK_INT(d.nerrors, 1);
	CHECK(tpl_set_get(s, "page") == NULL);
	diag_format(&d.v[0], &out);
	CHECK_STR(buf_cstr(&out), "page.mustache:2:8: error: close tag \"b\" does not match the open section \"a\" (line 2)\n"
	                          "    2 | {{#a}}x{{/b}}\n"
	                          "      |        ^\n");
	/* a broken template keeps its name: linking does not report it again */
	CHECK_INT(add(s, "home", "{{>page}}", &d), 0);
	CHECK_INT(tpl_set_link(s, &d), 0);
	CHECK_INT(d.nerrors, 1);
	buf_free(&out);
	diags_free(&d);
	tpl_set_free(s);
}

static void test_link(void)
{
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	/* strict: unknown partials and parents are errors at their tags */
	add(s, "page", "<body>\n  {{>header}}\n  {{#x}}{{>nope}}{{/x}}\n</body>\n", &d);
	add(s, "header", "<header>{{<frame}}{{/frame}}</header>\n", &d);
	CHECK_INT(d.nerrors, 0);
	CHECK_INT(tpl_set_link(s, &d), -1);
	CHECK_INT(d.nerrors, 2);
	diags_sort(&d);
	CHECK_STR(dstr(&d, 0), "header.mustache:1:9: unknown parent template \"frame\"");
	CHECK_STR(dstr(&d, 1), "page.mustache:3:9: unknown partial \"nope\"");
	tpl_set_free(s);
	diags_free(&d);

	/* a partial including itself with no section in between never ends */
	s = tpl_set_new(1);
	diags_init(&d);
	add(s, "a", "A\n{{>b}}\n", &d);
	add(s, "b", "B {{#x}}{{>a}}{{/x}}\n  {{>c}}\n", &d);
	add(s, "c", "{{$blk}}{{>a}}{{/blk}} C {{>a}}", &d);
	CHECK_INT(tpl_set_link(s, &d), -1);
	CHECK_INT(d.nerrors, 1);
	CHECK_STR(dstr(&d, 0), "c.mustache:1:26: partial \"a\" includes itself forever (a -> b -> c -> a)");
	tpl_set_free(s);
	diags_free(&d);

	s = tpl_set_new(0);   /* the check holds when not strict too */
	diags_init(&d);
	add(s, "self", "x{{<self}}{{/self}}", &d);
	CHECK_INT(tpl_set_link(s, &d), -1);
	CHECK_STR(dstr(&d, 0), "self.mustache:1:2: partial \"self\" includes itself forever (self -> self)");
	tpl_set_free(s);
	diags_free(&d);

	/* recursion inside a section is how trees are drawn: not an error */
	struct arena *a = arena_new();
	s = tpl_set_new(1);
	diags_init(&d);
	add(s, "tree", "<ul>\n{{#nodes}}\n  <li>{{name}}\n  {{>tree}}\n  </li>\n{{/nodes}}\n</ul>\n", &d);
	CHECK_INT(tpl_set_link(s, &d), 0);
	CHECK_INT(d.nerrors, 0);
	CHECK_STR(render(s, "tree", J(a, "{\"nodes\": [{\"name\": \"一\", \"nodes\": [{\"name\": \"1.1\", \"nodes\": []}]}]}"), &d),
	          "<ul>\n  <li>一\n  <ul>\n    <li>1.1\n    <ul>\n    </ul>\n    </li>\n  </ul>\n  </li>\n</ul>\n");
	tpl_set_free(s);
	diags_free(&d);

	/* not strict: unknown partials render as nothing */
	CHECK_STR(quick("[{{>nope}}]", "{}"), "[]");
	arena_free(a);
}

static struct value *nested(struct arena *a, int depth)
{
	struct value *v = value_table(a, (struct pos){ 0 });
	value_setc(a, v, "name", value_int(a, depth, (struct pos){ 0 }));
	/* the leaf says "no child": a miss would find its parent's child instead */
	value_setc(a, v, "child", depth > 0 ? nested(a, depth - 1) : value_null(a, (struct pos){ 0 }));
	return v;
}

static void test_depth(void)
{
	/* in one template's text */
	struct buf src = BUF_INIT;
	for (int i = 0; i < TPL_MAX_DEPTH; i++)
		buf_puts(&src, "{{#a}}");
	for (int i = 0; i < TPL_MAX_DEPTH; i++)
		buf_puts(&src, "{{/a}}");
	CHECK(strncmp(compile_error(buf_cstr(&src)), "(no error)", 10) == 0);
	buf_reset(&src);
	for (int i = 0; i <= TPL_MAX_DEPTH; i++)
		buf_puts(&src, "{{#a}}");
	for (int i = 0; i <= TPL_MAX_DEPTH; i++)
		buf_puts(&src, "{{/a}}");
	CHECK_STR(compile_error(buf_cstr(&src)), "t.mustache:1:601: sections nested deeper than 100");
	buf_free(&src);

	/* at render time: a recursive partial over data deeper than the limit */
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	add(s, "page", "{{>node}}", &d);
	add(s, "node", "{{#child}}<{{>node}}>{{/child}}", &d);
	CHECK_INT(tpl_set_link(s, &d), 0);
	CHECK_STR(render(s, "page", nested(a, 10), &d), "<<<<<<<<<<>>>>>>>>>>");
	CHECK_INT(d.nerrors, 0);
	CHECK_STR(render(s, "page", nested(a, 200), &d), "(error)");
	CHECK_INT(d.nerrors, 1);
	CHECK_STR(dstr(&d, 0), "node.mustache:1:12: templates nested deeper than 100 (a partial recursing without end?)");
	tpl_set_free(s);
	diags_free(&d);
	arena_free(a);
}

static void test_inheritance(void)
{
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	add(s, "base",
	    "<!DOCTYPE html>\n"
	    "<title>{{$title}}{{site.title}}{{/title}}</title>\n"
	    "<body>\n"
	    "  {{>header}}\n"
	    "  <main>\n"
	    "    {{$main}}\n"
	    "    <p>默认内容</p>\n"
	    "    {{/main}}\n"
	    "  </main>\n"
	    "</body>\n", &d);
	add(s, "header", "<header>{{$brand}}{{site.title}}{{/brand}}</header>\n", &d);
	add(s, "page",
	    "{{<base}}\n"
	    "{{$title}}{{page.title}} - {{site.title}}{{/title}}\n"
	    "{{$main}}\n"
	    "<h1>{{page.title}}</h1>\n"
	    "{{#page.items}}\n"
	    "<p>{{.}}</p>\n"
	    "{{/page.items}}\n"
	    "{{/main}}\n"
	    "{{$brand}}<b>{{site.title}}</b>{{/brand}}\n"
	    "{{/base}}\n", &d);
	add(s, "plain", "{{<base}}{{/base}}\n", &d);
	CHECK_INT(tpl_set_link(s, &d), 0);
	struct value *site = J(a, "{\"site\": {\"title\": \"政府网站\"}}");
	struct value *page = J(a, "{\"page\": {\"title\": \"“十四五”规划\", \"items\": [\"一\", \"二 <b>\"]}}");
	struct buf out = BUF_INIT;
	CHECK_INT(tpl_render2(s, tpl_set_get(s, "page"), site, page, &out, &d), 0);
	CHECK_STR(buf_cstr(&out),
	          "<!DOCTYPE html>\n"
	          "<title>“十四五”规划 - 政府网站</title>\n"
	          "<body>\n"
	          "  <header><b>政府网站</b></header>\n"
	          "  <main>\n"
	          "    <h1>“十四五”规划</h1>\n"
	          "    <p>一</p>\n"
	          "    <p>二 &lt;b&gt;</p>\n"
	          "  </main>\n"
	          "</body>\n");
	buf_reset(&out);
	CHECK_INT(tpl_render2(s, tpl_set_get(s, "plain"), site, NULL, &out, &d), 0);
	CHECK_STR(buf_cstr(&out),
	          "<!DOCTYPE html>\n"
	          "<title>政府网站</title>\n"
	          "<body>\n"
	          "  <header>政府网站</header>\n"
	          "  <main>\n"
	          "    <p>默认内容</p>\n"
	          "  </main>\n"
	          "</body>\n");
	CHECK_INT(d.nerrors, 0);
	buf_free(&out);
	tpl_set_free(s);
	diags_free(&d);
	arena_free(a);
}

static void test_indentation(void)
{
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	add(s, "outer", "<ul>\n  {{>items}}\n</ul>\n<p>{{>item}}</p>\n", &d);
	add(s, "items", "{{#list}}\n<li>\n  {{>item}}\n</li>\n{{/list}}\n", &d);
	add(s, "item", "<b>{{.}}</b>\n<i>{{{html}}}</i>\n", &d);
	CHECK_INT(tpl_set_link(s, &d), 0);
	/* data with line breaks is not indented: only the template's own lines are */
	CHECK_STR(render(s, "outer", J(a, "{\"list\": [1, 2], \"html\": \"x\\ny\"}"), &d),
	          "<ul>\n  <li>\n    <b>1</b>\n    <i>x\ny</i>\n  </li>\n  <li>\n    <b>2</b>\n    <i>x\ny</i>\n  </li>\n</ul>\n"
	          "<p><b></b>\n<i>x\ny</i>\n</p>\n");
	tpl_set_free(s);
	diags_free(&d);
	arena_free(a);
}

static int shout(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	if (!section) {
		buf_puts(out, "{{name}} & {{name}}");
		return 0;
	}
	buf_puts(out, "<strong>");
	buf_put(out, arg, n);
	buf_puts(out, "</strong>");
	return 0;
}

static int fails(void *ud, const char *arg, size_t n, int section, struct buf *out)
{
	buf_puts(out, "boom");
	return -1;
}

static void test_lambdas(void)
{
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	struct value *ctx = J(a, "{\"name\": \"<张三>\"}");
	struct value *f = value_new(a, V_FUNC, (struct pos){ 0 });
	f->u.fn.call = shout;
	value_setc(a, ctx, "f", f);
	struct value *g = value_new(a, V_FUNC, (struct pos){ 0 });
	g->u.fn.call = fails;
	value_setc(a, ctx, "g", g);
	add(s, "var", "{{f}}|{{{f}}}", &d);
	add(s, "sec", "{{#f}}hi {{name}}{{/f}}{{^f}}never{{/f}}", &d);
	add(s, "bad", "ok\n  {{g}}\n", &d);
	CHECK_INT(tpl_set_link(s, &d), 0);
	CHECK_STR(render(s, "var", ctx, &d), "&amp;lt;张三&amp;gt; &amp; &amp;lt;张三&amp;gt;|&lt;张三&gt; & &lt;张三&gt;");
	CHECK_STR(render(s, "sec", ctx, &d), "<strong>hi &lt;张三&gt;</strong>");
	CHECK_INT(d.nerrors, 0);
	CHECK_STR(render(s, "bad", ctx, &d), "(error)");
	CHECK_STR(dstr(&d, 0), "bad.mustache:2:3: lambda \"g\" failed: boom");
	tpl_set_free(s);
	diags_free(&d);
	arena_free(a);
}

static void test_dynamic_and_override(void)
{
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	add(s, "list", "{{#items}}{{>*kind}};{{/items}}", &d);
	add(s, "text", "T:{{body}}", &d);
	add(s, "image", "old", &d);
	add(s, "image", "I:{{src}}", &d);   /* a later add replaces: a site overriding its theme */
	CHECK_INT(tpl_set_link(s, &d), 0);
	CHECK_STR(render(s, "list", J(a, "{\"items\": [{\"kind\": \"text\", \"body\": \"正文\"},"
	                                 " {\"kind\": \"image\", \"src\": \"a.png\"}, {}]}"), &d),
	          "T:正文;I:a.png;;");
	CHECK_INT(d.nerrors, 0);
	/* replacing a template after linking: links to the old one are dropped */
	add(s, "text", "T2:{{body}}", &d);
	CHECK_STR(render(s, "list", J(a, "{\"items\": [{\"kind\": \"text\", \"body\": \"新\"}]}"), &d), "T2:新;");
	add(s, "list", "{{>text}}", &d);
	add(s, "text", "T3", &d);
	CHECK_STR(render(s, "list", J(a, "{}"), &d), "T3");
	CHECK_INT(tpl_set_link(s, &d), 0);
	CHECK_STR(render(s, "list", J(a, "{}"), &d), "T3");
	add(s, "list", "{{#items}}{{>*kind}};{{/items}}", &d);
	CHECK_INT(d.nerrors, 0);
	/* strict: a dynamic name naming no template is an error at render time */
	CHECK_STR(render(s, "list", J(a, "{\"items\": [{\"kind\": \"video\"}]}"), &d), "(error)");
	CHECK_STR(dstr(&d, 0), "list.mustache:1:11: unknown partial \"video\"");
	tpl_set_free(s);
	diags_free(&d);
	arena_free(a);
}

/* ---- many threads, one compiled set ---------------------------------------------- */

struct job {
	const struct tpl_set *s;
	const struct value *ctx;
	const char *want;
	int bad;
};

static void *worker(void *p)
{
	struct job *j = p;
	struct diags d;
	diags_init(&d);
	for (int i = 0; i < 50; i++) {
		struct buf out = BUF_INIT;
		if (tpl_render(j->s, tpl_set_get(j->s, "page"), j->ctx, &out, &d) != 0 || strcmp(buf_cstr(&out), j->want) != 0)
			j->bad++;
		buf_free(&out);
	}
	diags_free(&d);
	return NULL;
}

static void test_threads(void)
{
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(1);
	struct diags d;
	diags_init(&d);
	add(s, "page", "{{<base}}{{$main}}\n<ol>\n  {{#rows}}\n  {{>row}}\n  {{/rows}}\n</ol>\n{{/main}}{{/base}}", &d);
	add(s, "base", "<main>\n  {{$main}}{{/main}}\n</main>\n", &d);
	add(s, "row", "<li>{{n}}：{{title}} {{#done}}✓{{/done}}</li>\n", &d);
	CHECK_INT(tpl_set_link(s, &d), 0);
	struct value *ctx = value_table(a, (struct pos){ 0 });
	struct value *rows = value_array(a, (struct pos){ 0 });
	for (int i = 0; i < 200; i++) {
		struct value *r = value_table(a, (struct pos){ 0 });
		value_setc(a, r, "n", value_int(a, i, (struct pos){ 0 }));
		value_setc(a, r, "title", value_cstring(a, "任务 <甲>", (struct pos){ 0 }));
		value_setc(a, r, "done", value_bool(a, i % 2, (struct pos){ 0 }));
		value_push(a, rows, r);
	}
	value_setc(a, ctx, "rows", rows);
	struct buf want = BUF_INIT;
	CHECK_INT(tpl_render(s, tpl_set_get(s, "page"), ctx, &want, &d), 0);
	CHECK(strstr(buf_cstr(&want), "<main>\n  <ol>\n    <li>0：任务 &lt;甲&gt; </li>\n    <li>1：任务 &lt;甲&gt; ✓</li>\n") != NULL);
	struct job jobs[4];
	pthread_t th[4];
	const char *w = buf_cstr(&want);   /* once: buf_cstr writes the terminator */
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ s, ctx, w, 0 };
		CHECK_INT(pthread_create(&th[i], NULL, worker, &jobs[i]), 0);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(jobs[i].bad, 0);
	}
	buf_free(&want);
	tpl_set_free(s);
	diags_free(&d);
	arena_free(a);
}

/* The trace: each key looked up in the watched table, found or not, and
 * NULL when the table itself is a tag's value. */
static void on_read(void *ud, const char *key, size_t len)
{
	struct buf *b = ud;
	if (key)
		buf_printf(b, "%.*s,", (int)len, key);
	else
		buf_puts(b, "*,");
}

static const char *traced(const char *src, const char *json)
{
	static char text[1024];
	struct arena *a = arena_new();
	struct tpl_set *s = tpl_set_new(0);
	struct diags d;
	diags_init(&d);
	struct buf reads = BUF_INIT, out = BUF_INIT;
	struct value *ctx = J(a, json);
	struct tpl_trace tr = { value_get(ctx, "site"), on_read, &reads };
	if (add(s, "t", src, &d) == 0 && tpl_set_link(s, &d) == 0 &&
	    tpl_render_traced(s, tpl_set_get(s, "t"), ctx, &tr, &out, &d) == 0)
		snprintf(text, sizeof text, "%s|%s", buf_cstr(&out), buf_cstr(&reads));
	else
		snprintf(text, sizeof text, "(error)");
	buf_free(&reads);
	buf_free(&out);
	diags_free(&d);
	tpl_set_free(s);
	arena_free(a);
	return text;
}

static void test_trace(void)
{
	const char *ctx = "{\"site\":{\"title\":\"T\",\"plans\":[{\"n\":1},{\"n\":2}],\"x\":{\"y\":\"Y\"}},"
	                  "\"page\":{\"title\":\"P\"}}";
	CHECK_STR(traced("{{page.title}}", ctx), "P|");
	CHECK_STR(traced("{{site.title}}/{{page.title}}", ctx), "T/P|title,");
	CHECK_STR(traced("{{#site.plans}}{{n}}{{/site.plans}}", ctx), "12|plans,");
	CHECK_STR(traced("{{site.x.y}}", ctx), "Y|x,");
	/* A key the site lacks is a dependency too: it may appear. */
	CHECK_STR(traced("{{site.nope}}-", ctx), "-|nope,");
	/* Inside {{#site}}, names are looked up in the site first. */
	CHECK_STR(traced("{{#site}}{{title}}{{/site}}", ctx), "T|*,title,");
	/* A name found above the site on the stack never reaches it. */
	CHECK_STR(traced("{{#site.x}}{{y}}{{/site.x}}", ctx), "Y|x,");
	CHECK_STR(traced("{{#page}}{{title}}{{/page}}", ctx), "P|");
}

int main(void)
{
	test_trace();
	test_basics();
	test_chinese();
	test_syntax_errors();
	test_link();
	test_depth();
	test_inheritance();
	test_indentation();
	test_lambdas();
	test_dynamic_and_override();
	test_threads();
	return CHECK_DONE("check_template");
}
