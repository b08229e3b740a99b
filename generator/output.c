/* output.c: atomic, incremental writes of a built site, kept in step by a manifest. */
#define _GNU_SOURCE   /* O_TMPFILE */
#include "output.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <signal.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "buf.h"
#include "pool.h"
#include "xalloc.h"

/* Files are compared and copied in chunks of this size, so a large static
 * file never has to fit in memory. */
#define OUTPUT_CHUNK (64 * 1024)
/* Temp files a signal handler can remove; more writers at once (a large
 * --jobs) go unlisted, and the next build removes what they leave. */
#define OUTPUT_INFLIGHT_MAX 64
/* Longest temp path the table keeps (a fixed buffer: the handler cannot allocate). */
#define OUTPUT_TMP_PATH_MAX PATH_MAX

static atomic_uint tmp_counter;

/* ---- temp files a signal must remove ---------------------------------------- */

enum { SLOT_FREE, SLOT_BUSY, SLOT_ARMED };
static struct {
	atomic_int state;
	char path[OUTPUT_TMP_PATH_MAX];
} inflight[OUTPUT_INFLIGHT_MAX];

/* Lists path; returns the slot, or -1 when the table is full or path too long. */
static int inflight_add(const char *path, size_t len)
{
	if (len >= OUTPUT_TMP_PATH_MAX)
		return -1;
	for (int i = 0; i < OUTPUT_INFLIGHT_MAX; i++) {
		int want = SLOT_FREE;
		if (atomic_compare_exchange_strong(&inflight[i].state, &want, SLOT_BUSY)) {
			memcpy(inflight[i].path, path, len + 1);
			atomic_store(&inflight[i].state, SLOT_ARMED);
			return i;
		}
	}
	return -1;
}

static void inflight_drop(int slot)
{
	if (slot >= 0)
		atomic_store(&inflight[slot].state, SLOT_FREE);
}

/* Set by the handler: a writer that lists its temp file afterwards does not
 * create it. */
static atomic_int dying;
/* A writer listed just before the first sweep may still be creating its
 * file; the second sweep, this much later, removes it. */
#define OUTPUT_SIGNAL_SETTLE_NS 20000000L

static void sweep(void)
{
	for (int i = 0; i < OUTPUT_INFLIGHT_MAX; i++)
		if (atomic_load(&inflight[i].state) == SLOT_ARMED)
			unlink(inflight[i].path);
}

/* Async-signal-safe: atomic loads and stores, unlink, nanosleep, sigaction, raise. */
static void on_signal(int sig)
{
	atomic_store(&dying, 1);
	sweep();
	struct timespec settle = { 0, OUTPUT_SIGNAL_SETTLE_NS };
	nanosleep(&settle, NULL);
	sweep();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = SIG_DFL;
	sigemptyset(&sa.sa_mask);
	sigaction(sig, &sa, NULL);
	raise(sig);
}

void output_catch_signals(void)
{
	static const int sigs[] = { SIGINT, SIGTERM, SIGHUP };
	for (size_t i = 0; i < sizeof sigs / sizeof *sigs; i++) {
		struct sigaction sa, old;
		memset(&sa, 0, sizeof sa);
		sa.sa_handler = on_signal;
		sigfillset(&sa.sa_mask);
		/* A signal the caller chose to ignore (nohup) stays ignored. */
		if (sigaction(sigs[i], NULL, &old) == 0 && old.sa_handler == SIG_IGN)
			continue;
		sigaction(sigs[i], &sa, NULL);
	}
}

/* ---- atomic writes ------------------------------------------------------------ */

int output_mkdirs(const char *path)
{
	struct stat st;
	if (mkdir(path, 0755) == 0)
		return 0;
	if (errno == EEXIST)
		return stat(path, &st) == 0 && S_ISDIR(st.st_mode) ? 0 : (errno = ENOTDIR, -1);
	if (errno != ENOENT)
		return -1;
	/* A parent is missing: the whole chain, top down. */
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s && rc == 0; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			rc = -1;
		else if (errno == EEXIST && (stat(p, &st) < 0 || !S_ISDIR(st.st_mode)))
			rc = (errno = ENOTDIR, -1);
		*s = '/';
	}
	if (rc == 0 && mkdir(path, 0755) < 0) {
		if (errno != EEXIST)
			rc = -1;
		else if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
			rc = (errno = ENOTDIR, -1);
	}
	int e = errno;
	free(p);
	errno = e;
	return rc;
}

/* Syncs the folder holding path, so a rename into it survives a power loss. */
static int sync_parent(const char *path)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? xstrndup(path, slash == path ? 1 : (size_t)(slash - path)) : xstrdup(".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC), rc = -1;
	free(dir);
	if (fd < 0)
		return -1;
	rc = fsync(fd);
	close(fd);
	return rc;
}

int output_write_all(int fd, const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		off += (size_t)w;
	}
	return 0;
}

int output_read_at(int fd, char *buf, size_t len, unsigned long long off)
{
	size_t got = 0;
	while (got < len) {
		ssize_t r = pread(fd, buf + got, len - got, (off_t)(off + got));
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			if (r == 0)
				errno = EIO;
			return -1;
		}
		got += (size_t)r;
	}
	return 0;
}

static int all_zero(const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return 0;
	return 1;
}

/* Streams the file at from into fd; chunks of zeros become holes, so a
 * sparse source stays sparse. -1 on a write error, -2 on a read error. */
static int copy_into(int fd, const char *from)
{
	int in = open(from, O_RDONLY | O_CLOEXEC), rc = -1;
	if (in < 0)
		return -2;
	char *chunk = xmalloc(OUTPUT_CHUNK);
	off_t total = 0;
	int hole = 0;
	for (;;) {
		ssize_t r = read(in, chunk, OUTPUT_CHUNK);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			rc = -2;
			goto out;
		}
		if (r == 0)
			break;
		if (all_zero(chunk, (size_t)r)) {
			if (lseek(fd, r, SEEK_CUR) < 0)
				goto out;
			hole = 1;
		} else {
			if (output_write_all(fd, chunk, (size_t)r) < 0)
				goto out;
			hole = 0;
		}
		total += r;
	}
	if (hole && ftruncate(fd, total) < 0)
		goto out;
	rc = 0;
out:
	{
		int saved = errno;
		free(chunk);
		close(in);
		errno = saved;
	}
	return rc;
}

static int spill_into(int fd, const struct output_spill *s, unsigned long long off, size_t len);

/* tmp = the temp file path is written through: ".NAME.tmp-PID-N" beside it. */
static void tmp_name(struct buf *tmp, const char *path)
{
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	buf_put(tmp, path, dirlen);
	buf_printf(tmp, ".%s.tmp-%ld-%u", slash ? slash + 1 : path, (long)getpid(),
	           atomic_fetch_add(&tmp_counter, 1));
}

/* Puts a hard link to from at path, atomically (a temp link renamed over
 * it). 0, or -1 with errno set (EXDEV: another file system). */
static int link_atomic(const char *path, const char *from)
{
	struct buf tmp = BUF_INIT;
	tmp_name(&tmp, path);
	int slot = inflight_add(buf_cstr(&tmp), tmp.len);
	int rc = atomic_load(&dying) ? (errno = EINTR, -1) : link(from, tmp.data);
	if (rc == 0 && (rc = rename(tmp.data, path)) < 0) {
		int e = errno;
		unlink(tmp.data);
		errno = e;
	}
	inflight_drop(slot);
	buf_free(&tmp);
	return rc;
}

/* 1 when path and from are the same file (one a hard link of the other). */
static int same_file(const char *path, const char *from)
{
	struct stat a, b;
	return lstat(path, &a) == 0 && lstat(from, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
}

/* Writes data (or the file copy_from) to path through a temp file in the same
 * folder named ".NAME.tmp-PID-N"; with sync, durably. 0, or -1 with errno
 * set (and *read_err set when reading copy_from failed; read_err may be NULL). */
static int write_atomic(const char *path, const char *data, size_t len, const char *copy_from,
                        const struct output_spill *spill, unsigned long long spill_off, int sync,
                        int *read_err)
{
	struct buf tmp = BUF_INIT;
	tmp_name(&tmp, path);
	int rc = -1, saved = 0;
	/* Listed before it exists, so a signal between open and rename removes it. */
	int slot = inflight_add(buf_cstr(&tmp), tmp.len);
	int fd = atomic_load(&dying) ? (errno = EINTR, -1)
	                             : open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		saved = errno;
		goto out;
	}
	int bad = copy_from ? copy_into(fd, copy_from)
	          : spill   ? spill_into(fd, spill, spill_off, len)
	                    : output_write_all(fd, data, len);
	if (!bad && sync)
		bad = fsync(fd);
	if (bad) {
		saved = errno;
		if (bad == -2 && read_err)
			*read_err = 1;
		close(fd);
		unlink(tmp.data);
		goto out;
	}
	if (close(fd) < 0 || rename(tmp.data, path) < 0) {
		saved = errno;
		unlink(tmp.data);
		goto out;
	}
	if (sync && sync_parent(path) < 0) {
		saved = errno;
		goto out;
	}
	rc = 0;
out:
	inflight_drop(slot);
	buf_free(&tmp);
	errno = saved;
	return rc;
}

int output_write_atomic(const char *path, const char *data, size_t len)
{
	return write_atomic(path, data, len, NULL, NULL, 0, 1, NULL);
}

struct output_atomic {
	char *path;
	struct buf tmp;   /* the temp file's path */
	int slot, fd;
	int bad;          /* errno of the first failure, or 0 */
	struct buf out;   /* bytes waiting for the file */
};

struct output_atomic *output_atomic_open(const char *path)
{
	struct output_atomic *w = xcalloc(1, sizeof *w);
	w->path = xstrdup(path);
	tmp_name(&w->tmp, path);
	w->slot = inflight_add(buf_cstr(&w->tmp), w->tmp.len);
	w->fd = atomic_load(&dying) ? (errno = EINTR, -1)
	                            : open(buf_cstr(&w->tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (w->fd < 0) {
		int e = errno;
		inflight_drop(w->slot);
		buf_free(&w->tmp);
		free(w->path);
		free(w);
		errno = e;
		return NULL;
	}
	return w;
}

void output_atomic_put(struct output_atomic *w, const void *data, size_t len)
{
	if (w->bad)
		return;
	if (w->out.len + len > OUTPUT_ATOMIC_BUFFER && w->out.len) {
		if (output_write_all(w->fd, w->out.data, w->out.len) < 0)
			w->bad = errno;
		buf_reset(&w->out);
	}
	if (len >= OUTPUT_ATOMIC_BUFFER) {
		if (!w->bad && output_write_all(w->fd, data, len) < 0)
			w->bad = errno;
	} else if (len) {
		buf_put(&w->out, data, len);
	}
}

void output_atomic_abort(struct output_atomic *w)
{
	if (w && !w->bad)
		w->bad = ECANCELED;
	output_atomic_close(w);
}

int output_atomic_close(struct output_atomic *w)
{
	if (!w)
		return -1;
	if (!w->bad && w->out.len && output_write_all(w->fd, w->out.data, w->out.len) < 0)
		w->bad = errno;
	if (!w->bad && fsync(w->fd) < 0)
		w->bad = errno;
	if (close(w->fd) < 0 && !w->bad)
		w->bad = errno;
	if (!w->bad && rename(w->tmp.data, w->path) < 0)
		w->bad = errno;
	if (w->bad)
		unlink(w->tmp.data);
	else if (sync_parent(w->path) < 0)
		w->bad = errno;
	int e = w->bad;
	inflight_drop(w->slot);
	buf_free(&w->tmp);
	buf_free(&w->out);
	free(w->path);
	free(w);
	errno = e;
	return e ? -1 : 0;
}

/* ---- comparing ------------------------------------------------------------------ */

static ssize_t read_full(int fd, char *p, size_t want)
{
	size_t got = 0;
	while (got < want) {
		ssize_t r = read(fd, p + got, want - got);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			return -1;
		if (r == 0)
			break;
		got += (size_t)r;
	}
	return (ssize_t)got;
}

/* 1 if the regular file at path holds exactly data, or (with from) exactly
 * what the file from holds; compared in chunks. */
static int same_content(const char *path, const char *data, size_t len, const char *from)
{
	struct stat st, fs;
	if (lstat(path, &st) < 0 || !S_ISREG(st.st_mode))
		return 0;
	if (from) {
		if (stat(from, &fs) < 0 || fs.st_size != st.st_size)
			return 0;
		len = (size_t)fs.st_size;
	} else if ((size_t)st.st_size != len) {
		return 0;
	}
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	int in = from ? open(from, O_RDONLY | O_CLOEXEC) : -1;
	char *chunk = xmalloc(from ? 2 * OUTPUT_CHUNK : OUTPUT_CHUNK);
	size_t off = 0;
	int same = !from || in >= 0;
	while (off < len && same) {
		size_t want = len - off < OUTPUT_CHUNK ? len - off : OUTPUT_CHUNK;
		if (read_full(fd, chunk, want) != (ssize_t)want)
			same = 0;
		else if (from)
			same = read_full(in, chunk + OUTPUT_CHUNK, want) == (ssize_t)want &&
			       memcmp(chunk, chunk + OUTPUT_CHUNK, want) == 0;
		else
			same = memcmp(chunk, data + off, want) == 0;
		off += want;
	}
	free(chunk);
	close(fd);
	if (in >= 0)
		close(in);
	return same;
}

static int read_all(const char *path, struct buf *b)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	char tmp[OUTPUT_CHUNK];
	for (;;) {
		ssize_t r = read(fd, tmp, sizeof tmp);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			int saved = errno;
			close(fd);
			errno = saved;
			return r < 0 ? -1 : 0;
		}
		buf_put(b, tmp, (size_t)r);
	}
}

/* ---- the manifest ----------------------------------------------------------------- */

/* A path relative to the output folder, with no empty, "." or ".." part. */
static int plain_rel(const char *s)
{
	if (!*s || *s == '/')
		return 0;
	for (const char *p = s;;) {
		const char *e = strchr(p, '/');
		size_t n = e ? (size_t)(e - p) : strlen(p);
		if (n == 0 || (n == 1 && p[0] == '.') || (n == 2 && p[0] == '.' && p[1] == '.'))
			return 0;
		if (!e)
			return 1;
		p = e + 1;
	}
}

int output_manifest_read(const char *dir, struct output_manifest *m)
{
	struct buf path = BUF_INIT, b = BUF_INIT;
	memset(m, 0, sizeof *m);
	buf_printf(&path, "%s/%s", dir, OUTPUT_MANIFEST);
	int rc = read_all(path.data, &b), saved = errno;
	buf_free(&path);
	if (rc < 0) {
		buf_free(&b);
		errno = saved;
		return -1;
	}
	size_t hl = sizeof OUTPUT_MANIFEST_HEADER - 1;
	if (b.len < hl || memcmp(b.data, OUTPUT_MANIFEST_HEADER, hl) != 0 ||
	    (b.len > hl && b.data[b.len - 1] != '\0'))
		goto bad;
	size_t n = 0;
	for (size_t i = hl; i < b.len; i++)
		n += b.data[i] == '\0';
	m->rel = xmalloc((n + 1) * sizeof *m->rel);
	for (size_t i = hl; i < b.len; i += strlen(b.data + i) + 1) {
		if (!plain_rel(b.data + i))
			goto bad;
		m->rel[m->n++] = b.data + i;
	}
	m->data = b.data;   /* owned by m now; m->rel points into it */
	return 0;
bad:
	free(m->rel);
	memset(m, 0, sizeof *m);
	buf_free(&b);
	errno = EINVAL;
	return -1;
}

void output_manifest_free(struct output_manifest *m)
{
	if (!m)
		return;
	free(m->rel);
	free(m->data);
	memset(m, 0, sizeof *m);
}

/* ---- the spill -------------------------------------------------------------------- */

struct output_spill {
	int fd;
	unsigned long long end;   /* bytes appended so far */
	char *dir;                /* the output folder */
	struct buf path;          /* scratch: dir/rel */
	/* Between output_spill_begin and _end: */
	struct out_file *cur;     /* the file being made */
	int old_fd;               /* the output folder's file, compared as pieces come; -1: none or differs */
	char *chunk;              /* scratch for the comparison */
};

int output_tmpfile(const char *folder)
{
	int fd = open(folder, O_RDWR | O_TMPFILE | O_CLOEXEC, 0600);
	if (fd >= 0 || (errno != EOPNOTSUPP && errno != EISDIR && errno != EINVAL))
		return fd;
	/* A file system without O_TMPFILE: a named file, unlinked at once. */
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/.planpress-spill.tmp-%ld-XXXXXX", folder, (long)getpid());
	fd = mkstemp(p.data);
	if (fd >= 0)
		unlink(p.data);
	buf_free(&p);
	return fd;
}

struct output_spill *output_spill_new(const char *dir, struct diags *d)
{
	struct output_spill *s = xcalloc(1, sizeof *s);
	char *folder = xstrdup(dir);
	s->dir = xstrdup(dir);
	s->fd = -1;
	s->old_fd = -1;
	/* The output folder may not exist yet: the nearest folder above it. */
	for (;;) {
		s->fd = output_tmpfile(folder);
		if (s->fd >= 0 || errno != ENOENT)
			break;
		char *slash = strrchr(folder, '/');
		if (!slash) {
			if (strcmp(folder, ".") == 0)
				break;
			free(folder);
			folder = xstrdup(".");
		} else if (slash == folder) {
			if (!folder[1])
				break;
			folder[1] = '\0';
		} else {
			*slash = '\0';
		}
	}
	if (s->fd < 0) {
		diag_add(d, DIAG_ERROR, folder, 0, 0, NULL, 0, "cannot create a temp file: %s", diag_errstr(errno));
		free(folder);
		output_spill_free(s);
		return NULL;
	}
	free(folder);
	return s;
}

/* Appends len bytes of data to the spill's temp file; 0 or -1 with errno set. */
static int spill_write(struct output_spill *s, const char *data, size_t len)
{
	size_t off = 0;
	while (off < len) {
		ssize_t w = pwrite(s->fd, data + off, len - off, (off_t)(s->end + off));
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		off += (size_t)w;
	}
	s->end += len;
	return 0;
}

void output_spill_begin(struct output_spill *s, struct out_file *f)
{
	f->data = NULL;
	f->copy_from = NULL;
	f->len = 0;
	f->same = 0;
	f->spill = s;
	f->spill_off = s->end;
	s->cur = f;
	buf_reset(&s->path);
	buf_printf(&s->path, "%s/%s", s->dir, f->rel);
	struct stat st;
	s->old_fd = lstat(s->path.data, &st) == 0 && S_ISREG(st.st_mode) ? open(s->path.data, O_RDONLY | O_CLOEXEC) : -1;
	if (!s->chunk)
		s->chunk = xmalloc(OUTPUT_CHUNK);
}

int output_spill_append(struct output_spill *s, const char *data, size_t len, struct diags *d)
{
	struct out_file *f = s->cur;
	for (size_t done = 0; s->old_fd >= 0 && done < len;) {
		size_t want = len - done < OUTPUT_CHUNK ? len - done : OUTPUT_CHUNK;
		if (read_full(s->old_fd, s->chunk, want) != (ssize_t)want || memcmp(s->chunk, data + done, want) != 0) {
			close(s->old_fd);
			s->old_fd = -1;
		}
		done += want;
	}
	if (spill_write(s, data, len) < 0) {
		diag_add(d, DIAG_ERROR, f->src ? f->src : s->path.data, 0, 0, NULL, 0,
		         "cannot keep the output of '%s' in a temp file: %s", f->rel, diag_errstr(errno));
		return -1;
	}
	f->len += len;
	return 0;
}

int output_spill_end(struct output_spill *s, struct diags *d)
{
	struct out_file *f = s->cur;
	(void)d;
	if (s->old_fd >= 0) {
		/* Every piece matched: the same when the old file ends here too. */
		char c;
		if (read_full(s->old_fd, &c, 1) == 0) {
			f->same = 1;
			f->spill = NULL;
		}
		close(s->old_fd);
		s->old_fd = -1;
	}
	s->cur = NULL;
	return 0;
}

int output_spill_put(struct output_spill *s, struct out_file *f, const char *data, size_t len,
                     struct diags *d)
{
	f->data = NULL;
	f->len = len;
	f->copy_from = NULL;
	buf_reset(&s->path);
	buf_printf(&s->path, "%s/%s", s->dir, f->rel);
	if (same_content(s->path.data, data, len, NULL)) {
		f->same = 1;
		return 0;
	}
	unsigned long long at = s->end;
	if (spill_write(s, data, len) < 0) {
		diag_add(d, DIAG_ERROR, f->src ? f->src : s->path.data, 0, 0, NULL, 0,
		         "cannot keep the output of '%s' in a temp file: %s", f->rel, diag_errstr(errno));
		return -1;
	}
	f->spill = s;
	f->spill_off = at;
	return 0;
}

void output_spill_free(struct output_spill *s)
{
	if (!s)
		return;
	if (s->fd >= 0)
		close(s->fd);
	if (s->cur && s->old_fd >= 0)
		close(s->old_fd);
	free(s->chunk);
	free(s->dir);
	buf_free(&s->path);
	free(s);
}

/* Copies len bytes at off of the spill into fd. -1 on a write error, -2 on a read error. */
static int spill_into(int fd, const struct output_spill *s, unsigned long long off, size_t len)
{
	char *chunk = xmalloc(OUTPUT_CHUNK);
	int rc = 0;
	size_t done = 0;
	while (done < len && rc == 0) {
		size_t want = len - done < OUTPUT_CHUNK ? len - done : OUTPUT_CHUNK;
		if (output_read_at(s->fd, chunk, want, off + done) < 0)
			rc = -2;
		else if (output_write_all(fd, chunk, want) < 0)
			rc = -1;
		else
			done += want;
	}
	free(chunk);
	return rc;
}

/* ---- the write -------------------------------------------------------------------- */

struct job {
	const char *dir;
	const struct out_file *files;
	const unsigned char *known;   /* file i is in the last build's manifest (NULL: all are) */
	size_t n;
	atomic_size_t written, unchanged;
	struct diags *d;
};

/* Puts f at path: a link, or else its bytes written. 0, or -1 with errno
 * set (and *read_err when reading its bytes failed). */
static int put_file(const struct out_file *f, const char *path, int *read_err)
{
	if (f->link && link_atomic(path, f->copy_from) == 0)
		return 0;
	return write_atomic(path, f->data, f->len, f->copy_from, f->spill, f->spill_off, 0, read_err);
}

static void write_one(struct job *j, size_t i)
{
	const struct out_file *f = &j->files[i];
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/%s", j->dir, f->rel);
	/* A link no earlier build made is put straight in place (link(2) is
	 * atomic, and fails on a file that is there: then the usual way). */
	if (f->link && j->known && !j->known[i] && !atomic_load(&dying) && link(f->copy_from, path.data) == 0) {
		atomic_fetch_add(&j->written, 1);
		goto out;
	}
	/* A spilled file differed when it was made: no need to compare again. */
	if (f->same || (f->link && same_file(path.data, f->copy_from)) ||
	    (!f->spill && same_content(path.data, f->data, f->len, f->copy_from))) {
		atomic_fetch_add(&j->unchanged, 1);
		goto out;
	}
	int read_err = 0, rc = put_file(f, path.data, &read_err);
	if (rc < 0 && errno == ENOENT && !read_err && strchr(f->rel, '/')) {
		/* Its folder is not there: a path an earlier build wrote, whose
		 * folders were not looked at (output_commit), was removed since. */
		char *parent = xstrdup(path.data);
		*strrchr(parent, '/') = '\0';
		int made = output_mkdirs(parent);
		free(parent);
		if (made == 0)
			rc = put_file(f, path.data, &read_err);
		else
			errno = ENOENT;
	}
	if (rc < 0) {
		int e = errno;
		if (read_err && f->spill)
			diag_add(j->d, DIAG_ERROR, path.data, 0, 0, NULL, 0, "cannot read back from the temp file: %s",
			         diag_errstr(e));
		else if (read_err)
			diag_add(j->d, DIAG_ERROR, f->copy_from, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(e));
		else
			diag_add(j->d, DIAG_ERROR, path.data, 0, 0, NULL, 0, "cannot write: %s", diag_errstr(e));
		goto out;
	}
	atomic_fetch_add(&j->written, 1);
out:
	buf_free(&path);
}

/* pool.h's loop body: file i. */
static void write_nth(void *ctx, size_t i, int worker)
{
	struct job *j = ctx;
	(void)worker;
	write_one(j, i);
}

static int cmp_cstr(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* bsearch: the key is a path, the element an out_file. */
static int cmp_rel(const void *key, const void *elem)
{
	return strcmp((const char *)key, ((const struct out_file *)elem)->rel);
}

/* Removes the folders of rel that are now empty, deepest first, stopping at dir. */
static void prune_dirs(const char *dir, const char *rel)
{
	char *p = xstrdup(rel);
	for (char *slash = strrchr(p, '/'); slash; slash = strrchr(p, '/')) {
		*slash = '\0';
		struct buf b = BUF_INIT;
		buf_printf(&b, "%s/%s", dir, p);
		int gone = rmdir(b.data) == 0;
		buf_free(&b);
		if (!gone)
			break;
	}
	free(p);
}

/* The pid in a temp file name ".NAME.tmp-PID-N", or 0 if name is not one. */
static long tmp_pid(const char *name)
{
	if (name[0] != '.')
		return 0;
	const char *t = NULL;
	for (const char *p = strstr(name, ".tmp-"); p; p = strstr(p + 1, ".tmp-"))
		t = p;
	if (!t || t == name)
		return 0;
	const char *s = t + 5;
	long pid = 0;
	for (; *s >= '0' && *s <= '9'; s++) {
		if (pid > 1000000000L)
			return 0;
		pid = pid * 10 + (*s - '0');
	}
	if (*s != '-' || s == t + 5 || !s[1])
		return 0;
	for (s++; *s; s++)
		if (*s < '0' || *s > '9')
			return 0;
	return pid;
}

/* Removes from folder the temp files of planpress runs that are no longer
 * alive (or of an earlier process that had this one's pid). */
static void remove_stale_tmp(const char *folder)
{
	DIR *dp = opendir(folder);
	if (!dp)
		return;
	static long self;
	if (!self)
		self = (long)getpid();
	for (struct dirent *e; (e = readdir(dp));) {
		long pid = tmp_pid(e->d_name);
		if (pid <= 0)
			continue;
		if (pid != self && (kill((pid_t)pid, 0) == 0 || errno != ESRCH))
			continue;
		struct buf p = BUF_INIT;
		struct stat st;
		buf_printf(&p, "%s/%s", folder, e->d_name);
		if (lstat(p.data, &st) == 0 && S_ISREG(st.st_mode))
			unlink(p.data);
		buf_free(&p);
	}
	closedir(dp);
}

/* Writes the manifest listing files; 0 or -1 with errno set. */
static int write_manifest(const char *path, const struct out_file *files, size_t n)
{
	struct buf nm = BUF_INIT;
	buf_puts(&nm, OUTPUT_MANIFEST_HEADER);
	for (size_t i = 0; i < n; i++)
		buf_put(&nm, files[i].rel, strlen(files[i].rel) + 1);
	int rc = 0;
	if (!same_content(path, nm.data, nm.len, NULL))
		rc = output_write_atomic(path, nm.data, nm.len);
	buf_free(&nm);
	return rc;
}

/* For each of files (sorted by path), whether the old manifest lists it:
 * both in order, walked side by side. NULL (every file known) when the old
 * manifest is not in order (written by hand, say). */
static unsigned char *mark_known(const struct out_file *files, size_t n, const struct output_manifest *old)
{
	for (size_t i = 1; i < old->n; i++)
		if (strcmp(old->rel[i - 1], old->rel[i]) >= 0)
			return NULL;
	unsigned char *known = xcalloc(n ? n : 1, 1);
	for (size_t i = 0, k = 0; i < n && k < old->n;) {
		int c = strcmp(files[i].rel, old->rel[k]);
		if (c == 0)
			known[i] = 1;
		i += c <= 0;
		k += c >= 0;
	}
	return known;
}

struct dir_job {
	const char *dir;
	char **rel;
	int sweep;           /* look for a dead build's temp files */
	int fresh;           /* no earlier build wrote here: most folders are new */
	struct diags *d;
};

/* Folder i of the output: made when missing; when it was there and the
 * last build stopped while writing, it may hold that build's temp files,
 * which go. */
static void make_dir(void *ctx, size_t i, int worker)
{
	struct dir_job *j = ctx;
	struct buf p = BUF_INIT;
	struct stat sb;
	(void)worker;
	buf_printf(&p, "%s/%s", j->dir, j->rel[i]);
	if (j->fresh && !j->sweep) {   /* made without looking first: one call, not two */
		if (output_mkdirs(p.data) < 0)
			diag_add(j->d, DIAG_ERROR, p.data, 0, 0, NULL, 0, "cannot create folder: %s", diag_errstr(errno));
		buf_free(&p);
		return;
	}
	int existed = lstat(p.data, &sb) == 0 && S_ISDIR(sb.st_mode);
	if (!existed && output_mkdirs(p.data) < 0)
		diag_add(j->d, DIAG_ERROR, p.data, 0, 0, NULL, 0, "cannot create folder: %s", diag_errstr(errno));
	else if (existed && j->sweep)
		remove_stale_tmp(p.data);
	buf_free(&p);
}

int output_commit(const char *dir, const struct out_file *files, size_t n, int jobs,
                  struct output_stats *st, struct diags *d)
{
	size_t errs = d->nerrors;
	struct buf manifest_path = BUF_INIT, marker = BUF_INIT;
	struct output_manifest old = { 0 };
	char **sorted_dirs = NULL;
	unsigned char *known = NULL;
	size_t ndirs = 0;
	memset(st, 0, sizeof *st);
	if (output_mkdirs(dir) < 0) {
		diag_add(d, DIAG_ERROR, dir, 0, 0, NULL, 0, "cannot create output folder: %s", diag_errstr(errno));
		return -1;
	}
	buf_printf(&manifest_path, "%s/%s", dir, OUTPUT_MANIFEST);
	/* None on a first build; one an older planpress wrote (newline separated,
	 * so ambiguous) counts as none: its files stay, nothing foreign goes. */
	(void)output_manifest_read(dir, &old);

	/* What the last build wrote and this one does not goes first, so a path
	 * that changes kind (file to folder or back) is free when it is written.
	 * Only regular files (lstat: a symbolic link is never followed). */
	for (size_t i = 0; i < old.n; i++) {
		const char *rel = old.rel[i];
		if (bsearch(rel, files, n, sizeof *files, cmp_rel))
			continue;
		struct buf p = BUF_INIT;
		struct stat sb;
		buf_printf(&p, "%s/%s", dir, rel);
		if (lstat(p.data, &sb) == 0 && S_ISREG(sb.st_mode) && unlink(p.data) == 0) {
			st->removed++;
			st->partial = 1;
		}
		buf_free(&p);
		prune_dirs(dir, rel);
	}
	/* The new manifest before any new file: whatever stops this build, the
	 * manifest lists every file it may have written, so the next removes them. */
	if (write_manifest(manifest_path.data, files, n) < 0) {
		diag_add(d, DIAG_ERROR, manifest_path.data, 0, 0, NULL, 0, "cannot write: %s", diag_errstr(errno));
		goto fail;
	}

	/* Every folder first, once, so the writers never race on mkdir: the
	 * folders of files to write (a file known to be the same is there, in
	 * its folder), or, after a build that stopped while writing, every
	 * folder, each swept of that build's temp files. */
	struct stat msb;
	buf_printf(&marker, "%s/%s", dir, OUTPUT_WRITING);
	int sweep = lstat(marker.data, &msb) == 0;
	size_t nwrite = 0;
	sorted_dirs = xmalloc((n + 1) * sizeof *sorted_dirs);
	/* Which files the last build wrote: their folders are there (a missing
	 * one is made when its file is written), so they are not looked at. */
	known = mark_known(files, n, &old);
	for (size_t i = 0; i < n; i++) {
		nwrite += !files[i].same;
		const char *slash = strrchr(files[i].rel, '/');
		if (slash && (sweep || (!files[i].same && !(known && known[i]))))
			sorted_dirs[ndirs++] = xstrndup(files[i].rel, (size_t)(slash - files[i].rel));
	}
	qsort(sorted_dirs, ndirs, sizeof *sorted_dirs, cmp_cstr);
	size_t nuniq = 0;
	for (size_t i = 0; i < ndirs; i++) {
		if (nuniq && strcmp(sorted_dirs[i], sorted_dirs[nuniq - 1]) == 0)
			free(sorted_dirs[i]);
		else
			sorted_dirs[nuniq++] = sorted_dirs[i];
	}
	ndirs = nuniq;
	remove_stale_tmp(dir);
	/* The marker goes before the first temp file can be made; the file
	 * system orders the two creations, so temp files never outlive it. */
	if (nwrite && !sweep) {
		int fd = open(marker.data, O_WRONLY | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0644);
		if (fd < 0) {
			diag_add(d, DIAG_ERROR, marker.data, 0, 0, NULL, 0, "cannot write: %s", diag_errstr(errno));
			goto fail;
		}
		close(fd);
	}
	/* On the pool: output_mkdirs takes a parent another worker made as made. */
	struct dir_job dj = { dir, sorted_dirs, sweep, old.n == 0, d };
	pool_run(ndirs, jobs, make_dir, &dj);
	if (d->nerrors > errs)
		goto fail;

	struct job j = { .dir = dir, .files = files, .known = known, .n = n, .d = d };
	pool_run(n, jobs, write_nth, &j);
	st->written = atomic_load(&j.written);
	st->unchanged = atomic_load(&j.unchanged);
	if (st->written)
		st->partial = 1;
	if (d->nerrors > errs)
		goto fail;
	if (nwrite || sweep)
		unlink(marker.data);
	goto out;
fail:
	if (st->partial)
		diag_add(d, DIAG_ERROR, dir, 0, 0, NULL, 0,
		         "%zu of %zu files written or already up to date (%zu removed); the previous site "
		         "is partly replaced; run the build again",
		         st->written + st->unchanged, n, st->removed);
out:
	for (size_t i = 0; i < ndirs; i++)
		free(sorted_dirs[i]);
	free(sorted_dirs);
	free(known);
	buf_free(&marker);
	buf_free(&manifest_path);
	output_manifest_free(&old);
	return d->nerrors > errs ? -1 : 0;
}

static int remove_entry(const char *path, const struct stat *st, int flag, struct FTW *ftw)
{
	(void)st;
	(void)flag;
	(void)ftw;
	remove(path);
	return 0;
}

void output_remove_tree(const char *path)
{
	nftw(path, remove_entry, 16, FTW_DEPTH | FTW_PHYS);
}
