/* check_script.c: the Lua hook runtime: the API, the sandbox, the limits,
 * error messages, the planpress module, lambdas from threads, determinism.
 * Runs from the repository root; the hook files are in tests/lua/lua/. */
#include "check.h"

#include <pthread.h>
#include <stdlib.h>

#include "arena.h"
#include "buf.h"
#include "chdate.h"
#include "diag.h"
#include "json.h"
#include "script.h"
#include "value.h"

static const struct datetime as_of = { .kind = DT_DATE, .year = 2019, .month = 6, .day = 30 };

static struct script *mk(uint64_t budget, size_t memory, struct diags *d)
{
	struct script_opts o = {
		.site_dir = "tests/lua",
		.budget = budget,
		.memory = memory,
		.as_of = as_of,
		.language = "zh-CN",
	};
	return script_new(&o, d);
}

static struct pos at(int line, int col)
{
	return (struct pos){ "content/x.md", line, col };
}

/* A page as front matter gives it: title, progress, tags, due, with positions. */
static struct value *mk_page(struct arena *a, int64_t progress)
{
	struct value *p = value_table(a, at(1, 1));
	struct datetime due = { .kind = DT_DATE, .year = 2019, .month = 6, .day = 30 };
	struct value *tags = value_array(a, at(4, 7));
	value_setc(a, p, "title", value_cstring(a, "总体要求", at(2, 8)));
	value_setc(a, p, "progress", value_int(a, progress, at(3, 11)));
	value_push(a, tags, value_cstring(a, "a", at(4, 8)));
	value_push(a, tags, value_cstring(a, "b", at(4, 11)));
	value_setc(a, p, "tags", tags);
	value_setc(a, p, "due", value_datetime(a, &due, at(5, 6)));
	return p;
}

/* Every diagnostic, formatted, for substring checks. */
static const char *all(struct diags *d, struct buf *b)
{
	buf_reset(b);
	for (size_t i = 0; i < d->n; i++)
		diag_format(&d->v[i], b);
	return buf_cstr(b);
}

#define CHECK_HAS(hay, needle) do { \
	const char *h_ = (hay), *n_ = (needle); \
	if (h_ && strstr(h_, n_)) check_pass++; \
	else { check_fail++; fprintf(stderr, "%s:%d: check failed: [%s] not in:\n%s\n", \
	                             __FILE__, __LINE__, n_, h_ ? h_ : "(null)"); } \
} while (0)

static const char *str(const struct value *t, const char *path)
{
	return value_str(value_path(t, path), "(none)");
}

static void test_on_page(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf b = BUF_INIT;
	diags_init(&d);
	struct script *s = mk(0, 0, &d);
	CHECK(s != NULL);
	CHECK_INT(script_load(s, "lua/basic.lua", &d), 0);
	CHECK_INT(script_load(s, "lua/second.lua", &d), 0);
	struct value *p = mk_page(a, 40);
	CHECK_INT(script_on_page(s, a, p, &d), 0);
	CHECK_INT(d.n, 0);
	CHECK_INT(p->kind, V_TABLE);
	CHECK_INT(p->pos.line, 1);
	CHECK_INT(value_get(p, "words")->kind, V_INT);
	CHECK_INT(value_get(p, "words")->u.i, 12);
	CHECK_INT(value_get(p, "ratio")->kind, V_FLOAT);
	CHECK(value_get(p, "ratio")->u.f == 0.4);
	CHECK_INT(value_i64(value_get(p, "tags_n"), 0), 2);
	CHECK_INT(value_i64(value_get(p, "words_twice"), 0), 24);
	CHECK_INT(value_i64(value_get(p, "seen"), 0), 1);
	CHECK_STR(str(p, "owner.name"), "办公室");
	CHECK_INT(value_i64(value_path(p, "owner.phone"), 0), 123);
	CHECK_INT(value_get(p, "empty")->kind, V_ARRAY);
	CHECK_STR(str(p, "due_zh"), "2019年6月30日");
	/* left alone: same kind, same position */
	CHECK_INT(value_get(p, "due")->kind, V_DATETIME);
	CHECK_INT(value_get(p, "due")->pos.line, 5);
	CHECK_INT(value_get(p, "title")->pos.col, 8);
	CHECK_INT(value_get(p, "tags")->pos.line, 4);
	CHECK_INT(value_at(value_get(p, "tags"), 1)->pos.col, 11);
	/* the fields it came with first, in their order, then new ones sorted */
	json_write(p, 0, &b);
	CHECK_STR(buf_cstr(&b), "{\"title\":\"总体要求\",\"progress\":40,\"tags\":[\"a\",\"b\"],"
	          "\"due\":\"2019-06-30\",\"due_zh\":\"2019年6月30日\",\"empty\":[],"
	          "\"owner\":{\"name\":\"办公室\",\"phone\":123},\"ratio\":0.4,\"seen\":1,"
	          "\"tags_n\":2,\"words\":12,\"words_twice\":24}");
	/* the second page: hook globals persist between calls */
	p = mk_page(a, 50);
	CHECK_INT(script_on_page(s, a, p, &d), 0);
	CHECK_INT(value_i64(value_get(p, "seen"), 0), 2);
	script_free(s);
	script_free(NULL);
	buf_free(&b);
	diags_free(&d);
	arena_free(a);
}

static struct value *mk_site(struct arena *a)
{
	struct value *site = value_table(a, (struct pos){ 0 });
	struct value *units = value_table(a, (struct pos){ 0 });
	struct value *tasks = value_array(a, (struct pos){ 0 });
	value_setc(a, units, "zeta", value_int(a, 1, (struct pos){ 0 }));
	value_setc(a, units, "alpha", value_int(a, 2, (struct pos){ 0 }));
	value_setc(a, units, "mu", value_int(a, 3, (struct pos){ 0 }));
	for (int i = 0; i < 3; i++) {
		struct value *t = value_table(a, at(10 + i, 1));
		value_setc(a, t, "progress", value_int(a, 10 * (i + 1), at(10 + i, 11)));
		value_push(a, tasks, t);
	}
	value_setc(a, site, "units", units);
	value_setc(a, site, "tasks", tasks);
	return site;
}

static void test_on_site(void)
{
	struct arena *a = arena_new();
	struct diags d;
	diags_init(&d);
	struct script *s = mk(0, 0, &d);
	CHECK_INT(script_load(s, "lua/basic.lua", &d), 0);
	struct value *site = mk_site(a);
	CHECK_INT(script_on_site(s, a, site, &d), 0);
	CHECK_INT(d.n, 0);
	CHECK_STR(str(site, "unit_order"), "alpha,mu,zeta");
	CHECK_INT(value_path(site, "summary.total")->kind, V_INT);
	CHECK_INT(value_path(site, "summary.total")->u.i, 60);
	CHECK_INT(value_path(site, "summary.mean")->kind, V_FLOAT);
	CHECK(value_path(site, "summary.mean")->u.f == 20.0);
	CHECK_INT(value_get(site, "list")->kind, V_ARRAY);
	CHECK_INT(value_len(value_get(site, "list")), 3);
	CHECK_INT(value_at(value_get(site, "list"), 0)->u.i, 3);
	struct value *mixed = value_get(site, "mixed");
	CHECK_INT(mixed->kind, V_TABLE);
	CHECK_INT(value_len(mixed), 3);
	CHECK_STR(value_pair_at(mixed, 0)->key, "1");
	CHECK_STR(value_pair_at(mixed, 1)->key, "2");
	CHECK_STR(value_pair_at(mixed, 2)->key, "x");
	CHECK_INT(value_get(site, "nothing")->kind, V_NULL);
	CHECK_INT(value_get(site, "when")->kind, V_DATETIME);
	CHECK_INT(value_get(site, "when")->u.dt.day, 30);
	CHECK_INT(value_len(value_get(site, "units")), 3);
	CHECK_STR(value_pair_at(value_get(site, "units"), 0)->key, "zeta");   /* its own order kept */
	CHECK_INT(value_at(value_get(site, "tasks"), 2)->pos.line, 12);
	script_free(s);
	diags_free(&d);
	arena_free(a);
}

static void test_sandbox(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf b = BUF_INIT;
	diags_init(&d);
	struct script *s = mk(0, 0, &d);
	CHECK_INT(script_load(s, "lua/basic.lua", &d), 0);
	CHECK_INT(script_load(s, "lua/sandbox.lua", &d), 0);
	struct value *site = mk_site(a);
	CHECK_INT(script_on_site(s, a, site, &d), 0);
	CHECK_STR(all(&d, &b), "");
	const struct value *r = value_get(site, "sandbox");
	CHECK_HAS(str(r, "io"), "global 'io'");
	CHECK_HAS(str(r, "execute"), "field 'execute'");
	CHECK_HAS(str(r, "remove"), "field 'remove'");
	CHECK_HAS(str(r, "getenv"), "field 'getenv'");
	CHECK_HAS(str(r, "exit"), "field 'exit'");
	CHECK_HAS(str(r, "dofile"), "global 'dofile'");
	CHECK_HAS(str(r, "loadfile"), "global 'loadfile'");
	CHECK_HAS(str(r, "debug"), "global 'debug'");
	CHECK_HAS(str(r, "package"), "global 'package'");
	CHECK_HAS(str(r, "dump"), "field 'dump'");
	CHECK_HAS(str(r, "dump_method"), "method 'dump'");
	CHECK_HAS(str(r, "collectgarbage"), "global 'collectgarbage'");
	CHECK_HAS(str(r, "load_noenv"), "bad argument #4 to 'load'");
	CHECK_HAS(str(r, "load_binary"), "text chunks only");
	CHECK_HAS(str(r, "load_binary_text"), "binary chunk");
	CHECK_INT(value_i64(value_get(r, "load_ok"), 0), 2);
	CHECK_HAS(str(r, "require_dotdot"), "is not allowed");
	CHECK_HAS(str(r, "require_slash"), "is not allowed");
	CHECK_HAS(str(r, "require_long"), "is not allowed");
	CHECK_HAS(str(r, "require_missing"), "module 'nosuch' not found: cannot read lua/nosuch.lua");
	CHECK_STR(str(r, "require_ok"), "HI!");
	CHECK_STR(str(r, "require_same"), "true");
	CHECK_STR(str(r, "require_planpress"), "true");
	CHECK_HAS(str(r, "gc"), "__gc metamethods are not available");
	CHECK_HAS(str(r, "randomseed"), "bad argument #1 to 'randomseed'");
	CHECK_STR(str(r, "getmetatable_env"), "false");
	CHECK_STR(str(r, "global_leak"), "nil");   /* basic.lua's on_page is its own */
	int64_t rnd = value_i64(value_get(r, "random"), -1);
	script_free(s);

	/* the same random numbers in every build */
	s = mk(0, 0, &d);
	CHECK_INT(script_load(s, "lua/sandbox.lua", &d), 0);
	site = mk_site(a);
	CHECK_INT(script_on_site(s, a, site, &d), 0);
	CHECK_INT(value_i64(value_path(site, "sandbox.random"), -2), rnd);
	script_free(s);
	buf_free(&b);
	diags_free(&d);
	arena_free(a);
}

/* Runs one hook's on_page with the given limits; returns the diagnostics text. */
static int run_one(const char *hook, uint64_t budget, size_t memory, struct buf *b, struct diags *d)
{
	struct arena *a = arena_new();
	int rc;
	struct script *s = mk(budget, memory, d);
	rc = script_load(s, hook, d);
	if (rc == 0) {
		struct value *p = mk_page(a, 40);
		rc = script_on_page(s, a, p, d);
		if (rc < 0) {
			/* broken now: the next page is not run again, nor reported again */
			size_t n = d->n;
			CHECK_INT(script_on_page(s, a, mk_page(a, 1), d), -1);
			CHECK_INT(d->n, n);
		}
	}
	all(d, b);
	script_free(s);
	arena_free(a);
	return rc;
}

static void test_limits(void)
{
	struct diags d;
	struct buf b = BUF_INIT;
	diags_init(&d);
	CHECK_INT(run_one("lua/loop.lua", 100000, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/loop.lua:4: error: hook used more than 100000 instructions\n");
	CHECK_HAS(b.data, "lua/loop.lua:4: note: at lua/loop.lua:4, in function <lua/loop.lua:2>\n");
	CHECK_HAS(b.data, "lua/loop.lua:4: note: while running on_page for content/x.md\n");
	CHECK_INT(d.nerrors, 1);
	diags_free(&d);

	diags_init(&d);
	CHECK_INT(run_one("lua/catch.lua", 100000, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/catch.lua:");
	CHECK_HAS(b.data, ": error: hook used more than 100000 instructions\n");
	diags_free(&d);

	/* a cap below what the sandbox needs is raised to SCRIPT_MIN_MEMORY */
	diags_init(&d);
	CHECK_INT(run_one("lua/basic.lua", 0, 1000, &b, &d), 0);
	CHECK_STR(b.data, "");
	diags_free(&d);

	/* the default budget stops it too (a hundred million: about a second) */
	diags_init(&d);
	CHECK_INT(run_one("lua/loop.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/loop.lua:4: error: hook used more than 100000000 instructions\n");
	diags_free(&d);

	diags_init(&d);
	CHECK_INT(run_one("lua/memory.lua", 0, 4 << 20, &b, &d), -1);
	CHECK_HAS(b.data, "lua/memory.lua:5: error: hook used more than 4 MiB\n");
	diags_free(&d);

	diags_init(&d);
	CHECK_INT(run_one("lua/memtable.lua", 0, 4 << 20, &b, &d), -1);
	CHECK_HAS(b.data, "lua/memtable.lua:");
	CHECK_HAS(b.data, ": error: hook used more than 4 MiB\n");
	CHECK_HAS(b.data, "in function <lua/memtable.lua:2>");
	diags_free(&d);

	diags_init(&d);
	CHECK_INT(run_one("lua/bigrep.lua", 0, 4 << 20, &b, &d), -1);
	CHECK_HAS(b.data, "lua/bigrep.lua:3: error: hook used more than 4 MiB (string.rep of 1099511627776 bytes)\n");
	diags_free(&d);
	buf_free(&b);
}

static void test_errors(void)
{
	struct diags d;
	struct buf b = BUF_INIT;
	diags_init(&d);
	CHECK_INT(run_one("lua/runtime.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/runtime.lua:3: error: attempt to index a nil value (field 'weight')\n");
	CHECK_HAS(b.data, "lua/runtime.lua:3: note: at lua/runtime.lua:3, in upvalue 'weight'\n");
	CHECK_HAS(b.data, "lua/runtime.lua:3: note: at lua/runtime.lua:7, in function <lua/runtime.lua:6>\n");
	diags_free(&d);

	diags_init(&d);
	CHECK_INT(run_one("lua/syntax.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/syntax.lua:6: error: 'end' expected (to close 'function' at line 2) near <eof>\n");
	diags_free(&d);

	diags_init(&d);
	CHECK_INT(run_one("lua/loaderr.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/loaderr.lua:3: error: attempt to index a nil value (local 'x')\n");
	CHECK_HAS(b.data, "in main chunk");
	diags_free(&d);

	diags_init(&d);
	CHECK_INT(run_one("lua/nosuch.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/nosuch.lua: error: cannot read:");
	diags_free(&d);

	/* a table that holds itself, and half a character */
	diags_init(&d);
	CHECK_INT(run_one("lua/cycle.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/cycle.lua:2: error: data nested deeper than 64 levels at page.self.self.self");
	diags_free(&d);
	diags_init(&d);
	CHECK_INT(run_one("lua/badutf8.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/badutf8.lua:2: error: the hook stored a string that is not UTF-8 at page.cut\n");
	diags_free(&d);
	diags_init(&d);
	CHECK_INT(run_one("lua/badkey.lua", 0, 0, &b, &d), -1);
	CHECK_HAS(b.data, "lua/badkey.lua:2: error: the hook stored a key that is not UTF-8 in page.units\n");
	diags_free(&d);

	/* going in: front matter nested past the limit */
	diags_init(&d);
	struct arena *a = arena_new();
	struct script *s = mk(0, 0, &d);
	CHECK_INT(script_load(s, "lua/second.lua", &d), 0);
	struct value *p = mk_page(a, 1), *t = p;
	for (int i = 0; i < SCRIPT_MAX_DEPTH + 2; i++) {
		struct value *c = value_table(a, (struct pos){ 0 });
		value_setc(a, t, "x", c);
		t = c;
	}
	CHECK_INT(script_on_page(s, a, p, &d), -1);
	CHECK_HAS(all(&d, &b), "error: data nested deeper than 64 levels at page.x.x.x");
	script_free(s);
	arena_free(a);
	diags_free(&d);
	buf_free(&b);
}

static void test_api(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf b = BUF_INIT;
	diags_init(&d);
	struct script *s = mk(0, 0, &d);
	CHECK_INT(script_load(s, "lua/api.lua", &d), 0);
	struct value *site = mk_site(a);
	CHECK_INT(script_on_site(s, a, site, &d), 0);
	CHECK_STR(all(&d, &b), "lua/api.lua:73: note: hello\t42\n");
	const struct value *r = value_get(site, "api");
	CHECK_STR(str(r, "iso"), "2019-06-30");
	CHECK_STR(str(r, "iso_slash"), "2019-06-03");
	CHECK_STR(str(r, "iso_time"), "2019-06-30");
	CHECK_STR(str(r, "zh_day"), "2019-06-30");
	CHECK_STR(str(r, "zh_hao"), "2019-06-03");
	CHECK_STR(str(r, "zh_month_end"), "2019-06-30");
	CHECK_STR(str(r, "zh_feb_end"), "2020-02-29");
	CHECK_STR(str(r, "zh_dec_before"), "2019-12-31");
	CHECK_STR(str(r, "zh_year_end"), "2019-12-31");
	CHECK_STR(str(r, "zh_half"), "2019-06-30");
	CHECK_STR(str(r, "zh_quarter"), "2019-09-30");
	CHECK_STR(str(r, "zh_quarter2"), "2019-06-30");
	CHECK_STR(str(r, "zh_fullwidth"), "2019-06-30");
	CHECK_STR(str(r, "zh_xun"), "2019-06-20");
	CHECK_STR(str(r, "bad"), "nil / '2019-02-30' is not a date: no such day in the calendar");
	CHECK_HAS(str(r, "bad_month"), "names a month, not a day");
	CHECK_HAS(str(r, "bad_words"), "expected a date such as 2019-06-30 or 2019年6月30日");
	CHECK_STR(str(r, "fmt_zh"), "2019年6月30日");
	CHECK_STR(str(r, "fmt_en"), "30 June 2019");
	CHECK_STR(str(r, "fmt_iso"), "2019-06-03");
	CHECK_STR(str(r, "fmt_default"), "2019年6月30日");
	CHECK_INT(value_i64(value_get(r, "between"), 0), 364);
	CHECK_INT(value_i64(value_get(r, "between_leap"), 0), 29);
	CHECK_INT(value_i64(value_get(r, "between_back"), 0), -29);
	CHECK_STR(str(r, "add_days"), "2020-01-01");
	CHECK_STR(str(r, "add_days_leap"), "2020-02-29");
	CHECK_STR(str(r, "add_days_back"), "2019-02-28");
	CHECK_STR(str(r, "add_months"), "2019-02-28");
	CHECK_STR(str(r, "add_months_leap"), "2020-02-29");
	CHECK_STR(str(r, "add_months_back"), "2018-02-28");
	CHECK_STR(str(r, "add_months_year"), "2020-02-15");
	CHECK_STR(str(r, "month_end"), "2019-04-30");
	CHECK_STR(str(r, "month_end_leap"), "2000-02-29");
	CHECK_STR(str(r, "month_end_noleap"), "1900-02-28");
	CHECK_STR(str(r, "compare"), "true");
	CHECK_STR(str(r, "equal"), "true");
	CHECK_STR(str(r, "concat"), "due 2019-06-30");
	CHECK_STR(str(r, "as_of"), "2019-06-30");
	CHECK_STR(str(r, "language"), "zh-CN");
	CHECK_INT(value_i64(value_get(r, "os_time"), 0), 1561852800);
	CHECK_STR(str(r, "os_date"), "2019-06-30 00:00");
	CHECK_STR(str(r, "os_date_t"), "2020-01-01");
	CHECK_INT(value_get(r, "os_clock")->kind, V_FLOAT);
	CHECK_STR(str(r, "escape"), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
	CHECK_STR(str(r, "slug"), "一总体要求-hello-world");
	CHECK_STR(str(r, "pairs_order"), "1.5 2 10 Beta alpha zeta");
	CHECK_STR(str(r, "sorted_pairs_order"), "1.5 2 10 Beta alpha zeta");
	CHECK_STR(str(r, "sort_stable"), "true");
	CHECK_STR(str(r, "sort_plain"), "1,3,5,9");
	CHECK_INT(value_get(site, "due")->kind, V_DATETIME);
	CHECK_INT(value_get(site, "due")->u.dt.month, 12);

	/* determinism: a second state gives the very same data */
	struct buf j1 = BUF_INIT, j2 = BUF_INIT;
	json_write(site, 1, &j1);
	script_free(s);
	s = mk(0, 0, &d);
	CHECK_INT(script_load(s, "lua/api.lua", &d), 0);
	site = mk_site(a);
	CHECK_INT(script_on_site(s, a, site, &d), 0);
	json_write(site, 1, &j2);
	CHECK_STR(j1.data, j2.data);
	buf_free(&j1);
	buf_free(&j2);
	script_free(s);
	buf_free(&b);
	diags_free(&d);
	arena_free(a);
}

static void test_warn(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf b = BUF_INIT;
	diags_init(&d);
	struct script *s = mk(0, 0, &d);
	CHECK_INT(script_load(s, "lua/warn.lua", &d), 0);
	struct value *p = mk_page(a, 140);
	CHECK_INT(script_on_page(s, a, p, &d), -1);
	CHECK_STR(all(&d, &b),
	          "content/x.md:3:11: error: progress must be 0..100, got 140\n"
	          "content/x.md:1:1: warning: check this page\n"
	          "content/y.md:7:2: warning: at a string place\n"
	          "lua/warn.lua:8: warning: at the hook\n");
	CHECK_INT(d.nerrors, 1);
	CHECK_INT(d.nwarnings, 3);
	CHECK_STR(str(p, "after_error"), "still ran");
	/* a content error does not stop later pages */
	p = mk_page(a, 50);
	CHECK_INT(script_on_page(s, a, p, &d), 0);
	CHECK_INT(d.nerrors, 1);
	script_free(s);
	buf_free(&b);
	diags_free(&d);
	arena_free(a);
}

struct lambda_job {
	const struct value *fn;
	int ok;
};

static void *lambda_thread(void *arg)
{
	struct lambda_job *j = arg;
	struct buf out = BUF_INIT;
	for (int i = 0; i < 200; i++) {
		char in[32];
		int n = snprintf(in, sizeof in, "task %d", i);
		buf_reset(&out);
		if (j->fn->u.fn.call(j->fn->u.fn.ud, in, (size_t)n, 1, &out) == 0) {
			char want[32];
			snprintf(want, sizeof want, "TASK %d", i);
			j->ok += strcmp(buf_cstr(&out), want) == 0;
		}
	}
	buf_free(&out);
	return NULL;
}

static void test_lambda(void)
{
	struct arena *a = arena_new();
	struct diags d;
	struct buf out = BUF_INIT;
	diags_init(&d);
	struct script_opts o = { .site_dir = "tests/lua", .budget = 100000, .as_of = as_of };
	struct script *s = script_new(&o, &d);
	CHECK_INT(script_load(s, "lua/lambda.lua", &d), 0);
	struct value *site = mk_site(a);
	CHECK_INT(script_on_site(s, a, site, &d), 0);
	const struct value *up = value_get(site, "upper"), *f;
	CHECK_INT(up->kind, V_FUNC);
	CHECK_INT(up->u.fn.call(up->u.fn.ud, "abc", 3, 1, &out), 0);
	CHECK_STR(buf_cstr(&out), "ABC");
	buf_reset(&out);
	CHECK_INT(up->u.fn.call(up->u.fn.ud, NULL, 0, 0, &out), 0);
	CHECK_STR(buf_cstr(&out), "VAR");
	buf_reset(&out);
	f = value_get(site, "twice");
	CHECK_INT(f->kind, V_FUNC);
	CHECK_INT(f->u.fn.call(f->u.fn.ud, "ab", 2, 1, &out), 0);
	CHECK_STR(buf_cstr(&out), "abab");
	buf_reset(&out);
	f = value_get(site, "fail");
	CHECK_INT(f->u.fn.call(f->u.fn.ud, NULL, 0, 0, &out), -1);
	CHECK_STR(buf_cstr(&out), "lua/lambda.lua:10: lambda broke");
	buf_reset(&out);
	f = value_get(site, "bad");
	CHECK_INT(f->u.fn.call(f->u.fn.ud, NULL, 0, 0, &out), -1);
	CHECK_STR(buf_cstr(&out), "the lambda returned a table, not a string");
	buf_reset(&out);
	f = value_get(site, "spin");
	CHECK_INT(f->u.fn.call(f->u.fn.ud, NULL, 0, 0, &out), -1);
	CHECK_STR(buf_cstr(&out), "lua/lambda.lua:12: hook used more than 100000 instructions");
	buf_reset(&out);

	f = value_get(site, "strict");
	CHECK_INT(f->u.fn.call(f->u.fn.ud, NULL, 0, 0, &out), -1);
	CHECK_STR(buf_cstr(&out), "lua/lambda.lua:13: not in a lambda");
	buf_reset(&out);

	/* four render threads at once */
	pthread_t th[4];
	struct lambda_job jobs[4];
	for (int i = 0; i < 4; i++) {
		jobs[i] = (struct lambda_job){ up, 0 };
		pthread_create(&th[i], NULL, lambda_thread, &jobs[i]);
	}
	for (int i = 0; i < 4; i++) {
		pthread_join(th[i], NULL);
		CHECK_INT(jobs[i].ok, 200);
	}
	/* each call starts from the upvalues the hook left: the 800 calls
	 * above counted nothing that lasts (deterministic output) */
	f = value_get(site, "calls");
	CHECK_INT(f->u.fn.call(f->u.fn.ud, NULL, 0, 0, &out), 0);
	CHECK_STR(buf_cstr(&out), "0");
	script_free(s);
	buf_free(&out);
	diags_free(&d);
	arena_free(a);
}

static void test_chdate(void)
{
	int y, m, d;
	const char *why;
	CHECK_INT(chdate_parse(" 2019年6月30日止 ", strlen(" 2019年6月30日止 "), &y, &m, &d, &why), 0);
	CHECK_INT(d, 30);
	CHECK_INT(chdate_parse("2019-06-30x", 11, &y, &m, &d, &why), -1);
	CHECK_STR(why, "unexpected text after the date");
	CHECK_INT(chdate_parse("2019-6", 6, &y, &m, &d, &why), -1);
	CHECK_INT(chdate_parse("", 0, &y, &m, &d, &why), -1);
	CHECK_INT(chdate_parse("2019年13月1日", strlen("2019年13月1日"), &y, &m, &d, &why), -1);
	CHECK_INT(chdate_parse("2019年第五季度", strlen("2019年第五季度"), &y, &m, &d, &why), -1);
	CHECK_INT(chdate_parse("2019", 4, &y, &m, &d, &why), -1);
	y = 9999, m = 12, d = 31;
	CHECK_INT(chdate_add_months(&y, &m, &d, 1), -1);
	CHECK_INT(datetime_month_days(2100, 2), 28);
	CHECK_INT(datetime_month_days(2024, 2), 29);
}

int main(void)
{
	test_on_page();
	test_on_site();
	test_sandbox();
	test_limits();
	test_errors();
	test_api();
	test_warn();
	test_lambda();
	test_chdate();
	return CHECK_DONE("check_script");
}
