// SPDX-License-Identifier: GPL-2.0
/*
 * The on-media table of section uses (format in metadata_format.c).
 *
 * It is what makes the split survive reboot: a bind brings back every
 * section the table records volatile, and leaves the others alone. Moves
 * update it in the crash-safe order of sections.c, so that after a crash a
 * section that held RAM is never exposed as persistent data.
 *
 * Both copies hold every acknowledged state. kmp_meta_record() writes one
 * copy with the next sequence number and flushes it (clwb, then a fence),
 * then the other with the same contents, and flushes it, before it
 * returns. A torn write damages only the copy being written while the
 * other still holds the previous state or the new one: a crash may fall
 * back to the state before the update in progress, never further; and once
 * a record returned, any single damaged block of the table loses nothing.
 * The copy written second is the one that was good before: a bind that
 * finds one copy damaged or stale rewrites that copy first.
 *
 * Loading reads each copy with copy_mc_to_kernel(), so a media error in
 * the table makes that copy unreadable instead of taking the machine down.
 *
 * A table that cannot be trusted is left as it is: every section stays
 * persistent, nothing is onlined, the char device refuses access, and
 * "metadata" reads "corrupt" until the admin writes "init" (or, for a table
 * that does not decode at all, "init-keep") to it: see kmp_meta_reinit().
 * Only an all-zero header in both copies means "no table yet"; anything
 * else that does not decode (garbage, another user's data) is corrupt.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/bitmap.h>
#include <linux/device.h>
#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>
#include <linux/uuid.h>

#include "kmem_pmem.h"

static u8 *copy_addr(struct kmp_dev *kdev, int copy)
{
	return (u8 *)kdev->meta + copy * kdev->place.copy_size;
}

/*
 * Write the encoded copy to the media and flush it. It is encoded in DRAM:
 * the checksum must not read pmem back (a media error there would not be
 * survivable outside copy_mc_to_kernel()).
 */
static void write_copy(struct kmp_dev *kdev, int copy)
{
	u8 *addr = copy_addr(kdev, copy);

	memcpy(addr, kdev->meta_buf, kdev->place.copy_size);
	kmp_pmem_flush(addr, kdev->place.copy_size);
}

/**
 * kmp_meta_record() - write the recorded section uses to the media
 * @kdev: the device
 *
 * Writes both copies with the next sequence number, each flushed before the
 * next step (see the top of this file): when this returns, the state is
 * durable twice. The copy last known good is written second.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0, or -EUCLEAN while the table is corrupt.
 */
int kmp_meta_record(struct kmp_dev *kdev)
{
	int second = kdev->meta_current == 0 ? 0 : 1;

	lockdep_assert_held_write(&kdev->lock);
	if (kdev->meta_status == KMP_META_CORRUPT)
		return -EUCLEAN;

	kdev->meta_hdr.seq++;
	kmp_meta_encode(&kdev->meta_hdr, kdev->recorded, kdev->meta_buf);
	write_copy(kdev, !second);
	write_copy(kdev, second);
	kdev->meta_current = second;
	return 0;
}

/* Start a new table for this geometry, every section recorded persistent. */
static void meta_create(struct kmp_dev *kdev)
{
	struct kmp_meta *m = &kdev->meta_hdr;

	memset(m, 0, sizeof(*m));
	generate_random_uuid(m->uuid);
	m->device_size = kdev->range_size;
	m->section_size = kdev->layout.section_size;
	m->first_section = kdev->layout.head_bytes;
	m->nr_sections = kdev->layout.nr_sections;
	memset(kdev->recorded, KMP_META_PERSISTENT, kdev->layout.nr_sections);
	kdev->meta_current = -1;
	kdev->meta_status = KMP_META_NEW;
}

/* Read one copy machine-check-safely into @buf and decode it there. */
static enum kmp_meta_verdict read_copy(struct kmp_dev *kdev, int copy, u8 *buf,
				       struct kmp_meta *meta)
{
	if (copy_mc_to_kernel(buf, copy_addr(kdev, copy), kdev->place.copy_size))
		return KMP_META_UNREADABLE;
	return kmp_meta_decode(buf, kdev->place.copy_size, meta);
}

/*
 * A valid table of another geometry: remember what it implies for the
 * sections now, for "init". Nothing else uses it while the table is corrupt.
 * Return: 0 or -ENOMEM.
 */
static int meta_mismatch(struct kmp_dev *kdev, const struct kmp_meta *old,
			 const u8 *old_table)
{
	struct device *dev = kmp_device(kdev);

	dev_err(dev, "kmem_pmem table describes another geometry (%llu sections of %llu bytes at %#llx in %llu bytes; now %llu of %llu at %#llx in %llu): keeping every section persistent and untouched; 'init' in kmem_pmem/metadata starts a new table that zeroes, before use, the sections overlapping RAM of the old one\n",
		old->nr_sections, old->section_size, old->first_section,
		old->device_size, kdev->layout.nr_sections,
		kdev->layout.section_size, kdev->layout.head_bytes,
		kdev->range_size);
	kdev->meta_status = KMP_META_CORRUPT;
	kdev->meta_carry = kvmalloc(kdev->layout.nr_sections, GFP_KERNEL);
	if (!kdev->meta_carry)
		return -ENOMEM;
	kmp_meta_carry_over(old, old_table, &kdev->layout, kdev->meta_carry);
	return 0;
}

/*
 * Use copy @cur. Return: true if the other copy must be rewritten: it is
 * damaged or older (an update was interrupted), and the state about to be
 * acted on must be durable twice before the bind acts on it.
 */
static bool meta_use(struct kmp_dev *kdev, int cur, const u8 *buf,
		     const enum kmp_meta_verdict *v, const struct kmp_meta *m)
{
	int other = !cur;

	kdev->meta_hdr = m[cur];
	kdev->meta_current = cur;
	memcpy(kdev->recorded, buf + KMP_META_HDR_SIZE, kdev->layout.nr_sections);
	kdev->meta_status = KMP_META_OK;
	if (v[other] == KMP_META_VALID && m[other].seq == m[cur].seq)
		return false;
	if (v[other] == KMP_META_VALID)
		dev_warn(kmp_device(kdev), "kmem_pmem table copy %d is older (an update was interrupted): rewriting it from copy %d\n",
			 other, cur);
	else
		dev_warn(kmp_device(kdev), "kmem_pmem table copy %d is damaged (%s): rewriting it from copy %d\n",
			 other, kmp_meta_verdict_str(v[other]), cur);
	return true;
}

/*
 * Read both copies; use the current one, or say why there is none.
 * Return: 1 if the table must be written at once (new, or one copy to
 * repair), 0 if not, or -ENOMEM.
 */
static int meta_load(struct kmp_dev *kdev)
{
	size_t size = kdev->place.copy_size;
	struct kmp_meta m[2] = { };
	enum kmp_meta_verdict v[2];
	int c, cur, rc = 0;
	u8 *buf;

	buf = kvmalloc(2 * size, GFP_KERNEL);
	if (!buf)
		return -ENOMEM;
	for (c = 0; c < 2; c++)
		v[c] = read_copy(kdev, c, buf + c * size, &m[c]);
	cur = kmp_meta_pick(v[0], m[0].seq, v[1], m[1].seq);

	if (cur == -ENOENT) {
		dev_info(kmp_device(kdev), "no kmem_pmem table at offset %#llx: initialising one, all sections persistent\n",
			 kdev->place.offset);
		meta_create(kdev);
		rc = 1;
	} else if (cur < 0) {
		dev_err(kmp_device(kdev), "kmem_pmem table at offset %#llx is corrupt (copy 0: %s, copy 1: %s): keeping every section persistent and untouched; 'init' in kmem_pmem/metadata starts a new table that zeroes every section before use, 'init-keep' one that keeps their bytes readable\n",
			kdev->place.offset, kmp_meta_verdict_str(v[0]),
			kmp_meta_verdict_str(v[1]));
		kdev->meta_status = KMP_META_CORRUPT;
	} else if (!kmp_meta_geometry_matches(&m[cur], kdev->range_size,
					      &kdev->layout)) {
		rc = meta_mismatch(kdev, &m[cur], buf + cur * size + KMP_META_HDR_SIZE);
	} else {
		rc = meta_use(kdev, cur, buf + cur * size, v, m);
	}
	kvfree(buf);
	return rc;
}

/**
 * kmp_meta_open() - map the table and load it
 * @kdev: the device; layout and place already computed
 *
 * Afterwards @kdev->recorded says which sections to bring back as RAM. A new
 * table records every section persistent and is written at once; so is a
 * table found with one copy damaged or stale.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0 (a corrupt table is not an error: see meta_status) or -ENOMEM.
 */
int kmp_meta_open(struct kmp_dev *kdev)
{
	int rc;

	kdev->meta_buf = kvmalloc(kdev->place.copy_size, GFP_KERNEL);
	kdev->meta = kmp_pmem_map(kdev, kdev->place.offset, 2 * kdev->place.copy_size);
	if (!kdev->meta_buf || !kdev->meta) {
		kmp_meta_close(kdev);
		return -ENOMEM;
	}
	rc = meta_load(kdev);
	if (rc > 0)
		rc = kmp_meta_record(kdev);
	if (rc)
		kmp_meta_close(kdev);
	return rc;
}

/**
 * kmp_meta_close() - unmap the table, free what kmp_meta_open() allocated
 * @kdev: the device
 */
void kmp_meta_close(struct kmp_dev *kdev)
{
	if (kdev->meta)
		kmp_pmem_unmap(kdev->meta);
	kdev->meta = NULL;
	kvfree(kdev->meta_buf);
	kdev->meta_buf = NULL;
	kvfree(kdev->meta_carry);
	kdev->meta_carry = NULL;
}

static u64 nr_recorded_volatile(struct kmp_dev *kdev)
{
	u64 i, n = 0;

	for (i = 0; i < kdev->layout.nr_sections; i++)
		n += kdev->recorded[i] == KMP_META_VOLATILE;
	return n;
}

/**
 * kmp_meta_reinit() - replace a corrupt table by a new one
 * @kdev: the device
 * @keep: every section's bytes stay readable ("init-keep")
 *
 * The admin's explicit decision. What a section held is known only from a
 * valid table of another geometry: then the sections overlapping its RAM
 * (see kmp_meta_carry_over()) are recorded volatile, which means "holds old
 * RAM contents": refused by the char device until made persistent, which
 * zeroes them; the others keep their data. For a table that does not decode,
 * every section is treated so, unless @keep says the bytes are data to
 * recover. @keep is refused when the old table says which bytes were RAM.
 * Both copies are rewritten, so the corrupt one cannot win later.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0, or -EINVAL if the table is not corrupt or @keep is refused.
 */
int kmp_meta_reinit(struct kmp_dev *kdev, bool keep)
{
	u64 n = kdev->layout.nr_sections, zeroed;
	int rc;

	lockdep_assert_held_write(&kdev->lock);
	if (kdev->meta_status != KMP_META_CORRUPT || (keep && kdev->meta_carry))
		return -EINVAL;
	meta_create(kdev);
	if (kdev->meta_carry)
		memcpy(kdev->recorded, kdev->meta_carry, n);
	else if (!keep)
		memset(kdev->recorded, KMP_META_VOLATILE, n);
	rc = kmp_meta_record(kdev);
	if (rc)
		return rc;
	kvfree(kdev->meta_carry);
	kdev->meta_carry = NULL;
	kdev->meta_status = KMP_META_OK;
	zeroed = nr_recorded_volatile(kdev);
	dev_info(kmp_device(kdev), "new kmem_pmem table: %llu sections persistent, %llu refused until made persistent, which zeroes them\n",
		 n - zeroed, zeroed);
	return 0;
}

/**
 * kmp_meta_status_str() - the "metadata" file's value
 * @kdev: the device
 *
 * Return: "ok", "new" or "corrupt".
 */
const char *kmp_meta_status_str(struct kmp_dev *kdev)
{
	static const char * const names[] = {
		[KMP_META_OK] = "ok",
		[KMP_META_NEW] = "new",
		[KMP_META_CORRUPT] = "corrupt",
	};

	return names[READ_ONCE(kdev->meta_status)];
}
