#!/bin/sh
# po/extract.sh OUT: every message of the sources, as a .pot, for `make po`
# and tests/i18n.sh. A function that takes an English printf format and
# translates it (diag_add, and each module's helpers that end in it) is
# named here with the position of its format; a new one needs a line here.
set -eu
cd "$(dirname "$0")/.."
out=${1:?usage: po/extract.sh OUT}
# NAME:ARG of each function whose argument ARG is a message format.
formats="_:1 i18n_plural:1,2 CLI_PLURAL:2,3 cli_usage_error:1
diag_add:8 diag_at:7
err_at:6 yerr:3 gitutil_fail:2 report:4 err:4 warn:4 key_error:3 error_at:3 rerror:4
fail_at:3 fail:2 meta_err:4 luaL_error:2"
set -- --from-code=UTF-8 --package-name=planpress --msgid-bugs-address="the planpress issue tracker" \
	--add-comments=TRANSLATORS: --add-location=file --sort-by-file --keyword=N_
for k in $formats; do
	name=${k%%:*}
	args=${k#*:}
	set -- "$@" "--keyword=$k" "--flag=$name:${args##*,}:c-format"
done
# Hooks in Lua translate with P.tr(format) (script.c). "%s" and "%.*s" (a
# message made elsewhere, passed through) are no messages: excluded.
tmp=$out.tmp
printf 'msgid "%%s"\nmsgstr ""\n\nmsgid "%%.*s"\nmsgstr ""\n' >"$tmp.x"
xgettext "$@" --keyword=P.tr --flag=P.tr:1:lua-format --exclude-file="$tmp.x" -o "$tmp" generator/*.c lua/*.lua
# The date of extraction would make every run differ.
sed -e '/^"POT-Creation-Date:/d' "$tmp" >"$out"
rm -f "$tmp" "$tmp.x"
