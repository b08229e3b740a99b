/* check_sheetxls.c: unit tests for sheetxls.c: the percent cells and merged
 * ranges of the LibreOffice-made tests/sheets/real/wangge-2020q1.xls (its
 * Workbook stream in regular sectors), of a compound file made here whose
 * small Workbook stream lives in the mini stream (Excel's built-in 0%, a
 * format of its own, a quoted "%" that is none; NUMBER, RK and MULRK cells;
 * formulas' results: numbers, percents, dates, text, errors, booleans; a
 * chart on the sheet and a chart sheet),
 * and hostile bytes: every prefix of the real file and bytes changed at
 * random, each read or refused, never a crash. */
#include <stdlib.h>

#include "../cfb.h"
#include "buf.h"
#include "check.h"
#include "sheetxls.h"

static void put16(unsigned char *p, uint32_t v)
{
	p[0] = (unsigned char)v;
	p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
	put16(p, v & 0xffff);
	put16(p + 2, v >> 16);
}

/* Appends a BIFF record of type t with n bytes of data. */
static void rec(struct buf *b, uint32_t t, const unsigned char *data, size_t n)
{
	unsigned char h[4];
	put16(h, t);
	put16(h + 2, (uint32_t)n);
	buf_put(b, h, 4);
	buf_put(b, data, n);
}

/* A small BIFF8 workbook: one sheet S with percent and plain number cells
 * and one merged range A3:B4. */
static void biff(struct buf *b)
{
	unsigned char bof[16] = { 0 }, x[32];
	put16(bof, 0x0600);
	put16(bof + 2, 0x0005);
	rec(b, 0x0809, bof, sizeof bof);
	static const char *const codes[] = { "0.0%", "0\"%\"" };
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(codes[i]);
		put16(x, 164 + (uint32_t)i);
		put16(x + 2, (uint32_t)n);
		x[4] = 0;
		memcpy(x + 5, codes[i], n);
		rec(b, 0x041e, x, 5 + n);
	}
	static const uint32_t fmts[] = { 0, 9, 164, 165, 14 };
	for (int i = 0; i < 5; i++) {
		memset(x, 0, 20);
		put16(x + 2, fmts[i]);
		rec(b, 0x00e0, x, 20);
	}
	size_t bs = b->len;   /* BOUNDSHEET: its offset is filled in below */
	memset(x, 0, 9);
	put16(x + 6, 1);
	x[8] = 'S';
	rec(b, 0x0085, x, 9);
	x[5] = 2;             /* a chart sheet, C: counted, read as empty */
	x[8] = 'C';
	rec(b, 0x0085, x, 9);
	rec(b, 0x000a, x, 0);
	put32((unsigned char *)b->data + bs + 4, (uint32_t)b->len);
	put16(bof + 2, 0x0010);
	rec(b, 0x0809, bof, sizeof bof);
	memset(x, 0, 14);
	put16(x + 4, 1);   /* A1: 0% */
	rec(b, 0x0203, x, 14);
	memset(x, 0, 10);
	put16(x + 2, 1);
	put16(x + 4, 2);   /* B1: 0.0% */
	rec(b, 0x027e, x, 10);
	memset(x, 0, 18);
	put16(x, 1);
	put16(x + 4, 3);   /* A2: 0"%" */
	put16(x + 10, 1);  /* B2: 0% */
	put16(x + 16, 1);
	rec(b, 0x00bd, x, 18);
	/* A chart drawn on the sheet: its substream's records are not the sheet's. */
	put16(bof + 2, 0x0020);
	rec(b, 0x0809, bof, sizeof bof);
	memset(x, 0, 14);
	put16(x, 8);
	put16(x + 4, 1);
	rec(b, 0x0203, x, 14);
	rec(b, 0x000a, x, 0);
	memset(x, 0, 10);
	put16(x, 1);
	put16(x + 2, 2);
	put16(x + 4, 3);
	put16(x + 8, 1);
	rec(b, 0x00e5, x, 10);
	/* Row 5: formulas' results: 0.25 as 0%, text (in a STRING record, in
	 * UTF-16), #DIV/0!, TRUE, a date serial, text without its STRING. */
	static const struct {
		uint32_t xf;
		unsigned char v[8];
	} f[] = {
		{ 1, { 0, 0, 0, 0, 0, 0, 0xd0, 0x3f } },               /* 0.25 */
		{ 0, { 0, 0, 0, 0, 0, 0, 0xff, 0xff } },               /* text */
		{ 0, { 2, 0, 0x07, 0, 0, 0, 0xff, 0xff } },            /* #DIV/0! */
		{ 0, { 1, 0, 1, 0, 0, 0, 0xff, 0xff } },               /* TRUE */
		{ 4, { 0, 0, 0, 0, 0x20, 0x72, 0xe5, 0x40 } },         /* 43921: 2020-03-31 */
		{ 0, { 0, 0, 0, 0, 0, 0, 0xff, 0xff } },               /* text, its STRING missing */
	};
	for (uint32_t i = 0; i < sizeof f / sizeof *f; i++) {
		memset(x, 0, 22);
		put16(x, 4);
		put16(x + 2, i);
		put16(x + 4, f[i].xf);
		memcpy(x + 6, f[i].v, 8);
		rec(b, 0x0006, x, 22);
		if (i == 1) {
			static const unsigned char str[] = { 3, 0, 1, 0xf2, 0x5d, 0x8c, 0x5b, 0x10, 0x62 };   /* 已完成 */
			rec(b, 0x0207, str, sizeof str);
		}
	}
	rec(b, 0x000a, x, 0);
}

/* A compound file of 512-byte sectors: FAT, directory, mini FAT, then the
 * mini stream holding the workbook wb. */
static void cfb(const struct buf *wb, struct buf *out)
{
	size_t nmini = (wb->len + 63) / 64, msecs = (nmini * 64 + 511) / 512;
	size_t total = 512 * (4 + msecs);
	unsigned char *f = calloc(1, total);
	cfb_header(f, 2, 1);   /* the mini FAT at sector 2 */
	unsigned char *fat = f + 512, *dir = f + 1024, *mfat = f + 1536, *mini = f + 2048;
	for (int i = 0; i < 128; i++)
		put32(fat + 4 * i, 0xffffffff);
	put32(fat, 0xfffffffd);
	put32(fat + 4, 0xfffffffe);
	put32(fat + 8, 0xfffffffe);
	for (size_t i = 0; i < msecs; i++)
		put32(fat + 4 * (3 + i), i + 1 < msecs ? (uint32_t)(4 + i) : 0xfffffffe);
	static const char root[] = "Root Entry", book[] = "Workbook";
	for (size_t i = 0; i < sizeof root - 1; i++)
		dir[2 * i] = (unsigned char)root[i];
	put16(dir + 0x40, 22);
	dir[0x42] = 5;
	put32(dir + 0x74, 3);
	put32(dir + 0x78, (uint32_t)(nmini * 64));
	for (size_t i = 0; i < sizeof book - 1; i++)
		dir[128 + 2 * i] = (unsigned char)book[i];
	put16(dir + 128 + 0x40, 18);
	dir[128 + 0x42] = 2;
	put32(dir + 128 + 0x74, 0);
	put32(dir + 128 + 0x78, (uint32_t)wb->len);
	for (int i = 0; i < 128; i++)
		put32(mfat + 4 * i, (size_t)i + 1 < nmini ? (uint32_t)(i + 1) : (size_t)i + 1 == nmini ? 0xfffffffe : 0xffffffff);
	memcpy(mini, wb->data, wb->len);
	buf_put(out, f, total);
	free(f);
}

static int has_merge(const struct sheetxls_sheet *s, uint32_t r0, uint32_t c0, uint32_t r1, uint32_t c1)
{
	for (size_t i = 0; i < s->nmerges; i++)
		if (s->merges[i].r0 == r0 && s->merges[i].c0 == c0 && s->merges[i].r1 == r1 && s->merges[i].c1 == c1)
			return 1;
	return 0;
}

static void test_real(struct buf *file)
{
	struct sheetxls x;
	const char *why = NULL;
	if (buf_read_file(file, "tests/sheets/real/wangge-2020q1.xls") < 0) {
		CHECK(!"tests/sheets/real/wangge-2020q1.xls is readable (run from the repository)");
		return;
	}
	CHECK_INT(sheetxls_read((const unsigned char *)file->data, file->len, &x, &why), 0);
	CHECK_INT(x.n, 3);   /* 一季度进展, 说明 and the hidden 下拉选项 */
	if (x.n != 3)
		return;
	const struct sheetxls_sheet *s = &x.v[0];
	CHECK(has_merge(s, 1, 1, 1, 9));    /* the title */
	CHECK(has_merge(s, 2, 1, 2, 4));    /* 填报单位 */
	CHECK(has_merge(s, 4, 3, 5, 3));    /* a lead unit over two tasks */
	CHECK(has_merge(s, 10, 1, 10, 9));  /* the footer */
	CHECK_INT(s->nmerges, 4);
	CHECK(sheetxls_is_percent(s, 5, 5));    /* 45% */
	CHECK(!sheetxls_is_percent(s, 6, 5));   /* 65.0 */
	CHECK(!sheetxls_is_percent(s, 4, 1));   /* 1 */
	CHECK_INT(s->npct, 1);
	CHECK(s->nformulas == 1 && s->formulas[0].row == 7 && s->formulas[0].col == 5 &&
	      s->formulas[0].kind == SHEETXLS_NUM && s->formulas[0].num == 100);   /* ROUND(62/62*100,1) */
	CHECK_INT(x.v[1].nmerges + x.v[1].npct + x.v[2].nmerges + x.v[2].npct, 0);
	sheetxls_free(&x);
	sheetxls_free(&x);   /* twice is harmless */
}

static void test_mini(void)
{
	struct buf wb = BUF_INIT, f = BUF_INIT;
	struct sheetxls x;
	const char *why = NULL;
	biff(&wb);
	cfb(&wb, &f);
	CHECK(wb.len < 4096);
	CHECK_INT(sheetxls_read((const unsigned char *)f.data, f.len, &x, &why), 0);
	CHECK_INT(x.n, 2);
	CHECK(x.n == 2 && x.v[1].npct + x.v[1].nmerges + x.v[1].nformulas == 0);
	if (x.n >= 1) {
		CHECK(!sheetxls_is_percent(&x.v[0], 9, 1));   /* the chart's, not the sheet's */
		CHECK(sheetxls_is_percent(&x.v[0], 1, 1));    /* built-in 0% */
		CHECK(sheetxls_is_percent(&x.v[0], 1, 2));    /* 0.0% of its own */
		CHECK(!sheetxls_is_percent(&x.v[0], 2, 1));   /* 0"%": a quoted % */
		CHECK(sheetxls_is_percent(&x.v[0], 2, 2));    /* in a MULRK */
		CHECK(!sheetxls_is_percent(&x.v[0], 3, 3));
		CHECK(x.v[0].nmerges == 1 && has_merge(&x.v[0], 3, 1, 4, 2));
		const struct sheetxls_value *v = x.v[0].formulas;
		CHECK_INT(x.v[0].nformulas, 5);   /* the text without its STRING is none */
		if (x.v[0].nformulas == 5) {
			CHECK(v[0].row == 5 && v[0].col == 1 && v[0].kind == SHEETXLS_PERCENT && v[0].num == 0.25);
			CHECK(v[1].kind == SHEETXLS_TEXT && v[1].col == 2);
			CHECK_STR(v[1].text, "已完成");
			CHECK(v[2].kind == SHEETXLS_ERROR);
			CHECK_STR(v[2].text, "#DIV/0!");
			CHECK(v[3].kind == SHEETXLS_BOOL && v[3].num == 1);
			CHECK(v[4].kind == SHEETXLS_DATE && v[4].num == 43921 && v[4].col == 5);
		}
	}
	sheetxls_free(&x);
	/* The mini FAT's chain looping on itself is refused. */
	put32((unsigned char *)f.data + 1536, 0);
	CHECK_INT(sheetxls_read((const unsigned char *)f.data, f.len, &x, &why), -1);
	CHECK(why && strstr(why, "mini stream"));
	CHECK_INT(x.n, 0);
	buf_free(&wb);
	buf_free(&f);
}

static void test_hostile(const struct buf *file)
{
	struct sheetxls x;
	const char *why = NULL;
	CHECK_INT(sheetxls_read((const unsigned char *)"PK\3\4", 4, &x, &why), -1);
	CHECK(why && strstr(why, "not an OLE"));
	/* Every prefix: read (the stream ends before the cut) or refused. */
	int refused = 0, bad = 0;
	for (size_t n = 0; n <= file->len; n++) {
		why = NULL;
		int rc = sheetxls_read((const unsigned char *)file->data, n, &x, &why);
		refused += rc < 0;
		bad += rc < 0 ? !why || x.n : !!why;
		sheetxls_free(&x);
	}
	CHECK(refused > 0);
	CHECK_INT(bad, 0);
	/* Bytes changed at random (a fixed sequence): never a crash; under
	 * ASan (make test-san) never a read outside the file. */
	unsigned char *m = malloc(file->len ? file->len : 1);
	uint32_t seed = 14;
	for (int round = 0; round < 3000 && file->len; round++) {
		memcpy(m, file->data, file->len);
		for (int k = 0; k < 1 + round % 4; k++) {
			seed = seed * 1103515245u + 12345u;
			size_t at = (seed >> 8) % file->len;
			seed = seed * 1103515245u + 12345u;
			m[at] = (unsigned char)(seed >> 16);
		}
		int rc = sheetxls_read(m, file->len, &x, &why);
		bad += rc == 0 && why;
		sheetxls_free(&x);
	}
	CHECK_INT(bad, 0);
	free(m);
}

int main(void)
{
	struct buf file = BUF_INIT;
	test_real(&file);
	test_mini();
	test_hostile(&file);
	buf_free(&file);
	return CHECK_DONE("check_sheetxls");
}
