/* publish.h: a built site committed to a git repository with libgit2 (no git
 * processes): the branch tip recorded, a private build folder, the commit and
 * its tag. Pushing is in push.h, the checkout in worktree.h, reading back what
 * was published in history.h. */
#ifndef PP_PUBLISH_H
#define PP_PUBLISH_H

#include <stddef.h>

#include "arena.h"
#include "build.h"
#include "diag.h"
#include "lang.h"
#include "revdiff.h"

/* Every function returns 0 on success, 1 when the content or the state of a
 * repository refuses the operation (a race lost, a tag that exists), 2 on
 * environment errors (a repository that cannot be opened or created, no
 * author); the reasons are recorded in d. */

/* The branch tip a publication starts from, recorded before the build:
 * the branch moves only if it still points there. id is "" when the branch
 * does not exist yet. */
struct publish_start {
	char id[41];
};

struct publish_opts {
	const char *repo;          /* the publish repository (created bare if missing) */
	const char *branch;
	const char *out_dir;       /* the build's output folder, with its manifest */
	const char *message;       /* the first line; NULL: one naming as_of */
	const char *author_name;   /* NULL: GIT_AUTHOR_* then GIT_COMMITTER_* */
	const char *author_email;
	const char *tag;           /* e.g. "bulletin-{date}", or NULL */
	const char *as_of;         /* "2019-06-30", or NULL */
	const char *revision;      /* the content digest printed pages carry (site.revision), or NULL:
	                            * the commit's Site-Revision trailer */
	enum lang lang;
	int no_stat_cache;         /* out_dir is a one-off folder: its stats are not kept */
	int own_folder;            /* out_dir is the repository's build folder (publish_stage_open),
	                            * whose files are only ever replaced (a new file renamed into
	                            * place: a new inode), never changed in place: the stat cache
	                            * keeps even files written a moment ago */
	struct revdiff_memo *memo; /* NULL, or the build's comparison of data/tasks.json
	                            * (history_pending), reused when its texts are the commit's */
};

struct publish_result {
	int nothing;               /* the tree equals the tip's: no commit */
	char commit[41], parent[41];
	const char *tag;           /* the tag created, or NULL */
	const char *message;       /* the whole commit message */
	size_t hashed, reused;     /* files hashed, files whose blob was known by their stat */
};

/* Opens the repository (creating it bare, with branch as its initial
 * branch, when the path does not exist) and records the branch tip. */
int publish_begin(const char *repo, const char *branch, struct publish_start *st, struct diags *d);

/* The folder a publication is built in, private to it (see planpress(1),
 * PUBLISH): what it commits is what it built, whatever else writes into the
 * site's public/ meanwhile. */
struct publish_stage {
	char dir[4096];     /* the folder to build into */
	int lock_fd;        /* the lock held on it while it is in use */
	int temporary;      /* a one-off folder (the lasting one was taken): removed on close */
};

/* Takes the repository's build folder (<gitdir>/planpress-build, locked
 * while in use), or when another publish holds it, a new one-off folder
 * beside it. Removes one-off folders left by publishes that were stopped.
 * The repository must exist (publish_begin creates it). */
int publish_stage_open(const char *repo, struct publish_stage *s, struct diags *d);

/* Brings out_dir (the site's public/) in step with what was built in s,
 * as a build would (its manifest; nothing else there touched). 0, or -1
 * after recording I/O errors in d. */
int publish_stage_export(const struct publish_stage *s, const char *out_dir, struct diags *d);

/* Releases s (removing a one-off folder). Accepts a closed or failed s. */
void publish_stage_close(struct publish_stage *s);

/* Commits the files listed in out_dir's manifest on the branch, with the
 * start tip as parent, then tags it. Everything in res is owned by arena a. */
int publish_commit(struct arena *a, const struct publish_opts *o, const struct publish_start *st,
                   struct publish_result *res, struct diags *d);

/* The folder of the site's changes page, which publish ignores when it asks
 * whether anything changed (see only_changes_page in publish.c). */
#define PUBLISH_CHANGES_DIR BUILD_CHANGES_DIR

/* Expands a tag pattern: {date} is as_of (else the commit date), {seq} the
 * publication's number on the branch. Owned by a. */
const char *publish_tag_name(struct arena *a, const char *pattern, const char *date, size_t seq);

#endif
