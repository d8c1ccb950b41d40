/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What a move of sections does, section by section and in which order.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#ifndef PMEMCTL_MOVE_PLAN_H
#define PMEMCTL_MOVE_PLAN_H

#include <stdbool.h>
#include <stdint.h>

#include "section_list.h"

enum move_dir {
	TO_VOLATILE,
	TO_PERSISTENT,
};

/**
 * struct move_step - one section of a move
 * @section: the section id
 * @write: change its state through the driver's sysfs file
 * @online: then online its memory block (movable) if the kernel did not
 * @offline: only offline its memory block (the hole keeper, see
 *	move_plan_keep_hole())
 */
struct move_step {
	uint32_t section;
	bool write;
	bool online;
	bool offline;
};

/**
 * struct move_plan - the steps of a move, in the order to take them
 * @nr_steps: number of @steps
 * @steps: the steps
 * @nr_already: requested sections already where they were asked to be
 * @hole_keeper: the section offlined first and onlined last, or
 *	KMP_NO_SECTION (move_plan_keep_hole())
 */
struct move_plan {
	uint32_t nr_steps;
	struct move_step *steps;
	uint32_t nr_already;
	uint32_t hole_keeper;
};

/* Zones from this size on get a hole keeper: below, rescans are cheap. */
#define MOVE_PLAN_HOLE_MIN_BYTES	(128ULL << 30)

int move_plan_build(struct move_plan *plan, enum move_dir dir,
		    const struct seclist *req, const struct seclist *vol,
		    const struct seclist *online, bool do_online);
int move_plan_keep_hole(struct move_plan *plan, const struct seclist *online,
			uint64_t section_size);
uint32_t move_plan_moves(const struct move_plan *plan);
void move_plan_free(struct move_plan *plan);
const char *move_error_reason(int err, enum move_dir dir, bool online);

#endif /* PMEMCTL_MOVE_PLAN_H */
