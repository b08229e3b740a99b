#!/bin/sh
# tests/sandbox_import.sh PLANPRESS: import rules run in the hooks' sandbox
# (issue 9.9): hostile rules end in one clean error naming the rules file,
# bounded in time and memory, never a hang; a site's [lua] limits apply.
. tests/lib.sh
case "$PP_BIN" in */san/*) lim= ;; *) lim='ulimit -v 1500000;' ;; esac
doc=$PP_TMP/doc.txt
printf '一、总体要求\n1. 推进工作。（牵头单位：市发展改革委）\n' >"$doc"
site=$PP_TMP/site
mkdir -p "$site/lua"
printf 'title = "导入"\n' >"$site/site.toml"
# rules BODY: writes lua/import.lua whose parse runs BODY, then imports.
rules() {
	{
		printf 'local R = {}\nfunction R.parse(text, opts)\n'
		printf '%s\n' "$1"
		printf '  return { title = "t", tasks = {} }\nend\nreturn R\n'
	} >"$site/lua/import.lua"
	sh -c "$lim cd \"\$1\" && exec timeout 60 \"\$0\" import \"\$2\" --format json" \
		"$PP_BIN" "$site" "$doc" >"$PP_TMP/out" 2>"$PP_TMP/err"
	rc=$?
}

rules '  while true do end'
check "endless loop: exits 1" test $rc -eq 1
check "endless loop: the budget stops it at its line" grep -q '^lua/import.lua:3: error: import rules used more than 100000000 instructions' "$PP_TMP/err"

printf 'title = "导入"\n[lua]\nmemory_mib = 32\n' >"$site/site.toml"
rules '  local t = {} for i = 1, 1e9 do t[i] = ("x"):rep(64) .. i end'
check "memory hog: exits 1" test $rc -eq 1
check "memory hog: the cap (memory_mib from site.toml) stops it" grep -q 'error: import rules used more than 32 MiB' "$PP_TMP/err"
printf 'title = "导入"\n' >"$site/site.toml"

rules '  local s = ("x"):rep(1000000) for i = 1, 100000 do print(s) end'
check "print flood: exits 1" test $rc -eq 1
check "print flood: the message limit" grep -q 'error: import rules printed more than 10000 messages' "$PP_TMP/err"

rules '  local r = string.find(("a"):rep(30000), ".-.-.-.-b")'
check "backtracking pattern: exits 1" test $rc -eq 1
check "backtracking pattern: refused before it runs" grep -q "^lua/import.lua:3: error: string.find: pattern '.-.-.-.-b'" "$PP_TMP/err"

cat >"$site/lua/import.lua" <<'LUA'
local R = {}
function R.parse(text, opts)
  local t = {"leaf"}
  for i = 1, 40 do t = {t, t} end
  return { title = "t", tasks = {}, tree = t }
end
return R
LUA
sh -c "$lim cd \"\$1\" && exec timeout 60 \"\$0\" import \"\$2\" --format json" "$PP_BIN" "$site" "$doc" >"$PP_TMP/out" 2>"$PP_TMP/err"
rc=$?
check "shared-subtable bomb: exits 1" test $rc -eq 1
check "shared-subtable bomb: refused, naming the field" grep -q 'the import rules stored data that expands to more than 8388608 values at result.tree' "$PP_TMP/err"

rules '  getmetatable("").__index = nil  -- protected: getmetatable gives false'
check "string metatable out of reach: exits 1" test $rc -eq 1
check "string metatable out of reach: located error" grep -q '^lua/import.lua:3: error:' "$PP_TMP/err"

rules '  assert(io == nil and dofile == nil and loadfile == nil and os.execute == nil and os.getenv == nil)
  assert(os.time() == os.time() and os.clock() == 0)
  assert(type(import.number) == "function")'
check "the sandbox library: no io, no files, no clock" test $rc -eq 0

rules '  string.upper = nil
  import.fold = nil
  assert(require("string").upper == nil and require("import").fold == nil)'
check "replacing a library function stays in the rules' own copy" test $rc -eq 0

# The site's [lua] limits apply to import too.
printf 'title = "导入"\n[lua]\nbudget = 1000000000000000\ntime_limit = 1\n' >"$site/site.toml"
rules '  while true do end'
check "time limit from site.toml: exits 1" test $rc -eq 1
check "time limit from site.toml: clear error" grep -q '^lua/import.lua:3: error: import rules ran longer than 1 s (the time limit)' "$PP_TMP/err"
pp_done sandbox_import
