#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
# vm-timeout: 600
# vm-between: off=$(cat "$KMP_OUT/table-offset") && { yes 'not a kmem_pmem table' || true; } | head -c 16384 | dd of="$KMP_NVDIMM_IMG" bs=4096 seek=$((off / 4096)) conv=notrunc status=none
#
# Only an all-zero header means "no table". Garbage over both copies (a
# stray 16 KiB write at offset 0 of the device, from the host between the
# boots) is a corrupt table, not a blank one: nothing is onlined (with the
# default initial_mode=volatile a "new" table would hot-add every section,
# destroying the persistent data). Nothing says what such sections held, so
# "init" starts a table that refuses them all until made persistent, which
# zeroes them.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable)
n=$(kmp_get "$dev" sections)

if (( KMP_BOOT == 1 )); then
	kmp_set "$dev" persistent 10
	kmp_write_pattern "$dev" 10
	region=$(cat /sys/bus/nd/devices/region0/resource)
	start=$(cat "/sys/bus/dax/devices/$dev/resource")
	echo $((start - region)) > "$KMP_OUT/table-offset"
	kmp_unbind "$dev"
	rmmod kmem_pmem
	echo ok
	exit 0
fi

step "garbage at the table: corrupt, not new; nothing onlined"
[[ $(kmp_get "$dev" metadata) == corrupt ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
dmesg | grep -q "is corrupt (copy 0: no signature, copy 1: no signature)" ||
	fail "no dmesg line saying why the table is not trusted"
[[ -z $(kmp_get "$dev" volatile) ]] || fail "sections onlined over garbage: $(kmp_get "$dev" volatile)"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "memory added over garbage"

step "init: every section refused until made persistent (zeroed)"
kmp_set "$dev" metadata init
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' after init"
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
dmesg | grep -q "new kmem_pmem table: 0 sections persistent, $n refused until made persistent" ||
	fail "no dmesg line for the new table"
cdev=$(kmp_chardev "$dev")
for i in 0 10 $((n - 1)); do
	err=$(dd if="$cdev" bs=4096 count=1 skip=$((i * 32768)) status=none 2>&1 >/dev/null) &&
		fail "section $i readable after init over garbage"
	[[ $err == *"No such device or address"* ]] || fail "reading section $i: '$err', expected ENXIO"
done
err=$(kmp_set "$dev" metadata init-keep 2>&1) && fail "init-keep of a sound table succeeded"
kmp_set "$dev" persistent 10
kmp_check_zero "$dev" 10 || fail "section 10 not zero after being made persistent"
kmp_set "$dev" volatile 0-1
[[ $(kmp_get "$dev" online) == 0-1 ]] || fail "online reads '$(kmp_get "$dev" online)'"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
