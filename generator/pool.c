/* pool.c: a work-sharing parallel for over pthreads. */
#include "pool.h"

#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <unistd.h>

#include "xalloc.h"

struct run {
	size_t n;
	atomic_size_t next;
	void (*fn)(void *ctx, size_t i, int worker);
	void *ctx;
};

struct worker_arg {
	struct run *r;
	int id;
};

static void *work(void *arg)
{
	struct worker_arg *w = arg;
	for (;;) {
		size_t i = atomic_fetch_add(&w->r->next, 1);
		if (i >= w->r->n)
			break;
		w->r->fn(w->r->ctx, i, w->id);
	}
	return NULL;
}

int pool_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);
	return n < 1 ? 1 : (int)n;
}

void pool_run(size_t n, int jobs, void (*fn)(void *ctx, size_t i, int worker), void *ctx)
{
	struct run r = { .n = n, .fn = fn, .ctx = ctx };
	if (jobs < 1)
		jobs = 1;
	if ((size_t)jobs > n)
		jobs = n ? (int)n : 1;
	pthread_t *th = xmalloc((size_t)jobs * sizeof *th);
	struct worker_arg *args = xmalloc((size_t)jobs * sizeof *args);
	int started = 0;
	for (int i = 0; i < jobs; i++) {
		args[i].r = &r;
		args[i].id = i;
	}
	for (int i = 1; i < jobs; i++) {
		if (pthread_create(&th[i], NULL, work, &args[i]) != 0)
			break;
		started = i;
	}
	work(&args[0]);
	for (int i = 1; i <= started; i++)
		pthread_join(th[i], NULL);
	free(th);
	free(args);
}
