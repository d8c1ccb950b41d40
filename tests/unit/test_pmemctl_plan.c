// SPDX-License-Identifier: GPL-2.0
/*
 * The plan of a move: which sections are written, which only onlined,
 * which already done, and the order: onlining keeps one low section for
 * last, offlining takes it first and the rest top-down (DESIGN.md, "Bulk
 * moves and the zone hole scan"), the same order as the driver's.
 */
// unit-cflags: -Itools
// unit-sources: tools/move_plan.c tools/section_list.c section_order.c
#include <errno.h>
#include <stdlib.h>

#include "move_plan.h"
#include "section_order.h"
#include "unit.h"

static struct seclist req, vol, onl;
static struct move_plan plan;
static char order[1024], kinds[1024];

static void setup(unsigned long nbits, const char *r, const char *v,
		  const char *o)
{
	seclist_init(&req, nbits);
	seclist_init(&vol, nbits);
	seclist_init(&onl, nbits);
	CHECK_EQ(seclist_parse(&req, r, 0, NULL, 0), 0);
	CHECK_EQ(seclist_parse(&vol, v, SECLIST_ALLOW_EMPTY, NULL, 0), 0);
	CHECK_EQ(seclist_parse(&onl, o, SECLIST_ALLOW_EMPTY, NULL, 0), 0);
}

static void teardown(void)
{
	move_plan_free(&plan);
	seclist_free(&req);
	seclist_free(&vol);
	seclist_free(&onl);
}

/* The plan's sections as "a,b,c" and step kinds as "W+O,O,W". */
static int build(enum move_dir dir, bool do_online)
{
	int rc = move_plan_build(&plan, dir, &req, &vol, &onl, do_online);
	size_t n = 0, k = 0;
	uint32_t i;

	order[0] = kinds[0] = '\0';
	for (i = 0; !rc && i < plan.nr_steps; i++) {
		const struct move_step *s = &plan.steps[i];

		n += snprintf(order + n, sizeof(order) - n, "%s%u", i ? "," : "",
			      s->section);
		k += snprintf(kinds + k, sizeof(kinds) - k, "%s%s%s%s", i ? "," : "",
			      s->write ? "W" : "", s->write && s->online ? "+" : "",
			      s->online ? "O" : "");
	}
	return rc;
}

static void test_all_volatile_from_nothing(void)
{
	setup(8, "all", "", "");
	CHECK_EQ(build(TO_VOLATILE, true), 0);
	CHECK_STREQ(order, "0,2,3,4,5,6,7,1");	/* hole at 1 until the end */
	CHECK_STREQ(kinds, "W+O,W+O,W+O,W+O,W+O,W+O,W+O,W+O");
	CHECK_EQ(plan.nr_already, 0);
	teardown();
}

/* Online sections below: the hole is the first requested one. */
static void test_volatile_above_online(void)
{
	setup(8, "all", "0-3", "0-3");
	CHECK_EQ(build(TO_VOLATILE, true), 0);
	CHECK_STREQ(order, "5,6,7,4");
	CHECK_EQ(plan.nr_already, 4);
	teardown();
}

/* Added-but-offline sections are onlined, not written. */
static void test_volatile_offline_ones(void)
{
	setup(8, "2-5", "0-3", "0-1");
	CHECK_EQ(build(TO_VOLATILE, true), 0);
	CHECK_STREQ(order, "3,4,5,2");
	CHECK_STREQ(kinds, "O,W+O,W+O,O");
	CHECK_EQ(plan.nr_already, 0);
	teardown();

	/* --no-online: volatile is volatile, online or not; 4 is the hole. */
	setup(8, "2-5", "0-3", "0-1");
	CHECK_EQ(build(TO_VOLATILE, false), 0);
	CHECK_STREQ(order, "5,4");
	CHECK_STREQ(kinds, "W,W");
	CHECK_EQ(plan.nr_already, 2);
	teardown();
}

static void test_nothing_to_do(void)
{
	setup(8, "1-3", "0-7", "0-7");
	CHECK_EQ(build(TO_VOLATILE, true), 0);
	CHECK_EQ(plan.nr_steps, 0);
	CHECK_EQ(plan.nr_already, 3);
	teardown();

	setup(8, "1-3", "5", "5");
	CHECK_EQ(build(TO_PERSISTENT, false), 0);
	CHECK_EQ(plan.nr_steps, 0);
	CHECK_EQ(plan.nr_already, 3);
	teardown();
}

static void test_all_persistent(void)
{
	setup(8, "all", "all", "all");
	CHECK_EQ(build(TO_PERSISTENT, false), 0);
	CHECK_STREQ(order, "1,7,6,5,4,3,2,0");	/* hole first, then top-down */
	CHECK_STREQ(kinds, "W,W,W,W,W,W,W,W");
	teardown();
}

/* Offline volatile sections are in no zone: they go first. */
static void test_persistent_mixed(void)
{
	setup(8, "0-7", "0-5", "0-3");
	CHECK_EQ(build(TO_PERSISTENT, false), 0);
	CHECK_STREQ(order, "4,5,1,3,2,0");
	CHECK_EQ(plan.nr_already, 2);
	teardown();
}

static void test_single(void)
{
	setup(31, "30", "", "");
	CHECK_EQ(build(TO_VOLATILE, true), 0);
	CHECK_STREQ(order, "30");
	teardown();
	setup(31, "7", "0-30", "0-30");
	CHECK_EQ(build(TO_PERSISTENT, true), 0);
	CHECK_STREQ(order, "7");
	teardown();
}

static void test_reasons(void)
{
	CHECK(strstr(move_error_reason(EBUSY, TO_PERSISTENT, false), "migrated"));
	CHECK(strstr(move_error_reason(EBUSY, TO_VOLATILE, false), "character device"));
	CHECK(strstr(move_error_reason(EINVAL, TO_VOLATILE, false), "memmap_on_memory"));
	CHECK(strstr(move_error_reason(EPERM, TO_VOLATILE, false), "root"));
	CHECK(strstr(move_error_reason(EINVAL, TO_VOLATILE, true), "movable"));
	CHECK(strstr(move_error_reason(EUCLEAN, TO_PERSISTENT, false), "pmemctl check"));
	CHECK(move_error_reason(12345, TO_VOLATILE, false) != NULL);
}

/*
 * Plan a move to persistent of @r on @nbits sections of @section_size,
 * @v volatile and @o online, with its hole keeper: the keeper, whose two
 * steps, and only they, are added. The plan stays for the caller.
 */
static uint32_t keeper(unsigned long nbits, const char *r, const char *v,
		       const char *o, uint64_t section_size)
{
	uint32_t before;

	setup(nbits, r, v, o);
	CHECK_EQ(build(TO_PERSISTENT, false), 0);
	before = plan.nr_steps;
	CHECK_EQ(move_plan_keep_hole(&plan, &onl, section_size), 0);
	CHECK_EQ(plan.nr_steps, before + (plan.hole_keeper == KMP_NO_SECTION ? 0 : 2));
	CHECK_EQ(move_plan_moves(&plan), before);
	return plan.hole_keeper;
}

/*
 * The hole keeper: moving the top sections of a large zone to persistent
 * offlines the section above the lowest online one first and onlines
 * it last, so each rescan stops at it.
 */
static void test_hole_keeper(void)
{
	const uint64_t mib128 = 128ULL << 20, gib = 1ULL << 30;

	/* 8192 sections of 128 MiB, all online; the top 64 move. */
	CHECK_EQ(keeper(8192, "8128-8191", "all", "all", mib128), 1);
	CHECK_EQ(plan.nr_steps, 66);
	CHECK_EQ(plan.steps[0].section, 1);
	CHECK(plan.steps[0].offline && !plan.steps[0].write);
	CHECK_EQ(plan.steps[1].section, 8128);	/* then the driver's order */
	CHECK_EQ(plan.steps[2].section, 8191);
	CHECK_EQ(plan.steps[65].section, 1);
	CHECK(plan.steps[65].online && !plan.steps[65].write &&
	      !plan.steps[65].offline);
	teardown();

	/* A small zone: rescans are cheap, no keeper. */
	CHECK_EQ(keeper(64, "60-63", "all", "all", mib128), KMP_NO_SECTION);
	CHECK_EQ(plan.nr_steps, 4);
	teardown();

	/* Large sections make a large zone of few sections: 512 x 2 GiB. */
	CHECK_EQ(keeper(512, "500-511", "all", "all", 2 * gib), 1);
	teardown();

	/* The lowest online section is moved: the order keeps the hole. */
	CHECK_EQ(keeper(2048, "0-1,2000-2047", "all", "all", mib128), KMP_NO_SECTION);
	teardown();

	/* A hole already just above the lowest online section. */
	CHECK_EQ(keeper(2048, "2000-2047", "0,2-2047", "0,2-2047", mib128),
		 KMP_NO_SECTION);
	teardown();

	/* One section: nothing to save. Moves just above: not worth it. */
	CHECK_EQ(keeper(2048, "2047", "all", "all", mib128), KMP_NO_SECTION);
	teardown();
	CHECK_EQ(keeper(2048, "3-6", "all", "all", mib128), KMP_NO_SECTION);
	teardown();
}

int main(void)
{
	RUN(test_all_volatile_from_nothing);
	RUN(test_volatile_above_online);
	RUN(test_volatile_offline_ones);
	RUN(test_nothing_to_do);
	RUN(test_all_persistent);
	RUN(test_persistent_mixed);
	RUN(test_single);
	RUN(test_reasons);
	RUN(test_hole_keeper);
	return unit_done();
}
