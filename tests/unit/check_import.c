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

/* Issue 12: numbering forms, and nothing lost without a warning. */
static void numbering(void)
{
	struct value *doc = run(doc_of(
		"1.甲。内容。\n2．乙。内容。\n3、丙。内容。\n4﹒丁。内容。\n"
		"5.3个一工程。内容。\n7.己。内容。\n7.庚。内容。\n8.1.5亿元的项目。\n"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.1.number"), "2");
	CHECK_STR(js(doc, "tasks.2.number"), "3");
	CHECK_STR(js(doc, "tasks.3.number"), "4");
	CHECK_STR(js(doc, "tasks.4.number"), "5");
	CHECK_STR(js(doc, "tasks.4.title"), "\"3个一工程\"");
	CHECK_STR(js(doc, "tasks.4.printed"), "\"5.\"");
	CHECK_STR(js(doc, "tasks.5.number"), "7");
	CHECK_STR(js(doc, "tasks.6.number"), "\"7-2\"");
	CHECK_STR(js(doc, "tasks.7.number"), "8");
	CHECK_STR(js(doc, "warnings.0.kind"), "\"gap\"");
	CHECK_STR(js(doc, "warnings.0.line"), "12");
	CHECK_STR(js(doc, "warnings.1.kind"), "\"duplicate\"");
	CHECK_STR(js(doc, "warnings.2.kind"), "\"renumbered\"");

	/* Restarting per subsection: hierarchical, never duplicated. */
	doc = run("某方案\n一、任务\n（一）甲类\n1.甲一。内容。\n2.甲二。内容。\n（二）乙类\n1.乙一。内容。\n"
	          "二、保障\n（一）丙类\n1.丙一。内容。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.number"), "\"1.1\"");
	CHECK_STR(js(doc, "tasks.2.number"), "\"2.1\"");
	CHECK_STR(js(doc, "tasks.3.number"), "\"3.1\"");

	/* Subsections as tasks, straight through: （十六）; a section title holding a
	 * closing word keeps them; 一是/二是 after a comma; 第X条 【tag】. */
	doc = run("某措施\n一、加强要素保障，推进项目落地\n（十五）甲。内容。\n（十六）乙。内容。\n"
	          "二、保障措施\n（十七）丙。内容。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	/* Numbered straight through (from 十五): the printed numbers; 保障措施 frames, holds none. */
	CHECK_STR(js(doc, "tasks.0.number"), "15");
	CHECK_STR(js(doc, "tasks.2"), "(none)");
	doc = run("某措施\n一、加强要素保障，推进项目落地\n（一）甲。内容。\n（二）乙。内容。\n"
	          "二、保障措施\n（一）丙。内容。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.1.number"), "2");
	CHECK_STR(js(doc, "tasks.1.printed"), "\"（二）\"");
	CHECK_STR(js(doc, "tasks.2"), "(none)");
	doc = run("某措施\n一、任务\n（五十二）甲。内容。\n（五十三）乙。内容。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.1.number"), "53");
	doc = run("某要点\n一、工作\n（一）学习。一是深化学习，每月一次；二是开展培训，二是重复。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.title"), "\"深化学习\"");
	CHECK_STR(js(doc, "tasks.1.number"), "\"1.2\"");
	doc = run("某措施\n第一条 【培育对象】已登记的企业。\n第二条 【支持】对企业给予支持：\n（一）甲；\n1.乙。\n第三条 【附则】无。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.title"), "\"培育对象\"");
	CHECK_STR(js(doc, "tasks.1.number"), "2");
	CHECK_STR(js(doc, "tasks.2.number"), "3");
	CHECK_STR(js(doc, "tasks.3"), "(none)");
	/* Chapters are sections; the articles under them, tasks. */
	doc = run("某市实施细则\n第一章 总则\n第一条 为规范管理，制定本细则。\n第二章 职责\n第二条 市发改委负责统筹。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "sections.1.title"), "\"职责\"");
	CHECK_STR(js(doc, "tasks.1.number"), "2");
	CHECK_STR(js(doc, "tasks.1.section"), "\"二\"");
}

/* Sections and subsections out of order are warnings too. */
static void section_numbers(void)
{
	struct value *doc = run("某方案\n一、甲\n（一）子\n（三）子\n三、乙\n三、丙\n一、另一部分\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "warnings.0.kind"), "\"subsection_gap\"");
	CHECK_STR(js(doc, "warnings.0.line"), "4");
	CHECK_STR(js(doc, "warnings.1.kind"), "\"section_gap\"");
	CHECK_STR(js(doc, "warnings.2.kind"), "\"section_duplicate\"");
	CHECK_STR(js(doc, "warnings.2.got"), "\"三\"");
	CHECK_STR(js(doc, "warnings.3"), "(none)");   /* 一 again: a new part */
}

/* （1） items: tasks where no 1. task is open; a 关于…实施意见 title; a date in brackets. */
static void paren_tasks(void)
{
	struct value *doc = run("某市人民政府关于加快发展的实施意见\n某府〔2025〕3号\n各区人民政府：\n"
	                        "一、总体要求\n（一）指导思想。坚持创新。\n二、重点任务\n（二）培育产业。\n"
	                        "（1）发展集成电路。（市工信局牵头，市发展改革委配合）\n"
	                        "（2）发展生物医药。今年年底前出台政策。（市科技局负责）\n"
	                        "（三）强化支撑。\n（1）加强人才。（市人社局负责）\n"
	                        "某市人民政府\n（2025年3月18日）\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "title"), "\"某市人民政府关于加快发展的实施意见\"");
	CHECK_STR(js(doc, "date"), "\"2025-03-18\"");
	CHECK_STR(js(doc, "issuer"), "\"某市人民政府\"");
	CHECK_STR(js(doc, "tasks.0.number"), "\"1.1\"");
	CHECK_STR(js(doc, "tasks.0.printed"), "\"（1）\"");
	CHECK_STR(js(doc, "tasks.1.deadlines.0.date"), "\"2025-12-31\"");
	CHECK_STR(js(doc, "tasks.2.number"), "\"2.1\"");
	CHECK_STR(js(doc, "tasks.2.deadlines"), "[]");
	/* Inside a 1. task, （1） is a point of its text. */
	doc = run(doc_of("1.甲。内容：\n（1）一项；\n（2）二项。\n2.乙。内容。"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.1.number"), "2");
	CHECK(strstr(js(doc, "tasks.0.body"), "二项") != NULL);
}

/* The notice's list of attachments; an annex in several parts. */
static void attachments(void)
{
	struct value *doc = run("某县人民政府办公室关于印发两个方案的通知\n某政办〔2025〕8号\n各乡镇人民政府：\n"
	                        "现将两个方案印发给你们。\n附件：1.某县教育提升方案\n2.某县医疗提升方案\n"
	                        "某县人民政府办公室\n2025年5月6日\n附件1\n某县教育提升方案\n一、任务\n"
	                        "1.建设学校。（县教育局负责）\n附件2\n某县医疗提升方案\n一、任务\n1.建设医院。（县卫健局负责）\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "date"), "\"2025-05-06\"");
	CHECK_STR(js(doc, "title"), "\"某县教育提升方案\"");
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"县教育局\"]");
	CHECK_STR(js(doc, "annex_title"), "\"某县医疗提升方案\"");
	CHECK_STR(js(doc, "annex_tasks.0.lead"), "[\"县卫健局\"]");
	CHECK_STR(js(doc, "warnings"), "[]");
	doc = run("某县2025年工作方案\n一、任务\n1.甲。内容。\n附件1\n教育任务清单\n1.建设学校。\n2.培训教师。\n"
	          "附件2\n医疗任务清单\n1.建设医院。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "annex_tasks.1.number"), "\"1.2\"");
	CHECK_STR(js(doc, "annex_tasks.2.number"), "\"2.1\"");
	CHECK_STR(js(doc, "warnings"), "[]");
	/* A notice that lists its tasks itself: 1. opens the text proper. */
	doc = run("关于做好防汛工作的通知\n各乡镇、各单位：\n现就有关事项通知如下：\n"
	          "1.落实责任。5月底前落实责任人。（县水利局负责）\n2.排查隐患。（县应急局负责）\n"
	          "县防汛指挥部办公室\n2025年4月1日\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"县应急局\"]");
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2025-05-31\"");
	CHECK_STR(js(doc, "issuer"), "\"县防汛指挥部办公室\"");
}

/* Issue 12: every note form. */
static void notes12(void)
{
	struct value *doc = run(doc_of(
		"1.甲。内容。（牵头单位：市发改委，配合单位：市财政局、市统计局）\n"
		"2.乙。内容。负责部门：市应急局。适用范围：全市。\n"
		"3.丙。内容。主责单位：市民政局；协办单位：市卫健委。\n"
		"4.丁。内容（市商务厅牵头，合肥海关、省贸促会按职责分工负责）\n"
		"5.戊。内容。由市住建局负责统筹。\n"
		"6.己。内容。市公安局牵头，市司法局、各区参与。\n"
		"7.庚。内容（市县党委组织部、宣传部、党校负责，下同）\n"
		"8.辛。内容（责任单位：黄埔区、天河区人民政府，市工信局）\n"
		"9.壬。内容（市科技局、市工信局、市投促局等各产业、招商主管部门负责）\n"
		"10.癸。内容（5月底取得成效，牵头考核单位：市审批局）"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"市发改委\"]");
	CHECK_STR(js(doc, "tasks.0.support"), "[\"市财政局\",\"市统计局\"]");
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"市应急局\"]");
	CHECK_STR(js(doc, "tasks.2.lead"), "[\"市民政局\"]");
	CHECK_STR(js(doc, "tasks.2.support"), "[\"市卫健委\"]");
	CHECK_STR(js(doc, "tasks.3.lead"), "[\"市商务厅\"]");
	CHECK_STR(js(doc, "tasks.3.support"), "[\"合肥海关\",\"省贸促会\"]");
	CHECK_STR(js(doc, "tasks.4.lead"), "[\"市住建局\"]");
	CHECK_STR(js(doc, "tasks.5.lead"), "[\"市公安局\"]");
	CHECK_STR(js(doc, "tasks.5.support"), "[\"市司法局\",\"各区\"]");
	CHECK_STR(js(doc, "tasks.6.lead"), "[\"市县党委组织部\",\"市县党委宣传部\",\"市县党委党校\"]");
	CHECK_STR(js(doc, "tasks.7.lead"), "[\"黄埔区人民政府\",\"天河区人民政府\",\"市工信局\"]");
	CHECK_STR(js(doc, "tasks.8.lead"), "[\"市科技局\",\"市工信局\",\"市投促局\"]");
	CHECK_STR(js(doc, "tasks.9.lead"), "[\"市审批局\"]");
	CHECK_STR(js(doc, "tasks.9.deadlines.0.text"), "\"5月底\"");

	/* 牵头单位 beside 责任单位: the latter support; a unit marked （牵头） in a list. */
	doc = run(doc_of("1.甲。内容。（牵头单位：市发改委；责任单位：市财政局、市统计局）\n"
	                 "2.乙。内容。\n责任单位：市住建局（牵头）、市规划局\n"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"市发改委\"]");
	CHECK_STR(js(doc, "tasks.0.support"), "[\"市财政局\",\"市统计局\"]");
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"市住建局\"]");
	CHECK_STR(js(doc, "tasks.1.support"), "[\"市规划局\"]");

	/* Role words inside a labelled list; 等 before 按职责分工. */
	doc = run(doc_of("1.甲。内容。（责任单位：市财政局牵头，市税务局配合）\n"
	                 "2.乙。内容。（市委组织部、市委宣传部等按职责分工负责）\n"
	                 "3.丙。内容。（责任单位：市发改委，各区按职责分工负责）\n"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"市财政局\"]");
	CHECK_STR(js(doc, "tasks.0.support"), "[\"市税务局\"]");
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"市委组织部\",\"市委宣传部\"]");
	CHECK_STR(js(doc, "tasks.2.lead"), "[\"市发改委\",\"各区\"]");

	/* A time inside a note stays a deadline, never a unit. */
	doc = run(doc_of("1.甲。内容。（责任单位：市发改委；完成时限：2025年6月底前）\n"
	                 "2.乙。内容。（市卫健委负责，2025年底前完成）\n"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"市发改委\"]");
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2025-06-30\"");
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"市卫健委\"]");
	CHECK_STR(js(doc, "tasks.1.deadlines.0.date"), "\"2025-12-31\"");

	/* A document's rule: the unit listed first leads; a standing unit. */
	doc = run("某方案\n各项任务中排在第一位的部门为牵头部门。\n一、任务\n1.甲。内容（市发改委、市财政局负责）\n"
	          "2.乙。内容（交通运输部、海关总署和各地方人民政府按职责分工负责。以下均需地方人民政府负责，不再列出）\n"
	          "3.丙。内容（商务部负责）\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"市发改委\"]");
	CHECK_STR(js(doc, "tasks.0.support"), "[\"市财政局\"]");
	CHECK_STR(js(doc, "tasks.2.lead"), "[\"商务部\",\"地方人民政府\"]");
}

/* Issue 12: header forms. */
static void header12(void)
{
	struct value *doc = run("穗工信函〔2025〕256号\n\n国务院办公厅关于进一步加大\n\n稳就业政策支持力度的通知\n\n"
	                        "各省人民政府：\n\n现通知如下：\n\n一、支持企业\n\n（一）加大。内容。\n\n"
	                        "特此通知。\n\n海关总署 国家移民局 民航局\n\n2025年7月3日\n\n（本文有删减）\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "doc_no"), "\"穗工信函〔2025〕256号\"");
	CHECK_STR(js(doc, "notice_title"), "\"国务院办公厅关于进一步加大稳就业政策支持力度的通知\"");
	CHECK_STR(js(doc, "date"), "\"2025-07-03\"");
	CHECK_STR(js(doc, "issuer"), "\"海关总署、国家移民局、民航局\"");
	CHECK(strstr(js(doc, "tasks.0.body"), "特此通知") == NULL);
	CHECK_STR(js(doc, "unplaced"), "[]");

	doc = run("深工信〔2025〕44号\n各有关单位：\n现将《某市行动计划（2025—2027年）》印发给你们。\n"
	          "某市工业和信息化局\n二〇二五年三月三日\n一、任务\n1.甲。内容。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "title"), "\"某市行动计划（2025—2027年）\"");
	CHECK_STR(js(doc, "date"), "\"2025-03-03\"");
	CHECK_STR(js(doc, "period"), "[2025,2027]");
	CHECK_STR(js(doc, "issuer"), "\"某市工业和信息化局\"");

	doc = run("推进改造的几项措施\n1.摸清底数。内容。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "title"), "\"推进改造的几项措施\"");
	CHECK_STR(js(doc, "unplaced"), "[]");
}

/* Issue 12: dates with their year from context, and targets. */
static void dates12(void)
{
	struct value *doc = run("某区工作方案\n一、任务\n1.甲。今年年底前完成。\n2.乙。明年上半年建成。\n"
	                        "3.丙。到三季度完成，四季度验收。\n4.丁。2021年建成投用。\n"
	                        "5.戊。2024年6月14日印发的通知同时废止，有效期至2026年12月31日。\n"
	                        "某区人民政府\n2025年3月1日\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2025-12-31\"");
	CHECK_STR(js(doc, "tasks.1.deadlines.0.date"), "\"2026-06-30\"");
	CHECK_STR(js(doc, "tasks.2.deadlines.0.date"), "\"2025-09-30\"");
	CHECK_STR(js(doc, "tasks.2.deadlines.1.date"), "\"2025-12-31\"");
	CHECK_STR(js(doc, "tasks.3.deadlines.0.date"), "\"2021-12-31\"");
	CHECK_STR(js(doc, "tasks.4.deadlines"), "[]");
	doc = run("某区工作方案\n一、任务\n1.甲。于2025年6月30日前完成验收。\n2.乙。从2025年起实施。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2025-06-30\"");
	CHECK_STR(js(doc, "tasks.1.deadlines"), "[]");
	/* The year of the task's own section comes first. */
	doc = run("某区工作方案（2025—2026年）\n一、2026年重点任务\n1.甲。6月底前完成。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2026-06-30\"");

	doc = run(doc_of(
		"1.甲。实现“覆盖率达到60%”的目标。\n"
		"2.乙。3年内引进200名人才，建成15座以上充电站，新增停车位500个。\n"
		"3.丙。新增5G基站1000座。\n"
		"4.丁。对营业额达到500万元以上的企业，按投资额的30%给予补贴，每引进1名人才奖励1万元。\n"
		"5.戊。返还比例由60%提至90%。\n"
		"6.己。推荐3个以上岗位。\n"));
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.targets.0.value"), "60");
	CHECK_STR(js(doc, "tasks.1.targets.0.value"), "200");
	CHECK_STR(js(doc, "tasks.1.targets.0.unit"), "\"名\"");
	CHECK_STR(js(doc, "tasks.1.targets.1.value"), "15");
	CHECK_STR(js(doc, "tasks.1.targets.1.unit"), "\"座\"");
	CHECK_STR(js(doc, "tasks.1.targets.2.value"), "500");
	CHECK_STR(js(doc, "tasks.2.targets.0.value"), "1000");
	CHECK_STR(js(doc, "tasks.3.targets"), "[]");
	CHECK_STR(js(doc, "tasks.4.targets.0.value"), "90");
	CHECK_STR(js(doc, "tasks.4.targets.1"), "(none)");
	CHECK_STR(js(doc, "tasks.5.targets.0.value"), "3");
}

/* Issue 12: tables, as TAB rows and flattened. */
static void tables(void)
{
	struct value *doc = run("某清单\n\n序号\t类别\t任务名称\t牵头部门\t配合部门\t完成时限\n"
	                        "1\t甲类\t任务一。\t市发改委\t市财政局\t2025年6月底前\n"
	                        "2\t\t任务二。\t市财政局\t\t持续推进\n"
	                        "\t\t续写。\t\t\t\n\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"市发改委\"]");
	CHECK_STR(js(doc, "tasks.0.support"), "[\"市财政局\"]");
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2025-06-30\"");
	CHECK_STR(js(doc, "tasks.1.group"), "\"甲类\"");
	CHECK_STR(js(doc, "tasks.1.deadlines"), "[]");
	CHECK(strstr(js(doc, "tasks.1.body"), "续写") != NULL);

	doc = run("某清单\n序号\n类别\n工作任务\n责任单位\n完成时限\n1\n甲类\n任务一，\n分两行。\n市发改委\n2025年6月底前\n"
	          "2\n任务二。\n市财政局\n年底前\n以上任务按时报送。\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.title"), "\"任务一，分两行\"");
	CHECK_STR(js(doc, "tasks.1.group"), "\"甲类\"");
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"市财政局\"]");
	CHECK_STR(js(doc, "tasks.2"), "(none)");
	CHECK_STR(js(doc, "unplaced"), "[]");

	/* Flattened, with a column of no known kind. */
	doc = run("某清单\n序号\n工作任务\n责任领导\n责任单位\n完成时限\n1\n建设学校。\n张三\n县教育局\n年底前\n"
	          "2\n建设医院。\n李四\n县卫健局\n三季度\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"县教育局\"]");
	CHECK_STR(js(doc, "tasks.1.lead"), "[\"县卫健局\"]");
	CHECK(strstr(js(doc, "tasks.1.body"), "李四") != NULL);

	/* A column of no known kind is kept; a header cell with a bracketed note is known. */
	doc = run("某清单\n\n序号\t主要任务\t责任领导\t责任单位（部门）\t完成时限（年月）\n"
	          "1\t建成文化中心。\t张三\t区文广旅体局\t2025年9月\n\n");
	CHECK(doc != NULL);
	if (!doc)
		return;
	CHECK_STR(js(doc, "tasks.0.lead"), "[\"区文广旅体局\"]");
	CHECK_STR(js(doc, "tasks.0.deadlines.0.date"), "\"2025-09-30\"");
	CHECK_STR(js(doc, "tasks.0.deadlines.0.what"), "\"建成文化中心\"");
	CHECK(strstr(js(doc, "tasks.0.body"), "张三") != NULL);
}

int main(void)
{
	A = arena_new();
	numbering();
	section_numbers();
	paren_tasks();
	attachments();
	notes12();
	header12();
	dates12();
	tables();
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
