/* mdrender.c: the HTML renderer behind both Markdown engines: cmark's HTML
 * format, heading ids, CJK line breaks, link rules, summary and contents. */
#include "mdrender.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "binrec.h"
#include "buf.h"
#include "i18n.h"
#include "slug.h"
#include "utf8.h"
#include "xalloc.h"

/* Summary length when the options give none: two lines of a page list in Chinese. */
#define SUMMARY_CHARS_DEFAULT 120

/* A summary is a teaser, not the page: longer limits are cut to this, which
 * also keeps SUMMARY_BYTES far from overflowing. */
#define SUMMARY_CHARS_MAX 100000

/* The summary sources keep only this many bytes per summary character: more
 * than 4 bytes a character guarantees the text is longer than the summary. */
#define SUMMARY_BYTES(chars) (4 * ((chars) + 4))

struct frame {
	enum mdr_block type;
	int tight;        /* MDR_UL, MDR_OL: tight list; MDR_P: no tags (in a tight item) */
	int level;        /* MDR_H */
	size_t tag_at;    /* MDR_H: output offset of "<hN>", where the id goes */
};

struct span {
	enum mdr_span type;
	int dropped;      /* unsafe link or image: its content stays, the element goes */
	int in_alt;       /* opened inside alt text: writes nothing of its own */
	char *title;      /* top-level MDR_IMG: title written after the alt text (owned) */
	size_t title_len;
};

struct heading {
	int level;
	char *id;
	char *text;
};

struct frag {
	char *name;       /* as written after '#', not yet percent-decoded */
	size_t off;       /* body offset of the link */
};

struct mdr {
	const struct markdown_opts *o;
	struct mdr_source src;
	struct diags *d;
	size_t nerrors;
	struct buf out;
	struct buf plain;      /* plain text of the open leaf block (paragraph, heading, cell) */
	struct buf html;       /* raw HTML being gathered: a block, or one inline element */
	int html_inline;       /* html holds an inline element not yet written */
	struct buf scratch, dest;
	struct frame *bs;
	size_t nb, capb;
	struct span *ss;
	size_t ns, caps;
	int alt;               /* images open: their content is alt text */
	/* A soft break already written ("\n", or " " in alt text) that is taken
	 * back when the characters on both sides turn out to be CJK. */
	int pend;
	size_t pend_out, pend_plain;
	uint32_t pend_cp;
	uint32_t last_cp;      /* the last character of text written */
	struct heading *toc;
	size_t ntoc, captoc;
	char **ids;            /* ids on the page: headings, and raw HTML when kept */
	size_t *idlens;
	unsigned *idnext;      /* for an id that was a slug's: the suffix to try next (-1, -2, ...) */
	size_t nids, capids;
	struct binrec_index by_id;   /* the ids by name, room for capids */
	size_t xid_from;       /* body offset after the last explicit {#id} found */
	struct frag *frags;
	size_t nfrags, capfrags;
	size_t sum_chars;
	struct buf sum;        /* plain text of the leaf blocks so far, "\n" between */
	struct buf sum_div;    /* what came before <!--more--> */
	struct buf first_p;    /* the first paragraph */
	int divider, first_p_done, after_divider, after_first_p, any_content;
};

/* Makes room for one more element in vector v of n elements of size sz. */
static void *grow(void *v, size_t *cap, size_t n, size_t sz)
{
	if (n < *cap)
		return v;
	*cap = *cap ? *cap * 2 : 8;
	return xrealloc(v, *cap * sz);
}

static void cut_bytes(struct buf *b, size_t off, size_t n)
{
	memmove(b->data + off, b->data + off + n, b->len - off - n);
	buf_truncate(b, b->len - n);
}

static void insert_bytes(struct buf *b, size_t off, const char *s, size_t n)
{
	buf_grow(b, n);
	memmove(b->data + off + n, b->data + off, b->len - off);
	memcpy(b->data + off, s, n);
	b->len += n;
	b->data[b->len] = '\0';
}

/* s[0..*n) without the sentinel: s itself when it holds none, else a copy in scratch. */
static const char *strip(const struct mdr *r, struct buf *scratch, const char *s, size_t *n)
{
	size_t sl = r->src.sentinel_len;
	size_t at = buf_find(s, *n, r->src.sentinel, sl, 0);
	if (at == (size_t)-1)
		return s;
	buf_reset(scratch);
	size_t i = 0;
	while (at != (size_t)-1) {
		buf_put(scratch, s + i, at - i);
		i = at + sl;
		at = buf_find(s, *n, r->src.sentinel, sl, i);
	}
	buf_put(scratch, s + i, *n - i);
	*n = scratch->len;
	return scratch->data;
}

/* cmark's escaping of text and attributes: & < > " only. */
static void put_esc(struct buf *b, const char *s, size_t n)
{
	buf_put_escaped(b, s, n, 0);
}

/* The characters cmark (houdini) writes as they are in an href. */
static int href_safe(unsigned char c)
{
	return IS_ASCII_ALNUM(c) || (c && strchr("!#$%()*+,-./:;=?@_~", c));
}

/* cmark's href escaping: & and ' as entities, unsafe bytes as %XX. */
static void put_href(struct buf *b, const char *s, size_t n)
{
	static const char hex[] = "0123456789ABCDEF";
	size_t i = 0;
	while (i < n) {
		size_t start = i;
		while (i < n && href_safe((unsigned char)s[i]))
			i++;
		buf_put(b, s + start, i - start);
		if (i >= n)
			break;
		unsigned char c = (unsigned char)s[i++];
		if (c == '&') {
			buf_puts(b, "&amp;");
		} else if (c == '\'') {
			buf_puts(b, "&#x27;");
		} else {
			char e[3] = { '%', hex[c >> 4], hex[c & 15] };
			buf_put(b, e, 3);
		}
	}
}

static void cr(struct mdr *r)
{
	if (r->out.len && r->out.data[r->out.len - 1] != '\n')
		buf_putc(&r->out, '\n');
}

static void report(struct mdr *r, enum diag_level level, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void report(struct mdr *r, enum diag_level level, size_t off, const char *fmt, ...)
{
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, _(fmt), ap);
	va_end(ap);
	if (off == (size_t)-1)
		diag_add(r->d, level, r->src.path, 0, 0, NULL, 0, "%s", buf_cstr(&msg));
	else
		diag_at(r->d, level, r->src.path, r->src.file, r->src.file_len,
		        r->src.body_off + off, "%s", buf_cstr(&msg));
	if (level == DIAG_ERROR)
		r->nerrors++;
	buf_free(&msg);
}

/* ---- CJK line breaks ------------------------------------------------------ */

static int is_curly_quote(uint32_t cp)
{
	return cp == 0x2018 || cp == 0x2019 || cp == 0x201C || cp == 0x201D;
}

/* Whether a soft break between a and b is no space at all, as in Chinese. */
static int joins(uint32_t a, uint32_t b)
{
	if (utf8_is_cjk(a))
		return utf8_is_cjk(b) || is_curly_quote(b);
	return is_curly_quote(a) && utf8_is_cjk(b);
}

/* The pending soft break stays: something other than text came next. */
static void keep_pending(struct mdr *r)
{
	r->pend = 0;
}

static void resolve_pending(struct mdr *r, uint32_t next)
{
	if (!r->pend)
		return;
	r->pend = 0;
	if (joins(r->pend_cp, next)) {
		cut_bytes(&r->out, r->pend_out, 1);
		cut_bytes(&r->plain, r->pend_plain, 1);
	}
}

/* ---- summary ----------------------------------------------------------------- */

static void note_content(struct mdr *r)
{
	r->any_content = 1;
	if (r->divider)
		r->after_divider = 1;
	if (r->first_p_done)
		r->after_first_p = 1;
}

static size_t trim_end(const char *s, size_t n)
{
	while (n > 0 && IS_ASCII_SPACE(s[n - 1]))
		n--;
	return n;
}

static size_t trim_start(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && IS_ASCII_SPACE(s[i]))
		i++;
	return i;
}

/* Appends a block's text to a summary source, "\n" between blocks, up to its cap. */
static void sum_add(struct mdr *r, struct buf *b, const char *s, size_t n)
{
	size_t cap = SUMMARY_BYTES(r->sum_chars);
	size_t i = trim_start(s, n);
	n = trim_end(s, n);
	if (i >= n || b->len >= cap)
		return;
	if (b->len)
		buf_putc(b, '\n');
	size_t room = cap > b->len ? cap - b->len : 0;
	buf_put(b, s + i, utf8_floor(s + i, n - i, room));
}

/* A leaf block (paragraph, heading, cell) ends: its text joins the summary sources. */
static void leaf_done(struct mdr *r, int paragraph)
{
	if (!r->divider)
		sum_add(r, &r->sum, r->plain.data, r->plain.len);
	if (paragraph && !r->first_p_done) {
		sum_add(r, &r->first_p, r->plain.data, r->plain.len);
		r->first_p_done = 1;
	}
	buf_reset(&r->plain);
}

static int is_divider(const char *s, size_t n)
{
	n = trim_end(s, n);
	size_t i = trim_start(s, n);
	if (n - i < 7 || memcmp(s + i, "<!--", 4) != 0 || memcmp(s + n - 3, "-->", 3) != 0)
		return 0;
	i += 4;
	n -= 3;
	i += trim_start(s + i, n - i);
	n = i + trim_end(s + i, n - i);
	return n - i == 4 && (s[i] | 0x20) == 'm' && (s[i + 1] | 0x20) == 'o' &&
	       (s[i + 2] | 0x20) == 'r' && (s[i + 3] | 0x20) == 'e';
}

/* <!--more-->: what came before is the summary; inline, the open block's text so far too. */
static void divider(struct mdr *r, int in_block)
{
	if (r->divider)
		return;
	r->divider = 1;
	buf_put(&r->sum_div, r->sum.data, r->sum.len);
	if (in_block)
		sum_add(r, &r->sum_div, r->plain.data, r->plain.len);
}

static int is_sentence_end(uint32_t cp, const char *rest, size_t n)
{
	if (cp == 0x3002 || cp == 0xFF01 || cp == 0xFF1F)   /* 。！？ */
		return 1;
	if (cp != '.' && cp != '!' && cp != '?')
		return 0;
	/* "3.5" and "example.org" are no sentence ends */
	return n == 0 || IS_ASCII_SPACE(rest[0]) || rest[0] == '"' || rest[0] == ')' ||
	       (unsigned char)rest[0] >= 0x80;
}

/* Closing quotes and brackets that belong to the sentence before them. */
static int is_closer(uint32_t cp)
{
	return cp == 0x201D || cp == 0x2019 || cp == 0x300D || cp == 0x300F ||
	       cp == 0xFF09 || cp == 0x300B || cp == '"' || cp == ')';
}

/* Appends at most limit characters of s: up to the last sentence end when
 * that keeps half the limit, else limit - 1 characters and "…". Returns 1 if
 * anything was left out. */
static int cut_summary(const char *s, size_t n, size_t limit, struct buf *out)
{
	if (utf8_count(s, n) <= limit) {
		buf_put(out, s, n);
		return 0;
	}
	size_t i = 0, chars = 0, best = 0, ell = 0;
	while (i < n && chars < limit) {
		size_t k;
		uint32_t cp = utf8_decode(s + i, n - i, &k);
		i += k;
		chars++;
		if (chars == limit - 1)
			ell = i;
		if (!is_sentence_end(cp, s + i, n - i))
			continue;
		size_t j = i, c = chars;
		while (j < n && c < limit) {
			uint32_t q = utf8_decode(s + j, n - j, &k);
			if (!is_closer(q))
				break;
			j += k;
			c++;
		}
		if (c * 2 >= limit)
			best = j;
	}
	if (best) {
		buf_put(out, s, best);
	} else {
		buf_put(out, s, trim_end(s, ell));
		buf_puts(out, "\xE2\x80\xA6");   /* … */
	}
	return 1;
}

/* ---- ids and links ----------------------------------------------------------- */

static int same_id(const void *ud, size_t i, const char *id, size_t n)
{
	const struct mdr *r = ud;
	return r->idlens[i] == n && memcmp(r->ids[i], id, n) == 0;
}

/* Looked up by hash: a page of 16,000 headings, each slug checked against
 * the ids before it, took 0.9 s by a scan of them. */
static int id_taken(const struct mdr *r, const char *id, size_t n)
{
	return r->nids && binrec_index_find(&r->by_id, id, n, same_id, r) != 0;
}

/* The id's number + 1, or 0 when not taken. */
static size_t id_at(const struct mdr *r, const char *id, size_t n)
{
	return r->nids ? binrec_index_find(&r->by_id, id, n, same_id, r) : 0;
}

static void add_id(struct mdr *r, const char *id, size_t n)
{
	if (r->nids == r->capids) {
		size_t cap = r->capids, cap2 = r->capids;
		r->ids = grow(r->ids, &r->capids, r->nids, sizeof *r->ids);
		r->idlens = grow(r->idlens, &cap, r->nids, sizeof *r->idlens);
		r->idnext = grow(r->idnext, &cap2, r->nids, sizeof *r->idnext);
		binrec_index_free(&r->by_id);
		binrec_index_init(&r->by_id, r->capids);
		for (size_t i = 0; i < r->nids; i++)
			binrec_index_add(&r->by_id, r->ids[i], r->idlens[i], i);
	}
	r->idlens[r->nids] = n;
	r->idnext[r->nids] = 1;
	r->ids[r->nids] = xstrndup(id, n);
	binrec_index_add(&r->by_id, r->ids[r->nids], n, r->nids);
	r->nids++;
}

/* id="..." and name="..." in raw HTML: targets for in-page links too. */
static void scan_html_ids(struct mdr *r, const char *s, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (!IS_ASCII_SPACE(s[i - 1]))
			continue;
		size_t k;
		if (i + 3 < n && (s[i] | 0x20) == 'i' && (s[i + 1] | 0x20) == 'd' && s[i + 2] == '=')
			k = i + 3;
		else if (i + 5 < n && strncmp(s + i, "name=", 5) == 0)
			k = i + 5;
		else
			continue;
		char q = s[k];
		if (q != '"' && q != '\'')
			continue;
		size_t e = k + 1;
		while (e < n && s[e] != q)
			e++;
		if (e < n && e > k + 1 && !id_taken(r, s + k + 1, e - k - 1))
			add_id(r, s + k + 1, e - k - 1);
		i = e;
	}
}

static int has_scheme(const char *s, size_t n, size_t *len)
{
	size_t i = 0;
	if (n == 0 || !IS_ASCII_ALPHA(s[0]))
		return 0;
	while (i < n && (IS_ASCII_ALNUM(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	if (i < n && s[i] == ':') {
		*len = i;
		return 1;
	}
	return 0;
}

static int starts_ci(const char *s, size_t n, const char *prefix)
{
	size_t pn = strlen(prefix);
	if (n < pn)
		return 0;
	for (size_t i = 0; i < pn; i++)
		if (ASCII_LOWER(s[i]) != prefix[i])
			return 0;
	return 1;
}

/* Schemes that run code or read local files, as cmark's safe mode sees them;
 * browsers skip leading spaces and controls, and tabs and newlines inside. */
static int unsafe_scheme(const char *url, size_t n, struct buf *scheme)
{
	size_t i = 0;
	while (i < n && (unsigned char)url[i] <= 0x20)
		i++;
	buf_reset(scheme);
	for (; i < n && url[i] != ':'; i++) {
		if (url[i] == '\t' || url[i] == '\n' || url[i] == '\r')
			continue;
		if (!IS_ASCII_ALNUM(url[i]) && url[i] != '+' && url[i] != '-' && url[i] != '.')
			return 0;
		if (scheme->len > 16)
			return 0;
		buf_putc(scheme, (char)ASCII_LOWER(url[i]));
	}
	if (i >= n)
		return 0;
	const char *sc = buf_cstr(scheme);
	if (strcmp(sc, "javascript") == 0 || strcmp(sc, "vbscript") == 0 || strcmp(sc, "file") == 0)
		return 1;
	if (strcmp(sc, "data") != 0)
		return 0;
	i++;
	const char *rest = url + i;
	n -= i;
	return !(starts_ci(rest, n, "image/png") || starts_ci(rest, n, "image/gif") ||
	         starts_ci(rest, n, "image/jpeg") || starts_ci(rest, n, "image/webp"));
}

/* Applies the link rules: leaves the URL to write in url; returns 1 when the
 * element is to be dropped (its content stays). */
static int link_rules(struct mdr *r, const struct mdr_link *ln, int image, struct buf *url)
{
	size_t n = ln->dest_len;
	const char *dest = strip(r, &r->scratch, ln->dest, &n);
	buf_reset(url);
	buf_put(url, dest, n);
	if (r->o->plain)
		return 0;
	if (unsafe_scheme(url->data, url->len, &r->scratch)) {
		report(r, DIAG_WARNING, ln->off, "%s with a %s: URL removed",
		       image ? _("image") : _("link"), buf_cstr(&r->scratch));
		return 1;
	}
	size_t sl;
	if (url->len && url->data[0] == '#') {
		r->frags = grow(r->frags, &r->capfrags, r->nfrags, sizeof *r->frags);
		r->frags[r->nfrags].name = xstrndup(url->data + 1, url->len - 1);
		r->frags[r->nfrags++].off = ln->off;
	} else if (r->o->resolve && url->len && url->data[0] != '/' &&
	           !has_scheme(url->data, url->len, &sl)) {
		struct buf nu = BUF_INIT;
		size_t off = ln->off == (size_t)-1 ? 0 : ln->off;
		int rc = r->o->resolve(r->o->resolve_ud, url->data, url->len,
		                       r->src.body_off + off, &nu);
		if (rc == 0) {
			buf_reset(url);
			buf_put(url, nu.data, nu.len);
		} else if (rc < 0) {
			r->nerrors++;
		}
		buf_free(&nu);
	}
	return 0;
}

static int hexval(char c)
{
	if (IS_ASCII_DIGIT(c))
		return c - '0';
	c = (char)ASCII_LOWER(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* Links to "#x" need a heading (or raw HTML element) with id x on the page. */
static void check_fragments(struct mdr *r)
{
	struct buf name = BUF_INIT;
	for (size_t i = 0; i < r->nfrags; i++) {
		const char *s = r->frags[i].name;
		size_t n = strlen(s);
		buf_reset(&name);
		for (size_t k = 0; k < n; k++) {
			if (s[k] == '%' && k + 2 < n && hexval(s[k + 1]) >= 0 && hexval(s[k + 2]) >= 0) {
				buf_putc(&name, (char)(hexval(s[k + 1]) * 16 + hexval(s[k + 2])));
				k += 2;
			} else {
				buf_putc(&name, s[k]);
			}
		}
		if (name.len == 0 || strcmp(buf_cstr(&name), "top") == 0 ||
		    id_taken(r, name.data, name.len))
			continue;
		report(r, DIAG_ERROR, r->frags[i].off, "link to missing heading #%s", buf_cstr(&name));
	}
	buf_free(&name);
}

/* ---- text ------------------------------------------------------------------------ */

/* Writes text (sentinel already dropped): escaped into the output, as it is
 * into the block's plain text. */
static void emit_text(struct mdr *r, const char *s, size_t n)
{
	if (n == 0)
		return;
	size_t k;
	resolve_pending(r, utf8_decode(s, n, &k));
	put_esc(&r->out, s, n);
	buf_put(&r->plain, s, n);
	r->last_cp = utf8_decode_last(s, n, &k);
	note_content(r);
}

static void flush_inline_html(struct mdr *r)
{
	if (!r->html_inline)
		return;
	r->html_inline = 0;
	size_t n = r->html.len;
	const char *s = strip(r, &r->scratch, r->html.data, &n);
	if (r->alt) {
		/* cmark writes raw HTML in alt text as text */
		emit_text(r, s, n);
	} else if (!r->o->plain && is_divider(s, n)) {
		divider(r, 1);
	} else {
		note_content(r);
		if (r->o->unsafe_html) {
			buf_put(&r->out, s, n);
			scan_html_ids(r, s, n);
		} else {
			buf_puts(&r->out, "<!-- raw HTML omitted -->");
		}
	}
	buf_reset(&r->html);
}

static void html_block_done(struct mdr *r)
{
	size_t n = r->html.len;
	const char *s = strip(r, &r->scratch, r->html.data, &n);
	if (!r->o->plain && is_divider(s, n)) {
		divider(r, 0);
	} else {
		note_content(r);
		cr(r);
		if (r->o->unsafe_html) {
			buf_put(&r->out, s, n);
			scan_html_ids(r, s, n);
		} else {
			buf_puts(&r->out, "<!-- raw HTML omitted -->");
		}
		cr(r);
	}
	buf_reset(&r->html);
}

static struct frame *top(struct mdr *r)
{
	return r->nb ? &r->bs[r->nb - 1] : NULL;
}

void mdr_text(struct mdr *r, enum mdr_text type, const char *s, size_t n)
{
	struct frame *f = top(r);
	if (type == MDR_RAW || type == MDR_RAW_MORE) {
		if (f && f->type == MDR_HTML) {
			buf_put(&r->html, s, n);
			return;
		}
		if (type == MDR_RAW || !r->html_inline) {
			flush_inline_html(r);
			keep_pending(r);
			r->html_inline = 1;
		}
		buf_put(&r->html, s, n);
		return;
	}
	flush_inline_html(r);
	s = strip(r, &r->scratch, s, &n);
	if (f && f->type == MDR_CODE) {
		put_esc(&r->out, s, n);
		return;
	}
	switch (type) {
	case MDR_TEXT:
		emit_text(r, s, n);
		break;
	case MDR_BR:
		keep_pending(r);
		buf_puts(&r->out, r->alt ? " " : "<br />\n");
		buf_putc(&r->plain, r->alt ? ' ' : '\n');
		r->last_cp = 0;
		break;
	case MDR_SOFTBR:
		keep_pending(r);
		buf_putc(&r->out, r->alt ? ' ' : '\n');
		buf_putc(&r->plain, ' ');
		if (!r->o->plain) {
			r->pend = 1;
			r->pend_out = r->out.len - 1;
			r->pend_plain = r->plain.len - 1;
			r->pend_cp = r->last_cp;
		}
		break;
	default:
		break;
	}
}

/* ---- blocks ------------------------------------------------------------------------ */

static const char *align_attr(enum mdr_align a)
{
	switch (a) {
	case MDR_ALIGN_LEFT: return " align=\"left\"";
	case MDR_ALIGN_CENTER: return " align=\"center\"";
	case MDR_ALIGN_RIGHT: return " align=\"right\"";
	default: return "";
	}
}

void mdr_enter_block(struct mdr *r, enum mdr_block type, const struct mdr_block_info *bi)
{
	static const struct mdr_block_info none;
	if (!bi)
		bi = &none;
	flush_inline_html(r);
	keep_pending(r);
	struct frame nf = { type, 0, 0, 0 };
	struct frame *parent = top(r);
	switch (type) {
	case MDR_DOC:
		break;
	case MDR_QUOTE:
		cr(r);
		buf_puts(&r->out, "<blockquote>\n");
		break;
	case MDR_UL:
	case MDR_OL:
		nf.tight = bi->tight;
		cr(r);
		if (type == MDR_UL)
			buf_puts(&r->out, "<ul>\n");
		else if (bi->start == 1)
			buf_puts(&r->out, "<ol>\n");
		else
			buf_printf(&r->out, "<ol start=\"%u\">\n", bi->start);
		break;
	case MDR_LI:
		cr(r);
		if (bi->task) {
			buf_puts(&r->out, "<li class=\"task-list-item\"><input type=\"checkbox\" "
			         "class=\"task-list-item-checkbox\" disabled");
			buf_puts(&r->out, bi->task == 2 ? " checked />" : " />");
		} else {
			buf_puts(&r->out, "<li>");
		}
		break;
	case MDR_HR:
		note_content(r);
		cr(r);
		buf_puts(&r->out, "<hr />\n");
		break;
	case MDR_H:
		nf.level = bi->level < 1 ? 1 : bi->level > 6 ? 6 : bi->level;
		cr(r);
		nf.tag_at = r->out.len;
		buf_printf(&r->out, "<h%d>", nf.level);
		buf_reset(&r->plain);
		break;
	case MDR_CODE:
		note_content(r);
		cr(r);
		if (bi->lang_len) {
			size_t n = bi->lang_len;
			const char *lang = strip(r, &r->scratch, bi->lang, &n);
			buf_puts(&r->out, "<pre><code class=\"language-");
			put_esc(&r->out, lang, n);
			buf_puts(&r->out, "\">");
		} else {
			buf_puts(&r->out, "<pre><code>");
		}
		break;
	case MDR_HTML:
		buf_reset(&r->html);
		break;
	case MDR_P:
		if (parent && parent->type == MDR_LI && r->nb >= 2) {
			struct frame *list = &r->bs[r->nb - 2];
			nf.tight = (list->type == MDR_UL || list->type == MDR_OL) && list->tight;
		}
		if (!nf.tight) {
			cr(r);
			buf_puts(&r->out, "<p>");
		}
		buf_reset(&r->plain);
		break;
	case MDR_TABLE:
		note_content(r);
		cr(r);
		buf_puts(&r->out, "<table>\n");
		break;
	case MDR_THEAD:
		buf_puts(&r->out, "<thead>\n");
		break;
	case MDR_TBODY:
		buf_puts(&r->out, "<tbody>\n");
		break;
	case MDR_TR:
		buf_puts(&r->out, "<tr>\n");
		break;
	case MDR_TH:
	case MDR_TD:
		buf_printf(&r->out, "<%s%s>", type == MDR_TH ? "th" : "td", align_attr(bi->align));
		buf_reset(&r->plain);
		break;
	}
	r->bs = grow(r->bs, &r->capb, r->nb, sizeof *r->bs);
	r->bs[r->nb++] = nf;
}

static int id_char(char c)
{
	return (unsigned char)c >= 0x80 || IS_ASCII_ALNUM(c) || c == '-' || c == '_' ||
	       c == '.' || c == ':';
}

/* "Title {#id}": takes the explicit id off the heading's text and output. */
static int explicit_id(struct mdr *r, const struct frame *f, struct buf *id)
{
	const char *t = r->plain.data;
	size_t n = trim_end(t, r->plain.len);
	if (n < 4 || t[n - 1] != '}')
		return 0;
	size_t open = n - 1;
	while (open > 0 && t[open] != '{')
		open--;
	if (t[open] != '{' || t[open + 1] != '#' || open + 3 >= n)
		return 0;
	if (open > 0 && t[open - 1] != ' ' && t[open - 1] != '\t')
		return 0;
	for (size_t i = open + 2; i < n - 1; i++)
		if (!id_char(t[i]))
			return 0;
	size_t sl = n - open;
	size_t body = f->tag_at + 4;   /* after "<hN>" */
	size_t on = r->out.len;
	while (on > body && IS_ASCII_SPACE(r->out.data[on - 1]))
		on--;
	if (on < body + sl || memcmp(r->out.data + on - sl, t + open, sl) != 0)
		return 0;
	buf_put(id, t + open + 2, sl - 3);
	on -= sl;
	while (on > body && IS_ASCII_SPACE(r->out.data[on - 1]))
		on--;
	buf_truncate(&r->out, on);
	buf_truncate(&r->plain, trim_end(t, open));
	return 1;
}

static void heading_done(struct mdr *r, const struct frame *f)
{
	struct buf id = BUF_INIT;
	buf_truncate(&r->plain, trim_end(r->plain.data, r->plain.len));
	if (!r->o->plain) {
		if (explicit_id(r, f, &id)) {
			/* explicit ids come in source order: find this one after the last */
			struct buf pat = BUF_INIT;
			buf_printf(&pat, "{#%s}", buf_cstr(&id));
			const char *body = r->src.file + r->src.body_off;
			size_t off = buf_find(body, r->src.file_len - r->src.body_off,
			                        pat.data, pat.len, r->xid_from);
			if (off != (size_t)-1)
				r->xid_from = off + pat.len;
			if (id_taken(r, id.data, id.len))
				report(r, DIAG_WARNING, off, "duplicate heading id #%s", buf_cstr(&id));
			buf_free(&pat);
		} else {
			slug_make(r->plain.data ? r->plain.data : "", r->plain.len, &id);
			size_t at = id_at(r, id.data, id.len);
			if (at) {
				/* The first free of slug-1, slug-2, ...: from where the
				 * last heading of this slug stopped, so that a page of n
				 * headings alike costs n tries, not n^2 / 2. */
				size_t base = id.len;
				unsigned k = r->idnext[at - 1];
				for (;; k++) {
					buf_truncate(&id, base);
					buf_printf(&id, "-%u", k);
					if (!id_taken(r, id.data, id.len))
						break;
				}
				r->idnext[at - 1] = k + 1;
			}
		}
		add_id(r, id.data, id.len);
		struct buf attr = BUF_INIT;
		buf_puts(&attr, " id=\"");
		put_esc(&attr, id.data, id.len);
		buf_putc(&attr, '"');
		insert_bytes(&r->out, f->tag_at + 3, attr.data, attr.len);
		buf_free(&attr);
	}
	buf_printf(&r->out, "</h%d>\n", f->level);
	r->toc = grow(r->toc, &r->captoc, r->ntoc, sizeof *r->toc);
	struct heading *h = &r->toc[r->ntoc++];
	h->level = f->level;
	h->id = xstrndup(id.data ? id.data : "", id.len);
	h->text = xstrndup(r->plain.data ? r->plain.data : "", r->plain.len);
	buf_free(&id);
	leaf_done(r, 0);
}

void mdr_leave_block(struct mdr *r, enum mdr_block type)
{
	flush_inline_html(r);
	keep_pending(r);
	if (!r->nb)
		return;
	struct frame f = r->bs[r->nb - 1];
	switch (f.type) {
	case MDR_DOC:
	case MDR_HR:
		break;
	case MDR_QUOTE:
		cr(r);
		buf_puts(&r->out, "</blockquote>\n");
		break;
	case MDR_UL:
		buf_puts(&r->out, "</ul>\n");
		break;
	case MDR_OL:
		buf_puts(&r->out, "</ol>\n");
		break;
	case MDR_LI:
		buf_puts(&r->out, "</li>\n");
		break;
	case MDR_H:
		heading_done(r, &f);
		break;
	case MDR_CODE:
		buf_puts(&r->out, "</code></pre>\n");
		break;
	case MDR_HTML:
		html_block_done(r);
		break;
	case MDR_P:
		if (!f.tight)
			buf_puts(&r->out, "</p>\n");
		leaf_done(r, 1);
		break;
	case MDR_TABLE:
		buf_puts(&r->out, "</table>\n");
		break;
	case MDR_THEAD:
		buf_puts(&r->out, "</thead>\n");
		break;
	case MDR_TBODY:
		buf_puts(&r->out, "</tbody>\n");
		break;
	case MDR_TR:
		buf_puts(&r->out, "</tr>\n");
		break;
	case MDR_TH:
	case MDR_TD:
		buf_puts(&r->out, f.type == MDR_TH ? "</th>\n" : "</td>\n");
		leaf_done(r, 0);
		break;
	}
	r->nb--;
}

/* ---- spans ------------------------------------------------------------------------- */

void mdr_enter_span(struct mdr *r, enum mdr_span type, const struct mdr_link *link)
{
	static const struct mdr_link nolink;
	if (!link)
		link = &nolink;
	flush_inline_html(r);
	r->ss = grow(r->ss, &r->caps, r->ns, sizeof *r->ss);
	struct span *sp = &r->ss[r->ns++];
	memset(sp, 0, sizeof *sp);
	sp->type = type;
	if (r->alt) {
		/* alt text is plain text: nested elements write nothing */
		sp->in_alt = 1;
		if (type == MDR_IMG)
			r->alt++;
		return;
	}
	switch (type) {
	case MDR_EM:
		buf_puts(&r->out, "<em>");
		break;
	case MDR_STRONG:
		buf_puts(&r->out, "<strong>");
		break;
	case MDR_DEL:
		buf_puts(&r->out, "<del>");
		break;
	case MDR_CODESPAN:
		buf_puts(&r->out, "<code>");
		break;
	case MDR_A:
		sp->dropped = link_rules(r, link, 0, &r->dest);
		if (sp->dropped)
			break;
		buf_puts(&r->out, "<a href=\"");
		put_href(&r->out, r->dest.data, r->dest.len);
		if (link->title_len) {
			size_t n = link->title_len;
			const char *t = strip(r, &r->scratch, link->title, &n);
			buf_puts(&r->out, "\" title=\"");
			put_esc(&r->out, t, n);
		}
		buf_puts(&r->out, "\">");
		break;
	case MDR_IMG:
		note_content(r);
		r->alt++;
		sp->dropped = link_rules(r, link, 1, &r->dest);
		if (sp->dropped)
			break;
		buf_puts(&r->out, "<img src=\"");
		put_href(&r->out, r->dest.data, r->dest.len);
		buf_puts(&r->out, "\" alt=\"");
		if (link->title_len) {
			size_t n = link->title_len;
			const char *t = strip(r, &r->scratch, link->title, &n);
			sp->title = xstrndup(t, n);
			sp->title_len = n;
		}
		break;
	}
}

void mdr_leave_span(struct mdr *r, enum mdr_span type)
{
	flush_inline_html(r);
	if (!r->ns)
		return;
	struct span sp = r->ss[--r->ns];
	if (sp.type == MDR_IMG)
		r->alt--;
	if (sp.in_alt)
		return;
	switch (sp.type) {
	case MDR_EM:
		buf_puts(&r->out, "</em>");
		break;
	case MDR_STRONG:
		buf_puts(&r->out, "</strong>");
		break;
	case MDR_DEL:
		buf_puts(&r->out, "</del>");
		break;
	case MDR_CODESPAN:
		buf_puts(&r->out, "</code>");
		break;
	case MDR_A:
		if (!sp.dropped)
			buf_puts(&r->out, "</a>");
		break;
	case MDR_IMG:
		if (sp.dropped)
			break;
		keep_pending(r);
		if (sp.title_len) {
			buf_puts(&r->out, "\" title=\"");
			put_esc(&r->out, sp.title, sp.title_len);
		}
		buf_puts(&r->out, "\" />");
		break;
	}
	free(sp.title);
}

/* ---- life cycle ---------------------------------------------------------------------- */

struct mdr *mdr_new(const struct markdown_opts *o, const struct mdr_source *src, struct diags *d)
{
	struct mdr *r = xcalloc(1, sizeof *r);
	r->o = o;
	r->src = *src;
	r->d = d;
	r->sum_chars = o->summary_chars ? o->summary_chars : SUMMARY_CHARS_DEFAULT;
	if (r->sum_chars > SUMMARY_CHARS_MAX)
		r->sum_chars = SUMMARY_CHARS_MAX;
	return r;
}

static char *arena_buf(struct arena *a, struct buf *b)
{
	return arena_strndup(a, b->data ? b->data : "", b->len);
}

size_t mdr_finish(struct mdr *r, struct arena *a, struct markdown_result *res)
{
	flush_inline_html(r);
	keep_pending(r);
	if (!r->o->plain)
		check_fragments(r);

	struct buf sum = BUF_INIT;
	const struct buf *from;
	int more;
	if (r->divider) {
		from = &r->sum_div;
		more = r->after_divider;
	} else if (r->first_p_done) {
		from = &r->first_p;
		more = r->after_first_p;
	} else {
		from = &r->first_p;   /* empty */
		more = r->any_content;
	}
	const char *s = from->data ? from->data : "";
	size_t i = trim_start(s, from->len);
	size_t n = trim_end(s, from->len);
	if (i < n && cut_summary(s + i, n - i, r->sum_chars, &sum))
		more = 1;

	memset(res, 0, sizeof *res);
	res->html = arena_buf(a, &r->out);
	res->html_len = r->out.len;
	res->summary = arena_buf(a, &sum);
	res->summary_len = sum.len;
	res->summary_cut = more;
	res->ntoc = r->ntoc;
	res->toc = arena_alloc(a, (r->ntoc ? r->ntoc : 1) * sizeof *res->toc);
	for (size_t k = 0; k < r->ntoc; k++) {
		res->toc[k].level = r->toc[k].level;
		res->toc[k].id = arena_strdup(a, r->toc[k].id);
		res->toc[k].text = arena_strdup(a, r->toc[k].text);
	}
	buf_free(&sum);
	return r->nerrors;
}

void mdr_free(struct mdr *r)
{
	if (!r)
		return;
	buf_free(&r->out);
	buf_free(&r->plain);
	buf_free(&r->html);
	buf_free(&r->scratch);
	buf_free(&r->dest);
	buf_free(&r->sum);
	buf_free(&r->sum_div);
	buf_free(&r->first_p);
	for (size_t i = 0; i < r->ns; i++)
		free(r->ss[i].title);
	free(r->ss);
	free(r->bs);
	for (size_t i = 0; i < r->ntoc; i++) {
		free(r->toc[i].id);
		free(r->toc[i].text);
	}
	free(r->toc);
	for (size_t i = 0; i < r->nids; i++)
		free(r->ids[i]);
	free(r->ids);
	free(r->idlens);
	free(r->idnext);
	binrec_index_free(&r->by_id);
	for (size_t i = 0; i < r->nfrags; i++)
		free(r->frags[i].name);
	free(r->frags);
	free(r);
}
