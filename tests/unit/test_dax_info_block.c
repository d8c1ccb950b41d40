// SPDX-License-Identifier: GPL-2.0
// unit-sources: dax_info_block.c metadata_format.c section_layout.c
/*
 * The DAX info block kmem_pmem writes into a section it makes an nvdimm
 * namespace, checked against what the kernel's nd_pfn_init() writes and
 * nd_pfn_validate() accepts (drivers/nvdimm/pfn_devs.c, 6.1 to 7.3).
 */
#include <stdlib.h>
#include <string.h>

#include "unit.h"
#include "dax_info_block.h"

#define MiB (1ULL << 20)
#define PAGE 4096

static u64 le(const u8 *p, int bytes)
{
	u64 v = 0;

	while (bytes--)
		v = v << 8 | p[bytes];
	return v;
}

/*
 * The kernel's own arithmetic, restated: 8 KiB reserved, 64 bytes of
 * struct page per page of the namespace after it, padded to the alignment.
 */
static void test_dataoff(void)
{
	/* 128 MiB: 2097024 bytes of struct pages end past 2 MiB. */
	CHECK_EQ_U64(kmp_dax_info_dataoff(128 * MiB, 2 * MiB, PAGE), 4 * MiB);
	/* 2 GiB blocks: 32 MiB of struct pages, then the 8 KiB. */
	CHECK_EQ_U64(kmp_dax_info_dataoff(2048 * MiB, 2 * MiB, PAGE), 34 * MiB);
	/* What `ndctl create-namespace -m devdax` gave a 128 MiB region: 124 MiB. */
	CHECK_EQ_U64(128 * MiB - kmp_dax_info_dataoff(128 * MiB, 2 * MiB, PAGE), 124 * MiB);
}

static void test_fields(void)
{
	u8 uuid[16], buf[KMP_DAX_INFO_SIZE];
	int i;

	for (i = 0; i < 16; i++)
		uuid[i] = 0xa0 + i;
	kmp_dax_info_encode(buf, 128 * MiB, 2 * MiB, PAGE, uuid);
	CHECK(!memcmp(buf, "NVDIMM_DAX_INFO\0", 16));
	CHECK(!memcmp(buf + 16, uuid, 16));
	for (i = 32; i < 48; i++)	/* parent uuid: a label-less namespace's */
		CHECK_EQ(buf[i], 0);
	CHECK_EQ_U64(le(buf + 52, 2), 1);
	CHECK_EQ_U64(le(buf + 54, 2), 4);
	CHECK_EQ_U64(le(buf + 56, 8), 4 * MiB);
	CHECK_EQ_U64(le(buf + 64, 8), 124 * MiB / PAGE);
	CHECK_EQ_U64(le(buf + 72, 4), 2);
	CHECK_EQ_U64(le(buf + 84, 4), 2 * MiB);
	CHECK_EQ_U64(le(buf + 88, 4), PAGE);
	CHECK_EQ_U64(le(buf + 92, 2), 64);
	for (i = 94; i < 4088; i++)
		if (buf[i])
			break;
	CHECK_EQ(i, 4088);
}

/* The checksum is nd_sb_checksum(): Fletcher-64 with its own field zero. */
static void test_checksum(void)
{
	u8 uuid[16] = { 1 }, buf[KMP_DAX_INFO_SIZE], copy[KMP_DAX_INFO_SIZE];
	u64 lo = 0, hi = 0;
	int i;

	kmp_dax_info_encode(buf, 128 * MiB, 2 * MiB, PAGE, uuid);
	memcpy(copy, buf, sizeof(copy));
	memset(copy + 4088, 0, 8);
	for (i = 0; i < KMP_DAX_INFO_SIZE; i += 4) {
		lo = (u32)(lo + le(copy + i, 4));
		hi = (u32)(hi + lo);
	}
	CHECK_EQ_U64(le(buf + 4088, 8), hi << 32 | lo);
}

static void test_matches(void)
{
	u8 uuid[16] = { 7 }, buf[KMP_DAX_INFO_SIZE];

	kmp_dax_info_encode(buf, 128 * MiB, 2 * MiB, PAGE, uuid);
	CHECK(kmp_dax_info_matches(buf, 128 * MiB, 2 * MiB, PAGE));
	/* Another section size: another layout. */
	CHECK(!kmp_dax_info_matches(buf, 256 * MiB, 2 * MiB, PAGE));
	buf[100] = 1;			/* damaged: the sum breaks */
	CHECK(!kmp_dax_info_matches(buf, 128 * MiB, 2 * MiB, PAGE));
	/* ndctl rewrote it as fsdax ("NVDIMM_PFN_INFO"), correctly summed. */
	kmp_dax_info_encode(buf, 128 * MiB, 2 * MiB, PAGE, uuid);
	memcpy(buf, "NVDIMM_PFN_INFO\0", 16);
	CHECK(!kmp_dax_info_matches(buf, 128 * MiB, 2 * MiB, PAGE));
	memset(buf, 0, sizeof(buf));	/* never written */
	CHECK(!kmp_dax_info_matches(buf, 128 * MiB, 2 * MiB, PAGE));
}

int main(void)
{
	RUN(test_dataoff);
	RUN(test_fields);
	RUN(test_checksum);
	RUN(test_matches);
	return unit_done();
}
