/* check_sandlib.c: the sandbox library's pattern guard: what it refuses before Lua's matcher runs, and what it lets through. */
#include "check.h"

#include <stdlib.h>

#include <lauxlib.h>

#include "buf.h"
#include "diag.h"
#include "sandbox.h"

struct run {
	const char *src;
};

static int run_chunk(lua_State *L)
{
	struct run *r = lua_touserdata(L, 1);
	int st = sandbox_load(L, r->src, strlen(r->src), "t.lua");
	if (st != LUA_OK)
		return lua_error(L);
	lua_call(L, 0, 0);
	return 0;
}

/* Runs src in a fresh sandbox: 0 when it ran, else -1 with the first
 * message in msg. */
static int run(const char *src, struct buf *msg)
{
	struct sandbox b;
	struct diags d;
	struct sandbox_opts o = { .who = "hook" };
	diags_init(&d);
	buf_reset(msg);
	int rc = -1;
	if (sandbox_open(&b, &o, NULL, &d) == 0) {
		struct run r = { src };
		rc = sandbox_call(&b, run_chunk, &r, &d, NULL) == LUA_OK ? 0 : -1;
	}
	sandbox_close(&b);
	if (d.n)
		buf_puts(msg, d.v[0].msg);
	diags_free(&d);
	return rc;
}

static int refused(const char *src, struct buf *msg)
{
	return run(src, msg) < 0 && strstr(buf_cstr(msg), "could take too long") != NULL;
}

int main(void)
{
	struct buf m = BUF_INIT;
	/* Refused: nested lazy repetitions over a long text. */
	CHECK(refused("local r = string.find(('a'):rep(30000), '.-.-.-.-b')", &m));
	/* A lazy item that one item ends: bounded by the runs that item ends,
	 * the lines of a 300 KB text. */
	CHECK_INT(run("local n = 0\n"
	              "for l in (('第一行内容。\\n'):rep(16000)):gmatch('(.-)\\n') do n = n + 1 end\n"
	              "assert(n == 16000)", &m), 0);
	/* ... but over a text without its end, the whole text. */
	CHECK(refused("local r = ('a'):rep(200000):find('(.-)\\n')", &m));
	/* Followed by more than one item: not bounded so. */
	CHECK(refused("local r = ('a\\n'):rep(100000):find('(.-)\\nb')", &m));
	/* A plain start the text does not hold: tried nowhere past it. */
	CHECK_INT(run("assert(not (('第一行内容。\\n'):rep(16000)):find('以下均需(.-)负责'))", &m), 0);
	/* ... a plain start the text holds everywhere: counted each place. */
	CHECK(refused("local r = ('以下'):rep(60000):find('以下(.-)完')", &m));
	/* Anchored, and plain finds, pass. */
	CHECK_INT(run("assert(('a-b\\n'):rep(80000):find('^(.-)%-'))\n"
	              "assert(('a'):rep(200000):find('.-.-b', 1, true) == nil)", &m), 0);
	buf_free(&m);
	return CHECK_DONE("check_sandlib");
}
