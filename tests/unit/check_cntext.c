/* check_cntext.c: width folding, Chinese numerals, date expressions, unit lists. */
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "cntext.h"
#include "value.h"

static char got[512];

static const char *fold(const char *s)
{
	struct buf b = BUF_INIT;
	cntext_fold_line(s, strlen(s), &b);
	snprintf(got, sizeof got, "%s", b.data ? b.data : "");
	buf_free(&b);
	return got;
}

static long num(const char *s, size_t *used)
{
	long v = -1;
	size_t u = 0;
	if (!cntext_number(s, strlen(s), &v, &u))
		return -1;
	if (used)
		*used = u;
	return v;
}

/* "YYYY-MM-DD r" (r: relative), "? r" for an unknown year, "-" when not a date. */
static const char *date(const char *s, int ctx)
{
	struct cntext_date d;
	if (!cntext_date(s, strlen(s), ctx, &d))
		return "-";
	if (!d.year)
		snprintf(got, sizeof got, "?%s", d.relative ? " r" : "");
	else
		snprintf(got, sizeof got, "%04d-%02d-%02d%s", d.year, d.month, d.day, d.relative ? " r" : "");
	return got;
}

static char parts[512];

static void emit(void *ud, const char *p, size_t n)
{
	(void)ud;
	strncat(parts, "|", sizeof parts - strlen(parts) - 1);
	strncat(parts, p, n < sizeof parts - strlen(parts) - 1 ? n : sizeof parts - strlen(parts) - 1);
}

static const char *split(const char *s, const char *seps)
{
	parts[0] = '\0';
	cntext_split(s, strlen(s), seps, emit, NULL);
	return parts;
}

int main(void)
{
	/* Folding: digits, %, brackets, commas, spaces, bold markers. */
	CHECK_STR(fold("到 2020 年，覆盖率达到 ９０％以上"), "到2020年，覆盖率达到90%以上");
	CHECK_STR(fold("(街道党政办牵头,街属各党组织配合)"), "（街道党政办牵头，街属各党组织配合）");
	CHECK_STR(fold("**(街道党政办牵头，街属各党组织配合)**"), "（街道党政办牵头，街属各党组织配合）");
	CHECK_STR(fold("  组 长：孔赞华  "), "组长：孔赞华");
	CHECK_STR(fold("1．全面提升"), "1.全面提升");
	CHECK_STR(fold("６. 加强"), "6.加强");
	CHECK_STR(fold("按不低于1：2比例"), "按不低于1:2比例");
	CHECK_STR(fold("组织 and 一切"), "组织 and 一切");
	CHECK_STR(fold("a * b"), "a * b");
	CHECK_STR(fold("\xE2\x80\x8B附\xE3\x80\x80件"), "附件");
	CHECK_STR(fold("牵头单位:区委组织部;配合单位:区民政局"), "牵头单位：区委组织部；配合单位：区民政局");

	/* Chinese numerals. */
	size_t u = 0;
	CHECK_INT(num("一", NULL), 1);
	CHECK_INT(num("十", NULL), 10);
	CHECK_INT(num("十九", NULL), 19);
	CHECK_INT(num("二十四", NULL), 24);
	CHECK_INT(num("一百二十", NULL), 120);
	CHECK_INT(num("两千", NULL), 2000);
	CHECK_INT(num("二〇一九", NULL), 2019);
	CHECK_INT(num("二○一八", NULL), 2018);
	CHECK_INT(num("三是强化", &u), 3);
	CHECK_INT(u, 3);
	CHECK_INT(num("是", NULL), -1);
	/* CN_NUMBER_MAXCHARS: a run longer than a number stops there. */
	CHECK_INT(num("一一一一一一一一一一一一一一", &u) > 0, 1);
	CHECK_INT(u, 12 * 3);

	/* Every date form of the issue. */
	CHECK_STR(date("2018年12月底前", 0), "2018-12-31");
	CHECK_STR(date("2019年6月底", 0), "2019-06-30");
	CHECK_STR(date("9月底前", 2019), "2019-09-30 r");
	CHECK_STR(date("年底前", 2018), "2018-12-31 r");
	CHECK_STR(date("年底", 2018), "2018-12-31 r");
	CHECK_STR(date("年内", 2019), "2019-12-31 r");
	CHECK_STR(date("上半年", 2019), "2019-06-30 r");
	CHECK_STR(date("下半年", 2018), "2018-12-31 r");
	CHECK_STR(date("第三季度末前", 2019), "2019-09-30 r");
	CHECK_STR(date("第一季度", 2020), "2020-03-31 r");
	CHECK_STR(date("2025年9月30日前", 0), "2025-09-30");
	CHECK_STR(date("到2020年", 0), "2020-12-31");
	CHECK_STR(date("2018年年底前", 0), "2018-12-31");
	CHECK_STR(date("2018年底", 0), "2018-12-31");
	CHECK_STR(date("2019年上半年", 0), "2019-06-30");
	CHECK_STR(date("二〇一九年四月二十四日", 0), "2019-04-24");
	CHECK_STR(date("2019年4月24日", 0), "2019-04-24");
	CHECK_STR(date("2020年2月底", 0), "2020-02-29");
	CHECK_STR(date("2019年2月底", 0), "2019-02-28");
	CHECK_STR(date("截至2019年6月", 0), "2019-06-30");
	CHECK_STR(date("6月中旬", 2019), "2019-06-20 r");
	CHECK_STR(date("年底前", 0), "? r");
	CHECK_STR(date("2019年2月30日", 0), "-");
	CHECK_STR(date("13月底", 2019), "-");
	CHECK_STR(date("第五季度", 2019), "-");
	CHECK_STR(date("一年", 2019), "-");
	CHECK_STR(date("2019年发展", 0), "-");
	CHECK_STR(date("", 0), "-");
	/* Issue 12: 今年/明年, quarters without 第, 到三季度, Chinese-numeral dates. */
	CHECK_STR(date("今年年底前", 2025), "2025-12-31 r");
	CHECK_STR(date("今年6月底前", 2025), "2025-06-30 r");
	CHECK_STR(date("今年内", 2025), "2025-12-31 r");
	CHECK_STR(date("明年上半年", 2025), "2026-06-30 r");
	CHECK_STR(date("明年", 2025), "2026-12-31 r");
	CHECK_STR(date("今年年底前", 0), "? r");
	CHECK_STR(date("一季度", 2025), "2025-03-31 r");
	CHECK_STR(date("到三季度", 2025), "2025-09-30 r");
	CHECK_STR(date("四季度末", 2025), "2025-12-31 r");
	CHECK_STR(date("二〇二五年三月十八日", 0), "2025-03-18");
	CHECK_STR(date("二○二四年十二月底前", 0), "2024-12-31");
	CHECK_STR(date("2021年", 0), "2021-12-31");
	/* CNTEXT_DATE_MAX: a long text is never a date. */
	char longs[200];
	memset(longs, '1', sizeof longs - 1);
	longs[sizeof longs - 1] = '\0';
	CHECK_STR(date(longs, 2019), "-");
	struct cntext_date d;
	CHECK(cntext_date("2019年", strlen("2019年"), 0, &d) && d.precision == CNTEXT_YEAR);
	CHECK(cntext_date("2019年6月", strlen("2019年6月"), 0, &d) && d.precision == CNTEXT_MONTH);
	CHECK(cntext_date("年底", strlen("年底"), 2019, &d) && d.precision == CNTEXT_PART);

	/* Unit lists never split inside brackets or quotes. */
	CHECK_STR(split("各县（市、区）党委组织部、党校", "、，"), "|各县（市、区）党委组织部|党校");
	CHECK_STR(split("市县党委组织部，市“两新”组织党工委、市委教育工委", "、，"),
	          "|市县党委组织部|市“两新”组织党工委|市委教育工委");
	CHECK_STR(split("X、 、Y", "、"), "|X|Y");
	CHECK_STR(split("【A，B】，C", "，"), "|【A，B】|C");
	CHECK_INT(datetime_month_days(2000, 2), 29);
	CHECK_INT(datetime_month_days(1900, 2), 28);
	CHECK_INT(datetime_month_days(2019, 13), 0);
	return CHECK_DONE("check_cntext");
}
