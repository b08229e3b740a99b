/* notice.h: 督办通知, the notice an office sends the lead units of an
 * overdue task: one printable page per overdue task, and one page per lead
 * unit that prints all of that unit's notices at once, made from the site's
 * data once the progress rules have judged which tasks are overdue. */
#ifndef PP_NOTICE_H
#define PP_NOTICE_H

#include <stddef.h>

#include "arena.h"
#include "diag.h"
#include "lang.h"
#include "value.h"

/* The folder of the notices: duban/<plan>/<number>/ for a task's notice;
 * a unit's notices, all together, are in units/<slug>/duban/ beside its page. */
#define NOTICE_DIR "duban"
/* site.toml [params] notice_reply_days: the days, counted from as_of, that a
 * lead unit has to answer in writing. Five is the usual 督办 term; a year is
 * the most any office gives (a larger number is a typing slip). */
#define NOTICE_REPLY_DAYS 5
#define NOTICE_REPLY_DAYS_MAX 365
/* [params] notice_prefix: the notice number's prefix (督办〔2019〕x-3号). */
#define NOTICE_PREFIX_ZH "督办"
#define NOTICE_PREFIX_EN "Notice"

struct notice_opts {
	enum lang lang;
	int index_links;                 /* URLs end in index.html */
	const struct value *params;      /* site.toml [params], or NULL */
	const char *office;              /* who issues (notice_office or office of [params]), or NULL:
	                                  * the plan's issuer, else site_title */
	const char *site_title;
	const struct value *i18n;        /* the theme's labels: page titles */
	int collections;                 /* make the units' pages too */
	const char *cfg_src;             /* site.toml's text, for messages; may be NULL */
	size_t cfg_len;
};

/* One page to render: template tpl with page.<key> made by notice_data. */
struct notice_page {
	const char *url;     /* its folder from the site root, "duban/demo/3/" */
	const char *out;     /* its file, "duban/demo/3/index.html" */
	const char *title;
	const char *tpl;     /* "notice" or "notices" */
	const char *key;     /* "notice" or "notices" */
	/* A task's notice: its plan and task (site values), and the unit
	 * pages that list it (their links), or NULL. */
	const struct value *plan, *task;
	struct value *collections;
	/* A unit's notices: its name and the pages of its notices. */
	const char *unit;
	size_t *list, nlist;
};

/* The notices' pages: first one a task (nnotices), then one a unit. Their
 * data are made when each is rendered (notice_data), not held for the
 * build: a 100k-page site has tens of thousands of overdue tasks. */
struct notice_set {
	struct notice_page *pages;
	size_t n, nnotices;
	/* What the data are made with: */
	struct notice_opts o;
	int64_t now, reply;
	const char *pre;
};

/* Makes the page of a notice for every task of site.plans whose overdue is
 * true (as of site.as_of), and, with o->collections, a page per lead unit
 * of site.units that has any. Sets notice_url (from the site root) on the
 * entries of site.overdue and of each plan's overdue list, and notices_url
 * on the entries of site.units with notices, so that templates can link
 * them. A bad notice_reply_days or notice_prefix is a warning at its place
 * in site.toml, and the default is used. Everything in arena a; o is
 * copied (what it points to must outlive out). */
void notice_make(struct arena *a, struct value *site, const struct notice_opts *o, struct notice_set *out,
                 struct diags *d);

/* Page k's data (page.notice or page.notices), made in arena a: a notice,
 * or a unit's notices, each made anew. Reads the site only: any thread. */
struct value *notice_data(struct arena *a, const struct notice_set *s, size_t k);

#endif
