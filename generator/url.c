/* url.c: path joining and relative URLs between output pages. */
#include "url.h"

#include <string.h>

#include "utf8.h"

int url_has_scheme(const char *s, size_t n)
{
	if (n >= 2 && s[0] == '/' && s[1] == '/')
		return 1;
	size_t i = 0;
	if (n == 0 || !IS_ASCII_ALPHA(s[0]))
		return 0;
	while (i < n && (IS_ASCII_ALNUM(s[i]) || s[i] == '+' || s[i] == '-' || s[i] == '.'))
		i++;
	return i < n && s[i] == ':' && i >= 1;
}

static int hexval(char c)
{
	if (IS_ASCII_DIGIT(c))
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int url_decode(const char *s, size_t n, struct buf *out)
{
	for (size_t i = 0; i < n; i++) {
		if (s[i] != '%') {
			buf_putc(out, s[i]);
			continue;
		}
		if (i + 2 >= n)
			return -1;
		int h = hexval(s[i + 1]), l = hexval(s[i + 2]);
		if (h < 0 || l < 0)
			return -1;
		buf_putc(out, (char)(h * 16 + l));
		i += 2;
	}
	return 0;
}

void url_escape(const char *s, size_t n, struct buf *out)
{
	static const char hex[] = "0123456789ABCDEF";
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c <= 0x20 || c == 0x7F || c == '"' || c == '<' || c == '>' || c == '\\' ||
		    c == '^' || c == '`' || c == '{' || c == '|' || c == '}' || c == '\'') {
			buf_putc(out, '%');
			buf_putc(out, hex[c >> 4]);
			buf_putc(out, hex[c & 15]);
		} else {
			buf_putc(out, (char)c);
		}
	}
}

int url_join(const char *base_dir, const char *link, size_t n, struct buf *out)
{
	/* Segments as (start, len) pairs over a scratch copy. */
	struct buf all = BUF_INIT;
	if (n > 0 && link[0] == '/') {
		buf_put(&all, link + 1, n - 1);   /* "/x.md": from the content root */
	} else {
		buf_puts(&all, base_dir);
		if (all.len && all.data[all.len - 1] != '/')
			buf_putc(&all, '/');
		buf_put(&all, link, n);
	}
	size_t starts[256], lens[256], nseg = 0;
	int rc = 0;
	size_t i = 0;
	const char *p = buf_cstr(&all);
	while (i <= all.len) {
		size_t j = i;
		while (j < all.len && p[j] != '/')
			j++;
		size_t len = j - i;
		if (len == 0 || (len == 1 && p[i] == '.')) {
			/* skip */
		} else if (len == 2 && p[i] == '.' && p[i + 1] == '.') {
			if (nseg == 0) {
				rc = -1;
				goto out;
			}
			nseg--;
		} else {
			if (nseg == sizeof starts / sizeof starts[0]) {
				rc = -1;
				goto out;
			}
			starts[nseg] = i;
			lens[nseg] = len;
			nseg++;
		}
		i = j + 1;
	}
	for (size_t k = 0; k < nseg; k++) {
		if (k)
			buf_putc(out, '/');
		buf_put(out, p + starts[k], lens[k]);
	}
	/* Keep a trailing slash: "tasks/" names a folder. */
	if (nseg && all.len && p[all.len - 1] == '/')
		buf_putc(out, '/');
out:
	buf_free(&all);
	return rc;
}

void url_relative(const char *from_dir, const char *to, struct buf *out)
{
	/* Skip the folders both share, then climb out of the rest of from_dir. */
	size_t common = 0, i = 0;
	while (from_dir[i] && to[i] && from_dir[i] == to[i]) {
		if (from_dir[i] == '/')
			common = i + 1;
		i++;
	}
	size_t ups = 0;
	for (const char *p = from_dir + common; *p; p++)
		if (*p == '/')
			ups++;
	size_t start = out->len;
	for (size_t k = 0; k < ups; k++)
		buf_puts(out, "../");
	url_escape(to + common, strlen(to + common), out);
	if (out->len == start)
		buf_puts(out, "./");
}

/* Appends link (n bytes, relative) resolved against base (see url.h). */
static void resolve_against(const char *base, const char *link, size_t n, struct buf *out)
{
	/* The part of base before its path: "https://host", or "". */
	size_t pre = 0, bl = strlen(base);
	const char *sep = strstr(base, "://");
	if (sep) {
		const char *slash = strchr(sep + 3, '/');
		pre = slash ? (size_t)(slash - base) : bl;
	}
	size_t plen = 0;
	while (plen < n && link[plen] != '?' && link[plen] != '#')
		plen++;
	/* Segments of the base folder, then of the link, with . and .. applied. */
	struct buf path = BUF_INIT;
	buf_put(&path, base + pre, bl - pre);
	if (!path.len || path.data[0] != '/')
		buf_putc(&path, '/');
	if (path.data[path.len - 1] != '/')
		while (path.len > 1 && path.data[path.len - 1] != '/')
			path.len--;
	size_t i = 0;
	while (i < plen) {
		size_t j = i;
		while (j < plen && link[j] != '/')
			j++;
		size_t sl = j - i;
		int last = j >= plen;
		if (sl == 1 && link[i] == '.') {
			/* stays */
		} else if (sl == 2 && link[i] == '.' && link[i + 1] == '.') {
			if (path.len > 1) {
				path.len--;
				while (path.len > 1 && path.data[path.len - 1] != '/')
					path.len--;
			}
		} else {
			buf_put(&path, link + i, sl);
			if (!last)
				buf_putc(&path, '/');
		}
		i = j + 1;
	}
	buf_put(out, base, pre);
	buf_put(out, path.data, path.len);
	buf_put(out, link + plen, n - plen);
	buf_free(&path);
}

void url_absolute_html(const char *html, size_t n, const char *base, struct buf *out)
{
	size_t i = 0, done = 0;
	while (i < n) {
		size_t skip = 0;
		if (n - i >= 7 && memcmp(html + i, " href=\"", 7) == 0)
			skip = 7;
		else if (n - i >= 6 && memcmp(html + i, " src=\"", 6) == 0)
			skip = 6;
		if (!skip) {
			i++;
			continue;
		}
		size_t v = i + skip, e = v;
		while (e < n && html[e] != '"')
			e++;
		if (e >= n)
			break;
		const char *val = html + v;
		size_t vl = e - v;
		if (vl && !url_has_scheme(val, vl) && val[0] != '/' && val[0] != '#') {
			buf_put(out, html + done, v - done);
			resolve_against(base, val, vl, out);
			done = e;
		}
		i = e;
	}
	buf_put(out, html + done, n - done);
}
