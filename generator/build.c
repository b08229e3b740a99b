/* build.c: the pipeline: site.toml, theme, content, Markdown (parallel),
 * link checks, templates (parallel), output. Each stage reads plain data and
 * writes plain data; errors of a stage are all collected before stopping. */
#include "build.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "content.h"
#include "lang.h"
#include "markdown.h"
#include "output.h"
#include "pool.h"
#include "template.h"
#include "theme.h"
#include "url.h"
#include "utf8.h"
#include "value.h"
#include "xalloc.h"

struct frag_check {
	const struct page *from, *to;
	const char *frag;       /* decoded */
	size_t off;             /* where the link is in from->src */
};

struct frag_list {
	struct frag_check *v;
	size_t n, cap;
};

struct rendered {
	struct markdown_result md;
	const char *html;       /* the finished page */
	size_t len;
};

struct build {
	const struct build_opts *o;
	struct arena *a;          /* load phase */
	struct arena **ta;        /* one per worker, for render results */
	struct frag_list *frags;  /* one per worker */
	int jobs;
	struct config cfg;
	struct theme theme;
	struct content c;
	enum lang lang;
	struct diags *d;
	struct rendered *r;       /* by page index */
	struct value *site;       /* the site part of every template context */
};

/* ---- links ------------------------------------------------------------------ */

struct link_ctx {
	struct build *b;
	const struct page *p;
	int worker;
};

/* The output path a link to page t names. */
static const char *page_target(const struct build *b, const struct page *t)
{
	return b->cfg.index_links ? t->out : t->url;
}

static int resolve_link(void *ud, const char *dest, size_t len, size_t off, struct buf *out)
{
	struct link_ctx *lc = ud;
	struct build *b = lc->b;
	const struct page *p = lc->p;
	struct buf path = BUF_INIT, joined = BUF_INIT;
	int rc = -1;
	size_t plen = 0;
	while (plen < len && dest[plen] != '#' && dest[plen] != '?')
		plen++;
	const char *tail = dest + plen;   /* ?query#frag, kept as written */
	size_t taillen = len - plen;
	const char *hash = memchr(dest, '#', len);
	if (url_decode(dest, plen, &path) < 0) {
		diag_at(b->d, DIAG_ERROR, p->path, p->src, p->len, off, "malformed %%-escape in link '%.*s'",
		        (int)len, dest);
		goto out;
	}
	if (url_join(p->dir, buf_cstr(&path), path.len, &joined) < 0) {
		diag_at(b->d, DIAG_ERROR, p->path, p->src, p->len, off, "link '%.*s' leads outside content/",
		        (int)len, dest);
		goto out;
	}
	const char *rel = buf_cstr(&joined);
	size_t rl = joined.len;
	const struct page *t = NULL;
	const struct static_file *f = NULL;
	if ((rl > 3 && strcmp(rel + rl - 3, ".md") == 0) || (rl > 9 && strcmp(rel + rl - 9, ".markdown") == 0)) {
		t = content_page(&b->c, rel);
	} else if (rl == 0 || rel[rl - 1] == '/') {
		t = content_page_at(&b->c, rel);
	} else if (!(f = content_file(&b->c, rel))) {
		/* "tasks" may name the folder "tasks/". */
		char *dir = arena_printf(b->ta[lc->worker], "%s/", rel);
		t = content_page_at(&b->c, dir);
	}
	if (!t && !f) {
		diag_at(b->d, DIAG_ERROR, p->path, p->src, p->len, off,
		        "link to missing page or file '%.*s' (no content/%s)", (int)plen, dest, rel);
		goto out;
	}
	url_relative(p->url, t ? page_target(b, t) : f->rel, out);
	buf_put(out, tail, taillen);
	if (t && hash && hash + 1 < dest + len) {
		struct frag_list *fl = &b->frags[lc->worker];
		struct buf frag = BUF_INIT;
		if (url_decode(hash + 1, (size_t)(dest + len - hash - 1), &frag) == 0) {
			if (fl->n == fl->cap) {
				size_t nc = fl->cap ? fl->cap * 2 : 16;
				fl->v = arena_realloc(b->ta[lc->worker], fl->v, fl->cap * sizeof *fl->v, nc * sizeof *fl->v);
				fl->cap = nc;
			}
			fl->v[fl->n++] = (struct frag_check){ p, t, arena_strndup(b->ta[lc->worker], frag.data, frag.len), off };
		}
		buf_free(&frag);
	}
	rc = 0;
out:
	buf_free(&path);
	buf_free(&joined);
	return rc;
}

/* ---- stage: Markdown --------------------------------------------------------- */

static void md_one(void *ctx, size_t i, int worker)
{
	struct build *b = ctx;
	const struct page *p = b->c.pages[i];
	struct link_ctx lc = { b, p, worker };
	if (p->failed)
		return;
	struct markdown_opts mo = {
		.engine = b->cfg.engine == CONFIG_CMARK ? MARKDOWN_CMARK : MARKDOWN_MD4C,
		.unsafe_html = b->cfg.unsafe_html,
		.summary_chars = (size_t)b->cfg.summary_length,
		.resolve = resolve_link,
		.resolve_ud = &lc,
	};
	markdown_render(&mo, b->ta[worker], p->path ? p->path : p->url, p->src, p->len, p->body_off,
	                &b->r[i].md, b->d);
}

static void check_fragments(struct build *b)
{
	for (int w = 0; w < b->jobs; w++) {
		for (size_t i = 0; i < b->frags[w].n; i++) {
			const struct frag_check *fc = &b->frags[w].v[i];
			const struct markdown_result *md = &b->r[fc->to->index].md;
			if (fc->to->failed)
				continue;
			int found = 0;
			for (size_t k = 0; k < md->ntoc && !found; k++)
				found = strcmp(md->toc[k].id, fc->frag) == 0;
			if (!found)
				diag_at(b->d, DIAG_ERROR, fc->from->path, fc->from->src, fc->from->len, fc->off,
				        "link to missing heading '#%s' in %s", fc->frag,
				        fc->to->path ? fc->to->path : fc->to->url);
		}
	}
}

/* ---- stage: template contexts -------------------------------------------------- */

static struct value *str(struct arena *a, const char *s)
{
	return value_cstring(a, s, (struct pos){ 0 });
}

static struct value *url_to(struct build *b, struct arena *a, const struct page *from, const struct page *to)
{
	struct buf u = BUF_INIT;
	url_relative(from->url, page_target(b, to), &u);
	struct value *v = value_string(a, u.data, u.len, (struct pos){ 0 });
	buf_free(&u);
	return v;
}

static void set_date(struct build *b, struct arena *a, struct value *t, const struct datetime *dt)
{
	struct buf s = BUF_INIT;
	datetime_format(dt, &s);
	value_setc(a, t, "date", value_string(a, s.data, s.len, (struct pos){ 0 }));
	buf_reset(&s);
	lang_date(b->lang, dt, &s);
	value_setc(a, t, "date_text", value_string(a, s.data, s.len, (struct pos){ 0 }));
	buf_free(&s);
}

/* A short entry for another page, with its URL relative to from. */
static struct value *page_ref(struct build *b, struct arena *a, const struct page *from, const struct page *p)
{
	struct value *t = value_table(a, (struct pos){ 0 });
	value_setc(a, t, "title", str(a, p->title));
	value_setc(a, t, "url", url_to(b, a, from, p));
	value_setc(a, t, "type", str(a, p->type));
	value_setc(a, t, "is_section", value_bool(a, p->kind != PAGE_PAGE, (struct pos){ 0 }));
	value_setc(a, t, "is_home", value_bool(a, p->kind == PAGE_HOME, (struct pos){ 0 }));
	if (p->has_date)
		set_date(b, a, t, &p->date);
	const struct markdown_result *md = &b->r[p->index].md;
	/* Left out when empty: an empty string is true in a Mustache section. */
	if (md->summary_len)
		value_setc(a, t, "summary", value_string_ref(a, md->summary, md->summary_len, (struct pos){ 0 }));
	value_setc(a, t, "params", p->meta);
	return t;
}

static struct value *page_context(struct build *b, struct arena *a, const struct page *p)
{
	struct pos nopos = { 0 };
	const struct markdown_result *md = &b->r[p->index].md;
	struct value *pg = value_table(a, nopos);
	static const char *const kinds[] = { "home", "section", "page" };
	value_setc(a, pg, "title", str(a, p->title));
	value_setc(a, pg, "kind", str(a, kinds[p->kind]));
	value_setc(a, pg, "type", str(a, p->type));
	value_setc(a, pg, "is_home", value_bool(a, p->kind == PAGE_HOME, nopos));
	value_setc(a, pg, "is_section", value_bool(a, p->kind == PAGE_SECTION, nopos));
	value_setc(a, pg, "is_page", value_bool(a, p->kind == PAGE_PAGE, nopos));
	value_setc(a, pg, "url", url_to(b, a, p, p));
	struct buf root = BUF_INIT;
	for (const char *s = p->url; *s; s++)
		if (*s == '/')
			buf_puts(&root, "../");
	value_setc(a, pg, "root", value_string(a, root.data ? root.data : "", root.len, nopos));
	buf_free(&root);
	if (*b->cfg.base_url) {
		struct buf u = BUF_INIT;
		buf_puts(&u, b->cfg.base_url);
		if (u.len && u.data[u.len - 1] != '/')
			buf_putc(&u, '/');
		url_escape(p->url, strlen(p->url), &u);
		value_setc(a, pg, "permalink", value_string(a, u.data, u.len, nopos));
		buf_free(&u);
	}
	if (p->has_date)
		set_date(b, a, pg, &p->date);
	value_setc(a, pg, "content", value_string_ref(a, md->html ? md->html : "", md->html_len, nopos));
	if (md->summary_len)
		value_setc(a, pg, "summary", value_string_ref(a, md->summary, md->summary_len, nopos));
	value_setc(a, pg, "summary_cut", value_bool(a, md->summary_cut, nopos));
	struct value *toc = value_array(a, nopos);
	for (size_t i = 0; i < md->ntoc; i++) {
		struct value *h = value_table(a, nopos);
		value_setc(a, h, "level", value_int(a, md->toc[i].level, nopos));
		value_setc(a, h, "id", str(a, md->toc[i].id));
		value_setc(a, h, "text", str(a, md->toc[i].text));
		value_push(a, toc, h);
	}
	value_setc(a, pg, "toc", toc);
	value_setc(a, pg, "has_toc", value_bool(a, md->ntoc >= 2, nopos));
	value_setc(a, pg, "params", p->meta);
	if (p->path)
		value_setc(a, pg, "source", str(a, p->path));

	/* Where it sits: breadcrumbs from home, its section, neighbours. */
	struct value *crumbs = value_array(a, nopos);
	const struct page *chain[64];
	size_t depth = 0;
	for (const struct page *q = p->parent; q && depth < 64; q = q->parent)
		chain[depth++] = q;
	while (depth > 0)
		value_push(a, crumbs, page_ref(b, a, p, chain[--depth]));
	value_setc(a, pg, "breadcrumbs", crumbs);
	value_setc(a, pg, "has_breadcrumbs", value_bool(a, crumbs->u.arr.n > 0, nopos));
	if (p->parent) {
		value_setc(a, pg, "section", page_ref(b, a, p, p->parent));
		const struct page *par = p->parent;
		for (size_t i = 0; i < par->nchildren; i++) {
			if (par->children[i] != p)
				continue;
			for (size_t k = i; k-- > 0;)
				if (par->children[k]->kind == PAGE_PAGE) {
					value_setc(a, pg, "prev", page_ref(b, a, p, par->children[k]));
					break;
				}
			for (size_t k = i + 1; k < par->nchildren; k++)
				if (par->children[k]->kind == PAGE_PAGE) {
					value_setc(a, pg, "next", page_ref(b, a, p, par->children[k]));
					break;
				}
			break;
		}
	}
	value_setc(a, pg, "has_pager", value_bool(a, value_get(pg, "prev") || value_get(pg, "next"), nopos));
	struct value *pages = value_array(a, nopos);
	for (size_t i = 0; i < p->nchildren; i++)
		value_push(a, pages, page_ref(b, a, p, p->children[i]));
	value_setc(a, pg, "pages", pages);
	value_setc(a, pg, "has_pages", value_bool(a, pages->u.arr.n > 0, nopos));

	/* The menu: home and the top-level sections, marked when we are in them. */
	struct value *menu = value_array(a, nopos);
	const struct page *home = b->c.home;
	const struct page *top = p;
	while (top->parent && top->parent != home)
		top = top->parent;
	value_setc(a, pg, "home_url", url_to(b, a, p, home));
	struct value *m = page_ref(b, a, p, home);
	value_setc(a, m, "active", value_bool(a, p == home, nopos));
	value_push(a, menu, m);
	for (size_t i = 0; home && i < home->nchildren; i++) {
		const struct page *s = home->children[i];
		if (s->kind != PAGE_SECTION)
			continue;
		m = page_ref(b, a, p, s);
		value_setc(a, m, "active", value_bool(a, s == top, nopos));
		value_push(a, menu, m);
	}
	value_setc(a, pg, "menu", menu);

	struct value *ctx = value_table(a, nopos);
	value_setc(a, ctx, "site", b->site);
	value_setc(a, ctx, "i18n", b->theme.i18n);
	value_setc(a, ctx, "page", pg);
	return ctx;
}

static struct value *site_context(struct build *b)
{
	struct arena *a = b->a;
	struct pos nopos = { 0 };
	struct value *s = value_table(a, nopos);
	value_setc(a, s, "title", str(a, b->cfg.title));
	value_setc(a, s, "language", str(a, b->cfg.language));
	value_setc(a, s, "base_url", str(a, b->cfg.base_url));
	value_setc(a, s, "generator", str(a, "planpress " PP_VERSION));
	if (b->cfg.has_as_of) {
		struct buf t = BUF_INIT;
		datetime_format(&b->cfg.as_of, &t);
		value_setc(a, s, "as_of", value_string(a, t.data, t.len, nopos));
		buf_reset(&t);
		lang_date(b->lang, &b->cfg.as_of, &t);
		value_setc(a, s, "as_of_text", value_string(a, t.data, t.len, nopos));
		buf_free(&t);
	}
	value_setc(a, s, "params", b->cfg.params ? b->cfg.params : value_table(a, nopos));
	return s;
}

/* ---- stage: templates ---------------------------------------------------------- */

static const struct tpl *pick_template(struct build *b, const struct page *p, const char **name)
{
	const char *layout = value_str(value_get(p->meta, "layout"), NULL);
	if (layout) {
		*name = layout;
		return theme_template(&b->theme, layout);
	}
	if (*p->type && theme_template(&b->theme, p->type)) {
		*name = p->type;
		return theme_template(&b->theme, p->type);
	}
	*name = p->kind == PAGE_HOME ? "home" : p->kind == PAGE_SECTION ? "section" : "page";
	const struct tpl *t = theme_template(&b->theme, *name);
	if (!t && p->kind == PAGE_HOME)
		t = theme_template(&b->theme, "section");
	return t;
}

static void tpl_one(void *ctx, size_t i, int worker)
{
	struct build *b = ctx;
	const struct page *p = b->c.pages[i];
	struct arena *a = b->ta[worker];
	const char *name;
	const struct tpl *t = pick_template(b, p, &name);
	if (!t) {
		const struct value *lv = value_get(p->meta, "layout");
		if (lv && p->path) {
			size_t s = 0, e = 0;
			int have = diag_line_span(p->src, p->len, lv->pos.line, &s, &e);
			diag_add(b->d, DIAG_ERROR, p->path, lv->pos.line, lv->pos.col, have ? p->src + s : NULL,
			         e - s, "the theme has no template '%s'", name);
		} else {
			diag_add(b->d, DIAG_ERROR, p->path ? p->path : b->theme.dir, 0, 0, NULL, 0,
			         "the theme has no template '%s' for this page", name);
		}
		return;
	}
	struct buf out = BUF_INIT;
	if (tpl_render(b->theme.tpl, t, page_context(b, a, p), &out, b->d) == 0) {
		b->r[i].html = arena_strndup(a, out.data ? out.data : "", out.len);
		b->r[i].len = out.len;
	}
	buf_free(&out);
}

/* ---- output -------------------------------------------------------------------- */

static int cmp_out(const void *x, const void *y)
{
	return strcmp(((const struct out_file *)x)->rel, ((const struct out_file *)y)->rel);
}

static const char *origin(const struct out_file *f)
{
	return f->copy_from ? f->copy_from : "a generated page";
}

static int write_site(struct build *b, const char *out_dir, struct build_stats *st, int extra_404)
{
	size_t n = 0, cap = b->c.npages + b->c.nfiles + b->theme.nfiles + 2;
	struct out_file *files = xmalloc(cap * sizeof *files);
	int rc = 1;
	for (size_t i = 0; i < b->c.npages; i++)
		files[n++] = (struct out_file){ b->c.pages[i]->out, b->r[i].html, b->r[i].len, NULL };
	for (size_t i = 0; i < b->c.nfiles; i++)
		files[n++] = (struct out_file){ b->c.files[i].rel, NULL, 0, b->c.files[i].path };
	for (size_t i = 0; i < b->theme.nfiles; i++)
		files[n++] = (struct out_file){ b->theme.files[i].rel, NULL, 0, b->theme.files[i].path };
	if (extra_404)
		files[n++] = (struct out_file){ "404.html", b->r[b->c.npages].html, b->r[b->c.npages].len, NULL };
	qsort(files, n, sizeof *files, cmp_out);
	size_t errs = b->d->nerrors;
	for (size_t i = 1; i < n; i++)
		if (strcmp(files[i].rel, files[i - 1].rel) == 0)
			diag_add(b->d, DIAG_ERROR, files[i].copy_from ? files[i].copy_from : files[i - 1].copy_from,
			         0, 0, NULL, 0, "output path '%s' is written twice: by %s and by %s",
			         files[i].rel, origin(&files[i - 1]), origin(&files[i]));
	if (b->d->nerrors > errs || b->o->check_only) {
		rc = b->d->nerrors > errs;
		goto out;
	}
	struct output_stats os;
	if (output_commit(out_dir, files, n, b->jobs, &os, b->d) < 0) {
		rc = 2;
		goto out;
	}
	st->written = os.written;
	st->unchanged = os.unchanged;
	st->removed = os.removed;
	rc = 0;
out:
	free(files);
	return rc;
}

/* ---- the whole build ----------------------------------------------------------- */

int build_site(const struct build_opts *o, struct build_stats *st, struct diags *d)
{
	struct build b = { .o = o, .d = d };
	int rc = 1;
	memset(st, 0, sizeof *st);
	b.a = arena_new();
	b.jobs = o->jobs > 0 ? o->jobs : pool_cpus();
	b.ta = xcalloc((size_t)b.jobs, sizeof *b.ta);
	b.frags = xcalloc((size_t)b.jobs, sizeof *b.frags);
	for (int i = 0; i < b.jobs; i++)
		b.ta[i] = arena_new();

	const char *cfg_path = arena_printf(b.a, "%s/site.toml", o->site_dir);
	const char *text;
	size_t len;
	struct stat sst;
	if (stat(cfg_path, &sst) < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
		         "no site.toml in %s (run planpress in a site folder, or use -C DIR)", o->site_dir);
		rc = 2;
		goto out;
	}
	if (content_read_text(b.a, cfg_path, "site.toml", &text, &len, d) < 0 ||
	    config_load(b.a, "site.toml", text, len, &b.cfg, d) < 0)
		goto out;
	b.lang = lang_from_code(b.cfg.language);
	int theme_ok = theme_load(b.a, o->site_dir, o->exe_dir, &b.cfg, &b.theme, d) == 0;
	/* Content errors are worth reporting even when the theme is broken. */
	int content_ok = content_load(b.a, o->site_dir, o->drafts, &b.c, d) == 0;
	if (!b.c.home)
		goto out;
	/* Markdown and links are checked even after other errors, so one run
	 * reports every problem it can find. */
	b.r = xcalloc(b.c.npages + 1, sizeof *b.r);
	pool_run(b.c.npages, b.jobs, md_one, &b);
	check_fragments(&b);
	if (!theme_ok || !content_ok || d->nerrors)
		goto out;

	b.site = site_context(&b);
	pool_run(b.c.npages, b.jobs, tpl_one, &b);
	int has_404 = 0;
	const struct tpl *t404 = theme_template(&b.theme, "404");
	if (t404 && b.c.home) {
		/* The 404 page is served for any missing path, so it links from the site root. */
		struct page nf = *b.c.home;
		nf.kind = PAGE_PAGE;
		nf.title = value_str(value_get(b.theme.i18n, "not_found"), "404");
		nf.parent = b.c.home;
		nf.children = NULL;
		nf.nchildren = 0;
		nf.meta = value_table(b.a, (struct pos){ 0 });
		nf.index = b.c.npages;
		struct buf out = BUF_INIT;
		if (tpl_render(b.theme.tpl, t404, page_context(&b, b.a, &nf), &out, d) == 0) {
			b.r[b.c.npages].html = arena_strndup(b.a, out.data ? out.data : "", out.len);
			b.r[b.c.npages].len = out.len;
			has_404 = 1;
		}
		buf_free(&out);
	}
	if (d->nerrors)
		goto out;
	st->pages = b.c.npages + (size_t)has_404;
	st->files = b.c.nfiles + b.theme.nfiles;
	const char *out_dir = o->out_dir ? o->out_dir : arena_printf(b.a, "%s/public", o->site_dir);
	rc = write_site(&b, out_dir, st, has_404);
out:
	if (rc == 0 && d->nerrors)
		rc = 1;
	theme_free(&b.theme);
	free(b.r);
	for (int i = 0; i < b.jobs; i++)
		arena_free(b.ta[i]);
	free(b.ta);
	free(b.frags);
	arena_free(b.a);
	return rc;
}
