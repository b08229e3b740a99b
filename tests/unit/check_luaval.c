/* check_luaval.c: the value tree into Lua and back (luaval.h). A table's
 * keys reach Lua as they are, a key holding a NUL and one longer than a
 * pair's length tag included; what comes back unchanged is the value that
 * went in; changed keys keep their order, new ones come sorted after them,
 * a new key holding a NUL stays apart from its first part; nesting past
 * LUAVAL_MAX_DEPTH is refused, not followed. */
#include "check.h"

#include <stdlib.h>

#include <lauxlib.h>
#include <lua.h>
#include <lualib.h>

#include "arena.h"
#include "luaval.h"
#include "value.h"

#define LONG_KEY 70000

static struct arena *A;
static char *long_key;

/* {"a\0b": 1, "a": 2, <LONG_KEY k's>: 3, "sub": {"x": [10, 20]}} */
static struct value *sample(void)
{
	struct pos p = { 0 };
	struct value *t = value_table(A, p), *sub = value_table(A, p), *arr = value_array(A, p);
	value_set(A, t, "a\0b", 3, value_int(A, 1, p));
	value_set(A, t, "a", 1, value_int(A, 2, p));
	value_set(A, t, long_key, LONG_KEY, value_int(A, 3, p));
	value_push(A, arr, value_int(A, 10, p));
	value_push(A, arr, value_int(A, 20, p));
	value_setc(A, sub, "x", arr);
	value_setc(A, t, "sub", sub);
	return t;
}

struct round {
	const struct value *in;
	const char *lua;            /* run with the pushed table as global t, or NULL */
	struct value *out;
};

static int run_round(lua_State *L)
{
	struct round *r = lua_touserdata(L, 1);
	struct luaval_conv cv = { .a = A, .who = "check" };
	luaval_begin(L, &cv, "t");
	luaval_push(L, &cv, r->in);
	int t = lua_gettop(L);
	if (r->lua) {
		lua_pushvalue(L, t);
		lua_setglobal(L, "t");
		if (luaL_dostring(L, r->lua) != LUA_OK)
			return lua_error(L);
	}
	r->out = luaval_to(L, &cv, t, r->in);
	return 0;
}

/* 0, or -1 with the error message in *err. */
static int round_trip(lua_State *L, struct round *r, const char **err)
{
	lua_pushcfunction(L, run_round);
	lua_pushlightuserdata(L, r);
	int rc = lua_pcall(L, 1, 0, 0);
	*err = rc == LUA_OK ? NULL : lua_tostring(L, -1);
	if (rc != LUA_OK)
		lua_pop(L, 1);
	return rc == LUA_OK ? 0 : -1;
}

static int64_t int_at(const struct value *t, const char *key, size_t len)
{
	const struct value *v = value_getn(t, key, len);
	return v && v->kind == V_INT ? v->u.i : -1;
}

static int open_all(lua_State *L)
{
	luaL_openlibs(L);
	luaval_open(L);
	return 0;
}

int main(void)
{
	A = arena_new();
	long_key = malloc(LONG_KEY + 1);
	memset(long_key, 'k', LONG_KEY);
	long_key[LONG_KEY] = '\0';
	lua_State *L = luaL_newstate();
	lua_pushcfunction(L, open_all);
	CHECK(lua_pcall(L, 0, 0, 0) == LUA_OK);
	const char *err;

	/* Keys reach Lua as they are; nothing changed comes back as it went. */
	struct value *in = sample();
	struct round r = { in,
	                   "assert(t['a\\0b'] == 1 and t.a == 2 and t[string.rep('k', 70000)] == 3)\n"
	                   "assert(t['a\\0'] == nil and t.sub.x[2] == 20)", NULL };
	CHECK_INT(round_trip(L, &r, &err), 0);
	if (err)
		fprintf(stderr, "%s\n", err);
	CHECK(r.out == in);

	/* Changed: the keys that were there first, in their order, new keys
	 * sorted after them; a new key with a NUL apart from "a". */
	r = (struct round){ in, "t.a = 7; t['a\\0c'] = 5; t.b = 6; t.sub.x[1] = 11", NULL };
	CHECK_INT(round_trip(L, &r, &err), 0);
	if (err)
		fprintf(stderr, "%s\n", err);
	const struct value *o = r.out;
	CHECK(o && o != in && o->kind == V_TABLE);
	CHECK_INT(value_len(o), 6);
	CHECK_INT(int_at(o, "a\0b", 3), 1);
	CHECK_INT(int_at(o, "a", 1), 7);
	CHECK_INT(int_at(o, "a\0c", 3), 5);
	CHECK_INT(int_at(o, "b", 1), 6);
	CHECK_INT(int_at(o, long_key, LONG_KEY), 3);
	CHECK(value_getn(o, "a\0", 2) == NULL);
	static const size_t lens[] = { 3, 1, LONG_KEY, 3, 3, 1 };
	static const char *const heads[] = { "a\0b", "a", "k", "sub", "a\0c", "b" };
	static const size_t headlens[] = { 3, 1, 1, 3, 3, 1 };
	for (size_t i = 0; i < 6 && i < value_len(o); i++) {
		const struct value_pair *kv = value_pair_at(o, i);
		CHECK_INT(value_pair_keylen(kv), lens[i]);
		CHECK(memcmp(kv->key, heads[i], headlens[i]) == 0);
	}
	/* The unchanged key's value is the one that went in. */
	CHECK(value_getn(o, long_key, LONG_KEY) == value_getn(in, long_key, LONG_KEY));
	const struct value *x = value_get(value_get(o, "sub"), "x");
	CHECK(value_len(x) == 2 && value_at(x, 0)->u.i == 11 && value_at(x, 1)->u.i == 20);

	/* A table that holds itself comes back as an error, not a hang. */
	r = (struct round){ in, "t.sub.self = t.sub", NULL };
	CHECK_INT(round_trip(L, &r, &err), -1);
	CHECK(err && strstr(err, "t.sub") != NULL);

	lua_close(L);
	free(long_key);
	arena_free(A);
	return CHECK_DONE("check_luaval");
}
