/* dataspan.h: where each element of the last data files lies (each task of
 * data/tasks.json, each row of data/tasks.csv), by the digest of the value
 * it was made of, so that a data file made again copies the text of every
 * element whose value did not change instead of writing it again (one
 * bulletin changes a hundred tasks of ten thousand). The record names the
 * file's length and digest: it is used only while the output folder's file
 * is still exactly the one it describes. Kept in the site's .planpress/,
 * never in the output folder; a missing, damaged or foreign record, or a
 * file changed since, is no record (it only saves time). */
#ifndef PP_DATASPAN_H
#define PP_DATASPAN_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"
#include "digest.h"

#define DATASPAN_DIR ".planpress/data-spans"
#define DATASPAN_HEADER "planpress-data-spans 1\n"
/* A data file larger than this is not read back, but written anew: it is
 * read whole (and checked whole) while the new one is made, and past this
 * the memory that takes matters more than the time it saves (data/tasks.json
 * of 10k tasks: 27 MB; of 100k: 270 MB). */
#define DATASPAN_MAX_FILE (64u << 20)

struct dataspan;

/* The record of output file rel of output folder out_dir, made by a
 * program writing as global says (its identity, the file's format and
 * language), with the file itself when it is still the one recorded. NULL
 * when there is none to use. */
struct dataspan *dataspan_open(const char *site_dir, const char *out_dir, const char *rel,
                               const unsigned char global[DIGEST_LEN]);
/* The text of the element made of a value whose digest is key, or NULL. */
const char *dataspan_find(const struct dataspan *s, const unsigned char key[DIGEST_LEN], size_t *len);
/* Accepts NULL. */
void dataspan_free(struct dataspan *s);

/* A new record, made while the file is written: every byte of the file in
 * order (dataspan_out_bytes), and each element's key and place. */
struct dataspan_out {
	struct buf b;       /* the elements */
	size_t n;
	uint64_t len;       /* the file's bytes so far */
	struct digest whole;
	unsigned char global[DIGEST_LEN];
};
void dataspan_out_begin(struct dataspan_out *o, const unsigned char global[DIGEST_LEN]);
void dataspan_out_bytes(struct dataspan_out *o, const void *data, size_t n);
void dataspan_out_add(struct dataspan_out *o, const unsigned char key[DIGEST_LEN], uint64_t off, uint64_t len);
/* Replaces the record of rel in out_dir with o (binrec_write) and frees o.
 * Failures are silent. */
void dataspan_out_save(struct dataspan_out *o, const char *site_dir, const char *out_dir, const char *rel);
/* Frees o unsaved. */
void dataspan_out_free(struct dataspan_out *o);

#endif
