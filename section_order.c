// SPDX-License-Identifier: GPL-2.0
/*
 * The order of a bulk move.
 *
 * Every online and offline of a memory block calls set_zone_contiguous(),
 * which walks the zone's pageblocks until it meets the first hole. Moving
 * sections in address order keeps the zone hole-free, so every step rescans
 * the whole zone and a bulk move costs quadratic time (measured on 2048
 * sections: add+online 248 s, removal 121 s). Keeping one hole just above
 * the zone's lowest online section makes every scan stop early, and the
 * move costs linear time (41 s and 11 s):
 *
 *  - online: leave the hole section for last;
 *  - offline: take the hole section first, then the rest from the top down.
 *
 * Pure logic: built into the module and into the userspace unit tests.
 */
#include "section_order.h"

/*
 * Index in the ascending @ids of the section to keep as the hole: the first
 * one above the zone's lowest online section, which is @ids[0] itself when
 * nothing of the device below it is online.
 */
static u32 hole_index(const u32 *ids, u32 n, u32 lowest_online)
{
	if (lowest_online != KMP_NO_SECTION && lowest_online < ids[0])
		return 0;
	return n > 1 ? 1 : 0;
}

/* Move @ids[@from] to @ids[@to], shifting what lies between. */
static void move_entry(u32 *ids, u32 from, u32 to)
{
	u32 id = ids[from], i;

	if (from < to) {
		for (i = from; i < to; i++)
			ids[i] = ids[i + 1];
	} else {
		for (i = from; i > to; i--)
			ids[i] = ids[i - 1];
	}
	ids[to] = id;
}

/**
 * kmp_order_online() - order sections to online so the zone keeps a hole
 * @ids: the sections to online, ascending; reordered in place
 * @n: number of sections in @ids
 * @lowest_online: lowest section of the device already online, or
 *	KMP_NO_SECTION
 *
 * Result: ascending, but the hole section (see hole_index()) last.
 */
void kmp_order_online(u32 *ids, u32 n, u32 lowest_online)
{
	if (n < 2)
		return;
	move_entry(ids, hole_index(ids, n, lowest_online), n - 1);
}

/**
 * kmp_order_offline() - order sections to offline so the zone keeps a hole
 * @ids: the sections to offline, ascending; reordered in place
 * @n: number of sections in @ids
 * @lowest_online: lowest section of the device online before the move
 *
 * Result: the hole section first, then the others from the top down.
 */
void kmp_order_offline(u32 *ids, u32 n, u32 lowest_online)
{
	u32 i, j;

	if (n < 2)
		return;
	move_entry(ids, hole_index(ids, n, lowest_online), 0);
	for (i = 1, j = n - 1; i < j; i++, j--) {
		u32 tmp = ids[i];

		ids[i] = ids[j];
		ids[j] = tmp;
	}
}
