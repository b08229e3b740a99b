/* output.h: writing a built site into its folder: atomic writes (temp file
 * and rename), unchanged files left alone, and files an earlier build wrote
 * but this one does not removed, by a manifest; nothing else is touched. */
#ifndef PP_OUTPUT_H
#define PP_OUTPUT_H

#include <stddef.h>

#include "diag.h"

/* One output file: either data (len bytes) or a file to copy (copy_from). */
struct out_file {
	const char *rel;         /* path inside the output folder */
	const char *data;
	size_t len;
	const char *copy_from;   /* a path on disk, or NULL */
};

struct output_stats {
	size_t written, unchanged, removed;
};

#define OUTPUT_MANIFEST ".planpress-manifest"

/* Writes files (n of them; rel paths unique) into dir with up to jobs
 * threads. Returns 0, or -1 after recording I/O errors in d. */
int output_commit(const char *dir, const struct out_file *files, size_t n, int jobs,
                  struct output_stats *st, struct diags *d);

/* Writes data to path atomically (temp file in the same folder, then rename).
 * Returns 0 or -1 with errno set. */
int output_write_atomic(const char *path, const char *data, size_t len);

#endif
