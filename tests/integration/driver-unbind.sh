#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
#
# Unbind and rmmod give every volatile section back; rebinding works.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable)
n=$(kmp_get "$dev" sections)
node=$(kmp_get "$dev" target_node)

# initial_mode defaults to volatile: bind alone brings the device online.
[[ $(kmp_get "$dev" volatile) == "0-$((n - 1))" ]] || fail "after bind volatile reads '$(kmp_get "$dev" volatile)'"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "after bind online reads '$(kmp_get "$dev" online)'"
(( $(kmp_node_kib "$node" MemTotal) > 0 )) || fail "node $node has no memory after bind"

# Unbind with every section volatile and some memory in use. (Preferred,
# not bound: a process bound to a node whose memory all goes away is
# rightly OOM-killed.)
numactl --preferred="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 256M --vm-keep -t 8s > /dev/null &
sleep 4
kmp_unbind "$dev"
wait || fail "workload on node $node failed while the device was unbound"
[[ ! -d $(kmp_dir "$dev") ]] || fail "sysfs directory left after unbind"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "System RAM (kmem_pmem) left after unbind"
(( $(kmp_node_kib "$node" MemTotal) == 0 )) || fail "node $node keeps memory after unbind"

# Rebind: everything comes back.
kmp_bind "$dev"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "after rebind online reads '$(kmp_get "$dev" online)'"
kmp_set "$dev" persistent 0-9

# Offline sections by hand (as an admin might): the driver follows.
first=$(kmp_get "$dev" first_memory_block)
echo offline > "/sys/devices/system/memory/memory$((first + 12))/state"
[[ $(kmp_get "$dev" online) == "10-11,13-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)' after a manual offline"
[[ $(kmp_get "$dev" volatile) == "10-$((n - 1))" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)' after a manual offline"
echo online_movable > "/sys/devices/system/memory/memory$((first + 12))/state"
[[ $(kmp_get "$dev" online) == "10-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)' after a manual online"

# rmmod with volatile sections removes them all.
rmmod kmem_pmem || fail "rmmod with volatile sections failed"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "System RAM (kmem_pmem) left after rmmod"
(( $(kmp_node_kib "$node" MemTotal) == 0 )) || fail "node $node keeps memory after rmmod"

# The module comes back; the table on the pmem brings the split back.
kmp_load
kmp_bind "$dev"
[[ $(kmp_get "$dev" online) == "10-$((n - 1))" ]] || fail "after reload online reads '$(kmp_get "$dev" online)'"
[[ $(kmp_get "$dev" persistent) == 0-9 ]] || fail "after reload persistent reads '$(kmp_get "$dev" persistent)'"
rmmod kmem_pmem
echo ok
