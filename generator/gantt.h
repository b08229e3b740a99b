/* gantt.h: a plan's schedule as bars from start to due: the geometry of an
 * inline SVG (every coordinate computed here, as fixed-decimal text, since
 * templates have no arithmetic), and the same data as rows for a table. */
#ifndef PP_GANTT_H
#define PP_GANTT_H

#include <stdint.h>

#include "arena.h"
#include "lang.h"
#include "value.h"

/* The drawing's size in SVG user units: a label column, then the time axis.
 * 760 wide prints across an A4 page's text width when scaled by the viewBox. */
#define GANTT_WIDTH 760
#define GANTT_LABEL_W 220   /* the task labels' column */
#define GANTT_RIGHT 10      /* room after the last month */
#define GANTT_TOP 32        /* two rows of axis labels: years, months */
#define GANTT_ROW 22        /* one task, or one section's heading */
#define GANTT_BAR 12        /* a bar's height, centred in its row */
#define GANTT_BOTTOM 6
/* A label longer than this many characters is cut (never inside a
 * character) and ends with "…": the column holds about 15 at 12px. */
#define GANTT_LABEL_CHARS 14
/* A plan whose tasks span centuries would draw thousands of ticks. */
#define GANTT_MAX_MONTHS 1200

/* Days since 1970-01-01 of v: a date value, or text starting "YYYY-MM-DD".
 * Returns 0, or -1 when v is neither. */
int gantt_day(const struct value *v, int64_t *days);

/* The chart of plan (a plan table as the progress rules leave it: tasks
 * with number, title, url, section, start, due, progress, status, overdue,
 * at_risk, milestones) as of as_of (site.as_of: a date or its text).
 * A task with no start is drawn from the plan's date (its issue date),
 * else from 1 January of the first year of its period, else from its due
 * date. Returns NULL when no task has a due date or as_of is not a date;
 * else a table (page.gantt in planpress-templates(7)) in arena a. */
struct value *gantt_plan(struct arena *a, const struct value *plan, const struct value *as_of, enum lang l);

#endif
