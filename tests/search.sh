#!/bin/sh
# tests/search.sh PLANPRESS: the example site's search page in headless
# Chromium, opened from file:// and served by nginx under a sub-path: the
# queries 党群服务中心, 覆盖率 and a unit's name each show the expected first
# result with the match in <mark>; the search page without JavaScript links
# to the task and unit indexes; every page's header has the search box.
# Skipped (passing, with a note) without chromium.
. tests/lib.sh

CHROMIUM=${PP_CHROMIUM:-/usr/bin/chromium}
if ! [ -x "$CHROMIUM" ]; then
	echo "search: skipped: chromium not installed ($CHROMIUM)" >&2
	pp_done search
	exit 0
fi

# nginx's workers run as www-data: they must be able to read the folder.
chmod 755 "$PP_TMP"
site=$PP_TMP/site
out=$PP_TMP/public
mkdir -p "$site"
cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$site/"
if ! "$PP_BIN" -C "$site" build --out "$out" -q >"$PP_TMP/build.log" 2>&1; then
	not_ok "the example site builds"
	cat "$PP_TMP/build.log" >&2
	pp_done search
	exit 1
fi
ok
chmod -R a+rX "$out"

# The files: the page, the script, the index.
check "search/index.html" test -f "$out/search/index.html"
check "js/search.js" test -f "$out/js/search.js"
check "search/meta.js" test -f "$out/search/meta.js"
check "search/n.js" test -f "$out/search/n.js"
check "shards" test -f "$out/search/s/0.js"
check "texts" test -f "$out/search/t/0.js"
check "no fetch in search.js (file:// forbids it)" sh -c "! grep -q 'fetch(\|XMLHttpRequest' '$out/js/search.js'"
# Every page's header: a plain GET form to the search page, relative.
check "home page's search box" grep -q '<form class="site-search" action="search/index.html" method="get"' "$out/index.html"
check "a task page's search box" grep -q 'action="../../../../search/index.html" method="get"' "$out/plans/xinhe-2018/tasks/05/index.html"
# Without JavaScript: links to the task and unit indexes. (Headless
# Chromium with scripts off neither dumps nor prints a page, so the
# <noscript> block is read from the file.)
sed -n '/<noscript>/,/<\/noscript>/p' "$out/search/index.html" >"$PP_TMP/noscript"
check "noscript links to the plans" grep -q 'href="../plans/index.html"' "$PP_TMP/noscript"
check "noscript links to the units" grep -q 'href="../units/index.html"' "$PP_TMP/noscript"

# dom URL NAME: the search page's DOM after its scripts ran, into NAME.html.
dom() {
	prof=$PP_TMP/profile-$2
	rm -rf "$prof"
	mkdir -p "$prof"
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --host-resolver-rules='MAP * ~NOTFOUND, EXCLUDE 127.0.0.1' \
		--virtual-time-budget=10000 --dump-dom "$1" >"$PP_TMP/$2.html" 2>"$PP_TMP/$2.log"
}
# The first result of NAME.html, one line.
first() { tr -d '\n' <"$PP_TMP/$1.html" | sed 's/<li>/\n<li>/g' | grep -m1 '^<li><span class="search-kind'; }
enc() { printf '%s' "$1" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g'; }

# query BASE WHERE QUERY HREF: the first result links to HREF (from
# search/) and marks the query.
query() {
	name=$2-$(printf '%s' "$3" | cksum | cut -d' ' -f1)
	dom "$1/search/index.html?q=$(enc "$3")" "$name"
	check "$2: $3: the script ran" grep -q 'data-done="1"' "$PP_TMP/$name.html"
	f=$(first "$name")
	case "$f" in
	*"href=\"$4\""*) ok ;;
	*) not_ok "$2: $3: first result is $4"; printf '  got: %.300s\n' "$f" >&2 ;;
	esac
	case "$f" in
	*"<mark>$3</mark>"*) ok ;;
	*) not_ok "$2: $3: <mark>$3</mark> in the first result" ;;
	esac
	check "$2: $3: the first result's page exists" test -f "$out/search/$4"
	check "$2: $3: the query stays in the box" grep -q "id=\"pp-search-q\"" "$PP_TMP/$name.html"
}

# run_all BASE WHERE
run_all() {
	query "$1" "$2" 党群服务中心 "../units/街道党群服务中心/index.html"
	query "$1" "$2" 覆盖率 "../plans/xinhe-2018/tasks/05/index.html"
	# Titles show from search/n.js; the snippet comes with the text file.
	case "$(first "$2-$(printf '%s' 覆盖率 | cksum | cut -d' ' -f1)")" in
	*'<p class="search-plan">'*'<p class="search-snippet">'*'<mark>覆盖率</mark>'*) ok ;;
	*) not_ok "$2: 覆盖率: the first result has its plan and a snippet with the match" ;;
	esac
	query "$1" "$2" 街道网格化服务管理中心 "../units/街道网格化服务管理中心/index.html"
	# A title word over body matches; full-width letters fold; one character.
	# Titles alike rank in the index's order: the plans' pages before the
	# bulletins (a new bulletin renumbers none of them).
	query "$1" "$2" 网格 "../plans/wangge-2019/tasks/01/index.html"
	dom "$1/search/index.html?q=$(enc 无此词语zzzq)" "$2-none"
	check "$2: nothing found says so" grep -q '没有找到包含“无此词语zzzq”的页面' "$PP_TMP/$2-none.html"
	# A query is text, never markup, and "$&" is not a replacement pattern.
	dom "$1/search/index.html?q=$(enc '<b>x9q$&')" "$2-markup"
	check "$2: a query with markup is shown as text" grep -q '没有找到包含“&lt;b&gt;x9q\$&amp;”的页面' "$PP_TMP/$2-markup.html"
	check "$2: and makes no element" sh -c "! grep -q '<b>x9q' '$PP_TMP/$2-markup.html'"
	# Only the shards of the query's tokens and the shown results' texts load.
	loaded=$(tr -d '\n' <"$PP_TMP/$2-none.html" | sed -n 's/.*data-loaded="\([^"]*\)".*/\1/p')
	check "$2: a query without results loads no text" sh -c "! printf '%s' '$loaded' | grep -q 't/'"
}

run_all "file://$out" file

# Typed into the home page's header box and sent (a GET form): the search
# page shows the results. (A copy of the home page fills the box and
# submits it, as a user does.)
typed() {
	sed "s|</body>|<script>var f = document.querySelector('form.site-search'); f.querySelector('input[name=q]').value = '$1'; f.submit();</script></body>|" \
		"$out/index.html" >"$out/type-test.html"
	dom "file://$out/type-test.html" typed
	rm -f "$out/type-test.html"
	f=$(first typed)
	case "$f" in
	*"href=\"$2\""*"<mark>"*) ok ;;
	*) not_ok "typed in the header box: $1: first result is $2, marked"; printf '  got: %.300s\n' "$f" >&2 ;;
	esac
}
typed 覆盖率 "../plans/xinhe-2018/tasks/05/index.html"
typed 党群服务中心 "../units/街道党群服务中心/index.html"
typed 街道网格化服务管理中心 "../units/街道网格化服务管理中心/index.html"

# "More" shows the next 5 in rank order, after the first 5 (chosen without
# sorting every match): a copy of the search page that presses it.
sed 's|</body>|<script>(function w() { var b = document.querySelector(".search-more"); if (b) { b.click(); b.id = "clicked"; } else setTimeout(w, 20); })();</script></body>|' \
	"$out/search/index.html" >"$out/search/more-test.html"
dom "file://$out/search/more-test.html?q=$(enc 党群)" more
rm -f "$out/search/more-test.html"
n_more=$(tr -d '\n' <"$PP_TMP/more.html" | sed 's/<li>/\n<li>/g' | grep -c '^<li><span class="search-kind')
check "more: ten results after pressing it once (got $n_more)" test "$n_more" -eq 10
dom "file://$out/search/index.html?q=$(enc 党群)" five
hrefs() { tr -d '\n' <"$PP_TMP/$1.html" | sed 's/<li>/\n<li>/g' | grep '^<li><span class="search-kind' |
	sed 's/.*<h2><a href="\([^"]*\)".*/\1/'; }
check "more: the first five stay first" test "$(hrefs more | head -5)" = "$(hrefs five)"
check "more: no result twice" test "$(hrefs more | sort -u | wc -l)" -eq 10


# nginx on a free loopback port, serving the site under /a/sub/path/.
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
	not_ok "nginx is not installed (make test-deps installs nginx-light)"
	pp_done search
	exit
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
ng=$PP_TMP/nginx
mkdir -p "$ng/logs" "$ng/tmp"
started=0
for try in 1 2 3 4 5; do
	port=$((20000 + $(od -An -N2 -tu2 /dev/urandom | tr -d ' ') % 20000))
	cat >"$ng/nginx.conf" <<CONF
daemon on;
pid $ng/nginx.pid;
error_log $ng/logs/error.log;
worker_processes 1;
events { worker_connections 64; }
http {
	include /etc/nginx/mime.types;
	access_log $ng/logs/access.log;
	client_body_temp_path $ng/tmp;
	proxy_temp_path $ng/tmp;
	fastcgi_temp_path $ng/tmp;
	uwsgi_temp_path $ng/tmp;
	scgi_temp_path $ng/tmp;
	server {
		listen 127.0.0.1:$port;
		charset utf-8;
		location /a/sub/path/ {
			alias $out/;
		}
	}
}
CONF
	if timeout 10 "$NGINX" -p "$ng" -c "$ng/nginx.conf" >"$PP_TMP/nginx.out" 2>&1; then
		started=1
		break
	fi
done
check "nginx starts on loopback" test $started -eq 1
[ $started -eq 1 ] || { cat "$PP_TMP/nginx.out" >&2; pp_done search; exit; }
stop_nginx() {
	[ -f "$ng/nginx.pid" ] || return 0
	pid=$(cat "$ng/nginx.pid")
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$pid" 2>/dev/null
	rm -f "$ng/nginx.pid"
}
trap 'stop_nginx; [ -n "${PP_KEEP:-}" ] || rm -rf "$PP_TMP"' EXIT
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ "$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/a/sub/path/search/meta.js")" = 200 ] && break
	sleep 0.2
done
run_all "http://127.0.0.1:$port/a/sub/path" served
check "the served search loaded its shards over HTTP" grep -q 'GET /a/sub/path/search/s/' "$ng/logs/access.log"
stop_nginx
pp_done search
