/* chdate.c: parsing ISO and Chinese dates, and month arithmetic. */
#include "chdate.h"

#include <string.h>

#include "i18n.h"
#include "utf8.h"
#include "value.h"

/* A cursor over the text being parsed. */
struct sc {
	const char *s;
	size_t len, i;
};

/* Full-width digits ０..９ are U+FF10..U+FF19: EF BC 90..99. */
static int digit_at(const struct sc *c, int *v, size_t *n)
{
	if (c->i >= c->len)
		return 0;
	unsigned char b = (unsigned char)c->s[c->i];
	if (IS_ASCII_DIGIT(b)) {
		*v = b - '0';
		*n = 1;
		return 1;
	}
	if (c->i + 3 <= c->len && b == 0xEF && (unsigned char)c->s[c->i + 1] == 0xBC &&
	    (unsigned char)c->s[c->i + 2] >= 0x90 && (unsigned char)c->s[c->i + 2] <= 0x99) {
		*v = (unsigned char)c->s[c->i + 2] - 0x90;
		*n = 3;
		return 1;
	}
	return 0;
}

/* Reads 1..maxdigits digits; returns the number of digits read. */
static int number(struct sc *c, int maxdigits, int *out)
{
	int v = 0, k = 0, dv;
	size_t n;
	while (c->i < c->len && k < maxdigits && digit_at(c, &dv, &n)) {
		v = v * 10 + dv;
		c->i += n;
		k++;
	}
	*out = v;
	return k;
}

static int lit(struct sc *c, const char *w)
{
	size_t n = strlen(w);
	if (c->len - c->i >= n && memcmp(c->s + c->i, w, n) == 0) {
		c->i += n;
		return 1;
	}
	return 0;
}

/* The quarter in 第一季度, 二季度, 第3季度: 1..4, or 0. */
static int quarter(struct sc *c)
{
	static const char *const zh[] = { "一", "二", "三", "四" };
	int q = 0;
	lit(c, "第");
	for (int k = 0; k < 4 && !q; k++)
		if (lit(c, zh[k]))
			q = k + 1;
	if (!q && number(c, 1, &q) != 1)
		return 0;
	if (q < 1 || q > 4 || !lit(c, "季度"))
		return 0;
	return q;
}

static void trim(struct sc *c)
{
	while (c->i < c->len && IS_ASCII_SPACE(c->s[c->i]))
		c->i++;
	while (c->len > c->i && IS_ASCII_SPACE(c->s[c->len - 1]))
		c->len--;
	while (c->len - c->i >= 3 && memcmp(c->s + c->len - 3, "\xE3\x80\x80", 3) == 0)
		c->len -= 3;   /* U+3000, the ideographic space */
}

/* ISO form: the separator after the year is used again after the month. */
static int parse_iso(struct sc *c, int *y, int *m, int *d)
{
	char sep;
	if (number(c, 4, y) != 4 || c->i >= c->len)
		return 0;
	sep = c->s[c->i];
	if (sep != '-' && sep != '/' && sep != '.')
		return 0;
	c->i++;
	if (number(c, 2, m) < 1 || c->i >= c->len || c->s[c->i] != sep)
		return 0;
	c->i++;
	if (number(c, 2, d) < 1)
		return 0;
	if (c->i < c->len && (c->s[c->i] == 'T' || c->s[c->i] == ' '))
		c->i = c->len;   /* a time follows: the date is what counts */
	return 1;
}

static int parse_zh(struct sc *c, int *y, int *m, int *d, const char **why)
{
	int q;
	if (number(c, 4, y) != 4 || !lit(c, "年"))
		return 0;
	if (lit(c, "底") || lit(c, "末") || lit(c, "下半年")) {
		*m = 12;
		*d = 31;
		return 1;
	}
	if (lit(c, "上半年")) {
		*m = 6;
		*d = 30;
		return 1;
	}
	size_t save = c->i;
	if ((q = quarter(c)) != 0) {
		*m = q * 3;
		*d = datetime_month_days(*y, *m);
		return 1;
	}
	c->i = save;
	if (number(c, 2, m) < 1 || !lit(c, "月"))
		return 0;
	if (lit(c, "底") || lit(c, "末") || lit(c, "下旬")) {
		*d = datetime_month_days(*y, *m);
		return 1;
	}
	if (lit(c, "上旬")) {
		*d = 10;
		return 1;
	}
	if (lit(c, "中旬")) {
		*d = 20;
		return 1;
	}
	if (c->i == c->len || lit(c, "前") || lit(c, "以前") || lit(c, "之前")) {
		*why = _("it names a month, not a day (write 6月底 or 6月30日)");
		return 0;
	}
	if (number(c, 2, d) < 1 || !(lit(c, "日") || lit(c, "号")))
		return 0;
	return 1;
}

int chdate_parse(const char *s, size_t len, int *year, int *month, int *day, const char **why)
{
	struct sc c = { s, len, 0 };
	int y = 0, m = 0, d = 0, ok;
	*why = _("expected a date such as 2019-06-30 or 2019年6月30日");
	trim(&c);
	ok = parse_iso(&c, &y, &m, &d);
	if (!ok) {
		c.i = 0;
		trim(&c);
		ok = parse_zh(&c, &y, &m, &d, why);
		/* "by" that date: 前, 以前, 之前, 止, 为止 */
		if (ok && !lit(&c, "以前") && !lit(&c, "之前") && !lit(&c, "前") && !lit(&c, "为止"))
			lit(&c, "止");
	}
	if (!ok)
		return -1;
	if (c.i != c.len) {
		*why = _("unexpected text after the date");
		return -1;
	}
	if (y < 1 || !datetime_valid_date(y, m, d)) {
		*why = _("no such day in the calendar");
		return -1;
	}
	*year = y;
	*month = m;
	*day = d;
	return 0;
}

int chdate_add_months(int *year, int *month, int *day, int64_t n)
{
	int64_t t = (int64_t)*year * 12 + (*month - 1);
	if (n > 12 * 10000 || n < -12 * 10000)
		return -1;
	t += n;
	if (t < 12 || t >= 12 * 10000)
		return -1;
	*year = (int)(t / 12);
	*month = (int)(t % 12) + 1;
	int md = datetime_month_days(*year, *month);
	if (*day > md)
		*day = md;
	return 0;
}
