/* docx.c: a Word document (.docx) read as the importer's text (see docx.h). */
#include "docx.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <libxml/parser.h>
#include <libxml/tree.h>
#include <zip.h>

#include "utf8.h"
#include "zipxml.h"
#include "xalloc.h"

/* ---- number formats ----------------------------------------------------- */

static const char *const cn_digits[10] = { "〇", "一", "二", "三", "四", "五", "六", "七", "八", "九" };
static const char *const cn_legal[10] = { "零", "壹", "贰", "叁", "肆", "伍", "陆", "柒", "捌", "玖" };

/* 0..9999 in counting form: 一百零一, 二十, 十一 (a leading 一十 is 十 when short). */
static void cn_counting(long n, const char *const *dig, const char *const *units, int short_ten,
                        struct buf *out)
{
	/* A zero inside a counted number is 零 (一百零一); digit by digit it is 〇. */
	const char *zero_word = dig == cn_legal ? cn_legal[0] : "零";
	if (n == 0) {
		buf_puts(out, dig[0]);
		return;
	}
	long pow[4] = { 1000, 100, 10, 1 };
	int zero = 0, any = 0;
	for (int i = 0; i < 4; i++) {
		long dgt = n / pow[i] % 10;
		if (dgt == 0) {
			zero = any;
			continue;
		}
		if (zero)
			buf_puts(out, zero_word);
		zero = 0;
		if (!(short_ten && i == 2 && dgt == 1 && !any))
			buf_puts(out, dig[dgt]);
		buf_puts(out, units[i]);
		any = 1;
	}
}

static void cn_digitwise(long n, const char *const *dig, struct buf *out)
{
	char tmp[24];
	int k = snprintf(tmp, sizeof tmp, "%ld", n);
	for (int i = 0; i < k; i++)
		buf_puts(out, dig[tmp[i] - '0']);
}

static void roman(long n, int upper, struct buf *out)
{
	static const long val[] = { 1000, 900, 500, 400, 100, 90, 50, 40, 10, 9, 5, 4, 1 };
	static const char *const up[] = { "M", "CM", "D", "CD", "C", "XC", "L", "XL", "X", "IX", "V", "IV", "I" };
	static const char *const lo[] = { "m", "cm", "d", "cd", "c", "xc", "l", "xl", "x", "ix", "v", "iv", "i" };
	if (n <= 0 || n >= 4000) {
		buf_put_int(out, n);
		return;
	}
	for (int i = 0; i < 13; i++)
		while (n >= val[i]) {
			buf_puts(out, upper ? up[i] : lo[i]);
			n -= val[i];
		}
}

/* Word's letters: a..z, then aa..zz, aaa.. (the letter repeated). */
static void letters(long n, int upper, struct buf *out)
{
	if (n <= 0) {
		buf_put_int(out, n);
		return;
	}
	long reps = (n - 1) / 26 + 1;
	char c = (char)((upper ? 'A' : 'a') + (n - 1) % 26);
	for (long i = 0; i < reps && i < 100; i++)
		buf_putc(out, c);
}

static void put_cp(uint32_t cp, struct buf *out)
{
	char enc[4];
	buf_put(out, enc, utf8_encode(cp, enc));
}

void docx_format_number(const char *fmt, long n, struct buf *out)
{
	static const char *const units[4] = { "千", "百", "十", "" };
	static const char *const legal_units[4] = { "仟", "佰", "拾", "" };
	static const char *const gan[10] = { "甲", "乙", "丙", "丁", "戊", "己", "庚", "辛", "壬", "癸" };
	static const char *const zhi[12] = { "子", "丑", "寅", "卯", "辰", "巳",
	                                     "午", "未", "申", "酉", "戌", "亥" };
	if (n < 0)
		n = 0;
	if (!fmt || strcmp(fmt, "decimal") == 0)
		buf_put_int(out, n);
	else if (strcmp(fmt, "none") == 0 || strcmp(fmt, "bullet") == 0)
		return;
	else if (strcmp(fmt, "decimalZero") == 0)
		buf_put_uint_padded(out, (unsigned long long)n, 2);
	else if (strcmp(fmt, "upperRoman") == 0 || strcmp(fmt, "lowerRoman") == 0)
		roman(n, fmt[0] == 'u', out);
	else if (strcmp(fmt, "upperLetter") == 0 || strcmp(fmt, "lowerLetter") == 0)
		letters(n, fmt[0] == 'u', out);
	else if (strcmp(fmt, "chineseCounting") == 0) {
		if (n < 100)
			cn_counting(n, cn_digits, units, 1, out);
		else
			cn_digitwise(n, cn_digits, out);
	} else if (strcmp(fmt, "chineseCountingThousand") == 0 ||
	           strcmp(fmt, "taiwaneseCountingThousand") == 0) {
		if (n < 10000)
			cn_counting(n, cn_digits, units, 1, out);
		else
			cn_digitwise(n, cn_digits, out);
	} else if (strcmp(fmt, "chineseLegalSimplified") == 0) {
		if (n < 10000)
			cn_counting(n, cn_legal, legal_units, 0, out);
		else
			cn_digitwise(n, cn_legal, out);
	} else if (strcmp(fmt, "ideographDigital") == 0 || strcmp(fmt, "taiwaneseDigital") == 0)
		cn_digitwise(n, cn_digits, out);
	else if (strcmp(fmt, "ideographTraditional") == 0)
		buf_puts(out, gan[(n + 9) % 10]);
	else if (strcmp(fmt, "ideographZodiac") == 0)
		buf_puts(out, zhi[(n + 11) % 12]);
	else if (strcmp(fmt, "decimalFullWidth") == 0 || strcmp(fmt, "decimalFullWidth2") == 0) {
		char tmp[24];
		int k = snprintf(tmp, sizeof tmp, "%ld", n);
		for (int i = 0; i < k; i++)
			put_cp(0xFF10 + (uint32_t)(tmp[i] - '0'), out);
	} else if ((strcmp(fmt, "decimalEnclosedCircle") == 0 ||
	            strcmp(fmt, "decimalEnclosedCircleChinese") == 0) && n >= 1 && n <= 20)
		put_cp(0x2460 + (uint32_t)(n - 1), out);
	else if (strcmp(fmt, "decimalEnclosedParen") == 0 && n >= 1 && n <= 20)
		put_cp(0x2474 + (uint32_t)(n - 1), out);
	else if (strcmp(fmt, "decimalEnclosedFullstop") == 0 && n >= 1 && n <= 20)
		put_cp(0x2488 + (uint32_t)(n - 1), out);
	else
		buf_put_int(out, n);
}

/* ---- XML helpers -------------------------------------------------------- */

#define NS_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
#define NS_W_STRICT "http://purl.oclc.org/ooxml/wordprocessingml/main"
#define NS_MC "http://schemas.openxmlformats.org/markup-compatibility/2006"

static int is_w(const xmlNode *n, const char *name)
{
	if (!n || n->type != XML_ELEMENT_NODE || !n->ns || !n->ns->href)
		return 0;
	const char *href = (const char *)n->ns->href;
	return (strcmp(href, NS_W) == 0 || strcmp(href, NS_W_STRICT) == 0) &&
	       strcmp((const char *)n->name, name) == 0;
}

static int is_mc(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && n->ns && n->ns->href &&
	       strcmp((const char *)n->ns->href, NS_MC) == 0 && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child_w(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_w(c, name))
			return c;
	return NULL;
}

/* The w:val (or another w: attribute) of n, or NULL; the caller frees with xmlFree. */
static char *attr_w(const xmlNode *n, const char *name)
{
	if (!n)
		return NULL;
	xmlChar *v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)NS_W);
	if (!v)
		v = xmlGetNsProp(n, (const xmlChar *)name, (const xmlChar *)NS_W_STRICT);
	return (char *)v;
}

static int attr_int(const xmlNode *n, const char *name, int dflt)
{
	char *v = attr_w(n, name);
	if (!v)
		return dflt;
	char *end;
	long x = strtol(v, &end, 10);
	int r = end != v && x > -1000000 && x < 1000000 ? (int)x : dflt;
	xmlFree(v);
	return r;
}

/* An on/off property (w:vanish, w:isLgl): present and not "0"/"false"/"off". */
static int attr_on(const xmlNode *n)
{
	if (!n)
		return 0;
	char *v = attr_w(n, "val");
	int on = !v || !(strcmp(v, "0") == 0 || strcmp(v, "false") == 0 || strcmp(v, "off") == 0);
	xmlFree(v);
	return on;
}

static xmlDoc *parse_part(const char *path, const char *part, const char *s, size_t n,
                          struct diags *d)
{
	return zipxml_parse(path, part, s, n, DOCX_MAX_PART, d);
}

/* ---- numbering ------------------------------------------------------------ */

struct lvl {
	int start;
	int restart;    /* w:lvlRestart, -1: absent */
	int legal;      /* w:isLgl: higher levels shown as decimal */
	int suff;       /* 0 tab, 1 space, 2 nothing */
	char fmt[40];
	char *text;     /* w:lvlText, NULL: none */
};

struct abstract {
	int id;
	char *link;                  /* w:numStyleLink: the levels are the list style's */
	struct lvl lv[DOCX_LEVELS];
	long count[DOCX_LEVELS];
	int used[DOCX_LEVELS];
};

struct num {
	int id;
	int abs;                     /* w:abstractNumId */
	int over[DOCX_LEVELS];       /* w:startOverride, -1: none */
	int started;                 /* used once: its overrides applied */
};

struct style {
	char *id, *based;
	int num, ilvl;               /* -1: none */
};

struct ctx {
	const char *path;
	struct abstract *abs;
	size_t nabs;
	struct num *nums;
	size_t nnums;
	struct style *styles;
	size_t nstyles;
	int too_deep;
	int too_big;                 /* more than DOCX_MAX_TEXT made */
	size_t made;
	int blank;                   /* the last line out is blank (or nothing yet) */
	struct docread_map *map;     /* NULL: origins not wanted */
	int para, table;             /* body paragraphs and tables so far */
	int unit, sub;               /* the origin of the lines being written */
	struct diags *d;
};

static void read_lvl(const xmlNode *l, struct lvl *v)
{
	v->start = attr_int(child_w(l, "start"), "val", 1);
	xmlNode *r = child_w(l, "lvlRestart");
	v->restart = r ? attr_int(r, "val", -1) : -1;
	v->legal = attr_on(child_w(l, "isLgl"));
	char *f = attr_w(child_w(l, "numFmt"), "val");
	snprintf(v->fmt, sizeof v->fmt, "%s", f ? f : "decimal");
	xmlFree(f);
	char *t = attr_w(child_w(l, "lvlText"), "val");
	free(v->text);
	v->text = t ? xstrdup(t) : NULL;
	xmlFree(t);
	char *s = attr_w(child_w(l, "suff"), "val");
	v->suff = !s ? 0 : strcmp(s, "space") == 0 ? 1 : strcmp(s, "nothing") == 0 ? 2 : 0;
	xmlFree(s);
}

static void init_abstract(struct abstract *a, int id)
{
	memset(a, 0, sizeof *a);
	a->id = id;
	for (int i = 0; i < DOCX_LEVELS; i++) {
		a->lv[i].start = 1;
		a->lv[i].restart = -1;
		snprintf(a->lv[i].fmt, sizeof a->lv[i].fmt, "decimal");
	}
}

static void read_numbering(struct ctx *c, const xmlNode *root)
{
	for (xmlNode *n = root->children; n; n = n->next) {
		if (is_w(n, "abstractNum")) {
			c->abs = xrealloc(c->abs, (c->nabs + 1) * sizeof *c->abs);
			struct abstract *a = &c->abs[c->nabs++];
			init_abstract(a, attr_int(n, "abstractNumId", -1));
			char *link = attr_w(child_w(n, "numStyleLink"), "val");
			a->link = link ? xstrdup(link) : NULL;
			xmlFree(link);
			for (xmlNode *l = n->children; l; l = l->next) {
				int i = is_w(l, "lvl") ? attr_int(l, "ilvl", -1) : -1;
				if (i >= 0 && i < DOCX_LEVELS)
					read_lvl(l, &a->lv[i]);
			}
		} else if (is_w(n, "num")) {
			c->nums = xrealloc(c->nums, (c->nnums + 1) * sizeof *c->nums);
			struct num *m = &c->nums[c->nnums++];
			m->id = attr_int(n, "numId", -1);
			m->abs = attr_int(child_w(n, "abstractNumId"), "val", -1);
			m->started = 0;
			for (int i = 0; i < DOCX_LEVELS; i++)
				m->over[i] = -1;
			for (xmlNode *o = n->children; o; o = o->next) {
				int i = is_w(o, "lvlOverride") ? attr_int(o, "ilvl", -1) : -1;
				if (i < 0 || i >= DOCX_LEVELS)
					continue;
				xmlNode *so = child_w(o, "startOverride");
				if (so)
					m->over[i] = attr_int(so, "val", 1);
				/* A whole level given anew: this list's own (a copy would be
				 * exact; Word writes this rarely, so it replaces the level). */
				xmlNode *l = child_w(o, "lvl");
				if (l && m->abs >= 0)
					for (size_t k = 0; k < c->nabs; k++)
						if (c->abs[k].id == m->abs)
							read_lvl(l, &c->abs[k].lv[i]);
			}
		}
	}
}

static void read_styles(struct ctx *c, const xmlNode *root)
{
	for (xmlNode *n = root->children; n; n = n->next) {
		if (!is_w(n, "style"))
			continue;
		char *id = attr_w(n, "styleId");
		if (!id)
			continue;
		c->styles = xrealloc(c->styles, (c->nstyles + 1) * sizeof *c->styles);
		struct style *s = &c->styles[c->nstyles++];
		s->id = xstrdup(id);
		xmlFree(id);
		char *b = attr_w(child_w(n, "basedOn"), "val");
		s->based = b ? xstrdup(b) : NULL;
		xmlFree(b);
		xmlNode *np = child_w(child_w(n, "pPr"), "numPr");
		s->num = np ? attr_int(child_w(np, "numId"), "val", -1) : -1;
		s->ilvl = np ? attr_int(child_w(np, "ilvl"), "val", -1) : -1;
	}
}

static const struct style *find_style(const struct ctx *c, const char *id)
{
	for (size_t i = 0; id && i < c->nstyles; i++)
		if (strcmp(c->styles[i].id, id) == 0)
			return &c->styles[i];
	return NULL;
}

/* Chains of basedOn are short; this bound stops a cycle. */
#define STYLE_CHAIN 16

/* The list (numId, ilvl) of paragraph properties ppr, from its own w:numPr or its style's. */
static void para_list(const struct ctx *c, const xmlNode *ppr, int *num, int *ilvl)
{
	*num = -1;
	*ilvl = -1;
	xmlNode *np = child_w(ppr, "numPr");
	if (np) {
		*num = attr_int(child_w(np, "numId"), "val", -1);
		*ilvl = attr_int(child_w(np, "ilvl"), "val", -1);
	}
	char *sid = attr_w(child_w(ppr, "pStyle"), "val");
	const struct style *s = find_style(c, sid);
	xmlFree(sid);
	for (int k = 0; s && k < STYLE_CHAIN && (*num < 0 || *ilvl < 0); k++) {
		if (*num < 0 && s->num >= 0)
			*num = s->num;
		if (*ilvl < 0 && s->ilvl >= 0)
			*ilvl = s->ilvl;
		s = find_style(c, s->based);
	}
	if (*ilvl < 0)
		*ilvl = 0;
}

static struct num *find_num(struct ctx *c, int id)
{
	for (size_t i = 0; id > 0 && i < c->nnums; i++)
		if (c->nums[i].id == id)
			return &c->nums[i];
	return NULL;
}

static struct abstract *find_abstract(struct ctx *c, const struct num *m)
{
	for (size_t i = 0; m && i < c->nabs; i++)
		if (c->abs[i].id == m->abs)
			return &c->abs[i];
	return NULL;
}

/* Counts n more bytes made; 0 once past DOCX_MAX_TEXT. */
static int room(struct ctx *c, size_t n)
{
	c->made += n;
	if (c->made > DOCX_MAX_TEXT)
		c->too_big = 1;
	return !c->too_big;
}

/* Counts one paragraph of list num at level ilvl and appends the number Word
 * shows for it, followed by a space unless the level says nothing follows. */
static void list_number(struct ctx *c, int numid, int ilvl, struct buf *out)
{
	if (numid <= 0 || ilvl < 0 || ilvl >= DOCX_LEVELS)
		return;
	struct num *m = find_num(c, numid);
	struct abstract *a = find_abstract(c, m);
	/* A list that uses a list style (w:numStyleLink) counts with the style's list. */
	for (int hop = 0; a && a->link && hop < STYLE_CHAIN; hop++) {
		const struct style *s = find_style(c, a->link);
		struct abstract *b = s ? find_abstract(c, find_num(c, s->num)) : NULL;
		if (!b || b == a)
			break;
		a = b;
	}
	if (!a)
		return;
	if (!m->started) {
		/* A list restarted with w:startOverride starts over the first time it is used. */
		m->started = 1;
		for (int i = 0; i < DOCX_LEVELS; i++)
			if (m->over[i] >= 0) {
				a->used[i] = 1;
				a->count[i] = m->over[i] - 1;
			}
	}
	a->count[ilvl] = a->used[ilvl] ? a->count[ilvl] + 1 : a->lv[ilvl].start;
	a->used[ilvl] = 1;
	for (int k = ilvl + 1; k < DOCX_LEVELS; k++) {
		int r = a->lv[k].restart;
		if (r < 0 || (r > 0 && ilvl + 1 <= r))
			a->used[k] = 0;
	}
	const struct lvl *v = &a->lv[ilvl];
	if (!v->text || strcmp(v->fmt, "bullet") == 0)
		return;
	size_t before = out->len;
	for (const char *p = v->text; *p && !c->too_big; p++) {
		if (*p == '%' && p[1] >= '1' && p[1] <= '9') {
			int k = p[1] - '1';
			long val = a->used[k] ? a->count[k] : a->lv[k].start;
			docx_format_number(v->legal && k != ilvl ? "decimal" : a->lv[k].fmt, val, out);
			p++;
		} else {
			buf_putc(out, *p);
		}
	}
	if (out->len > before && v->suff != 2)
		buf_putc(out, ' ');
	room(c, out->len - before);
}

/* ---- text ------------------------------------------------------------------ */

/* Appends the visible text under n: runs' w:t, w:tab as a space, a line
 * break as \n; deleted, moved-away, hidden text, field codes and drawings
 * (text boxes) left out. */
static void run_text(struct ctx *c, const xmlNode *n, int depth, struct buf *out)
{
	if (depth > DOCX_MAX_DEPTH) {
		c->too_deep = 1;
		return;
	}
	for (const xmlNode *k = n->children; k && !c->too_big; k = k->next) {
		if (k->type != XML_ELEMENT_NODE)
			continue;
		if (is_w(k, "t")) {
			for (const xmlNode *t = k->children; t; t = t->next)
				if ((t->type == XML_TEXT_NODE || t->type == XML_CDATA_SECTION_NODE) && t->content &&
				    room(c, strlen((const char *)t->content)))
					buf_puts(out, (const char *)t->content);
		} else if (is_w(k, "tab") || is_w(k, "ptab")) {
			buf_putc(out, ' ');
		} else if (is_w(k, "br")) {
			char *type = attr_w(k, "type");
			if (!type || strcmp(type, "textWrapping") == 0)
				buf_putc(out, '\n');
			xmlFree(type);
		} else if (is_w(k, "cr")) {
			buf_putc(out, '\n');
		} else if (is_w(k, "noBreakHyphen")) {
			buf_putc(out, '-');
		} else if (is_w(k, "r")) {
			if (!attr_on(child_w(child_w(k, "rPr"), "vanish")))
				run_text(c, k, depth + 1, out);
		} else if (is_w(k, "del") || is_w(k, "moveFrom") || is_w(k, "delText") ||
		           is_w(k, "instrText") || is_w(k, "pPr") || is_w(k, "rPr") ||
		           is_w(k, "drawing") || is_w(k, "pict") || is_w(k, "object") ||
		           is_mc(k, "Fallback")) {
			continue;
		} else {
			/* w:hyperlink, w:ins, w:sdt, w:smartTag, w:fldSimple, mc:AlternateContent ... */
			run_text(c, k, depth + 1, out);
		}
	}
}

/* The text of paragraph p, its list number in front, into out. */
static void para_text(struct ctx *c, const xmlNode *p, int depth, struct buf *out)
{
	int num, ilvl;
	const xmlNode *ppr = child_w(p, "pPr");
	para_list(c, ppr, &num, &ilvl);
	struct buf text = BUF_INIT;
	run_text(c, p, depth + 1, &text);
	/* A paragraph mark hidden and no text: Word shows nothing, counts nothing. */
	if (text.len == 0 && attr_on(child_w(child_w(ppr, "rPr"), "vanish"))) {
		buf_free(&text);
		return;
	}
	list_number(c, num, ilvl, out);
	buf_put(out, text.data, text.len);
	buf_free(&text);
}

static void put_line(struct ctx *c, const char *s, size_t n, struct buf *out)
{
	if (n == 0) {
		if (!c->blank) {
			buf_putc(out, '\n');
			docread_map_add(c->map, c->unit, c->sub);
		}
		c->blank = 1;
		return;
	}
	buf_put(out, s, n);
	buf_putc(out, '\n');
	docread_map_add(c->map, c->unit, c->sub);
	c->blank = 0;
}

static void table(struct ctx *c, const xmlNode *tbl, int depth, struct buf *out);
static void blocks(struct ctx *c, const xmlNode *n, int depth, int count, struct buf *out);

/* A table of one column is a box around text (a 专栏, a note), not data. */
static int is_box(const xmlNode *tbl)
{
	const xmlNode *grid = child_w(tbl, "tblGrid");
	int cols = 0;
	for (const xmlNode *g = grid ? grid->children : NULL; g; g = g->next)
		cols += is_w(g, "gridCol");
	if (grid && cols)
		return cols == 1;
	for (const xmlNode *tr = tbl->children; tr; tr = tr->next) {
		if (!is_w(tr, "tr"))
			continue;
		int n = 0;
		for (const xmlNode *tc = tr->children; tc; tc = tc->next)
			n += is_w(tc, "tc");
		if (n != 1)
			return 0;
	}
	return 1;
}

/* A cell's text: its paragraphs (and nested tables' cells) joined by a
 * space, line breaks and tabs made spaces (the repair drops those between
 * Chinese characters). */
static void cell_text(struct ctx *c, const xmlNode *tc, int depth, struct buf *out)
{
	if (depth > DOCX_MAX_DEPTH) {
		c->too_deep = 1;
		return;
	}
	for (const xmlNode *k = tc->children; k && !c->too_big; k = k->next) {
		size_t at = out->len;
		if (is_w(k, "p")) {
			if (out->len)
				buf_putc(out, ' ');
			para_text(c, k, depth + 1, out);
		} else if (is_w(k, "tbl") || is_w(k, "tr") || is_w(k, "tc") || is_w(k, "sdt") ||
		           is_w(k, "sdtContent") || is_w(k, "customXml") || is_w(k, "ins")) {
			if (out->len)
				buf_putc(out, ' ');
			cell_text(c, k, depth + 1, out);
		}
		for (size_t i = at; i < out->len; i++)
			if (out->data[i] == '\n' || out->data[i] == '\t')
				out->data[i] = ' ';
	}
}

static void table(struct ctx *c, const xmlNode *tbl, int depth, struct buf *out)
{
	if (depth > DOCX_MAX_DEPTH) {
		c->too_deep = 1;
		return;
	}
	c->unit = ++c->table;
	c->sub = 1;
	put_line(c, NULL, 0, out);
	if (is_box(tbl)) {
		/* Its paragraphs are lines, as in the body; a box is set off by blank lines. */
		int unit = c->unit, nrow = 0;
		for (const xmlNode *tr = tbl->children; tr && !c->too_big; tr = tr->next) {
			if (!is_w(tr, "tr"))
				continue;
			c->sub = ++nrow;
			for (const xmlNode *tc = tr->children; tc; tc = tc->next)
				if (is_w(tc, "tc") || is_w(tc, "sdt")) {
					c->unit = unit;
					blocks(c, tc, depth + 1, 0, out);
				}
		}
		c->unit = unit;
		put_line(c, NULL, 0, out);
		return;
	}
	struct buf row = BUF_INIT, cell = BUF_INIT;
	int nrow = 0;
	for (const xmlNode *tr = tbl->children; tr && !c->too_big; tr = tr->next) {
		if (!is_w(tr, "tr"))
			continue;
		c->sub = ++nrow;
		buf_reset(&row);
		int ncells = 0, any = 0;
		int before = attr_int(child_w(child_w(tr, "trPr"), "gridBefore"), "val", 0);
		room(c, before > 0 ? (size_t)before : 0);
		for (int i = 0; i < before && i < DOCX_MAX_COLUMNS; i++, ncells++)
			if (ncells)
				buf_putc(&row, '\t');
		for (const xmlNode *tc = tr->children; tc; tc = tc->next) {
			if (is_w(tc, "sdt")) /* a content control around cells */
				tc = child_w(tc, "sdtContent") ? child_w(child_w(tc, "sdtContent"), "tc") : NULL;
			if (!tc)
				break;
			if (!is_w(tc, "tc"))
				continue;
			const xmlNode *pr = child_w(tc, "tcPr");
			int span = attr_int(child_w(pr, "gridSpan"), "val", 1);
			xmlNode *vm = child_w(pr, "vMerge");
			char *vmv = attr_w(vm, "val");
			int cont = vm && (!vmv || strcmp(vmv, "continue") == 0);
			xmlFree(vmv);
			buf_reset(&cell);
			if (!cont)
				cell_text(c, tc, depth + 1, &cell);
			if (ncells)
				buf_putc(&row, '\t');
			buf_put(&row, cell.data, cell.len);
			ncells++;
			for (size_t i = 0; i < cell.len; i++)
				if (cell.data[i] != ' ')
					any = 1;
			room(c, span > 0 ? (size_t)span : 0);
			for (int i = 1; i < span && i < DOCX_MAX_COLUMNS; i++, ncells++)
				buf_putc(&row, '\t');
		}
		if (any)
			put_line(c, row.data, row.len, out);
	}
	put_line(c, NULL, 0, out);
	buf_free(&row);
	buf_free(&cell);
}

/* The paragraphs and tables under n, one paragraph per line; count: they
 * are the body's (each one's origin is its number), not a box's. */
static void blocks(struct ctx *c, const xmlNode *n, int depth, int count, struct buf *out)
{
	if (depth > DOCX_MAX_DEPTH) {
		c->too_deep = 1;
		return;
	}
	struct buf p = BUF_INIT;
	int unit = c->unit, sub = c->sub;
	for (const xmlNode *k = n->children; k && !c->too_big; k = k->next) {
		if (is_w(k, "p")) {
			buf_reset(&p);
			if (count) {
				c->unit = ++c->para;
				c->sub = 0;
			} else {
				c->unit = unit;
				c->sub = sub;
			}
			para_text(c, k, depth + 1, &p);
			size_t i = 0;
			do {
				size_t j = i;
				while (j < p.len && p.data[j] != '\n')
					j++;
				put_line(c, p.data + i, j - i, out);
				i = j + 1;
			} while (i < p.len);
		} else if (is_w(k, "tbl")) {
			table(c, k, depth + 1, out);
		} else if (is_w(k, "sdt") || is_w(k, "sdtContent") || is_w(k, "customXml") ||
		           is_w(k, "ins") || is_w(k, "tc")) {
			blocks(c, k, depth + 1, count, out);
		}
	}
	buf_free(&p);
}

int docx_parse(const char *path, const char *doc, size_t doclen, const char *numbering,
               size_t numlen, const char *styles, size_t stylen, struct buf *out,
               struct docread_map *map, struct diags *d)
{
	struct ctx c = { .path = path, .blank = 1, .map = map, .d = d };
	xmlDoc *xd = NULL, *xn = NULL, *xs = NULL;
	int rc = -1;
	if (numbering && !(xn = parse_part(path, "word/numbering.xml", numbering, numlen, d)))
		goto out;
	if (styles && !(xs = parse_part(path, "word/styles.xml", styles, stylen, d)))
		goto out;
	if (!(xd = parse_part(path, "word/document.xml", doc, doclen, d)))
		goto out;
	if (xn)
		read_numbering(&c, xmlDocGetRootElement(xn));
	if (xs)
		read_styles(&c, xmlDocGetRootElement(xs));
	const xmlNode *root = xmlDocGetRootElement(xd);
	const xmlNode *b = child_w(root, "body");
	if (!is_w(root, "document") || !b) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "word/document.xml has no w:document/w:body: not a Word document");
		goto out;
	}
	blocks(&c, b, 0, 1, out);
	if (c.too_deep) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "word/document.xml is nested deeper than %d elements: refused", DOCX_MAX_DEPTH);
		goto out;
	}
	if (c.too_big) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "the document's text is larger than %u bytes: not a plan document", DOCX_MAX_TEXT);
		goto out;
	}
	rc = 0;
out:
	for (size_t i = 0; i < c.nabs; i++) {
		for (int k = 0; k < DOCX_LEVELS; k++)
			free(c.abs[i].lv[k].text);
		free(c.abs[i].link);
	}
	free(c.abs);
	free(c.nums);
	for (size_t i = 0; i < c.nstyles; i++) {
		free(c.styles[i].id);
		free(c.styles[i].based);
	}
	free(c.styles);
	xmlFreeDoc(xd);
	xmlFreeDoc(xn);
	xmlFreeDoc(xs);
	return rc;
}

/* ---- the archive ---------------------------------------------------------- */

static int read_part(zip_t *z, const char *path, const char *name, struct buf *b, struct diags *d)
{
	return zipxml_read_part(z, path, name, DOCX_MAX_PART, b, d);
}

int docx_read(const char *path, struct buf *out, struct docread_map *map, struct diags *d)
{
	int err = 0, rc = -1;
	struct stat st;
	if (stat(path, &st) == 0 && st.st_size > (off_t)DOCX_MAX_FILE) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "a Word file larger than %u bytes: refused",
		         DOCX_MAX_FILE);
		return -1;
	}
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	struct buf doc = BUF_INIT, num = BUF_INIT, sty = BUF_INIT;
	if (!z) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot open as a Word document (.docx): %s",
		         zipxml_why(err));
		return -1;
	}
	int r = read_part(z, path, "word/document.xml", &doc, d);
	if (r == 0)
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "a ZIP archive without word/document.xml: not a Word document (.docx)");
	if (r <= 0)
		goto out;
	int rn = read_part(z, path, "word/numbering.xml", &num, d);
	int rs = read_part(z, path, "word/styles.xml", &sty, d);
	if (rn < 0 || rs < 0)
		goto out;
	size_t before = out->len;
	rc = docx_parse(path, doc.data ? doc.data : "", doc.len, rn ? (num.data ? num.data : "") : NULL,
	                num.len, rs ? (sty.data ? sty.data : "") : NULL, sty.len, out, map, d);
	int any = 0;
	for (size_t i = before; rc == 0 && i < out->len && !any; i++)
		any = out->data[i] != '\n' && out->data[i] != ' ' && out->data[i] != '\t';
	if (rc == 0 && !any) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "the Word document has no text (only pictures or text boxes?): nothing to import");
		rc = -1;
	}
out:
	zip_discard(z);
	buf_free(&doc);
	buf_free(&num);
	buf_free(&sty);
	return rc;
}
