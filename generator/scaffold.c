/* scaffold.c: the text of the files planpress new writes. */
#include "scaffold.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "buf.h"
#include "output.h"
#include "utf8.h"
#include "xalloc.h"

/* The status words a bulletin may give, with their labels (the default
 * theme's i18n words), for the comment beside each update's status. */
static const char *const status_words[][3] = {
	{ "not_started", "未开始", "not started" },
	{ "in_progress", "进行中", "in progress" },
	{ "done", "已完成", "done" },
	{ "delayed", "已延期", "delayed" },
	{ "cancelled", "已取消", "cancelled" },
};

#define NSTATUS (sizeof status_words / sizeof status_words[0])

/* Takes b's text as the file path's content. */
static void add(struct scaffold *s, const char *path, struct buf *b, int if_missing)
{
	s->v = xrealloc(s->v, (s->n + 1) * sizeof *s->v);
	struct scaffold_file *f = &s->v[s->n++];
	f->path = xstrdup(path);
	f->data = buf_detach(b, &f->len);
	if (!f->data) {
		f->data = xstrdup("");
		f->len = 0;
	}
	f->if_missing = if_missing;
}

/* A YAML double-quoted scalar: always safe, whatever the text holds. */
static void yq(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\x%02x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

/* The same rules hold for a TOML basic string. */
static void tq(struct buf *b, const char *s)
{
	buf_putc(b, '"');
	for (const unsigned char *p = (const unsigned char *)s; *p; p++) {
		if (*p == '"' || *p == '\\')
			buf_printf(b, "\\%c", *p);
		else if (*p < 0x20 || *p == 0x7f)
			buf_printf(b, "\\u%04x", *p);
		else
			buf_putc(b, (char)*p);
	}
	buf_putc(b, '"');
}

/* ---- a new site ------------------------------------------------------------ */

static void site_toml(struct scaffold *s, const char *title, enum lang l)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "# planpress 站点配置，各项说明见 planpress(5)。\n"
	             "# planpress site settings; planpress(5) explains each key.\n"
	             "\n"
	             "# 站点名称，显示在每页页眉和浏览器标题栏。\n"
	             "# Site name, shown in every page header and in the browser title.\n"
	             "title = ");
	tq(&b, title);
	buf_puts(&b, "\n\n"
	             "# 内容语言：zh-CN（中文）或 en（英文），决定日期写法和页面上的固定文字。\n"
	             "# Content language: zh-CN (Chinese) or en (English); selects how dates and the theme's words read.\n"
	             "language = ");
	buf_puts(&b, l == LANG_EN ? "\"en\"" : "\"zh-CN\"");
	buf_puts(&b, "\n\n"
	             "# 站点根地址；留空则所有链接都用相对路径，可直接打开本地文件或放在任意子目录。\n"
	             "# Site root URL; empty means every link is relative, so the output works from disk or any subfolder.\n"
	             "base_url = \"\"\n"
	             "\n"
	             "# 使用的主题（themes/ 下的文件夹名，或随 planpress 安装的主题）。\n"
	             "# Theme to use (a folder name under themes/, or a theme installed with planpress).\n"
	             "theme = \"default\"\n"
	             "\n"
	             "# 统计截止日期：只计入此日及之前的进展通报，判断逾期也以此日为准。\n"
	             "# 不填时以最近一期通报的日期为准。\n"
	             "# Reporting cut-off: only bulletins dated on or before it count, and \"overdue\" is judged\n"
	             "# against it. Left out, the date of the latest bulletin is used.\n"
	             "# as_of = 2020-12-31\n"
	             "\n"
	             "# 自动摘要的长度（字符数），页面未用 <!--more--> 分隔时使用。\n"
	             "# Length of automatic summaries, in characters, for pages without a <!--more--> divider.\n"
	             "summary_length = 120\n"
	             "\n"
	             "[markdown]\n"
	             "# Markdown 渲染引擎：md4c 或 cmark。\n"
	             "# Markdown engine: md4c or cmark.\n"
	             "engine = \"md4c\"\n"
	             "\n"
	             "# 是否原样输出正文中的 HTML；关闭时一律转义，防止内容注入脚本。\n"
	             "# Whether raw HTML in page bodies is passed through; off means it is escaped, so content cannot inject scripts.\n"
	             "unsafe_html = false\n"
	             "\n"
	             "# 发布：planpress publish 把生成的站点提交到下面的 Git 仓库。去掉行首的 # 启用。\n"
	             "# Publishing: planpress publish commits the built site to this Git repository. Remove the # to use it.\n"
	             "# [publish]\n"
	             "# repo = \"../site.git\"\n"
	             "# branch = \"main\"\n"
	             "# author_name = \"党建工作办公室\"\n"
	             "# author_email = \"office@example.org\"\n");
	add(s, "site.toml", &b, 0);
}

static void page(struct scaffold *s, const char *path, const char *title, int weight, const char *extra,
                 const char *body)
{
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\ntitle: ");
	yq(&b, title);
	buf_putc(&b, '\n');
	if (weight)
		buf_printf(&b, "weight: %d\n", weight);
	buf_puts(&b, extra);
	buf_printf(&b, "---\n\n%s", body);
	add(s, path, &b, 0);
}

static const char cascade_zh[] =
	"# 本栏目下的页面都是进展通报（type: bulletin），不必逐篇填写。\n"
	"# Every page in this section is a bulletin (type: bulletin), so none needs to say it.\n"
	"cascade:\n"
	"  type: bulletin\n";

void scaffold_site(struct scaffold *s, const char *title, enum lang l)
{
	int en = l == LANG_EN;
	if (!title)
		title = en ? "Action plans and progress" : "行动计划进展公开";
	site_toml(s, title, l);
	page(s, "content/_index.md", title, 0, "",
	     en ? "This site publishes our action plans and the progress bulletins on them:\n"
	          "who leads each task, when it is due and how far it has come.\n"
	          "\n"
	          "- [Plans](plans/_index.md): each plan in full, and its tasks.\n"
	          "- [Progress bulletins](bulletins/_index.md): the progress of each task, as reported.\n"
	          "- [Notices](notices/_index.md): notices about the plans.\n"
	        : "本站公开本单位制定的行动计划，以及各牵头单位报送的工作进展通报，\n"
	          "方便了解每项任务由谁牵头、何时完成、目前做到了哪一步。\n"
	          "\n"
	          "- [行动计划](plans/_index.md)：各项计划的全文及任务分解。\n"
	          "- [工作进展通报](bulletins/_index.md)：每项任务的进度、完成的节点和指标实际值。\n"
	          "- [通知公告](notices/_index.md)：与计划实施有关的工作通知。\n");
	page(s, "content/plans/_index.md", en ? "Plans" : "行动计划", 1, "",
	     en ? "The plans being carried out. Start one with: planpress new plan ID\n"
	        : "这里列出正在实施的行动计划。新建计划：planpress new plan 计划标识\n");
	page(s, "content/bulletins/_index.md", en ? "Progress bulletins" : "工作进展通报", 2, cascade_zh,
	     en ? "Each bulletin reports the progress of the plans' tasks.\n"
	          "Start one with: planpress new bulletin\n"
	        : "工作进展通报列明有关任务的完成进度、工作状态、已完成的阶段节点和指标实际值。\n"
	          "新建一期通报：planpress new bulletin\n");
	page(s, "content/notices/_index.md", en ? "Notices" : "通知公告", 3, "",
	     en ? "Notices about the plans.\n" : "与计划实施有关的工作通知。\n");
}

/* ---- a plan and a task --------------------------------------------------- */

void scaffold_plan(struct scaffold *s, const char *id, int year, enum lang l)
{
	int en = l == LANG_EN;
	struct buf b = BUF_INIT, path = BUF_INIT;
	buf_puts(&b, "---\n"
	             "# 页面类型：行动计划。不要改动。\n"
	             "# The kind of page: a plan. Leave it as it is.\n"
	             "type: plan\n"
	             "# 计划标识，用在任务编号（标识/编号）和网址中；只用字母、数字和 - _ .\n"
	             "# The plan's id, used in task ids (id/number) and URLs: letters, digits, - _ and . only.\n"
	             "id: ");
	yq(&b, id);
	buf_puts(&b, "\n# 计划名称。\n# The plan's title.\n"
	             "title: ");
	yq(&b, en ? "Action plan (title)" : "行动计划名称");
	buf_puts(&b, "\n# 印发单位。\n# The body that issued it.\n"
	             "issuer: ");
	yq(&b, en ? "Issuing office" : "印发单位");
	buf_puts(&b, "\n# 文号。\n# Its document number.\n"
	             "doc_no: ");
	yq(&b, en ? "No. 1" : "〔文号〕1号");
	buf_puts(&b, "\n# 印发通知的标题（可不填）。\n# The title of the notice it was issued with (optional).\n"
	             "notice_title: ");
	yq(&b, en ? "Notice on issuing the action plan" : "关于印发行动计划的通知");
	buf_printf(&b, "\n# 印发日期。\n# The day it was issued.\n"
	               "date: %04d-01-01\n"
	               "# 在计划列表中的排序，小的在前。\n# Its place in lists of plans, lowest first.\n"
	               "weight: 1\n"
	               "# 实施期限：起止年份。\n# The years it runs, first and last.\n"
	               "period:\n  - %d\n  - %d\n"
	               "# 各年度的主题（可不填）。\n# A theme for each year (optional).\n"
	               "yearly_themes:\n",
	           year, year, year + 2);
	for (int y = year; y <= year + 2; y++) {
		buf_printf(&b, "  \"%d\": ", y);
		yq(&b, en ? "Theme of the year" : "年度主题");
		buf_putc(&b, '\n');
	}
	buf_puts(&b, "# 计划的章节：任务的 section 取其中一个编号。\n"
	             "# The plan's sections: a task's section names one of their numbers.\n"
	             "sections:\n");
	static const char *const secs_zh[][2] = { { "一", "总体要求" }, { "二", "主要任务" }, { "三", "保障措施" } };
	static const char *const secs_en[][2] = { { "1", "Aims" }, { "2", "Tasks" }, { "3", "Support" } };
	for (int k = 0; k < 3; k++) {
		buf_puts(&b, "  - number: ");
		yq(&b, en ? secs_en[k][0] : secs_zh[k][0]);
		buf_puts(&b, "\n    title: ");
		yq(&b, en ? secs_en[k][1] : secs_zh[k][1]);
		buf_putc(&b, '\n');
	}
	buf_puts(&b, "# 自定义字段写在 params: 下，原样交给模板。\n"
	             "# Fields of your own go under params:, passed to templates as they are.\n"
	             "# params:\n"
	             "#   contact: \"联系人\"\n"
	             "# 写 draft: true 则暂不发布（planpress build --drafts 可预览）。\n"
	             "# draft: true keeps it unpublished (planpress build --drafts shows it).\n"
	             "# draft: true\n"
	             "---\n\n");
	buf_puts(&b, en ? "The plan's text: why it is made, and what it aims at.\n\n"
	                  "<!--more-->\n\n"
	                  "## 1. Aims\n\n"
	                  "## 2. Tasks\n\n"
	                  "Add a task with: planpress new task ID NUMBER\n\n"
	                  "## 3. Support\n"
	                : "计划正文：制定本计划的依据和目的。\n\n"
	                  "<!--more-->\n\n"
	                  "## 一、总体要求\n\n"
	                  "## 二、主要任务\n\n"
	                  "新建任务：planpress new task 计划标识 任务编号\n\n"
	                  "## 三、保障措施\n");
	buf_printf(&path, "content/plans/%s/_index.md", id);
	add(s, buf_cstr(&path), &b, 0);
	buf_reset(&path);
	buf_printf(&path, "content/plans/%s/tasks/_index.md", id);
	page(s, buf_cstr(&path), en ? "Tasks" : "任务分解", 0, "",
	     en ? "The plan's tasks, in the plan's order.\n" : "本计划的各项任务，按计划章节顺序编号。\n");
	scaffold_plans_index(s, l);
	buf_free(&path);
}

void scaffold_plans_index(struct scaffold *s, enum lang l)
{
	int en = l == LANG_EN;
	page(s, "content/plans/_index.md", en ? "Plans" : "行动计划", 1, "",
	     en ? "The plans being carried out.\n" : "这里列出正在实施的行动计划。\n");
	s->v[s->n - 1].if_missing = 1;
}

char *scaffold_task_path(const char *plan, const char *number)
{
	struct buf b = BUF_INIT;
	int digits = *number != '\0';
	for (const char *p = number; *p; p++)
		digits &= IS_ASCII_DIGIT(*p);
	buf_printf(&b, "content/plans/%s/tasks/%s%s.md", plan, digits && strlen(number) == 1 ? "0" : "", number);
	return buf_detach(&b, NULL);
}

void scaffold_task(struct scaffold *s, const char *plan, const char *number,
                   const struct value *plan_meta, int year, enum lang l)
{
	int en = l == LANG_EN;
	const struct value *per = value_get(plan_meta, "period");
	if (value_is(per, V_ARRAY) && value_len(per) == 2 && value_is(value_at(per, 0), V_INT) &&
	    value_is(value_at(per, 1), V_INT)) {
		int first = (int)value_at(per, 0)->u.i, last = (int)value_at(per, 1)->u.i;
		year = year < first ? first : year > last ? last : year;
	}
	const char *section = NULL;
	const struct value *secs = value_get(plan_meta, "sections");
	if (value_is(secs, V_ARRAY) && value_len(secs)) {
		const struct value *n = value_get(value_at(secs, 0), "number");
		if (value_is(n, V_STRING))
			section = n->u.str.s;
	}
	struct buf b = BUF_INIT;
	buf_puts(&b, "---\n"
	             "# 页面类型：任务。不要改动。\n"
	             "# The kind of page: a task. Leave it as it is.\n"
	             "type: task\n"
	             "# 任务编号，在计划内唯一（1、2、…，或 \"1.1\"）。\n"
	             "# The task's number, unique in its plan (1, 2, ... or \"1.1\").\n"
	             "number: ");
	int digits = 1;
	for (const char *p = number; *p; p++)
		digits &= IS_ASCII_DIGIT(*p);
	if (digits && number[0] != '0')
		buf_puts(&b, number);
	else
		yq(&b, number);
	buf_puts(&b, "\n# 任务名称。\n# The task's title.\n"
	             "title: ");
	yq(&b, en ? "Task (title)" : "任务名称");
	buf_puts(&b, "\n# 所属计划的标识（任务放在计划文件夹下时也可不写）。\n"
	             "# The id of its plan (may be left out when the task is in the plan's folder).\n"
	             "plan: ");
	yq(&b, plan);
	buf_puts(&b, "\n# 所在章节：计划 sections 中的一个编号。\n"
	             "# Its section: one of the numbers in the plan's sections.\n");
	if (section) {
		buf_puts(&b, "section: ");
		yq(&b, section);
		buf_putc(&b, '\n');
	} else {
		buf_puts(&b, en ? "# section: \"1\"\n" : "# section: \"一\"\n");
	}
	buf_puts(&b, "# 牵头单位，可以列多个。\n# The lead unit(s).\nlead:\n  - ");
	yq(&b, en ? "Lead office" : "牵头单位");
	buf_puts(&b, "\n# 配合单位，可以列多个。\n# The supporting units.\nsupport:\n  - ");
	yq(&b, en ? "Supporting office" : "配合单位");
	buf_printf(&b, "\n# 开始日期和完成时限。\n# When it starts, and when it is due.\n"
	               "start: %04d-01-01\n"
	               "due: %04d-12-31\n"
	               "# 在计算计划总进度时的权重（大于 0，默认 1）。\n"
	               "# Its weight in the plan's overall progress (above 0; default 1).\n"
	               "weight: 1\n"
	               "# 起始状态：not_started（未开始）、in_progress（进行中）、done（已完成）、\n"
	               "# delayed（已延期）或 cancelled（已取消）；此后由进展通报更新。\n"
	               "# Its state to begin with: not_started, in_progress, done, delayed or cancelled;\n"
	               "# bulletins update it.\n"
	               "status: not_started\n"
	               "# 起始进度，0 到 100；此后由进展通报更新。\n"
	               "# Its progress to begin with, 0 to 100; bulletins update it.\n"
	               "progress: 0\n"
	               "# 阶段节点：完成时限（due）、内容（what）、是否已完成（done）。\n"
	               "# Milestones: when due, what, and whether done.\n"
	               "milestones:\n"
	               "  - due: %04d-06-30\n"
	               "    what: ",
	           year, year, year);
	yq(&b, en ? "First milestone" : "阶段节点");
	buf_puts(&b, "\n    done: false\n"
	             "# 量化指标：简称（id，通报中用它报告实际值）、指标（metric）、目标值（target）、\n"
	             "# 单位（unit）、当前实际值（actual，可不填）。\n"
	             "# Targets: a short id (bulletins report actuals by it), the metric, the target\n"
	             "# value, its unit, and the actual value so far (optional).\n"
	             "targets:\n"
	             "  - id: ");
	yq(&b, en ? "coverage" : "覆盖率");
	buf_puts(&b, "\n    metric: ");
	yq(&b, en ? "Coverage of the service" : "指标名称");
	buf_puts(&b, "\n    target: 100\n    unit: \"%\"\n    actual: 0\n"
	             "# 自定义字段写在 params: 下，原样交给模板。\n"
	             "# Fields of your own go under params:, passed to templates as they are.\n"
	             "# params:\n"
	             "#   contact: \"联系人\"\n"
	             "---\n\n");
	buf_puts(&b, en ? "What the task is, how it will be done, and what it must achieve.\n"
	                : "任务内容、工作措施和要达到的目标。\n");
	char *path = scaffold_task_path(plan, number);
	add(s, path, &b, 0);
	free(path);
}

/* ---- a bulletin ------------------------------------------------------------ */

/* Text inside a YAML comment: a line break would end the comment, so every
 * control character becomes a space. */
static void put_comment(struct buf *b, const char *s)
{
	for (const unsigned char *p = (const unsigned char *)s; *p; p++)
		buf_putc(b, *p < 0x20 || *p == 0x7f ? ' ' : (char)*p);
}

static void put_number(struct buf *b, const struct value *v)
{
	if (v && v->kind == V_INT)
		buf_put_int(b, v->u.i);
	else if (v && v->kind == V_FLOAT)
		value_format_double(v->u.f, b);
	else
		buf_putc(b, '0');
}

static void put_units(struct buf *b, const struct value *units, enum lang l)
{
	if (!value_len(units)) {
		buf_puts(b, l == LANG_EN ? "none given" : "未填写");
		return;
	}
	for (size_t i = 0; i < value_len(units); i++) {
		if (i)
			buf_puts(b, l == LANG_EN ? ", " : "、");
		put_comment(b, value_str(value_at(units, i), ""));
	}
}

static const char *status_label(const char *word, enum lang l)
{
	for (size_t i = 0; i < NSTATUS; i++)
		if (strcmp(word, status_words[i][0]) == 0)
			return status_words[i][l == LANG_EN ? 2 : 1];
	return word;
}

static void update(struct buf *b, const struct value *plan, const struct value *t, const char *date_text,
                   enum lang l)
{
	int en = l == LANG_EN;
	const char *status = value_str(value_get(t, "status"), "not_started");
	const char *status_text = value_str(value_get(t, "status_text"), status_label(status, l));
	buf_printf(b, en ? "\n  # Task %s: " : "\n  # 任务%s：", value_str(value_get(t, "number"), ""));
	put_comment(b, value_str(value_get(t, "title"), ""));
	buf_printf(b, en ? " (plan %s)\n" : "（计划 %s）\n", value_str(value_get(plan, "id"), ""));
	buf_puts(b, en ? "  # Lead: " : "  # 牵头单位：");
	put_units(b, value_get(t, "lead"), l);
	buf_printf(b, en ? "\n  # As of %s: " : "\n  # 截至%s：进度", date_text);
	put_number(b, value_get(t, "progress"));
	buf_printf(b, en ? "%%, %s" : "%%，%s", status_text);
	const char *due = value_str(value_get(t, "due_text"), NULL);
	if (due)
		buf_printf(b, en ? "; due %s" : "；完成时限%s", due);
	if (value_truthy(value_get(t, "overdue")))
		buf_puts(b, en ? " (overdue)" : "（已逾期）");
	buf_puts(b, "\n  - task: ");
	yq(b, value_str(value_get(t, "id"), ""));
	buf_puts(b, en ? "\n    # Progress, 0 to 100.\n    progress: " : "\n    # 进度，0 到 100。\n    progress: ");
	put_number(b, value_get(t, "progress"));
	buf_puts(b, en ? "\n    # Status: " : "\n    # 状态：");
	for (size_t i = 0; i < NSTATUS; i++) {
		if (en)
			buf_printf(b, "%s%s", i ? (i + 1 == NSTATUS ? " or " : ", ") : "", status_words[i][0]);
		else
			buf_printf(b, "%s%s（%s）", i ? "、" : "", status_words[i][0], status_words[i][1]);
	}
	buf_printf(b, "\n    status: %s\n", status);

	const struct value *ms = value_get(t, "milestones");
	int pending = 0;
	for (size_t i = 0; i < value_len(ms); i++)
		pending += !value_truthy(value_get(value_at(ms, i), "done"));
	if (pending) {
		buf_puts(b, en ? "    # Milestones done since the last bulletin: remove the # before\n"
		                 "    # milestones_done and before each one done.\n"
		               : "    # 本期完成的阶段节点：去掉 milestones_done 和已完成节点行首的 #。\n");
		buf_puts(b, "    # milestones_done:\n");
		for (size_t i = 0; i < value_len(ms); i++) {
			const struct value *m = value_at(ms, i);
			if (value_truthy(value_get(m, "done")))
				continue;
			buf_puts(b, "    #   - ");
			yq(b, value_str(value_get(m, "what"), ""));
			const char *mdue = value_str(value_get(m, "due_text"), NULL);
			if (mdue)
				buf_printf(b, en ? "   # due %s" : "   # 时限%s", mdue);
			buf_putc(b, '\n');
		}
	}

	const struct value *ts = value_get(t, "targets");
	int reported = 0;
	for (size_t i = 0; i < value_len(ts); i++)
		reported += value_get(value_at(ts, i), "actual") != NULL;
	if (value_len(ts)) {
		buf_puts(b, en ? "    # Actual values of the targets (a line starting with # has none yet).\n"
		               : "    # 指标实际值（行首有 # 的尚无报告，填报时去掉 #）。\n");
		buf_puts(b, reported ? "    actuals:\n" : "    # actuals:\n");
	}
	for (size_t i = 0; i < value_len(ts); i++) {
		const struct value *g = value_at(ts, i);
		const struct value *id = value_get(g, "id");
		const char *metric = value_str(value_get(g, "metric"), "");
		const char *key = value_is(id, V_STRING) && id->u.str.len ? id->u.str.s : metric;
		const struct value *act = value_get(g, "actual");
		buf_puts(b, act ? "      " : "      # ");
		yq(b, key);
		buf_puts(b, ": ");
		put_number(b, act);
		buf_puts(b, "   # ");
		if (key != metric) {
			put_comment(b, metric);
			buf_puts(b, en ? "; " : "；");
		}
		buf_puts(b, en ? "target " : "目标");
		put_number(b, value_get(g, "target"));
		buf_puts(b, value_str(value_get(g, "unit"), ""));
		if (act) {
			buf_puts(b, en ? ", last reported " : "，上次报告");
			put_number(b, act);
			buf_puts(b, value_str(value_get(g, "unit"), ""));
		} else {
			buf_puts(b, en ? ", none reported yet" : "，尚无报告");
		}
		buf_putc(b, '\n');
	}
	buf_puts(b, en ? "    # A note on this task's progress (optional).\n    # note: \"\"\n"
	               : "    # 情况说明（可不填）。\n    # note: \"\"\n");
}

static int open_task(const struct value *t)
{
	const char *st = value_str(value_get(t, "status"), "");
	return strcmp(st, "done") != 0 && strcmp(st, "cancelled") != 0;
}

size_t scaffold_bulletin(struct scaffold *s, const struct value *site, const char *plan,
                         const struct datetime *date, enum lang l)
{
	int en = l == LANG_EN;
	struct buf b = BUF_INIT, dt = BUF_INIT, ups = BUF_INIT, path = BUF_INIT;
	datetime_format(date, &dt);
	char *iso = buf_detach(&dt, NULL);
	lang_date(l, date, &dt);
	size_t n = 0;
	const struct value *plans = value_get(site, "plans");
	for (size_t i = 0; i < value_len(plans); i++) {
		const struct value *p = value_at(plans, i);
		if (plan && strcmp(value_str(value_get(p, "id"), ""), plan) != 0)
			continue;
		const struct value *tasks = value_get(p, "tasks");
		for (size_t k = 0; k < value_len(tasks); k++)
			if (open_task(value_at(tasks, k))) {
				update(&ups, p, value_at(tasks, k), buf_cstr(&dt), l);
				n++;
			}
	}
	buf_puts(&b, en ? "---\n"
	                  "# A progress bulletin. For each task below, change the numbers that moved\n"
	                  "# (progress, status, actuals), remove the # before milestones done, and\n"
	                  "# delete the updates of tasks with nothing to report.\n"
	                : "---\n"
	                  "# 工作进展通报。请逐项修改有变化的数字（进度、状态、指标实际值），\n"
	                  "# 去掉已完成阶段节点行首的 #；本期没有进展的任务可整段删除。\n");
	buf_printf(&b, "type: bulletin\ndate: %s\ntitle: ", iso);
	buf_printf(&path, en ? "Progress bulletin, %s" : "%s工作进展通报", buf_cstr(&dt));
	yq(&b, buf_cstr(&path));
	buf_reset(&path);
	buf_puts(&b, en ? "\n# The unit that reports (optional).\n# unit: \"\"\n"
	                : "\n# 报送单位（可不填）。\n# unit: \"\"\n");
	if (n) {
		buf_puts(&b, "updates:");
		buf_put(&b, ups.data, ups.len);
	} else {
		buf_puts(&b, en ? "# Every task is done or cancelled.\nupdates: []\n"
		                : "# 各项任务均已完成或取消。\nupdates: []\n");
	}
	buf_puts(&b, en ? "---\n\n"
	                  "## 1. Work done\n\n"
	                  "## 2. Problems\n\n"
	                  "## 3. Next steps\n"
	                : "---\n\n"
	                  "## 一、工作开展情况\n\n"
	                  "## 二、存在问题\n\n"
	                  "## 三、下一步工作\n");
	buf_printf(&path, "content/bulletins/%s.md", iso);
	add(s, buf_cstr(&path), &b, 0);
	free(iso);
	buf_free(&dt);
	buf_free(&ups);
	buf_free(&path);
	return n;
}

/* ---- on disk ----------------------------------------------------------------- */

int scaffold_write(const struct scaffold *s, const char *dir, struct diags *d)
{
	struct buf p = BUF_INIT;
	size_t errs = d->nerrors;
	int n = -1;
	char *skip = xcalloc(s->n + 1, 1);
	for (size_t i = 0; i < s->n; i++) {
		buf_reset(&p);
		if (strcmp(dir, ".") != 0)
			buf_printf(&p, "%s/", dir);
		buf_puts(&p, s->v[i].path);
		struct stat st;
		if (lstat(buf_cstr(&p), &st) != 0)
			continue;
		if (s->v[i].if_missing)
			skip[i] = 1;
		else
			diag_add(d, DIAG_ERROR, buf_cstr(&p), 0, 0, NULL, 0,
			         "exists; planpress new never replaces a file (move it away first)");
	}
	if (d->nerrors > errs)
		goto out;
	n = 0;
	for (size_t i = 0; i < s->n; i++) {
		if (skip[i])
			continue;
		buf_reset(&p);
		buf_printf(&p, "%s/%s", dir, s->v[i].path);
		char *path = buf_detach(&p, NULL);
		char *slash = strrchr(path, '/');
		*slash = '\0';
		int bad = output_mkdirs(path) < 0;
		*slash = '/';
		if (bad || output_write_atomic(path, s->v[i].data, s->v[i].len) < 0) {
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot write: %s", diag_errstr(errno));
			n = -1;
		} else if (n >= 0) {
			n++;
		}
		free(path);
	}
out:
	free(skip);
	buf_free(&p);
	return n;
}

void scaffold_free(struct scaffold *s)
{
	for (size_t i = 0; i < s->n; i++) {
		free(s->v[i].path);
		free(s->v[i].data);
	}
	free(s->v);
	s->v = NULL;
	s->n = 0;
}
