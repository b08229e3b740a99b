/* check_buf.c: the one file reader (size cap, non-regular files), the one HTML escaper, and buffer basics. */
#include "check.h"

#include <errno.h>
#include <stdlib.h>
#include <unistd.h>

#include "buf.h"

int main(void)
{
	char dir[256], path[512];
	snprintf(dir, sizeof dir, "%s/pp-buf-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	snprintf(path, sizeof path, "%s/a.md", dir);
	FILE *f = fopen(path, "wb");
	for (int i = 0; i < 10000; i++)
		fputs("任务一：完成。\n", f);   /* 22 bytes a line: 220,000 bytes */
	fclose(f);

	struct buf b = BUF_INIT;
	CHECK_INT(buf_read_file_max(&b, path, 1 << 20), 0);
	CHECK_INT(b.len, 220000);
	CHECK(b.data[b.len] == '\0');
	CHECK(memcmp(b.data, "任务一：完成。\n", 22) == 0);
	/* Appends to what the buffer holds. */
	buf_reset(&b);
	buf_puts(&b, "x");
	CHECK_INT(buf_read_file(&b, path), 0);
	CHECK_INT(b.len, 220001);
	/* Over the cap: EFBIG, a named limit for the caller to report. */
	buf_reset(&b);
	errno = 0;
	CHECK(buf_read_file_max(&b, path, 1000) < 0 && errno == EFBIG);
	/* Not there; a folder: the errno says why. */
	buf_reset(&b);
	snprintf(path, sizeof path, "%s/missing.md", dir);
	CHECK(buf_read_file(&b, path) < 0 && errno == ENOENT);
	CHECK(buf_read_file(&b, dir) < 0 && errno == EISDIR);
	/* A file that is not regular is read in chunks, capped the same. */
	buf_reset(&b);
	CHECK_INT(buf_read_file_max(&b, "/dev/null", 10), 0);
	CHECK_INT(b.len, 0);
	buf_reset(&b);
	CHECK(buf_read_file_max(&b, "/dev/zero", 100000) < 0 && errno == EFBIG);

	/* The escaper: templates escape the apostrophe, CommonMark's renderer does not. */
	buf_reset(&b);
	buf_put_html(&b, "<a href=\"x\">'牵头' & 配合</a>", strlen("<a href=\"x\">'牵头' & 配合</a>"));
	CHECK_STR(buf_cstr(&b), "&lt;a href=&quot;x&quot;&gt;&#39;牵头&#39; &amp; 配合&lt;/a&gt;");
	buf_reset(&b);
	buf_put_escaped(&b, "'a' < \"b\"", 9, 0);
	CHECK_STR(buf_cstr(&b), "'a' &lt; &quot;b&quot;");
	buf_reset(&b);
	buf_put_escaped(&b, "plain 文本", strlen("plain 文本"), BUF_ESC_APOS);
	CHECK_STR(buf_cstr(&b), "plain 文本");
	buf_reset(&b);
	buf_put_escaped(&b, "a\0<", 3, 0);   /* length-carrying: a NUL is kept */
	CHECK(b.len == 6 && memcmp(b.data, "a\0&lt;", 6) == 0);
	buf_free(&b);

	char cmd[600];
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_buf");
}
