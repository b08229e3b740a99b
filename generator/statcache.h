/* statcache.h: the stat cache of a publish repository: for each file of
 * the last publication, its blob id with the size, mtime and inode it had
 * when it was read, so that a file whose stat did not change is not read and
 * hashed again (git's index does the same). Kept in the repository's own
 * folder, where git ignores files it does not know. A damaged or foreign
 * cache is an empty one: it only costs time. */
#ifndef PP_STATCACHE_H
#define PP_STATCACHE_H

#include <stddef.h>
#include <sys/stat.h>
#include <time.h>

#include <git2.h>

#include "arena.h"

#define STAT_CACHE "planpress-stat-cache"
#define STAT_CACHE_MAGIC "planpress-stat-cache 1"
/* A file written less than a tick of its file system's clock before it was
 * read may change again within the same mtime tick, unseen: it is hashed
 * next time (git's "racy" entries), unless it is in the build folder of the
 * repository, which no one changes in place (publish_opts.own_folder). Whole-second mtimes mean a coarse file
 * system (FAT counts in 2 s); otherwise the kernel stamps files from a clock
 * that moves every jiffy (at most 10 ms), and this leaves ten times that. */
#define STAT_CACHE_RACY 2
#define STAT_CACHE_RACY_NS 100000000LL

/* One file: its path relative to the folder published, its blob id, and its stat. */
struct centry {
	const char *path;
	git_oid id;
	long long size, sec, nsec;
	unsigned long long ino;
};

struct cache {
	struct centry *v;
	size_t n, cap;
	git_oid commit;     /* the tip the cache was written for */
	int has_commit;
	struct timespec read_from;   /* files were read from this moment on */
	int keep_racy;               /* no file is racy (publish_opts.own_folder) */
};

/* The entry of st (lstat of the file at path rel), its id not yet set. */
struct centry statcache_entry(const char *rel, const struct stat *st);
/* 1 when the two entries have the same size, mtime and inode. */
int statcache_same(const struct centry *a, const struct centry *b);

/* Appends e (its path borrowed) to c, in arena a. */
void statcache_push(struct arena *a, struct cache *c, const struct centry *e);
/* c = the cache file at path, entries sorted by path as written (empty on any damage). */
void statcache_load(struct arena *a, const char *path, struct cache *c);
/* c's entry for path (c sorted by path), or NULL. */
const struct centry *statcache_find(const struct cache *c, const char *path);
/* Sorts c by path. */
void statcache_sort(struct cache *c);
/* Writes c as the cache file at path for the tip commit, leaving out racy
 * entries (unless c->keep_racy). A failed write is silent. */
void statcache_save(const char *path, const struct cache *c, const git_oid *commit);

/* 1 when the cache in gitdir (the repository's folder, ending in '/')
 * vouches that the file dir/rel is the blob id: its entry has that id and
 * the file's stat is the one recorded. 0 otherwise (the file must be read
 * and hashed to know). */
int statcache_vouches(const char *gitdir, const char *dir, const char *rel, const git_oid *id);

#endif
