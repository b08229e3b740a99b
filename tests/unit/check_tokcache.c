/* check_tokcache.c: the search index's token cache written and read back, and every damaged file an empty cache. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "sitedir.h"
#include "tokcache.h"

static const unsigned char global[DIGEST_LEN] = "program-digest!";

static void key_of(int k, unsigned char key[DIGEST_LEN])
{
	memset(key, 0, DIGEST_LEN);
	key[0] = (unsigned char)k;
	key[15] = 0x5a;
}

/* Writes a cache of three tokens and two documents. */
static void write_good(void)
{
	struct tokcache_out o;
	unsigned char key[DIGEST_LEN];
	tokcache_out_begin(&o, site, global, 3);
	tokcache_out_tok(&o, "党建", strlen("党建"));
	tokcache_out_tok(&o, "plan", 4);
	tokcache_out_tok(&o, "覆", strlen("覆"));
	tokcache_out_docs(&o, 2);
	const uint32_t a[] = { 0 << 4 | 8, 2 << 4 | 5 }, b[] = { 1 << 4 | 1, 2 << 4 | 15 };
	key_of(1, key);
	tokcache_out_doc(&o, key, a, 2);
	key_of(2, key);
	tokcache_out_doc(&o, key, b, 2);
	tokcache_out_save(&o);
}

/* The document of key k's pairs as "id:bits ..." (or "none"). */
static const char *pairs_of(const struct tokcache *c, int k, struct buf *out)
{
	unsigned char key[DIGEST_LEN];
	struct tokcache_it it;
	uint32_t p;
	key_of(k, key);
	buf_reset(out);
	if (!tokcache_find(c, key, &it))
		return "none";
	while (tokcache_next(&it, &p))
		buf_printf(out, "%u:%u ", p >> 4, p & 15);
	return buf_cstr(out);
}

/* The cache file's bytes changed by fn, then opened: must be empty. */
static int opens_empty(void (*fn)(struct buf *), struct buf *scratch)
{
	struct buf f = BUF_INIT;
	char path[600];
	snprintf(path, sizeof path, "%s/%s", site, TOKCACHE_FILE);
	write_good();
	if (buf_read_file(&f, path) < 0)
		return 0;
	fn(&f);
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return 0;
	fwrite(f.data, 1, f.len, fp);
	fclose(fp);
	buf_free(&f);
	struct tokcache *c = tokcache_open(site, global);
	int empty = tokcache_ntoks(c) == 0 && strcmp(pairs_of(c, 1, scratch), "none") == 0;
	tokcache_free(c);
	return empty;
}

static void cut_short(struct buf *f) { f->len -= 3; }
static void other_header(struct buf *f) { f->data[0] = 'Q'; }
static void other_program(struct buf *f) { f->data[strlen(TOKCACHE_HEADER)] ^= 1; }
static void trailing(struct buf *f) { buf_putc(f, 0); }
/* The last document's first pair names token 3 of 3. */
static void unknown_token(struct buf *f) { f->data[f->len - 2] = (char)(3 << 4 | 1); }
/* ... names token 2 before token 1 of a document whose next is 2. */
static void out_of_order(struct buf *f) { f->data[f->len - 2] = (char)(2 << 4 | 1); }
/* ... with no field. */
static void no_field(struct buf *f) { f->data[f->len - 2] = (char)(1 << 4); }

int main(void)
{
	site_make("pp-tokcache");
	struct buf b = BUF_INIT;

	/* No file: empty. */
	struct tokcache *c = tokcache_open(site, global);
	CHECK_INT(tokcache_ntoks(c), 0);
	CHECK_STR(pairs_of(c, 1, &b), "none");
	tokcache_free(c);

	/* Written and read back. */
	write_good();
	c = tokcache_open(site, global);
	CHECK_INT(tokcache_ntoks(c), 3);
	size_t len;
	const char *t = tokcache_tok(c, 0, &len);
	CHECK(len == strlen("党建") && memcmp(t, "党建", len) == 0);
	t = tokcache_tok(c, 1, &len);
	CHECK(len == 4 && memcmp(t, "plan", 4) == 0);
	CHECK_STR(pairs_of(c, 1, &b), "0:8 2:5 ");
	CHECK_STR(pairs_of(c, 2, &b), "1:1 2:15 ");
	CHECK_STR(pairs_of(c, 3, &b), "none");
	tokcache_free(c);

	/* Another program's cache: empty. */
	unsigned char other[DIGEST_LEN];
	memcpy(other, global, DIGEST_LEN);
	other[3] ^= 1;
	c = tokcache_open(site, other);
	CHECK_INT(tokcache_ntoks(c), 0);
	tokcache_free(c);

	/* Damaged files: empty, never a document read in part. */
	CHECK(opens_empty(cut_short, &b));
	CHECK(opens_empty(other_header, &b));
	CHECK(opens_empty(other_program, &b));
	CHECK(opens_empty(trailing, &b));
	CHECK(opens_empty(unknown_token, &b));
	CHECK(opens_empty(out_of_order, &b));
	CHECK(opens_empty(no_field, &b));

	buf_free(&b);
	site_remove();
	return CHECK_DONE("check_tokcache");
}
