/* gitutil.c: the libgit2 helpers the publish modules share: repository
 * opening, branch tips, ids, errors, remotes, and trees compared by revdiff. */
#include "gitutil.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "i18n.h"

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

/* The files that differ between old and new (either may be NULL: none), each
 * side sorted by path: a full walk of both trees costs every file of the site
 * (tens of thousands), while libgit2's diff skips folders whose tree id is
 * the same. revdiff_compare passes over equal files anyway, so it gives the
 * same answer from these lists as from the whole trees. */
static int changed_files(struct arena *a, git_repository *r, git_tree *old, git_tree *new,
                         struct files *fo, struct files *fn, struct diags *d)
{
	git_diff *diff = NULL;
	memset(fo, 0, sizeof *fo);
	memset(fn, 0, sizeof *fn);
	if (git_diff_tree_to_tree(&diff, r, old, new, NULL) < 0) {
		gitutil_fail(d, "cannot compare two trees");
		return 2;
	}
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n; i++) {
		const git_diff_delta *dd = git_diff_get_delta(diff, i);
		if (dd->status != GIT_DELTA_ADDED && (dd->old_file.mode & 0170000) == 0100000)
			files_push(a, fo, arena_strdup(a, dd->old_file.path), &dd->old_file.id);
		if (dd->status != GIT_DELTA_DELETED && (dd->new_file.mode & 0170000) == 0100000)
			files_push(a, fn, arena_strdup(a, dd->new_file.path), &dd->new_file.id);
	}
	git_diff_free(diff);
	/* git orders a folder as if its name ended in '/'; revdiff wants strcmp order. */
	if (fo->n)
		qsort(fo->v, fo->n, sizeof *fo->v, cmp_file);
	if (fn->n)
		qsort(fn->v, fn->n, sizeof *fn->v, cmp_file);
	return 0;
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
