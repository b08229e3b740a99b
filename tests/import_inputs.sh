#!/bin/sh
# tests/import_inputs.sh PLANPRESS: `planpress import` on Word and PDF files
# made here from the seeds (build/tests/check_docread --docx/--pdf writes them:
# headings as Word list numbers; wrapped lines, page numbers and a running
# header in the PDF), under wrong extensions: each gives the JSON form of its
# text and passes its tests/import expectations; a .doc, an RTF file and a
# damaged .docx are refused with the file's path, exit 2, nothing written.
. tests/lib.sh
seeds=${PP_SEEDS:-/work/shared/seeds}
case "$PP_BIN" in
*/san/*) mk=$PP_ROOT/build/san/tests/check_docread ;;
*) mk=$PP_ROOT/build/tests/check_docread ;;
esac
pp() { "$PP_BIN" "$@" >"$PP_TMP/out" 2>"$PP_TMP/err"; }
if [ ! -x "$mk" ]; then not_ok "$mk missing (make $mk)"; pp_done import_inputs; exit 1; fi

for exp in tests/import/*.expect.json; do
	name=$(basename "$exp" .expect.json)
	doc=$seeds/$name.txt
	[ -f "$doc" ] || continue
	"$PP_BIN" import "$doc" --format json >"$PP_TMP/text.json" 2>/dev/null
	# A Word file named .txt, and a PDF named .docx: read by their content.
	check "$name: made a .docx" "$mk" --docx "$doc" "$PP_TMP/$name.txt"
	check "$name: made a PDF" "$mk" --pdf "$doc" "$PP_TMP/$name.docx"
	for f in "$PP_TMP/$name.txt" "$PP_TMP/$name.docx"; do
		pp import "$f" --format json
		check "$name: $(basename "$f") imports" test $? -eq 0
		# The same plan; where each task was read ("line") follows each
		# file's own lines, which a Word file or PDF lays out otherwise.
		sed '/^ *"line": [0-9]*,*$/d' "$PP_TMP/out" >"$PP_TMP/out.noline"
		sed '/^ *"line": [0-9]*,*$/d' "$PP_TMP/text.json" >"$PP_TMP/text.noline"
		if cmp -s "$PP_TMP/out.noline" "$PP_TMP/text.noline"; then ok; else
			not_ok "$name: $(basename "$f") gives another plan than the text:"
			diff "$PP_TMP/text.json" "$PP_TMP/out" | head -n 10 >&2
		fi
		pp import "$f" --expect "$exp"
		check "$name: $(basename "$f") matches $exp" test $? -eq 0
	done
done

# Into a site: the report and the pages are those of the text.
doc=$seeds/001_7e1a8dca1ca48960.txt
site=$PP_TMP/site
mkdir -p "$site/content"
cp "$PP_ROOT/site.toml" "$site/"
"$mk" --docx "$doc" "$PP_TMP/zhanjiang.docx"
pp -C "$site" import "$PP_TMP/zhanjiang.docx" --plan zhanjiang-2019
check "a .docx imports into a site" test $? -eq 0
check "its tasks are written" test -s "$site/content/plans/zhanjiang-2019/tasks/25.md"
check "the source is named" grep -q 'zhanjiang.docx' "$site/content/plans/zhanjiang-2019/_index.md"

# Refused with advice: old binary Word, RTF, a damaged .docx, a ZIP that is no Word file.
printf '\320\317\021\340\241\261\032\341\000\000\000\000' >"$PP_TMP/old.doc"
pp -C "$site" import "$PP_TMP/old.doc" --plan old
check ".doc exits 2" test $? -eq 2
check ".doc: the path and the advice" grep -q "old.doc: error: an old binary Word file.*save it as .docx" "$PP_TMP/err"
check ".doc: nothing written" test ! -e "$site/content/plans/old"
printf '{\\rtf1\\ansi x}' >"$PP_TMP/x.rtf"
pp import "$PP_TMP/x.rtf" --dry-run
check ".rtf exits 2" test $? -eq 2
check ".rtf: says RTF" grep -q 'x.rtf: error: an RTF file' "$PP_TMP/err"
head -c 300 "$PP_TMP/zhanjiang.docx" >"$PP_TMP/cut.docx"
pp import "$PP_TMP/cut.docx" --dry-run
check "a damaged .docx exits 2" test $? -eq 2
check "a damaged .docx is named" grep -q 'cut.docx: error:' "$PP_TMP/err"
printf '%%PDF-1.4\ntrailer\n' >"$PP_TMP/bad.pdf"
pp import "$PP_TMP/bad.pdf" --dry-run
check "a damaged PDF exits 2" test $? -eq 2
check "a damaged PDF is named" grep -q 'bad.pdf: error: pdftotext' "$PP_TMP/err"
pp_done import_inputs
