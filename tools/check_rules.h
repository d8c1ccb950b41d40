/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What "pmemctl check" concludes from what it reads: each rule takes the
 * raw values (a sysfs file's contents, /proc/cmdline) and says whether
 * they are right and, if not, exactly what to change.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#ifndef PMEMCTL_CHECK_RULES_H
#define PMEMCTL_CHECK_RULES_H

#include <stdbool.h>
#include <stddef.h>

enum check_status {
	CHECK_OK,
	CHECK_WARN,	/* works, with a caveat; does not fail "check" */
	CHECK_FAIL,	/* must be changed; "check" exits EXIT_UNSUPPORTED */
};

/**
 * struct check_result - one rule's verdict
 * @name: stable key (the "name" in --json)
 * @status: the verdict
 * @value: what was found ("Y", "offline", "absent", ...)
 * @message: what that means, one line
 * @fix: what to change, one line; empty when nothing
 */
struct check_result {
	const char *name;
	enum check_status status;
	char value[64];
	char message[256];
	char fix[384];
};

const char *check_status_name(enum check_status s);
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t len);

void check_memmap_on_memory(struct check_result *r, const char *param,
			    const char *cmdline);
void check_auto_online(struct check_result *r, const char *policy,
		       const char *cmdline);
void check_module(struct check_result *r, bool module_loaded,
		  bool driver_registered);

#endif /* PMEMCTL_CHECK_RULES_H */
