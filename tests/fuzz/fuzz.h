/* fuzz.h: what every libFuzzer target shares: the input as planpress holds a
 * file (len bytes and a NUL, then a page no one may read), the content-file
 * checks (valid UTF-8, no NUL), and checks on diagnostics. */
#ifndef PP_FUZZ_H
#define PP_FUZZ_H

#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "utf8.h"

/* Inputs past this size teach a fuzzer nothing a smaller one would not, and
 * quadratic-but-bounded paths (textdiff, positions) would only slow it. */
#define FUZZ_MAX_INPUT (64u * 1024)

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* The input copied so that its NUL is the last readable byte: a PROT_NONE
 * page follows it. md4c, cmark, libyaml and Lua are system libraries that
 * AddressSanitizer does not instrument; the guard page makes a read past the
 * end fault in them too (md4c 0.4.8 reads one byte past its input for
 * "[a](/u" at the end: MD4C_NUL in generator/markdown.c). The copy is valid
 * until the next call; size is at most FUZZ_MAX_INPUT. */
static inline char *fuzz_text(const uint8_t *data, size_t size)
{
	static char *region;
	static size_t room;
	if (!region) {
		size_t pg = (size_t)sysconf(_SC_PAGESIZE);
		room = (FUZZ_MAX_INPUT + 1 + pg - 1) / pg * pg;
		region = mmap(NULL, room + pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (region == MAP_FAILED || mprotect(region + room, pg, PROT_NONE) != 0)
			abort();
	}
	if (size > FUZZ_MAX_INPUT)
		abort();
	char *s = region + room - (size + 1);
	if (size)
		memcpy(s, data, size);
	s[size] = '\0';
	return s;
}

/* 1 when s could be the text of a content file: valid UTF-8 and no NUL
 * (content_read_text refuses anything else before a parser sees it). */
static inline int fuzz_is_text(const char *s, size_t n)
{
	return utf8_invalid_at(s, n) == n && !memchr(s, '\0', n);
}

/* Splits data at the first NUL: [0, *n1) and the rest after it (for targets
 * that take two inputs). Returns 0 when there is no NUL. */
static inline int fuzz_split(const char *s, size_t n, size_t *n1)
{
	const char *z = memchr(s, '\0', n);
	if (!z)
		return 0;
	*n1 = (size_t)(z - s);
	return 1;
}

/* Every diagnostic must name a position inside the input it came from
 * (line 0 means the whole file); a parser that reports a line past the end
 * has lost track of where it is. Lines are counted generously: LF, CR, and
 * the NEL, LS and PS that YAML 1.1 also breaks at. */
static inline void fuzz_check_diags(const struct diags *d, const char *s, size_t n)
{
	int lines = 1;
	for (size_t i = 0; i < n; i++)
		lines += s[i] == '\n' || s[i] == '\r' ||
		         (i + 1 < n && (unsigned char)s[i] == 0xC2 && (unsigned char)s[i + 1] == 0x85) ||
		         (i + 2 < n && (unsigned char)s[i] == 0xE2 && (unsigned char)s[i + 1] == 0x80 &&
		          ((unsigned char)s[i + 2] == 0xA8 || (unsigned char)s[i + 2] == 0xA9));
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line < 0 || d->v[i].line > lines + 1 || d->v[i].col < 0)
			abort();
}

/* 1 when s holds a character libyaml refuses to read raw (C1 controls other
 * than NEL, U+FFFE, U+FFFF) or reads as a line break (NEL, LS, PS):
 * import_yaml_string writes them unescaped, a known bug (tests/fuzz/known/
 * yaml-c1.md), skipped unless built with -DFUZZ_KNOWN_BUGS. */
static inline int fuzz_yaml_known_bad(const char *s, size_t n)
{
#ifdef FUZZ_KNOWN_BUGS
	return 0;
#else
	for (size_t i = 0; i < n;) {
		size_t k;
		uint32_t cp = utf8_decode(s + i, n - i, &k);
		if ((cp >= 0x80 && cp <= 0x9F) || cp == 0xFFFE || cp == 0xFFFF || cp == 0x2028 ||
		    cp == 0x2029)
			return 1;
		i += k;
	}
	return 0;
#endif
}

#endif
