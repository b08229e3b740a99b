/* walk.c: names, links, loops and limits checked the same way in every walk of the site. */
#include "walk.h"

#include <dirent.h>
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "utf8.h"
#include "xalloc.h"

int walk_open(struct walk_root *r, const char *root_dir, const char *root_name, const char *top,
              struct diags *d)
{
	memset(r, 0, sizeof *r);
	r->root_name = root_name;
	r->top = xstrdup(top);
	r->d = d;
	r->max_entries = WALK_MAX_ENTRIES;
	r->real = realpath(root_dir, NULL);
	if (!r->real) {
		diag_add(d, DIAG_ERROR, root_dir, 0, 0, NULL, 0, "cannot open folder: %s", diag_errstr(errno));
		return -1;
	}
	return 0;
}

void walk_close(struct walk_root *r)
{
	if (!r)
		return;
	if (r->nskipped && r->d) {
		struct buf b = BUF_INIT;
		size_t shown = r->nskipped < WALK_SKIPPED_SHOWN ? r->nskipped : WALK_SKIPPED_SHOWN;
		for (size_t i = 0; i < shown; i++) {
			if (i)
				buf_puts(&b, ", ");
			buf_puts(&b, r->skipped[i]);
		}
		if (r->nskipped > shown)
			buf_printf(&b, _(" and %zu more"), r->nskipped - shown);
		diag_add(r->d, DIAG_NOTE, r->top, 0, 0, NULL, 0,
		         i18n_plural("skipped %zu hidden or backup file (not published): %s",
		                     "skipped %zu hidden or backup files (not published): %s", r->nskipped),
		         r->nskipped, buf_cstr(&b));
		buf_free(&b);
	}
	for (size_t i = 0; i < r->nskipped; i++)
		free(r->skipped[i]);
	free(r->skipped);
	for (size_t i = 0; i < r->seen_cap; i++)
		free(r->seen[i].shown);
	free(r->seen);
	free(r->real);
	free(r->top);
	memset(r, 0, sizeof *r);
}

static size_t seen_hash(dev_t dev, ino_t ino)
{
	uint64_t h = (uint64_t)dev * 0x9E3779B97F4A7C15u ^ (uint64_t)ino;
	h ^= h >> 31;
	h *= 0xBF58476D1CE4E5B9u;
	return (size_t)(h ^ (h >> 29));
}

/* The slot of (dev, ino): the one holding it, or the free one where it goes. */
static size_t seen_slot(const struct walk_root *r, dev_t dev, ino_t ino)
{
	size_t mask = r->seen_cap - 1, i = seen_hash(dev, ino) & mask;
	while (r->seen[i].used && (r->seen[i].dev != dev || r->seen[i].ino != ino))
		i = (i + 1) & mask;
	return i;
}

static void seen_grow(struct walk_root *r)
{
	size_t old_cap = r->seen_cap;
	struct walk_seen *old = r->seen;
	size_t old_chain[WALK_MAX_DEPTH + 1];
	for (size_t k = 0; k < r->depth; k++)
		old_chain[k] = r->chain[k];
	r->seen_cap = old_cap ? old_cap * 2 : 64;
	r->seen = xcalloc(r->seen_cap, sizeof *r->seen);
	for (size_t i = 0; i < old_cap; i++) {
		if (!old[i].used)
			continue;
		size_t j = seen_slot(r, old[i].dev, old[i].ino);
		r->seen[j] = old[i];
		for (size_t k = 0; k < r->depth; k++)
			if (old_chain[k] == i)
				r->chain[k] = j;
	}
	free(old);
}

int walk_enter(struct walk_root *r, const char *disk, const char *shown)
{
	if (r->depth > WALK_MAX_DEPTH) {
		diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0, "folders nested deeper than %d levels",
		         WALK_MAX_DEPTH);
		return -1;
	}
	if (r->depth == 0 && !walk_inside(r, disk, shown))
		return -1;
	struct stat st;
	if (stat(disk, &st) < 0) {
		diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0, "cannot open folder: %s", diag_errstr(errno));
		return -1;
	}
	if (2 * (r->nseen + 1) > r->seen_cap)
		seen_grow(r);
	size_t i = seen_slot(r, st.st_dev, st.st_ino);
	struct walk_seen *s = &r->seen[i];
	if (s->used && s->on_chain) {
		diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0,
		         "symbolic link loop: this folder is %s, which contains it", s->shown);
		return -1;
	}
	if (s->used) {
		diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0,
		         "the same folder is reached twice (it is also %s), which would publish it twice; "
		         "link to files, not folders", s->shown);
		return -1;
	}
	*s = (struct walk_seen){ .dev = st.st_dev, .ino = st.st_ino, .shown = xstrdup(shown),
	                         .on_chain = 1, .used = 1 };
	r->nseen++;
	r->chain[r->depth++] = i;
	return 0;
}

void walk_leave(struct walk_root *r)
{
	if (r->depth == 0)
		return;
	r->seen[r->chain[--r->depth]].on_chain = 0;
}

int walk_skipped_name(const char *n)
{
	size_t l = strlen(n);
	return n[0] == '.' || n[0] == '#' || (l && n[l - 1] == '~') ||
	       (l > 4 && (strcmp(n + l - 4, ".swp") == 0 || strcmp(n + l - 4, ".swo") == 0 ||
	                  strcmp(n + l - 4, ".bak") == 0 || strcmp(n + l - 4, ".tmp") == 0));
}

const char *walk_name_problem(const char *name, size_t len, char *tmp, size_t n)
{
	size_t bad = utf8_invalid_at(name, len);
	for (size_t i = 0; i < len && i < bad; i++) {
		unsigned char c = (unsigned char)name[i];
		if (c < 0x20 || c == 0x7F) {
			snprintf(tmp, n, _("holds a control character (U+%04X)"), c);
			return tmp;
		}
		if (c == '\\' || c == '?' || c == '#') {
			snprintf(tmp, n, _("holds '%c', which a URL cannot hold as it is"), c);
			return tmp;
		}
	}
	if (bad < len) {
		snprintf(tmp, n, _("is not UTF-8 (invalid byte 0x%02X)"), (unsigned char)name[bad]);
		return tmp;
	}
	return NULL;
}

void walk_escape(const char *s, size_t len, struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		unsigned char c = (unsigned char)s[i];
		size_t n = 1;
		int raw;
		if (c < 0x80)
			raw = c >= 0x20 && c != 0x7F && c != '\\';
		else if ((raw = utf8_invalid_at(s + i, len - i) > 0))
			utf8_decode(s + i, len - i, &n);
		if (raw)
			buf_put(out, s + i, n);
		else
			buf_printf(out, "\\x%02X", c);
		i += n;
	}
	buf_cstr(out);
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* shown_dir + "/" + name, escaped; the caller frees. */
static char *shown_name(const char *shown_dir, const char *name)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s/", shown_dir);
	walk_escape(name, strlen(name), &b);
	return buf_detach(&b, NULL);
}

int walk_names(struct walk_root *r, const char *disk_dir, const char *shown_dir, char ***names,
               size_t *n)
{
	*names = NULL;
	*n = 0;
	if (r->over)
		return -1;
	DIR *dh = opendir(disk_dir);
	if (!dh) {
		diag_add(r->d, DIAG_ERROR, shown_dir, 0, 0, NULL, 0, "cannot open folder: %s", diag_errstr(errno));
		return -1;
	}
	char **v = NULL;
	size_t cnt = 0, cap = 0;
	struct dirent *de;
	while ((de = readdir(dh))) {
		const char *name = de->d_name;
		if (strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
			continue;
		if (++r->nentries > r->max_entries) {
			diag_add(r->d, DIAG_ERROR, r->top, 0, 0, NULL, 0,
			         "more than %zu files and folders (is a wrong folder linked or copied in?)",
			         r->max_entries);
			r->over = 1;
			closedir(dh);
			walk_names_free(v, cnt);
			return -1;
		}
		if (walk_skipped_name(name)) {
			if (r->nskipped == r->skipped_cap) {
				r->skipped_cap = r->skipped_cap ? r->skipped_cap * 2 : 16;
				r->skipped = xrealloc(r->skipped, r->skipped_cap * sizeof *r->skipped);
			}
			r->skipped[r->nskipped++] = shown_name(shown_dir, name);
			continue;
		}
		char tmp[96];
		const char *why = walk_name_problem(name, strlen(name), tmp, sizeof tmp);
		if (why) {
			char *shown = shown_name(shown_dir, name);
			diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0, "the file name %s; rename it", why);
			free(shown);
			continue;
		}
		if (cnt == cap) {
			cap = cap ? cap * 2 : 32;
			v = xrealloc(v, cap * sizeof *v);
		}
		size_t len = strlen(name);
		char *copy = xmalloc(len + 2);
		memcpy(copy, name, len + 1);
		copy[len + 1] = (char)de->d_type;   /* walk_name_type */
		v[cnt++] = copy;
	}
	closedir(dh);
	if (cnt > 1)
		qsort(v, cnt, sizeof *v, cmp_str);
	*names = v;
	*n = cnt;
	return 0;
}

int walk_name_type(const char *name)
{
	return (unsigned char)name[strlen(name) + 1];
}

void walk_names_free(char **names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(names[i]);
	free(names);
}

int walk_inside(struct walk_root *r, const char *disk, const char *shown)
{
	char *real = realpath(disk, NULL);
	if (!real) {
		if (errno == ENOENT || errno == ELOOP)
			diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0, "broken symbolic link");
		else
			diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0, "cannot resolve: %s", diag_errstr(errno));
		return 0;
	}
	size_t n = strlen(r->real);
	int ok = strncmp(real, r->real, n) == 0 &&
	         (real[n] == '/' || real[n] == '\0' || (n == 1 && r->real[0] == '/'));
	if (!ok)
		diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0,
		         "symbolic link points outside %s (to %s); copy the file in instead", r->root_name, real);
	free(real);
	return ok;
}

int walk_stat(struct walk_root *r, const char *disk, const char *shown, struct stat *st)
{
	if (lstat(disk, st) < 0) {
		diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
		return -1;
	}
	if (!S_ISLNK(st->st_mode))
		return 0;
	if (!walk_inside(r, disk, shown))
		return -1;
	if (stat(disk, st) < 0) {
		diag_add(r->d, DIAG_ERROR, shown, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
		return -1;
	}
	return 0;
}
