/* pool.h: the parallel loop every build stage uses (pages are independent). */
#ifndef PP_POOL_H
#define PP_POOL_H

#include <stddef.h>

/* Calls fn(ctx, i, worker) for every i in [0, n) on up to jobs threads;
 * worker is 0..jobs-1, so fn can use per-thread state (an arena) without
 * locks. Returns when all are done. Which thread runs which i varies, so
 * results must be stored by i. */
void pool_run(size_t n, int jobs, void (*fn)(void *ctx, size_t i, int worker), void *ctx);
/* The number of online processors (at least 1). */
int pool_cpus(void);

#endif
