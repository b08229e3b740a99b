/* walk.h: the rules every walk of the site's folders follows (content/,
 * static/, a theme, layouts/): names that can be published, symbolic links
 * that stay inside their root, no folder walked twice, bounded depth and size,
 * and every skipped file reported. */
#ifndef PP_WALK_H
#define PP_WALK_H

#include <stddef.h>
#include <sys/stat.h>
#include <sys/types.h>

#include "diag.h"

/* Folders nest a few levels in practice (content/plans/x/tasks); deeper is a
 * mistake, and the bound keeps paths and the walk stack small. */
#define WALK_MAX_DEPTH 32
/* A plan site holds thousands of files; hundreds of thousands mean a wrong
 * folder (node_modules, a home folder) was linked or copied in. */
#define WALK_MAX_ENTRIES 200000
/* How many skipped files the summary note names before "and N more". */
#define WALK_SKIPPED_SHOWN 10

/* A folder on the walk: visited once, on the chain while it is being walked. */
struct walk_seen {
	dev_t dev;
	ino_t ino;
	char *shown;   /* the path it was first walked as, for messages */
	int on_chain;  /* an ancestor of the folder being walked */
	int used;
};

/* One walk from one top folder, its links confined to one root folder. */
struct walk_root {
	char *real;               /* realpath of the root; links must resolve inside it */
	const char *root_name;    /* "the site", "the theme": for messages */
	char *top;                /* shown path of the top folder ("content"): notes and limits */
	struct diags *d;
	struct walk_seen *seen;   /* open-addressing set of folders visited, by (dev, ino) */
	size_t nseen, seen_cap;
	size_t chain[WALK_MAX_DEPTH + 1];   /* indexes into seen, root first */
	size_t depth;             /* folders on the chain */
	size_t nentries;          /* names read so far */
	size_t max_entries;       /* WALK_MAX_ENTRIES; a unit test may lower it */
	int over;                 /* the entry limit was hit and reported */
	char **skipped;           /* shown paths of skipped files, walk order */
	size_t nskipped, skipped_cap;
};

/* Starts a walk whose links must stay inside root_dir (named root_name in
 * messages: "the site") and whose top folder is shown as top ("content",
 * "themes/default/static"). Returns 0, or -1 with an error in d when root_dir
 * cannot be resolved (r is then still safe to pass to walk_close). */
int walk_open(struct walk_root *r, const char *root_dir, const char *root_name, const char *top,
              struct diags *d);
/* Records a note at the top folder naming the files walk_names skipped (one
 * line, the first WALK_SKIPPED_SHOWN of them), then frees r. Accepts a
 * zeroed r. */
void walk_close(struct walk_root *r);

/* Enters folder disk (shown as shown): an error, and -1, if it is deeper than
 * WALK_MAX_DEPTH, if it is one of its own ancestors (a symbolic link loop),
 * if it was already walked under another name (two links to one folder would
 * publish it twice), or if it is the top folder and resolves outside the root.
 * On 0 the caller walks it and then calls walk_leave. */
int walk_enter(struct walk_root *r, const char *disk, const char *shown);
/* Leaves the folder last entered. */
void walk_leave(struct walk_root *r);

/* The names in folder disk_dir (shown as shown_dir), sorted bytewise, that
 * enter the walk: "." and ".." dropped; hidden files and editor backups
 * (walk_skipped_name) remembered for walk_close's note; names that cannot be
 * published (walk_name_problem) reported as errors with the name escaped.
 * An error, and -1, when the folder cannot be read or the walk reaches
 * WALK_MAX_ENTRIES names. On 0 *names holds *n strings the caller frees with
 * walk_names_free. */
int walk_names(struct walk_root *r, const char *disk_dir, const char *shown_dir, char ***names,
               size_t *n);
/* The type readdir(3) gave a name of walk_names (DT_REG, DT_DIR, DT_LNK,
 * ...; DT_UNKNOWN when the file system does not say): a regular file or a
 * folder needs no walk_stat to be told apart (14,000 lstat calls fewer at
 * 10k pages); anything else does. */
int walk_name_type(const char *name);
/* Frees what walk_names returned; accepts NULL. */
void walk_names_free(char **names, size_t n);

/* lstat of disk; a symbolic link must resolve inside the root (else an error,
 * "broken symbolic link" or "points outside"), and *st is then its target's.
 * Returns 0, or -1 with the error in r->d. */
int walk_stat(struct walk_root *r, const char *disk, const char *shown, struct stat *st);
/* Whether disk resolves (through any link) inside the root: 1, or 0 with an
 * error naming shown. */
int walk_inside(struct walk_root *r, const char *disk, const char *shown);

/* 1 for the names every walk skips by design: hidden files (".x"), editor
 * backups and swap files ("x~", "#x#", "x.swp", "x.swo", "x.bak", "x.tmp"). */
int walk_skipped_name(const char *name);
/* Why a file or folder name (len bytes) cannot be published, as a message
 * fragment ("is not UTF-8 (invalid byte 0xFF)", "holds a control character
 * (U+000A)", "holds '\\', which ..."), written into tmp (n bytes, 96 is
 * enough); NULL when the name is fine. Control characters are U+0000..U+001F
 * and U+007F; '\\', '?' and '#' are refused because a URL cannot hold them
 * as they are (a browser reads '\\' as '/', '?' and '#' end the path). */
const char *walk_name_problem(const char *name, size_t len, char *tmp, size_t n);
/* Appends s (len bytes) to out printable: bytes that are not valid UTF-8,
 * control characters and '\\' as \xNN. NUL-terminates out. */
void walk_escape(const char *s, size_t len, struct buf *out);

#endif
