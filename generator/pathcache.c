/* pathcache.c: the file of a path cache: a header line and the global
 * digest, then the count of records and each record: its path, its key and
 * its body, lengths as variable-length integers (binrec.h). */
#include "pathcache.h"

#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "binrec.h"
#include "buf.h"
#include "output.h"
#include "xalloc.h"

/* A thread's new records wait in memory up to this many bytes, then go to
 * its unnamed temp file: a cold build's Markdown cache (18 MB at 10k pages)
 * is never held whole, and save copies it from the files. */
#define PATHCACHE_MADE_BUFFER (256 * 1024)

struct rec {
	const char *path;
	size_t pathlen;
	const unsigned char *key;
	const unsigned char *body;
	size_t bodylen;
	size_t at, end;       /* its bytes in the file */
	unsigned char kept;   /* found and used in this build */
};

/* One thread's new records, in the file's form. */
struct made {
	struct buf b;        /* waiting for fd; all of them while fd < 0 */
	int fd;              /* an unnamed temp file, or -1 (none yet, or none could be made) */
	int tried;           /* fd was asked for */
	int bad;             /* writing to fd failed: the records are lost, the file is not saved */
	uint64_t in_fd;      /* bytes in fd */
	size_t n;
};

struct pathcache {
	char *path;
	const char *header;
	unsigned char global[DIGEST_LEN];
	struct buf file;
	struct rec *rec;
	size_t nrec;
	struct binrec_index by_path;
	int jobs;
	struct made *made;    /* per thread */
	int saved;            /* pathcache_save wrote, or had nothing to write */
};

static void read_file(struct pathcache *c, size_t max)
{
	size_t hl = strlen(c->header);
	if (buf_read_file_max(&c->file, c->path, max) < 0 || c->file.len < hl + DIGEST_LEN ||
	    memcmp(c->file.data, c->header, hl) != 0 || memcmp(c->file.data + hl, c->global, DIGEST_LEN) != 0)
		return;
	struct binrec_rd r = binrec_rd(c->file.data + hl + DIGEST_LEN, c->file.len - hl - DIGEST_LEN);
	uint64_t n = binrec_var(&r);
	if (r.bad || n > c->file.len)
		return;
	c->rec = xcalloc((size_t)n + 1, sizeof *c->rec);
	for (uint64_t i = 0; i < n; i++) {
		struct rec *e = &c->rec[i];
		e->at = (size_t)(r.p - (const unsigned char *)c->file.data);
		e->path = binrec_str(&r, &e->pathlen);
		e->key = binrec_bytes(&r, DIGEST_LEN);
		e->body = (const unsigned char *)binrec_str(&r, &e->bodylen);
		if (r.bad)
			return;
		e->end = (size_t)(r.p - (const unsigned char *)c->file.data);
	}
	if (r.p == r.end)
		c->nrec = (size_t)n;
}

struct pathcache *pathcache_open(const char *site_dir, const char *file, const char *header,
                                 const unsigned char global[DIGEST_LEN], size_t max, int jobs)
{
	struct pathcache *c = xcalloc(1, sizeof *c);
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", site_dir, file);
	c->path = buf_detach(&p, NULL);
	c->header = header;
	memcpy(c->global, global, DIGEST_LEN);
	c->jobs = jobs > 0 ? jobs : 1;
	c->made = xcalloc((size_t)c->jobs, sizeof *c->made);
	for (int w = 0; w < c->jobs; w++)
		c->made[w].fd = -1;
	read_file(c, max);
	binrec_index_init(&c->by_path, c->nrec);
	for (size_t i = 0; i < c->nrec; i++)
		binrec_index_add(&c->by_path, c->rec[i].path, c->rec[i].pathlen, i);
	return c;
}

void pathcache_key(const char *path, const char *src, size_t len, unsigned char key[DIGEST_LEN])
{
	struct digest h;
	size_t pl = strlen(path);
	digest_init(&h);
	digest_u64(&h, pl);
	digest_feed(&h, path, pl);
	digest_feed(&h, src, len);
	digest_final(&h, key);
}

/* binrec_index_find's test: record i is the one of path. */
static int same_path(const void *ud, size_t i, const char *path, size_t len)
{
	const struct rec *e = &((const struct pathcache *)ud)->rec[i];
	return e->pathlen == len && memcmp(e->path, path, len) == 0;
}

int pathcache_find(const struct pathcache *c, const char *path, const unsigned char key[DIGEST_LEN],
                   struct pathcache_hit *hit)
{
	size_t at = binrec_index_find(&c->by_path, path, strlen(path), same_path, c);
	if (!at || memcmp(c->rec[at - 1].key, key, DIGEST_LEN) != 0)
		return 0;
	*hit = (struct pathcache_hit){ c->rec[at - 1].body, c->rec[at - 1].bodylen, at - 1 };
	return 1;
}

void pathcache_keep(struct pathcache *c, const struct pathcache_hit *hit)
{
	c->rec[hit->rec].kept = 1;
}

/* The folder of the cache file, made when missing: the temp files' place. */
static int made_fd(const struct pathcache *c)
{
	struct buf dir = BUF_INIT;
	const char *slash = strrchr(c->path, '/');
	buf_put(&dir, c->path, slash ? (size_t)(slash - c->path) : 0);
	int fd = -1;
	if (slash && output_mkdirs(buf_cstr(&dir)) == 0)
		fd = output_tmpfile(buf_cstr(&dir));
	buf_free(&dir);
	return fd;
}

/* The records waiting in m's buffer go to its temp file (when it has one). */
static void made_flush(struct made *m)
{
	if (m->fd < 0 || !m->b.len)
		return;
	if (!m->bad && output_write_all(m->fd, m->b.data, m->b.len) < 0)
		m->bad = 1;
	m->in_fd += m->b.len;
	buf_reset(&m->b);
}

void pathcache_put(struct pathcache *c, int worker, const char *path, const unsigned char key[DIGEST_LEN],
                   const void *body, size_t len)
{
	struct made *m = &c->made[worker];
	binrec_put_str(&m->b, path, strlen(path));
	buf_put(&m->b, key, DIGEST_LEN);
	binrec_put_str(&m->b, body, len);
	m->n++;
	if (m->b.len >= PATHCACHE_MADE_BUFFER) {
		if (!m->tried) {
			m->tried = 1;
			m->fd = made_fd(c);
		}
		made_flush(m);
	}
}

/* Copies m's records into w: those in its temp file, then those waiting. */
static int made_copy(struct made *m, struct output_atomic *w)
{
	made_flush(m);
	if (m->bad)
		return -1;
	if (m->in_fd) {
		char *chunk = xmalloc(PATHCACHE_MADE_BUFFER);
		for (uint64_t off = 0; off < m->in_fd;) {
			size_t want = m->in_fd - off < PATHCACHE_MADE_BUFFER ? (size_t)(m->in_fd - off) : PATHCACHE_MADE_BUFFER;
			if (output_read_at(m->fd, chunk, want, off) < 0) {
				free(chunk);
				return -1;
			}
			output_atomic_put(w, chunk, want);
			off += want;
		}
		free(chunk);
	}
	output_atomic_put(w, m->b.data ? m->b.data : "", m->b.len);
	return 0;
}

/* m holds nothing any more. */
static void made_clear(struct made *m)
{
	buf_free(&m->b);
	if (m->fd >= 0)
		close(m->fd);
	*m = (struct made){ .fd = -1 };
}

void pathcache_save(struct pathcache *c)
{
	if (!c)
		return;
	if (c->saved)
		return;
	size_t kept = 0, made = 0;
	for (size_t i = 0; i < c->nrec; i++)
		kept += c->rec[i].kept;
	for (int w = 0; w < c->jobs; w++)
		made += c->made[w].n;
	if (!made && kept == c->nrec) {
		c->saved = 1;
		return;   /* the file holds exactly this build's pages */
	}
	/* Streamed: the kept records, runs of them at a time, from the file
	 * read at open; then each thread's. A cold build of 10k pages held
	 * 16 MB more at this moment when the file was made whole first. */
	struct buf head = BUF_INIT;
	struct output_atomic *w = binrec_open(c->path);
	int bad = !w;
	if (w) {
		buf_puts(&head, c->header);
		buf_put(&head, c->global, DIGEST_LEN);
		binrec_put_var(&head, kept + made);
		output_atomic_put(w, head.data, head.len);
		for (size_t i = 0; i < c->nrec;) {
			if (!c->rec[i].kept) {
				i++;
				continue;
			}
			size_t j = i + 1;
			while (j < c->nrec && c->rec[j].kept && c->rec[j].at == c->rec[j - 1].end)
				j++;
			output_atomic_put(w, c->file.data + c->rec[i].at, c->rec[j - 1].end - c->rec[i].at);
			i = j;
		}
		for (int k = 0; k < c->jobs && !bad; k++)
			bad = made_copy(&c->made[k], w) < 0;
	}
	(void)binrec_close(w, c->path, !bad);   /* a failure only costs time */
	buf_free(&head);
	/* The new records are in the file now and nothing reads them here. */
	for (int k = 0; k < c->jobs; k++)
		made_clear(&c->made[k]);
	c->saved = 1;
}

void pathcache_free(struct pathcache *c)
{
	if (!c)
		return;
	for (int w = 0; w < c->jobs; w++)
		made_clear(&c->made[w]);
	free(c->made);
	free(c->rec);
	binrec_index_free(&c->by_path);
	buf_free(&c->file);
	free(c->path);
	free(c);
}
