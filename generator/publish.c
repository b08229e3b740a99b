/* publish.c: the output folder committed to a bare repository with libgit2: blobs straight
 * into the object database (unchanged files known by their stat), trees from an in-memory
 * index, the branch moved by compare-and-swap; push, worktree, history and diffs. */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/wait.h>
#include <signal.h>
#include <sys/stat.h>
#include <time.h>

#include <git2.h>

#include "buf.h"
#include "json.h"
#include "output.h"
#include "pool.h"
#include "utf8.h"
#include "xalloc.h"

/* The stat cache: what was last published, kept in the repository's own
 * folder (git ignores files it does not know there), so that a file whose
 * size, mtime and inode did not change is not read and hashed again. */
#define STAT_CACHE "planpress-stat-cache"
#define STAT_CACHE_MAGIC "planpress-stat-cache 1"
/* A file modified within this many seconds of the cache being written may
 * change again within the same mtime tick: it is hashed next time (git's
 * "racy" entries). */
#define STAT_CACHE_RACY 2
/* The changes page lists at most this many publications: each one costs a
 * tree comparison at build time. */
#define PUBLISH_HISTORY_MAX 1000

/* Records the failed operation with libgit2's reason. */
static void gfail(struct diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void gfail(struct diags *d, const char *fmt, ...)
{
	struct buf b = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&b, fmt, ap);
	va_end(ap);
	const git_error *e = git_error_last();
	if (e && e->message)
		buf_printf(&b, ": %s", e->message);
	diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "%s", buf_cstr(&b));
	buf_free(&b);
}

static void oid_hex(const git_oid *id, char out[41])
{
	git_oid_tostr(out, 41, id);
}

static void short_hex(const git_oid *id, char out[8])
{
	git_oid_tostr(out, 8, id);
}

/* Opens repo; when create is set and nothing exists at the path, creates it
 * bare with branch as its initial branch. *missing is set (and 0 returned)
 * when it does not exist and create is not set. */
static int open_repo(const char *path, int create, const char *branch, git_repository **r,
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
			gfail(d, "cannot create the publish repository %s", path);
			return 2;
		}
		return 0;
	}
	if (git_repository_open_ext(r, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		gfail(d, "cannot open the publish repository %s", path);
		return 2;
	}
	return 0;
}

static const char *branch_ref(struct arena *a, const char *branch)
{
	return arena_printf(a, "refs/heads/%s", branch);
}

/* The branch tip; 0 with *found = 0 when the branch does not exist. */
static int branch_tip(git_repository *r, const char *refname, git_oid *tip, int *found, struct diags *d)
{
	git_reference *ref = NULL, *res = NULL;
	*found = 0;
	int e = git_reference_lookup(&ref, r, refname);
	if (e == GIT_ENOTFOUND)
		return 0;
	if (e < 0 || git_reference_resolve(&res, ref) < 0) {
		gfail(d, "cannot read %s", refname);
		git_reference_free(ref);
		return 2;
	}
	git_oid_cpy(tip, git_reference_target(res));
	*found = 1;
	git_reference_free(res);
	git_reference_free(ref);
	return 0;
}

/* ---- a lock on the branch -------------------------------------------------------- */

/* How long a lock with no holder is watched before it is called stale: a
 * writer closes its lock file a moment before renaming it into place. */
#define LOCK_SETTLE_MS 100

/* The process (not this one) that has path open, found through /proc/PID/fd;
 * its name in comm. 0 when none does; *unsure is set when the open files of
 * some processes (other users') could not be read. */
static long lock_holder(const char *path, char *comm, size_t commlen, int *unsure)
{
	DIR *proc = opendir("/proc");
	long found = 0;
	*unsure = 0;
	comm[0] = '\0';
	if (!proc) {
		*unsure = 1;
		return 0;
	}
	long self = (long)getpid();
	struct dirent *e;
	char fdpath[PATH_MAX], target[PATH_MAX];
	while (!found && (e = readdir(proc)) != NULL) {
		char *end;
		long pid = strtol(e->d_name, &end, 10);
		if (*end || pid <= 0 || pid == self)
			continue;
		snprintf(fdpath, sizeof fdpath, "/proc/%ld/fd", pid);
		DIR *fds = opendir(fdpath);
		if (!fds) {
			if (errno == EACCES || errno == EPERM)
				*unsure = 1;
			continue;
		}
		struct dirent *f;
		while (!found && (f = readdir(fds)) != NULL) {
			if (f->d_name[0] == '.')
				continue;
			snprintf(fdpath, sizeof fdpath, "/proc/%ld/fd/%s", pid, f->d_name);
			ssize_t n = readlink(fdpath, target, sizeof target - 1);
			if (n > 0) {
				target[n] = '\0';
				if (strcmp(target, path) == 0)
					found = pid;
			}
		}
		closedir(fds);
	}
	closedir(proc);
	if (found) {
		snprintf(fdpath, sizeof fdpath, "/proc/%ld/comm", found);
		FILE *f = fopen(fdpath, "r");
		if (f) {
			if (fgets(comm, (int)commlen, f))
				comm[strcspn(comm, "\n")] = '\0';
			fclose(f);
		}
	}
	return found;
}

/* path quoted for sh: 'a'\''b' */
static const char *sh_quote(struct arena *a, const char *path)
{
	struct buf b = BUF_INIT;
	buf_putc(&b, '\'');
	for (const char *p = path; *p; p++)
		if (*p == '\'')
			buf_puts(&b, "'\\''");
		else
			buf_putc(&b, *p);
	buf_putc(&b, '\'');
	const char *r = arena_strndup(a, b.data, b.len);
	buf_free(&b);
	return r;
}

/* Looks at the lock file git and libgit2 take to move the branch
 * (refs/heads/BRANCH.lock). Returns 0 when there is none; 1 when one is left
 * by a writer that stopped (nothing holds it open), recorded in d with the
 * command that removes it; 2 when a running process holds it, recorded in d
 * only when report_held is set. */
static int branch_lock(struct arena *a, git_repository *r, const char *repo, const char *branch,
                       int report_held, struct diags *d)
{
	char *gitdir = realpath(git_repository_path(r), NULL);
	if (!gitdir)
		return 0;
	const char *path = arena_printf(a, "%s/refs/heads/%s.lock", gitdir, branch);
	free(gitdir);
	struct stat before, after;
	if (lstat(path, &before) < 0)
		return 0;
	char comm[64];
	int unsure = 0;
	long pid = lock_holder(path, comm, sizeof comm, &unsure);
	if (!pid) {
		struct timespec ts = { 0, LOCK_SETTLE_MS * 1000 * 1000 };
		nanosleep(&ts, NULL);
		if (lstat(path, &after) < 0)
			return 0;   /* its writer finished */
		if (after.st_ino != before.st_ino)
			pid = lock_holder(path, comm, sizeof comm, &unsure);
	}
	if (pid) {
		if (report_held)
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
			         "branch '%s' of %s is being updated right now by process %ld (%s), which holds this lock; "
			         "nothing was published (run planpress publish again once it has finished)",
			         branch, repo, pid, comm[0] ? comm : "?");
		return 2;
	}
	diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
	         "branch '%s' of %s is locked by this file, left behind by a git or planpress process that "
	         "stopped (no running process has it open); nothing was published. Remove it, then publish "
	         "again: rm %s", branch, repo, sh_quote(a, path));
	if (unsure)
		diag_add(d, DIAG_NOTE, path, 0, 0, NULL, 0,
		         "the processes of other users could not be looked at: make sure none of them is "
		         "writing to %s before removing the lock", repo);
	return 1;
}

int publish_begin(const char *repo, const char *branch, struct publish_start *st, struct diags *d)
{
	git_libgit2_init();
	struct arena *a = arena_new();
	git_repository *r = NULL;
	st->id[0] = '\0';
	int rc = open_repo(repo, 1, branch, &r, NULL, d);
	if (rc)
		goto out;
	int valid = 0;
	if (git_reference_name_is_valid(&valid, branch_ref(a, branch)) < 0 || !valid) {
		diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0, "[publish] branch '%s' is not a valid branch name", branch);
		rc = 2;
		goto out;
	}
	git_oid tip;
	int found;
	rc = branch_tip(r, branch_ref(a, branch), &tip, &found, d);
	if (!rc && found)
		oid_hex(&tip, st->id);
	/* A stale lock would only fail the commit after the whole build. */
	if (!rc && branch_lock(a, r, repo, branch, 0, d) == 1)
		rc = 1;
out:
	git_repository_free(r);
	arena_free(a);
	git_libgit2_shutdown();
	return rc;
}

/* ---- the private build folder ------------------------------------------------- */

/* publish builds into a folder of its own inside the repository's folder
 * (git ignores files it does not know there), so that what it commits is
 * exactly what it built, whatever another build writes into public/ in the
 * meantime. One publish at a time uses the lasting folder (so the stat cache
 * knows its files); a publish that finds it taken builds in a one-off folder. */
#define STAGE_DIR "planpress-build"
#define STAGE_LOCK "planpress-build.lock"
/* A one-off folder's own lock file: a folder whose lock nobody holds was
 * left by a publish that was stopped, and is removed. */
#define STAGE_TMP_PREFIX "planpress-build-"
#define STAGE_TMP_LOCK ".planpress-stage-lock"

/* Removes the folder path and everything in it (a folder publish made). */
static int rm_tree(const char *path)
{
	struct stat st;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	DIR *dir = opendir(path);
	if (!dir)
		return -1;
	struct dirent *e;
	int rc = 0;
	while ((e = readdir(dir)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		size_t n = strlen(path) + strlen(e->d_name) + 2;
		char *sub = xmalloc(n);
		snprintf(sub, n, "%s/%s", path, e->d_name);
		if (rm_tree(sub) < 0)
			rc = -1;
		free(sub);
	}
	closedir(dir);
	return rmdir(path) < 0 ? -1 : rc;
}

/* Takes path's lock without waiting: the descriptor, or -1 (errno
 * EWOULDBLOCK when another process holds it). */
static int try_lock(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	if (flock(fd, LOCK_EX | LOCK_NB) < 0) {
		int e = errno;
		close(fd);
		errno = e;
		return -1;
	}
	return fd;
}

/* One-off folders of publishes that were stopped (their lock is free). */
static void remove_stale_stages(const char *gitdir)
{
	DIR *dir = opendir(gitdir);
	if (!dir)
		return;
	struct dirent *e;
	while ((e = readdir(dir)) != NULL) {
		if (strncmp(e->d_name, STAGE_TMP_PREFIX, strlen(STAGE_TMP_PREFIX)) != 0)
			continue;
		char sub[PATH_MAX], lock[PATH_MAX + 32];
		snprintf(sub, sizeof sub, "%s%s", gitdir, e->d_name);
		snprintf(lock, sizeof lock, "%s/%s", sub, STAGE_TMP_LOCK);
		int fd = open(lock, O_RDWR | O_CLOEXEC);
		if (fd < 0)
			continue;   /* not one of ours, or being made right now */
		if (flock(fd, LOCK_EX | LOCK_NB) == 0)
			rm_tree(sub);
		close(fd);
	}
	closedir(dir);
}

int publish_stage_open(const char *repo, struct publish_stage *s, struct diags *d)
{
	git_libgit2_init();
	git_repository *r = NULL;
	memset(s, 0, sizeof *s);
	s->lock_fd = -1;
	int rc = 2;
	if (git_repository_open_ext(&r, repo, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0) {
		gfail(d, "cannot open the publish repository %s", repo);
		goto out;
	}
	const char *gitdir = git_repository_path(r);   /* ends in '/' */
	char lock[sizeof s->dir + 64];
	snprintf(lock, sizeof lock, "%s%s", gitdir, STAGE_LOCK);
	s->lock_fd = try_lock(lock);
	if (s->lock_fd >= 0) {
		remove_stale_stages(gitdir);
		snprintf(s->dir, sizeof s->dir, "%s%s", gitdir, STAGE_DIR);
		rc = 0;
		goto out;
	}
	if (errno != EWOULDBLOCK && errno != EAGAIN) {
		diag_add(d, DIAG_ERROR, lock, 0, 0, NULL, 0, "cannot lock: %s", diag_errstr(errno));
		goto out;
	}
	/* Another publish is building: this one builds on its own. */
	snprintf(s->dir, sizeof s->dir, "%s%sXXXXXX", gitdir, STAGE_TMP_PREFIX);
	if (!mkdtemp(s->dir)) {
		diag_add(d, DIAG_ERROR, s->dir, 0, 0, NULL, 0, "cannot create a build folder: %s", diag_errstr(errno));
		s->dir[0] = '\0';
		goto out;
	}
	s->temporary = 1;
	snprintf(lock, sizeof lock, "%s/%s", s->dir, STAGE_TMP_LOCK);
	if ((s->lock_fd = try_lock(lock)) < 0) {
		diag_add(d, DIAG_ERROR, lock, 0, 0, NULL, 0, "cannot lock: %s", diag_errstr(errno));
		goto out;
	}
	rc = 0;
out:
	git_repository_free(r);
	git_libgit2_shutdown();
	if (rc)
		publish_stage_close(s);
	return rc;
}

int publish_stage_export(const struct publish_stage *s, const char *out_dir, struct diags *d)
{
	struct output_manifest man;
	if (output_manifest_read(s->dir, &man) < 0) {
		char mpath[PATH_MAX + 32];
		snprintf(mpath, sizeof mpath, "%s/%s", s->dir, OUTPUT_MANIFEST);
		diag_add(d, DIAG_ERROR, mpath, 0, 0, NULL, 0, "cannot read the build's manifest: %s", diag_errstr(errno));
		return -1;
	}
	struct arena *a = arena_new();
	struct out_file *files = arena_alloc(a, (man.n + 1) * sizeof *files);
	for (size_t i = 0; i < man.n; i++)
		files[i] = (struct out_file){ .rel = man.rel[i], .copy_from = arena_printf(a, "%s/%s", s->dir, man.rel[i]) };
	struct output_stats os;
	int rc = output_commit(out_dir, files, man.n, pool_cpus(), &os, d);
	arena_free(a);
	output_manifest_free(&man);
	return rc;
}

void publish_stage_close(struct publish_stage *s)
{
	if (s->temporary && s->dir[0])
		rm_tree(s->dir);
	if (s->lock_fd >= 0)
		close(s->lock_fd);
	s->lock_fd = -1;
	s->dir[0] = '\0';
	s->temporary = 0;
}

/* ---- the stat cache ------------------------------------------------------------ */

struct centry {
	const char *path;
	git_oid id;
	long long size, sec, nsec;
	unsigned long long ino;
};

struct cache {
	struct centry *v;
	size_t n, cap;
	git_oid commit;     /* the tip the cache was written for */
	int has_commit;
};

static void cache_push(struct arena *a, struct cache *c, const struct centry *e)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		c->v = arena_realloc(a, c->v, c->cap * sizeof *c->v, cap * sizeof *c->v);
		c->cap = cap;
	}
	c->v[c->n++] = *e;
}

/* A damaged or foreign cache is only a slower publish: it is ignored. */
static void cache_load(struct arena *a, const char *path, struct cache *c)
{
	struct buf b = BUF_INIT;
	memset(c, 0, sizeof *c);
	if (buf_read_file(&b, path) < 0 || !b.len)
		goto out;
	const char *s = buf_cstr(&b), *end = s + b.len;
	const char *nl = memchr(s, '\n', b.len);
	size_t ml = strlen(STAT_CACHE_MAGIC);
	if (!nl || (size_t)(nl - s) < ml + 1 + 40 || memcmp(s, STAT_CACHE_MAGIC " ", ml + 1) != 0 ||
	    git_oid_fromstrn(&c->commit, s + ml + 1, 40) < 0)
		goto out;
	c->has_commit = 1;
	for (s = nl + 1; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			break;
		struct centry e;
		int off = 0;
		if (nl - s < 41 || git_oid_fromstrn(&e.id, s, 40) < 0 ||
		    sscanf(s + 40, " %lld %lld %lld %llu %n", &e.size, &e.sec, &e.nsec, &e.ino, &off) != 4 || !off)
			break;
		e.path = arena_strndup(a, s + 40 + off, (size_t)(nl - (s + 40 + off)));
		cache_push(a, c, &e);
	}
out:
	buf_free(&b);
}

static int cmp_centry(const void *x, const void *y)
{
	return strcmp(((const struct centry *)x)->path, ((const struct centry *)y)->path);
}

static const struct centry *cache_find(const struct cache *c, const char *path)
{
	struct centry key = { .path = path };
	return c->n ? bsearch(&key, c->v, c->n, sizeof *c->v, cmp_centry) : NULL;
}

static void cache_save(const char *path, const struct cache *c, const git_oid *commit)
{
	struct buf b = BUF_INIT;
	char hex[41];
	oid_hex(commit, hex);
	buf_printf(&b, "%s %s\n", STAT_CACHE_MAGIC, hex);
	long long now = (long long)time(NULL);
	for (size_t i = 0; i < c->n; i++) {
		const struct centry *e = &c->v[i];
		if (e->sec >= now - STAT_CACHE_RACY)
			continue;
		oid_hex(&e->id, hex);
		buf_printf(&b, "%s %lld %lld %lld %llu %s\n", hex, e->size, e->sec, e->nsec, e->ino, e->path);
	}
	/* Losing the cache only costs time: a failed write is not an error. */
	(void)output_write_atomic(path, b.data ? b.data : "", b.len);
	buf_free(&b);
}

/* ---- the files of the output and of a tree ------------------------------------- */

static int bad_path(const char *p)
{
	if (!*p || *p == '/')
		return 1;
	for (const char *s = p; *s;) {
		const char *e = strchr(s, '/');
		size_t n = e ? (size_t)(e - s) : strlen(s);
		if (n == 0 || (n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.') ||
		    (n == 4 && ASCII_LOWER((unsigned char)s[0]) == '.' && ASCII_LOWER((unsigned char)s[1]) == 'g' &&
		     ASCII_LOWER((unsigned char)s[2]) == 'i' && ASCII_LOWER((unsigned char)s[3]) == 't'))
			return 1;
		s += n + (e != NULL);
	}
	return 0;
}

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
	oid_hex(id, hex);
	f->v[f->n++] = (struct revdiff_file){ path, hex };
}

static int cmp_file(const void *x, const void *y)
{
	return strcmp(((const struct revdiff_file *)x)->path, ((const struct revdiff_file *)y)->path);
}

struct reader {
	git_repository *r;
	struct arena *a;
};

static int read_blob(void *ud, int side, const struct revdiff_file *f, const char **data, size_t *len,
                     struct diags *d)
{
	struct reader *rd = ud;
	git_oid id;
	git_blob *b = NULL;
	if (git_oid_fromstr(&id, f->id) < 0 || git_blob_lookup(&b, rd->r, &id) < 0) {
		gfail(d, "cannot read %s (%s)", f->path, f->id);
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
		gfail(d, "cannot compare two trees");
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

static int compare_trees(struct arena *a, git_repository *r, git_tree *old, git_tree *new,
                         const struct revdiff_opts *o, struct revdiff *out, struct diags *d)
{
	struct files fo, fn;
	int rc = changed_files(a, r, old, new, &fo, &fn, d);
	if (rc)
		return rc;
	struct reader rd = { r, a };
	struct revdiff_source src = { read_blob, &rd };
	return revdiff_compare(a, fo.v, fo.n, fn.v, fn.n, &src, o, out, d) < 0 ? 2 : 0;
}

/* ---- committing ---------------------------------------------------------------- */

static int author(const struct publish_opts *o, git_signature **sig, struct diags *d)
{
	const char *name = o->author_name, *email = o->author_email;
	if (!name)
		name = getenv("GIT_AUTHOR_NAME");
	if (!name)
		name = getenv("GIT_COMMITTER_NAME");
	if (!email)
		email = getenv("GIT_AUTHOR_EMAIL");
	if (!email)
		email = getenv("GIT_COMMITTER_EMAIL");
	if (!name || !*name || !email || !*email) {
		diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
		         "no author for the publication: set author_name and author_email in [publish], "
		         "or GIT_AUTHOR_NAME and GIT_AUTHOR_EMAIL in the environment");
		return 2;
	}
	const char *sde = getenv("SOURCE_DATE_EPOCH");
	int e;
	if (sde && *sde) {
		char *end;
		errno = 0;
		long long t = strtoll(sde, &end, 10);
		if (*end || errno || t < 0) {
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "SOURCE_DATE_EPOCH must be seconds since 1970, got '%s'", sde);
			return 2;
		}
		e = git_signature_new(sig, name, email, (git_time_t)t, 0);
	} else {
		e = git_signature_now(sig, name, email);
	}
	if (e < 0) {
		gfail(d, "invalid author '%s <%s>'", name, email);
		return 2;
	}
	return 0;
}

/* Number of commits on the first-parent chain ending at tip. */
static size_t chain_length(git_repository *r, const git_oid *tip)
{
	git_revwalk *w = NULL;
	size_t n = 0;
	git_oid id;
	if (git_revwalk_new(&w, r) < 0)
		return 0;
	git_revwalk_simplify_first_parent(w);
	if (git_revwalk_push(w, tip) == 0)
		while (git_revwalk_next(&id, w) == 0)
			n++;
	git_revwalk_free(w);
	return n;
}

const char *publish_tag_name(struct arena *a, const char *pattern, const char *date, size_t seq)
{
	struct buf b = BUF_INIT;
	for (const char *p = pattern; *p;) {
		if (strncmp(p, "{date}", 6) == 0) {
			buf_puts(&b, date);
			p += 6;
		} else if (strncmp(p, "{seq}", 5) == 0) {
			buf_printf(&b, "%zu", seq);
			p += 5;
		} else {
			buf_putc(&b, *p++);
		}
	}
	const char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

static void default_message(const struct publish_opts *o, struct buf *out)
{
	int y, m, dd;
	if (o->as_of && sscanf(o->as_of, "%d-%d-%d", &y, &m, &dd) == 3) {
		struct datetime dt = { .kind = DT_DATE, .year = y, .month = m, .day = dd };
		if (o->lang == LANG_EN)
			buf_puts(out, "Progress as of ");
		else
			buf_puts(out, "发布截至");
		lang_date(o->lang, &dt, out);
		if (o->lang != LANG_EN)
			buf_puts(out, "的进展");
	} else {
		buf_puts(out, o->lang == LANG_EN ? "Publish the site" : "发布网站");
	}
}

/* Files up to this size are read whole and stored in one call; larger ones
 * are streamed in STREAM_CHUNK pieces, so a big static file costs no more
 * memory than a small one (issue 9.18). */
#define STREAM_WHOLE_MAX (1u << 20)
#define STREAM_CHUNK (1u << 16)

/* Stores the file at path (size bytes when it was looked at) as a blob and
 * sets *id. Returns 0, -1 on a read error (errno set: EIO when the file
 * changed size while read) or -2 when libgit2 fails. An object that exists
 * already is not rewritten (libgit2 checks before writing). */
static int store_blob(git_odb *odb, const char *path, size_t size, git_oid *id, struct buf *scratch)
{
	if (size <= STREAM_WHOLE_MAX) {
		buf_reset(scratch);
		if (buf_read_file(scratch, path) < 0)
			return -1;
		return git_odb_write(id, odb, scratch->data ? scratch->data : "", scratch->len, GIT_OBJECT_BLOB) < 0
		           ? -2 : 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	git_odb_stream *ws = NULL;
	if (git_odb_open_wstream(&ws, odb, (git_object_size_t)size, GIT_OBJECT_BLOB) < 0) {
		close(fd);
		return -2;
	}
	char *chunk = xmalloc(STREAM_CHUNK);
	size_t left = size;
	int rc = 0;
	while (left > 0) {
		ssize_t n = read(fd, chunk, left < STREAM_CHUNK ? left : STREAM_CHUNK);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (n == 0)
				errno = EIO;   /* shorter than it was: it changed under us */
			rc = -1;
			break;
		}
		if (git_odb_stream_write(ws, chunk, (size_t)n) < 0) {
			rc = -2;
			break;
		}
		left -= (size_t)n;
	}
	char extra;
	if (rc == 0 && read(fd, &extra, 1) > 0) {
		errno = EIO;   /* longer than it was */
		rc = -1;
	}
	if (rc == 0 && git_odb_stream_finalize_write(id, ws) < 0)
		rc = -2;
	int e = errno;
	free(chunk);
	git_odb_stream_free(ws);
	close(fd);
	errno = e;
	return rc;
}

/* Adds every file of the manifest to idx, hashing only those the stat cache
 * does not vouch for. */
static int add_files(struct arena *a, git_repository *r, const struct publish_opts *o,
                     const struct cache *old, struct cache *now, git_index *idx,
                     struct publish_result *res, struct diags *d)
{
	int rc = 2;
	struct buf data = BUF_INIT;
	struct output_manifest man = { 0 };
	git_odb *odb = NULL;
	const char *mpath = arena_printf(a, "%s/%s", o->out_dir, OUTPUT_MANIFEST);
	if (output_manifest_read(o->out_dir, &man) < 0) {
		int e = errno;
		diag_add(d, DIAG_ERROR, mpath, 0, 0, NULL, 0, "cannot read the build's manifest: %s",
		         e == EINVAL ? "old or damaged (build again)" : diag_errstr(e));
		if (e == EINVAL)
			rc = 1;   /* like a manifest path that cannot be published */
		goto out;
	}
	if (git_repository_odb(&odb, r) < 0) {
		gfail(d, "cannot open the object database");
		goto out;
	}
	git_oid tip;
	int trusted = 0;
	if (old->has_commit && git_reference_name_to_id(&tip, r, branch_ref(a, o->branch)) == 0)
		trusted = git_oid_equal(&tip, &old->commit);
	for (size_t k = 0; k < man.n; k++) {
		const char *rel = arena_strndup(a, man.rel[k], strlen(man.rel[k]));
		if (bad_path(rel)) {
			diag_add(d, DIAG_ERROR, mpath, 0, 0, NULL, 0, "'%s' cannot be published (not a plain relative path)", rel);
			rc = 1;
			goto out;
		}
		const char *full = arena_printf(a, "%s/%s", o->out_dir, rel);
		struct stat st;
		if (lstat(full, &st) < 0 || !S_ISREG(st.st_mode)) {
			diag_add(d, DIAG_ERROR, full, 0, 0, NULL, 0, "%s (the manifest lists it; build again)",
			         errno && !S_ISREG(st.st_mode) ? diag_errstr(errno) : "not a regular file");
			rc = 1;
			goto out;
		}
		struct centry e = { rel, { { 0 } }, (long long)st.st_size, (long long)st.st_mtim.tv_sec,
		                    (long long)st.st_mtim.tv_nsec, (unsigned long long)st.st_ino };
		const struct centry *c = cache_find(old, rel);
		if (c && c->size == e.size && c->sec == e.sec && c->nsec == e.nsec && c->ino == e.ino &&
		    (trusted || git_odb_exists(odb, &c->id))) {
			e.id = c->id;
			res->reused++;
		} else {
			int sr = store_blob(odb, full, (size_t)st.st_size, &e.id, &data);
			if (sr == -1) {
				diag_add(d, DIAG_ERROR, full, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
				goto out;
			}
			if (sr == -2) {
				gfail(d, "cannot store %s", rel);
				goto out;
			}
			res->hashed++;
		}
		cache_push(a, now, &e);
		git_index_entry ie;
		memset(&ie, 0, sizeof ie);
		ie.mode = GIT_FILEMODE_BLOB;
		ie.id = e.id;
		ie.path = rel;
		ie.file_size = (uint32_t)st.st_size;
		if (git_index_add(idx, &ie) < 0) {
			gfail(d, "cannot add %s", rel);
			goto out;
		}
	}
	qsort(now->v, now->n, sizeof *now->v, cmp_centry);
	rc = 0;
out:
	git_odb_free(odb);
	output_manifest_free(&man);
	buf_free(&data);
	return rc;
}

/* The changes page lists the publications, so every publication changes it:
 * a difference there alone is not news, or each publish would make the next. */
static int only_changes_page(git_repository *r, git_tree *old, git_tree *now)
{
	git_diff *diff = NULL;
	int only = 1;
	if (git_diff_tree_to_tree(&diff, r, old, now, NULL) < 0)
		return 0;
	size_t n = git_diff_num_deltas(diff);
	for (size_t i = 0; i < n && only; i++) {
		const git_diff_delta *dd = git_diff_get_delta(diff, i);
		const char *path = dd->new_file.path ? dd->new_file.path : dd->old_file.path;
		only = path && strncmp(path, PUBLISH_CHANGES_DIR "/", sizeof PUBLISH_CHANGES_DIR) == 0;
	}
	git_diff_free(diff);
	return only && n > 0;
}

int publish_commit(struct arena *a, const struct publish_opts *o, const struct publish_start *st,
                   struct publish_result *res, struct diags *d)
{
	git_libgit2_init();
	/* Power loss must not cost published history: every object, the index
	 * and the branch reference are synced before the reference moves to them
	 * (planpress(1), OUTPUT; issue 9.16). */
	git_libgit2_opts(GIT_OPT_ENABLE_FSYNC_GITDIR, 1);
	int rc = 2;
	git_repository *r = NULL;
	git_index *idx = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	git_object *cobj = NULL;
	struct buf msg = BUF_INIT;
	memset(res, 0, sizeof *res);
	if ((rc = open_repo(o->repo, 1, o->branch, &r, NULL, d)) != 0)
		goto out;
	rc = 2;
	const char *cache_path = arena_printf(a, "%s%s", git_repository_path(r), STAT_CACHE);
	struct cache old, now = { 0 };
	cache_load(a, cache_path, &old);
	if (git_index_new(&idx) < 0) {
		gfail(d, "cannot make an index");
		goto out;
	}
	if ((rc = add_files(a, r, o, &old, &now, idx, res, d)) != 0)
		goto out;
	rc = 2;
	git_oid tree_id, start, cid;
	/* Every blob of idx was just written, or verified to be in the repository
	 * (see add_files): libgit2 need not look each of them up again, which
	 * costs an open and an inflate per file of the site. */
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 0);
	int we = git_index_write_tree_to(&tree_id, idx, r);
	git_libgit2_opts(GIT_OPT_ENABLE_STRICT_OBJECT_CREATION, 1);
	if (we < 0 || git_tree_lookup(&tree, r, &tree_id) < 0) {
		gfail(d, "cannot write the tree");
		goto out;
	}
	int has_start = st->id[0] != '\0';
	if (has_start) {
		if (git_oid_fromstr(&start, st->id) < 0 || git_commit_lookup(&parent, r, &start) < 0 ||
		    git_commit_tree(&ptree, parent) < 0) {
			gfail(d, "cannot read the branch tip %s", st->id);
			goto out;
		}
		oid_hex(&start, res->parent);
		int same = git_oid_equal(git_tree_id(ptree), &tree_id);
		if (same || only_changes_page(r, ptree, tree)) {
			res->nothing = 1;
			/* The cache vouches for its blobs (no lookup next time) only when
			 * they are those of the tip's tree: a changes page left out is a
			 * blob no commit holds, which git gc may prune. */
			git_oid none;
			memset(&none, 0, sizeof none);
			if (!o->no_stat_cache)
				cache_save(cache_path, &now, same ? &start : &none);
			rc = 0;
			goto out;
		}
	}
	struct revdiff rd;
	struct revdiff_opts ro = { 1, o->lang };
	if ((rc = compare_trees(a, r, ptree, tree, &ro, &rd, d)) != 0)
		goto out;
	rc = 2;
	if (o->message && *o->message)
		buf_puts(&msg, o->message);
	else
		default_message(o, &msg);
	while (msg.len && (msg.data[msg.len - 1] == '\n' || msg.data[msg.len - 1] == ' '))
		msg.len--;
	buf_puts(&msg, "\n\n");
	revdiff_message(&rd, o->lang, &msg);
	if ((rc = author(o, &sig, d)) != 0)
		goto out;
	rc = 1;
	const char *tag = NULL;
	if (o->tag && *o->tag) {
		char date[16];
		if (o->as_of)
			snprintf(date, sizeof date, "%.10s", o->as_of);
		else {
			struct datetime dt = { 0 };
			datetime_from_days((sig->when.time + sig->when.offset * 60) / 86400,
			                   &dt.year, &dt.month, &dt.day);
			snprintf(date, sizeof date, "%04d-%02d-%02d", dt.year, dt.month, dt.day);
		}
		tag = publish_tag_name(a, o->tag, date, (has_start ? chain_length(r, &start) : 0) + 1);
		int valid = 0;
		git_oid existing;
		if (git_tag_name_is_valid(&valid, tag) < 0 || !valid) {
			diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
			         "[publish] tag gives '%s', which is not a valid tag name; nothing was published", tag);
			goto out;
		}
		if (git_reference_name_to_id(&existing, r, arena_printf(a, "refs/tags/%s", tag)) == 0) {
			diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0,
			         "tag '%s' already exists (an earlier publication); nothing was published "
			         "(make [publish] tag unique, e.g. \"bulletin-{date}-{seq}\")", tag);
			goto out;
		}
	}
	const git_commit *parents[1] = { parent };
	if (git_commit_create(&cid, r, NULL, sig, sig, NULL, buf_cstr(&msg), tree, has_start ? 1 : 0, parents) < 0) {
		gfail(d, "cannot create the commit");
		rc = 2;
		goto out;
	}
	/* Compare-and-swap: the branch moves only from where this publication started. */
	const char *refname = branch_ref(a, o->branch);
	const char *logmsg = "planpress publish";
	int e = has_start ? git_reference_create_matching(&ref, r, refname, &cid, 1, &start, logmsg)
	                  : git_reference_create(&ref, r, refname, &cid, 0, logmsg);
	if (e == GIT_ELOCKED) {
		if (!branch_lock(a, r, o->repo, o->branch, 1, d))
			gfail(d, "branch '%s' of %s was locked by another writer; nothing was published "
			      "(run planpress publish again)", o->branch, o->repo);
		rc = 1;
		goto out;
	}
	if (e == GIT_EMODIFIED || e == GIT_EEXISTS) {
		git_oid cur;
		char curhex[41] = "";
		if (git_reference_name_to_id(&cur, r, refname) == 0)
			oid_hex(&cur, curhex);
		if (has_start && strcmp(curhex, st->id) == 0) {
			/* It did not move: something else refused the update. */
			gfail(d, "cannot move branch '%s' of %s; nothing was published", o->branch, o->repo);
			branch_lock(a, r, o->repo, o->branch, 1, d);
		} else {
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "branch '%s' of %s moved while this site was being built (from %.7s to %.7s): "
			         "someone else published first; nothing was published (run planpress publish again)",
			         o->branch, o->repo, has_start ? st->id : "nothing", curhex[0] ? curhex : "nothing");
		}
		rc = 1;
		goto out;
	} else if (e < 0) {
		gfail(d, "cannot move branch '%s'", o->branch);
		rc = 2;
		goto out;
	}
	oid_hex(&cid, res->commit);
	res->message = arena_strndup(a, msg.data, msg.len);
	if (!o->no_stat_cache)
		cache_save(cache_path, &now, &cid);
	if (tag) {
		git_oid tid;
		const char *nl = strchr(res->message, '\n');
		const char *tmsg = arena_printf(a, "%.*s\n", (int)(nl ? (size_t)(nl - res->message) : strlen(res->message)),
		                                res->message);
		if (git_object_lookup(&cobj, r, &cid, GIT_OBJECT_COMMIT) < 0 ||
		    git_tag_create(&tid, r, tag, cobj, sig, tmsg, 0) < 0) {
			gfail(d, "published %.7s, but cannot create tag '%s'", res->commit, tag);
			rc = 1;
			goto out;
		}
		res->tag = tag;
	}
	rc = 0;
out:
	buf_free(&msg);
	git_object_free(cobj);
	git_reference_free(ref);
	git_signature_free(sig);
	git_commit_free(parent);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_index_free(idx);
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}

/* ---- push ---------------------------------------------------------------------- */

/* A remote for url. The URL is spelled out in site.toml, so url.*.insteadOf
 * is not applied (libgit2 1.5 also leaks its regex matches doing that). */
static int make_remote(git_remote **out, git_repository *r, const char *name, const char *url)
{
	git_remote_create_options ro;
	git_remote_create_options_init(&ro, GIT_REMOTE_CREATE_OPTIONS_VERSION);
	ro.repository = r;
	ro.name = name;
	ro.flags = GIT_REMOTE_CREATE_SKIP_INSTEADOF;
	return git_remote_create_with_opts(out, url, &ro);
}

static int clone_remote_cb(git_remote **out, git_repository *r, const char *name, const char *url, void *ud)
{
	return make_remote(out, r, name, url);
}

struct pushstate {
	struct diags *d;
	const char *url;
	int refused;
};

static int push_ref_cb(const char *refname, const char *status, void *ud)
{
	struct pushstate *ps = ud;
	if (status) {
		diag_add(ps->d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "%s refused %s: %s", ps->url, refname, status);
		ps->refused = 1;
	}
	return 0;
}

static int cred_cb(git_credential **out, const char *url, const char *user, unsigned int allowed, void *ud)
{
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out, user ? user : "git");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : "git");
	return GIT_PASSTHROUGH;
}

static const git_remote_head *remote_head(const git_remote_head **heads, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(heads[i]->name, name) == 0)
			return heads[i];
	return NULL;
}

/* ---- hooks of a local remote ---------------------------------------------------- */

/* The git folder of a remote on this machine (file:// URL or a path), or NULL. */
static char *local_gitdir(const char *url)
{
	const char *path = strncmp(url, "file://", 7) == 0 ? url + 7 : url;
	if (strstr(url, "://") && path == url)
		return NULL;   /* ssh:// and the like: the server runs its own hooks */
	git_repository *rr = NULL;
	if (git_repository_open_ext(&rr, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return NULL;
	char *dir = xstrdup(git_repository_path(rr));
	git_repository_free(rr);
	return dir;
}

/* Runs hook name of the repository at gitdir with input on its standard
 * input, as git receive-pack would (libgit2's local transport runs none).
 * Its output goes into out. Returns its exit status, or -1 when there is no
 * such executable hook. */
static int run_hook(const char *gitdir, const char *name, const char *input, struct buf *out)
{
	struct buf path = BUF_INIT;
	buf_printf(&path, "%shooks/%s", gitdir, name);
	int rc = -1;
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 };
	if (access(path.data, X_OK) != 0)
		goto done;
	if (pipe(in) < 0 || pipe(outp) < 0)
		goto done;
	pid_t pid = fork();
	if (pid < 0)
		goto done;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		close(in[0]);
		close(in[1]);
		close(outp[0]);
		close(outp[1]);
		if (chdir(gitdir) < 0)
			_exit(127);
		setenv("GIT_DIR", ".", 1);
		execl(path.data, name, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	/* A hook need not read its input: a write it refuses is not an error. */
	(void)publish_write_pipe(in[1], input, strlen(input));
	close(in[1]);
	in[1] = -1;
	char chunk[4096];
	ssize_t r;
	while ((r = read(outp[0], chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)r);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	buf_free(&path);
	return rc;
}

/* A hook's output as notes under the error, one per line, like git's "remote:". */
static void hook_notes(struct diags *d, const struct buf *out)
{
	const char *p = out->data, *end = out->data + out->len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n)
			diag_add(d, DIAG_NOTE, NULL, 0, 0, NULL, 0, "remote: %.*s", (int)n, p);
		p = nl ? nl + 1 : NULL;
	}
}

int publish_push(const char *repo, const char *branch, const char *url, int *uptodate, struct diags *d)
{
	git_libgit2_init();
	struct arena *a = arena_new();
	git_repository *r = NULL;
	git_remote *rem = NULL;
	git_strarray tags = { 0 };
	int rc = open_repo(repo, 0, branch, &r, NULL, d);
	*uptodate = 0;
	if (rc || !r) {
		if (!rc)
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publish repository at %s: nothing to push", repo);
		rc = 2;
		goto out;
	}
	rc = 2;
	const char *refname = branch_ref(a, branch);
	git_oid tip;
	int found;
	if (branch_tip(r, refname, &tip, &found, d))
		goto out;
	if (!found) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "branch '%s' of %s does not exist: nothing to push", branch, repo);
		goto out;
	}
	struct pushstate ps = { d, url, 0 };
	git_remote_callbacks cb;
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb.credentials = cred_cb;
	cb.push_update_reference = push_ref_cb;
	cb.payload = &ps;
	if (make_remote(&rem, r, NULL, url) < 0 ||
	    git_remote_connect(rem, GIT_DIRECTION_PUSH, &cb, NULL, NULL) < 0) {
		gfail(d, "cannot reach the remote %s", url);
		goto out;
	}
	const git_remote_head **heads;
	size_t nheads;
	if (git_remote_ls(&heads, &nheads, rem) < 0) {
		gfail(d, "cannot list the references of %s", url);
		goto out;
	}
	/* Never force: the remote's branch must be an ancestor of ours, and a
	 * tag it has must be the same tag. (libgit2's file:// transport would
	 * overwrite, so this is checked here for every transport.) */
	rc = 1;
	const char **specs = arena_alloc(a, sizeof *specs);
	size_t nspecs = 0;
	const git_remote_head *h = remote_head(heads, nheads, refname);
	if (h && !git_oid_equal(&h->oid, &tip)) {
		git_odb *odb = NULL;
		int known = git_repository_odb(&odb, r) == 0 && git_odb_exists(odb, &h->oid);
		git_odb_free(odb);
		if (!known || git_graph_descendant_of(r, &tip, &h->oid) != 1) {
			char hex[8];
			short_hex(&h->oid, hex);
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "%s refused %s: its branch is at %s, which is not part of this repository's history "
			         "(someone else pushed there); nothing was forced", url, refname, hex);
			goto out;
		}
	}
	if (!h || !git_oid_equal(&h->oid, &tip))
		specs[nspecs++] = arena_printf(a, "%s:%s", refname, refname);
	if (git_tag_list(&tags, r) < 0) {
		gfail(d, "cannot list tags");
		goto out;
	}
	specs = arena_realloc(a, specs, sizeof *specs, (tags.count + 1) * sizeof *specs);
	for (size_t i = 0; i < tags.count; i++) {
		const char *tref = arena_printf(a, "refs/tags/%s", tags.strings[i]);
		git_oid tid;
		if (git_reference_name_to_id(&tid, r, tref) < 0)
			continue;
		const git_remote_head *th = remote_head(heads, nheads, tref);
		if (th && !git_oid_equal(&th->oid, &tid)) {
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "%s refused %s: it has another tag of that name; nothing was forced", url, tref);
			goto out;
		}
		if (!th)
			specs[nspecs++] = arena_printf(a, "%s:%s", tref, tref);
	}
	if (!nspecs) {
		*uptodate = 1;
		rc = 0;
		goto out;
	}
	/* What receive-pack would tell the hooks: "<old> <new> <ref>" per line. */
	struct buf updates = BUF_INIT, hookout = BUF_INIT;
	for (size_t i = 0; i < nspecs; i++) {
		const char *ref = specs[i] + strlen(specs[i]) / 2 + 1;   /* "ref:ref" */
		git_oid now;
		char oldhex[GIT_OID_HEXSZ + 1] = "0000000000000000000000000000000000000000";
		char newhex[GIT_OID_HEXSZ + 1];
		const git_remote_head *rh = remote_head(heads, nheads, ref);
		if (rh)
			git_oid_tostr(oldhex, sizeof oldhex, &rh->oid);
		if (git_reference_name_to_id(&now, r, ref) < 0)
			continue;
		git_oid_tostr(newhex, sizeof newhex, &now);
		buf_printf(&updates, "%s %s %s\n", oldhex, newhex, ref);
	}
	char *gitdir = local_gitdir(url);
	if (gitdir) {
		int hs = run_hook(gitdir, "pre-receive", buf_cstr(&updates), &hookout);
		if (hs > 0) {
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "%s refused the push: its pre-receive hook exited with %d; nothing was pushed", url, hs);
			hook_notes(d, &hookout);
			free(gitdir);
			buf_free(&updates);
			buf_free(&hookout);
			goto out;
		}
		buf_reset(&hookout);
	}
	git_strarray sa = { (char **)specs, nspecs };
	git_push_options po;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	po.callbacks = cb;
	if (git_remote_push(rem, &sa, &po) < 0) {
		gfail(d, "pushing to %s failed", url);
		free(gitdir);
		buf_free(&updates);
		buf_free(&hookout);
		goto out;
	}
	rc = ps.refused ? 1 : 0;
	/* A deployment hook on the remote runs as after any push to it. */
	if (gitdir && !ps.refused) {
		int hs = run_hook(gitdir, "post-receive", buf_cstr(&updates), &hookout);
		if (hs > 0) {
			diag_add(d, DIAG_WARNING, NULL, 0, 0, NULL, 0, "%s: its post-receive hook exited with %d", url, hs);
			hook_notes(d, &hookout);
		}
	}
	free(gitdir);
	buf_free(&updates);
	buf_free(&hookout);
out:
	git_strarray_dispose(&tags);
	git_remote_free(rem);
	git_repository_free(r);
	arena_free(a);
	git_libgit2_shutdown();
	return rc;
}

int publish_write_pipe(int fd, const char *data, size_t len)
{
	sigset_t pipe_only, pending, old;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	/* A SIGPIPE pending before this call is someone else's: it stays pending. */
	sigemptyset(&pending);
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	int rc = 0, err = 0;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? errno : EIO;
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (err == EPIPE && !was_pending) {
		/* The write raised SIGPIPE for this thread, blocked: take it back. */
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_only, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return rc;
}

/* ---- worktree ------------------------------------------------------------------ */

static int dir_is_empty(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir)
		return 0;
	int empty = 1;
	struct dirent *e;
	while (empty && (e = readdir(dir)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(dir);
	return empty;
}

int publish_worktree(const char *repo, const char *branch, const char *path, struct diags *d)
{
	git_libgit2_init();
	struct arena *a = arena_new();
	git_repository *wt = NULL, *r = NULL;
	git_status_list *sl = NULL;
	git_remote *rem = NULL;
	git_object *target = NULL;
	git_reference *head = NULL, *nref = NULL;
	int rc = 2;
	char *abs = realpath(repo, NULL);
	if (!abs) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publish repository at %s", repo);
		goto out;
	}
	struct stat st;
	if (stat(path, &st) < 0 || dir_is_empty(path)) {
		git_clone_options co;
		git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
		co.checkout_branch = branch;
		co.remote_cb = clone_remote_cb;
		if (git_clone(&wt, abs, path, &co) < 0) {
			gfail(d, "cannot check out the publication into %s", path);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (git_repository_open_ext(&wt, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 || git_repository_is_bare(wt)) {
		diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
		         "[publish] worktree is not a checkout made by planpress; left alone");
		rc = 1;
		goto out;
	}
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_list_new(&sl, wt, &so) < 0) {
		gfail(d, "cannot read the state of %s", path);
		goto out;
	}
	size_t n = git_status_list_entrycount(sl);
	if (n) {
		const git_status_entry *e = git_status_byindex(sl, 0);
		const char *first = e->index_to_workdir ? e->index_to_workdir->new_file.path
		                  : e->head_to_index ? e->head_to_index->new_file.path : "?";
		diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
		         "the worktree has local modifications (%zu file%s, e.g. %s); it was left as it is",
		         n, n == 1 ? "" : "s", first);
		rc = 1;
		goto out;
	}
	char *spec = (char *)arena_printf(a, "+refs/heads/%s:refs/remotes/origin/%s", branch, branch);
	git_strarray fs = { &spec, 1 };
	if (make_remote(&rem, wt, NULL, abs) < 0 || git_remote_fetch(rem, &fs, NULL, NULL) < 0) {
		gfail(d, "cannot fetch the publication into %s", path);
		goto out;
	}
	const char *refname = branch_ref(a, branch);
	git_oid tip;
	int found;
	if ((rc = open_repo(abs, 0, branch, &r, NULL, d)) != 0 || !r || (rc = branch_tip(r, refname, &tip, &found, d)) != 0)
		goto out;
	rc = 2;
	if (!found || git_object_lookup(&target, wt, &tip, GIT_OBJECT_COMMIT) < 0) {
		gfail(d, "cannot find the publication in %s", path);
		goto out;
	}
	git_checkout_options cko;
	git_checkout_options_init(&cko, GIT_CHECKOUT_OPTIONS_VERSION);
	cko.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_checkout_tree(wt, target, &cko) < 0) {
		gfail(d, "cannot update %s", path);
		goto out;
	}
	if (git_repository_head(&head, wt) == 0 && git_reference_is_branch(head)) {
		if (git_reference_set_target(&nref, head, &tip, "planpress publish") < 0) {
			gfail(d, "cannot move the branch of %s", path);
			goto out;
		}
	} else if (git_repository_set_head_detached(wt, &tip) < 0) {
		gfail(d, "cannot move HEAD of %s", path);
		goto out;
	}
	rc = 0;
out:
	free(abs);
	git_reference_free(nref);
	git_reference_free(head);
	git_object_free(target);
	git_remote_free(rem);
	git_status_list_free(sl);
	git_repository_free(r);
	git_repository_free(wt);
	arena_free(a);
	git_libgit2_shutdown();
	return rc;
}

/* ---- history and diffs --------------------------------------------------------- */

static struct value *commit_date(struct arena *a, const git_commit *c)
{
	int64_t off = git_commit_time_offset(c);
	int64_t t = (int64_t)git_commit_time(c) + off * 60;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	struct datetime dt = { .kind = DT_OFFSET, .offset_min = (int)off };
	datetime_from_days(days, &dt.year, &dt.month, &dt.day);
	dt.hour = (int)(secs / 3600);
	dt.minute = (int)(secs / 60 % 60);
	dt.second = (int)(secs % 60);
	return value_datetime(a, &dt, (struct pos){ 0 });
}

/* The history cache: what each publication changed (the page counts and the
 * task changes in words) depends only on its commit, its parent and the
 * language, so it is kept in the repository's folder and worked out once.
 * Without it every build would compare each of up to PUBLISH_HISTORY_MAX
 * commits with its parent again, parsing a data/tasks.json of megabytes
 * twice for each. The version names planpress's, whose wording it holds: a
 * cache from another version, or one that does not parse, is ignored. */
#define HISTORY_CACHE "planpress-history-cache"
#define HISTORY_CACHE_MAGIC "planpress-history-cache 1 " PP_VERSION

/* Entries kept: the history shown in a few languages. */
#define HISTORY_CACHE_MAX (4 * PUBLISH_HISTORY_MAX)

struct hentry {
	char key[48];               /* commit id, ':', language */
	const struct value *v;      /* {added, changed, removed, task_changes} */
};

struct hcache {
	struct hentry *v;
	size_t n, cap;
	int dirty;
};

static int cmp_hentry(const void *x, const void *y)
{
	return strcmp(((const struct hentry *)x)->key, ((const struct hentry *)y)->key);
}

static void hcache_push(struct arena *a, struct hcache *c, const char *key, const struct value *v)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		c->v = arena_realloc(a, c->v, c->cap * sizeof *c->v, cap * sizeof *c->v);
		c->cap = cap;
	}
	snprintf(c->v[c->n].key, sizeof c->v[c->n].key, "%s", key);
	c->v[c->n++].v = v;
}

static void hcache_load(struct arena *a, const char *path, struct hcache *c)
{
	struct buf b = BUF_INIT;
	memset(c, 0, sizeof *c);
	if (buf_read_file(&b, path) < 0 || !b.len)
		goto out;
	struct diags quiet;
	diags_init(&quiet);
	struct value *root = json_parse(a, path, b.data, b.len, &quiet);
	diags_free(&quiet);
	const struct value *e = value_get(root, "entries");
	if (strcmp(value_str(value_get(root, "format"), ""), HISTORY_CACHE_MAGIC) != 0 || !value_is(e, V_ARRAY))
		goto out;
	for (size_t i = 0; i < e->u.arr.n; i++) {
		const struct value *x = e->u.arr.v[i], *tc = value_get(x, "task_changes");
		const char *key = value_str(value_get(x, "key"), NULL);
		if (!key || strlen(key) >= sizeof c->v[0].key || !value_is(tc, V_ARRAY))
			continue;
		hcache_push(a, c, key, x);
	}
	qsort(c->v, c->n, sizeof *c->v, cmp_hentry);
out:
	buf_free(&b);
}

static const struct value *hcache_find(const struct hcache *c, const char *key)
{
	struct hentry k;
	snprintf(k.key, sizeof k.key, "%s", key);
	const struct hentry *e = c->n ? bsearch(&k, c->v, c->n, sizeof *c->v, cmp_hentry) : NULL;
	return e ? e->v : NULL;
}

/* Keeps what old has for other languages or commits, with now's entries. */
static void hcache_save(struct arena *a, const char *path, const struct hcache *old, const struct hcache *now)
{
	struct pos p = { 0 };
	struct value *root = value_table(a, p), *arr = value_array(a, p);
	value_setc(a, root, "format", value_cstring(a, HISTORY_CACHE_MAGIC, p));
	struct hcache all = { 0 };
	for (size_t i = 0; i < now->n; i++)
		hcache_push(a, &all, now->v[i].key, now->v[i].v);
	for (size_t i = 0; i < old->n; i++)
		if (all.n < HISTORY_CACHE_MAX && !hcache_find(now, old->v[i].key))
			hcache_push(a, &all, old->v[i].key, old->v[i].v);
	qsort(all.v, all.n, sizeof *all.v, cmp_hentry);
	for (size_t i = 0; i < all.n; i++) {
		const struct value *x = all.v[i].v;
		struct value *e = value_table(a, p);
		value_setc(a, e, "key", value_cstring(a, all.v[i].key, p));
		value_setc(a, e, "added", value_int(a, value_i64(value_get(x, "added"), 0), p));
		value_setc(a, e, "changed", value_int(a, value_i64(value_get(x, "changed"), 0), p));
		value_setc(a, e, "removed", value_int(a, value_i64(value_get(x, "removed"), 0), p));
		value_setc(a, e, "task_changes", (struct value *)value_get(x, "task_changes"));
		value_push(a, arr, e);
	}
	value_setc(a, root, "entries", arr);
	struct buf b = BUF_INIT;
	json_write(root, 0, &b);
	buf_putc(&b, '\n');
	/* Losing the cache only costs time: a failed write is not an error. */
	(void)output_write_atomic(path, b.data, b.len);
	buf_free(&b);
}

int publish_history_lang(struct arena *a, const char *repo_path, const char *branch, enum lang l,
                         struct value **out, struct diags *d)
{
	git_libgit2_init();
	struct pos p = { 0 };
	git_repository *r = NULL;
	git_revwalk *w = NULL;
	int missing = 0;
	*out = value_array(a, p);
	int rc = open_repo(repo_path, 0, branch, &r, &missing, d);
	if (rc || missing)
		goto out;
	git_oid tip, id;
	int found;
	if ((rc = branch_tip(r, branch_ref(a, branch), &tip, &found, d)) != 0 || !found)
		goto out;
	rc = 2;
	if (git_revwalk_new(&w, r) < 0 || git_revwalk_push(w, &tip) < 0) {
		gfail(d, "cannot walk the history of %s", repo_path);
		goto out;
	}
	git_revwalk_simplify_first_parent(w);
	const char *hpath = arena_printf(a, "%s%s", git_repository_path(r), HISTORY_CACHE);
	struct hcache hold, hnow = { 0 };
	hcache_load(a, hpath, &hold);
	for (size_t k = 0; k < PUBLISH_HISTORY_MAX && git_revwalk_next(&id, w) == 0; k++) {
		git_commit *c = NULL, *pc = NULL;
		git_tree *t = NULL, *pt = NULL;
		char hex[41], sh[8];
		oid_hex(&id, hex);
		short_hex(&id, sh);
		const char *key = arena_printf(a, "%s:%d", hex, (int)l);
		const struct value *known = hcache_find(&hold, key);
		int e = git_commit_lookup(&c, r, &id) < 0 ||
		        (!known && (git_commit_tree(&t, c) < 0 ||
		                    (git_commit_parentcount(c) && (git_commit_parent(&pc, c, 0) < 0 ||
		                                                   git_commit_tree(&pt, pc) < 0))));
		if (e)
			gfail(d, "cannot read a commit of %s", repo_path);
		struct value *sum = NULL, *tc = NULL;
		if (!e && known) {
			sum = value_table(a, p);
			value_setc(a, sum, "added", value_int(a, value_i64(value_get(known, "added"), 0), p));
			value_setc(a, sum, "changed", value_int(a, value_i64(value_get(known, "changed"), 0), p));
			value_setc(a, sum, "removed", value_int(a, value_i64(value_get(known, "removed"), 0), p));
			tc = (struct value *)value_get(known, "task_changes");
			hcache_push(a, &hnow, key, known);
		} else if (!e) {
			struct revdiff rd;
			struct revdiff_opts ro = { 0, l };
			if (compare_trees(a, r, pt, t, &ro, &rd, d) == 0) {
				sum = value_table(a, p);
				tc = value_array(a, p);
				value_setc(a, sum, "added", value_int(a, (int64_t)rd.added, p));
				value_setc(a, sum, "changed", value_int(a, (int64_t)rd.changed, p));
				value_setc(a, sum, "removed", value_int(a, (int64_t)rd.removed, p));
				for (size_t i = 0; i < rd.ntasks; i++) {
					struct buf b = BUF_INIT;
					revdiff_task_words(&rd, &rd.tasks[i], l, &b);
					value_push(a, tc, value_string(a, b.data ? b.data : "", b.len, p));
					buf_free(&b);
				}
				struct value *ce = value_table(a, p);
				value_setc(a, ce, "added", value_get(sum, "added"));
				value_setc(a, ce, "changed", value_get(sum, "changed"));
				value_setc(a, ce, "removed", value_get(sum, "removed"));
				value_setc(a, ce, "task_changes", tc);
				hcache_push(a, &hnow, key, ce);
				hnow.dirty = 1;
			} else {
				e = 1;
			}
		}
		if (!e) {
			struct value *v = value_table(a, p);
			const git_signature *au = git_commit_author(c);
			const char *body = git_commit_body(c);
			value_setc(a, v, "id", value_cstring(a, hex, p));
			value_setc(a, v, "short_id", value_cstring(a, sh, p));
			value_setc(a, v, "date", commit_date(a, c));
			value_setc(a, v, "author", value_cstring(a, au->name, p));
			value_setc(a, v, "email", value_cstring(a, au->email, p));
			value_setc(a, v, "message", value_cstring(a, git_commit_summary(c) ? git_commit_summary(c) : "", p));
			value_setc(a, v, "body", value_cstring(a, body ? body : "", p));
			value_setc(a, v, "summary", sum);
			value_setc(a, v, "task_changes", tc);
			value_push(a, *out, v);
		}
		git_tree_free(pt);
		git_tree_free(t);
		git_commit_free(pc);
		git_commit_free(c);
		if (e)
			goto out;
	}
	if (hnow.dirty) {
		qsort(hnow.v, hnow.n, sizeof *hnow.v, cmp_hentry);
		hcache_save(a, hpath, &hold, &hnow);
	}
	rc = 0;
out:
	git_revwalk_free(w);
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}

int publish_history(struct arena *a, const char *repo_path, const char *branch,
                    struct value **out, struct diags *d)
{
	return publish_history_lang(a, repo_path, branch, LANG_ZH, out, d);
}

static const char *label(struct arena *a, git_commit *c)
{
	char sh[8];
	struct buf b = BUF_INIT;
	short_hex(git_commit_id(c), sh);
	value_to_text(commit_date(a, c), &b);
	const char *s = arena_printf(a, "%s (%.10s)", sh, buf_cstr(&b));
	buf_free(&b);
	return s;
}

static int resolve(git_repository *r, const char *spec, git_commit **c, struct diags *d)
{
	git_object *o = NULL;
	if (git_revparse_single(&o, r, spec) < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "unknown revision '%s'", spec);
		return 1;
	}
	int e = git_object_peel((git_object **)c, o, GIT_OBJECT_COMMIT);
	git_object_free(o);
	if (e < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "'%s' is not a publication", spec);
		return 1;
	}
	return 0;
}

int publish_diff(struct arena *a, const char *repo_path, const char *branch,
                 const char *rev_a, const char *rev_b, const struct revdiff_opts *o,
                 struct revdiff *out, const char **label_a, const char **label_b, struct diags *d)
{
	git_libgit2_init();
	git_repository *r = NULL;
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	int missing = 0;
	int rc = open_repo(repo_path, 0, branch, &r, &missing, d);
	if (rc)
		goto out;
	rc = 1;
	if (missing) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publish repository at %s (run planpress publish first)", repo_path);
		goto out;
	}
	if (rev_b) {
		if (resolve(r, rev_b, &cb, d))
			goto out;
	} else {
		if (resolve(r, branch_ref(a, branch), &cb, d))
			goto out;
	}
	if (rev_a) {
		if (resolve(r, rev_a, &ca, d))
			goto out;
	} else if (git_commit_parentcount(cb) && git_commit_parent(&ca, cb, 0) < 0) {
		gfail(d, "cannot read the parent of %s", rev_b ? rev_b : branch);
		goto out;
	}
	if ((ca && git_commit_tree(&ta, ca) < 0) || git_commit_tree(&tb, cb) < 0) {
		gfail(d, "cannot read a tree");
		goto out;
	}
	*label_a = ca ? label(a, ca) : (o->lang == LANG_EN ? "(nothing)" : "（空）");
	*label_b = label(a, cb);
	rc = compare_trees(a, r, ta, tb, o, out, d);
out:
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}
