#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
# vm-timeout: 600
# vm-between: read -r off size < "$KMP_OUT/table-place" && python3 tests/lib/kmp_table.py "$KMP_NVDIMM_IMG" "$off" "$size" $((64 << 20)) $((126 << 20)) 62 0,1,2,3,4,5,6,7,8,9,61
#
# A valid table of another geometry is not trusted, and "init" does not make
# former RAM readable: sections overlapping a section the old table recorded
# volatile are refused by the char device until made persistent (which
# zeroes them); the others keep their data; "init-keep" is refused, as the
# old table says which bytes were RAM. Boot 1 leaves RAM contents in
# sections 0-4 and 30 and data in 5 and 12; between the boots the host
# rewrites the table as the driver would have written it with 64 MiB memory
# blocks (62 sections; 0-9 and 61 volatile: the same bytes), since the
# harness can neither change the block size nor resize the namespace.
. tests/lib/guest.sh
. tests/lib/kmp.sh

if (( KMP_BOOT == 1 )); then
	dev=$(kmp_setup online_movable initial_mode=persistent)
	[[ $(kmp_get "$dev" sections) == 31 ]] || fail "sections reads '$(kmp_get "$dev" sections)'"
	kmp_set "$dev" volatile 0-4,30
	kmp_write_pattern "$dev" 5 12
	kmp_unbind "$dev"	# 0-4 and 30 keep their RAM contents on the media
	region=$(cat /sys/bus/nd/devices/region0/resource)
	start=$(cat "/sys/bus/dax/devices/$dev/resource")
	echo "$((start - region)) $(cat "/sys/bus/dax/devices/$dev/size")" > "$KMP_OUT/table-place"
	rmmod kmem_pmem
	echo ok
	exit 0
fi

dev=$(kmp_setup online_movable)
n=$(kmp_get "$dev" sections)
step "a valid table of 64 MiB sections: corrupt, nothing onlined"
[[ $(kmp_get "$dev" metadata) == corrupt ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
dmesg | grep -q "table describes another geometry (62 sections of 67108864 bytes" ||
	fail "no dmesg line naming the old geometry"
[[ -z $(kmp_get "$dev" volatile) ]] || fail "sections onlined from another geometry's table"

step "init: the sections that were RAM are refused, the others keep their data"
err=$(kmp_set "$dev" metadata init-keep 2>&1) && fail "init-keep accepted over a valid table of another geometry"
[[ $err == *"Invalid argument"* ]] || fail "init-keep: '$err', expected EINVAL"
kmp_set "$dev" metadata init
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' after init"
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
cdev=$(kmp_chardev "$dev")
for i in 0 4 30; do
	err=$(dd if="$cdev" bs=4096 count=1 skip=$((i * 32768)) status=none 2>&1 >/dev/null) &&
		fail "section $i, RAM under the old table, readable after init"
	[[ $err == *"No such device or address"* ]] || fail "reading section $i: '$err', expected ENXIO"
done
kmp_check_pattern "$dev" 5 12 || fail "persistent data of sections 5 and 12 lost"
dd if="$cdev" bs=4096 count=1 skip=$((29 * 32768)) status=none of=/dev/null ||
	fail "section 29, persistent under the old table, refused"
kmp_set "$dev" persistent 0
kmp_check_zero "$dev" 0 || fail "section 0 not zero after being made persistent"
kmp_set "$dev" volatile 1-4
[[ $(kmp_get "$dev" online) == 1-4 ]] || fail "online reads '$(kmp_get "$dev" online)'"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
