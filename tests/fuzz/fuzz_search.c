/* fuzz_search.c: libFuzzer target for the search index: a page's HTML to
 * text, its tokens (whole UTF-8, words within SEARCH_WORD_MAX characters),
 * and the page found by a query of its own text. */
#include "fuzz.h"

#include "buf.h"
#include "search.h"

static void check_token(void *ud, const char *tok, size_t len)
{
	(void)ud;
	if (!len || utf8_invalid_at(tok, len) != len)
		abort();   /* never a piece of a character */
	if (utf8_count(tok, len) > (SEARCH_WORD_MAX > 2 ? SEARCH_WORD_MAX : 2))
		abort();
}

static void count_token(void *ud, const char *tok, size_t len)
{
	(void)tok;
	(void)len;
	(*(size_t *)ud)++;
}

static int drop(void *ud, const char *rel, const char *data, size_t len)
{
	*(size_t *)ud += len;
	(void)rel;
	(void)data;
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	if (!fuzz_is_text(s, size))
		return -1;   /* content is checked when it is read */
	struct buf text = BUF_INIT;
	search_plain(s, size, &text);
	const char *t = text.data ? text.data : "";
	if (utf8_invalid_at(t, text.len) != text.len)
		abort();
	search_tokens(t, text.len, 0, check_token, NULL);
	search_tokens(t, text.len, 1, check_token, NULL);
	struct search_index *ix = search_index_new();
	struct search_doc d = { .url = "x/", .title = "", .kind = "page", .plan = "", .fields = "",
	                        .headings = "", .body = t, .body_len = text.len };
	search_index_add(ix, &d);
	/* A page is found by its own text, when that has tokens. */
	size_t ntok = 0, got, bytes = 0;
	search_tokens(t, text.len, 1, count_token, &ntok);
	if (search_index_run(ix, t, text.len, &got, 1) != (ntok ? 1u : 0u))
		abort();
	struct search_stats st;
	if (search_index_write(ix, drop, &bytes, &st) != 0 || st.bytes != bytes || st.shards < 1)
		abort();
	search_index_free(ix);
	buf_free(&text);
	return 0;
}
