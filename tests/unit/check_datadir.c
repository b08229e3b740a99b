/* check_datadir.c: the one search order for planpress's own files. */
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "datadir.h"

int main(void)
{
	struct arena *a = arena_new();
	const char *d[DATADIR_MAX];
	setenv("PLANPRESS_DATADIR", "/env", 1);
	size_t n = datadir_list(a, "site", "/bin/pp", d);
	CHECK_INT(n, 5);
	if (n == 5) {
		CHECK_STR(d[0], "site");
		CHECK_STR(d[1], "/env");
		CHECK_STR(d[2], "/bin/pp");
		CHECK_STR(d[3], "/bin/pp/../share/planpress");
		CHECK_STR(d[4], PP_DATADIR);
	}
	setenv("PLANPRESS_DATADIR", "", 1);   /* empty: not a folder to search */
	n = datadir_list(a, NULL, NULL, d);
	CHECK_INT(n, 1);
	CHECK_STR(d[0], PP_DATADIR);

	/* The first that has it wins; a file is not a folder, nor the reverse. */
	char root[] = "/tmp/check_datadir.XXXXXX";
	CHECK(mkdtemp(root) != NULL);
	char p[256];
	snprintf(p, sizeof p, "%s/themes", root);
	mkdir(p, 0777);
	snprintf(p, sizeof p, "%s/themes/default", root);
	mkdir(p, 0777);
	setenv("PLANPRESS_DATADIR", root, 1);
	int which = -1;
	const char *f = datadir_find(a, "/nonexistent-site", NULL, "themes/default", 1, &which);
	CHECK_STR(f, p);
	CHECK_INT(which, 1);
	CHECK(datadir_find(a, "/nonexistent-site", NULL, "themes/default", 0, NULL) == NULL);
	CHECK(datadir_find(a, "/nonexistent-site", NULL, "themes/other", 1, NULL) == NULL);
	rmdir(p);
	snprintf(p, sizeof p, "%s/themes", root);
	rmdir(p);
	rmdir(root);
	arena_free(a);
	return CHECK_DONE("datadir");
}
