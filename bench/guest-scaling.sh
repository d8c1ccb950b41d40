#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 256G
# vm-maxmem: 300G
# vm-timeout: 2400
#
# Scaling: N = 1, 8, 64, 512, 2047 sections of a 256 GiB device to RAM and
# back on the 2 GiB guest, time and DRAM. kmem is not run: it would need
# 4 GiB of DRAM for this device's struct pages (the guest has 2) and it
# has no unit smaller than the whole device; bench/report.sh states the
# arithmetic from the DRAM per GiB measured by guest-compare.sh.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. bench/lib.sh

dev=$(setup_devdax)
bench_init "$dev"
# Largest first. Under TCG a section's first scrub makes the host fault in
# a page-cache page per 4 KiB of the sparse backing file: slow while the
# host reclaims other VMs' memory for it, fast once its page cache is the
# file's own clean pages. The largest step leaves the host in that state.
bench_step "scaling: N = $(kmp_get "$dev" sections)"
bench_scaling 1 "$(kmp_get "$dev" sections)"
bench_step "scaling: N = 512"
bench_scaling 2 512
bench_step "scaling: N = 1, 8, 64, in turn"
bench_scaling 5 1 8 64
echo ok
