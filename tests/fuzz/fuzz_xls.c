/* fuzz_xls.c: libFuzzer target for sheetxls_read (an .xls file's compound
 * file and BIFF8 records: formats, formula results, merged ranges): never a
 * crash, a loop or a read outside the input; -1 exactly with a reason and
 * nothing kept; places from 1, percent cells sorted, texts valid UTF-8. */
#include "fuzz.h"

#include "sheetxls.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	const unsigned char *s = (const unsigned char *)fuzz_text(data, size);
	struct sheetxls x;
	const char *why = NULL;
	int rc = sheetxls_read(s, size, &x, &why);
	if (rc < 0 && (!why || x.n))
		abort();
	for (size_t i = 0; rc == 0 && i < x.n; i++) {
		const struct sheetxls_sheet *sh = &x.v[i];
		for (size_t k = 0; k < sh->nmerges; k++) {
			const struct sheetxls_range *r = &sh->merges[k];
			if (!r->r0 || !r->c0 || !r->r1 || !r->c1)
				abort();   /* as the file states them, from 1 (sheet.c skips an inverted one) */
		}
		for (size_t k = 0; k < sh->npct; k++)
			if (!sh->pct[k].r0 || !sh->pct[k].c0 ||
			    (k && (sh->pct[k - 1].r0 > sh->pct[k].r0 ||
			           (sh->pct[k - 1].r0 == sh->pct[k].r0 && sh->pct[k - 1].c0 > sh->pct[k].c0))))
				abort();   /* sorted, as sheetxls_is_percent searches them */
		for (size_t k = 0; k < sh->nformulas; k++) {
			const struct sheetxls_value *v = &sh->formulas[k];
			if (!v->row || !v->col)
				abort();
			if ((v->kind == SHEETXLS_TEXT || v->kind == SHEETXLS_ERROR) &&
			    (!v->text || utf8_invalid_at(v->text, strlen(v->text)) != strlen(v->text)))
				abort();
		}
	}
	sheetxls_free(&x);
	return 0;
}
