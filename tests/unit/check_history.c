/* check_history.c: the publication being made (history_pending): its task
 * changes against the branch tip's data/tasks.json, read from a folder's
 * copy while that copy is the tip's blob, else from the repository; before
 * the first publication, none. */
#include "check.h"

#include <stdlib.h>

#include <git2.h>

#include "arena.h"
#include "diag.h"
#include "history.h"
#include "value.h"

#include "sitedir.h"

static const char *const tasks_at_60 =
	"{\n  \"as_of\": \"2019-06-30\",\n  \"tasks\": [\n    {\"id\": \"p/1\", \"plan\": \"p\", \"number\": \"1\", "
	"\"title\": \"老旧小区改造\", \"status\": \"in_progress\", \"progress\": 60}\n  ]\n}\n";
static const char *const tasks_at_80 =
	"{\n  \"as_of\": \"2019-06-30\",\n  \"tasks\": [\n    {\"id\": \"p/1\", \"plan\": \"p\", \"number\": \"1\", "
	"\"title\": \"老旧小区改造\", \"status\": \"in_progress\", \"progress\": 80}\n  ]\n}\n";

/* Runs a shell command, each %s the scratch folder. */
static void run(const char *fmt)
{
	char cmd[2048];
	snprintf(cmd, sizeof cmd, fmt, site, site, site, site);
	CHECK(system(cmd) == 0);
}

/* The words of the pending publication whose data/tasks.json is tasks. */
static int pending(struct arena *a, const char *old_dir, const char *tasks, struct value **words, struct diags *d)
{
	char repo[300];
	snprintf(repo, sizeof repo, "%s/pub.git", site);
	struct history_pending_opts o = { NULL, old_dir };
	return history_pending(a, repo, "main", LANG_ZH, tasks, strlen(tasks), &o, words, d);
}

int main(void)
{
	site_make("pp-history");
	git_libgit2_init();
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct value *words = NULL;

	/* No publication yet: no task changes. */
	run("git init -q --bare -b main '%s/pub.git'");
	CHECK_INT(pending(a, NULL, tasks_at_80, &words, &d), 0);
	CHECK_INT(value_len(words), 0);

	/* The tip publishes the task at 60 %, as a loose object. */
	run("cd '%s' && export GIT_CONFIG_NOSYSTEM=1 HOME='%s' && git init -q -b main w");
	put("w/data/tasks.json", tasks_at_60);
	put("copy/data/tasks.json", tasks_at_60);
	run("cd '%s/w' && export GIT_CONFIG_NOSYSTEM=1 HOME='%s' && git add -A && "
	    "git -c user.name=t -c user.email=t@example.org commit -qm one && git push -q '%s/pub.git' main");
	CHECK_INT(pending(a, NULL, tasks_at_80, &words, &d), 0);
	CHECK_INT(value_len(words), 1);
	CHECK(value_len(words) && strstr(value_str(value_at(words, 0), ""), "60% → 80%") != NULL);

	/* Its blob gone from the repository: the folder's copy, the same blob,
	 * is what is read. */
	run("cd '%s/pub.git' && rm \"objects/$(git rev-parse main:data/tasks.json | cut -c1-2)/"
	    "$(git rev-parse main:data/tasks.json | cut -c3-)\"");
	char copy[300];
	snprintf(copy, sizeof copy, "%s/copy", site);
	CHECK_INT(pending(a, copy, tasks_at_80, &words, &d), 0);
	CHECK_INT(value_len(words), 1);
	CHECK(value_len(words) && strstr(value_str(value_at(words, 0), ""), "60% → 80%") != NULL);
	CHECK_INT((int)d.nerrors, 0);

	/* A copy that is not that blob is not read: the repository is asked,
	 * and without the blob that is an error. */
	put("copy/data/tasks.json", tasks_at_80);
	CHECK(pending(a, copy, tasks_at_80, &words, &d) != 0);
	CHECK(d.nerrors > 0);

	diags_free(&d);
	arena_free(a);
	git_libgit2_shutdown();
	site_remove();
	return CHECK_DONE("check_history");
}
