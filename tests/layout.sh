#!/bin/sh
# tests/layout.sh PLANPRESS: the example site as readers see it on a phone
# and on paper, measured in headless Chromium. At 375 px no table is wider
# than the screen and nothing scrolls sideways or clips (a measuring page
# loads each page in a 375 px frame and reads the sizes of its tables); on
# A4 (Chromium's print to PDF, read back with poppler's pdftotext and
# pdfinfo) task titles keep readable lines, the plan dashboard prints on a
# bounded number of pages, and a task page's chart stays with its labels.
# The PDFs and page images are kept in build/screenshots for people to look
# at. Skipped, with a message, without chromium or poppler-utils (make
# test-deps installs both).
. tests/lib.sh

CHROMIUM=${PP_CHROMIUM:-/usr/bin/chromium}
for tool in "$CHROMIUM" pdftotext pdfinfo; do
	if ! command -v "$tool" >/dev/null 2>&1; then
		echo "layout: skipped: $tool is not installed (make test-deps installs chromium and poppler-utils)" >&2
		pp_done layout
		exit 0
	fi
done
shots=${PP_SCREENSHOTS:-$PP_ROOT/build/screenshots}
mkdir -p "$shots"

site=$PP_TMP/site
out=$PP_TMP/public
mkdir -p "$site"
cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$site/"
"$PP_BIN" -C "$site" build --out "$out" -q >"$PP_TMP/build.log" 2>&1
check "the example site builds" test $? -eq 0

chrome() {
	prof=$PP_TMP/profile
	rm -rf "$prof"
	mkdir -p "$prof"
	timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --no-first-run --disable-sync \
		--disable-background-networking --disable-component-update --host-resolver-rules='MAP * ~NOTFOUND' \
		--user-data-dir="$prof" "$@" 2>/dev/null
}

# The measuring page: the page in a frame 375 px wide (scroll bar included),
# then its sizes written into the measuring page's own text.
cat >"$PP_TMP/measure.html" <<'HTML'
<!doctype html><meta charset="utf-8"><body style="margin:0">
<iframe id="f" style="width:375px;height:700px;border:0"></iframe>
<pre id="out">pending</pre>
<script>
var f = document.getElementById('f');
f.onload = function () {
  var d = f.contentDocument, w = d.documentElement.clientWidth, bad = [];
  d.querySelectorAll('table').forEach(function (t) {
    var r = t.getBoundingClientRect();
    if (r.right > w + 1) bad.push('table.' + t.className + ':' + Math.round(r.right));
  });
  d.querySelectorAll('.table-scroll').forEach(function (s) {
    if (s.scrollWidth > s.clientWidth + 1) bad.push('scrolls.' + (s.firstElementChild || {}).className);
  });
  d.querySelectorAll('.none').forEach(function (e) {
    if (e.scrollWidth > e.clientWidth + 1) bad.push('clipped.' + e.tagName);
  });
  if (d.documentElement.scrollWidth > w + 1) bad.push('page:' + d.documentElement.scrollWidth);
  document.getElementById('out').textContent = 'MEASURED tables=' + d.querySelectorAll('table').length +
    ' width=' + w + ' bad=' + bad.join(',') + ';';
};
f.src = location.hash.slice(1);
</script>
HTML

plan=plans/xinhe-2018/index.html
task=plans/xinhe-2018/tasks/05/index.html
unit=$(cd "$out" && find units -mindepth 2 -name index.html | sort | head -n 1)
for p in index.html "$plan" "$task" "$unit" bulletins/2019-06-30/index.html plans/index.html notices/index.html; do
	chrome --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom "file://$PP_TMP/measure.html#file://$out/$p" \
		>"$PP_TMP/m.html"
	m=$(grep -o 'MEASURED tables=[0-9][^;]*' "$PP_TMP/m.html")
	case "$m" in
	"MEASURED tables="*" bad=") ok ;;
	*) not_ok "375 px: $p: ${m:-not measured}" ;;
	esac
done
# The measure itself: a page with a wide table must be caught.
sed 's|</main>|<div class="table-scroll"><table style="min-width:50rem"><tr><td>x</td></tr></table></div></main>|' \
	"$out/index.html" >"$out/wide.html"
chrome --allow-file-access-from-files --virtual-time-budget=5000 --dump-dom "file://$PP_TMP/measure.html#file://$out/wide.html" \
	>"$PP_TMP/m.html"
check "375 px: a wide table is caught" grep -q 'MEASURED .*bad=.*scrolls' "$PP_TMP/m.html"
chrome --hide-scrollbars --window-size=375,2400 --screenshot="$shots/phone-plan-375.png" "file://$out/$plan" >/dev/null
chrome --hide-scrollbars --window-size=375,1400 --screenshot="$shots/phone-unit-375.png" "file://$out/$unit" >/dev/null

# A4.
pdf() { chrome --no-pdf-header-footer --print-to-pdf="$shots/$1.pdf" "file://$out/$2" >/dev/null; pdftotext -layout "$shots/$1.pdf" "$PP_TMP/$1.txt"; }
pdf print-plan "$plan"
pages=$(pdfinfo "$shots/print-plan.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
# The dashboard (overview, sections, years, milestones, timeline, the 25
# tasks) takes ten pages; the plan's own text, printed after it, nine.
check "A4: the plan dashboard prints on at most 20 pages (got ${pages:-none})" test "${pages:-99}" -le 20
# Task titles keep lines of eight characters or more: the first eight
# characters of each title of eight or more stand on one line.
grep -o 'class="col-title"><a href="[^"]*">[^<]*<' "$out/$plan" | sed 's/.*">//; s/<$//' |
	LC_ALL=C awk 'length($0) >= 24' | sort -u >"$PP_TMP/titles"
# The task list only (from its heading, 任务清单, to the plan's own text, which
# follows): the timeline above it names tasks too.
sed -n '/^ *任务清单/,/一、总体要求/p' "$PP_TMP/print-plan.txt" | tr -d ' ' >"$PP_TMP/print-tasks.txt"
total=0
found=0
while IFS= read -r t; do
	head8=$(printf '%s' "$t" | cut -c1-24)   # 8 characters of 3 bytes (LC_ALL=C.UTF-8 cuts bytes)
	total=$((total + 1))
	grep -qF -- "$head8" "$PP_TMP/print-tasks.txt" && found=$((found + 1))
done <"$PP_TMP/titles"
check "A4: titles not cut into narrow columns ($found of $total found whole for 8 characters)" \
	test "$total" -ge 10 -a "$found" -ge $((total * 9 / 10))
pdf print-task "$task"
pdftotext -layout "$shots/print-task.pdf" - | awk '/\f/ { p++ } { print p + 0 ": " $0 }' >"$PP_TMP/task-pages.txt"
chart_page=$(grep -m1 '进度变化' "$PP_TMP/task-pages.txt" | cut -d: -f1)
label_page=$(grep -E '^[0-9]+: +(0|50%)$' "$PP_TMP/task-pages.txt" | head -n 1 | cut -d: -f1)
head_page=$(grep -m1 -E '日期 +进度 +状态' "$PP_TMP/task-pages.txt" | cut -d: -f1)
check "A4: the task chart's labels print on its page (chart ${chart_page:-?}, label ${label_page:-?})" \
	test -n "$chart_page" -a "$chart_page" = "$label_page"
check "A4: the history table's header follows on the chart's page or later" \
	test -n "$head_page" -a "${head_page:-0}" -ge "${chart_page:-99}"
# A bulletin: its updates table keeps each task's title whole for eight
# characters, as the task list does.
pdf print-bulletin bulletins/2019-06-30/index.html
grep -o 'class="col-title"><a href="[^"]*">[^<]*<' "$out/bulletins/2019-06-30/index.html" | sed 's/.*">//; s/<$//' |
	LC_ALL=C awk 'length($0) >= 30' | sort -u >"$PP_TMP/btitles"
btotal=0
bfound=0
tr -d ' ' <"$PP_TMP/print-bulletin.txt" >"$PP_TMP/print-bulletin-nosp.txt"
while IFS= read -r t; do
	btotal=$((btotal + 1))
	grep -qF -- "$(printf '%s' "$t" | cut -c1-30)" "$PP_TMP/print-bulletin-nosp.txt" && bfound=$((bfound + 1))
done <"$PP_TMP/btitles"
check "A4: a bulletin's updates keep their titles ($bfound of $btotal)" test "$btotal" -ge 3 -a "$bfound" -ge $((btotal * 9 / 10))
bpages=$(pdfinfo "$shots/print-bulletin.pdf" 2>/dev/null | sed -n 's/^Pages: *//p')
check "A4: the bulletin prints on at most 4 pages (got ${bpages:-none})" test "${bpages:-99}" -le 4
pdftoppm -r 40 -png -f 1 -l 3 "$shots/print-plan.pdf" "$shots/print-plan" 2>/dev/null || true
# 督办通知: each overdue task's notice prints on exactly one A4 page, title,
# number, text, signature and copy line on it.
pages_of() { pdfinfo "$shots/$1.pdf" 2>/dev/null | sed -n 's/^Pages: *//p'; }
notices=$(cd "$out" && find duban -name index.html | sort)
check "the example site has 督办通知 pages" test -n "$notices"
for n in $notices; do
	pdf print-notice "$n"
	np=$(pages_of print-notice)
	check "A4: $n prints on exactly one page (got ${np:-none})" test "${np:-0}" = 1
	tr -d ' ' <"$PP_TMP/print-notice.txt" >"$PP_TMP/notice-nosp.txt"
	check "A4: $n has its title, number, deadline and copy line" \
		sh -c 'grep -q "^督办通知$" "$1" && grep -q "督办〔2019〕xinhe-2018-" "$1" && grep -q "请你单位" "$1" &&
			grep -q "2019年12月31日$" "$1" && grep -q "^抄送：" "$1"' sh "$PP_TMP/notice-nosp.txt"
done
pdftoppm -r 40 -png "$shots/print-notice.pdf" "$shots/print-notice" 2>/dev/null || true
# A unit's page of notices prints one notice a page: as of the end of 2020
# more tasks are overdue, and the unit with the most notices has two.
late=$PP_TMP/late
cp -R "$site" "$late"
sed 's/^as_of = .*/as_of = 2020-12-31/' "$site/site.toml" >"$late/site.toml"
"$PP_BIN" -C "$late" build --out "$late/public" -q >"$PP_TMP/late.log" 2>&1
check "the example site builds as of 2020-12-31" test $? -eq 0
most=$(cd "$late/public" && for f in units/*/duban/index.html; do
	printf '%s %s\n' "$(grep -c '<article class="notice-doc"' "$f")" "$f"
done | sort -n | tail -n 1)
count=${most%% *}
out=$late/public pdf print-notices "${most#* }"
np=$(pages_of print-notices)
check "A4: a unit's $count notices print on $count pages (got ${np:-none})" test "${count:-0}" -ge 2 -a "${np:-0}" = "$count"
pp_done layout
