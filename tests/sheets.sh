#!/bin/sh
# tests/sheets.sh PLANPRESS: spreadsheets out and in (issue 14): data/tasks.csv
# and data/tasks.xlsx for the bundled site (a CSV golden, the workbook read
# back equal to data/tasks.json, identical bytes from two builds), and
# planpress import of a progress return (.xlsx, .csv) and of a task list,
# made by a program of the test and saved by LibreOffice (tests/sheets/real).
. tests/lib.sh
out=$PP_TMP/site
"$PP_BIN" build -o "$out" >"$PP_TMP/log" 2>&1
check "the bundled site builds" test $? -eq 0
check "data/tasks.csv is written" test -s "$out/data/tasks.csv"
check "data/tasks.xlsx is written" test -s "$out/data/tasks.xlsx"
if cmp -s tests/sheets/bundled-tasks.csv "$out/data/tasks.csv"; then ok; else
	not_ok "data/tasks.csv differs from tests/sheets/bundled-tasks.csv"
	diff tests/sheets/bundled-tasks.csv "$out/data/tasks.csv" | head -n 10 >&2
fi
check "the CSV starts with a BOM" sh -c "head -c 3 '$out/data/tasks.csv' | od -An -tx1 | grep -q 'ef bb bf'"
check "the CSV's rows end in CRLF" sh -c "[ \$(grep -c \$(printf '\\r') '$out/data/tasks.csv') -eq \$(wc -l <'$out/data/tasks.csv') ]"
# A second build from scratch, at another hour, in another zone: the same bytes.
TZ=Asia/Shanghai "$PP_BIN" build -o "$PP_TMP/again" -j 1 >/dev/null 2>&1
check "two builds write the same workbook" cmp "$out/data/tasks.xlsx" "$PP_TMP/again/data/tasks.xlsx"
check "two builds write the same CSV" cmp "$out/data/tasks.csv" "$PP_TMP/again/data/tasks.csv"
check "the plan dashboard links the workbook" grep -q 'href="../../data/tasks.xlsx"' "$out/plans/wangge-2019/index.html"
check "the plan dashboard links the CSV" grep -q 'href="../../data/tasks.csv"' "$out/plans/wangge-2019/index.html"
unitpage=$(ls "$out"/units/*/index.html | head -n 1)
check "a unit page links the workbook" grep -q 'href="../../data/tasks.xlsx"' "$unitpage"

# ---- spreadsheets in ----------------------------------------------------------
# The fixtures are made by a program of the test (as Excel's users fill them).
fx=$PP_TMP/fx
mkdir -p "$fx"
if cc -std=c11 -o "$fx/mk" tests/sheets/mkfixtures.c $(pkg-config --cflags --libs xlsxwriter) 2>"$PP_TMP/cc" &&
	"$fx/mk" "$fx"; then ok; else not_ok "tests/sheets/mkfixtures.c builds and runs"; cat "$PP_TMP/cc" >&2; fi
site=$PP_TMP/return
mkdir -p "$site"
cp -R site.toml content "$site/"
sed -i 's/^as_of = 2019-12-31/as_of = 2020-03-31/' "$site/site.toml"
pp() { "$PP_BIN" -C "$site" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }

# Bad rows: each at file:sheet:row:col; nothing written.
pp import "$fx/bad.xlsx" --date 2020-03-31
check "a return with bad rows fails (exit 1)" test $? -eq 1
grep ': error: ' "$PP_TMP/err" | sed "s|^$fx/||" >"$PP_TMP/bad"
if cmp -s tests/sheets/bad.expected "$PP_TMP/bad"; then ok; else
	not_ok "the bad rows' errors differ from tests/sheets/bad.expected"
	diff tests/sheets/bad.expected "$PP_TMP/bad" >&2
fi
check "nothing was written" test ! -e "$site/content/bulletins/2020-03-31.md"

# An Excel 97-2003 return (.xls, read with libfreexl).
pp import "$fx/progress.xls" --plan wangge-2019 --date 2020-03-31 -n
check "an .xls return is read (exit 0)" test $? -eq 0
check "its number, progress, status and note" sh -c "grep -q 'task: wangge-2019/2' '$PP_TMP/out' &&
	grep -q 'progress: 45' '$PP_TMP/out' && grep -q 'status: in_progress' '$PP_TMP/out' && grep -q 'note: 平台试运行' '$PP_TMP/out'"

# The exported workbook, edited and returned: plan and number columns match it back.
cp "$out/data/tasks.xlsx" "$PP_TMP/export.xlsx"
pp import "$PP_TMP/export.xlsx" --date 2020-03-31 -n
check "the site's own data/tasks.xlsx reads back as a return with nothing new" \
	grep -qF 'updates: []' "$PP_TMP/out"

pp import "$fx/progress.xlsx" --plan wangge-2019 --date 2020-03-31
check "a progress return is imported (exit 0)" test $? -eq 0
check "it says what became of the rows" grep -q '3 updates from 5 rows (1 reported nothing, 1 nothing new)' "$PP_TMP/out"
if cmp -s tests/sheets/progress.expected.md "$site/content/bulletins/2020-03-31.md"; then ok; else
	not_ok "the bulletin differs from tests/sheets/progress.expected.md"
	diff tests/sheets/progress.expected.md "$site/content/bulletins/2020-03-31.md" >&2
fi
"$PP_BIN" -C "$site" build -o "$PP_TMP/return-out" >/dev/null 2>&1
check "the site builds with the bulletin" test $? -eq 0
check "task 2 stands at 45% after it" grep -A12 '"id": "wangge-2019/2"' "$PP_TMP/return-out/data/tasks.json" \
	| grep -q '"progress": 45'
check "the return's note is the task's last note" grep -q '平台一期上线试运行' "$PP_TMP/return-out/data/tasks.csv"
pp import "$fx/progress.xlsx" --plan wangge-2019 --date 2020-03-31
check "a second import does not replace the bulletin without --force" test $? -eq 1
check "... and says so" grep -q 'exists; use --force' "$PP_TMP/err"
pp import "$fx/progress.xlsx" --plan wangge-2019 --date 2020-03-31 --force
check "--force replaces it (exit 0)" test $? -eq 0
check "... keeping the rows its own bulletin made look unchanged" grep -q '4 updates' "$PP_TMP/out"
printf '\n改过\n' >>"$site/content/bulletins/2020-03-31.md"
pp import "$fx/progress.xlsx" --plan wangge-2019 --date 2020-03-31 --force
check "a bulletin changed since is left alone" grep -q 'changed since planpress import wrote it' "$PP_TMP/err"
pp import "$fx/progress.xlsx" --date 2020-04-30 -n
check "a date after as_of is refused" grep -q 'as_of is 2020-03-31, before the bulletin' "$PP_TMP/err"
pp import "$fx/progress.xlsx" --date 2020-03-31 -n
check "without --plan, numbers in two plans are ambiguous" grep -q 'task 2 is in more than one plan' "$PP_TMP/err"

# The same return as CSV, in UTF-8 with a BOM and in GB18030 (Excel's "CSV (逗号分隔)" in China).
pp import "$PP_ROOT/tests/sheets/progress.csv" --plan wangge-2019 --date 2020-03-31 -n
check "a CSV return is read (exit 0)" test $? -eq 0
check "its quoted note keeps its comma and line break" grep -q 'note: "平台一期上线试运行，\\n接入5个部门系统, 试运行"' "$PP_TMP/out"
tail -c +4 "$PP_ROOT/tests/sheets/progress.csv" | iconv -f UTF-8 -t GB18030 >"$PP_TMP/gb.csv"
pp import "$PP_TMP/gb.csv" --plan wangge-2019 --date 2020-03-31 -n
check "a GB18030 CSV return reads the same" sh -c "grep -q 'progress: 45' '$PP_TMP/out' && grep -q 'status: done' '$PP_TMP/out'"

# Returns saved by LibreOffice (tests/sheets/real/make.sh), as offices send
# them: a merged title row, 填报单位 above the header, headers with line
# breaks, date cells, progress as 45% and 65.0, a note of two lines, a
# footer, a trailing empty row, a 说明 sheet and a hidden sheet. Each reads
# to the bulletin written by hand in tests/sheets/real/NAME.expected.md, and
# the .xls and the .xlsx of one return to the same bulletin, saying of
# each row it does not place what tests/sheets/real/NAME.expected.err says
# (the file named as NAME.xlsx).
real=$PP_TMP/real
mkdir -p "$real"
cp -R site.toml content "$real/"
sed -i 's/^as_of = 2019-12-31/as_of = 2020-03-31/' "$real/site.toml"
for exp in tests/sheets/real/*.expected.md; do
	name=$(basename "$exp" .expected.md)
	for ext in xlsx xls; do
		"$PP_BIN" -C "$real" import "$PP_ROOT/tests/sheets/real/$name.$ext" --plan wangge-2019 \
			--date 2020-03-31 -n >"$PP_TMP/$name.$ext.md" 2>"$PP_TMP/$name.$ext.err"
		check "the real $name.$ext is read (exit 0)" test $? -eq 0
		# Every row placed or said: the footer under the table is a note.
		sed "s|^$PP_ROOT/tests/sheets/real/$name\\.$ext:|$name.xlsx:|" "$PP_TMP/$name.$ext.err" >"$PP_TMP/$name.$ext.said"
		if cmp -s "tests/sheets/real/$name.expected.err" "$PP_TMP/$name.$ext.said"; then ok; else
			not_ok "what $name.$ext's import says differs from tests/sheets/real/$name.expected.err"
			diff "tests/sheets/real/$name.expected.err" "$PP_TMP/$name.$ext.said" >&2
		fi
		sed "s/进展报表 $name\\.$ext 生成/进展报表 $name.xlsx 生成/" "$PP_TMP/$name.$ext.md" >"$PP_TMP/$name.$ext.same"
		if cmp -s "$exp" "$PP_TMP/$name.$ext.same"; then ok; else
			not_ok "the bulletin of $name.$ext differs from $exp"
			diff "$exp" "$PP_TMP/$name.$ext.same" >&2
		fi
	done
	check "$name.xls and $name.xlsx give the same bulletin" cmp "$PP_TMP/$name.xls.same" "$PP_TMP/$name.xlsx.same"
done
# Task lists saved by LibreOffice: section headings merged across, a lead
# unit merged over two tasks (in the .xls too), deadlines as date cells. Each
# matches tests/sheets/real/NAME.expect.json, written by hand, and the .xls
# and the .xlsx read to the same plan.
for exp in tests/sheets/real/*.expect.json; do
	name=$(basename "$exp" .expect.json)
	for ext in xlsx xls; do
		"$PP_BIN" -C "$real" import "$PP_ROOT/tests/sheets/real/$name.$ext" --expect "$PP_ROOT/$exp" \
			>"$PP_TMP/out" 2>"$PP_TMP/err"
		if [ $? -eq 0 ]; then ok; else
			not_ok "the real task list $name.$ext differs from $exp"
			cat "$PP_TMP/out" "$PP_TMP/err" >&2
		fi
		"$PP_BIN" -C "$real" import "$PP_ROOT/tests/sheets/real/$name.$ext" --format json >"$PP_TMP/$name.$ext.json" 2>&1
	done
	check "$name.xls and $name.xlsx read to the same plan" cmp "$PP_TMP/$name.xls.json" "$PP_TMP/$name.xlsx.json"
done

# A task list kept as a sheet: task pages, as a Word table would give.
pp import "$fx/tasks.xlsx" --plan shequ-2020 -q
check "a task list is imported (exit 0)" test $? -eq 0
t2=$site/content/plans/shequ-2020/tasks/02.md
check "three task pages" test -f "$site/content/plans/shequ-2020/tasks/03.md"
check "the list's title row is the plan's title" grep -q '新和街道2020年社区治理重点任务清单' \
	"$site/content/plans/shequ-2020/_index.md"
check "a lead unit merged over two rows leads both" grep -q '^lead: \[街道社区建设办公室\]' "$t2"
check "a date cell is the due date" grep -q '^due: 2020-09-30' "$t2"
"$PP_BIN" -C "$site" build -o "$PP_TMP/list-out" >/dev/null 2>&1
check "the site builds with the imported plan" test $? -eq 0
pp import "$fx/tasks.xlsx" -n --format json
check "a task list reads as JSON too" grep -q '"title": "完善社区议事协商制度' "$PP_TMP/out"

# Section headings between the tasks (merged across the table, or alone in a row).
printf '重点任务清单\n序号,任务,牵头单位,配合单位,完成时限\n一、组织建设,一、组织建设,一、组织建设,一、组织建设,一、组织建设\n1,建设服务站6个,甲办,乙局,2020年6月底前\n二、队伍建设,,,,\n2,培训书记9名,丙办,,2020年底前\n' >"$PP_TMP/sections.csv"
pp import "$PP_TMP/sections.csv" -n
check "headings in a task list are its sections" sh -c "grep -q '^section 一、组织建设' '$PP_TMP/out' && grep -q '^section 二、队伍建设' '$PP_TMP/out' && grep -q '^tasks: *2' '$PP_TMP/out'"

# Hostile files fail with an error, never a crash.
head -c 3000 "$fx/progress.xlsx" >"$PP_TMP/cut.xlsx"
pp import "$PP_TMP/cut.xlsx" -n
check "a workbook cut short is an error (exit 2)" test $? -eq 2
check "... saying so" grep -q 'cut.xlsx: error: ' "$PP_TMP/err"
printf 'PK\003\004 not really a zip' >"$PP_TMP/fake.xlsx"
pp import "$PP_TMP/fake.xlsx" -n
check "a file that only starts like a ZIP is an error" test $? -eq 2
printf '\320\317\021\340\241\261\032\341 nothing else' >"$PP_TMP/fake.xls"
pp import "$PP_TMP/fake.xls" -n
check "an .xls that is not one is an error naming libfreexl" grep -q 'Excel 97-2003' "$PP_TMP/err"
head -c 2000 "$fx/progress.xls" >"$PP_TMP/cut.xls"
pp import "$PP_TMP/cut.xls" -n
check "an .xls cut short is an error (exit 2)" test $? -eq 2
printf '甲,乙\n1,2\n' >"$PP_TMP/none.csv"
pp import "$PP_TMP/none.csv" -n
check "a sheet with no known header is an error" grep -q 'no sheet has a header row' "$PP_TMP/err"
printf '序号,进度\n2,"50\n' >"$PP_TMP/open.csv"
pp import "$PP_TMP/open.csv" -n
check "an unclosed quote is an error at its row and column" grep -q 'open.csv:2:2: error: a quoted field is not closed' "$PP_TMP/err"

# LibreOffice, when installed (it is optional), reads the workbook as the CSV says.
if command -v libreoffice >/dev/null 2>&1; then
	(cd "$PP_TMP" && HOME=$PP_TMP libreoffice --headless --convert-to csv:"Text - txt - csv (StarCalc)":44,34,76 \
		--outdir lo "$out/data/tasks.xlsx" >/dev/null 2>&1)
	tail -c +4 "$out/data/tasks.csv" | tr -d '\r' | cut -d, -f1-6 >"$PP_TMP/ours"
	tr -d '\r' <"$PP_TMP/lo/tasks.csv" | cut -d, -f1-6 >"$PP_TMP/theirs"
	check "LibreOffice reads the same plan, number, title, section and units" cmp "$PP_TMP/ours" "$PP_TMP/theirs"
fi
pp_done sheets
