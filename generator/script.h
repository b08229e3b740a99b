/* script.h: a site's hooks (on_page, on_site, template lambdas) run in the
 * sandbox (sandbox.h), their data turned into Lua tables and back (luaval.h).
 * The hooks' API is documented in planpress-hooks(7). */
#ifndef PP_SCRIPT_H
#define PP_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "luaval.h"
#include "sandbox.h"
#include "value.h"

/* The limits are the sandbox's (sandbox.h); these names stay for callers. */
#define SCRIPT_DEFAULT_BUDGET SANDBOX_DEFAULT_BUDGET
#define SCRIPT_DEFAULT_MEMORY SANDBOX_DEFAULT_MEMORY
#define SCRIPT_MAX_VALUES LUAVAL_MAX_VALUES
#define SCRIPT_MAX_DEPTH LUAVAL_MAX_DEPTH

struct script_opts {
	/* The site's root folder: hook paths that are relative are read from
	 * here, and require("x.y") loads <site_dir>/lua/x/y.lua. NULL: ".". */
	const char *site_dir;
	/* Searched by require after the site's lua/ folder (the lua/ folder
	 * installed with planpress), or NULL. */
	const char *lib_dir;
	uint64_t budget;          /* 0: SCRIPT_DEFAULT_BUDGET */
	size_t memory;            /* bytes; 0: SCRIPT_DEFAULT_MEMORY */
	unsigned seconds;         /* wall-clock limit per call; 0: SANDBOX_DEFAULT_SECONDS */
	struct datetime as_of;    /* what planpress.as_of, os.time() and os.date() give */
	const char *language;     /* site language, "zh-CN" or "en"; NULL: "zh-CN" */
	/* Where planpress.warn and print record while a template lambda runs
	 * (outside script_on_page/on_site). Must outlive the script; NULL: dropped. */
	struct diags *lambda_diags;
};

struct script;

/* A Lua state with the sandbox and the planpress module. Returns NULL after
 * recording an error in d (it cannot fail on valid options). The caller owns
 * the script and frees it with script_free() after the last template that
 * may call one of its lambdas has rendered. Copies everything in o. */
struct script *script_new(const struct script_opts *o, struct diags *d);

/* Loads a hook file and runs its main chunk, which normally defines
 * on_page(page) and/or on_site(site). Each hook file has its globals to
 * itself. path relative to site_dir is shown as it is ("lua/progress.lua");
 * an absolute path is read and shown as it is. Text only (no bytecode), UTF-8.
 * Returns 0, or -1 after recording the error (with file:line) in d. */
int script_load(struct script *s, const char *path, struct diags *d);

/* Calls on_page(page) of every loaded hook that defines it, in load order,
 * with one Lua table made from page (a V_TABLE), then turns the table back
 * into *page: fields the hooks added or changed are new values in arena a,
 * fields left alone keep their values (and positions). Lua errors, budget and
 * memory overruns and planpress.error() are recorded in d; returns -1 then,
 * 0 otherwise. After a hook has raised a Lua error, later calls return -1
 * without running anything (one report, not one per page). */
int script_on_page(struct script *s, struct arena *a, struct value *page, struct diags *d);

/* The same with on_site(site), once per build, before rendering. */
int script_on_site(struct script *s, struct arena *a, struct value *site, struct diags *d);

/* Every call on a script (these and the V_FUNC lambdas its hooks returned) is
 * serialised by a mutex inside it: render threads may call lambdas at once. */

/* Frees the Lua state and every lambda; accepts NULL. */
void script_free(struct script *s);

#endif
