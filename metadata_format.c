// SPDX-License-Identifier: GPL-2.0
/*
 * The on-media table of section uses: its format, encoding and checks.
 *
 * Like the info blocks of drivers/nvdimm (pfn_devs.c) and its label index
 * (label.c), the table carries a signature, a uuid, a version, the
 * geometry it describes, and a checksum, all little-endian; and it is kept
 * twice. Every update writes both copies, one after the other, with the
 * same higher sequence number (metadata.c): only a complete, valid copy can
 * win, a torn write leaves the other copy current, and one damaged copy
 * loses nothing once both were written. Only an all-zero header page is
 * "never written"; anything else that does not decode is corrupt.
 *
 * A copy is:
 *
 *	offset	size	field
 *	0	16	signature "KMEM_PMEM_META\0\0"
 *	16	16	uuid
 *	32	4	version (1; 2 when a section is self-hosted; 3 when one is a
 *			namespace)
 *	36	4	header size (4096)
 *	40	8	sequence number
 *	48	8	device size in bytes
 *	56	8	section size in bytes
 *	64	8	offset of section 0 from the device start
 *	72	8	number of sections
 *	80	8	table size in bytes (a multiple of 4096)
 *	88	8	checksum: Fletcher-64 of header and table, this field 0
 *	96	8	versions 2, 3: memmap bytes of a self-hosted section (0 in
 *			version 3 without one); version 1: 0
 *	104	3992	zero
 *	4096	n	one byte per section: 0 persistent, 1 volatile, (version 2)
 *			2 persistent self-hosted, (version 3) 3 persistent
 *			namespace; zero padded
 *
 * Version 2 (docs/design-persistent-devdax.md) adds entry 2: a persistent
 * section whose first memmap bytes hold the kernel's struct pages for the
 * rest of it, which is the data. Entries 0 and 1 mean the same in both
 * versions, so a version 1 table is read as it is, and a table is written
 * as version 1 while no entry is 2: older modules, which refuse version 2,
 * keep reading it until a section is self-hosted. Version 3 adds entry 3 the
 * same way: a persistent section that is an nvdimm namespace of kmem_pmem's
 * own bus, laid out by the kernel's DAX info block in it.
 *
 * Pure logic: built into the module and into the userspace unit tests.
 */
#include "metadata_format.h"

#ifndef __KERNEL__
#include <string.h>
#else
#include <linux/string.h>
#endif

#define OFF_SIG		0
#define OFF_UUID	16
#define OFF_VERSION	32
#define OFF_HDR_SIZE	36
#define OFF_SEQ		40
#define OFF_DEV_SIZE	48
#define OFF_SEC_SIZE	56
#define OFF_FIRST	64
#define OFF_NR		72
#define OFF_TABLE_SIZE	80
#define OFF_CHECKSUM	88
#define OFF_MEMMAP	96

static u64 table_size(u64 nr_sections)
{
	return (nr_sections + KMP_META_ALIGN - 1) / KMP_META_ALIGN * KMP_META_ALIGN;
}

/**
 * kmp_meta_copy_size() - bytes of one copy of the table
 * @nr_sections: sections it describes
 *
 * Return: header plus table, a multiple of 4 KiB.
 */
u64 kmp_meta_copy_size(u64 nr_sections)
{
	return KMP_META_HDR_SIZE + table_size(nr_sections);
}

/**
 * kmp_meta_place() - choose where the two copies of the table live
 * @range_size: bytes of the device
 * @layout: the device's sections; section 0 is taken away if needed
 * @place: filled in on success
 *
 * The table costs no section when the device's unaligned head (the usual
 * devdax case: 126 MiB) or tail is large enough; otherwise it takes the
 * smallest unit the device can spare, section 0, which then is no longer a
 * section. Deterministic for a geometry, so section numbers are stable.
 *
 * Return: 0, or -ENOSPC if no section would be left.
 */
int kmp_meta_place(u64 range_size, struct kmp_layout *layout,
		   struct kmp_meta_place *place)
{
	u64 need;

	place->copy_size = kmp_meta_copy_size(layout->nr_sections);
	need = 2 * place->copy_size;
	if (layout->head_bytes >= need) {
		place->offset = 0;
		return 0;
	}
	if (layout->tail_bytes >= need) {
		place->offset = range_size - layout->tail_bytes;
		return 0;
	}
	if (layout->nr_sections < 2 || layout->section_size < need)
		return -ENOSPC;
	place->offset = layout->head_bytes;
	layout->start += layout->section_size;
	layout->head_bytes += layout->section_size;
	layout->nr_sections--;
	return 0;
}

struct fletcher {
	u32 lo;
	u64 hi;
};

/* Feed @len bytes (a multiple of 4) as 32-bit little-endian words. */
static void fletcher_add(struct fletcher *f, const u8 *buf, u64 len)
{
	u64 i;

	for (i = 0; i + 4 <= len; i += 4) {
		f->lo += (u32)kmp_get_le(buf + i, 4);
		f->hi += f->lo;
	}
}

/**
 * kmp_fletcher64() - Fletcher-64 checksum over 32-bit little-endian words
 * @buf: data, a multiple of 4 bytes long
 * @len: bytes
 *
 * Return: the checksum (as nd_fletcher64() of drivers/nvdimm computes it).
 */
u64 kmp_fletcher64(const u8 *buf, u64 len)
{
	struct fletcher f = { 0, 0 };

	fletcher_add(&f, buf, len);
	return f.hi << 32 | f.lo;
}

/**
 * kmp_fletcher64_zeroed() - kmp_fletcher64() with a checksum field as zero
 * @buf: data, a multiple of 4 bytes long
 * @len: bytes
 * @field: offset of the 8-byte checksum field inside @buf, 4-byte aligned
 *
 * How the table and the kernel's info blocks (nd_sb_checksum()) sum
 * themselves: their own checksum field counts as zero.
 *
 * Return: the checksum.
 */
u64 kmp_fletcher64_zeroed(const u8 *buf, u64 len, u64 field)
{
	static const u8 zero[8];
	struct fletcher f = { 0, 0 };

	fletcher_add(&f, buf, field);
	fletcher_add(&f, zero, sizeof(zero));
	fletcher_add(&f, buf + field + 8, len - field - 8);
	return f.hi << 32 | f.lo;
}

static bool any_entry(const u8 *table, u64 nr, u8 use)
{
	u64 i;

	for (i = 0; i < nr; i++)
		if (table[i] == use)
			return true;
	return false;
}

/* The oldest version that can hold @table: older modules keep reading it. */
static u32 version_for(const u8 *table, u64 nr)
{
	if (any_entry(table, nr, KMP_META_NAMESPACE))
		return KMP_META_VERSION_NAMESPACE;
	if (any_entry(table, nr, KMP_META_SELF_HOSTED))
		return KMP_META_VERSION_SELF_HOSTED;
	return KMP_META_VERSION;
}

/**
 * kmp_meta_encode() - write one copy of the table
 * @meta: the header fields (version, header and table sizes are filled in;
 *	memmap_bytes is written only with a self-hosted entry, and must then be
 *	set)
 * @table: meta->nr_sections entries, KMP_META_PERSISTENT, KMP_META_VOLATILE
 *	or KMP_META_SELF_HOSTED; the version follows from them
 * @buf: kmp_meta_copy_size(meta->nr_sections) bytes, overwritten
 */
void kmp_meta_encode(const struct kmp_meta *meta, const u8 *table, u8 *buf)
{
	u64 size = kmp_meta_copy_size(meta->nr_sections);

	u32 version = version_for(table, meta->nr_sections);

	memset(buf, 0, size);
	memcpy(buf + OFF_SIG, KMP_META_SIG, KMP_META_SIG_LEN);
	memcpy(buf + OFF_UUID, meta->uuid, sizeof(meta->uuid));
	kmp_put_le(buf + OFF_VERSION, version, 4);
	if (version >= KMP_META_VERSION_SELF_HOSTED)
		kmp_put_le(buf + OFF_MEMMAP, meta->memmap_bytes, 8);
	kmp_put_le(buf + OFF_HDR_SIZE, KMP_META_HDR_SIZE, 4);
	kmp_put_le(buf + OFF_SEQ, meta->seq, 8);
	kmp_put_le(buf + OFF_DEV_SIZE, meta->device_size, 8);
	kmp_put_le(buf + OFF_SEC_SIZE, meta->section_size, 8);
	kmp_put_le(buf + OFF_FIRST, meta->first_section, 8);
	kmp_put_le(buf + OFF_NR, meta->nr_sections, 8);
	kmp_put_le(buf + OFF_TABLE_SIZE, table_size(meta->nr_sections), 8);
	memcpy(buf + KMP_META_HDR_SIZE, table, meta->nr_sections);
	kmp_put_le(buf + OFF_CHECKSUM, kmp_fletcher64(buf, size), 8);
}

/* Is the whole header page zero, as on media never written? */
static bool header_is_zero(const u8 *buf)
{
	u64 i;

	for (i = 0; i < KMP_META_HDR_SIZE; i++)
		if (buf[i])
			return false;
	return true;
}

/*
 * The geometry a header describes must be possible: sections inside the
 * device. Tables are placed and carried over with this arithmetic, so it
 * must not overflow even for crafted media.
 */
static bool geometry_possible(u64 device_size, u64 section_size, u64 first,
			      u64 nr)
{
	return section_size && first <= device_size &&
	       nr <= (device_size - first) / section_size;
}

/**
 * kmp_meta_decode() - check and read one copy of the table
 * @buf: the copy as found on the media; its table follows the header
 * @buf_size: bytes available at @buf
 * @meta: filled in when the copy is valid
 *
 * The caller finds the table at @buf + KMP_META_HDR_SIZE. The checksum is
 * verified in place: @buf is not modified. Only a header page that is all
 * zero is blank; anything else that does not decode is not a table we can
 * trust, and must not be taken for the absence of one.
 *
 * Return: KMP_META_VALID or why the copy cannot be used.
 */
enum kmp_meta_verdict kmp_meta_decode(const u8 *buf, u64 buf_size,
				      struct kmp_meta *meta)
{
	u64 nr, tsize, size, i, version;
	u8 max_entry;

	if (buf_size < KMP_META_HDR_SIZE)
		return KMP_META_BAD_SIZE;
	if (header_is_zero(buf))
		return KMP_META_BLANK;
	if (memcmp(buf + OFF_SIG, KMP_META_SIG, KMP_META_SIG_LEN))
		return KMP_META_FOREIGN;
	version = kmp_get_le(buf + OFF_VERSION, 4);
	if (version < KMP_META_VERSION || version > KMP_META_VERSION_NAMESPACE ||
	    kmp_get_le(buf + OFF_HDR_SIZE, 4) != KMP_META_HDR_SIZE)
		return KMP_META_BAD_VERSION;
	/* Each version adds one entry value. */
	max_entry = KMP_META_VOLATILE + version - KMP_META_VERSION;

	/* Bound the count by the buffer first: table_size() wraps near 2^64. */
	nr = kmp_get_le(buf + OFF_NR, 8);
	if (nr > buf_size - KMP_META_HDR_SIZE)
		return KMP_META_BAD_SIZE;
	tsize = kmp_get_le(buf + OFF_TABLE_SIZE, 8);
	size = KMP_META_HDR_SIZE + tsize;
	if (tsize != table_size(nr) || size > buf_size)
		return KMP_META_BAD_SIZE;

	/* Checksum with its own field counted as zero. */
	if (kmp_fletcher64_zeroed(buf, size, OFF_CHECKSUM) !=
	    kmp_get_le(buf + OFF_CHECKSUM, 8))
		return KMP_META_BAD_CHECKSUM;

	for (i = 0; i < nr; i++)
		if (buf[KMP_META_HDR_SIZE + i] > max_entry)
			return KMP_META_BAD_ENTRY;

	memcpy(meta->uuid, buf + OFF_UUID, sizeof(meta->uuid));
	meta->version = version;
	meta->memmap_bytes = 0;
	if (version >= KMP_META_VERSION_SELF_HOSTED)
		meta->memmap_bytes = kmp_get_le(buf + OFF_MEMMAP, 8);
	meta->seq = kmp_get_le(buf + OFF_SEQ, 8);
	meta->device_size = kmp_get_le(buf + OFF_DEV_SIZE, 8);
	meta->section_size = kmp_get_le(buf + OFF_SEC_SIZE, 8);
	meta->first_section = kmp_get_le(buf + OFF_FIRST, 8);
	meta->nr_sections = nr;
	if (!geometry_possible(meta->device_size, meta->section_size,
			       meta->first_section, nr))
		return KMP_META_BAD_GEOMETRY;
	/* Version 3 needs a carve-out only with a self-hosted entry. */
	if ((version == KMP_META_VERSION_SELF_HOSTED || meta->memmap_bytes ||
	     any_entry(buf + KMP_META_HDR_SIZE, nr, KMP_META_SELF_HOSTED)) &&
	    (!meta->memmap_bytes || meta->memmap_bytes >= meta->section_size ||
	     meta->memmap_bytes % KMP_META_ALIGN))
		return KMP_META_BAD_GEOMETRY;
	return KMP_META_VALID;
}

/**
 * kmp_meta_verdict_str() - a verdict for a log line
 * @verdict: the verdict
 *
 * Return: a short description.
 */
const char *kmp_meta_verdict_str(enum kmp_meta_verdict verdict)
{
	switch (verdict) {
	case KMP_META_VALID:
		return "valid";
	case KMP_META_BLANK:
		return "blank";
	case KMP_META_FOREIGN:
		return "no signature";
	case KMP_META_BAD_CHECKSUM:
		return "bad checksum";
	case KMP_META_BAD_VERSION:
		return "unknown version";
	case KMP_META_BAD_SIZE:
		return "bad table size";
	case KMP_META_BAD_ENTRY:
		return "bad table entry";
	case KMP_META_BAD_GEOMETRY:
		return "impossible geometry";
	case KMP_META_UNREADABLE:
		return "media error";
	}
	return "?";
}

/**
 * kmp_meta_geometry_matches() - does a valid copy describe this device?
 * @meta: the decoded copy
 * @range_size: bytes of the device now
 * @layout: the device's sections now
 *
 * Return: true if device size, section size, first section and number of
 * sections all match.
 */
bool kmp_meta_geometry_matches(const struct kmp_meta *meta, u64 range_size,
			       const struct kmp_layout *layout)
{
	return meta->device_size == range_size &&
	       meta->section_size == layout->section_size &&
	       meta->first_section == layout->head_bytes &&
	       meta->nr_sections == layout->nr_sections;
}

/* Mark the sections of @layout that overlap bytes [@start, @end) of the device. */
static void mark_overlap(const struct kmp_layout *layout, u8 *table,
			 u64 start, u64 end)
{
	u64 first = layout->head_bytes;
	u64 span_end = first + layout->nr_sections * layout->section_size;
	u64 i, last;

	if (start < first)
		start = first;
	if (end > span_end)
		end = span_end;
	if (start >= end)
		return;
	last = (end - 1 - first) / layout->section_size;
	for (i = (start - first) / layout->section_size; i <= last; i++)
		table[i] = KMP_META_VOLATILE;
}

/**
 * kmp_meta_carry_over() - what a valid table of another geometry implies now
 * @old: the decoded header of that table (kmp_meta_decode() checked that its
 *	sections lie inside its device)
 * @old_table: its @old->nr_sections entries
 * @layout: the device's sections now
 * @table: @layout->nr_sections entries, overwritten
 *
 * A section of the new geometry is recorded volatile (to be zeroed before
 * the char device serves it) if any of its bytes was in a section the old
 * table recorded volatile, self-hosted or namespace (its first bytes were
 * struct pages), or lies beyond the device the old table
 * described (a grown namespace: what those bytes held is unknown). The
 * others keep their persistent bytes.
 */
void kmp_meta_carry_over(const struct kmp_meta *old, const u8 *old_table,
			 const struct kmp_layout *layout, u8 *table)
{
	u64 i, start;

	memset(table, KMP_META_PERSISTENT, layout->nr_sections);
	for (i = 0; i < old->nr_sections; i++) {
		/* Served: struct pages (kernel addresses) up front. */
		if (old_table[i] != KMP_META_VOLATILE &&
		    !kmp_meta_is_served(old_table[i]))
			continue;
		start = old->first_section + i * old->section_size;
		mark_overlap(layout, table, start, start + old->section_size);
	}
	mark_overlap(layout, table, old->device_size, ~0ULL);
}

/**
 * kmp_meta_signed() - does a copy carry the table's signature?
 * @verdict: the copy's verdict
 *
 * Return: true if it is a table of ours, valid or not; false if it is
 * blank, carries no signature, or could not be read.
 */
bool kmp_meta_signed(enum kmp_meta_verdict verdict)
{
	return verdict != KMP_META_BLANK && verdict != KMP_META_FOREIGN &&
	       verdict != KMP_META_UNREADABLE;
}

/**
 * kmp_meta_pick() - which copy is current
 * @a: verdict of copy 0
 * @seq_a: its sequence number, if valid
 * @b: verdict of copy 1
 * @seq_b: its sequence number, if valid
 *
 * A valid copy beats an invalid one (a torn update); of two valid copies
 * the higher sequence number wins.
 *
 * Return: 0 or 1 for the current copy, -ENOENT if both are blank (no table
 * yet), -EBADMSG if no copy is valid and one is not blank (corrupt: that
 * includes garbage without the signature).
 */
int kmp_meta_pick(enum kmp_meta_verdict a, u64 seq_a,
		  enum kmp_meta_verdict b, u64 seq_b)
{
	if (a == KMP_META_VALID && b == KMP_META_VALID)
		return seq_b > seq_a ? 1 : 0;
	if (a == KMP_META_VALID)
		return 0;
	if (b == KMP_META_VALID)
		return 1;
	if (a == KMP_META_BLANK && b == KMP_META_BLANK)
		return -ENOENT;
	return -EBADMSG;
}
