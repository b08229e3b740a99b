/* sheet.c: .xlsx, .xls and CSV files read as sheets of text cells (see sheet.h). */
#include "sheet.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>

#include <freexl.h>
#include <libxml/tree.h>
#include <zip.h>

#include "buf.h"
#include "docread.h"
#include "import.h"
#include "sheetxls.h"
#include "utf8.h"
#include "value.h"
#include "xalloc.h"
#include "zipxml.h"

/* What a read has used so far, against the caps. */
struct reader {
	const char *path;
	struct sheet_book *b;
	struct diags *d;
	size_t ncells, ntext;
	int full;   /* a cap was hit (reported once) */
};

void sheet_col_name(uint32_t col, char out[8])
{
	char tmp[8];
	int n = 0;
	while (col > 0 && n < 7) {
		col--;
		tmp[n++] = (char)('A' + col % 26);
		col /= 26;
	}
	for (int i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	out[n] = 0;
}

static int cell_cmp(const void *a, const void *b)
{
	const struct sheet_cell *x = a, *y = b;
	if (x->row != y->row)
		return x->row < y->row ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return 0;
}

/* The same, and of two at one place the first read first. */
static int cell_order(const void *a, const void *b)
{
	int c = cell_cmp(a, b);
	if (c)
		return c;
	const struct sheet_cell *x = a, *y = b;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

const struct sheet_cell *sheet_cell(const struct sheet *s, uint32_t row, uint32_t col)
{
	struct sheet_cell key = { .row = row, .col = col };
	return s && s->n ? bsearch(&key, s->v, s->n, sizeof *s->v, cell_cmp) : NULL;
}

static struct sheet *add_sheet(struct reader *r, const char *name)
{
	struct sheet_book *b = r->b;
	b->v = xrealloc(b->v, (b->n + 1) * sizeof *b->v);
	struct sheet *s = &b->v[b->n++];
	memset(s, 0, sizeof *s);
	s->name = xstrdup(name);
	return s;
}

static int blank(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (s[i] != ' ' && s[i] != '\t' && s[i] != '\r' && s[i] != '\n')
			return 0;
	return 1;
}

/* The place of a cell in messages: path:sheet as the file, row and column. */
static const char *where(struct reader *r, const struct sheet *s, struct buf *tmp)
{
	buf_reset(tmp);
	buf_puts(tmp, r->path);
	if (s && s->name[0]) {
		buf_putc(tmp, ':');
		buf_puts(tmp, s->name);
	}
	return buf_cstr(tmp);
}

/* Adds a cell (text copied). Returns 0, or -1 when a cap is hit (reported). */
static int add_cell(struct reader *r, struct sheet *s, uint32_t row, uint32_t col, enum sheet_kind kind,
                    const char *text, size_t len)
{
	if (r->full)
		return -1;
	if (blank(text, len))
		return 0;
	if (r->ncells >= SHEET_MAX_CELLS || r->ntext + len > SHEET_MAX_TEXT) {
		struct buf w = BUF_INIT;
		diag_add(r->d, DIAG_ERROR, where(r, s, &w), (int)row, (int)col, NULL, 0,
		         "more than %u cells or %u bytes of text: refused (not a progress return or task list)",
		         SHEET_MAX_CELLS, SHEET_MAX_TEXT);
		buf_free(&w);
		r->full = 1;
		return -1;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? 2 * s->cap : 64;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	char *t = xmalloc(len + 1);
	memcpy(t, text, len);
	t[len] = 0;
	s->v[s->n++] = (struct sheet_cell){ .row = row, .col = col, .kind = kind, .text = t, .len = len,
	                                    .seq = r->ncells };
	r->ncells++;
	r->ntext += len;
	return 0;
}

/* Sorts the cells; of two at one place the first read is kept. */
static void finish_sheet(struct sheet *s)
{
	if (!s->n)
		return;
	qsort(s->v, s->n, sizeof *s->v, cell_order);
	size_t k = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (k && cell_cmp(&s->v[k - 1], &s->v[i]) == 0) {
			free(s->v[i].text);
			continue;
		}
		s->v[k++] = s->v[i];
	}
	s->n = k;
	for (size_t i = 0; i < s->n; i++) {
		if (s->v[i].row > s->nrows)
			s->nrows = s->v[i].row;
		if (s->v[i].col > s->ncols)
			s->ncols = s->v[i].col;
	}
}

void sheet_book_free(struct sheet_book *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < b->n; i++) {
		for (size_t k = 0; k < b->v[i].n; k++)
			free(b->v[i].v[k].text);
		free(b->v[i].v);
		free(b->v[i].name);
	}
	free(b->v);
	memset(b, 0, sizeof *b);
}

/* ---- numbers and dates ------------------------------------------------------ */

static void put_number(double x, struct buf *out)
{
	if (x == 0)
		x = 0;   /* no "-0" */
	if (x == floor(x) && fabs(x) < 1e15)
		buf_printf(out, "%.0f", x);   /* 100, not 1e+02 */
	else
		value_format_double(x, out);
}

/* A fraction formatted as a percent, as Excel shows it (15 significant
 * digits): 0.57 is 57%, not the 56.99999999999999% that 0.57 * 100 is in
 * binary. */
static void put_percent(double x, struct buf *out)
{
	char tmp[40];
	snprintf(tmp, sizeof tmp, "%.15g", x * 100);
	put_number(strtod(tmp, NULL), out);
	buf_putc(out, '%');
}

/* A date serial as YYYY-MM-DD[ HH:MM:SS]; 0 when it is no date Excel shows. */
static int serial_date(double x, int date1904, struct buf *out)
{
	if (!(x >= 0) || x > 2958465.0)   /* 9999-12-31 */
		return 0;
	double whole = floor(x);
	long secs = lround((x - whole) * 86400.0);
	if (secs >= 86400) {
		whole += 1;
		secs -= 86400;
	}
	long days;
	if (date1904)
		days = (long)whole - 24107;   /* 1904-01-01 is serial 0 */
	else if (whole >= 61)
		days = (long)whole - 25569;   /* Excel counts a 1900-02-29 that never was */
	else if (whole >= 1 && whole < 60)
		days = (long)whole - 25568;
	else
		return 0;   /* 0 and the fictitious 60 */
	int y, m, d;
	datetime_from_days(days, &y, &m, &d);
	char tmp[40];
	if (secs)
		snprintf(tmp, sizeof tmp, "%04d-%02d-%02d %02ld:%02ld:%02ld", y, m, d, secs / 3600, secs / 60 % 60,
		         secs % 60);
	else
		snprintf(tmp, sizeof tmp, "%04d-%02d-%02d", y, m, d);
	buf_puts(out, tmp);
	return 1;
}

/* ---- .xlsx ------------------------------------------------------------------ */

/* Styles: a cell's s is an index into cellXfs, whose numFmtId says how a
 * number shows. */
enum { FMT_PLAIN, FMT_DATE, FMT_PERCENT };

struct xlsx {
	struct reader *r;
	zip_t *z;
	char **sst;            /* shared strings */
	size_t *sstlen;
	size_t nsst, capsst;
	unsigned char *xf;     /* FMT_* of each cellXfs entry */
	size_t nxf;
};

static int is_el(const xmlNode *n, const char *name)
{
	return n && n->type == XML_ELEMENT_NODE && strcmp((const char *)n->name, name) == 0;
}

static xmlNode *child(const xmlNode *n, const char *name)
{
	for (xmlNode *c = n ? n->children : NULL; c; c = c->next)
		if (is_el(c, name))
			return c;
	return NULL;
}

/* An attribute by local name, whatever its namespace; xmlFree. */
static char *attr(const xmlNode *n, const char *name)
{
	for (xmlAttr *a = n ? n->properties : NULL; a; a = a->next)
		if (strcmp((const char *)a->name, name) == 0)
			return (char *)xmlNodeGetContent((xmlNode *)a);
	return NULL;
}

/* Text of a string item (<si>, <is>): its <t> and runs' <t>, phonetic
 * guides (<rPh>) left out. */
static void item_text(const xmlNode *n, int depth, struct buf *out)
{
	for (const xmlNode *c = n->children; c && depth < 8; c = c->next) {
		if (c->type != XML_ELEMENT_NODE)
			continue;
		if (is_el(c, "t")) {
			xmlChar *t = xmlNodeGetContent(c);
			if (t)
				buf_puts(out, (const char *)t);
			xmlFree(t);
		} else if (is_el(c, "r")) {
			item_text(c, depth + 1, out);
		}
	}
}

static int fmt_of(int id, const char *code)
{
	if (code) {
		int q = 0, br = 0, date = 0, pct = 0;
		for (const char *p = code; *p; p++) {
			if (*p == '\\' && p[1]) {
				p++;
				continue;
			}
			if (*p == '"')
				q = !q;
			else if (!q && *p == '[')
				br = 1;
			else if (!q && *p == ']')
				br = 0;
			else if (!q && !br && (*p == 'y' || *p == 'Y' || *p == 'd' || *p == 'D'))
				date = 1;
			else if (!q && !br && *p == '%')
				pct = 1;
		}
		return date ? FMT_DATE : pct ? FMT_PERCENT : FMT_PLAIN;
	}
	/* Excel's built-in formats: 14-22 dates (and date-times), 27-36 and
	 * 50-58 the Chinese, Japanese and Korean dates; 9 and 10 percents. */
	if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
		return FMT_DATE;
	if (id == 9 || id == 10)
		return FMT_PERCENT;
	return FMT_PLAIN;
}

/* Excel keeps at most 64 000 cell formats and a few hundred number formats
 * in a workbook; past these a styles part is hostile, and looking up each
 * format's code would be quadratic. */
#define SHEET_MAX_XF 65536
#define SHEET_MAX_NUMFMT 1024

static void read_styles(struct xlsx *x, const xmlNode *root)
{
	const xmlNode *fmts = child(root, "numFmts"), *xfs = child(root, "cellXfs");
	int ids[SHEET_MAX_NUMFMT];
	unsigned char cls[SHEET_MAX_NUMFMT];
	size_t nf = 0, n = 0;
	for (const xmlNode *f = fmts ? fmts->children : NULL; f && nf < SHEET_MAX_NUMFMT; f = f->next) {
		if (!is_el(f, "numFmt"))
			continue;
		char *fid = attr(f, "numFmtId"), *code = attr(f, "formatCode");
		ids[nf] = fid ? atoi(fid) : -1;
		cls[nf] = (unsigned char)fmt_of(ids[nf], code ? code : "");
		nf++;
		xmlFree(fid);
		xmlFree(code);
	}
	for (const xmlNode *c = xfs ? xfs->children : NULL; c && n < SHEET_MAX_XF; c = c->next)
		n += is_el(c, "xf");
	x->xf = xcalloc(n ? n : 1, 1);
	for (const xmlNode *c = xfs ? xfs->children : NULL; c && x->nxf < n; c = c->next) {
		if (!is_el(c, "xf"))
			continue;
		char *v = attr(c, "numFmtId");
		int id = v ? atoi(v) : 0;
		xmlFree(v);
		int fmt = -1;
		for (size_t k = 0; k < nf && fmt < 0; k++)
			if (ids[k] == id)
				fmt = cls[k];
		x->xf[x->nxf++] = (unsigned char)(fmt >= 0 ? fmt : fmt_of(id, NULL));
	}
}

static int read_sst(struct xlsx *x, const xmlNode *root)
{
	struct reader *r = x->r;
	struct buf t = BUF_INIT;
	int rc = 0;
	for (const xmlNode *c = root->children; c; c = c->next) {
		if (!is_el(c, "si"))
			continue;
		buf_reset(&t);
		item_text(c, 0, &t);
		if (x->nsst >= SHEET_MAX_STRINGS || r->ntext + t.len > SHEET_MAX_TEXT) {
			diag_add(r->d, DIAG_ERROR, r->path, 0, 0, NULL, 0,
			         "xl/sharedStrings.xml holds more than %u strings or %u bytes: refused",
			         SHEET_MAX_STRINGS, SHEET_MAX_TEXT);
			rc = -1;
			break;
		}
		if (x->nsst == x->capsst) {
			x->capsst = x->capsst ? 2 * x->capsst : 64;
			x->sst = xrealloc(x->sst, x->capsst * sizeof *x->sst);
			x->sstlen = xrealloc(x->sstlen, x->capsst * sizeof *x->sstlen);
		}
		x->sst[x->nsst] = xmalloc(t.len + 1);
		memcpy(x->sst[x->nsst], t.data ? t.data : "", t.len);
		x->sst[x->nsst][t.len] = 0;
		x->sstlen[x->nsst++] = t.len;
		r->ntext += t.len;
	}
	buf_free(&t);
	return rc;
}

/* "AB12" into column 28, row 12; 0 when it is not a cell reference. */
static int parse_ref(const char *s, uint32_t *col, uint32_t *row)
{
	uint64_t c = 0, rw = 0;
	const char *p = s;
	while (*p >= 'A' && *p <= 'Z' && c <= SHEET_MAX_COL)
		c = c * 26 + (uint64_t)(*p++ - 'A' + 1);
	if (*p == '$')
		p++;
	while (*p >= '0' && *p <= '9' && rw <= SHEET_MAX_ROW)
		rw = rw * 10 + (uint64_t)(*p++ - '0');
	if (*p || p == s)
		return 0;
	*col = (uint32_t)(c > UINT32_MAX ? UINT32_MAX : c);
	*row = (uint32_t)(rw > UINT32_MAX ? UINT32_MAX : rw);
	return 1;
}

static int cell_value(struct xlsx *x, struct sheet *s, const xmlNode *c, uint32_t row, uint32_t col)
{
	struct reader *r = x->r;
	char *t = attr(c, "t"), *st = attr(c, "s");
	const xmlNode *vn = child(c, "v");
	xmlChar *v = vn ? xmlNodeGetContent(vn) : NULL;
	struct buf out = BUF_INIT, w = BUF_INIT;
	enum sheet_kind kind = SHEET_TEXT;
	int rc = 0;
	if (t && strcmp(t, "s") == 0) {
		char *end;
		unsigned long i = v ? strtoul((const char *)v, &end, 10) : 0;
		if (!v || *end || i >= x->nsst)
			diag_add(r->d, DIAG_WARNING, where(r, s, &w), (int)row, (int)col, NULL, 0,
			         "shared string %s does not exist: the cell is read as empty",
			         v ? (const char *)v : "(none)");
		else
			buf_put(&out, x->sst[i], x->sstlen[i]);
	} else if (t && strcmp(t, "inlineStr") == 0) {
		const xmlNode *is = child(c, "is");
		if (is)
			item_text(is, 0, &out);
	} else if (t && strcmp(t, "b") == 0) {
		kind = SHEET_BOOL;
		if (v)
			buf_puts(&out, strcmp((const char *)v, "0") == 0 ? "FALSE" : "TRUE");
	} else if (t && strcmp(t, "e") == 0) {
		kind = SHEET_ERROR;
		if (v)
			buf_puts(&out, (const char *)v);
	} else if (t && strcmp(t, "d") == 0) {
		kind = SHEET_DATE;
		if (v) {
			size_t n = strlen((const char *)v);
			buf_put(&out, (const char *)v, n >= 10 ? 10 : n);
		}
	} else if (t && strcmp(t, "str") == 0) {
		if (v)
			buf_puts(&out, (const char *)v);
	} else if (v) {
		char *end;
		double num = strtod((const char *)v, &end);
		unsigned long xi = st ? strtoul(st, NULL, 10) : 0;
		int fmt = xi < x->nxf ? x->xf[xi] : FMT_PLAIN;
		if (end == (const char *)v || *end || !isfinite(num)) {
			buf_puts(&out, (const char *)v);   /* not a number: kept as text */
		} else if (fmt == FMT_DATE && serial_date(num, r->b->date1904, &out)) {
			kind = SHEET_DATE;
		} else if (fmt == FMT_PERCENT) {
			kind = SHEET_NUM;
			put_percent(num, &out);
		} else {
			kind = SHEET_NUM;
			put_number(num, &out);
		}
	}
	if (out.len)
		rc = add_cell(r, s, row, col, kind, out.data, out.len);
	xmlFree(v);
	xmlFree(t);
	xmlFree(st);
	buf_free(&out);
	buf_free(&w);
	return rc;
}

/* Fills the merged range r0,c0:r1,c1 of s with its top-left cell's value,
 * looked for among the first `before` cells (those read, sorted). */
static int fill_range(struct reader *r, struct sheet *s, size_t before, uint32_t r0, uint32_t c0, uint32_t r1,
                      uint32_t c1)
{
	struct sheet_cell key = { .row = r0, .col = c0 };
	const struct sheet_cell *tl = before ? bsearch(&key, s->v, before, sizeof *s->v, cell_cmp) : NULL;
	int rc = 0;
	if (!tl)
		return 0;
	if ((uint64_t)(r1 - r0 + 1) * (c1 - c0 + 1) > SHEET_MAX_CELLS) {
		struct buf w = BUF_INIT;
		diag_add(r->d, DIAG_ERROR, where(r, s, &w), (int)r0, (int)c0, NULL, 0,
		         "a merged range of more than %u cells: refused", SHEET_MAX_CELLS);
		buf_free(&w);
		return -1;
	}
	size_t ti = (size_t)(tl - s->v);
	for (uint32_t rr = r0; rr <= r1 && rc == 0; rr++)
		for (uint32_t cc = c0; cc <= c1 && rc == 0; cc++) {
			if (rr == r0 && cc == c0)
				continue;
			/* s->v may move as cells are added: copy the text first. */
			char *t = xstrdup(s->v[ti].text);
			rc = add_cell(r, s, rr, cc, s->v[ti].kind, t, strlen(t));
			free(t);
		}
	return rc;
}

/* Fills each merged range with its top-left cell's value. */
static int fill_merged(struct xlsx *x, struct sheet *s, const xmlNode *root)
{
	struct reader *r = x->r;
	const xmlNode *mc = child(root, "mergeCells");
	struct buf w = BUF_INIT;
	int rc = 0;
	finish_sheet(s);
	size_t before = s->n;
	for (const xmlNode *m = mc ? mc->children : NULL; m && rc == 0; m = m->next) {
		char *ref = is_el(m, "mergeCell") ? attr(m, "ref") : NULL;
		char *colon = ref ? strchr(ref, ':') : NULL;
		uint32_t c0, r0, c1, r1;
		if (colon)
			*colon = 0;
		if (!colon || !parse_ref(ref, &c0, &r0) || !parse_ref(colon + 1, &c1, &r1) || c0 > c1 || r0 > r1 ||
		    c1 > SHEET_MAX_COL || r1 > SHEET_MAX_ROW || !r0 || !c0) {
			if (ref)
				diag_add(r->d, DIAG_WARNING, where(r, s, &w), 0, 0, NULL, 0,
				         "a merged range that is not one: %s%s%s (left as it is)", ref, colon ? ":" : "",
				         colon ? colon + 1 : "");
			xmlFree(ref);
			continue;
		}
		xmlFree(ref);
		rc = fill_range(r, s, before, r0, c0, r1, c1);
	}
	/* Cells read win over merged copies: finish_sheet keeps the first of a place. */
	finish_sheet(s);
	buf_free(&w);
	return rc;
}

static int read_worksheet(struct xlsx *x, struct sheet *s, const char *part)
{
	struct reader *r = x->r;
	struct buf b = BUF_INIT, w = BUF_INIT;
	int rc = -1;
	int got = zipxml_read_part(x->z, r->path, part, SHEET_MAX_PART, &b, r->d);
	if (got == 0)
		diag_add(r->d, DIAG_ERROR, where(r, s, &w), 0, 0, NULL, 0, "the sheet's part %s is missing", part);
	if (got <= 0)
		goto out;
	xmlDoc *doc = zipxml_parse(r->path, part, b.data ? b.data : "", b.len, SHEET_MAX_PART, r->d);
	if (!doc)
		goto out;
	const xmlNode *root = xmlDocGetRootElement(doc);
	const xmlNode *data = child(root, "sheetData");
	uint32_t row = 0;
	rc = 0;
	for (const xmlNode *rn = data ? data->children : NULL; rn && rc == 0; rn = rn->next) {
		if (!is_el(rn, "row"))
			continue;
		char *ra = attr(rn, "r");
		row = ra ? (uint32_t)strtoul(ra, NULL, 10) : row + 1;
		xmlFree(ra);
		uint32_t col = 0;
		for (const xmlNode *c = rn->children; c && rc == 0; c = c->next) {
			if (!is_el(c, "c"))
				continue;
			char *ref = attr(c, "r");
			uint32_t cc = col + 1, cr = row;
			if (ref && !parse_ref(ref, &cc, &cr)) {
				diag_add(r->d, DIAG_WARNING, where(r, s, &w), (int)row, (int)col + 1, NULL, 0,
				         "a cell named '%s', not a cell reference: read as the next cell", ref);
				cc = col + 1;
				cr = row;
			}
			xmlFree(ref);
			if (!cr || !cc || cr > SHEET_MAX_ROW || cc > SHEET_MAX_COL) {
				diag_add(r->d, DIAG_ERROR, where(r, s, &w), 0, 0, NULL, 0,
				         "a cell outside Excel's grid (row %u, column %u): a damaged file", cr, cc);
				rc = -1;
				break;
			}
			col = cc;
			rc = cell_value(x, s, c, cr, cc);
		}
	}
	if (rc == 0)
		rc = fill_merged(x, s, root);
	xmlFreeDoc(doc);
out:
	buf_free(&b);
	buf_free(&w);
	return rc;
}

/* The part a relationship's Target names, from xl/. */
static char *rel_part(const char *target)
{
	struct buf p = BUF_INIT;
	if (target[0] == '/')
		buf_puts(&p, target + 1);
	else {
		buf_puts(&p, "xl/");
		while (strncmp(target, "../", 3) == 0)
			target += 3;   /* from xl/ up is the root; xl/ itself is added back */
		buf_puts(&p, target);
	}
	char *r = xstrdup(buf_cstr(&p));
	buf_free(&p);
	return r;
}

/* Reads part into a tree; NULL (absent, *absent set) or after an error. */
static xmlDoc *read_xml(struct xlsx *x, const char *part, int *absent)
{
	struct buf b = BUF_INIT;
	xmlDoc *doc = NULL;
	int got = zipxml_read_part(x->z, x->r->path, part, SHEET_MAX_PART, &b, x->r->d);
	*absent = got == 0;
	if (got > 0)
		doc = zipxml_parse(x->r->path, part, b.data ? b.data : "", b.len, SHEET_MAX_PART, x->r->d);
	buf_free(&b);
	return doc;
}

static int read_xlsx(struct reader *r)
{
	int err = 0, rc = -1, absent;
	struct xlsx x = { .r = r };
	xmlDoc *wb = NULL, *rels = NULL, *sst = NULL, *sty = NULL;
	x.z = zip_open(r->path, ZIP_RDONLY, &err);
	if (!x.z) {
		diag_add(r->d, DIAG_ERROR, r->path, 0, 0, NULL, 0, "cannot open as an Excel workbook (.xlsx): %s",
		         zipxml_why(err));
		return -1;
	}
	wb = read_xml(&x, "xl/workbook.xml", &absent);
	if (absent)
		diag_add(r->d, DIAG_ERROR, r->path, 0, 0, NULL, 0,
		         "a ZIP archive without xl/workbook.xml: not an Excel workbook (.xlsx)");
	if (!wb)
		goto out;
	rels = read_xml(&x, "xl/_rels/workbook.xml.rels", &absent);
	if (!rels && !absent)
		goto out;
	sst = read_xml(&x, "xl/sharedStrings.xml", &absent);
	if (!sst && !absent)
		goto out;
	sty = read_xml(&x, "xl/styles.xml", &absent);
	if (!sty && !absent)
		goto out;
	const xmlNode *root = xmlDocGetRootElement(wb);
	char *d1904 = attr(child(root, "workbookPr"), "date1904");
	r->b->date1904 = d1904 && (strcmp(d1904, "1") == 0 || strcmp(d1904, "true") == 0);
	xmlFree(d1904);
	if (sty)
		read_styles(&x, xmlDocGetRootElement(sty));
	if (sst && read_sst(&x, xmlDocGetRootElement(sst)) < 0)
		goto out;
	const xmlNode *sheets = child(root, "sheets");
	int k = 0;
	rc = 0;
	for (const xmlNode *sn = sheets ? sheets->children : NULL; sn && rc == 0; sn = sn->next) {
		if (!is_el(sn, "sheet"))
			continue;
		if (++k > SHEET_MAX_SHEETS) {
			diag_add(r->d, DIAG_ERROR, r->path, 0, 0, NULL, 0, "more than %d sheets: refused", SHEET_MAX_SHEETS);
			rc = -1;
			break;
		}
		char *name = attr(sn, "name"), *id = attr(sn, "id");
		char *part = NULL;
		const xmlNode *rr = rels ? xmlDocGetRootElement(rels) : NULL;
		for (const xmlNode *rel = rr ? rr->children : NULL; rel && id && !part; rel = rel->next) {
			char *rid = is_el(rel, "Relationship") ? attr(rel, "Id") : NULL;
			char *target = rid && strcmp(rid, id) == 0 ? attr(rel, "Target") : NULL;
			if (target)
				part = rel_part(target);
			xmlFree(rid);
			xmlFree(target);
		}
		if (!part) {
			char tmp[64];
			snprintf(tmp, sizeof tmp, "xl/worksheets/sheet%d.xml", k);
			part = xstrdup(tmp);
		}
		struct sheet *s = add_sheet(r, name && *name ? name : "?");
		rc = read_worksheet(&x, s, part);
		free(part);
		xmlFree(name);
		xmlFree(id);
	}
	if (rc == 0 && k == 0) {
		diag_add(r->d, DIAG_ERROR, r->path, 0, 0, NULL, 0, "the workbook has no sheets");
		rc = -1;
	}
out:
	for (size_t i = 0; i < x.nsst; i++)
		free(x.sst[i]);
	free(x.sst);
	free(x.sstlen);
	free(x.xf);
	xmlFreeDoc(wb);
	xmlFreeDoc(rels);
	xmlFreeDoc(sst);
	xmlFreeDoc(sty);
	zip_discard(x.z);
	return rc;
}

/* ---- .xls ------------------------------------------------------------------- */

static int read_xls(struct reader *r)
{
	const void *h = NULL;
	int e = freexl_open(r->path, &h);
	if (e != FREEXL_OK) {
		diag_add(r->d, DIAG_ERROR, r->path, 0, 0, NULL, 0,
		         "cannot read as an Excel 97-2003 workbook (.xls) (libfreexl error %d): a Word .doc, a "
		         "file with a password, or damaged; save it as .xlsx",
		         e);
		if (h)
			freexl_close(h);
		return -1;
	}
	unsigned int nsheets = 0, mode = 0;
	freexl_get_info(h, FREEXL_BIFF_SHEET_COUNT, &nsheets);
	if (freexl_get_info(h, FREEXL_BIFF_DATEMODE, &mode) == FREEXL_OK)
		r->b->date1904 = mode == FREEXL_BIFF_DATEMODE_1904;
	int rc = 0;
	struct buf t = BUF_INIT;
	/* Percent formats and merged ranges, which libfreexl does not give. */
	struct sheetxls fx;
	const char *why = NULL;
	if (buf_read_file_max(&t, r->path, SHEET_MAX_FILE) < 0)
		why = diag_errstr(errno);
	else if (sheetxls_read((const unsigned char *)(t.data ? t.data : ""), t.len, &fx, &why) == 0 &&
	         fx.n != nsheets) {
		sheetxls_free(&fx);
		why = "its worksheets are not those libfreexl reads";
	}
	if (why) {
		memset(&fx, 0, sizeof fx);
		diag_add(r->d, DIAG_WARNING, r->path, 0, 0, NULL, 0,
		         "cannot read the cell formats, formulas and merged cells (%s): a percent is read as a "
		         "fraction (0.45, not 45%%), a formula's cell as empty and a merged cell's value only in its "
		         "first cell",
		         why);
	}
	buf_reset(&t);
	if (nsheets > SHEET_MAX_SHEETS) {
		diag_add(r->d, DIAG_ERROR, r->path, 0, 0, NULL, 0, "more than %d sheets: refused", SHEET_MAX_SHEETS);
		rc = -1;
	}
	for (unsigned int i = 0; i < nsheets && rc == 0; i++) {
		const char *name = NULL;
		unsigned int rows = 0;
		unsigned short cols = 0;
		if (freexl_get_worksheet_name(h, (unsigned short)i, &name) != FREEXL_OK ||
		    freexl_select_active_worksheet(h, (unsigned short)i) != FREEXL_OK ||
		    freexl_worksheet_dimensions(h, &rows, &cols) != FREEXL_OK)
			continue;
		struct sheet *s = add_sheet(r, name && *name ? name : "?");
		if (rows > SHEET_MAX_ROW)
			rows = SHEET_MAX_ROW;
		for (unsigned int row = 0; row < rows && rc == 0; row++)
			for (unsigned short col = 0; col < cols && rc == 0; col++) {
				FreeXL_CellValue v;
				if (freexl_get_cell_value(h, row, col, &v) != FREEXL_OK)
					continue;
				enum sheet_kind kind = SHEET_TEXT;
				buf_reset(&t);
				switch (v.type) {
				case FREEXL_CELL_INT:
				case FREEXL_CELL_DOUBLE: {
					kind = SHEET_NUM;
					double num = v.type == FREEXL_CELL_INT ? v.value.int_value : v.value.double_value;
					if (i < fx.n && sheetxls_is_percent(&fx.v[i], row + 1, (uint32_t)col + 1)) {
						put_percent(num, &t);   /* 0.45 shown as 45%, as in an .xlsx */
					} else {
						put_number(num, &t);
					}
					break;
				}
				case FREEXL_CELL_TEXT:
				case FREEXL_CELL_SST_TEXT:
				case FREEXL_CELL_TIME:
					if (v.value.text_value)
						buf_puts(&t, v.value.text_value);
					break;
				case FREEXL_CELL_DATE:
				case FREEXL_CELL_DATETIME:
					kind = SHEET_DATE;
					if (v.value.text_value)
						buf_puts(&t, v.value.text_value);
					break;
				default:
					break;
				}
				if (t.len && utf8_invalid_at(t.data, t.len) != t.len)
					continue;   /* libfreexl converts to UTF-8; a cell it could not is left out */
				rc = add_cell(r, s, row + 1, (uint32_t)col + 1, kind, t.data ? t.data : "", t.len);
			}
		/* Formulas' results, which libfreexl leaves out (of a cell it did
		 * read, its own is kept: finish_sheet keeps the first read). */
		for (size_t k = 0; i < fx.n && k < fx.v[i].nformulas && rc == 0; k++) {
			const struct sheetxls_value *f = &fx.v[i].formulas[k];
			enum sheet_kind kind = SHEET_NUM;
			buf_reset(&t);
			if (f->kind == SHEETXLS_TEXT || f->kind == SHEETXLS_ERROR) {
				kind = f->kind == SHEETXLS_TEXT ? SHEET_TEXT : SHEET_ERROR;
				buf_puts(&t, f->text);
			} else if (f->kind == SHEETXLS_BOOL) {
				kind = SHEET_BOOL;
				buf_puts(&t, f->num ? "TRUE" : "FALSE");
			} else if (f->kind == SHEETXLS_PERCENT) {
				put_percent(f->num, &t);
			} else if (f->kind == SHEETXLS_DATE && serial_date(f->num, r->b->date1904, &t)) {
				kind = SHEET_DATE;
			} else {
				put_number(f->num, &t);
			}
			if (f->row <= SHEET_MAX_ROW && f->col <= SHEET_MAX_COL)
				rc = add_cell(r, s, f->row, f->col, kind, t.data ? t.data : "", t.len);
		}
		finish_sheet(s);
		size_t before = s->n;
		for (size_t m = 0; i < fx.n && m < fx.v[i].nmerges && rc == 0; m++) {
			const struct sheetxls_range *g = &fx.v[i].merges[m];
			if (g->r0 <= g->r1 && g->c0 <= g->c1)
				rc = fill_range(r, s, before, g->r0, g->c0, g->r1, g->c1);
		}
		/* Cells read win over merged copies, as in an .xlsx. */
		finish_sheet(s);
	}
	sheetxls_free(&fx);
	buf_free(&t);
	freexl_close(h);
	return rc;
}

/* ---- CSV -------------------------------------------------------------------- */

int sheet_parse_csv(const char *path, const char *s, size_t len, struct sheet_book *b, struct diags *d)
{
	struct reader r = { .path = path, .b = b, .d = d };
	struct buf conv = BUF_INIT, cell = BUF_INIT;
	int rc = -1;
	memset(b, 0, sizeof *b);
	if (len >= 2 && ((s[0] == '\xff' && s[1] == '\xfe') || (s[0] == '\xfe' && s[1] == '\xff'))) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "UTF-16 text (Excel's \"Unicode text\"): save it as \"CSV UTF-8\" or as .xlsx");
		return -1;
	}
	if (import_utf8(path, &s, &len, &conv, d) < 0)
		goto out;
	size_t i = utf8_bom(s, len);
	/* The separator: a TAB when the first line has one and no comma. */
	char sep = ',';
	size_t eol = i;
	while (eol < len && s[eol] != '\n')
		eol++;
	if (memchr(s + i, '\t', eol - i) && !memchr(s + i, ',', eol - i))
		sep = '\t';
	struct sheet *sh = add_sheet(&r, "");
	uint32_t row = 1, col = 1;
	rc = 0;
	while (i < len && rc == 0) {
		buf_reset(&cell);
		if (s[i] == '"') {
			i++;
			for (;;) {
				if (i >= len) {
					diag_add(d, DIAG_ERROR, path, (int)row, (int)col, NULL, 0,
					         "a quoted field is not closed (a \" is missing)");
					rc = -1;
					break;
				}
				if (s[i] == '"' && i + 1 < len && s[i + 1] == '"') {
					buf_putc(&cell, '"');
					i += 2;
				} else if (s[i] == '"') {
					i++;
					break;
				} else {
					/* A line break inside quotes is no new row (as Excel reads it). */
					if (s[i] != '\r')
						buf_putc(&cell, s[i]);
					i++;
				}
			}
		}
		while (rc == 0 && i < len && s[i] != sep && s[i] != '\n' && s[i] != '\r')
			buf_putc(&cell, s[i++]);   /* text after a closing quote is kept, as Excel does */
		if (rc)
			break;
		if (row > SHEET_MAX_ROW || col > SHEET_MAX_COL) {
			diag_add(d, DIAG_ERROR, path, (int)row, (int)col, NULL, 0, "past Excel's grid: refused");
			rc = -1;
			break;
		}
		rc = add_cell(&r, sh, row, col, SHEET_TEXT, cell.data ? cell.data : "", cell.len);
		if (i < len && s[i] == sep) {
			i++;
			col++;
			if (i == len)
				break;
			continue;
		}
		if (i < len && s[i] == '\r')
			i++;
		if (i < len && s[i] == '\n')
			i++;
		row++;
		col = 1;
	}
	finish_sheet(sh);
out:
	buf_free(&conv);
	buf_free(&cell);
	if (rc < 0)
		sheet_book_free(b);
	return rc;
}

/* ---- any -------------------------------------------------------------------- */

int sheet_detect(const char *path)
{
	enum docread_kind k = docread_detect(path);
	if (k == DOCREAD_OLE)
		return SHEET_FILE_XLS;
	if (k == DOCREAD_ZIP || k == DOCREAD_DOCX)
		return SHEET_FILE_XLSX;
	return SHEET_FILE_CSV;
}

int sheet_is_spreadsheet(const char *path)
{
	static const char *const ext[] = { ".xlsx", ".xlsm", ".xls", ".csv", ".tsv" };
	size_t n = strlen(path);
	for (size_t i = 0; i < sizeof ext / sizeof *ext; i++) {
		size_t k = strlen(ext[i]);
		if (n > k && strcasecmp(path + n - k, ext[i]) == 0)
			return 1;
	}
	if (docread_detect(path) != DOCREAD_ZIP)
		return 0;
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	int yes = z && zip_name_locate(z, "xl/workbook.xml", 0) >= 0;
	if (z)
		zip_discard(z);
	return yes;
}

int sheet_read(const char *path, struct sheet_book *b, struct diags *d)
{
	struct stat st;
	memset(b, 0, sizeof *b);
	if (stat(path, &st) != 0) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
		return -1;
	}
	if (st.st_size > (off_t)SHEET_MAX_FILE) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "a spreadsheet larger than %u bytes: refused",
		         SHEET_MAX_FILE);
		return -1;
	}
	struct reader r = { .path = path, .b = b, .d = d };
	int rc;
	switch (sheet_detect(path)) {
	case SHEET_FILE_XLSX:
		rc = read_xlsx(&r);
		break;
	case SHEET_FILE_XLS:
		rc = read_xls(&r);
		break;
	default: {
		struct buf t = BUF_INIT;
		if (buf_read_file_max(&t, path, SHEET_MAX_FILE) < 0) {
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
			buf_free(&t);
			return -1;
		}
		rc = sheet_parse_csv(path, t.data ? t.data : "", t.len, b, d);
		buf_free(&t);
		return rc;
	}
	}
	if (rc < 0)
		sheet_book_free(b);
	return rc;
}
