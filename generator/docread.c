/* docread.c: a document's kind by its content, and .docx / PDF read as the importer's text (see docread.h). */
#include "docread.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <zip.h>

#include "cntext.h"
#include "docx.h"
#include "import.h"
#include "pdf.h"
#include "utf8.h"
#include "xalloc.h"

enum docread_kind docread_sniff(const char *head, size_t n)
{
	if (n >= 4 && memcmp(head, "PK\x03\x04", 4) == 0)
		return DOCREAD_ZIP;
	if (n >= 8 && memcmp(head, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8) == 0)
		return DOCREAD_OLE;
	if (n >= 5 && memcmp(head, "{\\rtf", 5) == 0)
		return DOCREAD_RTF;
	size_t m = n < DOCREAD_HEAD ? n : DOCREAD_HEAD;
	if (buf_find(head, m, "%PDF-", 5, 0) != (size_t)-1)
		return DOCREAD_PDF;
	return DOCREAD_TEXT;
}

enum docread_kind docread_detect(const char *path)
{
	char head[DOCREAD_HEAD];
	size_t n = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return DOCREAD_TEXT;
	while (n < sizeof head) {
		ssize_t k = read(fd, head + n, sizeof head - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k <= 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	enum docread_kind k = docread_sniff(head, n);
	if (k != DOCREAD_ZIP)
		return k;
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	/* A damaged archive: the Word reader says what is wrong with it. */
	if (!z)
		return DOCREAD_DOCX;
	if (zip_name_locate(z, "[Content_Types].xml", 0) >= 0 &&
	    zip_name_locate(z, "word/document.xml", 0) >= 0)
		k = DOCREAD_DOCX;
	zip_discard(z);
	return k;
}

void docread_map_add(struct docread_map *m, int unit, int sub)
{
	if (!m)
		return;
	if (m->n == m->cap) {
		m->cap = m->cap ? 2 * m->cap : 256;
		m->v = xrealloc(m->v, m->cap * sizeof *m->v);
	}
	m->v[m->n].unit = unit;
	m->v[m->n].sub = sub;
	m->n++;
}

void docread_map_free(struct docread_map *m)
{
	if (!m)
		return;
	free(m->v);
	m->v = NULL;
	m->n = m->cap = 0;
}

void docread_map_notes(const struct docread_map *m, const char *path, struct diags *d)
{
	if (!m || !m->n || !path)
		return;
	unsigned char *said = xcalloc(m->n, 1);
	/* Notes are added as we go: look only at the diagnostics there were. */
	size_t n0 = d->n;
	for (size_t i = 0; i < n0; i++) {
		const struct diag *g = &d->v[i];
		if (g->level == DIAG_NOTE || g->line <= 0 || (size_t)g->line > m->n || !g->path ||
		    strcmp(g->path, path) != 0 || said[g->line - 1])
			continue;
		int line = g->line;
		said[line - 1] = 1;
		const struct docread_origin *o = &m->v[line - 1];
		if (o->unit <= 0)
			continue;
		if (m->kind == DOCREAD_PDF)
			diag_add(d, DIAG_NOTE, path, line, 0, NULL, 0, "line %d is on page %d of the PDF", line,
			         o->unit);
		else if (o->sub > 0)
			diag_add(d, DIAG_NOTE, path, line, 0, NULL, 0,
			         "line %d is row %d of table %d of the Word document", line, o->sub, o->unit);
		else
			diag_add(d, DIAG_NOTE, path, line, 0, NULL, 0,
			         "line %d is paragraph %d of the Word document", line, o->unit);
	}
	free(said);
}

void docread_repair(const char *src, size_t len, struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && src[j] != '\n')
			j++;
		size_t c = i;
		for (;;) {
			size_t e = c;
			while (e < j && src[e] != '\t')
				e++;
			cntext_fold_line(src + c, e - c, out);
			if (e >= j)
				break;
			buf_putc(out, '\t');
			c = e + 1;
		}
		buf_putc(out, '\n');
		i = j + 1;
	}
}

int docread_text(const char *path, enum docread_kind k, struct buf *out, struct docread_map *map,
                 struct diags *d)
{
	struct buf raw = BUF_INIT;
	int rc = -1;
	if (map) {
		map->kind = k;
		/* Lines before these (none, as the importer reads one file) have no origin. */
		for (size_t i = 0, lines = 0; i < out->len; i++)
			if (out->data[i] == '\n' && ++lines > map->n)
				docread_map_add(map, 0, 0);
	}
	switch (k) {
	case DOCREAD_DOCX:
		if (docx_read(path, &raw, map, d) < 0)
			goto out;
		break;
	case DOCREAD_PDF:
		if (pdf_read(path, NULL, &raw, map, d) < 0)
			goto out;
		break;
	case DOCREAD_OLE:
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "an old binary Word file (.doc, Word 97-2003), or one locked with a password, cannot be "
		         "read: open it in Word or WPS and save it as .docx without a password (or as PDF), "
		         "then import that");
		goto out;
	case DOCREAD_RTF:
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "an RTF file cannot be read: open it in Word or WPS and save it as .docx (or PDF)");
		goto out;
	case DOCREAD_ZIP:
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "a ZIP archive that is not a Word document (.docx, with word/document.xml): "
		         "save the document as .docx or PDF");
		goto out;
	case DOCREAD_TEXT:
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "plain text is read by import_read");
		goto out;
	}
	size_t bad = utf8_invalid_at(raw.data ? raw.data : "", raw.len);
	if (bad != raw.len) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "its text is not UTF-8 (byte %zu)", bad);
		goto out;
	}
	if (raw.len > IMPORT_MAX_INPUT) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "its text is larger than %u bytes: not a plan document", IMPORT_MAX_INPUT);
		goto out;
	}
	docread_repair(raw.data ? raw.data : "", raw.len, out);
	rc = 0;
out:
	buf_free(&raw);
	return rc;
}
