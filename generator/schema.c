/* schema.c: the front matter keys of typed pages, one table, and their check. */
#include "schema.h"

#include <stdarg.h>
#include <string.h>

#include "buf.h"
#include "config.h"
#include "i18n.h"
#include "utf8.h"

/* Every key planpress reads from a typed page's front matter, declared once
 * (planpress-content(7) gives the same rows). */
const struct schema_key schema_keys[] = {
	{ SM_PAGE, "title", "text", "the file name", SM_NONE, "the page's title" },
	{ SM_PAGE, "type", "text", "none, or the section's cascade", SM_NONE,
	  "plan, task or bulletin (or a layout type of your own on a plain page)" },
	{ SM_PAGE, "date", "date", "none", SM_NONE, "the page's date; required for a bulletin" },
	{ SM_PAGE, "weight", "integer", "none", SM_NONE, "list order (lower first); a task's weight is its importance" },
	{ SM_PAGE, "draft", "true or false", "false", SM_NONE, "left out of the build unless --drafts" },
	{ SM_PAGE, "slug", "name", "the file name", SM_NONE, "the last part of the page's address" },
	{ SM_PAGE, "layout", "name", "by type and kind", SM_NONE, "the template to render the page with" },
	{ SM_PAGE, "params", "map", "{}", SM_NONE, "fields of your own, passed to templates as they are" },
	{ SM_PAGE, "generated_by", "text", "none", SM_NONE,
	  "\"planpress import\": written by the importer, which may write it again" },
	{ SM_SECTION, "cascade", "map", "none", SM_CASCADE, "defaults for the pages under this _index.md" },
	{ SM_CASCADE, "type", "text", "none", SM_NONE, "the type of every page under the section that gives none" },

	{ SM_PLAN, "id", "name without '/'", "the folder's name", SM_NONE, "the plan's id in task references" },
	{ SM_PLAN, "issuer", "text", "none", SM_NONE, "who issued the plan" },
	{ SM_PLAN, "doc_no", "text", "none", SM_NONE, "the document number, like 新街党〔2018〕12号" },
	{ SM_PLAN, "short_title", "text", "doc_no, else the title", SM_NONE,
	  "the plan's name where many plans' tasks are listed (a unit's page)" },
	{ SM_PLAN, "notice_title", "text", "none", SM_NONE, "the title of the notice that issued the plan" },
	{ SM_PLAN, "source", "file name", "none", SM_NONE, "the document the plan was imported from" },
	{ SM_PLAN, "parent", "plan id", "none", SM_NONE, "the plan an annex's plan belongs to (written by the importer)" },
	{ SM_PLAN, "period", "[first, last] years", "none", SM_NONE, "the years the plan runs" },
	{ SM_PLAN, "start", "date", "none", SM_NONE, "when the plan starts; the importer writes the document's date" },
	{ SM_PLAN, "yearly_themes", "map of year to text", "{}", SM_NONE, "each year's theme" },
	{ SM_PLAN, "sections", "list of sections", "[]", SM_PLAN_SECTION, "the plan's chapters, for tasks' section" },
	{ SM_PLAN_SECTION, "number", "text or number", "required", SM_NONE, "the chapter's number, like 二" },
	{ SM_PLAN_SECTION, "title", "text", "required", SM_NONE, "the chapter's title" },

	{ SM_TASK, "number", "text or number", "required", SM_NONE, "the task's number in its plan: 21 or \"1.1\"" },
	{ SM_TASK, "plan", "plan id", "the plan folder above", SM_NONE, "the plan the task belongs to" },
	{ SM_TASK, "section", "text or number", "none", SM_NONE, "the number of one of the plan's sections" },
	{ SM_TASK, "subsection", "text", "none", SM_NONE, "the number of the sub-section in the plan's text" },
	{ SM_TASK, "lead", "unit or list of units", "[]", SM_NONE, "the lead units (牵头单位)" },
	{ SM_TASK, "support", "unit or list of units", "[]", SM_NONE, "the supporting units (配合单位)" },
	{ SM_TASK, "start", "date", "none", SM_NONE, "when work starts" },
	{ SM_TASK, "due", "date", "none", SM_NONE, "the deadline" },
	{ SM_TASK, "status", "status", "from progress", SM_NONE,
	  "not_started, in_progress, done, delayed or cancelled" },
	{ SM_TASK, "progress", "0..100", "0", SM_NONE, "per cent done before any bulletin" },
	{ SM_TASK, "milestones", "list of milestones", "[]", SM_MILESTONE, "dated steps" },
	{ SM_TASK, "targets", "list of targets", "[]", SM_TARGET, "measured goals" },
	{ SM_MILESTONE, "what", "text", "required", SM_NONE, "the step, named as bulletins name it" },
	{ SM_MILESTONE, "due", "date", "required", SM_NONE, "when it is due" },
	{ SM_MILESTONE, "done", "true or false", "false", SM_NONE, "done before any bulletin" },
	{ SM_TARGET, "metric", "text", "required", SM_NONE, "what is measured, in full" },
	{ SM_TARGET, "id", "short name", "none", SM_NONE, "a short name for actuals:, unique in the task" },
	{ SM_TARGET, "target", "number", "required", SM_NONE, "the value to reach" },
	{ SM_TARGET, "unit", "text", "\"\"", SM_NONE, "the unit shown after numbers, like %" },
	{ SM_TARGET, "actual", "number", "none", SM_NONE, "the value reached before any bulletin" },

	{ SM_BULLETIN, "unit", "text", "none", SM_NONE, "the unit that reports" },
	{ SM_BULLETIN, "plan", "plan id", "none", SM_NONE, "the plan that short task numbers refer to" },
	{ SM_BULLETIN, "updates", "list of updates", "[]", SM_UPDATE, "what changed, task by task" },
	{ SM_UPDATE, "task", "task id or number", "required", SM_NONE, "\"plan-id/21\", or 21 within the bulletin's plan" },
	{ SM_UPDATE, "progress", "0..100", "unchanged", SM_NONE, "per cent done now" },
	{ SM_UPDATE, "status", "status", "from progress, else unchanged", SM_NONE,
	  "not_started, in_progress, done, delayed or cancelled" },
	{ SM_UPDATE, "note", "text", "none", SM_NONE, "what happened" },
	{ SM_UPDATE, "milestones_done", "list of text", "[]", SM_NONE, "milestones done now, by their what" },
	{ SM_UPDATE, "actuals", "map of target to number", "{}", SM_NONE, "values reached, by target id or metric" },
	{ SM_UPDATE, "due", "date", "unchanged", SM_NONE,
	  "an extension (延期): the task's new deadline, later than its current one; needs reason" },
	{ SM_UPDATE, "reason", "text", "none", SM_NONE, "why the deadline was extended; only with due" },
};

const size_t schema_nkeys = sizeof schema_keys / sizeof schema_keys[0];

/* How far before a value its key is looked for (a key and a long block of
 * comments between it and its value). */
#define SCHEMA_KEY_LOOKBACK 4096

const struct schema_key *schema_find(enum schema_map m, const char *key, size_t keylen)
{
	for (size_t i = 0; i < schema_nkeys; i++)
		if (schema_keys[i].map == m && strlen(schema_keys[i].name) == keylen &&
		    memcmp(schema_keys[i].name, key, keylen) == 0)
			return &schema_keys[i];
	return NULL;
}

const char *schema_key_name(const char *key, size_t keylen)
{
	if (!keylen)
		return NULL;
	for (size_t i = 0; i < schema_nkeys; i++) {
		const char *n = schema_keys[i].name;
		if (n[0] == key[0] && strlen(n) == keylen && memcmp(n, key, keylen) == 0)
			return n;
	}
	return NULL;
}

const char *schema_map_name(enum schema_map m)
{
	switch (m) {
	case SM_PAGE: return _("a page");
	case SM_SECTION: return _("a section");
	case SM_PLAN: return _("a plan");
	case SM_TASK: return _("a task");
	case SM_BULLETIN: return _("a bulletin");
	case SM_PLAN_SECTION: return _("a plan's section");
	case SM_MILESTONE: return _("a milestone");
	case SM_TARGET: return _("a target");
	case SM_UPDATE: return _("an update");
	case SM_CASCADE: return _("cascade");
	default: return _("front matter");
	}
}

/* The keys a map of kind m may hold: its own, and a page's own when m is a
 * type. out has room for every key of the table. */
static size_t known_keys(enum schema_map m, int section, const char **out)
{
	size_t n = 0;
	for (size_t i = 0; i < schema_nkeys; i++) {
		enum schema_map k = schema_keys[i].map;
		int page = m == SM_PLAN || m == SM_TASK || m == SM_BULLETIN;
		if (k == m || (page && k == SM_PAGE) || (page && section && k == SM_SECTION))
			out[n++] = schema_keys[i].name;
	}
	return n;
}

const char *schema_suggest(enum schema_map m, const char *key)
{
	const char *known[sizeof schema_keys / sizeof schema_keys[0]];
	size_t n = known_keys(m, 1, known);
	return config_suggest(key, known, n);
}

static const struct schema_key *rule_of(enum schema_map m, const char *key, size_t keylen)
{
	int page = m == SM_PLAN || m == SM_TASK || m == SM_BULLETIN;
	const struct schema_key *r = schema_find(m, key, keylen);
	if (!r && page)
		r = schema_find(SM_PAGE, key, keylen);
	if (!r && page)
		r = schema_find(SM_SECTION, key, keylen);
	return r;
}

const struct value *schema_mend(struct arena *a, enum schema_map m, const struct value *t)
{
	if (!t || t->kind != V_TABLE)
		return t;
	size_t i;
	for (i = 0; i < value_len(t); i++) {
		const struct value_pair *kv = value_pair_at(t, i);
		if (!rule_of(m, kv->key, value_pair_keylen(kv)))
			break;
	}
	if (i == value_len(t))
		return t;
	struct value *out = value_table(a, t->pos);
	for (i = 0; i < value_len(t); i++) {
		const struct value_pair *kv = value_pair_at(t, i);
		const char *hint = NULL;
		if (!rule_of(m, kv->key, value_pair_keylen(kv)) && strlen(kv->key) == value_pair_keylen(kv))
			hint = schema_suggest(m, kv->key);
		if (hint && !value_get(t, hint))
			value_setc(a, out, hint, value_pair_val(kv));
		else
			value_set(a, out, kv->key, value_pair_keylen(kv), value_pair_val(kv));
	}
	return out;
}

static enum schema_map type_map(const char *type)
{
	if (strcmp(type, "plan") == 0)
		return SM_PLAN;
	if (strcmp(type, "task") == 0)
		return SM_TASK;
	if (strcmp(type, "bulletin") == 0)
		return SM_BULLETIN;
	return SM_NONE;
}

/* The byte offset of a position in src, or len when it has none there. */
static size_t pos_offset(const char *src, size_t len, const struct pos *p)
{
	size_t s, e;
	if (p->line <= 0 || !diag_line_span(src, len, p->line, &s, &e))
		return len;
	size_t i = s;
	for (int c = 1; c < p->col && i < e; c++) {
		size_t n = 1;
		utf8_decode(src + i, e - i, &n);
		i += n ? n : 1;
	}
	return i;
}

struct pos schema_key_pos(const char *src, size_t len, const char *key, size_t keylen,
                          const struct value *v)
{
	struct pos pos = v->pos;
	size_t at = pos_offset(src, len, &pos);
	if (at >= len || !keylen)
		return pos;
	size_t stop = at > SCHEMA_KEY_LOOKBACK ? at - SCHEMA_KEY_LOOKBACK : 0;
	/* The last "key:" (or "key =", quoted or not) before the value. */
	for (size_t i = at; i-- > stop;) {
		if (i + keylen > at || memcmp(src + i, key, keylen) != 0)
			continue;
		size_t k = i + keylen;
		if (k < at && (src[k] == '"' || src[k] == '\''))
			k++;
		while (k < at && (src[k] == ' ' || src[k] == '\t'))
			k++;
		if (k < at && (src[k] == ':' || src[k] == '=')) {
			size_t b = i;
			if (b > 0 && (src[b - 1] == '"' || src[b - 1] == '\''))
				b--;
			diag_linecol(src, len, b, &pos.line, &pos.col);
			return pos;
		}
	}
	return pos;
}

struct check {
	struct arena *a;
	const struct page *p;
	struct diags *d;
	int failed;
};

static void key_error(struct check *k, const struct value_pair *kv, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void key_error(struct check *k, const struct value_pair *kv, const char *fmt, ...)
{
	const struct page *p = k->p;
	struct pos pos = schema_key_pos(p->src, p->len, kv->key, value_pair_keylen(kv), value_pair_val(kv));
	size_t s = 0, e = 0;
	int have = pos.line > 0 && diag_line_span(p->src, p->len, pos.line, &s, &e);
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, _(fmt), ap);
	va_end(ap);
	diag_add(k->d, DIAG_ERROR, p->path, pos.line, pos.col, have ? p->src + s : NULL, e - s, "%s",
	         buf_cstr(&m));
	buf_free(&m);
	k->failed = 1;
}

/* The name (schema_map_name) of the type whose own key this is (not a
 * page's common key), or NULL. */
static const char *owner_type(const char *key, size_t keylen, enum schema_map except)
{
	static const enum schema_map types[] = { SM_BULLETIN, SM_TASK, SM_PLAN };
	for (size_t i = 0; i < 3; i++)
		if (types[i] != except && schema_find(types[i], key, keylen))
			return schema_map_name(types[i]);
	return NULL;
}

static void check_map(struct check *k, enum schema_map m, const struct value *t);

/* A key's value: the maps in it follow the key's child map. */
static void check_child(struct check *k, const struct schema_key *rule, const struct value *v)
{
	if (rule->child == SM_NONE)
		return;
	if (v->kind == V_TABLE)
		check_map(k, rule->child, v);
	for (size_t i = 0; v->kind == V_ARRAY && i < value_len(v); i++)
		if (value_at(v, i)->kind == V_TABLE)
			check_map(k, rule->child, value_at(v, i));
}

/* One map of kind m (a typed page's front matter, or a map inside it). */
static void check_map(struct check *k, enum schema_map m, const struct value *t)
{
	int page = m == SM_PLAN || m == SM_TASK || m == SM_BULLETIN;
	for (size_t i = 0; i < value_len(t); i++) {
		const struct value_pair *kv = value_pair_at(t, i);
		if (page && strcmp(kv->key, "cascade") == 0)
			continue;   /* check_cascade's, on any page */
		const struct schema_key *rule = schema_find(m, kv->key, value_pair_keylen(kv));
		if (!rule && page)
			rule = schema_find(SM_PAGE, kv->key, value_pair_keylen(kv));
		if (rule) {
			check_child(k, rule, value_pair_val(kv));
			continue;
		}
		if (strlen(kv->key) != value_pair_keylen(kv)) {
			key_error(k, kv, "unknown key in %s (it holds a NUL byte)", schema_map_name(m));
			continue;
		}
		const char *other = page ? owner_type(kv->key, value_pair_keylen(kv), m) : NULL;
		const char *hint = schema_suggest(m, kv->key);
		if (other)
			key_error(k, kv, "'%s' is a key of %s, and this page is %s: move it, or change the "
			          "page's type", kv->key, other, schema_map_name(m));
		else if (hint)
			key_error(k, kv, "unknown key '%s' in %s; did you mean '%s'?", kv->key, schema_map_name(m), hint);
		else if (page)
			key_error(k, kv, "unknown key '%s' in %s (planpress-content(7) lists its keys; "
			          "put fields of your own under 'params:')", kv->key, schema_map_name(m));
		else
			key_error(k, kv, "unknown key '%s' in %s (planpress-content(7) lists its keys)",
			          kv->key, schema_map_name(m));
	}
}

/* A plain page: free, but a bulletin's own keys say it was meant to be one,
 * and so does a type one typo away from a known one with keys of that type. */
static const char *check_plain(struct check *k, const struct value *t)
{
	static const char *const types[] = { "plan", "task", "bulletin" };
	const char *meant = *k->p->type ? config_suggest(k->p->type, types, 3) : NULL;
	const struct value_pair *kv;
	for (size_t i = 0; meant && (kv = value_pair_at(t, i)); i++) {
		if (schema_find(type_map(meant), kv->key, value_pair_keylen(kv)) && strcmp(kv->key, "updates") != 0) {
			const struct value_pair *tk = NULL;
			for (size_t j = 0; (tk = value_pair_at(t, j)) && strcmp(tk->key, "type"); j++)
				;
			key_error(k, tk ? tk : kv, "unknown page type '%s' for a page with '%s'; did you mean '%s'?",
			          k->p->type, kv->key, meant);
			return meant;   /* read as what was meant, for the rest of the check */
		}
	}
	for (size_t i = 0; (kv = value_pair_at(t, i)); i++) {
		if (strcmp(kv->key, "updates") != 0)
			continue;
		if (*k->p->type)
			key_error(k, kv, "'updates' is a key of a bulletin, and this page's type is '%s': "
			          "say 'type: bulletin'", k->p->type);
		else
			key_error(k, kv, "'updates' is a key of a bulletin, and this page is not one: add "
			          "'type: bulletin' to its front matter, or 'cascade: {type: bulletin}' to its "
			          "section's _index.md");
	}
	return NULL;
}

/* cascade: {type: ...} on a section, checked, and what it gives. */
static const char *cascade_type(struct check *k, const struct page *s)
{
	const struct value *c = schema_mend(k->a, SM_CASCADE, value_get(s->meta, "cascade"));
	if (!c)
		return NULL;
	const struct value *t = value_get(c, "type");
	return t && t->kind == V_STRING && t->u.str.len ? t->u.str.s : NULL;
}

static void check_cascade(struct check *k)
{
	const struct page *p = k->p;
	const struct value_pair *kv;
	for (size_t i = 0; (kv = value_pair_at(p->meta, i)); i++) {
		if (strcmp(kv->key, "cascade") != 0)
			continue;
		if (p->kind == PAGE_PAGE) {
			key_error(k, kv, "'cascade' belongs in a section's _index.md, where it gives the pages "
			          "under it their defaults");
			continue;
		}
		if (value_pair_val(kv)->kind != V_TABLE) {
			key_error(k, kv, "'cascade' must be a map, like {type: bulletin}");
			continue;
		}
		check_map(k, SM_CASCADE, value_pair_val(kv));
		const struct value *t = value_get(value_pair_val(kv), "type");
		if (t && (t->kind != V_STRING || !t->u.str.len)) {
			struct value_pair tk = value_pair_of("type", 4, t);
			key_error(k, &tk, "cascade's 'type' must be a type's name, like bulletin");
		}
	}
}

struct value *schema_params(struct arena *a, const struct page *p)
{
	const struct value *extra = value_get(p->meta, "params");
	if (!extra || extra->kind != V_TABLE || !value_len(extra))
		return p->meta;
	struct value *t = value_table(a, p->meta->pos);
	value_fill(a, t, p->meta);
	for (size_t i = 0; i < value_len(extra); i++) {
		const struct value_pair *kv = value_pair_at(extra, i);
		if (!value_getn(p->meta, kv->key, value_pair_keylen(kv)))
			value_set(a, t, kv->key, value_pair_keylen(kv), value_pair_val(kv));
	}
	return t;
}

int schema_check(struct arena *a, struct content *c, struct diags *d)
{
	int failed = 0;
	/* Cascade first: a page's type decides its schema. A section's own
	 * _index.md keeps its type; the pages under it take the nearest one. */
	for (size_t i = 0; i < c->npages; i++) {
		struct page *p = c->pages[i];
		if (p->kind != PAGE_PAGE || *p->type || p->failed)
			continue;
		for (const struct page *s = p->parent; s; s = s->parent) {
			struct check k = { a, s, d, 0 };
			const char *t = cascade_type(&k, s);
			if (t) {
				p->type = t;
				break;
			}
		}
	}
	for (size_t i = 0; i < c->npages; i++) {
		struct page *p = c->pages[i];
		if (!p->meta || !p->src)
			continue;
		struct check k = { a, p, d, 0 };
		enum schema_map m = type_map(p->type);
		check_cascade(&k);
		const char *meant = m == SM_NONE ? check_plain(&k, p->meta) : NULL;
		if (meant) {
			p->type = meant;
			m = type_map(meant);
		}
		if (m != SM_NONE)
			check_map(&k, m, p->meta);
		failed |= k.failed;
	}
	return failed ? -1 : 0;
}
