/* tokcache.h: the search index's token cache: the tokens of each page's
 * search document (search.h), with the fields each was found in, by the
 * digest of that document, so that a page that did not change is neither
 * made into text nor tokenized again when the index is made anew. Kept in
 * the site's .planpress/, never in the output folder; a missing, damaged or
 * foreign file is an empty cache (a cache only saves time: it never fails a
 * build). */
#ifndef PP_TOKCACHE_H
#define PP_TOKCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "digest.h"
#include "output.h"

#define TOKCACHE_FILE ".planpress/search-tokens"
#define TOKCACHE_HEADER "planpress-search-tokens 1\n"
/* A cache file larger than this is not read (10k pages keep about 6 MiB). */
#define TOKCACHE_MAX_FILE (512u << 20)

struct tokcache;

/* Opens site_dir's cache, valid for records made by the program whose
 * identity is global (a rebuilt program may tokenize otherwise). Every
 * record is checked here, so that reading one cannot fail later. */
struct tokcache *tokcache_open(const char *site_dir, const unsigned char global[DIGEST_LEN]);

/* The distinct tokens of the cache, and token id's bytes. */
size_t tokcache_ntoks(const struct tokcache *c);
const char *tokcache_tok(const struct tokcache *c, uint32_t id, size_t *len);

/* A document's tokens, read with tokcache_next. */
struct tokcache_it {
	const unsigned char *p, *end;
};
/* 1 with *it on the tokens of the document whose digest is key; 0 when the
 * cache has none. */
int tokcache_find(const struct tokcache *c, const unsigned char key[DIGEST_LEN], struct tokcache_it *it);
/* The next of a document's tokens as id << 4 | its fields (search.h's
 * enum search_field bits), in increasing id, each once: 1, or 0 at the end. */
int tokcache_next(struct tokcache_it *it, uint32_t *pair);

/* Accepts NULL. */
void tokcache_free(struct tokcache *c);

/* A new cache file for site_dir, made front to back: the tokens (their ids
 * are their order), then the documents, each with its tokens as
 * tokcache_next gives them. Streamed into the file's temp file
 * (output_atomic) a buffer at a time: 7 MB at 10k pages, never held whole. */
struct tokcache_out {
	struct buf b;                 /* bytes waiting for the file */
	struct output_atomic *w;      /* NULL: the file could not be made (nothing is kept) */
	char *path;
};
void tokcache_out_begin(struct tokcache_out *o, const char *site_dir, const unsigned char global[DIGEST_LEN],
                        size_t ntoks);
void tokcache_out_tok(struct tokcache_out *o, const char *tok, size_t len);
void tokcache_out_docs(struct tokcache_out *o, size_t ndocs);
void tokcache_out_doc(struct tokcache_out *o, const unsigned char key[DIGEST_LEN], const uint32_t *pairs, size_t n);
/* Replaces site_dir's cache file with o (renamed into place whole, or not
 * at all) and frees o. Failures are silent: the next build tokenizes again. */
void tokcache_out_save(struct tokcache_out *o);

#endif
