/* check_docread.c: unit tests for docread.c: the kind of a file by its
 * content whatever its name, .doc/.rtf/other archives refused with advice,
 * the text convention (TAB only between table cells), and each seed read as
 * a .docx with Word numbering and as a PDF giving the same plan as its text.
 * With arguments it makes those fixtures for tests/import_inputs.sh:
 *   check_docread --docx TEXT OUT   |   check_docread --pdf TEXT OUT */
#include <dirent.h>
#include <stdlib.h>
#include <unistd.h>

#include "arena.h"
#include "check.h"
#include "docread.h"
#include "import.h"
#include "mkdoc.h"

static int write_file(const char *path, const char *s, size_t n)
{
	FILE *fp = fopen(path, "wb");
	if (!fp)
		return -1;
	int rc = fwrite(s, 1, n, fp) == n ? 0 : -1;
	if (fclose(fp) != 0)
		rc = -1;
	return rc;
}

/* The seed (or any text) at in as a .docx or PDF at out. */
static int make_fixture(const char *kind, const char *in, const char *out)
{
	struct buf text = BUF_INIT, body = BUF_INIT;
	struct diags d;
	diags_init(&d);
	int rc = -1, numbered = 0;
	if (import_read(in, &text, &d) < 0) {
		diags_print(&d, stderr);
		goto out;
	}
	if (strcmp(kind, "--docx") == 0) {
		mkdoc_seed_body(text.data ? text.data : "", text.len, &body, &numbered);
		rc = mkdoc_docx(out, buf_cstr(&body), mkdoc_seed_numbering, NULL);
	} else if (strcmp(kind, "--pdf") == 0) {
		rc = mkdoc_text_pdf(out, text.data ? text.data : "", text.len);
	}
out:
	buf_free(&text);
	buf_free(&body);
	diags_free(&d);
	return rc;
}

/* The JSON form of the plan the rules find in the document at path, in b. */
/* Removes the "line": N members (where each task was read follows each
 * file's own lines, which a Word file or PDF lays out otherwise). */
static void strip_lines(struct buf *b)
{
	struct buf o = BUF_INIT;
	const char *s = b->data ? b->data : "", *end = s + b->len;
	while (s < end) {
		const char *nl = memchr(s, '\n', (size_t)(end - s));
		size_t n = nl ? (size_t)(nl - s) + 1 : (size_t)(end - s);
		const char *t = s;
		while (t < s + n && *t == ' ')
			t++;
		if (!(n > 8 && strncmp(t, "\"line\": ", 8) == 0))
			buf_put(&o, s, n);
		s += n;
	}
	buf_free(b);
	*b = o;
}

static int plan_json(const char *path, struct buf *b)
{
	struct buf text = BUF_INIT;
	struct diags d;
	diags_init(&d);
	struct arena *a = arena_new();
	int rc = -1;
	if (import_read(path, &text, &d) == 0) {
		struct value *doc = import_run(a, "lua/import.lua", text.data ? text.data : "", text.len,
		                               "p", &d);
		if (doc) {
			import_json(doc, b);
			rc = 0;
		}
	}
	if (rc < 0)
		diags_print(&d, stderr);
	else
		strip_lines(b);
	arena_free(a);
	buf_free(&text);
	diags_free(&d);
	return rc;
}

/* Prints the first line where a and b differ. */
static void first_difference(const char *what, const struct buf *a, const struct buf *b)
{
	size_t i = 0, line = 1;
	while (i < a->len && i < b->len && a->data[i] == b->data[i])
		if (a->data[i++] == '\n')
			line++;
	fprintf(stderr, "%s: JSON differs from the text's at line %zu\n", what, line);
}

/* The "tasks" arrays of two JSON forms are the same. */
static int same_tasks(const char *a, const char *b)
{
	const char *sa = strstr(a, "\"tasks\": ["), *sb = strstr(b, "\"tasks\": [");
	const char *ea = sa ? strstr(sa, "\n  ]") : NULL, *eb = sb ? strstr(sb, "\n  ]") : NULL;
	return ea && eb && ea - sa == eb - sb && memcmp(sa, sb, (size_t)(ea - sa)) == 0;
}

static int by_name(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static const char *kind_of(const char *path, const char *s, size_t n)
{
	static const char *const names[] = { "text", "docx", "zip", "pdf", "ole", "rtf" };
	if (write_file(path, s, n) < 0)
		return "?";
	return names[docread_detect(path)];
}

int main(int argc, char **argv)
{
	if (argc == 4)
		return make_fixture(argv[1], argv[2], argv[3]) == 0 ? 0 : 1;

	/* By content, not by name. */
	CHECK_INT(docread_sniff("%PDF-1.7", 8), DOCREAD_PDF);
	CHECK_INT(docread_sniff("\r\n\r\n%PDF-1.4", 12), DOCREAD_PDF);
	CHECK_INT(docread_sniff("PK\x03\x04", 4), DOCREAD_ZIP);
	CHECK_INT(docread_sniff("\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1", 8), DOCREAD_OLE);
	CHECK_INT(docread_sniff("{\\rtf1\\ansi", 11), DOCREAD_RTF);
	CHECK_INT(docread_sniff("一、总体要求", strlen("一、总体要求")), DOCREAD_TEXT);
	CHECK_INT(docread_sniff("", 0), DOCREAD_TEXT);
	CHECK_INT(docread_sniff("PK", 2), DOCREAD_TEXT);

	char dir[] = "/tmp/check_docread.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	char txt[256], docx[256], other[256];
	snprintf(txt, sizeof txt, "%s/plan.txt", dir);
	snprintf(docx, sizeof docx, "%s/plan.docx", dir);
	snprintf(other, sizeof other, "%s/x", dir);
	/* A Word document named .txt is read as Word; its table rows keep their TABs. */
	CHECK_INT(mkdoc_docx(txt, "<w:p><w:r><w:t>附件 (1)</w:t></w:r></w:p><w:tbl><w:tr>"
	                          "<w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc>"
	                          "<w:tc><w:p><w:r><w:t>任务 名称</w:t></w:r></w:p></w:tc>"
	                          "<w:tc><w:p/></w:tc></w:tr></w:tbl>", NULL, NULL), 0);
	CHECK_STR(docread_detect(txt) == DOCREAD_DOCX ? "docx" : "other", "docx");
	struct buf b = BUF_INIT;
	struct diags d;
	diags_init(&d);
	CHECK_INT(import_read(txt, &b, &d), 0);
	CHECK_STR(buf_cstr(&b), "附件（1）\n\n序号\t任务名称\t\n\n");
	buf_reset(&b);
	/* Messages about a line of a Word file say which paragraph or row it is. */
	{
		struct docread_map m = { 0 };
		struct diags dm;
		diags_init(&dm);
		CHECK_INT(import_read_map(txt, &b, &m, &dm), 0);
		CHECK_INT(m.n, 4);
		size_t n0 = dm.n;
		diag_add(&dm, DIAG_WARNING, txt, 3, 0, NULL, 0, "a warning about the row");
		diag_add(&dm, DIAG_ERROR, txt, 3, 0, NULL, 0, "an error about the row");
		diag_add(&dm, DIAG_WARNING, txt, 1, 0, NULL, 0, "about the first paragraph");
		diag_add(&dm, DIAG_WARNING, "other.txt", 1, 0, NULL, 0, "another file");
		diag_add(&dm, DIAG_WARNING, txt, 9, 0, NULL, 0, "past the end");
		docread_map_notes(&m, txt, &dm);
		CHECK_INT(dm.n, n0 + 7);
		CHECK(dm.n == n0 + 7 && strcmp(dm.v[n0 + 5].msg, "line 3 is row 1 of table 1 of the Word document") == 0 &&
		      dm.v[n0 + 5].level == DIAG_NOTE && dm.v[n0 + 5].line == 3);
		CHECK(dm.n == n0 + 7 && strcmp(dm.v[n0 + 6].msg, "line 1 is paragraph 1 of the Word document") == 0);
		docread_map_free(&m);
		buf_reset(&b);
		/* Text has no map. */
		CHECK_INT(write_file(other, "一\n二\n", strlen("一\n二\n")), 0);
		CHECK_INT(import_read_map(other, &b, &m, &dm), 0);
		CHECK_INT(m.n, 0);
		buf_reset(&b);
		diags_free(&dm);
	}
	/* A PDF named .docx is read as a PDF. */
	static const char pl[] = "一、总体要求";
	struct mkdoc_line one = { 0, 72, 700, pl, sizeof pl - 1 };
	CHECK_INT(mkdoc_pdf(docx, &one, 1, 1), 0);
	CHECK_INT(docread_detect(docx), DOCREAD_PDF);
	CHECK_INT(import_read(docx, &b, &d), 0);
	CHECK_STR(buf_cstr(&b), "一、总体要求\n");
	buf_reset(&b);
	/* Other archives, .doc, .rtf: refused, saying what to do. */
	const char *names[2] = { "[Content_Types].xml", "xl/workbook.xml" };
	const char *datas[2] = { "<Types/>", "<workbook/>" };
	CHECK_INT(mkdoc_zip(docx, names, datas, NULL, 2), 0);
	CHECK_INT(docread_detect(docx), DOCREAD_ZIP);
	CHECK_INT(import_read(docx, &b, &d), -1);
	CHECK(d.n == 1 && strstr(d.v[0].msg, "not a Word document") != NULL);
	CHECK_STR(kind_of(docx, "\xD0\xCF\x11\xE0\xA1\xB1\x1A\xE1\0\0\0\0", 12), "ole");
	CHECK_INT(import_read(docx, &b, &d), -1);
	CHECK(d.n == 2 && strstr(d.v[1].msg, ".doc") && strstr(d.v[1].msg, "save it as .docx") &&
	      strcmp(d.v[1].path, docx) == 0);
	CHECK_STR(kind_of(other, "{\\rtf1 x}", 9), "rtf");
	CHECK_INT(import_read(other, &b, &d), -1);
	CHECK_INT(d.nerrors, 3);
	CHECK_STR(kind_of(other, "PK\x03\x04garbage", 11), "docx");
	CHECK_INT(import_read(other, &b, &d), -1);
	CHECK(d.n == 4 && strstr(d.v[3].msg, "cannot open as a Word document") != NULL);
	CHECK_STR(kind_of(other, "一、总体要求\n", strlen("一、总体要求\n")), "text");
	CHECK_INT(import_read(other, &b, &d), 0);
	CHECK_STR(buf_cstr(&b), "一、总体要求\n");
	buf_reset(&b);
	/* IMPORT_MAX_INPUT holds for the text a Word file gives, too. */
	{
		size_t big = IMPORT_MAX_INPUT + 16;
		struct buf x = BUF_INIT;
		buf_puts(&x, "<w:p><w:r><w:t>");
		buf_grow(&x, big);
		memset(x.data + x.len, 'a', big);
		x.len += big;
		buf_puts(&x, "</w:t></w:r></w:p>");
		CHECK_INT(mkdoc_docx(other, buf_cstr(&x), NULL, NULL), 0);
		size_t before = d.nerrors;
		CHECK_INT(import_read(other, &b, &d), -1);
		CHECK_INT(d.nerrors, before + 1);
		CHECK(strstr(d.v[d.n - 1].msg, "larger than") != NULL);
		buf_reset(&b);
		buf_free(&x);
	}
	/* An unreadable path is left to the text reader, which reports it. */
	CHECK_INT(docread_detect("/nonexistent/x.docx"), DOCREAD_TEXT);

	/* The repair keeps TABs between cells, and empty cells. */
	struct buf r = BUF_INIT;
	docread_repair("a ,b\t 中 文 \t\t2 0\n\n一 二\n", strlen("a ,b\t 中 文 \t\t2 0\n\n一 二\n"), &r);
	CHECK_STR(buf_cstr(&r), "a ,b\t中文\t\t2 0\n\n一二\n");
	buf_free(&r);

	/* Each seed as a .docx whose headings are Word list numbers, and as a PDF with
	 * wrapped lines, page numbers and a running header: the same plan as its text. */
	/* The real documents of ../shared/real-docs too (beside the seeds). */
	const char *seeds = getenv("PP_SEEDS") ? getenv("PP_SEEDS") : "../shared/seeds";
	char real[512];
	snprintf(real, sizeof real, "%s/../real-docs", seeds);
	const char *dirs[2] = { seeds, real };
	char **list = NULL;
	size_t nlist = 0, nseeds = 0;
	for (int k = 0; k < 2; k++) {
		DIR *dp = opendir(dirs[k]);
		CHECK(dp != NULL);
		size_t from = nlist;
		for (struct dirent *e; dp && (e = readdir(dp));) {
			size_t len = strlen(e->d_name);
			if (len > 4 && strcmp(e->d_name + len - 4, ".txt") == 0) {
				list = realloc(list, (nlist + 1) * sizeof *list);
				list[nlist] = malloc(strlen(dirs[k]) + len + 2);
				sprintf(list[nlist++], "%s/%s", dirs[k], e->d_name);
			}
		}
		if (dp)
			closedir(dp);
		qsort(list + from, nlist - from, sizeof *list, by_name);
		if (k == 0)
			nseeds = nlist - from;
	}
	CHECK(nseeds >= 4);
	CHECK(nlist >= nseeds + 10);
	for (size_t i = 0; i < nlist; i++) {
		char seed[512], made[512];
		const char *base = strrchr(list[i], '/') + 1;
		snprintf(seed, sizeof seed, "%s", list[i]);
		struct buf want = BUF_INIT, gotj = BUF_INIT, body = BUF_INIT, text = BUF_INIT;
		CHECK_INT(plan_json(seed, &want), 0);
		CHECK(strstr(buf_cstr(&want), "\"number\": ") != NULL);
		CHECK_INT(import_read(seed, &text, &d), 0);
		int numbered = 0;
		mkdoc_seed_body(text.data ? text.data : "", text.len, &body, &numbered);
		CHECK(numbered >= 5);
		snprintf(made, sizeof made, "%s/%s.docx", dir, base);
		CHECK_INT(mkdoc_docx(made, buf_cstr(&body), mkdoc_seed_numbering, NULL), 0);
		CHECK_INT(plan_json(made, &gotj), 0);
		if (strcmp(buf_cstr(&gotj), buf_cstr(&want)) == 0)
			CHECK(1);
		else {
			CHECK(!"the .docx gives the text's plan");
			first_difference(made, &want, &gotj);
		}
		buf_reset(&gotj);
		snprintf(made, sizeof made, "%s/%s.pdf", dir, base);
		CHECK_INT(mkdoc_text_pdf(made, text.data ? text.data : "", text.len), 0);
		CHECK_INT(plan_json(made, &gotj), 0);
		/* A real document's PDF: the same tasks (a header line with a wide gap, two
		 * issuers side by side, reads as columns in a PDF; see pdf.h). */
		int same = i < nseeds ? strcmp(buf_cstr(&gotj), buf_cstr(&want)) == 0
		                      : same_tasks(buf_cstr(&gotj), buf_cstr(&want));
		if (same)
			CHECK(1);
		else {
			CHECK(!"the PDF gives the text's plan");
			first_difference(made, &want, &gotj);
		}
		unlink(made);
		snprintf(made, sizeof made, "%s/%s.docx", dir, base);
		unlink(made);
		buf_free(&want);
		buf_free(&gotj);
		buf_free(&body);
		buf_free(&text);
		free(list[i]);
	}
	free(list);
	unlink(txt);
	unlink(docx);
	unlink(other);
	rmdir(dir);
	buf_free(&b);
	diags_free(&d);
	return CHECK_DONE("check_docread");
}
