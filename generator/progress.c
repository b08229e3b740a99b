/* progress.c: lua/progress.lua's on_site in C, value for value.
 *
 * KEEP IN STEP WITH lua/progress.lua: any change to that file must be made
 * here too (the build only runs this code while the installed file is the
 * one compiled in, and tests/progress_c.sh compares the two paths).
 *
 * The result is the tree luaval.h makes of the Lua tables: a table that
 * came in keeps its keys in their order, new keys follow sorted bytewise; an
 * unchanged table or scalar is the original value; a new scalar has no
 * position; dates copied into new tables come back as strings; integers stay
 * integers and divisions give floats, as Lua 5.4's arithmetic does; one Lua
 * table stored in several places is one value. The work is done in three
 * passes: read the tree (declining what the model never makes), compute,
 * then build the new values, so that declining leaves the site untouched.
 *
 * Nothing changes the result once it is built (templates and data/ *.json
 * only read it), so a scalar made many times over (labels, statuses, dates
 * and their text, small integers, booleans, a field copied into several
 * tables) is made once per run and shared, and so is a chart made of the
 * same points: Lua's copies would be equal values, and equal is all a
 * reader can see. */
#include "progress.h"

#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "i18n.h"
#include "lang.h"
#include "markdown.h"
#include "progress_lua.h"   /* build/gen: the text of lua/progress.lua */
#include "sandbox.h"
#include "xalloc.h"

/* The rules' constants, as lua/progress.lua names them. */
#define DEFAULT_MARGIN 15
#define SOON 30
#define LATER 90
#define LATEST_BULLETINS 5
/* Integers shared as one value each (progress, counts, days left): a
 * 64 KiB table covers a decade of days either side of as_of. */
#define SHARED_INT_MIN (-4096)
#define SHARED_INT_MAX 4096
/* LUA_IDSIZE: how much of a chunk's name Lua shows in a message. */
#define CHUNK_ID_SIZE 60

static const struct pos nopos = { 0 };

int progress_is_builtin(const char *text, size_t len)
{
	return len == PROGRESS_LUA_LEN && memcmp(text, progress_lua_text, len) == 0;
}

/* ---- Lua's numbers ---------------------------------------------------------- */

struct num {
	int isint;
	int64_t i;
	double f;
};

static struct num nint(int64_t i)
{
	return (struct num){ 1, i, 0 };
}

static struct num nflt(double f)
{
	return (struct num){ 0, 0, f };
}

static double ndbl(struct num n)
{
	return n.isint ? (double)n.i : n.f;
}

static struct num nadd(struct num a, struct num b)
{
	if (a.isint && b.isint)
		return nint((int64_t)((uint64_t)a.i + (uint64_t)b.i));
	return nflt(ndbl(a) + ndbl(b));
}

static struct num nsub(struct num a, struct num b)
{
	if (a.isint && b.isint)
		return nint((int64_t)((uint64_t)a.i - (uint64_t)b.i));
	return nflt(ndbl(a) - ndbl(b));
}

static struct num nmul(struct num a, struct num b)
{
	if (a.isint && b.isint)
		return nint((int64_t)((uint64_t)a.i * (uint64_t)b.i));
	return nflt(ndbl(a) * ndbl(b));
}

static int nlt(struct num a, struct num b)
{
	if (a.isint && b.isint)
		return a.i < b.i;
	return ndbl(a) < ndbl(b);
}

static int nis0(struct num a)
{
	return a.isint ? a.i == 0 : a.f == 0;
}

/* math.floor(x + 0.5): an integer when it fits, as math.floor gives. */
static struct num lround_(double x)
{
	double f = floor(x + 0.5);
	if (f >= -9223372036854775808.0 && f < 9223372036854775808.0)
		return nint((int64_t)f);
	return nflt(f);
}

static int num_of(const struct value *v, struct num *n)
{
	if (v && v->kind == V_INT) {
		*n = nint(v->u.i);
		return 1;
	}
	if (v && v->kind == V_FLOAT) {
		*n = nflt(v->u.f);
		return 1;
	}
	return 0;
}

/* ---- dates: ISO strings, as the Lua side sees them ---------------------------- */

struct date {
	char s[16];     /* "2019-06-30" (room for any int fields, so snprintf never truncates); s[0] == 0: none (nil) */
	int y, m, d;
	int64_t days;
};

static void date_set(struct date *o, int y, int m, int d)
{
	snprintf(o->s, sizeof o->s, "%04d-%02d-%02d", y, m, d);
	o->y = y;
	o->m = m;
	o->d = d;
	o->days = datetime_days(y, m, d);
}

static int digits(const char *s, int n, int *out)
{
	*out = 0;
	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		*out = *out * 10 + (s[i] - '0');
	}
	return 1;
}

/* A date the model made (DT_DATE) or a plain ISO date string; 0 for what
 * the native rules leave to Lua. */
static int date_of(const struct value *v, struct date *o)
{
	int y, m, d;
	if (v->kind == V_DATETIME && v->u.dt.kind == DT_DATE) {
		y = v->u.dt.year;
		m = v->u.dt.month;
		d = v->u.dt.day;
	} else if (v->kind == V_STRING && v->u.str.len == 10 && v->u.str.s[4] == '-' && v->u.str.s[7] == '-') {
		if (!digits(v->u.str.s, 4, &y) || !digits(v->u.str.s + 5, 2, &m) || !digits(v->u.str.s + 8, 2, &d))
			return 0;
	} else {
		return 0;
	}
	if (y < 1000 || y > 9999 || !datetime_valid_date(y, m, d))
		return 0;
	date_set(o, y, m, d);
	return 1;
}

static int dcmp(const struct date *a, const struct date *b)
{
	return strcmp(a->s, b->s);
}

/* ---- the rules' state ----------------------------------------------------------- */

struct milestone {
	struct value *v;
	const struct value *what;
	struct date due;
	int done;
	struct value *due_text;
	int missed;
	struct value *swhat;   /* what, as a new value: made once */
};

struct target {
	struct value *v;
	const struct value *metric;
	struct num target;
	int has_actual;
	struct num actual;
};

struct point {
	struct date date;
	struct value *date_text;
	struct num progress;
	const char *status;
	const struct value *note;   /* NULL: none */
	struct bulletin *b;         /* NULL: the first point */
	struct ext *ext;            /* NULL: none granted */
};

struct plan;
struct bulletin;

/* An extension (延期) an update grants: one table wherever it is stored. */
struct ext {
	struct date due, prev;         /* the new deadline and the one before */
	const struct value *reason;    /* NULL: none */
	struct bulletin *b;
	struct value *v;               /* made once, by ext_value */
};

struct task {
	struct value *v;
	struct plan *plan;
	const struct value *id, *number, *title, *url, *plan_id, *lead;
	const struct value *support;   /* NULL: none */
	const char *section;   /* NULL: none */
	struct date start, due;
	struct date due_original;   /* due before any extension */
	struct ext **exts;          /* the extensions granted, oldest first */
	size_t nexts, capexts;
	struct num weight, progress, init_progress;
	const char *status, *init_status;
	struct milestone *ms;
	size_t nms;
	struct target *tg;
	size_t ntg;
	struct point *hist;
	size_t nhist, caphist;
	struct bulletin **bul;
	size_t nbul, capbul;
	/* finish_task */
	int has_expected, has_days_left, overdue, at_risk;
	struct num expected;
	int64_t days_left;
	const char *rag;
	struct value *chart;
	struct value *ref;      /* task_ref(t): one value in every list */
	struct value *out;      /* the task table built */
	/* its fields as new values, made once (vstr_once) */
	struct value *sid, *snumber, *stitle, *surl, *splan_id;
};

struct update {
	struct value *v;
	struct task *t;         /* NULL: not applied */
	const struct value *note, *actuals, *mdone;
	int has_progress;
	struct num progress;
	const char *status;     /* NULL: none */
	struct date due;        /* an extension's new deadline; due.s[0] == 0: none */
	const struct value *reason;
	struct ext *ext;        /* what apply_bulletins made of due */
	/* what apply_bulletins stores */
	struct num prev_progress, new_progress;
	const char *prev_status, *new_status;
};

struct bulletin {
	struct value *v;
	struct date date;
	struct value *date_text;
	const struct value *title, *url, *unit;
	struct update *ups;
	size_t nups;
	struct value *stitle, *surl;   /* as new values, made once */
};

struct plan {
	struct value *v;
	const struct value *title, *url, *period, *themes, *sections;
	const struct value *short_title;   /* short_title, else doc_no, else title */
	struct date date;
	struct task **tasks;
	size_t ntasks;
	struct value *stitle, *surl, *sshort;   /* as new values, made once */
};

struct unit_group {
	const char *name;
	size_t len;
	struct task **tasks;     /* the tasks it leads */
	size_t n, cap;
	struct task **sup;       /* the tasks it supports */
	size_t ns, capsup;
	const char *slug;
};

/* A hash of names: tasks by id, units by name, slugs in use, shared strings. */
struct names {
	struct name_slot {
		const char *k;
		size_t len;
		void *val;
	} *v;
	size_t cap, n;
};

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = 1469598103934665603ULL;
	for (size_t i = 0; i < n; i++)
		h = (h ^ (unsigned char)s[i]) * 1099511628211ULL;
	return h;
}

static struct name_slot *names_slot(struct names *m, const char *k, size_t len)
{
	size_t i = (size_t)hash(k, len) & (m->cap - 1);
	while (m->v[i].k && (m->v[i].len != len || memcmp(m->v[i].k, k, len) != 0))
		i = (i + 1) & (m->cap - 1);
	return &m->v[i];
}

static void names_init(struct names *m, size_t n)
{
	m->cap = 16;
	while (m->cap < 2 * n + 2)
		m->cap *= 2;
	m->n = 0;
	m->v = xcalloc(m->cap, sizeof *m->v);
}

static void **names_get(struct names *m, const char *k, size_t len)
{
	struct name_slot *s = names_slot(m, k, len);
	return s->k ? &s->val : NULL;
}

static void names_put(struct names *m, const char *k, size_t len, void *val)
{
	struct name_slot *s = names_slot(m, k, len);
	if (!s->k) {
		if (2 * (m->n + 1) > m->cap) {
			struct names bigger;
			names_init(&bigger, m->n + 1);
			for (size_t i = 0; i < m->cap; i++)
				if (m->v[i].k)
					*names_slot(&bigger, m->v[i].k, m->v[i].len) = m->v[i];
			free(m->v);
			bigger.n = m->n;
			*m = bigger;
			s = names_slot(m, k, len);
		}
		s->k = k;
		s->len = len;
		m->n++;
	}
	s->val = val;
}

struct warning {
	const char *path;
	int line, col;
	const char *msg;
};

struct run {
	struct arena *a;        /* the result's values */
	struct arena *t;        /* this run's own state */
	const struct progress_opts *o;
	enum lang fmt_lang;     /* planpress.format_date's default style */
	int en;                 /* the rules' lang == "en" */
	struct date as_of;
	struct num margin;
	int index_links;
	struct plan *plans;
	size_t nplans;
	struct bulletin *buls;
	size_t nbuls;
	struct task **all;
	size_t nall;
	struct unit_group *units;
	size_t nunits;
	struct warning *warns;
	size_t nwarns, capwarns, warn_bytes;
	struct buf tmp;
	/* shared values (see the top of the file) */
	struct names strs;       /* text -> struct value * */
	struct names days;       /* ISO date -> struct day */
	struct names tables;     /* a text saying all a table holds -> the table (shared()) */
	struct value *bools[2];
	struct value *empty;     /* {} as a list */
	struct value **ints;     /* SHARED_INT_MIN .. SHARED_INT_MAX - 1, made when first used */
	/* Once nothing can fail (compute, after the bulletins), tables that came
	 * in are changed in place, not copied with their new fields (table_merge). */
	int in_place;
	const struct value **merged;   /* open addressing over the tables changed so */
	size_t nmerged, capmerged;
};

static void *grow(struct arena *a, void *p, size_t *cap, size_t n, size_t size)
{
	if (n < *cap)
		return p;
	size_t nc = *cap ? 2 * *cap : 4;
	p = arena_realloc(a, p, *cap * size, nc * size);
	*cap = nc;
	return p;
}

static const char *label(const struct run *r, const char *word)
{
	static const char *const words[] = { "not_started", "in_progress", "done", "delayed", "cancelled",
	                                     "red", "amber", "green", "grey", "lead", "support", NULL };
	static const char *const zh[] = { "未开始", "进行中", "已完成", "已延期", "已取消",
	                                  "红灯", "黄灯", "绿灯", "灰灯", "牵头", "配合" };
	static const char *const en[] = { "not started", "in progress", "done", "delayed", "cancelled",
	                                  "red", "amber", "green", "grey", "lead", "support" };
	for (size_t i = 0; words[i]; i++)
		if (strcmp(word, words[i]) == 0)
			return r->en ? en[i] : zh[i];
	return word;
}

static int is_status(const char *s)
{
	static const char *const st[] = { "not_started", "in_progress", "done", "delayed", "cancelled", NULL };
	for (size_t i = 0; st[i]; i++)
		if (strcmp(s, st[i]) == 0)
			return 1;
	return 0;
}

static int closed(const char *status)
{
	return strcmp(status, "done") == 0 || strcmp(status, "cancelled") == 0;
}

/* ---- shared values ------------------------------------------------------------------- */

/* The one value of the text s (n bytes) in this run, made when first asked
 * for; in arena r->a, like the result. */
static struct value *intern(struct run *r, const char *s, size_t n)
{
	void **hit = names_get(&r->strs, s, n);
	if (hit)
		return *hit;
	struct value *v = value_string(r->a, s, n, nopos);
	names_put(&r->strs, v->u.str.s, n, v);
	return v;
}

/* A day's two texts, made once per run. */
struct day {
	struct value *iso;    /* "2019-06-30" */
	struct value *text;   /* P.format_date(d) in the site's language */
};

static const struct day *day_of(struct run *r, const struct date *d)
{
	void **hit = names_get(&r->days, d->s, 10);
	if (hit)
		return *hit;
	struct day *dy = arena_alloc(r->t, sizeof *dy);
	struct datetime dt = { .kind = DT_DATE, .year = d->y, .month = d->m, .day = d->d };
	struct buf b = BUF_INIT;
	lang_date(r->fmt_lang, &dt, &b);
	dy->text = intern(r, b.data, b.len);
	buf_free(&b);
	dy->iso = intern(r, d->s, 10);
	names_put(&r->days, dy->iso->u.str.s, 10, dy);
	return dy;
}

/* date_text(d): NULL for no date (nil). */
static struct value *date_text(struct run *r, const struct date *d)
{
	return d->s[0] ? day_of(r, d)->text : NULL;
}

static struct value *month_text(struct run *r, int y, int m)
{
	static const char *const months[] = { "January", "February", "March", "April", "May", "June",
	                                      "July", "August", "September", "October", "November",
	                                      "December" };
	char s[64];
	int n = r->en ? snprintf(s, sizeof s, "%s %d", months[m - 1], y) : snprintf(s, sizeof s, "%d年%d月", y, m);
	return intern(r, s, (size_t)n);
}

/* table_merge's bookkeeping on the stack up to this many pairs (a task
 * table has about 30), in the run's arena beyond. */
#define MERGE_STACK 64
/* Room for "%.1f" of any double (DBL_MAX has 309 digits). */
#define COORD_SIZE 400

/* string.format("%.1f", x) with a trailing ".0" cut, into s. */
static const char *coord(char s[COORD_SIZE], double x)
{
	int n = snprintf(s, COORD_SIZE, "%.1f", x);
	if (n >= 2 && s[n - 2] == '.' && s[n - 1] == '0')
		s[n - 2] = '\0';
	return s;
}

static struct num tonumber(const char *s)
{
	const char *p = s + (*s == '-');
	uint64_t v = 0;
	int isint = *p != '\0';
	for (const char *q = p; *q && isint; q++) {
		if (*q < '0' || *q > '9' || v > (UINT64_MAX - 9) / 10)
			isint = 0;
		else
			v = v * 10 + (uint64_t)(*q - '0');
	}
	if (isint && v <= (uint64_t)INT64_MAX)
		return nint(*s == '-' ? -(int64_t)v : (int64_t)v);
	return nflt(strtod(s, NULL));
}

/* Where a straight line from start to due stands on day at, 0..100. */
static struct num line_at(const struct date *start, const struct date *due, const struct date *at)
{
	if (dcmp(at, start) < 0)
		return nint(0);
	if (dcmp(at, due) >= 0)
		return nint(100);
	return lround_((double)(100 * (at->days - start->days)) / (double)(due->days - start->days));
}

/* summary(tasks): the weighted mean progress, cancelled tasks left out. */
static struct num summary(struct task **tasks, size_t n)
{
	struct num sw = nint(0), sp = nint(0);
	for (size_t i = 0; i < n; i++) {
		if (strcmp(tasks[i]->status, "cancelled") != 0) {
			sw = nadd(sw, tasks[i]->weight);
			sp = nadd(sp, nmul(tasks[i]->weight, tasks[i]->progress));
		}
	}
	return nlt(nint(0), sw) ? lround_(ndbl(sp) / ndbl(sw)) : nint(0);
}

/* Records P.warn(msg, u): at u's content position, else at the line of the
 * nth P.warn call in the hook, as the Lua path names it. */
static void warn(struct run *r, const struct value *u, int nth, const char *msg)
{
	struct warning *w;
	r->warns = grow(r->t, r->warns, &r->capwarns, r->nwarns, sizeof *r->warns);
	w = &r->warns[r->nwarns++];
	w->msg = msg;
	r->warn_bytes += strlen(msg);
	if (u && u->pos.path && u->pos.line > 0) {
		w->path = arena_printf(r->t, "%.511s", u->pos.path);
		w->line = u->pos.line;
		w->col = u->pos.col;
		return;
	}
	/* luaO_chunkid of "@path": a long name keeps its tail after "..." */
	const char *p = r->o->hook_path ? r->o->hook_path : "lua";
	size_t len = strlen(p);
	w->path = len + 1 <= CHUNK_ID_SIZE ? p : arena_printf(r->t, "...%s", p + len - (CHUNK_ID_SIZE - 4));
	w->col = 0;
	w->line = 0;
	const char *s = (const char *)progress_lua_text, *e = s + PROGRESS_LUA_LEN;
	int line = 1, k = 0;
	for (; s < e; s++) {
		if (*s == '\n')
			line++;
		else if (*s == 'P' && (size_t)(e - s) > 7 && memcmp(s, "P.warn(", 7) == 0 && k++ == nth) {
			w->line = line;
			break;
		}
	}
}

/* ---- reading the tree --------------------------------------------------------------- */

static const struct value *str_field(const struct value *t, const char *k, int required, int *ok)
{
	const struct value *v = value_get(t, k);
	if ((!v && required) || (v && v->kind != V_STRING))
		*ok = 0;
	return v;
}

static int date_field(const struct value *t, const char *k, int required, struct date *o)
{
	const struct value *v = value_get(t, k);
	o->s[0] = '\0';
	if (!v)
		return !required;
	return date_of(v, o);
}

static int read_task(struct run *r, struct plan *pl, struct value *tv, struct task *t)
{
	int ok = tv->kind == V_TABLE;
	if (!ok)
		return 0;
	t->v = tv;
	t->plan = pl;
	t->id = str_field(tv, "id", 1, &ok);
	t->number = str_field(tv, "number", 0, &ok);
	t->title = str_field(tv, "title", 0, &ok);
	t->url = str_field(tv, "url", 0, &ok);
	t->plan_id = str_field(tv, "plan", 0, &ok);
	const struct value *sec = str_field(tv, "section", 0, &ok);
	t->section = sec && sec->kind == V_STRING ? sec->u.str.s : NULL;
	if (sec && sec->kind == V_STRING && strlen(sec->u.str.s) != sec->u.str.len)
		ok = 0;
	t->lead = value_get(tv, "lead");
	if (!t->lead || t->lead->kind != V_ARRAY)
		return 0;
	for (size_t i = 0; i < value_len(t->lead); i++)
		if (value_at(t->lead, i)->kind != V_STRING)
			return 0;
	t->support = value_get(tv, "support");
	if (t->support && t->support->kind != V_ARRAY)
		return 0;
	for (size_t i = 0; t->support && i < value_len(t->support); i++)
		if (value_at(t->support, i)->kind != V_STRING)
			return 0;
	if (!date_field(tv, "start", 0, &t->start) || !date_field(tv, "due", 0, &t->due))
		return 0;
	t->due_original = t->due;
	const struct value *st = value_get(tv, "status");
	if (!ok || !num_of(value_get(tv, "weight"), &t->weight) || !num_of(value_get(tv, "progress"), &t->progress) ||
	    !st || st->kind != V_STRING || !is_status(st->u.str.s))
		return 0;
	t->status = st->u.str.s;
	t->init_progress = t->progress;
	t->init_status = t->status;
	const struct value *ms = value_get(tv, "milestones"), *tg = value_get(tv, "targets");
	if (!ms || ms->kind != V_ARRAY || !tg || tg->kind != V_ARRAY)
		return 0;
	t->nms = value_len(ms);
	t->ms = arena_alloc(r->t, (t->nms + 1) * sizeof *t->ms);
	for (size_t i = 0; i < t->nms; i++) {
		struct milestone *m = &t->ms[i];
		const struct value *done;
		m->v = value_at(ms, i);
		if (m->v->kind != V_TABLE || !date_field(m->v, "due", 1, &m->due))
			return 0;
		m->what = str_field(m->v, "what", 1, &ok);
		done = value_get(m->v, "done");
		if (!ok || !done || done->kind != V_BOOL)
			return 0;
		m->done = done->u.b;
	}
	t->ntg = value_len(tg);
	t->tg = arena_alloc(r->t, (t->ntg + 1) * sizeof *t->tg);
	for (size_t i = 0; i < t->ntg; i++) {
		struct target *g = &t->tg[i];
		g->v = value_at(tg, i);
		if (g->v->kind != V_TABLE)
			return 0;
		g->metric = str_field(g->v, "metric", 1, &ok);
		if (!ok || !num_of(value_get(g->v, "target"), &g->target))
			return 0;
		const struct value *act = value_get(g->v, "actual");
		g->has_actual = act != NULL;
		if (act && !num_of(act, &g->actual))
			return 0;
	}
	return 1;
}

static int read_plans(struct run *r, const struct value *plans)
{
	if (!plans)
		return 1;
	if (plans->kind != V_ARRAY)
		return 0;
	r->nplans = value_len(plans);
	r->plans = arena_alloc(r->t, (r->nplans + 1) * sizeof *r->plans);
	for (size_t i = 0; i < r->nplans; i++) {
		struct plan *pl = &r->plans[i];
		int ok = 1;
		pl->v = value_at(plans, i);
		if (pl->v->kind != V_TABLE)
			return 0;
		pl->title = str_field(pl->v, "title", 0, &ok);
		pl->url = str_field(pl->v, "url", 0, &ok);
		pl->short_title = value_get(pl->v, "short_title");
		if (!pl->short_title)
			pl->short_title = value_get(pl->v, "doc_no");
		if (!pl->short_title)
			pl->short_title = pl->title;
		else if (pl->short_title->kind != V_STRING)
			return 0;   /* as Lua would pass it on: the rules in Lua take it */
		if (!ok || !date_field(pl->v, "date", 0, &pl->date))
			return 0;
		pl->period = value_get(pl->v, "period");
		if (pl->period && (pl->period->kind != V_ARRAY || value_len(pl->period) != 2 ||
		                   value_at(pl->period, 0)->kind != V_INT || value_at(pl->period, 1)->kind != V_INT ||
		                   value_at(pl->period, 0)->u.i < 1000 || value_at(pl->period, 1)->u.i > 9999))
			return 0;
		pl->themes = value_get(pl->v, "yearly_themes");
		if (pl->themes && pl->themes->kind != V_TABLE)
			return 0;
		for (size_t k = 0; pl->themes && k < value_len(pl->themes); k++)
			if (value_pair_val(value_pair_at(pl->themes, k))->kind != V_STRING)
				return 0;
		pl->sections = value_get(pl->v, "sections");
		if (pl->sections && pl->sections->kind != V_ARRAY)
			return 0;
		for (size_t k = 0; pl->sections && k < value_len(pl->sections); k++) {
			const struct value *s = value_at(pl->sections, k);
			const struct value *n = value_get(s, "number"), *t = value_get(s, "title");
			if (s->kind != V_TABLE || !n || n->kind != V_STRING || strlen(n->u.str.s) != n->u.str.len ||
			    (t && t->kind != V_STRING))
				return 0;
		}
		const struct value *tasks = value_get(pl->v, "tasks");
		if (!tasks || tasks->kind != V_ARRAY)
			return 0;
		pl->ntasks = value_len(tasks);
		pl->tasks = arena_alloc(r->t, (pl->ntasks + 1) * sizeof *pl->tasks);
		for (size_t k = 0; k < pl->ntasks; k++) {
			pl->tasks[k] = arena_alloc(r->t, sizeof *pl->tasks[k]);
			if (!read_task(r, pl, value_at(tasks, k), pl->tasks[k]))
				return 0;
		}
	}
	return 1;
}

static int read_bulletins(struct run *r, const struct value *buls)
{
	if (!buls)
		return 1;
	if (buls->kind != V_ARRAY)
		return 0;
	r->nbuls = value_len(buls);
	r->buls = arena_alloc(r->t, (r->nbuls + 1) * sizeof *r->buls);
	for (size_t i = 0; i < r->nbuls; i++) {
		struct bulletin *b = &r->buls[i];
		int ok = 1;
		b->v = value_at(buls, i);
		if (b->v->kind != V_TABLE || !date_field(b->v, "date", 1, &b->date))
			return 0;
		b->title = str_field(b->v, "title", 0, &ok);
		b->url = str_field(b->v, "url", 0, &ok);
		b->unit = str_field(b->v, "unit", 0, &ok);
		const struct value *ups = value_get(b->v, "updates");
		if (!ok || (ups && ups->kind != V_ARRAY))
			return 0;
		b->nups = ups ? value_len(ups) : 0;
		b->ups = arena_alloc(r->t, (b->nups + 1) * sizeof *b->ups);
		for (size_t k = 0; k < b->nups; k++) {
			struct update *u = &b->ups[k];
			u->v = value_at(ups, k);
			if (u->v->kind != V_TABLE || !str_field(u->v, "task", 1, &ok) || !ok)
				return 0;
			u->has_progress = value_get(u->v, "progress") != NULL;
			if (u->has_progress && !num_of(value_get(u->v, "progress"), &u->progress))
				return 0;
			const struct value *st = str_field(u->v, "status", 0, &ok);
			if (!ok || (st && !is_status(st->u.str.s)))
				return 0;
			u->status = st ? st->u.str.s : NULL;
			u->reason = str_field(u->v, "reason", 0, &ok);
			if (!ok || !date_field(u->v, "due", 0, &u->due))
				return 0;
			u->note = value_get(u->v, "note");
			u->actuals = value_get(u->v, "actuals");
			u->mdone = value_get(u->v, "milestones_done");
			if (u->note && u->note->kind != V_STRING)
				return 0;
			if (u->actuals && u->actuals->kind != V_TABLE)
				return 0;
			for (size_t j = 0; u->actuals && j < value_len(u->actuals); j++)
				if (value_pair_val(value_pair_at(u->actuals, j))->kind != V_INT && value_pair_val(value_pair_at(u->actuals, j))->kind != V_FLOAT)
					return 0;
			if (u->mdone && u->mdone->kind != V_ARRAY)
				return 0;
			for (size_t j = 0; u->mdone && j < value_len(u->mdone); j++)
				if (value_at(u->mdone, j)->kind != V_STRING)
					return 0;
		}
	}
	return 1;
}

/* ---- the rules ------------------------------------------------------------------------- */

static int same_str(const struct value *a, const struct value *b)
{
	return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
}

static int actual_cmp(const void *pa, const void *pb)
{
	const struct value_pair *a = *(const struct value_pair *const *)pa, *b = *(const struct value_pair *const *)pb;
	size_t an = value_pair_keylen(a), bn = value_pair_keylen(b);
	int c = memcmp(a->key, b->key, an < bn ? an : bn);
	return c ? c : (an > bn) - (an < bn);
}

static void push_point(struct run *r, struct task *t, const struct point *p)
{
	t->hist = grow(r->t, t->hist, &t->caphist, t->nhist, sizeof *t->hist);
	t->hist[t->nhist++] = *p;
}

static void apply_bulletins(struct run *r, struct names *by_id)
{
	for (size_t i = 0; i < r->nbuls; i++) {
		struct bulletin *b = &r->buls[i];
		b->date_text = date_text(r, &b->date);
		if (dcmp(&b->date, &r->as_of) > 0)
			continue;
		for (size_t k = 0; k < b->nups; k++) {
			struct update *u = &b->ups[k];
			const struct value *tid = value_get(u->v, "task");
			void **tp = names_get(by_id, tid->u.str.s, tid->u.str.len);
			struct task *t = tp ? *tp : NULL;
			if (!t)
				continue;
			u->t = t;
			u->prev_progress = t->progress;
			u->prev_status = t->status;
			if (u->has_progress)
				t->progress = u->progress;
			if (u->status)
				t->status = u->status;
			u->new_progress = t->progress;
			u->new_status = t->status;
			struct ext *e = NULL;
			if (u->due.s[0]) {
				e = arena_alloc(r->t, sizeof *e);
				*e = (struct ext){ .due = u->due, .prev = t->due, .reason = u->reason, .b = b };
				t->due = u->due;
				t->exts = grow(r->t, t->exts, &t->capexts, t->nexts, sizeof *t->exts);
				t->exts[t->nexts++] = e;
				u->ext = e;
			}
			for (size_t j = 0; u->mdone && j < value_len(u->mdone); j++) {
				const struct value *what = value_at(u->mdone, j);
				int found = 0;
				for (size_t m = 0; m < t->nms; m++)
					if (same_str(t->ms[m].what, what))
						t->ms[m].done = found = 1;
				if (!found)
					warn(r, u->v, 0, arena_printf(r->t, _("task %s has no milestone '%s'"), t->id->u.str.s,
					                              what->u.str.s));
			}
			if (u->actuals && value_len(u->actuals)) {
				size_t n = value_len(u->actuals);
				const struct value_pair **keys = arena_alloc(r->t, n * sizeof *keys);
				for (size_t j = 0; j < n; j++)
					keys[j] = value_pair_at(u->actuals, j);
				qsort(keys, n, sizeof *keys, actual_cmp);   /* pairs() in sorted order */
				for (size_t j = 0; j < n; j++) {
					int found = 0;
					for (size_t g = 0; g < t->ntg; g++) {
						const struct value *mt = t->tg[g].metric;
						if (mt->u.str.len == value_pair_keylen(keys[j]) && memcmp(mt->u.str.s, keys[j]->key, value_pair_keylen(keys[j])) == 0) {
							num_of(value_pair_val(keys[j]), &t->tg[g].actual);
							t->tg[g].has_actual = found = 1;
						}
					}
					if (!found)
						warn(r, u->v, 1, arena_printf(r->t, _("task %s has no target '%s'"), t->id->u.str.s,
						                              keys[j]->key));
				}
			}
			struct point p = { .date = b->date, .date_text = b->date_text, .progress = t->progress,
			                   .status = t->status, .note = u->note, .b = b, .ext = e };
			push_point(r, t, &p);
			/* #tb == 0 or tb[#tb].url ~= b.url */
			const struct value *lu = t->nbul ? t->bul[t->nbul - 1]->url : NULL;
			if (t->nbul == 0 || !lu != !b->url || (lu && !same_str(lu, b->url))) {
				t->bul = grow(r->t, t->bul, &t->capbul, t->nbul, sizeof *t->bul);
				t->bul[t->nbul++] = b;
			}
		}
	}
}

/* ---- building values ---------------------------------------------------------------- */

struct kv {
	const char *k;     /* a string literal: tables keep it without a copy */
	struct value *v;   /* NULL: nil */
};

static int kv_cmp(const void *pa, const void *pb)
{
	const struct kv *a = pa, *b = pb;
	return strcmp(a->k, b->k);
}

/* Scalars as luaval makes them of a new Lua value: no position. */
static struct value *vstr(struct run *r, const struct value *s)
{
	return s ? value_string_ref(r->a, s->u.str.s, s->u.str.len, nopos) : NULL;
}

/* vstr(s), made once into *slot: a field copied into several tables. */
static struct value *vstr_once(struct run *r, struct value **slot, const struct value *s)
{
	if (!*slot)
		*slot = vstr(r, s);
	return *slot;
}

static struct value *vcstr(struct run *r, const char *s)
{
	return s ? intern(r, s, strlen(s)) : NULL;
}

static struct value *vdate(struct run *r, const struct date *d)
{
	return d->s[0] ? day_of(r, d)->iso : NULL;
}

static struct value *vint(struct run *r, int64_t i)
{
	if (i < SHARED_INT_MIN || i >= SHARED_INT_MAX)
		return value_int(r->a, i, nopos);
	if (!r->ints)
		r->ints = arena_alloc(r->t, (SHARED_INT_MAX - SHARED_INT_MIN) * sizeof *r->ints);
	struct value **v = &r->ints[i - SHARED_INT_MIN];
	if (!*v)
		*v = value_int(r->a, i, nopos);
	return *v;
}

static struct value *vnum(struct run *r, struct num n)
{
	return n.isint ? vint(r, n.i) : value_float(r->a, n.f, nopos);
}

static struct value *vbool(struct run *r, int b)
{
	struct value **v = &r->bools[b != 0];
	if (!*v)
		*v = value_bool(r->a, b, nopos);
	return *v;
}

static struct value *array_new(struct run *r)
{
	return value_array(r->a, nopos);
}

/* Sorts kv by key, the order Lua's new keys come in. The lists the rules
 * make many of are written in that order: checking costs less than sorting. */
static void kv_sort(struct kv *kv, size_t n)
{
	for (size_t i = 1; i < n; i++) {
		if (strcmp(kv[i - 1].k, kv[i].k) > 0) {
			qsort(kv, n, sizeof *kv, kv_cmp);
			return;
		}
	}
}

/* A new Lua table: its keys sorted (all are strings). */
static struct value *table_new(struct run *r, struct kv *kv, size_t n)
{
	struct value *t = value_table(r->a, nopos);
	size_t len = 0;
	kv_sort(kv, n);
	for (size_t i = 0; i < n; i++)
		len += kv[i].v != NULL;
	value_reserve(r->a, t, len);
	for (size_t i = 0; i < n; i++)
		if (kv[i].v)
			value_append_key(r->a, t, kv[i].k, strlen(kv[i].k), kv[i].v);
	return t;
}

/* A value the rules make many times over (a chart, its ticks, a history
 * of one point) is shared by a key in r->tmp that says all it holds. */
struct key {
	const char *s;
	size_t len;
};

/* The value made for r->tmp's key, or NULL with a lasting copy of the key
 * in *k for shared_put once the caller has made it. */
static struct value *shared_get(struct run *r, struct key *k)
{
	void **hit = names_get(&r->tables, r->tmp.data, r->tmp.len);
	if (hit)
		return *hit;
	k->s = arena_strndup(r->t, r->tmp.data, r->tmp.len);
	k->len = r->tmp.len;
	return NULL;
}

static struct value *shared_put(struct run *r, const struct key *k, struct value *v)
{
	names_put(&r->tables, k->s, k->len, v);
	return v;
}

/* Appends n to r->tmp exactly, as bytes (a key of shared()). */
static void key_num(struct run *r, struct num n)
{
	buf_putc(&r->tmp, n.isint ? 'i' : 'f');
	if (n.isint)
		buf_put(&r->tmp, &n.i, sizeof n.i);
	else
		buf_put(&r->tmp, &n.f, sizeof n.f);
}

static struct value *empty_array(struct run *r)
{
	if (!r->empty)
		r->empty = array_new(r);
	return r->empty;
}

/* Whether the Lua value nv put where orig was comes back as orig. */
static int same(const struct value *orig, const struct value *nv)
{
	if (orig == nv)
		return 1;
	if (!orig || !nv)
		return 0;
	switch (nv->kind) {
	case V_BOOL:
		return orig->kind == V_BOOL && !orig->u.b == !nv->u.b;
	case V_INT:
		return orig->kind == V_INT && orig->u.i == nv->u.i;
	case V_FLOAT:
		return orig->kind == V_FLOAT && orig->u.f == nv->u.f;
	case V_STRING:
		if (orig->kind == V_STRING)
			return same_str(orig, nv);
		if (orig->kind == V_DATETIME) {
			struct buf b = BUF_INIT;
			datetime_format(&orig->u.dt, &b);
			int eq = b.len == nv->u.str.len && memcmp(b.data, nv->u.str.s, b.len) == 0;
			buf_free(&b);
			return eq;
		}
		return 0;
	default:
		return 0;
	}
}

/* 1 the first time orig is met here (then it is recorded), 0 after. */
static int merge_once(struct run *r, const struct value *orig)
{
	if (2 * (r->nmerged + 1) > r->capmerged) {
		size_t cap = r->capmerged ? 2 * r->capmerged : 1024;
		const struct value **slots = arena_alloc(r->t, cap * sizeof *slots);
		for (size_t i = 0; i < r->capmerged; i++) {
			const struct value *v = r->merged[i];
			if (!v)
				continue;
			size_t h = ((uintptr_t)v >> 3) & (cap - 1);
			while (slots[h])
				h = (h + 1) & (cap - 1);
			slots[h] = v;
		}
		r->merged = slots;
		r->capmerged = cap;
	}
	size_t h = ((uintptr_t)orig >> 3) & (r->capmerged - 1);
	for (; r->merged[h]; h = (h + 1) & (r->capmerged - 1))
		if (r->merged[h] == orig)
			return 0;
	r->merged[h] = orig;
	r->nmerged++;
	return 1;
}

/* Table t given the fields kv (n of them, sorted) in place, as table_merge
 * would have copied it: its pairs in their order, a field's value where it
 * has the key, then the new keys in kv's order, room made once. */
static void merge_into(struct run *r, struct value *t, const struct kv *kv, size_t n)
{
	size_t nnew = 0;
	for (size_t k = 0; k < n; k++)
		nnew += kv[k].v && !value_get(t, kv[k].k);
	value_reserve(r->a, t, value_len(t) + nnew);
	for (size_t k = 0; k < n; k++)
		if (kv[k].v)
			value_set_key(r->a, t, kv[k].k, kv[k].v);
}

/* A table that came in, with the fields kv set: its keys in their order,
 * then the new ones sorted; orig itself when nothing changed, or when it
 * changed in place (merge_into). */
static struct value *table_merge(struct run *r, struct value *orig, struct kv *kv, size_t n)
{
	int changed = 0;
	size_t nnew = 0, ndrop = 0, len = value_len(orig);
	/* One pass over orig finds the field (if any) that replaces each pair:
	 * hits[i] for pair i, old[k] when field k has a pair. */
	struct kv *stack_hits[MERGE_STACK], **hits = stack_hits;
	unsigned char stack_old[MERGE_STACK], *old = stack_old;
	if (len > MERGE_STACK)
		hits = arena_alloc(r->t, len * sizeof *hits);
	if (n > MERGE_STACK)
		old = arena_alloc(r->t, n);
	memset(old, 0, n);
	kv_sort(kv, n);
	int twice = 0;   /* a key of orig's is in it twice */
	for (size_t i = 0; i < len; i++) {
		const struct value_pair *p = value_pair_at(orig, i);
		struct kv key = { p->key, NULL }, *hit = NULL;
		if (strlen(p->key) == value_pair_keylen(p))
			hit = bsearch(&key, kv, n, sizeof *kv, kv_cmp);
		hits[i] = hit;
		twice |= hit && old[hit - kv];
		if (!hit || old[hit - kv])
			continue;   /* the first pair of a key is the one value_get sees */
		old[hit - kv] = 1;
		ndrop += !hit->v;
		if (same(value_pair_val(p), hit->v))
			hit->v = value_pair_val(p);
		else
			changed = 1;
	}
	for (size_t k = 0; k < n; k++)
		nnew += kv[k].v && !old[k];
	if (!changed && !nnew)
		return orig;
	/* The model's tables are the site's alone once on_site is done
	 * (relink_model): changed in place, once nothing can fail, with room
	 * the model left for these fields (model.c). A pair to drop, a key
	 * twice or a table met twice gets a new table instead. */
	if (r->in_place && !ndrop && !twice && merge_once(r, orig)) {
		merge_into(r, orig, kv, n);
		return orig;
	}
	struct value *t = value_table(r->a, orig->pos);
	value_reserve(r->a, t, len - ndrop + nnew);
	for (size_t i = 0; i < len; i++) {
		const struct value_pair *p = value_pair_at(orig, i);
		struct value *v = hits[i] ? hits[i]->v : value_pair_val(p);
		if (v)
			value_append_key(r->a, t, p->key, value_pair_keylen(p), v);
	}
	for (size_t k = 0; k < n; k++)
		if (kv[k].v && !old[k])
			value_append_key(r->a, t, kv[k].k, strlen(kv[k].k), kv[k].v);
	return t;
}

/* A list that came in, its elements now kids: orig when none changed. */
static struct value *array_merge(struct run *r, struct value *orig, struct value **kids, size_t n)
{
	int changed = n != value_len(orig);
	for (size_t i = 0; i < n && !changed; i++)
		changed = kids[i] != value_at(orig, i);
	if (!changed)
		return orig;
	struct value *a = value_array(r->a, orig->pos);
	value_reserve(r->a, a, n);
	for (size_t i = 0; i < n; i++)
		value_push(r->a, a, kids[i]);
	return a;
}

static struct value *counts(struct run *r, struct task **tasks, size_t n)
{
	int64_t c[5] = { 0 }, overdue = 0, at_risk = 0;
	static const char *const st[] = { "not_started", "in_progress", "done", "delayed", "cancelled" };
	for (size_t i = 0; i < n; i++) {
		for (int k = 0; k < 5; k++)
			if (strcmp(tasks[i]->status, st[k]) == 0)
				c[k]++;
		overdue += tasks[i]->overdue;
		at_risk += tasks[i]->at_risk;
	}
	struct kv kv[] = {
		{ "total", vint(r, (int64_t)n) }, { "overdue", vint(r, overdue) },
		{ "at_risk", vint(r, at_risk) }, { st[0], vint(r, c[0]) },
		{ st[1], vint(r, c[1]) }, { st[2], vint(r, c[2]) },
		{ st[3], vint(r, c[3]) }, { st[4], vint(r, c[4]) },
	};
	return table_new(r, kv, sizeof kv / sizeof *kv);
}

/* ---- tasks ------------------------------------------------------------------------------ */

/* The extension's table, made once: the task, its history and the update
 * that granted it all hold this one value. */
static struct value *ext_value(struct run *r, struct ext *e)
{
	if (!e)
		return NULL;
	if (!e->v) {
		struct bulletin *b = e->b;
		struct kv kv[] = {
			{ "bulletin_title", vstr_once(r, &b->stitle, b->title) },
			{ "bulletin_url", vstr_once(r, &b->surl, b->url) }, { "date", vdate(r, &b->date) },
			{ "date_text", b->date_text }, { "due", vdate(r, &e->due) },
			{ "due_text", date_text(r, &e->due) }, { "previous_due", vdate(r, &e->prev) },
			{ "previous_due_text", date_text(r, &e->prev) }, { "reason", vstr(r, e->reason) },
		};
		e->v = table_new(r, kv, sizeof kv / sizeof *kv);
	}
	return e->v;
}

static struct value *ticks(struct run *r, const struct date *first, const struct date *last, int64_t span)
{
	struct key k = { NULL, 0 };
	buf_reset(&r->tmp);
	buf_puts(&r->tmp, "ticks");
	buf_put(&r->tmp, &first->days, sizeof first->days);
	buf_put(&r->tmp, &last->days, sizeof last->days);
	struct value *out = shared_get(r, &k);
	if (out)
		return out;
	out = array_new(r);
	for (int pass = 0; pass < 2; pass++) {
		for (int y = first->y; y <= last->y; y++) {
			for (int m = 1; m <= (pass ? 10 : 1); m += 3) {
				struct date d;
				date_set(&d, y, m, 1);
				if (dcmp(&d, first) < 0 || dcmp(&d, last) > 0)
					continue;
				char x[COORD_SIZE], year[32];
				struct kv kv[] = {
					{ "label", pass ? month_text(r, y, m)
					                : intern(r, year, (size_t)snprintf(year, sizeof year, r->en ? "%d" : "%d年", y)) },
					{ "x", vnum(r, tonumber(coord(x, (double)(100 * (d.days - first->days)) / (double)span))) },
				};
				value_push(r->a, out, table_new(r, kv, 2));
			}
		}
		if (pass == 1 || value_len(out) >= 2)
			return shared_put(r, &k, out);
		out = array_new(r);
	}
	return shared_put(r, &k, out);
}

static struct value *chart(struct run *r, struct task *t)
{
	struct date first = t->hist[0].date, last = r->as_of;
	if (t->due.s[0] && dcmp(&t->due, &last) > 0)
		last = t->due;
	int64_t span = last.days - first.days;
	if (span < 1)
		span = 1;
	/* The key of the chart: its first and last day and each point's day
	 * and progress, all it is made of (the ticks come from the days). */
	buf_reset(&r->tmp);
	buf_puts(&r->tmp, "chart");
	buf_put(&r->tmp, &first.days, sizeof first.days);
	buf_put(&r->tmp, &last.days, sizeof last.days);
	for (size_t i = 0; i < t->nhist; i++) {
		buf_put(&r->tmp, &t->hist[i].date.days, sizeof t->hist[i].date.days);
		key_num(r, t->hist[i].progress);
	}
	struct key k = { NULL, 0 };
	struct value *c = shared_get(r, &k);
	if (c)
		return c;
	struct buf points = BUF_INIT;
	char x[COORD_SIZE] = "", y[COORD_SIZE] = "";
	for (size_t i = 0; i < t->nhist; i++) {
		coord(x, (double)(100 * (t->hist[i].date.days - first.days)) / (double)span);
		coord(y, ndbl(nsub(nint(100), t->hist[i].progress)));
		if (i)
			buf_putc(&points, ' ');
		buf_printf(&points, "%s,%s", x, y);
	}
	struct kv kv[] = {
		{ "last_x", vnum(r, tonumber(x)) },
		{ "last_y", vnum(r, tonumber(y)) },
		{ "points", value_string(r->a, points.data, points.len, nopos) },
		{ "ticks", ticks(r, &first, &last, span) },
	};
	buf_free(&points);
	return shared_put(r, &k, table_new(r, kv, 4));
}

static void finish_task(struct run *r, struct task *t)
{
	t->has_expected = t->start.s[0] && t->due.s[0];
	if (t->has_expected)
		t->expected = line_at(&t->start, &t->due, &r->as_of);
	t->has_days_left = t->due.s[0] != 0;
	if (t->has_days_left)
		t->days_left = t->due.days - r->as_of.days;
	t->overdue = t->due.s[0] && dcmp(&t->due, &r->as_of) < 0 && !closed(t->status);
	t->at_risk = !closed(t->status) && !t->overdue && t->has_expected &&
	             nlt(t->progress, nsub(t->expected, r->margin));
	if (strcmp(t->status, "cancelled") == 0)
		t->rag = "grey";
	else if (t->overdue || strcmp(t->status, "delayed") == 0)
		t->rag = "red";
	else if (t->at_risk)
		t->rag = "amber";
	else
		t->rag = "green";
	for (size_t i = 0; i < t->nms; i++) {
		struct milestone *m = &t->ms[i];
		m->due_text = date_text(r, &m->due);
		m->missed = dcmp(&m->due, &r->as_of) < 0 && !m->done && !closed(t->status);
	}
	t->chart = chart(r, t);
}

static struct value *task_ref(struct run *r, struct task *t)
{
	struct kv kv[] = {
		{ "due", vdate(r, &t->due) }, { "due_text", date_text(r, &t->due) },
		{ "extended", vbool(r, t->nexts > 0) },
		{ "id", vstr_once(r, &t->sid, t->id) }, { "lead", (struct value *)t->lead },
		{ "number", vstr_once(r, &t->snumber, t->number) }, { "plan", vstr_once(r, &t->splan_id, t->plan_id) },
		{ "plan_short", vstr_once(r, &t->plan->sshort, t->plan->short_title) },
		{ "plan_title", vstr_once(r, &t->plan->stitle, t->plan->title) }, { "progress", vnum(r, t->progress) },
		{ "rag", vcstr(r, t->rag) }, { "status", vcstr(r, t->status) },
		{ "status_text", vcstr(r, label(r, t->status)) }, { "title", vstr_once(r, &t->stitle, t->title) },
		{ "url", vstr_once(r, &t->surl, t->url) },
	};
	return table_new(r, kv, sizeof kv / sizeof *kv);
}

static struct value *task_value(struct run *r, struct task *t)
{
	struct arena *a = r->a;
	struct value **kids;
	/* history and the bulletins it came from; a history of its first
	 * point only (no news yet) is one of few */
	struct value *hist = NULL;
	struct key one = { NULL, 0 };
	if (t->nhist == 1) {
		buf_reset(&r->tmp);
		buf_puts(&r->tmp, "history ");
		buf_puts(&r->tmp, t->hist[0].date.s);
		buf_puts(&r->tmp, t->hist[0].status);
		buf_putc(&r->tmp, ' ');
		key_num(r, t->hist[0].progress);
		hist = shared_get(r, &one);
	}
	if (!hist) {
		hist = array_new(r);
		value_reserve(a, hist, t->nhist);
		for (size_t i = 0; i < t->nhist; i++) {
			const struct point *p = &t->hist[i];
			struct kv kv[] = {
				{ "bulletin_title", p->b ? vstr_once(r, &p->b->stitle, p->b->title) : NULL },
				{ "bulletin_url", p->b ? vstr_once(r, &p->b->surl, p->b->url) : NULL },
				{ "date", vdate(r, &p->date) }, { "date_text", p->date_text },
				{ "extended", ext_value(r, p->ext) },
				{ "note", vstr(r, p->note) }, { "progress", vnum(r, p->progress) },
				{ "status", vcstr(r, p->status) }, { "status_text", vcstr(r, label(r, p->status)) },
			};
			value_push(a, hist, table_new(r, kv, sizeof kv / sizeof *kv));
		}
		if (one.s)
			shared_put(r, &one, hist);
	}
	struct value *bul = t->nbul ? array_new(r) : empty_array(r);
	value_reserve(a, bul, t->nbul);
	for (size_t i = 0; i < t->nbul; i++) {
		struct bulletin *b = t->bul[i];
		struct kv kv[] = {
			{ "date", vdate(r, &b->date) }, { "date_text", b->date_text },
			{ "title", vstr_once(r, &b->stitle, b->title) }, { "url", vstr_once(r, &b->surl, b->url) },
		};
		value_push(a, bul, table_new(r, kv, 4));
	}
	/* milestones and targets: the tables that came in, with what is new */
	const struct value *oms = value_get(t->v, "milestones"), *otg = value_get(t->v, "targets");
	kids = arena_alloc(r->t, (t->nms + t->ntg + 1) * sizeof *kids);
	for (size_t i = 0; i < t->nms; i++) {
		struct milestone *m = &t->ms[i];
		struct kv kv[] = { { "done", vbool(r, m->done) }, { "due_text", m->due_text },
		                   { "missed", vbool(r, m->missed) } };
		kids[i] = table_merge(r, m->v, kv, 3);
	}
	struct value *ms = array_merge(r, (struct value *)oms, kids, t->nms);
	for (size_t i = 0; i < t->ntg; i++) {
		struct target *g = &t->tg[i];
		struct kv kv[4] = { { "actual", g->has_actual ? vnum(r, g->actual) : NULL } };
		size_t n = 1;
		if (g->has_actual && !nis0(g->target)) {
			double att = ndbl(g->actual) / ndbl(g->target);
			struct num pct = lround_(100 * att), bar = pct;
			if (!nlt(bar, nint(100)))
				bar = nint(100);
			if (!nlt(nint(0), bar))
				bar = nint(0);
			kv[n++] = (struct kv){ "attainment", value_float(a, att, nopos) };
			kv[n++] = (struct kv){ "attainment_pct", vnum(r, pct) };
			kv[n++] = (struct kv){ "bar", vnum(r, bar) };
		} else {
			kv[n++] = (struct kv){ "bar", vnum(r, nint(0)) };
		}
		kids[i] = table_merge(r, g->v, kv, n);
	}
	struct value *tg = array_merge(r, (struct value *)otg, kids, t->ntg);
	struct value *exts = t->nexts ? array_new(r) : empty_array(r);
	for (size_t i = 0; i < t->nexts; i++)
		value_push(a, exts, ext_value(r, t->exts[i]));
	buf_reset(&r->tmp);
	buf_puts(&r->tmp, "initial ");
	buf_puts(&r->tmp, t->init_status);
	buf_putc(&r->tmp, ' ');
	key_num(r, t->init_progress);
	struct key ik = { NULL, 0 };
	struct value *initial = shared_get(r, &ik);
	if (!initial) {
		struct kv init[] = { { "progress", vnum(r, t->init_progress) }, { "status", vcstr(r, t->init_status) } };
		initial = shared_put(r, &ik, table_new(r, init, 2));
	}
	struct kv kv[] = {
		{ "at_risk", vbool(r, t->at_risk) }, { "bulletins", bul }, { "chart", t->chart },
		{ "days_left", t->has_days_left ? vint(r, t->days_left) : NULL },
		{ "due", vdate(r, &t->due) }, { "due_original", vdate(r, &t->due_original) },
		{ "due_original_text", date_text(r, &t->due_original) }, { "due_text", date_text(r, &t->due) },
		{ "extension", t->nexts ? ext_value(r, t->exts[t->nexts - 1]) : NULL },
		{ "extensions", exts },
		{ "expected", t->has_expected ? vnum(r, t->expected) : NULL },
		{ "history", hist }, { "initial", initial }, { "milestones", ms },
		{ "overdue", vbool(r, t->overdue) },
		{ "plan_short", vstr_once(r, &t->plan->sshort, t->plan->short_title) },
		{ "plan_title", vstr_once(r, &t->plan->stitle, t->plan->title) },
		{ "plan_url", vstr_once(r, &t->plan->surl, t->plan->url) },
		{ "progress", vnum(r, t->progress) }, { "rag", vcstr(r, t->rag) },
		{ "rag_text", vcstr(r, label(r, t->rag)) }, { "start_text", date_text(r, &t->start) },
		{ "status", vcstr(r, t->status) }, { "status_text", vcstr(r, label(r, t->status)) },
		{ "targets", tg }, { "weight", vnum(r, t->weight) },
	};
	return table_merge(r, t->v, kv, sizeof kv / sizeof *kv);
}

/* ---- plans ----------------------------------------------------------------------------- */

static int unit_cmp(const void *pa, const void *pb)
{
	const struct unit_group *a = pa, *b = pb;
	size_t n = a->len < b->len ? a->len : b->len;
	int c = memcmp(a->name, b->name, n);
	return c ? c : (a->len > b->len) - (a->len < b->len);
}

/* group_units(tasks): units, lead or supporting, sorted by name, each
 * with the tasks it leads and the tasks it supports. */
static struct unit_group *group_units(struct run *r, struct task **tasks, size_t n, size_t *nout)
{
	struct names idx;
	size_t ng = 0, cap = 0;
	struct unit_group *g = NULL;
	names_init(&idx, 16);
	for (size_t i = 0; i < n; i++) {
		for (int role = 0; role < 2; role++) {
			const struct value *list = role ? tasks[i]->support : tasks[i]->lead;
			for (size_t k = 0; list && k < value_len(list); k++) {
				const struct value *u = value_at(list, k);
				void **hit = names_get(&idx, u->u.str.s, u->u.str.len);
				size_t gi;
				if (hit) {
					gi = (size_t)(uintptr_t)*hit;
				} else {
					g = grow(r->t, g, &cap, ng, sizeof *g);
					gi = ng++;
					memset(&g[gi], 0, sizeof g[gi]);
					g[gi].name = u->u.str.s;
					g[gi].len = u->u.str.len;
					names_put(&idx, u->u.str.s, u->u.str.len, (void *)(uintptr_t)gi);
				}
				struct unit_group *gr = &g[gi];
				if (role) {
					gr->sup = grow(r->t, gr->sup, &gr->capsup, gr->ns, sizeof *gr->sup);
					gr->sup[gr->ns++] = tasks[i];
				} else {
					gr->tasks = grow(r->t, gr->tasks, &gr->cap, gr->n, sizeof *gr->tasks);
					gr->tasks[gr->n++] = tasks[i];
				}
			}
		}
	}
	free(idx.v);
	if (ng)
		qsort(g, ng, sizeof *g, unit_cmp);
	*nout = ng;
	return g;
}

/* ids(tasks): the tasks' ids, in order. */
static struct value *id_list(struct run *r, struct task **tasks, size_t n)
{
	if (!n)
		return empty_array(r);
	struct value *out = array_new(r);
	value_reserve(r->a, out, n);
	for (size_t i = 0; i < n; i++)
		value_push(r->a, out, vstr_once(r, &tasks[i]->sid, tasks[i]->id));
	return out;
}

static const char *unit_url(struct run *r, const char *slug)
{
	return arena_printf(r->a, "units/%s%s", slug, r->index_links ? "/index.html" : "/");
}

static struct value *by_section(struct run *r, struct plan *pl)
{
	size_t nsec = pl->sections ? value_len(pl->sections) : 0;
	size_t cap = nsec + pl->ntasks + 1, norder = 0, ngroups = 0;
	struct group {
		const char *number, *title;
		struct task **tasks;
		size_t n;
	} *groups = arena_alloc(r->t, cap * sizeof *groups);
	const char **order = arena_alloc(r->t, cap * sizeof *order);
	struct names idx;
	names_init(&idx, cap);
	for (size_t i = 0; i < nsec; i++) {
		const struct value *s = value_at(pl->sections, i);
		const char *num = value_get(s, "number")->u.str.s;
		order[norder++] = num;
		struct group *gr = &groups[ngroups++];
		gr->number = num;
		gr->title = value_str(value_get(s, "title"), NULL);
		gr->tasks = arena_alloc(r->t, (pl->ntasks + 1) * sizeof *gr->tasks);
		names_put(&idx, num, strlen(num), gr);
	}
	for (size_t i = 0; i < pl->ntasks; i++) {
		struct task *t = pl->tasks[i];
		if (!t->section)
			continue;
		void **hit = names_get(&idx, t->section, strlen(t->section));
		struct group *gr;
		if (hit) {
			gr = *hit;
		} else {   /* a plan that lists no sections */
			order[norder++] = t->section;
			gr = &groups[ngroups++];
			gr->number = t->section;
			gr->title = "";
			gr->tasks = arena_alloc(r->t, (pl->ntasks + 1) * sizeof *gr->tasks);
			names_put(&idx, t->section, strlen(t->section), gr);
		}
		gr->tasks[gr->n++] = t;
	}
	struct value *out = array_new(r);
	for (size_t i = 0; i < norder; i++) {
		struct group *gr = *names_get(&idx, order[i], strlen(order[i]));
		if (!gr->n)
			continue;
		struct kv kv[] = { { "number", vcstr(r, gr->number) }, { "title", vcstr(r, gr->title) },
		                   { "progress", vnum(r, summary(gr->tasks, gr->n)) },
		                   { "count", vint(r, (int64_t)gr->n) } };
		value_push(r->a, out, table_new(r, kv, 4));
	}
	free(idx.v);
	return out;
}

static int int_cmp(const void *pa, const void *pb)
{
	int64_t a = *(const int64_t *)pa, b = *(const int64_t *)pb;
	return (a > b) - (a < b);
}

static struct value *by_theme(struct run *r, struct plan *pl)
{
	int64_t *years = arena_alloc(r->t, (pl->ntasks + 1) * sizeof *years);
	size_t ny = 0;
	struct value *out = array_new(r);
	if (!pl->themes)
		return out;
	for (size_t i = 0; i < pl->ntasks; i++) {
		struct task *t = pl->tasks[i];
		if (!t->due.s[0])
			continue;
		char key[16];
		snprintf(key, sizeof key, "%d", t->due.y);
		if (!value_get(pl->themes, key))
			continue;
		size_t k = 0;
		while (k < ny && years[k] != t->due.y)
			k++;
		if (k == ny)
			years[ny++] = t->due.y;
	}
	qsort(years, ny, sizeof *years, int_cmp);
	struct task **g = arena_alloc(r->t, (pl->ntasks + 1) * sizeof *g);
	for (size_t k = 0; k < ny; k++) {
		size_t n = 0;
		char key[16];
		snprintf(key, sizeof key, "%lld", (long long)years[k]);
		for (size_t i = 0; i < pl->ntasks; i++)
			if (pl->tasks[i]->due.s[0] && pl->tasks[i]->due.y == years[k])
				g[n++] = pl->tasks[i];
		struct kv kv[] = { { "year", vint(r, years[k]) },
		                   { "theme", vstr(r, value_get(pl->themes, key)) },
		                   { "progress", vnum(r, summary(g, n)) },
		                   { "count", vint(r, (int64_t)n) } };
		value_push(r->a, out, table_new(r, kv, 4));
	}
	return out;
}

/* An item of a list sorted by due day (table.sort there is a stable merge sort). */
struct dated {
	const struct date *due;
	struct value *v;
	const char *month;   /* timeline: the item's "YYYY-MM" */
};

static void stable_sort(struct run *r, struct dated *v, size_t n)
{
	struct dated *tmp = arena_alloc(r->t, (n + 1) * sizeof *tmp);
	for (size_t w = 1; w < n; w *= 2) {
		for (size_t lo = 0; lo < n; lo += 2 * w) {
			size_t mid = lo + w < n ? lo + w : n, hi = lo + 2 * w < n ? lo + 2 * w : n;
			size_t a = lo, b = mid, k = lo;
			while (a < mid || b < hi) {
				if (a < mid && (b >= hi || !(dcmp(v[b].due, v[a].due) < 0)))
					tmp[k++] = v[a++];
				else
					tmp[k++] = v[b++];
			}
		}
		memcpy(v, tmp, n * sizeof *v);
	}
}

static struct value *dated_array(struct run *r, struct dated *v, size_t n)
{
	struct value *out = array_new(r);
	stable_sort(r, v, n);
	value_reserve(r->a, out, n);
	for (size_t i = 0; i < n; i++)
		value_push(r->a, out, v[i].v);
	return out;
}

static void milestone_lists(struct run *r, struct plan *pl, struct kv *soon, struct kv *later, struct kv *missed)
{
	size_t total = 0, ns = 0, nl = 0, nm = 0;
	for (size_t i = 0; i < pl->ntasks; i++)
		total += pl->tasks[i]->nms;
	struct dated *s = arena_alloc(r->t, (total + 1) * sizeof *s), *l = arena_alloc(r->t, (total + 1) * sizeof *l),
	             *m = arena_alloc(r->t, (total + 1) * sizeof *m);
	for (size_t i = 0; i < pl->ntasks; i++) {
		struct task *t = pl->tasks[i];
		if (closed(t->status))
			continue;
		for (size_t k = 0; k < t->nms; k++) {
			struct milestone *ms = &t->ms[k];
			if (ms->done)
				continue;
			int64_t days = ms->due.days - r->as_of.days;
			struct kv kv[] = { { "days", vint(r, days) }, { "due", vdate(r, &ms->due) },
			                   { "due_text", ms->due_text }, { "task", t->ref },
			                   { "what", vstr_once(r, &ms->swhat, ms->what) } };
			struct dated it = { &ms->due, table_new(r, kv, 5), NULL };
			if (days < 0) {
				m[nm++] = it;
			} else {
				if (days <= SOON)
					s[ns++] = it;
				if (days <= LATER)
					l[nl++] = it;
			}
		}
	}
	*soon = (struct kv){ "upcoming_30", dated_array(r, s, ns) };
	*later = (struct kv){ "upcoming_90", dated_array(r, l, nl) };
	*missed = (struct kv){ "missed_milestones", dated_array(r, m, nm) };
}

static struct value *timeline(struct run *r, struct plan *pl)
{
	size_t total = 0, n = 0;
	for (size_t i = 0; i < pl->ntasks; i++)
		total += pl->tasks[i]->nms + 1;
	struct dated *items = arena_alloc(r->t, (total + 1) * sizeof *items);
	for (size_t i = 0; i < pl->ntasks; i++) {
		struct task *t = pl->tasks[i];
		if (strcmp(t->status, "cancelled") == 0)
			continue;
		for (size_t k = 0; k < t->nms; k++) {
			struct milestone *m = &t->ms[k];
			struct kv kv[] = { { "done", vbool(r, m->done) }, { "due", vdate(r, &m->due) },
			                   { "due_text", m->due_text }, { "kind", vcstr(r, "milestone") },
			                   { "title", vstr_once(r, &m->swhat, m->what) }, { "url", vstr_once(r, &t->surl, t->url) } };
			items[n++] = (struct dated){ &m->due, table_new(r, kv, 6), NULL };
		}
		if (t->due.s[0]) {
			struct kv kv[] = { { "done", vbool(r, strcmp(t->status, "done") == 0) }, { "due", vdate(r, &t->due) },
			                   { "due_text", date_text(r, &t->due) }, { "kind", vcstr(r, "task") },
			                   { "title", vstr_once(r, &t->stitle, t->title) }, { "url", vstr_once(r, &t->surl, t->url) } };
			items[n++] = (struct dated){ &t->due, table_new(r, kv, 6), NULL };
		}
	}
	stable_sort(r, items, n);
	struct value *out = array_new(r), *cur_items = NULL;
	const struct date *cur = NULL;
	for (size_t i = 0; i < n; i++) {
		const struct date *d = items[i].due;
		if (!cur || memcmp(cur->s, d->s, 7) != 0) {
			cur = d;
			cur_items = array_new(r);
			struct kv kv[] = { { "month", value_string(r->a, d->s, 7, nopos) },
			                   { "month_text", month_text(r, d->y, d->m) },
			                   { "items", cur_items } };
			value_push(r->a, out, table_new(r, kv, 3));
		}
		value_push(r->a, cur_items, items[i].v);
	}
	return out;
}

static struct value *plan_value(struct run *r, struct plan *pl, struct names *slugs)
{
	struct arena *a = r->a;
	struct num progress = summary(pl->tasks, pl->ntasks);
	struct num expected = nint(0);
	const char *period_text = NULL;
	if (pl->period) {
		int64_t p1 = value_at(pl->period, 0)->u.i, p2 = value_at(pl->period, 1)->u.i;
		struct date from, to;
		if (p1 == p2)
			period_text = r->en ? arena_printf(a, "%lld", (long long)p1) : arena_printf(a, "%lld年", (long long)p1);
		else
			period_text = r->en ? arena_printf(a, "%lld–%lld", (long long)p1, (long long)p2)
			                    : arena_printf(a, "%lld—%lld年", (long long)p1, (long long)p2);
		date_set(&from, (int)p1, 1, 1);
		date_set(&to, (int)p2, 12, 31);
		expected = line_at(&from, &to, &r->as_of);
	}
	int red = 0, amber = 0;
	for (size_t i = 0; i < pl->ntasks; i++) {
		red |= strcmp(pl->tasks[i]->rag, "red") == 0;
		amber |= strcmp(pl->tasks[i]->rag, "amber") == 0;
	}
	const char *rag = red || (pl->period && nlt(progress, nsub(expected, r->margin))) ? "red"
	                  : amber                                                        ? "amber"
	                                                                                 : "green";
	size_t nu;
	struct unit_group *units = group_units(r, pl->tasks, pl->ntasks, &nu);
	struct value *by_unit = array_new(r);
	for (size_t i = 0; i < nu; i++) {
		const char *slug = *names_get(slugs, units[i].name, units[i].len);
		struct unit_group *g = &units[i];
		struct kv kv[] = { { "unit", value_string_ref(a, g->name, g->len, nopos) },
		                   { "slug", vcstr(r, slug) }, { "url", vcstr(r, unit_url(r, slug)) },
		                   { "progress", vnum(r, summary(g->tasks, g->n)) },
		                   { "count", vint(r, (int64_t)g->n) }, { "leads", vbool(r, g->n > 0) },
		                   { "lead_tasks", id_list(r, g->tasks, g->n) },
		                   { "support_progress", vnum(r, summary(g->sup, g->ns)) },
		                   { "support_count", vint(r, (int64_t)g->ns) }, { "supports", vbool(r, g->ns > 0) },
		                   { "support_tasks", id_list(r, g->sup, g->ns) } };
		value_push(a, by_unit, table_new(r, kv, sizeof kv / sizeof *kv));
	}
	struct value *overdue = array_new(r), *at_risk = array_new(r);
	for (size_t i = 0; i < pl->ntasks; i++) {
		if (pl->tasks[i]->overdue)
			value_push(a, overdue, pl->tasks[i]->ref);
		if (pl->tasks[i]->at_risk)
			value_push(a, at_risk, pl->tasks[i]->ref);
	}
	struct value **kids = arena_alloc(r->t, (pl->ntasks + 1) * sizeof *kids);
	for (size_t i = 0; i < pl->ntasks; i++)
		kids[i] = pl->tasks[i]->out;
	struct kv kv[] = {
		{ "tasks", array_merge(r, value_get(pl->v, "tasks"), kids, pl->ntasks) },
		{ "progress", vnum(r, progress) }, { "counts", counts(r, pl->tasks, pl->ntasks) },
		{ "date_text", date_text(r, &pl->date) },
		{ "period_text", vcstr(r, period_text) }, { "expected", pl->period ? vnum(r, expected) : NULL },
		{ "rag", vcstr(r, rag) }, { "rag_text", vcstr(r, label(r, rag)) },
		{ "by_section", by_section(r, pl) }, { "by_unit", by_unit }, { "by_theme", by_theme(r, pl) },
		{ "overdue", overdue }, { "at_risk", at_risk },
		{ NULL, NULL }, { NULL, NULL }, { NULL, NULL },   /* the milestone lists */
		{ "timeline", timeline(r, pl) },
	};
	milestone_lists(r, pl, &kv[13], &kv[14], &kv[15]);
	return table_merge(r, pl->v, kv, sizeof kv / sizeof *kv);
}

/* ---- units ----------------------------------------------------------------------------- */

/* The tasks' refs, in order (a new list, as Lua makes one per unit). */
static struct value *ref_list(struct run *r, struct task **tasks, size_t n)
{
	struct value *out = array_new(r);
	value_reserve(r->a, out, n);
	for (size_t i = 0; i < n; i++)
		value_push(r->a, out, tasks[i]->ref);
	return out;
}

/* due_soon(g): g's open tasks, led then supported, due within SOON days of
 * as_of, sorted by due. */
static struct value *due_soon(struct run *r, struct unit_group *g)
{
	struct dated *v = arena_alloc(r->t, (g->n + g->ns + 1) * sizeof *v);
	size_t n = 0;
	for (int role = 0; role < 2; role++) {
		struct task **list = role ? g->sup : g->tasks;
		size_t len = role ? g->ns : g->n;
		const char *word = role ? "support" : "lead";
		for (size_t i = 0; i < len; i++) {
			struct task *t = list[i];
			if (!t->due.s[0] || closed(t->status) || t->days_left < 0 || t->days_left > SOON)
				continue;
			struct kv kv[] = { { "days", vint(r, t->days_left) }, { "due", vdate(r, &t->due) },
			                   { "due_text", date_text(r, &t->due) }, { "role", vcstr(r, word) },
			                   { "role_text", vcstr(r, label(r, word)) }, { "task", t->ref } };
			v[n++] = (struct dated){ &t->due, table_new(r, kv, sizeof kv / sizeof *kv), NULL };
		}
	}
	return dated_array(r, v, n);
}

/* ---- the hook ---------------------------------------------------------------------------- */

static struct value *update_value(struct run *r, struct update *u)
{
	if (!u->t)
		return u->v;
	struct task *t = u->t;
	struct kv kv[] = {
		{ "task_number", vstr_once(r, &t->snumber, t->number) }, { "task_title", vstr_once(r, &t->stitle, t->title) },
		{ "task_url", vstr_once(r, &t->surl, t->url) }, { "previous_progress", vnum(r, u->prev_progress) },
		{ "previous_status", vcstr(r, u->prev_status) },
		{ "previous_status_text", vcstr(r, label(r, u->prev_status)) },
		{ "progress", vnum(r, u->new_progress) }, { "status", vcstr(r, u->new_status) },
		{ "status_text", vcstr(r, label(r, u->new_status)) }, { "extended", ext_value(r, u->ext) },
	};
	return table_merge(r, u->v, kv, sizeof kv / sizeof *kv);
}

static struct value *bulletin_value(struct run *r, struct bulletin *b)
{
	struct value **kids = arena_alloc(r->t, (b->nups + 1) * sizeof *kids);
	struct value *ups = value_get(b->v, "updates");
	for (size_t i = 0; i < b->nups; i++)
		kids[i] = update_value(r, &b->ups[i]);
	struct kv kv[] = { { "date_text", b->date_text },
	                   { "updates", ups ? array_merge(r, ups, kids, b->nups) : NULL } };
	return table_merge(r, b->v, kv, 2);
}

static int read_site(struct run *r, const struct value *site)
{
	const struct value *lang = value_get(site, "language"), *as_of = value_get(site, "as_of");
	const char *code = r->o->language ? r->o->language : "zh-CN";
	if (lang && lang->kind != V_STRING)
		return 0;
	if (lang)
		code = lang->u.str.s;
	r->en = strncmp(code, "en", 2) == 0;
	if (as_of) {
		if (!date_of(as_of, &r->as_of))
			return 0;
	} else {
		const struct datetime *d = &r->o->as_of;
		if (d->year < 1000 || d->year > 9999 || !datetime_valid_date(d->year, d->month, d->day))
			return 0;
		date_set(&r->as_of, d->year, d->month, d->day);
	}
	const struct value *params = value_get(site, "params");
	const struct value *m = params ? value_get(params, "at_risk_margin") : NULL;
	if (params && params->kind != V_TABLE)
		return 0;
	r->margin = nint(DEFAULT_MARGIN);
	if (m) {
		struct num n;
		if (!num_of(m, &n) || nlt(n, nint(0)) || nlt(nint(100), n))
			warn(r, NULL, 2, arena_printf(r->t, _("params.at_risk_margin must be a number of percentage "
			                                      "points 0..100; using %d"), DEFAULT_MARGIN));
		else
			r->margin = n;
	}
	return read_plans(r, value_get(site, "plans")) && read_bulletins(r, value_get(site, "bulletins"));
}

static int compute(struct run *r, struct value *site, struct value **out)
{
	struct arena *a = r->a;
	struct date first_bulletin = { .s = "" };
	struct names by_id, slugs, used;
	for (size_t i = 0; i < r->nbuls; i++) {
		if (dcmp(&r->buls[i].date, &r->as_of) <= 0) {
			first_bulletin = r->buls[i].date;
			break;
		}
	}
	size_t ntasks = 0;
	for (size_t i = 0; i < r->nplans; i++)
		ntasks += r->plans[i].ntasks;
	r->all = arena_alloc(r->t, (ntasks + 1) * sizeof *r->all);
	names_init(&by_id, ntasks);
	for (size_t i = 0; i < r->nplans; i++) {
		for (size_t k = 0; k < r->plans[i].ntasks; k++) {
			struct task *t = r->plans[i].tasks[k];
			names_put(&by_id, t->id->u.str.s, t->id->u.str.len, t);
			r->all[r->nall++] = t;
		}
	}
	apply_bulletins(r, &by_id);
	free(by_id.v);
	/* Every warning is made by now. The sandbox stops a hook that prints
	 * more than this: let it (the site untouched). From here on nothing
	 * fails, and the tables that came in change in place. */
	if (r->nwarns > SANDBOX_MAX_MESSAGES || r->warn_bytes > SANDBOX_MAX_MESSAGE_BYTES)
		return 0;
	r->in_place = 1;

	r->index_links = 1;
	if (r->nplans && r->plans[0].url) {
		const struct value *u = r->plans[0].url;
		r->index_links = u->u.str.len >= 10 && memcmp(u->u.str.s + u->u.str.len - 10, "index.html", 10) == 0;
	}
	r->units = group_units(r, r->all, r->nall, &r->nunits);
	names_init(&slugs, r->nunits);
	names_init(&used, r->nunits);
	for (size_t i = 0; i < r->nunits; i++) {
		struct unit_group *g = &r->units[i];
		buf_reset(&r->tmp);
		markdown_slug(g->name, g->len, &r->tmp);
		const char *base = r->tmp.len ? arena_strndup(a, r->tmp.data, r->tmp.len) : "unit";
		const char *s = base;
		for (int k = 1; names_get(&used, s, strlen(s)); )
			s = arena_printf(a, "%s-%d", base, ++k);
		names_put(&used, s, strlen(s), NULL);
		names_put(&slugs, g->name, g->len, (void *)s);
		g->slug = s;
	}
	free(used.v);

	struct value **plans = arena_alloc(r->t, (r->nplans + 1) * sizeof *plans);
	for (size_t i = 0; i < r->nplans; i++) {
		struct plan *pl = &r->plans[i];
		for (size_t k = 0; k < pl->ntasks; k++) {
			struct task *t = pl->tasks[k];
			/* the first point: the task's start, else the plan's date, else the first news */
			struct date d = t->start.s[0] ? t->start : pl->date.s[0] ? pl->date
			                                : first_bulletin.s[0]   ? first_bulletin
			                                                         : r->as_of;
			if (t->nhist && dcmp(&t->hist[0].date, &d) < 0)
				d = t->hist[0].date;
			struct point p = { .date = d, .date_text = date_text(r, &d), .progress = t->init_progress,
			                   .status = t->init_status };
			if (!t->caphist) {   /* no news: room for this point only */
				t->hist = arena_alloc(r->t, sizeof *t->hist);
				t->caphist = 1;
			}
			push_point(r, t, &p);
			memmove(t->hist + 1, t->hist, (t->nhist - 1) * sizeof *t->hist);
			t->hist[0] = p;
			finish_task(r, t);
			t->ref = task_ref(r, t);
			t->out = task_value(r, t);
		}
		plans[i] = plan_value(r, pl, &slugs);
	}

	struct value *units = array_new(r);
	for (size_t i = 0; i < r->nunits; i++) {
		struct unit_group *g = &r->units[i];
		struct kv kv[] = { { "name", value_string_ref(a, g->name, g->len, nopos) },
		                   { "slug", vcstr(r, g->slug) }, { "url", vcstr(r, unit_url(r, g->slug)) },
		                   { "tasks", ref_list(r, g->tasks, g->n) }, { "progress", vnum(r, summary(g->tasks, g->n)) },
		                   { "counts", counts(r, g->tasks, g->n) }, { "leads", vbool(r, g->n > 0) },
		                   { "support_tasks", ref_list(r, g->sup, g->ns) },
		                   { "support_progress", vnum(r, summary(g->sup, g->ns)) },
		                   { "support_counts", counts(r, g->sup, g->ns) }, { "supports", vbool(r, g->ns > 0) },
		                   { "due_soon", due_soon(r, g) } };
		value_push(a, units, table_new(r, kv, sizeof kv / sizeof *kv));
	}
	free(slugs.v);
	struct value *overdue = array_new(r);
	for (size_t i = 0; i < r->nall; i++)
		if (r->all[i]->overdue)
			value_push(a, overdue, r->all[i]->ref);
	struct value *latest = array_new(r);
	for (size_t i = r->nbuls; i-- > 0;) {
		struct bulletin *b = &r->buls[i];
		if (dcmp(&b->date, &r->as_of) <= 0 && value_len(latest) < LATEST_BULLETINS) {
			struct kv kv[] = { { "date", vdate(r, &b->date) }, { "date_text", b->date_text },
			                   { "title", vstr_once(r, &b->stitle, b->title) }, { "url", vstr_once(r, &b->surl, b->url) },
			                   { "unit", vstr(r, b->unit) } };
			value_push(a, latest, table_new(r, kv, 5));
		}
	}
	struct value **buls = arena_alloc(r->t, (r->nbuls + 1) * sizeof *buls);
	for (size_t i = 0; i < r->nbuls; i++)
		buls[i] = bulletin_value(r, &r->buls[i]);
	struct value *oplans = value_get(site, "plans"), *obuls = value_get(site, "bulletins");
	/* `site.plans or {}` and `site.bulletins or {}` read without storing */
	struct kv kv[] = {
		{ "plans", oplans ? array_merge(r, oplans, plans, r->nplans) : NULL },
		{ "bulletins", obuls ? array_merge(r, obuls, buls, r->nbuls) : NULL },
		{ "units", units }, { "overdue", overdue }, { "latest_bulletins", latest },
	};
	*out = table_merge(r, site, kv, sizeof kv / sizeof *kv);
	return 1;
}

int progress_on_site(struct arena *a, struct value *site, const struct progress_opts *o, struct diags *d)
{
	struct run r = { .a = a, .o = o, .tmp = BUF_INIT };
	struct value *out = NULL;
	int rc = 1;
	if (!site || site->kind != V_TABLE)
		return 1;
	r.t = arena_new();
	names_init(&r.strs, 64);
	names_init(&r.days, 64);
	names_init(&r.tables, 64);
	r.fmt_lang = lang_from_code(o->language ? o->language : "zh-CN");
	if (!read_site(&r, site) || !compute(&r, site, &out))
		goto out;
	for (size_t i = 0; i < r.nwarns; i++)
		diag_add(d, DIAG_WARNING, r.warns[i].path, r.warns[i].line, r.warns[i].col, NULL, 0, "%s",
		         r.warns[i].msg);
	if (out != site)
		*site = *out;
	rc = 0;
out:
	buf_free(&r.tmp);
	free(r.strs.v);
	free(r.days.v);
	free(r.tables.v);
	arena_free(r.t);
	return rc;
}
