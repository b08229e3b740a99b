/* sandlib.c: the library of the sandbox, as Lua's own libraries are opened
 * one by one (linit.c): the standard functions a site's code may use, each
 * wrapped where the original would reach the machine, the clock or a
 * nondeterministic order, and require() of the site's own lua/ folder. */
#include "sandbox.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <lauxlib.h>
#include <lualib.h>

#include "buf.h"
#include "i18n.h"
#include "utf8.h"
#include "value.h"

extern const char sandbox_k_envmt;
/* Registry keys: the addresses are unique, the contents unused. */
static const char K_MODULES, K_LOADING;

/* ---- sorted iteration ----------------------------------------------------- */


int sandbox_key_cmp(const void *pa, const void *pb)
{
	const struct sandbox_key *a = pa, *b = pb;
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
void sandbox_key_fill(lua_State *L, struct sandbox_key *k, lua_Integer slot)
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
	struct sandbox_key *v;
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
		struct sandbox_key *k = &v[i];
		lua_pop(L, 1);
		sandbox_key_fill(L, k, ++i);
		lua_pushvalue(L, -1);
		lua_rawseti(L, keys, i);   /* anchors the key, so k->s stays valid */
	}
	qsort(v, (size_t)n, sizeof *v, sandbox_key_cmp);
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

int sandbox_sorted_pairs(lua_State *L)
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
	return sandbox_sorted_pairs(L);
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
	struct sandbox *s = sandbox_of(L);
	size_t l, lsep;
	luaL_checklstring(L, 1, &l);
	lua_Integer n = luaL_checkinteger(L, 2);
	luaL_optlstring(L, 3, "", &lsep);
	if (n > 0) {
		double total = (double)l * (double)n + (double)lsep * (double)(n - 1);
		double room = s->mem_used < s->mem_max ? (double)(s->mem_max - s->mem_used) : 0;
		if (total > room) {
			char m[32];
			sandbox_fmt_mem(s->mem_max, m, sizeof m);
			char msg[128];
			snprintf(msg, sizeof msg, "%s used more than %s (string.rep of %.0f bytes)",
			         s->who ? s->who : "hook", m, total);
			return luaL_error(L, "%s", msg);
		}
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* Lua's matcher backtracks, and it is C: the count hook cannot stop it
 * inside one string.find. Each repetition (*, +, -) of an item may retry over
 * as many bytes as the longest run of the subject that the item matches, so
 * a pattern costs up to the product of (run + 1) over its repetitions per
 * start position (every position unless anchored with ^), and each ?
 * doubles it; a lazy repetition that only one item follows retries over
 * the runs that item ends (lazy_run), and a pattern that begins with plain
 * bytes goes past them only where the subject holds them (starts). A
 * match whose bound is above
 * SANDBOX_PATTERN_COST steps
 * (seconds of CPU) is refused before it starts: ".-.-.-b" on 30,000 bytes
 * is, "(%d+)%%" on a page of text with short numbers is not. */
#define SANDBOX_PATTERN_COST 1e10

/* Whether byte c is in class cl (the letter after %, as Lua's lstrlib reads it). */
static int class_has(int c, int cl)
{
	int r;
	switch (cl | 0x20) {
	case 'a': r = IS_ASCII_ALPHA(c); break;
	case 'c': r = c < 32 || c == 127; break;
	case 'd': r = IS_ASCII_DIGIT(c); break;
	case 'g': r = c > 32 && c < 127; break;
	case 'l': r = c >= 'a' && c <= 'z'; break;
	case 'p': r = c > 32 && c < 127 && !IS_ASCII_ALNUM(c); break;
	case 's': r = c == ' ' || (c >= '\t' && c <= '\r'); break;
	case 'u': r = c >= 'A' && c <= 'Z'; break;
	case 'w': r = IS_ASCII_ALNUM(c); break;
	case 'x': r = IS_ASCII_DIGIT(c) || ((c | 0x20) >= 'a' && (c | 0x20) <= 'f'); break;
	default: return cl == c;
	}
	return (cl >= 'A' && cl <= 'Z') ? !r : r;
}

/* Whether byte c matches the single item p[0..n) ('.', %x, [set], a byte). */
static int item_has(int c, const char *p, size_t n)
{
	if (p[0] == '.')
		return 1;
	if (p[0] == '%')
		return n > 1 && class_has(c, (unsigned char)p[1]);
	if (p[0] != '[')
		return c == (unsigned char)p[0];
	size_t i = 1, end = n - 1;   /* p[end] is the closing ']' */
	int neg = i < end && p[i] == '^', in = 0;
	i += neg;
	for (; i < end && !in; i++) {
		if (p[i] == '%' && i + 1 < end) {
			in = class_has(c, (unsigned char)p[++i]);
		} else if (i + 2 < end && p[i + 1] == '-') {
			in = (unsigned char)p[i] <= c && c <= (unsigned char)p[i + 2];
			i += 2;
		} else {
			in = c == (unsigned char)p[i];
		}
	}
	return neg ? !in : in;
}

/* The longest run of subject bytes that the item matches. */
static size_t longest_run(const char *s, size_t n, const char *p, size_t pn)
{
	size_t best = 0, run = 0;
	if (p[0] == '.')
		return n;
	for (size_t i = 0; i < n; i++) {
		run = item_has((unsigned char)s[i], p, pn) ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* The end of the single item at p[i] ('.', %x, [set], a byte), or i when
 * what is there is not one (a capture, %b, %f, an anchor). */
static size_t item_end(const char *p, size_t pl, size_t i)
{
	if (i >= pl || p[i] == '(' || p[i] == ')' || (p[i] == '$' && i + 1 == pl))
		return i;
	if (p[i] == '%')
		return i + 1 < pl && p[i + 1] != 'b' && p[i + 1] != 'f' ? i + 2 : i;
	if (p[i] != '[')
		return i + 1;
	size_t k = i + 1 + (i + 1 < pl && p[i + 1] == '^') + 1;   /* a ']' first is literal */
	while (k < pl && p[k] != ']')
		k += p[k] == '%' ? 2 : 1;
	return k < pl ? k + 1 : i;
}

/* The longest run of subject bytes that item matches and next does not. */
static size_t longest_run_until(const char *s, size_t n, const char *item, size_t in, const char *next,
                                size_t nn)
{
	size_t best = 0, run = 0;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];
		run = item_has(c, item, in) && !item_has(c, next, nn) ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* The retries of a lazy item (p[start..i) then '-' at p[i]) that only one
 * more item follows, and captures closing: the match ends at the first
 * byte that item matches, so it retries at most over a run of bytes that
 * its own item matches and that one does not ((.-)\n on a text of short
 * lines: a line's length, not the text's). (size_t)-1 when the pattern
 * goes on otherwise. */
static size_t lazy_run(const char *subj, size_t n, const char *p, size_t pl, size_t start, size_t i)
{
	size_t j = i + 1;
	while (j < pl && p[j] == ')')
		j++;
	size_t e = item_end(p, pl, j);
	if (e == j || (e < pl && (p[e] == '*' || p[e] == '+' || p[e] == '-' || p[e] == '?')))
		return (size_t)-1;
	size_t k = e;
	while (k < pl && p[k] == ')')
		k++;
	if (k != pl)
		return (size_t)-1;
	return longest_run_until(subj, n, p + start, i - start, p + j, e - j);
}

/* Where an unanchored match can get past its start: a pattern that begins
 * with plain bytes (captures opening aside) is tried in full only where
 * the subject holds them; elsewhere it fails at their first byte that
 * differs. The number of such places (n when the pattern begins
 * otherwise). */
static double starts(const char *subj, size_t n, const char *p, size_t pl)
{
	size_t i = 0;
	while (i < pl && p[i] == '(')
		i++;
	size_t from = i;
	while (i < pl && !strchr("^$*+?.([%-)]", p[i]) &&
	       !(i + 1 < pl && (p[i + 1] == '*' || p[i + 1] == '+' || p[i + 1] == '-' || p[i + 1] == '?')))
		i++;
	size_t len = i - from;
	if (!len)
		return (double)n;
	double count = 0;
	for (size_t at = 0; (at = buf_find(subj, n, p + from, len, at)) != (size_t)-1; at++)
		count++;
	return count;
}

static int pattern_guard(lua_State *L, const char *fname, int plain_arg)
{
	size_t n, pl;
	const char *subj = luaL_checklstring(L, 1, &n);
	const char *p = luaL_checklstring(L, 2, &pl);
	double cost = 1;
	int anchored = pl > 0 && p[0] == '^';
	if (plain_arg && lua_toboolean(L, plain_arg))
		return 0;
	for (size_t i = anchored; i < pl && cost <= SANDBOX_PATTERN_COST;) {
		size_t start = i;
		char c = p[i];
		if (c == '(' || c == ')' || (c == '$' && i + 1 == pl)) {
			i++;
			continue;
		}
		if (c == '%') {
			i += 2;
			if (start + 1 < pl && p[start + 1] == 'b') {
				i += 2;
				cost *= n > 1 ? (double)n : 1;   /* %bxy scans ahead for its close */
				continue;
			}
			if (start + 1 < pl && p[start + 1] == 'f') {   /* %f[set]: no repetition */
				while (i < pl && p[i] != ']')
					i += p[i] == '%' ? 2 : 1;
				i++;
				continue;
			}
		} else if (c == '[') {
			i += (i + 1 < pl && p[i + 1] == '^') + 2;   /* a ']' first is literal */
			while (i < pl && p[i] != ']')
				i += p[i] == '%' ? 2 : 1;
			i++;
		} else {
			i++;
		}
		if (i > pl)
			i = pl;
		if (i < pl && (p[i] == '*' || p[i] == '+' || p[i] == '-')) {
			size_t run = p[i] == '-' ? lazy_run(subj, n, p, pl, start, i) : (size_t)-1;
			if (run == (size_t)-1)
				run = longest_run(subj, n, p + start, i - start);
			cost *= (double)run + 1;
			i++;
		} else if (i < pl && p[i] == '?') {
			cost *= 2;
			i++;
		}
	}
	if (!anchored && cost <= SANDBOX_PATTERN_COST)
		cost = (double)n + starts(subj, n, p, pl) * cost;
	if (cost > SANDBOX_PATTERN_COST) {
		char steps[64];
		snprintf(steps, sizeof steps, "up to %.0e steps, more than %.0e", cost, SANDBOX_PATTERN_COST);
		return luaL_error(L, _("%s: pattern '%s' on %d bytes could take too long (%s); "
		                       "use fewer repetitions or a shorter text"), fname, p, (int)n, steps);
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
static int load_text(lua_State *L)
{
	const char *mode = luaL_optstring(L, 3, "t");
	if (strcmp(mode, "t") != 0)
		return luaL_argerror(L, 3, _("hooks may load text chunks only (mode \"t\")"));
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
			return luaL_error(L, _("__gc metamethods are not available to hooks"));
		lua_pop(L, 1);
	}
	lua_pushvalue(L, lua_upvalueindex(1));
	lua_insert(L, 1);
	lua_call(L, lua_gettop(L) - 1, 1);
	return 1;
}

/* print() records a note at the hook's line: modules never write to stdout. */
static int sandbox_print(lua_State *L)
{
	struct sandbox *s = sandbox_of(L);
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
		sandbox_charge_message(L, len);
		sandbox_where(L, 1, path, sizeof path, &line);
		diag_add(s->d, DIAG_NOTE, path, line, 0, NULL, 0, "%.*s", (int)len, m);
	}
	return 0;
}

static lua_Integer time_field(lua_State *L, const char *k, lua_Integer def)
{
	int isnum;
	lua_Integer v;
	lua_getfield(L, 1, k);
	v = lua_tointegerx(L, -1, &isnum);
	if (!isnum) {
		if (!lua_isnil(L, -1))
			luaL_error(L, _("field '%s' is not an integer"), k);
		if (def < 0)
			luaL_error(L, _("field '%s' missing in date table"), k);
		v = def;
	}
	lua_pop(L, 1);
	if (v < -1000000 || v > 1000000)
		luaL_error(L, _("field '%s' is out of bound"), k);
	return v;
}

/* os.time(): as_of; os.time{...}: that moment in UTC (hour 12 by default, as
 * in Lua), so that the result never depends on the machine's time zone. */
static int os_time(lua_State *L)
{
	if (lua_isnoneornil(L, 1)) {
		lua_pushinteger(L, sandbox_of(L)->now);
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
		return luaL_error(L, _("time result cannot be represented in this installation"));
	lua_pushinteger(L, (lua_Integer)datetime_days((int)y, (int)m + 1, 1) * 86400 +
	                       (d - 1) * 86400 + h * 3600 + mi * 60 + sec);
	return 1;
}

/* os.date(fmt [, t]): t defaults to as_of, and times are always UTC. */
static int os_date(lua_State *L)
{
	const char *fmt = luaL_optstring(L, 1, "%c");
	lua_Integer t = lua_isnoneornil(L, 2) ? (lua_Integer)sandbox_of(L)->now : luaL_checkinteger(L, 2);
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
	if (n == 0 || n > SANDBOX_MODULE_NAME_MAX || name[0] == '.' || name[n - 1] == '.')
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
	struct sandbox *s = sandbox_of(L);
	size_t n, len = 0;
	const char *name = luaL_checklstring(L, 1, &n), *src = NULL;
	char rel[SANDBOX_MODULE_NAME_MAX + 16], disk[4096], shown[4096], folder[4096];
	lua_settop(L, 1);
	lua_pushglobaltable(L);
	int lib = strcmp(name, "_G") != 0 && lua_getfield(L, -1, name) == LUA_TTABLE;
	lua_settop(L, 1);
	if (lib) {
		/* a library (planpress, string...): the caller's own copy (its
		 * _ENV's), else a new copy: the shared one stays out of reach */
		lua_Debug ar;
		if (lua_getstack(L, 1, &ar) && lua_getinfo(L, "f", &ar)) {
			const char *up;
			for (int i = 1; (up = lua_getupvalue(L, -1, i)); i++) {
				if (strcmp(up, "_ENV") == 0 && lua_type(L, -1) == LUA_TTABLE) {
					lua_pushvalue(L, 1);
					if (lua_rawget(L, -2) == LUA_TTABLE)
						return 1;
					lua_pop(L, 1);
				}
				lua_pop(L, 1);
			}
			lua_pop(L, 1);
		}
		lua_getglobal(L, name);
		sandbox_push_copy(L, -1);
		return 1;
	}
	if (!valid_module_name(name, n))
		return luaL_error(L, _("module name '%s' is not allowed: hooks load lua/<name>.lua of the "
		                       "site, with letters, digits, '_', '-' and '.' for folders"), name);
	lua_rawgetp(L, LUA_REGISTRYINDEX, &K_MODULES);   /* 2 */
	lua_pushvalue(L, 1);
	if (lua_rawget(L, 2) != LUA_TNIL) {
		if (lua_touserdata(L, -1) == &K_LOADING)
			return luaL_error(L, _("module '%s' requires itself (a require loop)"), name);
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
		return luaL_error(L, _("module '%s': %s leads outside %s (a symbolic link?)"), name, shown,
		                  strcmp(folder, s->lib_dir ? s->lib_dir : "") == 0 ? folder : "lua/");
	if (!src)
		return luaL_error(L, _("module '%s' not found: cannot read lua/%s: %s"), name, rel,
		                  lua_tostring(L, -1));
	if (utf8_invalid_at(src, len) < len)
		return luaL_error(L, _("module '%s': %s is not UTF-8"), name, shown);
	if (sandbox_load(L, src, len, shown) != LUA_OK)
		return lua_error(L);
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

void sandbox_open_libs(lua_State *L)
{
	lua_settop(L, 0);

	luaL_requiref(L, LUA_GNAME, luaopen_base, 0);   /* fills the globals table */
	lua_pop(L, 1);
	lua_pushglobaltable(L);                         /* 1: the shared sandbox */
	set_nil(L, "dofile");
	set_nil(L, "loadfile");
	set_nil(L, "collectgarbage");
	set_nil(L, "warn");
	wrap(L, "load", load_text);
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

	/* Every metatable code can reach answers getmetatable() with false:
	 * nobody adds __gc to a library's objects or changes string methods
	 * for other chunks. */
	lua_pushliteral(L, "");
	lua_getmetatable(L, -1);
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_pop(L, 2);

	lua_createtable(L, 0, 2);   /* the metatable of every chunk's globals */
	lua_pushvalue(L, 1);
	lua_setfield(L, -2, "__index");
	lua_pushboolean(L, 0);
	lua_setfield(L, -2, "__metatable");
	lua_rawsetp(L, LUA_REGISTRYINDEX, &sandbox_k_envmt);
	lua_newtable(L);
	lua_rawsetp(L, LUA_REGISTRYINDEX, &K_MODULES);
	lua_settop(L, 0);
}
