/* template.h: Mustache templates for themes, compiled once and rendered from many threads.
 * The official spec v1.4 with its optional inheritance, dynamic names and lambdas. */
#ifndef PP_TEMPLATE_H
#define PP_TEMPLATE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "value.h"

/* How deep sections, partials, parents and blocks may nest, both in the text
 * of one template and while rendering. A partial that recurses over deep (or
 * self-referencing) data stops here with an error instead of overflowing the
 * stack of a render thread; real themes nest a dozen levels at most. */
#define TPL_MAX_DEPTH 100

/* A named collection of compiled templates and partials: one namespace for
 * {{>partial}} and {{<parent}} alike. */
struct tpl_set;
struct tpl;

/* strict: an unknown partial or parent is an error at link time (and at render
 * time for a dynamic name that resolves to an unknown template): themes.
 * Not strict: it renders as the empty string, as the spec says. */
struct tpl_set *tpl_set_new(int strict);

/* Compiles src (len bytes of UTF-8) under name ("page", "header": a tag
 * {{>header}} looks the name up as written). path is only for diagnostics.
 * A name added again replaces the earlier template (a site's layouts/ overriding
 * its theme; links made before fall back to lookups by name until the next
 * tpl_set_link). src, name and path are copied. Adding and linking must be
 * done before rendering starts: they change the set.
 * Syntax errors (unclosed section or tag, mismatched close tag, bad delimiter
 * change, empty or malformed tag name, nesting deeper than TPL_MAX_DEPTH) are
 * recorded in d as path:line:col with the offending line; returns -1 then.
 * A template that failed keeps its name reserved, so that linking does not
 * report it again as unknown, but tpl_set_get() does not return it. */
int tpl_set_add(struct tpl_set *s, const char *name, const char *path,
                const char *src, size_t len, struct diags *d);

/* Resolves partial and parent names once everything is added. In strict mode an
 * unknown partial or parent is an error at its tag. In every mode, a partial or
 * parent that includes itself unconditionally (a cycle that passes through no
 * section, inverted section or block) is an error: it would recurse forever.
 * Returns 0 or -1. */
int tpl_set_link(struct tpl_set *s, struct diags *d);

/* The template added under name, or NULL. */
const struct tpl *tpl_set_get(const struct tpl_set *s, const char *name);

/* Renders t (from set s) with ctx as the root of the context stack, appending
 * to out. Reads only shared state, so any number of threads may render at once
 * (lambdas must be thread-safe themselves). Errors (a lambda failing, nesting
 * deeper than TPL_MAX_DEPTH, in strict mode a dynamic partial name that names
 * no template) are recorded in d at the tag; returns 0 or -1 (out then holds a
 * partial result). Sections treat null, false, [] and missing names as false;
 * everything else (also "" and 0) is true, as in the spec. */
int tpl_render(const struct tpl_set *s, const struct tpl *t, const struct value *ctx,
               struct buf *out, struct diags *d);

/* The same with top pushed over base on the context stack (page data over site
 * data), without copying either. top may be NULL. */
int tpl_render2(const struct tpl_set *s, const struct tpl *t, const struct value *base,
                const struct value *top, struct buf *out, struct diags *d);

/* What a render reads of one table (the site data every page shares), for a
 * cache that must know what a page depends on: read() is called with each
 * key looked up in watch, found or not, and with key NULL when watch itself
 * is the value of a tag (used whole). Called from the rendering thread. */
struct tpl_trace {
	const struct value *watch;
	void (*read)(void *ud, const char *key, size_t len);
	void *ud;
};

/* tpl_render, reporting to tr (which may be NULL). */
int tpl_render_traced(const struct tpl_set *s, const struct tpl *t, const struct value *ctx,
                      const struct tpl_trace *tr, struct buf *out, struct diags *d);

/* Calls fn for every name a variable or section tag of the set's templates
 * looks up (partial and block names excluded), with the template's path and
 * source and the tag's byte offset in it, so callers can check names
 * (a theme's i18n keys) and point at the tag. */
void tpl_set_names(const struct tpl_set *s,
                   void (*fn)(void *ud, const char *name, size_t len, const char *path,
                              const char *src, size_t srclen, size_t off),
                   void *ud);

/* Accepts NULL. */
void tpl_set_free(struct tpl_set *s);

#endif
