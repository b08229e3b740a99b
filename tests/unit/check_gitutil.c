/* check_gitutil.c: the files that differ between two trees (gitutil_changed_paths):
 * changed, added and removed files, folders entered only where they differ, a
 * path that turns from a folder into a file, and an empty side; a first
 * publication compared from its file list says what the trees say. */
#include "check.h"

#include <stdlib.h>

#include <git2.h>

#include "arena.h"
#include "diag.h"
#include "gitutil.h"
#include "revdiff.h"

/* The paths, joined by spaces. */
static const char *joined(struct arena *a, const char **v, size_t n)
{
	const char *s = "";
	for (size_t i = 0; i < n; i++)
		s = arena_printf(a, "%s%s%s", s, i ? " " : "", v[i]);
	return s;
}

static git_tree *tree_of(git_repository *r, const char *rev)
{
	git_object *o = NULL;
	git_tree *t = NULL;
	if (git_revparse_single(&o, r, rev) == 0)
		git_commit_tree(&t, (git_commit *)o);
	git_object_free(o);
	return t;
}

int main(void)
{
	char dir[256], cmd[2048];
	snprintf(dir, sizeof dir, "%s/pp-gitutil-XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
	CHECK(mkdtemp(dir) != NULL);
	/* One: a/b.txt a/c/d.txt e.txt x/y/z.txt. Two: a/b.txt changed, the
	 * folder a/c now a file, e.txt and x/ the same, f/g.txt added. */
	snprintf(cmd, sizeof cmd,
	         "cd '%s' && export GIT_CONFIG_NOSYSTEM=1 HOME='%s' && git init -q w && cd w && "
	         "git config user.name t && git config user.email t@example.org && "
	         "mkdir -p a/c x/y && echo 1 >a/b.txt && echo 2 >a/c/d.txt && echo 3 >e.txt && echo 4 >x/y/z.txt && "
	         "git add -A && git commit -qm one && "
	         "echo 1b >a/b.txt && rm -r a/c && echo 5 >a/c && mkdir f && echo 6 >f/g.txt && "
	         "git add -A && git commit -qm two",
	         dir, dir);
	CHECK(system(cmd) == 0);
	git_libgit2_init();
	git_repository *r = NULL;
	snprintf(cmd, sizeof cmd, "%s/w", dir);
	CHECK(git_repository_open(&r, cmd) == 0);
	git_tree *one = tree_of(r, "HEAD~1"), *two = tree_of(r, "HEAD");
	CHECK(one && two);
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	const char **paths;
	size_t n;
	CHECK_INT(gitutil_changed_paths(a, r, one, two, &paths, &n, &d), 0);
	CHECK_STR(joined(a, paths, n), "a/b.txt a/c/d.txt a/b.txt a/c f/g.txt");
	CHECK_INT(gitutil_changed_paths(a, r, two, one, &paths, &n, &d), 0);
	CHECK_STR(joined(a, paths, n), "a/b.txt a/c f/g.txt a/b.txt a/c/d.txt");
	/* The same tree: nothing. From nothing: every file, in path order. */
	CHECK_INT(gitutil_changed_paths(a, r, two, two, &paths, &n, &d), 0);
	CHECK_INT(n, 0);
	CHECK_INT(gitutil_changed_paths(a, r, NULL, one, &paths, &n, &d), 0);
	CHECK_STR(joined(a, paths, n), "a/b.txt a/c/d.txt e.txt x/y/z.txt");
	CHECK_INT(gitutil_changed_paths(a, r, one, NULL, &paths, &n, &d), 0);
	CHECK_STR(joined(a, paths, n), "a/b.txt a/c/d.txt e.txt x/y/z.txt");
	CHECK_INT(d.nerrors, 0);

	/* A first publication: told its files (with their ids), the same
	 * comparison as from the empty tree, in both depths of reading. */
	CHECK_INT(gitutil_changed_paths(a, r, NULL, two, &paths, &n, &d), 0);
	struct revdiff_file *files = arena_alloc(a, (n + 1) * sizeof *files);
	for (size_t i = 0; i < n; i++) {
		git_tree_entry *e = NULL;
		char *hex = arena_alloc(a, 41);
		CHECK(git_tree_entry_bypath(&e, two, paths[i]) == 0);
		if (e)
			gitutil_hex(git_tree_entry_id(e), hex);
		git_tree_entry_free(e);
		files[i] = (struct revdiff_file){ paths[i], hex };
	}
	for (int text = 0; text <= 2; text++) {
		struct revdiff_opts ro = { text, LANG_ZH, NULL };
		struct revdiff from_trees, from_list;
		struct buf m1 = BUF_INIT, m2 = BUF_INIT;
		CHECK_INT(gitutil_compare_trees(a, r, NULL, two, NULL, &ro, &from_trees, &d), 0);
		CHECK_INT(gitutil_compare_added(a, r, files, n, NULL, &ro, &from_list, &d), 0);
		revdiff_message(&from_trees, LANG_ZH, &m1);
		revdiff_message(&from_list, LANG_ZH, &m2);
		CHECK(m1.len > 0);
		CHECK_STR(buf_cstr(&m2), buf_cstr(&m1));
		buf_free(&m1);
		buf_free(&m2);
	}
	CHECK_INT(d.nerrors, 0);

	/* A blob's key is its git id: empty, short, and over a block or two. */
	const char *texts[] = { "", "任务\n", "{\"tasks\": []}\n", "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef!" };
	for (size_t i = 0; i < sizeof texts / sizeof *texts; i++) {
		git_oid want, got;
		CHECK(git_odb_hash(&want, texts[i], strlen(texts[i]), GIT_OBJECT_BLOB) == 0);
		gitutil_blob_key(texts[i], strlen(texts[i]), &got);
		CHECK(git_oid_equal(&want, &got));
	}
	diags_free(&d);
	arena_free(a);
	git_tree_free(one);
	git_tree_free(two);
	git_repository_free(r);
	git_libgit2_shutdown();
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", dir);
	CHECK(system(cmd) == 0);
	return CHECK_DONE("check_gitutil");
}
