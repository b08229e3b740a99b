/* diag.c: the diagnostic sink and its compiler-style printing. */
#include "diag.h"

#include <stdarg.h>
#include <stdlib.h>
#include <stdint.h>
#include <string.h>

#include "i18n.h"
#include "utf8.h"
#include "xalloc.h"

void diags_init(struct diags *d)
{
	memset(d, 0, sizeof *d);
	pthread_mutex_init(&d->mu, NULL);
}

void diags_free(struct diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].path);
		free(d->v[i].msg);
		free(d->v[i].text);
	}
	free(d->v);
	pthread_mutex_destroy(&d->mu);
	d->v = NULL;
	d->n = d->cap = 0;
}

static void vadd(struct diags *d, enum diag_level level, const char *path,
                 int line, int col, const char *text, size_t textlen,
                 const char *fmt, va_list ap)
{
	struct buf m = BUF_INIT;
	/* Every message is translated here, so callers pass English formats
	 * (the Makefile tells xgettext where they stand). */
	buf_vprintf(&m, i18n_text(fmt), ap);
	struct diag g = {
		.level = level,
		.path = path ? xstrdup(path) : NULL,
		.line = line,
		.col = col,
		.msg = buf_detach(&m, NULL),
		.text = text ? xstrndup(text, textlen) : NULL,
	};
	pthread_mutex_lock(&d->mu);
	if (d->n == d->cap) {
		d->cap = d->cap ? d->cap * 2 : 16;
		d->v = xrealloc(d->v, d->cap * sizeof *d->v);
	}
	g.seq = d->n;
	d->v[d->n++] = g;
	if (level == DIAG_ERROR)
		d->nerrors++;
	else if (level == DIAG_WARNING)
		d->nwarnings++;
	pthread_mutex_unlock(&d->mu);
}

void diag_add(struct diags *d, enum diag_level level, const char *path,
              int line, int col, const char *text, size_t textlen,
              const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vadd(d, level, path, line, col, text, textlen, fmt, ap);
	va_end(ap);
}

void diags_fill_lines(struct diags *d, const char *(*text_of)(void *ctx, const char *path, size_t *len),
                      void *ctx)
{
	for (size_t i = 0; i < d->n; i++) {
		struct diag *g = &d->v[i];
		size_t len = 0, s, e;
		if (g->text || !g->path || g->line <= 0)
			continue;
		const char *src = text_of(ctx, g->path, &len);
		if (src && diag_line_span(src, len, g->line, &s, &e))
			g->text = xstrndup(src + s, e - s);
	}
}

void diag_linecol(const char *src, size_t len, size_t off, int *line, int *col)
{
	int l = 1;
	size_t bol = 0;
	if (off > len)
		off = len;
	for (size_t i = 0; i < off; i++) {
		if (src[i] == '\n') {
			l++;
			bol = i + 1;
		} else if (src[i] == '\r' && (i + 1 >= len || src[i + 1] != '\n')) {
			l++;
			bol = i + 1;
		}
	}
	*line = l;
	*col = (int)utf8_count(src + bol, off - bol) + 1;
}

void diag_cursor_init(struct diag_cursor *c)
{
	c->off = 0;
	c->line = 1;
	c->col = 1;
}

/* Bytes of w that are 0 (the high bit of each), after Mycroft: exact for
 * the lowest such byte, and nonzero exactly when there is one. */
static uint64_t zero_bytes(uint64_t w)
{
	return (w - UINT64_C(0x0101010101010101)) & ~w & UINT64_C(0x8080808080808080);
}

void diag_cursor_at(struct diag_cursor *c, const char *src, size_t len, size_t off,
                    int *line, int *col)
{
	if (c->line == 0 || off < c->off)
		diag_cursor_init(c);
	if (off > len)
		off = len;
	const unsigned char *s = (const unsigned char *)src;
	size_t k = c->off;
	while (k < off) {
		/* Eight bytes without a line break: a column for each that does not
		 * continue a character (10xxxxxx). */
		uint64_t w;
		if (k + 8 <= off && (memcpy(&w, s + k, 8), !zero_bytes(w ^ UINT64_C(0x0a0a0a0a0a0a0a0a)) &&
		                     !zero_bytes(w ^ UINT64_C(0x0d0d0d0d0d0d0d0d)))) {
			uint64_t cont = (w & ~(w << 1) & UINT64_C(0x8080808080808080)) >> 7;   /* 1 per byte */
			c->col += 8 - (int)((cont * UINT64_C(0x0101010101010101)) >> 56);
			k += 8;
			continue;
		}
		if (s[k] == '\n' || (s[k] == '\r' && (k + 1 >= len || s[k + 1] != '\n'))) {
			c->line++;
			c->col = 1;
		} else if ((s[k] & 0xC0) != 0x80) {
			c->col++;
		}
		k++;
	}
	c->off = off;
	*line = c->line;
	*col = c->col;
}

int diag_line_span(const char *src, size_t len, int line, size_t *start, size_t *end)
{
	int l = 1;
	size_t i = 0;
	while (l < line && i < len) {
		if (src[i] == '\n' || (src[i] == '\r' && (i + 1 >= len || src[i + 1] != '\n')))
			l++;
		i++;
	}
	if (l != line)
		return 0;
	size_t e = i;
	while (e < len && src[e] != '\n' && src[e] != '\r')
		e++;
	*start = i;
	*end = e;
	return 1;
}

void diag_at(struct diags *d, enum diag_level level, const char *path,
             const char *src, size_t len, size_t off, const char *fmt, ...)
{
	int line, col;
	size_t s = 0, e = 0;
	diag_linecol(src, len, off, &line, &col);
	int have = diag_line_span(src, len, line, &s, &e);
	va_list ap;
	va_start(ap, fmt);
	vadd(d, level, path, line, col, have ? src + s : NULL, e - s, fmt, ap);
	va_end(ap);
}

static int cmp_diag(const void *a, const void *b)
{
	const struct diag *x = a, *y = b;
	if (!x->path != !y->path)
		return x->path ? 1 : -1;
	if (x->path) {
		int c = strcmp(x->path, y->path);
		if (c)
			return c;
	}
	if (x->line != y->line)
		return x->line < y->line ? -1 : 1;
	if (x->col != y->col)
		return x->col < y->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void diags_sort(struct diags *d)
{
	if (d->n > 1)
		qsort(d->v, d->n, sizeof *d->v, cmp_diag);
}

static const char *level_name(enum diag_level l)
{
	/* TRANSLATORS: the levels of "path:line:col: error: message". */
	return l == DIAG_ERROR ? _("error") : l == DIAG_WARNING ? _("warning") : _("note");
}

void diag_format(const struct diag *g, struct buf *out)
{
	if (g->path) {
		buf_puts(out, g->path);
		if (g->line > 0) {
			buf_printf(out, ":%d", g->line);
			if (g->col > 0)
				buf_printf(out, ":%d", g->col);
		}
		buf_puts(out, ": ");
	} else {
		buf_puts(out, "planpress: ");
	}
	buf_printf(out, "%s: %s\n", level_name(g->level), g->msg);
	if (!g->text)
		return;
	/* The line as it is, tabs kept so the caret lines up under them. */
	const char *t = g->text;
	size_t tl = strlen(t);
	buf_printf(out, "%5d | ", g->line);
	buf_put(out, t, tl);
	buf_puts(out, "\n      | ");
	if (g->col > 0) {
		size_t i = 0;
		for (int c = 1; c < g->col && i < tl; c++) {
			size_t n;
			uint32_t cp = utf8_decode(t + i, tl - i, &n);
			if (cp == '\t')
				buf_putc(out, '\t');
			else
				for (int w = utf8_width(cp); w > 0; w--)
					buf_putc(out, ' ');
			i += n;
		}
		buf_putc(out, '^');
	}
	buf_putc(out, '\n');
}

size_t diags_print(struct diags *d, FILE *f)
{
	struct buf out = BUF_INIT;
	for (size_t i = 0; i < d->n; i++)
		diag_format(&d->v[i], &out);
	if (out.len)
		fwrite(out.data, 1, out.len, f);
	buf_free(&out);
	return d->nerrors;
}

const char *diag_errstr(int err)
{
	/* strerrordesc_np is GNU-only; strerror_r fills a per-thread buffer. */
	static _Thread_local char msg[128];
#if defined(__GLIBC__) && defined(_GNU_SOURCE)
	return strerror_r(err, msg, sizeof msg);
#else
	if (strerror_r(err, msg, sizeof msg) != 0)
		snprintf(msg, sizeof msg, "error %d", err);
	return msg;
#endif
}
