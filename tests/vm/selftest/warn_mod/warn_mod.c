// SPDX-License-Identifier: GPL-2.0
/*
 * Test-only module: loading it triggers one kernel WARN, which the VM
 * harness must turn into a failed test (tests/vm/selftest/warn.sh).
 */
#include <linux/bug.h>
#include <linux/module.h>

static int __init warn_mod_init(void)
{
	WARN(1, "kmp harness self-test: deliberate warning\n");
	return 0;
}

static void __exit warn_mod_exit(void)
{
}

module_init(warn_mod_init);
module_exit(warn_mod_exit);
MODULE_DESCRIPTION("VM harness self-test: WARN on load");
MODULE_LICENSE("GPL");
