/* theme.c: locating and compiling a theme, with per-file site overrides. */
#include "theme.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "datadir.h"
#include "toml.h"
#include "walk.h"
#include "xalloc.h"


/* Template names the site's layouts/ may override, and which layout
 * stood where: for the "overrides nothing" check. */
struct name_list {
	char **v;
	size_t n, cap;
};

static void names_add(struct name_list *l, const char *s)
{
	if (l->n == l->cap) {
		l->cap = l->cap ? l->cap * 2 : 16;
		l->v = xrealloc(l->v, l->cap * sizeof *l->v);
	}
	l->v[l->n++] = xstrdup(s);
}

static int names_has(const struct name_list *l, const char *s)
{
	for (size_t i = 0; i < l->n; i++)
		if (strcmp(l->v[i], s) == 0)
			return 1;
	return 0;
}

static void names_free(struct name_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->v[i]);
	free(l->v);
}

static int is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

/* The theme's folder (datadir.h's search); *in_site is set when it is the
 * site's own themes/NAME. */
static const char *find_theme(struct arena *a, const char *site_dir, const char *exe_dir,
                              const char *name, int *in_site)
{
	int which = -1;
	const char *dir = datadir_find(a, site_dir, exe_dir, arena_printf(a, "themes/%s", name), 1, &which);
	*in_site = which == 0;
	return dir;
}

/* Adds every template file of dir to the set; names are recorded in seen.
 * overriding: the site's layouts/, where each name must replace a theme one.
 * Sub-folders are not templates (layouts/partials is added on its own). */
static int add_templates(struct arena *a, struct theme *t, struct walk_root *r, const char *dir,
                         const char *shown, struct name_list *seen, int overriding, struct diags *d)
{
	if (!is_dir(dir))
		return 0;
	if (walk_enter(r, dir, shown) < 0)
		return -1;
	size_t n;
	char **names;
	if (walk_names(r, dir, shown, &names, &n) < 0) {
		walk_leave(r);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const char *fn = names[i];
		const char *disk = arena_printf(a, "%s/%s", dir, fn);
		const char *path = arena_printf(a, "%s/%s", shown, fn);
		struct stat st;
		if (walk_stat(r, disk, path, &st) < 0) {
			rc = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (!(overriding && strcmp(fn, "partials") == 0 && !strchr(shown, '/')))
				diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
				         "templates are not looked for in sub-folders; skipped");
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0, "not a regular file; skipped");
			continue;
		}
		const char *dot = strrchr(fn, '.');
		if (!dot || dot == fn) {
			diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
			         "no extension, so not a template or partial; skipped");
			continue;
		}
		char *name = arena_strndup(a, fn, (size_t)(dot - fn));
		if (overriding && !names_has(seen, name)) {
			diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
			         "overrides no template or partial of the theme (is the name right?)");
		} else if (!overriding && names_has(seen, name)) {
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
			         "a template or partial named '%s' already exists in the theme", name);
			rc = -1;
			continue;
		}
		const char *text;
		size_t len;
		if (content_read_text(a, disk, path, &text, &len, d) < 0) {
			rc = -1;
			continue;
		}
		if (tpl_set_add(t->tpl, name, path, text, len, d) < 0)
			rc = -1;
		digest_update(&t->tpl_digest, name, strlen(name) + 1);
		digest_u64(&t->tpl_digest, len);
		digest_update(&t->tpl_digest, text, len);
		if (!overriding)
			names_add(seen, name);
	}
	walk_names_free(names, n);
	walk_leave(r);
	return rc;
}

/* Lists the static files of dir (shown as shown, output paths under rel)
 * into t->files, recursively; *cap is the room in t->files. Returns -1 when
 * an error was recorded. */
static int add_static(struct arena *a, struct theme *t, struct walk_root *r, const char *dir,
                      const char *shown, const char *rel, size_t *cap, struct diags *d)
{
	if (walk_enter(r, dir, shown) < 0)
		return -1;
	size_t n;
	char **names;
	if (walk_names(r, dir, shown, &names, &n) < 0) {
		walk_leave(r);
		return -1;
	}
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const char *disk = arena_printf(a, "%s/%s", dir, names[i]);
		const char *path = arena_printf(a, "%s/%s", shown, names[i]);
		const char *out = *rel ? arena_printf(a, "%s/%s", rel, names[i]) : arena_strdup(a, names[i]);
		struct stat st;
		if (walk_stat(r, disk, path, &st) < 0) {
			rc = -1;
			continue;
		}
		if (S_ISDIR(st.st_mode)) {
			if (add_static(a, t, r, disk, path, out, cap, d) < 0)
				rc = -1;
			continue;
		}
		if (!S_ISREG(st.st_mode)) {
			diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0, "not a regular file; skipped");
			continue;
		}
		if (t->nfiles == *cap) {
			size_t nc = *cap ? *cap * 2 : 16;
			t->files = arena_realloc(a, t->files, *cap * sizeof *t->files, nc * sizeof *t->files);
			*cap = nc;
		}
		t->files[t->nfiles].path = disk;
		t->files[t->nfiles].rel = out;
		t->nfiles++;
	}
	walk_names_free(names, n);
	walk_leave(r);
	return rc;
}

/* Walks one static/ folder (when there is one) with links kept inside root_dir. */
static int static_root(struct arena *a, struct theme *t, const char *root_dir, const char *root_name,
                       const char *dir, const char *shown, size_t *cap, struct diags *d)
{
	if (!is_dir(dir))
		return 0;
	struct walk_root r;
	int rc = walk_open(&r, root_dir, root_name, shown, d);
	if (rc == 0)
		rc = add_static(a, t, &r, dir, shown, "", cap, d);
	walk_close(&r);
	return rc;
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct static_file *)a)->rel, ((const struct static_file *)b)->rel);
}

/* Sorts the theme's files [0, nt) and the site's [nt, t->nfiles) and merges
 * them, a site file replacing the theme's of the same output path. */
static void merge_static(struct arena *a, struct theme *t, size_t nt)
{
	size_t ns = t->nfiles - nt, i = 0, j = 0, k = 0;
	struct static_file *th = t->files, *si = t->files + nt;
	qsort(th, nt, sizeof *th, cmp_file);
	qsort(si, ns, sizeof *si, cmp_file);
	struct static_file *v = arena_alloc(a, (t->nfiles + 1) * sizeof *v);
	while (i < nt || j < ns) {
		int c = i == nt ? 1 : j == ns ? -1 : strcmp(th[i].rel, si[j].rel);
		if (c < 0)
			v[k++] = th[i++];
		else {
			if (c == 0)
				i++;
			v[k++] = si[j++];
		}
	}
	t->files = v;
	t->nfiles = k;
}

static struct value *load_toml(struct arena *a, struct walk_root *r, const char *disk,
                               const char *shown, struct diags *d)
{
	const char *text;
	size_t len;
	struct stat st;
	if (lstat(disk, &st) < 0)
		return value_table(a, (struct pos){ 0 });
	if (walk_stat(r, disk, shown, &st) < 0)
		return NULL;
	if (content_read_text(a, disk, shown, &text, &len, d) < 0)
		return NULL;
	return toml_parse(a, shown, text, 0, len, d);
}

struct i18n_check {
	const struct value *labels;
	const char *file;
	struct diags *d;
	int missing;
};

/* Every {{i18n.key}} a template uses must be in the language file. */
static void check_label(void *ud, const char *name, size_t len, const char *path,
                        const char *src, size_t srclen, size_t off)
{
	struct i18n_check *c = ud;
	if (len <= 5 || memcmp(name, "i18n.", 5) != 0)
		return;
	if (value_getn(c->labels, name + 5, len - 5))
		return;
	diag_at(c->d, DIAG_ERROR, path, src, srclen, off, "label '%.*s' is missing from %s",
	        (int)(len - 5), name + 5, c->file);
	c->missing = 1;
}

int theme_load(struct arena *a, const char *site_dir, const char *exe_dir,
               const struct config *c, struct theme *t, struct diags *d)
{
	struct name_list seen = { 0 };
	int rc = -1;
	memset(t, 0, sizeof *t);
	struct walk_root tr = { 0 }, lr = { 0 };
	int in_site = 0;
	size_t errors_before = d->nerrors;   /* walk_names records refused names without failing */
	char tmp[96];
	if (!*c->theme || strchr(c->theme, '/') || strcmp(c->theme, ".") == 0 || strcmp(c->theme, "..") == 0 ||
	    walk_name_problem(c->theme, strlen(c->theme), tmp, sizeof tmp)) {
		struct buf e = BUF_INIT;
		walk_escape(c->theme, strlen(c->theme), &e);
		diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
		         "theme must be the name of a folder in themes/ (without '/'), got '%s'", buf_cstr(&e));
		buf_free(&e);
		return -1;
	}
	t->dir = find_theme(a, site_dir, exe_dir, c->theme, &in_site);
	if (!t->dir) {
		diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
		         "theme '%s' not found (looked in themes/ of the site and of planpress)", c->theme);
		return -1;
	}
	t->tpl = tpl_set_new(1);
	digest_init(&t->tpl_digest);
	const char *shown = arena_printf(a, "themes/%s", c->theme);
	/* A theme of the site keeps its links inside the site; an installed
	 * one (found elsewhere) inside its own folder. */
	const char *root = in_site ? site_dir : t->dir;
	const char *root_name = in_site ? "the site" : "the theme";
	if (walk_open(&tr, root, root_name, shown, d) < 0 || !walk_inside(&tr, t->dir, shown) ||
	    walk_open(&lr, site_dir, "the site", "layouts", d) < 0)
		goto out;
	int bad = 0;
	bad |= add_templates(a, t, &tr, arena_printf(a, "%s/templates", t->dir),
	                     arena_printf(a, "%s/templates", shown), &seen, 0, d) < 0;
	bad |= add_templates(a, t, &tr, arena_printf(a, "%s/partials", t->dir),
	                     arena_printf(a, "%s/partials", shown), &seen, 0, d) < 0;
	bad |= add_templates(a, t, &lr, arena_printf(a, "%s/layouts", site_dir), "layouts", &seen, 1, d) < 0;
	bad |= add_templates(a, t, &lr, arena_printf(a, "%s/layouts/partials", site_dir), "layouts/partials",
	                     &seen, 1, d) < 0;
	if (bad || d->nerrors > errors_before || tpl_set_link(t->tpl, d) < 0)
		goto out;
	t->info = load_toml(a, &tr, arena_printf(a, "%s/theme.toml", t->dir),
	                    arena_printf(a, "%s/theme.toml", shown), d);
	t->i18n = load_toml(a, &tr, arena_printf(a, "%s/i18n/%s.toml", t->dir, c->language),
	                    arena_printf(a, "%s/i18n/%s.toml", shown, c->language), d);
	if (!t->info || !t->i18n)
		goto out;
	struct i18n_check ic = { t->i18n, arena_printf(a, "%s/i18n/%s.toml", shown, c->language), d, 0 };
	tpl_set_names(t->tpl, check_label, &ic);
	if (ic.missing)
		goto out;
	size_t cap = 0;
	bad |= static_root(a, t, root, root_name, arena_printf(a, "%s/static", t->dir),
	                   arena_printf(a, "%s/static", shown), &cap, d) < 0;
	size_t nt = t->nfiles;
	bad |= static_root(a, t, site_dir, "the site",
	                   strcmp(site_dir, ".") ? arena_printf(a, "%s/static", site_dir) : "static",
	                   "static", &cap, d) < 0;
	if (bad || d->nerrors > errors_before)
		goto out;
	merge_static(a, t, nt);
	rc = 0;
out:
	walk_close(&tr);
	walk_close(&lr);
	names_free(&seen);
	return rc;
}

const struct tpl *theme_template(const struct theme *t, const char *name)
{
	return t->tpl ? tpl_set_get(t->tpl, name) : NULL;
}

void theme_free(struct theme *t)
{
	if (!t)
		return;
	tpl_set_free(t->tpl);
	t->tpl = NULL;
}
