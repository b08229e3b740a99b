/* context.c: template contexts: values, never HTML. */
#include "context.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gantt.h"
#include "schema.h"
#include "url.h"

static const struct pos nopos = { 0 };

static struct value *str(struct arena *a, const char *s)
{
	return value_cstring(a, s, nopos);
}

static struct value *bufval(struct arena *a, struct buf *b)
{
	struct value *v = value_string(a, b->data ? b->data : "", b->len, nopos);
	buf_free(b);
	return v;
}

const char *ctx_target(const struct ctx_env *e, const struct page *t)
{
	return e->cfg->index_links ? t->out : t->url;
}

static struct value *rel_url(struct arena *a, const char *here, const char *to)
{
	struct buf u = BUF_INIT;
	url_relative(here, to, &u);
	return bufval(a, &u);
}

static struct value *abs_url(struct arena *a, const struct ctx_env *e, const char *path)
{
	struct buf u = BUF_INIT;
	buf_puts(&u, e->cfg->base_url);
	if (u.len && u.data[u.len - 1] != '/')
		buf_putc(&u, '/');
	url_escape(path, strlen(path), &u);
	return bufval(a, &u);
}

static void set_date(const struct ctx_env *e, struct arena *a, struct value *t, const struct datetime *dt)
{
	struct buf s = BUF_INIT;
	datetime_format(dt, &s);
	value_setc(a, t, "date", bufval(a, &s));
	lang_date(e->lang, dt, &s);
	value_setc(a, t, "date_text", bufval(a, &s));
}

/* RFC 3339, as Atom wants: dates without a time are midnight UTC. */
static struct value *rfc3339(struct arena *a, const struct datetime *dt)
{
	struct datetime d = *dt;
	if (d.kind == DT_DATE || d.kind == DT_LOCAL)
		d.kind = DT_OFFSET, d.offset_min = 0;
	struct buf s = BUF_INIT;
	datetime_format(&d, &s);
	return bufval(a, &s);
}

/* A short entry for another page, its URL relative to here. */
static struct value *page_ref(struct arena *a, const struct ctx_env *e, const char *here,
                              const struct page *p)
{
	struct value *t = value_table(a, nopos);
	value_setc(a, t, "title", str(a, p->title));
	value_setc(a, t, "url", rel_url(a, here, ctx_target(e, p)));
	value_setc(a, t, "type", str(a, p->type));
	value_setc(a, t, "is_section", value_bool(a, p->kind != PAGE_PAGE, nopos));
	value_setc(a, t, "is_home", value_bool(a, p->kind == PAGE_HOME, nopos));
	if (p->has_date)
		set_date(e, a, t, &p->date);
	/* A made page (a unit's) has no text; others their summary, left out
	 * when empty: an empty string is true in a Mustache section. */
	const struct markdown_result *md = p->made ? NULL : &e->md[p->index];
	if (md && md->summary_len)
		value_setc(a, t, "summary", value_string_ref(a, md->summary, md->summary_len, nopos));
	value_setc(a, t, "params", schema_params(a, p));
	return t;
}

const char *ctx_pager_url(struct arena *a, const struct page *p, int number)
{
	return number <= 1 ? p->url : arena_printf(a, "%spage/%d/", p->url, number);
}

static struct value *paginator(struct arena *a, const struct ctx_env *e, const struct page *p,
                               const char *here, int number, int total)
{
	struct value *pg = value_table(a, nopos);
	value_setc(a, pg, "number", value_int(a, number, nopos));
	value_setc(a, pg, "total", value_int(a, total, nopos));
	struct value *pages = value_array(a, nopos);
	for (int k = 1; k <= total; k++) {
		const char *dir = ctx_pager_url(a, p, k);
		const char *target = e->cfg->index_links ? arena_printf(a, "%sindex.html", dir) : dir;
		struct value *ent = value_table(a, nopos);
		value_setc(a, ent, "number", value_int(a, k, nopos));
		value_setc(a, ent, "url", rel_url(a, here, target));
		value_setc(a, ent, "current", value_bool(a, k == number, nopos));
		value_push(a, pages, ent);
		if (k == number - 1)
			value_setc(a, pg, "prev_url", value_get(ent, "url"));
		if (k == number + 1)
			value_setc(a, pg, "next_url", value_get(ent, "url"));
	}
	value_setc(a, pg, "pages", pages);
	return pg;
}

static struct value *menu(struct arena *a, const struct ctx_env *e, const struct page *p, const char *here)
{
	struct value *m = value_array(a, nopos);
	const struct page *home = e->c->home;
	/* The top-level section p is in, for "active". */
	const struct page *top = p;
	while (top->parent && top->parent != home)
		top = top->parent;
	if (e->menu) {
		for (size_t i = 0; i < e->nmenu; i++) {
			const struct ctx_menu_item *it = &e->menu[i];
			struct value *ent = value_table(a, nopos);
			value_setc(a, ent, "title", str(a, it->name));
			value_setc(a, ent, "is_home", value_bool(a, 0, nopos));
			if (it->page) {
				value_setc(a, ent, "url", rel_url(a, here, ctx_target(e, it->page)));
				value_setc(a, ent, "active", value_bool(a, it->page == p || it->page == top, nopos));
			} else {
				value_setc(a, ent, "url", str(a, it->url));
				value_setc(a, ent, "external", value_bool(a, 1, nopos));
			}
			value_push(a, m, ent);
		}
		return m;
	}
	struct value *ent = page_ref(a, e, here, home);
	value_setc(a, ent, "active", value_bool(a, p == home, nopos));
	value_push(a, m, ent);
	for (size_t i = 0; i < home->nchildren; i++) {
		const struct page *s = home->children[i];
		if (s->kind != PAGE_SECTION)
			continue;
		ent = page_ref(a, e, here, s);
		value_setc(a, ent, "active", value_bool(a, s == top, nopos));
		value_push(a, m, ent);
	}
	if (e->units_page) {
		ent = page_ref(a, e, here, e->units_page);
		value_setc(a, ent, "active", value_bool(a, e->units_page == top, nopos));
		value_push(a, m, ent);
	}
	return m;
}

struct value *ctx_page(struct arena *a, const struct ctx_env *e, const struct page *p,
                       const char *here, size_t first, size_t count, int number, int total)
{
	/* A page made by the build (404, units, changes) has no text of its own. */
	static const struct markdown_result none;
	int real = !p->made && p->index < e->c->npages && e->c->pages[p->index] == p;
	const struct markdown_result *md = real ? &e->md[p->index] : &none;
	struct value *pg = value_table(a, nopos);
	static const char *const kinds[] = { "home", "section", "page" };
	value_setc(a, pg, "title", str(a, p->title));
	value_setc(a, pg, "kind", str(a, kinds[p->kind]));
	value_setc(a, pg, "type", str(a, p->type));
	value_setc(a, pg, "is_home", value_bool(a, p->kind == PAGE_HOME, nopos));
	value_setc(a, pg, "is_section", value_bool(a, p->kind == PAGE_SECTION, nopos));
	value_setc(a, pg, "is_page", value_bool(a, p->kind == PAGE_PAGE, nopos));
	const char *self = e->cfg->index_links ? arena_printf(a, "%sindex.html", here) : here;
	value_setc(a, pg, "url", rel_url(a, here, self));
	struct buf root = BUF_INIT;
	for (const char *s = here; *s; s++)
		if (*s == '/')
			buf_puts(&root, "../");
	value_setc(a, pg, "root", bufval(a, &root));
	value_setc(a, pg, "home_url", rel_url(a, here, ctx_target(e, e->c->home)));
	if (*e->cfg->base_url)
		value_setc(a, pg, "permalink", abs_url(a, e, here));
	if (e->has_feed)
		value_setc(a, pg, "feed_url", rel_url(a, here, "feed.xml"));
	if (p->has_date)
		set_date(e, a, pg, &p->date);
	/* The text's links are relative to the page's own folder, and the text
	 * introduces the list: it stands on the first pager page only. */
	if (number <= 1) {
		size_t len;
		const char *html = markdown_html(md, a, &len);
		value_setc(a, pg, "content", value_string_ref(a, html, len, nopos));
	}
	if (md->summary_len)
		value_setc(a, pg, "summary", value_string_ref(a, md->summary, md->summary_len, nopos));
	value_setc(a, pg, "summary_cut", value_bool(a, md->summary_cut, nopos));
	struct value *toc = value_array(a, nopos);
	for (size_t i = 0; number <= 1 && i < md->ntoc; i++) {
		struct value *h = value_table(a, nopos);
		value_setc(a, h, "level", value_int(a, md->toc[i].level, nopos));
		value_setc(a, h, "id", str(a, md->toc[i].id));
		value_setc(a, h, "text", str(a, md->toc[i].text));
		value_push(a, toc, h);
	}
	value_setc(a, pg, "toc", toc);
	value_setc(a, pg, "has_toc", value_bool(a, number <= 1 && md->ntoc >= 2, nopos));
	value_setc(a, pg, "params", schema_params(a, p));
	if (p->path)
		value_setc(a, pg, "source", str(a, p->path));

	/* Where it sits: breadcrumbs from home, its section, its neighbours. */
	struct value *crumbs = value_array(a, nopos);
	const struct page *chain[64];
	size_t depth = 0;
	for (const struct page *q = p->parent; q && depth < 64; q = q->parent)
		chain[depth++] = q;
	while (depth > 0)
		value_push(a, crumbs, page_ref(a, e, here, chain[--depth]));
	value_setc(a, pg, "breadcrumbs", crumbs);
	value_setc(a, pg, "has_breadcrumbs", value_bool(a, value_len(crumbs) > 0, nopos));
	if (p->parent) {
		const struct page *par = p->parent;
		value_setc(a, pg, "section", page_ref(a, e, here, par));
		for (size_t i = 0; i < par->nchildren; i++) {
			if (par->children[i] != p)
				continue;
			const struct page *before = NULL, *after = NULL;
			for (size_t k = i; k-- > 0 && !before;)
				if (par->children[k]->kind == PAGE_PAGE)
					before = par->children[k];
			for (size_t k = i + 1; k < par->nchildren && !after; k++)
				if (par->children[k]->kind == PAGE_PAGE)
					after = par->children[k];
			/* Dated pages listed newest first (bulletins): the previous one
			 * is the one before in time, which the list shows after. */
			const struct page *near = before ? before : after;
			if (p->has_date && near && near->has_date &&
			    (near == before) == (datetime_cmp(&near->date, &p->date) > 0)) {
				const struct page *t = before;
				before = after;
				after = t;
			}
			if (before)
				value_setc(a, pg, "prev", page_ref(a, e, here, before));
			if (after)
				value_setc(a, pg, "next", page_ref(a, e, here, after));
			break;
		}
	}
	value_setc(a, pg, "has_pager", value_bool(a, value_get(pg, "prev") || value_get(pg, "next"), nopos));
	struct value *pages = value_array(a, nopos);
	for (size_t i = first; i < first + count && i < p->nchildren; i++)
		value_push(a, pages, page_ref(a, e, here, p->children[i]));
	value_setc(a, pg, "pages", pages);
	value_setc(a, pg, "has_pages", value_bool(a, value_len(pages) > 0, nopos));
	if (total > 1)
		value_setc(a, pg, "paginator", paginator(a, e, p, here, number, total));
	value_setc(a, pg, "menu", menu(a, e, p, here));
	if (real && e->extra && e->extra[p->index] && *p->type)
		value_setc(a, pg, p->type, e->extra[p->index]);
	/* A plan's schedule as bars: geometry a template cannot compute. */
	struct value *gantt = real && e->extra && e->extra[p->index] && strcmp(p->type, "plan") == 0
	                      ? gantt_plan(a, e->extra[p->index], value_get(e->site, "as_of"), e->lang) : NULL;
	if (gantt)
		value_setc(a, pg, "gantt", gantt);
	if (real && e->hook_page && e->hook_page[p->index])
		value_fill(a, pg, e->hook_page[p->index]);

	struct value *ctx = value_table(a, nopos);
	value_setc(a, ctx, "site", e->site);
	value_setc(a, ctx, "i18n", (struct value *)e->i18n);
	value_setc(a, ctx, "page", pg);
	return ctx;
}

struct value *ctx_site(struct arena *a, const struct ctx_env *e)
{
	struct value *s = value_table(a, nopos);
	value_setc(a, s, "title", str(a, e->cfg->title));
	value_setc(a, s, "language", str(a, e->cfg->language));
	value_setc(a, s, "base_url", str(a, e->cfg->base_url));
	value_setc(a, s, "generator", str(a, "planpress " PP_VERSION));
	if (e->cfg->has_as_of) {
		struct buf t = BUF_INIT;
		datetime_format(&e->cfg->as_of, &t);
		value_setc(a, s, "as_of", bufval(a, &t));
		lang_date(e->lang, &e->cfg->as_of, &t);
		value_setc(a, s, "as_of_text", bufval(a, &t));
	}
	value_setc(a, s, "params", e->cfg->params ? e->cfg->params : value_table(a, nopos));
	return s;
}

static int cmp_newest(const void *x, const void *y)
{
	const struct page *p = *(const struct page *const *)x, *q = *(const struct page *const *)y;
	int c = datetime_cmp(&q->date, &p->date);
	return c ? c : strcmp(p->url, q->url);
}

struct value *ctx_feed(struct arena *a, const struct ctx_env *e, size_t max)
{
	const struct page **dated = arena_alloc(a, (e->c->npages + 1) * sizeof *dated);
	size_t n = 0;
	for (size_t i = 0; i < e->c->npages; i++) {
		const struct page *p = e->c->pages[i];
		if (p->kind == PAGE_PAGE && p->has_date && !p->failed)
			dated[n++] = p;
	}
	qsort(dated, n, sizeof *dated, cmp_newest);
	if (n > max)
		n = max;
	int abs = *e->cfg->base_url != '\0';
	/* An id must be an absolute IRI: a base_url that is a path only gives
	 * addresses, not ids. */
	int iri = abs && url_has_scheme(e->cfg->base_url, strlen(e->cfg->base_url));
	struct value *feed = value_table(a, nopos);
	struct value *entries = value_array(a, nopos);
	for (size_t i = 0; i < n; i++) {
		const struct page *p = dated[i];
		const struct markdown_result *md = &e->md[p->index];
		struct value *ent = value_table(a, nopos);
		value_setc(a, ent, "title", str(a, p->title));
		value_setc(a, ent, "url", abs ? abs_url(a, e, p->url) : rel_url(a, "", ctx_target(e, p)));
		/* An id must be an IRI that never changes: the page's address, or a URN of its path. */
		value_setc(a, ent, "id", iri ? abs_url(a, e, p->url) : str(a, arena_printf(a, "urn:planpress:%s", p->url)));
		value_setc(a, ent, "date", rfc3339(a, &p->date));
		if (md->summary_len)
			value_setc(a, ent, "summary", value_string_ref(a, md->summary, md->summary_len, nopos));
		size_t len;
		const char *text = markdown_html(md, a, &len);
		if (*e->cfg->base_url) {
			/* A feed reader resolves links against the feed, not the page:
			 * the page's links, relative to its folder, become absolute. */
			struct buf base = BUF_INIT, html = BUF_INIT;
			buf_puts(&base, e->cfg->base_url);
			if (base.len && base.data[base.len - 1] != '/')
				buf_putc(&base, '/');
			url_escape(p->url, strlen(p->url), &base);
			url_absolute_html(text, len, buf_cstr(&base), &html);
			value_setc(a, ent, "content", bufval(a, &html));
			buf_free(&base);
		} else {
			value_setc(a, ent, "content", value_string_ref(a, text, len, nopos));
		}
		value_push(a, entries, ent);
	}
	value_setc(a, feed, "entries", entries);
	if (n)
		value_setc(a, feed, "updated", rfc3339(a, &dated[0]->date));
	else if (e->cfg->has_as_of)
		value_setc(a, feed, "updated", rfc3339(a, &e->cfg->as_of));
	else
		value_setc(a, feed, "updated", str(a, "1970-01-01T00:00:00Z"));
	value_setc(a, feed, "id", iri ? abs_url(a, e, "") : str(a, "urn:planpress:feed"));
	value_setc(a, feed, "self_url", abs ? abs_url(a, e, "feed.xml") : str(a, "feed.xml"));
	value_setc(a, feed, "home_url", abs ? abs_url(a, e, "") : rel_url(a, "", ctx_target(e, e->c->home)));
	struct value *ctx = value_table(a, nopos);
	value_setc(a, ctx, "site", e->site);
	value_setc(a, ctx, "i18n", (struct value *)e->i18n);
	value_setc(a, ctx, "feed", feed);
	return ctx;
}

struct value *ctx_sitemap(struct arena *a, const struct ctx_env *e)
{
	struct value *urls = value_array(a, nopos);
	for (size_t i = 0; i < e->c->npages; i++) {
		const struct page *p = e->c->pages[i];
		if (p->failed)
			continue;
		struct value *u = value_table(a, nopos);
		value_setc(a, u, "loc", abs_url(a, e, p->url));
		if (p->has_date) {
			struct datetime d = p->date;
			d.kind = DT_DATE;
			struct buf s = BUF_INIT;
			datetime_format(&d, &s);
			value_setc(a, u, "lastmod", bufval(a, &s));
		}
		value_push(a, urls, u);
	}
	struct value *sm = value_table(a, nopos);
	value_setc(a, sm, "urls", urls);
	struct value *ctx = value_table(a, nopos);
	value_setc(a, ctx, "site", e->site);
	value_setc(a, ctx, "sitemap", sm);
	return ctx;
}
