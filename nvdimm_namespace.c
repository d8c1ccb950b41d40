// SPDX-License-Identifier: GPL-2.0
/*
 * Persistent sections as nvdimm namespaces (entry 3 of the table;
 * docs/design-persistent-devdax.md): kmem_pmem registers an nvdimm bus of
 * its own, and each such section becomes one label-less pmem region of it.
 * The section starts with the kernel's DAX info block (dax_info_block.c),
 * so libnvdimm's own probes do the rest: nd_pmem finds the block and hands
 * the namespace to an nd_dax, dax_pmem creates its dax region with the
 * struct pages in the section (the block's PFN_MODE_PMEM), and device_dax
 * serves /dev/daxR.0. For ndctl, daxctl and PMDK this is an nvdimm
 * namespace in devdax mode like any other: PMDK finds a device-dax
 * device's size through the namespace its nd_dax claims, which a bare dax
 * region (entry 2) does not have.
 *
 * The regions have no ND_REGION_PAGEMAP: a namespace whose info block is
 * missing or damaged becomes a raw /dev/pmemN without struct pages, never
 * one with a DRAM memmap.
 *
 * kmem_pmem deletes its regions when a device is unbound (also at rmmod).
 * On 7.x dax_pmem's region for a namespace is made inside the bound
 * device's: dax_region_tree.c says how both fit the dax core's tree.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/libnvdimm.h>
#include <linux/kmod.h>
#include <linux/mm.h>
#include <linux/numa.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "dax-private.h"
#include "dax_info_block.h"
#include "kmem_pmem.h"

/* Exported by libnvdimm, declared only in its private nd-core.h. */
void nd_synchronize(void);

/*
 * No .module: libnvdimm would hold kmem_pmem while a region of ours is
 * bound, and rmmod (which unbinds every device first) would be refused while
 * a namespace section is served. kmem_pmem deletes its regions itself before
 * the bus goes: unbind tears every instance down and module exit drains the
 * work queue that does it before it unregisters the bus.
 */
static struct nvdimm_bus_descriptor kmp_nd_desc = {
	.provider_name = "kmem_pmem",
};

static struct nvdimm_bus *kmp_nd_bus;
static bool kmp_nd_modules;	/* nd_pmem and dax_pmem were asked for */

/**
 * kmp_nd_supported() - can sections become namespaces here?
 *
 * Return: true with the nvdimm bus registered and 2 MiB mappings (the info
 * block's alignment; nd_pfn_validate() refuses one the kernel lacks).
 */
bool kmp_nd_supported(void)
{
	return kmp_nd_bus && has_transparent_hugepage();
}

/**
 * kmp_nd_write_info() - give a section the info block it needs
 * @kdev: the device
 * @i: a section recorded KMP_META_NAMESPACE, out of the page allocator
 *
 * Writes the block unless the section has it already (restored at bind):
 * after the scrub of a move it has none; a damaged block, or one that ndctl
 * rewrote, is written again, the data staying where it was.
 *
 * Return: 0, -ENOMEM, or -EIO (unreadable: poison).
 */
int kmp_nd_write_info(struct kmp_dev *kdev, unsigned long i)
{
	u64 offset = kmp_section_start(kdev, i) - kdev->range_start;
	u64 size = kdev->layout.section_size;
	u8 *block, uuid[16];
	void *addr;
	int rc = 0;

	block = kmalloc(KMP_DAX_INFO_SIZE, GFP_KERNEL);
	addr = kmp_pmem_map(kdev, offset + KMP_DAX_INFO_OFFSET, KMP_DAX_INFO_SIZE);
	if (!block || !addr) {
		rc = -ENOMEM;
		goto out;
	}
	if (copy_mc_to_kernel(block, addr, KMP_DAX_INFO_SIZE)) {
		rc = -EIO;
		goto out;
	}
	if (kmp_dax_info_matches(block, size, PMD_SIZE, PAGE_SIZE))
		goto out;
	generate_random_uuid(uuid);
	kmp_dax_info_encode(block, size, PMD_SIZE, PAGE_SIZE, uuid);
	memcpy(addr, block, KMP_DAX_INFO_SIZE);
	kmp_pmem_flush(addr, KMP_DAX_INFO_SIZE);
out:
	if (addr)
		kmp_pmem_unmap(addr);
	kfree(block);
	return rc;
}

/**
 * kmp_nd_region_create() - one section as a region of our bus
 * @start: physical address of the section
 * @size: bytes of the section
 * @nid: NUMA node of the device
 *
 * Registers the region and waits for libnvdimm's probes (asynchronous)
 * below it: the namespace, its nd_dax, the dax region and its instance.
 *
 * Context: process context; no lock a dax or nvdimm probe could need.
 * Return: the region, or NULL.
 */
struct nd_region *kmp_nd_region_create(u64 start, u64 size, int nid)
{
	struct resource res = DEFINE_RES_MEM(start, size);
	struct nd_region_desc desc = {
		.res = &res,
		.numa_node = numa_map_to_online_node(nid),
		.target_node = nid,
	};
	struct nd_region *region;

	/* Their probes make the instance; udev would load them too late. */
	if (!READ_ONCE(kmp_nd_modules)) {
		request_module("nd_pmem");
		request_module("dax_pmem");
		WRITE_ONCE(kmp_nd_modules, true);
	}
	region = nvdimm_pmem_region_create(kmp_nd_bus, &desc);
	if (region)
		nd_synchronize();
	return region;
}

/* device_for_each_child() callback: find the instance below a region. */
static int find_instance(struct device *dev, void *found)
{
	if (dev->bus && !strcmp(dev->bus->name, "dax")) {
		*(struct dev_dax **)found = to_dev_dax(get_device(dev));
		return 1;
	}
	return device_for_each_child(dev, found, find_instance);
}

/**
 * kmp_nd_region_instance() - the device-dax instance of a region
 * @region: a region of kmp_nd_region_create(), probed
 *
 * It is below the nd_dax that claimed the region's namespace.
 *
 * Return: the instance, referenced (put_device()), or NULL: there is none
 * (no valid info block, dax_pmem's probe failed and said why, or an admin
 * disabled the region or namespace).
 */
struct dev_dax *kmp_nd_region_instance(struct nd_region *region)
{
	struct dev_dax *dev_dax = NULL;

	device_for_each_child(nd_region_dev(region), &dev_dax, find_instance);
	return dev_dax;
}

/**
 * kmp_nd_region_delete() - a section's region goes, and all below it
 * @region: a region of kmp_nd_region_create()
 *
 * Synchronous: the instance's struct pages are gone when it returns.
 *
 * Context: process context; takes dax_region_rwsem (6.8+).
 */
void kmp_nd_region_delete(struct nd_region *region)
{
	nvdimm_region_delete(region);
}

/**
 * kmp_nd_is_ours() - is @dev below a region of our bus?
 * @dev: a device
 *
 * Return: true for the namespaces, nd_dax and instances of our sections.
 */
bool kmp_nd_is_ours(struct device *dev)
{
	struct device *bus = kmp_nd_bus ? to_nvdimm_bus_dev(kmp_nd_bus) : NULL;

	for (dev = dev->parent; bus && dev; dev = dev->parent)
		if (dev == bus)
			return true;
	return false;
}

/**
 * kmp_nd_bus_register() - kmem_pmem's nvdimm bus
 *
 * Without it (no memory), sections made persistent are self-hosted (entry
 * 2) instead.
 */
void kmp_nd_bus_register(void)
{
	kmp_nd_bus = nvdimm_bus_register(NULL, &kmp_nd_desc);
	if (!kmp_nd_bus)
		pr_warn("no nvdimm bus: persistent sections will not be nvdimm namespaces\n");
}

/**
 * kmp_nd_bus_unregister() - at module exit, every region deleted
 */
void kmp_nd_bus_unregister(void)
{
	if (kmp_nd_bus)
		nvdimm_bus_unregister(kmp_nd_bus);
	kmp_nd_bus = NULL;
}
