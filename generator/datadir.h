/* datadir.h: where planpress finds what it ships (themes, the progress hook,
 * import rules): one search order for every module, documented in
 * planpress(1) FILES. */
#ifndef PP_DATADIR_H
#define PP_DATADIR_H

#include <stddef.h>

#include "arena.h"

/* The most folders datadir_list gives. */
#define DATADIR_MAX 5

/* The folders searched, first match wins: site_dir (when not NULL), then
 * $PLANPRESS_DATADIR (when set and not empty), then exe_dir and
 * exe_dir/../share/planpress (when exe_dir is not NULL), then the installed
 * prefix (PP_DATADIR). Fills out (paths owned by a) and returns how many. */
size_t datadir_list(struct arena *a, const char *site_dir, const char *exe_dir,
                    const char *out[DATADIR_MAX]);

/* The first DIR/rel of that list that is a folder (want_dir) or a regular
 * file, or NULL. *which, when not NULL, is set to its index in the list. */
const char *datadir_find(struct arena *a, const char *site_dir, const char *exe_dir,
                         const char *rel, int want_dir, int *which);

#endif
