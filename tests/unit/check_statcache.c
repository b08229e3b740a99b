/* check_statcache.c: the stat cache's file comes back as it was saved
 * (sorted, racy entries left out unless kept); it vouches for a file only
 * with the id recorded and the stat recorded; a damaged or foreign file is
 * an empty cache. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "output.h"
#include "statcache.h"

static char root[256];

static void put_file(const char *rel, const char *text)
{
	char p[512];
	snprintf(p, sizeof p, "%s/%s", root, rel);
	output_write_atomic(p, text, strlen(text));
}

/* An entry for the file rel of root, with id byte k. */
static struct centry entry_of(const char *rel, unsigned char k)
{
	char p[512];
	struct stat st;
	snprintf(p, sizeof p, "%s/%s", root, rel);
	if (lstat(p, &st) < 0)
		memset(&st, 0, sizeof st);
	struct centry e = statcache_entry(rel, &st);
	memset(e.id.id, k, sizeof e.id.id);
	return e;
}

static git_oid oid_of(unsigned char k)
{
	git_oid id;
	memset(id.id, k, sizeof id.id);
	return id;
}

int main(void)
{
	snprintf(root, sizeof root, "%s/check_statcache.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;
	char gitdir[300], cpath[400];
	snprintf(gitdir, sizeof gitdir, "%s/", root);
	snprintf(cpath, sizeof cpath, "%s%s", gitdir, STAT_CACHE);
	struct arena *a = arena_new();
	put_file("b.html", "乙");
	put_file("a.html", "甲甲");

	/* Saved out of order, kept racy (a build folder of the repository's own):
	 * loaded sorted, every field back. */
	struct cache c = { 0 };
	c.keep_racy = 1;
	clock_gettime(CLOCK_REALTIME, &c.read_from);
	struct centry eb = entry_of("b.html", 2), ea = entry_of("a.html", 1);
	statcache_push(a, &c, &eb);
	statcache_push(a, &c, &ea);
	statcache_sort(&c);
	git_oid tip = oid_of(9);
	statcache_save(cpath, &c, &tip);
	struct cache back;
	statcache_load(a, cpath, &back);
	CHECK_INT(back.n, 2);
	CHECK(back.has_commit && git_oid_equal(&back.commit, &tip));
	CHECK_STR(back.n == 2 ? back.v[0].path : "", "a.html");
	const struct centry *f = statcache_find(&back, "b.html");
	CHECK(f && statcache_same(f, &eb) && git_oid_equal(&f->id, &eb.id));
	CHECK(statcache_find(&back, "c.html") == NULL);

	/* It vouches for a file with its id and its stat, and for nothing else. */
	git_oid i1 = oid_of(1), i2 = oid_of(2);
	CHECK_INT(statcache_vouches(gitdir, root, "a.html", &i1), 1);
	CHECK_INT(statcache_vouches(gitdir, root, "a.html", &i2), 0);   /* another blob */
	CHECK_INT(statcache_vouches(gitdir, root, "c.html", &i1), 0);   /* not in it */
	put_file("a.html", "甲甲甲");                                    /* changed since */
	CHECK_INT(statcache_vouches(gitdir, root, "a.html", &i1), 0);
	CHECK_INT(statcache_vouches(gitdir, "/nonexistent", "b.html", &i2), 0);

	/* Not kept racy: files read just now are left out, to be hashed again. */
	c.keep_racy = 0;
	statcache_save(cpath, &c, &tip);
	statcache_load(a, cpath, &back);
	CHECK_INT(back.n, 0);
	CHECK(back.has_commit);

	/* Damaged or foreign: empty. */
	put_file(STAT_CACHE, "planpress-stat-cache 0 0000000000000000000000000000000000000000\n");
	statcache_load(a, cpath, &back);
	CHECK(!back.has_commit && back.n == 0);
	put_file(STAT_CACHE, "planpress-stat-cache 1 zz\n");
	statcache_load(a, cpath, &back);
	CHECK(!back.has_commit && back.n == 0);
	/* A damaged line ends the entries: those before it are kept. */
	char text[400];
	snprintf(text, sizeof text,
	         "planpress-stat-cache 1 %s\n%s 4 1 2 3 a.html\nnot a line\n%s 4 1 2 3 b.html\n",
	         "0909090909090909090909090909090909090909", "0101010101010101010101010101010101010101",
	         "0202020202020202020202020202020202020202");
	put_file(STAT_CACHE, text);
	statcache_load(a, cpath, &back);
	CHECK(back.has_commit);
	CHECK_INT(back.n, 1);
	CHECK(back.n == 1 && back.v[0].size == 4 && back.v[0].sec == 1 && back.v[0].nsec == 2 && back.v[0].ino == 3);

	arena_free(a);
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return CHECK_DONE("check_statcache");
}
