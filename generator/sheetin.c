/* sheetin.c: progress returns made bulletins, task lists made the importer's text (see sheetin.h). */
#include "sheetin.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "import.h"
#include "utf8.h"
#include "xalloc.h"

static const struct {
	int col;
	const char *name;
} headers[] = {
	{ SHEETIN_PLAN, "计划" }, { SHEETIN_PLAN, "计划编号" }, { SHEETIN_PLAN, "行动计划" },
	{ SHEETIN_PLAN, "所属计划" }, { SHEETIN_PLAN, "plan" },
	{ SHEETIN_NUMBER, "序号" }, { SHEETIN_NUMBER, "任务编号" }, { SHEETIN_NUMBER, "编号" },
	{ SHEETIN_NUMBER, "任务序号" }, { SHEETIN_NUMBER, "任务号" }, { SHEETIN_NUMBER, "no." },
	{ SHEETIN_NUMBER, "no" }, { SHEETIN_NUMBER, "number" }, { SHEETIN_NUMBER, "taskno." },
	{ SHEETIN_NUMBER, "id" },
	{ SHEETIN_TITLE, "任务" }, { SHEETIN_TITLE, "任务名称" }, { SHEETIN_TITLE, "工作任务" },
	{ SHEETIN_TITLE, "重点任务" }, { SHEETIN_TITLE, "主要任务" }, { SHEETIN_TITLE, "任务内容" },
	{ SHEETIN_TITLE, "工作内容" }, { SHEETIN_TITLE, "具体任务" }, { SHEETIN_TITLE, "工作事项" },
	{ SHEETIN_TITLE, "task" }, { SHEETIN_TITLE, "title" },
	{ SHEETIN_PROGRESS, "进度" }, { SHEETIN_PROGRESS, "完成进度" }, { SHEETIN_PROGRESS, "进度百分比" },
	{ SHEETIN_PROGRESS, "完成比例" }, { SHEETIN_PROGRESS, "完成率" }, { SHEETIN_PROGRESS, "完成百分比" },
	{ SHEETIN_PROGRESS, "当前进度" }, { SHEETIN_PROGRESS, "progress" },
	{ SHEETIN_STATUS, "状态" }, { SHEETIN_STATUS, "完成状态" }, { SHEETIN_STATUS, "任务状态" },
	{ SHEETIN_STATUS, "进展状态" }, { SHEETIN_STATUS, "status" },
	{ SHEETIN_NOTE, "进展情况" }, { SHEETIN_NOTE, "备注" }, { SHEETIN_NOTE, "最新进展" },
	{ SHEETIN_NOTE, "工作进展" }, { SHEETIN_NOTE, "进展" }, { SHEETIN_NOTE, "完成情况" },
	{ SHEETIN_NOTE, "进展说明" }, { SHEETIN_NOTE, "工作进展情况" }, { SHEETIN_NOTE, "推进情况" },
	{ SHEETIN_NOTE, "note" }, { SHEETIN_NOTE, "notes" }, { SHEETIN_NOTE, "lastnote" },
	{ SHEETIN_NOTE, "remarks" },
	{ SHEETIN_ACTUALS, "实际完成" }, { SHEETIN_ACTUALS, "实际值" }, { SHEETIN_ACTUALS, "指标完成情况" },
	{ SHEETIN_ACTUALS, "指标完成" }, { SHEETIN_ACTUALS, "指标实际值" }, { SHEETIN_ACTUALS, "完成值" },
	{ SHEETIN_ACTUALS, "actuals" }, { SHEETIN_ACTUALS, "actual" },
	{ SHEETIN_LEAD, "牵头单位" }, { SHEETIN_LEAD, "责任单位" }, { SHEETIN_LEAD, "牵头部门" },
	{ SHEETIN_LEAD, "责任部门" }, { SHEETIN_LEAD, "主责单位" }, { SHEETIN_LEAD, "leadunits" },
	{ SHEETIN_LEAD, "lead" },
	{ SHEETIN_SUPPORT, "配合单位" }, { SHEETIN_SUPPORT, "协办单位" }, { SHEETIN_SUPPORT, "配合部门" },
	{ SHEETIN_SUPPORT, "参与单位" }, { SHEETIN_SUPPORT, "协同单位" }, { SHEETIN_SUPPORT, "supportingunits" },
	{ SHEETIN_DUE, "完成时限" }, { SHEETIN_DUE, "完成时间" }, { SHEETIN_DUE, "时间节点" },
	{ SHEETIN_DUE, "截止时间" }, { SHEETIN_DUE, "完成期限" }, { SHEETIN_DUE, "时限" },
	{ SHEETIN_DUE, "时间要求" }, { SHEETIN_DUE, "due" }, { SHEETIN_DUE, "deadline" },
	/* The other columns of data/tasks.xlsx (sheetout.h): known, not read back. */
	{ SHEETIN_NCOLS, "章节" }, { SHEETIN_NCOLS, "开始日期" }, { SHEETIN_NCOLS, "应完成进度" },
	{ SHEETIN_NCOLS, "红黄绿灯" }, { SHEETIN_NCOLS, "逾期" }, { SHEETIN_NCOLS, "剩余天数" },
	{ SHEETIN_NCOLS, "进展日期" }, { SHEETIN_NCOLS, "指标" }, { SHEETIN_NCOLS, "section" },
	{ SHEETIN_NCOLS, "start" }, { SHEETIN_NCOLS, "expectedprogress" }, { SHEETIN_NCOLS, "rag" },
	{ SHEETIN_NCOLS, "overdue" }, { SHEETIN_NCOLS, "daysleft" }, { SHEETIN_NCOLS, "notedate" },
	{ SHEETIN_NCOLS, "targets" },
};

static int starts(const char *s, size_t n, size_t i, const char *w)
{
	size_t k = strlen(w);
	return i + k <= n && memcmp(s + i, w, k) == 0;
}

/* A header or status cell as compared: spaces (ASCII, U+3000), * (a
 * required column's mark) and bracketed parts left out, ASCII lower case,
 * a trailing ： or : dropped. */
static void norm_header(const char *s, size_t n, struct buf *out)
{
	int depth = 0;
	for (size_t i = 0; i < n;) {
		if (starts(s, n, i, "（") || starts(s, n, i, "【")) {
			depth++;
			i += 3;
		} else if (starts(s, n, i, "）") || starts(s, n, i, "】")) {
			depth -= depth > 0;
			i += 3;
		} else if (s[i] == '(' || s[i] == '[') {
			depth++;
			i++;
		} else if (s[i] == ')' || s[i] == ']') {
			depth -= depth > 0;
			i++;
		} else if (starts(s, n, i, "\xe3\x80\x80")) {
			i += 3;
		} else if (s[i] == ' ' || s[i] == '\t' || s[i] == '\n' || s[i] == '\r' || s[i] == '*') {
			i++;
		} else {
			if (!depth)
				buf_putc(out, (s[i] >= 'A' && s[i] <= 'Z') ? (char)(s[i] + 32) : s[i]);
			i++;
		}
	}
	for (;;) {
		if (out->len && (out->data[out->len - 1] == ':' || out->data[out->len - 1] == '*'))
			buf_truncate(out, out->len - 1);
		else if (out->len >= 3 && memcmp(out->data + out->len - 3, "：", 3) == 0)
			buf_truncate(out, out->len - 3);
		else
			break;
	}
}

int sheetin_header(const char *s, size_t len)
{
	struct buf b = BUF_INIT;
	norm_header(s, len, &b);
	int col = -1;
	for (size_t i = 0; i < sizeof headers / sizeof *headers && col < 0; i++)
		if (strcmp(buf_cstr(&b), headers[i].name) == 0)
			col = headers[i].col;
	buf_free(&b);
	return col;
}

static int norm_number(const char *s, size_t n, struct buf *out);

static int header_of(const struct sheet_cell *c)
{
	return c && c->kind == SHEET_TEXT ? sheetin_header(c->text, c->len) : -1;
}

/* Row hr + 1 is a second header row (完成情况 merged over 完成进度 and 状态
 * in row hr, whose 序号 or 任务 is merged down over both): row hr names the
 * task number or the task, row hr + 1 a known column under another text,
 * and its number cell holds no task number. */
static int sub_header(const struct sheet *s, uint32_t hr)
{
	uint32_t numcol = 0;
	int named = 0, task = 0;
	for (uint32_t c = 1; c <= s->ncols; c++) {
		const struct sheet_cell *h = sheet_cell(s, hr, c), *u = sheet_cell(s, hr + 1, c);
		int k = header_of(h);
		if (!numcol && k == SHEETIN_NUMBER)
			numcol = c;
		task |= k == SHEETIN_NUMBER || k == SHEETIN_TITLE;
		if (header_of(u) >= 0 && !(h && strcmp(h->text, u->text) == 0))
			named = 1;
	}
	const struct sheet_cell *n = numcol ? sheet_cell(s, hr + 1, numcol) : NULL;
	struct buf k = BUF_INIT;
	int num = n && norm_number(n->text, n->len, &k);
	buf_free(&k);
	return task && named && !num;
}

/* The header of column c: the second header row's cell when it names a
 * known column (the group's text above it is no column), else row hr's. */
static const struct sheet_cell *head_cell(const struct sheet *s, uint32_t hr, int sub, uint32_t c)
{
	const struct sheet_cell *u = sub ? sheet_cell(s, hr + 1, c) : NULL, *h = sheet_cell(s, hr, c);
	return header_of(u) >= 0 && !(h && strcmp(h->text, u->text) == 0) ? u : h;
}

/* The columns of the header at row hr (and hr + 1 when sub) of s (cols[k]:
 * the column from 1, or 0); how many were recognised. The first column of
 * a kind wins. */
static int row_columns(const struct sheet *s, uint32_t hr, int sub, uint32_t cols[SHEETIN_NCOLS])
{
	int n = 0, task_no = 0;
	memset(cols, 0, SHEETIN_NCOLS * sizeof *cols);
	for (uint32_t c = 1; c <= s->ncols; c++) {
		const struct sheet_cell *h = head_cell(s, hr, sub, c);
		int k = header_of(h);
		if (k < 0 || k >= SHEETIN_NCOLS)
			continue;
		/* 任务编号 beside 序号 (the rows counted 1, 2, 3 of the form) is the
		 * task's number: it wins. */
		struct buf t = BUF_INIT;
		if (k == SHEETIN_NUMBER)
			norm_header(h->text, h->len, &t);
		int specific = t.len > 6 && memcmp(t.data, "任务", 6) == 0;
		buf_free(&t);
		if (!cols[k] || (specific && !task_no)) {
			n += !cols[k];
			cols[k] = c;
			task_no |= specific;
		}
	}
	return n;
}

static enum sheetin_kind kind_of(const uint32_t cols[SHEETIN_NCOLS])
{
	/* A task list may have a 备注 column: a note alone makes no return of it. */
	int list = cols[SHEETIN_TITLE] && cols[SHEETIN_LEAD];
	if (cols[SHEETIN_NUMBER] && (cols[SHEETIN_PROGRESS] || cols[SHEETIN_STATUS] || cols[SHEETIN_ACTUALS] ||
	                             (cols[SHEETIN_NOTE] && !list)))
		return SHEETIN_RETURN;
	if (cols[SHEETIN_TITLE] && cols[SHEETIN_LEAD])
		return SHEETIN_LIST;
	return SHEETIN_NOT;
}

enum sheetin_kind sheetin_sheet_kind(const struct sheet *s, uint32_t *header_row)
{
	uint32_t cols[SHEETIN_NCOLS];
	for (uint32_t r = 1; r <= s->nrows && r <= SHEETIN_HEADER_ROWS; r++) {
		if (row_columns(s, r, sub_header(s, r), cols) < 2 || (!cols[SHEETIN_NUMBER] && !cols[SHEETIN_TITLE]))
			continue;
		if (header_row)
			*header_row = r;
		return kind_of(cols);
	}
	return SHEETIN_NOT;
}

enum sheetin_kind sheetin_kind(const struct sheet_book *b)
{
	enum sheetin_kind k = SHEETIN_NOT;
	for (size_t i = 0; i < b->n; i++) {
		enum sheetin_kind s = sheetin_sheet_kind(&b->v[i], NULL);
		if (s == SHEETIN_RETURN)
			return s;
		if (s == SHEETIN_LIST)
			k = s;
	}
	return k;
}

/* ---- task lists -------------------------------------------------------------- */

/* A cell as one line of the importer's text: line breaks and TABs a space,
 * a date in words. */
static void put_cell(const struct sheet_cell *c, struct buf *out)
{
	int y, m, d;
	if (c->kind == SHEET_DATE && sscanf(c->text, "%4d-%2d-%2d", &y, &m, &d) == 3) {
		buf_printf(out, "%d年%d月%d日", y, m, d);
		return;
	}
	for (size_t i = 0; i < c->len; i++) {
		char ch = c->text[i];
		if (ch == '\r')
			continue;
		buf_putc(out, ch == '\n' || ch == '\t' ? ' ' : ch);
	}
}

/* A row of a task list that is a heading (一、组织建设), not a task: its
 * cells all hold the same text (a heading merged across the table, or
 * only one cell filled) and its number cell holds no number. Without a
 * number column, only a heading merged over two cells or more is told. */
static int heading_row(const struct sheet *s, uint32_t r, uint32_t numcol, const char **text)
{
	const char *t = NULL;
	int n = 0;
	for (uint32_t c = 1; c <= s->ncols; c++) {
		const struct sheet_cell *cell = sheet_cell(s, r, c);
		if (!cell)
			continue;
		if (t && strcmp(t, cell->text) != 0)
			return 0;
		t = cell->text;
		n++;
	}
	if (!t || (!numcol && n < 2))
		return 0;
	const struct sheet_cell *num = numcol ? sheet_cell(s, r, numcol) : NULL;
	struct buf k = BUF_INIT;
	int is_num = num && norm_number(num->text, num->len, &k);
	buf_free(&k);
	*text = t;
	return !is_num;
}

/* Row r of s as a line of the table (the header, hr and sub, when head). */
static void put_row(const struct sheet *s, uint32_t r, int sub, int head, struct buf *out)
{
	for (uint32_t c = 1; c <= s->ncols; c++) {
		const struct sheet_cell *cell = head ? head_cell(s, r, sub, c) : sheet_cell(s, r, c);
		if (c > 1)
			buf_putc(out, '\t');
		if (cell)
			put_cell(cell, out);
	}
	buf_putc(out, '\n');
}

void sheetin_text(const struct sheet_book *b, const char *title, struct buf *out)
{
	int titled = 0;
	for (size_t i = 0; i < b->n; i++) {
		const struct sheet *s = &b->v[i];
		uint32_t hr = 0, cols[SHEETIN_NCOLS];
		if (sheetin_sheet_kind(s, &hr) != SHEETIN_LIST)
			continue;
		int sub = sub_header(s, hr);
		row_columns(s, hr, sub, cols);
		/* The rows above the header: the list's title and notes. */
		for (uint32_t r = 1; r < hr; r++) {
			size_t before = out->len;
			for (uint32_t c = 1; c <= s->ncols; c++) {
				const struct sheet_cell *cell = sheet_cell(s, r, c);
				/* A merged title repeats across its row: once. */
				if (cell && !(c > 1 && sheet_cell(s, r, c - 1) &&
				              strcmp(sheet_cell(s, r, c - 1)->text, cell->text) == 0)) {
					if (out->len > before)
						buf_putc(out, ' ');
					put_cell(cell, out);
				}
			}
			if (out->len > before) {
				buf_putc(out, '\n');
				titled = 1;
			}
		}
		if (!titled && title) {
			buf_printf(out, "%s\n", title);
			titled = 1;
		}
		/* The table, the header row first; a heading row ends it, stands
		 * as a paragraph (a section of the plan), and the header row
		 * starts the table again, as in a Word file of one table per section. */
		int open = 0;
		for (uint32_t r = hr + 1 + (uint32_t)sub; r <= s->nrows; r++) {
			const char *head;
			int any = 0;
			for (uint32_t c = 1; c <= s->ncols && !any; c++)
				any = sheet_cell(s, r, c) != NULL;
			if (!any)
				continue;
			if (heading_row(s, r, cols[SHEETIN_NUMBER], &head)) {
				if (open)
					buf_putc(out, '\n');
				buf_printf(out, "\n%s\n", head);
				open = 0;
				continue;
			}
			if (!open) {
				buf_putc(out, '\n');
				put_row(s, hr, sub, 1, out);
				open = 1;
			}
			put_row(s, r, 0, 0, out);
		}
		buf_putc(out, '\n');
	}
}

/* ---- progress returns ----------------------------------------------------------- */

struct task_ref {
	const struct value *task;
	const char *plan, *number;
	char *key;    /* the number as compared (norm_number) */
	uint32_t row; /* the row that reported it, or 0 */
	const char *sheet;
};

/* A task number as compared: full-width digits and dot folded, 任务/第/项
 * and a trailing 、 or . dropped, leading zeros of each part dropped.
 * Returns 0 when what is left is not digits and dots. */
static int norm_number(const char *s, size_t n, struct buf *out)
{
	struct buf t = BUF_INIT;
	buf_reset(out);
	for (size_t i = 0; i < n;) {
		size_t k;
		uint32_t cp = utf8_decode(s + i, n - i, &k);
		if (!k)
			k = 1;
		if (cp >= 0xff10 && cp <= 0xff19)
			buf_putc(&t, (char)('0' + cp - 0xff10));
		else if (cp == 0xff0e)
			buf_putc(&t, '.');
		else if (cp != ' ' && cp != 0x3000 && cp != '\t')
			buf_put(&t, s + i, k);
		i += k;
	}
	const char *p = buf_cstr(&t);
	size_t len = t.len;
	static const char *const pre[] = { "任务", "第" };
	for (size_t j = 0; j < 2; j++)
		if (len >= strlen(pre[j]) && memcmp(p, pre[j], strlen(pre[j])) == 0) {
			p += strlen(pre[j]);
			len -= strlen(pre[j]);
		}
	static const char *const post[] = { "项", "、", "." };
	for (size_t j = 0; j < 3; j++)
		if (len >= strlen(post[j]) && memcmp(p + len - strlen(post[j]), post[j], strlen(post[j])) == 0)
			len -= strlen(post[j]);
	int ok = len > 0;
	for (size_t i = 0; i < len && ok; i++) {
		if (p[i] == '.') {
			ok = i > 0 && i + 1 < len && p[i + 1] != '.';
			buf_putc(out, '.');
			continue;
		}
		if (p[i] < '0' || p[i] > '9') {
			ok = 0;
			break;
		}
		if (p[i] == '0' && (i == 0 || p[i - 1] == '.') && i + 1 < len && p[i + 1] != '.')
			continue;   /* 01 is 1 */
		buf_putc(out, p[i]);
	}
	buf_free(&t);
	return ok;
}

static const struct {
	const char *word, *status;
} statuses[] = {
	{ "not_started", "not_started" }, { "in_progress", "in_progress" }, { "done", "done" },
	{ "delayed", "delayed" }, { "cancelled", "cancelled" },
	{ "未开始", "not_started" }, { "尚未开始", "not_started" }, { "未启动", "not_started" },
	{ "进行中", "in_progress" }, { "推进中", "in_progress" }, { "正在推进", "in_progress" },
	{ "正在进行", "in_progress" }, { "已启动", "in_progress" },
	{ "已完成", "done" }, { "完成", "done" }, { "已办结", "done" }, { "办结", "done" },
	{ "已延期", "delayed" }, { "延期", "delayed" }, { "滞后", "delayed" }, { "进度滞后", "delayed" },
	{ "已取消", "cancelled" }, { "取消", "cancelled" },
	{ "notstarted", "not_started" }, { "inprogress", "in_progress" }, { "completed", "done" },
	{ "canceled", "cancelled" },
};

static const char *parse_status(const char *s, size_t n)
{
	struct buf b = BUF_INIT;
	norm_header(s, n, &b);
	const char *r = NULL;
	for (size_t i = 0; i < sizeof statuses / sizeof *statuses && !r; i++)
		if (strcmp(buf_cstr(&b), statuses[i].word) == 0)
			r = statuses[i].status;
	buf_free(&b);
	return r;
}

/* A number at s (ASCII or full-width digits), its length in *used; -1 when none. */
static int parse_num(const char *s, size_t n, double *x, size_t *used)
{
	char tmp[64];
	size_t k = 0, i = 0;
	while (i < n && (s[i] == ' '))
		i++;
	while (i < n && k + 1 < sizeof tmp) {
		size_t cl;
		uint32_t cp = utf8_decode(s + i, n - i, &cl);
		if (!cl)
			break;
		if (cp >= 0xff10 && cp <= 0xff19)
			cp = '0' + cp - 0xff10;
		else if (cp == 0xff0e)
			cp = '.';
		if (!((cp >= '0' && cp <= '9') || cp == '.' || (cp == '-' && k == 0) || (cp == ',' && k > 0)))
			break;
		if (cp != ',')
			tmp[k++] = (char)cp;
		i += cl;
	}
	tmp[k] = 0;
	char *end;
	*x = strtod(tmp, &end);
	if (!k || *end || !isfinite(*x))
		return -1;
	*used = i;
	return 0;
}

/* Progress 0..100 from "80", "80%", "80 %", "８０％"; -1 when not one. */
static int parse_progress(const char *s, size_t n, double *x)
{
	size_t used;
	if (parse_num(s, n, x, &used) < 0)
		return -1;
	while (used < n && s[used] == ' ')
		used++;
	if (starts(s, n, used, "%"))
		used++;
	else if (starts(s, n, used, "％"))
		used += 3;
	while (used < n && s[used] == ' ')
		used++;
	return used == n && *x >= 0 && *x <= 100 ? 0 : -1;
}

static void put_num(double x, struct buf *out)
{
	if (x == floor(x) && fabs(x) < 1e15)
		buf_printf(out, "%.0f", x);
	else
		value_format_double(x, out);
}

/* The metrics of a task's targets; the one named name (its metric, or the
 * short id the importer gives it), or NULL. */
static const char *find_metric(const struct value *task, const char *name, size_t len)
{
	const struct value *targets = value_get(task, "targets");
	for (size_t i = 0; targets && i < value_len(targets); i++) {
		const char *m = value_str(value_get(value_at(targets, i), "metric"), NULL);
		if (m && strlen(m) == len && memcmp(m, name, len) == 0)
			return m;
	}
	return NULL;
}

struct row_ctx {
	const struct sheetin_opts *o;
	struct diags *d;
	const char *where;   /* path:sheet */
	uint32_t row;
};

/* Parses "覆盖率=95；协议数：18" into actuals (metric → number) of task. */
static int parse_actuals(struct row_ctx *rc, uint32_t col, const struct sheet_cell *c, const struct value *task,
                         struct buf *yaml)
{
	const char *s = c->text;
	size_t n = c->len, i = 0;
	int bad = 0;
	while (i < n) {
		size_t j = i;
		while (j < n && !starts(s, n, j, "；") && !starts(s, n, j, "，") && !starts(s, n, j, "、") &&
		       s[j] != ';' && s[j] != '\n')
			j++;
		/* one pair in [i, j) */
		size_t a = i, e = j;
		while (a < e && (s[a] == ' ' || s[a] == '\r'))
			a++;
		while (e > a && (s[e - 1] == ' ' || s[e - 1] == '\r'))
			e--;
		if (e > a) {
			size_t k = a;
			while (k < e && s[k] != '=' && s[k] != ':' && !starts(s, e, k, "：") && !starts(s, e, k, "＝"))
				k++;
			size_t nameend = k;
			while (nameend > a && s[nameend - 1] == ' ')
				nameend--;
			size_t v = k < e ? k + ((unsigned char)s[k] >= 0x80 ? 3 : 1) : e;
			double x;
			size_t used;
			const char *metric = k < e ? find_metric(task, s + a, nameend - a) : NULL;
			char pair[256];
			snprintf(pair, sizeof pair, "%.*s", (int)utf8_floor(s + a, e - a, 200), s + a);
			if (k >= e || parse_num(s + v, e - v, &x, &used) < 0) {
				diag_add(rc->d, DIAG_ERROR, rc->where, (int)rc->row, (int)(col), NULL, 0, "actuals '%s': write each as 指标=数值, separated by ；", pair);
				bad = 1;
			} else if (!metric) {
				diag_add(rc->d, DIAG_ERROR, rc->where, (int)rc->row, (int)(col), NULL, 0, "actuals '%s': the task has no target of that name", pair);
				bad = 1;
			} else {
				buf_puts(yaml, "      ");
				import_yaml_string(metric, strlen(metric), yaml);
				buf_puts(yaml, ": ");
				put_num(x, yaml);
				buf_putc(yaml, '\n');
			}
		}
		i = j;
		if (i < n)
			i += (unsigned char)s[i] >= 0x80 ? 3 : 1;
	}
	return bad ? -1 : 0;
}

/* The last note of a task's history, or "". */
static const char *last_note(const struct value *task)
{
	const struct value *h = value_get(task, "history");
	for (size_t i = h ? value_len(h) : 0; i > 0; i--) {
		const char *n = value_str(value_get(value_at(h, i - 1), "note"), NULL);
		if (n && *n)
			return n;
	}
	return "";
}

static int plan_named(const struct value *plan, const char *s)
{
	static const char *const keys[] = { "id", "doc_no", "title" };
	for (size_t k = 0; k < 3; k++) {
		const char *v = value_str(value_get(plan, keys[k]), NULL);
		if (v && *v && strcmp(v, s) == 0)
			return 1;
	}
	return 0;
}

/* Trims spaces and line breaks at both ends; into out. */
static void trimmed(const char *s, size_t n, struct buf *out)
{
	while (n && (*s == ' ' || *s == '\n' || *s == '\r' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\n' || s[n - 1] == '\r' || s[n - 1] == '\t'))
		n--;
	buf_put(out, s, n);
}

static const struct sheet_cell *at(const struct sheet *s, uint32_t row, uint32_t col)
{
	return col ? sheet_cell(s, row, col) : NULL;
}

int sheetin_bulletin(const struct sheet_book *b, const struct value *plans, const struct sheetin_opts *o,
                     struct buf *out, struct sheetin_counts *counts, struct diags *d)
{
	size_t errs = d->nerrors;
	memset(counts, 0, sizeof *counts);
	/* The tasks, with their numbers as compared. */
	struct task_ref *tasks = NULL;
	size_t nt = 0;
	struct buf key = BUF_INIT, where = BUF_INIT, ups = BUF_INIT, note = BUF_INIT, act = BUF_INIT;
	for (size_t p = 0; plans && p < value_len(plans); p++) {
		const struct value *pl = value_at(plans, p);
		const struct value *list = value_get(pl, "tasks");
		for (size_t t = 0; list && t < value_len(list); t++) {
			const struct value *task = value_at(list, t);
			const char *num = value_str(value_get(task, "number"), "");
			tasks = xrealloc(tasks, (nt + 1) * sizeof *tasks);
			norm_number(num, strlen(num), &key);
			tasks[nt++] = (struct task_ref){ .task = task, .plan = value_str(value_get(pl, "id"), ""),
				                         .number = num, .key = xstrdup(buf_cstr(&key)) };
		}
	}
	if (o->plan) {
		int found = 0;
		for (size_t p = 0; plans && p < value_len(plans); p++)
			found |= strcmp(value_str(value_get(value_at(plans, p), "id"), ""), o->plan) == 0;
		if (!found)
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no plan '%s' in the site", o->plan);
	}
	int sheets = 0;
	for (size_t si = 0; si < b->n && d->nerrors == errs; si++) {
		const struct sheet *s = &b->v[si];
		uint32_t hr = 0, cols[SHEETIN_NCOLS];
		if (sheetin_sheet_kind(s, &hr) != SHEETIN_RETURN)
			continue;
		sheets++;
		int sub = sub_header(s, hr);
		row_columns(s, hr, sub, cols);
		buf_reset(&where);
		buf_puts(&where, o->path);
		if (s->name[0])
			buf_printf(&where, ":%s", s->name);
		/* Columns headed by a target's metric give its actual value. */
		uint32_t *metric_cols = xcalloc(s->ncols + 1, sizeof *metric_cols);
		for (uint32_t c = 1; c <= s->ncols; c++) {
			const struct sheet_cell *h = head_cell(s, hr, sub, c);
			int known = h && sheetin_header(h->text, h->len) >= 0;
			for (size_t t = 0; h && !known && t < nt && !metric_cols[c]; t++)
				if (find_metric(tasks[t].task, h->text, h->len))
					metric_cols[c] = c;
			if (h && !known && !metric_cols[c])
				diag_add(d, DIAG_NOTE, buf_cstr(&where), (int)h->row, (int)c, NULL, 0,
				         "column '%s' is not one a progress return has: left out", h->text);
			/* A second column of a kind (备注 beside 工作进展情况) is not read:
			 * said when it holds anything. */
			int k = known ? sheetin_header(h->text, h->len) : -1;
			int filled = 0;
			for (uint32_t r = hr + 1 + (uint32_t)sub; k >= 0 && k < SHEETIN_NCOLS && cols[k] != c && r <= s->nrows && !filled; r++)
				filled = sheet_cell(s, r, c) != NULL;
			if (filled) {
				char first[8];
				sheet_col_name(cols[k], first);
				diag_add(d, DIAG_NOTE, buf_cstr(&where), (int)h->row, (int)c, NULL, 0,
				         "column '%s' is of the same kind as column %s, which is read: left out", h->text, first);
			}
		}
		for (uint32_t r = hr + 1 + (uint32_t)sub; r <= s->nrows; r++) {
			struct row_ctx rc = { .o = o, .d = d, .where = buf_cstr(&where), .row = r };
			const struct sheet_cell *cn = at(s, r, cols[SHEETIN_NUMBER]);
			const struct sheet_cell *cp = at(s, r, cols[SHEETIN_PROGRESS]);
			const struct sheet_cell *cs = at(s, r, cols[SHEETIN_STATUS]);
			const struct sheet_cell *cnote = at(s, r, cols[SHEETIN_NOTE]);
			const struct sheet_cell *ca = at(s, r, cols[SHEETIN_ACTUALS]);
			const struct sheet_cell *cplan = at(s, r, cols[SHEETIN_PLAN]);
			if (!cn) {
				if (cp || cs)
					diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(cols[SHEETIN_NUMBER]), NULL, 0,
					        "a row reporting progress or status without a task number");
				else if (cnote || ca)
					diag_add(d, DIAG_WARNING, rc.where, (int)rc.row, (int)(cols[SHEETIN_NUMBER]), NULL, 0,
					         "a row without a task number: its note and actuals are left out");
				continue;
			}
			/* The task: by id (plan/number), else by number in the row's plan. */
			const char *slash = memchr(cn->text, '/', cn->len);
			const char *plan = o->plan;
			struct buf pn = BUF_INIT;
			if (cplan) {
				trimmed(cplan->text, cplan->len, &pn);
				plan = NULL;
				for (size_t p = 0; plans && p < value_len(plans) && !plan; p++)
					if (plan_named(value_at(plans, p), buf_cstr(&pn)))
						plan = value_str(value_get(value_at(plans, p), "id"), NULL);
				if (!plan) {
					diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(cols[SHEETIN_PLAN]), NULL, 0, "no plan '%s' in the site", buf_cstr(&pn));
					buf_free(&pn);
					continue;
				}
			}
			buf_free(&pn);
			const char *numtext = cn->text;
			size_t numlen = cn->len;
			if (slash) {
				buf_reset(&pn);
				buf_put(&pn, cn->text, (size_t)(slash - cn->text));
				numtext = slash + 1;
				numlen = cn->len - (size_t)(slash + 1 - cn->text);
			}
			if (!norm_number(numtext, numlen, &key)) {
				/* A heading, a total or a note under the table: no task (a
				 * heading merged across the row repeats in every cell). */
				if ((cp && strcmp(cp->text, cn->text) != 0) || (cs && strcmp(cs->text, cn->text) != 0))
					diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(cols[SHEETIN_NUMBER]), NULL, 0, "'%s' is not a task number", cn->text);
				else   /* said, so that no row goes without a word */
					diag_add(d, DIAG_NOTE, rc.where, (int)rc.row, (int)cols[SHEETIN_NUMBER], NULL, 0,
					         "'%.*s%s' is no task number: the row is read past",
					         (int)utf8_floor(cn->text, cn->len, 60), cn->text,
					         utf8_floor(cn->text, cn->len, 60) < cn->len ? "…" : "");
				buf_free(&pn);
				continue;
			}
			counts->rows++;
			struct task_ref *hit = NULL;
			int many = 0;
			for (size_t t = 0; t < nt; t++) {
				if (strcmp(tasks[t].key, buf_cstr(&key)) != 0)
					continue;
				if (slash ? strcmp(tasks[t].plan, buf_cstr(&pn)) != 0 : plan && strcmp(tasks[t].plan, plan) != 0)
					continue;
				many += hit != NULL;
				if (!hit)
					hit = &tasks[t];
			}
			buf_free(&pn);
			if (!hit) {
				if (plan && !slash)
					diag_add(d, DIAG_ERROR, rc.where, (int)r, (int)cols[SHEETIN_NUMBER], NULL, 0,
					         "no task %s in plan %s", cn->text, plan);
				else
					diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(cols[SHEETIN_NUMBER]), NULL, 0, "no task %s in the site", cn->text);
				continue;
			}
			if (many) {
				diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(cols[SHEETIN_NUMBER]), NULL, 0,
				        "task %s is in more than one plan: add a 计划 column or give --plan", cn->text);
				continue;
			}
			if (hit->row && hit->sheet[0]) {
				diag_add(d, DIAG_ERROR, rc.where, (int)r, (int)cols[SHEETIN_NUMBER], NULL, 0,
				         "task %s/%s was reported already, in row %u of sheet '%s'", hit->plan, hit->number,
				         hit->row, hit->sheet);
				continue;
			}
			if (hit->row) {
				diag_add(d, DIAG_ERROR, rc.where, (int)r, (int)cols[SHEETIN_NUMBER], NULL, 0,
				         "task %s/%s was reported already, in row %u", hit->plan, hit->number, hit->row);
				continue;
			}
			hit->row = r;
			hit->sheet = s->name;
			/* What the row reports. */
			int bad = 0, news = 0;
			double prog = -1;
			const char *status = NULL;
			buf_reset(&note);
			buf_reset(&act);
			if (cp && parse_progress(cp->text, cp->len, &prog) < 0) {
				diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(cols[SHEETIN_PROGRESS]), NULL, 0, "progress must be 0..100 (80 or 80%%), got '%s'",
				        cp->text);
				bad = 1;
			}
			else if (cp && prog > 0 && prog < 1 && !memchr(cp->text, '%', cp->len) && !strstr(cp->text, "％"))
				/* A fraction in a column of percents: a cell not formatted
				 * as one (0.8 for 80 %), or truly under one per cent. */
				diag_add(d, DIAG_WARNING, rc.where, (int)rc.row, (int)(cols[SHEETIN_PROGRESS]), NULL, 0,
				         "progress '%s' read as %s%%: if %.0f%% was meant, write %.0f or format the cell as a percent",
				         cp->text, cp->text, prog * 100, prog * 100);
			if (cs && !(status = parse_status(cs->text, cs->len))) {
				diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(cols[SHEETIN_STATUS]), NULL, 0,
				        "unknown status '%s' (use 未开始, 进行中, 已完成, 已延期 or 已取消)", cs->text);
				bad = 1;
			}
			if (cnote)
				trimmed(cnote->text, cnote->len, &note);
			if (ca && parse_actuals(&rc, cols[SHEETIN_ACTUALS], ca, hit->task, &act) < 0)
				bad = 1;
			for (uint32_t c = 1; c <= s->ncols; c++) {
				const struct sheet_cell *mc = metric_cols[c] ? sheet_cell(s, r, c) : NULL;
				const struct sheet_cell *h = mc ? head_cell(s, hr, sub, c) : NULL;
				double x;
				size_t used;
				if (!mc)
					continue;
				const char *metric = find_metric(hit->task, h->text, h->len);
				if (!metric) {
					diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(c), NULL, 0, "the task has no target '%s'", h->text);
					bad = 1;
				} else if (parse_num(mc->text, mc->len, &x, &used) < 0) {
					diag_add(d, DIAG_ERROR, rc.where, (int)rc.row, (int)(c), NULL, 0, "an actual value must be a number, got '%s'", mc->text);
					bad = 1;
				} else {
					buf_puts(&act, "      ");
					import_yaml_string(metric, strlen(metric), &act);
					buf_puts(&act, ": ");
					put_num(x, &act);
					buf_putc(&act, '\n');
				}
			}
			if (bad)
				continue;
			const struct value *task = hit->task;
			double cur = value_is(value_get(task, "progress"), V_FLOAT) ? value_get(task, "progress")->u.f
			                                                             : (double)value_i64(value_get(task, "progress"), -1);
			if (prog >= 0 && prog != cur)
				news = 1;
			if (status && strcmp(status, value_str(value_get(task, "status"), "")) != 0)
				news = 1;
			if (note.len && strcmp(buf_cstr(&note), last_note(task)) != 0)
				news = 1;
			if (act.len)
				news = 1;
			if (prog < 0 && !status && !note.len && !act.len) {
				counts->empty++;
				continue;
			}
			if (!news && !o->keep_unchanged) {
				counts->unchanged++;
				continue;
			}
			counts->updates++;
			buf_printf(&ups, "  - task: ");
			char id[300];
			snprintf(id, sizeof id, "%s/%s", hit->plan, hit->number);
			import_yaml_string(id, strlen(id), &ups);
			buf_putc(&ups, '\n');
			if (prog >= 0) {
				buf_puts(&ups, "    progress: ");
				put_num(prog, &ups);
				buf_putc(&ups, '\n');
			}
			if (status)
				buf_printf(&ups, "    status: %s\n", status);
			if (act.len) {
				buf_puts(&ups, "    actuals:\n");
				buf_put(&ups, act.data, act.len);
			}
			if (note.len) {
				buf_puts(&ups, "    note: ");
				import_yaml_string(note.data, note.len, &ups);
				buf_putc(&ups, '\n');
			}
		}
		free(metric_cols);
	}
	if (!sheets && d->nerrors == errs)
		diag_add(d, DIAG_ERROR, o->path, 0, 0, NULL, 0,
		         "no sheet has a header row naming the task number (序号) and its progress (进度), status "
		         "(状态) or note (进展情况) in its first %d rows",
		         SHEETIN_HEADER_ROWS);
	int rc = -1;
	if (d->nerrors == errs) {
		buf_printf(out, "---\ndate: %s\ntitle: ", o->date);
		if (o->title) {
			import_yaml_string(o->title, strlen(o->title), out);
		} else {
			int y = 0, m = 0, dd = 0;
			sscanf(o->date, "%4d-%2d-%2d", &y, &m, &dd);
			if (o->lang == LANG_EN)
				buf_printf(out, "Progress as of %s", o->date);
			else
				buf_printf(out, "%d年%d月%d日工作进展", y, m, dd);
		}
		buf_putc(out, '\n');
		if (o->unit) {
			buf_puts(out, "unit: ");
			import_yaml_string(o->unit, strlen(o->unit), out);
			buf_putc(out, '\n');
		}
		buf_puts(out, IMPORT_MARK "\n");
		if (ups.len) {
			buf_puts(out, "updates:\n");
			buf_put(out, ups.data, ups.len);
		} else {
			buf_puts(out, "updates: []\n");
		}
		buf_puts(out, "---\n\n");
		if (o->lang == LANG_EN)
			buf_printf(out, "Made by planpress import from the progress return %s.\n", o->source);
		else
			buf_printf(out, "本通报由 planpress import 根据进展报表 %s 生成。\n", o->source);
		rc = 0;
	}
	for (size_t t = 0; t < nt; t++)
		free(tasks[t].key);
	free(tasks);
	buf_free(&key);
	buf_free(&where);
	buf_free(&ups);
	buf_free(&note);
	buf_free(&act);
	return rc;
}
