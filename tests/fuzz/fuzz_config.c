/* fuzz_config.c: libFuzzer target for site.toml loading: the TOML reader, then
 * the schema check (unknown keys, types, "did you mean" hints, defaults). */
#include "fuzz.h"

#include "config.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct config c;
	int rc = config_load(a, "site.toml", s, size, &c, &d);
	if ((rc < 0) != (d.nerrors > 0))
		abort();   /* -1 exactly when an error was recorded */
	fuzz_check_diags(&d, s, size);
	if (rc == 0 && (!c.title || !c.language || !c.base_url || !c.theme))
		abort();   /* defaults fill what site.toml leaves out */
	diags_free(&d);
	arena_free(a);
	return 0;
}
