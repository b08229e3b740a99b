/* check_context.c: what templates see of a page (ctx_page, ctx_site,
 * ctx_target, ctx_pager_url): links relative to the page's own folder and
 * working from any sub-path, the root, breadcrumbs from home, its section,
 * the previous and next pages (dated pages newest first), the children
 * listed, a pager's pages, index.html links or folder links, and the
 * permalink with base_url. */
#include "check.h"
#include "sitedir.h"

#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "config.h"
#include "content.h"
#include "context.h"
#include "diag.h"
#include "value.h"

static const struct page *find(const struct content *c, const char *url)
{
	for (size_t i = 0; i < c->npages; i++)
		if (strcmp(c->pages[i]->url, url) == 0)
			return c->pages[i];
	return NULL;
}

/* page.key of ctx, a string ("(none)" when missing). */
static const char *pstr(const struct value *ctx, const char *key)
{
	return value_str(value_get(value_get(ctx, "page"), key), "(none)");
}

/* page.key.url */
static const char *purl(const struct value *ctx, const char *key)
{
	return value_str(value_get(value_get(value_get(ctx, "page"), key), "url"), "(none)");
}

int main(void)
{
	site_make("check_context");
	put("content/_index.md", "---\ntitle: 首页\n---\n");
	put("content/bulletins/_index.md", "---\ntitle: 通报\n---\n");
	put("content/bulletins/a.md", "---\ntitle: 一季度\ndate: 2019-03-31\n---\n正文\n");
	put("content/bulletins/b.md", "---\ntitle: 二季度\ndate: 2019-06-30\n---\n正文\n");
	put("content/bulletins/c.md", "---\ntitle: 三季度\ndate: 2019-09-30\n---\n正文\n");
	put("content/about.md", "---\ntitle: 关于\n---\n");

	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct content c;
	CHECK_INT(content_load(a, site, 0, 1, &c, &d), 0);
	CHECK_INT((int)d.nerrors, 0);
	struct config cfg;
	config_defaults(&cfg);
	cfg.title = "示例站点";
	struct markdown_result *md = calloc(c.npages + 1, sizeof *md);
	struct ctx_env e = { .cfg = &cfg, .lang = LANG_ZH, .c = &c, .md = md };
	e.site = ctx_site(a, &e);
	CHECK_STR(value_str(value_get(e.site, "title"), ""), "示例站点");

	const struct page *b = find(&c, "bulletins/b/"), *sec = find(&c, "bulletins/");
	CHECK(b && sec);
	if (!b || !sec)
		return CHECK_DONE("check_context");
	/* Links from the page's own folder: relative, so the site works from
	 * disk and under any path. */
	struct value *ctx = ctx_page(a, &e, b, b->url, 0, 0, 1, 1);
	CHECK_STR(pstr(ctx, "title"), "二季度");
	CHECK_STR(pstr(ctx, "root"), "../../");
	CHECK_STR(pstr(ctx, "home_url"), "../../index.html");   /* index_links by default: from disk */
	CHECK_STR(purl(ctx, "section"), "../index.html");
	CHECK(value_is(value_get(value_get(ctx, "page"), "is_page"), V_BOOL));
	/* Breadcrumbs from home to its section. */
	const struct value *crumbs = value_get(value_get(ctx, "page"), "breadcrumbs");
	CHECK_INT(value_len(crumbs), 2);
	CHECK_STR(value_str(value_get(value_at(crumbs, 0), "url"), ""), "../../index.html");
	CHECK_STR(value_str(value_get(value_at(crumbs, 1), "url"), ""), "../index.html");
	/* Dated pages, listed newest first: the previous is the older one. */
	CHECK_STR(value_str(value_get(value_get(value_get(ctx, "page"), "prev"), "title"), "(none)"), "一季度");
	CHECK_STR(value_str(value_get(value_get(value_get(ctx, "page"), "next"), "title"), "(none)"), "三季度");
	/* The section lists its children; a pager's pages, the current marked. */
	ctx = ctx_page(a, &e, sec, ctx_pager_url(a, sec, 2), 1, 2, 2, 2);
	CHECK_STR(ctx_pager_url(a, sec, 1), "bulletins/");
	CHECK_STR(ctx_pager_url(a, sec, 2), "bulletins/page/2/");
	CHECK_STR(pstr(ctx, "root"), "../../../");
	CHECK_INT(value_len(value_get(value_get(ctx, "page"), "pages")), 2);
	const struct value *pgr = value_get(value_get(ctx, "page"), "paginator");
	CHECK_INT(value_len(value_get(pgr, "pages")), 2);
	CHECK_STR(value_str(value_get(pgr, "prev_url"), "(none)"), "../../index.html");
	CHECK(value_get(pgr, "next_url") == NULL);
	/* Without index_links (a web server serves folders): links name folders. */
	CHECK_STR(ctx_target(&e, b), "bulletins/b/index.html");
	cfg.index_links = 0;
	CHECK_STR(ctx_target(&e, b), "bulletins/b/");
	ctx = ctx_page(a, &e, b, b->url, 0, 0, 1, 1);
	CHECK_STR(pstr(ctx, "home_url"), "../../");
	CHECK_STR(purl(ctx, "section"), "../");
	/* With base_url: the permalink, escaped, with one slash between. */
	cfg.base_url = "https://example.org/site";
	ctx = ctx_page(a, &e, find(&c, "about/"), "about/", 0, 0, 1, 1);
	CHECK_STR(pstr(ctx, "permalink"), "https://example.org/site/about/");

	free(md);
	diags_free(&d);
	arena_free(a);
	site_remove();
	return CHECK_DONE("check_context");
}
