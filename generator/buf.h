/* buf.h: a growable byte buffer that carries its length (cmark_strbuf, lowdown hbuf). */
#ifndef PP_BUF_H
#define PP_BUF_H

#include <stdarg.h>
#include <stddef.h>

/* data may hold NUL bytes; it is always followed by one NUL past len
 * when cap > 0, so buf_cstr() is free. A zeroed struct is a valid empty buffer. */
struct buf {
	char *data;
	size_t len;
	size_t cap;
};

#define BUF_INIT { NULL, 0, 0 }

void buf_grow(struct buf *b, size_t extra);
void buf_put(struct buf *b, const void *p, size_t n);
void buf_puts(struct buf *b, const char *s);
void buf_putc(struct buf *b, char c);
void buf_printf(struct buf *b, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void buf_vprintf(struct buf *b, const char *fmt, va_list ap);
/* Appends i in decimal ("-12"), as "%lld" would, without printf. */
void buf_put_int(struct buf *b, long long i);
/* Appends i in decimal with at least width digits, zeros in front ("%0*d");
 * i >= 0, width <= 20. */
void buf_put_uint_padded(struct buf *b, unsigned long long i, int width);
/* The one HTML escaper: appends s with & < > " escaped, and ' too with
 * BUF_ESC_APOS (templates escape it; CommonMark's renderers do not). */
#define BUF_ESC_APOS 1
void buf_put_escaped(struct buf *b, const char *s, size_t n, int flags);
/* buf_put_escaped with BUF_ESC_APOS: for HTML text and attributes. */
void buf_put_html(struct buf *b, const char *s, size_t n);
void buf_truncate(struct buf *b, size_t len);
/* Offset of the first s (sn bytes) in h (hn bytes) at or after from, or
 * (size_t)-1. For text that may hold NULs, where strstr cannot look. */
size_t buf_find(const char *h, size_t hn, const char *s, size_t sn, size_t from);
/* Empties the buffer, keeping its memory. */
void buf_reset(struct buf *b);
/* A NUL-terminated view of the contents, valid until the next change. */
const char *buf_cstr(struct buf *b);
/* Hands the memory to the caller (free() it); the buffer is left empty. */
char *buf_detach(struct buf *b, size_t *len);
void buf_free(struct buf *b);
/* The one file reader: appends the whole file at path (a regular file in
 * one read, sized by its status; anything else in chunks). Returns 0, or -1
 * with errno set: EFBIG when it holds more than max bytes. The buffer may
 * hold part of the file after an error. UTF-8 is the caller's to check
 * (utf8.h), once, where the text enters the model. */
int buf_read_file_max(struct buf *b, const char *path, size_t max);
/* The same without a size limit. */
int buf_read_file(struct buf *b, const char *path);

#endif
