#!/bin/sh
# tests/scale_keys.sh PLANPRESS: one mapping with 50,000 keys, in site.toml and
# in YAML front matter (issue 9.22), builds; key lookup used to be quadratic
# (32 s for site.toml, 12 s for YAML), now it is a hash index. Bounded by
# timeout, asserting a clean build and that the last key is kept.
. tests/lib.sh
site=$PP_TMP/site
mkdir -p "$site/content" "$site/layouts"
{
	printf 'title = "键"\n[params]\n'
	awk 'BEGIN { for (i = 1; i <= 50000; i++) printf "k%d = %d\n", i, i }'
} >"$site/site.toml"
{
	printf -- '---\ntitle: 首页\nextra:\n'
	awk 'BEGIN { for (i = 1; i <= 50000; i++) printf "  k%d: %d\n", i, i }'
	printf -- '---\n正文。\n'
} >"$site/content/_index.md"
printf '<p>{{site.params.k50000}}/{{page.params.extra.k49999}}</p>\n' >"$site/layouts/home.html"
timeout 20 "$PP_BIN" -C "$site" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"
check "50,000 keys: build exits 0" test $? -eq 0
check "50,000 keys: the last keys are found" grep -q '<p>50000/49999</p>' "$site/public/index.html"
# A duplicate key among them is still found and located.
printf 'k17 = 1\n' >>"$site/site.toml"
timeout 20 "$PP_BIN" -C "$site" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"
check "duplicate among 50,000 keys: exits 1" test $? -eq 1
check "duplicate among 50,000 keys: located" grep -q '^site.toml:50003:1: error:' "$PP_TMP/err"
pp_done scale_keys
