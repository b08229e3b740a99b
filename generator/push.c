/* push.c: the branch and its tags pushed to a remote, never forced, with the
 * receive hooks of a remote on this machine run as git receive-pack would. */
#include "push.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/wait.h>

#include "buf.h"
#include "gitutil.h"
#include "xalloc.h"

struct pushstate {
	struct diags *d;
	const char *url;
	int refused;
};

static int push_ref_cb(const char *refname, const char *status, void *ud)
{
	struct pushstate *ps = ud;
	if (status) {
		diag_add(ps->d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "%s refused %s: %s", ps->url, refname, status);
		ps->refused = 1;
	}
	return 0;
}

static int cred_cb(git_credential **out, const char *url, const char *user, unsigned int allowed, void *ud)
{
	if (allowed & GIT_CREDENTIAL_SSH_KEY)
		return git_credential_ssh_key_from_agent(out, user ? user : "git");
	if (allowed & GIT_CREDENTIAL_USERNAME)
		return git_credential_username_new(out, user ? user : "git");
	return GIT_PASSTHROUGH;
}

static const git_remote_head *remote_head(const git_remote_head **heads, size_t n, const char *name)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(heads[i]->name, name) == 0)
			return heads[i];
	return NULL;
}

/* ---- hooks of a local remote ---------------------------------------------------- */

/* The git folder of a remote on this machine (file:// URL or a path), or NULL. */
static char *local_gitdir(const char *url)
{
	const char *path = strncmp(url, "file://", 7) == 0 ? url + 7 : url;
	if (strstr(url, "://") && path == url)
		return NULL;   /* ssh:// and the like: the server runs its own hooks */
	git_repository *rr = NULL;
	if (git_repository_open_ext(&rr, path, GIT_REPOSITORY_OPEN_NO_SEARCH, NULL) < 0)
		return NULL;
	char *dir = xstrdup(git_repository_path(rr));
	git_repository_free(rr);
	return dir;
}

/* Runs hook name of the repository at gitdir with input on its standard
 * input, as git receive-pack would (libgit2's local transport runs none).
 * Its output goes into out. Returns its exit status, or -1 when there is no
 * such executable hook. */
static int run_hook(const char *gitdir, const char *name, const char *input, struct buf *out)
{
	struct buf path = BUF_INIT;
	buf_printf(&path, "%shooks/%s", gitdir, name);
	int rc = -1;
	int in[2] = { -1, -1 }, outp[2] = { -1, -1 };
	if (access(path.data, X_OK) != 0)
		goto done;
	if (pipe(in) < 0 || pipe(outp) < 0)
		goto done;
	pid_t pid = fork();
	if (pid < 0)
		goto done;
	if (pid == 0) {
		dup2(in[0], 0);
		dup2(outp[1], 1);
		dup2(outp[1], 2);
		close(in[0]);
		close(in[1]);
		close(outp[0]);
		close(outp[1]);
		if (chdir(gitdir) < 0)
			_exit(127);
		setenv("GIT_DIR", ".", 1);
		execl(path.data, name, (char *)NULL);
		_exit(127);
	}
	close(in[0]);
	close(outp[1]);
	in[0] = outp[1] = -1;
	/* A hook need not read its input: a write it refuses is not an error. */
	(void)push_write_pipe(in[1], input, strlen(input));
	close(in[1]);
	in[1] = -1;
	char chunk[4096];
	ssize_t r;
	while ((r = read(outp[0], chunk, sizeof chunk)) > 0)
		buf_put(out, chunk, (size_t)r);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	rc = WIFEXITED(status) ? WEXITSTATUS(status) : 128;
done:
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (outp[i] >= 0)
			close(outp[i]);
	}
	buf_free(&path);
	return rc;
}

/* A hook's output as notes under the error, one per line, like git's "remote:". */
static void hook_notes(struct diags *d, const struct buf *out)
{
	const char *p = out->data, *end = out->data + out->len;
	while (p && p < end) {
		const char *nl = memchr(p, '\n', (size_t)(end - p));
		size_t n = nl ? (size_t)(nl - p) : (size_t)(end - p);
		if (n)
			diag_add(d, DIAG_NOTE, NULL, 0, 0, NULL, 0, "remote: %.*s", (int)n, p);
		p = nl ? nl + 1 : NULL;
	}
}

int push_branch(const char *repo, const char *branch, const char *url, int *uptodate, struct diags *d)
{
	git_libgit2_init();
	struct arena *a = arena_new();
	git_repository *r = NULL;
	git_remote *rem = NULL;
	git_strarray tags = { 0 };
	int rc = gitutil_open(repo, 0, branch, &r, NULL, d);
	*uptodate = 0;
	if (rc || !r) {
		if (!rc)
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "no publish repository at %s: nothing to push", repo);
		rc = 2;
		goto out;
	}
	rc = 2;
	const char *refname = gitutil_branch_ref(a, branch);
	git_oid tip;
	int found;
	if (gitutil_branch_tip(r, refname, &tip, &found, d))
		goto out;
	if (!found) {
		diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0, "branch '%s' of %s does not exist: nothing to push", branch, repo);
		goto out;
	}
	struct pushstate ps = { d, url, 0 };
	git_remote_callbacks cb;
	git_remote_init_callbacks(&cb, GIT_REMOTE_CALLBACKS_VERSION);
	cb.credentials = cred_cb;
	cb.push_update_reference = push_ref_cb;
	cb.payload = &ps;
	if (gitutil_remote(&rem, r, NULL, url) < 0 ||
	    git_remote_connect(rem, GIT_DIRECTION_PUSH, &cb, NULL, NULL) < 0) {
		gitutil_fail(d, "cannot reach the remote %s", url);
		goto out;
	}
	const git_remote_head **heads;
	size_t nheads;
	if (git_remote_ls(&heads, &nheads, rem) < 0) {
		gitutil_fail(d, "cannot list the references of %s", url);
		goto out;
	}
	/* Never force: the remote's branch must be an ancestor of ours, and a
	 * tag it has must be the same tag. (libgit2's file:// transport would
	 * overwrite, so this is checked here for every transport.) */
	rc = 1;
	const char **specs = arena_alloc(a, sizeof *specs);
	size_t nspecs = 0;
	const git_remote_head *h = remote_head(heads, nheads, refname);
	if (h && !git_oid_equal(&h->oid, &tip)) {
		git_odb *odb = NULL;
		int known = git_repository_odb(&odb, r) == 0 && git_odb_exists(odb, &h->oid);
		git_odb_free(odb);
		if (!known || git_graph_descendant_of(r, &tip, &h->oid) != 1) {
			char hex[8];
			gitutil_short_hex(&h->oid, hex);
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "%s refused %s: its branch is at %s, which is not part of this repository's history "
			         "(someone else pushed there); nothing was forced", url, refname, hex);
			goto out;
		}
	}
	if (!h || !git_oid_equal(&h->oid, &tip))
		specs[nspecs++] = arena_printf(a, "%s:%s", refname, refname);
	if (git_tag_list(&tags, r) < 0) {
		gitutil_fail(d, "cannot list tags");
		goto out;
	}
	specs = arena_realloc(a, specs, sizeof *specs, (tags.count + 1) * sizeof *specs);
	for (size_t i = 0; i < tags.count; i++) {
		const char *tref = arena_printf(a, "refs/tags/%s", tags.strings[i]);
		git_oid tid;
		if (git_reference_name_to_id(&tid, r, tref) < 0)
			continue;
		const git_remote_head *th = remote_head(heads, nheads, tref);
		if (th && !git_oid_equal(&th->oid, &tid)) {
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "%s refused %s: it has another tag of that name; nothing was forced", url, tref);
			goto out;
		}
		if (!th)
			specs[nspecs++] = arena_printf(a, "%s:%s", tref, tref);
	}
	if (!nspecs) {
		*uptodate = 1;
		rc = 0;
		goto out;
	}
	/* What receive-pack would tell the hooks: "<old> <new> <ref>" per line. */
	struct buf updates = BUF_INIT, hookout = BUF_INIT;
	for (size_t i = 0; i < nspecs; i++) {
		const char *ref = specs[i] + strlen(specs[i]) / 2 + 1;   /* "ref:ref" */
		git_oid now;
		char oldhex[GIT_OID_HEXSZ + 1] = "0000000000000000000000000000000000000000";
		char newhex[GIT_OID_HEXSZ + 1];
		const git_remote_head *rh = remote_head(heads, nheads, ref);
		if (rh)
			git_oid_tostr(oldhex, sizeof oldhex, &rh->oid);
		if (git_reference_name_to_id(&now, r, ref) < 0)
			continue;
		git_oid_tostr(newhex, sizeof newhex, &now);
		buf_printf(&updates, "%s %s %s\n", oldhex, newhex, ref);
	}
	char *gitdir = local_gitdir(url);
	if (gitdir) {
		int hs = run_hook(gitdir, "pre-receive", buf_cstr(&updates), &hookout);
		if (hs > 0) {
			diag_add(d, DIAG_ERROR, NULL, 0, 0, NULL, 0,
			         "%s refused the push: its pre-receive hook exited with %d; nothing was pushed", url, hs);
			hook_notes(d, &hookout);
			free(gitdir);
			buf_free(&updates);
			buf_free(&hookout);
			goto out;
		}
		buf_reset(&hookout);
	}
	git_strarray sa = { (char **)specs, nspecs };
	git_push_options po;
	git_push_options_init(&po, GIT_PUSH_OPTIONS_VERSION);
	po.callbacks = cb;
	if (git_remote_push(rem, &sa, &po) < 0) {
		gitutil_fail(d, "pushing to %s failed", url);
		free(gitdir);
		buf_free(&updates);
		buf_free(&hookout);
		goto out;
	}
	rc = ps.refused ? 1 : 0;
	/* A deployment hook on the remote runs as after any push to it. */
	if (gitdir && !ps.refused) {
		int hs = run_hook(gitdir, "post-receive", buf_cstr(&updates), &hookout);
		if (hs > 0) {
			diag_add(d, DIAG_WARNING, NULL, 0, 0, NULL, 0, "%s: its post-receive hook exited with %d", url, hs);
			hook_notes(d, &hookout);
		}
	}
	free(gitdir);
	buf_free(&updates);
	buf_free(&hookout);
out:
	git_strarray_dispose(&tags);
	git_remote_free(rem);
	git_repository_free(r);
	arena_free(a);
	git_libgit2_shutdown();
	return rc;
}

int push_write_pipe(int fd, const char *data, size_t len)
{
	sigset_t pipe_only, pending, old;
	sigemptyset(&pipe_only);
	sigaddset(&pipe_only, SIGPIPE);
	/* A SIGPIPE pending before this call is someone else's: it stays pending. */
	sigemptyset(&pending);
	sigpending(&pending);
	int was_pending = sigismember(&pending, SIGPIPE) == 1;
	pthread_sigmask(SIG_BLOCK, &pipe_only, &old);
	int rc = 0, err = 0;
	size_t off = 0;
	while (off < len) {
		ssize_t w = write(fd, data + off, len - off);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0) {
			err = w < 0 ? errno : EIO;
			rc = -1;
			break;
		}
		off += (size_t)w;
	}
	if (err == EPIPE && !was_pending) {
		/* The write raised SIGPIPE for this thread, blocked: take it back. */
		struct timespec zero = { 0, 0 };
		while (sigtimedwait(&pipe_only, NULL, &zero) < 0 && errno == EINTR)
			;
	}
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	errno = err;
	return rc;
}
