/* scaffold.h: what planpress new writes: a new site's first files, plan and
 * task skeletons with every field shown, and a bulletin pre-filled from the
 * computed state of the open tasks. Text only; scaffold_write puts it on disk. */
#ifndef PP_SCAFFOLD_H
#define PP_SCAFFOLD_H

#include <stddef.h>

#include "diag.h"
#include "lang.h"
#include "value.h"

struct scaffold_file {
	char *path;       /* relative to the folder written into */
	char *data;
	size_t len;
	int if_missing;   /* written only when absent (a section's _index.md); never an error */
};

/* Files to write, in order. Owns its paths and data. */
struct scaffold {
	struct scaffold_file *v;
	size_t n;
};

/* A new site: site.toml (commented in Chinese and English), the home page,
 * plans/, bulletins/ (whose _index.md gives its pages type bulletin) and
 * notices/. title NULL: a default title in language l. */
void scaffold_site(struct scaffold *s, const char *title, enum lang l);

/* content/plans/ID/_index.md with every field of a plan, its tasks/_index.md,
 * and content/plans/_index.md when missing. year: the plan's first year. */
void scaffold_plan(struct scaffold *s, const char *id, int year, enum lang l);

/* content/plans/_index.md, titled 行动计划 (Plans), written only when missing:
 * without it the section would show its folder's name. */
void scaffold_plans_index(struct scaffold *s, enum lang l);

/* content/plans/PLAN/tasks/NUMBER.md (two digits when a number below 10)
 * with every field of a task. plan_meta is the plan's front matter (its
 * period and sections give dates and a section that check; may be NULL);
 * year: the preferred year of the dates (clamped into the period). */
void scaffold_task(struct scaffold *s, const char *plan, const char *number,
                   const struct value *plan_meta, int year, enum lang l);

/* The path scaffold_task writes for a task number. Caller frees. */
char *scaffold_task_path(const char *plan, const char *number);

/* content/bulletins/DATE.md: one update for each task of site.plans (of
 * plan only, when not NULL) whose computed status is not done or
 * cancelled, each with its state as a comment and its current numbers as
 * values, so that the file as written changes nothing. Returns the number
 * of updates. */
size_t scaffold_bulletin(struct scaffold *s, const struct value *site, const char *plan,
                         const struct datetime *date, enum lang l);

/* Writes every file under dir (made when missing). A file that exists is
 * an error, unless if_missing (then it is left as it is); nothing is written
 * when any is. Returns the number of files written, or -1 after errors in d. */
int scaffold_write(const struct scaffold *s, const char *dir, struct diags *d);

void scaffold_free(struct scaffold *s);

#endif
