/* check_mdnul.c: the md4c NUL invariant (MD4C_NUL in markdown.c): Markdown that
 * ends inside an open link, image, autolink or entity renders cleanly from a
 * buffer of exactly len + 1 bytes whose last byte is the NUL, with both engines.
 * md4c 0.4.8 reads one byte past its input for "[a](/u" at the end. md4c is a
 * system library that AddressSanitizer does not instrument, so the buffer ends
 * right before an inaccessible page instead: any read past the NUL faults, and
 * the fault is caught and counted as a failure, in the plain and ASan builds. */
#include "check.h"

#include <setjmp.h>
#include <signal.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "arena.h"
#include "diag.h"
#include "markdown.h"

static const char *const engine_name[] = { "md4c", "cmark" };

/* Longest input here; the guarded region holds it and its NUL. */
#define SRC_MAX 4096

static char *region;        /* one read-write page, then one PROT_NONE page */
static size_t page;
static sigjmp_buf jump;
static volatile sig_atomic_t faulted;

static void on_fault(int sig)
{
	(void)sig;
	faulted = 1;
	siglongjmp(jump, 1);
}

static void guard_init(void)
{
	page = (size_t)sysconf(_SC_PAGESIZE);
	while (page < SRC_MAX + 1)
		page *= 2;
	region = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (region == MAP_FAILED || mprotect(region + page, page, PROT_NONE) != 0)
		abort();
	struct sigaction sa;
	memset(&sa, 0, sizeof sa);
	sa.sa_handler = on_fault;
	sigemptyset(&sa.sa_mask);
	sa.sa_flags = SA_NODEFER;
	sigaction(SIGSEGV, &sa, NULL);
	sigaction(SIGBUS, &sa, NULL);
}

/* src copied so that its NUL is the last readable byte. */
static char *guarded(const char *src, size_t len)
{
	char *b = region + page - (len + 1);
	memcpy(b, src, len);
	b[len] = '\0';
	return b;
}

/* Renders src (its len + 1 bytes end at the guard page) from body_off;
 * returns the HTML (owned by a), or NULL after a read past the NUL. */
static const char *render(struct arena *a, int e, int plain, const char *src, size_t body_off)
{
	size_t len = strlen(src);
	if (len > SRC_MAX)
		abort();
	char *exact = guarded(src, len);
	struct diags d;
	diags_init(&d);
	struct markdown_opts o = { 0 };
	o.engine = e ? MARKDOWN_CMARK : MARKDOWN_MD4C;
	o.plain = plain;
	struct markdown_result r = { 0 };
	faulted = 0;
	if (sigsetjmp(jump, 1) == 0)
		markdown_render(&o, a, "t.md", exact, len, body_off, &r, &d);
	/* After a fault the diagnostics and the renderer are left as they were
	 * (a test process that fails anyway): do not touch them. */
	if (faulted) {
		fprintf(stderr, "[%s%s] read past the end of \"%s\"\n", engine_name[e],
		        plain ? ", plain" : "", src);
		return NULL;
	}
	diags_free(&d);
	return r.html;
}

/* The unclosed link md4c over-reads at, and its neighbours. */
static const char *const tails[] = {
	"[a](/u", "[a](/u ", "[a](/u \"t", "[a](/u 't", "[a](/u (t", "[a](", "[a](<", "[a](</u",
	"![a](/u", "[a]", "[a][", "[a]: /u", "[a]: /u \"t", "<http://a", "<a@b", "&amp", "&#x4e",
	"&copy;", "[a](/u&amp;", "[a](/u&amp", "`x", "<!--", "<div", "[a](/u)\\", "[", "](",
	"**“引号”**后文[a](/u", "[a](/u\n", "- [a](/u", "> [a](/u", "| a |\n|---|\n| [a](/u",
	"~~[a](/u", "- [ ] [a](/u", "    [a](/u", "```\n[a](/u",
};

int main(void)
{
	guard_init();
	/* The guard works: a read one past the NUL faults, and is caught. */
	char *g = guarded("[a](/u", 6);
	faulted = 0;
	if (sigsetjmp(jump, 1) == 0)
		CHECK(((volatile char *)g)[7] != 1);
	CHECK(faulted);

	struct arena *a = arena_new();
	for (size_t t = 0; t < sizeof tails / sizeof tails[0]; t++) {
		for (int e = 0; e < 2; e++) {
			for (int plain = 0; plain < 2; plain++) {
				const char *h = render(a, e, plain, tails[t], 0);
				if (!h)
					fprintf(stderr, "[%s] no HTML for %s\n", engine_name[e], tails[t]);
				CHECK(h != NULL);
			}
			/* After front matter: the body starts inside the buffer. */
			char fm[256];
			snprintf(fm, sizeof fm, "---\ntitle: x\n---\n%s", tails[t]);
			CHECK(render(a, e, 0, fm, strlen("---\ntitle: x\n---\n")) != NULL);
			/* At the very end of a longer text. */
			char more[256];
			snprintf(more, sizeof more, "# 标题\n\n正文，*强调*。\n\n%s", tails[t]);
			CHECK(render(a, e, 0, more, 0) != NULL);
		}
	}
	/* What the open link renders as: text, the same with both engines. */
	for (int e = 0; e < 2; e++) {
		CHECK_STR(render(a, e, 0, "[a](/u", 0), "<p>[a](/u</p>\n");
		CHECK_STR(render(a, e, 1, "[a](/u", 0), "<p>[a](/u</p>\n");
		CHECK_STR(render(a, e, 0, "x [a](/u \"t", 0), "<p>x [a](/u &quot;t</p>\n");
		CHECK_STR(render(a, e, 0, "&copy;", 0), "<p>©</p>\n");
	}
	arena_free(a);
	return CHECK_DONE("mdnul");
}
