#!/bin/sh
# tests/lint.sh PLANPRESS: house rules a compiler does not check. strerror is
# not thread-safe (issue 9.23): messages use diag_errstr; every source file
# starts with its purpose line; no process-wide SIGPIPE disposition.
. tests/lib.sh
hits=$(grep -n 'strerror *(' generator/*.c | grep -v '^generator/diag\.c:' || true)
if [ -z "$hits" ]; then ok; else not_ok "strerror outside diag.c:"; printf '%s\n' "$hits" >&2; fi
# A process-wide signal disposition set in the library outlives the call that
# wanted it (issue 9.23): push blocks SIGPIPE in its own thread instead.
hits=$(grep -n 'signal *( *SIGPIPE' generator/*.c || true)
if [ -z "$hits" ]; then ok; else not_ok "process-wide SIGPIPE disposition:"; printf '%s\n' "$hits" >&2; fi
for f in generator/*.c generator/*.h; do
	if head -n 1 "$f" | grep -q "^/\* $(basename "$f"): "; then ok; else not_ok "$f: no purpose line"; fi
done
pp_done lint
