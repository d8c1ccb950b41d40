// SPDX-License-Identifier: GPL-2.0
// unit-sources: section_order.c
/* The hole-first order of bulk moves (section_order.c). */
#include <stdlib.h>
#include "unit.h"
#include "section_order.h"

static int same(const u32 *a, const u32 *b, u32 n)
{
	return !memcmp(a, b, n * sizeof(*a));
}

static void test_online_from_empty(void)
{
	u32 ids[] = { 0, 1, 2, 3, 4 };
	u32 want[] = { 0, 2, 3, 4, 1 };

	kmp_order_online(ids, 5, KMP_NO_SECTION);
	CHECK(same(ids, want, 5));
}

static void test_online_above_online(void)
{
	/* Section 2 is online: the hole is the first new section above it. */
	u32 ids[] = { 5, 6, 9 };
	u32 want[] = { 6, 9, 5 };

	kmp_order_online(ids, 3, 2);
	CHECK(same(ids, want, 3));
}

static void test_online_below_online(void)
{
	/* New sections start below the lowest online one: keep ids[1] back. */
	u32 ids[] = { 0, 1, 7 };
	u32 want[] = { 0, 7, 1 };

	kmp_order_online(ids, 3, 5);
	CHECK(same(ids, want, 3));
}

static void test_offline_all(void)
{
	u32 ids[] = { 0, 1, 2, 3, 4 };
	u32 want[] = { 1, 4, 3, 2, 0 };

	kmp_order_offline(ids, 5, 0);
	CHECK(same(ids, want, 5));
}

static void test_offline_keeping_lowest(void)
{
	/* Section 0 stays online: the hole is the first one taken. */
	u32 ids[] = { 3, 4, 5, 6 };
	u32 want[] = { 3, 6, 5, 4 };

	kmp_order_offline(ids, 4, 0);
	CHECK(same(ids, want, 4));
}

static void test_small(void)
{
	u32 one[] = { 7 }, two[] = { 3, 4 };
	u32 two_on[] = { 3, 4 }, two_off[] = { 4, 3 };

	kmp_order_online(one, 1, KMP_NO_SECTION);
	CHECK_EQ(one[0], 7);
	kmp_order_offline(one, 1, 7);
	CHECK_EQ(one[0], 7);
	kmp_order_online(two, 2, KMP_NO_SECTION);
	CHECK(same(two, two_on, 2));
	kmp_order_offline(two, 2, 3);
	CHECK(same(two, two_off, 2));
	kmp_order_online(two, 0, KMP_NO_SECTION);
}

/* Any input: the result is a permutation, with the hole where it belongs. */
static void test_permutation_large(void)
{
	enum { N = 8192 };
	u32 *ids = malloc(N * sizeof(*ids));
	unsigned char *seen = calloc(N, 1);
	u32 i, bad = 0;

	for (i = 0; i < N; i++)
		ids[i] = i;
	kmp_order_online(ids, N, KMP_NO_SECTION);
	CHECK_EQ(ids[0], 0);
	CHECK_EQ(ids[N - 1], 1);
	for (i = 0; i < N; i++)
		bad += seen[ids[i]]++ != 0;
	CHECK_EQ(bad, 0);

	for (i = 0; i < N; i++)
		ids[i] = i;
	kmp_order_offline(ids, N, 0);
	CHECK_EQ(ids[0], 1);
	CHECK_EQ(ids[1], N - 1);
	CHECK_EQ(ids[N - 1], 0);
	for (i = 2; i < N - 1; i++)
		bad += ids[i] != ids[i - 1] - 1;
	CHECK_EQ(bad, 0);
	free(ids);
	free(seen);
}

int main(void)
{
	RUN(test_online_from_empty);
	RUN(test_online_above_online);
	RUN(test_online_below_online);
	RUN(test_offline_all);
	RUN(test_offline_keeping_lowest);
	RUN(test_small);
	RUN(test_permutation_large);
	return unit_done();
}
