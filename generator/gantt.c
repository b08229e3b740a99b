/* gantt.c: a plan's schedule as SVG geometry: bars, progress, milestones,
 * month ticks and the as-of line, grouped by section. */
#include "gantt.h"

#include <string.h>

#include "buf.h"
#include "utf8.h"

static const struct pos nopos = { 0 };

int gantt_day(const struct value *v, int64_t *days)
{
	int y, m, d;
	if (!v)
		return -1;
	if (v->kind == V_DATETIME && v->u.dt.kind != DT_TIME) {
		y = v->u.dt.year, m = v->u.dt.month, d = v->u.dt.day;
	} else if (v->kind == V_STRING && v->u.str.len >= 10) {
		const char *s = v->u.str.s;
		for (int i = 0; i < 10; i++)
			if (i == 4 || i == 7 ? s[i] != '-' : !IS_ASCII_DIGIT(s[i]))
				return -1;
		y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
		m = (s[5] - '0') * 10 + (s[6] - '0');
		d = (s[8] - '0') * 10 + (s[9] - '0');
	} else {
		return -1;
	}
	if (!datetime_valid_date(y, m, d))
		return -1;
	*days = datetime_days(y, m, d);
	return 0;
}

/* What the drawing maps: days [first, last) onto x [x0, x1), in tenths. */
struct axis {
	int64_t first, last;
	int64_t x0, x1;   /* tenths of a unit */
};

/* x of day d, in tenths, rounded half up (d is within the axis). */
static int64_t ax_x(const struct axis *ax, int64_t d)
{
	int64_t span = ax->last - ax->first;
	if (d < ax->first)
		d = ax->first;
	if (d > ax->last)
		d = ax->last;
	return ax->x0 + (2 * (ax->x1 - ax->x0) * (d - ax->first) + span) / (2 * span);
}

/* Tenths as text with one fixed decimal: 2245 -> "224.5", 30 -> "3.0". */
static struct value *tenths(struct arena *a, int64_t t)
{
	const char *sign = t < 0 ? "-" : "";
	if (t < 0)
		t = -t;
	return value_cstring(a, arena_printf(a, "%s%lld.%lld", sign, (long long)(t / 10), (long long)(t % 10)), nopos);
}

static struct value *text(struct arena *a, const char *s)
{
	return value_cstring(a, s, nopos);
}

/* A day (days since 1970-01-01) written as l writes dates. */
static struct value *day_text(struct arena *a, int64_t days, enum lang l)
{
	struct buf b = BUF_INIT;
	struct datetime dt = { .kind = DT_DATE };
	datetime_set_days(&dt, days);
	lang_date(l, &dt, &b);
	struct value *v = value_string(a, b.data ? b.data : "", b.len, nopos);
	buf_free(&b);
	return v;
}

static void set_num(struct arena *a, struct value *t, const char *key, int64_t v)
{
	value_setc(a, t, key, tenths(a, v));
}

/* "12 推行社区事务“一窗受理”" cut to GANTT_LABEL_CHARS characters. */
static struct value *label(struct arena *a, const char *number, const char *title)
{
	struct buf b = BUF_INIT;
	buf_printf(&b, "%s %s", number, title);
	size_t off = 0, n = 0;
	while (off < b.len && n < GANTT_LABEL_CHARS) {
		size_t k;
		utf8_decode(b.data + off, b.len - off, &k);
		off += k ? k : 1;
		n++;
	}
	if (off < b.len) {
		/* One character gives way to the ellipsis. */
		size_t k;
		utf8_decode_last(b.data, off, &k);
		buf_truncate(&b, off - k);
		buf_puts(&b, "…");
	}
	struct value *v = value_string(a, b.data ? b.data : "", b.len, nopos);
	buf_free(&b);
	return v;
}

static int is_true(const struct value *v)
{
	return v && v->kind == V_BOOL && v->u.b;
}

/* One word for how a bar is drawn (a class of the theme's stylesheet). */
static const char *state_of(const struct value *t)
{
	const char *st = value_str(value_get(t, "status"), "");
	if (strcmp(st, "cancelled") == 0 || strcmp(st, "done") == 0)
		return st;
	if (is_true(value_get(t, "overdue")))
		return "overdue";
	if (strcmp(st, "delayed") == 0)
		return "delayed";
	if (is_true(value_get(t, "at_risk")))
		return "at_risk";
	return "on_track";
}

/* The day a task's bar starts: its start, else the plan's date, else
 * 1 January of the period's first year, else its due day. */
static int64_t start_of(const struct value *t, const struct value *plan, int64_t due, int *assumed)
{
	int64_t d;
	*assumed = 1;
	if (gantt_day(value_get(t, "start"), &d) == 0) {
		*assumed = 0;
	} else if (gantt_day(value_get(plan, "date"), &d) == 0) {
		;
	} else {
		const struct value *per = value_at(value_get(plan, "period"), 0);
		int64_t y = per && per->kind == V_INT ? per->u.i : 0;
		d = y >= 1 && y <= 9999 ? datetime_days((int)y, 1, 1) : due;
	}
	return d > due ? due : d;
}

static int64_t month_start(int64_t d)
{
	int y, m, dd;
	datetime_from_days(d, &y, &m, &dd);
	return datetime_days(y, m, 1);
}

static int64_t next_month(int64_t d)
{
	int y, m, dd;
	datetime_from_days(d, &y, &m, &dd);
	return m == 12 ? datetime_days(y + 1, 1, 1) : datetime_days(y, m + 1, 1);
}

static const char *const months_en[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
	                                  "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

/* Ticks at each month's first day; labels every step months (more months,
 * fewer labels), the year above January and the first labelled month. */
static struct value *ticks(struct arena *a, const struct axis *ax, int64_t months, enum lang l)
{
	int step = months <= 12 ? 1 : months <= 36 ? 3 : months <= 72 ? 6 : 12;
	struct value *out = value_array(a, nopos);
	int years_shown = 0;
	for (int64_t d = ax->first; d <= ax->last; d = next_month(d)) {
		int y, m, dd;
		datetime_from_days(d, &y, &m, &dd);
		struct value *t = value_table(a, nopos);
		int64_t x = ax_x(ax, d);
		set_num(a, t, "x", x);
		set_num(a, t, "text_x", x + 20);
		int labelled = d < ax->last && (m - 1) % step == 0;
		value_setc(a, t, "labelled", value_bool(a, labelled, nopos));
		if (labelled) {
			value_setc(a, t, "month", text(a, l == LANG_EN ? months_en[m - 1] : arena_printf(a, "%d月", m)));
			if (m == 1 || !years_shown)
				value_setc(a, t, "year", text(a, l == LANG_EN ? arena_printf(a, "%d", y) : arena_printf(a, "%d年", y)));
			years_shown = 1;
		}
		value_setc(a, t, "date", text(a, arena_printf(a, "%04d-%02d-01", y, m)));
		value_push(a, out, t);
	}
	return out;
}

static struct value *group_new(struct arena *a, const char *number, const char *title)
{
	struct value *g = value_table(a, nopos);
	value_setc(a, g, "number", text(a, number));
	value_setc(a, g, "title", text(a, title));
	value_setc(a, g, "has_heading", value_bool(a, *number != '\0', nopos));
	value_setc(a, g, "tasks", value_array(a, nopos));
	return g;
}

/* The group of section number sec, made at the end when new. */
static struct value *group_of(struct arena *a, struct value *groups, const char *sec)
{
	for (size_t i = 0; i < value_len(groups); i++) {
		struct value *g = value_at(groups, i);
		if (strcmp(value_str(value_get(g, "number"), ""), sec) == 0)
			return g;
	}
	struct value *g = group_new(a, sec, "");
	value_push(a, groups, g);
	return g;
}

struct value *gantt_plan(struct arena *a, const struct value *plan, const struct value *as_of, enum lang l)
{
	const struct value *tasks = value_get(plan, "tasks");
	int64_t now, lo, hi;
	if (gantt_day(as_of, &now) < 0)
		return NULL;
	lo = hi = now;
	int any = 0;
	/* The span: every bar, every milestone and as_of. */
	for (size_t i = 0; i < value_len(tasks); i++) {
		const struct value *t = value_at(tasks, i);
		int64_t due, s, md;
		int assumed;
		if (gantt_day(value_get(t, "due"), &due) < 0)
			continue;
		any = 1;
		s = start_of(t, plan, due, &assumed);
		lo = s < lo ? s : lo;
		hi = due > hi ? due : hi;
		const struct value *ms = value_get(t, "milestones");
		for (size_t k = 0; k < value_len(ms); k++)
			if (gantt_day(value_get(value_at(ms, k), "due"), &md) == 0) {
				lo = md < lo ? md : lo;
				hi = md > hi ? md : hi;
			}
	}
	if (!any)
		return NULL;
	struct axis ax = { month_start(lo), next_month(hi), 10 * GANTT_LABEL_W, 10 * (GANTT_WIDTH - GANTT_RIGHT) };
	int64_t months = 0;
	for (int64_t d = ax.first; d < ax.last && months <= GANTT_MAX_MONTHS; d = next_month(d))
		months++;
	if (months > GANTT_MAX_MONTHS)
		return NULL;

	/* Groups: the plan's sections in order, then sections only tasks
	 * name, then the tasks of no section, under no heading. */
	struct value *groups = value_array(a, nopos);
	const struct value *secs = value_get(plan, "sections");
	for (size_t i = 0; i < value_len(secs); i++) {
		const struct value *s = value_at(secs, i);
		value_push(a, groups, group_new(a, value_str(value_get(s, "number"), ""), value_str(value_get(s, "title"), "")));
	}
	struct value *loose = group_new(a, "", "");
	for (size_t i = 0; i < value_len(tasks); i++) {
		const struct value *t = value_at(tasks, i);
		const char *sec = value_str(value_get(t, "section"), "");
		struct value *g = *sec ? group_of(a, groups, sec) : loose;
		value_push(a, value_get(g, "tasks"), (struct value *)t);
	}
	/* The tasks of no section get a heading of their own only below others. */
	int sectioned = 0;
	for (size_t i = 0; i < value_len(groups); i++)
		sectioned |= value_len(value_get(value_at(groups, i), "tasks")) > 0;
	value_setc(a, loose, "has_heading", value_bool(a, sectioned, nopos));
	value_setc(a, loose, "other", value_bool(a, 1, nopos));
	value_push(a, groups, loose);

	/* Rows, top to bottom. */
	int64_t y = GANTT_TOP;
	struct value *out_groups = value_array(a, nopos);
	struct value *rows = value_array(a, nopos);
	for (size_t gi = 0; gi < value_len(groups); gi++) {
		struct value *g = value_at(groups, gi);
		const struct value *gt = value_get(g, "tasks");
		if (!value_len(gt))
			continue;
		struct value *og = value_table(a, nopos);
		value_setc(a, og, "number", value_get(g, "number"));
		value_setc(a, og, "title", value_get(g, "title"));
		value_setc(a, og, "has_heading", value_get(g, "has_heading"));
		value_setc(a, og, "has_title", value_bool(a, *value_str(value_get(g, "title"), "") != '\0', nopos));
		value_setc(a, og, "other", value_bool(a, is_true(value_get(g, "other")), nopos));
		if (is_true(value_get(g, "has_heading"))) {
			set_num(a, og, "y", 10 * y);
			set_num(a, og, "text_y", 10 * (y + 16));
			y += GANTT_ROW;
		}
		struct value *ot = value_array(a, nopos);
		for (size_t k = 0; k < value_len(gt); k++) {
			const struct value *t = value_at(gt, k);
			struct value *r = value_table(a, nopos);
			static const char *const copied[] = { "number", "title", "url", "start_text", "due_text",
			                                      "progress", "status", "status_text", "overdue", "at_risk" };
			for (size_t c = 0; c < sizeof copied / sizeof *copied; c++) {
				struct value *v = value_get(t, copied[c]);
				if (v)
					value_setc(a, r, copied[c], v);
			}
			value_setc(a, r, "label", label(a, value_str(value_get(t, "number"), ""), value_str(value_get(t, "title"), "")));
			value_setc(a, r, "state", text(a, state_of(t)));
			set_num(a, r, "y", 10 * y);
			set_num(a, r, "text_y", 10 * (y + 15));
			int64_t due, start;
			int assumed = 0;
			int has_bar = gantt_day(value_get(t, "due"), &due) == 0;
			value_setc(a, r, "has_bar", value_bool(a, has_bar, nopos));
			if (has_bar) {
				start = start_of(t, plan, due, &assumed);
				int64_t x = ax_x(&ax, start), w = ax_x(&ax, due) - x;
				if (w < 10)
					w = 10;   /* a bar of one day still shows */
				int64_t p = value_i64(value_get(t, "progress"), 0);
				const struct value *pv = value_get(t, "progress");
				if (pv && pv->kind == V_FLOAT)
					p = (int64_t)(pv->u.f + 0.5);
				p = p < 0 ? 0 : p > 100 ? 100 : p;
				set_num(a, r, "x", x);
				set_num(a, r, "w", w);
				set_num(a, r, "fill_w", (w * p + 50) / 100);
				set_num(a, r, "bar_y", 10 * y + 10 * (GANTT_ROW - GANTT_BAR) / 2);
				set_num(a, r, "bar_h", 10 * GANTT_BAR);
				if (assumed)
					value_setc(a, r, "start_text", day_text(a, start, l));
			}
			value_setc(a, r, "start_assumed", value_bool(a, has_bar && assumed, nopos));
			struct value *oms = value_array(a, nopos);
			const struct value *ms = value_get(t, "milestones");
			int64_t cy = 10 * y + 10 * GANTT_ROW / 2;
			for (size_t m = 0; m < value_len(ms); m++) {
				const struct value *mv = value_at(ms, m);
				int64_t md;
				if (gantt_day(value_get(mv, "due"), &md) < 0)
					continue;
				int64_t mx = ax_x(&ax, md);
				struct value *om = value_table(a, nopos);
				value_setc(a, om, "points", text(a, arena_printf(a, "%s,%s %s,%s %s,%s %s,%s",
					value_str(tenths(a, mx), ""), value_str(tenths(a, cy - 60), ""),
					value_str(tenths(a, mx + 60), ""), value_str(tenths(a, cy), ""),
					value_str(tenths(a, mx), ""), value_str(tenths(a, cy + 60), ""),
					value_str(tenths(a, mx - 60), ""), value_str(tenths(a, cy), ""))));
				int is_done = is_true(value_get(mv, "done"));
				int is_missed = is_true(value_get(mv, "missed"));
				value_setc(a, om, "state", text(a, is_done ? "done" : is_missed ? "missed" : "open"));
				value_setc(a, om, "done", value_bool(a, is_done, nopos));
				value_setc(a, om, "missed", value_bool(a, is_missed, nopos));
				static const char *const mcopied[] = { "what", "due", "due_text" };
				for (size_t c = 0; c < 3; c++)
					if (value_get(mv, mcopied[c]))
						value_setc(a, om, mcopied[c], value_get(mv, mcopied[c]));
				value_push(a, oms, om);
			}
			value_setc(a, r, "milestones", oms);
			value_setc(a, r, "has_milestones", value_bool(a, value_len(oms) > 0, nopos));
			value_push(a, ot, r);
			value_push(a, rows, r);
			y += GANTT_ROW;
		}
		value_setc(a, og, "tasks", ot);
		value_push(a, out_groups, og);
	}
	y += GANTT_BOTTOM;

	struct value *gv = value_table(a, nopos);
	value_setc(a, gv, "width", value_int(a, GANTT_WIDTH, nopos));
	value_setc(a, gv, "height", value_int(a, y, nopos));
	set_num(a, gv, "label_x", 40);
	set_num(a, gv, "chart_x", ax.x0);
	set_num(a, gv, "chart_w", ax.x1 - ax.x0);
	set_num(a, gv, "axis_y", 10 * (GANTT_TOP - 2));
	set_num(a, gv, "year_y", 110);
	set_num(a, gv, "month_y", 250);
	set_num(a, gv, "bottom", 10 * (y - GANTT_BOTTOM));
	value_setc(a, gv, "ticks", ticks(a, &ax, months, l));
	set_num(a, gv, "as_of_x", ax_x(&ax, now));
	value_setc(a, gv, "as_of_text", day_text(a, now, l));
	value_setc(a, gv, "groups", out_groups);
	value_setc(a, gv, "rows", rows);
	int assumed_any = 0;
	for (size_t i = 0; i < value_len(rows); i++)
		assumed_any |= is_true(value_get(value_at(rows, i), "start_assumed"));
	value_setc(a, gv, "has_assumed", value_bool(a, assumed_any, nopos));
	return gv;
}
