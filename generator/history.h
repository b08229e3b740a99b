/* history.h: what was published, read back from the publish repository: the
 * publications of a branch with what each changed (for the changes page and
 * planpress log), and the differences between two of them (planpress diff). */
#ifndef PP_HISTORY_H
#define PP_HISTORY_H

#include "arena.h"
#include "diag.h"
#include "lang.h"
#include "revdiff.h"
#include "value.h"

/* Every function returns 0 on success, 1 when a revision asked for (or, for
 * history_diff, the repository) does not exist, 2 on other errors; the
 * reasons are recorded in d. */

/* The changes page lists at most this many publications: each one costs a
 * tree comparison at build time (once: see the history cache in history.c). */
#define HISTORY_MAX 1000

/* The publications of the branch, newest first, following first parents, at
 * most HISTORY_MAX: [{id, short_id, date (ISO 8601 with offset), author,
 * email, message (first line), body (the rest), summary: {added, changed,
 * removed}, task_changes: [words]}], owned by arena a. A repository or branch
 * that does not exist gives an empty array. Task changes are worded in
 * language l. Has the shape of build_history_fn (build.h). */
int history_read_lang(struct arena *a, const char *repo_path, const char *branch, enum lang l,
                      struct value **out, struct diags *d);
/* Records in the history cache (in gitdir, the repository's folder, ending
 * in '/') what commit (40 hex digits) changed from its first parent, as rd
 * says, worded in l: publish has just compared them, and the next build need
 * not again. rd must be what revdiff_compare gives for the two trees (any
 * text level); first: commit has no parent (its task changes are not
 * listed: every task would be one). Failing only costs time: nothing is
 * reported. */
void history_remember(struct arena *a, const char *gitdir, const char *commit, enum lang l,
                      const struct revdiff *rd, int first);

/* What publish hands history_pending (its ud). */
struct history_pending_opts {
	struct revdiff_memo *memo;   /* NULL, or keeps the comparison (revdiff.h), in its own
	                              * arena, for the commit message's (publish_opts.memo) */
	const char *old_dir;         /* NULL, or a folder that may hold the last publication's
	                              * data/tasks.json (publish's build folder, before this build
	                              * is written into it): read there when it is that blob,
	                              * rather than inflated from the repository */
};

/* The task changes, worded in l, between the branch's tip and a
 * publication being made whose data/tasks.json is tasks (len bytes): the
 * words its commit message will list. Into *out, an array owned by a (empty
 * before the first publication). Has the shape of build_pending_fn: ud is
 * NULL or a struct history_pending_opts. */
int history_pending(struct arena *a, const char *repo_path, const char *branch, enum lang l,
                    const char *tasks, size_t len, void *ud, struct value **out, struct diags *d);

/* The same, worded in Chinese. */
int history_read(struct arena *a, const char *repo_path, const char *branch,
                 struct value **out, struct diags *d);

/* Compares two revisions (anything git rev-parse understands: ids, tags,
 * main~1). rev_b NULL: the branch tip; rev_a NULL: rev_b's first parent (an
 * empty site for the first publication). Stores in pub the publications
 * compared (pub[0] all NULL when there is none). Everything is owned by arena a. */
int history_diff(struct arena *a, const char *repo_path, const char *branch,
                 const char *rev_a, const char *rev_b, const struct revdiff_opts *o,
                 struct revdiff *out, struct revdiff_pub pub[2], struct diags *d);

#endif
