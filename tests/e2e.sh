#!/bin/sh
# tests/e2e.sh PLANPRESS: the command line end to end on the example site:
# exit statuses, incremental and atomic output, relative links that all
# resolve, nothing loaded from outside, check writes nothing, drafts.
. tests/lib.sh
site=$PP_TMP/site
mkdir -p "$site"
if [ -f "$PP_ROOT/content/_index.md" ]; then
	cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$site/"
else
	cp -R "$PP_ROOT/tests/golden/basic/content" "$PP_ROOT/tests/golden/basic/site.toml" "$site/"
fi
pp() { "$PP_BIN" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }

check "--version exits 0" "$PP_BIN" --version
check "--help exits 0" "$PP_BIN" --help
pp frobnicate; check "unknown command exits 2" test $? -eq 2
pp build --jobs 0; check "bad --jobs exits 2" test $? -eq 2
pp -C "$PP_TMP/nowhere" build; check "missing -C folder exits 2" test $? -eq 2
pp -C "$PP_TMP" build; check "no site.toml exits 2" test $? -eq 2

pp -C "$site" check; check "check exits 0 on the example site" test $? -eq 0
check "check writes nothing" test ! -e "$site/public"

pp -C "$site" build; rc=$?
check "build exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
out=$site/public
check "home page written" test -s "$out/index.html"
check "stylesheet copied" test -s "$out/css/style.css"
check "404 page written" test -s "$out/404.html"
check "manifest written" test -s "$out/.planpress-manifest"

# Nothing may load from outside the site: no absolute or protocol-relative src/href.
if grep -rhoE '(src|href)="(https?:)?//[^"]*"' "$out" --include='*.html' | grep -q .; then
	not_ok "a page links or loads from outside the site"
	grep -rnoE '(src|href)="(https?:)?//[^"]*"' "$out" --include='*.html' | head -5 >&2
else
	ok
fi

# Every relative link and resource resolves to a file in the output.
find "$out" -name '*.html' | sort | while read -r page; do
	dir=$(dirname "$page")
	grep -oE '(src|href)="[^"#?]*' "$page" | sed -E 's/^(src|href)="//' | while read -r url; do
		case "$url" in ''|*:*) continue ;; esac
		target=$dir/$(printf '%b' "$(printf '%s' "$url" | sed 's/%\([0-9A-Fa-f][0-9A-Fa-f]\)/\\x\1/g')")
		case "$target" in */) target=${target}index.html ;; esac
		[ -d "$target" ] && target=$target/index.html
		[ -e "$target" ] || echo "${page#$out/}: $url"
	done
done >"$PP_TMP/broken"
if [ -s "$PP_TMP/broken" ]; then not_ok "broken relative links:"; head -n 10 "$PP_TMP/broken" >&2; else ok; fi

# A second build rewrites nothing.
pp -C "$site" build
check "rebuild writes nothing" grep -q '(0 written' "$PP_TMP/out"
cp "$out/index.html" "$PP_TMP/index.before"
inode_before=$(ls -i "$out/css/style.css" | cut -d' ' -f1)
pp -C "$site" build
check "unchanged file keeps its inode" test "$(ls -i "$out/css/style.css" | cut -d' ' -f1)" = "$inode_before"

# A file of the user's in the output folder is left alone; a removed page's output goes.
echo keep >"$out/robots.txt"
printf -- '---\ntitle: 临时页面\n---\n临时。\n' >"$site/content/temp-page.md"
pp -C "$site" build
check "new page written" test -s "$out/temp-page/index.html"
rm "$site/content/temp-page.md"
pp -C "$site" build
check "removed page's output removed" test ! -e "$out/temp-page/index.html"
check "removed page's folder removed" test ! -e "$out/temp-page"
check "foreign file untouched" grep -q keep "$out/robots.txt"
check "no temp files left" test -z "$(find "$out" -name '.*tmp*')"

# Errors write nothing: a broken page leaves the last good output as it was.
printf -- '---\ntitle: [broken\n---\n' >"$site/content/broken.md"
pp -C "$site" build; rc=$?
check "broken page exits 1" test $rc -eq 1
check "broken build leaves output as it was" cmp -s "$PP_TMP/index.before" "$out/index.html"
check "error names file:line:col" grep -q '^content/broken.md:[0-9]*:[0-9]*: error:' "$PP_TMP/err"
rm "$site/content/broken.md"

# Drafts are left out unless --drafts.
printf -- '---\ntitle: 草稿\ndraft: true\n---\n草稿。\n' >"$site/content/draft-page.md"
pp -C "$site" build --out "$PP_TMP/nodraft"
check "draft skipped" test ! -e "$PP_TMP/nodraft/draft-page/index.html"
pp -C "$site" build --drafts --out "$PP_TMP/withdraft"
check "draft built with --drafts" test -s "$PP_TMP/withdraft/draft-page/index.html"
rm "$site/content/draft-page.md"

# --out is relative to where planpress was started... after -C, as git -C does.
pp -C "$site" build --out rel-out
check "--out relative to the site after -C" test -s "$site/rel-out/index.html"

# Installed: the program finds its theme and lua/progress.lua in ../share/planpress.
prefix=$PP_TMP/prefix
mkdir -p "$prefix/bin" "$prefix/share/planpress"
cp "$PP_BIN" "$prefix/bin/planpress"
cp -R "$PP_ROOT/themes" "$PP_ROOT/lua" "$prefix/share/planpress/"
other=$PP_TMP/other-site
mkdir -p "$other"
cp -R "$PP_ROOT/tests/golden/dashboard/content" "$PP_ROOT/tests/golden/dashboard/site.toml" "$other/"
env -u PLANPRESS_DATADIR "$prefix/bin/planpress" -C "$other" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"
check "installed program builds a site of its own" test $? -eq 0
check "installed theme used" test -s "$other/public/css/style.css"
check "installed progress.lua computed the plan" grep -q '"rag"' "$other/public/data/plans.json"

# --timings: the pipeline's stages in order, each with its peak memory, then
# what the render did. A second build renders every page again and writes none.
"$PP_BIN" -C "$other" build --force --timings >"$PP_TMP/out" 2>"$PP_TMP/err"
stages=$(sed -n 's/^planpress: \([a-z_ ]*[a-z]\) *[0-9.]* ms *[0-9]* MiB peak$/\1/p' "$PP_TMP/err" | tr '\n' ',')
check "--timings lists the stages in order" test "$stages" = "load,markdown,model,on_page,on_site,templates,extra pages,write,"
check "--timings says what the render did" \
	grep -q '^planpress: rendered [0-9]* files (every page: no render cache with Lua hooks or --force): 0 differ from the output folder and are written, [0-9]* are the same$' "$PP_TMP/err"
# Without --force, after one page changed (twice: the first build fills the
# render cache): the render cache says what it reused, and why each other
# file was rendered.
for text in 一段新的正文。 又一段新的正文。; do
	sleep 1.1
	printf '\n%s\n' "$text" >>"$other/content/_index.md"
	"$PP_BIN" -C "$other" build --timings >"$PP_TMP/out" 2>"$PP_TMP/err"
done
check "--timings: how many files the render cache gave" \
	grep -q '^planpress: rendered [1-9][0-9]* of [0-9]* files; [1-9][0-9]* reused from the render cache$' "$PP_TMP/err"
check "--timings: why a file was rendered" \
	grep -q '^planpress: *[1-9][0-9]* their own data changed (page, task, text, links)$' "$PP_TMP/err"
"$PP_BIN" -C "$other" check --timings >"$PP_TMP/out" 2>"$PP_TMP/err"
check "check --timings times the stages" grep -q '^planpress: templates .* MiB peak$' "$PP_TMP/err"

pp_done e2e
