// SPDX-License-Identifier: GPL-2.0
/*
 * Pages lost to hardware poison.
 *
 * A page of a volatile section that the kernel found poisoned
 * (memory_failure(): a machine check, or hwpoison-inject) is taken out of
 * use while the section is RAM, but the kernel forgets it when the section
 * is removed. Its bytes must not come back as persistent data: the poisoned
 * line may not even be readable, and what it held was RAM. So when such a
 * section goes offline we note its poisoned pages, and so does a
 * machine-check-safe read that fails; the char device then refuses those
 * pages with EIO.
 *
 * The list is the kernel's own struct badblocks (as drivers/nvdimm keeps),
 * in 512-byte sectors from the start of the device. It lasts while the
 * device's state does; a section made volatile again drops its entries,
 * since the kernel then watches its pages itself.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/blk_types.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/page-flags.h>

#include "kmem_pmem.h"

static void poison_set_sectors(struct kmp_dev *kdev, u64 offset, u64 len)
{
	/* Whole pages: neither the kernel nor the char device split them. */
	u64 start = round_down(offset, PAGE_SIZE);
	u64 end = round_up(offset + len, PAGE_SIZE);

	if (!kmp_badblocks_set(&kdev->poison, start >> SECTOR_SHIFT,
			       (end - start) >> SECTOR_SHIFT))
		pr_warn_ratelimited("%s: too many poisoned ranges to remember: [%#llx, %#llx) is not refused\n",
				    kdev->name, offset, offset + len);
}

/**
 * kmp_poison_note_offline() - remember a section's poisoned pages
 * @kdev: the device
 * @i: a section that just went offline; its struct pages still exist
 *
 * Context: from the memory notifier (MEM_OFFLINE); does not sleep.
 */
void kmp_poison_note_offline(struct kmp_dev *kdev, unsigned long i)
{
	unsigned long pfn = kdev->base_pfn + i * kdev->pages_per_section;
	unsigned long end = pfn + kdev->pages_per_section;
	u64 offset;

	for (; pfn < end; pfn++) {
		if (!PageHWPoison(pfn_to_page(pfn)))
			continue;
		offset = PFN_PHYS(pfn) - kdev->range_start;
		poison_set_sectors(kdev, offset, PAGE_SIZE);
		pr_warn("%s: section %lu: page at %#llx was hardware-poisoned while RAM; refused as persistent data\n",
			kdev->name, i, PFN_PHYS(pfn));
	}
}

/**
 * kmp_poison_set() - remember that bytes could not be read
 * @kdev: the device
 * @offset: from the start of the device
 * @len: bytes; the pages around them are remembered
 *
 * Context: any; does not sleep.
 */
void kmp_poison_set(struct kmp_dev *kdev, u64 offset, u64 len)
{
	poison_set_sectors(kdev, offset, len);
}

/**
 * kmp_poison_clear_section() - forget a section's poisoned pages
 * @kdev: the device
 * @i: a section about to become RAM
 */
void kmp_poison_clear_section(struct kmp_dev *kdev, unsigned long i)
{
	u64 offset = kmp_section_start(kdev, i) - kdev->range_start;

	badblocks_clear(&kdev->poison, offset >> SECTOR_SHIFT,
			kdev->layout.section_size >> SECTOR_SHIFT);
}

/**
 * kmp_poisoned() - do bytes of the device lie on a poisoned page?
 * @kdev: the device
 * @offset: from the start of the device
 * @len: bytes, > 0
 *
 * Return: true if any of them does.
 */
bool kmp_poisoned(struct kmp_dev *kdev, u64 offset, u64 len)
{
	return kmp_badblocks_any(&kdev->poison, offset >> SECTOR_SHIFT,
				 (round_up(offset + len, SECTOR_SIZE) >> SECTOR_SHIFT) -
				 (offset >> SECTOR_SHIFT));
}
