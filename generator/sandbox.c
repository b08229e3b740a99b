/* sandbox.c: the state of the one Lua runtime for a site's code, as lua.c
 * embeds Lua: every call under lua_pcall with a traceback handler, a count
 * hook for the instruction budget and the time limit, and an allocator that
 * enforces the memory cap. The library it opens is in sandlib.c. */
#include "sandbox.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>
#include <lualib.h>

#include "i18n.h"
#include "utf8.h"
#include "xalloc.h"

/* The metatable of every chunk's globals (sandlib.c reads it too). */
const char sandbox_k_envmt;

struct sandbox *sandbox_of(lua_State *L)
{
	return *(struct sandbox **)lua_getextraspace(L);
}

void sandbox_fmt_mem(size_t n, char *out, size_t cap)
{
	if (n % ((size_t)1 << 20) == 0)
		snprintf(out, cap, "%zu MiB", n >> 20);
	else
		snprintf(out, cap, "%zu bytes", n);
}

static double since(const struct timespec *t)
{
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	return (double)(now.tv_sec - t->tv_sec) + (double)(now.tv_nsec - t->tv_nsec) / 1e9;
}

/* ---- the allocator and the count hook ------------------------------------ */

static void count_hook(lua_State *L, lua_Debug *ar);

/* Past the cap it arms the count hook to fire at the very next instruction,
 * so that the error names the hook's file and line and carries a traceback.
 * Only growth past twice the cap in one step (one huge allocation) is
 * refused outright, as a Lua memory error that has no traceback. */
static void *sandbox_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct sandbox *s = ud;
	size_t old = ptr ? osize : 0;
	void *p;
	if (nsize == 0) {
		free(ptr);
		s->mem_used -= old;
		return NULL;
	}
	if (nsize > old && s->mem_used - old + nsize > s->mem_hard) {
		/* the request itself is checked, so the Lua memory error has no
		 * traceback: note the innermost Lua line for the message */
		lua_Debug ar;
		for (int lv = 0; s->running && s->L && lv < 4 && lua_getstack(s->L, lv, &ar); lv++) {
			if (lua_getinfo(s->L, "Sl", &ar) && ar.currentline > 0) {
				snprintf(s->last_src, sizeof s->last_src, "%s", ar.short_src);
				s->last_line = ar.currentline;
				break;
			}
		}
		return NULL;
	}
	p = realloc(ptr, nsize);
	if (!p)
		return NULL;
	s->mem_used = s->mem_used - old + nsize;
	if (s->mem_used > s->mem_max && s->running && s->L && s->hook_every != 1) {
		s->hook_every = 1;
		lua_sethook(s->L, count_hook, LUA_MASKCOUNT, 1);
	}
	return p;
}

void sandbox_arm(struct sandbox *s)
{
	s->steps = 0;
	clock_gettime(CLOCK_MONOTONIC, &s->started);
	s->last_line = 0;
	s->hook_every = s->budget < SANDBOX_HOOK_EVERY ? (int)(s->budget ? s->budget : 1) : SANDBOX_HOOK_EVERY;
	lua_sethook(s->L, count_hook, LUA_MASKCOUNT, s->hook_every);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct sandbox *s = sandbox_of(L);
	char what[128];
	int have = lua_getinfo(L, "Sl", ar) && ar->currentline > 0;
	s->steps += (uint64_t)s->hook_every;
	if (have) {
		snprintf(s->last_src, sizeof s->last_src, "%s", ar->short_src);
		s->last_line = ar->currentline;
	}
	if (s->mem_used > s->mem_max) {
		char m[32];
		sandbox_fmt_mem(s->mem_max, m, sizeof m);
		snprintf(what, sizeof what, _("%s used more than %s"), _(s->who), m);
	} else if (s->steps > s->budget) {
		snprintf(what, sizeof what, _("%s used more than %llu instructions"), _(s->who),
		         (unsigned long long)s->budget);
	} else if (s->fatal) {
		snprintf(what, sizeof what, "%s", s->fatal);
	} else if (since(&s->started) > (double)s->seconds) {
		/* one limit for the call, checked between instructions: a C call
		 * that is long on its own ends first (the pattern guard and the
		 * memory cap keep those short) */
		snprintf(s->fatal_msg, sizeof s->fatal_msg, _("%s ran longer than %u s (the time limit)"),
		         _(s->who), s->seconds);
		s->fatal = s->fatal_msg;
		snprintf(what, sizeof what, "%s", s->fatal);
	} else {
		return;
	}
	/* from now on every instruction fails: a hook that catches the error
	 * with pcall and carries on gets no further */
	if (s->hook_every != 1) {
		s->hook_every = 1;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	if (have)
		lua_pushfstring(L, "%s:%d: %s", ar->short_src, ar->currentline, what);
	else
		lua_pushstring(L, what);
	lua_error(L);
}

/* ---- errors --------------------------------------------------------------- */

/* The message handler of every call: the message and a traceback (lua.c). */
int sandbox_msgh(lua_State *L)
{
	const char *msg = lua_tostring(L, 1);
	if (!msg) {
		if (luaL_callmeta(L, 1, "__tostring") && lua_type(L, -1) == LUA_TSTRING)
			msg = lua_tostring(L, -1);
		else
			msg = lua_pushfstring(L, "(error object is a %s value)", luaL_typename(L, 1));
	}
	luaL_traceback(L, L, msg, 1);
	return 1;
}

/* Splits "path:12: message" into its parts; 0 when it has no such prefix. */
static int split_where(const char *m, size_t len, size_t *plen, int *line, const char **rest)
{
	for (size_t i = 0; i < len && m[i] != '\n'; i++) {
		if (m[i] != ':' || i == 0 || i + 1 >= len || !IS_ASCII_DIGIT(m[i + 1]))
			continue;
		size_t j = i + 1;
		long v = 0;
		while (j < len && IS_ASCII_DIGIT(m[j]) && v < 100000000)
			v = v * 10 + (m[j++] - '0');
		if (j < len && m[j] == ':') {
			*plen = i;
			*line = (int)v;
			*rest = m + j + 1 + (j + 1 < len && m[j + 1] == ' ');
			return 1;
		}
	}
	return 0;
}

/* Records a failed call: the message at its file:line, then one note per Lua
 * frame of the traceback, kept at the error's place so that sorting the
 * diagnostics keeps them together. context is a last note, or NULL. */
void sandbox_report(struct sandbox *s, int status, const char *msg, size_t len,
                   struct diags *d, const char *context)
{
	char path[512], m[32];
	int line = s->cur_line;
	const char *body = msg, *tb, *text;
	size_t plen, bodylen;
	snprintf(path, sizeof path, "%s", s->cur ? s->cur : "lua");
	if (status == LUA_ERRMEM) {
		sandbox_fmt_mem(s->mem_max, m, sizeof m);
		if (s->last_line > 0) {
			snprintf(path, sizeof path, "%s", s->last_src);
			line = s->last_line;
		} else {
			line = s->cur_line;
		}
		diag_add(d, DIAG_ERROR, path, line, 0, NULL, 0, "%s used more than %s", _(s->who), m);
		goto context;
	}
	tb = strstr(msg, "\nstack traceback:\n");
	bodylen = tb ? (size_t)(tb - msg) : len;
	if (split_where(msg, bodylen, &plen, &line, &text)) {
		snprintf(path, sizeof path, "%.*s", (int)plen, msg);
		body = text;
		bodylen -= (size_t)(text - msg);
	} else if (tb) {
		/* error("x", 0) or a table: the innermost Lua frame is the place */
		const char *f = tb + strlen("\nstack traceback:\n");
		while (*f) {
			const char *e = strchr(f, '\n');
			size_t fl = e ? (size_t)(e - f) : strlen(f);
			while (fl && *f == '\t')
				f++, fl--;
			if (split_where(f, fl, &plen, &line, &text)) {
				snprintf(path, sizeof path, "%.*s", (int)plen, f);
				break;
			}
			if (!e)
				break;
			f = e + 1;
		}
	}
	diag_add(d, DIAG_ERROR, path, line, 0, NULL, 0, "%.*s", (int)bodylen, body);
	if (tb) {
		const char *f = tb + strlen("\nstack traceback:\n");
		while (*f) {
			const char *e = strchr(f, '\n');
			size_t fl = e ? (size_t)(e - f) : strlen(f);
			size_t pl;
			int fline;
			while (fl && *f == '\t')
				f++, fl--;
			if (split_where(f, fl, &pl, &fline, &text))
				diag_add(d, DIAG_NOTE, path, line, 0, NULL, 0, "at %.*s:%d, %.*s", (int)pl, f,
				         fline, (int)(fl - (size_t)(text - f)), text);
			if (!e)
				break;
			f = e + 1;
		}
	}
context:
	if (context)
		diag_add(d, DIAG_NOTE, path, line, 0, NULL, 0, "%s", context);
}

/* Runs fn(ud) protected, with the traceback handler; reports a failure into d.
 * Returns the Lua status. */
int sandbox_call(struct sandbox *s, lua_CFunction fn, void *ud, struct diags *d, const char *context)
{
	lua_State *L = s->L;
	int base = lua_gettop(L), st;
	lua_pushcfunction(L, sandbox_msgh);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	s->running = 1;
	sandbox_arm(s);
	st = lua_pcall(L, 1, 0, base + 1);
	s->running = 0;
	if (st != LUA_OK) {
		size_t len = 0;
		const char *msg = lua_tolstring(L, -1, &len);
		sandbox_report(s, st, msg ? msg : "error", msg ? len : 5, d, context);
	} else if (since(&s->started) > (double)s->seconds) {
		/* the last stretch ran inside one C call, where the hook cannot look */
		diag_add(d, DIAG_ERROR, s->last_line > 0 ? s->last_src : s->cur ? s->cur : "lua",
		         s->last_line, 0, NULL, 0, "%s ran longer than %u s (the time limit)", _(s->who),
		         s->seconds);
		if (context)
			diag_add(d, DIAG_NOTE, s->last_line > 0 ? s->last_src : s->cur ? s->cur : "lua",
			         s->last_line, 0, NULL, 0, "%s", context);
		st = LUA_ERRRUN;
	}
	lua_settop(L, base);
	if (st != LUA_OK)
		lua_gc(L, LUA_GCCOLLECT);
	return st;
}

/* A scratch buffer owned by the Lua stack: a C function may fill it with
 * buf_* (xmalloc) and then push its contents, and the memory is freed by the
 * collector even if pushing raises. */
static int scratch_gc(lua_State *L)
{
	buf_free(lua_touserdata(L, 1));
	return 0;
}

struct buf *sandbox_scratch(lua_State *L)
{
	struct buf *b = lua_newuserdatauv(L, sizeof *b, 0);
	memset(b, 0, sizeof *b);
	if (luaL_newmetatable(L, "planpress.scratch")) {
		lua_pushcfunction(L, scratch_gc);
		lua_setfield(L, -2, "__gc");
		lua_pushboolean(L, 0);
		lua_setfield(L, -2, "__metatable");
	}
	lua_setmetatable(L, -2);
	return b;
}

/* Replaces the scratch buffer at the top of the stack by its contents. */
void sandbox_scratch_push(lua_State *L, struct buf *b)
{
	lua_pushlstring(L, b->data ? b->data : "", b->len);
	buf_free(b);
	lua_remove(L, -2);
}
void sandbox_where(lua_State *L, int level, char *path, size_t cap, int *line)
{
	lua_Debug ar;
	*line = 0;
	snprintf(path, cap, "%s", sandbox_of(L)->cur ? sandbox_of(L)->cur : "lua");
	if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
		snprintf(path, cap, "%s", ar.short_src);
		*line = ar.currentline;
	}
}

/* Charges one message of len bytes to the script's message allowance;
 * past it the hook fails, once, with a clear error (not catchable: every
 * later instruction fails too). */
void sandbox_charge_message(lua_State *L, size_t len)
{
	struct sandbox *s = sandbox_of(L);
	if (!s->fatal && (s->nmsg >= SANDBOX_MAX_MESSAGES ||
	                  len > SANDBOX_MAX_MESSAGE_BYTES - s->msg_bytes)) {
		snprintf(s->fatal_msg, sizeof s->fatal_msg,
		         _("%s printed more than %d messages or 1 MiB of messages"), _(s->who),
		         SANDBOX_MAX_MESSAGES);
		s->fatal = s->fatal_msg;
		s->hook_every = 1;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	if (s->fatal)
		luaL_error(L, "%s", s->fatal);
	s->nmsg++;
	s->msg_bytes += len;
}

/* Pushes a new global table for one hook file or module: its own globals,
 * falling back to the shared sandbox, which it cannot reach or change. */
void sandbox_push_copy(lua_State *L, int t)
{
	t = lua_absindex(L, t);
	lua_newtable(L);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -4);
	}
}

/* Each hook file and module gets copies of the library tables (string,
 * table, math, planpress...): what one replaces, no other sees. */
void sandbox_push_env(lua_State *L)
{
	lua_newtable(L);
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			sandbox_push_copy(L, -1);
			lua_replace(L, -2);
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &sandbox_k_envmt);
	lua_setmetatable(L, -2);
}


void sandbox_add_library(lua_State *L, const char *name)
{
	lua_pushglobaltable(L);
	lua_insert(L, -2);
	lua_setfield(L, -2, name);
	lua_pop(L, 1);
}

int sandbox_load(lua_State *L, const char *src, size_t len, const char *shown)
{
	size_t bom = utf8_bom(src, len);
	int st;
	lua_pushfstring(L, "@%s", shown);
	st = luaL_loadbufferx(L, src + bom, len - bom, lua_tostring(L, -1), "t");
	lua_remove(L, -2);
	if (st != LUA_OK)
		return st;
	sandbox_push_env(L);
	lua_setupvalue(L, -2, 1);
	return LUA_OK;
}

static int open_libs(lua_State *L)
{
	sandbox_open_libs(L);
	return 0;
}

int sandbox_open(struct sandbox *b, const struct sandbox_opts *o, void *owner, struct diags *d)
{
	memset(b, 0, sizeof *b);
	b->owner = owner;
	b->who = o->who ? o->who : N_("hook");
	b->site_dir = xstrdup(o->site_dir ? o->site_dir : ".");
	b->lib_dir = o->lib_dir ? xstrdup(o->lib_dir) : NULL;
	b->now = o->now;
	b->budget = o->budget ? o->budget : SANDBOX_DEFAULT_BUDGET;
	b->seconds = o->seconds ? o->seconds : SANDBOX_DEFAULT_SECONDS;
	if (b->seconds > SANDBOX_MAX_SECONDS)
		b->seconds = SANDBOX_MAX_SECONDS;
	b->mem_max = o->memory ? o->memory : SANDBOX_DEFAULT_MEMORY;
	if (b->mem_max < SANDBOX_MIN_MEMORY)
		b->mem_max = SANDBOX_MIN_MEMORY;
	b->mem_hard = b->mem_max + SANDBOX_MEM_HEADROOM;
	b->L = lua_newstate(sandbox_alloc, b);
	if (!b->L) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "cannot start Lua: out of memory");
		return -1;
	}
	*(struct sandbox **)lua_getextraspace(b->L) = b;
	b->cur = "lua";
	int st = sandbox_call(b, open_libs, NULL, d, NULL);
	b->cur = NULL;
	return st == LUA_OK ? 0 : -1;
}

void sandbox_close(struct sandbox *b)
{
	if (b->L) {
		/* finalizers run under the budget too: no chunk can have set one,
		 * but whatever runs here stops within it */
		b->running = 1;
		sandbox_arm(b);
		lua_close(b->L);
		b->L = NULL;
	}
	free(b->site_dir);
	free(b->lib_dir);
	b->site_dir = b->lib_dir = NULL;
}
