/* sheetin.h: a spreadsheet brought into the site: a progress return (one row
 * per task: number, progress, status, note, actuals) made a bulletin, or a
 * task list (序号/任务/牵头单位/配合单位/完成时限) made the importer's text,
 * columns told by their headers in Chinese or English. */
#ifndef PP_SHEETIN_H
#define PP_SHEETIN_H

#include "buf.h"
#include "diag.h"
#include "lang.h"
#include "sheet.h"
#include "value.h"

/* Rows looked at for the header row: title rows (表名, 填报单位) come first. */
#define SHEETIN_HEADER_ROWS 10

/* The columns recognised. */
enum sheetin_col {
	SHEETIN_PLAN, SHEETIN_NUMBER, SHEETIN_TITLE, SHEETIN_PROGRESS, SHEETIN_STATUS, SHEETIN_NOTE,
	SHEETIN_ACTUALS, SHEETIN_LEAD, SHEETIN_SUPPORT, SHEETIN_DUE, SHEETIN_NCOLS
};

/* The column a header names (进度（%） is 进度: spaces, a bracketed part, a
 * trailing colon or * left out; ASCII case ignored); SHEETIN_NCOLS for
 * another column of data/tasks.xlsx (known, not read); or -1. */
int sheetin_header(const char *s, size_t len);

/* What a sheet is, by its header row (the first of its first
 * SHEETIN_HEADER_ROWS rows naming two known columns, one of them the task
 * number or the task): a progress return names the number and progress,
 * status or actuals (or a note, when it is no task list); a task list names
 * the task and the lead unit (and may have a 备注 column). */
enum sheetin_kind { SHEETIN_NOT, SHEETIN_RETURN, SHEETIN_LIST };
enum sheetin_kind sheetin_sheet_kind(const struct sheet *s, uint32_t *header_row);
/* Of a book: a progress return when any sheet is one, else a task list
 * when any sheet is one. */
enum sheetin_kind sheetin_kind(const struct sheet_book *b);

/* The importer's text of a task list (docread.h's convention): each task
 * sheet's rows above the header as paragraphs (the list's title), else
 * title as the first line; then its table set off by blank lines, the
 * header row first, one line per row, cells separated by TAB (a cell's
 * line breaks a space; dates as 2019年6月30日); a heading row between the
 * tasks (one text in all its cells, no number) a paragraph between tables. */
void sheetin_text(const struct sheet_book *b, const char *title, struct buf *out);

/* Making a bulletin of a progress return. */
struct sheetin_opts {
	const char *path;      /* the file, in messages (path:sheet:row:col) */
	const char *source;    /* its name, in the bulletin's text */
	const char *plan;      /* the plan a row without a plan column is of; NULL: found by number */
	const char *date;      /* the bulletin's date, YYYY-MM-DD */
	const char *title;     /* NULL: 2019年12月31日工作进展（进展报表） */
	const char *unit;      /* the bulletin's unit, or NULL */
	enum lang lang;
	int keep_unchanged;    /* a row reporting what the task shows is kept (the bulletin
	                          being replaced is itself what the task shows) */
};
/* What became of the rows. */
struct sheetin_counts {
	size_t rows;        /* rows with a task number */
	size_t updates;     /* written as updates */
	size_t empty;       /* naming a task and reporting nothing */
	size_t unchanged;   /* reporting what the task holds already */
};

/* Appends the bulletin (Markdown with front matter, updates: one per row
 * that reports something new) made from every progress sheet of b, whose
 * rows name tasks of plans (site.plans: each with id, short, title and its
 * tasks with their computed state). A task is named by its number (1, 01,
 * １, 任务1, 第1项, 1.2) within the row's plan (the 计划 column: the plan's
 * id, short name or title; else o->plan; else the one plan with that
 * number), or by its id (plan/number). Progress is 0..100 (80, 80%, 80.5);
 * status a status word (done, 已完成, 完成, 进行中, ...); actuals a list
 * 覆盖率=95；协议数：18, or a column headed by a target's metric. Every row
 * that cannot be read or matched is an error at path:sheet, its row and
 * column; a row reporting only what its task already shows is left out.
 * Returns 0 or -1 (errors in d; out then holds nothing to write). */
int sheetin_bulletin(const struct sheet_book *b, const struct value *plans, const struct sheetin_opts *o,
                     struct buf *out, struct sheetin_counts *counts, struct diags *d);

#endif
