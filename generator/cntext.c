/* cntext.c: Chinese text helpers: width folding, numerals, dates, unit lists. */
#include "cntext.h"

#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "value.h"
#include "xalloc.h"

int cntext_is_wide(uint32_t cp)
{
	return utf8_is_cjk(cp) || (cp >= 0x2010 && cp <= 0x206F) || cp == 0x00B7;
}

static int is_narrow_word(uint32_t cp)
{
	return cp < 0x80 && (IS_ASCII_DIGIT(cp) || cp == '%' || cp == '.');
}

/* The first pass: one character to its folded form; 0 drops it. */
static uint32_t fold_char(uint32_t cp)
{
	if (cp >= 0xFF10 && cp <= 0xFF19)
		return '0' + (cp - 0xFF10);
	if ((cp >= 0xFF21 && cp <= 0xFF3A) || (cp >= 0xFF41 && cp <= 0xFF5A))
		return cp - 0xFF21 + 'A';
	switch (cp) {
	case 0xFF05: return '%';
	case 0xFF0E: return '.';
	case 0xFF0B: return '+';
	case 0xFF0D: return '-';
	case 0xFF1D: return '=';
	case 0x3000: case 0x00A0: case '\t': case '\r': case '\f': case '\v': return ' ';
	case 0x200B: case 0x200C: case 0x200D: case 0xFEFF: return 0;
	case '(': return 0xFF08;
	case ')': return 0xFF09;
	default: return cp;
	}
}

void cntext_fold_line(const char *s, size_t n, struct buf *out)
{
	uint32_t *cp = xmalloc((n + 1) * sizeof *cp);
	size_t m = 0;
	for (size_t i = 0; i < n;) {
		size_t k;
		uint32_t c = utf8_decode(s + i, n - i, &k);
		i += k;
		c = fold_char(c);
		if (c)
			cp[m++] = c;
	}
	/* Drop ** (bold markers left over from conversion); a single * stays. */
	size_t w = 0;
	for (size_t i = 0; i < m;) {
		if (cp[i] == '*' && i + 1 < m && cp[i + 1] == '*') {
			while (i < m && cp[i] == '*')
				i++;
			continue;
		}
		cp[w++] = cp[i++];
	}
	m = w;
	/* ASCII punctuation next to Chinese takes its full-width form. */
	for (size_t i = 0; i < m; i++) {
		uint32_t prev = 0, next = 0;
		for (size_t j = i; j-- > 0;)
			if (cp[j] != ' ') { prev = cp[j]; break; }
		for (size_t j = i + 1; j < m; j++)
			if (cp[j] != ' ') { next = cp[j]; break; }
		int wide = cntext_is_wide(prev) || cntext_is_wide(next);
		if (cp[i] == ',' && wide)
			cp[i] = 0xFF0C;
		else if (cp[i] == ';' && wide)
			cp[i] = 0xFF1B;
		else if (cp[i] == ':' && cntext_is_wide(prev))
			cp[i] = 0xFF1A;
		else if (cp[i] == 0xFF1A && prev < 0x80 && IS_ASCII_DIGIT(prev) &&
		         next < 0x80 && IS_ASCII_DIGIT(next))
			cp[i] = ':';
	}
	/* Spaces: trimmed at both ends, removed where Chinese meets Chinese or a number. */
	size_t a = 0, b = m;
	while (a < b && cp[a] == ' ')
		a++;
	while (b > a && cp[b - 1] == ' ')
		b--;
	char enc[4];
	for (size_t i = a; i < b; i++) {
		if (cp[i] == ' ') {
			size_t j = i;
			while (j < b && cp[j] == ' ')
				j++;
			uint32_t p = cp[i - 1], q = cp[j];
			int drop = (cntext_is_wide(p) && (cntext_is_wide(q) || is_narrow_word(q))) ||
			           (is_narrow_word(p) && cntext_is_wide(q));
			if (!drop)
				buf_putc(out, ' ');
			i = j - 1;
			continue;
		}
		buf_put(out, enc, utf8_encode(cp[i], enc));
	}
	free(cp);
}

/* Value of one Chinese digit, or -1. */
static int cn_digit(uint32_t c)
{
	static const uint32_t digits[] = { 0x3007, 0x4E00, 0x4E8C, 0x4E09, 0x56DB,
	                                   0x4E94, 0x516D, 0x4E03, 0x516B, 0x4E5D };
	for (int i = 0; i < 10; i++)
		if (digits[i] == c)
			return i;
	if (c == 0x96F6 || c == 0x25CB)   /* 零, and ○ as typed for 〇 in years */
		return 0;
	if (c == 0x4E24)   /* 两 */
		return 2;
	return -1;
}

static int cn_unit(uint32_t c)
{
	switch (c) {
	case 0x5341: return 10;     /* 十 */
	case 0x767E: return 100;    /* 百 */
	case 0x5343: return 1000;   /* 千 */
	case 0x4E07: return 10000;  /* 万 */
	default: return 0;
	}
}

/* Longest numeral read, in characters: past this it is not a number but prose. */
#define CN_NUMBER_MAXCHARS 12

int cntext_number(const char *s, size_t n, long *val, size_t *used)
{
	size_t i = 0, nch = 0;
	int digits_only = 1, ndigits = 0;
	long digitseq = 0, total = 0, section = 0, cur = -1;
	while (i < n && nch < CN_NUMBER_MAXCHARS) {
		size_t k;
		uint32_t c = utf8_decode(s + i, n - i, &k);
		int d = cn_digit(c), u = cn_unit(c);
		if (d < 0 && !u)
			break;
		if (d >= 0) {
			digitseq = digitseq * 10 + d;
			ndigits++;
			cur = d;
		} else {
			digits_only = 0;
			if (u == 10000) {
				section = (section + (cur < 0 ? 0 : cur)) * u;
				total += section;
				section = 0;
			} else {
				section += (cur < 0 ? 1 : cur) * u;
			}
			cur = -1;
		}
		i += k;
		nch++;
	}
	if (nch == 0)
		return 0;
	if (digits_only)
		*val = ndigits > 1 ? digitseq : cur;
	else
		*val = total + section + (cur < 0 ? 0 : cur);
	*used = i;
	return 1;
}

/* A cursor over a date expression. */
struct dscan {
	const char *s;
	size_t n, i;
};

static int eat(struct dscan *d, const char *lit)
{
	size_t l = strlen(lit);
	if (d->n - d->i >= l && memcmp(d->s + d->i, lit, l) == 0) {
		d->i += l;
		return 1;
	}
	return 0;
}

/* An Arabic or Chinese number at the cursor; *ndig gets the count of Arabic digits. */
static int number_at(struct dscan *d, long *v, int *arabic_digits)
{
	size_t i = d->i;
	long x = 0;
	int nd = 0;
	while (i < d->n && IS_ASCII_DIGIT(d->s[i]) && nd < 9) {
		x = x * 10 + (d->s[i] - '0');
		i++;
		nd++;
	}
	if (nd) {
		*v = x;
		*arabic_digits = nd;
		d->i = i;
		return 1;
	}
	size_t used;
	if (cntext_number(d->s + d->i, d->n - d->i, v, &used)) {
		*arabic_digits = 0;
		d->i += used;
		return 1;
	}
	return 0;
}

int cntext_date(const char *s, size_t n, int ctx_year, struct cntext_date *out)
{
	struct dscan d = { s, n, 0 };
	int year = 0, month = 12, day = 0, have_any = 0, prec = CNTEXT_YEAR;
	memset(out, 0, sizeof *out);
	if (n == 0 || n > CNTEXT_DATE_MAX)
		return 0;
	/* Words that lead into a date: 到, 至, 截至, 截止到, 于, 在. */
	static const char *const lead[] = { "截止到", "截止", "截至", "到", "至", "于", "在", NULL };
	for (int k = 0; lead[k]; k++)
		if (eat(&d, lead[k]))
			break;
	size_t save = d.i;
	long v;
	int nd;
	/* 今年 and 明年 name the context's year and the one after it. */
	int next_year = 0, named_year = 0;
	if (eat(&d, "今年") || (eat(&d, "明年") && (next_year = 1))) {
		have_any = named_year = 1;
		eat(&d, "度");
	} else if (number_at(&d, &v, &nd) && eat(&d, "年") && (nd == 4 || (nd == 0 && v >= 1900))) {
		year = (int)v;
		have_any = 1;
		eat(&d, "度");
	} else {
		d.i = save;
	}
	/* What part of the year. */
	if (eat(&d, "上半年")) {
		month = 6;
		have_any = 1;
		prec = CNTEXT_PART;
	} else if (eat(&d, "下半年") || eat(&d, "年内") || eat(&d, "全年") ||
	           eat(&d, "年底") || eat(&d, "年末") || eat(&d, "年终") ||
	           ((year || named_year) && (eat(&d, "底") || eat(&d, "末") || eat(&d, "内")))) {
		month = 12;
		have_any = 1;
		prec = CNTEXT_PART;
	} else {
		size_t q0 = d.i;
		eat(&d, "第");
		long qv;
		int qd;
		if (number_at(&d, &qv, &qd) && eat(&d, "季度")) {
			if (qv < 1 || qv > 4)
				return 0;
			month = (int)qv * 3;
			have_any = 1;
			prec = CNTEXT_PART;
			if (!eat(&d, "末"))
				eat(&d, "底");
		} else {
			d.i = q0;
			long mv;
			int md;
			if (number_at(&d, &mv, &md) && eat(&d, "月")) {
				if (mv < 1 || mv > 12)
					return 0;
				month = (int)mv;
				have_any = 1;
				prec = CNTEXT_MONTH;
				size_t dpos = d.i;
				long dv;
				int dd;
				if (number_at(&d, &dv, &dd) && (eat(&d, "日") || eat(&d, "号"))) {
					day = (int)dv;
					prec = CNTEXT_DAY;
				} else {
					d.i = dpos;
					if (eat(&d, "上旬"))
						day = 10;
					else if (eat(&d, "中旬") || eat(&d, "中"))
						day = 20;
					else if (!eat(&d, "下旬") && !eat(&d, "底") && !eat(&d, "末"))
						eat(&d, "份");
				}
			} else {
				d.i = q0;
			}
		}
	}
	if (!have_any)
		return 0;
	/* What may follow: 前, 之前, 以前, 止, 为止. */
	static const char *const tail[] = { "之前", "以前", "为止", "前", "止", NULL };
	for (int k = 0; tail[k]; k++)
		if (eat(&d, tail[k]))
			break;
	if (d.i != n)
		return 0;
	out->relative = year == 0;
	out->precision = prec;
	if (!year)
		year = ctx_year > 0 && next_year ? ctx_year + 1 : ctx_year;
	if (year <= 0) {
		out->year = 0;
		return 1;
	}
	int end = datetime_month_days(year, month);
	if (day > end)
		return 0;
	if (day == 0)
		day = end;
	out->year = year;
	out->month = month;
	out->day = day;
	return 1;
}

/* Brackets and quotes inside which a list is never split. */
static int open_close(uint32_t c)
{
	switch (c) {
	case 0xFF08: case '(': case 0x3010: case 0x3014: case 0x300A: case 0x3008:
	case 0x201C: case 0x2018: case '[': case 0x300C: case 0x300E:
		return 1;
	case 0xFF09: case ')': case 0x3011: case 0x3015: case 0x300B: case 0x3009:
	case 0x201D: case 0x2019: case ']': case 0x300D: case 0x300F:
		return -1;
	default:
		return 0;
	}
}

static void emit_trimmed(const char *s, size_t a, size_t b,
                         void (*emit)(void *, const char *, size_t), void *ud)
{
	while (a < b && IS_ASCII_SPACE(s[a]))
		a++;
	while (b > a && IS_ASCII_SPACE(s[b - 1]))
		b--;
	if (b > a)
		emit(ud, s + a, b - a);
}

void cntext_split(const char *s, size_t n, const char *seps,
                  void (*emit)(void *ud, const char *part, size_t len), void *ud)
{
	size_t nseps = strlen(seps), start = 0;
	int depth = 0;
	for (size_t i = 0; i < n;) {
		size_t k;
		uint32_t c = utf8_decode(s + i, n - i, &k);
		int oc = open_close(c);
		if (oc > 0) {
			depth++;
		} else if (oc < 0) {
			if (depth > 0)
				depth--;
		} else if (depth == 0) {
			for (size_t j = 0; j < nseps;) {
				size_t sk;
				uint32_t sc = utf8_decode(seps + j, nseps - j, &sk);
				if (sc == c) {
					emit_trimmed(s, start, i, emit, ud);
					start = i + k;
					break;
				}
				j += sk;
			}
		}
		i += k;
	}
	emit_trimmed(s, start, n, emit, ud);
}
