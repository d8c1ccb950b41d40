/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Sizes for people (binary units) and the memmap arithmetic behind
 * "RAM provided" and "DRAM spent".
 *
 * Pure logic: no sysfs access, linked into the unit tests.
 */
#ifndef PMEMCTL_SIZE_H
#define PMEMCTL_SIZE_H

#include <stddef.h>
#include <stdint.h>

/* Enough for "1023.99 PiB" and more. */
#define FMT_SIZE_LEN 32

/* sizeof(struct page) on x86_64 in the kernels this targets. */
#define STRUCT_PAGE_SIZE 64

const char *fmt_size(uint64_t bytes, char *buf, size_t len);
uint64_t section_memmap_bytes(uint64_t section_size, uint64_t page_size);

#endif /* PMEMCTL_SIZE_H */
