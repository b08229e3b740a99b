/* theme.c: locating and compiling a theme, with per-file site overrides. */
#include "theme.h"

#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "toml.h"
#include "xalloc.h"

#ifndef PP_DATADIR
#define PP_DATADIR "/usr/local/share/planpress"
#endif

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

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Sorted names in a folder (hidden ones skipped); NULL-terminated, caller frees. */
static char **list_dir(const char *dir, size_t *n)
{
	*n = 0;
	DIR *dh = opendir(dir);
	if (!dh)
		return NULL;
	size_t cap = 16;
	char **v = xmalloc(cap * sizeof *v);
	struct dirent *de;
	while ((de = readdir(dh))) {
		if (de->d_name[0] == '.' || de->d_name[strlen(de->d_name) - 1] == '~')
			continue;
		if (*n + 1 >= cap) {
			cap *= 2;
			v = xrealloc(v, cap * sizeof *v);
		}
		v[(*n)++] = xstrdup(de->d_name);
	}
	closedir(dh);
	qsort(v, *n, sizeof *v, cmp_cstr);
	v[*n] = NULL;
	return v;
}

static void free_list(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static const char *find_theme(struct arena *a, const char *site_dir, const char *exe_dir,
                              const char *name)
{
	const char *env = getenv("PLANPRESS_DATADIR");
	const char *cands[5];
	size_t n = 0;
	cands[n++] = arena_printf(a, "%s/themes/%s", site_dir, name);
	if (env && *env)
		cands[n++] = arena_printf(a, "%s/themes/%s", env, name);
	if (exe_dir) {
		cands[n++] = arena_printf(a, "%s/themes/%s", exe_dir, name);
		cands[n++] = arena_printf(a, "%s/../share/planpress/themes/%s", exe_dir, name);
	}
	cands[n++] = arena_printf(a, "%s/themes/%s", PP_DATADIR, name);
	for (size_t i = 0; i < n; i++)
		if (is_dir(cands[i]))
			return cands[i];
	return NULL;
}

/* Adds every template file of dir to the set; names are recorded in seen.
 * overriding: the site's layouts/, where each name must replace a theme one. */
static int add_templates(struct arena *a, struct theme *t, const char *dir, const char *shown,
                         struct name_list *seen, int overriding, struct diags *d)
{
	size_t n;
	char **names = list_dir(dir, &n);
	int rc = 0;
	for (size_t i = 0; i < n; i++) {
		const char *fn = names[i];
		const char *disk = arena_printf(a, "%s/%s", dir, fn);
		const char *path = arena_printf(a, "%s/%s", shown, fn);
		if (is_dir(disk))
			continue;
		const char *dot = strrchr(fn, '.');
		if (!dot || dot == fn)
			continue;
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
		if (!overriding)
			names_add(seen, name);
	}
	free_list(names, n);
	return rc;
}

/* Lists static files of dir (recursively) into t->files, replacing same rel paths. */
static void add_static(struct arena *a, struct theme *t, const char *dir, const char *rel, size_t *cap)
{
	size_t n;
	char **names = list_dir(dir, &n);
	for (size_t i = 0; i < n; i++) {
		const char *disk = arena_printf(a, "%s/%s", dir, names[i]);
		const char *r = *rel ? arena_printf(a, "%s/%s", rel, names[i]) : arena_strdup(a, names[i]);
		if (is_dir(disk)) {
			add_static(a, t, disk, r, cap);
			continue;
		}
		size_t k;
		for (k = 0; k < t->nfiles; k++)
			if (strcmp(t->files[k].rel, r) == 0)
				break;
		if (k == t->nfiles) {
			if (t->nfiles == *cap) {
				size_t nc = *cap ? *cap * 2 : 16;
				t->files = arena_realloc(a, t->files, *cap * sizeof *t->files, nc * sizeof *t->files);
				*cap = nc;
			}
			t->nfiles++;
		}
		t->files[k].path = disk;
		t->files[k].rel = r;
	}
	free_list(names, n);
}

static int cmp_file(const void *a, const void *b)
{
	return strcmp(((const struct static_file *)a)->rel, ((const struct static_file *)b)->rel);
}

static struct value *load_toml(struct arena *a, const char *disk, const char *shown, struct diags *d)
{
	const char *text;
	size_t len;
	struct stat st;
	if (stat(disk, &st) < 0)
		return value_table(a, (struct pos){ 0 });
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
	t->dir = find_theme(a, site_dir, exe_dir, c->theme);
	if (!t->dir) {
		diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
		         "theme '%s' not found (looked in themes/ of the site and of planpress)", c->theme);
		return -1;
	}
	t->tpl = tpl_set_new(1);
	const char *shown = arena_printf(a, "themes/%s", c->theme);
	int bad = 0;
	bad |= add_templates(a, t, arena_printf(a, "%s/templates", t->dir),
	                     arena_printf(a, "%s/templates", shown), &seen, 0, d) < 0;
	bad |= add_templates(a, t, arena_printf(a, "%s/partials", t->dir),
	                     arena_printf(a, "%s/partials", shown), &seen, 0, d) < 0;
	bad |= add_templates(a, t, arena_printf(a, "%s/layouts", site_dir), "layouts", &seen, 1, d) < 0;
	bad |= add_templates(a, t, arena_printf(a, "%s/layouts/partials", site_dir), "layouts/partials",
	                     &seen, 1, d) < 0;
	if (bad || tpl_set_link(t->tpl, d) < 0)
		goto out;
	t->info = load_toml(a, arena_printf(a, "%s/theme.toml", t->dir),
	                    arena_printf(a, "%s/theme.toml", shown), d);
	t->i18n = load_toml(a, arena_printf(a, "%s/i18n/%s.toml", t->dir, c->language),
	                    arena_printf(a, "%s/i18n/%s.toml", shown, c->language), d);
	if (!t->info || !t->i18n)
		goto out;
	struct i18n_check ic = { t->i18n, arena_printf(a, "%s/i18n/%s.toml", shown, c->language), d, 0 };
	tpl_set_names(t->tpl, check_label, &ic);
	if (ic.missing)
		goto out;
	size_t cap = 0;
	add_static(a, t, arena_printf(a, "%s/static", t->dir), "", &cap);
	add_static(a, t, strcmp(site_dir, ".") ? arena_printf(a, "%s/static", site_dir) : "static", "", &cap);
	if (t->nfiles > 1)
		qsort(t->files, t->nfiles, sizeof *t->files, cmp_file);
	rc = 0;
out:
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
