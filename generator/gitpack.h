/* gitpack.h: new git objects written as one pack and its index (pack and
 * index version 2, git's gitformat-pack(5)) instead of a file per object:
 * each object whole (no deltas), compressed by the caller on any thread;
 * both files synced, then named, so that a reference may point at them. */
#ifndef PP_GITPACK_H
#define PP_GITPACK_H

#include <stddef.h>
#include <stdint.h>

#include <git2.h>

#include "buf.h"
#include "diag.h"

/* A compressor: one per thread (it keeps zlib's state between objects). */
struct gitpack_zip;
struct gitpack_zip *gitpack_zip_new(void);
/* Accepts NULL. */
void gitpack_zip_free(struct gitpack_zip *z);
/* out = the zlib stream of data (len bytes), as a pack holds it. */
void gitpack_deflate(struct gitpack_zip *z, const void *data, size_t len, struct buf *out);

/* A big object is compressed on several threads at once: its contents cut
 * into pieces deflated apart, each primed with the 32 KiB before it (as pigz
 * does), then joined into one zlib stream. The pieces of len bytes: */
size_t gitpack_pieces(size_t len);
/* out = piece k of data (len bytes in all), as gitpack_join wants it (its
 * raw stream, then the piece's Adler-32). */
void gitpack_deflate_piece(struct gitpack_zip *z, const void *data, size_t len, size_t k, struct buf *out);
/* out = the zlib stream of data (len bytes) from its n pieces, in order. */
void gitpack_join(size_t len, const struct buf *pieces, size_t n, struct buf *out);

struct gitpack;

/* Starts a pack in gitdir's objects/pack (gitdir ends in '/'), as a temp
 * file nobody reads yet. NULL after recording why in d. */
struct gitpack *gitpack_open(const char *gitdir, struct diags *d);

/* 1 when the pack holds id already. */
int gitpack_has(const struct gitpack *p, const git_oid *id);

/* Appends the object id of type (size bytes uncompressed; z, zlen: its
 * stream from gitpack_deflate). An id the pack holds already is skipped.
 * 0, or -1 after recording the I/O error in d. */
int gitpack_add(struct gitpack *p, const git_oid *id, git_object_t type, size_t size, const void *z,
                size_t zlen, struct diags *d);

/* The CRC-32 of the pack entry gitpack_add makes of an object (type, size
 * bytes uncompressed, z its stream): computed on any thread, for
 * gitpack_add_crc. */
uint32_t gitpack_crc(git_object_t type, size_t size, const void *z, size_t zlen);
/* gitpack_add with the entry's CRC-32 from gitpack_crc. */
int gitpack_add_crc(struct gitpack *p, const git_oid *id, git_object_t type, size_t size, const void *z,
                    size_t zlen, uint32_t crc, struct diags *d);

/* The objects added. */
size_t gitpack_count(const struct gitpack *p);

/* Completes the pack: its checksum, its index, both synced and named
 * pack-<checksum>.pack and .idx (the index last: readers look for it), then
 * the folder synced. A pack of no objects is removed instead. 0, or -1 after
 * recording why in d. Call git_odb_refresh afterwards to read the objects. */
int gitpack_finish(struct gitpack *p, struct diags *d);

/* Frees p; its temp files go unless gitpack_finish named them. Accepts NULL. */
void gitpack_free(struct gitpack *p);

#endif
