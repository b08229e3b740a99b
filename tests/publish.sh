#!/bin/sh
# tests/publish.sh PLANPRESS: publish, log and diff on temporary repositories;
# the git command line is used only to check what planpress wrote.
. tests/lib.sh
export TZ=UTC LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1561852800
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_DIR
export GIT_CONFIG_NOSYSTEM=1 HOME=$PP_TMP
G() { git -c safe.directory='*' "$@"; }

# make_site DIR [EXTRA-PUBLISH-LINES]: a small site publishing into $PP_TMP/pub.git.
make_site() {
	mkdir -p "$1/content/data" "$1/content/plans"
	cat >"$1/site.toml" <<TOML
title = "测试街道"
language = "zh-CN"
as_of = 2019-06-30

[publish]
repo = "$PP_TMP/pub.git"
author_name = "张三"
author_email = "zhangsan@example.org"
${2:-}
TOML
	printf -- '---\ntitle: 首页\n---\n截至6月底，全年任务完成60%%，按计划推进。\n' >"$1/content/_index.md"
	printf -- '---\ntitle: 关于\n---\n这是关于页面。\n' >"$1/content/about.md"
	printf -- '---\ntitle: 计划\n---\n三年行动计划。\n' >"$1/content/plans/_index.md"
	write_tasks "$1" 60 in_progress
}

# write_tasks DIR PROGRESS STATUS: the task data file, as the build writes it.
write_tasks() {
	cat >"$1/content/data/tasks.json" <<JSON
{
  "as_of": "2019-06-30",
  "tasks": [
    {
      "id": "xinhe-2018/21",
      "plan": "xinhe-2018",
      "number": "21",
      "title": "老旧小区改造",
      "lead": ["街道城管科"],
      "support": [],
      "due": "2020-12-31",
      "status": "$3",
      "progress": $2,
      "weight": 2,
      "url": "plans/xinhe-2018/tasks/21/"
    }
  ]
}
JSON
}

pp() { "$PP_BIN" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }
site=$PP_TMP/site
make_site "$site"
repo=$PP_TMP/pub.git

# First publish creates the repository.
pp -C "$site" publish; rc=$?
check "first publish exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
check "repository created bare" test "$(G -C "$repo" rev-parse --is-bare-repository)" = true
check "branch main" G -C "$repo" rev-parse --verify -q refs/heads/main
check "git fsck --strict passes" G -C "$repo" fsck --strict
first=$(G -C "$repo" rev-parse main)

# git clone gives the files of the build (its manifest lists them).
G clone -q "$repo" "$PP_TMP/clone"
(cd "$site/public" && sed 1d .planpress-manifest | tr '\0' '\n' | sort) >"$PP_TMP/want"
(cd "$PP_TMP/clone" && G ls-files | sort) >"$PP_TMP/got"
check "clone has the manifest's files" cmp "$PP_TMP/want" "$PP_TMP/got"
same=1
while read -r f; do cmp -s "$site/public/$f" "$PP_TMP/clone/$f" || same=0; done <"$PP_TMP/want"
check "cloned files equal the output" test $same -eq 1
check "default message names as_of" sh -c "G() { git -c safe.directory='*' \"\$@\"; }; G -C '$repo' log -1 --format=%s | grep -q '2019年6月30日'"

# An unchanged rebuild publishes nothing; --timings names the build's
# stages, then the commit and the export, each with its time.
pp -C "$site" publish --timings; rc=$?
check "publish --timings: the build's stages" grep -q '^planpress: templates  *[0-9.]* ms' "$PP_TMP/err"
check "publish --timings: commit and export, in order" sh -c "grep -o '^planpress: [a-z][a-z]* ' '$PP_TMP/err' | tail -n 2 | tr -d '\n' | grep -q 'planpress: commit planpress: export'"
check "publish --timings: how many files the commit read" grep -q '^planpress:   [0-9]* files\{0,1\} read and hashed, [1-9][0-9]* known from the last publication' "$PP_TMP/err"
check "publish --timings prints nothing to stdout but the result" test "$(wc -l <"$PP_TMP/out")" -eq 1
# Its build renders again only the changes page (the pending publication's
# entry): the first publish's export linked every file of the build folder
# into public/, which changed their ctime, and that is not a change.
check "the next publish reuses the unchanged pages" \
	sh -c "grep -q ': rendered 1 of [0-9]* files; [1-9][0-9]* reused from the render cache' '$PP_TMP/err'"
check "unchanged publish exits 0" test $rc -eq 0
check "says nothing to publish" grep -q "nothing to publish" "$PP_TMP/out"
check "no new commit" test "$(G -C "$repo" rev-parse main)" = "$first"

# The changes page: published with this publication first; a difference
# there alone (the new history) is not something to publish again.
G -C "$repo" show main:changes/index.html >"$PP_TMP/changes" 2>/dev/null
check "changes page published" test -s "$PP_TMP/changes"
check "changes page lists this publication first" grep -q '本次发布' "$PP_TMP/changes"
pp -C "$site" build -q
check "a build after publishing lists it by id" grep -q "$(G -C "$repo" rev-parse --short=7 main)" "$site/public/changes/index.html"

# A one-task change: only the affected files, and the message says it in words.
sed -i 's/60%/80%/' "$site/content/_index.md"
write_tasks "$site" 80 done
pp -C "$site" publish -m "2019年6月进展通报"; rc=$?
check "second publish exits 0" test $rc -eq 0
G -C "$repo" show --name-only --format= main | sort >"$PP_TMP/touched-all"
# The search index follows the home page's text (its text file, and the
# shards of the words that changed): search/ files whose names depend on hashes.
check "the search index follows the changed text" grep -q '^search/t/0.js$' "$PP_TMP/touched-all"
grep -v '^search/[st]/' "$PP_TMP/touched-all" >"$PP_TMP/touched"
# print.css carries the print footer's revision, and the changes page lists
# this publication: the shared files any publication of a content change touches.
printf 'changes/index.html\ndata/tasks.json\nindex.html\nprint.css\n' >"$PP_TMP/want"
check "commit touches only the changed files" cmp "$PP_TMP/touched" "$PP_TMP/want"
G -C "$repo" log -1 --format=%B main >"$PP_TMP/msg"
check "message first line" test "$(head -n 1 "$PP_TMP/msg")" = "2019年6月进展通报"
check "message has the task change in words" grep -q '任务21 进度 60% → 80%，状态 进行中 → 已完成' "$PP_TMP/msg"
check "message has page counts" grep -q '页面：新增 0，修改 2，删除 0' "$PP_TMP/msg"
check "message trailers" sh -c "grep -q '^Pages-Changed: 2\$' '$PP_TMP/msg' && grep -q '^Tasks-Changed: 1\$' '$PP_TMP/msg'"
check "git sees trailers" sh -c "git -c safe.directory='*' -C '$repo' log -1 --format='%(trailers:key=Pages-Changed,valueonly)' | grep -q 2"
check "parent is the first publication" test "$(G -C "$repo" rev-parse main^)" = "$first"
check "fsck after two publications" G -C "$repo" fsck --strict

# The publication being made lists its task changes on the changes page,
# comparing the model's data/tasks.json with the last publication's, which
# is read from the build folder's copy while that is the same blob, else
# from the repository (a copy changed since, here by hand).
msite=$PP_TMP/msite
mkdir -p "$msite/content/plans/p1/tasks"
printf 'title = "模型"\nlanguage = "zh-CN"\nas_of = 2019-06-30\n\n[publish]\nrepo = "%s"\nauthor_name = "张三"\nauthor_email = "zs@example.org"\n' \
	"$PP_TMP/m.git" >"$msite/site.toml"
printf -- '---\ntitle: 首页\n---\n首页。\n' >"$msite/content/_index.md"
printf -- '---\ntype: plan\nid: p1\ntitle: 行动计划\n---\n计划。\n' >"$msite/content/plans/p1/_index.md"
mtask() {
	printf -- '---\ntype: task\nnumber: 1\ntitle: 老旧小区改造\nlead: [街道城管科]\ndue: 2020-12-31\nstatus: in_progress\nprogress: %s\n---\n改造。\n' \
		"$1" >"$msite/content/plans/p1/tasks/1.md"
}
mtask 10
pp -C "$msite" publish -q; rc=$?
check "model site: first publish" test $rc -eq 0
mtask 30
pp -C "$msite" publish -q; rc=$?
check "model site: second publish" test $rc -eq 0
check "model site: the changes page lists the task change (the folder's copy)" \
	grep -q '进度 10% → 30%' "$msite/public/changes/index.html"
printf ' ' >>"$PP_TMP/m.git/planpress-build/data/tasks.json"
mtask 45
pp -C "$msite" publish -q; rc=$?
check "model site: third publish" test $rc -eq 0
check "model site: the changes page lists the task change (a copy changed by hand: the repository's)" \
	grep -q '进度 30% → 45%' "$msite/public/changes/index.html"
# The data/tasks.json compared and published is made as a build makes it,
# from the last file's texts of unchanged tasks: the same bytes as a clean
# build's.
mtask 50
pp -C "$msite" publish -q; rc=$?
check "model site: fourth publish" test $rc -eq 0
pp -C "$msite" build -q --force --out "$PP_TMP/mclean"
check "model site: the published data/tasks.json is a clean build's" \
	cmp "$PP_TMP/mclean/data/tasks.json" "$msite/public/data/tasks.json"
check "model site: the changes page lists the task change (the stat cache vouches for the copy)" \
	grep -q '进度 45% → 50%' "$msite/public/changes/index.html"

# log agrees with git log.
pp -C "$site" log; check "log exits 0" test $? -eq 0
grep -oE '^[0-9a-f]{7}' "$PP_TMP/out" >"$PP_TMP/ids"
G -C "$repo" log --format=%h --abbrev=7 main >"$PP_TMP/gitids"
check "log lists what git log lists" cmp "$PP_TMP/ids" "$PP_TMP/gitids"
check "log shows the summary" grep -q '任务21 进度 60% → 80%' "$PP_TMP/out"

# diff on the known pair: text, json, html; it agrees with git diff on the files.
pp -C "$site" diff; check "diff exits 0" test $? -eq 0
# The home page's 60% → 80% is task 21's progress change, reported in
# section 2: the page is folded (and named on the folded line).
check "diff folds a figure the task data explains" grep -qF '2 个页面只有数据截至日期、由任务数据推算的数字或发布记录有变化：changes/、/' "$PP_TMP/out"
check "diff shows the task change" grep -qF '任务21 进度 60% → 80%，状态 进行中 → 已完成' "$PP_TMP/out"
check "diff has no raw HTML" sh -c "! grep -q '<p>' '$PP_TMP/out'"
pp -C "$site" diff "$first" main --format json; check "diff --format json exits 0" test $? -eq 0
grep '"path"' "$PP_TMP/out" | sed 's/.*"path": "\(.*\)".*/\1/' | sort >"$PP_TMP/pages"
G -C "$repo" diff --name-only "$first" main -- '*.html' | sort >"$PP_TMP/gitpages"
check "diff pages agree with git diff" cmp "$PP_TMP/pages" "$PP_TMP/gitpages"
check "json has progress pair" grep -q '"progress"' "$PP_TMP/out"
pp -C "$site" diff --format html; check "diff --format html exits 0" test $? -eq 0
check "html is a page with inline CSS" sh -c "grep -q '<style>' '$PP_TMP/out' && grep -q '<summary>2 个页面只有' '$PP_TMP/out'"
check "html loads nothing from outside" sh -c "! grep -qE 'src=|<link|href=\"([a-z]+:)?//' '$PP_TMP/out'"
check "html links pages relative to the site root" grep -q '<a href="changes/">changes/</a>' "$PP_TMP/out"
pp -C "$site" diff --format yaml; check "bad --format exits 2" test $? -eq 2
pp -C "$site" diff nosuchrev; check "unknown revision exits 1" test $? -eq 1

# Reproducible commit ids under SOURCE_DATE_EPOCH: the same site into a new repository.
site2=$PP_TMP/site2
make_site "$site2"
sed -i "s#pub.git#pub2.git#" "$site2/site.toml"
pp -C "$site2" publish
check "same site, same date: same commit id" test "$(G -C "$PP_TMP/pub2.git" rev-parse main)" = "$first"

# A build with errors publishes nothing.
before=$(G -C "$repo" rev-parse main)
printf -- '---\ntitle: 坏\ndate: 2019-02-30\n---\nx\n' >"$site/content/bad.md"
pp -C "$site" publish; check "publish with build errors exits 1" test $? -eq 1
check "nothing published after build errors" test "$(G -C "$repo" rev-parse main)" = "$before"
rm "$site/content/bad.md"

# No author anywhere is an environment error.
site3=$PP_TMP/site3
make_site "$site3"
sed -i -e "s#pub.git#pub3.git#" -e '/^author_/d' "$site3/site.toml"
pp -C "$site3" publish; check "no author exits 2" test $? -eq 2
check "no author says how to set one" grep -q 'author_name' "$PP_TMP/err"
GIT_AUTHOR_NAME=李四 GIT_AUTHOR_EMAIL=lisi@example.org "$PP_BIN" -C "$site3" publish >/dev/null 2>&1
check "author from the environment" test "$(G -C "$PP_TMP/pub3.git" log -1 --format=%an)" = 李四

# Tags: an annotated tag per publication; a second with the same name is refused before committing.
site4=$PP_TMP/site4
make_site "$site4" 'tag = "bulletin-{date}"'
sed -i "s#pub.git#pub4.git#" "$site4/site.toml"
pp -C "$site4" publish; check "publish with tag exits 0" test $? -eq 0
check "annotated tag created" test "$(G -C "$PP_TMP/pub4.git" cat-file -t bulletin-2019-06-30)" = tag
check "tag points at the commit" test "$(G -C "$PP_TMP/pub4.git" rev-parse 'bulletin-2019-06-30^{commit}')" = "$(G -C "$PP_TMP/pub4.git" rev-parse main)"
check "fsck with tags" G -C "$PP_TMP/pub4.git" fsck --strict
t4=$(G -C "$PP_TMP/pub4.git" rev-parse main)
sed -i 's/关于页面/关于本站的页面/' "$site4/content/about.md"
pp -C "$site4" publish; check "tag that exists is refused (exit 1)" test $? -eq 1
check "refused tag names the tag" grep -q "bulletin-2019-06-30" "$PP_TMP/err"
check "refused tag publishes nothing" test "$(G -C "$PP_TMP/pub4.git" rev-parse main)" = "$t4"
sed -i 's/{date}"/{date}-{seq}"/' "$site4/site.toml"
pp -C "$site4" publish; check "tag with {seq}" G -C "$PP_TMP/pub4.git" rev-parse -q --verify refs/tags/bulletin-2019-06-30-2

# Push to a file:// remote; then a remote that has commits we do not is refused.
G init -q --bare "$PP_TMP/remote.git"
site5=$PP_TMP/site5
make_site "$site5" "remote = \"file://$PP_TMP/remote.git\"
tag = \"v{seq}\""
sed -i "s#pub.git#pub5.git#" "$site5/site.toml"
pp -C "$site5" publish; rc=$?
check "publish with push exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
check "remote has the branch" test "$(G -C "$PP_TMP/remote.git" rev-parse main 2>/dev/null)" = "$(G -C "$PP_TMP/pub5.git" rev-parse main)"
check "remote has the tag" G -C "$PP_TMP/remote.git" rev-parse -q --verify refs/tags/v1
check "remote passes fsck" G -C "$PP_TMP/remote.git" fsck --strict
pp -C "$site5" publish --push-only; check "push-only when up to date" grep -q "up to date" "$PP_TMP/out"
# Someone else pushes to the remote: our next push must not overwrite it.
G clone -q -b main "$PP_TMP/remote.git" "$PP_TMP/other"
(cd "$PP_TMP/other" && echo x >x.txt && G add x.txt && G -c user.name=o -c user.email=o@x commit -qm other && G push -q origin HEAD:main)
theirs=$(G -C "$PP_TMP/remote.git" rev-parse main)
sed -i 's/关于页面/关于本站/' "$site5/content/about.md"
pp -C "$site5" publish; check "refused push exits 1" test $? -eq 1
check "refused push says so" grep -q "refused" "$PP_TMP/err"
check "refused push says how to retry" grep -q -- "--push-only" "$PP_TMP/err"
check "remote not overwritten" test "$(G -C "$PP_TMP/remote.git" rev-parse main)" = "$theirs"
check "local commit kept after refused push" test "$(G -C "$PP_TMP/pub5.git" rev-parse main)" != "$(G -C "$PP_TMP/pub5.git" rev-parse v1^{commit})"
# A remote whose pre-receive hook exits 1 refuses the push: an error with the
# hook's words, nothing pushed. (libgit2's local transport runs no hooks, so
# planpress runs a local remote's hooks itself, as git receive-pack would.)
G init -q --bare "$PP_TMP/guarded.git"
printf '#!/bin/sh\necho "发布窗口已关闭" >&2\nexit 1\n' >"$PP_TMP/guarded.git/hooks/pre-receive"
chmod +x "$PP_TMP/guarded.git/hooks/pre-receive"
sed -i "s#file://$PP_TMP/remote.git#file://$PP_TMP/guarded.git#" "$site5/site.toml"
pp -C "$site5" publish --push-only; check "pre-receive refusal exits 1" test $? -eq 1
check "pre-receive refusal names the hook" grep -q "pre-receive hook exited with 1" "$PP_TMP/err"
check "pre-receive refusal shows the hook's words" grep -q "remote: 发布窗口已关闭" "$PP_TMP/err"
check "nothing pushed past pre-receive" sh -c "! git -c safe.directory='*' -C '$PP_TMP/guarded.git' rev-parse -q --verify main"
# A post-receive hook (a deployment script) runs after an accepted push, with the update on stdin.
rm "$PP_TMP/guarded.git/hooks/pre-receive"
printf '#!/bin/sh\ncat >"%s/deployed.txt"\n' "$PP_TMP" >"$PP_TMP/guarded.git/hooks/post-receive"
chmod +x "$PP_TMP/guarded.git/hooks/post-receive"
pp -C "$site5" publish --push-only; check "push with post-receive exits 0" test $? -eq 0
check "post-receive ran with the branch update" grep -q " refs/heads/main$" "$PP_TMP/deployed.txt"
sed -i "s#file://$PP_TMP/guarded.git#file://$PP_TMP/remote.git#" "$site5/site.toml"
# An unreachable remote: the commit stays, and the message says how to retry.
sed -i "s#file://$PP_TMP/remote.git#file://$PP_TMP/nowhere.git#" "$site5/site.toml"
sed -i 's/关于本站/关于本街道/' "$site5/content/about.md"
pp -C "$site5" publish; check "unreachable remote exits 1" test $? -eq 1
check "unreachable remote: how to retry" grep -q "planpress publish --push-only" "$PP_TMP/err"
check "unreachable remote: commit kept" G -C "$PP_TMP/pub5.git" log -1 --format=%B main

# A printed page names the publication it came from: the revision in its
# footer (print.css) is the commit's Site-Revision trailer.
rev=$(sed -n 's/.*版本：\([0-9a-f]*\).*/\1/p' "$site5/public/print.css" | head -n 1)
check "print.css carries the revision" test -n "$rev"
check "the commit's Site-Revision trailer is it" sh -c "git -c safe.directory='*' -C '$PP_TMP/pub5.git' log -1 --format=%B main | grep -qx 'Site-Revision: $rev'"
pp -C "$site5" log
check "log shows each publication's revision" grep -q "版本（印在其页面上）：$rev" "$PP_TMP/out"
pp -C "$site5" log --revision "$rev"
check "log --revision names the publication a printed page came from" test "$(grep -c '^[0-9a-f]\{7\}  ' "$PP_TMP/out")" -eq 1
check "log --revision: that one" grep -q "$rev" "$PP_TMP/out"
pp -C "$site5" log --revision 0000dead; check "log --revision unknown: exit 1" test $? -eq 1
check "log --revision unknown: says so" grep -q "no publication has the revision '0000dead'" "$PP_TMP/err"

# The changes page lists, for the publication being made too, the task
# changes its commit message lists.
site7=$PP_TMP/site7
mkdir -p "$site7"
cp -R "$PP_ROOT/site.toml" "$PP_ROOT/content" "$site7/"
sed -i "s#^repo = .*#repo = \"$PP_TMP/pub7.git\"#" "$site7/site.toml"
pp -C "$site7" publish -m "第一次"
sed -i 's/{task: "xinhe-2018\/1", progress: 70,/{task: "xinhe-2018\/1", progress: 75,/' "$site7/content/bulletins/2019-12-31.md"
pp -C "$site7" publish -m "第二次"; check "a task changed: publish exits 0" test $? -eq 0
check "the commit message lists the task change" sh -c "G() { git -c safe.directory='*' \"\$@\"; }; G -C '$PP_TMP/pub7.git' log -1 --format=%B main | grep -q 'xinhe-2018 任务1 进度 70% → 75%'"
G -C "$PP_TMP/pub7.git" show main:changes/index.html | sed -e 's/<[^>]*>//g' | grep -v '^ *$' >"$PP_TMP/changes7"
check "the changes page lists it under the publication being made" \
	sh -c "sed -n '/第二次/,/第一次/p' '$PP_TMP/changes7' | grep -q 'xinhe-2018 任务1 进度 70% → 75%'"
# The first publication lists no task changes: every task would be one.
check "the first publication lists no task changes" \
	sh -c "sed -n '/第一次/,\$p' '$PP_TMP/changes7' | grep -qv 'xinhe-2018 任务' && ! sed -n '/第一次/,\$p' '$PP_TMP/changes7' | grep -q 'xinhe-2018 任务'"
# A publication whose task data did not change still names its as_of in a review.
sed -i 's/关于本站/关于本站点/' "$site7/content/about.md"
pp -C "$site7" publish -m "第三次"
pp -C "$site7" diff
check "a review of unchanged task data names both as_of dates" \
	sh -c "head -n 1 '$PP_TMP/out' | grep -o '数据截至' | wc -l | grep -qx 2"
# Pages the build makes can be named in the menu.
printf '\n[[menu.main]]\nname = "首页"\nurl = ""\n\n[[menu.main]]\nname = "牵头单位"\nurl = "units/"\n\n[[menu.main]]\nname = "发布记录"\nurl = "changes/"\n' >>"$site7/site.toml"
pp -C "$site7" build; check "a menu naming units/ and changes/ builds" test $? -eq 0
check "the menu links the units page" grep -q '<a href="units/index.html"[^>]*>牵头单位</a>' "$site7/public/index.html"
check "and the changes page" grep -q '<a href="changes/index.html"[^>]*>发布记录</a>' "$site7/public/index.html"
check "marked current on the units page" grep -q 'href="index.html" aria-current="page">牵头单位' "$site7/public/units/index.html"

# Worktree: checked out on publish, updated next time, left alone with local edits.
site6=$PP_TMP/site6
make_site "$site6" "worktree = \"$PP_TMP/www\""
sed -i "s#pub.git#pub6.git#" "$site6/site.toml"
pp -C "$site6" publish; check "publish with worktree exits 0" test $? -eq 0
check "worktree checked out" cmp "$PP_TMP/www/index.html" "$site6/public/index.html"
sed -i 's/关于页面/关于本站的页面/' "$site6/content/about.md"
pp -C "$site6" publish; check "second publish with worktree" test $? -eq 0
check "worktree updated" cmp "$PP_TMP/www/about/index.html" "$site6/public/about/index.html"
echo "local edit" >>"$PP_TMP/www/index.html"
sed -i 's/关于本站的页面/关于本街道的页面/' "$site6/content/about.md"
pp -C "$site6" publish; check "publish with a modified worktree still publishes" test $? -eq 0
check "modified worktree: says so" grep -q "local modifications" "$PP_TMP/err"
check "modified worktree left alone" grep -q "local edit" "$PP_TMP/www/index.html"
check "modified worktree not updated" sh -c "! cmp -s '$PP_TMP/www/about/index.html' '$site6/public/about/index.html'"
# The worktree holds the site's files and nothing else: no .git, no
# manifest, no cache (a web server would serve them).
check "worktree: no dotfile in it" test -z "$(find "$PP_TMP/www" -name '.*' ! -name . | head -n 1)"
check "worktree: what planpress knows of it is in the repository" test -n "$(ls "$PP_TMP/pub6.git/planpress-worktrees")"
# The hand edit undone: the next publication writes it again.
sed -i '/local edit/d' "$PP_TMP/www/index.html"
pp -C "$site6" publish; check "worktree clean again: updated" cmp "$PP_TMP/www/about/index.html" "$site6/public/about/index.html"
# A file added by hand is a local modification too.
echo x >"$PP_TMP/www/extra.html"
sed -i 's/关于本街道的页面/关于本街道的介绍页面/' "$site6/content/about.md"
pp -C "$site6" publish; check "a file added to the worktree: says so" grep -q "local modifications (1 file, e.g. extra.html)" "$PP_TMP/err"
rm "$PP_TMP/www/extra.html"
# A folder planpress did not write is left alone.
mkdir -p "$PP_TMP/www-other"
echo mine >"$PP_TMP/www-other/keep.txt"
sed -i "s#worktree = \"$PP_TMP/www\"#worktree = \"$PP_TMP/www-other\"#" "$site6/site.toml"
pp -C "$site6" publish; check "a folder not written by planpress: says so" grep -q "not a folder planpress wrote" "$PP_TMP/err"
check "and leaves it alone" test "$(ls "$PP_TMP/www-other")" = keep.txt
# A worktree an older planpress made (a git clone of the branch): migrated,
# its .git gone, its files the publication's.
G clone -q -b main "$PP_TMP/pub6.git" "$PP_TMP/www-old"
sed -i "s#worktree = \"$PP_TMP/www-other\"#worktree = \"$PP_TMP/www-old\"#" "$site6/site.toml"
sed -i 's/关于本街道的介绍页面/关于本街道的简介/' "$site6/content/about.md"
pp -C "$site6" publish; rc=$?
check "an old clone as worktree: publish exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err" >&2
check "an old clone: its .git is gone" test ! -e "$PP_TMP/www-old/.git"
check "an old clone: a note says so" grep -q "the .git an older planpress left there is gone" "$PP_TMP/err"
check "an old clone: updated" cmp "$PP_TMP/www-old/about/index.html" "$site6/public/about/index.html"

# The race: two publishers of one repository; B publishes while A is between build and commit.
siteA=$PP_TMP/siteA siteB=$PP_TMP/siteB
make_site "$siteA"; make_site "$siteB"
sed -i "s#pub.git#race.git#" "$siteA/site.toml" "$siteB/site.toml"
"$PP_BIN" -C "$siteA" publish >/dev/null 2>&1
sed -i 's/关于页面/A 的关于页面/' "$siteA/content/about.md"
sed -i 's/关于页面/B 的关于页面/' "$siteB/content/about.md"
PLANPRESS_TEST_PAUSE=$PP_TMP/go "$PP_BIN" -C "$siteA" publish >"$PP_TMP/outA" 2>"$PP_TMP/errA" &
pidA=$!
i=0; while [ ! -e "$PP_TMP/go.ready" ] && [ $i -lt 600 ]; do sleep 0.05; i=$((i + 1)); done
pp -C "$siteB" publish; check "the faster publisher wins" test $? -eq 0
b=$(G -C "$PP_TMP/race.git" rev-parse main)
touch "$PP_TMP/go"
wait $pidA; check "the slower publisher fails (exit 1)" test $? -eq 1
check "the loser says why" grep -q "moved while this site was being built" "$PP_TMP/errA"
check "the branch keeps the winner's commit" test "$(G -C "$PP_TMP/race.git" rev-parse main)" = "$b"
check "one commit after the first" test "$(G -C "$PP_TMP/race.git" rev-list --count main)" -eq 2
check "race repository passes fsck" G -C "$PP_TMP/race.git" fsck --strict

# 18. A file larger than the memory limit is published by streaming it into
# the object database. (No ulimit -v under ASan: it reserves terabytes.)
case "$PP_BIN" in */san/*) lim=: ;; *) lim='ulimit -v 150000' ;; esac
big=$PP_TMP/bigsite
make_site "$big"
sed -i "s#pub.git#big.git#" "$big/site.toml"
truncate -s 300M "$big/content/big.bin"
printf 'end' >>"$big/content/big.bin"
(eval "$lim"; timeout 60 "$PP_BIN" -C "$big" publish >"$PP_TMP/out" 2>"$PP_TMP/err"); rc=$?
check "publishing a 300 MB file under a 150 MB limit exits 0" test $rc -eq 0
[ $rc -eq 0 ] || cat "$PP_TMP/err"
G clone -q "$PP_TMP/big.git" "$PP_TMP/bigclone" 2>/dev/null
check "and the clone holds it byte for byte" cmp -s "$big/content/big.bin" "$PP_TMP/bigclone/big.bin"
rm -rf "$big" "$PP_TMP/bigclone" "$PP_TMP/big.git"

# Usage errors.
pp -C "$site" publish --frob; check "unknown publish option exits 2" test $? -eq 2
pp -C "$PP_TMP" log; check "log without site.toml exits 2" test $? -eq 2
mkdir -p "$PP_TMP/norepo/content" && printf 'title = "x"\n' >"$PP_TMP/norepo/site.toml"
pp -C "$PP_TMP/norepo" publish; check "no [publish] repo exits 2" test $? -eq 2

pp_done publish
