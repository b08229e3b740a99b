/* sheet.h: a spreadsheet read as sheets of text cells: an Excel workbook
 * (.xlsx, through libzip and libxml2 as the Word reader does), an Excel
 * 97-2003 file (.xls, through libfreexl) or CSV text (UTF-8 or GB18030). */
#ifndef PP_SHEET_H
#define PP_SHEET_H

#include <stddef.h>
#include <stdint.h>

#include "diag.h"

/* Largest file opened, in bytes: a progress return or task list is tens of
 * kilobytes; past this it is not one (a database export, a wrong file). */
#define SHEET_MAX_FILE (64u * 1024 * 1024)
/* Largest part of an .xlsx inflated (a worksheet, the shared strings), in
 * bytes: a sheet of 100 000 cells is a few megabytes of XML, and the
 * parsed tree is ten times its text. Counted as inflated (zip bombs). */
#define SHEET_MAX_PART (16u * 1024 * 1024)
/* Most cells kept from one file, merged ranges counted as filled: returns
 * have hundreds of rows of ten columns; this is a stop for a merged range
 * A1:XFD1048576 or a sheet of a million numbers, not a working size. */
#define SHEET_MAX_CELLS 500000u
/* Most shared strings: each is a cell's text, so no more than the cells. A
 * count the file states is never trusted for an allocation. */
#define SHEET_MAX_STRINGS SHEET_MAX_CELLS
/* Most text kept, in bytes, over all cells. */
#define SHEET_MAX_TEXT (32u * 1024 * 1024)
/* Most sheets read from a workbook (Excel's default limit is memory; a
 * return has one to a few). */
#define SHEET_MAX_SHEETS 255
/* Excel's own grid: 1 048 576 rows, 16 384 columns (XFD). */
#define SHEET_MAX_ROW 1048576u
#define SHEET_MAX_COL 16384u

/* What a cell held before it became text. */
enum sheet_kind {
	SHEET_TEXT,
	SHEET_NUM,     /* shortest decimal ("62", "0.85"); a percent-formatted cell "85%" */
	SHEET_DATE,    /* YYYY-MM-DD (with " HH:MM:SS" when it has a time), from a
	                  date-formatted serial in the 1900 or 1904 system */
	SHEET_BOOL,    /* TRUE or FALSE */
	SHEET_ERROR,   /* #N/A, #DIV/0! ... as Excel shows it */
};

struct sheet_cell {
	uint32_t row, col;   /* from 1 */
	enum sheet_kind kind;
	char *text;          /* UTF-8, NUL-terminated, never empty */
	size_t len;
	size_t seq;          /* the order cells were read in (which of two at one place wins) */
};

struct sheet {
	char *name;               /* the sheet's tab; "" for CSV */
	struct sheet_cell *v;     /* sorted by row, then column */
	size_t n, cap;
	uint32_t nrows, ncols;    /* the last row and column holding a cell */
};

struct sheet_book {
	struct sheet *v;
	size_t n;
	int date1904;             /* the workbook counts days from 1904 (Mac Excel) */
};

/* The kind of file at path, by its content: 1 .xlsx (a ZIP archive with
 * xl/workbook.xml), 2 .xls (an OLE compound file), 0 anything else
 * (read as CSV). */
enum { SHEET_FILE_CSV, SHEET_FILE_XLSX, SHEET_FILE_XLS };
int sheet_detect(const char *path);

/* 1 when the file at path is to be read as a spreadsheet: named .xlsx,
 * .xlsm, .xls, .csv or .tsv (any case), or a ZIP archive holding
 * xl/workbook.xml. */
int sheet_is_spreadsheet(const char *path);

/* Reads the spreadsheet at path into b (zeroed first), its kind told by its
 * content: .xlsx (shared and inline strings, numbers, booleans, errors,
 * date-formatted serials in the 1900 or 1904 system as dates; a merged
 * range's value in each of its cells; hidden sheets too), .xls (the same,
 * through libfreexl and sheetxls.h: percents, formulas' results, merged
 * ranges), or CSV
 * (RFC 4180: quotes, doubled quotes, line breaks inside quotes; comma, or
 * TAB when the first line has tabs and no comma; UTF-8 with or without BOM,
 * or GB18030, as Excel in China saves it). A cell of only spaces is left
 * out. Returns 0, or -1 after recording an error about path in d (b then
 * holds nothing). Caps: the SHEET_MAX_* above. */
int sheet_read(const char *path, struct sheet_book *b, struct diags *d);

/* The same for CSV text in memory (path names it in messages). */
int sheet_parse_csv(const char *path, const char *s, size_t len, struct sheet_book *b, struct diags *d);

/* The cell at row, col of s, or NULL. */
const struct sheet_cell *sheet_cell(const struct sheet *s, uint32_t row, uint32_t col);

/* The column's letters (1: A, 27: AA) into out (at least 4 bytes). */
void sheet_col_name(uint32_t col, char out[8]);

/* Frees what b holds; accepts NULL. */
void sheet_book_free(struct sheet_book *b);

#endif
