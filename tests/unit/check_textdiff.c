/* check_textdiff.c: tokens (numbers and dates whole, Latin words, Han characters) and token diffs. */
#include "check.h"

#include "arena.h"
#include "buf.h"
#include "textdiff.h"

/* The text split into tokens, joined by '|'. */
static const char *tokens(struct buf *b, const char *s)
{
	size_t len = strlen(s);
	buf_reset(b);
	for (size_t i = 0; i < len;) {
		size_t n = textdiff_token(s + i, len - i);
		if (i)
			buf_putc(b, '|');
		buf_put(b, s + i, n);
		i += n;
	}
	return buf_cstr(b);
}

/* The diff of a and b as [-old-]{+new+} marks, hunks joined by " / ". */
static const char *diff(struct arena *a, struct buf *b, const char *x, const char *y)
{
	struct textdiff_hunk *h;
	size_t n = textdiff_text(a, x, strlen(x), y, strlen(y), 40, &h);
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (i)
			buf_puts(b, " / ");
		for (size_t k = 0; k < h[i].nops; k++) {
			const struct textdiff_op *o = &h[i].ops[k];
			buf_puts(b, o->kind == TEXTDIFF_DEL ? "[-" : o->kind == TEXTDIFF_INS ? "{+" : "");
			buf_put(b, o->s, o->len);
			buf_puts(b, o->kind == TEXTDIFF_DEL ? "-]" : o->kind == TEXTDIFF_INS ? "+}" : "");
		}
	}
	return buf_cstr(b);
}

int main(void)
{
	struct buf b = BUF_INIT;
	struct arena *a = arena_new();
	/* Numbers and dates are whole tokens. */
	CHECK_STR(tokens(&b, "19"), "19");
	CHECK_STR(tokens(&b, "75%完成"), "75%|完|成");
	CHECK_STR(tokens(&b, "2019年6月30日前"), "2019年6月30日|前");
	CHECK_STR(tokens(&b, "2019年7月"), "2019年7月");
	CHECK_STR(tokens(&b, "1,312件"), "1,312|件");
	CHECK_STR(tokens(&b, "3.5万元"), "3.5万|元");
	CHECK_STR(tokens(&b, "12."), "12|.");
	CHECK_STR(tokens(&b, "9,"), "9|,");
	/* Latin words, runs of spaces, one Han character each. */
	CHECK_STR(tokens(&b, "Task 21  done"), "Task| |21|  |done");
	CHECK_STR(tokens(&b, "进度 60%"), "进|度| |60%");
	CHECK_STR(tokens(&b, "（第3期）"), "（|第|3|期|）");
	CHECK_INT(textdiff_token("", 0), 0);
	/* A UTF-8 sequence is never split, even cut short. */
	CHECK_INT(textdiff_token("\xe5\xb9", 2), 1);
	CHECK_INT(textdiff_token("年", strlen("年")), 3);
	/* Diffs read 19 → 18, never 1̶9̶18. */
	CHECK_STR(diff(a, &b, "任务数 19 项", "任务数 18 项"), "任务数 [-19-]{+18+} 项");
	CHECK_STR(diff(a, &b, "数据截至：2019年6月30日", "数据截至：2019年9月30日"),
	          "数据截至：[-2019年6月30日-]{+2019年9月30日+}");
	CHECK_STR(diff(a, &b, "完成率 75%", "完成率 100%"), "完成率 [-75%-]{+100%+}");
	/* Short unchanged runs between changes join them into one change. */
	CHECK_STR(diff(a, &b, "目前没有逾期未完成的任务", "开展轮训完成一期"),
	          "[-目前没有逾期未完成的任务-]{+开展轮训完成一期+}");
	/* Context is whole tokens: a date before a change is never cut. */
	{
		struct textdiff_hunk *h;
		const char *x = "截至2019年6月30日 30%", *y = "截至2019年6月30日 55%";
		CHECK_INT(textdiff_text(a, x, strlen(x), y, strlen(y), 1, &h), 1);
		CHECK_INT(h[0].ops[0].kind, TEXTDIFF_SAME);
		CHECK_STR(arena_strndup(a, h[0].ops[0].s, h[0].ops[0].len), " ");
		/* The token across the limit is kept whole. */
		CHECK_INT(textdiff_text(a, x, strlen(x), y, strlen(y), 4, &h), 1);
		CHECK_STR(arena_strndup(a, h[0].ops[0].s, h[0].ops[0].len), "2019年6月30日 ");
		CHECK(h[0].cut_before);
	}
	/* Two changes with long tokens between them, whose whole-token
	 * contexts would meet: one hunk, never two that overlap. */
	{
		struct textdiff_hunk *h;
		const char *x = "甲 2019年6月30日 乙", *y = "丙 2019年6月30日 丁";
		size_t nh = textdiff_text(a, x, strlen(x), y, strlen(y), 5, &h);
		CHECK_INT(nh, 1);
		const char *last = x;
		int ordered = 1;
		for (size_t i = 0; i < nh; i++)
			for (size_t k = 0; k < h[i].nops; k++)
				if (h[i].ops[k].kind != TEXTDIFF_INS) {
					ordered &= h[i].ops[k].s >= last;
					last = h[i].ops[k].s + h[i].ops[k].len;
				}
		CHECK(ordered);
	}
	/* Only changed lines are compared; unchanged ones are context only. */
	CHECK_STR(diff(a, &b, "甲\n乙\n丙\n", "甲\n乙乙\n丙\n"), "乙{+乙+}");
	CHECK_STR(diff(a, &b, "同\n", "同\n"), "");
	arena_free(a);
	buf_free(&b);
	return CHECK_DONE("check_textdiff");
}
