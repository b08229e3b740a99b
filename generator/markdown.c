/* markdown.c: Markdown through md4c or cmark: the input fix for emphasis next
 * to full-width punctuation, and each engine's output turned into mdrender's
 * events, so that both render the same. */
#include "markdown.h"

#include <assert.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <cmark.h>
#include <md4c-html.h>
#include <md4c.h>

#include "mdrender.h"
#include "slug.h"
#include "spool.h"
#include "utf8.h"
#include "xalloc.h"

/* md4c extensions outside plain mode: GFM tables, ~~strike~~ and [x] tasks. */
#define MD4C_FLAGS (MD_FLAG_TABLES | MD_FLAG_STRIKETHROUGH | MD_FLAG_TASKLISTS)

/* The longest entity worth decoding while matching raw text: md4c takes
 * names of up to 48 characters, plus '&' and ';'. */
#define ENTITY_MAX 50

/* MD4C_NUL: every buffer handed to md4c (md_parse, md_html) is followed by a
 * NUL byte, text[len] == '\0'. md4c 0.4.8 reads one byte past the end of its
 * input for a link left open at the end ("[a](/u" as the last bytes): with
 * the NUL that read stays inside the buffer and sees a byte that ends the
 * link. The parser input is either the file as content_read_text read it
 * (NUL-terminated at file_len, as markdown_render's callers guarantee) or
 * fix_emphasis's copy in a struct buf (always NUL-terminated). Asserted
 * where md_parse is called; tests/unit/check_mdnul.c renders such inputs from
 * buffers of exactly len + 1 bytes under AddressSanitizer. */

/* md4c takes an unsigned size: larger bodies go to cmark's size_t. */
#define MD4C_MAX_INPUT ((size_t)0xFFFFFFFFu)

/* What an engine parses, and the way back to body offsets. */
struct input {
	const char *body;       /* the body as written */
	size_t body_len;
	const char *text;       /* what the engine parses: body, or fixed */
	size_t len;
	struct buf fixed;       /* body with sentinels inserted, when any */
	size_t *ins;            /* body offsets where a sentinel went in, ascending */
	size_t nins, capins;
	char sentinel[4];
	size_t slen;            /* 0: no sentinel */
	size_t *lines;          /* cmark: text offsets where lines start */
	size_t nlines;
};

/* The body offset of text offset t (a sentinel maps to where it went in). */
static size_t body_off(const struct input *in, size_t t)
{
	/* sentinel j sits in text at ins[j] + j * slen: find the last at or before t */
	size_t lo = 0, hi = in->nins;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		if (in->ins[mid] + mid * in->slen <= t)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return t;
	size_t j = lo - 1, at = in->ins[j] + j * in->slen;
	return t < at + in->slen ? in->ins[j] : t - lo * in->slen;
}

/* ---- emphasis next to full-width punctuation ------------------------------- */

/* CommonMark's flanking rules were made for spaced languages: in
 * **“不忘初心”**主题 the closing ** follows punctuation and precedes a letter,
 * so it cannot close. A private-use character (neither space nor
 * punctuation) slipped in between the punctuation and the run makes it
 * flanking without touching the parsers; the renderer drops it again. */

static int is_uspace(uint32_t cp)
{
	return cp < 0x80 ? IS_ASCII_SPACE(cp) :
	       cp == 0xA0 || cp == 0x1680 || (cp >= 0x2000 && cp <= 0x200A) ||
	       cp == 0x202F || cp == 0x205F || cp == 0x3000;
}

/* Neither space nor punctuation: a letter, digit, ideograph or symbol. */
static int is_wordish(uint32_t cp)
{
	return !is_uspace(cp) && !utf8_is_punct(cp);
}

static void add_fix(struct input *in, size_t off)
{
	if (in->nins == in->capins) {
		in->capins = in->capins ? in->capins * 2 : 16;
		in->ins = xrealloc(in->ins, in->capins * sizeof *in->ins);
	}
	in->ins[in->nins++] = off;
}

/* The '*' runs of one line (outside code spans) that need a sentinel. */
static void scan_line(struct input *in, size_t start, size_t end)
{
	const char *s = in->body;
	size_t i = start;
	while (i < end) {
		char c = s[i];
		if (c == '\\') {
			i += 2;
		} else if (c == '`') {
			size_t a = i;
			while (i < end && s[i] == '`')
				i++;
			size_t run = i - a;
			/* skip to the closing run of the same length, if the line has one */
			for (size_t j = i; j < end; j++) {
				if (s[j] != '`')
					continue;
				size_t b = j;
				while (j < end && s[j] == '`')
					j++;
				if (j - b == run) {
					i = j;
					break;
				}
			}
		} else if (c == '*') {
			size_t a = i;
			while (i < end && s[i] == '*')
				i++;
			size_t k;
			uint32_t before = a > start ? utf8_decode_last(s, a, &k) : 0;
			uint32_t after = i < end ? utf8_decode(s + i, end - i, &k) : 0;
			if (before >= 0x80 && utf8_is_punct(before) && after && is_wordish(after))
				add_fix(in, a);   /* ”**主: let the run close */
			else if (after >= 0x80 && utf8_is_punct(after) && before && is_wordish(before))
				add_fix(in, i);   /* 文**“: let the run open */
		} else {
			i++;
		}
	}
}

/* Finds the runs to fix, outside fenced code, line by line. */
static void find_fixes(struct input *in)
{
	const char *s = in->body;
	size_t n = in->body_len, i = 0;
	char fence = 0;
	size_t fence_len = 0;
	while (i < n) {
		size_t eol = i;
		while (eol < n && s[eol] != '\n')
			eol++;
		size_t p = i;
		while (p < eol && (s[p] == ' ' || s[p] == '\t' || s[p] == '>'))
			p++;
		size_t q = p;
		while (q < eol && (s[q] == '`' || s[q] == '~') && s[q] == s[p])
			q++;
		int is_fence = q - p >= 3;
		if (is_fence && !fence && (s[p] == '~' || !memchr(s + q, '`', eol - q))) {
			fence = s[p];
			fence_len = q - p;
		} else if (is_fence && fence == s[p] && q - p >= fence_len) {
			size_t r = q;
			while (r < eol && IS_ASCII_SPACE(s[r]))
				r++;
			if (r == eol)
				fence = 0;
		} else if (!fence) {
			scan_line(in, i, eol);
		}
		i = eol + 1;
	}
}

/* Inserts a sentinel the body does not hold where find_fixes said. */
static void fix_emphasis(struct input *in)
{
	in->text = in->body;
	in->len = in->body_len;
	find_fixes(in);
	if (!in->nins)
		return;
	for (uint32_t cp = 0xE000; cp <= 0xF8FF; cp++) {
		in->slen = utf8_encode(cp, in->sentinel);
		if (buf_find(in->body, in->body_len, in->sentinel, in->slen, 0) == (size_t)-1)
			break;
	}
	size_t from = 0;
	for (size_t j = 0; j < in->nins; j++) {
		buf_put(&in->fixed, in->body + from, in->ins[j] - from);
		buf_put(&in->fixed, in->sentinel, in->slen);
		from = in->ins[j];
	}
	buf_put(&in->fixed, in->body + from, in->body_len - from);
	in->text = in->fixed.data;
	in->len = in->fixed.len;
}

/* ---- md4c ------------------------------------------------------------------------ */

struct m4_block {
	MD_BLOCKTYPE type;
	int tight;
};

struct m4 {
	struct mdr *r;
	const struct input *in;
	struct m4_block *stk;
	size_t n, cap;
	int implicit_p;     /* a <p> we opened: md4c reports none in tight items, cmark does */
	size_t last_pos;    /* text offset of the last text seen: where a link search starts */
	int html_prev;      /* the last event was a piece of inline raw HTML */
	int html_prev_ws;   /* ... a line end inside one element */
	/* md4c 0.4.8 leaves tabs at the start of a heading and at the end of a
	 * line, which CommonMark (and cmark) strip: leading blanks of a heading
	 * are skipped, trailing blanks of text held back until something other
	 * than a line end or the end of the block follows. */
	int in_h, h_started;
	struct buf ws;
	struct buf a1, a2, ent;
};

static void put_cp(struct buf *b, uint32_t cp)
{
	char t[4];
	if (cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		cp = 0xFFFD;
	buf_put(b, t, utf8_encode(cp, t));
}

static void collect(const MD_CHAR *s, MD_SIZE n, void *ud)
{
	buf_put(ud, s, n);
}

/* Appends the character(s) of an entity as md4c reports it ("&amp;", "&#123;"). */
static void decode_entity(const char *s, size_t n, struct buf *out)
{
	if (n >= 4 && s[1] == '#') {
		int hex = (s[2] | 0x20) == 'x';
		uint32_t cp = 0;
		for (size_t i = hex ? 3 : 2; i + 1 < n; i++) {
			int v = IS_ASCII_DIGIT(s[i]) ? s[i] - '0' :
			        hex && (s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'f' ? (s[i] | 0x20) - 'a' + 10 : -1;
			if (v < 0 || cp > 0x10FFFF) {
				cp = 0x110000;   /* invalid: U+FFFD, and no overflow */
				break;
			}
			cp = cp * (hex ? 16 : 10) + (uint32_t)v;
		}
		put_cp(out, cp);
		return;
	}
	/* A named one: md4c-html holds the HTML5 entity table, so let it render
	 * the entity alone ("<p>©</p>\n") and take the text back. s points into
	 * md4c's input or into an attribute md4c built, where s[n] may be past
	 * the end of a block: md4c is handed a NUL-terminated copy (see MD4C_NUL). */
	char ent[ENTITY_MAX + 1];
	if (n > ENTITY_MAX) {
		buf_put(out, s, n);
		return;
	}
	memcpy(ent, s, n);
	ent[n] = '\0';
	struct buf h = BUF_INIT;
	md_html(ent, (MD_SIZE)n, collect, &h, 0, 0);
	if (h.len >= 8 && memcmp(h.data, "<p>", 3) == 0 && memcmp(h.data + h.len - 5, "</p>\n", 5) == 0) {
		static const struct { const char *e; char c; } esc[] = {
			{ "&amp;", '&' }, { "&lt;", '<' }, { "&gt;", '>' }, { "&quot;", '"' },
		};
		for (size_t i = 3; i < h.len - 5; i++) {
			size_t k;
			for (k = 0; k < sizeof esc / sizeof esc[0]; k++) {
				size_t el = strlen(esc[k].e);
				if (i + el <= h.len - 5 && memcmp(h.data + i, esc[k].e, el) == 0) {
					buf_putc(out, esc[k].c);
					i += el - 1;
					break;
				}
			}
			if (k == sizeof esc / sizeof esc[0])
				buf_putc(out, h.data[i]);
		}
	} else {
		buf_put(out, s, n);
	}
	buf_free(&h);
}

static void decode_attr(const MD_ATTRIBUTE *a, struct buf *out)
{
	buf_reset(out);
	if (!a->size)
		return;
	for (size_t i = 0; a->substr_offsets[i] < a->size; i++) {
		const char *s = a->text + a->substr_offsets[i];
		size_t n = a->substr_offsets[i + 1] - a->substr_offsets[i];
		if (a->substr_types[i] == MD_TEXT_ENTITY)
			decode_entity(s, n, out);
		else if (a->substr_types[i] == MD_TEXT_NULLCHAR)
			put_cp(out, 0xFFFD);
		else
			buf_put(out, s, n);
	}
}

/* Length of the raw text at s that reads as dest[0..dn) once backslash
 * escapes and entities are decoded, or 0 if it does not. */
static size_t match_raw(const char *s, size_t n, const char *dest, size_t dn, struct buf *tmp)
{
	size_t i = 0, j = 0;
	while (j < dn) {
		if (i >= n)
			return 0;
		if (s[i] == '\\' && i + 1 < n && IS_ASCII_PUNCT(s[i + 1]) && s[i + 1] == dest[j]) {
			i += 2;
			j++;
			continue;
		}
		if (s[i] == '&') {
			size_t e = i + 1;
			while (e < n && e < i + ENTITY_MAX && (IS_ASCII_ALNUM(s[e]) || s[e] == '#'))
				e++;
			if (e < n && s[e] == ';') {
				buf_reset(tmp);
				decode_entity(s + i, e + 1 - i, tmp);
				if (tmp->len && tmp->len <= dn - j && memcmp(tmp->data, dest + j, tmp->len) == 0) {
					i = e + 1;
					j += tmp->len;
					continue;
				}
			}
		}
		if (s[i] != dest[j])
			return 0;
		i++;
		j++;
	}
	return i;
}

/* The first text offset in [from, to) where dest is written, escaped or not. */
static size_t find_dest(const struct input *in, const char *dest, size_t dn, size_t from, size_t to)
{
	if (dn == 0)
		return (size_t)-1;
	size_t pos = buf_find(in->text, to, dest, dn, from);
	if (pos != (size_t)-1 || (!memchr(in->text + from, '\\', to - from) && !memchr(in->text + from, '&', to - from)))
		return pos;
	struct buf tmp = BUF_INIT;
	for (size_t p = from; p < to; p++) {
		char c = in->text[p];
		if ((c == dest[0] || c == '\\' || c == '&') && match_raw(in->text + p, to - p, dest, dn, &tmp)) {
			pos = p;
			break;
		}
	}
	buf_free(&tmp);
	return pos;
}

/* Where a destination is written: md4c points into the input when it had
 * nothing to decode; else search on from the last text seen. */
static size_t m4_link_off(struct m4 *m, const MD_ATTRIBUTE *a, const struct buf *dest)
{
	const char *t = m->in->text;
	size_t pos;
	if (a->text && a->text >= t && a->text < t + m->in->len) {
		pos = (size_t)(a->text - t);
	} else {
		pos = find_dest(m->in, dest->data, dest->len, m->last_pos, m->in->len);
		if (pos == (size_t)-1)
			pos = m->last_pos;
	}
	return body_off(m->in, pos);
}

/* Something follows held-back blanks: they were no trailing ones. */
static void m4_flush_ws(struct m4 *m)
{
	if (m->in_h)
		m->h_started = 1;
	if (m->ws.len)
		mdr_text(m->r, MDR_TEXT, m->ws.data, m->ws.len);
	buf_reset(&m->ws);
}

static void m4_close_p(struct m4 *m)
{
	if (m->implicit_p) {
		mdr_leave_block(m->r, MDR_P);
		m->implicit_p = 0;
	}
}

/* Inline content directly in an item of a tight list opens an implicit paragraph. */
static void m4_inline(struct m4 *m)
{
	if (m->implicit_p || m->n < 2 || m->stk[m->n - 1].type != MD_BLOCK_LI || !m->stk[m->n - 2].tight)
		return;
	mdr_enter_block(m->r, MDR_P, NULL);
	m->implicit_p = 1;
}

static enum mdr_block m4_block_type(MD_BLOCKTYPE t)
{
	switch (t) {
	case MD_BLOCK_QUOTE: return MDR_QUOTE;
	case MD_BLOCK_UL: return MDR_UL;
	case MD_BLOCK_OL: return MDR_OL;
	case MD_BLOCK_LI: return MDR_LI;
	case MD_BLOCK_HR: return MDR_HR;
	case MD_BLOCK_H: return MDR_H;
	case MD_BLOCK_CODE: return MDR_CODE;
	case MD_BLOCK_HTML: return MDR_HTML;
	case MD_BLOCK_P: return MDR_P;
	case MD_BLOCK_TABLE: return MDR_TABLE;
	case MD_BLOCK_THEAD: return MDR_THEAD;
	case MD_BLOCK_TBODY: return MDR_TBODY;
	case MD_BLOCK_TR: return MDR_TR;
	case MD_BLOCK_TH: return MDR_TH;
	case MD_BLOCK_TD: return MDR_TD;
	default: return MDR_DOC;
	}
}

static int m4_enter_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct m4 *m = ud;
	struct mdr_block_info bi = { 0 };
	buf_reset(&m->ws);
	m4_close_p(m);
	m->html_prev = 0;
	switch (type) {
	case MD_BLOCK_UL:
		bi.tight = ((MD_BLOCK_UL_DETAIL *)detail)->is_tight;
		break;
	case MD_BLOCK_OL:
		bi.tight = ((MD_BLOCK_OL_DETAIL *)detail)->is_tight;
		bi.start = ((MD_BLOCK_OL_DETAIL *)detail)->start;
		break;
	case MD_BLOCK_LI: {
		MD_BLOCK_LI_DETAIL *li = detail;
		bi.task = !li->is_task ? 0 : li->task_mark == ' ' ? 1 : 2;
		break;
	}
	case MD_BLOCK_H:
		bi.level = (int)((MD_BLOCK_H_DETAIL *)detail)->level;
		m->in_h = 1;
		m->h_started = 0;
		break;
	case MD_BLOCK_CODE:
		decode_attr(&((MD_BLOCK_CODE_DETAIL *)detail)->lang, &m->a1);
		bi.lang = m->a1.data;
		bi.lang_len = m->a1.len;
		break;
	case MD_BLOCK_TH:
	case MD_BLOCK_TD:
		switch (((MD_BLOCK_TD_DETAIL *)detail)->align) {
		case MD_ALIGN_LEFT: bi.align = MDR_ALIGN_LEFT; break;
		case MD_ALIGN_CENTER: bi.align = MDR_ALIGN_CENTER; break;
		case MD_ALIGN_RIGHT: bi.align = MDR_ALIGN_RIGHT; break;
		default: break;
		}
		break;
	default:
		break;
	}
	if (m->n == m->cap) {
		m->cap = m->cap ? m->cap * 2 : 16;
		m->stk = xrealloc(m->stk, m->cap * sizeof *m->stk);
	}
	m->stk[m->n].type = type;
	m->stk[m->n++].tight = bi.tight;
	mdr_enter_block(m->r, m4_block_type(type), &bi);
	return 0;
}

static int m4_leave_block(MD_BLOCKTYPE type, void *detail, void *ud)
{
	struct m4 *m = ud;
	buf_reset(&m->ws);
	m4_close_p(m);
	m->html_prev = 0;
	if (type == MD_BLOCK_H)
		m->in_h = 0;
	if (m->n)
		m->n--;
	mdr_leave_block(m->r, m4_block_type(type));
	return 0;
}

static int m4_enter_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct m4 *m = ud;
	struct mdr_link ln = { 0 };
	m4_inline(m);
	m4_flush_ws(m);
	m->html_prev = 0;
	switch (type) {
	case MD_SPAN_EM:
		mdr_enter_span(m->r, MDR_EM, NULL);
		break;
	case MD_SPAN_STRONG:
		mdr_enter_span(m->r, MDR_STRONG, NULL);
		break;
	case MD_SPAN_CODE:
		mdr_enter_span(m->r, MDR_CODESPAN, NULL);
		break;
	case MD_SPAN_DEL:
		mdr_enter_span(m->r, MDR_DEL, NULL);
		break;
	case MD_SPAN_A:
	case MD_SPAN_IMG: {
		const MD_ATTRIBUTE *dest, *title;
		if (type == MD_SPAN_A) {
			dest = &((MD_SPAN_A_DETAIL *)detail)->href;
			title = &((MD_SPAN_A_DETAIL *)detail)->title;
		} else {
			dest = &((MD_SPAN_IMG_DETAIL *)detail)->src;
			title = &((MD_SPAN_IMG_DETAIL *)detail)->title;
		}
		decode_attr(dest, &m->a1);
		decode_attr(title, &m->a2);
		ln.dest = m->a1.data;
		ln.dest_len = m->a1.len;
		ln.title = m->a2.data;
		ln.title_len = m->a2.len;
		ln.off = m4_link_off(m, dest, &m->a1);
		mdr_enter_span(m->r, type == MD_SPAN_A ? MDR_A : MDR_IMG, &ln);
		break;
	}
	default:
		break;
	}
	return 0;
}

static int m4_leave_span(MD_SPANTYPE type, void *detail, void *ud)
{
	struct m4 *m = ud;
	m->html_prev = 0;
	m4_flush_ws(m);
	switch (type) {
	case MD_SPAN_EM: mdr_leave_span(m->r, MDR_EM); break;
	case MD_SPAN_STRONG: mdr_leave_span(m->r, MDR_STRONG); break;
	case MD_SPAN_CODE: mdr_leave_span(m->r, MDR_CODESPAN); break;
	case MD_SPAN_DEL: mdr_leave_span(m->r, MDR_DEL); break;
	case MD_SPAN_A: mdr_leave_span(m->r, MDR_A); break;
	case MD_SPAN_IMG: mdr_leave_span(m->r, MDR_IMG); break;
	default: break;
	}
	return 0;
}

static int all_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!IS_ASCII_SPACE(s[i]))
			return 0;
	return 1;
}

static int m4_text(MD_TEXTTYPE type, const MD_CHAR *s, MD_SIZE n, void *ud)
{
	struct m4 *m = ud;
	const char *t = m->in->text;
	if (s >= t && s < t + m->in->len)
		m->last_pos = (size_t)(s - t);
	m4_inline(m);
	if (type == MD_TEXT_SOFTBR) {
		buf_reset(&m->ws);
	} else if (type == MD_TEXT_NORMAL) {
		if (m->in_h && !m->h_started) {
			while (n && (*s == ' ' || *s == '\t')) {
				s++;
				n--;
			}
			if (!n)
				return 0;
		}
		size_t k = n;
		while (k && (s[k - 1] == ' ' || s[k - 1] == '\t'))
			k--;
		if (k == 0) {
			buf_put(&m->ws, s, n);   /* all blank: held back as a whole */
			return 0;
		}
		m4_flush_ws(m);
		buf_put(&m->ws, s + k, n - k);
		n = (MD_SIZE)k;
	} else {
		m4_flush_ws(m);
	}
	if (type == MD_TEXT_HTML) {
		/* md4c splits an element at its line ends: "\n" pieces join it */
		int ws = all_space(s, n);
		int more = m->html_prev && (m->html_prev_ws || ws);
		mdr_text(m->r, more ? MDR_RAW_MORE : MDR_RAW, s, n);
		m->html_prev = 1;
		m->html_prev_ws = ws;
		return 0;
	}
	m->html_prev = 0;
	switch (type) {
	case MD_TEXT_NULLCHAR:
		mdr_text(m->r, MDR_TEXT, "\xEF\xBF\xBD", 3);
		break;
	case MD_TEXT_BR:
		mdr_text(m->r, MDR_BR, NULL, 0);
		break;
	case MD_TEXT_SOFTBR:
		mdr_text(m->r, MDR_SOFTBR, NULL, 0);
		break;
	case MD_TEXT_ENTITY:
		buf_reset(&m->ent);
		decode_entity(s, n, &m->ent);
		mdr_text(m->r, MDR_TEXT, m->ent.data, m->ent.len);
		break;
	default:
		mdr_text(m->r, MDR_TEXT, s, n);
		break;
	}
	return 0;
}

static int m4_render(struct mdr *r, const struct input *in, unsigned flags)
{
	struct m4 m = { 0 };
	m.r = r;
	m.in = in;
	MD_PARSER p = { 0, flags, m4_enter_block, m4_leave_block, m4_enter_span,
	                m4_leave_span, m4_text, NULL, NULL };
	assert(in->text[in->len] == '\0');   /* MD4C_NUL */
	int rc = md_parse(in->text, (MD_SIZE)in->len, &p, &m);
	free(m.stk);
	buf_free(&m.a1);
	buf_free(&m.a2);
	buf_free(&m.ent);
	buf_free(&m.ws);
	return rc == 0 ? 0 : -1;
}

/* ---- cmark ------------------------------------------------------------------------ */

static void cm_lines(struct input *in)
{
	size_t cap = 64;
	in->lines = xmalloc(cap * sizeof *in->lines);
	in->lines[in->nlines++] = 0;
	for (size_t i = 0; i < in->len; i++) {
		char c = in->text[i];
		if (c != '\n' && c != '\r')
			continue;
		if (c == '\r' && i + 1 < in->len && in->text[i + 1] == '\n')
			i++;
		if (in->nlines == cap) {
			cap *= 2;
			in->lines = xrealloc(in->lines, cap * sizeof *in->lines);
		}
		in->lines[in->nlines++] = i + 1;
	}
}

/* Text offset of a cmark source position (1-based line, byte column). */
static size_t cm_pos(struct input *in, int line, int col)
{
	if (!in->lines)
		cm_lines(in);
	if (line < 1)
		return 0;
	if ((size_t)line > in->nlines)
		return in->len;
	size_t off = in->lines[line - 1] + (col > 1 ? (size_t)col - 1 : 0);
	return off < in->len ? off : in->len;
}

/* Where a link's destination is written: inside the link's own span, else
 * (a reference link) after the "]:" of its definition, else the next place
 * it is written, else at the link. */
static size_t cm_link_off(struct input *in, cmark_node *node, const char *url)
{
	size_t start = cm_pos(in, cmark_node_get_start_line(node), cmark_node_get_start_column(node));
	size_t end = cm_pos(in, cmark_node_get_end_line(node), cmark_node_get_end_column(node)) + 1;
	size_t ul = strlen(url);
	if (end > in->len || end <= start)
		end = in->len;
	size_t pos = find_dest(in, url, ul, start, end);
	if (pos != (size_t)-1)
		return body_off(in, pos);
	for (pos = find_dest(in, url, ul, 0, in->len); pos != (size_t)-1;
	     pos = find_dest(in, url, ul, pos + 1, in->len)) {
		size_t b = pos;
		while (b > 0 && (IS_ASCII_SPACE(in->text[b - 1]) || in->text[b - 1] == '<'))
			b--;
		if (b >= 2 && in->text[b - 1] == ':' && in->text[b - 2] == ']')
			return body_off(in, pos);
	}
	/* cmark's inline positions go astray after a paragraph's reference
	 * definitions: take the next occurrence */
	pos = find_dest(in, url, ul, start, in->len);
	if (pos != (size_t)-1)
		return body_off(in, pos);
	return body_off(in, start);
}

static void cm_block(struct mdr *r, int enter, enum mdr_block type, const struct mdr_block_info *bi)
{
	if (enter)
		mdr_enter_block(r, type, bi);
	else
		mdr_leave_block(r, type);
}

static void cm_span(struct mdr *r, int enter, enum mdr_span type, const struct mdr_link *ln)
{
	if (enter)
		mdr_enter_span(r, type, ln);
	else
		mdr_leave_span(r, type);
}

static void cm_literal(struct mdr *r, enum mdr_text type, cmark_node *node)
{
	const char *s = cmark_node_get_literal(node);
	if (s)
		mdr_text(r, type, s, strlen(s));
}

static void cm_node(struct mdr *r, struct input *in, cmark_node *node, int enter)
{
	struct mdr_block_info bi = { 0 };
	struct mdr_link ln = { 0 };
	switch (cmark_node_get_type(node)) {
	case CMARK_NODE_DOCUMENT:
		cm_block(r, enter, MDR_DOC, NULL);
		break;
	case CMARK_NODE_BLOCK_QUOTE:
		cm_block(r, enter, MDR_QUOTE, NULL);
		break;
	case CMARK_NODE_LIST:
		bi.tight = cmark_node_get_list_tight(node);
		bi.start = (unsigned)cmark_node_get_list_start(node);
		cm_block(r, enter, cmark_node_get_list_type(node) == CMARK_ORDERED_LIST ? MDR_OL : MDR_UL, &bi);
		break;
	case CMARK_NODE_ITEM:
		cm_block(r, enter, MDR_LI, NULL);
		break;
	case CMARK_NODE_PARAGRAPH:
		cm_block(r, enter, MDR_P, NULL);
		break;
	case CMARK_NODE_HEADING:
		bi.level = cmark_node_get_heading_level(node);
		cm_block(r, enter, MDR_H, &bi);
		break;
	case CMARK_NODE_CODE_BLOCK: {
		const char *info = cmark_node_get_fence_info(node);
		size_t k = 0;
		while (info && info[k] && !IS_ASCII_SPACE(info[k]))
			k++;
		bi.lang = info;
		bi.lang_len = k;
		mdr_enter_block(r, MDR_CODE, &bi);
		cm_literal(r, MDR_TEXT, node);
		mdr_leave_block(r, MDR_CODE);
		break;
	}
	case CMARK_NODE_HTML_BLOCK:
		mdr_enter_block(r, MDR_HTML, NULL);
		cm_literal(r, MDR_RAW, node);
		mdr_leave_block(r, MDR_HTML);
		break;
	case CMARK_NODE_THEMATIC_BREAK:
		mdr_enter_block(r, MDR_HR, NULL);
		mdr_leave_block(r, MDR_HR);
		break;
	case CMARK_NODE_TEXT:
		cm_literal(r, MDR_TEXT, node);
		break;
	case CMARK_NODE_SOFTBREAK:
		mdr_text(r, MDR_SOFTBR, NULL, 0);
		break;
	case CMARK_NODE_LINEBREAK:
		mdr_text(r, MDR_BR, NULL, 0);
		break;
	case CMARK_NODE_CODE:
		mdr_enter_span(r, MDR_CODESPAN, NULL);
		cm_literal(r, MDR_TEXT, node);
		mdr_leave_span(r, MDR_CODESPAN);
		break;
	case CMARK_NODE_HTML_INLINE:
		cm_literal(r, MDR_RAW, node);
		break;
	case CMARK_NODE_EMPH:
		cm_span(r, enter, MDR_EM, NULL);
		break;
	case CMARK_NODE_STRONG:
		cm_span(r, enter, MDR_STRONG, NULL);
		break;
	case CMARK_NODE_LINK:
	case CMARK_NODE_IMAGE: {
		enum mdr_span t = cmark_node_get_type(node) == CMARK_NODE_LINK ? MDR_A : MDR_IMG;
		if (!enter) {
			mdr_leave_span(r, t);
			break;
		}
		const char *url = cmark_node_get_url(node);
		const char *title = cmark_node_get_title(node);
		ln.dest = url ? url : "";
		ln.dest_len = strlen(ln.dest);
		ln.title = title ? title : "";
		ln.title_len = strlen(ln.title);
		ln.off = cm_link_off(in, node, ln.dest);
		mdr_enter_span(r, t, &ln);
		break;
	}
	default:
		break;
	}
}

static int cm_render(struct mdr *r, struct input *in)
{
	cmark_node *doc = cmark_parse_document(in->text, in->len, CMARK_OPT_DEFAULT);
	if (!doc)
		return -1;
	cmark_iter *it = cmark_iter_new(doc);
	cmark_event_type ev;
	while ((ev = cmark_iter_next(it)) != CMARK_EVENT_DONE)
		cm_node(r, in, cmark_iter_get_node(it), ev == CMARK_EVENT_ENTER);
	cmark_iter_free(it);
	cmark_node_free(doc);
	return 0;
}

/* ---- the API ------------------------------------------------------------------------- */

int markdown_render(const struct markdown_opts *o, struct arena *a, const char *path,
                    const char *file_src, size_t file_len, size_t body_offset,
                    struct markdown_result *res, struct diags *d)
{
	struct input in = { 0 };
	if (body_offset > file_len)
		body_offset = file_len;
	in.body = file_src + body_offset;
	in.body_len = file_len - body_offset;
	in.text = in.body;
	in.len = in.body_len;
	if (!o->plain)
		fix_emphasis(&in);

	struct mdr_source src = { path, file_src, file_len, body_offset, in.sentinel, in.slen };
	struct mdr *r = mdr_new(o, &src, d);
	int failed;
	if (o->engine == MARKDOWN_CMARK || in.len > MD4C_MAX_INPUT)
		failed = cm_render(r, &in);
	else
		failed = m4_render(r, &in, o->plain ? 0 : MD4C_FLAGS);
	if (failed)
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "the Markdown parser failed");
	size_t nerrors = mdr_finish(r, a, res);
	mdr_free(r);
	buf_free(&in.fixed);
	free(in.ins);
	free(in.lines);
	return failed || nerrors ? -1 : 0;
}

void markdown_slug(const char *text, size_t len, struct buf *out)
{
	slug_make(text, len, out);
}

/* ---- a result kept ------------------------------------------------------------- */

const char *markdown_html(const struct markdown_result *res, struct arena *a, size_t *len)
{
	const char *s = res->html ? res->html
	                : res->html_spool ? spool_read(res->html_spool, res->html_at, res->html_len, a)
	                                  : NULL;
	*len = s ? res->html_len : 0;
	return s ? s : "";
}

const char *markdown_html_buf(const struct markdown_result *res, struct buf *tmp, size_t *len)
{
	const char *s = res->html ? res->html
	                : res->html_spool ? spool_read_buf(res->html_spool, res->html_at, res->html_len, tmp)
	                                  : NULL;
	*len = s ? res->html_len : 0;
	return s ? s : "";
}

void markdown_keep(struct markdown_result *res, struct arena *a, struct spool *s)
{
	if (s && res->html) {
		res->html_at = spool_put(s, res->html, res->html_len);
		res->html_spool = s;
		res->html = NULL;
	} else if (res->html) {
		res->html = arena_strndup(a, res->html, res->html_len);
	}
	if (res->summary)
		res->summary = arena_strndup(a, res->summary, res->summary_len);
	if (res->ntoc) {
		struct markdown_heading *toc = arena_alloc(a, res->ntoc * sizeof *toc);
		for (size_t i = 0; i < res->ntoc; i++) {
			toc[i].level = res->toc[i].level;
			toc[i].id = arena_strdup(a, res->toc[i].id);
			toc[i].text = arena_strdup(a, res->toc[i].text);
		}
		res->toc = toc;
	} else {
		res->toc = NULL;
	}
}
