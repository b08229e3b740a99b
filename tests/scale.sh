#!/bin/sh
# tests/scale.sh PLANPRESS: a site of 2,000 tasks published twice, then logged and diffed,
# each bounded by timeout 60 (issue 9.19): success and the right answers, never a timing.
. tests/lib.sh
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_DIR
export GIT_CONFIG_NOSYSTEM=1 HOME=$PP_TMP
G() { git -c safe.directory='*' "$@"; }
# Bounded in time and memory; the limit is far above what the site needs.
# Memory bound: ulimit -v except under ASan (it reserves terabytes).
case "$PP_BIN" in */san/*) lim= ;; *) lim='ulimit -v 4000000;' ;; esac
pp() { (eval "$lim"; timeout 60 "$PP_BIN" "$@") >"$PP_TMP/out" 2>"$PP_TMP/err"; }

site=$PP_TMP/site repo=$PP_TMP/pub.git
sh tests/bench/gen.sh 2000 "$site" >/dev/null
check "a 2,000-task site generated" test -f "$site/content/plans/p0020/tasks/100.md"
cat >>"$site/site.toml" <<TOML

[publish]
repo = "$repo"
author_name = "张三"
author_email = "zhangsan@example.org"
TOML

pp -C "$site" publish -m "第一次发布"; rc=$?
check "first publish exits 0" test $rc -eq 0
[ $rc -eq 0 ] || tail -n 5 "$PP_TMP/err" >&2
first=$(G -C "$repo" rev-parse main)
check "every task page published" test "$(G -C "$repo" ls-tree -r --name-only main | grep -c '^plans/p[0-9]*/tasks/[0-9]*/index.html$')" -eq 2000
check "the task data file published" sh -c "git -c safe.directory='*' -C '$repo' cat-file -e main:data/tasks.json"

# Nothing changed: nothing published, and every file known by its stat.
pp -C "$site" publish; check "unchanged publish exits 0" test $? -eq 0
check "unchanged: nothing to publish" grep -q "nothing to publish" "$PP_TMP/out"

# One task moves, late in the data file.
sed -i 's/^progress: .*/progress: 99/' "$site/content/plans/p0020/tasks/100.md"
pp -C "$site" publish -m "第二次发布"; rc=$?
check "second publish exits 0" test $rc -eq 0
[ $rc -eq 0 ] || tail -n 5 "$PP_TMP/err" >&2
check "second publish has the first as parent" test "$(G -C "$repo" rev-parse main^)" = "$first"
G -C "$repo" log -1 --format=%B main >"$PP_TMP/msg"
check "the message names the one task" grep -q '^Tasks-Changed: 1$' "$PP_TMP/msg"
check "the task's page changed" sh -c "git -c safe.directory='*' -C '$repo' diff --name-only main^ main | grep -q '^plans/p0020/tasks/100/index.html$'"

pp -C "$site" diff --format json; check "diff exits 0" test $? -eq 0
check "diff finds the task" grep -q '"p0020/100"' "$PP_TMP/out"
check "diff has one task change" test "$(sed -n '/^  "tasks": \[/,/^  \]/p' "$PP_TMP/out" | grep -c '"words"')" -eq 1
pp -C "$site" log; check "log exits 0" test $? -eq 0
check "log lists both publications" test "$(grep -c '^[0-9a-f]\{7\}  ' "$PP_TMP/out")" -eq 2
check "log words the task change" grep -q '进度 .* → 99%' "$PP_TMP/out"
# The history is worked out once per publication and kept: a second log reads it back.
cp "$PP_TMP/out" "$PP_TMP/log1"
check "history cache written" test -s "$repo/planpress-history-cache"
pp -C "$site" log; check "log again exits 0" test $? -eq 0
check "log from the cache is the same" cmp "$PP_TMP/log1" "$PP_TMP/out"
# A damaged cache is only slower.
printf '{"format": "garbage"' >"$repo/planpress-history-cache"
pp -C "$site" log; check "log with a damaged cache exits 0" test $? -eq 0
check "log with a damaged cache is the same" cmp "$PP_TMP/log1" "$PP_TMP/out"
check "fsck at the end" G -C "$repo" fsck --strict

# The search index made from the token cache (.planpress/search-tokens,
# written SEARCH_SAVE_CHUNK pages at a time: this site's 2,100 pages take
# three) after one page changed is the index of a clean build.
pp -C "$site" build --out "$PP_TMP/inc"; check "a build with the caches exits 0" test $? -eq 0
check "the token cache is kept" test -s "$site/.planpress/search-tokens"
printf '\n新增的一段正文。\n' >>"$site/content/plans/p0010/tasks/050.md"
sleep 1.1
pp -C "$site" build --out "$PP_TMP/inc"; check "an incremental build exits 0" test $? -eq 0
pp -C "$site" build --force --out "$PP_TMP/clean"; check "a clean build exits 0" test $? -eq 0
check "the search index from the token cache is a clean build's" diff -r "$PP_TMP/inc/search" "$PP_TMP/clean/search"
check "the data files too" diff -r "$PP_TMP/inc/data" "$PP_TMP/clean/data"

pp_done scale
