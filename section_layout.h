/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMP_SECTION_LAYOUT_H
#define KMP_SECTION_LAYOUT_H

#include "pure_types.h"

/**
 * struct kmp_layout - how a device range splits into sections
 * @start: physical address of section 0 (memory-block aligned)
 * @section_size: bytes per section (one memory block)
 * @nr_sections: number of whole sections
 * @head_bytes: bytes of the device below @start
 * @tail_bytes: bytes of the device above the last section
 */
struct kmp_layout {
	u64 start;
	u64 section_size;
	u64 nr_sections;
	u64 head_bytes;
	u64 tail_bytes;
};

int kmp_layout_compute(u64 range_start, u64 range_size, u64 block_size,
		       struct kmp_layout *layout);

#endif /* KMP_SECTION_LAYOUT_H */
