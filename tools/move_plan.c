// SPDX-License-Identifier: GPL-2.0
/*
 * Planning a move of sections.
 *
 * pmemctl moves sections one at a time, so that it can report each one and
 * online each block the kernel's policy leaves offline. One at a time, the
 * order is pmemctl's to choose, and it matters for the same reason it does
 * inside the driver (see section_order.c, shared with the driver): every
 * online and offline rescans the zone up to its first hole. So the order
 * is the driver's: onlining keeps one low section for last; offlining
 * takes it first and the rest from the top down. Sections that are added
 * but offline are not in any zone and go first when made persistent.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "move_plan.h"
#include "section_order.h"

static uint32_t lowest(const struct seclist *s)
{
	unsigned long id = seclist_next(s, 0);

	return id < s->nbits ? (uint32_t)id : KMP_NO_SECTION;
}

/**
 * move_plan_build() - plan a move of the sections in @req
 * @plan: the result; free with move_plan_free()
 * @dir: where to
 * @req: the sections asked for
 * @vol: the device's volatile sections now
 * @online: the device's online sections now
 * @do_online: online volatile sections whose block is offline
 *
 * To volatile: persistent sections are written (and onlined if
 * @do_online); volatile sections whose block is offline are only onlined;
 * online ones need nothing. To persistent: volatile sections are written,
 * the offline ones first. Sections already in place count in
 * @plan->nr_already.
 *
 * Return: 0 or -ENOMEM.
 */
int move_plan_build(struct move_plan *plan, enum move_dir dir,
		    const struct seclist *req, const struct seclist *vol,
		    const struct seclist *online, bool do_online)
{
	uint32_t *ids, n = 0, nr_offline = 0, i;
	unsigned long id;

	plan->nr_steps = 0;
	plan->nr_already = 0;
	plan->hole_keeper = KMP_NO_SECTION;
	plan->steps = calloc(seclist_count(req) + 1, sizeof(*plan->steps));
	ids = calloc(seclist_count(req) + 1, sizeof(*ids));
	if (!plan->steps || !ids) {
		free(ids);
		move_plan_free(plan);
		return -ENOMEM;
	}

	if (dir == TO_VOLATILE) {
		seclist_for_each(id, req) {
			if (!seclist_test(vol, id)) {
				ids[n++] = id;
			} else if (do_online && !seclist_test(online, id)) {
				ids[n++] = id;
			} else {
				plan->nr_already++;
			}
		}
		kmp_order_online(ids, n, lowest(online));
		for (i = 0; i < n; i++)
			plan->steps[i] = (struct move_step){
				.section = ids[i],
				.write = !seclist_test(vol, ids[i]),
				.online = do_online,
			};
	} else {
		/* Added but offline: outside any zone, order does not matter. */
		seclist_for_each(id, req) {
			if (seclist_test(vol, id) && !seclist_test(online, id))
				plan->steps[nr_offline++] = (struct move_step){
					.section = id, .write = true,
				};
			else if (!seclist_test(vol, id))
				plan->nr_already++;
		}
		seclist_for_each(id, req)
			if (seclist_test(online, id))
				ids[n++] = id;
		kmp_order_offline(ids, n, lowest(online));
		for (i = 0; i < n; i++)
			plan->steps[nr_offline + i] = (struct move_step){
				.section = ids[i], .write = true,
			};
		n += nr_offline;
	}
	plan->nr_steps = n;
	free(ids);
	return 0;
}

/*
 * The section to offline before a move to persistent and online again
 * after it, or KMP_NO_SECTION. Every offline makes the kernel rescan the
 * zone's pageblocks up to the first hole (set_zone_contiguous(), twice per
 * section with memmap_on_memory): with no hole near the zone's start, each
 * section moved walks the whole zone, 19 s per walk at 1 TiB under TCG.
 * The order of move_plan_build() keeps a hole when the lowest online
 * section is among the moved ones. When it is not and the section just
 * above it is online, that one offlined first is the hole: each step's
 * rescans stop there, and onlining it again at the end walks the zone once.
 */
static uint32_t hole_keeper(const struct move_plan *plan,
			    const struct seclist *online, uint64_t section_size)
{
	uint32_t lo = lowest(online), first = KMP_NO_SECTION, i, n = 0;

	for (i = 0; i < plan->nr_steps; i++) {
		const struct move_step *st = &plan->steps[i];

		if (!seclist_test(online, st->section))
			continue;
		n++;
		if (st->section < first)
			first = st->section;
	}
	if (n < 2 || lo == KMP_NO_SECTION || first == lo ||
	    seclist_count(online) * section_size < MOVE_PLAN_HOLE_MIN_BYTES)
		return KMP_NO_SECTION;
	/* Not online: a hole already, or nothing between lo and the moves. */
	if (lo + 1 >= first || !seclist_test(online, lo + 1))
		return KMP_NO_SECTION;
	/* Worth it if the walks saved outweigh one walk of the whole zone. */
	if ((uint64_t)n * (first - lo) <= seclist_count(online))
		return KMP_NO_SECTION;
	return lo + 1;
}

/**
 * move_plan_keep_hole() - add a hole keeper to a move to persistent
 * @plan: a plan of move_plan_build() for TO_PERSISTENT
 * @online: the device's online sections now
 * @section_size: bytes per section
 *
 * If the zone is large and the moves leave no hole near its start, a low
 * section of the device not asked for (@plan->hole_keeper) is offlined by
 * a first step and onlined by a last one; see hole_keeper().
 *
 * Return: 0 or -ENOMEM (@plan unchanged).
 */
int move_plan_keep_hole(struct move_plan *plan, const struct seclist *online,
			uint64_t section_size)
{
	uint32_t k = hole_keeper(plan, online, section_size);
	struct move_step *steps;

	if (k == KMP_NO_SECTION)
		return 0;
	steps = calloc(plan->nr_steps + 2, sizeof(*steps));
	if (!steps)
		return -ENOMEM;
	steps[0] = (struct move_step){ .section = k, .offline = true };
	memcpy(steps + 1, plan->steps, plan->nr_steps * sizeof(*steps));
	steps[plan->nr_steps + 1] = (struct move_step){ .section = k, .online = true };
	free(plan->steps);
	plan->steps = steps;
	plan->nr_steps += 2;
	plan->hole_keeper = k;
	return 0;
}

/* The steps that move a section asked for: all but the hole keeper's two. */
uint32_t move_plan_moves(const struct move_plan *plan)
{
	return plan->nr_steps - (plan->hole_keeper != KMP_NO_SECTION ? 2 : 0);
}

void move_plan_free(struct move_plan *plan)
{
	free(plan->steps);
	plan->steps = NULL;
	plan->nr_steps = 0;
}

/**
 * move_error_reason() - why a step of a move failed, for people
 * @err: the positive errno of the failed write
 * @dir: which way the section was going
 * @online: whether the failed write was the onlining of its memory block
 *
 * Return: a static phrase to follow the errno's own text.
 */
const char *move_error_reason(int err, enum move_dir dir, bool online)
{
	if (online) {
		switch (err) {
		case EINVAL:
			return "the kernel cannot online this block as movable (other memory of the node is in ZONE_NORMAL above it?)";
		case ENOMEM:
			return "not enough memory to online the block";
		case EBUSY:
			return "a memory notifier refused the online";
		default:
			return "onlining the memory block failed";
		}
	}
	switch (err) {
	case EBUSY:
		return dir == TO_PERSISTENT ?
			"pages could not be migrated off the section (unmovable or pinned pages)" :
			"the section is mapped or open through the character device";
	case ENOMEM:
		return "not enough memory";
	case EINVAL:
		return dir == TO_VOLATILE ?
			"the kernel refused the hot-add (booted without memory_hotplug.memmap_on_memory=1?)" :
			"the driver rejected the section";
	case ERANGE:
		return "no such section on the device";
	case EIO:
		return dir == TO_VOLATILE ?
			"the memory does not keep what is written to it, or a media error (dmesg names the section)" :
			"media error";
	case ENODEV:
	case ENXIO:
	case ENOENT:
		return "the device is no longer bound to kmem_pmem";
	case EPERM:
	case EACCES:
		return "permission denied: run as root";
	case EINTR:
		return "interrupted";
	case EEXIST:
		return "the range is already claimed by someone else";
	case EUCLEAN:
		return "the device's on-media table is corrupt (see 'pmemctl check')";
	default:
		return "the driver refused the move";
	}
}
