/* output.c: atomic, incremental writes of a built site, kept in step by a manifest. */
#include "output.h"

#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

/* Files are compared in chunks of this size before deciding to rewrite. */
#define OUTPUT_CHUNK (64 * 1024)

static atomic_uint tmp_counter;

int output_write_atomic(const char *path, const char *data, size_t len)
{
	struct buf tmp = BUF_INIT;
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path + 1) : 0;
	buf_put(&tmp, path, dirlen);
	buf_printf(&tmp, ".%s.tmp-%ld-%u", slash ? slash + 1 : path, (long)getpid(),
	           atomic_fetch_add(&tmp_counter, 1));
	int rc = -1, saved = 0;
	int fd = open(buf_cstr(&tmp), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0) {
		saved = errno;
		goto out;
	}
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			saved = errno;
			close(fd);
			unlink(tmp.data);
			goto out;
		}
		off += (size_t)w;
	}
	if (close(fd) < 0 || rename(tmp.data, path) < 0) {
		saved = errno;
		unlink(tmp.data);
		goto out;
	}
	rc = 0;
out:
	buf_free(&tmp);
	errno = saved;
	return rc;
}

/* 1 if the file at path holds exactly data. */
static int same_content(const char *path, const char *data, size_t len)
{
	struct stat st;
	if (stat(path, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size != len)
		return 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return 0;
	char *chunk = xmalloc(OUTPUT_CHUNK);
	size_t off = 0;
	int same = 1;
	while (off < len && same) {
		size_t want = len - off < OUTPUT_CHUNK ? len - off : OUTPUT_CHUNK;
		ssize_t r = read(fd, chunk, want);
		if (r <= 0)
			same = 0;
		else if (memcmp(chunk, data + off, (size_t)r) != 0)
			same = 0;
		else
			off += (size_t)r;
	}
	free(chunk);
	close(fd);
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
			close(fd);
			return r < 0 ? -1 : 0;
		}
		buf_put(b, tmp, (size_t)r);
	}
}

static int mkdirs(const char *path)
{
	char *p = xstrdup(path);
	int rc = 0;
	for (char *s = p + 1; *s; s++) {
		if (*s != '/')
			continue;
		*s = '\0';
		if (mkdir(p, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	if (mkdir(p, 0755) < 0 && errno != EEXIST)
		rc = -1;
	free(p);
	return rc;
}

struct job {
	const char *dir;
	const struct out_file *files;
	size_t n;
	atomic_size_t next;
	atomic_size_t written, unchanged;
	struct diags *d;
};

static void write_one(struct job *j, const struct out_file *f)
{
	struct buf path = BUF_INIT, data = BUF_INIT;
	buf_printf(&path, "%s/%s", j->dir, f->rel);
	const char *bytes = f->data;
	size_t len = f->len;
	if (f->copy_from) {
		if (read_all(f->copy_from, &data) < 0) {
			diag_add(j->d, DIAG_ERROR, f->copy_from, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
			goto out;
		}
		bytes = data.data ? data.data : "";
		len = data.len;
	}
	if (same_content(path.data, bytes, len)) {
		atomic_fetch_add(&j->unchanged, 1);
		goto out;
	}
	if (output_write_atomic(path.data, bytes, len) < 0) {
		diag_add(j->d, DIAG_ERROR, path.data, 0, 0, NULL, 0, "cannot write: %s", diag_errstr(errno));
		goto out;
	}
	atomic_fetch_add(&j->written, 1);
out:
	buf_free(&path);
	buf_free(&data);
}

static void *worker(void *arg)
{
	struct job *j = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&j->next, 1);
		if (i >= j->n)
			break;
		write_one(j, &j->files[i]);
	}
	return NULL;
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

int output_commit(const char *dir, const struct out_file *files, size_t n, int jobs,
                  struct output_stats *st, struct diags *d)
{
	size_t errs = d->nerrors;
	struct buf manifest_path = BUF_INIT, old = BUF_INIT, nm = BUF_INIT;
	char **sorted_dirs = NULL;
	size_t ndirs = 0;
	memset(st, 0, sizeof *st);
	if (mkdirs(dir) < 0) {
		diag_add(d, DIAG_ERROR, dir, 0, 0, NULL, 0, "cannot create output folder: %s", diag_errstr(errno));
		return -1;
	}
	buf_printf(&manifest_path, "%s/%s", dir, OUTPUT_MANIFEST);
	read_all(manifest_path.data, &old);   /* a first build has none */

	/* Every folder first, once, so the writers never race on mkdir. */
	sorted_dirs = xmalloc((n + 1) * sizeof *sorted_dirs);
	for (size_t i = 0; i < n; i++) {
		const char *slash = strrchr(files[i].rel, '/');
		if (slash)
			sorted_dirs[ndirs++] = xstrndup(files[i].rel, (size_t)(slash - files[i].rel));
	}
	qsort(sorted_dirs, ndirs, sizeof *sorted_dirs, cmp_cstr);
	for (size_t i = 0; i < ndirs; i++) {
		if (i && strcmp(sorted_dirs[i], sorted_dirs[i - 1]) == 0)
			continue;
		struct buf p = BUF_INIT;
		buf_printf(&p, "%s/%s", dir, sorted_dirs[i]);
		/* One call per folder; the whole chain only when a parent is missing. */
		if (mkdir(p.data, 0755) < 0 && errno != EEXIST && mkdirs(p.data) < 0)
			diag_add(d, DIAG_ERROR, p.data, 0, 0, NULL, 0, "cannot create folder: %s", diag_errstr(errno));
		buf_free(&p);
	}
	if (d->nerrors > errs)
		goto out;

	struct job j = { .dir = dir, .files = files, .n = n, .d = d };
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	pthread_t *th = xmalloc((size_t)jobs * sizeof *th);
	int started = 0;
	for (int i = 1; i < jobs; i++)
		if (pthread_create(&th[i], NULL, worker, &j) == 0)
			started = i;
		else
			break;
	worker(&j);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	free(th);
	st->written = atomic_load(&j.written);
	st->unchanged = atomic_load(&j.unchanged);
	if (d->nerrors > errs)
		goto out;

	/* What the last build wrote and this one did not is removed. The new
	 * list is sorted by the caller, so a binary search finds each. */
	if (old.len) {
		char *save = NULL;
		for (char *line = strtok_r(old.data, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
			if (!*line || strstr(line, "..") || line[0] == '/')
				continue;
			if (bsearch(line, files, n, sizeof *files, cmp_rel))
				continue;
			struct buf p = BUF_INIT;
			buf_printf(&p, "%s/%s", dir, line);
			if (unlink(p.data) == 0)
				st->removed++;
			buf_free(&p);
			prune_dirs(dir, line);
		}
	}
	for (size_t i = 0; i < n; i++) {
		buf_puts(&nm, files[i].rel);
		buf_putc(&nm, '\n');
	}
	if (!same_content(manifest_path.data, nm.data ? nm.data : "", nm.len) &&
	    output_write_atomic(manifest_path.data, nm.data ? nm.data : "", nm.len) < 0)
		diag_add(d, DIAG_ERROR, manifest_path.data, 0, 0, NULL, 0, "cannot write: %s", diag_errstr(errno));
out:
	for (size_t i = 0; i < ndirs; i++)
		free(sorted_dirs[i]);
	free(sorted_dirs);
	buf_free(&manifest_path);
	buf_free(&old);
	buf_free(&nm);
	return d->nerrors > errs ? -1 : 0;
}
