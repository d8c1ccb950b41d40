// SPDX-License-Identifier: GPL-2.0
/*
 * Keeping device_dax off the dax device "pmemctl setup" creates.
 *
 * When a namespace becomes devdax, dax_pmem creates its dax device and the
 * driver core offers it at once to device_dax, whose probe gives the whole
 * device struct pages in DRAM (map=mem): gigabytes per TiB, more than a
 * machine with little DRAM has (OOM, or a vmemmap allocation failure that
 * leaves struct pages behind until reboot: see kmem_pmem's
 * kmp_check_no_memmap()). kmem_pmem never uses them: each of its sections
 * carries its own. So setup turns the dax bus's drivers_autoprobe off while
 * it creates the device, binds it to kmem_pmem explicitly (new_id binds
 * whatever autoprobe says), and turns autoprobe back on. Any other dax
 * device that appeared unbound meanwhile is then offered to the drivers, as
 * autoprobe would have; the one setup created is not.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "builtin.h"

#define DAX_AUTOPROBE	"/sys/bus/dax/drivers_autoprobe"
#define DAX_PROBE	"/sys/bus/dax/drivers_probe"

/* Is @name a dax device bound to no driver? */
static bool dax_unbound(const char *name)
{
	char drv[64];

	return !dax_driver(name, drv, sizeof(drv)) && !drv[0];
}

/* Remember @name among the unbound devices of @h. */
static int note_unbound(struct autoprobe_hold *h, const char *name)
{
	char **bigger;

	bigger = realloc(h->unbound, (h->nr_unbound + 1) * sizeof(*bigger));
	if (!bigger)
		return -ENOMEM;
	h->unbound = bigger;
	h->unbound[h->nr_unbound] = strdup(name);
	if (!h->unbound[h->nr_unbound])
		return -ENOMEM;
	h->nr_unbound++;
	return 0;
}

static bool was_unbound(const struct autoprobe_hold *h, const char *name)
{
	int i;

	for (i = 0; i < h->nr_unbound; i++)
		if (!strcmp(name, h->unbound[i]))
			return true;
	return false;
}

/*
 * Go through the dax devices bound to no driver: before the hold (@before),
 * remember them; after it, offer the drivers those that were not, but
 * @h->keep.
 */
static int walk_unbound(struct autoprobe_hold *h, bool before)
{
	struct dirent *d;
	DIR *dir;
	int rc = 0;

	dir = opendir(DAX_DEVICES);
	if (!dir)
		return -errno;
	while (!rc && (d = readdir(dir))) {
		if (strncmp(d->d_name, "dax", 3) || !dax_unbound(d->d_name))
			continue;
		if (before)
			rc = note_unbound(h, d->d_name);
		else if (!was_unbound(h, d->d_name) &&
			 (!h->keep || strcmp(d->d_name, h->keep)))
			sysfs_write(DAX_PROBE, d->d_name);
	}
	closedir(dir);
	return rc;
}

/**
 * autoprobe_hold() - stop the dax bus from binding new devices
 * @h: filled in; give it to autoprobe_release()
 *
 * Return: 0 or a negative errno (then nothing changed).
 */
int autoprobe_hold(struct autoprobe_hold *h)
{
	char val[8];
	int rc;

	memset(h, 0, sizeof(*h));
	rc = sysfs_read(DAX_AUTOPROBE, val, sizeof(val));
	if (rc)
		return rc;
	h->was_on = !strcmp(val, "1");
	if (!h->was_on)
		return 0;
	rc = walk_unbound(h, true);
	if (!rc)
		rc = sysfs_write(DAX_AUTOPROBE, "0");
	if (rc) {
		autoprobe_release(h, NULL);
		return rc;
	}
	h->held = true;
	return 0;
}

/**
 * autoprobe_release() - undo autoprobe_hold()
 * @h: what autoprobe_hold() filled in
 * @keep: a device to leave unbound if it is ("daxX.Y"), or NULL
 *
 * Autoprobe goes back on; dax devices that appeared unbound since the hold,
 * except @keep, are offered to the drivers.
 */
void autoprobe_release(struct autoprobe_hold *h, const char *keep)
{
	int i;

	if (h->held) {
		sysfs_write(DAX_AUTOPROBE, "1");
		h->keep = keep;
		walk_unbound(h, false);
	}
	for (i = 0; i < h->nr_unbound; i++)
		free(h->unbound[i]);
	free(h->unbound);
	memset(h, 0, sizeof(*h));
}
