#!/bin/sh
# tests/serve.sh PLANPRESS: planpress serve end to end, on loopback only, on a
# port the kernel picks (--port 0): pages and MIME types, the theme's 404,
# every traversal form and dotfiles refused, --base-path, a file edit seen by
# an event-stream client as a reload, a broken edit showing the error page
# with file and line, the fix recovering, a clean stop; then headless
# Chromium showing an edit without a manual reload. Every server and client
# runs under timeout, and the test stops each itself. Needs curl (skipped
# without it); the Chromium part is skipped without chromium.
. tests/lib.sh

if ! command -v curl >/dev/null 2>&1; then
	echo "serve: skipped: curl not installed" >&2
	pp_done serve
	exit 0
fi
CHROMIUM=${PP_CHROMIUM:-/usr/bin/chromium}

site=$PP_TMP/site
mkdir -p "$site" "$PP_TMP/tmp"
cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$site/"
# The serve command's private folders go here, to see them removed.
TMPDIR=$PP_TMP/tmp
export TMPDIR
pub=$PP_TMP/pub
"$PP_BIN" -C "$site" build --out "$pub" -q >/dev/null 2>&1 || not_ok "the example site builds"

pids=
trap 'for p in $pids; do kill "$p" 2>/dev/null; done; rm -rf "$PP_TMP"' EXIT

# serve NAME ARGS...: starts planpress serve (at most 180 s) and waits up to
# 20 s for the URL it prints; sets pid and url.
serve() {
	name=$1
	shift
	timeout 180 "$PP_BIN" -C "$site" serve --port 0 "$@" >"$PP_TMP/$name.out" 2>"$PP_TMP/$name.err" &
	pid=$!
	pids="$pids $pid"
	url=
	n=0
	while [ $n -lt 200 ] && [ -z "$url" ]; do
		url=$(grep -o 'http://[^ ]*' "$PP_TMP/$name.out" 2>/dev/null | head -n 1)
		[ -n "$url" ] || sleep 0.1
		n=$((n + 1))
	done
}

# stop PID: SIGTERM, as Ctrl-C would; sets stopped to its exit status.
stop() {
	kill -TERM "$1" 2>/dev/null
	wait "$1"
	stopped=$?
}

# get PATH [CURL ARGS]: the body into $PP_TMP/body, headers into $PP_TMP/head;
# prints the status.
get() {
	p=$1
	shift
	curl -s --path-as-is --max-time 10 -D "$PP_TMP/head" -o "$PP_TMP/body" -w '%{http_code}' "$@" "$url$p"
}
header() { grep -i "^$1:" "$PP_TMP/head" | head -n 1 | sed 's/^[^:]*: *//' | tr -d '\r'; }

# wait_for FILE PATTERN COUNT: waits up to 15 s until FILE has COUNT lines matching PATTERN.
wait_for() {
	n=0
	while [ $n -lt 150 ]; do
		[ "$(grep -c -- "$2" "$1" 2>/dev/null)" -ge "$3" ] 2>/dev/null && return 0
		sleep 0.1
		n=$((n + 1))
	done
	return 1
}

serve main
case $url in
http://127.0.0.1:[0-9]*/) ok ;;
*) not_ok "serve prints its URL on 127.0.0.1: '$url'"; cat "$PP_TMP/main.out" "$PP_TMP/main.err" >&2 ;;
esac

# ---- pages and MIME types ---------------------------------------------------
check "home page 200" test "$(get '')" = 200
check "home page is HTML in UTF-8" test "$(header Content-Type)" = "text/html; charset=utf-8"
check "home page has the reload script before </body>" grep -q '__planpress/events?since=[0-9]*");.*</script></body>' "$PP_TMP/body"
check "the home page is the built one" grep -qF "$(grep -o '<title>[^<]*' "$pub/index.html")" "$PP_TMP/body"
check "the built site has no reload script" test -z "$(grep -rl __planpress "$pub")"
check "css 200" test "$(get css/style.css)" = 200
check "css type" test "$(header Content-Type)" = "text/css; charset=utf-8"
check "css served byte for byte" cmp -s "$PP_TMP/body" "$pub/css/style.css"
check "feed 200" test "$(get feed.xml)" = 200
check "feed type" test "$(header Content-Type)" = "application/xml; charset=utf-8"
check "a HEAD request" test "$(get index.html -I)" = 200
check "POST refused" test "$(get '' -X POST -d x=1)" = 405
bul=$(cd "$site/content/bulletins" && ls ./*.md | head -n 1 | sed 's|^\./||')
page=bulletins/${bul%.md}/
check "a bulletin page 200" test "$(get "$page")" = 200
check "a folder without its slash redirects" test "$(get "${page%/}")" = 301
check "... to the folder" test "$(header Location)" = "/${page}"
check "index.html by name" test "$(get "${page}index.html")" = 200

# ---- 404 and refusals --------------------------------------------------------
check "missing page 404" test "$(get no/such/page/)" = 404
check "404 is the theme's page" grep -qF "$(grep -o '<title>[^<]*' "$pub/404.html")" "$PP_TMP/body"
check "404 page links from the root" grep -q '<head><base href="/">' "$PP_TMP/body"
secret=$(grep -m 1 'title' "$site/site.toml")
for bad in ../site.toml ..%2fsite.toml %2e%2e/site.toml %2e%2e%2fsite.toml .%2e/site.toml \
	css/../../site.toml css/..%2f..%2fsite.toml 'css/%2e%2e/%2e%2e/site.toml' ..%5csite.toml \
	'..\site.toml' '%2f..%2fsite.toml' '/../site.toml' //etc/passwd %2fetc%2fpasswd \
	'index.html%00.css' 'css%2fstyle.css' .planpress-manifest %2eplanpress-manifest css/.hidden; do
	st=$(get "$bad")
	case $st in
	400 | 404) ok ;;
	*) not_ok "$bad refused: got $st" ;;
	esac
	if grep -qF "$secret" "$PP_TMP/body"; then not_ok "$bad leaked site.toml"; else ok; fi
done

# ---- live reload: an edit, a broken edit, the fix -----------------------------
timeout 60 curl -sN "${url}__planpress/events" >"$PP_TMP/events" 2>/dev/null &
cpid=$!
pids="$pids $cpid"
check "event stream greets" wait_for "$PP_TMP/events" '^: planpress serve' 1
get __planpress/events --max-time 1 >/dev/null
check "the stream is text/event-stream" test "$(header Content-Type)" = "text/event-stream; charset=utf-8"
f=$site/content/bulletins/$bul
cp "$f" "$PP_TMP/bulletin.orig"
printf '\n新增的一段进展说明。\n' >>"$f"
check "an edit sends a reload event" wait_for "$PP_TMP/events" '^event: reload' 1
check "the page shows the edit" sh -c "curl -s '$url$page' | grep -q 新增的一段进展说明"
# A broken edit: invalid YAML in the front matter, line 3.
sed '3s/^/bogus: [\n/' "$PP_TMP/bulletin.orig" >"$f"
check "a broken edit sends a reload event" wait_for "$PP_TMP/events" '^event: reload' 2
check "pages show the error page" test "$(get "$page")" = 500
check "... with file and line" grep -q "content/bulletins/$bul:5:[0-9]*: error: YAML" "$PP_TMP/body"
check "... the source line" grep -q "^    5 | [a-z]*: " "$PP_TMP/body"
check "... a caret" grep -q '^      | *\^' "$PP_TMP/body"
check "... and the reload script" grep -q '__planpress/events' "$PP_TMP/body"
check "every page shows it" test "$(get '')" = 500
check "a missing page shows it" test "$(get no/such/)" = 500
check "static files are still served" test "$(get css/style.css)" = 200
check "the server says so" grep -q "content/bulletins/$bul:5:" "$PP_TMP/main.err"
cp "$PP_TMP/bulletin.orig" "$f"
check "the fix sends a reload event" wait_for "$PP_TMP/events" '^event: reload' 3
check "the fix recovers the page" test "$(get "$page")" = 200
check "... without the edit" test -z "$(grep 新增的一段进展说明 "$PP_TMP/body")"
# A new folder is watched too.
mkdir -p "$site/content/notices/新栏目"
printf -- '---\ntitle: 新栏目里的通知\n---\n\n正文。\n' >"$site/content/notices/新栏目/n1.md"
wait_for "$PP_TMP/events" '^event: reload' 4
sleep 0.3
printf -- '---\ntitle: 新栏目里的通知改过了\n---\n\n正文。\n' >"$site/content/notices/新栏目/n1.md"
check "a file in a new folder is watched" wait_for "$PP_TMP/events" '^event: reload' 5
rm -rf "$site/content/notices/新栏目"
check "a folder removed" wait_for "$PP_TMP/events" '^event: reload' 6
kill "$cpid" 2>/dev/null
wait "$cpid" 2>/dev/null

# Idle, it builds nothing more (its own stamp and output are not changes).
n=$(grep -c '^planpress: rebuilt' "$PP_TMP/main.out")
sleep 1
check "idle, no rebuilds" test "$(grep -c '^planpress: rebuilt' "$PP_TMP/main.out")" = "$n"

# ---- a clean stop -------------------------------------------------------------
port=$(printf '%s' "$url" | sed 's|.*:\([0-9]*\)/$|\1|')
timeout 20 "$PP_BIN" -C "$site" serve --port "$port" >"$PP_TMP/dup.out" 2>"$PP_TMP/dup.err"
check "a port in use is an error (exit 2)" test $? = 2
check "... that says so" grep -q "cannot listen on 127.0.0.1 port $port" "$PP_TMP/dup.err"
stop "$pid"
check "SIGTERM stops it with status 0" test "$stopped" = 0
check "it says it stopped" grep -q '^planpress: stopped' "$PP_TMP/main.out"
check "its private folder is removed" test -z "$(ls -A "$PP_TMP/tmp")"

# ---- --base-path and --out ----------------------------------------------------
out=$PP_TMP/out
serve based --base-path /plans-site --out "$out"
check "base path in the URL" test "${url##*/plans-site}" = "/"
root=${url%plans-site/}
url=$root
check "/ leads to the base path" test "$(get '')" = 301
check "... there" test "$(header Location)" = /plans-site/
check "the base path without its slash" test "$(get plans-site)" = 301
check "outside the base path: 404" test "$(get index.html)" = 404
check "the base path serves the home page" test "$(get plans-site/)" = 200
check "... with the events under it" grep -q '"/plans-site/__planpress/events?since=' "$PP_TMP/body"
check "a page under the base path" test "$(get "plans-site/$page")" = 200
check "the 404 page links from the base path" test "$(get plans-site/none/)" = 404
check "... by <base>" grep -q '<base href="/plans-site/">' "$PP_TMP/body"
check "--out writes the site there" test -f "$out/index.html"
check "... without the reload script" test -z "$(grep -rl __planpress "$out")"
ln -s "$site" "$out/escape"
ln -s "$site/site.toml" "$out/site.toml"
check "a symbolic link out of the folder is refused" test "$(get plans-site/escape/site.toml)" = 404
check "... a linked file too" test "$(get plans-site/site.toml)" = 404
stop "$pid"
check "the --out server stops with status 0" test "$stopped" = 0
check "--out is kept" test -f "$out/index.html"

# ---- a site broken from the start, options -------------------------------------
sed '3s/^/bogus: [\n/' "$PP_TMP/bulletin.orig" >"$f"
serve broken
check "a broken site is served all the same" test -n "$url"
check "... with the error page" test "$(get '')" = 500
check "... naming the file" grep -q "content/bulletins/$bul:5:" "$PP_TMP/body"
cp "$PP_TMP/bulletin.orig" "$f"
check "the fix is built" wait_for "$PP_TMP/broken.out" '^planpress: rebuilt' 1
check "... and served" test "$(get '')" = 200
stop "$pid"
check "serve --help exits 0" "$PP_BIN" serve --help
check "... listing --base-path" sh -c "'$PP_BIN' serve --help | grep -q -- --base-path"
"$PP_BIN" -C "$site" serve --port 99999 >/dev/null 2>&1
check "a bad port is a usage error" test $? = 2
"$PP_BIN" -C "$site" serve --base-path '/a/../b/' --port 0 >/dev/null 2>"$PP_TMP/base.err"
check "a bad base path is an error" test $? = 2
check "... that says so" grep -q -- '--base-path' "$PP_TMP/base.err"
"$PP_BIN" -C "$PP_TMP/tmp" serve --port 0 >/dev/null 2>&1
check "no site.toml: status 2" test $? = 2

# ---- headless Chromium: an edit shows without a manual reload -------------------
if ! [ -x "$CHROMIUM" ]; then
	echo "serve: chromium part skipped: chromium not installed ($CHROMIUM)" >&2
	pp_done serve
	exit
fi
serve browser
prof=$PP_TMP/profile
mkdir -p "$prof"
# The page's title, read from Chromium's DevTools list of targets (HTTP, loopback).
timeout 90 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
	--disable-background-networking --disable-component-update --disable-sync \
	--user-data-dir="$prof" --remote-debugging-address=127.0.0.1 --remote-debugging-port=0 \
	"$url$page" >"$PP_TMP/chromium.log" 2>&1 &
chpid=$!
pids="$pids $chpid"
check "chromium opens its DevTools port" wait_for "$prof/DevToolsActivePort" '' 1
dport=$(head -n 1 "$prof/DevToolsActivePort" 2>/dev/null)
title() { curl -s --max-time 5 "http://127.0.0.1:$dport/json/list" | grep -o '"title": *"[^"]*"' | head -n 1; }
old=$(sed -n 's/^title: //p' "$f" | head -n 1)
n=0
until title | grep -qF "$old" || [ $n -ge 150 ]; do sleep 0.1; n=$((n + 1)); done
check "chromium shows the page" sh -c "curl -s --max-time 5 'http://127.0.0.1:$dport/json/list' | grep -qF '$old'"
sed "s/^title: .*/title: 浏览器里看到的新标题/" "$PP_TMP/bulletin.orig" >"$f"
n=0
until title | grep -qF 浏览器里看到的新标题 || [ $n -ge 150 ]; do sleep 0.1; n=$((n + 1)); done
if title | grep -qF 浏览器里看到的新标题; then ok; else
	not_ok "chromium shows the edited title without a manual reload: $(title)"
fi
kill "$chpid" 2>/dev/null
wait "$chpid" 2>/dev/null
stop "$pid"
check "the browser's server stops with status 0" test "$stopped" = 0
pp_done serve
