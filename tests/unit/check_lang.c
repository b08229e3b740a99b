/* check_lang.c: dates in words, per language. */
#include "check.h"

#include "buf.h"
#include "lang.h"

static const char *date(enum lang l, struct datetime dt)
{
	static struct buf b;
	buf_reset(&b);
	lang_date(l, &dt, &b);
	return buf_cstr(&b);
}

int main(void)
{
	struct datetime d = { .kind = DT_DATE, .year = 2019, .month = 6, .day = 30 };
	CHECK_STR(date(LANG_ZH, d), "2019年6月30日");
	CHECK_STR(date(LANG_EN, d), "30 June 2019");
	struct datetime t = { .kind = DT_LOCAL, .year = 2019, .month = 1, .day = 5, .hour = 9, .minute = 7 };
	CHECK_STR(date(LANG_ZH, t), "2019年1月5日 09:07");
	CHECK_STR(date(LANG_EN, t), "5 January 2019 09:07");
	CHECK_INT(lang_from_code("zh-CN"), LANG_ZH);
	CHECK_INT(lang_from_code("en"), LANG_EN);
	CHECK_INT(lang_from_code(NULL), LANG_ZH);
	struct buf b = BUF_INIT;
	lang_month(LANG_ZH, 2019, 12, &b);
	CHECK_STR(buf_cstr(&b), "2019年12月");
	buf_reset(&b);
	lang_month(LANG_EN, 2019, 12, &b);
	CHECK_STR(buf_cstr(&b), "December 2019");
	buf_free(&b);
	return CHECK_DONE("check_lang");
}
