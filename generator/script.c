/* script.c: a site's hooks (on_page, on_site, template lambdas) run in the
 * sandbox (sandbox.h) with the planpress module, their data going in and
 * out through luaval.h. */
#include "script.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lua.h>

#include "buf.h"
#include "chdate.h"
#include "content.h"
#include "i18n.h"
#include "lang.h"
#include "luaval.h"
#include "markdown.h"
#include "sandbox.h"
#include "utf8.h"
#include "xalloc.h"

/* Registry keys: the addresses are unique, the contents unused. */
static const char K_HOOKS, K_LAMBDAS;

struct hook {
	const char *name;   /* as shown in messages: "lua/progress.lua" */
};

/* A function a hook stored in the data: a template lambda. Owned by the
 * script's arena; the function itself is anchored in the registry (ref). */
struct lambda {
	struct script *s;
	int ref;
	int snap;   /* registry ref: its upvalues' values when the hook returned it */
};

struct script {
	struct sandbox box;
	pthread_mutex_t mu;
	struct arena *arena;        /* hook texts, names, lambdas */
	char *language;
	enum lang lang;
	char as_of_iso[16];
	struct hook *hooks;
	size_t nhooks, caphooks;
	int broken;                 /* a hook raised an error: the build has failed */
	int content_errors;         /* planpress.error() calls during this call */
	struct diags *lambda_d;
};

static struct script *S(lua_State *L)
{
	return sandbox_of(L)->owner;
}

static long long as_time(const struct datetime *dt)
{
	long long t = (long long)datetime_days(dt->year, dt->month, dt->day) * 86400;
	if (dt->kind != DT_DATE)
		t += dt->hour * 3600 + dt->minute * 60 + dt->second;
	if (dt->kind == DT_OFFSET)
		t -= dt->offset_min * 60;
	return t;
}

/* ---- the planpress module ------------------------------------------------- */

static int pp_date(lua_State *L)
{
	int y, m, d;
	const char *why;
	if (!luaval_get_date(L, 1, &y, &m, &d, &why)) {
		lua_pushnil(L);
		if (lua_type(L, 1) == LUA_TSTRING)
			lua_pushfstring(L, _("'%s' is not a date: %s"), lua_tostring(L, 1), why);
		else
			lua_pushfstring(L, _("%s, got %s"), why, luaL_typename(L, 1));
		return 2;
	}
	luaval_push_date(L, y, m, d);
	return 1;
}

static int pp_format_date(lua_State *L)
{
	struct script *s = S(L);
	static const char *const styles[] = { "zh", "en", "iso", NULL };
	struct datetime dt = { .kind = DT_DATE };
	int style, y, m, d;
	luaval_check_date(L, 1, &y, &m, &d);
	dt.year = y;
	dt.month = (int8_t)m;
	dt.day = (int8_t)d;
	style = lua_isnoneornil(L, 2) ? (s->lang == LANG_EN) : luaL_checkoption(L, 2, NULL, styles);
	if (style == 2) {
		lua_settop(L, 1);
		return luaval_date_tostring(L);
	}
	struct buf *b = sandbox_scratch(L);
	lang_date(style == 1 ? LANG_EN : LANG_ZH, &dt, b);
	sandbox_scratch_push(L, b);
	return 1;
}

static int pp_days_between(lua_State *L)
{
	lua_pushinteger(L, luaval_date_days(L, 2) - luaval_date_days(L, 1));
	return 1;
}

static int pp_add_days(lua_State *L)
{
	int64_t days = luaval_date_days(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);
	if (n > 4000000 || n < -4000000)
		return luaL_error(L, _("date out of range (years 1 to 9999)"));
	return luaval_push_days(L, days + n);
}

static int pp_add_months(lua_State *L)
{
	int y, m, d;
	luaval_check_date(L, 1, &y, &m, &d);
	if (chdate_add_months(&y, &m, &d, luaL_checkinteger(L, 2)) < 0)
		return luaL_error(L, _("date out of range (years 1 to 9999)"));
	luaval_push_date(L, y, m, d);
	return 1;
}

static int pp_month_end(lua_State *L)
{
	int y, m, d;
	luaval_check_date(L, 1, &y, &m, &d);
	luaval_push_date(L, y, m, datetime_month_days(y, m));
	return 1;
}

/* Where warn/error point: the content position of a table that came from
 * content (or of one of its fields), a "path:line:col" string, else the
 * hook's own line. */
static void content_where(lua_State *L, char *path, size_t cap, int *line, int *col)
{
	struct pos p = { 0 };
	int found = 0;
	*col = 0;
	if (lua_type(L, 2) == LUA_TTABLE)
		found = luaval_pos_of(L, 2, lua_isnoneornil(L, 3) ? 0 : 3, &p, path, cap);
	else if (lua_type(L, 2) == LUA_TSTRING)
		found = luaval_read_pos(L, 2, &p, path, cap);
	if (found) {
		*line = p.line;
		*col = p.col;
		return;
	}
	sandbox_where(L, 1, path, cap, line);
}

static int report_content(lua_State *L, enum diag_level level)
{
	struct script *s = S(L);
	size_t len;
	const char *msg = luaL_checklstring(L, 1, &len);
	char path[512];
	int line, col;
	if (!s->box.d) {
		if (level == DIAG_ERROR)   /* in a lambda: fail the lambda */
			return luaL_error(L, "%s", msg);
		return 0;
	}
	sandbox_charge_message(L, len);
	content_where(L, path, sizeof path, &line, &col);
	diag_add(s->box.d, level, path, line, col, NULL, 0, "%.*s", (int)len, msg);
	if (level == DIAG_ERROR)
		s->content_errors++;
	return 0;
}

static int pp_warn(lua_State *L)
{
	return report_content(L, DIAG_WARNING);
}

static int pp_error(lua_State *L)
{
	return report_content(L, DIAG_ERROR);
}

static int pp_escape_html(lua_State *L)
{
	size_t len;
	const char *t = luaL_checklstring(L, 1, &len);
	struct buf *b = sandbox_scratch(L);
	buf_put_html(b, t, len);
	sandbox_scratch_push(L, b);
	return 1;
}

static int pp_slugify(lua_State *L)
{
	size_t len;
	const char *t = luaL_checklstring(L, 1, &len);
	if (utf8_invalid_at(t, len) < len)
		return luaL_argerror(L, 1, _("not UTF-8"));
	struct buf *b = sandbox_scratch(L);
	markdown_slug(t, len, b);
	sandbox_scratch_push(L, b);
	return 1;
}

/* P.tr(format): a message of the hooks planpress ships, in the user's
 * language (planpress's own catalog); any other text comes back as it is.
 * lua/progress.lua and its twin in progress.c say the same thing this way. */
static int pp_tr(lua_State *L)
{
	const char *s = luaL_checkstring(L, 1);
	const char *t = _(s);
	if (t != s)
		lua_pushstring(L, t);
	else
		lua_settop(L, 1);
	return 1;
}

static int pp_lambda(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TFUNCTION);
	lua_settop(L, 1);
	return 1;
}

static const luaL_Reg planpress_lib[] = {
	{ "date", pp_date },
	{ "format_date", pp_format_date },
	{ "days_between", pp_days_between },
	{ "add_days", pp_add_days },
	{ "add_months", pp_add_months },
	{ "month_end", pp_month_end },
	{ "warn", pp_warn },
	{ "error", pp_error },
	{ "tr", pp_tr },
	{ "escape_html", pp_escape_html },
	{ "slugify", pp_slugify },
	{ "lambda", pp_lambda },
	{ "sorted_pairs", sandbox_sorted_pairs },
	{ NULL, NULL },
};

/* ---- the script ----------------------------------------------------------- */

static int setup(lua_State *L)
{
	struct script *s = lua_touserdata(L, 1);
	luaval_open(L);
	luaL_newlib(L, planpress_lib);
	lua_pushstring(L, s->as_of_iso);
	lua_setfield(L, -2, "as_of");
	lua_pushstring(L, s->language);
	lua_setfield(L, -2, "language");
	luaval_push_null(L);
	lua_setfield(L, -2, "null");
	sandbox_add_library(L, "planpress");
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &K_HOOKS);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &K_LAMBDAS);
	return 0;
}

struct script *script_new(const struct script_opts *o, struct diags *d)
{
	struct script *s = xcalloc(1, sizeof *s);
	struct sandbox_opts so = {
		.site_dir = o->site_dir, .lib_dir = o->lib_dir, .budget = o->budget,
		.memory = o->memory, .seconds = o->seconds, .now = as_time(&o->as_of), .who = N_("hook"),
	};
	pthread_mutex_init(&s->mu, NULL);
	s->arena = arena_new();
	s->language = xstrdup(o->language ? o->language : "zh-CN");
	s->lang = lang_from_code(s->language);
	snprintf(s->as_of_iso, sizeof s->as_of_iso, "%04d-%02d-%02d", o->as_of.year % 10000,
	         o->as_of.month % 100, o->as_of.day % 100);
	s->lambda_d = o->lambda_diags;
	if (sandbox_open(&s->box, &so, s, d) < 0) {
		script_free(s);
		return NULL;
	}
	s->box.cur = "lua";
	if (sandbox_call(&s->box, setup, s, d, NULL) != LUA_OK) {
		script_free(s);
		return NULL;
	}
	s->box.cur = NULL;
	return s;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	sandbox_close(&s->box);
	pthread_mutex_destroy(&s->mu);
	arena_free(s->arena);
	free(s->hooks);
	free(s->language);
	free(s);
}

struct load_job {
	struct script *s;
	const char *src;
	size_t len;
	const char *name;
	struct diags *d;
	int syntax;   /* the chunk did not compile: reported already */
};

static int load_hook(lua_State *L)
{
	struct load_job *j = lua_touserdata(L, 1);
	size_t len;
	if (sandbox_load(L, j->src, j->len, j->name) != LUA_OK) {
		const char *msg = lua_tolstring(L, -1, &len);
		sandbox_report(&j->s->box, LUA_ERRSYNTAX, msg, len, j->d, NULL);
		j->syntax = 1;
		return 0;
	}
	lua_getupvalue(L, -1, 1);   /* the env stays, under the handler of sandbox_call */
	lua_insert(L, -2);
	lua_call(L, 0, 0);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_HOOKS);
	lua_insert(L, -2);
	lua_rawseti(L, -2, (lua_Integer)j->s->nhooks + 1);
	return 0;
}

int script_load(struct script *s, const char *path, struct diags *d)
{
	struct buf disk = BUF_INIT;
	const char *src;
	size_t len;
	int rc = -1;
	struct load_job j = { .s = s, .name = path, .d = d };
	pthread_mutex_lock(&s->mu);
	if (path[0] == '/')
		buf_puts(&disk, path);
	else
		buf_printf(&disk, "%s/%s", s->box.site_dir, path);
	if (content_read_text(s->arena, buf_cstr(&disk), path, &src, &len, d) < 0)
		goto out;
	j.src = src;
	j.len = len;
	j.name = arena_strdup(s->arena, path);
	s->box.cur = j.name;
	s->box.cur_line = 0;
	s->box.d = d;
	if (sandbox_call(&s->box, load_hook, &j, d, NULL) != LUA_OK || j.syntax) {
		s->broken = 1;
		goto out;
	}
	if (s->nhooks == s->caphooks) {
		s->caphooks = s->caphooks ? 2 * s->caphooks : 4;
		s->hooks = xrealloc(s->hooks, s->caphooks * sizeof *s->hooks);
	}
	s->hooks[s->nhooks++].name = j.name;
	rc = 0;
out:
	s->box.d = NULL;
	s->box.cur = NULL;
	buf_free(&disk);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ---- calls ----------------------------------------------------------------- */

static int lambda_call(void *ud, const char *arg, size_t arglen, int section, struct buf *out);

/* The V_FUNC value for the function at idx: one lambda per function. */
static struct value *to_lambda(lua_State *L, struct luaval_conv *cv, int idx)
{
	struct lambda *l;
	struct value *v;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_LAMBDAS);
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) == LUA_TLIGHTUSERDATA) {
		l = lua_touserdata(L, -1);
	} else {
		lua_pop(L, 1);
		struct script *s = cv->ud;
		l = arena_alloc(s->arena, sizeof *l);   /* owned by the script */
		l->s = s;
		l->ref = LUA_NOREF;
		l->snap = LUA_NOREF;
		lua_pushvalue(L, idx);
		l->ref = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_newtable(L);
		for (int i = 1; lua_getupvalue(L, idx, i); i++)
			lua_rawseti(L, -2, i);
		l->snap = luaL_ref(L, LUA_REGISTRYINDEX);
		lua_pushvalue(L, idx);
		lua_pushlightuserdata(L, l);
		lua_rawset(L, -3);
		lua_pushnil(L);
	}
	lua_pop(L, 2);
	v = value_new(cv->a, V_FUNC, (struct pos){ 0 });
	v->u.fn.call = lambda_call;
	v->u.fn.ud = l;
	return v;
}


/* A lambda of this script goes back into Lua as its function. */
static int push_lambda(lua_State *L, struct luaval_conv *cv, const struct value *v)
{
	if (v->u.fn.call != lambda_call || ((struct lambda *)v->u.fn.ud)->s != cv->ud)
		return 0;
	lua_rawgeti(L, LUA_REGISTRYINDEX, ((struct lambda *)v->u.fn.ud)->ref);
	return 1;
}

struct run {
	struct script *s;
	struct arena *a;
	struct value *root;
	const char *fname;     /* "on_page" or "on_site" */
	const char *context;   /* a note for errors: which page */
	struct value *result;
	struct diags *d;
	int failed;
};

static int run_hooks(lua_State *L)
{
	struct run *r = lua_touserdata(L, 1);
	struct script *s = r->s;
	struct luaval_conv cv = { .a = r->a, .who = N_("hook"), .ud = s, .from_func = to_lambda,
	                          .push_func = push_lambda };
	int root;
	lua_settop(L, 0);
	luaval_begin(L, &cv, strcmp(r->fname, "on_page") == 0 ? "page" : "site");   /* 1..5 */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_HOOKS);   /* 6 */
	/* Nothing to convert when no hook defines the function: a site's
	 * progress hook alone would otherwise pay for every page twice. */
	int any = 0;
	for (size_t i = 0; i < s->nhooks && !any; i++) {
		lua_rawgeti(L, 6, (lua_Integer)i + 1);
		lua_getfield(L, -1, r->fname);
		any = lua_type(L, -1) == LUA_TFUNCTION;
		lua_pop(L, 2);
	}
	if (!any)
		return 0;
	luaval_push(L, &cv, r->root);
	root = lua_gettop(L);
	for (size_t i = 0; i < s->nhooks; i++) {
		int base;
		lua_Debug ar;
		lua_rawgeti(L, 6, (lua_Integer)i + 1);
		lua_getfield(L, -1, r->fname);   /* the hook's own global, or one it inherits: none */
		if (lua_type(L, -1) != LUA_TFUNCTION) {
			lua_pop(L, 2);
			continue;
		}
		s->box.cur = s->hooks[i].name;
		lua_pushvalue(L, -1);
		lua_getinfo(L, ">S", &ar);
		s->box.cur_line = ar.linedefined;
		base = lua_gettop(L);
		lua_pushcfunction(L, sandbox_msgh);
		lua_insert(L, base);
		lua_pushvalue(L, root);
		sandbox_arm(&s->box);
		int st = lua_pcall(L, 1, 0, base);
		if (st != LUA_OK) {
			size_t len = 0;
			const char *msg = lua_tolstring(L, -1, &len);
			sandbox_report(&s->box, st, msg ? msg : "error", msg ? len : 5, r->d, r->context);
			r->failed = 1;
			return 0;   /* later hooks would build on what this one did not */
		}
		lua_settop(L, root);
	}
	r->result = luaval_to(L, &cv, root, NULL);
	return 0;
}

static int call_hooks(struct script *s, struct arena *a, struct value *v, const char *fname,
                      struct diags *d)
{
	int rc = -1;
	char context[600];
	const char *what = v->pos.path ? v->pos.path : value_str(value_get(v, "path"), NULL);
	struct run r = { .s = s, .a = a, .root = v, .fname = fname, .d = d };
	pthread_mutex_lock(&s->mu);
	if (s->broken)
		goto out;
	if (what) {
		snprintf(context, sizeof context, "while running %s for %s", fname, what);
		r.context = context;
	}
	s->box.d = d;
	s->content_errors = 0;
	s->box.cur = s->nhooks ? s->hooks[0].name : NULL;
	s->box.cur_line = 0;
	if (sandbox_call(&s->box, run_hooks, &r, d, r.context) != LUA_OK || r.failed) {
		s->broken = 1;
		goto out;
	}
	if (r.result && r.result != v)
		*v = *r.result;
	rc = s->content_errors ? -1 : 0;
out:
	s->box.d = NULL;
	s->box.cur = NULL;
	pthread_mutex_unlock(&s->mu);
	return rc;
}

int script_on_page(struct script *s, struct arena *a, struct value *page, struct diags *d)
{
	return call_hooks(s, a, page, "on_page", d);
}

int script_on_site(struct script *s, struct arena *a, struct value *site, struct diags *d)
{
	return call_hooks(s, a, site, "on_site", d);
}

/* ---- lambdas --------------------------------------------------------------- */

struct lcall {
	struct lambda *l;
	const char *arg;
	size_t arglen;
	int section;
	struct buf *out;
};

static int run_lambda(lua_State *L)
{
	struct lcall *c = lua_touserdata(L, 1);
	size_t len;
	const char *r;
	int fn, snap, env = 0, st;
	lua_settop(L, 0);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->l->ref);
	fn = lua_gettop(L);
	lua_rawgeti(L, LUA_REGISTRYINDEX, c->l->snap);
	snap = lua_gettop(L);
	/* Every call starts from the state the hook left: its upvalues as they
	 * were, and globals it sets go to a table of this call only, so that a
	 * counting lambda gives the same bytes whatever the order of pages. */
	for (int i = 1; lua_getupvalue(L, fn, i); i++) {
		lua_pop(L, 1);
		lua_rawgeti(L, snap, i);
		const char *name = lua_setupvalue(L, fn, i);
		if (name && strcmp(name, "_ENV") == 0 && !env) {
			env = i;
			lua_newtable(L);
			lua_createtable(L, 0, 1);
			lua_rawgeti(L, snap, i);
			lua_setfield(L, -2, "__index");
			lua_setmetatable(L, -2);
			lua_setupvalue(L, fn, i);
		}
	}
	lua_settop(L, snap);
	lua_pushvalue(L, fn);
	if (c->section)
		lua_pushlstring(L, c->arg ? c->arg : "", c->arglen);
	else
		lua_pushnil(L);
	lua_pushcfunction(L, sandbox_msgh);
	lua_insert(L, -3);
	st = lua_pcall(L, 1, 1, snap + 1);
	if (env) {
		lua_rawgeti(L, snap, env);
		lua_setupvalue(L, fn, env);
	}
	if (st != LUA_OK)
		return lua_error(L);
	switch (lua_type(L, -1)) {
	case LUA_TNIL:
		return 0;
	case LUA_TSTRING:
	case LUA_TNUMBER:
		r = lua_tolstring(L, -1, &len);
		if (utf8_invalid_at(r, len) < len)
			return luaL_error(L, _("the lambda returned text that is not UTF-8"));
		buf_put(c->out, r, len);
		return 0;
	default:
		return luaL_error(L, _("the lambda returned a %s, not a string"), luaL_typename(L, -1));
	}
}

/* struct value_func's call: runs the Lua function under the script's mutex
 * and budget; a failure leaves "file:line: message" in out. */
static int lambda_call(void *ud, const char *arg, size_t arglen, int section, struct buf *out)
{
	struct lambda *l = ud;
	struct script *s = l->s;
	struct lcall c = { l, arg, arglen, section, out };
	struct diags ld;
	size_t start = out->len;
	int rc = 0;
	diags_init(&ld);
	pthread_mutex_lock(&s->mu);
	s->box.d = s->lambda_d;
	s->box.cur = "lambda";
	s->box.cur_line = 0;
	if (sandbox_call(&s->box, run_lambda, &c, &ld, NULL) != LUA_OK) {
		buf_truncate(out, start);
		if (ld.n) {
			if (ld.v[0].line > 0)
				buf_printf(out, "%s:%d: ", ld.v[0].path, ld.v[0].line);
			buf_puts(out, ld.v[0].msg);
		}
		rc = -1;
	}
	s->box.d = NULL;
	s->box.cur = NULL;
	pthread_mutex_unlock(&s->mu);
	diags_free(&ld);
	return rc;
}
