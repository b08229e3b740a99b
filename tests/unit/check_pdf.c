/* check_pdf.c: unit tests for pdf.c: lines joined into paragraphs, page
 * numbers and running headers dropped, table rows, and pdftotext run on PDFs
 * the test writes (Chinese text through a ToUnicode map), with its failures. */
#include <stdlib.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "check.h"
#include "docread.h"
#include "mkdoc.h"
#include "pdf.h"

static char got[1 << 16];

static const char *paras(const char *text)
{
	struct buf b = BUF_INIT;
	pdf_paragraphs(text, strlen(text), &b, NULL);
	snprintf(got, sizeof got, "%s", buf_cstr(&b));
	buf_free(&b);
	return got;
}

#define L(s) s "\n"

int main(void)
{
	/* Lines that reach the right margin continue; nothing is put between Chinese
	 * characters; a short line ends its paragraph; a heading number starts one. */
	CHECK_STR(paras(L("一、总体要求")
	                L("    加快推进数字政府建设，全面提升政务服务")
	                L("水平，到2025年实现政务服务事项全程网办")
	                L("率达到90%。")
	                L("    1.加强组织领导。各地要把数字政府建设")
	                L("2.完善工作机制。建立健全统筹协调机制，")
	                L("（一）强化保障")
	                L("第三条 适用范围")
	                L("    Open data is joined with a space across")
	                L("line ends, as English words need.")),
	          "一、总体要求\n加快推进数字政府建设，全面提升政务服务水平，到2025年实现政务服务事项全程网办率达到90%。\n"
	          "1.加强组织领导。各地要把数字政府建设\n2.完善工作机制。建立健全统筹协调机制，\n"
	          "（一）强化保障\n第三条 适用范围\n"
	          "Open data is joined with a space across line ends, as English words need.\n");
	/* One overlong line (a web address) does not move the right margin. */
	CHECK_STR(paras(L("    加快推进数字政府建设，全面提升政务服务")
	                L("水平，到2025年实现政务服务事项全程网办")
	                L("率达到90%。")
	                L("    网址：https://www.example.gov.cn/zwgk/zcwj/2025/03/18/content_000000001.html")
	                L("    各地要把数字政府建设摆在突出位置，统筹")
	                L("推进。")),
	          "加快推进数字政府建设，全面提升政务服务水平，到2025年实现政务服务事项全程网办率达到90%。\n"
	          "网址：https://www.example.gov.cn/zwgk/zcwj/2025/03/18/content_000000001.html\n"
	          "各地要把数字政府建设摆在突出位置，统筹推进。\n");
	/* A full line ending a sentence continues unless the next line is indented. */
	CHECK_STR(paras(L("    各部门要切实履行职责，抓好任务落实工作。")
	                L("要加强督促检查，确保各项措施落到实处（市")
	                L("政府办牵头）。")
	                L("    二是强化宣传引导，营造良好社会氛围。")),
	          "各部门要切实履行职责，抓好任务落实工作。要加强督促检查，确保各项措施落到实处（市政府办牵头）。\n"
	          "二是强化宣传引导，营造良好社会氛围。\n");
	/* Page numbers and a running header go; a paragraph broken by a page break
	 * joins across it; a lone number inside a page stays. */
	CHECK_STR(paras(L("某某市人民政府办公室文件")
	                L("    加快推进数字政府建设，全面提升政务服务")
	                L("                  - 1 -")
	                "\f"
	                L("某某市人民政府办公室文件")
	                L("")
	                L("水平，到2025年实现全程网办。")
	                L("2")
	                L("第2页 共3页")
	                "\f"
	                L("某某市人民政府办公室文件")
	                L("附件")
	                L("— 3 —")),
	          "加快推进数字政府建设，全面提升政务服务水平，到2025年实现全程网办。\n2\n附件\n");
	CHECK_STR(paras(L("    正文第一页，内容较长的一行") L("结束。") L("3") "\f" L("    第二页。") L("4/9")),
	          "正文第一页，内容较长的一行结束。\n第二页。\n");
	/* Table rows: gaps of PDF_CELL_GAP spaces become one TAB; rows are never joined. */
	CHECK_STR(paras(L("序号    任务名称            牵头单位      完成时限")
	                L("1       建设5G基站          市工信局      2025年底")
	                L("2       完善 数据 共享      市数据局")
	                L("")
	                L("注：本表由市政府办负责解释。")),
	          "序号\t任务名称\t牵头单位\t完成时限\n1\t建设5G基站\t市工信局\t2025年底\n"
	          "2\t完善 数据 共享\t市数据局\t\n\n注：本表由市政府办负责解释。\n");
	CHECK_STR(paras(L("附表")
	                L("序号    任务")
	                L("1       建设")
	                L("说明")),
	          "附表\n\n序号\t任务\n1\t建设\n\n说明\n");
	CHECK_STR(paras(L("附表") L("序号    任务")), "附表\n\n序号\t任务\n\n");
	/* An indented paragraph right after a table is not a wrapped cell. */
	CHECK_STR(paras(L("序号   任务      单位")
	                L("1      建设      市局")
	                L("     以上任务由各单位按职责分工抓好落实，确保取得实效。")),
	          "序号\t任务\t单位\n1\t建设\t市局\n\n以上任务由各单位按职责分工抓好落实，确保取得实效。\n");
	/* A cell wrapped over lines continues its row; a row of a group (its first cell
	 * empty but most cells there) does not; blank lines between rows go. */
	CHECK_STR(paras(L("附件")
	                L("序号   任务名称       牵头单位     配合单位     完成时限")
	                L("1      建设5G基站     市工信局     市住建局     2025年底")
	                L("       和配套设施               市交通局")
	                L("")
	                L("2      完善数据共享   市数据局     各区政府     2026年")
	                L("       加快数据开放   市数据局     市财政局     2027年")
	                L("")
	                L("    以上任务由各单位按职责分工落实。")),
	          "附件\n\n序号\t任务名称\t牵头单位\t配合单位\t完成时限\n"
	          "1\t建设5G基站和配套设施\t市工信局\t市住建局市交通局\t2025年底\n"
	          "2\t完善数据共享\t市数据局\t各区政府\t2026年\n"
	          "\t加快数据开放\t市数据局\t市财政局\t2027年\n\n"
	          "以上任务由各单位按职责分工落实。\n");
	/* Each line's page: where it starts (a paragraph broken by a page break: its first). */
	{
		static const char two[] = "    第一段较长的文字内容，一直写到\n页边还没有结束\n- 1 -\n"
		                          "\f    第二段从第一页写到第二页的\n- 2 -\n"
		                          "\f接着写完。\n\n序号    任务\n1       建设\n";
		struct buf b = BUF_INIT;
		struct docread_map m = { 0 };
		pdf_paragraphs(two, sizeof two - 1, &b, &m);
		CHECK_STR(buf_cstr(&b), "第一段较长的文字内容，一直写到页边还没有结束\n第二段从第一页写到第二页的接着写完。\n"
		                        "\n序号\t任务\n1\t建设\n\n");
		static const int pages[] = { 1, 2, 3, 3, 3, 3 };
		CHECK_INT(m.n, 6);
		for (size_t i = 0; i < m.n && i < 6; i++)
			CHECK_INT(m.v[i].unit, pages[i]);
		docread_map_free(&m);
		buf_free(&b);
	}
	CHECK_STR(paras(""), "");
	CHECK_STR(paras("\f\f\n\n"), "");

	/* pdftotext on a PDF written here (the same text through the repair). */
	char pdf[] = "/tmp/check_pdf.XXXXXX";
	int fd = mkstemp(pdf);
	close(fd);
	static const char l1[] = "一、总体要求", l2[] = "加快推进数字政府建设，提升政务", l3[] = "服务水平，到 2025 年全面建成。",
	                  l4[] = "1.加强组织领导", l5[] = "- 1 -", l6[] = "2.完善工作机制（市政府办负责）",
	                  l7[] = "- 2 -";
	struct mkdoc_line lines[] = {
		{ 0, 72, 780, l1, sizeof l1 - 1 }, { 0, 96, 760, l2, sizeof l2 - 1 },
		{ 0, 72, 740, l3, sizeof l3 - 1 }, { 0, 96, 720, l4, sizeof l4 - 1 },
		{ 0, 270, 60, l5, sizeof l5 - 1 }, { 1, 96, 780, l6, sizeof l6 - 1 },
		{ 1, 270, 60, l7, sizeof l7 - 1 },
	};
	CHECK_INT(mkdoc_pdf(pdf, lines, sizeof lines / sizeof lines[0], 2), 0);
	struct buf out = BUF_INIT;
	struct diags d;
	diags_init(&d);
	CHECK_INT(docread_text(pdf, DOCREAD_PDF, &out, NULL, &d), 0);
	CHECK_STR(buf_cstr(&out), "一、总体要求\n加快推进数字政府建设，提升政务服务水平，到2025年全面建成。\n"
	                          "1.加强组织领导\n2.完善工作机制（市政府办负责）\n");
	if (d.n)
		fprintf(stderr, "%s\n", d.v[0].msg);
	CHECK_INT(d.nerrors, 0);
	/* A table as pdftotext lays it out: columns placed by where they stand on the
	 * page, a wrapped cell joined to its row. */
	{
		static const char *t[][4] = { { "序号", "任务名称", "牵头单位", "完成时限" },
		                              { "1", "建设5G基站", "市工信局", "2025年底" },
		                              { "", "和配套设施", "市住建局", "" },
		                              { "2", "完善数据共享", "市数据局", "2026年" } };
		static const int xs[4] = { 72, 120, 300, 420 };
		struct mkdoc_line tl[16];
		size_t nt = 0;
		for (int r = 0; r < 4; r++)
			for (int k = 0; k < 4; k++)
				if (*t[r][k]) {
					tl[nt].page = 0;
					tl[nt].x = xs[k];
					tl[nt].y = 700 - 20 * r;
					tl[nt].s = t[r][k];
					tl[nt].n = strlen(t[r][k]);
					nt++;
				}
		CHECK_INT(mkdoc_pdf(pdf, tl, nt, 1), 0);
		buf_reset(&out);
		CHECK_INT(docread_text(pdf, DOCREAD_PDF, &out, NULL, &d), 0);
		CHECK_STR(buf_cstr(&out), "序号\t任务名称\t牵头单位\t完成时限\n1\t建设5G基站和配套设施\t市工信局市住建局\t2025年底\n"
		                          "2\t完善数据共享\t市数据局\t2026年\n\n");
	}
	/* A PDF with no text (a scan) is an error that says so. */
	CHECK_INT(mkdoc_pdf(pdf, lines, 0, 1), 0);
	buf_reset(&out);
	CHECK_INT(pdf_read(pdf, NULL, &out, NULL, &d), -1);
	CHECK(d.n == 1 && strstr(d.v[0].msg, "no text") != NULL);
	/* A damaged PDF: pdftotext's own failure. */
	FILE *fp = fopen(pdf, "w");
	fputs("%PDF-1.4\nnot a pdf at all\n", fp);
	fclose(fp);
	CHECK_INT(pdf_read(pdf, NULL, &out, NULL, &d), -1);
	CHECK_INT(d.nerrors, 2);
	/* pdftotext missing: the message names the package. */
	struct pdf_opts o = { "/nonexistent/pdftotext", 0 };
	CHECK_INT(pdf_read(pdf, &o, &out, NULL, &d), -1);
	CHECK(d.n == 3 && strstr(d.v[2].msg, "poppler-utils") != NULL);
	/* PDF_MAX_SECONDS: a reader that hangs is stopped (here after one second). */
	char hang[] = "/tmp/check_pdf_hang.XXXXXX";
	fd = mkstemp(hang);
	CHECK(write(fd, "#!/bin/sh\nexec sleep 30\n", 24) == 24);
	close(fd);
	chmod(hang, 0700);
	struct pdf_opts slow = { hang, 1 };
	CHECK_INT(pdf_read(pdf, &slow, &out, NULL, &d), -1);
	CHECK(d.n == 4 && strstr(d.v[3].msg, "more than 1 seconds") != NULL);
	/* PDF_MAX_TEXT: a reader that floods is stopped. */
	fd = open(hang, O_WRONLY | O_TRUNC);
	const char *flood = "#!/bin/sh\nexec yes 一二三四五六七八九十\n";
	CHECK(write(fd, flood, strlen(flood)) == (ssize_t)strlen(flood));
	close(fd);
	struct pdf_opts loud = { hang, 20 };
	CHECK_INT(pdf_read(pdf, &loud, &out, NULL, &d), -1);
	CHECK(d.n == 5 && strstr(d.v[4].msg, "more than") != NULL);
	unlink(hang);
	/* PDF_MAX_FILE: a larger file is refused before pdftotext runs (a sparse file here). */
	CHECK_INT(truncate(pdf, (off_t)PDF_MAX_FILE + 1), 0);
	CHECK_INT(pdf_read(pdf, NULL, &out, NULL, &d), -1);
	CHECK(d.n == 6 && strstr(d.v[5].msg, "larger than") != NULL);
	unlink(pdf);
	buf_free(&out);
	diags_free(&d);
	return CHECK_DONE("check_pdf");
}
