/* script.c: the embedded Lua 5.4 for hooks, as lua.c embeds it: chosen
 * libraries only, every call under lua_pcall with a traceback handler, a count
 * hook for the instruction budget and an allocator that enforces the memory cap. */
#include "script.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "buf.h"
#include "chdate.h"
#include "content.h"
#include "lang.h"
#include "markdown.h"
#include "utf8.h"
#include "xalloc.h"

/* The count hook runs every this many VM instructions: often enough to stop
 * a runaway loop within microseconds, rarely enough to cost nothing. */
#define HOOK_EVERY 1000
/* Below this the sandbox itself would not fit. */
#define SCRIPT_MIN_MEMORY ((size_t)1 << 20)
/* Longest module name require() accepts: a path inside lua/, not a novel. */
#define MODULE_NAME_MAX 200
/* Room above the cap for the error itself (message, traceback) once the cap
 * is reached: one allocation may never take the state further than this. */
#define MEM_HEADROOM ((size_t)1 << 20)
/* What print and planpress.warn/error may record over a script's life: they
 * are copied outside the Lua allocator, so without a bound a hook printing
 * in a loop would exhaust the machine instead of its own memory cap. */
#define SCRIPT_MAX_MESSAGES 10000
#define SCRIPT_MAX_MESSAGE_BYTES ((size_t)1 << 20)

/* Registry keys: the addresses are unique, the contents unused. */
static const char K_HOOKS, K_POS, K_FPOS, K_LAMBDAS, K_MODULES, K_ENVMT, K_NULL, K_LOADING;
#define DATE_MT "planpress.date"
#define PP_STR_(x) #x
#define PP_STR(x) PP_STR_(x)

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
	lua_State *L;
	pthread_mutex_t mu;
	struct arena *arena;        /* hook texts, names, lambdas */
	char *site_dir, *lib_dir, *language;
	enum lang lang;
	struct datetime as_of;
	long long as_of_time;       /* seconds since the epoch, UTC */
	char as_of_iso[16];
	uint64_t budget, steps;
	int hook_every;             /* the count hook's current period */
	size_t mem_max, mem_hard, mem_used;
	int running;                /* inside a call: the allocator may arm the hook */
	struct hook *hooks;
	size_t nhooks, caphooks;
	int broken;                 /* a hook raised an error: the build has failed */
	int content_errors;         /* planpress.error() calls during this call */
	struct diags *d;            /* where planpress.warn/error and print record now */
	struct diags *lambda_d;
	const char *cur;            /* the hook file being run, for errors without a place */
	int cur_line;
	char last_src[LUA_IDSIZE];  /* where the count hook last saw the hook running */
	int last_line;
	size_t nmsg, msg_bytes;     /* what print/warn/error recorded so far */
	const char *fatal;          /* a limit was hit: every instruction fails with this */
};

static struct script *S(lua_State *L)
{
	return *(struct script **)lua_getextraspace(L);
}

static void fmt_mem(size_t n, char *out, size_t cap)
{
	if (n % ((size_t)1 << 20) == 0)
		snprintf(out, cap, "%zu MiB", n >> 20);
	else
		snprintf(out, cap, "%zu bytes", n);
}

/* ---- the allocator and the count hook ------------------------------------ */

static void count_hook(lua_State *L, lua_Debug *ar);

/* Past the cap it arms the count hook to fire at the very next instruction,
 * so that the error names the hook's file and line and carries a traceback.
 * Only growth past twice the cap in one step (one huge allocation) is
 * refused outright, as a Lua memory error that has no traceback. */
static void *script_alloc(void *ud, void *ptr, size_t osize, size_t nsize)
{
	struct script *s = ud;
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

static void arm(struct script *s)
{
	s->steps = 0;
	s->last_line = 0;
	s->hook_every = s->budget < HOOK_EVERY ? (int)(s->budget ? s->budget : 1) : HOOK_EVERY;
	lua_sethook(s->L, count_hook, LUA_MASKCOUNT, s->hook_every);
}

static void count_hook(lua_State *L, lua_Debug *ar)
{
	struct script *s = S(L);
	char what[64];
	int have = lua_getinfo(L, "Sl", ar) && ar->currentline > 0;
	s->steps += (uint64_t)s->hook_every;
	if (have) {
		snprintf(s->last_src, sizeof s->last_src, "%s", ar->short_src);
		s->last_line = ar->currentline;
	}
	if (s->mem_used > s->mem_max) {
		char m[32];
		fmt_mem(s->mem_max, m, sizeof m);
		snprintf(what, sizeof what, "hook used more than %s", m);
	} else if (s->steps > s->budget) {
		snprintf(what, sizeof what, "hook used more than %llu instructions",
		         (unsigned long long)s->budget);
	} else if (s->fatal) {
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
static int msgh(lua_State *L)
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
static void report(struct script *s, int status, const char *msg, size_t len,
                   struct diags *d, const char *context)
{
	char path[512], m[32];
	int line = s->cur_line;
	const char *body = msg, *tb, *text;
	size_t plen, bodylen;
	snprintf(path, sizeof path, "%s", s->cur ? s->cur : "lua");
	if (status == LUA_ERRMEM) {
		fmt_mem(s->mem_max, m, sizeof m);
		if (s->last_line > 0) {
			snprintf(path, sizeof path, "%s", s->last_src);
			line = s->last_line;
		} else {
			line = s->cur_line;
		}
		diag_add(d, DIAG_ERROR, path, line, 0, NULL, 0, "hook used more than %s", m);
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
static int protect(struct script *s, lua_CFunction fn, void *ud, struct diags *d, const char *context)
{
	lua_State *L = s->L;
	int base = lua_gettop(L), st;
	lua_pushcfunction(L, msgh);
	lua_pushcfunction(L, fn);
	lua_pushlightuserdata(L, ud);
	s->running = 1;
	arm(s);
	st = lua_pcall(L, 1, 0, base + 1);
	s->running = 0;
	if (st != LUA_OK) {
		size_t len = 0;
		const char *msg = lua_tolstring(L, -1, &len);
		report(s, st, msg ? msg : "error", msg ? len : 5, d, context);
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

static struct buf *scratch(lua_State *L)
{
	struct buf *b = lua_newuserdatauv(L, sizeof *b, 0);
	memset(b, 0, sizeof *b);
	if (luaL_newmetatable(L, "planpress.scratch")) {
		lua_pushcfunction(L, scratch_gc);
		lua_setfield(L, -2, "__gc");
	}
	lua_setmetatable(L, -2);
	return b;
}

/* Replaces the scratch buffer at the top of the stack by its contents. */
static void scratch_push(lua_State *L, struct buf *b)
{
	lua_pushlstring(L, b->data ? b->data : "", b->len);
	buf_free(b);
	lua_remove(L, -2);
}

/* ---- positions ------------------------------------------------------------ */

static int parse_pos(const char *s, size_t len, size_t *plen, int *line, int *col);

/* A content position is kept as a pointer to the value's own struct pos
 * (the values live in the build's arena, which outlives the script), and
 * made into text only when a message needs it: most never do. */
static void push_pos(lua_State *L, const struct pos *p)
{
	lua_pushlightuserdata(L, (void *)p);
}

/* The position at stack index i: a pointer pushed by push_pos, or a
 * "path:line[:col]" string a hook gave. */
static int read_pos(lua_State *L, int i, struct pos *out, char *path, size_t cap)
{
	size_t len, plen;
	if (lua_type(L, i) == LUA_TLIGHTUSERDATA) {
		const struct pos *p = lua_touserdata(L, i);
		*out = *p;
		snprintf(path, cap, "%s", p->path);
		return 1;
	}
	const char *s = lua_type(L, i) == LUA_TSTRING ? lua_tolstring(L, i, &len) : NULL;
	if (s && parse_pos(s, len, &plen, &out->line, &out->col)) {
		snprintf(path, cap, "%.*s", (int)plen, s);
		return 1;
	}
	return 0;
}

/* Reads "path:line[:col]" into its parts; 0 when it is no position. */
static int parse_pos(const char *s, size_t len, size_t *plen, int *line, int *col)
{
	long n[2] = { 0, 0 };
	int k = 0;
	size_t e = len;
	while (k < 2) {
		size_t i = e;
		long v = 0, mul = 1;
		while (i > 0 && IS_ASCII_DIGIT(s[i - 1]) && mul < 100000000) {
			v += (s[i - 1] - '0') * mul;
			mul *= 10;
			i--;
		}
		if (i == e || i == 0 || s[i - 1] != ':')
			break;
		n[k++] = v;
		e = i - 1;
	}
	if (k == 0 || e == 0)
		return 0;
	*plen = e;
	*line = (int)(k == 2 ? n[1] : n[0]);
	*col = (int)(k == 2 ? n[0] : 0);
	return 1;
}

/* ---- dates ---------------------------------------------------------------- */

static void push_date(lua_State *L, int y, int m, int d)
{
	lua_createtable(L, 0, 3);
	lua_pushinteger(L, y);
	lua_setfield(L, -2, "year");
	lua_pushinteger(L, m);
	lua_setfield(L, -2, "month");
	lua_pushinteger(L, d);
	lua_setfield(L, -2, "day");
	luaL_setmetatable(L, DATE_MT);
}

static int date_field(lua_State *L, int idx, const char *k, lua_Integer *v)
{
	int isnum = 0;
	lua_getfield(L, idx, k);
	*v = lua_tointegerx(L, -1, &isnum);
	lua_pop(L, 1);
	return isnum;
}

/* A date from a date table, {year=, month=, day=} or a string planpress.date
 * reads; 0 with *why set when it is none. */
static int get_date(lua_State *L, int idx, int *y, int *m, int *d, const char **why)
{
	idx = lua_absindex(L, idx);
	*why = "expected a date";
	if (lua_type(L, idx) == LUA_TSTRING) {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		return chdate_parse(s, len, y, m, d, why) == 0;
	}
	if (lua_type(L, idx) == LUA_TTABLE) {
		lua_Integer a, b, c;
		if (!date_field(L, idx, "year", &a) || !date_field(L, idx, "month", &b) ||
		    !date_field(L, idx, "day", &c)) {
			*why = "a date table needs integer year, month and day";
			return 0;
		}
		if (a < 1 || a > 9999 || !datetime_valid_date((int)a, (int)b, (int)c)) {
			*why = "no such day in the calendar";
			return 0;
		}
		*y = (int)a;
		*m = (int)b;
		*d = (int)c;
		return 1;
	}
	return 0;
}

static void check_date(lua_State *L, int idx, int *y, int *m, int *d)
{
	const char *why;
	if (!get_date(L, idx, y, m, d, &why)) {
		if (lua_type(L, idx) == LUA_TSTRING)
			luaL_argerror(L, idx, lua_pushfstring(L, "'%s' is not a date: %s", lua_tostring(L, idx), why));
		luaL_argerror(L, idx, lua_pushfstring(L, "%s, got %s", why, luaL_typename(L, idx)));
	}
}

static int64_t date_days(lua_State *L, int idx)
{
	int y, m, d;
	check_date(L, idx, &y, &m, &d);
	return datetime_days(y, m, d);
}

static int push_days(lua_State *L, int64_t days)
{
	int y, m, d;
	if (days < datetime_days(1, 1, 1) || days > datetime_days(9999, 12, 31))
		return luaL_error(L, "date out of range (years 1 to 9999)");
	datetime_from_days(days, &y, &m, &d);
	push_date(L, y, m, d);
	return 1;
}

static int date_tostring(lua_State *L)
{
	int y, m, d;
	check_date(L, 1, &y, &m, &d);
	lua_pushfstring(L, "%d-%s%d-%s%d", y, m < 10 ? "0" : "", m, d < 10 ? "0" : "", d);
	if (y < 1000)
		lua_pushfstring(L, "%s%s", y < 10 ? "000" : y < 100 ? "00" : "0", lua_tostring(L, -1));
	return 1;
}

static int date_eq(lua_State *L)
{
	lua_pushboolean(L, date_days(L, 1) == date_days(L, 2));
	return 1;
}

static int date_lt(lua_State *L)
{
	lua_pushboolean(L, date_days(L, 1) < date_days(L, 2));
	return 1;
}

static int date_le(lua_State *L)
{
	lua_pushboolean(L, date_days(L, 1) <= date_days(L, 2));
	return 1;
}

static int is_date_table(lua_State *L, int idx);

static int date_concat(lua_State *L)
{
	for (int i = 1; i <= 2; i++) {
		if (lua_type(L, i) == LUA_TTABLE && is_date_table(L, i)) {
			lua_pushcfunction(L, date_tostring);
			lua_pushvalue(L, i);
			lua_call(L, 1, 1);
			lua_replace(L, i);
		}
	}
	lua_concat(L, 2);
	return 1;
}

static const luaL_Reg date_meta[] = {
	{ "__tostring", date_tostring },
	{ "__eq", date_eq },
	{ "__lt", date_lt },
	{ "__le", date_le },
	{ "__concat", date_concat },
	{ NULL, NULL },
};

static int is_date_table(lua_State *L, int idx)
{
	int r;
	if (!lua_getmetatable(L, idx))
		return 0;
	luaL_getmetatable(L, DATE_MT);
	r = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return r;
}

/* ---- sorted iteration ----------------------------------------------------- */

struct skey {
	int rank;           /* 0 number, 1 string, 2 false, 3 true, 4 anything else */
	int isint;
	lua_Integer i;
	lua_Number n;
	const char *s;
	size_t len;
	lua_Integer slot;   /* index in the unsorted key array: the tie-break */
	const char *tname;  /* rank 4: the key's type, for the error */
};

static int cmp_skey(const void *pa, const void *pb)
{
	const struct skey *a = pa, *b = pb;
	if (a->rank != b->rank)
		return a->rank < b->rank ? -1 : 1;
	if (a->rank == 0) {
		if (a->isint && b->isint) {
			if (a->i != b->i)
				return a->i < b->i ? -1 : 1;
		} else {
			lua_Number x = a->isint ? (lua_Number)a->i : a->n;
			lua_Number y = b->isint ? (lua_Number)b->i : b->n;
			if (x != y)
				return x < y ? -1 : 1;
		}
	} else if (a->rank == 1) {
		size_t n = a->len < b->len ? a->len : b->len;
		int c = memcmp(a->s, b->s, n);
		if (c)
			return c;
		if (a->len != b->len)
			return a->len < b->len ? -1 : 1;
	}
	return a->slot < b->slot ? -1 : a->slot > b->slot;
}

/* Describes the key on the top of the stack for sorting (it must stay on the
 * stack, or be a key of a live table, while k->s is used). */
static void skey_fill(lua_State *L, struct skey *k, lua_Integer slot)
{
	memset(k, 0, sizeof *k);
	k->slot = slot;
	switch (lua_type(L, -1)) {
	case LUA_TNUMBER:
		k->isint = lua_isinteger(L, -1);
		if (k->isint)
			k->i = lua_tointeger(L, -1);
		else
			k->n = lua_tonumber(L, -1);
		break;
	case LUA_TSTRING:
		k->rank = 1;
		k->s = lua_tolstring(L, -1, &k->len);
		break;
	case LUA_TBOOLEAN:
		k->rank = lua_toboolean(L, -1) ? 3 : 2;
		break;
	default:
		k->rank = 4;
		k->tname = luaL_typename(L, -1);
	}
}

/* Pushes an array of the keys of table t: numbers in ascending order, then
 * strings bytewise, then false and true, then keys of other types. */
static void push_sorted_keys(lua_State *L, int t)
{
	lua_Integer n = 0, i = 0;
	int keys, top;
	struct skey *v;
	t = lua_absindex(L, t);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		n++;
	}
	lua_createtable(L, n > INT32_MAX ? 0 : (int)n, 0);
	keys = lua_gettop(L);
	v = lua_newuserdatauv(L, (size_t)n * sizeof *v + 1, 0);
	lua_pushnil(L);
	while (lua_next(L, t) && i < n) {
		struct skey *k = &v[i];
		lua_pop(L, 1);
		skey_fill(L, k, ++i);
		lua_pushvalue(L, -1);
		lua_rawseti(L, keys, i);   /* anchors the key, so k->s stays valid */
	}
	qsort(v, (size_t)n, sizeof *v, cmp_skey);
	lua_createtable(L, (int)n, 0);
	top = lua_gettop(L);
	for (i = 0; i < n; i++) {
		lua_rawgeti(L, keys, v[i].slot);
		lua_rawseti(L, top, i + 1);
	}
	lua_replace(L, keys);
	lua_settop(L, keys);
}

/* upvalues: the table, its sorted keys, the position reached */
static int sorted_next(lua_State *L)
{
	lua_Integer i = lua_tointeger(L, lua_upvalueindex(3));
	for (;;) {
		if (lua_rawgeti(L, lua_upvalueindex(2), ++i) == LUA_TNIL)
			return 1;
		lua_pushvalue(L, -1);
		if (lua_rawget(L, lua_upvalueindex(1)) != LUA_TNIL) {
			lua_pushinteger(L, i);
			lua_replace(L, lua_upvalueindex(3));
			return 2;
		}
		lua_pop(L, 2);   /* removed while iterating */
	}
}

static int sorted_pairs(lua_State *L)
{
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	push_sorted_keys(L, 1);
	lua_pushinteger(L, 0);
	lua_pushcclosure(L, sorted_next, 3);
	lua_pushnil(L);
	lua_pushnil(L);
	return 3;
}

/* pairs() in sorted key order; a __pairs metamethod is still honoured. */
static int sandbox_pairs(lua_State *L)
{
	luaL_checkany(L, 1);
	if (luaL_getmetafield(L, 1, "__pairs") != LUA_TNIL) {
		lua_pushvalue(L, 1);
		lua_call(L, 1, 3);
		return 3;
	}
	return sorted_pairs(L);
}

/* ---- the sandboxed standard library --------------------------------------- */

static int less(lua_State *L, int x, int y)
{
	int r;
	if (lua_isnil(L, 2))
		return lua_compare(L, x, y, LUA_OPLT);
	lua_pushvalue(L, 2);
	lua_pushvalue(L, x < 0 ? x - 1 : x);
	lua_pushvalue(L, y < 0 ? y - 2 : y);
	lua_call(L, 2, 1);
	r = lua_toboolean(L, -1);
	lua_pop(L, 1);
	return r;
}

/* table.sort as a stable merge sort: equal elements keep their order, so a
 * list sorted by due date comes out the same in every build (Lua's own sort
 * is neither stable nor free of a randomised pivot). */
static int stable_sort(lua_State *L)
{
	lua_Integer n = luaL_len(L, 1), w, i;
	int src, dst;
	if (n < 2)
		return 0;
	luaL_argcheck(L, n < INT32_MAX, 1, "array too big");
	if (!lua_isnoneornil(L, 2))
		luaL_checktype(L, 2, LUA_TFUNCTION);
	lua_settop(L, 2);
	lua_createtable(L, (int)n, 0);
	lua_createtable(L, (int)n, 0);
	src = 3;
	dst = 4;
	for (i = 1; i <= n; i++) {
		lua_geti(L, 1, i);
		lua_rawseti(L, src, i);
	}
	for (w = 1; w < n; w *= 2) {
		for (lua_Integer lo = 1; lo <= n; lo += 2 * w) {
			lua_Integer mid = lo + w - 1 < n ? lo + w - 1 : n;
			lua_Integer hi = lo + 2 * w - 1 < n ? lo + 2 * w - 1 : n;
			lua_Integer a = lo, b = mid + 1, k = lo;
			while (a <= mid || b <= hi) {
				int take_b;
				if (a > mid)
					take_b = 1;
				else if (b > hi)
					take_b = 0;
				else {
					lua_rawgeti(L, src, b);
					lua_rawgeti(L, src, a);
					take_b = less(L, -2, -1);
					lua_pop(L, 2);
				}
				lua_rawgeti(L, src, take_b ? b++ : a++);
				lua_rawseti(L, dst, k++);
			}
		}
		int t = src;
		src = dst;
		dst = t;
	}
	for (i = 1; i <= n; i++) {
		lua_rawgeti(L, src, i);
		lua_seti(L, 1, i);
	}
	return 0;
}

/* string.rep checks the size first, so that string.rep("x", 1e12) is a clear
 * error at its line rather than a refused allocation. */
static int sandbox_rep(lua_State *L)
{
	struct script *s = S(L);
	size_t l, lsep;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n > 0) {
		double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
		double room = s->mem_used < s->mem_max ? (double)(s->mem_max - s->mem_used) : 0;
		if (total > room) {
			char m[32];
			fmt_mem(s->mem_max, m, sizeof m);
			char msg[96];
			snprintf(msg, sizeof msg, "hook used more than %s (string.rep of %.0f bytes)", m, total);
			return luaL_error(L, "%s", msg);
		}
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* Lua's matcher backtracks, and it is C: the count hook cannot stop it
 * inside one string.find. Each repetition (*, +, -) may retry over the whole
 * subject, so n bytes and q of them cost up to n^q steps per start position
 * (n start positions unless anchored with ^), and each ? doubles it. A match
 * whose worst case is above SCRIPT_PATTERN_COST steps (seconds of CPU) is
 * refused before it starts. */
#define SCRIPT_PATTERN_COST 1e10

static int pattern_guard(lua_State *L, const char *fname, int plain_arg)
{
	size_t n, pl;
	luaL_checklstring(L, 1, &n);
	const char *p = luaL_checklstring(L, 2, &pl);
	double cost = 1, len = n > 1 ? (double)n : 1;
	int anchored = pl > 0 && p[0] == '^';
	if (plain_arg && lua_toboolean(L, plain_arg))
		return 0;
	for (size_t i = anchored; i < pl && cost <= SCRIPT_PATTERN_COST; i++) {
		char c = p[i];
		if (c == '%') {
			i++;
			if (i < pl && p[i] == 'b')
				i += 2;
		} else if (c == '[') {
			i += (i + 1 < pl && p[i + 1] == '^') + 1;   /* a ']' first is literal */
			while (i < pl && p[i] != ']')
				i += p[i] == '%' ? 2 : 1;
		} else if ((c == '*' || c == '+' || c == '-') && i > (size_t)anchored) {
			cost *= len;
		} else if (c == '?' && i > (size_t)anchored) {
			cost *= 2;
		}
	}
	if (!anchored)
		cost *= len;
	if (cost > SCRIPT_PATTERN_COST) {
		char steps[64];
		snprintf(steps, sizeof steps, "up to %.0e steps, more than %.0e", cost, SCRIPT_PATTERN_COST);
		return luaL_error(L, "%s: pattern '%s' on %d bytes could take too long (%s); "
		                  "use fewer repetitions or a shorter text", fname, p, (int)n, steps);
	}
	return 0;
}

static int call_upvalue(lua_State *L)
{
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
	return lua_gettop(L);
}

static int sandbox_find(lua_State *L)
{
	pattern_guard(L, "string.find", 4);
	return call_upvalue(L);
}

static int sandbox_match(lua_State *L)
{
	pattern_guard(L, "string.match", 0);
	return call_upvalue(L);
}

static int sandbox_gmatch(lua_State *L)
{
	pattern_guard(L, "string.gmatch", 0);
	return call_upvalue(L);
}

static int sandbox_gsub(lua_State *L)
{
	pattern_guard(L, "string.gsub", 0);
	return call_upvalue(L);
}

static int sandbox_randomseed(lua_State *L)
{
	luaL_checkinteger(L, 1);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 0);
	return 0;
}

/* load() for text chunks in an environment the hook names. */
static int sandbox_load(lua_State *L)
{
	const char *mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t") != 0)
		return luaL_argerror(L, 3, "hooks may load text chunks only (mode \"t\")");
	luaL_checktype(L, 4, LUA_TTABLE);
	lua_settop(L, 4);
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushvalue(L, 1);
	lua_pushvalue(L, 2);
	lua_pushliteral(L, "t");
	lua_pushvalue(L, 4);
	lua_call(L, 4, LUA_MULTRET);
	return lua_gettop(L) - 4;
}

/* Finalizers would run at moments that differ from build to build, outside
 * any budget: hooks cannot set them. */
static int sandbox_setmetatable(lua_State *L)
{
	if (lua_type(L, 2) == LUA_TTABLE) {
		lua_pushliteral(L, "__gc");
		if (lua_rawget(L, 2) != LUA_TNIL)
			return luaL_error(L, "__gc metamethods are not available to hooks");
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

static void where(lua_State *L, int level, char *path, size_t cap, int *line)
{
	lua_Debug ar;
	*line = 0;
	snprintf(path, cap, "%s", S(L)->cur ? S(L)->cur : "lua");
	if (lua_getstack(L, level, &ar) && lua_getinfo(L, "Sl", &ar) && ar.currentline > 0) {
		snprintf(path, cap, "%s", ar.short_src);
		*line = ar.currentline;
	}
}

/* Charges one message of len bytes to the script's message allowance;
 * past it the hook fails, once, with a clear error (not catchable: every
 * later instruction fails too). */
static void charge_message(lua_State *L, size_t len)
{
	struct script *s = S(L);
	if (!s->fatal && (s->nmsg >= SCRIPT_MAX_MESSAGES ||
	                  len > SCRIPT_MAX_MESSAGE_BYTES - s->msg_bytes)) {
		s->fatal = "hook printed more than " PP_STR(SCRIPT_MAX_MESSAGES)
		           " messages or 1 MiB of messages";
		s->hook_every = 1;
		lua_sethook(L, count_hook, LUA_MASKCOUNT, 1);
	}
	if (s->fatal)
		luaL_error(L, "%s", s->fatal);
	s->nmsg++;
	s->msg_bytes += len;
}

/* print() records a note at the hook's line: modules never write to stdout. */
static int sandbox_print(lua_State *L)
{
	struct script *s = S(L);
	int n = lua_gettop(L), line;
	char path[LUA_IDSIZE];
	luaL_Buffer b;
	luaL_buffinit(L, &b);
	for (int i = 1; i <= n; i++) {
		if (i > 1)
			luaL_addchar(&b, '\t');
		luaL_tolstring(L, i, NULL);
		luaL_addvalue(&b);
	}
	luaL_pushresult(&b);
	if (s->d) {
		size_t len;
		const char *m = lua_tolstring(L, -1, &len);
		charge_message(L, len);
		where(L, 1, path, sizeof path, &line);
		diag_add(s->d, DIAG_NOTE, path, line, 0, NULL, 0, "%.*s", (int)len, m);
	}
	return 0;
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

static lua_Integer time_field(lua_State *L, const char *k, lua_Integer def)
{
	int isnum;
	lua_Integer v;
	lua_getfield(L, 1, k);
	v = lua_tointegerx(L, -1, &isnum);
	if (!isnum) {
		if (!lua_isnil(L, -1))
			luaL_error(L, "field '%s' is not an integer", k);
		if (def < 0)
			luaL_error(L, "field '%s' missing in date table", k);
		v = def;
	}
	lua_pop(L, 1);
	if (v < -1000000 || v > 1000000)
		luaL_error(L, "field '%s' is out of bound", k);
	return v;
}

/* os.time(): as_of; os.time{...}: that moment in UTC (hour 12 by default, as
 * in Lua), so that the result never depends on the machine's time zone. */
static int os_time(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_pushinteger(L, S(L)->as_of_time);
		return 1;
	}
	luaL_checktype(L, 1, LUA_TTABLE);
	lua_settop(L, 1);
	lua_Integer y = time_field(L, "year", -1), m = time_field(L, "month", -1) - 1;
	lua_Integer d = time_field(L, "day", -1), h = time_field(L, "hour", 12);
	lua_Integer mi = time_field(L, "min", 0), sec = time_field(L, "sec", 0);
	y += m >= 0 ? m / 12 : -((11 - m) / 12);
	m = ((m % 12) + 12) % 12;
	if (y < 1 || y > 9999)
		return luaL_error(L, "time result cannot be represented in this installation");
	lua_pushinteger(L, (lua_Integer)datetime_days((int)y, (int)m + 1, 1) * 86400 +
	                       (d - 1) * 86400 + h * 3600 + mi * 60 + sec);
	return 1;
}

/* os.date(fmt [, t]): t defaults to as_of, and times are always UTC. */
static int os_date(lua_State *L)
{
	const char *fmt = luaL_optstring(L, 1, "%c");
	lua_Integer t = lua_isnoneornil(L, 2) ? (lua_Integer)S(L)->as_of_time : luaL_checkinteger(L, 2);
	if (*fmt == '!')
		fmt++;
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_pushfstring(L, "!%s", fmt);
	lua_pushinteger(L, t);
	lua_call(L, 2, 1);
	return 1;
}

/* No clock: the same build gives the same numbers. */
static int os_clock(lua_State *L)
{
	lua_pushnumber(L, 0.0);
	return 1;
}

/* ---- hook files and modules ----------------------------------------------- */

/* Pushes a new global table for one hook file or module: its own globals,
 * falling back to the shared sandbox, which it cannot reach or change. */
static void push_shallow_copy(lua_State *L, int t)
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
static void push_env(lua_State *L)
{
	lua_newtable(L);
	lua_pushglobaltable(L);
	lua_pushnil(L);
	while (lua_next(L, -2)) {
		if (lua_type(L, -1) == LUA_TTABLE) {
			push_shallow_copy(L, -1);
			lua_replace(L, -2);
		}
		lua_pushvalue(L, -2);
		lua_insert(L, -2);
		lua_rawset(L, -5);
	}
	lua_pop(L, 1);
	lua_pushvalue(L, -1);
	lua_setfield(L, -2, "_G");
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_ENVMT);
	lua_setmetatable(L, -2);
}

/* Reads a file onto the Lua stack as a userdata (nothing to free if a later
 * call raises); returns its bytes, or NULL with a message pushed. */
static const char *read_onto_stack(lua_State *L, const char *disk, size_t *len)
{
	struct stat st;
	FILE *f;
	char *p;
	size_t n;
	if (stat(disk, &st) < 0) {
		lua_pushstring(L, diag_errstr(errno));
		return NULL;
	}
	if (!S_ISREG(st.st_mode)) {
		lua_pushliteral(L, "not a regular file");
		return NULL;
	}
	n = (size_t)st.st_size;
	p = lua_newuserdatauv(L, n + 1, 0);
	f = fopen(disk, "rb");
	if (!f) {
		lua_pop(L, 1);
		lua_pushstring(L, diag_errstr(errno));
		return NULL;
	}
	if (n && fread(p, 1, n, f) != n) {
		fclose(f);
		lua_pop(L, 1);
		lua_pushliteral(L, "short read");
		return NULL;
	}
	fclose(f);
	p[n] = '\0';
	*len = n;
	return p;
}

static int valid_module_name(const char *name, size_t n)
{
	if (n == 0 || n > MODULE_NAME_MAX || name[0] == '.' || name[n - 1] == '.')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = name[i];
		if (!(IS_ASCII_ALNUM(c) || c == '_' || c == '-' || c == '.'))
			return 0;
		if (c == '.' && name[i + 1] == '.')
			return 0;
	}
	return 1;
}

/* Whether disk, symbolic links resolved, lies inside folder (resolved too):
 * a link in lua/ pointing elsewhere is not a module of the site. */
static int inside(const char *disk, const char *folder)
{
	char *rd = realpath(disk, NULL), *rf = realpath(folder, NULL);
	size_t n = rf ? strlen(rf) : 0;
	int ok = rd && rf && strncmp(rd, rf, n) == 0 && rd[n] == '/';
	free(rd);
	free(rf);
	return ok;
}

/* require("a.b") runs lua/a/b.lua of the site (then of lib_dir) once, in its
 * own globals, and returns what it returned; nothing else can be loaded. */
static int sandbox_require(lua_State *L)
{
	struct script *s = S(L);
	size_t n, len = 0;
	const char *name = luaL_checklstring(L, 1, &n), *src = NULL;
	char rel[MODULE_NAME_MAX + 16], disk[4096], shown[4096], folder[4096];
	lua_settop(L, 1);
	if (strcmp(name, "planpress") == 0) {
		/* the caller's own planpress (its _ENV's), else a copy: the
		 * shared one stays out of reach */
		lua_Debug ar;
		if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
			const char *up;
			for (int i = 1; (up = lua_getupvalue(L, -1, i)); i++) {
				if (strcmp(up, "_ENV") == 0 && lua_type(L, -1) == LUA_TTABLE) {
					lua_pushliteral(L, "planpress");
					if (lua_rawget(L, -2) == LUA_TTABLE)
						return 1;
					lua_pop(L, 1);
				}
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		}
		lua_getglobal(L, "planpress");
		push_shallow_copy(L, -1);
		return 1;
	}
	if (!valid_module_name(name, n))
		return luaL_error(L, "module name '%s' is not allowed: hooks load lua/<name>.lua of the "
		                  "site, with letters, digits, '_', '-' and '.' for folders", name);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_MODULES);   /* 2 */
	lua_pushvalue(L, 1);
	if (lua_rawget(L, 2) != LUA_TNIL) {
		if (lua_touserdata(L, -1) == &K_LOADING)
			return luaL_error(L, "module '%s' requires itself (a require loop)", name);
		return 1;
	}
	lua_pop(L, 1);
	snprintf(rel, sizeof rel, "%s.lua", name);
	for (char *p = rel; *p && strcmp(p, ".lua") != 0; p++)
		if (*p == '.')
			*p = '/';
	snprintf(shown, sizeof shown, "lua/%s", rel);
	snprintf(disk, sizeof disk, "%s/lua/%s", s->site_dir, rel);
	snprintf(folder, sizeof folder, "%s/lua", s->site_dir);
	src = read_onto_stack(L, disk, &len);
	if (!src && s->lib_dir) {
		lua_pop(L, 1);
		snprintf(disk, sizeof disk, "%s/%s", s->lib_dir, rel);
		snprintf(shown, sizeof shown, "%s", disk);
		snprintf(folder, sizeof folder, "%s", s->lib_dir);
		src = read_onto_stack(L, disk, &len);
	}
	if (src && !inside(disk, folder))
		return luaL_error(L, "module '%s': %s leads outside %s (a symbolic link?)", name, shown,
		                  strcmp(folder, s->lib_dir ? s->lib_dir : "") == 0 ? folder : "lua/");
	if (!src)
		return luaL_error(L, "module '%s' not found: cannot read lua/%s: %s", name, rel,
		                  lua_tostring(L, -1));
	if (utf8_invalid_at(src, len) < len)
		return luaL_error(L, "module '%s': %s is not UTF-8", name, shown);
	size_t bom = utf8_bom(src, len);
	lua_pushfstring(L, "@%s", shown);
	if (luaL_loadbufferx(L, src + bom, len - bom, lua_tostring(L, -1), "t") != LUA_OK)
		return lua_error(L);
	push_env(L);
	lua_setupvalue(L, -2, 1);
	lua_pushvalue(L, 1);
	lua_pushlightuserdata(L, (void *)&K_LOADING);
	lua_rawset(L, 2);
	lua_call(L, 0, 1);
	if (lua_isnil(L, -1)) {
		lua_pop(L, 1);
		lua_pushboolean(L, 1);
	}
	lua_pushvalue(L, 1);
	lua_pushvalue(L, -2);
	lua_rawset(L, 2);
	return 1;
}

/* ---- the planpress module ------------------------------------------------- */

static int pp_date(lua_State *L)
{
	int y, m, d;
	const char *why;
	if (!get_date(L, 1, &y, &m, &d, &why)) {
		lua_pushnil(L);
		if (lua_type(L, 1) == LUA_TSTRING)
			lua_pushfstring(L, "'%s' is not a date: %s", lua_tostring(L, 1), why);
		else
			lua_pushfstring(L, "%s, got %s", why, luaL_typename(L, 1));
		return 2;
	}
	push_date(L, y, m, d);
	return 1;
}

static int pp_format_date(lua_State *L)
{
	struct script *s = S(L);
	static const char *const styles[] = { "zh", "en", "iso", NULL };
	struct datetime dt = { .kind = DT_DATE };
	int style;
	check_date(L, 1, &dt.year, &dt.month, &dt.day);
	style = lua_isnoneornil(L, 2) ? (s->lang == LANG_EN) : luaL_checkoption(L, 2, NULL, styles);
	if (style == 2) {
		lua_settop(L, 1);
		return date_tostring(L);
	}
	struct buf *b = scratch(L);
	lang_date(style == 1 ? LANG_EN : LANG_ZH, &dt, b);
	scratch_push(L, b);
	return 1;
}

static int pp_days_between(lua_State *L)
{
	lua_pushinteger(L, date_days(L, 2) - date_days(L, 1));
	return 1;
}

static int pp_add_days(lua_State *L)
{
	int64_t days = date_days(L, 1);
	lua_Integer n = luaL_checkinteger(L, 2);
	if (n > 4000000 || n < -4000000)
		return luaL_error(L, "date out of range (years 1 to 9999)");
	return push_days(L, days + n);
}

static int pp_add_months(lua_State *L)
{
	int y, m, d;
	check_date(L, 1, &y, &m, &d);
	if (chdate_add_months(&y, &m, &d, luaL_checkinteger(L, 2)) < 0)
		return luaL_error(L, "date out of range (years 1 to 9999)");
	push_date(L, y, m, d);
	return 1;
}

static int pp_month_end(lua_State *L)
{
	int y, m, d;
	check_date(L, 1, &y, &m, &d);
	push_date(L, y, m, datetime_month_days(y, m));
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
	if (lua_type(L, 2) == LUA_TTABLE) {
		if (!lua_isnoneornil(L, 3)) {
			lua_rawgetp(L, LUA_REGISTRYINDEX, &K_FPOS);
			lua_pushvalue(L, 2);
			if (lua_rawget(L, -2) == LUA_TTABLE) {
				lua_pushvalue(L, 3);
				lua_rawget(L, -2);
				found = read_pos(L, -1, &p, path, cap);
			}
		}
		if (!found) {
			lua_rawgetp(L, LUA_REGISTRYINDEX, &K_POS);
			lua_pushvalue(L, 2);
			lua_rawget(L, -2);
			found = read_pos(L, -1, &p, path, cap);
		}
	} else if (lua_type(L, 2) == LUA_TSTRING) {
		found = read_pos(L, 2, &p, path, cap);
	}
	if (found) {
		*line = p.line;
		*col = p.col;
		return;
	}
	where(L, 1, path, cap, line);
}

static int report_content(lua_State *L, enum diag_level level)
{
	struct script *s = S(L);
	size_t len;
	const char *msg = luaL_checklstring(L, 1, &len);
	char path[512];
	int line, col;
	if (!s->d) {
		if (level == DIAG_ERROR)   /* in a lambda: fail the lambda */
			return luaL_error(L, "%s", msg);
		return 0;
	}
	charge_message(L, len);
	content_where(L, path, sizeof path, &line, &col);
	diag_add(s->d, level, path, line, col, NULL, 0, "%.*s", (int)len, msg);
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
	struct buf *b = scratch(L);
	buf_put_html(b, t, len);
	scratch_push(L, b);
	return 1;
}

static int pp_slugify(lua_State *L)
{
	size_t len;
	const char *t = luaL_checklstring(L, 1, &len);
	if (utf8_invalid_at(t, len) < len)
		return luaL_argerror(L, 1, "not UTF-8");
	struct buf *b = scratch(L);
	markdown_slug(t, len, b);
	scratch_push(L, b);
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
	{ "escape_html", pp_escape_html },
	{ "slugify", pp_slugify },
	{ "lambda", pp_lambda },
	{ "sorted_pairs", sorted_pairs },
	{ NULL, NULL },
};

/* ---- the sandbox ---------------------------------------------------------- */

/* Replaces t[name] (t at the top) by f with the old value as its upvalue. */
static void wrap(lua_State *L, const char *name, lua_CFunction f)
{
	lua_getfield(L, -1, name);
	lua_pushcclosure(L, f, 1);
	lua_setfield(L, -2, name);
}

static void set_nil(lua_State *L, const char *name)
{
	lua_pushnil(L);
	lua_setfield(L, -2, name);
}

static void weak_table(lua_State *L, const void *key)
{
	lua_newtable(L);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

static int setup(lua_State *L)
{
	struct script *s = lua_touserdata(L, 1);
	lua_settop(L, 0);

	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);   /* fills the globals table */
	lua_pop(L, 1);
	lua_pushglobaltable(L);                         /* 1: the shared sandbox */
	set_nil(L, "dofile");
	set_nil(L, "loadfile");
	set_nil(L, "collectgarbage");
	set_nil(L, "warn");
	wrap(L, "load", sandbox_load);
	wrap(L, "setmetatable", sandbox_setmetatable);
	lua_pushcfunction(L, sandbox_pairs);
	lua_setfield(L, 1, "pairs");
	lua_pushcfunction(L, sandbox_print);
	lua_setfield(L, 1, "print");
	lua_pushcfunction(L, sandbox_require);
	lua_setfield(L, 1, "require");

	luaL_requiref(L, LUA_STRLIBNAME, luaopen_string, 0);
	set_nil(L, "dump");
	wrap(L, "rep", sandbox_rep);
	wrap(L, "find", sandbox_find);
	wrap(L, "match", sandbox_match);
	wrap(L, "gmatch", sandbox_gmatch);
	wrap(L, "gsub", sandbox_gsub);
	lua_setfield(L, 1, LUA_STRLIBNAME);
	luaL_requiref(L, LUA_TABLIBNAME, luaopen_table, 0);
	lua_pushcfunction(L, stable_sort);
	lua_setfield(L, -2, "sort");
	lua_setfield(L, 1, LUA_TABLIBNAME);
	luaL_requiref(L, LUA_MATHLIBNAME, luaopen_math, 0);
	lua_getfield(L, -1, "randomseed");
	lua_pushinteger(L, 0);   /* the same numbers in every build */
	lua_call(L, 1, 0);
	wrap(L, "randomseed", sandbox_randomseed);
	lua_setfield(L, 1, LUA_MATHLIBNAME);
	luaL_requiref(L, LUA_UTF8LIBNAME, luaopen_utf8, 0);
	lua_setfield(L, 1, LUA_UTF8LIBNAME);
	luaL_requiref(L, LUA_OSLIBNAME, luaopen_os, 0);   /* kept aside, never reachable */
	lua_createtable(L, 0, 4);
	lua_pushcfunction(L, os_time);
	lua_setfield(L, -2, "time");
	lua_getfield(L, -2, "date");
	lua_pushcclosure(L, os_date, 1);
	lua_setfield(L, -2, "date");
	lua_pushcfunction(L, os_clock);
	lua_setfield(L, -2, "clock");
	lua_getfield(L, -2, "difftime");
	lua_setfield(L, -2, "difftime");
	lua_setfield(L, 1, LUA_OSLIBNAME);
	lua_pop(L, 1);

	luaL_newlib(L, planpress_lib);
	lua_pushstring(L, s->as_of_iso);
	lua_setfield(L, -2, "as_of");
	lua_pushstring(L, s->language);
	lua_setfield(L, -2, "language");
	lua_pushlightuserdata(L, (void *)&K_NULL);
	lua_setfield(L, -2, "null");
	lua_setfield(L, 1, "planpress");

	/* Every metatable a hook can reach answers getmetatable() with false:
	 * nobody adds __gc to dates or changes string methods for other hooks. */
	luaL_newmetatable(L, DATE_MT);
	luaL_setfuncs(L, date_meta, 0);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	luaL_newmetatable(L, "planpress.scratch");
	lua_pushcfunction(L, scratch_gc);
	lua_setfield(L, -2, "__gc");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	lua_createtable(L, 0, 2);   /* the metatable of every hook's globals */
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &K_ENVMT);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &K_HOOKS);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &K_LAMBDAS);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &K_MODULES);
	weak_table(L, &K_POS);
	weak_table(L, &K_FPOS);
	return 0;
}

struct script *script_new(const struct script_opts *o, struct diags *d)
{
	struct script *s = xcalloc(1, sizeof *s);
	pthread_mutex_init(&s->mu, NULL);
	s->arena = arena_new();
	s->site_dir = xstrdup(o->site_dir ? o->site_dir : ".");
	s->lib_dir = o->lib_dir ? xstrdup(o->lib_dir) : NULL;
	s->language = xstrdup(o->language ? o->language : "zh-CN");
	s->lang = lang_from_code(s->language);
	s->as_of = o->as_of;
	s->as_of_time = as_time(&o->as_of);
	snprintf(s->as_of_iso, sizeof s->as_of_iso, "%04d-%02d-%02d", o->as_of.year % 10000,
	         o->as_of.month % 100, o->as_of.day % 100);
	s->budget = o->budget ? o->budget : SCRIPT_DEFAULT_BUDGET;
	s->mem_max = o->memory ? o->memory : SCRIPT_DEFAULT_MEMORY;
	if (s->mem_max < SCRIPT_MIN_MEMORY)
		s->mem_max = SCRIPT_MIN_MEMORY;
	s->mem_hard = s->mem_max + MEM_HEADROOM;
	s->lambda_d = o->lambda_diags;
	s->L = lua_newstate(script_alloc, s);
	if (!s->L) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "cannot start Lua: out of memory");
		script_free(s);
		return NULL;
	}
	*(struct script **)lua_getextraspace(s->L) = s;
	s->cur = "lua";
	if (protect(s, setup, s, d, NULL) != LUA_OK) {
		script_free(s);
		return NULL;
	}
	s->cur = NULL;
	return s;
}

void script_free(struct script *s)
{
	if (!s)
		return;
	if (s->L) {
		/* finalizers run under the budget too: a hook cannot have set one,
		 * but whatever runs here stops within it */
		s->running = 1;
		arm(s);
		lua_close(s->L);
	}
	pthread_mutex_destroy(&s->mu);
	arena_free(s->arena);
	free(s->hooks);
	free(s->site_dir);
	free(s->lib_dir);
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
	lua_pushfstring(L, "@%s", j->name);
	if (luaL_loadbufferx(L, j->src, j->len, lua_tostring(L, -1), "t") != LUA_OK) {
		const char *msg = lua_tolstring(L, -1, &len);
		report(j->s, LUA_ERRSYNTAX, msg, len, j->d, NULL);
		j->syntax = 1;
		return 0;
	}
	push_env(L);
	lua_pushvalue(L, -1);
	lua_setupvalue(L, -3, 1);
	lua_insert(L, -2);
	lua_call(L, 0, 0);   /* the env stays, under the handler of protect() */
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_HOOKS);
	lua_insert(L, -2);
	lua_rawseti(L, -2, (lua_Integer)j->s->nhooks + 1);
	return 0;
}

int script_load(struct script *s, const char *path, struct diags *d)
{
	struct buf disk = BUF_INIT;
	const char *src;
	size_t len, bom;
	int rc = -1;
	struct load_job j = { .s = s, .name = path, .d = d };
	pthread_mutex_lock(&s->mu);
	if (path[0] == '/')
		buf_puts(&disk, path);
	else
		buf_printf(&disk, "%s/%s", s->site_dir, path);
	if (content_read_text(s->arena, buf_cstr(&disk), path, &src, &len, d) < 0)
		goto out;
	bom = utf8_bom(src, len);
	j.src = src + bom;
	j.len = len - bom;
	j.name = arena_strdup(s->arena, path);
	s->cur = j.name;
	s->cur_line = 0;
	s->d = d;
	if (protect(s, load_hook, &j, d, NULL) != LUA_OK || j.syntax) {
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
	s->d = NULL;
	s->cur = NULL;
	buf_free(&disk);
	pthread_mutex_unlock(&s->mu);
	return rc;
}

/* ---- values into Lua and back --------------------------------------------- */

struct conv {
	struct script *s;
	struct arena *a;
	int memo;   /* stack index: value* → table going in, table → value* coming back */
	int call;   /* stack index: table → the value* it was made from, in this call */
	int pos, fpos;
	int sizes;          /* stack index: table → its expanded size, coming back */
	uint64_t nvalues;   /* values coming back, a shared table counted each time */
	char where[256];   /* the path in the data, for messages: "page.tasks[3]" */
	size_t wlen;
};

static size_t where_push(struct conv *cv, const char *fmt, const char *k, size_t klen, lua_Integer i)
{
	/* Called for every field converted: plain copies, no printf. fmt is
	 * ".%.*s" for a key or "[%lld]" for an index. */
	size_t old = cv->wlen, room = sizeof cv->where - 1 - old;
	char num[24], *w = cv->where + old;
	size_t n = 0;
	(void)fmt;
	if (k) {
		if (room > 0)
			w[n++] = '.';
		size_t c = klen < room - n ? klen : room - n;
		memcpy(w + n, k, c);
		n += c;
	} else {
		size_t d = 0;
		unsigned long long u = (unsigned long long)i;
		do
			num[d++] = (char)('0' + u % 10);
		while ((u /= 10) && d < sizeof num);
		if (room >= d + 2) {
			w[n++] = '[';
			while (d)
				w[n++] = num[--d];
			w[n++] = ']';
		}
	}
	cv->wlen = old + n;
	cv->where[cv->wlen] = '\0';
	return old;
}

static void where_pop(struct conv *cv, size_t old)
{
	cv->wlen = old;
	cv->where[old] = '\0';
}

static void push_iso(lua_State *L, const struct datetime *dt)
{
	struct buf *b = scratch(L);
	datetime_format(dt, b);
	scratch_push(L, b);
}

static int lambda_call(void *ud, const char *arg, size_t arglen, int section, struct buf *out);

/* Records the position of the value at the top of the stack (a child of the
 * table at index t, under the key at index k) in t's field positions. */
static void note_field_pos(lua_State *L, struct conv *cv, int t, int k, const struct pos *p)
{
	if (!p->path || p->line <= 0)
		return;
	lua_pushvalue(L, t);
	if (lua_rawget(L, cv->fpos) != LUA_TTABLE) {
		lua_pop(L, 1);
		lua_newtable(L);
		lua_pushvalue(L, t);
		lua_pushvalue(L, -2);
		lua_rawset(L, cv->fpos);
	}
	lua_pushvalue(L, k);
	push_pos(L, p);
	lua_rawset(L, -3);
	lua_pop(L, 1);
}

static void push_value(lua_State *L, struct conv *cv, const struct value *v, int depth)
{
	int t;
	luaL_checkstack(L, 10, "data nested too deeply");
	switch (v->kind) {
	case V_NULL:
		lua_pushlightuserdata(L, (void *)&K_NULL);
		return;
	case V_BOOL:
		lua_pushboolean(L, v->u.b);
		return;
	case V_INT:
		lua_pushinteger(L, (lua_Integer)v->u.i);
		return;
	case V_FLOAT:
		lua_pushnumber(L, v->u.f);
		return;
	case V_STRING:
		lua_pushlstring(L, v->u.str.s, v->u.str.len);
		return;
	case V_DATETIME:
		push_iso(L, &v->u.dt);
		return;
	case V_FUNC:
		if (v->u.fn.call == lambda_call && ((struct lambda *)v->u.fn.ud)->s == cv->s) {
			lua_rawgeti(L, LUA_REGISTRYINDEX, ((struct lambda *)v->u.fn.ud)->ref);
		} else {   /* a callable from elsewhere: passed through as it is */
			lua_pushlightuserdata(L, (void *)v);
			lua_pushlightuserdata(L, (void *)v);
			lua_rawset(L, cv->call);
			lua_pushlightuserdata(L, (void *)v);
		}
		return;
	case V_ARRAY:
	case V_TABLE:
		break;
	}
	if (lua_rawgetp(L, cv->memo, v) == LUA_TTABLE)
		return;   /* shared in the tree: one table in Lua too */
	lua_pop(L, 1);
	if (depth >= SCRIPT_MAX_DEPTH)
		luaL_error(L, "data nested deeper than %d levels at %s", SCRIPT_MAX_DEPTH, cv->where);
	if (v->kind == V_ARRAY) {
		lua_createtable(L, v->u.arr.n > INT32_MAX ? 0 : (int)v->u.arr.n, 0);
		t = lua_gettop(L);
		for (size_t i = 0; i < v->u.arr.n; i++) {
			size_t old = where_push(cv, "[%lld]", NULL, 0, (lua_Integer)i + 1);
			lua_pushinteger(L, (lua_Integer)i + 1);
			push_value(L, cv, v->u.arr.v[i], depth + 1);
			if (v->u.arr.v[i]->kind != V_ARRAY && v->u.arr.v[i]->kind != V_TABLE)
				note_field_pos(L, cv, t, t + 1, &v->u.arr.v[i]->pos);
			lua_rawset(L, t);
			where_pop(cv, old);
		}
	} else {
		lua_createtable(L, 0, v->u.tab.n > INT32_MAX ? 0 : (int)v->u.tab.n);
		t = lua_gettop(L);
		for (size_t i = 0; i < v->u.tab.n; i++) {
			const struct value_pair *p = &v->u.tab.v[i];
			size_t old = where_push(cv, ".%.*s", p->key, p->keylen, 0);
			lua_pushlstring(L, p->key, p->keylen);
			push_value(L, cv, p->val, depth + 1);
			if (p->val->kind != V_ARRAY && p->val->kind != V_TABLE)
				note_field_pos(L, cv, t, t + 1, &p->val->pos);
			lua_rawset(L, t);
			where_pop(cv, old);
		}
	}
	if (v->pos.path && v->pos.line > 0) {
		lua_pushvalue(L, t);
		push_pos(L, &v->pos);
		lua_rawset(L, cv->pos);
	}
	lua_pushvalue(L, t);
	lua_pushlightuserdata(L, (void *)v);
	lua_rawset(L, cv->call);
	lua_pushvalue(L, t);
	lua_rawsetp(L, cv->memo, v);
}

/* The V_FUNC value for the function at idx: one lambda per function. */
static struct value *to_lambda(lua_State *L, struct conv *cv, int idx)
{
	struct lambda *l;
	struct value *v;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_LAMBDAS);
	lua_pushvalue(L, idx);
	if (lua_rawget(L, -2) == LUA_TLIGHTUSERDATA) {
		l = lua_touserdata(L, -1);
	} else {
		lua_pop(L, 1);
		l = arena_alloc(cv->s->arena, sizeof *l);   /* owned by the script */
		l->s = cv->s;
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

static struct pos table_pos(lua_State *L, struct conv *cv, int t, const struct value *orig)
{
	struct pos p = { 0 };
	char path[512];
	if (orig)
		return orig->pos;
	lua_pushvalue(L, t);
	lua_rawget(L, cv->pos);
	if (read_pos(L, -1, &p, path, sizeof path))
		p.path = arena_strdup(cv->a, path);
	lua_pop(L, 1);
	return p;
}

static struct value *to_value(lua_State *L, struct conv *cv, int idx, const struct value *orig, int depth);

/* The key at idx as a table key of the value tree (numbers in decimal). */
static const char *key_text(lua_State *L, struct conv *cv, int idx, size_t *len)
{
	switch (lua_type(L, idx)) {
	case LUA_TSTRING: {
		const char *k = lua_tolstring(L, idx, len);
		if (utf8_invalid_at(k, *len) < *len)
			luaL_error(L, "the hook stored a key that is not UTF-8 in %s", cv->where);
		return k;
	}
	case LUA_TNUMBER: {
		struct buf *b = scratch(L);
		if (lua_isinteger(L, idx))
			buf_printf(b, "%lld", (long long)lua_tointeger(L, idx));
		else
			value_format_double(lua_tonumber(L, idx), b);
		scratch_push(L, b);
		lua_replace(L, idx);
		return lua_tolstring(L, idx, len);
	}
	default:
		luaL_error(L, "the hook stored a %s key in %s: templates need string keys",
		           luaL_typename(L, idx), cv->where);
		return NULL;
	}
}

static void put_field(lua_State *L, struct conv *cv, struct value *out, int kidx, int vidx,
                      const struct value *orig, int depth)
{
	size_t klen;
	const char *k = key_text(L, cv, kidx, &klen);
	size_t old = where_push(cv, ".%.*s", k, klen, 0);
	struct value *cv_orig = orig && orig->kind == V_TABLE ? value_getn(orig, k, klen) : NULL;
	struct value *c = to_value(L, cv, vidx, cv_orig, depth + 1);
	if (c)   /* a Lua table's keys are unique: no need to look for the key first */
		value_append(cv->a, out, k, klen, c);
	where_pop(cv, old);
}

static struct value *table_to_value(lua_State *L, struct conv *cv, int t, int depth)
{
	const struct value *orig = NULL;
	struct value *out;
	lua_Integer n = 0, maxi = 0;
	int isarr = 1, keys;
	uint64_t start = cv->nvalues;
	if (lua_rawgetp(L, cv->memo, lua_topointer(L, t)) == LUA_TLIGHTUSERDATA) {
		out = lua_touserdata(L, -1);
		lua_pop(L, 1);
		/* a table stored in several places is written out once per place:
		 * {t, t} forty levels deep is 2^40 values in data/tasks.json */
		lua_rawgetp(L, cv->sizes, lua_topointer(L, t));
		cv->nvalues += (uint64_t)lua_tointeger(L, -1);
		lua_pop(L, 1);
		if (cv->nvalues > SCRIPT_MAX_VALUES)
			luaL_error(L, "the hook's data expands to more than %d values at %s "
			           "(one table stored in many places?)", SCRIPT_MAX_VALUES, cv->where);
		return out;
	}
	lua_pop(L, 1);
	if (depth >= SCRIPT_MAX_DEPTH)
		luaL_error(L, "data nested deeper than %d levels at %s (a table that contains itself?)",
		           SCRIPT_MAX_DEPTH, cv->where);
	lua_pushvalue(L, t);
	if (lua_rawget(L, cv->call) == LUA_TLIGHTUSERDATA)
		orig = lua_touserdata(L, -1);
	lua_pop(L, 1);
	lua_pushnil(L);
	while (lua_next(L, t)) {
		lua_pop(L, 1);
		n++;
		if (lua_isinteger(L, -1) && lua_tointeger(L, -1) > 0) {
			if (lua_tointeger(L, -1) > maxi)
				maxi = lua_tointeger(L, -1);
		} else {
			isarr = 0;
		}
	}
	if (maxi != n)
		isarr = 0;
	if (n == 0)
		isarr = !(orig && orig->kind == V_TABLE);   /* {} is an empty list unless it was a table */
	if (isarr) {
		out = value_array(cv->a, table_pos(L, cv, t, orig));
		for (lua_Integer i = 1; i <= n; i++) {
			const struct value *co = orig && orig->kind == V_ARRAY && (size_t)i <= orig->u.arr.n
			                             ? orig->u.arr.v[i - 1] : NULL;
			size_t old = where_push(cv, "[%lld]", NULL, 0, i);
			lua_rawgeti(L, t, i);
			value_push(cv->a, out, to_value(L, cv, lua_gettop(L), co, depth + 1));
			lua_pop(L, 1);
			where_pop(cv, old);
		}
	} else {
		out = value_table(cv->a, table_pos(L, cv, t, orig));
		/* first the fields the table came with, in their order; then new ones, sorted */
		lua_Integer placed = 0;
		if (orig && orig->kind == V_TABLE) {
			for (size_t i = 0; i < orig->u.tab.n; i++) {
				const struct value_pair *p = &orig->u.tab.v[i];
				lua_pushlstring(L, p->key, p->keylen);
				lua_pushvalue(L, -1);
				if (lua_rawget(L, t) != LUA_TNIL) {
					put_field(L, cv, out, lua_gettop(L) - 1, lua_gettop(L), orig, depth);
					placed++;
				}
				lua_pop(L, 2);
			}
		}
		if (placed == n) {   /* no new keys: nothing to sort (most tables) */
			lua_pushlightuserdata(L, out);
			lua_rawsetp(L, cv->memo, lua_topointer(L, t));
			lua_pushinteger(L, (lua_Integer)(cv->nvalues - start));
			lua_rawsetp(L, cv->sizes, lua_topointer(L, t));
			return out;
		}
		/* The new keys, sorted in one scratch block: the strings stay valid
		 * because they are keys of t, which nothing changes meanwhile. */
		struct skey *v = lua_newuserdatauv(L, (size_t)n * sizeof *v + 1, 0);
		keys = lua_gettop(L);
		lua_Integer m = 0;
		lua_pushnil(L);
		while (lua_next(L, t) && m < n) {
			struct skey *k = &v[m];
			lua_pop(L, 1);
			skey_fill(L, k, m + 1);
			if (k->rank == 1 && orig && orig->kind == V_TABLE && value_getn(orig, k->s, k->len))
				continue;   /* placed above, in the original order */
			m++;
		}
		qsort(v, (size_t)m, sizeof *v, cmp_skey);
		for (lua_Integer i = 0; i < m; i++) {
			const struct skey *k = &v[i];
			if (k->rank == 1)
				lua_pushlstring(L, k->s, k->len);
			else if (k->rank == 0 && k->isint)
				lua_pushinteger(L, k->i);
			else if (k->rank == 0)
				lua_pushnumber(L, k->n);
			else if (k->rank == 2 || k->rank == 3)
				lua_pushboolean(L, k->rank == 3);
			else
				luaL_error(L, "the hook stored a %s key in %s: templates need string keys", k->tname, cv->where);
			lua_pushvalue(L, -1);
			lua_rawget(L, t);
			put_field(L, cv, out, lua_gettop(L) - 1, lua_gettop(L), orig, depth);
			lua_pop(L, 2);
		}
		lua_settop(L, keys - 1);
	}
	lua_pushlightuserdata(L, out);
	lua_rawsetp(L, cv->memo, lua_topointer(L, t));
	lua_pushinteger(L, (lua_Integer)(cv->nvalues - start));
	lua_rawsetp(L, cv->sizes, lua_topointer(L, t));
	return out;
}

/* The value for the Lua value at idx (NULL for nil). Unchanged scalars keep
 * orig, so that a date left alone stays a date and positions survive. */
static struct value *to_value(lua_State *L, struct conv *cv, int idx, const struct value *orig, int depth)
{
	static const struct pos nopos = { 0 };
	size_t len;
	const char *s;
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 10, "data nested too deeply");
	if (++cv->nvalues > SCRIPT_MAX_VALUES)
		luaL_error(L, "the hook's data expands to more than %d values at %s", SCRIPT_MAX_VALUES,
		           cv->where);
	switch (lua_type(L, idx)) {
	case LUA_TNIL:
		return NULL;
	case LUA_TBOOLEAN:
		if (orig && orig->kind == V_BOOL && !orig->u.b == !lua_toboolean(L, idx))
			return (struct value *)orig;
		return value_bool(cv->a, lua_toboolean(L, idx), nopos);
	case LUA_TNUMBER:
		if (lua_isinteger(L, idx)) {
			if (orig && orig->kind == V_INT && orig->u.i == lua_tointeger(L, idx))
				return (struct value *)orig;
			return value_int(cv->a, lua_tointeger(L, idx), nopos);
		}
		if (orig && orig->kind == V_FLOAT && orig->u.f == lua_tonumber(L, idx))
			return (struct value *)orig;
		return value_float(cv->a, lua_tonumber(L, idx), nopos);
	case LUA_TSTRING:
		s = lua_tolstring(L, idx, &len);
		if (orig && orig->kind == V_STRING && orig->u.str.len == len && memcmp(orig->u.str.s, s, len) == 0)
			return (struct value *)orig;
		if (orig && orig->kind == V_DATETIME) {
			push_iso(L, &orig->u.dt);
			int same = lua_rawequal(L, -1, idx);
			lua_pop(L, 1);
			if (same)
				return (struct value *)orig;
		}
		if (utf8_invalid_at(s, len) < len)
			luaL_error(L, "the hook stored a string that is not UTF-8 at %s", cv->where);
		return value_string(cv->a, s, len, nopos);
	case LUA_TLIGHTUSERDATA:
		if (lua_touserdata(L, idx) == &K_NULL)
			return orig && orig->kind == V_NULL ? (struct value *)orig : value_null(cv->a, nopos);
		lua_pushvalue(L, idx);
		if (lua_rawget(L, cv->call) != LUA_TNIL) {
			lua_pop(L, 1);
			return lua_touserdata(L, idx);
		}
		lua_pop(L, 1);
		break;
	case LUA_TFUNCTION:
		return to_lambda(L, cv, idx);
	case LUA_TTABLE:
		if (is_date_table(L, idx)) {
			struct datetime dt = { .kind = DT_DATE };
			const char *why;
			if (!get_date(L, idx, &dt.year, &dt.month, &dt.day, &why))
				luaL_error(L, "the hook stored a bad date at %s: %s", cv->where, why);
			if (orig && orig->kind == V_DATETIME && orig->u.dt.kind == DT_DATE &&
			    datetime_cmp(&orig->u.dt, &dt) == 0)
				return (struct value *)orig;
			return value_datetime(cv->a, &dt, nopos);
		}
		return table_to_value(L, cv, idx, depth);
	default:
		break;
	}
	luaL_error(L, "the hook stored a %s at %s: templates cannot use it", luaL_typename(L, idx), cv->where);
	return NULL;
}

/* ---- calls ----------------------------------------------------------------- */

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
	struct conv cv = { .s = s, .a = r->a };
	int root;
	lua_settop(L, 0);
	lua_newtable(L);
	cv.memo = 1;
	lua_newtable(L);
	cv.call = 2;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_POS);
	cv.pos = 3;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_FPOS);
	cv.fpos = 4;
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_HOOKS);   /* 5 */
	/* Nothing to convert when no hook defines the function: a site's
	 * progress hook alone would otherwise pay for every page twice. */
	int any = 0;
	for (size_t i = 0; i < s->nhooks && !any; i++) {
		lua_rawgeti(L, 5, (lua_Integer)i + 1);
		lua_getfield(L, -1, r->fname);
		any = lua_type(L, -1) == LUA_TFUNCTION;
		lua_pop(L, 2);
	}
	if (!any)
		return 0;
	snprintf(cv.where, sizeof cv.where, "%s", strcmp(r->fname, "on_page") == 0 ? "page" : "site");
	cv.wlen = strlen(cv.where);
	push_value(L, &cv, r->root, 0);
	root = lua_gettop(L);
	for (size_t i = 0; i < s->nhooks; i++) {
		int base;
		lua_Debug ar;
		lua_rawgeti(L, 5, (lua_Integer)i + 1);
		lua_getfield(L, -1, r->fname);   /* the hook's own global, or one it inherits: none */
		if (lua_type(L, -1) != LUA_TFUNCTION) {
			lua_pop(L, 2);
			continue;
		}
		s->cur = s->hooks[i].name;
		lua_pushvalue(L, -1);
		lua_getinfo(L, ">S", &ar);
		s->cur_line = ar.linedefined;
		base = lua_gettop(L);
		lua_pushcfunction(L, msgh);
		lua_insert(L, base);
		lua_pushvalue(L, root);
		arm(s);
		int st = lua_pcall(L, 1, 0, base);
		if (st != LUA_OK) {
			size_t len = 0;
			const char *msg = lua_tolstring(L, -1, &len);
			report(s, st, msg ? msg : "error", msg ? len : 5, r->d, r->context);
			r->failed = 1;
			return 0;   /* later hooks would build on what this one did not */
		}
		lua_settop(L, root);
	}
	lua_newtable(L);   /* coming back: a fresh memo */
	lua_replace(L, cv.memo);
	lua_newtable(L);
	cv.sizes = lua_gettop(L);
	r->result = to_value(L, &cv, root, NULL, 0);
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
	s->d = d;
	s->content_errors = 0;
	s->cur = s->nhooks ? s->hooks[0].name : NULL;
	s->cur_line = 0;
	if (protect(s, run_hooks, &r, d, r.context) != LUA_OK || r.failed) {
		s->broken = 1;
		goto out;
	}
	if (r.result && r.result != v)
		*v = *r.result;
	rc = s->content_errors ? -1 : 0;
out:
	s->d = NULL;
	s->cur = NULL;
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
	lua_pushcfunction(L, msgh);
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
			return luaL_error(L, "the lambda returned text that is not UTF-8");
		buf_put(c->out, r, len);
		return 0;
	default:
		return luaL_error(L, "the lambda returned a %s, not a string", luaL_typename(L, -1));
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
	s->d = s->lambda_d;
	s->cur = "lambda";
	s->cur_line = 0;
	if (protect(s, run_lambda, &c, &ld, NULL) != LUA_OK) {
		buf_truncate(out, start);
		if (ld.n) {
			if (ld.v[0].line > 0)
				buf_printf(out, "%s:%d: ", ld.v[0].path, ld.v[0].line);
			buf_puts(out, ld.v[0].msg);
		}
		rc = -1;
	}
	s->d = NULL;
	s->cur = NULL;
	pthread_mutex_unlock(&s->mu);
	diags_free(&ld);
	return rc;
}
