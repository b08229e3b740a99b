/* docread.h: which kind of document a file is, told by its content (not its
 * name), and a Word (.docx) or PDF file read as the importer's text. */
#ifndef PP_DOCREAD_H
#define PP_DOCREAD_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* The importer's text, whatever the input was: UTF-8, one paragraph per
 * line, repaired line by line as import_repair does (cntext_fold_line). A
 * table is set off by a blank line before and after it, and each of its rows
 * is one line whose cells are separated by TAB (U+0009), the only place a
 * TAB appears: every row has a cell per grid column (empty cells included,
 * so columns line up with the header row), a merged group's text stands once
 * in the group's first cell, and a cell's own line breaks become nothing
 * between Chinese characters and a space elsewhere. A Word table of one
 * column is a box around text (专栏), not data: its paragraphs are lines, set
 * off by blank lines, with no TAB. A tab inside an ordinary paragraph is a
 * space. */

enum docread_kind {
	DOCREAD_TEXT,   /* anything else: the UTF-8 / GB18030 text reader */
	DOCREAD_DOCX,   /* PK\3\4 with [Content_Types].xml and word/document.xml, or a
	                   damaged archive (the Word reader reports how) */
	DOCREAD_ZIP,    /* another ZIP archive (.xlsx, .odt, .wps as zip ...) */
	DOCREAD_PDF,    /* %PDF- in the first kilobyte */
	DOCREAD_OLE,    /* D0 CF 11 E0 A1 B1 1A E1: Word 97-2003 .doc, .wps, .xls, and a
	                   .docx locked with a password */
	DOCREAD_RTF     /* {\rtf */
};

/* Bytes looked at to tell the kind: PDF allows junk before %PDF- within 1024. */
#define DOCREAD_HEAD 1024

/* The kind of the file at path, from its first bytes (and, for a ZIP
 * archive, the names it holds). A file that cannot be read is
 * DOCREAD_TEXT: the text reader then reports why. */
enum docread_kind docread_detect(const char *path);

/* The kind of a file starting with head (n bytes); a ZIP archive is
 * DOCREAD_ZIP here, as telling .docx apart needs its member names. */
enum docread_kind docread_sniff(const char *head, size_t n);

/* Where the lines of a document's text came from, so that a message about
 * line 37 can say which paragraph or page that is. */
struct docread_origin {
	int unit;   /* Word: the paragraph of the body (from 1), or the table when sub > 0; PDF: the page */
	int sub;    /* Word: the row of that table (from 1); else 0 */
};
struct docread_map {
	enum docread_kind kind;
	struct docread_origin *v;   /* v[i]: line i + 1 */
	size_t n, cap;
};

/* Appends the origin of the next line to m (NULL: nothing). */
void docread_map_add(struct docread_map *m, int unit, int sub);
/* Frees what m holds and empties it; accepts NULL. */
void docread_map_free(struct docread_map *m);
/* After every diagnostic about a line of path (an error or warning with a
 * line number) adds, once per line, a note saying where the line is in the
 * Word file or PDF: its paragraph, table row or page. */
void docread_map_notes(const struct docread_map *m, const char *path, struct diags *d);

/* Reads the document at path of kind k (not DOCREAD_TEXT) and appends its
 * importer's text to out; map (may be NULL) gets the origin of each line
 * appended. A .doc, .rtf or other archive is an error saying to save the
 * file as .docx or PDF. Returns 0, or -1 after recording an error about path
 * in d (out may then hold part of the text). */
int docread_text(const char *path, enum docread_kind k, struct buf *out, struct docread_map *map,
                 struct diags *d);

/* Repairs raw text (one paragraph per line, table cells separated by TAB)
 * into the importer's text: each line, and each cell of a table row, goes
 * through cntext_fold_line, TABs kept between cells. Appends to out. */
void docread_repair(const char *src, size_t len, struct buf *out);

#endif
