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
 *  - persistent: out of the page allocator, its bytes left alone.
 *
 * Admins move sections through sysfs (sysfs.c); the state machine and the
 * order of bulk moves live in sections.c.
 *
 * Unbinding gives every volatile section back. A section the kernel cannot
 * offline (unmovable pages) cannot be forced out, and unbind cannot fail, so
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
#include <linux/workqueue.h>

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

static struct kmp_dev *kmp_dev_create(struct dev_dax *dev_dax,
				      const struct kmp_layout *layout)
{
	u64 span = layout->nr_sections * layout->section_size;
	struct device *dev = &dev_dax->dev;
	struct kmp_dev *kdev;
	int rc = -ENOMEM;

	kdev = kvzalloc(struct_size(kdev, state, layout->nr_sections), GFP_KERNEL);
	if (!kdev)
		return ERR_PTR(-ENOMEM);
	kdev->name = kstrdup(dev_name(dev), GFP_KERNEL);
	if (!kdev->name)
		goto err_name;
	mutex_init(&kdev->move_lock);
	kdev->dev_dax = dev_dax;
	kdev->layout = *layout;
	kdev->nid = dev_dax->target_node;
	kdev->base_pfn = PHYS_PFN(layout->start);
	kdev->pages_per_section = PHYS_PFN(layout->section_size);
	kdev->memmap = KMP_MEMMAP_PMEM;
	kdev->nr_in_state[KMP_PERSISTENT] = layout->nr_sections;

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
	 * As in kmem: flags of System RAM, and BUSY left clear so that the
	 * hot-added sections can become its children.
	 */
	kdev->res->flags = IORESOURCE_SYSTEM_RAM;

	spin_lock(&kmp_state_lock);
	list_add(&kdev->list, &kmp_devices);
	spin_unlock(&kmp_state_lock);
	return kdev;

err_res:
	memory_group_unregister(kdev->mgid);
err_group:
	clear_node_memory_type(kdev->nid, kmp_slowmem_type);
	kfree(kdev->name);
err_name:
	kvfree(kdev);
	return ERR_PTR(rc);
}

/* Undo kmp_dev_create(); every section must be persistent. */
static void kmp_dev_destroy(struct kmp_dev *kdev)
{
	spin_lock(&kmp_state_lock);
	list_del(&kdev->list);
	spin_unlock(&kmp_state_lock);

	remove_resource(kdev->res);
	kfree(kdev->res);
	memory_group_unregister(kdev->mgid);
	clear_node_memory_type(kdev->nid, kmp_slowmem_type);
	kfree(kdev->name);
	kvfree(kdev);
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
			kdev->dev_dax = dev_dax;
			break;
		}
	}
	spin_unlock(&kmp_state_lock);

	if (found) {
		dev_info(&dev_dax->dev, "adopting the sections left as RAM by an earlier unbind\n");
		module_put(THIS_MODULE);
	}
	return found;
}

struct kmp_remove_all_work {
	struct work_struct work;
	struct kmp_dev *kdev;
	unsigned long left;
};

static void kmp_remove_all_fn(struct work_struct *work)
{
	struct kmp_remove_all_work *w =
		container_of(work, struct kmp_remove_all_work, work);

	mutex_lock(&w->kdev->move_lock);
	w->left = kmp_remove_all(w->kdev);
	mutex_unlock(&w->kdev->move_lock);
}

/*
 * Offlining gives up with -EINTR as soon as the calling task has a signal
 * pending, and the task unbinding us may well have one: a shell gets
 * SIGCHLD whenever a background job ends. Unbind cannot be retried, so do
 * the removal from a worker, which takes no signals.
 */
static unsigned long kmp_remove_all_unsignalled(struct kmp_dev *kdev)
{
	struct kmp_remove_all_work w = { .kdev = kdev };

	INIT_WORK_ONSTACK(&w.work, kmp_remove_all_fn);
	queue_work(system_unbound_wq, &w.work);
	flush_work(&w.work);
	destroy_work_on_stack(&w.work);
	return w.left;
}

/*
 * Give every volatile section back and free @kdev; whatever cannot be
 * given back keeps @kdev alive as an orphan (see the top of this file).
 */
static void kmp_detach(struct kmp_dev *kdev)
{
	struct device *dev = kmp_device(kdev);
	unsigned long *map, left;

	left = kmp_remove_all_unsignalled(kdev);

	if (!left) {
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
	kdev->dev_dax = NULL;
}

static bool initial_volatile(void)
{
	return !strcmp(initial_mode, "volatile");
}

/* Bring a newly bound device's sections into their initial use. */
static void kmp_initial_moves(struct kmp_dev *kdev)
{
	unsigned long *map;
	int rc = -ENOMEM;

	if (!initial_volatile())
		return;

	map = bitmap_alloc(kdev->layout.nr_sections, GFP_KERNEL);
	if (map) {
		bitmap_fill(map, kdev->layout.nr_sections);
		mutex_lock(&kdev->move_lock);
		rc = kmp_make_volatile(kdev, map);
		mutex_unlock(&kdev->move_lock);
		bitmap_free(map);
	}
	if (rc)
		dev_warn(kmp_device(kdev), "only %llu of %llu sections made volatile: %d\n",
			 kdev->layout.nr_sections - READ_ONCE(kdev->nr_in_state[KMP_PERSISTENT]),
			 kdev->layout.nr_sections, rc);
}

static int kmp_probe(struct dev_dax *dev_dax)
{
	struct device *dev = &dev_dax->dev;
	struct kmp_layout layout;
	struct range *range;
	struct kmp_dev *kdev;
	int rc;

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
	rc = kmp_layout_compute(range->start, range_len(range),
				memory_block_size_bytes(), &layout);
	if (rc) {
		dev_warn(dev, "rejecting %#llx-%#llx: no whole section of %lu MiB after alignment\n",
			 range->start, range->end, memory_block_size_bytes() >> 20);
		return -EINVAL;
	}

	kdev = kmp_adopt_orphan(dev_dax, &layout);
	if (!kdev) {
		kdev = kmp_dev_create(dev_dax, &layout);
		if (IS_ERR(kdev))
			return PTR_ERR(kdev);
	}
	dev_set_drvdata(dev, kdev);

	rc = kmp_sysfs_add(kdev);
	if (rc) {
		dev_set_drvdata(dev, NULL);
		kmp_detach(kdev);
		return rc;
	}

	dev_info(dev, "%llu sections of %llu MiB at %#llx on node %d; %llu bytes unaligned\n",
		 layout.nr_sections, layout.section_size >> 20, layout.start,
		 kdev->nid, layout.head_bytes + layout.tail_bytes);
	kmp_initial_moves(kdev);
	return 0;
}

static void kmp_remove(struct dev_dax *dev_dax)
{
	struct kmp_dev *kdev = dev_get_drvdata(&dev_dax->dev);

	/* Waits for sysfs writers; no move can start after this. */
	kmp_sysfs_remove(kdev);
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

	if (!initial_volatile() && strcmp(initial_mode, "persistent")) {
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

	rc = dax_driver_register(&kmp_driver);
	if (rc)
		goto err_driver;
	return 0;

err_driver:
	kmp_notifier_unregister();
err_notifier:
	destroy_memory_type(kmp_slowmem_type);
err_memory_type:
	kfree(kmp_ram_name);
	return rc;
}

static void __exit kmp_exit(void)
{
	dax_driver_unregister(&kmp_driver);
	kmp_notifier_unregister();
	/*
	 * rmmod is refused while orphans exist, but the unbinds above run
	 * after that check and may still leave sections behind: their
	 * resources keep pointing at the name, so it must stay.
	 */
	if (list_empty(&kmp_devices))
		kfree(kmp_ram_name);
	destroy_memory_type(kmp_slowmem_type);
}

module_init(kmp_init);
module_exit(kmp_exit);
MODULE_DESCRIPTION("Persistent memory as a slower tier of RAM, struct pages in the pmem");
MODULE_LICENSE("GPL");
