/* luaval.h: the value tree (value.h) into Lua tables and back, for code run
 * in the sandbox (sandbox.h): a subtree shared in the tree is one table in
 * Lua, content positions are remembered for messages, dates are
 * planpress.date tables, null is planpress.null, and what comes back is
 * bounded in size and depth, whatever the code built. */
#ifndef PP_LUAVAL_H
#define PP_LUAVAL_H

#include <stdint.h>

#include <lua.h>

#include "arena.h"
#include "value.h"

/* Values one call may hand back, a table stored in several places counted
 * once per place (that is how JSON and templates write it out): a site of
 * thousands of pages returns a few hundred thousand. */
#define LUAVAL_MAX_VALUES (1 << 23)
/* How deeply tables may nest going in or coming back: front matter nests a
 * handful of levels; past this it is a cycle (t.self = t). */
#define LUAVAL_MAX_DEPTH 64
/* The registry name of the date metatable. */
#define LUAVAL_DATE_MT "planpress.date"

/* Creates the date metatable (protected) and the position tables. Call once,
 * inside a protected call, after sandbox_open. */
void luaval_open(lua_State *L);

/* planpress.null: what V_NULL is in Lua. */
void luaval_push_null(lua_State *L);
int luaval_is_null(lua_State *L, int idx);

/* Dates: a table {year=, month=, day=} with the date metatable. */
void luaval_push_date(lua_State *L, int y, int m, int d);
int luaval_is_date(lua_State *L, int idx);
/* A date from a date table, {year=, month=, day=} or a string chdate reads;
 * 0 with *why set when it is none. */
int luaval_get_date(lua_State *L, int idx, int *y, int *m, int *d, const char **why);
/* The same, raising an argument error when it is none. */
void luaval_check_date(lua_State *L, int idx, int *y, int *m, int *d);
/* Days since the epoch of the date argument at idx (raises if none). */
int64_t luaval_date_days(lua_State *L, int idx);
/* Pushes the date days after the epoch; raises out of years 1..9999. */
int luaval_push_days(lua_State *L, int64_t days);
/* __tostring of dates: "2018-12-31". */
int luaval_date_tostring(lua_State *L);

/* Where the table at t came from in the content, or its field k (a stack
 * index, 0: none) if that is known: fills *out (out->path points into path,
 * cap bytes) and returns 1, else 0. */
int luaval_pos_of(lua_State *L, int t, int k, struct pos *out, char *path, size_t cap);
/* Reads "path:line[:col]" at stack index i (or a remembered position). */
int luaval_read_pos(lua_State *L, int i, struct pos *out, char *path, size_t cap);

/* One conversion: in with luaval_push, back with luaval_to. The caller may
 * turn its own kinds of function into V_FUNC values and back. */
struct luaval_conv {
	struct arena *a;            /* where values coming back are made */
	const char *who;            /* "hook": "the hook stored a ... at page.x" */
	void *ud;                   /* for the callbacks */
	/* The V_FUNC value for the Lua function at idx; NULL: functions are an error. */
	struct value *(*from_func)(lua_State *L, struct luaval_conv *cv, int idx);
	/* Pushes the Lua function a V_FUNC value stands for and returns 1, or
	 * returns 0 (the value passes through Lua untouched); NULL: 0. */
	int (*push_func)(lua_State *L, struct luaval_conv *cv, const struct value *v);
	/* the rest is the conversion's own */
	int memo, call, pos, fpos, sizes;   /* stack indices of its tables */
	uint64_t nvalues;
	char where[256];            /* the path in the data, for messages: "page.tasks[3]" */
	size_t wlen;
};

/* Pushes the conversion's five tables (they must stay on the stack until the
 * last luaval_to) and names the root in messages ("page"). Set a, who, ud and
 * the callbacks first. */
void luaval_begin(lua_State *L, struct luaval_conv *cv, const char *root);
/* Pushes v as a Lua value. Raises on data nested too deeply. */
void luaval_push(lua_State *L, struct luaval_conv *cv, const struct value *v);
/* The value for the Lua value at idx (NULL for nil) in cv->a. Unchanged
 * scalars and fields keep orig's values (and positions); orig may be NULL.
 * Tables come back as arrays when their keys are 1..n, else as tables: keys
 * orig had first, in its order, then new keys sorted. Raises, naming the
 * place in the data, on what the tree cannot hold, on more than
 * LUAVAL_MAX_VALUES values and on nesting past LUAVAL_MAX_DEPTH. Call it
 * once per luaval_push round trip (it starts a fresh memo). */
struct value *luaval_to(lua_State *L, struct luaval_conv *cv, int idx, const struct value *orig);

#endif
