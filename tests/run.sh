#!/bin/sh
# tests/run.sh: runs every test program and script, plain and under
# AddressSanitizer+UBSan, then the fuzz targets and ThreadSanitizer runs once
# (tests/fuzz.sh, tests/tsan.sh; skipped with PP_NO_SAN=1, as make test-plain does),
# and sums their "N passed, N failed" lines.
# The last line printed is the total; the exit status is non-zero on any failure.
set -u
cd "$(dirname "$0")/.." || exit 2
TZ=UTC LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1561852800
export TZ LC_ALL SOURCE_DATE_EPOCH
unset LANGUAGE   # English messages (see tests/lib.sh)
PP_CONFORMANCE=${PP_CONFORMANCE:-$(cd .. && pwd)/shared/conformance}
PP_SEEDS=${PP_SEEDS:-$(cd .. && pwd)/shared/seeds}
PP_REAL_DOCS=${PP_REAL_DOCS:-$(cd .. && pwd)/shared/real-docs}
export PP_CONFORMANCE PP_SEEDS PP_REAL_DOCS
ASAN_OPTIONS=detect_leaks=1:abort_on_error=0
UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export ASAN_OPTIONS UBSAN_OPTIONS

log=build/test.log
mkdir -p build
: >"$log"
pass=0
fail=0

# run LABEL CMD...: runs one test program, adds up its summary lines.
run() {
	label=$1
	shift
	t0=$(date +%s)
	out=$("$@" 2>&1)
	rc=$?
	secs=$(($(date +%s) - t0))
	printf '%s\n' "$out" >>"$log"
	sums=$(printf '%s\n' "$out" | grep -E '^[^ ].*: [0-9]+ passed, [0-9]+ failed' || true)
	if [ -z "$sums" ]; then
		fail=$((fail + 1))
		printf 'FAIL %s: no summary line (exit %d)\n' "$label" "$rc"
		printf '%s\n' "$out" | tail -n 20
		return
	fi
	p=0
	f=0
	for line in $(printf '%s\n' "$sums" | sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed.*/\1:\2/'); do
		p=$((p + ${line%%:*}))
		f=$((f + ${line##*:}))
	done
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		printf '%s\n' "$out" | tail -n 20
	fi
	pass=$((pass + p))
	fail=$((fail + f))
	if [ "$f" -gt 0 ]; then
		printf 'FAIL %s: %d passed, %d failed (%d s)\n' "$label" "$p" "$f" "$secs"
		printf '%s\n' "$out" | grep -v -E ': [0-9]+ passed, 0 failed' | tail -n 30
	else
		printf 'ok   %s: %d passed (%d s)\n' "$label" "$p" "$secs"
	fi
	# Conformance suites: show the counts per module (once, for the plain build).
	case "$label" in
	plain/conf_*) printf '%s\n' "$out" | grep -E '^[^ ].*[0-9]+/[0-9]+' | grep -v 'known failure:' | sed 's/^/       /' ;;
	esac
}

suites="plain"
[ "${PP_NO_SAN:-}" = 1 ] || suites="plain san"
for s in $suites; do
	if [ "$s" = plain ]; then dir=build/tests; bin=./planpress; else dir=build/san/tests; bin=build/san/planpress; fi
	for t in "$dir"/check_* "$dir"/conf_*; do
		[ -x "$t" ] || continue
		run "$s/$(basename "$t")" "$t"
	done
	for t in tests/*.sh; do
		case "$t" in tests/run.sh|tests/lib.sh|tests/fuzz.sh|tests/tsan.sh) continue ;; esac
		run "$s/$(basename "$t" .sh)" sh "$t" "$bin"
	done
done

if [ "${PP_NO_SAN:-}" != 1 ]; then
	run fuzz sh tests/fuzz.sh
	run tsan sh tests/tsan.sh
fi

echo "(full output in $log)"
echo "$pass passed, $fail failed"
[ "$fail" -eq 0 ]
