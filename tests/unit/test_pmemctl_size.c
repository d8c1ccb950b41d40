// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes as pmemctl prints them (binary units, integers when exact) and the
 * memmap arithmetic behind "RAM provided": 2 MiB of every 128 MiB section
 * holds its own struct pages (DESIGN.md: 126 MiB of each become RAM).
 */
// unit-cflags: -Itools
// unit-sources: tools/size.c
#include "size.h"
#include "unit.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static const char *sz(uint64_t bytes)
{
	static char buf[FMT_SIZE_LEN];

	return fmt_size(bytes, buf, sizeof(buf));
}

static void test_fmt_size(void)
{
	CHECK_STREQ(sz(0), "0 B");
	CHECK_STREQ(sz(1), "1 B");
	CHECK_STREQ(sz(1023), "1023 B");
	CHECK_STREQ(sz(1024), "1 KiB");
	CHECK_STREQ(sz(1536), "1.50 KiB");
	CHECK_STREQ(sz(126 * MiB), "126 MiB");
	CHECK_STREQ(sz(128 * MiB), "128 MiB");
	CHECK_STREQ(sz(3968 * MiB), "3.88 GiB");
	CHECK_STREQ(sz(4 * GiB), "4 GiB");
	CHECK_STREQ(sz(1008 * GiB), "1008 GiB");
	CHECK_STREQ(sz(1024 * GiB), "1 TiB");
	CHECK_STREQ(sz(UINT64_MAX), "16.00 EiB");
}

static void test_memmap(void)
{
	CHECK_EQ_U64(section_memmap_bytes(128 * MiB, 4096), 2 * MiB);
	CHECK_EQ_U64(section_memmap_bytes(2 * GiB, 4096), 32 * MiB);
	/* 64 MiB of memmap per 4 GiB: the kmem baseline in DESIGN.md */
	CHECK_EQ_U64(32 * section_memmap_bytes(128 * MiB, 4096), 64 * MiB);
	/* rounded up to whole pages */
	CHECK_EQ_U64(section_memmap_bytes(4096 * 3, 4096), 4096);
	CHECK_EQ_U64(section_memmap_bytes(128 * MiB, 0), 0);
}

int main(void)
{
	RUN(test_fmt_size);
	RUN(test_memmap);
	return unit_done();
}
