// SPDX-License-Identifier: GPL-2.0
/*
 * Does a dax device not bound to kmem_pmem carry its on-media table?
 *
 * "pmemctl restore" must bind the devices kmem_pmem used before the boot
 * and only those: binding a device without a table would give it one. The
 * table's place and format are the driver's own (section_layout.c,
 * metadata_format.c, linked here unchanged), so the answer is the driver's:
 * compute where the two copies are for this geometry, read them through
 * /dev/daxX.Y (the device is bound to device_dax after boot), and decode.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include <daxctl/libdaxctl.h>

#include "builtin.h"
#include "metadata_format.h"
#include "section_layout.h"

static uint64_t memory_block_size(void)
{
	char buf[32];

	if (sysfs_read(MEMORY_DIR "/block_size_bytes", buf, sizeof(buf)))
		return 0;
	return strtoull(buf, NULL, 16);
}

/**
 * media_metadata() - look for kmem_pmem's table on a dax device's media
 * @dev: the dax device, bound to device_dax
 * @state: "ok" (a valid table for this geometry), "corrupt" (a signed copy,
 *	but no valid one, or another geometry) or "none" (no signed copy:
 *	blank, or not kmem_pmem's)
 * @len: size of @state
 *
 * Return: 1 if the media carries a table (valid or not), 0 if not, or a
 * negative errno if it cannot be read (-ENODEV: not bound to device_dax,
 * -EOPNOTSUPP: more than one range, which kmem_pmem does not drive).
 */
int media_metadata(struct daxctl_dev *dev, char *state, size_t len)
{
	uint64_t start = daxctl_dev_get_resource(dev);
	uint64_t size = daxctl_dev_get_size(dev);
	uint64_t align = daxctl_dev_get_align(dev);
	uint64_t map_start, map_len;
	struct kmp_meta_place place;
	enum kmp_meta_verdict v[2];
	struct daxctl_mapping *m;
	struct kmp_layout layout;
	struct kmp_meta meta[2] = { };
	char path[64], drv[64];
	int fd, nr_maps = 0, pick, rc;
	unsigned char *p;

	snprintf(state, len, "none");
	if (dax_driver(daxctl_dev_get_devname(dev), drv, sizeof(drv)) ||
	    strcmp(drv, "device_dax"))
		return -ENODEV;
	daxctl_mapping_foreach(dev, m)
		nr_maps++;
	if (nr_maps > 1)
		return -EOPNOTSUPP;
	if (!align)
		align = 2 << 20;
	if (kmp_layout_compute(start, size, memory_block_size(), &layout) ||
	    kmp_meta_place(size, &layout, &place))
		return 0;	/* kmem_pmem would not take it either */

	map_start = place.offset / align * align;
	map_len = (place.offset + 2 * place.copy_size - map_start + align - 1) /
		  align * align;
	snprintf(path, sizeof(path), "/dev/%s", daxctl_dev_get_devname(dev));
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	p = mmap(NULL, map_len, PROT_READ, MAP_SHARED, fd, map_start);
	rc = p == MAP_FAILED ? -errno : 0;
	close(fd);
	if (rc)
		return rc;

	v[0] = kmp_meta_decode(p + place.offset - map_start, place.copy_size,
			       &meta[0]);
	v[1] = kmp_meta_decode(p + place.offset - map_start + place.copy_size,
			       place.copy_size, &meta[1]);
	munmap(p, map_len);

	/*
	 * The driver calls a device without a blank table corrupt; but only
	 * a signed copy says kmem_pmem used it: anything else (another
	 * user's data) is not ours to bind.
	 */
	if (!kmp_meta_signed(v[0]) && !kmp_meta_signed(v[1]))
		return 0;
	pick = kmp_meta_pick(v[0], meta[0].seq, v[1], meta[1].seq);
	if (pick >= 0 && kmp_meta_geometry_matches(&meta[pick], size, &layout))
		snprintf(state, len, "ok");
	else
		snprintf(state, len, "corrupt");
	return 1;
}
