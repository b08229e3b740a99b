# tests/lib.sh: shared by the shell tests. Sourced with the planpress binary as $1.
# Counts checks and prints "NAME: N passed, N failed" at the end (pp_done).
set -u
PP_BIN=${1:?usage: sh $0 PLANPRESS}
case "$PP_BIN" in /*) ;; *) PP_BIN=$(pwd)/$PP_BIN ;; esac
PP_ROOT=$(pwd)
PLANPRESS_DATADIR=${PLANPRESS_DATADIR:-$PP_ROOT}
export PLANPRESS_DATADIR
# Hermetic: the same as tests/run.sh pins, so make regen and make test agree.
# Messages are English: LC_ALL names C.UTF-8, and LANGUAGE (which GNU
# gettext reads before it whenever the locale is not "C") is unset.
TZ=UTC LC_ALL=C.UTF-8 SOURCE_DATE_EPOCH=1561852800
export TZ LC_ALL SOURCE_DATE_EPOCH
unset LANGUAGE
pp_pass=0
pp_fail=0
PP_TMP=$(mktemp -d "${TMPDIR:-/tmp}/pp-test.XXXXXX")
trap 'rm -rf "$PP_TMP"' EXIT

ok() { pp_pass=$((pp_pass + 1)); }
not_ok() { pp_fail=$((pp_fail + 1)); printf 'not ok: %s\n' "$*" >&2; }
# check DESCRIPTION COMMAND...: passes when the command succeeds.
check() { d=$1; shift; if "$@" >/dev/null 2>&1; then ok; else not_ok "$d"; fi; }
pp_done() { printf '%s: %d passed, %d failed\n' "$1" "$pp_pass" "$pp_fail"; [ "$pp_fail" -eq 0 ]; }
