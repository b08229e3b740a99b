#!/bin/sh
# tests/nginx.sh PLANPRESS: a publication served as the intranet serves it:
# Debian's nginx, on loopback, with its own configuration and pid file,
# serving the [publish] worktree under /plans/ (base_url = "/plans/") with
# the site's 404 page. Every link of every page answers 200; the
# repository's files and every dotfile answer 404; a deep missing URL gets
# the styled 404 page, whose links work. The test stops nginx itself.
. tests/lib.sh
if ! command -v nginx >/dev/null 2>&1 && [ ! -x /usr/sbin/nginx ]; then
	not_ok "nginx is not installed (make test-deps installs nginx-light)"
	pp_done nginx
	exit
fi
NGINX=$(command -v nginx || echo /usr/sbin/nginx)
# nginx's workers run as www-data: they must be able to read the folder.
chmod 755 "$PP_TMP"
site=$PP_TMP/site
www=$PP_TMP/www
mkdir -p "$site"
cp -R "$PP_ROOT/site.toml" "$PP_ROOT/content" "$site/"
sed -i 's#^base_url = .*#base_url = "/plans/"#' "$site/site.toml"
sed -i "s#^repo = .*#repo = \"$PP_TMP/pub.git\"\nworktree = \"$www\"#" "$site/site.toml"
"$PP_BIN" -C "$site" publish -q -m "第一次发布" >"$PP_TMP/out" 2>"$PP_TMP/err"
check "publish with a worktree exits 0" test $? -eq 0
check "the worktree holds the site" test -f "$www/index.html"

# nginx on a free loopback port, its files all in $PP_TMP/nginx.
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
		location /plans/ {
			alias $www/;
			error_page 404 /plans/404.html;
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
[ $started -eq 1 ] || { cat "$PP_TMP/nginx.out" >&2; pp_done nginx; exit; }
# Stops nginx and waits (bounded) until it is gone.
stop_nginx() {
	[ -f "$ng/nginx.pid" ] || return 0
	pid=$(cat "$ng/nginx.pid")
	kill "$pid" 2>/dev/null
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
	kill -9 "$pid" 2>/dev/null
	rm -f "$ng/nginx.pid"
}
trap 'stop_nginx; rm -rf "$PP_TMP"' EXIT
get() { curl -s -m 5 -o "$PP_TMP/body" -w '%{http_code}' "http://127.0.0.1:$port$1"; }
for i in 1 2 3 4 5 6 7 8 9 10; do [ "$(get /plans/)" = 200 ] && break; sleep 0.2; done

check "the home page under /plans/" test "$(get /plans/)" = 200
# Every link and source of every page, resolved as a browser would.
find "$www" -name '*.html' | sort | while read -r f; do
	dir=$(dirname "$f")
	grep -o ' \(href\|src\)="[^"]*"' "$f" | sed 's/^ [a-z]*="//; s/"$//' | while read -r u; do
		case "$u" in '' | '#'* | *:*) continue ;; esac
		u=${u%%#*}
		u=${u%%\?*}
		case "$u" in
		/*) echo "$u" ;;
		*)
			p=$(realpath -m "$dir/$u")
			case "$u" in */ | . | ./) p="$p/" ;; esac
			echo "/plans${p#"$www"}"
			;;
		esac
	done
done | sort -u >"$PP_TMP/urls"
n=$(wc -l <"$PP_TMP/urls" | tr -d ' ')
check "links to crawl ($n)" test "$n" -gt 50
bad=0
while read -r u; do
	code=$(get "$u")
	if [ "$code" != 200 ]; then
		bad=$((bad + 1))
		echo "  $code $u" >&2
	fi
done <"$PP_TMP/urls"
check "every link answers 200" test $bad -eq 0
# Nothing but the site: no repository, no dotfile.
check "/plans/.git/config is 404" test "$(get /plans/.git/config)" = 404
check "/plans/.git/HEAD is 404" test "$(get /plans/.git/HEAD)" = 404
check "no dotfile in the served folder" test -z "$(find "$www" -name '.*' ! -name . | head -n 1)"
check "/plans/.planpress-manifest is 404" test "$(get /plans/.planpress-manifest)" = 404
# A deep missing URL: the site's 404 page, styled, its links working.
check "a deep missing URL is 404" test "$(get /plans/a/b/c/missing/)" = 404
check "with the site's 404 page" grep -q "$(sed -n 's/^title = "\(.*\)"/\1/p' "$site/site.toml" | head -n 1)" "$PP_TMP/body"
grep -o ' \(href\|src\)="/[^"]*"' "$PP_TMP/body" | sed 's/^ [a-z]*="//; s/"$//' | sort -u >"$PP_TMP/links404"
check "the 404 page links from the site's address" grep -q '^/plans/css/style.css$' "$PP_TMP/links404"
bad=0
while read -r u; do
	[ "$(get "$u")" = 200 ] || { bad=$((bad + 1)); echo "  404 page link: $u" >&2; }
done <"$PP_TMP/links404"
check "every link of the 404 page answers 200" test $bad -eq 0
# A second publication reaches the served folder.
sed -i 's/关于本站/关于本站点/' "$site/content/about.md"
"$PP_BIN" -C "$site" publish -q -m "第二次发布" >"$PP_TMP/out" 2>"$PP_TMP/err"
check "second publication served" sh -c "curl -s -m 5 'http://127.0.0.1:$port/plans/about/index.html' | grep -q 关于本站点"
master=$(cat "$ng/nginx.pid")
stop_nginx
check "nginx stopped" sh -c "! kill -0 $master 2>/dev/null"
pp_done nginx
