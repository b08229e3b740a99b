/* import.c: reads an official plan document, runs the import rules
 * (lua/import.lua) on it, and makes the plan's JSON form, report and content files. */
#include "import.h"

#include <dirent.h>
#include <errno.h>
#include <iconv.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <lauxlib.h>
#include <lua.h>

#include "cntext.h"
#include "content.h"
#include "datadir.h"
#include "docread.h"
#include "i18n.h"
#include "json.h"
#include "luaval.h"
#include "output.h"
#include "sandbox.h"
#include "sha1.h"
#include "utf8.h"
#include "xalloc.h"


/* ---- reading ------------------------------------------------------------ */

static int slurp(const char *path, struct buf *out, struct diags *d)
{
	if (buf_read_file_max(out, path, IMPORT_MAX_INPUT) == 0)
		return 0;
	if (errno == EFBIG)
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "larger than %u bytes: not a plan document",
		         IMPORT_MAX_INPUT);
	else
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
	return -1;
}

/* GB18030 to UTF-8; returns 0 or -1. */
static int from_gb18030(const char *s, size_t len, struct buf *out)
{
	iconv_t cd = iconv_open("UTF-8", "GB18030");
	if (cd == (iconv_t)-1)
		return -1;
	int rc = 0;
	char *in = (char *)s;
	size_t inleft = len;
	char tmp[4096];
	while (inleft > 0) {
		char *o = tmp;
		size_t oleft = sizeof tmp;
		size_t r = iconv(cd, &in, &inleft, &o, &oleft);
		buf_put(out, tmp, sizeof tmp - oleft);
		if (r == (size_t)-1 && errno != E2BIG) {
			rc = -1;
			break;
		}
	}
	iconv_close(cd);
	return rc;
}

int import_utf8(const char *path, const char **s, size_t *len, struct buf *conv, struct diags *d)
{
	size_t bad = utf8_invalid_at(*s, *len);
	if (bad == *len)
		return 0;
	if (!utf8_looks_gb18030(*s, *len) || from_gb18030(*s, *len, conv) < 0 ||
	    utf8_invalid_at(conv->data, conv->len) != conv->len) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "neither UTF-8 nor GB18030 (first bad byte at offset %zu)",
		         bad);
		return -1;
	}
	*s = conv->data;
	*len = conv->len;
	return 0;
}

void import_repair(const char *src, size_t len, struct buf *out)
{
	size_t i = 0;
	while (i < len) {
		size_t j = i;
		while (j < len && src[j] != '\n' && src[j] != '\r')
			j++;
		/* A TAB separates the cells of a table row (the .docx reader writes
		 * rows so): each cell is repaired alone and the TABs are kept. */
		size_t c = i;
		while (c <= j) {
			size_t e = c;
			while (e < j && src[e] != '\t')
				e++;
			cntext_fold_line(src + c, e - c, out);
			if (e < j)
				buf_putc(out, '\t');
			c = e + 1;
		}
		buf_putc(out, '\n');
		if (j < len && src[j] == '\r' && j + 1 < len && src[j + 1] == '\n')
			j++;
		i = j + 1;
	}
}

int import_read(const char *path, struct buf *out, struct diags *d)
{
	return import_read_map(path, out, NULL, d);
}

int import_read_map(const char *path, struct buf *out, struct docread_map *map, struct diags *d)
{
	/* Word and PDF files by their content, whatever their names (docread.h). */
	enum docread_kind kind = docread_detect(path);
	if (kind != DOCREAD_TEXT)
		return docread_text(path, kind, out, map, d);
	struct buf raw = BUF_INIT, conv = BUF_INIT;
	int rc = -1;
	if (slurp(path, &raw, d) < 0)
		goto out;
	const char *s = raw.data ? raw.data : "";
	size_t len = raw.len;
	if (import_utf8(path, &s, &len, &conv, d) < 0)
		goto out;
	size_t bom = utf8_bom(s, len);
	import_repair(s + bom, len - bom, out);
	rc = 0;
out:
	buf_free(&raw);
	buf_free(&conv);
	return rc;
}

char *import_find_rules(const char *explicit_path, const char *site_dir, const char *exe_dir)
{
	if (explicit_path)
		return xstrdup(explicit_path);
	struct arena *a = arena_new();
	int which = -1;
	const char *f = datadir_find(a, site_dir, exe_dir, "lua/import.lua", 0, &which);
	/* A site-relative name reads better in messages: lua/import.lua:12. */
	char *found = !f ? NULL
	              : which == 0 && site_dir && strcmp(site_dir, ".") == 0 ? xstrdup("lua/import.lua")
	              : xstrdup(f);
	arena_free(a);
	return found;
}

char *import_find_shipped_rules(const char *explicit_path, const char *exe_dir)
{
	return import_find_rules(explicit_path, NULL, exe_dir);
}

char *import_find_site_rules(const char *site_dir, const char *shipped)
{
	struct buf p = BUF_INIT;
	struct stat st, sh;
	buf_printf(&p, "%s/lua/import.lua", site_dir ? site_dir : ".");
	char *path = NULL;
	if (stat(buf_cstr(&p), &st) == 0 && S_ISREG(st.st_mode) &&
	    !(shipped && stat(shipped, &sh) == 0 && sh.st_dev == st.st_dev && sh.st_ino == st.st_ino))
		path = xstrdup(site_dir && strcmp(site_dir, ".") != 0 ? buf_cstr(&p) : "lua/import.lua");
	buf_free(&p);
	return path;
}

/* ---- the rules' helpers: the `import` module ---------------------------- */

static int l_number(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lua_Integer i = luaL_optinteger(L, 2, 1);
	if (i < 1 || (size_t)i > len + 1)
		return luaL_argerror(L, 2, _("position out of range"));
	long v;
	size_t used;
	if (!cntext_number(s + i - 1, len - (size_t)(i - 1), &v, &used))
		return 0;
	lua_pushinteger(L, v);
	lua_pushinteger(L, i + (lua_Integer)used);
	return 2;
}

static int l_date(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	lua_Integer year = luaL_optinteger(L, 2, 0);
	struct cntext_date dt;
	if (year < 0 || year > 9999 || !cntext_date(s, len, (int)year, &dt))
		return 0;
	if (dt.year) {
		char iso[16];
		snprintf(iso, sizeof iso, "%04d-%02d-%02d", dt.year, dt.month, dt.day);
		lua_pushstring(L, iso);
	} else
		lua_pushboolean(L, 0);
	lua_pushboolean(L, dt.relative);
	lua_pushinteger(L, dt.precision);
	return 3;
}

struct split_ctx {
	lua_State *L;
	int n;
};

static void split_emit(void *ud, const char *part, size_t len)
{
	struct split_ctx *c = ud;
	lua_pushlstring(c->L, part, len);
	lua_rawseti(c->L, -2, ++c->n);
}

static int l_split(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	const char *seps = luaL_optstring(L, 2, "、，");
	if (utf8_invalid_at(s, len) != len)
		return luaL_argerror(L, 1, _("not UTF-8"));
	lua_newtable(L);
	struct split_ctx c = { L, 0 };
	cntext_split(s, len, seps, split_emit, &c);
	return 1;
}

static int l_fold(lua_State *L)
{
	size_t len;
	const char *s = luaL_checklstring(L, 1, &len);
	if (utf8_invalid_at(s, len) != len)
		return luaL_argerror(L, 1, _("not UTF-8"));
	struct buf b = BUF_INIT;
	/* The buffer is freed before anything can raise. */
	cntext_fold_line(s, len, &b);
	lua_pushlstring(L, b.data ? b.data : "", b.len);
	buf_free(&b);
	return 1;
}

static const luaL_Reg import_lib[] = {
	{ "number", l_number },
	{ "date", l_date },
	{ "split", l_split },
	{ "fold", l_fold },
	{ NULL, NULL },
};

/* ---- Lua tables to the value tree ---------------------------------------- */

/* Key order of the JSON form; keys not listed follow in byte order. */
static const char *const key_order[] = {
	"type", "id", "number", "printed", "line", "title", "notice_title", "issuer", "doc_no", "date",
	"period", "yearly_themes", "sections", "section", "subsection", "group", "lead", "support",
	"deadlines", "due", "due_derived", "targets", "text", "value", "max", "unit", "ratio", "kind",
	"what", "relative", "tasks", "annex_title", "annex_tasks", "unplaced", "warnings",
	"expected", "got", "now", NULL,
};

static int key_rank(const char *k)
{
	for (int i = 0; key_order[i]; i++)
		if (strcmp(key_order[i], k) == 0)
			return i;
	return 1000;
}

struct kv {
	const char *key;
	size_t len;
	int idx;   /* the pair's index in its table */
};

static int kv_cmp(const void *a, const void *b)
{
	const struct kv *x = a, *y = b;
	int rx = key_rank(x->key), ry = key_rank(y->key);
	if (rx != ry)
		return rx < ry ? -1 : 1;
	return strcmp(x->key, y->key);
}

/* Objects whose empty form is {} rather than []. */
static int empty_is_table(const char *key)
{
	return key && (strcmp(key, "yearly_themes") == 0 || strcmp(key, "annex") == 0);
}

/* The document as the JSON form orders it: keys by key_order, then bytewise;
 * empty lists that are tables in the form become tables. Also bounds the
 * nesting (IMPORT_MAX_DEPTH), which the sandbox's own bound is far above. */
static struct value *reorder(struct arena *a, struct value *v, const char *key, int depth,
                             const char *rules, struct diags *d)
{
	struct pos pos = { NULL, 0, 0 };
	if (v->kind != V_ARRAY && v->kind != V_TABLE)
		return v;
	if (depth >= IMPORT_MAX_DEPTH) {
		diag_add(d, DIAG_ERROR, rules, 0, 0, NULL, 0,
		         "the result nests deeper than %d tables", IMPORT_MAX_DEPTH);
		return NULL;
	}
	if (v->kind == V_ARRAY) {
		if (value_len(v) == 0 && empty_is_table(key))
			return value_table(a, pos);
		struct value *arr = value_array(a, pos);
		for (size_t i = 0; i < value_len(v); i++) {
			struct value *c = reorder(a, value_at(v, i), NULL, depth + 1, rules, d);
			if (!c)
				return NULL;
			value_push(a, arr, c);
		}
		return arr;
	}
	size_t nk = value_len(v);
	struct kv *kvs = xmalloc((nk + 1) * sizeof *kvs);
	for (size_t i = 0; i < nk; i++) {
		const struct value_pair *p = value_pair_at(v, i);
		kvs[i].key = p->key;
		kvs[i].len = value_pair_keylen(p);
		kvs[i].idx = (int)i;
	}
	qsort(kvs, nk, sizeof *kvs, kv_cmp);
	struct value *t = value_table(a, pos);
	for (size_t i = 0; i < nk; i++) {
		struct value *c = reorder(a, value_pair_val(value_pair_at(v, (size_t)kvs[i].idx)), kvs[i].key, depth + 1, rules, d);
		if (!c) {
			t = NULL;
			break;
		}
		value_append(a, t, kvs[i].key, kvs[i].len, c);
	}
	free(kvs);
	return t;
}

/* Fills in the fields of the JSON form the rules left out. */
struct field {
	const char *key;
	enum value_kind kind;   /* V_NULL, V_ARRAY, V_TABLE, V_BOOL, V_STRING */
};

static const struct field doc_fields[] = {
	{ "title", V_STRING }, { "notice_title", V_NULL }, { "issuer", V_NULL },
	{ "doc_no", V_NULL }, { "date", V_NULL }, { "period", V_NULL },
	{ "yearly_themes", V_TABLE }, { "sections", V_ARRAY }, { "tasks", V_ARRAY },
	{ "annex_title", V_NULL }, { "annex_tasks", V_ARRAY }, { "unplaced", V_ARRAY },
	{ "body", V_STRING }, { NULL, V_NULL },
};
static const struct field task_fields[] = {
	{ "number", V_NULL }, { "title", V_STRING }, { "section", V_NULL },
	{ "subsection", V_NULL }, { "lead", V_ARRAY }, { "support", V_ARRAY },
	{ "deadlines", V_ARRAY }, { "targets", V_ARRAY }, { "body", V_STRING }, { NULL, V_NULL },
};
static const struct field deadline_fields[] = {
	{ "text", V_STRING }, { "date", V_NULL }, { "what", V_STRING }, { "relative", V_BOOL },
	{ NULL, V_NULL },
};
static const struct field target_fields[] = {
	{ "text", V_STRING }, { "value", V_NULL }, { "unit", V_NULL }, { "kind", V_STRING },
	{ NULL, V_NULL },
};

/* Rebuilds t with fields in order: missing ones get their empty value. */
static struct value *complete(struct arena *a, struct value *t, const struct field *f)
{
	struct pos pos = { NULL, 0, 0 };
	struct value *out = value_table(a, pos);
	if (!value_is(t, V_TABLE))
		t = value_table(a, pos);
	for (; f->key; f++) {
		struct value *v = value_get(t, f->key);
		if (!v || (v->kind == V_ARRAY && f->kind == V_TABLE && value_len(v) == 0)) {
			switch (f->kind) {
			case V_ARRAY: v = value_array(a, pos); break;
			case V_TABLE: v = value_table(a, pos); break;
			case V_BOOL: v = value_bool(a, 0, pos); break;
			case V_STRING: v = value_cstring(a, "", pos); break;
			default: v = value_null(a, pos); break;
			}
		}
		value_setc(a, out, f->key, v);
	}
	value_fill(a, out, t);
	return out;
}

static void complete_tasks(struct arena *a, struct value *tasks)
{
	if (!value_is(tasks, V_ARRAY))
		return;
	for (size_t i = 0; i < value_len(tasks); i++) {
		struct value *t = complete(a, value_at(tasks, i), task_fields);
		struct value *dl = value_get(t, "deadlines"), *tg = value_get(t, "targets");
		for (size_t k = 0; value_is(dl, V_ARRAY) && k < value_len(dl); k++)
			dl->u.arr.v[k] = complete(a, value_at(dl, k), deadline_fields);   /* writes in place */
		for (size_t k = 0; value_is(tg, V_ARRAY) && k < value_len(tg); k++)
			tg->u.arr.v[k] = complete(a, value_at(tg, k), target_fields);   /* writes in place */
		tasks->u.arr.v[i] = t;   /* writes in place */
	}
}

/* One run of the rules, inside sandbox_call. */
struct rules_job {
	struct sandbox *box;
	struct arena *a;
	const char *rules, *src, *text, *plan_id, *due_default;
	const char *site, *site_src;   /* the site's rules that extend them, or NULL */
	size_t srclen, len, site_srclen;
	struct value *raw;
	const char *shape;   /* what the rules returned is not what the form needs */
};

static int run_rules(lua_State *L)
{
	struct rules_job *j = lua_touserdata(L, 1);
	struct luaval_conv cv = { .a = j->a, .who = N_("import rules") };
	lua_settop(L, 0);
	luaval_open(L);
	luaL_newlib(L, import_lib);
	sandbox_add_library(L, "import");
	if (sandbox_load(L, j->src, j->srclen, j->rules) != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 1);
	if (!lua_istable(L, -1)) {
		j->shape = N_("the rules must return a table with a parse function");
		return 0;
	}
	if (j->site) {
		/* The site's rules extend the shipped ones: they get the table, change
		 * it in place, or return one to use instead. */
		j->box->cur = j->site;
		if (sandbox_load(L, j->site_src, j->site_srclen, j->site) != LUA_OK)
			return lua_error(L);
		lua_pushvalue(L, -2);
		lua_call(L, 1, 1);
		if (lua_istable(L, -1))
			lua_remove(L, -2);
		else
			lua_pop(L, 1);
		j->box->cur = j->rules;
	}
	lua_getfield(L, -1, "parse");
	if (!lua_isfunction(L, -1)) {
		j->shape = N_("the rules must return a table with a parse function");
		return 0;
	}
	lua_pushlstring(L, j->text, j->len);
	lua_newtable(L);
	lua_pushstring(L, j->plan_id ? j->plan_id : "plan");
	lua_setfield(L, -2, "plan");
	if (j->due_default) {
		lua_pushstring(L, j->due_default);
		lua_setfield(L, -2, "due_default");
	}
	lua_call(L, 2, 1);
	if (!lua_istable(L, -1)) {
		j->shape = N_("parse must return a table");
		return 0;
	}
	int res = lua_gettop(L);
	luaval_begin(L, &cv, "result");
	j->raw = luaval_to(L, &cv, res, NULL);
	return 0;
}

struct value *import_run(struct arena *a, const char *rules_path, const char *text, size_t len,
                         const char *plan_id, struct diags *d)
{
	return import_run_limited(a, rules_path, text, len, plan_id, NULL, d);
}

struct value *import_run_limited(struct arena *a, const char *rules_path, const char *text,
                                 size_t len, const char *plan_id,
                                 const struct sandbox_opts *limits, struct diags *d)
{
	struct import_opts io = { .plan_id = plan_id, .limits = limits };
	return import_run_opts(a, rules_path, text, len, &io, d);
}

struct value *import_run_opts(struct arena *a, const char *rules_path, const char *text, size_t len,
                              const struct import_opts *io, struct diags *d)
{
	struct value *doc = NULL;
	struct sandbox box;
	struct sandbox_opts o = { 0 };
	const struct sandbox_opts *limits = io->limits;
	struct rules_job j = { .box = &box, .a = a, .rules = rules_path, .text = text, .len = len,
	                       .plan_id = io->plan_id, .due_default = io->due_default,
	                       .site = io->site_rules };
	struct arena *scratch = arena_new();
	char *dir = xstrdup(rules_path), *slash = strrchr(dir, '/');
	if (limits)
		o = *limits;
	if (slash)
		*slash = '\0';
	/* require() finds the rules' own modules beside them, then in the site's lua/ */
	o.lib_dir = slash ? dir : ".";
	o.who = N_("import rules");
	if (content_read_text(scratch, rules_path, rules_path, &j.src, &j.srclen, d) < 0)
		goto out;
	if (j.site && content_read_text(scratch, j.site, j.site, &j.site_src, &j.site_srclen, d) < 0)
		goto out;
	if (sandbox_open(&box, &o, NULL, d) < 0)
		goto close;
	box.cur = rules_path;
	box.d = d;   /* print() in the rules: notes */
	if (sandbox_call(&box, run_rules, &j, d, NULL) != LUA_OK)
		goto close;
	if (j.shape) {
		diag_add(d, DIAG_ERROR, rules_path, 0, 0, NULL, 0, "%s", _(j.shape));
		goto close;
	}
	struct value *raw = reorder(a, j.raw, NULL, 0, rules_path, d);
	if (!raw)
		goto close;
	doc = complete(a, raw, doc_fields);
	complete_tasks(a, value_get(doc, "tasks"));
	complete_tasks(a, value_get(doc, "annex_tasks"));
	struct value *annex = value_get(doc, "annex");
	if (value_is(annex, V_TABLE) && value_is(value_get(annex, "title"), V_STRING))
		value_setc(a, doc, "annex_title", value_get(annex, "title"));
close:
	sandbox_close(&box);
out:
	arena_free(scratch);
	free(dir);
	return doc;
}

static const char *str_or(const struct value *v, const char *fallback);

/* ---- warnings ------------------------------------------------------------ */

static long long int_or(const struct value *v, long long fallback)
{
	if (v && v->kind == V_INT)
		return (long long)v->u.i;
	return fallback;
}

void import_warnings(const struct value *doc, const char *path, struct diags *d)
{
	const struct value *ws = value_get(doc, "warnings");
	for (size_t i = 0; value_is(ws, V_ARRAY) && i < value_len(ws); i++) {
		const struct value *w = value_at(ws, i);
		const char *kind = str_or(value_get(w, "kind"), "");
		const struct value *tv = value_get(w, "text");
		const char *text = str_or(tv, NULL);
		size_t tlen = text ? tv->u.str.len : 0;
		int line = (int)int_or(value_get(w, "line"), 0);
		long long got = int_or(value_get(w, "got"), 0), want = int_or(value_get(w, "expected"), 0);
		const char *got_s = str_or(value_get(w, "got"), "?"), *prev_s = str_or(value_get(w, "prev"), "?");
		if (strcmp(kind, "gap") == 0 && got == want + 1)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "task %lld follows task %lld: number %lld is missing", got, want - 1, want);
		else if (strcmp(kind, "gap") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "task %lld follows task %lld: numbers %lld to %lld are missing", got, want - 1, want,
			         got - 1);
		else if (strcmp(kind, "duplicate") == 0 && got == want - 1)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "task number %lld printed again (the next would be %lld)", got, want);
		else if (strcmp(kind, "duplicate") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "task number %lld after task %lld: printed again or out of order", got, want - 1);
		else if (strcmp(kind, "renumbered") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "task %s is already taken: this one becomes task %s", str_or(value_get(w, "got"), "?"),
			         str_or(value_get(w, "now"), "?"));
		else if (strcmp(kind, "section_gap") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "section %s follows section %s: a number is missing", got_s, prev_s);
		else if (strcmp(kind, "section_duplicate") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "section %s after section %s: a number printed again or out of order", got_s, prev_s);
		else if (strcmp(kind, "subsection_gap") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "subsection （%s） follows （%s）: a number is missing", got_s, prev_s);
		else if (strcmp(kind, "subsection_duplicate") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "subsection （%s） after （%s）: a number printed again or out of order", got_s, prev_s);
		else if (strcmp(kind, "unplaced") == 0)
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen,
			         "line not placed in the plan (listed under unplaced)");
		else if (strcmp(kind, "furniture") == 0)
			diag_add(d, DIAG_NOTE, path, line, 1, text, tlen,
			         "page number or running head left out (listed under unplaced)");
		else
			diag_add(d, DIAG_WARNING, path, line, 1, text, tlen, "%s", str_or(value_get(w, "message"), kind));
	}
}

/* ---- the JSON form ------------------------------------------------------- */

static int internal_key(const char *k)
{
	return strcmp(k, "body") == 0 || strcmp(k, "annex") == 0 ||
	       strcmp(k, "section_title") == 0 || strcmp(k, "subsection_title") == 0;
}

static struct value *strip(struct arena *a, const struct value *v)
{
	struct pos pos = { NULL, 0, 0 };
	if (v->kind == V_ARRAY) {
		struct value *arr = value_array(a, pos);
		for (size_t i = 0; i < value_len(v); i++)
			value_push(a, arr, strip(a, value_at(v, i)));
		return arr;
	}
	if (v->kind == V_TABLE) {
		struct value *t = value_table(a, pos);
		struct value_iter it = value_iter_init(v);
		const char *key;
		size_t keylen;
		struct value *val;
		while (value_next(&it, &key, &keylen, &val))
			if (!internal_key(key))
				value_set(a, t, key, keylen, strip(a, val));
		return t;
	}
	return (struct value *)v;
}

struct value *import_json_value(struct arena *a, const struct value *doc)
{
	return strip(a, doc);
}

void import_json(const struct value *doc, struct buf *out)
{
	struct arena *a = arena_new();
	json_write(strip(a, doc), 1, out);
	buf_putc(out, '\n');
	arena_free(a);
}

/* ---- the report ---------------------------------------------------------- */

static const char *str_or(const struct value *v, const char *fallback)
{
	return value_is(v, V_STRING) ? v->u.str.s : fallback;
}

static void put_list(struct buf *out, const struct value *arr, const char *sep)
{
	for (size_t i = 0; value_is(arr, V_ARRAY) && i < value_len(arr); i++) {
		if (i)
			buf_puts(out, sep);
		value_to_text(value_at(arr, i), out);
	}
}

static void report_tasks(const struct value *tasks, struct buf *out)
{
	for (size_t i = 0; value_is(tasks, V_ARRAY) && i < value_len(tasks); i++) {
		const struct value *t = value_at(tasks, i);
		buf_puts(out, "  ");
		value_to_text(value_get(t, "number"), out);
		buf_printf(out, ". %s\n", str_or(value_get(t, "title"), ""));
		const struct value *lead = value_get(t, "lead"), *sup = value_get(t, "support");
		if (value_is(lead, V_ARRAY) && value_len(lead)) {
			buf_puts(out, "      牵头: ");
			put_list(out, lead, "、");
			buf_putc(out, '\n');
		}
		if (value_is(sup, V_ARRAY) && value_len(sup)) {
			buf_puts(out, "      配合: ");
			put_list(out, sup, "、");
			buf_putc(out, '\n');
		}
		const struct value *dl = value_get(t, "deadlines");
		for (size_t k = 0; value_is(dl, V_ARRAY) && k < value_len(dl); k++) {
			const struct value *x = value_at(dl, k);
			buf_printf(out, "      时限: %s (%s%s) %s\n", str_or(value_get(x, "date"), "?"),
			           str_or(value_get(x, "text"), ""),
			           value_truthy(value_get(x, "relative")) ? ", 年份据上下文" : "",
			           str_or(value_get(x, "what"), ""));
		}
		const struct value *tg = value_get(t, "targets");
		for (size_t k = 0; value_is(tg, V_ARRAY) && k < value_len(tg); k++) {
			const struct value *x = value_at(tg, k);
			buf_puts(out, "      指标: ");
			const struct value *ratio = value_get(x, "ratio");
			if (value_is(ratio, V_STRING)) {
				/* A ratio reads as printed: 1:2, not 2 ratio. */
				buf_printf(out, "%s [%s] %s\n", ratio->u.str.s, str_or(value_get(x, "kind"), ""),
				           str_or(value_get(x, "text"), ""));
				continue;
			}
			value_to_text(value_get(x, "value"), out);
			buf_printf(out, " %s [%s] %s\n", str_or(value_get(x, "unit"), ""),
			           str_or(value_get(x, "kind"), ""), str_or(value_get(x, "text"), ""));
		}
	}
}

void import_report(const struct value *doc, struct buf *out)
{
	buf_printf(out, "title:         %s\n", str_or(value_get(doc, "title"), ""));
	buf_printf(out, "notice title:  %s\n", str_or(value_get(doc, "notice_title"), "-"));
	buf_printf(out, "issuer:        %s\n", str_or(value_get(doc, "issuer"), "-"));
	buf_printf(out, "doc no:        %s\n", str_or(value_get(doc, "doc_no"), "-"));
	buf_printf(out, "date:          %s\n", str_or(value_get(doc, "date"), "-"));
	const struct value *p = value_get(doc, "period");
	buf_puts(out, "period:        ");
	if (value_is(p, V_ARRAY) && value_len(p) == 2) {
		value_to_text(value_at(p, 0), out);
		buf_puts(out, "-");
		value_to_text(value_at(p, 1), out);
	} else {
		buf_puts(out, "-");
	}
	buf_putc(out, '\n');
	const struct value *th = value_get(doc, "yearly_themes");
	for (size_t i = 0; value_is(th, V_TABLE) && i < value_len(th); i++) {
		const struct value_pair *kv = value_pair_at(th, i);
		buf_printf(out, "theme %s:    %s\n", kv->key, str_or(value_pair_val(kv), ""));
	}
	const struct value *secs = value_get(doc, "sections");
	for (size_t i = 0; value_is(secs, V_ARRAY) && i < value_len(secs); i++)
		buf_printf(out, "section %s、%s\n", str_or(value_get(value_at(secs, i), "number"), ""),
		           str_or(value_get(value_at(secs, i), "title"), ""));
	const struct value *tasks = value_get(doc, "tasks");
	buf_printf(out, "tasks:         %zu\n", value_is(tasks, V_ARRAY) ? value_len(tasks) : 0);
	report_tasks(tasks, out);
	const struct value *an = value_get(doc, "annex_tasks");
	if (value_is(an, V_ARRAY) && value_len(an)) {
		buf_printf(out, "annex:         %s\n", str_or(value_get(doc, "annex_title"), ""));
		buf_printf(out, "annex tasks:   %zu\n", value_len(an));
		report_tasks(an, out);
	}
	const struct value *un = value_get(doc, "unplaced");
	size_t nun = value_is(un, V_ARRAY) ? value_len(un) : 0;
	buf_printf(out, "unplaced:      %zu line%s\n", nun, nun == 1 ? "" : "s");
	for (size_t i = 0; i < nun; i++)
		buf_printf(out, "  %s\n", str_or(value_at(un, i), ""));
}

/* ---- YAML ----------------------------------------------------------------- */

static int yaml_keyword(const char *s, size_t n)
{
	static const char *const words[] = { "true", "false", "yes", "no", "on", "off", "null",
	                                     "y", "n", "~", NULL };
	for (int i = 0; words[i]; i++) {
		size_t l = strlen(words[i]);
		if (l != n)
			continue;
		size_t k = 0;
		while (k < n && ASCII_LOWER((unsigned char)s[k]) == words[i][k])
			k++;
		if (k == n)
			return 1;
	}
	return 0;
}

void import_yaml_string(const char *s, size_t n, struct buf *out)
{
	int plain = n > 0 && !yaml_keyword(s, n);
	if (plain) {
		unsigned char c0 = (unsigned char)s[0];
		/* Plain only when it starts with a letter or a non-ASCII character: never
		 * a number, a date, an indicator (- ? : , [ ] { } # & * ! | > ' " % @ `). */
		if (c0 < 0x80 && !IS_ASCII_ALPHA(c0))
			plain = 0;
		if (s[n - 1] == ' ')
			plain = 0;
		for (size_t i = 0; plain && i < n; i++) {
			unsigned char c = (unsigned char)s[i];
			if (c < 0x20 || c == 0x7F || strchr(":#,[]{}&*!|>'\"%@`\\", c))
				plain = 0;
		}
	}
	if (plain) {
		buf_put(out, s, n);
		return;
	}
	buf_putc(out, '"');
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		switch (c) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\t': buf_puts(out, "\\t"); break;
		case '\r': buf_puts(out, "\\r"); break;
		default:
			if (c < 0x20 || c == 0x7F)
				buf_printf(out, "\\x%02X", c);
			else
				buf_putc(out, (char)c);
		}
	}
	buf_putc(out, '"');
}

static void yaml_str(struct buf *out, const struct value *v)
{
	if (value_is(v, V_STRING))
		import_yaml_string(v->u.str.s, v->u.str.len, out);
	else
		buf_puts(out, "\"\"");
}

static void yaml_scalar(struct buf *out, const struct value *v)
{
	if (value_is(v, V_STRING))
		yaml_str(out, v);
	else if (v && (v->kind == V_INT || v->kind == V_FLOAT || v->kind == V_BOOL))
		value_to_text(v, out);
	else
		buf_puts(out, "null");
}

static void yaml_list(struct buf *out, const struct value *arr)
{
	buf_putc(out, '[');
	for (size_t i = 0; value_is(arr, V_ARRAY) && i < value_len(arr); i++) {
		if (i)
			buf_puts(out, ", ");
		yaml_scalar(out, value_at(arr, i));
	}
	buf_putc(out, ']');
}

/* ---- content files ---------------------------------------------------------- */

/* The digest of a page as written, with its mark line bare (IMPORT_MARK
 * alone), as hex in out (IMPORT_DIGEST_HEX + 1 bytes). */
static void page_digest(const char *s, size_t len, size_t mark_at, size_t mark_end, char *out)
{
	struct sha1 h;
	unsigned char raw[20];
	sha1_init(&h);
	sha1_update(&h, s, mark_at);
	sha1_update(&h, IMPORT_MARK, strlen(IMPORT_MARK));
	sha1_update(&h, s + mark_end, len - mark_end);
	sha1_final(&h, raw);
	for (int i = 0; i < 20; i++)
		snprintf(out + 2 * i, 3, "%02x", raw[i]);
}

/* Where the mark line of page s starts and where it ends (before its
 * newline), inside the front matter; 0 when there is none. */
static int find_mark(const char *s, size_t len, size_t *at, size_t *end)
{
	size_t ml = strlen(IMPORT_MARK), i = 0;
	if (len < 4 || memcmp(s, "---\n", 4) != 0)
		return 0;
	i = 4;
	while (i < len) {
		size_t e = i;
		while (e < len && s[e] != '\n')
			e++;
		if (e - i == 3 && memcmp(s + i, "---", 3) == 0)
			return 0;
		if (e - i >= ml && memcmp(s + i, IMPORT_MARK, ml) == 0 &&
		    (e - i == ml || s[i + ml] == ' ')) {
			*at = i;
			*end = e;
			return 1;
		}
		i = e + 1;
	}
	return 0;
}

/* Adds the digest of what is written to the page's mark line:
 * generated_by: planpress import sha1-<hex>. */
static void stamp(struct buf *data)
{
	size_t at, end;
	if (!find_mark(data->data, data->len, &at, &end))
		return;
	char hex[IMPORT_DIGEST_HEX + 1];
	page_digest(data->data, data->len, at, end, hex);
	struct buf out = BUF_INIT;
	buf_put(&out, data->data, end);
	buf_printf(&out, " %s%s", IMPORT_DIGEST_PREFIX, hex);
	buf_put(&out, data->data + end, data->len - end);
	buf_truncate(data, 0);
	buf_put(data, out.data, out.len);
	buf_free(&out);
}

void import_stamp(struct buf *data)
{
	stamp(data);
}

static void add_file(struct import_files *f, char *path, struct buf *data)
{
	stamp(data);
	f->v = xrealloc(f->v, (f->n + 1) * sizeof *f->v);
	f->v[f->n].path = path;
	f->v[f->n].len = data->len;
	f->v[f->n].data = buf_detach(data, NULL);
	if (!f->v[f->n].data)
		f->v[f->n].data = xstrdup("");
	f->n++;
}

static void task_file_name(const struct value *num, struct buf *out)
{
	if (num && num->kind == V_INT)
		buf_printf(out, "%02lld", (long long)num->u.i);
	else
		value_to_text(num, out);
}

static int is_iso_date(const struct value *v)
{
	if (!value_is(v, V_STRING) || v->u.str.len != 10)
		return 0;
	const char *s = v->u.str.s;
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-' : !IS_ASCII_DIGIT(s[i]))
			return 0;
	return 1;
}

static void plan_front(struct buf *b, const struct value *doc, const char *id, const char *title,
                       const struct value *period, const char *parent, const char *source)
{
	buf_puts(b, "---\ntype: plan\nid: ");
	import_yaml_string(id, strlen(id), b);
	buf_puts(b, "\ntitle: ");
	import_yaml_string(title, strlen(title), b);
	buf_putc(b, '\n');
	static const char *const opt[] = { "notice_title", "issuer", "doc_no", NULL };
	for (int i = 0; !parent && opt[i]; i++) {
		const struct value *v = value_get(doc, opt[i]);
		if (value_is(v, V_STRING)) {
			buf_printf(b, "%s: ", opt[i]);
			yaml_str(b, v);
			buf_putc(b, '\n');
		}
	}
	if (parent) {
		buf_puts(b, "parent: ");
		import_yaml_string(parent, strlen(parent), b);
		buf_putc(b, '\n');
	}
	const struct value *date = value_get(doc, "date");
	if (is_iso_date(date)) {
		buf_printf(b, "date: %s\n", date->u.str.s);
		/* The plan runs from the day it was issued, unless staff say otherwise. */
		buf_printf(b, "start: %s  # derived: the document's date\n", date->u.str.s);
	}
	if (value_is(period, V_ARRAY) && value_len(period) == 2) {
		buf_puts(b, "period: ");
		yaml_list(b, period);
		buf_putc(b, '\n');
	}
	const struct value *th = value_get(doc, "yearly_themes");
	if (!parent && value_is(th, V_TABLE) && value_len(th)) {
		buf_puts(b, "yearly_themes: {");
		for (size_t i = 0; i < value_len(th); i++) {
			const struct value_pair *p = value_pair_at(th, i);
			if (i)
				buf_puts(b, ", ");
			import_yaml_string(p->key, value_pair_keylen(p), b);
			buf_puts(b, ": ");
			yaml_str(b, value_pair_val(p));
		}
		buf_puts(b, "}\n");
	}
	const struct value *secs = value_get(doc, "sections");
	if (!parent && value_is(secs, V_ARRAY) && value_len(secs)) {
		buf_puts(b, "sections:\n");
		for (size_t i = 0; i < value_len(secs); i++) {
			buf_puts(b, "  - {number: ");
			yaml_str(b, value_get(value_at(secs, i), "number"));
			buf_puts(b, ", title: ");
			yaml_str(b, value_get(value_at(secs, i), "title"));
			buf_puts(b, "}\n");
		}
	}
	if (source) {
		buf_puts(b, "source: ");
		import_yaml_string(source, strlen(source), b);
		buf_putc(b, '\n');
	}
	buf_puts(b, IMPORT_MARK "\n---\n\n");
}

/* Up to IMPORT_ID_CHARS characters of s that are not punctuation or
 * spaces; stops at a digit when stop_at_digit. */
static void id_words(const char *s, size_t len, int stop_at_digit, struct buf *out)
{
	size_t i = 0, chars = 0;
	while (i < len && chars < IMPORT_ID_CHARS) {
		size_t n = 1;
		uint32_t cp = utf8_decode(s + i, len - i, &n);
		if (!n)
			n = 1;
		if (stop_at_digit && cp < 128 && IS_ASCII_DIGIT(cp))
			break;
		if (!(cp < 128 && (IS_ASCII_SPACE(cp) || IS_ASCII_PUNCT(cp))) && !utf8_is_punct(cp) && cp != 0x3000) {
			buf_put(out, s + i, n);
			chars++;
		}
		i += n;
	}
}

void import_target_id(const char *metric, size_t len, char *const *ids, size_t n, struct buf *out)
{
	struct buf base = BUF_INIT;
	id_words(metric, len, 1, &base);
	if (utf8_count(base.data, base.len) < 2) {
		base.len = 0;
		id_words(metric, len, 0, &base);
	}
	if (!base.len)
		buf_puts(&base, "指标");
	for (int k = 1;; k++) {
		buf_truncate(out, 0);
		buf_put(out, base.data, base.len);
		if (k > 1)
			buf_printf(out, "%d", k);
		size_t i = 0;
		while (i < n && strcmp(ids[i], buf_cstr(out)) != 0)
			i++;
		if (i == n)
			break;
	}
	buf_free(&base);
}

static void task_front(struct buf *b, const struct value *t, size_t weight)
{
	buf_puts(b, "---\ntype: task\nnumber: ");
	yaml_scalar(b, value_get(t, "number"));
	buf_puts(b, "\ntitle: ");
	yaml_str(b, value_get(t, "title"));
	buf_putc(b, '\n');
	static const char *const opt[] = { "section", "subsection", NULL };
	for (int i = 0; opt[i]; i++) {
		const struct value *v = value_get(t, opt[i]);
		if (value_is(v, V_STRING)) {
			buf_printf(b, "%s: ", opt[i]);
			yaml_str(b, v);
			buf_putc(b, '\n');
		}
	}
	buf_puts(b, "lead: ");
	yaml_list(b, value_get(t, "lead"));
	buf_puts(b, "\nsupport: ");
	yaml_list(b, value_get(t, "support"));
	buf_putc(b, '\n');
	/* due: the latest dated deadline. */
	const struct value *dl = value_get(t, "deadlines"), *due = NULL;
	size_t ndated = 0;
	for (size_t k = 0; value_is(dl, V_ARRAY) && k < value_len(dl); k++) {
		const struct value *d = value_get(value_at(dl, k), "date");
		if (!is_iso_date(d))
			continue;
		ndated++;
		if (!due || strcmp(d->u.str.s, due->u.str.s) > 0)
			due = d;
	}
	if (due)
		buf_printf(b, "due: %s\n", due->u.str.s);
	else if (is_iso_date(value_get(t, "due")))
		/* Not printed in the document: the year's end of a yearly list. */
		buf_printf(b, "due: %s  # derived: the end of the task's year (--due-default year-end)\n",
		           value_get(t, "due")->u.str.s);
	buf_printf(b, "weight: %zu\nstatus: not_started\nprogress: 0\n", weight);
	if (ndated) {
		buf_puts(b, "milestones:\n");
		for (size_t k = 0; k < value_len(dl); k++) {
			const struct value *x = value_at(dl, k), *d = value_get(x, "date");
			if (!is_iso_date(d))
				continue;
			buf_printf(b, "  - {due: %s, what: ", d->u.str.s);
			const struct value *what = value_get(x, "what");
			yaml_str(b, value_is(what, V_STRING) && what->u.str.len ? what : value_get(x, "text"));
			buf_puts(b, ", done: false}\n");
		}
	}
	const struct value *tg = value_get(t, "targets");
	if (value_is(tg, V_ARRAY) && value_len(tg)) {
		buf_puts(b, "targets:\n");
		char **ids = xcalloc(value_len(tg) + 1, sizeof *ids);
		for (size_t k = 0; k < value_len(tg); k++) {
			const struct value *x = value_at(tg, k);
			const char *m = str_or(value_get(x, "text"), "");
			struct buf id = BUF_INIT;
			import_target_id(m, strlen(m), ids, k, &id);
			buf_puts(b, "  - {id: ");
			import_yaml_string(id.data, id.len, b);
			ids[k] = buf_detach(&id, NULL);
			buf_puts(b, ", metric: ");
			yaml_str(b, value_get(x, "text"));
			buf_puts(b, ", target: ");
			yaml_scalar(b, value_get(x, "value"));
			buf_puts(b, ", unit: ");
			const struct value *ratio = value_get(x, "ratio");
			if (value_is(ratio, V_STRING)) {
				/* Shown after the target: 2（1:2）, never 2ratio. */
				struct buf u = BUF_INIT;
				buf_printf(&u, "（%s）", ratio->u.str.s);
				import_yaml_string(u.data, u.len, b);
				buf_free(&u);
			} else {
				yaml_scalar(b, value_get(x, "unit"));
			}
			buf_puts(b, "}\n");
		}
		for (size_t k = 0; k < value_len(tg); k++)
			free(ids[k]);
		free(ids);
	}
	buf_puts(b, IMPORT_MARK "\n---\n\n");
}

static void make_plan(struct import_files *f, const struct value *doc, const char *id,
                      const char *title, const struct value *period, const char *body,
                      const struct value *tasks, const char *parent, const char *source)
{
	struct buf b = BUF_INIT, p = BUF_INIT;
	plan_front(&b, doc, id, title, period, parent, source);
	buf_puts(&b, body);
	buf_putc(&b, '\n');
	buf_printf(&p, "content/plans/%s/_index.md", id);
	add_file(f, buf_detach(&p, NULL), &b);

	buf_puts(&b, "---\ntitle: 任务清单\n" IMPORT_MARK "\n---\n\n");
	buf_printf(&b, "《%s》共%zu项任务。\n", title, value_is(tasks, V_ARRAY) ? value_len(tasks) : 0);
	buf_printf(&p, "content/plans/%s/tasks/_index.md", id);
	add_file(f, buf_detach(&p, NULL), &b);

	for (size_t i = 0; value_is(tasks, V_ARRAY) && i < value_len(tasks); i++) {
		const struct value *t = value_at(tasks, i);
		task_front(&b, t, i + 1);
		buf_puts(&b, str_or(value_get(t, "body"), ""));
		buf_putc(&b, '\n');
		buf_printf(&p, "content/plans/%s/tasks/", id);
		task_file_name(value_get(t, "number"), &p);
		buf_puts(&p, ".md");
		add_file(f, buf_detach(&p, NULL), &b);
	}
	buf_free(&b);
	buf_free(&p);
}

void import_files_make(const struct value *doc, const char *plan_id, const char *source,
                       struct import_files *f)
{
	f->v = NULL;
	f->n = 0;
	make_plan(f, doc, plan_id, str_or(value_get(doc, "title"), plan_id), value_get(doc, "period"),
	          str_or(value_get(doc, "body"), ""), value_get(doc, "tasks"), NULL, source);
	const struct value *annex = value_get(doc, "annex");
	const struct value *at = value_get(doc, "annex_tasks");
	if (value_is(annex, V_TABLE) && value_is(at, V_ARRAY) && value_len(at)) {
		struct buf id = BUF_INIT;
		buf_printf(&id, "%s-annex", plan_id);
		make_plan(f, doc, buf_cstr(&id), str_or(value_get(annex, "title"), "附件"),
		          value_get(annex, "period"), str_or(value_get(annex, "body"), ""), at, plan_id,
		          source);
		buf_free(&id);
	}
}

void import_files_free(struct import_files *f)
{
	if (!f)
		return;
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].path);
		free(f->v[i].data);
	}
	free(f->v);
	f->v = NULL;
	f->n = 0;
}

int import_page_state(const char *s, size_t len)
{
	size_t at, end, pl = strlen(IMPORT_DIGEST_PREFIX), ml = strlen(IMPORT_MARK);
	if (!find_mark(s, len, &at, &end))
		return IMPORT_PAGE_NOT_OURS;
	const char *tail = s + at + ml;
	size_t tl = end - at - ml;
	if (tl != 1 + pl + IMPORT_DIGEST_HEX || memcmp(tail + 1, IMPORT_DIGEST_PREFIX, pl) != 0)
		return IMPORT_PAGE_NO_DIGEST;
	char hex[IMPORT_DIGEST_HEX + 1];
	page_digest(s, len, at, end, hex);
	return memcmp(hex, tail + 1 + pl, IMPORT_DIGEST_HEX) == 0 ? IMPORT_PAGE_UNCHANGED : IMPORT_PAGE_CHANGED;
}

/* The state of the page at path (import_page_state); NOT_OURS when unreadable. */
static int page_state(const char *path)
{
	struct buf b = BUF_INIT;
	int st = IMPORT_PAGE_NOT_OURS;
	if (buf_read_file(&b, path) == 0)
		st = import_page_state(b.data ? b.data : "", b.len);
	buf_free(&b);
	return st;
}

/* Says why a page we wrote is kept; 1 when it is (not replaced, not removed). */
static int kept(const char *rel, int state, int force, struct diags *d)
{
	if (force == IMPORT_OVERWRITE || state == IMPORT_PAGE_UNCHANGED)
		return 0;
	if (state == IMPORT_PAGE_CHANGED)
		diag_add(d, DIAG_WARNING, rel, 0, 0, NULL, 0,
		         "changed since planpress import wrote it: left alone (--force=overwrite replaces it)");
	else
		diag_add(d, DIAG_WARNING, rel, 0, 0, NULL, 0,
		         "written by an earlier planpress import that kept no digest, so an edit cannot be told: "
		         "left alone (--force=overwrite replaces it)");
	return 1;
}

static int in_import(const struct import_files *f, const char *rel)
{
	for (size_t i = 0; i < f->n; i++)
		if (strcmp(f->v[i].path, rel) == 0)
			return 1;
	return 0;
}

/* With --force: a page an earlier import of the same plan wrote (it has the
 * mark) that this import no longer makes, in a folder this import wrote to,
 * is removed, so that a plan re-imported with fewer tasks has no stale task
 * pages. Files without the mark are never touched. */
static void remove_leftovers(const struct import_files *f, const char *site_dir, int force,
                             struct diags *d)
{
	struct buf dir = BUF_INIT, rel = BUF_INIT, full = BUF_INIT;
	for (size_t i = 0; i < f->n; i++) {
		const char *slash = strrchr(f->v[i].path, '/');
		if (!slash)
			continue;
		size_t dl = (size_t)(slash - f->v[i].path);
		int seen = 0;   /* each folder once */
		for (size_t k = 0; k < i && !seen; k++) {
			const char *ks = strrchr(f->v[k].path, '/');
			seen = ks && (size_t)(ks - f->v[k].path) == dl && memcmp(f->v[k].path, f->v[i].path, dl) == 0;
		}
		if (seen)
			continue;
		buf_reset(&dir);
		buf_printf(&dir, "%s/%.*s", site_dir, (int)dl, f->v[i].path);
		DIR *dh = opendir(buf_cstr(&dir));
		if (!dh)
			continue;
		struct dirent *e;
		while ((e = readdir(dh)) != NULL) {
			size_t nl = strlen(e->d_name);
			if (nl < 4 || strcmp(e->d_name + nl - 3, ".md") != 0)
				continue;
			buf_reset(&rel);
			buf_printf(&rel, "%.*s/%s", (int)dl, f->v[i].path, e->d_name);
			if (in_import(f, buf_cstr(&rel)))
				continue;
			buf_reset(&full);
			buf_printf(&full, "%s/%s", site_dir, buf_cstr(&rel));
			int state = page_state(buf_cstr(&full));
			if (state == IMPORT_PAGE_NOT_OURS || kept(buf_cstr(&rel), state, force, d))
				continue;
			if (unlink(buf_cstr(&full)) == 0)
				diag_add(d, DIAG_NOTE, buf_cstr(&rel), 0, 0, NULL, 0,
				         "removed: an earlier import wrote it and this one does not");
			else
				diag_add(d, DIAG_ERROR, buf_cstr(&rel), 0, 0, NULL, 0, "cannot remove: %s", diag_errstr(errno));
		}
		closedir(dh);
	}
	buf_free(&dir);
	buf_free(&rel);
	buf_free(&full);
}

int import_files_write(const struct import_files *f, const char *site_dir, int force,
                       struct diags *d)
{
	struct buf p = BUF_INIT;
	int rc = -1, written = 0;
	size_t errs = d->nerrors;
	char *skip = xcalloc(f->n + 1, 1);   /* pages staff changed: kept */
	for (size_t i = 0; i < f->n; i++) {
		buf_reset(&p);
		buf_printf(&p, "%s/%s", site_dir, f->v[i].path);
		struct stat st;
		if (stat(buf_cstr(&p), &st) != 0)
			continue;
		int state = page_state(buf_cstr(&p));
		if (!force)
			diag_add(d, DIAG_ERROR, f->v[i].path, 0, 0, NULL, 0,
			         "exists; use --force to replace files planpress import wrote");
		else if (state == IMPORT_PAGE_NOT_OURS)
			diag_add(d, DIAG_ERROR, f->v[i].path, 0, 0, NULL, 0,
			         "exists and was not written by planpress import (no '%s'); left alone",
			         IMPORT_MARK);
		else
			skip[i] = (char)kept(f->v[i].path, state, force, d);
	}
	if (d->nerrors > errs)
		goto out;
	for (size_t i = 0; i < f->n; i++) {
		if (skip[i])
			continue;
		written++;
		buf_reset(&p);
		buf_printf(&p, "%s/%s", site_dir, f->v[i].path);
		char *path = buf_detach(&p, NULL);
		char *slash = strrchr(path, '/');
		*slash = '\0';
		int bad = output_mkdirs(path) < 0;
		*slash = '/';
		if (bad || output_write_atomic(path, f->v[i].data, f->v[i].len) < 0)
			diag_add(d, DIAG_ERROR, f->v[i].path, 0, 0, NULL, 0, "cannot write: %s",
			         diag_errstr(errno));
		free(path);
	}
	if (d->nerrors > errs)
		goto out;
	if (force)
		remove_leftovers(f, site_dir, force, d);
	rc = written;
out:
	free(skip);
	buf_free(&p);
	return rc;
}

/* ---- expected values ----------------------------------------------------- */

static int scalar_equal(const struct value *a, const struct value *b)
{
	int an = a->kind == V_INT || a->kind == V_FLOAT, bn = b->kind == V_INT || b->kind == V_FLOAT;
	if (an && bn) {
		double x = a->kind == V_INT ? (double)a->u.i : a->u.f;
		double y = b->kind == V_INT ? (double)b->u.i : b->u.f;
		return x - y < 1e-9 && y - x < 1e-9;
	}
	if (a->kind != b->kind)
		return 0;
	switch (a->kind) {
	case V_NULL: return 1;
	case V_BOOL: return !a->u.b == !b->u.b;
	case V_STRING: return a->u.str.len == b->u.str.len && memcmp(a->u.str.s, b->u.str.s, a->u.str.len) == 0;
	default: return 0;
	}
}

static int expect_at(const struct value *got, const struct value *want, struct buf *where,
                     struct buf *out)
{
	int diffs = 0;
	size_t mark = where->len;
	if (want->kind == V_TABLE) {
		if (!value_is(got, V_TABLE)) {
			buf_printf(out, "%s: expected an object\n", where->len ? buf_cstr(where) : "(top)");
			return 1;
		}
		for (size_t i = 0; i < value_len(want); i++) {
			const struct value_pair *p = value_pair_at(want, i);
			buf_truncate(where, mark);
			buf_printf(where, "%s%s", mark ? "." : "", p->key);
			const struct value *g = value_getn(got, p->key, value_pair_keylen(p));
			if (!g) {
				buf_printf(out, "%s: missing\n", buf_cstr(where));
				diffs++;
				continue;
			}
			diffs += expect_at(g, value_pair_val(p), where, out);
		}
	} else if (want->kind == V_ARRAY) {
		if (!value_is(got, V_ARRAY)) {
			buf_printf(out, "%s: expected an array\n", buf_cstr(where));
			return 1;
		}
		if (value_len(got) != value_len(want)) {
			buf_printf(out, "%s: expected %zu items, got %zu\n", buf_cstr(where), value_len(want),
			           value_len(got));
			diffs++;
		}
		size_t n = value_len(got) < value_len(want) ? value_len(got) : value_len(want);
		for (size_t i = 0; i < n; i++) {
			buf_truncate(where, mark);
			buf_printf(where, "[%zu]", i);
			diffs += expect_at(value_at(got, i), value_at(want, i), where, out);
		}
	} else if (!got || !scalar_equal(got, want)) {
		struct buf g = BUF_INIT, w = BUF_INIT;
		if (got)
			json_write(got, 0, &g);
		json_write(want, 0, &w);
		buf_printf(out, "%s: expected %s, got %s\n", buf_cstr(where), buf_cstr(&w),
		           got ? buf_cstr(&g) : "nothing");
		buf_free(&g);
		buf_free(&w);
		diffs++;
	}
	buf_truncate(where, mark);
	return diffs;
}

int import_expect(const struct value *json, const struct value *expect, struct buf *out)
{
	struct buf where = BUF_INIT;
	buf_puts(&where, "");
	int n = expect_at(json, expect, &where, out);
	buf_free(&where);
	return n;
}
