/* check_docx.c: unit tests for docx.c: number formats, Word's list counters
 * (levels, restarts, overrides, styles), runs and breaks, tables with merged
 * cells, and hostile files (XML bombs, external entities, zip bombs, depth). */
#include <iconv.h>
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "docread.h"
#include "docx.h"
#include "mkdoc.h"

static char got[1 << 16];

static const char *fmt(const char *f, long n)
{
	struct buf b = BUF_INIT;
	docx_format_number(f, n, &b);
	snprintf(got, sizeof got, "%s", buf_cstr(&b));
	buf_free(&b);
	return got;
}

#define DOC_HEAD "<w:document xmlns:w=\"" MKDOC_W "\" " \
	"xmlns:mc=\"http://schemas.openxmlformats.org/markup-compatibility/2006\"><w:body>"
#define DOC_TAIL "</w:body></w:document>"
#define P(num, lvl, text) "<w:p><w:pPr><w:numPr><w:ilvl w:val=\"" #lvl "\"/><w:numId w:val=\"" #num \
	"\"/></w:numPr></w:pPr><w:r><w:t>" text "</w:t></w:r></w:p>"
#define T(text) "<w:p><w:r><w:t>" text "</w:t></w:r></w:p>"

/* The repaired text of a document body; errors counted in *nerr. */
static const char *text_of(const char *body, const char *numbering, const char *styles, int *rc)
{
	struct buf doc = BUF_INIT, raw = BUF_INIT, out = BUF_INIT;
	struct diags d;
	diags_init(&d);
	buf_puts(&doc, DOC_HEAD);
	buf_puts(&doc, body);
	buf_puts(&doc, DOC_TAIL);
	*rc = docx_parse("t.docx", doc.data, doc.len, numbering, numbering ? strlen(numbering) : 0,
	                 styles, styles ? strlen(styles) : 0, &raw, NULL, &d);
	docread_repair(raw.data ? raw.data : "", raw.len, &out);
	snprintf(got, sizeof got, "%s", buf_cstr(&out));
	if (*rc < 0 && d.n > 0)
		fprintf(stderr, "(expected error: %s)\n", d.v[0].msg);
	buf_free(&doc);
	buf_free(&raw);
	buf_free(&out);
	diags_free(&d);
	return got;
}

static const char numbering[] =
	"<w:numbering xmlns:w=\"" MKDOC_W "\">"
	"<w:abstractNum w:abstractNumId=\"1\">"
	"<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/><w:suff w:val=\"nothing\"/></w:lvl>"
	"<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"（%2）\"/><w:suff w:val=\"nothing\"/></w:lvl>"
	"<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%3.\"/></w:lvl>"
	"<w:lvl w:ilvl=\"3\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"（%4）\"/></w:lvl>"
	"</w:abstractNum>"
	/* Level 1 numbered straight through (never restarts), level 2 restarts only after level 0. */
	"<w:abstractNum w:abstractNumId=\"2\">"
	"<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCountingThousand\"/><w:lvlText w:val=\"%1、\"/></w:lvl>"
	"<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:lvlRestart w:val=\"0\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%2．\"/></w:lvl>"
	"<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:lvlRestart w:val=\"1\"/><w:numFmt w:val=\"lowerLetter\"/><w:lvlText w:val=\"%3)\"/></w:lvl>"
	"</w:abstractNum>"
	/* Outline numbers 1 / 1.1 / 1.1.1, and one legal level under a Chinese one. */
	"<w:abstractNum w:abstractNumId=\"3\">"
	"<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1\"/></w:lvl>"
	"<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2\"/></w:lvl>"
	"<w:lvl w:ilvl=\"2\"><w:start w:val=\"1\"/><w:isLgl/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2.%3\"/></w:lvl>"
	"</w:abstractNum>"
	"<w:abstractNum w:abstractNumId=\"4\">"
	"<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"第%1章\"/></w:lvl>"
	"<w:lvl w:ilvl=\"1\"><w:start w:val=\"1\"/><w:isLgl/><w:numFmt w:val=\"decimal\"/><w:lvlText w:val=\"%1.%2\"/></w:lvl>"
	"</w:abstractNum>"
	"<w:abstractNum w:abstractNumId=\"5\">"
	"<w:lvl w:ilvl=\"0\"><w:numFmt w:val=\"bullet\"/><w:lvlText w:val=\"\xEF\x82\xB7\"/></w:lvl>"
	"</w:abstractNum>"
	"<w:abstractNum w:abstractNumId=\"6\">"
	"<w:lvl w:ilvl=\"0\"><w:start w:val=\"3\"/><w:numFmt w:val=\"ideographTraditional\"/><w:lvlText w:val=\"%1、\"/></w:lvl>"
	"</w:abstractNum>"
	"<w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/></w:num>"
	"<w:num w:numId=\"2\"><w:abstractNumId w:val=\"2\"/></w:num>"
	"<w:num w:numId=\"3\"><w:abstractNumId w:val=\"3\"/></w:num>"
	"<w:num w:numId=\"4\"><w:abstractNumId w:val=\"4\"/></w:num>"
	"<w:num w:numId=\"5\"><w:abstractNumId w:val=\"5\"/></w:num>"
	"<w:num w:numId=\"6\"><w:abstractNumId w:val=\"6\"/></w:num>"
	/* "Restart numbering": another list over abstract 1, level 2 starting again at 1. */
	"<w:num w:numId=\"9\"><w:abstractNumId w:val=\"1\"/>"
	"<w:lvlOverride w:ilvl=\"2\"><w:startOverride w:val=\"1\"/></w:lvlOverride></w:num>"
	"</w:numbering>";

static const char styles[] =
	"<w:styles xmlns:w=\"" MKDOC_W "\">"
	"<w:style w:type=\"paragraph\" w:styleId=\"Heading1\"><w:pPr><w:numPr><w:numId w:val=\"1\"/></w:numPr></w:pPr></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"Heading2\"><w:basedOn w:val=\"Heading1\"/><w:pPr><w:numPr><w:ilvl w:val=\"1\"/></w:numPr></w:pPr></w:style>"
	/* A cycle of basedOn must not hang. */
	"<w:style w:type=\"paragraph\" w:styleId=\"A\"><w:basedOn w:val=\"B\"/></w:style>"
	"<w:style w:type=\"paragraph\" w:styleId=\"B\"><w:basedOn w:val=\"A\"/></w:style>"
	"</w:styles>";

int main(void)
{
	int rc;

	/* Number formats. */
	CHECK_STR(fmt("decimal", 12), "12");
	CHECK_STR(fmt("decimalZero", 3), "03");
	CHECK_STR(fmt("chineseCounting", 1), "一");
	CHECK_STR(fmt("chineseCounting", 10), "十");
	CHECK_STR(fmt("chineseCounting", 11), "十一");
	CHECK_STR(fmt("chineseCounting", 16), "十六");
	CHECK_STR(fmt("chineseCounting", 20), "二十");
	CHECK_STR(fmt("chineseCounting", 53), "五十三");
	CHECK_STR(fmt("chineseCounting", 100), "一〇〇");
	CHECK_STR(fmt("chineseCountingThousand", 101), "一百零一");
	CHECK_STR(fmt("chineseCountingThousand", 110), "一百一十");
	CHECK_STR(fmt("chineseCountingThousand", 1005), "一千零五");
	CHECK_STR(fmt("chineseCountingThousand", 19), "十九");
	CHECK_STR(fmt("chineseLegalSimplified", 12), "壹拾贰");
	CHECK_STR(fmt("ideographDigital", 2019), "二〇一九");
	CHECK_STR(fmt("ideographTraditional", 1), "甲");
	CHECK_STR(fmt("ideographTraditional", 11), "甲");
	CHECK_STR(fmt("ideographZodiac", 2), "丑");
	CHECK_STR(fmt("upperRoman", 14), "XIV");
	CHECK_STR(fmt("lowerRoman", 4), "iv");
	CHECK_STR(fmt("upperLetter", 2), "B");
	CHECK_STR(fmt("lowerLetter", 27), "aa");
	CHECK_STR(fmt("decimalEnclosedCircle", 3), "③");
	CHECK_STR(fmt("decimalEnclosedParen", 1), "⑴");
	CHECK_STR(fmt("decimalFullWidth", 7), "７");
	CHECK_STR(fmt("bullet", 1), "");
	CHECK_STR(fmt("none", 1), "");
	CHECK_STR(fmt("someNewFormat", 5), "5");

	/* Counters per list and level: 一、（一）1. with level 2 restarting under each
	 * higher level; a bullet list prints no number. */
	CHECK_STR(text_of(P(1, 0, "总体要求") P(1, 1, "指导思想") P(1, 2, "加强领导")
	                  P(1, 2, "压实责任") P(1, 3, "细则") P(1, 1, "主要目标") P(1, 2, "到2020年")
	                  P(1, 0, "重点任务") P(1, 1, "夯实基础") P(1, 0, "保障措施") P(5, 0, "要点")
	                  P(6, 0, "丙项") P(6, 0, "丁项"),
	                  numbering, NULL, &rc),
	          "一、总体要求\n（一）指导思想\n1.加强领导\n2.压实责任\n（1）细则\n（二）主要目标\n1.到2020年\n"
	          "二、重点任务\n（一）夯实基础\n三、保障措施\n要点\n丙、丙项\n丁、丁项\n");
	CHECK_INT(rc, 0);
	/* lvlRestart: level 1 numbered straight through across level 0; level 2 restarts
	 * after level 0 only; ilvl missing is level 0. */
	CHECK_STR(text_of(P(2, 0, "甲") P(2, 1, "一") P(2, 2, "x") P(2, 1, "二") P(2, 2, "y")
	                  P(2, 0, "乙") P(2, 1, "三") P(2, 2, "z")
	                  "<w:p><w:pPr><w:numPr><w:numId w:val=\"2\"/></w:numPr></w:pPr><w:r><w:t>丙</w:t></w:r></w:p>",
	                  numbering, NULL, &rc),
	          "一、甲\n1.一\na） x\n2.二\nb） y\n二、乙\n3.三\na） z\n三、丙\n");
	/* Outline numbers and isLgl (a Chinese chapter shown as 2 inside 2.1). */
	CHECK_STR(text_of(P(3, 0, "A") P(3, 1, "B") P(3, 2, "C") P(3, 2, "D") P(3, 1, "E") P(3, 0, "F")
	                  P(3, 2, "G") P(4, 0, "总则") P(4, 0, "分则") P(4, 1, "条款"),
	                  numbering, NULL, &rc),
	          "1 A\n1.1 B\n1.1.1 C\n1.1.2 D\n1.2 E\n2 F\n2.1.1 G\n第一章总则\n第二章分则\n2.1条款\n");
	/* startOverride: "restart numbering" on list 9 (over abstract 1) starts level 2 at 1
	 * again, the first time list 9 is used only. */
	CHECK_STR(text_of(P(1, 2, "a") P(1, 2, "b") P(9, 2, "c") P(9, 2, "d") P(1, 2, "e"),
	                  numbering, NULL, &rc),
	          "1. a\n2. b\n1. c\n2. d\n3. e\n");
	/* Numbering from the paragraph's style (basedOn chain), numId 0 turns it off;
	 * a basedOn cycle ends. */
	CHECK_STR(text_of("<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/></w:pPr><w:r><w:t>总体要求</w:t></w:r></w:p>"
	                  "<w:p><w:pPr><w:pStyle w:val=\"Heading2\"/></w:pPr><w:r><w:t>目标</w:t></w:r></w:p>"
	                  "<w:p><w:pPr><w:pStyle w:val=\"Heading1\"/><w:numPr><w:numId w:val=\"0\"/></w:numPr></w:pPr>"
	                  "<w:r><w:t>附件</w:t></w:r></w:p>"
	                  "<w:p><w:pPr><w:pStyle w:val=\"A\"/></w:pPr><w:r><w:t>正文</w:t></w:r></w:p>",
	                  numbering, styles, &rc),
	          "一、总体要求\n（一）目标\n附件\n正文\n");
	CHECK_INT(rc, 0);
	/* A list over a list style (w:numStyleLink) counts with the style's list; a link
	 * to itself or to nothing ends. */
	{
		static const char linked[] =
			"<w:numbering xmlns:w=\"" MKDOC_W "\">"
			"<w:abstractNum w:abstractNumId=\"5\"><w:numStyleLink w:val=\"GovList\"/></w:abstractNum>"
			"<w:abstractNum w:abstractNumId=\"6\"><w:styleLink w:val=\"GovList\"/>"
			"<w:lvl w:ilvl=\"0\"><w:start w:val=\"1\"/><w:numFmt w:val=\"chineseCounting\"/><w:lvlText w:val=\"%1、\"/></w:lvl>"
			"</w:abstractNum>"
			"<w:abstractNum w:abstractNumId=\"8\"><w:numStyleLink w:val=\"Loop\"/></w:abstractNum>"
			"<w:num w:numId=\"3\"><w:abstractNumId w:val=\"5\"/></w:num>"
			"<w:num w:numId=\"7\"><w:abstractNumId w:val=\"6\"/></w:num>"
			"<w:num w:numId=\"8\"><w:abstractNumId w:val=\"8\"/></w:num>"
			"</w:numbering>";
		static const char liststyles[] =
			"<w:styles xmlns:w=\"" MKDOC_W "\">"
			"<w:style w:type=\"numbering\" w:styleId=\"GovList\"><w:pPr><w:numPr><w:numId w:val=\"7\"/></w:numPr></w:pPr></w:style>"
			"<w:style w:type=\"numbering\" w:styleId=\"Loop\"><w:pPr><w:numPr><w:numId w:val=\"8\"/></w:numPr></w:pPr></w:style>"
			"</w:styles>";
		CHECK_STR(text_of(P(3, 0, "总体要求") P(7, 0, "主要任务") P(3, 0, "保障措施") P(8, 0, "环"),
		                  linked, liststyles, &rc),
		          "一、总体要求\n二、主要任务\n三、保障措施\n环\n");
	}
	/* A list number with no numbering part, or an unknown list: the text alone. */
	CHECK_STR(text_of(P(1, 0, "无编号") P(42, 0, "未知"), NULL, NULL, &rc), "无编号\n未知\n");

	/* Runs join without spaces; w:tab is a space (gone between Chinese); w:br a new
	 * line (a page break none); deleted, hidden, field-code and fallback text left out;
	 * links, insertions and content controls read; blank paragraphs collapse. */
	CHECK_STR(text_of("<w:p><w:r><w:t>加快</w:t></w:r><w:r><w:rPr><w:b/></w:rPr><w:t>推进</w:t></w:r>"
	                  "<w:r><w:tab/><w:t>数字</w:t></w:r><w:hyperlink><w:r><w:t>政府</w:t></w:r></w:hyperlink>"
	                  "<w:del><w:r><w:delText>删掉</w:delText></w:r></w:del><w:ins><w:r><w:t>建设</w:t></w:r></w:ins>"
	                  "<w:r><w:rPr><w:vanish/></w:rPr><w:t>隐藏</w:t></w:r>"
	                  "<w:r><w:fldChar w:fldCharType=\"begin\"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>"
	                  "<w:r><w:fldChar w:fldCharType=\"end\"/></w:r>"
	                  "<mc:AlternateContent><mc:Choice Requires=\"wps\"><w:r><w:t>。</w:t></w:r></mc:Choice>"
	                  "<mc:Fallback><w:r><w:t>重复</w:t></w:r></mc:Fallback></mc:AlternateContent></w:p>"
	                  "<w:p/><w:p/><w:p/>"
	                  "<w:p><w:r><w:t>关于印发</w:t><w:br/><w:t>实施方案的通知</w:t><w:br w:type=\"page\"/></w:r></w:p>"
	                  "<w:sdt><w:sdtContent><w:p><w:r><w:t xml:space=\"preserve\">Plan  A </w:t></w:r>"
	                  "<w:r><w:t>&amp; B</w:t></w:r></w:p></w:sdtContent></w:sdt>",
	                  NULL, NULL, &rc),
	          "加快推进数字政府建设。\n\n关于印发\n实施方案的通知\nPlan A & B\n");

	/* Tables: rows of TAB-separated cells, one per grid column, blank lines around;
	 * a horizontally merged cell followed by empty cells, a vertical group's text once;
	 * a cell's paragraphs joined (nothing between Chinese, a space otherwise). */
	CHECK_STR(text_of(T("附件")
	                  "<w:tbl><w:tblGrid><w:gridCol/><w:gridCol/><w:gridCol/><w:gridCol/></w:tblGrid>"
	                  "<w:tr><w:tc><w:p><w:r><w:t>序号</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:p><w:r><w:t>任务</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:p><w:r><w:t>牵头单位</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:p><w:r><w:t>完成时限</w:t></w:r></w:p></w:tc></w:tr>"
	                  "<w:tr><w:tc><w:tcPr><w:gridSpan w:val=\"4\"/></w:tcPr><w:p><w:r><w:t>一、基础建设</w:t></w:r></w:p></w:tc></w:tr>"
	                  "<w:tr><w:tc><w:p><w:r><w:t>1</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:p><w:r><w:t>建设</w:t></w:r></w:p><w:p><w:r><w:t>5G基站</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:tcPr><w:vMerge w:val=\"restart\"/></w:tcPr><w:p><w:r><w:t>市工信局</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:p><w:r><w:t>2025年</w:t></w:r><w:r><w:br/><w:t>底前</w:t></w:r></w:p></w:tc></w:tr>"
	                  "<w:tr><w:tc><w:p><w:r><w:t>2</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:p><w:r><w:t>open</w:t></w:r></w:p><w:p><w:r><w:t>data</w:t></w:r></w:p></w:tc>"
	                  "<w:tc><w:tcPr><w:vMerge/></w:tcPr><w:p/></w:tc>"
	                  "<w:tc><w:p/></w:tc></w:tr>"
	                  "<w:tr><w:trPr><w:gridBefore w:val=\"1\"/></w:trPr>"
	                  "<w:tc><w:p><w:r><w:t>3</w:t><w:tab/><w:t>x</w:t></w:r></w:p></w:tc></w:tr>"
	                  "<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"
	                  "</w:tbl>" T("二、后续"),
	                  NULL, NULL, &rc),
	          "附件\n\n序号\t任务\t牵头单位\t完成时限\n一、基础建设\t\t\t\n1\t建设5G基站\t市工信局\t2025年底前\n"
	          "2\topen data\t\t\n\t3 x\n\n二、后续\n");
	/* A table of one column is a box: its paragraphs are lines (numbered ones counted). */
	CHECK_STR(text_of(T("正文")
	                  "<w:tbl><w:tblGrid><w:gridCol/></w:tblGrid><w:tr><w:tc>" T("专栏1 重点工程")
	                  P(1, 2, "工业互联网平台") P(1, 2, "标识解析节点") "</w:tc></w:tr></w:tbl>" P(1, 2, "后续"),
	                  numbering, NULL, &rc),
	          "正文\n\n专栏1重点工程\n1.工业互联网平台\n2.标识解析节点\n\n3.后续\n");
	/* Numbered paragraphs inside cells count, and a nested table's cells join the cell. */
	CHECK_STR(text_of("<w:tbl><w:tr><w:tc>" P(1, 2, "甲") P(1, 2, "乙") "</w:tc>"
	                  "<w:tc><w:tbl><w:tr><w:tc>" T("内") "</w:tc><w:tc>" T("表") "</w:tc></w:tr></w:tbl></w:tc>"
	                  "</w:tr></w:tbl>",
	                  numbering, NULL, &rc),
	          "1.甲2.乙\t内表\n\n");

	/* Each line's origin: its body paragraph (a line break keeps it), or table and row. */
	{
		static const char body[] = DOC_HEAD T("甲") "<w:p><w:r><w:t>乙</w:t><w:br/><w:t>丙</w:t></w:r></w:p>"
			"<w:p/><w:p/>" T("丁")
			"<w:tbl><w:tr><w:tc>" T("a") "</w:tc><w:tc>" T("x") "</w:tc></w:tr>"
			"<w:tr><w:tc><w:p/></w:tc><w:tc><w:p/></w:tc></w:tr>"
			"<w:tr><w:tc>" T("b") "</w:tc><w:tc>" T("y") "</w:tc></w:tr></w:tbl>" T("戊") DOC_TAIL;
		struct buf raw = BUF_INIT;
		struct docread_map m = { 0 };
		struct diags d0;
		diags_init(&d0);
		CHECK_INT(docx_parse("m.docx", body, strlen(body), NULL, 0, NULL, 0, &raw, &m, &d0), 0);
		CHECK_STR(buf_cstr(&raw), "甲\n乙\n丙\n\n丁\n\na\tx\nb\ty\n\n戊\n");
		static const int want[][2] = { { 1, 0 }, { 2, 0 }, { 2, 0 }, { 3, 0 }, { 5, 0 }, { 1, 1 },
		                               { 1, 1 }, { 1, 3 }, { 1, 3 }, { 6, 0 } };
		CHECK_INT(m.n, 10);
		for (size_t i = 0; i < m.n && i < 10; i++) {
			CHECK_INT(m.v[i].unit, want[i][0]);
			CHECK_INT(m.v[i].sub, want[i][1]);
		}
		docread_map_free(&m);
		docread_map_free(NULL);
		buf_free(&raw);
		diags_free(&d0);
	}

	/* Hostile XML: a DTD (entity bomb, external entity) is refused before parsing;
	 * broken XML is an error; neither crashes. */
	CHECK_STR(text_of("", NULL, NULL, &rc), "");
	CHECK_INT(rc, 0);
	struct buf out = BUF_INIT;
	struct diags d;
	diags_init(&d);
	static const char laughs[] =
		"<?xml version=\"1.0\"?><!DOCTYPE lolz [<!ENTITY lol \"lol\">"
		"<!ENTITY lol2 \"&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;\">"
		"<!ENTITY lol3 \"&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;\">]>"
		"<w:document xmlns:w=\"" MKDOC_W "\"><w:body><w:p><w:r><w:t>&lol3;</w:t></w:r></w:p></w:body></w:document>";
	CHECK_INT(docx_parse("bomb.docx", laughs, strlen(laughs), NULL, 0, NULL, 0, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, 1);
	CHECK(d.n == 1 && strstr(d.v[0].msg, "DTD") && strcmp(d.v[0].path, "bomb.docx") == 0);
	CHECK_INT(out.len, 0);
	static const char xxe[] =
		"<?xml version=\"1.0\"?><!DOCTYPE d [<!ENTITY x SYSTEM \"file:///etc/passwd\">]>"
		"<w:document xmlns:w=\"" MKDOC_W "\"><w:body><w:p><w:r><w:t>&x;</w:t></w:r></w:p></w:body></w:document>";
	CHECK_INT(docx_parse("xxe.docx", xxe, strlen(xxe), NULL, 0, NULL, 0, &out, NULL, &d), -1);
	CHECK(strstr(buf_cstr(&out), "root") == NULL);
	/* ... also in UTF-16, where the byte scan cannot see them: libxml2 parses
	 * without expanding entities, stops an entity bomb itself, and a DTD left
	 * in the tree is refused. */
	for (int k = 0; k < 2; k++) {
		const char *src = k == 0 ? laughs : xxe;
		iconv_t cv = iconv_open("UTF-16LE", "UTF-8");
		char wide[4096] = "\xFF\xFE";
		char *in = (char *)src + strlen("<?xml version=\"1.0\"?>"), *o = wide + 2;
		size_t inleft = strlen(in), oleft = sizeof wide - 2;
		CHECK(cv != (iconv_t)-1 && iconv(cv, &in, &inleft, &o, &oleft) != (size_t)-1);
		iconv_close(cv);
		struct diags d16;
		diags_init(&d16);
		buf_reset(&out);
		CHECK_INT(docx_parse("bomb16.docx", wide, (size_t)(o - wide), NULL, 0, NULL, 0, &out, NULL, &d16), -1);
		CHECK_INT(d16.nerrors, 1);
		CHECK(d16.n == 1 && (strstr(d16.v[0].msg, k ? "DTD" : "entity") != NULL));
		if (d16.n)
			fprintf(stderr, "(expected error: %s)\n", d16.v[0].msg);
		CHECK_INT(out.len, 0);
		diags_free(&d16);
	}
	static const char broken[] = "<w:document xmlns:w=\"" MKDOC_W "\"><w:body><w:p>";
	CHECK_INT(docx_parse("broken.docx", broken, strlen(broken), NULL, 0, NULL, 0, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, 3);
	CHECK(d.n == 3 && strstr(d.v[2].msg, "bad XML") != NULL);
	static const char notword[] = "<html><body/></html>";
	CHECK_INT(docx_parse("x.docx", notword, strlen(notword), NULL, 0, NULL, 0, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, 4);
	/* A numbering part with a DTD is refused too. */
	CHECK_INT(docx_parse("x.docx", broken, strlen(broken), laughs, strlen(laughs), NULL, 0, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, 5);
	/* DOCX_MAX_DEPTH: content controls nested deeper are an error, not a stack overflow. */
	struct buf deep = BUF_INIT;
	buf_puts(&deep, DOC_HEAD);
	for (int i = 0; i < DOCX_MAX_DEPTH / 2 + 10; i++)
		buf_puts(&deep, "<w:sdt><w:sdtContent>");
	buf_puts(&deep, T("深"));
	for (int i = 0; i < DOCX_MAX_DEPTH / 2 + 10; i++)
		buf_puts(&deep, "</w:sdtContent></w:sdt>");
	buf_puts(&deep, DOC_TAIL);
	CHECK_INT(docx_parse("deep.docx", deep.data, deep.len, NULL, 0, NULL, 0, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, 6);
	CHECK(d.n == 6 && strstr(d.v[5].msg, "deeper") != NULL);
	buf_free(&deep);
	/* DOCX_MAX_TEXT: list numbers cannot multiply a small part into gigabytes. */
	{
		struct buf num = BUF_INIT, many = BUF_INIT;
		buf_puts(&num, "<w:numbering xmlns:w=\"" MKDOC_W "\"><w:abstractNum w:abstractNumId=\"1\">"
		               "<w:lvl w:ilvl=\"0\"><w:start w:val=\"2600\"/><w:numFmt w:val=\"upperLetter\"/><w:lvlText w:val=\"");
		for (int i = 0; i < 250; i++)
			buf_puts(&num, "%1");
		buf_puts(&num, "\"/></w:lvl></w:abstractNum><w:num w:numId=\"1\"><w:abstractNumId w:val=\"1\"/></w:num></w:numbering>");
		buf_puts(&many, DOC_HEAD);
		for (int i = 0; i < 800; i++)
			buf_puts(&many, P(1, 0, "x"));
		buf_puts(&many, DOC_TAIL);
		buf_reset(&out);
		CHECK_INT(docx_parse("many.docx", many.data, many.len, num.data, num.len, NULL, 0, &out, NULL, &d), -1);
		CHECK_INT(d.nerrors, 7);
		CHECK(d.n == 7 && strstr(d.v[6].msg, "larger than") != NULL);
		CHECK(out.len < DOCX_MAX_TEXT + (1u << 20));
		buf_free(&num);
		buf_free(&many);
	}
	buf_free(&out);

	/* A real archive: header parts are not body text. */
	char path[] = "/tmp/check_docx.XXXXXX";
	int fd = mkstemp(path);
	close(fd);
	CHECK_INT(mkdoc_docx(path, P(1, 0, "总体要求") T("正文"), numbering, NULL), 0);
	CHECK_INT(docx_read(path, &out, NULL, &d), 0);
	CHECK_STR(buf_cstr(&out), "一、总体要求\n正文\n");
	buf_reset(&out);
	/* Zip bomb: a part that inflates past DOCX_MAX_PART is refused. */
	size_t big = DOCX_MAX_PART + 1;
	char *zeros = malloc(big);
	memset(zeros, ' ', big);
	const char *names[3] = { "[Content_Types].xml", "word/document.xml", "word/numbering.xml" };
	const char *datas[3] = { "<Types/>", zeros, "<x/>" };
	size_t lens[3] = { 8, big, 4 };
	CHECK_INT(mkdoc_zip(path, names, datas, lens, 2), 0);
	size_t before = d.nerrors;
	CHECK_INT(docx_read(path, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, before + 1);
	CHECK(strstr(d.v[d.n - 1].msg, "zip bomb") != NULL);
	/* ... and so is a bomb in the numbering part. */
	datas[1] = DOC_HEAD T("x") DOC_TAIL;
	lens[1] = strlen(datas[1]);
	datas[2] = zeros;
	lens[2] = big;
	CHECK_INT(mkdoc_zip(path, names, datas, lens, 3), 0);
	CHECK_INT(docx_read(path, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, before + 2);
	free(zeros);
	/* A document with no text (a scan pasted in as a picture) says so. */
	CHECK_INT(mkdoc_docx(path, "<w:p><w:r><w:drawing/></w:r></w:p><w:p/>", NULL, NULL), 0);
	CHECK_INT(docx_read(path, &out, NULL, &d), -1);
	CHECK(strstr(d.v[d.n - 1].msg, "no text") != NULL);
	before = d.nerrors;
	/* An archive without word/document.xml, and a file that is no archive. */
	CHECK_INT(mkdoc_zip(path, names, datas, lens, 1), 0);
	CHECK_INT(docx_read(path, &out, NULL, &d), -1);
	CHECK(strstr(d.v[d.n - 1].msg, "word/document.xml") != NULL);
	FILE *fp = fopen(path, "w");
	fputs("PK\x03\x04 not really", fp);
	fclose(fp);
	CHECK_INT(docx_read(path, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, before + 2);
	/* DOCX_MAX_FILE: a larger file is refused before libzip reads it (sparse here). */
	CHECK_INT(truncate(path, (off_t)DOCX_MAX_FILE + 1), 0);
	CHECK_INT(docx_read(path, &out, NULL, &d), -1);
	CHECK(strstr(d.v[d.n - 1].msg, "larger than") != NULL);
	unlink(path);
	buf_free(&out);
	diags_free(&d);
	return CHECK_DONE("check_docx");
}
