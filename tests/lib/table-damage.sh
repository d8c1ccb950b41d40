#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# vm-between helper of tests/integration/table-one-copy.sh: overwrite 4 KiB
# blocks of kmem_pmem's table in the NVDIMM backing file with garbage (no
# signature), which block depending on the boot just finished. The table's
# file offset was saved by boot 1; copy 0 is its first 8 KiB, copy 1 the next.
set -eu
off=$(cat "$KMP_OUT/table-offset")

damage() {
	{ yes garbage || true; } | head -c 4096 |
		dd of="$KMP_NVDIMM_IMG" bs=4096 seek=$(($1 / 4096)) conv=notrunc status=none
}

case $KMP_BOOT in
1) damage $((off + 8192)) ;;		# copy 1, header
2) damage $((off + 4096)) ;;		# copy 0, entries
3) damage "$off"; damage $((off + 8192)) ;;	# both headers
esac
