/* search.h: the site's offline search index, made at build time: CJK text by
 * character bigrams (and single characters), other text by words, sharded so
 * that a query loads only the shards of its tokens, written as JavaScript
 * files that register their data (file:// forbids fetching JSON). The
 * theme's js/search.js reads them; it tokenizes, hashes and ranks as here. */
#ifndef PP_SEARCH_H
#define PP_SEARCH_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "context.h"
#include "digest.h"

/* The folder of the index and of the search page, under the output folder:
 * search/index.html (the theme's search template), search/meta.js, the
 * names search/n.js, the shards search/s/N.js and the pages' text
 * search/t/N.js. */
#define SEARCH_DIR "search"
/* The names file, under SEARCH_DIR: every page's link, title, kind and
 * plan, loaded with the shards, so that a query shows its results' titles
 * as soon as its shards are in, and their snippets when their text files
 * arrive (one round of script files fewer before the first results). */
#define SEARCH_NAMES "n.js"

/* A shard holds about this many bytes: the index of a 1,000-page site has
 * about a hundred shards, a 10,000-page site's a thousand, so a query of a
 * few tokens loads well under 1 % of it in shards. */
#define SEARCH_SHARD_BYTES (8 * 1024)
/* At most this many shards (a power of two): more files than that cost the
 * output folder more than they save a query. */
#define SEARCH_SHARDS_MAX 4096
/* Words are cut after this many characters: longer "words" are addresses or
 * codes, which a reader types the start of, if at all. */
#define SEARCH_WORD_MAX 32
/* Bytes of a page's text kept for the results' snippets (cut on a character
 * boundary): a result shows the text around its first match; matches past
 * this still find the page but are shown from its start. */
#define SEARCH_TEXT_MAX 6000
/* Pages per text file (search_group): a query loads the text of the
 * results it shows (5 at a time: SHOWN in search.js) for their snippets,
 * after their titles are shown from the names file. A file of one page in
 * SEARCH_GROUP_PAGES of the site keeps the 5 results' texts near 0.5 % of
 * the index at any size (with the names file and the shards, a query
 * loads under 5 % of it), between SEARCH_GROUP_MIN pages (a small site's
 * files are not many) and SEARCH_GROUP_MAX (a large site's files stay a
 * few thousand: each costs the build and the publication a file). */
#define SEARCH_GROUP_PAGES 1000
#define SEARCH_GROUP_MIN 2
#define SEARCH_GROUP_MAX 32
/* The names file's links are written as a change from the page before,
 * anew every this many pages: search.js decodes a name from the start of
 * its run. */
#define SEARCH_NAMES_RUN 32
/* A query's tokens after the first this many are ignored: each may load a
 * shard, and a sentence pasted whole says enough in its first 64 pairs. */
#define SEARCH_QUERY_MAX 64

/* Where a token was found on a page: bits of a posting, so that a page's
 * score for a token is its highest field (title > task fields > headings >
 * body). */
enum search_field {
	SEARCH_BODY = 1,
	SEARCH_HEADING = 2,
	SEARCH_FIELDS = 4,
	SEARCH_TITLE = 8,
};

/* One page to index. All borrowed; texts are plain (not HTML), valid UTF-8. */
struct search_doc {
	const char *url;       /* from the site's root, as links name it */
	const char *title;
	const char *kind;      /* "task", "bulletin", "notice", "plan", "unit" or "page" */
	const char *plan;      /* a task's plan's title, or "" */
	const char *fields;    /* a task's number, units and targets, as one line, or "" */
	const char *headings;  /* the headings, one a line */
	const char *body;      /* the text, headings included */
	size_t fields_len, headings_len, body_len;
};

/* A query's run of this many CJK characters or more is looked up by every
 * other pair from its first, and its last pair (党群服务中心: 党群 服务 中心,
 * not 群服 and 务中 too): each pair can cost the query a file to load, and
 * pairs this many together rarely stand in a page but as the phrase. */
#define SEARCH_COVER_RUN 5

/* Calls fn for each token of text s (len bytes of valid UTF-8), in order:
 * for a run of CJK characters each character and each overlapping pair
 * (query 0), or each pair and a lone character only when the run is one
 * character long (query 1; a run of SEARCH_COVER_RUN characters or more:
 * its covering pairs); for other text each word, lower-cased and cut
 * at SEARCH_WORD_MAX characters. Full-width letters and digits count as
 * ASCII ones. A token never splits a character. tok is a scratch buffer
 * valid during the call. */
typedef void (*search_token_fn)(void *ud, const char *tok, size_t len);
void search_tokens(const char *s, size_t len, int query, search_token_fn fn, void *ud);

/* The pages per text file of an index of pages pages (see SEARCH_GROUP_PAGES). */
unsigned search_group(size_t pages);

/* Appends v to out as the index's files write numbers: five bits a
 * character, low bits first, from 0-9A-Za-z-_; a character from the
 * second half of that alphabet means more follow. */
void search_put_number(struct buf *out, uint32_t v);

/* The shard of a token: FNV-1a of its bytes modulo nshards, in 32 bits
 * (not the 64 of the caches) so that search.js computes it with Math.imul. */
uint32_t search_hash(const char *tok, size_t len);
unsigned search_shard(const char *tok, size_t len, unsigned nshards);
/* The number of shards for an index of about bytes bytes: a power of two,
 * 1..SEARCH_SHARDS_MAX. */
unsigned search_nshards(size_t bytes);

/* Appends the text of HTML (len bytes) to out: tags dropped (a block's end
 * separates words), entities decoded, runs of white space made one space. */
void search_plain(const char *html, size_t len, struct buf *out);

struct search_index;

/* An empty index; the caller frees it with search_index_free. */
struct search_index *search_index_new(void);
/* Adds doc as the next page (its number is the count of pages before it).
 * Everything is copied. */
void search_index_add(struct search_index *ix, const struct search_doc *doc);
/* Pages added so far. */
size_t search_index_pages(const struct search_index *ix);
/* The pages matching query (every token of it: its first
 * SEARCH_QUERY_MAX), best first: by the fields that hold every token (as
 * a number: title > task fields > headings > body), then by the sum over
 * its tokens of the page's field bits, then in the order they were added;
 * at most max into out. Returns how many matched in all. search.js ranks
 * the same way. */
size_t search_index_run(const struct search_index *ix, const char *query, size_t len, size_t *out, size_t max);

/* Called for each file of the index (rel is under SEARCH_DIR);
 * data is valid during the call. Returns 0, or -1 to stop. */
typedef int (*search_emit_fn)(void *ud, const char *rel, const char *data, size_t len);

struct search_stats {
	size_t bytes;      /* all the files' bytes */
	unsigned shards;
	size_t tokens;     /* distinct tokens */
};

/* Writes the index's files through emit: meta.js, n.js, s/N.js, t/N.js. The same
 * pages in the same order give the same bytes. Returns 0 or -1 (emit's). */
int search_index_write(const struct search_index *ix, search_emit_fn emit, void *ud, struct search_stats *st);
/* Accepts NULL. */
void search_index_free(struct search_index *ix);

/* The digest of what search_index_site would add to an empty index: every
 * page's link, title, kind, plan, fields, headings and the HTML its text
 * is made of, in order (the same digest, the same files:
 * search_index_write depends on nothing else). Cheaper than indexing:
 * nothing is tokenized, no text is made of the HTML. On up to jobs
 * threads; the same for any jobs. */
void search_site_digest(const struct ctx_env *e, struct page *const *units, size_t nunits, int jobs,
                        unsigned char out[DIGEST_LEN]);

/* Adds the site's pages to ix: every content page that renders with its
 * title, its task, plan or bulletin fields (e->extra), its headings and
 * text (e->md), and the unit pages (units, nunits: made pages, titled with
 * the unit's name): the pages that stay (plans, tasks, others) in the
 * site's order (by output path), the units, then the bulletins and notices
 * in the site's order, so that a publication's new bulletin renumbers none
 * of the pages before it. On up to
 * jobs threads (pool.h), which read e and change nothing of it; the index
 * is the same for any jobs. dig, when not NULL, receives what
 * search_site_digest gives, made in the same pass over the pages. A page
 * whose document tc (NULL: none) has the tokens of is added from them, its
 * text not made: the same index. */
struct tokcache;
void search_index_site(struct search_index *ix, const struct ctx_env *e, struct page *const *units,
                       size_t nunits, int jobs, unsigned char dig[DIGEST_LEN], const struct tokcache *tc);

/* Replaces site_dir's token cache (tokcache.h) with the tokens of every page
 * of ix, a site's index (search_index_site; otherwise nothing is written),
 * for the program whose identity is global. Failures are silent. */
void search_index_save_tokens(const struct search_index *ix, const char *site_dir,
                              const unsigned char global[DIGEST_LEN]);

#endif
