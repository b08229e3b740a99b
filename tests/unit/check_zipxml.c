/* check_zipxml.c: an Office archive's parts read with a cap (a part that
 * inflates past it is refused, whatever size the archive states), a
 * missing part told apart from an error, and parts parsed safely: a DTD
 * refused (in UTF-8 or UTF-16), bad XML reported with its line. */
#include "check.h"

#include <stdlib.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "mkdoc.h"
#include "zipxml.h"

/* The last diagnostic's message, or "". */
static const char *last(const struct diags *d)
{
	return d->n ? d->v[d->n - 1].msg : "";
}

int main(void)
{
	char dir[256];
	snprintf(dir, sizeof dir, "%s/check_zipxml.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	if (!mkdtemp(dir))
		return 1;
	char path[512];
	snprintf(path, sizeof path, "%s/t.xlsx", dir);
	struct buf big = BUF_INIT;
	for (int i = 0; i < 5000; i++)
		buf_puts(&big, "<r>任务</r>");
	const char *names[] = { "xl/a.xml", "xl/big.xml", "xl/empty.xml" };
	const char *datas[] = { "<a>党群服务中心</a>", buf_cstr(&big), "" };
	CHECK_INT(mkdoc_zip(path, names, datas, NULL, 3), 0);

	struct diags d;
	diags_init(&d);
	int err = 0;
	zip_t *z = zip_open(path, ZIP_RDONLY, &err);
	CHECK(z != NULL);
	struct buf b = BUF_INIT;
	CHECK_INT(zipxml_read_part(z, path, "xl/a.xml", 1 << 20, &b, &d), 1);
	CHECK_STR(buf_cstr(&b), "<a>党群服务中心</a>");
	buf_reset(&b);
	CHECK_INT(zipxml_read_part(z, path, "xl/missing.xml", 1 << 20, &b, &d), 0);
	CHECK_INT(d.n, 0);
	CHECK_INT(zipxml_read_part(z, path, "xl/empty.xml", 1 << 20, &b, &d), 1);
	CHECK_INT(b.len, 0);
	/* Over the cap: refused, named. */
	CHECK_INT(zipxml_read_part(z, path, "xl/big.xml", 1000, &b, &d), -1);
	CHECK(strstr(last(&d), "xl/big.xml inflates to more than 1000 bytes") != NULL);
	zip_close(z);

	/* Parsing: well-formed, a DTD, UTF-16 with a DTD, bad XML, the size cap. */
	const char *ok = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<a><b>覆盖率</b></a>";
	xmlDoc *doc = zipxml_parse(path, "xl/a.xml", ok, strlen(ok), 1 << 20, &d);
	CHECK(doc != NULL);
	if (doc)
		CHECK_STR((const char *)xmlDocGetRootElement(doc)->name, "a");
	xmlFreeDoc(doc);
	size_t before = d.n;
	const char *dtd = "<?xml version=\"1.0\"?>\n<!DOCTYPE a [<!ENTITY x \"xxxxxxxx\">]>\n<a>&x;</a>";
	CHECK(zipxml_parse(path, "xl/a.xml", dtd, strlen(dtd), 1 << 20, &d) == NULL);
	CHECK_INT(d.n, before + 1);
	CHECK(strstr(last(&d), "holds a DTD") != NULL);
	/* The same in UTF-16 (the byte scan cannot see it; the parser's tree does). */
	const char *u8 = "<?xml version=\"1.0\" encoding=\"UTF-16\"?><!DOCTYPE a><a/>";
	struct buf u16 = BUF_INIT;
	buf_put(&u16, "\xFF\xFE", 2);
	for (const char *p = u8; *p; p++) {
		buf_putc(&u16, *p);
		buf_putc(&u16, '\0');
	}
	CHECK(zipxml_parse(path, "xl/a.xml", u16.data, u16.len, 1 << 20, &d) == NULL);
	CHECK(strstr(last(&d), "holds a DTD") != NULL);
	const char *bad = "<a>\n<b></a>";
	CHECK(zipxml_parse(path, "xl/a.xml", bad, strlen(bad), 1 << 20, &d) == NULL);
	CHECK(strstr(last(&d), "xl/a.xml: bad XML (line 2)") != NULL);
	CHECK(zipxml_parse(path, "xl/a.xml", ok, strlen(ok), 10, &d) == NULL);
	CHECK(strstr(last(&d), "larger than 10 bytes") != NULL);
	CHECK_STR(zipxml_why(ZIP_ER_NOZIP), "not a ZIP archive");
	CHECK_STR(zipxml_why(ZIP_ER_WRONGPASSWD), "encrypted: save it without a password");

	buf_free(&u16);
	buf_free(&b);
	buf_free(&big);
	diags_free(&d);
	unlink(path);
	rmdir(dir);
	return CHECK_DONE("check_zipxml");
}
