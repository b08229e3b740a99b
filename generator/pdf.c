/* pdf.c: a PDF's text through pdftotext -layout, joined into paragraphs (see pdf.h). */
#include "pdf.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "cntext.h"
#include "utf8.h"
#include "xalloc.h"

/* ---- running pdftotext ---------------------------------------------------- */

static long long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (long long)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first line of what the child said on stderr, for the message. */
static void first_line(const struct buf *err, char *msg, size_t cap)
{
	size_t n = 0;
	while (n < err->len && err->data[n] != '\n' && n + 1 < cap)
		n++;
	/* Never end inside a UTF-8 sequence. */
	while (n > 0 && n < err->len && ((unsigned char)err->data[n] & 0xC0) == 0x80)
		n--;
	memcpy(msg, err->data ? err->data : "", n);
	msg[n] = 0;
}

int pdf_read(const char *path, const struct pdf_opts *opts, struct buf *out, struct docread_map *map,
             struct diags *d)
{
	const char *prog = opts && opts->program ? opts->program : "pdftotext";
	int seconds = opts && opts->seconds > 0 ? opts->seconds : PDF_MAX_SECONDS;
	struct stat st;
	if (stat(path, &st) != 0) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot read: %s", diag_errstr(errno));
		return -1;
	}
	if (st.st_size > (off_t)PDF_MAX_FILE) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "a PDF larger than %u bytes: refused (a scan has no text to import)", PDF_MAX_FILE);
		return -1;
	}
	/* A name starting with - would read as an option. */
	struct buf arg = BUF_INIT;
	if (path[0] == '-')
		buf_puts(&arg, "./");
	buf_puts(&arg, path);
	static char o_layout[] = "-layout", o_enc[] = "-enc", o_utf8[] = "UTF-8", o_eol[] = "-eol",
	            o_unix[] = "unix", o_quiet[] = "-q", o_stdout[] = "-";
	char *argv[] = { (char *)prog, o_layout, o_enc, o_utf8, o_eol, o_unix, o_quiet,
	                 (char *)buf_cstr(&arg), o_stdout, NULL };
	int po[2] = { -1, -1 }, pe[2] = { -1, -1 };
	struct buf text = BUF_INIT, err = BUF_INIT;
	int rc = -1;
	if (pipe(po) < 0 || pipe(pe) < 0) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot run %s: %s", prog, diag_errstr(errno));
		goto out;
	}
	pid_t pid = fork();
	if (pid < 0) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "cannot run %s: %s", prog, diag_errstr(errno));
		goto out;
	}
	if (pid == 0) {
		struct rlimit cpu = { (rlim_t)seconds, (rlim_t)seconds + 1 };
		struct rlimit mem = { (rlim_t)PDF_MAX_MEMORY, (rlim_t)PDF_MAX_MEMORY };
		setrlimit(RLIMIT_CPU, &cpu);
		setrlimit(RLIMIT_AS, &mem);
		int nul = open("/dev/null", O_RDONLY);
		if (nul >= 0)
			dup2(nul, 0);
		dup2(po[1], 1);
		dup2(pe[1], 2);
		close(po[0]);
		close(pe[0]);
		execvp(prog, argv);
		_exit(127);
	}
	close(po[1]);
	close(pe[1]);
	po[1] = pe[1] = -1;
	long long deadline = now_ms() + (long long)seconds * 1000;
	int timed_out = 0, too_big = 0;
	int open_fds = 2;
	while (open_fds > 0) {
		struct pollfd pf[2] = { { po[0], POLLIN, 0 }, { pe[0], POLLIN, 0 } };
		long long left = deadline - now_ms();
		if (left <= 0) {
			timed_out = 1;
			break;
		}
		int r = poll(pf, 2, (int)(left > 1000 ? 1000 : left));
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0)
			break;
		for (int i = 0; i < 2; i++) {
			if (pf[i].fd < 0 || !(pf[i].revents & (POLLIN | POLLHUP | POLLERR)))
				continue;
			char tmp[1 << 15];
			ssize_t k = read(pf[i].fd, tmp, sizeof tmp);
			if (k < 0 && errno == EINTR)
				continue;
			if (k <= 0) {
				close(pf[i].fd);
				if (i == 0)
					po[0] = -1;
				else
					pe[0] = -1;
				open_fds--;
				continue;
			}
			struct buf *b = i == 0 ? &text : &err;
			if (i == 1 && err.len > 4096)
				continue;
			if (i == 0 && text.len + (size_t)k > PDF_MAX_TEXT) {
				too_big = 1;
				open_fds = 0;
				break;
			}
			buf_put(b, tmp, (size_t)k);
		}
	}
	if (timed_out || too_big)
		kill(pid, SIGKILL);
	int status = 0;
	while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
		;
	char msg[256];
	first_line(&err, msg, sizeof msg);
	if (timed_out) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "%s took more than %d seconds on this PDF: stopped", prog, seconds);
		goto out;
	}
	if (too_big) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "the PDF holds more than %u bytes of text: not a plan document", PDF_MAX_TEXT);
		goto out;
	}
	if (WIFEXITED(status) && WEXITSTATUS(status) == 127) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "cannot run %s to read the PDF: install poppler-utils (apt-get install poppler-utils)",
		         prog);
		goto out;
	}
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		if (WIFSIGNALED(status))
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "%s stopped on signal %d reading the PDF%s%s",
			         prog, WTERMSIG(status), msg[0] ? ": " : "", msg);
		else {
			/* pdftotext's exit statuses: 1 the PDF cannot be opened, 3 its permissions. */
			int code = WEXITSTATUS(status);
			const char *why = code == 1 ? "a damaged PDF, or one locked with a password"
			                  : code == 3 ? "the PDF's permissions forbid copying its text"
			                  : "pdftotext failed";
			diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0, "%s cannot read the PDF (exit %d: %s)%s%s",
			         prog, code, why, msg[0] ? ": " : "", msg);
		}
		goto out;
	}
	size_t before = out->len;
	pdf_paragraphs(text.data ? text.data : "", text.len, out, map);
	int any = 0;
	for (size_t i = before; i < out->len && !any; i++)
		any = out->data[i] != '\n' && out->data[i] != ' ';
	if (!any) {
		diag_add(d, DIAG_ERROR, path, 0, 0, NULL, 0,
		         "the PDF has no text (a scanned image?): ask for the Word file, or run OCR first");
		goto out;
	}
	rc = 0;
out:
	for (int i = 0; i < 2; i++) {
		if (po[i] >= 0)
			close(po[i]);
		if (pe[i] >= 0)
			close(pe[i]);
	}
	buf_free(&arg);
	buf_free(&text);
	buf_free(&err);
	return rc;
}

/* ---- lines into paragraphs ---------------------------------------------- */

struct line {
	const char *s;      /* the text, leading and trailing spaces trimmed */
	size_t n;
	int lead;           /* leading spaces (columns) */
	int end;            /* column where the text ends */
	int page;
	int table;          /* a table row: has gaps of PDF_CELL_GAP spaces or more */
	int drop;
	char *row;          /* a table row's cells, TAB-separated, with the lines it continues */
	size_t rown;
};

/* The width of s in pdftotext's columns of half an em: a wide character is
 * one character of its output but two columns of the page (its layout pads
 * with spaces to place the next word where it stands), so this is where a
 * line ends on the page. */
static int columns(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n;) {
		size_t k;
		uint32_t c = utf8_decode(s + i, n - i, &k);
		i += k;
		w += cntext_is_wide(c) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x3000 && c <= 0x303F) ? 2 : 1;
	}
	return w;
}

/* s without spaces (ASCII and U+3000), into b. */
static void squeeze(const char *s, size_t n, struct buf *b)
{
	buf_reset(b);
	for (size_t i = 0; i < n; i++) {
		if (s[i] == ' ')
			continue;
		if (i + 2 < n && memcmp(s + i, "\xE3\x80\x80", 3) == 0) {
			i += 2;
			continue;
		}
		buf_putc(b, s[i]);
	}
}

static int all_digits(const char *s, size_t n)
{
	if (n == 0 || n > 4)
		return 0;
	for (size_t i = 0; i < n; i++)
		if (!IS_ASCII_DIGIT(s[i]))
			return 0;
	return 1;
}

static int starts(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s, p, k) == 0;
}

static int ends(const char *s, size_t n, const char *p)
{
	size_t k = strlen(p);
	return n >= k && memcmp(s + n - k, p, k) == 0;
}

/* A line that is a page number wherever it stands: - 3 -, — 3 —, 第3页, 第3页共9页, 3/9, Page 3. */
static int page_number(const char *s, size_t n, int at_edge)
{
	struct buf b = BUF_INIT;
	squeeze(s, n, &b);
	const char *p = b.data ? b.data : "";
	size_t m = b.len;
	int r = 0;
	static const char *const dashes[] = { "-", "—", "－", "–", NULL };
	for (int i = 0; dashes[i] && !r; i++) {
		size_t k = strlen(dashes[i]);
		if (starts(p, m, dashes[i]) && ends(p, m, dashes[i]) && m > 2 * k)
			r = all_digits(p + k, m - 2 * k);
	}
	if (!r && starts(p, m, "第") && (ends(p, m, "页") || buf_find(p, m, "页共", 6, 0) != (size_t)-1)) {
		size_t i = 3;
		while (i < m && IS_ASCII_DIGIT(p[i]))
			i++;
		r = i > 3 && i + 3 <= m && memcmp(p + i, "页", 3) == 0;
		if (r && i + 3 < m) {
			size_t j = i + 3;
			r = starts(p + j, m - j, "共") && ends(p, m, "页");
			if (r) {
				j += 3;
				size_t k = j;
				while (k < m && IS_ASCII_DIGIT(p[k]))
					k++;
				r = k > j && k + 3 == m;
			}
		}
	}
	if (!r && (starts(p, m, "Page") || starts(p, m, "page")))
		r = all_digits(p + 4, m - 4);
	if (!r) {
		size_t sl = buf_find(p, m, "/", 1, 0);
		if (sl != (size_t)-1 && sl > 0)
			r = all_digits(p, sl) && all_digits(p + sl + 1, m - sl - 1) && at_edge;
	}
	if (!r && at_edge)
		r = all_digits(p, m);
	buf_free(&b);
	return r;
}

/* A number at the start of s: ASCII digits or a Chinese numeral; bytes read, or 0. */
static size_t number_at(const char *s, size_t n)
{
	size_t i = 0;
	while (i < n && IS_ASCII_DIGIT(s[i]))
		i++;
	if (i > 0)
		return i;
	long v;
	size_t used;
	return cntext_number(s, n, &v, &used) ? used : 0;
}

/* The line starts with a heading or item number. */
static int heading(const char *s, size_t n)
{
	if (starts(s, n, "第")) {
		size_t k = number_at(s + 3, n - 3), i = 3 + k;
		return k > 0 && (starts(s + i, n - i, "条") || starts(s + i, n - i, "章") ||
		                 starts(s + i, n - i, "部分") || starts(s + i, n - i, "节"));
	}
	size_t i = starts(s, n, "（") ? 3 : starts(s, n, "(") ? 1 : 0;
	size_t at = i, k = number_at(s + i, n - i);
	if (k == 0)
		return 0;
	i += k;
	if (at > 0)
		return starts(s + i, n - i, "）") || starts(s + i, n - i, ")");
	if (starts(s + i, n - i, "、") || starts(s + i, n - i, "是"))
		return 1;
	return IS_ASCII_DIGIT(s[0]) && i < n &&
	       (s[i] == '.' || starts(s + i, n - i, "．") || starts(s + i, n - i, "﹒"));
}

static int ends_sentence(const char *s, size_t n)
{
	static const char *const fin[] = { "。", "！", "？", "；", "：", "!", "?", ";", ":",
	                                   "）", ")", "”", "」", "』", "…", NULL };
	for (int i = 0; fin[i]; i++)
		if (ends(s, n, fin[i]))
			return 1;
	return 0;
}

static int wide_at(const char *s, size_t n, int last)
{
	if (n == 0)
		return 0;
	size_t k;
	uint32_t c = last ? utf8_decode_last(s, n, &k) : utf8_decode(s, n, &k);
	return cntext_is_wide(c) || (c >= 0xFF00 && c <= 0xFFEF) || (c >= 0x3000 && c <= 0x303F);
}

/* Appends line l, its gaps of PDF_CELL_GAP spaces made TABs when it is a table row. */
static void put_text(const struct line *l, struct buf *out)
{
	if (l->row) {
		buf_put(out, l->row, l->rown);
		return;
	}
	for (size_t i = 0; i < l->n; i++) {
		if (l->table && l->s[i] == ' ') {
			size_t j = i;
			while (j < l->n && l->s[j] == ' ')
				j++;
			if (j - i >= PDF_CELL_GAP) {
				buf_putc(out, '\t');
				i = j - 1;
				continue;
			}
		}
		buf_putc(out, l->s[i]);
	}
}

/* ---- tables ------------------------------------------------------------------ */

/* Most columns a table is read with; wider rows keep their extra cells in the last. */
#define PDF_MAX_CELLS 32

struct cell {
	int col;            /* where the cell starts: characters and spaces before it in the
	                       line, which is where pdftotext's layout puts it */
	size_t a, b;        /* bytes of the line's text */
};

/* The cells of line l, split at gaps of PDF_CELL_GAP spaces. Returns how many (<= max). */
static size_t cells_of(const struct line *l, struct cell *c, size_t max)
{
	size_t k = 0, i = 0;
	int col = l->lead;
	while (i < l->n && k < max) {
		size_t a = i;
		int start = col;
		/* A cell ends at a gap; the last one takes the rest of the line. */
		while (i < l->n) {
			if (l->s[i] == ' ') {
				size_t j = i;
				while (j < l->n && l->s[j] == ' ')
					j++;
				if (j - i >= PDF_CELL_GAP && k + 1 < max)
					break;
				col += (int)(j - i);
				i = j;
				continue;
			}
			size_t used;
			utf8_decode(l->s + i, l->n - i, &used);
			i += used;
			col++;
		}
		c[k].col = start;
		c[k].a = a;
		c[k].b = i;
		k++;
		while (i < l->n && l->s[i] == ' ') {
			i++;
			col++;
		}
	}
	return k;
}

/* Characters in s: the columns they take in pdftotext's output. */
static int columns_chars(const char *s, size_t n)
{
	int w = 0;
	for (size_t i = 0; i < n; w++) {
		size_t k;
		utf8_decode(s + i, n - i, &k);
		i += k;
	}
	return w;
}

/* The column of cols (n starts) nearest to col. */
static size_t nearest(const int *cols, size_t n, int col)
{
	size_t best = 0;
	for (size_t i = 1; i < n; i++)
		if (abs(cols[i] - col) < abs(cols[best] - col))
			best = i;
	return best;
}

/* Appends s to a cell's text: nothing between Chinese characters, else a space. */
static void cell_append(struct buf *b, const char *s, size_t n)
{
	if (n == 0)
		return;
	if (b->len && !(wide_at(b->data, b->len, 1) && wide_at(s, n, 0)))
		buf_putc(b, ' ');
	buf_put(b, s, n);
}

/* The next kept line after i that is not blank, or n; *blanks: blank lines between. */
static size_t next_kept(const struct line *v, size_t n, size_t i, int *blanks)
{
	*blanks = 0;
	for (size_t k = i + 1; k < n; k++) {
		if (v[k].drop)
			continue;
		if (v[k].n == 0) {
			(*blanks)++;
			continue;
		}
		return k;
	}
	return n;
}

/* A table is a run of table rows (blank lines between them do not end it). Its
 * columns are those of its row with the most cells; each row gets one cell per
 * column. A line with no cell in the first column and at most half the
 * columns filled (a wrapped cell: 和配套设施 under 建设5G基站) continues the
 * row above: its text is added to that row's cells, and it is dropped. */
static void tables(struct line *v, size_t n)
{
	struct cell c[PDF_MAX_CELLS];
	for (size_t i = 0; i < n; i++) {
		if (v[i].drop || !v[i].table)
			continue;
		/* The block: table rows, and lines indented under one of its columns. */
		size_t *rows = NULL, nrows = 0;
		int cols[PDF_MAX_CELLS], ncols = 0;
		size_t k = i;
		while (k < n) {
			rows = xrealloc(rows, (nrows + 1) * sizeof *rows);
			rows[nrows++] = k;
			size_t m = cells_of(&v[k], c, PDF_MAX_CELLS);
			if (v[k].table && (int)m > ncols) {
				ncols = (int)m;
				for (size_t q = 0; q < m; q++)
					cols[q] = c[q].col;
			}
			int blanks;
			size_t next = next_kept(v, n, k, &blanks);
			if (next >= n)
				break;
			/* A line alone under one column, and within it (an indented paragraph
			 * after the table runs on past the column). */
			size_t near = ncols > 1 ? nearest(cols, (size_t)ncols, v[next].lead) : 0;
			struct cell one;
			int under = !v[next].table && !blanks && v[next].lead >= PDF_CELL_GAP && near > 0 &&
			            abs(cols[near] - v[next].lead) <= 2 && cells_of(&v[next], &one, 1) == 1 &&
			            (near + 1 == (size_t)ncols ||
			             v[next].lead + columns_chars(v[next].s, v[next].n) < cols[near + 1]);
			if (!v[next].table && !under)
				break;
			for (size_t q = k + 1; q < next; q++)
				if (!v[q].drop && v[q].n == 0)
					v[q].drop = 5;   /* a blank line inside the table */
			k = next;
		}
		struct buf cell[PDF_MAX_CELLS];
		for (int q = 0; q < PDF_MAX_CELLS; q++)
			cell[q] = (struct buf)BUF_INIT;
		size_t owner = (size_t)-1;   /* the line whose row is being filled */
		for (size_t r = 0; r <= nrows; r++) {
			struct line *l = r < nrows ? &v[rows[r]] : NULL;
			size_t m = l ? cells_of(l, c, PDF_MAX_CELLS) : 0;
			size_t slot[PDF_MAX_CELLS];
			int first = 0;
			for (size_t q = 0; q < m; q++) {
				slot[q] = nearest(cols, (size_t)ncols, c[q].col);
				first |= slot[q] == 0;
			}
			int cont = l && owner != (size_t)-1 && !first && m * 2 <= (size_t)ncols;
			if (!cont && owner != (size_t)-1) {
				/* The row above is complete. */
				struct buf row = BUF_INIT;
				for (int q = 0; q < ncols; q++) {
					if (q)
						buf_putc(&row, '\t');
					buf_put(&row, cell[q].data, cell[q].len);
					buf_reset(&cell[q]);
				}
				v[owner].row = buf_detach(&row, &v[owner].rown);
				v[owner].table = 1;
			}
			if (!l)
				break;
			if (!cont)
				owner = rows[r];
			else
				l->drop = 4;
			for (size_t q = 0; q < m; q++)
				cell_append(&cell[slot[q]], l->s + c[q].a, c[q].b - c[q].a);
		}
		for (int q = 0; q < PDF_MAX_CELLS; q++)
			buf_free(&cell[q]);
		i = rows[nrows - 1];
		free(rows);
	}
}

/* Ends a line of out that starts on page (0-based). */
static void end_line(struct buf *out, struct docread_map *map, int page)
{
	buf_putc(out, '\n');
	docread_map_add(map, page + 1, 0);
}

/* Lines repeated at one edge of several pages are running headers or footers. */
#define PDF_RUNNING_MIN_PAGES 2
/* Columns counted for the right margin: A4 in pdftotext -layout is about 100
 * wide; a wider line (hostile input) counts as this wide. */
#define PDF_MAX_COLUMNS 1024
/* Per cent of the right margin a line mid-sentence must reach to go on in
 * the next unindented line (pdf_paragraphs). */
#define PDF_NEARLY_FULL 60

void pdf_paragraphs(const char *text, size_t len, struct buf *out, struct docread_map *map)
{
	struct line *v = NULL;
	size_t n = 0, cap = 0;
	int page = 0, pages;
	for (size_t i = 0; i < len;) {
		size_t j = i;
		while (j < len && text[j] != '\n' && text[j] != '\f')
			j++;
		if (n == cap) {
			cap = cap ? cap * 2 : 256;
			v = xrealloc(v, cap * sizeof *v);
		}
		struct line *l = &v[n++];
		memset(l, 0, sizeof *l);
		size_t a = i, b = j;
		int lead = 0;
		while (a < b && (text[a] == ' ' || text[a] == '\t')) {
			a++;
			lead++;
		}
		while (b > a && (text[b - 1] == ' ' || text[b - 1] == '\t' || text[b - 1] == '\r'))
			b--;
		l->s = text + a;
		l->n = b - a;
		l->lead = lead;
		l->end = lead + columns(text + a, b - a);
		l->page = page;
		char gap[PDF_CELL_GAP + 1];
		memset(gap, ' ', PDF_CELL_GAP);
		gap[PDF_CELL_GAP] = 0;
		l->table = l->n > 0 && buf_find(l->s, l->n, gap, PDF_CELL_GAP, 0) != (size_t)-1;
		if (j < len && text[j] == '\f')
			page++;
		i = j + 1;
	}
	pages = page + 1;
	/* Page edges: the first and last non-blank line of each page. */
	int *first = xmalloc((size_t)pages * sizeof *first), *last = xmalloc((size_t)pages * sizeof *last);
	for (int p = 0; p < pages; p++)
		first[p] = last[p] = -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i].n == 0)
			continue;
		if (first[v[i].page] < 0)
			first[v[i].page] = (int)i;
		last[v[i].page] = (int)i;
	}
	for (size_t i = 0; i < n; i++) {
		if (v[i].n == 0)
			continue;
		int edge = first[v[i].page] == (int)i || last[v[i].page] == (int)i;
		if (page_number(v[i].s, v[i].n, edge))
			v[i].drop = 1;
	}
	/* After the numbers are gone, a line at the same edge of several pages is
	 * running text: found for all pages first, then dropped. */
	int *edge = xmalloc(2 * (size_t)pages * sizeof *edge);
	for (int pass = 0; pass < 2; pass++)
		for (int p = 0; p < pages; p++) {
			int k = pass == 0 ? first[p] : last[p];
			while (k >= 0 && (size_t)k < n && v[k].page == p && (v[k].drop || v[k].n == 0))
				k += pass == 0 ? 1 : -1;
			edge[2 * p + pass] = k >= 0 && (size_t)k < n && v[k].page == p ? k : -1;
		}
	for (int pass = 0; pass < 2 && pages >= PDF_RUNNING_MIN_PAGES; pass++)
		for (int p = 0; p < pages; p++) {
			int k = edge[2 * p + pass], same = 0;
			for (int q = 0; k >= 0 && q < pages; q++) {
				int e = edge[2 * q + pass];
				if (e >= 0 && v[e].n == v[k].n && memcmp(v[e].s, v[k].s, v[k].n) == 0)
					same++;
			}
			if (same >= PDF_RUNNING_MIN_PAGES && same * 2 > pages)
				v[k].drop = 2;
		}
	free(edge);
	/* What is kept of each page: blank lines before or after it are layout
	 * (a page break inside a paragraph), not a paragraph break. */
	for (int p = 0; p < pages; p++)
		first[p] = last[p] = -1;
	for (size_t i = 0; i < n; i++) {
		if (v[i].n == 0 || v[i].drop)
			continue;
		if (first[v[i].page] < 0)
			first[v[i].page] = (int)i;
		last[v[i].page] = (int)i;
	}
	for (size_t i = 0; i < n; i++)
		if (v[i].n == 0 && ((int)i < first[v[i].page] || (int)i > last[v[i].page]))
			v[i].drop = 3;
	tables(v, n);
	/* The right margin: where most long lines end (justified text ends in one
	 * column), so that one overlong line (a URL, a wide title) does not make
	 * every other line look short. */
	int widest = 0;
	for (size_t i = 0; i < n; i++)
		if (!v[i].drop && !v[i].table && v[i].end > widest)
			widest = v[i].end;
	if (widest > PDF_MAX_COLUMNS)
		widest = PDF_MAX_COLUMNS;
	int *ends = xcalloc((size_t)widest + 1, sizeof *ends);
	for (size_t i = 0; i < n; i++)
		if (!v[i].drop && !v[i].table && v[i].n)
			ends[v[i].end < widest ? v[i].end : widest]++;
	int margin = widest;
	for (int e = widest; e * 10 >= widest * 3 && e > 0; e--)
		if (ends[e] > ends[margin])
			margin = e;
	free(ends);
	int base = -1;
	for (size_t i = 0; i < n; i++)
		if (!v[i].drop && v[i].n && !v[i].table && (base < 0 || v[i].lead < base))
			base = v[i].lead;
	const struct line *prev = NULL;   /* the last line written, NULL after a break */
	int blank = 1, in_table = 0, page_of = 0;   /* page_of: where the line being written starts */
	for (size_t i = 0; i < n; i++) {
		const struct line *l = &v[i];
		if (l->drop)
			continue;
		if (l->n == 0) {
			if (prev)
				end_line(out, map, page_of);
			prev = NULL;
			if (!blank)
				end_line(out, map, l->page);
			blank = 1;
			continue;
		}
		/* Full: ends near the margin; a line far past it (a web address) stands alone. */
		int full = prev && prev->end * 100 >= margin * 85 && prev->end * 100 <= margin * 115;
		int indented = l->lead >= base + 2;
		/* Nearly full: digits and Latin letters are narrower on the page
		 * than the columns pdftotext gives them, so a line of Chinese with
		 * numbers in it reaches the margin short of it; mid-sentence and
		 * followed by a line that is not indented, it goes on there. */
		int nearly = prev && prev->end * 100 >= margin * PDF_NEARLY_FULL && !ends_sentence(prev->s, prev->n) &&
		             !indented;
		int join = prev && !prev->table && !l->table && !heading(l->s, l->n) && (full || nearly) &&
		           (!ends_sentence(prev->s, prev->n) || !indented);
		if (join) {
			if (!wide_at(prev->s, prev->n, 1) && !wide_at(l->s, l->n, 0))
				buf_putc(out, ' ');
		} else {
			if (prev)
				end_line(out, map, page_of);
			/* A table is set off by blank lines, as docread.h has it. */
			if (!blank && l->table != in_table)
				end_line(out, map, l->page);
			page_of = l->page;
		}
		put_text(l, out);
		prev = l;
		blank = 0;
		in_table = l->table;
	}
	if (prev)
		end_line(out, map, page_of);
	if (prev && in_table)
		end_line(out, map, page_of);
	for (size_t i = 0; i < n; i++)
		free(v[i].row);
	free(first);
	free(last);
	free(v);
}
