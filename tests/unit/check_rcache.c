/* check_rcache.c: the render cache: a file made of the same page data and the
 * same site keys is reused; a change to the page, to a site key it read, to
 * the output file, to the templates or the output folder is not; keys it did
 * not read change nothing; a damaged cache file is an empty cache. */
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "digest.h"
#include "json.h"
#include "output.h"
#include "rcache.h"
#include "value.h"

static char root[256], out[300];
static const unsigned char global[DIGEST_LEN] = { 'g' };

static struct value *J(struct arena *a, const char *json)
{
	struct diags d;
	diags_init(&d);
	struct value *v = json_parse(a, "t.json", json, strlen(json), &d);
	diags_free(&d);
	return v;
}

static void write_out(const char *dir, const char *rel, const char *text)
{
	char path[600];
	snprintf(path, sizeof path, "%s/%s", dir, rel);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

/* The cache file of output folder dir: named by the digest of its name. */
static void cache_of(const char *dir, char *path, size_t n)
{
	struct digest h;
	unsigned char d[DIGEST_LEN];
	digest_init(&h);
	digest_feed(&h, dir, strlen(dir));
	digest_final(&h, d);
	int k = snprintf(path, n, "%s/%s/", root, RCACHE_DIR);
	for (int i = 0; i < 8 && k > 0 && (size_t)k + 3 < n; i++)
		k += snprintf(path + k, n - (size_t)k, "%02x", d[i]);
}

/* Out of the racy window, so that the status alone vouches for the file. */
static void settle(void)
{
	struct timespec ts = { 0, 50 * 1000 * 1000 };
	nanosleep(&ts, NULL);
}

/* One build of page "p.html": probes with the context {site, i18n, page},
 * renders (reads the site keys named in reads, comma-separated) when it
 * must, writes the file and saves. Returns why it was rendered or not. */
static enum rcache_why build(const char *site_json, const char *page_json, const char *reads,
                             const char *outdir, const unsigned char *g)
{
	struct arena *a = arena_new();
	struct value *site = J(a, site_json), *i18n = J(a, "{\"x\": \"y\"}");
	struct value *ctx = value_table(a, (struct pos){ 0 });
	value_setc(a, ctx, "site", site);
	value_setc(a, ctx, "i18n", i18n);
	value_setc(a, ctx, "page", J(a, page_json));
	struct rcache *c = rcache_open(root, outdir, g, site, i18n, NULL, NULL, 0, 1);
	struct rcache_page pg;
	enum rcache_why why = rcache_probe(c, 0, &pg, "p.html", "page", ctx);
	if (why != RCACHE_REUSED) {
		for (const char *r = reads; *r;) {
			const char *e = strchr(r, ',');
			size_t n = e ? (size_t)(e - r) : strlen(r);
			pg.trace.read(pg.trace.ud, r, n);
			r += n + (e != NULL);
		}
		rcache_put(&pg);
		write_out(outdir, "p.html", page_json);
		settle();
	}
	rcache_save(c);
	rcache_free(c);
	arena_free(a);
	return why;
}

int main(void)
{
	snprintf(root, sizeof root, "%s/check_rcache.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 1;
	snprintf(out, sizeof out, "%s/public", root);
	mkdir(out, 0755);
	const char *site = "{\"title\": \"T\", \"plans\": [1, 2]}";
	const char *page = "{\"title\": \"P\"}";

	CHECK_INT(build(site, page, "title", out, global), RCACHE_NEW);
	CHECK_INT(build(site, page, "title", out, global), RCACHE_REUSED);
	CHECK_INT(build(site, page, "title", out, global), RCACHE_REUSED);
	/* A site key it did not read changes nothing; one it read does. */
	CHECK_INT(build("{\"title\": \"T\", \"plans\": [1, 2, 3]}", page, "title", out, global), RCACHE_REUSED);
	CHECK_INT(build("{\"title\": \"T2\", \"plans\": [1, 2, 3]}", page, "title", out, global), RCACHE_SITE);
	CHECK_INT(build("{\"title\": \"T2\", \"plans\": [1, 2, 3]}", page, "title", out, global), RCACHE_REUSED);
	/* A key it looked up and did not find: its appearing counts. */
	CHECK_INT(build(site, page, "title,extra", out, global), RCACHE_SITE);
	CHECK_INT(build(site, page, "title,extra", out, global), RCACHE_REUSED);
	CHECK_INT(build("{\"title\": \"T\", \"plans\": [1, 2], \"extra\": 1}", page, "title,extra", out, global),
	          RCACHE_SITE);
	/* Its own data. */
	CHECK_INT(build(site, "{\"title\": \"P2\"}", "title", out, global), RCACHE_PAGE);
	CHECK_INT(build(site, "{\"title\": \"P2\"}", "title", out, global), RCACHE_REUSED);
	/* The output file changed (even to the same size), or gone. */
	write_out(out, "p.html", "{\"title\": \"PX\"}");
	settle();
	CHECK_INT(build(site, "{\"title\": \"P2\"}", "title", out, global), RCACHE_OUTPUT);
	char path[600];
	snprintf(path, sizeof path, "%s/p.html", out);
	unlink(path);
	CHECK_INT(build(site, "{\"title\": \"P2\"}", "title", out, global), RCACHE_OUTPUT);
	CHECK_INT(build(site, "{\"title\": \"P2\"}", "title", out, global), RCACHE_REUSED);
	/* A racy record (the file written a moment before the save): its bytes
	 * vouch for it. */
	{
		struct arena *a = arena_new();
		struct value *s = J(a, site), *i18n = J(a, "{\"x\": \"y\"}");
		struct value *ctx = value_table(a, (struct pos){ 0 });
		value_setc(a, ctx, "site", s);
		value_setc(a, ctx, "i18n", i18n);
		value_setc(a, ctx, "page", J(a, "{\"title\": \"R\"}"));
		struct rcache *c = rcache_open(root, out, global, s, i18n, NULL, NULL, 0, 1);
		struct rcache_page pg;
		CHECK_INT(rcache_probe(c, 0, &pg, "p.html", "page", ctx), RCACHE_PAGE);
		rcache_put(&pg);
		write_out(out, "p.html", "{\"title\": \"R\"}");
		rcache_save(c);   /* no settling: racy */
		rcache_free(c);
		arena_free(a);
	}
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out, global), RCACHE_REUSED);
	/* Other templates (the global digest), another output folder. */
	static const unsigned char other[DIGEST_LEN] = { 'h' };
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out, other), RCACHE_NEW);
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out, other), RCACHE_REUSED);
	char out2[320];
	snprintf(out2, sizeof out2, "%s/public2", root);
	mkdir(out2, 0755);
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out2, other), RCACHE_NEW);
	/* Each output folder keeps its own: building into one leaves the other's. */
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out, other), RCACHE_REUSED);
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out2, other), RCACHE_REUSED);
	/* A folder that is gone loses its cache at the next save. */
	char c2[600];
	cache_of(out2, c2, sizeof c2);
	CHECK(access(c2, F_OK) == 0);
	char cmd2[700];
	snprintf(cmd2, sizeof cmd2, "rm -rf '%s'", out2);
	CHECK(system(cmd2) == 0);
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out, other), RCACHE_REUSED);
	CHECK(access(c2, F_OK) != 0);
	/* A damaged cache file (cut short, then garbage) is an empty cache. */
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out, other), RCACHE_REUSED);
	/* The cache of public/. */
	char cpath[600];
	cache_of(out, cpath, sizeof cpath);
	struct buf f = BUF_INIT;
	CHECK(buf_read_file(&f, cpath) == 0);
	for (size_t cut = 0; cut < f.len; cut += 7) {
		CHECK(output_write_atomic(cpath, f.data, cut) == 0);
		struct arena *a = arena_new();
		struct value *s = J(a, site);
		struct rcache *c = rcache_open(root, out, other, s, NULL, NULL, NULL, 0, 1);
		struct rcache_page pg;
		CHECK_INT(rcache_probe(c, 0, &pg, "p.html", "page", s), RCACHE_NEW);
		rcache_free(c);
		arena_free(a);
	}
	for (size_t i = 40; i < f.len; i++)
		f.data[i] = (char)(f.data[i] * 31 + 7);
	CHECK(output_write_atomic(cpath, f.data, f.len) == 0);
	CHECK(build(site, "{\"title\": \"R\"}", "title", out, other) != RCACHE_REUSED);
	buf_free(&f);
	/* A function in the context: never cached. */
	{
		struct arena *a = arena_new();
		struct value *s = J(a, site);
		struct value *ctx = value_table(a, (struct pos){ 0 });
		value_setc(a, ctx, "f", value_new(a, V_FUNC, (struct pos){ 0 }));
		struct rcache *c = rcache_open(root, out, other, s, NULL, NULL, NULL, 0, 1);
		struct rcache_page pg;
		CHECK_INT(rcache_probe(c, 0, &pg, "p.html", "page", ctx), RCACHE_UNCACHED);
		size_t n[RCACHE_NWHY];
		rcache_counts(c, n);
		CHECK_INT(n[RCACHE_UNCACHED], 1);
		rcache_free(c);
		arena_free(a);
	}
	/* What changed in the site data since the last build, by key. */
	CHECK_INT(build(site, "{\"title\": \"R\"}", "title", out, other), RCACHE_REUSED);
	{
		struct arena *a = arena_new();
		struct value *s = J(a, "{\"title\": \"T\", \"plans\": [1], \"new\": 1}");
		struct rcache *c = rcache_open(root, out, other, s, NULL, NULL, NULL, 0, 1);
		struct buf ch = BUF_INIT;
		rcache_changed_keys(c, &ch);
		CHECK_STR(buf_cstr(&ch), "new, plans");
		buf_free(&ch);
		rcache_free(c);
		arena_free(a);
	}
	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_rcache");
}
