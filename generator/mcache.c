/* mcache.c: the Markdown cache's records (a path cache, pathcache.h): a
 * page's links (destination, offset, what the resolver returned and
 * wrote), then its HTML, summary, "more" flag and headings. Records are
 * read in place: a hit points into the file. */
#include "mcache.h"

#include <stdlib.h>
#include <string.h>

#include "binrec.h"
#include "pathcache.h"
#include "xalloc.h"

struct mcache {
	struct pathcache *pc;
};

struct mcache *mcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN], int jobs)
{
	struct mcache *c = xcalloc(1, sizeof *c);
	c->pc = pathcache_open(site_dir, MCACHE_FILE, MCACHE_HEADER, global, MCACHE_MAX_FILE, jobs);
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

int mcache_get(struct mcache *c, struct arena *a, const char *path, const char *src, size_t len,
               int (*resolve)(void *ud, const char *dest, size_t len, size_t off, struct buf *out), void *ud,
               unsigned char key[DIGEST_LEN], struct markdown_result *res)
{
	pathcache_key(path, src, len, key);
	struct pathcache_hit hit;
	if (pathcache_find(c->pc, path, key, &hit)) {
		struct binrec_rd r = binrec_rd(hit.body, hit.len);
		if (!links_hold(&r, resolve, ud))
			return 0;
		struct markdown_result m = { 0 };
		m.html = get_cstr(&r, &m.html_len);
		m.summary = get_cstr(&r, &m.summary_len);
		m.summary_cut = (int)binrec_var(&r);
		uint64_t nt = binrec_var(&r);
		if (r.bad || nt > hit.len)
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
		pathcache_keep(c->pc, &hit);
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
	pathcache_put(c->pc, worker, path, key, body.data, body.len);
	buf_free(&body);
}

void mcache_save(struct mcache *c)
{
	if (c)
		pathcache_save(c->pc);
}

void mcache_free(struct mcache *c)
{
	if (!c)
		return;
	pathcache_free(c->pc);
	free(c);
}
