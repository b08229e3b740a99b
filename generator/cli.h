/* cli.h: what every command of the command line shares: the options that
 * come before the command, and the table of commands. */
#ifndef PP_CLI_H
#define PP_CLI_H

/* Exit statuses: success, content or build errors, usage or environment errors. */
enum { CLI_OK = 0, CLI_CONTENT = 1, CLI_USAGE = 2 };

struct cli {
	const char *exe_dir;   /* where the program lives, to find its themes and lua/ */
	const char *prog;      /* argv[0] */
};

/* A command: run(cli, argc, argv) gets argv[0] = the command's name and
 * returns an exit status. Each command parses its own options. */
struct cli_command {
	const char *name;
	const char *summary;
	int (*run)(const struct cli *cli, int argc, char **argv);
};

/* Prints "planpress: " + the message + a hint to stderr; returns CLI_USAGE. */
int cli_usage_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Commands, each in its own file. */
int cmd_build(const struct cli *cli, int argc, char **argv);
int cmd_check(const struct cli *cli, int argc, char **argv);
int cmd_import(const struct cli *cli, int argc, char **argv);
int cmd_publish(const struct cli *cli, int argc, char **argv);
int cmd_log(const struct cli *cli, int argc, char **argv);
int cmd_diff(const struct cli *cli, int argc, char **argv);
int cmd_serve(const struct cli *cli, int argc, char **argv);

#endif
