#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-timeout: 400
#
# Bind kmem_pmem, make every section volatile, and check the result is
# ordinary RAM on the CPU-less pmem node whose struct pages cost no DRAM.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(setup_devdax)
kmp_load initial_mode=persistent
kmp_bind "$dev"

n=$(kmp_get "$dev" sections)
size=$(kmp_get "$dev" section_size)
node=$(kmp_get "$dev" target_node)
echo "$dev: $n sections of $((size >> 20)) MiB on node $node, $(kmp_get "$dev" unaligned_bytes) bytes unaligned"
(( n == 31 )) || fail "expected 31 sections on a 4 GiB device, got $n"
(( size == $(printf %d 0x$(cat /sys/devices/system/memory/block_size_bytes)) )) ||
	fail "section_size $size is not the memory block size"
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "initial_mode=persistent left sections volatile"
[[ -z $(kmp_get "$dev" volatile) ]] || fail "volatile not empty after initial_mode=persistent"

# DRAM spent on struct pages: node 0's free memory around the hot-add,
# before onlining (onlining a node first returns per-CPU lists to node 0).
kmp_auto_online offline
sync; echo 3 > /proc/sys/vm/drop_caches
before=$(kmp_node_kib 0 MemFree)
kmp_set "$dev" volatile "0-$((n - 1))"
after=$(kmp_node_kib 0 MemFree)
spent=$((before - after))
echo "node 0 MemFree before/after adding $n sections: $before / $after KiB (spent $spent KiB; a DRAM memmap would take $((n * size / 4096 * 64 / 1024)) KiB)"
(( spent < 2048 )) || fail "adding $n sections cost $spent KiB of DRAM"
[[ $(kmp_get "$dev" memmap) == pmem ]] || fail "memmap reads $(kmp_get "$dev" memmap)"
[[ $(kmp_get "$dev" volatile) == "0-$((n - 1))" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"
[[ -z $(kmp_get "$dev" online) ]] || fail "sections online with auto_online_blocks=offline"
[[ -z $(kmp_get "$dev" persistent) ]] || fail "persistent not empty"
grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "no System RAM (kmem_pmem) in /proc/iomem"

kmp_online_all "$dev"
[[ -z $(cat /sys/devices/system/node/node$node/cpulist) ]] || fail "node $node has CPUs"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)' after onlining"
total=$(kmp_node_kib "$node" MemTotal)
expect=$((n * (size - 2 * 1024 * 1024) / 1024))
echo "node $node MemTotal $total KiB, expected about $expect KiB"
(( total >= expect * 99 / 100 && total <= expect * 101 / 100 )) || fail "node $node has $total KiB, expected $expect"
numactl -H

# A workload bound to the pmem node runs there and verifies its data.
# Its 512 MiB fill at TCG speed, slower on a busy host (one sample at 12 s
# saw 395388 KiB): watch node 1 for the whole run, keep the peak.
numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 512M --vm-keep --verify -t 20s --metrics-brief &
pid=$!
used=0
while kill -0 "$pid" 2>/dev/null && ((used <= 400 * 1024)); do
	now=$(( $(kmp_node_kib "$node" MemTotal) - $(kmp_node_kib "$node" MemFree) ))
	((now > used)) && used=$now
	sleep 1
done
wait $pid || fail "stress-ng on node $node failed"
echo "node $node in use during the workload (peak seen): $used KiB"
(( used > 400 * 1024 )) || fail "the workload did not land on node $node ($used KiB used)"

# Same state again is a no-op; sections go back to persistent.
kmp_set "$dev" volatile 0-3 || fail "making volatile sections volatile again failed"
kmp_set "$dev" persistent "0-$((n - 1))"
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "System RAM (kmem_pmem) left in /proc/iomem"
(( $(kmp_node_kib "$node" MemTotal) == 0 )) || fail "node $node still has memory"
kmp_unbind "$dev"
rmmod kmem_pmem
echo "ok"
