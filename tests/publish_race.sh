#!/bin/sh
# tests/publish_race.sh PLANPRESS: publish commits what it built, not what public/ holds at
# commit time (issue 9.20), and a lock left on the branch is named with its fix (issue 9.21).
. tests/lib.sh
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_DIR
export GIT_CONFIG_NOSYSTEM=1 HOME=$PP_TMP
G() { git -c safe.directory='*' "$@"; }
pp() { timeout 20 "$PP_BIN" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }
holder=
trap '[ -n "$holder" ] && kill "$holder" 2>/dev/null; rm -rf "$PP_TMP"' EXIT

site=$PP_TMP/site repo=$PP_TMP/pub.git
mkdir -p "$site/content"
cat >"$site/site.toml" <<TOML
title = "测试街道"
language = "zh-CN"
as_of = 2019-06-30

[publish]
repo = "$repo"
author_name = "张三"
author_email = "zhangsan@example.org"
TOML
printf -- '---\ntitle: 首页\n---\n首页。\n' >"$site/content/_index.md"
printf -- '---\ntitle: 关于\n---\n关于。\n' >"$site/content/about.md"
printf -- '---\ntitle: 草稿\ndraft: true\n---\n尚未审定的草稿内容。\n' >"$site/content/secret.md"
pp -C "$site" publish -m "第一次"; rc=$?
check "first publish exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2

# 9.20: a build --drafts runs between publish's build and its commit.
sed -i 's/关于。/关于本街道。/' "$site/content/about.md"
PLANPRESS_TEST_PAUSE=$PP_TMP/go timeout 60 "$PP_BIN" -C "$site" publish -m "审定的发布" \
	>"$PP_TMP/outA" 2>"$PP_TMP/errA" &
pidA=$!
i=0; while [ ! -e "$PP_TMP/go.ready" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
check "publish paused after its build" test -e "$PP_TMP/go.ready"
pp -C "$site" build --drafts -q; check "build --drafts meanwhile exits 0" test $? -eq 0
check "public/ holds the draft meanwhile" test -f "$site/public/secret/index.html"
touch "$PP_TMP/go"
wait $pidA; rc=$?
check "the paused publish exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/errA" >&2
check "it published" test "$(G -C "$repo" log -1 --format=%s main)" = "审定的发布"
check "no draft page in the commit" sh -c "! git -c safe.directory='*' -C '$repo' ls-tree -r --name-only main | grep -q secret"
check "no draft text in any published file" sh -c "! git -c safe.directory='*' -C '$repo' grep -q '尚未审定' main"
check "the reviewed change is in it" sh -c "git -c safe.directory='*' -C '$repo' grep -q '关于本街道' main"
check "public/ shows what was published" sh -c "test ! -e '$site/public/secret/index.html' && grep -q '关于本街道' '$site/public/about/index.html'"
G clone -q "$repo" "$PP_TMP/clone"
tail -n +2 "$site/public/.planpress-manifest" | tr '\0' '\n' | sort >"$PP_TMP/want"
(cd "$PP_TMP/clone" && G ls-files | sort) >"$PP_TMP/got"
check "public/'s manifest lists the published files" cmp "$PP_TMP/want" "$PP_TMP/got"
check "fsck after the race" G -C "$repo" fsck --strict

# A one-off build folder left by a stopped publish is removed; a folder
# planpress did not make is left alone.
mkdir -p "$repo/planpress-build-dead00/plans" "$repo/planpress-build-mine"
: >"$repo/planpress-build-dead00/.planpress-stage-lock"
: >"$repo/planpress-build-dead00/plans/x.html"
: >"$repo/planpress-build-mine/keep"
pp -C "$site" publish; check "publish with leftovers exits 0" test $? -eq 0
check "a stopped publish's folder is removed" test ! -e "$repo/planpress-build-dead00"
check "a foreign folder is left alone" test -f "$repo/planpress-build-mine/keep"

# 9.21: a lock left by a killed writer: the file, that nothing holds it, the rm command.
tip=$(G -C "$repo" rev-parse main)
cp "$repo/refs/heads/main" "$repo/refs/heads/main.lock" 2>/dev/null || G -C "$repo" rev-parse main >"$repo/refs/heads/main.lock"
sed -i 's/首页。/首页更新。/' "$site/content/_index.md"
pp -C "$site" publish; check "stale lock: exit 1" test $? -eq 1
lock=$(cd "$repo" && pwd -P)/refs/heads/main.lock
check "stale lock: names the file" grep -qF "$lock" "$PP_TMP/err"
check "stale lock: says no process holds it" grep -q "no running process has it open" "$PP_TMP/err"
check "stale lock: gives the rm command" grep -qF "rm '$lock'" "$PP_TMP/err"
check "stale lock: no 'moved from X to X'" sh -c "! grep -q 'moved while' '$PP_TMP/err'"
check "stale lock: nothing published" test "$(G -C "$repo" rev-parse main)" = "$tip"
check "stale lock: the lock is left for the user" test -e "$lock"
rm "$lock"
pp -C "$site" publish; check "after rm, publish exits 0" test $? -eq 0
tip=$(G -C "$repo" rev-parse main)

# A lock a running process holds: that process is named, and nothing is removed.
(exec 3>"$lock"; exec sleep 60) &
holder=$!
i=0; while [ ! -e "$lock" ] && [ $i -lt 200 ]; do sleep 0.05; i=$((i + 1)); done
sed -i 's/首页更新。/首页再次更新。/' "$site/content/_index.md"
pp -C "$site" publish; check "held lock: exit 1" test $? -eq 1
check "held lock: names the holder" grep -q "updated right now by process $holder (sleep)" "$PP_TMP/err"
check "held lock: not called stale" sh -c "! grep -q 'rm ' '$PP_TMP/err'"
check "held lock: nothing published" test "$(G -C "$repo" rev-parse main)" = "$tip"
kill "$holder"; wait "$holder" 2>/dev/null; holder=
rm -f "$lock"

# A real concurrent publication still says the branch moved, from one id to another.
siteB=$PP_TMP/siteB
cp -r "$site" "$siteB"
rm -rf "$siteB/public"
sed -i 's/关于本街道。/B 的关于。/' "$siteB/content/about.md"
sed -i 's/关于本街道。/A 的关于。/' "$site/content/about.md"
rm -f "$PP_TMP/go" "$PP_TMP/go.ready"
PLANPRESS_TEST_PAUSE=$PP_TMP/go timeout 60 "$PP_BIN" -C "$site" publish >"$PP_TMP/outA" 2>"$PP_TMP/errA" &
pidA=$!
i=0; while [ ! -e "$PP_TMP/go.ready" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
pp -C "$siteB" publish; check "the other publisher (one-off folder) wins" test $? -eq 0
won=$(G -C "$repo" rev-parse --short=7 main)
touch "$PP_TMP/go"
wait $pidA; check "the paused publisher fails (exit 1)" test $? -eq 1
check "the loser says the branch moved" grep -q "moved while this site was being built" "$PP_TMP/errA"
check "from the start to the winner" grep -q "from ${tip%"${tip#???????}"} to $won" "$PP_TMP/errA"
check "the winner's commit stays" test "$(G -C "$repo" rev-parse --short=7 main)" = "$won"
check "no one-off folder left" sh -c "! ls -d '$repo'/planpress-build-?????? 2>/dev/null | grep -v mine"
check "fsck at the end" G -C "$repo" fsck --strict

pp_done publish_race
