#!/bin/sh
# tests/sync.sh PLANPRESS: what a power loss may cost (issue 9.16, planpress(1)
# OUTPUT): publish syncs every git object, the ref and its own caches before
# they move into place, and the output manifest before its rename and its
# folder after. Watched with the LD_PRELOAD shim tests/shim/syncspy.c
# (build/tests/syncspy.so), which logs every fsync, rename and link.
. tests/lib.sh
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_DIR
export GIT_CONFIG_NOSYSTEM=1 HOME=$PP_TMP
shim=$PP_ROOT/build/tests/syncspy.so
# ASan must be the first library loaded, so the shim watches the plain build.
case "$PP_BIN" in */san/*) PP_BIN=$PP_ROOT/planpress ;; esac
check "the shim is built (make build/tests/syncspy.so)" test -f "$shim"
site=$PP_TMP/site repo=$PP_TMP/pub.git log=$PP_TMP/log
mkdir -p "$site/content"
cat >"$site/site.toml" <<TOML
title = "同步"
as_of = 2019-06-30
[publish]
repo = "$repo"
author_name = "张三"
author_email = "zhangsan@example.org"
TOML
printf -- '---\ntitle: 首页\n---\n正文。\n' >"$site/content/_index.md"
spy() { rm -f "$log"; SYNCSPY_LOG=$log LD_PRELOAD=$shim "$PP_BIN" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }

# synced_before TARGET-PATTERN: every rename or link onto a path matching the
# pattern has an fsync of its source earlier in the log; prints offenders.
synced_before() {
	awk -v pat="$1" '
		$1 == "fsync" { synced[$2] = 1 }
		$1 == "rename" && $3 ~ pat { n++; if (!($2 in synced)) { print "not synced: " $2; bad = 1 } }
		END { if (n == 0) { print "no rename onto " pat; bad = 1 } exit bad }' "$log"
}
# synced_after DIR PATTERN: the folder DIR is synced after the last rename onto PATTERN.
synced_after() {
	awk -v dir="$1" -v pat="$2" '
		$1 == "rename" && $3 ~ pat { last = NR }
		$1 == "fsync" && $2 == dir && last && NR > last { ok = 1 }
		END { exit !ok }' "$log"
}

for round in 1 2; do
	[ $round = 2 ] && printf '第二次。\n' >>"$site/content/_index.md"
	spy -C "$site" publish; rc=$?
	check "publish $round under the shim exits 0" test $rc -eq 0
	[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
	check "publish $round: every loose object synced before it is linked in" synced_before "/objects/[0-9a-f][0-9a-f]/"
	check "publish $round: the ref's lock file synced before the ref moves" grep -qx "fsync $repo/refs/heads/main.lock" "$log"
	check "publish $round: the refs folder synced" grep -qx "fsync $repo/refs/heads" "$log"
	check "publish $round: objects synced before the ref" awk -v lock="$repo/refs/heads/main.lock" '
		$1 == "fsync" && $2 == lock { seen = 1 }
		$1 == "fsync" && $2 ~ /\/objects\// && seen { bad = 1 }
		END { exit bad || !seen }' "$log"
	check "publish $round: the stat cache synced before its rename" synced_before "/planpress-stat-cache$"
	[ $round = 2 ] && break
	# (The second publish writes the same names: the manifest is left alone.)
	check "the output manifest synced before its rename" synced_before "/public/\\.planpress-manifest$"
	check "and the output folder after it" synced_after "$site/public" "/public/\\.planpress-manifest$"
done
check "the history cache synced before its rename" synced_before "/planpress-history-cache$"

# Enough new pages for one pack (generator/gitpack.c): the pack and its index
# synced before they are named, their folder after, all before the ref.
mkdir -p "$site/content/notes"
i=1
while [ $i -le 80 ]; do
	printf -- '---\ntitle: 第%d篇\n---\n正文%d。\n' $i $i >"$site/content/notes/n$i.md"
	i=$((i + 1))
done
spy -C "$site" publish; rc=$?
check "a publish of 80 new pages under the shim exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
check "its pack synced before it is named" synced_before "/objects/pack/pack-[0-9a-f]*\\.pack$"
check "its index synced before it is named" synced_before "/objects/pack/pack-[0-9a-f]*\\.idx$"
check "the index named after the pack" awk '
	$1 == "rename" && $3 ~ /\.pack$/ { p = NR }
	$1 == "rename" && $3 ~ /\.idx$/ { i = NR }
	END { exit !(p && i > p) }' "$log"
check "the pack folder synced after both" synced_after "$repo/objects/pack" "/objects/pack/pack-"
check "the pack synced before the ref" awk -v lock="$repo/refs/heads/main.lock" '
	$1 == "fsync" && $2 == lock { seen = 1 }
	$1 == "fsync" && $2 ~ /\/objects\/pack/ && seen { bad = 1 }
	$1 == "fsync" && $2 ~ /\/objects\/pack\/tmp_pack_/ { packed = 1 }
	END { exit bad || !seen || !packed }' "$log"
check "the repository passes fsck" git -c safe.directory='*' -C "$repo" fsck --strict
pp_done sync
