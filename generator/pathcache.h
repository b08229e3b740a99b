/* pathcache.h: a cache file of one record per page, by the page's path,
 * each with a key (the digest of the path and the page's text) and a body
 * of bytes only its user reads; the parse and Markdown caches (pcache.h,
 * mcache.h) are one each. Kept in the site's .planpress/, never in the
 * output folder. The file is read whole when opened (bodies point into
 * it) and written whole by pathcache_save, with the records kept in this
 * build and the new ones. A missing, damaged or foreign file (another
 * header or global digest) is an empty cache: a cache only saves time, it
 * never fails a build. */
#ifndef PP_PATHCACHE_H
#define PP_PATHCACHE_H

#include <stddef.h>

#include "digest.h"

struct pathcache;

/* A record found: its body (in the file read at open) and which it is. */
struct pathcache_hit {
	const unsigned char *body;
	size_t len;
	size_t rec;
};

/* Opens the cache file at site_dir/file (read only when at most max bytes)
 * whose first line is header and whose records are valid for global (the
 * digest of the program and of everything else they depend on). jobs: the
 * threads that will call pathcache_put. */
struct pathcache *pathcache_open(const char *site_dir, const char *file, const char *header,
                                 const unsigned char global[DIGEST_LEN], size_t max, int jobs);
/* The key of the page at path whose text is src (len bytes). */
void pathcache_key(const char *path, const char *src, size_t len, unsigned char key[DIGEST_LEN]);
/* Path's record when its key is key: 1 with *hit set, else 0. Thread-safe. */
int pathcache_find(const struct pathcache *c, const char *path, const unsigned char key[DIGEST_LEN],
                   struct pathcache_hit *hit);
/* The record found is used by this build: pathcache_save keeps it. Each
 * record is kept by one thread at most (each path is looked up once). */
void pathcache_keep(struct pathcache *c, const struct pathcache_hit *hit);
/* A new record, made on thread worker. */
void pathcache_put(struct pathcache *c, int worker, const char *path, const unsigned char key[DIGEST_LEN],
                   const void *body, size_t len);
/* Replaces the file with the records kept and put in this build, when
 * they differ from what it held, and frees the records put (a second save
 * writes nothing new). Failures are silent. */
void pathcache_save(struct pathcache *c);
/* Accepts NULL. Bodies found point into c: free it after their last use. */
void pathcache_free(struct pathcache *c);

#endif
