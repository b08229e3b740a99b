/* pcache.h: the parse cache: each page's front matter as it was parsed, by
 * the digest of the page's path and text, so that the YAML or TOML of a page
 * that did not change is not parsed again. Kept in the site's .planpress/,
 * never in the output folder; a missing, damaged or foreign file is an
 * empty cache (a cache only saves time: it never fails a build). Only a
 * parse that succeeded is recorded: one that failed is parsed again, and
 * says why again. */
#ifndef PP_PCACHE_H
#define PP_PCACHE_H

#include <stddef.h>

#include "arena.h"
#include "digest.h"
#include "value.h"

#define PCACHE_FILE ".planpress/parse-cache"
#define PCACHE_HEADER "planpress-parse-cache 2\n"
/* A cache file larger than this is not read (10k pages keep about 8 MiB). */
#define PCACHE_MAX_FILE (512u << 20)
/* Nesting a record may hold: above what the parsers allow (FM_MAX_DEPTH 64,
 * TOML_MAX_DEPTH 128), so that only a damaged record stops here. */
#define PCACHE_MAX_DEPTH 256
/* A front matter whose tree takes more than this many times its text (YAML
 * aliases repeated) is not recorded: parsing it again is cheaper. */
#define PCACHE_MAX_GROWTH 16

struct pcache;

/* The key of one page's text, made by pcache_get for pcache_put. */
struct pcache_key {
	unsigned char d[DIGEST_LEN];
};

/* Opens site_dir's cache, valid for records made by the program whose
 * identity is global (digest.h; a rebuilt program may parse otherwise).
 * jobs: the threads that will call pcache_put. */
struct pcache *pcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN], int jobs);

/* Looks up the page at path with text src (len bytes). Returns 1 with *meta
 * (in arena a, every position naming path) and *body_off set when the same
 * text was parsed before; 0 otherwise. *key is set either way, for
 * pcache_put. Thread-safe; each path is looked up once per build. */
int pcache_get(struct pcache *c, struct arena *a, const char *path, const char *src, size_t len,
               struct pcache_key *key, struct value **meta, size_t *body_off);

/* Records what the parser made of the page pcache_get did not find, on
 * thread worker. meta is read now, before anything changes it. */
void pcache_put(struct pcache *c, int worker, const char *path, const struct pcache_key *key,
                size_t len, const struct value *meta, size_t body_off);

/* Replaces the cache file with the pages looked up in this build (when
 * anything differs from what it held). Failures are silent. */
void pcache_save(struct pcache *c);
/* Accepts NULL. */
void pcache_free(struct pcache *c);

#endif
