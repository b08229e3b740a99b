/* config.h: site.toml, checked against a static schema (unknown keys are
 * errors with a "did you mean" hint), into a typed struct with defaults. */
#ifndef PP_CONFIG_H
#define PP_CONFIG_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "value.h"

enum config_engine { CONFIG_MD4C, CONFIG_CMARK };

struct config {
	const char *title;
	const char *language;      /* "zh-CN" (default) or "en" */
	const char *base_url;      /* "" : every link relative */
	const char *theme;         /* "default" */
	struct datetime as_of;
	int has_as_of;
	long summary_length;       /* characters; default 120 */
	long paginate;             /* entries per page of a section list; default 20 */
	int index_links;           /* links end in index.html (works from file://); default 1 */
	enum config_engine engine;
	int unsafe_html;
	const char **hooks;        /* [lua] hooks; NULL when site.toml names none */
	size_t nhooks;
	uint64_t lua_budget;       /* [lua] budget; 0: the runtime's default */
	size_t lua_memory;         /* [lua] memory_mib, in bytes; 0: the default */
	unsigned lua_seconds;      /* [lua] time_limit, seconds per call; 0: the default */
	struct {
		const char *repo, *branch, *author_name, *author_email, *tag, *remote, *worktree;
	} publish;
	struct value *params;      /* [params]: free-form, for themes */
	struct value *root;        /* the whole document */
};

/* Parses site.toml text (path for diagnostics) into c; everything is owned
 * by arena a. Returns 0, or -1 after recording every problem found in d. */
int config_load(struct arena *a, const char *path, const char *src, size_t len,
                struct config *c, struct diags *d);
/* Fills c with the defaults (what an empty site.toml gives). */
void config_defaults(struct config *c);
/* The known key nearest to name (edit distance <= 2), or NULL: for hints. */
const char *config_suggest(const char *name, const char *const *known, size_t n);

#endif
