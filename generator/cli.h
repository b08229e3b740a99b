/* cli.h: what every command of the command line shares: the options that
 * come before the command, and the table of commands. */
#ifndef PP_CLI_H
#define PP_CLI_H

#include "i18n.h"

/* Exit statuses: success, content or build errors, usage or environment errors. */
enum { CLI_OK = 0, CLI_CONTENT = 1, CLI_USAGE = 2 };

struct cli {
	const char *exe_dir;   /* where the program lives, to find its themes and lua/ */
	const char *prog;      /* argv[0] */
	/* The folder planpress was started in, when it then moved up to the
	 * site's root (the nearest folder with site.toml, as git finds .git);
	 * NULL when it did not move. Paths the user names are relative to it. */
	const char *start_dir;
};

/* A command: run(cli, argc, argv) gets argv[0] = the command's name and
 * returns an exit status. Each command parses its own options. When
 * options is set, main answers COMMAND --help with synopsis, summary and
 * options; when it is NULL, --help goes to the command. */
struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(const struct cli *cli, int argc, char **argv);
	const char *synopsis;   /* what follows "planpress NAME" in the usage line */
	const char *options;    /* one line per option, indented */
};

/* Prints "planpress: " + the message + a hint to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* --jobs N (or -j N) at argv[*i]: reads N from the next argument (*i moves
 * to it) into *jobs. 0, or CLI_USAGE after saying what is wrong. */
int cli_jobs(int argc, char **argv, int *i, int *jobs);

/* Reads ./site.toml (the caller has seen it there) into c, owned by a.
 * 0, or CLI_CONTENT after its errors went to d. */
struct arena;
struct config;
struct diags;
int cli_read_site(struct arena *a, struct config *c, struct diags *d);

/* A path named on the command line, as the process (now in the site's
 * root) must open it: arg itself when absolute or when planpress did not
 * move, else the start folder joined to it. The caller frees the result. */
char *cli_path(const struct cli *cli, const char *arg);

/* "1 file", "2 files": the noun (or format) that fits n, in the user's
 * language (ngettext: Chinese has one form). */
#define CLI_PLURAL(n, one, many) i18n_plural((one), (many), (unsigned long)(n))

/* --timings: to stderr, a build's stages, each with its wall time and the
 * process's peak memory when it ended, then what the render did and why. */
struct build_stats;
void cli_print_timings(const struct build_stats *st);
/* --timings: one more step of a command after its build (publish's commit),
 * in the same form, with the peak memory now. */
void cli_print_step(const char *name, double ms);

/* Commands, each in its own file. */
int cmd_build(const struct cli *cli, int argc, char **argv);
int cmd_check(const struct cli *cli, int argc, char **argv);
int cmd_import(const struct cli *cli, int argc, char **argv);
int cmd_publish(const struct cli *cli, int argc, char **argv);
int cmd_log(const struct cli *cli, int argc, char **argv);
int cmd_diff(const struct cli *cli, int argc, char **argv);
int cmd_new(const struct cli *cli, int argc, char **argv);
int cmd_serve(const struct cli *cli, int argc, char **argv);

#endif
