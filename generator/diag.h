/* diag.h: errors as values. Modules record diagnostics in a sink; only main
 * prints them, compiler style: path:line:col: error: message, the line, a caret. */
#ifndef PP_DIAG_H
#define PP_DIAG_H

#include <pthread.h>
#include <stddef.h>
#include <stdio.h>

#include "buf.h"

enum diag_level { DIAG_ERROR, DIAG_WARNING, DIAG_NOTE };

struct diag {
	enum diag_level level;
	char *path;   /* NULL: not about a file */
	int line;     /* 1-based; 0: the whole file */
	int col;      /* 1-based, counted in characters; 0: no column */
	char *msg;
	char *text;   /* the offending line, or NULL */
	size_t seq;   /* order of arrival, to keep a stable sort */
};

/* A sink shared by threads (adding is locked). */
struct diags {
	pthread_mutex_t mu;
	struct diag *v;
	size_t n, cap;
	size_t nerrors, nwarnings;
};

void diags_init(struct diags *d);
/* Accepts NULL. */
void diags_free(struct diags *d);

/* Records a diagnostic. path and text are copied; text (the offending line,
 * textlen bytes, may be NULL) is shown under the message with a caret at col. */
void diag_add(struct diags *d, enum diag_level level, const char *path,
              int line, int col, const char *text, size_t textlen,
              const char *fmt, ...) __attribute__((format(printf, 8, 9)));

/* Records a diagnostic about byte offset off of src (a whole file's text):
 * the line, column and offending line are worked out from src. */
void diag_at(struct diags *d, enum diag_level level, const char *path,
             const char *src, size_t len, size_t off,
             const char *fmt, ...) __attribute__((format(printf, 7, 8)));

/* Line and column (1-based; column in characters) of byte offset off. */
void diag_linecol(const char *src, size_t len, size_t off, int *line, int *col);
/* Line and column of offsets asked for in file order, each in time
 * proportional to the distance from the previous one (diag_linecol rescans
 * from the start, which is quadratic over a whole file's values). Counts as
 * diag_linecol counts. Zero-initialise, or call diag_cursor_init. */
struct diag_cursor {
	size_t off;
	int line, col;
};
void diag_cursor_init(struct diag_cursor *c);
/* The position of byte off of src; going back rescans from the start. */
void diag_cursor_at(struct diag_cursor *c, const char *src, size_t len, size_t off,
                    int *line, int *col);
/* The byte range [*start, *end) of the line'th line (1-based) of src, without
 * its line ending. Returns 0 if src has no such line. */
int diag_line_span(const char *src, size_t len, int line, size_t *start, size_t *end);

/* Gives each diagnostic about a line of a file that came without that line
 * (a hook's warning at a page's position) the line, from text_of (the whole
 * file of path and its length, or NULL when it has none), so that every
 * diagnostic shows its line and caret. */
void diags_fill_lines(struct diags *d, const char *(*text_of)(void *ctx, const char *path, size_t *len),
                      void *ctx);

/* Sorts by path, line, column, then arrival, so that parallel stages report
 * in the same order every time. */
void diags_sort(struct diags *d);
/* Prints every diagnostic; returns the number of errors. */
size_t diags_print(struct diags *d, FILE *f);
/* Formats one diagnostic as it is printed (without a trailing newline after the caret line). */
void diag_format(const struct diag *g, struct buf *out);

/* The text for an errno value, safe from any thread (strerror is not): the
 * returned string is static for known values, else "error N". */
const char *diag_errstr(int err);

#endif
