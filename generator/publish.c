/* publish.c: the output folder committed to a bare repository: new blobs and trees as one
 * pack (or a few loose objects; unchanged files known by their stat), the commit with
 * libgit2, the branch moved by compare-and-swap, then tagged. */
#include "publish.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <time.h>

#include <git2.h>

#include "buf.h"
#include "gitpack.h"
#include "gitutil.h"
#include "history.h"
#include "output.h"
#include "pool.h"
#include "statcache.h"
#include "utf8.h"
#include "xalloc.h"

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
	int rc = gitutil_open(repo, 1, branch, &r, NULL, d);
	if (rc)
		goto out;
	int valid = 0;
	if (git_reference_name_is_valid(&valid, gitutil_branch_ref(a, branch)) < 0 || !valid) {
		diag_add(d, DIAG_ERROR, "site.toml", 0, 0, NULL, 0, "[publish] branch '%s' is not a valid branch name", branch);
		rc = 2;
		goto out;
	}
	git_oid tip;
	int found;
	rc = gitutil_branch_tip(r, gitutil_branch_ref(a, branch), &tip, &found, d);
	if (!rc && found)
		gitutil_hex(&tip, st->id);
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
		gitutil_fail(d, "cannot open the publish repository %s", repo);
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
		files[i] = (struct out_file){ .rel = man.rel[i], .copy_from = arena_printf(a, "%s/%s", s->dir, man.rel[i]),
		                            .link = 1 };
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

/* ---- the files of the output ---------------------------------------------------- */

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
		gitutil_fail(d, "invalid author '%s <%s>'", name, email);
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

/* ---- storing objects ------------------------------------------------------------- */

/* Fewer new files than this go in as loose objects (a file each, written by
 * libgit2): a pack for every small publication would pile packs up, and a
 * lookup tries each pack in turn. More go in as one pack, which costs one
 * file instead of one per object. */
#define PACK_MIN_OBJECTS 64
/* So many new bytes go in as a pack too, however few the files: its big
 * contents are compressed on every thread (gitpack_pieces), where libgit2
 * compresses a loose object on one. */
#define PACK_MIN_BYTES (4u << 20)
/* Files up to this size go into a pack read whole; bigger ones are streamed
 * into loose objects, so that memory stays bounded. */
#define PACK_WHOLE_MAX (64u << 20)
/* Files read, hashed and compressed together on the worker threads before
 * they are appended to the pack: the bytes of the small ones (kept only
 * compressed), and of the big ones, compressed in pieces (kept whole until
 * then): so several big files (data/tasks.json and data/plans.json, 46 MB
 * at 10k tasks) are hashed on as many threads, not one after the other; a
 * single file may be bigger, up to PACK_WHOLE_MAX. */
#define PACK_BATCH_BYTES (8u << 20)
#define PACK_BATCH_BIG (64u << 20)
#define PACK_BATCH_FILES 1024

/* Where new objects go: the pack (NULL: loose objects) and what writing
 * them needs on this thread. */
struct store {
	git_odb *odb;
	int empty;            /* the repository held no object when the publication began */
	struct gitpack *pack;
	struct gitpack_zip *zip;
	struct buf z;
};

/* Stores an object of the main thread unless the repository or the pack has
 * it already. 0, or -1 after recording why in d. */
static int store_object(struct store *s, const git_oid *id, git_object_t type, const void *data, size_t len,
                        struct diags *d)
{
	if ((s->pack && gitpack_has(s->pack, id)) ||
	    (!s->empty && git_odb_exists_ext(s->odb, id, GIT_ODB_LOOKUP_NO_REFRESH)))
		return 0;
	if (!s->pack) {
		git_oid got;
		if (git_odb_write(&got, s->odb, data, len, type) < 0) {
			gitutil_fail(d, "cannot store an object");
			return -1;
		}
		return 0;
	}
	gitpack_deflate(s->zip, data, len, &s->z);
	return gitpack_add(s->pack, id, type, len, s->z.data, s->z.len, d);
}

/* A file to hash: read, hashed and (when new) compressed on a worker. */
struct job {
	const char *full;
	size_t size;          /* by lstat */
	size_t k;             /* its entry in the cache being made */
	git_oid id;
	int err;              /* errno of a failed read; EIO: it changed size */
	int known;            /* the repository has it (looked up on the worker) */
	int fresh;            /* neither the repository nor the pack has it */
	uint32_t crc;         /* of its pack entry, with pieces[0] of a small file */
	struct buf data;      /* a file of several pieces, kept for them */
	struct buf *pieces;   /* compressed, gitpack_pieces of them */
	struct buf z;         /* the pieces joined */
};

/* A piece of a job's file to compress. */
struct piece {
	struct job *j;
	size_t k;
};

struct batch {
	struct job *v;
	git_odb *odb;
	int empty;                   /* the store's: nothing to look up */
	struct gitpack_zip **zips;   /* one per worker */
	struct buf *reads;           /* one read buffer per worker, reused from file to file */
	struct piece *pieces;
};

/* Reads, hashes and looks up file i; a small new file is compressed here
 * too, in the same pass (its bytes are still in the cache): only a file of
 * several pieces waits for them, compressed on every thread next. */
static void job_hash(void *ctx, size_t i, int worker)
{
	struct batch *b = ctx;
	struct job *j = &b->v[i];
	struct buf *in = &b->reads[worker];
	buf_reset(in);
	if (buf_read_file(in, j->full) < 0) {
		j->err = errno;
		return;
	}
	const char *data = in->data ? in->data : "";
	if (in->len != j->size) {
		j->err = EIO;   /* it changed under us */
		return;
	}
	if (git_odb_hash(&j->id, data, in->len, GIT_OBJECT_BLOB) < 0) {
		j->err = EINVAL;
		return;
	}
	/* The object database is safe to read from every thread (libgit2's THREADING.md). */
	if ((j->known = !b->empty && git_odb_exists_ext(b->odb, &j->id, GIT_ODB_LOOKUP_NO_REFRESH)))
		return;
	if (gitpack_pieces(in->len) == 1) {
		j->pieces = xcalloc(1, sizeof *j->pieces);
		gitpack_deflate(b->zips[worker], data, in->len, &j->pieces[0]);
		j->crc = gitpack_crc(GIT_OBJECT_BLOB, in->len, j->pieces[0].data, j->pieces[0].len);
	} else {
		j->data = *in;   /* taken over; the worker's next file gets a new buffer */
		*in = (struct buf)BUF_INIT;
	}
}

static void piece_deflate(void *ctx, size_t i, int worker)
{
	struct batch *b = ctx;
	struct piece *p = &b->pieces[i];
	gitpack_deflate_piece(b->zips[worker], p->j->data.data, p->j->data.len, p->k, &p->j->pieces[p->k]);
}

/* Ids met in one batch: open addressing over the batch's jobs (index + 1,
 * 0 when free), so that the same contents twice go into the pack once. */
struct seen {
	size_t *slot, cap;
};

/* 1 when id was met already; else records job k as having it. */
static int seen_add(struct seen *s, const struct job *v, size_t k)
{
	size_t h;
	memcpy(&h, v[k].id.id, sizeof h);
	for (h &= s->cap - 1; s->slot[h]; h = (h + 1) & (s->cap - 1))
		if (git_oid_equal(&v[s->slot[h] - 1].id, &v[k].id))
			return 1;
	s->slot[h] = k + 1;
	return 0;
}

/* Stores the files of jobs v[0..n) as blobs in s's pack, in batches hashed
 * and compressed on the worker threads; sets each entry's id in now. */
static int store_batched(struct store *s, struct job *v, size_t n, struct cache *now, struct diags *d)
{
	int jobs = pool_cpus(), rc = 0;
	struct gitpack_zip **zips = xcalloc((size_t)jobs, sizeof *zips);
	struct buf *reads = xcalloc((size_t)jobs, sizeof *reads);
	for (int w = 0; w < jobs; w++)
		zips[w] = gitpack_zip_new();
	struct seen seen = { xcalloc(2 * PACK_BATCH_FILES, sizeof *seen.slot), 2 * PACK_BATCH_FILES };
	for (size_t lo = 0, hi; lo < n && !rc; lo = hi) {
		size_t bytes = 0, big = 0;
		for (hi = lo; hi < n && hi - lo < PACK_BATCH_FILES; hi++) {
			size_t *sum = gitpack_pieces(v[hi].size) > 1 ? &big : &bytes;
			if (hi > lo && *sum + v[hi].size > (sum == &big ? PACK_BATCH_BIG : PACK_BATCH_BYTES))
				break;
			*sum += v[hi].size;
		}
		struct batch b = { v + lo, s->odb, s->empty, zips, reads, NULL };
		pool_run(hi - lo, jobs, job_hash, &b);
		memset(seen.slot, 0, seen.cap * sizeof *seen.slot);
		size_t np = 0;
		for (size_t i = lo; i < hi; i++) {
			struct job *j = &v[i];
			if (j->err) {
				errno = j->err;
				diag_add(d, DIAG_ERROR, j->full, 0, 0, NULL, 0, "cannot read: %s",
				         j->err == EIO ? "it changed while it was read" : diag_errstr(j->err));
				rc = -1;
				break;
			}
			now->v[j->k].id = j->id;
			/* The same contents twice in one batch: the second is not new. */
			j->fresh = !j->known && !gitpack_has(s->pack, &j->id) && !seen_add(&seen, v + lo, i - lo);
			if (!j->fresh && j->pieces) {   /* compressed for nothing: rare */
				buf_free(&j->pieces[0]);
				free(j->pieces);
				j->pieces = NULL;
			}
			if (j->fresh && !j->pieces)
				np += gitpack_pieces(j->data.len);
		}
		b.pieces = xcalloc(np ? np : 1, sizeof *b.pieces);
		np = 0;
		for (size_t i = lo; i < hi && !rc; i++) {
			struct job *j = &v[i];
			if (!j->fresh || j->pieces)
				continue;
			size_t pn = gitpack_pieces(j->data.len);
			j->pieces = xcalloc(pn, sizeof *j->pieces);
			for (size_t k = 0; k < pn; k++)
				b.pieces[np++] = (struct piece){ j, k };
		}
		if (!rc && np)
			pool_run(np, jobs, piece_deflate, &b);
		free(b.pieces);
		for (size_t i = lo; i < hi; i++) {
			struct job *j = &v[i];
			size_t pn = j->pieces ? gitpack_pieces(j->size) : 0;
			if (!rc && pn == 1)
				rc = gitpack_add_crc(s->pack, &j->id, GIT_OBJECT_BLOB, j->size, j->pieces[0].data,
				                     j->pieces[0].len, j->crc, d);
			else if (!rc && pn > 1) {
				gitpack_join(j->data.len, j->pieces, pn, &j->z);
				rc = gitpack_add(s->pack, &j->id, GIT_OBJECT_BLOB, j->size, j->z.data, j->z.len, d);
			}
			for (size_t k = 0; k < pn; k++)
				buf_free(&j->pieces[k]);
			free(j->pieces);
			j->pieces = NULL;
			buf_free(&j->data);
			buf_free(&j->z);
		}
	}
	for (int w = 0; w < jobs; w++) {
		gitpack_zip_free(zips[w]);
		buf_free(&reads[w]);
	}
	free(zips);
	free(reads);
	free(seen.slot);
	return rc;
}

/* The trees of a publication, each after the trees it holds. */
struct tree_job {
	struct buf b;         /* its contents */
	git_oid id;
	int known;            /* the repository has it */
	uint32_t crc;         /* of its pack entry, with z */
	struct buf z;         /* compressed, when new */
};

struct trees {
	struct tree_job *v;
	size_t n, cap;
	git_odb *odb;
	int empty;                   /* the store's: nothing to look up */
	struct gitpack_zip **zips;   /* one per worker */
};

/* Makes the tree of the entries v[lo..hi) of c (sorted by path: their
 * order is git's, a folder sorting as its name and '/'), all inside the
 * folder whose path with its '/' is the first plen bytes of each, after
 * those of its folders, in t; *id is set. */
static int make_tree(struct trees *t, const struct cache *c, size_t lo, size_t hi, size_t plen, git_oid *id,
                     struct diags *d)
{
	struct buf b = BUF_INIT;
	int rc = 0;
	for (size_t i = lo; i < hi && !rc;) {
		const char *name = c->v[i].path + plen, *slash = strchr(name, '/');
		if (!slash) {
			buf_puts(&b, "100644 ");
			buf_put(&b, name, strlen(name) + 1);
			buf_put(&b, c->v[i].id.id, GIT_OID_RAWSZ);
			i++;
			continue;
		}
		size_t nl = (size_t)(slash - name) + 1, j = i + 1;
		while (j < hi && strncmp(c->v[j].path + plen, name, nl) == 0)
			j++;
		git_oid sub;
		rc = make_tree(t, c, i, j, plen + nl, &sub, d);
		buf_puts(&b, "40000 ");
		buf_put(&b, name, nl - 1);
		buf_putc(&b, '\0');
		buf_put(&b, sub.id, GIT_OID_RAWSZ);
		i = j;
	}
	if (!rc && git_odb_hash(id, b.data ? b.data : "", b.len, GIT_OBJECT_TREE) < 0) {
		gitutil_fail(d, "cannot hash a tree");
		rc = -1;
	}
	if (rc) {
		buf_free(&b);
		return rc;
	}
	if (t->n == t->cap) {
		t->cap = t->cap ? 2 * t->cap : 256;
		t->v = xrealloc(t->v, t->cap * sizeof *t->v);
	}
	t->v[t->n++] = (struct tree_job){ .b = b, .id = *id };
	return 0;
}

/* Tree i: looked up, and compressed when new (a worker's part). */
static void tree_look(void *ctx, size_t i, int worker)
{
	struct trees *t = ctx;
	struct tree_job *j = &t->v[i];
	if ((j->known = !t->empty && git_odb_exists_ext(t->odb, &j->id, GIT_ODB_LOOKUP_NO_REFRESH)))
		return;
	gitpack_deflate(t->zips[worker], j->b.data ? j->b.data : "", j->b.len, &j->z);
	j->crc = gitpack_crc(GIT_OBJECT_TREE, j->b.len, j->z.data, j->z.len);
}

/* Writes the trees of c's entries (see make_tree) and sets *id to the
 * site's. Only trees that are new are stored: with a pack, looked up and
 * compressed on the worker threads (a site holds a folder for each page),
 * then added in order. */
static int write_trees(struct store *s, const struct cache *c, git_oid *id, struct diags *d)
{
	int jobs = pool_cpus();
	struct trees t = { .odb = s->odb, .empty = s->empty };
	int rc = make_tree(&t, c, 0, c->n, 0, id, d);
	if (!rc && !s->pack) {
		for (size_t i = 0; i < t.n && !rc; i++)
			rc = store_object(s, &t.v[i].id, GIT_OBJECT_TREE, t.v[i].b.data ? t.v[i].b.data : "", t.v[i].b.len, d);
	} else if (!rc) {
		t.zips = xcalloc((size_t)jobs, sizeof *t.zips);
		for (int w = 0; w < jobs; w++)
			t.zips[w] = gitpack_zip_new();
		pool_run(t.n, jobs, tree_look, &t);
		for (size_t i = 0; i < t.n && !rc; i++)
			if (!t.v[i].known)
				rc = gitpack_add_crc(s->pack, &t.v[i].id, GIT_OBJECT_TREE, t.v[i].b.len, t.v[i].z.data,
				                     t.v[i].z.len, t.v[i].crc, d);
		for (int w = 0; w < jobs; w++)
			gitpack_zip_free(t.zips[w]);
		free(t.zips);
	}
	for (size_t i = 0; i < t.n; i++) {
		buf_free(&t.v[i].b);
		buf_free(&t.v[i].z);
	}
	free(t.v);
	return rc;
}

/* The files of a publication, looked at on the worker threads. */
struct look {
	const char **full;   /* each file's path */
	struct stat *st;     /* by lstat */
	int *err;            /* its errno, or 0 */
};

static void look_nth(void *ctx, size_t i, int worker)
{
	struct look *l = ctx;
	(void)worker;
	l->err[i] = lstat(l->full[i], &l->st[i]) < 0 ? errno : 0;
}

/* git_odb_foreach: stops at the first object. */
static int any_object(const git_oid *id, void *ud)
{
	(void)id;
	(void)ud;
	return 1;
}

/* Stores every file of the manifest and the trees above them, hashing only
 * the files the stat cache does not vouch for, and sets *tree_id to the
 * site's tree. Many new objects go in as one pack (synced before this
 * returns), a few as loose objects. */
static int add_files(struct arena *a, git_repository *r, const struct publish_opts *o,
                     const struct cache *old, struct cache *now, git_oid *tree_id,
                     struct publish_result *res, struct diags *d)
{
	int rc = 2;
	struct store s = { 0 };
	struct job *pending = NULL;
	size_t npending = 0, nsmall = 0, small_bytes = 0;
	struct output_manifest man = { 0 };
	const char *mpath = arena_printf(a, "%s/%s", o->out_dir, OUTPUT_MANIFEST);
	if (output_manifest_read(o->out_dir, &man) < 0) {
		int e = errno;
		diag_add(d, DIAG_ERROR, mpath, 0, 0, NULL, 0, "cannot read the build's manifest: %s",
		         e == EINVAL ? "old or damaged (build again)" : diag_errstr(e));
		if (e == EINVAL)
			rc = 1;   /* like a manifest path that cannot be published */
		goto out;
	}
	if (git_repository_odb(&s.odb, r) < 0) {
		gitutil_fail(d, "cannot open the object database");
		goto out;
	}
	/* A new repository has no object to look for: tens of thousands of
	 * lookups spared (libgit2 takes a lock for each). */
	s.empty = git_odb_foreach(s.odb, any_object, NULL) == 0;
	git_oid tip;
	int trusted = 0;
	if (old->has_commit && git_reference_name_to_id(&tip, r, gitutil_branch_ref(a, o->branch)) == 0)
		trusted = git_oid_equal(&tip, &old->commit);
	pending = xcalloc(man.n ? man.n : 1, sizeof *pending);
	clock_gettime(CLOCK_REALTIME, &now->read_from);
	now->keep_racy = o->own_folder;
	/* Every file's path first, then all looked at on the worker threads
	 * (16k lstat calls at 10k pages), then compared with the cache. */
	struct look look = { arena_alloc(a, (man.n + 1) * sizeof *look.full),
	                     xcalloc(man.n ? man.n : 1, sizeof *look.st), xcalloc(man.n ? man.n : 1, sizeof *look.err) };
	for (size_t k = 0; k < man.n; k++) {
		if (bad_path(man.rel[k])) {
			diag_add(d, DIAG_ERROR, mpath, 0, 0, NULL, 0, "'%s' cannot be published (not a plain relative path)",
			         man.rel[k]);
			rc = 1;
			goto look_out;
		}
		look.full[k] = arena_printf(a, "%s/%s", o->out_dir, man.rel[k]);
	}
	pool_run(man.n, pool_cpus(), look_nth, &look);
	for (size_t k = 0; k < man.n; k++) {
		const char *full = look.full[k], *rel = full + strlen(o->out_dir) + 1;
		const struct stat st = look.st[k];
		if (look.err[k] || !S_ISREG(st.st_mode)) {
			diag_add(d, DIAG_ERROR, full, 0, 0, NULL, 0, "%s (the manifest lists it; build again)",
			         look.err[k] ? diag_errstr(look.err[k]) : "not a regular file");
			rc = 1;
			goto look_out;
		}
		struct centry e = statcache_entry(rel, &st);
		const struct centry *c = statcache_find(old, rel);
		if (c && statcache_same(c, &e) &&
		    (trusted || git_odb_exists(s.odb, &c->id))) {
			e.id = c->id;
			res->reused++;
		} else {
			pending[npending++] = (struct job){ .full = full, .size = (size_t)st.st_size, .k = now->n };
			nsmall += (size_t)st.st_size <= STREAM_WHOLE_MAX;
			small_bytes += (size_t)st.st_size <= PACK_WHOLE_MAX ? (size_t)st.st_size : 0;
			res->hashed++;
		}
		statcache_push(a, now, &e);
	}
look_out:
	free(look.st);
	free(look.err);
	if (rc == 1)
		goto out;
	if (nsmall >= PACK_MIN_OBJECTS || small_bytes >= PACK_MIN_BYTES) {
		if (!(s.pack = gitpack_open(git_repository_path(r), d)))
			goto out;
		s.zip = gitpack_zip_new();
	}
	/* Big files are streamed into loose objects (see STREAM_WHOLE_MAX and
	 * PACK_WHOLE_MAX); the rest go into the pack, when there is one, at the end. */
	size_t nbatch = 0;
	for (size_t t = 0; t < npending; t++) {
		struct job *j = &pending[t];
		if (s.pack && j->size <= PACK_WHOLE_MAX) {
			pending[nbatch++] = *j;
			continue;
		}
		int sr = store_blob(s.odb, j->full, j->size, &now->v[j->k].id, &s.z);
		if (sr == -1) {
			diag_add(d, DIAG_ERROR, j->full, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
			goto out;
		}
		if (sr == -2) {
			gitutil_fail(d, "cannot store %s", now->v[j->k].path);
			goto out;
		}
	}
	if (s.pack && store_batched(&s, pending, nbatch, now, d) < 0)
		goto out;
	statcache_sort(now);
	if (write_trees(&s, now, tree_id, d) < 0)
		goto out;
	if (s.pack && (gitpack_finish(s.pack, d) < 0 || git_odb_refresh(s.odb) < 0))
		goto out;
	rc = 0;
out:
	gitpack_free(s.pack);
	gitpack_zip_free(s.zip);
	buf_free(&s.z);
	free(pending);
	git_odb_free(s.odb);
	output_manifest_free(&man);
	return rc;
}

/* The changes page lists the publications, so every publication changes it:
 * a difference there alone is not news, or each publish would make the next. */
static int only_changes_page(struct arena *a, git_repository *r, git_tree *old, git_tree *now)
{
	const char **paths;
	size_t n;
	struct diags quiet;
	diags_init(&quiet);
	int only = gitutil_changed_paths(a, r, old, now, &paths, &n, &quiet) == 0 && n > 0;
	diags_free(&quiet);
	for (size_t i = 0; i < n && only; i++)
		only = strncmp(paths[i], PUBLISH_CHANGES_DIR "/", sizeof PUBLISH_CHANGES_DIR) == 0;
	return only;
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
	git_tree *tree = NULL, *ptree = NULL;
	git_commit *parent = NULL;
	git_signature *sig = NULL;
	git_reference *ref = NULL;
	git_object *cobj = NULL;
	struct buf msg = BUF_INIT;
	memset(res, 0, sizeof *res);
	if ((rc = gitutil_open(o->repo, 1, o->branch, &r, NULL, d)) != 0)
		goto out;
	rc = 2;
	const char *cache_path = arena_printf(a, "%s%s", git_repository_path(r), STAT_CACHE);
	struct cache old, now = { 0 };
	statcache_load(a, cache_path, &old);
	git_oid tree_id, start, cid;
	if ((rc = add_files(a, r, o, &old, &now, &tree_id, res, d)) != 0)
		goto out;
	rc = 2;
	if (git_tree_lookup(&tree, r, &tree_id) < 0) {
		gitutil_fail(d, "cannot read the tree just written");
		goto out;
	}
	int has_start = st->id[0] != '\0';
	if (has_start) {
		if (git_oid_fromstr(&start, st->id) < 0 || git_commit_lookup(&parent, r, &start) < 0 ||
		    git_commit_tree(&ptree, parent) < 0) {
			gitutil_fail(d, "cannot read the branch tip %s", st->id);
			goto out;
		}
		gitutil_hex(&start, res->parent);
		int same = git_oid_equal(git_tree_id(ptree), &tree_id);
		if (same || only_changes_page(a, r, ptree, tree)) {
			res->nothing = 1;
			/* The cache vouches for its blobs (no lookup next time) only when
			 * they are those of the tip's tree: a changes page left out is a
			 * blob no commit holds, which git gc may prune. */
			git_oid none;
			memset(&none, 0, sizeof none);
			if (!o->no_stat_cache)
				statcache_save(cache_path, &now, same ? &start : &none);
			rc = 0;
			goto out;
		}
	}
	struct revdiff rd;
	struct revdiff_opts ro = { 1, o->lang, o->memo };
	const char *new_dir = o->own_folder ? o->out_dir : NULL;
	if (has_start) {
		rc = gitutil_compare_trees(a, r, ptree, tree, new_dir, &ro, &rd, d);
	} else {
		/* Every file is new: the list the tree was written from (sorted). */
		struct revdiff_file *files = arena_alloc(a, (now.n + 1) * sizeof *files);
		for (size_t k = 0; k < now.n; k++) {
			char *hex = arena_alloc(a, 41);
			gitutil_hex(&now.v[k].id, hex);
			files[k] = (struct revdiff_file){ now.v[k].path, hex };
		}
		rc = gitutil_compare_added(a, r, files, now.n, new_dir, &ro, &rd, d);
	}
	if (rc != 0)
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
	if (o->revision && *o->revision)
		buf_printf(&msg, "Site-Revision: %s\n", o->revision);
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
			datetime_set_days(&dt, (sig->when.time + sig->when.offset * 60) / 86400);
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
		gitutil_fail(d, "cannot create the commit");
		rc = 2;
		goto out;
	}
	/* Compare-and-swap: the branch moves only from where this publication started. */
	const char *refname = gitutil_branch_ref(a, o->branch);
	const char *logmsg = "planpress publish";
	int e = has_start ? git_reference_create_matching(&ref, r, refname, &cid, 1, &start, logmsg)
	                  : git_reference_create(&ref, r, refname, &cid, 0, logmsg);
	if (e == GIT_ELOCKED) {
		if (!branch_lock(a, r, o->repo, o->branch, 1, d))
			gitutil_fail(d, "branch '%s' of %s was locked by another writer; nothing was published "
			      "(run planpress publish again)", o->branch, o->repo);
		rc = 1;
		goto out;
	}
	if (e == GIT_EMODIFIED || e == GIT_EEXISTS) {
		git_oid cur;
		char curhex[41] = "";
		if (git_reference_name_to_id(&cur, r, refname) == 0)
			gitutil_hex(&cur, curhex);
		if (has_start && strcmp(curhex, st->id) == 0) {
			/* It did not move: something else refused the update. */
			gitutil_fail(d, "cannot move branch '%s' of %s; nothing was published", o->branch, o->repo);
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
		gitutil_fail(d, "cannot move branch '%s'", o->branch);
		rc = 2;
		goto out;
	}
	gitutil_hex(&cid, res->commit);
	res->message = arena_strndup(a, msg.data, msg.len);
	if (!o->no_stat_cache)
		statcache_save(cache_path, &now, &cid);
	history_remember(a, git_repository_path(r), res->commit, o->lang, &rd, !has_start);
	if (tag) {
		git_oid tid;
		const char *nl = strchr(res->message, '\n');
		const char *tmsg = arena_printf(a, "%.*s\n", (int)(nl ? (size_t)(nl - res->message) : strlen(res->message)),
		                                res->message);
		if (git_object_lookup(&cobj, r, &cid, GIT_OBJECT_COMMIT) < 0 ||
		    git_tag_create(&tid, r, tag, cobj, sig, tmsg, 0) < 0) {
			gitutil_fail(d, "published %.7s, but cannot create tag '%s'", res->commit, tag);
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
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}
