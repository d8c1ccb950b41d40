#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-hmem: 1G
# vm-timeout: 300
#
# The soft-reserved path, how volatile CXL memory expanders and HBM reach
# device-dax when firmware marks them EFI_MEMORY_SP: node 1's 1 GiB of RAM
# is e820 "soft reserved" (memmap=1G%4G-1+0xefffffff, see tests/README.md),
# dax_hmem makes a device-dax instance of it on node 1, and kmem_pmem
# binds it like any other: every section RAM with its struct pages inside
# it, a workload on the node, a section out and back.
# Why memmap= and not the firmware's way: efi_fake_mem= needs
# CONFIG_EFI_FAKE_MEMMAP (none of the three kernels has it) and an EFI
# boot (no OVMF here), and QEMU 7.2 never sets EFI_MEMORY_SP (its HMAT,
# -machine hmat=on, only describes latency and bandwidth). From the e820
# type on, the path is the firmware's: the EFI code turns EFI_MEMORY_SP
# into the same E820_TYPE_SOFT_RESERVED, then a "Soft Reserved" resource,
# hmem_init() with the node from SRAT (phys_to_target_node()), dax_hmem.
# Not covered: HMAT-registered targets, and soft-reserved ranges inside a
# CXL window (6.12 leaves those to the CXL driver).
. tests/lib/guest.sh
. tests/lib/kmp.sh

require_cmd numactl stress-ng
# 6.1 and 6.12 list the range in /proc/iomem; 7.3 keeps soft-reserved
# ranges in a tree of their own until a driver claims them.
grep 'Soft Reserved' /proc/iomem || true
modprobe -a dax_hmem device_dax || fail "cannot load dax_hmem"
wait_for 30 _guest_first_dax >/dev/null
dev=$(_guest_first_dax)
wait_for 30 test -c "/dev/$dev"
echo "$dev: $(cat "/sys/bus/dax/devices/$dev/size") bytes, target_node $(cat "/sys/bus/dax/devices/$dev/target_node")"
path=$(realpath "/sys/bus/dax/devices/$dev")
[[ $path == */hmem.*/"$dev" ]] || fail "$dev does not come from dax_hmem: $path"
echo "$path"

step "kmem_pmem on the dax_hmem device: every section RAM on node 1"
kmp_auto_online online_movable
kmp_load
kmp_bind "$dev"
n=$(kmp_get "$dev" sections)
last=$((n - 1))
[[ $(kmp_get "$dev" target_node) == 1 ]] || fail "target_node reads $(kmp_get "$dev" target_node)"
[[ $(kmp_get "$dev" online) == "0-$last" ]] || fail "online reads '$(kmp_get "$dev" online)'"
[[ $(kmp_get "$dev" memmap) == pmem ]] || fail "memmap reads '$(kmp_get "$dev" memmap)'"
total=$(kmp_node_kib 1 MemTotal)
((total >= n * 126 * 1024)) || fail "node 1 has $total KiB for $n sections"
echo "$n sections, node 1: $total KiB"
numactl --membind=1 stress-ng --temp-path /tmp --vm 1 --vm-bytes 64M --vm-ops 20 --verify -t 60 2>&1 |
	grep -E 'successful' || fail "stress-ng --verify on node 1 failed"

step "section $last out of the page allocator and back"
kmp_set "$dev" persistent "$last"
[[ $(kmp_get "$dev" volatile) == "0-$((last - 1))" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"
kmp_set "$dev" volatile "$last"
[[ $(kmp_get "$dev" online) == "0-$last" ]] || fail "online reads '$(kmp_get "$dev" online)'"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
