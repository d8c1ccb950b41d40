// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl's command line: each command takes its own options and number
 * of arguments, anything else is a usage error with a reason, and device
 * arguments are recognised in every spelling an admin is likely to paste.
 */
// unit-cflags: -Itools
// unit-sources: tools/options.c
#include <errno.h>
#include <stdarg.h>

#include "options.h"
#include "unit.h"

static struct pmemctl_args a;
static char why[256];

/* Parse "pmemctl <words...>" (NULL-terminated). */
static int parse(const char *first, ...)
{
	static char *argv[32];
	const char *w;
	int argc = 0;
	va_list ap;

	argv[argc++] = "pmemctl";
	va_start(ap, first);
	for (w = first; w && argc < 31; w = va_arg(ap, const char *))
		argv[argc++] = (char *)w;
	va_end(ap);
	argv[argc] = NULL;
	return pmemctl_parse_args(argc, argv, &a, why, sizeof(why));
}

static void test_commands(void)
{
	CHECK_EQ(parse(NULL), 0);
	CHECK_EQ(a.cmd, CMD_HELP);
	CHECK_EQ(parse("--help", NULL), 0);
	CHECK_EQ(a.cmd, CMD_HELP);
	CHECK_EQ(parse("--version", NULL), 0);
	CHECK_EQ(a.cmd, CMD_VERSION);
	CHECK_EQ(parse("list", NULL), 0);
	CHECK_EQ(a.cmd, CMD_LIST);
	CHECK_EQ(a.nr_devs, 0);
	CHECK_STREQ(a.name, "list");
	CHECK_EQ(parse("check", NULL), 0);
	CHECK_EQ(a.cmd, CMD_CHECK);
	CHECK_EQ(parse("help", "volatile", NULL), 0);
	CHECK_EQ(a.cmd, CMD_HELP);
	CHECK_EQ(a.help_cmd, CMD_VOLATILE);

	CHECK_EQ(parse("frobnicate", NULL), -EINVAL);
	CHECK_STREQ(why, "unknown command 'frobnicate'");
	CHECK_EQ(parse("--bogus", NULL), -EINVAL);
	CHECK_STREQ(why, "unknown option '--bogus'");
	CHECK_EQ(parse("help", "nope", NULL), -EINVAL);
	CHECK_STREQ(why, "help: unknown command 'nope'");
}

static void test_move_args(void)
{
	CHECK_EQ(parse("volatile", "dax0.0", "0-3,7", NULL), 0);
	CHECK_EQ(a.cmd, CMD_VOLATILE);
	CHECK_STREQ(a.dev, "dax0.0");
	CHECK_STREQ(a.sections, "0-3,7");
	CHECK(!a.force && !a.json && !a.quiet && !a.no_online);

	/* Options anywhere, as getopt_long() permutes. */
	CHECK_EQ(parse("volatile", "dax0.0", "--force", "all", "-jq", "--no-online", NULL), 0);
	CHECK_STREQ(a.sections, "all");
	CHECK(a.force && a.json && a.quiet && a.no_online);

	CHECK_EQ(parse("persistent", "dax1.0", "N", NULL), 0);
	CHECK_EQ(a.cmd, CMD_PERSISTENT);
	CHECK_STREQ(a.sections, "N");

	CHECK_EQ(parse("volatile", NULL), -EINVAL);
	CHECK_STREQ(why, "volatile: missing <daxX.Y> <sections>");
	CHECK_EQ(parse("volatile", "dax0.0", NULL), -EINVAL);
	CHECK_STREQ(why, "volatile: missing <sections>");
	CHECK_EQ(parse("volatile", "dax0.0", "1", "2", NULL), -EINVAL);
	CHECK_STREQ(why, "volatile: unexpected argument '2'");
	/* persistent discards nothing: no --force; no onlining either. */
	CHECK_EQ(parse("persistent", "-f", "dax0.0", "1", NULL), -EINVAL);
	CHECK_STREQ(why, "persistent: unknown option '-f'");
	CHECK_EQ(parse("persistent", "--no-online", "dax0.0", "1", NULL), -EINVAL);
	CHECK_STREQ(why, "persistent: unknown option '--no-online'");
}

static void test_other_args(void)
{
	CHECK_EQ(parse("status", "-v", "--json", "dax0.0", NULL), 0);
	CHECK_EQ(a.cmd, CMD_STATUS);
	CHECK(a.verbose && a.json);
	CHECK_STREQ(a.dev, "dax0.0");
	CHECK_EQ(parse("status", NULL), -EINVAL);
	CHECK_EQ(parse("status", "dax0.0", "dax1.0", NULL), -EINVAL);

	CHECK_EQ(parse("list", "-a", "dax0.0", "dax1.0", NULL), 0);
	CHECK(a.all);
	CHECK_EQ(a.nr_devs, 2);
	CHECK_STREQ(a.devs[1], "dax1.0");

	CHECK_EQ(parse("setup", "--force", "namespace0.0", "--no-online", NULL), 0);
	CHECK_EQ(a.cmd, CMD_SETUP);
	CHECK(a.force && a.no_online);
	CHECK_STREQ(a.dev, "namespace0.0");

	CHECK_EQ(parse("release", "-f", "-j", "/dev/kmem_pmem/dax0.0", NULL), 0);
	CHECK_EQ(a.cmd, CMD_RELEASE);
	CHECK(a.force && a.json);
	CHECK_STREQ(a.dev, "/dev/kmem_pmem/dax0.0");
	CHECK_EQ(parse("release", NULL), -EINVAL);
	CHECK_STREQ(why, "release: missing <daxX.Y>");
	CHECK_EQ(parse("release", "--no-online", "dax0.0", NULL), -EINVAL);

	CHECK_EQ(parse("restore", "-n", NULL), 0);
	CHECK(a.dry_run);
	CHECK_EQ(a.nr_devs, 0);

	CHECK_EQ(parse("check", "extra", NULL), -EINVAL);
	CHECK_STREQ(why, "check: unexpected argument 'extra'");
	CHECK_EQ(parse("check", "-f", NULL), -EINVAL);
	CHECK_EQ(parse("list", "-x", NULL), -EINVAL);
	CHECK_STREQ(why, "list: unknown option '-x'");
}

/* --help wins over missing arguments, for every command. */
static void test_help(void)
{
	CHECK_EQ(parse("volatile", "--help", NULL), 0);
	CHECK(a.help);
	CHECK_EQ(a.cmd, CMD_VOLATILE);
	CHECK_EQ(parse("setup", "-h", NULL), 0);
	CHECK(a.help);
	CHECK_EQ(parse("check", "--help", NULL), 0);
	CHECK(a.help);
}

/* Parsing twice in one process starts afresh (getopt's state). */
static void test_reparse(void)
{
	CHECK_EQ(parse("volatile", "-f", "dax0.0", "1", NULL), 0);
	CHECK(a.force);
	CHECK_EQ(parse("volatile", "dax0.0", "1", NULL), 0);
	CHECK(!a.force);
	CHECK_STREQ(a.dev, "dax0.0");
}

static void test_dev_names(void)
{
	char name[64];

	CHECK_EQ(parse_dev_arg("dax0.0", name, sizeof(name)), DEV_DAX);
	CHECK_STREQ(name, "dax0.0");
	CHECK_EQ(parse_dev_arg("/dev/dax12.3", name, sizeof(name)), DEV_DAX);
	CHECK_STREQ(name, "dax12.3");
	CHECK_EQ(parse_dev_arg("/dev/kmem_pmem/dax1.0", name, sizeof(name)), DEV_DAX);
	CHECK_STREQ(name, "dax1.0");
	CHECK_EQ(parse_dev_arg("/sys/bus/dax/devices/dax0.1", name, sizeof(name)), DEV_DAX);
	CHECK_STREQ(name, "dax0.1");
	CHECK_EQ(parse_dev_arg("namespace0.0", name, sizeof(name)), DEV_NAMESPACE);
	CHECK_STREQ(name, "namespace0.0");

	CHECK_EQ(parse_dev_arg("dax0", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("dax0.", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("dax.0", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("dax0.0x", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("dax-1.0", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("dax0.+1", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("dax 0.0", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("pmem0", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("/dev/namespace0.0", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("", name, sizeof(name)), -EINVAL);
	CHECK_EQ(parse_dev_arg("dax99999999999.0", name, sizeof(name)), -EINVAL);
}

int main(void)
{
	RUN(test_commands);
	RUN(test_move_args);
	RUN(test_other_args);
	RUN(test_help);
	RUN(test_reparse);
	RUN(test_dev_names);
	return unit_done();
}
