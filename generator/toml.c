/* toml.c: a TOML 1.0.0 reader into the value tree (Debian ships no C TOML library). */
#include "toml.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "utf8.h"
#include "xalloc.h"

/*
 * Table states live in value->flags (bits in toml.h). They carry TOML's
 * "define once" rules without a side table:
 *
 *   TOML_IMPLICIT  made as a parent by a header ([a.b] makes a). A later [a]
 *                  may still define it once; dotted keys may extend it.
 *   TOML_DEFINED   named by [a], or an element of [[a]]. A second [a] is an
 *                  error, and so is reaching into it with dotted keys from
 *                  another section ([a.b] then [a] b.c = 1, or x.a.k = 1).
 *   TOML_DOTTED    made (or extended) by dotted keys. No header may name it
 *                  ([fruit] apple.color = 1 then [fruit.apple] is an error),
 *                  but headers may pass through it ([fruit.apple.texture]).
 *   TOML_INLINE    an inline table: nothing may add to it once it is closed.
 *                  Tables inside it are only reachable through it, so the
 *                  mark on the outer one protects them all.
 *   TOML_AOT       an array made by [[a]]: headers walk into its last element
 *                  and [[a]] appends. A plain array (a = [...]) has no flag,
 *                  so headers and dotted keys cannot reach into it.
 *
 * These are the rules of Python's tomllib (the reference the README names).
 */

/* Longest piece of source text quoted in a message (bytes, cut on a character). */
#define TOML_QUOTE_MAX 40

struct keypart {
	const char *s;   /* bare keys point into the source, quoted ones into the arena */
	size_t len;
	size_t off, end; /* where the part is written in the source */
};

struct tp {
	struct arena *a;
	struct diags *d;
	const char *path;   /* arena copy, shared by every pos */
	const char *s;      /* the whole file */
	size_t i, end;      /* cursor; end of the TOML range */
	int failed;
	struct value *root;
	struct value *cur;  /* the table of the current [section] */
	int cur_depth;      /* its nesting level (root 0) */
	/* Positions advance as values ask for them, so that they cost O(n) in all. */
	struct diag_cursor lc;
	struct buf sb;      /* scratch for decoded strings and numbers */
	struct keypart parts[TOML_MAX_DEPTH + 1];
};

#define IS_BARE(c) (IS_ASCII_ALNUM(c) || (c) == '_' || (c) == '-')
#define IS_WS(c) ((c) == ' ' || (c) == '\t')
#define IS_HEX(c) (IS_ASCII_DIGIT(c) || (((c) | 0x20) >= 'a' && ((c) | 0x20) <= 'f'))

static int cur(const struct tp *p)
{
	return p->i < p->end ? (unsigned char)p->s[p->i] : -1;
}

static int peek(const struct tp *p, size_t k)
{
	return p->i + k < p->end ? (unsigned char)p->s[p->i + k] : -1;
}

/* Records the first error only: after one, the parser unwinds. */
static void fail_at(struct tp *p, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void fail_at(struct tp *p, size_t off, const char *fmt, ...)
{
	if (p->failed)
		return;
	p->failed = 1;
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, _(fmt), ap);
	va_end(ap);
	diag_at(p->d, DIAG_ERROR, p->path, p->s, p->end, off, "%s", buf_cstr(&msg));
	buf_free(&msg);
}

/* The position of byte off, counted as diag_linecol counts (so that values and
 * errors agree). Callers ask in file order; going back rescans from the start. */
static struct pos pos_at(struct tp *p, size_t off)
{
	struct pos pos = { p->path, 0, 0 };
	diag_cursor_at(&p->lc, p->s, p->end, off, &pos.line, &pos.col);
	return pos;
}

/* A printable name for the character at off, for "unexpected ..." messages. */
static const char *char_name(const struct tp *p, size_t off, char *tmp, size_t n)
{
	if (off >= p->end)
		return _("end of file");
	unsigned char c = (unsigned char)p->s[off];
	if (c == '\n' || (c == '\r' && off + 1 < p->end && p->s[off + 1] == '\n'))
		return _("end of line");
	if (c < 0x20 || c == 0x7F) {
		snprintf(tmp, n, _("control character U+%04X"), c);
		return tmp;
	}
	size_t k;
	uint32_t cp = utf8_decode(p->s + off, p->end - off, &k);
	if (cp == 0x3000 || cp == 0xFEFF || cp == 0xA0) {
		snprintf(tmp, n, "U+%04X", (unsigned)cp);
		return tmp;
	}
	snprintf(tmp, n, "'%.*s'", (int)k, p->s + off);
	return tmp;
}

/* The source text [off, off+len) as "%.*s" arguments, cut to TOML_QUOTE_MAX bytes. */
static int quote_len(const struct tp *p, size_t off, size_t len)
{
	return (int)utf8_floor(p->s + off, len, TOML_QUOTE_MAX);
}

static void skip_ws(struct tp *p)
{
	while (p->i < p->end && IS_WS(p->s[p->i]))
		p->i++;
}

/* At '#': checks and skips a comment up to (not including) its line end. */
static void skip_comment(struct tp *p)
{
	p->i++;
	while (p->i < p->end) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '\n' || (c == '\r' && peek(p, 1) == '\n'))
			return;
		if ((c < 0x20 && c != '\t') || c == 0x7F) {
			char tmp[48];
			fail_at(p, p->i, "%s is not allowed in a comment", char_name(p, p->i, tmp, sizeof tmp));
			return;
		}
		p->i++;
	}
}

/* Skips a newline (LF or CRLF) if there is one; 1 if it did. A lone CR is an error. */
static int skip_newline(struct tp *p)
{
	int c = cur(p);
	if (c == '\n') {
		p->i++;
		return 1;
	}
	if (c == '\r') {
		if (peek(p, 1) == '\n') {
			p->i += 2;
			return 1;
		}
		fail_at(p, p->i, "carriage return not followed by a line feed");
	}
	return 0;
}

/* Whitespace, comments and newlines, as allowed between array elements. */
static void skip_ws_comment_nl(struct tp *p)
{
	while (!p->failed) {
		skip_ws(p);
		if (cur(p) == '#')
			skip_comment(p);
		else if (!skip_newline(p))
			return;
	}
}

/* Appends key = v to table t, which must not hold key yet. Keys are found
 * again through the table's own index (value_getn), so a table of n keys
 * costs O(n) to build. */
static void insert(struct tp *p, struct value *t, const char *key, size_t len, struct value *v)
{
	value_append(p->a, t, key, len, v);
}

/* ---- strings ----------------------------------------------------------- */

static void put_utf8(struct buf *b, uint32_t cp)
{
	char tmp[4];
	buf_put(b, tmp, utf8_encode(cp, tmp));
}

/* At '\\' inside a basic string: appends the escaped character. */
static void escape(struct tp *p)
{
	size_t at = p->i;
	int c = peek(p, 1);
	const char *simple = NULL;
	switch (c) {
	case 'b': simple = "\b"; break;
	case 't': simple = "\t"; break;
	case 'n': simple = "\n"; break;
	case 'f': simple = "\f"; break;
	case 'r': simple = "\r"; break;
	case '"': simple = "\""; break;
	case '\\': simple = "\\"; break;
	default: break;
	}
	if (simple) {
		buf_putc(&p->sb, simple[0]);
		p->i += 2;
		return;
	}
	if (c == 'u' || c == 'U') {
		size_t n = c == 'u' ? 4 : 8;
		uint32_t cp = 0;
		for (size_t k = 0; k < n; k++) {
			int h = peek(p, 2 + k);
			if (h < 0 || !IS_HEX(h)) {
				fail_at(p, at, "\\%c needs %zu hexadecimal digits", c, n);
				return;
			}
			cp = cp * 16 + (uint32_t)(IS_ASCII_DIGIT(h) ? h - '0' : (h | 0x20) - 'a' + 10);
		}
		if (cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
			fail_at(p, at, "\\%c%.*s is not a Unicode scalar value", c, (int)n, p->s + at + 2);
			return;
		}
		put_utf8(&p->sb, cp);
		p->i += 2 + n;
		return;
	}
	char tmp[48];
	fail_at(p, at, "invalid escape: backslash followed by %s (write \\\\ for a backslash)",
	        char_name(p, at + 1, tmp, sizeof tmp));
}

/* Appends the plain run at the cursor: bytes that need no decision. */
static void plain_run(struct tp *p, int quote)
{
	size_t from = p->i;
	while (p->i < p->end) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == quote || c == '\\' || c == '\n' || c == '\r' || c == 0x7F || (c < 0x20 && c != '\t'))
			break;
		p->i++;
	}
	buf_put(&p->sb, p->s + from, p->i - from);
}

static void control_in_string(struct tp *p)
{
	char tmp[48];
	fail_at(p, p->i, "%s must be escaped in a string", char_name(p, p->i, tmp, sizeof tmp));
}

/* A single-line string ("basic" with escapes, or 'literal') into p->sb. */
static void string_line(struct tp *p)
{
	size_t open = p->i;
	int q = p->s[p->i++];
	buf_reset(&p->sb);
	while (!p->failed) {
		plain_run(p, q == '"' ? '"' : '\'');
		int c = cur(p);
		if (c == q) {
			p->i++;
			return;
		}
		if (c < 0 || c == '\n' || c == '\r') {
			fail_at(p, open, "unterminated string (missing closing %c on this line)", q);
			return;
		}
		if (c == '\\' && q == '"')
			escape(p);
		else if (c == '\\')
			buf_putc(&p->sb, (char)p->s[p->i++]);
		else
			control_in_string(p);
	}
}

/* A multi-line string ("""basic""" or '''literal''') into p->sb. */
static void string_multi(struct tp *p)
{
	size_t open = p->i;
	int q = p->s[p->i];
	p->i += 3;
	buf_reset(&p->sb);
	/* A newline right after the opening delimiter is not part of the string. */
	if (cur(p) == '\n')
		p->i++;
	else if (cur(p) == '\r' && peek(p, 1) == '\n')
		p->i += 2;
	while (!p->failed) {
		plain_run(p, q);
		int c = cur(p);
		if (c < 0) {
			fail_at(p, open, "unterminated multi-line string (missing closing %c%c%c)", q, q, q);
			return;
		}
		if (c == q) {
			size_t n = 0;
			while (peek(p, n) == q)
				n++;
			if (n < 3) {
				buf_put(&p->sb, p->s + p->i, n);
				p->i += n;
				continue;
			}
			if (n > 5) {
				fail_at(p, p->i + 5, "too many quotes at the end of a multi-line string");
				return;
			}
			buf_put(&p->sb, p->s + p->i, n - 3);
			p->i += n;
			return;
		}
		if (c == '\n') {
			buf_putc(&p->sb, '\n');
			p->i++;
		} else if (c == '\r') {
			if (peek(p, 1) != '\n') {
				fail_at(p, p->i, "carriage return not followed by a line feed");
				return;
			}
			buf_putc(&p->sb, '\n');
			p->i += 2;
		} else if (c == '\\' && q == '"') {
			/* A backslash ending a line eats the line end and the blanks after it. */
			size_t k = 1;
			while (peek(p, k) == ' ' || peek(p, k) == '\t')
				k++;
			if (peek(p, k) == '\n' || (peek(p, k) == '\r' && peek(p, k + 1) == '\n')) {
				p->i += k;
				for (;;) {
					skip_ws(p);
					if (cur(p) == '\n')
						p->i++;
					else if (cur(p) == '\r' && peek(p, 1) == '\n')
						p->i += 2;
					else
						break;
				}
			} else {
				escape(p);
			}
		} else if (c == '\\') {
			buf_putc(&p->sb, '\\');
			p->i++;
		} else {
			control_in_string(p);
		}
	}
}

/* At a quote: the string value. */
static struct value *string_value(struct tp *p)
{
	size_t at = p->i;
	int q = cur(p);
	if (peek(p, 1) == q && peek(p, 2) == q)
		string_multi(p);
	else
		string_line(p);
	if (p->failed)
		return NULL;
	return value_string(p->a, p->sb.data ? p->sb.data : "", p->sb.len, pos_at(p, at));
}

/* ---- keys -------------------------------------------------------------- */

/* A key (bare, quoted, dotted) into p->parts; returns the number of parts, 0 on error. */
static int parse_key(struct tp *p)
{
	int n = 0;
	for (;;) {
		skip_ws(p);
		size_t at = p->i;
		int c = cur(p);
		struct keypart *kp = &p->parts[n];
		if (c >= 0 && IS_BARE(c)) {
			while (p->i < p->end && IS_BARE(p->s[p->i]))
				p->i++;
			kp->s = p->s + at;
			kp->len = p->i - at;
		} else if (c == '"' || c == '\'') {
			if (peek(p, 1) == c && peek(p, 2) == c) {
				fail_at(p, at, "a key cannot be a multi-line string");
				return 0;
			}
			string_line(p);
			if (p->failed)
				return 0;
			kp->len = p->sb.len;
			kp->s = arena_strndup(p->a, p->sb.data ? p->sb.data : "", p->sb.len);
		} else {
			char tmp[48];
			if (c >= 0x80)
				fail_at(p, at, "unexpected %s in a key: bare keys may only hold "
				        "A-Z a-z 0-9 _ -, so quote it (\"...\")", char_name(p, at, tmp, sizeof tmp));
			else if (c == '=')
				fail_at(p, at, "missing key before '='");
			else
				fail_at(p, at, "expected a key, found %s", char_name(p, at, tmp, sizeof tmp));
			return 0;
		}
		kp->off = at;
		kp->end = p->i;
		n++;
		skip_ws(p);
		if (cur(p) != '.')
			return n;
		if (n > TOML_MAX_DEPTH) {
			fail_at(p, p->i, "key has more than %d parts", TOML_MAX_DEPTH);
			return 0;
		}
		p->i++;
	}
}

/* Describes what a key already holds, for "cannot ..." messages. */
static const char *held(const struct value *v)
{
	switch (v->kind) {
	case V_TABLE: return v->flags & TOML_INLINE ? _("an inline table") : _("a table");
	case V_ARRAY: return v->flags & TOML_AOT ? _("an array of tables") : _("an array");
	case V_STRING: return _("a string");
	case V_INT: return _("an integer");
	case V_FLOAT: return _("a float");
	case V_BOOL: return _("a boolean");
	case V_DATETIME: return _("a date/time");
	default: return _("a value");
	}
}

static struct value *table_at(struct tp *p, struct pos pos, unsigned flags)
{
	struct value *t = value_table(p->a, pos);
	t->flags = flags;
	return t;
}

static int too_deep(struct tp *p, size_t off, int depth)
{
	if (depth <= TOML_MAX_DEPTH)
		return 0;
	fail_at(p, off, "nesting deeper than %d levels", TOML_MAX_DEPTH);
	return 1;
}

/* ---- values ------------------------------------------------------------ */

static struct value *parse_value(struct tp *p, int depth);
static void keyval(struct tp *p, struct value *t, int depth);

static struct value *array_value(struct tp *p, int depth)
{
	size_t open = p->i;
	if (too_deep(p, open, depth))
		return NULL;
	struct value *arr = value_array(p->a, pos_at(p, open));
	p->i++;
	for (;;) {
		skip_ws_comment_nl(p);
		if (p->failed)
			return NULL;
		if (cur(p) == ']')
			break;
		struct value *v = parse_value(p, depth + 1);
		if (!v)
			return NULL;
		value_push(p->a, arr, v);
		skip_ws_comment_nl(p);
		if (p->failed)
			return NULL;
		if (cur(p) == ',') {
			p->i++;
			continue;
		}
		if (cur(p) == ']')
			break;
		if (cur(p) < 0)
			fail_at(p, open, "unterminated array (missing ']')");
		else
			fail_at(p, p->i, "expected ',' or ']' after an array element");
		return NULL;
	}
	p->i++;
	return arr;
}

static struct value *inline_table(struct tp *p, int depth)
{
	size_t open = p->i;
	if (too_deep(p, open, depth))
		return NULL;
	struct value *t = table_at(p, pos_at(p, open), TOML_INLINE);
	p->i++;
	skip_ws(p);
	if (cur(p) == '}') {
		p->i++;
		return t;
	}
	for (;;) {
		keyval(p, t, depth);
		if (p->failed)
			return NULL;
		skip_ws(p);
		if (cur(p) == ',') {
			p->i++;
			skip_ws(p);
			if (cur(p) == '}') {
				fail_at(p, p->i, "no trailing comma is allowed in an inline table");
				return NULL;
			}
			continue;
		}
		if (cur(p) == '}')
			break;
		if (cur(p) < 0 || cur(p) == '\n' || cur(p) == '\r' || cur(p) == '#')
			fail_at(p, p->i, "unterminated inline table: it must close with '}' on the same line");
		else
			fail_at(p, p->i, "expected ',' or '}' after a key/value pair in an inline table");
		return NULL;
	}
	p->i++;
	return t;
}

/* Reads exactly n digits at s[*k]; -1 if they are not there. */
static int digits(const char *s, size_t len, size_t *k, int n)
{
	int v = 0;
	for (int j = 0; j < n; j++, (*k)++) {
		if (*k >= len || !IS_ASCII_DIGIT(s[*k]))
			return -1;
		v = v * 10 + (s[*k] - '0');
	}
	return v;
}

/* hh:mm:ss[.frac] at t[*k]; 0 on success, else the message. */
static const char *parse_time(const char *t, size_t len, size_t *k, struct datetime *dt)
{
	dt->hour = digits(t, len, k, 2);
	if (dt->hour < 0 || *k >= len || t[*k] != ':')
		return _("expected hh:mm:ss");
	(*k)++;
	dt->minute = digits(t, len, k, 2);
	if (dt->minute < 0)
		return _("expected hh:mm:ss");
	if (*k >= len || t[*k] != ':')
		return _("expected hh:mm:ss (seconds are required in TOML 1.0)");
	(*k)++;
	dt->second = digits(t, len, k, 2);
	if (dt->second < 0)
		return _("expected hh:mm:ss");
	if (dt->hour > 23)
		return _("hour must be 00..23");
	if (dt->minute > 59)
		return _("minute must be 00..59");
	if (dt->second > 60)   /* RFC 3339 allows a leap second */
		return _("second must be 00..60");
	if (*k < len && t[*k] == '.') {
		(*k)++;
		size_t from = *k;
		int scale = 100000000;
		while (*k < len && IS_ASCII_DIGIT(t[*k])) {
			/* Digits past nanoseconds are read and dropped. */
			dt->nanos += (t[*k] - '0') * scale;
			scale /= 10;
			(*k)++;
		}
		if (*k == from)
			return _("expected digits after '.' in the seconds");
	}
	return NULL;
}

/* A date, time or date-time in t[0, len) (already cut out of the source);
 * NULL on success, else why it is wrong (in why[] when it needs numbers). */
static const char *parse_datetime(const char *t, size_t len, struct datetime *dt,
                                  char *why, size_t whyn)
{
	size_t k = 0;
	const char *err;
	memset(dt, 0, sizeof *dt);
	while (k < len && IS_ASCII_DIGIT(t[k]))
		k++;
	int is_time = k < len && t[k] == ':';
	k = 0;
	if (is_time) {
		dt->kind = DT_TIME;
		err = parse_time(t, len, &k, dt);
		if (err)
			return err;
		return k == len ? NULL : "unexpected text after the time";
	}
	dt->year = digits(t, len, &k, 4);
	if (dt->year < 0 || k >= len || t[k] != '-')
		return _("expected YYYY-MM-DD");
	k++;
	dt->month = digits(t, len, &k, 2);
	if (dt->month < 0 || k >= len || t[k] != '-')
		return _("expected YYYY-MM-DD");
	k++;
	dt->day = digits(t, len, &k, 2);
	if (dt->day < 0)
		return _("expected YYYY-MM-DD");
	if (dt->month < 1 || dt->month > 12)
		return _("month must be 01..12");
	if (dt->day < 1 || dt->day > 31)
		return _("day must be 01..31");
	if (!datetime_valid_date(dt->year, dt->month, dt->day)) {
		int last = 30;
		while (last > 28 && !datetime_valid_date(dt->year, dt->month, last))
			last--;
		snprintf(why, whyn, "%04d-%02d has only %d days", dt->year, dt->month, last);
		return why;
	}
	dt->kind = DT_DATE;
	if (k == len)
		return NULL;
	if (t[k] != 'T' && t[k] != 't' && t[k] != ' ')
		return _("unexpected text after the date");
	k++;
	dt->kind = DT_LOCAL;
	err = parse_time(t, len, &k, dt);
	if (err)
		return err;
	if (k == len)
		return NULL;
	dt->kind = DT_OFFSET;
	if (t[k] == 'Z' || t[k] == 'z') {
		k++;
	} else if (t[k] == '+' || t[k] == '-') {
		int sign = t[k] == '-' ? -1 : 1;
		k++;
		int h = digits(t, len, &k, 2);
		if (h < 0 || k >= len || t[k] != ':')
			return _("expected a time offset like +08:00");
		k++;
		int m = digits(t, len, &k, 2);
		if (m < 0)
			return _("expected a time offset like +08:00");
		if (h > 23 || m > 59)
			return _("time offset out of range");
		dt->offset_min = sign * (h * 60 + m);
	} else {
		return _("unexpected text after the time");
	}
	return k == len ? NULL : "unexpected text after the time offset";
}

/* Digits with single underscores between them (1_000) from t[*k] into p->sb;
 * returns how many digits, or -1 on a misplaced underscore. */
static int digit_run(struct tp *p, const char *t, size_t len, size_t *k, int hex)
{
	int n = 0;
	while (*k < len) {
		char c = t[*k];
		if (hex ? IS_HEX(c) : IS_ASCII_DIGIT(c)) {
			buf_putc(&p->sb, c);
			n++;
		} else if (c == '_') {
			if (n == 0 || *k + 1 >= len || !(hex ? IS_HEX(t[*k + 1]) : IS_ASCII_DIGIT(t[*k + 1])))
				return -1;
		} else {
			break;
		}
		(*k)++;
	}
	return n;
}

/* An integer or float in t[0, len). */
static struct value *parse_number(struct tp *p, const char *t, size_t len, size_t at, struct pos pos)
{
	size_t k = 0;
	int neg = 0;
	if (t[0] == '+' || t[0] == '-') {
		neg = t[0] == '-';
		k++;
	}
	const char *r = t + k;
	size_t rn = len - k;
	if ((rn == 3 && memcmp(r, "inf", 3) == 0) || (rn == 3 && memcmp(r, "nan", 3) == 0)) {
		double f = r[0] == 'i' ? INFINITY : NAN;
		return value_float(p->a, neg ? -f : f, pos);
	}
	buf_reset(&p->sb);
	if (rn >= 2 && r[0] == '0' && (r[1] == 'x' || r[1] == 'o' || r[1] == 'b')) {
		int base = r[1] == 'x' ? 16 : r[1] == 'o' ? 8 : 2;
		if (k) {
			fail_at(p, at, "a hexadecimal, octal or binary integer cannot have a sign");
			return NULL;
		}
		k += 2;
		if (digit_run(p, t, len, &k, base == 16) <= 0 || k != len)
			goto bad;
		uint64_t v = 0;
		for (size_t j = 0; j < p->sb.len; j++) {
			char c = p->sb.data[j];
			unsigned dv = IS_ASCII_DIGIT(c) ? (unsigned)(c - '0') : (unsigned)((c | 0x20) - 'a' + 10);
			if (dv >= (unsigned)base)
				goto bad;
			if (v > ((uint64_t)INT64_MAX - dv) / (uint64_t)base) {
				fail_at(p, at, "integer %.*s does not fit in 64 bits", quote_len(p, at, len), t);
				return NULL;
			}
			v = v * (uint64_t)base + dv;
		}
		return value_int(p->a, (int64_t)v, pos);
	}
	if (neg)
		buf_putc(&p->sb, '-');
	size_t int_from = k;
	if (digit_run(p, t, len, &k, 0) <= 0)
		goto bad;
	if (t[int_from] == '0' && k - int_from > 1) {
		fail_at(p, at, "leading zeros are not allowed in '%.*s'", quote_len(p, at, len), t);
		return NULL;
	}
	int is_float = 0;
	if (k < len && t[k] == '.') {
		buf_putc(&p->sb, t[k++]);
		if (digit_run(p, t, len, &k, 0) <= 0)
			goto bad;
		is_float = 1;
	}
	if (k < len && (t[k] == 'e' || t[k] == 'E')) {
		buf_putc(&p->sb, t[k++]);
		if (k < len && (t[k] == '+' || t[k] == '-'))
			buf_putc(&p->sb, t[k++]);
		if (digit_run(p, t, len, &k, 0) <= 0)
			goto bad;
		is_float = 1;
	}
	if (k != len)
		goto bad;
	const char *num = buf_cstr(&p->sb);
	if (is_float)
		return value_float(p->a, strtod(num, NULL), pos);
	/* Accumulate negatively so that INT64_MIN fits. */
	int64_t v = 0;
	for (const char *c = num + neg; *c; c++) {
		int dv = *c - '0';
		if (v < (INT64_MIN + dv) / 10) {
			fail_at(p, at, "integer %.*s does not fit in 64 bits", quote_len(p, at, len), t);
			return NULL;
		}
		v = v * 10 - dv;
	}
	if (!neg) {
		if (v == INT64_MIN) {
			fail_at(p, at, "integer %.*s does not fit in 64 bits", quote_len(p, at, len), t);
			return NULL;
		}
		v = -v;
	}
	return value_int(p->a, v, pos);
bad:
	fail_at(p, at, "invalid number '%.*s'", quote_len(p, at, len), t);
	return NULL;
}

/* A number, date or time at the cursor. */
static struct value *scalar(struct tp *p)
{
	size_t at = p->i;
	const char *s = p->s;
	size_t e = p->i;
	for (;;) {
		while (e < p->end && (IS_ASCII_ALNUM(s[e]) || s[e] == '_' || s[e] == '+' ||
		                      s[e] == '-' || s[e] == '.' || s[e] == ':'))
			e++;
		/* "1979-05-27 07:32:00": a space may stand for the T. */
		if (e - at == 10 && s[at + 4] == '-' && e + 3 < p->end && s[e] == ' ' &&
		    IS_ASCII_DIGIT(s[e + 1]) && IS_ASCII_DIGIT(s[e + 2]) && s[e + 3] == ':') {
			e++;
			continue;
		}
		break;
	}
	size_t len = e - at;
	struct pos pos = pos_at(p, at);
	p->i = e;
	const char *t = s + at;
	/* A ':', or a '-' after a digit (not after e, as in 1e-5), marks a date or time;
	 * so 10000-01-01 and 1:32:00 get the date/time messages. */
	int is_dt = 0;
	for (size_t k = 1; len > 0 && IS_ASCII_DIGIT(t[0]) && k < len && !is_dt; k++)
		is_dt = t[k] == ':' || (t[k] == '-' && IS_ASCII_DIGIT(t[k - 1]));
	if (is_dt) {
		struct datetime dt;
		char why[64];
		const char *err = parse_datetime(t, len, &dt, why, sizeof why);
		if (err) {
			fail_at(p, at, "invalid date/time '%.*s': %s", quote_len(p, at, len), t, err);
			return NULL;
		}
		return value_datetime(p->a, &dt, pos);
	}
	if (len == 0) {
		char tmp[48];
		fail_at(p, at, "expected a value, found %s%s", char_name(p, at, tmp, sizeof tmp),
		        at < p->end && (unsigned char)p->s[at] >= 0x80 ? _(" (strings need quotes)") : "");
		return NULL;
	}
	if (len == 4 && memcmp(t, "true", 4) == 0)
		return value_bool(p->a, 1, pos);
	if (len == 5 && memcmp(t, "false", 5) == 0)
		return value_bool(p->a, 0, pos);
	if (IS_ASCII_DIGIT(t[0]) || t[0] == '+' || t[0] == '-' ||
	    (len == 3 && (memcmp(t, "inf", 3) == 0 || memcmp(t, "nan", 3) == 0)))
		return parse_number(p, t, len, at, pos);
	fail_at(p, at, "expected a value, found '%.*s' (strings need quotes)", quote_len(p, at, len), t);
	return NULL;
}

/* depth: the nesting level the value will have (a top-level key's value is 1). */
static struct value *parse_value(struct tp *p, int depth)
{
	switch (cur(p)) {
	case '"':
	case '\'':
		return string_value(p);
	case '[':
		return array_value(p, depth);
	case '{':
		return inline_table(p, depth);
	default:
		return scalar(p);
	}
}

/* key = value, into table t at nesting level depth. */
static void keyval(struct tp *p, struct value *t, int depth)
{
	size_t key_at = p->i;
	int n = parse_key(p);
	if (!n)
		return;
	int qn = quote_len(p, key_at, p->parts[n - 1].end - key_at);
	if (cur(p) != '=') {
		char tmp[48];
		fail_at(p, p->i, "expected '=' after key '%.*s', found %s", qn, p->s + key_at,
		        char_name(p, p->i, tmp, sizeof tmp));
		return;
	}
	p->i++;
	skip_ws(p);
	for (int k = 0; k < n - 1; k++) {
		struct keypart *kp = &p->parts[k];
		struct value *v = value_getn(t, kp->s, kp->len);
		depth++;
		if (!v) {
			if (too_deep(p, kp->off, depth))
				return;
			v = table_at(p, pos_at(p, kp->off), TOML_DOTTED);
			insert(p, t, kp->s, kp->len, v);
		} else if (v->kind == V_TABLE && !(v->flags & (TOML_DEFINED | TOML_INLINE))) {
			v->flags = (v->flags & ~TOML_IMPLICIT) | TOML_DOTTED;
		} else if (v->kind == V_TABLE && (v->flags & TOML_INLINE)) {
			fail_at(p, kp->off, "cannot add to inline table '%.*s' (line %d): an inline table "
			        "is complete once closed", quote_len(p, key_at, kp->end - key_at),
			        p->s + key_at, v->pos.line);
			return;
		} else if (v->kind == V_TABLE) {
			fail_at(p, kp->off, "cannot add to table '%.*s' with dotted keys: its [header] "
			        "is at line %d", quote_len(p, key_at, kp->end - key_at), p->s + key_at,
			        v->pos.line);
			return;
		} else {
			fail_at(p, kp->off, "'%.*s' is %s (line %d), not a table",
			        quote_len(p, key_at, kp->end - key_at), p->s + key_at, held(v), v->pos.line);
			return;
		}
		t = v;
	}
	/* A copy: the value may hold inline tables, whose keys reuse p->parts. */
	struct keypart last = p->parts[n - 1];
	struct value *old = value_getn(t, last.s, last.len);
	if (old) {
		fail_at(p, key_at, "duplicate key '%.*s' (first defined at line %d)", qn, p->s + key_at,
		        old->pos.line);
		return;
	}
	struct value *v = parse_value(p, depth + 1);
	if (v)
		insert(p, t, last.s, last.len, v);
}

/* [header] or [[header]]: makes its table the current section. */
static void header(struct tp *p)
{
	size_t open = p->i;
	struct pos hpos = pos_at(p, open);   /* first: positions are cheap only in order */
	int aot = peek(p, 1) == '[';
	p->i += aot ? 2 : 1;
	skip_ws(p);
	size_t key_at = p->i;
	int n = parse_key(p);
	if (!n)
		return;
	int qn = quote_len(p, key_at, p->parts[n - 1].end - key_at);
	if (cur(p) != ']' || (aot && peek(p, 1) != ']')) {
		char tmp[48];
		fail_at(p, p->i, "expected '%s' to close the table header, found %s", aot ? "]]" : "]",
		        char_name(p, p->i, tmp, sizeof tmp));
		return;
	}
	p->i += aot ? 2 : 1;
	struct value *t = p->root;
	int depth = 0;
	for (int k = 0; k < n - 1; k++) {
		struct keypart *kp = &p->parts[k];
		struct value *v = value_getn(t, kp->s, kp->len);
		if (!v) {
			if (too_deep(p, kp->off, depth + 1))
				return;
			v = table_at(p, pos_at(p, kp->off), TOML_IMPLICIT);
			insert(p, t, kp->s, kp->len, v);
		} else if (v->kind == V_ARRAY && (v->flags & TOML_AOT) && value_len(v) > 0) {
			depth++;
			v = value_at(v, value_len(v) - 1);
		} else if (v->kind != V_TABLE || (v->flags & TOML_INLINE)) {
			fail_at(p, kp->off, "cannot open a table inside '%.*s': it is %s (line %d)",
			        quote_len(p, key_at, kp->end - key_at), p->s + key_at, held(v), v->pos.line);
			return;
		}
		depth++;
		t = v;
	}
	struct keypart *last = &p->parts[n - 1];
	struct value *v = value_getn(t, last->s, last->len);
	depth++;
	if (too_deep(p, last->off, depth + aot))
		return;
	if (!aot) {
		if (!v) {
			v = table_at(p, hpos, TOML_DEFINED);
			insert(p, t, last->s, last->len, v);
		} else if (v->kind == V_TABLE && v->flags == TOML_IMPLICIT) {
			v->flags = TOML_DEFINED;
			v->pos = hpos;
		} else if (v->kind == V_TABLE && (v->flags & TOML_DEFINED)) {
			fail_at(p, open, "table [%.*s] is defined twice (first at line %d)", qn,
			        p->s + key_at, v->pos.line);
			return;
		} else if (v->kind == V_TABLE && (v->flags & TOML_DOTTED)) {
			fail_at(p, open, "table [%.*s] was already defined with dotted keys (line %d)", qn,
			        p->s + key_at, v->pos.line);
			return;
		} else {
			fail_at(p, open, "cannot define table [%.*s]: it is already %s (line %d)", qn,
			        p->s + key_at, held(v), v->pos.line);
			return;
		}
		p->cur = v;
		p->cur_depth = depth;
		return;
	}
	if (!v) {
		v = value_array(p->a, hpos);
		v->flags = TOML_AOT;
		insert(p, t, last->s, last->len, v);
	} else if (v->kind != V_ARRAY || !(v->flags & TOML_AOT)) {
		fail_at(p, open, "cannot append to [[%.*s]]: it is already %s (line %d)", qn,
		        p->s + key_at, held(v), v->pos.line);
		return;
	}
	struct value *el = table_at(p, hpos, TOML_DEFINED);
	value_push(p->a, v, el);
	p->cur = el;
	p->cur_depth = depth + 1;
}

static void document(struct tp *p)
{
	while (!p->failed) {
		skip_ws(p);
		int c = cur(p);
		if (c < 0)
			return;
		const char *what = NULL;
		if (c == '[') {
			header(p);
			what = _("the table header");
		} else if (c != '#' && c != '\n' && c != '\r') {
			keyval(p, p->cur, p->cur_depth);
			what = _("the value");
		}
		if (p->failed)
			return;
		skip_ws(p);
		if (cur(p) == '#')
			skip_comment(p);
		if (p->failed || cur(p) < 0)
			return;
		if (!skip_newline(p)) {
			char tmp[48];
			fail_at(p, p->i, "expected a new line after %s, found %s", what ? what : _("the comment"),
			        char_name(p, p->i, tmp, sizeof tmp));
		}
	}
}

struct value *toml_parse(struct arena *a, const char *path, const char *src,
                         size_t start, size_t end, struct diags *d)
{
	struct tp p;
	memset(&p, 0, sizeof p);
	p.a = a;
	p.d = d;
	p.path = path ? arena_strdup(a, path) : NULL;
	p.s = src ? src : "";
	if (!src || end < start)
		start = end = 0;
	p.end = end;
	diag_cursor_init(&p.lc);
	p.i = start + utf8_bom(p.s + start, end - start);
	size_t bad = utf8_invalid_at(p.s + p.i, end - p.i);
	if (bad < end - p.i) {
		fail_at(&p, p.i + bad, "invalid UTF-8 (TOML files must be UTF-8)");
		goto out;
	}
	p.root = table_at(&p, pos_at(&p, p.i), TOML_DEFINED);
	p.cur = p.root;
	document(&p);
out:
	buf_free(&p.sb);
	return p.failed ? NULL : p.root;
}
