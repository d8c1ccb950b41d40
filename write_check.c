// SPDX-License-Identifier: GPL-2.0
/*
 * Does a section keep what is written to it? Asked before every hot-add.
 *
 * Memory can look healthy to every layer above it and still drop writes:
 * a CXL window routed through an HDM decoder that was never committed
 * reads back zero and ignores stores, with no error anywhere (QEMU 7.2
 * with one root port on the host bridge under Linux 6.1, which treats
 * such a bridge as pass-through and never programs its decoder). A
 * section hot-added there keeps its struct pages in that memory, and the
 * first pages the allocator hands out fail its checks: a storm of
 * "BUG: Bad page state" and a hung machine. So before a section becomes
 * RAM a pattern is written to a sample of its lines, pushed out of the
 * CPU caches, read back with machine-check-safe copies, and the lines'
 * old bytes are put back.
 *
 * Only the memmap area is sampled: the section's first bytes, which the
 * hot-add is about to fill with struct pages. And it is restored, so a
 * section that is refused, or whose hot-add then fails, still holds every
 * byte of its persistent data. The sample is one line per page of the
 * area (at most KMP_CHECK_LINES), at an offset that walks through the
 * page line by line, so that every target of an interleaved region is
 * hit up to a granularity of a page.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/libnvdimm.h>
#include <linux/mm.h>
#include <linux/random.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "kmem_pmem.h"

#define KMP_CHECK_LINE		64
#define KMP_CHECK_LINES		512
#define KMP_CHECK_WORDS		(KMP_CHECK_LINE / sizeof(u64))

/* What the check found wrong, for the one message. */
struct write_check {
	unsigned int bad;		/* lines that read back wrong */
	u64 first;			/* physical address of the first */
	u64 wrote, read;		/* its first differing word */
	bool media_error;		/* a read hit poison */
};

/* Bytes of struct pages a section of @size carries at its start. */
static size_t memmap_area(u64 size)
{
	return PAGE_ALIGN(PHYS_PFN(size) * sizeof(struct page));
}

static u64 pattern_word(u64 cookie, u64 phys)
{
	/* Different at every address: catches aliasing as well as loss. */
	return cookie ^ phys ^ (phys << 29);
}

static void write_line(u64 *line, u64 phys, u64 cookie)
{
	unsigned int w;

	for (w = 0; w < KMP_CHECK_WORDS; w++)
		line[w] = pattern_word(cookie, phys + w * sizeof(u64));
}

static void compare_line(struct write_check *wc, const u64 *got, u64 phys,
			 u64 cookie)
{
	unsigned int w;

	for (w = 0; w < KMP_CHECK_WORDS; w++) {
		u64 want = pattern_word(cookie, phys + w * sizeof(u64));

		if (got[w] == want)
			continue;
		if (!wc->bad++) {
			wc->first = phys + w * sizeof(u64);
			wc->wrote = want;
			wc->read = got[w];
		}
		return;
	}
}

/* Line @k of the sample: in page @k of the stride, at line @k of a page. */
static size_t line_off(unsigned int k, size_t stride)
{
	return k * stride + (k % (PAGE_SIZE / KMP_CHECK_LINE)) * KMP_CHECK_LINE;
}

/*
 * Pattern, write-back and eviction, read-back of @nr lines @stride apart
 * in @addr (physical @phys); @saved holds their old bytes and gets them
 * back. Return: false if a line could not be read (poison).
 */
static bool check_lines(struct write_check *wc, u8 *addr, u64 phys,
			size_t stride, unsigned int nr, u8 *saved)
{
	unsigned int k;
	u64 cookie = get_random_u64(), got[KMP_CHECK_WORDS];
	size_t off;

	for (k = 0; k < nr; k++) {
		off = line_off(k, stride);
		if (copy_mc_to_kernel(saved + k * KMP_CHECK_LINE, addr + off,
				      KMP_CHECK_LINE))
			return false;	/* nothing written yet */
	}
	for (k = 0; k < nr; k++) {
		off = line_off(k, stride);
		write_line((u64 *)(addr + off), phys + off, cookie);
		/* Written back and evicted: the read below asks the media. */
		arch_invalidate_pmem(addr + off, KMP_CHECK_LINE);
	}
	for (k = 0; k < nr; k++) {
		off = line_off(k, stride);
		if (copy_mc_to_kernel(got, addr + off, KMP_CHECK_LINE))
			wc->media_error = true;
		else
			compare_line(wc, got, phys + off, cookie);
		memcpy(addr + off, saved + k * KMP_CHECK_LINE, KMP_CHECK_LINE);
		arch_wb_cache_pmem(addr + off, KMP_CHECK_LINE);
	}
	pmem_wmb();
	return !wc->media_error;
}

/**
 * kmp_check_writes_stick() - does a section keep what is written to it?
 * @kdev: the device
 * @i: a section about to be hot-added, out of the page allocator and not
 *	served by the char device
 *
 * Writes a pattern to a sample of the lines of the section's memmap area,
 * reads it back from the media and restores the lines. Says why in one
 * kernel log line when the answer is no.
 *
 * Context: process context, @kdev->lock held for writing. Sleeps.
 * Return: 0; -EIO if the memory loses writes or cannot be read (nothing
 * of it changed); -ENOMEM.
 */
int kmp_check_writes_stick(struct kmp_dev *kdev, unsigned long i)
{
	u64 start = kmp_section_start(kdev, i);
	size_t area = memmap_area(kdev->layout.section_size);
	unsigned int nr = min_t(size_t, area >> PAGE_SHIFT, KMP_CHECK_LINES);
	size_t stride = rounddown(area / nr, PAGE_SIZE);
	struct write_check wc = {};
	u8 *addr, *saved;
	int rc = 0;

	lockdep_assert_held_write(&kdev->lock);

	saved = kvmalloc_array(nr, KMP_CHECK_LINE, GFP_KERNEL);
	if (!saved)
		return -ENOMEM;
	addr = kmp_pmem_map(kdev, start - kdev->range_start, area);
	if (!addr) {
		kvfree(saved);
		return -ENOMEM;
	}
	if (!check_lines(&wc, addr, start, stride, nr, saved)) {
		dev_err(kmp_device(kdev), "section %lu: %#llx-%#llx: media error in its memmap area: not adding it as RAM\n",
			i, start, start + kdev->layout.section_size - 1);
		rc = -EIO;
	} else if (wc.bad) {
		dev_err(kmp_device(kdev), "section %lu: %#llx-%#llx: writes do not stick (%u of %u sampled lines read back wrong, first at %#llx: wrote %#llx, read %#llx): not adding it as RAM; check the CXL HDM decoders and topology\n",
			i, start, start + kdev->layout.section_size - 1, wc.bad,
			nr, wc.first, wc.wrote, wc.read);
		rc = -EIO;
	}
	kmp_pmem_unmap(addr);
	kvfree(saved);
	return rc;
}
