/* config.c: the site.toml schema, its defaults and its checks. */
#include "config.h"
#include "sandbox.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "i18n.h"
#include "toml.h"
#include "utf8.h"

/* One row per key: where it lives, what kind it must be, and what it is for
 * (the same words as planpress.5). */
enum key_kind { K_STRING, K_INT, K_BOOL, K_DATE, K_STRINGS, K_TABLE_FREE, K_TABLE, K_MENU };

struct key_rule {
	const char *table;   /* "" for the top level */
	const char *name;
	enum key_kind kind;
};

static const struct key_rule schema[] = {
	{ "", "title", K_STRING },
	{ "", "language", K_STRING },
	{ "", "base_url", K_STRING },
	{ "", "theme", K_STRING },
	{ "", "as_of", K_DATE },
	{ "", "summary_length", K_INT },
	{ "", "index_links", K_BOOL },
	{ "", "paginate", K_INT },
	{ "", "menu", K_TABLE },
	{ "", "markdown", K_TABLE },
	{ "", "lua", K_TABLE },
	{ "", "publish", K_TABLE },
	{ "", "params", K_TABLE_FREE },
	{ "markdown", "engine", K_STRING },
	{ "markdown", "unsafe_html", K_BOOL },
	{ "lua", "hooks", K_STRINGS },
	{ "lua", "budget", K_INT },
	{ "lua", "memory_mib", K_INT },
	{ "lua", "time_limit", K_INT },
	{ "menu", "main", K_MENU },
	{ "publish", "repo", K_STRING },
	{ "publish", "branch", K_STRING },
	{ "publish", "author_name", K_STRING },
	{ "publish", "author_email", K_STRING },
	{ "publish", "tag", K_STRING },
	{ "publish", "remote", K_STRING },
	{ "publish", "worktree", K_STRING },
};

/* Summary lengths past this are a typo rather than a summary. */
#define CONFIG_MAX_SUMMARY 10000
#define CONFIG_MAX_PAGINATE 100000

void config_defaults(struct config *c)
{
	memset(c, 0, sizeof *c);
	c->title = "";
	c->language = "zh-CN";
	c->base_url = "";
	c->theme = "default";
	c->summary_length = 120;
	c->index_links = 1;
	c->paginate = 20;
	c->engine = CONFIG_MD4C;
	c->publish.branch = "main";
}

static size_t edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b);
	if (la > 64 || lb > 64)
		return 99;
	size_t row[65];
	for (size_t j = 0; j <= lb; j++)
		row[j] = j;
	for (size_t i = 1; i <= la; i++) {
		size_t prev = row[0];
		row[0] = i;
		for (size_t j = 1; j <= lb; j++) {
			size_t cur = row[j];
			size_t best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = cur;
		}
	}
	return row[lb];
}

const char *config_suggest(const char *name, const char *const *known, size_t n)
{
	const char *best = NULL;
	size_t bestd = 3;
	for (size_t i = 0; i < n; i++) {
		size_t dist = edit_distance(name, known[i]);
		if (dist < bestd) {
			bestd = dist;
			best = known[i];
		}
	}
	return best;
}

static const char *kind_word(enum key_kind k)
{
	switch (k) {
	case K_STRING: return _("a string");
	case K_INT: return _("an integer");
	case K_BOOL: return _("true or false");
	case K_DATE: return _("a date (YYYY-MM-DD)");
	case K_STRINGS: return _("an array of strings");
	case K_MENU: return _("a list of [[menu.main]] entries with name and url");
	default: return _("a table");
	}
}

static int kind_ok(enum key_kind k, const struct value *v)
{
	switch (k) {
	case K_STRING: return v->kind == V_STRING;
	case K_INT: return v->kind == V_INT;
	case K_BOOL: return v->kind == V_BOOL;
	case K_DATE: return v->kind == V_DATETIME && v->u.dt.kind == DT_DATE;
	case K_STRINGS:
		if (v->kind != V_ARRAY)
			return 0;
		for (size_t i = 0; i < value_len(v); i++)
			if (value_at(v, i)->kind != V_STRING)
				return 0;
		return 1;
	case K_MENU:
		if (v->kind != V_ARRAY)
			return 0;
		for (size_t i = 0; i < value_len(v); i++)
			if (value_at(v, i)->kind != V_TABLE)
				return 0;
		return 1;
	default: return v->kind == V_TABLE;
	}
}

/* Reports at the value's position, with its line from src. */
static void err_at(struct diags *d, const char *path, const char *src, size_t len,
                   const struct pos *p, const char *fmt, ...) __attribute__((format(printf, 6, 7)));

static void err_at(struct diags *d, const char *path, const char *src, size_t len,
                   const struct pos *p, const char *fmt, ...)
{
	size_t s = 0, e = 0;
	int have = p->line > 0 && diag_line_span(src, len, p->line, &s, &e);
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, _(fmt), ap);
	va_end(ap);
	diag_add(d, DIAG_ERROR, path, p->line, p->col, have ? src + s : NULL, e - s, "%s", buf_cstr(&m));
	buf_free(&m);
}

/* Where the key itself stands on its value's line, so the caret points at it. */
static struct pos key_pos(const char *src, size_t len, const struct value_pair *p)
{
	struct pos pos = value_pair_val(p)->pos;
	size_t s, e;
	if (pos.line > 0 && diag_line_span(src, len, pos.line, &s, &e)) {
		for (size_t i = s; i + value_pair_keylen(p) <= e; i++) {
			if (memcmp(src + i, p->key, value_pair_keylen(p)) == 0) {
				pos.col = (int)utf8_count(src + s, i - s) + 1;
				break;
			}
		}
	}
	return pos;
}

/* Each [[menu.main]] entry: name and url, both strings, nothing else. */
static int check_menu(const struct value *items, const char *path, const char *src, size_t len,
                      struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < value_len(items); i++) {
		const struct value *it = value_at(items, i);
		for (size_t k = 0; k < value_len(it); k++) {
			const struct value_pair *p = value_pair_at(it, k);
			if ((strcmp(p->key, "name") && strcmp(p->key, "url")) || value_pair_val(p)->kind != V_STRING) {
				struct pos kp = key_pos(src, len, p);
				err_at(d, path, src, len, &kp, "a menu entry has a string 'name' and a string 'url', not '%s'",
				       p->key);
				rc = -1;
			}
		}
		if (!value_get(it, "name") || !value_get(it, "url")) {
			err_at(d, path, src, len, &it->pos, "a menu entry needs both 'name' and 'url'");
			rc = -1;
		}
	}
	return rc;
}

static int check_table(const char *table, const struct value *t, const char *path,
                       const char *src, size_t len, struct diags *d)
{
	int rc = 0;
	const char *known[sizeof schema / sizeof schema[0]];
	size_t nknown = 0;
	for (size_t i = 0; i < sizeof schema / sizeof schema[0]; i++)
		if (strcmp(schema[i].table, table) == 0)
			known[nknown++] = schema[i].name;
	for (size_t i = 0; i < value_len(t); i++) {
		const struct value_pair *p = value_pair_at(t, i);
		const struct key_rule *rule = NULL;
		for (size_t k = 0; k < sizeof schema / sizeof schema[0]; k++)
			if (strcmp(schema[k].table, table) == 0 && strcmp(schema[k].name, p->key) == 0)
				rule = &schema[k];
		if (!rule) {
			const char *hint = config_suggest(p->key, known, nknown);
			const char *dot = *table ? "." : "";
			struct pos kp = key_pos(src, len, p);
			if (hint)
				err_at(d, path, src, len, &kp,
				       "unknown key '%s%s%s' in site.toml; did you mean '%s'?", table, dot, p->key, hint);
			else
				err_at(d, path, src, len, &kp,
				       "unknown key '%s%s%s' in site.toml (planpress(5) lists the keys)", table, dot, p->key);
			rc = -1;
			continue;
		}
		if (!kind_ok(rule->kind, value_pair_val(p))) {
			err_at(d, path, src, len, &value_pair_val(p)->pos, "'%s' must be %s", p->key, kind_word(rule->kind));
			rc = -1;
			continue;
		}
		if (rule->kind == K_TABLE && check_table(p->key, value_pair_val(p), path, src, len, d) < 0)
			rc = -1;
		if (rule->kind == K_MENU && check_menu(value_pair_val(p), path, src, len, d) < 0)
			rc = -1;
	}
	return rc;
}

int config_load(struct arena *a, const char *path, const char *src, size_t len,
                struct config *c, struct diags *d)
{
	config_defaults(c);
	struct value *root = toml_parse(a, path, src, 0, len, d);
	if (!root)
		return -1;
	c->root = root;
	if (check_table("", root, path, src, len, d) < 0)
		return -1;
	int rc = 0;
	struct value *v;
	c->title = value_str(value_get(root, "title"), c->title);
	c->base_url = value_str(value_get(root, "base_url"), c->base_url);
	c->theme = value_str(value_get(root, "theme"), c->theme);
	if ((v = value_get(root, "language"))) {
		if (strcmp(v->u.str.s, "zh-CN") && strcmp(v->u.str.s, "en")) {
			err_at(d, path, src, len, &v->pos, "language must be \"zh-CN\" or \"en\", got \"%s\"",
			       v->u.str.s);
			rc = -1;
		}
		c->language = v->u.str.s;
	}
	if ((v = value_get(root, "as_of"))) {
		c->as_of = v->u.dt;
		c->has_as_of = 1;
	}
	if ((v = value_get(root, "summary_length"))) {
		if (v->u.i < 1 || v->u.i > CONFIG_MAX_SUMMARY) {
			err_at(d, path, src, len, &v->pos, "summary_length must be 1..10000 characters");
			rc = -1;
		}
		c->summary_length = (long)v->u.i;
	}
	if ((v = value_get(root, "paginate"))) {
		if (v->u.i < 1 || v->u.i > CONFIG_MAX_PAGINATE) {
			err_at(d, path, src, len, &v->pos, "paginate must be 1..100000 entries");
			rc = -1;
		}
		c->paginate = (long)v->u.i;
	}
	if ((v = value_get(root, "index_links")))
		c->index_links = v->u.b;
	if ((v = value_path(root, "markdown.engine"))) {
		if (strcmp(v->u.str.s, "md4c") == 0) {
			c->engine = CONFIG_MD4C;
		} else if (strcmp(v->u.str.s, "cmark") == 0) {
			c->engine = CONFIG_CMARK;
		} else {
			err_at(d, path, src, len, &v->pos,
			       "markdown.engine must be \"md4c\" or \"cmark\", got \"%s\"", v->u.str.s);
			rc = -1;
		}
	}
	if ((v = value_path(root, "markdown.unsafe_html")))
		c->unsafe_html = v->u.b;
	if ((v = value_path(root, "lua.hooks"))) {
		c->nhooks = value_len(v);
		c->hooks = arena_alloc(a, (value_len(v) + 1) * sizeof(char *));
		for (size_t i = 0; i < value_len(v); i++)
			c->hooks[i] = value_at(v, i)->u.str.s;
	}
	if ((v = value_path(root, "lua.budget"))) {
		if (v->u.i < 1000)
			err_at(d, path, src, len, &v->pos, "budget must be at least 1000 instructions"), rc = -1;
		else
			c->lua_budget = (uint64_t)v->u.i;
	}
	if ((v = value_path(root, "lua.memory_mib"))) {
		if (v->u.i < 1 || v->u.i > 65536)
			err_at(d, path, src, len, &v->pos, "memory_mib must be 1..65536"), rc = -1;
		else
			c->lua_memory = (size_t)v->u.i << 20;
	}
	if ((v = value_path(root, "lua.time_limit"))) {
		if (v->u.i < 1 || v->u.i > SANDBOX_MAX_SECONDS)
			err_at(d, path, src, len, &v->pos, "time_limit must be 1..%u seconds",
			       SANDBOX_MAX_SECONDS), rc = -1;
		else
			c->lua_seconds = (unsigned)v->u.i;
	}
	struct value *pub = value_get(root, "publish");
	c->publish.repo = value_str(value_get(pub, "repo"), NULL);
	c->publish.branch = value_str(value_get(pub, "branch"), c->publish.branch);
	c->publish.author_name = value_str(value_get(pub, "author_name"), NULL);
	c->publish.author_email = value_str(value_get(pub, "author_email"), NULL);
	c->publish.tag = value_str(value_get(pub, "tag"), NULL);
	c->publish.remote = value_str(value_get(pub, "remote"), NULL);
	c->publish.worktree = value_str(value_get(pub, "worktree"), NULL);
	c->params = value_get(root, "params");
	return rc;
}
