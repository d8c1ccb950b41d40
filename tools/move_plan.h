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
 */
struct move_step {
	uint32_t section;
	bool write;
	bool online;
};

/**
 * struct move_plan - the steps of a move, in the order to take them
 * @nr_steps: number of @steps
 * @steps: the steps
 * @nr_already: requested sections already where they were asked to be
 */
struct move_plan {
	uint32_t nr_steps;
	struct move_step *steps;
	uint32_t nr_already;
};

int move_plan_build(struct move_plan *plan, enum move_dir dir,
		    const struct seclist *req, const struct seclist *vol,
		    const struct seclist *online, bool do_online);
void move_plan_free(struct move_plan *plan);
const char *move_error_reason(int err, enum move_dir dir, bool online);

#endif /* PMEMCTL_MOVE_PLAN_H */
