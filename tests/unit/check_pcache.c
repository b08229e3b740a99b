/* check_pcache.c: the parse cache: a page's front matter comes back as it was
 * parsed (every kind, key order, line and column, flags) when its text is the
 * same, and not when the text, the path or the program changed; a damaged
 * file is an empty cache; a tree far larger than its text is not kept. */
#include "check.h"

#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "frontmatter.h"
#include "output.h"
#include "pcache.h"
#include "schema.h"
#include "value.h"

static char root[256];
static const unsigned char prog[DIGEST_LEN] = { 'p' };

static const char *page =
	"---\n"
	"title: 第一项任务\n"
	"progress: 40\n"
	"ratio: 0.5\n"
	"done: false\n"
	"due: 2019-12-31\n"
	"nothing: ~\n"
	"units: [甲, 乙]\n"
	"milestones:\n"
	"  - {what: 完成, when: 2019-06-30T10:00:00+08:00}\n"
	"---\n"
	"正文。\n";

/* The same tree: kinds, values, order and positions. */
static int same_tree(const struct value *x, const struct value *y)
{
	if (!x || !y || x->kind != y->kind || x->pos.line != y->pos.line || x->pos.col != y->pos.col ||
	    x->flags != y->flags || value_len(x) != value_len(y))
		return 0;
	struct digest hx, hy;
	unsigned char dx[DIGEST_LEN], dy[DIGEST_LEN];
	digest_init(&hx);
	digest_init(&hy);
	value_digest(x, &hx, NULL);
	value_digest(y, &hy, NULL);
	digest_final(&hx, dx);
	digest_final(&hy, dy);
	if (memcmp(dx, dy, DIGEST_LEN) != 0)
		return 0;
	for (size_t i = 0; i < value_len(x); i++) {
		const struct value *a = x->kind == V_ARRAY ? value_at(x, i) : value_pair_val(value_pair_at(x, i));
		const struct value *b = y->kind == V_ARRAY ? value_at(y, i) : value_pair_val(value_pair_at(y, i));
		if (!same_tree(a, b))
			return 0;
	}
	return 1;
}

/* One "build": looks the page up; parses and records it on a miss. Returns
 * 1 on a hit; *meta holds the tree either way. */
static int load(struct arena *a, const unsigned char *g, const char *path, const char *src, struct value **meta)
{
	struct pcache *c = pcache_open(root, g, 1);
	struct pcache_key key;
	size_t body = 0;
	int hit = pcache_get(c, a, path, src, strlen(src), &key, meta, &body);
	if (!hit) {
		struct diags d;
		diags_init(&d);
		int ok = fm_parse(a, path, src, strlen(src), meta, &body, &d) == 0;
		CHECK(ok);
		diags_free(&d);
		if (ok)
			pcache_put(c, 0, path, &key, strlen(src), *meta, body);
	} else {
		CHECK_INT(body, strstr(src, "正文") - src);
	}
	pcache_save(c);
	pcache_free(c);
	return hit;
}

int main(void)
{
	snprintf(root, sizeof root, "%s/check_pcache.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;
	struct arena *a = arena_new();
	struct value *parsed, *cached;
	const char *path = "content/plans/x/tasks/01.md";
	CHECK_INT(load(a, prog, path, page, &parsed), 0);
	CHECK_INT(load(a, prog, path, page, &cached), 1);
	CHECK(same_tree(parsed, cached));
	CHECK_STR(value_get(cached, "title")->pos.path, path);
	/* A schema key read back is the schema's string, as fm_parse gives it. */
	int borrowed = 0;
	for (size_t i = 0; i < value_len(cached); i++)
		borrowed |= value_pair_at(cached, i)->key == schema_key_name("title", 5);
	CHECK(borrowed);
	CHECK_INT(load(a, prog, path, page, &cached), 1);   /* saved again unchanged: still there */
	/* Another text, another path, another program: parsed again. */
	char other[1024];
	snprintf(other, sizeof other, "%s", page);
	memcpy(strstr(other, "第一"), "第二", strlen("第二"));
	CHECK_INT(load(a, prog, path, other, &cached), 0);
	CHECK_INT(load(a, prog, path, page, &cached), 0);   /* the record now holds the other text */
	CHECK_INT(load(a, prog, "content/other.md", page, &cached), 0);
	static const unsigned char prog2[DIGEST_LEN] = { 'q' };
	CHECK_INT(load(a, prog2, path, page, &cached), 0);
	CHECK_INT(load(a, prog2, path, page, &cached), 1);
	/* A damaged file, cut anywhere or scrambled, is an empty cache. */
	char cpath[512];
	snprintf(cpath, sizeof cpath, "%s/%s", root, PCACHE_FILE);
	struct buf f = BUF_INIT;
	CHECK(buf_read_file(&f, cpath) == 0);
	int all_miss = 1;
	for (size_t cut = 0; cut < f.len; cut += 5) {
		CHECK(output_write_atomic(cpath, f.data, cut) == 0);
		struct pcache *c = pcache_open(root, prog2, 1);
		struct pcache_key key;
		struct value *m;
		size_t body;
		all_miss &= !pcache_get(c, a, path, page, strlen(page), &key, &m, &body);
		pcache_free(c);
	}
	CHECK(all_miss);
	for (size_t i = strlen(PCACHE_HEADER) + DIGEST_LEN + 3; i < f.len; i++)
		f.data[i] = (char)0xff;
	CHECK(output_write_atomic(cpath, f.data, f.len) == 0);
	CHECK_INT(load(a, prog2, path, page, &cached), 0);
	buf_free(&f);
	/* YAML aliases repeated: a tree far larger than its text is not kept. */
	struct buf big = BUF_INIT;
	buf_puts(&big, "---\na: &a [x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a]\n"
	               "c: &c [*b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c]\n---\n正文\n");
	CHECK_INT(load(a, prog2, "content/big.md", buf_cstr(&big), &cached), 0);
	CHECK_INT(load(a, prog2, "content/big.md", buf_cstr(&big), &cached), 0);
	buf_free(&big);
	arena_free(a);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_pcache");
}
