/* check_pool.c: every index runs exactly once, on workers numbered below jobs. */
#include "check.h"

#include <stdatomic.h>

#include "pool.h"

static atomic_int seen[1000];
static atomic_int bad_worker;

static void visit(void *ctx, size_t i, int worker)
{
	int jobs = *(int *)ctx;
	atomic_fetch_add(&seen[i], 1);
	if (worker < 0 || worker >= jobs)
		atomic_fetch_add(&bad_worker, 1);
}

int main(void)
{
	int jobs_list[] = { 1, 2, 7, 64 };
	for (size_t k = 0; k < sizeof jobs_list / sizeof jobs_list[0]; k++) {
		int jobs = jobs_list[k];
		for (size_t i = 0; i < 1000; i++)
			atomic_store(&seen[i], 0);
		pool_run(1000, jobs, visit, &jobs);
		int once = 1;
		for (size_t i = 0; i < 1000; i++)
			once &= atomic_load(&seen[i]) == 1;
		CHECK(once);
	}
	int one = 1;
	pool_run(0, 4, visit, &one);   /* nothing to do is fine */
	CHECK_INT(atomic_load(&bad_worker), 0);
	CHECK(pool_cpus() >= 1);
	return CHECK_DONE("check_pool");
}
