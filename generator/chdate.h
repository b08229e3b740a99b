/* chdate.h: calendar dates as plan staff write them (2019-06-30, 2019年6月30日,
 * 2019年6月底前, 2019年上半年, 2019年第三季度) and the arithmetic hooks need. */
#ifndef PP_CHDATE_H
#define PP_CHDATE_H

#include <stddef.h>
#include <stdint.h>

/* Parses len bytes of UTF-8 text: ISO 2019-06-30 (also with / or . between
 * the parts, and followed by a time, which is ignored), or Chinese:
 *   2019年6月30日 / 2019年6月30号      that day
 *   2019年6月底, 2019年6月末, 2019年6月下旬   the last day of the month
 *   2019年6月上旬, 2019年6月中旬       the 10th, the 20th
 *   2019年底, 2019年末, 2019年下半年   31 December
 *   2019年上半年                       30 June
 *   2019年第一季度, 2019年二季度, 2019年第3季度   the last day of the quarter
 * each optionally followed by 前, 以前, 之前 or 止 ("by"), with full-width
 * digits allowed. Returns 0 and the date, or -1 and a short reason in *why
 * (a static English string). */
int chdate_parse(const char *s, size_t len, int *year, int *month, int *day, const char **why);

/* Moves a date n months on (or back, n < 0), keeping the day but clamping it
 * to the end of a shorter month: 2019-01-31 + 1 month is 2019-02-28.
 * Returns -1 when the year would leave 1..9999. */
int chdate_add_months(int *year, int *month, int *day, int64_t n);

#endif
