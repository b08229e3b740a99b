-- lua/import.lua: the rules `planpress import` follows to read an official plan
-- document (通知, 工作方案, 任务清单) into a plan and its tasks.
--
-- The patterns are data: the tables in the first half of this file say what a
-- header, a heading, a task, a responsibility note, a deadline and a target look
-- like. Add to them for another province's habits; the functions in the second
-- half only walk the document. planpress-import(7) describes every table.
--
-- The text arrives repaired by the C side: UTF-8, one line per line, full-width
-- digits and % folded to ASCII, ASCII brackets and commas next to Chinese turned
-- full-width, stray spaces between Chinese characters and ** markers removed.
-- Helpers from C (the `import` table):
--   import.number(s [, i])  Chinese numeral at byte i → value, next byte index
--   import.date(s, year)    date expression → iso|false, relative, precision
--   import.split(s, seps)   split at any char of seps, never inside brackets
local C = import

local R = {}

---------------------------------------------------------------------------
-- Rules (data)
---------------------------------------------------------------------------

-- A line ending with one of these ends a sentence; any other line ending was
-- made by a page or line break and the next line continues it.
R.sentence_ends = { "。", "！", "？", "；", "：", "）", "】", "…", "」", "!", "?", ";", ":" }
-- A line shorter than this (in characters) is a heading or title, never cut by a page break.
R.min_broken_line = 18
-- A task's first line this short, with no sentence end, is its heading.
R.task_heading_max_chars = 30
R.task_title_max_chars = 60        -- a task title longer than this is cut (at its first comma, else here)
R.date_max_bytes = 40         -- a date expression is read from at most this many bytes
R.issuer_min_chars = 3        -- 民航局: a piece of a split signature line is at least this long

-- Lines that are page furniture, dropped (and listed as unplaced).
R.page_furniture = { "^%-? ?%d+ ?%-?$", "^—%d+—$", "^－%d+－$", "^第%d+页", "^%d+/%d+$" }

-- Header: issuing body, document number, notice title, plan title.
R.issuer_endings = { "委员会", "工作委员会", "办公厅", "办公室", "组织部", "宣传部", "人民政府",
	"政府", "党委", "党组", "工委", "委", "局", "厅", "部", "小组", "总署" }
R.issuer_drop = { "文件$" }
-- Where a signature line of several issuers is split.
R.issuer_not_split = { "^办公室", "^办公厅", "^党组", "^机关", "^直属", "^驻" }
R.issuer_split_endings = { "总署", "局", "厅", "委员会", "办公室", "人民政府", "财政部", "商务部", "管委会" }                       -- 中共深圳市委办公厅文件 → 中共深圳市委办公厅
R.doc_no = { "(%S-〔%d%d%d%d〕%d+号)", "(%S-%[%d%d%d%d%]%d+号)", "(%S-（%d%d%d%d）%d+号)",
	"(%S-［%d%d%d%d］%d+号)" }
R.notice_start = { "关于" }
R.notice_endings = { "通知", "通报", "决定", "函" }
R.title_endings = { "方案", "计划", "清单", "意见", "办法", "要点", "规划", "任务", "细则",
	"安排", "纲要", "措施", "规定", "实施意见", "工作方案" }
R.max_title_chars = 80
R.max_notice_chars = 400   -- a notice of seven joint issuers names them all in its title

-- A paragraph after the tasks that closes the document (施行, 解释, 废止): plan text.
R.closing_paragraphs = { "自印发之日起施行", "自发布之日起施行", "自印发之日起实施", "负责解释。", "同时废止。" }

-- Lines after the signature's date: notes on the copy, not the plan.
R.trailers = { "^（本文有删减）$", "^（此件.-）$", "^公开方式：", "印发$", "^抄送：" }
-- The notice's last sentence, just above the signature.
R.closing_formulas = { "^特此通知。$", "^特此通报。$", "^特此函告。$", "^此复。$" }

-- Structure. numeral: "chinese" (一二三) or "arabic"; the capture must be all numeral.
R.markers = {
	{ kind = "annex", pattern = "^附件%d*$" },
	{ kind = "annex", pattern = "^附件(.-)$", numeral = "chinese" },
	{ kind = "attachments", pattern = "^附件%d*：" },
	-- 第一条 【培育对象】…: an article is a task; what is numbered inside it is its text.
	{ kind = "article", pattern = "^第([一二三四五六七八九十百零〇两]+)条(.*)$", numeral = "chinese" },
	-- 第一章 总则: a chapter is a section.
	{ kind = "section", pattern = "^第([一二三四五六七八九十百零〇两]+)章(.*)$", numeral = "chinese" },
	{ kind = "section", pattern = "^(.-)、(.*)$", numeral = "chinese" },
	{ kind = "subsection", pattern = "^（(.-)）(.*)$", numeral = "chinese" },
	{ kind = "task", pattern = "^(%d%d?%d?)%.(.*)$", numeral = "arabic" },
	{ kind = "task", pattern = "^(%d%d?%d?)﹒(.*)$", numeral = "arabic" },
	{ kind = "task", pattern = "^(%d%d?%d?)、(.*)$", numeral = "arabic" },
	-- （1）: a task where no 1. task is open, else a point of that task's text.
	{ kind = "ptask", pattern = "^（(%d%d?)）(.*)$", numeral = "arabic" },
	{ kind = "ptask", pattern = "^(%d%d?)）(.*)$", numeral = "arabic" },
}
-- Sub-points inside a paragraph: 一是…二是… (used when a document has no numbered tasks).
R.point_suffixes = { "是" }
R.point_title_min_chars = 4   -- a point's first clause, when at least this long, is its title
R.paragraph_task_min_chars = 20   -- with nothing numbered, a paragraph this long is a task
R.clause_starts = { "。", "；", "：", "，" }   -- a sub-point starts the text or follows one of these

-- Yearly themes: captures (year, theme).
R.themes = {
	"(%d%d%d%d)年，以“(.-)”为主题",
	"(%d%d%d%d)年以“(.-)”为主题",
	"(%d%d%d%d)年为“(.-)”",
	"(%d%d%d%d)年是“(.-)”",
	"(%d%d%d%d)年主题为“(.-)”",
}
-- Period: two years joined by one of these.
R.period_joins = { "——", "-", "—", "–", "~", "～", "至", "到", "－" }
R.period_max_years = 20

-- Responsibility notes. Brackets that may hold a note; bare = true: a group at
-- the end of a task naming only units is a note (【X，Y】).
R.note_brackets = {
	{ open = "【", close = "】", bare = true },
	{ open = "（", close = "）" },
	{ open = "〔", close = "〕" },
	{ open = "[", close = "]" },
}
-- A part ending with one of these words: its units have that role.
R.note_roles = {
	{ word = "牵头负责", role = "lead" }, { word = "牵头", role = "lead" },
	{ word = "负总责", role = "lead" }, { word = "负责", role = "lead" },
	{ word = "主责", role = "lead" }, { word = "主办", role = "lead" },
	{ word = "配合", role = "support" }, { word = "协助", role = "support" },
	{ word = "协办", role = "support" }, { word = "参与", role = "support" },
	{ word = "协同", role = "support" }, { word = "共同推进", role = "support" },
}
-- Labelled notes, in a line of their own or in brackets: 责任单位：X、Y.
R.note_labels = {
	{ label = "牵头单位", role = "lead" }, { label = "牵头部门", role = "lead" },
	{ label = "责任单位", role = "lead" }, { label = "责任部门", role = "lead" },
	{ label = "主办单位", role = "lead" }, { label = "主责单位", role = "lead" },
	{ label = "配合单位", role = "support" }, { label = "配合部门", role = "support" },
	{ label = "协办单位", role = "support" }, { label = "参与单位", role = "support" },
	{ label = "负责部门", role = "lead" }, { label = "负责单位", role = "lead" },
	{ label = "牵头考核单位", role = "lead" }, { label = "主责部门", role = "lead" },
	{ label = "协办部门", role = "support" }, { label = "配合考核单位", role = "support" },
	{ label = "责任主体", role = "lead" },
}
R.unit_seps = "、，,；"
R.inline_note_max_chars = 40
-- Labels naming the lead outright, and labels that then name the others.
R.lead_labels = { "牵头单位", "牵头部门", "牵头责任单位", "主责单位", "主办单位" }
R.shared_labels = { "^责任单位$", "^责任部门$" }
-- A unit marked as the lead inside a list: 市发改委（牵头）、市财政局.
R.lead_marks = { "（牵头）", "（牵头单位）", "（牵头部门）" }
-- A part of a note that names a time, not a unit: （X负责，2025年底前完成）.
R.note_time_parts = { "%d+年", "%d+月", "年底", "年内", "季度", "上半年", "下半年", "持续推进", "长期坚持",
	"完成$", "前$" }   -- a role part in running text (X牵头) is no longer
-- Lines of their own that are fields of a task (with note_labels): 完成时限：….
R.field_labels = { "完成时限", "完成时间", "时间节点", "时限要求", "工作目标", "目标任务", "进度安排" }
-- 和 joins units only before 各 (X和各地方人民政府): 和 is inside many names.
R.unit_joins = { "和(各)" }
-- Words in a note that name no unit: 下同, 按职责分工负责, 适用范围：….
R.note_clauses = { "（下同）", "，?下同$", "。?适用范围：.*$", "。?以下均需.-负责，不再列出.*$" }
R.not_units = { "^下同$", "^按职责分工$", "^适用范围", "^以下", "^不再列出$", "^各自职责$", "^职责分工$" }
-- A short unit after a longer one takes the longer one's prefix up to one of
-- these words (市县党委组织部、宣传部 → 市县党委宣传部); not one with its own level.
R.short_unit_chars = 3
R.unit_prefix_ends = { "党委", "党组", "政府", "人大常委会", "政协", "省委", "市委", "区委", "县委" }
R.unit_own_prefix = { "^省", "^市", "^区", "^县", "^镇", "^街道", "^国家", "^中国", "^各", "委$", "^团" }
-- Bare places sharing the suffix of the last one: 黄埔区、天河区人民政府.
R.bare_places = { "区$", "县$", "市$", "镇$", "街道$" }
R.bare_place_max_chars = 6   -- 黄埔区, 增城区: a bare place is short
R.unit_shared_suffixes = { "人民政府", "政府", "管委会", "党委", "党工委", "办事处" }
-- A document's own rule that the unit listed first leads (the others support).
R.first_listed_rules = { "排在第一位的部门为牵头", "排在第一位的单位为牵头", "排在第一位的为牵头",
	"排在首位的部门为牵头", "排在首位的单位为牵头", "排在首位的为牵头", "列第一位的为牵头", "列第一位的部门为牵头",
	"列第一位的单位为牵头", "排名第一的为牵头", "第一个单位为牵头", "第一个部门为牵头" }
R.first_listed_leads = false   -- set by parse when the document states such a rule
-- A standing rule: a unit every later note includes without naming it.
R.standing_units = { "以下均需(.-)负责，不再列出", "以下均需(.-)参与，不再列出" }
-- 由X负责 inside a sentence, when a task has no note.
R.inline_leads = { "由(.-)负责", "由(.-)牵头" }
R.unit_strip_front = { "^由", "^请" }
R.unit_strip_back = { "等单位$", "等部门$", "等$", "按职责分工$", "按职责$", "分别$", "共同$" }

-- Deadlines: where a date expression may begin (import.date then takes the
-- longest text from there that is a date).
R.date_starts = { "截止到%d", "截至%d", "截止%d", "到%d", "至%d", "%d%d%d%d年", "%d%d?月",
	"二〇", "二○", "二零", "一九",
	"年底", "年末", "年内", "上半年", "下半年", "第.-季度", "一季度", "二季度", "三季度", "四季度",
	"今年", "明年" }
-- Text just before a date that makes it no deadline (每年底, 一年内, 2019—2023年).
R.date_not_after = { "每$", "每个$", "一$", "两$", "三$", "半$", "近$", "%d$", "%d—$", "%d%-$", "%d～$", "%d~$",
	"上$", "本$", "当$", "今$", "明$", "去$", "往$", "逐$", "全$" }
-- A bare year (2018年) is a deadline only with a lead word (到2020年) or opening
-- a clause and followed by one of these.
R.bare_year_followers = { "^，", "^前", "^底", "^以前", "^建成", "^完成", "^实现", "^基本", "^全面",
	"^投用", "^投入", "^上线", "^竣工", "^开工", "^达到", "^形成", "^初步", "^力争", "^前后" }
-- After a date: it names an event, not a deadline.
R.date_not_before = { "^（含）", "^至%d", "^起", "^以来", "^注册", "^成立", "^开始施行", "^实施的",
	"^印发的", "^发布的", "^出台的", "^召开的", "^颁布的" }
-- After a whole date (a day, no 前): the day something happened (2024年6月14日印发).
R.date_not_before_day = { "^印发", "^发布", "^施行", "^出台", "^召开", "^颁布" }
-- Before a date: a validity or a start, not a deadline.
R.date_ref_before = { "%d日$", "有效期$", "有效期为$", "有效期至$", "有效期到$", "自$", "从$" }
R.clause_seps = { "，", "。", "；", "！", "？", "\n" }

-- Targets.
R.quota_triggers = { "不少于", "不低于", "不超过", "不多于", "不高于", "至少", "最少", "达到", "超过",
	"新增", "建成", "引进", "培育", "累计", "推荐" }
R.quota_units = { "万平方米", "万千瓦", "万亩", "万人次", "万人", "万户", "万吨", "万个", "万家", "万名",
	"万辆", "万台", "万套", "亿人次", "平方米", "万元", "亿元", "千米", "公里", "课时", "学时", "小时", "元", "名", "人",
	"次", "个", "天", "期", "项", "家", "所", "户", "场", "篇", "条", "份", "批", "支", "类", "套",
	"间", "处", "本", "件", "座", "张", "台", "亩", "公顷", "吨", "辆", "千瓦", "兆瓦", "万" }
R.quota_reach = 10
-- A count ending its clause is a quota after one of these (新建…2万亩。),
-- unless the clause pays or caps an amount.
R.quota_verbs = { "新建", "建成", "完成", "新增", "培育", "打造", "引进", "改造", "建设", "创建", "实现", "推广",
	"培训", "招聘", "开展", "组织", "举办", "认定", "落实", "提供", "发放" }
R.quota_not_in_clause = { "最高", "给予", "奖励", "补贴", "资助", "每", "补助", "不超过", "按", "第$", "前$",
	"近$", "超过", "累计约" }                 -- characters between the trigger word and the number
-- Percentages that are baselines or shares, not targets.
R.percent_not_after = { "在$", "由$", "从$", "比$",
	-- 占总数20%: a share, unless a word of reaching follows 占 (占比达到90%).
	function(before)
		local a, i = nil, 1
		while true do
			local x = before:find("占", i, true)
			if not x then break end
			a, i = x, x + 1
		end
		if not a then return false end
		local rest = before:sub(a)
		for _, sep in ipairs({ "，", "。", "；" }) do
			if rest:find(sep, 1, true) then return false end
		end
		for _, w in ipairs({ "达到", "提高到", "提升到", "不低于", "不少于", "超过" }) do
			if rest:find(w, 1, true) then return false end
		end
		return true
	end }
-- A quotation holding one of these is a target, not a name (实现“覆盖率达到60%”的目标).
R.quoted_targets = { "%d+%.?%d*%%", "达到", "不低于", "不少于", "提高到", "提升到" }
R.percent_not_before = { "^的基础上", "^为基数", "^为基础", "^的基数", "^租金补贴", "^补贴", "^的补贴",
	"^给予" }
-- After a number and its unit: a condition on who qualifies, not a target.
R.quantity_not_before = { "^以上的", "^以下的", "^以内的", "^（含）以上的", "^及以上的", "^百分点以上的",
	"^百分点以下的" }
-- Before a quota's trigger: a rate per item (每引进1名), not a target.
R.quota_not_after = { "每$", "营业额$", "营业收入$", "产值$", "销售额$", "资产$", "收入$" }
-- In the clause before a percentage: a rate (按…的80%给予…).
R.rate_words = { "按" }
R.rate_after = { "给予", "补贴", "奖励", "资助", "返还", "补助" }
-- After a percentage, when 由 comes before it: the old value of a change.
R.raise_words = { "提至", "提高至", "提高到", "提升至", "提升到", "增至", "调至", "调整为", "扩大至" }

-- Sections whose subsections are never tasks (for documents with neither
-- numbered tasks nor 一是 points).
-- A whole (short) section title is matched, so 三、加强要素保障，推进… keeps its tasks.
R.non_task_sections = { "^指导思想", "^总体要求$", "^总体思路$", "^基本原则$", "^工作原则$",
	"^[%S]-目标$", "^组织实施$", "^组织领导$", "^组织保障$", "^保障措施$", "^工作要求$",
	"^实施要求$", "^工作保障$", "^附则$", "^[%S]-意义$", "^适用范围$", "^工作思路$" }
R.non_task_section_max_chars = 10   -- a longer title is a task heading, whatever its words

-- "year-end": tasks with no dated deadline are due at the end of their year
-- (planpress import --due-default year-end says the same); nil: no due date.
R.due_default = nil

-- Tables: a header row is told by its cells (at least table_min_columns of
-- these, one of them the number, name or content, one the lead or the time).
-- Rows come as one line with TAB between cells (from a .docx), or flattened,
-- one cell a line (copied out of Word or a PDF), each row opening with its number.
R.table_columns = {
	{ role = "number", words = { "序号", "编号", "序" } },
	{ role = "group", words = { "类别", "任务类别", "重点领域", "领域", "板块", "分类", "项目类别", "工作类别" } },
	{ role = "title", words = { "任务名称", "重点任务", "工作任务", "任务", "项目名称", "事项", "工作事项",
		"重点工作", "工作名称", "措施名称", "主要任务", "重点工作任务", "任务事项", "项目" } },
	{ role = "content", words = { "任务内容", "工作内容", "主要内容", "具体内容", "工作措施", "具体措施",
		"主要措施", "具体任务", "任务措施", "工作要求", "目标任务", "具体工作", "工作举措", "推进措施",
		"建设内容", "实施内容" } },
	{ role = "target", words = { "工作目标", "预期目标", "目标", "年度目标" } },
	{ role = "lead", words = { "牵头部门", "牵头单位", "责任单位", "责任部门", "主责单位", "负责部门",
		"负责单位", "牵头责任单位", "主办单位" } },
	{ role = "support", words = { "配合部门", "配合单位", "协办单位", "参与单位", "协同单位", "配合责任单位" } },
	{ role = "deadline", words = { "时间节点", "完成时限", "完成时间", "时限要求", "进度安排", "时间安排",
		"完成期限", "时限" } },
	{ role = "note", words = { "备注", "说明" } },
}
R.table_min_columns = 3
R.table_max_columns = 12      -- a header row has at most this many cells
R.table_header_max_chars = 8  -- a flattened header cell is a short word (完成时限（年月）)
R.table_max_wrap = 3
R.table_time_max_chars = 24   -- a time cell is short
R.table_time_words = { "持续", "长期", "常态", "每年", "每季度", "每月", "年底", "年内", "季度", "月", "年",
	"完成", "前" }
R.table_row_reach = 12   -- lines between two row numbers of a flattened table, at most   -- lines a flattened row may hold beyond its cells (wrapped cells)
-- A time cell with none of these dates: no deadline (长期坚持, 持续推进).

-- Thresholds the walk uses, named so a site's rules can change them.
R.header_line_max_chars = 40        -- a document number or issuer line is shorter
R.header_prose_chars = 30           -- a longer header line is prose: the text has begun
R.title_max_lines = 6               -- a title is printed over at most this many lines
R.signature_lines = 12              -- the signature block: this many lines from the end
-- An annex with one of these title endings lists names or items, not tasks.
R.annex_not_tasks = { "范围$", "目录$", "名单$", "名录$", "成员$" }

---------------------------------------------------------------------------
-- Helpers
---------------------------------------------------------------------------

local function trim(s)
	s = s:gsub("^%s+", ""):gsub("%s+$", "")
	while s:sub(1, 3) == "　" do s = s:sub(4) end
	while s:sub(-3) == "　" do s = s:sub(1, -4) end
	return (s:gsub("^%s+", ""):gsub("%s+$", ""))
end
local function ulen(s) return utf8.len(s) or #s end
local function ends(s, t) return t == "" or s:sub(-#t) == t end
local function starts(s, t) return s:sub(1, #t) == t end
local function any_match(s, pats)
	for _, p in ipairs(pats) do
		if type(p) == "function" then
			if p(s) then return true end
		elseif s:find(p) then
			return true
		end
	end
	return false
end
-- s without a trailing parenthetical: 方案（2018-2020年） → 方案.
local function strip_paren(s)
	if not ends(s, "）") then return s end
	local last
	local i = 1
	while true do
		local a = s:find("（", i, true)
		if not a then break end
		last, i = a, a + 1
	end
	if last then return s:sub(1, last - 1) end
	return s
end
local function has_any(s, list)
	for _, t in ipairs(list) do if s:find(t, 1, true) then return true end end
	return false
end
local function any_end(s, list)
	for _, t in ipairs(list) do if ends(s, t) then return t end end
	return nil
end

-- s is all one numeral of the given kind.
local function numeral(s, kind)
	if s == "" then return nil end
	if kind == "arabic" then
		if s:match("^%d+$") then return tonumber(s) end
		return nil
	end
	local v, nxt = C.number(s, 1)
	if v and nxt == #s + 1 then return v end
	return nil
end

local function count(s, t)
	local n, i = 0, 1
	while true do
		local a, b = s:find(t, i, true)
		if not a then return n end
		n, i = n + 1, b + 1
	end
end

local function unbalanced(s)
	return count(s, "《") > count(s, "》") or count(s, "（") > count(s, "）") or
		count(s, "“") > count(s, "”") or count(s, "〈") > count(s, "〉")
end

-- Balanced top-level groups open..close in s: list of {s=, e=, inner=}.
local function groups(s, open, close)
	local out, i = {}, 1
	while true do
		local a, b = s:find(open, i, true)
		if not a then break end
		local depth, j, done = 1, b + 1, false
		while j <= #s do
			local o1, o2 = s:find(open, j, true)
			local c1, c2 = s:find(close, j, true)
			if not c1 then break end
			if o1 and o1 < c1 then
				depth, j = depth + 1, o2 + 1
			else
				depth, j = depth - 1, c2 + 1
				if depth == 0 then
					out[#out + 1] = { s = a, e = c2, inner = s:sub(b + 1, c1 - 1) }
					done = true
					break
				end
			end
		end
		if not done then break end
		i = j
	end
	return out
end

-- Byte spans of 《…》 and “…” in s, inside which numbers and dates are names.
local function name_spans(s)
	local spans = {}
	for _, pair in ipairs({ { "《", "》" }, { "“", "”" }, { "〈", "〉" } }) do
		for _, g in ipairs(groups(s, pair[1], pair[2])) do
			-- “…覆盖率达到60%” quotes a target: what is inside counts.
			if not (pair[1] == "“" and any_match(g.inner, R.quoted_targets)) then spans[#spans + 1] = g end
		end
	end
	return spans
end
local function in_spans(spans, pos)
	for _, g in ipairs(spans) do if pos > g.s and pos < g.e then return true end end
	return false
end

-- The clause of s around byte positions a..b: bounds of the text between separators.
local function clause_bounds(s, a, b)
	local lo, hi = 1, #s
	for _, sep in ipairs(R.clause_seps) do
		local i = 1
		while true do
			local x, y = s:find(sep, i, true)
			if not x then break end
			if y < a and y + 1 > lo then lo = y + 1 end
			if x > b and x - 1 < hi then hi = x - 1 end
			i = y + 1
		end
	end
	return lo, hi
end

local function is_sentence_end(line)
	return any_end(line, R.sentence_ends) ~= nil
end

-- Joins the lines of a block into paragraphs: a long line that does not end a
-- sentence was cut by a page break and continues on the next line.
local function field_line(l)
	for _, f in ipairs(R.field_labels) do if starts(l, f .. "：") then return true end end
	for _, f in ipairs(R.note_labels) do if starts(l, f.label .. "：") then return true end end
	return false
end

local function paragraphs(lines)
	local paras, cur, prev = {}, nil, nil
	for _, l in ipairs(lines) do
		if l ~= "" then
			-- 牵头单位：… 完成时限：… lines are fields: each a paragraph of its own.
			if cur and prev and not is_sentence_end(prev) and ulen(prev) >= R.min_broken_line
				and not starts(l, "—") and not field_line(l) and not field_line(prev) then
				cur = cur .. l
			else
				if cur then paras[#paras + 1] = cur end
				cur = l
			end
			prev = l
		end
	end
	if cur then paras[#paras + 1] = cur end
	return paras
end

local function md_escape(s)
	s = s:gsub("([\\`*_%[%]<>#|])", "\\%1")
	s = s:gsub("^(%d+)%.", "%1\\.")
	s = s:gsub("^([%-+=])", "\\%1")
	return s
end

local function first_sentence(s)
	local best
	for _, sep in ipairs({ "。", "；", "！", "？" }) do
		local a = s:find(sep, 1, true)
		if a and (not best or a < best) then best = a end
	end
	if best then return s:sub(1, best - 1), s:sub(best) end
	return s, ""
end

local function short_title(s)
	local t = trim(first_sentence(s))
	if ulen(t) > R.task_title_max_chars then
		local a = t:find("，", 1, true)
		if a and ulen(t:sub(1, a - 1)) >= R.point_title_min_chars then t = t:sub(1, a - 1) end
	end
	if ulen(t) > R.task_title_max_chars then t = t:sub(1, utf8.offset(t, R.task_title_max_chars + 1) - 1) end
	return t
end

---------------------------------------------------------------------------
-- Responsibility notes
---------------------------------------------------------------------------

local function clean_unit(u)
	u = trim(u)
	-- Until nothing changes: 市委宣传部等按职责分工 → 市委宣传部.
	local before
	repeat
		before = u
		for _, p in ipairs(R.unit_strip_front) do u = u:gsub(p, "") end
		for _, p in ipairs(R.unit_strip_back) do u = u:gsub(p, "") end
		u = trim(u)
	until u == before
	return u
end

-- A unit list as the document means it: a prefix shared over the list
-- (市县党委组织部、宣传部、党校 → 市县党委宣传部 …) and a suffix shared by
-- bare places (黄埔区、天河区人民政府 → 黄埔区人民政府 …) are given to each.
local function distribute(units)
	local out = {}
	for k, u in ipairs(units) do out[k] = u end
	for k = 2, #out do
		local u = out[k]
		if ulen(u) <= R.short_unit_chars and not any_match(u, R.unit_own_prefix) then
			local first = out[k - 1]
			for _, e in ipairs(R.unit_prefix_ends) do
				local a = first:find(e, 1, true)
				if a then
					local p = first:sub(1, a + #e - 1)
					if #p < #first and not starts(u, p) then out[k] = p .. u end
					break
				end
			end
		end
	end
	for k = #out - 1, 1, -1 do
		local u, nxt = out[k], out[k + 1]
		if any_match(u, R.bare_places) and ulen(u) <= R.bare_place_max_chars then
			for _, suf in ipairs(R.unit_shared_suffixes) do
				local place = nxt:sub(1, #nxt - #suf)
				if ends(nxt, suf) and not ends(u, suf) and any_match(place, R.bare_places)
					and ulen(place) <= R.bare_place_max_chars then
					out[k] = u .. suf
					break
				end
			end
		end
	end
	return out
end

local function add_units(list, seen, text)
	local units = {}
	for _, u in ipairs(C.split(text, R.unit_seps)) do
		-- X等各产业、招商主管部门: the list ends at 等; what follows names a class.
		local a = u:find("等各", 1, true) or u:find("等相关", 1, true)
		u = clean_unit(a and u:sub(1, a - 1) or u)
		if u ~= "" and not any_match(u, R.not_units) then units[#units + 1] = u end
		if a then break end
	end
	for _, u in ipairs(distribute(units)) do
		if not seen[u] then
			seen[u] = true
			list[#list + 1] = u
		end
	end
end

-- Reads a note's text into lead and support; returns true when it is a note.
-- bare: a text naming only units is a note (all of them lead).
local function parse_note(text, lead, support, seen, bare)
	text = trim(text)
	for _, p in ipairs(R.note_clauses) do text = text:gsub(p, "") end
	for _, j in ipairs(R.unit_joins) do text = text:gsub(j, "、%1") end
	-- Labelled: 牵头单位：X；配合单位：Y (also after a comma: X，配合单位：Y)
	for _, l in ipairs(R.note_labels) do
		text = text:gsub("，(" .. l.label .. "：)", "；%1")
	end
	local found, left = false, {}
	local parts = C.split(text, "；;。")
	-- 牵头单位：X；责任单位：Y: beside a named lead, the units 责任单位 lists support.
	local named_lead = false
	for _, part in ipairs(parts) do
		for _, w in ipairs(R.lead_labels) do if starts(part, w .. "：") then named_lead = true end end
	end
	for _, part in ipairs(parts) do
		local hit = false
		for _, l in ipairs(R.note_labels) do
			local rest = part:match("^" .. l.label .. "：(.*)$")
			if rest then
				local role = l.role
				if named_lead and role == "lead" and any_match(l.label, R.shared_labels) then role = "support" end
				-- 责任单位：X（牵头）、Y: the marked unit leads, the others support.
				local marked = false
				for _, m in ipairs(R.lead_marks) do if rest:find(m, 1, true) then marked = true end end
				-- 责任单位：X牵头，Y配合: role words inside a labelled list.
				local roled = false
				for _, q in ipairs(C.split(rest, "，,；;")) do
					for _, r in ipairs(R.note_roles) do
						if ends(q, r.word) and #q > #r.word then roled = true end
					end
				end
				if roled and not marked then
					if role == "lead" then
						parse_note(rest, lead, support, seen, false)
					else
						parse_note(rest, support, support, seen, false)
					end
				elseif marked then
					for _, u in ipairs(C.split(rest, R.unit_seps)) do
						local bare_u, lead_u = u, false
						for _, m in ipairs(R.lead_marks) do
							if ends(u, m) then bare_u, lead_u = u:sub(1, #u - #m), true end
						end
						add_units(lead_u and lead or support, seen, bare_u)
					end
				else
					add_units(role == "lead" and lead or support, seen, rest)
				end
				found, hit = true, true
				break
			end
		end
		if not hit then left[#left + 1] = part end
	end
	-- What is not a label stays in the text (（5月底取得成效，牵头考核单位：X） keeps 5月底…).
	if found then return true, table.concat(left, "，") end
	-- Role words: X牵头，Y、Z配合 / X，Y负责
	local parts, pending, any = C.split(text, "，,；;"), {}, false
	local roles = {}
	for i, part in ipairs(parts) do
		for _, r in ipairs(R.note_roles) do
			if ends(part, r.word) and #part > #r.word then
				roles[i] = { role = r.role, text = part:sub(1, #part - #r.word), word = r.word }
				any = true
				break
			end
		end
	end
	if not any and not bare then return false end
	-- X牵头，Y按职责分工负责: beside a lead, the others work to their duties (support).
	local has_lead = false
	for _, r in pairs(roles) do if r.word == "牵头" or r.word == "牵头负责" then has_lead = true end end
	for _, r in pairs(roles) do
		if has_lead and r.word == "负责" and ends(r.text, "按职责分工") then r.role = "support" end
	end
	-- A part naming a time (2025年底前完成, 持续推进) is no unit: it stays in the text.
	local left = {}
	for i, part in ipairs(parts) do
		if not roles[i] and any_match(part, R.note_time_parts) then
			left[#left + 1] = part
			parts[i] = ""
		end
	end
	for i, part in ipairs(parts) do
		if part == "" then
			-- taken out above
		elseif roles[i] then
			-- A part may itself hold two roles: X牵头、Y配合 is rare; keep it whole.
			local role = roles[i].role
			if role == "lead" and R.first_listed_leads and roles[i].word == "负责" and #lead == 0 then
				-- The document said the unit listed first leads: the others support.
				local l2 = {}
				for _, p in ipairs(pending) do add_units(l2, {}, p) end
				add_units(l2, {}, roles[i].text)
				for k, u in ipairs(l2) do
					if not seen[u] then
						seen[u] = true
						if k == 1 then lead[#lead + 1] = u else support[#support + 1] = u end
					end
				end
				pending = {}
				goto next_part
			end
			for _, p in ipairs(pending) do add_units(role == "lead" and lead or support, seen, p) end
			pending = {}
			add_units(role == "lead" and lead or support, seen, roles[i].text)
		else
			pending[#pending + 1] = part
		end
		::next_part::
	end
	for _, p in ipairs(pending) do add_units(lead, seen, p) end
	return true, table.concat(left, "，")
end

-- Finds the notes of a task's text: returns lead, support and the text without them.
local function notes(text)
	local lead, support, seen = {}, {}, {}
	local cuts = {}
	for _, br in ipairs(R.note_brackets) do
		for _, g in ipairs(groups(text, br.open, br.close)) do
			local tail = trim(text:sub(g.e + 1))
			local at_end = tail == "" or tail == "。" or tail == "；"
			local ok, left = parse_note(g.inner, lead, support, seen, br.bare and at_end)
			if ok then
				g.left = left
				cuts[#cuts + 1] = g
			end
		end
	end
	table.sort(cuts, function(a, b) return a.s > b.s end)
	for _, g in ipairs(cuts) do
		local keep = g.left and g.left ~= "" and ("（" .. g.left .. "）") or ""
		text = text:sub(1, g.s - 1) .. keep .. text:sub(g.e + 1)
	end
	return lead, support, text
end

-- Notes in the running text: 主责单位：X；协办单位：Y。 and a sentence made only
-- of role parts (区公安分局牵头，区司法局、各街道参与。). The first sentence (the
-- task's title) is left alone. Returns the text without them.
local function inline_notes(text, lead, support, seen)
	local spans = groups(text, "（", "）")
	local function inside(pos) for _, g in ipairs(spans) do if pos > g.s and pos < g.e then return true end end return false end
	local cuts = {}
	for _, l in ipairs(R.note_labels) do
		local i = 1
		while true do
			local a, b = text:find(l.label .. "：", i, true)
			if not a then break end
			i = b + 1
			local prev = text:sub(1, a - 1)
			if not inside(a) and (a == 1 or any_end(prev, { "。", "；", "，", "\n" })) then
				local e = #text
				for _, t in ipairs({ "；", "。", "\n" }) do
					local x = text:find(t, b + 1, true)
					if x and x - 1 < e then e = x - 1 end
				end
				add_units(l.role == "lead" and lead or support, seen, text:sub(b + 1, e))
				local stop = e
				for _, t in ipairs({ "；", "。" }) do
					if text:sub(e + 1, e + #t) == t then stop = e + #t end
				end
				cuts[#cuts + 1] = { s = a, e = stop }
			end
		end
	end
	-- Sentences that are role parts only.
	local pos, first = 1, true
	while pos <= #text do
		local x = text:find("。", pos, true)
		local e = x and x + 2 or #text
		local sent = text:sub(pos, x and x - 1 or #text)
		if not first and sent ~= "" and not sent:find("\n", 1, true) and not inside(pos) then
			local parts, all = C.split(sent, "，；"), true
			for _, part in ipairs(parts) do
				local ok = false
				for _, r in ipairs(R.note_roles) do
					if ends(part, r.word) and #part > #r.word and ulen(part) <= R.inline_note_max_chars then ok = true end
				end
				if not ok then all = false end
			end
			if all and #parts > 0 then
				parse_note(sent, lead, support, seen, false)
				cuts[#cuts + 1] = { s = pos, e = e }
			end
		end
		first = false
		if not x then break end
		pos = x + 3
	end
	table.sort(cuts, function(p1, p2) return p1.s > p2.s end)
	local last_s = math.huge
	for _, c in ipairs(cuts) do
		if c.e < last_s then
			text = text:sub(1, c.s - 1) .. text:sub(c.e + 1)
			last_s = c.s
		end
	end
	return text
end

-- The line ends with a bracketed responsibility note: （责任单位：X） or （X负责）.
local function note_at_end(s)
	local g = groups(s, "（", "）")
	local last = g[#g]
	if not last then return false end
	local tail = trim(s:sub(last.e + 1))
	if tail ~= "" and tail ~= "。" and tail ~= "；" then return false end
	return parse_note(last.inner, {}, {}, {}, false)
end

-- A line of its own that is a labelled note (责任单位：X).
local function is_note_line(line)
	for _, l in ipairs(R.note_labels) do
		if line:find("^" .. l.label .. "：") then return true end
	end
	return false
end

---------------------------------------------------------------------------
-- Deadlines and targets
---------------------------------------------------------------------------

local function is_clause_start(s, a)
	if a == 1 then return true end
	local before = s:sub(1, a - 1)
	for _, sep in ipairs(R.clause_seps) do if ends(before, sep) then return true end end
	return ends(before, "——") or ends(before, "：")
end

-- Every deadline in s, in order. ctx: the year assumed when none is printed.
local function deadlines(s, ctx)
	local found, spans = {}, name_spans(s)
	local cands = {}
	for _, p in ipairs(R.date_starts) do
		local i = 1
		while true do
			local a = s:find(p, i)
			if not a then break end
			cands[#cands + 1] = a
			i = a + 1
		end
	end
	table.sort(cands)
	local taken_to = 0
	for _, a in ipairs(cands) do
		if a > taken_to and not in_spans(spans, a) and not any_match(s:sub(1, a - 1), R.date_not_after) then
			-- The longest text from a that is a date expression.
			local best, bi, bprec
			local limit = math.min(#s, a + R.date_max_bytes)
			local e = a - 1
			while true do
				local c = s:byte(e + 1)
				if not c then break end
				e = e + (c >= 0xF0 and 4 or c >= 0xE0 and 3 or c >= 0xC0 and 2 or 1)
				if e > limit then break end
				local iso, _, prec = C.date(s:sub(a, e), ctx)
				if iso ~= nil then best, bi, bprec = e, iso, prec end
			end
			if best then
				local text = s:sub(a, best)
				local after = s:sub(best + 1)
				local ok = true
				if bprec == 0 then
					local lead = text:find("^到") or text:find("^至") or text:find("^截")
					-- 今年改造小区20个: the named year opening a clause is its end.
					local named = text:find("^今年") or text:find("^明年")
					ok = lead or (is_clause_start(s, a) and (named or any_match(after, R.bare_year_followers)))
				end
				-- A date something was issued, registered or started (2024年6月14日印发,
				-- 10月（含）后注册) or a validity (有效期至…) is no deadline.
				local event = bprec == 3 and not text:find("前", 1, true) and any_match(after, R.date_not_before_day)
				if ok and (event or any_match(after, R.date_not_before) or any_match(s:sub(1, a - 1), R.date_ref_before)) then
					ok = false
					taken_to = best   -- nor is any date inside it (12月31日 of 有效期至2026年12月31日)
				end
				if ok then
					local iso, rel = C.date(text, ctx)
					local y = text:match("(%d%d%d%d)年")
					if y then ctx = tonumber(y) end
					found[#found + 1] = { text = text, date = iso or nil, relative = rel, s = a, e = best }
					taken_to = best
				end
			end
		end
	end
	-- What must be done by then: the rest of its clause, else the clause before it.
	for k, d in ipairs(found) do
		local lo, hi = clause_bounds(s, d.s, d.e)
		local stop = hi
		if found[k + 1] and found[k + 1].s - 1 < stop then stop = found[k + 1].s - 1 end
		local what = trim(s:sub(d.e + 1, stop))
		if what == "" or what == "，" then
			local nxt = d.e + 1
			if s:sub(nxt, nxt + 2) == "，" then
				local lo2, hi2 = clause_bounds(s, nxt + 3, nxt + 3)
				what = trim(s:sub(nxt + 3, hi2))
			end
		end
		if what == "" then what = trim(s:sub(lo, d.s - 1)) end
		what = what:gsub("^在", ""):gsub("^前", "")
		if field_line(what) and what:match("：$") then what = "" end   -- 完成时限：2025年9月底前
		what = trim(what:gsub("^）", ""):gsub("）$", ""):gsub("^（", ""))
		d.what = what
		d.s, d.e = nil, nil
	end
	return found
end

-- A number that qualifies (营业额达到500万元以上的企业), is a rate (按…的80%给予),
-- or a baseline raised to another (由60%提至90%: 60) is no target.
local function condition_or_rate(s, a, b)
	if any_match(s:sub(b + 1), R.quantity_not_before) then return true end
	local lo, hi = clause_bounds(s, a, b)
	local before, after = s:sub(lo, a - 1), s:sub(b + 1, hi)
	local stop = #s
	for _, sep in ipairs({ "。", "；" }) do
		local x = s:find(sep, b + 1, true)
		if x and x < stop then stop = x end
	end
	local sentence_after = s:sub(b + 1, stop)
	for _, w in ipairs(R.rate_words) do
		if before:find(w, 1, true) then
			for _, x in ipairs(R.rate_after) do if sentence_after:find(x, 1, true) then return true end end
		end
	end
	if before:find("由", 1, true) then
		for _, w in ipairs(R.raise_words) do if after:find(w, 1, true) then return true end end
	end
	return false
end

-- The clause around a number, without a leading deadline.
local function target_text(s, a, b)
	local lo, hi = clause_bounds(s, a, b)
	local t = trim(s:sub(lo, hi))
	for _, d in ipairs(deadlines(t, 0)) do
		if starts(t, d.text) then t = trim(t:sub(#d.text + 1)) end
		break
	end
	return t
end

local function targets(s)
	local out, spans, seen = {}, name_spans(s), {}
	local function add(t)
		for _, o in ipairs(out) do
			-- One number, one target (新增停车位500个 is found by 新增 and by 个 at the clause end).
			if t.pos and o.pos == t.pos then return end
		end
		local key = t.text .. "\0" .. tostring(t.value)
		if not seen[key] then
			seen[key] = true
			out[#out + 1] = t
		end
	end
	-- Percentages, and ranges 1%至2%, 1—2%.
	local i = 1
	while true do
		local a, b, num = s:find("(%d+%.?%d*)%%", i)
		if not a then break end
		i = b + 1
		local before, after = s:sub(1, a - 1), s:sub(b + 1)
		-- A range: 1%至2%, 1—2%, 1-2%.
		local lowtext, start
		for _, j in ipairs({ "至", "到", "—", "-", "～", "~" }) do
			local x = before:match("(%d+%.?%d*)%%?" .. j:gsub("%-", "%%-") .. "$")
			if x then
				lowtext = x
				start = before:find("%d+%.?%d*%%?" .. j:gsub("%-", "%%-") .. "$")
				break
			end
		end
		start = start or a
		local upper_follows = false
		for _, j in ipairs({ "至", "到", "—", "-", "～", "~" }) do
			if starts(after, j) and after:sub(#j + 1):find("^%d") then upper_follows = true end
		end
		local lowbefore = s:sub(1, start - 1)
		if not upper_follows and not in_spans(spans, a) and not any_match(lowbefore, R.percent_not_after)
			and not any_match(after, R.percent_not_before) and not condition_or_rate(s, start, b) then
			local t = { text = target_text(s, start, b), unit = "%", kind = "percent" }
			if lowtext then
				t.value, t.max = tonumber(lowtext), tonumber(num)
			else
				t.value = tonumber(num)
			end
			add(t)
		end
	end
	-- Ratios 1:2.
	i = 1
	while true do
		local a, b, x, y = s:find("(%d+):(%d+)", i)
		if not a then break end
		i = b + 1
		if not in_spans(spans, a) and tonumber(x) > 0 then
			add({ text = target_text(s, a, b), value = tonumber(y) / tonumber(x), unit = "ratio",
				ratio = x .. ":" .. y, kind = "ratio" })
		end
	end
	-- Quotas: 不少于2名, 至少讲1次党课.
	for _, trig in ipairs(R.quota_triggers) do
		i = 1
		while true do
			local a, b = s:find(trig, i, true)
			if not a then break end
			i = b + 1
			local rest = s:sub(b + 1)
			local pos, n = 1, 0
			while pos <= #rest and n <= R.quota_reach do
				local c = rest:sub(pos, pos)
				if c:match("%d") then break end
				local ch = rest:sub(pos, (utf8.offset(rest, 2, pos) or #rest + 1) - 1)
				if ch == "，" or ch == "。" or ch == "；" or ch == "、" then pos = #rest + 1 break end
				pos, n = pos + #ch, n + 1
			end
			-- The first number within reach that a counter word follows (新增5G基站1000座).
			local num, unit, after
			while pos <= #rest and n <= R.quota_reach do
				local x = rest:match("^(%d+%.?%d*)", pos)
				if x then
					after = rest:sub(pos + #x)
					for _, u in ipairs(R.quota_units) do
						if starts(after, u) then unit = u break end
					end
					if unit then num = x break end
					pos = pos + #x
				else
					local ch = rest:sub(pos, (utf8.offset(rest, 2, pos) or #rest + 1) - 1)
					if ch == "，" or ch == "。" or ch == "；" or ch == "、" then break end
					pos, n = pos + #ch, n + 1
				end
			end
			if num and pos <= #rest then
				local abs = b + pos
				if unit and not in_spans(spans, abs) and not any_match(s:sub(1, a - 1), R.quota_not_after)
					and not any_match(after:sub(#unit + 1), R.quantity_not_before) then
					add({ text = target_text(s, a, abs + #num), value = tonumber(num), unit = unit, kind = "quantity",
						pos = abs })
				end
			end
		end
	end
	-- Quotas without a trigger word: 3个以上, 15座以上 (not 500万元以上的企业, a
	-- condition), and a count that ends its clause after a verb of making
	-- (新建高标准农田2万亩。完成改造1200户，).
	for _, u in ipairs(R.quota_units) do
		i = 1
		while true do
			local a, b, num = s:find("(%d+%.?%d*)" .. u, i)
			if not a then break end
			i = b + 1
			local prev = s:sub(a - 1, a - 1)
			local tail = s:sub(b + 1)
			local lo = clause_bounds(s, a, b)
			local verb = false
			for _, w in ipairs(R.quota_verbs) do
				if s:find(w, lo, true) and s:find(w, lo, true) < a then verb = true end
			end
			local at_end = tail == "" or any_match(tail, { "^。", "^，", "^；", "^、" })
			local ok = starts(tail, "以上") and not starts(tail, "以上的")
			ok = ok or (at_end and verb and not any_match(s:sub(lo, a - 1), R.quota_not_in_clause))
			if ok and not prev:match("[%d%.]") and not in_spans(spans, a)
				and not any_match(s:sub(1, a - 1), R.quota_not_after) then
				local dup = false
				for _, t in ipairs(out) do if t.value == tonumber(num) and t.unit == u then dup = true end end
				if not dup then
					add({ text = target_text(s, a, b), value = tonumber(num), unit = u, kind = "quantity", pos = a })
				end
			end
		end
	end
	-- Quotas in the order printed (after the percentages and ratios).
	local first = #out + 1
	for k, t in ipairs(out) do if t.pos then first = k break end end
	local q = {}
	for k = first, #out do q[#q + 1] = out[k] end
	table.sort(q, function(x, y) return (x.pos or 0) < (y.pos or 0) end)
	for k, t in ipairs(q) do out[first + k - 1] = t t.pos = nil end
	return out
end

---------------------------------------------------------------------------
-- The document
---------------------------------------------------------------------------

-- A closing or framing section (指导思想, 保障措施 …): its subsections are no tasks.
local function closing_section(title)
	return ulen(title) <= R.non_task_section_max_chars and any_match(title, R.non_task_sections)
end

local function classify(line)
	for _, m in ipairs(R.markers) do
		local num, rest = line:match(m.pattern)
		if num or line:find(m.pattern) then
			if not m.numeral then return m.kind, nil, line end
			local v = numeral(num or "", m.numeral)
			if v then
				-- printed: the marker as printed (7. （十六） 第一条); digits: the
				-- title starts with digits (7.3个一工程, or a decimal 1.5 / outline 1.1).
				local printed = trim(line:sub(1, #line - #(rest or "")))
				return m.kind, num, trim(rest or ""), v, printed,
					m.numeral == "arabic" and (rest or ""):match("^%d") ~= nil
			end
		end
	end
	return nil
end

local function is_issuer(s)
	if ulen(s) > R.header_line_max_chars then return nil end
	for _, p in ipairs({ "，", "。", "：", "；", "、" }) do
		if s:find(p, 1, true) then return nil end
	end
	local t = s
	for _, p in ipairs(R.issuer_drop) do t = t:gsub(p, "") end
	if any_end(t, R.issuer_endings) then return t end
	return nil
end

-- A signature line naming several issuers (海关总署 国家移民局 民航局, its
-- spaces gone): split where each piece ends as an issuer does.
local function split_issuers(s)
	local out, start, i = {}, 1, 1
	while i <= #s do
		local hit
		for _, e in ipairs(R.issuer_split_endings) do
			if s:sub(i, i + #e - 1) == e then hit = e break end
		end
		if hit then
			local piece = s:sub(start, i + #hit - 1)
			local rest = s:sub(i + #hit)
			if ulen(piece) >= R.issuer_min_chars and
				(rest == "" or (ulen(rest) >= R.issuer_min_chars and not any_match(rest, R.issuer_not_split))) then
				out[#out + 1] = piece
				start = i + #hit
			end
			i = i + #hit
		else
			i = i + 1
		end
	end
	if start <= #s then
		if #out > 0 then out[#out] = out[#out] .. s:sub(start) else out[1] = s end
	end
	return out
end

local function find_doc_no(s)
	for _, p in ipairs(R.doc_no) do
		local m = s:match(p)
		if m then return (m:gsub("^（", "")) end
	end
	return nil
end

local function whole_date(s)
	s = s:match("^（(.*)）$") or s   -- （2025年3月18日） under a title or a signature
	local iso, rel, prec = C.date(s, 0)
	if iso and not rel and prec == 3 then return iso end
	return nil
end

local function is_title(s)
	if not s or s == "" or ulen(s) > R.max_title_chars or s:find("。", 1, true) then return false end
	local t = strip_paren(s)
	return any_end(t, R.title_endings) ~= nil
end

-- A title run from line i: consecutive short lines without sentence
-- punctuation, continued over blank lines while brackets are open.
local function title_run(L, i, endings, maxchars)
	local text, j, used = "", i, 0
	while j <= #L and used < R.title_max_lines do
		local l = L[j]
		if l == "" then
			-- A title broken over lines may have a blank line in the break.
			if not unbalanced(text) and (any_end(strip_paren(text), endings) or
				not L[j + 1] or L[j + 1] == "" or has_any(L[j + 1], { "。", "，", "：", "；" }) or whole_date(L[j + 1])) then
				break
			end
		else
			if l:find("。", 1, true) or classify(l) or ulen(l) > (maxchars or R.max_title_chars) or
				whole_date(l) or (text ~= "" and find_doc_no(l)) then
				break
			end
			if text ~= "" and not unbalanced(text) and any_end(strip_paren(text), endings) and
				not any_end(l, endings) and not l:find("^（") then
				break
			end
			text = text .. l
			used = used + 1
		end
		j = j + 1
	end
	if text == "" then return nil end
	return text, j
end

local function period_of(s)
	for _, j in ipairs(R.period_joins) do
		local ej = j:gsub("%p", "%%%0")
		for _, pat in ipairs({ "(%d%d%d%d)年" .. ej .. "(%d%d%d%d)", "(%d%d%d%d)" .. ej .. "(%d%d%d%d)" }) do
			for a, b in s:gmatch(pat) do
				if tonumber(b) > tonumber(a) and tonumber(b) - tonumber(a) < R.period_max_years then
					return { tonumber(a), tonumber(b) }
				end
			end
		end
	end
	return nil
end

-- The single year a text is about, outside 《》 and ranges (2019年重点工作).
local function year_of(s)
	local spans = name_spans(s)
	local i = 1
	while true do
		local a, b, y = s:find("(%d%d%d%d)年", i)
		if not a then return nil end
		i = b + 1
		local before = s:sub(1, a - 1)
		if not in_spans(spans, a) and not any_match(before, { "%-$", "—$", "～$", "至$", "到$" }) and
			not s:sub(b + 1):find("^[%-—]") then
			return tonumber(y)
		end
	end
end

---------------------------------------------------------------------------
-- Tables
---------------------------------------------------------------------------

-- A cell's text reads as its column's: a time (a date, 持续推进, 长期), units.
local function cell_fits(role, text)
	if role == "deadline" then
		if ulen(text) > R.table_time_max_chars or ends(text, "。") then return false end
		if C.date(text, 0) ~= nil then return true end
		return any_match(text, R.table_time_words)
	elseif role == "lead" or role == "support" then
		return ulen(text) <= R.header_line_max_chars * 2 and not ends(text, "。")
	end
	return true
end

local function has_role(roles, role)
	for _, r in ipairs(roles) do if r == role then return true end end
	return false
end

local function column_role(cell)
	cell = trim(cell)
	for _, c in ipairs(R.table_columns) do
		for _, w in ipairs(c.words) do if cell == w then return c.role end end
	end
	-- 完成时限（年月）, 责任单位（部门）: a known word, then a bracket.
	local head = cell:match("^(.-)（") or cell:match("^(.-)%(")
	if head and head ~= "" then
		for _, c in ipairs(R.table_columns) do
			for _, w in ipairs(c.words) do if head == w then return c.role end end
		end
	end
	return nil
end

-- The roles of a header row, or nil when the cells are no task table's header.
local function header_roles(cells)
	local roles, n, key, who = {}, 0, false, false
	for k, c in ipairs(cells) do
		-- A column of no known kind (责任领导, 资金来源) is kept as text of the row.
		local r = column_role(c) or "other"
		roles[k] = r
		if r ~= "other" then n = n + 1 end
		if r == "number" or r == "title" or r == "content" then key = true end
		if r == "lead" or r == "deadline" or r == "support" then who = true end
	end
	if n < R.table_min_columns or not key or not who then return nil end
	return roles
end

local function split_tabs(l)
	local cells = {}
	for c in (l .. "\t"):gmatch("(.-)\t") do cells[#cells + 1] = trim(c) end
	return cells
end

-- The cells of a flattened row from its lines. The columns after the widest
-- one (the content, else the title) are taken from the end, one line each, a
-- unit list wrapped onto more lines (市发展改革委、 / 市自然资源局) joined; those
-- before it from the start, a group cell only when the row has a line for it
-- (else it is carried down from the row above); the widest takes the rest.
local function flat_cells(roles, lines)
	local cells, wide = {}, nil
	for x, r in ipairs(roles) do if r == "content" then wide = x end end
	if not wide then for x, r in ipairs(roles) do if r == "title" then wide = x end end end
	if not wide then
		for x, r in ipairs(roles) do if r ~= "number" and r ~= "group" then wide = x break end end
	end
	local lo, hi = 1, #lines
	-- From the end.
	for x = #roles, (wide or 0) + 1, -1 do
		local r = roles[x]
		if r ~= "number" and hi >= lo then
			if r == "deadline" and not cell_fits(r, lines[hi]) then
				-- an empty time cell: nothing taken
			else
				local parts = { lines[hi] }
				hi = hi - 1
				if r == "lead" or r == "support" or r == "note" then
					while hi > lo and any_end(lines[hi], { "、", "，" }) and cell_fits(r, lines[hi]) do
						table.insert(parts, 1, lines[hi])
						hi = hi - 1
					end
				end
				cells[x] = table.concat(parts)
			end
		end
	end
	-- From the start.
	local before = 0
	for x = 1, (wide or 1) - 1 do if roles[x] ~= "number" then before = before + 1 end end
	for x = 1, (wide or 1) - 1 do
		local r = roles[x]
		if r ~= "number" and lo <= hi then
			-- A group cell is printed once per group: when the row has no line
			-- to spare for it, it is carried down.
			if r == "group" and (hi - lo + 1) <= before - 1 + (wide and 1 or 0) then
				before = before - 1
			else
				cells[x] = lines[lo]
				lo = lo + 1
				before = before - 1
			end
		end
	end
	if wide and lo <= hi then
		local parts = {}
		for y = lo, hi do parts[#parts + 1] = lines[y] end
		cells[wide] = table.concat(parts)
	end
	return cells
end

-- A table starting at line i: its rows as {number=, line=, cells={role=text}},
-- and the line after it. nil when line i is no header row.
local function read_table(L, i, stop)
	local roles, rows, j, flat = nil, {}, i, false
	if L[i]:find("\t", 1, true) then
		roles = header_roles(split_tabs(L[i]))
		j = i + 1
	else
		-- Flattened: the header's cells one a line, short words, then the row 1
		-- (a column of no known kind among them is kept as text).
		local cells, k = {}, i
		while k <= stop and L[k] ~= "" and ulen(L[k]) <= R.table_header_max_chars and not L[k]:match("^%d+$")
			and not has_any(L[k], { "。", "，", "；", "：" }) and #cells < R.table_max_columns do
			cells[#cells + 1] = L[k]
			k = k + 1
		end
		local r1 = k
		while r1 <= stop and L[r1] == "" do r1 = r1 + 1 end
		if L[r1] ~= "1" or not column_role(L[i]) then return nil end
		roles = header_roles(cells)
		j, flat = k, true
	end
	if not roles then return nil end
	local numcol
	for k, r in ipairs(roles) do if r == "number" then numcol = k end end
	local carried = {}
	local function add_row(cells, line)
		local row = { line = line, cells = {} }
		for k, r in ipairs(roles) do
			local c = cells[k] or ""
			if c == "" and r == "group" then c = carried[k] or "" end   -- printed once per group
			if r == "group" then carried[k] = c end
			if r == "number" then row.number = tonumber(c:match("^%d+")) ; row.printed = c
			elseif c ~= "" then row.cells[r] = row.cells[r] and (row.cells[r] .. "\n" .. c) or c end
		end
		rows[#rows + 1] = row
	end
	if not flat then
		while j <= stop and L[j] ~= "" and L[j]:find("\t", 1, true) do
			local cells = split_tabs(L[j])
			local num = numcol and cells[numcol] or ""
			if numcol and num == "" and #rows > 0 then
				-- A row with no number continues the one above (a cell wrapped
				-- onto another row, or a page break inside the row).
				local prev = rows[#rows]
				for k, r in ipairs(roles) do
					local c = cells[k] or ""
					if c ~= "" and r ~= "number" then
						prev.cells[r] = prev.cells[r] and (prev.cells[r] .. c) or c
					end
				end
			else
				add_row(cells, j)
			end
			j = j + 1
		end
		return rows, j
	end
	-- Flattened rows: a number in sequence opens a row; the lines up to the
	-- next one are its cells. A group cell printed once per group is missing
	-- from the rows after it; a cell wrapped onto two lines gives one too many.
	local ncells = #roles - (numcol and 1 or 0)
	local expect = 1
	while j <= stop do
		while j <= stop and L[j] == "" do j = j + 1 end
		if j > stop or not L[j]:match("^%d+$") or tonumber(L[j]) ~= expect then break end
		local start, k, lines = j, j + 1, {}
		while k <= stop and not (L[k]:match("^%d+$") and tonumber(L[k]) == expect + 1) do
			if L[k] ~= "" then
				if classify(L[k]) and #lines >= ncells - 1 then break end
				lines[#lines + 1] = L[k]
			end
			k = k + 1
			if #lines >= ncells + R.table_max_wrap and not (L[k] or ""):match("^%d+$") then break end
		end
		-- The last row ends with its cells: what follows is text again. Its
		-- last line must read as the last column does (a time, units …).
		if not (L[k] or ""):match("^%d+$") then
			local lastrole = roles[#roles]
			local groups = 0
			for _, r in ipairs(roles) do if r == "group" then groups = groups + 1 end end
			while #lines > ncells - groups and
				(#lines > ncells + R.table_max_wrap or not cell_fits(lastrole, lines[#lines])) do
				lines[#lines] = nil
			end
			k = start + 1
			local seen = 0
			while k <= stop and seen < #lines do
				if L[k] ~= "" then seen = seen + 1 end
				k = k + 1
			end
		end
		local cells = flat_cells(roles, lines)
		if numcol then cells[numcol] = L[start] end
		add_row(cells, start)
		expect = expect + 1
		j = k
	end
	if #rows == 0 then return nil end
	return rows, j
end

-- The last line of lines that is not blank.
local function last_text(lines)
	for k = #lines, 1, -1 do if lines[k] ~= "" then return lines[k] end end
	return ""
end

local function new_task(number, section, subsection, lines)
	return { number = number, section = section, subsection = subsection, lines = lines }
end

local function finish_task(t, ctx)
	local paras
	local first = t.lines[1] or ""
	if #t.lines > 1 and first ~= "" and not is_sentence_end(first) and ulen(first) <= R.task_heading_max_chars
		and (t.lines[2] or "") ~= "" and not unbalanced(first) then
		-- 1.加快5G网络建设，铸就高品质数字底座 on a line of its own: a heading, the body below.
		paras = { first }
		local rest = {}
		for k = 2, #t.lines do rest[#rest + 1] = t.lines[k] end
		for _, p in ipairs(paragraphs(rest)) do paras[#paras + 1] = p end
	else
		paras = paragraphs(t.lines)
	end
	local text = table.concat(paras, "\n")
	local lead, support, rest = notes(text)
	-- Labelled note lines (责任单位：X) leave the text too.
	local kept = {}
	for _, p in ipairs(paras) do
		if is_note_line(p) then parse_note(p, lead, support, {}, false)
		else kept[#kept + 1] = p end
	end
	if #kept ~= #paras then
		text = table.concat(kept, "\n")
		lead, support, rest = notes(text)
		for _, p in ipairs(paras) do
			if is_note_line(p) then
				local seen = {}
				for _, u in ipairs(lead) do seen[u] = true end
				for _, u in ipairs(support) do seen[u] = true end
				parse_note(p, lead, support, seen, false)
			end
		end
	end
	rest = trim(rest:gsub("\n+$", ""))
	do
		local seen = {}
		for _, u in ipairs(lead) do seen[u] = true end
		for _, u in ipairs(support) do seen[u] = true end
		rest = trim(inline_notes(rest, lead, support, seen))
	end
	local cells = t.cells
	if cells then
		local seen = {}
		for _, u in ipairs(lead) do seen[u] = true end
		for _, u in ipairs(support) do seen[u] = true end
		-- A lead cell may itself be a note (X牵头，Y配合); under the document's
		-- rule that the unit listed first leads, the others in it support.
		local marked = false
		for _, m in ipairs(R.lead_marks) do if cells.lead and cells.lead:find(m, 1, true) then marked = true end end
		if marked then
			parse_note("责任单位：" .. cells.lead, lead, support, seen, false)
		elseif cells.lead and not parse_note(cells.lead, lead, support, seen, false) then
			local units = {}
			add_units(units, {}, cells.lead)
			for k, u in ipairs(units) do
				if not seen[u] then
					seen[u] = true
					if k > 1 and R.first_listed_leads and not cells.support then
						support[#support + 1] = u
					else
						lead[#lead + 1] = u
					end
				end
			end
		end
		if cells.support then add_units(support, seen, cells.support) end
	end
	if #lead == 0 and #support == 0 then
		-- 由X负责 in a sentence, when no note names anyone.
		for _, p in ipairs(R.inline_leads) do
			for u in rest:gmatch(p) do
				if ulen(u) <= R.header_line_max_chars and not has_any(u, { "，", "。", "；", "（", "）" }) then
					add_units(lead, {}, u)
				end
			end
		end
	end
	local tag   -- 第一条 【培育对象】…: the tag is the title
	if starts(rest, "【") then
		local e = rest:find("】", 1, true)
		if e and e > 4 then tag = rest:sub(4, e - 1) end
	end
	t.title = (cells and cells.title and short_title(cells.title)) or tag or short_title(rest:match("^[^\n]*"))
	if t.point then
		-- 一是深化理论学习，每季度…: a point's title is its first clause.
		local a = t.title:find("，", 1, true)
		if a and ulen(t.title:sub(1, a - 1)) >= R.point_title_min_chars then t.title = t.title:sub(1, a - 1) end
	end
	t.lead, t.support = lead, support
	-- The year of the task's own section (（一）2025年重点任务) comes first.
	ctx = (t.subsection_title and year_of(t.subsection_title)) or
		(t.section_title and year_of(t.section_title)) or ctx
	t.year = ctx > 0 and ctx or nil
	t.deadlines = deadlines(rest, ctx)
	if cells and cells.deadline then
		-- The time cell: a date alone (2025年, 6月底前) is a deadline there.
		local iso, rel, prec = C.date(cells.deadline, ctx)
		if iso ~= nil then
			t.deadlines[#t.deadlines + 1] = { text = cells.deadline, date = iso or nil, relative = rel,
				what = ((cells.title or t.title):gsub("。$", "")) }
		else
			for _, d in ipairs(deadlines(cells.deadline, ctx)) do t.deadlines[#t.deadlines + 1] = d end
		end
	end
	for _, d in ipairs(t.deadlines) do if d.what == "" then d.what = t.title end end
	t.targets = targets(rest)
	if cells and cells.target then
		for _, x in ipairs(targets(cells.target)) do t.targets[#t.targets + 1] = x end
	end
	local body = {}
	for p in (rest .. "\n"):gmatch("(.-)\n") do
		p = trim(p)
		if p ~= "" then body[#body + 1] = md_escape(p) end
	end
	-- A table's group cell (粮食安全) heads the task's text.
	if t.group then table.insert(body, 1, "【" .. md_escape(t.group) .. "】") end
	t.body = table.concat(body, "\n\n")
	t.lines, t.unnumbered, t.article, t.cells, t.point, t.paren = nil, nil, nil, nil, nil, nil
	return t
end

-- Splits a paragraph at 一是…二是…: returns the text before and the points.
local function split_points(p)
	local points, cuts = {}, {}
	local i = 1
	while i <= #p do
		local at_start = i == 1
		if not at_start then
			for _, s in ipairs(R.clause_starts) do
				if p:sub(i - #s, i - 1) == s then at_start = true break end
			end
		end
		if at_start then
			local v, nxt = C.number(p, i)
			if v then
				for _, suf in ipairs(R.point_suffixes) do
					if p:sub(nxt, nxt + #suf - 1) == suf and v == #cuts + 1 then
						cuts[#cuts + 1] = { s = i, body = nxt + #suf }
						break
					end
				end
			end
		end
		local c = p:byte(i)
		i = i + (c >= 0xF0 and 4 or c >= 0xE0 and 3 or c >= 0xC0 and 2 or 1)
	end
	if #cuts < 2 then return p, {} end
	for k, c in ipairs(cuts) do
		local e = cuts[k + 1] and cuts[k + 1].s - 1 or #p
		points[#points + 1] = trim(p:sub(c.body, e))
	end
	return trim(p:sub(1, cuts[1].s - 1)), points
end

function R.parse(text, info)
	R.first_listed_leads = any_match(text, R.first_listed_rules)
	local L, unplaced, furniture = {}, {}, {}
	for line in (text .. "\n"):gmatch("(.-)\n") do L[#L + 1] = line end
	-- A bare number near the next or the one before it numbers the rows of a
	-- flattened table; elsewhere it is a page number.
	local bare = {}
	for k, l in ipairs(L) do if l:match("^%d+$") then bare[#bare + 1] = { k, tonumber(l) } end end
	local function row_number(k)
		local v = tonumber(L[k])
		for _, x in ipairs(bare) do
			if x[1] ~= k and math.abs(x[1] - k) <= R.table_row_reach and math.abs(x[2] - v) == 1 then
				return true
			end
		end
		return false
	end
	for k, line in ipairs(L) do
		if line ~= "" and any_match(line, R.page_furniture) and not (line:match("^%d+$") and row_number(k)) then
			unplaced[#unplaced + 1] = line
			furniture[#furniture + 1] = { k, line }
			L[k] = ""
		end
	end
	local doc = { tasks = {}, annex_tasks = {}, sections = {}, yearly_themes = {}, unplaced = unplaced,
		warnings = {} }
	local notice_lines = {}
	-- A warning about line n of the input: kind names the message (the C
	-- side words it, translated), the other fields fill it in.
	local function warn(n, kind, fields)
		local w = { line = n, kind = kind, text = L[n] }
		for k, x in pairs(fields or {}) do w[k] = x end
		doc.warnings[#doc.warnings + 1] = w
	end
	for _, f in ipairs(furniture) do warn(f[1], "furniture", { text = f[2] }) end
	local function unplace(n)
		unplaced[#unplaced + 1] = L[n]
		warn(n, "unplaced")
	end

	-------------------------------------------------------------------- header
	local i = 1
	local title_at, in_notice, signers, attach_list
	while i <= #L do
		local s = L[i]
		if s == "" then
			i = i + 1
		elseif classify(s) == "section" or classify(s) == "article" or
			((classify(s) == "task" or classify(s) == "ptask" or classify(s) == "subsection") and
				select(4, classify(s)) == 1 and not s:find("^附件")) then
			break   -- the text proper begins (a notice may itself list its tasks: 1. …)
		elseif find_doc_no(s) and not doc.doc_no and ulen(s) < R.header_line_max_chars then
			doc.doc_no = find_doc_no(s)
			i = i + 1
		elseif not doc.issuer and not doc.notice_title and is_issuer(s) then
			doc.issuer = is_issuer(s)
			i = i + 1
		elseif not doc.notice_title and s:find(R.notice_start[1], 1, true) and not s:find("。", 1, true) then
			local t, j = title_run(L, i, R.notice_endings, R.max_notice_chars)
			if t and any_end(t, R.notice_endings) then
				doc.notice_title = t
				i = j
			else
				unplace(i)
				i = i + 1
			end
		elseif not s:find("，", 1, true) and is_title((title_run(L, i, R.title_endings))) then
			doc.title, i = title_run(L, i, R.title_endings)
			title_at = i
			break
		elseif whole_date(s) and not doc.date then
			doc.date = whole_date(s)
			if signers then doc.issuer = table.concat(signers, "、") end
			i = i + 1
		elseif not doc.notice_title and not in_notice and ends(s, "：") and ulen(s) <= R.header_prose_chars * 3 then
			-- 各有关单位：with no notice title above it: a covering notice all the same.
			in_notice = true
			notice_lines[#notice_lines + 1] = s
			i = i + 1
		elseif (doc.notice_title or in_notice) and (s:find("^附件%d*：") or
			(attach_list and s:match("^%d+[%.、]") and not doc.date)) then
			-- 附件：1.某方案 / 2.某清单: the notice's list of attachments
			attach_list = true
			notice_lines[#notice_lines + 1] = s
			i = i + 1
		elseif doc.notice_title or in_notice then
			if s:match("^附件%d*$") then
				-- the plan follows as the notice's attachment
			elseif is_issuer(s) and not doc.date then
				-- the notice's signature, one issuer a line
				signers = signers or {}
				signers[#signers + 1] = is_issuer(s)
			elseif s:find("，", 1, true) or s:find("。", 1, true) or ends(s, "：") or ulen(s) > R.header_prose_chars then
				notice_lines[#notice_lines + 1] = s
			else
				break   -- a short line after the notice that is no title: the plan starts
			end
			i = i + 1
		elseif ulen(s) > R.header_prose_chars or s:find("。", 1, true) then
			break   -- the text begins without a title we know
		else
			unplace(i)
			i = i + 1
		end
	end
	if not doc.title and doc.notice_title then
		doc.title = doc.notice_title:match("《(.*)》") or doc.notice_title
		doc.title = doc.title:gsub("〈", "《"):gsub("〉", "》")
	end
	if not doc.title then
		-- The notice names the plan it issues: 现将《…行动计划（2025—2027年）》印发给你们.
		for _, l in ipairs(notice_lines) do
			local t = l:match("《(.-)》")
			if t and any_end(strip_paren(t), R.title_endings) then doc.title = t break end
		end
	end
	if doc.issuer then doc.issuer = doc.issuer:gsub("%s%s+", "、") end
	-- A period printed on the line under the title: （2018—2020年）.
	while i <= #L and L[i] == "" do i = i + 1 end
	if doc.title and L[i] and L[i]:match("^（.*）$") and period_of(L[i]) then
		doc.title = doc.title .. L[i]
		i = i + 1
	end
	if not doc.title then
		-- No header: the first line is the title, when it reads as one.
		for k = 1, #L do
			if L[k] ~= "" then
				if ulen(L[k]) <= R.max_title_chars and not has_any(L[k], { "。", "；" }) and not classify(L[k]) then
					doc.title = L[k]
					for u = #unplaced, 1, -1 do
						if unplaced[u] == L[k] then
							table.remove(unplaced, u)
							for w = #doc.warnings, 1, -1 do
								if doc.warnings[w].line == k then table.remove(doc.warnings, w) end
							end
							break
						end
					end
				end
				break
			end
		end
	end
	doc.title = doc.title or "未命名计划"
	doc.period = period_of(doc.title) or (doc.notice_title and period_of(doc.notice_title))

	-- A signature block at the end: issuers one a line (or several on one), the
	-- date, then trailers (（本文有删减）, 公开方式：…, …印发). It leaves the last task.
	local stop, closing = #L, {}
	do
		local k = #L
		while k > i and (L[k] == "" or any_match(L[k], R.trailers)) do
			if L[k] ~= "" then table.insert(closing, 1, L[k]) end
			k = k - 1
		end
		if k > i and whole_date(L[k]) then
			local date_at, names = k, {}
			k = k - 1
			while k > i and (L[k] == "" or is_issuer(L[k])) and date_at - k <= R.signature_lines do
				if L[k] ~= "" then
					local parts = split_issuers(is_issuer(L[k]):gsub("%s+", ""))
					for x = #parts, 1, -1 do table.insert(names, 1, parts[x]) end
				end
				k = k - 1
			end
			if #names > 0 then
				doc.date = doc.date or whole_date(L[date_at])
				doc.issuer = doc.issuer or table.concat(names, "、")
				while k > i and L[k] == "" do k = k - 1 end
				if any_match(L[k], R.closing_formulas) then k = k - 1 end
				local sig = {}
				for n = k + 1, date_at do
					if L[n] ~= "" then sig[#sig + 1] = L[n] end
				end
				for _, l in ipairs(closing) do sig[#sig + 1] = l end
				closing = sig
				stop = k
			else
				stop = #L
			end
		end
		if stop == #L then closing = {} end
	end

	-------------------------------------------------------------------- body
	local blocks = { { kind = "text", lines = {} } }
	local sec, sub, secnum, subnum
	local series = doc.tasks
	local last = 0
	local in_annex, annex = false, nil
	local restarted = false
	-- Nothing numbered anywhere (no 1., （一）, 第一条, 一是, table): paragraphs are the tasks.
	local paragraph_mode = true
	for k = i, stop do
		local kd = classify(L[k])
		if kd == "task" or kd == "ptask" or kd == "article" or kd == "subsection" or kd == "annex" or
			L[k]:find("\t", 1, true) or column_role(L[k]) == "number" or
			(L[k]:find("一是", 1, true) and L[k]:find("二是", 1, true)) then
			paragraph_mode = false
			break
		end
	end
	local last_sec, last_sub = {}, {}   -- the last section and subsection numbers seen
	local cur_task
	while i <= stop do
		local s = L[i]
		local rows, after = nil, nil
		if s ~= "" and not (cur_task and cur_task.article) then rows, after = read_table(L, i, stop) end
		if rows then
			-- A task table: each row a task of the series in force (the annex's after 附件).
			for _, row in ipairs(rows) do
				local c = row.cells
				local body = {}
				if c.title then body[#body + 1] = c.title .. (c.content and "。" or "") end
				if c.content then body[#body + 1] = c.content end
				if c.target then body[#body + 1] = c.target end
				if c.note then body[#body + 1] = "（" .. c.note .. "）" end
				if c.other then body[#body + 1] = "\n" .. c.other end
				local v = row.number or (last + 1)
				if row.number and v > last + 1 then warn(row.line, "gap", { expected = last + 1, got = v })
				elseif row.number and v <= last then warn(row.line, "duplicate", { expected = last + 1, got = v }) end
				last = v
				local t = new_task(v, secnum, subnum, { table.concat(body) })
				t.printed, t.line, t.cells, t.group = row.printed, row.line, c, c.group
				t.section_title, t.subsection_title = sec and sec.title, sub and sub.title
				series[#series + 1] = t
				blocks[#blocks + 1] = { kind = in_annex and "annex_task" or "task", task = t }
			end
			cur_task = nil
			i = after
			goto continue
		end
		local kind, num, rest, v, printed, digits = classify(s)
		if not kind and last >= 999 then
			-- Past 999 a task's number has four digits, which classify leaves
			-- alone (2019. starts a line about a year): one that goes on from
			-- the last task is the next task, not a line of the last one's text.
			for _, sep in ipairs({ "%.", "﹒", "、" }) do
				local n4, r4 = s:match("^(%d%d%d%d)" .. sep .. "(.*)$")
				if n4 and tonumber(n4) == last + 1 then
					kind, num, rest, v = "task", n4, trim(r4), last + 1
					printed = trim(s:sub(1, #s - #r4))
					digits = r4:match("^%d") ~= nil
					break
				end
			end
		end
		if annex and annex.plain and kind ~= "attachments" then kind = nil end
		local paren = kind == "ptask"
		if paren then
			if cur_task and not cur_task.paren then kind = nil else kind = "task" end
		end
		if kind == "annex" and not in_annex then
			in_annex = true
			annex = { lines = {} }
			i = i + 1
			while i <= #L and L[i] == "" do i = i + 1 end
			local t, j = title_run(L, i, R.title_endings)
			if not t and L[i] and L[i] ~= "" and ulen(L[i]) <= R.max_title_chars and not classify(L[i]) then
				t, j = L[i], i + 1   -- a title with none of the usual endings (…名单)
			end
			annex.title = t or "附件"
			i = j or i + 1
			series, last, cur_task = doc.annex_tasks, 0, nil
			annex.plain = any_match(strip_paren(annex.title), R.annex_not_tasks)
			blocks[#blocks + 1] = { kind = "annex_text", lines = annex.lines }
			sec, sub, secnum, subnum = nil, nil, nil, nil
			last_sec, last_sub = {}, {}
			goto continue
		elseif kind == "annex" and in_annex then
			-- 附件2 after 附件1: another part of the annex, its tasks numbered P.N.
			annex.parts = (annex.parts or 1) + 1
			i = i + 1
			while i <= #L and L[i] == "" do i = i + 1 end
			local t, j = title_run(L, i, R.title_endings)
			if not t and L[i] and L[i] ~= "" and ulen(L[i]) <= R.max_title_chars and not classify(L[i]) then
				t, j = L[i], i + 1
			end
			blocks[#blocks + 1] = { kind = "annex_text", lines = { s .. "　" .. (t or "") } }
			annex.lines = blocks[#blocks].lines
			i = j or i + 1
			last, cur_task = 0, nil
			sec, sub, secnum, subnum = nil, nil, nil, nil
			last_sec, last_sub = {}, {}
			goto continue
		elseif kind == "attachments" then
			cur_task = nil
			blocks[#blocks + 1] = { kind = "text", lines = { s } }
		elseif cur_task and cur_task.article and (kind == "subsection" or kind == "task") then
			cur_task.lines[#cur_task.lines + 1] = s   -- （一） and 1. inside an article
		elseif kind == "section" and not in_annex then
			local title, text = first_sentence(rest)
			-- 一、二、四: a gap; 三、三: printed twice (一 again starts a new part).
			if v ~= 1 and last_sec.v and v ~= last_sec.v + 1 then
				warn(i, v > last_sec.v and "section_gap" or "section_duplicate", { got = num, prev = last_sec.num })
			end
			last_sec = { v = v, num = num }
			sec = { number = num, title = trim(title) }
			secnum, subnum, sub = num, nil, nil
			doc.sections[#doc.sections + 1] = sec
			cur_task = nil
			blocks[#blocks + 1] = { kind = "section", number = num, title = sec.title,
				lines = { (text:gsub("^。", "")) } }
		elseif kind == "subsection" then
			local title, text = first_sentence(rest)
			if v ~= 1 and last_sub.v and v ~= last_sub.v + 1 and not (cur_task and cur_task.article) then
				warn(i, v > last_sub.v and "subsection_gap" or "subsection_duplicate", { got = num, prev = last_sub.num })
			end
			last_sub = { v = v, num = num }
			subnum = num
			cur_task = nil
			sub = { number = num, title = trim(title) }
			blocks[#blocks + 1] = { kind = "subsection", number = num, title = sub.title,
				lines = { (text:gsub("^。", "")) }, section = secnum, annex = in_annex, line = i,
				first = s }
		elseif kind == "article" and not in_annex then
			-- 第X条: a task of its own; the numbered points inside it are its text.
			last = v
			cur_task = new_task(v, secnum, subnum, { rest })
			cur_task.printed, cur_task.line, cur_task.article = printed, i, true
			series[#series + 1] = cur_task
			blocks[#blocks + 1] = { kind = "task", task = cur_task }
		elseif kind == "task" and not (cur_task and cur_task.article) and
			(v == last + 1 or (v == 1 and last > 0 and not (digits and rest:match("^%d+[%.﹒]")))
				or (not digits and v > 0)) then
			if v == 1 and last > 0 and not in_annex then restarted = true end
			if v > last + 1 then
				warn(i, "gap", { expected = last + 1, got = v })
			elseif v <= last and v ~= 1 then
				warn(i, "duplicate", { expected = last + 1, got = v })
			end
			last = v
			cur_task = new_task(v, secnum, subnum, { rest })
			cur_task.printed, cur_task.line, cur_task.paren = printed, i, paren or nil
			cur_task.part = in_annex and (annex.parts or 1) or nil
			cur_task.section_title = sec and sec.title
			cur_task.subsection_title = sub and sub.title
			series[#series + 1] = cur_task
			blocks[#blocks + 1] = { kind = in_annex and "annex_task" or "task", task = cur_task }
		elseif not kind and cur_task and not cur_task.article and any_match(s, R.closing_paragraphs) then
			cur_task = nil
			blocks[#blocks + 1] = { kind = in_annex and "annex_text" or "text", lines = { s } }
		elseif not kind and cur_task and cur_task.unnumbered and s ~= "" and
			not is_sentence_end(last_text(cur_task.lines)) and ulen(last_text(cur_task.lines)) >= R.min_broken_line then
			cur_task.lines[#cur_task.lines + 1] = s   -- a measure's paragraph cut by a page break
		elseif not kind and (not cur_task or cur_task.unnumbered) and sec and not sub and not in_annex and s ~= ""
			and (note_at_end(s) or (paragraph_mode and not closing_section(sec.title) and
				ulen(s) >= R.paragraph_task_min_chars and not any_match(s, R.closing_paragraphs))) then
			-- A measure without a number that carries its own note (责任单位：…) is a task;
			-- so is every paragraph of a document with nothing numbered (a 工作要点).
			cur_task = new_task(nil, secnum, nil, { s })
			cur_task.line, cur_task.unnumbered = i, true
			cur_task.section_title = sec.title
			series[#series + 1] = cur_task
			blocks[#blocks + 1] = { kind = "task", task = cur_task }
			if not paragraph_mode then cur_task = nil end
		else
			local b = blocks[#blocks]
			if cur_task then
				cur_task.lines[#cur_task.lines + 1] = s
			elseif b.lines then
				b.lines[#b.lines + 1] = s
			else
				blocks[#blocks + 1] = { kind = in_annex and "annex_text" or "text", lines = { s } }
			end
		end
		i = i + 1
		::continue::
	end

	-- The document's date and issuer may be signed at its end.
	if not doc.date then
		for k = #L, math.max(1, #L - 6), -1 do
			if L[k] ~= "" then
				local d = whole_date(L[k])
				if d then doc.date = d end
				break
			end
		end
	end

	-- Yearly themes, anywhere after the title.
	for k = title_at or 1, #L do
		for _, p in ipairs(R.themes) do
			for y, theme in L[k]:gmatch(p) do
				if not doc.yearly_themes[y] then doc.yearly_themes[y] = theme end
			end
		end
	end

	-- The year relative deadlines belong to.
	local ctx = year_of(doc.title)
	if not ctx and doc.period and doc.period[1] == doc.period[2] then ctx = doc.period[1] end
	if not ctx and doc.date then ctx = tonumber(doc.date:sub(1, 4)) end
	ctx = ctx or 0

	-- Documents numbered per section or subsection: 1.1, 2.1 … (the
	-- container's order among those holding tasks, then the printed number).
	if restarted then
		local ord, seen = {}, 0
		for _, t in ipairs(doc.tasks) do
			if not t.unnumbered then
				local key = tostring(t.section) .. "/" .. tostring(t.subsection)
				if not ord[key] then seen = seen + 1 ord[key] = seen end
				t.number = tostring(ord[key]) .. "." .. tostring(t.number)
			end
		end
	end
	-- Measures without a number: their section's order, then their place in it (S.K).
	local function number_unnumbered(list)
		local secord, k, prev = 0, 0, {}
		for _, t in ipairs(list) do
			if t.unnumbered then
				if prev.sec ~= t.section then secord, k = secord + 1, 0 end
				k = k + 1
				t.number = tostring((t.section and numeral(t.section, "chinese")) or secord) .. "." .. k
				prev.sec = t.section
			end
		end
	end
	number_unnumbered(doc.tasks)

	-- No numbered tasks: 一是…二是… points, else the subsections, are the tasks
	-- (not when an annex lists them: the text is then the rules around them).
	if #doc.tasks == 0 and #doc.annex_tasks == 0 then
		local container = 0
		for _, b in ipairs(blocks) do
			if (b.kind == "section" or b.kind == "subsection") and not b.annex then
				local paras = paragraphs(b.lines)
				local keep, found = {}, false
				for _, p in ipairs(paras) do
					local head, pts = split_points(p)
					if #pts > 0 then
						if not found then container = container + 1 found = true end
						if head ~= "" then keep[#keep + 1] = head end
						b.tasks = b.tasks or {}
						for _, pt in ipairs(pts) do
							local t = new_task(container .. "." .. (#b.tasks + 1),
								b.kind == "section" and b.number or b.section,
								b.kind == "subsection" and b.number or nil, { pt })
							t.point = true
							doc.tasks[#doc.tasks + 1] = t
							b.tasks[#b.tasks + 1] = t
						end
					else
						keep[#keep + 1] = p
					end
				end
				b.lines = keep
			end
		end
		if #doc.tasks == 0 then
			local ord, secn, straight, prev_value = 0, {}, true, nil
			for _, b in ipairs(blocks) do
				if b.kind == "section" then secn[b.number] = b.title end
				if b.kind == "subsection" and b.section and not b.annex and
					not closing_section(secn[b.section] or "") then
					ord = ord + 1
					local t = new_task(ord, b.section, b.number, { b.title .. "。" .. table.concat(b.lines, "\n") })
					t.printed, t.line, t.value = "（" .. b.number .. "）", b.line, numeral(b.number, "chinese")
					if not t.value or t.value <= (prev_value or 0) then straight = false end
					prev_value = t.value
					doc.tasks[#doc.tasks + 1] = t
					b.tasks = { t }
					b.lines = {}
				end
			end
			-- Numbered straight through: the printed numbers; else per section (S.N).
			local secord, seen = 0, {}
			for _, t in ipairs(doc.tasks) do
				if not straight then
					if not seen[t.section] then secord = secord + 1 seen[t.section] = secord end
					t.number = seen[t.section] .. "." .. tostring(t.value or t.number)
				else
					t.number = t.value
				end
				t.value = nil
			end
		end
	end

	-- Numbered tasks elsewhere: a subsection holding none whose paragraph ends
	-- with a note (（一）构建产业生态。…（责任单位：X）) is a measure of its own, S.N.
	if #doc.tasks > 0 then
		local changed = false
		for k, b in ipairs(blocks) do
			if b.kind == "subsection" and not b.annex and not b.tasks then
				local nxt = blocks[k + 1]
				local holds = nxt and (nxt.kind == "task" or nxt.kind == "annex_task")
				local last = b.first
				for _, l in ipairs(b.lines) do if l ~= "" then last = l end end
				if not holds and (note_at_end(last) or note_at_end(b.first)) then
					local t = new_task(nil, b.section, b.number, { b.title .. "。" .. table.concat(b.lines, "\n") })
					local sv, nv = b.section and numeral(b.section, "chinese"), numeral(b.number, "chinese")
					t.number = tostring(sv or 0) .. "." .. tostring(nv or 0)
					t.printed, t.line = "（" .. b.number .. "）", b.line
					b.tasks, b.lines, changed = { t }, {}, true
				end
			end
		end
		if changed then
			local list = {}
			for _, b in ipairs(blocks) do
				if b.kind == "task" and b.task then list[#list + 1] = b.task end
				for _, t in ipairs(b.tasks or {}) do list[#list + 1] = t end
			end
			doc.tasks = list
		end
	end

	for _, t in ipairs(doc.tasks) do finish_task(t, ctx) end
	-- A standing rule (以下均需地方人民政府负责，不再列出): that unit leads every later noted task too.
	for _, p in ipairs(R.standing_units) do
		local at, _, unit = text:find(p)
		if at then
			local line = select(2, text:sub(1, at):gsub("\n", "")) + 1
			-- From the task the rule is printed in on.
			local from = math.huge
			for _, t in ipairs(doc.tasks) do
				if t.line and t.line <= line then from = t.line end
			end
			for _, t in ipairs(doc.tasks) do
				if (t.line or 0) >= from then
					local has = false
					for _, u in ipairs(t.lead) do if u == unit or ends(u, unit) then has = true end end
					if #t.lead + #t.support > 0 and not has then t.lead[#t.lead + 1] = unit end
				end
			end
		end
	end
	-- Every task id once: a number printed twice gets -2, -3 … (warned above).
	local function unique(list)
		local seen = {}
		-- Printed numbers first: a number the importer made up gives way.
		local order = {}
		for _, t in ipairs(list) do if t.printed then order[#order + 1] = t end end
		for _, t in ipairs(list) do if not t.printed then order[#order + 1] = t end end
		for _, t in ipairs(order) do
			local id, k = tostring(t.number), 1
			while seen[id] do
				k = k + 1
				id = tostring(t.number) .. "-" .. k
			end
			if k > 1 then
				-- (a number the importer made up changes without a word)
				if t.line and t.printed then warn(t.line, "renumbered", { got = tostring(t.number), now = id }) end
				t.number = id
			end
			seen[id] = true
		end
	end
	-- An annex of several parts (附件1, 附件2), each numbered from 1: P.N.
	if annex and (annex.parts or 1) > 1 then
		for _, t in ipairs(doc.annex_tasks) do
			if t.part then t.number = tostring(t.part) .. "." .. tostring(t.number) end
			t.part = nil
		end
	end
	for _, t in ipairs(doc.annex_tasks) do t.part = nil end
	unique(doc.tasks)
	unique(doc.annex_tasks)
	local actx = ctx
	if annex then
		annex.period = period_of(annex.title) or doc.period
		actx = year_of(annex.title) or ctx
		for _, t in ipairs(doc.annex_tasks) do finish_task(t, actx) end
	end
	-- A yearly list: an undated task is due at its year's end (derived, and marked so).
	local due_default = (info and info.due_default) or R.due_default
	for _, list in ipairs({ doc.tasks, doc.annex_tasks }) do
		for _, t in ipairs(list) do
			local dated = false
			for _, d in ipairs(t.deadlines) do if d.date then dated = true end end
			if due_default == "year-end" and not dated and t.year then
				t.due, t.due_derived = string.format("%04d-12-31", t.year), "year-end"
			end
			t.year = nil
		end
	end

	-------------------------------------------------------------------- bodies
	local function task_link(t, prefix)
		local file = type(t.number) == "number" and string.format("%02d", t.number) or tostring(t.number)
		return string.format("%s [%s](%stasks/%s.md)", type(t.number) == "number" and (t.number .. ".") or "-",
			md_escape(t.title), prefix or "", file)
	end
	local out, aout = {}, {}
	local function put(o, s) o[#o + 1] = s end
	for _, b in ipairs(blocks) do
		local o = (b.kind == "annex_text" or b.kind == "annex_task" or b.annex) and aout or out
		if b.kind == "section" then
			put(o, "## " .. b.number .. "、" .. md_escape(b.title))
		elseif b.kind == "subsection" then
			put(o, "### （" .. b.number .. "）" .. md_escape(b.title))
		end
		if b.lines then
			for _, p in ipairs(paragraphs(b.lines)) do put(o, md_escape(p)) end
		end
		if b.tasks then
			local items = {}
			for _, t in ipairs(b.tasks) do items[#items + 1] = task_link(t) end
			put(o, table.concat(items, "\n"))
		end
		if b.kind == "task" or b.kind == "annex_task" then
			-- Consecutive tasks make one list.
			if o[#o] and o[#o]:find("%(tasks/[^)]*%.md%)$") and o.last_was_task then
				o[#o] = o[#o] .. "\n" .. task_link(b.task)
			else
				put(o, task_link(b.task))
			end
			o.last_was_task = true
		else
			o.last_was_task = false
		end
	end
	if annex and #doc.annex_tasks > 0 and info and info.plan then
		put(out, "## 附件\n\n[" .. md_escape(annex.title) .. "](../" .. info.plan .. "-annex/_index.md)")
	elseif annex then
		-- An annex with no tasks (a name list, a catalogue) stays in the plan's text:
		-- no plan of its own is written for it, so nothing links to one.
		put(out, "## 附件：" .. md_escape(annex.title))
		for _, l in ipairs(aout) do put(out, l) end
		aout = {}
	end
	if #notice_lines > 0 or doc.notice_title then
		put(out, "## 印发通知")
		if doc.notice_title then put(out, "**" .. md_escape(doc.notice_title) .. "**") end
		for _, p in ipairs(paragraphs(notice_lines)) do put(out, md_escape(p)) end
	end
	for _, l in ipairs(closing) do put(out, md_escape(l)) end
	out.last_was_task, aout.last_was_task = nil, nil
	doc.body = table.concat(out, "\n\n")
	if annex then
		doc.annex = { title = annex.title, period = annex.period, body = table.concat(aout, "\n\n") }
	end
	return doc
end

return R
