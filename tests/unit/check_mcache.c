/* check_mcache.c: the Markdown cache: a page's HTML, summary and headings come
 * back as converted when its text is the same and every link resolves as it
 * did; a link that now leads elsewhere or fails, another text, another
 * program or a damaged file make it convert again. */
#include "check.h"

#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "mcache.h"
#include "output.h"

static char root[256];
static const unsigned char prog[DIGEST_LEN] = { 'm' };
static const char *target = "../about/";   /* what the resolver writes now */
static int fails;                          /* the resolver fails now */
static int calls;

static int resolve(void *ud, const char *dest, size_t len, size_t off, struct buf *out)
{
	(void)ud;
	(void)dest;
	(void)len;
	(void)off;
	calls++;
	if (fails)
		return -1;
	buf_puts(out, target);
	return 0;
}

static const char *src = "---\ntitle: x\n---\n见[关于](about.md)。\n\n## 标题\n";

/* One conversion: a hit, or a "conversion" recorded with one traced link. */
static int convert(struct arena *a, const unsigned char *g, const char *text, struct markdown_result *res)
{
	struct mcache *c = mcache_open(root, g, 1);
	unsigned char key[DIGEST_LEN];
	int hit = mcache_get(c, a, "content/x.md", text, strlen(text), resolve, NULL, key, res);
	if (!hit) {
		struct mcache_trace t = { BUF_INIT, 0 };
		struct buf out = BUF_INIT;
		int rc = resolve(NULL, "about.md", 8, 30, &out);
		mcache_link(&t, "about.md", 8, 30, rc, &out);
		static struct markdown_heading toc[] = { { 2, "标题", "标题" } };
		struct markdown_result m = { .html = "<p>见<a href=\"../about/\">关于</a>。</p>\n", .summary = "见关于。",
		                             .summary_cut = 1, .toc = toc, .ntoc = 1 };
		m.html_len = strlen(m.html);
		m.summary_len = strlen(m.summary);
		mcache_put(c, 0, "content/x.md", key, &m, &t);
		*res = m;
		buf_free(&out);
		buf_free(&t.links);
	} else {
		/* The result points into the cache: copy what the checks read. */
		static char html[256], summary[64], id[64];
		snprintf(html, sizeof html, "%s", res->html);
		snprintf(summary, sizeof summary, "%s", res->summary);
		snprintf(id, sizeof id, "%s", res->ntoc ? res->toc[0].id : "");
		res->html = html;
		res->summary = summary;
	}
	mcache_save(c);
	mcache_free(c);
	return hit;
}

int main(void)
{
	snprintf(root, sizeof root, "%s/check_mcache.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;
	struct arena *a = arena_new();
	struct markdown_result r;
	CHECK_INT(convert(a, prog, src, &r), 0);
	calls = 0;
	CHECK_INT(convert(a, prog, src, &r), 1);
	CHECK_INT(calls, 1);   /* its one link was looked up again */
	CHECK_STR(r.html, "<p>见<a href=\"../about/\">关于</a>。</p>\n");
	CHECK_STR(r.summary, "见关于。");
	CHECK_INT(r.summary_cut, 1);
	CHECK_INT(r.ntoc, 1);
	CHECK_INT(r.toc[0].level, 2);
	/* The page it links to moved: converted again. */
	target = "../guanyu/";
	CHECK_INT(convert(a, prog, src, &r), 0);
	CHECK_INT(convert(a, prog, src, &r), 1);
	/* The link now fails: converted again (and the conversion reports it). */
	fails = 1;
	CHECK_INT(convert(a, prog, src, &r), 0);
	fails = 0;
	CHECK_INT(convert(a, prog, src, &r), 0);   /* what was recorded failed; now it resolves */
	CHECK_INT(convert(a, prog, src, &r), 1);
	/* Another text, another program. */
	CHECK_INT(convert(a, prog, "---\ntitle: y\n---\n见[关于](about.md)。\n", &r), 0);
	static const unsigned char prog2[DIGEST_LEN] = { 'n' };
	CHECK_INT(convert(a, prog2, src, &r), 0);
	CHECK_INT(convert(a, prog2, src, &r), 1);
	/* A damaged file: cut anywhere, it is an empty cache. */
	char cpath[512];
	snprintf(cpath, sizeof cpath, "%s/%s", root, MCACHE_FILE);
	struct buf f = BUF_INIT;
	CHECK(buf_read_file(&f, cpath) == 0);
	int all_miss = 1;
	for (size_t cut = 0; cut < f.len; cut += 3) {
		CHECK(output_write_atomic(cpath, f.data, cut) == 0);
		struct mcache *c = mcache_open(root, prog2, 1);
		unsigned char key[DIGEST_LEN];
		all_miss &= !mcache_get(c, a, "content/x.md", src, strlen(src), resolve, NULL, key, &r);
		mcache_free(c);
	}
	CHECK(all_miss);
	buf_free(&f);
	arena_free(a);
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_mcache");
}
