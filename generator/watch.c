/* watch.c: inotify on a site's source folders, recursively, new folders followed. */
#include "watch.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "xalloc.h"

/* What counts as a change: a file written and closed, made, removed or moved. */
#define WATCH_EVENTS (IN_CLOSE_WRITE | IN_CREATE | IN_DELETE | IN_MOVED_FROM | IN_MOVED_TO | \
                      IN_DELETE_SELF | IN_MOVE_SELF | IN_ATTRIB)
/* Folders are followed this deep at most, as the content walk limits nesting. */
#define WATCH_MAX_DEPTH 64

struct wdir {
	int wd;
	char *path;     /* the folder's path, root-relative joined to root */
	int top;        /* root itself: only the chosen names count */
};

struct watch {
	int fd;
	char *root;
	char **names;
	size_t nnames;
	struct wdir *dirs;
	size_t n, cap;
};

static int ignored_name(const char *name)
{
	size_t n = strlen(name);
	return n == 0 || name[0] == '.' || name[n - 1] == '~';
}

static int chosen(const struct watch *w, const char *name)
{
	for (size_t i = 0; i < w->nnames; i++)
		if (strcmp(w->names[i], name) == 0)
			return 1;
	return 0;
}

static struct wdir *find_wd(struct watch *w, int wd)
{
	for (size_t i = 0; i < w->n; i++)
		if (w->dirs[i].wd == wd)
			return &w->dirs[i];
	return NULL;
}

/* Watches folder path and, unless top, every folder below it. Returns 0, or
 * -1 after recording the error in d. A folder that vanished meanwhile is no error. */
static int add_tree(struct watch *w, const char *path, int top, int depth, struct diags *d)
{
	if (depth > WATCH_MAX_DEPTH) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "folders nested deeper than %d are not watched", WATCH_MAX_DEPTH);
		return -1;
	}
	int wd = inotify_add_watch(w->fd, path, WATCH_EVENTS | IN_ONLYDIR | IN_DONT_FOLLOW);
	if (wd < 0) {
		if (errno == ENOENT || errno == ENOTDIR)
			return 0;
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot watch: %s%s", diag_errstr(errno),
		         errno == ENOSPC ? " (raise fs.inotify.max_user_watches)" : "");
		return -1;
	}
	struct wdir *known = find_wd(w, wd);
	if (known) {
		/* The same folder, moved back under another name. */
		free(known->path);
		known->path = xstrdup(path);
		known->top = top;
	} else {
		if (w->n >= WATCH_MAX_DIRS) {
			inotify_rm_watch(w->fd, wd);
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
			         "more than %d folders to watch: changes below it are not seen", WATCH_MAX_DIRS);
			return -1;
		}
		if (w->n == w->cap) {
			w->cap = w->cap ? 2 * w->cap : 16;
			w->dirs = xrealloc(w->dirs, w->cap * sizeof *w->dirs);
		}
		w->dirs[w->n++] = (struct wdir){ wd, xstrdup(path), top };
	}
	DIR *dir = opendir(path);
	if (!dir)
		return 0;
	int rc = 0;
	struct dirent *e;
	struct buf sub = BUF_INIT;
	while (rc == 0 && (e = readdir(dir)) != NULL) {
		if (ignored_name(e->d_name) || (top && !chosen(w, e->d_name)))
			continue;
		buf_reset(&sub);
		buf_printf(&sub, "%s/%s", path, e->d_name);
		struct stat st;
		if (lstat(buf_cstr(&sub), &st) == 0 && S_ISDIR(st.st_mode))
			rc = add_tree(w, buf_cstr(&sub), 0, depth + 1, d);
	}
	closedir(dir);
	buf_free(&sub);
	return rc;
}

struct watch *watch_open(const char *root, const char *const *names, struct diags *d)
{
	struct watch *w = xcalloc(1, sizeof *w);
	w->fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->fd < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "cannot watch files (inotify): %s", diag_errstr(errno));
		free(w);
		return NULL;
	}
	w->root = xstrdup(root);
	for (const char *const *p = names; *p; p++)
		w->nnames++;
	w->names = xcalloc(w->nnames + 1, sizeof *w->names);
	for (size_t i = 0; i < w->nnames; i++)
		w->names[i] = xstrdup(names[i]);
	if (add_tree(w, root, 1, 0, d) < 0) {
		watch_free(w);
		return NULL;
	}
	return w;
}

int watch_fd(const struct watch *w)
{
	return w->fd;
}

int watch_read(struct watch *w, struct diags *d)
{
	/* inotify's own alignment: a buffer of whole events. */
	char buf[16 * (sizeof(struct inotify_event) + NAME_MAX + 1)]
		__attribute__((aligned(__alignof__(struct inotify_event))));
	int changed = 0, rc = 0;
	struct buf sub = BUF_INIT;
	for (;;) {
		ssize_t n = read(w->fd, buf, sizeof buf);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		for (char *p = buf; p < buf + n;) {
			const struct inotify_event *ev = (const struct inotify_event *)(void *)p;
			p += sizeof *ev + ev->len;
			if (ev->mask & IN_Q_OVERFLOW) {
				diag_add(d, DIAG_WARNING, NULL, 0, 0, NULL, 0,
				         "too many changes at once to follow each: rebuilding all");
				changed = 1;
				rc = -1;
				continue;
			}
			if (ev->mask & IN_IGNORED) {
				/* The folder is gone: forget its watch. */
				for (size_t i = 0; i < w->n; i++)
					if (w->dirs[i].wd == ev->wd) {
						free(w->dirs[i].path);
						w->dirs[i] = w->dirs[--w->n];
						break;
					}
				continue;
			}
			struct wdir *wd = find_wd(w, ev->wd);
			if (!wd)
				continue;
			if (ev->len == 0 || ev->name[0] == '\0') {
				/* The folder itself moved or vanished. */
				changed = 1;
				continue;
			}
			if (ignored_name(ev->name) || (wd->top && !chosen(w, ev->name)))
				continue;
			changed = 1;
			if ((ev->mask & (IN_CREATE | IN_MOVED_TO)) && (ev->mask & IN_ISDIR)) {
				buf_reset(&sub);
				buf_printf(&sub, "%s/%s", wd->path, ev->name);
				/* wd may move when the table grows: nothing reads it after this. */
				if (add_tree(w, buf_cstr(&sub), 0, 1, d) < 0)
					rc = -1;
			}
		}
	}
	buf_free(&sub);
	return rc < 0 ? -1 : changed;
}

void watch_free(struct watch *w)
{
	if (!w)
		return;
	if (w->fd >= 0)
		close(w->fd);
	for (size_t i = 0; i < w->n; i++)
		free(w->dirs[i].path);
	free(w->dirs);
	for (size_t i = 0; i < w->nnames; i++)
		free(w->names[i]);
	free(w->names);
	free(w->root);
	free(w);
}
