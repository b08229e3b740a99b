/* progress.h: the shipped progress rules (lua/progress.lua's on_site) run
 * natively, for the build of a site that uses the installed file unchanged.
 * The two must give the same value tree: any change to lua/progress.lua is
 * mirrored in progress.c, and tests/progress_c.sh holds them together. */
#ifndef PP_PROGRESS_H
#define PP_PROGRESS_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "value.h"

struct progress_opts {
	struct datetime as_of;   /* what planpress.as_of is (DT_DATE) */
	const char *language;    /* what planpress.language is; NULL: "zh-CN" */
	/* The installed file's path as the Lua path names it in messages that
	 * have no content position ("/usr/share/planpress/lua/progress.lua"). */
	const char *hook_path;
};

/* 1 when text (len bytes) is byte for byte the lua/progress.lua this
 * planpress was built with, so progress_on_site may stand in for it. */
int progress_is_builtin(const char *text, size_t len);

/* Does to site (a V_TABLE, the tree script_on_site would hand the hook)
 * what lua/progress.lua's on_site does, as luaval.h would bring the Lua
 * tables back: new and changed tables are new values in arena a, unchanged
 * ones are kept, and *site is replaced by the new site table. Its warnings
 * (planpress.warn) go to d with the positions the Lua path gives them.
 * Returns 0, or 1 without touching site or d when the site holds something
 * the native rules do not take on (a shape the model never makes, or more
 * warnings than the sandbox allows): the caller then runs the Lua file. */
int progress_on_site(struct arena *a, struct value *site, const struct progress_opts *o,
                     struct diags *d);

#endif
