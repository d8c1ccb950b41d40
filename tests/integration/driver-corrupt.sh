#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
# vm-timeout: 600
# vm-between: off=$(cat "$KMP_OUT/table-offset") && for o in $((off + 200)) $((off + 8192 + 200)); do printf '\x5a' | dd of="$KMP_NVDIMM_IMG" bs=1 seek=$o conv=notrunc status=none; done
#
# A table damaged behind the driver's back (bytes flipped in both copies,
# from the host, between boots) is not trusted: "corrupt", nothing onlined,
# moves and the char device refused, data untouched; "init-keep" starts
# anew keeping the data (tests/integration/table-garbage.sh: "init").
# Section 10 is a device-dax instance in boot 1 (made persistent: its data
# after its struct pages); init-keep records every section as whole-section
# data, so the char device finds its bytes after the carve-out, untouched.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable)

if (( KMP_BOOT == 1 )); then
	kmp_set "$dev" persistent 10
	kmp_write_pattern "$dev" 10
	kmp_carve_out "$dev" 10 > "$KMP_OUT/carve-out" || fail "section 10 made persistent has no device-dax instance"
	# Where the table sits in the backing file: the device's offset in
	# the NVDIMM region (the table is at the start of the device).
	region=$(cat /sys/bus/nd/devices/region0/resource)
	start=$(cat "/sys/bus/dax/devices/$dev/resource")
	echo $((start - region)) > "$KMP_OUT/table-offset"
	echo "table at file offset $(cat "$KMP_OUT/table-offset")"
	exit 0
fi

step "boot 2: both copies damaged"
[[ $(kmp_get "$dev" metadata) == corrupt ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
dmesg | grep -q "table at offset 0x0 is corrupt (copy 0: bad checksum, copy 1: bad checksum)" ||
	fail "no dmesg line saying why the table is not trusted"
[[ -z $(kmp_get "$dev" volatile) ]] || fail "sections onlined from a corrupt table: $(kmp_get "$dev" volatile)"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "memory added from a corrupt table"
err=$(kmp_set "$dev" volatile 3 2>&1) && fail "volatile write succeeded on a corrupt table"
[[ $err == *"Structure needs cleaning"* ]] || fail "volatile write: '$err', expected EUCLEAN"
err=$(dd if="$(kmp_chardev "$dev")" bs=4096 count=1 skip=$((10 * 32768)) status=none 2>&1 >/dev/null) &&
	fail "char device readable with a corrupt table"
[[ $err == *"Structure needs cleaning"* ]] || fail "char device read: '$err', expected EUCLEAN"
err=$(kmp_set "$dev" metadata bogus 2>&1) && fail "metadata accepted 'bogus'"

step "init-keep: a new table, every section persistent, data untouched"
kmp_set "$dev" metadata init-keep
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' after init-keep"
n=$(kmp_get "$dev" sections)
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)' after init-keep"
kmp_check_kept "$dev" "$(cat "$KMP_OUT/carve-out")" 10 || fail "section 10 lost its bytes"
err=$(kmp_set "$dev" metadata init 2>&1) && fail "init of a sound table succeeded"
err=$(kmp_set "$dev" metadata init-keep 2>&1) && fail "init-keep of a sound table succeeded"
kmp_set "$dev" volatile 0-9
[[ $(kmp_get "$dev" online) == 0-9 ]] || fail "online reads '$(kmp_get "$dev" online)' after init"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
