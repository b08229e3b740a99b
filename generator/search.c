/* search.c: the offline search index: tokens (CJK bigrams, words), postings
 * with field bits, shards by token hash, written as JavaScript files. */
#include "search.h"

#include <stdlib.h>
#include <string.h>

#include "content.h"
#include "json.h"
#include "markdown.h"
#include "pool.h"
#include "tokcache.h"
#include "utf8.h"
#include "value.h"
#include "xalloc.h"

/* ---- tokens ---------------------------------------------------------------- */

/* Full-width digits and letters as ASCII, upper case (ASCII, Latin-1) as
 * lower: what a reader types matches what the page says. search.js folds
 * the same characters. */
static uint32_t fold(uint32_t cp)
{
	if ((cp >= 0xFF10 && cp <= 0xFF19) || (cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A))
		cp -= 0xFEE0;
	if ((cp >= 'A' && cp <= 'Z') || (cp >= 0xC0 && cp <= 0xDE && cp != 0xD7))
		cp += 32;
	return cp;
}

/* Characters read in pairs: Han (with extensions), kana, hangul. */
static int is_ideo(uint32_t cp)
{
	return (cp >= 0x3040 && cp <= 0x30FF) || (cp >= 0x3400 && cp <= 0x4DBF) || (cp >= 0x4E00 && cp <= 0x9FFF) ||
	       (cp >= 0xAC00 && cp <= 0xD7A3) || (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x20000 && cp <= 0x3FFFD);
}

/* Characters of words: ASCII letters and digits, Latin letters, Greek, Cyrillic. */
static int is_word(uint32_t cp)
{
	return (cp < 0x80 && IS_ASCII_ALNUM(cp)) || (cp >= 0xC0 && cp <= 0x24F && cp != 0xD7 && cp != 0xF7) ||
	       (cp >= 0x370 && cp <= 0x4FF);
}

struct tok_state {
	search_token_fn fn;
	void *ud;
	int query;
	char prev[4];        /* the run's last CJK character */
	size_t prevn, run;   /* its bytes; the run's length in characters */
	char pair[8];        /* the run's last pair, and its bytes */
	size_t pairn;
	size_t total;        /* a query's run: its length in characters */
	char word[SEARCH_WORD_MAX * 4];
	size_t wordn, wordc; /* the word's bytes and characters */
};

/* The characters of the CJK run that starts s. */
static size_t run_length(const char *s, size_t len)
{
	size_t i = 0, k = 0, n;
	while (i < len && is_ideo(fold(utf8_decode(s + i, len - i, &n))) && n) {
		i += n;
		k++;
	}
	return k;
}

static void end_run(struct tok_state *t)
{
	if (t->query && t->run == 1)
		t->fn(t->ud, t->prev, t->prevn);
	/* A long run's query ends on its last pair, when its pairs from the
	 * first did not. */
	if (t->query && t->run >= SEARCH_COVER_RUN && t->run % 2)
		t->fn(t->ud, t->pair, t->pairn);
	t->run = 0;
}

static void end_word(struct tok_state *t)
{
	if (t->wordn)
		t->fn(t->ud, t->word, t->wordn);
	t->wordn = t->wordc = 0;
}

void search_tokens(const char *s, size_t len, int query, search_token_fn fn, void *ud)
{
	struct tok_state t = { .fn = fn, .ud = ud, .query = query };
	size_t i = 0;
	while (i < len) {
		size_t n;
		uint32_t cp = fold(utf8_decode(s + i, len - i, &n));
		if (n == 0)
			break;
		if (is_ideo(cp)) {
			end_word(&t);
			if (query && !t.run)
				t.total = run_length(s + i, len - i);
			char pair[8];
			if (!query)
				fn(ud, s + i, n);
			if (t.run) {
				memcpy(pair, t.prev, t.prevn);
				memcpy(pair + t.prevn, s + i, n);
				memcpy(t.pair, pair, t.prevn + n);
				t.pairn = t.prevn + n;
				/* A query's long run: every other pair covers it. */
				if (!query || t.total < SEARCH_COVER_RUN || t.run % 2 == 1)
					fn(ud, pair, t.prevn + n);
			}
			memcpy(t.prev, s + i, n);
			t.prevn = n;
			t.run++;
		} else if (is_word(cp)) {
			end_run(&t);
			if (t.wordc < SEARCH_WORD_MAX) {
				t.wordn += utf8_encode(cp, t.word + t.wordn);
				t.wordc++;
			}
		} else {
			end_run(&t);
			end_word(&t);
		}
		i += n;
	}
	end_run(&t);
	end_word(&t);
}

uint32_t search_hash(const char *tok, size_t len)
{
	uint32_t h = 2166136261u;
	for (size_t i = 0; i < len; i++) {
		h ^= (unsigned char)tok[i];
		h *= 16777619u;
	}
	return h;
}

unsigned search_shard(const char *tok, size_t len, unsigned nshards)
{
	return search_hash(tok, len) & (nshards - 1);
}

unsigned search_nshards(size_t bytes)
{
	unsigned n = 1;
	while (n < SEARCH_SHARDS_MAX && (size_t)n * SEARCH_SHARD_BYTES < bytes)
		n <<= 1;
	return n;
}

/* ---- HTML to text ------------------------------------------------------------ */

/* Elements inside a line of text: their tags do not separate words. */
static int inline_tag(const char *name, size_t n)
{
	static const char *const tags[] = { "a", "abbr", "b", "code", "del", "em", "i", "ins", "kbd", "mark",
	                                    "q", "s", "small", "span", "strong", "sub", "sup", "u" };
	for (size_t k = 0; k < sizeof tags / sizeof *tags; k++)
		if (strlen(tags[k]) == n && memcmp(tags[k], name, n) == 0)
			return 1;
	return 0;
}

static void put_space(struct buf *out)
{
	if (out->len && out->data[out->len - 1] != ' ')
		buf_putc(out, ' ');
}

/* Decodes the entity at s (len bytes, s[0] == '&') into out; returns the
 * bytes it took, or 0 when it is none (the '&' is then kept). */
static size_t entity(const char *s, size_t len, struct buf *out)
{
	static const struct { const char *name; const char *text; } named[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" }, { "&apos;", "'" },
		{ "&nbsp;", " " },
	};
	for (size_t k = 0; k < sizeof named / sizeof *named; k++) {
		size_t n = strlen(named[k].name);
		if (n <= len && memcmp(s, named[k].name, n) == 0) {
			if (named[k].text[0] == ' ')
				put_space(out);
			else
				buf_puts(out, named[k].text);
			return n;
		}
	}
	if (len < 4 || s[1] != '#')
		return 0;
	int hex = s[2] == 'x' || s[2] == 'X';
	size_t i = hex ? 3 : 2;
	uint32_t cp = 0;
	size_t digits = 0;
	for (; i < len && digits < 7; i++, digits++) {
		char c = s[i];
		if (IS_ASCII_DIGIT(c))
			cp = cp * (hex ? 16 : 10) + (uint32_t)(c - '0');
		else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			cp = cp * 16 + (uint32_t)((c | 0x20) - 'a' + 10);
		else
			break;
	}
	if (!digits || i >= len || s[i] != ';')
		return 0;
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	char enc[4];
	if (cp < 0x20 || cp == 0xA0)
		put_space(out);
	else
		buf_put(out, enc, utf8_encode(cp, enc));
	return i + 1;
}

void search_plain(const char *html, size_t len, struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		char c = html[i];
		if (c == '<') {
			const char *end = memchr(html + i, '>', len - i);
			size_t stop = end ? (size_t)(end - html) + 1 : len;
			size_t k = i + 1 + (i + 1 < len && html[i + 1] == '/');
			size_t ns = k;
			while (k < stop && IS_ASCII_ALNUM(html[k]))
				k++;
			if (!inline_tag(html + ns, k - ns))
				put_space(out);
			i = stop;
		} else if (c == '&') {
			size_t n = entity(html + i, len - i, out);
			if (!n)
				buf_putc(out, '&');
			i += n ? n : 1;
		} else if (IS_ASCII_SPACE(c)) {
			put_space(out);
			i++;
		} else {
			/* A run of text at once, not a byte a call. */
			size_t j = i + 1;
			while (j < len && html[j] != '<' && html[j] != '&' && !IS_ASCII_SPACE(html[j]))
				j++;
			buf_put(out, html + i, j - i);
			i = j;
		}
	}
}

/* ---- the index ----------------------------------------------------------------- */

/* A token and its postings: (page << 4) | field bits, by page. */
/* A token's postings: the pages it is on, in increasing number, each with
 * the fields it is in, as variable-length numbers (7 bits a byte, low
 * first, binrec's) of (page - the page before) << 4 | fields: a byte or two
 * a posting where a uint32_t took four (17 MB at 10k pages). Page numbers
 * stay below 2^28, as the files' numbers do. */
struct entry {
	uint32_t hash;
	uint32_t off, len;   /* the token's bytes in the index's token store */
	uint32_t npost;      /* postings */
	unsigned char *post; /* their bytes */
	uint32_t nbytes, cap;
	uint32_t last;       /* the last posting's page */
	uint32_t last_at;    /* and where its bytes begin */
};

/* A reader of an entry's postings. */
struct pcur {
	const unsigned char *p, *end;
	uint32_t doc;
};

static struct pcur post_cur(const struct entry *e)
{
	return (struct pcur){ e->post, e->post + e->nbytes, 0 };
}

/* The next posting (its page and fields): 1, or 0 at the end. */
static int post_next(struct pcur *c, uint32_t *doc, uint32_t *fields)
{
	if (c->p >= c->end)
		return 0;
	uint32_t v = 0;
	int shift = 0;
	do
		v |= (uint32_t)(*c->p & 0x7f) << shift, shift += 7;
	while (*c->p++ & 0x80 && shift < 35);
	c->doc += v >> 4;
	*doc = c->doc;
	*fields = v & 15;
	return 1;
}

/* Page doc (not before the last) with fields: a new posting, or more fields
 * for the last one (they are the low bits of its first byte). */
static void post_add(struct entry *e, uint32_t doc, uint32_t fields)
{
	if (e->npost && e->last == doc) {
		e->post[e->last_at] |= (unsigned char)fields;
		return;
	}
	if (e->nbytes + 5 > e->cap) {
		e->cap = e->cap ? 2 * e->cap : 4;
		if (e->cap < e->nbytes + 5)
			e->cap = e->nbytes + 5;
		e->post = xrealloc(e->post, e->cap);
	}
	uint32_t v = (doc - (e->npost ? e->last : 0)) << 4 | fields;
	e->last_at = e->nbytes;
	for (; v >= 0x80; v >>= 7)
		e->post[e->nbytes++] = (unsigned char)(v | 0x80);
	e->post[e->nbytes++] = (unsigned char)v;
	e->last = doc;
	e->npost++;
}

struct doc_text {
	char *url, *title, *kind, *plan;
	char *text;          /* NULL for a page of the site's index: made again when written */
	uint32_t site;       /* then its document number in the site (site_doc) */
};

/* Where the texts of a site's index come from when it is written. */
struct site_src {
	const struct ctx_env *e;
	struct page *const *units;
	size_t nunits;
	int jobs;
};

struct search_index {
	struct entry *e;
	size_t n, cap;
	uint32_t *slot;      /* open addressing: entry number + 1, 0 for none */
	size_t nslot;        /* a power of two */
	struct buf toks;
	struct doc_text *docs;
	size_t ndocs, capdocs;
	unsigned char (*keys)[DIGEST_LEN];   /* a site index's: each page's document's digest (doc_key) */
	uint32_t field;      /* while a page is added: the field its tokens come from */
	struct site_src src; /* search_index_site's: the texts not kept (src.e not NULL) */
};

struct search_index *search_index_new(void)
{
	struct search_index *ix = xcalloc(1, sizeof *ix);
	ix->nslot = 1024;
	ix->slot = xcalloc(ix->nslot, sizeof *ix->slot);
	return ix;
}

size_t search_index_pages(const struct search_index *ix)
{
	return ix->ndocs;
}

static struct entry *find(const struct search_index *ix, const char *tok, size_t len, uint32_t h, size_t *at)
{
	size_t mask = ix->nslot - 1, k = h & mask;
	for (; ix->slot[k]; k = (k + 1) & mask) {
		struct entry *e = &ix->e[ix->slot[k] - 1];
		if (e->hash == h && e->len == len && memcmp(ix->toks.data + e->off, tok, len) == 0) {
			*at = k;
			return e;
		}
	}
	*at = k;
	return NULL;
}

static void grow_slots(struct search_index *ix)
{
	free(ix->slot);
	ix->nslot *= 2;
	ix->slot = xcalloc(ix->nslot, sizeof *ix->slot);
	for (size_t i = 0; i < ix->n; i++) {
		size_t k = ix->e[i].hash & (ix->nslot - 1);
		while (ix->slot[k])
			k = (k + 1) & (ix->nslot - 1);
		ix->slot[k] = (uint32_t)i + 1;
	}
}

/* The entry of a token, made when new. */
static struct entry *intern(struct search_index *ix, const char *tok, size_t len, uint32_t h)
{
	size_t at;
	struct entry *e = find(ix, tok, len, h, &at);
	if (!e) {
		if (ix->n == ix->cap) {
			ix->cap = ix->cap ? 2 * ix->cap : 1024;
			ix->e = xrealloc(ix->e, ix->cap * sizeof *ix->e);
		}
		e = &ix->e[ix->n];
		*e = (struct entry){ .hash = h, .off = (uint32_t)ix->toks.len, .len = (uint32_t)len };
		buf_put(&ix->toks, tok, len);
		ix->slot[at] = (uint32_t)++ix->n;
		if (2 * ix->n > ix->nslot)
			grow_slots(ix);
	}
	return e;
}

static void add_token(void *ud, const char *tok, size_t len)
{
	struct search_index *ix = ud;
	struct entry *e = intern(ix, tok, len, search_hash(tok, len));
	post_add(e, (uint32_t)ix->ndocs, ix->field);
}

static char *dup_n(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

static void index_field(struct search_index *ix, uint32_t field, const char *s, size_t len)
{
	ix->field = field;
	search_tokens(s, len, 0, add_token, ix);
}

/* The snippets' text of a document: its fields, then its body, cut at a character. */
static char *snippet_text(const struct search_doc *doc)
{
	struct buf t = BUF_INIT;
	buf_put(&t, doc->fields, doc->fields_len);
	if (doc->fields_len && doc->body_len)
		buf_putc(&t, ' ');
	buf_put(&t, doc->body, doc->body_len);
	size_t keep = utf8_floor(t.data ? t.data : "", t.len, SEARCH_TEXT_MAX);
	char *s = dup_n(t.data ? t.data : "", keep);
	buf_free(&t);
	return s;
}

static void room_for_doc(struct search_index *ix)
{
	if (ix->ndocs == ix->capdocs) {
		ix->capdocs = ix->capdocs ? 2 * ix->capdocs : 64;
		ix->docs = xrealloc(ix->docs, ix->capdocs * sizeof *ix->docs);
		ix->keys = xrealloc(ix->keys, ix->capdocs * sizeof *ix->keys);
	}
}

/* Adds doc; its text is kept, or (site, a site document's number + 1) made
 * again when the index is written. */
static void add_doc(struct search_index *ix, const struct search_doc *doc, uint32_t site)
{
	index_field(ix, SEARCH_TITLE, doc->title, strlen(doc->title));
	index_field(ix, SEARCH_FIELDS, doc->fields, doc->fields_len);
	index_field(ix, SEARCH_HEADING, doc->headings, doc->headings_len);
	index_field(ix, SEARCH_BODY, doc->body, doc->body_len);
	room_for_doc(ix);
	ix->docs[ix->ndocs++] = (struct doc_text){
		.url = dup_n(doc->url, strlen(doc->url)), .title = dup_n(doc->title, strlen(doc->title)),
		.kind = dup_n(doc->kind, strlen(doc->kind)), .plan = dup_n(doc->plan, strlen(doc->plan)),
		.text = site ? NULL : snippet_text(doc), .site = site,
	};
}

void search_index_add(struct search_index *ix, const struct search_doc *doc)
{
	add_doc(ix, doc, 0);
}

/* Moves part's pages after ix's: their postings, renumbered, and texts.
 * part is left empty of pages. */
static void merge(struct search_index *ix, struct search_index *part)
{
	if (!ix->n && !ix->ndocs) {
		/* The first part becomes the index as it is: its postings are
		 * not copied while every part is still held (a quarter of the
		 * search's memory at 100k pages). */
		struct search_index t = *ix;
		*ix = *part;
		*part = t;
		return;
	}
	uint32_t off = (uint32_t)ix->ndocs;
	for (size_t i = 0; i < part->n; i++) {
		struct entry *pe = &part->e[i];
		struct entry *e = intern(ix, part->toks.data + pe->off, pe->len, pe->hash);
		if (pe->npost) {
			/* The first posting again from e's last page; the rest, deltas
			 * already, as they are. */
			struct pcur c = post_cur(pe);
			uint32_t doc = 0, fields = 0;
			post_next(&c, &doc, &fields);
			post_add(e, doc + off, fields);
			size_t rest = (size_t)(c.end - c.p);
			if (e->nbytes + rest > e->cap) {
				e->cap = e->nbytes + (uint32_t)rest;
				e->post = xrealloc(e->post, e->cap);
			}
			if (rest) {
				uint32_t at = e->nbytes;
				memcpy(e->post + e->nbytes, c.p, rest);
				e->nbytes += (uint32_t)rest;
				e->npost += pe->npost - 1;
				e->last = pe->last + off;
				e->last_at = at + (pe->last_at - (uint32_t)(c.p - pe->post));
			}
		}
		/* Freed at once, so that the copies of the next ones can take its
		 * room: the parts and the index are not all held whole together. */
		free(pe->post);
		pe->post = NULL;
		pe->npost = pe->nbytes = pe->cap = 0;
	}
	if (!part->ndocs)
		return;
	if (ix->ndocs + part->ndocs > ix->capdocs) {
		ix->capdocs = ix->ndocs + part->ndocs;
		ix->docs = xrealloc(ix->docs, ix->capdocs * sizeof *ix->docs);
		ix->keys = xrealloc(ix->keys, ix->capdocs * sizeof *ix->keys);
	}
	memcpy(ix->docs + ix->ndocs, part->docs, part->ndocs * sizeof *part->docs);
	memcpy(ix->keys + ix->ndocs, part->keys, part->ndocs * sizeof *part->keys);
	ix->ndocs += part->ndocs;
	part->ndocs = 0;
}

/* ---- queries ------------------------------------------------------------------------ */

struct query {
	const struct search_index *ix;
	const struct entry **tok;
	size_t n, cap;
	int missing;   /* a token no page has */
};

static void query_token(void *ud, const char *tok, size_t len)
{
	struct query *q = ud;
	size_t at;
	if (q->n == SEARCH_QUERY_MAX)
		return;
	const struct entry *e = find(q->ix, tok, len, search_hash(tok, len), &at);
	if (!e) {
		q->missing = 1;
		return;
	}
	for (size_t k = 0; k < q->n; k++)
		if (q->tok[k] == e)
			return;
	if (q->n == q->cap) {
		q->cap = q->cap ? 2 * q->cap : 8;
		q->tok = xrealloc(q->tok, q->cap * sizeof *q->tok);
	}
	q->tok[q->n++] = e;
}

/* A page's match: the fields every token is in, and the sum of each
 * token's fields. */
struct hit {
	uint32_t doc, all, sum;
};

static int cmp_hit(const void *x, const void *y)
{
	const struct hit *a = x, *b = y;
	if (a->all != b->all)
		return a->all > b->all ? -1 : 1;
	if (a->sum != b->sum)
		return a->sum > b->sum ? -1 : 1;
	return a->doc < b->doc ? -1 : a->doc > b->doc;
}

size_t search_index_run(const struct search_index *ix, const char *query, size_t len, size_t *out, size_t max)
{
	struct query q = { .ix = ix };
	search_tokens(query, len, 1, query_token, &q);
	size_t nh = 0;
	struct hit *h = NULL;
	if (!q.missing && q.n) {
		h = xmalloc((q.tok[0]->npost + 1) * sizeof *h);
		struct pcur c = post_cur(q.tok[0]);
		uint32_t d, f;
		while (post_next(&c, &d, &f))
			h[nh++] = (struct hit){ d, f, f };
		for (size_t k = 1; k < q.n; k++) {
			c = post_cur(q.tok[k]);
			size_t i = 0, m = 0;
			int more = post_next(&c, &d, &f);
			while (i < nh && more) {
				if (h[i].doc < d) {
					i++;
				} else if (h[i].doc > d) {
					more = post_next(&c, &d, &f);
				} else {
					h[m] = h[i];
					h[m].all &= f;
					h[m++].sum += f;
					i++;
					more = post_next(&c, &d, &f);
				}
			}
			nh = m;
		}
		qsort(h, nh, sizeof *h, cmp_hit);
	}
	for (size_t i = 0; i < nh && i < max; i++)
		out[i] = h[i].doc;
	free(h);
	free(q.tok);
	return nh;
}

/* ---- files --------------------------------------------------------------------------- */

/* An entry in the order of the files: by shard, then by the token's bytes. */
struct sorted {
	unsigned shard;
	const char *tok;
	size_t len;
	const struct entry *e;
};

static int cmp_sorted(const void *x, const void *y)
{
	const struct sorted *a = x, *b = y;
	if (a->shard != b->shard)
		return a->shard < b->shard ? -1 : 1;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->tok, b->tok, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* The digits of the index's numbers (search_put_number): none needs
 * quoting in a JavaScript string. */
static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz-_";

unsigned search_group(size_t pages)
{
	size_t g = pages / SEARCH_GROUP_PAGES;
	return (unsigned)(g < SEARCH_GROUP_MIN ? SEARCH_GROUP_MIN : g > SEARCH_GROUP_MAX ? SEARCH_GROUP_MAX : g);
}

void search_put_number(struct buf *out, uint32_t v)
{
	for (; v >= 32; v >>= 5)
		buf_putc(out, digits[32 + (v & 31)]);
	buf_putc(out, digits[v]);
}

/* A token's postings as one string of numbers (page delta << 4 | field
 * bits): a string is parsed many times faster than an array of numbers,
 * and search.js reads only the strings of the query's tokens. */
static void put_posts(const struct entry *e, struct buf *out)
{
	uint32_t prev = 0, doc, fields;
	struct pcur c = post_cur(e);
	buf_putc(out, '"');
	while (post_next(&c, &doc, &fields)) {
		search_put_number(out, (doc - prev) << 4 | fields);
		prev = doc;
	}
	buf_putc(out, '"');
}

/* The index of s in the distinct strings list[0, *n) (appended when new);
 * *last remembers the previous answer, which neighbouring pages share. */
static size_t intern_name(const char **list, size_t *n, size_t *last, const char *s)
{
	if (*last < *n && strcmp(list[*last], s) == 0)
		return *last;
	for (*last = 0; *last < *n && strcmp(list[*last], s) != 0; (*last)++)
		;
	if (*last == *n)
		list[(*n)++] = s;
	return *last;
}

/* Appends s (len bytes) to out as a JSON string's content, a tab or a line
 * break (the names' separators) as a space in a title, percent-encoded in
 * a link (the same link: url is 1). */
static void put_field_text(const char *s, size_t len, int url, struct buf *out)
{
	struct buf t = BUF_INIT;
	for (size_t i = 0; i < len; i++) {
		if (s[i] != '\t' && s[i] != '\n' && s[i] != '\r')
			buf_putc(&t, s[i]);
		else if (url)
			buf_printf(&t, "%%%02X", (unsigned char)s[i]);
		else
			buf_putc(&t, ' ');
	}
	struct buf j = BUF_INIT;
	json_write_string(t.data ? t.data : "", t.len, &j);
	buf_put(out, j.data + 1, j.len - 2);   /* without its quotes: a part of the row */
	buf_free(&j);
	buf_free(&t);
}

/* The names file: what a result shows before its text arrives. Kinds and
 * plans are listed once; then one string with a line a page: its kind,
 * plan, pre and suf as numbers (search_put_number), then middle, a tab and
 * its title; its link is the first pre and last suf characters of the
 * previous page's link (ASCII only, so bytes are characters; none at the
 * start of each run of SEARCH_NAMES_RUN pages) around middle. */
static void put_names(const struct search_index *ix, struct buf *b)
{
	const char **kinds = xmalloc((ix->ndocs + 1) * sizeof *kinds);
	const char **plans = xmalloc((ix->ndocs + 1) * sizeof *plans);
	size_t nk = 0, np = 1, lk = 0, lp = 0;
	plans[0] = "";
	size_t *ki = xmalloc((ix->ndocs + 1) * sizeof *ki), *pi = xmalloc((ix->ndocs + 1) * sizeof *pi);
	for (size_t d = 0; d < ix->ndocs; d++) {
		ki[d] = intern_name(kinds, &nk, &lk, ix->docs[d].kind);
		pi[d] = intern_name(plans, &np, &lp, ix->docs[d].plan);
	}
	buf_puts(b, "PP_SEARCH.names([");
	for (size_t i = 0; i < nk; i++) {
		if (i)
			buf_putc(b, ',');
		json_write_string(kinds[i], strlen(kinds[i]), b);
	}
	buf_puts(b, "],[");
	for (size_t i = 0; i < np; i++) {
		buf_puts(b, i ? ",\n" : "\n");
		json_write_string(plans[i], strlen(plans[i]), b);
	}
	buf_puts(b, "],\n\"");
	for (size_t d = 0; d < ix->ndocs; d++) {
		const char *u = ix->docs[d].url, *v = d % SEARCH_NAMES_RUN ? ix->docs[d - 1].url : "";
		size_t ul = strlen(u), vl = strlen(v), pre = 0, suf = 0;
		while (pre < ul && pre < vl && u[pre] == v[pre] && !(u[pre] & 0x80) && u[pre] >= ' ')
			pre++;
		while (pre + suf < ul && pre + suf < vl && u[ul - 1 - suf] == v[vl - 1 - suf] && !(u[ul - 1 - suf] & 0x80) &&
		       u[ul - 1 - suf] >= ' ')
			suf++;
		if (d)
			buf_puts(b, "\\n");
		search_put_number(b, (uint32_t)ki[d]);
		search_put_number(b, (uint32_t)pi[d]);
		search_put_number(b, (uint32_t)pre);
		search_put_number(b, (uint32_t)suf);
		put_field_text(u + pre, ul - pre - suf, 1, b);
		buf_puts(b, "\\t");
		put_field_text(ix->docs[d].title, strlen(ix->docs[d].title), 0, b);
	}
	buf_puts(b, "\");\n");
	free(ki);
	free(pi);
	free(kinds);
	free(plans);
}

/* Pages [from, to) of the site (content pages, then units) into their own
 * index, on the pool. */
struct site_part {
	const struct ctx_env *e;
	struct page *const *units;
	size_t nunits, per;
	struct search_index **part;
	unsigned char (*dig)[DIGEST_LEN];   /* search_site_digest's: each run's digest */
	const struct tokcache *tc;          /* NULL, or the tokens of documents indexed before */
	const size_t *order;                /* the site's document at each place (doc_order) */
};

/* Text files whose texts are made again at once, on every processor: the
 * memory they take while written (about 150 KB a file). */
#define SEARCH_REMADE_GROUPS 64

/* The texts of a site's index made again for docs [from, from + n). */
struct remade {
	const struct search_index *ix;
	char **texts;    /* by doc - from; NULL for a text the index keeps */
	size_t from, n;
};

static int site_doc(const struct site_part *sp, size_t k, struct buf *fields, struct buf *heads, struct buf *body,
                    struct buf *tmp, struct search_doc *d);

static void remake_one(void *ctx, size_t i, int worker)
{
	struct remade *rm = ctx;
	const struct doc_text *t = &rm->ix->docs[rm->from + i];
	const struct site_src *src = &rm->ix->src;
	struct site_part sp = { .e = src->e, .units = src->units, .nunits = src->nunits };
	struct buf fields = BUF_INIT, heads = BUF_INIT, body = BUF_INIT, tmp = BUF_INIT;
	struct search_doc d;
	(void)worker;
	if (!t->text && t->site && src->e)
		rm->texts[i] = site_doc(&sp, t->site - 1, &fields, &heads, &body, &tmp, &d) == 0 ? snippet_text(&d) : NULL;
	if (!t->text && !rm->texts[i])
		rm->texts[i] = dup_n("", 0);   /* a page that fails now did not when indexed: cannot be */
	buf_free(&tmp);
	buf_free(&fields);
	buf_free(&heads);
	buf_free(&body);
}

static void remake_free(struct remade *rm)
{
	for (size_t i = 0; rm->texts && i < rm->n; i++) {
		free(rm->texts[i]);
		rm->texts[i] = NULL;
	}
	rm->n = 0;
}

/* Makes again the texts of up to n docs from from (those the index does not keep). */
static void remake_texts(struct remade *rm, size_t from, size_t n)
{
	remake_free(rm);
	rm->from = from;
	rm->n = from + n < rm->ix->ndocs ? n : rm->ix->ndocs - from;
	pool_run(rm->n, rm->ix->src.jobs > 0 ? rm->ix->src.jobs : 1, remake_one, rm);
}

static int emit_buf(search_emit_fn emit, void *ud, const char *rel, struct buf *b, struct search_stats *st)
{
	st->bytes += b->len;
	int rc = emit(ud, rel, b->data ? b->data : "", b->len);
	buf_reset(b);
	return rc;
}

int search_index_write(const struct search_index *ix, search_emit_fn emit, void *ud, struct search_stats *st)
{
	struct remade rm = { ix, NULL, 0, 0 };
	struct buf b = BUF_INIT;
	char rel[64];
	int rc = -1;
	memset(st, 0, sizeof *st);
	size_t est = 0;
	for (size_t i = 0; i < ix->n; i++)
		est += ix->e[i].len + 6 + 2 * ix->e[i].npost;
	unsigned ns = search_nshards(est);
	st->shards = ns;
	st->tokens = ix->n;
	struct sorted *order = xmalloc((ix->n + 1) * sizeof *order);
	for (size_t i = 0; i < ix->n; i++)
		order[i] = (struct sorted){ ix->e[i].hash & (ns - 1), ix->toks.data + ix->e[i].off, ix->e[i].len, &ix->e[i] };
	qsort(order, ix->n, sizeof *order, cmp_sorted);
	buf_printf(&b, "PP_SEARCH.meta({\"version\":2,\"pages\":%zu,\"shards\":%u,\"group\":%d,\"names_run\":%d,\"word_max\":%d});\n",
	           ix->ndocs, ns, search_group(ix->ndocs), SEARCH_NAMES_RUN, SEARCH_WORD_MAX);
	if (emit_buf(emit, ud, SEARCH_DIR "/meta.js", &b, st) < 0)
		goto out;
	put_names(ix, &b);
	if (emit_buf(emit, ud, SEARCH_DIR "/" SEARCH_NAMES, &b, st) < 0)
		goto out;
	size_t k = 0;
	for (unsigned s = 0; s < ns; s++) {
		buf_printf(&b, "PP_SEARCH.add(%u,{", s);
		for (int first = 1; k < ix->n && order[k].shard == s; k++, first = 0) {
			if (!first)
				buf_puts(&b, ",\n");
			json_write_string(order[k].tok, order[k].len, &b);
			buf_putc(&b, ':');
			put_posts(order[k].e, &b);
		}
		buf_puts(&b, "});\n");
		snprintf(rel, sizeof rel, SEARCH_DIR "/s/%u.js", s);
		if (emit_buf(emit, ud, rel, &b, st) < 0)
			goto out;
	}
	size_t group = search_group(ix->ndocs);
	rm.texts = xcalloc(group * SEARCH_REMADE_GROUPS, sizeof *rm.texts);
	for (size_t g = 0; g * group < ix->ndocs; g++) {
		if (g % SEARCH_REMADE_GROUPS == 0)
			remake_texts(&rm, g * group, group * SEARCH_REMADE_GROUPS);
		buf_printf(&b, "PP_SEARCH.text(%zu,[", g);
		for (size_t d = g * group; d < ix->ndocs && d < (g + 1) * group; d++) {
			const char *t = ix->docs[d].text ? ix->docs[d].text : rm.texts[d - rm.from];
			buf_puts(&b, d > g * group ? ",\n" : "\n");
			json_write_string(t, strlen(t), &b);
		}
		buf_puts(&b, "]);\n");
		snprintf(rel, sizeof rel, SEARCH_DIR "/t/%zu.js", g);
		if (emit_buf(emit, ud, rel, &b, st) < 0)
			goto out;
	}
	rc = 0;
out:
	remake_free(&rm);
	free(rm.texts);
	free(order);
	buf_free(&b);
	return rc;
}

void search_index_free(struct search_index *ix)
{
	if (!ix)
		return;
	for (size_t i = 0; i < ix->n; i++)
		free(ix->e[i].post);
	for (size_t i = 0; i < ix->ndocs; i++) {
		struct doc_text *t = &ix->docs[i];
		free(t->url);
		free(t->title);
		free(t->kind);
		free(t->plan);
		free(t->text);
	}
	free(ix->docs);
	free(ix->keys);
	free(ix->e);
	free(ix->slot);
	buf_free(&ix->toks);
	free(ix);
}

/* ---- the site's pages ----------------------------------------------------------------- */

static const char *label(const struct ctx_env *e, const char *key, const char *fallback)
{
	return value_str(value_get(e->i18n, key), fallback);
}

/* Appends "name：a、b" (the theme's colon and separator) for a string or a list of strings. */
static void put_field(const struct ctx_env *e, struct buf *out, const char *name, const struct value *v)
{
	if (!v || (v->kind != V_STRING && (v->kind != V_ARRAY || !value_len(v))))
		return;
	if (out->len)
		buf_puts(out, label(e, "separator", " "));
	buf_puts(out, name);
	buf_puts(out, label(e, "colon", ": "));
	if (v->kind == V_STRING) {
		buf_put(out, v->u.str.s, v->u.str.len);
		return;
	}
	for (size_t i = 0; i < value_len(v); i++) {
		const struct value *x = value_at(v, i);
		const char *s = value_str(x, NULL);
		if (!s && x->kind == V_TABLE)
			s = value_str(value_get(x, "metric"), NULL);
		if (!s)
			continue;
		if (i)
			buf_puts(out, "、");
		buf_puts(out, s);
	}
}

static const char *page_kind(const struct page *p)
{
	if (strcmp(p->type, "plan") == 0)
		return "plan";
	if (p->kind != PAGE_PAGE)
		return "page";
	if (strcmp(p->type, "task") == 0 || strcmp(p->type, "bulletin") == 0 || strcmp(p->type, "notice") == 0)
		return p->type;
	if (p->rel && strncmp(p->rel, "notices/", 8) == 0)
		return "notice";
	return "page";
}


/* The text of a page's HTML (len bytes) into body (empty), as its
 * document has it. */
static void doc_body(const char *html, size_t len, struct buf *body)
{
	if (len)
		search_plain(html, len, body);
	if (body->len && body->data[body->len - 1] == ' ')
		buf_truncate(body, body->len - 1);
}

/* md's HTML (NULL: none), read into tmp when it waits in a spool. */
static const char *doc_html(const struct markdown_result *md, struct buf *tmp, size_t *len)
{
	*len = 0;
	return md ? markdown_html_buf(md, tmp, len) : "";
}

/* Page i's document, its texts in fields, heads and body (body left
 * empty when !plain: the digest reads the page's HTML, *html, instead of
 * its text made from it). Returns 0, or -1 for a page that failed (not
 * indexed). */
static int page_doc(const struct ctx_env *e, size_t i, int plain, struct buf *fields, struct buf *heads,
                    struct buf *body, struct buf *tmp, struct search_doc *d, const struct markdown_result **html)
{
	const struct page *p = e->c->pages[i];
	if (p->failed)
		return -1;
	const struct value *t = e->extra ? e->extra[i] : NULL;
	const char *kind = page_kind(p);
	const char *plan = "";
	buf_reset(fields);
	buf_reset(heads);
	buf_reset(body);
	if (strcmp(kind, "task") == 0 && t) {
		plan = value_str(value_get(t, "plan_title"), "");
		put_field(e, fields, label(e, "task_number", "No."), value_get(t, "number"));
		put_field(e, fields, label(e, "lead_unit", "Lead"), value_get(t, "lead"));
		put_field(e, fields, label(e, "support_units", "Support"), value_get(t, "support"));
		put_field(e, fields, label(e, "targets", "Targets"), value_get(t, "targets"));
	} else {
		/* A plan's issuer and number, a bulletin's unit: from the front matter. */
		static const char *const keys[] = { "doc_no", "issuer", "unit" };
		for (size_t k = 0; k < sizeof keys / sizeof *keys; k++) {
			const struct value *v = value_get(p->meta, keys[k]);
			if (v && v->kind == V_STRING) {
				if (fields->len)
					buf_puts(fields, label(e, "separator", " "));
				buf_put(fields, v->u.str.s, v->u.str.len);
			}
		}
	}
	const struct markdown_result *md = e->md ? &e->md[i] : NULL;
	for (size_t k = 0; md && k < md->ntoc; k++) {
		buf_puts(heads, md->toc[k].text);
		buf_putc(heads, '\n');
	}
	*html = md;
	if (plain) {
		size_t len;
		const char *h = doc_html(md, tmp, &len);
		doc_body(h, len, body);
	}
	*d = (struct search_doc){
		.url = ctx_target(e, p), .title = p->title ? p->title : "", .kind = kind, .plan = plan,
		.fields = fields->data ? fields->data : "", .fields_len = fields->len,
		.headings = heads->data ? heads->data : "", .headings_len = heads->len,
		.body = body->data ? body->data : "", .body_len = body->len,
	};
	return 0;
}

/* Document k of the site (content pages, then units), or -1 for none;
 * *html as page_doc gives it (NULL for a unit), its text only when plain. */
static int site_doc_as(const struct site_part *sp, size_t k, int plain, struct buf *fields, struct buf *heads,
                       struct buf *body, struct buf *tmp, struct search_doc *d,
                       const struct markdown_result **html)
{
	const struct ctx_env *e = sp->e;
	*html = NULL;
	if (k < e->c->npages)
		return page_doc(e, k, plain, fields, heads, body, tmp, d, html);
	const struct page *u = sp->units[k - e->c->npages];
	*d = (struct search_doc){ .url = ctx_target(e, u), .title = u->title, .kind = "unit",
	                          .plan = "", .fields = "", .headings = "", .body = "" };
	return 0;
}

static int site_doc(const struct site_part *sp, size_t k, struct buf *fields, struct buf *heads, struct buf *body,
                    struct buf *tmp, struct search_doc *d)
{
	const struct markdown_result *html;
	return site_doc_as(sp, k, 1, fields, heads, body, tmp, d, &html);
}

static void digest_str(struct digest *h, const char *s, size_t len)
{
	digest_u64(h, len);
	digest_update(h, s, len);
}

/* The digest of document d, whose text is made of the HTML md (NULL:
 * none): what its tokens are made of, so that the same digest, the same
 * tokens (tokcache.h); runs of these make the site's digest. */
static void doc_key(const struct search_doc *d, const char *html, size_t len, unsigned char out[DIGEST_LEN])
{
	struct digest h;
	digest_init(&h);
	digest_str(&h, d->url, strlen(d->url));
	digest_str(&h, d->title, strlen(d->title));
	digest_str(&h, d->kind, strlen(d->kind));
	digest_str(&h, d->plan, strlen(d->plan));
	digest_str(&h, d->fields, d->fields_len);
	digest_str(&h, d->headings, d->headings_len);
	/* The HTML the text is made of (search_plain): cheaper to digest than
	 * to make the text of. */
	digest_str(&h, html, len);
	digest_final(&h, out);
}

/* Adds document d as the next page, its tokens read from the cache (it);
 * tmap: the part's entry + 1 of each cached token id, 0 until it is met. */
static void add_cached(struct search_index *ix, const struct search_doc *d, uint32_t site, const struct tokcache *tc,
                       struct tokcache_it *it, uint32_t *tmap)
{
	uint32_t pair, doc = (uint32_t)ix->ndocs;
	while (tokcache_next(it, &pair)) {
		uint32_t id = pair >> 4;
		if (!tmap[id]) {
			size_t len;
			const char *tok = tokcache_tok(tc, id, &len);
			tmap[id] = (uint32_t)(intern(ix, tok, len, search_hash(tok, len)) - ix->e) + 1;
		}
		post_add(&ix->e[tmap[id] - 1], doc, pair & 15);
	}
	room_for_doc(ix);
	ix->docs[ix->ndocs++] = (struct doc_text){
		.url = dup_n(d->url, strlen(d->url)), .title = dup_n(d->title, strlen(d->title)),
		.kind = dup_n(d->kind, strlen(d->kind)), .plan = dup_n(d->plan, strlen(d->plan)), .site = site,
	};
}

/* Documents are digested in runs of this many, in order: the site's digest
 * is the same whatever the number of threads, and whether it is made alone
 * (search_site_digest) or while indexing (search_index_site). */
#define SEARCH_DIGEST_RUN 256

/* Each worker indexes and/or digests a run of documents: part i is
 * documents [i * per, (i + 1) * per), per a multiple of SEARCH_DIGEST_RUN
 * when digesting, so that no run is cut between two parts. A document the
 * token cache has is added from it, its text not made. */
static void part_one(void *ctx, size_t i, int worker)
{
	struct site_part *sp = ctx;
	const struct ctx_env *e = sp->e;
	size_t total = e->c->npages + sp->nunits;
	struct buf fields = BUF_INIT, heads = BUF_INIT, body = BUF_INIT, tmp = BUF_INIT;
	struct search_index *ix = sp->part ? search_index_new() : NULL;
	uint32_t *tmap = ix && sp->tc ? xcalloc(tokcache_ntoks(sp->tc) + 1, sizeof *tmap) : NULL;
	struct digest h;
	(void)worker;
	for (size_t k = i * sp->per; k < total && k < (i + 1) * sp->per; k++) {
		if (sp->dig && k % SEARCH_DIGEST_RUN == 0)
			digest_init(&h);
		struct search_doc d;
		const struct markdown_result *md;
		size_t site = sp->order[k];
		if (site_doc_as(sp, site, 0, &fields, &heads, &body, &tmp, &d, &md) == 0) {
			unsigned char key[DIGEST_LEN];
			size_t hl;
			const char *html = doc_html(md, &tmp, &hl);
			doc_key(&d, html, hl, key);
			if (sp->dig)
				digest_update(&h, key, DIGEST_LEN);
			if (ix) {
				struct tokcache_it it;
				if (sp->tc && tokcache_find(sp->tc, key, &it)) {
					add_cached(ix, &d, (uint32_t)site + 1, sp->tc, &it, tmap);
				} else {
					buf_reset(&body);
					doc_body(html, hl, &body);
					d.body = body.data ? body.data : "";
					d.body_len = body.len;
					add_doc(ix, &d, (uint32_t)site + 1);   /* its text made again when written */
				}
				memcpy(ix->keys[ix->ndocs - 1], key, DIGEST_LEN);
			}
		}
		if (sp->dig && ((k + 1) % SEARCH_DIGEST_RUN == 0 || k + 1 == total))
			digest_final(&h, sp->dig[k / SEARCH_DIGEST_RUN]);
	}
	if (ix)
		sp->part[i] = ix;
	free(tmap);
	buf_free(&tmp);
	buf_free(&fields);
	buf_free(&heads);
	buf_free(&body);
}

/* The order the site's documents are numbered in: the pages that stay
 * (plans, tasks, other pages) in the site's order, the units, then the
 * pages publications add (bulletins, notices) in the site's. A new bulletin,
 * the news of most publications, is numbered after every page it does not
 * change, so their numbers, and the shards and text files that only hold
 * those, stay as they were: a publication's new files are the few its
 * changes touch, not every file of the index (1,700 of 2,000 at 10k pages
 * when a bulletin sorted before the tasks moved every number after it). */
static size_t *doc_order(const struct ctx_env *e, size_t nunits)
{
	size_t n = e->c->npages, k = 0;
	size_t *order = xmalloc((n + nunits + 1) * sizeof *order);
	for (int late = 0; late < 2; late++) {
		for (size_t i = 0; i < n; i++) {
			const char *kind = page_kind(e->c->pages[i]);
			if ((strcmp(kind, "bulletin") == 0 || strcmp(kind, "notice") == 0) == late)
				order[k++] = i;
		}
		for (size_t i = 0; !late && i < nunits; i++)
			order[k++] = n + i;
	}
	return order;
}

/* The site's digest from its runs' (sp->dig, total / SEARCH_DIGEST_RUN + 1 of them). */
static void site_digest(const struct site_part *sp, size_t total, unsigned char out[DIGEST_LEN])
{
	struct digest h;
	digest_init(&h);
	digest_u64(&h, total);
	digest_update(&h, sp->dig, (total / SEARCH_DIGEST_RUN + 1) * sizeof *sp->dig);
	digest_final(&h, out);
}

void search_site_digest(const struct ctx_env *e, struct page *const *units, size_t nunits, int jobs,
                        unsigned char out[DIGEST_LEN])
{
	size_t total = e->c->npages + nunits;
	size_t *order = doc_order(e, nunits);
	struct site_part sp = { .e = e, .units = units, .nunits = nunits, .per = SEARCH_DIGEST_RUN, .order = order };
	sp.dig = xcalloc(total / SEARCH_DIGEST_RUN + 1, sizeof *sp.dig);
	pool_run(total / SEARCH_DIGEST_RUN + 1, jobs, part_one, &sp);
	site_digest(&sp, total, out);
	free(sp.dig);
	free(order);
}

void search_index_site(struct search_index *ix, const struct ctx_env *e, struct page *const *units,
                       size_t nunits, int jobs, unsigned char dig[DIGEST_LEN], const struct tokcache *tc)
{
	/* Each worker indexes runs of pages; the runs are joined in order, so
	 * the index is the same whatever the number of threads. */
	size_t total = e->c->npages + nunits;
	size_t nparts = jobs > 1 ? 2 * (size_t)jobs : 1;
	size_t *order = doc_order(e, nunits);
	struct site_part sp = { .e = e, .units = units, .nunits = nunits, .per = total / nparts + 1, .tc = tc,
	                        .order = order };
	if (dig) {
		sp.per = (sp.per + SEARCH_DIGEST_RUN - 1) / SEARCH_DIGEST_RUN * SEARCH_DIGEST_RUN;
		sp.dig = xcalloc(total / SEARCH_DIGEST_RUN + 1, sizeof *sp.dig);
	}
	sp.part = xcalloc(nparts, sizeof *sp.part);
	pool_run(nparts, jobs, part_one, &sp);
	for (size_t i = 0; i < nparts; i++) {
		if (sp.part[i])
			merge(ix, sp.part[i]);
		search_index_free(sp.part[i]);
	}
	free(sp.part);
	ix->src = (struct site_src){ e, units, nunits, jobs };
	if (dig)
		site_digest(&sp, total, dig);
	free(sp.dig);
	free(order);
}

/* Pages whose tokens are gathered at once when the token cache is written:
 * the memory that takes (about a megabyte), where gathering every page's at
 * once took four bytes a posting (100 MB at 100k pages); each chunk walks
 * every token's postings from where the last stopped. */
#define SEARCH_SAVE_CHUNK 1024

void search_index_save_tokens(const struct search_index *ix, const char *site_dir,
                              const unsigned char global[DIGEST_LEN])
{
	if (!ix->src.e || !ix->keys)
		return;   /* not a site's index: its pages have no digests */
	struct tokcache_out o;
	tokcache_out_begin(&o, site_dir, global, ix->n);
	for (size_t i = 0; i < ix->n; i++)
		tokcache_out_tok(&o, ix->toks.data + ix->e[i].off, ix->e[i].len);
	tokcache_out_docs(&o, ix->ndocs);
	/* Each page's tokens in increasing entry number: the postings turned
	 * about, SEARCH_SAVE_CHUNK pages at a time; each entry's postings are
	 * in page order, so a cursor per entry moves through them once. */
	/* Where each entry's next posting is: its offset and the page before
	 * it (8 bytes an entry; the site has hundreds of thousands). */
	struct { uint32_t at, doc; } *cur = xcalloc(ix->n + 1, sizeof *cur);
	size_t *at = xmalloc((SEARCH_SAVE_CHUNK + 1) * sizeof *at);
	size_t *fill = xmalloc((SEARCH_SAVE_CHUNK + 1) * sizeof *fill);
	uint32_t *pairs = NULL;
	size_t cap = 0;
	for (size_t d0 = 0; d0 < ix->ndocs; d0 += SEARCH_SAVE_CHUNK) {
		size_t d1 = d0 + SEARCH_SAVE_CHUNK < ix->ndocs ? d0 + SEARCH_SAVE_CHUNK : ix->ndocs;
		uint32_t doc, fields;
		memset(at, 0, (SEARCH_SAVE_CHUNK + 1) * sizeof *at);
		for (size_t i = 0; i < ix->n; i++) {
			struct pcur c = { ix->e[i].post + cur[i].at, ix->e[i].post + ix->e[i].nbytes, cur[i].doc };
			while (post_next(&c, &doc, &fields) && doc < d1)
				at[doc - d0 + 1]++;
		}
		for (size_t d = 0; d < d1 - d0; d++)
			at[d + 1] += at[d];
		if (at[d1 - d0] > cap) {
			cap = at[d1 - d0];
			pairs = xrealloc(pairs, cap * sizeof *pairs);
		}
		memcpy(fill, at, (d1 - d0 + 1) * sizeof *fill);
		for (size_t i = 0; i < ix->n; i++) {
			const struct entry *e = &ix->e[i];
			struct pcur c = { e->post + cur[i].at, e->post + e->nbytes, cur[i].doc };
			for (;;) {
				struct pcur next = c;
				if (!post_next(&next, &doc, &fields) || doc >= d1)
					break;
				pairs[fill[doc - d0]++] = (uint32_t)i << 4 | fields;
				c = next;
			}
			cur[i].at = (uint32_t)(c.p - e->post);
			cur[i].doc = c.doc;
		}
		for (size_t d = d0; d < d1; d++)
			tokcache_out_doc(&o, ix->keys[d], pairs + at[d - d0], at[d - d0 + 1] - at[d - d0]);
	}
	tokcache_out_save(&o);
	free(pairs);
	free(fill);
	free(at);
	free(cur);
}
