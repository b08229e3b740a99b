/* watch.h: tells when a site's sources change: inotify on chosen names of
 * one folder, each watched through all its sub-folders, new ones included. */
#ifndef PP_WATCH_H
#define PP_WATCH_H

#include "diag.h"

/* Folders one watcher follows at most: each costs an inotify watch, and the
 * kernel's default per-user limit (fs.inotify.max_user_watches) is 8192 on
 * older systems. A site this deep in folders gets an error, not a silent gap. */
#define WATCH_MAX_DIRS 8192

struct watch;

/* Watches root itself for the names in names (NULL-terminated: "site.toml",
 * "content", ...), and each of them that is a folder, or becomes one,
 * through all its sub-folders. Names starting with '.' (editors' swap files,
 * the stamp's .planpress/) and ending in '~' (backups) are not changes.
 * Returns NULL after recording the error in d. The caller frees it. */
struct watch *watch_open(const char *root, const char *const *names, struct diags *d);
/* The descriptor to poll for reading. */
int watch_fd(const struct watch *w);
/* Reads the events waiting (the descriptor does not block) and follows new
 * folders. Returns 1 when a watched file or folder changed, 0 when nothing
 * did, -1 after recording an error in d (too many folders, the queue
 * overflowed: the caller should rebuild all the same). */
int watch_read(struct watch *w, struct diags *d);
/* Accepts NULL. */
void watch_free(struct watch *w);

#endif
