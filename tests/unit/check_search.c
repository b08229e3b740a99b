/* check_search.c: the search index: CJK pairs and single characters, words,
 * no token splitting a character, shards, HTML to text, ranking, the files. */
#include "check.h"

#include <stdlib.h>

#include "search.h"
#include "utf8.h"

/* The tokens of s, each followed by '|'. */
static void collect(void *ud, const char *tok, size_t len)
{
	struct buf *b = ud;
	buf_put(b, tok, len);
	buf_putc(b, '|');
}

static const char *toks(const char *s, int query)
{
	static struct buf b;
	buf_reset(&b);
	search_tokens(s, strlen(s), query, collect, &b);
	return buf_cstr(&b);
}

/* Every token is whole UTF-8. */
static int valid = 1;
static void check_valid(void *ud, const char *tok, size_t len)
{
	(void)ud;
	if (!len || utf8_invalid_at(tok, len) != len)
		valid = 0;
}

struct files {
	struct buf names, all;
	size_t n;
};

static int keep(void *ud, const char *rel, const char *data, size_t len)
{
	struct files *f = ud;
	buf_puts(&f->names, rel);
	buf_putc(&f->names, '\n');
	buf_put(&f->all, data, len);
	f->n++;
	return 0;
}

static void add(struct search_index *ix, const char *title, const char *fields, const char *heads, const char *body)
{
	struct search_doc d = { .url = "x/", .title = title, .kind = "page", .plan = "",
	                        .fields = fields, .fields_len = strlen(fields),
	                        .headings = heads, .headings_len = strlen(heads),
	                        .body = body, .body_len = strlen(body) };
	search_index_add(ix, &d);
}

int main(void)
{
	/* CJK: each character and each overlapping pair; a query: pairs only,
	 * a lone character alone. */
	CHECK_STR(toks("党群服务", 0), "党|群|党群|服|群服|务|服务|");
	CHECK_STR(toks("党群服务", 1), "党群|群服|服务|");
	CHECK_STR(toks("党", 1), "党|");
	/* A query's run of SEARCH_COVER_RUN or more: every other pair, then
	 * the last when those left it out; the index has every pair. */
	CHECK_STR(toks("党群服务中心", 1), "党群|服务|中心|");
	CHECK_STR(toks("街道纪工委", 1), "街道|纪工|工委|");
	CHECK_STR(toks("街道纪工委，覆盖率", 1), "街道|纪工|工委|覆盖|盖率|");
	CHECK_STR(toks("a街道纪工委的", 1), "a|街道|纪工|委的|");
	CHECK_STR(toks("党，群", 1), "党|群|");
	/* Punctuation and spaces end a run: no pair across them. */
	CHECK_STR(toks("中心。街道", 1), "中心|街道|");
	CHECK_STR(toks("“两新”组织", 1), "两新|组织|");
	/* Words: lower-cased, full-width folded, numbers kept, mixed with CJK. */
	CHECK_STR(toks("Hello, World-2019", 0), "hello|world|2019|");
	CHECK_STR(toks("ＡＢＣ１２３", 1), "abc123|");
	CHECK_STR(toks("2019年度GDP", 1), "2019|年度|gdp|");
	CHECK_STR(toks("Élan café", 1), "élan|café|");
	CHECK_STR(toks("", 1), "");
	/* A word is cut at SEARCH_WORD_MAX characters, never inside one. */
	char longw[200] = "";
	for (int i = 0; i < 40; i++)
		strcat(longw, "é");
	const char *lw = toks(longw, 1);
	CHECK_INT(utf8_count(lw, strlen(lw) - 1), SEARCH_WORD_MAX);
	CHECK_INT(utf8_invalid_at(lw, strlen(lw)), strlen(lw));
	/* Characters beyond the BMP (ext. B) pair as others do, whole. */
	CHECK_STR(toks("𠀀𠀁", 0), "𠀀|𠀁|𠀀𠀁|");
	valid = 1;
	const char *mixed = "党群服务中心𠀀a1é，ＡＢ“覆盖率”100%　网格\xe2\x80\x94" "end";
	search_tokens(mixed, strlen(mixed), 0, check_valid, NULL);
	search_tokens(mixed, strlen(mixed), 1, check_valid, NULL);
	CHECK(valid);

	/* Shards: FNV-1a 32 bits, the same in search.js. */
	CHECK_INT(search_hash("", 0), 2166136261u);
	CHECK_INT(search_hash("a", 1), 0xe40c292cu);
	CHECK_INT(search_shard("a", 1, 16), 0xe40c292cu & 15);
	CHECK_INT(search_shard("党群", strlen("党群"), 1), 0);
	CHECK_INT(search_nshards(0), 1);
	CHECK_INT(search_nshards(SEARCH_SHARD_BYTES), 1);
	CHECK_INT(search_nshards(SEARCH_SHARD_BYTES + 1), 2);
	CHECK_INT(search_nshards(100 * SEARCH_SHARD_BYTES), 128);
	CHECK_INT(search_nshards((size_t)1 << 40), SEARCH_SHARDS_MAX);

	/* HTML to text: tags and entities; inline tags join, blocks separate. */
	struct buf t = BUF_INIT;
	const char *html = "<h2 id=\"x\">一、总体</h2>\n<p>党群<strong>服务</strong>中心&amp;A&#x4E2D;&#20013;</p><p>下段</p>";
	search_plain(html, strlen(html), &t);
	CHECK_STR(buf_cstr(&t), "一、总体 党群服务中心&A中中 下段 ");
	buf_free(&t);

	/* Ranking: title > task fields > headings > body, a field holding every
	 * token before partial matches; ties in the order added. */
	struct search_index *ix = search_index_new();
	add(ix, "无关", "", "", "正文提到党群服务中心");                    /* 0: body */
	add(ix, "无关", "", "党群服务中心", "");                            /* 1: heading */
	add(ix, "无关", "牵头单位：街道党群服务中心", "", "");              /* 2: fields */
	add(ix, "街道党群服务中心", "", "", "");                            /* 3: title */
	add(ix, "党群服务阵地", "", "", "中心");                            /* 4: split */
	add(ix, "又一", "", "", "党群服务中心");                            /* 5: body, after 0 */
	add(ix, "Coverage report", "", "", "the coverage rate");           /* 6 */
	CHECK_INT(search_index_pages(ix), 7);
	size_t got[8];
	size_t n = search_index_run(ix, "党群服务中心", strlen("党群服务中心"), got, 8);
	/* 4 holds the covering pairs 党群 服务 中心 in two fields (not the
	 * phrase): found, after every page with the phrase in one field. */
	CHECK_INT(n, 6);
	CHECK(n == 6 && got[0] == 3 && got[1] == 2 && got[2] == 1 && got[3] == 0 && got[4] == 5 && got[5] == 4);
	/* A lone character finds pages with it anywhere. */
	n = search_index_run(ix, "心", strlen("心"), got, 8);
	CHECK_INT(n, 7 - 1);
	n = search_index_run(ix, "COVERAGE", 8, got, 8);
	CHECK(n == 1 && got[0] == 6);
	CHECK_INT(search_index_run(ix, "覆盖率", strlen("覆盖率"), got, 8), 0);
	CHECK_INT(search_index_run(ix, "  ，", strlen("  ，"), got, 8), 0);
	/* Tokens past SEARCH_QUERY_MAX are ignored: a query of 64 covering
	 * pairs that all match, then one that matches nothing, still finds. */
	{
		struct search_index *qx = search_index_new();
		struct buf body = BUF_INIT, q = BUF_INIT;
		for (uint32_t cp = 0x4E00; cp < 0x4E00 + 2 * SEARCH_QUERY_MAX + 1; cp++) {
			char enc[4];
			buf_put(&body, enc, utf8_encode(cp, enc));
		}
		add(qx, "t", "", "", buf_cstr(&body));
		buf_put(&q, body.data, body.len);
		buf_puts(&q, "龥");   /* one more pair, 65th: on no page */
		size_t one;
		CHECK_INT(search_index_run(qx, q.data, q.len, &one, 1), 1);
		buf_truncate(&q, 0);
		buf_puts(&q, "龥");
		buf_put(&q, body.data, body.len);   /* the missing pair first: nothing */
		CHECK_INT(search_index_run(qx, q.data, q.len, &one, 1), 0);
		buf_free(&body);
		buf_free(&q);
		search_index_free(qx);
	}
	/* Postings far apart (several bytes each) keep their pages and fields:
	 * a token in the body of every 300th of 3,000 pages and in the title of
	 * the last of them; the ranking puts that one first. */
	{
		struct search_index *px = search_index_new();
		for (int i = 0; i < 3000; i++)
			add(px, i == 2700 ? "稀有标记" : "页", "", "", i % 300 == 0 ? "正文稀有标记" : "正文");
		size_t hits[16];
		CHECK_INT(search_index_run(px, "稀有标记", strlen("稀有标记"), hits, 16), 10);
		CHECK_INT(hits[0], 2700);
		int spaced = 1;
		for (int k = 1; k < 10; k++)   /* then the others in page order: 0, 300, ..., 2400 */
			spaced &= hits[k] == (size_t)((k - 1) * 300);
		CHECK(spaced);
		CHECK_INT(search_index_run(px, "正文", strlen("正文"), hits, 16), 3000);
		search_index_free(px);
	}
	/* max bounds what is written, not the count. */
	CHECK_INT(search_index_run(ix, "党群", strlen("党群"), got, 2), 6);

	/* The files: meta, every shard (empty ones too), texts by group; the
	 * same index written twice gives the same bytes. */
	struct files f1 = { BUF_INIT, BUF_INIT, 0 }, f2 = { BUF_INIT, BUF_INIT, 0 };
	struct search_stats st;
	CHECK_INT(search_index_write(ix, keep, &f1, &st), 0);
	CHECK_INT(st.shards, 1);
	CHECK_INT(f1.n, 1 + 1 + 1 + (7 + SEARCH_GROUP_MIN - 1) / SEARCH_GROUP_MIN);
	CHECK(strncmp(buf_cstr(&f1.names), "search/meta.js\nsearch/n.js\nsearch/s/0.js\nsearch/t/0.js\n", 55) == 0);
	CHECK_INT(st.bytes, f1.all.len);
	CHECK(strstr(buf_cstr(&f1.all), "\"党群\":\"") != NULL);
	CHECK(strstr(buf_cstr(&f1.all), "PP_SEARCH.meta({\"version\":2,\"pages\":7,\"shards\":1,") != NULL);
	CHECK_INT(search_index_write(ix, keep, &f2, &st), 0);
	CHECK(f1.all.len == f2.all.len && memcmp(f1.all.data, f2.all.data, f1.all.len) == 0);
	/* Writing leaves the index searchable. */
	CHECK_INT(search_index_run(ix, "党群服务中心", strlen("党群服务中心"), got, 8), 6);
	buf_free(&f1.names);
	buf_free(&f1.all);
	buf_free(&f2.names);
	buf_free(&f2.all);
	search_index_free(ix);
	search_index_free(NULL);

	/* Numbers: five bits a character, low first; the second half of the
	 * alphabet means more follow. */
	struct buf num = BUF_INIT;
	search_put_number(&num, 0);
	search_put_number(&num, 31);
	search_put_number(&num, 32);
	search_put_number(&num, 1023);
	search_put_number(&num, 0xFFFFFFFFu);
	CHECK_STR(buf_cstr(&num), "0VW1_V______3");
	buf_free(&num);

	/* A posting list: page deltas << 4 | fields, as numbers in one string. */
	ix = search_index_new();
	add(ix, "党群", "", "", "");          /* page 0, title: 8 */
	add(ix, "无关", "", "", "");
	add(ix, "无关", "", "", "党群");      /* page 2, body: 2 << 4 | 1 = 33: X1 */
	struct files fp = { BUF_INIT, BUF_INIT, 0 };
	CHECK_INT(search_index_write(ix, keep, &fp, &st), 0);
	CHECK(strstr(buf_cstr(&fp.all), "\"党群\":\"8X1\"") != NULL);
	buf_free(&fp.names);
	buf_free(&fp.all);
	search_index_free(ix);

	/* The names file: kinds and plans once, then a line a page with its
	 * kind, plan and how much of the link before it its link shares
	 * (ASCII only), and its title; a tab in a title is a space. */
	ix = search_index_new();
	const struct search_doc nd[] = {
		{ .url = "index.html", .title = "首页", .kind = "page", .plan = "", .fields = "", .headings = "", .body = "" },
		{ .url = "plans/p/tasks/1/index.html", .title = "任务\t一", .kind = "task", .plan = "计划", .fields = "",
		  .headings = "", .body = "" },
		{ .url = "plans/p/tasks/2/index.html", .title = "任务二", .kind = "task", .plan = "计划", .fields = "",
		  .headings = "", .body = "" },
		{ .url = "units/街道/index.html", .title = "街道", .kind = "unit", .plan = "", .fields = "", .headings = "",
		  .body = "" },
	};
	for (size_t i = 0; i < sizeof nd / sizeof nd[0]; i++)
		search_index_add(ix, &nd[i]);
	struct files fn = { BUF_INIT, BUF_INIT, 0 };
	CHECK_INT(search_index_write(ix, keep, &fn, &st), 0);
	CHECK(strstr(buf_cstr(&fn.all), "PP_SEARCH.names([\"page\",\"task\",\"unit\"],[\n\"\",\n\"计划\"],\n"
	                                "\"0000index.html\\t首页\\n110Aplans/p/tasks/1/\\t任务 一\\n11EB2\\t任务二\\n"
	                                "200Bunits/街道\\t街道\");\n") != NULL);
	/* Texts: one string a page, search_group pages a file. */
	CHECK(SEARCH_GROUP_MIN != 2 || strstr(buf_cstr(&fn.all), "PP_SEARCH.text(1,[\n\"\",\n\"\"]);\n") != NULL);
	CHECK_INT(search_group(0), SEARCH_GROUP_MIN);
	CHECK_INT(search_group(1013), SEARCH_GROUP_MIN);
	CHECK_INT(search_group(10103), 10);
	CHECK_INT(search_group(141763), SEARCH_GROUP_MAX);
	buf_free(&fn.names);
	buf_free(&fn.all);
	search_index_free(ix);

	/* A page's text is cut at SEARCH_TEXT_MAX bytes on a character boundary. */
	ix = search_index_new();
	char *big = malloc(3 * SEARCH_TEXT_MAX + 1);
	big[0] = 'x';
	for (size_t i = 1; i + 3 <= 3 * SEARCH_TEXT_MAX; i += 3)
		memcpy(big + i, "党", 3);
	big[1 + 3 * ((3 * SEARCH_TEXT_MAX - 1) / 3)] = '\0';
	add(ix, "t", "", "", big);
	struct files f3 = { BUF_INIT, BUF_INIT, 0 };
	CHECK_INT(search_index_write(ix, keep, &f3, &st), 0);
	const char *text = strstr(buf_cstr(&f3.all), "\"x党");
	const char *end = text ? strchr(text + 1, '"') : NULL;
	CHECK(end && (size_t)(end - text - 1) <= SEARCH_TEXT_MAX && (size_t)(end - text - 1) > SEARCH_TEXT_MAX - 3);
	CHECK(end && utf8_invalid_at(text + 1, (size_t)(end - text - 1)) == (size_t)(end - text - 1));
	buf_free(&f3.names);
	buf_free(&f3.all);
	free(big);
	search_index_free(ix);
	return CHECK_DONE("check_search");
}
