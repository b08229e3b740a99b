/* script.h: the embedded Lua 5.4 that runs a site's hooks (on_page, on_site)
 * in a sandbox, with an instruction budget and a memory cap, turning the value
 * tree into Lua tables and back. The hooks' API is documented in planpress-hooks(7). */
#ifndef PP_SCRIPT_H
#define PP_SCRIPT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "value.h"

/* VM instructions one call into the hooks may run (loading a hook file, one
 * on_page, one on_site, one lambda call): a progress summary of a large plan
 * takes a few million; a hundred million is a runaway loop, not a big site. */
#define SCRIPT_DEFAULT_BUDGET 100000000u
/* All the memory the hooks' Lua state may hold at once: far above what the
 * data of a few thousand pages needs, well below what would swap a server. */
#define SCRIPT_DEFAULT_MEMORY ((size_t)256 << 20)
/* Values one hook call may hand back, a table stored in several places
 * counted once per place (that is how JSON and templates write it out): a
 * site of thousands of pages returns a few hundred thousand. */
#define SCRIPT_MAX_VALUES (1 << 23)
/* How deeply tables may nest when values go into Lua or come back: front
 * matter nests a handful of levels; past this it is a cycle (t.self = t). */
#define SCRIPT_MAX_DEPTH 64

struct script_opts {
	/* The site's root folder: hook paths that are relative are read from
	 * here, and require("x.y") loads <site_dir>/lua/x/y.lua. NULL: ".". */
	const char *site_dir;
	/* Searched by require after the site's lua/ folder (the lua/ folder
	 * installed with planpress), or NULL. */
	const char *lib_dir;
	uint64_t budget;          /* 0: SCRIPT_DEFAULT_BUDGET */
	size_t memory;            /* bytes; 0: SCRIPT_DEFAULT_MEMORY */
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
