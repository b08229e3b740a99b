#!/bin/sh
# tests/golden.sh PLANPRESS [--regen]: builds every site under tests/golden/
# and compares the output tree with its expected/ folder (diff -ru).
# PP_JOBS=N builds with --jobs N (tests/tsan.sh).
# With --regen (make regen) each difference is shown, then expected/ is replaced.
regen=0
if [ "${1:-}" = --regen ]; then regen=1; shift; fi
. tests/lib.sh
for dir in tests/golden/*/; do
	name=$(basename "$dir")
	out=$PP_TMP/$name
	engines=$(cat "$dir/engines" 2>/dev/null || echo default)
	for eng in $engines; do
		site=$PP_TMP/site-$name-$eng
		mkdir -p "$site"
		cp -R "$dir/." "$site/"
		rm -rf "$site/expected"
		if [ "$eng" != default ]; then
			printf '\n[markdown]\nengine = "%s"\n' "$eng" >>"$site/site.toml"
		fi
		rm -rf "$out"
		if ! "$PP_BIN" -C "$site" build ${PP_JOBS:+--jobs "$PP_JOBS"} --out "$out" -q >"$PP_TMP/log" 2>&1; then
			not_ok "golden $name ($eng): build failed"
			cat "$PP_TMP/log" >&2
			continue
		fi
		rm -f "$out/.planpress-manifest"
		# The theme's static files are copied as they are: not what a golden test is about.
		(cd "$PP_ROOT/themes/default/static" && find . -type f) | while read -r f; do
			cmp -s "$PP_ROOT/themes/default/static/$f" "$out/$f" && rm -f "$out/$f"
		done
		find "$out" -type d -empty -delete
		if [ "$regen" = 1 ]; then
			diff -ru "$dir/expected" "$out" || true
			rm -rf "$dir/expected"
			cp -R "$out" "$dir/expected"
			ok
		elif diff -ru "$dir/expected" "$out" >"$PP_TMP/diff" 2>&1; then
			ok
		else
			not_ok "golden $name ($eng): output differs from expected/"
			head -n 60 "$PP_TMP/diff" >&2
		fi
	done
done
pp_done golden
