/* spool.c: texts kept in an unnamed temp file until they are read back
 * (spool.h). */
#include "spool.h"

#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "output.h"
#include "xalloc.h"

struct spool {
	int fd;
	int bad;              /* a write failed: errno in err */
	int err;
	atomic_int failed;    /* a read failed */
	uint64_t in_fd;       /* bytes in the file */
	struct buf b;         /* bytes after them, not written yet */
};

struct spool *spool_new(const char *folder)
{
	if (output_mkdirs(folder) < 0)
		return NULL;
	int fd = output_tmpfile(folder);
	if (fd < 0)
		return NULL;
	struct spool *s = xcalloc(1, sizeof *s);
	s->fd = fd;
	atomic_init(&s->failed, 0);
	return s;
}

static void flush(struct spool *s)
{
	if (!s->b.len)
		return;
	if (!s->bad && output_write_all(s->fd, s->b.data, s->b.len) < 0) {
		s->bad = 1;
		s->err = errno;
	}
	s->in_fd += s->b.len;
	buf_reset(&s->b);
}

uint64_t spool_put(struct spool *s, const char *data, size_t len)
{
	uint64_t at = s->in_fd + s->b.len;
	buf_put(&s->b, data, len);
	if (s->b.len >= SPOOL_BUFFER)
		flush(s);
	return at;
}

int spool_seal(struct spool *s)
{
	flush(s);
	buf_free(&s->b);
	if (s->bad)
		errno = s->err;
	return s->bad ? -1 : 0;
}

/* The len bytes at at into p; 0, or -1 (a failed read noted). */
static int read_at(struct spool *s, uint64_t at, size_t len, char *p)
{
	if (s->bad || at > s->in_fd || len > s->in_fd - at) {
		atomic_store(&s->failed, 1);   /* never written, or not yet sealed */
		return -1;
	}
	if (output_read_at(s->fd, p, len, at) < 0) {
		atomic_store(&s->failed, 1);
		return -1;
	}
	p[len] = '\0';
	return 0;
}

const char *spool_read(struct spool *s, uint64_t at, size_t len, struct arena *a)
{
	char *p = arena_alloc(a, len + 1);
	return read_at(s, at, len, p) == 0 ? p : NULL;
}

const char *spool_read_buf(struct spool *s, uint64_t at, size_t len, struct buf *out)
{
	buf_reset(out);
	buf_grow(out, len);
	if (read_at(s, at, len, out->data) < 0)
		return NULL;
	out->len = len;
	return out->data;
}

int spool_failed(const struct spool *s)
{
	return s && atomic_load(&((struct spool *)s)->failed);
}

void spool_free(struct spool *s)
{
	if (!s)
		return;
	close(s->fd);
	buf_free(&s->b);
	free(s);
}
