/* datadir.c: the one search for the folders planpress's own files live in. */
#include "datadir.h"

#include <stdlib.h>
#include <sys/stat.h>

#ifndef PP_DATADIR
#define PP_DATADIR "/usr/local/share/planpress"
#endif

size_t datadir_list(struct arena *a, const char *site_dir, const char *exe_dir,
                    const char *out[DATADIR_MAX])
{
	const char *env = getenv("PLANPRESS_DATADIR");
	size_t n = 0;
	if (site_dir)
		out[n++] = arena_strdup(a, site_dir);
	if (env && *env)
		out[n++] = arena_strdup(a, env);
	if (exe_dir) {
		out[n++] = arena_strdup(a, exe_dir);
		out[n++] = arena_printf(a, "%s/../share/planpress", exe_dir);
	}
	out[n++] = PP_DATADIR;
	return n;
}

const char *datadir_find(struct arena *a, const char *site_dir, const char *exe_dir,
                         const char *rel, int want_dir, int *which)
{
	const char *dirs[DATADIR_MAX];
	size_t n = datadir_list(a, site_dir, exe_dir, dirs);
	for (size_t i = 0; i < n; i++) {
		const char *p = arena_printf(a, "%s/%s", dirs[i], rel);
		struct stat st;
		if (stat(p, &st) == 0 && (want_dir ? S_ISDIR(st.st_mode) : S_ISREG(st.st_mode))) {
			if (which)
				*which = (int)i;
			return p;
		}
	}
	return NULL;
}
