/* SPDX-License-Identifier: GPL-2.0 */
/*
 * What differs between the kernels kmem_pmem is built for (Debian's 6.1,
 * 6.12 and 7.3), in one place. Version checks where a release changed an
 * interface for good; Kbuild probes (Kbuild: KMP_HAVE_*) where the change
 * is easier to see in the headers than to date.
 */
#ifndef KMP_COMPAT_H
#define KMP_COMPAT_H

#include <linux/badblocks.h>
#include <linux/memory-tiers.h>
#include <linux/memory_hotplug.h>
#include <linux/mm.h>
#include <linux/sysfs.h>
#include <linux/timer.h>

/* 6.3 made vma->vm_flags read-only, written through helpers (Kbuild probe). */
#ifndef KMP_HAVE_VM_FLAGS_SET
static inline void vm_flags_set(struct vm_area_struct *vma, vm_flags_t flags)
{
	vma->vm_flags |= flags;
}
#endif

/* destroy_memory_type() became put_memory_type() (a reference count). */
#ifndef KMP_HAVE_PUT_MEMORY_TYPE
#define put_memory_type(memtype) destroy_memory_type(memtype)
#endif

/* from_timer() became timer_container_of() (6.16). */
#ifndef timer_container_of
#define timer_container_of(var, timer, field) from_timer(var, timer, field)
#endif
#ifndef KMP_HAVE_TIMER_DESTROY_ON_STACK
#define timer_destroy_on_stack(timer) destroy_timer_on_stack(timer)
#endif

/*
 * Binary sysfs attributes became const (callbacks and the group's list):
 * kmp_bin_const is "const" where the kernel wants it.
 */
#ifdef KMP_HAVE_CONST_BIN_ATTRS
#define kmp_bin_const const
#else
#define kmp_bin_const
#endif

/*
 * Bad block lengths became sector_t (and badblocks_set() a bool: "done")
 * when the badblocks code was rewritten (after 6.12).
 */
#ifdef KMP_HAVE_SECTOR_T_BADBLOCKS
static inline bool kmp_badblocks_set(struct badblocks *bb, sector_t s,
				     sector_t n)
{
	return badblocks_set(bb, s, n, 1);
}

static inline bool kmp_badblocks_any(struct badblocks *bb, sector_t s,
				     sector_t n)
{
	sector_t first_bad, nr_bad;

	return badblocks_check(bb, s, n, &first_bad, &nr_bad) != 0;
}
#else
static inline bool kmp_badblocks_set(struct badblocks *bb, sector_t s,
				     sector_t n)
{
	return badblocks_set(bb, s, n, 1) == 0;
}

static inline bool kmp_badblocks_any(struct badblocks *bb, sector_t s,
				     sector_t n)
{
	sector_t first_bad;
	int nr_bad;

	return badblocks_check(bb, s, n, &first_bad, &nr_bad) != 0;
}
#endif

/*
 * From 6.12 on, memmap_on_memory that the kernel cannot honour is no
 * longer an error of add_memory_driver_managed(): it silently puts the
 * memmap in DRAM. Ask first (Kbuild probe). 6.1 does not export the check, but refuses
 * the add itself.
 */
#ifdef KMP_HAVE_MHP_SUPPORTS_MEMMAP_ON_MEMORY
#define KMP_KERNEL_TELLS_MEMMAP_ON_MEMORY true
static inline bool kmp_memmap_on_memory_supported(void)
{
	return mhp_supports_memmap_on_memory();
}
#else
#define KMP_KERNEL_TELLS_MEMMAP_ON_MEMORY false
static inline bool kmp_memmap_on_memory_supported(void)
{
	return true;
}
#endif

#endif /* KMP_COMPAT_H */
