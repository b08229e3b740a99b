#!/bin/sh
# tests/progress_c.sh PLANPRESS: the differential test of the native progress
# rules (generator/progress.c) against lua/progress.lua. Each site is built
# twice, on both Markdown engines: as it is (the installed progress.lua is
# unchanged, so the C code runs) and with that file copied into the site's
# lua/ folder (which runs it in Lua); the output folders must be the same
# byte for byte, and so must the messages. Sites: tests/progress_c/ (every
# rule and warning) in several settings, tests/progress/, every golden site,
# the example site, a site imported from the seed documents and a generated
# corpus. Then: the C code did run, and an edited installed file runs in Lua.
. tests/lib.sh
lua=$PP_ROOT/lua/progress.lua
seeds=${PP_SEEDS:-/work/shared/seeds}
# Messages with no content position name the hook file: the installed one's
# path on the native side, lua/progress.lua on the Lua side.
norm() { sed -e "s|$lua:|progress.lua:|g" -e 's|^lua/progress.lua:|progress.lua:|' "$1" | sort; }

# pair NAME SITE: the two builds of SITE on both engines, compared.
pair() {
	name=$1
	for eng in md4c cmark; do
		c=$PP_TMP/$name-$eng-c
		l=$PP_TMP/$name-$eng-l
		rm -rf "$c" "$l" "$c.out" "$l.out"
		mkdir -p "$c"
		cp -R "$2/." "$c/"
		rm -rf "$c/expected" "$c/public" "$c/.planpress-stamp"
		if grep -q '^engine *=' "$c/site.toml"; then
			sed -i "s/^engine *=.*/engine = \"$eng\"/" "$c/site.toml"
		elif grep -q '^\[markdown\]' "$c/site.toml"; then
			sed -i "s/^\[markdown\]/[markdown]\nengine = \"$eng\"/" "$c/site.toml"
		else
			printf '\n[markdown]\nengine = "%s"\n' "$eng" >>"$c/site.toml"
		fi
		cp -R "$c" "$l"
		mkdir -p "$l/lua"
		cp "$lua" "$l/lua/progress.lua"
		"$PP_BIN" -C "$c" build -q --out "$c.out" >"$c.log" 2>&1
		rc_c=$?
		"$PP_BIN" -C "$l" build -q --out "$l.out" >"$l.log" 2>&1
		rc_l=$?
		check "$name ($eng): same exit status ($rc_c, $rc_l)" test "$rc_c" -eq "$rc_l"
		check "$name ($eng): builds" test "$rc_c" -eq 0
		if diff -r "$c.out" "$l.out" >"$PP_TMP/diff" 2>&1; then ok; else
			not_ok "$name ($eng): output differs between C and Lua"
			head -n 40 "$PP_TMP/diff" >&2
		fi
		norm "$c.log" >"$c.msg"
		norm "$l.log" >"$l.msg"
		if cmp -s "$c.msg" "$l.msg"; then ok; else
			not_ok "$name ($eng): messages differ between C and Lua"
			diff "$c.msg" "$l.msg" | head -n 20 >&2
		fi
	done
}

# variant NAME SED: tests/progress_c/ with site.toml edited by a sed script.
variant() {
	v=$PP_TMP/variant-$1
	rm -rf "$v"
	mkdir -p "$v"
	cp -R "$PP_ROOT/tests/progress_c/." "$v/"
	sed -i "$2" "$v/site.toml"
	pair "$1" "$v"
}

pair rules "$PP_ROOT/tests/progress_c"
check "rules: the fixture warns of an unknown milestone" grep -q "has no milestone '没有这个节点'" "$PP_TMP/rules-md4c-c.log"
check "rules: and of unknown targets" test "$(grep -c 'has no target' "$PP_TMP/rules-md4c-c.log")" -eq 2
variant en 's/^language = .*/language = "en"\nindex_links = false/'
# The messages in Chinese: progress.c and lua/progress.lua (through P.tr)
# translate them alike.
LANGUAGE=zh_CN
export LANGUAGE
pair rules-zh "$PP_ROOT/tests/progress_c"
check "rules-zh: the unknown milestone, in Chinese" grep -q ': 警告: 任务 .* 没有里程碑“没有这个节点”' "$PP_TMP/rules-zh-md4c-l.log"
check "rules-zh: and the unknown targets" test "$(grep -c ': 警告: 任务 .* 没有指标“' "$PP_TMP/rules-zh-md4c-l.log")" -eq 2
variant margin-text-zh 's/^at_risk_margin = .*/at_risk_margin = "ten"/'
check "margin-text-zh: the margin warning, in Chinese" \
	grep -q 'params.at_risk_margin 必须是 0..100 的百分点数；现使用 15$' "$PP_TMP/margin-text-zh-md4c-l.log"
unset LANGUAGE
variant margin-text 's/^at_risk_margin = .*/at_risk_margin = "ten"/'
check "margin-text: the margin warning" grep -q 'at_risk_margin must be a number' "$PP_TMP/margin-text-md4c-c.log"
variant margin-high 's/^at_risk_margin = .*/at_risk_margin = 101/'
variant margin-int 's/^at_risk_margin = .*/at_risk_margin = 0/'
variant no-margin '/^at_risk_margin/d'
# as_of from SOURCE_DATE_EPOCH (2019-06-30), site.as_of then made by the model
variant epoch '/^as_of/d'
pair progress "$PP_ROOT/tests/progress"
for dir in "$PP_ROOT"/tests/golden/*/; do
	pair "golden-$(basename "$dir")" "$dir"
done
if [ -d "$PP_ROOT/content" ]; then
	mkdir -p "$PP_TMP/example"
	cp -R "$PP_ROOT/content" "$PP_ROOT/site.toml" "$PP_TMP/example/"
	pair example "$PP_TMP/example"
fi
if [ -f "$seeds/000_b3153e47c21a2257.txt" ]; then
	s=$PP_TMP/seeded
	mkdir -p "$s/content"
	cp "$PP_ROOT/site.toml" "$s/"
	printf -- '---\ntitle: 首页\n---\n\n首页\n' >"$s/content/_index.md"
	for seed in 000_b3153e47c21a2257:changgang-2018 001_7e1a8dca1ca48960:seed1 \
	            002_0c7bae69e7ac0a7c:shenzhen-2018 003_89e1321fb2444f5e:jichu; do
		"$PP_BIN" -C "$s" import "$seeds/${seed%%:*}.txt" --plan "${seed##*:}" >/dev/null 2>&1
	done
	check "seeded: the seeds imported" test -d "$s/content/plans/jichu"
	pair seeded "$s"
else
	not_ok "seed documents missing: $seeds"
fi
sh "$PP_ROOT/tests/bench/gen.sh" 300 "$PP_TMP/bench" >/dev/null 2>&1
check "a generated corpus" test -f "$PP_TMP/bench/site.toml"
pair bench "$PP_TMP/bench"

# The C code did run: a Lua budget too small for the rules stops the Lua
# file, and not the native rules, which need no budget.
b=$PP_TMP/budget
rm -rf "$b"
mkdir -p "$b"
cp -R "$PP_ROOT/tests/progress_c/." "$b/"
printf '\n[lua]\nbudget = 1000\n' >>"$b/site.toml"
"$PP_BIN" -C "$b" build -q --out "$b.out" >"$b.log" 2>&1
check "native: the unchanged installed file runs as C (no Lua budget spent)" test $? -eq 0
check "native: and computes the same" diff -r "$b.out" "$PP_TMP/rules-md4c-c.out"
mkdir -p "$b/lua"
cp "$lua" "$b/lua/progress.lua"
"$PP_BIN" -C "$b" build -q --out "$b.out2" >"$b.log" 2>&1
check "native: the site's own copy runs in Lua (and runs out of budget)" test $? -ne 0

# An administrator's edit of the installed file runs in Lua, edit and all.
dd=$PP_TMP/datadir
mkdir -p "$dd/lua"
ln -s "$PP_ROOT/themes" "$dd/themes"
sed 's/^local LATEST_BULLETINS = 5$/local LATEST_BULLETINS = 1/' "$lua" >"$dd/lua/progress.lua"
check "edited: the installed copy is edited" test -n "$(cmp "$lua" "$dd/lua/progress.lua")"
rm -rf "$b/lua" "$b.out3"
sed -i '/^budget = 1000$/d' "$b/site.toml"
PLANPRESS_DATADIR=$dd "$PP_BIN" -C "$b" build -q --out "$b.out3" >"$b.log" 2>&1
check "edited: builds" test $? -eq 0
check "edited: the home page lists one latest bulletin, not five" \
	test "$(grep -c '五月简报\|六月通报' "$b.out3/index.html")" -lt "$(grep -c '五月简报\|六月通报' "$PP_TMP/rules-md4c-c.out/index.html")"

pp_done progress_c
