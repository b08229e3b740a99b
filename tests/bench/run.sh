#!/bin/sh
# tests/bench/run.sh: times planpress (and Hugo, when installed) on generated corpora of 1,000 and 10,000 pages and prints a table, then the speed issue's six targets as measured.
#
# usage: sh tests/bench/run.sh [PLANPRESS]       (default ./planpress; `make bench` runs it)
#
# Environment (all optional):
#   BENCH_SIZES  corpus sizes in task pages      default "1000 10000"
#   BENCH_DIR    where corpora are generated     default build/bench
#   BENCH_RUNS   hyperfine runs per command      default 5
#   HUGO         the hugo to compare with        default hugo (skipped if absent)
#   HYPERFINE    the hyperfine to use            default hyperfine (skipped if absent)
#   BENCH_TIME   GNU time                        default /usr/bin/time
#   BENCH_ONLY   "build", "publish", "serve", "search" or "shapes": that section alone   default all
#   BENCH_SHAPE_TASKS, BENCH_SHAPE_HEADINGS  the shapes' sizes   default 5000, 40000
#   BENCH_CHROMIUM  the browser for the search queries   default /usr/bin/chromium (skipped if absent)
#
# The publish section (issue 10, target 6) takes the largest corpus: its
# first publish and its publish after one task page changed, each against
# `git init && git add -A && git commit` of the same output folder (git from
# PATH). publish builds first, so the builds alone are timed too, and the
# figures compared are publish minus build.
#
# The serve section (issue 11) runs planpress serve on the example site and
# on the 1,000-page corpus (when BENCH_SIZES has 1000) and times, BENCH_RUNS
# times each, from saving a bulletin to the reload event that an
# event-stream client (curl) receives, and to the page fetched again after
# it; the medians are set against the targets (300 ms example, 1 s at 1,000).
# Needs curl; skipped without it.
#
# The search section (issue 14), after each full build: the index's size
# (bytes and shards of public/search/) and, with chromium, three queries
# (党群服务中心, 覆盖率, a unit's name) in headless Chromium from file://: the
# time search.js measures from the query to the first results shown (titles
# and kinds, from search/n.js), and to
# all shown (the median of SEARCH_RUNS fresh browsers, default 5), and the
# bytes the query loaded (meta, names, shards, shown results' texts) as a share of
# the whole index (targets: under 50 ms at 10k pages, under 5 %).
#
# The shapes section: sites of one shape each (one plan of many tasks, one
# bulletin updating all of them, one page of many headings alike: each once
# cost the square of its size) built at a size and at twice it; the time
# should double (tests/bench/shapes.sh).
#
# Needs /usr/bin/time (GNU time, Debian package `time`) for wall time and peak
# memory. Hugo and hyperfine are optional: without them their columns read "-".
# Exit status: 0, 1 when a planpress build failed, 2 on a usage or setup error.
set -u

LC_ALL=C
export LC_ALL

here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)

pp_arg=${1:-./planpress}
case $pp_arg in
-h | --help)
	awk 'NR > 1 && !/^#/ { exit } NR > 1 { sub(/^# ?/, ""); print }' "$0"
	exit 0
	;;
esac
# Resolve the program against the caller's directory before moving to the root.
case $pp_arg in
*/*)
	pp_dir=$(cd "$(dirname "$pp_arg")" 2>/dev/null && pwd) || pp_dir=
	pp="$pp_dir/$(basename "$pp_arg")"
	;;
*) pp=$(command -v "$pp_arg" 2>/dev/null) || pp= ;;
esac
if [ -z "$pp" ] || [ ! -x "$pp" ]; then
	echo "run.sh: '$pp_arg' is not an executable program (build it with: make)" >&2
	exit 2
fi

timer=${BENCH_TIME:-/usr/bin/time}
if [ ! -x "$timer" ] || ! "$timer" -v true >/dev/null 2>&1; then
	echo "run.sh: GNU time is needed at $timer for wall time and peak memory." >&2
	echo "run.sh: install it with: apt-get install time" >&2
	exit 2
fi

sizes=${BENCH_SIZES:-1000 10000}
only=${BENCH_ONLY:-}
case $only in
'' | build | publish | serve | search | shapes) ;;
*)
	echo "run.sh: BENCH_ONLY must be build, publish, serve, search or shapes, got '$only'" >&2
	exit 2
	;;
esac
runs=${BENCH_RUNS:-5}
hugo=${HUGO:-hugo}
hyperfine=${HYPERFINE:-hyperfine}
hugo=$(command -v "$hugo" 2>/dev/null) || hugo=
hyperfine=$(command -v "$hyperfine" 2>/dev/null) || hyperfine=

cd "$root" || exit 2
bench=${BENCH_DIR:-build/bench}
mkdir -p "$bench" || exit 2
bench=$(cd "$bench" && pwd)
rows="$bench/rows.txt"
: >"$rows"
failed=0

# timed LABEL LOG CMD...: runs CMD once under GNU time; sets t_wall, t_user
# and t_sys (seconds), t_rss (peak resident set, KiB) and t_rc.
timed() {
	t_label=$1
	t_log=$2
	shift 2
	"$timer" -v -o "$t_log.time" "$@" >"$t_log" 2>&1
	t_rc=$?
	t_wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {
		n = split($NF, p, ":"); s = 0
		for (i = 1; i <= n; i++) s = s * 60 + p[i]
		printf "%.3f", s }' "$t_log.time")
	t_user=$(awk -F': ' '/User time \(seconds\)/ { printf "%.2f", $NF }' "$t_log.time")
	t_sys=$(awk -F': ' '/System time \(seconds\)/ { printf "%.2f", $NF }' "$t_log.time")
	t_rss=$(awk -F': ' '/Maximum resident set size/ { print $NF }' "$t_log.time")
	[ -n "$t_wall" ] || t_wall=0
	[ -n "$t_user" ] || t_user=0
	[ -n "$t_sys" ] || t_sys=0
	[ -n "$t_rss" ] || t_rss=0
	if [ "$t_rc" -ne 0 ]; then
		echo "  $t_label FAILED (exit $t_rc); last lines of $t_log:" >&2
		tail -n 15 "$t_log" >&2
	fi
}

# fine NAME PREPARE CMD: hyperfine's mean and standard deviation of CMD (a
# shell command line), each run after PREPARE; sets h_mean and h_sd ("-"
# without hyperfine or when it fails).
fine() {
	h_mean=-
	h_sd=-
	[ -n "$hyperfine" ] || return 0
	h_json="$bench/$1.hyperfine.json"
	if "$hyperfine" --warmup 1 --runs "$runs" --style basic --prepare "$2" \
		--export-json "$h_json" "$3" >&2; then
		h_mean=$(sed -n 's/.*"mean": *\([0-9.eE+-]*\).*/\1/p' "$h_json" | head -n 1)
		h_sd=$(sed -n 's/.*"stddev": *\([0-9.eE+-]*\).*/\1/p' "$h_json" | head -n 1)
		[ -n "$h_mean" ] || h_mean=-
		[ -n "$h_sd" ] || h_sd=-
	else
		echo "  hyperfine failed for: $3" >&2
	fi
}

# row PAGES TOOL: appends the figures just measured to the table.
row() {
	printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$1" "$2" "$t_wall" "$t_user" "$t_sys" \
		"$t_rss" "$h_mean" "$h_sd" "$t_rc" "$3" >>"$rows"
}

# q PATH: PATH in single quotes for a shell command line.
q() { printf "'%s'" "$(printf '%s' "$1" | sed "s/'/'\\\\''/g")"; }

# search_bench PAGES PUBLIC: the index's size and three queries' times and
# downloads, appended to $search_summary.
search_summary=
chromium=${BENCH_CHROMIUM:-/usr/bin/chromium}
[ -x "$chromium" ] || chromium=
search_bench() {
	sb=$2/search
	[ -f "$sb/meta.js" ] || return 0
	total=$(find "$sb" -name '*.js' -exec cat {} + | wc -c | tr -d ' ')
	shards=$(sed -n 's/.*"shards":\([0-9]*\).*/\1/p' "$sb/meta.js")
	line=$(printf 'search %7s pages: index %d bytes in %d shards (+ %d text files)' "$1" "$total" "$shards" \
		"$(find "$sb/t" -name '*.js' | wc -l | tr -d ' ')")
	echo "   $line"
	search_summary="$search_summary$line
"
	[ -n "$chromium" ] || { echo "   search queries skipped: no chromium at ${BENCH_CHROMIUM:-/usr/bin/chromium}"; return 0; }
	for sq in 党群服务中心 覆盖率 街道纪工委; do
		enc=$(printf '%s' "$sq" | od -An -tx1 -v | tr -d ' \n' | sed 's/\(..\)/%\1/g')
		# Each query in a fresh browser SEARCH_RUNS times (a page's first
		# scripts vary by tens of ms run to run): the median, with the
		# fastest and slowest.
		: >"$bench/search-ms.txt"
		r=0
		while [ "$r" -lt "${SEARCH_RUNS:-5}" ]; do
			prof=$(mktemp -d "$bench/chromium.XXXXXX")
			timeout 120 "$chromium" --headless --no-sandbox --disable-gpu --no-first-run --user-data-dir="$prof" \
				--host-resolver-rules='MAP * ~NOTFOUND' --virtual-time-budget=30000 \
				--dump-dom "file://$sb/index.html?q=$enc" 2>/dev/null | tr -d '\n' >"$prof.html"
			printf '%s %s %s\n' "$(sed -n 's/.*data-first-ms="\([^"]*\)".*/\1/p' "$prof.html")" \
				"$(sed -n 's/.*data-rank-ms="\([^"]*\)".*/\1/p' "$prof.html")" \
				"$(sed -n 's/.*data-ms="\([^"]*\)".*/\1/p' "$prof.html")" >>"$bench/search-ms.txt"
			r=$((r + 1))
			[ "$r" -lt "${SEARCH_RUNS:-5}" ] && rm -rf "$prof" "$prof.html"
		done
		ms=$(sort -n "$bench/search-ms.txt" | awk '{ v[NR] = $1 } END { if (NR) printf "%s (%s–%s)", v[int((NR + 1) / 2)], v[1], v[NR] }')
		rms=$(sort -n -k2 "$bench/search-ms.txt" | awk '{ v[NR] = $2 } END { if (NR) printf "%s", v[int((NR + 1) / 2)] }')
		ams=$(sort -n -k3 "$bench/search-ms.txt" | awk '{ v[NR] = $3 } END { if (NR) printf "%s", v[int((NR + 1) / 2)] }')
		got=$(sed -n 's/.*<p class="search-status"[^>]*>\([^<]*\)<.*/\1/p' "$prof.html")
		loaded=0
		for f in $(sed -n 's/.*data-loaded="\([^"]*\)".*/\1/p' "$prof.html"); do
			loaded=$((loaded + $(wc -c <"$sb/$f")))
		done
		rm -rf "$prof" "$prof.html"
		line=$(awk -v n="$1" -v q="$sq" -v ms="${ms:--}" -v rms="${rms:--}" -v ams="${ams:--}" -v got="$got" -v l="$loaded" -v t="$total" 'BEGIN {
			printf "search %7s pages: %s: first results %s ms (ranking %s ms, all shown %s ms), loaded %d bytes = %.2f %% of the index (%s)",
				n, q, ms, rms, ams, l, t ? 100 * l / t : 0, got }')
		echo "   $line"
		search_summary="$search_summary$line
"
	done
}

echo "planpress: $pp"
echo "hugo:      ${hugo:-not installed (Debian package hugo), skipped}"
echo "hyperfine: ${hyperfine:-not installed (Debian package hyperfine), skipped}"

for n in $sizes; do
	[ "$only" = shapes ] && break
	d="$bench/$n"
	echo
	echo "== $n task pages in $d"
	gstart=$(date +%s)
	if ! sh "$here/gen.sh" "$n" "$d"; then
		echo "run.sh: gen.sh $n failed" >&2
		exit 2
	fi
	pages=$(find "$d/content" -name '*.md' | wc -l | tr -d ' ')
	echo "   generated $pages pages in $(($(date +%s) - gstart)) s"
	# Files changed less than a second before a build are not trusted to
	# the build stamp (planpress(1), UNCHANGED SITES): let them settle, so
	# that the no-change rebuild below is what a user's would be.
	sleep 1.2

	{ [ "$only" = publish ] || [ "$only" = serve ]; } && continue
	if [ "$only" = search ]; then
		"$pp" -C "$d" build -q --out "$d/public" || failed=1
		search_bench "$pages" "$d/public"
		continue
	fi

	# A full build into an empty output folder. Old output is moved aside
	# (one rename) and deleted at the end: deleting ten thousand folders
	# right before a run makes the next run's file creation several times
	# slower on some disks, for whichever program comes next.
	trash="$d/.trash"
	mkdir -p "$trash"
	aside() { printf 'mkdir -p %s && if [ -e %s ]; then mv %s "$(mktemp -d %s/XXXXXX)"; fi' \
		"$(q "$trash")" "$(q "$1")" "$(q "$1")" "$(q "$trash")"; }
	eval "$(aside "$d/public")"
	h_mean=-
	h_sd=-
	timed "planpress build" "$d/planpress.log" "$pp" -C "$d" build --out "$d/public"
	pp_rc=$t_rc
	out=$(find "$d/public" -name '*.html' 2>/dev/null | wc -l | tr -d ' ')
	if [ "$pp_rc" -eq 0 ]; then
		fine "planpress-$n" "$(aside "$d/public")" \
			"$(q "$pp") -C $(q "$d") build --out $(q "$d/public")"
	else
		failed=1
	fi
	row "$pages" "planpress" "$out"
	echo "   planpress: ${t_wall}s wall, $((t_rss / 1024)) MiB peak, $out html files"
	[ "$pp_rc" -ne 0 ] || search_bench "$pages" "$d/public"

	# The same build again over its own output: the incremental case.
	if [ "$pp_rc" -eq 0 ]; then
		h_mean=-
		h_sd=-
		timed "planpress rebuild" "$d/planpress-rebuild.log" "$pp" -C "$d" build --out "$d/public"
		[ "$t_rc" -eq 0 ] || failed=1
		fine "planpress-rebuild-$n" "true" \
			"$(q "$pp") -C $(q "$d") build --out $(q "$d/public")"
		row "$pages" "planpress (no change)" "$out"
	fi

	if [ -n "$hugo" ]; then
		eval "$(aside "$d/hugo/public")"
		h_mean=-
		h_sd=-
		timed "hugo" "$d/hugo.log" "$hugo" -s "$d/hugo" --quiet
		hout=$(find "$d/hugo/public" -name '*.html' 2>/dev/null | wc -l | tr -d ' ')
		if [ "$t_rc" -eq 0 ]; then
			fine "hugo-$n" "$(aside "$d/hugo/public")" "$(q "$hugo") -s $(q "$d/hugo") --quiet"
		fi
		row "$pages" "hugo" "$hout"
		echo "   hugo:      ${t_wall}s wall, $((t_rss / 1024)) MiB peak, $hout html files"
	fi

	# One bulletin that updates 100 tasks (target 4), dated on the site's
	# as_of so that as_of stays: what changes is what the bulletin touches.
	# It goes in last, so every run above saw the corpus as generated.
	asof=$(sed -n 's/^  "as_of": "\(.*\)",$/\1/p' "$d/public/data/tasks.json" 2>/dev/null | head -n 1)
	if [ "$pp_rc" -eq 0 ] && [ -n "$asof" ]; then
		awk -v n="$n" -v asof="$asof" 'BEGIN {
			print "---"; print "type: bulletin"; print "date: " asof; print "title: 工作进展通报"
			print "updates:"
			for (t = 1; t <= 100 && t <= n; t++)
				printf "  - {task: \"p%04d/%d\", progress: 100, status: done}\n", int((t - 1) / 100) + 1, (t - 1) % 100 + 1
			print "---"; print ""; print "一百项任务完成。"
		}' >"$d/content/bulletins/$asof.md"
		sleep 1.2
		h_mean=-
		h_sd=-
		timed "planpress, one bulletin" "$d/planpress-bulletin.log" "$pp" -C "$d" build --timings --out "$d/public"
		[ "$t_rc" -eq 0 ] || failed=1
		row "$pages" "planpress (one bulletin)" "$out"
		echo "   one bulletin (100 tasks): ${t_wall}s wall"
		rm -f "$d/content/bulletins/$asof.md"
	fi

	# The same pages as plain pages: no plans, no tasks, no dashboards (target 2).
	pd="$bench/plain-$n"
	if sh "$here/gen.sh" "$n" "$pd" plain; then
		sleep 1.2
		eval "$(aside "$pd/public")"
		h_mean=-
		h_sd=-
		timed "planpress plain" "$pd/planpress.log" "$pp" -C "$pd" build --out "$pd/public"
		[ "$t_rc" -eq 0 ] || failed=1
		if [ "$t_rc" -eq 0 ]; then
			fine "planpress-plain-$n" "$(aside "$pd/public")" \
				"$(q "$pp") -C $(q "$pd") build --out $(q "$pd/public")"
		fi
		row "$pages" "planpress, plain" "$(find "$pd/public" -name '*.html' | wc -l | tr -d ' ')"
		echo "   planpress, plain pages: ${t_wall}s wall, $((t_rss / 1024)) MiB peak"
		if [ -n "$hugo" ]; then
			eval "$(aside "$pd/hugo/public")"
			h_mean=-
			h_sd=-
			timed "hugo plain" "$pd/hugo.log" "$hugo" -s "$pd/hugo" --quiet
			if [ "$t_rc" -eq 0 ]; then
				fine "hugo-plain-$n" "$(aside "$pd/hugo/public")" "$(q "$hugo") -s $(q "$pd/hugo") --quiet"
			fi
			row "$pages" "hugo, plain" "$(find "$pd/hugo/public" -name '*.html' | wc -l | tr -d ' ')"
			echo "   hugo, plain pages:      ${t_wall}s wall, $((t_rss / 1024)) MiB peak"
		fi
	fi
	rm -rf "$trash" "$pd/.trash"
done

# Publishing (issue 10, target 6), on the largest corpus: the first publish,
# then a publish after one task page's progress changed, each against
# `git init && git add -A && git commit` of the same output. publish builds
# before it commits, so the same builds are timed alone in a twin of the
# site and the summary compares publish minus build. Everything happens in
# fresh copies, so the corpus itself stays as generated.
# Serving (issue 11): from saving a bulletin to the reload event, and to the
# page fetched again after it. Each site is a copy, so the corpus stays as
# generated. serve_time TAG SITE BULLETIN PAGE: appends the medians to
# $serve_summary; sets failed when the server does not start or a reload
# does not come within 30 s.
serve_summary=
serve_time() {
	st_dir="$bench/serve-$1"
	st_out="$st_dir.out"
	timeout 900 "$pp" -C "$2" serve --port 0 -q >"$st_out" 2>"$st_dir.err" &
	st_pid=$!
	st_url=
	i=0
	while [ $i -lt 600 ] && [ -z "$st_url" ]; do
		st_url=$(grep -o 'http://[^ ]*' "$st_out" 2>/dev/null | head -n 1)
		[ -n "$st_url" ] || sleep 0.1
		i=$((i + 1))
	done
	if [ -z "$st_url" ]; then
		echo "  serve $1 did not start; see $st_dir.err" >&2
		kill "$st_pid" 2>/dev/null
		failed=1
		return
	fi
	# Each event line, stamped in nanoseconds as it arrives.
	timeout 900 curl -sN "${st_url}__planpress/events" | while IFS= read -r line; do
		case $line in event:*) date +%s%N ;; esac
	done >"$st_dir.events" &
	sleep 1
	: >"$st_dir.ms"
	k=1
	while [ $k -le "$runs" ]; do
		sleep 1.2   # a user's pause between saves, outside the stamp's racy window
		before=$(wc -l <"$st_dir.events")
		t0=$(date +%s%N)
		printf '\n第 %d 次修改。\n' "$k" >>"$3"
		i=0
		while [ "$(wc -l <"$st_dir.events")" -le "$before" ] && [ $i -lt 3000 ]; do
			sleep 0.01
			i=$((i + 1))
		done
		if [ "$(wc -l <"$st_dir.events")" -le "$before" ]; then
			echo "  serve $1: no reload event within 30 s" >&2
			failed=1
			break
		fi
		t1=$(tail -n 1 "$st_dir.events")
		curl -s -o /dev/null "$st_url$4"
		t2=$(date +%s%N)
		echo "$(((t1 - t0) / 1000000)) $(((t2 - t0) / 1000000))" >>"$st_dir.ms"
		k=$((k + 1))
	done
	kill "$st_pid" 2>/dev/null
	wait "$st_pid" 2>/dev/null
	pages=$(find "$2/content" -name '*.md' | wc -l | tr -d ' ')
	median() { sort -n | awk '{ v[NR] = $1 } END { if (NR) print v[int((NR + 1) / 2)] }'; }
	ev=$(cut -d' ' -f1 "$st_dir.ms" | median)
	pg=$(cut -d' ' -f2 "$st_dir.ms" | median)
	[ -n "$pg" ] || return
	line=$(awk -v tag="$1" -v pages="$pages" -v target="$5" -v ev="$ev" -v pg="$pg" -v n="$(wc -l <"$st_dir.ms")" 'BEGIN {
		printf "serve %-8s %6s pages: save -> reload event %4d ms, -> page fetched %4d ms (median of %d; target %s ms): %s\n",
			tag, pages, ev, pg, n, target, pg + 0 <= target + 0 ? "met" : "not met" }')
	echo "   $line"
	serve_summary="$serve_summary$line
"
}
if [ -z "$only" ] || [ "$only" = serve ]; then
	if ! command -v curl >/dev/null 2>&1; then
		echo "run.sh: serve section skipped: curl not installed" >&2
	else
		echo
		echo "== serve: save a bulletin -> reload"
		sx="$bench/serve-example-site"
		rm -rf "$sx"
		mkdir -p "$sx"
		cp -R content site.toml "$sx/" || exit 2
		[ -d themes ] && cp -R themes "$sx/"
		[ -d lua ] && cp -R lua "$sx/"
		b=$(cd "$sx/content/bulletins" && ls ./*.md | grep -v _index | LC_ALL=C sort | head -n 1 | sed 's|^\./||')
		serve_time example "$sx" "$sx/content/bulletins/$b" "bulletins/${b%.md}/" 300
		if [ -d "$bench/1000/content" ]; then
			sc="$bench/serve-1000-site"
			rm -rf "$sc"
			mkdir -p "$sc"
			cp -R "$bench/1000/site.toml" "$bench/1000/content" "$sc/" || exit 2
			mkdir -p "$sc/content/bulletins"
			printf -- '---\ntitle: 工作进展通报\n---\n' >"$sc/content/bulletins/_index.md"
			printf -- '---\ntype: bulletin\ndate: 2019-06-30\ntitle: 工作进展通报\nupdates:\n  - {task: "p0001/1", progress: 50, status: in_progress}\n---\n\n进展。\n' \
				>"$sc/content/bulletins/2019-06-30.md"
			serve_time 1000 "$sc" "$sc/content/bulletins/2019-06-30.md" "bulletins/2019-06-30/" 1000
		fi
	fi
fi

# Shapes (issue 10): sites of one shape that once cost the square of their
# size (tests/bench/shapes.sh), each built (--force) at BENCH_SHAPES sizes
# and at twice that: the time should double, not grow fourfold. Each
# build runs BENCH_RUNS times and counts its fastest, so that one slow run
# of a short build does not read as growth.
shape_summary=
if [ -z "$only" ] || [ "$only" = shapes ]; then
	echo
	echo "== shapes: a build in proportion to its size"
	for sh_spec in one-plan:${BENCH_SHAPE_TASKS:-5000} one-bulletin:${BENCH_SHAPE_TASKS:-5000} headings:${BENCH_SHAPE_HEADINGS:-40000}; do
		sh_name=${sh_spec%%:*}
		sh_n=${sh_spec#*:}
		sh_t=
		for sh_size in "$sh_n" "$((2 * sh_n))"; do
			sd="$bench/shape-$sh_name-$sh_size"
			sh "$here/shapes.sh" "$sh_name" "$sh_size" "$sd" || exit 2
			best=
			r=0
			while [ "$r" -lt "$runs" ]; do
				timed "shape $sh_name $sh_size" "$sd.log" "$pp" -C "$sd" build --force -q
				[ "$t_rc" -eq 0 ] || { failed=1; break; }
				best=$(awk -v a="$best" -v b="$t_wall" 'BEGIN { print (a == "" || b + 0 < a + 0) ? b : a }')
				r=$((r + 1))
			done
			sh_t="$sh_t $best"
		done
		line=$(echo "$sh_t" | awk -v name="$sh_name" -v n="$sh_n" '{
			r = $1 > 0 ? $2 / $1 : 0
			printf "shape %-13s %7d -> %7d: %6.3f -> %6.3f s, x%.2f (%s)", name, n, 2 * n, $1, $2, r,
				r <= 2.5 ? "in proportion" : "grows faster than the site" }')
		echo "   $line"
		shape_summary="$shape_summary$line
"
	done
fi

pub_summary=
if [ "$only" != build ] && [ "$only" != serve ] && [ "$only" != search ] && [ "$only" != shapes ]; then
	n=0
	for s in $sizes; do [ "$s" -gt "$n" ] && n=$s; done
	d="$bench/$n"
	p="$bench/publish-$n"
	rm -rf "$p"
	mkdir -p "$p/site" "$p/twin" "$p/home" || exit 2
	cp -R "$d/site.toml" "$d/content" "$p/site/" || exit 2
	printf '\n[publish]\nrepo = "published.git"\nauthor_name = "bench"\nauthor_email = "bench@example.org"\n' \
		>>"$p/site/site.toml"
	cp -R "$p/site/." "$p/twin/" || exit 2
	pages=$(find "$p/site/content" -name '*.md' | wc -l | tr -d ' ')
	# git reads no configuration of this machine's users; its own defaults
	# (gc.auto packing the loose objects of a first commit) are part of what
	# it costs.
	gitenv="env HOME=$p/home GIT_CONFIG_NOSYSTEM=1 GIT_AUTHOR_NAME=bench GIT_AUTHOR_EMAIL=bench@example.org
		GIT_COMMITTER_NAME=bench GIT_COMMITTER_EMAIL=bench@example.org"
	echo
	echo "== publish: $pages pages in $p"
	h_mean=-
	h_sd=-
	# ptimed TOOL LOG CMD...: timed, then a row; t_wall is kept for the summary.
	ptimed() {
		pt_tool=$1
		shift
		timed "$pt_tool" "$@"
		[ "$t_rc" -eq 0 ] || failed=1
		row "$pages" "$pt_tool" "$(find "$p/twin/public" -name '*.html' 2>/dev/null | wc -l | tr -d ' ')"
	}
	# git_settle REPO: a commit of many loose objects starts `git gc --auto`,
	# which goes on in the background after the commit returns. It is not
	# timed (a user does not wait for it), but it is waited for, so that it
	# does not run during the next measurement.
	git_settle() {
		sleep 1
		gs_i=0
		while { [ -f "$1/.git/gc.pid" ] || pgrep -f 'git.* gc ' >/dev/null 2>&1; } && [ $gs_i -lt 600 ]; do
			sleep 0.5
			gs_i=$((gs_i + 1))
		done
	}
	ptimed "build (for publish)" "$p/build.log" "$pp" -C "$p/twin" build
	b1=$t_wall
	cp -R "$p/twin/public" "$p/git1" || exit 2
	# $gitenv unquoted: its words start the command (BENCH_DIR without spaces)
	ptimed "git init+add+commit" "$p/git1.log" $gitenv \
		sh -c 'cd "$1" && git init -q && git add -A && git commit -qm bench' sh "$p/git1"
	g1=$t_wall
	git_settle "$p/git1"
	ptimed "publish, first" "$p/publish1.log" "$pp" -C "$p/site" publish -m bench
	p1=$t_wall
	echo "   build ${b1}s, git init+add+commit ${g1}s, first publish ${p1}s"

	# One task page's progress moves by one point, in the site and its twin.
	task=$(find "$p/site/content" -path '*/tasks/*.md' | LC_ALL=C sort | head -n 1)
	rel=${task#"$p/site/"}
	for s in site twin; do
		awk '!done && /^progress: *[0-9]+ *$/ { v = $2 + 0; $0 = "progress: " (v < 100 ? v + 1 : v - 1); done = 1 } { print }' \
			"$p/$s/$rel" >"$p/$s/$rel.new" && mv "$p/$s/$rel.new" "$p/$s/$rel"
	done
	sleep 1.2   # out of the build stamp's racy window, as above
	touch "$p/changed"
	ptimed "build, one change" "$p/build2.log" "$pp" -C "$p/twin" build
	b2=$t_wall
	# git's turn: the files that build rewrote, copied over its first commit.
	(cd "$p/twin/public" && find . -type f -newer "$p/changed" | while IFS= read -r f; do
		cp "$f" "$p/git1/$f"
	done)
	ptimed "git add+commit, change" "$p/git2.log" $gitenv \
		sh -c 'cd "$1" && git add -A && git commit -qm bench' sh "$p/git1"
	g2=$t_wall
	git_settle "$p/git1"
	ptimed "publish, one change" "$p/publish2.log" "$pp" -C "$p/site" publish -m bench
	p2=$t_wall
	echo "   build ${b2}s, git add+commit ${g2}s, publish ${p2}s after one change"
	pub_first=$(awk -v b1="$b1" -v g1="$g1" -v p1="$p1" 'BEGIN { if (g1 > 0) printf "%.0f", 100 * (p1 - b1) / g1 }')
	pub_again=$(awk -v b2="$b2" -v p2="$p2" 'BEGIN { printf "%.2f", p2 - b2 }')
	pub_summary=$(awk -v n="$pages" -v b1="$b1" -v g1="$g1" -v p1="$p1" -v b2="$b2" -v p2="$p2" 'BEGIN {
		f = p1 - b1; r = p2 - b2
		printf "%7s  publish, first: %.2f s - build %.2f s = %.2f s, %.0f %% of git init+add+commit %.2f s (target: at most 25 %%)\n",
			n, p1, b1, f, (g1 > 0 ? 100 * f / g1 : 0), g1
		printf "%7s  publish, one change: %.2f s - build %.2f s = %.2f s (target: at most 0.3 s)\n", n, p2, b2, r
	}')
fi

# The table: pages/s from hyperfine's mean when there is one (5 runs), else
# from the single timed run.
echo
awk -F'\t' '
# fields: 1 pages, 2 tool, 3 wall, 4 user, 5 sys, 6 rss KiB, 7 mean, 8 sd, 9 rc, 10 html
{
	ok = $9 == 0
	secs = $7 != "-" ? $7 + 0 : $3 + 0
	rate = ok && secs > 0 ? sprintf("%.0f", $1 / secs) : "-"
	mean = $7 == "-" ? "-" : sprintf("%.3f ± %.3f", $7, $8)
	printf "%7s  %-22s %7s %7s %7s %9s %9s %16s %7s%s\n", $1, $2, sprintf("%.2f", $3), $4, $5, rate,
		sprintf("%.1f", $6 / 1024), mean, $10, ok ? "" : "  FAILED (exit " $9 ")"
	if ($2 == "planpress" && ok) pp[$1] = secs
	if ($2 == "hugo" && ok) hg[$1] = secs
	order[++nr] = $1
}
BEGIN {
	printf "%7s  %-22s %7s %7s %7s %9s %9s %16s %7s\n", "pages", "tool", "wall s", "user s", "sys s",
		"pages/s", "peak MiB", "hyperfine s", "html"
}
END {
	for (i = 1; i <= nr; i++) {
		n = order[i]
		if (seen[n]++ || !(n in pp) || !(n in hg) || pp[n] <= 0) continue
		printf "%7s  hugo / planpress = %.2f (above 1: planpress is faster)\n", n, hg[n] / pp[n]
	}
}' "$rows" | tee "$bench/results.txt"
[ -z "$pub_summary" ] || printf '%s\n' "$pub_summary" | tee -a "$bench/results.txt"
[ -z "$serve_summary" ] || printf '%s' "$serve_summary" | tee -a "$bench/results.txt"
[ -z "$search_summary" ] || printf '%s' "$search_summary" | tee -a "$bench/results.txt"
[ -z "$shape_summary" ] || printf '%s' "$shape_summary" | tee -a "$bench/results.txt"

# The six targets of the speed issue, at the largest size measured (and
# 100k against 10k for the scale target, when both were measured).
echo
awk -F'\t' -v pub_first="${pub_first:-}" -v pub_again="${pub_again:-}" '
{
	if ($9 != 0) next
	secs = $7 != "-" ? $7 + 0 : $3 + 0
	t[$1, $2] = secs
	m[$1, $2] = $6 / 1024
	if ($1 + 0 > big) big = $1 + 0
}
function have(n, tool) { return (n, tool) in t }
function verdict(ok) { return ok ? "met" : "not met" }
END {
	n = big
	printf "%-44s %-34s %s\n", "target (issue 10)", "wanted", "measured at " n " pages"
	if (have(n, "planpress") && have(n, "hugo"))
		printf "%-44s %-34s %.1fx Hugo, %.0f %% of its memory: %s\n", "1. plan site, full build", ">= 10x Hugo, <= 25 % memory",
			t[n, "hugo"] / t[n, "planpress"], 100 * m[n, "planpress"] / m[n, "hugo"],
			verdict(t[n, "hugo"] / t[n, "planpress"] >= 10 && m[n, "planpress"] <= 0.25 * m[n, "hugo"])
	if (have(n, "planpress, plain") && have(n, "hugo, plain"))
		printf "%-44s %-34s %.1fx Hugo, %.0f %% of its memory: %s\n", "2. plain site, full build", ">= 15x Hugo, <= 10 % memory",
			t[n, "hugo, plain"] / t[n, "planpress, plain"], 100 * m[n, "planpress, plain"] / m[n, "hugo, plain"],
			verdict(t[n, "hugo, plain"] / t[n, "planpress, plain"] >= 15 && m[n, "planpress, plain"] <= 0.10 * m[n, "hugo, plain"])
	if (have(n, "planpress") && have(n, "planpress (no change)"))
		printf "%-44s %-34s %.1f %% of the full build: %s\n", "3. no-op rebuild", "<= 5 % of the full build",
			100 * t[n, "planpress (no change)"] / t[n, "planpress"], verdict(t[n, "planpress (no change)"] <= 0.05 * t[n, "planpress"])
	if (have(n, "planpress") && have(n, "planpress (one bulletin)"))
		printf "%-44s %-34s %.0f %% of the full build: %s\n", "4. one bulletin updating 100 tasks", "<= 15 % of the full build",
			100 * t[n, "planpress (one bulletin)"] / t[n, "planpress"], verdict(t[n, "planpress (one bulletin)"] <= 0.15 * t[n, "planpress"])
	if (have(100000, "planpress") && have(10000, "planpress"))
		printf "%-44s %-34s %.2fx the time per page, %.0f MiB: %s\n", "5. scale, 100k against 10k pages", "<= 1.3x per page, <= 1024 MiB",
			(t[100000, "planpress"] / 100000) / (t[10000, "planpress"] / 10000), m[100000, "planpress"],
			verdict((t[100000, "planpress"] / 100000) <= 1.3 * (t[10000, "planpress"] / 10000) && m[100000, "planpress"] <= 1024)
	else
		printf "%-44s %-34s %s\n", "5. scale, 100k against 10k pages", "<= 1.3x per page, <= 1024 MiB", "not measured (BENCH_SIZES=\"10000 100000\")"
	if (pub_first != "")
		printf "%-44s %-34s %s %% of git; %s s after one change: %s\n", "6. publish (minus its build)", "<= 25 % of git; <= 0.3 s",
			pub_first, pub_again, verdict(pub_first + 0 <= 25 && pub_again + 0 <= 0.3)
}' "$rows" | tee -a "$bench/results.txt"
echo "(logs and hyperfine JSON in $bench; this table in $bench/results.txt)"
exit "$failed"
