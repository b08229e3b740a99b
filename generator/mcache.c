/* mcache.c: the Markdown cache's file: a header and the global digest, then
 * one record per page: its path and key, its links (destination, offset,
 * what the resolver returned and wrote), then its HTML, summary, "more"
 * flag and headings. Records are read in place: a hit points into the file. */
#include "mcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binrec.h"
#include "output.h"
#include "xalloc.h"

struct rec {
	const char *path;
	size_t pathlen;
	unsigned char key[DIGEST_LEN];
	const unsigned char *body;   /* links, then the result: the rest of the record */
	size_t bodylen;
	unsigned char used;
};

struct mcache {
	char *path;
	unsigned char global[DIGEST_LEN];
	struct buf file;
	struct rec *rec;
	size_t nrec;
	struct binrec_index by_path;
	int jobs;
	struct buf *made;            /* per thread: new records, in the file's form */
	size_t *nmade;
};

static void read_file(struct mcache *c)
{
	size_t hl = strlen(MCACHE_HEADER);
	if (buf_read_file_max(&c->file, c->path, MCACHE_MAX_FILE) < 0 || c->file.len < hl + DIGEST_LEN ||
	    memcmp(c->file.data, MCACHE_HEADER, hl) != 0 || memcmp(c->file.data + hl, c->global, DIGEST_LEN) != 0)
		return;
	struct binrec_rd r = binrec_rd(c->file.data + hl + DIGEST_LEN, c->file.len - hl - DIGEST_LEN);
	uint64_t n = binrec_var(&r);
	if (r.bad || n > c->file.len)
		return;
	c->rec = xcalloc((size_t)n + 1, sizeof *c->rec);
	for (uint64_t i = 0; i < n; i++) {
		struct rec *e = &c->rec[i];
		e->path = binrec_str(&r, &e->pathlen);
		const void *k = binrec_bytes(&r, DIGEST_LEN);
		if (k)
			memcpy(e->key, k, DIGEST_LEN);
		e->body = (const unsigned char *)binrec_str(&r, &e->bodylen);
		if (r.bad)
			return;
	}
	if (r.p == r.end)
		c->nrec = (size_t)n;
}

struct mcache *mcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN], int jobs)
{
	struct mcache *c = xcalloc(1, sizeof *c);
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", site_dir, MCACHE_FILE);
	c->path = buf_detach(&p, NULL);
	memcpy(c->global, global, DIGEST_LEN);
	c->jobs = jobs > 0 ? jobs : 1;
	c->made = xcalloc((size_t)c->jobs, sizeof *c->made);
	c->nmade = xcalloc((size_t)c->jobs, sizeof *c->nmade);
	read_file(c);
	binrec_index_init(&c->by_path, c->nrec);
	for (size_t i = 0; i < c->nrec; i++)
		binrec_index_add(&c->by_path, c->rec[i].path, c->rec[i].pathlen, i);
	return c;
}

/* A string put by put_cstr: borrowed, NUL-terminated in place. */
static const char *get_cstr(struct binrec_rd *r, size_t *len)
{
	const char *s = binrec_str(r, len);
	const char *nul = binrec_bytes(r, 1);
	if (!nul || *nul) {
		r->bad = 1;
		return "";
	}
	return s;
}

/* The links of a record, each resolved again: 1 when each gives what it
 * gave when the page was converted. */
static int links_hold(struct binrec_rd *r, int (*resolve)(void *, const char *, size_t, size_t, struct buf *),
                      void *ud)
{
	uint64_t n = binrec_var(r);
	struct buf out = BUF_INIT;
	int ok = !r->bad;
	for (uint64_t i = 0; i < n && ok; i++) {
		size_t dl, ol;
		const char *dest = binrec_str(r, &dl);
		size_t off = (size_t)binrec_var(r);
		int rc = (int)binrec_var(r) - 1;
		const char *was = binrec_str(r, &ol);
		if (r->bad)
			break;
		buf_reset(&out);
		ok = resolve(ud, dest, dl, off, &out) == rc && out.len == ol && (ol == 0 || memcmp(out.data, was, ol) == 0);
	}
	buf_free(&out);
	return ok && !r->bad;
}

/* binrec_index_find's test: record i is the one of path. */
static int same_path(const void *ud, size_t i, const char *path, size_t len)
{
	const struct rec *e = &((const struct mcache *)ud)->rec[i];
	return e->pathlen == len && memcmp(e->path, path, len) == 0;
}

int mcache_get(struct mcache *c, struct arena *a, const char *path, const char *src, size_t len,
               int (*resolve)(void *ud, const char *dest, size_t len, size_t off, struct buf *out), void *ud,
               unsigned char key[DIGEST_LEN], struct markdown_result *res)
{
	struct digest h;
	size_t pl = strlen(path);
	digest_init(&h);
	digest_u64(&h, pl);
	digest_feed(&h, path, pl);
	digest_feed(&h, src, len);
	digest_final(&h, key);
	size_t at = binrec_index_find(&c->by_path, path, pl, same_path, c);
	if (at) {
		struct rec *e = &c->rec[at - 1];
		if (memcmp(e->key, key, DIGEST_LEN) != 0)
			return 0;
		struct binrec_rd r = binrec_rd(e->body, e->bodylen);
		if (!links_hold(&r, resolve, ud))
			return 0;
		struct markdown_result m = { 0 };
		m.html = get_cstr(&r, &m.html_len);
		m.summary = get_cstr(&r, &m.summary_len);
		m.summary_cut = (int)binrec_var(&r);
		uint64_t nt = binrec_var(&r);
		if (r.bad || nt > e->bodylen)
			return 0;
		/* Strings in the file end with the NUL a result's strings have. */
		struct markdown_heading *toc = arena_alloc(a, ((size_t)nt + 1) * sizeof *toc);
		for (uint64_t i = 0; i < nt; i++) {
			size_t l;
			toc[i].level = (int)binrec_var(&r);
			toc[i].id = get_cstr(&r, &l);
			toc[i].text = get_cstr(&r, &l);
		}
		if (r.bad || r.p != r.end)
			return 0;
		m.toc = toc;
		m.ntoc = (size_t)nt;
		*res = m;
		e->used = 1;
		return 1;
	}
	return 0;
}

void mcache_link(struct mcache_trace *t, const char *dest, size_t len, size_t off, int rc, const struct buf *out)
{
	binrec_put_str(&t->links, dest, len);
	binrec_put_var(&t->links, off);
	binrec_put_var(&t->links, (uint64_t)(rc + 1));
	binrec_put_str(&t->links, rc == 0 && out->data ? out->data : "", rc == 0 ? out->len : 0);
	t->n++;
}

/* A string of a result, with its NUL, so a hit can hand it out in place. */
static void put_cstr(struct buf *b, const char *s, size_t n)
{
	binrec_put_var(b, n);
	if (n)
		buf_put(b, s, n);
	buf_putc(b, '\0');
}

void mcache_put(struct mcache *c, int worker, const char *path, const unsigned char key[DIGEST_LEN],
                const struct markdown_result *res, const struct mcache_trace *t)
{
	struct buf body = BUF_INIT;
	binrec_put_var(&body, t->n);
	buf_put(&body, t->links.data ? t->links.data : "", t->links.len);
	put_cstr(&body, res->html ? res->html : "", res->html_len);
	put_cstr(&body, res->summary ? res->summary : "", res->summary_len);
	binrec_put_var(&body, res->summary_cut != 0);
	binrec_put_var(&body, res->ntoc);
	for (size_t i = 0; i < res->ntoc; i++) {
		binrec_put_var(&body, (uint64_t)res->toc[i].level);
		put_cstr(&body, res->toc[i].id, strlen(res->toc[i].id));
		put_cstr(&body, res->toc[i].text, strlen(res->toc[i].text));
	}
	struct buf *b = &c->made[worker];
	binrec_put_str(b, path, strlen(path));
	buf_put(b, key, DIGEST_LEN);
	binrec_put_str(b, body.data, body.len);
	c->nmade[worker]++;
	buf_free(&body);
}

void mcache_save(struct mcache *c)
{
	if (!c)
		return;
	size_t used = 0, made = 0;
	for (size_t i = 0; i < c->nrec; i++)
		used += c->rec[i].used;
	for (int w = 0; w < c->jobs; w++)
		made += c->nmade[w];
	if (!made && used == c->nrec)
		return;
	struct buf f = BUF_INIT;
	buf_puts(&f, MCACHE_HEADER);
	buf_put(&f, c->global, DIGEST_LEN);
	binrec_put_var(&f, used + made);
	for (size_t i = 0; i < c->nrec; i++) {
		const struct rec *e = &c->rec[i];
		if (!e->used)
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
}

void mcache_free(struct mcache *c)
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
