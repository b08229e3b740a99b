#!/bin/sh
# tests/fuzz.sh [PLANPRESS]: runs every libFuzzer target (build/fuzz/fuzz_NAME, from
# tests/fuzz/fuzz_NAME.c) for FUZZ_SECONDS (default 8) on tests/fuzz/corpus/NAME;
# a target passes when it ends without a crash, leak, timeout or memory blow-up.
# New inputs go to a scratch folder, never to the committed corpus: a temporary
# one, or build/fuzz/scratch/NAME with FUZZ_KEEP=1 (make fuzz). Crashing inputs
# are kept in build/fuzz/crashes/. FUZZ_ONLY="markdown toml" runs only those.
# The PLANPRESS argument is not used.
set -- "${1:-./planpress}"
cd "$(dirname "$0")/.." || exit 2
. tests/lib.sh
FUZZ_SECONDS=${FUZZ_SECONDS:-8}
# libFuzzer's own limits: per input (s), and the whole process (MiB).
FUZZ_TIMEOUT=10
FUZZ_RSS_MB=2048
crashes=$PP_ROOT/build/fuzz/crashes
mkdir -p "$crashes"
for src in tests/fuzz/fuzz_*.c; do
	name=$(basename "$src" .c)
	name=${name#fuzz_}
	if [ -n "${FUZZ_ONLY:-}" ]; then
		case " $FUZZ_ONLY " in *" $name "*) ;; *) continue ;; esac
	fi
	bin=build/fuzz/fuzz_$name
	if [ ! -x "$bin" ]; then
		not_ok "fuzz $name: $bin not built (make $bin)"
		continue
	fi
	if [ "${FUZZ_KEEP:-}" = 1 ]; then scratch=build/fuzz/scratch/$name; else scratch=$PP_TMP/$name; fi
	mkdir -p "$scratch"
	log=$PP_TMP/$name.log
	# The outer timeout only guards against a fuzzer that ignores its own limits.
	timeout $((FUZZ_SECONDS * 2 + 120)) "$bin" -max_total_time="$FUZZ_SECONDS" \
		-timeout=$FUZZ_TIMEOUT -rss_limit_mb=$FUZZ_RSS_MB -print_final_stats=1 \
		-artifact_prefix="$crashes/$name-" "$scratch" "tests/fuzz/corpus/$name" >"$log" 2>&1
	rc=$?
	runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	new=$(ls "$scratch" | wc -l)
	if [ "$rc" -eq 0 ]; then
		ok
		printf '  fuzz %s: %s runs in %ss, %s new inputs\n' "$name" "${runs:-?}" "$FUZZ_SECONDS" "$new"
	else
		not_ok "fuzz $name: exit $rc (input kept in $crashes/)"
		grep -v -E '^(#[0-9]|INFO:|\s*NEW_FUNC|"|###)' "$log" | head -n 60 >&2
	fi
done
pp_done fuzz
