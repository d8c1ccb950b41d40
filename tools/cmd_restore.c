// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl restore [<daxX.Y>...]: after boot, put kmem_pmem devices back
 * as they were.
 *
 * The split between volatile and persistent sections is recorded on the
 * media and the driver re-adds recorded volatile sections when it binds,
 * so restoring is: bind each device that carries kmem_pmem's table (found
 * by media.c; or that is named) to kmem_pmem, then online the volatile
 * sections the kernel's auto-online policy left offline, in the
 * hole-keeping order of move_plan.c. Devices bound already only get the
 * onlining.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <daxctl/libdaxctl.h>

#include "builtin.h"
#include "size.h"

/**
 * online_volatile() - online the volatile sections of a device that are not
 * @a: the command line (--dry-run, --no-online, --quiet)
 * @name: the device, bound to kmem_pmem
 * @arr: if not NULL, add the device's JSON object to this array
 *
 * In the hole-keeping order; progress and a summary on stderr.
 *
 * Return: the exit code.
 */
int online_volatile(struct pmemctl_args *a, const char *name,
		    struct json_object *arr)
{
	struct move_plan plan = { 0 };
	struct kmp_info info;
	unsigned int done = 0, failed = 0;
	double t0 = now_seconds();
	uint32_t i;
	int rc;

	rc = kmp_info_read(name, &info);
	if (rc) {
		pm_err(a, "%s: cannot read its kmem_pmem attributes: %s", name,
		       strerror(-rc));
		return EXIT_FAILED;
	}
	if (!a->no_online &&
	    move_plan_build(&plan, TO_VOLATILE, &info.vol, &info.vol,
			    &info.online, true)) {
		kmp_info_free(&info);
		return EXIT_FAILED;
	}
	if (a->dry_run) {
		for (i = 0; i < plan.nr_steps; i++)
			printf("%s: would online section %u (memory%llu)\n", name,
			       plan.steps[i].section,
			       (unsigned long long)(info.first_memory_block +
						    plan.steps[i].section));
	} else {
		for (i = 0; i < plan.nr_steps; i++) {
			if (online_section(a, &info, plan.steps[i].section)) {
				failed++;
				continue;
			}
			done++;
			if (plan.nr_steps > 1)
				pm_info(a, "%s: section %u online (%u/%u)", name,
					plan.steps[i].section, i + 1, plan.nr_steps);
		}
		kmp_info_read_lists(&info);
	}
	if (!a->dry_run) {
		char sz[FMT_SIZE_LEN];
		uint64_t ram, pm, dm;

		kmp_info_accounting(&info, &ram, &pm, &dm);
		pm_info(a, "%s: %lu volatile sections, %lu online (%u onlined now, %.2f s): %s of RAM on node %d",
			name, seclist_count(&info.vol), seclist_count(&info.online),
			done, now_seconds() - t0, fmt_size(ram, sz, sizeof(sz)),
			info.target_node);
	}
	if (arr)
		json_object_array_add(arr, kmp_info_to_json(&info, false));
	move_plan_free(&plan);
	kmp_info_free(&info);
	return failed ? EXIT_FAILED : EXIT_OK;
}

static int restore_one(struct pmemctl_args *a, struct daxctl_ctx *ctx,
		       const char *name, bool named, struct json_object *arr)
{
	struct daxctl_dev *dev = find_dax_dev(ctx, name);
	char drv[64], meta[16];
	int rc;

	if (!dev || dax_driver(name, drv, sizeof(drv))) {
		pm_err(a, "%s: no such dax device", name);
		return EXIT_USAGE;
	}
	if (strcmp(drv, KMP_DRIVER)) {
		rc = media_metadata(dev, meta, sizeof(meta));
		if (rc <= 0 && !named)
			return EXIT_OK;
		if (rc > 0 && strcmp(meta, "ok"))
			pm_warn(a, "%s: its kmem_pmem table is corrupt: the driver will keep every section persistent",
				name);
		if (a->dry_run) {
			printf("%s: would bind to kmem_pmem (now: %s; kmem_pmem metadata %s)\n",
			       name, drv[0] ? drv : "unbound",
			       rc >= 0 ? meta : "unknown");
			return EXIT_OK;
		}
		rc = bind_to_kmp(a, ctx, name);
		if (rc)
			return rc;
		pm_info(a, "%s: bound to kmem_pmem", name);
	}
	return online_volatile(a, name, arr);
}

/**
 * cmd_restore() - pmemctl restore [-n] [-j] [-q] [--no-online] [<daxX.Y>...]
 * @a: the command line
 * @ctx: libdaxctl, to find the devices
 *
 * Without arguments: every device bound to kmem_pmem, and every other dax
 * device whose media carries kmem_pmem metadata. Named devices are bound
 * whatever their media holds.
 *
 * Return: the exit code.
 */
int cmd_restore(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	struct json_object *arr = a->json ? json_object_new_array() : NULL;
	struct daxctl_region *region;
	struct daxctl_dev *dev;
	int i, rc = EXIT_OK;

	if (!kmp_driver_registered()) {
		pm_err(a, "the kmem_pmem module is not loaded (modprobe kmem_pmem)");
		if (arr)
			json_object_put(arr);
		return EXIT_UNSUPPORTED;
	}
	for (i = 0; i < a->nr_devs; i++) {
		char name[64];
		int r;

		if (parse_dev_arg(a->devs[i], name, sizeof(name)) != DEV_DAX) {
			pm_err(a, "'%s' is not a dax device name (daxX.Y)", a->devs[i]);
			r = EXIT_USAGE;
		} else {
			r = restore_one(a, ctx, name, true, arr);
		}
		if (r)
			rc = r;
	}
	if (!a->nr_devs) {
		daxctl_region_foreach(ctx, region) {
			daxctl_dev_foreach(region, dev) {
				int r = restore_one(a, ctx, daxctl_dev_get_devname(dev),
						    false, arr);

				if (r)
					rc = r;
			}
		}
	}
	if (arr) {
		print_json(arr);
		json_object_put(arr);
	}
	return rc;
}
