/* json.c: a small strict JSON reader and a stable writer. */
#include "json.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "utf8.h"

/* Deep enough for any data file; stops a hostile file from overflowing the stack. */
#define JSON_MAX_DEPTH 256

struct jp {
	struct arena *a;
	const char *path, *s;
	size_t len, i;
	struct diags *d;
	int failed;
	struct diag_cursor lc;  /* positions in file order cost O(n) in all */
};

static void fail(struct jp *p, const char *msg)
{
	if (!p->failed)
		diag_at(p->d, DIAG_ERROR, p->path, p->s, p->len, p->i, "%s", _(msg));
	p->failed = 1;
}

static void skip_ws(struct jp *p)
{
	while (p->i < p->len && (p->s[p->i] == ' ' || p->s[p->i] == '\t' ||
	                         p->s[p->i] == '\n' || p->s[p->i] == '\r'))
		p->i++;
}

static struct pos here(struct jp *p)
{
	struct pos pos = { p->path, 0, 0 };
	diag_cursor_at(&p->lc, p->s, p->len, p->i, &pos.line, &pos.col);
	return pos;
}

static int hex4(struct jp *p, uint32_t *out)
{
	uint32_t v = 0;
	if (p->i + 4 > p->len)
		return -1;
	for (int k = 0; k < 4; k++) {
		char c = p->s[p->i + k];
		v <<= 4;
		if (IS_ASCII_DIGIT(c))
			v |= (uint32_t)(c - '0');
		else if (c >= 'a' && c <= 'f')
			v |= (uint32_t)(c - 'a' + 10);
		else if (c >= 'A' && c <= 'F')
			v |= (uint32_t)(c - 'A' + 10);
		else
			return -1;
	}
	p->i += 4;
	*out = v;
	return 0;
}

/* The string at p->i when it holds no escape (nor control character):
 * its bytes stay where they are, *n of them from *start, and p->i moves
 * past it; else 0 and p->i stays, for parse_string. */
static int plain_string(struct jp *p, size_t *start, size_t *n)
{
	size_t k = p->i + 1;
	while (k < p->len && (unsigned char)p->s[k] >= 0x20 && p->s[k] != '"' && p->s[k] != '\\')
		k++;
	if (k >= p->len || p->s[k] != '"')
		return 0;
	*start = p->i + 1;
	*n = k - *start;
	p->i = k + 1;
	return 1;
}

static int parse_string(struct jp *p, struct buf *b)
{
	p->i++; /* opening quote */
	while (p->i < p->len) {
		unsigned char c = (unsigned char)p->s[p->i];
		if (c == '"') {
			p->i++;
			return 0;
		}
		if (c < 0x20) {
			fail(p, "control character in string");
			return -1;
		}
		if (c != '\\') {   /* a run of plain bytes, appended at once */
			size_t k = p->i + 1;
			while (k < p->len && (unsigned char)p->s[k] >= 0x20 && p->s[k] != '"' && p->s[k] != '\\')
				k++;
			buf_put(b, p->s + p->i, k - p->i);
			p->i = k;
			continue;
		}
		p->i++;
		if (p->i >= p->len)
			break;
		char e = p->s[p->i++];
		switch (e) {
		case '"': buf_putc(b, '"'); break;
		case '\\': buf_putc(b, '\\'); break;
		case '/': buf_putc(b, '/'); break;
		case 'b': buf_putc(b, '\b'); break;
		case 'f': buf_putc(b, '\f'); break;
		case 'n': buf_putc(b, '\n'); break;
		case 'r': buf_putc(b, '\r'); break;
		case 't': buf_putc(b, '\t'); break;
		case 'u': {
			uint32_t cp;
			if (hex4(p, &cp) < 0) {
				fail(p, "bad \\u escape");
				return -1;
			}
			if (cp >= 0xD800 && cp <= 0xDBFF && p->i + 6 <= p->len &&
			    p->s[p->i] == '\\' && p->s[p->i + 1] == 'u') {
				uint32_t lo;
				p->i += 2;
				if (hex4(p, &lo) < 0 || lo < 0xDC00 || lo > 0xDFFF) {
					fail(p, "bad surrogate pair");
					return -1;
				}
				cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
			} else if (cp >= 0xD800 && cp <= 0xDFFF) {
				fail(p, "lone surrogate");
				return -1;
			}
			char u[4];
			buf_put(b, u, utf8_encode(cp, u));
			break;
		}
		default:
			p->i--;
			fail(p, "bad escape in string");
			return -1;
		}
	}
	fail(p, "unterminated string");
	return -1;
}

static struct value *parse_value(struct jp *p, int depth);

static struct value *parse_number(struct jp *p)
{
	struct pos pos = here(p);
	size_t st = p->i;
	int isfloat = 0;
	if (p->s[p->i] == '-')
		p->i++;
	if (p->i < p->len && p->s[p->i] == '0') {
		p->i++;
	} else if (p->i < p->len && IS_ASCII_DIGIT(p->s[p->i])) {
		while (p->i < p->len && IS_ASCII_DIGIT(p->s[p->i]))
			p->i++;
	} else {
		fail(p, "bad number");
		return NULL;
	}
	if (p->i < p->len && p->s[p->i] == '.') {
		isfloat = 1;
		p->i++;
		if (p->i >= p->len || !IS_ASCII_DIGIT(p->s[p->i])) {
			fail(p, "bad number");
			return NULL;
		}
		while (p->i < p->len && IS_ASCII_DIGIT(p->s[p->i]))
			p->i++;
	}
	if (p->i < p->len && (p->s[p->i] == 'e' || p->s[p->i] == 'E')) {
		isfloat = 1;
		p->i++;
		if (p->i < p->len && (p->s[p->i] == '+' || p->s[p->i] == '-'))
			p->i++;
		if (p->i >= p->len || !IS_ASCII_DIGIT(p->s[p->i])) {
			fail(p, "bad number");
			return NULL;
		}
		while (p->i < p->len && IS_ASCII_DIGIT(p->s[p->i]))
			p->i++;
	}
	char tmp[64];
	size_t n = p->i - st;
	if (n >= sizeof tmp) {
		char *big = arena_strndup(p->a, p->s + st, n);
		return value_float(p->a, strtod(big, NULL), pos);
	}
	memcpy(tmp, p->s + st, n);
	tmp[n] = '\0';
	if (!isfloat) {
		errno = 0;
		long long ll = strtoll(tmp, NULL, 10);
		if (errno == 0)
			return value_int(p->a, ll, pos);
	}
	return value_float(p->a, strtod(tmp, NULL), pos);
}

static int lit(struct jp *p, const char *w)
{
	size_t n = strlen(w);
	if (p->i + n <= p->len && memcmp(p->s + p->i, w, n) == 0) {
		p->i += n;
		return 1;
	}
	return 0;
}

static struct value *parse_value(struct jp *p, int depth)
{
	skip_ws(p);
	if (p->i >= p->len) {
		fail(p, "unexpected end of input");
		return NULL;
	}
	if (depth > JSON_MAX_DEPTH) {
		fail(p, "nested too deeply");
		return NULL;
	}
	struct pos pos = here(p);
	char c = p->s[p->i];
	if (c == '{') {
		struct value *t = value_table(p->a, pos);
		struct buf key = BUF_INIT;
		p->i++;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == '}') {
			p->i++;
			return t;
		}
		for (;;) {
			skip_ws(p);
			if (p->i >= p->len || p->s[p->i] != '"') {
				fail(p, "expected a string key");
				break;
			}
			buf_reset(&key);
			size_t at, n;
			if (plain_string(p, &at, &n))
				buf_put(&key, p->s + at, n);
			else if (parse_string(p, &key) < 0)
				break;
			skip_ws(p);
			if (p->i >= p->len || p->s[p->i] != ':') {
				fail(p, "expected ':'");
				break;
			}
			p->i++;
			struct value *v = parse_value(p, depth + 1);
			if (!v)
				break;
			value_set(p->a, t, key.data ? key.data : "", key.len, v);
			skip_ws(p);
			if (p->i < p->len && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->len && p->s[p->i] == '}') {
				p->i++;
				buf_free(&key);
				return t;
			}
			fail(p, "expected ',' or '}'");
			break;
		}
		buf_free(&key);
		return NULL;
	}
	if (c == '[') {
		struct value *arr = value_array(p->a, pos);
		p->i++;
		skip_ws(p);
		if (p->i < p->len && p->s[p->i] == ']') {
			p->i++;
			return arr;
		}
		for (;;) {
			struct value *v = parse_value(p, depth + 1);
			if (!v)
				return NULL;
			value_push(p->a, arr, v);
			skip_ws(p);
			if (p->i < p->len && p->s[p->i] == ',') {
				p->i++;
				continue;
			}
			if (p->i < p->len && p->s[p->i] == ']') {
				p->i++;
				return arr;
			}
			fail(p, "expected ',' or ']'");
			return NULL;
		}
	}
	if (c == '"') {
		size_t at, n;
		if (plain_string(p, &at, &n))
			return value_string(p->a, p->s + at, n, pos);
		struct buf s = BUF_INIT;
		struct value *v = NULL;
		if (parse_string(p, &s) == 0)
			v = value_string(p->a, s.data ? s.data : "", s.len, pos);
		buf_free(&s);
		return v;
	}
	if (c == '-' || IS_ASCII_DIGIT(c))
		return parse_number(p);
	if (lit(p, "true"))
		return value_bool(p->a, 1, pos);
	if (lit(p, "false"))
		return value_bool(p->a, 0, pos);
	if (lit(p, "null"))
		return value_null(p->a, pos);
	fail(p, "unexpected character");
	return NULL;
}

struct value *json_parse(struct arena *a, const char *path, const char *src, size_t len,
                         struct diags *d)
{
	struct jp p = { a, path, src, len, 0, d, 0, { 0, 1, 1 } };
	size_t bad = utf8_invalid_at(src, len);
	if (bad < len) {
		p.i = bad;
		fail(&p, "invalid UTF-8");
		return NULL;
	}
	struct value *v = parse_value(&p, 0);
	if (!v)
		return NULL;
	skip_ws(&p);
	if (p.i < len) {
		fail(&p, "trailing characters after the value");
		return NULL;
	}
	return v;
}

void json_write_string(const char *s, size_t n, struct buf *out)
{
	buf_putc(out, '"');
	size_t start = 0;
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)s[i];
		if (c >= 0x20 && c != '"' && c != '\\')
			continue;
		buf_put(out, s + start, i - start);
		switch (c) {
		case '"': buf_puts(out, "\\\""); break;
		case '\\': buf_puts(out, "\\\\"); break;
		case '\n': buf_puts(out, "\\n"); break;
		case '\r': buf_puts(out, "\\r"); break;
		case '\t': buf_puts(out, "\\t"); break;
		default: buf_printf(out, "\\u%04x", c); break;
		}
		start = i + 1;
	}
	buf_put(out, s + start, n - start);
	buf_putc(out, '"');
}

/* ---- skimming ------------------------------------------------------------------ */

static size_t skim_ws(const char *s, size_t len, size_t i)
{
	while (i < len && IS_ASCII_SPACE(s[i]))
		i++;
	return i;
}

/* s[*i] is '"': *i ends past the closing quote (memchr finds the quotes:
 * a task file is mostly text inside strings). */
static int skim_string(const char *s, size_t len, size_t *i)
{
	for (size_t k = *i + 1; k < len;) {
		const char *q = memchr(s + k, '"', len - k);
		if (!q)
			return -1;
		size_t at = (size_t)(q - s), bs = 0;
		while (at - bs > *i + 1 && s[at - bs - 1] == '\\')
			bs++;
		k = at + 1;
		if (bs % 2 == 0) {   /* not escaped */
			*i = k;
			return 0;
		}
	}
	return -1;
}

/* The bytes that matter between strings in a container: quotes and brackets. */
static const unsigned char skim_stop[256] = { ['"'] = 1, ['{'] = 1, ['['] = 1, ['}'] = 1, [']'] = 1 };

/* Any value at s[*i]; *i ends past it. */
static int skim_value(const char *s, size_t len, size_t *i)
{
	size_t k = *i, depth = 0;
	if (k >= len)
		return -1;
	if (s[k] == '"')
		return skim_string(s, len, i);
	if (s[k] != '{' && s[k] != '[') {
		while (k < len && s[k] != ',' && s[k] != '}' && s[k] != ']' && !IS_ASCII_SPACE(s[k]))
			k++;
		if (k == *i)
			return -1;
		*i = k;
		return 0;
	}
	while (k < len) {
		while (k < len && !skim_stop[(unsigned char)s[k]])
			k++;
		if (k == len)
			break;
		char c = s[k];
		if (c == '"') {
			if (skim_string(s, len, &k) < 0)
				return -1;
			continue;
		}
		if (c == '{' || c == '[')
			depth++;
		else if ((c == '}' || c == ']') && --depth == 0) {
			*i = k + 1;
			return 0;
		}
		k++;
	}
	return -1;
}

/* The one loop of both skims: open is '{' or '['. */
static int skim(const char *s, size_t len, size_t *pos, char open,
                int (*member)(void *ud, const char *key, size_t klen, size_t v0, size_t v1),
                int (*element)(void *ud, size_t v0, size_t v1), void *ud)
{
	char close = open == '{' ? '}' : ']';
	size_t i = skim_ws(s, len, *pos);
	if (i >= len || s[i] != open)
		return -1;
	i = skim_ws(s, len, i + 1);
	if (i < len && s[i] == close) {
		*pos = i + 1;
		return 0;
	}
	for (;;) {
		size_t k0 = i, klen = 0;
		if (open == '{') {
			if (i >= len || s[i] != '"' || skim_string(s, len, &i) < 0)
				return -1;
			klen = i - k0 - 2;
			i = skim_ws(s, len, i);
			if (i >= len || s[i] != ':')
				return -1;
			i = skim_ws(s, len, i + 1);
		}
		size_t v0 = i;
		if (skim_value(s, len, &i) < 0)
			return -1;
		int r = open == '{' ? member ? member(ud, s + k0 + 1, klen, v0, i) : 0
		                    : element ? element(ud, v0, i) : 0;
		if (r < 0)
			return -1;
		if (r > 0) {
			*pos = i;   /* the caller has what it wanted */
			return 0;
		}
		i = skim_ws(s, len, i);
		if (i < len && s[i] == ',') {
			i = skim_ws(s, len, i + 1);
			continue;
		}
		if (i < len && s[i] == close) {
			*pos = i + 1;
			return 0;
		}
		return -1;
	}
}

int json_skim_object(const char *src, size_t len, size_t *pos,
                     int (*fn)(void *ud, const char *key, size_t klen, size_t v0, size_t v1), void *ud)
{
	return skim(src, len, pos, '{', fn, NULL, ud);
}

int json_skim_array(const char *src, size_t len, size_t *pos,
                    int (*fn)(void *ud, size_t v0, size_t v1), void *ud)
{
	return skim(src, len, pos, '[', NULL, fn, ud);
}

/* ---- writing -------------------------------------------------------------------- */

static void indent(struct buf *out, int pretty, int depth)
{
	if (!pretty)
		return;
	static const char spaces[] = "                                                                ";
	size_t n = (size_t)depth * 2;
	buf_putc(out, '\n');
	for (; n > sizeof spaces - 1; n -= sizeof spaces - 1)
		buf_put(out, spaces, sizeof spaces - 1);
	buf_put(out, spaces, n);
}

/* Where write_value writes: out, handed to flush (when set) whenever it
 * holds JSON_FLUSH_BYTES, at the end of an element. */
struct jw {
	struct buf *out;
	int pretty;
	void (*flush)(void *ud, struct buf *out);
	void *ud;
	const struct json_elems *el;   /* NULL, or the elements offered at el->depth */
	int hold;                      /* inside an offered element: no flush, its bytes stay together */
};

static void write_value(struct jw *w, const struct value *v, int depth)
{
	struct buf *out = w->out;
	int pretty = w->pretty;
	if (!v) {
		buf_puts(out, "null");
		return;
	}
	switch (v->kind) {
	case V_NULL:
	case V_FUNC:
		buf_puts(out, "null");
		break;
	case V_BOOL:
	case V_INT:
		value_to_text(v, out);
		break;
	case V_FLOAT:
		if (v->u.f != v->u.f || v->u.f - v->u.f != 0)
			buf_puts(out, "null");   /* JSON has no NaN or infinity */
		else
			value_format_double(v->u.f, out);
		break;
	case V_STRING:
		json_write_string(v->u.str.s, v->u.str.len, out);
		break;
	case V_DATETIME: {
		struct buf t = BUF_INIT;
		datetime_format(&v->u.dt, &t);
		json_write_string(t.data, t.len, out);
		buf_free(&t);
		break;
	}
	case V_ARRAY:
		buf_putc(out, '[');
		for (size_t i = 0; i < value_len(v); i++) {
			if (i)
				buf_putc(out, ',');
			indent(out, pretty, depth + 1);
			if (w->el && depth + 1 == w->el->depth) {
				size_t from = out->len;
				w->hold = 1;
				if (!w->el->reuse(w->el->ud, value_at(v, i), out))
					write_value(w, value_at(v, i), depth + 1);
				w->hold = 0;
				w->el->wrote(w->el->ud, value_at(v, i), out, from);
			} else {
				write_value(w, value_at(v, i), depth + 1);
			}
			if (w->flush && !w->hold && out->len >= JSON_FLUSH_BYTES)
				w->flush(w->ud, out);
		}
		if (value_len(v))
			indent(out, pretty, depth);
		buf_putc(out, ']');
		break;
	case V_TABLE:
		buf_putc(out, '{');
		for (size_t i = 0; i < value_len(v); i++) {
			const struct value_pair *p = value_pair_at(v, i);
			if (i)
				buf_putc(out, ',');
			indent(out, pretty, depth + 1);
			json_write_string(p->key, value_pair_keylen(p), out);
			buf_puts(out, pretty ? ": " : ":");
			write_value(w, value_pair_val(p), depth + 1);
			if (w->flush && !w->hold && out->len >= JSON_FLUSH_BYTES)
				w->flush(w->ud, out);
		}
		if (value_len(v))
			indent(out, pretty, depth);
		buf_putc(out, '}');
		break;
	}
}

void json_write(const struct value *v, int pretty, struct buf *out)
{
	struct jw w = { out, pretty, NULL, NULL, NULL, 0 };
	write_value(&w, v, 0);
}

void json_write_stream_elems(const struct value *v, int pretty, struct buf *out,
                             void (*flush)(void *ud, struct buf *out), void *ud, const struct json_elems *el)
{
	struct jw w = { out, pretty, flush, ud, el, 0 };
	write_value(&w, v, 0);
	if (flush && out->len)
		flush(ud, out);
}

void json_write_stream(const struct value *v, int pretty, struct buf *out,
                       void (*flush)(void *ud, struct buf *out), void *ud)
{
	json_write_stream_elems(v, pretty, out, flush, ud, NULL);
}
