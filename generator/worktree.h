/* worktree.h: the published branch as plain files for a web server
 * ([publish] worktree), kept at the branch tip after each publication. The
 * folder holds the site's files only: no .git, no manifest, no cache; what
 * planpress knows of it is kept in the publish repository
 * (planpress-worktrees/). */
#ifndef PP_WORKTREE_H
#define PP_WORKTREE_H

#include "diag.h"

/* Writes the tip of branch of repository repo into the folder path (made
 * when missing): the files that changed since the publication it holds are
 * written (through temp files and renames), those gone are removed. 1 when
 * the folder has local modifications (a file changed, added or removed by
 * hand) or is not one planpress wrote: then it is left as it is and d says
 * why. A folder an older planpress made as a git clone, clean, loses its
 * .git (a note says so). 2 on other errors, recorded in d. */
int worktree_update(const char *repo, const char *branch, const char *path, struct diags *d);

#endif
