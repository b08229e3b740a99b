/* fuzz_pdftext.c: libFuzzer target for pdf_paragraphs, on what pdftotext
 * -layout might print (valid UTF-8, form feeds between pages): lines joined,
 * page numbers dropped, table rows; the result stays valid UTF-8. */
#include "fuzz.h"

#include "docread.h"
#include "pdf.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	if (utf8_invalid_at(s, size) != size)
		return -1;
	struct buf raw = BUF_INIT, out = BUF_INIT;
	struct docread_map m = { 0 };
	pdf_paragraphs(s, size, &raw, &m);
	size_t lines = 0;
	for (size_t i = 0; i < raw.len; i++)
		lines += raw.data[i] == '\n';
	if (lines != m.n)
		abort();   /* a page for every line */
	docread_map_free(&m);
	if (utf8_invalid_at(raw.data ? raw.data : "", raw.len) != raw.len)
		abort();   /* lines are joined and cut only between characters */
	docread_repair(raw.data ? raw.data : "", raw.len, &out);
	if (utf8_invalid_at(out.data ? out.data : "", out.len) != out.len)
		abort();
	buf_free(&raw);
	buf_free(&out);
	return 0;
}
