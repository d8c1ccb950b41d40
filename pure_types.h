/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Types for the pure-logic files (section_layout.c, section_order.c, ...):
 * they build both into the module and into the userspace unit tests, so
 * they use nothing but fixed-width integers and errno values.
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

#endif /* KMP_PURE_TYPES_H */
