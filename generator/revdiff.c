/* revdiff.c: two revisions of a built site compared by what a reader sees. */
#include "revdiff.h"

#include <stdlib.h>
#include <string.h>

#include "json.h"
#include "utf8.h"
#include "xalloc.h"

/* A commit message names at most this many pages and tasks one by one; past
 * that a count says how many more (a theme change touches every page). */
#define REVDIFF_MESSAGE_PAGES 20
#define REVDIFF_MESSAGE_TASKS 50

static int has_suffix(const char *s, const char *suf)
{
	size_t n = strlen(s), k = strlen(suf);
	return n >= k && strcmp(s + n - k, suf) == 0;
}

static int is_page(const char *path)
{
	return has_suffix(path, ".html");
}

static const char *page_url(struct arena *a, const char *path)
{
	size_t n = strlen(path);
	if (strcmp(path, "index.html") == 0)
		return "/";
	if (has_suffix(path, "/index.html"))
		return arena_strndup(a, path, n - strlen("index.html"));
	return path;
}

/* ---- HTML to text -------------------------------------------------------------- */

static int starts_ci(const char *s, size_t len, const char *w)
{
	size_t k = strlen(w);
	if (len < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if (ASCII_LOWER((unsigned char)s[i]) != w[i])
			return 0;
	return 1;
}

static const char *find_ci(const char *s, size_t len, const char *w)
{
	for (size_t i = 0; i < len; i++)
		if (starts_ci(s + i, len - i, w))
			return s + i;
	return NULL;
}

/* Decodes the entity at s (s[0] == '&'); returns bytes consumed, or 0 when it is none. */
static size_t entity(const char *s, size_t len, struct buf *out)
{
	static const struct { const char *name; const char *text; } named[] = {
		{ "&amp;", "&" }, { "&lt;", "<" }, { "&gt;", ">" }, { "&quot;", "\"" },
		{ "&apos;", "'" }, { "&nbsp;", " " },
	};
	for (size_t i = 0; i < sizeof named / sizeof named[0]; i++)
		if (starts_ci(s, len, named[i].name)) {
			buf_puts(out, named[i].text);
			return strlen(named[i].name);
		}
	if (len < 4 || s[1] != '#')
		return 0;
	size_t i = 2;
	int hex = s[i] == 'x' || s[i] == 'X';
	i += (size_t)hex;
	uint32_t cp = 0;
	size_t digits = 0;
	for (; i < len && digits < 8; i++, digits++) {
		unsigned char c = (unsigned char)s[i];
		if (IS_ASCII_DIGIT(c))
			cp = cp * (hex ? 16 : 10) + (c - '0');
		else if (hex && ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'))
			cp = cp * 16 + ((c | 0x20) - 'a' + 10);
		else
			break;
	}
	if (!digits || i >= len || s[i] != ';' || cp == 0 || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
		return 0;
	char enc[4];
	buf_put(out, enc, utf8_encode(cp, enc));
	return i + 1;
}

/* Appends text with spaces collapsed, dropping space at a line start. */
static void put_text(struct buf *out, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		char c = s[i];
		if (c == '\r' || c == '\t' || c == ' ') {
			if (out->len && out->data[out->len - 1] != ' ' && out->data[out->len - 1] != '\n')
				buf_putc(out, ' ');
		} else {
			buf_putc(out, c);
		}
	}
}

static void end_line(struct buf *out)
{
	while (out->len && out->data[out->len - 1] == ' ')
		out->len--;
	if (out->len && out->data[out->len - 1] != '\n')
		buf_putc(out, '\n');
}

const char *revdiff_page_text(struct arena *a, const char *html, size_t len, size_t *outlen)
{
	struct buf out = BUF_INIT;
	size_t i = 0;
	while (i < len) {
		char c = html[i];
		if (c == '<') {
			const char *rest = html + i;
			size_t rlen = len - i;
			const char *skip_to = NULL;
			if (starts_ci(rest, rlen, "<!--"))
				skip_to = "-->";
			else if (starts_ci(rest, rlen, "<script"))
				skip_to = "</script>";
			else if (starts_ci(rest, rlen, "<style"))
				skip_to = "</style>";
			else if (starts_ci(rest, rlen, "<title"))
				skip_to = "</title>";
			if (skip_to) {
				const char *e = find_ci(rest, rlen, skip_to);
				i = e ? (size_t)(e - html) + strlen(skip_to) : len;
				continue;
			}
			const char *gt = memchr(rest, '>', rlen);
			if (!gt)
				break;
			/* A line break or a paragraph boundary inside a line separates text. */
			if (starts_ci(rest, rlen, "<br") || starts_ci(rest, rlen, "</p") ||
			    starts_ci(rest, rlen, "</li") || starts_ci(rest, rlen, "</td") ||
			    starts_ci(rest, rlen, "</th"))
				put_text(&out, " ", 1);
			i = (size_t)(gt - html) + 1;
		} else if (c == '&') {
			struct buf e = BUF_INIT;
			size_t n = entity(html + i, len - i, &e);
			put_text(&out, n ? e.data : "&", n ? e.len : 1);
			buf_free(&e);
			i += n ? n : 1;
		} else if (c == '\n') {
			end_line(&out);
			i++;
		} else {
			size_t j = i;
			while (j < len && html[j] != '<' && html[j] != '&' && html[j] != '\n')
				j++;
			put_text(&out, html + i, j - i);
			i = j;
		}
	}
	end_line(&out);
	*outlen = out.len;
	const char *r = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return r;
}

static const char *page_title(struct arena *a, const char *html, size_t len)
{
	const char *t = find_ci(html, len, "<title");
	if (!t)
		return "";
	const char *gt = memchr(t, '>', len - (size_t)(t - html));
	if (!gt)
		return "";
	const char *e = find_ci(gt, len - (size_t)(gt - html), "</title>");
	if (!e)
		return "";
	struct buf out = BUF_INIT;
	for (const char *p = gt + 1; p < e;) {
		size_t n = *p == '&' ? entity(p, (size_t)(e - p), &out) : 0;
		if (n) {
			p += n;
		} else {
			put_text(&out, p, 1);
			p++;
		}
	}
	end_line(&out);
	while (out.len && out.data[out.len - 1] == '\n')
		out.len--;
	const char *r = arena_strndup(a, out.data ? out.data : "", out.len);
	buf_free(&out);
	return r;
}

/* ---- tasks --------------------------------------------------------------------- */

static const struct { const char *key, *zh, *en; } statuses[] = {
	{ "not_started", "未开始", "not started" },
	{ "in_progress", "进行中", "in progress" },
	{ "done", "已完成", "done" },
	{ "delayed", "已延期", "delayed" },
	{ "cancelled", "已取消", "cancelled" },
};

const char *revdiff_status_word(const char *status, enum lang l)
{
	if (!status)
		return "";
	for (size_t i = 0; i < sizeof statuses / sizeof statuses[0]; i++)
		if (strcmp(status, statuses[i].key) == 0)
			return l == LANG_EN ? statuses[i].en : statuses[i].zh;
	return status;
}

struct tasklist {
	struct value **v;
	size_t n;
	const char *as_of;
};

/* "plan/2" before "plan/10": the plan by bytes, then the number part by part. */
static int cmp_ids(const char *a, const char *b)
{
	const char *sa = strrchr(a, '/'), *sb = strrchr(b, '/');
	size_t pa = sa ? (size_t)(sa - a) : 0, pb = sb ? (size_t)(sb - b) : 0;
	int c = strncmp(a, b, pa < pb ? pa : pb);
	if (c || pa != pb)
		return c ? c : (pa < pb ? -1 : 1);
	return value_cmp_numbered(a + pa + (sa != NULL), b + pb + (sb != NULL));
}

static int cmp_task(const void *x, const void *y)
{
	const struct value *a = *(struct value *const *)x, *b = *(struct value *const *)y;
	return cmp_ids(value_str(value_get(a, "id"), ""), value_str(value_get(b, "id"), ""));
}

static const char *lead_text(struct arena *a, const struct value *t, const char *key)
{
	const struct value *l = value_get(t, key);
	if (value_is(l, V_STRING))
		return l->u.str.s;
	if (!value_is(l, V_ARRAY))
		return NULL;
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < value_len(l); i++) {
		if (i)
			buf_puts(&b, "、");
		value_to_text(value_at(l, i), &b);
	}
	const char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* The tasks of one side's data/tasks.json (data, len; f NULL: none), parsed whole. */
static void read_tasks(struct arena *a, int side, const struct revdiff_file *f, const char *data, size_t len,
                       struct tasklist *tl, struct diags *d)
{
	memset(tl, 0, sizeof *tl);
	if (!f)
		return;
	struct diags quiet;
	diags_init(&quiet);
	struct value *root = json_parse(a, f->path, data, len, &quiet);
	if (!root && quiet.n)
		diag_add(d, DIAG_WARNING, f->path, quiet.v[0].line, quiet.v[0].col, NULL, 0,
		         "task data of the %s revision left out: %s", side ? "new" : "old", quiet.v[0].msg);
	diags_free(&quiet);
	struct value *tasks = value_get(root, "tasks");
	tl->as_of = value_str(value_get(root, "as_of"), NULL);
	if (!value_is(tasks, V_ARRAY))
		return;
	tl->v = arena_alloc(a, (value_len(tasks) + 1) * sizeof *tl->v);
	for (size_t i = 0; i < value_len(tasks); i++)
		if (value_is(value_get(value_at(tasks, i), "id"), V_STRING))
			tl->v[tl->n++] = value_at(tasks, i);
	qsort(tl->v, tl->n, sizeof *tl->v, cmp_task);
}

static const char *opt_str(const struct value *t, const char *key)
{
	const struct value *v = value_get(t, key);
	return value_is(v, V_STRING) ? v->u.str.s : NULL;
}

static int64_t opt_progress(const struct value *t)
{
	const struct value *v = value_get(t, "progress");
	if (value_is(v, V_INT))
		return v->u.i;
	if (value_is(v, V_FLOAT))
		return (int64_t)v->u.f;
	return -1;
}

static int str_differs(const char *x, const char *y)
{
	return (x == NULL) != (y == NULL) || (x && strcmp(x, y) != 0);
}

static void fill_task(struct arena *a, struct revdiff_task *t, int side, const struct value *v)
{
	if (!v) {
		t->progress[side] = -1;
		return;
	}
	t->id = opt_str(v, "id");
	t->plan = opt_str(v, "plan");
	t->number = opt_str(v, "number");
	if (side == 1 || !t->title)
		t->title = opt_str(v, "title");
	t->progress[side] = opt_progress(v);
	t->status[side] = opt_str(v, "status");
	t->due[side] = opt_str(v, "due");
	t->lead[side] = lead_text(a, v, "lead");
	t->support[side] = lead_text(a, v, "support");
	if (side == 1 || !t->url)
		t->url = opt_str(v, "url");
	const struct value *ms = value_get(v, "milestones");
	for (size_t i = 0; value_is(ms, V_ARRAY) && i < value_len(ms); i++) {
		t->ms_total[side]++;
		t->ms_done[side] += value_is(value_get(value_at(ms, i), "done"), V_BOOL) &&
		                    value_get(value_at(ms, i), "done")->u.b;
	}
}

static int ms_done(const struct value *m)
{
	const struct value *d = value_get(m, "done");
	return value_is(d, V_BOOL) && d->u.b;
}

/* The item of list whose key is the string s, or NULL. */
static const struct value *find_by(const struct value *list, const char *key, const char *s)
{
	for (size_t i = 0; value_is(list, V_ARRAY) && i < value_len(list); i++)
		if (s && strcmp(value_str(value_get(value_at(list, i), key), ""), s) == 0)
			return value_at(list, i);
	return NULL;
}

static const char *actual_text(struct arena *a, const struct value *target)
{
	const struct value *v = value_get(target, "actual");
	if (!v || value_is(v, V_NULL))
		return NULL;
	struct buf b = BUF_INIT;
	value_to_text(v, &b);
	const char *r = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	return r;
}

/* Milestones done in nv and not in ov, and targets whose actual value
 * differs (by metric, in nv's order, then those only ov has). */
static void task_details(struct arena *a, struct revdiff_task *t, const struct value *ov, const struct value *nv)
{
	const struct value *om = value_get(ov, "milestones"), *nm = value_get(nv, "milestones");
	size_t n = value_is(nm, V_ARRAY) ? value_len(nm) : 0;
	t->ms_new = arena_alloc(a, (n + 1) * sizeof *t->ms_new);
	for (size_t i = 0; i < n; i++) {
		const struct value *m = value_at(nm, i);
		const char *what = value_str(value_get(m, "what"), NULL);
		const struct value *was = find_by(om, "what", what);
		if (what && ms_done(m) && ov && !(was && ms_done(was)))
			t->ms_new[t->nms_new++] = what;
	}
	const struct value *ot = value_get(ov, "targets"), *nt = value_get(nv, "targets");
	size_t no = value_is(ot, V_ARRAY) ? value_len(ot) : 0, nn = value_is(nt, V_ARRAY) ? value_len(nt) : 0;
	t->actuals = arena_alloc(a, (no + nn + 1) * sizeof *t->actuals);
	if (!ov || !nv)
		return;
	for (int side = 1; side >= 0; side--) {
		const struct value *list = side ? nt : ot, *other = side ? ot : nt;
		for (size_t i = 0; value_is(list, V_ARRAY) && i < value_len(list); i++) {
			const struct value *x = value_at(list, i);
			const char *metric = value_str(value_get(x, "metric"), NULL);
			const struct value *y = find_by(other, "metric", metric);
			if (!metric || (side == 0 && y))
				continue;   /* both sides' metric: seen from the new side */
			const char *v[2];
			v[side] = actual_text(a, x);
			v[!side] = y ? actual_text(a, y) : NULL;
			if (!str_differs(v[0], v[1]))
				continue;
			const char *unit = value_str(value_get(x, "unit"), NULL);
			t->actuals[t->nactuals++] = (struct revdiff_actual){ metric, unit, { v[0], v[1] } };
		}
	}
}

/* ---- derived numbers ----------------------------------------------------------- */

/* The numbers that changed in the task and plan data, as "old\x1fnew"
 * (each as value_to_text writes it): a page's number that changed the same
 * way is a figure derived from that data (NULL set: none collected). */
struct pairs {
	const char **v;
	size_t n, cap;
	int sorted;
};

static void pairs_push(struct arena *a, struct pairs *ps, const char *s);
static void collect_labels(struct arena *a, struct pairs *ps, const char *mark, const struct value *v);

static void pairs_add(struct arena *a, struct pairs *ps, const struct value *x, const struct value *y)
{
	struct buf b = BUF_INIT;
	value_to_text(x, &b);
	buf_putc(&b, '\x1f');
	value_to_text(y, &b);
	pairs_push(a, ps, arena_strndup(a, b.data, b.len));
	buf_free(&b);
}

static int is_num(const struct value *v)
{
	return value_is(v, V_INT) || value_is(v, V_FLOAT);
}

static void pairs_push(struct arena *a, struct pairs *ps, const char *s)
{
	if (ps->n == ps->cap) {
		size_t cap = ps->cap ? 2 * ps->cap : 64;
		ps->v = arena_realloc(a, ps->v, ps->cap * sizeof *ps->v, cap * sizeof *ps->v);
		ps->cap = cap;
	}
	ps->v[ps->n++] = s;
	ps->sorted = 0;
}

/* The strings of a removed ("\x1d") or added ("\x1e") item, one level deep. */
static void collect_labels(struct arena *a, struct pairs *ps, const char *mark, const struct value *v)
{
	if (value_is(v, V_STRING)) {
		pairs_push(a, ps, arena_printf(a, "%s%s", mark, v->u.str.s));
		return;
	}
	for (size_t i = 0; value_is(v, V_TABLE) && i < value_len(v); i++)
		if (value_is(value_pair_val(value_pair_at(v, i)), V_STRING))
			pairs_push(a, ps, arena_printf(a, "%s%s", mark, value_pair_val(value_pair_at(v, i))->u.str.s));
}

/* Walks x and y side by side (tables by key, lists by index), adding each
 * number that differs. Nesting is that of the data files (a few levels). */
static void collect_pairs(struct arena *a, struct pairs *ps, const struct value *x, const struct value *y)
{
	if (!ps || !x || !y)
		return;
	if (is_num(x) && is_num(y)) {
		double dx = value_is(x, V_INT) ? (double)x->u.i : x->u.f, dy = value_is(y, V_INT) ? (double)y->u.i : y->u.f;
		if (dx != dy)
			pairs_add(a, ps, x, y);
	} else if (value_is(x, V_TABLE) && value_is(y, V_TABLE)) {
		for (size_t i = 0; i < value_len(x); i++) {
			const struct value_pair *kv = value_pair_at(x, i);
			collect_pairs(a, ps, value_pair_val(kv), value_get(y, kv->key));
		}
	} else if (value_is(x, V_ARRAY) && value_is(y, V_ARRAY)) {
		for (size_t i = 0; i < value_len(x) && i < value_len(y); i++)
			collect_pairs(a, ps, value_at(x, i), value_at(y, i));
		/* Items one side has past the other's end: their labels (a chart's new tick). */
		for (size_t i = value_len(y); i < value_len(x); i++)
			collect_labels(a, ps, "\x1d", value_at(x, i));
		for (size_t i = value_len(x); i < value_len(y); i++)
			collect_labels(a, ps, "\x1e", value_at(y, i));
	}
}

static int cmp_cstr(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

static int pairs_find(struct pairs *ps, const char *key)
{
	if (!ps || !ps->n)
		return 0;
	if (!ps->sorted) {
		qsort(ps->v, ps->n, sizeof *ps->v, cmp_cstr);
		ps->sorted = 1;
	}
	return bsearch(&key, ps->v, ps->n, sizeof *ps->v, cmp_cstr) != NULL;
}

/* Whether a number token changed from x to y as some number of the data did. */
static int pairs_has(struct pairs *ps, const char *x, size_t xl, const char *y, size_t yl)
{
	/* The token's number: its digits and decimal point ("1,312" is 1312, "75%" 75). */
	struct buf k = BUF_INIT;
	for (int side = 0; side < 2; side++) {
		const char *s = side ? y : x;
		size_t n = side ? yl : xl;
		if (side)
			buf_putc(&k, '\x1f');
		for (size_t i = 0; i < n && (IS_ASCII_DIGIT((unsigned char)s[i]) || s[i] == '.' || s[i] == ','); i++)
			if (s[i] != ',')
				buf_putc(&k, s[i]);
	}
	int found = pairs_find(ps, buf_cstr(&k));
	buf_free(&k);
	return found;
}

static void compare_tasks(struct arena *a, const struct tasklist *o, const struct tasklist *n,
                          struct revdiff *r, struct pairs *ps)
{
	r->tasks = arena_alloc(a, (o->n + n->n + 1) * sizeof *r->tasks);
	const char *plan = NULL;
	size_t i = 0, j = 0;
	while (i < o->n || j < n->n) {
		int c = i == o->n ? 1 : j == n->n ? -1 : cmp_task(&o->v[i], &n->v[j]);
		struct revdiff_task t = { 0 };
		const struct value *ov = c <= 0 ? o->v[i] : NULL, *nv = c >= 0 ? n->v[j] : NULL;
		i += c <= 0;
		j += c >= 0;
		fill_task(a, &t, 0, ov);
		fill_task(a, &t, 1, nv);
		/* the new side's last extension is new and is what its due is */
		const struct value *ext[2] = { value_get(ov, "extension"), value_get(nv, "extension") };
		const char *ext_due[2] = { opt_str(ext[0], "due"), opt_str(ext[1], "due") };
		if (ext_due[1] && str_differs(ext_due[0], ext_due[1]) && !str_differs(ext_due[1], t.due[1])) {
			const char *why = opt_str(ext[1], "reason");
			t.reason = why ? why : "";
		}
		task_details(a, &t, ov, nv);
		collect_pairs(a, ps, ov, nv);
		t.change = !ov ? REVDIFF_ADDED : !nv ? REVDIFF_REMOVED : REVDIFF_CHANGED;
		if (t.plan) {
			if (plan && strcmp(plan, t.plan) != 0)
				r->multi_plan = 1;
			plan = t.plan;
		}
		if (t.change == REVDIFF_CHANGED) {
			const char *ot = opt_str(ov, "title");
			if (t.progress[0] == t.progress[1] && !str_differs(t.status[0], t.status[1]) &&
			    !str_differs(t.due[0], t.due[1]) && !str_differs(t.lead[0], t.lead[1]) &&
			    !str_differs(t.support[0], t.support[1]) && !t.nms_new && !t.nactuals &&
			    t.ms_done[0] == t.ms_done[1] && t.ms_total[0] == t.ms_total[1] &&
			    !str_differs(ot, t.title))
				continue;
		}
		r->tasks[r->ntasks++] = t;
	}
}

static void field(struct buf *out, int *first, enum lang l, const char *name, const char *from, const char *to);

/* ---- plans --------------------------------------------------------------------- */

static const struct { const char *key, *zh, *en; } count_names[REVDIFF_NCOUNTS] = {
	{ "total", "任务总数", "tasks" },
	{ "done", "已完成", "done" },
	{ "in_progress", "进行中", "in progress" },
	{ "not_started", "未开始", "not started" },
	{ "delayed", "已延期", "delayed" },
	{ "cancelled", "已取消", "cancelled" },
	{ "overdue", "逾期", "overdue" },
	{ "at_risk", "进度滞后", "at risk" },
};

/* The plans of one side's data/plans.json (NULL data: none); n set. */
static const struct value *read_plans(struct arena *a, const struct revdiff_file *f, const char *data, size_t len)
{
	if (!f || !data)
		return NULL;
	struct diags quiet;
	diags_init(&quiet);
	struct value *root = json_parse(a, f->path, data, len, &quiet);
	diags_free(&quiet);
	const struct value *plans = value_get(root, "plans");
	return value_is(plans, V_ARRAY) ? plans : NULL;
}

static void fill_plan(struct revdiff_plan *p, int side, const struct value *v)
{
	p->progress[side] = v ? opt_progress(v) : -1;
	const struct value *c = value_get(v, "counts");
	for (int k = 0; k < REVDIFF_NCOUNTS; k++) {
		const struct value *x = value_get(c, count_names[k].key);
		p->counts[side][k] = value_is(x, V_INT) ? x->u.i : -1;
	}
	if (!v)
		return;
	if (side == 1 || !p->id) {
		p->id = opt_str(v, "id");
		p->title = opt_str(v, "title");
		p->url = opt_str(v, "url");
	}
}

/* The plans whose progress or counts differ, in the new side's order, then
 * those removed. */
static void compare_plans(struct arena *a, const struct value *o, const struct value *n, struct revdiff *r)
{
	size_t no = o ? value_len(o) : 0, nn = n ? value_len(n) : 0;
	r->plans = arena_alloc(a, (no + nn + 1) * sizeof *r->plans);
	for (int pass = 0; pass < 2; pass++) {
		const struct value *list = pass ? o : n, *other = pass ? n : o;
		for (size_t i = 0; list && i < value_len(list); i++) {
			const struct value *x = value_at(list, i);
			const struct value *y = find_by(other, "id", opt_str(x, "id"));
			if (!opt_str(x, "id") || (pass && y))
				continue;
			struct revdiff_plan p = { 0 };
			fill_plan(&p, 0, pass ? x : y);
			fill_plan(&p, 1, pass ? NULL : x);
			p.change = pass ? REVDIFF_REMOVED : y ? REVDIFF_CHANGED : REVDIFF_ADDED;
			if (p.change == REVDIFF_CHANGED && p.progress[0] == p.progress[1] &&
			    memcmp(p.counts[0], p.counts[1], sizeof p.counts[0]) == 0)
				continue;
			r->plans[r->nplans++] = p;
		}
	}
}

const char *revdiff_count_word(int k, enum lang l)
{
	return l == LANG_EN ? count_names[k].en : count_names[k].zh;
}

const char *revdiff_count_key(int k)
{
	return count_names[k].key;
}

void revdiff_plan_words(const struct revdiff_plan *p, enum lang l, struct buf *out)
{
	int en = l == LANG_EN, first = 1;
	buf_puts(out, p->title ? p->title : p->id ? p->id : "");
	if (p->change != REVDIFF_CHANGED) {
		buf_puts(out, p->change == REVDIFF_ADDED ? (en ? ": added" : "：新增") : (en ? ": removed" : "：删除"));
		return;
	}
	char a[32] = "—", b[32] = "—";
	if (p->progress[0] >= 0)
		snprintf(a, sizeof a, "%lld%%", (long long)p->progress[0]);
	if (p->progress[1] >= 0)
		snprintf(b, sizeof b, "%lld%%", (long long)p->progress[1]);
	field(out, &first, l, en ? "progress" : "进度", a, b);
	for (int k = 0; k < REVDIFF_NCOUNTS; k++) {
		if (p->counts[0][k] == p->counts[1][k])
			continue;
		strcpy(a, "—");
		strcpy(b, "—");
		if (p->counts[0][k] >= 0)
			snprintf(a, sizeof a, "%lld", (long long)p->counts[0][k]);
		if (p->counts[1][k] >= 0)
			snprintf(b, sizeof b, "%lld", (long long)p->counts[1][k]);
		field(out, &first, l, revdiff_count_word(k, l), a, b);
	}
}

/* ---- task data: only the tasks whose text differs ----------------------------- */

/* data/tasks.json holds every task of the site (25 MB at 10k tasks), and a
 * publication usually changes a few: tasks whose text is the same in both
 * revisions are not parsed. A task as text: its span, and its "id" and
 * "plan" strings as written (NULL when not strings). */
struct taskspan {
	const char *s;
	size_t len;
	const char *id, *plan;
	size_t idlen, planlen;
	int same;          /* the other revision has it, byte for byte */
	int escaped;       /* id or plan holds an escape: only a parse compares them */
};

struct taskspans {
	const char *s;
	struct taskspan *v;
	size_t n, cap;
	size_t tasks0, tasks1;   /* the span of the root's "tasks" value */
	int has_tasks;
	const char *list;        /* the root's member that holds the list: "tasks" (NULL), or "plans" */
};

static int task_member(void *ud, const char *key, size_t klen, size_t v0, size_t v1)
{
	struct taskspans *ts = ud;
	struct taskspan *t = &ts->v[ts->n - 1];
	int id = klen == 2 && memcmp(key, "id", 2) == 0, plan = klen == 4 && memcmp(key, "plan", 4) == 0;
	if ((!id && !plan) || ts->s[v0] != '"')
		return 0;
	const char *str = ts->s + v0 + 1;
	size_t n = v1 - v0 - 2;
	t->escaped |= memchr(str, '\\', n) != NULL;
	if (id) {
		t->id = str;
		t->idlen = n;
	} else {
		t->plan = str;
		t->planlen = n;
	}
	return t->id && t->plan;   /* both found: the rest is not needed */
}

static int task_element(void *ud, size_t v0, size_t v1)
{
	struct taskspans *ts = ud;
	if (ts->s[v0] != '{')
		return 0;   /* not a task: read_tasks leaves it out too */
	if (ts->n == ts->cap) {
		ts->cap = ts->cap ? 2 * ts->cap : 1024;
		ts->v = xrealloc(ts->v, ts->cap * sizeof *ts->v);
	}
	ts->v[ts->n++] = (struct taskspan){ ts->s + v0, v1 - v0, NULL, NULL, 0, 0, 0, 0 };
	size_t p = v0;
	return json_skim_object(ts->s, v1, &p, task_member, ts);
}

static int root_member(void *ud, const char *key, size_t klen, size_t v0, size_t v1)
{
	struct taskspans *ts = ud;
	const char *list = ts->list ? ts->list : "tasks";
	if (klen != strlen(list) || memcmp(key, list, klen) != 0)
		return 0;
	if (ts->has_tasks || ts->s[v0] != '[')
		return -1;   /* twice, or not a list: left to the parser */
	ts->has_tasks = 1;
	ts->tasks0 = v0;
	ts->tasks1 = v1;
	size_t p = v0;
	return json_skim_array(ts->s, v1, &p, task_element, ts);
}

static int cmp_span_id(const void *x, const void *y)
{
	const struct taskspan *a = x, *b = y;
	if (!a->id || !b->id)
		return (a->id != NULL) - (b->id != NULL);   /* those without first */
	int c = memcmp(a->id, b->id, a->idlen < b->idlen ? a->idlen : b->idlen);
	return c ? c : (a->idlen > b->idlen) - (a->idlen < b->idlen);
}

/* The tasks of one side's text whose text the other side does not have,
 * and its as_of, into tl. 0, or -1 when a part does not parse. */
static int parse_tasks(struct arena *a, const char *path, const char *data, size_t len,
                       const struct taskspans *ts, struct tasklist *tl)
{
	struct diags quiet;
	diags_init(&quiet);
	memset(tl, 0, sizeof *tl);
	int rc = -1;
	/* The root without its tasks: as_of and whatever else it holds. */
	struct buf skel = BUF_INIT;
	buf_put(&skel, data, ts->tasks0);
	buf_puts(&skel, "[]");
	buf_put(&skel, data + ts->tasks1, len - ts->tasks1);
	struct value *root = json_parse(a, path, skel.data, skel.len, &quiet);
	buf_free(&skel);
	if (!root)
		goto out;
	tl->as_of = value_str(value_get(root, "as_of"), NULL);
	tl->v = arena_alloc(a, (ts->n + 1) * sizeof *tl->v);
	for (size_t i = 0; i < ts->n; i++) {
		if (ts->v[i].same)
			continue;
		struct value *t = json_parse(a, path, ts->v[i].s, ts->v[i].len, &quiet);
		if (!t)
			goto out;
		if (value_is(value_get(t, "id"), V_STRING))
			tl->v[tl->n++] = t;
	}
	qsort(tl->v, tl->n, sizeof *tl->v, cmp_task);
	rc = 0;
out:
	diags_free(&quiet);
	return rc;
}

/* Compares the task data of two revisions by the tasks whose text differs;
 * r->tasks, as_of and multi_plan as compare_tasks sets them from whole
 * parses. 1 when the texts are not shaped for this (duplicate ids, escapes
 * in ids or plans, not an object with a "tasks" list of objects) or a part
 * does not parse: the caller parses them whole. */
static int compare_task_texts(struct arena *a, const char *path, const char *data[2], const size_t len[2],
                              struct revdiff *r, struct pairs *ps)
{
	struct taskspans ts[2] = { { .s = data[0] }, { .s = data[1] } };
	int rc = 1;
	for (int side = 0; side < 2; side++) {
		size_t p = 0;
		if (json_skim_object(data[side], len[side], &p, root_member, &ts[side]) < 0 || !ts[side].has_tasks)
			goto out;
		for (size_t i = 0; i < ts[side].n; i++)
			if (ts[side].v[i].escaped)
				goto out;
			else if (!ts[side].v[i].id)
				ts[side].v[i].same = 1;   /* no id: not a task read_tasks keeps */
		qsort(ts[side].v, ts[side].n, sizeof *ts[side].v, cmp_span_id);
	}
	/* Side by side in id order; multi_plan as compare_tasks counts it: the
	 * new revision's plan of each task, the old one's of a removed task. */
	const char *plan = NULL;
	size_t planlen = 0;
	int multi = 0;
	for (size_t i = 0, j = 0; i < ts[0].n || j < ts[1].n;) {
		struct taskspan *o = i < ts[0].n ? &ts[0].v[i] : NULL, *n = j < ts[1].n ? &ts[1].v[j] : NULL;
		if ((o && !o->id) || (n && !n->id)) {
			i += o && !o->id;
			j += n && !n->id;
			continue;
		}
		int c = !o ? 1 : !n ? -1 : cmp_span_id(o, n);
		if ((c <= 0 && i + 1 < ts[0].n && ts[0].v[i + 1].id && cmp_span_id(o, o + 1) == 0) ||
		    (c >= 0 && j + 1 < ts[1].n && ts[1].v[j + 1].id && cmp_span_id(n, n + 1) == 0))
			goto out;   /* an id twice */
		const struct taskspan *t = c >= 0 ? n : o;
		if (t->plan) {
			if (plan && (planlen != t->planlen || memcmp(plan, t->plan, planlen) != 0))
				multi = 1;
			plan = t->plan;
			planlen = t->planlen;
		}
		if (c == 0 && o->len == n->len && memcmp(o->s, n->s, o->len) == 0)
			o->same = n->same = 1;
		i += c <= 0;
		j += c >= 0;
	}
	struct tasklist tl[2];
	for (int side = 0; side < 2; side++)
		if (parse_tasks(a, path, data[side], len[side], &ts[side], &tl[side]) < 0)
			goto out;
	r->as_of[0] = tl[0].as_of;
	r->as_of[1] = tl[1].as_of;
	compare_tasks(a, &tl[0], &tl[1], r, ps);
	r->multi_plan = multi;
	rc = 0;
out:
	free(ts[0].v);
	free(ts[1].v);
	return rc;
}

static int cmp_span_ptr_id(const void *x, const void *y)
{
	return cmp_span_id(*(const struct taskspan *const *)x, *(const struct taskspan *const *)y);
}

/* The plans of both sides' data/plans.json that differ, parsed, in each
 * side's order into out: a plan whose text is the same byte for byte on
 * both sides (by id) is left out of both, as compare_plans and
 * collect_pairs find nothing in it (a change of one task's plan: one plan
 * of a hundred parsed, where the whole 19 MB of each side was). 0, or 1
 * when the texts are not shaped for this (see compare_task_texts): the
 * caller parses them whole. */
static int differing_plans(struct arena *a, const char *const path[2], const char *const data[2],
                           const size_t len[2], const struct value *out[2])
{
	struct taskspans ts[2] = { { .s = data[0], .list = "plans" }, { .s = data[1], .list = "plans" } };
	struct taskspan **by[2] = { NULL, NULL };
	int rc = 1;
	for (int side = 0; side < 2; side++) {
		size_t p = 0;
		if (!data[side] || json_skim_object(data[side], len[side], &p, root_member, &ts[side]) < 0 ||
		    !ts[side].has_tasks)
			goto out;
		by[side] = xcalloc(ts[side].n + 1, sizeof *by[side]);
		for (size_t i = 0; i < ts[side].n; i++) {
			if (ts[side].v[i].escaped)
				goto out;
			by[side][i] = &ts[side].v[i];
		}
		qsort(by[side], ts[side].n, sizeof *by[side], cmp_span_ptr_id);
		for (size_t i = 1; i < ts[side].n; i++)
			if (by[side][i]->id && cmp_span_id(by[side][i - 1], by[side][i]) == 0)
				goto out;   /* an id twice */
	}
	for (size_t i = 0, j = 0; i < ts[0].n && j < ts[1].n;) {
		struct taskspan *o = by[0][i], *n = by[1][j];
		if (!o->id || !n->id) {
			i += !o->id;
			j += !n->id;
			continue;
		}
		int c = cmp_span_id(o, n);
		if (c == 0 && o->len == n->len && memcmp(o->s, n->s, o->len) == 0)
			o->same = n->same = 1;
		i += c <= 0;
		j += c >= 0;
	}
	struct diags quiet;
	diags_init(&quiet);
	for (int side = 0; side < 2; side++) {
		struct value *list = value_array(a, (struct pos){ 0 });
		for (size_t i = 0; i < ts[side].n; i++) {
			if (ts[side].v[i].same || !ts[side].v[i].id)
				continue;   /* no id: compare_plans passes it by too */
			struct value *v = json_parse(a, path[side], ts[side].v[i].s, ts[side].v[i].len, &quiet);
			if (v)
				value_push(a, list, v);
		}
		out[side] = list;
	}
	rc = quiet.nerrors ? 1 : 0;
	diags_free(&quiet);
out:
	for (int side = 0; side < 2; side++) {
		free(by[side]);
		free(ts[side].v);
	}
	return rc;
}

/* ids[k] of spans v: NUL-terminated copies, for cmp_ids. */
struct idspan {
	const struct taskspan *t;
	const char *id;
};

static int cmp_idspan(const void *x, const void *y)
{
	return cmp_ids(((const struct idspan *)x)->id, ((const struct idspan *)y)->id);
}

/* A first publication's tasks (no old side) for its commit message (text
 * 1): every task is added, and the message words the first
 * REVDIFF_MESSAGE_TASKS in id order and counts the rest, so only those are
 * parsed (a first publication of 10k tasks: 25 MB not parsed). The others
 * carry their id, plan and change alone (revdiff.h). 0, or 1 when the text
 * is not shaped for this (see compare_task_texts) or a part does not parse:
 * the caller parses it whole. */
static int added_task_texts(struct arena *a, const char *path, const char *data, size_t len, struct revdiff *r,
                            struct pairs *ps)
{
	struct taskspans ts = { .s = data };
	struct idspan *v = NULL;
	struct diags quiet;
	diags_init(&quiet);
	int rc = 1;
	size_t p = 0, n = 0;
	if (json_skim_object(data, len, &p, root_member, &ts) < 0 || !ts.has_tasks)
		goto out;
	v = xcalloc(ts.n + 1, sizeof *v);
	for (size_t i = 0; i < ts.n; i++) {
		if (ts.v[i].escaped)
			goto out;
		if (ts.v[i].id)   /* without one, not a task read_tasks keeps */
			v[n++] = (struct idspan){ &ts.v[i], arena_strndup(a, ts.v[i].id, ts.v[i].idlen) };
	}
	qsort(v, n, sizeof *v, cmp_idspan);
	/* as_of from the root without its tasks, as parse_tasks reads it. */
	struct buf skel = BUF_INIT;
	buf_put(&skel, data, ts.tasks0);
	buf_puts(&skel, "[]");
	buf_put(&skel, data + ts.tasks1, len - ts.tasks1);
	struct value *root = json_parse(a, path, skel.data, skel.len, &quiet);
	buf_free(&skel);
	if (!root)
		goto out;
	r->tasks = arena_alloc(a, (n + 1) * sizeof *r->tasks);
	r->ntasks = 0;
	const char *plan = NULL;
	int multi = 0;
	for (size_t k = 0; k < n; k++) {
		struct revdiff_task t = { 0 };
		fill_task(a, &t, 0, NULL);
		if (k < REVDIFF_MESSAGE_TASKS) {
			struct value *tv = json_parse(a, path, v[k].t->s, v[k].t->len, &quiet);
			if (!tv || !value_is(value_get(tv, "id"), V_STRING))
				goto out;
			fill_task(a, &t, 1, tv);
			task_details(a, &t, NULL, tv);
			collect_pairs(a, ps, NULL, tv);
		} else {
			t.id = v[k].id;
			t.plan = v[k].t->plan ? arena_strndup(a, v[k].t->plan, v[k].t->planlen) : NULL;
			t.progress[1] = -1;
		}
		t.change = REVDIFF_ADDED;
		if (t.plan) {
			if (plan && strcmp(plan, t.plan) != 0)
				multi = 1;
			plan = t.plan;
		}
		r->tasks[r->ntasks++] = t;
	}
	r->as_of[0] = NULL;
	r->as_of[1] = value_str(value_get(root, "as_of"), NULL);
	r->multi_plan = multi;
	rc = 0;
out:
	if (rc) {
		r->tasks = NULL;
		r->ntasks = 0;
	}
	diags_free(&quiet);
	free(v);
	free(ts.v);
	return rc;
}

static void date_words(const char *iso, enum lang l, struct buf *out);
static const char *common_suffix(const struct revdiff *r);

/* ---- folding ------------------------------------------------------------------ */

/* Number tokens of one side of a hunk weighed for folding; a hunk with
 * more is a table that changed, shown. */
#define REVDIFF_FOLD_TOKENS 16

/* The folded line of the text report names the pages when there are at
 * most this many (a reviewer checks a few; forty only repeat the as_of). */
#define REVDIFF_FOLD_LIST 8

/* The page every publication changes: its own record (changes/). */
#define REVDIFF_HISTORY_URL "changes/"

/* Whether date token x (2019年6月30日) is the as_of date d (2019-06-30) in words. */
static int is_as_of(const char *x, size_t xl, const char *d, enum lang l)
{
	int y, m, dd;
	char tail;
	if (!d || sscanf(d, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) != 3 || !datetime_valid_date(y, m, dd))
		return 0;
	struct datetime dt = { .kind = DT_DATE, .year = y, .month = (int8_t)m, .day = (int8_t)dd };
	struct buf b = BUF_INIT;
	lang_date(l, &dt, &b);
	int r = b.len == xl && memcmp(b.data, x, xl) == 0;
	buf_free(&b);
	return r;
}

/* The number tokens of a hunk's removed (side 0) or added (side 1) text. */
struct numtoks {
	struct { const char *s; size_t len; } v[REVDIFF_FOLD_TOKENS];
	size_t n;
	int other;   /* text that is not a number, space or line end */
};

static void num_tokens(const struct textdiff_hunk *h, enum textdiff_kind kind, struct numtoks *nt)
{
	nt->n = 0;
	nt->other = 0;
	for (size_t k = 0; k < h->nops; k++) {
		const struct textdiff_op *op = &h->ops[k];
		if (op->kind != kind)
			continue;
		for (size_t i = 0; i < op->len;) {
			size_t n = textdiff_token(op->s + i, op->len - i);
			if (IS_ASCII_DIGIT((unsigned char)op->s[i])) {
				if (nt->n == REVDIFF_FOLD_TOKENS)
					nt->other = 1;
				else
					nt->v[nt->n].s = op->s + i, nt->v[nt->n++].len = n;
			} else if (!(op->s[i] == ' ' || op->s[i] == '\t' || op->s[i] == '\n')) {
				nt->other = 1;
			}
			i += n;
		}
	}
}

static int has_unit(const char *s, size_t len, const char *unit)
{
	size_t k = strlen(unit);
	for (size_t i = 0; i + k <= len; i++)
		if (memcmp(s + i, unit, k) == 0)
			return 1;
	return 0;
}

/* One side of a hunk as text: the unchanged text and the removed (side 0)
 * or added (side 1) text. */
static void hunk_side(const struct textdiff_hunk *h, int side, struct buf *out)
{
	for (size_t k = 0; k < h->nops; k++)
		if (h->ops[k].kind == TEXTDIFF_SAME || h->ops[k].kind == (side ? TEXTDIFF_INS : TEXTDIFF_DEL))
			buf_put(out, h->ops[k].s, h->ops[k].len);
}

/* Whether the old side of h, with the old as_of in words replaced by the
 * new one, is its new side. */
static int as_of_only(const struct revdiff *r, const struct textdiff_hunk *h, enum lang l)
{
	if (!r->as_of[0] || !r->as_of[1] || strcmp(r->as_of[0], r->as_of[1]) == 0)
		return 0;
	struct buf o = BUF_INIT, n = BUF_INIT, w0 = BUF_INIT, w1 = BUF_INIT, x = BUF_INIT;
	hunk_side(h, 0, &o);
	hunk_side(h, 1, &n);
	date_words(r->as_of[0], l, &w0);
	date_words(r->as_of[1], l, &w1);
	for (size_t i = 0; i < o.len;) {
		if (w0.len && o.len - i >= w0.len && memcmp(o.data + i, w0.data, w0.len) == 0) {
			buf_put(&x, w1.data, w1.len);
			i += w0.len;
		} else {
			buf_putc(&x, o.data[i++]);
		}
	}
	int same = x.len == n.len && (!x.len || memcmp(x.data, n.data, x.len) == 0);
	buf_free(&o);
	buf_free(&n);
	buf_free(&w0);
	buf_free(&w1);
	buf_free(&x);
	return same;
}

/* Whether every removed (side 0) or added (side 1) run of h, without the
 * spaces around it, is a label of an item the data lost or gained. */
static int labels_only(struct pairs *ps, const struct textdiff_hunk *h, int side)
{
	enum textdiff_kind kind = side ? TEXTDIFF_INS : TEXTDIFF_DEL;
	int any = 0;
	for (size_t k = 0; k < h->nops; k++) {
		const struct textdiff_op *op = &h->ops[k];
		if (op->kind == TEXTDIFF_SAME)
			continue;
		if (op->kind != kind)
			return 0;
		size_t b = 0, e = op->len;
		while (b < e && (op->s[b] == ' ' || op->s[b] == '\n'))
			b++;
		while (e > b && (op->s[e - 1] == ' ' || op->s[e - 1] == '\n'))
			e--;
		if (b == e)
			continue;
		struct buf key = BUF_INIT;
		buf_puts(&key, side ? "\x1e" : "\x1d");
		buf_put(&key, op->s + b, e - b);
		int found = pairs_find(ps, buf_cstr(&key));
		buf_free(&key);
		if (!found)
			return 0;
		any = 1;
	}
	return any;
}

/* A hunk that follows from the data alone, the words around it the same:
 *  - the as_of date in words, old → new (数据截至 2019年6月30日 → 2019年9月30日);
 *  - text added or removed that is a label of an item the task or plan data
 *    gained or lost (a chart's new month tick);
 *  - numbers alone, each changed as some number of data/tasks.json or
 *    data/plans.json changed (a progress, count, expected progress or unit
 *    average: sections 1 and 2 report them at their source), or the as_of date.
 * A number an author changed in a page's prose is none of these unless the
 * very same change happened in the data; the page is then still named on
 * the folded line. */
static int hunk_derived(const struct revdiff *r, struct pairs *ps, const struct textdiff_hunk *h, enum lang l)
{
	if (as_of_only(r, h, l) || labels_only(ps, h, 0) || labels_only(ps, h, 1))
		return 1;
	struct numtoks del, ins;
	num_tokens(h, TEXTDIFF_DEL, &del);
	num_tokens(h, TEXTDIFF_INS, &ins);
	if (del.other || ins.other || !del.n || del.n != ins.n)
		return 0;
	for (size_t i = 0; i < del.n; i++) {
		const char *x = del.v[i].s, *y = ins.v[i].s;
		size_t xl = del.v[i].len, yl = ins.v[i].len;
		if (is_as_of(x, xl, r->as_of[0], l) && is_as_of(y, yl, r->as_of[1], l))
			continue;
		if (!has_unit(x, xl, "年") && !has_unit(y, yl, "年") && pairs_has(ps, x, xl, y, yl))
			continue;
		return 0;
	}
	return 1;
}

/* Drops a changed page's derived hunks; a page with none left (and the
 * publication record, which every publication changes) is folded. */
static void fold(const struct revdiff *r, struct pairs *ps, struct revdiff_page *p, enum lang l)
{
	size_t m = 0;
	for (size_t h = 0; h < p->nhunks; h++)
		if (!hunk_derived(r, ps, &p->hunks[h], l))
			p->hunks[m++] = p->hunks[h];
	p->folded = (p->nhunks && !m) || strcmp(p->url, REVDIFF_HISTORY_URL) == 0;
	p->nhunks = p->folded ? 0 : m;
}

/* An added page's text: its <main> (the whole page without one), cut at
 * REVDIFF_ADDED_TEXT characters. */
static void main_text(struct arena *a, const char *html, size_t len, struct revdiff_page *p)
{
	const char *m = find_ci(html, len, "<main");
	if (m) {
		const char *gt = memchr(m, '>', len - (size_t)(m - html));
		const char *e = gt ? find_ci(gt, len - (size_t)(gt - html), "</main>") : NULL;
		if (gt && e) {
			html = gt + 1;
			len = (size_t)(e - html);
		}
	}
	size_t tn;
	const char *tt = revdiff_page_text(a, html, len, &tn);
	/* A line the same as the one before (a heading and its caption, a
	 * hidden label) is said once. */
	struct buf b = BUF_INIT;
	const char *prev = NULL;
	size_t prevlen = 0;
	for (size_t k = 0; k < tn;) {
		const char *nl = memchr(tt + k, '\n', tn - k);
		size_t e = nl ? (size_t)(nl - tt) : tn;
		if (!prev || e - k != prevlen || memcmp(prev, tt + k, prevlen) != 0) {
			buf_put(&b, tt + k, e - k);
			buf_putc(&b, '\n');
		}
		prev = tt + k;
		prevlen = e - k;
		k = e + 1;
	}
	size_t n = b.len;
	const char *t = arena_strndup(a, b.data ? b.data : "", b.len);
	buf_free(&b);
	while (n && t[0] == '\n')
		t++, n--;
	size_t i = 0, chars = 0;
	while (i < n && chars < REVDIFF_ADDED_TEXT) {
		size_t k;
		utf8_decode(t + i, n - i, &k);
		i += k ? k : 1;
		chars++;
	}
	p->text_cut = i < n;
	while (i && t[i - 1] == '\n')
		i--;
	p->text = t;
	p->textlen = i;
}

/* ---- comparing ----------------------------------------------------------------- */

/* The files a page was read from, kept until its title is read. */
struct pagefiles {
	const struct revdiff_file *of, *nf;
};

struct pagevec {
	struct revdiff_page *v;
	struct pagefiles *f;
	size_t n, cap;
};

static void pv_push(struct arena *a, struct pagevec *pv, struct revdiff_page p,
                    const struct revdiff_file *of, const struct revdiff_file *nf)
{
	if (pv->n == pv->cap) {
		size_t cap = pv->cap ? 2 * pv->cap : 16;
		pv->v = arena_realloc(a, pv->v, pv->cap * sizeof *pv->v, cap * sizeof *pv->v);
		pv->f = arena_realloc(a, pv->f, pv->cap * sizeof *pv->f, cap * sizeof *pv->f);
		pv->cap = cap;
	}
	pv->f[pv->n] = (struct pagefiles){ of, nf };
	pv->v[pv->n++] = p;
}

/* Reads the title of page p from its newer side. 0, or -1 after recording why in d. */
static int read_title(struct arena *a, const struct revdiff_source *src, struct revdiff_page *p,
                      const struct pagefiles *f, struct diags *d)
{
	const char *data;
	size_t len;
	int side = f->nf != NULL;
	if (src->read(src->ud, side, side ? f->nf : f->of, &data, &len, d) < 0)
		return -1;
	p->title = page_title(a, data, len);
	return 0;
}

int revdiff_compare(struct arena *a, const struct revdiff_file *old, size_t nold,
                    const struct revdiff_file *new, size_t nnew,
                    const struct revdiff_source *src, const struct revdiff_opts *o,
                    struct revdiff *r, struct diags *d)
{
	int rc = -1;
	memset(r, 0, sizeof *r);
	struct pagevec pv[3] = { { 0 } };
	const struct revdiff_file *tasks[2] = { NULL, NULL }, *plansf[2] = { NULL, NULL };
	struct pairs pairs = { 0 }, *ps = o->text > 1 ? &pairs : NULL;
	size_t i = 0, j = 0;
	while (i < nold || j < nnew) {
		int c = i == nold ? 1 : j == nnew ? -1 : strcmp(old[i].path, new[j].path);
		const struct revdiff_file *of = c <= 0 ? &old[i] : NULL, *nf = c >= 0 ? &new[j] : NULL;
		i += c <= 0;
		j += c >= 0;
		const char *path = of ? of->path : nf->path;
		if (strcmp(path, REVDIFF_TASKS) == 0) {
			tasks[0] = of;
			tasks[1] = nf;
		}
		if (strcmp(path, REVDIFF_PLANS) == 0 && !(of && nf && strcmp(of->id, nf->id) == 0)) {
			plansf[0] = of;
			plansf[1] = nf;
		}
		if (of && nf && strcmp(of->id, nf->id) == 0)
			continue;
		enum revdiff_change ch = !of ? REVDIFF_ADDED : !nf ? REVDIFF_REMOVED : REVDIFF_CHANGED;
		if (!is_page(path)) {
			if (ch == REVDIFF_ADDED)
				r->files_added++;
			else if (ch == REVDIFF_REMOVED)
				r->files_removed++;
			else
				r->files_changed++;
			continue;
		}
		struct revdiff_page p = { ch, path, page_url(a, path), "", NULL, 0, 0, NULL, 0, 0 };
		if (o->text > 1) {
			const char *data[2] = { "", "" };
			size_t len[2] = { 0, 0 };
			if ((of && src->read(src->ud, 0, of, &data[0], &len[0], d) < 0) ||
			    (nf && src->read(src->ud, 1, nf, &data[1], &len[1], d) < 0))
				goto out;
			p.title = page_title(a, data[nf ? 1 : 0], len[nf ? 1 : 0]);
			if (ch == REVDIFF_CHANGED) {
				size_t tl[2];
				const char *t0 = revdiff_page_text(a, data[0], len[0], &tl[0]);
				const char *t1 = revdiff_page_text(a, data[1], len[1], &tl[1]);
				p.nhunks = textdiff_text(a, t0, tl[0], t1, tl[1], REVDIFF_CONTEXT, &p.hunks);
			} else if (ch == REVDIFF_ADDED && nold) {
				main_text(a, data[1], len[1], &p);
			}
		}
		pv_push(a, &pv[ch], p, of, nf);
	}
	r->added = pv[REVDIFF_ADDED].n;
	r->removed = pv[REVDIFF_REMOVED].n;
	r->changed = pv[REVDIFF_CHANGED].n;
	r->npages = r->added + r->removed + r->changed;
	r->pages = arena_alloc(a, (r->npages + 1) * sizeof *r->pages);
	size_t k = 0;
	for (int c = 0; c < 3; c++)
		for (size_t m = 0; m < pv[c].n; m++) {
			/* Text 1 reads only the titles a commit message names: reading
			 * every page of a first publication costs seconds at 10k pages. */
			if (o->text == 1 && k < REVDIFF_MESSAGE_PAGES &&
			    read_title(a, src, &pv[c].v[m], &pv[c].f[m], d) < 0)
				goto out;
			r->pages[k++] = pv[c].v[m];
		}
	struct revdiff_memo *memo = o->text < 2 ? o->memo : NULL;
	if (memo && memo->has && tasks[0] && tasks[1] && strcmp(memo->id[0], tasks[0]->id) == 0 &&
	    strcmp(memo->id[1], tasks[1]->id) == 0) {
		r->tasks = memo->tasks;
		r->ntasks = memo->ntasks;
		r->multi_plan = memo->multi_plan;
		r->as_of[0] = memo->as_of[0];
		r->as_of[1] = memo->as_of[1];
	} else if ((tasks[0] || tasks[1]) && !(tasks[0] && tasks[1] && strcmp(tasks[0]->id, tasks[1]->id) == 0)) {
		const char *data[2] = { NULL, NULL };
		size_t len[2] = { 0, 0 };
		for (int side = 0; side < 2; side++)
			if (tasks[side] && src->read(src->ud, side, tasks[side], &data[side], &len[side], d) < 0)
				goto out;
		if (!tasks[0] && o->text == 1 && added_task_texts(a, tasks[1]->path, data[1], len[1], r, ps) == 0) {
			/* a first publication's message: only the tasks it names parsed */
		} else if (!tasks[0] || !tasks[1] || compare_task_texts(a, tasks[1]->path, data, len, r, ps) != 0) {
			struct tasklist tl[2];
			read_tasks(a, 0, tasks[0], data[0], len[0], &tl[0], d);
			read_tasks(a, 1, tasks[1], data[1], len[1], &tl[1], d);
			r->as_of[0] = tl[0].as_of;
			r->as_of[1] = tl[1].as_of;
			compare_tasks(a, &tl[0], &tl[1], r, ps);
		}
		if (memo && tasks[0] && tasks[1] && memo->a == a && strlen(tasks[0]->id) < sizeof memo->id[0] &&
		    strlen(tasks[1]->id) < sizeof memo->id[1]) {
			strcpy(memo->id[0], tasks[0]->id);
			strcpy(memo->id[1], tasks[1]->id);
			memo->tasks = r->tasks;
			memo->ntasks = r->ntasks;
			memo->multi_plan = r->multi_plan;
			memo->as_of[0] = r->as_of[0];
			memo->as_of[1] = r->as_of[1];
			memo->has = 1;
		}
	}
	if (o->text > 1 && (plansf[0] || plansf[1])) {
		const char *data[2] = { NULL, NULL };
		size_t len[2] = { 0, 0 };
		for (int side = 0; side < 2; side++)
			if (plansf[side] && src->read(src->ud, side, plansf[side], &data[side], &len[side], d) < 0)
				goto out;
		const struct value *pl[2];
		const char *paths[2] = { plansf[0] ? plansf[0]->path : NULL, plansf[1] ? plansf[1]->path : NULL };
		if (differing_plans(a, paths, data, len, pl) != 0) {
			pl[0] = read_plans(a, plansf[0], data[0], len[0]);
			pl[1] = read_plans(a, plansf[1], data[1], len[1]);
		}
		compare_plans(a, pl[0], pl[1], r);
		for (size_t q = 0; pl[0] && pl[1] && q < value_len(pl[1]); q++)
			collect_pairs(a, ps, find_by(pl[0], "id", opt_str(value_at(pl[1], q), "id")), value_at(pl[1], q));
	}
	if (o->text > 1)
		r->title_suffix = common_suffix(r);
	/* Changed pages last: their folding needs the data's numbers. */
	for (size_t q = 0; o->text > 1 && q < r->npages; q++)
		if (r->pages[q].change == REVDIFF_CHANGED) {
			fold(r, ps, &r->pages[q], o->lang);
			r->folded += (size_t)r->pages[q].folded;
		}
	rc = 0;
out:
	return rc;
}

/* The site's name after its page titles ("页面 - 站名"): the text from the
 * last " - " of the first such title, when every title with a " - " ends
 * with it and there are two or more. */
static const char *common_suffix(const struct revdiff *r)
{
	const char *suf = NULL;
	size_t n = 0;
	for (size_t i = 0; i < r->npages; i++) {
		const char *t = r->pages[i].title, *dash = NULL;
		for (const char *q = strstr(t, " - "); q; q = strstr(q + 1, " - "))
			dash = q;
		if (!dash)
			continue;
		if (!suf)
			suf = dash;
		else if (!has_suffix(t, suf) || strlen(t) == strlen(suf))
			return NULL;
		n++;
	}
	return n >= 2 ? suf : NULL;
}

/* The length of title t as the review shows it: without the site's name. */
static int shown_title(const struct revdiff *r, const char *t)
{
	size_t n = strlen(t);
	if (r->title_suffix && has_suffix(t, r->title_suffix) && n > strlen(r->title_suffix))
		n -= strlen(r->title_suffix);
	return (int)n;
}

int revdiff_empty(const struct revdiff *r)
{
	return !r->npages && !r->files_added && !r->files_removed && !r->files_changed && !r->ntasks;
}

/* ---- words --------------------------------------------------------------------- */

static void task_name(const struct revdiff *r, const struct revdiff_task *t, enum lang l, struct buf *out)
{
	if (r->multi_plan && t->plan)
		buf_printf(out, "%s ", t->plan);
	if (l == LANG_EN)
		buf_printf(out, "Task %s", t->number ? t->number : t->id);
	else
		buf_printf(out, "任务%s", t->number ? t->number : t->id);
}

static void field(struct buf *out, int *first, enum lang l, const char *name, const char *from, const char *to)
{
	buf_puts(out, *first ? (l == LANG_EN ? ": " : " ") : (l == LANG_EN ? ", " : "，"));
	*first = 0;
	buf_printf(out, "%s %s → %s", name, from && *from ? from : "—", to && *to ? to : "—");
}

void revdiff_task_words(const struct revdiff *r, const struct revdiff_task *t, enum lang l, struct buf *out)
{
	int en = l == LANG_EN;
	task_name(r, t, l, out);
	if (t->change != REVDIFF_CHANGED) {
		int added = t->change == REVDIFF_ADDED;
		if (en)
			buf_printf(out, " %s: %s", added ? "added" : "removed", t->title ? t->title : "");
		else
			buf_printf(out, " %s：%s", added ? "新增" : "删除", t->title ? t->title : "");
		return;
	}
	int first = 1;
	if (t->progress[0] != t->progress[1]) {
		char a[32] = "—", b[32] = "—";
		if (t->progress[0] >= 0)
			snprintf(a, sizeof a, "%lld%%", (long long)t->progress[0]);
		if (t->progress[1] >= 0)
			snprintf(b, sizeof b, "%lld%%", (long long)t->progress[1]);
		field(out, &first, l, en ? "progress" : "进度", a, b);
	}
	if (str_differs(t->status[0], t->status[1]))
		field(out, &first, l, en ? "status" : "状态", revdiff_status_word(t->status[0], l),
		      revdiff_status_word(t->status[1], l));
	if (str_differs(t->due[0], t->due[1])) {
		field(out, &first, l, t->reason ? (en ? "extended" : "延期") : (en ? "due" : "完成时限"), t->due[0],
		      t->due[1]);
		if (t->reason && *t->reason)
			buf_printf(out, en ? " (%s)" : "（%s）", t->reason);
	}
	if (str_differs(t->lead[0], t->lead[1]))
		field(out, &first, l, en ? "lead" : "牵头单位", t->lead[0], t->lead[1]);
	if (str_differs(t->support[0], t->support[1]))
		field(out, &first, l, en ? "supporting" : "配合单位", t->support[0], t->support[1]);
	if (t->nms_new) {
		buf_puts(out, first ? (en ? ": " : " ") : (en ? ", " : "，"));
		first = 0;
		buf_puts(out, en ? "milestones done: " : "完成里程碑 ");
		for (size_t i = 0; i < t->nms_new; i++)
			buf_printf(out, "%s%s", i ? (en ? "; " : "、") : "", t->ms_new[i]);
	} else if (t->ms_done[0] != t->ms_done[1] || t->ms_total[0] != t->ms_total[1]) {
		char a[48], b[48];
		snprintf(a, sizeof a, "%lld/%lld", (long long)t->ms_done[0], (long long)t->ms_total[0]);
		snprintf(b, sizeof b, "%lld/%lld", (long long)t->ms_done[1], (long long)t->ms_total[1]);
		field(out, &first, l, en ? "milestones done" : "里程碑完成", a, b);
	}
	for (size_t i = 0; i < t->nactuals; i++) {
		const struct revdiff_actual *x = &t->actuals[i];
		const char *u = x->unit ? x->unit : "";
		struct buf name = BUF_INIT, v0 = BUF_INIT, v1 = BUF_INIT;
		buf_printf(&name, en ? "actual %s" : "%s实际值", x->metric);
		if (x->value[0])
			buf_printf(&v0, "%s%s", x->value[0], u);
		if (x->value[1])
			buf_printf(&v1, "%s%s", x->value[1], u);
		field(out, &first, l, buf_cstr(&name), buf_cstr(&v0), buf_cstr(&v1));
		buf_free(&name);
		buf_free(&v0);
		buf_free(&v1);
	}
	if (first)
		buf_puts(out, en ? ": title changed" : " 名称有修改");
}

static void counts(const struct revdiff *r, enum lang l, struct buf *out)
{
	if (l == LANG_EN)
		buf_printf(out, "Pages: %zu added, %zu changed, %zu removed", r->added, r->changed, r->removed);
	else
		buf_printf(out, "页面：新增 %zu，修改 %zu，删除 %zu", r->added, r->changed, r->removed);
	size_t nf = r->files_added + r->files_changed + r->files_removed;
	if (nf && l == LANG_EN)
		buf_printf(out, "; other files: %zu added, %zu changed, %zu removed",
		           r->files_added, r->files_changed, r->files_removed);
	else if (nf)
		buf_printf(out, "；其他文件：新增 %zu，修改 %zu，删除 %zu",
		           r->files_added, r->files_changed, r->files_removed);
	buf_putc(out, '\n');
}

static const char *change_word(enum revdiff_change c, enum lang l)
{
	static const char *const zh[] = { "新增", "删除", "修改" };
	static const char *const en[] = { "added", "removed", "changed" };
	return l == LANG_EN ? en[c] : zh[c];
}

void revdiff_message(const struct revdiff *r, enum lang l, struct buf *out)
{
	counts(r, l, out);
	size_t shown = r->npages < REVDIFF_MESSAGE_PAGES ? r->npages : REVDIFF_MESSAGE_PAGES;
	for (size_t i = 0; i < shown; i++) {
		const struct revdiff_page *p = &r->pages[i];
		buf_printf(out, "  %s %s", change_word(p->change, l), p->url);
		if (*p->title)
			buf_printf(out, l == LANG_EN ? " (%s)" : "（%s）", p->title);
		buf_putc(out, '\n');
	}
	if (shown < r->npages)
		buf_printf(out, l == LANG_EN ? "  … and %zu more pages\n" : "  ……另有 %zu 个页面\n", r->npages - shown);
	if (r->ntasks) {
		buf_puts(out, l == LANG_EN ? "Tasks:\n" : "任务变化：\n");
		size_t ts = r->ntasks < REVDIFF_MESSAGE_TASKS ? r->ntasks : REVDIFF_MESSAGE_TASKS;
		for (size_t i = 0; i < ts; i++) {
			buf_puts(out, "  ");
			revdiff_task_words(r, &r->tasks[i], l, out);
			buf_putc(out, '\n');
		}
		if (ts < r->ntasks)
			buf_printf(out, l == LANG_EN ? "  … and %zu more tasks\n" : "  ……另有 %zu 项任务\n", r->ntasks - ts);
	}
	buf_printf(out, "\nPages-Added: %zu\nPages-Changed: %zu\nPages-Removed: %zu\n"
	           "Files-Changed: %zu\nTasks-Changed: %zu\n",
	           r->added, r->changed, r->removed,
	           r->files_added + r->files_changed + r->files_removed, r->ntasks);
}

static void put_newlines_as(struct buf *out, const char *s, size_t n, const char *nl)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			buf_puts(out, nl);
		else
			buf_putc(out, s[i]);
	}
}

/* 2019-06-30 as 2019年6月30日 (30 June 2019); anything else as it is. */
static void date_words(const char *iso, enum lang l, struct buf *out)
{
	int y, m, dd;
	char tail;
	if (sscanf(iso, "%4d-%2d-%2d%c", &y, &m, &dd, &tail) == 3 && datetime_valid_date(y, m, dd)) {
		struct datetime dt = { .kind = DT_DATE, .year = y, .month = (int8_t)m, .day = (int8_t)dd };
		lang_date(l, &dt, out);
	} else {
		buf_puts(out, iso);
	}
}

void revdiff_pub_words(const struct revdiff_pub *p, enum lang l, struct buf *out)
{
	int en = l == LANG_EN, first = 1;
	if (!p->id) {
		buf_puts(out, en ? "(nothing published)" : "（尚未发布）");
		return;
	}
	buf_printf(out, en ? "“%s” (" : "《%s》（", p->message && *p->message ? p->message : p->id);
	if (p->as_of) {
		buf_puts(out, en ? "data as of " : "数据截至 ");
		date_words(p->as_of, l, out);
		first = 0;
	}
	if (p->date) {
		buf_puts(out, first ? "" : en ? ", " : "，");
		if (en)
			buf_puts(out, "published ");
		date_words(p->date, l, out);
		if (!en)
			buf_puts(out, "发布");
		first = 0;
	}
	buf_printf(out, "%s%s%s", first ? "" : en ? ", " : "，", p->id, en ? ")" : "）");
}

/* The folded line: 14 个页面只有数据截至日期和由任务数据推算的数字有变化（2019年6月30日 → 2019年9月30日） */
static void folded_words(const struct revdiff *r, enum lang l, int urls, struct buf *out)
{
	int en = l == LANG_EN;
	if (en)
		buf_printf(out, "%zu %s: only the as-of date, derived figures or the publication record changed", r->folded,
		           r->folded == 1 ? "page" : "pages");
	else
		buf_printf(out, "%zu 个页面只有数据截至日期、由任务数据推算的数字或发布记录有变化", r->folded);
	if (r->as_of[0] && r->as_of[1] && strcmp(r->as_of[0], r->as_of[1]) != 0) {
		buf_puts(out, en ? " (as of " : "（数据截至 ");
		date_words(r->as_of[0], l, out);
		buf_puts(out, " → ");
		date_words(r->as_of[1], l, out);
		buf_puts(out, en ? ")" : "）");
	}
	if (!urls || r->folded > REVDIFF_FOLD_LIST)
		return;
	buf_puts(out, en ? ": " : "：");
	for (size_t i = 0, k = 0; i < r->npages; i++)
		if (r->pages[i].folded)
			buf_printf(out, "%s%s", k++ ? (en ? ", " : "、") : "", r->pages[i].url);
}

enum { SEC_PLANS, SEC_TASKS, SEC_ADDED, SEC_CHANGED, SEC_REMOVED };

/* The heading of section s, numbered by *n, the sections shown before it. */
static void section_word(int s, int *n, enum lang l, struct buf *out)
{
	static const char *const zh[] = { "计划进展", "任务变化", "新增页面", "修改页面", "删除页面" };
	static const char *const en[] = { "Plans", "Tasks", "Pages added", "Pages changed", "Pages removed" };
	static const char *const num[] = { "一", "二", "三", "四", "五" };
	if (l == LANG_EN)
		buf_printf(out, "%d. %s", *n + 1, en[s]);
	else
		buf_printf(out, "%s、%s", num[*n], zh[s]);
	++*n;
}

static void hunk_text(const struct textdiff_hunk *hk, struct buf *out)
{
	if (hk->cut_before)
		buf_puts(out, "…");
	for (size_t k = 0; k < hk->nops; k++) {
		const struct textdiff_op *op = &hk->ops[k];
		buf_puts(out, op->kind == TEXTDIFF_DEL ? "[-" : op->kind == TEXTDIFF_INS ? "{+" : "");
		put_newlines_as(out, op->s, op->len, "⏎");
		buf_puts(out, op->kind == TEXTDIFF_DEL ? "-]" : op->kind == TEXTDIFF_INS ? "+}" : "");
	}
	if (hk->cut_after)
		buf_puts(out, "…");
}

static size_t count_pages(const struct revdiff *r, enum revdiff_change c, int shown)
{
	size_t n = 0;
	for (size_t i = 0; i < r->npages; i++)
		n += r->pages[i].change == c && (!shown || !r->pages[i].folded);
	return n;
}

void revdiff_write_text(const struct revdiff *r, enum lang l, const struct revdiff_pub pub[2], struct buf *out)
{
	int en = l == LANG_EN;
	revdiff_pub_words(&pub[0], l, out);
	buf_puts(out, " → ");
	revdiff_pub_words(&pub[1], l, out);
	buf_putc(out, '\n');
	if (revdiff_empty(r)) {
		buf_puts(out, en ? "No changes.\n" : "没有变化。\n");
		return;
	}
	counts(r, l, out);
	int nsec = 0;
	if (r->nplans) {
		buf_putc(out, '\n');
		section_word(SEC_PLANS, &nsec, l, out);
		buf_putc(out, '\n');
		for (size_t i = 0; i < r->nplans; i++) {
			buf_puts(out, "  ");
			revdiff_plan_words(&r->plans[i], l, out);
			buf_putc(out, '\n');
		}
	}
	if (r->ntasks) {
		buf_putc(out, '\n');
		section_word(SEC_TASKS, &nsec, l, out);
		buf_putc(out, '\n');
		for (size_t i = 0; i < r->ntasks; i++) {
			buf_puts(out, "  ");
			revdiff_task_words(r, &r->tasks[i], l, out);
			buf_putc(out, '\n');
		}
	}
	static const int order[] = { SEC_ADDED, SEC_CHANGED, SEC_REMOVED };
	static const enum revdiff_change kinds[] = { REVDIFF_ADDED, REVDIFF_CHANGED, REVDIFF_REMOVED };
	for (int s = 0; s < 3; s++) {
		if (!count_pages(r, kinds[s], 0))
			continue;
		buf_putc(out, '\n');
		section_word(order[s], &nsec, l, out);
		buf_putc(out, '\n');
		for (size_t i = 0; i < r->npages; i++) {
			const struct revdiff_page *p = &r->pages[i];
			if (p->change != kinds[s] || p->folded)
				continue;
			buf_printf(out, "  %s", p->url);
			if (*p->title)
				buf_printf(out, en ? " (%.*s)" : "（%.*s）", shown_title(r, p->title), p->title);
			buf_putc(out, '\n');
			for (size_t k = 0; p->text && k < p->textlen;) {
				const char *nl = memchr(p->text + k, '\n', p->textlen - k);
				size_t e = nl ? (size_t)(nl - p->text) : p->textlen;
				if (e > k)
					buf_printf(out, "    | %.*s\n", (int)(e - k), p->text + k);
				k = e + 1;
			}
			if (p->text_cut)
				buf_puts(out, "    | …\n");
			for (size_t h = 0; h < p->nhunks; h++) {
				buf_puts(out, "    ");
				hunk_text(&p->hunks[h], out);
				buf_putc(out, '\n');
			}
		}
		if (kinds[s] == REVDIFF_CHANGED && r->folded) {
			buf_puts(out, "  ");
			folded_words(r, l, 1, out);
			buf_putc(out, '\n');
		}
	}
}

/* A page's address in the published site: url as revdiff_page's (plans/x/)
 * or as the data files write it (plans/x/index.html), after base. */
static void page_href(const char *base, const char *url, struct buf *out)
{
	size_t n = strlen(url);
	if (strcmp(url, "/") == 0 || strcmp(url, "index.html") == 0)
		n = 0;
	else if (has_suffix(url, "/index.html"))
		n -= strlen("index.html");
	buf_puts(out, base);
	buf_put_html(out, url, n);
}

static void html_ops(const struct textdiff_hunk *hk, int side, struct buf *out)
{
	if (hk->cut_before)
		buf_puts(out, "…");
	for (size_t k = 0; k < hk->nops; k++) {
		const struct textdiff_op *op = &hk->ops[k];
		if ((side == 0 && op->kind == TEXTDIFF_INS) || (side == 1 && op->kind == TEXTDIFF_DEL))
			continue;
		const char *tag = op->kind == TEXTDIFF_DEL ? "del" : op->kind == TEXTDIFF_INS ? "ins" : NULL;
		if (tag)
			buf_printf(out, "<%s>", tag);
		for (size_t q = 0; q < op->len;) {
			const char *nl = memchr(op->s + q, '\n', op->len - q);
			size_t e = nl ? (size_t)(nl - op->s) : op->len;
			buf_put_html(out, op->s + q, e - q);
			if (nl)
				buf_puts(out, "<br>");
			q = e + (nl != NULL);
		}
		if (tag)
			buf_printf(out, "</%s>", tag);
	}
	if (hk->cut_after)
		buf_puts(out, "…");
}

static void html_line(struct buf *out, const char *tag, void (*fn)(const void *, enum lang, struct buf *),
                      const void *x, enum lang l)
{
	struct buf w = BUF_INIT;
	fn(x, l, &w);
	buf_printf(out, "<%s>", tag);
	buf_put_html(out, w.data ? w.data : "", w.len);
	buf_printf(out, "</%s>\n", tag);
	buf_free(&w);
}

static void pub_fn(const void *x, enum lang l, struct buf *out)
{
	revdiff_pub_words(x, l, out);
}

void revdiff_write_html(const struct revdiff *r, enum lang l, const struct revdiff_pub pub[2],
                        const char *base, struct buf *out)
{
	int en = l == LANG_EN;
	const char *heading = en ? "Review of a publication" : "发布审阅";
	buf_printf(out, "<!DOCTYPE html>\n<html lang=\"%s\">\n<head>\n<meta charset=\"utf-8\">\n"
	           "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n<title>%s</title>\n",
	           en ? "en" : "zh-CN", heading);
	buf_puts(out, "<style>\n"
	         "body{font-family:\"Noto Sans CJK SC\",\"Microsoft YaHei\",sans-serif;max-width:60em;margin:2em auto;padding:0 1em;line-height:1.7;color:#222}\n"
	         "h1{font-size:1.4em}h2{font-size:1.15em;border-bottom:1px solid #ccc;margin-top:1.5em}\n"
	         "dl.pubs dt{font-weight:bold}dl.pubs dd{margin:0 0 .3em 1.5em}\n"
	         "del{background:#fdd;color:#900;text-decoration:line-through}\n"
	         "ins{background:#dfd;color:#060;text-decoration:none}\n"
	         "table.side{width:100%;border-collapse:collapse;table-layout:fixed;margin:.3em 0}\n"
	         "table.side td,table.side th{border:1px solid #ddd;padding:.2em .5em;vertical-align:top;width:50%;overflow-wrap:anywhere}\n"
	         "table.side th{background:#f4f4f4;font-weight:normal;text-align:left}\n"
	         ".text{white-space:pre-wrap;border-left:3px solid #9c9;padding-left:.8em;margin:.3em 0}\n"
	         ".url{font-family:monospace;color:#555}.folded{color:#555}\n"
	         "@media print{@page{size:A4;margin:18mm 15mm}body{max-width:none;margin:0;font-size:10.5pt}"
	         "a{color:inherit;text-decoration:none}h2{break-after:avoid}table.side tr{break-inside:avoid}"
	         "del{color:#000}ins{color:#000;text-decoration:underline}}\n"
	         "</style>\n</head>\n<body>\n");
	buf_printf(out, "<h1>%s</h1>\n<dl class=\"pubs\">\n<dt>%s</dt>\n", heading, en ? "From" : "原发布");
	html_line(out, "dd", pub_fn, &pub[0], l);
	buf_printf(out, "<dt>%s</dt>\n", en ? "To" : "本次发布");
	html_line(out, "dd", pub_fn, &pub[1], l);
	buf_puts(out, "</dl>\n<p>");
	struct buf c = BUF_INIT;
	if (revdiff_empty(r))
		buf_puts(&c, en ? "No changes." : "没有变化。");
	else
		counts(r, l, &c);
	while (c.len && c.data[c.len - 1] == '\n')
		c.len--;
	buf_put_html(out, c.data ? c.data : "", c.len);
	buf_free(&c);
	buf_puts(out, "</p>\n");
	int nsec = 0;
	if (r->nplans) {
		buf_puts(out, "<h2>");
		section_word(SEC_PLANS, &nsec, l, out);
		buf_puts(out, "</h2>\n<ul>\n");
		for (size_t i = 0; i < r->nplans; i++) {
			struct buf w = BUF_INIT;
			revdiff_plan_words(&r->plans[i], l, &w);
			buf_puts(out, "<li>");
			if (r->plans[i].url) {
				buf_puts(out, "<a href=\"");
				page_href(base, r->plans[i].url, out);
				buf_puts(out, "\">");
			}
			buf_put_html(out, w.data ? w.data : "", w.len);
			buf_puts(out, r->plans[i].url ? "</a></li>\n" : "</li>\n");
			buf_free(&w);
		}
		buf_puts(out, "</ul>\n");
	}
	if (r->ntasks) {
		buf_puts(out, "<h2>");
		section_word(SEC_TASKS, &nsec, l, out);
		buf_puts(out, "</h2>\n<ul>\n");
		for (size_t i = 0; i < r->ntasks; i++) {
			const struct revdiff_task *t = &r->tasks[i];
			struct buf w = BUF_INIT;
			revdiff_task_words(r, t, l, &w);
			buf_puts(out, "<li>");
			if (t->url && t->change != REVDIFF_REMOVED) {
				buf_puts(out, "<a href=\"");
				page_href(base, t->url, out);
				buf_puts(out, "\">");
			}
			buf_put_html(out, w.data ? w.data : "", w.len);
			buf_puts(out, t->url && t->change != REVDIFF_REMOVED ? "</a></li>\n" : "</li>\n");
			buf_free(&w);
		}
		buf_puts(out, "</ul>\n");
	}
	static const int order[] = { SEC_ADDED, SEC_CHANGED, SEC_REMOVED };
	static const enum revdiff_change kinds[] = { REVDIFF_ADDED, REVDIFF_CHANGED, REVDIFF_REMOVED };
	for (int s = 0; s < 3; s++) {
		if (!count_pages(r, kinds[s], 0))
			continue;
		buf_puts(out, "<h2>");
		section_word(order[s], &nsec, l, out);
		buf_puts(out, "</h2>\n<ul>\n");
		for (size_t i = 0; i < r->npages; i++) {
			const struct revdiff_page *p = &r->pages[i];
			if (p->change != kinds[s] || p->folded)
				continue;
			buf_puts(out, "<li>");
			if (p->change != REVDIFF_REMOVED) {
				buf_puts(out, "<a href=\"");
				page_href(base, p->url, out);
				buf_puts(out, "\">");
			}
			if (*p->title)
				buf_put_html(out, p->title, (size_t)shown_title(r, p->title));
			else
				buf_put_html(out, p->url, strlen(p->url));
			buf_puts(out, p->change != REVDIFF_REMOVED ? "</a>" : "");
			buf_puts(out, " <span class=\"url\">");
			buf_put_html(out, p->url, strlen(p->url));
			buf_puts(out, "</span>");
			if (p->text) {
				buf_puts(out, "\n<div class=\"text\">");
				buf_put_html(out, p->text, p->textlen);
				buf_puts(out, p->text_cut ? "\n…</div>" : "</div>");
			}
			if (p->nhunks) {
				buf_printf(out, "\n<table class=\"side\">\n<tr><th>%s</th><th>%s</th></tr>\n",
				           en ? "Before" : "修改前", en ? "After" : "修改后");
				for (size_t h = 0; h < p->nhunks; h++) {
					buf_puts(out, "<tr><td>");
					html_ops(&p->hunks[h], 0, out);
					buf_puts(out, "</td><td>");
					html_ops(&p->hunks[h], 1, out);
					buf_puts(out, "</td></tr>\n");
				}
				buf_puts(out, "</table>");
			}
			buf_puts(out, "</li>\n");
		}
		if (kinds[s] == REVDIFF_CHANGED && r->folded) {
			struct buf w = BUF_INIT;
			folded_words(r, l, 0, &w);
			buf_puts(out, "<li class=\"folded\"><details><summary>");
			buf_put_html(out, w.data, w.len);
			buf_puts(out, "</summary>");
			for (size_t i = 0, k = 0; i < r->npages; i++) {
				const struct revdiff_page *p = &r->pages[i];
				if (!p->folded)
					continue;
				buf_puts(out, k++ ? "、" : "");
				buf_puts(out, "<a href=\"");
				page_href(base, p->url, out);
				buf_puts(out, "\">");
				buf_put_html(out, p->url, strlen(p->url));
				buf_puts(out, "</a>");
			}
			buf_puts(out, "</details></li>\n");
			buf_free(&w);
		}
		buf_puts(out, "</ul>\n");
	}
	buf_puts(out, "</body>\n</html>\n");
}

static const char *change_key(enum revdiff_change c)
{
	return c == REVDIFF_ADDED ? "added" : c == REVDIFF_REMOVED ? "removed" : "changed";
}

static struct value *pair_str(struct arena *a, const char *x, const char *y)
{
	struct pos p = { 0 };
	struct value *v = value_array(a, p);
	value_push(a, v, x ? value_cstring(a, x, p) : value_null(a, p));
	value_push(a, v, y ? value_cstring(a, y, p) : value_null(a, p));
	return v;
}

struct value *revdiff_to_value(struct arena *a, const struct revdiff *r, enum lang l)
{
	struct pos p = { 0 };
	struct value *root = value_table(a, p), *sum = value_table(a, p);
	value_setc(a, sum, "added", value_int(a, (int64_t)r->added, p));
	value_setc(a, sum, "changed", value_int(a, (int64_t)r->changed, p));
	value_setc(a, sum, "removed", value_int(a, (int64_t)r->removed, p));
	value_setc(a, sum, "files_added", value_int(a, (int64_t)r->files_added, p));
	value_setc(a, sum, "files_changed", value_int(a, (int64_t)r->files_changed, p));
	value_setc(a, sum, "files_removed", value_int(a, (int64_t)r->files_removed, p));
	value_setc(a, root, "summary", sum);
	struct value *pages = value_array(a, p);
	for (size_t i = 0; i < r->npages; i++) {
		const struct revdiff_page *pg = &r->pages[i];
		struct value *v = value_table(a, p), *hs = value_array(a, p);
		value_setc(a, v, "change", value_cstring(a, change_key(pg->change), p));
		value_setc(a, v, "path", value_cstring(a, pg->path, p));
		value_setc(a, v, "url", value_cstring(a, pg->url, p));
		value_setc(a, v, "title", value_cstring(a, pg->title, p));
		for (size_t h = 0; h < pg->nhunks; h++) {
			const struct textdiff_hunk *hk = &pg->hunks[h];
			struct value *hv = value_table(a, p), *ops = value_array(a, p);
			value_setc(a, hv, "cut_before", value_bool(a, hk->cut_before, p));
			value_setc(a, hv, "cut_after", value_bool(a, hk->cut_after, p));
			for (size_t k = 0; k < hk->nops; k++) {
				struct value *op = value_array(a, p);
				const char *kind = hk->ops[k].kind == TEXTDIFF_DEL ? "-" : hk->ops[k].kind == TEXTDIFF_INS ? "+" : "=";
				value_push(a, op, value_cstring(a, kind, p));
				value_push(a, op, value_string(a, hk->ops[k].s, hk->ops[k].len, p));
				value_push(a, ops, op);
			}
			value_setc(a, hv, "ops", ops);
			value_push(a, hs, hv);
		}
		value_setc(a, v, "hunks", hs);
		value_setc(a, v, "folded", value_bool(a, pg->folded, p));
		value_setc(a, v, "text", pg->text ? value_string(a, pg->text, pg->textlen, p) : value_null(a, p));
		value_push(a, pages, v);
	}
	value_setc(a, root, "pages", pages);
	struct value *tasks = value_array(a, p);
	for (size_t i = 0; i < r->ntasks; i++) {
		const struct revdiff_task *t = &r->tasks[i];
		struct value *v = value_table(a, p), *pr = value_array(a, p);
		struct buf w = BUF_INIT;
		revdiff_task_words(r, t, l, &w);
		value_setc(a, v, "change", value_cstring(a, change_key(t->change), p));
		value_setc(a, v, "id", value_cstring(a, t->id ? t->id : "", p));
		value_setc(a, v, "plan", value_cstring(a, t->plan ? t->plan : "", p));
		value_setc(a, v, "number", value_cstring(a, t->number ? t->number : "", p));
		value_setc(a, v, "title", value_cstring(a, t->title ? t->title : "", p));
		value_setc(a, v, "words", value_string(a, w.data ? w.data : "", w.len, p));
		buf_free(&w);
		for (int s = 0; s < 2; s++)
			value_push(a, pr, t->progress[s] >= 0 ? value_int(a, t->progress[s], p) : value_null(a, p));
		value_setc(a, v, "progress", pr);
		value_setc(a, v, "status", pair_str(a, t->status[0], t->status[1]));
		value_setc(a, v, "due", pair_str(a, t->due[0], t->due[1]));
		value_setc(a, v, "extended", value_bool(a, t->reason != NULL, p));
		value_setc(a, v, "reason", t->reason && *t->reason ? value_cstring(a, t->reason, p) : value_null(a, p));
		value_setc(a, v, "lead", pair_str(a, t->lead[0], t->lead[1]));
		value_setc(a, v, "support", pair_str(a, t->support[0], t->support[1]));
		value_setc(a, v, "url", t->url ? value_cstring(a, t->url, p) : value_null(a, p));
		struct value *md = value_array(a, p), *mn = value_array(a, p), *ac = value_array(a, p);
		for (int q = 0; q < 2; q++)
			value_push(a, md, value_int(a, t->ms_done[q], p));
		value_setc(a, v, "milestones_done", md);
		for (size_t q = 0; q < t->nms_new; q++)
			value_push(a, mn, value_cstring(a, t->ms_new[q], p));
		value_setc(a, v, "milestones_completed", mn);
		for (size_t q = 0; q < t->nactuals; q++) {
			struct value *x = value_table(a, p);
			value_setc(a, x, "metric", value_cstring(a, t->actuals[q].metric, p));
			value_setc(a, x, "unit", t->actuals[q].unit ? value_cstring(a, t->actuals[q].unit, p) : value_null(a, p));
			value_setc(a, x, "actual", pair_str(a, t->actuals[q].value[0], t->actuals[q].value[1]));
			value_push(a, ac, x);
		}
		value_setc(a, v, "actuals", ac);
		value_push(a, tasks, v);
	}
	value_setc(a, root, "tasks", tasks);
	struct value *plans = value_array(a, p);
	for (size_t i = 0; i < r->nplans; i++) {
		const struct revdiff_plan *pl = &r->plans[i];
		struct value *v = value_table(a, p), *pr = value_array(a, p), *cs = value_table(a, p);
		struct buf w = BUF_INIT;
		revdiff_plan_words(pl, l, &w);
		value_setc(a, v, "change", value_cstring(a, change_key(pl->change), p));
		value_setc(a, v, "id", value_cstring(a, pl->id ? pl->id : "", p));
		value_setc(a, v, "title", value_cstring(a, pl->title ? pl->title : "", p));
		value_setc(a, v, "url", pl->url ? value_cstring(a, pl->url, p) : value_null(a, p));
		value_setc(a, v, "words", value_string(a, w.data ? w.data : "", w.len, p));
		buf_free(&w);
		for (int q = 0; q < 2; q++)
			value_push(a, pr, pl->progress[q] >= 0 ? value_int(a, pl->progress[q], p) : value_null(a, p));
		value_setc(a, v, "progress", pr);
		for (int k = 0; k < REVDIFF_NCOUNTS; k++) {
			struct value *c = value_array(a, p);
			for (int q = 0; q < 2; q++)
				value_push(a, c, pl->counts[q][k] >= 0 ? value_int(a, pl->counts[q][k], p) : value_null(a, p));
			value_setc(a, cs, revdiff_count_key(k), c);
		}
		value_setc(a, v, "counts", cs);
		value_push(a, plans, v);
	}
	value_setc(a, root, "plans", plans);
	struct value *fo = value_table(a, p), *fp = value_array(a, p);
	struct buf fw = BUF_INIT;
	if (r->folded)
		folded_words(r, l, 0, &fw);
	value_setc(a, fo, "count", value_int(a, (int64_t)r->folded, p));
	value_setc(a, fo, "words", value_string(a, fw.data ? fw.data : "", fw.len, p));
	buf_free(&fw);
	for (size_t i = 0; i < r->npages; i++)
		if (r->pages[i].folded)
			value_push(a, fp, value_cstring(a, r->pages[i].url, p));
	value_setc(a, fo, "pages", fp);
	value_setc(a, root, "folded", fo);
	struct value *ao = value_array(a, p);
	for (int q = 0; q < 2; q++)
		value_push(a, ao, r->as_of[q] ? value_cstring(a, r->as_of[q], p) : value_null(a, p));
	value_setc(a, root, "as_of", ao);
	return root;
}
