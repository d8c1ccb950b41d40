// SPDX-License-Identifier: GPL-2.0
/*
 * kmem_pmem: persistent memory as a slower tier of RAM, memmap in the pmem.
 *
 * Like drivers/dax/kmem.c, this dax driver hands a device-dax instance to
 * the page allocator, on the device's own (usually CPU-less) NUMA node,
 * registered as a memory tier slower than DRAM. Unlike kmem it splits the
 * device into sections of one memory block each, and each section is, at
 * run time and independently:
 *
 *  - volatile: hot-added as System RAM with its struct pages stored inside
 *    the section itself (memmap_in_pmem.c), so the pmem costs no DRAM; or
 *  - persistent: out of the page allocator, its bytes kept, reachable
 *    through /dev/kmem_pmem/daxX.Y (chardev.c).
 *
 * Admins move sections through sysfs (sysfs.c); the state machine and the
 * order of bulk moves live in sections.c. Which sections are volatile is
 * recorded on the pmem itself (metadata.c), so the split survives reboot:
 * a bind brings the recorded volatile sections back as RAM.
 *
 * Unbinding gives every volatile section back. A section the kernel cannot
 * offline (unmovable pages, or pages that do not migrate within
 * offline_timeout seconds) cannot be forced out, and unbind cannot fail, so
 * the device's state is kept as an "orphan": its memory stays accounted to
 * its memory group, the module stays pinned (rmmod refuses), and binding the
 * same device again adopts it, from where the sections can be moved again.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/ioport.h>
#include <linux/memory.h>
#include <linux/memory-tiers.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/slab.h>

#include "dax-private.h"
#include "bus.h"
#include "kmem_pmem.h"

/*
 * Abstract distance of the pmem node when no platform driver set one: the
 * same slow tier the kernel's kmem uses.
 */
#define KMP_DEFAULT_ADISTANCE	(MEMTIER_ADISTANCE_DRAM * 5)

static struct memory_dev_type *kmp_slowmem_type;

static char *initial_mode = "volatile";
module_param(initial_mode, charp, 0444);
MODULE_PARM_DESC(initial_mode,
		 "Use of the sections when a device is bound: volatile (default) or persistent");

/**
 * kmp_device() - the struct device of a bound kmem_pmem device
 * @kdev: the device
 *
 * Return: the dax device, or NULL while @kdev is orphaned.
 */
struct device *kmp_device(struct kmp_dev *kdev)
{
	return kdev->dev_dax ? &kdev->dev_dax->dev : NULL;
}

static void kmp_dev_release(struct kref *ref)
{
	struct kmp_dev *kdev = container_of(ref, struct kmp_dev, ref);

	badblocks_exit(&kdev->poison);
	cleanup_srcu_struct(&kdev->access_srcu);
	kvfree(kdev->map_count);
	kvfree(kdev->recorded);
	kfree(kdev->name);
	kvfree(kdev);
}

/**
 * kmp_dev_put() - drop a reference to a device's state
 * @kdev: the device
 */
void kmp_dev_put(struct kmp_dev *kdev)
{
	kref_put(&kdev->ref, kmp_dev_release);
}

static struct kmp_dev *kmp_dev_alloc(struct dev_dax *dev_dax,
				     const struct range *range,
				     const struct kmp_layout *layout,
				     const struct kmp_meta_place *place)
{
	u64 n = layout->nr_sections;
	struct kmp_dev *kdev;

	kdev = kvzalloc(struct_size(kdev, state, n), GFP_KERNEL);
	if (!kdev)
		return NULL;
	if (init_srcu_struct(&kdev->access_srcu)) {
		kvfree(kdev);
		return NULL;
	}
	if (badblocks_init(&kdev->poison, 1)) {
		cleanup_srcu_struct(&kdev->access_srcu);
		kvfree(kdev);
		return NULL;
	}
	kref_init(&kdev->ref);
	kdev->name = kstrdup(dev_name(&dev_dax->dev), GFP_KERNEL);
	kdev->recorded = kvzalloc(n, GFP_KERNEL);
	kdev->map_count = kvcalloc(n, sizeof(*kdev->map_count), GFP_KERNEL);
	if (!kdev->name || !kdev->recorded || !kdev->map_count) {
		kmp_dev_put(kdev);
		return NULL;
	}
	init_rwsem(&kdev->lock);
	mutex_init(&kdev->files_lock);
	INIT_LIST_HEAD(&kdev->files);
	kdev->range_start = range->start;
	kdev->range_size = range_len(range);
	kdev->layout = *layout;
	kdev->place = *place;
	kdev->nid = dev_dax->target_node;
	kdev->base_pfn = PHYS_PFN(layout->start);
	kdev->pages_per_section = PHYS_PFN(layout->section_size);
	kdev->memmap = KMP_MEMMAP_PMEM;
	kdev->meta_current = -1;
	kdev->nr_in_state[KMP_PERSISTENT] = n;
	return kdev;
}

static struct kmp_dev *kmp_dev_create(struct dev_dax *dev_dax,
				      const struct range *range,
				      const struct kmp_layout *layout,
				      const struct kmp_meta_place *place)
{
	u64 span = layout->nr_sections * layout->section_size;
	struct device *dev = &dev_dax->dev;
	struct kmp_dev *kdev;
	int rc;

	kdev = kmp_dev_alloc(dev_dax, range, layout, place);
	if (!kdev)
		return ERR_PTR(-ENOMEM);

	init_node_memory_type(kdev->nid, kmp_slowmem_type);

	rc = memory_group_register_static(kdev->nid, PHYS_PFN(span));
	if (rc < 0)
		goto err_group;
	kdev->mgid = rc;

	kdev->res = request_mem_region(layout->start, span, kdev->name);
	if (!kdev->res) {
		dev_warn(dev, "%#llx-%#llx could not reserve region\n",
			 layout->start, layout->start + span - 1);
		rc = -EBUSY;
		goto err_res;
	}
	/*
	 * BUSY cleared so that hot-added sections can become its children,
	 * as in kmem; but not flagged System RAM as kmem does: persistent
	 * sections are not RAM, and must stay mappable with memremap().
	 */
	kdev->res->flags = IORESOURCE_MEM;

	spin_lock(&kmp_state_lock);
	list_add(&kdev->list, &kmp_devices);
	spin_unlock(&kmp_state_lock);
	return kdev;

err_res:
	memory_group_unregister(kdev->mgid);
err_group:
	clear_node_memory_type(kdev->nid, kmp_slowmem_type);
	kmp_dev_put(kdev);
	return ERR_PTR(rc);
}

/* Undo kmp_dev_create(); every section must be out of the page allocator. */
static void kmp_dev_destroy(struct kmp_dev *kdev)
{
	spin_lock(&kmp_state_lock);
	list_del(&kdev->list);
	spin_unlock(&kmp_state_lock);

	kmp_meta_close(kdev);
	kmp_devdax_release_claim(kdev->res);
	memory_group_unregister(kdev->mgid);
	clear_node_memory_type(kdev->nid, kmp_slowmem_type);
	kmp_dev_put(kdev);
}

/* An orphan left by an earlier unbind of the same device, or NULL. */
static struct kmp_dev *kmp_adopt_orphan(struct dev_dax *dev_dax,
					const struct kmp_layout *layout)
{
	struct kmp_dev *kdev, *found = NULL;

	spin_lock(&kmp_state_lock);
	list_for_each_entry(kdev, &kmp_devices, list) {
		if (!kdev->dev_dax && kdev->layout.start == layout->start &&
		    kdev->layout.nr_sections == layout->nr_sections &&
		    kdev->layout.section_size == layout->section_size &&
		    kdev->nid == dev_dax->target_node) {
			found = kdev;
			break;
		}
	}
	/* Claimed under the lock: only one bind can adopt it. */
	if (found)
		found->dev_dax = dev_dax;
	spin_unlock(&kmp_state_lock);

	if (found) {
		dev_info(&dev_dax->dev, "adopting the sections left as RAM by an earlier unbind\n");
		module_put(THIS_MODULE);
	}
	return found;
}

/*
 * Sections recorded volatile keep their RAM contents on the media after
 * unbind, by design (a rebind brings them back at once, without zeroing).
 * Another driver bound to the device (device_dax, kmem) would expose those
 * bytes: say so, and how to hand the device back clean.
 */
static void kmp_warn_recorded_volatile(struct kmp_dev *kdev)
{
	unsigned long i, n = 0;

	for (i = 0; i < kdev->layout.nr_sections; i++)
		if (kdev->recorded[i] == KMP_META_VOLATILE)
			n++;
	if (n)
		dev_warn(kmp_device(kdev), "%lu sections stay recorded volatile with their RAM contents on the media; another driver would expose them (make them persistent before unbinding: 'pmemctl release')\n",
			 n);
}

/*
 * Give every volatile section back and free @kdev; whatever cannot be
 * given back keeps @kdev alive as an orphan (see the top of this file).
 * Each section gives up within offline_timeout seconds, so unbind ends.
 */
static void kmp_detach(struct kmp_dev *kdev)
{
	struct device *dev = kmp_device(kdev);
	unsigned long *map, left;

	kmp_chardev_revoke(kdev);
	kmp_devdax_detach(kdev);
	left = kmp_remove_all(kdev);
	kmp_warn_recorded_volatile(kdev);
	if (!left) {
		down_write(&kdev->lock);
		kdev->dev_dax = NULL;
		up_write(&kdev->lock);
		kmp_dev_destroy(kdev);
		return;
	}

	map = bitmap_zalloc(kdev->layout.nr_sections, GFP_KERNEL);
	if (map)
		kmp_states_to_bitmap(kdev, map, KMP_VOLATILE_STATES);
	dev_err(dev, "%lu sections could not be removed and stay System RAM: %*pbl; bind the device again to retry\n",
		left, map ? (int)kdev->layout.nr_sections : 0, map);
	bitmap_free(map);

	/* Keep the module, and with it @kdev, until the device is bound again. */
	__module_get(THIS_MODULE);
	down_write(&kdev->lock);
	kdev->dev_dax = NULL;
	up_write(&kdev->lock);
}

/**
 * kmp_dram_bytes() - the DRAM the driver holds for a device
 * @kdev: the device
 *
 * Per section: its state (u8), what the table records (u8), its char device
 * mapping count (atomic_t) and its table entry as encoded in DRAM before a
 * write (one byte of @meta_buf), and, only while a table of another geometry
 * waits for "init", what it implies (u8): 7 bytes, 8 then. Fixed: struct
 * kmp_dev, the table's header in @meta_buf and the page of the poison list.
 * The table itself is in the pmem; the kernel's own structures for a
 * section's memory block (struct memory_block, sysfs) are not counted.
 *
 * Context: takes @kdev->lock for reading.
 * Return: bytes.
 */
u64 kmp_dram_bytes(struct kmp_dev *kdev)
{
	u64 n = kdev->layout.nr_sections;
	u64 bytes;

	bytes = struct_size(kdev, state, n) + n * sizeof(*kdev->recorded) +
		n * sizeof(*kdev->map_count) + PAGE_SIZE;
	down_read(&kdev->lock);
	if (kdev->meta_buf)
		bytes += kdev->place.copy_size;
	if (kdev->meta_carry)
		bytes += n;
	bytes += kmp_devdax_dram_bytes(kdev);
	up_read(&kdev->lock);
	return bytes;
}

/**
 * kmp_initial_volatile() - are sections of a new table volatile?
 *
 * Return: true unless the module was loaded with initial_mode=persistent.
 */
bool kmp_initial_volatile(void)
{
	return !strcmp(initial_mode, "volatile");
}

/*
 * Bring back as RAM every section the table records volatile; with @all
 * (a new table, initial_mode=volatile) every section. A new table records
 * all of them persistent: each is recorded volatile as it is added, so
 * sections that cannot be added stay readable through the char device.
 */
static void kmp_restore(struct kmp_dev *kdev, bool all)
{
	unsigned long *map, i;
	int rc = -ENOMEM;

	map = bitmap_zalloc(kdev->layout.nr_sections, GFP_KERNEL);
	if (map) {
		down_read(&kdev->lock);
		for (i = 0; i < kdev->layout.nr_sections; i++)
			if (all || kdev->recorded[i] == KMP_META_VOLATILE)
				__set_bit(i, map);
		up_read(&kdev->lock);
		rc = kmp_make_volatile(kdev, map);
		bitmap_free(map);
	}
	if (rc && rc != -EUCLEAN)
		dev_warn(kmp_device(kdev), "only %llu of %llu sections made volatile: %d\n",
			 kdev->layout.nr_sections - READ_ONCE(kdev->nr_in_state[KMP_PERSISTENT]),
			 kdev->layout.nr_sections, rc);
}

/* The device's sections and the table's place, or why it cannot be used. */
static int kmp_geometry(struct dev_dax *dev_dax, struct kmp_layout *layout,
			struct kmp_meta_place *place)
{
	struct device *dev = &dev_dax->dev;
	struct range *range;

	/*
	 * Slow memory mixed into a node with faster memory would be
	 * indistinguishable from it: insist on a node of its own.
	 */
	if (dev_dax->target_node < 0) {
		dev_warn(dev, "rejecting DAX region with invalid node: %d\n",
			 dev_dax->target_node);
		return -EINVAL;
	}
	if (dev_dax->nr_range != 1) {
		dev_warn(dev, "rejecting DAX device with %d ranges: kmem_pmem needs exactly one\n",
			 dev_dax->nr_range);
		return -EINVAL;
	}

	range = &dev_dax->ranges[0].range;
	if (kmp_layout_compute(range->start, range_len(range),
			       memory_block_size_bytes(), layout) ||
	    kmp_meta_place(range_len(range), layout, place)) {
		dev_warn(dev, "rejecting %#llx-%#llx: no whole section of %lu MiB after alignment and the section table\n",
			 range->start, range->end, memory_block_size_bytes() >> 20);
		return -EINVAL;
	}
	return 0;
}

/* A deferred probe binds the device to it again (kmp_devdax_defer_probe()). */
static struct dax_device_driver kmp_driver;

static int kmp_probe(struct dev_dax *dev_dax)
{
	struct device *dev = &dev_dax->dev;
	struct kmp_meta_place place;
	struct kmp_layout layout;
	struct kmp_dev *kdev;
	bool new_table = false;
	int rc;

	rc = kmp_geometry(dev_dax, &layout, &place);
	if (rc)
		return rc;
	rc = kmp_devdax_defer_probe(dev, &kmp_driver.drv, layout.start,
				    layout.nr_sections * layout.section_size);
	if (rc)
		return rc;

	kdev = kmp_adopt_orphan(dev_dax, &layout);
	if (!kdev) {
		rc = kmp_check_no_memmap(dev, &layout);
		if (rc)
			return rc;
		kdev = kmp_dev_create(dev_dax, &dev_dax->ranges[0].range,
				      &layout, &place);
		if (IS_ERR(kdev))
			return PTR_ERR(kdev);
		down_write(&kdev->lock);
		kdev->dev_dax = dev_dax;
		rc = kmp_meta_open(kdev);
		new_table = kdev->meta_status == KMP_META_NEW;
		up_write(&kdev->lock);
		if (rc) {
			kmp_dev_destroy(kdev);
			return rc;
		}
	}
	dev_set_drvdata(dev, kdev);

	rc = kmp_devdax_attach(kdev);
	if (rc)
		goto err_sysfs;
	rc = kmp_sysfs_add(kdev);
	if (rc)
		goto err_sysfs;
	rc = kmp_chardev_add(kdev);
	if (rc)
		goto err_chardev;

	dev_info(dev, "%llu sections of %llu MiB at %#llx on node %d; %llu bytes unaligned; table at %#llx: %s\n",
		 layout.nr_sections, layout.section_size >> 20, layout.start,
		 kdev->nid, layout.head_bytes + layout.tail_bytes,
		 place.offset, kmp_meta_status_str(kdev));
	kmp_restore(kdev, new_table && kmp_initial_volatile());
	kmp_devdax_restore(kdev);
	return 0;

err_chardev:
	kmp_devdax_stop(kdev);
	kmp_sysfs_remove(kdev);
err_sysfs:
	dev_set_drvdata(dev, NULL);
	kmp_detach(kdev);
	return rc;
}

static void kmp_remove(struct dev_dax *dev_dax)
{
	struct kmp_dev *kdev = dev_get_drvdata(&dev_dax->dev);

	/*
	 * Waits for sysfs writers; no move can start after this. A move
	 * waiting for its device-dax instance stops waiting first.
	 */
	kmp_devdax_stop(kdev);
	kmp_sysfs_remove(kdev);
	kmp_chardev_remove(kdev);
	kmp_detach(kdev);
	dev_set_drvdata(&dev_dax->dev, NULL);
}

static struct dax_device_driver kmp_driver = {
	.probe = kmp_probe,
	.remove = kmp_remove,
};

static int __init kmp_init(void)
{
	int rc;

	if (!kmp_initial_volatile() && strcmp(initial_mode, "persistent")) {
		pr_err("initial_mode must be volatile or persistent, not '%s'\n",
		       initial_mode);
		return -EINVAL;
	}

	kmp_ram_name = kstrdup("System RAM (kmem_pmem)", GFP_KERNEL);
	if (!kmp_ram_name)
		return -ENOMEM;

	kmp_slowmem_type = alloc_memory_type(KMP_DEFAULT_ADISTANCE);
	if (IS_ERR(kmp_slowmem_type)) {
		rc = PTR_ERR(kmp_slowmem_type);
		goto err_memory_type;
	}

	rc = kmp_notifier_register();
	if (rc)
		goto err_notifier;

	rc = kmp_devdax_driver_register();
	if (rc)
		goto err_devdax;

	rc = dax_driver_register(&kmp_driver);
	if (rc)
		goto err_driver;
	rc = kmp_claim_register(&kmp_driver.drv);
	if (rc)
		goto err_claim;
	return 0;

err_claim:
	dax_driver_unregister(&kmp_driver);
err_driver:
	kmp_devdax_driver_unregister();
err_devdax:
	kmp_notifier_unregister();
err_notifier:
	put_memory_type(kmp_slowmem_type);
err_memory_type:
	kfree(kmp_ram_name);
	return rc;
}

static void __exit kmp_exit(void)
{
	kmp_claim_unregister();
	dax_driver_unregister(&kmp_driver);
	kmp_devdax_driver_unregister();
	kmp_notifier_unregister();
	/*
	 * rmmod is refused while orphans exist, but the unbinds above run
	 * after that check and may still leave sections behind: their
	 * resources keep pointing at the name, so it must stay.
	 */
	if (list_empty(&kmp_devices))
		kfree(kmp_ram_name);
	put_memory_type(kmp_slowmem_type);
}

module_init(kmp_init);
module_exit(kmp_exit);
MODULE_DESCRIPTION("Persistent memory as a slower tier of RAM, struct pages in the pmem");
MODULE_LICENSE("GPL");
