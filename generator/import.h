/* import.h: an official plan document (通知, 工作方案, 任务清单) turned into a
 * plan and its task pages: reading (UTF-8 or GB18030), text repair, the Lua
 * rules (lua/import.lua), the JSON form, the content files and the report. */
#ifndef PP_IMPORT_H
#define PP_IMPORT_H

#include <stddef.h>

#include "arena.h"
#include "buf.h"
#include "diag.h"
#include "sandbox.h"
#include "value.h"

/* Largest document read, in bytes: plan documents are tens of kilobytes; a
 * bigger file is not a plan (a PDF dumped whole, a wrong path). */
#define IMPORT_MAX_INPUT (8u * 1024 * 1024)
/* Deepest nesting of the table the rules return (doc → tasks → task → targets → target …). */
#define IMPORT_MAX_DEPTH 16

/* The front-matter line that marks a file as ours, so --force replaces only
 * those. It is written followed by " sha1-" and the digest of the page as
 * written (with the line bare), so that a page staff edited since is told. */
#define IMPORT_MARK "generated_by: planpress import"
#define IMPORT_DIGEST_PREFIX "sha1-"
#define IMPORT_DIGEST_HEX 40

/* Adds the digest of data (a page whose front matter has the IMPORT_MARK
 * line) to that line, as every page the importer writes has it. */
struct buf;
void import_stamp(struct buf *data);

/* What a page on disk is to the importer. */
enum {
	IMPORT_PAGE_NOT_OURS,    /* no mark: hand-written, never replaced */
	IMPORT_PAGE_UNCHANGED,   /* as the importer wrote it */
	IMPORT_PAGE_CHANGED,     /* marked, but edited since */
	IMPORT_PAGE_NO_DIGEST,   /* marked by an importer that kept no digest */
};
int import_page_state(const char *s, size_t len);

/* --force: replace pages written and not changed since; --force=overwrite:
 * replace marked pages even when changed. */
enum { IMPORT_NO_FORCE, IMPORT_FORCE, IMPORT_OVERWRITE };

/* Reads the document at path (UTF-8, BOM allowed, or GB18030) and appends its
 * repaired text to out (see import_repair). Returns 0, or -1 after recording
 * an error in d. A Word (.docx) or PDF file, told by its content, is read
 * as docread.h describes (tables: rows of TAB-separated cells). */
int import_read(const char *path, struct buf *out, struct diags *d);
/* The same, and for a Word file or PDF map (may be NULL; see docread.h) gets
 * where each line came from; for text it stays empty. */
struct docread_map;
int import_read_map(const char *path, struct buf *out, struct docread_map *map, struct diags *d);

/* A file's text (*s, *len bytes) as UTF-8: left as it is when it is UTF-8,
 * else read as GB18030 into conv (then *s and *len name conv). Returns 0,
 * or -1 after an error naming path when it is neither. */
int import_utf8(const char *path, const char **s, size_t *len, struct buf *conv, struct diags *d);

/* Text repair, line by line (cntext_fold_line): CRLF and CR become LF, widths
 * are folded, stray spaces and ** markers dropped; a TAB (between the cells
 * of a table row) is kept and each cell repaired alone. Appends to out. */
void import_repair(const char *src, size_t len, struct buf *out);

/* The rules file to use: explicit if given, else site_dir/lua/import.lua, else
 * exe_dir/lua/import.lua, else exe_dir/../share/planpress/lua/import.lua, else
 * PP_DATADIR/lua/import.lua. Returns a path the caller frees, or NULL. */
char *import_find_rules(const char *explicit_path, const char *site_dir, const char *exe_dir);
/* The shipped rules (the same search without the site), and the site's own
 * rules that extend them (site_dir/lua/import.lua, when it exists and is not
 * the shipped file itself). Paths the caller frees, or NULL. */
char *import_find_shipped_rules(const char *explicit_path, const char *exe_dir);
char *import_find_site_rules(const char *site_dir, const char *shipped);

/* What a run of the rules is given besides the text. */
struct import_opts {
	const char *plan_id;       /* names the plan (links to its annex use it); NULL: "plan" */
	const char *due_default;   /* "year-end": undated tasks are due at their year's end; NULL: none */
	const char *site_rules;    /* run after the rules with them as its argument; NULL: none */
	const struct sandbox_opts *limits;   /* NULL: the defaults */
};
/* import_run_limited with every option: the site's rules file runs after the
 * shipped ones, gets their table as its argument (...), may change its tables
 * and functions in place, and may return a table to use instead. */
struct value *import_run_opts(struct arena *a, const char *rules_path, const char *text, size_t len,
                              const struct import_opts *o, struct diags *d);

/* Runs the rules file on the repaired text. plan_id names the plan (links to
 * its annex use it). Returns the document, owned by arena a: the fields of the
 * JSON form, always all present, plus "body" (the plan's Markdown), each
 * task's "body", and "annex" {title, period, body} when there is an annex.
 * Returns NULL after recording errors (path:line: error: message) in d. */
struct value *import_run(struct arena *a, const char *rules_path, const char *text, size_t len,
                         const char *plan_id, struct diags *d);
/* The same under the given limits (budget, memory, seconds; NULL: the
 * defaults). The rules run in the sandbox hooks run in (sandbox.h), with
 * the import module beside the standard library, and require() of modules
 * beside the rules file. */
struct value *import_run_limited(struct arena *a, const char *rules_path, const char *text,
                                 size_t len, const char *plan_id,
                                 const struct sandbox_opts *limits, struct diags *d);

/* Records the rules' warnings about the document at path (numbering gaps,
 * numbers printed twice, lines not placed) in d, each at its line. */
void import_warnings(const struct value *doc, const char *path, struct diags *d);

/* Appends the JSON form (pretty, stable key order, no bodies). */
void import_json(const struct value *doc, struct buf *out);
/* The JSON form as a value (owned by a): doc without the Markdown bodies. */
struct value *import_json_value(struct arena *a, const struct value *doc);

/* Appends the report a person reads: header fields, sections, every task with
 * its units, deadlines and targets, and the lines that could not be placed. */
void import_report(const struct value *doc, struct buf *out);

/* Appends s as a YAML scalar: plain when that reads back as the same string,
 * else double-quoted with escapes. */
void import_yaml_string(const char *s, size_t n, struct buf *out);

/* One file to write, relative to the site folder. */
/* The short id the importer gives a target (what actuals: may name it by):
 * the metric's words before its first number, punctuation and spaces
 * left out, at most IMPORT_ID_CHARS characters (never a character cut),
 * else its first characters, else 指标; "2", "3", ... added when an
 * earlier target of the task (ids[0..n)) has it. Written to out. */
#define IMPORT_ID_CHARS 8
void import_target_id(const char *metric, size_t len, char *const *ids, size_t n, struct buf *out);

struct import_file {
	char *path;
	char *data;
	size_t len;
};

struct import_files {
	struct import_file *v;
	size_t n;
};

/* Makes the content files of doc: content/plans/<plan_id>/_index.md,
 * tasks/_index.md, tasks/NN.md (NN: two digits, or S.P), and the same under
 * <plan_id>-annex for an annex. source is the document's file name. The
 * caller frees f with import_files_free. */
void import_files_make(const struct value *doc, const char *plan_id, const char *source,
                       struct import_files *f);
void import_files_free(struct import_files *f);

/* Writes the files under site_dir, each atomically. An existing file is an
 * error unless force (IMPORT_FORCE or IMPORT_OVERWRITE), and even then one not
 * marked IMPORT_MARK is left alone and is an error. Nothing is written when
 * there is any error. With IMPORT_FORCE a marked page changed since it was
 * written (or with no digest) is left alone with a warning, the others are
 * written; IMPORT_OVERWRITE replaces it too. Returns the number of files
 * written, or -1 after recording errors. */
int import_files_write(const struct import_files *f, const char *site_dir, int force,
                       struct diags *d);

/* Compares the JSON form of doc with expected values: every key of expect must
 * be present with an equal value (tables: the keys expect names; arrays: the
 * same length, element by element). Appends one line per difference to out,
 * naming its place (tasks[3].lead[0]). Returns the number of differences. */
int import_expect(const struct value *json, const struct value *expect, struct buf *out);

#endif
