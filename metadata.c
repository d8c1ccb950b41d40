// SPDX-License-Identifier: GPL-2.0
/*
 * The on-media table of section uses (format in metadata_format.c).
 *
 * It is what makes the split survive reboot: a bind brings back every
 * section the table records volatile, and leaves the others alone. Moves
 * update it in the crash-safe order of sections.c, so that after a crash a
 * section that held RAM is never exposed as persistent data.
 *
 * A table that cannot be trusted (bad checksum, unknown version, another
 * geometry) is left as it is: every section stays persistent, nothing is
 * onlined, the char device refuses access, and "metadata" reads "corrupt"
 * until the admin writes "init" to it, which records every section
 * persistent under a new table.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/device.h>
#include <linux/uuid.h>

#include "kmem_pmem.h"

static u8 *copy_addr(struct kmp_dev *kdev, int copy)
{
	return (u8 *)kdev->meta + copy * kdev->place.copy_size;
}

/**
 * kmp_meta_record() - write the recorded section uses to the media
 * @kdev: the device
 *
 * Writes the copy not in use with the next sequence number and flushes it;
 * only then does it become current. A crash at any point leaves one valid
 * copy: the old one or the new one.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0, or -EUCLEAN while the table is corrupt.
 */
int kmp_meta_record(struct kmp_dev *kdev)
{
	int next = kdev->meta_current == 0 ? 1 : 0;
	u8 *buf = copy_addr(kdev, next);

	lockdep_assert_held_write(&kdev->lock);
	if (kdev->meta_status == KMP_META_CORRUPT)
		return -EUCLEAN;

	kdev->meta_hdr.seq++;
	kmp_meta_encode(&kdev->meta_hdr, kdev->recorded, buf);
	kmp_pmem_flush(buf, kdev->place.copy_size);
	kdev->meta_current = next;
	return 0;
}

/* Start a new table for this geometry, recording @use for every section. */
static void meta_create(struct kmp_dev *kdev, u8 use)
{
	struct kmp_meta *m = &kdev->meta_hdr;

	memset(m, 0, sizeof(*m));
	generate_random_uuid(m->uuid);
	m->device_size = kdev->range_size;
	m->section_size = kdev->layout.section_size;
	m->first_section = kdev->layout.head_bytes;
	m->nr_sections = kdev->layout.nr_sections;
	memset(kdev->recorded, use, kdev->layout.nr_sections);
	kdev->meta_current = -1;
	kdev->meta_status = KMP_META_NEW;
}

/* Read both copies; use the current one, or say why there is none. */
static void meta_load(struct kmp_dev *kdev, u8 initial_use)
{
	struct device *dev = kmp_device(kdev);
	enum kmp_meta_verdict v[2];
	struct kmp_meta m[2];
	int c, cur;

	for (c = 0; c < 2; c++)
		v[c] = kmp_meta_decode(copy_addr(kdev, c), kdev->place.copy_size, &m[c]);
	cur = kmp_meta_pick(v[0], m[0].seq, v[1], m[1].seq);

	if (cur == -ENOENT) {
		dev_info(dev, "no kmem_pmem table at offset %#llx: initialising one, all sections %s\n",
			 kdev->place.offset,
			 initial_use == KMP_META_VOLATILE ? "volatile" : "persistent");
		meta_create(kdev, initial_use);
		return;
	}
	if (cur < 0) {
		dev_err(dev, "kmem_pmem table at offset %#llx is corrupt (copy 0: %s, copy 1: %s): keeping every section persistent and untouched; write 'init' to kmem_pmem/metadata to start a new table\n",
			kdev->place.offset, kmp_meta_verdict_str(v[0]),
			kmp_meta_verdict_str(v[1]));
		kdev->meta_status = KMP_META_CORRUPT;
		return;
	}
	if (!kmp_meta_geometry_matches(&m[cur], kdev->range_size, &kdev->layout)) {
		dev_err(dev, "kmem_pmem table describes another geometry (%llu sections of %llu bytes at %#llx in %llu bytes; now %llu of %llu at %#llx in %llu): keeping every section persistent and untouched; write 'init' to kmem_pmem/metadata to start a new table\n",
			m[cur].nr_sections, m[cur].section_size, m[cur].first_section,
			m[cur].device_size, kdev->layout.nr_sections,
			kdev->layout.section_size, kdev->layout.head_bytes,
			kdev->range_size);
		kdev->meta_status = KMP_META_CORRUPT;
		return;
	}
	kdev->meta_hdr = m[cur];
	kdev->meta_current = cur;
	memcpy(kdev->recorded, copy_addr(kdev, cur) + KMP_META_HDR_SIZE,
	       kdev->layout.nr_sections);
	kdev->meta_status = KMP_META_OK;
}

/**
 * kmp_meta_open() - map the table and load it
 * @kdev: the device; layout and place already computed
 *
 * Afterwards @kdev->recorded says which sections to bring back as RAM. A new
 * table records the module's initial_mode and is written at once.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0 (a corrupt table is not an error: see meta_status) or -ENOMEM.
 */
int kmp_meta_open(struct kmp_dev *kdev)
{
	int rc;

	kdev->meta = kmp_pmem_map(kdev, kdev->place.offset, 2 * kdev->place.copy_size);
	if (!kdev->meta)
		return -ENOMEM;
	meta_load(kdev, kmp_initial_volatile() ? KMP_META_VOLATILE : KMP_META_PERSISTENT);
	if (kdev->meta_status != KMP_META_NEW)
		return 0;
	rc = kmp_meta_record(kdev);
	if (rc) {
		kmp_pmem_unmap(kdev->meta);
		kdev->meta = NULL;
	}
	return rc;
}

/**
 * kmp_meta_close() - unmap the table
 * @kdev: the device
 */
void kmp_meta_close(struct kmp_dev *kdev)
{
	if (kdev->meta)
		kmp_pmem_unmap(kdev->meta);
	kdev->meta = NULL;
}

/**
 * kmp_meta_reinit() - replace a corrupt table by a new one
 * @kdev: the device
 *
 * The admin's explicit decision: every section is recorded persistent (all
 * are, while the table is corrupt) and becomes reachable again. Both copies
 * are rewritten, so the corrupt one cannot win later.
 *
 * Context: @kdev->lock held for writing.
 * Return: 0, or -EINVAL if the table is not corrupt.
 */
int kmp_meta_reinit(struct kmp_dev *kdev)
{
	int rc;

	lockdep_assert_held_write(&kdev->lock);
	if (kdev->meta_status != KMP_META_CORRUPT)
		return -EINVAL;
	meta_create(kdev, KMP_META_PERSISTENT);
	rc = kmp_meta_record(kdev);
	if (!rc)
		rc = kmp_meta_record(kdev);
	if (rc)
		return rc;
	kdev->meta_status = KMP_META_OK;
	dev_info(kmp_device(kdev), "new kmem_pmem table: all %llu sections persistent\n",
		 kdev->layout.nr_sections);
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
