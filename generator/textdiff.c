/* textdiff.c: a longest-common-subsequence diff, lines then characters, cut into hunks with context. */
#include "textdiff.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "utf8.h"
#include "xalloc.h"

struct tok {
	const char *s;
	size_t len;
};

/* One step of an edit script: i indexes a for SAME and DEL, b for INS. */
struct edit {
	enum textdiff_kind kind;
	size_t i;
};

static size_t split_lines(struct arena *ar, const char *s, size_t len, struct tok **out)
{
	size_t n = 0;
	for (size_t i = 0; i < len; i++)
		n += s[i] == '\n';
	struct tok *t = arena_alloc(ar, (n + 1) * sizeof *t);
	size_t k = 0, start = 0;
	for (size_t i = 0; i <= len; i++) {
		if (i == len || s[i] == '\n') {
			if (i > start || i < len)
				t[k++] = (struct tok){ s + start, i - start };
			start = i + 1;
		}
	}
	*out = t;
	return k;
}

/* Characters that belong to the number before them: 2019年6月30日, 75%,
 * 3万, 10时30分 read as one token each. */
static size_t unit_len(const char *s, size_t len)
{
	static const char *const units[] = { "年", "月", "日", "号", "时", "分", "秒", "万", "亿", "％" };
	if (len && s[0] == '%')
		return 1;
	for (size_t i = 0; i < sizeof units / sizeof units[0]; i++) {
		size_t k = strlen(units[i]);
		if (len >= k && memcmp(s, units[i], k) == 0)
			return k;
	}
	return 0;
}

/* A number: digits, with a decimal point or thousands comma between digits
 * and its units attached; after a unit more digits continue it (a date). */
static size_t number_len(const char *s, size_t len)
{
	size_t i = 0;
	while (i < len && IS_ASCII_DIGIT((unsigned char)s[i])) {
		while (i < len && (IS_ASCII_DIGIT((unsigned char)s[i]) ||
		                   ((s[i] == '.' || s[i] == ',') && i + 1 < len && IS_ASCII_DIGIT((unsigned char)s[i + 1]))))
			i++;
		size_t u = unit_len(s + i, len - i);
		if (!u)
			break;
		i += u;
	}
	return i;
}

size_t textdiff_token(const char *s, size_t len)
{
	if (!len)
		return 0;
	unsigned char c = (unsigned char)s[0];
	if (IS_ASCII_DIGIT(c))
		return number_len(s, len);
	size_t j = 1;
	if (IS_ASCII_ALPHA(c)) {
		while (j < len && (IS_ASCII_ALNUM((unsigned char)s[j]) || s[j] == '_'))
			j++;
		return j;
	}
	if (c == ' ' || c == '\t') {
		while (j < len && (s[j] == ' ' || s[j] == '\t'))
			j++;
		return j;
	}
	size_t n;
	utf8_decode(s, len, &n);
	return n ? n : 1;
}

/* Tokens: a number or date, a Latin word, a run of spaces, or one other
 * character (a Han character compares one by one; cleanup() below joins
 * the fragments a character diff leaves). */
static size_t split_chars(struct arena *ar, const char *s, size_t len, struct tok **out)
{
	struct tok *t = arena_alloc(ar, (len + 1) * sizeof *t);
	size_t k = 0, i = 0;
	while (i < len) {
		size_t n = textdiff_token(s + i, len - i);
		t[k++] = (struct tok){ s + i, n };
		i += n;
	}
	*out = t;
	return k;
}

static int tok_eq(const struct tok *x, const struct tok *y)
{
	return x->len == y->len && memcmp(x->s, y->s, x->len) == 0;
}

/* Stores the edit script turning a into b in *out (arena-owned); returns its length. */
static size_t diff_tokens(struct arena *ar, const struct tok *a, size_t na,
                          const struct tok *b, size_t nb, struct edit **out)
{
	struct edit *e = arena_alloc(ar, (na + nb + 1) * sizeof *e);
	size_t k = 0, pre = 0, suf = 0;
	while (pre < na && pre < nb && tok_eq(&a[pre], &b[pre]))
		pre++;
	while (suf < na - pre && suf < nb - pre && tok_eq(&a[na - 1 - suf], &b[nb - 1 - suf]))
		suf++;
	for (size_t i = 0; i < pre; i++)
		e[k++] = (struct edit){ TEXTDIFF_SAME, i };
	size_t n = na - pre - suf, m = nb - pre - suf;
	if (n && m && (n + 1) <= TEXTDIFF_MAX_CELLS / (m + 1)) {
		/* L[i][j]: length of the common subsequence of a[pre+i..] and b[pre+j..]. */
		uint32_t *L = xcalloc((n + 1) * (m + 1), sizeof *L);
#define AT(i, j) L[(size_t)(i) * (m + 1) + (j)]
		for (size_t i = n; i-- > 0;)
			for (size_t j = m; j-- > 0;)
				AT(i, j) = tok_eq(&a[pre + i], &b[pre + j]) ? AT(i + 1, j + 1) + 1
				         : (AT(i + 1, j) >= AT(i, j + 1) ? AT(i + 1, j) : AT(i, j + 1));
		size_t i = 0, j = 0;
		while (i < n || j < m) {
			if (i < n && j < m && tok_eq(&a[pre + i], &b[pre + j])) {
				e[k++] = (struct edit){ TEXTDIFF_SAME, pre + i };
				i++, j++;
			} else if (i < n && (j == m || AT(i + 1, j) >= AT(i, j + 1))) {
				e[k++] = (struct edit){ TEXTDIFF_DEL, pre + i++ };
			} else {
				e[k++] = (struct edit){ TEXTDIFF_INS, pre + j++ };
			}
		}
#undef AT
		free(L);
	} else {
		for (size_t i = 0; i < n; i++)
			e[k++] = (struct edit){ TEXTDIFF_DEL, pre + i };
		for (size_t j = 0; j < m; j++)
			e[k++] = (struct edit){ TEXTDIFF_INS, pre + j };
	}
	for (size_t i = 0; i < suf; i++)
		e[k++] = (struct edit){ TEXTDIFF_SAME, na - suf + i };
	*out = e;
	return k;
}

/* Vectors of ops and hunks that double in the arena. */
struct ops {
	struct textdiff_op *v;
	size_t n, cap;
};

static void ops_push(struct arena *ar, struct ops *o, enum textdiff_kind kind, const char *s, size_t len)
{
	if (!len)
		return;
	if (o->n && o->v[o->n - 1].kind == kind && o->v[o->n - 1].s + o->v[o->n - 1].len == s) {
		o->v[o->n - 1].len += len;
		return;
	}
	if (o->n == o->cap) {
		size_t cap = o->cap ? 2 * o->cap : 8;
		o->v = arena_realloc(ar, o->v, o->cap * sizeof *o->v, cap * sizeof *o->v);
		o->cap = cap;
	}
	o->v[o->n++] = (struct textdiff_op){ kind, s, len };
}

struct hunks {
	struct textdiff_hunk *v;
	size_t n, cap;
};

/* The last whole tokens of s, about ctx characters (the token across the
 * limit whole: a word or date is never cut), not reaching back past a line end. */
static size_t tail_ctx(const char *s, size_t len, size_t ctx)
{
	size_t start = 0;
	for (size_t i = 0; i < len; i++)
		if (s[i] == '\n')
			start = i + 1;
	/* Token starts from the line's start; the first one within ctx of the end. */
	size_t chars = utf8_count(s + start, len - start), i = start;
	while (i < len && chars > ctx) {
		size_t n = textdiff_token(s + i, len - i);
		size_t c = utf8_count(s + i, n);
		if (chars - c < ctx)
			break;   /* the token across the limit: kept whole */
		chars -= c;
		i += n;
	}
	return len - i;
}

/* The first whole tokens of s, about ctx characters (as tail_ctx), not past a line end. */
static size_t head_ctx(const char *s, size_t len, size_t ctx)
{
	size_t i = 0, k = 0;
	while (i < len && s[i] != '\n') {
		size_t n = textdiff_token(s + i, len - i);
		size_t c = utf8_count(s + i, n);
		if (k >= ctx)
			break;
		i += n;
		k += c;
	}
	return i;
}

/* Unchanged text between two changes that is kept inside one hunk: short,
 * on one line; or so made of long tokens that the context after the one
 * change and before the next would meet (whole tokens reach past ctx). */
static int joinable(const struct textdiff_op *o, size_t ctx)
{
	if (memchr(o->s, '\n', o->len))
		return 0;
	return utf8_count(o->s, o->len) <= 2 * ctx || head_ctx(o->s, o->len, ctx) + tail_ctx(o->s, o->len, ctx) >= o->len;
}

static void make_hunks(struct arena *ar, const struct ops *o, size_t ctx, struct hunks *h)
{
	size_t i = 0, n = o->n;
	while (i < n) {
		if (o->v[i].kind == TEXTDIFF_SAME) {
			i++;
			continue;
		}
		size_t j = i;
		while (j < n && (o->v[j].kind != TEXTDIFF_SAME ||
		                 (j + 1 < n && joinable(&o->v[j], ctx))))
			j++;
		struct ops hk = { 0 };
		struct textdiff_hunk nh = { 0 };
		if (i > 0) {
			const struct textdiff_op *p = &o->v[i - 1];
			size_t t = tail_ctx(p->s, p->len, ctx);
			nh.cut_before = t < p->len;
			ops_push(ar, &hk, TEXTDIFF_SAME, p->s + p->len - t, t);
		}
		for (size_t k = i; k < j; k++)
			ops_push(ar, &hk, o->v[k].kind, o->v[k].s, o->v[k].len);
		if (j < n) {
			const struct textdiff_op *p = &o->v[j];
			size_t t = head_ctx(p->s, p->len, ctx);
			nh.cut_after = t < p->len;
			ops_push(ar, &hk, TEXTDIFF_SAME, p->s, t);
		}
		nh.ops = hk.v;
		nh.nops = hk.n;
		if (h->n == h->cap) {
			size_t cap = h->cap ? 2 * h->cap : 8;
			h->v = arena_realloc(ar, h->v, h->cap * sizeof *h->v, cap * sizeof *h->v);
			h->cap = cap;
		}
		h->v[h->n++] = nh;
		i = j;
	}
}

/* Unchanged text of at most this many characters between two changes
 * joins them: "[-目前没有-]{+开展+}完成[-的任务-]" reads better as one
 * change of the whole phrase. */
#define TEXTDIFF_GLUE 2

/* A run of tokens unchanged (same) or changed: old [a0, a1), new [b0, b1). */
struct seg {
	int same;
	size_t a0, a1, b0, b1;
};

static struct tok tok_span(const struct tok *t, size_t lo, size_t hi)
{
	if (lo == hi)
		return (struct tok){ "", 0 };
	return (struct tok){ t[lo].s, (size_t)(t[hi - 1].s + t[hi - 1].len - t[lo].s) };
}

/* The edit script as ops: each change as all removed, then all added, and
 * short unchanged runs between changes joined into them (TEXTDIFF_GLUE). */
static void cleanup_ops(struct arena *ar, const struct edit *e, size_t ne, const struct tok *ca,
                        const struct tok *cb, struct ops *o)
{
	struct seg *sv = arena_alloc(ar, (ne + 1) * sizeof *sv);
	size_t ns = 0, i = 0, j = 0;
	for (size_t k = 0; k < ne; k++) {
		int same = e[k].kind == TEXTDIFF_SAME;
		if (!ns || sv[ns - 1].same != same)
			sv[ns++] = (struct seg){ same, i, i, j, j };
		if (e[k].kind != TEXTDIFF_INS)
			sv[ns - 1].a1 = ++i;
		if (e[k].kind != TEXTDIFF_DEL)
			sv[ns - 1].b1 = ++j;
	}
	/* Joins change, short same, change into one change. */
	size_t m = 0;
	for (size_t k = 0; k < ns; k++) {
		if (sv[k].same && m && k + 1 < ns && !sv[m - 1].same) {
			struct tok t = tok_span(ca, sv[k].a0, sv[k].a1);
			if (!memchr(t.s, '\n', t.len) && utf8_count(t.s, t.len) <= TEXTDIFF_GLUE) {
				sv[m - 1].a1 = sv[k + 1].a1;
				sv[m - 1].b1 = sv[k + 1].b1;
				k++;
				continue;
			}
		}
		sv[m++] = sv[k];
	}
	for (size_t k = 0; k < m; k++) {
		struct tok ta = tok_span(ca, sv[k].a0, sv[k].a1), tb = tok_span(cb, sv[k].b0, sv[k].b1);
		if (sv[k].same) {
			ops_push(ar, o, TEXTDIFF_SAME, ta.s, ta.len);
		} else {
			ops_push(ar, o, TEXTDIFF_DEL, ta.s, ta.len);
			ops_push(ar, o, TEXTDIFF_INS, tb.s, tb.len);
		}
	}
}

/* The bytes from the start of line lo to the end of line hi - 1 (empty when lo == hi). */
static struct tok span(const struct tok *lines, size_t lo, size_t hi)
{
	if (lo == hi)
		return (struct tok){ lo ? lines[lo - 1].s + lines[lo - 1].len : "", 0 };
	return (struct tok){ lines[lo].s, (size_t)(lines[hi - 1].s + lines[hi - 1].len - lines[lo].s) };
}

size_t textdiff_text(struct arena *ar, const char *a, size_t alen, const char *b, size_t blen,
                     size_t ctx, struct textdiff_hunk **out)
{
	struct tok *la, *lb;
	size_t na = split_lines(ar, a, alen, &la), nb = split_lines(ar, b, blen, &lb);
	struct edit *e;
	size_t ne = diff_tokens(ar, la, na, lb, nb, &e);
	struct hunks h = { 0 };
	size_t i = 0;
	while (i < ne) {
		if (e[i].kind == TEXTDIFF_SAME) {
			i++;
			continue;
		}
		/* A run of changed lines: the old lines [alo, ahi), the new [blo, bhi). */
		size_t alo = SIZE_MAX, ahi = 0, blo = SIZE_MAX, bhi = 0;
		for (; i < ne && e[i].kind != TEXTDIFF_SAME; i++) {
			if (e[i].kind == TEXTDIFF_DEL) {
				if (alo == SIZE_MAX)
					alo = e[i].i;
				ahi = e[i].i + 1;
			} else {
				if (blo == SIZE_MAX)
					blo = e[i].i;
				bhi = e[i].i + 1;
			}
		}
		if (alo == SIZE_MAX)
			alo = ahi = 0;
		if (blo == SIZE_MAX)
			blo = bhi = 0;
		struct tok sa = span(la, alo, ahi), sb = span(lb, blo, bhi);
		struct tok *ca, *cb;
		size_t nca = split_chars(ar, sa.s, sa.len, &ca), ncb = split_chars(ar, sb.s, sb.len, &cb);
		struct edit *ce;
		size_t nce = diff_tokens(ar, ca, nca, cb, ncb, &ce);
		struct ops o = { 0 };
		cleanup_ops(ar, ce, nce, ca, cb, &o);
		make_hunks(ar, &o, ctx, &h);
	}
	*out = h.v;
	return h.n;
}
