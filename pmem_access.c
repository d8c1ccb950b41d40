// SPDX-License-Identifier: GPL-2.0
/*
 * Reaching the bytes of the device outside the page allocator: the table's
 * area and persistent sections. They have no struct pages and no direct
 * map; they are mapped write-back on demand (memremap()) and written back
 * to the media with cache-line flushes, so that what we write is durable on
 * real pmem before we rely on it.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/io.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "kmem_pmem.h"

/**
 * kmp_pmem_map() - map bytes of the device
 * @kdev: the device
 * @offset: from the start of the device
 * @len: bytes
 *
 * The range must not be in the page allocator.
 *
 * Return: the mapping, or NULL.
 */
void *kmp_pmem_map(struct kmp_dev *kdev, u64 offset, size_t len)
{
	return memremap(kdev->range_start + offset, len, MEMREMAP_WB);
}

/**
 * kmp_pmem_unmap() - undo kmp_pmem_map()
 * @addr: the mapping
 */
void kmp_pmem_unmap(void *addr)
{
	memunmap(addr);
}

/**
 * kmp_pmem_flush() - make writes to mapped pmem durable
 * @addr: start of the written bytes
 * @len: how many
 *
 * Writes the cache lines back and orders them before later stores.
 */
void kmp_pmem_flush(void *addr, size_t len)
{
	arch_wb_cache_pmem(addr, len);
	/* The write-backs must complete before anything that relies on them. */
	pmem_wmb();
}

/*
 * Zero one page of a mapped section unless it reads as zero already, and
 * write its lines back either way: a page that reads zero through the
 * cache (cleared while it was RAM, its lines still dirty in the CPU cache
 * or only just written back) may still hold older RAM contents on the
 * media. The read is machine-check safe: a poisoned page is not written
 * (a store cannot clear media poison) but remembered, and then refused by
 * the char device.
 */
static void scrub_page(struct kmp_dev *kdev, u8 *addr, u64 offset, void *bounce)
{
	if (copy_mc_to_kernel(bounce, addr, PAGE_SIZE)) {
		kmp_poison_set(kdev, offset, PAGE_SIZE);
		dev_warn(kmp_device(kdev), "media error at device offset %#llx: page refused as persistent data\n",
			 offset);
	} else if (memchr_inv(bounce, 0, PAGE_SIZE)) {
		memset(addr, 0, PAGE_SIZE);
	}
	arch_wb_cache_pmem(addr, PAGE_SIZE);
}

/**
 * kmp_scrub_section() - zero a section that was RAM before it turns persistent
 * @kdev: the device
 * @i: the section, already out of the page allocator
 *
 * Whatever the section held as RAM (including its own struct pages) must
 * never be readable as persistent data, not even after a power loss: every
 * line is written back to the media before this returns. Pages already
 * zero are only read, not written: that spares pmem write wear and keeps
 * sparse backing files sparse.
 *
 * Context: @kdev->lock held for writing. Sleeps.
 * Return: 0 or -ENOMEM.
 */
int kmp_scrub_section(struct kmp_dev *kdev, unsigned long i)
{
	u64 offset = kmp_section_start(kdev, i) - kdev->range_start;
	size_t size = kdev->layout.section_size, done;
	void *bounce;
	u8 *addr;

	lockdep_assert_held_write(&kdev->lock);

	bounce = kmalloc(PAGE_SIZE, GFP_KERNEL);
	if (!bounce)
		return -ENOMEM;
	addr = kmp_pmem_map(kdev, offset, size);
	if (!addr) {
		kfree(bounce);
		return -ENOMEM;
	}
	for (done = 0; done < size; done += PAGE_SIZE) {
		scrub_page(kdev, addr + done, offset + done, bounce);
		if (!(done & (SZ_2M - 1)))
			cond_resched();
	}
	/* Every line on the media before the section is recorded persistent. */
	pmem_wmb();
	kmp_pmem_unmap(addr);
	kfree(bounce);
	return 0;
}
