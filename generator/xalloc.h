/* xalloc.h: allocation that never returns NULL; out-of-memory is fatal here and only here. */
#ifndef PP_XALLOC_H
#define PP_XALLOC_H

#include <stddef.h>

/* Each returns memory the caller owns and frees with free(). */
void *xmalloc(size_t n);
void *xcalloc(size_t n, size_t size);
void *xrealloc(void *p, size_t n);
/* A NUL-terminated copy of the n bytes at s. */
char *xstrndup(const char *s, size_t n);
char *xstrdup(const char *s);
/* Exits as out of memory: for libraries that allocate themselves (zlib). */
void xalloc_oom(size_t n) __attribute__((noreturn));

#endif
