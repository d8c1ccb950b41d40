// SPDX-License-Identifier: GPL-2.0
/*
 * "pmemctl check": from what the kernel shows to a verdict and the exact
 * change to make, and reading parameters off a kernel command line.
 */
// unit-cflags: -Itools
// unit-sources: tools/check_rules.c
#include "check_rules.h"
#include "unit.h"

static const char *debian =
	"BOOT_IMAGE=/boot/vmlinuz-6.1.0-56-amd64 root=UUID=1234 ro quiet";

static void test_cmdline_get(void)
{
	char v[64];

	CHECK(!cmdline_get(debian, "memhp_default_state", v, sizeof(v)));
	CHECK(cmdline_get(debian, "ro", v, sizeof(v)));
	CHECK_STREQ(v, "");
	CHECK(cmdline_get(debian, "root", v, sizeof(v)));
	CHECK_STREQ(v, "UUID=1234");
	CHECK(!cmdline_get(debian, "roo", v, sizeof(v)));
	CHECK(!cmdline_get(debian, "r", v, sizeof(v)));
	CHECK(cmdline_get("a=1 memhp_default_state=offline memhp_default_state=online_movable",
			  "memhp_default_state", v, sizeof(v)));
	CHECK_STREQ(v, "online_movable");	/* the last one wins */
	CHECK(cmdline_get("memory_hotplug.memmap-on-memory=1\n",
			  "memory_hotplug.memmap_on_memory", v, sizeof(v)));
	CHECK_STREQ(v, "1");
	CHECK(cmdline_get("x \"dyndbg=file a.c +p\" y", "dyndbg", v, sizeof(v)));
	CHECK_STREQ(v, "file a.c +p");
	CHECK(cmdline_get("k=0123456789", "k", v, 4));
	CHECK_STREQ(v, "012");
	CHECK(!cmdline_get("", "k", v, sizeof(v)));
	CHECK(cmdline_get("x dyndbg=\"file b.c +p\" y", "dyndbg", v, sizeof(v)));
	CHECK_STREQ(v, "file b.c +p");
}

static void test_memmap_on_memory(void)
{
	struct check_result r;

	check_memmap_on_memory(&r, "Y", debian);
	CHECK_EQ(r.status, CHECK_OK);
	CHECK_STREQ(r.name, "memmap_on_memory");
	CHECK_STREQ(r.value, "Y");
	CHECK_STREQ(r.fix, "");

	check_memmap_on_memory(&r, "N", debian);
	CHECK_EQ(r.status, CHECK_FAIL);
	CHECK(strstr(r.fix, "add memory_hotplug.memmap_on_memory=1 to the kernel command line"));

	check_memmap_on_memory(&r, "N", "memory_hotplug.memmap_on_memory=0 quiet");
	CHECK_EQ(r.status, CHECK_FAIL);
	CHECK(strstr(r.fix, "change memory_hotplug.memmap_on_memory=0 to memory_hotplug.memmap_on_memory=1"));

	check_memmap_on_memory(&r, NULL, debian);
	CHECK_EQ(r.status, CHECK_FAIL);
	CHECK_STREQ(r.value, "absent");
	CHECK(strstr(r.fix, "CONFIG_MHP_MEMMAP_ON_MEMORY"));

	check_memmap_on_memory(&r, "force", debian);	/* newer kernels */
	CHECK_EQ(r.status, CHECK_OK);
}

static void test_auto_online(void)
{
	struct check_result r;

	check_auto_online(&r, "online_movable", "memhp_default_state=online_movable");
	CHECK_EQ(r.status, CHECK_OK);
	CHECK_STREQ(r.fix, "");

	/* set at run time only: fine now, say how to keep it */
	check_auto_online(&r, "online_movable", debian);
	CHECK_EQ(r.status, CHECK_OK);
	CHECK(strstr(r.fix, "add memhp_default_state=online_movable"));

	check_auto_online(&r, "offline", debian);	/* Debian's default */
	CHECK_EQ(r.status, CHECK_WARN);
	CHECK(strstr(r.fix, "echo online_movable > /sys/devices/system/memory/auto_online_blocks"));

	check_auto_online(&r, "online", "memhp_default_state=online");	/* 6.12's default */
	CHECK_EQ(r.status, CHECK_FAIL);
	CHECK(strstr(r.message, "ZONE_NORMAL"));
	CHECK(strstr(r.fix, "change memhp_default_state=online to memhp_default_state=online_movable"));

	check_auto_online(&r, "online_kernel", debian);
	CHECK_EQ(r.status, CHECK_FAIL);

	check_auto_online(&r, NULL, debian);
	CHECK_EQ(r.status, CHECK_FAIL);
	CHECK_STREQ(r.value, "absent");
}

static void test_module(void)
{
	struct check_result r;

	check_module(&r, true, true);
	CHECK_EQ(r.status, CHECK_OK);
	check_module(&r, false, false);
	CHECK_EQ(r.status, CHECK_FAIL);
	CHECK(strstr(r.fix, "modprobe kmem_pmem"));
	check_module(&r, true, false);
	CHECK_EQ(r.status, CHECK_FAIL);
	CHECK(strstr(r.fix, "dmesg"));
	CHECK_STREQ(check_status_name(CHECK_WARN), "warn");
}

int main(void)
{
	RUN(test_cmdline_get);
	RUN(test_memmap_on_memory);
	RUN(test_auto_online);
	RUN(test_module);
	return unit_done();
}
