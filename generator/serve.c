/* serve.c: the preview server's HTTP side on libmicrohttpd: safe paths, MIME types, reload events, error pages. */
#include "serve.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <microhttpd.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "utf8.h"
#include "xalloc.h"

/* Connections at once: each has a thread (an open page keeps one for its
 * reload events), and one person previews a few tabs, not hundreds. */
#define SERVE_MAX_CONNECTIONS 64
/* An idle kept-alive connection is closed after this many seconds. */
#define SERVE_IDLE_SECONDS 60
/* A reload stream sends a comment this often, so a dead client is noticed
 * and the idle limit above never closes a live one. */
#define SERVE_PING_SECONDS 15
/* Pages larger than this are read into memory to add the reload script;
 * larger files are sent as they are (no built page comes near it). */
#define SERVE_PAGE_MAX (64u * 1024 * 1024)

struct server {
	struct MHD_Daemon *mhd;
	char *root;          /* the output folder, its real path */
	char *base;          /* "/" or "/plans/" */
	int port;
	pthread_mutex_t mu;
	pthread_cond_t cv;   /* broadcast when gen or stopping changes */
	unsigned long gen;   /* builds published so far */
	char *error_html;    /* the error page of the last build, NULL when it was good */
	size_t error_len;
	int stopping;
};

/* ---- paths -------------------------------------------------------------------- */

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int serve_path_clean(const char *raw, size_t len, struct buf *out)
{
	buf_reset(out);
	buf_puts(out, "");
	if (len > SERVE_PATH_MAX)
		return SERVE_PATH_BAD;
	int hidden = 0;
	size_t seg = 0;   /* where the current segment starts in out */
	for (size_t i = 0; i <= len; i++) {
		if (i == len || raw[i] == '/') {
			const char *s = out->data + seg;
			size_t n = out->len - seg;
			/* Only the last segment may be empty (the root, or a folder's
			 * trailing slash): a leading slash or "//" is refused. */
			if (n == 0 && i < len)
				return SERVE_PATH_BAD;
			if ((n == 1 && s[0] == '.') || (n == 2 && s[0] == '.' && s[1] == '.'))
				return SERVE_PATH_BAD;
			if (n > 0 && s[0] == '.')
				hidden = 1;
			if (i < len) {
				buf_putc(out, '/');
				seg = out->len;
			}
			continue;
		}
		unsigned char c = (unsigned char)raw[i];
		if (c == '%') {
			if (len - i < 3)
				return SERVE_PATH_BAD;
			int h = hexval(raw[i + 1]), l = hexval(raw[i + 2]);
			if (h < 0 || l < 0)
				return SERVE_PATH_BAD;
			c = (unsigned char)(h * 16 + l);
			/* An encoded separator would hide a segment from the checks above. */
			if (c == '/' || c == '\\')
				return SERVE_PATH_BAD;
			i += 2;
		}
		if (c < 0x20 || c == 0x7f || c == '\\')
			return SERVE_PATH_BAD;
		buf_putc(out, (char)c);
	}
	if (utf8_invalid_at(out->data, out->len) != out->len)
		return SERVE_PATH_BAD;
	return hidden ? SERVE_PATH_HIDDEN : SERVE_PATH_OK;
}

static const struct {
	const char *ext;
	const char *type;
} mime_types[] = {
	{ "html", "text/html; charset=utf-8" },
	{ "htm", "text/html; charset=utf-8" },
	{ "css", "text/css; charset=utf-8" },
	{ "js", "text/javascript; charset=utf-8" },
	{ "mjs", "text/javascript; charset=utf-8" },
	{ "json", "application/json; charset=utf-8" },
	{ "xml", "application/xml; charset=utf-8" },
	{ "rss", "application/rss+xml; charset=utf-8" },
	{ "atom", "application/atom+xml; charset=utf-8" },
	{ "txt", "text/plain; charset=utf-8" },
	{ "md", "text/markdown; charset=utf-8" },
	{ "csv", "text/csv; charset=utf-8" },
	{ "svg", "image/svg+xml; charset=utf-8" },
	{ "png", "image/png" },
	{ "jpg", "image/jpeg" },
	{ "jpeg", "image/jpeg" },
	{ "gif", "image/gif" },
	{ "webp", "image/webp" },
	{ "avif", "image/avif" },
	{ "ico", "image/x-icon" },
	{ "woff", "font/woff" },
	{ "woff2", "font/woff2" },
	{ "ttf", "font/ttf" },
	{ "otf", "font/otf" },
	{ "pdf", "application/pdf" },
	{ "zip", "application/zip" },
	{ "doc", "application/msword" },
	{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
	{ "xls", "application/vnd.ms-excel" },
	{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
	{ "ppt", "application/vnd.ms-powerpoint" },
	{ "pptx", "application/vnd.openxmlformats-officedocument.presentationml.presentation" },
	{ "wasm", "application/wasm" },
	{ "mp4", "video/mp4" },
	{ "webm", "video/webm" },
	{ "mp3", "audio/mpeg" },
};

const char *serve_mime(const char *name)
{
	const char *slash = strrchr(name, '/');
	const char *dot = strrchr(slash ? slash : name, '.');
	if (dot) {
		for (size_t i = 0; i < sizeof mime_types / sizeof *mime_types; i++)
			if (strcasecmp(dot + 1, mime_types[i].ext) == 0)
				return mime_types[i].type;
	}
	return "application/octet-stream";
}

static int is_html(const char *name)
{
	return strncmp(serve_mime(name), "text/html", 9) == 0;
}

/* ---- pages -------------------------------------------------------------------- */

void serve_inject(const char *html, size_t len, const char *script, struct buf *out)
{
	static const char tag[] = "</body>";
	size_t tl = sizeof tag - 1;
	size_t at = len;
	for (size_t i = len >= tl ? len - tl + 1 : 0; i-- > 0;)
		if (strncasecmp(html + i, tag, tl) == 0) {
			at = i;
			break;
		}
	buf_put(out, html, at);
	buf_puts(out, script);
	buf_put(out, html + at, len - at);
}

void serve_error_page(const struct diags *d, const char *script, struct buf *out)
{
	buf_puts(out,
	         "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
	         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
	         "<title>构建失败 · Build failed</title>\n<style>\n"
	         ":root{color-scheme:dark}\n"
	         "body{margin:0;padding:2em;background:#1e1e1e;color:#eee;font:16px/1.5 sans-serif}\n"
	         "h1{color:#ff6b6b;font-size:1.4em;margin:0 0 .5em}\n"
	         "pre{background:#111;padding:1em;overflow-x:auto;border-left:4px solid #ff6b6b;"
	         "font:14px/1.5 \"Noto Sans Mono CJK SC\",\"WenQuanYi Micro Hei Mono\",monospace;white-space:pre}\n"
	         "pre.warning{border-color:#e5c07b}pre.note{border-color:#61afef}\n"
	         "p{color:#bbb}\n</style>\n</head>\n<body>\n"
	         "<h1>构建失败 · Build failed</h1>\n<p>");
	buf_printf(out, "%zu 个错误，%zu 个警告 · %zu error%s, %zu warning%s. ", d->nerrors, d->nwarnings,
	           d->nerrors, d->nerrors == 1 ? "" : "s", d->nwarnings, d->nwarnings == 1 ? "" : "s");
	buf_puts(out, "改正并保存后，页面会自动刷新。 Fix and save: the page reloads by itself.</p>\n");
	struct buf one = BUF_INIT;
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		buf_reset(&one);
		diag_format(g, &one);
		while (one.len && one.data[one.len - 1] == '\n')
			one.len--;
		buf_printf(out, "<pre class=\"%s\">",
		           g->level == DIAG_ERROR ? "error" : g->level == DIAG_WARNING ? "warning" : "note");
		buf_put_html(out, one.data ? one.data : "", one.len);
		buf_puts(out, "</pre>\n");
	}
	buf_free(&one);
	buf_puts(out, script);
	buf_puts(out, "</body>\n</html>\n");
}

/* The reload script for a page served at generation gen: it asks for
 * events since gen, so a build that ends before it connects still reloads it. */
static void put_script(const struct server *s, unsigned long gen, struct buf *out)
{
	buf_printf(out,
	           "<script>/* planpress serve: reloads the page when the site is rebuilt */"
	           "(function(){var e=new EventSource(\"%s" SERVE_EVENTS "?since=%lu\");"
	           "e.addEventListener(\"reload\",function(){e.close();location.reload();});})();</script>",
	           s->base, gen);
}

/* ---- responses ---------------------------------------------------------------- */

static enum MHD_Result queue(struct MHD_Connection *c, unsigned status, struct MHD_Response *r,
                             const char *type)
{
	if (!r)
		return MHD_NO;
	if (type)
		MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, type);
	/* A preview: every request sees the latest build. */
	MHD_add_response_header(r, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	MHD_add_response_header(r, "X-Content-Type-Options", "nosniff");
	enum MHD_Result ret = MHD_queue_response(c, status, r);
	MHD_destroy_response(r);
	return ret;
}

/* Sends b's bytes (b is emptied). */
static enum MHD_Result reply_buf(struct MHD_Connection *c, unsigned status, const char *type, struct buf *b)
{
	size_t len;
	char *data = buf_detach(b, &len);   /* memory even for no bytes */
	return queue(c, status, MHD_create_response_from_buffer_with_free_callback(len, data, free), type);
}

static enum MHD_Result reply_text(struct MHD_Connection *c, unsigned status, const char *text)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, text);
	return reply_buf(c, status, "text/plain; charset=utf-8", &b);
}

static enum MHD_Result redirect(struct MHD_Connection *c, const char *to, size_t len)
{
	struct buf loc = BUF_INIT;
	buf_put(&loc, to, len);
	buf_putc(&loc, '/');
	struct MHD_Response *r = MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT);
	if (r)
		MHD_add_response_header(r, MHD_HTTP_HEADER_LOCATION, buf_cstr(&loc));
	buf_free(&loc);
	return queue(c, MHD_HTTP_MOVED_PERMANENTLY, r, NULL);
}

/* What rel (a cleaned path) names under the root: 0 a regular file, 1 a
 * folder, -1 nothing servable (missing, another kind, or resolving outside
 * the root through a symbolic link). real gets its resolved path. */
static int resolve(const struct server *s, const char *rel, struct buf *real)
{
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", s->root, rel);
	char *r = realpath(buf_cstr(&p), NULL);
	buf_free(&p);
	if (!r)
		return -1;
	size_t rl = strlen(s->root);
	int inside = strncmp(r, s->root, rl) == 0 && (r[rl] == '\0' || r[rl] == '/' || rl == 1);
	/* A link inside the folder may still lead to a dotfile in it. */
	if (inside && strstr(r + rl, "/."))
		inside = 0;
	struct stat st;
	int kind = -1;
	if (inside && stat(r, &st) == 0)
		kind = S_ISDIR(st.st_mode) ? 1 : S_ISREG(st.st_mode) ? 0 : -1;
	buf_reset(real);
	buf_puts(real, r);
	free(r);
	return kind;
}

/* The error page with the reload script, when the last build failed: 1 and
 * queued in *ret, else 0. */
static int error_reply(struct server *s, struct MHD_Connection *c, enum MHD_Result *ret)
{
	struct buf b = BUF_INIT, script = BUF_INIT;
	pthread_mutex_lock(&s->mu);
	int failed = s->error_html != NULL;
	if (failed) {
		put_script(s, s->gen, &script);
		serve_inject(s->error_html, s->error_len, buf_cstr(&script), &b);
	}
	pthread_mutex_unlock(&s->mu);
	buf_free(&script);
	if (failed)
		*ret = reply_buf(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "text/html; charset=utf-8", &b);
	buf_free(&b);
	return failed;
}

/* Appends html to out with <base href="base"> first in its head: the 404
 * page links relative to the root, and is served at any depth. */
static void put_based(const char *html, size_t len, const char *base, struct buf *out)
{
	size_t at = buf_find(html, len, "<head>", 6, 0);
	size_t gt = at == (size_t)-1 ? at : at + 5;
	if (gt == (size_t)-1) {
		buf_put(out, html, len);
		return;
	}
	buf_put(out, html, gt + 1);
	buf_puts(out, "<base href=\"");
	buf_puts(out, base);   /* base_ok: nothing to escape */
	buf_puts(out, "\">");
	buf_put(out, html + gt + 1, len - gt - 1);
}

/* A page of the site (real: a resolved path) with the reload script. */
static enum MHD_Result page(struct server *s, struct MHD_Connection *c, unsigned status, const char *real)
{
	enum MHD_Result ret;
	if (error_reply(s, c, &ret))
		return ret;
	pthread_mutex_lock(&s->mu);
	unsigned long gen = s->gen;
	pthread_mutex_unlock(&s->mu);
	struct buf html = BUF_INIT, script = BUF_INIT, out = BUF_INIT;
	if (buf_read_file_max(&html, real, SERVE_PAGE_MAX) < 0) {
		buf_free(&html);
		return reply_text(c, MHD_HTTP_INTERNAL_SERVER_ERROR, "cannot read the page\n");
	}
	put_script(s, gen, &script);
	if (status == MHD_HTTP_NOT_FOUND) {
		struct buf based = BUF_INIT;
		put_based(buf_cstr(&html), html.len, s->base, &based);
		buf_free(&html);
		html = based;
	}
	serve_inject(buf_cstr(&html), html.len, buf_cstr(&script), &out);
	buf_free(&html);
	buf_free(&script);
	return reply_buf(c, status, "text/html; charset=utf-8", &out);
}

static enum MHD_Result not_found(struct server *s, struct MHD_Connection *c)
{
	enum MHD_Result ret;
	if (error_reply(s, c, &ret))
		return ret;
	struct buf real = BUF_INIT;
	if (resolve(s, "404.html", &real) == 0)
		ret = page(s, c, MHD_HTTP_NOT_FOUND, buf_cstr(&real));
	else
		ret = reply_text(c, MHD_HTTP_NOT_FOUND, "404 page not found\n");
	buf_free(&real);
	return ret;
}

static enum MHD_Result file(struct MHD_Connection *c, const char *real)
{
	int fd = open(real, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	struct stat st;
	if (fd < 0 || fstat(fd, &st) < 0 || !S_ISREG(st.st_mode)) {
		if (fd >= 0)
			close(fd);
		return reply_text(c, MHD_HTTP_NOT_FOUND, "404 page not found\n");
	}
	/* The response owns fd from here and closes it. */
	return queue(c, MHD_HTTP_OK, MHD_create_response_from_fd((size_t)st.st_size, fd), serve_mime(real));
}

/* ---- reload events -------------------------------------------------------------- */

struct stream {
	struct server *s;
	unsigned long seen;   /* the generation the page shows */
	int greeted;
};

/* Blocks (each connection has its own thread) until there is something to send. */
static ssize_t stream_read(void *cls, uint64_t pos, char *buf, size_t max)
{
	struct stream *st = cls;
	struct server *s = st->s;
	if (max < 64)
		return 0;
	ssize_t n = 0;
	pthread_mutex_lock(&s->mu);
	while (n == 0) {
		if (s->stopping) {
			n = MHD_CONTENT_READER_END_OF_STREAM;
		} else if (!st->greeted) {
			st->greeted = 1;
			n = snprintf(buf, max, "retry: 1000\n: planpress serve\n\n");
		} else if (s->gen != st->seen) {
			st->seen = s->gen;
			n = snprintf(buf, max, "event: reload\ndata: %lu\n\n", st->seen);
		} else {
			struct timespec until;
			clock_gettime(CLOCK_MONOTONIC, &until);
			until.tv_sec += SERVE_PING_SECONDS;
			if (pthread_cond_timedwait(&s->cv, &s->mu, &until) == ETIMEDOUT && !s->stopping &&
			    s->gen == st->seen)
				n = snprintf(buf, max, ": ping\n\n");
		}
	}
	pthread_mutex_unlock(&s->mu);
	return n;
}

static enum MHD_Result events(struct server *s, struct MHD_Connection *c)
{
	struct stream *st = xcalloc(1, sizeof *st);
	st->s = s;
	pthread_mutex_lock(&s->mu);
	st->seen = s->gen;
	pthread_mutex_unlock(&s->mu);
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	if (since && *since) {
		char *end;
		unsigned long v = strtoul(since, &end, 10);
		if (*end == '\0')
			st->seen = v;
	}
	struct MHD_Response *r = MHD_create_response_from_callback(MHD_SIZE_UNKNOWN, 1024, stream_read, st, free);
	if (!r) {
		free(st);
		return MHD_NO;
	}
	return queue(c, MHD_HTTP_OK, r, "text/event-stream; charset=utf-8");
}

/* ---- the server ------------------------------------------------------------------ */

/* Hands the path over as sent: serve_path_clean decodes it, and must see
 * an encoded slash or NUL as such. */
static size_t keep_escapes(void *cls, struct MHD_Connection *c, char *s)
{
	return strlen(s);
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url, const char *method,
                                  const char *version, const char *upload_data, size_t *upload_size,
                                  void **con_cls)
{
	struct server *s = cls;
	static int headers_seen;
	if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
		return reply_text(c, MHD_HTTP_METHOD_NOT_ALLOWED, "only GET and HEAD\n");
	/* The first call comes with the headers: a response queued then would
	 * close the connection (libmicrohttpd cannot know the request is whole),
	 * so answer on the second, and keep the connection alive. */
	if (*con_cls == NULL) {
		*con_cls = &headers_seen;
		return MHD_YES;
	}
	size_t ul = strlen(url), bl = strlen(s->base);
	/* "/plans" and "/" lead to the site at "/plans/". */
	if (bl > 1 && ((ul == bl - 1 && strncmp(url, s->base, ul) == 0) || strcmp(url, "/") == 0))
		return redirect(c, s->base, bl - 1);
	if (ul < bl || strncmp(url, s->base, bl) != 0)
		return not_found(s, c);
	const char *rest = url + bl;
	if (strcmp(rest, SERVE_EVENTS) == 0)
		return events(s, c);
	struct buf rel = BUF_INIT, real = BUF_INIT;
	enum MHD_Result ret;
	int pc = serve_path_clean(rest, ul - bl, &rel);
	if (pc == SERVE_PATH_BAD) {
		ret = reply_text(c, MHD_HTTP_BAD_REQUEST, "400 bad request path\n");
		goto out;
	}
	int kind = pc == SERVE_PATH_OK ? resolve(s, buf_cstr(&rel), &real) : -1;
	if (kind == 1) {
		if (rel.len && rel.data[rel.len - 1] != '/') {
			ret = redirect(c, url, ul);
			goto out;
		}
		buf_puts(&rel, "index.html");
		kind = resolve(s, buf_cstr(&rel), &real);
	}
	if (kind != 0)
		ret = not_found(s, c);
	else if (is_html(buf_cstr(&real)))
		ret = page(s, c, MHD_HTTP_OK, buf_cstr(&real));
	else
		ret = file(c, buf_cstr(&real));
out:
	buf_free(&rel);
	buf_free(&real);
	return ret;
}

/* A base path the server can compare with raw request paths and write into
 * the script: "/" or "/a/b/", plain ASCII segments. */
static int base_ok(const char *b)
{
	size_t n = strlen(b);
	if (n == 0 || b[0] != '/' || b[n - 1] != '/')
		return 0;
	for (size_t i = 0; i < n; i++) {
		char c = b[i];
		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
		      c == '_' || c == '.' || c == '~' || c == '/'))
			return 0;
		if (c == '/' && i > 0 && b[i - 1] == '/')
			return 0;
		if (c == '/' && i + 1 < n && b[i + 1] == '.')
			return 0;
	}
	return 1;
}

struct server *serve_start(const struct serve_opts *o, struct diags *d)
{
	if (!base_ok(o->base_path)) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
		         "--base-path '%s': give a path like /plans/ (letters, digits, - _ . ~ and /)",
		         o->base_path);
		return NULL;
	}
	char *root = realpath(o->root, NULL);
	if (!root) {
		diag_add(d, DIAG_ERROR, o->root, 0, 0, NULL, 0, "cannot serve: %s", diag_errstr(errno));
		return NULL;
	}
	union {
		struct sockaddr sa;
		struct sockaddr_in in4;
		struct sockaddr_in6 in6;
	} addr;
	memset(&addr, 0, sizeof addr);
	socklen_t alen;
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_THREAD_PER_CONNECTION;
	if (inet_pton(AF_INET, o->bind, &addr.in4.sin_addr) == 1) {
		addr.in4.sin_family = AF_INET;
		addr.in4.sin_port = htons((uint16_t)o->port);
		alen = sizeof addr.in4;
	} else if (inet_pton(AF_INET6, o->bind, &addr.in6.sin6_addr) == 1) {
		addr.in6.sin6_family = AF_INET6;
		addr.in6.sin6_port = htons((uint16_t)o->port);
		alen = sizeof addr.in6;
		flags |= MHD_USE_IPv6;
	} else {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
		         "--bind '%s': give a numeric address such as 127.0.0.1 or ::1", o->bind);
		free(root);
		return NULL;
	}
	/* The socket is made here, so that "address in use" reaches the user. */
	int fd = socket(addr.sa.sa_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	int one = 1;
	if (fd < 0 || setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one) < 0 ||
	    bind(fd, &addr.sa, alen) < 0 || listen(fd, SOMAXCONN) < 0) {
		int e = errno;
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "cannot listen on %s port %d: %s%s", o->bind, o->port,
		         diag_errstr(e), e == EADDRINUSE ? " (choose another with --port)" : "");
		if (fd >= 0)
			close(fd);
		free(root);
		return NULL;
	}
	if (getsockname(fd, &addr.sa, &alen) < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "cannot listen: %s", diag_errstr(errno));
		close(fd);
		free(root);
		return NULL;
	}
	struct server *s = xcalloc(1, sizeof *s);
	s->root = root;
	s->base = xstrdup(o->base_path);
	s->port = ntohs(addr.sa.sa_family == AF_INET ? addr.in4.sin_port : addr.in6.sin6_port);
	pthread_mutex_init(&s->mu, NULL);
	pthread_condattr_t ca;
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&s->cv, &ca);
	pthread_condattr_destroy(&ca);
	s->mhd = MHD_start_daemon(flags, 0, NULL, NULL, on_request, s,
	                          MHD_OPTION_LISTEN_SOCKET, (MHD_socket)fd,
	                          MHD_OPTION_CONNECTION_LIMIT, (unsigned)SERVE_MAX_CONNECTIONS,
	                          MHD_OPTION_CONNECTION_TIMEOUT, (unsigned)SERVE_IDLE_SECONDS,
	                          MHD_OPTION_UNESCAPE_CALLBACK, keep_escapes, NULL,
	                          MHD_OPTION_END);
	if (!s->mhd) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "cannot start the HTTP server (libmicrohttpd)");
		close(fd);
		serve_stop(s);
		return NULL;
	}
	return s;
}

int serve_port(const struct server *s)
{
	return s->port;
}

void serve_update(struct server *s, const struct diags *d)
{
	struct buf page = BUF_INIT;
	if (d && d->nerrors)
		serve_error_page(d, "", &page);
	size_t len;
	char *html = page.len ? buf_detach(&page, &len) : NULL;
	pthread_mutex_lock(&s->mu);
	free(s->error_html);
	s->error_html = html;
	s->error_len = html ? len : 0;
	s->gen++;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	buf_free(&page);
}

void serve_stop(struct server *s)
{
	if (!s)
		return;
	pthread_mutex_lock(&s->mu);
	s->stopping = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
	if (s->mhd)
		MHD_stop_daemon(s->mhd);
	pthread_cond_destroy(&s->cv);
	pthread_mutex_destroy(&s->mu);
	free(s->error_html);
	free(s->base);
	free(s->root);
	free(s);
}
