#!/bin/sh
# tests/publish_pack.sh PLANPRESS: a publication of many new files goes into the
# repository as one pack (generator/gitpack.c) and what git reads back is what
# was built: git fsck passes, a clone holds the same bytes, the trees are those
# git add -A makes, the same site gives the same commit ids, and a small
# change afterwards adds loose objects only, and a big one a pack of its own.
. tests/lib.sh
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_DIR
export GIT_CONFIG_NOSYSTEM=1 HOME=$PP_TMP GIT_AUTHOR_NAME=t GIT_AUTHOR_EMAIL=t@example.org \
	GIT_COMMITTER_NAME=t GIT_COMMITTER_EMAIL=t@example.org
G() { git -c safe.directory='*' "$@"; }

# make_site DIR REPO: 90 pages (past PACK_MIN_OBJECTS), two files with the
# same text (one blob), and a file past PACK_MIN_BYTES (compressed in pieces).
make_site() {
	mkdir -p "$1/content/notes" "$1/content/files"
	printf 'title = "打包"\nas_of = 2019-06-30\n[publish]\nrepo = "%s"\nauthor_name = "张三"\nauthor_email = "zs@example.org"\n' \
		"$2" >"$1/site.toml"
	printf -- '---\ntitle: 首页\n---\n正文。\n' >"$1/content/_index.md"
	i=1
	while [ $i -le 90 ]; do
		printf -- '---\ntitle: 第%d篇\n---\n第%d篇的正文，进展顺利。\n' $i $i >"$1/content/notes/n$i.md"
		i=$((i + 1))
	done
	printf 'same\n' >"$1/content/files/a.txt"
	printf 'same\n' >"$1/content/files/b.txt"
	yes '行动计划 2019' | head -c 4500000 >"$1/content/files/big.txt"
}

# git_tree DIR: the tree id git add -A gives for the files of DIR (its manifest aside).
git_tree() {
	rm -rf "$PP_TMP/g" && cp -R "$1" "$PP_TMP/g" && rm -f "$PP_TMP/g/.planpress-manifest" &&
		G -C "$PP_TMP/g" init -q && G -C "$PP_TMP/g" add -A && G -C "$PP_TMP/g" write-tree
}

site=$PP_TMP/site repo=$PP_TMP/pub.git
make_site "$site" "$repo"
"$PP_BIN" -C "$site" publish -q >"$PP_TMP/out" 2>&1; rc=$?
check "first publish exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/out" >&2
check "its objects are in one pack" test "$(ls "$repo/objects/pack" | grep -c '^pack-.*\.pack$')" -eq 1
check "with its index" test "$(ls "$repo/objects/pack" | grep -c '^pack-.*\.idx$')" -eq 1
check "no temp file left in the pack folder" test -z "$(ls "$repo/objects/pack" | grep tmp_)"
big=$(G -C "$repo" rev-parse main:files/big.txt)
check "the big file is in the pack" test -n "$big" -a ! -f "$repo/objects/$(echo "$big" | sed 's|^..|&/|')"
check "whole" cmp "$site/public/files/big.txt" "$(G -C "$repo" cat-file blob "$big" >"$PP_TMP/big"; echo "$PP_TMP/big")"
check "git fsck --full --strict passes" G -C "$repo" fsck --full --strict
check "git verify-pack passes" G -C "$repo" verify-pack "$repo"/objects/pack/pack-*.idx
G clone -q "$repo" "$PP_TMP/clone" 2>/dev/null
check "a clone holds every file, byte for byte" diff -r -x .git -x .planpress-manifest "$PP_TMP/clone" "$site/public"
check "the tree is the one git add -A makes" test "$(G -C "$repo" rev-parse main^{tree})" = "$(git_tree "$site/public")"
check "public/ files are links to the build folder" test "$(stat -c %h "$site/public/index.html")" -ge 2

# The same site published into another repository: the same commit and pack.
site2=$PP_TMP/site2 repo2=$PP_TMP/pub2.git
make_site "$site2" "$repo2"
"$PP_BIN" -C "$site2" publish -q >/dev/null 2>&1
check "the same site gives the same commit id" test "$(G -C "$repo" rev-parse main)" = "$(G -C "$repo2" rev-parse main)"
check "and the same pack" test "$(ls "$repo/objects/pack")" = "$(ls "$repo2/objects/pack")"

# Nothing changed: nothing written. One page changed: a few loose objects.
"$PP_BIN" -C "$site" publish -q >/dev/null 2>&1
check "an unchanged site adds no pack" test "$(ls "$repo/objects/pack" | grep -c '\.pack$')" -eq 1
printf -- '---\ntitle: 第7篇\n---\n第7篇的正文，已经完成。\n' >"$site/content/notes/n7.md"
loose0=$(find "$repo/objects" -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l)
"$PP_BIN" -C "$site" publish -q >"$PP_TMP/out" 2>&1; rc=$?
check "a one-page publish exits 0" test $rc -eq 0
check "and adds no pack" test "$(ls "$repo/objects/pack" | grep -c '\.pack$')" -eq 1
check "but a few loose objects" test "$(find "$repo/objects" -path '*/objects/[0-9a-f][0-9a-f]/*' -type f | wc -l)" -gt "$loose0"
check "its tree is the one git add -A makes" test "$(G -C "$repo" rev-parse main^{tree})" = "$(git_tree "$site/public")"
check "it has the first commit as parent" test "$(G -C "$repo" rev-parse main~1)" = "$(G -C "$repo2" rev-parse main)"
check "git fsck passes after it" G -C "$repo" fsck --full --strict
rm -rf "$PP_TMP/clone"
G clone -q "$repo" "$PP_TMP/clone" 2>/dev/null
check "a clone of it holds every file, byte for byte" diff -r -x .git -x .planpress-manifest "$PP_TMP/clone" "$site/public"

# Only the big file changed: a pack of its own, all else left where it is.
printf '最后一行\n' >>"$site/content/files/big.txt"
"$PP_BIN" -C "$site" publish -q >"$PP_TMP/out" 2>&1; rc=$?
check "a publish of one big change exits 0" test $rc -eq 0
check "and adds a pack" test "$(ls "$repo/objects/pack" | grep -c '\.pack$')" -eq 2
check "git fsck passes after it" G -C "$repo" fsck --full --strict
check "its tree is the one git add -A makes" test "$(G -C "$repo" rev-parse main^{tree})" = "$(git_tree "$site/public")"
G -C "$repo" cat-file blob main:files/big.txt >"$PP_TMP/big"
check "the big file reads back whole" cmp "$site/public/files/big.txt" "$PP_TMP/big"
pp_done publish_pack
