#!/bin/sh
# tests/new.sh PLANPRESS: `planpress new` (a site that builds clean, plan and
# task skeletons with every field, a bulletin of exactly the open tasks of
# the example plan that builds and drives the task pages, no file ever
# replaced), and the command-line conventions: COMMAND --help for every
# command, the site found from a subfolder, counts in the singular and plural.
. tests/lib.sh
pp() { "$PP_BIN" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }
# clean DESCRIPTION: the last pp exited 0 and printed nothing to stderr.
clean() {
	if [ "$rc" -eq 0 ] && [ ! -s "$PP_TMP/err" ]; then ok; else
		not_ok "$1 (exit $rc)"
		head -n 20 "$PP_TMP/err" >&2
	fi
}

# 1. A new site builds straight away, with no diagnostics.
site=$PP_TMP/site
pp new site "$site" --title '测试街道行动计划进展公开'; rc=$?
clean "new site"
check "new site says how many files" grep -q '(5 files)' "$PP_TMP/out"
check "site.toml has the title" grep -q '^title = "测试街道行动计划进展公开"$' "$site/site.toml"
check "site.toml commented in Chinese" grep -q '^# 站点名称' "$site/site.toml"
check "site.toml commented in English" grep -q '^# Site name' "$site/site.toml"
check "home page" test -s "$site/content/_index.md"
check "plans section" grep -q '^title: "行动计划"$' "$site/content/plans/_index.md"
check "notices section" test -s "$site/content/notices/_index.md"
check "bulletins cascade their type" grep -q '^  type: bulletin$' "$site/content/bulletins/_index.md"
pp -C "$site" build; rc=$?
clean "a new site builds with no diagnostics"
check "its home page is built" test -s "$site/public/index.html"
check "plans show their title, not the folder's name" grep -q '行动计划' "$site/public/plans/index.html"
pp -C "$site" check; rc=$?
clean "a new site checks with no diagnostics"

# An English site too.
pp new site "$PP_TMP/en" --language en; rc=$?
clean "new site --language en"
check "English site" grep -q '^language = "en"$' "$PP_TMP/en/site.toml"
check "English plans section" grep -q '^title: "Plans"$' "$PP_TMP/en/content/plans/_index.md"
pp -C "$PP_TMP/en" build; rc=$?
clean "a new English site builds"

# A new site needs a new or empty folder.
pp new site "$site"; rc=$?
check "new site into a site exits 1" test $rc -ne 0
check "new site left site.toml alone" grep -q '测试街道' "$site/site.toml"
mkdir "$PP_TMP/empty"
pp new site "$PP_TMP/empty"; rc=$?
clean "new site into an empty folder"
pp new site; check "new site without a folder exits 2" test $? -eq 2
pp new frob; check "new frob exits 2" test $? -eq 2

# 2. Plan and task skeletons: every field, and they build.
pp -C "$site" new plan demo-2019; rc=$?
clean "new plan"
plan=$site/content/plans/demo-2019/_index.md
for k in type id title issuer doc_no notice_title date weight period yearly_themes sections; do
	check "plan skeleton has '$k'" grep -q "^$k:" "$plan"
done
check "plan has its tasks section" test -s "$site/content/plans/demo-2019/tasks/_index.md"
pp -C "$site" new task demo-2019 1; rc=$?
clean "new task"
task=$site/content/plans/demo-2019/tasks/01.md
check "task file is named with two digits" test -s "$task"
for k in type number title plan section lead support start due weight status progress milestones targets; do
	check "task skeleton has '$k'" grep -q "^$k:" "$task"
done
for k in due what done id metric target unit actual; do
	check "task skeleton's lists have '$k'" grep -qE "^ +(- )?$k:" "$task"
done
check "every field is explained" test "$(grep -c '^# ' "$task")" -ge 14
pp -C "$site" new task demo-2019 2.1; rc=$?
clean "new task with a dotted number"
pp -C "$site" build; rc=$?
clean "plan and task skeletons build with no diagnostics"
check "the task page is built" test -s "$site/public/plans/demo-2019/tasks/01/index.html"

# Refusing to overwrite.
cp "$task" "$PP_TMP/task.before"
pp -C "$site" new task demo-2019 1; rc=$?
check "new task over an existing one exits 1" test $rc -eq 1
check "it names the file" grep -q 'content/plans/demo-2019/tasks/01.md: error: exists' "$PP_TMP/err"
check "the task is unchanged" cmp -s "$task" "$PP_TMP/task.before"
pp -C "$site" new plan demo-2019; rc=$?
check "new plan over an existing one exits 1" test $rc -eq 1
pp -C "$site" new task nosuch 1; rc=$?
check "new task of an unknown plan exits 2" test $rc -eq 2
check "it says how to make the plan" grep -q 'planpress new plan nosuch' "$PP_TMP/err"
pp -C "$site" new plan ../x; check "a bad plan id exits 2" test $? -eq 2

# A bulletin of the new site (today: SOURCE_DATE_EPOCH's day) builds clean.
pp -C "$site" new bulletin; rc=$?
clean "new bulletin in a new site"
check "dated today" test -s "$site/content/bulletins/2019-06-30.md"
check "one update per open task" test "$(grep -c '^  - task: ' "$site/content/bulletins/2019-06-30.md")" -eq 2
pp -C "$site" build; rc=$?
clean "the new bulletin builds with no diagnostics"
cp "$site/content/bulletins/2019-06-30.md" "$PP_TMP/b.before"
pp -C "$site" new bulletin; rc=$?
check "a second bulletin of the same day exits 1" test $rc -eq 1
check "the bulletin is unchanged" cmp -s "$site/content/bulletins/2019-06-30.md" "$PP_TMP/b.before"

# 3. A bulletin for the example site's plan: exactly its open tasks.
ex=$PP_TMP/example
mkdir -p "$ex"
cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$ex/"
pp -C "$ex" new bulletin --date 2020-03-31; rc=$?
check "a bulletin after as_of is refused" test $rc -eq 1
check "it says to raise as_of" grep -q 'set as_of = 2020-03-31 in site.toml' "$PP_TMP/err"
check "and writes nothing" test ! -e "$ex/content/bulletins/2020-03-31.md"
sed 's/^as_of = .*/as_of = 2020-03-31/' "$PP_ROOT/site.toml" >"$ex/site.toml"
pp -C "$ex" build --out "$PP_TMP/before"; rc=$?
clean "example site builds"
# states FILE: "id status progress" of every task of a data/tasks.json (task fields are indented 6).
states() {
	awk '/^      "id": /{id=$2} /^      "status": /{st=$2} /^      "progress": /{print id, st, $2}' "$1" |
		tr -d '",'
}
states "$PP_TMP/before/data/tasks.json" >"$PP_TMP/states.before"
check "tasks.json gives 30 states" test "$(wc -l <"$PP_TMP/states.before")" -eq 30
grep '^xinhe-2018/' "$PP_TMP/states.before" | awk '$2 != "done" && $2 != "cancelled" {print $1}' |
	sort >"$PP_TMP/open.want"
pp -C "$ex" new bulletin --date 2020-03-31 --plan xinhe-2018; rc=$?
clean "new bulletin --plan xinhe-2018"
b=$ex/content/bulletins/2020-03-31.md
check "it says how many updates" grep -q "with $(wc -l <"$PP_TMP/open.want") updates" "$PP_TMP/out"
sed -n 's/^  - task: "\(.*\)"$/\1/p' "$b" | sort >"$PP_TMP/open.got"
if cmp -s "$PP_TMP/open.want" "$PP_TMP/open.got"; then ok; else
	not_ok "the bulletin's tasks are not the open tasks of tasks.json"
	diff "$PP_TMP/open.want" "$PP_TMP/open.got" >&2
fi
check "17 open tasks" test "$(wc -l <"$PP_TMP/open.got")" -eq 17
check "block style: no flow mappings" test -z "$(grep -E '^[^#]*[{]' "$b")"
check "a task's comment: number, title" grep -q '^  # 任务5：推进城市基层党建“三融三共”工程' "$b"
check "a task's comment: lead unit" grep -q '^  # 牵头单位：街道党建工作办公室$' "$b"
check "a task's comment: progress and status" grep -q '^  # 截至2020年3月31日：进度65%，进行中' "$b"
check "a delayed task says it" grep -q '进度75%，已延期' "$b"
check "pending milestones, ready to uncomment" grep -q '^    #   - "建成城市基层党建示范点3个"' "$b"
check "targets with the last actual" grep -q '^      "新兴领域党的组织覆盖率": 88   # 目标90%，上次报告88%$' "$b"
check "type is explicit" grep -q '^type: bulletin$' "$b"
pp -C "$ex" build --out "$PP_TMP/after"; rc=$?
clean "the new bulletin builds with no diagnostics"
states "$PP_TMP/after/data/tasks.json" >"$PP_TMP/states.after"
check "as written, the bulletin changes no task's state" cmp -s "$PP_TMP/states.before" "$PP_TMP/states.after"
page=plans/xinhe-2018/tasks/05/index.html
cp "$PP_TMP/after/$page" "$PP_TMP/page5.before"

# Changing one number changes that task's page; uncommenting a milestone marks it done.
awk '/^  - task: "xinhe-2018\/5"$/ {t=1} /^  - task: "xinhe-2018\/7"$/ {t=0}
	t && /^    progress: 65$/ {$0 = "    progress: 80"}
	t && /^    # milestones_done:$/ {$0 = "    milestones_done:"}
	t && /^    #   - "建成城市基层党建示范点3个"/ {sub(/^    # /, "    ")}
	{print}' "$b" >"$PP_TMP/b.new" && mv "$PP_TMP/b.new" "$b"
check "the edit took" grep -q '^    progress: 80$' "$b"
pp -C "$ex" build --out "$PP_TMP/after"; rc=$?
clean "the edited bulletin builds with no diagnostics"
check "task 5 is at 80%" grep -q '^xinhe-2018/5 in_progress 80$' "$(states "$PP_TMP/after/data/tasks.json" >"$PP_TMP/s2"; echo "$PP_TMP/s2")"
check "no other task changed" test "$(diff "$PP_TMP/states.before" "$PP_TMP/s2" | grep -c '^>')" -eq 1
check "task 5's page changed" test -n "$(cmp "$PP_TMP/after/$page" "$PP_TMP/page5.before" 2>&1)"
check "task 5's page shows 80%" grep -q '80%' "$PP_TMP/after/$page"
done_before=$(grep -c '"done": true' "$PP_TMP/before/data/tasks.json")
done_after=$(grep -c '"done": true' "$PP_TMP/after/data/tasks.json")
check "the uncommented milestone is done" test "$done_after" -eq $((done_before + 1))

pp -C "$ex" new bulletin --date 2020-03-31; rc=$?
check "new bulletin never replaces one" test $rc -eq 1
pp -C "$ex" new bulletin --date 2020-03-31 --plan nosuch; rc=$?
check "an unknown plan exits" test $rc -ne 0
pp -C "$ex" new bulletin --date 2020-02-30; check "a bad date exits 2" test $? -eq 2

# Every plan, when --plan is not given (a new day, as_of raised again).
sed -i 's/^as_of = .*/as_of = 2020-06-30/' "$ex/site.toml"
pp -C "$ex" new bulletin --date 2020-06-30; rc=$?
clean "new bulletin of every plan"
n=$(grep -c '^  - task: ' "$ex/content/bulletins/2020-06-30.md")
check "every plan's open tasks" test "$n" -eq "$(awk '$2 != "done" && $2 != "cancelled"' "$PP_TMP/s2" | wc -l)"
check "the wangge plan's too" grep -q '^  - task: "wangge-2019/' "$ex/content/bulletins/2020-06-30.md"
pp -C "$ex" check; rc=$?
clean "both new bulletins check with no diagnostics"
pp -C "$ex" new bulletin --date 2020-05-01; rc=$?
check "a bulletin before the latest one is refused" test $rc -eq 1
check "it says why" grep -q 'comes after the latest bulletin' "$PP_TMP/err"
check "and writes nothing" test ! -e "$ex/content/bulletins/2020-05-01.md"

# 4. COMMAND --help for every command: exit 0, to stdout, options listed.
cmds=$("$PP_BIN" --help | awk '/^commands:/ {c=1; next} c && /^$/ {exit} c {print $1}')
check "--help lists commands" test -n "$cmds"
for c in $cmds; do
	pp "$c" --help; rc=$?
	clean "$c --help"
	check "$c --help: a usage line" grep -q "^usage: planpress \[-C DIR\] $c" "$PP_TMP/out"
	check "$c --help: its options" grep -q -- '--help' "$PP_TMP/out"
	check "planpress(1) names $c in its synopsis" grep -q "^\.B $c\( \|$\)" "$PP_ROOT/generator/planpress.1"
done
pp build -h; rc=$?
clean "build -h"
check "build --help lists --out" grep -q -- '--out DIR' "$PP_TMP/out"
for m in "$PP_ROOT"/generator/*.[157]; do
	name=$(basename "$m" | sed 's/\.[0-9]$//')
	[ "$name" = planpress ] && continue
	esc=$(printf '%s' "$name" | sed 's/-/\\-/g')
	sed -n '/^\.SH SEE ALSO/,$p' "$PP_ROOT/generator/planpress.1" >"$PP_TMP/seealso"
	check "planpress(1) SEE ALSO names $name" grep -qF ".BR $esc (" "$PP_TMP/seealso"
done

# 5. The site is found from a subfolder, as git finds .git.
(cd "$ex/content/bulletins" && "$PP_BIN" check >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
clean "check from content/bulletins"
rm -rf "$ex/public"
(cd "$ex/content/bulletins" && "$PP_BIN" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
clean "build from content/bulletins"
check "public/ is at the site's root" test -s "$ex/public/index.html"
check "not in the folder started in" test ! -e "$ex/content/bulletins/public"
(cd "$ex/content" && "$PP_BIN" build -q --out ../out2 >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
clean "build --out from a subfolder"
check "--out is from the folder started in" test -s "$ex/out2/index.html"
(cd "$site/content/plans/demo-2019" && "$PP_BIN" new task demo-2019 3 >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
clean "new task from a subfolder"
check "written under the site's content/" test -s "$site/content/plans/demo-2019/tasks/03.md"
(cd "$site/content" && "$PP_BIN" new site sub >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
clean "new site from a subfolder"
check "new site's folder is from the folder started in" test -s "$site/content/sub/site.toml"
rm -rf "$site/content/sub"
mkdir -p "$PP_TMP/nosite/a"
(cd "$PP_TMP/nosite/a" && "$PP_BIN" build >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
check "no site.toml anywhere above exits 2" test $rc -eq 2

# 6. Counts in the plural: files are the theme's (its stylesheet and
# search script), the content's and the search index's.
index_files() { find "$1/public/search" -name '*.js' | wc -l | tr -d ' '; }
pp -C "$PP_TMP/en" build --force; rc=$?
n=$((2 + $(index_files "$PP_TMP/en")))
check "$n files" grep -q " and $n files into " "$PP_TMP/out"
pp -C "$ex" build --force; rc=$?
n=$((4 + $(index_files "$ex")))
check "$n files" grep -q " and $n files into " "$PP_TMP/out"
pp -C "$PP_TMP/en" new task nosuch 1
pp -C "$site" new task demo-2019 1
check "1 error" grep -q ': 1 error; nothing was written$' "$PP_TMP/err"
pp -C "$PP_TMP/empty" new plan p1; rc=$?
check "new plan: 2 files" grep -q '(2 files in all)' "$PP_TMP/out"
pp -C "$PP_TMP/empty" new plan p2; rc=$?
check "new plan leaves plans/_index.md: 2 files" grep -q '(2 files in all)' "$PP_TMP/out"

pp_done new
