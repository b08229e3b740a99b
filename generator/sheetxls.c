/* sheetxls.c: percent formats, formula results and merged ranges of an .xls, from its BIFF8 stream (see sheetxls.h). */
#include "sheetxls.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "utf8.h"
#include "xalloc.h"

static uint32_t u16(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8;
}

static uint32_t u32(const unsigned char *p)
{
	return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

/* ---- the compound file ------------------------------------------------------ */

#define CFB_END 0xfffffffeu   /* ENDOFCHAIN */

struct cfb {
	const unsigned char *s;
	size_t len;
	uint32_t shift;       /* sector size 1 << shift: 512 or 4096 */
	uint32_t *fat;        /* next sector of each sector */
	size_t nfat;
};

/* Appends the chain from sector start to out, stopping at size bytes; -1
 * when it leaves the file, loops or ends short. */
static int read_chain(const struct cfb *c, uint32_t start, size_t size, struct buf *out)
{
	size_t sec = (size_t)1 << c->shift;
	unsigned char *seen = xcalloc(c->nfat ? c->nfat : 1, 1);
	int rc = -1;
	for (uint32_t k = start; k != CFB_END && out->len < size; k = c->fat[k]) {
		size_t off = ((size_t)k + 1) << c->shift;
		if (k >= c->nfat || seen[k] || off > c->len || c->len - off < sec)
			goto out;
		seen[k] = 1;
		size_t take = size - out->len < sec ? size - out->len : sec;
		buf_put(out, c->s + off, take);
	}
	rc = out->len == size ? 0 : -1;
out:
	free(seen);
	return rc;
}

/* The same through the mini stream (sectors of 64 bytes) and mini FAT. */
static int read_mini(const struct buf *ministream, const struct buf *minifat, uint32_t start, size_t size,
                     struct buf *out)
{
	size_t nmini = minifat->len / 4;
	unsigned char *seen = xcalloc(nmini ? nmini : 1, 1);
	int rc = -1;
	for (uint32_t k = start; k != CFB_END && out->len < size;
	     k = u32((const unsigned char *)minifat->data + 4 * (size_t)k)) {
		size_t off = (size_t)k * 64;
		if (k >= nmini || seen[k] || off > ministream->len || ministream->len - off < 64)
			goto out;
		seen[k] = 1;
		size_t take = size - out->len < 64 ? size - out->len : 64;
		buf_put(out, ministream->data + off, take);
	}
	rc = out->len == size ? 0 : -1;
out:
	free(seen);
	return rc;
}

/* The Workbook stream of the compound file s into out; NULL or why not. */
static const char *workbook_stream(const unsigned char *s, size_t len, struct buf *out)
{
	static const unsigned char magic[8] = { 0xd0, 0xcf, 0x11, 0xe0, 0xa1, 0xb1, 0x1a, 0xe1 };
	struct cfb c = { .s = s, .len = len };
	struct buf dir = BUF_INIT, ministream = BUF_INIT, minifat = BUF_INIT, difat = BUF_INIT;
	const char *why = NULL;
	if (len < 512 || memcmp(s, magic, 8) != 0) {
		why = "not an OLE compound file";
		goto out;
	}
	c.shift = u16(s + 0x1e);
	if (c.shift != 9 && c.shift != 12) {
		why = "a compound file with an unknown sector size";
		goto out;
	}
	size_t sec = (size_t)1 << c.shift, per = sec / 4;
	uint32_t nfatsec = u32(s + 0x2c), dirstart = u32(s + 0x30), cutoff = u32(s + 0x38);
	uint32_t minifatstart = u32(s + 0x3c), nminifat = u32(s + 0x40), difatnext = u32(s + 0x44);
	size_t nsectors = len >> c.shift;
	if (nfatsec > nsectors || nfatsec > SHEETXLS_MAX_SECTORS / per + 1) {
		why = "a compound file whose FAT is larger than the file";
		goto out;
	}
	/* The FAT's sectors: 109 in the header, the rest in the DIFAT chain. */
	for (size_t i = 0; i < 109 && difat.len / 4 < nfatsec; i++)
		buf_put(&difat, s + 0x4c + 4 * i, 4);
	for (size_t hops = 0; difat.len / 4 < nfatsec; hops++) {
		size_t off = ((size_t)difatnext + 1) << c.shift;
		if (difatnext >= nsectors || hops > nsectors || off > len || len - off < sec) {
			why = "a compound file whose DIFAT leaves the file";
			goto out;
		}
		for (size_t i = 0; i + 1 < per && difat.len / 4 < nfatsec; i++)
			buf_put(&difat, s + off + 4 * i, 4);
		difatnext = u32(s + off + 4 * (per - 1));
	}
	c.nfat = (size_t)nfatsec * per;
	c.fat = xcalloc(c.nfat ? c.nfat : 1, sizeof *c.fat);
	for (size_t i = 0; i < nfatsec; i++) {
		uint32_t k = u32((const unsigned char *)difat.data + 4 * i);
		size_t off = ((size_t)k + 1) << c.shift;
		if (k >= nsectors || off > len || len - off < sec) {
			why = "a compound file whose FAT leaves the file";
			goto out;
		}
		for (size_t j = 0; j < per; j++)
			c.fat[i * per + j] = u32(s + off + 4 * j);
	}
	/* The directory: 128-byte entries, the root (the mini stream) first. */
	size_t dirsize = 0;
	for (uint32_t k = dirstart; k != CFB_END && k < c.nfat && dirsize <= len; k = c.fat[k])
		dirsize += sec;
	if (!dirsize || read_chain(&c, dirstart, dirsize, &dir) < 0) {
		why = "a compound file whose directory leaves the file";
		goto out;
	}
	const unsigned char *wb = NULL;
	for (size_t off = 0; off + 128 <= dir.len && !wb; off += 128) {
		const unsigned char *e = (const unsigned char *)dir.data + off;
		static const char name[] = "workbook";
		int same = u16(e + 0x40) == 18 && e[0x42] == 2;
		for (size_t i = 0; same && i < 8; i++)
			same = (e[2 * i] | 0x20) == name[i] && e[2 * i + 1] == 0;
		if (same)
			wb = e;
	}
	if (!wb) {
		why = "no Workbook stream (an Excel 5 or older file, or not a workbook)";
		goto out;
	}
	uint32_t start = u32(wb + 0x74), size = u32(wb + 0x78);
	if (size > len) {
		why = "a Workbook stream larger than the file";
		goto out;
	}
	if (size >= cutoff) {
		if (read_chain(&c, start, size, out) < 0)
			why = "a Workbook stream that leaves the file";
		goto out;
	}
	/* A small stream lives in the mini stream (the root entry's). */
	const unsigned char *root = (const unsigned char *)dir.data;
	size_t minisize = u32(root + 0x78);
	if (nminifat > nsectors || minisize > len || read_chain(&c, u32(root + 0x74), minisize, &ministream) < 0 ||
	    read_chain(&c, minifatstart, (size_t)nminifat * sec, &minifat) < 0 ||
	    read_mini(&ministream, &minifat, start, size, out) < 0)
		why = "a Workbook stream in the mini stream that leaves it";
out:
	free(c.fat);
	buf_free(&dir);
	buf_free(&ministream);
	buf_free(&minifat);
	buf_free(&difat);
	if (why)
		buf_reset(out);
	return why;
}

/* ---- BIFF8 records ---------------------------------------------------------- */

enum {
	REC_FORMULA = 0x0006, REC_EOF = 0x000a, REC_BOUNDSHEET = 0x0085, REC_MULRK = 0x00bd,
	REC_XF = 0x00e0, REC_MERGEDCELLS = 0x00e5, REC_NUMBER = 0x0203, REC_STRING = 0x0207,
	REC_RK = 0x027e, REC_FORMAT = 0x041e, REC_BOF = 0x0809,
};

/* How a number format shows a number. */
enum { FMT_PLAIN, FMT_DATE, FMT_PERCENT };

/* The class of a format code (its characters' low bytes, others '?'): a
 * date with y or d, a percent with %, outside quotes, brackets and after
 * \ escapes (as sheet.c reads an .xlsx's formats). */
static int code_class(const char *code, size_t n)
{
	int q = 0, br = 0, date = 0, pct = 0;
	for (size_t i = 0; i < n; i++) {
		char ch = code[i];
		if (ch == '\\') {
			i++;
			continue;
		}
		if (ch == '"')
			q = !q;
		else if (!q && ch == '[')
			br = 1;
		else if (!q && ch == ']')
			br = 0;
		else if (!q && !br && (ch == 'y' || ch == 'Y' || ch == 'd' || ch == 'D'))
			date = 1;
		else if (!q && !br && ch == '%')
			pct = 1;
	}
	return date ? FMT_DATE : pct ? FMT_PERCENT : FMT_PLAIN;
}

/* Excel's built-in formats: 14-22, 27-36 and 50-58 dates, 9 and 10 percents. */
static int builtin_class(uint32_t id)
{
	if ((id >= 14 && id <= 17) || id == 22 || (id >= 27 && id <= 36) || (id >= 50 && id <= 58))
		return FMT_DATE;
	return id == 9 || id == 10 ? FMT_PERCENT : FMT_PLAIN;
}

struct fmt {
	uint32_t id;
	int cls;
};

struct sheetrd {
	struct sheetxls_sheet *sh;
	const unsigned char *xfcls;   /* FMT_* of each XF */
	size_t nxf;
	size_t cap, mcap, fcap;
	size_t pending;               /* the formula whose text a STRING record holds, or SIZE_MAX */
};

static void add_pct(struct sheetrd *r, uint32_t row, uint32_t col)
{
	struct sheetxls_sheet *sh = r->sh;
	if (sh->npct == r->cap) {
		r->cap = r->cap ? 2 * r->cap : 16;
		sh->pct = xrealloc(sh->pct, r->cap * sizeof *sh->pct);
	}
	sh->pct[sh->npct++] = (struct sheetxls_range){ row, col, row, col };
}

/* The percent cells of a NUMBER, RK or MULRK record at p (n bytes). */
static void cell_xf(struct sheetrd *r, uint32_t t, const unsigned char *p, size_t n)
{
	if ((t == REC_NUMBER || t == REC_RK) && n >= 6) {
		uint32_t xf = u16(p + 4);
		if (xf < r->nxf && r->xfcls[xf] == FMT_PERCENT)
			add_pct(r, u16(p) + 1, u16(p + 2) + 1);
	} else if (t == REC_MULRK && n >= 6) {
		for (size_t i = 0; 4 + 6 * i + 6 <= n - 2; i++) {
			uint32_t xf = u16(p + 4 + 6 * i);
			if (xf < r->nxf && r->xfcls[xf] == FMT_PERCENT)
				add_pct(r, u16(p) + 1, u16(p + 2) + (uint32_t)i + 1);
		}
	}
}

/* A string of n characters at p, of 16-bit units when wide, else bytes
 * (Latin-1), into UTF-8 (a lone surrogate U+FFFD); at most have bytes read. */
static char *biff_text(const unsigned char *p, size_t have, size_t n, int wide)
{
	struct buf b = BUF_INIT;
	char enc[4];
	for (size_t i = 0; i < n && (wide ? 2 * i + 2 : i + 1) <= have; i++) {
		uint32_t cp = wide ? u16(p + 2 * i) : p[i];
		if (wide && cp >= 0xd800 && cp <= 0xdbff && 2 * i + 4 <= have && i + 1 < n &&
		    u16(p + 2 * i + 2) >= 0xdc00 && u16(p + 2 * i + 2) <= 0xdfff) {
			cp = 0x10000 + ((cp - 0xd800) << 10) + (u16(p + 2 * i + 2) - 0xdc00);
			i++;
		} else if (wide && cp >= 0xd800 && cp <= 0xdfff) {
			cp = 0xfffd;
		}
		buf_put(&b, enc, utf8_encode(cp, enc));
	}
	return buf_detach(&b, NULL);   /* NULL when empty: no value */
}

/* A FORMULA record's cached result (rw, col, ixfe, then 8 bytes: a double,
 * or 0xFFFF in the last two and the kind in the first). */
static void formula(struct sheetrd *r, const unsigned char *p, size_t n)
{
	static const struct {
		unsigned code;
		const char *text;
	} errors[] = { { 0x00, "#NULL!" }, { 0x07, "#DIV/0!" }, { 0x0f, "#VALUE!" }, { 0x17, "#REF!" },
		       { 0x1d, "#NAME?" }, { 0x24, "#NUM!" }, { 0x2a, "#N/A" } };
	struct sheetxls_sheet *sh = r->sh;
	r->pending = SIZE_MAX;
	if (n < 14)
		return;
	struct sheetxls_value v = { .row = u16(p) + 1, .col = u16(p + 2) + 1 };
	uint32_t xf = u16(p + 4);
	const unsigned char *val = p + 6;
	if (u16(val + 6) == 0xffff) {
		switch (val[0]) {
		case 0:   /* text, in the STRING record that follows */
			v.kind = SHEETXLS_TEXT;
			break;
		case 1:
			v.kind = SHEETXLS_BOOL;
			v.num = val[2] != 0;
			break;
		case 2: {
			const char *e = "#VALUE!";
			for (size_t i = 0; i < sizeof errors / sizeof *errors; i++)
				if (errors[i].code == val[2])
					e = errors[i].text;
			v.kind = SHEETXLS_ERROR;
			v.text = xstrdup(e);
			break;
		}
		default:   /* 3: an empty text */
			return;
		}
	} else {
		uint64_t bits = 0;
		for (int i = 7; i >= 0; i--)
			bits = bits << 8 | val[i];
		memcpy(&v.num, &bits, sizeof v.num);
		int cls = xf < r->nxf ? r->xfcls[xf] : FMT_PLAIN;
		v.kind = cls == FMT_DATE ? SHEETXLS_DATE : cls == FMT_PERCENT ? SHEETXLS_PERCENT : SHEETXLS_NUM;
		if (!isfinite(v.num)) {
			v.kind = SHEETXLS_ERROR;
			v.text = xstrdup("#NUM!");
		}
	}
	if (sh->nformulas == r->fcap) {
		r->fcap = r->fcap ? 2 * r->fcap : 16;
		sh->formulas = xrealloc(sh->formulas, r->fcap * sizeof *sh->formulas);
	}
	if (v.kind == SHEETXLS_TEXT)
		r->pending = sh->nformulas;
	sh->formulas[sh->nformulas++] = v;
}

static int range_cmp(const void *a, const void *b)
{
	const struct sheetxls_range *x = a, *y = b;
	if (x->r0 != y->r0)
		return x->r0 < y->r0 ? -1 : 1;
	return x->c0 < y->c0 ? -1 : x->c0 > y->c0;
}

/* Reads the sheet substream at w[off..wl) into r->sh; NULL or why not. */
static const char *read_sheet(struct sheetrd *r, const unsigned char *w, size_t wl, size_t off)
{
	struct sheetxls_sheet *sh = r->sh;
	if (off > wl || wl - off < 8 || u16(w + off) != REC_BOF)
		return "a sheet's offset is not a BIFF8 sheet";
	r->pending = SIZE_MAX;
	size_t depth = 0;   /* a chart drawn on the sheet is a substream of its own, BOF to EOF */
	for (int first = 1; off + 4 <= wl; first = 0) {
		uint32_t t = u16(w + off), n = u16(w + off + 2);
		const unsigned char *p = w + off + 4;
		if (wl - off - 4 < n)
			return "a record runs past the end of the Workbook stream";
		off += 4 + (size_t)n;
		if (t == REC_BOF && !first)
			depth++;
		if (t == REC_EOF && depth == 0)
			break;
		if (t == REC_EOF || depth > 0) {
			depth -= t == REC_EOF;
			continue;
		}
		if (t == REC_MERGEDCELLS && n >= 2) {
			uint32_t k = u16(p);
			for (uint32_t j = 0; j < k && 2 + 8 * (size_t)j + 8 <= n; j++) {
				const unsigned char *g = p + 2 + 8 * (size_t)j;
				if (sh->nmerges == r->mcap) {
					r->mcap = r->mcap ? 2 * r->mcap : 16;
					sh->merges = xrealloc(sh->merges, r->mcap * sizeof *sh->merges);
				}
				sh->merges[sh->nmerges++] =
					(struct sheetxls_range){ u16(g) + 1, u16(g + 4) + 1, u16(g + 2) + 1, u16(g + 6) + 1 };
			}
		} else if (t == REC_FORMULA) {
			formula(r, p, n);
		} else if (t == REC_STRING) {
			if (r->pending != SIZE_MAX && n >= 3)
				sh->formulas[r->pending].text = biff_text(p + 3, n - 3, u16(p), p[2] & 1);
			r->pending = SIZE_MAX;
		} else {
			cell_xf(r, t, p, n);
		}
	}
	if (sh->npct)
		qsort(sh->pct, sh->npct, sizeof *sh->pct, range_cmp);
	/* A text result whose STRING record never came is no value. */
	size_t k = 0;
	for (size_t i = 0; i < sh->nformulas; i++)
		if (sh->formulas[i].kind != SHEETXLS_TEXT || sh->formulas[i].text)
			sh->formulas[k++] = sh->formulas[i];
	sh->nformulas = k;
	return NULL;
}

int sheetxls_read(const unsigned char *s, size_t len, struct sheetxls *x, const char **why)
{
	struct buf st = BUF_INIT;
	struct fmt *fmts = NULL;
	uint32_t *xfs = NULL, *sheets = NULL;
	unsigned char *xfcls = NULL;
	size_t nfmt = 0, nxf = 0, nsheets = 0;
	int rc = -1;
	memset(x, 0, sizeof *x);
	*why = workbook_stream(s, len, &st);
	if (*why)
		goto out;
	const unsigned char *w = (const unsigned char *)st.data;
	size_t wl = st.len;
	if (wl < 8 || u16(w) != REC_BOF || u16(w + 4) != 0x0600) {
		*why = "no BIFF8 globals at the start of the Workbook stream";
		goto out;
	}
	/* The globals: number formats, cell formats, the sheets' offsets. */
	for (size_t off = 0; off + 4 <= wl;) {
		uint32_t t = u16(w + off), n = u16(w + off + 2);
		const unsigned char *p = w + off + 4;
		if (wl - off - 4 < n) {
			*why = "a record runs past the end of the Workbook stream";
			goto out;
		}
		off += 4 + (size_t)n;
		if (t == REC_EOF)
			break;
		if (t == REC_FORMAT && n >= 5) {
			uint32_t cch = u16(p + 2), wide = p[4] & 1;
			size_t have = (n - 5) / (wide ? 2 : 1);
			char code[256];
			size_t k = 0;
			for (size_t i = 0; i < cch && i < have && k < sizeof code; i++) {
				unsigned lo = wide ? p[5 + 2 * i] : p[5 + i], hi = wide ? p[6 + 2 * i] : 0;
				code[k++] = hi || lo >= 0x80 ? '?' : (char)lo;
			}
			fmts = xrealloc(fmts, (nfmt + 1) * sizeof *fmts);
			fmts[nfmt++] = (struct fmt){ u16(p), code_class(code, k) };
		} else if (t == REC_XF && n >= 4) {
			xfs = xrealloc(xfs, (nxf + 1) * sizeof *xfs);
			xfs[nxf++] = u16(p + 2);
		} else if (t == REC_BOUNDSHEET && n >= 6) {
			/* Every sheet, as libfreexl counts them; a chart, macro or VB
			 * sheet (its type not 0) is read as empty. */
			sheets = xrealloc(sheets, (nsheets + 1) * sizeof *sheets);
			sheets[nsheets++] = p[5] == 0 ? u32(p) : UINT32_MAX;
		}
	}
	/* Each XF's format: Excel's built-in, or one of the workbook's own. */
	xfcls = xcalloc(nxf ? nxf : 1, 1);
	for (size_t i = 0; i < nxf; i++) {
		xfcls[i] = (unsigned char)builtin_class(xfs[i]);
		for (size_t k = 0; k < nfmt; k++)
			if (fmts[k].id == xfs[i])
				xfcls[i] = (unsigned char)fmts[k].cls;
	}
	x->v = xcalloc(nsheets ? nsheets : 1, sizeof *x->v);
	x->n = nsheets;
	for (size_t i = 0; i < nsheets; i++) {
		struct sheetrd r = { .sh = &x->v[i], .xfcls = xfcls, .nxf = nxf };
		*why = sheets[i] == UINT32_MAX ? NULL : read_sheet(&r, w, wl, sheets[i]);
		if (*why)
			goto out;
	}
	rc = 0;
out:
	if (rc < 0)
		sheetxls_free(x);
	buf_free(&st);
	free(fmts);
	free(xfs);
	free(xfcls);
	free(sheets);
	return rc;
}

int sheetxls_is_percent(const struct sheetxls_sheet *s, uint32_t row, uint32_t col)
{
	struct sheetxls_range key = { row, col, row, col };
	return s && s->npct && bsearch(&key, s->pct, s->npct, sizeof *s->pct, range_cmp) != NULL;
}

void sheetxls_free(struct sheetxls *x)
{
	if (!x)
		return;
	for (size_t i = 0; i < x->n; i++) {
		free(x->v[i].merges);
		free(x->v[i].pct);
		for (size_t k = 0; k < x->v[i].nformulas; k++)
			free(x->v[i].formulas[k].text);
		free(x->v[i].formulas);
	}
	free(x->v);
	memset(x, 0, sizeof *x);
}
