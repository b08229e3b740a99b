/* markdown.h: Markdown to HTML with either engine (md4c or cmark), one behaviour:
 * both feed the same renderer (mdrender.h), so every feature below holds for both. */
#ifndef PP_MARKDOWN_H
#define PP_MARKDOWN_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"

enum markdown_engine { MARKDOWN_MD4C, MARKDOWN_CMARK };

struct markdown_opts {
	enum markdown_engine engine;
	/* Strict CommonMark (the spec suite): no extensions, no heading ids, no
	 * CJK rules, no link resolving, filtering or checking, no <!--more-->.
	 * Raw HTML still follows unsafe_html, as cmark's own renderer does. */
	int plain;
	/* Keep raw HTML; otherwise each raw HTML block or inline element becomes
	 * <!-- raw HTML omitted --> (cmark's wording). */
	int unsafe_html;
	/* Summary length in characters (0: 120). */
	size_t summary_chars;
	/* Called (unless plain) for each link or image destination that is
	 * relative: no URL scheme, not empty, not starting with '/' or '#'.
	 * dest is decoded (escapes and entities resolved). src_offset is the byte
	 * offset in file_src (the whole file, not the body) where the destination
	 * is written, best effort, so diag_at(d, .., file_src, file_len,
	 * src_offset, ..) points at it. Returns 0 after writing the new URL into
	 * out; 1 to keep dest; -1 when it recorded an error itself (the link is
	 * then rendered unchanged and markdown_render returns -1). */
	int (*resolve)(void *ud, const char *dest, size_t len, size_t src_offset, struct buf *out);
	void *resolve_ud;
};

struct markdown_heading {
	int level;          /* 1..6 */
	const char *id;     /* "" when plain */
	const char *text;   /* plain text */
};

struct spool;

struct markdown_result {
	const char *html;     /* arena-owned, NUL-terminated; NULL while it waits in html_spool */
	size_t html_len;
	const char *summary;  /* plain text, arena-owned, NUL-terminated */
	size_t summary_len;
	int summary_cut;      /* 1 if the page holds more than the summary (a "read more" is due) */
	struct markdown_heading *toc;   /* every heading, in order; arena-owned */
	size_t ntoc;
	/* html NULL and html_spool set: the html_len bytes wait in the spool
	 * (spool.h) at html_at; markdown_html reads them. */
	struct spool *html_spool;
	uint64_t html_at;
};

/* Renders the body of a file: file_src[body_offset .. file_len) (valid UTF-8,
 * front matter already removed), and file_src[file_len] must be '\0', as
 * content_read_text leaves it (md4c reads one byte past its input: MD4C_NUL
 * in markdown.c). path, file_src and file_len serve the
 * diagnostics, so that they name real file lines. Everything in res is
 * allocated in arena a; nothing else is kept.
 *
 * Unless o->plain: GFM tables, strikethrough and task lists (md4c only; cmark
 * has no extensions); heading ids (markdown_slug, unique on the page, or an
 * explicit "## Title {#id}"); no line break between CJK characters at a soft
 * break; strong/emphasis next to full-width punctuation (**“引号”**后文);
 * links to javascript:, vbscript:, file: and data: (other than data:image/png,
 * gif, jpeg, webp) dropped with a warning; "#frag" links checked against the
 * page's heading ids (an error if missing); <!--more--> ends the summary,
 * else the summary is the first paragraph.
 *
 * Returns 0, or -1 if it recorded errors in d. Thread-safe: concurrent calls
 * need their own arenas (d may be shared). */
int markdown_render(const struct markdown_opts *o, struct arena *a, const char *path,
                    const char *file_src, size_t file_len, size_t body_offset,
                    struct markdown_result *res, struct diags *d);

/* res's HTML (*len bytes, NUL-terminated): in memory, or read back from its
 * spool into arena a (or into tmp, valid until tmp changes). "" when it has
 * none or the spool cannot be read (spool_failed tells). */
const char *markdown_html(const struct markdown_result *res, struct arena *a, size_t *len);
const char *markdown_html_buf(const struct markdown_result *res, struct buf *tmp, size_t *len);

/* res, rendered in a scratch arena, made to outlive it: its HTML moved
 * into spool s (kept in arena a when s is NULL), its summary and headings
 * copied into a. */
void markdown_keep(struct markdown_result *res, struct arena *a, struct spool *s);

/* Appends the heading id of a plain text: ASCII lower-cased, non-ASCII letters
 * kept (Chinese stays Chinese), runs of spaces and punctuation become one '-'
 * (nothing between two CJK characters), "section" when nothing is left. */
void markdown_slug(const char *text, size_t len, struct buf *out);

#endif
