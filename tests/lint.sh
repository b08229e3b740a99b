#!/bin/sh
# tests/lint.sh PLANPRESS: house rules a compiler does not check. strerror is
# not thread-safe (issue 9.23): messages use diag_errstr; every source file
# starts with its purpose line; no process-wide SIGPIPE disposition; arrays
# and tables are read through value.h's accessors.
. tests/lib.sh
hits=$(grep -n 'strerror *(' generator/*.c | grep -v '^generator/diag\.c:' || true)
if [ -z "$hits" ]; then ok; else not_ok "strerror outside diag.c:"; printf '%s\n' "$hits" >&2; fi
# A process-wide signal disposition set in the library outlives the call that
# wanted it (issue 9.23): push blocks SIGPIPE in its own thread instead.
hits=$(grep -n 'signal *( *SIGPIPE' generator/*.c || true)
if [ -z "$hits" ]; then ok; else not_ok "process-wide SIGPIPE disposition:"; printf '%s\n' "$hits" >&2; fi
# Modules read arrays and tables through value_len, value_at, value_pair_at
# and value_next, never the union, so struct value's layout is value.c's own.
# Allowed: value.c and value.h (the tree itself), and a line that reorders or
# replaces elements in place, which says so with the comment "writes in place".
hits=$(grep -n 'u\.\(arr\|tab\)\.' generator/*.c generator/*.h |
	grep -v '^generator/value\.[ch]:' | grep -v '/\* writes in place \*/' || true)
if [ -z "$hits" ]; then ok; else
	not_ok "$(printf '%s\n' "$hits" | wc -l | tr -d ' ') line(s) read u.arr/u.tab outside value.c (use value.h's accessors):"
	printf '%s\n' "$hits" >&2
fi
for f in generator/*.c generator/*.h; do
	if head -n 1 "$f" | grep -q "^/\* $(basename "$f"): "; then ok; else not_ok "$f: no purpose line"; fi
done
pp_done lint
