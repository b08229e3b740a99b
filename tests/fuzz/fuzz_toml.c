/* fuzz_toml.c: libFuzzer target for the TOML reader (site.toml, +++ front matter):
 * any bytes give a table or located errors, never a crash, and a table written
 * as JSON reads back. */
#include "fuzz.h"

#include "json.h"
#include "toml.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *v = toml_parse(a, "f.toml", s, 0, size, &d);
	if ((v == NULL) != (d.nerrors > 0))
		abort();   /* NULL exactly when an error was recorded */
	fuzz_check_diags(&d, s, size);
	if (v) {
		struct buf j = BUF_INIT;
		json_write(v, 1, &j);
		diags_free(&d);
		diags_init(&d);
		if (!json_parse(a, "f.json", j.data ? j.data : "", j.len, &d))
			abort();   /* a TOML table is valid JSON once written */
		buf_free(&j);
	}
	diags_free(&d);
	arena_free(a);
	return 0;
}
