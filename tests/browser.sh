#!/bin/sh
# tests/browser.sh PLANPRESS: renders the example site in headless Chromium at
# desktop and phone widths, saves screenshots, and fails when a page requests
# anything outside the site or writes to the console. Skipped without chromium.
#
# Chromium is driven from the command line only (no Node, no Python): console
# messages come from its log (--enable-logging=stderr: every message a page
# logs appears as INFO:CONSOLE, whatever its level, so any message fails), and
# requests from its NetLog (--log-net-log), where a request a page makes carries
# the page's file:// origin while Chromium's own background traffic does not.
# Host names resolve to nothing, so the test never reaches the network.
. tests/lib.sh

CHROMIUM=${PP_CHROMIUM:-/usr/bin/chromium}
if ! [ -x "$CHROMIUM" ]; then
	echo "browser: skipped: chromium not installed ($CHROMIUM)" >&2
	pp_done browser
	exit 0
fi
shots=${PP_SCREENSHOTS:-$PP_ROOT/build/screenshots}
mkdir -p "$shots"

site=$PP_TMP/site
out=$PP_TMP/public
mkdir -p "$site"
cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$site/"
if ! "$PP_BIN" -C "$site" build --out "$out" -q >"$PP_TMP/build.log" 2>&1; then
	not_ok "the example site builds"
	cat "$PP_TMP/build.log" >&2
	pp_done browser
	exit 1
fi
ok

# A task page and its section; the first plan found (walks are sorted).
task=$(cd "$out" && find plans -path '*/tasks/*/index.html' 2>/dev/null | sort | head -n 1)
[ -n "$task" ] || task=$(cd "$out" && find . -mindepth 2 -name index.html | sort | tail -n 1 | sed 's|^\./||')
section=$(dirname "$(dirname "$task")")/index.html

# The plan dashboard and the task page with the most on them: the largest
# page of each kind (a plan page carries the theme's plan-header class, a
# task page the progress chart), ties broken by name.
largest() { xargs -r ls -l 2>/dev/null | awk '{ print $5, $NF }' | sort -k1,1nr -k2 | head -n 1 | cut -d' ' -f2 | sed 's|^\./||'; }
plan=$(cd "$out" && grep -rl --include=index.html 'class="doc-header plan-header"' . | largest)
richtask=$(cd "$out" && grep -rl --include=index.html 'class="line-svg"' . | largest)

# render NAME FILE WIDTH HEIGHT: screenshot into $PP_TMP/NAME.png, console log
# into NAME.log, NetLog into NAME.net. Returns chromium's status.
render() {
	prof=$PP_TMP/profile-$1
	rm -rf "$prof"
	mkdir -p "$prof"
	timeout 60 "$CHROMIUM" --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
		--disable-background-networking --disable-component-update --disable-sync \
		--user-data-dir="$prof" --enable-logging=stderr --v=0 \
		--log-net-log="$PP_TMP/$1.net" --host-resolver-rules='MAP * ~NOTFOUND' \
		--hide-scrollbars --force-device-scale-factor=1 --window-size="$3,$4" \
		--screenshot="$PP_TMP/$1.png" "file://$2" >"$PP_TMP/$1.out" 2>"$PP_TMP/$1.log"
}

# Console messages a render logged (one per line), empty when none.
console_of() { grep -E ':CONSOLE[:(]' "$PP_TMP/$1.log" | sed 's/^[^]]*] //'; }

# Non-local URLs the page itself requested: events carrying the page's file://
# origin (initiator "null" for an opaque file origin, or a file:// isolation key).
requests_of() {
	grep -E '"initiator":"null"|"network_isolation_key":"file:' "$PP_TMP/$1.net" 2>/dev/null |
		grep -oE '"url":"[^"]*"' | sed 's/^"url":"//; s/"$//' |
		grep -vE '^(file|data|blob|about):' | sort -u
}

# Width of a PNG from its IHDR chunk (bytes 17-20, big-endian).
png_width() { od -An -tu1 -j16 -N4 "$1" | awk '{ print $1 * 16777216 + $2 * 65536 + $3 * 256 + $4 }'; }

for page in "home:index.html" "section:$section" "task:$task" "plan:$plan" "task-dashboard:$richtask"; do
	name=${page%%:*}
	file=$out/${page#*:}
	if [ -z "${page#*:}" ] || ! [ -f "$file" ]; then
		not_ok "$name page exists: ${page#*:}"
		continue
	fi
	# Dashboards are long: tall enough windows to see them whole.
	case $name in
	plan) sizes="1280x5600 375x9600" ;;
	task-dashboard) sizes="1280x2800 375x4200" ;;
	*) sizes="1280x1600 375x2000" ;;
	esac
	for size in $sizes; do
		w=${size%x*}
		h=${size#*x}
		shot=$name-$w
		if ! render "$shot" "$file" "$w" "$h" || ! [ -s "$PP_TMP/$shot.png" ]; then
			not_ok "$shot: chromium rendered a screenshot"
			tail -n 5 "$PP_TMP/$shot.log" >&2
			continue
		fi
		ok
		cp "$PP_TMP/$shot.png" "$shots/$shot.png"
		check "$shot: screenshot is $w px wide" test "$(png_width "$PP_TMP/$shot.png")" -eq "$w"
		msgs=$(console_of "$shot")
		if [ -n "$msgs" ]; then not_ok "$shot: console messages:"; printf '%s\n' "$msgs" >&2; else ok; fi
		reqs=$(requests_of "$shot")
		if [ -n "$reqs" ]; then not_ok "$shot: requests outside the site:"; printf '%s\n' "$reqs" >&2; else ok; fi
	done
done

# The detectors must fire: a copy of the output with a remote image in one page
# and a console error in another.
neg=$PP_TMP/negative
cp -R "$out" "$neg"
sed 's|</body>|<img src="https://example.com/x.png" alt="">\n</body>|' "$out/index.html" >"$neg/remote.html"
sed 's|</body>|<script>console.error("planpress-browser-test")</script>\n</body>|' "$out/index.html" >"$neg/console.html"
if render neg-remote "$neg/remote.html" 1280 800; then
	reqs=$(requests_of neg-remote)
	case "$reqs" in *https://example.com/x.png*) ok ;; *) not_ok "a remote image is detected (got: $reqs)" ;; esac
	check "no console message on the clean copy" test -z "$(console_of neg-remote)"
else
	not_ok "chromium renders the remote-image copy"
fi
if render neg-console "$neg/console.html" 1280 800; then
	case "$(console_of neg-console)" in *planpress-browser-test*) ok ;; *) not_ok "a console error is detected" ;; esac
	check "no remote request on the clean copy" test -z "$(requests_of neg-console)"
else
	not_ok "chromium renders the console-error copy"
fi

pp_done browser
