#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 1G
#
# The kernel's auto-online policy "online" (Debian's default from 6.12 on;
# memhp_default_state=online on 6.1) onlines hot-added memory into
# ZONE_NORMAL. A section there soon holds unmovable kernel pages and could
# never become persistent again. kmem_pmem refuses to let any of its
# sections be onlined outside ZONE_MOVABLE, whoever asks, says so once per
# device with the fix, and the sections stay volatile and offline until
# onlined movable; then they move both ways as usual.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh
pmemctl_require

booted=$(< /sys/devices/system/memory/auto_online_blocks)
echo "auto_online_blocks as booted: $booted"
[[ $booted == online ]] || kmp_auto_online online

step "pmemctl check flags the policy"
expect_exit 3 check --json
jq -e '.checks[] | select(.name == "auto_online_blocks") | .status == "fail"' <<< "$out" > /dev/null ||
	fail "check does not flag auto_online_blocks=online: $out"

step "bind: every section volatile, none onlined into a kernel zone"
dev=$(setup_devdax)
kmp_load
dmesg_mark
kmp_bind "$dev"
n=$(kmp_get "$dev" sections)
first=$(kmp_get "$dev" first_memory_block)
[[ $(kmp_get "$dev" volatile) == "0-$((n - 1))" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"
[[ -z $(kmp_get "$dev" online) ]] || fail "online reads '$(kmp_get "$dev" online)': onlined into a kernel zone"
for ((i = 0; i < n; i++)); do
	[[ $(< /sys/devices/system/memory/memory$((first + i))/state) == offline ]] ||
		fail "memory block $((first + i)) (section $i) is not offline"
done
[[ $(dmesg_since_mark | grep -c "refusing to online it into zone Normal") == 1 ]] ||
	fail "expected one refusal line naming zone Normal: $(dmesg_since_mark | grep kmem_pmem)"
expect_dmesg "memhp_default_state=online_movable"

step "an admin's online or online_kernel is refused as well"
blk=/sys/devices/system/memory/memory$first
expect_write_error EPERM "$blk/state" online
expect_write_error EPERM "$blk/state" online_kernel
[[ -z $(kmp_get "$dev" online) ]] || fail "online reads '$(kmp_get "$dev" online)'"

step "online_movable works; the sections move both ways"
kmp_online_all "$dev"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
[[ $(< "$blk/valid_zones") == Movable ]] || fail "section 0 is in zone '$(< "$blk/valid_zones")'"
numactl --membind=1 -- dd if=/dev/zero of=/dev/shm/fill bs=1M count=64 status=none ||
	fail "cannot allocate on node 1"
rm -f /dev/shm/fill
kmp_set "$dev" persistent "0-$((n - 1))"
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
kmp_set "$dev" volatile 0
[[ -z $(kmp_get "$dev" online) ]] || fail "section 0 onlined into a kernel zone after a move"
kmp_unbind "$dev"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "a section was left behind by unbind"
rmmod kmem_pmem
echo ok
