#!/bin/sh
# tests/search_stable.sh PLANPRESS: a new bulletin renumbers no page of the
# search index before it: the text files of the plans', tasks' and units'
# pages stay byte for byte as they were (a publication's new files are the
# few its change touches, not the whole index), and the index built after
# the change is the one a clean build makes.
. tests/lib.sh

site=$PP_TMP/site
out=$PP_TMP/public
mkdir -p "$site"
cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$site/"
build() { "$PP_BIN" -C "$site" build --out "$1" -q >"$PP_TMP/build.log" 2>&1 || cat "$PP_TMP/build.log" >&2; }
build "$out"
check "the example site builds" test -f "$out/search/meta.js"
cp -R "$out/search" "$PP_TMP/before"
texts=$(ls "$out/search/t" | wc -l)

# Two bulletins: one sorted after every other, one before the last.
for name in 2020-01-15 2019-12-31-bu; do
	printf -- '---\ndate: 2019-12-31\ntitle: 年度补充通报\nunit: 街道党建工作办公室\n---\n\n全体网格员年度培训已经完成。\n' \
		>"$site/content/bulletins/$name.md"
	build "$out"
	changed=$(diff -rq "$PP_TMP/before/t" "$out/search/t" | wc -l)
	# The bulletins' texts are the last of the index: its last files alone
	# change (a bulletin before the tasks in the site's order changed all).
	check "$name: the text files before the bulletins' stay ($changed of $texts changed)" test "$changed" -le 3
	check "$name: the first text file stays" cmp -s "$PP_TMP/before/t/0.js" "$out/search/t/0.js"
	rm -rf "$PP_TMP/clean"
	build "$PP_TMP/clean"
	check "$name: the index is a clean build's" diff -r "$PP_TMP/clean/search" "$out/search"
	cp -R "$out/search/." "$PP_TMP/before/"
done
# The new bulletin is found, and named last in the names file.
check "the new bulletin is in the names file" grep -q '年度补充通报' "$out/search/n.js"
pp_done search_stable
