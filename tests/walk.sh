#!/bin/sh
# tests/walk.sh PLANPRESS: the walks of content/, static/, themes and layouts
# (issue 9: #11 links out of the site, #12 loops, #17 non-UTF-8 names, #10
# control characters): each hostile site fails fast with a located error and
# writes nothing; skipped files are reported. Every run is bounded in time and memory.
. tests/lib.sh
# Memory bound: ulimit -v except under ASan (it reserves terabytes).
case "$PP_BIN" in */san/*) lim= ;; *) lim='ulimit -v 1000000;' ;; esac
outside=$PP_TMP/elsewhere
mkdir -p "$outside/secret"
echo 'private' >"$outside/secret/key.txt"
echo 'private' >"$outside/key.txt"

# new_site NAME: a fresh minimal site in $site.
new_site() {
	site=$PP_TMP/$1
	rm -rf "$site"
	mkdir -p "$site/content"
	printf 'title = "走查"\n' >"$site/site.toml"
	printf -- '---\ntitle: 首页\n---\n正文。\n' >"$site/content/_index.md"
}
# build: builds $site (bounded); exit status in $rc, messages in $PP_TMP/err.
build() {
	(eval "$lim" cd "$site" && timeout 20 "$PP_BIN" build -q) >"$PP_TMP/out" 2>"$PP_TMP/err"
	rc=$?
}
# refused DESC LINE: the build exits 1, prints LINE, and writes nothing.
refused() {
	build
	if [ "$rc" = 1 ]; then ok; else not_ok "$1: exit $rc, want 1"; cat "$PP_TMP/err" >&2; fi
	if grep -F -q -- "$2" "$PP_TMP/err"; then ok; else not_ok "$1: stderr lacks: $2"; sed 's/^/    /' "$PP_TMP/err" >&2; fi
	if [ -e "$site/public" ]; then not_ok "$1: wrote public/"; else ok; fi
}

# 11. Links leaving the site, in static/, the site's theme and layouts/.
new_site static-out
mkdir -p "$site/static"
ln -s "$outside/secret" "$site/static/evil"
refused "static folder link outside" "static/evil: error: symbolic link points outside the site (to $outside/secret)"
new_site static-file-out
mkdir -p "$site/static/img"
ln -s "$outside/key.txt" "$site/static/img/key.txt"
refused "static file link outside" "static/img/key.txt: error: symbolic link points outside the site (to $outside/key.txt)"
new_site static-top-out
ln -s "$outside/secret" "$site/static"
refused "static/ itself a link outside" "static: error: symbolic link points outside the site (to $outside/secret)"

new_site theme-out
printf 'title = "走查"\ntheme = "mine"\n' >"$site/site.toml"
mkdir -p "$site/themes"
cp -R "$PP_ROOT/themes/default" "$site/themes/mine"
ln -s "$outside/key.txt" "$site/themes/mine/static/leak.txt"
refused "theme static link outside" "themes/mine/static/leak.txt: error: symbolic link points outside the site (to $outside/key.txt)"
rm "$site/themes/mine/static/leak.txt"
name=$(ls "$site/themes/mine/partials" | head -1)
mv "$site/themes/mine/partials/$name" "$outside/$name"
ln -s "$outside/$name" "$site/themes/mine/partials/$name"
refused "theme partial link outside" "themes/mine/partials/$name: error: symbolic link points outside the site"
rm -rf "$site/themes/mine"
cp -R "$PP_ROOT/themes/default" "$outside/mine"
ln -s "$outside/mine" "$site/themes/mine"
refused "site theme folder a link outside" "themes/mine: error: symbolic link points outside the site (to $outside/mine)"
# Inside the site a theme may link to the site's files.
rm "$site/themes/mine"
cp -R "$PP_ROOT/themes/default" "$site/themes/mine"
mkdir -p "$site/assets"
echo 'shared' >"$site/assets/shared.txt"
ln -s ../../../assets/shared.txt "$site/themes/mine/static/shared.txt"
build
check "theme link inside the site accepted" test "$rc" = 0
check "theme link inside the site copied" test -s "$site/public/shared.txt"

new_site layout-out
mkdir -p "$site/layouts"
tpl=$(ls "$PP_ROOT/themes/default/templates" | head -1)
cp "$PP_ROOT/themes/default/templates/$tpl" "$outside/$tpl"
ln -s "$outside/$tpl" "$site/layouts/$tpl"
refused "layout link outside" "layouts/$tpl: error: symbolic link points outside the site (to $outside/$tpl)"

# An installed theme (found through PLANPRESS_DATADIR) keeps its links inside its own folder.
data=$PP_TMP/data
mkdir -p "$data/themes"
cp -R "$PP_ROOT/themes/default" "$data/themes/inst"
ln -s "$outside/key.txt" "$data/themes/inst/static/leak.txt"
new_site datadir-theme
printf 'title = "走查"\ntheme = "inst"\n' >"$site/site.toml"
(PLANPRESS_DATADIR=$data; export PLANPRESS_DATADIR; build; echo "$rc" >"$PP_TMP/rc")
rc=$(cat "$PP_TMP/rc")
check "installed theme link outside its folder refused" test "$rc" = 1
check "installed theme link named" grep -F -q "themes/inst/static/leak.txt: error: symbolic link points outside the theme (to $outside/key.txt)" "$PP_TMP/err"
rm "$data/themes/inst/static/leak.txt"
(PLANPRESS_DATADIR=$data; export PLANPRESS_DATADIR; build; echo "$rc" >"$PP_TMP/rc")
check "installed theme without the link builds" test "$(cat "$PP_TMP/rc")" = 0

# 12. Loops: two links to "." in content/ and in static/ fail fast.
new_site content-loop
ln -s . "$site/content/a"
ln -s . "$site/content/b"
refused "content loop" "content/a: error: symbolic link loop: this folder is content, which contains it"
check "content loop: second link named" grep -F -q "content/b: error: symbolic link loop" "$PP_TMP/err"
new_site static-loop
mkdir -p "$site/static/x"
ln -s .. "$site/static/x/a"
ln -s .. "$site/static/x/b"
refused "static loop" "static/x/a: error: symbolic link loop: this folder is static, which contains it"
# Two links to one sibling folder, no loop: refused too (it would be published twice).
new_site twice
mkdir -p "$site/content/real"
printf -- '---\ntitle: 页\n---\n' >"$site/content/real/p.md"
ln -s real "$site/content/alias"
refused "folder reached twice" "content/real: error: the same folder is reached twice (it is also content/alias)"
# A chain of folders each linking twice to the next: linear, not 2^N.
new_site diamond
d=$site/static
mkdir -p "$d"
for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	mkdir -p "$d/n$i"
	ln -s "n$i" "$d/l$i"
	d=$d/n$i
done
refused "links to one folder" "error: the same folder is reached twice"
# Depth: more than WALK_MAX_DEPTH (32) real folders.
new_site deep
p=$site/content
for i in $(seq 1 34); do p=$p/d; done
mkdir -p "$p"
printf -- '---\ntitle: 深\n---\n' >"$p/x.md"
refused "content too deep" "error: folders nested deeper than 32 levels"

# 17. Names that are not UTF-8, in content/, static/ and a theme.
new_site bad-name
printf -- '---\ntitle: x\n---\n' >"$site/content/$(printf 'a\377b').md"
refused "non-UTF-8 content name" 'content/a\xFFb.md: error: the file name is not UTF-8 (invalid byte 0xFF); rename it'
new_site bad-static-name
mkdir -p "$site/static/$(printf 'gb\262\342')"
echo x >"$site/static/$(printf 'gb\262\342')/f.txt"
refused "non-UTF-8 static folder name" 'static/gb\xB2\xE2: error: the file name is not UTF-8 (invalid byte 0xB2); rename it'
new_site bad-theme-name
printf 'title = "走查"\ntheme = "mine"\n' >"$site/site.toml"
mkdir -p "$site/themes"
cp -R "$PP_ROOT/themes/default" "$site/themes/mine"
echo x >"$site/themes/mine/static/$(printf '\351').css"
refused "non-UTF-8 theme name" 'themes/mine/static/\xE9.css: error: the file name is not UTF-8 (invalid byte 0xE9); rename it'

# 10. Control characters and URL-breaking characters in names; skipped files reported.
new_site newline
printf -- '---\ntitle: x\n---\n' >"$site/content/foo
CNAME.md"
refused "newline in a name" 'content/foo\x0ACNAME.md: error: the file name holds a control character (U+000A); rename it'
new_site backslash
echo x >"$site/content/a\\b.txt"
refused "backslash in a name" "content/a\\x5Cb.txt: error: the file name holds '\\', which a URL cannot hold as it is"
new_site hash
echo x >"$site/content/c#.txt"
refused "hash in a name" "content/c#.txt: error: the file name holds '#', which a URL cannot hold as it is"
new_site slug
printf -- '---\ntitle: x\nslug: "a\\\\b"\n---\n' >"$site/content/p.md"
refused "backslash in a slug" "content/p.md:3:7: error: 'slug' must be a non-empty name"

new_site theme-name
printf 'title = "走查"\ntheme = "../../elsewhere"\n' >"$site/site.toml"
refused "theme name with '/'" "site.toml: error: theme must be the name of a folder in themes/ (without '/'), got '../../elsewhere'"
new_site layout-extra
mkdir -p "$site/layouts/old" "$site/layouts/partials"
echo x >"$site/layouts/README"
build
check "layouts: stray folder and file build" test "$rc" = 0
check "layouts: stray folder reported" grep -F -q "layouts/old: warning: templates are not looked for in sub-folders; skipped" "$PP_TMP/err"
check "layouts: partials/ not reported" test "$(grep -c 'layouts/partials' "$PP_TMP/err")" = 0
check "layouts: file without extension reported" grep -F -q "layouts/README: warning: no extension, so not a template or partial; skipped" "$PP_TMP/err"

new_site skipped
mkdir -p "$site/static"
echo x >"$site/content/.hidden.md"
echo x >"$site/content/notes.md~"
echo x >"$site/static/.DS_Store"
build
check "skipped files: build succeeds" test "$rc" = 0
check "skipped content files reported" grep -F -q "content: note: skipped 2 hidden or backup files (not published): content/.hidden.md, content/notes.md~" "$PP_TMP/err"
check "skipped static files reported" grep -F -q "static: note: skipped 1 hidden or backup file (not published): static/.DS_Store" "$PP_TMP/err"
check "skipped file not published" test ! -e "$site/public/.DS_Store"
new_site clean
build
check "a clean site prints nothing" test "$rc" = 0 -a ! -s "$PP_TMP/err"
pp_done walk
