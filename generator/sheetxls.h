/* sheetxls.h: what libfreexl does not tell of an Excel 97-2003 file (.xls):
 * which number cells are formatted as percents, the results of formulas, and
 * the merged ranges, read from the BIFF8 Workbook stream of the OLE compound
 * file. libfreexl gives a cell formatted 0% as 0.45, leaves a formula's cell
 * out (完成进度 = 实际/目标) and gives a merged range only in its first cell;
 * sheet.c puts these together. */
#ifndef PP_SHEETXLS_H
#define PP_SHEETXLS_H

#include <stddef.h>
#include <stdint.h>

/* Most sectors of a compound file: a 64 MiB file (SHEET_MAX_FILE) has
 * 131 072 sectors of 512 bytes. A FAT stated larger is refused (the FAT is
 * then never more entries than the file has bytes / 4); a chain that
 * visits a sector twice is a loop and refused. */
#define SHEETXLS_MAX_SECTORS (1u << 17)

/* A place or a range of a sheet, rows and columns from 1. */
struct sheetxls_range {
	uint32_t r0, c0, r1, c1;
};

/* A formula's result as the file keeps it (Excel's last calculation). */
enum sheetxls_kind {
	SHEETXLS_NUM, SHEETXLS_PERCENT, SHEETXLS_DATE,   /* num: the number, the fraction, the serial */
	SHEETXLS_TEXT, SHEETXLS_ERROR,                   /* text: UTF-8, or #DIV/0! ... */
	SHEETXLS_BOOL,                                   /* num: 0 or 1 */
};
struct sheetxls_value {
	uint32_t row, col;   /* from 1 */
	enum sheetxls_kind kind;
	double num;
	char *text;          /* owned; NULL unless TEXT or ERROR */
};

struct sheetxls_sheet {
	struct sheetxls_range *merges;   /* as the sheet lists them */
	size_t nmerges;
	struct sheetxls_range *pct;      /* number cells formatted as a percent (r1 = r0, c1 = c0), sorted */
	size_t npct;
	struct sheetxls_value *formulas; /* the formulas' cells, in the file's order */
	size_t nformulas;
};

struct sheetxls {
	struct sheetxls_sheet *v;        /* the sheets, in the workbook's order, as libfreexl counts them
	                                    (a chart sheet empty) */
	size_t n;
};

/* Reads the formats, formula results and merged ranges of the .xls file's bytes s[0..len)
 * into x (zeroed first). Returns 0, or -1 with *why set to a constant
 * English phrase (a compound file or BIFF8 stream it cannot follow; x then
 * holds nothing). Caps: SHEETXLS_MAX_SECTORS; ranges and cells no more
 * than the stream has bytes. */
int sheetxls_read(const unsigned char *s, size_t len, struct sheetxls *x, const char **why);

/* 1 when the number cell at row, col (from 1) of s is formatted as a percent. */
int sheetxls_is_percent(const struct sheetxls_sheet *s, uint32_t row, uint32_t col);

/* Frees what x holds; accepts NULL. */
void sheetxls_free(struct sheetxls *x);

#endif
