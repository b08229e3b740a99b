/* sheetxls.c: percent formats and merged ranges of an .xls, from its BIFF8 Workbook stream (see sheetxls.h). */
#include "sheetxls.h"

#include <stdlib.h>
#include <string.h>

#include "buf.h"
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
	REC_XF = 0x00e0, REC_MERGEDCELLS = 0x00e5, REC_NUMBER = 0x0203, REC_RK = 0x027e,
	REC_FORMAT = 0x041e, REC_BOF = 0x0809,
};

/* A format code shows a percent: a % outside quotes and brackets, after
 * \ escapes. code holds its characters' low bytes (others as '?'). */
static int percent_code(const char *code, size_t n)
{
	int q = 0, br = 0;
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
		else if (!q && !br && ch == '%')
			return 1;
	}
	return 0;
}

struct fmt {
	uint32_t id;
	int pct;
};

/* The percent cells of a sheet's record at p (n bytes) of type t. */
static void cell_xf(uint32_t t, const unsigned char *p, size_t n, const unsigned char *xfpct, size_t nxf,
                    struct sheetxls_sheet *sh, size_t *cap)
{
	uint32_t row, col0, ncols;
	size_t step;
	if ((t == REC_NUMBER || t == REC_RK || t == REC_FORMULA) && n >= 6) {
		row = u16(p);
		col0 = u16(p + 2);
		ncols = 1;
		step = 0;
	} else if (t == REC_MULRK && n >= 6) {
		row = u16(p);
		col0 = u16(p + 2);
		ncols = (uint32_t)((n - 6) / 6);
		step = 6;
	} else {
		return;
	}
	for (uint32_t i = 0; i < ncols; i++) {
		uint32_t xf = step ? u16(p + 4 + step * i) : u16(p + 4);
		if (xf >= nxf || !xfpct[xf])
			continue;
		if (sh->npct == *cap) {
			*cap = *cap ? 2 * *cap : 16;
			sh->pct = xrealloc(sh->pct, *cap * sizeof *sh->pct);
		}
		sh->pct[sh->npct++] = (struct sheetxls_range){ row + 1, col0 + i + 1, row + 1, col0 + i + 1 };
	}
}

static int range_cmp(const void *a, const void *b)
{
	const struct sheetxls_range *x = a, *y = b;
	if (x->r0 != y->r0)
		return x->r0 < y->r0 ? -1 : 1;
	return x->c0 < y->c0 ? -1 : x->c0 > y->c0;
}

int sheetxls_read(const unsigned char *s, size_t len, struct sheetxls *x, const char **why)
{
	struct buf st = BUF_INIT;
	struct fmt *fmts = NULL;
	uint32_t *xfs = NULL, *sheets = NULL;
	unsigned char *xfpct = NULL;
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
			fmts[nfmt++] = (struct fmt){ u16(p), percent_code(code, k) };
		} else if (t == REC_XF && n >= 4) {
			xfs = xrealloc(xfs, (nxf + 1) * sizeof *xfs);
			xfs[nxf++] = u16(p + 2);
		} else if (t == REC_BOUNDSHEET && n >= 6) {
			if (p[5] == 0) {   /* a worksheet (not a chart, macro or VB sheet) */
				sheets = xrealloc(sheets, (nsheets + 1) * sizeof *sheets);
				sheets[nsheets++] = u32(p);
			}
		}
	}
	/* Excel's built-in 9 (0%) and 10 (0.00%), or a format of its own. */
	xfpct = xcalloc(nxf ? nxf : 1, 1);
	for (size_t i = 0; i < nxf; i++) {
		xfpct[i] = xfs[i] == 9 || xfs[i] == 10;
		for (size_t k = 0; k < nfmt; k++)
			if (fmts[k].id == xfs[i])
				xfpct[i] = (unsigned char)fmts[k].pct;
	}
	x->v = xcalloc(nsheets ? nsheets : 1, sizeof *x->v);
	x->n = nsheets;
	for (size_t i = 0; i < nsheets; i++) {
		struct sheetxls_sheet *sh = &x->v[i];
		size_t cap = 0, mcap = 0, off = sheets[i];
		if (off > wl || wl - off < 8 || u16(w + off) != REC_BOF) {
			*why = "a sheet's offset is not a BIFF8 sheet";
			goto out;
		}
		while (off + 4 <= wl) {
			uint32_t t = u16(w + off), n = u16(w + off + 2);
			const unsigned char *p = w + off + 4;
			if (wl - off - 4 < n) {
				*why = "a record runs past the end of the Workbook stream";
				goto out;
			}
			off += 4 + (size_t)n;
			if (t == REC_EOF)
				break;
			if (t == REC_MERGEDCELLS && n >= 2) {
				uint32_t k = u16(p);
				for (uint32_t j = 0; j < k && 2 + 8 * (size_t)j + 8 <= n; j++) {
					const unsigned char *r = p + 2 + 8 * (size_t)j;
					if (sh->nmerges == mcap) {
						mcap = mcap ? 2 * mcap : 16;
						sh->merges = xrealloc(sh->merges, mcap * sizeof *sh->merges);
					}
					sh->merges[sh->nmerges++] =
						(struct sheetxls_range){ u16(r) + 1, u16(r + 4) + 1, u16(r + 2) + 1, u16(r + 6) + 1 };
				}
			} else {
				cell_xf(t, p, n, xfpct, nxf, sh, &cap);
			}
		}
		if (sh->npct)
			qsort(sh->pct, sh->npct, sizeof *sh->pct, range_cmp);
	}
	rc = 0;
out:
	if (rc < 0)
		sheetxls_free(x);
	buf_free(&st);
	free(fmts);
	free(xfs);
	free(xfpct);
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
	}
	free(x->v);
	memset(x, 0, sizeof *x);
}
