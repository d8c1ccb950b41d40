// SPDX-License-Identifier: GPL-2.0
/*
 * Splitting a device range into sections of one memory block each.
 *
 * Pure logic: built into the module and into the userspace unit tests.
 */
#include "section_layout.h"

/**
 * kmp_layout_compute() - split [range_start, range_start + range_size) into sections
 * @range_start: physical start of the device
 * @range_size: bytes in the device
 * @block_size: memory block size, a power of two
 * @layout: filled in on success; on -ENOSPC the head covers the whole range
 *
 * Sections are the whole memory blocks inside the range; what lies before
 * the first and after the last is reported as head and tail.
 *
 * Return: 0, -EINVAL for a block size that is not a power of two or a range
 * that wraps, -ENOSPC if not one whole section fits.
 */
int kmp_layout_compute(u64 range_start, u64 range_size, u64 block_size,
		       struct kmp_layout *layout)
{
	u64 end, first, last;

	if (!block_size || (block_size & (block_size - 1)))
		return -EINVAL;
	end = range_start + range_size;
	if (end < range_start)
		return -EINVAL;

	first = (range_start + block_size - 1) & ~(block_size - 1);
	last = end & ~(block_size - 1);

	layout->section_size = block_size;
	if (first < range_start || last <= first) {
		layout->start = range_start;
		layout->nr_sections = 0;
		layout->head_bytes = range_size;
		layout->tail_bytes = 0;
		return -ENOSPC;
	}
	layout->start = first;
	layout->nr_sections = (last - first) / block_size;
	layout->head_bytes = first - range_start;
	layout->tail_bytes = end - last;
	return 0;
}
