/* sheetout.h: the tasks of data/tasks.json as a spreadsheet: data/tasks.csv
 * (UTF-8 with BOM, RFC 4180, CRLF) and data/tasks.xlsx (libxlsxwriter) with a
 * Tasks sheet and a per-unit sheet, byte for byte the same for the same site. */
#ifndef PP_SHEETOUT_H
#define PP_SHEETOUT_H

#include <stdint.h>

#include "buf.h"
#include "diag.h"
#include "lang.h"
#include "value.h"

/* The columns of the Tasks sheet and of tasks.csv, in order. */
enum sheetout_col {
	SHEETOUT_PLAN, SHEETOUT_NUMBER, SHEETOUT_TITLE, SHEETOUT_SECTION, SHEETOUT_LEAD, SHEETOUT_SUPPORT,
	SHEETOUT_START, SHEETOUT_DUE, SHEETOUT_DUE_ORIGINAL, SHEETOUT_EXTENSION, SHEETOUT_STATUS, SHEETOUT_PROGRESS, SHEETOUT_EXPECTED, SHEETOUT_RAG,
	SHEETOUT_OVERDUE, SHEETOUT_DAYS_LEFT, SHEETOUT_NOTE, SHEETOUT_NOTE_DATE, SHEETOUT_TARGETS,
	SHEETOUT_NCOLS
};

/* What a column holds: text, a number, or a date (YYYY-MM-DD; a date cell
 * in the workbook). */
enum sheetout_kind { SHEETOUT_TEXT, SHEETOUT_NUM, SHEETOUT_DATE };
enum sheetout_kind sheetout_kind(int col);

/* Column col's header in language l (Chinese: 计划, 序号, 任务 ...). */
const char *sheetout_header(enum lang l, int col);

/* The cells of one task of data/tasks.json into cells[0..SHEETOUT_NCOLS),
 * each reset first: plan, number, title, section; lead and support units
 * joined by "、" ("; " in English); start, due; status_text; progress,
 * expected; rag_text; overdue 是/否 (yes/no); days_left; the last note of
 * its history and that entry's date; its targets as 指标：目标 N 单位，完成 M
 * 单位, joined by "；". A field the task lacks is an empty cell. */
void sheetout_cells(const struct value *task, enum lang l, struct buf cells[SHEETOUT_NCOLS]);

/* Appends data/tasks.csv: a BOM, the header row, one row per task of the
 * array tasks; fields quoted when they hold a comma, quote, CR or LF (quotes
 * doubled), rows ended by CRLF. */
void sheetout_csv(const struct value *tasks, enum lang l, struct buf *out);
/* The same, each task's row offered first to rows->reuse, which appends
 * the row's text (CRLF included) as made before and returns 1, or returns
 * 0 to have it made; then rows->wrote learns that its text is out's bytes
 * from `from` to out->len. */
struct sheetout_rows {
	int (*reuse)(void *ud, const struct value *task, struct buf *out);
	void (*wrote)(void *ud, const struct value *task, const struct buf *out, size_t from);
	void *ud;
};
void sheetout_csv_rows(const struct value *tasks, enum lang l, struct buf *out, const struct sheetout_rows *rows);

/* The per-unit sheet's columns: unit, tasks it leads, tasks it supports, and
 * of the tasks it leads those done, in progress (in_progress or delayed) and
 * overdue. Units in byte order of their names. */
enum { SHEETOUT_UNIT_NCOLS = 6 };
const char *sheetout_unit_header(enum lang l, int col);

/* The most characters a workbook cell holds (Excel's limit, which
 * libxlsxwriter enforces). A longer text (a task of thousands of targets)
 * is cut to this many with "…" last, and a warning names the task; the
 * CSV and data/tasks.json keep it whole. */
#define SHEETOUT_CELL_MAX 32767

/* Appends data/tasks.xlsx: sheet 任务 (Tasks) with the columns above, header
 * row frozen, numbers as numbers and dates as date cells; sheet 单位 (Units).
 * The workbook's creation time is created (seconds since 1970, > 0): the
 * ZIP entries' times are libxlsxwriter's fixed 1980-01-01, so the bytes
 * depend on the tasks, the language and created alone. The workbook is
 * made in a temporary file under $TMPDIR (libxlsxwriter writes only to a
 * file) and removed. Returns 0, or -1 after an error in d. */
int sheetout_xlsx(const struct value *tasks, enum lang l, int64_t created, struct buf *out,
                  struct diags *d);

#endif
