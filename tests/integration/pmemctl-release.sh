#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 1G
#
# pmemctl release hands a device back clean. A workload leaves a marker in
# the volatile sections' RAM; a plain unbind leaves it on the media, where
# device_dax exposes it (the control: the check can see a leak). After
# release, device_dax finds no marker. While a section cannot be made
# persistent (every offline fails: memory-notifier-error-inject), release
# names it and unbinds nothing.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
inject=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error
modprobe memory-notifier-error-inject 2>/dev/null || skip "no memory-notifier-error-inject module"
[[ -w $inject ]] || skip "no $inject"

marker=KMP-RELEASE-MARKER-7f3a9c
dev=$(kmp_setup online_movable initial_mode=persistent)
node=$(kmp_get "$dev" target_node)
n=$(kmp_get "$dev" sections)
expect_exit 0 volatile "$dev" all

# A process on the pmem node fills 400 MiB with the marker and exits; its
# pages go back to the allocator with their contents.
fill_markers() {
	numactl --membind="$node" python3 -c \
		'import sys; b = sys.argv[1].encode() * ((400 << 20) // len(sys.argv[1])); print(len(b) >> 20, "MiB written")' \
		"$marker"
}

# The markers /dev/daxX.Y holds (counting stops at 1000).
count_markers() {
	python3 -c '
import mmap, os, sys
dev, marker = sys.argv[1], sys.argv[2].encode()
size = int(open("/sys/bus/dax/devices/%s/size" % dev).read())
fd = os.open("/dev/" + dev, os.O_RDONLY)
m = mmap.mmap(fd, size, mmap.MAP_SHARED, mmap.PROT_READ)
count, pos = 0, m.find(marker)
while pos >= 0 and count < 1000:
    count += 1
    pos = m.find(marker, pos + 1)
print(count)' "$dev" "$marker"
}

to_device_dax() {
	echo "$dev" > /sys/bus/dax/drivers/device_dax/bind
	[[ $(readlink "/sys/bus/dax/devices/$dev/driver") == */device_dax ]] ||
		fail "$dev did not bind to device_dax"
	wait_for 10 test -e "/dev/$dev"
}

step "control: a plain unbind leaves the RAM's bytes on the media"
fill_markers
kmp_unbind "$dev"
to_device_dax
c=$(count_markers)
echo "device_dax after a plain unbind: $c markers (or more)"
((c > 0)) || fail "no marker after a plain unbind: the check cannot see a leak"
expect_exit 2 release "$dev"
expect_err "clean them with 'pmemctl setup $dev' then 'pmemctl release $dev'"

step "back to kmem_pmem: the sections recorded volatile are RAM again"
kmp_bind "$dev"
wait_for 30 test "$(kmp_get "$dev" online)" == "0-$((n - 1))"
fill_markers

step "release refuses while a section cannot be made persistent"
echo -16 > "$inject"
expect_exit 1 release "$dev"
echo 0 > "$inject"
expect_err "section 0: cannot make it persistent: Device or resource busy"
expect_err "not released: sections 0-$((n - 1)) could not be made persistent and stay volatile; nothing was unbound"
[[ -d $(kmp_dir "$dev") ]] || fail "$dev was unbound"
[[ $(kmp_get "$dev" volatile) == "0-$((n - 1))" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"

# refused_while_open FILE: release exits 4 naming the process that has FILE
# open, and unbinds nothing.
refused_while_open() {
	local holder
	sleep 60 < "$1" &
	holder=$!
	holds() { [[ $(readlink "/proc/$holder/fd/0") == "$1" ]]; }
	wait_for 20 holds "$1"
	expect_exit 4 release "$dev"
	expect_err "in use: process $holder has $1 open or mapped; use --force"
	[[ -d $(kmp_dir "$dev") ]] || fail "$dev was unbound"
	kill "$holder"
	wait "$holder" 2>/dev/null || true
}

step "release while the char device is open: refused without --force"
refused_while_open "/dev/kmem_pmem/$dev"

step "release while a persistent section's device-dax instance is open: refused without --force"
expect_exit 0 persistent "$dev" 0
dax=$(basename "$(readlink "$(kmp_dir "$dev")/section0")")
[[ $dax == dax* ]] || fail "section 0 made persistent has no device-dax instance"
refused_while_open "/dev/$dax"
expect_exit 0 volatile "$dev" 0

step "release"
t0=$(date +%s.%N)
expect_exit 0 release --json "$dev"
t1=$(date +%s.%N)
echo "$out"
echo "released $n sections in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
jqe ".dev == \"$dev\" and .driver == \"device_dax\" and .nr_made_persistent == $n and .metadata == \"ok\""
expect_err " persistent ($n/$n)"
[[ $(readlink "/sys/bus/dax/devices/$dev/driver") == */device_dax ]] || fail "$dev is not on device_dax"
wait_for 10 test -e "/dev/$dev"
c=$(count_markers)
echo "device_dax after release: $c markers"
((c == 0)) || fail "$c markers readable through /dev/$dev after release"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "kmem_pmem RAM left after release"
expect_exit 2 release "$dev"
expect_err "not bound to kmem_pmem, but its media carries kmem_pmem's table"
echo ok
