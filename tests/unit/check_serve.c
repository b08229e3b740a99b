/* check_serve.c: the preview server's path sanitizer, MIME types, script injection and error page. */
#include "check.h"

#include "buf.h"
#include "diag.h"
#include "serve.h"

static struct buf got;

/* The cleaned path, or "BAD" / "HIDDEN". */
static const char *clean(const char *raw)
{
	int rc = serve_path_clean(raw, strlen(raw), &got);
	return rc == SERVE_PATH_BAD ? "BAD" : rc == SERVE_PATH_HIDDEN ? "HIDDEN" : buf_cstr(&got);
}

static const char *inject(const char *html)
{
	static struct buf b;
	buf_reset(&b);
	serve_inject(html, strlen(html), "<S>", &b);
	return buf_cstr(&b);
}

int main(void)
{
	/* Plain paths, folders, escapes decoded. */
	CHECK_STR(clean(""), "");
	CHECK_STR(clean("index.html"), "index.html");
	CHECK_STR(clean("plans/x/"), "plans/x/");
	CHECK_STR(clean("plans/x"), "plans/x");
	CHECK_STR(clean("files/%E5%8E%9F%E6%96%87%201.pdf"), "files/原文 1.pdf");
	CHECK_STR(clean("a%2Db"), "a-b");
	CHECK_STR(clean("a..b/c.d"), "a..b/c.d");
	/* Traversal in every spelling. */
	CHECK_STR(clean(".."), "BAD");
	CHECK_STR(clean("../etc/passwd"), "BAD");
	CHECK_STR(clean("a/../../etc/passwd"), "BAD");
	CHECK_STR(clean("a/.."), "BAD");
	CHECK_STR(clean("a/./b"), "BAD");
	CHECK_STR(clean("%2e%2e/etc/passwd"), "BAD");
	CHECK_STR(clean("%2E%2E/x"), "BAD");
	CHECK_STR(clean(".%2e/x"), "BAD");
	CHECK_STR(clean("a%2f..%2f..%2fetc"), "BAD");
	CHECK_STR(clean("a%2Fb"), "BAD");
	CHECK_STR(clean("..%5c..%5cx"), "BAD");
	CHECK_STR(clean("a\\b"), "BAD");
	CHECK_STR(clean("..\\x"), "BAD");
	/* Absolute paths and empty segments. */
	CHECK_STR(clean("/etc/passwd"), "BAD");
	CHECK_STR(clean("a//b"), "BAD");
	CHECK_STR(clean("%2fetc"), "BAD");
	/* NUL and control bytes, bad escapes, bad UTF-8, length. */
	CHECK_STR(clean("index.html%00.png"), "BAD");
	CHECK_STR(clean("a%0ab"), "BAD");
	CHECK_STR(clean("a%7fb"), "BAD");
	CHECK_STR(clean("a%zz"), "BAD");
	CHECK_STR(clean("a%4"), "BAD");
	CHECK_STR(clean("a%"), "BAD");
	CHECK_STR(clean("a%ff%fe"), "BAD");
	CHECK_STR(clean("a%c0%af"), "BAD");   /* overlong '/' */
	CHECK_INT(serve_path_clean("a\0b", 3, &got), SERVE_PATH_BAD);
	{
		struct buf lng = BUF_INIT;
		for (int i = 0; i <= SERVE_PATH_MAX; i++)
			buf_putc(&lng, 'a');
		CHECK_INT(serve_path_clean(lng.data, lng.len, &got), SERVE_PATH_BAD);
		buf_truncate(&lng, SERVE_PATH_MAX);
		CHECK_INT(serve_path_clean(lng.data, lng.len, &got), SERVE_PATH_OK);
		buf_free(&lng);
	}
	/* Dotfiles and dot-folders, encoded or not. */
	CHECK_STR(clean(".planpress-manifest"), "HIDDEN");
	CHECK_STR(clean(".git/config"), "HIDDEN");
	CHECK_STR(clean("a/.hidden/b.html"), "HIDDEN");
	CHECK_STR(clean("%2egit/HEAD"), "HIDDEN");
	CHECK_STR(clean("a/.x/"), "HIDDEN");

	/* MIME types: text ones in UTF-8. */
	CHECK_STR(serve_mime("a/index.html"), "text/html; charset=utf-8");
	CHECK_STR(serve_mime("INDEX.HTM"), "text/html; charset=utf-8");
	CHECK_STR(serve_mime("css/style.css"), "text/css; charset=utf-8");
	CHECK_STR(serve_mime("app.js"), "text/javascript; charset=utf-8");
	CHECK_STR(serve_mime("feed.xml"), "application/xml; charset=utf-8");
	CHECK_STR(serve_mime("data/x.json"), "application/json; charset=utf-8");
	CHECK_STR(serve_mime("chart.svg"), "image/svg+xml; charset=utf-8");
	CHECK_STR(serve_mime("a.png"), "image/png");
	CHECK_STR(serve_mime("原文.pdf"), "application/pdf");
	CHECK_STR(serve_mime("x.docx"), "application/vnd.openxmlformats-officedocument.wordprocessingml.document");
	CHECK_STR(serve_mime("a.b/noext"), "application/octet-stream");
	CHECK_STR(serve_mime("Makefile"), "application/octet-stream");

	/* The script goes before the last </body>, any case; else at the end. */
	CHECK_STR(inject("<body>x</body></html>"), "<body>x<S></body></html>");
	CHECK_STR(inject("<p>a</body>b</BODY>\n"), "<p>a</body>b<S></BODY>\n");
	CHECK_STR(inject("no body"), "no body<S>");
	CHECK_STR(inject(""), "<S>");

	/* The error page: each diagnostic as printed, escaped, with the script. */
	{
		struct diags d;
		diags_init(&d);
		const char *line = "title: <b>\"x\" & 原文";
		diag_add(&d, DIAG_ERROR, "content/a.md", 3, 8, line, strlen(line), "bad <tag> & %s", "'q'");
		diag_add(&d, DIAG_WARNING, "content/b.md", 1, 0, NULL, 0, "a warning");
		diags_sort(&d);
		struct buf b = BUF_INIT;
		serve_error_page(&d, "<S>", &b);
		const char *p = buf_cstr(&b);
		CHECK(strstr(p, "content/a.md:3:8: error: bad &lt;tag&gt; &amp; &#39;q&#39;") != NULL);
		CHECK(strstr(p, "    3 | title: &lt;b&gt;&quot;x&quot; &amp; 原文\n      |        ^</pre>") != NULL);
		CHECK(strstr(p, "<pre class=\"warning\">content/b.md:1: warning: a warning</pre>") != NULL);
		CHECK(strstr(p, "1 error, 1 warning") != NULL);
		CHECK(strstr(p, "<S></body>") != NULL);
		CHECK(strstr(p, "<tag>") == NULL);
		buf_free(&b);
		diags_free(&d);
	}
	buf_free(&got);
	return CHECK_DONE("check_serve");
}
