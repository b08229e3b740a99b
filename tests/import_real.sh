#!/bin/sh
# tests/import_real.sh PLANPRESS: `planpress import` on real plan documents of
# other offices (../shared/real-docs, PP_REAL_DOCS), each against the results
# written by reading it (tests/import/real/NN.expect.json), and on documents
# written here for habits the real ones lack (tests/import/habits/*.txt with
# their .expect.json). Prints, per document and in total: tasks found / in the
# document, units exact, deadlines exact, targets exact; fails below the aims
# (every task found, units >= 95 %, deadlines and targets >= 90 %).
. tests/lib.sh
docs=${PP_REAL_DOCS:-$(cd .. && pwd)/shared/real-docs}
[ -d "$docs" ] || docs=/work/shared/real-docs

T_exp=0 T_got=0 T_units=0 T_dl=0 T_tg=0 T_ti=0 T_extra=0
# score NAME DOC EXPECT: one document's line of the report.
score() {
	name=$1 doc=$2 exp=$3
	"$PP_BIN" import "$doc" --expect "$exp" -q >"$PP_TMP/diff" 2>"$PP_TMP/err"
	rc=$?
	if [ $rc -gt 1 ] || grep -q ': error:' "$PP_TMP/err"; then not_ok "$name: import failed"; head -n 5 "$PP_TMP/err" >&2; return; fi
	ok
	n=$(grep -c '"number"' "$exp")
	got=$n extra=0
	for list in tasks annex_tasks; do
		line=$(grep -E "^$list: expected [0-9]+ items, got [0-9]+" "$PP_TMP/diff")
		if [ -n "$line" ]; then
			e=$(printf '%s' "$line" | sed -E 's/.*expected ([0-9]+) items, got ([0-9]+).*/\1/')
			g=$(printf '%s' "$line" | sed -E 's/.*expected ([0-9]+) items, got ([0-9]+).*/\2/')
			got=$((got - e + (g < e ? g : e)))
			extra=$((extra + (g > e ? g - e : 0)))
		fi
	done
	bad() { grep -E "^(tasks|annex_tasks)\[[0-9]+\]\.$1" "$PP_TMP/diff" | sed -E 's/^([a-z_]+\[[0-9]+\]).*/\1/' | sort -u | wc -l; }
	missing=$((n - got))
	u=$((n - missing - $(bad '(lead|support)')))
	dl=$((n - missing - $(bad 'deadlines')))
	tg=$((n - missing - $(bad 'targets')))
	ti=$((n - missing - $(bad 'title')))
	printf '%s: tasks %d/%d, titles exact %d/%d, units exact %d/%d, deadlines exact %d/%d, targets exact %d/%d\n' \
		"$name" "$got" "$n" "$ti" "$n" "$u" "$n" "$dl" "$n" "$tg" "$n"
	# Header fields, titles, groups, unplaced lines: every other difference.
	other=$(grep -E '^[a-z_]+(\[[0-9]+\])?[.:]' "$PP_TMP/diff" |
		grep -cvE '^(tasks|annex_tasks)(: expected|\[[0-9]+\]\.(title|lead|support|deadlines|targets))')
	if [ "$other" -ne 0 ]; then
		printf '%s: %d other differences:\n' "$name" "$other"
		grep -vE '^(tasks|annex_tasks)(: expected|\[[0-9]+\]\.(title|lead|support|deadlines|targets))' "$PP_TMP/diff" | head -n 5
	fi
	check "$name: header, titles and the rest as expected" test "$other" -eq 0
	[ "$extra" -eq 0 ] || printf '%s: %d tasks found that the document does not have\n' "$name" "$extra"
	check "$name: every task found" test "$got" -eq "$n"
	check "$name: no task made up" test "$extra" -eq 0
	T_extra=$((T_extra + extra))
	T_exp=$((T_exp + n)) T_got=$((T_got + got)) T_units=$((T_units + u)) T_dl=$((T_dl + dl)) T_tg=$((T_tg + tg))
	T_ti=$((T_ti + ti))
}

n=0
for exp in tests/import/real/*.expect.json; do
	nn=$(basename "$exp" .expect.json)
	doc=$(ls "$docs/$nn"-*.txt 2>/dev/null | head -n 1)
	if [ -z "$doc" ]; then not_ok "real document $nn missing under $docs"; continue; fi
	n=$((n + 1))
	score "real/$nn" "$doc" "$exp"
done
check "all ten real documents have expectations" test "$n" -ge 10
for exp in tests/import/habits/*.expect.json; do
	[ -f "$exp" ] || continue
	name=$(basename "$exp" .expect.json)
	score "habits/$name" "tests/import/habits/$name.txt" "$exp"
done
printf 'total: tasks %d/%d, titles exact %d/%d, units exact %d/%d, deadlines exact %d/%d, targets exact %d/%d\n' \
	"$T_got" "$T_exp" "$T_ti" "$T_exp" "$T_units" "$T_exp" "$T_dl" "$T_exp" "$T_tg" "$T_exp"
check "total: every task found" test "$T_got" -eq "$T_exp"
check "total: no task made up" test "$T_extra" -eq 0
check "total: units >= 95% exact" test $((T_units * 100)) -ge $((T_exp * 95))
check "total: deadlines >= 90% exact" test $((T_dl * 100)) -ge $((T_exp * 90))
check "total: targets >= 90% exact" test $((T_tg * 100)) -ge $((T_exp * 90))
pp_done import_real
