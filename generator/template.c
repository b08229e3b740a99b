/* template.c: the Mustache engine: templates compiled once into op trees, rendered read-only.
 * A tokenizer, a whitespace pass and a tree builder make the ops; the renderer only reads them. */
#include "template.h"

#include <stdarg.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "i18n.h"
#include "utf8.h"
#include "xalloc.h"

#define NONE SIZE_MAX

/* ---- the compiled form ------------------------------------------------------ */

enum op_kind {
	OP_TEXT,
	OP_VAR,       /* {{name}}, escaped */
	OP_RAW,       /* {{{name}}}, {{&name}} */
	OP_SECTION,
	OP_INVERTED,
	OP_PARTIAL,
	OP_PARENT,    /* {{<name}}: body holds its argument blocks */
	OP_BLOCK,     /* {{$name}}: body holds the default content (or the argument) */
};

/* The tag's line (or, for a block or parent pair, its leading space) was cut:
 * it starts no line of output, so it does not emit pending indentation, and a
 * partial, parent or block indents what it expands with ind. */
#define OPF_STANDALONE 1u
#define OPF_EOL 2u        /* OP_TEXT ends with a line feed */
#define OPF_DYNAMIC 4u    /* OP_PARTIAL, OP_PARENT: {{>*name}}, the name comes from the context */

struct op;

struct ops {
	struct op *v;
	size_t n, cap;
};

struct op {
	enum op_kind kind;
	unsigned flags;
	size_t off;                 /* the tag (or text) in the template source */
	const char *s;              /* OP_TEXT: the text; others: the name */
	size_t len;
	const char *ind;            /* with OPF_STANDALONE: indentation for what is expanded */
	size_t indlen;
	struct ops body;
	size_t raw, rawlen;         /* OP_SECTION: the unrendered content, for lambdas */
	const char *otag, *ctag;    /* OP_SECTION: the delimiters in effect, for lambdas */
	size_t olen, clen;
	const struct tpl *target;   /* OP_PARTIAL, OP_PARENT: set by tpl_set_link */
};

struct tpl {
	char *name, *path;
	char *src;                  /* every pointer in ops points into it */
	size_t len;
	struct ops ops;
	int broken;                 /* failed to compile: reserved name, renders nothing */
	size_t idx;                 /* in the set, for the cycle check */
	const struct tpl *origin;   /* a lambda's result: errors point at the lambda's tag */
	size_t origin_off;
};

struct tpl_set {
	int strict;
	struct tpl **v;
	size_t n, cap;
	size_t *slot;               /* open addressing over v: index + 1, 0 when free */
	size_t nslot;
};

/* ---- small helpers ---------------------------------------------------------- */

static const char *find(const char *s, size_t n, const char *pat, size_t m)
{
	if (m == 0 || m > n)
		return NULL;
	const char *end = s + (n - m);
	for (const char *p = s; p <= end; p++) {
		p = memchr(p, pat[0], (size_t)(end - p) + 1);
		if (!p)
			return NULL;
		if (memcmp(p, pat, m) == 0)
			return p;
	}
	return NULL;
}

static int is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Start of the line holding pos when only blanks precede pos on it, else NONE. */
static size_t line_head(const char *s, size_t pos)
{
	size_t i = pos;
	while (i > 0 && is_blank(s[i - 1]))
		i--;
	return i == 0 || s[i - 1] == '\n' ? i : NONE;
}

/* Just past the line ending when only blanks follow pos on its line, else NONE. */
static size_t line_tail(const char *s, size_t len, size_t pos)
{
	size_t i = pos;
	while (i < len && is_blank(s[i]))
		i++;
	if (i == len)
		return len;
	if (s[i] == '\n')
		return i + 1;
	if (s[i] == '\r' && i + 1 < len && s[i + 1] == '\n')
		return i + 2;
	return NONE;
}

static size_t blanks_from(const char *s, size_t len, size_t pos)
{
	size_t i = pos;
	while (i < len && is_blank(s[i]))
		i++;
	return i;
}

static void ops_free(struct ops *o)
{
	for (size_t i = 0; i < o->n; i++)
		ops_free(&o->v[i].body);
	free(o->v);
}

static struct op *ops_push(struct ops *o, enum op_kind kind, size_t off)
{
	if (o->n == o->cap) {
		o->cap = o->cap ? o->cap * 2 : 8;
		o->v = xrealloc(o->v, o->cap * sizeof *o->v);
	}
	struct op *op = &o->v[o->n++];
	memset(op, 0, sizeof *op);
	op->kind = kind;
	op->off = off;
	return op;
}

static void tpl_free(struct tpl *t)
{
	if (!t)
		return;
	ops_free(&t->ops);
	free(t->name);
	free(t->path);
	free(t->src);
	free(t);
}

/* ---- tokens ----------------------------------------------------------------- */

enum tok_kind {
	TK_TEXT, TK_VAR, TK_RAW, TK_SECTION, TK_INVERTED, TK_CLOSE,
	TK_PARTIAL, TK_PARENT, TK_BLOCK, TK_COMMENT, TK_DELIM,
};

struct tok {
	enum tok_kind kind;
	size_t start, end;          /* the whole tag, or the text, in the source */
	size_t a, b;                /* TK_TEXT: what is left after standalone cuts */
	const char *raw;            /* the tag's content, trimmed */
	size_t rawlen;
	const char *name;           /* raw without a dynamic name's '*' */
	size_t nlen;
	int dynamic;
	const char *otag, *ctag;    /* delimiters in effect at the tag */
	size_t olen, clen;
	size_t match;               /* an open tag's close tag and back */
	size_t encl;                /* the enclosing open tag, or NONE */
	unsigned flags;             /* OPF_STANDALONE */
	size_t ind, indend;         /* indentation (or a block's intrinsic indentation) in the source */
	int intrinsic;              /* TK_BLOCK: ind..indend is stripped from each line of the content */
};

struct comp {
	const char *path;
	const char *src;
	size_t len;
	struct diags *d;
	struct tok *t;
	size_t n, cap;
};

static struct tok *tok_push(struct comp *c, enum tok_kind kind, size_t start, size_t end)
{
	if (c->n == c->cap) {
		c->cap = c->cap ? c->cap * 2 : 32;
		c->t = xrealloc(c->t, c->cap * sizeof *c->t);
	}
	struct tok *tk = &c->t[c->n++];
	memset(tk, 0, sizeof *tk);
	tk->kind = kind;
	tk->start = start;
	tk->end = end;
	tk->a = start;
	tk->b = end;
	tk->match = NONE;
	tk->encl = NONE;
	tk->ind = tk->indend = start;
	return tk;
}

static void error_at(struct comp *c, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void error_at(struct comp *c, size_t off, const char *fmt, ...)
{
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, _(fmt), ap);
	va_end(ap);
	if (c->d)
		diag_at(c->d, DIAG_ERROR, c->path, c->src, c->len, off, "%s", buf_cstr(&m));
	buf_free(&m);
}

/* Where the tag's content ends: at ctag, or at pre + ctag for {{{x}}} and {{=a b=}}. */
static size_t find_close(const char *s, size_t len, size_t from, char pre,
                         const char *ctag, size_t clen)
{
	size_t i = from;
	for (;;) {
		const char *p = find(s + i, len - i, ctag, clen);
		if (!p)
			return NONE;
		size_t r = (size_t)(p - s);
		if (!pre)
			return r;
		if (r > from && s[r - 1] == pre)
			return r - 1;
		i = r + 1;
	}
}

static int has_space(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (IS_ASCII_SPACE(s[i]))
			return 1;
	return 0;
}

/* "." or dot-separated non-empty parts. */
static int dotted_ok(const char *s, size_t n)
{
	if (n == 1 && s[0] == '.')
		return 1;
	size_t part = 0;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '.') {
			if (part == 0)
				return 0;
			part = 0;
		} else {
			part++;
		}
	}
	return part > 0;
}

static const char *kind_word(enum tok_kind k)
{
	switch (k) {
	case TK_INVERTED: return _("inverted section");
	case TK_PARENT: return _("parent");
	case TK_BLOCK: return _("block");
	default: return _("section");
	}
}

/* Checks a tag's name; records an error and returns -1 if it is unusable. */
static int tag_name(struct comp *c, struct tok *tk, size_t q, size_t ce)
{
	const char *s = c->src;
	while (q < ce && IS_ASCII_SPACE(s[q]))
		q++;
	while (ce > q && IS_ASCII_SPACE(s[ce - 1]))
		ce--;
	tk->raw = tk->name = s + q;
	tk->rawlen = tk->nlen = ce - q;
	if (tk->kind == TK_COMMENT)
		return 0;
	if (tk->rawlen == 0) {
		error_at(c, tk->start, "empty tag name");
		return -1;
	}
	/* A dynamic name ({{>*name}}, {{<* name}}) names a partial or parent
	 * through the context. Every tag is parsed so, for the matching of close
	 * tags; only partials and parents use the result. */
	int dyn_kind = tk->kind == TK_PARTIAL || tk->kind == TK_PARENT;
	if (s[q] == '*') {
		size_t p = q + 1;
		while (p < ce && IS_ASCII_SPACE(s[p]))
			p++;
		tk->dynamic = 1;
		tk->name = s + p;
		tk->nlen = ce - p;
		if (tk->nlen == 0 && dyn_kind) {
			error_at(c, tk->start, "empty name after '*'");
			return -1;
		}
	}
	int star = dyn_kind || tk->kind == TK_CLOSE;   /* blanks may follow the '*' */
	const char *n = star ? tk->name : tk->raw;
	size_t nlen = star ? tk->nlen : tk->rawlen;
	if (has_space(n, nlen)) {
		error_at(c, tk->start, "tag name \"%.*s\" contains a space", (int)tk->rawlen, tk->raw);
		return -1;
	}
	int dotted = tk->kind == TK_VAR || tk->kind == TK_RAW || tk->kind == TK_SECTION ||
	             tk->kind == TK_INVERTED || (dyn_kind && tk->dynamic);
	if (dotted && !dotted_ok(n, nlen)) {
		error_at(c, tk->start, "bad name \"%.*s\": an empty part between dots", (int)tk->rawlen, tk->raw);
		return -1;
	}
	return 0;
}

/* Splits the source into text and tags, following delimiter changes. */
static int tokenize(struct comp *c, const char *otag, size_t olen, const char *ctag, size_t clen)
{
	const char *s = c->src;
	size_t pos = 0;
	while (pos < c->len) {
		const char *p = find(s + pos, c->len - pos, otag, olen);
		size_t at = p ? (size_t)(p - s) : c->len;
		if (at > pos)
			tok_push(c, TK_TEXT, pos, at);
		if (!p)
			break;
		size_t q = at + olen;
		char sig = q < c->len ? s[q] : '\0';
		enum tok_kind kind;
		char pre = 0;
		switch (sig) {
		case '#': kind = TK_SECTION; break;
		case '^': kind = TK_INVERTED; break;
		case '/': kind = TK_CLOSE; break;
		case '>': kind = TK_PARTIAL; break;
		case '<': kind = TK_PARENT; break;
		case '$': kind = TK_BLOCK; break;
		case '!': kind = TK_COMMENT; break;
		case '&': kind = TK_RAW; break;
		case '{': kind = TK_RAW; pre = '}'; break;
		case '=': kind = TK_DELIM; pre = '='; break;
		default: kind = TK_VAR; break;
		}
		if (kind != TK_VAR)
			q++;
		size_t ce = find_close(s, c->len, q, pre, ctag, clen);
		if (ce == NONE) {
			error_at(c, at, "unclosed tag: no \"%s%.*s\" after it", pre == '}' ? "}" : pre == '=' ? "=" : "",
			         (int)clen, ctag);
			return -1;
		}
		size_t te = ce + (pre ? 1 : 0) + clen;
		struct tok *tk = tok_push(c, kind, at, te);
		tk->otag = otag;
		tk->olen = olen;
		tk->ctag = ctag;
		tk->clen = clen;
		if (kind == TK_DELIM) {
			/* {{=<% %>=}}: two words, neither holding '=' */
			size_t i = q, w1, w1e, w2, w2e;
			while (i < ce && IS_ASCII_SPACE(s[i]))
				i++;
			w1 = i;
			while (i < ce && !IS_ASCII_SPACE(s[i]) && s[i] != '=')
				i++;
			w1e = i;
			while (i < ce && IS_ASCII_SPACE(s[i]))
				i++;
			w2 = i;
			while (i < ce && !IS_ASCII_SPACE(s[i]) && s[i] != '=')
				i++;
			w2e = i;
			while (i < ce && IS_ASCII_SPACE(s[i]))
				i++;
			if (w1e == w1 || w2e == w2 || w2 == w1e || i != ce) {
				error_at(c, at, "bad delimiter change: expected %.*s=<open> <close>=%.*s",
				         (int)olen, otag, (int)clen, ctag);
				return -1;
			}
			otag = s + w1;
			olen = w1e - w1;
			ctag = s + w2;
			clen = w2e - w2;
		} else if (tag_name(c, tk, q, ce) < 0) {
			return -1;
		}
		pos = te;
	}
	return 0;
}

static int same_name(const struct tok *a, const struct tok *b)
{
	return a->dynamic == b->dynamic && a->nlen == b->nlen && memcmp(a->name, b->name, a->nlen) == 0;
}

/* Pairs open and close tags and notes what encloses each tag. */
static int match_tags(struct comp *c)
{
	size_t stack[TPL_MAX_DEPTH], sp = 0;
	for (size_t i = 0; i < c->n; i++) {
		struct tok *tk = &c->t[i];
		tk->encl = sp ? stack[sp - 1] : NONE;
		switch (tk->kind) {
		case TK_SECTION:
		case TK_INVERTED:
		case TK_PARENT:
		case TK_BLOCK:
			if (sp == TPL_MAX_DEPTH) {
				error_at(c, tk->start, "sections nested deeper than %d", TPL_MAX_DEPTH);
				return -1;
			}
			stack[sp++] = i;
			break;
		case TK_CLOSE: {
			if (sp == 0) {
				error_at(c, tk->start, "close tag \"%.*s\" without an open section",
				         (int)tk->rawlen, tk->raw);
				return -1;
			}
			struct tok *o = &c->t[stack[sp - 1]];
			if (!same_name(o, tk)) {
				int line, col;
				diag_linecol(c->src, c->len, o->start, &line, &col);
				error_at(c, tk->start, "close tag \"%.*s\" does not match the open %s \"%.*s\" (line %d)",
				         (int)tk->rawlen, tk->raw, kind_word(o->kind), (int)o->rawlen, o->raw, line);
				return -1;
			}
			o->match = i;
			tk->match = stack[--sp];
			tk->encl = sp ? stack[sp - 1] : NONE;
			break;
		}
		default:
			break;
		}
	}
	if (sp) {
		struct tok *o = &c->t[stack[sp - 1]];
		error_at(c, o->start, "unclosed %s \"%.*s\"", kind_word(o->kind), (int)o->rawlen, o->raw);
		return -1;
	}
	return 0;
}

/* ---- standalone lines and indentation ---------------------------------------- */

static void cut_before(struct comp *c, size_t i, size_t from)
{
	if (i == 0 || c->t[i - 1].kind != TK_TEXT)
		return;
	struct tok *x = &c->t[i - 1];
	if (from < x->a)
		from = x->a;
	if (from < x->b)
		x->b = from;
}

static void cut_after(struct comp *c, size_t i, size_t to)
{
	if (i + 1 >= c->n || c->t[i + 1].kind != TK_TEXT)
		return;
	struct tok *x = &c->t[i + 1];
	if (to > x->b)
		to = x->b;
	if (to > x->a)
		x->a = to;
}

/* A tag alone on its line (but for blanks) takes the whole line with it. */
static int standalone(struct comp *c, size_t i)
{
	struct tok *tk = &c->t[i];
	size_t ls = line_head(c->src, tk->start);
	size_t te = line_tail(c->src, c->len, tk->end);
	if (ls == NONE || te == NONE)
		return 0;
	cut_before(c, i, ls);
	cut_after(c, i, te);
	tk->ind = ls;
	tk->indend = tk->start;
	return 1;
}

static int is_arg(const struct comp *c, size_t i)
{
	size_t e = c->t[i].encl;
	return c->t[i].kind == TK_BLOCK && e != NONE && c->t[e].kind == TK_PARENT;
}

/* A block whose open tag ends its line: its content's lines share the blanks
 * that start the next line, and these are not part of the content. */
static void set_intrinsic(struct comp *c, struct tok *tk, size_t next_line)
{
	tk->intrinsic = 1;
	tk->ind = next_line;
	tk->indend = blanks_from(c->src, c->len, next_line);
}

/* Decides which blanks and line endings around tags are dropped, following
 * the spec and its inheritance tests: single tags alone on a line are
 * standalone; a parent pair {{<p}}...{{/p}} or a block pair outside a parent
 * is standalone when nothing but blanks precedes the open tag and follows the
 * close tag on their lines. */
static void whitespace(struct comp *c)
{
	const char *s = c->src;
	for (size_t i = 0; i < c->n; i++) {
		struct tok *tk = &c->t[i];
		switch (tk->kind) {
		case TK_COMMENT:
		case TK_DELIM:
		case TK_SECTION:
		case TK_INVERTED:
		case TK_PARTIAL:
			if (standalone(c, i))
				tk->flags |= OPF_STANDALONE;
			break;
		case TK_CLOSE: {
			const struct tok *o = &c->t[tk->match];
			if (o->kind == TK_PARENT || (o->kind == TK_BLOCK && !is_arg(c, tk->match)))
				break;   /* done with the open tag */
			if (o->kind == TK_BLOCK) {
				/* an argument's close tag: the blanks before it end nothing */
				size_t ls = line_head(s, tk->start);
				if (ls != NONE)
					cut_before(c, i, ls);
				break;
			}
			standalone(c, i);
			break;
		}
		case TK_PARENT: {
			size_t cl = tk->match;
			size_t ls = line_head(s, tk->start);
			size_t te = line_tail(s, c->len, c->t[cl].end);
			if (ls != NONE && te != NONE) {
				cut_before(c, i, ls);
				cut_after(c, cl, te);
				tk->flags |= OPF_STANDALONE;
				tk->ind = ls;
				tk->indend = tk->start;
			} else {
				standalone(c, i);
				standalone(c, cl);
			}
			break;
		}
		case TK_BLOCK: {
			size_t cl = tk->match;
			size_t eol = line_tail(s, c->len, tk->end);
			if (is_arg(c, i)) {
				/* text around it belongs to the parent and is dropped */
				if (eol != NONE) {
					cut_after(c, i, eol);
					set_intrinsic(c, tk, eol);
				}
				break;
			}
			size_t ls = line_head(s, tk->start);
			size_t te = line_tail(s, c->len, c->t[cl].end);
			standalone(c, i);
			standalone(c, cl);
			if (ls == NONE || te == NONE)
				break;
			tk->flags |= OPF_STANDALONE;
			if (eol != NONE) {
				set_intrinsic(c, tk, eol);
			} else {
				tk->ind = ls;
				tk->indend = tk->start;
				cut_before(c, i, ls);
			}
			break;
		}
		default:
			break;
		}
	}
}

/* ---- building the op tree ------------------------------------------------------ */

struct frame {
	struct ops *ops;      /* NULL: dropped (text of a parent, outside its blocks) */
	int in_parent;        /* only blocks are kept: they are the parent's arguments */
	const char *strip;    /* intrinsic indentation removed from each line */
	size_t striplen;
};

/* Text, one op per line, without the frame's intrinsic indentation. */
static void emit_text(struct comp *c, const struct frame *f, size_t a, size_t b)
{
	const char *s = c->src;
	size_t p = a;
	while (p < b) {
		if (f->striplen && (p == 0 || s[p - 1] == '\n') && b - p >= f->striplen &&
		    memcmp(s + p, f->strip, f->striplen) == 0)
			p += f->striplen;
		if (p >= b)
			break;
		const char *nl = memchr(s + p, '\n', b - p);
		size_t e = nl ? (size_t)(nl - s) + 1 : b;
		struct op *op = ops_push(f->ops, OP_TEXT, p);
		op->s = s + p;
		op->len = e - p;
		if (nl)
			op->flags |= OPF_EOL;
		p = e;
	}
}

/* An indentation relative to the enclosing block's intrinsic one. */
static void set_ind(struct op *op, const struct comp *c, const struct tok *tk, const struct frame *f)
{
	const char *ind = c->src + tk->ind;
	size_t n = tk->indend - tk->ind;
	if (f->striplen && n >= f->striplen && memcmp(ind, f->strip, f->striplen) == 0) {
		ind += f->striplen;
		n -= f->striplen;
	}
	op->ind = ind;
	op->indlen = n;
}

static void build(struct comp *c, struct ops *root)
{
	struct frame stack[TPL_MAX_DEPTH + 1];
	size_t sp = 0;
	stack[sp++] = (struct frame){ root, 0, NULL, 0 };
	for (size_t i = 0; i < c->n; i++) {
		const struct tok *tk = &c->t[i];
		struct frame *f = &stack[sp - 1];
		int keep = f->ops && !f->in_parent;
		struct op *op = NULL;
		switch (tk->kind) {
		case TK_TEXT:
			if (keep)
				emit_text(c, f, tk->a, tk->b);
			break;
		case TK_VAR:
		case TK_RAW:
			if (keep) {
				op = ops_push(f->ops, tk->kind == TK_VAR ? OP_VAR : OP_RAW, tk->start);
				op->s = tk->raw;
				op->len = tk->rawlen;
			}
			break;
		case TK_PARTIAL:
			if (keep) {
				op = ops_push(f->ops, OP_PARTIAL, tk->start);
				op->s = tk->name;
				op->len = tk->nlen;
				op->flags = tk->flags | (tk->dynamic ? OPF_DYNAMIC : 0);
				if (tk->flags & OPF_STANDALONE)
					set_ind(op, c, tk, f);
			}
			break;
		case TK_SECTION:
		case TK_INVERTED:
		case TK_PARENT: {
			struct frame nf = { NULL, tk->kind == TK_PARENT, f->strip, f->striplen };
			if (keep) {
				static const enum op_kind kinds[] = { [TK_SECTION] = OP_SECTION,
				                                      [TK_INVERTED] = OP_INVERTED,
				                                      [TK_PARENT] = OP_PARENT };
				op = ops_push(f->ops, kinds[tk->kind], tk->start);
				op->flags = tk->flags;
				if (tk->kind == TK_PARENT) {
					op->s = tk->name;
					op->len = tk->nlen;
					op->flags |= tk->dynamic ? OPF_DYNAMIC : 0;
					if (tk->flags & OPF_STANDALONE)
						set_ind(op, c, tk, f);
				} else {
					op->s = tk->raw;
					op->len = tk->rawlen;
					op->raw = tk->end;
					op->rawlen = c->t[tk->match].start - tk->end;
					op->otag = tk->otag;
					op->olen = tk->olen;
					op->ctag = tk->ctag;
					op->clen = tk->clen;
				}
				nf.ops = &op->body;
			}
			stack[sp++] = nf;
			break;
		}
		case TK_BLOCK: {
			struct frame nf = { NULL, 0, f->strip, f->striplen };
			if (f->ops) {   /* an argument inside a parent, or a parameter */
				op = ops_push(f->ops, OP_BLOCK, tk->start);
				op->s = tk->raw;
				op->len = tk->rawlen;
				if (!f->in_parent) {
					op->flags = tk->flags;
					if (tk->flags & OPF_STANDALONE)
						set_ind(op, c, tk, f);
				}
				if (tk->intrinsic) {
					nf.strip = c->src + tk->ind;
					nf.striplen = tk->indend - tk->ind;
				}
				nf.ops = &op->body;
			}
			stack[sp++] = nf;
			break;
		}
		case TK_CLOSE:
			sp--;
			break;
		case TK_COMMENT:
		case TK_DELIM:
			break;
		}
	}
}

/* Compiles src; NULL (with a diagnostic) on a syntax error. The template owns a copy of src. */
static struct tpl *compile(const char *name, const char *path, const char *src, size_t len,
                           const char *otag, size_t olen, const char *ctag, size_t clen,
                           struct diags *d)
{
	struct tpl *t = xcalloc(1, sizeof *t);
	t->name = xstrdup(name ? name : "");
	t->path = xstrdup(path ? path : t->name);
	t->src = xmalloc(len + 1);
	if (len)
		memcpy(t->src, src, len);
	t->src[len] = '\0';
	t->len = len;
	struct comp c = { t->path, t->src, len, d, NULL, 0, 0 };
	/* default delimiters are static; others point into the caller's source */
	if (tokenize(&c, otag, olen, ctag, clen) < 0 || match_tags(&c) < 0) {
		free(c.t);
		tpl_free(t);
		return NULL;
	}
	whitespace(&c);
	build(&c, &t->ops);
	free(c.t);
	return t;
}

/* ---- the set ---------------------------------------------------------------------- */

static uint64_t hash(const char *s, size_t n)
{
	uint64_t h = UINT64_C(14695981039346656037);
	for (size_t i = 0; i < n; i++) {
		h ^= (unsigned char)s[i];
		h *= UINT64_C(1099511628211);
	}
	return h;
}

static size_t set_index(const struct tpl_set *s, const char *name, size_t n)
{
	if (!s || !s->nslot)
		return NONE;
	size_t mask = s->nslot - 1;
	for (size_t i = (size_t)hash(name, n) & mask;; i = (i + 1) & mask) {
		size_t k = s->slot[i];
		if (!k)
			return NONE;
		const struct tpl *t = s->v[k - 1];
		if (strlen(t->name) == n && memcmp(t->name, name, n) == 0)
			return k - 1;
	}
}

static void slot_put(struct tpl_set *s, size_t idx)
{
	size_t mask = s->nslot - 1;
	const char *name = s->v[idx]->name;
	size_t i = (size_t)hash(name, strlen(name)) & mask;
	while (s->slot[i])
		i = (i + 1) & mask;
	s->slot[i] = idx + 1;
}

static const struct tpl *set_find(const struct tpl_set *s, const char *name, size_t n)
{
	size_t i = set_index(s, name, n);
	return i == NONE ? NULL : s->v[i];
}

static void names_in(const struct tpl *t, const struct ops *ops,
                     void (*fn)(void *ud, const char *name, size_t len, const char *path,
                                const char *src, size_t srclen, size_t off),
                     void *ud)
{
	for (size_t i = 0; i < ops->n; i++) {
		const struct op *op = &ops->v[i];
		if (op->kind == OP_VAR || op->kind == OP_RAW || op->kind == OP_SECTION || op->kind == OP_INVERTED)
			fn(ud, op->s, op->len, t->path, t->src, t->len, op->off);
		names_in(t, &op->body, fn, ud);
	}
}

void tpl_set_names(const struct tpl_set *s,
                   void (*fn)(void *ud, const char *name, size_t len, const char *path,
                              const char *src, size_t srclen, size_t off),
                   void *ud)
{
	for (size_t i = 0; i < s->n; i++)
		if (!s->v[i]->broken)
			names_in(s->v[i], &s->v[i]->ops, fn, ud);
}

struct tpl_set *tpl_set_new(int strict)
{
	struct tpl_set *s = xcalloc(1, sizeof *s);
	s->strict = strict;
	return s;
}

static void unlink_ops(struct ops *ops)
{
	for (size_t i = 0; i < ops->n; i++) {
		ops->v[i].target = NULL;
		unlink_ops(&ops->v[i].body);
	}
}

/* Puts t under its name, replacing (and freeing) an earlier one. */
static void set_put(struct tpl_set *s, struct tpl *t)
{
	size_t i = set_index(s, t->name, strlen(t->name));
	if (i != NONE) {
		/* links to the old one would dangle: back to lookups by name until the next link */
		for (size_t k = 0; k < s->n; k++)
			unlink_ops(&s->v[k]->ops);
		tpl_free(s->v[i]);
		t->idx = i;
		s->v[i] = t;
		return;
	}
	if (s->n == s->cap) {
		s->cap = s->cap ? s->cap * 2 : 16;
		s->v = xrealloc(s->v, s->cap * sizeof *s->v);
	}
	t->idx = s->n;
	s->v[s->n++] = t;
	if (s->n * 2 > s->nslot) {
		free(s->slot);
		s->nslot = s->nslot ? s->nslot * 2 : 32;
		while (s->n * 2 > s->nslot)
			s->nslot *= 2;
		s->slot = xcalloc(s->nslot, sizeof *s->slot);
		for (size_t k = 0; k < s->n; k++)
			slot_put(s, k);
	} else {
		slot_put(s, t->idx);
	}
}

int tpl_set_add(struct tpl_set *s, const char *name, const char *path,
                const char *src, size_t len, struct diags *d)
{
	struct tpl *t = compile(name, path, src, len, "{{", 2, "}}", 2, d);
	if (!t) {
		t = xcalloc(1, sizeof *t);
		t->name = xstrdup(name);
		t->path = xstrdup(path ? path : name);
		t->src = xstrdup("");
		t->broken = 1;
		set_put(s, t);
		return -1;
	}
	set_put(s, t);
	return 0;
}

const struct tpl *tpl_set_get(const struct tpl_set *s, const char *name)
{
	const struct tpl *t = set_find(s, name, strlen(name));
	return t && !t->broken ? t : NULL;
}

static int link_ops(struct tpl_set *s, const struct tpl *t, struct ops *ops, struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < ops->n; i++) {
		struct op *op = &ops->v[i];
		if ((op->kind == OP_PARTIAL || op->kind == OP_PARENT) && !(op->flags & OPF_DYNAMIC)) {
			const struct tpl *to = set_find(s, op->s, op->len);
			op->target = to && !to->broken ? to : NULL;
			if (!to && s->strict) {
				if (d)
					diag_at(d, DIAG_ERROR, t->path, t->src, t->len, op->off, "unknown %s \"%.*s\"",
					        op->kind == OP_PARTIAL ? _("partial") : _("parent template"), (int)op->len, op->s);
				rc = -1;
			}
		}
		if (link_ops(s, t, &op->body, d) < 0)
			rc = -1;
	}
	return rc;
}

struct walk {
	const struct tpl_set *s;
	unsigned char *mark;        /* 0 unseen, 1 on the path, 2 done */
	const struct tpl **path;
	size_t depth;
	struct diags *d;
};

static int visit(struct walk *w, const struct tpl *t);

/* Follows the partials a template always renders: not those inside sections,
 * inverted sections or blocks (data or an argument may leave them out). */
static int visit_ops(struct walk *w, const struct tpl *t, const struct ops *ops)
{
	int rc = 0;
	for (size_t i = 0; i < ops->n; i++) {
		const struct op *op = &ops->v[i];
		if ((op->kind != OP_PARTIAL && op->kind != OP_PARENT) || !op->target)
			continue;
		const struct tpl *to = op->target;
		if (w->mark[to->idx] == 1) {
			struct buf chain = BUF_INIT;
			size_t k = 0;
			while (w->path[k] != to)
				k++;
			for (; k < w->depth; k++)
				buf_printf(&chain, "%s -> ", w->path[k]->name);
			buf_puts(&chain, to->name);
			if (w->d)
				diag_at(w->d, DIAG_ERROR, t->path, t->src, t->len, op->off,
				        "partial \"%s\" includes itself forever (%s)", to->name, buf_cstr(&chain));
			buf_free(&chain);
			rc = -1;
		} else if (w->mark[to->idx] == 0 && visit(w, to) < 0) {
			rc = -1;
		}
	}
	return rc;
}

static int visit(struct walk *w, const struct tpl *t)
{
	w->mark[t->idx] = 1;
	w->path[w->depth++] = t;
	int rc = visit_ops(w, t, &t->ops);
	w->depth--;
	w->mark[t->idx] = 2;
	return rc;
}

int tpl_set_link(struct tpl_set *s, struct diags *d)
{
	int rc = 0;
	for (size_t i = 0; i < s->n; i++)
		if (link_ops(s, s->v[i], &s->v[i]->ops, d) < 0)
			rc = -1;
	struct walk w = { s, xcalloc(s->n + 1, 1), xcalloc(s->n + 1, sizeof(struct tpl *)), 0, d };
	for (size_t i = 0; i < s->n; i++)
		if (!w.mark[i] && visit(&w, s->v[i]) < 0)
			rc = -1;
	free(w.mark);
	free(w.path);
	return rc;
}

void tpl_set_free(struct tpl_set *s)
{
	if (!s)
		return;
	for (size_t i = 0; i < s->n; i++)
		tpl_free(s->v[i]);
	free(s->v);
	free(s->slot);
	free(s);
}

/* ---- rendering ---------------------------------------------------------------------- */

/* All render state lives on the stack of the rendering thread. */
struct ctx {
	const struct value *v;
	const struct ctx *up;
};

struct ind {
	const char *s;
	size_t n;
	int reset;                  /* an inline partial: outer indentation stops here */
	const struct ind *up;
};

struct ovr {                    /* the arguments of one parent tag */
	const struct ops *args;
	const struct tpl *t;        /* where they were written */
	const struct ovr *up;
};

struct rs {
	const struct tpl_set *set;
	struct buf *out;
	struct diags *d;
	int depth;
	int pending;                /* at the start of a template line: indentation is due */
	const struct tpl_trace *tr; /* or NULL */
};

static int render_ops(struct rs *st, const struct tpl *t, const struct ops *ops,
                      const struct ctx *cx, const struct ind *ind, const struct ovr *ov);

static void rerror(struct rs *st, const struct tpl *t, size_t off, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));

static void rerror(struct rs *st, const struct tpl *t, size_t off, const char *fmt, ...)
{
	while (t->origin) {
		off = t->origin_off;
		t = t->origin;
	}
	struct buf m = BUF_INIT;
	va_list ap;
	va_start(ap, fmt);
	buf_vprintf(&m, _(fmt), ap);
	va_end(ap);
	if (st->d)
		diag_at(st->d, DIAG_ERROR, t->path, t->src, t->len, off, "%s", buf_cstr(&m));
	buf_free(&m);
}

static void put_indent(struct buf *out, const struct ind *i)
{
	if (!i || i->reset)
		return;
	put_indent(out, i->up);
	buf_put(out, i->s, i->n);
}

static void line_start(struct rs *st, const struct ind *ind)
{
	if (st->pending) {
		put_indent(st->out, ind);
		st->pending = 0;
	}
}

static int enter(struct rs *st, const struct tpl *t, size_t off)
{
	if (st->depth >= TPL_MAX_DEPTH) {
		rerror(st, t, off, "templates nested deeper than %d (a partial recursing without end?)",
		       TPL_MAX_DEPTH);
		return -1;
	}
	st->depth++;
	return 0;
}

/* Name lookup: walk the context stack for the first part, then descend. */
/* Name lookup: walk the context stack for the first part, then descend.
 * Every step into the traced table, and the table itself as a result, is
 * reported to the trace. */
static const struct value *get(const struct rs *st, const struct value *t, const char *key, size_t len)
{
	if (st->tr && t == st->tr->watch)
		st->tr->read(st->tr->ud, key, len);
	return value_getn(t, key, len);
}

static const struct value *lookup(const struct rs *st, const struct ctx *cx, const char *name, size_t len)
{
	const struct value *v = NULL;
	if (len == 1 && name[0] == '.') {
		v = cx ? cx->v : NULL;
		goto out;
	}
	const char *dot = memchr(name, '.', len);
	size_t part = dot ? (size_t)(dot - name) : len;
	for (; cx && !v; cx = cx->up)
		v = get(st, cx->v, name, part);
	while (v && dot) {
		len -= part + 1;
		name = dot + 1;
		dot = memchr(name, '.', len);
		part = dot ? (size_t)(dot - name) : len;
		v = get(st, v, name, part);
	}
out:
	if (st->tr && v && v == st->tr->watch)
		st->tr->read(st->tr->ud, NULL, 0);
	return v;
}


/* Sets *to to the template a partial or parent tag names, or NULL to render
 * nothing. Returns -1 for an unknown name in strict mode. */
static int resolve(struct rs *st, const struct tpl *t, const struct op *op, const struct ctx *cx,
                   const struct tpl **to)
{
	struct buf name = BUF_INIT;
	const struct tpl *r;
	const char *n = op->s;
	size_t len = op->len;
	int rc = 0;
	*to = op->target;
	if (*to)
		return 0;
	if (op->flags & OPF_DYNAMIC) {
		const struct value *v = lookup(st, cx, op->s, op->len);
		if (!v || v->kind == V_FUNC)
			goto out;
		value_to_text(v, &name);
		if (!name.len)
			goto out;   /* a miss renders nothing, as the spec says */
		n = name.data;
		len = name.len;
	}
	r = set_find(st->set, n, len);
	if (!r && st->set->strict) {
		rerror(st, t, op->off, "unknown %s \"%.*s\"",
		       op->kind == OP_PARTIAL ? _("partial") : _("parent template"), (int)len, n);
		rc = -1;
	} else if (r && !r->broken) {
		*to = r;
	}
out:
	buf_free(&name);
	return rc;
}

/* Calls a lambda and compiles what it returns; the caller frees *lt. */
static int lambda(struct rs *st, const struct tpl *t, const struct op *op, const struct value *fn,
                  int section, struct tpl **lt)
{
	struct buf res = BUF_INIT;
	struct diags ld;
	int rc = -1;
	*lt = NULL;
	diags_init(&ld);
	if (!fn->u.fn.call) {
		rc = 0;
		goto out;
	}
	if (fn->u.fn.call(fn->u.fn.ud, section ? t->src + op->raw : NULL, section ? op->rawlen : 0,
	                  section, &res) != 0) {
		rerror(st, t, op->off, "lambda \"%.*s\" failed: %s", (int)op->len, op->s, buf_cstr(&res));
		goto out;
	}
	/* a variable's lambda result uses the default delimiters, a section's the current ones */
	*lt = section ? compile(NULL, t->path, res.data, res.len, op->otag, op->olen, op->ctag, op->clen, &ld)
	              : compile(NULL, t->path, res.data, res.len, "{{", 2, "}}", 2, &ld);
	if (!*lt) {
		rerror(st, t, op->off, "the text lambda \"%.*s\" returned is no template: %s",
		       (int)op->len, op->s, ld.n ? ld.v[0].msg : "?");
		goto out;
	}
	(*lt)->origin = t;
	(*lt)->origin_off = op->off;
	rc = 0;
out:
	buf_free(&res);
	diags_free(&ld);
	return rc;
}

static int render_var(struct rs *st, const struct tpl *t, const struct op *op, const struct ctx *cx,
                      const struct ovr *ov)
{
	const struct value *v = lookup(st, cx, op->s, op->len);
	int esc = op->kind == OP_VAR;
	if (!v)
		return 0;
	if (v->kind == V_STRING) {
		if (esc)
			buf_put_html(st->out, v->u.str.s, v->u.str.len);
		else
			buf_put(st->out, v->u.str.s, v->u.str.len);
		return 0;
	}
	struct buf tmp = BUF_INIT;
	int rc = 0;
	if (v->kind == V_FUNC) {
		struct tpl *lt;
		if (lambda(st, t, op, v, 0, &lt) < 0)
			return -1;
		if (lt) {
			struct buf *save = st->out;
			st->out = &tmp;
			st->pending = 0;
			rc = enter(st, t, op->off);
			if (rc == 0) {
				rc = render_ops(st, lt, &lt->ops, cx, NULL, ov);
				st->depth--;
			}
			st->out = save;
			st->pending = 0;
			tpl_free(lt);
		}
	} else {
		value_to_text(v, &tmp);
	}
	if (rc == 0 && tmp.len) {
		if (esc)
			buf_put_html(st->out, tmp.data, tmp.len);
		else
			buf_put(st->out, tmp.data, tmp.len);
	}
	buf_free(&tmp);
	return rc;
}

static int render_section(struct rs *st, const struct tpl *t, const struct op *op, const struct ctx *cx,
                          const struct ind *ind, const struct ovr *ov)
{
	const struct value *v = lookup(st, cx, op->s, op->len);
	int rc = 0;
	if (op->kind == OP_INVERTED) {
		if (value_truthy(v))   /* a lambda counts as true */
			return 0;
		if (enter(st, t, op->off) < 0)
			return -1;
		rc = render_ops(st, t, &op->body, cx, ind, ov);
		st->depth--;
		return rc;
	}
	if (!value_truthy(v))
		return 0;
	if (enter(st, t, op->off) < 0)
		return -1;
	if (v->kind == V_FUNC) {
		struct tpl *lt;
		rc = lambda(st, t, op, v, 1, &lt);
		if (rc == 0 && lt)
			rc = render_ops(st, lt, &lt->ops, cx, ind, ov);
		tpl_free(lt);
	} else if (v->kind == V_ARRAY) {
		for (size_t i = 0; i < value_len(v) && rc == 0; i++) {
			struct ctx c2 = { value_at(v, i), cx };
			rc = render_ops(st, t, &op->body, &c2, ind, ov);
		}
	} else {
		struct ctx c2 = { v, cx };
		rc = render_ops(st, t, &op->body, &c2, ind, ov);
	}
	st->depth--;
	return rc;
}

/* A partial or a parent: a standalone one indents every line it renders; an
 * inline one renders without any indentation. */
static int render_partial(struct rs *st, const struct tpl *t, const struct op *op, const struct ctx *cx,
                          const struct ind *ind, const struct ovr *ov)
{
	const struct tpl *to;
	int standalone = (op->flags & OPF_STANDALONE) != 0;
	if (resolve(st, t, op, cx, &to) < 0)
		return -1;
	if (!standalone)
		line_start(st, ind);
	if (!to)
		return 0;
	if (enter(st, t, op->off) < 0)
		return -1;
	/* parents add their arguments; a plain partial passes the outer ones on */
	struct ovr args = { &op->body, t, ov };
	const struct ovr *nov = op->kind == OP_PARENT ? &args : ov;
	struct ind in = { op->ind, op->indlen, !standalone, ind };
	st->pending = 1;
	int rc = render_ops(st, to, &to->ops, cx, &in, nov);
	if (!standalone)
		st->pending = 0;
	st->depth--;
	return rc;
}

/* A block renders the outermost argument given for it, else its own content. */
static int render_block(struct rs *st, const struct tpl *t, const struct op *op, const struct ctx *cx,
                        const struct ind *ind, const struct ovr *ov)
{
	const struct ops *body = &op->body;
	const struct tpl *bt = t;
	for (const struct ovr *o = ov; o; o = o->up) {
		for (size_t i = 0; i < o->args->n; i++) {
			const struct op *a = &o->args->v[i];
			if (a->kind == OP_BLOCK && a->len == op->len && memcmp(a->s, op->s, op->len) == 0) {
				body = &a->body;
				bt = o->t;
				break;
			}
		}
	}
	if (enter(st, t, op->off) < 0)
		return -1;
	struct ind in = { op->ind, op->indlen, 0, ind };
	int rc = render_ops(st, bt, body, cx, (op->flags & OPF_STANDALONE) ? &in : ind, ov);
	st->depth--;
	return rc;
}

static int render_ops(struct rs *st, const struct tpl *t, const struct ops *ops,
                      const struct ctx *cx, const struct ind *ind, const struct ovr *ov)
{
	for (size_t i = 0; i < ops->n; i++) {
		const struct op *op = &ops->v[i];
		int rc = 0;
		if (op->kind != OP_PARTIAL && op->kind != OP_PARENT && !(op->flags & OPF_STANDALONE))
			line_start(st, ind);
		switch (op->kind) {
		case OP_TEXT:
			buf_put(st->out, op->s, op->len);
			if (op->flags & OPF_EOL)
				st->pending = 1;
			break;
		case OP_VAR:
		case OP_RAW:
			rc = render_var(st, t, op, cx, ov);
			break;
		case OP_SECTION:
		case OP_INVERTED:
			rc = render_section(st, t, op, cx, ind, ov);
			break;
		case OP_PARTIAL:
		case OP_PARENT:
			rc = render_partial(st, t, op, cx, ind, ov);
			break;
		case OP_BLOCK:
			rc = render_block(st, t, op, cx, ind, ov);
			break;
		}
		if (rc < 0)
			return -1;
	}
	return 0;
}

int tpl_render2(const struct tpl_set *s, const struct tpl *t, const struct value *base,
                const struct value *top, struct buf *out, struct diags *d)
{
	struct ctx c0 = { base, NULL }, c1 = { top, &c0 };
	struct rs st = { s, out, d, 0, 1, NULL };
	if (!t)
		return -1;
	return render_ops(&st, t, &t->ops, top ? &c1 : &c0, NULL, NULL);
}

int tpl_render_traced(const struct tpl_set *s, const struct tpl *t, const struct value *ctx,
                      const struct tpl_trace *tr, struct buf *out, struct diags *d)
{
	struct ctx c0 = { ctx, NULL };
	struct rs st = { s, out, d, 0, 1, tr };
	if (!t)
		return -1;
	return render_ops(&st, t, &t->ops, &c0, NULL, NULL);
}

int tpl_render(const struct tpl_set *s, const struct tpl *t, const struct value *ctx,
               struct buf *out, struct diags *d)
{
	return tpl_render2(s, t, ctx, NULL, out, d);
}
