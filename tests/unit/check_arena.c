/* check_arena.c: region allocation, the per-page reset and adopting a worker's arena. */
#include "check.h"

#include <stdint.h>

#include "arena.h"
#include "buf.h"

int main(void)
{
	struct arena *a = arena_new();
	char *p = arena_alloc(a, 100);
	CHECK(p != NULL && ((uintptr_t)p & 7) == 0);
	/* After an odd size, the next allocation is aligned still. */
	char *s = arena_strndup(a, "甲", 3);
	int64_t *n8 = arena_alloc(a, sizeof *n8);
	CHECK(s && ((uintptr_t)n8 & 7) == 0 && (char *)n8 >= s + 4 && (char *)n8 < s + 16);
	int zero = 1;
	for (int i = 0; i < 100; i++)
		zero &= p[i] == 0;
	CHECK(zero);
	CHECK_STR(arena_printf(a, "%s-%d", "任务", 7), "任务-7");
	/* Many pages' scratch: the reset keeps the blocks, so the memory is reused. */
	for (int page = 0; page < 50; page++) {
		for (int i = 0; i < 1000; i++)
			arena_alloc(a, 200);
		CHECK(arena_used(a) >= 200000);
		arena_reset(a);
		CHECK_INT(arena_used(a), 0);
	}
	char *q = arena_alloc(a, 64);
	zero = 1;
	for (int i = 0; i < 64; i++)
		zero &= q[i] == 0;
	CHECK(zero);   /* a reused block is zeroed like a new one */
	/* A big one-off block is freed by the reset, not kept. */
	arena_alloc(a, 1 << 20);
	arena_reset(a);
	CHECK_INT(arena_used(a), 0);

	/* What a worker allocated outlives it in the arena that adopts it. */
	struct arena *w = arena_new();
	char *kept = arena_strdup(w, "牵头单位");
	for (int i = 0; i < 1000; i++)
		arena_alloc(w, 300);
	arena_strdup(a, "before");
	size_t before = arena_used(a), wused = arena_used(w);
	arena_adopt(a, w);
	CHECK_INT(arena_used(a), before + wused);
	CHECK_STR(kept, "牵头单位");
	CHECK_STR(arena_strdup(a, "after"), "after");
	struct arena *empty = arena_new();
	arena_adopt(a, empty);
	struct arena *fresh = arena_new();
	struct arena *w2 = arena_new();
	arena_strdup(w2, "x");
	arena_adopt(fresh, w2);   /* into an arena with no block yet */
	CHECK_STR(arena_strdup(fresh, "y"), "y");
	arena_free(fresh);
	arena_free(a);
	arena_free(NULL);

	/* Decimal integers without printf. */
	struct buf b = BUF_INIT;
	buf_put_int(&b, 0);
	buf_putc(&b, ' ');
	buf_put_int(&b, -42);
	buf_putc(&b, ' ');
	buf_put_int(&b, INT64_MIN);
	buf_putc(&b, ' ');
	buf_put_int(&b, INT64_MAX);
	buf_putc(&b, ' ');
	buf_put_uint_padded(&b, 7, 4);
	buf_putc(&b, ' ');
	buf_put_uint_padded(&b, 12345, 2);
	CHECK_STR(buf_cstr(&b), "0 -42 -9223372036854775808 9223372036854775807 0007 12345");
	buf_free(&b);
	/* Donated: from's blocks are into's next, the same memory. */
	{
		struct arena *from = arena_new(), *into = arena_new();
		char *was = arena_alloc(from, 100);
		memset(was, 'x', 100);
		arena_donate(into, from);
		char *now = arena_alloc(into, 100);
		CHECK(now == was);
		CHECK(now[0] == 0 && now[99] == 0);   /* zeroed again */
		CHECK_INT(arena_used(into), 104);
		/* Spares not used again go back; the arena goes on. */
		arena_reset(into);
		arena_release_spare(into);
		arena_release_spare(into);
		CHECK(arena_alloc(into, 10) != NULL);
		CHECK_INT(arena_used(into), 16);
		arena_free(into);
	}
	return CHECK_DONE("check_arena");
}
