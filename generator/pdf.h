/* pdf.h: a PDF's text as the importer's text: pdftotext -layout (Debian's
 * poppler-utils) run as a child process, its lines joined into paragraphs
 * and its page numbers and running headers dropped. */
#ifndef PP_PDF_H
#define PP_PDF_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "docread.h"

/* Why a child process and not libpoppler: poppler's C API is poppler-glib
 * (GLib, GObject and cairo for a text dump) and its other API is C++; a
 * hostile PDF that crashes or loops poppler then takes only the child with
 * it, which is killed after PDF_MAX_SECONDS and kept under PDF_MAX_MEMORY. */

/* Largest PDF handed to pdftotext, in bytes: a text plan of a hundred pages
 * is a few megabytes; scans with images go far beyond, and have no text. */
#define PDF_MAX_FILE (128u * 1024 * 1024)
/* Most text read back, in bytes (the importer refuses more anyway). */
#define PDF_MAX_TEXT (16u * 1024 * 1024)
/* Wall-clock and CPU seconds pdftotext may take: a plan converts in well
 * under a second; a PDF that takes this long is built to hang the reader. */
#define PDF_MAX_SECONDS 30
/* Address space the child may use (RLIMIT_AS), in bytes. */
#define PDF_MAX_MEMORY (2048ull * 1024 * 1024)
/* A gap of this many spaces or more inside a line separates table cells. */
#define PDF_CELL_GAP 3

struct pdf_opts {
	const char *program;   /* NULL: "pdftotext", found on PATH */
	int seconds;           /* 0: PDF_MAX_SECONDS */
};

/* Runs pdftotext -layout -enc UTF-8 on path (argv, no shell) and appends the
 * text made by pdf_paragraphs to out. Returns 0, or -1 after recording an
 * error about path in d: pdftotext missing, failed (its message), too slow,
 * too much text, or no text at all (a scanned image). opts and map may be
 * NULL. */
int pdf_read(const char *path, const struct pdf_opts *opts, struct buf *out, struct docread_map *map,
             struct diags *d);

/* Turns pdftotext -layout output (pages separated by form feeds) into one
 * paragraph per line: a line that reaches the right margin (where most long
 * lines end; a line far past it stands alone), and does not end
 * a sentence before an indented line, is joined with the next one unless
 * that one starts with a heading number (一、（一）1. 1、（1）第N条 一是);
 * nothing is put between Chinese characters where lines join, a space
 * between other words. Lines that are only a page number (- 3 -, 第3页,
 * 3/12, or a bare number first or last on its page) and a line repeated at
 * the top or bottom of several pages are dropped. A line with gaps of
 * PDF_CELL_GAP spaces or more is a table row, never joined; a run of such
 * rows is a table, set off by blank lines, its columns those of its row with
 * the most cells, each row one TAB-separated cell per column; a line under
 * a row with no first cell and at most half the cells (a wrapped cell) adds
 * its text to that row. A blank line separates paragraphs. map (may be NULL)
 * gets the page each line starts on. */
void pdf_paragraphs(const char *text, size_t len, struct buf *out, struct docread_map *map);

#endif
