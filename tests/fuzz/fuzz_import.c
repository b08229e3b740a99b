/* fuzz_import.c: libFuzzer target for `planpress import` with the shipped rules
 * (lua/import.lua): the document is read from a file (UTF-8 or GB18030), the
 * rules run, and the JSON form, report and content files are made, not
 * written. The file is an unlinked temporary, so nothing is left behind even
 * after a crash. Every content file made must read back as front matter. */
#include "fuzz.h"

#include <stdio.h>
#include <unistd.h>

#include "frontmatter.h"
#include "import.h"
#include "json.h"

#ifndef PP_SRCDIR
#define PP_SRCDIR "."
#endif

static int fd = -1;
static char fd_path[64];
static const char *rules;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	char tmpl[] = "/tmp/pp-fuzz-import.XXXXXX";
	const char *tmp = getenv("TMPDIR");
	static char path[4096];
	snprintf(path, sizeof path, "%s/pp-fuzz-import.XXXXXX", tmp && *tmp ? tmp : "/tmp");
	fd = mkstemp(path);
	if (fd < 0) {
		fd = mkstemp(tmpl);
		if (fd < 0)
			abort();
		unlink(tmpl);
	} else {
		unlink(path);
	}
	snprintf(fd_path, sizeof fd_path, "/proc/self/fd/%d", fd);
	rules = getenv("PP_FUZZ_RULES");
	if (!rules)
		rules = PP_SRCDIR "/lua/import.lua";
	if (access(rules, R_OK) != 0) {
		fprintf(stderr, "fuzz_import: cannot read the rules %s\n", rules);
		abort();
	}
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (size > FUZZ_MAX_INPUT)
		return -1;
	if (ftruncate(fd, 0) != 0 || pwrite(fd, data, size, 0) != (ssize_t)size)
		abort();
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct buf text = BUF_INIT, out = BUF_INIT;
	struct import_files files = { NULL, 0 };
	if (import_read(fd_path, &text, &d) < 0)
		goto out;
	struct value *doc = import_run(a, rules, text.data ? text.data : "", text.len, "plan", &d);
	if (!doc)
		goto out;
	import_json(doc, &out);
	if (!json_parse(a, "plan.json", out.data, out.len, &d))
		abort();   /* the JSON form is JSON */
	buf_reset(&out);
	import_report(doc, &out);
	import_files_make(doc, "plan", "doc.txt", &files);
	int skip = fuzz_yaml_known_bad(text.data ? text.data : "", text.len);
	for (size_t i = 0; i < files.n && !skip; i++) {
		const struct import_file *f = &files.v[i];
		struct value *meta;
		size_t body;
		struct diags fd2;
		diags_init(&fd2);
		if (utf8_invalid_at(f->data, f->len) != f->len ||
		    fm_parse(a, f->path, f->data, f->len, &meta, &body, &fd2) < 0) {
			diags_print(&fd2, stderr);
			abort();   /* planpress build must be able to read what import made */
		}
		diags_free(&fd2);
	}
out:
	import_files_free(&files);
	buf_free(&text);
	buf_free(&out);
	diags_free(&d);
	arena_free(a);
	return 0;
}
