/* SPDX-License-Identifier: GPL-2.0 */
#ifndef PMEMCTL_WHO_MAPS_H
#define PMEMCTL_WHO_MAPS_H

#include <stddef.h>

int who_maps(const char *path, char *buf, size_t len);

#endif /* PMEMCTL_WHO_MAPS_H */
