/* gitutil.c: the libgit2 helpers the publish modules share: repository
 * opening, branch tips, ids, errors, remotes, and trees compared by revdiff. */
#include "gitutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "i18n.h"
#include "sha1.h"

void gitutil_fail(struct diags *d, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, _(fmt), ap);
	va_end(ap);
	const git_error *e = git_error_last();
	if (e && e->message)
		buf_printf(&b, ": %s", e->message);
	diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

void gitutil_hex(const git_oid *id, char out[41])
{
	git_oid_tostr(out, 41, id);
}

void gitutil_short_hex(const git_oid *id, char out[8])
{
	git_oid_tostr(out, 8, id);
}

int gitutil_open(const char *path, int create, const char *branch, git_repository **r,
                 int *missing, struct diags *d)
{
	struct stat st;
	*r = NULL;
	if (missing)
		*missing = 0;
	if (stat(path, &st) < 0 && errno == ENOENT) {
		if (!create) {
			if (missing)
				*missing = 1;
			return 0;
		}
		git_repository_init_options io;
		git_repository_init_options_init(&io, GIT_REPOSITORY_INIT_OPTIONS_VERSION);
		io.flags = GIT_REPOSITORY_INIT_BARE | GIT_REPOSITORY_INIT_MKPATH | GIT_REPOSITORY_INIT_NO_REINIT;
		io.initial_head = branch;
		if (git_repository_init_ext(r, path, &io) < 0) {
			gitutil_fail(d, "cannot create the publish repository %s", path);
			return 2;
		}
		return 0;
	}
	if (git_repository_open_ext(r, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		gitutil_fail(d, "cannot open the publish repository %s", path);
		return 2;
	}
	return 0;
}

const char *gitutil_branch_ref(struct arena *a, const char *branch)
{
	return arena_printf(a, "refs/heads/%s", branch);
}

int gitutil_branch_tip(git_repository *r, const char *refname, git_oid *tip, int *found,
                       struct diags *d)
{
	git_reference *ref = NULL, *res = NULL;
	*found = 0;
	int e = git_reference_lookup(&ref, r, refname);
	if (e == GIT_ENOTFOUND)
		return 0;
	if (e < 0 || git_reference_resolve(&res, ref) < 0) {
		gitutil_fail(d, "cannot read %s", refname);
		git_reference_free(ref);
		return 2;
	}
	git_oid_cpy(tip, git_reference_target(res));
	*found = 1;
	git_reference_free(res);
	git_reference_free(ref);
	return 0;
}

/* (libgit2 1.5 also leaks its regex matches applying insteadOf.) */
int gitutil_remote(git_remote **out, git_repository *r, const char *name, const char *url)
{
	git_remote_create_options ro;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = r;
	ro.name = name;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
	return git_remote_create_with_opts(out, url, &ro);
}

void gitutil_blob_key(const void *data, size_t len, git_oid *out)
{
	char head[32];
	int n = snprintf(head, sizeof head, "blob %zu", len);
	struct sha1 h;
	sha1_init(&h);
	sha1_update(&h, head, (size_t)n + 1);   /* with its NUL */
	sha1_update(&h, data, len);
	sha1_final(&h, out->id);
}

/* ---- two trees as revisions of a site ------------------------------------------ */

struct files {
	struct revdiff_file *v;
	size_t n, cap;
};

static void files_push(struct arena *a, struct files *f, const char *path, const git_oid *id)
{
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 256;
		f->v = arena_realloc(a, f->v, f->cap * sizeof *f->v, cap * sizeof *f->v);
		f->cap = cap;
	}
	char *hex = arena_alloc(a, 41);
	gitutil_hex(id, hex);
	f->v[f->n++] = (struct revdiff_file){ path, hex };
}

static int cmp_file(const void *x, const void *y)
{
	return strcmp(((const struct revdiff_file *)x)->path, ((const struct revdiff_file *)y)->path);
}

struct reader {
	git_repository *r;
	struct arena *a;
	const char *new_dir;
};

static int read_blob(void *ud, int side, const struct revdiff_file *f, const char **data, size_t *len,
                     struct diags *d)
{
	struct reader *rd = ud;
	git_oid id;
	git_blob *b = NULL;
	if (side == 1 && rd->new_dir) {
		struct buf fb = BUF_INIT;
		const char *path = arena_printf(rd->a, "%s/%s", rd->new_dir, f->path);
		if (buf_read_file(&fb, path) < 0) {
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
			return -1;
		}
		*len = fb.len;
		*data = arena_strndup(rd->a, fb.data ? fb.data : "", fb.len);
		buf_free(&fb);
		return 0;
	}
	if (git_oid_fromstr(&id, f->id) < 0 || git_blob_lookup(&b, rd->r, &id) < 0) {
		gitutil_fail(d, "cannot read %s (%s)", f->path, f->id);
		return -1;
	}
	*len = (size_t)git_blob_rawsize(b);
	*data = arena_strndup(rd->a, git_blob_rawcontent(b), *len);
	git_blob_free(b);
	return 0;
}

/* Pushes the regular files under old and new (either may be NULL: none)
 * that differ, their paths after prefix: both trees' entries side by side in
 * git's order, a folder whose tree id is the same on both sides not entered.
 * 0, or 2 after recording in d a tree that cannot be read. Recursion is
 * bounded by the depth of the site's folders. */
static int walk_diff(struct arena *a, git_repository *r, const git_tree *old, const git_tree *new,
                     const char *prefix, struct files *fo, struct files *fn, struct diags *d)
{
	size_t no = old ? git_tree_entrycount(old) : 0, nn = new ? git_tree_entrycount(new) : 0;
	for (size_t i = 0, j = 0; i < no || j < nn;) {
		const git_tree_entry *eo = i < no ? git_tree_entry_byindex(old, i) : NULL;
		const git_tree_entry *en = j < nn ? git_tree_entry_byindex(new, j) : NULL;
		int c = !eo ? 1 : !en ? -1 : git_tree_entry_cmp(eo, en);
		i += c <= 0;
		j += c >= 0;
		if (c == 0 && git_tree_entry_filemode(eo) == git_tree_entry_filemode(en) &&
		    git_oid_equal(git_tree_entry_id(eo), git_tree_entry_id(en)))
			continue;
		const git_tree_entry *side[2] = { c <= 0 ? eo : NULL, c >= 0 ? en : NULL };
		git_tree *sub[2] = { NULL, NULL };
		int rc = 0;
		for (int k = 0; k < 2 && !rc; k++) {
			if (!side[k])
				continue;
			const char *path = arena_printf(a, "%s%s", prefix, git_tree_entry_name(side[k]));
			if (git_tree_entry_type(side[k]) == GIT_OBJECT_TREE) {
				if (git_tree_lookup(&sub[k], r, git_tree_entry_id(side[k])) < 0) {
					gitutil_fail(d, "cannot read the tree of %s", path);
					rc = 2;
				}
			} else if ((git_tree_entry_filemode(side[k]) & 0170000) == 0100000) {
				files_push(a, k ? fn : fo, path, git_tree_entry_id(side[k]));
			}
		}
		if (!rc && (sub[0] || sub[1])) {
			const char *name = git_tree_entry_name(sub[1] ? side[1] : side[0]);
			rc = walk_diff(a, r, sub[0], sub[1], arena_printf(a, "%s%s/", prefix, name), fo, fn, d);
		}
		git_tree_free(sub[0]);
		git_tree_free(sub[1]);
		if (rc)
			return rc;
	}
	return 0;
}

/* The files that differ between old and new (either may be NULL: none), each
 * side sorted by path: a full walk of both trees costs every file of the site
 * (tens of thousands), so folders whose tree id is the same are skipped (and
 * libgit2's diff, which does so too, costs more to set up than a walk of a
 * publication's few changed folders). revdiff_compare passes over equal
 * files anyway, so it gives the same answer from these lists as from the
 * whole trees. */
static int changed_files(struct arena *a, git_repository *r, git_tree *old, git_tree *new,
                         struct files *fo, struct files *fn, struct diags *d)
{
	memset(fo, 0, sizeof *fo);
	memset(fn, 0, sizeof *fn);
	int rc = walk_diff(a, r, old, new, "", fo, fn, d);
	if (rc)
		return rc;
	/* git orders a folder as if its name ended in '/'; revdiff wants strcmp order. */
	if (fo->n)
		qsort(fo->v, fo->n, sizeof *fo->v, cmp_file);
	if (fn->n)
		qsort(fn->v, fn->n, sizeof *fn->v, cmp_file);
	return 0;
}

int gitutil_changed_paths(struct arena *a, git_repository *r, git_tree *old, git_tree *new, const char ***paths,
                          size_t *n, struct diags *d)
{
	struct files fo, fn;
	int rc = changed_files(a, r, old, new, &fo, &fn, d);
	*n = 0;
	*paths = arena_alloc(a, (fo.n + fn.n + 1) * sizeof **paths);
	for (size_t i = 0; !rc && i < fo.n; i++)
		(*paths)[(*n)++] = fo.v[i].path;
	for (size_t i = 0; !rc && i < fn.n; i++)
		(*paths)[(*n)++] = fn.v[i].path;
	return rc;
}

int gitutil_compare_trees(struct arena *a, git_repository *r, git_tree *old, git_tree *new, const char *new_dir,
                          const struct revdiff_opts *o, struct revdiff *out, struct diags *d)
{
	struct files fo, fn;
	int rc = changed_files(a, r, old, new, &fo, &fn, d);
	if (rc)
		return rc;
	struct reader rd = { r, a, new_dir };
	struct revdiff_source src = { read_blob, &rd };
	return revdiff_compare(a, fo.v, fo.n, fn.v, fn.n, &src, o, out, d) < 0 ? 2 : 0;
}

int gitutil_compare_added(struct arena *a, git_repository *r, const struct revdiff_file *files, size_t n,
                          const char *new_dir, const struct revdiff_opts *o, struct revdiff *out, struct diags *d)
{
	struct reader rd = { r, a, new_dir };
	struct revdiff_source src = { read_blob, &rd };
	return revdiff_compare(a, NULL, 0, files, n, &src, o, out, d) < 0 ? 2 : 0;
}
