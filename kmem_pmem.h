/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmem_pmem: internal interfaces between the driver's files.
 */
#ifndef KMEM_PMEM_H
#define KMEM_PMEM_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/spinlock.h>
#include <linux/types.h>

#include "section_layout.h"

struct dev_dax;
struct device;
struct resource;

/**
 * enum kmp_state - what a section is used for
 * @KMP_PERSISTENT: not in the page allocator; bytes are kept
 * @KMP_ADDING: being hot-added; reported as persistent until the add returns
 * @KMP_OFFLINE: volatile: hot-added, its memory block offline
 * @KMP_ONLINE: volatile: hot-added and online as System RAM
 */
enum kmp_state {
	KMP_PERSISTENT,
	KMP_ADDING,
	KMP_OFFLINE,
	KMP_ONLINE,
	KMP_NR_STATES,
};

/* Where the struct pages of volatile sections live (the "memmap" file). */
enum kmp_memmap {
	KMP_MEMMAP_PMEM,
	KMP_MEMMAP_DRAM,
	KMP_MEMMAP_UNSUPPORTED,
};

/**
 * struct kmp_dev - one device-dax instance driven by kmem_pmem
 * @list: entry on kmp_devices
 * @dev_dax: the bound device; NULL while orphaned (unbound with sections
 *	that could not be removed, see driver.c)
 * @name: the device's name, kept for messages and as the resource name
 * @res: the sections' span, claimed from iomem_resource; parent of the
 *	"System RAM (kmem_pmem)" resources of volatile sections
 * @layout: the sections' geometry
 * @nid: NUMA node the RAM appears on
 * @mgid: memory group of all sections
 * @base_pfn: first pfn of section 0
 * @pages_per_section: pages in one section
 * @memmap: where volatile sections' struct pages live, under @move_lock
 * @move_lock: serialises section moves (sysfs writes, bind, unbind)
 * @nr_in_state: sections per state, under kmp_state_lock
 * @state: one enum kmp_state per section; written under kmp_state_lock and
 *	by kmp_set_state() only, which keeps @nr_in_state in sync
 */
struct kmp_dev {
	struct list_head list;
	struct dev_dax *dev_dax;
	const char *name;
	struct resource *res;
	struct kmp_layout layout;
	int nid;
	int mgid;
	unsigned long base_pfn;
	unsigned long pages_per_section;
	enum kmp_memmap memmap;
	struct mutex move_lock;
	unsigned long nr_in_state[KMP_NR_STATES];
	u8 state[];
};

/*
 * kmp_state_lock protects kmp_devices and every device's @state and
 * @nr_in_state. It is a spinlock because the memory notifier takes it from
 * inside memory hotplug, where a section move holding @move_lock may be
 * waiting: the notifier must never wait for a move.
 */
extern spinlock_t kmp_state_lock;
extern struct list_head kmp_devices;

/* sections.c: the section state machine */
void kmp_set_state(struct kmp_dev *kdev, unsigned long i, enum kmp_state state);
enum kmp_state kmp_get_state(struct kmp_dev *kdev, unsigned long i);
void kmp_states_to_bitmap(struct kmp_dev *kdev, unsigned long *map,
			  unsigned int states);
int kmp_make_volatile(struct kmp_dev *kdev, const unsigned long *map);
int kmp_make_persistent(struct kmp_dev *kdev, const unsigned long *map);
unsigned long kmp_remove_all(struct kmp_dev *kdev);
int kmp_notifier_register(void);
void kmp_notifier_unregister(void);

/* memmap_in_pmem.c: one section in and out of the page allocator */
int kmp_add_section(struct kmp_dev *kdev, unsigned long i);
int kmp_remove_section(struct kmp_dev *kdev, unsigned long i);
u64 kmp_section_start(struct kmp_dev *kdev, unsigned long i);
extern bool allow_dram_memmap;
extern const char *kmp_ram_name;

/* sysfs.c */
int kmp_sysfs_add(struct kmp_dev *kdev);
void kmp_sysfs_remove(struct kmp_dev *kdev);

/* driver.c */
struct device *kmp_device(struct kmp_dev *kdev);

#define KMP_STATE_BIT(s)	(1U << (s))
#define KMP_VOLATILE_STATES	(KMP_STATE_BIT(KMP_OFFLINE) | KMP_STATE_BIT(KMP_ONLINE))
#define KMP_PERSISTENT_STATES	(KMP_STATE_BIT(KMP_PERSISTENT) | KMP_STATE_BIT(KMP_ADDING))

#endif /* KMEM_PMEM_H */
