/* sandbox.h: the one Lua 5.4 runtime for code a site brings (hooks, import
 * rules): a state with an instruction budget, a memory cap, a time limit per
 * call and a message allowance, every call protected and its failure
 * reported compiler style, and a library with nothing that reaches the
 * machine (planpress-hooks(7), "THE SANDBOX"). script.c runs hooks in it,
 * import.c the import rules; luaval.h moves values in and out. */
#ifndef PP_SANDBOX_H
#define PP_SANDBOX_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include <lua.h>

#include "buf.h"
#include "diag.h"

/* VM instructions one call may run (loading a file, one on_page, one
 * on_site, one lambda call, one import): a progress summary of a large plan
 * takes a few million; a hundred million is a runaway loop, not a big site. */
#define SANDBOX_DEFAULT_BUDGET 100000000u
/* All the memory the state may hold at once: far above what the data of a
 * few thousand pages needs, well below what would swap a server. */
#define SANDBOX_DEFAULT_MEMORY ((size_t)256 << 20)
/* Wall-clock seconds one call may take. The budget counts instructions, but
 * one instruction may be a long C call (a library function on a big string):
 * this is the backstop, far above what a budget's worth of Lua takes (about
 * a second) plus converting a 10,000-page site in and out (about three), so
 * that a loaded machine or a big site does not fail a good build. Checked
 * every SANDBOX_HOOK_EVERY instructions and when a call returns. */
#define SANDBOX_DEFAULT_SECONDS 30u
#define SANDBOX_MAX_SECONDS 3600u
/* The count hook runs every this many VM instructions: often enough to stop
 * a runaway loop within microseconds, rarely enough to cost nothing. */
#define SANDBOX_HOOK_EVERY 1000
/* Below this the sandbox itself would not fit. */
#define SANDBOX_MIN_MEMORY ((size_t)1 << 20)
/* Room above the cap for the error itself (message, traceback) once the cap
 * is reached: one allocation may never take the state further than this. */
#define SANDBOX_MEM_HEADROOM ((size_t)1 << 20)
/* What print and warn/error may record over a state's life: they are copied
 * outside the Lua allocator, so without a bound code printing in a loop would
 * exhaust the machine instead of its own memory cap. */
#define SANDBOX_MAX_MESSAGES 10000
#define SANDBOX_MAX_MESSAGE_BYTES ((size_t)1 << 20)
/* Longest module name require() accepts: a path inside lua/, not a novel. */
#define SANDBOX_MODULE_NAME_MAX 200

struct sandbox_opts {
	/* require("x.y") loads <site_dir>/lua/x/y.lua; NULL: ".". */
	const char *site_dir;
	/* Searched by require after the site's lua/ (the installed lua/), or NULL. */
	const char *lib_dir;
	uint64_t budget;          /* 0: SANDBOX_DEFAULT_BUDGET */
	size_t memory;            /* bytes; 0: SANDBOX_DEFAULT_MEMORY */
	unsigned seconds;         /* 0: SANDBOX_DEFAULT_SECONDS */
	long long now;            /* what os.time() gives: seconds since the epoch, UTC */
	/* The noun limit messages use: "hook" gives "hook used more than 256 MiB". */
	const char *who;
};

/* A running state. The fields are read by the modules that run code in it
 * (script.c, import.c, luaval.c); only sandbox.c and sandlib.c change them,
 * except d, cur and cur_line, which the caller sets around each call. */
struct sandbox {
	lua_State *L;
	void *owner;                /* the caller's object, for its C functions */
	const char *who;
	char *site_dir, *lib_dir;
	long long now;
	uint64_t budget, steps;
	int hook_every;             /* the count hook's current period */
	unsigned seconds;
	struct timespec started;   /* when the current call began */
	size_t mem_max, mem_hard, mem_used;
	int running;                /* inside a call: the allocator may arm the hook */
	struct diags *d;            /* where print and warn/error record now; NULL: dropped */
	const char *cur;            /* the file being run, for errors without a place */
	int cur_line;
	char last_src[LUA_IDSIZE];  /* where the count hook last saw the code running */
	int last_line;
	size_t nmsg, msg_bytes;     /* what print/warn/error recorded so far */
	const char *fatal;          /* a limit was hit: every instruction fails with this */
	char fatal_msg[96];
};

/* Starts the state with the sandboxed library (sandlib.c) as its shared
 * globals, which no chunk reaches directly (see sandbox_push_env). owner is
 * kept for sandbox_of(L)->owner. Returns 0, or -1 after recording an error in
 * d; sandbox_close is needed either way. Copies everything in o. */
int sandbox_open(struct sandbox *b, const struct sandbox_opts *o, void *owner, struct diags *d);
/* Closes the state (finalizers run under the budget); accepts a failed open. */
void sandbox_close(struct sandbox *b);
/* The sandbox a state belongs to. */
struct sandbox *sandbox_of(lua_State *L);

/* Runs fn(ud) protected, under a fresh budget and time limit, with the
 * traceback handler; reports a failure into d with context as a last note
 * (or NULL). Returns the Lua status. */
int sandbox_call(struct sandbox *b, lua_CFunction fn, void *ud, struct diags *d, const char *context);
/* For a C function already inside sandbox_call that runs several pieces of
 * code one after the other (one per hook file): a fresh budget and time
 * limit for the next, and the message handler to push before lua_pcall. */
void sandbox_arm(struct sandbox *b);
int sandbox_msgh(lua_State *L);
/* Records a failed call's message (as lua_pcall left it with sandbox_msgh):
 * the message at its file:line, then a note per Lua frame, then context. */
void sandbox_report(struct sandbox *b, int status, const char *msg, size_t len,
                    struct diags *d, const char *context);

/* Loads a text chunk (UTF-8, no bytecode) named "@shown" with globals of its
 * own (sandbox_push_env) and pushes the function, or pushes the message and
 * returns the Lua status. */
int sandbox_load(lua_State *L, const char *src, size_t len, const char *shown);
/* Pushes a new global table for one chunk: copies of the library tables
 * (string, table, math, planpress...) so that what one chunk replaces no
 * other sees, falling back to the shared globals, which it cannot change. */
void sandbox_push_env(lua_State *L);
/* Pushes a shallow copy of the table at t. */
void sandbox_push_copy(lua_State *L, int t);
/* Sets the shared global name to the table at the top of the stack (popped):
 * a library of the caller (planpress, import) that every chunk gets a copy
 * of. Its metatable, if any, must already be protected. */
void sandbox_add_library(lua_State *L, const char *name);

/* Charges a message of len bytes to the allowance; past it raises, once and
 * for good (every later instruction fails too, pcall or not). */
void sandbox_charge_message(lua_State *L, size_t len);
/* The file and line of the Lua function level levels up (1: the caller of
 * the running C function), or cur and 0. */
void sandbox_where(lua_State *L, int level, char *path, size_t cap, int *line);

/* A scratch buffer owned by the Lua stack: a C function fills it with buf_*
 * and pushes its contents with sandbox_scratch_push (which replaces it); the
 * memory is freed by the collector even if something raises in between. */
struct buf *sandbox_scratch(lua_State *L);
void sandbox_scratch_push(lua_State *L, struct buf *b);

/* "256 MiB", or "N bytes" when not a whole number of MiB. */
void sandbox_fmt_mem(size_t n, char *out, size_t cap);

/* ---- the library (sandlib.c) --------------------------------------------- */

/* Fills the globals with the sandboxed library: base without dofile,
 * loadfile, collectgarbage and warn; load for text with an explicit env;
 * setmetatable without __gc; pairs in sorted key order; print as notes;
 * require of the site's lua/ only; string (rep sized first, patterns whose
 * worst case is too long refused), table (a stable sort), math (seeded 0),
 * utf8, and an os with time/date/clock/difftime that never read the clock.
 * Called by sandbox_open. */
void sandbox_open_libs(lua_State *L);

/* pairs() in sorted key order (numbers, then strings bytewise, then false,
 * true, then other keys), for the caller's libraries too. */
int sandbox_sorted_pairs(lua_State *L);

/* A key of a Lua table described for sorting in that order. */
struct sandbox_key {
	int rank;           /* 0 number, 1 string, 2 false, 3 true, 4 anything else */
	int isint;
	lua_Integer i;
	lua_Number n;
	const char *s;
	size_t len;
	lua_Integer slot;   /* the tie-break */
	const char *tname;  /* rank 4: the key's type, for the error */
};
/* Describes the key on the top of the stack (it must stay reachable while
 * k->s is used). */
void sandbox_key_fill(lua_State *L, struct sandbox_key *k, lua_Integer slot);
int sandbox_key_cmp(const void *a, const void *b);

#endif
