/* rcache.h: the render cache: what made each output file of the last build
 * (the digest of its template context, the site data its templates read),
 * so that a page made of the same again is not rendered again. Kept in the
 * site's .planpress/, never in the output folder.
 *
 * A file is reused when all of these are as recorded:
 *   - the digest of the program, the theme's templates and partials and its
 *     labels (rcache_open's global);
 *   - its output path and template, and the digest of its context without
 *     the site data (the page, its task, its text, its links);
 *   - the digest of each key of the site data its templates looked up, found
 *     or not (tpl_trace in template.h): a page that reads site.title and
 *     site.as_of_text does not depend on site.plans;
 *   - the output folder's file: its status (size, times, inode), and for a
 *     file changed within RCACHE_RACY_NS of the moment its status was
 *     recorded, its bytes (git's racily-clean rule: a change within the
 *     same tick of the file system's clock leaves the status as it was).
 * If all the values a render read are the same, the render is the same:
 * the keys it looks up are decided by the values it read before. */
#ifndef PP_RCACHE_H
#define PP_RCACHE_H

#include <stddef.h>
#include <stdint.h>

#include "digest.h"
#include "template.h"
#include "value.h"

/* One file per output folder, named by the digest of the folder's name. */
#define RCACHE_DIR ".planpress/render"
#define RCACHE_HEADER "planpress-render-cache 1\n"
/* The racy window: twice the coarsest tick of the kernel clock that stamps
 * change times (HZ=100: 10 ms). A file system that keeps whole seconds
 * (change times with no nanoseconds: ext3, FAT's two seconds) gets 2 s. */
#define RCACHE_RACY_NS 20000000LL
#define RCACHE_RACY_COARSE_NS 2000000000LL
/* A cache file larger than this is not read (a site of 100k pages keeps
 * about 12 MiB): a damaged or foreign file cannot make a build read gigabytes. */
#define RCACHE_MAX_FILE (512u << 20)

/* Why a file was rendered (or not). */
enum rcache_why {
	RCACHE_REUSED,    /* not rendered: the output folder's file was made of the same */
	RCACHE_NEW,       /* no record: a new page, or the first build with this cache */
	RCACHE_PAGE,      /* its own data changed (page, task, text, links) */
	RCACHE_SITE,      /* site data it reads changed */
	RCACHE_OUTPUT,    /* the output folder's file is missing or was changed */
	RCACHE_UNCACHED,  /* its context holds a function (a Lua hook's lambda) */
	RCACHE_NWHY
};

struct rcache;

/* What one output file is being looked up or recorded with; lives on the
 * rendering thread's stack between rcache_probe and rcache_put. */
struct rcache_page {
	const char *rel;
	unsigned char key[DIGEST_LEN];
	int keyed;                   /* key holds a digest (no function in the context) */
	struct tpl_trace trace;
	struct rcache *c;
	int worker;
};

/* Opens the cache of site_dir for output folder out_dir. Records made with
 * another global digest (see above: templates, labels, program) or for
 * another output folder are not used; a missing, damaged or foreign file
 * gives an empty cache (a cache only saves time: it never fails a build).
 * site is the site data every context shares, i18n the labels: both are
 * accounted apart from a page's own digest. shared: values many contexts
 * hold (front matter; plan, task and bulletin tables), digested once here,
 * in layers: shared[0, layer_end[0]) first, then up to layer_end[1], and so
 * on; a value may hold values of earlier layers (digested once), not of its
 * own. Each layer is digested on up to jobs threads, which will also probe
 * and record. All of them are read-only from now on. The caller frees it
 * with rcache_free. */
struct rcache *rcache_open(const char *site_dir, const char *out_dir, const unsigned char global[DIGEST_LEN],
                           const struct value *site, const struct value *i18n,
                           const struct value *const *shared, const size_t *layer_end, size_t nlayers, int jobs);

/* The output folder is publish's own (planpress(1), PUBLISH), whose files
 * nothing changes in place, and which are hard-linked into public/ after
 * each build: a link changes a file's ctime, so the status of a file is
 * compared without it (size, inode, device and mtime still). Before the
 * first rcache_probe. */
void rcache_linked_out(struct rcache *c);

/* Looks up output file rel (relative to the output folder), to be made with
 * template tpl from ctx, on thread worker. Returns RCACHE_REUSED when the
 * output folder's file is what rendering would write: it is kept as it is.
 * Otherwise the caller renders with pg->trace (template.h) and, when the
 * render succeeded, calls rcache_put with its bytes. Thread-safe for
 * distinct workers. */
enum rcache_why rcache_probe(struct rcache *c, int worker, struct rcache_page *pg, const char *rel,
                             const char *tpl, const struct value *ctx);

/* 1 when the last build recorded output file rel: a probe may find it
 * reusable (a caller that must digest much to probe can skip that when not). */
int rcache_has(const struct rcache *c, const char *rel);

/* The digest of value v, its shared values' taken from the cache's memo
 * (rcache_open): 0, or -1 when v holds a function (no digest stands for
 * it). Thread-safe. */
int rcache_value_digest(const struct rcache *c, const struct value *v, unsigned char out[DIGEST_LEN]);

/* Records that pg was rendered (and will be written or found the same). */
void rcache_put(struct rcache_page *pg);

/* The count of files by reason so far, summed over the threads. */
void rcache_counts(const struct rcache *c, size_t out[RCACHE_NWHY]);
/* The keys of the site data whose digest differs from the last build's
 * (changed, added or gone), in order, separated by ", ", into out. */
void rcache_changed_keys(const struct rcache *c, struct buf *out);

/* After the output folder was written: records the status of each file
 * probed or put, as it is now, and replaces the cache file. Nothing is
 * recorded for what was neither. The caches of output folders that no
 * longer exist go. Failures are silent: the next build then renders again.
 * Once: a second call does nothing. */
void rcache_save(struct rcache *c);
/* Accepts NULL. */
void rcache_free(struct rcache *c);

#endif
