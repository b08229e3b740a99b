#!/bin/sh
# tests/bench/run.sh: times planpress (and Hugo, when installed) on generated corpora of 1,000 and 10,000 pages and prints a table.
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

echo "planpress: $pp"
echo "hugo:      ${hugo:-not installed (Debian package hugo), skipped}"
echo "hyperfine: ${hyperfine:-not installed (Debian package hyperfine), skipped}"

for n in $sizes; do
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
	rm -rf "$trash"
done

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
echo "(logs and hyperfine JSON in $bench; this table in $bench/results.txt)"
exit "$failed"
