/* pcache.c: the parse cache's records (a path cache, pathcache.h): where
 * the page's body starts, then its front matter as a tree (kind, flags,
 * line and column, then the scalar or the elements), lengths and numbers
 * as variable-length integers. */
#include "pcache.h"

#include <stdlib.h>
#include <string.h>

#include "binrec.h"
#include "buf.h"
#include "pathcache.h"
#include "schema.h"
#include "xalloc.h"

struct pcache {
	struct pathcache *pc;
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
			binrec_put_str(b, kv->key, value_pair_keylen(kv));
			put_value(b, value_pair_val(kv));
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
			const char *name = key ? schema_key_name(key, (size_t)kl) : NULL;
			if (e && name)
				value_append_key(a, v, name, (size_t)kl, e);   /* borrowed, as fm_parse does */
			else if (e)
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

struct pcache *pcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN], int jobs)
{
	struct pcache *c = xcalloc(1, sizeof *c);
	c->pc = pathcache_open(site_dir, PCACHE_FILE, PCACHE_HEADER, global, PCACHE_MAX_FILE, jobs);
	return c;
}

int pcache_get(struct pcache *c, struct arena *a, const char *path, const char *src, size_t len,
               struct pcache_key *key, struct value **meta, size_t *body_off)
{
	pathcache_key(path, src, len, key->d);
	struct pathcache_hit hit;
	if (!pathcache_find(c->pc, path, key->d, &hit))
		return 0;
	struct binrec_rd r = binrec_rd(hit.body, hit.len);
	uint64_t off = binrec_var(&r);
	if (r.bad || off > len)
		return 0;
	struct value *v = get_value(&r, a, path, 0);
	if (!v || r.p != r.end || v->kind != V_TABLE)
		return 0;
	*meta = v;
	*body_off = (size_t)off;
	pathcache_keep(c->pc, &hit);
	return 1;
}

void pcache_put(struct pcache *c, int worker, const char *path, const struct pcache_key *key,
                size_t len, const struct value *meta, size_t body_off)
{
	struct buf body = BUF_INIT;
	binrec_put_var(&body, body_off);
	put_value(&body, meta);
	if (body.len <= PCACHE_MAX_GROWTH * (len + 64))
		pathcache_put(c->pc, worker, path, key->d, body.data, body.len);
	buf_free(&body);
}

void pcache_save(struct pcache *c)
{
	if (c)
		pathcache_save(c->pc);
}

void pcache_free(struct pcache *c)
{
	if (!c)
		return;
	pathcache_free(c->pc);
	free(c);
}
