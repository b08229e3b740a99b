/* cntext.h: helpers for Chinese official text: full/half-width folding and
 * stray-space removal, Chinese numerals, date expressions, unit lists. */
#ifndef PP_CNTEXT_H
#define PP_CNTEXT_H

#include <stddef.h>
#include <stdint.h>

#include "buf.h"

/* 1 for characters of Chinese text: CJK ideographs and punctuation,
 * full-width forms, and the general punctuation used with them (“” ‘’ —— …). */
int cntext_is_wide(uint32_t cp);

/* Appends one line of s (valid UTF-8, n bytes, no newline) to out, repaired:
 * full-width digits, letters, ％ ． ＋ and spaces become ASCII; ASCII ( ) become
 * （ ）, and , ; : next to Chinese become ， ； ：; a full-width colon between
 * digits becomes ':'; ** and zero-width characters are dropped; spaces between
 * Chinese characters (or between Chinese and digits) are removed; leading and
 * trailing space is trimmed. */
void cntext_fold_line(const char *s, size_t n, struct buf *out);

/* Reads a Chinese numeral at the start of s: 一 … 九十九, 一百二十, 两千, and
 * the digit-by-digit form of years (二〇一九 → 2019). Stores the value in *val
 * and the bytes read in *used. Returns 1, or 0 when s does not start with one. */
int cntext_number(const char *s, size_t n, long *val, size_t *used);

/* A deadline understood as a calendar date. */
struct cntext_date {
	int year, month, day;   /* year 0: the year is not known (date unknown) */
	int relative;           /* 1: the text names no year; ctx_year was used */
	int precision;          /* what the text names: CNTEXT_YEAR … CNTEXT_DAY */
};

enum { CNTEXT_YEAR, CNTEXT_PART, CNTEXT_MONTH, CNTEXT_DAY };

/* Longest accepted date expression, in bytes (a whole clause is never a date). */
#define CNTEXT_DATE_MAX 96

/* Normalises a Chinese date expression (the whole of s) to the last day of
 * the period it names: 2018年12月底前, 2019年6月底, 9月底前, 年底前, 年内,
 * 上半年, 下半年, 第三季度末前, 2025年9月30日前, 到2020年, 2018年年底前,
 * 二〇一九年四月二十四日. When no year is printed, ctx_year is used (0: not
 * known) and relative is set. Returns 1 when s is such an expression, else 0. */
int cntext_date(const char *s, size_t n, int ctx_year, struct cntext_date *out);

/* Calls emit for each part of s split at any of the characters of seps
 * (UTF-8, e.g. "、，；"), never inside brackets or quotes （）【】〔〕《》〈〉“”
 * ‘’ ( ) [ ]. Parts are trimmed of spaces; empty parts are skipped. */
void cntext_split(const char *s, size_t n, const char *seps,
                  void (*emit)(void *ud, const char *part, size_t len), void *ud);

#endif
