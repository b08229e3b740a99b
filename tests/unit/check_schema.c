/* check_schema.c: the front matter schema table, its suggestions, where a
 * key is found, what a typo is read as, cascade and page.params. */
#include "check.h"
#include "sitedir.h"

#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "content.h"
#include "diag.h"
#include "frontmatter.h"
#include "import.h"
#include "schema.h"

static struct diags D;

static const char *diag_text(size_t i)
{
	static struct buf b;
	buf_reset(&b);
	if (i < D.n)
		diag_format(&D.v[i], &b);
	return buf_cstr(&b);
}

static struct value *yaml(struct arena *a, const char *src)
{
	return fm_yaml(a, "t.md", src, strlen(src), 0, strlen(src), &D);
}

/* Every map's keys are declared once, and every child map has keys. */
static void table(void)
{
	for (size_t i = 0; i < schema_nkeys; i++) {
		const struct schema_key *k = &schema_keys[i];
		CHECK(k->name && *k->name && k->type && *k->type && k->need && *k->need && k->meaning && *k->meaning);
		CHECK(schema_find(k->map, k->name, strlen(k->name)) == k);
		if (k->child != SM_NONE) {
			int has = 0;
			for (size_t j = 0; j < schema_nkeys; j++)
				has |= schema_keys[j].map == k->child;
			CHECK(has);
		}
	}
	CHECK(schema_find(SM_TASK, "progres", 7) == NULL);
	CHECK(schema_find(SM_UPDATE, "progress", 8) != NULL);
	CHECK_STR(schema_map_name(SM_UPDATE), "an update");
	CHECK_STR(schema_map_name(SM_TARGET), "a target");
}

static void suggest(void)
{
	CHECK_STR(schema_suggest(SM_TASK, "progres"), "progress");
	CHECK_STR(schema_suggest(SM_UPDATE, "progess"), "progress");
	CHECK_STR(schema_suggest(SM_BULLETIN, "udpates"), "updates");
	CHECK_STR(schema_suggest(SM_MILESTONE, "waht"), "what");
	CHECK_STR(schema_suggest(SM_TARGET, "metirc"), "metric");
	CHECK_STR(schema_suggest(SM_TASK, "titel"), "title");   /* a page's own key, in a task */
	CHECK_STR(schema_suggest(SM_CASCADE, "tpye"), "type");
	CHECK(schema_suggest(SM_TASK, "owner") == NULL);
	CHECK(schema_suggest(SM_UPDATE, "覆盖率") == NULL);
}

static void key_pos(void)
{
	struct arena *a = arena_new();
	const char *src = "---\nupdates:\n  - {task: 5, progres: 50}\n---\n";
	struct value *v = fm_yaml(a, "t.md", src, strlen(src), 4, strlen(src) - 4, &D);
	CHECK(v != NULL);
	const struct value *u = value_at(value_get(v, "updates"), 0);
	const struct value_pair *kv = value_pair_at(u, 1);
	struct pos p = schema_key_pos(src, strlen(src), kv->key, value_pair_keylen(kv), value_pair_val(kv));
	CHECK_INT(p.line, 3);
	CHECK_INT(p.col, 15);
	/* A block value: the key is on the line before it. */
	kv = value_pair_at(v, 0);
	p = schema_key_pos(src, strlen(src), kv->key, value_pair_keylen(kv), value_pair_val(kv));
	CHECK_INT(p.line, 2);
	CHECK_INT(p.col, 1);
	/* Chinese before the key: columns count characters. */
	src = "{指标: 1, 覆盖率: 80}";
	v = yaml(a, src);
	kv = value_pair_at(v, 1);
	p = schema_key_pos(src, strlen(src), kv->key, value_pair_keylen(kv), value_pair_val(kv));
	CHECK_INT(p.col, 9);
	/* A key further back than SCHEMA_KEY_LOOKBACK: the value's own place. */
	struct buf big = BUF_INIT;
	buf_puts(&big, "updates:\n");
	for (int i = 0; i < 300; i++)
		buf_puts(&big, "# 一行很长的注释文字\n");
	buf_puts(&big, "  - {task: 5}\n");
	v = yaml(a, buf_cstr(&big));
	CHECK(v != NULL);
	kv = value_pair_at(v, 0);
	p = schema_key_pos(big.data, big.len, kv->key, value_pair_keylen(kv), value_pair_val(kv));
	CHECK_INT(p.line, 302);
	CHECK_INT(p.col, 3);
	buf_free(&big);
	arena_free(a);
}

static void mend(void)
{
	struct arena *a = arena_new();
	struct value *m = yaml(a, "{due: 2019-06-30, waht: 方案}");
	const struct value *g = schema_mend(a, SM_MILESTONE, m);
	CHECK(g != m);
	CHECK_STR(value_str(value_get(g, "what"), ""), "方案");
	/* Nothing unknown: the map itself. */
	m = yaml(a, "{due: 2019-06-30, what: 方案}");
	CHECK(schema_mend(a, SM_MILESTONE, m) == m);
	/* The meant key is there already: the typo stays a typo. */
	m = yaml(a, "{what: 甲, waht: 乙}");
	CHECK_STR(value_str(value_get(schema_mend(a, SM_MILESTONE, m), "what"), ""), "甲");
	arena_free(a);
}

static void import_id(void)
{
	struct buf b = BUF_INIT;
	const char *m = "社区党建标准化建设基本实现100%达标";
	import_target_id(m, strlen(m), NULL, 0, &b);
	CHECK_STR(buf_cstr(&b), "社区党建标准化建");
	m = "推动市、区党员领导干部每人至少联系1名党外高层次人才";
	import_target_id(m, strlen(m), NULL, 0, &b);
	CHECK_STR(buf_cstr(&b), "推动市区党员领导");
	/* Too little before the number: the start of the whole metric. */
	m = "100%村（居）建成议事厅";
	import_target_id(m, strlen(m), NULL, 0, &b);
	CHECK_STR(buf_cstr(&b), "100村居建成议");
	/* Unique in its task. */
	char id1[] = "其中至少讲", id2[] = "其中至少讲2";
	char *ids[] = { id1, id2 };
	m = "其中至少讲1次党课";
	import_target_id(m, strlen(m), ids, 2, &b);
	CHECK_STR(buf_cstr(&b), "其中至少讲3");
	import_target_id("", 0, NULL, 0, &b);
	CHECK_STR(buf_cstr(&b), "指标");
	buf_free(&b);
}

/* planpress-content(7) has one table per map, with exactly its keys. */
static void man_page(void)
{
	static const struct { enum schema_map m; const char *name; } maps[] = {
		{ SM_PAGE, "SM_PAGE" }, { SM_SECTION, "SM_SECTION" }, { SM_CASCADE, "SM_CASCADE" },
		{ SM_PLAN, "SM_PLAN" }, { SM_PLAN_SECTION, "SM_PLAN_SECTION" }, { SM_TASK, "SM_TASK" },
		{ SM_MILESTONE, "SM_MILESTONE" }, { SM_TARGET, "SM_TARGET" }, { SM_BULLETIN, "SM_BULLETIN" },
		{ SM_UPDATE, "SM_UPDATE" },
	};
	struct buf man = BUF_INIT;
	CHECK(buf_read_file(&man, "generator/planpress-content.7") == 0);
	const char *text = buf_cstr(&man);
	for (size_t i = 0; i < sizeof maps / sizeof maps[0]; i++) {
		char marker[64];
		snprintf(marker, sizeof marker, ".\\\" schema: %s ", maps[i].name);
		const char *t = strstr(text, marker);
		CHECK(t != NULL);
		if (!t)
			continue;
		const char *end = strstr(t, "\n.TE\n");
		CHECK(end != NULL);
		size_t rows = 0, keys = 0;
		for (const char *l = strstr(t, "\n_\n"); l && l < end; l = strchr(l + 1, '\n')) {
			const char *tab = strchr(l + 1, '\t');
			const char *nl = strchr(l + 1, '\n');
			if (!tab || !nl || tab > nl || l[1] == 'T')
				continue;
			rows++;
			const struct schema_key *k = schema_find(maps[i].m, l + 1, (size_t)(tab - l - 1));
			if (!k)
				fprintf(stderr, "%s: %.*s is not in the schema\n", maps[i].name, (int)(tab - l - 1), l + 1);
			CHECK(k != NULL);
		}
		for (size_t k = 0; k < schema_nkeys; k++)
			keys += schema_keys[k].map == maps[i].m;
		CHECK_INT(rows, keys);
	}
	buf_free(&man);
}

/* Through content_load: cascade, the checks, page.params. */
static void site_check(void)
{
	put("content/_index.md", "---\ntitle: 首页\n---\n");
	put("content/bulletins/_index.md", "---\ntitle: 通报\ncascade: {type: bulletin}\n---\n");
	put("content/bulletins/a.md", "---\ndate: 2019-06-30\ntitle: 甲\nudpates: []\n---\n");
	put("content/bulletins/sub/_index.md", "---\ntitle: 分栏\n---\n");
	put("content/notes/b.md", "---\ntitle: 乙\nupdates: []\nanything: 1\n---\n");
	put("content/t.md", "---\ntype: task\nnumber: 1\ntitle: 丙\nparams: {owner: 张三, title: 不用}\n---\n");
	struct arena *a = arena_new();
	struct content c;
	CHECK(content_load(a, site, 0, 1, &c, &D) < 0);
	diags_sort(&D);
	CHECK_INT(D.nerrors, 2);
	CHECK(strstr(diag_text(0), "content/bulletins/a.md:4:1: error: unknown key 'udpates' in a bulletin; "
	                           "did you mean 'updates'?") != NULL);
	CHECK(strstr(diag_text(1), "content/notes/b.md:3:1: error: 'updates' is a key of a bulletin, and this "
	                           "page is not one") != NULL);
	const struct page *p = content_page(&c, "bulletins/a.md");
	CHECK(p && strcmp(p->type, "bulletin") == 0);
	p = content_page(&c, "bulletins/sub/_index.md");
	CHECK(p && strcmp(p->type, "") == 0);   /* a section keeps its own type */
	p = content_page(&c, "t.md");
	struct value *params = schema_params(a, p);
	CHECK_STR(value_str(value_get(params, "owner"), ""), "张三");
	CHECK_STR(value_str(value_get(params, "title"), ""), "丙");   /* front matter wins */
	p = content_page(&c, "notes/b.md");
	CHECK(schema_params(a, p) == p->meta);
	arena_free(a);
}

/* schema_key_name: the table's own spelling of any map's key, else NULL. */
static void key_names(void)
{
	const char *t = schema_key_name("title", 5);
	CHECK(t != NULL && strcmp(t, "title") == 0);
	CHECK(schema_key_name("titles", 5) == t);   /* keylen bytes only */
	CHECK(schema_key_name("title", 5) == schema_key_name("title", 5));
	CHECK_STR(schema_key_name("metric", 6), "metric");   /* a target's key */
	CHECK(schema_key_name("titel", 5) == NULL);
	CHECK(schema_key_name("tit", 3) == NULL);
	CHECK(schema_key_name("", 0) == NULL);
	int all = 1;
	for (size_t i = 0; i < schema_nkeys; i++)
		all &= schema_key_name(schema_keys[i].name, strlen(schema_keys[i].name)) != NULL;
	CHECK(all);
}

int main(void)
{
	site_make("pp-schema");
	key_names();
	diags_init(&D);
	table();
	suggest();
	key_pos();
	mend();
	import_id();
	man_page();
	site_check();
	site_remove();
	diags_free(&D);
	return CHECK_DONE("check_schema");
}
