/* rcache.c: the render cache's records: read once at the start of the
 * templates stage, probed and added to by the rendering threads (each its
 * own list), written back after the output folder is. The file is binary
 * and private: a header and the global digest, the output folder, the site
 * keys' digests, the sets of site keys pages read, then one record per file. */
#include "rcache.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "binrec.h"
#include "buf.h"
#include "output.h"
#include "pool.h"
#include "stamp.h"
#include "xalloc.h"

/* A key of the site data and its digest. */
struct skey {
	const char *name;
	uint32_t len;
	unsigned char dig[DIGEST_LEN];
};

/* One output file's record. In a worker's list until save, set is an
 * offset into the worker's set strings, which may still move. */
struct rec {
	const char *rel;
	uint32_t rellen;
	unsigned char key[DIGEST_LEN];
	unsigned char sitedig[DIGEST_LEN];
	const char *set;        /* the set of site keys read, canonical (see canon()) */
	uint32_t setlen;
	uint32_t setno;         /* a record read from the file: the set's index there */
	uint64_t size, ino, dev;
	int64_t mtime, ctime;
	int racy;                  /* changed in the racy window: body vouches for it */
	int kept;                  /* reused: the output file is as its status says (no new lstat) */
	unsigned char body[DIGEST_LEN];
};

struct recs {
	struct rec *v;
	size_t n, cap;
};

/* A rendering thread's own state. */
struct worker {
	struct recs made;            /* records of this build */
	struct buf sets;             /* set strings of made records (offsets until save) */
	size_t count[RCACHE_NWHY];
	/* The trace of the render under way: */
	unsigned char *seen;         /* by site key */
	uint32_t *seen_list;
	size_t nseen;
	struct buf absent;           /* names looked up and not found: u32 length + bytes each */
	int whole;
};

struct rcache {
	char *path;                  /* the cache file */
	int linked;                  /* rcache_linked_out: ctimes are not compared */
	size_t dir_len;              /* path's folder, RCACHE_DIR, is its first dir_len bytes */
	char *out_dir;
	unsigned char global[DIGEST_LEN];
	const struct value *site;
	/* Digests of shared values, by address (value_memo): the site data and
	 * the labels stand for nothing there (they are accounted apart), the
	 * others for their contents. */
	const struct value **mkey;
	unsigned char (*mdig)[DIGEST_LEN];
	unsigned char *mready;     /* 1: mdig holds it; 0: being made; 2: holds a function */
	size_t nmemo;              /* slots, a power of two */
	struct value_memo memo;
	struct skey *keys;           /* the site's, sorted by name */
	size_t nkeys;
	unsigned char whole[DIGEST_LEN];   /* the whole site data's digest */
	/* The last build's, from the file: */
	struct buf file;
	struct skey *okeys;
	size_t nokeys;
	struct recs old;
	struct binrec_index by_rel;  /* the old records by output path */
	const char **setv;           /* old sets, with their digest under today's site data */
	uint32_t *setlenv;
	unsigned char (*setdig)[DIGEST_LEN];
	size_t nsets;
	int jobs;
	struct worker *w;
	int saved;                   /* rcache_save ran: the made records' sets are pointers now */
};

#define WHOLE_LEN 0xffffffffu

static int name_cmp(const char *a, size_t al, const char *b, size_t bl)
{
	size_t n = al < bl ? al : bl;
	int c = n ? memcmp(a, b, n) : 0;
	return c ? c : al < bl ? -1 : al > bl;
}

static int skey_cmp(const void *x, const void *y)
{
	const struct skey *a = x, *b = y;
	return name_cmp(a->name, a->len, b->name, b->len);
}

static const struct skey *find_key(const struct skey *k, size_t n, const char *name, size_t len)
{
	size_t lo = 0, hi = n;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int c = name_cmp(k[mid].name, k[mid].len, name, len);
		if (c == 0)
			return &k[mid];
		if (c < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

/* The record format: binrec.h numbers and strings, digests as 16 bytes. */
static const char *get_str(struct binrec_rd *r, uint32_t *len)
{
	size_t n;
	const char *s = binrec_str(r, &n);
	*len = (uint32_t)n;
	return s;
}

static void get_dig(struct binrec_rd *r, unsigned char d[DIGEST_LEN])
{
	const void *x = binrec_bytes(r, DIGEST_LEN);
	if (x)
		memcpy(d, x, DIGEST_LEN);
	else
		memset(d, 0, DIGEST_LEN);
}

/* The digest of a set of names (u32 length + bytes each, WHOLE_LEN for the
 * whole site) under today's site data. */
static void set_digest(const struct rcache *c, const char *s, size_t n, unsigned char out[DIGEST_LEN])
{
	struct digest h;
	digest_init(&h);
	struct binrec_rd r = { (const unsigned char *)s, (const unsigned char *)s + n, 0 };
	while (r.p < r.end && !r.bad) {
		uint32_t len = (uint32_t)binrec_var(&r);
		if (len == WHOLE_LEN) {
			digest_u64(&h, WHOLE_LEN);
			digest_feed(&h, c->whole, DIGEST_LEN);
			continue;
		}
		const char *name = binrec_bytes(&r, len);
		if (!name)
			break;
		const struct skey *k = find_key(c->keys, c->nkeys, name, len);
		digest_u64(&h, len);
		digest_update(&h, name, len);
		digest_u64(&h, k != NULL);
		if (k)
			digest_feed(&h, k->dig, DIGEST_LEN);
	}
	digest_u64(&h, r.bad);
	digest_final(&h, out);
}

static void recs_push(struct recs *rs, const struct rec *r)
{
	if (rs->n == rs->cap) {
		rs->cap = rs->cap ? rs->cap * 2 : 256;
		rs->v = xrealloc(rs->v, rs->cap * sizeof *rs->v);
	}
	rs->v[rs->n++] = *r;
}

/* Reads the last build's file; leaves the cache empty when it is not one
 * of ours, for another output folder or other templates. */
static void read_file(struct rcache *c)
{
	if (buf_read_file_max(&c->file, c->path, RCACHE_MAX_FILE) < 0)
		goto empty;
	size_t hl = strlen(RCACHE_HEADER);
	if (c->file.len < hl || memcmp(c->file.data, RCACHE_HEADER, hl) != 0)
		goto empty;
	struct binrec_rd r = { (const unsigned char *)c->file.data + hl, (const unsigned char *)c->file.data + c->file.len, 0 };
	unsigned char g[DIGEST_LEN];
	get_dig(&r, g);
	uint32_t ol;
	const char *od = get_str(&r, &ol);
	if (r.bad || memcmp(g, c->global, DIGEST_LEN) != 0 || ol != strlen(c->out_dir) ||
	    memcmp(od, c->out_dir, ol) != 0)
		goto empty;
	uint32_t nk = (uint32_t)binrec_var(&r);
	if (r.bad || nk > c->file.len)
		goto empty;
	c->okeys = xcalloc((size_t)nk + 1, sizeof *c->okeys);
	for (uint32_t i = 0; i < nk && !r.bad; i++) {
		c->okeys[i].name = get_str(&r, &c->okeys[i].len);
		get_dig(&r, c->okeys[i].dig);
	}
	c->nokeys = nk;
	uint32_t ns = (uint32_t)binrec_var(&r);
	if (r.bad || ns > c->file.len)
		goto empty;
	c->setv = xcalloc((size_t)ns + 1, sizeof *c->setv);
	c->setlenv = xcalloc((size_t)ns + 1, sizeof *c->setlenv);
	c->setdig = xcalloc((size_t)ns + 1, sizeof *c->setdig);
	for (uint32_t i = 0; i < ns && !r.bad; i++)
		c->setv[i] = get_str(&r, &c->setlenv[i]);
	c->nsets = ns;
	uint32_t nr = (uint32_t)binrec_var(&r);
	if (r.bad || nr > c->file.len)
		goto empty;
	for (uint32_t i = 0; i < nr && !r.bad; i++) {
		struct rec e = { 0 };
		e.rel = get_str(&r, &e.rellen);
		get_dig(&r, e.key);
		uint32_t set = (uint32_t)binrec_var(&r);
		get_dig(&r, e.sitedig);
		e.size = binrec_var(&r);
		e.ino = binrec_var(&r);
		e.dev = binrec_var(&r);
		e.mtime = (int64_t)binrec_var(&r);
		e.ctime = (int64_t)binrec_var(&r);
		e.racy = (int)(uint32_t)binrec_var(&r);
		get_dig(&r, e.body);
		if (r.bad || set >= ns)
			goto empty;
		e.setno = set;
		e.set = c->setv[set];
		e.setlen = c->setlenv[set];
		recs_push(&c->old, &e);
	}
	if (r.bad || r.p != r.end)
		goto empty;
	return;
empty:
	c->old.n = 0;
	c->nsets = 0;
	c->nokeys = 0;
}

/* binrec_index_find's test: old record i is the one of output path rel. */
static int same_rel(const void *ud, size_t i, const char *rel, size_t len)
{
	const struct rec *e = &((const struct rcache *)ud)->old.v[i];
	return e->rellen == len && memcmp(e->rel, rel, len) == 0;
}

/* An index of the old records by output path. */
static void index_old(struct rcache *c)
{
	binrec_index_init(&c->by_rel, c->old.n);
	for (size_t i = 0; i < c->old.n; i++)
		binrec_index_add(&c->by_rel, c->old.v[i].rel, c->old.v[i].rellen, i);
}

static const struct rec *find_old(const struct rcache *c, const char *rel, size_t len)
{
	size_t at = binrec_index_find(&c->by_rel, rel, len, same_rel, c);
	return at ? &c->old.v[at - 1] : NULL;
}

int rcache_has(const struct rcache *c, const char *rel)
{
	return c && find_old(c, rel, strlen(rel)) != NULL;
}

static size_t ptr_hash(const struct value *v, size_t mask)
{
	uint64_t x = (uint64_t)(uintptr_t)v;
	x ^= x >> 29;
	x *= 0xbf58476d1ce4e5b9ULL;
	x ^= x >> 32;
	return (size_t)x & mask;
}

static const unsigned char *memo_find(const void *ud, const struct value *v)
{
	const struct rcache *c = ud;
	for (size_t h = ptr_hash(v, c->nmemo - 1); c->mkey[h]; h = (h + 1) & (c->nmemo - 1))
		if (c->mkey[h] == v)
			return c->mready[h] == 1 ? c->mdig[h] : NULL;
	return NULL;
}

/* The slot of v, taken when new (0: not ready). Returns the slot, or
 * (size_t)-1 when v was there already. */
static size_t memo_slot(struct rcache *c, const struct value *v)
{
	size_t h = ptr_hash(v, c->nmemo - 1);
	for (; c->mkey[h]; h = (h + 1) & (c->nmemo - 1))
		if (c->mkey[h] == v)
			return (size_t)-1;
	c->mkey[h] = v;
	return h;
}

struct memo_job {
	struct rcache *c;
	const size_t *slot;
};

/* The digest of one shared value, made with the layers before its own
 * (ready); a value holding a function stays out (2: never found). */
static void memo_one(void *ctx, size_t i, int worker)
{
	struct memo_job *j = ctx;
	struct rcache *c = j->c;
	size_t h = j->slot[i];
	struct digest x;
	(void)worker;
	digest_init(&x);
	if (value_digest(c->mkey[h], &x, &c->memo) < 0) {
		c->mready[h] = 2;
		return;
	}
	digest_final(&x, c->mdig[h]);
}

/* Digests the shared values layer by layer, each layer on the pool. */
static void memo_layers(struct rcache *c, const struct value *const *shared, const size_t *layer_end,
                        size_t nlayers, int jobs)
{
	size_t *slot = xcalloc(layer_end && nlayers ? layer_end[nlayers - 1] + 1 : 1, sizeof *slot);
	size_t from = 0;
	for (size_t k = 0; k < nlayers; k++) {
		size_t n = 0;
		for (size_t i = from; i < layer_end[k]; i++) {
			if (!shared[i] || shared[i]->kind < V_ARRAY)
				continue;
			size_t h = memo_slot(c, shared[i]);
			if (h != (size_t)-1)
				slot[n++] = h;
		}
		struct memo_job j = { c, slot };
		pool_run(n, jobs, memo_one, &j);
		for (size_t i = 0; i < n; i++)
			if (!c->mready[slot[i]])
				c->mready[slot[i]] = 1;
		from = layer_end[k];
	}
	free(slot);
}

struct rcache *rcache_open(const char *site_dir, const char *out_dir, const unsigned char global[DIGEST_LEN],
                           const struct value *site, const struct value *i18n,
                           const struct value *const *shared, const size_t *layer_end, size_t nlayers, int jobs)
{
	struct rcache *c = xcalloc(1, sizeof *c);
	/* One file per output folder: public/, publish's and serve's folders
	 * each keep theirs, so that building into one does not undo another's. */
	struct buf p = BUF_INIT;
	struct digest od;
	unsigned char odd[DIGEST_LEN];
	digest_init(&od);
	digest_feed(&od, out_dir, strlen(out_dir));
	digest_final(&od, odd);
	buf_printf(&p, "%s/%s/", site_dir, RCACHE_DIR);
	for (int i = 0; i < 8; i++)
		buf_printf(&p, "%02x", odd[i]);
	c->dir_len = strlen(site_dir) + 1 + strlen(RCACHE_DIR);
	c->path = buf_detach(&p, NULL);
	c->out_dir = xstrdup(out_dir);
	memcpy(c->global, global, DIGEST_LEN);
	c->site = site;
	c->jobs = jobs > 0 ? jobs : 1;
	c->nmemo = 64;
	size_t nshared = nlayers ? layer_end[nlayers - 1] : 0;
	while (c->nmemo < (nshared + 2) * 2)
		c->nmemo *= 2;
	c->mkey = xcalloc(c->nmemo, sizeof *c->mkey);
	c->mdig = xcalloc(c->nmemo, sizeof *c->mdig);
	c->mready = xcalloc(c->nmemo, 1);
	c->memo = (struct value_memo){ memo_find, c };
	/* The site data and the labels stand for nothing in a page's digest. */
	const struct value *marks[2] = { site, i18n };
	for (int k = 0; k < 2; k++) {
		size_t h = marks[k] ? memo_slot(c, marks[k]) : (size_t)-1;
		if (h != (size_t)-1) {
			c->mdig[h][0] = (unsigned char)('s' + k);
			c->mready[h] = 1;
		}
	}
	memo_layers(c, shared, layer_end, nlayers, c->jobs);
	c->w = xcalloc((size_t)c->jobs, sizeof *c->w);
	/* Today's site data, key by key. */
	c->nkeys = value_len(site);
	c->keys = xcalloc(c->nkeys + 1, sizeof *c->keys);
	struct digest whole;
	digest_init(&whole);
	for (size_t i = 0; i < c->nkeys; i++) {
		const struct value_pair *kv = value_pair_at(site, i);
		struct digest h;
		digest_init(&h);
		/* A function has no digest: a key holding one never matches. */
		if (value_digest(value_pair_val(kv), &h, &c->memo) < 0)
			digest_u64(&h, (uint64_t)(uintptr_t)c ^ (uint64_t)i);
		c->keys[i] = (struct skey){ kv->key, (uint32_t)value_pair_keylen(kv), { 0 } };
		digest_final(&h, c->keys[i].dig);
		digest_u64(&whole, value_pair_keylen(kv));
		digest_update(&whole, kv->key, value_pair_keylen(kv));
		digest_feed(&whole, c->keys[i].dig, DIGEST_LEN);
	}
	digest_final(&whole, c->whole);
	qsort(c->keys, c->nkeys, sizeof *c->keys, skey_cmp);
	for (int w = 0; w < c->jobs; w++) {
		c->w[w].seen = xcalloc(c->nkeys + 1, 1);
		c->w[w].seen_list = xcalloc(c->nkeys + 1, sizeof *c->w[w].seen_list);
	}
	read_file(c);
	for (size_t i = 0; i < c->nsets; i++)
		set_digest(c, c->setv[i], c->setlenv[i], c->setdig[i]);
	index_old(c);
	return c;
}

/* The trace's callback: one key of the site data looked up. */
static void on_read(void *ud, const char *key, size_t len)
{
	struct rcache_page *pg = ud;
	struct worker *w = &pg->c->w[pg->worker];
	if (!key) {
		w->whole = 1;
		return;
	}
	const struct skey *k = find_key(pg->c->keys, pg->c->nkeys, key, len);
	if (k) {
		size_t i = (size_t)(k - pg->c->keys);
		if (!w->seen[i]) {
			w->seen[i] = 1;
			w->seen_list[w->nseen++] = (uint32_t)i;
		}
		return;
	}
	binrec_put_var(&w->absent, (uint32_t)len);
	buf_put(&w->absent, key, len);
}

static void trace_reset(struct worker *w)
{
	for (size_t i = 0; i < w->nseen; i++)
		w->seen[w->seen_list[i]] = 0;
	w->nseen = 0;
	buf_reset(&w->absent);
	w->whole = 0;
}

static int stat_matches(const struct rec *e, const struct stat *st, int linked)
{
	return S_ISREG(st->st_mode) && (uint64_t)st->st_size == e->size && (uint64_t)st->st_ino == e->ino &&
	       (uint64_t)st->st_dev == e->dev &&
	       (int64_t)st->st_mtim.tv_sec * 1000000000LL + st->st_mtim.tv_nsec == e->mtime &&
	       (linked || (int64_t)st->st_ctim.tv_sec * 1000000000LL + st->st_ctim.tv_nsec == e->ctime);
}

void rcache_linked_out(struct rcache *c)
{
	if (c)
		c->linked = 1;
}

static void file_digest(const char *path, size_t size, unsigned char out[DIGEST_LEN])
{
	/* Read a piece at a time: the racy files of a build are its newest,
	 * data/tasks.json (tens of MB) among them. */
	enum { PIECE = 64 * 1024 };
	struct digest h;
	digest_init(&h);
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t total = 0;
	int bad = fd < 0;
	char *piece = bad ? NULL : xmalloc(PIECE);
	while (!bad) {
		ssize_t r = read(fd, piece, PIECE);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0) {
			bad = r < 0;
			break;
		}
		total += (size_t)r;
		bad = total > size;   /* grown since: not the file recorded */
		digest_feed(&h, piece, (size_t)r);
	}
	if (bad) {
		digest_init(&h);
		digest_u64(&h, 0xbad);
	}
	digest_final(&h, out);
	free(piece);
	if (fd >= 0)
		close(fd);
}

/* The output folder's file is the one recorded: its status, and its bytes
 * when it was racy. */
static int output_holds(const struct rcache *c, const struct rec *e)
{
	struct buf path = BUF_INIT;
	struct stat st;
	buf_printf(&path, "%s/%.*s", c->out_dir, (int)e->rellen, e->rel);
	int ok = lstat(buf_cstr(&path), &st) == 0 && stat_matches(e, &st, c->linked);
	if (ok && e->racy) {
		unsigned char d[DIGEST_LEN];
		file_digest(buf_cstr(&path), (size_t)st.st_size, d);
		ok = memcmp(d, e->body, DIGEST_LEN) == 0;
	}
	buf_free(&path);
	return ok;
}

enum rcache_why rcache_probe(struct rcache *c, int worker, struct rcache_page *pg, const char *rel,
                             const char *tpl, const struct value *ctx)
{
	struct worker *w = &c->w[worker];
	memset(pg, 0, sizeof *pg);
	pg->c = c;
	pg->worker = worker;
	pg->rel = rel;
	pg->trace = (struct tpl_trace){ c->site, on_read, pg };
	trace_reset(w);
	struct digest h;
	digest_init(&h);
	size_t rl = strlen(rel);
	digest_u64(&h, rl);
	digest_update(&h, rel, rl);
	digest_update(&h, tpl, strlen(tpl) + 1);
	enum rcache_why why;
	if (value_digest(ctx, &h, &c->memo) < 0) {
		why = RCACHE_UNCACHED;
		goto out;
	}
	digest_final(&h, pg->key);
	pg->keyed = 1;
	const struct rec *e = find_old(c, rel, rl);
	if (!e)
		why = RCACHE_NEW;
	else if (memcmp(e->key, pg->key, DIGEST_LEN) != 0)
		why = RCACHE_PAGE;
	else if (memcmp(c->setdig[e->setno], e->sitedig, DIGEST_LEN) != 0)
		why = RCACHE_SITE;
	else if (!output_holds(c, e))
		why = RCACHE_OUTPUT;
	else
		why = RCACHE_REUSED;
	if (why == RCACHE_REUSED) {
		struct rec r = *e;
		r.kept = 1;
		r.rel = rel;
		r.rellen = (uint32_t)rl;
		/* The set string: copied into the worker's, as the old file goes at save. */
		size_t off = w->sets.len;
		buf_put(&w->sets, e->set, e->setlen);
		r.set = (const char *)(uintptr_t)off;
		recs_push(&w->made, &r);
	}
out:
	w->count[why]++;
	return why;
}

/* The set of names w's trace read, canonical: sorted, each once, as u32
 * length + bytes, WHOLE_LEN last when the whole site was used. */
struct name {
	const char *s;
	uint32_t len;
};

static int namecmp(const void *x, const void *y)
{
	const struct name *a = x, *b = y;
	return name_cmp(a->s, a->len, b->s, b->len);
}

static void canon(const struct rcache *c, const struct worker *w, struct buf *out)
{
	/* Each absent name takes at least its length's byte. */
	struct name *v = xmalloc((w->nseen + w->absent.len + 1) * sizeof *v);
	size_t n = 0;
	for (size_t i = 0; i < w->nseen; i++)
		v[n++] = (struct name){ c->keys[w->seen_list[i]].name, c->keys[w->seen_list[i]].len };
	struct binrec_rd r = { (const unsigned char *)w->absent.data, (const unsigned char *)w->absent.data + w->absent.len, 0 };
	while (r.p < r.end && !r.bad) {
		uint32_t len;
		const char *s = get_str(&r, &len);
		if (!r.bad)
			v[n++] = (struct name){ s, len };
	}
	qsort(v, n, sizeof *v, namecmp);
	for (size_t i = 0; i < n; i++) {
		if (i && namecmp(&v[i], &v[i - 1]) == 0)
			continue;
		binrec_put_var(out, v[i].len);
		buf_put(out, v[i].s, v[i].len);
	}
	if (w->whole)
		binrec_put_var(out, WHOLE_LEN);
	free(v);
}

int rcache_value_digest(const struct rcache *c, const struct value *v, unsigned char out[DIGEST_LEN])
{
	struct digest h;
	digest_init(&h);
	if (value_digest(v, &h, &c->memo) < 0)
		return -1;
	digest_final(&h, out);
	return 0;
}

void rcache_put(struct rcache_page *pg)
{
	if (!pg->c || !pg->keyed)
		return;
	struct rcache *c = pg->c;
	struct worker *w = &c->w[pg->worker];
	struct rec r = { 0 };
	r.rel = pg->rel;
	r.rellen = (uint32_t)strlen(pg->rel);
	memcpy(r.key, pg->key, DIGEST_LEN);
	size_t off = w->sets.len;
	canon(c, w, &w->sets);
	r.setlen = (uint32_t)(w->sets.len - off);
	set_digest(c, w->sets.data + off, r.setlen, r.sitedig);
	r.set = (const char *)(uintptr_t)off;
	recs_push(&w->made, &r);
	trace_reset(w);
}

void rcache_counts(const struct rcache *c, size_t out[RCACHE_NWHY])
{
	memset(out, 0, RCACHE_NWHY * sizeof *out);
	for (int w = 0; c && w < c->jobs; w++)
		for (int k = 0; k < RCACHE_NWHY; k++)
			out[k] += c->w[w].count[k];
}

void rcache_changed_keys(const struct rcache *c, struct buf *out)
{
	if (!c || !c->old.n)
		return;
	struct skey *o = xcalloc(c->nokeys + 1, sizeof *o);
	if (c->nokeys)
		memcpy(o, c->okeys, c->nokeys * sizeof *o);
	qsort(o, c->nokeys, sizeof *o, skey_cmp);
	size_t i = 0, j = 0;
	const char *sep = "";
	while (i < c->nkeys || j < c->nokeys) {
		int cmp = i == c->nkeys ? 1 : j == c->nokeys ? -1 :
		          name_cmp(c->keys[i].name, c->keys[i].len, o[j].name, o[j].len);
		const struct skey *k = cmp <= 0 ? &c->keys[i] : &o[j];
		if (cmp != 0 || memcmp(c->keys[i].dig, o[j].dig, DIGEST_LEN) != 0) {
			buf_printf(out, "%s%.*s", sep, (int)k->len, k->name);
			sep = ", ";
		}
		if (cmp <= 0)
			i++;
		if (cmp >= 0)
			j++;
	}
	free(o);
}

static int rec_cmp(const void *x, const void *y)
{
	const struct rec *a = *(const struct rec *const *)x, *b = *(const struct rec *const *)y;
	return name_cmp(a->rel, a->rellen, b->rel, b->rellen);
}

/* Set strings of the new file, each once: index by content. */
struct setidx {
	struct binrec_index by_text;
	struct name *v;
	size_t n;
};

static int same_set(const void *ud, size_t i, const char *s, size_t len)
{
	const struct name *e = &((const struct setidx *)ud)->v[i];
	return e->len == len && (len == 0 || memcmp(e->s, s, len) == 0);
}

static uint32_t set_intern(struct setidx *si, const char *s, uint32_t len)
{
	size_t at = binrec_index_find(&si->by_text, s, len, same_set, si);
	if (at)
		return (uint32_t)(at - 1);
	si->v[si->n] = (struct name){ s, len };
	binrec_index_add(&si->by_text, s, len, si->n);
	return (uint32_t)si->n++;
}

void rcache_save(struct rcache *c)
{
	if (!c || c->saved)
		return;
	c->saved = 1;
	/* The threads' records in name order, through pointers: the records
	 * are not copied (a hundred bytes each, at the build's peak). */
	struct { struct rec **v; size_t n; } all = { 0 };
	size_t total = 0;
	for (int w = 0; w < c->jobs; w++)
		total += c->w[w].made.n;
	all.v = xmalloc((total + 1) * sizeof *all.v);
	for (int w = 0; w < c->jobs; w++)
		for (size_t i = 0; i < c->w[w].made.n; i++) {
			struct rec *r = &c->w[w].made.v[i];
			r->set = c->w[w].sets.data ? c->w[w].sets.data + (uintptr_t)r->set : "";
			all.v[all.n++] = r;
		}
	if (all.n)
		qsort(all.v, all.n, sizeof *all.v, rec_cmp);
	struct setidx si = { 0 };
	binrec_index_init(&si.by_text, all.n);
	si.v = xcalloc(all.n + 1, sizeof *si.v);
	uint32_t *setof = xcalloc(all.n + 1, sizeof *setof);
	for (size_t i = 0; i < all.n; i++)
		setof[i] = set_intern(&si, all.v[i]->set, all.v[i]->setlen);
	struct buf f = BUF_INIT, path = BUF_INIT;
	buf_puts(&f, RCACHE_HEADER);
	buf_put(&f, c->global, DIGEST_LEN);
	binrec_put_var(&f, (uint32_t)strlen(c->out_dir));
	buf_puts(&f, c->out_dir);
	binrec_put_var(&f, (uint32_t)c->nkeys);
	for (size_t i = 0; i < c->nkeys; i++) {
		binrec_put_var(&f, c->keys[i].len);
		buf_put(&f, c->keys[i].name, c->keys[i].len);
		buf_put(&f, c->keys[i].dig, DIGEST_LEN);
	}
	binrec_put_var(&f, (uint32_t)si.n);
	for (size_t i = 0; i < si.n; i++) {
		binrec_put_var(&f, si.v[i].len);
		buf_put(&f, si.v[i].s, si.v[i].len);
	}
	/* Each file's status as the output folder holds it now. */
	int64_t now = stamp_now_ns();
	size_t nrec = 0;
	struct buf recs = BUF_INIT;
	for (size_t i = 0; i < all.n; i++) {
		const struct rec *r = all.v[i];
		struct stat st;
		buf_reset(&path);
		buf_printf(&path, "%s/%.*s", c->out_dir, (int)r->rellen, r->rel);
		/* A reused file was found as recorded, and the build left it alone. */
		if (r->kept) {
			st.st_mode = S_IFREG;
			st.st_size = (off_t)r->size;
			st.st_ino = (ino_t)r->ino;
			st.st_dev = (dev_t)r->dev;
			st.st_mtim.tv_sec = r->mtime / 1000000000LL;
			st.st_mtim.tv_nsec = r->mtime % 1000000000LL;
			st.st_ctim.tv_sec = r->ctime / 1000000000LL;
			st.st_ctim.tv_nsec = r->ctime % 1000000000LL;
		} else if (lstat(buf_cstr(&path), &st) < 0 || !S_ISREG(st.st_mode)) {
			continue;
		}
		int64_t ct = (int64_t)st.st_ctim.tv_sec * 1000000000LL + st.st_ctim.tv_nsec;
		/* Changed so lately that a change to come could leave the status
		 * as it is: its bytes vouch for it (git's racily-clean entries). */
		int racy = ct > now - (st.st_ctim.tv_nsec ? RCACHE_RACY_NS : RCACHE_RACY_COARSE_NS);
		unsigned char body[DIGEST_LEN] = { 0 };
		if (racy && r->kept && r->racy)
			memcpy(body, r->body, DIGEST_LEN);
		else if (racy)
			file_digest(buf_cstr(&path), (size_t)st.st_size, body);
		binrec_put_var(&recs, r->rellen);
		buf_put(&recs, r->rel, r->rellen);
		buf_put(&recs, r->key, DIGEST_LEN);
		binrec_put_var(&recs, setof[i]);
		buf_put(&recs, r->sitedig, DIGEST_LEN);
		binrec_put_var(&recs, (uint64_t)st.st_size);
		binrec_put_var(&recs, (uint64_t)st.st_ino);
		binrec_put_var(&recs, (uint64_t)st.st_dev);
		binrec_put_var(&recs, (uint64_t)((int64_t)st.st_mtim.tv_sec * 1000000000LL + st.st_mtim.tv_nsec));
		binrec_put_var(&recs, (uint64_t)ct);
		binrec_put_var(&recs, (uint32_t)racy);
		buf_put(&recs, body, DIGEST_LEN);
		nrec++;
	}
	binrec_put_var(&f, nrec);
	/* The records after the head, not copied behind it first. */
	struct output_atomic *w = binrec_open(c->path);
	if (w) {
		output_atomic_put(w, f.data, f.len);
		output_atomic_put(w, recs.data ? recs.data : "", recs.len);
	}
	(void)binrec_close(w, c->path, 1);
	buf_free(&recs);
	{
		struct buf dir = BUF_INIT;
		buf_put(&dir, c->path, c->dir_len);
		binrec_forget_gone(buf_cstr(&dir), c->path, RCACHE_HEADER, DIGEST_LEN);
		buf_free(&dir);
	}
	buf_free(&f);
	buf_free(&path);
	free(setof);
	binrec_index_free(&si.by_text);
	free(si.v);
	free(all.v);
}

void rcache_free(struct rcache *c)
{
	if (!c)
		return;
	for (int w = 0; w < c->jobs; w++) {
		free(c->w[w].made.v);
		buf_free(&c->w[w].sets);
		free(c->w[w].seen);
		free(c->w[w].seen_list);
		buf_free(&c->w[w].absent);
	}
	free(c->w);
	free(c->keys);
	free(c->okeys);
	free(c->mkey);
	free(c->mdig);
	free(c->mready);
	free(c->old.v);
	binrec_index_free(&c->by_rel);
	free(c->setv);
	free(c->setlenv);
	free(c->setdig);
	buf_free(&c->file);
	free(c->path);
	free(c->out_dir);
	free(c);
}
