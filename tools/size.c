// SPDX-License-Identifier: GPL-2.0
/*
 * Sizes for people and the memmap arithmetic.
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#include <inttypes.h>
#include <stdio.h>

#include "size.h"

/**
 * fmt_size() - format a byte count in binary units
 * @bytes: the count
 * @buf: output
 * @len: size of @buf, FMT_SIZE_LEN is enough
 *
 * Uses the largest unit the count reaches: whole multiples print as
 * integers ("126 MiB", "4 GiB"), others with two decimals ("3.88 GiB").
 *
 * Return: @buf.
 */
const char *fmt_size(uint64_t bytes, char *buf, size_t len)
{
	static const char * const unit[] = {
		"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB",
	};
	unsigned int u = 0;

	while (u + 1 < sizeof(unit) / sizeof(unit[0]) &&
	       bytes >> (10 * (u + 1)))
		u++;
	if (!(bytes & ((1ULL << (10 * u)) - 1)))
		snprintf(buf, len, "%" PRIu64 " %s", bytes >> (10 * u), unit[u]);
	else
		snprintf(buf, len, "%.2f %s",
			 (double)bytes / (double)(1ULL << (10 * u)), unit[u]);
	return buf;
}

/**
 * section_memmap_bytes() - bytes of struct pages describing one section
 * @section_size: bytes per section
 * @page_size: base page size
 *
 * With the memmap in the pmem, this is what each volatile section keeps
 * for itself (2 MiB of a 128 MiB section); with the memmap in DRAM it is
 * what each volatile section costs in DRAM. The kernel rounds it up to
 * whole pages.
 *
 * Return: the byte count, 0 if @page_size is 0.
 */
uint64_t section_memmap_bytes(uint64_t section_size, uint64_t page_size)
{
	uint64_t bytes;

	if (!page_size)
		return 0;
	bytes = section_size / page_size * STRUCT_PAGE_SIZE;
	return (bytes + page_size - 1) / page_size * page_size;
}
