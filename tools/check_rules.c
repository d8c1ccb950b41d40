// SPDX-License-Identifier: GPL-2.0
/*
 * The rules of "pmemctl check".
 *
 * Full function needs two things from the kernel command line, both read
 * only at boot or best set there:
 *  - memory_hotplug.memmap_on_memory=1: without it the driver cannot put
 *    volatile sections' struct pages inside the sections (6.1 refuses the
 *    hot-add; later kernels silently use DRAM);
 *  - an auto-online policy that is not "online"/"online_kernel": those
 *    put hot-added sections in ZONE_NORMAL, where unmovable allocations
 *    can pin them so that they never become persistent again.
 *    "online_movable" lets a bare sysfs write online sections; "offline"
 *    (Debian's default) works with pmemctl, which onlines them itself.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "check_rules.h"

#define GRUB_HINT "(Debian: GRUB_CMDLINE_LINUX in /etc/default/grub, then update-grub) and reboot"

const char *check_status_name(enum check_status s)
{
	switch (s) {
	case CHECK_OK: return "ok";
	case CHECK_WARN: return "warn";
	case CHECK_FAIL: return "fail";
	}
	return "?";
}

/**
 * cmdline_get() - the value of a parameter on a kernel command line
 * @cmdline: the contents of /proc/cmdline
 * @key: the parameter, e.g. "memhp_default_state"
 * @val: where to put its value ("" for a bare "key")
 * @len: size of @val
 *
 * The last occurrence wins, as in the kernel. Double quotes around the
 * value or the whole parameter are dropped; the kernel treats '-' and '_' in names alike, so does this.
 *
 * Return: whether @key is present.
 */
bool cmdline_get(const char *cmdline, const char *key, char *val, size_t len)
{
	size_t klen = strlen(key);
	const char *p = cmdline;
	bool found = false;

	while (*p) {
		const char *tok, *end;
		bool quoted = false;
		size_t i;

		while (isspace((unsigned char)*p))
			p++;
		if (!*p)
			break;
		tok = p;
		for (end = p; *end && (quoted || !isspace((unsigned char)*end)); end++)
			if (*end == '"')
				quoted = !quoted;
		p = end;
		if (*tok == '"')	/* "param=value with spaces" */
			tok++;

		for (i = 0; i < klen && tok + i < end; i++) {
			char a = tok[i] == '-' ? '_' : tok[i];
			char b = key[i] == '-' ? '_' : key[i];

			if (a != b)
				break;
		}
		if (i < klen || (tok + klen < end && tok[klen] != '='))
			continue;

		found = true;
		if (len) {
			const char *v = tok + klen;
			size_t n;

			if (v < end && *v == '=')
				v++;
			if (v < end && *v == '"')
				v++;
			n = end - v;
			if (n && v[n - 1] == '"')
				n--;
			if (n >= len)
				n = len - 1;
			memcpy(val, v, n);
			val[n] = '\0';
		}
	}
	return found;
}

static void set(char *dst, size_t len, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(dst, len, fmt, ap);
	va_end(ap);
}

#define SET(r, field, ...) set((r)->field, sizeof((r)->field), __VA_ARGS__)

/**
 * check_memmap_on_memory() - is memory_hotplug.memmap_on_memory on?
 * @r: the verdict
 * @param: contents of /sys/module/memory_hotplug/parameters/memmap_on_memory,
 *	NULL if the file does not exist
 * @cmdline: contents of /proc/cmdline
 */
void check_memmap_on_memory(struct check_result *r, const char *param,
			    const char *cmdline)
{
	char val[64];

	memset(r, 0, sizeof(*r));
	r->name = "memmap_on_memory";
	if (!param) {
		r->status = CHECK_FAIL;
		SET(r, value, "absent");
		SET(r, message, "the kernel has no memory_hotplug.memmap_on_memory parameter");
		SET(r, fix, "boot a kernel with CONFIG_MEMORY_HOTPLUG and CONFIG_MHP_MEMMAP_ON_MEMORY (Debian's has both)");
		return;
	}
	SET(r, value, "%s", param);
	if (!strcmp(param, "Y") || !strcmp(param, "1") || !strcmp(param, "force")) {
		r->status = CHECK_OK;
		SET(r, message, "volatile sections keep their struct pages inside the pmem");
		return;
	}
	r->status = CHECK_FAIL;
	SET(r, message, "memory_hotplug.memmap_on_memory is off: volatile sections cannot keep their struct pages in the pmem");
	if (cmdline_get(cmdline, "memory_hotplug.memmap_on_memory", val, sizeof(val)))
		SET(r, fix, "change memory_hotplug.memmap_on_memory=%s to memory_hotplug.memmap_on_memory=1 on the kernel command line " GRUB_HINT,
		    val);
	else
		SET(r, fix, "add memory_hotplug.memmap_on_memory=1 to the kernel command line " GRUB_HINT);
}

/**
 * check_auto_online() - does the kernel's auto-online policy suit us?
 * @r: the verdict
 * @policy: contents of /sys/devices/system/memory/auto_online_blocks, NULL
 *	if the file does not exist
 * @cmdline: contents of /proc/cmdline
 */
void check_auto_online(struct check_result *r, const char *policy,
		       const char *cmdline)
{
	char val[64];
	bool on_cmdline;

	memset(r, 0, sizeof(*r));
	r->name = "auto_online_blocks";
	if (!policy) {
		r->status = CHECK_FAIL;
		SET(r, value, "absent");
		SET(r, message, "the kernel has no memory hotplug (/sys/devices/system/memory/auto_online_blocks)");
		SET(r, fix, "boot a kernel with CONFIG_MEMORY_HOTPLUG and CONFIG_MEMORY_HOTREMOVE (Debian's has both)");
		return;
	}
	SET(r, value, "%s", policy);
	on_cmdline = cmdline_get(cmdline, "memhp_default_state", val, sizeof(val));

	if (!strcmp(policy, "online_movable")) {
		r->status = CHECK_OK;
		SET(r, message, "the kernel onlines sections made volatile into ZONE_MOVABLE itself");
		if (!on_cmdline || strcmp(val, "online_movable"))
			SET(r, fix, "to keep it after reboot, add memhp_default_state=online_movable to the kernel command line " GRUB_HINT);
		return;
	}
	if (!strcmp(policy, "offline")) {
		r->status = CHECK_WARN;
		SET(r, message, "sections made volatile stay offline until onlined: pmemctl onlines them, a bare sysfs write does not");
		SET(r, fix, "echo online_movable > /sys/devices/system/memory/auto_online_blocks, and add memhp_default_state=online_movable to the kernel command line " GRUB_HINT);
		return;
	}
	r->status = CHECK_FAIL;
	SET(r, message, "the kernel onlines hot-added memory as '%s' (ZONE_NORMAL, Debian's default from 6.12 on): kmem_pmem refuses that, since such a section could never become persistent again, so sections made volatile stay offline until onlined movable (pmemctl does)",
	    policy);
	if (on_cmdline)
		SET(r, fix, "echo online_movable > /sys/devices/system/memory/auto_online_blocks, and change memhp_default_state=%s to memhp_default_state=online_movable on the kernel command line " GRUB_HINT,
		    val);
	else
		SET(r, fix, "echo online_movable > /sys/devices/system/memory/auto_online_blocks, and add memhp_default_state=online_movable to the kernel command line " GRUB_HINT);
}

/**
 * check_module() - is the driver there?
 * @r: the verdict
 * @module_loaded: /sys/module/kmem_pmem exists
 * @driver_registered: /sys/bus/dax/drivers/kmem_pmem exists
 */
void check_module(struct check_result *r, bool module_loaded,
		  bool driver_registered)
{
	memset(r, 0, sizeof(*r));
	r->name = "module";
	if (driver_registered) {
		r->status = CHECK_OK;
		SET(r, value, "loaded");
		SET(r, message, "kmem_pmem is loaded and registered on the dax bus");
		return;
	}
	r->status = CHECK_FAIL;
	if (module_loaded) {
		SET(r, value, "unregistered");
		SET(r, message, "kmem_pmem is loaded but not registered as a dax driver");
		SET(r, fix, "see the kernel log (dmesg | grep kmem_pmem), then rmmod kmem_pmem and load it again");
		return;
	}
	SET(r, value, "not loaded");
	SET(r, message, "the kmem_pmem module is not loaded");
	SET(r, fix, "modprobe kmem_pmem (or, from the build tree, modprobe libnvdimm; insmod kmem_pmem.ko)");
}
