/* pcache.c: the parse cache's file: a header and the program's digest, then
 * one record per page: its path, the key of its text, where its body starts
 * and its front matter as a tree (kind, flags, line and column, then the
 * scalar or the elements), lengths and numbers as variable-length integers. */
#include "pcache.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binrec.h"
#include "buf.h"
#include "output.h"
#include "xalloc.h"

/* A record of the file read at open. */
struct rec {
	const char *path;
	size_t pathlen;
	unsigned char key[DIGEST_LEN];
	size_t body_off;
	const unsigned char *tree;
	size_t treelen;
	unsigned char used;        /* looked up and found in this build */
};

struct pcache {
	char *path;
	unsigned char global[DIGEST_LEN];
	struct buf file;
	struct rec *rec;
	size_t nrec;
	struct binrec_index by_path;
	int jobs;
	struct buf *made;          /* per thread: new records, in the file's form */
	size_t *nmade;
};

/* ---- the record format ------------------------------------------------------ */

static uint64_t zig(int64_t v)
{
	return ((uint64_t)v << 1) ^ (uint64_t)(v >> 63);
}

static int64_t unzig(uint64_t v)
{
	return (int64_t)(v >> 1) ^ -(int64_t)(v & 1);
}

static void put_value(struct buf *b, const struct value *v)
{
	buf_putc(b, (char)v->kind);
	binrec_put_var(b, v->flags);
	binrec_put_var(b, (uint64_t)(v->pos.line > 0 ? v->pos.line : 0));
	binrec_put_var(b, (uint64_t)(v->pos.col > 0 ? v->pos.col : 0));
	switch (v->kind) {
	case V_NULL:
	case V_FUNC:
		break;
	case V_BOOL:
		buf_putc(b, (char)(v->u.b != 0));
		break;
	case V_INT:
		binrec_put_var(b, zig(v->u.i));
		break;
	case V_FLOAT:
		buf_put(b, &v->u.f, sizeof v->u.f);
		break;
	case V_STRING:
		binrec_put_str(b, v->u.str.s, v->u.str.len);
		break;
	case V_DATETIME: {
		const struct datetime *d = &v->u.dt;
		int64_t f[] = { d->kind, d->year, d->month, d->day, d->hour, d->minute, d->second, d->nanos, d->offset_min };
		for (size_t i = 0; i < sizeof f / sizeof *f; i++)
			binrec_put_var(b, zig(f[i]));
		break;
	}
	case V_ARRAY:
		binrec_put_var(b, value_len(v));
		for (size_t i = 0; i < value_len(v); i++)
			put_value(b, value_at(v, i));
		break;
	case V_TABLE:
		binrec_put_var(b, value_len(v));
		for (size_t i = 0; i < value_len(v); i++) {
			const struct value_pair *kv = value_pair_at(v, i);
			binrec_put_str(b, kv->key, kv->keylen);
			put_value(b, kv->val);
		}
		break;
	}
}

static struct value *get_value(struct binrec_rd *r, struct arena *a, const char *path, int depth)
{
	const unsigned char *k = binrec_bytes(r, 1);
	if (!k || depth > PCACHE_MAX_DEPTH) {
		r->bad = 1;
		return NULL;
	}
	uint64_t flags = binrec_var(r), line = binrec_var(r), col = binrec_var(r);
	struct pos pos = { path, line <= 1u << 30 ? (int)line : 0, col <= 1u << 30 ? (int)col : 0 };
	struct value *v = NULL;
	switch (*k) {
	case V_NULL:
		v = value_null(a, pos);
		break;
	case V_BOOL: {
		const unsigned char *x = binrec_bytes(r, 1);
		v = value_bool(a, x && *x, pos);
		break;
	}
	case V_INT:
		v = value_int(a, unzig(binrec_var(r)), pos);
		break;
	case V_FLOAT: {
		double f = 0;
		const void *x = binrec_bytes(r, sizeof f);
		if (x)
			memcpy(&f, x, sizeof f);
		v = value_float(a, f, pos);
		break;
	}
	case V_STRING: {
		uint64_t n = binrec_var(r);
		const char *s = binrec_bytes(r, n);
		v = value_string(a, s ? s : "", s ? (size_t)n : 0, pos);
		break;
	}
	case V_DATETIME: {
		struct datetime d = { 0 };
		int64_t f[9];
		for (size_t i = 0; i < 9; i++)
			f[i] = unzig(binrec_var(r));
		d.kind = (uint8_t)f[0];
		d.year = (int32_t)f[1];
		d.month = (int8_t)f[2];
		d.day = (int8_t)f[3];
		d.hour = (int8_t)f[4];
		d.minute = (int8_t)f[5];
		d.second = (int8_t)f[6];
		d.nanos = (int32_t)f[7];
		d.offset_min = (int16_t)f[8];
		v = value_datetime(a, &d, pos);
		break;
	}
	case V_ARRAY: {
		uint64_t n = binrec_var(r);
		if (n > (uint64_t)(r->end - r->p)) {   /* each element takes a byte at least */
			r->bad = 1;
			return NULL;
		}
		v = value_array(a, pos);
		value_reserve(a, v, (size_t)n);
		for (uint64_t i = 0; i < n && !r->bad; i++) {
			struct value *e = get_value(r, a, path, depth + 1);
			if (e)
				value_push(a, v, e);
		}
		break;
	}
	case V_TABLE: {
		uint64_t n = binrec_var(r);
		if (n > (uint64_t)(r->end - r->p)) {
			r->bad = 1;
			return NULL;
		}
		v = value_table(a, pos);
		value_reserve(a, v, (size_t)n);
		for (uint64_t i = 0; i < n && !r->bad; i++) {
			uint64_t kl = binrec_var(r);
			const char *key = binrec_bytes(r, kl);
			struct value *e = key ? get_value(r, a, path, depth + 1) : NULL;
			if (e)
				value_append(a, v, key, (size_t)kl, e);
		}
		break;
	}
	default:
		r->bad = 1;
		return NULL;
	}
	if (v)
		v->flags = (unsigned)flags;
	return r->bad ? NULL : v;
}

/* ---- the file ---------------------------------------------------------------- */

/* One record from r into e; 0, or -1 when the bytes are not one. */
static int get_rec(struct binrec_rd *r, struct rec *e)
{
	uint64_t pl = binrec_var(r);
	e->path = binrec_bytes(r, pl);
	e->pathlen = (size_t)pl;
	const void *key = binrec_bytes(r, DIGEST_LEN);
	if (key)
		memcpy(e->key, key, DIGEST_LEN);
	e->body_off = (size_t)binrec_var(r);
	uint64_t tl = binrec_var(r);
	e->tree = binrec_bytes(r, tl);
	e->treelen = (size_t)tl;
	e->used = 0;
	return r->bad ? -1 : 0;
}

static void read_file(struct pcache *c)
{
	size_t hl = strlen(PCACHE_HEADER);
	if (buf_read_file_max(&c->file, c->path, PCACHE_MAX_FILE) < 0 || c->file.len < hl + DIGEST_LEN ||
	    memcmp(c->file.data, PCACHE_HEADER, hl) != 0 || memcmp(c->file.data + hl, c->global, DIGEST_LEN) != 0)
		return;
	struct binrec_rd r = { (const unsigned char *)c->file.data + hl + DIGEST_LEN,
	                (const unsigned char *)c->file.data + c->file.len, 0 };
	uint64_t n = binrec_var(&r);
	if (r.bad || n > c->file.len)
		return;
	c->rec = xcalloc((size_t)n + 1, sizeof *c->rec);
	for (uint64_t i = 0; i < n; i++)
		if (get_rec(&r, &c->rec[i]) < 0)
			return;
	if (r.p != r.end)
		return;
	c->nrec = (size_t)n;
}

struct pcache *pcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN], int jobs)
{
	struct pcache *c = xcalloc(1, sizeof *c);
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", site_dir, PCACHE_FILE);
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

/* binrec_index_find's test: record i is the one of path. */
static int same_path(const void *ud, size_t i, const char *path, size_t len)
{
	const struct rec *e = &((const struct pcache *)ud)->rec[i];
	return e->pathlen == len && memcmp(e->path, path, len) == 0;
}

int pcache_get(struct pcache *c, struct arena *a, const char *path, const char *src, size_t len,
               struct pcache_key *key, struct value **meta, size_t *body_off)
{
	struct digest h;
	size_t pl = strlen(path);
	digest_init(&h);
	digest_u64(&h, pl);
	digest_feed(&h, path, pl);
	digest_feed(&h, src, len);
	digest_final(&h, key->d);
	size_t at = binrec_index_find(&c->by_path, path, pl, same_path, c);
	if (at) {
		struct rec *e = &c->rec[at - 1];
		if (memcmp(e->key, key->d, DIGEST_LEN) != 0 || e->body_off > len)
			return 0;
		struct binrec_rd r = { e->tree, e->tree + e->treelen, 0 };
		struct value *v = get_value(&r, a, path, 0);
		if (!v || r.p != r.end || v->kind != V_TABLE)
			return 0;
		*meta = v;
		*body_off = e->body_off;
		e->used = 1;
		return 1;
	}
	return 0;
}

void pcache_put(struct pcache *c, int worker, const char *path, const struct pcache_key *key,
                size_t len, const struct value *meta, size_t body_off)
{
	struct buf tree = BUF_INIT;
	put_value(&tree, meta);
	if (tree.len <= PCACHE_MAX_GROWTH * (len + 64)) {
		struct buf *b = &c->made[worker];
		binrec_put_str(b, path, strlen(path));
		buf_put(b, key->d, DIGEST_LEN);
		binrec_put_var(b, body_off);
		binrec_put_str(b, tree.data ? tree.data : "", tree.len);
		c->nmade[worker]++;
	}
	buf_free(&tree);
}

void pcache_save(struct pcache *c)
{
	if (!c)
		return;
	size_t used = 0, made = 0;
	for (size_t i = 0; i < c->nrec; i++)
		used += c->rec[i].used;
	for (int w = 0; w < c->jobs; w++)
		made += c->nmade[w];
	if (!made && used == c->nrec)
		return;   /* the file holds exactly this build's pages */
	struct buf f = BUF_INIT;
	buf_puts(&f, PCACHE_HEADER);
	buf_put(&f, c->global, DIGEST_LEN);
	binrec_put_var(&f, used + made);
	for (size_t i = 0; i < c->nrec; i++) {
		const struct rec *e = &c->rec[i];
		if (!e->used)
			continue;
		binrec_put_str(&f, e->path, e->pathlen);
		buf_put(&f, e->key, DIGEST_LEN);
		binrec_put_var(&f, e->body_off);
		binrec_put_str(&f, (const char *)e->tree, e->treelen);
	}
	for (int w = 0; w < c->jobs; w++)
		buf_put(&f, c->made[w].data ? c->made[w].data : "", c->made[w].len);
	(void)binrec_write(c->path, &f);
	buf_free(&f);
}

void pcache_free(struct pcache *c)
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
