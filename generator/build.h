/* build.h: one build of a site: load, render in parallel, write atomically. */
#ifndef PP_BUILD_H
#define PP_BUILD_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "lang.h"
#include "rcache.h"
#include "value.h"

/* The folder of the site's changes page (the publish history). */
#define BUILD_CHANGES_DIR "changes"

/* Reads the publish history of repo's branch for the changes page
 * (history_read_lang in history.h has this shape): the commands pass it
 * in, so that building does not depend on publishing. */
typedef int (*build_history_fn)(struct arena *a, const char *repo, const char *branch, enum lang l,
                                struct value **out, struct diags *d);

/* Words the task changes between repo's branch tip and a publication being
 * made whose data/tasks.json is tasks (history_pending in history.h has this
 * shape), for the changes page. */
typedef int (*build_pending_fn)(struct arena *a, const char *repo, const char *branch, enum lang l,
                                const char *tasks, size_t len, void *ud, struct value **out,
                                struct diags *d);

struct build_opts {
	const char *site_dir;   /* the folder with site.toml */
	const char *out_dir;    /* NULL: site_dir/public */
	const char *exe_dir;    /* where the program lives, to find its themes; may be NULL */
	int drafts;             /* include draft: true pages */
	int jobs;               /* threads; 0: one per processor */
	int check_only;         /* validate everything, write nothing */
	int force;              /* build even when the stamp says nothing changed (stamp.h), and
	                         * render every page (no render cache, rcache.h) */
	/* Set by publish: the publication being made, shown first on the
	 * changes page (its commit id cannot be known yet). */
	int publishing;
	const char *pending_message;   /* NULL: the default message */
	build_history_fn history;      /* NULL: no changes page */
	build_pending_fn pending;      /* NULL: the publication being made lists no task changes */
	void *pending_ud;              /* handed to pending */
	/* For planpress new bulletin: the day to compute progress as of, in
	 * place of site.toml's as_of (NULL: as usual), and a function handed
	 * the site's data (site.plans with every task's computed state) once
	 * the progress rules have run, while it is still alive. */
	const struct datetime *as_of;
	/* For planpress serve: the address the site is served at, in place of
	 * site.toml's base_url (NULL: as usual). */
	const char *base_url;
	void (*computed)(void *ud, const struct value *site);
	void *computed_ud;
};

/* Milliseconds on the monotonic clock: what --timings measures stages by
 * (the commands time their own steps with it too). */
double build_now_ms(void);

/* Stages of a build, for --timings. */
#define BUILD_STAGES 8

struct build_stats {
	double stage_ms[BUILD_STAGES];       /* wall time of each stage */
	const char *stage_name[BUILD_STAGES];
	long stage_peak_kib[BUILD_STAGES];   /* the process's peak memory when the stage ended */
	size_t pages, files;                 /* pages rendered, files copied */
	size_t written, unchanged, removed;  /* what happened in the output folder */
	int partial;                         /* a write error left the output folder partly updated */
	int up_to_date;                      /* nothing changed since the last build: it was not redone */
	size_t rendered, rendered_same;      /* files rendered; of those, the same as the output folder's */
	/* The render cache (rcache.h): files by why they were rendered or not,
	 * indexed by enum rcache_why; and the keys of the site data that changed
	 * since the last build ("plans, bulletins"; cut short with "..."). */
	char revision[16];                   /* site.revision, the content's digest printed on pages */
	int cache_used;
	size_t why[RCACHE_NWHY];
	char site_changed[160];
};

/* A build a stage at a time, for tests and tools: build_open reads
 * site.toml and decides whether anything changed since the last build (the
 * stamp); each build_next runs the next stage of the pipeline (load,
 * markdown, model, on_page, on_site, templates, extra pages, write) and
 * returns its name, or NULL when the build is over (every stage ran, or
 * one stopped it: errors, or nothing to do); build_close ends it and
 * returns what build_site would (1 for a build closed before its write
 * stage: the site was not built). build_site is exactly build_open,
 * build_next until NULL, build_close. Nothing is written to the output
 * folder before the write stage: a build closed before it leaves the
 * folder as it was. */
struct build_run;
struct build_run *build_open(const struct build_opts *o, struct build_stats *st, struct diags *d);
const char *build_next(struct build_run *run);
int build_close(struct build_run *run);
/* What the stages made so far. After load: the content pages and each
 * one's source path (content/...) and text (len bytes), which the build
 * holds through the model stage only (NULL after: memory for the stages
 * that peak). After markdown: page i's HTML (len
 * bytes; NULL before). After model: the site's data that templates see as
 * site (NULL before), with the progress computed after on_site. After
 * templates and extra pages: the output files made, their paths into
 * rels[0, max) in build order; returns their count. */
size_t build_npages(const struct build_run *run);
const char *build_page_path(const struct build_run *run, size_t i);
const char *build_page_text(const struct build_run *run, size_t i, size_t *len);
const char *build_page_html(const struct build_run *run, size_t i, size_t *len);
const struct value *build_site_data(const struct build_run *run);
size_t build_made(const struct build_run *run, const char **rels, size_t max);

/* Builds the site. Every problem found is recorded in d (the build goes on
 * as far as it can so that one run reports all content errors); nothing is
 * written when there is any error. Returns 0, 1 on content/build errors, 2 on
 * environment errors (no site.toml, output folder not writable). */
int build_site(const struct build_opts *o, struct build_stats *st, struct diags *d);

#endif
