#!/bin/sh
# tests/hooks.sh PLANPRESS: Lua hooks end to end: on_page fields and on_site
# data reach templates, a hook's lambda formats text in a template, a failing
# hook fails the build with file:line, and check reports an override that
# overrides nothing.
. tests/lib.sh
site=$PP_TMP/site
mkdir -p "$site/content" "$site/lua" "$site/layouts"
cat >"$site/site.toml" <<'TOML'
title = "钩子"
[lua]
hooks = ["lua/extra.lua"]
TOML
printf -- '---\ntitle: 首页\n---\n正文。\n' >"$site/content/_index.md"
printf -- '---\ntitle: 关于本站\n---\n关于。\n' >"$site/content/about.md"
cat >"$site/lua/extra.lua" <<'LUA'
function on_page(page)
  page.chars = utf8.len(page.title)
end
function on_site(site)
  site.motto = "为民服务"
  site.shout = planpress.lambda(function(text) return "【" .. text .. "】" end)
end
LUA
cat >"$site/layouts/page.html" <<'HTML'
<h1>{{page.title}}</h1>
<p class="chars">{{page.chars}}</p>
<p class="motto">{{site.motto}}</p>
<p class="lambda">{{#site.shout}}{{page.title}}{{/site.shout}}</p>
HTML
"$PP_BIN" -C "$site" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"
check "build with hooks exits 0" test $? -eq 0
[ -s "$PP_TMP/err" ] && cat "$PP_TMP/err" >&2
page=$site/public/about/index.html
check "on_page field reaches page.*" grep -q '<p class="chars">4</p>' "$page"
check "on_site field reaches site.*" grep -q '<p class="motto">为民服务</p>' "$page"
check "a Lua lambda formats a template section" grep -q '<p class="lambda">【关于本站】</p>' "$page"

# A failing hook: file:line, non-zero exit, nothing written.
rm -rf "$site/public"
cat >"$site/lua/extra.lua" <<'LUA'
function on_site(site)
  local x = nil
  return x.field
end
LUA
"$PP_BIN" -C "$site" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"
check "failing hook exits 1" test $? -eq 1
check "failing hook names file:line" grep -q '^lua/extra.lua:3: error:' "$PP_TMP/err"
check "failing hook writes nothing" test ! -e "$site/public"

# A runaway hook is stopped by the budget.
printf 'function on_site(site)\n  while true do end\nend\n' >"$site/lua/extra.lua"
printf '\nbudget = 100000\n' >>"$site/site.toml"
"$PP_BIN" -C "$site" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"
check "runaway hook exits 1" test $? -eq 1
check "runaway hook: budget message with file:line" grep -q '^lua/extra.lua:2: error: hook used more than 100000 instructions' "$PP_TMP/err"

# An override that matches no template of the theme is reported by check.
printf 'function on_site(site) end\n' >"$site/lua/extra.lua"
printf '<p>x</p>\n' >"$site/layouts/pgae.html"
"$PP_BIN" -C "$site" check >"$PP_TMP/out" 2>"$PP_TMP/err"
check "check with a stray override exits 0" test $? -eq 0
check "check reports the stray override" grep -q '^layouts/pgae.html: warning: overrides no template or partial of the theme' "$PP_TMP/err"
pp_done hooks
