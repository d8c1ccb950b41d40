// SPDX-License-Identifier: GPL-2.0
/*
 * One section in and out of the page allocator, with its memmap inside it.
 *
 * A volatile section is hot-added with MHP_MEMMAP_ON_MEMORY: the kernel
 * carves the struct page array for the section out of the section's own
 * first pages (2 MiB of a 128 MiB block) instead of allocating it from DRAM,
 * so pmem made RAM costs no DRAM. On 6.1 this needs the boot parameter
 * memory_hotplug.memmap_on_memory=1 and exactly one memory block per call;
 * newer kernels silently fall back to a DRAM memmap without the parameter.
 * Either way we check where the memmap really went after every add.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/memory.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/pageblock-flags.h>
#include <asm/pgtable_types.h>

#include "kmem_pmem.h"

bool allow_dram_memmap;
module_param(allow_dram_memmap, bool, 0444);
MODULE_PARM_DESC(allow_dram_memmap,
		 "Make sections volatile even when their struct pages must live in DRAM (default: refuse)");

/*
 * Memory resource name for add_memory_driver_managed(). Allocated, not a
 * literal in the module: /proc/iomem keeps pointing at it for as long as a
 * section stays added, which can outlive the module (see driver.c).
 */
const char *kmp_ram_name;

/**
 * kmp_section_start() - physical address of a section
 * @kdev: the device
 * @i: section index
 *
 * Return: the address of the first byte of section @i.
 */
u64 kmp_section_start(struct kmp_dev *kdev, unsigned long i)
{
	return kdev->layout.start + (u64)i * kdev->layout.section_size;
}

/**
 * kmp_memmap_inside() - where is a struct page stored?
 * @pfn: a pfn that has a struct page
 * @start: physical start of a range
 * @end: physical end of it (exclusive)
 *
 * Return: true if the struct page of @pfn is stored inside [@start, @end).
 */
bool kmp_memmap_inside(unsigned long pfn, u64 start, u64 end)
{
	phys_addr_t phys = slow_virt_to_phys(pfn_to_page(pfn));

	return phys >= start && phys < end;
}

/* Where did the memmap of section @i go? Its first and last struct page tell. */
static bool section_memmap_self_hosted(struct kmp_dev *kdev, unsigned long i)
{
	unsigned long pfn = kdev->base_pfn + i * kdev->pages_per_section;
	u64 start = kmp_section_start(kdev, i);
	u64 end = start + kdev->layout.section_size;

	return kmp_memmap_inside(pfn, start, end) &&
	       kmp_memmap_inside(pfn + kdev->pages_per_section - 1, start, end);
}

static int add_one(struct kmp_dev *kdev, unsigned long i, mhp_t flags)
{
	return add_memory_driver_managed(kdev->mgid, kmp_section_start(kdev, i),
					 kdev->layout.section_size, kmp_ram_name,
					 flags | MHP_NID_IS_MGID);
}

/*
 * Can a section of @size hold its own memmap? The kernel's geometric
 * conditions (mhp_supports_memmap_on_memory() in 6.1): the struct pages
 * fill whole PMDs, and what remains whole pageblocks.
 */
static bool memmap_fits(u64 size)
{
	u64 memmap_bytes = PHYS_PFN(size) * sizeof(struct page);

	return IS_ALIGNED(memmap_bytes, PMD_SIZE) &&
	       IS_ALIGNED(size - memmap_bytes, pageblock_nr_pages << PAGE_SHIFT);
}

/*
 * The add with MHP_MEMMAP_ON_MEMORY failed with -EINVAL. Its other causes
 * (range, memory group, resource name) are excluded by construction, so
 * the kernel refused the self-hosted memmap: the boot parameter is missing,
 * or the section size does not allow it.
 */
static void refuse_dram_memmap(struct kmp_dev *kdev)
{
	u64 size = kdev->layout.section_size;

	if (kdev->memmap == KMP_MEMMAP_UNSUPPORTED)
		return;
	kdev->memmap = KMP_MEMMAP_UNSUPPORTED;
	if (!memmap_fits(size)) {
		dev_err(kmp_device(kdev), "sections of %llu MiB cannot hold their own struct pages (they would not fill whole PMDs); load kmem_pmem with allow_dram_memmap=1 to spend DRAM on them\n",
			size >> 20);
		return;
	}
	dev_err(kmp_device(kdev),
		"kernel cannot keep struct pages in pmem: boot with memory_hotplug.memmap_on_memory=1 (or load kmem_pmem with allow_dram_memmap=1 to spend DRAM on them)\n");
}

/**
 * kmp_add_section() - hot-add one section as System RAM on the device's node
 * @kdev: the device
 * @i: section index
 *
 * The section is onlined right away only if the kernel's auto-online policy
 * says so; otherwise it waits, offline, for userspace to online it.
 *
 * Context: process context, @kdev->lock held for writing.
 * Return: 0; KMP_ADDED_IN_DRAM if the memmap went to DRAM, which is not
 * allowed, and the section could not be removed again (it is RAM: the
 * caller must treat it as volatile); -EOPNOTSUPP if the memmap cannot be
 * kept in the section and DRAM for it is not allowed (nothing added);
 * -EIO if the section does not keep what is written to it (nothing added
 * or changed, see write_check.c); -ENOMEM; or the error of
 * add_memory_driver_managed() (nothing added).
 */
int kmp_add_section(struct kmp_dev *kdev, unsigned long i)
{
	u64 start = kmp_section_start(kdev, i);
	bool supported;
	int rc;

	lockdep_assert_held_write(&kdev->lock);

	/*
	 * 6.12 and later would put the memmap in DRAM instead of failing,
	 * and may online the memory before we could undo that: ask first.
	 */
	supported = kmp_memmap_on_memory_supported();
	if (!supported && !allow_dram_memmap) {
		refuse_dram_memmap(kdev);
		return -EOPNOTSUPP;
	}
	/* Struct pages in memory that drops writes: a storm of bad pages. */
	rc = kmp_check_writes_stick(kdev, i);
	if (rc)
		return rc;
	rc = add_one(kdev, i, supported ? MHP_MEMMAP_ON_MEMORY : MHP_NONE);
	/* 6.1 cannot be asked: it refuses the flag itself. */
	if (rc == -EINVAL && supported) {
		if (!allow_dram_memmap) {
			refuse_dram_memmap(kdev);
			return -EOPNOTSUPP;
		}
		rc = add_one(kdev, i, MHP_NONE);
	}
	if (rc) {
		dev_err(kmp_device(kdev), "section %lu: %#llx-%#llx hot-add failed: %d\n",
			i, start, start + kdev->layout.section_size - 1, rc);
		return rc;
	}

	/*
	 * A kernel that answered the question above keeps its word; 6.1 is
	 * checked where the struct pages landed (x86's page tables).
	 */
	if (supported && (KMP_KERNEL_TELLS_MEMMAP_ON_MEMORY ||
			  section_memmap_self_hosted(kdev, i))) {
		kdev->memmap = KMP_MEMMAP_PMEM;
		return 0;
	}
	if (allow_dram_memmap) {
		kdev->memmap = KMP_MEMMAP_DRAM;
		return 0;
	}
	/* The memmap went to DRAM though it was not allowed: undo. */
	rc = kmp_offline_and_remove(start, kdev->layout.section_size);
	if (rc) {
		dev_err(kmp_device(kdev), "section %lu: memmap landed in DRAM and the section cannot be removed again (%d): it stays volatile\n",
			i, rc);
		kdev->memmap = KMP_MEMMAP_DRAM;
		return KMP_ADDED_IN_DRAM;
	}
	refuse_dram_memmap(kdev);
	return -EOPNOTSUPP;
}

/**
 * kmp_remove_section() - take one volatile section out of the page allocator
 * @kdev: the device
 * @i: section index
 *
 * Offlines (migrating every page away) and removes the section in one call,
 * giving up after offline_timeout seconds; on failure the kernel re-onlines
 * it, so it stays volatile and usable.
 *
 * Context: process context, @kdev->lock held for writing.
 * Return: 0, or the error of kmp_offline_and_remove(): -EBUSY when pages
 * cannot be migrated (not within the deadline), -EINTR when the caller was
 * killed.
 */
int kmp_remove_section(struct kmp_dev *kdev, unsigned long i)
{
	u64 start = kmp_section_start(kdev, i);
	int rc;

	lockdep_assert_held_write(&kdev->lock);

	rc = kmp_offline_and_remove(start, kdev->layout.section_size);
	if (rc)
		dev_warn(kmp_device(kdev), "section %lu: %#llx-%#llx cannot be removed: %d%s\n",
			 i, start, start + kdev->layout.section_size - 1, rc,
			 rc == -EBUSY ? " (pages in use that cannot be migrated)" : "");
	return rc;
}

/**
 * kmp_check_no_memmap() - refuse a device whose memory has struct pages
 * @dev: the dax device, for messages
 * @layout: its sections
 *
 * No section of a device kmem_pmem has not added yet may have struct pages.
 * Some do when another driver's mapping of the device failed half-way: when
 * device_dax's probe cannot allocate its DRAM memmap (a namespace made with
 * map=mem far larger than DRAM), memremap_pages() fails but the kernel's
 * error path (pagemap_range(), __add_pages()) keeps the sections it had
 * already added, with their memmap, until reboot. Hot-adding any of them
 * would fail with -EEXIST; say why instead.
 *
 * Return: 0, or -EEXIST.
 */
int kmp_check_no_memmap(struct device *dev, const struct kmp_layout *layout)
{
	unsigned long pfn = PHYS_PFN(layout->start);
	unsigned long step = PHYS_PFN(layout->section_size);
	u64 i, n = 0, first = 0;

	for (i = 0; i < layout->nr_sections; i++, pfn += step) {
		if (!pfn_valid(pfn))
			continue;
		if (!n++)
			first = i;
	}
	if (!n)
		return 0;
	dev_err(dev, "%llu of %llu sections (the first: %llu, at %#llx) already have struct pages: a failed mapping of this device by another driver (device_dax's probe out of memory for its memmap) left them until reboot, and they cannot be hot-added; reboot, and bind the device to kmem_pmem before device_dax maps it ('pmemctl setup')\n",
		n, layout->nr_sections, first,
		layout->start + first * layout->section_size);
	return -EEXIST;
}
