// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl: the admin CLI of kmem_pmem, what daxctl is to dax devices.
 *
 * One function per command (builtin.h), each in its own file; the command
 * line is parsed whole (options.c) before anything is read or changed.
 * Results go to stdout (text, or JSON with --json), progress and reasons
 * to stderr, one line each; the exit code says how it went (options.h).
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include <daxctl/libdaxctl.h>

#include "builtin.h"

#ifndef PMEMCTL_VERSION
#define PMEMCTL_VERSION "unknown"
#endif

static int (* const commands[])(struct pmemctl_args *, struct daxctl_ctx *) = {
	[CMD_LIST] = cmd_list,
	[CMD_STATUS] = cmd_status,
	[CMD_SETUP] = cmd_setup,
	[CMD_VOLATILE] = cmd_move,
	[CMD_PERSISTENT] = cmd_move,
	[CMD_RESTORE] = cmd_restore,
	[CMD_CHECK] = cmd_check,
	[CMD_RELEASE] = cmd_release,
};

int main(int argc, char **argv)
{
	struct daxctl_ctx *ctx;
	struct pmemctl_args a;
	char why[256];
	int rc;

	if (pmemctl_parse_args(argc, argv, &a, why, sizeof(why))) {
		fprintf(stderr, "pmemctl: %s (see 'pmemctl %s%s--help')\n", why,
			a.cmd != CMD_NONE ? a.name : "", a.cmd != CMD_NONE ? " " : "");
		return EXIT_USAGE;
	}
	if (a.help) {
		pmemctl_usage(stdout, a.cmd);
		return EXIT_OK;
	}
	switch (a.cmd) {
	case CMD_HELP:
		pmemctl_usage(stdout, a.help_cmd);
		return EXIT_OK;
	case CMD_VERSION:
		printf("pmemctl %s\n", PMEMCTL_VERSION);
		return EXIT_OK;
	default:
		break;
	}

	rc = daxctl_new(&ctx);
	if (rc) {
		fprintf(stderr, "pmemctl: %s: cannot initialise libdaxctl: %s\n",
			a.name, strerror(-rc));
		return EXIT_FAILED;
	}
	rc = commands[a.cmd](&a, ctx);
	daxctl_unref(ctx);
	return rc;
}
