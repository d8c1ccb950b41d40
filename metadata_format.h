/* SPDX-License-Identifier: GPL-2.0 */
#ifndef KMP_METADATA_FORMAT_H
#define KMP_METADATA_FORMAT_H

#include "pure_types.h"
#include "section_layout.h"

/*
 * On-media table of section uses: two copies, each a 4 KiB header followed
 * by one byte per section, padded to 4 KiB. See metadata_format.c.
 */
#define KMP_META_SIG		"KMEM_PMEM_META\0\0"
#define KMP_META_SIG_LEN	16
#define KMP_META_VERSION	1	/* entries 0 and 1 only */
#define KMP_META_VERSION_SELF_HOSTED	2	/* also entries 2, and memmap_bytes */
#define KMP_META_VERSION_NAMESPACE	3	/* also entries 3 */
#define KMP_META_HDR_SIZE	4096
#define KMP_META_ALIGN		4096

/*
 * Recorded use of a section in the table. KMP_META_SELF_HOSTED: persistent,
 * its first memmap_bytes hold the kernel's struct pages for the rest, which
 * is the data (served as a device-dax instance); from version 2.
 * KMP_META_NAMESPACE: persistent, an nvdimm namespace in devdax mode of
 * kmem_pmem's own nvdimm bus: the kernel's DAX info block at 4 KiB
 * (dax_info_block.c), struct pages, then the data at the block's dataoff;
 * only in version 3.
 */
#define KMP_META_PERSISTENT	0
#define KMP_META_VOLATILE	1
#define KMP_META_SELF_HOSTED	2
#define KMP_META_NAMESPACE	3

/* Is a recorded use one of the persistent ones? */
static inline bool kmp_meta_is_persistent(u8 use)
{
	return use == KMP_META_PERSISTENT || use == KMP_META_SELF_HOSTED ||
	       use == KMP_META_NAMESPACE;
}

/* Is a recorded use served by a device-dax instance (struct pages inside)? */
static inline bool kmp_meta_is_served(u8 use)
{
	return use == KMP_META_SELF_HOSTED || use == KMP_META_NAMESPACE;
}

/**
 * struct kmp_meta - a decoded header, in CPU byte order
 * @uuid: identifies the device's table (and so its data)
 * @version: layout version: KMP_META_VERSION_NAMESPACE when an entry is
 *	KMP_META_NAMESPACE, else KMP_META_VERSION_SELF_HOSTED when one is
 *	KMP_META_SELF_HOSTED, else KMP_META_VERSION (set by kmp_meta_encode())
 * @seq: copy sequence number: the valid copy with the higher one is current
 * @device_size: bytes of the whole device
 * @section_size: bytes per section
 * @first_section: offset of section 0 from the start of the device
 * @nr_sections: number of sections, and of table entries
 * @memmap_bytes: from version 2: bytes at the start of each self-hosted
 *	section that hold struct pages (the data follows); 0 in version 1, and in
 *	version 3 without self-hosted sections
 */
struct kmp_meta {
	u8 uuid[16];
	u32 version;
	u64 seq;
	u64 device_size;
	u64 section_size;
	u64 first_section;
	u64 nr_sections;
	u64 memmap_bytes;
};

/* What a copy holds. */
enum kmp_meta_verdict {
	KMP_META_VALID,
	KMP_META_BLANK,		/* header page all zero: never written */
	KMP_META_FOREIGN,	/* no signature, not blank: not ours, or garbage */
	KMP_META_BAD_CHECKSUM,
	KMP_META_BAD_VERSION,
	KMP_META_BAD_SIZE,	/* table size in the header does not fit */
	KMP_META_BAD_ENTRY,	/* a table entry is neither 0 nor 1 */
	KMP_META_BAD_GEOMETRY,	/* sections outside the device it describes */
	KMP_META_UNREADABLE,	/* a media error while reading it */
};

/* Where the table lives in a device. */
struct kmp_meta_place {
	u64 offset;		/* from the start of the device */
	u64 copy_size;		/* bytes per copy; two copies back to back */
};

u64 kmp_meta_copy_size(u64 nr_sections);
int kmp_meta_place(u64 range_size, struct kmp_layout *layout,
		   struct kmp_meta_place *place);
void kmp_meta_encode(const struct kmp_meta *meta, const u8 *table, u8 *buf);
enum kmp_meta_verdict kmp_meta_decode(const u8 *buf, u64 buf_size,
				      struct kmp_meta *meta);
const char *kmp_meta_verdict_str(enum kmp_meta_verdict verdict);
bool kmp_meta_geometry_matches(const struct kmp_meta *meta, u64 range_size,
			       const struct kmp_layout *layout);
void kmp_meta_carry_over(const struct kmp_meta *old, const u8 *old_table,
			 const struct kmp_layout *layout, u8 *table);
bool kmp_meta_signed(enum kmp_meta_verdict verdict);
int kmp_meta_pick(enum kmp_meta_verdict a, u64 seq_a,
		  enum kmp_meta_verdict b, u64 seq_b);
u64 kmp_fletcher64(const u8 *buf, u64 len);
u64 kmp_fletcher64_zeroed(const u8 *buf, u64 len, u64 field);

#endif /* KMP_METADATA_FORMAT_H */
