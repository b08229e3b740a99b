/* check_stamp.c: the build stamp: the inputs' record, the racy guard, the
 * output record and the save/check round trip with its diagnostics. */
#include "check.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "output.h"
#include "stamp.h"

static char root[256];

static void put(const char *rel, const char *text)
{
	char path[512];
	snprintf(path, sizeof path, "%s/%s", root, rel);
	FILE *f = fopen(path, "wb");
	CHECK(f != NULL);
	if (f) {
		fputs(text, f);
		fclose(f);
	}
}

static int record(int64_t t0, struct buf *b)
{
	char out[512];
	snprintf(out, sizeof out, "%s/public", root);
	struct stamp_key k = { .site_dir = root, .out_dir = out };
	buf_reset(b);
	return stamp_inputs(&k, t0, b);
}

int main(void)
{
	snprintf(root, sizeof root, "%s/check_stamp.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(root))
		return 2;
	char p[512];
	snprintf(p, sizeof p, "%s/content", root);
	mkdir(p, 0777);
	snprintf(p, sizeof p, "%s/public", root);
	mkdir(p, 0777);
	put("site.toml", "title = \"x\"\n");
	put("content/_index.md", "---\ntitle: 首页\n---\n");

	struct buf a = BUF_INIT, b = BUF_INIT;
	int64_t now = stamp_now_ns();
	/* Files changed just now are racy: the record is not to be trusted. */
	CHECK_INT(record(now, &a), -1);
	/* As if the build began two seconds later: trusted, and the same twice. */
	CHECK_INT(record(now + 2 * STAMP_RACY_NS, &a), 0);
	CHECK_INT(record(now + 2 * STAMP_RACY_NS, &b), 0);
	CHECK(a.len == b.len && memcmp(a.data, b.data, a.len) == 0);
	CHECK(buf_find(a.data, a.len, "content/_index.md", 17, 0) != (size_t)-1);
	/* A new file changes the record. */
	put("content/new.md", "---\ntitle: 新\n---\n");
	CHECK_INT(record(stamp_now_ns() + 2 * STAMP_RACY_NS, &b), 0);
	CHECK(!(a.len == b.len && memcmp(a.data, b.data, a.len) == 0));

	/* No manifest in the output folder: nothing to save, nothing to match. */
	struct stamp_counts c = { 3, 1, 4 }, got = { 0 };
	struct diags d, r;
	diags_init(&d);
	diags_init(&r);
	diag_add(&d, DIAG_WARNING, "content/x.md", 6, 6, "## 乙 {#same}", strlen("## 乙 {#same}"),
	         "duplicate heading id #%s", "same");
	diag_add(&d, DIAG_NOTE, NULL, 0, 0, NULL, 0, "a note");
	CHECK_INT(stamp_save(root, &b, p, &c, &d), -1);
	CHECK_INT(stamp_check(root, &b, p, &got, &r), 0);
	/* With a manifest: saved, matched, counts and diagnostics replayed. */
	char m[600];
	snprintf(m, sizeof m, "%s/%s", p, OUTPUT_MANIFEST);
	CHECK_INT(output_write_atomic(m, OUTPUT_MANIFEST_HEADER, strlen(OUTPUT_MANIFEST_HEADER)), 0);
	CHECK_INT(stamp_save(root, &b, p, &c, &d), 0);
	CHECK_INT(stamp_check(root, &b, p, &got, &r), 1);
	CHECK_INT(got.pages, 3);
	CHECK_INT(got.files, 1);
	CHECK_INT(got.outputs, 4);
	CHECK_INT(r.n, 2);
	if (r.n == 2) {
		CHECK_INT(r.v[0].level, DIAG_WARNING);
		CHECK_STR(r.v[0].path, "content/x.md");
		CHECK_INT(r.v[0].line, 6);
		CHECK_INT(r.v[0].col, 6);
		CHECK_STR(r.v[0].text, "## 乙 {#same}");
		CHECK_STR(r.v[0].msg, "duplicate heading id #same");
		CHECK(r.v[1].path == NULL && r.v[1].text == NULL);
		CHECK_STR(r.v[1].msg, "a note");
	}
	/* Other inputs, or a changed output folder: no match, nothing replayed. */
	diags_free(&r);
	diags_init(&r);
	CHECK_INT(stamp_check(root, &a, p, &got, &r), 0);
	put("public/.planpress-manifest", OUTPUT_MANIFEST_HEADER "x");
	CHECK_INT(stamp_check(root, &b, p, &got, &r), 0);
	CHECK_INT(r.n, 0);
	stamp_forget(root);
	snprintf(m, sizeof m, "%s/%s", root, STAMP_FILE);
	CHECK(access(m, F_OK) != 0);

	buf_free(&a);
	buf_free(&b);
	diags_free(&d);
	diags_free(&r);
	char cmd[700];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", root);
	if (system(cmd) != 0)
		return 2;
	return CHECK_DONE("stamp");
}
