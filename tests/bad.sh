#!/bin/sh
# tests/bad.sh PLANPRESS: every site under tests/bad/ must fail with the exit
# status in its "expect" file and print each "error:" line listed there
# (path:line:col: error: message), and must write nothing; when the case
# has a "stderr" file, the whole of stderr must be that, byte for byte (each
# message, its line and its caret, warnings among errors, in order). A case
# that expects exit 0 (warnings only) builds, so it may write.
. tests/lib.sh
for dir in tests/bad/*/; do
	name=$(basename "$dir")
	site=$PP_TMP/$name
	mkdir -p "$site"
	cp -R "$dir/." "$site/"
	[ -f "$site/setup.sh" ] && (cd "$site" && sh ./setup.sh)
	want_rc=$(sed -n 's/^exit //p' "$dir/expect")
	"$PP_BIN" -C "$site" build -q >"$PP_TMP/out" 2>"$PP_TMP/err"
	rc=$?
	if [ "$rc" != "$want_rc" ]; then
		not_ok "bad/$name: exit $rc, want $want_rc"
		cat "$PP_TMP/err" >&2
	else
		ok
	fi
	grep -v '^exit ' "$dir/expect" | while IFS= read -r line; do
		[ -n "$line" ] || continue
		if grep -F -q -- "$line" "$PP_TMP/err"; then echo pass; else echo "fail $line"; fi
	done >"$PP_TMP/lines"
	while IFS= read -r r; do
		case "$r" in
		pass) ok ;;
		*) not_ok "bad/$name: stderr lacks: ${r#fail }"; sed 's/^/    /' "$PP_TMP/err" >&2 ;;
		esac
	done <"$PP_TMP/lines"
	if [ -f "$dir/stderr" ]; then
		if diff -u "$dir/stderr" "$PP_TMP/err" >"$PP_TMP/diff"; then ok; else
			not_ok "bad/$name: stderr differs"; sed 's/^/    /' "$PP_TMP/diff" >&2
		fi
	fi
	if [ "$want_rc" != 0 ] && [ -e "$site/public" ]; then not_ok "bad/$name: wrote public/"; else ok; fi
	# check must agree with build.
	"$PP_BIN" -C "$site" check -q >/dev/null 2>&1
	crc=$?
	if [ "$crc" = "$want_rc" ]; then ok; else not_ok "bad/$name: check exited $crc, want $want_rc"; fi
done
pp_done bad
