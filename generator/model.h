/* model.h: the progress model: plans, tasks and bulletins read from front
 * matter, checked (every error with file:line:col), linked to each other, and
 * turned into the value tree that hooks compute on and templates show. */
#ifndef PP_MODEL_H
#define PP_MODEL_H

#include <stddef.h>

#include "arena.h"
#include "config.h"
#include "content.h"
#include "diag.h"
#include "value.h"

/* The longest unit's name, in bytes: each lead or supporting unit gets a
 * page in a folder named by its name (units/<name>/, a "-2" after a name
 * another has), and a file system names a folder in at most 255 bytes. A
 * unit's name is some tens of characters (a Chinese character takes 3);
 * longer is a sentence pasted in. */
#define MODEL_UNIT_NAME_MAX 240

struct model {
	struct value *plans;      /* array of plan tables, by id; each has tasks[] by number */
	struct value *bulletins;  /* array of bulletin tables, oldest first */
	struct datetime as_of;    /* DT_DATE */
	int has_as_of;
	const char *as_of_from;   /* "site.toml", "SOURCE_DATE_EPOCH", "latest bulletin" or NULL */
	/* By page index: the plan, task or bulletin table made from that page, or NULL. */
	struct value **by_page;
};

/* Reads every page of type plan, task or bulletin in c. URLs in the tables
 * are paths from the site root (what a link to the page names; templates
 * put page.root before them). as_of is site.toml's, else the day of
 * SOURCE_DATE_EPOCH, else the latest bulletin's date. Records every error in
 * d; returns 0 or -1. Everything belongs to arena a. */
int model_load(struct arena *a, const struct content *c, const struct config *cfg,
               struct model *m, struct diags *d);

/* The state words and their labels. */
extern const char *const model_statuses[];   /* NULL-terminated */

#endif
