/* fuzz_frontmatter.c: libFuzzer target for front matter (YAML through libyaml
 * between --- lines, TOML between +++ lines) on what a content file may hold. */
#include "fuzz.h"

#include "frontmatter.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	char *s = fuzz_text(data, size);
	if (!fuzz_is_text(s, size))
		return -1;
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *meta = NULL;
	size_t body = (size_t)-1;
	int rc = fm_parse(a, "t.md", s, size, &meta, &body, &d);
	if ((rc < 0) != (d.nerrors > 0))
		abort();
	if (rc == 0 && (!meta || meta->kind != V_TABLE || body > size))
		abort();   /* a table, and a body inside the file */
	fuzz_check_diags(&d, s, size);
	/* The whole input as a YAML data file too. */
	diags_free(&d);
	diags_init(&d);
	fm_yaml(a, "t.yaml", s, size, 0, size, &d);
	fuzz_check_diags(&d, s, size);
	diags_free(&d);
	arena_free(a);
	return 0;
}
