/* build.c: the pipeline: site.toml, theme, content, Markdown (parallel),
 * link checks, templates (parallel), output. Each stage reads plain data and
 * writes plain data; errors of a stage are all collected before stopping. */
#include "build.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <stdio.h>

#include "arena.h"
#include "buf.h"
#include "config.h"
#include "content.h"
#include "context.h"
#include "datadir.h"
#include "dataspan.h"
#include "i18n.h"
#include "lang.h"
#include "json.h"
#include "markdown.h"
#include "mcache.h"
#include "model.h"
#include "notice.h"
#include "output.h"
#include "pool.h"
#include "pcache.h"
#include "progress.h"
#include "rcache.h"
#include "schema.h"
#include "script.h"
#include "search.h"
#include "sheetout.h"
#include "spool.h"
#include "stamp.h"
#include "template.h"
#include "theme.h"
#include "tokcache.h"
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

/* The finished output files of a page (a section with a pager has several). */
struct rendered {
	struct out_file *out;   /* first: the page itself */
	size_t nout;
};

struct build {
	const struct build_opts *o;
	struct arena *a;          /* load phase */
	struct arena *texts;      /* the pages' texts, freed after the model stage (content_forget_texts) */
	struct arena *pending_a;  /* the pending publication's task changes, made on a worker (stage_extra) */
	struct arena **ta;        /* one per worker, for render results */
	struct arena **sa;        /* one per worker, scratch reset after each page */
	struct output_spill **spill;  /* one per worker: rendered files wait there (output.h) */
	struct spool **html;      /* one per worker, or NULL: the pages' HTML waits there (spool.h) */
	struct frag_list *frags;  /* one per worker */
	int jobs;
	struct config cfg;
	struct theme theme;
	struct content c;
	enum lang lang;
	struct diags *d;
	struct markdown_result *md;   /* by page index */
	struct rendered *r;           /* by page index */
	struct ctx_env env;
	struct ctx_menu_item *menu;
	size_t nmenu;
	struct model model;
	struct script *script;        /* the Lua hooks, or NULL */
	struct value **hook_page;     /* by page index: what on_page made of the page */
	const char *native_progress;  /* the installed progress.lua, unchanged: run as C (progress.h) */
	struct page *units_index;     /* units/ and one page per unit (lead or supporting), made from site.units */
	struct page *changes_page;    /* changes/, when the site has a publish history and the theme the template */
	const struct value **menu_made;   /* by menu entry: its url when it names a made page, else NULL */
	struct page **units;
	const struct value **unit_data;   /* by unit page: its entry of site.units */
	size_t nunits;
	struct notice_set notices;    /* 督办通知 pages (notice.h) */
	struct page **notice_pages;
	struct out_file *extra;       /* what the extra pages stage made (rel NULL: nothing) */
	struct rcache *cache;         /* the render cache, or NULL (rcache.h) */
	struct value *pending_entry;  /* on the changes page, the publication being made, or NULL */
	struct mcache *mcache;        /* the Markdown cache, or NULL; pages' HTML may live in it */
	unsigned char program[DIGEST_LEN];   /* the program's identity, for the caches */
	size_t nextra;
	size_t nsearch;               /* of those, the search index's files (search.h) */
	const char *out_dir;
	struct build_stats *st;
	struct buf inputs;            /* the stamp's record of this build's inputs */
	int stamped;                  /* inputs were recorded: a good build saves the stamp */
	int load_ok;                  /* theme and content loaded without errors */
	int rc;                       /* build_site's answer */
	struct value *history;        /* the publish repository's publications, newest first */
	const char *cfg_src;          /* site.toml's text, for messages */
	size_t cfg_len;
};

/* A feed reader wants the latest entries, not the archive. */
#define FEED_ENTRIES 20

/* ---- links ------------------------------------------------------------------ */

struct link_ctx {
	struct build *b;
	const struct page *p;
	int worker;
	struct diags *d;               /* where its errors go */
	struct mcache_trace *trace;    /* or NULL: what each link became, for the Markdown cache */
};

/* The output path a link to page t names. */
static const char *page_target(const struct build *b, const struct page *t)
{
	return ctx_target(&b->env, t);
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
		diag_at(lc->d, DIAG_ERROR, p->path, p->src, p->len, off, "malformed %%-escape in link '%.*s'",
		        (int)len, dest);
		goto out;
	}
	if (url_join(p->dir, buf_cstr(&path), path.len, &joined) < 0) {
		diag_at(lc->d, DIAG_ERROR, p->path, p->src, p->len, off, "link '%.*s' leads outside content/",
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
		diag_at(lc->d, DIAG_ERROR, p->path, p->src, p->len, off,
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

/* resolve_link, telling the Markdown cache what each link became. */
static int resolve_traced(void *ud, const char *dest, size_t len, size_t off, struct buf *out)
{
	struct link_ctx *lc = ud;
	int rc = resolve_link(ud, dest, len, off, out);
	mcache_link(lc->trace, dest, len, off, rc, out);
	return rc;
}

/* Moves the diagnostics of one page's conversion into the build's sink. */
static void diags_into(struct diags *to, const struct diags *from)
{
	for (size_t k = 0; k < from->n; k++) {
		const struct diag *g = &from->v[k];
		diag_add(to, g->level, g->path, g->line, g->col, g->text, g->text ? strlen(g->text) : 0, "%s", g->msg);
	}
}

/* Page i's text into HTML: from the Markdown cache when its text did not
 * change and its links still lead where they did (mcache.h); otherwise
 * converted, and recorded when the conversion said nothing. */
static void md_one(void *ctx, size_t i, int worker)
{
	struct build *b = ctx;
	const struct page *p = b->c.pages[i];
	const char *path = p->path ? p->path : p->url;
	struct link_ctx lc = { b, p, worker, b->d, NULL };
	unsigned char key[DIGEST_LEN];
	if (p->failed)
		return;
	struct diags local;
	struct mcache_trace trace = { BUF_INIT, 0 };
	if (b->mcache) {
		/* Links looked up again quietly: a link that now fails misses the
		 * cache, and the conversion below reports it once. */
		size_t mark = b->frags[worker].n;
		diags_init(&local);
		lc.d = &local;
		int hit = mcache_get(b->mcache, b->ta[worker], path, p->src, p->len, resolve_link, &lc, key, &b->md[i]);
		hit = hit && local.n == 0;
		diags_free(&local);
		if (hit) {
			/* Out of the cache's file, which goes after this stage: the
			 * HTML to the spool, the rest to the worker's arena. */
			if (b->html)
				markdown_keep(&b->md[i], b->ta[worker], b->html[worker]);
			return;
		}
		b->frags[worker].n = mark;
		diags_init(&local);
		lc.trace = &trace;
	}
	struct markdown_opts mo = {
		.engine = b->cfg.engine == CONFIG_CMARK ? MARKDOWN_CMARK : MARKDOWN_MD4C,
		.unsafe_html = b->cfg.unsafe_html,
		.summary_chars = (size_t)b->cfg.summary_length,
		.resolve = b->mcache ? resolve_traced : resolve_link,
		.resolve_ud = &lc,
	};
	/* Made in the scratch arena: the HTML goes to the worker's spool, the
	 * rest (summary, headings) into its arena, once the cache has it. */
	markdown_render(&mo, b->html ? b->sa[worker] : b->ta[worker], path, p->src, p->len, p->body_off, &b->md[i],
	                lc.d);
	if (b->mcache) {
		if (local.n == 0)
			mcache_put(b->mcache, worker, path, key, &b->md[i], &trace);
		diags_into(b->d, &local);
		diags_free(&local);
		buf_free(&trace.links);
	}
	if (b->html) {
		markdown_keep(&b->md[i], b->ta[worker], b->html[worker]);
		arena_reset(b->sa[worker]);
	}
}

/* One spool a worker for the pages' HTML, in the site's .planpress/ folder
 * (beside the caches): none when a build writes nothing, or when the
 * folder cannot hold one (the HTML stays in memory then). */
static void open_spools(struct build *b)
{
	if (!b->spill)
		return;
	char *dir = arena_printf(b->a, "%s/%s", b->o->site_dir, STAMP_DIR);
	b->html = xcalloc((size_t)b->jobs, sizeof *b->html);
	for (int w = 0; w < b->jobs; w++) {
		if (!(b->html[w] = spool_new(dir))) {
			for (int k = 0; k < w; k++)
				spool_free(b->html[k]);
			free(b->html);
			b->html = NULL;
			return;
		}
	}
}

/* The spools written out, before any page's HTML is read back; 0, or -1
 * after an error (the HTML that did not reach the file is lost). */
static int seal_spools(struct build *b)
{
	for (int w = 0; b->html && w < b->jobs; w++) {
		if (spool_seal(b->html[w]) < 0) {
			diag_add(b->d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "cannot write the pages' HTML to a temporary file in %s/%s: %s", b->o->site_dir,
			         STAMP_DIR, diag_errstr(errno));
			return -1;
		}
	}
	return 0;
}

/* An error when a page's HTML could not be read back (the page would show
 * none): the build stops before it writes anything. */
static void check_spools_read(struct build *b)
{
	for (int w = 0; b->html && w < b->jobs; w++) {
		if (spool_failed(b->html[w])) {
			diag_add(b->d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "cannot read the pages' HTML back from its temporary file in %s/%s", b->o->site_dir,
			         STAMP_DIR);
			return;
		}
	}
}

static void check_fragments(struct build *b)
{
	for (int w = 0; w < b->jobs; w++) {
		for (size_t i = 0; i < b->frags[w].n; i++) {
			const struct frag_check *fc = &b->frags[w].v[i];
			const struct markdown_result *md = &b->md[fc->to->index];
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

/* Hands a rendered file to the output: it waits in the worker's spill
 * until the write stage (a check writes nothing: the bytes are dropped). */
static void emit(struct build *b, int worker, struct out_file *f, const char *rel, const char *src,
                 const struct buf *out)
{
	memset(f, 0, sizeof *f);
	f->rel = rel;
	f->src = src;
	if (b->spill)
		output_spill_put(b->spill[worker], f, out->data ? out->data : "", out->len, b->d);
}

/* Renders template t with ctx into rel (emitted into f), unless the render
 * cache vouches for the output folder's file: then f keeps it as it is.
 * name is the template's name. Returns 0 or -1 (a render error, recorded). */
static int render_file(struct build *b, int worker, const struct tpl *t, const char *name,
                       const struct value *ctx, const char *rel, const char *src, struct out_file *f)
{
	struct rcache_page pg;
	if (b->cache && rcache_probe(b->cache, worker, &pg, rel, name, ctx) == RCACHE_REUSED) {
		*f = (struct out_file){ .rel = rel, .src = src, .same = 1, .reused = 1 };
		return 0;
	}
	struct buf out = BUF_INIT;
	int rc = tpl_render_traced(b->theme.tpl, t, ctx, b->cache ? &pg.trace : NULL, &out, b->d);
	if (rc == 0) {
		if (b->cache)
			rcache_put(&pg);
		emit(b, worker, f, rel, src, &out);
	}
	buf_free(&out);
	return rc;
}

/* Renders page i, and each page of its list when the list spans several. */
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
			/* The texts are freed by now: page_text fills the line in. */
			int have = p->src && diag_line_span(p->src, p->len, lv->pos.line, &s, &e);
			diag_add(b->d, DIAG_ERROR, p->path, lv->pos.line, lv->pos.col, have ? p->src + s : NULL,
			         e - s, "the theme has no template '%s'", name);
		} else {
			diag_add(b->d, DIAG_ERROR, p->path ? p->path : b->theme.dir, 0, 0, NULL, 0,
			         "the theme has no template '%s' for this page", name);
		}
		return;
	}
	size_t per = (size_t)b->cfg.paginate;
	size_t n = p->nchildren;
	int total = p->kind != PAGE_PAGE && n > per ? (int)((n + per - 1) / per) : 1;
	struct rendered *r = &b->r[i];
	r->out = arena_alloc(a, (size_t)total * sizeof *r->out);
	/* The context is scratch: made, rendered and forgotten page by page. */
	struct arena *scratch = b->sa[worker];
	for (int k = 1; k <= total; k++) {
		const char *here = ctx_pager_url(a, p, k);
		size_t first = total > 1 ? (size_t)(k - 1) * per : 0;
		size_t count = total > 1 ? per : n;
		const char *rel = k == 1 ? p->out : arena_printf(a, "%sindex.html", here);
		int bad = render_file(b, worker, t, name, ctx_page(scratch, &b->env, p, here, first, count, k, total),
		                      rel, p->path, &r->out[r->nout]) < 0;
		arena_reset(scratch);
		if (bad)
			break;
		r->nout++;
	}
}

/* Renders template name (if the theme has it) with ctx into rel, on worker's spill. */
static void render_in(struct build *b, int worker, const char *name, struct value *ctx,
                      const char *rel, struct out_file *po)
{
	const struct tpl *t = theme_template(&b->theme, name);
	struct out_file f;
	if (t && render_file(b, worker, t, name, ctx, rel, NULL, &f) == 0)
		*po = f;
}

/* ---- output -------------------------------------------------------------------- */

static int cmp_out(const void *x, const void *y)
{
	return strcmp(((const struct out_file *)x)->rel, ((const struct out_file *)y)->rel);
}

static const char *origin(const struct out_file *f)
{
	return f->src ? f->src : f->copy_from ? f->copy_from : _("a generated page");
}

/* The source to blame for a clash between x and y: a content file when one
 * of them has one (a generated file cannot be renamed by the user). */
static const char *blame(const struct out_file *x, const struct out_file *y)
{
	return x->src ? x->src : y->src ? y->src : x->copy_from ? x->copy_from : y->copy_from;
}

/* Every clash of output paths, found before anything is written: the same
 * path twice, or a path that is a file for one and a folder for another
 * (slug feed.xml makes feed.xml/index.html beside the feed). files is sorted. */
static void check_clashes(struct build *b, const struct out_file *files, size_t n)
{
	for (size_t i = 1; i < n; i++)
		if (strcmp(files[i].rel, files[i - 1].rel) == 0)
			diag_add(b->d, DIAG_ERROR, blame(&files[i], &files[i - 1]), 0, 0, NULL, 0,
			         "output path '%s' is written twice: by %s and by %s",
			         files[i].rel, origin(&files[i - 1]), origin(&files[i]));
	/* A file F is also a folder when some path starts with "F/". Among the
	 * sorted paths those come after F but maybe not right after ("F-x" and
	 * "F.y" sort before "F/"), so each F is looked up with a binary search. */
	for (size_t i = 0; i < n; i++) {
		size_t fl = strlen(files[i].rel), lo = i + 1, hi = n;
		while (lo < hi) {
			size_t mid = lo + (hi - lo) / 2;
			const char *r = files[mid].rel;
			int c = strncmp(r, files[i].rel, fl);
			if (c < 0 || (c == 0 && (unsigned char)r[fl] < '/'))
				lo = mid + 1;
			else
				hi = mid;
		}
		if (lo < n && strncmp(files[lo].rel, files[i].rel, fl) == 0 && files[lo].rel[fl] == '/')
			diag_add(b->d, DIAG_ERROR, blame(&files[lo], &files[i]), 0, 0, NULL, 0,
			         "output path '%s' is a file (by %s) and a folder (of '%s', by %s)",
			         files[i].rel, origin(&files[i]), files[lo].rel, origin(&files[lo]));
	}
}

static int write_site(struct build *b, const char *out_dir, struct build_stats *st,
                      const struct out_file *extra, size_t nextra)
{
	size_t n = 0, cap = b->c.nfiles + b->theme.nfiles + nextra + 1;
	for (size_t i = 0; i < b->c.npages; i++)
		cap += b->r[i].nout;
	struct out_file *files = xmalloc(cap * sizeof *files);
	int rc = 1;
	for (size_t i = 0; i < b->c.npages; i++)
		for (size_t k = 0; k < b->r[i].nout; k++)
			files[n++] = b->r[i].out[k];
	for (size_t i = 0; i < b->c.nfiles; i++)
		files[n++] = (struct out_file){ .rel = b->c.files[i].rel, .copy_from = b->c.files[i].path,
		                                .src = b->c.files[i].path };
	for (size_t i = 0; i < b->theme.nfiles; i++)
		files[n++] = (struct out_file){ .rel = b->theme.files[i].rel, .copy_from = b->theme.files[i].path };
	for (size_t i = 0; i < nextra; i++)
		if (extra[i].rel)
			files[n++] = extra[i];
	st->pages = n - b->c.nfiles - b->theme.nfiles - b->nsearch;
	for (size_t i = 0; i < n; i++)
		if ((files[i].same && !files[i].reused) || files[i].spill) {
			st->rendered++;
			st->rendered_same += files[i].same;
		}
	qsort(files, n, sizeof *files, cmp_out);
	size_t errs = b->d->nerrors;
	check_clashes(b, files, n);
	if (b->d->nerrors > errs || b->o->check_only) {
		rc = b->d->nerrors > errs;
		goto out;
	}
	struct output_stats os;
	int bad = output_commit(out_dir, files, n, b->jobs, &os, b->d) < 0;
	st->written = os.written;
	st->unchanged = os.unchanged;
	st->removed = os.removed;
	st->partial = os.partial;
	rc = bad ? 2 : 0;
out:
	free(files);
	return rc;
}

/* site.toml [[menu.main]]: each url names a content file, a folder or an external URL. */
static int resolve_menu(struct build *b)
{
	const struct value *items = value_path(b->cfg.root, "menu.main");
	if (!items)
		return 0;
	int rc = 0;
	b->menu = arena_alloc(b->a, (value_len(items) + 1) * sizeof *b->menu);
	b->menu_made = arena_alloc(b->a, (value_len(items) + 1) * sizeof *b->menu_made);
	for (size_t i = 0; i < value_len(items); i++) {
		const struct value *it = value_at(items, i);
		const struct value *uv = value_get(it, "url");
		struct ctx_menu_item *m = &b->menu[b->nmenu];
		m->name = value_str(value_get(it, "name"), "");
		const char *u = value_str(uv, "");
		if (url_has_scheme(u, strlen(u))) {
			m->url = u;
			b->nmenu++;
			continue;
		}
		struct buf rel = BUF_INIT;
		url_join("", u, strlen(u), &rel);
		const char *r = buf_cstr(&rel);
		size_t rl = rel.len;
		/* Pages the build makes (units/, changes/) exist only later:
		 * linked once they do (link_made_menu). */
		if (strcmp(r, "units") == 0 || strcmp(r, "units/") == 0 || strcmp(r, BUILD_CHANGES_DIR) == 0 ||
		    strcmp(r, BUILD_CHANGES_DIR "/") == 0) {
			b->menu_made[b->nmenu++] = uv;
			buf_free(&rel);
			continue;
		}
		if (rl == 0)
			m->page = b->c.home;
		else if (rl > 3 && strcmp(r + rl - 3, ".md") == 0)
			m->page = content_page(&b->c, r);
		else
			m->page = content_page_at(&b->c, rel.data[rl - 1] == '/' ? r : arena_printf(b->a, "%s/", r));
		buf_free(&rel);
		if (!m->page) {
			size_t s = 0, e = 0;
			int have = diag_line_span(b->cfg_src, b->cfg_len, uv->pos.line, &s, &e);
			diag_add(b->d, DIAG_ERROR, "site.toml", uv->pos.line, uv->pos.col, have ? b->cfg_src + s : NULL,
			         e - s, "menu entry '%s' names no page of the site ('%s')", m->name, u);
			rc = -1;
			continue;
		}
		b->nmenu++;
	}
	return rc;
}

/* ---- Lua hooks --------------------------------------------------------------------- */

static int is_file(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

/* The lua/ folder installed with planpress (for progress.lua and require),
 * or NULL: datadir.h's search, without the site (its own lua/ comes first
 * in load_hooks). */
static const char *lua_lib_dir(struct build *b)
{
	const char *f = datadir_find(b->a, NULL, b->o->exe_dir, "lua/progress.lua", 0, NULL);
	return f ? arena_strndup(b->a, f, strlen(f) - strlen("/progress.lua")) : NULL;
}

/* Whether the installed progress.lua at path is the one compiled in. */
static int builtin_progress(const char *path)
{
	struct buf t = BUF_INIT;
	int same = buf_read_file(&t, path) == 0 && progress_is_builtin(t.data, t.len);
	buf_free(&t);
	return same;
}

/* Hooks: site.toml's list, else the site's lua/progress.lua, else the one
 * installed with planpress, so that a new site gets progress summaries. That
 * one, unchanged, is run natively when native is 1 (b->native_progress). */
static int load_hooks(struct build *b, int native)
{
	const char *lib = lua_lib_dir(b);
	const char *site_progress = arena_printf(b->a, "%s/lua/progress.lua", b->o->site_dir);
	const char **hooks = b->cfg.hooks;
	size_t n = b->cfg.nhooks;
	const char *one[1];
	if (b->cfg.nhooks == 0) {
		const char *installed = lib ? arena_printf(b->a, "%s/progress.lua", lib) : NULL;
		if (is_file(site_progress)) {
			one[0] = "lua/progress.lua";
		} else if (native && installed && installed[0] == '/' && builtin_progress(installed)) {
			b->native_progress = installed;
			return 0;
		} else if (installed) {
			one[0] = installed;
		} else {
			return 0;
		}
		hooks = one;
		n = 1;
	}
	struct script_opts so = {
		.site_dir = b->o->site_dir,
		.lib_dir = NULL,   /* require loads from the site's lua/ folder only */
		.budget = b->cfg.lua_budget,
		.memory = b->cfg.lua_memory,
		.seconds = b->cfg.lua_seconds,
		.as_of = b->model.as_of,
		.language = b->cfg.language,
		.lambda_diags = b->d,
	};
	b->script = script_new(&so, b->d);
	if (!b->script)
		return -1;
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const char *h = hooks[i];
		if (h[0] != '/' && !is_file(arena_printf(b->a, "%s/%s", b->o->site_dir, h))) {
			diag_add(b->d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0, "hook file '%s' not found", h);
			rc = -1;
			continue;
		}
		if (script_load(b->script, h, b->d) < 0)
			rc = -1;
	}
	return rc;
}

/* on_page(page) for every page, one at a time (a Lua state is one thread's):
 * the page's title, type, kind, url, source, date and front matter (params). */
static void run_on_page(struct build *b)
{
	struct pos nopos = { 0 };
	static const char *const kinds[] = { "home", "section", "page" };
	b->hook_page = arena_alloc(b->a, (b->c.npages + 1) * sizeof *b->hook_page);
	for (size_t i = 0; i < b->c.npages; i++) {
		const struct page *p = b->c.pages[i];
		/* Its position names the page in the notes of a hook's error. */
		struct value *t = value_table(b->a, (struct pos){ p->path ? p->path : p->url, 1, 1 });
		value_setc(b->a, t, "title", value_cstring(b->a, p->title, nopos));
		value_setc(b->a, t, "type", value_cstring(b->a, p->type, nopos));
		value_setc(b->a, t, "kind", value_cstring(b->a, kinds[p->kind], nopos));
		value_setc(b->a, t, "url", value_cstring(b->a, page_target(b, p), nopos));
		value_setc(b->a, t, "source", value_cstring(b->a, p->path ? p->path : "", nopos));
		if (p->has_date)
			value_setc(b->a, t, "date", value_datetime(b->a, &p->date, nopos));
		value_setc(b->a, t, "params", schema_params(b->a, p));
		size_t before = value_len(t);
		if (script_on_page(b->script, b->a, t, b->d) < 0)
			return;
		if (value_len(t) > before)
			b->hook_page[i] = t;
	}
}

/* After on_site the plan, task and bulletin tables may be new values: find
 * each page's table again by its source file. */
static void relink_model(struct build *b)
{
	const struct value *site = b->env.site;
	struct value **by_page = arena_alloc(b->a, (b->c.npages + 1) * sizeof *by_page);
	const struct value *lists[2] = { value_get(site, "plans"), value_get(site, "bulletins") };
	for (int l = 0; l < 2; l++) {
		for (size_t i = 0; lists[l] && lists[l]->kind == V_ARRAY && i < value_len(lists[l]); i++) {
			struct value *t = value_at(lists[l], i);
			const char *src = value_str(value_get(t, "source"), "");
			const struct page *p = strncmp(src, "content/", 8) == 0 ? content_page(&b->c, src + 8) : NULL;
			if (p)
				by_page[p->index] = t;
			const struct value *tasks = l == 0 ? value_get(t, "tasks") : NULL;
			for (size_t k = 0; tasks && tasks->kind == V_ARRAY && k < value_len(tasks); k++) {
				src = value_str(value_get(value_at(tasks, k), "source"), "");
				p = strncmp(src, "content/", 8) == 0 ? content_page(&b->c, src + 8) : NULL;
				if (p)
					by_page[p->index] = value_at(tasks, k);
			}
		}
	}
	b->env.extra = by_page;
}

/* ---- pages the build makes ------------------------------------------------------ */

/* The one constructor of a page with no source file (units/, a unit's
 * page, changes/, 404), in arena a: marked made, so it has no text, no date
 * and no front matter of its own; it hangs under parent (NULL: nowhere). */
static struct page *made_page(struct arena *a, enum page_kind kind, const char *dir, const char *url,
                              const char *out, const char *title, const char *type, struct page *parent)
{
	struct page *p = arena_alloc(a, sizeof *p);
	p->kind = kind;
	p->made = 1;
	p->dir = dir;
	p->url = url;
	p->out = out;
	p->src = "";
	p->meta = value_table(a, (struct pos){ 0 });
	p->title = title;
	p->type = type;
	p->parent = parent;
	p->index = (size_t)-1;
	return p;
}

static const char *i18n(const struct build *b, const char *key)
{
	return value_str(value_get(b->theme.i18n, key), key);
}

/* units/ and units/<slug>/: pages made from site.units when the theme has
 * templates for them. They hang under home, like a section. */
static void make_unit_pages(struct build *b)
{
	const struct value *units = value_get(b->env.site, "units");
	if (!units || units->kind != V_ARRAY || !value_len(units) || !b->c.home ||
	    !theme_template(&b->theme, "units") || !theme_template(&b->theme, "unit"))
		return;
	struct page *idx = made_page(b->a, PAGE_SECTION, "units", "units/", "units/index.html", i18n(b, "units"),
	                             "units", b->c.home);
	idx->children = arena_alloc(b->a, (value_len(units) + 1) * sizeof *idx->children);
	b->units = arena_alloc(b->a, (value_len(units) + 1) * sizeof *b->units);
	b->unit_data = arena_alloc(b->a, (value_len(units) + 1) * sizeof *b->unit_data);
	for (size_t i = 0; i < value_len(units); i++) {
		const struct value *u = value_at(units, i);
		const char *slug = value_str(value_get(u, "slug"), NULL);
		if (!slug || !*slug || strchr(slug, '/') || strstr(slug, ".."))
			continue;
		struct page *p = made_page(b->a, PAGE_PAGE, "units", arena_printf(b->a, "units/%s/", slug),
		                           arena_printf(b->a, "units/%s/index.html", slug),
		                           value_str(value_get(u, "name"), slug), "unit", idx);
		b->unit_data[b->nunits] = u;
		b->units[b->nunits++] = p;
		idx->children[idx->nchildren++] = p;
	}
	b->units_index = idx;
}

/* duban/: a notice for every overdue task, and each lead unit's together,
 * when the theme has the notice template (notice.h). */
static void make_notices(struct build *b)
{
	if (!b->c.home || !theme_template(&b->theme, "notice"))
		return;
	struct notice_opts o = { .lang = b->lang, .index_links = b->cfg.index_links, .params = b->cfg.params,
	                         .office = value_str(value_get(b->cfg.params, "notice_office"),
	                                             value_str(value_get(b->cfg.params, "office"), NULL)),
	                         .site_title = b->cfg.title,
	                         .i18n = b->theme.i18n, .collections = theme_template(&b->theme, "notices") != NULL,
	                         .cfg_src = b->cfg_src, .cfg_len = b->cfg_len };
	notice_make(b->a, b->env.site, &o, &b->notices, b->d);
	b->notice_pages = arena_alloc(b->a, (b->notices.n + 1) * sizeof *b->notice_pages);
	for (size_t i = 0; i < b->notices.n; i++) {
		const struct notice_page *np = &b->notices.pages[i];
		b->notice_pages[i] = made_page(b->a, PAGE_PAGE, NOTICE_DIR, np->url, np->out, np->title, np->tpl, b->c.home);
	}
}

/* Renders made page p with template name into po, its data (if any) as page.<key>. */
static void render_made_page(struct build *b, int worker, struct page *p, const char *name,
                             const char *key, const struct value *data, struct out_file *po)
{
	struct arena *a = b->sa[worker];
	struct value *ctx = ctx_page(a, &b->env, p, p->url, 0, p->nchildren, 1, 1);
	if (key && data)
		value_setc(a, value_get(ctx, "page"), key, (struct value *)data);
	render_in(b, worker, name, ctx, p->out, po);
	arena_reset(a);
}

/* Unit pages list many tasks each: rendered on the pool like content pages. */
static void unit_one(void *ctx, size_t k, int worker)
{
	struct build *b = ctx;
	render_made_page(b, worker, b->units[k], "unit", "unit", b->unit_data[k], &b->extra[k]);
}

/* The publications so far, for the changes page and the print footer's
 * revision. Dates gain their text in the site's language. */
static void add_history(struct build *b)
{
	struct pos nopos = { 0 };
	const char *repo = b->cfg.publish.repo;
	if (!repo || !b->o->history)
		return;
	if (repo[0] != '/')
		repo = arena_printf(b->a, "%s/%s", b->o->site_dir, repo);
	if (b->o->history(b->a, repo, b->cfg.publish.branch, b->lang, &b->history, b->d) < 0 || !b->history)
		return;
	if (theme_template(&b->theme, "changes")) {
		b->changes_page = made_page(b->a, PAGE_SECTION, BUILD_CHANGES_DIR, BUILD_CHANGES_DIR "/",
		                            BUILD_CHANGES_DIR "/index.html", i18n(b, "changes"), "changes", b->c.home);
		value_setc(b->a, b->env.site, "has_changes", value_bool(b->a, 1, nopos));
		value_setc(b->a, b->env.site, "changes_url",
		           value_cstring(b->a, b->cfg.index_links ? BUILD_CHANGES_DIR "/index.html" : BUILD_CHANGES_DIR "/", nopos));
	}
	for (size_t i = 0; i < value_len(b->history); i++) {
		struct value *h = value_at(b->history, i);
		const struct value *dv = value_get(h, "date");
		if (dv && dv->kind == V_DATETIME) {
			struct buf t = BUF_INIT;
			lang_date(b->lang, &dv->u.dt, &t);
			value_setc(b->a, h, "date_text", value_string(b->a, t.data, t.len, nopos));
			buf_free(&t);
		}
		value_setc(b->a, h, "number", value_int(b->a, (int64_t)(value_len(b->history) - i), nopos));
		const struct value *tc = value_get(h, "task_changes");
		value_setc(b->a, h, "has_task_changes", value_bool(b->a, tc && tc->kind == V_ARRAY && value_len(tc), nopos));
	}
	if (b->o->publishing) {
		/* The publication being made comes first: its number, message and date. */
		struct value *now = value_table(b->a, nopos);
		struct value *all = value_array(b->a, nopos);
		value_setc(b->a, now, "pending", value_bool(b->a, 1, nopos));
		b->pending_entry = now;
		value_setc(b->a, now, "number", value_int(b->a, (int64_t)value_len(b->history) + 1, nopos));
		if (b->o->pending_message)
			value_setc(b->a, now, "message", value_cstring(b->a, b->o->pending_message, nopos));
		if (b->model.has_as_of) {
			struct buf t = BUF_INIT;
			lang_date(b->lang, &b->model.as_of, &t);
			value_setc(b->a, now, "as_of_text", value_string(b->a, t.data, t.len, nopos));
			buf_free(&t);
		}
		value_push(b->a, all, now);
		for (size_t i = 0; i < value_len(b->history); i++)
			value_push(b->a, all, value_at(b->history, i));
		b->history = all;
	}
}

/* FNV-1a, 64 bits: enough to tell revisions of one site apart. */
static uint64_t fnv(uint64_t h, const void *p, size_t n)
{
	const unsigned char *s = p;
	for (size_t i = 0; i < n; i++) {
		h ^= s[i];
		h *= 0x100000001b3ULL;
	}
	return h;
}

/* site.revision: a digest of what the site is made from (every page's text,
 * the names and sizes of copied files; not site.toml, whose [publish] says
 * where it goes rather than what it is). A commit id cannot be
 * printed inside the files it names, and a count of publications would
 * change every page at every publication; this changes with the content. */
static void add_revision(struct build *b)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (size_t i = 0; i < b->c.npages; i++) {
		const struct page *p = b->c.pages[i];
		h = fnv(h, p->url, strlen(p->url) + 1);
		h = fnv(h, p->src, p->len);
	}
	for (size_t i = 0; i < b->c.nfiles; i++) {
		struct stat st;
		h = fnv(h, b->c.files[i].rel, strlen(b->c.files[i].rel) + 1);
		if (stat(b->c.files[i].path, &st) == 0)
			h = fnv(h, &st.st_size, sizeof st.st_size);
	}
	/* The title as a CSS string's contents, for stylesheets made from templates. */
	struct buf css = BUF_INIT;
	for (const char *t = b->cfg.title; *t; t++) {
		if (*t == '"' || *t == '\\')
			buf_printf(&css, "\\%c", *t);
		else if ((unsigned char)*t < 0x20)
			buf_printf(&css, "\\%x ", (unsigned char)*t);
		else
			buf_putc(&css, *t);
	}
	value_setc(b->a, b->env.site, "title_css", value_string(b->a, css.data ? css.data : "", css.len, (struct pos){ 0 }));
	buf_free(&css);
	snprintf(b->st->revision, sizeof b->st->revision, "%08x", (unsigned)(h ^ (h >> 32)));
	value_setc(b->a, b->env.site, "revision", value_cstring(b->a, b->st->revision, (struct pos){ 0 }));
}

/* ---- the progress model ---------------------------------------------------------- */

/* Plans, bulletins and as_of join the site's data; each plan, task or
 * bulletin page gets its table as page.plan, page.task or page.bulletin. */
static void add_model(struct build *b)
{
	struct value *site = b->env.site;
	struct pos nopos = { 0 };
	value_setc(b->a, site, "plans", b->model.plans);
	value_setc(b->a, site, "bulletins", b->model.bulletins);
	/* A template cannot ask whether a list is empty. */
	value_setc(b->a, site, "has_plans", value_bool(b->a, value_len(b->model.plans) > 0, nopos));
	if (b->model.has_as_of && !b->cfg.has_as_of) {
		struct buf t = BUF_INIT;
		datetime_format(&b->model.as_of, &t);
		value_setc(b->a, site, "as_of", value_string(b->a, t.data, t.len, nopos));
		buf_reset(&t);
		lang_date(b->lang, &b->model.as_of, &t);
		value_setc(b->a, site, "as_of_text", value_string(b->a, t.data, t.len, nopos));
		buf_free(&t);
	}
	b->env.extra = b->model.by_page;
}

/* ---- stage: extra pages ---------------------------------------------------------- */

/* An extra page made from a theme template: the template, where it goes,
 * and its context's builder, which returns NULL when this site has no such
 * page. Builders run on the pool: they allocate in a, a worker's scratch. */
struct extra_def {
	const char *tpl;
	const char *out;
	struct value *(*context)(struct build *b, struct arena *a);
};

/* 404: served for any path, so it links from the root; it belongs nowhere. */
static struct value *ctx_404(struct build *b, struct arena *a)
{
	struct page *p = made_page(a, PAGE_PAGE, "", "", "404.html", i18n(b, "not_found"), "", NULL);
	struct value *ctx = ctx_page(a, &b->env, p, "", 0, 0, 1, 1);
	/* Served for a missing page at any depth: its links start from the
	 * site's address (base_url, a full URL or a path such as /plans/), or
	 * from the root of the server when there is none. */
	struct value *pg = value_get(ctx, "page");
	const char *base = *b->cfg.base_url ? b->cfg.base_url : "/";
	size_t bl = strlen(base);
	const char *root = bl && base[bl - 1] == '/' ? base : arena_printf(a, "%s/", base);
	value_setc(a, pg, "root", value_cstring(a, root, (struct pos){ 0 }));
	value_setc(a, pg, "permalink", value_cstring(a, root, (struct pos){ 0 }));
	return ctx;
}

static struct value *ctx_feed_of(struct build *b, struct arena *a)
{
	return ctx_feed(a, &b->env, FEED_ENTRIES);
}

/* The sitemap names absolute addresses: only a site whose base_url is a
 * full URL has one. */
static struct value *ctx_sitemap_of(struct build *b, struct arena *a)
{
	return url_has_scheme(b->cfg.base_url, strlen(b->cfg.base_url)) ? ctx_sitemap(a, &b->env) : NULL;
}

/* What every printed page's footer says lives in one stylesheet, so a new
 * revision or as_of rewrites one file, not every page. */
static struct value *ctx_print(struct build *b, struct arena *a)
{
	struct value *ctx = value_table(a, (struct pos){ 0 });
	value_setc(a, ctx, "site", b->env.site);
	value_setc(a, ctx, "i18n", (struct value *)b->theme.i18n);
	return ctx;
}

/* changes/: the publications so far, when the site has a publish history. */
static struct value *ctx_changes(struct build *b, struct arena *a)
{
	struct page *p = b->changes_page;
	if (!p)
		return NULL;
	struct value *ctx = ctx_page(a, &b->env, p, p->url, 0, 0, 1, 1);
	value_setc(a, value_get(ctx, "page"), "changes", b->history);
	return ctx;
}

/* units/: every unit, lead or supporting, when on_site made unit pages. */
static struct value *ctx_units(struct build *b, struct arena *a)
{
	const struct page *p = b->units_index;
	return p ? ctx_page(a, &b->env, p, p->url, 0, p->nchildren, 1, 1) : NULL;
}

/* search/: the search page; its index is written by stage_extra (search.h). */
static struct value *ctx_search(struct build *b, struct arena *a)
{
	struct page *p = made_page(a, PAGE_PAGE, SEARCH_DIR, SEARCH_DIR "/", SEARCH_DIR "/index.html",
	                           i18n(b, "search"), "search", b->c.home);
	struct value *ctx = ctx_page(a, &b->env, p, p->url, 0, 0, 1, 1);
	const struct page *plans = content_page(&b->c, "plans/_index.md");
	if (plans)
		value_setc(a, value_get(ctx, "page"), "plans_url", value_cstring(a, ctx_target(&b->env, plans), (struct pos){ 0 }));
	if (b->units_index)
		value_setc(a, value_get(ctx, "page"), "units_url",
		           value_cstring(a, ctx_target(&b->env, b->units_index), (struct pos){ 0 }));
	return ctx;
}

static const struct extra_def extras[] = {
	{ "404", "404.html", ctx_404 },
	{ "feed", "feed.xml", ctx_feed_of },
	{ "sitemap", "sitemap.xml", ctx_sitemap_of },
	{ "print", "print.css", ctx_print },
	{ "changes", BUILD_CHANGES_DIR "/index.html", ctx_changes },
	{ "units", "units/index.html", ctx_units },
	{ "search", SEARCH_DIR "/index.html", ctx_search },
};
#define NEXTRAS (sizeof extras / sizeof *extras)

/* The index in extras of the page made with template tpl. */
static size_t extra_index(const char *tpl)
{
	size_t i = 0;
	while (i < NEXTRAS - 1 && strcmp(extras[i].tpl, tpl) != 0)
		i++;
	return i;
}

/* Slots of b->extra: one per unit page, then the table's, then the NDATA
 * data/ files (tasks.json, plans.json, tasks.csv, tasks.xlsx), then one per
 * notice, then the search index's files. */
#define EXTRA_TABLE(b) ((b)->nunits)
#define EXTRA_DATA(b) ((b)->nunits + NEXTRAS)
#define NDATA 4

static void extra_one(void *ctx, size_t i, int worker)
{
	struct build *b = ctx;
	const struct extra_def *x = &extras[i];
	if (!theme_template(&b->theme, x->tpl))
		return;
	struct value *pctx = x->context(b, b->sa[worker]);
	if (pctx)
		render_in(b, worker, x->tpl, pctx, x->out, &b->extra[EXTRA_TABLE(b) + i]);
	arena_reset(b->sa[worker]);
}

/* One pretty-printed JSON document, written on the worker pool straight
 * into that worker's spill, a piece at a time: tasks.json alone is tens of
 * MiB on a big site, and is never whole in memory. */
struct json_doc {
	struct build *b;
	const char *rel, *key;
	struct value *list;
	struct value *doc;
	struct out_file *f;
	struct output_spill *spill;   /* while it is written */
	struct value *from;           /* what the document is made from, for the render cache */
	int keep;                     /* written whole into text (pending_changes) */
	struct buf text;              /* then, the document */
	struct spans *sp;             /* its elements' record (data/tasks.json), or NULL */
};

/* A data file's elements (dataspan.h) while it is made: the last file's
 * texts, by the digest of each element's value, and the new record. */
struct spans {
	struct build *b;
	const char *rel;
	struct dataspan *old;
	struct dataspan_out out;
	uint64_t flushed;                   /* the file's bytes before those in the buffer */
	unsigned char key[DIGEST_LEN];      /* the element being written: its digest, */
	int keyed;                          /* when it has one */
};

static void spans_begin(struct spans *sp, struct build *b, const char *rel, const char *format)
{
	/* The same program, the same format and language, the same texts. */
	struct digest h;
	unsigned char g[DIGEST_LEN];
	int64_t lang = b->lang;
	digest_init(&h);
	digest_feed(&h, b->program, DIGEST_LEN);
	digest_feed(&h, format, strlen(format) + 1);
	digest_feed(&h, &lang, sizeof lang);
	digest_final(&h, g);
	*sp = (struct spans){ .b = b, .rel = rel };
	sp->old = dataspan_open(b->o->site_dir, b->out_dir, rel, g);
	dataspan_out_begin(&sp->out, g);
}

static int spans_reuse(void *ud, const struct value *v, struct buf *out)
{
	struct spans *sp = ud;
	size_t len;
	const char *text;
	sp->keyed = rcache_value_digest(sp->b->cache, v, sp->key) == 0;
	if (!sp->keyed || !(text = dataspan_find(sp->old, sp->key, &len)))
		return 0;
	buf_put(out, text, len);
	return 1;
}

static void spans_wrote(void *ud, const struct value *v, const struct buf *out, size_t from)
{
	struct spans *sp = ud;
	(void)v;
	if (sp->keyed)
		dataspan_out_add(&sp->out, sp->key, sp->flushed + from, out->len - from);
}

/* The buffer's bytes leave for the file: counted into the record. */
static void spans_flushed(struct spans *sp, const struct buf *out)
{
	dataspan_out_bytes(&sp->out, out->data ? out->data : "", out->len);
	sp->flushed += out->len;
}

static void spans_end(struct spans *sp)
{
	dataspan_out_save(&sp->out, sp->b->o->site_dir, sp->b->out_dir, sp->rel);
	dataspan_free(sp->old);
}

static void json_flush(void *ud, struct buf *out)
{
	struct json_doc *jd = ud;
	if (jd->sp)
		spans_flushed(jd->sp, out);
	if (jd->keep)
		buf_put(&jd->text, out->data ? out->data : "", out->len);
	else
		output_spill_append(jd->spill, out->data, out->len, jd->b->d);
	buf_reset(out);
}

/* Document i's text, through json_flush: into the spill, or with jd->keep
 * into jd->text. data/tasks.json: the tasks whose table did not change are
 * copied from the last file (with the render cache, whose digests key them). */
static void json_stream(struct json_doc *jd, size_t i)
{
	struct build *b = jd->b;
	struct spans sp;
	int spans = b->cache && i == 0;
	if (spans)
		spans_begin(&sp, b, jd->rel, "json");
	jd->sp = spans ? &sp : NULL;
	struct json_elems el = { 2, spans_reuse, spans_wrote, &sp };
	struct buf out = BUF_INIT;
	json_write_stream_elems(jd->doc, 1, &out, json_flush, jd, spans ? &el : NULL);
	buf_puts(&out, "\n");
	json_flush(jd, &out);
	buf_free(&out);
	if (spans)
		spans_end(&sp);
	jd->sp = NULL;
}

static void json_one(void *ctx, size_t i, int worker)
{
	struct json_doc *jd = &((struct json_doc *)ctx)[i];
	struct build *b = jd->b;
	struct rcache_page pg;
	if (b->cache && rcache_probe(b->cache, worker, &pg, jd->rel, "json", jd->from) == RCACHE_REUSED) {
		*jd->f = (struct out_file){ .rel = jd->rel, .same = 1, .reused = 1 };
		return;
	}
	jd->f->rel = jd->rel;
	jd->spill = b->spill[worker];
	if (jd->keep) {
		/* Written already, whole, for the changes page (pending_changes). */
		output_spill_put(jd->spill, jd->f, jd->text.data, jd->text.len, b->d);
	} else {
		output_spill_begin(jd->spill, jd->f);
		json_stream(jd, i);
		output_spill_end(jd->spill, b->d);
	}
	if (b->cache)
		rcache_put(&pg);
}

/* data/tasks.json and data/plans.json: the computed state for reviewers and
 * other tools, pretty-printed one field per line, in a stable order. Their
 * documents into docs[0] and docs[1]. */
static void data_docs(struct build *b, struct json_doc docs[2], struct out_file *tasks_out, struct out_file *plans_out)
{
	struct arena *a = b->a;
	struct pos nopos = { 0 };
	const struct value *site = b->env.site;
	const struct value *plans = value_get(site, "plans");
	struct value *tasks = value_array(a, nopos);
	struct value *plist = value_array(a, nopos);
	for (size_t i = 0; plans && i < value_len(plans); i++) {
		const struct value *pl = value_at(plans, i);
		struct value *copy = value_table(a, nopos);
		for (size_t k = 0; k < value_len(pl); k++) {
			const struct value_pair *kv = value_pair_at(pl, k);
			if (strcmp(kv->key, "tasks") == 0) {
				for (size_t t = 0; t < value_len(value_pair_val(kv)); t++)
					value_push(a, tasks, value_at(value_pair_val(kv), t));
				continue;
			}
			value_set(a, copy, kv->key, value_pair_keylen(kv), value_pair_val(kv));
		}
		value_push(a, plist, copy);
	}
	struct value *as_of = value_get(site, "as_of");
	docs[0] = (struct json_doc){ .b = b, .rel = "data/tasks.json", .key = "tasks", .list = tasks, .f = tasks_out };
	docs[1] = (struct json_doc){ .b = b, .rel = "data/plans.json", .key = "plans", .list = plist, .f = plans_out };
	/* Both documents are made from the plans and as_of alone: their
	 * render cache key, cheaper to digest than the documents (whose copies
	 * of the plans' tables are not the shared tables themselves). */
	struct value *from = value_table(a, nopos);
	value_setc(a, from, "plans", (struct value *)plans);
	if (as_of)
		value_setc(a, from, "as_of", as_of);
	for (int k = 0; k < 2; k++) {
		docs[k].from = from;
		docs[k].doc = value_table(a, nopos);
		if (as_of)
			value_setc(a, docs[k].doc, "as_of", as_of);
		value_setc(a, docs[k].doc, docs[k].key, docs[k].list);
	}
}

/* data/tasks.csv and data/tasks.xlsx (sheetout.h): the tasks of
 * data/tasks.json as spreadsheets, made from the same plans and as_of (and
 * the language of the headers), so the render cache keys them alike. */
struct sheet_doc {
	struct build *b;
	const char *rel;
	const struct value *tasks;
	struct value *from;
	struct out_file *f;
	int64_t created;   /* the workbook's creation time: as_of's midnight (UTC) */
};

static void sheet_one(void *ctx, size_t i, int worker)
{
	struct sheet_doc *sd = &((struct sheet_doc *)ctx)[i];
	struct build *b = sd->b;
	struct rcache_page pg;
	if (b->cache && rcache_probe(b->cache, worker, &pg, sd->rel, "sheet", sd->from) == RCACHE_REUSED) {
		*sd->f = (struct out_file){ .rel = sd->rel, .same = 1, .reused = 1 };
		return;
	}
	struct buf out = BUF_INIT;
	int rc = 0;
	if (i == 0 && b->cache) {
		/* data/tasks.csv: the rows of the tasks whose table did not change
		 * are copied from the last file. */
		struct spans sp;
		spans_begin(&sp, b, sd->rel, "csv");
		struct sheetout_rows rows = { spans_reuse, spans_wrote, &sp };
		sheetout_csv_rows(sd->tasks, b->lang, &out, &rows);
		spans_flushed(&sp, &out);
		spans_end(&sp);
	} else if (i == 0)
		sheetout_csv(sd->tasks, b->lang, &out);
	else
		rc = sheetout_xlsx(sd->tasks, b->lang, sd->created, &out, b->d);
	if (rc == 0) {
		sd->f->rel = sd->rel;
		output_spill_put(b->spill[worker], sd->f, out.data ? out.data : "", out.len, b->d);
		if (b->cache)
			rcache_put(&pg);
	}
	buf_free(&out);
}

static void sheet_docs(struct build *b, const struct json_doc *tasks, struct sheet_doc sd[2], struct out_file *f)
{
	/* as_of's day, else SOURCE_DATE_EPOCH, else 1980-01-01: never the clock. */
	const char *as_of = value_str(value_get(b->env.site, "as_of"), "");
	int y, m, dd;
	int64_t created = 315532800;
	if (strlen(as_of) >= 10 && sscanf(as_of, "%4d-%2d-%2d", &y, &m, &dd) == 3 && datetime_valid_date(y, m, dd))
		created = datetime_days(y, m, dd) * 86400;
	else if (getenv("SOURCE_DATE_EPOCH") && atoll(getenv("SOURCE_DATE_EPOCH")) > 0)
		created = atoll(getenv("SOURCE_DATE_EPOCH"));
	struct value *from = value_table(b->a, (struct pos){ 0 });
	value_fill(b->a, from, tasks->from);
	value_setc(b->a, from, "language", value_int(b->a, b->lang, (struct pos){ 0 }));
	value_setc(b->a, from, "created", value_int(b->a, created, (struct pos){ 0 }));
	sd[0] = (struct sheet_doc){ .b = b, .rel = "data/tasks.csv", .tasks = tasks->list, .from = from, .f = &f[0],
	                            .created = created };
	sd[1] = sd[0];
	sd[1].rel = "data/tasks.xlsx";
	sd[1].f = &f[1];
}

/* The publication being made lists, on the changes page, the task changes
 * its commit message will: data/tasks.json as it will be published,
 * compared with the last publication's (build_pending_fn). */
static int wants_pending(const struct build *b)
{
	return b->pending_entry && b->o->pending && b->cfg.publish.repo;
}

/* On a worker, beside the other extra pages' jobs (the comparison reads two
 * texts of tens of MiB): everything it makes is in an arena of its own, and
 * the changes page, which shows it, is made after them. */
static void pending_changes(struct build *b, struct json_doc *tasks)
{
	const char *repo = b->cfg.publish.repo;
	struct value *words = NULL;
	if (!wants_pending(b))
		return;
	struct arena *a = b->pending_a = arena_new();
	if (repo[0] != '/')
		repo = arena_printf(a, "%s/%s", b->o->site_dir, repo);
	/* The text kept: it is what data/tasks.json will hold (json_one), made
	 * as json_one makes it, from the last file's texts of unchanged tasks. */
	struct buf *text = &tasks->text;
	tasks->keep = 1;
	json_stream(tasks, 0);
	if (b->o->pending(a, repo, b->cfg.publish.branch, b->lang, text->data, text->len, b->o->pending_ud, &words,
	                  b->d) == 0 && words) {
		value_setc(a, b->pending_entry, "task_changes", words);
		value_setc(a, b->pending_entry, "has_task_changes", value_bool(a, value_len(words) > 0, (struct pos){ 0 }));
	}
}

/* ---- the pipeline ---------------------------------------------------------------- */

/* What a stage tells the pipeline. */
enum { STAGE_NEXT, STAGE_SKIPPED, STAGE_STOP };

/* The program's identity for the caches: a planpress rebuilt with the same
 * version may parse or render otherwise. */
static void program_digest(unsigned char out[DIGEST_LEN])
{
	struct digest h;
	struct stat pst;
	digest_init(&h);
	digest_feed(&h, "planpress " PP_VERSION, sizeof "planpress " PP_VERSION);
	if (stat("/proc/self/exe", &pst) == 0) {
		int64_t f[] = { (int64_t)pst.st_dev, (int64_t)pst.st_ino, (int64_t)pst.st_size,
		                (int64_t)pst.st_mtim.tv_sec, pst.st_mtim.tv_nsec };
		digest_feed(&h, f, sizeof f);
	}
	digest_final(&h, out);
}

/* The theme and every page: read, checked, front matter parsed (on the
 * pool; a page whose text did not change from the parse cache, in a build
 * that writes without --force). */
static int stage_load(struct build *b)
{
	int theme_ok = theme_load(b->a, b->o->site_dir, b->o->exe_dir, &b->cfg, &b->theme, b->d) == 0;
	struct pcache *pc = b->spill && !b->o->force ? pcache_open(b->o->site_dir, b->program, b->jobs) : NULL;
	/* Content errors are worth reporting even when the theme is broken. */
	b->texts = arena_new();
	int content_ok = content_load_cached(b->a, b->texts, b->o->site_dir, b->o->drafts, b->jobs, pc, &b->c,
	                                     b->d) == 0;
	pcache_save(pc);
	pcache_free(pc);
	b->load_ok = theme_ok && content_ok;
	return b->c.home ? STAGE_NEXT : STAGE_STOP;
}

/* Markdown and links are checked even after other errors, so one run
 * reports every problem it can find. */
static int stage_markdown(struct build *b)
{
	b->md = xcalloc(b->c.npages + 1, sizeof *b->md);
	b->r = xcalloc(b->c.npages + 1, sizeof *b->r);
	if (b->spill && !b->o->force) {
		/* What a conversion depends on besides the page. */
		struct digest h;
		unsigned char g[DIGEST_LEN];
		int64_t opts[] = { b->cfg.engine, b->cfg.unsafe_html, b->cfg.summary_length };
		digest_init(&h);
		digest_feed(&h, b->program, DIGEST_LEN);
		digest_feed(&h, opts, sizeof opts);
		digest_final(&h, g);
		b->mcache = mcache_open(b->o->site_dir, g, b->jobs);
	}
	open_spools(b);
	pool_run(b->c.npages, b->jobs, md_one, b);
	mcache_save(b->mcache);
	if (b->html) {
		/* Nothing points into the cache's file any more (md_one): it is
		 * not held through the rest of the build (130 MB at 100k pages). */
		mcache_free(b->mcache);
		b->mcache = NULL;
	}
	check_fragments(b);
	return seal_spools(b) < 0 ? STAGE_STOP : STAGE_NEXT;
}

/* The progress model, the site's data for templates, the hooks loaded. */
static int stage_model(struct build *b)
{
	model_load(b->a, &b->c, &b->cfg, &b->model, b->d);
	if (resolve_menu(b) < 0 || !b->load_ok || b->d->nerrors)
		return STAGE_STOP;
	b->env = (struct ctx_env){
		.cfg = &b->cfg, .lang = b->lang, .c = &b->c, .md = b->md, .i18n = b->theme.i18n,
		.menu = b->nmenu ? b->menu : NULL, .nmenu = b->nmenu,
		.has_feed = theme_template(&b->theme, "feed") != NULL,
	};
	b->env.site = ctx_site(b->a, &b->env);
	add_model(b);
	add_revision(b);
	add_history(b);
	if (theme_template(&b->theme, "search"))
		value_setc(b->a, b->env.site, "search_url", value_cstring(b->a, b->cfg.index_links ? SEARCH_DIR "/index.html"
		                                                                     : SEARCH_DIR "/", (struct pos){ 0 }));
	/* The last stage that reads the pages' texts (the model's messages
	 * quote lines; site.revision digests them): a tenth of a 100k-page
	 * build's memory, gone before the stages that peak. A later message
	 * at a page's line reads its file again (page_text). */
	arena_donate(b->a, b->texts);   /* their room is the progress rules' next */
	b->texts = NULL;
	content_forget_texts(&b->c);
	return load_hooks(b, 1) < 0 ? STAGE_STOP : STAGE_NEXT;
}

static int stage_on_page(struct build *b)
{
	if (b->native_progress)
		return STAGE_NEXT;   /* the installed rules have no on_page */
	if (!b->script)
		return STAGE_SKIPPED;
	run_on_page(b);
	b->env.hook_page = b->hook_page;
	return STAGE_NEXT;
}

static int on_site_run(struct build *b)
{
	if (b->native_progress) {
		/* The installed rules in C (progress.h); a shape they do not take
		 * on (they changed nothing then) goes to the same rules in Lua. */
		struct progress_opts po = { .as_of = b->model.as_of, .language = b->cfg.language,
		                            .hook_path = b->native_progress };
		if (progress_on_site(b->a, b->env.site, &po, b->d) == 0) {
			relink_model(b);
			make_unit_pages(b);
			make_notices(b);
			return STAGE_NEXT;
		}
		b->native_progress = NULL;
		if (load_hooks(b, 0) < 0 || stage_on_page(b) == STAGE_STOP)
			return STAGE_STOP;
	}
	if (!b->script)
		return STAGE_SKIPPED;
	script_on_site(b->script, b->a, b->env.site, b->d);
	if (b->d->nerrors)
		return STAGE_STOP;
	relink_model(b);
	make_unit_pages(b);
	make_notices(b);
	return STAGE_NEXT;
}

static int stage_on_site(struct build *b)
{
	int rc = on_site_run(b);
	/* The texts' blocks (stage_model) the rules did not fill go back to
	 * the allocator, for the stages after: a site of plain pages fills none. */
	arena_release_spare(b->a);
	return rc;
}

/* Menu entries that name pages the build made: units/ (when on_site made
 * unit pages) and changes/ (when there is a publish history). Returns -1
 * after an error at the entry when the site has no such page. */
static int link_made_menu(struct build *b)
{
	int rc = 0;
	b->env.units_page = b->units_index;
	for (size_t i = 0; i < b->nmenu; i++) {
		const struct value *uv = b->menu_made[i];
		if (!uv)
			continue;
		int units = strncmp(value_str(uv, ""), "units", 5) == 0;
		b->menu[i].page = units ? b->units_index : b->changes_page;
		if (b->menu[i].page)
			continue;
		size_t s = 0, e = 0;
		int have = diag_line_span(b->cfg_src, b->cfg_len, uv->pos.line, &s, &e);
		const char *text = have ? b->cfg_src + s : NULL;
		if (units)
			diag_add(b->d, DIAG_ERROR, "site.toml", uv->pos.line, uv->pos.col, text, e - s,
			         "menu entry '%s' names the lead units' page, which this site has none of (no task "
			         "names a lead unit, or the theme has no units template)", b->menu[i].name);
		else
			diag_add(b->d, DIAG_ERROR, "site.toml", uv->pos.line, uv->pos.col, text, e - s,
			         "menu entry '%s' names the changes page, which this site has none of (no [publish] "
			         "history yet, or the theme has no changes template)", b->menu[i].name);
		rc = -1;
	}
	return rc;
}

/* The render cache, for a build that writes (not a check), renders every
 * page anew (no --force), and runs no Lua hook, whose lambdas and fields
 * no digest can stand for. Its records hold for these templates and labels,
 * under this program. */
static void open_cache(struct build *b)
{
	if (!b->spill || b->o->force || b->script)
		return;
	struct digest h = b->theme.tpl_digest;
	unsigned char g[DIGEST_LEN];
	digest_feed(&h, b->program, DIGEST_LEN);
	value_digest(b->theme.i18n, &h, NULL);
	digest_final(&h, g);
	/* In layers: front matter; task tables; the other tables (plans,
	 * bulletins), which hold tasks; the entries of the site's lists (plans,
	 * bulletins, units), which stand in many pages too: a unit's page, the
	 * data files. */
	size_t n = b->c.npages, k = 0, cap = 2 * n + 1, layer_end[4];
	for (size_t i = 0; i < value_len(b->env.site); i++)
		cap += value_len(value_pair_val(value_pair_at(b->env.site, i)));
	const struct value **shared = xcalloc(cap, sizeof *shared);
	for (size_t i = 0; i < n; i++)
		shared[k++] = b->c.pages[i]->meta;
	layer_end[0] = k;
	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; b->env.extra && i < n; i++)
			if (b->env.extra[i] && (strcmp(b->c.pages[i]->type, "task") == 0) == (pass == 0))
				shared[k++] = b->env.extra[i];
		layer_end[1 + pass] = k;
	}
	for (size_t i = 0; i < value_len(b->env.site); i++) {
		const struct value *l = value_pair_val(value_pair_at(b->env.site, i));
		for (size_t j = 0; l->kind == V_ARRAY && j < value_len(l); j++)
			shared[k++] = value_at(l, j);
	}
	layer_end[3] = k;
	b->cache = rcache_open(b->o->site_dir, b->out_dir, g, b->env.site, b->theme.i18n, shared, layer_end, 4,
	                       b->jobs);
	if (b->o->publishing)
		rcache_linked_out(b->cache);   /* publish builds in its own folder, exported as links */
	free(shared);
	b->st->cache_used = 1;
}

/* Every content page: its context made, rendered and forgotten, the
 * result into the spill (contexts live only as long as their page). */
static int stage_templates(struct build *b)
{
	if (link_made_menu(b) < 0)
		return STAGE_STOP;
	if (b->o->computed)
		b->o->computed(b->o->computed_ud, b->env.site);
	open_cache(b);
	pool_run(b->c.npages, b->jobs, tpl_one, b);
	return STAGE_NEXT;
}

/* After the data/ files: one slot per notice page, its data made here, in
 * the worker's scratch, with the page. */
static void notice_one(void *ctx, size_t k, int worker)
{
	struct build *b = ctx;
	const struct notice_page *np = &b->notices.pages[k];
	struct value *data = notice_data(b->sa[worker], &b->notices, k);
	render_made_page(b, worker, b->notice_pages[k], np->tpl, np->key, data, &b->extra[EXTRA_DATA(b) + NDATA + k]);
}

/* The search index's files, as search_index_write makes them. With the
 * render cache, each is keyed by the digest of the site's search documents
 * (search_site_digest: the same digest, the same files). */
struct search_out {
	struct build *b;
	struct out_file *f;
	size_t n, cap;
	const struct value *from;     /* the documents' digest, or NULL without the cache */
	struct search_index *ix;      /* the index to write (search_write), or NULL: none, or kept */
	int worker;                   /* the thread writing it: its spill, its cache records */
	int tokens;                   /* its pages' tokens kept for the next (tokcache.h) */
	/* Files probed before the index was made (search_reuse), in the
	 * order search_index_write emits them: */
	struct rcache_page *pre;
	enum rcache_why *pre_why;
	size_t npre;
};

static struct out_file *search_file(struct search_out *so, const char *rel)
{
	if (so->n == so->cap) {
		so->cap = so->cap ? 2 * so->cap : 64;
		so->f = xrealloc(so->f, so->cap * sizeof *so->f);
	}
	struct out_file *f = &so->f[so->n++];
	*f = (struct out_file){ .rel = arena_strdup(so->b->a, rel) };
	return f;
}

static int search_emit(void *ud, const char *rel, const char *data, size_t len)
{
	struct search_out *so = ud;
	struct build *b = so->b;
	size_t i = so->n;
	struct out_file *f = search_file(so, rel);
	struct rcache_page pg, *p = NULL;
	if (i < so->npre && strcmp(so->pre[i].rel, f->rel) == 0) {
		/* Probed already: kept as it is, or made again. */
		if (so->pre_why[i] == RCACHE_REUSED) {
			f->same = f->reused = 1;
			return 0;
		}
		p = &so->pre[i];
		p->worker = so->worker;   /* probed before the pool: recorded on this thread */
	} else if (so->from) {
		if (rcache_probe(b->cache, so->worker, &pg, f->rel, "search", so->from) == RCACHE_REUSED) {
			f->same = f->reused = 1;
			return 0;
		}
		p = &pg;
	}
	int rc = output_spill_put(b->spill[so->worker], f, data, len, b->d);
	if (rc == 0 && p)
		rcache_put(p);
	return rc;
}

/* With the documents' digest as recorded, the files the output folder's
 * meta.js names, each probed into so->pre (in search_index_write's order).
 * Returns 1 when every one is the output folder's as recorded: nothing to
 * make. */
static int search_reuse(struct search_out *so)
{
	struct build *b = so->b;
	const char *rel = SEARCH_DIR "/meta.js";
	/* Each file is probed once: meta.js first, alone when it is not the
	 * output folder's as recorded. */
	so->pre = xcalloc(1, sizeof *so->pre);
	so->pre_why = xcalloc(1, sizeof *so->pre_why);
	so->npre = 1;
	so->pre_why[0] = rcache_probe(b->cache, 0, &so->pre[0], rel, "search", so->from);
	if (so->pre_why[0] != RCACHE_REUSED)
		return 0;
	/* The output folder's meta.js is what this build would write: its
	 * counts give the other files' names. */
	struct buf m = BUF_INIT;
	const char *path = arena_printf(b->a, "%s/%s", b->out_dir, rel);
	unsigned long pages = 0, shards = 0;
	const char *at;
	if (buf_read_file_max(&m, path, 4096) < 0 || !(at = strstr(buf_cstr(&m), "\"pages\":")) ||
	    sscanf(at, "\"pages\":%lu,\"shards\":%lu,", &pages, &shards) != 2 || !shards ||
	    shards > SEARCH_SHARDS_MAX) {
		buf_free(&m);
		return 0;   /* meta.js was probed reused: made again, it is the same */
	}
	buf_free(&m);
	size_t group = search_group(pages);
	size_t n = 2 + shards + (pages + group - 1) / group;
	so->pre = xrealloc(so->pre, n * sizeof *so->pre);
	so->pre_why = xrealloc(so->pre_why, n * sizeof *so->pre_why);
	int all = 1;
	for (size_t i = 1; i < n; i++) {
		if (i == 1)
			rel = SEARCH_DIR "/" SEARCH_NAMES;
		else if (i < 2 + shards)
			rel = arena_printf(b->a, SEARCH_DIR "/s/%zu.js", i - 2);
		else
			rel = arena_printf(b->a, SEARCH_DIR "/t/%zu.js", i - 2 - shards);
		so->pre_why[i] = rcache_probe(b->cache, 0, &so->pre[i], rel, "search", so->from);
		all = all && so->pre_why[i] == RCACHE_REUSED;
	}
	so->npre = n;
	if (all)
		for (size_t i = 0; i < n; i++) {
			struct out_file *f = search_file(so, so->pre[i].rel);
			f->same = f->reused = 1;
		}
	return all;
}

/* The render cache's key of the search index's files: the site's search digest. */
static struct value *search_from(struct build *b, const unsigned char dig[DIGEST_LEN])
{
	char hex[2 * DIGEST_LEN + 1];
	for (size_t i = 0; i < DIGEST_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", dig[i]);
	return value_cstring(b->a, hex, (struct pos){ 0 });
}

/* The search index, when the theme has a search page: kept when the
 * site's search documents are those the output folder's index was made
 * of (render cache), else made anew from every page (so it is always a
 * clean build's) into so->ix, which search_write writes. */
static void search_files(struct build *b, struct search_out *so)
{
	if (!b->spill || !theme_template(&b->theme, "search"))
		return;
	unsigned char dig[DIGEST_LEN];
	/* Without the last build's index to keep, the digest its files are
	 * recorded by is made while indexing, in the same pass over the pages. */
	int alongside = b->cache && !rcache_has(b->cache, SEARCH_DIR "/meta.js");
	if (b->cache && !alongside) {
		search_site_digest(&b->env, b->units, b->nunits, b->jobs, dig);
		so->from = search_from(b, dig);
		if (search_reuse(so))
			return;
	}
	so->ix = search_index_new();
	/* The pages' tokens as the last index had them (none with --force). */
	struct tokcache *tc = b->o->force ? NULL : tokcache_open(b->o->site_dir, b->program);
	search_index_site(so->ix, &b->env, b->units, b->nunits, b->jobs, alongside ? dig : NULL, tc);
	tokcache_free(tc);
	so->tokens = !b->o->force;
	if (alongside)
		so->from = search_from(b, dig);
}

/* The index's files, on thread worker (an extra pages job: written while
 * the other threads make the data documents). */
static void search_write(struct search_out *so, int worker)
{
	struct search_stats ss;
	so->worker = worker;
	search_index_write(so->ix, search_emit, so, &ss);
	if (so->tokens)
		search_index_save_tokens(so->ix, so->b->o->site_dir, so->b->program);
	search_index_free(so->ix);
	so->ix = NULL;
}

/* The extra pages' jobs, on one pool run (no thread waits for another
 * kind of job to finish): the four data documents first, the longest
 * (the workbook, then data/tasks.json) at the head, with the search
 * index's files after the workbook, then the table's pages, the unit
 * pages and the notices. */
struct extra_jobs {
	struct build *b;
	struct search_out *so;   /* its index written by one job when it was made: */
	int search;              /* 1 then */
	struct json_doc *docs;
	struct sheet_doc *sheets;
	size_t ndocs;   /* 4, or 0 without the data documents */
	int pending;    /* the first job compares data/tasks.json with the last publication's
	                 * (pending_changes), then writes it; the changes page waits */
};

static void extra_job(void *ctx, size_t i, int worker)
{
	struct extra_jobs *j = ctx;
	struct build *b = j->b;
	static const int doc_order[4][2] = { { 1, 1 }, { 0, 0 }, { 0, 1 }, { 1, 0 } };   /* {sheet?, index} */
	if (j->pending && i == 0) {
		pending_changes(b, &j->docs[0]);
		if (j->ndocs)
			json_one(j->docs, 0, worker);
		return;
	}
	i -= (size_t)j->pending;
	if (j->search && i == (j->ndocs ? 1 : 0)) {
		search_write(j->so, worker);
		return;
	}
	if (j->search && i > (j->ndocs ? 1 : 0))
		i--;
	if (i < j->ndocs) {
		if (j->pending && !doc_order[i][0] && doc_order[i][1] == 0)
			return;   /* data/tasks.json: the pending job's */
		if (doc_order[i][0])
			sheet_one(j->sheets, (size_t)doc_order[i][1], worker);
		else
			json_one(j->docs, (size_t)doc_order[i][1], worker);
		return;
	}
	i -= j->ndocs;
	if (i < NEXTRAS && !(j->pending && i == extra_index("changes")))
		extra_one(b, i, worker);
	else if (i < NEXTRAS)
		return;   /* after the pending job (stage_extra) */
	else if ((i -= NEXTRAS) < b->nunits)
		unit_one(b, i, worker);
	else
		notice_one(b, i - b->nunits, worker);
}

/* Pages that are not content: the table above, the unit pages, data/ JSON
 * files, notices, the search index. */
static int stage_extra(struct build *b)
{
	struct search_out so = { .b = b };
	search_files(b, &so);
	size_t nmade = EXTRA_DATA(b) + NDATA + b->notices.n;
	b->extra = arena_alloc(b->a, nmade * sizeof *b->extra);
	struct json_doc docs[2];
	struct sheet_doc sheets[2];
	int data = value_len(b->model.plans) > 0;
	if (data)
		data_docs(b, docs, &b->extra[EXTRA_DATA(b)], &b->extra[EXTRA_DATA(b) + 1]);
	/* A check writes nothing: the documents are not made. */
	struct extra_jobs j = { .b = b, .so = &so, .docs = docs, .sheets = sheets, .ndocs = data && b->spill ? 4 : 0,
	                        .pending = data && wants_pending(b), .search = so.ix != NULL };
	if (j.ndocs)
		sheet_docs(b, &docs[0], sheets, &b->extra[EXTRA_DATA(b) + 2]);
	pool_run((size_t)j.pending + (size_t)j.search + j.ndocs + NEXTRAS + b->nunits + b->notices.n, b->jobs,
	         extra_job, &j);
	if (j.pending)
		extra_one(b, extra_index("changes"), 0);   /* it shows the pending job's task changes */
	/* The search index's files last, as they were made. */
	b->nextra = nmade + so.n;
	if (so.n) {
		struct out_file *all = arena_alloc(b->a, b->nextra * sizeof *all);
		memcpy(all, b->extra, nmade * sizeof *all);
		memcpy(all + nmade, so.f, so.n * sizeof *so.f);
		b->extra = all;
	}
	b->nsearch = so.n;
	free(so.f);
	free(so.pre);
	free(so.pre_why);
	if (data) {
		buf_free(&docs[0].text);
		buf_free(&docs[1].text);
	}
	check_spools_read(b);   /* the templates' and this stage's reads of the pages' HTML */
	return b->d->nerrors ? STAGE_STOP : STAGE_NEXT;
}

/* A content file's text, for the lines of hooks' messages (diags_fill_lines):
 * read again once the texts are freed (stage_model), for the few pages a
 * later message is about. */
static const char *page_text(void *ctx, const char *path, size_t *len)
{
	struct build *b = ctx;
	struct page *p = strncmp(path, "content/", 8) == 0 ? content_page(&b->c, path + 8) : NULL;
	if (!p)
		return NULL;
	if (!p->src && content_read_again(b->a, b->o->site_dir, p) < 0)
		return NULL;
	*len = p->len;
	return p->src;
}

static int stage_write(struct build *b)
{
	diags_fill_lines(b->d, page_text, b);   /* before the stamp records them */
	struct build_stats *st = b->st;
	st->files = b->c.nfiles + b->theme.nfiles + b->nsearch;   /* the search index's are files, not pages */
	b->rc = write_site(b, b->out_dir, st, b->extra, b->nextra);
	if (b->cache) {
		rcache_counts(b->cache, st->why);
		struct buf ch = BUF_INIT;
		rcache_changed_keys(b->cache, &ch);
		if (ch.len >= sizeof st->site_changed) {
			size_t cut = sizeof st->site_changed - 4;
			while (cut > 0 && ((unsigned char)ch.data[cut] & 0xc0) == 0x80)
				cut--;   /* never inside a character */
			buf_truncate(&ch, cut);
			buf_puts(&ch, "...");
		}
		memcpy(st->site_changed, ch.data ? ch.data : "", ch.len);
		st->site_changed[ch.len] = '\0';
		buf_free(&ch);
		if (b->rc == 0 && !b->d->nerrors)
			rcache_save(b->cache);
	}
	if (b->rc == 0 && !b->d->nerrors && b->stamped) {
		struct stamp_counts c = { st->pages, st->files, st->written + st->unchanged };
		stamp_save(b->o->site_dir, &b->inputs, b->out_dir, &c, b->d);
	}
	return STAGE_NEXT;
}

/* The pipeline, in order; --timings names each stage. */
static const struct {
	const char *name;
	int (*run)(struct build *b);
} pipeline[BUILD_STAGES] = {
	{ "load", stage_load },
	{ "markdown", stage_markdown },
	{ "model", stage_model },
	{ "on_page", stage_on_page },
	{ "on_site", stage_on_site },
	{ "templates", stage_templates },
	{ "extra pages", stage_extra },
	{ "write", stage_write },
};

double build_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e3 + ts.tv_nsec / 1e6;
}

/* Ends stage k (its time is measured from the previous stage's end). */
static void stage(struct build_stats *st, int k, const char *name, double *t)
{
	double now = build_now_ms();
	st->stage_ms[k] = now - *t;
	st->stage_name[k] = name;
	struct rusage ru;
	st->stage_peak_kib[k] = getrusage(RUSAGE_SELF, &ru) == 0 ? ru.ru_maxrss : 0;
	*t = now;
}

struct output_record {
	const char *dir;
	struct buf out;
	int rc;
};

static void *record_output(void *arg)
{
	struct output_record *r = arg;
	r->rc = stamp_output(r->dir, &r->out);
	return NULL;
}

/* site.toml, and the stamp's answer when nothing changed (stamp.h). Returns
 * STAGE_NEXT to build, or STAGE_STOP with b->rc set. */
static int prepare(struct build *b, double *t, int64_t t_start)
{
	const struct build_opts *o = b->o;
	struct diags *d = b->d;
	const char *cfg_path = arena_printf(b->a, "%s/site.toml", o->site_dir);
	const char *text;
	size_t len;
	struct stat sst;
	if (stat(cfg_path, &sst) < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
		         "no site.toml in %s (run planpress in a site folder, or use -C DIR)", o->site_dir);
		b->rc = 2;
		return STAGE_STOP;
	}
	if (content_read_text(b->a, cfg_path, "site.toml", &text, &len, d) < 0 ||
	    config_load(b->a, "site.toml", text, len, &b->cfg, d) < 0)
		return STAGE_STOP;
	if (o->as_of) {
		b->cfg.as_of = *o->as_of;
		b->cfg.has_as_of = 1;
	}
	if (o->base_url)
		b->cfg.base_url = o->base_url;
	b->out_dir = o->out_dir ? o->out_dir : arena_printf(b->a, "%s/public", o->site_dir);
	if (!o->check_only && !o->publishing) {
		const char *repo = b->cfg.publish.repo;
		if (repo && repo[0] != '/')
			repo = arena_printf(b->a, "%s/%s", o->site_dir, repo);
		struct stamp_key k = { .site_dir = o->site_dir, .out_dir = b->out_dir, .exe_dir = o->exe_dir,
		                       .repo = repo, .hooks = b->cfg.hooks, .nhooks = b->cfg.nhooks,
		                       .drafts = o->drafts };
		struct stamp_counts c;
		/* The output folder's record on a second thread while the site's is made. */
		struct output_record orec = { .dir = b->out_dir };
		pthread_t th;
		int threaded = !o->force && pthread_create(&th, NULL, record_output, &orec) == 0;
		b->stamped = stamp_inputs(&k, t_start, &b->inputs) == 0;
		if (threaded)
			pthread_join(th, NULL);
		int answered = b->stamped && threaded &&
		               stamp_check_recorded(o->site_dir, &b->inputs, orec.rc == 0 ? &orec.out : NULL, &c, d);
		buf_free(&orec.out);
		if (answered) {
			b->st->pages = c.pages;
			b->st->files = c.files;
			b->st->unchanged = c.outputs;
			b->st->up_to_date = 1;
			stage(b->st, 0, "up to date", t);
			b->rc = 0;
			return STAGE_STOP;
		}
	}
	if (!o->check_only) {
		b->spill = xcalloc((size_t)b->jobs, sizeof *b->spill);
		for (int i = 0; i < b->jobs; i++)
			if (!(b->spill[i] = output_spill_new(b->out_dir, d))) {
				b->rc = 2;
				return STAGE_STOP;
			}
	}
	b->cfg_src = text;
	b->cfg_len = len;
	b->env.cfg = &b->cfg;   /* links are resolved with it before the rest is known */
	b->lang = lang_from_code(b->cfg.language);
	return STAGE_NEXT;
}

/* ---- the whole build ----------------------------------------------------------- */

/* A build taken a stage at a time: its state between the calls. */
struct build_run {
	struct build b;
	double t;          /* when the stage running now began */
	int next;          /* the next stage's number; BUILD_STAGES when over */
};

struct build_run *build_open(const struct build_opts *o, struct build_stats *st, struct diags *d)
{
	struct build_run *run = xcalloc(1, sizeof *run);
	struct build *b = &run->b;
	*b = (struct build){ .o = o, .d = d, .st = st, .rc = 1 };
	memset(st, 0, sizeof *st);
	run->t = build_now_ms();
	/* Before the first file is read: the stamp's guard against racy times. */
	int64_t t_start = stamp_now_ns();
	b->a = arena_new();
	b->jobs = o->jobs > 0 ? o->jobs : pool_cpus();
	program_digest(b->program);
	b->ta = xcalloc((size_t)b->jobs, sizeof *b->ta);
	b->sa = xcalloc((size_t)b->jobs, sizeof *b->sa);
	b->frags = xcalloc((size_t)b->jobs, sizeof *b->frags);
	for (int i = 0; i < b->jobs; i++) {
		b->ta[i] = arena_new();
		b->sa[i] = arena_new();
	}
	run->next = prepare(b, &run->t, t_start) == STAGE_NEXT ? 0 : BUILD_STAGES;
	return run;
}

const char *build_next(struct build_run *run)
{
	if (run->next >= BUILD_STAGES)
		return NULL;
	int k = run->next++;
	int r = pipeline[k].run(&run->b);
	if (r != STAGE_SKIPPED)
		stage(run->b.st, k, pipeline[k].name, &run->t);
	if (r == STAGE_STOP)
		run->next = BUILD_STAGES;
	return pipeline[k].name;
}

size_t build_npages(const struct build_run *run)
{
	return run->b.c.npages;
}

const char *build_page_path(const struct build_run *run, size_t i)
{
	return i < run->b.c.npages ? run->b.c.pages[i]->path : NULL;
}

const char *build_page_text(const struct build_run *run, size_t i, size_t *len)
{
	const struct page *p = i < run->b.c.npages ? run->b.c.pages[i] : NULL;
	*len = p && p->src ? p->len : 0;
	return p ? p->src : NULL;
}

const char *build_page_html(const struct build_run *run, size_t i, size_t *len)
{
	const struct markdown_result *md = run->b.md && i < run->b.c.npages ? &run->b.md[i] : NULL;
	*len = 0;
	return md ? markdown_html(md, run->b.a, len) : NULL;
}

const struct value *build_site_data(const struct build_run *run)
{
	return run->b.env.site;
}

size_t build_made(const struct build_run *run, const char **rels, size_t max)
{
	const struct build *b = &run->b;
	size_t n = 0;
	for (size_t i = 0; b->r && i < b->c.npages; i++)
		for (size_t k = 0; k < b->r[i].nout; k++) {
			if (!b->r[i].out[k].rel)
				continue;
			if (n < max)
				rels[n] = b->r[i].out[k].rel;
			n++;
		}
	for (size_t i = 0; b->extra && i < b->nextra; i++) {
		if (!b->extra[i].rel)
			continue;
		if (n < max)
			rels[n] = b->extra[i].rel;
		n++;
	}
	return n;
}

int build_close(struct build_run *run)
{
	struct build *b = &run->b;
	diags_fill_lines(b->d, page_text, b);
	arena_free(b->texts);   /* when a stage before the model's stopped the build */
	arena_free(b->pending_a);
	int rc = b->rc;
	if (rc == 0 && b->d->nerrors)
		rc = 1;
	buf_free(&b->inputs);
	theme_free(&b->theme);
	script_free(b->script);   /* after the last template that could call a lambda */
	rcache_free(b->cache);
	mcache_free(b->mcache);   /* after the last use of the pages' HTML */
	for (int i = 0; b->html && i < b->jobs; i++)
		spool_free(b->html[i]);
	free(b->html);
	free(b->r);
	free(b->md);
	for (int i = 0; i < b->jobs; i++) {
		arena_free(b->ta[i]);
		arena_free(b->sa[i]);
		if (b->spill)
			output_spill_free(b->spill[i]);
	}
	free(b->spill);
	free(b->ta);
	free(b->sa);
	free(b->frags);
	arena_free(b->a);
	free(run);
	return rc;
}

int build_site(const struct build_opts *o, struct build_stats *st, struct diags *d)
{
	struct build_run *run = build_open(o, st, d);
	while (build_next(run))
		;
	return build_close(run);
}
