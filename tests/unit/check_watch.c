/* check_watch.c: the inotify watcher: chosen names only, sub-folders old and new, dotfiles and backups ignored. */
#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "buf.h"
#include "diag.h"
#include "watch.h"

static char root[] = "/tmp/pp-check-watch.XXXXXX";

static void put(const char *rel, const char *text)
{
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", root, rel);
	FILE *f = fopen(buf_cstr(&p), "w");
	if (f) {
		fputs(text, f);
		fclose(f);
	}
	buf_free(&p);
}

static void dir(const char *rel)
{
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/%s", root, rel);
	mkdir(buf_cstr(&p), 0755);
	buf_free(&p);
}

int main(void)
{
	if (!mkdtemp(root)) {
		perror("mkdtemp");
		return 1;
	}
	dir("content");
	dir("content/plans");
	dir("public");
	put("site.toml", "title = \"x\"\n");
	static const char *const names[] = { "site.toml", "content", "lua", NULL };
	struct diags d;
	diags_init(&d);
	struct watch *w = watch_open(root, names, &d);
	CHECK(w != NULL);
	if (!w)
		return CHECK_DONE("check_watch");
	CHECK_INT(watch_read(w, &d), 0);
	put("site.toml", "title = \"y\"\n");
	CHECK_INT(watch_read(w, &d), 1);
	CHECK_INT(watch_read(w, &d), 0);
	/* A folder that was there at the start, two levels down. */
	put("content/plans/a.md", "x");
	CHECK_INT(watch_read(w, &d), 1);
	/* Not a chosen name: the output folder, a file beside site.toml. */
	put("public/index.html", "x");
	put("notes.txt", "x");
	CHECK_INT(watch_read(w, &d), 0);
	/* Editors' swap files and backups. */
	put("content/.a.md.swp", "x");
	put("content/a.md~", "x");
	CHECK_INT(watch_read(w, &d), 0);
	/* A new folder, then a file in it: both seen. */
	dir("content/new");
	CHECK_INT(watch_read(w, &d), 1);
	put("content/new/b.md", "x");
	CHECK_INT(watch_read(w, &d), 1);
	/* A chosen folder made after the start (lua/), and one inside it. */
	dir("lua");
	CHECK_INT(watch_read(w, &d), 1);
	dir("lua/sub");
	CHECK_INT(watch_read(w, &d), 1);
	put("lua/sub/x.lua", "x");
	CHECK_INT(watch_read(w, &d), 1);
	/* Removing files and folders is a change. */
	struct buf p = BUF_INIT;
	buf_printf(&p, "%s/content/new/b.md", root);
	unlink(buf_cstr(&p));
	buf_reset(&p);
	buf_printf(&p, "%s/content/new", root);
	rmdir(buf_cstr(&p));
	CHECK_INT(watch_read(w, &d), 1);
	CHECK_INT(watch_read(w, &d), 0);
	CHECK_INT(d.n, 0);
	watch_free(w);
	watch_free(NULL);
	buf_reset(&p);
	buf_printf(&p, "rm -rf '%s'", root);
	CHECK_INT(system(buf_cstr(&p)), 0);
	buf_free(&p);
	diags_free(&d);
	return CHECK_DONE("check_watch");
}
