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
