#!/bin/sh
# tests/stamp.sh PLANPRESS: a rebuild of an unchanged site is answered from
# the build stamp (issue 10), and every kind of change makes a real rebuild
# whose output equals a clean build of a copy, byte for byte, on both Markdown
# engines; where a change leaves most pages as they were, the rebuild takes
# them from the render cache (rcache.h), so the equality checks the cache. Each change is made more than STAMP_RACY_NS (1 s) before the build
# that must notice it, so that the stamp's comparison, not its racy guard, is
# what is tested; then a second build must be answered from the stamp.
. tests/lib.sh
unset GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_DIR
export GIT_CONFIG_NOSYSTEM=1 HOME=$PP_TMP
W=$PP_TMP   # scratch files; each engine has its own

# build SITE [OPTIONS]: prints nothing; output in $W/out and $W/err.
build() { s=$1; shift; "$PP_BIN" -C "$s" build --timings "$@" >"$W/out" 2>"$W/err"; }
fresh() { ! grep -q "up to date" "$W/err"; }
stamped() { grep -q "up to date" "$W/err"; }
# same SITE: a clean build of a copy of SITE gives the same output folder.
same() {
	rm -rf "$W/copy"
	mkdir -p "$W/copy"
	(cd "$1" && tar cf - --exclude=./public --exclude=./.planpress .) | (cd "$W/copy" && tar xf -)
	"$PP_BIN" -C "$W/copy" build --force $drafts >/dev/null 2>"$W/copy.err" &&
		diff -r "$1/public" "$W/copy/public" >"$W/diff"
}
# reused: how many files the last build took from the render cache (rcache.h).
reused() { sed -n 's/^planpress: rendered [0-9]* of [0-9]* files; \([0-9]*\) reused from the render cache$/\1/p' "$W/err"; }
# after DESCRIPTION [reuse]: the change was made; wait out the racy window,
# rebuild, and check that the build was real, equals a clean one (built with
# --force: no render cache), and is then stamped. With "reuse", the change
# is one that leaves most pages as they were: the rebuild must have taken
# some from the render cache, which the equality then checks.
after() {
	sleep 1.1
	build "$site" $drafts; rc=$?
	check "$engine: $1: rebuild exits 0" test $rc -eq 0
	[ $rc -eq 0 ] || cat "$W/err" >&2
	check "$engine: $1: noticed (a real build)" fresh
	if [ "${2-}" = reuse ]; then
		n=$(reused)
		check "$engine: $1: unchanged pages reused from the render cache (${n:-none})" test "${n:-0}" -gt 0
	fi
	check "$engine: $1: output equals a clean build" same "$site"
	[ -s "$W/diff" ] && head -n 20 "$W/diff" >&2
	build "$site" $drafts
	check "$engine: $1: the next build is answered from the stamp" stamped
}

# one_engine ENGINE: every case on a site that uses ENGINE. The two engines
# run side by side (most of the time is sleeping out the racy window); each
# prints its counts, which the parent adds.
one_engine() {
	engine=$1
	site=$PP_TMP/site-$engine
	W=$PP_TMP/w-$engine
	mkdir -p "$W"
	# What planpress ships, in a copy this engine's cases may change.
	data=$PP_TMP/data-$engine
	mkdir -p "$data"
	cp -R "$PP_ROOT/themes" "$PP_ROOT/lua" "$data/"
	PLANPRESS_DATADIR=$data
	export PLANPRESS_DATADIR
	drafts=
	mkdir -p "$site"
	cp -R "$PP_ROOT/site.toml" "$PP_ROOT/content" "$site/"
	sed -i "s/^engine = .*/engine = \"$engine\"/" "$site/site.toml"
	sed -i "s#^repo = .*#repo = \"$PP_TMP/pub-$engine.git\"#" "$site/site.toml"
	# A page with a warning, replayed by the stamp.
	printf -- '---\ntitle: 重复标题\n---\n## 甲 {#same}\n\n## 乙 {#same}\n' >"$site/content/twice.md"
	sleep 1.1
	build "$site"
	check "$engine: first build exits 0" test $? -eq 0
	check "$engine: first build is real" fresh
	cp "$W/err" "$W/err1"
	check "$engine: it warns" grep -q "warning: duplicate heading id" "$W/err1"
	build "$site"
	check "$engine: unchanged: exits 0" test $? -eq 0
	check "$engine: unchanged: answered from the stamp" stamped
	check "$engine: unchanged: the same warning, line and caret" \
		sh -c "grep -v '^planpress: ' '$W/err1' >'$W/w1'; grep -v '^planpress: ' '$W/err' >'$W/w2'; cmp -s '$W/w1' '$W/w2' && test -s '$W/w1'"
	check "$engine: unchanged: says what a no-op build says" grep -q "(0 written, [0-9]* unchanged, 0 removed)" "$W/out"
	check "$engine: the stamp is not in the output" test ! -e "$site/public/.planpress"
	check "$engine: unchanged: equals a clean build" same "$site"
	build "$site" --force
	check "$engine: --force builds anyway" fresh

	sed -i 's/各社区党委/各社区党委（改）/' "$site/content/plans/xinhe-2018/tasks/01.md"
	after "front matter" reuse
	printf '\n补充一段正文。\n' >>"$site/content/plans/xinhe-2018/tasks/02.md"
	after "page body" reuse
	sed -i 's/progress: 50, status: in_progress, note: 上半年/progress: 65, status: in_progress, note: 上半年/' \
		"$site/content/bulletins/2019-06-30.md"
	after "a bulletin's update" reuse
	sed -i 's/^title = .*/title = "改过的站点名称"/' "$site/site.toml"
	after "site.toml"
	printf -- '---\ntitle: 新页\n---\n新的一页。\n' >"$site/content/new-page.md"
	after "a new page" reuse
	rm "$site/content/new-page.md"
	after "a page removed" reuse
	# A page whose text stays the same while the page it links to moves: its
	# HTML (from the Markdown cache) must follow the link's new address.
	printf -- '---\ntitle: 链接\n---\n见[关于本站](about.md)。\n' >"$site/content/linker.md"
	after "a page with a link" reuse
	sed -i 's/^title: 关于本站$/title: 关于本站\nslug: guanyu/' "$site/content/about.md"
	after "the page it links to moved" reuse
	check "$engine: the link follows it" grep -q 'guanyu' "$site/public/linker/index.html"
	mv "$site/content/about.md" "$W/about.md"
	sleep 1.1
	build "$site" $drafts
	check "$engine: the page it links to removed: the link is an error again" \
		grep -q "linker.md:4:.*link to missing page or file 'about.md'" "$W/err"
	mv "$W/about.md" "$site/content/about.md"
	rm "$site/content/linker.md"
	after "the link and its page back as they were" reuse
	printf -- '---\ntitle: 草稿\ndraft: true\n---\n草稿。\n' >"$site/content/draft.md"
	after "a draft added" reuse
	drafts=--drafts
	after "--drafts" reuse
	drafts=
	after "without --drafts" reuse
	sed -i 's/跳到正文/跳至正文/' "$data/themes/default/i18n/zh-CN.toml"
	after "an installed theme's i18n file"
	printf '<footer>本站页脚</footer>\n' >>"$data/themes/default/partials/footer.html"
	after "an installed theme's partial"
	mkdir -p "$site/layouts/partials"
	cp "$data/themes/default/partials/footer.html" "$site/layouts/partials/footer.html"
	printf '<p>站点自己的页脚</p>\n' >>"$site/layouts/partials/footer.html"
	after "a site partial overriding the theme's"
	cp "$data/themes/default/templates/page.html" "$site/layouts/page.html"
	sed -i '1s/^/<!-- 自己的模板 -->/' "$site/layouts/page.html"
	after "a site template"
	cp -R "$data/themes/default" "$site/themes-default-copy"
	mkdir -p "$site/themes" && mv "$site/themes-default-copy" "$site/themes/default"
	after "the site's own copy of the theme"
	sed -i 's/<html/<html data-x="1"/' "$site/themes/default/templates/baseof.html"
	after "a template of the site's theme"
	sed -i 's/^local LATEST_BULLETINS = 5/local LATEST_BULLETINS = 4/' "$data/lua/progress.lua"
	after "the installed progress hook"
	mkdir -p "$site/lua"
	sed 's/^local LATEST_BULLETINS = 4/local LATEST_BULLETINS = 2/' "$data/lua/progress.lua" >"$site/lua/progress.lua"
	after "the site's own progress hook"
	# Lua hooks render every page (no render cache): back to the rules as
	# installed, which run as C, for the cases that follow.
	rm -r "$site/lua"
	cp "$PP_ROOT/lua/progress.lua" "$data/lua/progress.lua"
	after "the progress hooks back as installed"
	mkdir -p "$site/static"
	printf 'User-agent: *\n' >"$site/static/robots.txt"
	after "a static file added" reuse
	printf 'Disallow: /x\n' >>"$site/static/robots.txt"
	after "a static file changed" reuse
	mkdir -p "$site/shared"
	printf -- '---\ntitle: 链接页\n---\n链接的正文。\n' >"$site/shared/linked.md"
	ln -s ../shared/linked.md "$site/content/linked.md"
	after "a page through a symbolic link" reuse
	printf '改过。\n' >>"$site/shared/linked.md"
	after "the file a link leads to" reuse
	"$PP_BIN" -C "$site" publish -q >/dev/null 2>&1
	check "$engine: publish exits 0" test $? -eq 0
	after "a publication (the changes page)"
	rm "$site/public/index.html"
	after "an output file removed" reuse
	printf 'x' >>"$site/public/404.html"
	after "an output file edited" reuse
	# The search index is kept whole while its documents stay; a file of it
	# removed or edited is made again (the index is then made, and the
	# rest kept).
	rm "$site/public/search/t/0.js"
	printf 'x' >>"$site/public/search/s/0.js"
	after "search index files removed and edited" reuse
	# A build killed while writing leaves its marker and a temp file.
	mkdir -p "$site/public/plans"
	: >"$site/public/.index.html.tmp-99999999-1"
	: >"$site/public/plans/.index.html.tmp-99999999-2"
	: >"$site/public/.planpress-writing"
	after "a stale temp file in the output" reuse
	check "$engine: and the marker of the killed build is gone" test ! -e "$site/public/.planpress-writing"
	check "$engine: and its temp file in a folder is gone" test ! -e "$site/public/plans/.index.html.tmp-99999999-2"
	check "$engine: and the stale temp file is gone" test ! -e "$site/public/.index.html.tmp-99999999-1"
	SOURCE_DATE_EPOCH=1600000000
	after "SOURCE_DATE_EPOCH"
	SOURCE_DATE_EPOCH=1561852800
	# A build into another folder is a build of its own.
	build "$site" --out "$PP_TMP/elsewhere-$engine"
	check "$engine: --out elsewhere is a real build" fresh
	check "$engine: into that folder" test -s "$PP_TMP/elsewhere-$engine/index.html"
	# A stamp that is damaged is not trusted.
	sleep 1.1
	build "$site"
	build "$site"
	check "$engine: stamped again" stamped
	printf 'garbage' >>"$site/.planpress/build-stamp"
	build "$site"; rc=$?
	check "$engine: a damaged stamp: exits 0" test $rc -eq 0
	check "$engine: a damaged stamp: a real build" fresh
	echo "$pp_pass $pp_fail" >"$PP_TMP/counts-$engine"
}
one_engine md4c &
one_engine cmark &
wait
for engine in md4c cmark; do
	if [ -s "$PP_TMP/counts-$engine" ]; then
		read -r p f <"$PP_TMP/counts-$engine"
		pp_pass=$((pp_pass + p))
		pp_fail=$((pp_fail + f))
	else
		not_ok "$engine: the cases did not finish"
	fi
done
site=$PP_TMP/site-md4c drafts=
# What changes within the racy window is never trusted to the stamp.
printf '\n再改。\n' >>"$site/content/plans/xinhe-2018/tasks/02.md"
build "$site"
build "$site"
check "a change less than a second old: the build after it is real too" fresh
check "and equals a clean build" same "$site"
pp_done stamp
