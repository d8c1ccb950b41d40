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
	buf[32] = 2;			/* version 2 */
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_VERSION);
	buf[32] = 1;
	buf[0] = 'X';
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BLANK);
	buf[0] = 'K';
	CHECK_EQ(kmp_meta_decode(buf, size - 4096, &d), KMP_META_BAD_SIZE);

	table[5] = 9;			/* valid sum, nonsense entry */
	kmp_meta_encode(&m, table, buf);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BAD_ENTRY);

	memset(buf, 0, size);
	CHECK_EQ(kmp_meta_decode(buf, size, &d), KMP_META_BLANK);
	free(buf);
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
	RUN(test_pick);
	RUN(test_place);
	return unit_done();
}
