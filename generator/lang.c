/* lang.c: dates in the site's language. */
#include "lang.h"

#include <string.h>

static const char *const months_en[] = {
	"January", "February", "March", "April", "May", "June",
	"July", "August", "September", "October", "November", "December",
};

enum lang lang_from_code(const char *code)
{
	return code && strncmp(code, "en", 2) == 0 ? LANG_EN : LANG_ZH;
}

void lang_date(enum lang l, const struct datetime *dt, struct buf *out)
{
	if (dt->kind == DT_TIME) {
		buf_printf(out, "%02d:%02d", dt->hour, dt->minute);
		return;
	}
	if (l == LANG_EN && dt->month >= 1 && dt->month <= 12)
		buf_printf(out, "%d %s %d", dt->day, months_en[dt->month - 1], dt->year);
	else
		buf_printf(out, "%d年%d月%d日", dt->year, dt->month, dt->day);
	if (dt->kind != DT_DATE)
		buf_printf(out, " %02d:%02d", dt->hour, dt->minute);
}

void lang_month(enum lang l, int year, int month, struct buf *out)
{
	if (l == LANG_EN && month >= 1 && month <= 12)
		buf_printf(out, "%s %d", months_en[month - 1], year);
	else
		buf_printf(out, "%d年%d月", year, month);
}
