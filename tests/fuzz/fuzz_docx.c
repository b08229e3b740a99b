/* fuzz_docx.c: libFuzzer target for a Word document's XML (docx_parse):
 * word/document.xml, then after a NUL word/numbering.xml; what comes out is
 * valid UTF-8, repaired into the importer's text without a crash. */
#include "fuzz.h"

#include "docread.h"
#include "docx.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	size_t n1 = size;
	const char *num = NULL;
	size_t numlen = 0;
	if (fuzz_split(s, size, &n1)) {
		num = s + n1 + 1;
		numlen = size - n1 - 1;
	}
	struct diags d;
	diags_init(&d);
	struct buf raw = BUF_INIT, out = BUF_INIT;
	struct docread_map m = { 0 };
	int rc = docx_parse("t.docx", s, n1, num, numlen, NULL, 0, &raw, &m, &d);
	size_t lines = 0;
	for (size_t i = 0; i < raw.len; i++)
		lines += raw.data[i] == '\n';
	if (rc == 0 && lines != m.n)
		abort();   /* an origin for every line */
	docread_map_free(&m);
	if ((rc < 0) != (d.nerrors > 0))
		abort();   /* -1 exactly when an error was recorded */
	if (rc == 0 && utf8_invalid_at(raw.data ? raw.data : "", raw.len) != raw.len)
		abort();   /* libxml2 hands out UTF-8 only */
	docread_repair(raw.data ? raw.data : "", raw.len, &out);
	if (utf8_invalid_at(out.data ? out.data : "", out.len) != out.len)
		abort();
	buf_free(&raw);
	buf_free(&out);
	diags_free(&d);
	return 0;
}
