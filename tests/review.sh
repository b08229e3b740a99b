#!/bin/sh
# tests/review.sh PLANPRESS: the golden review. The fixture site
# (tests/review/site) is published with its second-quarter bulletin, then
# with the third-quarter one (tests/review/2019-09-30.md, changing tasks 2
# and 3) and as_of moved; `planpress diff` in text, html and json is
# compared with tests/review/expected/ (commit ids written as ID).
# PP_REGEN=1 shows each difference and then replaces the expected file.
. tests/lib.sh
export TZ=UTC LC_ALL=C.UTF-8
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_DIR
export GIT_CONFIG_NOSYSTEM=1 HOME=$PP_TMP
case $PP_BIN in /*) ;; *) PP_BIN=$PWD/$PP_BIN ;; esac
src=$PWD/tests/review
w=$PP_TMP/w
cp -r "$src/site" "$w"
printf '\n[publish]\nrepo = "%s/pub.git"\nauthor_name = "示范街道办事处"\nauthor_email = "office@example.org"\n' "$PP_TMP" >>"$w/site.toml"
SOURCE_DATE_EPOCH=1561852800 "$PP_BIN" -C "$w" publish -q -m "2019年第二季度进展" 2>"$PP_TMP/err"
check "first publication" test $? -eq 0
cp "$src/2019-09-30.md" "$w/content/bulletins/"
sed 's/^as_of = 2019-06-30/as_of = 2019-09-30/' "$w/site.toml" >"$w/site.toml.new" && mv "$w/site.toml.new" "$w/site.toml"
SOURCE_DATE_EPOCH=1569801600 "$PP_BIN" -C "$w" publish -q -m "2019年第三季度进展" 2>>"$PP_TMP/err"
check "second publication" test $? -eq 0
cat "$PP_TMP/err" >&2
# The commit message names the extension as such.
git --git-dir="$PP_TMP/pub.git" log -1 --format=%B >"$PP_TMP/msg" 2>&1
check "the commit message says 延期" grep -q '任务5 延期 2019-12-31 → 2020-03-31（考评办法待区里统一印发）' "$PP_TMP/msg"

for f in text html json; do
	"$PP_BIN" -C "$w" diff --format $f >"$PP_TMP/raw.$f" 2>"$PP_TMP/err"
	check "diff --format $f exits 0" test $? -eq 0
	# Commit ids depend on planpress's version (the commit message): as ID.
	sed -E 's/[0-9a-f]{7}）/ID）/g; s/[0-9a-f]{7}\)/ID)/g; s/"id": "[0-9a-f]{7}"/"id": "ID"/' "$PP_TMP/raw.$f" >"$PP_TMP/review.$f"
	want=$src/expected/review.$f
	if [ "${PP_REGEN:-}" = 1 ]; then
		mkdir -p "$src/expected"
		[ -f "$want" ] && diff -u "$want" "$PP_TMP/review.$f"
		cp "$PP_TMP/review.$f" "$want"
	fi
	if diff -u "$want" "$PP_TMP/review.$f" >"$PP_TMP/d.$f" 2>&1; then ok; else not_ok "review.$f differs from the golden"; cat "$PP_TMP/d.$f" >&2; fi
done

t=$PP_TMP/review.text
# The summary comes first: plans, then tasks, then pages.
check "plans before tasks before pages" sh -c "grep -n '^一、计划进展' '$t' | cut -d: -f1 > '$PP_TMP/a'; grep -n '^二、任务变化' '$t' | cut -d: -f1 > '$PP_TMP/b'; grep -n '^三、新增页面' '$t' | cut -d: -f1 > '$PP_TMP/c'; [ \$(cat '$PP_TMP/a') -lt \$(cat '$PP_TMP/b') ] && [ \$(cat '$PP_TMP/b') -lt \$(cat '$PP_TMP/c') ]"
check "plan counts with labels" grep -q '进度 28% → 38%，逾期 0 → 1' "$t"
check "task 2 named once, with its milestone" test "$(grep -c '^  任务2 ' "$t")" -eq 1
check "task 2 before → after" grep -q '^  任务2 进度 30% → 55%，完成里程碑 印发一窗受理事项清单$' "$t"
check "task 3 actual value" grep -q '^  任务3 进度 30% → 60%，社区工作者轮训覆盖率实际值 — → 60%$' "$t"
check "the added bulletin's text" grep -q '| 第三季度，“一窗受理”事项清单已起草' "$t"
check "as-of change on one folded line" test "$(grep -c '数据截至 2019年6月30日 → 2019年9月30日' "$t")" -eq 1
check "no per-page as-of lines" sh -c "! grep -q '数据截至：\\[-' '$t'"
# A number or date is never cut by a mark: no mark has a digit beside it
# (a mark ending in a space, "{+原定 +}2019年12月31日", leaves the date whole).
check "numbers whole" sh -c "! grep -qE '[0-9](\\[-|\\{\\+)|[^ ](-\\]|\\+\\})[0-9]' '$t'"
check "dates whole" grep -qF '[-2019年6月30日-]{+2019年12月15日+}' "$t"
check "a derived count not in the data is shown whole" grep -qF '进度滞后 [-2-]{+1+}' "$t"
check "publications named by message and as_of" grep -q '^《2019年第二季度进展》（数据截至 2019年6月30日，2019年6月30日发布，ID） → 《2019年第三季度进展》（数据截至 2019年9月30日，2019年9月30日发布，ID）$' "$t"
h=$PP_TMP/review.html
check "html links pages relative to the site root" grep -q '<a href="bulletins/2019-09-30/">' "$h"
check "html loads nothing" sh -c "! grep -qE '<link|<script|src=|url\\(' '$h'"
check "html side by side" grep -q '<table class="side">' "$h"
check "html print css" grep -q '@page{size:A4' "$h"
j=$PP_TMP/review.json
check "json names the publications" sh -c "grep -q '\"message\": \"2019年第三季度进展\"' '$j' && grep -q '\"as_of\": \"2019-09-30\"' '$j'"
check "json folds" grep -q '"count": 10,' "$j"
check "an extension says 延期, with its reason" grep -q '^  任务5 延期 2019-12-31 → 2020-03-31（考评办法待区里统一印发）$' "$t"
check "json: the extension" sh -c "grep -q '\"extended\": true' '$j' && grep -q '\"reason\": \"考评办法待区里统一印发\"' '$j'"
check "json task actuals" grep -q '"metric": "社区工作者轮训覆盖率"' "$j"

# Printed on A4 (Chromium's print to PDF, read back with poppler): the
# summary on the first page, a task's line whole. Skipped without the tools.
CHROMIUM=${PP_CHROMIUM:-/usr/bin/chromium}
if command -v "$CHROMIUM" >/dev/null 2>&1 && command -v pdftotext >/dev/null 2>&1 && command -v pdfinfo >/dev/null 2>&1; then
	shots=${PP_SCREENSHOTS:-$PP_ROOT/build/screenshots}
	mkdir -p "$shots" "$PP_TMP/profile"
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-sync \
		--disable-background-networking --disable-component-update --host-resolver-rules='MAP * ~NOTFOUND' \
		--user-data-dir="$PP_TMP/profile" --no-pdf-header-footer --print-to-pdf="$shots/review.pdf" \
		"file://$PP_TMP/review.html" >/dev/null 2>&1
	check "A4: review.html prints" test -s "$shots/review.pdf"
	check "A4: the page size is A4" sh -c "pdfinfo '$shots/review.pdf' | grep -q 'Page size:.*(A4)'"
	pdftotext -layout -f 1 -l 1 "$shots/review.pdf" "$PP_TMP/review-p1.txt" 2>/dev/null
	check "A4: the summary is on the first page" grep -q '任务2 进度 30% → 55%' "$PP_TMP/review-p1.txt"
else
	echo "review: printing skipped: chromium or poppler-utils is not installed (make test-deps installs them)" >&2
fi

# With base_url, links are absolute.
printf 'base_url = "https://intra.example/plans"\n' | cat - "$w/site.toml" >"$w/s2" && mv "$w/s2" "$w/site.toml"
"$PP_BIN" -C "$w" diff --format html >"$PP_TMP/b.html" 2>/dev/null
check "html links via base_url" grep -q '<a href="https://intra.example/plans/bulletins/2019-09-30/">' "$PP_TMP/b.html"
pp_done review
