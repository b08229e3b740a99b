/* sheetout.c: data/tasks.csv and data/tasks.xlsx from the tasks (see sheetout.h). */
#include "sheetout.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <xlsxwriter.h>

#include "utf8.h"
#include "xalloc.h"

static const struct {
	enum sheetout_kind kind;
	const char *zh, *en;
	double width;   /* in Excel's character widths */
} cols[SHEETOUT_NCOLS] = {
	[SHEETOUT_PLAN] = { SHEETOUT_TEXT, "计划", "Plan", 14 },
	[SHEETOUT_NUMBER] = { SHEETOUT_TEXT, "序号", "No.", 6 },
	[SHEETOUT_TITLE] = { SHEETOUT_TEXT, "任务", "Task", 40 },
	[SHEETOUT_SECTION] = { SHEETOUT_TEXT, "章节", "Section", 8 },
	[SHEETOUT_LEAD] = { SHEETOUT_TEXT, "牵头单位", "Lead units", 24 },
	[SHEETOUT_SUPPORT] = { SHEETOUT_TEXT, "配合单位", "Supporting units", 24 },
	[SHEETOUT_START] = { SHEETOUT_DATE, "开始日期", "Start", 12 },
	[SHEETOUT_DUE] = { SHEETOUT_DATE, "完成时限", "Due", 12 },
	[SHEETOUT_DUE_ORIGINAL] = { SHEETOUT_DATE, "原定时限", "Original due", 12 },
	[SHEETOUT_EXTENSION] = { SHEETOUT_TEXT, "延期理由", "Extension reason", 24 },
	[SHEETOUT_STATUS] = { SHEETOUT_TEXT, "状态", "Status", 8 },
	[SHEETOUT_PROGRESS] = { SHEETOUT_NUM, "进度", "Progress", 6 },
	[SHEETOUT_EXPECTED] = { SHEETOUT_NUM, "应完成进度", "Expected progress", 8 },
	[SHEETOUT_RAG] = { SHEETOUT_TEXT, "红黄绿灯", "RAG", 8 },
	[SHEETOUT_OVERDUE] = { SHEETOUT_TEXT, "逾期", "Overdue", 6 },
	[SHEETOUT_DAYS_LEFT] = { SHEETOUT_NUM, "剩余天数", "Days left", 8 },
	[SHEETOUT_NOTE] = { SHEETOUT_TEXT, "最新进展", "Last note", 40 },
	[SHEETOUT_NOTE_DATE] = { SHEETOUT_DATE, "进展日期", "Note date", 12 },
	[SHEETOUT_TARGETS] = { SHEETOUT_TEXT, "指标（目标／完成）", "Targets (target / actual)", 40 },
};

static const char *const unit_zh[SHEETOUT_UNIT_NCOLS] = { "单位", "牵头任务", "配合任务", "已完成", "进行中", "逾期" };
static const char *const unit_en[SHEETOUT_UNIT_NCOLS] = { "Unit", "Leads", "Supports", "Done", "In progress",
                                                          "Overdue" };

enum sheetout_kind sheetout_kind(int col)
{
	return col >= 0 && col < SHEETOUT_NCOLS ? cols[col].kind : SHEETOUT_TEXT;
}

const char *sheetout_header(enum lang l, int col)
{
	if (col < 0 || col >= SHEETOUT_NCOLS)
		return "";
	return l == LANG_EN ? cols[col].en : cols[col].zh;
}

const char *sheetout_unit_header(enum lang l, int col)
{
	if (col < 0 || col >= SHEETOUT_UNIT_NCOLS)
		return "";
	return l == LANG_EN ? unit_en[col] : unit_zh[col];
}

static void put_field(const struct value *task, const char *key, struct buf *out)
{
	const struct value *v = value_get(task, key);
	if (v && !value_is(v, V_ARRAY) && !value_is(v, V_TABLE))
		value_to_text(v, out);
}

static void put_list(const struct value *list, enum lang l, struct buf *out)
{
	for (size_t i = 0; list && value_is(list, V_ARRAY) && i < value_len(list); i++) {
		if (i)
			buf_puts(out, l == LANG_EN ? "; " : "、");
		value_to_text(value_at(list, i), out);
	}
}

static void put_targets(const struct value *targets, enum lang l, struct buf *out)
{
	for (size_t i = 0; targets && value_is(targets, V_ARRAY) && i < value_len(targets); i++) {
		const struct value *t = value_at(targets, i);
		const struct value *unit = value_get(t, "unit");
		const struct value *actual = value_get(t, "actual");
		if (i)
			buf_puts(out, l == LANG_EN ? "; " : "；");
		put_field(t, "metric", out);
		buf_puts(out, l == LANG_EN ? ": target " : "：目标");
		put_field(t, "target", out);
		if (unit && l == LANG_EN && strcmp(value_str(unit, ""), "%") != 0)
			buf_putc(out, ' ');
		put_field(t, "unit", out);
		if (actual && !value_is(actual, V_NULL)) {
			buf_puts(out, l == LANG_EN ? ", actual " : "，完成");
			value_to_text(actual, out);
			if (unit && l == LANG_EN && strcmp(value_str(unit, ""), "%") != 0)
				buf_putc(out, ' ');
			put_field(t, "unit", out);
		}
	}
}

void sheetout_cells(const struct value *task, enum lang l, struct buf cells[SHEETOUT_NCOLS])
{
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		buf_reset(&cells[i]);
	put_field(task, "plan", &cells[SHEETOUT_PLAN]);
	put_field(task, "number", &cells[SHEETOUT_NUMBER]);
	put_field(task, "title", &cells[SHEETOUT_TITLE]);
	put_field(task, "section", &cells[SHEETOUT_SECTION]);
	put_list(value_get(task, "lead"), l, &cells[SHEETOUT_LEAD]);
	put_list(value_get(task, "support"), l, &cells[SHEETOUT_SUPPORT]);
	put_field(task, "start", &cells[SHEETOUT_START]);
	put_field(task, "due", &cells[SHEETOUT_DUE]);
	/* An extended task (延期): its first deadline and the last reason. */
	const struct value *ext = value_get(task, "extension");
	if (ext && value_is(ext, V_TABLE)) {
		put_field(task, "due_original", &cells[SHEETOUT_DUE_ORIGINAL]);
		put_field(ext, "reason", &cells[SHEETOUT_EXTENSION]);
	}
	put_field(task, "status_text", &cells[SHEETOUT_STATUS]);
	put_field(task, "progress", &cells[SHEETOUT_PROGRESS]);
	put_field(task, "expected", &cells[SHEETOUT_EXPECTED]);
	put_field(task, "rag_text", &cells[SHEETOUT_RAG]);
	const struct value *od = value_get(task, "overdue");
	if (od)
		buf_puts(&cells[SHEETOUT_OVERDUE], value_truthy(od) && !value_is(od, V_NULL)
		                                           ? (l == LANG_EN ? "yes" : "是")
		                                           : (l == LANG_EN ? "no" : "否"));
	put_field(task, "days_left", &cells[SHEETOUT_DAYS_LEFT]);
	/* The last note reported, in the history's date order. */
	const struct value *hist = value_get(task, "history");
	for (size_t i = hist && value_is(hist, V_ARRAY) ? value_len(hist) : 0; i > 0; i--) {
		const struct value *h = value_at(hist, i - 1);
		const struct value *note = value_get(h, "note");
		if (note && value_is(note, V_STRING) && note->u.str.len) {
			put_field(h, "note", &cells[SHEETOUT_NOTE]);
			put_field(h, "date", &cells[SHEETOUT_NOTE_DATE]);
			break;
		}
	}
	put_targets(value_get(task, "targets"), l, &cells[SHEETOUT_TARGETS]);
}

static void csv_field(const struct buf *c, struct buf *out)
{
	int quote = 0;
	for (size_t i = 0; i < c->len && !quote; i++)
		quote = c->data[i] == ',' || c->data[i] == '"' || c->data[i] == '\r' || c->data[i] == '\n';
	if (!quote) {
		buf_put(out, c->data, c->len);
		return;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < c->len; i++) {
		if (c->data[i] == '"')
			buf_putc(out, '"');
		buf_putc(out, c->data[i]);
	}
	buf_putc(out, '"');
}

void sheetout_csv(const struct value *tasks, enum lang l, struct buf *out)
{
	sheetout_csv_rows(tasks, l, out, NULL);
}

void sheetout_csv_rows(const struct value *tasks, enum lang l, struct buf *out, const struct sheetout_rows *rows)
{
	struct buf cells[SHEETOUT_NCOLS];
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		cells[i] = (struct buf)BUF_INIT;
	buf_puts(out, "\xef\xbb\xbf");
	for (int i = 0; i < SHEETOUT_NCOLS; i++) {
		if (i)
			buf_putc(out, ',');
		buf_reset(&cells[0]);
		buf_puts(&cells[0], sheetout_header(l, i));
		csv_field(&cells[0], out);
	}
	buf_puts(out, "\r\n");
	for (size_t t = 0; tasks && t < value_len(tasks); t++) {
		const struct value *task = value_at(tasks, t);
		size_t from = out->len;
		if (!rows || !rows->reuse(rows->ud, task, out)) {
			sheetout_cells(task, l, cells);
			for (int i = 0; i < SHEETOUT_NCOLS; i++) {
				if (i)
					buf_putc(out, ',');
				csv_field(&cells[i], out);
			}
			buf_puts(out, "\r\n");
		}
		if (rows)
			rows->wrote(rows->ud, task, out, from);
	}
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		buf_free(&cells[i]);
}

/* ---- the workbook ---------------------------------------------------------- */

struct unit_row {
	const char *name;
	long n[SHEETOUT_UNIT_NCOLS];   /* n[1..]: the counts */
};

static int unit_cmp(const void *a, const void *b)
{
	return strcmp(((const struct unit_row *)a)->name, ((const struct unit_row *)b)->name);
}

static struct unit_row *unit_find(struct unit_row **v, size_t *n, size_t *cap, const char *name)
{
	for (size_t i = 0; i < *n; i++)
		if (strcmp((*v)[i].name, name) == 0)
			return &(*v)[i];
	if (*n == *cap) {
		*cap = *cap ? 2 * *cap : 16;
		*v = xrealloc(*v, *cap * sizeof **v);
	}
	struct unit_row *u = &(*v)[(*n)++];
	memset(u, 0, sizeof *u);
	u->name = name;
	return u;
}

/* The units of the tasks and their counts, sorted; the caller frees *out. */
static size_t unit_rows(const struct value *tasks, struct unit_row **out)
{
	struct unit_row *v = NULL;
	size_t n = 0, cap = 0;
	for (size_t t = 0; tasks && t < value_len(tasks); t++) {
		const struct value *task = value_at(tasks, t);
		const char *status = value_str(value_get(task, "status"), "");
		int overdue = value_truthy(value_get(task, "overdue")) && value_is(value_get(task, "overdue"), V_BOOL);
		for (int role = 0; role < 2; role++) {
			const struct value *list = value_get(task, role ? "support" : "lead");
			for (size_t i = 0; list && value_is(list, V_ARRAY) && i < value_len(list); i++) {
				const char *name = value_str(value_at(list, i), NULL);
				if (!name || !*name)
					continue;
				struct unit_row *u = unit_find(&v, &n, &cap, name);
				u->n[1 + role]++;
				if (role)
					continue;
				if (strcmp(status, "done") == 0)
					u->n[3]++;
				else if (strcmp(status, "in_progress") == 0 || strcmp(status, "delayed") == 0)
					u->n[4]++;
				if (overdue)
					u->n[5]++;
			}
		}
	}
	if (n)
		qsort(v, n, sizeof *v, unit_cmp);
	*out = v;
	return n;
}

/* A YYYY-MM-DD date, or 0. */
static int iso_date(const char *s, size_t n, lxw_datetime *dt)
{
	if (n != 10 || s[4] != '-' || s[7] != '-')
		return 0;
	for (size_t i = 0; i < n; i++)
		if (i != 4 && i != 7 && (s[i] < '0' || s[i] > '9'))
			return 0;
	*dt = (lxw_datetime){ .year = atoi(s), .month = atoi(s + 5), .day = atoi(s + 8) };
	return dt->year >= 1900 && datetime_valid_date(dt->year, dt->month, dt->day);
}

/* Cuts cell text c to SHEETOUT_CELL_MAX characters, "…" last, when it is
 * longer. Returns 1 when it was cut. */
static int cut_cell(struct buf *c)
{
	size_t i = 0, n = 0;
	while (i < c->len && n < SHEETOUT_CELL_MAX - 1) {
		size_t k;
		utf8_decode(c->data + i, c->len - i, &k);
		i += k ? k : 1;
		n++;
	}
	if (i == c->len || utf8_count(c->data + i, c->len - i) <= 1)
		return 0;
	buf_truncate(c, i);
	buf_puts(c, "\xE2\x80\xA6");   /* … */
	return 1;
}

static int write_tasks(lxw_workbook *wb, const struct value *tasks, enum lang l, struct diags *d)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, l == LANG_EN ? "Tasks" : "任务");
	lxw_format *bold = workbook_add_format(wb);
	lxw_format *date = workbook_add_format(wb);
	lxw_format *wrap = workbook_add_format(wb);
	if (!ws || !bold || !date || !wrap)
		return -1;
	format_set_bold(bold);
	format_set_num_format(date, "yyyy-mm-dd");
	format_set_text_wrap(wrap);
	format_set_align(wrap, LXW_ALIGN_VERTICAL_TOP);
	for (int i = 0; i < SHEETOUT_NCOLS; i++) {
		worksheet_set_column(ws, (lxw_col_t)i, (lxw_col_t)i, cols[i].width, NULL);
		if (worksheet_write_string(ws, 0, (lxw_col_t)i, sheetout_header(l, i), bold) != LXW_NO_ERROR)
			return -1;
	}
	worksheet_freeze_panes(ws, 1, 0);
	struct buf cells[SHEETOUT_NCOLS];
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		cells[i] = (struct buf)BUF_INIT;
	int rc = 0;
	for (size_t t = 0; tasks && t < value_len(tasks) && rc == 0; t++) {
		lxw_row_t row = (lxw_row_t)(t + 1);
		sheetout_cells(value_at(tasks, t), l, cells);
		for (int i = 0; i < SHEETOUT_NCOLS && rc == 0; i++) {
			if (cols[i].kind == SHEETOUT_TEXT && cut_cell(&cells[i]))
				diag_add(d, DIAG_WARNING, value_str(value_get(value_at(tasks, t), "source"), "data/tasks.xlsx"), 0, 0,
				         NULL, 0, "task %s: its '%s' is cut to %d characters in data/tasks.xlsx, the most a cell "
				         "holds (data/tasks.csv and data/tasks.json keep it whole)",
				         value_str(value_get(value_at(tasks, t), "id"), "?"), sheetout_header(l, i), SHEETOUT_CELL_MAX);
			const char *s = buf_cstr(&cells[i]);
			lxw_datetime dt;
			lxw_error e = LXW_NO_ERROR;
			if (!cells[i].len)
				continue;
			if (cols[i].kind == SHEETOUT_NUM)
				e = worksheet_write_number(ws, row, (lxw_col_t)i, strtod(s, NULL), NULL);
			else if (cols[i].kind == SHEETOUT_DATE && iso_date(s, cells[i].len, &dt))
				e = worksheet_write_datetime(ws, row, (lxw_col_t)i, &dt, date);
			else
				e = worksheet_write_string(ws, row, (lxw_col_t)i, s,
				                           i == SHEETOUT_NOTE || i == SHEETOUT_TARGETS ? wrap : NULL);
			rc = e == LXW_NO_ERROR ? 0 : -1;
		}
	}
	for (int i = 0; i < SHEETOUT_NCOLS; i++)
		buf_free(&cells[i]);
	return rc;
}

static int write_units(lxw_workbook *wb, const struct value *tasks, enum lang l)
{
	lxw_worksheet *ws = workbook_add_worksheet(wb, l == LANG_EN ? "Units" : "单位");
	lxw_format *bold = workbook_add_format(wb);
	if (!ws || !bold)
		return -1;
	format_set_bold(bold);
	worksheet_set_column(ws, 0, 0, 30, NULL);
	worksheet_set_column(ws, 1, SHEETOUT_UNIT_NCOLS - 1, 10, NULL);
	for (int i = 0; i < SHEETOUT_UNIT_NCOLS; i++)
		if (worksheet_write_string(ws, 0, (lxw_col_t)i, sheetout_unit_header(l, i), bold) != LXW_NO_ERROR)
			return -1;
	worksheet_freeze_panes(ws, 1, 0);
	struct unit_row *u = NULL;
	size_t n = unit_rows(tasks, &u);
	int rc = 0;
	for (size_t i = 0; i < n && rc == 0; i++) {
		lxw_row_t row = (lxw_row_t)(i + 1);
		rc = worksheet_write_string(ws, row, 0, u[i].name, NULL) == LXW_NO_ERROR ? 0 : -1;
		for (int c = 1; c < SHEETOUT_UNIT_NCOLS && rc == 0; c++)
			rc = worksheet_write_number(ws, row, (lxw_col_t)c, (double)u[i].n[c], NULL) == LXW_NO_ERROR ? 0 : -1;
	}
	free(u);
	return rc;
}

int sheetout_xlsx(const struct value *tasks, enum lang l, int64_t created, struct buf *out,
                  struct diags *d)
{
	const char *dir = getenv("TMPDIR");
	char path[4096];
	snprintf(path, sizeof path, "%s/planpress-xlsx-XXXXXX", dir && *dir ? dir : "/tmp");
	int fd = mkstemp(path);
	if (fd < 0) {
		diag_add(d, DIAG_ERROR, "data/tasks.xlsx", 0, 0, NULL, 0, "cannot make a temporary file in %s: %s",
		         dir && *dir ? dir : "/tmp", diag_errstr(errno));
		return -1;
	}
	close(fd);
	int rc = -1;
	lxw_error e = LXW_ERROR_CREATING_XLSX_FILE;
	/* Rows go to the file as they are written (the tasks are written in
	 * order), with their strings inline: a site of 10,000 tasks is not
	 * held as a tree of cells and a table of shared strings first. */
	lxw_workbook_options opts = { .constant_memory = LXW_TRUE, .tmpdir = dir && *dir ? (char *)dir : NULL };
	lxw_workbook *wb = workbook_new_opt(path, &opts);
	if (!wb)
		goto out;
	lxw_doc_properties props = { .created = (time_t)(created > 0 ? created : 1) };
	workbook_set_properties(wb, &props);
	int w = write_tasks(wb, tasks, l, d);
	if (w == 0)
		w = write_units(wb, tasks, l);
	e = workbook_close(wb);   /* frees wb, whatever happened */
	if (w < 0 && e == LXW_NO_ERROR)
		e = LXW_ERROR_MEMORY_MALLOC_FAILED;
	if (e != LXW_NO_ERROR)
		goto out;
	if (buf_read_file(out, path) < 0) {
		diag_add(d, DIAG_ERROR, "data/tasks.xlsx", 0, 0, NULL, 0, "cannot read back %s: %s", path,
		         diag_errstr(errno));
		unlink(path);
		return -1;
	}
	rc = 0;
out:
	if (rc < 0)
		diag_add(d, DIAG_ERROR, "data/tasks.xlsx", 0, 0, NULL, 0, "cannot write the workbook (libxlsxwriter error %d)",
		         (int)e);
	unlink(path);
	return rc;
}
