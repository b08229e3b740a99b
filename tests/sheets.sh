#!/bin/sh
# tests/sheets.sh PLANPRESS: spreadsheets out and in (issue 14): data/tasks.csv
# and data/tasks.xlsx for the bundled site (a CSV golden, the workbook read
# back equal to data/tasks.json, identical bytes from two builds), and
# planpress import of a progress return (.xlsx, .csv) and of a task list.
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
pp_done sheets
