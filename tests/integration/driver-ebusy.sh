#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
#
# A section whose memory cannot be offlined stays volatile and usable; an
# unbind that cannot remove sections keeps them accounted, pins the module,
# and a rebind adopts them. Offlining is refused deterministically by the
# kernel's memory-notifier-error-inject module.
. tests/lib/guest.sh
. tests/lib/kmp.sh

modprobe memory-notifier-error-inject || skip "memory-notifier-error-inject not available"
inject=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error

dev=$(kmp_setup online_movable)
n=$(kmp_get "$dev" sections)
node=$(kmp_get "$dev" target_node)
all="0-$((n - 1))"

echo -16 > "$inject"
err=$(kmp_set "$dev" persistent 5-7 2>&1) && fail "persistent write succeeded while offlining is refused"
[[ $err == *"Device or resource busy"* ]] || fail "refused move reported '$err', expected EBUSY"
[[ $(kmp_get "$dev" online) == "$all" ]] || fail "online reads '$(kmp_get "$dev" online)' after a refused move"
numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 128M --verify -t 3s > /dev/null ||
	fail "memory of node $node unusable after a refused move"

# Unbind cannot fail: every section stays RAM, still accounted.
kmp_unbind "$dev"
dmesg | grep -q "$n sections could not be removed" || fail "no dmesg line naming the sections left behind"
grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "sections left behind lost their resource"
(( $(kmp_node_kib "$node" MemTotal) > 0 )) || fail "node $node lost its memory"
if rmmod kmem_pmem 2>/dev/null; then fail "rmmod succeeded with sections left behind"; fi

# Rebind adopts them, and they can be moved once offlining works again.
echo 0 > "$inject"
kmp_bind "$dev"
dmesg | grep -q "adopting the sections" || fail "rebind did not adopt the orphaned sections"
[[ $(kmp_get "$dev" online) == "$all" ]] || fail "after adoption online reads '$(kmp_get "$dev" online)'"
kmp_set "$dev" persistent 5-7
[[ $(kmp_get "$dev" persistent) == 5-7 ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"

# A multi-section write stops at the first failure: what moved, moved.
echo -16 > "$inject"
kmp_set "$dev" persistent 20-22 2>/dev/null && fail "move succeeded while offlining is refused"
[[ $(kmp_get "$dev" persistent) == 5-7 ]] || fail "refused move changed persistent to '$(kmp_get "$dev" persistent)'"
echo 0 > "$inject"

kmp_unbind "$dev"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "System RAM (kmem_pmem) left after the final unbind"
rmmod kmem_pmem || fail "rmmod failed after everything was removed"
echo ok
