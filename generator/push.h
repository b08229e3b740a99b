/* push.h: the published branch and its tags pushed to a remote with libgit2,
 * never forced; a remote on this machine has its pre-receive and post-receive
 * hooks run as git receive-pack would run them. */
#ifndef PP_PUSH_H
#define PP_PUSH_H

#include <stddef.h>

#include "diag.h"

/* Pushes the branch and the tags of the repository at repo to url,
 * refusing (1) when the remote has commits or tags this repository does not
 * (nothing is ever forced) or when its pre-receive hook refuses. 2 when the
 * repository or branch does not exist or the remote cannot be reached; 0
 * otherwise (a failing post-receive hook is a warning). *uptodate is set
 * when there was nothing to push. The reasons are recorded in d. */
int push_branch(const char *repo, const char *branch, const char *url, int *uptodate,
                struct diags *d);

/* Writes all of data to fd, a pipe whose reader may have gone: then -1 with
 * errno EPIPE, and no SIGPIPE is delivered (it is blocked in the calling
 * thread and taken back), so the process's signal disposition and mask are
 * as they were. 0 when everything was written; -1 with errno on other errors. */
int push_write_pipe(int fd, const char *data, size_t len);

#endif
