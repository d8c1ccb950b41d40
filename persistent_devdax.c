// SPDX-License-Identifier: GPL-2.0
/*
 * Self-hosted persistent sections as device-dax instances (prototype,
 * module parameter persistent_devdax; docs/design-persistent-devdax.md).
 *
 * A section made persistent with persistent_devdax=1 is recorded
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
 * devices), bound to the platform driver below. Unregistering it kills the instance (no fault or
 * mmap succeeds any more), zaps every mapping and removes the instance and
 * its region. A move to volatile refuses an instance that is mapped.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/dax.h>
#include <linux/fs.h>
#include <linux/ioport.h>
#include <linux/memregion.h>
#include <linux/memremap.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/platform_device.h>
#include <linux/sysfs.h>

#include "dax-private.h"
#include "bus.h"
#include "kmem_pmem.h"

#define KMP_SECTION_DRV_NAME	"kmem_pmem_section"

bool persistent_devdax;
module_param(persistent_devdax, bool, 0444);
MODULE_PARM_DESC(persistent_devdax,
		 "Sections made persistent keep their struct pages in their first bytes and are served by device-dax as /dev/daxR.0 (prototype; default: the char device)");

/* What the platform device's probe needs: copied in by the driver core. */
struct kmp_section_pdata {
	struct kmp_dev *kdev;
	unsigned long section;
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

/**
 * kmp_persistent_use() - how to record a section being made persistent
 * @kdev: the device
 * @i: the section, just scrubbed
 *
 * Self-hosted with persistent_devdax, if the carve-out this kernel needs is
 * the one the table has for its other self-hosted sections (it becomes the
 * table's if there are none); else the whole section is data.
 *
 * Context: @kdev->lock held for writing.
 * Return: KMP_META_SELF_HOSTED or KMP_META_PERSISTENT.
 */
u8 kmp_persistent_use(struct kmp_dev *kdev, unsigned long i)
{
	u64 need = kmp_memmap_bytes(kdev), k;

	lockdep_assert_held_write(&kdev->lock);
	if (!persistent_devdax || need >= kdev->layout.section_size)
		return KMP_META_PERSISTENT;
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
static int create_region(struct platform_device *pdev, struct kmp_dev *kdev,
			 unsigned long i)
{
	u64 start = kmp_section_start(kdev, i);
	u64 size = kdev->layout.section_size;
	u64 carve_out = kmp_memmap_bytes(kdev);
	unsigned int align = has_transparent_hugepage() ? PMD_SIZE : PAGE_SIZE;
	struct range range = { start + carve_out, start + size - 1 };
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

	init_pgmap(&pgmap, start, size, carve_out);
	dax_region = alloc_dax_region(&pdev->dev, id, &range, kdev->nid, align,
				      IORESOURCE_DAX_STATIC);
	if (!dax_region)
		return -ENOMEM;

	data = (struct dev_dax_data) {
		.dax_region = dax_region,
		.pgmap = &pgmap,
		.size = range_len(&range),
		.id = 0,
	};
	dev_dax = devm_create_dev_dax(&data);
	if (IS_ERR(dev_dax))
		return PTR_ERR(dev_dax);
	kdev->devdax[i].dev_dax = dev_dax;
	return 0;
}

/* Runs inside kmp_devdax_create(): its caller holds the device's lock. */
static int kmp_section_probe(struct platform_device *pdev)
{
	const struct kmp_section_pdata *pd = dev_get_platdata(&pdev->dev);
	struct kmp_section_devdax *sd = &pd->kdev->devdax[pd->section];

	sd->rc = create_region(pdev, pd->kdev, pd->section);
	return sd->rc;
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
 */
static int check_memmap(struct kmp_dev *kdev, unsigned long i)
{
	u64 start = kmp_section_start(kdev, i);
	u64 carve_out = kmp_memmap_bytes(kdev);
	unsigned long first = PHYS_PFN(start + carve_out);
	unsigned long last = PHYS_PFN(start + kdev->layout.section_size) - 1;

	if (kmp_memmap_inside(first, start, start + carve_out) &&
	    kmp_memmap_inside(last, start, start + carve_out))
		return 0;
	dev_err(kmp_device(kdev), "section %lu: the struct pages of its device-dax instance are not in its first %llu bytes\n",
		i, carve_out);
	return -EOPNOTSUPP;
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
 * Since 7.x the dax core keeps every dax region's range in one resource
 * tree and refuses overlapping regions (alloc_dax_region(): "dax_region
 * resource conflict"); the bound device's own region covers all of our
 * sections. While kmem_pmem is bound, that region is not used (no
 * device_dax instance of it is bound), so it yields its range: it leaves the
 * tree at bind and goes back at unbind, before the dax core could release
 * it. Older kernels have no such tree: the region's resource has no parent.
 */
static void yield_parent_region(struct kmp_dev *kdev)
{
	struct resource *res = &kdev->dev_dax->region->res;

	if (kdev->yielded_from || !res->parent)
		return;
	kdev->yielded_from = res->parent;
	release_resource(res);
}

/* For unbind, once every instance is gone. */
static void unyield_parent_region(struct kmp_dev *kdev)
{
	struct resource *res = &kdev->dev_dax->region->res;

	if (!kdev->yielded_from)
		return;
	if (request_resource(kdev->yielded_from, res))
		dev_err(kmp_device(kdev), "cannot give the dax region %pR its range back\n",
			res);
	kdev->yielded_from = NULL;
}

/*
 * The platform device parenting a section's region, registered (and so
 * probed: the probe sets kdev->devdax[i].rc). It sits at the top of the
 * platform bus, as the kernel's hmem devices do, not below the nvdimm
 * device we are bound to: libndctl takes a dax device below an nvdimm
 * region for one of the region's namespaces, and PMDK, looking up the
 * namespace of /dev/daxR.0 for bad blocks and shutdown state, crashes in
 * ndctl_namespace_get_region(). It gets the bound device's NUMA node, which
 * device_dax hands to memremap_pages(), as it would for the device itself.
 */
static struct platform_device *new_section_device(struct kmp_dev *kdev,
						  struct kmp_section_pdata *pd)
{
	struct platform_device *pdev;
	int rc;

	pdev = platform_device_alloc(KMP_SECTION_DRV_NAME, PLATFORM_DEVID_AUTO);
	if (!pdev)
		return ERR_PTR(-ENOMEM);
	set_dev_node(&pdev->dev, dev_to_node(kmp_device(kdev)));
	rc = platform_device_add_data(pdev, pd, sizeof(*pd));
	if (rc)
		goto err;
	kdev->devdax[pd->section].rc = -ENODEV;	/* no probe ran */
	rc = platform_device_add(pdev);
	if (rc)
		goto err;
	return pdev;
err:
	platform_device_put(pdev);
	return ERR_PTR(rc);
}

/**
 * kmp_devdax_create() - serve a self-hosted persistent section as device-dax
 * @kdev: the device
 * @i: a section recorded KMP_META_SELF_HOSTED, out of the page allocator
 *
 * Creates the instance /dev/daxR.0 of a new dax region covering the
 * section after its carve-out, and the link kmem_pmem/section<i> to it.
 * device_dax must be loaded to bind it (udev loads it by its modalias).
 *
 * Context: process context, @kdev->lock held for writing.
 * Return: 0 or a negative errno (nothing created).
 */
int kmp_devdax_create(struct kmp_dev *kdev, unsigned long i)
{
	struct kmp_section_devdax *sd = &kdev->devdax[i];
	struct kmp_section_pdata pd = { .kdev = kdev, .section = i };
	struct platform_device *pdev;
	char name[32];
	int rc;

	lockdep_assert_held_write(&kdev->lock);
	if (sd->pdev)
		return 0;
	rc = check_carve_out(kdev, i);
	if (rc)
		return rc;
	yield_parent_region(kdev);

	pdev = new_section_device(kdev, &pd);
	if (IS_ERR(pdev))
		return PTR_ERR(pdev);
	sd->pdev = pdev;
	rc = sd->rc;
	if (rc) {
		dev_err(kmp_device(kdev), "section %lu: no device-dax instance: %d\n",
			i, rc);
		goto err;
	}
	if (!sd->dev_dax->dev.driver) {
		dev_warn(kmp_device(kdev), "section %lu: %s is not bound: load device_dax\n",
			 i, dev_name(&sd->dev_dax->dev));
	} else {
		rc = check_memmap(kdev, i);
		if (rc)
			goto err;
	}
	/*
	 * device-dax does not consult bad blocks (neither for nvdimm's): a load
	 * from a poisoned page is a machine check that memory_failure() turns
	 * into SIGBUS for the process. Say so.
	 */
	if (kmp_poisoned(kdev, kdev->layout.head_bytes + (u64)i * kdev->layout.section_size,
			 kdev->layout.section_size))
		dev_warn(kmp_device(kdev), "section %lu has pages found poisoned while it was RAM: %s does not refuse them\n",
			 i, dev_name(&sd->dev_dax->dev));
	rc = sysfs_add_link_to_group(&kmp_device(kdev)->kobj, "kmem_pmem",
				     &sd->dev_dax->dev.kobj,
				     link_name(i, name, sizeof(name)));
	if (rc)
		goto err;
	return 0;
err:
	platform_device_unregister(pdev);
	sd->pdev = NULL;
	sd->dev_dax = NULL;
	return rc;
}

/*
 * Kill the instance unless it is mapped: from then on every mmap() and
 * fault fails. Every mapping of the instance, from any open file, is a vma
 * in the dax inode's i_mmap tree (dax_open() shares that mapping); holding
 * i_mmap_rwsem keeps new ones from being linked while we look. A vma whose
 * ->mmap() passed before the kill and that links after it maps nothing:
 * its faults fail. No mapping that exists sees a failed fault unless the
 * move goes ahead.
 */
static int kill_unless_mapped(struct dev_dax *dev_dax)
{
	struct address_space *mapping = dax_inode(dev_dax->dax_dev)->i_mapping;
	int rc = 0;

	i_mmap_lock_write(mapping);
	if (mapping_mapped(mapping))
		rc = -EBUSY;
	else
		kill_dax(dev_dax->dax_dev);
	i_mmap_unlock_write(mapping);
	return rc;
}

/**
 * kmp_devdax_destroy() - stop serving a section as device-dax
 * @kdev: the device
 * @i: section index
 * @force: for unbind: tear down even a mapped instance (its mappings are
 *	zapped, later accesses get SIGBUS)
 *
 * Context: process context, @kdev->lock held for writing.
 * Return: 0 (also when there is no instance), or -EBUSY: the instance is
 * mapped and @force is not set; nothing changed.
 */
int kmp_devdax_destroy(struct kmp_dev *kdev, unsigned long i, bool force)
{
	struct kmp_section_devdax *sd;
	char name[32];

	lockdep_assert_held_write(&kdev->lock);
	if (!kdev->devdax)	/* without persistent_devdax: none */
		return 0;
	sd = &kdev->devdax[i];
	if (!sd->pdev)
		return 0;
	if (sd->dev_dax && !force && kill_unless_mapped(sd->dev_dax)) {
		dev_warn(kmp_device(kdev), "section %lu: %s is mapped: not moving it\n",
			 i, dev_name(&sd->dev_dax->dev));
		return -EBUSY;
	}
	sysfs_remove_link_from_group(&kmp_device(kdev)->kobj, "kmem_pmem",
				     link_name(i, name, sizeof(name)));
	/* devm: kill_dev_dax() (unmap), device_del(), the region. */
	platform_device_unregister(sd->pdev);
	sd->pdev = NULL;
	sd->dev_dax = NULL;
	return 0;
}

/**
 * kmp_devdax_destroy_all() - for unbind: tear down every instance
 * @kdev: the device, still bound
 *
 * Also gives the device's own dax region its range back (see
 * yield_parent_region()).
 *
 * Context: process context; takes @kdev->lock.
 */
void kmp_devdax_destroy_all(struct kmp_dev *kdev)
{
	unsigned long i;

	if (!kdev->devdax)
		return;
	down_write(&kdev->lock);
	for (i = 0; i < kdev->layout.nr_sections; i++)
		kmp_devdax_destroy(kdev, i, true);
	unyield_parent_region(kdev);
	up_write(&kdev->lock);
}

/**
 * kmp_devdax_restore() - at bind: serve every self-hosted section
 * @kdev: the device
 *
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
		if (kdev->recorded[i] != KMP_META_SELF_HOSTED ||
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
 * kmp_devdax_is_instance() - is @dev one of our sections' dax instances?
 * @dev: a dax device
 *
 * Its bytes are a section's user data: whatever they hold (a guest's own
 * kmem_pmem table, say), it is device_dax's, never a device to claim.
 */
bool kmp_devdax_is_instance(struct device *dev)
{
	return dev->parent && dev->parent->driver == &kmp_section_driver.driver;
}

/**
 * kmp_devdax_driver_register() - register the sections' platform driver
 *
 * Return: 0 or a negative errno.
 */
int kmp_devdax_driver_register(void)
{
	if (persistent_devdax && KMP_DAX_REGION_RWSEM) {
		pr_warn("persistent_devdax=1 is not supported on this kernel yet (the dax core's dax_region_rwsem would deadlock instance creation at boot and teardown at namespace removal): ignored, persistent sections stay on the char device\n");
		persistent_devdax = false;
	}
	return platform_driver_register(&kmp_section_driver);
}

/**
 * kmp_devdax_driver_unregister() - unregister the sections' platform driver
 */
void kmp_devdax_driver_unregister(void)
{
	platform_driver_unregister(&kmp_section_driver);
}
