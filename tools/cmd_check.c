// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl check: is this kernel set up for kmem_pmem, and if not, exactly
 * what to change (the rules are in check_rules.c).
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <daxctl/libdaxctl.h>

#include "builtin.h"
#include "check_rules.h"
#include "size.h"

#define MAX_CHECKS 32

static const char *read_or_null(const char *path, char *buf, size_t len)
{
	return sysfs_read(path, buf, len) ? NULL : buf;
}

/*
 * Per-device verdicts: where the memmap went, the metadata; and devices
 * whose media carries a table but that are not bound (not restored).
 */
static int check_devices(struct daxctl_ctx *ctx, struct check_result *r,
			 int max)
{
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	int n = 0;

	daxctl_region_foreach(ctx, region) {
		daxctl_dev_foreach(region, dev) {
			const char *name = daxctl_dev_get_devname(dev);
			struct kmp_info info;

			char meta[16];

			if (n >= max)
				continue;
			if (kmp_info_read(name, &info)) {
				/* Not bound: left behind by a boot? */
				if (media_metadata(dev, meta, sizeof(meta)) <= 0)
					continue;
				memset(&r[n], 0, sizeof(r[n]));
				r[n].name = "device";
				r[n].status = CHECK_WARN;
				snprintf(r[n].value, sizeof(r[n].value), "%s", name);
				snprintf(r[n].message, sizeof(r[n].message),
					 "%s: carries a kmem_pmem table (%s) but is not bound to kmem_pmem",
					 name, meta);
				snprintf(r[n].fix, sizeof(r[n].fix),
					 "pmemctl restore (at every boot: systemctl enable pmemctl-restore.service)");
				n++;
				continue;
			}
			memset(&r[n], 0, sizeof(r[n]));
			r[n].name = "device";
			snprintf(r[n].value, sizeof(r[n].value), "%s", name);
			if (strcmp(info.memmap, "pmem")) {
				r[n].status = strcmp(info.memmap, "dram") ?
					      CHECK_FAIL : CHECK_WARN;
				snprintf(r[n].message, sizeof(r[n].message),
					 "%s: memmap is '%s': volatile sections' struct pages are not in the pmem",
					 name, info.memmap);
				snprintf(r[n].fix, sizeof(r[n].fix),
					 "boot with memory_hotplug.memmap_on_memory=1, then 'pmemctl restore'");
			} else if (!strcmp(info.metadata, "corrupt")) {
				r[n].status = CHECK_FAIL;
				snprintf(r[n].message, sizeof(r[n].message),
					 "%s: its on-media table of sections is corrupt or of another geometry: every section is kept persistent",
					 name);
				snprintf(r[n].fix, sizeof(r[n].fix),
					 "see the kernel log (dmesg | grep kmem_pmem); to start afresh, sections that may hold old RAM zeroed before use: echo init > " DAX_DEVICES "/%s/" KMP_DRIVER "/metadata",
					 name);
			} else {
				r[n].status = CHECK_OK;
				snprintf(r[n].message, sizeof(r[n].message),
					 "%s: %lu sections, memmap in pmem, metadata %s",
					 name, info.sections, info.metadata);
			}
			kmp_info_free(&info);
			n++;
		}
	}
	return n;
}

/**
 * cmd_check() - pmemctl check [-j] [-q]
 * @a: the command line
 * @ctx: libdaxctl, to find the devices
 *
 * Return: EXIT_OK if nothing must change (warnings allowed), else
 * EXIT_UNSUPPORTED.
 */
int cmd_check(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	char param[64], policy[64], *cmdline;
	struct check_result r[MAX_CHECKS];
	int n = 0, i, failed = 0;

	cmdline = calloc(1, 8192);
	if (!cmdline)
		return EXIT_FAILED;
	if (sysfs_read("/proc/cmdline", cmdline, 8192))
		cmdline[0] = '\0';

	check_memmap_on_memory(&r[n++],
		read_or_null(MEMMAP_ON_MEMORY_PARAM, param, sizeof(param)), cmdline);
	check_auto_online(&r[n++],
		read_or_null(AUTO_ONLINE_BLOCKS, policy, sizeof(policy)), cmdline);
	check_module(&r[n++], path_exists("/sys/module/" KMP_DRIVER),
		     kmp_driver_registered());
	n += check_devices(ctx, &r[n], MAX_CHECKS - n);
	free(cmdline);

	for (i = 0; i < n; i++)
		if (r[i].status == CHECK_FAIL)
			failed++;

	if (a->json) {
		struct json_object *o = json_object_new_object();
		struct json_object *arr = json_object_new_array();
		char bs[32];
		uint64_t block_size = 0;

		if (!sysfs_read(MEMORY_DIR "/block_size_bytes", bs, sizeof(bs)))
			block_size = strtoull(bs, NULL, 16);
		for (i = 0; i < n; i++) {
			struct json_object *c = json_object_new_object();

			json_object_object_add(c, "name", json_object_new_string(r[i].name));
			json_object_object_add(c, "status",
				json_object_new_string(check_status_name(r[i].status)));
			json_object_object_add(c, "value", json_object_new_string(r[i].value));
			json_object_object_add(c, "message", json_object_new_string(r[i].message));
			json_object_object_add(c, "fix", r[i].fix[0] ?
				json_object_new_string(r[i].fix) : NULL);
			json_object_array_add(arr, c);
		}
		json_object_object_add(o, "ok", json_object_new_boolean(!failed));
		json_object_object_add(o, "memory_block_size",
				       json_object_new_int64(block_size));
		json_object_object_add(o, "checks", arr);
		print_json(o);
		json_object_put(o);
	} else {
		for (i = 0; i < n; i++) {
			if (r[i].status == CHECK_OK && a->quiet)
				continue;
			printf("%-4s  %-18s %s\n", check_status_name(r[i].status),
			       r[i].name, r[i].message);
			if (r[i].fix[0] && r[i].status != CHECK_OK)
				printf("      %-18s fix: %s\n", "", r[i].fix);
			else if (r[i].fix[0])
				printf("      %-18s note: %s\n", "", r[i].fix);
		}
	}
	if (failed)
		pm_err(a, "%d problem%s: see the 'fix' %s above", failed,
		       failed == 1 ? "" : "s", a->json ? "keys" : "lines");
	return failed ? EXIT_UNSUPPORTED : EXIT_OK;
}
