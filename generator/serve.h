/* serve.h: the preview server's HTTP side (libmicrohttpd): serves a built
 * site's folder and nothing else, shows the last build's errors in place of
 * its pages, and tells open pages to reload through Server-Sent Events. */
#ifndef PP_SERVE_H
#define PP_SERVE_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"

/* The Server-Sent Events endpoint, under the base path. The site cannot
 * shadow it: no built file's name starts with "__planpress". */
#define SERVE_EVENTS "__planpress/events"

/* The longest request path taken (bytes, before decoding): no built file
 * has a longer one (PATH_MAX). */
#define SERVE_PATH_MAX 4096

/* What serve_path_clean makes of a request path. */
enum serve_path {
	SERVE_PATH_OK = 0,
	SERVE_PATH_BAD = -1,      /* 400: a traversal, an encoded slash or backslash, a NUL or control byte,
	                           * an empty segment (an absolute path), bad escapes or UTF-8, too long */
	SERVE_PATH_HIDDEN = -2,   /* 404: a dotfile or dot-folder (.planpress-manifest, .git) */
};

/* Turns raw, the request path after the base path as sent (percent escapes
 * not yet decoded, query string cut), into a path relative to the output
 * folder, decoded, in out (replacing what it held; a trailing slash is kept;
 * "" is the root). Returns an enum serve_path. Pure: the unit tests call it. */
int serve_path_clean(const char *raw, size_t len, struct buf *out);

/* The Content-Type for a file name, by its extension (any case); text types
 * carry "; charset=utf-8". Unknown: application/octet-stream. */
const char *serve_mime(const char *name);

/* Appends html (len bytes) to out with script put before its last </body>
 * (any case), or after the end when it has none. */
void serve_inject(const char *html, size_t len, const char *script, struct buf *out);

/* Appends the page shown while the site has errors: each diagnostic of d
 * (sorted) as the command line prints it (file:line:col, message, the
 * source line and a caret), HTML-escaped, with script before </body>. */
void serve_error_page(const struct diags *d, const char *script, struct buf *out);

struct serve_opts {
	const char *bind;        /* a numeric IPv4 or IPv6 address: "127.0.0.1" */
	int port;                /* 0: any free port (serve_port tells which) */
	const char *base_path;   /* "/" or "/plans/": starts and ends with '/' */
	const char *root;        /* the output folder served */
};

struct server;

/* Listens and serves root in threads of its own (which inherit the
 * caller's signal mask). Until the first serve_update the folder is served
 * as it is. Returns NULL after recording the error in d. */
struct server *serve_start(const struct serve_opts *o, struct diags *d);
/* The port listened on. */
int serve_port(const struct server *s);
/* Publishes a build: d NULL or without errors: the folder holds the site;
 * else pages show d's diagnostics (copied: the caller keeps d) and the
 * folder's last good site stays served for files other than pages. Every
 * open page is told to reload. */
void serve_update(struct server *s, const struct diags *d);
/* Ends every connection and frees s; accepts NULL. */
void serve_stop(struct server *s);

#endif
