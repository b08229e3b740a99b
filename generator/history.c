/* history.c: the publications of a branch read back (with what each changed,
 * cached in the repository's folder) and two publications compared. */
#include "history.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "buf.h"
#include "gitutil.h"
#include "json.h"
#include "output.h"
#include "statcache.h"

static struct value *commit_date(struct arena *a, const git_commit *c)
{
	int64_t off = git_commit_time_offset(c);
	int64_t t = (int64_t)git_commit_time(c) + off * 60;
	int64_t days = t >= 0 ? t / 86400 : -((-t + 86399) / 86400);
	int64_t secs = t - days * 86400;
	struct datetime dt = { .kind = DT_OFFSET, .offset_min = (int)off };
	datetime_set_days(&dt, days);
	dt.hour = (int)(secs / 3600);
	dt.minute = (int)(secs / 60 % 60);
	dt.second = (int)(secs % 60);
	return value_datetime(a, &dt, (struct pos){ 0 });
}

/* The history cache: what each publication changed (the page counts and the
 * task changes in words) depends only on its commit, its parent and the
 * language, so it is kept in the repository's folder and worked out once.
 * Without it every build would compare each of up to HISTORY_MAX
 * commits with its parent again, parsing a data/tasks.json of megabytes
 * twice for each. The version names planpress's, whose wording it holds: a
 * cache from another version, or one that does not parse, is ignored; the
 * format number changes with the words (2: milestones, actuals, supporting
 * units; 3: extensions, and a first publication lists no task changes). */
#define HISTORY_CACHE "planpress-history-cache"
#define HISTORY_CACHE_MAGIC "planpress-history-cache 3 " PP_VERSION

/* Entries kept: the history shown in a few languages. */
#define HISTORY_CACHE_MAX (4 * HISTORY_MAX)

struct hentry {
	char key[48];               /* commit id, ':', language */
	const struct value *v;      /* {added, changed, removed, task_changes} */
};

struct hcache {
	struct hentry *v;
	size_t n, cap;
	int dirty;
};

static int cmp_hentry(const void *x, const void *y)
{
	return strcmp(((const struct hentry *)x)->key, ((const struct hentry *)y)->key);
}

static void hcache_push(struct arena *a, struct hcache *c, const char *key, const struct value *v)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? 2 * c->cap : 64;
		c->v = arena_realloc(a, c->v, c->cap * sizeof *c->v, cap * sizeof *c->v);
		c->cap = cap;
	}
	snprintf(c->v[c->n].key, sizeof c->v[c->n].key, "%s", key);
	c->v[c->n++].v = v;
}

static void hcache_load(struct arena *a, const char *path, struct hcache *c)
{
	struct buf b = BUF_INIT;
	memset(c, 0, sizeof *c);
	if (buf_read_file(&b, path) < 0 || !b.len)
		goto out;
	struct diags quiet;
	diags_init(&quiet);
	struct value *root = json_parse(a, path, b.data, b.len, &quiet);
	diags_free(&quiet);
	const struct value *e = value_get(root, "entries");
	if (strcmp(value_str(value_get(root, "format"), ""), HISTORY_CACHE_MAGIC) != 0 || !value_is(e, V_ARRAY))
		goto out;
	for (size_t i = 0; i < value_len(e); i++) {
		const struct value *x = value_at(e, i), *tc = value_get(x, "task_changes");
		const char *key = value_str(value_get(x, "key"), NULL);
		if (!key || strlen(key) >= sizeof c->v[0].key || !value_is(tc, V_ARRAY))
			continue;
		hcache_push(a, c, key, x);
	}
	qsort(c->v, c->n, sizeof *c->v, cmp_hentry);
out:
	buf_free(&b);
}

static const struct value *hcache_find(const struct hcache *c, const char *key)
{
	struct hentry k;
	snprintf(k.key, sizeof k.key, "%s", key);
	const struct hentry *e = c->n ? bsearch(&k, c->v, c->n, sizeof *c->v, cmp_hentry) : NULL;
	return e ? e->v : NULL;
}

/* Keeps what old has for other languages or commits, with now's entries. */
static void hcache_save(struct arena *a, const char *path, const struct hcache *old, const struct hcache *now)
{
	struct pos p = { 0 };
	struct value *root = value_table(a, p), *arr = value_array(a, p);
	value_setc(a, root, "format", value_cstring(a, HISTORY_CACHE_MAGIC, p));
	struct hcache all = { 0 };
	for (size_t i = 0; i < now->n; i++)
		hcache_push(a, &all, now->v[i].key, now->v[i].v);
	for (size_t i = 0; i < old->n; i++)
		if (all.n < HISTORY_CACHE_MAX && !hcache_find(now, old->v[i].key))
			hcache_push(a, &all, old->v[i].key, old->v[i].v);
	qsort(all.v, all.n, sizeof *all.v, cmp_hentry);
	for (size_t i = 0; i < all.n; i++) {
		const struct value *x = all.v[i].v;
		struct value *e = value_table(a, p);
		value_setc(a, e, "key", value_cstring(a, all.v[i].key, p));
		value_setc(a, e, "added", value_int(a, value_i64(value_get(x, "added"), 0), p));
		value_setc(a, e, "changed", value_int(a, value_i64(value_get(x, "changed"), 0), p));
		value_setc(a, e, "removed", value_int(a, value_i64(value_get(x, "removed"), 0), p));
		value_setc(a, e, "task_changes", (struct value *)value_get(x, "task_changes"));
		value_push(a, arr, e);
	}
	value_setc(a, root, "entries", arr);
	struct buf b = BUF_INIT;
	json_write(root, 0, &b);
	buf_putc(&b, '\n');
	/* Losing the cache only costs time: a failed write is not an error. */
	(void)output_write_atomic(path, b.data, b.len);
	buf_free(&b);
}

/* A cache entry: {added, changed, removed, task_changes: [words in l]}.
 * A first publication (first 1: nothing before it) lists no task changes:
 * every task of the site would be one, "added". */
static struct value *hentry_of(struct arena *a, const struct revdiff *rd, enum lang l, int first)
{
	struct pos p = { 0 };
	struct value *ce = value_table(a, p), *tc = value_array(a, p);
	value_setc(a, ce, "added", value_int(a, (int64_t)rd->added, p));
	value_setc(a, ce, "changed", value_int(a, (int64_t)rd->changed, p));
	value_setc(a, ce, "removed", value_int(a, (int64_t)rd->removed, p));
	struct buf b = BUF_INIT;
	for (size_t i = 0; !first && i < rd->ntasks; i++) {
		buf_reset(&b);
		revdiff_task_words(rd, &rd->tasks[i], l, &b);
		value_push(a, tc, value_string(a, b.data ? b.data : "", b.len, p));
	}
	buf_free(&b);
	value_setc(a, ce, "task_changes", tc);
	return ce;
}

void history_remember(struct arena *a, const char *gitdir, const char *commit, enum lang l,
                      const struct revdiff *rd, int first)
{
	const char *hpath = arena_printf(a, "%s%s", gitdir, HISTORY_CACHE);
	struct hcache hold, hnow = { 0 };
	hcache_load(a, hpath, &hold);
	hcache_push(a, &hnow, arena_printf(a, "%s:%d", commit, (int)l), hentry_of(a, rd, l, first));
	hcache_save(a, hpath, &hold, &hnow);
}

int history_read_lang(struct arena *a, const char *repo_path, const char *branch, enum lang l,
                         struct value **out, struct diags *d)
{
	git_libgit2_init();
	struct pos p = { 0 };
	git_repository *r = NULL;
	git_revwalk *w = NULL;
	int missing = 0;
	*out = value_array(a, p);
	int rc = gitutil_open(repo_path, 0, branch, &r, &missing, d);
	if (rc || missing)
		goto out;
	git_oid tip, id;
	int found;
	if ((rc = gitutil_branch_tip(r, gitutil_branch_ref(a, branch), &tip, &found, d)) != 0 || !found)
		goto out;
	rc = 2;
	if (git_revwalk_new(&w, r) < 0 || git_revwalk_push(w, &tip) < 0) {
		gitutil_fail(d, "cannot walk the history of %s", repo_path);
		goto out;
	}
	git_revwalk_simplify_first_parent(w);
	const char *hpath = arena_printf(a, "%s%s", git_repository_path(r), HISTORY_CACHE);
	struct hcache hold, hnow = { 0 };
	hcache_load(a, hpath, &hold);
	for (size_t k = 0; k < HISTORY_MAX && git_revwalk_next(&id, w) == 0; k++) {
		git_commit *c = NULL, *pc = NULL;
		git_tree *t = NULL, *pt = NULL;
		char hex[41], sh[8];
		gitutil_hex(&id, hex);
		gitutil_short_hex(&id, sh);
		const char *key = arena_printf(a, "%s:%d", hex, (int)l);
		const struct value *known = hcache_find(&hold, key);
		int e = git_commit_lookup(&c, r, &id) < 0 ||
		        (!known && (git_commit_tree(&t, c) < 0 ||
		                    (git_commit_parentcount(c) && (git_commit_parent(&pc, c, 0) < 0 ||
		                                                   git_commit_tree(&pt, pc) < 0))));
		if (e)
			gitutil_fail(d, "cannot read a commit of %s", repo_path);
		struct value *sum = NULL, *tc = NULL;
		if (!e && known) {
			sum = value_table(a, p);
			value_setc(a, sum, "added", value_int(a, value_i64(value_get(known, "added"), 0), p));
			value_setc(a, sum, "changed", value_int(a, value_i64(value_get(known, "changed"), 0), p));
			value_setc(a, sum, "removed", value_int(a, value_i64(value_get(known, "removed"), 0), p));
			tc = (struct value *)value_get(known, "task_changes");
			hcache_push(a, &hnow, key, known);
		} else if (!e) {
			struct revdiff rd;
			struct revdiff_opts ro = { 0, l, NULL };
			if (gitutil_compare_trees(a, r, pt, t, NULL, &ro, &rd, d) == 0) {
				struct value *ce = hentry_of(a, &rd, l, pt == NULL);
				sum = value_table(a, p);
				value_setc(a, sum, "added", value_get(ce, "added"));
				value_setc(a, sum, "changed", value_get(ce, "changed"));
				value_setc(a, sum, "removed", value_get(ce, "removed"));
				tc = (struct value *)value_get(ce, "task_changes");
				hcache_push(a, &hnow, key, ce);
				hnow.dirty = 1;
			} else {
				e = 1;
			}
		}
		if (!e) {
			struct value *v = value_table(a, p);
			const git_signature *au = git_commit_author(c);
			const char *body = git_commit_body(c);
			value_setc(a, v, "id", value_cstring(a, hex, p));
			value_setc(a, v, "short_id", value_cstring(a, sh, p));
			value_setc(a, v, "date", commit_date(a, c));
			value_setc(a, v, "author", value_cstring(a, au->name, p));
			value_setc(a, v, "email", value_cstring(a, au->email, p));
			value_setc(a, v, "message", value_cstring(a, git_commit_summary(c) ? git_commit_summary(c) : "", p));
			value_setc(a, v, "body", value_cstring(a, body ? body : "", p));
			/* The content digest printed on its pages (Site-Revision trailer). */
			for (const char *line = body; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
				if (strncmp(line, "Site-Revision: ", 15) == 0) {
					value_setc(a, v, "revision", value_string(a, line + 15, strcspn(line + 15, "\n"), p));
					break;
				}
			value_setc(a, v, "summary", sum);
			value_setc(a, v, "task_changes", tc);
			value_push(a, *out, v);
		}
		git_tree_free(pt);
		git_tree_free(t);
		git_commit_free(pc);
		git_commit_free(c);
		if (e)
			goto out;
	}
	if (hnow.dirty) {
		qsort(hnow.v, hnow.n, sizeof *hnow.v, cmp_hentry);
		hcache_save(a, hpath, &hold, &hnow);
	}
	rc = 0;
out:
	git_revwalk_free(w);
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}

int history_read(struct arena *a, const char *repo_path, const char *branch,
                    struct value **out, struct diags *d)
{
	return history_read_lang(a, repo_path, branch, LANG_ZH, out, d);
}

/* The publication c: short id, message and date (YYYY-MM-DD). */
static void pub_of(struct arena *a, git_commit *c, struct revdiff_pub *p)
{
	char sh[8];
	struct buf b = BUF_INIT;
	gitutil_short_hex(git_commit_id(c), sh);
	value_to_text(commit_date(a, c), &b);
	p->id = arena_strndup(a, sh, strlen(sh));
	p->message = git_commit_summary(c) ? arena_strndup(a, git_commit_summary(c), strlen(git_commit_summary(c))) : NULL;
	p->date = arena_printf(a, "%.10s", buf_cstr(&b));
	buf_free(&b);
}

static int resolve(git_repository *r, const char *spec, git_commit **c, struct diags *d)
{
	git_object *o = NULL;
	if (git_revparse_single(&o, r, spec) < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "unknown revision '%s'", spec);
		return 1;
	}
	int e = git_object_peel((git_object **)c, o, GIT_OBJECT_COMMIT);
	git_object_free(o);
	if (e < 0) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "'%s' is not a publication", spec);
		return 1;
	}
	return 0;
}

/* The as_of of tree t's data/tasks.json (its first member, as the build
 * writes it), owned by a; NULL when it has none. */
static const char *tree_as_of(struct arena *a, git_repository *r, git_tree *t)
{
	git_tree_entry *e = NULL;
	git_blob *b = NULL;
	const char *as_of = NULL;
	if (git_tree_entry_bypath(&e, t, REVDIFF_TASKS) == 0 && git_blob_lookup(&b, r, git_tree_entry_id(e)) == 0) {
		const char *s = git_blob_rawcontent(b);
		size_t n = (size_t)git_blob_rawsize(b), head = n < 256 ? n : 256;
		size_t at = buf_find(s, head, "\"as_of\": \"", 10, 0);
		if (at != (size_t)-1) {
			const char *v = s + at + 10, *q = memchr(v, '"', head - (size_t)(v - s));
			if (q && q - v <= 32)
				as_of = arena_strndup(a, v, (size_t)(q - v));
		}
	}
	git_blob_free(b);
	git_tree_entry_free(e);
	return as_of;
}

int history_diff(struct arena *a, const char *repo_path, const char *branch,
                 const char *rev_a, const char *rev_b, const struct revdiff_opts *o,
                 struct revdiff *out, struct revdiff_pub pub[2], struct diags *d)
{
	git_libgit2_init();
	git_repository *r = NULL;
	git_commit *ca = NULL, *cb = NULL;
	git_tree *ta = NULL, *tb = NULL;
	int missing = 0;
	int rc = gitutil_open(repo_path, 0, branch, &r, &missing, d);
	if (rc)
		goto out;
	rc = 1;
	if (missing) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publish repository at %s (run planpress publish first)", repo_path);
		goto out;
	}
	if (rev_b) {
		if (resolve(r, rev_b, &cb, d))
			goto out;
	} else {
		if (resolve(r, gitutil_branch_ref(a, branch), &cb, d))
			goto out;
	}
	if (rev_a) {
		if (resolve(r, rev_a, &ca, d))
			goto out;
	} else if (git_commit_parentcount(cb) && git_commit_parent(&ca, cb, 0) < 0) {
		gitutil_fail(d, "cannot read the parent of %s", rev_b ? rev_b : branch);
		goto out;
	}
	if ((ca && git_commit_tree(&ta, ca) < 0) || git_commit_tree(&tb, cb) < 0) {
		gitutil_fail(d, "cannot read a tree");
		goto out;
	}
	memset(pub, 0, 2 * sizeof *pub);
	if (ca)
		pub_of(a, ca, &pub[0]);
	pub_of(a, cb, &pub[1]);
	rc = gitutil_compare_trees(a, r, ta, tb, NULL, o, out, d);
	/* Task data that did not change is not compared: both publications
	 * show the same as_of, read from the file's first member. */
	if (rc == 0 && !out->as_of[1]) {
		out->as_of[1] = tree_as_of(a, r, tb);
		if (ta && !out->as_of[0])
			out->as_of[0] = tree_as_of(a, r, ta);
	}
	pub[0].as_of = ca ? out->as_of[0] : NULL;
	pub[1].as_of = out->as_of[1];
out:
	git_tree_free(ta);
	git_tree_free(tb);
	git_commit_free(ca);
	git_commit_free(cb);
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}

/* The old side from the repository (or a folder that holds it), the new
 * from memory. */
struct pending_src {
	git_repository *r;
	struct arena *a;
	const char *tasks;
	size_t len;
	const char *old_dir;   /* history_pending_opts' */
};

/* The old side from old_dir's copy, when it is what blob id says (the
 * last publication's build, which the folder holds until this build is
 * written): a read instead of inflating 25 MB. 0, or -1 when it is not there
 * or not the same. */
static int read_old_copy(struct pending_src *ps, const struct revdiff_file *f, const git_oid *id,
                         const char **data, size_t *len)
{
	if (!ps->old_dir)
		return -1;
	struct buf b = BUF_INIT;
	const char *path = arena_printf(ps->a, "%s/%s", ps->old_dir, f->path);
	/* The stat cache knows the file when the last publish read it and it
	 * did not change since: 25 MB not hashed again. */
	int known = statcache_vouches(git_repository_path(ps->r), ps->old_dir, f->path, id);
	git_oid got;
	int rc = -1;
	if (buf_read_file(&b, path) == 0) {
		if (!known)
			gitutil_blob_key(b.data ? b.data : "", b.len, &got);
		if (known || git_oid_equal(&got, id)) {
			*len = b.len;
			*data = arena_strndup(ps->a, b.data ? b.data : "", b.len);
			rc = 0;
		}
	}
	buf_free(&b);
	return rc;
}

static int pending_read(void *ud, int side, const struct revdiff_file *f, const char **data, size_t *len,
                        struct diags *d)
{
	struct pending_src *ps = ud;
	git_oid id;
	git_blob *b = NULL;
	if (side == 1) {
		*data = ps->tasks;
		*len = ps->len;
		return 0;
	}
	if (git_oid_fromstr(&id, f->id) == 0 && read_old_copy(ps, f, &id, data, len) == 0)
		return 0;
	if (git_oid_fromstr(&id, f->id) < 0 || git_blob_lookup(&b, ps->r, &id) < 0) {
		gitutil_fail(d, "cannot read %s (%s)", f->path, f->id);
		return -1;
	}
	*len = (size_t)git_blob_rawsize(b);
	*data = arena_strndup(ps->a, git_blob_rawcontent(b), *len);
	git_blob_free(b);
	return 0;
}

int history_pending(struct arena *a, const char *repo_path, const char *branch, enum lang l,
                    const char *tasks, size_t len, void *ud, struct value **out, struct diags *d)
{
	git_repository *r = NULL;
	git_commit *c = NULL;
	git_tree *t = NULL;
	git_tree_entry *e = NULL;
	int rc = 0, found = 0;
	*out = value_array(a, (struct pos){ 0 });
	git_libgit2_init();
	if ((rc = gitutil_open(repo_path, 0, branch, &r, NULL, d)) != 0 || !r)
		goto out;
	git_oid tip;
	if ((rc = gitutil_branch_tip(r, gitutil_branch_ref(a, branch), &tip, &found, d)) != 0 || !found)
		goto out;
	rc = 2;
	if (git_commit_lookup(&c, r, &tip) < 0 || git_commit_tree(&t, c) < 0) {
		gitutil_fail(d, "cannot read the last publication in %s", repo_path);
		goto out;
	}
	/* The new side's id: its blob id, so that an unchanged file compares
	 * equal, and the commit's comparison finds the memo by it. */
	git_oid nid;
	char oldhex[41] = "", newhex[41];
	gitutil_blob_key(tasks, len, &nid);
	gitutil_hex(&nid, newhex);
	struct revdiff_file fo = { REVDIFF_TASKS, oldhex }, fn = { REVDIFF_TASKS, newhex };
	int has_old = git_tree_entry_bypath(&e, t, REVDIFF_TASKS) == 0;
	if (has_old)
		gitutil_hex(git_tree_entry_id(e), oldhex);
	/* With a memo, compared in its arena, which outlives this build. */
	const struct history_pending_opts *ho = ud;
	struct revdiff_memo *memo = ho ? ho->memo : NULL;
	struct arena *ca = memo ? memo->a : a;
	struct pending_src ps = { r, ca, tasks, len, ho ? ho->old_dir : NULL };
	struct revdiff_source src = { pending_read, &ps };
	struct revdiff_opts o = { 0, l, memo };
	struct revdiff rd;
	if (revdiff_compare(ca, &fo, has_old, &fn, 1, &src, &o, &rd, d) < 0)
		goto out;
	*out = value_get(hentry_of(a, &rd, l, !has_old), "task_changes");
	rc = 0;
out:
	git_tree_entry_free(e);
	git_tree_free(t);
	git_commit_free(c);
	git_repository_free(r);
	git_libgit2_shutdown();
	return rc;
}
