/* arena.h: a region allocator; one per build (or per render thread) owns
 * everything allocated while loading, and is freed once (md4c's MD_CTX). */
#ifndef PP_ARENA_H
#define PP_ARENA_H

#include <stddef.h>

struct arena;

/* Not thread-safe: give each thread its own arena. */
struct arena *arena_new(void);
/* Zeroed memory, 8-byte aligned (any scalar or pointer planpress stores), owned
 * by the arena. Never NULL. */
void *arena_alloc(struct arena *a, size_t n);
/* Grows an arena block: a new block with the old contents (the old one stays
 * allocated until arena_free). For vectors that double in size. */
void *arena_realloc(struct arena *a, void *old, size_t oldn, size_t newn);
/* A NUL-terminated copy of n bytes, owned by the arena. */
char *arena_strndup(struct arena *a, const char *s, size_t n);
char *arena_strdup(struct arena *a, const char *s);
char *arena_printf(struct arena *a, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
/* Forgets everything allocated, keeping the standard-size blocks for reuse
 * (a per-page scratch arena: memory already touched, no new page faults).
 * Every pointer the arena handed out is invalid afterwards. */
void arena_reset(struct arena *a);
/* Makes into the owner of everything from handed out (for worker arenas
 * whose results outlive the workers), and frees from itself. */
void arena_adopt(struct arena *into, struct arena *from);
/* Frees from, everything it handed out invalid, but gives its standard
 * blocks to into, whose next blocks they are: memory in use already, where
 * freeing it would leave it to a thread's heap that the next allocations
 * do not come from (the pages' texts, gone before the progress rules). */
void arena_donate(struct arena *into, struct arena *from);
/* Frees the standard blocks a kept for reuse (arena_reset, arena_donate)
 * and has not used again. */
void arena_release_spare(struct arena *a);
/* Bytes handed out so far (for tests and memory budgets). */
size_t arena_used(const struct arena *a);
/* Frees every block; accepts NULL. */
void arena_free(struct arena *a);

#endif
