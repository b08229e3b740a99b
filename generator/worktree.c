/* worktree.c: the published branch written out as plain files for a web
 * server ([publish] worktree), kept at the branch tip after each
 * publication. The folder holds the site's files and nothing else: what
 * planpress knows about it (the commit it holds, each file's blob and
 * status) lives in the publish repository, so no .git, manifest or cache
 * is ever served. A folder changed by hand is left alone. */
#include "worktree.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "binrec.h"
#include "buf.h"
#include "digest.h"
#include "gitutil.h"
#include "i18n.h"
#include "output.h"
#include "xalloc.h"

/* One file of the folder as planpress wrote it. */
struct wfile {
	char *path;                /* relative to the folder */
	git_oid oid;               /* its blob */
	uint64_t size, ino;
	int64_t mtime, ctime;
	int seen;                  /* found in the folder (while checking it) */
};

struct wstate {
	git_oid commit;            /* what the folder holds */
	struct wfile *v;           /* sorted by path */
	size_t n, cap;
};

static void state_free(struct wstate *s)
{
	for (size_t i = 0; i < s->n; i++)
		free(s->v[i].path);
	free(s->v);
	memset(s, 0, sizeof *s);
}

static struct wfile *state_add(struct wstate *s, const char *path)
{
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 256;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	struct wfile *f = &s->v[s->n++];
	memset(f, 0, sizeof *f);
	f->path = xstrdup(path);
	return f;
}

static int wfile_cmp(const void *x, const void *y)
{
	return strcmp(((const struct wfile *)x)->path, ((const struct wfile *)y)->path);
}

static struct wfile *state_find(const struct wstate *s, const char *path)
{
	struct wfile key = { .path = (char *)path };
	return bsearch(&key, s->v, s->n, sizeof *s->v, wfile_cmp);
}

static void set_stat(struct wfile *f, const struct stat *st)
{
	f->size = (uint64_t)st->st_size;
	f->ino = (uint64_t)st->st_ino;
	f->mtime = (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec;
	f->ctime = (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec;
}

static int stat_same(const struct wfile *f, const struct stat *st)
{
	struct wfile now;
	set_stat(&now, st);
	return now.size == f->size && now.ino == f->ino && now.mtime == f->mtime && now.ctime == f->ctime;
}

/* ---- the state file, in the publish repository ------------------------------ */

#define WORKTREE_HEADER "planpress-worktree 1\n"

/* Where the state of the folder whose absolute path is dir is kept. */
static void state_path(const char *repo_abs, const char *dir, struct buf *out)
{
	struct digest h;
	unsigned char d[DIGEST_LEN];
	digest_init(&h);
	digest_feed(&h, dir, strlen(dir));
	digest_final(&h, d);
	buf_printf(out, "%s/planpress-worktrees/", repo_abs);
	for (int i = 0; i < 8; i++)
		buf_printf(out, "%02x", d[i]);
}

/* 0 with s filled; -1 when there is no state (or it is not one). */
static int state_read(const char *file, const char *dir, struct wstate *s)
{
	struct buf b = BUF_INIT;
	int rc = -1;
	size_t hl = strlen(WORKTREE_HEADER);
	if (buf_read_file_max(&b, file, 1u << 30) < 0 || b.len < hl || memcmp(b.data, WORKTREE_HEADER, hl) != 0)
		goto out;
	struct binrec_rd r = binrec_rd(b.data + hl, b.len - hl);
	size_t dl;
	const char *d = binrec_str(&r, &dl);
	const void *c = binrec_bytes(&r, GIT_OID_RAWSZ);
	if (r.bad || dl != strlen(dir) || memcmp(d, dir, dl) != 0)
		goto out;
	git_oid_fromraw(&s->commit, c);
	uint64_t n = binrec_var(&r);
	for (uint64_t i = 0; i < n && !r.bad; i++) {
		size_t pl;
		const char *p = binrec_str(&r, &pl);
		const void *o = binrec_bytes(&r, GIT_OID_RAWSZ);
		if (r.bad)
			break;
		char *path = xstrndup(p, pl);
		struct wfile *f = state_add(s, path);
		free(path);
		git_oid_fromraw(&f->oid, o);
		f->size = binrec_var(&r);
		f->ino = binrec_var(&r);
		f->mtime = (int64_t)binrec_var(&r);
		f->ctime = (int64_t)binrec_var(&r);
	}
	if (r.bad || r.p != r.end) {
		state_free(s);
		goto out;
	}
	qsort(s->v, s->n, sizeof *s->v, wfile_cmp);
	rc = 0;
out:
	buf_free(&b);
	return rc;
}

static int state_write(const char *file, const char *dir, const struct wstate *s)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, WORKTREE_HEADER);
	binrec_put_str(&b, dir, strlen(dir));
	buf_put(&b, s->commit.id, GIT_OID_RAWSZ);
	binrec_put_var(&b, s->n);
	for (size_t i = 0; i < s->n; i++) {
		const struct wfile *f = &s->v[i];
		binrec_put_str(&b, f->path, strlen(f->path));
		buf_put(&b, f->oid.id, GIT_OID_RAWSZ);
		binrec_put_var(&b, f->size);
		binrec_put_var(&b, f->ino);
		binrec_put_var(&b, (uint64_t)f->mtime);
		binrec_put_var(&b, (uint64_t)f->ctime);
	}
	int rc = binrec_write(file, &b);
	buf_free(&b);
	return rc;
}

/* ---- the folder ----------------------------------------------------------------- */

/* A file planpress did not write, or one it wrote that changed or went. */
struct change {
	size_t n;
	struct buf first;          /* the first one, for the message */
};

static void changed(struct change *c, const char *rel)
{
	if (!c->n++)
		buf_puts(&c->first, rel);
}

/* Compares the folder under dir/rel with s: files not in s, or whose
 * status changed and whose blob is not the one s names, count as changes. */
static void check_dir(const char *dir, const char *rel, struct wstate *s, struct change *c, int depth)
{
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s%s%s", dir, *rel ? "/" : "", rel);
	DIR *dp = opendir(buf_cstr(&path));
	if (!dp) {
		changed(c, *rel ? rel : ".");
		buf_free(&path);
		return;
	}
	for (struct dirent *e; (e = readdir(dp));) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		struct buf r = BUF_INIT, full = BUF_INIT;
		struct stat st;
		buf_printf(&r, "%s%s%s", rel, *rel ? "/" : "", e->d_name);
		buf_printf(&full, "%s/%s", dir, buf_cstr(&r));
		if (lstat(buf_cstr(&full), &st) < 0) {
			changed(c, buf_cstr(&r));
		} else if (S_ISDIR(st.st_mode) && depth < 64) {
			check_dir(dir, buf_cstr(&r), s, c, depth + 1);
		} else {
			struct wfile *f = S_ISREG(st.st_mode) ? state_find(s, buf_cstr(&r)) : NULL;
			git_oid oid;
			if (!f)
				changed(c, buf_cstr(&r));
			else if (!stat_same(f, &st) &&
			         (git_odb_hashfile(&oid, buf_cstr(&full), GIT_OBJECT_BLOB) < 0 || !git_oid_equal(&oid, &f->oid)))
				changed(c, buf_cstr(&r));
			else
				set_stat(f, &st);   /* the same bytes with a new status */
			if (f)
				f->seen = 1;
		}
		buf_free(&r);
		buf_free(&full);
	}
	closedir(dp);
	buf_free(&path);
}

/* Writes blob oid of r to dir/rel through a temp file and a rename. */
static int write_blob(git_repository *r, const git_oid *oid, const char *dir, const char *rel, struct stat *st)
{
	git_blob *blob = NULL;
	struct buf path = BUF_INIT, tmp = BUF_INIT, parent = BUF_INIT;
	int rc = -1;
	buf_printf(&path, "%s/%s", dir, rel);
	const char *slash = strrchr(buf_cstr(&path), '/');
	buf_put(&parent, path.data, (size_t)(slash - path.data));
	buf_printf(&tmp, "%s/.%s.tmp-%ld-0", buf_cstr(&parent), slash + 1, (long)getpid());
	if (git_blob_lookup(&blob, r, oid) < 0 || output_mkdirs(buf_cstr(&parent)) < 0)
		goto out;
	FILE *f = fopen(buf_cstr(&tmp), "wb");
	if (!f)
		goto out;
	size_t n = (size_t)git_blob_rawsize(blob);
	int ok = fwrite(git_blob_rawcontent(blob), 1, n, f) == n;
	ok = fclose(f) == 0 && ok;
	if (!ok || rename(buf_cstr(&tmp), buf_cstr(&path)) < 0 || lstat(buf_cstr(&path), st) < 0) {
		unlink(buf_cstr(&tmp));
		goto out;
	}
	rc = 0;
out:
	git_blob_free(blob);
	buf_free(&path);
	buf_free(&tmp);
	buf_free(&parent);
	return rc;
}

/* Removes dir/rel and the folders it leaves empty. */
static void remove_file(const char *dir, const char *rel)
{
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", dir, rel);
	unlink(buf_cstr(&p));
	for (char *s = strrchr(p.data, '/'); s && (size_t)(s - p.data) > strlen(dir); s = strrchr(p.data, '/')) {
		*s = '\0';
		if (rmdir(p.data) < 0)
			break;
	}
	buf_free(&p);
}

struct walk_ctx {
	git_repository *r;
	const char *dir;
	const struct wstate *old;
	struct wstate *now;
	int failed;
	struct buf bad;
};

static int tree_cb(const char *root, const git_tree_entry *e, void *payload)
{
	struct walk_ctx *w = payload;
	if (git_tree_entry_type(e) != GIT_OBJECT_BLOB)
		return 0;
	struct buf rel = BUF_INIT;
	buf_printf(&rel, "%s%s", root, git_tree_entry_name(e));
	const git_oid *oid = git_tree_entry_id(e);
	const struct wfile *was = w->old ? state_find(w->old, buf_cstr(&rel)) : NULL;
	struct wfile *f = state_add(w->now, buf_cstr(&rel));
	git_oid_cpy(&f->oid, oid);
	if (was && git_oid_equal(&was->oid, oid)) {
		f->size = was->size;
		f->ino = was->ino;
		f->mtime = was->mtime;
		f->ctime = was->ctime;
	} else {
		struct stat st;
		if (write_blob(w->r, oid, w->dir, buf_cstr(&rel), &st) < 0) {
			if (!w->failed++)
				buf_puts(&w->bad, buf_cstr(&rel));
		} else {
			set_stat(f, &st);
		}
	}
	buf_free(&rel);
	return 0;
}

/* An older planpress cloned the branch into the folder: a .git there. When
 * that checkout is clean and is ours, its commit becomes the state and the
 * .git goes (it is served otherwise); else the folder is left alone. 0:
 * migrated (s filled), 1: left alone (d says why), 2: error. */
static int migrate(git_repository *r, const char *repo_abs, const char *dir, struct wstate *s, struct diags *d)
{
	git_repository *wt = NULL;
	git_status_list *sl = NULL;
	git_config *cfg = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	int rc = 1;
	/* The origin's URL read from the configuration as it is (a remote
	 * lookup would apply url.*.insteadOf rules). */
	const char *origin_url = NULL;
	if (git_repository_open_ext(&wt, dir, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 || git_repository_is_bare(wt) ||
	    git_repository_config_snapshot(&cfg, wt) < 0 || git_config_get_string(&origin_url, cfg, "remote.origin.url") < 0) {
		diag_add(d, DIAG_WARNING, dir, 0, 0, NULL, 0,
		         "[publish] worktree is not a folder planpress made; left alone (empty it, and the next "
		         "publication writes it)");
		goto out;
	}
	char *url = realpath(origin_url, NULL);
	int ours = url && strcmp(url, repo_abs) == 0;
	free(url);
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	git_oid head;
	if (!ours || git_status_list_new(&sl, wt, &so) < 0 || git_status_list_entrycount(sl) ||
	    git_reference_name_to_id(&head, wt, "HEAD") < 0) {
		diag_add(d, DIAG_WARNING, dir, 0, 0, NULL, 0,
		         "[publish] worktree is a git checkout an older planpress made, with local modifications or "
		         "of another repository; left alone, and its .git is served: remove the folder, and the "
		         "next publication writes it without one");
		goto out;
	}
	/* The checkout's files are the commit's: the state says so. */
	rc = 2;
	if (git_commit_lookup(&commit, r, &head) < 0 || git_commit_tree(&tree, commit) < 0) {
		gitutil_fail(d, "cannot read the publication %s holds", dir);
		goto out;
	}
	git_oid_cpy(&s->commit, &head);
	struct walk_ctx w = { r, dir, NULL, s, 0, BUF_INIT };
	git_repository_free(wt);
	wt = NULL;
	struct buf gd = BUF_INIT;
	buf_printf(&gd, "%s/.git", dir);
	output_remove_tree(buf_cstr(&gd));
	buf_free(&gd);
	/* Written again from the repository: the same bytes, now with a state. */
	git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, &w);
	buf_free(&w.bad);
	if (w.failed) {
		gitutil_fail(d, "cannot write the publication into %s", dir);
		goto out;
	}
	qsort(s->v, s->n, sizeof *s->v, wfile_cmp);
	diag_add(d, DIAG_NOTE, dir, 0, 0, NULL, 0,
	         "[publish] worktree: the .git an older planpress left there is gone; the folder now holds "
	         "the site's files only");
	rc = 0;
out:
	git_tree_free(tree);
	git_commit_free(commit);
	git_config_free(cfg);
	git_status_list_free(sl);
	git_repository_free(wt);
	return rc;
}

int worktree_update(const char *repo, const char *branch, const char *path, struct diags *d)
{
	git_libgit2_init();
	struct arena *a = arena_new();
	git_repository *r = NULL;
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	struct wstate old = { 0 }, now = { 0 };
	struct buf sfile = BUF_INIT, gitdir = BUF_INIT;
	struct change ch = { 0, BUF_INIT };
	char *dir = NULL;
	int rc = 2, have_old = 0;
	char *abs = realpath(repo, NULL);
	if (!abs) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publish repository at %s", repo);
		goto out;
	}
	const char *refname = gitutil_branch_ref(a, branch);
	git_oid tip;
	int found;
	if ((rc = gitutil_open(abs, 0, branch, &r, NULL, d)) != 0 || !r ||
	    (rc = gitutil_branch_tip(r, refname, &tip, &found, d)) != 0)
		goto out;
	rc = 2;
	if (!found || git_commit_lookup(&commit, r, &tip) < 0 || git_commit_tree(&tree, commit) < 0) {
		gitutil_fail(d, "cannot find the publication to write into %s", path);
		goto out;
	}
	if (output_mkdirs(path) < 0 || !(dir = realpath(path, NULL))) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot make the worktree folder: %s", diag_errstr(errno));
		goto out;
	}
	state_path(abs, dir, &sfile);
	buf_printf(&gitdir, "%s/.git", dir);
	struct stat st;
	if (lstat(buf_cstr(&gitdir), &st) == 0) {
		if ((rc = migrate(r, abs, dir, &old, d)) != 0)
			goto out;
		have_old = 1;
	} else if (state_read(buf_cstr(&sfile), dir, &old) == 0) {
		have_old = 1;
	} else {
		/* No state: only an empty folder is ours to fill. */
		DIR *dp = opendir(dir);
		int empty = 1;
		for (struct dirent *e; dp && empty && (e = readdir(dp));)
			empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
		if (dp)
			closedir(dp);
		if (!empty) {
			diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
			         "[publish] worktree is not a folder planpress wrote; left alone (empty it, and the "
			         "next publication writes it)");
			rc = 1;
			goto out;
		}
	}
	if (have_old) {
		check_dir(dir, "", &old, &ch, 0);
		for (size_t i = 0; i < old.n; i++)
			if (!old.v[i].seen)
				changed(&ch, old.v[i].path);
		if (ch.n) {
			diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
			         i18n_plural("the worktree has local modifications (%zu file, e.g. %s); it was left as it is",
			                     "the worktree has local modifications (%zu files, e.g. %s); it was left as it is",
			                     ch.n),
			         ch.n, buf_cstr(&ch.first));
			/* What was read of it stays true: a later check starts from here. */
			state_write(buf_cstr(&sfile), dir, &old);
			rc = 1;
			goto out;
		}
	}
	git_oid_cpy(&now.commit, &tip);
	struct walk_ctx w = { r, dir, have_old ? &old : NULL, &now, 0, BUF_INIT };
	git_tree_walk(tree, GIT_TREEWALK_PRE, tree_cb, &w);
	qsort(now.v, now.n, sizeof *now.v, wfile_cmp);
	for (size_t i = 0; i < old.n; i++)
		if (!state_find(&now, old.v[i].path))
			remove_file(dir, old.v[i].path);
	if (w.failed) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         i18n_plural("cannot write %zu file of the publication (e.g. %s)",
		                     "cannot write %zu files of the publication (e.g. %s)", (unsigned long)w.failed),
		         (size_t)w.failed, buf_cstr(&w.bad));
		buf_free(&w.bad);
		goto out;
	}
	buf_free(&w.bad);
	if (state_write(buf_cstr(&sfile), dir, &now) < 0) {
		diag_add(d, DIAG_ERROR, buf_cstr(&sfile), 0, 0, NULL, 0, "cannot write: %s", diag_errstr(errno));
		goto out;
	}
	rc = 0;
out:
	state_free(&old);
	state_free(&now);
	buf_free(&ch.first);
	buf_free(&sfile);
	buf_free(&gitdir);
	free(dir);
	free(abs);
	git_tree_free(tree);
	git_commit_free(commit);
	git_repository_free(r);
	arena_free(a);
	git_libgit2_shutdown();
	return rc;
}
