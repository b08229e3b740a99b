/* docx.h: a Word document (.docx) read as the importer's text: paragraphs in
 * order with their list numbers as Word shows them, tables as rows of cells;
 * headers, footers, deleted and hidden text left out (libzip, libxml2). */
#ifndef PP_DOCX_H
#define PP_DOCX_H

#include <stddef.h>

#include "buf.h"
#include "diag.h"
#include "docread.h"

/* Largest uncompressed part read (word/document.xml, numbering.xml,
 * styles.xml), in bytes: the XML of a 300-page plan is a few megabytes; a
 * part that inflates past this is a zip bomb or not a plan. Checked against
 * what is actually inflated, not only what the archive claims. */
#define DOCX_MAX_PART (32u * 1024 * 1024)
/* Largest .docx file opened, in bytes: pictures make Word files big, but
 * past this the archive's directory alone is a burden to read. */
#define DOCX_MAX_FILE (256u * 1024 * 1024)
/* Deepest element nesting walked: real documents nest tables in tables a few
 * levels deep (about 10 elements each); libxml2 itself stops at 256. */
#define DOCX_MAX_DEPTH 160
/* Most text made from one document, in bytes: past the importer's own limit,
 * and a stop for what list numbers and spans can multiply (a hostile lvlText
 * of a hundred %1 on every paragraph). */
#define DOCX_MAX_TEXT (16u * 1024 * 1024)
/* Widest table: Word's tables have at most 63 columns. */
#define DOCX_MAX_COLUMNS 63
/* Word's list levels: w:ilvl is 0..8. */
#define DOCX_LEVELS 9

/* Reads the .docx at path and appends its text (raw: before the importer's
 * repair) to out, in the convention docread.h describes: one paragraph per
 * line, a paragraph's list number in front of its text, a w:br line break a
 * new line, a w:tab a space; a table set off by blank lines, one line per
 * row, its cells separated by TAB, a cell's paragraphs joined by a space; a
 * cell spanning N grid columns is followed by N-1 empty cells and a cell
 * continuing a vertical merge is empty, so every row has the grid's columns
 * and a group's text appears once, in its first row, as Word shows it. A
 * table of one column is a box around text (专栏): its paragraphs are lines
 * as in the body, the box set off by blank lines.
 * map (may be NULL) gets each line's paragraph or table row.
 * Returns 0, or -1 after recording an error about path in d. */
int docx_read(const char *path, struct buf *out, struct docread_map *map, struct diags *d);

/* The same from the parts' XML text: doc is word/document.xml; numbering
 * (word/numbering.xml) and styles (word/styles.xml) may be NULL. path names
 * the document in messages. A part holding a DTD (<!DOCTYPE) is refused:
 * no Word part has one, and entities are how XML bombs and external
 * entities (XXE) arrive; the network is never used. */
int docx_parse(const char *path, const char *doc, size_t doclen, const char *numbering,
               size_t numlen, const char *styles, size_t stylen, struct buf *out,
               struct docread_map *map, struct diags *d);

/* Appends n (>= 0) as Word's number format fmt (w:numFmt's w:val) shows it:
 * decimal 1, decimalZero 01, upperRoman/lowerRoman, upperLetter/lowerLetter,
 * chineseCounting 十一 (and digit by digit from 100: 一〇〇),
 * chineseCountingThousand and taiwaneseCountingThousand 一百零一,
 * chineseLegalSimplified 壹拾壹, ideographDigital 一〇, ideographTraditional
 * 甲乙丙 and ideographZodiac 子丑寅 (cycling), decimalFullWidth, the
 * enclosed forms ① ⑴ ⒈; none and bullet append nothing; an unknown format
 * is decimal. */
void docx_format_number(const char *fmt, long n, struct buf *out);

#endif
