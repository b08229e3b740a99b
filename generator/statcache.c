/* statcache.c: the stat cache's file: a line "planpress-stat-cache 1 TIP",
 * then a line a file: its blob id, size, mtime (seconds and nanoseconds),
 * inode and path, sorted by path. */
#include "statcache.h"

#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gitutil.h"
#include "output.h"
#include "utf8.h"

struct centry statcache_entry(const char *rel, const struct stat *st)
{
	return (struct centry){ rel, { { 0 } }, (long long)st->st_size, (long long)st->st_mtim.tv_sec,
	                        (long long)st->st_mtim.tv_nsec, (unsigned long long)st->st_ino };
}

int statcache_same(const struct centry *a, const struct centry *b)
{
	return a->size == b->size && a->sec == b->sec && a->nsec == b->nsec && a->ino == b->ino;
}

void statcache_push(struct arena *a, struct cache *c, const struct centry *e)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 256;
		c->v = arena_realloc(a, c->v, c->cap * sizeof *c->v, cap * sizeof *c->v);
		c->cap = cap;
	}
	c->v[c->n++] = *e;
}

/* A blank and a number of a cache line (s up to end), by hand: sscanf
 * costs more than the rest of reading ten thousand lines. The position of
 * the blank after it, or NULL. */
static const char *cache_number(const char *s, const char *end, unsigned long long *v)
{
	if (s >= end || *s != ' ' || ++s == end || !IS_ASCII_DIGIT(*s))
		return NULL;
	for (*v = 0; s < end && IS_ASCII_DIGIT(*s); s++) {
		if (*v > (ULLONG_MAX - 9) / 10)
			return NULL;
		*v = *v * 10 + (unsigned long long)(*s - '0');
	}
	return s < end && *s == ' ' ? s : NULL;
}

/* A damaged or foreign cache is only a slower publish: it is ignored. */
void statcache_load(struct arena *a, const char *path, struct cache *c)
{
	struct buf b = BUF_INIT;
	memset(c, 0, sizeof *c);
	if (buf_read_file(&b, path) < 0 || !b.len)
		goto out;
	const char *s = buf_cstr(&b), *end = s + b.len;
	const char *nl = memchr(s, '\n', b.len);
	size_t ml = strlen(STAT_CACHE_MAGIC);
	if (!nl || (size_t)(nl - s) < ml + 1 + 40 || memcmp(s, STAT_CACHE_MAGIC " ", ml + 1) != 0 ||
	    git_oid_fromstrn(&c->commit, s + ml + 1, 40) < 0)
		goto out;
	c->has_commit = 1;
	for (s = nl + 1; s < end; s = nl + 1) {
		nl = memchr(s, '\n', (size_t)(end - s));
		if (!nl)
			break;
		struct centry e;
		const char *p = s + 40;
		unsigned long long f[4];
		if (nl - s < 41 || git_oid_fromstrn(&e.id, s, 40) < 0)
			break;
		for (int k = 0; k < 4 && p; k++)
			p = cache_number(p, nl, &f[k]);
		if (!p || p + 1 >= nl)
			break;
		e.size = (long long)f[0];
		e.sec = (long long)f[1];
		e.nsec = (long long)f[2];
		e.ino = f[3];
		e.path = arena_strndup(a, p + 1, (size_t)(nl - (p + 1)));
		statcache_push(a, c, &e);
	}
out:
	buf_free(&b);
}

static int cmp_centry(const void *x, const void *y)
{
	return strcmp(((const struct centry *)x)->path, ((const struct centry *)y)->path);
}

const struct centry *statcache_find(const struct cache *c, const char *path)
{
	struct centry key = { .path = path };
	return c->n ? bsearch(&key, c->v, c->n, sizeof *c->v, cmp_centry) : NULL;
}

void statcache_save(const char *path, const struct cache *c, const git_oid *commit)
{
	struct buf b = BUF_INIT;
	char hex[41];
	gitutil_hex(commit, hex);
	buf_printf(&b, "%s %s\n", STAT_CACHE_MAGIC, hex);
	long long from = (long long)c->read_from.tv_sec, from_ns = from * 1000000000LL + c->read_from.tv_nsec;
	for (size_t i = 0; i < c->n; i++) {
		const struct centry *e = &c->v[i];
		int racy = e->nsec ? e->sec * 1000000000LL + e->nsec > from_ns - STAT_CACHE_RACY_NS
		                   : e->sec >= from - STAT_CACHE_RACY;
		if (racy && !c->keep_racy)
			continue;
		gitutil_hex(&e->id, hex);
		buf_printf(&b, "%s %lld %lld %lld %llu %s\n", hex, e->size, e->sec, e->nsec, e->ino, e->path);
	}
	/* Losing the cache only costs time: a failed write is not an error. */
	(void)output_write_atomic(path, b.data ? b.data : "", b.len);
	buf_free(&b);
}

void statcache_sort(struct cache *c)
{
	if (c->n)
		qsort(c->v, c->n, sizeof *c->v, cmp_centry);
}

int statcache_vouches(const char *gitdir, const char *dir, const char *rel, const git_oid *id)
{
	struct arena *a = arena_new();
	struct cache c;
	struct stat st;
	statcache_load(a, arena_printf(a, "%s%s", gitdir, STAT_CACHE), &c);
	const struct centry *e = statcache_find(&c, rel);
	int ok = 0;
	if (e && git_oid_equal(&e->id, id) && lstat(arena_printf(a, "%s/%s", dir, rel), &st) == 0 && S_ISREG(st.st_mode)) {
		struct centry now = statcache_entry(rel, &st);
		ok = statcache_same(e, &now);
	}
	arena_free(a);
	return ok;
}
