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

int main(void)
{
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
