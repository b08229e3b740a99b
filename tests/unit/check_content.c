/* check_content.c: the walk of content/: sections, output paths, order, skipped files, drafts. */
#include "check.h"
#include "sitedir.h"

#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "arena.h"
#include "content.h"
#include "diag.h"

int main(void)
{
	site_make("pp-content");
	put("content/_index.md", "---\ntitle: 首页\n---\n");
	put("content/about.md", "---\ntitle: 关于\nweight: 1\n---\n");
	put("content/notices/b.md", "---\ntitle: 乙\ndate: 2019-01-01\n---\n");
	put("content/notices/a.md", "---\ntitle: 甲\ndate: 2019-06-01\n---\n");
	put("content/notices/c.md", "---\ntitle: 丙\n---\n");
	put("content/notices/draft.md", "---\ntitle: 草稿\ndraft: true\n---\n");
	put("content/notices/x.md~", "backup");
	put("content/notices/.hidden.md", "hidden");
	put("content/notices/slugged.md", "---\ntitle: 改名\nslug: renamed\n---\n");
	put("content/plans/x/tasks/01.md", "---\ntitle: 任务一\n---\n");
	put("content/plans/x/files/原文.pdf", "%PDF");

	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct content c;
	CHECK(content_load(a, site, 0, 0, &c, &d) == 0);
	CHECK_INT(d.nerrors, 0);
	CHECK(c.home && c.home->kind == PAGE_HOME);
	CHECK_STR(c.home->title, "首页");
	/* home, about, notices/, a, b, c, renamed, plans/, plans/x/, plans/x/tasks/, 01 */
	CHECK_INT(c.npages, 11);
	struct page *n = content_page_at(&c, "notices/");
	CHECK(n && n->kind == PAGE_SECTION);
	CHECK_STR(n->title, "notices");
	CHECK_INT(n->nchildren, 4);
	/* Dated pages newest first, then undated by title. */
	CHECK_STR(n->children[0]->title, "甲");
	CHECK_STR(n->children[1]->title, "乙");
	CHECK(content_page(&c, "notices/draft.md") == NULL);
	CHECK(content_page(&c, "notices/x.md~") == NULL);
	struct page *s = content_page(&c, "notices/slugged.md");
	CHECK(s && strcmp(s->out, "notices/renamed/index.html") == 0);
	struct page *t = content_page(&c, "plans/x/tasks/01.md");
	CHECK(t && strcmp(t->url, "plans/x/tasks/01/") == 0 && strcmp(t->dir, "plans/x/tasks") == 0);
	CHECK(t->parent && strcmp(t->parent->url, "plans/x/tasks/") == 0);
	CHECK(content_page_at(&c, "plans/x/files/") == NULL);   /* files only: no section */
	CHECK(content_file(&c, "plans/x/files/原文.pdf") != NULL);
	CHECK_INT(c.nfiles, 1);
	/* Home lists weighted pages first. */
	CHECK_STR(c.home->children[0]->title, "关于");
	arena_free(a);

	/* With --drafts the draft is there. */
	a = arena_new();
	CHECK(content_load(a, site, 1, 0, &c, &d) == 0);
	CHECK(content_page(&c, "notices/draft.md") != NULL);
	arena_free(a);

	site_remove();
	diags_free(&d);
	return CHECK_DONE("check_content");
}
