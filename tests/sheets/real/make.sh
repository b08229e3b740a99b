#!/bin/sh
# tests/sheets/real/make.sh [NAME...]: makes the real-workbook fixtures
# (issue 14): each tests/sheets/real/src/NAME.fods (or those named) saved
# by LibreOffice as NAME.xls (Excel 97-2003, BIFF8) and NAME.xlsx, as
# offices send them. Run by hand
# from the repository after changing a source; the outputs are committed,
# so tests and CI never need LibreOffice (libreoffice-calc, not in the
# Makefile's package lists). LibreOffice stamps the time it saved into each
# file: make the fixtures again only when a source changed, and commit them.
set -eu
cd "$(dirname "$0")"
command -v soffice >/dev/null 2>&1 || {
	echo "make.sh: soffice not found: apt-get install --no-install-recommends libreoffice-calc" >&2
	exit 2
}
prof=$(mktemp -d "${TMPDIR:-/tmp}/pp-lo.XXXXXX")
trap 'rm -rf "$prof"' EXIT
if [ $# -eq 0 ]; then set -- src/*.fods; fi
for src in "$@"; do
	src=src/$(basename "$src" .fods).fods
	for fmt in xls xlsx; do
		# A profile of its own, so a running LibreOffice of the user is not used.
		HOME=$prof soffice -env:UserInstallation="file://$prof/user" --headless \
			--convert-to "$fmt" --outdir . "$src" >/dev/null
		test -s "$(basename "$src" .fods).$fmt"
	done
done
for src in "$@"; do ls -l "$(basename "$src" .fods)".xls*; done
