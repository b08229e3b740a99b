/* url.h: content paths and the relative URLs between output pages, so that
 * a site works under any path of a web server and straight from disk. */
#ifndef PP_URL_H
#define PP_URL_H

#include <stddef.h>

#include "buf.h"

/* Appends the URL of output path to (e.g. "plans/x/index.html" or "plans/x/")
 * relative to the page whose directory is from_dir ("" for the site root,
 * else ending in '/'). Characters that may not stand raw in an href
 * (space, quote, <, >, %, controls) are percent-encoded; UTF-8 is kept. */
void url_relative(const char *from_dir, const char *to, struct buf *out);
/* Joins link (n bytes, percent-decoded, no fragment) to base_dir (a
 * content-relative folder, "" for the root) and removes "." and ".."
 * steps. Returns -1 if the result would leave the root. */
int url_join(const char *base_dir, const char *link, size_t n, struct buf *out);
/* Appends s with %XX sequences decoded. Returns -1 on a malformed escape. */
int url_decode(const char *s, size_t n, struct buf *out);
/* Appends s with href-unsafe bytes percent-encoded. */
void url_escape(const char *s, size_t n, struct buf *out);
/* Appends html (n bytes, as the Markdown renderer writes it) with every
 * relative href="..." and src="..." made absolute, resolved against base:
 * the folder of the page the HTML belongs to, as an absolute URL or a path
 * from the server's root, ending in '/' ("https://x.gov/plans/a/",
 * "/plans/a/"). Values with a scheme, "//", "/" or "#" stay as they are;
 * "?query#fragment" is kept as written. For HTML read elsewhere (a feed). */
void url_absolute_html(const char *html, size_t n, const char *base, struct buf *out);
/* 1 if s starts with a URL scheme ("http:", "mailto:") or "//". */
int url_has_scheme(const char *s, size_t n);

#endif
