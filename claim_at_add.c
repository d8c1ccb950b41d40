// SPDX-License-Identifier: GPL-2.0
/*
 * Claiming the dax devices that carry kmem_pmem's table as they appear.
 *
 * device_dax is offered every pmem dax device the moment dax_pmem creates
 * it (6.1: it matches every device; 6.12 and 7.3: every device of a region
 * not meant for kmem), and its probe gives the whole device struct pages in
 * DRAM (a namespace made with map=mem): gigabytes per TiB. A machine whose
 * pmem is many times its DRAM runs out of memory at boot before "pmemctl
 * restore" could move the device to kmem_pmem; and a failed probe leaves
 * struct pages behind for good (memmap_in_pmem.c, kmp_check_no_memmap()).
 *
 * So kmem_pmem watches the dax bus: when a device is added while the module
 * is loaded and its media holds a signed copy of kmem_pmem's table (valid
 * or not: what "pmemctl restore" binds), the bus notifier adds its name to
 * kmem_pmem's ids, exactly as "echo daxX.Y > .../kmem_pmem/new_id" does (the
 * dax bus's own new_id store, found among the bus's driver attributes). The
 * notifier runs before device_add() offers the device to the drivers (a
 * probe from inside it is deferred: the device is not "ready to probe"
 * yet), and the driver core offers it to the drivers in the order they
 * registered: kmem_pmem, matching by id, gets it if it registered before
 * device_dax. The softdep "make install" puts in modprobe.d loads kmem_pmem
 * before dax_pmem and device_dax, so at boot it does. Devices already there
 * and bound to no driver when the module loads are claimed the same way
 * (new_id binds them at once). When a device goes away its name leaves the
 * ids (kmp_forget()). Devices without a table are left alone: the
 * driver core offers them to device_dax as usual; so it does a claimed
 * device that kmem_pmem's probe refuses.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/io.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "dax-private.h"
#include "bus.h"
#include "kmem_pmem.h"

static struct device_driver *kmp_claim_drv;

/* Does @dev_dax's media hold a signed copy of kmem_pmem's table? */
static bool kmp_media_has_table(struct dev_dax *dev_dax)
{
	struct kmp_meta_place place;
	struct kmp_layout layout;
	struct kmp_meta meta;
	bool found = false;
	struct range *range;
	void *addr;
	u8 *buf;
	int c;

	if (dev_dax->nr_range != 1 || dev_dax->target_node < 0)
		return false;
	range = &dev_dax->ranges[0].range;
	if (kmp_layout_compute(range->start, range_len(range),
			       memory_block_size_bytes(), &layout) ||
	    kmp_meta_place(range_len(range), &layout, &place))
		return false;

	buf = kvmalloc(place.copy_size, GFP_KERNEL);
	addr = memremap(range->start + place.offset, 2 * place.copy_size,
			MEMREMAP_WB);
	for (c = 0; buf && addr && c < 2 && !found; c++) {
		/* A media error in the table must not take the machine down. */
		if (copy_mc_to_kernel(buf, addr + c * place.copy_size,
				      place.copy_size))
			continue;
		found = kmp_meta_signed(kmp_meta_decode(buf, place.copy_size,
							&meta));
	}
	if (addr)
		memunmap(addr);
	kvfree(buf);
	return found;
}

/* The dax bus's new_id and remove_id stores (bus.c: do_id_store()). */
static struct driver_attribute *kmp_new_id, *kmp_remove_id;

static struct driver_attribute *find_drv_attr(const struct bus_type *bus,
					      const char *name)
{
	const struct attribute_group *const *g;
	struct attribute **a;

	for (g = bus->drv_groups; g && *g; g++)
		for (a = (*g)->attrs; a && *a; a++)
			if (!strcmp((*a)->name, name))
				return container_of(*a, struct driver_attribute,
						    attr);
	return NULL;
}

/* Add @dev to kmem_pmem's ids if it is unbound and carries the table. */
static int kmp_claim(struct device *dev, void *unused)
{
	const char *name = dev_name(dev);
	ssize_t rc;

	if (dev->driver || kmp_devdax_is_instance(dev) ||
	    !kmp_media_has_table(to_dev_dax(dev)))
		return 0;
	rc = kmp_new_id->store(kmp_claim_drv, name, strlen(name));
	if (rc < 0)
		dev_warn(dev, "carries a kmem_pmem table, but kmem_pmem could not claim it: %zd\n",
			 rc);
	else
		dev_info(dev, "claimed by kmem_pmem: its media carries a kmem_pmem table\n");
	return 0;
}

/*
 * A name in kmem_pmem's ids stands for one device (new_id, or the claim).
 * Once that device is gone, a new one of the same name is another device:
 * it is claimed only if its media carries the table, or kmem_pmem would take
 * (and write a table onto) a device meant for device_dax.
 */
static void kmp_forget(struct device *dev)
{
	const char *name = dev_name(dev);

	kmp_remove_id->store(kmp_claim_drv, name, strlen(name));
}

static int kmp_bus_event(struct notifier_block *nb, unsigned long action,
			 void *data)
{
	/* Before device_add() offers the device to the drivers. */
	if (action == BUS_NOTIFY_ADD_DEVICE) {
		if (kmp_devdax_is_instance(data))
			kmp_devdax_instance_added(data);
		else
			kmp_claim(data, NULL);
	} else if (action == BUS_NOTIFY_DEL_DEVICE) {
		/* Before device_del() unbinds it: see kmp_devdax_detach(). */
		kmp_devdax_core_deleting(data);
		kmp_forget(data);
	}
	return NOTIFY_DONE;
}

static struct notifier_block kmp_bus_nb = {
	.notifier_call = kmp_bus_event,
};

/**
 * kmp_claim_register() - claim devices with a table, now and as they appear
 * @drv: kmem_pmem's registered driver (its bus is the dax bus)
 *
 * Return: 0 or a negative errno.
 */
int kmp_claim_register(struct device_driver *drv)
{
	int rc;

	kmp_claim_drv = drv;
	kmp_new_id = find_drv_attr(drv->bus, "new_id");
	kmp_remove_id = find_drv_attr(drv->bus, "remove_id");
	if (!kmp_new_id || !kmp_new_id->store ||
	    !kmp_remove_id || !kmp_remove_id->store) {
		pr_err("the dax bus has no new_id or remove_id for its drivers\n");
		return -ENOENT;
	}
	rc = bus_register_notifier(drv->bus, &kmp_bus_nb);
	if (rc)
		return rc;
	bus_for_each_dev(drv->bus, NULL, NULL, kmp_claim);
	return 0;
}

/**
 * kmp_claim_unregister() - stop claiming devices
 */
void kmp_claim_unregister(void)
{
	bus_unregister_notifier(kmp_claim_drv->bus, &kmp_bus_nb);
}
