/* check_markdown.c: the Markdown module with both engines: CJK rules, heading
 * ids and contents, links, raw HTML, summaries, and identical output. */
#include "check.h"

#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "markdown.h"
#include "utf8.h"

static const char *const engine_name[] = { "md4c", "cmark" };
static const enum markdown_engine engines[] = { MARKDOWN_MD4C, MARKDOWN_CMARK };

static struct arena *A;    /* results of every render, freed at the end */
static struct diags D;     /* diagnostics of the last render */
static int last_rc;

/* A CHECK_STR that names the engine. */
static void check_eng(int e, int line, const char *got, const char *want)
{
	if (got && want && strcmp(got, want) == 0) {
		check_pass++;
		return;
	}
	check_fail++;
	fprintf(stderr, "%s:%d: [%s] check failed\n  got:  [%s]\n  want: [%s]\n", __FILE__, line,
	        engine_name[e], got ? got : "(null)", want ? want : "(null)");
}

#define EXPECT(e, got, want) check_eng((e), __LINE__, (got), (want))

/* Renders file[body_off..] with o (engine e); diagnostics land in D. */
static struct markdown_result render_opts(int e, struct markdown_opts o, const char *file, size_t body_off)
{
	struct markdown_result r;
	diags_free(&D);
	diags_init(&D);
	o.engine = engines[e];
	last_rc = markdown_render(&o, A, "t.md", file, strlen(file), body_off, &r, &D);
	return r;
}

static const char *html(int e, const char *src)
{
	struct markdown_opts o = { 0 };
	return render_opts(e, o, src, 0).html;
}

static const char *html_plain(int e, const char *src)
{
	struct markdown_opts o = { 0 };
	o.plain = 1;
	return render_opts(e, o, src, 0).html;
}

static void test_cjk_breaks(int e)
{
	EXPECT(e, html(e, "中文\n段落\n"), "<p>中文段落</p>\n");
	EXPECT(e, html(e, "Hello\nworld\n"), "<p>Hello\nworld</p>\n");
	EXPECT(e, html(e, "中\n**文**\n"), "<p>中<strong>文</strong></p>\n");
	EXPECT(e, html(e, "**中**\n文\n"), "<p><strong>中</strong>文</p>\n");
	EXPECT(e, html(e, "中文\n“引号”\n"), "<p>中文“引号”</p>\n");
	EXPECT(e, html(e, "“引号”\n中文\n"), "<p>“引号”中文</p>\n");
	EXPECT(e, html(e, "句号。\n下一句\n"), "<p>句号。下一句</p>\n");
	EXPECT(e, html(e, "中文\nEnglish\n"), "<p>中文\nEnglish</p>\n");
	EXPECT(e, html(e, "English\n中文\n"), "<p>English\n中文</p>\n");
	EXPECT(e, html(e, "中\n`文`\n"), "<p>中<code>文</code></p>\n");
	EXPECT(e, html(e, "中\\\n文\n"), "<p>中<br />\n文</p>\n");
	EXPECT(e, html(e, "![图\n片](a.png)\n"), "<p><img src=\"a.png\" alt=\"图片\" /></p>\n");
	EXPECT(e, html_plain(e, "中文\n段落\n"), "<p>中文\n段落</p>\n");
}

static void test_emphasis(int e)
{
	EXPECT(e, html(e, "**“不忘初心、牢记使命”**主题教育\n"),
	       "<p><strong>“不忘初心、牢记使命”</strong>主题教育</p>\n");
	EXPECT(e, html(e, "开展**“不忘初心、牢记使命”**主题教育\n"),
	       "<p>开展<strong>“不忘初心、牢记使命”</strong>主题教育</p>\n");
	EXPECT(e, html(e, "在*《规划》*中\n"), "<p>在<em>《规划》</em>中</p>\n");
	EXPECT(e, html(e, "- **（一）**总体要求\n"), "<ul>\n<li><strong>（一）</strong>总体要求</li>\n</ul>\n");
	EXPECT(e, html(e, "`**“a”**b`\n"), "<p><code>**“a”**b</code></p>\n");
	EXPECT(e, html(e, "```\n**“a”**b\n```\n"), "<pre><code>**“a”**b\n</code></pre>\n");
	/* plain CommonMark cannot close the run */
	EXPECT(e, html_plain(e, "**“不忘初心”**主题\n"), "<p>**“不忘初心”**主题</p>\n");
	/* a U+E000 of the author's own survives the sentinel */
	EXPECT(e, html(e, "\xEE\x80\x80**“甲”**乙\n"), "<p>\xEE\x80\x80<strong>“甲”</strong>乙</p>\n");
}

static void test_headings(int e)
{
	const char *src =
		"# 一、总体要求\n"
		"## Hello World\n"
		"## Hello World\n"
		"## 自定义 {#custom-id}\n"
		"### `code` {#x}\n"
		"## 标题 `{#not}`\n"
		"## \n";
	struct markdown_opts o = { 0 };
	struct markdown_result r = render_opts(e, o, src, 0);
	EXPECT(e, r.html,
	       "<h1 id=\"一总体要求\">一、总体要求</h1>\n"
	       "<h2 id=\"hello-world\">Hello World</h2>\n"
	       "<h2 id=\"hello-world-1\">Hello World</h2>\n"
	       "<h2 id=\"custom-id\">自定义</h2>\n"
	       "<h3 id=\"x\"><code>code</code></h3>\n"
	       "<h2 id=\"标题-not\">标题 <code>{#not}</code></h2>\n"
	       "<h2 id=\"section\"></h2>\n");
	CHECK_INT(r.ntoc, 7);
	if (r.ntoc == 7) {
		CHECK_INT(r.toc[0].level, 1);
		EXPECT(e, r.toc[0].id, "一总体要求");
		EXPECT(e, r.toc[0].text, "一、总体要求");
		EXPECT(e, r.toc[2].id, "hello-world-1");
		EXPECT(e, r.toc[3].id, "custom-id");
		EXPECT(e, r.toc[3].text, "自定义");
		CHECK_INT(r.toc[4].level, 3);
		EXPECT(e, r.toc[4].text, "code");
		EXPECT(e, r.toc[5].text, "标题 {#not}");
	}
	CHECK_INT(D.n, 0);

	/* A slug taken goes on from the last suffix its headings reached,
	 * past ids taken otherwise; a page of 3,000 headings alike gets them
	 * all, and its in-page links find the last. */
	D.n = 0;
	r = render_opts(e, o, "# A\n\n# A-1\n\n# A\n\n# B {#a-3}\n\n# A\n\n# A\n", 0);
	EXPECT(e, r.html,
	       "<h1 id=\"a\">A</h1>\n<h1 id=\"a-1\">A-1</h1>\n<h1 id=\"a-2\">A</h1>\n<h1 id=\"a-3\">B</h1>\n"
	       "<h1 id=\"a-4\">A</h1>\n<h1 id=\"a-5\">A</h1>\n");
	CHECK_INT(D.n, 0);
	struct buf many = BUF_INIT;
	buf_puts(&many, "[末节](#说明-2999)\n\n");
	for (int k = 0; k < 3000; k++)
		buf_puts(&many, "## 说明\n\n");
	r = render_opts(e, o, buf_cstr(&many), 0);
	buf_free(&many);
	CHECK_INT(r.ntoc, 3000);
	if (r.ntoc == 3000) {
		EXPECT(e, r.toc[1].id, "说明-1");
		EXPECT(e, r.toc[2999].id, "说明-2999");
	}
	CHECK_INT(D.n, 0);

	r = render_opts(e, o, "# A {#a}\n\n# B {#a}\n", 0);
	EXPECT(e, r.html, "<h1 id=\"a\">A</h1>\n<h1 id=\"a\">B</h1>\n");
	CHECK_INT(D.nwarnings, 1);
	CHECK(D.n == 1 && D.v[0].line == 3 && strstr(D.v[0].msg, "duplicate heading id #a"));

	o.plain = 1;
	r = render_opts(e, o, "# 标题 {#x}\n", 0);
	EXPECT(e, r.html, "<h1>标题 {#x}</h1>\n");
	CHECK_INT(r.ntoc, 1);
	if (r.ntoc == 1)
		EXPECT(e, r.toc[0].id, "");
}

static void test_slug(void)
{
	static const struct { const char *in, *want; } cases[] = {
		{ "一、总体要求", "一总体要求" },
		{ "Hello World", "hello-world" },
		{ "Hello, World!", "hello-world" },
		{ "第一章 Overview", "第一章-overview" },
		{ "1. 总体要求", "1-总体要求" },
		{ "（一）总体 要求", "一总体要求" },
		{ "2019年 工作_计划", "2019年工作_计划" },
		{ "a - b", "a-b" },
		{ "  ", "section" },
		{ "“”", "section" },
		{ "ÀB", "Àb" },
	};
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
		buf_reset(&b);
		markdown_slug(cases[i].in, strlen(cases[i].in), &b);
		CHECK_STR(buf_cstr(&b), cases[i].want);
	}
	buf_free(&b);
}

/* What the resolver was called with. */
struct call {
	char dest[64];
	size_t off;
};

struct calls {
	struct call v[16];
	size_t n;
	int fail_on_b;   /* return -1 for docs/b.md */
};

static int resolver(void *ud, const char *dest, size_t len, size_t off, struct buf *out)
{
	struct calls *c = ud;
	if (c->n < 16 && len < 64) {
		memcpy(c->v[c->n].dest, dest, len);
		c->v[c->n].dest[len] = '\0';
		c->v[c->n++].off = off;
	}
	if (c->fail_on_b && len == 9 && memcmp(dest, "docs/b.md", 9) == 0)
		return -1;
	if (len == 4 && memcmp(dest, "keep", 4) == 0)
		return 1;
	buf_puts(out, "/R/");
	buf_put(out, dest, len);
	return 0;
}

static const struct call *find_call(const struct calls *c, const char *dest)
{
	for (size_t i = 0; i < c->n; i++)
		if (strcmp(c->v[i].dest, dest) == 0)
			return &c->v[i];
	return NULL;
}

static void test_links(int e)
{
	const char *file =
		"---\n"
		"title: 链接\n"
		"---\n"
		"第一段**“强调”**后文**“再”**见[文件](a.md)。\n"
		"\n"
		"[引用][r] 和 ![图](img/p.png)\n"
		"\n"
		"[r]: docs/b.md \"T\"\n"
		"[转义](c\\_d.md) [留](keep)\n"
		"[绝对](https://example.org) [根](/x) [锚](#第一段) [空]()\n";
	size_t body = strlen("---\ntitle: 链接\n---\n");
	struct calls c = { 0 };
	struct markdown_opts o = { 0 };
	o.resolve = resolver;
	o.resolve_ud = &c;
	struct markdown_result r = render_opts(e, o, file, body);
	EXPECT(e, r.html,
	       "<p>第一段<strong>“强调”</strong>后文<strong>“再”</strong>见<a href=\"/R/a.md\">文件</a>。</p>\n"
	       "<p><a href=\"/R/docs/b.md\" title=\"T\">引用</a> 和 <img src=\"/R/img/p.png\" alt=\"图\" /></p>\n"
	       "<p><a href=\"/R/c_d.md\">转义</a> <a href=\"keep\">留</a>"   /* CJK on both sides */
	       "<a href=\"https://example.org\">绝对</a> <a href=\"/x\">根</a> "
	       "<a href=\"#%E7%AC%AC%E4%B8%80%E6%AE%B5\">锚</a> <a href=\"\">空</a></p>\n");
	CHECK_INT(c.n, 5);
	const struct call *k = find_call(&c, "a.md");
	CHECK(k && k->off == (size_t)(strstr(file, "a.md)") - file));
	k = find_call(&c, "docs/b.md");
	CHECK(k && k->off == (size_t)(strstr(file, "docs/b.md") - file));
	k = find_call(&c, "img/p.png");
	CHECK(k && k->off == (size_t)(strstr(file, "img/p.png") - file));
	k = find_call(&c, "c_d.md");
	CHECK(k && k->off == (size_t)(strstr(file, "c\\_d.md") - file));
	if (k) {
		int line, col;
		diag_linecol(file, strlen(file), k->off, &line, &col);
		CHECK_INT(line, 9);
		CHECK_INT(col, 6);
	}
	CHECK(find_call(&c, "keep") != NULL);
	CHECK(last_rc == -1);   /* #第一段 is no heading */
	CHECK(D.nerrors == 1 && D.v[0].line == 10 && strstr(D.v[0].msg, "#第一段"));

	/* a resolver error makes the render fail, the link stays */
	c.n = 0;
	c.fail_on_b = 1;
	r = render_opts(e, o, "[a](docs/b.md)\n", 0);
	EXPECT(e, r.html, "<p><a href=\"docs/b.md\">a</a></p>\n");
	CHECK_INT(last_rc, -1);

	/* plain mode neither resolves nor checks */
	c.n = 0;
	o.plain = 1;
	r = render_opts(e, o, "[a](a.md) [b](#nope)\n", 0);
	CHECK_INT(c.n, 0);
	CHECK_INT(last_rc, 0);
	CHECK_INT(D.n, 0);
}

/* Windows line ends, and destinations written with escapes and entities. */
static void test_offsets(int e)
{
	const char *file = "---\r\nx: 1\r\n---\r\n中文\r\n段落\r\n\r\n见[甲](\\_&amp;a.md) [乙](&#x62;.md)\r\n";
	size_t body = strlen("---\r\nx: 1\r\n---\r\n");
	struct calls c = { 0 };
	struct markdown_opts o = { 0 };
	o.resolve = resolver;
	o.resolve_ud = &c;
	struct markdown_result r = render_opts(e, o, file, body);
	EXPECT(e, r.html, "<p>中文段落</p>\n<p>见<a href=\"/R/_&amp;a.md\">甲</a> <a href=\"/R/b.md\">乙</a></p>\n");
	const struct call *k = find_call(&c, "_&a.md");
	CHECK(k && k->off == (size_t)(strstr(file, "\\_&amp;") - file));
	k = find_call(&c, "b.md");
	CHECK(k && k->off == (size_t)(strstr(file, "&#x62;") - file));
}

static void test_fragments(int e)
{
	struct markdown_opts o = { 0 };
	struct markdown_result r = render_opts(e, o,
		"# 总体要求\n\n见[上文](#总体要求)、[编码](#%E6%80%BB%E4%BD%93%E8%A6%81%E6%B1%82)、[顶部](#)。\n\n"
		"另见[缺失](#missing)\n", 0);
	(void)r;
	CHECK_INT(last_rc, -1);
	CHECK_INT(D.nerrors, 1);
	CHECK(D.n == 1 && D.v[0].line == 5 && D.v[0].col == 8 &&
	      strcmp(D.v[0].msg, "link to missing heading #missing") == 0);

	/* ids from raw HTML count when it is kept */
	o.unsafe_html = 1;
	render_opts(e, o, "<div id=\"box\">x</div>\n\n[盒](#box)\n", 0);
	CHECK_INT(last_rc, 0);
}

static void test_unsafe_urls(int e)
{
	struct markdown_opts o = { 0 };
	struct markdown_result r = render_opts(e, o,
		"第一行\n[点我](javascript:alert(1)) ![图*片*](data:text/html;base64,x) "
		"![好](data:image/png;base64,AA) [v](VBScript:x) [f](file:///etc/passwd)\n", 0);
	EXPECT(e, r.html,
	       "<p>第一行点我 图片 <img src=\"data:image/png;base64,AA\" alt=\"好\" /> v f</p>\n");
	CHECK_INT(D.nwarnings, 4);
	CHECK_INT(D.nerrors, 0);
	CHECK_INT(last_rc, 0);
	CHECK(D.n >= 1 && D.v[0].line == 2 && strstr(D.v[0].msg, "javascript:"));
}

static void test_raw_html(int e)
{
	const char *src = "<div>\n块\n</div>\n\n行内<span class=\"x\">文字</span>和<a\nhref=\"x\">多行</a>\n";
	EXPECT(e, html(e, src),
	       "<!-- raw HTML omitted -->\n"
	       "<p>行内<!-- raw HTML omitted -->文字<!-- raw HTML omitted -->和<!-- raw HTML omitted -->"
	       "多行<!-- raw HTML omitted --></p>\n");
	struct markdown_opts o = { 0 };
	o.unsafe_html = 1;
	EXPECT(e, render_opts(e, o, src, 0).html,
	       "<div>\n块\n</div>\n<p>行内<span class=\"x\">文字</span>和<a\nhref=\"x\">多行</a></p>\n");
}

static void test_summary(int e)
{
	struct markdown_opts o = { 0 };
	struct markdown_result r = render_opts(e, o,
		"# 标题\n\n第一段。\n\n第二段<!--more-->之后。\n\n第三段\n", 0);
	EXPECT(e, r.summary, "标题\n第一段。\n第二段");
	CHECK_INT(r.summary_cut, 1);
	CHECK(!strstr(r.html, "more"));
	EXPECT(e, r.html, "<h1 id=\"标题\">标题</h1>\n<p>第一段。</p>\n<p>第二段之后。</p>\n<p>第三段</p>\n");

	r = render_opts(e, o, "第一段。\n\n<!-- more -->\n\n第二段\n", 0);
	EXPECT(e, r.summary, "第一段。");
	CHECK_INT(r.summary_cut, 1);
	EXPECT(e, r.html, "<p>第一段。</p>\n<p>第二段</p>\n");

	/* no divider: the first paragraph */
	r = render_opts(e, o, "# 标题\n\n只有一段**文字**\n也在这里。\n", 0);
	EXPECT(e, r.summary, "只有一段文字也在这里。");
	CHECK_INT(r.summary_cut, 0);
	r = render_opts(e, o, "第一段\n\n第二段\n", 0);
	EXPECT(e, r.summary, "第一段");
	CHECK_INT(r.summary_cut, 1);

	/* cut after the last 。 that keeps half the limit */
	o.summary_chars = 10;
	r = render_opts(e, o, "一二三四五六。七八九十甲乙丙\n", 0);
	EXPECT(e, r.summary, "一二三四五六。");
	CHECK_INT(r.summary_cut, 1);
	r = render_opts(e, o, "一二三。“四五六。”七八九十甲乙丙\n", 0);
	EXPECT(e, r.summary, "一二三。“四五六。”");
	/* too early a 。: cut at the limit with an ellipsis, whole characters only */
	r = render_opts(e, o, "一二。三四五六七八九十甲乙丙\n", 0);
	EXPECT(e, r.summary, "一二。三四五六七八…");
	CHECK_INT(utf8_count(r.summary, r.summary_len), 10);
	CHECK_INT(utf8_invalid_at(r.summary, r.summary_len), r.summary_len);
	r = render_opts(e, o, "Version 3.5 of the plan is here\n", 0);
	EXPECT(e, r.summary, "Version 3…");
	r = render_opts(e, o, "Short one. And then more text\n", 0);
	EXPECT(e, r.summary, "Short one.");

	/* no limit is beyond SUMMARY_CHARS_MAX */
	o.summary_chars = (size_t)-1;
	r = render_opts(e, o, "长长的一段。\n\n下一段\n", 0);
	EXPECT(e, r.summary, "长长的一段。");

	/* the default limit: 120 characters */
	o.summary_chars = 0;
	struct buf b = BUF_INIT;
	for (int i = 0; i < 200; i++)
		buf_puts(&b, "字");
	r = render_opts(e, o, buf_cstr(&b), 0);
	CHECK_INT(utf8_count(r.summary, r.summary_len), 120);
	CHECK_INT(r.summary_cut, 1);
	buf_free(&b);
}

static void test_table(void)
{
	struct markdown_opts o = { 0 };
	struct markdown_result r = render_opts(0, o,
		"| 项目 | 进度 |\n|:---|---:|\n| 甲 | 50% |\n\n- [x] 完成\n- [ ] 未完成\n\n~~删除~~\n", 0);
	EXPECT(0, r.html,
	       "<table>\n<thead>\n<tr>\n<th align=\"left\">项目</th>\n<th align=\"right\">进度</th>\n</tr>\n"
	       "</thead>\n<tbody>\n<tr>\n<td align=\"left\">甲</td>\n<td align=\"right\">50%</td>\n</tr>\n"
	       "</tbody>\n</table>\n"
	       "<ul>\n<li class=\"task-list-item\"><input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled checked />完成</li>\n"
	       "<li class=\"task-list-item\"><input type=\"checkbox\" class=\"task-list-item-checkbox\" disabled />未完成</li>\n</ul>\n"
	       "<p><del>删除</del></p>\n");
	/* no extensions in plain mode */
	EXPECT(0, html_plain(0, "a | b\n--|--\n1 | 2\n"), "<p>a | b\n--|--\n1 | 2</p>\n");
}

static void test_entities(int e)
{
	EXPECT(e, html(e, "&copy; &amp; &lt; &foo; &#x4E2D; &#20013; &#0; &nbsp;x [a](/u?a=1&amp;b=&#x27;)\n"),
	       "<p>© &amp; &lt; &amp;foo; 中 中 \xEF\xBF\xBD \xC2\xA0x <a href=\"/u?a=1&amp;b=&#x27;\">a</a></p>\n");
}

/* The same Chinese document gives the same page with both engines. */
static void test_same_output(void)
{
	const char *doc =
		"# 二〇二四年工作要点\n\n"
		"**“十四五”**规划实施进入关键阶段，\n要坚持稳中求进。\n\n"
		"## （一）推动高质量发展\n\n"
		"1. 深化*供给侧*结构性改革；\n"
		"2. 扩大有效投资，见[附件](files/a.pdf \"附件一\")。\n\n"
		"   其中：\n   - 重点项目 `120` 个\n   - 新开工![示意图](img/x.png)项目\n\n"
		"> 引用**《政府工作报告》**原文\n> 第二行\n\n"
		"---\n\n"
		"    缩进代码\n\n"
		"```text\n围栏代码 **不** 处理\n```\n\n"
		"<!--more-->\n\n"
		"## （一）推动高质量发展\n\n"
		"见[上节](#一推动高质量发展)与[下节](#一推动高质量发展-1)。&copy; 2024\n";
	struct markdown_opts o = { 0 };
	struct markdown_result a = render_opts(0, o, doc, 0);
	struct markdown_result b = render_opts(1, o, doc, 0);
	CHECK_STR(a.html, b.html);
	CHECK_STR(a.summary, b.summary);
	CHECK_INT(a.summary_cut, b.summary_cut);
	CHECK_INT(a.ntoc, b.ntoc);
	for (size_t i = 0; i < a.ntoc && i < b.ntoc; i++) {
		CHECK_STR(a.toc[i].id, b.toc[i].id);
		CHECK_STR(a.toc[i].text, b.toc[i].text);
	}
	CHECK_INT(D.n, 0);
	CHECK(strstr(a.html, "<p><strong>“十四五”</strong>规划实施进入关键阶段，要坚持稳中求进。</p>"));
	CHECK(strstr(a.html, "<h2 id=\"一推动高质量发展-1\">"));
	o.unsafe_html = 1;
	o.plain = 1;
	a = render_opts(0, o, doc, 0);
	b = render_opts(1, o, doc, 0);
	CHECK_STR(a.html, b.html);
}

/* Deep nesting: both engines and the renderer's stacks cope. */
static void test_deep(void)
{
	struct buf b = BUF_INIT;
	for (int i = 0; i < 3000; i++)
		buf_puts(&b, "> ");
	buf_puts(&b, "深\n\n");
	for (int i = 0; i < 3000; i++)
		buf_puts(&b, "*[");
	buf_puts(&b, "x");
	const char *a0 = html(0, buf_cstr(&b));
	const char *a1 = html(1, buf_cstr(&b));
	CHECK(a0 && a1 && strcmp(a0, a1) == 0);
	buf_free(&b);
}

/* Concurrent renders with their own arenas and one shared sink. */
struct job {
	const char *src;
	const char *want;
	struct diags *d;
	int ok;
};

static void *render_job(void *ud)
{
	struct job *j = ud;
	j->ok = 1;
	for (int i = 0; i < 40; i++) {
		struct arena *a = arena_new();
		struct markdown_opts o = { 0 };
		o.engine = engines[i & 1];
		struct markdown_result r;
		markdown_render(&o, a, "t.md", j->src, strlen(j->src), 0, &r, j->d);
		if (strcmp(r.html, j->want) != 0)
			j->ok = 0;
		arena_free(a);
	}
	return NULL;
}

static void test_threads(void)
{
	const char *src = "# 标题\n\n**“甲”**乙&copy;\n丙[缺](#x)\n";
	const char *want = "<h1 id=\"标题\">标题</h1>\n<p><strong>“甲”</strong>乙©\n丙<a href=\"#x\">缺</a></p>\n";
	struct diags d;
	diags_init(&d);
	struct job jobs[4];
	pthread_t t[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct job){ src, want, &d, 0 };
		pthread_create(&t[i], NULL, render_job, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(t[i], NULL);
		CHECK(jobs[i].ok);
	}
	CHECK_INT(d.nerrors, 4 * 40);
	diags_free(&d);
}

int main(void)
{
	A = arena_new();
	diags_init(&D);
	for (int e = 0; e < 2; e++) {
		test_cjk_breaks(e);
		test_emphasis(e);
		test_headings(e);
		test_links(e);
		test_fragments(e);
		test_offsets(e);
		test_unsafe_urls(e);
		test_raw_html(e);
		test_summary(e);
		test_entities(e);
	}
	test_slug();
	test_table();
	test_same_output();
	test_deep();
	test_threads();
	diags_free(&D);
	arena_free(A);
	return CHECK_DONE("check_markdown");
}
