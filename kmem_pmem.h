/* SPDX-License-Identifier: GPL-2.0 */
/*
 * kmem_pmem: internal interfaces between the driver's files.
 */
#ifndef KMEM_PMEM_H
#define KMEM_PMEM_H

#include <linux/atomic.h>
#include <linux/badblocks.h>
#include <linux/kref.h>
#include <linux/list.h>
#include <linux/miscdevice.h>
#include <linux/mutex.h>
#include <linux/rwsem.h>
#include <linux/spinlock.h>
#include <linux/srcu.h>
#include <linux/types.h>

#include "compat.h"
#include "metadata_format.h"
#include "section_layout.h"

struct dev_dax;
struct device;
struct platform_device;
struct resource;

struct kmp_devdax_owner;

/**
 * enum kmp_state - what a section is used for
 * @KMP_PERSISTENT: not in the page allocator; bytes are kept
 * @KMP_MOVING: between uses: being hot-added, or taken out and not yet
 *	scrubbed and recorded persistent; reported as persistent, never served
 *	by the char device
 * @KMP_OFFLINE: volatile: hot-added, its memory block offline
 * @KMP_ONLINE: volatile: hot-added and online as System RAM
 */
enum kmp_state {
	KMP_PERSISTENT,
	KMP_MOVING,
	KMP_OFFLINE,
	KMP_ONLINE,
	KMP_NR_STATES,
};

/* State of the on-media table (the "metadata" file). */
enum kmp_meta_status {
	KMP_META_OK,
	KMP_META_NEW,
	KMP_META_CORRUPT,
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
 * @ref: the binding (or orphan) holds one, each open char device file one
 * @dev_dax: the bound device; NULL while unbound or orphaned (unbound with
 *	sections that could not be removed, see driver.c)
 * @bind_gen: counts unbinds (char device revokes), so files opened under an
 *	earlier binding are refused; under kmp_state_lock
 * @revoked: the char device serves nothing: set by unbind's revoke, cleared
 *	at bind; under kmp_state_lock
 * @access_srcu: every char device access of pmem bytes (read, write, page
 *	fault) runs inside it; whoever stops serving a section or the device
 *	marks that first, then waits for it (see chardev.c)
 * @name: the device's name, kept for messages and as the resource name
 * @res: the sections' span, claimed from iomem_resource; parent of the
 *	"System RAM (kmem_pmem)" resources of volatile sections
 * @range_start: physical start of the whole device
 * @range_size: bytes of the whole device
 * @layout: the sections' geometry
 * @nid: NUMA node the RAM appears on
 * @mgid: memory group of all sections
 * @base_pfn: first pfn of section 0
 * @pages_per_section: pages in one section
 * @lock: held for writing while one section moves (a bulk move takes it
 *	once per section, so readers wait for one section at most) and for
 *	table updates; protects @memmap, @recorded and the table below
 * @poison: pages found hardware-poisoned (while RAM, or by a
 *	machine-check-safe read), in 512-byte sectors from the device start;
 *	the char device refuses them with EIO
 * @memmap: where volatile sections' struct pages live
 * @meta_status: state of the on-media table
 * @place: where the table lives in the device
 * @meta: both copies of the table, mapped
 * @meta_buf: one copy, encoded in DRAM before it is written to both
 * @meta_hdr: header of the current state (both copies, once recorded)
 * @meta_current: the copy written last, 0 or 1, or -1 before the first write
 * @meta_carry: while a valid table of another geometry makes the table
 *	"corrupt": per section, what it implies (kmp_meta_carry_over()); else NULL
 * @recorded: per section what the table says, KMP_META_PERSISTENT or
 *	KMP_META_VOLATILE
 * @map_count: per section, the char device mappings covering it
 * @devdax: while bound with persistent_devdax=1, the self-hosted sections'
 *	device-dax instances (persistent_devdax.c); set and cleared under
 *	kmp_state_lock
 * @misc: the char device /dev/kmem_pmem/<name>
 * @files: open char device files, under @files_lock
 * @files_lock: protects @files and the files' mappings lists
 * @nr_in_state: sections per state, under kmp_state_lock
 * @state: one enum kmp_state per section; written under kmp_state_lock and
 *	by kmp_set_state() only, which keeps @nr_in_state in sync
 */
struct kmp_dev {
	struct list_head list;
	struct kref ref;
	struct dev_dax *dev_dax;
	unsigned int bind_gen;
	bool revoked;
	struct srcu_struct access_srcu;
	const char *name;
	struct resource *res;
	u64 range_start;
	u64 range_size;
	struct kmp_layout layout;
	int nid;
	int mgid;
	unsigned long base_pfn;
	unsigned long pages_per_section;
	struct rw_semaphore lock;
	struct badblocks poison;
	enum kmp_memmap memmap;
	bool kernel_zone_refused;	/* said why, once (kmp_state_lock) */
	enum kmp_meta_status meta_status;
	struct kmp_meta_place place;
	void *meta;
	u8 *meta_buf;
	struct kmp_meta meta_hdr;
	int meta_current;
	u8 *meta_carry;
	u8 *recorded;
	atomic_t *map_count;
	struct kmp_devdax_owner *devdax;
	struct miscdevice misc;
	bool misc_registered;
	struct list_head files;
	struct mutex files_lock;	/* sleeps for unmapping */
	unsigned long nr_in_state[KMP_NR_STATES];
	u8 state[];
};

/*
 * kmp_state_lock protects kmp_devices and every device's @state and
 * @nr_in_state. It is a spinlock because the memory notifier takes it from
 * inside memory hotplug, where a section move holding a device's @lock may
 * be waiting: the notifier must never wait for a move.
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
#define KMP_ADDED_IN_DRAM	1	/* added, memmap in DRAM, cannot be undone */
int kmp_add_section(struct kmp_dev *kdev, unsigned long i);
int kmp_remove_section(struct kmp_dev *kdev, unsigned long i);
u64 kmp_section_start(struct kmp_dev *kdev, unsigned long i);
int kmp_check_no_memmap(struct device *dev, const struct kmp_layout *layout);
bool kmp_memmap_inside(unsigned long pfn, u64 start, u64 end);
extern bool allow_dram_memmap;
extern const char *kmp_ram_name;

/* write_check.c: does memory keep what is written to it? */
int kmp_check_writes_stick(struct kmp_dev *kdev, unsigned long i);

/* bounded_removal.c: offline and remove memory within a deadline */
int kmp_offline_and_remove(u64 start, u64 size);
extern unsigned int offline_timeout;

/* poison.c: pages lost to hardware poison */
void kmp_poison_note_offline(struct kmp_dev *kdev, unsigned long i);
void kmp_poison_set(struct kmp_dev *kdev, u64 offset, u64 len);
void kmp_poison_clear_section(struct kmp_dev *kdev, unsigned long i);
bool kmp_poisoned(struct kmp_dev *kdev, u64 offset, u64 len);

/* metadata.c: the on-media table of section uses */
int kmp_meta_open(struct kmp_dev *kdev);
void kmp_meta_close(struct kmp_dev *kdev);
int kmp_meta_record(struct kmp_dev *kdev);
int kmp_meta_reinit(struct kmp_dev *kdev, bool keep);
const char *kmp_meta_status_str(struct kmp_dev *kdev);

/* pmem_access.c: reaching persistent sections' bytes */
void *kmp_pmem_map(struct kmp_dev *kdev, u64 offset, size_t len);
void kmp_pmem_unmap(void *addr);
void kmp_pmem_flush(void *addr, size_t len);
int kmp_scrub_section(struct kmp_dev *kdev, unsigned long i);

/* persistent_devdax.c: self-hosted persistent sections as device-dax */
extern bool persistent_devdax;
u64 kmp_memmap_bytes(struct kmp_dev *kdev);
u8 kmp_persistent_use(struct kmp_dev *kdev, unsigned long i);
int kmp_devdax_create(struct kmp_dev *kdev, unsigned long i);
void kmp_devdax_wait(struct kmp_dev *kdev);
int kmp_devdax_destroy(struct kmp_dev *kdev, unsigned long i);
int kmp_devdax_drop_ahead(struct kmp_dev *kdev, unsigned long i);
void kmp_devdax_restore(struct kmp_dev *kdev);
int kmp_devdax_attach(struct kmp_dev *kdev);
void kmp_devdax_stop(struct kmp_dev *kdev);
void kmp_devdax_detach(struct kmp_dev *kdev);
void kmp_devdax_core_deleting(struct device *dev);
int kmp_devdax_defer_probe(struct device *dev, struct device_driver *drv,
			   u64 start, u64 size);
u64 kmp_devdax_dram_bytes(struct kmp_dev *kdev);
void kmp_devdax_release_claim(struct resource *res);
bool kmp_devdax_is_instance(struct device *dev);
void kmp_devdax_instance_added(struct device *dev);

/* dax_region_tree.c: kmem_pmem's dax regions and 7.x's dax_regions */
int kmp_dax_region_park_bound(struct resource *res);
void kmp_dax_region_unpark_bound(struct resource *res);
int kmp_dax_region_park_section(struct resource *res);
int kmp_dax_region_trees_init(void);
void kmp_dax_region_trees_exit(void);

/* nvdimm_namespace.c: persistent sections as nvdimm namespaces of our bus */
struct nd_region;
bool kmp_nd_supported(void);
int kmp_nd_write_info(struct kmp_dev *kdev, unsigned long i);
struct nd_region *kmp_nd_region_create(u64 start, u64 size, int nid);
struct dev_dax *kmp_nd_region_instance(struct nd_region *region);
void kmp_nd_region_delete(struct nd_region *region);
bool kmp_nd_is_ours(struct device *dev);
void kmp_nd_bus_register(void);
void kmp_nd_bus_unregister(void);
int kmp_devdax_driver_register(void);
void kmp_devdax_driver_unregister(void);

/* chardev.c: /dev/kmem_pmem/daxX.Y */
int kmp_chardev_add(struct kmp_dev *kdev);
void kmp_chardev_remove(struct kmp_dev *kdev);
void kmp_chardev_revoke(struct kmp_dev *kdev);

/* claim_at_add.c: devices with a table go to kmem_pmem as they appear */
struct device_driver;
int kmp_claim_register(struct device_driver *drv);
void kmp_claim_unregister(void);

/* sysfs.c */
int kmp_sysfs_add(struct kmp_dev *kdev);
void kmp_sysfs_remove(struct kmp_dev *kdev);

/* driver.c */
struct device *kmp_device(struct kmp_dev *kdev);
void kmp_dev_put(struct kmp_dev *kdev);
bool kmp_initial_volatile(void);
u64 kmp_dram_bytes(struct kmp_dev *kdev);

#define KMP_STATE_BIT(s)	(1U << (s))
#define KMP_VOLATILE_STATES	(KMP_STATE_BIT(KMP_OFFLINE) | KMP_STATE_BIT(KMP_ONLINE))
#define KMP_PERSISTENT_STATES	(KMP_STATE_BIT(KMP_PERSISTENT) | KMP_STATE_BIT(KMP_MOVING))

#endif /* KMEM_PMEM_H */
