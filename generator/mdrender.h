/* mdrender.h: the one HTML renderer both Markdown engines feed with the same
 * stream of block, span and text events (markdown.c turns md4c callbacks and
 * cmark trees into it), so that every feature is written once. Output mimics
 * cmark's HTML byte for byte. */
#ifndef PP_MDRENDER_H
#define PP_MDRENDER_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "markdown.h"

enum mdr_block {
	MDR_DOC, MDR_QUOTE, MDR_UL, MDR_OL, MDR_LI, MDR_HR, MDR_H, MDR_CODE,
	MDR_HTML, MDR_P, MDR_TABLE, MDR_THEAD, MDR_TBODY, MDR_TR, MDR_TH, MDR_TD
};

enum mdr_span { MDR_EM, MDR_STRONG, MDR_A, MDR_IMG, MDR_CODESPAN, MDR_DEL };

enum mdr_text {
	MDR_TEXT,        /* text, decoded (entities resolved); code text too */
	MDR_RAW,         /* raw HTML: block content, or the start of an inline element */
	MDR_RAW_MORE,    /* the next piece of the same inline element (md4c splits at line ends) */
	MDR_BR,          /* hard line break */
	MDR_SOFTBR,      /* soft line break */
};

enum mdr_align { MDR_ALIGN_NONE, MDR_ALIGN_LEFT, MDR_ALIGN_CENTER, MDR_ALIGN_RIGHT };

/* What a block event carries; fields that do not apply to the type are 0. */
struct mdr_block_info {
	int tight;             /* MDR_UL, MDR_OL: no <p> in the items */
	unsigned start;        /* MDR_OL */
	int level;             /* MDR_H: 1..6 */
	const char *lang;      /* MDR_CODE: first word of the info string, decoded */
	size_t lang_len;
	int task;              /* MDR_LI: 0 not a task, 1 open box, 2 checked */
	enum mdr_align align;  /* MDR_TH, MDR_TD */
};

/* A link or image destination and title, decoded. off is the byte offset in
 * the body where the destination is written (best effort). */
struct mdr_link {
	const char *dest;
	size_t dest_len;
	const char *title;
	size_t title_len;
	size_t off;
};

/* Where the text came from, for diagnostics, and what to drop from it. */
struct mdr_source {
	const char *path;
	const char *file;       /* the whole file */
	size_t file_len;
	size_t body_off;        /* where the rendered body starts in file */
	const char *sentinel;   /* bytes the parser input holds but the source does not */
	size_t sentinel_len;    /* 0: none */
};

struct mdr;

/* A renderer for one document. o and src (and what they point to) are
 * borrowed until mdr_free. Diagnostics go to d. */
struct mdr *mdr_new(const struct markdown_opts *o, const struct mdr_source *src, struct diags *d);
void mdr_enter_block(struct mdr *r, enum mdr_block type, const struct mdr_block_info *bi);
void mdr_leave_block(struct mdr *r, enum mdr_block type);
/* link: for MDR_A and MDR_IMG, else NULL. */
void mdr_enter_span(struct mdr *r, enum mdr_span type, const struct mdr_link *link);
void mdr_leave_span(struct mdr *r, enum mdr_span type);
void mdr_text(struct mdr *r, enum mdr_text type, const char *s, size_t n);
/* Ends the document: checks in-page links, builds the summary and copies the
 * HTML, summary and table of contents into arena a. Returns the number of
 * errors recorded in d during the whole render. */
size_t mdr_finish(struct mdr *r, struct arena *a, struct markdown_result *res);
/* Accepts NULL. */
void mdr_free(struct mdr *r);

#endif
