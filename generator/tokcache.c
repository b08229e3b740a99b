/* tokcache.c: the search index's token cache, one file of tokens then documents, read whole and checked once. */
#include "tokcache.h"

#include <stdlib.h>
#include <string.h>

#include "binrec.h"
#include "xalloc.h"

struct tok {
	const char *s;
	size_t len;
};

struct doc {
	const unsigned char *key;        /* DIGEST_LEN bytes */
	const unsigned char *p, *end;    /* its pairs, as varints */
};

struct tokcache {
	struct buf file;
	struct tok *toks;
	size_t ntoks;
	struct doc *docs;
	size_t ndocs;
	struct binrec_index by_key;
};

static int same_key(const void *ud, size_t i, const char *key, size_t len)
{
	const struct tokcache *c = ud;
	return len == DIGEST_LEN && memcmp(c->docs[i].key, key, DIGEST_LEN) == 0;
}

/* Reads the file's records into c; 0, or -1 when anything is off. */
static int parse(struct tokcache *c, const unsigned char global[DIGEST_LEN])
{
	size_t hl = strlen(TOKCACHE_HEADER);
	if (c->file.len < hl + DIGEST_LEN || memcmp(c->file.data, TOKCACHE_HEADER, hl) != 0 ||
	    memcmp(c->file.data + hl, global, DIGEST_LEN) != 0)
		return -1;
	struct binrec_rd r = binrec_rd(c->file.data + hl + DIGEST_LEN, c->file.len - hl - DIGEST_LEN);
	uint64_t n = binrec_var(&r);
	if (r.bad || n > (uint64_t)(r.end - r.p))
		return -1;   /* each token takes a byte at least */
	c->ntoks = (size_t)n;
	c->toks = xcalloc(c->ntoks + 1, sizeof *c->toks);
	for (size_t i = 0; i < c->ntoks; i++) {
		size_t len;
		const char *s = binrec_str(&r, &len);
		if (r.bad)
			return -1;
		c->toks[i] = (struct tok){ s, len };
	}
	n = binrec_var(&r);
	if (r.bad || n > (uint64_t)(r.end - r.p) / DIGEST_LEN)
		return -1;
	c->ndocs = (size_t)n;
	c->docs = xcalloc(c->ndocs + 1, sizeof *c->docs);
	binrec_index_init(&c->by_key, c->ndocs);
	for (size_t i = 0; i < c->ndocs; i++) {
		const unsigned char *key = binrec_bytes(&r, DIGEST_LEN);
		uint64_t np = binrec_var(&r);
		if (r.bad || np > (uint64_t)(r.end - r.p))
			return -1;
		const unsigned char *p = r.p;
		uint64_t last = 0;
		for (uint64_t k = 0; k < np; k++) {
			uint64_t pair = binrec_var(&r);
			/* Ids in increasing order, each known, each with a field. */
			if (r.bad || pair > UINT32_MAX || (pair >> 4) >= c->ntoks || !(pair & 15) ||
			    (k && (pair >> 4) <= (last >> 4)))
				return -1;
			last = pair;
		}
		if (binrec_index_find(&c->by_key, (const char *)key, DIGEST_LEN, same_key, c))
			return -1;   /* one document twice: not a file this program wrote */
		c->docs[i] = (struct doc){ key, p, r.p };
		binrec_index_add(&c->by_key, (const char *)key, DIGEST_LEN, i);
	}
	return r.p == r.end ? 0 : -1;
}

struct tokcache *tokcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN])
{
	struct tokcache *c = xcalloc(1, sizeof *c);
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/%s", site_dir, TOKCACHE_FILE);
	if (buf_read_file_max(&c->file, buf_cstr(&path), TOKCACHE_MAX_FILE) < 0 || parse(c, global) < 0) {
		/* Empty: every document is tokenized. */
		free(c->toks);
		free(c->docs);
		binrec_index_free(&c->by_key);
		buf_free(&c->file);
		memset(c, 0, sizeof *c);
	}
	buf_free(&path);
	return c;
}

size_t tokcache_ntoks(const struct tokcache *c)
{
	return c ? c->ntoks : 0;
}

const char *tokcache_tok(const struct tokcache *c, uint32_t id, size_t *len)
{
	*len = c->toks[id].len;
	return c->toks[id].s;
}

int tokcache_find(const struct tokcache *c, const unsigned char key[DIGEST_LEN], struct tokcache_it *it)
{
	size_t at = c && c->ndocs ? binrec_index_find(&c->by_key, (const char *)key, DIGEST_LEN, same_key, c) : 0;
	if (!at)
		return 0;
	*it = (struct tokcache_it){ c->docs[at - 1].p, c->docs[at - 1].end };
	return 1;
}

int tokcache_next(struct tokcache_it *it, uint32_t *pair)
{
	if (it->p >= it->end)
		return 0;
	/* A varint as binrec_var reads it, checked by tokcache_open. */
	uint32_t v = 0;
	for (int shift = 0;; shift += 7) {
		unsigned char b = *it->p++;
		v |= (uint32_t)(b & 0x7f) << shift;
		if (!(b & 0x80))
			break;
	}
	*pair = v;
	return 1;
}

void tokcache_free(struct tokcache *c)
{
	if (!c)
		return;
	free(c->toks);
	free(c->docs);
	binrec_index_free(&c->by_key);
	buf_free(&c->file);
	free(c);
}

/* The bytes waiting go to the file once there are this many. */
#define TOKCACHE_OUT_BUFFER (256 * 1024)

void tokcache_out_begin(struct tokcache_out *o, const char *site_dir, const unsigned char global[DIGEST_LEN],
                        size_t ntoks)
{
	struct buf path = BUF_INIT;
	buf_printf(&path, "%s/%s", site_dir, TOKCACHE_FILE);
	o->b = (struct buf)BUF_INIT;
	o->w = binrec_open(buf_cstr(&path));
	o->path = buf_detach(&path, NULL);
	buf_puts(&o->b, TOKCACHE_HEADER);
	buf_put(&o->b, global, DIGEST_LEN);
	binrec_put_var(&o->b, ntoks);
}

/* The waiting bytes to the file, when there are enough of them (or all, at the end). */
static void out_flush(struct tokcache_out *o, int all)
{
	if (o->b.len < TOKCACHE_OUT_BUFFER && !all)
		return;
	if (o->w)
		output_atomic_put(o->w, o->b.data, o->b.len);
	buf_reset(&o->b);
}

void tokcache_out_tok(struct tokcache_out *o, const char *tok, size_t len)
{
	binrec_put_str(&o->b, tok, len);
	out_flush(o, 0);
}

void tokcache_out_docs(struct tokcache_out *o, size_t ndocs)
{
	binrec_put_var(&o->b, ndocs);
}

void tokcache_out_doc(struct tokcache_out *o, const unsigned char key[DIGEST_LEN], const uint32_t *pairs, size_t n)
{
	buf_put(&o->b, key, DIGEST_LEN);
	binrec_put_var(&o->b, n);
	/* binrec_put_var's bytes, written in place: a site's pages hold
	 * millions of pairs. */
	buf_grow(&o->b, n * 5);
	unsigned char *w = (unsigned char *)o->b.data + o->b.len;
	for (size_t i = 0; i < n; i++) {
		uint32_t v = pairs[i];
		while (v >= 0x80) {
			*w++ = (unsigned char)(v | 0x80);
			v >>= 7;
		}
		*w++ = (unsigned char)v;
	}
	o->b.len = (size_t)((char *)w - o->b.data);
	o->b.data[o->b.len] = '\0';
	out_flush(o, 0);
}

void tokcache_out_save(struct tokcache_out *o)
{
	out_flush(o, 1);
	(void)binrec_close(o->w, o->path, 1);
	o->w = NULL;
	free(o->path);
	o->path = NULL;
	buf_free(&o->b);
}
