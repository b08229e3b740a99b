/* frontmatter.c: YAML (through libyaml) and TOML front matter into values. */
#include "frontmatter.h"

#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <yaml.h>

#include "i18n.h"
#include "schema.h"
#include "toml.h"
#include "utf8.h"
#include "xalloc.h"

/* Front matter nests a few levels; deeper is a mistake or an attack. */
#define FM_MAX_DEPTH 64
/* Aliases let a small file describe a huge tree; front matter needs few. */
#define FM_MAX_ANCHORS 256
/* Values that aliases may add to the front matter, counted as if each alias
 * were written out (an alias of a list of nine, in a list of nine aliases of
 * that, ... thirteen lines expand to 10^12 values, which every reader of
 * the tree (the caches, the templates, the data files) would walk): a few
 * repeated lists of units add hundreds. */
#define FM_MAX_ALIAS_VALUES 100000

struct anchor {
	const char *name;
	struct value *val;
	size_t size;            /* the values of val, its aliases written out */
	int open;               /* val is a list or mapping still being read */
};

struct yp {
	struct arena *a;
	struct arena *grow;     /* lists and tables grow here, then move to a exactly sized (value_compact) */
	const char *path, *src;
	size_t len;
	int line0;              /* file line of the slice's first line, minus one */
	size_t off0;            /* byte offset of the slice in the file */
	struct diags *d;
	yaml_parser_t parser;
	struct anchor anchors[FM_MAX_ANCHORS];
	size_t nanchors;
	size_t made;            /* values made */
	size_t expanded;        /* values, each alias counted as what it stands for */
	int failed;
};

static struct pos ypos(struct yp *y, yaml_mark_t m)
{
	/* libyaml counts lines from 0 within the slice and columns in characters. */
	struct pos p = { y->path, y->line0 + (int)m.line + 1, (int)m.column + 1 };
	return p;
}

static void yerr(struct yp *y, yaml_mark_t m, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void yerr(struct yp *y, yaml_mark_t m, const char *fmt, ...)
{
	if (y->failed)
		return;
	y->failed = 1;
	struct pos p = ypos(y, m);
	size_t s = 0, e = 0;
	int have = diag_line_span(y->src, y->len, p.line, &s, &e);
	struct buf msg = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&msg, _(fmt), ap);
	va_end(ap);
	diag_add(y->d, DIAG_ERROR, y->path, p.line, p.col, have ? y->src + s : NULL, e - s,
	         "%s", buf_cstr(&msg));
	buf_free(&msg);
}

static int digits(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!IS_ASCII_DIGIT(s[i]))
			return 0;
	return n > 0;
}

static int num2(const char *s)
{
	return (s[0] - '0') * 10 + (s[1] - '0');
}

/* YYYY-MM-DD, optionally followed by [Tt ]hh:mm:ss[.frac][Z|±hh:mm]. */
static int parse_date(const char *s, size_t n, struct datetime *dt)
{
	memset(dt, 0, sizeof *dt);
	if (n < 10 || !digits(s, 4) || s[4] != '-' || !digits(s + 5, 2) || s[7] != '-' || !digits(s + 8, 2))
		return 0;
	dt->kind = DT_DATE;
	dt->year = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + num2(s + 2);
	dt->month = num2(s + 5);
	dt->day = num2(s + 8);
	if (n == 10)
		return 1;
	size_t i = 10;
	if (s[i] != 'T' && s[i] != 't' && s[i] != ' ')
		return 0;
	i++;
	while (i < n && s[i] == ' ')
		i++;
	if (n - i < 8 || !digits(s + i, 2) || s[i + 2] != ':' || !digits(s + i + 3, 2) ||
	    s[i + 5] != ':' || !digits(s + i + 6, 2))
		return 0;
	dt->kind = DT_LOCAL;
	dt->hour = num2(s + i);
	dt->minute = num2(s + i + 3);
	dt->second = num2(s + i + 6);
	i += 8;
	if (i < n && s[i] == '.') {
		int scale = 100000000;
		i++;
		if (i >= n || !IS_ASCII_DIGIT(s[i]))
			return 0;
		while (i < n && IS_ASCII_DIGIT(s[i])) {
			dt->nanos += (s[i] - '0') * scale;
			scale /= 10;
			i++;
		}
	}
	while (i < n && s[i] == ' ')
		i++;
	if (i == n)
		return 1;
	dt->kind = DT_OFFSET;
	if ((s[i] == 'Z' || s[i] == 'z') && i + 1 == n)
		return 1;
	if ((s[i] == '+' || s[i] == '-') && n - i == 6 && digits(s + i + 1, 2) && s[i + 3] == ':' &&
	    digits(s + i + 4, 2)) {
		int m = num2(s + i + 1) * 60 + num2(s + i + 4);
		dt->offset_min = s[i] == '-' ? -m : m;
		return 1;
	}
	if ((s[i] == '+' || s[i] == '-') && n - i == 3 && digits(s + i + 1, 2)) {
		int m = num2(s + i + 1) * 60;
		dt->offset_min = s[i] == '-' ? -m : m;
		return 1;
	}
	return 0;
}

static int is_word(const char *s, size_t n, const char *const *words)
{
	for (; *words; words++)
		if (strlen(*words) == n && memcmp(s, *words, n) == 0)
			return 1;
	return 0;
}

/* A plain scalar's type, by the YAML 1.2 core schema plus dates. */
static struct value *plain_scalar(struct yp *y, const char *s, size_t n, yaml_mark_t m)
{
	static const char *const nulls[] = { "", "~", "null", "Null", "NULL", NULL };
	static const char *const trues[] = { "true", "True", "TRUE", NULL };
	static const char *const falses[] = { "false", "False", "FALSE", NULL };
	struct pos p = ypos(y, m);
	if (is_word(s, n, nulls))
		return value_null(y->a, p);
	if (is_word(s, n, trues))
		return value_bool(y->a, 1, p);
	if (is_word(s, n, falses))
		return value_bool(y->a, 0, p);
	if (n > 0 && n < 64) {
		char tmp[64];
		memcpy(tmp, s, n);
		tmp[n] = '\0';
		char *end;
		size_t i = (tmp[0] == '-' || tmp[0] == '+') ? 1 : 0;
		if (digits(tmp + i, n - i)) {
			errno = 0;
			long long ll = strtoll(tmp, &end, 10);
			if (errno == 0 && *end == '\0')
				return value_int(y->a, ll, p);
		}
		if (n > 2 && tmp[0] == '0' && (tmp[1] == 'x' || tmp[1] == 'o')) {
			errno = 0;
			long long ll = strtoll(tmp + 2, &end, tmp[1] == 'x' ? 16 : 8);
			if (errno == 0 && *end == '\0' && end != tmp + 2)
				return value_int(y->a, ll, p);
		}
		static const char *const infs[] = { ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF", NULL };
		static const char *const ninfs[] = { "-.inf", "-.Inf", "-.INF", NULL };
		static const char *const nans[] = { ".nan", ".NaN", ".NAN", NULL };
		if (is_word(s, n, infs))
			return value_float(y->a, 1.0 / 0.0, p);
		if (is_word(s, n, ninfs))
			return value_float(y->a, -1.0 / 0.0, p);
		if (is_word(s, n, nans))
			return value_float(y->a, 0.0 / 0.0, p);
		/* [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )? */
		int sawdigit = 0, sawdot = 0, ok = 1;
		size_t k = i;
		while (k < n && (IS_ASCII_DIGIT(tmp[k]) || (tmp[k] == '.' && !sawdot))) {
			sawdigit |= IS_ASCII_DIGIT(tmp[k]);
			sawdot |= tmp[k] == '.';
			k++;
		}
		if (k < n && (tmp[k] == 'e' || tmp[k] == 'E')) {
			k++;
			if (k < n && (tmp[k] == '+' || tmp[k] == '-'))
				k++;
			if (k >= n || !IS_ASCII_DIGIT(tmp[k]))
				ok = 0;
			while (k < n && IS_ASCII_DIGIT(tmp[k]))
				k++;
		}
		if (ok && sawdigit && k == n)
			return value_float(y->a, strtod(tmp, NULL), p);
		struct datetime dt;
		if (parse_date(s, n, &dt)) {
			if (!datetime_valid_date(dt.year, dt.month, dt.day) || dt.hour > 23 ||
			    dt.minute > 59 || dt.second > 60) {
				yerr(y, m, "'%s' is not a valid date", tmp);
				return NULL;
			}
			return value_datetime(y->a, &dt, p);
		}
	}
	return value_string(y->a, s, n, p);
}

static int next_event(struct yp *y, yaml_event_t *ev)
{
	if (!yaml_parser_parse(&y->parser, ev)) {
		yerr(y, y->parser.problem_mark, "YAML: %s%s%s%s", y->parser.problem ? y->parser.problem : "syntax error",
		     y->parser.context ? " (" : "", y->parser.context ? y->parser.context : "",
		     y->parser.context ? ")" : "");
		return -1;
	}
	return 0;
}

/* Records anchor for v; its size is set when v is whole (sized). Returns
 * the anchor's number + 1, or 0 for none. */
static size_t remember(struct yp *y, const yaml_char_t *anchor, struct value *v, yaml_mark_t m)
{
	if (!anchor || !v)
		return 0;
	if (y->nanchors == FM_MAX_ANCHORS) {
		yerr(y, m, "too many YAML anchors");
		return 0;
	}
	y->anchors[y->nanchors].name = arena_strdup(y->a, (const char *)anchor);
	y->anchors[y->nanchors].val = v;
	y->anchors[y->nanchors].size = 1;
	y->anchors[y->nanchors].open = v->kind == V_ARRAY || v->kind == V_TABLE;
	return ++y->nanchors;
}

/* Anchor k (remember's) stands for the values counted since from. */
static void sized(struct yp *y, size_t k, size_t from)
{
	if (k) {
		y->anchors[k - 1].size = y->expanded - from;
		y->anchors[k - 1].open = 0;
	}
}

/* Builds the node that starts with event ev (which it consumes). */
static struct value *node(struct yp *y, yaml_event_t *ev, int depth)
{
	struct value *v = NULL;
	if (depth > FM_MAX_DEPTH) {
		yerr(y, ev->start_mark, "front matter nested too deeply");
		yaml_event_delete(ev);
		return NULL;
	}
	switch (ev->type) {
	case YAML_SCALAR_EVENT: {
		const char *s = (const char *)ev->data.scalar.value;
		size_t n = ev->data.scalar.length;
		const char *tag = (const char *)ev->data.scalar.tag;
		if (tag && strcmp(tag, YAML_STR_TAG) == 0)
			v = value_string(y->a, s, n, ypos(y, ev->start_mark));
		else if (ev->data.scalar.style == YAML_PLAIN_SCALAR_STYLE)
			v = plain_scalar(y, s, n, ev->start_mark);
		else
			v = value_string(y->a, s, n, ypos(y, ev->start_mark));
		y->made++;
		y->expanded++;
		remember(y, ev->data.scalar.anchor, v, ev->start_mark);
		yaml_event_delete(ev);
		return v;
	}
	case YAML_ALIAS_EVENT: {
		size_t size = 0;
		int open = 0;
		for (size_t i = 0; i < y->nanchors; i++)
			if (strcmp(y->anchors[i].name, (const char *)ev->data.alias.anchor) == 0) {
				v = y->anchors[i].val;
				size = y->anchors[i].size;
				open = y->anchors[i].open;
			}
		if (!v)
			yerr(y, ev->start_mark, "unknown YAML alias '%s'", (const char *)ev->data.alias.anchor);
		if (open) {
			/* A value inside itself: every reader of the tree would go round it forever. */
			yerr(y, ev->start_mark, "YAML alias '*%s' is inside the value it names", (const char *)ev->data.alias.anchor);
			v = NULL;
		}
		y->expanded += size;
		if (v && y->expanded - y->made > FM_MAX_ALIAS_VALUES) {
			yerr(y, ev->start_mark, "YAML aliases make the front matter more than %d values larger when written out "
			     "(*%s)", FM_MAX_ALIAS_VALUES, (const char *)ev->data.alias.anchor);
			v = NULL;
		}
		yaml_event_delete(ev);
		return v;
	}
	case YAML_SEQUENCE_START_EVENT: {
		v = value_array(y->a, ypos(y, ev->start_mark));
		size_t from = y->expanded++;
		y->made++;
		size_t k = remember(y, ev->data.sequence_start.anchor, v, ev->start_mark);
		yaml_event_delete(ev);
		for (;;) {
			yaml_event_t e;
			if (next_event(y, &e) < 0)
				return NULL;
			if (e.type == YAML_SEQUENCE_END_EVENT) {
				yaml_event_delete(&e);
				sized(y, k, from);
				value_compact(y->a, v);
				return v;
			}
			struct value *item = node(y, &e, depth + 1);
			if (!item)
				return NULL;
			value_push(y->grow, v, item);
		}
	}
	case YAML_MAPPING_START_EVENT: {
		v = value_table(y->a, ypos(y, ev->start_mark));
		size_t from = y->expanded++;
		y->made++;
		size_t anc = remember(y, ev->data.mapping_start.anchor, v, ev->start_mark);
		yaml_event_delete(ev);
		for (;;) {
			yaml_event_t k;
			if (next_event(y, &k) < 0)
				return NULL;
			if (k.type == YAML_MAPPING_END_EVENT) {
				yaml_event_delete(&k);
				sized(y, anc, from);
				value_compact(y->a, v);
				return v;
			}
			if (k.type != YAML_SCALAR_EVENT) {
				yerr(y, k.start_mark, "mapping keys must be plain text");
				yaml_event_delete(&k);
				return NULL;
			}
			yaml_mark_t km = k.start_mark;
			const char *raw = (const char *)k.data.scalar.value;
			size_t keylen = k.data.scalar.length;
			if (value_getn(v, raw, keylen)) {
				yerr(y, km, "duplicate key '%s'", raw);
				yaml_event_delete(&k);
				return NULL;
			}
			/* A schema key is borrowed, not copied; another is copied once. */
			const char *name = schema_key_name(raw, keylen);
			const char *key = name ? name : arena_strndup(y->a, raw, keylen);
			yaml_event_delete(&k);
			yaml_event_t e;
			if (next_event(y, &e) < 0)
				return NULL;
			struct value *item = node(y, &e, depth + 1);
			if (!item)
				return NULL;
			value_append_key(y->grow, v, key, keylen, item);
		}
	}
	default:
		yerr(y, ev->start_mark, "unexpected YAML event");
		yaml_event_delete(ev);
		return NULL;
	}
}

struct value *fm_yaml(struct arena *a, const char *path, const char *src, size_t len,
                      size_t start, size_t end, struct diags *d)
{
	struct yp *y = xcalloc(1, sizeof *y);
	struct value *root = NULL;
	int line, col;
	diag_linecol(src, len, start, &line, &col);
	y->a = a;
	y->grow = arena_new();
	y->path = path;
	y->src = src;
	y->len = len;
	y->line0 = line - 1;
	y->off0 = start;
	y->d = d;
	yaml_parser_initialize(&y->parser);
	yaml_parser_set_input_string(&y->parser, (const unsigned char *)src + start, end - start);
	yaml_parser_set_encoding(&y->parser, YAML_UTF8_ENCODING);
	yaml_event_t ev;
	if (next_event(y, &ev) < 0)   /* stream start */
		goto out;
	yaml_event_delete(&ev);
	if (next_event(y, &ev) < 0)
		goto out;
	if (ev.type == YAML_STREAM_END_EVENT) {   /* empty front matter */
		yaml_event_delete(&ev);
		root = value_table(a, (struct pos){ path, line, 1 });
		goto out;
	}
	yaml_event_delete(&ev);       /* document start */
	if (next_event(y, &ev) < 0)
		goto out;
	root = node(y, &ev, 0);
	if (root && root->kind == V_NULL)
		root = value_table(a, root->pos);
	if (y->failed)
		root = NULL;
out:
	yaml_parser_delete(&y->parser);
	/* Every list and table that was ended is in a; a parse that failed
	 * midway leaves no root, so nothing points here any more. */
	arena_free(y->grow);
	free(y);
	return root;
}

/* The end of the line that starts at i (the offset of its line break, or len). */
static size_t line_end(const char *s, size_t len, size_t i)
{
	while (i < len && s[i] != '\n' && s[i] != '\r')
		i++;
	return i;
}

static size_t next_line(const char *s, size_t len, size_t i)
{
	i = line_end(s, len, i);
	if (i < len && s[i] == '\r')
		i++;
	if (i < len && s[i] == '\n')
		i++;
	return i;
}

/* Is the line at i exactly fence (trailing blanks allowed)? */
static int is_fence(const char *s, size_t len, size_t i, const char *fence)
{
	size_t e = line_end(s, len, i);
	size_t n = strlen(fence);
	if (e - i < n || memcmp(s + i, fence, n) != 0)
		return 0;
	for (size_t k = i + n; k < e; k++)
		if (s[k] != ' ' && s[k] != '\t')
			return 0;
	return 1;
}

int fm_parse(struct arena *a, const char *path, const char *src, size_t len,
             struct value **meta, size_t *body_off, struct diags *d)
{
	size_t start = utf8_bom(src, len);
	const char *fence = NULL;
	*meta = NULL;
	*body_off = start;
	if (is_fence(src, len, start, "---"))
		fence = "---";
	else if (is_fence(src, len, start, "+++"))
		fence = "+++";
	if (!fence) {
		*meta = value_table(a, (struct pos){ path, 1, 1 });
		return 0;
	}
	size_t fm_start = next_line(src, len, start);
	size_t i = fm_start;
	while (i < len && !is_fence(src, len, i, fence) && !(fence[0] == '-' && is_fence(src, len, i, "...")))
		i = next_line(src, len, i);
	if (i >= len) {
		diag_at(d, DIAG_ERROR, path, src, len, start,
		        "front matter opened with '%s' is never closed", fence);
		return -1;
	}
	size_t fm_end = i;
	*body_off = next_line(src, len, i);
	struct value *v = fence[0] == '-' ? fm_yaml(a, path, src, len, fm_start, fm_end, d)
	                                  : toml_parse(a, path, src, fm_start, fm_end, d);
	if (!v)
		return -1;
	if (v->kind != V_TABLE) {
		size_t s = 0, e = 0;
		int have = diag_line_span(src, len, v->pos.line, &s, &e);
		diag_add(d, DIAG_ERROR, path, v->pos.line, v->pos.col, have ? src + s : NULL, e - s,
		         "front matter must be a mapping of keys to values, not a%s %s",
		         v->kind == V_ARRAY || v->kind == V_INT ? "n" : "", _(value_kind_name(v->kind)));
		return -1;
	}
	*meta = v;
	return 0;
}
