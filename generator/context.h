/* context.h: the data templates see. Builds the value trees for a page
 * (with URLs relative to the output being written), a section's pager, the
 * Atom feed and the sitemap, from loaded content and rendered Markdown. */
#ifndef PP_CONTEXT_H
#define PP_CONTEXT_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "content.h"
#include "lang.h"
#include "markdown.h"
#include "value.h"

/* One entry of the site's menu ([[menu.main]] in site.toml). */
struct ctx_menu_item {
	const char *name;
	const struct page *page;   /* a page of the site, or NULL */
	const char *url;           /* an external URL when page is NULL */
};

/* What every context is made from; read-only while pages render in parallel. */
struct ctx_env {
	const struct config *cfg;
	enum lang lang;
	const struct content *c;
	const struct markdown_result *md;   /* by page index */
	const struct value *i18n;
	struct value *site;                 /* from ctx_site() */
	const struct ctx_menu_item *menu;   /* NULL: home and the top-level sections */
	size_t nmenu;
	int has_feed;
	/* By page index: the page's plan, task or bulletin table (page.plan,
	 * page.task, page.bulletin by the page's type), or NULL. */
	struct value **extra;
	/* By page index: the page as on_page hooks left it; the fields they
	 * added join page.*, or NULL. */
	struct value **hook_page;
	/* The lead units' index (units/), which the build made, or NULL: the
	 * default menu ends with it. */
	const struct page *units_page;
};

/* The site part, shared by all pages; owned by a. */
struct value *ctx_site(struct arena *a, const struct ctx_env *e);
/* The whole context for rendering page p into the output folder here
 * (p->url, or a pager page's folder), listing children [first, first+count)
 * as pager page number of total. Owned by a. */
struct value *ctx_page(struct arena *a, const struct ctx_env *e, const struct page *p,
                       const char *here, size_t first, size_t count, int number, int total);
/* Output folder of pager page number (1: the section's own). */
const char *ctx_pager_url(struct arena *a, const struct page *p, int number);
/* The Atom feed's context: dated pages, newest first, at most max. */
struct value *ctx_feed(struct arena *a, const struct ctx_env *e, size_t max);
/* The sitemap's context (only meaningful with base_url set). */
struct value *ctx_sitemap(struct arena *a, const struct ctx_env *e);
/* The output path a link to page t names (its index.html, or its folder). */
const char *ctx_target(const struct ctx_env *e, const struct page *t);

#endif
