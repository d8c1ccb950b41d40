// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's command line, in the manner of numactl: getopt_long(), one
 * usage() text per command, nothing touched before the whole line parsed.
 * Options common to several commands are defined once and each command
 * names the ones it takes.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "options.h"

enum opt_bit {
	O_JSON = 1 << 0,
	O_VERBOSE = 1 << 1,
	O_QUIET = 1 << 2,
	O_FORCE = 1 << 3,
	O_NO_ONLINE = 1 << 4,
	O_ALL = 1 << 5,
	O_DRY_RUN = 1 << 6,
};

/* Long-only options get values above any character. */
#define OPT_NO_ONLINE 0x100

static const struct opt_desc {
	enum opt_bit bit;
	struct option opt;
	const char *help;
} opt_table[] = {
	{ O_JSON, { "json", no_argument, NULL, 'j' },
	  "-j, --json        print the result as JSON on stdout" },
	{ O_VERBOSE, { "verbose", no_argument, NULL, 'v' },
	  "-v, --verbose     add one line per section" },
	{ O_QUIET, { "quiet", no_argument, NULL, 'q' },
	  "-q, --quiet       no progress or summary on stderr" },
	{ O_FORCE, { "force", no_argument, NULL, 'f' },
	  "-f, --force       go ahead even where data would be lost" },
	{ O_NO_ONLINE, { "no-online", no_argument, NULL, OPT_NO_ONLINE },
	  "    --no-online   leave sections the kernel does not online offline" },
	{ O_ALL, { "all", no_argument, NULL, 'a' },
	  "-a, --all         also list dax devices not bound to kmem_pmem" },
	{ O_DRY_RUN, { "dry-run", no_argument, NULL, 'n' },
	  "-n, --dry-run     say what would be done, change nothing" },
};

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

/*
 * @min_args/@max_args count positional arguments; -1 is unlimited.
 */
static const struct cmd_desc {
	enum pmemctl_cmd cmd;
	const char *name;
	const char *args;
	const char *summary;
	unsigned int opts;
	int min_args, max_args;
} cmd_table[] = {
	{ CMD_LIST, "list", "[<daxX.Y>...]",
	  "list devices bound to kmem_pmem and their sections",
	  O_JSON | O_VERBOSE | O_ALL, 0, -1 },
	{ CMD_STATUS, "status", "<daxX.Y>",
	  "show one device in detail",
	  O_JSON | O_VERBOSE, 1, 1 },
	{ CMD_SETUP, "setup", "<namespaceX.Y|daxX.Y>",
	  "make a pmem namespace a devdax device and bind it to kmem_pmem",
	  O_JSON | O_QUIET | O_FORCE | O_NO_ONLINE, 1, 1 },
	{ CMD_VOLATILE, "volatile", "<daxX.Y> <sections>",
	  "make sections volatile: System RAM on the device's node",
	  O_JSON | O_QUIET | O_FORCE | O_NO_ONLINE, 2, 2 },
	{ CMD_PERSISTENT, "persistent", "<daxX.Y> <sections>",
	  "make sections persistent: out of the page allocator, kept on media",
	  O_JSON | O_QUIET, 2, 2 },
	{ CMD_RESTORE, "restore", "[<daxX.Y>...]",
	  "after boot: rebind devices with kmem_pmem metadata, online their RAM",
	  O_JSON | O_QUIET | O_DRY_RUN | O_NO_ONLINE, 0, -1 },
	{ CMD_RELEASE, "release", "<daxX.Y>",
	  "hand a device back clean: every section persistent (former RAM zeroed), then device_dax",
	  O_JSON | O_QUIET | O_FORCE, 1, 1 },
	{ CMD_CHECK, "check", "",
	  "check the kernel command line and the module; say what to change",
	  O_JSON | O_QUIET, 0, 0 },
	{ CMD_HELP, "help", "[<command>]",
	  "show this text or a command's",
	  0, 0, 1 },
	{ CMD_VERSION, "version", "",
	  "show pmemctl's version",
	  0, 0, 0 },
};

static const struct cmd_desc *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmd_table); i++)
		if (!strcmp(cmd_table[i].name, name))
			return &cmd_table[i];
	return NULL;
}

static const struct cmd_desc *cmd_desc(enum pmemctl_cmd cmd)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(cmd_table); i++)
		if (cmd_table[i].cmd == cmd)
			return &cmd_table[i];
	return NULL;
}

const char *pmemctl_cmd_name(enum pmemctl_cmd cmd)
{
	const struct cmd_desc *d = cmd_desc(cmd);

	return d ? d->name : "pmemctl";
}

/**
 * pmemctl_usage() - print a command's usage, or the list of commands
 * @f: where to
 * @cmd: the command, CMD_NONE for pmemctl's own
 */
void pmemctl_usage(FILE *f, enum pmemctl_cmd cmd)
{
	const struct cmd_desc *d = cmd_desc(cmd);
	size_t i;

	if (!d) {
		fprintf(f, "usage: pmemctl [--version] [--help] <command> [<options>] [<args>]\n\n");
		for (i = 0; i < ARRAY_SIZE(cmd_table); i++)
			fprintf(f, "  %-11s %s\n", cmd_table[i].name,
				cmd_table[i].summary);
		fprintf(f, "\nSee 'pmemctl <command> --help' or pmemctl(8).\n");
		return;
	}
	fprintf(f, "usage: pmemctl %s%s%s%s\n\n%s\n", d->name,
		d->opts ? " [<options>]" : "", *d->args ? " " : "", d->args,
		d->summary);
	if (d->cmd == CMD_VOLATILE || d->cmd == CMD_PERSISTENT)
		fprintf(f, "\n<sections>: a list such as 0-3,7 (kernel list syntax), or 'all'\n");
	fprintf(f, "\n");
	for (i = 0; i < ARRAY_SIZE(opt_table); i++)
		if (d->opts & opt_table[i].bit)
			fprintf(f, "    %s\n", opt_table[i].help);
	fprintf(f, "    -h, --help        show this text\n");
}

static int fail(char *why, size_t why_len, const char *fmt, ...)
{
	va_list ap;

	if (why && why_len) {
		va_start(ap, fmt);
		vsnprintf(why, why_len, fmt, ap);
		va_end(ap);
	}
	return -EINVAL;
}

/*
 * Parse @argv[0..@argc) of command @d; @argv[0] is the command name.
 */
static int parse_cmd(const struct cmd_desc *d, int argc, char **argv,
		     struct pmemctl_args *a, char *why, size_t why_len)
{
	struct option longopts[ARRAY_SIZE(opt_table) + 2];
	char shortopts[ARRAY_SIZE(opt_table) + 2];
	size_t i, n = 0, s = 0;
	int c, nr_args;

	for (i = 0; i < ARRAY_SIZE(opt_table); i++) {
		if (!(d->opts & opt_table[i].bit))
			continue;
		longopts[n++] = opt_table[i].opt;
		if (opt_table[i].opt.val < 0x100)
			shortopts[s++] = opt_table[i].opt.val;
	}
	longopts[n++] = (struct option){ "help", no_argument, NULL, 'h' };
	longopts[n] = (struct option){ NULL, 0, NULL, 0 };
	shortopts[s++] = 'h';
	shortopts[s] = '\0';

	optind = 0;	/* GNU: full re-initialisation for every parse */
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'j': a->json = true; break;
		case 'v': a->verbose = true; break;
		case 'q': a->quiet = true; break;
		case 'f': a->force = true; break;
		case 'a': a->all = true; break;
		case 'n': a->dry_run = true; break;
		case OPT_NO_ONLINE: a->no_online = true; break;
		case 'h': a->help = true; break;
		default:
			if (optopt && optopt < 0x100 && c == '?')
				return fail(why, why_len, "%s: unknown option '-%c'",
					    d->name, optopt);
			return fail(why, why_len, "%s: unknown option '%s'",
				    d->name, argv[optind - 1]);
		}
	}
	if (a->help)
		return 0;

	nr_args = argc - optind;
	if (nr_args < d->min_args)
		return fail(why, why_len, "%s: missing %s", d->name,
			    nr_args == 0 ? d->args : "<sections>");
	if (d->max_args >= 0 && nr_args > d->max_args)
		return fail(why, why_len, "%s: unexpected argument '%s'",
			    d->name, argv[optind + d->max_args]);

	switch (d->cmd) {
	case CMD_STATUS:
	case CMD_SETUP:
	case CMD_RELEASE:
		a->dev = argv[optind];
		break;
	case CMD_VOLATILE:
	case CMD_PERSISTENT:
		a->dev = argv[optind];
		a->sections = argv[optind + 1];
		break;
	case CMD_LIST:
	case CMD_RESTORE:
		a->nr_devs = nr_args;
		a->devs = argv + optind;
		break;
	case CMD_HELP:
		if (nr_args) {
			const struct cmd_desc *h = find_cmd(argv[optind]);

			if (!h)
				return fail(why, why_len, "help: unknown command '%s'",
					    argv[optind]);
			a->help_cmd = h->cmd;
		}
		break;
	default:
		break;
	}
	return 0;
}

/**
 * pmemctl_parse_args() - parse pmemctl's whole command line
 * @argc: as given to main()
 * @argv: as given to main(); getopt_long() may permute it
 * @a: the result
 * @why: where to say what is wrong
 * @why_len: size of @why
 *
 * "pmemctl", "pmemctl --help" and "pmemctl help" give CMD_HELP;
 * "pmemctl --version" gives CMD_VERSION; "<command> --help" sets @a->help.
 *
 * Return: 0, or -EINVAL with @why set (exit with EXIT_USAGE).
 */
int pmemctl_parse_args(int argc, char **argv, struct pmemctl_args *a,
		       char *why, size_t why_len)
{
	const struct cmd_desc *d;

	memset(a, 0, sizeof(*a));
	a->name = "pmemctl";
	if (why && why_len)
		why[0] = '\0';

	if (argc < 2 || !strcmp(argv[1], "--help") || !strcmp(argv[1], "-h")) {
		a->cmd = CMD_HELP;
		return 0;
	}
	if (!strcmp(argv[1], "--version") || !strcmp(argv[1], "-V")) {
		a->cmd = CMD_VERSION;
		return 0;
	}
	if (argv[1][0] == '-')
		return fail(why, why_len, "unknown option '%s'", argv[1]);

	d = find_cmd(argv[1]);
	if (!d)
		return fail(why, why_len, "unknown command '%s'", argv[1]);
	a->cmd = d->cmd;
	a->name = d->name;
	return parse_cmd(d, argc - 1, argv + 1, a, why, why_len);
}

/* "X.Y", both decimal, nothing else. */
static bool parse_id(const char *s, unsigned long *x, unsigned long *y)
{
	char *end;

	if (!isdigit((unsigned char)s[0]))
		return false;
	errno = 0;
	*x = strtoul(s, &end, 10);
	if (*end != '.' || !isdigit((unsigned char)end[1]) || errno)
		return false;
	*y = strtoul(end + 1, &end, 10);
	return !*end && !errno && *x <= 0xffff && *y <= 0xffff;
}

/**
 * parse_dev_arg() - the canonical name of a device argument
 * @arg: "daxX.Y", "/dev/daxX.Y", "/dev/kmem_pmem/daxX.Y",
 *	"/sys/bus/dax/devices/daxX.Y" or "namespaceX.Y"
 * @name: where to put "daxX.Y" or "namespaceX.Y"
 * @len: size of @name
 *
 * Return: DEV_DAX or DEV_NAMESPACE, or -EINVAL if @arg names neither.
 */
int parse_dev_arg(const char *arg, char *name, size_t len)
{
	static const char * const prefixes[] = {
		"/dev/kmem_pmem/", "/sys/bus/dax/devices/", "/dev/",
	};
	unsigned long x, y;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(prefixes); i++) {
		size_t n = strlen(prefixes[i]);

		if (!strncmp(arg, prefixes[i], n)) {
			arg += n;
			break;
		}
	}
	if (!strncmp(arg, "dax", 3) && parse_id(arg + 3, &x, &y)) {
		snprintf(name, len, "dax%lu.%lu", x, y);
		return DEV_DAX;
	}
	if (i == ARRAY_SIZE(prefixes) && !strncmp(arg, "namespace", 9) &&
	    parse_id(arg + 9, &x, &y)) {
		snprintf(name, len, "namespace%lu.%lu", x, y);
		return DEV_NAMESPACE;
	}
	return -EINVAL;
}
