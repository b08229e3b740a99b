/* arena.c: region allocation in chained blocks. */
#include "arena.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "xalloc.h"

/* Large enough that a typical page's data fits in a few blocks. */
#define ARENA_BLOCK (64 * 1024)
/* Every allocation's alignment: 8, what a pointer, an int64_t or a double
 * needs (nothing in an arena is a SIMD type or a long double). Most of a
 * site's allocations are short strings and 24- or 48-byte values, and 16
 * cost a cold 10k-page build 6 MB in padding. */
#define ARENA_ALIGN 8

struct block {
	struct block *next;
	size_t used, cap;
	_Alignas(ARENA_ALIGN) unsigned char data[];
};

struct arena {
	struct block *head;
	struct block *spare;   /* standard blocks kept by arena_reset */
	size_t total;
};

struct arena *arena_new(void)
{
	return xcalloc(1, sizeof(struct arena));
}

/* Uninitialised: for callers that fill every byte (copies). */
static void *alloc_raw(struct arena *a, size_t n)
{
	n = (n + ARENA_ALIGN - 1) & ~(size_t)(ARENA_ALIGN - 1);
	if (n == 0)
		n = ARENA_ALIGN;
	struct block *b = a->head;
	if (!b || b->cap - b->used < n) {
		size_t cap = n > ARENA_BLOCK / 4 ? n : ARENA_BLOCK;
		struct block *nb;
		if (cap == ARENA_BLOCK && a->spare) {
			nb = a->spare;
			a->spare = nb->next;
		} else {
			nb = xmalloc(sizeof(struct block) + cap);
		}
		nb->used = 0;
		nb->cap = cap;
		if (b && cap != ARENA_BLOCK) {
			/* A big one-off block goes behind the current one so the
			 * current block's free space is not wasted. */
			nb->next = b->next;
			b->next = nb;
		} else {
			nb->next = b;
			a->head = nb;
		}
		b = nb;
	}
	void *p = b->data + b->used;
	b->used += n;
	a->total += n;
	return p;
}

void *arena_alloc(struct arena *a, size_t n)
{
	void *p = alloc_raw(a, n);
	memset(p, 0, n);
	return p;
}

void *arena_realloc(struct arena *a, void *old, size_t oldn, size_t newn)
{
	size_t keep = old && oldn ? (oldn < newn ? oldn : newn) : 0;
	unsigned char *p = alloc_raw(a, newn);
	if (keep)
		memcpy(p, old, keep);
	memset(p + keep, 0, newn - keep);
	return p;
}

char *arena_strndup(struct arena *a, const char *s, size_t n)
{
	char *p = alloc_raw(a, n + 1);
	if (n)
		memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *arena_strdup(struct arena *a, const char *s)
{
	return arena_strndup(a, s, strlen(s));
}

char *arena_printf(struct arena *a, const char *fmt, ...)
{
	va_list ap, cp;
	va_start(ap, fmt);
	va_copy(cp, ap);
	int n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		n = 0;
	char *p = arena_alloc(a, (size_t)n + 1);
	vsnprintf(p, (size_t)n + 1, fmt, ap);
	va_end(ap);
	return p;
}

void arena_reset(struct arena *a)
{
	struct block *b = a->head;
	while (b) {
		struct block *next = b->next;
		if (b->cap == ARENA_BLOCK) {
			b->next = a->spare;
			a->spare = b;
		} else {
			free(b);
		}
		b = next;
	}
	a->head = NULL;
	a->total = 0;
}

void arena_adopt(struct arena *into, struct arena *from)
{
	/* from's blocks go behind into's current block, whose free space stays in use. */
	struct block *last = from->head;
	if (last) {
		while (last->next)
			last = last->next;
		if (into->head) {
			last->next = into->head->next;
			into->head->next = from->head;
		} else {
			into->head = from->head;
		}
	}
	into->total += from->total;
	from->head = NULL;
	arena_free(from);
}

void arena_donate(struct arena *into, struct arena *from)
{
	arena_reset(from);
	if (from->spare) {
		struct block *last = from->spare;
		while (last->next)
			last = last->next;
		last->next = into->spare;
		into->spare = from->spare;
		from->spare = NULL;
	}
	arena_free(from);
}

void arena_release_spare(struct arena *a)
{
	struct block *b = a->spare;
	while (b) {
		struct block *next = b->next;
		free(b);
		b = next;
	}
	a->spare = NULL;
}

size_t arena_used(const struct arena *a)
{
	return a->total;
}

void arena_free(struct arena *a)
{
	if (!a)
		return;
	for (int list = 0; list < 2; list++) {
		struct block *b = list ? a->spare : a->head;
		while (b) {
			struct block *next = b->next;
			free(b);
			b = next;
		}
	}
	free(a);
}
