/* content.h: the sorted walk of content/ into sections, pages and files to
 * copy, with each page's front matter read and its output path decided. */
#ifndef PP_CONTENT_H
#define PP_CONTENT_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "diag.h"
#include "value.h"

enum page_kind { PAGE_HOME, PAGE_SECTION, PAGE_PAGE };

struct page {
	enum page_kind kind;
	const char *path;       /* for messages, from the site root: "content/plans/x/tasks/21.md"; NULL for a made-up section */
	const char *rel;        /* source path in content/: "plans/x/tasks/21.md" (NULL when made up) */
	const char *dir;        /* content folder links in the page are relative to: "plans/x/tasks" */
	const char *url;        /* output folder: "" for home, else "plans/x/tasks/21/" */
	const char *out;        /* output file: "plans/x/tasks/21/index.html" */
	const char *src;        /* the whole file (arena), len bytes; body starts at body_off */
	size_t len, body_off;
	struct value *meta;     /* front matter (a table, maybe empty) */
	const char *title;
	const char *type;       /* front matter "type", or "" */
	int has_date;
	struct datetime date;
	int64_t weight;         /* 0: none (sorts after weighted pages) */
	struct page *parent;    /* the section it belongs to; NULL for home */
	struct page **children; /* sections: pages and subsections, in list order */
	size_t nchildren;
	size_t index;           /* position in content.pages */
	int made;               /* made by the build (units/, a unit, changes/, 404): no source, no text;
	                         * index is not a position in content.pages */
	int failed;             /* could not be read or its front matter is bad: kept so that links to it
	                         * resolve and later stages can report other pages' errors, never rendered */
	void *render;           /* owned by the build: what rendering made of it */
};

struct static_file {
	const char *path;       /* on disk, for reading: "content/plans/x/a.pdf" */
	const char *rel;        /* output path: "plans/x/a.pdf" */
};

struct content {
	struct page **pages;    /* every page, sorted by output path */
	size_t npages;
	struct static_file *files;
	size_t nfiles;
	struct page *home;
	struct page **by_rel;   /* the pages that have a source file, sorted by rel */
	size_t nby_rel;
};

/* Walks site_dir/content under the rules of walk.h (names sorted bytewise;
 * hidden files and editor backups skipped and listed in one note; names that
 * cannot be published, links leaving the site, loops and folders reached
 * twice are errors), skips drafts unless drafts, reads and checks every page
 * (UTF-8, front matter) on up to jobs threads (0: one per processor) and
 * decides output paths. Records every problem in d; returns 0 or -1.
 * Everything is owned by arena a. */
int content_load(struct arena *a, const char *site_dir, int drafts, int jobs, struct content *c,
                 struct diags *d);
struct pcache;
/* The same, taking each page's front matter from the parse cache pc when
 * its text did not change, and recording the others there (pcache.h), and
 * putting the pages' texts in arena texts when not NULL: nothing else
 * points into them (the front matter and Markdown results are copies), so
 * a caller done with them frees texts and calls content_forget_texts. */
int content_load_cached(struct arena *a, struct arena *texts, const char *site_dir, int drafts, int jobs,
                        struct pcache *pc, struct content *c, struct diags *d);
/* Every page read from a file has no text from here on (src NULL, len 0):
 * for after the arena that held the texts is freed. */
void content_forget_texts(struct content *c);
/* Reads page p's file (under site_dir) into its src again, in arena a, for
 * the line of a message about it. 0, or -1 (no message: the caller goes
 * without the line). */
int content_read_again(struct arena *a, const char *site_dir, struct page *p);
/* The page whose source is content-relative rel ("plans/x/_index.md"), or NULL. */
struct page *content_page(const struct content *c, const char *rel);
/* The page or section whose output folder is url ("plans/x/"), or NULL. */
struct page *content_page_at(const struct content *c, const char *url);
/* The static file with output path rel, or NULL. */
const struct static_file *content_file(const struct content *c, const char *rel);
/* Reads a whole file into the arena and checks it is UTF-8 (message with the
 * byte offset, and the iconv command when it is GB18030). Returns -1 on error. */
int content_read_text(struct arena *a, const char *disk_path, const char *shown_path,
                      const char **text, size_t *len, struct diags *d);

#endif
