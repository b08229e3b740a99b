/* gitutil.h: what the publish modules (publish, push, worktree, history)
 * share over libgit2: opening the publish repository, branch tips, object ids
 * as text, libgit2's errors as diagnostics, remotes, and two trees compared
 * as revisions of a site. Internal to those modules; callers have called
 * git_libgit2_init. */
#ifndef PP_GITUTIL_H
#define PP_GITUTIL_H

#include <git2.h>

#include "arena.h"
#include "diag.h"
#include "revdiff.h"

/* Records the failed operation in d with libgit2's reason appended. */
void gitutil_fail(struct diags *d, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

/* id as 40 hex digits, and as the 7 of a short id, NUL-ended. */
void gitutil_hex(const git_oid *id, char out[41]);
void gitutil_short_hex(const git_oid *id, char out[8]);

/* Opens the repository at path into *r (the caller frees it). When nothing
 * exists there: with create set, creates it bare with branch as its initial
 * branch; otherwise sets *missing (when not NULL), leaves *r NULL and
 * returns 0. 2 (recorded in d) when it cannot be opened or created. */
int gitutil_open(const char *path, int create, const char *branch, git_repository **r,
                 int *missing, struct diags *d);

/* "refs/heads/BRANCH", owned by a. */
const char *gitutil_branch_ref(struct arena *a, const char *branch);

/* The commit refname points to, in *tip; 0 with *found = 0 when the
 * reference does not exist, 2 (recorded in d) when it cannot be read. */
int gitutil_branch_tip(git_repository *r, const char *refname, git_oid *tip, int *found,
                       struct diags *d);

/* An in-memory remote (name NULL: anonymous) for url, owned by the caller.
 * The URL is spelled out in site.toml, so url.*.insteadOf is not applied.
 * libgit2's return value. */
int gitutil_remote(git_remote **out, git_repository *r, const char *name, const char *url);

/* The id git gives a blob of len bytes at data, by sha1.h (several times
 * faster than libgit2's hash, which also detects collision attacks): for
 * keys of caches and memos only, never for an object stored. */
void gitutil_blob_key(const void *data, size_t len, git_oid *out);

/* The paths of the regular files that differ between trees old and new
 * (either may be NULL: empty): those of old that changed or went, then those
 * of new that changed or came (a changed file is in both), in *paths, owned
 * by a. Folders whose tree id is the same are not entered. 0, or 2 after
 * recording in d a tree that cannot be read. */
int gitutil_changed_paths(struct arena *a, git_repository *r, git_tree *old, git_tree *new, const char ***paths,
                          size_t *n, struct diags *d);

/* What changed between trees old and new (either may be NULL: an empty
 * site), as revdiff_compare words it; out and everything in it owned by a.
 * new_dir, when not NULL, is the folder new was just made from, unchanged
 * since: its files are read there rather than inflated from the repository.
 * 0, or 2 after recording why in d. */
int gitutil_compare_trees(struct arena *a, git_repository *r, git_tree *old, git_tree *new, const char *new_dir,
                          const struct revdiff_opts *o, struct revdiff *out, struct diags *d);
/* gitutil_compare_trees for a first publication (nothing before it), told
 * the new tree's regular files (n, sorted by path: those the tree was made
 * of) rather than reading every folder of it back from the repository
 * (tens of thousands of trees, 0.1 s at 10k pages). */
int gitutil_compare_added(struct arena *a, git_repository *r, const struct revdiff_file *files, size_t n,
                          const char *new_dir, const struct revdiff_opts *o, struct revdiff *out, struct diags *d);

#endif
