#!/bin/sh
# tests/sandbox.sh PLANPRESS: hostile hooks (issue 9) end in one clean error
# or a clean result, bounded in time and memory, never a hang or a crash.
. tests/lib.sh
site=$PP_TMP/site
mkdir -p "$site/content" "$site/lua" "$site/layouts"
printf -- '---\ntitle: 首页\n---\n正文。\n' >"$site/content/_index.md"
# Memory bound: ulimit -v except under ASan (it reserves terabytes).
case "$PP_BIN" in */san/*) lim= ;; *) lim='ulimit -v 1500000;' ;; esac
# run HOOKS...: builds the site with these hook files, in a bounded shell.
run() {
	hooks=
	for h in "$@"; do hooks="$hooks\"lua/$h\", "; done
	printf 'title = "沙箱"\n[lua]\nhooks = [%s]\n' "$hooks" >"$site/site.toml"
	rm -rf "$site/public"
	sh -c "$lim exec timeout 30 \"\$0\" -C \"\$1\" build -q" "$PP_BIN" "$site" \
		>"$PP_TMP/out" 2>"$PP_TMP/err"
	rc=$?
}

# 1. print in a loop: one clear error, not gigabytes of diagnostics.
cat >"$site/lua/p.lua" <<'LUA'
function on_site(site)
  local s = ("x"):rep(1000000)
  for i = 1, 100000 do print(s) end
end
LUA
run p.lua
check "print flood exits 1" test $rc -eq 1
check "print flood: message limit error" grep -q 'lua/p.lua:3: error: hook printed more than 10000 messages' "$PP_TMP/err"
cat >"$site/lua/p.lua" <<'LUA'
function on_site(site)
  for i = 1, 100000 do pcall(planpress.warn, "w" .. i) end
  site.after = "escaped"
end
LUA
run p.lua
check "warn flood under pcall exits 1" test $rc -eq 1
check "warn flood: the limit is not caught by pcall" grep -q 'hook printed more than' "$PP_TMP/err"

# 4. metatables handed out are protected: no __gc on dates, strings intact.
cat >"$site/lua/g.lua" <<'LUA'
function on_site(site)
  local mt = getmetatable(planpress.date("2024-01-02"))
  assert(mt == false, "date metatable reachable")
  assert(getmetatable("") == false, "string metatable reachable")
  site.ok = "yes"
end
LUA
run g.lua
check "protected metatables: build passes" test $rc -eq 0
cat >"$site/lua/g.lua" <<'LUA'
function on_site(site)
  getmetatable(planpress.date("2024-01-02")).__gc = function() while true do end end
end
LUA
run g.lua
check "setting __gc on a date fails cleanly" test $rc -eq 1
check "setting __gc: error at the hook's line" grep -q '^lua/g.lua:2: error:' "$PP_TMP/err"

# 5. one hook's changes to libraries do not reach another.
cat >"$site/lua/a.lua" <<'LUA'
string.upper = function() return "hacked" end
planpress.format_date = function() return "hacked" end
table.insert = nil
require("planpress").slugify = function() return "hacked" end
LUA
cat >"$site/lua/b.lua" <<'LUA'
function on_site(site)
  assert(string.upper("a") == "A", "string.upper replaced")
  assert(("a"):upper() == "A", "string method replaced")
  assert(planpress.format_date("2024-01-02", "iso") == "2024-01-02", "format_date replaced")
  assert(table.insert, "table.insert removed")
  assert(require("planpress").slugify("A b") ~= "hacked", "planpress module replaced")
  site.ok = "yes"
end
LUA
run a.lua b.lua
check "libraries are per hook" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2

# 6. require refuses a symbolic link leading outside lua/.
printf 'return { evil = true }\n' >"$PP_TMP/evil.lua"
ln -s "$PP_TMP/evil.lua" "$site/lua/evil.lua"
printf 'function on_site(site) require("evil") end\n' >"$site/lua/r.lua"
run r.lua
check "require through a symlink out of lua/ exits 1" test $rc -eq 1
check "require through a symlink: clear error" grep -q "module 'evil': lua/evil.lua leads outside lua/" "$PP_TMP/err"
rm -f "$site/lua/evil.lua"

# 8. one allocation may not overshoot the cap by its own size.
printf 'memory_mib = 16\n' >"$PP_TMP/mem"
cat >"$site/lua/m.lua" <<'LUA'
function on_site(site)
  local s = ("x"):rep(12 * 1024 * 1024)
  local t = s .. s
  site.n = #t
end
LUA
run m.lua
printf 'title = "沙箱"\n[lua]\nhooks = ["lua/m.lua"]\nmemory_mib = 16\n' >"$site/site.toml"
rm -rf "$site/public"
sh -c "$lim exec timeout 30 \"\$0\" -C \"\$1\" build -q" "$PP_BIN" "$site" >"$PP_TMP/out" 2>"$PP_TMP/err"
rc=$?
check "s..s over the cap exits 1" test $rc -eq 1
check "s..s over the cap: memory error" grep -q 'hook used more than 16 MiB' "$PP_TMP/err"
# 2. a table shared 2^40 ways is refused when it comes back, not expanded.
cat >"$site/lua/x.lua" <<'LUA'
function on_site(site)
  local t = {"leaf"}
  for i = 1, 40 do t = {t, t} end
  site.tree = t
end
LUA
run x.lua
check "shared-subtable bomb exits 1" test $rc -eq 1
check "shared-subtable bomb: clear error naming the field" grep -q "lua/x.lua:1: error: the hook stored data that expands to more than 8388608 values at site.tree" "$PP_TMP/err"
# 3. a backtracking pattern is refused before it runs (it used to run for
# minutes inside one C call, out of reach of the instruction budget);
# ordinary patterns on long texts still work.
cat >"$site/lua/f.lua" <<'LUA'
function on_site(site)
  local long = ("a b  "):rep(20000)
  site.n = select(2, long:gsub("%s+", " "))
  site.t = ("  x  "):match("^%s*(.-)%s*$")
  site.r = string.find(("a"):rep(30000), ".-.-.-.-b")
end
LUA
run f.lua
check "backtracking pattern exits 1" test $rc -eq 1
check "backtracking pattern: clear error at its line" grep -q "^lua/f.lua:5: error: string.find: pattern '.-.-.-.-b' on 30000 bytes could take too long" "$PP_TMP/err"
sed -i '/site.r =/d' "$site/lua/f.lua"
run f.lua
check "ordinary patterns on long texts pass" test $rc -eq 0
# A lazy item that one item ends retries over the runs that item ends, and
# a pattern that begins with plain bytes goes past them only where the
# text holds them: the lines of a 300 KB document, and a phrase it does
# not hold, are not refused; the same patterns where they would backtrack
# over the whole text are.
cat >"$site/lua/f.lua" <<'LUA'
function on_site(site)
  local doc = ("第一行内容。\n"):rep(16000)
  local n = 0
  for line in doc:gmatch("(.-)\n") do n = n + 1 end
  site.lines = n
  site.none = doc:find("以下均需(.-)负责")
  site.dash = ("a-b\n"):rep(80000):find("^(.-)%-")
end
LUA
run f.lua
check "lazy patterns over short lines of a long text pass" test $rc -eq 0
cat >"$site/lua/f.lua" <<'LUA'
function on_site(site)
  site.r = ("a"):rep(200000):find("(.-)\n")
end
LUA
run f.lua
check "a lazy pattern over a text without its end is refused" grep -q "^lua/f.lua:2: error: string.find: pattern '(.-)" "$PP_TMP/err"
cat >"$site/lua/f.lua" <<'LUA'
function on_site(site)
  site.r = ("以下"):rep(60000):find("以下(.-)完")
end
LUA
run f.lua
check "a plain start the text holds everywhere is counted" grep -q "^lua/f.lua:2: error: string.find: pattern '以下(.-)完'" "$PP_TMP/err"
# 7. a lambda that counts its calls gives the same bytes for every page,
# run and --jobs: each call starts from the state the hook left.
for i in 1 2 3 4 5 6 7 8; do
	printf -- '---\ntitle: 第%s页\n---\n正文。\n' "$i" >"$site/content/p$i.md"
done
mkdir -p "$site/layouts"
printf '<p>{{#site.count}}x{{/site.count}}</p>\n' >"$site/layouts/page.html"
cat >"$site/lua/l.lua" <<'LUA'
local n = 0
function on_site(site)
  site.count = planpress.lambda(function(text)
    n = n + 1
    calls = (calls or 0) + 1
    return text .. n .. "/" .. calls
  end)
end
LUA
run l.lua
check "counting lambda builds" test $rc -eq 0
check "counting lambda: every page sees the first call" grep -q '<p>x1/1</p>' "$site/public/p8/index.html"
cp -r "$site/public" "$PP_TMP/j1"
printf 'title = "沙箱"\n[lua]\nhooks = ["lua/l.lua"]\n' >"$site/site.toml"
rm -rf "$site/public"
timeout 30 "$PP_BIN" -C "$site" build -q --jobs 2 >"$PP_TMP/out" 2>"$PP_TMP/err"
check "counting lambda: --jobs 2 gives the same bytes" diff -r "$PP_TMP/j1" "$site/public"
# 3. the time limit per call: what the instruction budget cannot count
# (here a budget set out of reach) is stopped by the clock, named and located.
cat >"$site/lua/w.lua" <<'LUA'
function on_site(site)
  local n = 0
  while true do n = n + 1 end
end
LUA
printf 'title = "沙箱"\n[lua]\nhooks = ["lua/w.lua"]\nbudget = 1000000000000000\ntime_limit = 1\n' >"$site/site.toml"
rm -rf "$site/public"
sh -c "$lim exec timeout 30 \"\$0\" -C \"\$1\" build -q" "$PP_BIN" "$site" >"$PP_TMP/out" 2>"$PP_TMP/err"
rc=$?
check "time limit: endless loop under a huge budget exits 1" test $rc -eq 1
check "time limit: clear error at the loop's line" grep -q '^lua/w.lua:3: error: hook ran longer than 1 s (the time limit)' "$PP_TMP/err"
check "time limit: nothing written" test ! -e "$site/public"
printf 'title = "沙箱"\n[lua]\ntime_limit = 0\n' >"$site/site.toml"
"$PP_BIN" -C "$site" check -q >"$PP_TMP/out" 2>"$PP_TMP/err"
check "time_limit = 0 is refused" grep -q 'site.toml:3:.*time_limit must be 1..3600 seconds' "$PP_TMP/err"
# The pattern guard counts the runs an item can match: numbers in a long
# text pass, the same pattern over one long run of digits does not.
cat >"$site/lua/q.lua" <<'LUA'
function on_site(site)
  local text = ("覆盖率达到90%以上，"):rep(3000)
  site.n = select(2, text:gsub("(%d+%.?%d*)%%", "%1"))
  site.m = string.find(("1"):rep(3000), "(%d+%.?%d*)%%")
end
LUA
run q.lua
check "pattern guard: long run of digits refused" grep -q "^lua/q.lua:4: error: string.find: pattern" "$PP_TMP/err"
sed -i '/site.m =/d' "$site/lua/q.lua"
run q.lua
check "pattern guard: numbers in a long Chinese text pass" test $rc -eq 0
pp_done sandbox
