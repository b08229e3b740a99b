/* output.h: writing a built site into its folder: atomic writes (temp file
 * and rename), unchanged files left alone, and files an earlier build wrote
 * but this one does not removed, by a manifest; nothing else is touched. */
#ifndef PP_OUTPUT_H
#define PP_OUTPUT_H

#include <stddef.h>

#include "diag.h"

/* One output file: either data (len bytes) or a file to copy (copy_from). */
struct out_file {
	const char *rel;         /* path inside the output folder */
	const char *data;
	size_t len;
	const char *copy_from;   /* a path on disk, or NULL */
	int link;                /* copy_from may be hard-linked instead of copied, as nothing
	                          * changes it in place (publish's private build folder) */
	const char *src;         /* for messages: the source file that makes it, or NULL */
	/* Set by output_spill_put instead of data: */
	int same;                /* the output folder holds exactly this already */
	int reused;              /* with same: known without rendering, from the render cache (rcache.h) */
	struct output_spill *spill;   /* the bytes wait in this spill, at spill_off */
	unsigned long long spill_off;
};

/* A spill keeps rendered files out of memory until output_commit, so a
 * build holds the pages in flight, not the whole site: each file is compared
 * with what the output folder holds when it is made (the same: nothing is
 * kept), or else appended to an unnamed temp file beside the output folder,
 * which the kernel removes with the process however it ends, and which
 * nobody else sees. One spill per thread: a spill is not shared. */
struct output_spill;

/* A spill for output folder dir (which need not exist yet: the file goes in
 * the nearest folder above it that does). Returns NULL after recording the
 * error in d. */
struct output_spill *output_spill_new(const char *dir, struct diags *d);
/* Fills f's same, spill and len from data (f->rel is set and names a
 * file in the spill's folder; f->data stays NULL). The caller may free data
 * afterwards. Returns 0, or -1 after recording the error in d. */
int output_spill_put(struct output_spill *s, struct out_file *f, const char *data, size_t len,
                     struct diags *d);
/* A file made in pieces (a document of tens of MiB): output_spill_begin,
 * then output_spill_append for each piece, then output_spill_end, which
 * fills f's same, spill and len as output_spill_put does (the pieces are
 * compared with the output folder's file as they come). Nothing else may be
 * put in the spill between begin and end. Each returns 0, or -1 after
 * recording the error in d. */
void output_spill_begin(struct output_spill *s, struct out_file *f);
int output_spill_append(struct output_spill *s, const char *data, size_t len, struct diags *d);
int output_spill_end(struct output_spill *s, struct diags *d);
/* Closes the temp file; accepts NULL. After output_commit. */
void output_spill_free(struct output_spill *s);

struct output_stats {
	size_t written, unchanged, removed;
	int partial;             /* set when writing began and then failed */
};

#define OUTPUT_MANIFEST ".planpress-manifest"
/* In the output folder while a build writes into it: one found when a build
 * begins means the last stopped midway (killed, or the power failed), and
 * every folder is looked through for its temp files. */
#define OUTPUT_WRITING ".planpress-writing"
/* The manifest's first line; records follow, each a path ended by a NUL
 * byte, so no byte of a name (a newline, say) can split or forge a record. */
#define OUTPUT_MANIFEST_HEADER "planpress-manifest 2\n"

/* The manifest of an output folder: the files the last build wrote. */
struct output_manifest {
	char **rel;              /* n plain relative paths, in the file's order */
	size_t n;
	char *data;              /* owns the strings */
};

/* Reads dir's manifest into m (the caller frees it with
 * output_manifest_free). Returns 0, or -1 with errno set: ENOENT when there
 * is none, EINVAL when it is not a version 2 manifest (an older planpress
 * wrote it, or it is damaged) or a record is not a plain relative path.
 * This is the only parser of the format: publish reads it through here. */
int output_manifest_read(const char *dir, struct output_manifest *m);

/* Frees what output_manifest_read allocated; m may be zeroed or NULL. */
void output_manifest_free(struct output_manifest *m);

/* Writes files (n of them; sorted by rel, unique, and no path a folder of
 * another: the caller checks) into dir with up to jobs threads. Before
 * writing, removes what the last build's manifest lists and this build does
 * not (regular files only, never through a symbolic link; then the folders
 * left empty) and the temp files of planpress processes that are gone (in
 * dir itself, and in every folder when OUTPUT_WRITING says the last build
 * stopped while writing). Files
 * are not synced to disk one by one: after a power loss the next build, which
 * compares every file, repairs the folder. Returns 0, or -1 after recording
 * I/O errors in d (st->partial says whether the folder was changed). */
int output_commit(const char *dir, const struct out_file *files, size_t n, int jobs,
                  struct output_stats *st, struct diags *d);

/* The one `mkdir -p`: makes folder path (0755) and every missing folder
 * above it; one call when only the last is missing. Returns 0, or -1 with
 * errno set (ENOTDIR when a part of the path is not a folder). */
int output_mkdirs(const char *path);

/* Removes path and everything under it, never following a symbolic link
 * (one is removed, not what it leads to). For folders planpress made
 * itself (serve's private folder, an old worktree's .git). Best effort. */
void output_remove_tree(const char *path);

/* Writes data to path atomically and durably (temp file in the same folder,
 * synced, renamed, then the folder synced). Returns 0 or -1 with errno set. */
int output_write_atomic(const char *path, const char *data, size_t len);

/* A file written atomically in pieces (a cache of tens of MiB, never whole
 * in memory): output_atomic_open makes the temp file beside path,
 * output_atomic_put adds bytes (through a buffer of OUTPUT_ATOMIC_BUFFER),
 * output_atomic_close syncs it and renames it over path, or, when anything
 * failed, removes it. open: NULL with errno set; close: 0, or -1 with errno
 * set (the first failure's). */
#define OUTPUT_ATOMIC_BUFFER (256 * 1024)
struct output_atomic;
struct output_atomic *output_atomic_open(const char *path);
void output_atomic_put(struct output_atomic *w, const void *data, size_t len);
int output_atomic_close(struct output_atomic *w);
/* Gives up: the temp file is removed, path left as it was. Accepts NULL. */
void output_atomic_abort(struct output_atomic *w);

/* An unnamed temp file in folder, which the kernel removes with the process
 * (a named file unlinked at once where O_TMPFILE is not supported), or -1
 * with errno set. */
int output_tmpfile(const char *folder);

/* Writes all len bytes of data to fd, again after EINTR. Returns 0 or -1
 * with errno set. */
int output_write_all(int fd, const char *data, size_t len);
/* Reads exactly len bytes at offset off of fd into buf (pread, again after
 * EINTR or a short read). Returns 0, or -1 with errno set (EIO when the
 * file ends first). */
int output_read_at(int fd, char *buf, size_t len, unsigned long long off);

/* Installs handlers for SIGINT, SIGTERM and SIGHUP that remove the temp
 * files being written at that moment and then die of the same signal. */
void output_catch_signals(void);

#endif
