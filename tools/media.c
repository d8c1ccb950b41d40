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
 *
 * "pmemctl setup" clears that place on a namespace it has just made devdax,
 * so that the previous mode's bytes are not read as a corrupt table: it
 * asks here where the place is (media_table_place()).
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

/* Where the table's two copies are on @dev, mapped with @prot. */
struct table_map {
	struct kmp_meta_place place;
	unsigned char *p;		/* the first copy */
	unsigned char *base;
	uint64_t len;
};

/*
 * Return: 1 if mapped, 0 if kmem_pmem would not take this device (no
 * table place), or a negative errno (see media_metadata()).
 */
static int map_table(struct daxctl_dev *dev, int prot, struct table_map *t)
{
	uint64_t start = daxctl_dev_get_resource(dev);
	uint64_t size = daxctl_dev_get_size(dev);
	uint64_t align = daxctl_dev_get_align(dev);
	struct daxctl_mapping *m;
	struct kmp_layout layout;
	char path[64], drv[64];
	uint64_t map_start;
	int fd, nr_maps = 0, rc;

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
	    kmp_meta_place(size, &layout, &t->place))
		return 0;	/* kmem_pmem would not take it either */

	map_start = t->place.offset / align * align;
	t->len = (t->place.offset + 2 * t->place.copy_size - map_start +
		  align - 1) / align * align;
	snprintf(path, sizeof(path), "/dev/%s", daxctl_dev_get_devname(dev));
	fd = open(path, (prot & PROT_WRITE ? O_RDWR : O_RDONLY) | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	t->base = mmap(NULL, t->len, prot, MAP_SHARED, fd, map_start);
	rc = t->base == MAP_FAILED ? -errno : 1;
	close(fd);
	if (rc == 1)
		t->p = t->base + (t->place.offset - map_start);
	return rc;
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
	uint64_t size = daxctl_dev_get_size(dev);
	struct kmp_meta meta[2] = { };
	enum kmp_meta_verdict v[2];
	struct kmp_layout layout;
	struct table_map t;
	int pick, rc;

	snprintf(state, len, "none");
	rc = map_table(dev, PROT_READ, &t);
	if (rc <= 0)
		return rc;
	v[0] = kmp_meta_decode(t.p, t.place.copy_size, &meta[0]);
	v[1] = kmp_meta_decode(t.p + t.place.copy_size, t.place.copy_size,
			       &meta[1]);
	munmap(t.base, t.len);

	/*
	 * The driver calls a device without a blank table corrupt; but only
	 * a signed copy says kmem_pmem used it: anything else (another
	 * user's data) is not ours to bind.
	 */
	if (!kmp_meta_signed(v[0]) && !kmp_meta_signed(v[1]))
		return 0;
	kmp_layout_compute(daxctl_dev_get_resource(dev), size,
			   memory_block_size(), &layout);
	pick = kmp_meta_pick(v[0], meta[0].seq, v[1], meta[1].seq);
	if (pick >= 0 && kmp_meta_geometry_matches(&meta[pick], size, &layout))
		snprintf(state, len, "ok");
	else
		snprintf(state, len, "corrupt");
	return 1;
}

/**
 * media_table_place() - where kmem_pmem's table goes on a dax device
 * @dev: the dax device, bound to any driver or none
 * @phys: the physical address of its first copy
 * @len: the bytes of both copies
 *
 * For a namespace setup has just made devdax, whose bytes it was allowed to
 * destroy: what the namespace held before (a filesystem's blocks) would
 * read as a corrupt table, and the bind would refuse every move. setup
 * zeroes this place through the raw namespace, without device_dax.
 *
 * Return: 1, or 0 if kmem_pmem would not take the device (no place).
 */
int media_table_place(struct daxctl_dev *dev, uint64_t *phys, uint64_t *len)
{
	uint64_t start = daxctl_dev_get_resource(dev);
	struct kmp_meta_place place;
	struct kmp_layout layout;

	if (kmp_layout_compute(start, daxctl_dev_get_size(dev),
			       memory_block_size(), &layout) ||
	    kmp_meta_place(daxctl_dev_get_size(dev), &layout, &place))
		return 0;
	*phys = start + place.offset;
	*len = 2 * place.copy_size;
	return 1;
}
