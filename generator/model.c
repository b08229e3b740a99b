/* model.c: plans, tasks and bulletins from front matter, checked and linked. */
#include "model.h"

#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "schema.h"
#include "utf8.h"

const char *const model_statuses[] = {
	"not_started", "in_progress", "done", "delayed", "cancelled", NULL,
};

/* The keys task_of_page gives a task: id, plan, number, title, section,
 * lead, support, start, due, weight, status, progress, milestones,
 * targets, url, source, and one to spare. */
#define MODEL_TASK_KEYS 17
/* The keys the shipped progress rules add to a task (progress.c's
 * task_value: at_risk, bulletins, chart, days_left, due_original,
 * due_original_text, due_text, extension, extensions, expected, history,
 * initial, overdue, plan_short, plan_title, plan_url, rag, rag_text,
 * start_text, status_text), to a milestone (due_text, missed) and to a
 * target (attainment, attainment_pct, bar): room is left for them, as they
 * are added in place, not by copying every table. */
#define MODEL_TASK_ROOM 20
#define MODEL_MILESTONE_ROOM 2
#define MODEL_TARGET_ROOM 3

/* Plan periods are years; this keeps typos like 20188 out. */
#define MODEL_MIN_YEAR 1900
#define MODEL_MAX_YEAR 2200

struct ld {
	struct arena *a;
	const struct content *c;
	const struct config *cfg;
	struct model *m;
	struct diags *d;
	int failed;
	int quiet;   /* reading a page that already has an error: no more of its errors */
	struct value *plan_ids;   /* plan id -> the first plan of it (hashed: value_get) */
	/* Each plan's task numbers (number -> the first task of it), by the
	 * plan's table: pairs sorted by pointer, found by binary search. */
	struct plan_numbers {
		const struct value *plan;
		struct value *numbers;
	} *numbers;
	size_t nnumbers;
	struct value *task_ids;   /* task id -> the first task of it, in the plans' order */
	/* Values every task starts with, made once and shared by the tasks'
	 * tables (nothing changes a model's value in place: a task's own
	 * value replaces one of these in its table): */
	struct value *not_started, *zero, *one;
	const struct value *plan_of_id;   /* the plan whose id plan_id holds */
	struct value *plan_id;
};

static const struct pos nopos = { 0 };

static void err(struct ld *l, const struct page *p, const struct value *v, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* An error at value v of page p (or at the page when v has no position). */
static void report(struct ld *l, enum diag_level level, const struct page *p, struct pos pos,
                   const char *fmt, va_list ap)
{
	struct buf m = BUF_INIT;
	buf_vprintf(&m, _(fmt), ap);
	size_t s = 0, e = 0;
	int have = pos.line > 0 && diag_line_span(p->src, p->len, pos.line, &s, &e);
	diag_add(l->d, level, p->path, pos.line, pos.col, have ? p->src + s : NULL, e - s, "%s", buf_cstr(&m));
	buf_free(&m);
}

static void err(struct ld *l, const struct page *p, const struct value *v, const char *fmt, ...)
{
	if (l->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	report(l, DIAG_ERROR, p, v ? v->pos : nopos, fmt, ap);
	va_end(ap);
	l->failed = 1;
}

static void warn(struct ld *l, const struct page *p, struct pos pos, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

/* A warning: the page still enters the model as written. */
static void warn(struct ld *l, const struct page *p, struct pos pos, const char *fmt, ...)
{
	if (l->quiet)
		return;
	va_list ap;
	va_start(ap, fmt);
	report(l, DIAG_WARNING, p, pos, fmt, ap);
	va_end(ap);
}

static struct value *str(struct arena *a, const char *s)
{
	return value_cstring(a, s, nopos);
}

/* A string of the build's arena (which outlives the model), not copied. */
static struct value *str_ref(struct arena *a, const char *s)
{
	return value_string_ref(a, s, strlen(s), nopos);
}

/* Copies key from front matter into t when it is a string (else an error). */
static void copy_string(struct ld *l, const struct page *p, struct value *t, const char *key, int required)
{
	struct value *v = value_get(p->meta, key);
	if (!v) {
		if (required)
			err(l, p, NULL, "%s needs '%s' in its front matter", p->type, key);
		return;
	}
	if (v->kind != V_STRING) {
		err(l, p, v, "'%s' must be text", key);
		return;
	}
	value_set_key(l->a, t, key, v);
}

static int is_date(const struct value *v)
{
	return v && v->kind == V_DATETIME && v->u.dt.kind != DT_TIME;
}

static struct value *date_only(struct ld *l, const struct value *v)
{
	if (v->u.dt.kind == DT_DATE)
		return (struct value *)v;   /* shared: the model never changes a value in place */
	struct value *c = value_copy(l->a, v);
	c->u.dt.kind = DT_DATE;
	return c;
}

static void copy_date(struct ld *l, const struct page *p, struct value *t, const struct value *src,
                      const char *key, int required)
{
	struct value *v = value_get(src, key);
	if (!v) {
		if (required)
			err(l, p, src, "'%s' (a date) is missing", key);
		return;
	}
	if (!is_date(v)) {
		err(l, p, v, "'%s' must be a date like 2019-06-30", key);
		return;
	}
	value_set_key(l->a, t, key, date_only(l, v));
}

/* One unit or a list of them. */
/* A unit's name that its page's folder can be named by (MODEL_UNIT_NAME_MAX). */
static int unit_fits(struct ld *l, const struct page *p, const struct value *unit)
{
	if (unit->u.str.len <= MODEL_UNIT_NAME_MAX) {
		if (strstr(unit->u.str.s, "、"))
			warn(l, p, unit->pos, "unit '%s' is one name with 、 in it: several units are listed as [甲, 乙]",
			     unit->u.str.s);
		return 1;
	}
	if (strstr(unit->u.str.s, "、") || strstr(unit->u.str.s, "，"))
		err(l, p, unit, "a unit's name is %d bytes long, more than the %d its page's folder can be named by: "
		    "several units are listed as [甲, 乙], not joined by 、", (int)unit->u.str.len, MODEL_UNIT_NAME_MAX);
	else
		err(l, p, unit, "a unit's name is %d bytes long, more than the %d its page's folder can be named by: "
		    "write its short name", (int)unit->u.str.len, MODEL_UNIT_NAME_MAX);
	return 0;
}

static void copy_units(struct ld *l, const struct page *p, struct value *t, const char *key)
{
	struct value *v = value_get(p->meta, key);
	struct value *arr = value_array(l->a, v ? v->pos : nopos);
	if (v && v->kind == V_STRING && v->u.str.len) {
		if (unit_fits(l, p, v))
			value_push(l->a, arr, v);
	} else if (v && v->kind == V_ARRAY) {
		for (size_t i = 0; i < value_len(v); i++) {
			struct value *unit = value_at(v, i);
			if (unit->kind != V_STRING || !unit->u.str.len)
				err(l, p, unit, "'%s' must list units by name", key);
			else if (unit_fits(l, p, unit))
				value_push(l->a, arr, unit);
		}
	} else if (v) {
		err(l, p, v, "'%s' must be a unit's name or a list of them", key);
	}
	value_set_key(l->a, t, key, arr);
}

static int is_number(const struct value *v)
{
	return v && (v->kind == V_INT || v->kind == V_FLOAT);
}

static double num(const struct value *v)
{
	return v->kind == V_INT ? (double)v->u.i : v->u.f;
}

static int valid_status(const char *s)
{
	for (size_t i = 0; model_statuses[i]; i++)
		if (strcmp(s, model_statuses[i]) == 0)
			return 1;
	return 0;
}

/* The status a progress stands for (planpress-progress(7)). */
static const char *status_of_progress(double pr)
{
	return pr <= 0 ? "not_started" : pr >= 100 ? "done" : "in_progress";
}

/* status and progress, shared by tasks and bulletin updates: progress
 * without status gives the status; a status that says otherwise than its
 * progress is a warning at the status. */
static void copy_state(struct ld *l, const struct page *p, struct value *t, const struct value *src)
{
	struct value *st = value_get(src, "status");
	const char *status = NULL;
	if (st) {
		if (st->kind != V_STRING || !valid_status(st->u.str.s))
			err(l, p, st, "unknown status '%s' (use not_started, in_progress, done, delayed or cancelled)",
			    st->kind == V_STRING ? st->u.str.s : _(value_kind_name(st->kind)));
		else
			value_set_key(l->a, t, "status", st), status = st->u.str.s;
	}
	struct value *v = value_get(src, "progress");
	if (!v)
		return;
	if (!is_number(v) || num(v) < 0 || num(v) > 100) {
		struct buf b = BUF_INIT;
		value_to_text(v, &b);
		err(l, p, v, "progress must be 0..100, got %s", buf_cstr(&b));
		buf_free(&b);
		return;
	}
	value_set_key(l->a, t, "progress", v);
	const char *follows = status_of_progress(num(v));
	if (!st) {
		value_set_key(l->a, t, "status", str(l->a, follows));
		return;
	}
	/* delayed and cancelled go with any progress. */
	if (!status || strcmp(status, follows) == 0 || strcmp(status, "delayed") == 0 ||
	    strcmp(status, "cancelled") == 0)
		return;
	struct buf b = BUF_INIT;
	value_to_text(v, &b);
	warn(l, p, st->pos, "status %s with progress %s%%: progress %s%% means %s (leave status out and "
	     "it follows from progress)", status, buf_cstr(&b), buf_cstr(&b), follows);
	buf_free(&b);
}

static const char *number_text(struct ld *l, const struct value *v)
{
	if (v->kind == V_INT)
		return arena_printf(l->a, "%lld", (long long)v->u.i);
	if (v->kind == V_STRING)
		return v->u.str.s;
	if (v->kind == V_FLOAT) {
		struct buf b = BUF_INIT;
		value_format_double(v->u.f, &b);
		const char *s = arena_strdup(l->a, buf_cstr(&b));
		buf_free(&b);
		return s;
	}
	return NULL;
}

static int cmp_task(const void *x, const void *y)
{
	const struct value *a = *(struct value *const *)x, *b = *(struct value *const *)y;
	return value_cmp_numbered(value_str(value_get(a, "number"), ""), value_str(value_get(b, "number"), ""));
}

static int cmp_plan(const void *x, const void *y)
{
	const struct value *a = *(struct value *const *)x, *b = *(struct value *const *)y;
	return strcmp(value_str(value_get(a, "id"), ""), value_str(value_get(b, "id"), ""));
}

/* qsort's array may not be NULL, even for no elements. */
static void sort_array(struct value *arr, int (*cmp)(const void *, const void *))
{
	if (value_len(arr) > 1)
		qsort(arr->u.arr.v, value_len(arr), sizeof(struct value *), cmp);   /* writes in place */
}

static int cmp_bulletin(const void *x, const void *y)
{
	const struct value *a = *(struct value *const *)x, *b = *(struct value *const *)y;
	int c = datetime_cmp(&value_get(a, "date")->u.dt, &value_get(b, "date")->u.dt);
	return c ? c : strcmp(value_str(value_get(a, "source"), ""), value_str(value_get(b, "source"), ""));
}

static const char *target(const struct ld *l, const struct page *p)
{
	return l->cfg->index_links ? p->out : p->url;
}

static struct value *plan_of_page(struct ld *l, const struct page *page)
{
	struct page mended = *page, *p = &mended;
	mended.meta = (struct value *)schema_mend(l->a, SM_PLAN, page->meta);
	struct value *t = value_table(l->a, nopos);
	struct value *v;
	const char *slash = strrchr(p->dir, '/');
	const char *id = slash ? slash + 1 : p->dir;
	if ((v = value_get(p->meta, "id"))) {
		if (v->kind != V_STRING || !v->u.str.len || strchr(v->u.str.s, '/'))
			err(l, p, v, "a plan's id must be a name without '/'");
		else
			id = v->u.str.s;
	}
	value_set_key(l->a, t, "id", str(l->a, id));
	value_set_key(l->a, t, "title", str(l->a, p->title));
	copy_string(l, p, t, "issuer", 0);
	copy_string(l, p, t, "doc_no", 0);
	copy_string(l, p, t, "short_title", 0);
	copy_string(l, p, t, "notice_title", 0);
	copy_date(l, p, t, p->meta, "date", 0);
	copy_date(l, p, t, p->meta, "start", 0);
	if ((v = value_get(p->meta, "period"))) {
		const struct value *first = value_at(v, 0), *last = value_at(v, 1);
		if (v->kind != V_ARRAY || value_len(v) != 2 || !value_is(first, V_INT) ||
		    !value_is(last, V_INT) || first->u.i > last->u.i ||
		    first->u.i < MODEL_MIN_YEAR || last->u.i > MODEL_MAX_YEAR)
			err(l, p, v, "period must be two years, first to last, like [2018, 2020]");
		else
			value_set_key(l->a, t, "period", v);
	}
	struct value *themes = value_table(l->a, nopos);
	if ((v = value_get(p->meta, "yearly_themes"))) {
		if (v->kind != V_TABLE) {
			err(l, p, v, "yearly_themes must map years to themes, like {\"2018\": 规范化建设}");
		} else {
			for (size_t i = 0; i < value_len(v); i++) {
				const struct value_pair *kv = value_pair_at(v, i);
				char *end;
				long y = strtol(kv->key, &end, 10);
				if (*end || y < MODEL_MIN_YEAR || y > MODEL_MAX_YEAR || value_pair_val(kv)->kind != V_STRING)
					err(l, p, value_pair_val(kv), "yearly_themes: '%s' must be a year with a theme as text", kv->key);
				else
					value_set(l->a, themes, kv->key, value_pair_keylen(kv), value_pair_val(kv));
			}
		}
	}
	value_set_key(l->a, t, "yearly_themes", themes);
	struct value *secs = value_array(l->a, nopos);
	if ((v = value_get(p->meta, "sections"))) {
		for (size_t i = 0; v->kind == V_ARRAY && i < value_len(v); i++) {
			const struct value *s = schema_mend(l->a, SM_PLAN_SECTION, value_at(v, i));
			const struct value *n = value_get(s, "number");
			const char *nt = n ? number_text(l, n) : NULL;
			if (s->kind != V_TABLE || !nt || !value_is(value_get(s, "title"), V_STRING)) {
				err(l, p, s, "each section needs a number and a title, like {number: 一, title: 总体要求}");
				continue;
			}
			struct value *sec = value_table(l->a, s->pos);
			value_set_key(l->a, sec, "number", str(l->a, nt));
			value_set_key(l->a, sec, "title", value_get(s, "title"));
			value_push(l->a, secs, sec);
		}
		if (v->kind != V_ARRAY)
			err(l, p, v, "sections must be a list of {number, title}");
	}
	value_set_key(l->a, t, "sections", secs);
	value_set_key(l->a, t, "url", str(l->a, target(l, p)));
	value_set_key(l->a, t, "source", str(l->a, p->path ? p->path : ""));
	value_set_key(l->a, t, "tasks", value_array(l->a, nopos));
	return t;
}

/* The plan a task belongs to: front matter "plan", else the nearest plan above it. */
static int cmp_plan_numbers(const void *x, const void *y)
{
	uintptr_t a = (uintptr_t)((const struct plan_numbers *)x)->plan;
	uintptr_t b = (uintptr_t)((const struct plan_numbers *)y)->plan;
	return a < b ? -1 : a > b;
}

/* The numbers taken in plan (one of m->plans). */
static struct value *plan_numbers(struct ld *l, const struct value *plan)
{
	size_t lo = 0, hi = l->nnumbers;
	while (lo < hi) {
		size_t mid = (lo + hi) / 2;
		if ((uintptr_t)l->numbers[mid].plan < (uintptr_t)plan)
			lo = mid + 1;
		else
			hi = mid;
	}
	return l->numbers[lo].numbers;   /* plan is one of them */
}

static struct value *find_plan(struct ld *l, const struct page *p, struct value **plan_of)
{
	struct value *v = value_get(p->meta, "plan");
	if (v) {
		struct value *plan = v->kind == V_STRING ? value_getn(l->plan_ids, v->u.str.s, v->u.str.len) : NULL;
		if (plan)
			return plan;
		err(l, p, v, "task points at unknown plan '%s'", v->kind == V_STRING ? v->u.str.s : "?");
		return NULL;
	}
	for (const struct page *q = p->parent; q; q = q->parent) {
		if (plan_of[q->index])
			return plan_of[q->index];
		if (q->failed && !*q->type)
			return NULL;   /* maybe a plan that could not be read: its error says so */
	}
	err(l, p, NULL, "task belongs to no plan: put it under a plan's folder or say 'plan: <id>'");
	return NULL;
}

static int year_in(const struct value *plan, const struct datetime *dt)
{
	const struct value *per = value_get(plan, "period");
	return !per || (dt->year >= value_at(per, 0)->u.i && dt->year <= value_at(per, 1)->u.i);
}

static struct value *task_of_page(struct ld *l, const struct page *page, struct value *plan)
{
	struct page mended = *page, *p = &mended;
	mended.meta = (struct value *)schema_mend(l->a, SM_TASK, page->meta);
	struct value *t = value_table(l->a, nopos);
	/* Room for every key a task gets here, so that the pairs are not
	 * copied as they grow (the copies stay in the arena). */
	value_reserve(l->a, t, MODEL_TASK_KEYS + MODEL_TASK_ROOM);
	struct value *v = value_get(p->meta, "number");
	const char *number = v ? number_text(l, v) : NULL;
	if (!number || !*number) {
		err(l, p, v, "a task needs a number (1, 2, … or \"1.1\")");
		number = "?";
	}
	const char *plan_id = value_str(value_get(plan, "id"), "");
	if (l->plan_of_id != plan) {
		l->plan_of_id = plan;
		l->plan_id = str(l->a, plan_id);
	}
	if (!l->not_started) {
		l->not_started = str(l->a, "not_started");
		l->zero = value_int(l->a, 0, nopos);
		l->one = value_int(l->a, 1, nopos);
	}
	value_set_key(l->a, t, "id", str_ref(l->a, arena_printf(l->a, "%s/%s", plan_id, number)));
	value_set_key(l->a, t, "plan", l->plan_id);
	value_set_key(l->a, t, "number", str(l->a, number));
	value_set_key(l->a, t, "title", str_ref(l->a, p->title));
	if ((v = value_get(p->meta, "section"))) {
		const char *sn = number_text(l, v);
		const struct value *secs = value_get(plan, "sections");
		int known = value_len(secs) == 0;
		for (size_t i = 0; sn && i < value_len(secs); i++)
			known |= strcmp(value_str(value_get(value_at(secs, i), "number"), ""), sn) == 0;
		if (!sn || !known)
			err(l, p, v, "section '%s' is not one of the plan's sections", sn ? sn : "?");
		else
			value_set_key(l->a, t, "section", str(l->a, sn));
	}
	copy_units(l, p, t, "lead");
	copy_units(l, p, t, "support");
	copy_date(l, p, t, p->meta, "start", 0);
	copy_date(l, p, t, p->meta, "due", 0);
	value_set_key(l->a, t, "weight", l->one);
	if ((v = value_get(p->meta, "weight"))) {
		if (!is_number(v) || num(v) <= 0)
			err(l, p, v, "weight must be a number above 0");
		else
			value_set_key(l->a, t, "weight", v);
	}
	value_set_key(l->a, t, "status", l->not_started);
	value_set_key(l->a, t, "progress", l->zero);
	copy_state(l, p, t, p->meta);
	struct value *ms = value_array(l->a, nopos);
	if ((v = value_get(p->meta, "milestones"))) {
		value_reserve(l->a, ms, value_len(v));
		for (size_t i = 0; v->kind == V_ARRAY && i < value_len(v); i++) {
			const struct value *m = schema_mend(l->a, SM_MILESTONE, value_at(v, i));
			struct value *o = value_table(l->a, m->pos);
			value_reserve(l->a, o, 3 + MODEL_MILESTONE_ROOM);   /* due, what, done */
			if (m->kind != V_TABLE || !value_is(value_get(m, "what"), V_STRING)) {
				err(l, p, m, "each milestone needs 'what' (text) and 'due' (a date)");
				continue;
			}
			copy_date(l, p, o, m, "due", 1);
			const struct value *due = value_get(o, "due");
			if (due && !year_in(plan, &due->u.dt))
				err(l, p, value_get(m, "due"), "milestone due %04d-%02d-%02d is after the plan's period",
				    due->u.dt.year, due->u.dt.month, due->u.dt.day);
			value_set_key(l->a, o, "what", value_get(m, "what"));
			const struct value *done = value_get(m, "done");
			if (done && done->kind != V_BOOL)
				err(l, p, done, "'done' must be true or false");
			value_set_key(l->a, o, "done", value_bool(l->a, done && done->kind == V_BOOL && done->u.b, nopos));
			value_push(l->a, ms, o);
		}
		if (v->kind != V_ARRAY)
			err(l, p, v, "milestones must be a list of {due, what, done}");
	}
	value_set_key(l->a, t, "milestones", ms);
	struct value *ts = value_array(l->a, nopos);
	if ((v = value_get(p->meta, "targets"))) {
		value_reserve(l->a, ts, value_len(v));
		for (size_t i = 0; v->kind == V_ARRAY && i < value_len(v); i++) {
			const struct value *g = schema_mend(l->a, SM_TARGET, value_at(v, i));
			if (g->kind != V_TABLE || !value_is(value_get(g, "metric"), V_STRING)) {
				err(l, p, g, "each target needs 'metric' (text) and 'target' (a number)");
				continue;
			}
			const struct value *tv = value_get(g, "target");
			if (!is_number(tv)) {
				err(l, p, tv ? tv : g, "target '%s' has no number", value_get(g, "metric")->u.str.s);
				continue;
			}
			struct value *o = value_table(l->a, g->pos);
			value_reserve(l->a, o, 5 + MODEL_TARGET_ROOM);   /* metric, target, unit, id, actual */
			value_set_key(l->a, o, "metric", value_get(g, "metric"));
			value_set_key(l->a, o, "target", (struct value *)tv);
			value_set_key(l->a, o, "unit", value_get(g, "unit") ? value_get(g, "unit") : str(l->a, ""));
			const struct value *id = value_get(g, "id");
			if (id && (id->kind != V_STRING || !id->u.str.len)) {
				err(l, p, id, "a target's 'id' must be a short name, like 覆盖率");
			} else if (id) {
				for (size_t k = 0; k < value_len(ts); k++) {
					const struct value *h = value_at(ts, k);
					if (strcmp(value_str(value_get(h, "id"), ""), id->u.str.s) == 0 ||
					    strcmp(value_str(value_get(h, "metric"), ""), id->u.str.s) == 0)
						err(l, p, id, "target id '%s' is also used by target '%s'", id->u.str.s,
						    value_str(value_get(h, "metric"), ""));
				}
				value_set_key(l->a, o, "id", (struct value *)id);
			}
			const struct value *act = value_get(g, "actual");
			if (act && !is_number(act))
				err(l, p, act, "'actual' must be a number");
			else if (act)
				value_set_key(l->a, o, "actual", (struct value *)act);
			value_push(l->a, ts, o);
		}
		if (v->kind != V_ARRAY)
			err(l, p, v, "targets must be a list of {metric, target, unit, actual}");
	}
	value_set_key(l->a, t, "targets", ts);
	value_set_key(l->a, t, "url", str_ref(l->a, target(l, p)));
	value_set_key(l->a, t, "source", str_ref(l->a, p->path ? p->path : ""));
	return t;
}

/* The task of id: the first of it in the plans' order (hashed: each
 * bulletin's updates look up their tasks, which by a scan of every task
 * cost a bulletin that updates all of 8,000 tasks 64 million comparisons). */
static struct value *find_task(struct ld *l, const char *id)
{
	if (!l->task_ids) {
		l->task_ids = value_table(l->a, nopos);
		for (size_t i = 0; i < value_len(l->m->plans); i++) {
			const struct value *tasks = value_get(value_at(l->m->plans, i), "tasks");
			for (size_t k = 0; k < value_len(tasks); k++) {
				const char *tid = value_str(value_get(value_at(tasks, k), "id"), "");
				if (!value_get(l->task_ids, tid))
					value_setc(l->a, l->task_ids, tid, value_at(tasks, k));
			}
		}
	}
	return value_get(l->task_ids, id);
}

/* The task that page p (one that could not be read) may be: a file named
 * by its number ("05.md" for 5) inside the plan's folder. */
static int unread_task(struct ld *l, const char *id)
{
	const char *slash = strrchr(id, '/');
	if (!slash)
		return 0;
	const char *number = slash + 1;
	while (*number == '0' && number[1])
		number++;
	/* A plan that could not be read: its folder's name is its id. */
	for (size_t k = 0; k < l->c->npages; k++) {
		const struct page *q = l->c->pages[k];
		const char *base = strrchr(q->dir, '/');
		base = base ? base + 1 : q->dir;
		if (q->failed && q->kind != PAGE_PAGE && !*q->type && strlen(base) == (size_t)(slash - id) &&
		    memcmp(base, id, (size_t)(slash - id)) == 0)
			return 1;
	}
	for (size_t i = 0; i < value_len(l->m->plans); i++) {
		const struct value *plan = value_at(l->m->plans, i);
		const char *pid = value_str(value_get(plan, "id"), "");
		if (strlen(pid) != (size_t)(slash - id) || memcmp(pid, id, (size_t)(slash - id)) != 0)
			continue;
		const char *src = value_str(value_get(plan, "source"), "");
		const char *end = strrchr(src, '/');
		size_t dirlen = end ? (size_t)(end - src + 1) : 0;
		for (size_t k = 0; k < l->c->npages; k++) {
			const struct page *q = l->c->pages[k];
			if (!q->failed || !q->path || strncmp(q->path, src, dirlen) != 0 || (*q->type && strcmp(q->type, "task")))
				continue;
			const char *base = strrchr(q->path, '/');
			base = base ? base + 1 : q->path;
			while (*base == '0' && base[1] && base[1] != '.')
				base++;
			size_t n = strlen(number);
			if (strncmp(base, number, n) == 0 && strcmp(base + n, ".md") == 0)
				return 1;
		}
	}
	return 0;
}

/* "'a', 'b'" of each table's key in list, or "none". */
static const char *names_of(struct ld *l, const struct value *list, const char *key, const char *also)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < value_len(list); i++) {
		const struct value *t = value_at(list, i);
		buf_printf(&b, "%s'%s'", i ? ", " : "", value_str(value_get(t, key), ""));
		if (also && value_get(t, also))
			buf_printf(&b, " (%s %s)", also, value_str(value_get(t, also), ""));
	}
	const char *s = b.len ? arena_strdup(l->a, buf_cstr(&b)) : "none";
	buf_free(&b);
	return s;
}

/* An update's actuals with each target named by its metric (an id is
 * looked up); a name the task lacks is a warning, and left out. */
static struct value *actuals_of(struct ld *l, const struct page *p, const struct value *task,
                                const struct value *act)
{
	const struct value *targets = value_get(task, "targets");
	struct value *out = value_table(l->a, act->pos);
	for (size_t k = 0; k < value_len(act); k++) {
		const struct value_pair *kv = value_pair_at(act, k);
		const char *metric = NULL;
		for (size_t i = 0; !metric && i < value_len(targets); i++) {
			const struct value *g = value_at(targets, i);
			const char *m = value_str(value_get(g, "metric"), "");
			const char *id = value_str(value_get(g, "id"), NULL);
			if (strcmp(kv->key, m) == 0 || (id && strcmp(kv->key, id) == 0))
				metric = m;
		}
		if (!metric) {
			warn(l, p, schema_key_pos(p->src, p->len, kv->key, value_pair_keylen(kv), value_pair_val(kv)),
			     "task %s has no target '%s'; its targets: %s", value_str(value_get(task, "id"), ""),
			     kv->key, names_of(l, targets, "metric", "id"));
			continue;
		}
		value_setc(l->a, out, metric, value_pair_val(kv));
	}
	return out;
}

/* An update's milestones_done, each checked against the task's. */
static struct value *milestones_of(struct ld *l, const struct page *p, const struct value *task,
                                   const struct value *md)
{
	const struct value *ms = value_get(task, "milestones");
	struct value *out = value_array(l->a, md->pos);
	for (size_t k = 0; k < value_len(md); k++) {
		const struct value *w = value_at(md, k);
		int found = 0;
		for (size_t i = 0; !found && i < value_len(ms); i++)
			found = strcmp(value_str(value_get(value_at(ms, i), "what"), ""), w->u.str.s) == 0;
		if (!found) {
			warn(l, p, w->pos, "task %s has no milestone '%s'; its milestones: %s",
			     value_str(value_get(task, "id"), ""), w->u.str.s, names_of(l, ms, "what", NULL));
			continue;
		}
		value_push(l->a, out, (struct value *)w);
	}
	return out;
}

/* An update's extension (延期), due and reason, into o: each needs the
 * other, and the task needs a deadline to extend. Whether the new date is
 * later is checked in date order, by check_extensions. */
static void extension_of(struct ld *l, const struct page *p, struct value *o, const struct value *u,
                         const struct value *task, const char *id)
{
	const struct value *due = value_get(u, "due"), *reason = value_get(u, "reason");
	if (!due && !reason)
		return;
	if (reason && reason->kind != V_STRING) {
		err(l, p, reason, "'reason' must be text");
		return;
	}
	if (!due) {
		err(l, p, reason, "'reason' explains an extension: give the new deadline as 'due' in the same update");
		return;
	}
	if (!is_date(due)) {
		err(l, p, due, "'due' must be a date like 2019-06-30");
		return;
	}
	if (!reason || !reason->u.str.len) {
		err(l, p, due, "an extension of task %s ('due') needs a 'reason' in the same update", id);
		return;
	}
	if (!value_get(task, "due")) {
		err(l, p, due, "task %s has no deadline ('due') to extend", id);
		return;
	}
	value_set_key(l->a, o, "due", date_only(l, due));
	value_set_key(l->a, o, "reason", (struct value *)reason);
}

static struct value *bulletin_of_page(struct ld *l, const struct page *page)
{
	struct page mended = *page, *p = &mended;
	mended.meta = (struct value *)schema_mend(l->a, SM_BULLETIN, page->meta);
	struct value *t = value_table(l->a, nopos);
	value_set_key(l->a, t, "title", str(l->a, p->title));
	copy_date(l, p, t, p->meta, "date", 1);
	copy_string(l, p, t, "unit", 0);
	value_set_key(l->a, t, "url", str(l->a, target(l, p)));
	value_set_key(l->a, t, "source", str(l->a, p->path ? p->path : ""));
	const char *plan = value_str(value_get(p->meta, "plan"), NULL);
	struct value *ups = value_array(l->a, nopos);
	struct value *v = value_get(p->meta, "updates");
	for (size_t i = 0; v && v->kind == V_ARRAY && i < value_len(v); i++) {
		const struct value *u = schema_mend(l->a, SM_UPDATE, value_at(v, i));
		const struct value *tv = value_get(u, "task");
		const char *ref = tv ? number_text(l, tv) : NULL;
		if (u->kind != V_TABLE || !ref) {
			err(l, p, u, "each update needs 'task' (\"plan-id/21\", or 21 within the bulletin's plan)");
			continue;
		}
		const char *id = ref;
		if (!strchr(ref, '/')) {
			if (plan)
				id = arena_printf(l->a, "%s/%s", plan, ref);
			else if (value_len(l->m->plans) == 1)
				id = arena_printf(l->a, "%s/%s", value_str(value_get(value_at(l->m->plans, 0), "id"), ""), ref);
			else {
				err(l, p, tv, "task '%s' is ambiguous: write \"plan-id/%s\" or give the bulletin a 'plan'", ref, ref);
				continue;
			}
		}
		struct value *task = find_task(l, id);
		if (!task) {
			if (!unread_task(l, id))
				err(l, p, tv, "update of unknown task '%s'", id);
			continue;
		}
		struct value *o = value_table(l->a, u->pos);
		value_set_key(l->a, o, "task", str(l->a, id));
		copy_state(l, p, o, u);
		const struct value *note = value_get(u, "note");
		if (note && note->kind != V_STRING)
			err(l, p, note, "'note' must be text");
		else if (note)
			value_set_key(l->a, o, "note", (struct value *)note);
		const struct value *act = value_get(u, "actuals");
		if (act) {
			int ok = act->kind == V_TABLE;
			for (size_t k = 0; ok && k < value_len(act); k++)
				ok = is_number(value_pair_val(value_pair_at(act, k)));
			if (!ok)
				err(l, p, act, "'actuals' must map targets (by id or metric) to numbers");
			else
				value_set_key(l->a, o, "actuals", actuals_of(l, p, task, act));
		}
		const struct value *md = value_get(u, "milestones_done");
		if (md) {
			int ok = md->kind == V_ARRAY;
			for (size_t k = 0; ok && k < value_len(md); k++)
				ok = value_at(md, k)->kind == V_STRING;
			if (!ok)
				err(l, p, md, "'milestones_done' must list milestones by their 'what'");
			else
				value_set_key(l->a, o, "milestones_done", milestones_of(l, p, task, md));
		}
		extension_of(l, p, o, u, task, id);
		value_push(l->a, ups, o);
	}
	if (v && v->kind != V_ARRAY)
		err(l, p, v, "updates must be a list of {task, progress, status, note, actuals, milestones_done}");
	value_set_key(l->a, t, "updates", ups);
	return t;
}

/* The day of SOURCE_DATE_EPOCH (UTC), when it is set and valid. */
static int epoch_day(struct datetime *dt)
{
	const char *s = getenv("SOURCE_DATE_EPOCH");
	if (!s || !*s)
		return 0;
	char *end;
	errno = 0;
	long long e = strtoll(s, &end, 10);
	if (errno || *end || e < 0)
		return 0;
	memset(dt, 0, sizeof *dt);
	dt->kind = DT_DATE;
	datetime_set_days(dt, e / 86400);
	return 1;
}

/* A bulletin and the page it came from. */
struct bref {
	struct value *b;   /* first: cmp_bulletin reads it */
	const struct page *p;
};

/* A task's deadline so far, as extensions move it. */
struct deadline {
	const struct value *task;
	struct datetime due;
};

/* Every extension, in bulletin date order, must be later than the task's
 * deadline at that time: its own due, or the extension before. */
static void check_extensions(struct ld *l, const struct content *c, struct model *m)
{
	size_t n = 0, nd = 0;
	struct bref *v = arena_alloc(l->a, (value_len(m->bulletins) + 1) * sizeof *v);
	for (size_t i = 0; i < c->npages; i++)
		if (m->by_page[i] && strcmp(c->pages[i]->type, "bulletin") == 0)
			v[n++] = (struct bref){ m->by_page[i], c->pages[i] };
	if (n)
		qsort(v, n, sizeof *v, cmp_bulletin);
	struct deadline *dl = NULL;
	size_t cap = 0;
	struct value *at = value_table(l->a, nopos);   /* task id -> its place in dl (hashed) */
	for (size_t i = 0; i < n; i++) {
		const struct value *ups = value_get(v[i].b, "updates");
		for (size_t k = 0; k < value_len(ups); k++) {
			const struct value *u = value_at(ups, k), *due = value_get(u, "due");
			if (!due)
				continue;
			const char *id = value_str(value_get(u, "task"), "");
			const struct value *task = find_task(l, id);
			const struct value *seen = value_get(at, id);
			size_t j = seen ? (size_t)seen->u.i : nd;
			if (j == nd) {
				value_setc(l->a, at, id, value_int(l->a, (int64_t)nd, nopos));
				if (nd == cap) {
					size_t nc = cap ? 2 * cap : 8;
					dl = arena_realloc(l->a, dl, cap * sizeof *dl, nc * sizeof *dl);
					cap = nc;
				}
				dl[nd++] = (struct deadline){ task, value_get(task, "due")->u.dt };
			}
			if (datetime_cmp(&due->u.dt, &dl[j].due) <= 0) {
				err(l, v[i].p, due, "an extension must be later than the deadline: task %s is due %04d-%02d-%02d",
				    id, dl[j].due.year, dl[j].due.month, dl[j].due.day);
				continue;
			}
			dl[j].due = due->u.dt;
		}
	}
}

int model_load(struct arena *a, const struct content *c, const struct config *cfg,
               struct model *m, struct diags *d)
{
	struct ld l = { .a = a, .c = c, .cfg = cfg, .m = m, .d = d, .plan_ids = value_table(a, nopos) };
	memset(m, 0, sizeof *m);
	m->plans = value_array(a, nopos);
	m->bulletins = value_array(a, nopos);
	m->by_page = arena_alloc(a, (c->npages + 1) * sizeof *m->by_page);

	/* Plans first: tasks find theirs among them. Ids and numbers already
	 * taken are looked up in tables (hashed: value_get), not by a scan of
	 * every plan or task before, which made a plan of 10,000 tasks cost
	 * 50 million comparisons. */
	for (size_t i = 0; i < c->npages; i++) {
		const struct page *p = c->pages[i];
		if (strcmp(p->type, "plan"))
			continue;
		if (p->kind == PAGE_PAGE) {
			err(&l, p, value_get(p->meta, "type"), "a plan is a folder's _index.md, with its tasks inside");
			continue;
		}
		/* As a task: a plan with an error still holds its tasks. */
		l.quiet = p->failed;
		struct value *plan = plan_of_page(&l, p);
		const char *id = value_str(value_get(plan, "id"), "");
		const struct value *first = value_get(l.plan_ids, id);
		if (first)
			err(&l, p, value_get(p->meta, "id"), "plan id '%s' is also used by %s", id,
			    value_str(value_get(first, "source"), ""));
		else
			value_setc(a, l.plan_ids, id, plan);
		l.quiet = 0;
		value_push(a, m->plans, plan);
		m->by_page[i] = plan;
	}
	l.nnumbers = value_len(m->plans);
	l.numbers = arena_alloc(a, (l.nnumbers + 1) * sizeof *l.numbers);
	for (size_t k = 0; k < l.nnumbers; k++)
		l.numbers[k] = (struct plan_numbers){ value_at(m->plans, k), value_table(a, nopos) };
	qsort(l.numbers, l.nnumbers, sizeof *l.numbers, cmp_plan_numbers);
	for (size_t i = 0; i < c->npages; i++) {
		const struct page *p = c->pages[i];
		if (strcmp(p->type, "task"))
			continue;
		/* A task with an error in its front matter still stands for the
		 * rest of the check (bulletins name it), but says nothing more. */
		l.quiet = p->failed;
		struct value *plan = find_plan(&l, p, m->by_page);
		struct value *task = plan ? task_of_page(&l, p, plan) : NULL;
		l.quiet = 0;
		if (!task)
			continue;
		struct value *tasks = value_get(plan, "tasks");
		const char *num = value_str(value_get(task, "number"), "");
		struct value *taken = plan_numbers(&l, plan);
		const struct value *first = value_get(taken, num);
		if (first)
			err(&l, p, value_get(p->meta, "number"), "task %s is also in %s", num,
			    value_str(value_get(first, "source"), ""));
		else
			value_setc(a, taken, num, task);
		value_push(a, tasks, task);
		m->by_page[i] = task;
	}
	sort_array(m->plans, cmp_plan);
	for (size_t i = 0; i < value_len(m->plans); i++) {
		struct value *tasks = value_get(value_at(m->plans, i), "tasks");
		sort_array(tasks, cmp_task);
	}
	for (size_t i = 0; i < c->npages; i++) {
		const struct page *p = c->pages[i];
		if (p->failed || strcmp(p->type, "bulletin"))
			continue;
		struct value *b = bulletin_of_page(&l, p);
		if (!value_get(b, "date"))
			continue;
		value_push(a, m->bulletins, b);
		m->by_page[i] = b;
	}
	sort_array(m->bulletins, cmp_bulletin);
	check_extensions(&l, c, m);

	/* as_of: said by the site, else by the build's environment, else the news. */
	if (cfg->has_as_of) {
		m->as_of = cfg->as_of;
		m->as_of_from = "site.toml";
	} else if (epoch_day(&m->as_of)) {
		m->as_of_from = "SOURCE_DATE_EPOCH";
	} else if (value_len(m->bulletins)) {
		m->as_of = value_get(value_at(m->bulletins, value_len(m->bulletins) - 1), "date")->u.dt;
		m->as_of_from = "latest bulletin";
	} else {
		/* Never the clock: the newest date the content itself states. */
		for (size_t i = 0; i < c->npages; i++) {
			const struct page *p = c->pages[i];
			if (p->has_date && !p->failed && (!m->as_of_from || datetime_cmp(&p->date, &m->as_of) > 0)) {
				m->as_of = p->date;
				m->as_of_from = "latest dated page";
			}
		}
	}
	m->has_as_of = m->as_of_from != NULL;
	if (!m->has_as_of)
		m->as_of = (struct datetime){ .kind = DT_DATE, .year = 1970, .month = 1, .day = 1 };
	m->as_of.kind = DT_DATE;
	m->as_of.hour = m->as_of.minute = m->as_of.second = m->as_of.nanos = m->as_of.offset_min = 0;
	for (size_t i = 0; m->has_as_of && i < c->npages; i++) {
		const struct page *p = c->pages[i];
		const struct value *b = m->by_page[i];
		if (!b || strcmp(p->type, "bulletin"))
			continue;
		const struct value *dv = value_get(b, "date");
		if (datetime_cmp(&dv->u.dt, &m->as_of) > 0)
			err(&l, p, value_get(p->meta, "date"),
			    "bulletin dated after as_of (%04d-%02d-%02d, from %s)", m->as_of.year, m->as_of.month,
			    m->as_of.day, m->as_of_from);
	}
	return l.failed ? -1 : 0;
}
