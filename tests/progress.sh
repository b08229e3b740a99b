#!/bin/sh
# tests/progress.sh PLANPRESS: the shipped lua/progress.lua end to end: the
# fixture site tests/progress/ builds with no hooks named (so the installed
# progress.lua runs), and data/tasks.json and data/plans.json hold every value
# of tests/progress/expected.json. The arithmetic behind those values is
# written out in tests/unit/check_progress.c, which checks many more fields.
. tests/lib.sh
site=$PP_TMP/site
mkdir -p "$site"
cp -R "$PP_ROOT/tests/progress/content" "$PP_ROOT/tests/progress/site.toml" "$site/"
flat() { awk -f "$PP_ROOT/tests/progress/flatten.awk" "$@"; }

"$PP_BIN" -C "$site" build --quiet >"$PP_TMP/out" 2>"$PP_TMP/err"; rc=$?
check "the fixture builds" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
check "no warnings" test ! -s "$PP_TMP/err"
out=$site/public
check "data/tasks.json written" test -s "$out/data/tasks.json"
check "data/plans.json written" test -s "$out/data/plans.json"

# Every expected "path = value" must be in the output, one check each.
flat "$out/data/tasks.json" "$out/data/plans.json" >"$PP_TMP/got" 2>/dev/null
flat "$PP_ROOT/tests/progress/expected.json" >"$PP_TMP/want"
check "expected.json has values" test -s "$PP_TMP/want"
while IFS= read -r line; do
	if grep -qxF -- "$line" "$PP_TMP/got"; then ok; else not_ok "data/*.json lacks: $line"; fi
done <"$PP_TMP/want"

# A site's own lua/progress.lua replaces the installed one.
mkdir -p "$site/lua"
cat >"$site/lua/progress.lua" <<'LUA'
function on_site(site)
  for _, plan in ipairs(site.plans) do plan.progress = 7 end
end
LUA
"$PP_BIN" -C "$site" build --quiet >"$PP_TMP/out" 2>"$PP_TMP/err"; rc=$?
check "builds with the site's own progress.lua" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
flat "$out/data/plans.json" >"$PP_TMP/got" 2>/dev/null
check "the site's progress.lua ran" grep -qxF '.plans[0].progress = 7' "$PP_TMP/got"
check "the installed one did not" test -z "$(grep -F '.plans[0].rag =' "$PP_TMP/got")"

# Twice the same output: nothing in it depends on hash order or the clock.
rm -rf "$site/lua"
"$PP_BIN" -C "$site" build --quiet --out "$PP_TMP/a" >/dev/null 2>&1
"$PP_BIN" -C "$site" build --quiet --out "$PP_TMP/b" --jobs 1 >/dev/null 2>&1
check "two builds write the same data" cmp -s "$PP_TMP/a/data/tasks.json" "$PP_TMP/b/data/tasks.json"
check "two builds write the same plans" cmp -s "$PP_TMP/a/data/plans.json" "$PP_TMP/b/data/plans.json"
check "and a data file is there" test -s "$PP_TMP/a/data/plans.json"

pp_done progress
