/* buf.c: growable byte buffers. */
#define _GNU_SOURCE   /* memmem */
#include "buf.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "xalloc.h"

void buf_grow(struct buf *b, size_t extra)
{
	size_t need = b->len + extra + 1;
	if (need <= b->cap)
		return;
	size_t cap = b->cap ? b->cap : 64;
	while (cap < need)
		cap += cap / 2 + 64;
	b->data = xrealloc(b->data, cap);
	b->cap = cap;
}

void buf_put(struct buf *b, const void *p, size_t n)
{
	buf_grow(b, n);
	if (n)
		memcpy(b->data + b->len, p, n);
	b->len += n;
	b->data[b->len] = '\0';
}

void buf_puts(struct buf *b, const char *s)
{
	buf_put(b, s, strlen(s));
}

void buf_putc(struct buf *b, char c)
{
	buf_grow(b, 1);
	b->data[b->len++] = c;
	b->data[b->len] = '\0';
}

void buf_vprintf(struct buf *b, const char *fmt, va_list ap)
{
	va_list cp;
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	buf_grow(b, (size_t)n);
	vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
	b->len += (size_t)n;
}

void buf_printf(struct buf *b, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(b, fmt, ap);
	va_end(ap);
}

void buf_put_uint_padded(struct buf *b, unsigned long long i, int width)
{
	char tmp[24];
	int n = 0;
	do {
		tmp[sizeof tmp - 1 - n++] = (char)('0' + i % 10);
		i /= 10;
	} while (i);
	while (n < width && n < (int)sizeof tmp)
		tmp[sizeof tmp - 1 - n++] = '0';
	buf_put(b, tmp + sizeof tmp - n, (size_t)n);
}

void buf_put_int(struct buf *b, long long i)
{
	if (i < 0) {
		buf_putc(b, '-');
		/* -(i + 1) + 1: no overflow at LLONG_MIN */
		buf_put_uint_padded(b, (unsigned long long)(-(i + 1)) + 1, 1);
	} else {
		buf_put_uint_padded(b, (unsigned long long)i, 1);
	}
}

/* Which bytes buf_put_escaped replaces: 1 always, 2 with BUF_ESC_APOS. */
static const unsigned char esc_class[256] = {
	['&'] = 1, ['<'] = 1, ['>'] = 1, ['"'] = 1, ['\''] = 2,
};

void buf_put_escaped(struct buf *b, const char *s, size_t n, int flags)
{
	/* Most text has nothing to escape: runs of plain bytes are copied whole. */
	unsigned char stop = flags & BUF_ESC_APOS ? 3 : 1;
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = esc_class[(unsigned char)s[i]];
		if (!(c & stop))
			continue;
		const char *rep;
		switch (s[i]) {
		case '&': rep = "&amp;"; break;
		case '<': rep = "&lt;"; break;
		case '>': rep = "&gt;"; break;
		case '"': rep = "&quot;"; break;
		default: rep = "&#39;"; break;
		}
		buf_put(b, s + start, i - start);
		buf_puts(b, rep);
		start = i + 1;
	}
	buf_put(b, s + start, n - start);
}

void buf_put_html(struct buf *b, const char *s, size_t n)
{
	buf_put_escaped(b, s, n, BUF_ESC_APOS);
}

size_t buf_find(const char *h, size_t hn, const char *s, size_t sn, size_t from)
{
	if (sn == 0 || from > hn || sn > hn - from)
		return (size_t)-1;
	const char *p = memmem(h + from, hn - from, s, sn);
	return p ? (size_t)(p - h) : (size_t)-1;
}

void buf_truncate(struct buf *b, size_t len)
{
	if (len < b->len) {
		b->len = len;
		b->data[len] = '\0';
	}
}

void buf_reset(struct buf *b)
{
	buf_truncate(b, 0);
}

const char *buf_cstr(struct buf *b)
{
	if (!b->cap)
		buf_grow(b, 0);
	b->data[b->len] = '\0';
	return b->data;
}

char *buf_detach(struct buf *b, size_t *len)
{
	buf_cstr(b);
	char *p = b->data;
	if (len)
		*len = b->len;
	b->data = NULL;
	b->len = b->cap = 0;
	return p;
}

void buf_free(struct buf *b)
{
	if (!b)
		return;
	free(b->data);
	b->data = NULL;
	b->len = b->cap = 0;
}

int buf_read_file_max(struct buf *b, const char *path, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	struct stat st;
	size_t start = b->len;
	/* A regular file is read straight into the buffer, sized once. */
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode)) {
		if ((unsigned long long)st.st_size > max) {
			close(fd);
			errno = EFBIG;
			return -1;
		}
		buf_grow(b, (size_t)st.st_size + 1);
	}
	for (;;) {
		if (b->cap - b->len < 4096)
			buf_grow(b, 65536);
		ssize_t r = read(fd, b->data + b->len, b->cap - b->len - 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			int e = errno;
			close(fd);
			b->data[b->len] = '\0';
			errno = e;
			return -1;
		}
		if (r == 0)
			break;
		b->len += (size_t)r;
		if (b->len - start > max) {
			close(fd);
			b->data[b->len] = '\0';
			errno = EFBIG;
			return -1;
		}
	}
	b->data[b->len] = '\0';
	close(fd);
	return 0;
}

int buf_read_file(struct buf *b, const char *path)
{
	return buf_read_file_max(b, path, (size_t)-1);
}
