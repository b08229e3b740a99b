/* worktree.c: a checkout of the published branch kept up to date (cloned the
 * first time), never overwriting local modifications. */
#include "worktree.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "arena.h"
#include "gitutil.h"
#include "i18n.h"

static int clone_remote_cb(git_remote **out, git_repository *r, const char *name, const char *url, void *ud)
{
	return gitutil_remote(out, r, name, url);
}

static int dir_is_empty(const char *path)
{
	DIR *dir = opendir(path);
	if (!dir)
		return 0;
	int empty = 1;
	struct dirent *e;
	while (empty && (e = readdir(dir)) != NULL)
		empty = strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0;
	closedir(dir);
	return empty;
}

int worktree_update(const char *repo, const char *branch, const char *path, struct diags *d)
{
	git_libgit2_init();
	struct arena *a = arena_new();
	git_repository *wt = NULL, *r = NULL;
	git_status_list *sl = NULL;
	git_remote *rem = NULL;
	git_object *target = NULL;
	git_reference *head = NULL, *nref = NULL;
	int rc = 2;
	char *abs = realpath(repo, NULL);
	if (!abs) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publish repository at %s", repo);
		goto out;
	}
	struct stat st;
	if (stat(path, &st) < 0 || dir_is_empty(path)) {
		git_clone_options co;
		git_clone_options_init(&co, GIT_CLONE_OPTIONS_VERSION);
		co.checkout_branch = branch;
		co.remote_cb = clone_remote_cb;
		if (git_clone(&wt, abs, path, &co) < 0) {
			gitutil_fail(d, "cannot check out the publication into %s", path);
			goto out;
		}
		rc = 0;
		goto out;
	}
	if (git_repository_open_ext(&wt, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0 || git_repository_is_bare(wt)) {
		diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
		         "[publish] worktree is not a checkout made by planpress; left alone");
		rc = 1;
		goto out;
	}
	git_status_options so;
	git_status_options_init(&so, GIT_STATUS_OPTIONS_VERSION);
	so.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	so.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED | GIT_STATUS_OPT_RECURSE_UNTRACKED_DIRS;
	if (git_status_list_new(&sl, wt, &so) < 0) {
		gitutil_fail(d, "cannot read the state of %s", path);
		goto out;
	}
	size_t n = git_status_list_entrycount(sl);
	if (n) {
		const git_status_entry *e = git_status_byindex(sl, 0);
		const char *first = e->index_to_workdir ? e->index_to_workdir->new_file.path
		                  : e->head_to_index ? e->head_to_index->new_file.path : "?";
		diag_add(d, DIAG_WARNING, path, 0, 0, NULL, 0,
		         i18n_plural("the worktree has local modifications (%zu file, e.g. %s); it was left as it is",
		                     "the worktree has local modifications (%zu files, e.g. %s); it was left as it is", n),
		         n, first);
		rc = 1;
		goto out;
	}
	char *spec = (char *)arena_printf(a, "+refs/heads/%s:refs/remotes/origin/%s", branch, branch);
	git_strarray fs = { &spec, 1 };
	if (gitutil_remote(&rem, wt, NULL, abs) < 0 || git_remote_fetch(rem, &fs, NULL, NULL) < 0) {
		gitutil_fail(d, "cannot fetch the publication into %s", path);
		goto out;
	}
	const char *refname = gitutil_branch_ref(a, branch);
	git_oid tip;
	int found;
	if ((rc = gitutil_open(abs, 0, branch, &r, NULL, d)) != 0 || !r || (rc = gitutil_branch_tip(r, refname, &tip, &found, d)) != 0)
		goto out;
	rc = 2;
	if (!found || git_object_lookup(&target, wt, &tip, GIT_OBJECT_COMMIT) < 0) {
		gitutil_fail(d, "cannot find the publication in %s", path);
		goto out;
	}
	git_checkout_options cko;
	git_checkout_options_init(&cko, GIT_CHECKOUT_OPTIONS_VERSION);
	cko.checkout_strategy = GIT_CHECKOUT_SAFE;
	if (git_checkout_tree(wt, target, &cko) < 0) {
		gitutil_fail(d, "cannot update %s", path);
		goto out;
	}
	if (git_repository_head(&head, wt) == 0 && git_reference_is_branch(head)) {
		if (git_reference_set_target(&nref, head, &tip, "planpress publish") < 0) {
			gitutil_fail(d, "cannot move the branch of %s", path);
			goto out;
		}
	} else if (git_repository_set_head_detached(wt, &tip) < 0) {
		gitutil_fail(d, "cannot move HEAD of %s", path);
		goto out;
	}
	rc = 0;
out:
	free(abs);
	git_reference_free(nref);
	git_reference_free(head);
	git_object_free(target);
	git_remote_free(rem);
	git_status_list_free(sl);
	git_repository_free(r);
	git_repository_free(wt);
	arena_free(a);
	git_libgit2_shutdown();
	return rc;
}
