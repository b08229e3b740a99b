#!/bin/sh
# tests/bench/shapes.sh: writes a site of one shape that once cost the square of its size, for the bench's check that a build grows in proportion.
#
# usage: sh tests/bench/shapes.sh SHAPE N DIR
#
# SHAPE is one of:
#   one-plan      one plan of N tasks (each task's number checked against
#                 the numbers before it: once by a scan of them)
#   one-bulletin  one plan of N tasks and one bulletin that updates all of
#                 them (each update found its task by a scan of every task)
#   headings      one page of N headings alike (each slug checked against
#                 the ids before it, then -1, -2, ... each again)
#
# DIR is replaced when it holds a site this script made (its marker file),
# refused otherwise. Only POSIX sh and awk; the same arguments give the same
# files.
set -eu

LC_ALL=C
export LC_ALL

usage() {
	echo "usage: sh tests/bench/shapes.sh one-plan|one-bulletin|headings N DIR   (N: 1..1000000)" >&2
	exit 2
}

[ $# -eq 3 ] || usage
shape=$1
n=$2
dir=$3
case $shape in one-plan | one-bulletin | headings) ;; *) usage ;; esac
case $n in '' | *[!0-9]* | ????????*) usage ;; esac
if [ "$n" -lt 1 ] || [ "$n" -gt 1000000 ]; then usage; fi
[ -n "$dir" ] || usage

marker="$dir/.planpress-shape"
if [ -f "$marker" ]; then
	rm -rf "$dir/content" "$dir/public" "$dir/.planpress"
elif [ -e "$dir/content" ]; then
	echo "shapes.sh: $dir already has content/ not made by shapes.sh; refusing to overwrite" >&2
	exit 2
fi
mkdir -p "$dir/content"
: >"$marker"
printf 'title = "规模测试"\nlanguage = "zh-CN"\nas_of = 2020-06-30\n' >"$dir/site.toml"
printf -- '---\ntitle: 首页\n---\n' >"$dir/content/_index.md"

if [ "$shape" = headings ]; then
	awk -v n="$n" 'BEGIN {
		print "---"; print "title: 说明汇编"; print "---"; print ""
		for (i = 1; i <= n; i++) { print "## 说明"; print ""; print "第" i "条。"; print "" }
	}' >"$dir/content/notes.md"
	exit 0
fi

mkdir -p "$dir/content/plans/p/tasks" "$dir/content/bulletins"
printf -- '---\ntitle: 计划\n---\n' >"$dir/content/plans/_index.md"
printf -- '---\ntitle: 通报\n---\n' >"$dir/content/bulletins/_index.md"
printf -- '---\ntype: plan\nid: p\ntitle: 行动计划\ndate: 2018-01-01\nperiod: [2018, 2030]\n---\n' \
	>"$dir/content/plans/p/_index.md"
awk -v n="$n" -v dir="$dir/content/plans/p/tasks" 'BEGIN {
	for (i = 1; i <= n; i++) {
		f = sprintf("%s/%06d.md", dir, i)
		print "---" >f
		print "type: task" >f
		print "number: " i >f
		print "title: 第" i "项任务" >f
		print "lead: [单位" i % 10 "]" >f
		print "start: 2018-01-01" >f
		print "due: 2021-12-31" >f
		print "---" >f
		print "" >f
		print "工作内容。" >f
		close(f)
	}
}'
if [ "$shape" = one-bulletin ]; then
	awk -v n="$n" 'BEGIN {
		print "---"; print "type: bulletin"; print "date: 2020-06-30"; print "title: 工作进展通报"; print "updates:"
		for (i = 1; i <= n; i++) printf "  - {task: \"p/%d\", progress: %d}\n", i, i % 100
		print "---"; print ""; print "全部任务的进展。"
	}' >"$dir/content/bulletins/2020-06-30.md"
fi
