/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMP_DAX_INFO_BLOCK_H
#define KMP_DAX_INFO_BLOCK_H

#include "pure_types.h"

/*
 * The kernel's DAX info block (struct nd_pfn_sb, drivers/nvdimm/pfn.h), as
 * kmem_pmem writes it into a section it makes an nvdimm namespace: the
 * kernel's nd_dax_probe() finds it and serves the section in devdax mode.
 */
#define KMP_DAX_INFO_OFFSET	4096	/* from the namespace's first byte */
#define KMP_DAX_INFO_SIZE	4096

u64 kmp_dax_info_dataoff(u64 ns_size, u64 align, u32 page_size);
void kmp_dax_info_encode(u8 *buf, u64 ns_size, u64 align, u32 page_size,
			 const u8 uuid[16]);
bool kmp_dax_info_matches(const u8 *buf, u64 ns_size, u64 align,
			  u32 page_size);

#endif /* KMP_DAX_INFO_BLOCK_H */
