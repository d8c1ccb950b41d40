// SPDX-License-Identifier: GPL-2.0
/*
 * The DAX info block of a section that is an nvdimm namespace (entry 3 of
 * the table). Its format is the kernel's (struct nd_pfn_sb in
 * drivers/nvdimm/pfn.h, version 1.4): the same bytes nd_pfn_init() writes
 * for `ndctl create-namespace --mode=devdax --map=dev` on a label-less
 * namespace, which nd_pfn_validate() checks at every probe:
 *
 *	offset	size	field
 *	0	16	signature "NVDIMM_DAX_INFO\0"
 *	16	16	uuid (of the nd_dax)
 *	32	16	parent uuid: the namespace's, zero for a label-less one
 *	48	4	flags (0)
 *	52	2, 2	version 1.4
 *	56	8	dataoff: where the data starts
 *	64	8	npfns: pages of data
 *	72	4	mode: 2 (PFN_MODE_PMEM: struct pages in the namespace)
 *	76	4, 4	start_pad, end_trunc (0: sections are aligned)
 *	84	4	align of the mappings
 *	88	4	page size
 *	92	2	struct page size budgeted (64, MAX_STRUCT_PAGE_SIZE)
 *	4088	8	checksum: Fletcher-64 of the block, this field 0
 *
 * The struct pages of the whole namespace go right after the block's 8 KiB,
 * padded to @align: for 128 MiB, 2 MiB of struct pages end at 2 MiB + 8 KiB,
 * so the data starts at 4 MiB.
 *
 * Pure logic: built into the module and into the userspace unit tests.
 */
#include "dax_info_block.h"
#include "metadata_format.h"

#ifndef __KERNEL__
#include <string.h>
#else
#include <linux/string.h>
#endif

#define SIG		"NVDIMM_DAX_INFO\0"
#define RESERVED	8192	/* the first 4 KiB (labels) and the block */
#define PAGE_STRUCT	64	/* the kernel's MAX_STRUCT_PAGE_SIZE */
#define MODE_PMEM	2

enum {
	OFF_SIG = 0, OFF_UUID = 16, OFF_PARENT = 32, OFF_FLAGS = 48,
	OFF_MAJOR = 52, OFF_MINOR = 54, OFF_DATAOFF = 56, OFF_NPFNS = 64,
	OFF_MODE = 72, OFF_START_PAD = 76, OFF_END_TRUNC = 80, OFF_ALIGN = 84,
	OFF_PAGE_SIZE = 88, OFF_STRUCT_SIZE = 92, HEAD = 94, OFF_CHECKSUM = 4088,
};

/**
 * kmp_dax_info_dataoff() - where the data of a namespace starts
 * @ns_size: bytes of the namespace (a section)
 * @align: alignment of the data (PMD size)
 * @page_size: bytes per page
 *
 * Return: nd_pfn_init()'s offset for mode PFN_MODE_PMEM.
 */
u64 kmp_dax_info_dataoff(u64 ns_size, u64 align, u32 page_size)
{
	u64 memmap = PAGE_STRUCT * ((ns_size - RESERVED) / page_size);

	return (RESERVED + memmap + align - 1) / align * align;
}

/* nd_sb_checksum(): Fletcher-64 over 32-bit words, its own field as 0. */
static u64 checksum(const u8 *buf)
{
	return kmp_fletcher64_zeroed(buf, KMP_DAX_INFO_SIZE, OFF_CHECKSUM);
}

/* The fields before the padding: HEAD bytes, the uuid from @uuid. */
static void head(u8 *h, u64 ns_size, u64 align, u32 page_size, const u8 *uuid)
{
	u64 dataoff = kmp_dax_info_dataoff(ns_size, align, page_size);

	memset(h, 0, HEAD);
	memcpy(h + OFF_SIG, SIG, 16);
	memcpy(h + OFF_UUID, uuid, 16);
	kmp_put_le(h + OFF_MAJOR, 1, 2);
	kmp_put_le(h + OFF_MINOR, 4, 2);
	kmp_put_le(h + OFF_DATAOFF, dataoff, 8);
	kmp_put_le(h + OFF_NPFNS, (ns_size - dataoff) / page_size, 8);
	kmp_put_le(h + OFF_MODE, MODE_PMEM, 4);
	kmp_put_le(h + OFF_ALIGN, align, 4);
	kmp_put_le(h + OFF_PAGE_SIZE, page_size, 4);
	kmp_put_le(h + OFF_STRUCT_SIZE, PAGE_STRUCT, 2);
}

/**
 * kmp_dax_info_encode() - the info block of a section made a namespace
 * @buf: KMP_DAX_INFO_SIZE bytes, overwritten
 * @ns_size: bytes of the namespace; more than its dataoff
 * @align: alignment of the data and of the mappings (PMD size)
 * @page_size: bytes per page
 * @uuid: the nd_dax's uuid
 */
void kmp_dax_info_encode(u8 *buf, u64 ns_size, u64 align, u32 page_size,
			 const u8 uuid[16])
{
	memset(buf, 0, KMP_DAX_INFO_SIZE);
	head(buf, ns_size, align, page_size, uuid);
	kmp_put_le(buf + OFF_CHECKSUM, checksum(buf), 8);
}

/**
 * kmp_dax_info_matches() - is @buf the block kmem_pmem would write?
 * @buf: KMP_DAX_INFO_SIZE bytes read from a section
 * @ns_size: bytes of the namespace
 * @align: alignment of the data
 * @page_size: bytes per page
 *
 * Everything but the uuid must be what kmp_dax_info_encode() writes: a
 * block that was damaged or rewritten (ndctl reconfiguring the namespace)
 * is written again, the data staying where it is.
 *
 * Return: true if it matches.
 */
bool kmp_dax_info_matches(const u8 *buf, u64 ns_size, u64 align,
			  u32 page_size)
{
	u8 want[HEAD];
	int i;

	head(want, ns_size, align, page_size, buf + OFF_UUID);
	if (memcmp(want, buf, HEAD) || kmp_get_le(buf + OFF_CHECKSUM, 8) != checksum(buf))
		return false;
	for (i = HEAD; i < OFF_CHECKSUM; i++)
		if (buf[i])
			return false;
	return true;
}
