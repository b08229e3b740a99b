/* sha1.h: SHA-1 (FIPS 180-4) over a stream of bytes, for the checksums that
 * close a git pack and its index (object ids come from libgit2's
 * git_odb_hash, which also detects collision attacks; these two checksums
 * only guard against damage). */
#ifndef PP_SHA1_H
#define PP_SHA1_H

#include <stddef.h>
#include <stdint.h>

struct sha1 {
	uint32_t h[5];
	uint64_t len;              /* bytes fed so far */
	unsigned char block[64];   /* a block being filled */
};

void sha1_init(struct sha1 *s);
void sha1_update(struct sha1 *s, const void *data, size_t n);
/* With on, the portable rounds even where the processor has the SHA
 * extensions (which are used by default): for the tests, which check that
 * both give the same digests. Not thread-safe: call before hashing. */
void sha1_use_portable(int on);
/* The 20-byte digest; s must be initialised again before reuse. */
void sha1_final(struct sha1 *s, unsigned char out[20]);

#endif
