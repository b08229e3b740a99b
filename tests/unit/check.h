/* check.h: the few macros every unit test uses (blogc's check_<module>.c style).
 * Each test program ends with CHECK_DONE(), which prints "NAME: N passed, N failed". */
#ifndef PP_CHECK_H
#define PP_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_pass, check_fail;

#define CHECK(cond) do { \
	if (cond) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: check failed: %s\n", __FILE__, __LINE__, #cond); } \
} while (0)

#define CHECK_STR(got, want) do { \
	const char *g_ = (got), *w_ = (want); \
	if (g_ && w_ && strcmp(g_, w_) == 0) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: check failed: %s\n  got:  [%s]\n  want: [%s]\n", \
	                             __FILE__, __LINE__, #got, g_ ? g_ : "(null)", w_ ? w_ : "(null)"); } \
} while (0)

#define CHECK_INT(got, want) do { \
	long long g_ = (long long)(got), w_ = (long long)(want); \
	if (g_ == w_) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: check failed: %s\n  got:  %lld\n  want: %lld\n", \
	                             __FILE__, __LINE__, #got, g_, w_); } \
} while (0)

#define CHECK_DONE(name) \
	(printf("%s: %d passed, %d failed\n", (name), check_pass, check_fail), check_fail ? 1 : 0)

#endif
