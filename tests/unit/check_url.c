/* check_url.c: relative URLs between output pages, path joining, escapes. */
#include "check.h"

#include "buf.h"
#include "url.h"

static const char *rel(const char *from, const char *to)
{
	static struct buf b;
	buf_reset(&b);
	url_relative(from, to, &b);
	return buf_cstr(&b);
}

static const char *join(const char *base, const char *link)
{
	static struct buf b;
	buf_reset(&b);
	if (url_join(base, link, strlen(link), &b) < 0)
		return "(outside)";
	return buf_cstr(&b);
}

static const char *absolute(const char *html, const char *base)
{
	static char text[1024];
	struct buf out = BUF_INIT;
	url_absolute_html(html, strlen(html), base, &out);
	snprintf(text, sizeof text, "%s", buf_cstr(&out));
	buf_free(&out);
	return text;
}

static void test_absolute_html(void)
{
	CHECK_STR(absolute("<p><a href=\"../../plans/x/index.html\">x</a></p>", "https://h.gov/s/bulletins/q2/"),
	          "<p><a href=\"https://h.gov/s/plans/x/index.html\">x</a></p>");
	CHECK_STR(absolute("<a href=\"../a/#frag\">a</a><img src=\"i.png\" alt=\"\">", "/plans/b/"),
	          "<a href=\"/plans/a/#frag\">a</a><img src=\"/plans/b/i.png\" alt=\"\">");
	/* Left alone: schemes, network paths, rooted paths, fragments, empty. */
	const char *kept = "<a href=\"https://x/\">1</a><a href=\"//x/\">2</a><a href=\"/y\">3</a>"
	                   "<a href=\"#h\">4</a><a href=\"\">5</a><a href=\"mailto:a@b\">6</a>";
	CHECK_STR(absolute(kept, "https://h.gov/"), kept);
	CHECK_STR(absolute("<a href=\"./c?q=1#f\">c</a>", "https://h.gov"), "<a href=\"https://h.gov/c?q=1#f\">c</a>");
	CHECK_STR(absolute("text href=\"x\" without a space before", "/r/"), "text href=\"/r/x\" without a space before");
	CHECK_STR(absolute("<a href=\"unclosed", "/r/"), "<a href=\"unclosed");
}

int main(void)
{
	test_absolute_html();
	CHECK_STR(rel("", "index.html"), "index.html");
	CHECK_STR(rel("", ""), "./");
	CHECK_STR(rel("a/", "a/"), "./");
	CHECK_STR(rel("a/b/", "index.html"), "../../index.html");
	CHECK_STR(rel("plans/x/tasks/21/", "plans/x/tasks/22/index.html"), "../22/index.html");
	CHECK_STR(rel("plans/x/", "plans/x/tasks/21/"), "tasks/21/");
	CHECK_STR(rel("plans/xy/", "plans/x/index.html"), "../x/index.html");
	CHECK_STR(rel("a/", "files/原文 1.pdf"), "../files/原文%201.pdf");
	CHECK_STR(join("plans/x/tasks", "22.md"), "plans/x/tasks/22.md");
	CHECK_STR(join("plans/x/tasks", "../../../bulletins/2019-06.md"), "bulletins/2019-06.md");
	CHECK_STR(join("plans/x/tasks", "./a/./b.md"), "plans/x/tasks/a/b.md");
	CHECK_STR(join("", "../x.md"), "(outside)");
	CHECK_STR(join("a/b", "/c.md"), "c.md");
	CHECK_STR(join("a", "sub/"), "a/sub/");
	CHECK(url_has_scheme("https://x", 9));
	CHECK(url_has_scheme("mailto:a@b", 10));
	CHECK(url_has_scheme("//cdn", 5));
	CHECK(!url_has_scheme("tasks/21.md", 11));
	CHECK(!url_has_scheme("a/b:c", 5));
	struct buf b = BUF_INIT;
	CHECK(url_decode("%E8%BF%9B%E5%B1%95", 18, &b) == 0);
	CHECK_STR(buf_cstr(&b), "进展");
	buf_reset(&b);
	CHECK(url_decode("%E8%B", 5, &b) < 0);
	buf_free(&b);
	return CHECK_DONE("check_url");
}
