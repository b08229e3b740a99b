/* spool.h: texts made once and read back later, kept out of memory in the
 * meantime: appended to an unnamed temp file through a buffer, read back
 * with pread. The pages' HTML waits here between the Markdown stage and
 * the templates that show it (100 MB at 100,000 pages, held through the
 * model and the progress rules otherwise). One spool per thread appends;
 * once sealed, any thread reads. */
#ifndef PP_SPOOL_H
#define PP_SPOOL_H

#include <stddef.h>
#include <stdint.h>

#include "arena.h"
#include "buf.h"

/* Bytes a spool gathers before it writes them (one write a run). */
#define SPOOL_BUFFER (256 * 1024)

struct spool;

/* A spool whose temp file is made in folder (made when missing), or NULL
 * when none can be: the caller keeps its texts in memory. */
struct spool *spool_new(const char *folder);
/* Appends len bytes of data; returns where they are, for spool_read. A
 * spool whose file failed keeps appending nothing: spool_seal says so. */
uint64_t spool_put(struct spool *s, const char *data, size_t len);
/* Writes what waits in the buffer: after the last put, before any read.
 * Returns 0, or -1 with errno set when anything put was not written. */
int spool_seal(struct spool *s);
/* The len bytes at at, read into arena a (or into out, replacing what it
 * holds), NUL-terminated; NULL when the file cannot be read (spool_failed
 * says so afterwards). Thread-safe once sealed. */
const char *spool_read(struct spool *s, uint64_t at, size_t len, struct arena *a);
const char *spool_read_buf(struct spool *s, uint64_t at, size_t len, struct buf *out);
/* Whether a read failed (its text was shown as empty). */
int spool_failed(const struct spool *s);
/* Closes the file (the kernel removes it); accepts NULL. */
void spool_free(struct spool *s);

#endif
