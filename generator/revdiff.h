/* revdiff.h: what changed between two revisions of a built site, in the
 * order a reviewer reads it: each plan's progress and status counts (from
 * data/plans.json), the tasks that changed (from data/tasks.json), pages
 * added with their text, and the other pages whose text changed, with the
 * changes that follow only from as_of or derived numbers folded away. */
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
/* The plan data file every build writes. */
#define REVDIFF_PLANS "data/plans.json"
/* Characters of unchanged text shown on each side of a change. */
#define REVDIFF_CONTEXT 12
/* Characters of an added page's text shown: a bulletin or notice fits
 * whole; a longer page is cut there (with "…"), so that a first
 * publication's review stays readable. */
#define REVDIFF_ADDED_TEXT 3000

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
	struct textdiff_hunk *hunks;   /* CHANGED only: the text as a reader sees it,
	                                * without the hunks folded away */
	size_t nhunks;
	int folded;           /* CHANGED only: every hunk of its text was folded
	                       * (revdiff_folds says which are) */
	const char *text;     /* ADDED, when the old revision has pages: the text
	                       * of its <main> (at most REVDIFF_ADDED_TEXT characters) */
	size_t textlen;
	int text_cut;         /* text was cut at REVDIFF_ADDED_TEXT */
};

/* The status counts a plan has in data/plans.json ("counts"), in the order shown. */
#define REVDIFF_NCOUNTS 8

/* A plan's progress and status counts; -1 when a side has no such field. */
struct revdiff_plan {
	enum revdiff_change change;
	const char *id, *title, *url;
	int64_t progress[2];
	int64_t counts[2][REVDIFF_NCOUNTS];
};

/* A target's actual value before and after (NULL: none), as text. */
struct revdiff_actual {
	const char *metric, *unit, *value[2];
};

/* Progress -1, and NULL strings, when a side has no such field. */
struct revdiff_task {
	enum revdiff_change change;
	const char *id, *plan, *number, *title;
	int64_t progress[2];
	const char *status[2], *due[2], *lead[2], *support[2];
	const char *reason;               /* due moved by an extension (延期) granted between
	                                   * the two: its reason ("" when none); else NULL */
	const char *url;                  /* the page, from the newer side; NULL when none */
	int64_t ms_done[2], ms_total[2];  /* milestones done and in all */
	const char **ms_new;              /* done in the new revision, not in the old */
	size_t nms_new;
	struct revdiff_actual *actuals;   /* targets whose actual value changed */
	size_t nactuals;
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
	struct revdiff_plan *plans;    /* text 2 only: plans whose progress or counts changed,
	                                * in the new revision's order, then removed ones */
	size_t nplans;
	size_t folded;                 /* changed pages folded into one line */
	const char *title_suffix;      /* text 2: " - 站名", when every page title with a
	                                * " - " ends with it (the review leaves it out); else NULL */
};

/* A publication compared: its commit's id (short), message, date
 * (YYYY-MM-DD) and as_of; any may be NULL. */
struct revdiff_pub {
	const char *id, *message, *date, *as_of;
};

/* The task comparison of two data/tasks.json texts, kept by their ids, so
 * that comparing the same two again (publish: the changes page in the
 * build, then the commit message) does not read 25 MiB twice at 10k tasks.
 * What it keeps lives in arena a, which must outlive both comparisons. */
struct revdiff_memo {
	struct arena *a;
	int has;                       /* the fields below are set */
	char id[2][41];                /* the two texts' ids (revdiff_file.id) */
	struct revdiff_task *tasks;
	size_t ntasks;
	int multi_plan;
	const char *as_of[2];
};

struct revdiff_opts {
	int text;      /* 0: say which pages changed; 1: also read the titles of
	                * the pages revdiff_message names (the first few), and with
	                * no old side (a first publication) parse only the tasks it
	                * names: the others carry their id, plan and change alone;
	                * 2: read every page's title and compare their text */
	enum lang lang;
	struct revdiff_memo *memo;   /* NULL, or kept and reused when text < 2
	                              * (text 2 also compares the tasks' numbers
	                              * for folding) */
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
/* A plan's change in words: 计划名 进度 28% → 38%，逾期 0 → 1 */
void revdiff_plan_words(const struct revdiff_plan *p, enum lang l, struct buf *out);
/* The k-th count (0 ≤ k < REVDIFF_NCOUNTS): its key in data/plans.json
 * ("done") and its label in the site's language (已完成). */
const char *revdiff_count_key(int k);
const char *revdiff_count_word(int k, enum lang l);
/* The summary a commit message carries after its first line: counts, the
 * pages, the tasks in words, then trailer lines (Pages-Added: 1 …). */
void revdiff_message(const struct revdiff *r, enum lang l, struct buf *out);
/* The publication in words: «2019年第三季度进展»（数据截至 2019年9月30日，2019年9月30日发布，e722922） */
void revdiff_pub_words(const struct revdiff_pub *p, enum lang l, struct buf *out);
/* The whole report, for a terminal: pub[0] → pub[1] on its first line. */
void revdiff_write_text(const struct revdiff *r, enum lang l, const struct revdiff_pub pub[2], struct buf *out);
/* A self-contained HTML page (inline CSS, nothing loaded from elsewhere,
 * simple print CSS for A4); base is what page URLs are relative to: the
 * site's base_url ending in '/', or "" for the site root. */
void revdiff_write_html(const struct revdiff *r, enum lang l, const struct revdiff_pub pub[2],
                        const char *base, struct buf *out);
/* The report as a value tree (what --format json prints); its shape is
 * documented in planpress(1), DIFF. */
struct value *revdiff_to_value(struct arena *a, const struct revdiff *r, enum lang l);
/* Strips an HTML page to the text a reader sees, one line per block (the
 * output has one block element per line); the result is owned by a. */
const char *revdiff_page_text(struct arena *a, const char *html, size_t len, size_t *outlen);
/* Status words in the site's language (进行中 for in_progress); unknown ones as they are. */
const char *revdiff_status_word(const char *status, enum lang l);

#endif
