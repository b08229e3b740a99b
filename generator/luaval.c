/* luaval.c: the value tree into Lua and back, as the sandbox's code sees
 * it. Positions are kept as pointers to the values' own struct pos (the
 * values live in the build's arena, which outlives the state) and made into
 * text only when a message needs one: most never do. */
#include "luaval.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <lauxlib.h>

#include "chdate.h"
#include "i18n.h"
#include "sandbox.h"
#include "utf8.h"

/* Registry keys: the addresses are unique, the contents unused. */
static const char K_POS, K_FPOS, K_NULL;

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
int luaval_read_pos(lua_State *L, int i, struct pos *out, char *path, size_t cap)
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

void luaval_push_date(lua_State *L, int y, int m, int d)
{
	lua_createtable(L, 0, 3);
	lua_pushinteger(L, y);
	lua_setfield(L, -2, "year");
	lua_pushinteger(L, m);
	lua_setfield(L, -2, "month");
	lua_pushinteger(L, d);
	lua_setfield(L, -2, "day");
	luaL_setmetatable(L, LUAVAL_DATE_MT);
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
int luaval_get_date(lua_State *L, int idx, int *y, int *m, int *d, const char **why)
{
	idx = lua_absindex(L, idx);
	*why = _("expected a date");
	if (lua_type(L, idx) == LUA_TSTRING) {
		size_t len;
		const char *s = lua_tolstring(L, idx, &len);
		return chdate_parse(s, len, y, m, d, why) == 0;
	}
	if (lua_type(L, idx) == LUA_TTABLE) {
		lua_Integer a, b, c;
		if (!date_field(L, idx, "year", &a) || !date_field(L, idx, "month", &b) ||
		    !date_field(L, idx, "day", &c)) {
			*why = _("a date table needs integer year, month and day");
			return 0;
		}
		if (a < 1 || a > 9999 || !datetime_valid_date((int)a, (int)b, (int)c)) {
			*why = _("no such day in the calendar");
			return 0;
		}
		*y = (int)a;
		*m = (int)b;
		*d = (int)c;
		return 1;
	}
	return 0;
}

void luaval_check_date(lua_State *L, int idx, int *y, int *m, int *d)
{
	const char *why;
	if (!luaval_get_date(L, idx, y, m, d, &why)) {
		if (lua_type(L, idx) == LUA_TSTRING)
			luaL_argerror(L, idx, lua_pushfstring(L, "'%s' is not a date: %s", lua_tostring(L, idx), why));
		luaL_argerror(L, idx, lua_pushfstring(L, "%s, got %s", why, luaL_typename(L, idx)));
	}
}

int64_t luaval_date_days(lua_State *L, int idx)
{
	int y, m, d;
	luaval_check_date(L, idx, &y, &m, &d);
	return datetime_days(y, m, d);
}

int luaval_push_days(lua_State *L, int64_t days)
{
	int y, m, d;
	if (days < datetime_days(1, 1, 1) || days > datetime_days(9999, 12, 31))
		return luaL_error(L, _("date out of range (years 1 to 9999)"));
	datetime_from_days(days, &y, &m, &d);
	luaval_push_date(L, y, m, d);
	return 1;
}

int luaval_date_tostring(lua_State *L)
{
	int y, m, d;
	luaval_check_date(L, 1, &y, &m, &d);
	lua_pushfstring(L, "%d-%s%d-%s%d", y, m < 10 ? "0" : "", m, d < 10 ? "0" : "", d);
	if (y < 1000)
		lua_pushfstring(L, "%s%s", y < 10 ? "000" : y < 100 ? "00" : "0", lua_tostring(L, -1));
	return 1;
}

static int date_eq(lua_State *L)
{
	lua_pushboolean(L, luaval_date_days(L, 1) == luaval_date_days(L, 2));
	return 1;
}

static int date_lt(lua_State *L)
{
	lua_pushboolean(L, luaval_date_days(L, 1) < luaval_date_days(L, 2));
	return 1;
}

static int date_le(lua_State *L)
{
	lua_pushboolean(L, luaval_date_days(L, 1) <= luaval_date_days(L, 2));
	return 1;
}


static int date_concat(lua_State *L)
{
	for (int i = 1; i <= 2; i++) {
		if (lua_type(L, i) == LUA_TTABLE && luaval_is_date(L, i)) {
			lua_pushcfunction(L, luaval_date_tostring);
			lua_pushvalue(L, i);
			lua_call(L, 1, 1);
			lua_replace(L, i);
		}
	}
	lua_concat(L, 2);
	return 1;
}

static const luaL_Reg date_meta[] = {
	{ "__tostring", luaval_date_tostring },
	{ "__eq", date_eq },
	{ "__lt", date_lt },
	{ "__le", date_le },
	{ "__concat", date_concat },
	{ NULL, NULL },
};

int luaval_is_date(lua_State *L, int idx)
{
	int r;
	if (!lua_getmetatable(L, idx))
		return 0;
	luaL_getmetatable(L, LUAVAL_DATE_MT);
	r = lua_rawequal(L, -1, -2);
	lua_pop(L, 2);
	return r;
}
/* ---- values into Lua and back --------------------------------------------- */


static size_t where_push(struct luaval_conv *cv, const char *fmt, const char *k, size_t klen, lua_Integer i)
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

static void where_pop(struct luaval_conv *cv, size_t old)
{
	cv->wlen = old;
	cv->where[old] = '\0';
}

static void push_iso(lua_State *L, const struct datetime *dt)
{
	struct buf *b = sandbox_scratch(L);
	datetime_format(dt, b);
	sandbox_scratch_push(L, b);
}


/* Records the position of the value at the top of the stack (a child of the
 * table at index t, under the key at index k) in t's field positions. */
static void note_field_pos(lua_State *L, struct luaval_conv *cv, int t, int k, const struct pos *p)
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

static void push_value(lua_State *L, struct luaval_conv *cv, const struct value *v, int depth)
{
	int t;
	luaL_checkstack(L, 10, "data nested too deeply");
	switch (v->kind) {
	case V_NULL:
		luaval_push_null(L);
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
		if (!cv->push_func || !cv->push_func(L, cv, v)) {
			/* a callable from elsewhere: passed through as it is */
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
	if (depth >= LUAVAL_MAX_DEPTH)
		luaL_error(L, _("data nested deeper than %d levels at %s"), LUAVAL_MAX_DEPTH, cv->where);
	if (v->kind == V_ARRAY) {
		lua_createtable(L, value_len(v) > INT32_MAX ? 0 : (int)value_len(v), 0);
		t = lua_gettop(L);
		for (size_t i = 0; i < value_len(v); i++) {
			const struct value *e = value_at(v, i);
			size_t old = where_push(cv, "[%lld]", NULL, 0, (lua_Integer)i + 1);
			lua_pushinteger(L, (lua_Integer)i + 1);
			push_value(L, cv, e, depth + 1);
			if (e->kind != V_ARRAY && e->kind != V_TABLE)
				note_field_pos(L, cv, t, t + 1, &e->pos);
			lua_rawset(L, t);
			where_pop(cv, old);
		}
	} else {
		lua_createtable(L, 0, value_len(v) > INT32_MAX ? 0 : (int)value_len(v));
		t = lua_gettop(L);
		for (size_t i = 0; i < value_len(v); i++) {
			const struct value_pair *p = value_pair_at(v, i);
			size_t old = where_push(cv, ".%.*s", p->key, value_pair_keylen(p), 0);
			lua_pushlstring(L, p->key, value_pair_keylen(p));
			push_value(L, cv, value_pair_val(p), depth + 1);
			if (value_pair_val(p)->kind != V_ARRAY && value_pair_val(p)->kind != V_TABLE)
				note_field_pos(L, cv, t, t + 1, &value_pair_val(p)->pos);
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

static struct pos table_pos(lua_State *L, struct luaval_conv *cv, int t, const struct value *orig)
{
	struct pos p = { 0 };
	char path[512];
	if (orig)
		return orig->pos;
	lua_pushvalue(L, t);
	lua_rawget(L, cv->pos);
	if (luaval_read_pos(L, -1, &p, path, sizeof path))
		p.path = arena_strdup(cv->a, path);
	lua_pop(L, 1);
	return p;
}

static struct value *to_value(lua_State *L, struct luaval_conv *cv, int idx, const struct value *orig, int depth);

/* The key at idx as a table key of the value tree (numbers in decimal). */
static const char *key_text(lua_State *L, struct luaval_conv *cv, int idx, size_t *len)
{
	switch (lua_type(L, idx)) {
	case LUA_TSTRING: {
		const char *k = lua_tolstring(L, idx, len);
		if (utf8_invalid_at(k, *len) < *len)
			luaL_error(L, _("the %s stored a key that is not UTF-8 in %s"), _(cv->who), cv->where);
		return k;
	}
	case LUA_TNUMBER: {
		struct buf *b = sandbox_scratch(L);
		if (lua_isinteger(L, idx))
			buf_printf(b, "%lld", (long long)lua_tointeger(L, idx));
		else
			value_format_double(lua_tonumber(L, idx), b);
		sandbox_scratch_push(L, b);
		lua_replace(L, idx);
		return lua_tolstring(L, idx, len);
	}
	default:
		luaL_error(L, _("the %s stored a %s key in %s: templates need string keys"),
		           _(cv->who), luaL_typename(L, idx), cv->where);
		return NULL;
	}
}

static void put_field(lua_State *L, struct luaval_conv *cv, struct value *out, int kidx, int vidx,
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

static struct value *table_to_value(lua_State *L, struct luaval_conv *cv, int t, int depth)
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
		if (cv->nvalues > LUAVAL_MAX_VALUES)
			luaL_error(L, _("the %s stored data that expands to more than %d values at %s "
			                "(one table stored in many places?)"), _(cv->who), LUAVAL_MAX_VALUES, cv->where);
		return out;
	}
	lua_pop(L, 1);
	if (depth >= LUAVAL_MAX_DEPTH)
		luaL_error(L, _("data nested deeper than %d levels at %s (a table that contains itself?)"),
		           LUAVAL_MAX_DEPTH, cv->where);
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
	int base = lua_gettop(L);
	if (isarr && value_is(orig, V_ARRAY) && value_len(orig) == (size_t)n) {
		/* the list it came from: kept as it is if no element changed, so
		 * that a hook reading the whole site costs no copy of it */
		struct value **kids = lua_newuserdatauv(L, (size_t)n * sizeof *kids + 1, 0);
		int same = 1;
		for (lua_Integer i = 1; i <= n; i++) {
			size_t old = where_push(cv, "[%lld]", NULL, 0, i);
			lua_rawgeti(L, t, i);
			kids[i - 1] = to_value(L, cv, lua_gettop(L), value_at(orig, (size_t)i - 1), depth + 1);
			same &= kids[i - 1] == value_at(orig, (size_t)i - 1);
			lua_pop(L, 1);
			where_pop(cv, old);
		}
		if (same) {
			out = (struct value *)orig;
		} else {
			out = value_array(cv->a, orig->pos);
			value_reserve(cv->a, out, (size_t)n);
			for (lua_Integer i = 0; i < n; i++)
				value_push(cv->a, out, kids[i]);
		}
		lua_settop(L, base);
	} else if (isarr) {
		out = value_array(cv->a, table_pos(L, cv, t, orig));
		value_reserve(cv->a, out, (size_t)n);
		for (lua_Integer i = 1; i <= n; i++) {
			const struct value *co = value_at(orig, (size_t)i - 1);
			size_t old = where_push(cv, "[%lld]", NULL, 0, i);
			lua_rawgeti(L, t, i);
			value_push(cv->a, out, to_value(L, cv, lua_gettop(L), co, depth + 1));
			lua_pop(L, 1);
			where_pop(cv, old);
		}
	} else {
		/* first the fields the table came with, in their order; then new
		 * ones, sorted. A table whose fields are all as they came is the
		 * original itself. */
		lua_Integer placed = 0;
		size_t no = value_is(orig, V_TABLE) ? value_len(orig) : 0;
		struct value **kids = lua_newuserdatauv(L, no * sizeof *kids + 1, 0);
		int same = 1;
		for (size_t i = 0; i < no; i++) {
			const struct value_pair *p = value_pair_at(orig, i);
			kids[i] = NULL;
			lua_pushlstring(L, p->key, value_pair_keylen(p));
			if (lua_rawget(L, t) != LUA_TNIL) {
				size_t old = where_push(cv, ".%.*s", p->key, value_pair_keylen(p), 0);
				kids[i] = to_value(L, cv, lua_gettop(L), value_pair_val(p), depth + 1);
				where_pop(cv, old);
				placed++;
			}
			same &= kids[i] == value_pair_val(p);
			lua_pop(L, 1);
		}
		if (same && placed == n && orig) {
			lua_settop(L, base);
			lua_pushlightuserdata(L, (void *)orig);
			lua_rawsetp(L, cv->memo, lua_topointer(L, t));
			lua_pushinteger(L, (lua_Integer)(cv->nvalues - start));
			lua_rawsetp(L, cv->sizes, lua_topointer(L, t));
			return (struct value *)orig;
		}
		out = value_table(cv->a, table_pos(L, cv, t, orig));
		value_reserve(cv->a, out, (size_t)n);
		for (size_t i = 0; i < no; i++) {   /* orig's keys outlive out: not copied */
			const struct value_pair *p = value_pair_at(orig, i);
			if (kids[i])
				value_append_key(cv->a, out, p->key, value_pair_keylen(p), kids[i]);
		}
		lua_settop(L, base);
		if (placed == n) {   /* no new keys: nothing to sort (most tables) */
			lua_pushlightuserdata(L, out);
			lua_rawsetp(L, cv->memo, lua_topointer(L, t));
			lua_pushinteger(L, (lua_Integer)(cv->nvalues - start));
			lua_rawsetp(L, cv->sizes, lua_topointer(L, t));
			return out;
		}
		/* The new keys, sorted in one scratch block: the strings stay valid
		 * because they are keys of t, which nothing changes meanwhile. */
		struct sandbox_key *v = lua_newuserdatauv(L, (size_t)n * sizeof *v + 1, 0);
		keys = lua_gettop(L);
		lua_Integer m = 0;
		lua_pushnil(L);
		while (lua_next(L, t) && m < n) {
			struct sandbox_key *k = &v[m];
			lua_pop(L, 1);
			sandbox_key_fill(L, k, m + 1);
			if (k->rank == 1 && orig && orig->kind == V_TABLE && value_getn(orig, k->s, k->len))
				continue;   /* placed above, in the original order */
			m++;
		}
		qsort(v, (size_t)m, sizeof *v, sandbox_key_cmp);
		for (lua_Integer i = 0; i < m; i++) {
			const struct sandbox_key *k = &v[i];
			if (k->rank == 1)
				lua_pushlstring(L, k->s, k->len);
			else if (k->rank == 0 && k->isint)
				lua_pushinteger(L, k->i);
			else if (k->rank == 0)
				lua_pushnumber(L, k->n);
			else if (k->rank == 2 || k->rank == 3)
				lua_pushboolean(L, k->rank == 3);
			else
				luaL_error(L, _("the %s stored a %s key in %s: templates need string keys"), _(cv->who), k->tname, cv->where);
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
static struct value *to_value(lua_State *L, struct luaval_conv *cv, int idx, const struct value *orig, int depth)
{
	static const struct pos nopos = { 0 };
	size_t len;
	const char *s;
	idx = lua_absindex(L, idx);
	luaL_checkstack(L, 10, "data nested too deeply");
	if (++cv->nvalues > LUAVAL_MAX_VALUES)
		luaL_error(L, _("the %s stored data that expands to more than %d values at %s"), _(cv->who), LUAVAL_MAX_VALUES,
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
			luaL_error(L, _("the %s stored a string that is not UTF-8 at %s"), _(cv->who), cv->where);
		return value_string(cv->a, s, len, nopos);
	case LUA_TLIGHTUSERDATA:
		if (luaval_is_null(L, idx))
			return orig && orig->kind == V_NULL ? (struct value *)orig : value_null(cv->a, nopos);
		lua_pushvalue(L, idx);
		if (lua_rawget(L, cv->call) != LUA_TNIL) {
			lua_pop(L, 1);
			return lua_touserdata(L, idx);
		}
		lua_pop(L, 1);
		break;
	case LUA_TFUNCTION:
		if (cv->from_func)
			return cv->from_func(L, cv, idx);
		break;
	case LUA_TTABLE:
		if (luaval_is_date(L, idx)) {
			struct datetime dt = { .kind = DT_DATE };
			const char *why;
			int y, m, d;
			if (!luaval_get_date(L, idx, &y, &m, &d, &why))
				luaL_error(L, _("the %s stored a bad date at %s: %s"), _(cv->who), cv->where, why);
			dt.year = y;
			dt.month = (int8_t)m;
			dt.day = (int8_t)d;
			if (orig && orig->kind == V_DATETIME && orig->u.dt.kind == DT_DATE &&
			    datetime_cmp(&orig->u.dt, &dt) == 0)
				return (struct value *)orig;
			return value_datetime(cv->a, &dt, nopos);
		}
		return table_to_value(L, cv, idx, depth);
	default:
		break;
	}
	luaL_error(L, _("the %s stored a %s at %s: templates cannot use it"), _(cv->who), luaL_typename(L, idx), cv->where);
	return NULL;
}

/* ---- the interface ---------------------------------------------------------- */

static void weak_table(lua_State *L, const void *key)
{
	lua_newtable(L);
	lua_createtable(L, 0, 1);
	lua_pushliteral(L, "k");
	lua_setfield(L, -2, "__mode");
	lua_setmetatable(L, -2);
	lua_rawsetp(L, LUA_REGISTRYINDEX, key);
}

void luaval_open(lua_State *L)
{
	luaL_newmetatable(L, LUAVAL_DATE_MT);
	luaL_setfuncs(L, date_meta, 0);
	lua_pushboolean(L, 0);   /* nobody adds __gc to dates */
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 1);
	weak_table(L, &K_POS);
	weak_table(L, &K_FPOS);
}

void luaval_push_null(lua_State *L)
{
	lua_pushlightuserdata(L, (void *)&K_NULL);
}

int luaval_is_null(lua_State *L, int idx)
{
	return lua_touserdata(L, idx) == &K_NULL && lua_type(L, idx) == LUA_TLIGHTUSERDATA;
}

int luaval_pos_of(lua_State *L, int t, int k, struct pos *out, char *path, size_t cap)
{
	int found = 0, top = lua_gettop(L);
	t = lua_absindex(L, t);
	if (k) {
		k = lua_absindex(L, k);
		lua_rawgetp(L, LUA_REGISTRYINDEX, &K_FPOS);
		lua_pushvalue(L, t);
		if (lua_rawget(L, -2) == LUA_TTABLE) {
			lua_pushvalue(L, k);
			lua_rawget(L, -2);
			found = luaval_read_pos(L, -1, out, path, cap);
		}
		lua_settop(L, top);
	}
	if (!found) {
		lua_rawgetp(L, LUA_REGISTRYINDEX, &K_POS);
		lua_pushvalue(L, t);
		lua_rawget(L, -2);
		found = luaval_read_pos(L, -1, out, path, cap);
		lua_settop(L, top);
	}
	return found;
}

void luaval_begin(lua_State *L, struct luaval_conv *cv, const char *root)
{
	luaL_checkstack(L, 8, "conversion");
	lua_newtable(L);
	cv->memo = lua_gettop(L);
	lua_newtable(L);
	cv->call = lua_gettop(L);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_POS);
	cv->pos = lua_gettop(L);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_FPOS);
	cv->fpos = lua_gettop(L);
	lua_newtable(L);
	cv->sizes = lua_gettop(L);
	cv->nvalues = 0;
	snprintf(cv->where, sizeof cv->where, "%s", root);
	cv->wlen = strlen(cv->where);
	if (!cv->who)
		cv->who = N_("hook");
}

void luaval_push(lua_State *L, struct luaval_conv *cv, const struct value *v)
{
	push_value(L, cv, v, 0);
}

struct value *luaval_to(lua_State *L, struct luaval_conv *cv, int idx, const struct value *orig)
{
	idx = lua_absindex(L, idx);
	lua_newtable(L);   /* coming back: a fresh memo */
	lua_replace(L, cv->memo);
	cv->nvalues = 0;
	return to_value(L, cv, idx, orig, 0);
}
