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
 * between Chinese characters and a space elsewhere. A tab inside an ordinary
 * paragraph is a space. */

enum docread_kind {
	DOCREAD_TEXT,   /* anything else: the UTF-8 / GB18030 text reader */
	DOCREAD_DOCX,   /* PK\3\4 with [Content_Types].xml and word/document.xml, or a
	                   damaged archive (the Word reader reports how) */
	DOCREAD_ZIP,    /* another ZIP archive (.xlsx, .odt, .wps as zip ...) */
	DOCREAD_PDF,    /* %PDF- in the first kilobyte */
	DOCREAD_OLE,    /* D0 CF 11 E0 A1 B1 1A E1: Word 97-2003 .doc, .wps, .xls */
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

/* Reads the document at path of kind k (not DOCREAD_TEXT) and appends its
 * importer's text to out. A .doc, .rtf or other archive is an error saying
 * to save the file as .docx or PDF. Returns 0, or -1 after recording an
 * error about path in d (out may then hold part of the text). */
int docread_text(const char *path, enum docread_kind k, struct buf *out, struct diags *d);

/* Repairs raw text (one paragraph per line, table cells separated by TAB)
 * into the importer's text: each line, and each cell of a table row, goes
 * through cntext_fold_line, TABs kept between cells. Appends to out. */
void docread_repair(const char *src, size_t len, struct buf *out);

#endif
