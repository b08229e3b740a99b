/* stamp.h: the build stamp: a record of everything a successful build read
 * and of the output folder it left, so that building an unchanged site again
 * costs a walk of its folders, not a build (make's rule on file status, with
 * git's guard against racy timestamps). Kept in the site's .planpress/
 * folder, never in the output. */
#ifndef PP_STAMP_H
#define PP_STAMP_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "diag.h"

#define STAMP_DIR ".planpress"
#define STAMP_FILE ".planpress/build-stamp"
#define STAMP_HEADER "planpress-stamp 1\n"
/* A file whose status changed this close before the build began may change
 * again within the same tick of the file system's clock without its status
 * showing it (git's "racily clean" entries): no stamp is kept then, so the
 * next build is a full one. One second is far above any clock tick. */
#define STAMP_RACY_NS 1000000000LL
/* Folders nested deeper than this (under the site, a data folder or the
 * output) make the record untrustworthy: no stamp. The content walk has its
 * own, lower limit and reports it. */
#define STAMP_MAX_DEPTH 64

/* What shapes a build's output besides the files it reads. */
struct stamp_key {
	const char *site_dir;
	const char *out_dir;    /* the output folder, as the build writes it */
	const char *exe_dir;    /* where the program lives; may be NULL */
	const char *repo;       /* the publish repository (its refs are the history), or NULL */
	const char *const *hooks;   /* site.toml's [lua] hooks: files that may live anywhere */
	size_t nhooks;
	int drafts;
};

/* What a build counted, replayed with its warnings when it is skipped. */
struct stamp_counts {
	size_t pages, files, outputs;
};

/* The monotonic-enough wall clock the racy guard compares with: call it
 * before the build reads its first file. */
int64_t stamp_now_ns(void);

/* Appends to out the record of the inputs: the status of every file and
 * folder under the site (except the output folder, the publish repository
 * and the site's top-level dot entries such as .planpress and .git), under
 * the themes/ and lua/ folders of every data folder (datadir.h), the hook
 * files site.toml names, the publish
 * repository's refs, the program itself, and the options and environment
 * that shape the output. Returns 0, or -1 when the record cannot be trusted
 * (a status changed after t0 - STAMP_RACY_NS, a folder could not be read,
 * folders nested deeper than STAMP_MAX_DEPTH). */
int stamp_inputs(const struct stamp_key *k, int64_t t0, struct buf *out);

/* Appends to out the record of the output folder: the status of its
 * manifest, of each file the manifest lists and of their folders. Returns
 * 0, or -1 when there is no manifest or a status cannot be read (no stamp
 * can answer then). It reads nothing stamp_inputs reads, so the two can run
 * at once, on two threads. */
int stamp_output(const char *out_dir, struct buf *out);

/* 1 when the site's stamp was made from exactly these inputs and the output
 * folder is as that build left it: c gets its counts and d its warnings
 * and notes, as that build reported them. 0 otherwise (no stamp, a damaged
 * one, or anything differs). */
int stamp_check(const char *site_dir, const struct buf *inputs, const char *out_dir,
                struct stamp_counts *c, struct diags *d);
/* The same with the output folder's record made already by stamp_output
 * (NULL: it failed, and the stamp cannot answer). */
int stamp_check_recorded(const char *site_dir, const struct buf *inputs, const struct buf *output,
                         struct stamp_counts *c, struct diags *d);

/* Records a successful build: its inputs, the output folder as it is now,
 * its counts and its diagnostics (d holds no errors). Best effort: a site
 * folder that cannot be written keeps no stamp and costs a full build next
 * time. Returns 0 or -1. */
int stamp_save(const char *site_dir, const struct buf *inputs, const char *out_dir,
               const struct stamp_counts *c, const struct diags *d);

/* Removes the site's stamp, so that the next build is a full one. */
void stamp_forget(const char *site_dir);

#endif
