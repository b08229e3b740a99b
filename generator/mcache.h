/* mcache.h: the Markdown cache: each page's HTML, summary and headings as
 * rendered, by the digest of the page's path and text, with the links it
 * resolved and what each became, so that a page whose text did not change
 * is not converted again while its links still lead where they did. Kept
 * in the site's .planpress/, never in the output folder; a missing, damaged
 * or foreign file is an empty cache. Only a page whose conversion recorded
 * no diagnostic is kept: one that warned is converted again, and warns
 * again. */
#ifndef PP_MCACHE_H
#define PP_MCACHE_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "digest.h"
#include "markdown.h"

#define MCACHE_FILE ".planpress/markdown-cache"
#define MCACHE_HEADER "planpress-markdown-cache 1\n"
/* A cache file larger than this is not read. */
#define MCACHE_MAX_FILE (1u << 30)

struct mcache;

/* What one page's conversion looked up: each link's destination as
 * written, where it is in the file, and what it became (rc as the
 * markdown_opts resolve callback returns it, and the new URL). Filled by
 * mcache_link while converting; a thread's own. */
struct mcache_trace {
	struct buf links;
	size_t n;
};

/* Opens site_dir's cache; global is the digest of what every conversion
 * depends on besides the page (the program, the engine and its options).
 * jobs: the threads that will call mcache_put. */
struct mcache *mcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN], int jobs);

/* Looks up the page at path with text src (len bytes). On a hit, calls
 * resolve (as markdown_opts names it) again for every link the page had,
 * in order; when each gives what it gave then, fills *res (its strings
 * point into the cache, valid until mcache_free; its headings are in arena
 * a) and returns 1. Otherwise returns 0
 * (the caller converts the page, tracing its links). *key is set for
 * mcache_put either way. Thread-safe; each path is looked up once. */
int mcache_get(struct mcache *c, struct arena *a, const char *path, const char *src, size_t len,
               int (*resolve)(void *ud, const char *dest, size_t len, size_t off, struct buf *out), void *ud,
               unsigned char key[DIGEST_LEN], struct markdown_result *res);

/* Records one link resolved while converting (rc and out as the callback
 * returned them). */
void mcache_link(struct mcache_trace *t, const char *dest, size_t len, size_t off, int rc, const struct buf *out);

/* Records the page's conversion with its trace, on thread worker. */
void mcache_put(struct mcache *c, int worker, const char *path, const unsigned char key[DIGEST_LEN],
                const struct markdown_result *res, const struct mcache_trace *t);

/* Replaces the cache file with the pages looked up in this build (when
 * anything differs from what it held). Failures are silent. */
void mcache_save(struct mcache *c);
/* Accepts NULL. The results of mcache_get point into c: free it last. */
void mcache_free(struct mcache *c);

#endif
