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
#include <linux/srcu.h>

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
	       !kmp_meta_is_persistent(kdev->recorded[i]);
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
 * Claim a served section for a move: from now on the char device refuses
 * it, and accesses that began before have finished when this returns.
 * A mapped section cannot be claimed.
 */
static int claim_section(struct kmp_dev *kdev, unsigned long i)
{
	int rc = 0;

	spin_lock(&kmp_state_lock);
	if (atomic_read(&kdev->map_count[i]))
		rc = -EBUSY;
	else
		kmp_set_state(kdev, i, KMP_MOVING);
	spin_unlock(&kmp_state_lock);
	/* One recorded volatile was never served since it was recorded so. */
	if (!rc && READ_ONCE(kdev->recorded[i]) == KMP_META_PERSISTENT)
		synchronize_srcu(&kdev->access_srcu);
	return rc;
}

/* Record @use for section @i; on failure the old record stays. */
static int record_section(struct kmp_dev *kdev, unsigned long i, u8 use)
{
	u8 old = kdev->recorded[i];
	int rc;

	WRITE_ONCE(kdev->recorded[i], use);
	rc = kmp_meta_record(kdev);
	if (rc)
		WRITE_ONCE(kdev->recorded[i], old);
	return rc;
}

/* A move of a self-hosted section did not happen: serve it again. */
static void serve_again(struct kmp_dev *kdev, unsigned long i, u8 use)
{
	if (kmp_meta_is_served(use))
		kmp_devdax_create(kdev, i);
}

/*
 * persistent -> volatile for one section: record "volatile" on the media
 * first, then hot-add. A crash in between brings the section back as RAM,
 * which is what the user asked for; never the other way round. A
 * self-hosted section's device-dax instance goes first, unless mapped.
 */
static int make_section_volatile(struct kmp_dev *kdev, unsigned long i)
{
	u8 old = kdev->recorded[i];
	bool was_recorded = old == KMP_META_VOLATILE;
	int rc;

	rc = kmp_devdax_destroy(kdev, i);
	if (rc)
		return rc;
	rc = claim_section(kdev, i);
	if (rc) {
		serve_again(kdev, i, old);
		return rc;
	}
	if (!was_recorded) {
		rc = record_section(kdev, i, KMP_META_VOLATILE);
		if (rc) {
			set_state(kdev, i, KMP_PERSISTENT);
			serve_again(kdev, i, old);
			return rc;
		}
	}

	/* The notifier moves KMP_MOVING to KMP_ONLINE if the kernel onlines it. */
	kmp_poison_clear_section(kdev, i);
	rc = kmp_add_section(kdev, i);

	spin_lock(&kmp_state_lock);
	if (rc < 0)
		kmp_set_state(kdev, i, KMP_PERSISTENT);
	else if (kdev->state[i] == KMP_MOVING)
		kmp_set_state(kdev, i, KMP_OFFLINE);
	spin_unlock(&kmp_state_lock);

	/* RAM with its memmap in DRAM that could not be undone: volatile. */
	if (rc == KMP_ADDED_IN_DRAM)
		return -EOPNOTSUPP;
	/*
	 * Nothing was added. A section we just recorded volatile holds its
	 * persistent bytes still: record it back. One that was recorded
	 * volatile before (a bind bringing it back) may hold old RAM
	 * contents: it stays recorded volatile, so the char device keeps
	 * refusing it until it is made persistent, which zeroes it.
	 */
	if (rc && !was_recorded && !record_section(kdev, i, old))
		serve_again(kdev, i, old);
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
 * only then record "persistent". Until then it is KMP_MOVING, so the char
 * device refuses it; a crash before the record brings it back as RAM.
 * Self-hosted (persistent_devdax): recorded so, then served as device-dax;
 * the zeroed section has no data yet for its carve-out to cover.
 */
static int make_section_persistent(struct kmp_dev *kdev, unsigned long i)
{
	u8 use;
	int rc;

	if (in_page_allocator(kdev, i)) {
		rc = take_section_out(kdev, i);
		if (rc)
			return rc;
	}
	rc = claim_section(kdev, i);
	if (rc)
		return rc;
	rc = kmp_scrub_section(kdev, i);
	if (rc) {
		dev_warn(kmp_device(kdev), "section %lu cannot be scrubbed (%d): making it RAM again\n",
			 i, rc);
		set_state(kdev, i, KMP_PERSISTENT);
		make_section_volatile(kdev, i);
		return rc;
	}
	use = kmp_persistent_use(kdev, i);
	rc = record_section(kdev, i, use);
	set_state(kdev, i, KMP_PERSISTENT);
	/*
	 * The move happened and is recorded: a failed instance is not a failed
	 * move (kmp_devdax_create() said why; a rebind tries again). The
	 * write waits for the instances at its end (kmp_make_persistent()).
	 */
	if (!rc && kmp_meta_is_served(use))
		kmp_devdax_create(kdev, i);
	return rc;
}

/*
 * Move one section with the device's lock held for this section only, so
 * that a bulk move of thousands of sections stalls readers for one section
 * at most. Whether it still needs moving is checked again under the lock:
 * another move may have got there first.
 */
static int move_one(struct kmp_dev *kdev, unsigned long i,
		    bool (*wanted)(struct kmp_dev *kdev, unsigned long i),
		    int (*move)(struct kmp_dev *kdev, unsigned long i))
{
	int rc = down_write_killable(&kdev->lock);

	if (rc)
		return rc;
	if (kdev->meta_status == KMP_META_CORRUPT)
		rc = -EUCLEAN;
	else if (wanted(kdev, i))
		rc = move(kdev, i);
	up_write(&kdev->lock);
	return rc;
}

/*
 * A section take_batch_out() removed that a bulk move did not finish: RAM
 * again, as it was before the move (no half state: it would otherwise sit
 * out of the page allocator, still recorded volatile). A no-op for one the
 * move did handle. Not killable: it undoes a step of a move.
 */
static void put_back_volatile(struct kmp_dev *kdev, unsigned long i)
{
	down_write(&kdev->lock);
	if (kmp_get_state(kdev, i) == KMP_PERSISTENT &&
	    !kmp_meta_is_persistent(kdev->recorded[i]) &&
	    kdev->meta_status != KMP_META_CORRUPT)
		make_section_volatile(kdev, i);
	up_write(&kdev->lock);
}

#define KMP_BATCH	16	/* sections taken out of the page allocator in a row */
static_assert(KMP_BATCH <= BITS_PER_LONG);

/*
 * The first step of volatile -> persistent for the next KMP_BATCH sections
 * of a bulk move, back to back, keeping the hotplug work together and the
 * scrubs after it (docs/design.md: what it measured). The sections are
 * left out of the page allocator, still recorded volatile (refused by the
 * char device), for make_section_persistent() to scrub and record one by
 * one. Stops at the first section that cannot be removed: that one stays
 * volatile and its own move reports it.
 *
 * Return: how many of @ids this looked at; bit k of *@taken is set for each
 * ids[k] it took out.
 */
static u32 take_batch_out(struct kmp_dev *kdev, const u32 *ids, u32 n,
			  unsigned long *taken)
{
	u32 len = min_t(u32, n, KMP_BATCH), k;

	*taken = 0;
	if (len < 2 || down_write_killable(&kdev->lock))
		return 1;	/* the next move_one() sees a kill */
	for (k = 0; k < len && kdev->meta_status != KMP_META_CORRUPT; k++) {
		if (!in_page_allocator(kdev, ids[k]))
			continue;
		if (kmp_remove_section(kdev, ids[k]))
			break;
		set_state(kdev, ids[k], KMP_PERSISTENT);
		*taken |= BIT(k);
	}
	up_write(&kdev->lock);
	return len;
}

/*
 * The first step of persistent -> volatile for the next KMP_BATCH sections
 * of a bulk move: their device-dax instances are killed and their
 * unregistrations queued at once (kmp_devdax_drop_ahead()), so that each
 * one's RCU grace periods pass while the sections before it are hot-added,
 * instead of between the hot-adds. Stops at a busy instance: its section's
 * own move reports it.
 *
 * Return: how many of @ids this looked at; bit k of *@taken is set for each
 * ids[k] whose instance it started to drop.
 */
static u32 drop_batch_ahead(struct kmp_dev *kdev, const u32 *ids, u32 n,
			    unsigned long *taken)
{
	u32 len = min_t(u32, n, KMP_BATCH), k;
	int rc = 0;

	*taken = 0;
	if (len < 2 || down_write_killable(&kdev->lock))
		return 1;	/* the next move_one() sees a kill */
	for (k = 0; k < len && rc >= 0 && kdev->meta_status != KMP_META_CORRUPT; k++) {
		if (!out_of_page_allocator(kdev, ids[k]))
			continue;
		rc = kmp_devdax_drop_ahead(kdev, ids[k]);
		if (rc > 0)
			*taken |= BIT(k);
	}
	up_write(&kdev->lock);
	return len;
}

/* A section drop_batch_ahead() left unserved that the move did not reach. */
static void serve_back(struct kmp_dev *kdev, unsigned long i)
{
	down_write(&kdev->lock);
	if (kmp_get_state(kdev, i) == KMP_PERSISTENT)
		serve_again(kdev, i, kdev->recorded[i]);
	up_write(&kdev->lock);
}

/**
 * struct kmp_bulk - one direction of a bulk move
 * @wanted: the sections it has to do something to
 * @order: the order it moves them in
 * @move: one section's move
 * @prepare: the first step of the next sections, several at once
 * @undo: for a section @prepare did, after the move stopped before it
 */
struct kmp_bulk {
	bool (*wanted)(struct kmp_dev *kdev, unsigned long i);
	void (*order)(u32 *ids, u32 n, u32 lowest_online);
	int (*move)(struct kmp_dev *kdev, unsigned long i);
	u32 (*prepare)(struct kmp_dev *kdev, const u32 *ids, u32 n,
		       unsigned long *taken);
	void (*undo)(struct kmp_dev *kdev, unsigned long i);
};

/*
 * A bulk move: the sections of @map that @b wants, in its order, each moved
 * until one fails or the caller is killed, their first steps done a batch
 * at a time.
 */
static int bulk_move(struct kmp_dev *kdev, const unsigned long *map,
		     const struct kmp_bulk *b)
{
	u32 n, k, batch = 0, prepared = 0, *ids;
	unsigned long taken = 0;
	int rc;

	rc = down_read_killable(&kdev->lock);
	if (rc)
		return rc;
	if (kdev->meta_status == KMP_META_CORRUPT)
		ids = ERR_PTR(-EUCLEAN);
	else
		ids = sections_to_move(kdev, map, b->wanted, &n);
	if (!IS_ERR_OR_NULL(ids))
		b->order(ids, n, lowest_online(kdev));
	up_read(&kdev->lock);
	if (IS_ERR_OR_NULL(ids))
		return PTR_ERR_OR_ZERO(ids);

	for (k = 0; k < n; k++) {
		/* A lock taken uncontended does not notice a kill: ask. */
		if (fatal_signal_pending(current)) {
			rc = -EINTR;
			break;
		}
		if (k >= prepared) {
			batch = k;
			prepared = k + b->prepare(kdev, ids + k, n - k, &taken);
		}
		rc = move_one(kdev, ids[k], b->wanted, b->move);
		if (rc)
			break;
		cond_resched();
	}
	/* What a batch did ahead of a move that stopped is undone. */
	for (; k < prepared; k++)
		if (taken & BIT(k - batch))
			b->undo(kdev, ids[k]);
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
 * Context: process context; takes @kdev->lock for each section in turn.
 * Return: 0 or the first error.
 */
int kmp_make_volatile(struct kmp_dev *kdev, const unsigned long *map)
{
	static const struct kmp_bulk to_volatile = {
		.wanted = out_of_page_allocator,
		.order = kmp_order_online,
		.move = make_section_volatile,
		.prepare = drop_batch_ahead,
		.undo = serve_back,
	};

	return bulk_move(kdev, map, &to_volatile);
}

/**
 * kmp_make_persistent() - make sections persistent: offline and remove them
 * @kdev: the device
 * @map: the sections (bitmap of layout.nr_sections bits)
 *
 * Sections already persistent are left alone. Stops at the first section
 * that fails (-EBUSY: its pages could not be migrated, not within
 * offline_timeout seconds, or it is mapped); that one and the ones not yet
 * reached stay volatile and usable.
 *
 * Context: process context; takes @kdev->lock for each section in turn.
 * Return: 0 or the first error.
 */
int kmp_make_persistent(struct kmp_dev *kdev, const unsigned long *map)
{
	static const struct kmp_bulk to_persistent = {
		.wanted = not_yet_persistent,
		.order = kmp_order_offline,
		.move = make_section_persistent,
		.prepare = take_batch_out,
		.undo = put_back_volatile,
	};
	int rc = bulk_move(kdev, map, &to_persistent);

	kmp_devdax_wait(kdev);
	return rc;
}

/* The device and section @pfn belongs to, or NULL. Context: kmp_state_lock. */
static struct kmp_dev *find_section(unsigned long pfn, unsigned long *i)
{
	struct kmp_dev *kdev;

	list_for_each_entry(kdev, &kmp_devices, list) {
		if (pfn < kdev->base_pfn)
			continue;
		*i = (pfn - kdev->base_pfn) / kdev->pages_per_section;
		if (*i < kdev->layout.nr_sections)
			return kdev;
	}
	return NULL;
}

/*
 * A section onlined into a kernel zone soon holds unmovable allocations and
 * can never be offlined again: it could not become persistent, and unbind
 * would leave it behind. Refuse that, whoever onlines it: Debian's 6.12 and
 * 7.3 auto-online hot-added memory that way by default. At MEM_GOING_ONLINE
 * the pages are in their zone already.
 */
static int refuse_kernel_zone(struct memory_notify *mn)
{
	struct zone *zone = page_zone(pfn_to_page(mn->start_pfn));
	struct kmp_dev *kdev;
	bool first = false;
	unsigned long i;

	if (zone_idx(zone) == ZONE_MOVABLE)
		return NOTIFY_OK;
	spin_lock(&kmp_state_lock);
	kdev = find_section(mn->start_pfn, &i);
	if (kdev) {
		first = !kdev->kernel_zone_refused;
		kdev->kernel_zone_refused = true;
	}
	spin_unlock(&kmp_state_lock);
	if (!kdev)
		return NOTIFY_OK;
	/* @kdev stays alive: its section is added. */
	if (first)
		dev_warn(kmp_device(kdev), "section %lu: refusing to online it into zone %s (and any other section of this device outside ZONE_MOVABLE, without saying it again): it could never become persistent again; online sections with online_movable (pmemctl does), or boot with memhp_default_state=online_movable\n",
			 i, zone->name);
	return notifier_from_errno(-EPERM);
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
	struct kmp_dev *found;
	unsigned long i;

	if (action == MEM_GOING_ONLINE)
		return refuse_kernel_zone(mn);
	if (action != MEM_ONLINE && action != MEM_OFFLINE)
		return NOTIFY_OK;

	spin_lock(&kmp_state_lock);
	found = find_section(mn->start_pfn, &i);
	if (found && action == MEM_ONLINE && found->state[i] != KMP_PERSISTENT)
		kmp_set_state(found, i, KMP_ONLINE);
	else if (found && action == MEM_OFFLINE && found->state[i] == KMP_ONLINE)
		kmp_set_state(found, i, KMP_OFFLINE);
	spin_unlock(&kmp_state_lock);

	/*
	 * The last moment the section's struct pages can tell which pages the
	 * kernel found poisoned. @found stays alive: its section is added.
	 */
	if (found && action == MEM_OFFLINE)
		kmp_poison_note_offline(found, i);
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
 * kmp_make_persistent() this goes on past sections that cannot be removed
 * (each gives up within offline_timeout seconds): every section we can
 * give back must be given back.
 *
 * Context: process context; takes @kdev->lock for each section in turn.
 * Return: the number of sections still volatile.
 */
unsigned long kmp_remove_all(struct kmp_dev *kdev)
{
	unsigned long *map;
	u32 n, k, *ids;

	map = bitmap_alloc(kdev->layout.nr_sections, GFP_KERNEL);
	if (!map)
		goto out;
	bitmap_fill(map, kdev->layout.nr_sections);
	down_write(&kdev->lock);
	ids = sections_to_move(kdev, map, in_page_allocator, &n);
	if (!IS_ERR_OR_NULL(ids))
		kmp_order_offline(ids, n, lowest_online(kdev));
	up_write(&kdev->lock);
	bitmap_free(map);
	if (IS_ERR_OR_NULL(ids))
		goto out;
	for (k = 0; k < n; k++) {
		down_write(&kdev->lock);
		if (in_page_allocator(kdev, ids[k]))
			take_section_out(kdev, ids[k]);
		up_write(&kdev->lock);
		cond_resched();
	}
	kvfree(ids);
out:
	return kdev->layout.nr_sections - READ_ONCE(kdev->nr_in_state[KMP_PERSISTENT]);
}
