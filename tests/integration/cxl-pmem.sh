#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-cxl: 1G
# vm-boots: 2
# vm-timeout: 400
#
# kmem_pmem on CXL persistent memory (QEMU 7.2's cxl-type3 behind a host
# bridge with two root ports), the way an admin sets it up: cxl
# create-region, a devdax namespace, bind. All sections become RAM on the
# CXL node with their struct pages in the CXL memory, a workload runs
# there, one section goes back to persistent and keeps data across a
# reboot (a new QEMU on the same backing files), and the split comes back
# from the table. Emulated CXL memory is ~70x slower than DRAM under TCG:
# the workload is small, and its programs are page-cached before the CXL
# node has memory (QEMU 7.2 hangs executing code from CXL memory).
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/cxl.sh

require_cmd numactl stress-ng
dev=$(setup_cxl_devdax)
cxl_cache_programs numactl stress-ng
kmp_auto_online online_movable
kmp_load
kmp_bind "$dev"
n=$(kmp_get "$dev" sections)
last=$((n - 1))
node=$(kmp_get "$dev" target_node)
((n >= 4)) || fail "$dev has $n sections, expected a 1 GiB device to give at least 4"
echo "$dev: $n sections on node $node, memmap $(kmp_get "$dev" memmap)"

if [[ $KMP_BOOT == 1 ]]; then
	step "boot 1: a new table, every section RAM on the CXL node"
	[[ $(kmp_get "$dev" metadata) == new ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' on a new device"
	[[ $(kmp_get "$dev" online) == "0-$last" ]] || fail "online reads '$(kmp_get "$dev" online)'"
	[[ $(kmp_get "$dev" memmap) == pmem ]] || fail "memmap reads '$(kmp_get "$dev" memmap)': struct pages not in the CXL memory"
	total=$(kmp_node_kib "$node" MemTotal)
	((total >= n * 126 * 1024)) || fail "node $node has $total KiB for $n sections"

	step "a small workload bound to the CXL node"
	numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 4M --vm-ops 40 \
		--verify --metrics-brief -t 60 2>&1 | grep -E 'successful|vm ' ||
		fail "stress-ng --verify on node $node failed"

	step "section $last back to persistent: zeroed, then written"
	kmp_set "$dev" persistent "$last"
	[[ $(kmp_get "$dev" volatile) == "0-$((last - 1))" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"
	kmp_write_pattern "$dev" "$last"
	echo ok
	exit 0
fi

step "boot 2: the region and namespace come back, and the split from the table"
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' after reboot"
[[ $(kmp_get "$dev" persistent) == "$last" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)', expected $last"
[[ $(kmp_get "$dev" online) == "0-$((last - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
kmp_check_pattern "$dev" "$last" || fail "section $last lost its bytes across the reboot"
numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 4M --vm-ops 10 --verify -t 60 >/dev/null 2>&1 ||
	fail "stress-ng --verify on node $node failed after the reboot"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
