// SPDX-License-Identifier: GPL-2.0
// unit-sources: section_layout.c
/* Splitting a device range into memory-block sections. */
#include "unit.h"
#include "section_layout.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

/* The usual devdax case: a 4 GiB NVDIMM at 4 GiB, dax0.0 2 MiB into it. */
static void test_devdax_4g(void)
{
	struct kmp_layout l;

	CHECK_EQ(kmp_layout_compute(4 * GiB + 2 * MiB, 4 * GiB - 2 * MiB, 128 * MiB, &l), 0);
	CHECK_EQ_U64(l.start, 4 * GiB + 128 * MiB);
	CHECK_EQ(l.nr_sections, 31);
	CHECK_EQ_U64(l.head_bytes, 126 * MiB);
	CHECK_EQ_U64(l.tail_bytes, 0);
	CHECK_EQ_U64(l.section_size, 128 * MiB);
}

static void test_aligned_exact(void)
{
	struct kmp_layout l;

	CHECK_EQ(kmp_layout_compute(8 * GiB, 2 * GiB, 2 * GiB, &l), 0);
	CHECK_EQ(l.nr_sections, 1);
	CHECK_EQ_U64(l.head_bytes, 0);
	CHECK_EQ_U64(l.tail_bytes, 0);
}

static void test_head_and_tail(void)
{
	struct kmp_layout l;

	CHECK_EQ(kmp_layout_compute(100 * MiB, 500 * MiB, 128 * MiB, &l), 0);
	CHECK_EQ_U64(l.start, 128 * MiB);
	CHECK_EQ(l.nr_sections, 3);
	CHECK_EQ_U64(l.head_bytes, 28 * MiB);
	CHECK_EQ_U64(l.tail_bytes, 600 * MiB - 512 * MiB);
	CHECK_EQ_U64(l.head_bytes + l.tail_bytes + l.nr_sections * l.section_size, 500 * MiB);
}

static void test_too_small(void)
{
	struct kmp_layout l;

	/* Big enough, but straddling a block boundary. */
	CHECK_EQ(kmp_layout_compute(100 * MiB, 150 * MiB, 128 * MiB, &l), -ENOSPC);
	CHECK_EQ(l.nr_sections, 0);
	CHECK_EQ_U64(l.head_bytes, 150 * MiB);
	CHECK_EQ(kmp_layout_compute(0, 127 * MiB, 128 * MiB, &l), -ENOSPC);
	CHECK_EQ(kmp_layout_compute(0, 0, 128 * MiB, &l), -ENOSPC);
}

static void test_bad_arguments(void)
{
	struct kmp_layout l;

	CHECK_EQ(kmp_layout_compute(0, GiB, 0, &l), -EINVAL);
	CHECK_EQ(kmp_layout_compute(0, GiB, 96 * MiB, &l), -EINVAL);
	CHECK_EQ(kmp_layout_compute(~0ULL - MiB, 2 * MiB, 128 * MiB, &l), -EINVAL);
}

/* 1 TiB with 2 GiB blocks and with 128 MiB blocks: no limit below that. */
static void test_large(void)
{
	struct kmp_layout l;

	CHECK_EQ(kmp_layout_compute(1ULL << 40, 1ULL << 40, 2 * GiB, &l), 0);
	CHECK_EQ(l.nr_sections, 512);
	CHECK_EQ(kmp_layout_compute(1ULL << 40, 1ULL << 40, 128 * MiB, &l), 0);
	CHECK_EQ(l.nr_sections, 8192);
	CHECK_EQ(kmp_layout_compute(1ULL << 44, 64ULL << 40, 128 * MiB, &l), 0);
	CHECK_EQ(l.nr_sections, 64ULL << 40 >> 27);
}

int main(void)
{
	RUN(test_devdax_4g);
	RUN(test_aligned_exact);
	RUN(test_head_and_tail);
	RUN(test_too_small);
	RUN(test_bad_arguments);
	RUN(test_large);
	return unit_done();
}
