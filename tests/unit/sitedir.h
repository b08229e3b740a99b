/* sitedir.h: a scratch site folder for the unit tests that load content
 * (check_content, check_context, check_model, check_schema; check_history
 * for its repositories): made under
 * $TMPDIR, filled file by file with put(). Include after check.h. */
#ifndef PP_SITEDIR_H
#define PP_SITEDIR_H

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static char site[256];

/* Makes the folder: $TMPDIR/NAME-XXXXXX (mkdtemp's template), into site. */
static void site_make(const char *name)
{
	const char *tmp = getenv("TMPDIR") && *getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp";
	snprintf(site, sizeof site, "%s/%s-XXXXXX", tmp, name);
	CHECK(mkdtemp(site) != NULL);
}

/* Writes text to rel under the site, making its folders. Returns 0 or -1. */
static __attribute__((unused)) int put_try(const char *rel, const char *text)
{
	char path[512];
	int rc = 0;
	snprintf(path, sizeof path, "%s/%s", site, rel);
	for (char *s = path + strlen(site) + 1; (s = strchr(s, '/')) != NULL; s++) {
		*s = '\0';
		if (mkdir(path, 0755) < 0 && errno != EEXIST)
			rc = -1;
		*s = '/';
	}
	FILE *f = fopen(path, "wb");
	if (!f)
		return -1;
	if (fputs(text, f) < 0)
		rc = -1;
	return fclose(f) == 0 ? rc : -1;
}

/* Writes text to site/rel, making the folders on the way. */
static __attribute__((unused)) void put(const char *rel, const char *text)
{
	if (put_try(rel, text) < 0)
		CHECK(!"cannot write a file of the test site");
}

/* Removes the folder and everything in it. */
static __attribute__((unused)) void site_remove(void)
{
	char cmd[300];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", site);
	CHECK(system(cmd) == 0);
}

#endif
