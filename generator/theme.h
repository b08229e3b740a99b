/* theme.h: finding a theme, compiling its templates and partials (with the
 * site's layouts/ overriding any single one), and listing its static files. */
#ifndef PP_THEME_H
#define PP_THEME_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "digest.h"
#include "template.h"
#include "value.h"

struct theme {
	const char *dir;            /* where it was found */
	struct tpl_set *tpl;        /* templates and partials, one namespace: file name without extension */
	struct value *info;         /* theme.toml, or an empty table */
	struct value *i18n;         /* labels for the site's language (i18n/<lang>.toml), or an empty table */
	struct static_file *files;  /* static/ of the theme, then the site's, overrides replacing; sorted by rel */
	size_t nfiles;
	struct digest tpl_digest;   /* of every template and partial added, names and text, in order */
};

/* Looks for theme c->theme (a plain folder name) in site_dir/themes, then
 * $PLANPRESS_DATADIR/themes, then beside the program (exe_dir/themes,
 * exe_dir/../share/planpress/themes), then the installed PP_DATADIR. Compiles
 * everything: syntax errors, unknown partials and overrides that match nothing
 * are reported in d. Every folder is walked under the rules of walk.h; links
 * must stay inside the site, except in a theme found outside the site, whose
 * links must stay inside its own folder. Returns 0 or -1. */
int theme_load(struct arena *a, const char *site_dir, const char *exe_dir,
               const struct config *c, struct theme *t, struct diags *d);
/* NULL when the theme has no such template. */
const struct tpl *theme_template(const struct theme *t, const char *name);
/* Frees the compiled templates; accepts a zeroed theme. */
void theme_free(struct theme *t);

#endif
