/* notice.c: 督办通知 for overdue tasks, and each lead unit's notices together. */
#include "notice.h"

#include <string.h>

#include "binrec.h"
#include "buf.h"
#include "gantt.h"
#include "slug.h"
#include "utf8.h"

static const struct pos nopos = { 0 };

/* The most keys a notice's table has (one_notice). */
#define NOTICE_KEYS 32

static struct value *text(struct arena *a, const char *s)
{
	return value_cstring(a, s, nopos);
}

static int is_true(const struct value *v)
{
	return v && v->kind == V_BOOL && v->u.b;
}

/* A plan id or task number as one folder of a path: as it is when it is
 * plainly one ("demo-2019", "3", "1.2", "十"), else its slug. */
static const char *segment(struct arena *a, const char *s)
{
	int plain = *s && *s != '.';
	for (const char *p = s; *p && plain; p++) {
		unsigned char c = (unsigned char)*p;
		plain = c >= 0x80 || IS_ASCII_ALNUM(c) || c == '-' || c == '_' || c == '.';
	}
	if (plain)
		return s;
	struct buf b = BUF_INIT;
	slug_make(s, strlen(s), &b);
	const char *r = arena_strdup(a, buf_cstr(&b));
	buf_free(&b);
	return r;
}

/* "a、b、c" (Chinese) or "a, b, c". */
static struct value *joined(struct arena *a, const struct value *list, enum lang l)
{
	struct buf b = BUF_INIT;
	for (size_t i = 0; i < value_len(list); i++) {
		if (i)
			buf_puts(&b, l == LANG_EN ? ", " : "、");
		buf_puts(&b, value_str(value_at(list, i), ""));
	}
	struct value *v = value_string(a, b.data ? b.data : "", b.len, nopos);
	buf_free(&b);
	return v;
}

static struct value *date_text(struct arena *a, int64_t days, enum lang l)
{
	struct buf b = BUF_INIT;
	struct datetime dt = { .kind = DT_DATE };
	datetime_set_days(&dt, days);
	lang_date(l, &dt, &b);
	struct value *v = value_string(a, b.data, b.len, nopos);
	buf_free(&b);
	return v;
}

static const char *label(const struct notice_opts *o, const char *key, const char *fallback)
{
	return value_str(value_get(o->i18n, key), fallback);
}

/* The line of site.toml that value v stands on, for a message (NULL when
 * the text is not at hand). */
static const char *line_of(const struct notice_opts *o, const struct value *v, size_t *len)
{
	size_t s = 0, e = 0;
	*len = 0;
	if (!o->cfg_src || !diag_line_span(o->cfg_src, o->cfg_len, v->pos.line, &s, &e))
		return NULL;
	*len = e - s;
	return o->cfg_src + s;
}

static int64_t reply_days(const struct notice_opts *o, struct diags *d)
{
	const struct value *v = value_get(o->params, "notice_reply_days");
	size_t len;
	if (!v)
		return NOTICE_REPLY_DAYS;
	if (v->kind != V_INT || v->u.i < 1 || v->u.i > NOTICE_REPLY_DAYS_MAX) {
		const char *line = line_of(o, v, &len);
		diag_add(d, DIAG_WARNING, "site.toml", v->pos.line, v->pos.col, line, len,
		         "params.notice_reply_days must be a whole number of days from 1 to %d; using %d",
		         NOTICE_REPLY_DAYS_MAX, NOTICE_REPLY_DAYS);
		return NOTICE_REPLY_DAYS;
	}
	return v->u.i;
}

static const char *prefix(const struct notice_opts *o, struct diags *d)
{
	const char *def = o->lang == LANG_EN ? NOTICE_PREFIX_EN : NOTICE_PREFIX_ZH;
	const struct value *v = value_get(o->params, "notice_prefix");
	size_t len;
	if (!v)
		return def;
	if (v->kind != V_STRING || !v->u.str.len || memchr(v->u.str.s, '\n', v->u.str.len)) {
		const char *line = line_of(o, v, &len);
		diag_add(d, DIAG_WARNING, "site.toml", v->pos.line, v->pos.col, line, len,
		         "params.notice_prefix must be one line of text; using '%s'", def);
		return def;
	}
	return v->u.str.s;
}

/* The latest bulletin update of task t (its history's last entry that a
 * bulletin made), or NULL. */
static const struct value *latest_update(const struct value *t)
{
	const struct value *h = value_get(t, "history");
	for (size_t i = value_len(h); i-- > 0;)
		if (value_get(value_at(h, i), "bulletin_url") || value_get(value_at(h, i), "bulletin_title"))
			return value_at(h, i);
	return NULL;
}

static const char *folder_url(struct arena *a, const struct notice_opts *o, const char *dir)
{
	return o->index_links ? arena_printf(a, "%sindex.html", dir) : dir;
}

/* The notice of overdue task t of plan p. */
static struct value *one_notice(struct arena *a, const struct value *p, const struct value *t, int64_t now,
                                const struct notice_opts *o, int64_t reply, const char *pre, const char *dir)
{
	struct value *n = value_table(a, nopos);
	/* Its keys (literals, borrowed): 2, 13 of the task's, 4 of the plan's,
	 * 12 more and the units' collections, room made once. */
	value_reserve(a, n, NOTICE_KEYS);
	const char *plan = value_str(value_get(p, "id"), ""), *number = value_str(value_get(t, "number"), "");
	int y, m, dd;
	datetime_from_days(now, &y, &m, &dd);
	value_set_key(a, n, "doc_no", text(a, o->lang == LANG_EN ? arena_printf(a, "%s (%d) %s-%s", pre, y, plan, number)
	                                                     : arena_printf(a, "%s〔%d〕%s-%s号", pre, y, plan, number)));
	value_set_key(a, n, "url", text(a, folder_url(a, o, dir)));
	/* due is the deadline in effect; an extended task also says its first
	 * one (due_original_text) within {{#extension}}. */
	static const char *const from_task[] = { "id", "number", "title", "url", "lead", "support", "due",
	                                         "due_text", "due_original_text", "extension", "progress",
	                                         "status", "status_text" };
	for (size_t i = 0; i < sizeof from_task / sizeof *from_task; i++) {
		struct value *v = value_get(t, from_task[i]);
		if (v)
			value_set_key(a, n, strcmp(from_task[i], "url") == 0 ? "task_url" : from_task[i], v);
	}
	static const char *const from_plan[][2] = { { "id", "plan" }, { "title", "plan_title" },
	                                           { "doc_no", "plan_doc_no" }, { "url", "plan_url" } };
	for (size_t i = 0; i < sizeof from_plan / sizeof *from_plan; i++) {
		struct value *v = value_get(p, from_plan[i][0]);
		if (v)
			value_set_key(a, n, from_plan[i][1], v);
	}
	value_set_key(a, n, "lead_text", joined(a, value_get(t, "lead"), o->lang));
	value_set_key(a, n, "support_text", joined(a, value_get(t, "support"), o->lang));
	value_set_key(a, n, "has_support", value_bool(a, value_len(value_get(t, "support")) > 0, nopos));
	int64_t due = now;
	gantt_day(value_get(t, "due"), &due);
	value_set_key(a, n, "days_overdue", value_int(a, now - due, nopos));
	value_set_key(a, n, "as_of_text", date_text(a, now, o->lang));
	value_set_key(a, n, "reply_days", value_int(a, reply, nopos));
	value_set_key(a, n, "reply_by_text", date_text(a, now + reply, o->lang));
	datetime_from_days(now + reply, &y, &m, &dd);
	value_set_key(a, n, "reply_by", text(a, arena_printf(a, "%04d-%02d-%02d", y, m, dd)));
	/* Who issues: [params] notice_office or office, else the plan's issuer. */
	const char *office = o->office ? o->office : value_str(value_get(p, "issuer"), o->site_title);
	value_set_key(a, n, "office", text(a, office));
	const struct value *u = latest_update(t);
	value_set_key(a, n, "has_update", value_bool(a, u != NULL, nopos));
	if (u) {
		struct value *uv = value_table(a, nopos);
		value_reserve(a, uv, 7);
		static const char *const from_update[] = { "date", "date_text", "progress", "status_text", "note",
		                                           "bulletin_title", "bulletin_url" };
		for (size_t i = 0; i < sizeof from_update / sizeof *from_update; i++) {
			struct value *v = value_get(u, from_update[i]);
			if (v)
				value_set_key(a, uv, from_update[i], v);
		}
		value_set_key(a, n, "update", uv);
	}
	return n;
}

static struct notice_page *add_page(struct arena *a, struct notice_set *out, size_t *cap, const char *dir,
                                    const char *title, const char *tpl)
{
	if (out->n == *cap) {
		size_t nc = *cap ? 2 * *cap : 16;
		out->pages = arena_realloc(a, out->pages, *cap * sizeof *out->pages, nc * sizeof *out->pages);
		*cap = nc;
	}
	struct notice_page *pg = &out->pages[out->n++];
	*pg = (struct notice_page){ .url = dir, .out = arena_printf(a, "%sindex.html", dir), .title = title,
	                            .tpl = tpl, .key = tpl };
	return pg;
}

/* binrec_index_find's test: notice page i is the one of task id name. */
static int same_task(const void *ud, size_t i, const char *name, size_t len)
{
	const char *id = value_str(value_get(((const struct notice_page *)ud)[i].task, "id"), "");
	return strlen(id) == len && memcmp(id, name, len) == 0;
}

/* notice_url on each entry of list whose task has a notice (x indexes the
 * notice pages by task id: an overdue list of thousands is read once). */
static void mark(struct arena *a, const struct value *list, const struct binrec_index *x, const struct notice_set *s,
                 struct value **urls)
{
	for (size_t i = 0; i < value_len(list); i++) {
		struct value *e = value_at(list, i);
		const char *id = e && e->kind == V_TABLE ? value_str(value_get(e, "id"), NULL) : NULL;
		size_t at = id ? binrec_index_find(x, id, strlen(id), same_task, s->pages) : 0;
		if (at)
			value_set_key(a, e, "notice_url", urls[at - 1]);
	}
}

void notice_make(struct arena *a, struct value *site, const struct notice_opts *o, struct notice_set *out,
                 struct diags *d)
{
	int64_t now;
	size_t cap = 0;
	*out = (struct notice_set){ .o = *o };
	if (gantt_day(value_get(site, "as_of"), &now) < 0)
		return;
	out->now = now;
	out->reply = reply_days(o, d);
	out->pre = prefix(o, d);
	const char *title = label(o, "notice_title", "督办通知");
	const struct value *plans = value_get(site, "plans");
	for (size_t i = 0; i < value_len(plans); i++) {
		const struct value *p = value_at(plans, i);
		const struct value *tasks = value_get(p, "tasks");
		for (size_t k = 0; k < value_len(tasks); k++) {
			const struct value *t = value_at(tasks, k);
			if (!is_true(value_get(t, "overdue")))
				continue;
			const char *dir = arena_printf(a, NOTICE_DIR "/%s/%s/", segment(a, value_str(value_get(p, "id"), "")),
			                               segment(a, value_str(value_get(t, "number"), "")));
			struct notice_page *pg = add_page(a, out, &cap, dir, arena_printf(a, "%s%s%s", title,
			                                  label(o, "colon", "："), value_str(value_get(t, "title"), "")), "notice");
			pg->plan = p;
			pg->task = t;
		}
	}
	out->nnotices = out->n;
	/* Each notice's url, as its page.notice.url says it. */
	struct value **urls = arena_alloc(a, (out->nnotices + 1) * sizeof *urls);
	struct binrec_index x;
	binrec_index_init(&x, out->nnotices);
	for (size_t k = 0; k < out->nnotices; k++) {
		const char *id = value_str(value_get(out->pages[k].task, "id"), "");
		binrec_index_add(&x, id, strlen(id), k);
		urls[k] = text(a, folder_url(a, o, out->pages[k].url));
	}
	mark(a, value_get(site, "overdue"), &x, out, urls);
	for (size_t i = 0; i < value_len(plans); i++)
		mark(a, value_get(value_at(plans, i), "overdue"), &x, out, urls);
	binrec_index_free(&x);
	if (!o->collections)
		return;
	/* Each lead unit's notices, in the order of site.units. */
	const struct value *units = value_get(site, "units");
	size_t *mine = arena_alloc(a, (out->nnotices + 1) * sizeof *mine);
	for (size_t i = 0; i < value_len(units); i++) {
		struct value *u = value_at(units, i);
		const char *name = value_str(value_get(u, "name"), ""), *slug = value_str(value_get(u, "slug"), "");
		if (!*slug || strcmp(segment(a, slug), slug) != 0)
			continue;
		size_t n = 0;
		for (size_t k = 0; k < out->nnotices; k++) {
			const struct value *lead = value_get(out->pages[k].task, "lead");
			for (size_t j = 0; j < value_len(lead); j++)
				if (strcmp(value_str(value_at(lead, j), ""), name) == 0) {
					mine[n++] = k;
					break;
				}
		}
		if (!n)
			continue;
		const char *dir = arena_printf(a, "units/%s/" NOTICE_DIR "/", slug);
		struct value *url = text(a, folder_url(a, o, dir));
		value_set_key(a, u, "notices_url", url);
		struct value *link = value_table(a, nopos);
		value_set_key(a, link, "unit", text(a, name));
		value_set_key(a, link, "url", url);
		for (size_t k = 0; k < n; k++) {
			struct notice_page *pg = &out->pages[mine[k]];
			if (!pg->collections)
				pg->collections = value_array(a, nopos);
			value_push(a, pg->collections, link);
		}
		struct notice_page *pg = add_page(a, out, &cap, dir, arena_printf(a, "%s%s", name, label(o, "notices_of", "督办通知")),
		                                  "notices");
		pg->unit = name;
		pg->nlist = n;
		pg->list = arena_alloc(a, n * sizeof *pg->list);
		memcpy(pg->list, mine, n * sizeof *mine);
	}
}

/* The notice of page k (a task's), with the unit pages that list it. */
static struct value *notice_of(struct arena *a, const struct notice_set *s, size_t k)
{
	const struct notice_page *pg = &s->pages[k];
	struct value *n = one_notice(a, pg->plan, pg->task, s->now, &s->o, s->reply, s->pre, pg->url);
	if (pg->collections)
		value_set_key(a, n, "collections", pg->collections);
	return n;
}

struct value *notice_data(struct arena *a, const struct notice_set *s, size_t k)
{
	const struct notice_page *pg = &s->pages[k];
	if (k < s->nnotices)
		return notice_of(a, s, k);
	struct value *list = value_array(a, nopos), *c = value_table(a, nopos);
	value_reserve(a, list, pg->nlist);
	for (size_t i = 0; i < pg->nlist; i++)
		value_push(a, list, notice_of(a, s, pg->list[i]));
	value_set_key(a, c, "unit", text(a, pg->unit));
	value_set_key(a, c, "notices", list);
	value_set_key(a, c, "count", value_int(a, (int64_t)pg->nlist, nopos));
	value_set_key(a, c, "url", text(a, folder_url(a, &s->o, pg->url)));
	return c;
}
