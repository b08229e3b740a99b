/* dataspan.c: the data files' element records, one file per output folder and data file, checked against the file before use. */
#include "dataspan.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "binrec.h"
#include "xalloc.h"

struct span {
	const unsigned char *key;
	uint64_t off, len;
};

struct dataspan {
	struct buf rec, file;
	struct span *v;
	size_t n;
	struct binrec_index by_key;
};

/* site_dir/DATASPAN_DIR/<out_dir's digest>-<rel's name> into path. */
static void record_path(struct buf *path, const char *site_dir, const char *out_dir, const char *rel)
{
	struct digest h;
	unsigned char d[DIGEST_LEN];
	digest_init(&h);
	digest_feed(&h, out_dir, strlen(out_dir));
	digest_final(&h, d);
	const char *name = strrchr(rel, '/');
	buf_printf(path, "%s/%s/", site_dir, DATASPAN_DIR);
	for (int i = 0; i < 8; i++)
		buf_printf(path, "%02x", d[i]);
	buf_printf(path, "-%s", name ? name + 1 : rel);
}

static int same_key(const void *ud, size_t i, const char *key, size_t len)
{
	const struct dataspan *s = ud;
	return len == DIGEST_LEN && memcmp(s->v[i].key, key, DIGEST_LEN) == 0;
}

/* Reads the record and checks the file against it: 0, or -1. */
static int parse(struct dataspan *s, const unsigned char global[DIGEST_LEN], const char *out_dir,
                 const char *file_path)
{
	size_t hl = strlen(DATASPAN_HEADER);
	if (s->rec.len < hl + DIGEST_LEN || memcmp(s->rec.data, DATASPAN_HEADER, hl) != 0 ||
	    memcmp(s->rec.data + hl, global, DIGEST_LEN) != 0)
		return -1;
	struct binrec_rd r = binrec_rd(s->rec.data + hl + DIGEST_LEN, s->rec.len - hl - DIGEST_LEN);
	size_t ol;
	const char *od = binrec_str(&r, &ol);
	if (r.bad || ol != strlen(out_dir) || memcmp(od, out_dir, ol) != 0)
		return -1;   /* another folder's of the same digest */
	uint64_t flen = binrec_var(&r);
	const unsigned char *fdig = binrec_bytes(&r, DIGEST_LEN);
	uint64_t n = binrec_var(&r);
	if (r.bad || flen > DATASPAN_MAX_FILE || n > (uint64_t)(r.end - r.p) / DIGEST_LEN)
		return -1;
	/* The file as recorded, byte for byte. */
	if (buf_read_file_max(&s->file, file_path, DATASPAN_MAX_FILE) < 0 || s->file.len != flen)
		return -1;
	struct digest h;
	unsigned char d[DIGEST_LEN];
	digest_init(&h);
	digest_feed(&h, s->file.data ? s->file.data : "", s->file.len);
	digest_final(&h, d);
	if (memcmp(d, fdig, DIGEST_LEN) != 0)
		return -1;
	s->n = (size_t)n;
	s->v = xcalloc(s->n + 1, sizeof *s->v);
	binrec_index_init(&s->by_key, s->n);
	for (size_t i = 0; i < s->n; i++) {
		const unsigned char *key = binrec_bytes(&r, DIGEST_LEN);
		uint64_t off = binrec_var(&r), len = binrec_var(&r);
		if (r.bad || off > flen || len > flen - off)
			return -1;
		s->v[i] = (struct span){ key, off, len };
		/* The same value twice makes the same text: the first serves. */
		if (!binrec_index_find(&s->by_key, (const char *)key, DIGEST_LEN, same_key, s))
			binrec_index_add(&s->by_key, (const char *)key, DIGEST_LEN, i);
	}
	return r.p == r.end ? 0 : -1;
}

struct dataspan *dataspan_open(const char *site_dir, const char *out_dir, const char *rel,
                               const unsigned char global[DIGEST_LEN])
{
	struct dataspan *s = xcalloc(1, sizeof *s);
	struct buf path = BUF_INIT, file = BUF_INIT;
	record_path(&path, site_dir, out_dir, rel);
	buf_printf(&file, "%s/%s", out_dir, rel);
	int ok = buf_read_file_max(&s->rec, buf_cstr(&path), DATASPAN_MAX_FILE) == 0 && parse(s, global, out_dir, buf_cstr(&file)) == 0;
	buf_free(&path);
	buf_free(&file);
	if (!ok) {
		dataspan_free(s);
		return NULL;
	}
	return s;
}

const char *dataspan_find(const struct dataspan *s, const unsigned char key[DIGEST_LEN], size_t *len)
{
	size_t at = s && s->n ? binrec_index_find(&s->by_key, (const char *)key, DIGEST_LEN, same_key, s) : 0;
	if (!at)
		return NULL;
	*len = (size_t)s->v[at - 1].len;
	return s->file.data + s->v[at - 1].off;
}

void dataspan_free(struct dataspan *s)
{
	if (!s)
		return;
	free(s->v);
	binrec_index_free(&s->by_key);
	buf_free(&s->rec);
	buf_free(&s->file);
	free(s);
}

void dataspan_out_begin(struct dataspan_out *o, const unsigned char global[DIGEST_LEN])
{
	memset(o, 0, sizeof *o);
	memcpy(o->global, global, DIGEST_LEN);
	digest_init(&o->whole);
}

void dataspan_out_bytes(struct dataspan_out *o, const void *data, size_t n)
{
	digest_feed(&o->whole, data, n);
	o->len += n;
}

void dataspan_out_add(struct dataspan_out *o, const unsigned char key[DIGEST_LEN], uint64_t off, uint64_t len)
{
	buf_put(&o->b, key, DIGEST_LEN);
	binrec_put_var(&o->b, off);
	binrec_put_var(&o->b, len);
	o->n++;
}

void dataspan_out_save(struct dataspan_out *o, const char *site_dir, const char *out_dir, const char *rel)
{
	struct buf f = BUF_INIT, path = BUF_INIT;
	unsigned char d[DIGEST_LEN];
	digest_final(&o->whole, d);
	buf_puts(&f, DATASPAN_HEADER);
	buf_put(&f, o->global, DIGEST_LEN);
	binrec_put_str(&f, out_dir, strlen(out_dir));
	binrec_put_var(&f, o->len);
	buf_put(&f, d, DIGEST_LEN);
	binrec_put_var(&f, o->n);
	buf_put(&f, o->b.data ? o->b.data : "", o->b.len);
	record_path(&path, site_dir, out_dir, rel);
	(void)binrec_write(buf_cstr(&path), &f);
	/* The records of output folders that are gone go (serve's private ones). */
	struct buf dir = BUF_INIT;
	buf_printf(&dir, "%s/%s", site_dir, DATASPAN_DIR);
	binrec_forget_gone(buf_cstr(&dir), buf_cstr(&path), DATASPAN_HEADER, DIGEST_LEN);
	buf_free(&dir);
	buf_free(&path);
	buf_free(&f);
	dataspan_out_free(o);
}

void dataspan_out_free(struct dataspan_out *o)
{
	buf_free(&o->b);
	o->n = 0;
}
