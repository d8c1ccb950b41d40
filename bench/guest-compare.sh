#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-timeout: 1200
#
# kmem_pmem and the kernel's kmem on the same 4 GiB emulated pmem device in
# one boot: DRAM spent on struct pages, capacity, whole-device moves,
# single-section moves, bandwidth and latency, a persistent section's
# mapping against the kernel's device-dax. Figures go to
# $KMP_OUT/results.jsonl (see bench/lib.sh); `make bench` runs this.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. bench/lib.sh

# Repetitions of the whole-device cycle: its ratios are taken per
# repetition, and with other VMs on the host one repetition of either
# driver's half can take several times another (seen: kmem's back from 0.35
# to 1.54 s in one boot), so the median needs more than a handful.
reps=${BENCH_REPS:-11}

dev=$(setup_devdax)
bench_init "$dev"

# Warm-up, not recorded: the first pass over the NVDIMM's sparse backing
# file costs the host a page fault per page; every later pass finds it in
# the host's page cache. One whole cycle touches every byte (the scrub).
bench_step "warm-up"
kmp_auto_online online_movable
kmp_set "$dev" volatile all
kmp_set "$dev" persistent all

bench_step "DRAM per GiB"
bench_dram 3
bench_step "capacity"
bench_capacity
bench_step "whole device to RAM and back"
# Every traced call of the cycle kept too, in order (out/trace/), to see
# which call of a move a long one was.
BENCH_TRACE_KEEP=$KMP_OUT/trace bench_cycle "$reps"
bench_step "kmem through daxctl"
bench_daxctl 3
bench_step "single-section moves"
bench_single 3
bench_step "bandwidth and latency"
bench_bandwidth 5 256 64
bench_step "a persistent section mapped: kmem_pmem's device-dax instance, the kernel's device-dax"
bench_devdax 5
echo ok
