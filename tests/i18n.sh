#!/bin/sh
# tests/i18n.sh PLANPRESS: messages in the user's language (issue 11). Every
# message of the sources (po/extract.sh, as `make po` runs it) has a zh_CN
# translation: none missing, empty, fuzzy or left over, and msgfmt accepts
# the catalog with its format checks. Then, under each way of asking for
# Chinese (LANG, LC_ALL, LC_MESSAGES, LANGUAGE), with no zh_CN locale
# installed, a bad-input case prints its Chinese message at path:line:col,
# a build prints its summary and --help its text in Chinese; the C locale
# and English stay English; the built site does not depend on the language
# of messages; a skipped build replays its warnings in today's language;
# and an installed planpress finds its catalog in ../share/locale.
. tests/lib.sh
po=$PP_ROOT/po/zh_CN.po
pot=$PP_TMP/planpress.pot

# complete PO: 0 when every message of $pot has a translation in PO.
complete() {
	msgcmp -N "$1" "$pot" 2>"$PP_TMP/msgcmp" &&
	msgcmp -N --use-untranslated --use-fuzzy "$pot" "$1" 2>>"$PP_TMP/msgcmp" &&
	! grep -q '^#~' "$1" &&
	[ -z "$(msgattrib --only-fuzzy "$1")" ] &&
	[ -z "$(msgattrib --untranslated "$1")" ]
}

if sh po/extract.sh "$pot" 2>"$PP_TMP/xgettext"; then ok; else not_ok "po/extract.sh failed:"; cat "$PP_TMP/xgettext" >&2; fi
n=$(grep -c '^msgid ' "$pot")
check "po/extract.sh finds the messages (got $n)" test "$n" -gt 300
if complete "$po"; then ok; else
	not_ok "po/zh_CN.po does not translate every message of the sources (run make po, then translate):"
	head -n 30 "$PP_TMP/msgcmp" >&2
	msgattrib --untranslated --only-fuzzy "$po" 2>/dev/null | head -n 20 >&2
fi
if msgfmt --check -o /dev/null "$po" 2>"$PP_TMP/msgfmt"; then ok; else
	not_ok "msgfmt --check po/zh_CN.po:"; head -n 20 "$PP_TMP/msgfmt" >&2
fi
# Chinese has one form; every plural message says so.
check "po/zh_CN.po: Plural-Forms nplurals=1" grep -q '^"Plural-Forms: nplurals=1; plural=0;\\n"$' "$po"
check "po/planpress.pot is what po/extract.sh makes (run make po)" \
	cmp "$pot" "$PP_ROOT/po/planpress.pot"
# The check itself fails on a message without a translation, a fuzzy one,
# and a left-over one.
sed -e 's/^msgstr "无法读取：%s"$/msgstr ""/' "$po" >"$PP_TMP/untr.po"
check "the planted untranslated message is there" grep -q -x 'msgid "cannot read: %s"' "$PP_TMP/untr.po"
if complete "$PP_TMP/untr.po"; then not_ok "an untranslated message passes the check"; else ok; fi
sed -e 's/^msgstr "无法读取：%s"$/msgstr "无法读取：%s"/' -e 's/^\(msgid "cannot read: %s"\)$/#, fuzzy\n\1/' "$po" >"$PP_TMP/fuzzy.po"
check "the planted fuzzy message is there" grep -q -x '#, fuzzy' "$PP_TMP/fuzzy.po"
if complete "$PP_TMP/fuzzy.po"; then not_ok "a fuzzy message passes the check"; else ok; fi
sed -e '0,/^msgstr "无法读取：%s"$/s//msgstr "无法读取：%s"\n#~ msgid "gone"\n#~ msgstr "已删除"/' "$po" >"$PP_TMP/obs.po"
check "the planted left-over entry is there" grep -q '^#~ msgid "gone"' "$PP_TMP/obs.po"
if complete "$PP_TMP/obs.po"; then not_ok "a left-over message passes the check"; else ok; fi

# The whole of stderr of one bad case, in Chinese. No zh_CN locale is
# installed on the test machines (only C.UTF-8): planpress must not need one.
case_dir=$PP_ROOT/tests/bad/schema-task-key
cat >"$PP_TMP/want" <<'EOT'
content/plans/p/tasks/01.md:8:1: 错误: 任务中有未知的键“progres”；您是否想写“progress”？
    8 | progres: 40
      | ^
planpress: 1 个错误；未写入任何内容
EOT
site=$PP_TMP/bad
# zh NAME=VALUE...: the bad case built with only these language variables.
zh() {
	rm -rf "$site"
	cp -R "$case_dir" "$site"
	env -u LC_ALL -u LANGUAGE -u LANG -u LC_MESSAGES "$@" "$PP_BIN" -C "$site" build >"$PP_TMP/out" 2>"$PP_TMP/err"
	echo $? >"$PP_TMP/rc"
}
for how in LANG=zh_CN.UTF-8 LC_ALL=zh_CN.UTF-8 LC_MESSAGES=zh_CN.UTF-8 LANG=zh_CN "LANGUAGE=zh_CN LC_ALL=C.UTF-8" \
	"LANGUAGE=zh_CN:en LANG=en_US.UTF-8" "LANG=en_US.UTF-8 LC_MESSAGES=zh_CN.UTF-8"; do
	# shellcheck disable=SC2086 # several assignments in one word
	zh $how
	check "$how: exit 1" test "$(cat "$PP_TMP/rc")" = 1
	if diff -u "$PP_TMP/want" "$PP_TMP/err" >"$PP_TMP/diff"; then ok; else
		not_ok "$how: the bad case's stderr is not the Chinese one:"; cat "$PP_TMP/diff" >&2
	fi
done
# English: the C locale (GNU: LANGUAGE is then ignored), an English locale,
# LC_ALL before LANG.
for how in "" LC_ALL=C "LANGUAGE=zh_CN LC_ALL=C" LANG=en_US.UTF-8 "LC_ALL=C.UTF-8 LANG=zh_CN.UTF-8" \
	"LC_ALL=en_US.UTF-8 LC_MESSAGES=zh_CN.UTF-8"; do
	# shellcheck disable=SC2086
	zh $how
	if cmp -s "$case_dir/stderr" "$PP_TMP/err"; then ok; else
		not_ok "'$how': not the English message:"; diff -u "$case_dir/stderr" "$PP_TMP/err" >&2
	fi
done

# A build's summary and --help, in Chinese.
for l in zh en; do
	rm -rf "$PP_TMP/site-$l"
	cp -R "$PP_ROOT/tests/golden/basic" "$PP_TMP/site-$l"
	rm -rf "$PP_TMP/site-$l/expected"
done
LANGUAGE=zh_CN "$PP_BIN" -C "$PP_TMP/site-zh" build >"$PP_TMP/out" 2>"$PP_TMP/err"
check "zh: the build succeeds" test $? -eq 0
check "zh: the build's summary is Chinese" \
	grep -q '^planpress: 已将 [0-9]* 个页面和 [0-9]* 个文件生成到 public，用时 [0-9]* 毫秒（写入 [0-9]* 个，未变 0 个，删除 0 个）$' "$PP_TMP/out"
"$PP_BIN" -C "$PP_TMP/site-en" build >"$PP_TMP/out" 2>"$PP_TMP/err"
check "en: the build's summary is English" grep -q '^planpress: built [0-9]* pages and [0-9]* files into public' "$PP_TMP/out"
# The site does not depend on the language of messages.
if diff -r "$PP_TMP/site-zh/public" "$PP_TMP/site-en/public" >"$PP_TMP/diff"; then ok; else
	not_ok "the built site differs with the language of messages:"; head -n 20 "$PP_TMP/diff" >&2
fi
LANGUAGE=zh_CN "$PP_BIN" -C "$PP_TMP/site-zh" check >"$PP_TMP/out" 2>&1
check "zh: check's summary is Chinese" grep -q '^planpress: 已检查 [0-9]* 个页面和 [0-9]* 个文件，没有错误$' "$PP_TMP/out"
LANGUAGE=zh_CN "$PP_BIN" --help >"$PP_TMP/out" 2>&1
check "zh: --help is Chinese" grep -q '^用法：planpress \[-C DIR\] COMMAND \[OPTIONS\]$' "$PP_TMP/out"
check "zh: --help lists the commands in Chinese" grep -q '^  build      将站点生成到 public/（或 --out DIR）$' "$PP_TMP/out"
LANGUAGE=zh_CN "$PP_BIN" build --help >"$PP_TMP/out" 2>&1
check "zh: build --help lists its options in Chinese" grep -q '^  --drafts           包括 draft: true 的页面$' "$PP_TMP/out"
LANGUAGE=zh_CN "$PP_BIN" nosuch >"$PP_TMP/out" 2>&1
check "zh: a usage error is Chinese" grep -q '^planpress: 未知的命令“nosuch”$' "$PP_TMP/out"

# A build the stamp skips replays its warnings in the language asked now.
w=$PP_TMP/warn
cp -R "$PP_ROOT/tests/bad/hook-warning-line" "$w"
"$PP_BIN" -C "$w" build -q 2>"$PP_TMP/err-en"
LANGUAGE=zh_CN "$PP_BIN" -C "$w" build -q 2>"$PP_TMP/err-zh"
check "a warning in English" grep -q ': warning: ' "$PP_TMP/err-en"
check "the same warning in Chinese after it" grep -q '^content/plans/p/tasks/01.md:10:29: 警告: ' "$PP_TMP/err-zh"

# Installed: the catalog in PREFIX/share/locale, beside PREFIX/bin.
inst=$PP_TMP/inst
mkdir -p "$inst/bin" "$inst/share/locale/zh_CN/LC_MESSAGES"
cp "$PP_BIN" "$inst/bin/planpress"
cp "$PP_ROOT/build/locale/zh_CN/LC_MESSAGES/planpress.mo" "$inst/share/locale/zh_CN/LC_MESSAGES/"
LANGUAGE=zh_CN "$inst/bin/planpress" nosuch >"$PP_TMP/out" 2>&1
check "installed: the catalog in ../share/locale is found" grep -q '^planpress: 未知的命令“nosuch”$' "$PP_TMP/out"
pp_done i18n
