// SPDX-License-Identifier: GPL-2.0
/*
 * The section state machine.
 *
 * Each section of a device is persistent (out of the page allocator) or
 * volatile (hot-added as System RAM with its memmap inside it, see
 * memmap_in_pmem.c). Volatile sections are offline or online; anybody may
 * online or offline their memory blocks (the kernel's auto-online policy,
 * daxctl, pmemctl, an admin writing memoryN/state), so a memory notifier
 * follows those changes and the sysfs files always tell the truth.
 *
 * Bulk moves follow the hole-first order of section_order.c, which keeps
 * them linear in the number of sections.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/memory.h>
#include <linux/mm.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>

#include "kmem_pmem.h"
#include "metadata_format.h"
#include "section_order.h"

DEFINE_SPINLOCK(kmp_state_lock);
LIST_HEAD(kmp_devices);

/**
 * kmp_set_state() - the one setter of a section's state
 * @kdev: the device
 * @i: section index
 * @state: new state
 *
 * Context: kmp_state_lock held.
 */
void kmp_set_state(struct kmp_dev *kdev, unsigned long i, enum kmp_state state)
{
	lockdep_assert_held(&kmp_state_lock);
	kdev->nr_in_state[kdev->state[i]]--;
	kdev->nr_in_state[state]++;
	WRITE_ONCE(kdev->state[i], state);
}

static void set_state(struct kmp_dev *kdev, unsigned long i, enum kmp_state state)
{
	spin_lock(&kmp_state_lock);
	kmp_set_state(kdev, i, state);
	spin_unlock(&kmp_state_lock);
}

/**
 * kmp_get_state() - a section's current state
 * @kdev: the device
 * @i: section index
 *
 * Return: the state; stable only while @kdev->lock is held, and even
 * then KMP_OFFLINE and KMP_ONLINE may change under the caller's feet.
 */
enum kmp_state kmp_get_state(struct kmp_dev *kdev, unsigned long i)
{
	return READ_ONCE(kdev->state[i]);
}

/**
 * kmp_states_to_bitmap() - the sections in a set of states
 * @kdev: the device
 * @map: bitmap of layout.nr_sections bits, overwritten
 * @states: KMP_STATE_BIT()s of the states wanted
 *
 * Context: takes kmp_state_lock, so the result is one consistent snapshot.
 */
void kmp_states_to_bitmap(struct kmp_dev *kdev, unsigned long *map,
			  unsigned int states)
{
	unsigned long i;

	bitmap_zero(map, kdev->layout.nr_sections);
	spin_lock(&kmp_state_lock);
	for (i = 0; i < kdev->layout.nr_sections; i++)
		if (states & KMP_STATE_BIT(kdev->state[i]))
			__set_bit(i, map);
	spin_unlock(&kmp_state_lock);
}

/* Lowest online section of the device, or KMP_NO_SECTION. */
static u32 lowest_online(struct kmp_dev *kdev)
{
	unsigned long i;

	for (i = 0; i < kdev->layout.nr_sections; i++)
		if (kmp_get_state(kdev, i) == KMP_ONLINE)
			return i;
	return KMP_NO_SECTION;
}

/* Predicates choosing the sections a bulk move has to do something to. */
static bool in_page_allocator(struct kmp_dev *kdev, unsigned long i)
{
	return KMP_VOLATILE_STATES & KMP_STATE_BIT(kmp_get_state(kdev, i));
}

static bool out_of_page_allocator(struct kmp_dev *kdev, unsigned long i)
{
	return kmp_get_state(kdev, i) == KMP_PERSISTENT;
}

/* Also a section recorded volatile that never came back as RAM: zero it. */
static bool not_yet_persistent(struct kmp_dev *kdev, unsigned long i)
{
	return in_page_allocator(kdev, i) ||
	       kdev->recorded[i] != KMP_META_PERSISTENT;
}

/*
 * The sections of @map for which @wanted holds, ascending, in a new array
 * (kvfree() it). Return: the array, NULL with *@n = 0 when there is nothing
 * to do, or an ERR_PTR.
 */
static u32 *sections_to_move(struct kmp_dev *kdev, const unsigned long *map,
			     bool (*wanted)(struct kmp_dev *kdev, unsigned long i),
			     u32 *n)
{
	unsigned long i;
	u32 *ids;

	*n = 0;
	for_each_set_bit(i, map, kdev->layout.nr_sections)
		if (wanted(kdev, i))
			(*n)++;
	if (!*n)
		return NULL;

	ids = kvmalloc_array(*n, sizeof(*ids), GFP_KERNEL);
	if (!ids)
		return ERR_PTR(-ENOMEM);
	*n = 0;
	for_each_set_bit(i, map, kdev->layout.nr_sections)
		if (wanted(kdev, i))
			ids[(*n)++] = i;
	return ids;
}

/*
 * persistent -> volatile for one section: record "volatile" on the media
 * first, then hot-add. A crash in between brings the section back as RAM,
 * which is what the user asked for; never the other way round.
 */
static int make_section_volatile(struct kmp_dev *kdev, unsigned long i)
{
	bool was_recorded = kdev->recorded[i] == KMP_META_VOLATILE;
	int rc;

	if (atomic_read(&kdev->map_count[i]))
		return -EBUSY;
	if (!was_recorded) {
		kdev->recorded[i] = KMP_META_VOLATILE;
		rc = kmp_meta_record(kdev);
		if (rc) {
			kdev->recorded[i] = KMP_META_PERSISTENT;
			return rc;
		}
	}

	/* The notifier moves KMP_ADDING to KMP_ONLINE if the kernel onlines it. */
	set_state(kdev, i, KMP_ADDING);
	rc = kmp_add_section(kdev, i);

	spin_lock(&kmp_state_lock);
	if (rc)
		kmp_set_state(kdev, i, KMP_PERSISTENT);
	else if (kdev->state[i] == KMP_ADDING)
		kmp_set_state(kdev, i, KMP_OFFLINE);
	spin_unlock(&kmp_state_lock);

	/*
	 * Nothing was added. A section we just recorded volatile holds its
	 * persistent bytes still: record it back. One that was recorded
	 * volatile before (a bind bringing it back) may hold old RAM
	 * contents: it stays recorded volatile, so the char device keeps
	 * refusing it until it is made persistent, which zeroes it.
	 */
	if (rc && !was_recorded) {
		kdev->recorded[i] = KMP_META_PERSISTENT;
		kmp_meta_record(kdev);
	}
	return rc;
}

/* Out of the page allocator, still recorded volatile: for unbind. */
static int take_section_out(struct kmp_dev *kdev, unsigned long i)
{
	int rc = kmp_remove_section(kdev, i);

	if (!rc)
		set_state(kdev, i, KMP_PERSISTENT);
	return rc;
}

/*
 * volatile -> persistent for one section: remove it, zero all of it, and
 * only then record "persistent" (until then the char device refuses it). A
 * crash before the record brings the section back as RAM.
 */
static int make_section_persistent(struct kmp_dev *kdev, unsigned long i)
{
	int rc;

	if (in_page_allocator(kdev, i)) {
		rc = take_section_out(kdev, i);
		if (rc)
			return rc;
	}
	rc = kmp_scrub_section(kdev, i);
	if (rc) {
		dev_warn(kmp_device(kdev), "section %lu cannot be scrubbed (%d): making it RAM again\n",
			 i, rc);
		make_section_volatile(kdev, i);
		return rc;
	}
	kdev->recorded[i] = KMP_META_PERSISTENT;
	return kmp_meta_record(kdev);
}

/*
 * Run @move over @ids in order; stop at the first failure, or when the
 * caller is being killed: a bulk move of thousands of sections takes long.
 */
static int move_sections(struct kmp_dev *kdev, const u32 *ids, u32 n,
			 int (*move)(struct kmp_dev *kdev, unsigned long i))
{
	u32 k;
	int rc;

	for (k = 0; k < n; k++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		rc = move(kdev, ids[k]);
		if (rc)
			return rc;
		cond_resched();
	}
	return 0;
}

/*
 * A bulk move: the sections of @map for which @wanted holds, in the order
 * @order gives them, each moved by @move until one fails.
 */
static int bulk_move(struct kmp_dev *kdev, const unsigned long *map,
		     bool (*wanted)(struct kmp_dev *kdev, unsigned long i),
		     void (*order)(u32 *ids, u32 n, u32 lowest_online),
		     int (*move)(struct kmp_dev *kdev, unsigned long i))
{
	u32 n, *ids;
	int rc;

	lockdep_assert_held_write(&kdev->lock);
	if (kdev->meta_status == KMP_META_CORRUPT)
		return -EUCLEAN;

	ids = sections_to_move(kdev, map, wanted, &n);
	if (IS_ERR_OR_NULL(ids))
		return PTR_ERR_OR_ZERO(ids);
	order(ids, n, lowest_online(kdev));
	rc = move_sections(kdev, ids, n, move);
	kvfree(ids);
	return rc;
}

/**
 * kmp_make_volatile() - make sections volatile: hot-add them as RAM
 * @kdev: the device
 * @map: the sections (bitmap of layout.nr_sections bits)
 *
 * Sections already volatile are left alone. Stops at the first section that
 * fails; the ones moved before stay volatile.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0 or the first error.
 */
int kmp_make_volatile(struct kmp_dev *kdev, const unsigned long *map)
{
	return bulk_move(kdev, map, out_of_page_allocator, kmp_order_online,
			 make_section_volatile);
}

/**
 * kmp_make_persistent() - make sections persistent: offline and remove them
 * @kdev: the device
 * @map: the sections (bitmap of layout.nr_sections bits)
 *
 * Sections already persistent are left alone. Stops at the first section
 * that fails (-EBUSY: its pages could not be migrated); that one and the
 * ones not yet reached stay volatile and usable.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0 or the first error.
 */
int kmp_make_persistent(struct kmp_dev *kdev, const unsigned long *map)
{
	return bulk_move(kdev, map, not_yet_persistent, kmp_order_offline,
			 make_section_persistent);
}

/*
 * Follow onlining and offlining of our sections, whoever does it. Called
 * with the memory hotplug lock held, possibly from inside one of our own
 * moves: take nothing but kmp_state_lock.
 */
static int kmp_memory_notify(struct notifier_block *nb, unsigned long action,
			     void *arg)
{
	struct memory_notify *mn = arg;
	struct kmp_dev *kdev;
	unsigned long i;

	if (action != MEM_ONLINE && action != MEM_OFFLINE)
		return NOTIFY_OK;

	spin_lock(&kmp_state_lock);
	list_for_each_entry(kdev, &kmp_devices, list) {
		if (mn->start_pfn < kdev->base_pfn)
			continue;
		i = (mn->start_pfn - kdev->base_pfn) / kdev->pages_per_section;
		if (i >= kdev->layout.nr_sections)
			continue;
		if (action == MEM_ONLINE && kdev->state[i] != KMP_PERSISTENT)
			kmp_set_state(kdev, i, KMP_ONLINE);
		else if (action == MEM_OFFLINE && kdev->state[i] == KMP_ONLINE)
			kmp_set_state(kdev, i, KMP_OFFLINE);
		break;
	}
	spin_unlock(&kmp_state_lock);
	return NOTIFY_OK;
}

static struct notifier_block kmp_memory_nb = {
	.notifier_call = kmp_memory_notify,
};

/**
 * kmp_notifier_register() - start following memory blocks going on/offline
 *
 * Return: 0 or a negative errno.
 */
int kmp_notifier_register(void)
{
	return register_memory_notifier(&kmp_memory_nb);
}

/**
 * kmp_notifier_unregister() - stop following memory blocks
 */
void kmp_notifier_unregister(void)
{
	unregister_memory_notifier(&kmp_memory_nb);
}

/**
 * kmp_remove_all() - take every volatile section out of the page allocator
 * @kdev: the device
 *
 * For unbind: the sections stay recorded volatile on the media (and come
 * back as RAM at the next bind), so they are not scrubbed. Unlike
 * kmp_make_persistent() this goes on past sections that cannot be removed:
 * every section we can give back must be given back.
 *
 * Context: @kdev->lock held for writing.
 * Return: the number of sections still volatile.
 */
unsigned long kmp_remove_all(struct kmp_dev *kdev)
{
	unsigned long *map;
	u32 n, k, *ids;

	lockdep_assert_held_write(&kdev->lock);

	map = bitmap_alloc(kdev->layout.nr_sections, GFP_KERNEL);
	if (!map)
		goto out;
	bitmap_fill(map, kdev->layout.nr_sections);
	ids = sections_to_move(kdev, map, in_page_allocator, &n);
	bitmap_free(map);
	if (IS_ERR_OR_NULL(ids))
		goto out;
	kmp_order_offline(ids, n, lowest_online(kdev));
	for (k = 0; k < n; k++) {
		take_section_out(kdev, ids[k]);
		cond_resched();
	}
	kvfree(ids);
out:
	return kdev->layout.nr_sections - READ_ONCE(kdev->nr_in_state[KMP_PERSISTENT]);
}
