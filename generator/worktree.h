/* worktree.h: a checkout of the published branch ([publish] worktree), made
 * with libgit2 and kept at the branch tip after each publication. */
#ifndef PP_WORKTREE_H
#define PP_WORKTREE_H

#include "diag.h"

/* Updates (or clones, when path does not exist or is an empty folder) the
 * checkout at path to the tip of branch in the repository repo. 1 when it
 * has local modifications or is not a checkout planpress made: then it is
 * left as it is (and d says why); 2 on other errors, recorded in d. */
int worktree_update(const char *repo, const char *branch, const char *path, struct diags *d);

#endif
