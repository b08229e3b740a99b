/* content.c: walking content/, reading pages, deciding output paths. */
#include "content.h"

#include <dirent.h>
#include <stdio.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "frontmatter.h"
#include "pcache.h"
#include "schema.h"
#include "pool.h"
#include "utf8.h"
#include "walk.h"
#include "xalloc.h"

/* A content file larger than this is a mistake (an exported video?), not a page. */
#define CONTENT_MAX_FILE (64L * 1024 * 1024)

struct load {
	struct arena *a;
	const char *site_dir;
	struct walk_root r;     /* names, links inside the site, loops, limits */
	int drafts;
	struct diags *d;
	struct page **pages;
	size_t npages, cap;
	struct static_file *files;
	size_t nfiles, fcap;
	struct pcache *pc;      /* the parse cache, or NULL */
	struct arena *texts;    /* the pages' texts go here, or in a when NULL */
};

static int ends_with(const char *s, const char *suf)
{
	size_t ls = strlen(s), lf = strlen(suf);
	return ls >= lf && strcmp(s + ls - lf, suf) == 0;
}

int content_read_text(struct arena *a, const char *disk_path, const char *shown_path,
                      const char **text, size_t *len, struct diags *d)
{
	int rc = -1;
	struct buf file = BUF_INIT;
	char *data = NULL;
	if (buf_read_file_max(&file, disk_path, CONTENT_MAX_FILE) < 0) {
		if (errno == EFBIG)
			diag_add(d, DIAG_ERROR, shown_path, 0, 0, NULL, 0, "file too large (over %ld MiB)",
			         CONTENT_MAX_FILE >> 20);
		else
			diag_add(d, DIAG_ERROR, shown_path, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
		goto out;
	}
	size_t n = file.len;
	data = arena_strndup(a, file.data ? file.data : "", n);
	size_t bad = utf8_invalid_at(data, n);
	if (bad < n) {
		int line, col;
		diag_linecol(data, bad, bad, &line, &col);
		if (utf8_looks_gb18030(data, n))
			diag_add(d, DIAG_ERROR, shown_path, line, col, NULL, 0,
			         "not UTF-8 (invalid byte 0x%02X at byte offset %zu); the file looks like "
			         "GB18030: convert it with: iconv -f GB18030 -t UTF-8 '%s' > tmp && mv tmp '%s'",
			         (unsigned char)data[bad], bad, shown_path, shown_path);
		else
			diag_add(d, DIAG_ERROR, shown_path, line, col, NULL, 0,
			         "not UTF-8 (invalid byte 0x%02X at byte offset %zu); save the file as UTF-8",
			         (unsigned char)data[bad], bad);
		goto out;
	}
	if (memchr(data, '\0', n)) {
		size_t off = (size_t)((char *)memchr(data, '\0', n) - data);
		diag_at(d, DIAG_ERROR, shown_path, data, n, off, "NUL byte in a text file (byte offset %zu)", off);
		goto out;
	}
	*text = data;
	*len = n;
	rc = 0;
out:
	buf_free(&file);
	return rc;
}

static void add_page(struct load *w, struct page *p)
{
	if (w->npages == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 64;
		w->pages = xrealloc(w->pages, w->cap * sizeof *w->pages);
	}
	w->pages[w->npages++] = p;
}

static struct pos meta_pos(const struct value *v)
{
	return v ? v->pos : (struct pos){ 0 };
}

static void meta_err(struct load *w, struct page *p, const struct value *v, const char *msg, const char *key)
{
	struct pos pos = meta_pos(v);
	size_t s = 0, e = 0;
	int have = pos.line > 0 && diag_line_span(p->src, p->len, pos.line, &s, &e);
	diag_add(w->d, DIAG_ERROR, p->path, pos.line, pos.col, have ? p->src + s : NULL, e - s,
	         msg, key);
}

/* Reads the common front matter keys; the rest stay in meta for templates. */
static int page_fields(struct load *w, struct page *p, const char *stem)
{
	int rc = 0;
	struct value *v;
	p->title = stem;
	if ((v = value_get(p->meta, "title"))) {
		if (v->kind == V_STRING)
			p->title = v->u.str.s;
		else
			meta_err(w, p, v, "'%s' must be a string", "title"), rc = -1;
	}
	p->type = "";
	if ((v = value_get(p->meta, "type"))) {
		if (v->kind == V_STRING)
			p->type = v->u.str.s;
		else
			meta_err(w, p, v, "'%s' must be a string", "type"), rc = -1;
	}
	if ((v = value_get(p->meta, "date"))) {
		if (v->kind == V_DATETIME && v->u.dt.kind != DT_TIME) {
			p->has_date = 1;
			p->date = v->u.dt;
		} else {
			meta_err(w, p, v, "'%s' must be a date (YYYY-MM-DD)", "date");
			rc = -1;
		}
	}
	if ((v = value_get(p->meta, "weight"))) {
		if (v->kind == V_INT)
			p->weight = v->u.i;
		else if (v->kind == V_FLOAT && strcmp(p->type, "task") == 0)
			p->weight = 0;   /* a task's weight is its importance (the model checks it); tasks list by number */
		else
			meta_err(w, p, v, "'%s' must be an integer", "weight"), rc = -1;
	}
	if ((v = value_get(p->meta, "draft")) && v->kind != V_BOOL)
		meta_err(w, p, v, "'%s' must be true or false", "draft"), rc = -1;
	if ((v = value_get(p->meta, "slug"))) {
		const char *s = value_str(v, "");
		char tmp[96];
		if (v->kind != V_STRING || !*s || strchr(s, '/') || strcmp(s, ".") == 0 || strcmp(s, "..") == 0 ||
		    walk_name_problem(s, strlen(s), tmp, sizeof tmp))
			meta_err(w, p, v, "'%s' must be a non-empty name without '/', '\\', '?', '#' or "
			         "control characters", "slug"), rc = -1;
		else if (strlen(s) > NAME_MAX) {
			/* The page's folder is named by it: a file system holds names of NAME_MAX bytes. */
			struct pos pos = meta_pos(v);
			size_t ls = 0, le = 0;
			int have = pos.line > 0 && diag_line_span(p->src, p->len, pos.line, &ls, &le);
			diag_add(w->d, DIAG_ERROR, p->path, pos.line, pos.col, have ? p->src + ls : NULL, le - ls,
			         "'slug' is %d bytes long; a folder's name holds at most %d (a Chinese character takes 3)",
			         (int)strlen(s), NAME_MAX);
			rc = -1;
		}
	}
	return rc;
}

static int is_draft(const struct page *p)
{
	const struct value *v = value_get(p->meta, "draft");
	return v && v->kind == V_BOOL && v->u.b;
}

static struct page *make_section(struct load *w, const char *dir)
{
	struct page *s = arena_alloc(w->a, sizeof *s);
	s->kind = *dir ? PAGE_SECTION : PAGE_HOME;
	s->dir = dir;
	s->url = *dir ? arena_printf(w->a, "%s/", dir) : "";
	s->out = arena_printf(w->a, "%sindex.html", s->url);
	const char *slash = strrchr(dir, '/');
	s->title = slash ? slash + 1 : dir;
	s->type = "";
	s->src = "";
	s->meta = value_table(w->a, (struct pos){ 0 });
	return s;
}

/* ---- the walk: what is there, in order (one thread; walk.h's rules) ---------- */

/* One name of a folder, in the walk's order: a page to parse, or a folder. */
struct entry {
	struct page *p;          /* a Markdown file, or NULL */
	const char *stem, *disk, *shown;
	struct dir_node *sub;    /* a folder, or NULL */
};

struct dir_node {
	const char *dir;         /* content-relative ("" for the root) */
	struct entry *v;
	size_t n;
};

static struct dir_node *scan_dir(struct load *w, const char *dir)
{
	const char *disk_dir = *dir ? arena_printf(w->a, "%s/content/%s", w->site_dir, dir)
	                            : arena_printf(w->a, "%s/content", w->site_dir);
	const char *shown_dir = *dir ? arena_printf(w->a, "content/%s", dir) : "content";
	if (walk_enter(&w->r, disk_dir, shown_dir) < 0)
		return NULL;
	char **names;
	size_t n;
	if (walk_names(&w->r, disk_dir, shown_dir, &names, &n) < 0) {
		walk_leave(&w->r);
		return NULL;
	}
	struct dir_node *node = arena_alloc(w->a, sizeof *node);
	node->dir = dir;
	node->v = arena_alloc(w->a, (n + 1) * sizeof *node->v);
	for (size_t i = 0; i < n; i++) {
		const char *name = names[i];
		const char *rel = *dir ? arena_printf(w->a, "%s/%s", dir, name) : arena_strdup(w->a, name);
		const char *disk = arena_printf(w->a, "%s/%s", disk_dir, name);
		const char *shown = arena_printf(w->a, "content/%s", rel);
		struct stat st;
		int type = walk_name_type(name);
		if (type == DT_REG || type == DT_DIR)
			st.st_mode = type == DT_REG ? S_IFREG : S_IFDIR;
		else if (walk_stat(&w->r, disk, shown, &st) < 0)
			continue;
		struct entry *e = &node->v[node->n];
		if (S_ISDIR(st.st_mode)) {
			if ((e->sub = scan_dir(w, rel)))
				node->n++;
		} else if (!S_ISREG(st.st_mode)) {
			diag_add(w->d, DIAG_WARNING, shown, 0, 0, NULL, 0, "not a regular file; skipped");
		} else if (ends_with(name, ".md") || ends_with(name, ".markdown")) {
			struct page *p = arena_alloc(w->a, sizeof *p);
			p->path = shown;
			p->rel = rel;
			p->dir = dir;
			size_t stemlen = strlen(name) - (ends_with(name, ".md") ? 3 : 9);
			e->p = p;
			e->stem = arena_strndup(w->a, name, stemlen);
			e->disk = disk;
			e->shown = shown;
			node->n++;
		} else {
			if (w->nfiles == w->fcap) {
				w->fcap = w->fcap ? w->fcap * 2 : 32;
				w->files = xrealloc(w->files, w->fcap * sizeof *w->files);
			}
			w->files[w->nfiles].path = disk;
			w->files[w->nfiles].rel = rel;
			w->nfiles++;
		}
	}
	walk_names_free(names, n);
	walk_leave(&w->r);
	return node;
}

/* ---- reading and parsing every page (on the worker pool) ---------------------- */

struct parse_job {
	struct load *w;
	struct entry **pages;
	struct arena **ta;       /* one per worker; adopted by w->a afterwards */
	struct arena **tt;       /* one per worker for the texts, adopted by w->texts; or NULL */
};

static int load_page(struct arena *a, struct arena *texts, struct load *w, int worker, struct page *p,
                     const char *disk)
{
	struct pcache_key key;
	if (content_read_text(texts, disk, p->path, &p->src, &p->len, w->d) < 0)
		return -1;
	if (w->pc && pcache_get(w->pc, a, p->path, p->src, p->len, &key, &p->meta, &p->body_off))
		return 0;
	if (fm_parse(a, p->path, p->src, p->len, &p->meta, &p->body_off, w->d) < 0)
		return -1;
	if (w->pc)
		pcache_put(w->pc, worker, p->path, &key, p->len, p->meta, p->body_off);
	return 0;
}

static void parse_one(void *ctx, size_t i, int worker)
{
	struct parse_job *j = ctx;
	struct entry *e = j->pages[i];
	struct page *p = e->p;
	struct arena *a = j->ta[worker];
	if (load_page(a, j->tt ? j->tt[worker] : a, j->w, worker, p, e->disk) < 0 || page_fields(j->w, p, e->stem) < 0) {
		p->failed = 1;
		if (!p->meta)
			p->meta = value_table(a, (struct pos){ 0 });
		if (!p->src) {
			p->src = "";
			p->len = p->body_off = 0;
		}
		if (!p->title)
			p->title = e->stem;
		if (!p->type)
			p->type = "";
	}
}

static void collect_pages(struct dir_node *node, struct entry ***v, size_t *n, size_t *cap)
{
	for (size_t i = 0; i < node->n; i++) {
		struct entry *e = &node->v[i];
		if (e->sub) {
			collect_pages(e->sub, v, n, cap);
			continue;
		}
		if (*n == *cap) {
			*cap = *cap ? *cap * 2 : 256;
			*v = xrealloc(*v, *cap * sizeof **v);
		}
		(*v)[(*n)++] = e;
	}
}

/* ---- sections, drafts and output paths (one thread, in the walk's order) ------ */

/* Returns the folder's section page, or NULL. */
static struct page *assemble_dir(struct load *w, const struct dir_node *node)
{
	const char *dir = node->dir;
	struct page *section = NULL;
	struct page **kids = NULL;
	size_t nkids = 0, kcap = 0;
	for (size_t i = 0; i < node->n; i++) {
		const struct entry *e = &node->v[i];
		struct page *kid = NULL;
		if (e->sub) {
			kid = assemble_dir(w, e->sub);
		} else {
			struct page *p = e->p;
			const char *stem = e->stem;
			if (!p->failed && is_draft(p) && !w->drafts)
				continue;
			if (strcmp(stem, "_index") == 0 || strcmp(stem, "index") == 0) {
				if (section) {
					diag_add(w->d, DIAG_ERROR, e->shown, 0, 0, NULL, 0,
					         "output path '%s' is also written by %s", section->out, section->path);
					continue;
				}
				p->kind = *dir ? PAGE_SECTION : PAGE_HOME;
				p->url = *dir ? arena_printf(w->a, "%s/", dir) : "";
				if (p->title == stem) {
					const char *slash = strrchr(dir, '/');
					p->title = slash ? slash + 1 : dir;
				}
				p->out = arena_printf(w->a, "%sindex.html", p->url);
				section = p;
				continue;
			}
			const char *slug = value_str(value_get(p->meta, "slug"), stem);
			p->kind = PAGE_PAGE;
			p->url = *dir ? arena_printf(w->a, "%s/%s/", dir, slug) : arena_printf(w->a, "%s/", slug);
			p->out = arena_printf(w->a, "%sindex.html", p->url);
			kid = p;
			add_page(w, p);
		}
		if (kid) {
			if (nkids == kcap) {
				kcap = kcap ? kcap * 2 : 16;
				kids = xrealloc(kids, kcap * sizeof *kids);
			}
			kids[nkids++] = kid;
		}
	}

	/* A folder becomes a section when it has an _index.md or pages in it. */
	if (!section && (nkids > 0 || !*dir))
		section = make_section(w, dir);
	if (section) {
		section->dir = dir;
		add_page(w, section);
		section->children = arena_alloc(w->a, (nkids + 1) * sizeof *kids);
		section->nchildren = nkids;
		for (size_t i = 0; i < nkids; i++) {
			section->children[i] = kids[i];
			kids[i]->parent = section;
		}
	}
	free(kids);
	return section;
}

/* The three passes over content/: walk, parse (parallel), assemble. */
static struct page *load_tree(struct load *w, int jobs)
{
	struct dir_node *root = scan_dir(w, "");
	if (!root)
		return NULL;
	struct parse_job j = { .w = w };
	size_t n = 0, cap = 0;
	collect_pages(root, &j.pages, &n, &cap);
	if (jobs < 1)
		jobs = pool_cpus();
	j.ta = xcalloc((size_t)jobs, sizeof *j.ta);
	for (int i = 0; i < jobs; i++)
		j.ta[i] = arena_new();
	if (w->texts) {
		j.tt = xcalloc((size_t)jobs, sizeof *j.tt);
		for (int i = 0; i < jobs; i++)
			j.tt[i] = arena_new();
	}
	pool_run(n, jobs, parse_one, &j);
	for (int i = 0; i < jobs; i++) {
		arena_adopt(w->a, j.ta[i]);
		if (j.tt)
			arena_adopt(w->texts, j.tt[i]);
	}
	free(j.ta);
	free(j.tt);
	free(j.pages);
	return assemble_dir(w, root);
}

static int cmp_url(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
	return strcmp(x->url, y->url);
}

/* A task's printed number ("1", "2.3"), or NULL. */
static const char *task_number(const struct page *p, char *buf, size_t n)
{
	if (strcmp(p->type, "task"))
		return NULL;
	const struct value *v = value_get(p->meta, "number");
	if (v && v->kind == V_INT) {
		snprintf(buf, n, "%lld", (long long)v->u.i);
		return buf;
	}
	return v && v->kind == V_STRING ? v->u.str.s : NULL;
}

/* List order: tasks by their number (a task's weight is its importance, not
 * its place); other pages weighted first by weight, then newest date first,
 * then title, then path. */
static int cmp_list(const void *a, const void *b)
{
	const struct page *x = *(struct page *const *)a, *y = *(struct page *const *)b;
	char bx[32], by[32];
	const char *nx = task_number(x, bx, sizeof bx), *ny = task_number(y, by, sizeof by);
	if (nx && ny) {
		int c = value_cmp_numbered(nx, ny);
		if (c)
			return c;
	}
	if ((x->weight != 0) != (y->weight != 0))
		return x->weight != 0 ? -1 : 1;
	if (x->weight != y->weight)
		return x->weight < y->weight ? -1 : 1;
	if (x->has_date != y->has_date)
		return x->has_date ? -1 : 1;
	if (x->has_date) {
		int c = datetime_cmp(&x->date, &y->date);
		if (c)
			return -c;
	}
	int c = strcmp(x->title, y->title);
	return c ? c : strcmp(x->url, y->url);
}

static int cmp_rel(const void *a, const void *b)
{
	return strcmp((*(struct page *const *)a)->rel, (*(struct page *const *)b)->rel);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct static_file *)a)->rel, ((const struct static_file *)b)->rel);
}

int content_load(struct arena *a, const char *site_dir, int drafts, int jobs, struct content *c,
                 struct diags *d)
{
	return content_load_cached(a, NULL, site_dir, drafts, jobs, NULL, c, d);
}

void content_forget_texts(struct content *c)
{
	for (size_t i = 0; i < c->npages; i++) {
		struct page *p = c->pages[i];
		if (p->path && !p->made) {
			p->src = NULL;
			p->len = p->body_off = 0;
		}
	}
}

int content_read_again(struct arena *a, const char *site_dir, struct page *p)
{
	if (!p->path)
		return -1;
	/* Its problems were reported when it was read first. */
	struct diags quiet;
	diags_init(&quiet);
	int rc = content_read_text(a, arena_printf(a, "%s/%s", site_dir, p->path), p->path, &p->src, &p->len, &quiet);
	diags_free(&quiet);
	return rc;
}

int content_load_cached(struct arena *a, struct arena *texts, const char *site_dir, int drafts, int jobs,
                        struct pcache *pc, struct content *c, struct diags *d)
{
	struct load w = { .a = a, .site_dir = site_dir, .drafts = drafts, .d = d, .pc = pc, .texts = texts };
	size_t errors_before = d->nerrors;
	memset(c, 0, sizeof *c);
	if (walk_open(&w.r, site_dir, "the site", "content", d) < 0) {
		walk_close(&w.r);
		return -1;
	}
	struct stat st;
	const char *cdir = arena_printf(a, "%s/content", site_dir);
	if (stat(cdir, &st) < 0 || !S_ISDIR(st.st_mode)) {
		diag_add(d, DIAG_ERROR, "content", 0, 0, NULL, 0, "no content/ folder in the site");
		walk_close(&w.r);
		return -1;
	}
	c->home = load_tree(&w, jobs);
	walk_close(&w.r);

	c->npages = w.npages;
	c->pages = arena_alloc(a, (w.npages + 1) * sizeof *c->pages);
	if (w.npages)
		memcpy(c->pages, w.pages, w.npages * sizeof *w.pages);
	free(w.pages);
	c->nfiles = w.nfiles;
	c->files = arena_alloc(a, (w.nfiles + 1) * sizeof *c->files);
	if (w.nfiles)
		memcpy(c->files, w.files, w.nfiles * sizeof *w.files);
	free(w.files);

	qsort(c->pages, c->npages, sizeof *c->pages, cmp_url);
	qsort(c->files, c->nfiles, sizeof *c->files, cmp_file);
	c->by_rel = arena_alloc(a, (c->npages + 1) * sizeof *c->by_rel);
	for (size_t i = 0; i < c->npages; i++)
		if (c->pages[i]->rel)
			c->by_rel[c->nby_rel++] = c->pages[i];
	qsort(c->by_rel, c->nby_rel, sizeof *c->by_rel, cmp_rel);
	/* Before lists are sorted: a cascaded type decides how a page sorts. */
	schema_check(a, c, d);
	for (size_t i = 0; i < c->npages; i++) {
		struct page *p = c->pages[i];
		p->index = i;
		if (p->nchildren > 1)
			qsort(p->children, p->nchildren, sizeof *p->children, cmp_list);
		if (i > 0 && strcmp(c->pages[i - 1]->url, p->url) == 0) {
			const struct page *q = c->pages[i - 1];
			diag_add(d, DIAG_ERROR, p->path ? p->path : q->path, 0, 0, NULL, 0,
			         "output path '%s' is also written by %s", p->out,
			         q->path ? q->path : "a folder of the same name");
		}
	}
	/* A file to copy may not land where a page is written. */
	for (size_t i = 0; i < c->nfiles; i++) {
		const char *rel = c->files[i].rel;
		size_t l = strlen(rel);
		if (l >= 10 && strcmp(rel + l - 10, "index.html") == 0) {
			char *url = arena_strndup(a, rel, l - 10);
			const struct page *p = content_page_at(c, url);
			if (p)
				diag_add(d, DIAG_ERROR, arena_printf(a, "content/%s", rel), 0, 0, NULL, 0,
				         "output path '%s' is also written by %s", rel,
				         p->path ? p->path : "a generated section page");
		}
	}
	return d->nerrors > errors_before ? -1 : 0;
}

struct page *content_page(const struct content *c, const char *rel)
{
	size_t lo = 0, hi = c->nby_rel;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(c->by_rel[mid]->rel, rel);
		if (cmp == 0)
			return c->by_rel[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

struct page *content_page_at(const struct content *c, const char *url)
{
	size_t lo = 0, hi = c->npages;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(c->pages[mid]->url, url);
		if (cmp == 0)
			return c->pages[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

const struct static_file *content_file(const struct content *c, const char *rel)
{
	size_t lo = 0, hi = c->nfiles;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		int cmp = strcmp(c->files[mid].rel, rel);
		if (cmp == 0)
			return &c->files[mid];
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}
