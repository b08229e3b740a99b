/* mkdoc.h: test fixtures made by the tests themselves, never binary blobs:
 * .docx files written with libzip from XML text, and small PDFs written by
 * hand (a Type0 font with an identity ToUnicode map, so pdftotext reads
 * Chinese back without any font file). Also a plain-text document (a seed)
 * turned into a .docx whose headings use Word's list numbering, and into a
 * PDF with wrapped lines, page numbers and a running header. */
#ifndef PP_MKDOC_H
#define PP_MKDOC_H

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <zip.h>

#include "buf.h"
#include "utf8.h"

#define MKDOC_W "http://schemas.openxmlformats.org/wordprocessingml/2006/main"

/* Writes a ZIP archive at out with n entries (names[i] holding datas[i]).
 * Returns 0 or -1. */
static inline int mkdoc_zip(const char *out, const char *const *names, const char *const *datas,
                     const size_t *lens, size_t n)
{
	int err = 0;
	zip_t *z = zip_open(out, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		return -1;
	for (size_t i = 0; i < n; i++) {
		size_t len = lens ? lens[i] : strlen(datas[i]);
		zip_source_t *s = zip_source_buffer(z, datas[i], len, 0);
		if (!s || zip_file_add(z, names[i], s, ZIP_FL_ENC_UTF_8) < 0) {
			zip_source_free(s);
			zip_discard(z);
			return -1;
		}
	}
	return zip_close(z) == 0 ? 0 : -1;
}

/* A .docx at out: body (the XML inside w:body), numbering and styles (whole
 * parts, or NULL). Returns 0 or -1. */
static inline int mkdoc_docx(const char *out, const char *body, const char *numbering, const char *styles)
{
	struct buf doc = BUF_INIT;
	buf_puts(&doc, "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>\n"
	               "<w:document xmlns:w=\"" MKDOC_W "\" "
	               "xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\">"
	               "<w:body>");
	buf_puts(&doc, body);
	buf_puts(&doc, "<w:sectPr/></w:body></w:document>");
	const char *names[6] = {
		"[Content_Types].xml", "_rels/.rels", "word/document.xml",
		"word/header1.xml", "word/numbering.xml", "word/styles.xml"
	};
	const char *datas[6] = {
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Types xmlns=\"http://schemas.openxmlformats.org/package/2006/content-types\">"
		"<Default Extension=\"rels\" ContentType=\"application/vnd.openxmlformats-package.relationships+xml\"/>"
		"<Default Extension=\"xml\" ContentType=\"application/xml\"/>"
		"<Override PartName=\"/word/document.xml\" ContentType=\"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml\"/>"
		"</Types>",
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?><Relationships xmlns=\"http://schemas.openxmlformats.org/package/2006/relationships\">"
		"<Relationship Id=\"rId1\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument\" Target=\"word/document.xml\"/>"
		"</Relationships>",
		buf_cstr(&doc),
		/* A header Word prints on every page: not body text. */
		"<w:hdr xmlns:w=\"" MKDOC_W "\"><w:p><w:r><w:t>页眉文字</w:t></w:r></w:p></w:hdr>",
		numbering, styles
	};
	size_t n = 4;
	if (numbering)
		n = 5;
	if (styles) {
		if (!numbering) {
			names[4] = names[5];
			datas[4] = datas[5];
		}
		n++;
	}
	int rc = mkdoc_zip(out, names, datas, NULL, n);
	buf_free(&doc);
	return rc;
}

static inline void mkdoc_xml_text(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		switch (s[i]) {
		case '&': buf_puts(out, "&amp;"); break;
		case '<': buf_puts(out, "&lt;"); break;
		case '>': buf_puts(out, "&gt;"); break;
		case '"': buf_puts(out, "&quot;"); break;
		default: buf_putc(out, s[i]);
		}
	}
}

/* The numbering the seed documents print: 一、 (level 0), （一） (level 1,
 * restarting under each 一、), 1. (level 2, numbered straight through). */
static const char mkdoc_seed_numbering[] =
	"<w:numbering xmlns:w=\"" MKDOC_W "\">"
	"<w:abstractNum w:abstractNumId=\"7\">"
	"<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>"
	"<w:lvlText w:val=\"%1、\"/><w:suff w:val=\"nothing\"/></w:lvl>"
	"<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/>"
	"<w:lvlText w:val=\"（%2）\"/><w:suff w:val=\"nothing\"/></w:lvl>"
	"<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:lvlRestart w:val=\"0\"/><w:numFmt w:val=\"decimal\"/>"
	"<w:lvlText w:val=\"%3.\"/></w:lvl>"
	"</w:abstractNum>"
	"<w:num w:numId=\"3\"><w:abstractNumId w:val=\"7\"/></w:num>"
	"</w:numbering>";

/* The level (0..2) and the length of the printed number s starts with, as
 * mkdoc_seed_numbering writes it, or -1. *val: the number. */
static inline int mkdoc_heading(const char *s, size_t n, size_t *len, long *val)
{
	static const char *const cn = "一二三四五六七八九十";
	size_t i = 0, open = 0;
	if (n >= 3 && memcmp(s, "（", 3) == 0)
		open = i = 3;
	if (i < n && s[i] >= '0' && s[i] <= '9' && !open) {
		long v = 0;
		while (i < n && s[i] >= '0' && s[i] <= '9')
			v = v * 10 + (s[i++] - '0');
		if (i < n && s[i] == '.') {
			*len = i + 1;
			*val = v;
			return 2;
		}
		if (i + 3 <= n && memcmp(s + i, "．", 3) == 0) {
			*len = i + 3;
			*val = v;
			return 2;
		}
		return -1;
	}
	long v = 0, digit = 0;
	size_t start = i;
	while (i + 3 <= n) {
		const char *p = cn;
		int k = -1;
		for (int j = 0; j < 10; j++)
			if (memcmp(s + i, p + 3 * j, 3) == 0)
				k = j;
		if (k < 0)
			break;
		if (k == 9) {
			v += (digit ? digit : 1) * 10;
			digit = 0;
		} else {
			digit = k + 1;
		}
		i += 3;
	}
	v += digit;
	if (i == start || v <= 0)
		return -1;
	if (open && i + 3 <= n && memcmp(s + i, "）", 3) == 0) {
		*len = i + 3;
		*val = v;
		return 1;
	}
	if (!open && i + 3 <= n && memcmp(s + i, "、", 3) == 0) {
		*len = i + 3;
		*val = v;
		return 0;
	}
	return -1;
}

/* The body of a .docx holding text (one paragraph per line): headings whose
 * number Word would print the same from mkdoc_seed_numbering get that
 * numbering instead of the printed number; every other line is a paragraph
 * of two runs (split at a character boundary) and a blank line an empty
 * paragraph. *numbered counts the headings given Word numbering. */
static inline void mkdoc_seed_body(const char *text, size_t len, struct buf *body, int *numbered)
{
	long count[3] = { 0, 0, 0 };
	*numbered = 0;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		const char *s = text + i;
		size_t n = j - i;
		while (n >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
			s += 3;
			n -= 3;
		}
		while (n > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			n--;
		}
		size_t hl;
		long val;
		int lvl = mkdoc_heading(s, n, &hl, &val);
		/* What Word would print: level 1 restarts under level 0; level 2 never. */
		if (lvl >= 0) {
			long want = count[lvl] + 1;
			if (val == want) {
				count[lvl] = val;
				if (lvl == 0)
					count[1] = 0;
				buf_printf(body, "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"%d\"/><w:numId w:val=\"3\"/>"
				                 "</w:numPr></w:pPr>", lvl);
				s += hl;
				n -= hl;
				while (n > 0 && *s == ' ') {
					s++;
					n--;
				}
				(*numbered)++;
			} else {
				buf_puts(body, "<w:p>");
			}
		} else {
			buf_puts(body, "<w:p>");
		}
		size_t half = n / 2;
		while (half > 0 && half < n && ((unsigned char)s[half] & 0xC0) == 0x80)
			half--;
		if (n > 0) {
			buf_puts(body, "<w:r><w:t xml:space=\"preserve\">");
			mkdoc_xml_text(s, half, body);
			buf_puts(body, "</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t xml:space=\"preserve\">");
			mkdoc_xml_text(s + half, n - half, body);
			buf_puts(body, "</w:t></w:r>");
		}
		buf_puts(body, "</w:p>\n");
		i = j + 1;
	}
}

/* ---- PDF -------------------------------------------------------------------- */

struct mkdoc_line {
	int page;      /* 0-based */
	int x, y;      /* points; 12-point text, ASCII half an em wide, the rest one em */
	const char *s;
	size_t n;
};

/* Writes a PDF of npages pages showing lines. Returns 0 or -1. */
static inline int mkdoc_pdf(const char *out, const struct mkdoc_line *lines, size_t nlines, int npages)
{
	static const char cmap[] =
		"/CIDInit /ProcSet findresource begin\n12 dict begin\nbegincmap\n"
		"/CIDSystemInfo << /Registry (Adobe) /Ordering (UCS) /Supplement 0 >> def\n"
		"/CMapName /Adobe-Identity-UCS def\n/CMapType 2 def\n"
		"1 begincodespacerange\n<0000> <FFFF>\nendcodespacerange\n"
		"1 beginbfrange\n<0000> <FFFF> <0000>\nendbfrange\n"
		"endcmap\nCMapName currentdict /CMap defineresource pop\nend\nend\n";
	struct buf f = BUF_INIT, obj = BUF_INIT;
	size_t nobj = 5 + 2 * (size_t)npages;
	size_t *off = calloc(nobj + 1, sizeof *off);
	buf_puts(&f, "%PDF-1.4\n");
	for (size_t o = 1; o <= nobj; o++) {
		buf_reset(&obj);
		if (o == 1)
			buf_puts(&obj, "<< /Type /Catalog /Pages 2 0 R >>");
		else if (o == 2) {
			buf_puts(&obj, "<< /Type /Pages /Kids [");
			for (int p = 0; p < npages; p++)
				buf_printf(&obj, " %d 0 R", 6 + 2 * p);
			buf_printf(&obj, " ] /Count %d >>", npages);
		} else if (o == 3)
			buf_puts(&obj, "<< /Type /Font /Subtype /Type0 /BaseFont /Song /Encoding /Identity-H "
			               "/DescendantFonts [4 0 R] /ToUnicode 5 0 R >>");
		else if (o == 4)
			buf_puts(&obj, "<< /Type /Font /Subtype /CIDFontType2 /BaseFont /Song /CIDSystemInfo "
			               "<< /Registry (Adobe) /Ordering (Identity) /Supplement 0 >> /DW 1000 /W [32 126 500] >>");
		else if (o == 5)
			buf_printf(&obj, "<< /Length %zu >>\nstream\n%s\nendstream", sizeof cmap - 1, cmap);
		else if ((o - 6) % 2 == 0)
			buf_printf(&obj, "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
			                 "/Resources << /Font << /F1 3 0 R >> >> /Contents %zu 0 R >>", o + 1);
		else {
			int p = (int)(o - 7) / 2;
			struct buf st = BUF_INIT;
			buf_puts(&st, "BT /F1 12 Tf\n");
			for (size_t i = 0; i < nlines; i++) {
				if (lines[i].page != p)
					continue;
				buf_printf(&st, "1 0 0 1 %d %d Tm <", lines[i].x, lines[i].y);
				for (size_t k = 0; k < lines[i].n;) {
					size_t used;
					uint32_t c = utf8_decode(lines[i].s + k, lines[i].n - k, &used);
					k += used;
					/* No-break and en spaces are as narrow as a space in a real font. */
					if (c == 0xA0 || (c >= 0x2000 && c <= 0x200A))
						c = ' ';
					buf_printf(&st, "%04X", c > 0xFFFF ? 0xFFFDu : (unsigned)c);
				}
				buf_puts(&st, "> Tj\n");
			}
			buf_puts(&st, "ET");
			buf_printf(&obj, "<< /Length %zu >>\nstream\n", st.len);
			buf_put(&obj, st.data, st.len);
			buf_puts(&obj, "\nendstream");
			buf_free(&st);
		}
		off[o] = f.len;
		buf_printf(&f, "%zu 0 obj\n", o);
		buf_put(&f, obj.data, obj.len);
		buf_puts(&f, "\nendobj\n");
	}
	size_t xref = f.len;
	buf_printf(&f, "xref\n0 %zu\n0000000000 65535 f \n", nobj + 1);
	for (size_t o = 1; o <= nobj; o++)
		buf_printf(&f, "%010zu 00000 n \n", off[o]);
	buf_printf(&f, "trailer\n<< /Size %zu /Root 1 0 R >>\nstartxref\n%zu\n%%%%EOF\n", nobj + 1, xref);
	FILE *fp = fopen(out, "wb");
	int rc = fp && fwrite(f.data, 1, f.len, fp) == f.len ? 0 : -1;
	if (fp && fclose(fp) != 0)
		rc = -1;
	free(off);
	buf_free(&f);
	buf_free(&obj);
	return rc;
}

/* Characters per line and lines per page of mkdoc_seed_pdf's pages. */
#define MKDOC_COLS 30
#define MKDOC_ROWS 36

/* Text (one paragraph per line) as a PDF the way a typesetter prints it:
 * paragraphs wrapped at MKDOC_COLS characters (never inside a run of ASCII
 * letters and digits), first lines indented two characters, a blank line as
 * a line's height of space,
 * a running header on every page and "- N -" at the foot. Returns 0 or -1. */
static inline int mkdoc_text_pdf(const char *out, const char *text, size_t len)
{
	struct mkdoc_line *v = NULL;
	size_t n = 0, cap = 0;
	int page = 0, row = 0;
	static const char header[] = "中共某某市委组织部文件";
#define MKDOC_ADD(X, S, N) do { \
		if (n == cap) { cap = cap ? 2 * cap : 256; v = realloc(v, cap * sizeof *v); } \
		v[n].page = page; v[n].x = (X); v[n].y = 780 - 20 * row; v[n].s = (S); v[n].n = (N); n++; \
	} while (0)
	MKDOC_ADD(72, header, sizeof header - 1);
	row = 2;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && text[j] != '\n')
			j++;
		const char *s = text + i;
		size_t m = j - i;
		while (m >= 3 && memcmp(s, "\xE3\x80\x80", 3) == 0) {
			s += 3;
			m -= 3;
		}
		while (m > 0 && (*s == ' ' || *s == '\t')) {
			s++;
			m--;
		}
		/* A blank line is vertical space, as a typesetter leaves it. */
		if (m == 0)
			row++;
		int first = 1;
		while (m > 0) {
			int cols = first ? MKDOC_COLS - 2 : MKDOC_COLS;
			size_t k = 0, brk = 0;
			int c = 0;
			while (k < m && c < cols) {
				size_t used;
				uint32_t ch = utf8_decode(s + k, m - k, &used);
				int alnum = ch < 0x80 && ((ch >= '0' && ch <= '9') || (ch >= 'a' && ch <= 'z') ||
				                          (ch >= 'A' && ch <= 'Z') || ch == '.' || ch == '%');
				k += used;
				c++;
				int next = k < m && s[k] > 0 &&
				           ((s[k] >= '0' && s[k] <= '9') || (s[k] >= 'a' && s[k] <= 'z') ||
				            (s[k] >= 'A' && s[k] <= 'Z') || s[k] == '.' || s[k] == '%');
				if (!(alnum && next))
					brk = k;
			}
			if (k < m && brk > 0)
				k = brk;
			if (row >= MKDOC_ROWS) {
				static char foot[128][16];
				snprintf(foot[page % 128], sizeof foot[0], "- %d -", page + 1);
				MKDOC_ADD(280, foot[page % 128], strlen(foot[page % 128]));
				page++;
				row = 0;
				MKDOC_ADD(72, header, sizeof header - 1);
				row = 2;
			}
			MKDOC_ADD(first ? 96 : 72, s, k);
			row++;
			s += k;
			m -= k;
			first = 0;
		}
		i = j + 1;
	}
	static char last[16];
	snprintf(last, sizeof last, "- %d -", page + 1);
	row = MKDOC_ROWS;
	MKDOC_ADD(280, last, strlen(last));
#undef MKDOC_ADD
	int rc = mkdoc_pdf(out, v, n, page + 1);
	free(v);
	return rc;
}

#endif
