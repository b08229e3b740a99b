/* fuzz_xlsx.c: libFuzzer target for an Excel workbook's XML (sheet_read on an
 * .xlsx): the input is a worksheet, then after a NUL the shared strings, then
 * the styles, then the workbook part (a plain one when absent), zipped into a
 * temporary file; every cell that comes out is valid UTF-8 and in Excel's
 * grid, and -1 comes exactly when an error was recorded. */
#include "fuzz.h"

#include <stdio.h>
#include <zip.h>

#include "sheet.h"

static const char plain_wb[] =
	"<workbook xmlns:r=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships\">"
	"<sheets><sheet name=\"S\" r:id=\"rId1\"/><sheet name=\"T\" r:id=\"rId9\"/></sheets></workbook>";
static const char rels[] = "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
	"<Relationship Id=\"rId9\" Target=\"/xl/worksheets/sheet1.xml\"/></Relationships>";

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	const char *part[4] = { s, NULL, NULL, plain_wb };
	size_t len[4] = { size, 0, 0, sizeof plain_wb - 1 };
	size_t at = 0;
	for (int k = 1; k < 4; k++) {
		size_t n1;
		if (!fuzz_split(s + at, len[k - 1], &n1))
			break;
		part[k] = s + at + n1 + 1;
		len[k] = len[k - 1] - n1 - 1;
		len[k - 1] = n1;
		at += n1 + 1;
	}
	static char path[64];
	if (!path[0])
		snprintf(path, sizeof path, "/tmp/fuzz_xlsx.%d.xlsx", (int)getpid());
	int err;
	zip_t *z = zip_open(path, ZIP_CREATE | ZIP_TRUNCATE, &err);
	if (!z)
		abort();
	const char *names[] = { "xl/worksheets/sheet1.xml", "xl/sharedStrings.xml", "xl/styles.xml", "xl/workbook.xml" };
	for (int k = 0; k < 4; k++) {
		if (!part[k])
			continue;
		zip_source_t *src = zip_source_buffer(z, part[k], len[k], 0);
		if (!src || zip_file_add(z, names[k], src, 0) < 0)
			abort();
	}
	zip_source_t *src = zip_source_buffer(z, rels, sizeof rels - 1, 0);
	if (!src || zip_file_add(z, "xl/_rels/workbook.xml.rels", src, 0) < 0 || zip_close(z) < 0)
		abort();
	struct diags d;
	diags_init(&d);
	struct sheet_book b;
	int rc = sheet_read(path, &b, &d);
	if ((rc < 0) != (d.nerrors > 0))
		abort();
	for (size_t i = 0; i < b.n; i++)
		for (size_t k = 0; k < b.v[i].n; k++) {
			const struct sheet_cell *c = &b.v[i].v[k];
			if (!c->len || utf8_invalid_at(c->text, c->len) != c->len || !c->row || !c->col ||
			    c->row > SHEET_MAX_ROW || c->col > SHEET_MAX_COL)
				abort();
		}
	sheet_book_free(&b);
	diags_free(&d);
	unlink(path);
	return 0;
}
