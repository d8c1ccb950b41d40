#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 256G
# vm-maxmem: 300G
# vm-timeout: 5400
#
# Scaling: N = 1, 8, 64, 512, 2047 sections of a 256 GiB device to RAM and
# back on the 2 GiB guest, time and DRAM; about 20 minutes under TCG on a
# quiet host, an hour or more on a busy one (the timeout allows for it). kmem
# is not run: it would need 4 GiB of DRAM for this device's struct pages
# (the guest has 2) and it has no unit smaller than the whole device;
# bench/report.sh states the arithmetic from the DRAM per GiB measured by
# guest-compare.sh.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. bench/lib.sh

dev=$(setup_devdax)
bench_init "$dev"
# Under TCG the first hot-add of a section writes its struct pages into a
# hole of the sparse backing file, which the host must allocate, and every
# scrub reads pages the host must fault in: costs of the emulation, not of
# the driver. So the largest step runs twice, the first time recorded apart
# as the first touch of the backing file; every later step meets sections
# that have been RAM before, as on a machine that has been running.
total=$(kmp_get "$dev" sections)
bench_step "scaling: first touch of the backing file, N = $total"
BENCH_SCALING_KEY=scaling.first_touch bench_scaling 1 "$total"
bench_step "scaling: N = $total"
bench_scaling 1 "$total"
bench_step "scaling: N = 512"
bench_scaling 2 512
bench_step "scaling: N = 1, 8, 64, in turn"
bench_scaling 5 1 8 64
echo ok
