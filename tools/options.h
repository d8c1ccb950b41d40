/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pmemctl's command line: the commands, their options and usage text,
 * device-name arguments, and the exit codes.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#ifndef PMEMCTL_OPTIONS_H
#define PMEMCTL_OPTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

/* Exit codes, documented in pmemctl(8) EXIT STATUS. */
enum pmemctl_exit {
	EXIT_OK = 0,		/* done, or nothing to do */
	EXIT_FAILED = 1,	/* the operation failed, fully or in part */
	EXIT_USAGE = 2,		/* bad command line, section list or device */
	EXIT_UNSUPPORTED = 3,	/* kernel or module not set up for it */
	EXIT_REFUSED = 4,	/* refused to destroy data; see --force */
};

enum pmemctl_cmd {
	CMD_NONE,
	CMD_LIST,
	CMD_STATUS,
	CMD_SETUP,
	CMD_VOLATILE,
	CMD_PERSISTENT,
	CMD_RESTORE,
	CMD_CHECK,
	CMD_RELEASE,
	CMD_HELP,
	CMD_VERSION,
};

/**
 * struct pmemctl_args - a parsed command line
 * @cmd: the command
 * @name: the command's name as typed ("pmemctl" for none)
 * @json: -j/--json: results as JSON on stdout
 * @verbose: -v/--verbose: more detail (per-section lines)
 * @quiet: -q/--quiet: no progress or summary on stderr
 * @force: -f/--force: go ahead where data would be lost
 * @no_online: --no-online: leave newly added sections offline
 * @all: -a/--all: list every dax device, not only kmem_pmem's
 * @dry_run: -n/--dry-run: say what restore would do, do nothing
 * @help: -h/--help: print the command's usage and exit
 * @dev: the device (or namespace) argument, if the command takes one
 * @sections: the section list argument of volatile/persistent
 * @nr_devs: number of device filters (list, restore)
 * @devs: the device filters
 * @help_cmd: for "help <command>", the command to describe
 */
struct pmemctl_args {
	enum pmemctl_cmd cmd;
	const char *name;
	bool json, verbose, quiet, force, no_online, all, dry_run, help;
	const char *dev;
	const char *sections;
	int nr_devs;
	char **devs;
	enum pmemctl_cmd help_cmd;
};

int pmemctl_parse_args(int argc, char **argv, struct pmemctl_args *a,
		       char *why, size_t why_len);
void pmemctl_usage(FILE *f, enum pmemctl_cmd cmd);
const char *pmemctl_cmd_name(enum pmemctl_cmd cmd);

/* What a device argument names. */
enum dev_kind {
	DEV_DAX,		/* daxX.Y */
	DEV_NAMESPACE,		/* namespaceX.Y */
};

int parse_dev_arg(const char *arg, char *name, size_t len);

#endif /* PMEMCTL_OPTIONS_H */
