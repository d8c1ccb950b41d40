// SPDX-License-Identifier: GPL-2.0
// unit-sources: metadata_format.c section_layout.c
/* The on-media table: placement, encoding, corruption, the A/B pick. */
#include <stdlib.h>
#include "unit.h"
#include "metadata_format.h"

#define MiB (1ULL << 20)
#define GiB (1ULL << 30)

static struct kmp_meta sample(u64 nr)
{
	struct kmp_meta m = {
		.uuid = { 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16 },
		.seq = 7,
		.device_size = 4 * GiB - 2 * MiB,
		.section_size = 128 * MiB,
		.first_section = 126 * MiB,
		.nr_sections = nr,
	};
	return m;
}

static void test_roundtrip(void)
{
	struct kmp_meta m = sample(31), d;
	u64 size = kmp_meta_copy_size(31);
	u8 *buf = malloc(size), table[31];
	int i;

	CHECK_EQ(size, 8192);
	for (i = 0; i < 31; i++)
		table[i] = i % 3 == 0;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_VALID);
	CHECK_EQ(d.seq, 7);
	CHECK_EQ(d.nr_sections, 31);
	CHECK_EQ_U64(d.device_size, m.device_size);
	CHECK_EQ_U64(d.first_section, 126 * MiB);
	CHECK(!memcmp(d.uuid, m.uuid, 16));
	CHECK(!memcmp(buf + KMP_META_HDR_SIZE, table, 31));
	/* Little-endian on the media, whatever the host. */
	CHECK_EQ(buf[40], 7);
	CHECK_EQ(buf[41], 0);
	CHECK(!memcmp(buf, "KMEM_PMEM_META", 14));
	free(buf);
}

static void test_corruption(void)
{
	struct kmp_meta m = sample(31), d;
	u64 size = kmp_meta_copy_size(31), i;
	u8 *buf = malloc(size), table[31] = { 0 };
	int bad = 0;

	kmp_meta_encode(&m, table, buf);
	/* Any single flipped bit outside the signature is caught. */
	for (i = KMP_META_SIG_LEN; i < size; i += 97) {
		buf[i] ^= 0x10;
		bad += kmp_meta_decode(buf, size, &d) == KMP_META_VALID;
		buf[i] ^= 0x10;
	}
	CHECK_EQ(bad, 0);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_VALID);

	buf[KMP_META_HDR_SIZE + 3] = 1;	/* an entry flip breaks the sum */
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_CHECKSUM);
	buf[KMP_META_HDR_SIZE + 3] = 0;
	buf[32] = 4;			/* version 4: unknown */
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_VERSION);
	buf[32] = 1;
	buf[0] = 'X';
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_FOREIGN);
	buf[0] = 'K';
	CHECK_EQ(kmp_meta_decode(buf, size - 4096, &d), KMP_META_BAD_SIZE);

	table[5] = 9;			/* valid sum, nonsense entry */
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_ENTRY);

	memset(buf, 0, size);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BLANK);
	free(buf);
}

/* Store @v little-endian: the tests craft headers the encoder never writes. */
static void put64(u8 *p, u64 v)
{
	int i;

	for (i = 0; i < 8; i++)
		p[i] = (u8)(v >> (8 * i));
}

/* Re-sign a crafted copy of @size bytes: a valid checksum over anything. */
static void resign(u8 *buf, u64 size)
{
	put64(buf + 88, 0);
	put64(buf + 88, kmp_fletcher64(buf, size));
}

/*
 * Only an all-zero header page means "never written". Garbage without the
 * signature (another user's data, a stray write) is not a blank table.
 */
/*
 * Version 2: written only when a section is self-hosted (entry 2), with the
 * memmap bytes; without one the table stays version 1, which older modules
 * read. Entry 2 in a version 1 table is not an entry.
 */
static void test_self_hosted(void)
{
	struct kmp_meta m = sample(31), d;
	u64 size = kmp_meta_copy_size(31);
	u8 *buf = malloc(size), table[31] = { 0 };

	table[1] = KMP_META_VOLATILE;
	m.memmap_bytes = 2 * MiB;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(buf[32], 1);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_VALID);
	CHECK_EQ(d.version, 1);
	CHECK_EQ_U64(d.memmap_bytes, 0);

	table[4] = KMP_META_SELF_HOSTED;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(buf[32], 2);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_VALID);
	CHECK_EQ(d.version, 2);
	CHECK_EQ_U64(d.memmap_bytes, 2 * MiB);
	CHECK_EQ(buf[KMP_META_HDR_SIZE + 4], KMP_META_SELF_HOSTED);
	CHECK(kmp_meta_is_persistent(KMP_META_SELF_HOSTED));
	CHECK(!kmp_meta_is_persistent(KMP_META_VOLATILE));

	/* Memmap bytes that cannot be: none, a whole section, unaligned. */
	m.memmap_bytes = 0;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_GEOMETRY);
	m.memmap_bytes = 128 * MiB;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_GEOMETRY);
	m.memmap_bytes = 2 * MiB + 1;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_GEOMETRY);

	/* A version 1 header over a self-hosted entry, correctly summed. */
	m.memmap_bytes = 2 * MiB;
	kmp_meta_encode(&m, table, buf);
	buf[32] = 1;
	memset(buf + 96, 0, 8);
	resign(buf, size);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_ENTRY);
	free(buf);
}

/*
 * Version 3: written only when a section is a namespace (entry 3), with or
 * without self-hosted ones; a carve-out only matters with one of those.
 * Entry 3 in a version 2 table is not an entry.
 */
static void test_namespace(void)
{
	struct kmp_meta m = sample(31), d;
	u64 size = kmp_meta_copy_size(31);
	u8 *buf = malloc(size), table[31] = { 0 };

	table[5] = KMP_META_NAMESPACE;
	m.memmap_bytes = 0;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(buf[32], 3);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_VALID);
	CHECK_EQ(d.version, 3);
	CHECK_EQ_U64(d.memmap_bytes, 0);
	CHECK(kmp_meta_is_persistent(KMP_META_NAMESPACE));
	CHECK(kmp_meta_is_served(KMP_META_NAMESPACE));
	CHECK(kmp_meta_is_served(KMP_META_SELF_HOSTED));
	CHECK(!kmp_meta_is_served(KMP_META_PERSISTENT));

	/* With a self-hosted section too: its carve-out must be right. */
	table[6] = KMP_META_SELF_HOSTED;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_GEOMETRY);
	m.memmap_bytes = 2 * MiB;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(buf[32], 3);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_VALID);
	CHECK_EQ_U64(d.memmap_bytes, 2 * MiB);

	/* Back to version 2 when the last namespace goes. */
	table[5] = KMP_META_VOLATILE;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(buf[32], 2);

	/* A version 2 header over a namespace entry, correctly summed. */
	table[5] = KMP_META_NAMESPACE;
	kmp_meta_encode(&m, table, buf);
	buf[32] = 2;
	resign(buf, size);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_ENTRY);
	free(buf);
}

static void test_blank_only_if_zero(void)
{
	u64 size = kmp_meta_copy_size(31);
	u8 *buf = calloc(1, size);
	struct kmp_meta d;

	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BLANK);
	/* The table part is not looked at for the verdict "blank". */
	buf[KMP_META_HDR_SIZE + 5] = 0x5a;
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BLANK);
	/* One byte anywhere in the header page: not blank. */
	buf[KMP_META_HDR_SIZE - 1] = 0x5a;
	CHECK(kmp_meta_decode(buf, size, &d) != KMP_META_BLANK);
	CHECK(kmp_meta_decode(buf, size, &d) != KMP_META_VALID);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_FOREIGN);
	buf[KMP_META_HDR_SIZE - 1] = 0;
	buf[200] = 0x5a;
	CHECK(kmp_meta_decode(buf, size, &d) != KMP_META_BLANK);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_FOREIGN);
	/* Two copies of garbage are a corrupt table, not "no table". */
	CHECK_EQ(kmp_meta_pick(kmp_meta_decode(buf, size, &d), 0,
			       kmp_meta_decode(buf, size, &d), 0), -EBADMSG);
	/* ... but not a table of ours either: pmemctl restore leaves it. */
	CHECK(!kmp_meta_signed(kmp_meta_decode(buf, size, &d)));
	CHECK(!kmp_meta_signed(KMP_META_BLANK));
	CHECK(!kmp_meta_signed(KMP_META_UNREADABLE));
	CHECK(kmp_meta_signed(KMP_META_BAD_CHECKSUM));
	CHECK(kmp_meta_signed(KMP_META_VALID));
	free(buf);
}

/*
 * A section count whose table cannot fit the copy is refused before any
 * size is computed from it: 2^64 - 1 wraps the table size to 0, and a
 * crafted header with a valid checksum then made the entry check read
 * 2^64 bytes past the buffer.
 */
static void test_huge_count(void)
{
	u64 size = kmp_meta_copy_size(31), nrs[] = { ~0ULL, ~0ULL - 4094, 1ULL << 63, 4097 };
	struct kmp_meta m = sample(0), d;
	u8 *buf = malloc(size), table[1] = { 0 };
	unsigned int k;

	for (k = 0; k < sizeof(nrs) / sizeof(nrs[0]); k++) {
		kmp_meta_encode(&m, table, buf);
		memset(buf + KMP_META_HDR_SIZE, 0, size - KMP_META_HDR_SIZE);
		put64(buf + 72, nrs[k]);	/* nr_sections */
		put64(buf + 80, 0);		/* table size, as it wraps */
		resign(buf, KMP_META_HDR_SIZE);
		CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_SIZE);
	}
	free(buf);
}

/* A signed, checksummed header whose sections lie outside its device. */
static void test_impossible_geometry(void)
{
	u64 size = kmp_meta_copy_size(31);
	struct kmp_meta m = sample(31), d;
	u8 *buf = malloc(size), table[31] = { 0 };

	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_VALID);
	m.device_size -= 1;	/* the last section sticks out by a byte */
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_GEOMETRY);
	m = sample(31);
	m.section_size = 0;
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_GEOMETRY);
	m = sample(31);
	m.first_section = ~0ULL - 64 * MiB;	/* first + nr * size wraps */
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_GEOMETRY);
	free(buf);
}

/* The entries as a string of 'p' and 'v', for readable expectations. */
static const char *uses(const u8 *table, u64 n)
{
	static char str[128];
	u64 i;

	for (i = 0; i < n && i < sizeof(str) - 1; i++)
		str[i] = table[i] == KMP_META_VOLATILE ? 'v' : 'p';
	str[i] = 0;
	return str;
}

static struct kmp_layout geometry(u64 first, u64 size, u64 nr)
{
	struct kmp_layout l = {
		.section_size = size, .nr_sections = nr, .head_bytes = first,
	};
	return l;
}

/*
 * A valid table of another geometry: every new section that overlaps an
 * old volatile section, or bytes the old table did not describe, must be
 * zeroed before it is served; the rest keeps its data.
 */
static void test_carry_over(void)
{
	struct kmp_meta old = sample(31);	/* 126 MiB head, 31 x 128 MiB */
	u8 old_table[31] = { 0 }, t[64];
	struct kmp_layout l;

	/* 128 MiB -> 2 GiB blocks: one section at 2046 MiB, tail 0. */
	l = geometry(2046 * MiB, 2 * GiB, 1);
	old_table[14] = KMP_META_VOLATILE;	/* ends exactly at 2046 MiB */
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 1), "p");
	old_table[15] = KMP_META_VOLATILE;	/* starts at 2046 MiB */
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 1), "v");
	old_table[15] = 0;
	old_table[30] = KMP_META_VOLATILE;	/* the last byte of the device */
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 1), "v");

	/* 2 GiB -> 128 MiB blocks: the old section covers new 15-30. */
	{
		struct kmp_meta big = sample(1);
		u8 one = KMP_META_VOLATILE;

		big.section_size = 2 * GiB;
		big.first_section = 2046 * MiB;
		l = geometry(126 * MiB, 128 * MiB, 31);
		kmp_meta_carry_over(&big, &one, &l, t);
		CHECK_STREQ(uses(t, 31), "pppppppppppppppvvvvvvvvvvvvvvvv");
		one = KMP_META_PERSISTENT;
		kmp_meta_carry_over(&big, &one, &l, t);
		CHECK_STREQ(uses(t, 31), "ppppppppppppppppppppppppppppppp");
	}

	/* First section shifted by 62 MiB: old 0 straddles new 0 and 1. */
	memset(old_table, 0, sizeof(old_table));
	old_table[0] = KMP_META_VOLATILE;
	l = geometry(64 * MiB, 128 * MiB, 31);
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 31), "vvppppppppppppppppppppppppppppp");

	/* Volatile at both ends, device grown: 31-39 were never described. */
	old_table[30] = KMP_META_VOLATILE;
	l = geometry(126 * MiB, 128 * MiB, 40);
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 40), "vpppppppppppppppppppppppppppppvvvvvvvvvv");

	/* Device shrunk to 20 sections: old 30 is gone, old 19 stays. */
	old_table[19] = KMP_META_VOLATILE;
	l = geometry(126 * MiB, 128 * MiB, 20);
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 20), "vppppppppppppppppppv");

	/* Same geometry, nothing volatile: everything keeps its data. */
	memset(old_table, 0, sizeof(old_table));
	l = geometry(126 * MiB, 128 * MiB, 31);
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 31), "ppppppppppppppppppppppppppppppp");

	/*
	 * A self-hosted section's first bytes are struct pages (kernel
	 * addresses), and its data sits after them: zeroed like volatile
	 * ones, never served as a plain persistent section.
	 */
	old_table[3] = KMP_META_SELF_HOSTED;
	kmp_meta_carry_over(&old, old_table, &l, t);
	CHECK_STREQ(uses(t, 31), "pppvppppppppppppppppppppppppppp");
}

static void test_pick(void)
{
	CHECK_EQ(kmp_meta_pick(KMP_META_VALID, 4, KMP_META_VALID, 5), 1);
	CHECK_EQ(kmp_meta_pick(KMP_META_VALID, 6, KMP_META_VALID, 5), 0);
	/* A torn update of the newer copy: the older one stays current. */
	CHECK_EQ(kmp_meta_pick(KMP_META_VALID, 4, KMP_META_BAD_CHECKSUM, 0), 0);
	CHECK_EQ(kmp_meta_pick(KMP_META_BLANK, 0, KMP_META_VALID, 1), 1);
	CHECK_EQ(kmp_meta_pick(KMP_META_BLANK, 0, KMP_META_BLANK, 0), -ENOENT);
	CHECK_EQ(kmp_meta_pick(KMP_META_BAD_CHECKSUM, 0, KMP_META_BLANK, 0), -EBADMSG);
	CHECK_EQ(kmp_meta_pick(KMP_META_BAD_VERSION, 0, KMP_META_BAD_CHECKSUM, 0), -EBADMSG);
}

static void test_place(void)
{
	struct kmp_layout l;
	struct kmp_meta_place p;

	/* devdax: 126 MiB head holds it, no section lost. */
	CHECK_EQ(kmp_layout_compute(4 * GiB + 2 * MiB, 4 * GiB - 2 * MiB, 128 * MiB, &l), 0);
	CHECK_EQ(kmp_meta_place(4 * GiB - 2 * MiB, &l, &p), 0);
	CHECK_EQ(p.offset, 0);
	CHECK_EQ(p.copy_size, 8192);
	CHECK_EQ(l.nr_sections, 31);

	/* Aligned start, unaligned tail. */
	CHECK_EQ(kmp_layout_compute(4 * GiB, 4 * GiB - 2 * MiB, 128 * MiB, &l), 0);
	CHECK_EQ(kmp_meta_place(4 * GiB - 2 * MiB, &l, &p), 0);
	CHECK_EQ_U64(p.offset, 31 * 128 * MiB);
	CHECK_EQ(l.nr_sections, 31);

	/* Fully aligned: section 0 is taken, ids stay deterministic. */
	CHECK_EQ(kmp_layout_compute(4 * GiB, 4 * GiB, 128 * MiB, &l), 0);
	CHECK_EQ(kmp_meta_place(4 * GiB, &l, &p), 0);
	CHECK_EQ(p.offset, 0);
	CHECK_EQ(l.nr_sections, 31);
	CHECK_EQ_U64(l.start, 4 * GiB + 128 * MiB);
	CHECK_EQ_U64(l.head_bytes, 128 * MiB);

	/* A single aligned section leaves nothing. */
	CHECK_EQ(kmp_layout_compute(4 * GiB, 128 * MiB, 128 * MiB, &l), 0);
	CHECK_EQ(kmp_meta_place(128 * MiB, &l, &p), -ENOSPC);

	/* 1 TiB: 8192 sections, 2 x 12 KiB. */
	CHECK_EQ(kmp_layout_compute(2 * MiB, (1ULL << 40) - 2 * MiB, 128 * MiB, &l), 0);
	CHECK_EQ(kmp_meta_place((1ULL << 40) - 2 * MiB, &l, &p), 0);
	CHECK_EQ(p.copy_size, 4096 + 8192);
}

int main(void)
{
	RUN(test_roundtrip);
	RUN(test_corruption);
	RUN(test_self_hosted);
	RUN(test_namespace);
	RUN(test_blank_only_if_zero);
	RUN(test_huge_count);
	RUN(test_impossible_geometry);
	RUN(test_carry_over);
	RUN(test_pick);
	RUN(test_place);
	return unit_done();
}
