/* schema.h: the closed front matter schema of typed pages (plan, task,
 * bulletin) and of every map nested in them, as one table; the check that
 * names each unknown key where it stands; sections' cascade of a type. */
#ifndef PP_SCHEMA_H
#define PP_SCHEMA_H

#include <stddef.h>

#include "arena.h"
#include "content.h"
#include "diag.h"
#include "value.h"

/* The kinds of map the schema knows. */
enum schema_map {
	SM_NONE,        /* a value that is not a map of schema keys (free or scalar) */
	SM_PAGE,        /* keys every page may have */
	SM_SECTION,     /* keys of any _index.md */
	SM_PLAN,
	SM_TASK,
	SM_BULLETIN,
	SM_PLAN_SECTION,   /* one of a plan's sections */
	SM_MILESTONE,
	SM_TARGET,
	SM_UPDATE,
	SM_CASCADE,
	SM_COUNT
};

/* One key: declared once, with the words planpress-content(7) uses. */
struct schema_key {
	enum schema_map map;
	const char *name;
	const char *type;      /* "text", "date", "0..100", ... */
	const char *need;      /* "required", or the default when absent */
	enum schema_map child; /* a list of (or one) map of this kind; SM_NONE: no keys checked */
	const char *meaning;
};

extern const struct schema_key schema_keys[];
extern const size_t schema_nkeys;

/* The rule for key (keylen bytes) in map m, or NULL. */
const struct schema_key *schema_find(enum schema_map m, const char *key, size_t keylen);
/* The schema's own spelling of key (keylen bytes) when it is a key of any
 * map, else NULL: front matter tables borrow it instead of copying the
 * same dozen keys for every page (value_set_key). */
const char *schema_key_name(const char *key, size_t keylen);
/* How a message names map m: "a task", "an update", ... */
const char *schema_map_name(enum schema_map m);
/* The known key of map m closest to key (a typo's likely meaning), or NULL
 * when none is close. */
const char *schema_suggest(enum schema_map m, const char *key);

/* Map t (of kind m) as it was meant: a copy with each unknown key that has
 * a suggestion renamed to it (unless t has that key too), so that the rest
 * of a check reads what was meant and reports no second error for one typo;
 * t itself when every key is known. The unknown keys stay schema_check's
 * errors. The copy belongs to arena a and shares t's values. */
const struct value *schema_mend(struct arena *a, enum schema_map m, const struct value *t);

/* Gives every page without a type the type its nearest section's
 * "cascade: {type: ...}" names, then checks every page's front matter:
 * a typed page's keys and those of the maps nested in it are closed (an
 * unknown key is an error at the key, with a suggestion when one is
 * close); on any page, a key that belongs to another type (updates: on a
 * page that is not a bulletin) is an error saying how to fix it. Failed
 * pages are checked too but not marked: the model still reads them.
 * Call once the tree is made (parents set). Returns 0, or -1 after
 * recording errors in d. */
int schema_check(struct arena *a, struct content *c, struct diags *d);

/* What templates and hooks see as page.params: the front matter, with the
 * fields of its "params:" map beside the other keys as Hugo puts them (a
 * front matter key of the same name wins). p->meta itself when it has no
 * params map; else a new table in arena a sharing p->meta's values. */
struct value *schema_params(struct arena *a, const struct page *p);

/* Where key (of a map in a page's front matter src) stands, when v is its
 * value: the line and column of the key itself, else of the value. */
struct pos schema_key_pos(const char *src, size_t len, const char *key, size_t keylen,
                          const struct value *v);

#endif
