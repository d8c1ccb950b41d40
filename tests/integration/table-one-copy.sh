#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 4
# vm-timeout: 600
# vm-between: tests/lib/table-damage.sh
#
# One damaged 4 KiB block of the on-media table loses no acknowledged move:
# every move is recorded in both copies before it returns. Between boots
# the host overwrites a block of the table with garbage: after boot 1 the
# header of copy 1 (the newest copy under the old ping-pong scheme), after
# boot 2 the entries of copy 0, after boot 3 the headers of both copies.
# The split and the persistent data survive a damaged copy, which the bind
# repairs; with both copies damaged the table is corrupt: nothing is
# onlined, nothing is destroyed: init-keep records every section as
# whole-section data, where sections 10 and 11 (device-dax instances until
# then) hold their data after the carve-out.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable)
n=$(kmp_get "$dev" sections)

# expect_split PERSISTENT: the table came back whole, patterns intact.
expect_split() {
	[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
	[[ $(kmp_get "$dev" persistent) == "$1" ]] ||
		fail "persistent reads '$(kmp_get "$dev" persistent)', expected '$1': an acknowledged move was lost"
	kmp_check_pattern "$dev" $(kmp_expand "$1") || fail "persistent data of $1 lost"
}

case $KMP_BOOT in
1)
	[[ $(kmp_get "$dev" metadata) == new ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
	kmp_set "$dev" persistent 10
	kmp_write_pattern "$dev" 10
	kmp_carve_out "$dev" 10 > "$KMP_OUT/carve-out" || fail "section 10 made persistent has no device-dax instance"
	region=$(cat /sys/bus/nd/devices/region0/resource)
	start=$(cat "/sys/bus/dax/devices/$dev/resource")
	echo $((start - region)) > "$KMP_OUT/table-offset"
	;;
2)
	step "copy 1's header was damaged: section 10 still persistent, its data intact"
	expect_split 10
	dmesg | grep -q "table copy 1 is damaged (no signature): rewriting it from copy 0" ||
		fail "no dmesg line about the repair of copy 1"
	[[ $(kmp_get "$dev" volatile) == "0-9,11-$((n - 1))" ]] ||
		fail "volatile reads '$(kmp_get "$dev" volatile)'"
	kmp_set "$dev" persistent 11
	kmp_write_pattern "$dev" 11
	;;
3)
	step "copy 0's entries were damaged: the move of boot 2 holds"
	expect_split 10-11
	dmesg | grep -q "table copy 0 is damaged (bad checksum): rewriting it from copy 1" ||
		fail "no dmesg line about the repair of copy 0"
	;;
4)
	step "both copies damaged: corrupt, nothing onlined, nothing destroyed"
	[[ $(kmp_get "$dev" metadata) == corrupt ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
	dmesg | grep -q "is corrupt (copy 0: no signature, copy 1: no signature)" ||
		fail "no dmesg line saying why the table is not trusted"
	[[ -z $(kmp_get "$dev" volatile) ]] || fail "sections onlined from a corrupt table: $(kmp_get "$dev" volatile)"
	! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "memory added from a corrupt table"
	kmp_set "$dev" metadata init-keep
	[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] ||
		fail "persistent reads '$(kmp_get "$dev" persistent)' after init-keep"
	kmp_check_kept "$dev" "$(cat "$KMP_OUT/carve-out")" 10 11 || fail "persistent data lost with both copies damaged"
	;;
esac
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
