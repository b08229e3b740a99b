/* check_config.c: site.toml schema, defaults and messages. */
#include "check.h"

#include "arena.h"
#include "config.h"
#include "diag.h"

static struct arena *A;
static struct diags D;

static int load(const char *src, struct config *c)
{
	return config_load(A, "site.toml", src, strlen(src), c, &D);
}

static const char *last_error(void)
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
	struct config c;
	CHECK(load("", &c) == 0);
	CHECK_STR(c.language, "zh-CN");
	CHECK_STR(c.theme, "default");
	CHECK_STR(c.base_url, "");
	CHECK_INT(c.summary_length, 120);
	CHECK_INT(c.engine, CONFIG_MD4C);
	CHECK_INT(c.index_links, 1);
	CHECK(!c.has_as_of);

	CHECK(load("title = \"新和街道\"\nas_of = 2019-12-31\n[markdown]\nengine = \"cmark\"\nunsafe_html = true\n"
	           "[lua]\nhooks = [\"lua/a.lua\", \"lua/b.lua\"]\n[publish]\nrepo = \"x.git\"\n[params]\noffice = \"办公室\"\n",
	           &c) == 0);
	CHECK_STR(c.title, "新和街道");
	CHECK(c.has_as_of && c.as_of.year == 2019 && c.as_of.month == 12);
	CHECK_INT(c.engine, CONFIG_CMARK);
	CHECK(c.unsafe_html);
	CHECK_INT(c.nhooks, 2);
	CHECK_STR(c.hooks[1], "lua/b.lua");
	CHECK_STR(c.publish.repo, "x.git");
	CHECK_STR(c.publish.branch, "main");
	CHECK_STR(value_str(value_get(c.params, "office"), ""), "办公室");

	CHECK(load("titel = \"x\"\n", &c) < 0);
	CHECK_STR(last_error(), "site.toml:1:1: error: unknown key 'titel' in site.toml; did you mean 'title'?\n"
	                        "    1 | titel = \"x\"\n      | ^\n");
	CHECK(load("[markdown]\nengnie = \"md4c\"\n", &c) < 0);
	CHECK(strstr(last_error(), "site.toml:2:1: error: unknown key 'markdown.engnie' in site.toml; did you mean 'engine'?") != NULL);
	CHECK(load("zzz = 1\n", &c) < 0);
	CHECK(strstr(last_error(), "unknown key 'zzz' in site.toml (planpress(5) lists the keys)") != NULL);
	CHECK(load("title = 3\n", &c) < 0);
	CHECK(strstr(last_error(), "site.toml:1:9: error: 'title' must be a string") != NULL);
	CHECK(load("language = \"fr\"\n", &c) < 0);
	CHECK(strstr(last_error(), "language must be \"zh-CN\" or \"en\"") != NULL);
	CHECK(load("[markdown]\nengine = \"pandoc\"\n", &c) < 0);
	CHECK(strstr(last_error(), "site.toml:2:10: error: markdown.engine must be") != NULL);
	CHECK(load("summary_length = 0\n", &c) < 0);
	CHECK(load("as_of = 2019-12-31T10:00:00\n", &c) < 0);
	CHECK(strstr(last_error(), "'as_of' must be a date") != NULL);
	/* Every problem is reported, not only the first. */
	size_t before = D.nerrors;
	CHECK(load("titel = 1\nthem = \"x\"\n", &c) < 0);
	CHECK_INT(D.nerrors - before, 2);
	const char *known[] = { "title", "theme", "language" };
	CHECK(config_suggest("lang", known, 3) == NULL);
	CHECK_STR(config_suggest("langauge", known, 3), "language");
	CHECK(config_suggest("xyzzy", known, 3) == NULL);
	diags_free(&D);
	arena_free(A);
	return CHECK_DONE("check_config");
}
