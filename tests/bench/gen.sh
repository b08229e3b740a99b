#!/bin/sh
# tests/bench/gen.sh: writes a deterministic synthetic site of N task pages, plus a Hugo site over the same content, for build benchmarks.
#
# usage: sh tests/bench/gen.sh N DIR [plain]
#
# With plain, the same pages keep only title, date and weight in their
# front matter: a site of plain pages, with no plans, tasks or dashboards.
#
# DIR/site.toml                      title and language only
# DIR/content/_index.md              home
# DIR/content/plans/_index.md        section page
# DIR/content/plans/pNNNN/_index.md  one plan per 100 tasks
# DIR/content/plans/pNNNN/tasks/NNN.md
# DIR/content/bulletins/_index.md    an empty section for bulletins
# DIR/hugo/                          config.toml and layouts/ for `hugo -s DIR/hugo`,
#                                    reading DIR/content through contentDir
#
# Only POSIX sh and awk. The same N always gives byte-identical files: all
# variation comes from a Park-Miller generator seeded with the page number,
# never from the clock, the locale or the environment.
set -eu

# Bytes, not characters: awk never measures a Chinese string, and this keeps
# gawk and mawk (and every locale) writing the same output.
LC_ALL=C
export LC_ALL

usage() {
	echo "usage: sh tests/bench/gen.sh N DIR [plain]   (N: number of task pages, 1..1000000)" >&2
	exit 2
}

[ $# -eq 2 ] || [ $# -eq 3 ] || usage
n=$1
dir=$2
plain=0
if [ $# -eq 3 ]; then
	[ "$3" = plain ] || usage
	plain=1
fi
# A million pages is far beyond any benchmark here; the bound keeps a typo
# (an extra zero or two) from filling the disk. The length test comes first
# so that test(1) never sees a number too big for it.
case $n in
'' | *[!0-9]* | ????????*) usage ;;
esac
if [ "$n" -lt 1 ] || [ "$n" -gt 1000000 ]; then usage; fi
[ -n "$dir" ] || usage

# DIR may already hold an earlier corpus: its content/ and hugo/ are replaced,
# but only when the marker says this script made them, never a real site.
marker="$dir/.planpress-bench"
if [ -f "$marker" ]; then
	rm -rf "$dir/content" "$dir/hugo" "$dir/public"
elif [ -e "$dir/content" ] || [ -e "$dir/hugo" ]; then
	echo "gen.sh: $dir already has content/ or hugo/ not made by gen.sh; refusing to overwrite" >&2
	exit 2
fi
mkdir -p "$dir"
: >"$marker"

# awk gets the folder through the environment: -v would expand backslashes.
BENCH_DIR=$dir
export BENCH_DIR

# Folders first (awk cannot make them): one mkdir per plan of 100 pages.
awk -v n="$n" 'BEGIN {
	dir = ENVIRON["BENCH_DIR"]
	print dir "/hugo/layouts/_default"
	for (p = 1; p <= int((n + 99) / 100); p++)
		printf "%s/content/plans/p%04d/tasks\n", dir, p
}' | while IFS= read -r d; do mkdir -p "$d"; done

cat >"$dir/site.toml" <<'EOF'
# Synthetic benchmark site written by tests/bench/gen.sh.
title = "基准测试站点"
language = "zh-CN"
EOF

cat >"$dir/content/_index.md" <<EOF
---
title: 基准测试站点
---

本站由 tests/bench/gen.sh 生成，共有 $n 项任务，用于测量构建速度。

- [行动计划](plans/_index.md)
EOF

cat >"$dir/content/plans/_index.md" <<'EOF'
---
title: 行动计划
weight: 1
---

按编号排列的示例行动计划，每个计划包含100项任务。
EOF

# The bulletins section, empty: the one-bulletin benchmark adds a bulletin
# to it, as staff do, without changing the site's menu.
mkdir -p "$dir/content/bulletins"
cat >"$dir/content/bulletins/_index.md" <<'EOF'
---
title: 工作进展通报
weight: 2
---

各季度工作进展通报。
EOF

awk -v n="$n" -v plain="$plain" '
# A front matter line; a plain site keeps title, date and weight, and a
# task start date becomes its date.
function fm(s, f) {
	sub(/\n$/, "", s)
	if (plain && s ~ /^start: /)
		s = "date: " substr(s, 8)
	if (!plain || s ~ /^(title|date|weight): /)
		print s > f
}
# Park-Miller "minimal standard" generator: every product stays below 2^53,
# so awk doubles compute it exactly in gawk, mawk and busybox awk alike.
function rnd(k) { seed = (seed * 16807) % 2147483647; return seed % k }
function pick(arr, cnt) { return arr[rnd(cnt) + 1] }
function mdays(m) { return m == 2 ? 28 : (m == 4 || m == 6 || m == 9 || m == 11) ? 30 : 31 }
function ymd(y, m, d) { return sprintf("%04d-%02d-%02d", y, m, d) }

BEGIN {
	dir = ENVIRON["BENCH_DIR"]
	nu = split("街道党建工作办公室 街道党政综合办公室 街道党群服务中心 街道社区建设办公室 街道综合治理办公室 街道机关党委 街道“两新”组织综合党委 街道纪工委 街道宣传文化办公室 街道团工委 街道网格化服务管理中心 各社区党委", unit, " ")
	nv = split("推进 深化 健全 完善 加强 规范 落实 开展 建立 提升 优化 强化", verb, " ")
	no = split("社区党群服务中心标准化建设 党支部“三会一课”制度 在职党员到社区报到工作 软弱涣散党组织整顿 “两新”组织党建工作 网格党支部建设 党员志愿服务 社区议事协商机制 党务工作者队伍建设 发展党员工作 流动党员管理服务 驻区单位共建 党员积分管理 主题党日活动 基层正风肃纪 党建引领物业管理 城市基层党建示范点建设 党组织书记队伍建设 新时代文明实践站建设 党内关怀帮扶", obj, " ")
	nm = split("党的组织覆盖率 标准化建设达标率 集中培训参训率 事项按期办结率 在职党员报到率 群众满意度", metric, " ")
	nt = split("80 85 90 95 100", tval, " ")
	ns = split("一 二 三 四 五 六", cn, " ")
	ny = split("规范化建设 组织力提升 全面进步全面过硬 基础夯实 提质增效 巩固提升", theme, " ")
	nx = split("每季度召开一次联席会议，研究解决重点问题 建立工作台账，实行清单化管理、销号式推进 组织党员骨干深入网格走访，收集群众意见建议 把完成情况纳入年度述职评议考核 对进度滞后的单位及时约谈提醒、限期整改 总结推广一批可复制的经验做法 按月在社区公示栏和公众号公开进展 整合驻区单位场地和人员资源，共建共享 邀请党员群众代表参与评议，接受群众监督 定期开展专项督查，督查结果全街通报 建立问题清单、整改清单和责任清单 每半年开展一次回头看，巩固工作成效", meas, " ")
	nc = split("确保各项工作落到实处 推动基层党建与基层治理深度融合 切实为基层减负 做到有计划、有措施、有检查 形成上下联动、齐抓共管的工作格局 以群众满意度检验工作成效", clause, " ")
	ng = split("不忘初心、牢记使命 三会一课 两学一做 党建+网格 双报到 三融三共", slogan, " ")
	nst = split("in_progress in_progress in_progress in_progress done done done not_started delayed cancelled", status, " ")

	nplans = int((n + 99) / 100)
	for (p = 1; p <= nplans; p++) {
		seed = p * 7919 + 17
		y = 2016 + p % 5
		first = (p - 1) * 100 + 1
		last = p * 100 > n ? n : p * 100
		f = sprintf("%s/content/plans/p%04d/_index.md", dir, p)
		print "---" > f
		fm("type: plan", f)
		fm(sprintf("id: p%04d\n", p), f)
		fm(sprintf("title: 第%d号街道加强党的基层组织建设三年行动计划（%d—%d年）\n", p, y, y + 2), f)
		fm(sprintf("issuer: 中共示范区第%d街道工作委员会\n", p), f)
		fm(sprintf("doc_no: 示街党〔%d〕%d号\n", y, p), f)
		fm(sprintf("date: %s\n", ymd(y, 1 + rnd(6), 1 + rnd(28))), f)
		fm(sprintf("weight: %d\n", p), f)
		fm(sprintf("period: [%d, %d]\n", y, y + 2), f)
		for (k = 0; k < 3; k++)
			yt[k] = theme[1 + 2 * k + rnd(2)]
		fm(sprintf("yearly_themes: {\"%d\": %s, \"%d\": %s, \"%d\": %s}\n", y, yt[0], y + 1, yt[1], y + 2, yt[2]), f)
		fm("sections:", f)
		fm("  - {number: 一, title: 总体要求}", f)
		for (s = 2; s <= 5; s++)
			fm(sprintf("  - {number: %s, title: %s%s}\n", cn[s], pick(verb, nv), pick(obj, no)), f)
		print "---" > f
		print "" > f
		printf "为推动全面从严治党向基层延伸，结合第%d街道实际，制定本行动计划。\n", p > f
		print "本计划共有" (last - first + 1) "项任务，分四个部分推进。" > f
		print "" > f
		print "<!--more-->" > f
		print "" > f
		print "## 一、总体要求" > f
		print "" > f
		print "| 年度 | 主题 |" > f
		print "| --- | --- |" > f
		for (k = 0; k < 3; k++)
			printf "| %d年 | %s |\n", y + k, yt[k] > f
		print "" > f
		print "## 任务清单" > f
		print "" > f
		printf "第一项任务见[任务1](tasks/001.md)，其余任务依次编号。\n" > f
		close(f)

		for (t = first; t <= last; t++) {
			k = t - first + 1
			seed = t * 7919 + 1
			f = sprintf("%s/content/plans/p%04d/tasks/%03d.md", dir, p, k)
			st = pick(status, nst)
			pr = st == "done" ? 100 : st == "not_started" ? 0 : 5 + 5 * rnd(19)
			sm = 1 + rnd(12)
			span = 3 + rnd(30)
			dm = sm + span
			dy = y + int((dm - 1) / 12)
			dm = (dm - 1) % 12 + 1
			if (dy > y + 2) { dy = y + 2; dm = 12 }
			# three different units: lead, then two supporting ones
			i0 = rnd(nu)
			i1 = (i0 + 1 + rnd(nu - 1)) % nu
			i2 = (i1 + 1 + rnd(nu - 1)) % nu
			while (i2 == i0 || i2 == i1)
				i2 = (i2 + 1) % nu
			lead = unit[i0 + 1]
			s1 = unit[i1 + 1]
			s2 = unit[i2 + 1]
			v = pick(verb, nv)
			o = pick(obj, no)
			m = pick(metric, nm)
			tg = tval[1 + rnd(nt)]
			ac = st == "done" ? tg : tg - 5 - rnd(30)
			sec = cn[2 + int((k - 1) * 4 / 100)]

			print "---" > f
			fm("type: task", f)
			fm(sprintf("number: %d\n", k), f)
			fm(sprintf("title: %s%s\n", v, o), f)
			fm(sprintf("section: %s\n", sec), f)
			fm(sprintf("lead: [%s]\n", lead), f)
			fm(sprintf("support: [%s, %s]\n", s1, s2), f)
			fm(sprintf("start: %s\n", ymd(y, sm, 1)), f)
			fm(sprintf("due: %s\n", ymd(dy, dm, mdays(dm))), f)
			fm(sprintf("weight: %d\n", k), f)
			fm(sprintf("status: %s\n", st), f)
			fm(sprintf("progress: %d\n", pr), f)
			fm("milestones:", f)
			nms = 1 + rnd(3)
			for (i = 1; i <= nms; i++) {
				mm = sm + int(span * i / nms)
				my = y + int((mm - 1) / 12)
				mm = (mm - 1) % 12 + 1
				if (my > dy || (my == dy && mm > dm)) { my = dy; mm = dm }
				done = (st == "done" || (i == 1 && pr >= 50)) ? "true" : "false"
				fm(sprintf("  - {due: %s, what: 完成%s第%d阶段工作, done: %s}\n", ymd(my, mm, mdays(mm)), o, i, done), f)
			}
			fm("targets:", f)
			fm(sprintf("  - {metric: %s, target: %d, unit: \"%%\", actual: %d}\n", m, tg, ac), f)
			fm(sprintf("  - {metric: 共建项目, target: %d, unit: 个, actual: %d}\n", 10 + rnd(20), rnd(10)), f)
			print "---" > f
			print "" > f
			print "## 工作目标" > f
			print "" > f
			printf "到%d年%d月底，%s%s取得明显成效，%s达到%d%%以上。\n", dy, dm, v, o, m, tg > f
			printf "%s要%s，%s。\n", lead, pick(meas, nx), pick(clause, nc) > f
			print "" > f
			print "### 主要措施" > f
			print "" > f
			printf "1. %s；\n", pick(meas, nx) > f
			printf "2. %s；\n", pick(meas, nx) > f
			printf "3. 结合**“%s”**要求，%s。\n", pick(slogan, ng), pick(clause, nc) > f
			print "" > f
			printf "%s、%s密切配合，%s，\n", s1, s2, pick(meas, nx) > f
			printf "%s。本任务与", pick(clause, nc) > f
			if (k > 1)
				printf "[任务%d](%03d.md)", k - 1, k - 1 > f
			else if (t < last)
				printf "[任务%d](%03d.md)", k + 1, k + 1 > f
			else
				printf "[计划总体要求](../_index.md)" > f
			print "统筹推进。" > f
			print "" > f
			printf "> 牵头单位：%s；配合单位：%s、%s。\n", lead, s1, s2 > f
			close(f)
		}
	}
}'

# A minimal Hugo site over the same content/, so both tools render the same
# pages: title, date, body and section lists, and nothing else.
cat >"$dir/hugo/config.toml" <<'EOF'
# Written by tests/bench/gen.sh: Hugo over the same content as planpress.
baseURL = "/"
title = "基准测试站点"
languageCode = "zh-cn"
defaultContentLanguage = "zh"
hasCJKLanguage = true
summaryLength = 120
contentDir = "../content"
publishDir = "public"
disableKinds = ["taxonomy", "term", "RSS", "sitemap", "robotsTXT", "404"]
relativeURLs = true

[markup.goldmark.renderer]
unsafe = false
EOF

cat >"$dir/hugo/layouts/_default/baseof.html" <<'EOF'
<!DOCTYPE html>
<html lang="zh-CN">
<head><meta charset="utf-8"><title>{{ .Title }} - {{ .Site.Title }}</title></head>
<body>
<header><a href="{{ "/" | relURL }}">{{ .Site.Title }}</a></header>
<main>{{ block "main" . }}{{ end }}</main>
</body>
</html>
EOF

cat >"$dir/hugo/layouts/_default/single.html" <<'EOF'
{{ define "main" }}
<article>
<h1>{{ .Title }}</h1>
{{ if not .Date.IsZero }}<time>{{ .Date.Format "2006-01-02" }}</time>{{ end }}
{{ .Content }}
</article>
{{ end }}
EOF

cat >"$dir/hugo/layouts/_default/list.html" <<'EOF'
{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ .Content }}
<ul>
{{ range .Pages }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a>{{ if not .Date.IsZero }} <time>{{ .Date.Format "2006-01-02" }}</time>{{ end }}</li>
{{ end }}</ul>
{{ end }}
EOF

cat >"$dir/hugo/layouts/index.html" <<'EOF'
{{ define "main" }}
<h1>{{ .Site.Title }}</h1>
{{ .Content }}
<ul>
{{ range .Sections }}<li><a href="{{ .RelPermalink }}">{{ .Title }}</a></li>
{{ end }}</ul>
{{ end }}
EOF
