// SPDX-License-Identifier: GPL-2.0
/*
 * Self-hosted persistent sections as device-dax instances (module
 * parameter persistent_devdax, default on; docs/design-persistent-devdax.md).
 *
 * A section made persistent is recorded
 * "self-hosted" in the table: its first memmap bytes (2 MiB of 128 MiB, the
 * carve-out a volatile section uses for its memmap) belong to the kernel's
 * struct pages, the rest is the data. The data is served by the kernel's own
 * device_dax driver as an instance /dev/daxR.0 of a static dax region of its
 * own, whose dev_pagemap carries a vmem_altmap over the carve-out: the
 * struct pages cost no DRAM, mappings fault 2 MiB at a time, and
 * get_user_pages() works on them (O_DIRECT, RDMA), unlike the pfn mappings
 * of the char device.
 *
 * The dax core keeps a region in its parent device's drvdata and ties the
 * region's and its instances' lifetime to that parent's driver binding
 * (devm), so each section's region gets a parent of its own: a platform
 * device "kmem_pmem_section" (at the top of the platform bus, as hmem
 * devices), bound to the platform driver below. Unregistering it kills the
 * instance (no fault or mmap succeeds any more), zaps every mapping and
 * removes the instance and its region. A move to volatile refuses an
 * instance that is mapped, or a page of which is still held (pages_held()).
 *
 * Since 6.8 the dax core holds its dax_region_rwsem for writing across the
 * creation of a dax device (device_add() and so the probe of its driver:
 * kmem_pmem's, when it claims a device at boot) and across its
 * unregistration (device_del() and so kmem_pmem's remove, when a namespace
 * is disabled). Creating or unregistering an instance takes it too. So
 * every registration and unregistration of the platform devices (which
 * create and unregister the regions and instances) runs on one ordered
 * workqueue of the module, never in probe, remove or a sysfs store, which
 * may run under that rwsem or be waited for by whoever holds it. Probe
 * queues the instances of the self-hosted sections and returns; a move
 * queues them and waits for them (to persistent: at its end; to volatile:
 * before each section is hot-added), a wait that unbind aborts; remove kills
 * every instance at once (no rwsem: no mapping outlives the binding) and
 * queues their unregistration, waiting for it unless the dax core is
 * removing the device (then it holds the rwsem). The state the work needs
 * outlives the binding in a refcounted struct kmp_devdax_owner.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax.h>
#include <linux/delay.h>
#include <linux/device.h>
#include <linux/fs.h>
#include <linux/ioport.h>
#include <linux/memregion.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/mutex.h>
#include <linux/platform_device.h>
#include <linux/slab.h>
#include <linux/sysfs.h>
#include <linux/wait.h>
#include <linux/workqueue.h>

#include "dax-private.h"
#include "bus.h"
#include "kmem_pmem.h"

#define KMP_SECTION_DRV_NAME	"kmem_pmem_section"

bool persistent_devdax = true;
module_param(persistent_devdax, bool, 0444);
MODULE_PARM_DESC(persistent_devdax,
		 "Sections made persistent keep their struct pages in their first bytes and are served by device-dax as /dev/daxR.0 (default: on; off: the char device serves them)");

bool persistent_namespaces = true;
module_param(persistent_namespaces, bool, 0444);
MODULE_PARM_DESC(persistent_namespaces,
		 "Sections made persistent become nvdimm namespaces of kmem_pmem's own bus, as PMDK needs: data from 4 of 128 MiB (default: on; off: self-hosted, data from 2 MiB)");

/* Every registration and unregistration of a section's platform device. */
static struct workqueue_struct *kmp_devdax_wq;

/* Owners whose instances are still going away, for kmp_devdax_defer_probe(). */
static LIST_HEAD(kmp_leaving);
static DEFINE_SPINLOCK(kmp_leaving_lock);

/**
 * struct kmp_devdax_section - one section's instance
 * @pdev: self-hosted (entry 2): the platform device parenting its region
 * @region: namespace (entry 3): its region of our nvdimm bus
 * @dev_dax: the instance, referenced, while @pdev or @region is set; NULL
 *	when an admin disabled a namespace section's region or namespace
 * @want: the section should be served: a queued creation goes ahead
 * @dropping: killed, its unregistration queued and not finished yet
 * @nvdimm: @region is set, not @pdev
 */
struct kmp_devdax_section {
	union {
		struct platform_device *pdev;
		struct nd_region *region;
	};
	struct dev_dax *dev_dax;
	bool want;
	bool dropping;
	bool nvdimm;
};

/**
 * struct kmp_devdax_owner - one binding's instances, shared with the work
 * @ref: the binding holds one, each queued work one
 * @lock: protects what follows; never held across a call that takes the dax
 *	core's dax_region_rwsem, so that remove (which may hold it) can take it
 * @dying: the binding is going: no creation, no sysfs link, waits end
 * @core_deleting: the dax core is removing the bound device (its
 *	unregister_dev_dax() holds dax_region_rwsem): remove must not wait
 * @dev: the bound device, for the sysfs links; only while !@dying
 * @region_res: the resource of the bound device's dax region, out of the
 *	dax core's tree while bound (dax_region_tree.c)
 * @name: the bound device's name, for messages
 * @start: physical address of section 0
 * @section_size: bytes per section
 * @carve_out: bytes of a self-hosted section that hold struct pages
 * @nid: NUMA node of the bound device
 * @queued: sequence number of the last work queued
 * @done: works finished (the ordered workqueue finishes them in sequence)
 * @progress: instances torn down, for the bounded wait of remove
 * @torn_down: the teardown work has finished
 * @held: the teardown waits for a page of an instance to be let go
 * @wait: woken when a work finishes and when @dying is set
 * @leaving: entry on kmp_leaving while the teardown is pending
 * @claim: kmem_pmem's claim of the sections' span, handed over by an unbind
 *	that did not wait for the teardown (kmp_devdax_release_claim()); under
 *	kmp_leaving_lock
 * @teardown: the teardown work, allocated with the owner: remove cannot fail
 * @nr_sections: entries of @sd
 * @sd: per section
 */
struct kmp_devdax_owner {
	struct kref ref;
	struct mutex lock;	/* see above */
	bool dying;
	bool core_deleting;
	struct device *dev;
	struct resource *region_res;
	char name[32];
	u64 start;
	u64 section_size;
	u64 carve_out;
	int nid;
	u64 queued;
	u64 done;
	unsigned long progress;
	bool torn_down;
	bool held;
	wait_queue_head_t wait;
	struct list_head leaving;
	struct resource *claim;
	struct work_struct teardown;
	unsigned long nr_sections;
	struct kmp_devdax_section sd[];
};

enum kmp_devdax_op {
	KMP_DEVDAX_CREATE,
	KMP_DEVDAX_DROP,
	KMP_DEVDAX_ATTACH,
};

/* One queued creation (@nvdimm: as a namespace), unregistration, or bind retry. */
struct kmp_devdax_work {
	struct work_struct work;
	enum kmp_devdax_op op;
	struct kmp_devdax_owner *owner;
	unsigned long section;
	bool nvdimm;
	struct device *dev;
	struct device_driver *drv;
};

/*
 * What the platform device's probe needs, copied in by the driver core,
 * and what it found (@dev_dax, @rc): it needs no struct kmp_dev.
 */
struct kmp_section_pdata {
	struct kmp_devdax_owner *owner;
	u64 start;
	u64 size;
	u64 carve_out;
	int nid;
	struct dev_dax *dev_dax;
	int rc;
};

/**
 * kmp_memmap_bytes() - bytes of a self-hosted section that hold struct pages
 * @kdev: the device
 *
 * The vmemmap of a section is populated in PMD-sized blocks from the
 * altmap, and the data after it must be PMD-aligned for 2 MiB faults.
 *
 * Return: the carve-out this kernel needs, a multiple of PMD_SIZE.
 */
u64 kmp_memmap_bytes(struct kmp_dev *kdev)
{
	return ALIGN((u64)kdev->pages_per_section * sizeof(struct page),
		     PMD_SIZE);
}

/* Can sections of @kdev become nvdimm namespaces? */
static bool kmp_nd_usable(struct kmp_dev *kdev)
{
	return kmp_nd_supported() && kdev->devdax;
}

/**
 * kmp_persistent_use() - how to record a section being made persistent
 * @kdev: the device
 * @i: the section, just scrubbed
 *
 * With persistent_devdax, and if no page of it is known poisoned (device-dax
 * would map such a page, the char device refuses it: EIO): with
 * persistent_namespaces an nvdimm namespace of our own bus where this
 * kernel allows it (kmp_nd_usable()),
 * else self-hosted if the carve-out this kernel needs is the one the table
 * has for its other self-hosted sections (it becomes the table's if there
 * are none). Else the whole section is data.
 *
 * Context: @kdev->lock held for writing.
 * Return: KMP_META_NAMESPACE, KMP_META_SELF_HOSTED or KMP_META_PERSISTENT.
 */
u8 kmp_persistent_use(struct kmp_dev *kdev, unsigned long i)
{
	u64 need = kmp_memmap_bytes(kdev), k;

	lockdep_assert_held_write(&kdev->lock);
	if (!persistent_devdax || need >= kdev->layout.section_size)
		return KMP_META_PERSISTENT;
	if (kmp_poisoned(kdev, kmp_section_start(kdev, i) - kdev->range_start,
			 kdev->layout.section_size)) {
		dev_warn(kmp_device(kdev), "section %lu: not served as device-dax: it has hardware-poisoned pages, which device-dax would map; the char device refuses them (EIO)\n",
			 i);
		return KMP_META_PERSISTENT;
	}
	if (persistent_namespaces && kmp_nd_usable(kdev))
		return KMP_META_NAMESPACE;
	for (k = 0; k < kdev->layout.nr_sections; k++) {
		if (k == i || kdev->recorded[k] != KMP_META_SELF_HOSTED ||
		    kdev->meta_hdr.memmap_bytes == need)
			continue;
		dev_warn(kmp_device(kdev), "section %lu: not self-hosted: the table keeps %llu bytes of each self-hosted section for struct pages, this kernel needs %llu\n",
			 i, kdev->meta_hdr.memmap_bytes, need);
		return KMP_META_PERSISTENT;
	}
	kdev->meta_hdr.memmap_bytes = need;
	return KMP_META_SELF_HOSTED;
}

static void owner_release(struct kref *ref)
{
	kvfree(container_of(ref, struct kmp_devdax_owner, ref));
}

static void owner_put(struct kmp_devdax_owner *o)
{
	kref_put(&o->ref, owner_release);
}

static void free_region_id(void *id)
{
	memregion_free((long)id);
}

/*
 * The struct pages of the data go to [start, start + carve-out), taken by
 * memremap_pages() from the altmap, as for an nvdimm namespace with
 * --map=dev (drivers/nvdimm/pfn_devs.c); the carve-out's own pfns get none.
 */
static void init_pgmap(struct dev_pagemap *pgmap, u64 start, u64 size,
		       u64 carve_out)
{
	struct vmem_altmap altmap = {
		.base_pfn = PHYS_PFN(start),
		.end_pfn = PHYS_PFN(start + size - 1),
		.reserve = 0,
	};

	pgmap->range = (struct range) { start, start + size - 1 };
	pgmap->nr_range = 1;
	memcpy(&pgmap->altmap, &altmap, sizeof(altmap));
	pgmap->altmap.free = PHYS_PFN(carve_out);
	pgmap->flags = PGMAP_ALTMAP_VALID;
}

/*
 * Create the static region [start + carve-out, end) of one section under
 * @pdev and its one instance, daxR.0, which device_dax binds (it maps the
 * pages when it binds). Everything is undone by devm when @pdev goes.
 */
static int create_region(struct platform_device *pdev,
			 struct kmp_section_pdata *pd)
{
	unsigned int align = has_transparent_hugepage() ? PMD_SIZE : PAGE_SIZE;
	struct range range = { pd->start + pd->carve_out,
			       pd->start + pd->size - 1 };
	struct dev_pagemap pgmap = { };
	struct dax_region *dax_region;
	struct dev_dax_data data;
	struct dev_dax *dev_dax;
	int id, rc;

	/* Ids from the kernel's memory region ida, as nvdimm, hmem and cxl. */
	id = memregion_alloc(GFP_KERNEL);
	if (id < 0)
		return id;
	rc = devm_add_action_or_reset(&pdev->dev, free_region_id, (void *)(long)id);
	if (rc)
		return rc;

	init_pgmap(&pgmap, pd->start, pd->size, pd->carve_out);
	dax_region = alloc_dax_region(&pdev->dev, id, &range, pd->nid, align,
				      IORESOURCE_DAX_STATIC);
	if (!dax_region)
		return -ENOMEM;

	data = (struct dev_dax_data) {
		.dax_region = dax_region,
		.pgmap = &pgmap,
		.size = range_len(&range),
		.id = 0,
	};
	/* dax_region_rwsem: only ever called from kmp_devdax_wq. */
	dev_dax = devm_create_dev_dax(&data);
	if (IS_ERR(dev_dax))
		return PTR_ERR(dev_dax);
	pd->dev_dax = dev_dax;
	return 0;
}

static int kmp_section_probe(struct platform_device *pdev)
{
	struct kmp_section_pdata *pd = dev_get_platdata(&pdev->dev);

	pd->rc = create_region(pdev, pd);
	return pd->rc;
}

static struct platform_driver kmp_section_driver = {
	.probe = kmp_section_probe,
	.driver = {
		.name = KMP_SECTION_DRV_NAME,
		/* Our pointers to the instance live as long as the binding. */
		.suppress_bind_attrs = true,
	},
};

static const char *link_name(unsigned long i, char *buf, size_t len)
{
	snprintf(buf, len, "section%lu", i);
	return buf;
}

/*
 * device_dax bound the instance and mapped its pages: check that their
 * struct pages are where the altmap put them, in the section's carve-out.
 * An instance device_dax does not bind now (not loaded yet: at boot
 * kmem_pmem loads first) is not checked.
 */
static int check_instance(struct kmp_devdax_owner *o, unsigned long i,
			  struct dev_dax *dev_dax)
{
	u64 start = o->start + (u64)i * o->section_size;
	u64 data = dev_dax->ranges[0].range.start;
	unsigned long first = PHYS_PFN(data);
	unsigned long last = PHYS_PFN(start + o->section_size) - 1;

	if (!dev_dax->dev.driver) {
		/* At boot kmem_pmem loads first (modprobe.d): not news per section. */
		pr_info_once("%s: section %lu: %s waits for device_dax (not loaded yet) to serve it, as do later ones\n",
			     o->name, i, dev_name(&dev_dax->dev));
		return 0;
	}
	if (kmp_memmap_inside(first, start, data) &&
	    kmp_memmap_inside(last, start, data))
		return 0;
	pr_err("%s: section %lu: the struct pages of its device-dax instance are not in its first %llu bytes\n",
	       o->name, i, data - start);
	return -EOPNOTSUPP;
}

/*
 * The platform device parenting a section's region, registered (and so
 * probed: the probe sets its pdata's rc). It sits at the top of the
 * platform bus, as the kernel's hmem devices do, not below the nvdimm
 * device we are bound to: libndctl takes a dax device below an nvdimm
 * region for one of the region's namespaces, and PMDK, looking up the
 * namespace of /dev/daxR.0 for bad blocks and shutdown state, crashes in
 * ndctl_namespace_get_region(). It gets the bound device's NUMA node, which
 * device_dax hands to memremap_pages(), as it would for the device itself.
 */
static struct platform_device *new_section_device(struct kmp_devdax_owner *o,
						  unsigned long i)
{
	struct kmp_section_pdata pd = {
		.owner = o,
		.start = o->start + (u64)i * o->section_size,
		.size = o->section_size,
		.carve_out = o->carve_out,
		.nid = o->nid,
		.rc = -ENODEV,	/* no probe ran */
	};
	struct platform_device *pdev;
	int rc;

	pdev = platform_device_alloc(KMP_SECTION_DRV_NAME, PLATFORM_DEVID_AUTO);
	if (!pdev)
		return ERR_PTR(-ENOMEM);
	set_dev_node(&pdev->dev, o->nid);
	rc = platform_device_add_data(pdev, &pd, sizeof(pd));
	if (rc)
		goto err;
	rc = platform_device_add(pdev);
	if (rc)
		goto err;
	return pdev;
err:
	platform_device_put(pdev);
	return ERR_PTR(rc);
}

/* What parents a section's instance: a platform device or an nd_region. */
struct kmp_instance_parent {
	bool nvdimm;
	union {
		struct platform_device *pdev;
		struct nd_region *region;
	};
};

static void remove_instance(struct kmp_instance_parent *p)
{
	if (p->nvdimm)
		kmp_nd_region_delete(p->region);
	else
		platform_device_unregister(p->pdev);
}

/*
 * Make section @i's instance and its parent: a namespace of our nvdimm bus
 * (@p->nvdimm) or a platform device with a region of its own.
 * Return: the instance, referenced, or an ERR_PTR (nothing is left behind).
 */
static struct dev_dax *new_instance(struct kmp_devdax_owner *o,
				    unsigned long i,
				    struct kmp_instance_parent *p)
{
	u64 start = o->start + (u64)i * o->section_size;
	struct kmp_section_pdata *pd;
	struct dev_dax *dev_dax;

	if (p->nvdimm) {
		p->region = kmp_nd_region_create(start, o->section_size, o->nid);
		if (!p->region)
			return ERR_PTR(-ENOMEM);
		dev_dax = kmp_nd_region_instance(p->region);
		if (!dev_dax) {
			kmp_nd_region_delete(p->region);
			return ERR_PTR(-ENODEV);
		}
		return dev_dax;
	}
	p->pdev = new_section_device(o, i);
	if (IS_ERR(p->pdev))
		return ERR_CAST(p->pdev);
	pd = dev_get_platdata(&p->pdev->dev);
	if (pd->rc) {
		platform_device_unregister(p->pdev);
		return ERR_PTR(pd->rc);
	}
	get_device(&pd->dev_dax->dev);
	return pd->dev_dax;
}

/* Let go of an instance of new_instance() and of its parent. */
static void put_instance(struct kmp_instance_parent *p, struct dev_dax *dev_dax)
{
	remove_instance(p);
	if (dev_dax)
		put_device(&dev_dax->dev);
}

/*
 * A namespace section's instance as it is now: an admin may have disabled
 * its region or namespace (ndctl), which unregisters the instance we hold,
 * and enabled it again, which makes another one. Called before anything
 * decides from the instance (mapped? pages held?). Context: @o->lock held.
 */
static void refresh_instance(struct kmp_devdax_owner *o, unsigned long i)
{
	struct dev_dax *cur;

	lockdep_assert_held(&o->lock);
	if (!o->sd[i].nvdimm || !o->sd[i].region)
		return;
	cur = kmp_nd_region_instance(o->sd[i].region);
	if (o->sd[i].dev_dax)
		put_device(&o->sd[i].dev_dax->dev);
	o->sd[i].dev_dax = cur;
}

/* Work: serve section @i, unless it is no longer wanted. */
static void create_section(struct kmp_devdax_owner *o, unsigned long i,
			   bool nvdimm)
{
	struct kmp_instance_parent p = { .nvdimm = nvdimm };
	struct dev_dax *dev_dax;
	char name[32];
	bool go;
	int rc;

	mutex_lock(&o->lock);
	go = !o->dying && o->sd[i].want && !o->sd[i].pdev;
	mutex_unlock(&o->lock);
	if (!go)
		return;

	dev_dax = new_instance(o, i, &p);
	rc = IS_ERR(dev_dax) ? PTR_ERR(dev_dax) : check_instance(o, i, dev_dax);
	if (rc) {
		/* Unbound meanwhile: nothing to say. */
		if (!READ_ONCE(o->dying))
			pr_err("%s: section %lu: no device-dax instance: %d\n",
			       o->name, i, rc);
		if (!IS_ERR(dev_dax))
			put_instance(&p, dev_dax);
		return;
	}

	mutex_lock(&o->lock);
	go = !o->dying && o->sd[i].want;
	if (go) {
		o->sd[i].nvdimm = nvdimm;
		if (nvdimm)
			o->sd[i].region = p.region;
		else
			o->sd[i].pdev = p.pdev;
		o->sd[i].dev_dax = dev_dax;
		rc = sysfs_add_link_to_group(&o->dev->kobj, "kmem_pmem",
					     &dev_dax->dev.kobj,
					     link_name(i, name, sizeof(name)));
	}
	mutex_unlock(&o->lock);
	/* Unbound or moved to volatile meanwhile: it goes at once. */
	if (!go)
		put_instance(&p, dev_dax);
	else if (rc)
		pr_warn("%s: section %lu: no link kmem_pmem/%s to %s: %d\n",
			o->name, i, name, dev_name(&dev_dax->dev), rc);
}

/* Work: section @i's instance goes (killed or not), and its region. */
static void drop_section(struct kmp_devdax_owner *o, unsigned long i)
{
	struct kmp_instance_parent p = { .nvdimm = o->sd[i].nvdimm };
	struct dev_dax *dev_dax;
	char name[32];

	mutex_lock(&o->lock);
	/* The union's members are both pointers: either reads the one set. */
	p.pdev = o->sd[i].pdev;
	dev_dax = o->sd[i].dev_dax;
	o->sd[i].pdev = NULL;
	o->sd[i].dev_dax = NULL;
	if (p.pdev && !o->dying)
		sysfs_remove_link_from_group(&o->dev->kobj, "kmem_pmem",
					     link_name(i, name, sizeof(name)));
	mutex_unlock(&o->lock);
	/* devm: kill_dev_dax() (unmap), device_del(), the region. */
	if (p.pdev)
		put_instance(&p, dev_dax);
	/* Only now are its struct pages gone: wait_dropped() may go on. */
	smp_store_release(&o->sd[i].dropping, false);
}

static void work_done(struct kmp_devdax_owner *o)
{
	mutex_lock(&o->lock);
	o->done++;
	mutex_unlock(&o->lock);
	wake_up_all(&o->wait);
	owner_put(o);
}

static void kmp_devdax_work(struct work_struct *work)
{
	struct kmp_devdax_work *w = container_of(work, struct kmp_devdax_work,
						 work);
	int rc;

	switch (w->op) {
	case KMP_DEVDAX_CREATE:
		create_section(w->owner, w->section, w->nvdimm);
		work_done(w->owner);
		break;
	case KMP_DEVDAX_DROP:
		drop_section(w->owner, w->section);
		work_done(w->owner);
		break;
	case KMP_DEVDAX_ATTACH:
		/*
		 * After the teardowns queued before it. To kmem_pmem itself:
		 * device_attach() offers the device to the bus's drivers in
		 * the order they registered, and device_dax, if it came first,
		 * would take the whole device (with a DRAM memmap).
		 */
		rc = device_driver_attach(w->drv, w->dev);
		if (rc)
			dev_warn(w->dev, "kmem_pmem could not bind it: %d\n", rc);
		put_device(w->dev);
		break;
	}
	kfree(w);
}

/*
 * A page of section @i's instance that something still holds after its
 * last mapping went: a vmsplice()d pipe, a FOLL_LONGTERM pin (RDMA, vfio),
 * an O_DIRECT write in flight. Such a reference holds no reference on the
 * dev_pagemap (get_user_pages() drops that once it has the page), so
 * memunmap_pages() would not wait for it: the move would free the struct
 * page under its holder and hand the memory out again as RAM. An idle
 * device-dax folio holds one reference (MEMORY_DEVICE_GENERIC, 6.1 to 7.3;
 * a mapping adds one on 7.3). Called with no mapping left, so nothing can
 * take a new one, and with the instance's device lock held: its struct pages
 * exist while device_dax is bound to it (its probe maps them).
 */
static bool pages_held(struct kmp_devdax_owner *o, unsigned long i)
{
	u64 start = o->start + (u64)i * o->section_size;
	unsigned long end = PHYS_PFN(start + o->section_size);
	unsigned long pfn;
	struct folio *folio;

	device_lock_assert(&o->sd[i].dev_dax->dev);
	/* Unregistered (its ranges freed) or never mapped: no pages. */
	if (!o->sd[i].dev_dax->dev.driver)
		return false;
	pfn = PHYS_PFN(o->sd[i].dev_dax->ranges[0].range.start);
	while (pfn < end) {
		folio = page_folio(pfn_to_page(pfn));
		if (folio_ref_count(folio) != 1)
			return true;
		pfn = folio_pfn(folio) + folio_nr_pages(folio);
	}
	return false;
}

/*
 * After unbind, section @i's instance (killed: nothing maps it) must not go
 * while a page of it is held (pages_held()): its holder would put the page
 * into struct pages that are gone. Wait for the holder to let go, saying so
 * once. Meanwhile the module stays (rmmod: in use) and the other work of
 * the queue waits behind this one.
 */
static bool pages_held_now(struct kmp_devdax_owner *o, unsigned long i)
{
	struct device *dev = &o->sd[i].dev_dax->dev;
	bool held;

	device_lock(dev);
	held = pages_held(o, i);
	device_unlock(dev);
	return held;
}

static void wait_pages_let_go(struct kmp_devdax_owner *o, unsigned long i)
{
	struct dev_dax *dev_dax = o->sd[i].dev_dax;

	if (!dev_dax || !pages_held_now(o, i))
		return;
	pr_warn("%s: section %lu: a page of %s is still held (a pipe, a pinned buffer): the instance goes when it is let go\n",
		o->name, i, dev_name(&dev_dax->dev));
	__module_get(THIS_MODULE);
	WRITE_ONCE(o->held, true);
	wake_up_all(&o->wait);
	while (pages_held_now(o, i))
		msleep(200);
	WRITE_ONCE(o->held, false);
	module_put(THIS_MODULE);
}

/* Work, after unbind: every instance goes. */
static void kmp_devdax_teardown(struct work_struct *work)
{
	struct kmp_devdax_owner *o = container_of(work, struct kmp_devdax_owner,
						  teardown);
	struct resource *claim;
	unsigned long i;

	for (i = 0; i < o->nr_sections; i++) {
		mutex_lock(&o->lock);
		refresh_instance(o, i);
		mutex_unlock(&o->lock);
		wait_pages_let_go(o, i);
		drop_section(o, i);
		WRITE_ONCE(o->progress, i + 1);
		cond_resched();
	}
	spin_lock(&kmp_leaving_lock);
	list_del(&o->leaving);
	claim = o->claim;
	spin_unlock(&kmp_leaving_lock);
	if (claim) {
		remove_resource(claim);
		kfree(claim);
	}
	WRITE_ONCE(o->torn_down, true);
	work_done(o);
}

/*
 * Queue @op for section @i of @o. Return: the work's sequence number, to
 * wait for (see wait_for()), or 0: not queued (no memory, or dying).
 */
static u64 queue_op(struct kmp_devdax_owner *o, enum kmp_devdax_op op,
		    unsigned long i, bool nvdimm)
{
	struct kmp_devdax_work *w = kzalloc(sizeof(*w), GFP_KERNEL);
	u64 seq = 0;

	if (!w)
		return 0;
	INIT_WORK(&w->work, kmp_devdax_work);
	w->op = op;
	w->owner = o;
	w->section = i;
	w->nvdimm = nvdimm;
	mutex_lock(&o->lock);
	if (!o->dying) {
		o->sd[i].want = op == KMP_DEVDAX_CREATE;
		kref_get(&o->ref);
		seq = ++o->queued;
		o->sd[i].dropping = op == KMP_DEVDAX_DROP;
		/* Under the lock: the sequence is the order of the queue. */
		queue_work(kmp_devdax_wq, &w->work);
	}
	mutex_unlock(&o->lock);
	if (!seq)
		kfree(w);
	return seq;
}

/*
 * Wait for work @seq of @o. Unbind ends the wait (it sets @o->dying before
 * it waits for sysfs writers, which may be waiting here), so does a fatal
 * signal. Return: true if the work ran.
 */
static bool wait_for(struct kmp_devdax_owner *o, u64 seq)
{
	if (wait_event_killable(o->wait, READ_ONCE(o->done) >= seq ||
				READ_ONCE(o->dying)))
		return false;
	return READ_ONCE(o->done) >= seq;
}

/* The table's carve-out must be the one this kernel's struct pages need. */
static int check_carve_out(struct kmp_dev *kdev, unsigned long i)
{
	u64 need = kmp_memmap_bytes(kdev);

	if (kdev->meta_hdr.memmap_bytes == need)
		return 0;
	dev_err(kmp_device(kdev), "section %lu: the table keeps %llu bytes of each self-hosted section for struct pages, this kernel needs %llu: boot the kernel that made it persistent to reach its data\n",
		i, kdev->meta_hdr.memmap_bytes, need);
	return -EOPNOTSUPP;
}

/*
 * A namespace section needs our nvdimm bus and 2 MiB pages, device-dax
 * serving (kmp_nd_usable()), and its info block.
 */
static int ready_namespace(struct kmp_dev *kdev, unsigned long i)
{
	int rc;

	if (!kmp_nd_usable(kdev)) {
		dev_err(kmp_device(kdev), "section %lu is an nvdimm namespace, which kmem_pmem cannot serve here (persistent_devdax=0, no nvdimm bus, or no 2 MiB pages): its data stays; load kmem_pmem with its defaults on a kernel with transparent huge pages to reach it\n",
			i);
		return -EOPNOTSUPP;
	}
	rc = kmp_nd_write_info(kdev, i);
	if (rc)
		dev_err(kmp_device(kdev), "section %lu: its nvdimm info block cannot be read or written: %d\n",
			i, rc);
	return rc;
}

/**
 * kmp_devdax_create() - serve a persistent section as device-dax
 * @kdev: the device
 * @i: a section recorded KMP_META_SELF_HOSTED or KMP_META_NAMESPACE, out
 *	of the page allocator
 *
 * Queues the creation of the instance /dev/daxR.0: of the nvdimm namespace
 * the section is (its info block written first if it has none), or of a new
 * dax region covering a self-hosted section after its carve-out; and of the
 * link kmem_pmem/section<i> to it (kmp_devdax_wait() waits for it).
 * device_dax (and for a namespace nd_pmem and dax_pmem) must be loaded to
 * bind it (udev loads them by their modaliases). A creation that fails says
 * why.
 *
 * Context: process context, @kdev->lock held for writing.
 * Return: 0, or a negative errno: nothing will be created.
 */
int kmp_devdax_create(struct kmp_dev *kdev, unsigned long i)
{
	struct kmp_devdax_owner *o = kdev->devdax;
	bool nvdimm = kdev->recorded[i] == KMP_META_NAMESPACE;
	int rc;

	lockdep_assert_held_write(&kdev->lock);
	if (!o)
		return 0;
	if (nvdimm)
		rc = ready_namespace(kdev, i);
	else
		rc = check_carve_out(kdev, i);
	if (rc)
		return rc;
	/*
	 * device-dax does not consult bad blocks (neither for nvdimm's): a load
	 * from a poisoned page is a machine check that memory_failure() turns
	 * into SIGBUS for the process. Say so.
	 */
	if (kmp_poisoned(kdev, kdev->layout.head_bytes + (u64)i * kdev->layout.section_size,
			 kdev->layout.section_size))
		dev_warn(kmp_device(kdev), "section %lu has pages found poisoned while it was RAM: its device-dax instance does not refuse them\n",
			 i);
	if (!queue_op(o, KMP_DEVDAX_CREATE, i, nvdimm))
		return READ_ONCE(o->dying) ? -ENODEV : -ENOMEM;
	return 0;
}

/**
 * kmp_devdax_wait() - wait for the instances queued so far
 * @kdev: the device
 *
 * A move to persistent queues each section's instance and goes on with the
 * next section: the creations (each waits for an RCU grace period in the
 * memory hotplug lock) run beside the move, back to back. The move's write
 * returns once they exist. Unbind or a fatal signal ends the wait.
 *
 * Context: process context, @kdev->lock not held; inside a sysfs write or
 * a probe (unbind cannot free the instances' state meanwhile).
 */
void kmp_devdax_wait(struct kmp_dev *kdev)
{
	struct kmp_devdax_owner *o = kdev->devdax;
	u64 seq;

	if (!o)
		return;
	mutex_lock(&o->lock);
	seq = o->queued;
	mutex_unlock(&o->lock);
	wait_for(o, seq);
}

/*
 * Kill section @i's instance unless it is mapped or a page of it is still
 * held: from then on every mmap() and fault fails. Every mapping of the
 * instance, from any open file, is a vma in the dax inode's i_mmap tree
 * (dax_open() shares that mapping); holding i_mmap_rwsem keeps new ones
 * from being linked while we look. A vma whose ->mmap() passed before the
 * kill and that links after it maps nothing: its faults fail. No mapping
 * that exists sees a failed fault unless the move goes ahead. Takes no
 * dax_region_rwsem.
 *
 * Return: 0, or -EBUSY with *@why set.
 */
static int kill_unless_busy(struct kmp_devdax_owner *o, unsigned long i,
			    const char **why)
{
	struct dev_dax *dev_dax = o->sd[i].dev_dax;
	struct address_space *mapping = dax_inode(dev_dax->dax_dev)->i_mapping;
	int rc = -EBUSY;

	/* device_dax's remove takes them in this order too (kill_dev_dax()). */
	device_lock(&dev_dax->dev);
	i_mmap_lock_write(mapping);
	if (mapping_mapped(mapping))
		*why = "is mapped";
	else if (pages_held(o, i))
		*why = "has a page still held after its last mapping (a pipe, a pinned buffer)";
	else
		rc = 0;
	if (!rc)
		kill_dax(dev_dax->dax_dev);
	i_mmap_unlock_write(mapping);
	device_unlock(&dev_dax->dev);
	return rc;
}

/*
 * Kill section @i's instance unless it is busy and queue its
 * unregistration, unless that was done already (kmp_devdax_drop_ahead()).
 * Return: 0, -EBUSY with *@why set (nothing changed), -ENOMEM or -ENODEV.
 */
static int start_drop(struct kmp_devdax_owner *o, unsigned long i,
		      const char **why)
{
	bool queued;
	int rc = 0;

	mutex_lock(&o->lock);
	queued = o->sd[i].dropping;
	if (!queued)
		refresh_instance(o, i);
	if (!queued && o->sd[i].dev_dax)
		rc = kill_unless_busy(o, i, why);
	mutex_unlock(&o->lock);
	if (rc || queued)
		return rc;
	if (!queue_op(o, KMP_DEVDAX_DROP, i, false))
		return READ_ONCE(o->dying) ? -ENODEV : -ENOMEM;
	return 0;
}

/*
 * start_drop() for section @i of @kdev. Return: 1 if its unregistration is
 * queued, 0 if it has no instance (not self-hosted), or start_drop()'s error.
 */
static int start_section_drop(struct kmp_dev *kdev, unsigned long i,
			      const char **why)
{
	int rc;

	lockdep_assert_held_write(&kdev->lock);
	if (!kdev->devdax || !kmp_meta_is_served(kdev->recorded[i]))
		return 0;
	rc = start_drop(kdev->devdax, i, why);
	return rc ? rc : 1;
}

/*
 * Wait for section @i's queued unregistration, as wait_for() does. The
 * acquire pairs with drop_section()'s release: once @dropping reads false,
 * the section's struct pages are gone.
 * Return: true if it ran.
 */
static bool wait_dropped(struct kmp_devdax_owner *o, unsigned long i)
{
	/* Pairs with smp_store_release() in drop_section(). */
	if (wait_event_killable(o->wait, !smp_load_acquire(&o->sd[i].dropping) ||
				READ_ONCE(o->dying)))
		return false;
	/* Pairs with smp_store_release() in drop_section(). */
	return !smp_load_acquire(&o->sd[i].dropping);
}

/**
 * kmp_devdax_destroy() - stop serving a section as device-dax, for a move
 *	to volatile
 * @kdev: the device
 * @i: section index
 *
 * Kills the instance at once unless it is busy (or finds it killed by
 * kmp_devdax_drop_ahead()), then waits for its unregistration (and for a
 * creation still queued): the section's ZONE_DEVICE struct pages must be
 * gone before it is hot-added as RAM.
 *
 * Context: process context, @kdev->lock held for writing.
 * Return: 0 (also when there is no instance); -EBUSY: the instance is
 * mapped or a page of it is still held, nothing changed; -EINTR or -ENODEV:
 * a fatal signal or unbind ended the wait, the section is still persistent
 * (after a signal it is served again).
 */
int kmp_devdax_destroy(struct kmp_dev *kdev, unsigned long i)
{
	struct kmp_devdax_owner *o = kdev->devdax;
	const char *why;
	int rc;

	rc = start_section_drop(kdev, i, &why);
	if (!rc)
		return 0;
	if (rc == -EBUSY) {
		dev_warn(kmp_device(kdev), "section %lu: %s %s: not moving it\n",
			 i, dev_name(&o->sd[i].dev_dax->dev), why);
		return rc;
	}
	if (rc > 0 && wait_dropped(o, i))
		return 0;
	if (READ_ONCE(o->dying))
		return -ENODEV;
	kmp_devdax_create(kdev, i);
	return rc > 0 ? -EINTR : rc;
}

/**
 * kmp_devdax_drop_ahead() - start a section's move to volatile early
 * @kdev: the device
 * @i: a section about to be made volatile
 *
 * Kills the instance unless it is busy and queues its unregistration
 * without waiting, so that the unregistrations of a bulk move (each waits
 * for RCU grace periods) run beside the hot-adds of the sections before
 * them; kmp_devdax_destroy() then waits for this one. If the move does not
 * happen, kmp_devdax_create() serves the section again.
 *
 * Context: process context, @kdev->lock held for writing.
 * Return: 1 if an unregistration is queued, 0 if the section is not
 * self-hosted (no instance), -EBUSY if it is busy (its own move says why),
 * -ENOMEM or -ENODEV.
 */
int kmp_devdax_drop_ahead(struct kmp_dev *kdev, unsigned long i)
{
	const char *why;

	return start_section_drop(kdev, i, &why);
}

/**
 * kmp_devdax_restore() - at bind: serve every self-hosted section
 * @kdev: the device
 *
 * Queues their instances and returns: the probe may run inside the dax
 * core's creation of the device (the claim at boot), under its
 * dax_region_rwsem. They appear as the work creates them.
 * Without persistent_devdax they stay unreachable (the char device never
 * serves them: their first bytes are struct pages): say so.
 *
 * Context: process context; takes @kdev->lock.
 */
void kmp_devdax_restore(struct kmp_dev *kdev)
{
	unsigned long i, n = 0, failed = 0;

	down_write(&kdev->lock);
	for (i = 0; i < kdev->layout.nr_sections; i++) {
		if (!kmp_meta_is_served(kdev->recorded[i]) ||
		    kmp_get_state(kdev, i) != KMP_PERSISTENT)
			continue;
		n++;
		if (persistent_devdax && kmp_devdax_create(kdev, i))
			failed++;
	}
	up_write(&kdev->lock);
	if (n && !persistent_devdax)
		dev_warn(kmp_device(kdev), "%lu persistent sections are self-hosted (struct pages in their first bytes): load kmem_pmem with persistent_devdax=1 to reach them\n",
			 n);
	else if (failed)
		dev_warn(kmp_device(kdev), "%lu of %lu self-hosted persistent sections have no device-dax instance\n",
			 failed, n);
}

/**
 * kmp_devdax_attach() - at bind: the state the instances' work shares
 * @kdev: the device, bound
 *
 * Return: 0 or -ENOMEM.
 */
int kmp_devdax_attach(struct kmp_dev *kdev)
{
	unsigned long n = kdev->layout.nr_sections;
	struct kmp_devdax_owner *o;

	if (!persistent_devdax)
		return 0;
	o = kvzalloc(struct_size(o, sd, n), GFP_KERNEL);
	if (!o)
		return -ENOMEM;
	kref_init(&o->ref);
	mutex_init(&o->lock);
	init_waitqueue_head(&o->wait);
	INIT_LIST_HEAD(&o->leaving);
	INIT_WORK(&o->teardown, kmp_devdax_teardown);
	o->dev = kmp_device(kdev);
	o->region_res = &kdev->dev_dax->region->res;
	if (kmp_dax_region_park_bound(o->region_res)) {
		dev_err(o->dev, "its dax region %pR cannot leave the dax core's tree, where its sections' regions would overlap it\n",
			o->region_res);
		kvfree(o);
		return -EBUSY;
	}
	strscpy(o->name, kdev->name, sizeof(o->name));
	o->start = kdev->layout.start;
	o->section_size = kdev->layout.section_size;
	o->carve_out = kmp_memmap_bytes(kdev);
	o->nid = kdev->nid;
	o->nr_sections = n;
	spin_lock(&kmp_state_lock);
	kdev->devdax = o;
	spin_unlock(&kmp_state_lock);
	return 0;
}

/**
 * kmp_devdax_stop() - at unbind, first: no more instances, no more waits
 * @kdev: the device
 *
 * Before unbind waits for sysfs writers: a move waiting for its instance's
 * work returns. Nothing touches the bound device's sysfs after this.
 */
void kmp_devdax_stop(struct kmp_dev *kdev)
{
	struct kmp_devdax_owner *o = kdev->devdax;

	if (!o)
		return;
	mutex_lock(&o->lock);
	o->dying = true;
	mutex_unlock(&o->lock);
	wake_up_all(&o->wait);
}

/*
 * Wait for the teardown while it makes progress: a sysfs unbind waiting
 * here holds the device's lock, which a namespace removal running at the
 * same time (and holding dax_region_rwsem, which the teardown needs) waits
 * for before it could tell us. Ten seconds without one instance gone ends
 * the wait, as does a page the teardown must wait for (wait_pages_let_go());
 * the teardown goes on without us.
 */
static void wait_torn_down(struct kmp_devdax_owner *o)
{
	unsigned long seen;

	do {
		seen = READ_ONCE(o->progress);
		if (wait_event_timeout(o->wait, READ_ONCE(o->torn_down) ||
				       READ_ONCE(o->held), 10 * HZ))
			break;
	} while (READ_ONCE(o->progress) != seen);
	if (!READ_ONCE(o->torn_down))
		pr_warn("%s: its device-dax instances are still going away: not waiting for them\n",
			o->name);
}

/**
 * kmp_devdax_detach() - at unbind: every instance goes
 * @kdev: the device
 *
 * Kills every instance at once (kill_dev_dax(): no fault or mmap succeeds,
 * every mapping is zapped; no dax_region_rwsem) and queues their
 * unregistration. Waits for it, unless the dax core is removing the device
 * (a disabled namespace: it holds dax_region_rwsem, which the unregistration
 * needs); then they go right after this remove, and a bind of the same
 * range meanwhile is deferred (kmp_devdax_defer_probe()).
 *
 * Context: process context, after kmp_devdax_stop().
 */
void kmp_devdax_detach(struct kmp_dev *kdev)
{
	struct kmp_devdax_owner *o = kdev->devdax;
	unsigned long i;
	bool served;

	if (!o)
		return;
	kmp_devdax_stop(kdev);
	mutex_lock(&o->lock);
	o->dev = NULL;
	served = o->queued;
	for (i = 0; i < o->nr_sections; i++) {
		o->sd[i].want = false;
		if (o->sd[i].dev_dax)
			kill_dev_dax(o->sd[i].dev_dax);
	}
	mutex_unlock(&o->lock);

	spin_lock(&kmp_leaving_lock);
	list_add(&o->leaving, &kmp_leaving);
	spin_unlock(&kmp_leaving_lock);
	kref_get(&o->ref);
	queue_work(kmp_devdax_wq, &o->teardown);
	/*
	 * Nothing to wait for if nothing was queued (a probe failing after
	 * kmp_devdax_attach()): the teardown may be behind another binding's
	 * creation, in nd_synchronize() until this probe returns.
	 */
	if (served && !READ_ONCE(o->core_deleting))
		wait_torn_down(o);
	/* Its sections' regions are out of dax_regions (or gone). */
	kmp_dax_region_unpark_bound(o->region_res);

	spin_lock(&kmp_state_lock);
	kdev->devdax = NULL;
	spin_unlock(&kmp_state_lock);
	owner_put(o);
}

/**
 * kmp_devdax_core_deleting() - the dax core is removing @dev
 * @dev: a dax device, from the dax bus's BUS_NOTIFY_DEL_DEVICE
 *
 * device_del() notifies before it unbinds the driver; on the dax bus it
 * runs inside unregister_dev_dax(), which holds dax_region_rwsem (6.8+):
 * kmem_pmem's remove, next, must not wait for anything that takes it.
 */
void kmp_devdax_core_deleting(struct device *dev)
{
	struct kmp_dev *kdev;

	spin_lock(&kmp_state_lock);
	list_for_each_entry(kdev, &kmp_devices, list)
		if (kdev->dev_dax && &kdev->dev_dax->dev == dev && kdev->devdax)
			WRITE_ONCE(kdev->devdax->core_deleting, true);
	spin_unlock(&kmp_state_lock);
}

/**
 * kmp_devdax_defer_probe() - is a previous binding's teardown in the way?
 * @dev: the device being bound
 * @drv: kmem_pmem's driver, to bind it to once the teardown is done
 * @start: first byte of its sections
 * @size: bytes of its sections
 *
 * Instances of an earlier binding of this range that are still going away
 * keep their struct pages and iomem claims: a bind now would find them. It
 * cannot wait for them (at the claim it runs under dax_region_rwsem, which
 * their unregistration needs), so it is deferred: a work queued after their
 * teardown binds the device to @drv again.
 *
 * Return: 0, or -EPROBE_DEFER.
 */
int kmp_devdax_defer_probe(struct device *dev, struct device_driver *drv,
			   u64 start, u64 size)
{
	struct kmp_devdax_owner *o;
	struct kmp_devdax_work *w;
	bool found = false;

	spin_lock(&kmp_leaving_lock);
	list_for_each_entry(o, &kmp_leaving, leaving)
		if (start < o->start + o->nr_sections * o->section_size &&
		    o->start < start + size)
			found = true;
	spin_unlock(&kmp_leaving_lock);
	if (!found)
		return 0;
	w = kzalloc(sizeof(*w), GFP_KERNEL);
	if (!w)
		return -ENOMEM;
	INIT_WORK(&w->work, kmp_devdax_work);
	w->op = KMP_DEVDAX_ATTACH;
	w->dev = get_device(dev);
	w->drv = drv;
	queue_work(kmp_devdax_wq, &w->work);
	dev_info(dev, "the device-dax instances of its previous binding are still going away: binding it once they are gone\n");
	return -EPROBE_DEFER;
}

/**
 * kmp_devdax_release_claim() - release kmem_pmem's claim of a device's span
 * @res: the claim (struct kmp_dev's res), leaving with the device's state
 *
 * While instances of that span are still going away (an unbind that did
 * not wait), the claim stays until they are gone: it makes any other
 * driver's request of the device's range fail (device_dax's, offered the
 * device while kmem_pmem's probe is deferred by kmp_devdax_defer_probe()).
 * Its name was the device state's: it becomes a constant.
 */
void kmp_devdax_release_claim(struct resource *res)
{
	struct kmp_devdax_owner *o;
	bool kept = false;

	spin_lock(&kmp_leaving_lock);
	list_for_each_entry(o, &kmp_leaving, leaving) {
		if (o->claim || res->start != o->start)
			continue;
		WRITE_ONCE(res->name, "kmem_pmem (device-dax instances going away)");
		o->claim = res;
		kept = true;
		break;
	}
	spin_unlock(&kmp_leaving_lock);
	if (!kept) {
		remove_resource(res);
		kfree(res);
	}
}

/**
 * kmp_devdax_dram_bytes() - DRAM held for the instances' state
 * @kdev: the device
 *
 * Return: bytes.
 */
u64 kmp_devdax_dram_bytes(struct kmp_dev *kdev)
{
	struct kmp_devdax_owner *o = kdev->devdax;

	return o ? struct_size(o, sd, o->nr_sections) : 0;
}

/**
 * kmp_devdax_is_instance() - is @dev one of our sections' dax instances?
 * @dev: a dax device
 *
 * Its bytes are a section's user data: whatever they hold (a guest's own
 * kmem_pmem table, say), it is device_dax's, never a device to claim.
 */
bool kmp_devdax_is_instance(struct device *dev)
{
	return (dev->parent && dev->parent->driver == &kmp_section_driver.driver) ||
	       kmp_nd_is_ours(dev);
}

/**
 * kmp_devdax_instance_added() - a section's instance is being added
 * @dev: a dax device of kmp_devdax_is_instance(), from the dax bus's
 *	BUS_NOTIFY_ADD_DEVICE
 *
 * Its dax region leaves the dax core's tree (dax_region_tree.c) here, in
 * the probe that made it (ours for a self-hosted section, dax_pmem's for a
 * namespace, also one an admin's ndctl enable-region makes): it cannot go
 * meanwhile, and it was in that tree only since alloc_dax_region().
 */
void kmp_devdax_instance_added(struct device *dev)
{
	struct resource *res = &to_dev_dax(dev)->region->res;

	if (kmp_dax_region_park_section(res))
		dev_err(dev, "its dax region %pR cannot leave the dax core's tree: the device it is part of cannot get its own region back until it goes\n",
			res);
}

/**
 * kmp_devdax_driver_register() - the sections' platform driver and workqueue
 *
 * Return: 0 or a negative errno.
 */
int kmp_devdax_driver_register(void)
{
	int rc;

	rc = kmp_dax_region_trees_init();
	if (rc)
		return rc;
	kmp_devdax_wq = alloc_ordered_workqueue("kmem_pmem_devdax", 0);
	if (!kmp_devdax_wq) {
		kmp_dax_region_trees_exit();
		return -ENOMEM;
	}
	rc = platform_driver_register(&kmp_section_driver);
	if (rc) {
		destroy_workqueue(kmp_devdax_wq);
		kmp_dax_region_trees_exit();
		return rc;
	}
	if (persistent_devdax)
		kmp_nd_bus_register();
	return 0;
}

/**
 * kmp_devdax_driver_unregister() - after every unbind: the work finishes
 */
void kmp_devdax_driver_unregister(void)
{
	destroy_workqueue(kmp_devdax_wq);
	kmp_nd_bus_unregister();
	platform_driver_unregister(&kmp_section_driver);
	kmp_dax_region_trees_exit();
}
