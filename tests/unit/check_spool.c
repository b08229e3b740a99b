/* check_spool.c: texts put in a spool come back as they were, from any
 * thread once sealed, across the buffer's runs; a read before the seal or
 * past the end fails and is remembered; a folder that cannot hold a spool
 * gives none. A Markdown result kept in a spool shows the same HTML, its
 * summary and headings outliving the arena it was rendered in. */
#include "check.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "markdown.h"
#include "spool.h"

static char root[256];

struct reader {
	struct spool *s;
	const uint64_t *at;
	const size_t *len;
	size_t n;
	int bad;
};

/* Text i of the test: its length and bytes vary, some span a run. */
static void text_of(size_t i, struct buf *out)
{
	buf_reset(out);
	size_t n = i % 7 == 0 ? SPOOL_BUFFER / 3 + i : i * 13 % 500;
	for (size_t k = 0; k < n; k++)
		buf_putc(out, (char)('a' + (i + k) % 26));
	if (i % 5 == 0)
		buf_puts(out, "中文");
}

static void *read_all(void *ud)
{
	struct reader *r = ud;
	struct arena *a = arena_new();
	struct buf want = BUF_INIT, tmp = BUF_INIT;
	for (size_t i = r->n; i-- > 0;) {
		text_of(i, &want);
		const char *got = spool_read(r->s, r->at[i], r->len[i], a);
		const char *got2 = spool_read_buf(r->s, r->at[i], r->len[i], &tmp);
		if (!got || !got2 || memcmp(got, want.data ? want.data : "", want.len) != 0 || got[want.len] ||
		    memcmp(got2, got, want.len + 1) != 0)
			r->bad++;
	}
	buf_free(&want);
	buf_free(&tmp);
	arena_free(a);
	return NULL;
}

static void test_spool(void)
{
	struct spool *s = spool_new(root);
	CHECK(s != NULL);
	if (!s)
		return;
	enum { N = 200 };
	uint64_t at[N];
	size_t len[N];
	struct buf t = BUF_INIT;
	for (size_t i = 0; i < N; i++) {
		text_of(i, &t);
		len[i] = t.len;
		at[i] = spool_put(s, t.data ? t.data : "", t.len);
	}
	CHECK(!spool_failed(s));
	struct arena *a = arena_new();
	/* The last texts wait in the buffer: not readable before the seal. */
	CHECK(spool_read(s, at[N - 1], len[N - 1], a) == NULL);
	CHECK(spool_failed(s));
	CHECK_INT(spool_seal(s), 0);
	struct reader r[3];
	pthread_t th[3];
	for (int k = 0; k < 3; k++) {
		r[k] = (struct reader){ s, at, len, N, 0 };
		pthread_create(&th[k], NULL, read_all, &r[k]);
	}
	for (int k = 0; k < 3; k++) {
		pthread_join(th[k], NULL);
		CHECK_INT(r[k].bad, 0);
	}
	/* Past the end: no text, noted. */
	CHECK(spool_read(s, at[N - 1], len[N - 1] + 1, a) == NULL);
	CHECK(spool_read(s, UINT64_MAX - 1, 4, a) == NULL);
	const char *empty = spool_read(s, at[3], 0, a);
	CHECK(empty && !*empty);
	arena_free(a);
	buf_free(&t);
	spool_free(s);
	spool_free(NULL);

	/* A folder under a file cannot be made: no spool. */
	char path[400];
	snprintf(path, sizeof path, "%s/file", root);
	FILE *f = fopen(path, "w");
	if (f)
		fclose(f);
	snprintf(path, sizeof path, "%s/file/sub", root);
	CHECK(spool_new(path) == NULL);
}

static void test_markdown_keep(void)
{
	struct spool *s = spool_new(root);
	CHECK(s != NULL);
	if (!s)
		return;
	const char *src = "# 标题\n\n第一段，**重点**。\n\n## 第二节\n\n正文。\n";
	struct markdown_opts o = { .engine = MARKDOWN_MD4C, .summary_chars = 100 };
	struct diags d;
	diags_init(&d);
	struct arena *scratch = arena_new(), *keep = arena_new(), *a = arena_new();
	struct markdown_result want, got;
	markdown_render(&o, a, "p.md", src, strlen(src), 0, &want, &d);
	markdown_render(&o, scratch, "p.md", src, strlen(src), 0, &got, &d);
	markdown_keep(&got, keep, s);
	arena_free(scratch);   /* nothing of it is used now */
	CHECK(got.html == NULL && got.html_spool == s);
	CHECK_INT(spool_seal(s), 0);
	size_t len;
	struct buf tmp = BUF_INIT;
	CHECK_STR(markdown_html(&got, a, &len), want.html);
	CHECK_INT(len, want.html_len);
	CHECK_STR(markdown_html_buf(&got, &tmp, &len), want.html);
	CHECK_STR(got.summary, want.summary);
	CHECK_INT(got.ntoc, 2);
	CHECK(got.ntoc == 2 && strcmp(got.toc[1].id, want.toc[1].id) == 0 && strcmp(got.toc[1].text, "第二节") == 0);
	/* Kept without a spool: in the arena. */
	struct markdown_result mem;
	scratch = arena_new();
	markdown_render(&o, scratch, "p.md", src, strlen(src), 0, &mem, &d);
	markdown_keep(&mem, keep, NULL);
	arena_free(scratch);
	CHECK_STR(markdown_html(&mem, a, &len), want.html);
	/* A page without HTML shows none. */
	struct markdown_result none = { 0 };
	CHECK_STR(markdown_html(&none, a, &len), "");
	CHECK_INT(len, 0);
	CHECK_INT(d.nerrors, 0);
	buf_free(&tmp);
	diags_free(&d);
	arena_free(keep);
	arena_free(a);
	spool_free(s);
}

int main(void)
{
	snprintf(root, sizeof root, "%s/check_spool.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;
	test_spool();
	test_markdown_keep();
	char cmd[400];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 1;
	return CHECK_DONE("check_spool");
}
