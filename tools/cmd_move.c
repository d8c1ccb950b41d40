// SPDX-License-Identifier: GPL-2.0
/*
 * pmemctl volatile, pmemctl persistent: move sections, one at a time.
 *
 * One section per write to the driver's sysfs file, in the order
 * move_plan.c chooses, so that each section can be reported as it goes
 * and each block the kernel's auto-online policy leaves offline can be
 * onlined into ZONE_MOVABLE (as daxctl does for kmem) before the next.
 * A section that fails is reported with its reason and the move goes on
 * with the others; the exit code says whether all went.
 *
 * Making a persistent section volatile discards its contents, so unless
 * --force every such section is read first, through the driver's
 * character device, and the whole move refused if one holds data.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"
#include "size.h"

/* How long the hole keeper may take to go offline before the move. */
#define HOLE_KEEPER_TIMEOUT_S	30

/* Volatile sections need their struct pages somewhere: refuse early. */
static int check_memmap(struct pmemctl_args *a, const struct kmp_info *info)
{
	char param[16];

	if (!strcmp(info->memmap, "dram")) {
		pm_warn(a, "%s: memmap is in DRAM: each volatile section costs DRAM for its struct pages",
			info->name);
		return EXIT_OK;
	}
	if (sysfs_read(MEMMAP_ON_MEMORY_PARAM, param, sizeof(param)))
		param[0] = '\0';
	if (strcmp(info->memmap, "pmem") ||
	    (strcmp(param, "Y") && strcmp(param, "1") && strcmp(param, "force"))) {
		pm_err(a, "%s: the kernel was booted without memory_hotplug.memmap_on_memory=1, so sections cannot keep their struct pages in the pmem: add it to the kernel command line and reboot (see 'pmemctl check')",
		       info->name);
		return EXIT_UNSUPPORTED;
	}
	return EXIT_OK;
}

/*
 * Refuse (unless --force) to make volatile a persistent section whose
 * device-dax instance a process has open or mapped: the driver refuses a
 * mapped one (EBUSY) but cannot see open files, whose next mmap() would
 * fail. Nothing has moved yet when this refuses.
 */
static int check_in_use(struct pmemctl_args *a, const struct kmp_info *info,
			const struct move_plan *plan)
{
	struct dev_uses uses;
	uint32_t i, s;
	char path[80];
	pid_t pid;
	int rc;

	if (a->force)
		return EXIT_OK;
	rc = instance_users_scan(a, info, &uses);
	for (i = 0; uses.nr && i < plan->nr_steps; i++) {
		s = plan->steps[i].section;
		pid = plan->steps[i].write ?
		      instance_user(&uses, info, s, path, sizeof(path)) : 0;
		if (!pid)
			continue;
		pm_err(a, "%s: section %u: refusing to make it volatile: its device-dax instance %s is open or mapped by process %d; use --force to try anyway (the driver still refuses a mapped one)",
		       info->name, s, path, (int)pid);
		rc = EXIT_REFUSED;
	}
	dev_uses_free(&uses);
	return rc;
}

/*
 * Refuse (unless --force) to make volatile any persistent section of
 * @plan that holds data; nothing has moved yet when this refuses.
 */
static int check_data(struct pmemctl_args *a, const struct kmp_info *info,
		      const struct move_plan *plan)
{
	struct seclist todo, dirty;
	double t0;
	char *text;
	uint32_t i;
	int rc = EXIT_OK;

	if (seclist_init(&todo, info->sections))
		return EXIT_FAILED;
	for (i = 0; i < plan->nr_steps; i++)
		if (plan->steps[i].write)
			seclist_set(&todo, plan->steps[i].section);
	if (!seclist_count(&todo)) {
		seclist_free(&todo);
		return EXIT_OK;
	}
	text = seclist_format_alloc(&todo);
	if (a->force) {
		pm_warn(a, "%s: --force: whatever sections %s hold is discarded",
			info->name, text ? text : "?");
		free(text);
		seclist_free(&todo);
		return EXIT_OK;
	}
	if (!info->chardev) {
		pm_err(a, "%s: cannot check that sections %s hold no data: " KMP_CHARDEV_DIR "/%s does not exist; use --force to discard whatever they hold",
		       info->name, text ? text : "?", info->name);
		free(text);
		seclist_free(&todo);
		return EXIT_REFUSED;
	}
	if (seclist_count(&todo) > 1)
		pm_info(a, "%s: checking that sections %s hold no data", info->name,
			text ? text : "?");
	free(text);
	t0 = now_seconds();

	if (seclist_init(&dirty, info->sections)) {
		seclist_free(&todo);
		return EXIT_FAILED;
	}
	for (i = 0; i < plan->nr_steps; i++) {
		unsigned long s = plan->steps[i].section;
		uint64_t off = 0;
		int r;

		if (!plan->steps[i].write)
			continue;
		r = kmp_section_has_data(info, s, &off);
		if (r < 0) {
			pm_err(a, "%s: section %lu: cannot read it to check for data: %s; use --force to discard whatever it holds",
			       info->name, s, strerror(-r));
			rc = EXIT_REFUSED;
			break;
		}
		if (r > 0) {
			pm_err(a, "%s: section %lu holds data (first non-zero byte at offset %#" PRIx64 ")",
			       info->name, s, off);
			seclist_set(&dirty, s);
		}
	}
	if (rc == EXIT_OK && !seclist_count(&dirty) && seclist_count(&todo) > 1) {
		char sz[FMT_SIZE_LEN];

		pm_info(a, "%s: %lu sections (%s) hold no data: checked in %.2f s",
			info->name, seclist_count(&todo),
			fmt_size(seclist_count(&todo) * info->section_size, sz,
				 sizeof(sz)), now_seconds() - t0);
	}
	if (rc == EXIT_OK && seclist_count(&dirty)) {
		text = seclist_format_alloc(&dirty);
		pm_err(a, "%s: refusing to make sections %s volatile: that discards their data; use --force",
		       info->name, text ? text : "?");
		free(text);
		rc = EXIT_REFUSED;
	}
	seclist_free(&dirty);
	seclist_free(&todo);
	return rc;
}

static void warn_policy(struct pmemctl_args *a)
{
	char policy[32];

	if (sysfs_read(AUTO_ONLINE_BLOCKS, policy, sizeof(policy)))
		return;
	if (!strcmp(policy, "online") || !strcmp(policy, "online_kernel"))
		pm_warn(a, "auto_online_blocks is '%s': the kernel onlines sections into ZONE_NORMAL, from where they may never become persistent again (see 'pmemctl check')",
			policy);
}

/**
 * online_section() - online a volatile section's block if the kernel did not
 * @a: the command line, for messages
 * @info: the device
 * @s: the section, volatile
 *
 * Says why on stderr when it cannot, and warns when the block is online
 * in another zone than Movable.
 *
 * Return: 0 or a negative errno.
 */
int online_section(struct pmemctl_args *a, const struct kmp_info *info,
		   uint32_t s)
{
	uint64_t block = info->first_memory_block + s;
	char zone[32];
	int rc;

	rc = memblock_online_movable(block);
	if (rc) {
		pm_err(a, "%s: section %u: cannot online memory%" PRIu64 ": %s: %s",
		       info->name, s, block, strerror(-rc),
		       move_error_reason(-rc, TO_VOLATILE, true));
		return rc;
	}
	if (!memblock_zone(block, zone, sizeof(zone)) && strcmp(zone, "Movable"))
		pm_warn(a, "%s: section %u is online in zone %s, not Movable: it may not become persistent again",
			info->name, s, zone);
	return 0;
}

/*
 * The hole keeper's two steps (move_plan_keep_hole()): offline it before
 * the moves, online it after them if it went offline. A keeper that cannot
 * go offline (pages pinned, say) only costs time. Sets *@kept while it is
 * offline. Return: nonzero if onlining it again failed.
 */
static int keep_hole(struct pmemctl_args *a, const struct kmp_info *info,
		     const struct move_step *st, bool *kept)
{
	uint64_t block = info->first_memory_block + st->section;
	int rc;

	if (st->offline) {
		rc = memblock_offline(block, HOLE_KEEPER_TIMEOUT_S);
		if (rc) {
			pm_warn(a, "%s: section %u (not moved) could not go offline for the move (%s): each section moved makes the kernel rescan the whole zone, which is slow on a large one",
				info->name, st->section, strerror(-rc));
			return 0;
		}
		*kept = true;
		pm_info(a, "%s: section %u offline until the move ends: a hole at the zone's start keeps the kernel's zone rescans short",
			info->name, st->section);
		return 0;
	}
	if (!*kept)
		return 0;
	*kept = false;
	rc = online_section(a, info, st->section);
	if (!rc)
		pm_info(a, "%s: section %u online again", info->name, st->section);
	return rc;
}

/*
 * Why a section's move failed. A persistent section served as device-dax
 * is refused (EBUSY) while its instance is mapped or a page of it is held:
 * name the instance and, as fuser(1) would, who maps it.
 */
static void say_move_error(struct pmemctl_args *a, const struct kmp_info *info,
			   enum move_dir dir, uint32_t section, int rc)
{
	char dax[64], path[80];
	pid_t pid;

	if (rc == -EBUSY && dir == TO_VOLATILE &&
	    !kmp_section_device(info->name, section, dax, sizeof(dax))) {
		snprintf(path, sizeof(path), "/dev/%s", dax);
		pid = dev_user(path);
		if (pid)
			pm_err(a, "%s: section %u: cannot make it volatile: %s: its device-dax instance %s is mapped by process %d",
			       info->name, section, strerror(-rc), path, (int)pid);
		else
			pm_err(a, "%s: section %u: cannot make it volatile: %s: its device-dax instance %s is mapped, or a page of it is still held after its last mapping (a pipe, a pinned buffer; the kernel log says which)",
			       info->name, section, strerror(-rc), path);
		return;
	}
	pm_err(a, "%s: section %u: cannot make it %s: %s: %s", info->name,
	       section, dir == TO_VOLATILE ? "volatile" : "persistent",
	       strerror(-rc), move_error_reason(-rc, dir, false));
}

/**
 * run_move_plan() - move the sections of a plan, one sysfs write each
 * @a: the command line, for messages
 * @info: the device
 * @dir: where to
 * @plan: the steps, in order (move_plan_build())
 * @moved: sections moved, added to
 * @failed: sections that failed, added to, each said with its reason
 *
 * Goes on past a section that fails, except when the device is gone or
 * the write not allowed; one line of progress per section. A hole keeper
 * is onlined again in every case.
 *
 * Return: 0, or nonzero if the hole keeper could not be onlined again.
 */
int run_move_plan(struct pmemctl_args *a, const struct kmp_info *info,
		  enum move_dir dir, const struct move_plan *plan,
		  struct seclist *moved, struct seclist *failed)
{
	const char *where = dir == TO_VOLATILE ? "volatile" : "persistent";
	uint32_t i, done = 0, nr = move_plan_moves(plan);
	bool kept = false;
	int rc, keeper_rc = 0;

	for (i = 0; i < plan->nr_steps; i++) {
		const struct move_step *st = &plan->steps[i];

		if (st->section == plan->hole_keeper) {
			keeper_rc = keep_hole(a, info, st, &kept);
			continue;
		}
		done++;
		if (st->write) {
			rc = kmp_move_section(info, dir, st->section);
			if (rc) {
				say_move_error(a, info, dir, st->section, rc);
				seclist_set(failed, st->section);
				if (rc == -ENODEV || rc == -ENXIO || rc == -ENOENT ||
				    rc == -EPERM || rc == -EACCES)
					break;
				continue;
			}
		}
		if (st->online && online_section(a, info, st->section)) {
			seclist_set(failed, st->section);
			continue;
		}
		seclist_set(moved, st->section);
		if (nr > 1)
			pm_info(a, "%s: section %u %s%s (%u/%u)", info->name,
				st->section, where,
				st->online ? ", online" : "", done, nr);
	}
	/* Not reached when a write ended the move early. */
	if (kept)
		keeper_rc = online_section(a, info, plan->hole_keeper);
	if (keeper_rc)
		pm_err(a, "%s: section %u stays volatile but offline: 'pmemctl volatile %s %u' onlines it",
		       info->name, plan->hole_keeper, info->name, plan->hole_keeper);
	return keeper_rc;
}

/**
 * cmd_move() - pmemctl volatile|persistent [options] <daxX.Y> <sections>
 * @a: the command line
 * @ctx: libdaxctl (unused: the device is named)
 *
 * Return: the exit code.
 */
int cmd_move(struct pmemctl_args *a, struct daxctl_ctx *ctx)
{
	enum move_dir dir = a->cmd == CMD_VOLATILE ? TO_VOLATILE : TO_PERSISTENT;
	const char *where = dir == TO_VOLATILE ? "volatile" : "persistent";
	struct seclist req = { 0 }, moved = { 0 }, failed = { 0 };
	struct move_plan plan = { 0 };
	struct kmp_info info;
	char why[160], *text;
	double t0;
	uint32_t i;
	int rc, keeper_rc;

	(void)ctx;
	rc = open_kmp_dev(a, a->dev, &info);
	if (rc)
		return rc;
	if (seclist_init(&req, info.sections) ||
	    seclist_init(&moved, info.sections) ||
	    seclist_init(&failed, info.sections)) {
		rc = EXIT_FAILED;
		goto out;
	}
	if (seclist_parse(&req, a->sections, 0, why, sizeof(why))) {
		pm_err(a, "%s: bad section list: %s", info.name, why);
		rc = EXIT_USAGE;
		goto out;
	}
	if (move_plan_build(&plan, dir, &req, &info.vol, &info.online,
			    !a->no_online) ||
	    (dir == TO_PERSISTENT &&
	     move_plan_keep_hole(&plan, &info.online, info.section_size))) {
		rc = EXIT_FAILED;
		goto out;
	}
	if (!plan.nr_steps) {
		text = seclist_format_alloc(&req);
		pm_info(a, "%s: nothing to do: sections %s are already %s%s",
			info.name, text ? text : "?", where,
			dir == TO_VOLATILE && !a->no_online ? " and online" : "");
		free(text);
		goto print;
	}
	if (dir == TO_VOLATILE) {
		for (i = 0; i < plan.nr_steps && !plan.steps[i].write; i++)
			;
		if (i < plan.nr_steps)
			rc = check_memmap(a, &info);
		if (!rc)
			rc = check_in_use(a, &info, &plan);
		if (!rc)
			rc = check_data(a, &info, &plan);
		if (rc)
			goto out;
		warn_policy(a);
	}

	t0 = now_seconds();
	keeper_rc = run_move_plan(a, &info, dir, &plan, &moved, &failed);

	if (seclist_count(&failed)) {
		text = seclist_format_alloc(&failed);
		pm_err(a, "%s: %lu of %u sections not made %s: %s", info.name,
		       seclist_count(&failed), move_plan_moves(&plan), where,
		       text ? text : "?");
		free(text);
		rc = EXIT_FAILED;
	} else {
		char sz[FMT_SIZE_LEN];

		text = seclist_format_alloc(&moved);
		pm_info(a, "%s: %lu section%s made %s (%s): %s in %.2f s",
			info.name, seclist_count(&moved),
			seclist_count(&moved) == 1 ? "" : "s", where,
			text ? text : "?",
			fmt_size(seclist_count(&moved) * info.section_size, sz,
				 sizeof(sz)), now_seconds() - t0);
		free(text);
		rc = keeper_rc ? EXIT_FAILED : EXIT_OK;
	}

print:
	if (a->json) {
		struct json_object *o;

		kmp_info_read_lists(&info);
		o = kmp_info_to_json(&info, false);
		print_json(o);
		json_object_put(o);
	}
out:
	move_plan_free(&plan);
	seclist_free(&req);
	seclist_free(&moved);
	seclist_free(&failed);
	kmp_info_free(&info);
	return rc;
}
