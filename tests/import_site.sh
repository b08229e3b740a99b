#!/bin/sh
# tests/import_site.sh PLANPRESS: a site's lua/import.lua extends the shipped
# import rules (issue 12): a province adds one note form and one counter word
# in a few lines; documents using them are read with them, and every shipped
# expectation (seeds, real documents, habits) still holds with it loaded.
. tests/lib.sh
seeds=${PP_SEEDS:-$(cd .. && pwd)/shared/seeds}
docs=${PP_REAL_DOCS:-$(cd .. && pwd)/shared/real-docs}
[ -d "$docs" ] || docs=/work/shared/real-docs
site=$PP_TMP/site
mkdir -p "$site/lua"
printf 'title = "导入"\n' >"$site/site.toml"
# The example of planpress-import(7), as a province would write it.
cat >"$site/lua/import.lua" <<'LUA'
-- Our province's habits, on top of the shipped rules.
local R = ...
table.insert(R.note_labels, { label = "督办单位", role = "lead" })
table.insert(R.quota_units, 1, "艘")
R.table_time_max_chars = 30   -- a threshold is a field too
LUA
printf '%s\n' '某市2025年海洋经济重点工作' '一、发展海洋产业' \
	'1.壮大远洋渔业。新建远洋渔船12艘。督办单位：市海洋渔业局。' >"$PP_TMP/doc.txt"
pp() { "$PP_BIN" -C "$site" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }

pp import "$PP_TMP/doc.txt" --format json
check "the site's rules load (exit 0)" test $? -eq 0
check "its note form is read" grep -q '"市海洋渔业局"' "$PP_TMP/out"
check "its counter word is read" grep -q '"unit": "艘"' "$PP_TMP/out"
"$PP_BIN" import "$PP_TMP/doc.txt" --format json >"$PP_TMP/plain" 2>/dev/null
check "without the site, neither is" test "$(grep -c '艘\|市海洋渔业局"' "$PP_TMP/plain")" -le 1

n=0
for exp in tests/import/*.expect.json tests/import/real/*.expect.json tests/import/habits/*.expect.json; do
	name=$(basename "$exp" .expect.json)
	case "$exp" in
	*/real/*) doc=$(ls "$docs/$name"-*.txt 2>/dev/null | head -n 1) ;;
	*/habits/*) doc=$PP_ROOT/tests/import/habits/$name.txt ;;
	*) doc=$seeds/$name.txt ;;
	esac
	[ -f "${doc:-}" ] || { not_ok "$exp: document missing"; continue; }
	n=$((n + 1))
	pp import "$doc" --expect "$PP_ROOT/$exp" -q
	if [ $? -eq 0 ]; then ok; else not_ok "$name differs with the site's rules loaded:"; head -n 5 "$PP_TMP/out" >&2; fi
done
check "every shipped expectation was checked" test "$n" -ge 20

# A site file that returns a table of its own replaces the rules (as before).
printf 'local R = {}\nfunction R.parse() return { title = "自有规则" } end\nreturn R\n' >"$site/lua/import.lua"
pp import "$PP_TMP/doc.txt" --format json
check "a site's own complete rules replace the shipped ones" grep -q '"title": "自有规则"' "$PP_TMP/out"
# An error in the site's file names it.
printf 'local R = ...\nR.parse = nil + 1\n' >"$site/lua/import.lua"
pp import "$PP_TMP/doc.txt" --format json
check "an error in the site's rules exits 1" test $? -eq 1
check "and names its file and line" grep -q 'lua/import.lua:2: error' "$PP_TMP/err"
pp_done import_site
