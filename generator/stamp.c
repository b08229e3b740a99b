/* stamp.c: the build stamp: records of file status, compared byte for byte. */
#define _GNU_SOURCE   /* struct stat's nanosecond times under -std=c11 */
#include "stamp.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "arena.h"
#include "datadir.h"
#include "i18n.h"
#include "output.h"
#include "pool.h"
#include "xalloc.h"

/* The folders and files of a site a build reads: everything else in the
 * site folder (notes, imported documents, a build/ folder) is not an input. */
static const char *const site_inputs[] = {
	"site.toml", "content", "static", "layouts", "themes", "lua", "i18n",
};

int64_t stamp_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	return (int64_t)ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

struct recorder {
	struct buf *out;
	int64_t t0;
	int follow;         /* inputs: follow symbolic links; the output: record them */
	int check_racy;
	int bad;            /* the record cannot be trusted */
	struct stat skip[2];
	int nskip;
	int depth;
	/* Every folder recorded so far, by device and inode: one reached twice
	 * (two links to it) is recorded once, so that links cannot make the
	 * walk exponential. Open addressing; cap a power of two. */
	struct seen { dev_t dev; ino_t ino; int used; } *seen;
	size_t nseen, capseen;
};

/* Marks the folder seen; returns 1 when it already was. */
static int seen_before(struct recorder *r, dev_t dev, ino_t ino)
{
	if (r->nseen * 2 >= r->capseen) {
		size_t cap = r->capseen ? r->capseen * 2 : 256;
		struct seen *v = xcalloc(cap, sizeof *v);
		for (size_t i = 0; i < r->capseen; i++)
			if (r->seen[i].used) {
				size_t h = ((uint64_t)r->seen[i].dev * 0x9e3779b97f4a7c15ULL ^ (uint64_t)r->seen[i].ino) & (cap - 1);
				while (v[h].used)
					h = (h + 1) & (cap - 1);
				v[h] = r->seen[i];
			}
		free(r->seen);
		r->seen = v;
		r->capseen = cap;
	}
	size_t h = ((uint64_t)dev * 0x9e3779b97f4a7c15ULL ^ (uint64_t)ino) & (r->capseen - 1);
	while (r->seen[h].used) {
		if (r->seen[h].dev == dev && r->seen[h].ino == ino)
			return 1;
		h = (h + 1) & (r->capseen - 1);
	}
	r->seen[h] = (struct seen){ dev, ino, 1 };
	r->nseen++;
	return 0;
}

static int64_t ts_ns(const struct timespec *t)
{
	return (int64_t)t->tv_sec * 1000000000LL + t->tv_nsec;
}

static void put_name(struct buf *o, char kind, const char *path)
{
	buf_putc(o, kind);
	buf_put(o, path, strlen(path) + 1);   /* the NUL ends the name: any byte may be in it */
}

/* A status's line: device, inode, mode, size, mtime and ctime (ns). */
static void put_fields(struct buf *o, uintmax_t dev, uintmax_t ino, unsigned mode, intmax_t size, int64_t mtime,
                       int64_t ctime)
{
	buf_printf(o, "%" PRIuMAX " %" PRIuMAX " %o %" PRIdMAX " %" PRId64 " %" PRId64 "\n", dev, ino, mode, size,
	           mtime, ctime);
}

static void put_stat(struct recorder *r, const struct stat *st)
{
	put_fields(r->out, (uintmax_t)st->st_dev, (uintmax_t)st->st_ino, (unsigned)st->st_mode, (intmax_t)st->st_size,
	           ts_ns(&st->st_mtim), ts_ns(&st->st_ctim));
	if (r->check_racy && ts_ns(&st->st_ctim) >= r->t0 - STAMP_RACY_NS)
		r->bad = 1;
}

static int name_cmp(const void *x, const void *y)
{
	return strcmp(*(char *const *)x, *(char *const *)y);
}

static void record(struct recorder *r, const char *path, int top);

/* Every entry of the folder path, in name order (readdir's order is the
 * file system's, not the same from one copy of a site to another). */
static void record_dir(struct recorder *r, const char *path, const struct stat *st)
{
	for (int i = 0; i < r->nskip; i++)
		if (st->st_dev == r->skip[i].st_dev && st->st_ino == r->skip[i].st_ino) {
			put_name(r->out, 'x', path);   /* the output folder or the repository */
			buf_putc(r->out, '\n');
			return;
		}
	if (seen_before(r, st->st_dev, st->st_ino)) {
		put_name(r->out, 'c', path);   /* a loop or a second way in: the content walk reports it */
		buf_putc(r->out, '\n');
		return;
	}
	if (r->depth >= STAMP_MAX_DEPTH) {
		r->bad = 1;
		return;
	}
	put_name(r->out, 'd', path);
	buf_printf(r->out, "%o\n", (unsigned)st->st_mode);
	DIR *dir = opendir(path);
	if (!dir) {
		r->bad = 1;
		return;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(dir))) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 32;
			names = xrealloc(names, cap * sizeof *names);
		}
		names[n++] = xstrdup(e->d_name);
	}
	closedir(dir);
	if (n > 1)
		qsort(names, n, sizeof *names, name_cmp);
	r->depth++;
	struct buf p = BUF_INIT;
	for (size_t i = 0; i < n; i++) {
		buf_reset(&p);
		buf_printf(&p, "%s/%s", path, names[i]);
		record(r, buf_cstr(&p), 0);
		free(names[i]);
	}
	r->depth--;
	buf_free(&p);
	free(names);
}

/* One path: absent, a file, a folder (and all it holds) or a symbolic link
 * (its target's text, then what it leads to when following). */
static void record(struct recorder *r, const char *path, int top)
{
	struct stat st;
	(void)top;
	if (lstat(path, &st) < 0) {
		put_name(r->out, '-', path);
		buf_putc(r->out, '\n');
		if (errno != ENOENT && errno != ENOTDIR)
			r->bad = 1;
		return;
	}
	if (S_ISLNK(st.st_mode)) {
		char target[PATH_MAX];
		ssize_t len = readlink(path, target, sizeof target - 1);
		if (len < 0) {
			r->bad = 1;
			return;
		}
		target[len] = '\0';
		put_name(r->out, 'l', path);
		buf_put(r->out, target, (size_t)len + 1);
		put_stat(r, &st);
		if (!r->follow)
			return;
		if (stat(path, &st) < 0) {
			put_name(r->out, '-', path);
			buf_putc(r->out, '\n');
			return;
		}
	}
	if (S_ISDIR(st.st_mode)) {
		record_dir(r, path, &st);
		return;
	}
	put_name(r->out, 'f', path);
	put_stat(r, &st);
}

static void put_key(struct buf *o, const char *name, const char *val)
{
	put_name(o, 'k', name);
	if (val)
		buf_put(o, val, strlen(val) + 1);
	else
		buf_putc(o, '\n');
}

int stamp_inputs(const struct stamp_key *k, int64_t t0, struct buf *out)
{
	struct recorder r = { .out = out, .t0 = t0, .follow = 1, .check_racy = 1 };
	struct arena *a = arena_new();

	buf_puts(out, STAMP_HEADER);
	/* The options and environment that shape the output. */
	put_key(out, "version", PP_VERSION);
	put_key(out, "out", k->out_dir);
	put_key(out, "drafts", k->drafts ? "1" : "0");
	put_key(out, "exe_dir", k->exe_dir);
	put_key(out, "PLANPRESS_DATADIR", getenv("PLANPRESS_DATADIR"));
	put_key(out, "SOURCE_DATE_EPOCH", getenv("SOURCE_DATE_EPOCH"));
	/* The warnings it replays are in the language they were printed in. */
	put_key(out, "messages", i18n_language());
	/* The program itself: a planpress rebuilt with the same version. */
	struct stat st;
	if (stat("/proc/self/exe", &st) == 0) {
		put_name(out, 'f', "/proc/self/exe");
		put_stat(&r, &st);
	} else {
		r.bad = 1;
	}

	if (stat(k->out_dir, &st) == 0)
		r.skip[r.nskip++] = st;
	if (k->repo && stat(k->repo, &st) == 0)
		r.skip[r.nskip++] = st;
	for (size_t i = 0; i < sizeof site_inputs / sizeof *site_inputs; i++)
		record(&r, arena_printf(a, "%s/%s", k->site_dir, site_inputs[i]), 1);

	for (size_t i = 0; i < k->nhooks; i++)
		record(&r, k->hooks[i][0] == '/' ? k->hooks[i] : arena_printf(a, "%s/%s", k->site_dir, k->hooks[i]), 1);

	/* What planpress ships and the site does not override. */
	const char *dirs[DATADIR_MAX];
	size_t n = datadir_list(a, NULL, k->exe_dir, dirs);
	for (size_t i = 0; i < n; i++) {
		record(&r, arena_printf(a, "%s/themes", dirs[i]), 1);
		record(&r, arena_printf(a, "%s/lua", dirs[i]), 1);
	}

	/* The publish history: its branch moves with each publication. */
	if (k->repo) {
		static const char *const refs[] = { "HEAD", "packed-refs", "refs",
		                                    ".git/HEAD", ".git/packed-refs", ".git/refs" };
		r.nskip = 0;
		for (size_t i = 0; i < sizeof refs / sizeof *refs; i++)
			record(&r, arena_printf(a, "%s/%s", k->repo, refs[i]), 1);
	}
	arena_free(a);
	free(r.seen);
	return r.bad ? -1 : 0;
}

/* The output folder as the last build left it: the status of the manifest,
 * of every file it lists (links not followed) and of each folder holding
 * them, whose times change when an entry is added or removed (a stray temp
 * file the next build must clear). Files planpress did not write are not
 * looked at: no build would touch them. A folder without a manifest has no
 * record (-1). */
/* What stamp_output looks at: a folder or a file of the output, in order. */
struct out_entry {
	const char *rel;   /* owned by the manifest, or by dir (a folder) */
	char *dir;         /* a folder's path, made here */
	int ok;            /* the fstatat succeeded */
	/* What put_stat records of it (not the whole struct stat: 48 bytes
	 * where that is 144, for tens of thousands of entries). */
	uintmax_t dev, ino;
	unsigned mode;
	intmax_t size;
	int64_t mtime, ctime;
};

struct out_look {
	int dfd;
	struct out_entry *v;
};

/* On the pool: entry i looked at (links followed for folders only). */
static void look_entry(void *ctx, size_t i, int worker)
{
	struct out_look *l = ctx;
	struct out_entry *e = &l->v[i];
	(void)worker;
	struct stat st;
	e->ok = fstatat(l->dfd, e->rel, &st, e->dir ? 0 : AT_SYMLINK_NOFOLLOW) == 0;
	if (e->ok) {
		e->dev = (uintmax_t)st.st_dev;
		e->ino = (uintmax_t)st.st_ino;
		e->mode = (unsigned)st.st_mode;
		e->size = (intmax_t)st.st_size;
		e->mtime = ts_ns(&st.st_mtim);
		e->ctime = ts_ns(&st.st_ctim);
	}
}

/* The output folder looked at: its own status, its manifest's, and each
 * entry's (out_look), recorded one by one (out_put) into a buffer or, for
 * the stamp file, streamed (tens of thousands of lines: 37 MB at 100,000
 * pages, at the build's peak, when made whole). */
struct out_rec {
	struct stat top, man;
	struct out_entry *v;
	size_t n;
	struct output_manifest m;
};

static void out_free(struct out_rec *o)
{
	for (size_t i = 0; i < o->n; i++)
		free(o->v[i].dir);
	free(o->v);
	output_manifest_free(&o->m);
}

static int out_look(const char *out_dir, struct out_rec *o)
{
	memset(o, 0, sizeof *o);
	if (output_manifest_read(out_dir, &o->m) < 0)
		return -1;
	int dfd = open(out_dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (dfd < 0 || fstat(dfd, &o->top) < 0 || fstatat(dfd, OUTPUT_MANIFEST, &o->man, AT_SYMLINK_NOFOLLOW) < 0) {
		output_manifest_free(&o->m);
		if (dfd >= 0)
			close(dfd);
		return -1;
	}
	/* Each file, after its folder when that differs from the file before's
	 * (counted first: the list is made as long as it needs); looked at on
	 * every processor (tens of thousands of calls), recorded in order. */
	size_t n = 0;
	for (int pass = 0; pass < 2; pass++) {
		const char *prev = "";
		size_t prevlen = 0;
		n = 0;
		for (size_t i = 0; i < o->m.n; i++) {
			const char *rel = o->m.rel[i], *slash = strrchr(rel, '/');
			size_t plen = slash ? (size_t)(slash - rel) : 0;
			if (plen && (plen != prevlen || memcmp(rel, prev, plen) != 0)) {
				if (pass) {
					o->v[n].dir = xstrndup(rel, plen);
					o->v[n].rel = o->v[n].dir;
				}
				n++;
			}
			prev = rel;
			prevlen = plen;
			if (pass)
				o->v[n].rel = rel;
			n++;
		}
		if (!pass)
			o->v = xcalloc(n + 1, sizeof *o->v);
	}
	o->n = n;
	struct out_look look = { dfd, o->v };
	pool_run(n, pool_cpus(), look_entry, &look);
	close(dfd);
	return 0;
}

/* Line i of the record: the folder (0), its manifest (1), entry i - 2. */
static void out_put(const struct out_rec *o, size_t i, struct buf *out)
{
	struct recorder r = { .out = out, .follow = 0, .check_racy = 0 };
	if (i < 2) {
		put_name(out, i ? 'f' : 'd', i ? OUTPUT_MANIFEST : ".");
		put_stat(&r, i ? &o->man : &o->top);
		return;
	}
	const struct out_entry *e = &o->v[i - 2];
	if (e->ok) {
		put_name(out, e->dir ? 'd' : 'f', e->rel);
		put_fields(out, e->dev, e->ino, e->mode, e->size, e->mtime, e->ctime);
	} else {
		put_name(out, '-', e->rel);
		buf_putc(out, '\n');
	}
}

int stamp_output(const char *out_dir, struct buf *out)
{
	struct out_rec o;
	if (out_look(out_dir, &o) < 0)
		return -1;
	for (size_t i = 0; i < o.n + 2; i++)
		out_put(&o, i, out);
	out_free(&o);
	return 0;
}

/* ---- the stamp file --------------------------------------------------------- */

static void put_head(struct output_atomic *w, const char *name, size_t len)
{
	char head[64];
	int n = snprintf(head, sizeof head, "%s %zu\n", name, len);
	output_atomic_put(w, head, (size_t)n);
}

static void put_section(struct output_atomic *w, const char *name, const char *data, size_t len)
{
	put_head(w, name, len);
	output_atomic_put(w, data, len);
	output_atomic_put(w, "\n", 1);
}

/* The output's record as a section, line by line: measured, then written. */
static void put_output(struct output_atomic *w, const struct out_rec *o)
{
	struct buf line = BUF_INIT;
	size_t len = 0;
	for (size_t i = 0; i < o->n + 2; i++) {
		buf_truncate(&line, 0);
		out_put(o, i, &line);
		len += line.len;
	}
	put_head(w, "output", len);
	for (size_t i = 0; i < o->n + 2; i++) {
		buf_truncate(&line, 0);
		out_put(o, i, &line);
		output_atomic_put(w, line.data, line.len);
	}
	output_atomic_put(w, "\n", 1);
	buf_free(&line);
}

/* The next section of s (at *at): its name must be name; returns its bytes. */
static const char *get_section(const char *s, size_t len, size_t *at, const char *name, size_t *n)
{
	size_t nl = strlen(name);
	if (len - *at < nl + 2 || memcmp(s + *at, name, nl) != 0 || s[*at + nl] != ' ')
		return NULL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(s + *at + nl + 1, &end, 10);
	if (errno || *end != '\n')
		return NULL;
	size_t start = (size_t)(end + 1 - s);
	if (v > len - start || len - start - v < 1 || s[start + v] != '\n')
		return NULL;
	*at = start + (size_t)v + 1;
	*n = (size_t)v;
	return s + start;
}

/* Diagnostics: per diagnostic, level, path, line, column and message as
 * NUL-ended fields, then the offending line's length and bytes. */
static void put_diags(struct buf *o, const struct diags *d)
{
	for (size_t i = 0; i < d->n; i++) {
		const struct diag *g = &d->v[i];
		buf_printf(o, "%d", (int)g->level);
		buf_putc(o, '\0');
		if (g->path) {
			buf_putc(o, '+');
			buf_puts(o, g->path);
		}
		buf_putc(o, '\0');
		buf_printf(o, "%d", g->line);
		buf_putc(o, '\0');
		buf_printf(o, "%d", g->col);
		buf_putc(o, '\0');
		buf_puts(o, g->msg);
		buf_putc(o, '\0');
		if (g->text) {
			size_t tl = strlen(g->text);
			buf_printf(o, "+%zu", tl);
			buf_putc(o, '\0');
			buf_put(o, g->text, tl);
		} else {
			buf_putc(o, '\0');
		}
	}
}

/* The next NUL-ended field of [*p, end), or NULL. */
static const char *field(const char **p, const char *end)
{
	const char *s = *p;
	const char *z = memchr(s, '\0', (size_t)(end - s));
	if (!z)
		return NULL;
	*p = z + 1;
	return s;
}

static int get_diags(const char *s, size_t n, struct diags *d)
{
	const char *p = s, *end = s + n;
	while (p < end) {
		const char *lv = field(&p, end), *path = lv ? field(&p, end) : NULL;
		const char *line = path ? field(&p, end) : NULL, *col = line ? field(&p, end) : NULL;
		const char *msg = col ? field(&p, end) : NULL, *tl = msg ? field(&p, end) : NULL;
		if (!tl || (lv[0] != '0' && lv[0] != '1' && lv[0] != '2') || lv[1])
			return -1;
		const char *text = NULL;
		size_t textlen = 0;
		if (tl[0] == '+') {
			char *e;
			textlen = strtoul(tl + 1, &e, 10);
			if (*e || textlen > (size_t)(end - p))
				return -1;
			text = p;
			p += textlen;
		}
		diag_add(d, (enum diag_level)(lv[0] - '0'), path[0] == '+' ? path + 1 : NULL, atoi(line), atoi(col),
		         text, textlen, "%s", msg);
	}
	return 0;
}

int stamp_check(const char *site_dir, const struct buf *inputs, const char *out_dir,
                struct stamp_counts *c, struct diags *d)
{
	struct buf now = BUF_INIT;
	int ok = stamp_check_recorded(site_dir, inputs, stamp_output(out_dir, &now) == 0 ? &now : NULL, c, d);
	buf_free(&now);
	return ok;
}

int stamp_check_recorded(const char *site_dir, const struct buf *inputs, const struct buf *now,
                         struct stamp_counts *c, struct diags *d)
{
	struct buf file = BUF_INIT;
	char *path = NULL;
	int ok = 0;
	size_t at = 0, n, on, dn;
	const char *in, *outs, *cnt, *dg;
	if (asprintf(&path, "%s/%s", site_dir, STAMP_FILE) < 0) {
		path = NULL;
		goto out;
	}
	if (buf_read_file(&file, path) < 0 || file.len == 0)
		goto out;
	in = get_section(file.data, file.len, &at, "inputs", &n);
	if (!in || n != inputs->len || memcmp(in, inputs->data, n) != 0)
		goto out;
	outs = get_section(file.data, file.len, &at, "output", &on);
	if (!outs || !now || now->len != on || memcmp(now->data, outs, on) != 0)
		goto out;
	size_t cn;
	cnt = get_section(file.data, file.len, &at, "counts", &cn);
	dg = cnt ? get_section(file.data, file.len, &at, "diags", &dn) : NULL;
	if (!dg || at != file.len)
		goto out;
	char cbuf[96];
	if (cn >= sizeof cbuf)
		goto out;
	memcpy(cbuf, cnt, cn);
	cbuf[cn] = '\0';
	if (sscanf(cbuf, "%zu %zu %zu", &c->pages, &c->files, &c->outputs) != 3)
		goto out;
	/* Replayed into a scratch sink first: a damaged stamp adds nothing. */
	struct diags tmp;
	diags_init(&tmp);
	if (get_diags(dg, dn, &tmp) == 0) {
		for (size_t i = 0; i < tmp.n; i++) {
			const struct diag *g = &tmp.v[i];
			diag_add(d, g->level, g->path, g->line, g->col, g->text, g->text ? strlen(g->text) : 0, "%s", g->msg);
		}
		ok = 1;
	}
	diags_free(&tmp);
out:
	free(path);
	buf_free(&file);
	return ok;
}

int stamp_save(const char *site_dir, const struct buf *inputs, const char *out_dir,
               const struct stamp_counts *c, const struct diags *d)
{
	struct buf dg = BUF_INIT, cnt = BUF_INIT;
	struct out_rec o = { 0 };
	int looked = 0;
	char *dir = NULL, *path = NULL;
	int rc = -1;
	if (asprintf(&dir, "%s/%s", site_dir, STAMP_DIR) < 0) {
		dir = NULL;
		goto out;
	}
	if (asprintf(&path, "%s/%s", site_dir, STAMP_FILE) < 0) {
		path = NULL;
		goto out;
	}
	if (mkdir(dir, 0777) < 0 && errno != EEXIST)
		goto out;
	if (out_look(out_dir, &o) < 0)
		goto out;
	looked = 1;
	buf_printf(&cnt, "%zu %zu %zu", c->pages, c->files, c->outputs);
	put_diags(&dg, d);
	/* Written as it is made: the sections are not copied into one more
	 * buffer (9 MB at 10k pages, at the build's peak), nor the output's
	 * record made whole. */
	struct output_atomic *w = output_atomic_open(path);
	if (!w)
		goto out;
	put_section(w, "inputs", inputs->data ? inputs->data : "", inputs->len);
	put_output(w, &o);
	put_section(w, "counts", cnt.data, cnt.len);
	put_section(w, "diags", dg.data ? dg.data : "", dg.len);
	rc = output_atomic_close(w) < 0 ? -1 : 0;
out:
	if (rc < 0 && path)
		unlink(path);   /* an old stamp must not outlive the build that replaced its output */
	free(dir);
	free(path);
	if (looked)
		out_free(&o);
	buf_free(&dg);
	buf_free(&cnt);
	return rc;
}

void stamp_forget(const char *site_dir)
{
	char *path;
	if (asprintf(&path, "%s/%s", site_dir, STAMP_FILE) < 0)
		return;
	unlink(path);
	free(path);
}
