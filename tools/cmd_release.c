// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl release <daxX.Y>: hand a device back clean.
 *
 * A plain unbind (or rmmod) takes the volatile sections out of the page
 * allocator but leaves them recorded volatile, their RAM contents on the
 * media, so that the next bind makes them RAM again at once. device_dax
 * or kmem bound to the device then would expose those bytes. release
 * first makes every section persistent, which zeroes what was RAM, and
 * only then unbinds the device from kmem_pmem and gives it to device_dax.
 * If a section cannot be made persistent (pages that cannot be migrated:
 * EBUSY) it says which, and nothing is unbound.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <daxctl/libdaxctl.h>

#include "builtin.h"
#include "size.h"

/*
 * Unbinding revokes the char device's mappings and kills every device-dax
 * instance of a persistent section (its mappings get SIGBUS): not under a
 * user's feet. @pid has @path open or mapped: refuse, or warn.
 */
static int refuse_in_use(struct pmemctl_args *a, const struct kmp_info *info,
			 const char *path, pid_t pid)
{
	if (!pid)
		return EXIT_OK;
	if (!a->force) {
		pm_err(a, "%s: in use: process %d has %s open or mapped; use --force to revoke its access",
		       info->name, (int)pid, path);
		return EXIT_REFUSED;
	}
	pm_warn(a, "%s: process %d has %s open or mapped: its access ends (--force)",
		info->name, (int)pid, path);
	return EXIT_OK;
}

/* The char device and every persistent section's instance: each user named. */
static int check_unused(struct pmemctl_args *a, const struct kmp_info *info)
{
	struct dev_uses uses;
	unsigned long i;
	char path[80];
	pid_t pid;
	int rc;

	snprintf(path, sizeof(path), KMP_CHARDEV_DIR "/%s", info->name);
	rc = refuse_in_use(a, info, path, dev_user(path));
	rc = instance_users_scan(a, info, &uses) ?: rc;
	for (i = 0; uses.nr && i < info->sections; i++) {
		if (seclist_test(&info->vol, i))
			continue;
		pid = instance_user(&uses, info, i, path, sizeof(path));
		rc = refuse_in_use(a, info, path, pid) ?: rc;
	}
	dev_uses_free(&uses);
	return rc;
}

/* Every volatile section persistent, one at a time, with progress. */
static int make_all_persistent(struct pmemctl_args *a, struct kmp_info *info)
{
	struct seclist moved = { 0 }, failed = { 0 };
	struct move_plan plan = { 0 };
	char sz[FMT_SIZE_LEN], *text;
	int rc = EXIT_FAILED;
	double t0;

	if (seclist_init(&moved, info->sections) ||
	    seclist_init(&failed, info->sections) ||
	    move_plan_build(&plan, TO_PERSISTENT, &info->vol, &info->vol,
			    &info->online, false))
		goto out;
	t0 = now_seconds();
	if (plan.nr_steps)
		pm_info(a, "%s: making %u volatile sections persistent (each is zeroed)",
			info->name, plan.nr_steps);
	run_move_plan(a, info, TO_PERSISTENT, &plan, &moved, &failed);
	if (seclist_count(&failed)) {
		text = seclist_format_alloc(&failed);
		pm_err(a, "%s: not released: sections %s could not be made persistent and stay volatile; nothing was unbound",
		       info->name, text ? text : "?");
		free(text);
		goto out;
	}
	/* Also zeroes sections recorded volatile that are not RAM. */
	rc = kmp_make_all_persistent(info);
	if (rc) {
		pm_err(a, "%s: not released: making all sections persistent failed: %s: %s; nothing was unbound",
		       info->name, strerror(-rc),
		       move_error_reason(-rc, TO_PERSISTENT, false));
		rc = EXIT_FAILED;
		goto out;
	}
	if (seclist_count(&moved))
		pm_info(a, "%s: %lu sections made persistent (%s) in %.2f s",
			info->name, seclist_count(&moved),
			fmt_size(seclist_count(&moved) * info->section_size, sz,
				 sizeof(sz)), now_seconds() - t0);
	rc = EXIT_OK;
out:
	move_plan_free(&plan);
	seclist_free(&moved);
	seclist_free(&failed);
	return rc;
}

/* From kmem_pmem to device_dax. */
static int give_to_device_dax(struct pmemctl_args *a, struct daxctl_ctx *ctx,
			      const char *name)
{
	struct daxctl_dev *dev;
	char drv[64];
	int rc;

	rc = kmp_unbind(name);
	if (rc) {
		pm_err(a, "%s: cannot unbind it from kmem_pmem: %s", name,
		       strerror(-rc));
		return EXIT_FAILED;
	}
	dev = find_dax_dev(ctx, name);
	rc = dev ? daxctl_dev_enable_devdax(dev) : -ENODEV;
	if (!rc && (dax_driver(name, drv, sizeof(drv)) ||
		    strcmp(drv, "device_dax")))
		rc = -ENXIO;
	if (rc) {
		pm_err(a, "%s: unbound from kmem_pmem, every section persistent, but device_dax does not take it: %s",
		       name, strerror(-rc));
		return EXIT_FAILED;
	}
	return EXIT_OK;
}

static void print_released(struct daxctl_ctx *ctx, const struct kmp_info *info)
{
	struct daxctl_dev *dev = find_dax_dev(ctx, info->name);
	char meta[16] = "none";
	struct json_object *o;

	if (!dev || media_metadata(dev, meta, sizeof(meta)) < 0)
		snprintf(meta, sizeof(meta), "unknown");
	o = dax_dev_to_json(info->name, "device_dax", info->size,
			    info->target_node, meta);
	json_object_object_add(o, "sections", json_object_new_int64(info->sections));
	json_object_object_add(o, "nr_made_persistent",
			       json_object_new_int64(seclist_count(&info->vol)));
	print_json(o);
	json_object_put(o);
}

/*
 * A device left by a plain unbind is on device_dax with kmem_pmem's table
 * still on its media: say how to clean it.
 */
static int not_bound(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	struct daxctl_dev *dev;
	char name[64], drv[64], meta[16];

	if (parse_dev_arg(a->dev, name, sizeof(name)) != DEV_DAX ||
	    dax_driver(name, drv, sizeof(drv)) || strcmp(drv, "device_dax"))
		return 0;
	dev = find_dax_dev(ctx, name);
	if (!dev || media_metadata(dev, meta, sizeof(meta)) != 1)
		return 0;
	pm_err(a, "%s: not bound to kmem_pmem, but its media carries kmem_pmem's table: if it was unbound without 'pmemctl release', the sections it records volatile still hold what was in RAM; clean them with 'pmemctl setup %s' then 'pmemctl release %s'",
	       name, name, name);
	return 1;
}

/**
 * cmd_release() - pmemctl release [-f] [-j] [-q] <daxX.Y>
 * @a: the command line
 * @ctx: libdaxctl
 *
 * Return: the exit code.
 */
int cmd_release(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	struct kmp_info info;
	int rc;

	if (not_bound(a, ctx))
		return EXIT_USAGE;
	rc = open_kmp_dev(a, a->dev, &info);
	if (rc)
		return rc;
	rc = check_unused(a, &info);
	if (!rc)
		rc = make_all_persistent(a, &info);
	if (!rc)
		rc = give_to_device_dax(a, ctx, info.name);
	if (!rc) {
		pm_info(a, "%s: released: all %lu sections persistent, former RAM zeroed; bound to device_dax",
			info.name, info.sections);
		if (a->json)
			print_released(ctx, &info);
	} else if (a->json && !kmp_info_read_lists(&info)) {
		struct json_object *o = kmp_info_to_json(&info, false);

		print_json(o);
		json_object_put(o);
	}
	kmp_info_free(&info);
	return rc;
}
