/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types for the pure-logic files (section_layout.c, section_order.c, ...):
 * they build both into the module and into the userspace unit tests, so
 * they use nothing but fixed-width integers and errno values; and the
 * little-endian field helpers of their on-media formats.
 */
#ifndef KMP_PURE_TYPES_H
#define KMP_PURE_TYPES_H

#ifdef __KERNEL__
#include <linux/types.h>
#include <linux/errno.h>
#else
#include <stdint.h>
#include <stdbool.h>
#include <errno.h>
typedef uint8_t u8;
typedef uint32_t u32;
typedef uint64_t u64;
#endif

/* Little-endian fields of on-media structures, @bytes (at most 8) long. */
static inline void kmp_put_le(u8 *p, u64 v, int bytes)
{
	int i;

	for (i = 0; i < bytes; i++)
		p[i] = (u8)(v >> (8 * i));
}

static inline u64 kmp_get_le(const u8 *p, int bytes)
{
	u64 v = 0;
	int i;

	for (i = 0; i < bytes; i++)
		v |= (u64)p[i] << (8 * i);
	return v;
}

#endif /* KMP_PURE_TYPES_H */
