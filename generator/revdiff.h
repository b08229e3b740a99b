/* revdiff.h: what changed between two revisions of a built site, as a
 * reviewer reads it: pages added, removed and changed (with the changed text,
 * tags stripped), and task changes from data/tasks.json. */
#ifndef PP_REVDIFF_H
#define PP_REVDIFF_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "lang.h"
#include "textdiff.h"
#include "value.h"

/* The task data file every build writes (its format: planpress(1), DIFF). */
#define REVDIFF_TASKS "data/tasks.json"
/* Characters of unchanged text shown on each side of a change. */
#define REVDIFF_CONTEXT 12

/* A file of one revision: its path in the tree and an id that is equal
 * exactly when the contents are (a git blob id). */
struct revdiff_file {
	const char *path;
	const char *id;
};

/* Reads a file of the old (side 0) or new (side 1) revision. *data must stay
 * valid as long as the arena given to revdiff_compare (allocate it there).
 * Returns 0 or -1 after recording why in d. */
struct revdiff_source {
	int (*read)(void *ud, int side, const struct revdiff_file *f,
	            const char **data, size_t *len, struct diags *d);
	void *ud;
};

enum revdiff_change { REVDIFF_ADDED, REVDIFF_REMOVED, REVDIFF_CHANGED };

struct revdiff_page {
	enum revdiff_change change;
	const char *path;     /* in the tree: plans/x/index.html */
	const char *url;      /* as a reader knows it: plans/x/ */
	const char *title;    /* its <title> (the new one unless removed); "" when none */
	struct textdiff_hunk *hunks;   /* CHANGED only: the text as a reader sees it */
	size_t nhunks;
};

/* Progress -1, and NULL strings, when a side has no such field. */
struct revdiff_task {
	enum revdiff_change change;
	const char *id, *plan, *number, *title;
	int64_t progress[2];
	const char *status[2], *due[2], *lead[2];
};

struct revdiff {
	struct revdiff_page *pages;    /* added, then removed, then changed; each by path */
	size_t npages;
	size_t added, removed, changed;               /* pages */
	size_t files_added, files_removed, files_changed;   /* every other file */
	struct revdiff_task *tasks;    /* by id */
	size_t ntasks;
	int multi_plan;                /* tasks of more than one plan: name the plan */
	const char *as_of[2];          /* data/tasks.json's as_of, or NULL */
};

struct revdiff_opts {
	int text;      /* 0: say which pages changed; 1: also read the titles of
	                * the pages revdiff_message names (the first few); 2: read
	                * every page's title and compare their text */
	enum lang lang;
};

/* Compares two revisions, given as their files sorted by path (strcmp).
 * Everything in out is owned by arena a. Returns 0, or -1 after recording
 * in d a file that could not be read; a data/tasks.json that does not parse
 * is recorded as a warning and its tasks are left out. */
int revdiff_compare(struct arena *a, const struct revdiff_file *old, size_t nold,
                    const struct revdiff_file *new, size_t nnew,
                    const struct revdiff_source *src, const struct revdiff_opts *o,
                    struct revdiff *out, struct diags *d);

/* Nothing changed at all. */
int revdiff_empty(const struct revdiff *r);
/* One task's change in words: 任务21 进度 60% → 80%，状态 进行中 → 已完成 */
void revdiff_task_words(const struct revdiff *r, const struct revdiff_task *t, enum lang l,
                        struct buf *out);
/* The summary a commit message carries after its first line: counts, the
 * pages, the tasks in words, then trailer lines (Pages-Added: 1 …). */
void revdiff_message(const struct revdiff *r, enum lang l, struct buf *out);
/* The whole report, for a terminal. */
void revdiff_write_text(const struct revdiff *r, enum lang l, struct buf *out);
/* A self-contained HTML page (inline CSS, nothing loaded from elsewhere);
 * title is its heading (HTML-escaped here). */
void revdiff_write_html(const struct revdiff *r, enum lang l, const char *title, struct buf *out);
/* The report as a value tree (what --format json prints):
 * {summary: {added, changed, removed, files_added, files_changed, files_removed},
 *  pages: [{change, path, url, title, hunks: [{cut_before, cut_after,
 *           ops: [["=" | "-" | "+", text], …]}]}],
 *  tasks: [{change, id, plan, number, title, words, progress: [old, new],
 *           status: [old, new], due: [old, new], lead: [old, new]}]}
 * (change is "added", "removed" or "changed"; a missing old or new is null). */
struct value *revdiff_to_value(struct arena *a, const struct revdiff *r, enum lang l);
/* Strips an HTML page to the text a reader sees, one line per block (the
 * output has one block element per line); the result is owned by a. */
const char *revdiff_page_text(struct arena *a, const char *html, size_t len, size_t *outlen);
/* Status words in the site's language (进行中 for in_progress); unknown ones as they are. */
const char *revdiff_status_word(const char *status, enum lang l);

#endif
