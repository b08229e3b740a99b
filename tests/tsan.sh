#!/bin/sh
# tests/tsan.sh [PLANPRESS]: the golden and determinism tests with the
# ThreadSanitizer build (build/tsan/planpress, make tsan) at --jobs 2 and
# --jobs 8. Any race report ends the run with exit 66, which fails the test.
# Prints each test's summary line, prefixed "tsan ... --jobs N".
cd "$(dirname "$0")/.." || exit 2
bin=${1:-build/tsan/planpress}
case "$bin" in */tsan/*) ;; *) bin=build/tsan/planpress ;; esac
if [ ! -x "$bin" ]; then
	echo "tsan: $bin not built (make build/tsan/planpress)" >&2
	echo "tsan: 0 passed, 1 failed"
	exit 1
fi
TSAN_OPTIONS="halt_on_error=1 exitcode=66 second_deadlock_stack=1"
export TSAN_OPTIONS
rc=0
for jobs in 2 8; do
	for t in golden determinism; do
		out=$(PP_JOBS=$jobs sh "tests/$t.sh" "$bin" 2>&1) || rc=1
		printf '%s\n' "$out" | sed "s/^$t: /tsan $t --jobs $jobs: /"
	done
done
exit $rc
