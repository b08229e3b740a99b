#!/bin/sh
# tests/determinism.sh PLANPRESS: the same input gives byte-identical output
# whatever the time zone, locale, clock, thread count or file order.
# PP_JOBS=N makes the second and third builds use --jobs N (tests/tsan.sh).
. tests/lib.sh
site=$PP_ROOT
[ -f "$site/content/_index.md" ] || site=$PP_ROOT/tests/golden/basic

# Two copies of the site (so nothing else of the working tree, such as a
# publish repository that make site made, takes part): one made in order,
# one whose files are created in reverse order, with other mtimes.
fwd=$PP_TMP/fwd
mkdir -p "$fwd"
cp -R "$site/site.toml" "$site/content" "$fwd/"
[ -d "$site/lua" ] && cp -R "$site/lua" "$fwd/"
copy=$PP_TMP/copy
mkdir -p "$copy"
cp "$site/site.toml" "$copy/"
[ -d "$site/lua" ] && cp -R "$site/lua" "$copy/"
(cd "$site" && find content -type d | sort -r) | while read -r d; do mkdir -p "$copy/$d"; done
(cd "$site" && find content -type f | sort -r) | while read -r f; do cp "$site/$f" "$copy/$f"; touch -d '2001-02-03 04:05' "$copy/$f"; done

TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1 "$PP_BIN" -C "$fwd" build --jobs 1 -q --out "$PP_TMP/a" >/dev/null 2>"$PP_TMP/err"
check "first build" test -s "$PP_TMP/a/index.html"
TZ=Asia/Shanghai LC_ALL=zh_CN.UTF-8 LANG=zh_CN.UTF-8 SOURCE_DATE_EPOCH=2000000000 \
	"$PP_BIN" -C "$copy" build --jobs "${PP_JOBS:-7}" -q --out "$PP_TMP/b" >/dev/null 2>>"$PP_TMP/err"
check "second build" test -s "$PP_TMP/b/index.html"
TZ=America/New_York LC_ALL=C.UTF-8 "$PP_BIN" -C "$fwd" build --jobs "${PP_JOBS:-2}" -q --out "$PP_TMP/c" >/dev/null 2>>"$PP_TMP/err"
if diff -r "$PP_TMP/a" "$PP_TMP/b" >"$PP_TMP/diff" && diff -r "$PP_TMP/a" "$PP_TMP/c" >>"$PP_TMP/diff"; then
	ok
else
	not_ok "outputs differ between builds"
	head -n 40 "$PP_TMP/diff" >&2
	cat "$PP_TMP/err" >&2
fi
# Incremental or clean: after a change, a rebuild into the same folder (the
# caches of .planpress/ in use, more threads) equals a clean build of the
# changed site (--force: no cache) with one thread. Without a lua/ of the
# site's own, whose hooks would make every page render.
rm -rf "$fwd/lua"
TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1 "$PP_BIN" -C "$fwd" build --jobs 1 -q --out "$PP_TMP/a" >/dev/null 2>&1
sleep 1.1
f=$(cd "$fwd" && find content -name '*.md' | sort | sed -n 3p)
printf '\n补充的一段正文。\n' >>"$fwd/$f"
sleep 1.1
TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1 "$PP_BIN" -C "$fwd" build --jobs "${PP_JOBS:-7}" --timings --out "$PP_TMP/a" \
	>/dev/null 2>"$PP_TMP/err"
check "incremental build: pages reused from the render cache" \
	grep -q '^planpress: rendered [0-9]* of [0-9]* files; [1-9][0-9]* reused from the render cache$' "$PP_TMP/err"
TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1 "$PP_BIN" -C "$fwd" build --jobs 1 --force -q --out "$PP_TMP/d" >/dev/null 2>&1
if diff -r "$PP_TMP/a" "$PP_TMP/d" >"$PP_TMP/diff"; then
	ok
else
	not_ok "incremental and clean builds differ"
	head -n 40 "$PP_TMP/diff" >&2
fi
# Without a .planpress/ folder to hold them (a file of that name), the
# pages' HTML waits in memory, not in a temporary file there: the same site.
rm -rf "$fwd/.planpress"
echo "not a folder" >"$fwd/.planpress"
TZ=UTC LC_ALL=C SOURCE_DATE_EPOCH=1 "$PP_BIN" -C "$fwd" build --jobs 2 -q --out "$PP_TMP/e" >/dev/null 2>&1
check "without .planpress/: the build succeeds" test -s "$PP_TMP/e/index.html"
check "without .planpress/: the same site" diff -r "$PP_TMP/d" "$PP_TMP/e"
pp_done determinism
