/* check_import.c: the import rules on small documents (every note and date form),
 * YAML quoting read back by the front-matter parser, the JSON form, --expect,
 * rules errors, input limits and encodings. Runs from the repository root. */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "check.h"
#include "frontmatter.h"
#include "import.h"
#include "json.h"

#define RULES "lua/import.lua"

static struct arena *A;

/* Runs the rules on text (repaired first); the document, or NULL. */
static struct value *run(const char *text)
{
	struct buf rep = BUF_INIT;
	struct diags d;
	diags_init(&d);
	import_repair(text, strlen(text), &rep);
	struct value *doc = import_run(A, RULES, rep.data, rep.len, "t", &d);
	if (!doc)
		diags_print(&d, stderr);
	diags_free(&d);
	buf_free(&rep);
	return doc;
}

static char out[4096];

/* The JSON of one part of the document: path like "tasks.0.lead". */
static const char *js(const struct value *doc, const char *path)
{
	const struct value *v = doc;
	char tmp[256];
	snprintf(tmp, sizeof tmp, "%s", path);
	for (char *p = strtok(tmp, "."); p && v; p = strtok(NULL, ".")) {
		if (*p >= '0' && *p <= '9') {
			size_t i = (size_t)atoi(p);
			v = value_at(v, i);
		} else {
			v = value_get(v, p);
		}
	}
	if (!v)
		return "(none)";
	struct buf b = BUF_INIT;
	json_write(v, 0, &b);
	snprintf(out, sizeof out, "%s", b.data ? b.data : "");
	buf_free(&b);
	return out;
}

static const char *doc_of(const char *tasks)
{
	static char text[4096];
	snprintf(text, sizeof text, "关于做好某工作的实施方案（2019-2020年）\n\n为做好工作，制定本方案。\n\n一、主要任务\n\n%s\n", tasks);
	return text;
}

static void notes(void)
{
	struct value *doc = run(doc_of(
		"1.任务甲。内容（区委组织部牵头，区民政局、各街道配合）\n"
		"2.任务乙。内容(区委组织部牵头,区民政局配合)\n"
		"3.任务丙。内容【区委宣传部负责】\n"
		"4.任务丁。内容【区委组织部，各县（市、区）党委组织部】\n"
		"5.任务戊。内容【区委组织部牵头，区财政局配合】\n"
		"6.任务己。内容。\n责任单位：区委组织部、区人社局\n"
		"7.任务庚。内容。\n牵头单位：区委组织部；配合单位：区教育局、区卫健局\n"
		"8.任务辛。内容（2019-2020年）没有注明单位。\n"
		"9.任务壬。内容（区委组织部、区委编办牵头，各街道党工委配合）"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"区委组织部\"]");
	CHECK_STR(js(doc, "tasks.0.support"), "[\"区民政局\",\"各街道\"]");
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"区委组织部\"]");
	CHECK_STR(js(doc, "tasks.1.support"), "[\"区民政局\"]");
	CHECK_STR(js(doc, "tasks.2.lead"), "[\"区委宣传部\"]");
	CHECK_STR(js(doc, "tasks.3.lead"), "[\"区委组织部\",\"各县（市、区）党委组织部\"]");
	CHECK_STR(js(doc, "tasks.3.support"), "[]");
	CHECK_STR(js(doc, "tasks.4.lead"), "[\"区委组织部\"]");
	CHECK_STR(js(doc, "tasks.4.support"), "[\"区财政局\"]");
	CHECK_STR(js(doc, "tasks.5.lead"), "[\"区委组织部\",\"区人社局\"]");
	CHECK_STR(js(doc, "tasks.6.lead"), "[\"区委组织部\"]");
	CHECK_STR(js(doc, "tasks.6.support"), "[\"区教育局\",\"区卫健局\"]");
	CHECK_STR(js(doc, "tasks.7.lead"), "[]");
	CHECK_STR(js(doc, "tasks.8.lead"), "[\"区委组织部\",\"区委编办\"]");
	CHECK_STR(js(doc, "tasks.8.support"), "[\"各街道党工委\"]");
	CHECK_STR(js(doc, "tasks.0.title"), "\"任务甲\"");
	/* The note leaves the body. */
	CHECK(strstr(js(doc, "tasks.0.body"), "牵头") == NULL);
}

static void dates(void)
{
	struct value *doc = run(doc_of(
		"1.甲。2018年12月底前完成挂牌，2019年6月底全面达标。\n"
		"2.乙。9月底前完成清理，年底前完成验收。\n"
		"3.丙。上半年启动，下半年总结，第三季度末前中期评估。\n"
		"4.丁。2025年9月30日前建成平台；到2020年全面覆盖。\n"
		"5.戊。每年底考核一次，全面落实2019年发展党员计划，制定《2019—2023年规划》。\n"
		"6.己。年内完成一次培训。\n"
		"7.庚。二〇一九年四月二十四日前报送材料。"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2018-12-31\"");
	CHECK_STR(js(doc, "tasks.0.deadlines.0.what"), "\"完成挂牌\"");
	CHECK_STR(js(doc, "tasks.0.deadlines.0.relative"), "false");
	CHECK_STR(js(doc, "tasks.0.deadlines.1.date"), "\"2019-06-30\"");
	/* The plan's period starts in 2019, no date: relative years are unknown... */
	CHECK_STR(js(doc, "tasks.1.deadlines.0.text"), "\"9月底前\"");
	CHECK_STR(js(doc, "tasks.1.deadlines.0.relative"), "true");
	CHECK_STR(js(doc, "tasks.1.deadlines.1.text"), "\"年底前\"");
	CHECK_STR(js(doc, "tasks.2.deadlines.0.text"), "\"上半年\"");
	CHECK_STR(js(doc, "tasks.2.deadlines.1.text"), "\"下半年\"");
	CHECK_STR(js(doc, "tasks.2.deadlines.2.text"), "\"第三季度末前\"");
	CHECK_STR(js(doc, "tasks.3.deadlines.0.date"), "\"2025-09-30\"");
	CHECK_STR(js(doc, "tasks.3.deadlines.1.date"), "\"2020-12-31\"");
	CHECK_STR(js(doc, "tasks.4.deadlines"), "[]");
	CHECK_STR(js(doc, "tasks.5.deadlines.0.text"), "\"年内\"");
	CHECK_STR(js(doc, "tasks.6.deadlines.0.date"), "\"2019-04-24\"");

	/* A single-year document gives relative dates their year; a printed year
	 * earlier in a task carries on. */
	doc = run("2019年重点工作任务清单\n\n一、任务\n\n1.甲。9月底前完成清理。\n"
	          "2.乙。2020年3月启动，6月底前完成。\n3.丙。年底前验收。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2019-09-30\"");
	CHECK_STR(js(doc, "tasks.1.deadlines.1.date"), "\"2020-06-30\"");
	CHECK_STR(js(doc, "tasks.1.deadlines.1.relative"), "true");
	CHECK_STR(js(doc, "tasks.2.deadlines.0.date"), "\"2019-12-31\"");
	CHECK_STR(js(doc, "tasks.2.deadlines.0.relative"), "true");
}

static void targets(void)
{
	struct value *doc = run(doc_of(
		"1.甲。组织覆盖率达到90%以上，工作覆盖率达到100%。\n"
		"2.乙。按不低于1:2比例建立后备队伍，每村储备不少于2名，每年至少讲1次党课。\n"
		"3.丙。建成“1+10+N”体系，开通12345热线，在70%的基础上提升，占总数20%的社区，用2—3年时间完成。\n"
		"4.丁。按总数的1%至2%配备。"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.targets.0.value"), "90");
	CHECK_STR(js(doc, "tasks.0.targets.0.unit"), "\"%\"");
	CHECK_STR(js(doc, "tasks.0.targets.0.text"), "\"组织覆盖率达到90%以上\"");
	CHECK_STR(js(doc, "tasks.0.targets.1.value"), "100");
	CHECK_STR(js(doc, "tasks.1.targets.0.kind"), "\"ratio\"");
	CHECK_STR(js(doc, "tasks.1.targets.0.ratio"), "\"1:2\"");
	CHECK_STR(js(doc, "tasks.1.targets.1.value"), "2");
	CHECK_STR(js(doc, "tasks.1.targets.1.unit"), "\"名\"");
	CHECK_STR(js(doc, "tasks.1.targets.2.unit"), "\"次\"");
	CHECK_STR(js(doc, "tasks.2.targets"), "[]");
	CHECK_STR(js(doc, "tasks.3.targets.0.value"), "1");
	CHECK_STR(js(doc, "tasks.3.targets.0.max"), "2");
}

static void structure(void)
{
	/* Header, notice, a title split over lines, page breaks, themes, an annex. */
	const char *text =
		"中共某某区委办公室文件\n\n某办发〔2019〕7号\n\n"
		"关于印发《某某区加强基层建设\n\n三年行动方案》的通知\n\n"
		"各街道党工委：\n\n现将方案印发给你们，请认真贯彻落实。\n\n中共某某区委办公室\n\n二〇一九年四月二十四日\n\n"
		"某某区加强基层建设\n三年行动方案\n（2019—2021年）\n\n"
		"为加强基层建设，制定本方案。\n\n"
		"一、总体目标\n\n——2019年以“规范化建设”为主题。2020年为“基础夯实年”。\n\n"
		"二、重点任务\n\n（一）组织建设\n\n"
		"1．健全组织体系。推动全面从严治党向基层延伸，促进全区党的基层组织建设全面进步全面\n\n"
		"过硬。（区委组织部牵头）\n\n- 3 -\n\n"
		"2、加强队伍建设。内容。\n\n"
		"附件\n\n2019年重点任务\n\n1.任务一。年底前完成。\n2.任务二。内容。\n";
	struct value *doc = run(text);
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "issuer"), "\"中共某某区委办公室\"");
	CHECK_STR(js(doc, "doc_no"), "\"某办发〔2019〕7号\"");
	CHECK_STR(js(doc, "date"), "\"2019-04-24\"");
	CHECK_STR(js(doc, "notice_title"), "\"关于印发《某某区加强基层建设三年行动方案》的通知\"");
	CHECK_STR(js(doc, "title"), "\"某某区加强基层建设三年行动方案（2019—2021年）\"");
	CHECK_STR(js(doc, "period"), "[2019,2021]");
	CHECK_STR(js(doc, "yearly_themes"), "{\"2019\":\"规范化建设\",\"2020\":\"基础夯实年\"}");
	CHECK_STR(js(doc, "sections.1.title"), "\"重点任务\"");
	CHECK_STR(js(doc, "tasks.0.number"), "1");
	CHECK_STR(js(doc, "tasks.0.section"), "\"二\"");
	CHECK_STR(js(doc, "tasks.0.subsection"), "\"一\"");
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"区委组织部\"]");
	/* The page break is mended: one paragraph. */
	CHECK(strstr(js(doc, "tasks.0.body"), "全面进步全面过硬") != NULL);
	CHECK_STR(js(doc, "tasks.1.number"), "2");
	CHECK_STR(js(doc, "unplaced"), "[\"- 3 -\"]");
	CHECK_STR(js(doc, "annex_title"), "\"2019年重点任务\"");
	CHECK_STR(js(doc, "annex_tasks.0.number"), "1");
	CHECK_STR(js(doc, "annex_tasks.0.deadlines.0.date"), "\"2019-12-31\"");
	CHECK_STR(js(doc, "annex_tasks.1.number"), "2");

	/* No numbered tasks: 一是…二是… points become S.P tasks. */
	doc = run("某某工作方案\n\n一、推进措施\n\n（一）提升功能。一是健全机制。内容。二是强化建设。内容。\n"
	          "（二）提升水平。一是健全体系。内容。二是开展活动。内容。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.number"), "\"1.1\"");
	CHECK_STR(js(doc, "tasks.0.title"), "\"健全机制\"");
	CHECK_STR(js(doc, "tasks.3.number"), "\"2.2\"");
	CHECK_STR(js(doc, "tasks.3.subsection"), "\"二\"");
}

/* Reads back a YAML value written by import_yaml_string. */
static void yaml_round_trip(const char *s)
{
	struct buf y = BUF_INIT;
	buf_puts(&y, "k: ");
	import_yaml_string(s, strlen(s), &y);
	buf_puts(&y, "\nl: [");
	import_yaml_string(s, strlen(s), &y);
	buf_puts(&y, "]\n");
	struct diags d;
	diags_init(&d);
	struct value *v = fm_yaml(A, "t.md", y.data, y.len, 0, y.len, &d);
	CHECK(v != NULL);
	if (v) {
		CHECK_STR(value_str(value_get(v, "k"), "(not a string)"), s);
		struct value *l = value_get(v, "l");
		CHECK(value_is(l, V_ARRAY) && value_len(l) == 1);
		if (value_is(l, V_ARRAY) && value_len(l) == 1)
			CHECK_STR(value_str(value_at(l, 0), "(not a string)"), s);
	} else {
		diags_print(&d, stderr);
	}
	diags_free(&d);
	buf_free(&y);
}

static void yaml(void)
{
	static const char *const tricky[] = {
		"街道党政办", "a: b", "key:value", "\"quoted\"", "it's", "# not a comment", "x #y",
		"- leading dash", "-", "?", "[a, b]", "{a}", "a, b", "1.1", "21", "2019-06-30", "true",
		"no", "null", "~", "%", "100%", "@x", "`x`", "*x", "&x", "!x", "|x", ">x", "  spaced",
		"trailing ", "街道（市、区）：“两新”组织，【负责】", "——2018年", "back\\slash", "tab\there",
		"line\nbreak", "1:2", "\xE3\x80\x80", "市“两新”组织党工委",
	};
	for (size_t i = 0; i < sizeof tricky / sizeof tricky[0]; i++)
		yaml_round_trip(tricky[i]);
	struct buf b = BUF_INIT;
	import_yaml_string("街道党政办", strlen("街道党政办"), &b);
	CHECK_STR(buf_cstr(&b), "街道党政办");   /* plain where plain is safe */
	buf_free(&b);
}

static void expect_and_files(void)
{
	struct value *doc = run(doc_of("1.任务甲。2019年底前完成（区委组织部牵头）。\n2.任务乙。内容。"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	struct diags d;
	diags_init(&d);
	const char *want = "{\"tasks\": [{\"number\": 1, \"lead\": [\"区委组织部\"]}, {\"number\": 3}]}";
	struct value *w = json_parse(A, "w.json", want, strlen(want), &d);
	struct buf o = BUF_INIT;
	CHECK_INT(import_expect(import_json_value(A, doc), w, &o), 1);
	CHECK(strstr(buf_cstr(&o), "tasks[1].number: expected 3, got 2") != NULL);
	buf_free(&o);
	const char *want2 = "{\"tasks\": [{\"number\": 1}]}";
	w = json_parse(A, "w.json", want2, strlen(want2), &d);
	CHECK_INT(import_expect(import_json_value(A, doc), w, &o), 1);
	buf_free(&o);

	/* The JSON form has every field and no bodies. */
	struct buf j = BUF_INIT;
	import_json(doc, &j);
	CHECK(strstr(buf_cstr(&j), "\"notice_title\": null") != NULL);
	CHECK(strstr(buf_cstr(&j), "\"annex_tasks\": []") != NULL);
	CHECK(strstr(buf_cstr(&j), "\"body\"") == NULL);
	buf_free(&j);

	/* Files: names, marks, and the front matter reads back. */
	struct import_files f;
	import_files_make(doc, "p1", "doc.txt", &f);
	CHECK_INT(f.n, 4);
	CHECK_STR(f.v[0].path, "content/plans/p1/_index.md");
	CHECK_STR(f.v[2].path, "content/plans/p1/tasks/01.md");
	for (size_t i = 0; i < f.n; i++) {
		struct value *meta;
		size_t off;
		CHECK(strstr(f.v[i].data, IMPORT_MARK) != NULL);
		CHECK(fm_parse(A, f.v[i].path, f.v[i].data, f.v[i].len, &meta, &off, &d) == 0);
	}
	CHECK(strstr(f.v[2].data, "due: 2019-12-31") != NULL);

	/* The digest in the mark tells an edited page (issue 12). */
	CHECK_INT(import_page_state(f.v[2].data, f.v[2].len), IMPORT_PAGE_UNCHANGED);
	{
		struct buf e = BUF_INIT;
		buf_put(&e, f.v[2].data, f.v[2].len);
		char *pr = strstr(e.data, "progress: 0");
		CHECK(pr != NULL);
		if (pr)
			pr[10] = '5';
		CHECK_INT(import_page_state(e.data, e.len), IMPORT_PAGE_CHANGED);
		CHECK_INT(import_page_state("---\ntitle: x\n---\n", 19), IMPORT_PAGE_NOT_OURS);
		const char *old = "---\ntitle: x\n" IMPORT_MARK "\n---\n";
		CHECK_INT(import_page_state(old, strlen(old)), IMPORT_PAGE_NO_DIGEST);
		const char *body = "---\ntitle: x\n---\n" IMPORT_MARK " sha1-0\n";
		CHECK_INT(import_page_state(body, strlen(body)), IMPORT_PAGE_NOT_OURS);
		buf_free(&e);
	}

	/* Writing: refuses to overwrite, --force replaces only our files. */
	char dir[] = "/tmp/check_import.XXXXXX";
	CHECK(mkdtemp(dir) != NULL);
	CHECK_INT(import_files_write(&f, dir, 0, &d), 4);
	size_t before = d.nerrors;
	CHECK_INT(import_files_write(&f, dir, 0, &d), -1);
	CHECK(d.nerrors > before);
	CHECK_INT(import_files_write(&f, dir, 1, &d), 4);
	char p[256];
	snprintf(p, sizeof p, "%s/content/plans/p1/tasks/02.md", dir);
	FILE *fp = fopen(p, "w");
	if (fp) {
		fputs("---\ntitle: 手写\n---\n", fp);
		fclose(fp);
	}
	before = d.nerrors;
	CHECK_INT(import_files_write(&f, dir, 1, &d), -1);
	CHECK(d.nerrors > before);
	for (size_t i = 0; i < f.n; i++) {
		snprintf(p, sizeof p, "%s/%s", dir, f.v[i].path);
		unlink(p);
	}
	snprintf(p, sizeof p, "rm -rf '%s'", dir);
	CHECK(system(p) == 0);
	import_files_free(&f);
	import_files_free(NULL);
	diags_free(&d);
}

static void errors_and_input(void)
{
	struct diags d;
	diags_init(&d);
	/* A rules error names the rules file and line. */
	char rules[] = "/tmp/check_import_rules.XXXXXX";
	int fd = mkstemp(rules);
	CHECK(fd >= 0);
	const char *bad = "local R = {}\nfunction R.parse(t)\n  error('boom')\nend\nreturn R\n";
	CHECK(write(fd, bad, strlen(bad)) == (ssize_t)strlen(bad));
	close(fd);
	CHECK(import_run(A, rules, "x", 1, "p", &d) == NULL);
	/* the error at its line, then the traceback as notes, as for hooks */
	CHECK(d.nerrors == 1 && d.v[0].line == 3 && strstr(d.v[0].msg, "boom") != NULL);
	CHECK(d.n >= 2 && d.v[1].level == DIAG_NOTE && strstr(d.v[1].msg, "at ") != NULL);
	fd = open(rules, O_WRONLY | O_TRUNC);
	const char *syntax = "return {\n";
	CHECK(write(fd, syntax, strlen(syntax)) == (ssize_t)strlen(syntax));
	close(fd);
	CHECK(import_run(A, rules, "x", 1, "p", &d) == NULL);
	CHECK(d.nerrors == 2);
	/* The sandbox's library: no io, no files, no bytecode. */
	fd = open(rules, O_WRONLY | O_TRUNC);
	const char *io = "return { parse = function() return { title = tostring(io) .. tostring(dofile) .. tostring(loadfile) } end }\n";
	CHECK(write(fd, io, strlen(io)) == (ssize_t)strlen(io));
	close(fd);
	struct value *v = import_run(A, rules, "x", 1, "p", &d);
	CHECK(v != NULL);
	CHECK_STR(js(v, "title"), "\"nilnilnil\"");
	/* IMPORT_MAX_DEPTH: a result nested too deep is an error. */
	fd = open(rules, O_WRONLY | O_TRUNC);
	const char *deep = "return { parse = function() local t = {} local c = t for i = 1, 40 do c.x = {} c = c.x end return t end }\n";
	CHECK(write(fd, deep, strlen(deep)) == (ssize_t)strlen(deep));
	close(fd);
	size_t before = d.nerrors;
	CHECK(import_run(A, rules, "x", 1, "p", &d) == NULL);
	CHECK(d.nerrors > before);
	unlink(rules);
	CHECK(import_run(A, rules, "x", 1, "p", &d) == NULL);

	/* Input: GB18030 is converted; other bytes are refused; IMPORT_MAX_INPUT. */
	char in[] = "/tmp/check_import_in.XXXXXX";
	fd = mkstemp(in);
	const char gb[] = "\xD6\xD0\xB9\xB2\xA3\xA8\xB6\xFE\xA3\xA9";   /* 中共（二） */
	CHECK(write(fd, gb, sizeof gb - 1) == (ssize_t)(sizeof gb - 1));
	close(fd);
	struct buf b = BUF_INIT;
	CHECK_INT(import_read(in, &b, &d), 0);
	CHECK_STR(buf_cstr(&b), "中共（二）\n");
	buf_free(&b);
	fd = open(in, O_WRONLY | O_TRUNC);
	CHECK(write(fd, "\xFF\xFF\xFF", 3) == 3);
	close(fd);
	CHECK_INT(import_read(in, &b, &d), -1);
	buf_free(&b);
	FILE *fp = fopen(in, "w");
	if (fp) {
		static char big[1 << 16];
		memset(big, 'a', sizeof big);
		for (size_t k = 0; k <= IMPORT_MAX_INPUT / sizeof big; k++)
			fwrite(big, 1, sizeof big, fp);
		fclose(fp);
	}
	before = d.nerrors;
	CHECK_INT(import_read(in, &b, &d), -1);
	CHECK(d.nerrors > before);
	buf_free(&b);
	unlink(in);
	CHECK_INT(import_read(in, &b, &d), -1);
	buf_free(&b);
	diags_free(&d);

	/* The rules file is found beside the site first. */
	char *r = import_find_rules(NULL, ".", "/nonexistent");
	CHECK_STR(r, "lua/import.lua");
	free(r);
	r = import_find_rules("x.lua", ".", NULL);
	CHECK_STR(r, "x.lua");
	free(r);
}

int main(void)
{
	A = arena_new();
	notes();
	dates();
	targets();
	structure();
	yaml();
	expect_and_files();
	errors_and_input();
	arena_free(A);
	return CHECK_DONE("check_import");
}
