/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMP_SECTION_ORDER_H
#define KMP_SECTION_ORDER_H

#include "pure_types.h"

/* No section: e.g. no section of the device is online. */
#define KMP_NO_SECTION ((u32)-1)

void kmp_order_online(u32 *ids, u32 n, u32 lowest_online);
void kmp_order_offline(u32 *ids, u32 n, u32 lowest_online);

#endif /* KMP_SECTION_ORDER_H */
