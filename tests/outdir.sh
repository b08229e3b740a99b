#!/bin/sh
# tests/outdir.sh PLANPRESS: the output folder (issue 9): the manifest never
# removes a file planpress did not write, clashes of output paths are found
# before writing, paths that change kind, temp files of dead or interrupted
# runs, write errors that say what was left, large static files streamed.
. tests/lib.sh
site=$PP_TMP/site
out=$site/public
mkdir -p "$site/content"
printf 'title = "测试"\n' >"$site/site.toml"
printf -- '---\ntitle: 首页\n---\n正文。\n' >"$site/content/_index.md"
pp() { timeout 20 "$PP_BIN" -C "$site" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }
show() { sed 's/^/    /' "$PP_TMP/err" >&2; }

# 10. A newline in a name never makes the next build remove a foreign file.
mkdir -p "$out"
echo example.org >"$out/CNAME"
printf 'x\n' >"$site/content/foo
CNAME"
pp build
pp build
rm -f "$site/content/foo
CNAME"
pp build; rc=$?
check "build after removing the newline name exits 0" test $rc -eq 0
[ $rc -eq 0 ] || show
check "the user's CNAME is still there" test "$(cat "$out/CNAME")" = example.org
check "the newline-named file is gone" test ! -e "$out/foo
CNAME"
check "manifest has a version header" test "$(head -n 1 "$out/.planpress-manifest")" = "planpress-manifest 2"
# An older, newline separated manifest counts as none: nothing it lists goes.
printf 'CNAME\nindex.html\n' >"$out/.planpress-manifest"
pp build
check "an old manifest removes nothing" test -f "$out/CNAME"
# A listed entry that is a symbolic link (or a folder) is never followed or removed.
echo keep >"$PP_TMP/target"
ln -s "$PP_TMP/target" "$out/link"
mkdir -p "$out/adir"
printf 'planpress-manifest 2\nlink\000adir\000index.html\000' >"$out/.planpress-manifest"
pp build; rc=$?
check "build with a symlink in the manifest exits 0" test $rc -eq 0
check "the symlink stays" test -L "$out/link"
check "its target stays" test "$(cat "$PP_TMP/target")" = keep
check "a listed folder stays" test -d "$out/adir"
# A damaged manifest (a record with ..) is ignored as a whole.
printf 'planpress-manifest 2\n../target\000CNAME\000' >"$out/.planpress-manifest"
pp build
check "a manifest with .. removes nothing" test -f "$out/CNAME" -a -f "$PP_TMP/target"
rm -f "$out/link"; rmdir "$out/adir"

# 13. A page whose slug is a generated file: refused before writing.
fresh=$PP_TMP/fresh
mkdir -p "$fresh/content"
cp "$site/site.toml" "$fresh/"
cp "$site/content/_index.md" "$fresh/content/"
printf -- '---\ntitle: 订阅\nslug: feed.xml\n---\n正文。\n' >"$fresh/content/x.md"
timeout 20 "$PP_BIN" -C "$fresh" build >"$PP_TMP/out" 2>"$PP_TMP/err"; rc=$?
check "slug feed.xml exits 1" test $rc -eq 1
check "slug feed.xml names the page" grep -q "content/x.md: error: output path 'feed.xml' is a file" "$PP_TMP/err"
check "slug feed.xml writes nothing" test ! -e "$fresh/public"
# A static file and a page of the same name (content/a and content/a.md).
rm "$fresh/content/x.md"
echo data >"$fresh/content/a"
printf -- '---\ntitle: 甲\n---\n正文。\n' >"$fresh/content/a.md"
timeout 20 "$PP_BIN" -C "$fresh" build >"$PP_TMP/out" 2>"$PP_TMP/err"; rc=$?
check "file a and page a/ exits 1" test $rc -eq 1
check "file a and page a/ named" grep -q "content/a.md: error: output path 'a' is a file (by .*content/a)" "$PP_TMP/err"
check "file a and page a/ writes nothing" test ! -e "$fresh/public"

# 14. A file that becomes a page, and back.
echo notes >"$site/content/notes"
pp build
rm "$site/content/notes"
printf -- '---\ntitle: 笔记\n---\n正文。\n' >"$site/content/notes.md"
pp build; rc=$?
check "file notes -> page notes.md exits 0" test $rc -eq 0
[ $rc -eq 0 ] || show
check "notes/index.html written" test -f "$out/notes/index.html"
pp build; check "and the next build too" test $? -eq 0
rm "$site/content/notes.md"
echo notes >"$site/content/notes"
pp build; rc=$?
check "page notes.md -> file notes exits 0" test $rc -eq 0
[ $rc -eq 0 ] || show
check "notes is a file again" test -f "$out/notes"
rm "$site/content/notes"

# 13. A write error after writing began says what was left; the next build repairs it.
pp build
printf -- '---\ntitle: 乙\n---\n正文。\n' >"$site/content/b.md"
pp build
printf -- '---\ntitle: 首页\n---\n新的正文。\n' >"$site/content/_index.md"
rm "$out/b/index.html"
mkdir -p "$out/b/index.html/x"
pp build --jobs 1; rc=$?
check "write error exits 2" test $rc -eq 2
check "write error says how much was written" grep -q "files written or already up to date" "$PP_TMP/err"
check "write error says run again" grep -q "partly updated: run the build again" "$PP_TMP/err"
check "write error does not say nothing was written" sh -c "! grep -q 'nothing was written' '$PP_TMP/err'"
rm -r "$out/b/index.html"
pp build; rc=$?
check "the next build repairs it" test $rc -eq 0 -a -f "$out/b/index.html"
check "the new home page is there" grep -q 新的正文 "$out/index.html"

# 15. Temp files of dead processes go; those of a live one stay. In the
# output folder itself always; in its folders after a build that stopped
# while writing (it leaves .planpress-writing behind).
dead=999999
while kill -0 "$dead" 2>/dev/null; do dead=$((dead + 1)); done
echo x >"$out/.index.html.tmp-$dead-3"
echo x >"$out/b/.index.html.tmp-$dead-0"
: >"$out/.planpress-writing"
echo x >"$out/.index.html.tmp-$$-7"
echo x >"$out/.notes.tmp-x"
pp build
check "stale temp file removed" test ! -e "$out/.index.html.tmp-$dead-3"
check "stale temp file in a folder removed" test ! -e "$out/b/.index.html.tmp-$dead-0"
check "a live process's temp file kept" test -e "$out/.index.html.tmp-$$-7"
check "a name not of the pattern kept" test -e "$out/.notes.tmp-x"
check "the marker of the stopped build is gone" test ! -e "$out/.planpress-writing"
rm -f "$out/.index.html.tmp-$$-7" "$out/.notes.tmp-x"

# 18. A static file larger than the memory limit is copied by streaming.
# (No ulimit -v under ASan: it reserves terabytes; the copy is still checked.)
case "$PP_BIN" in */san/*) lim=: ;; *) lim='ulimit -v 150000' ;; esac
truncate -s 300M "$site/content/big.bin"
(eval "$lim"; timeout 20 "$PP_BIN" -C "$site" build --jobs 2 >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
check "300 MB static file under a 150 MB limit exits 0" test $rc -eq 0
[ $rc -eq 0 ] || show
check "and is copied whole" cmp -s "$site/content/big.bin" "$out/big.bin"
(eval "$lim"; timeout 20 "$PP_BIN" -C "$site" build --jobs 2 >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
check "and compared under the limit (unchanged)" test $rc -eq 0
rm -f "$out/big.bin"

# 15. SIGTERM in the write phase leaves no temp file. The large file keeps the
# build writing long enough to be caught; a few tries, each bounded.
truncate -s 4G "$site/content/big.bin"
caught=0
for try in 1 2 3; do
	rm -f "$out/big.bin"
	"$PP_BIN" -C "$site" build -q >"$PP_TMP/out" 2>"$PP_TMP/err" &
	pid=$!
	(sleep 20; kill -9 "$pid" 2>/dev/null) &
	dog=$!
	i=0
	while [ $i -lt 2000 ] && kill -0 "$pid" 2>/dev/null; do
		if [ -n "$(find "$out" -name '.big.bin.tmp-*' 2>/dev/null)" ]; then
			kill -TERM "$pid"
			caught=1
			break
		fi
		i=$((i + 1))
	done
	{ wait "$pid"; } 2>/dev/null; rc=$?
	kill "$dog" 2>/dev/null; wait "$dog" 2>/dev/null
	[ $caught -eq 1 ] && break
done
check "the build was caught writing" test $caught -eq 1
check "SIGTERM kills it with that signal" test $rc -eq 143
check "SIGTERM leaves no temp file" test -z "$(find "$out" -name '.*.tmp-*')"
find "$out" -name '.*.tmp-*' >&2
check "and leaves the marker that it stopped while writing" test -e "$out/.planpress-writing"
rm -f "$site/content/big.bin" "$out/big.bin"

pp_done outdir
