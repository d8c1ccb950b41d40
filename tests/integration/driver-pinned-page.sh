#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 400
#
# A page that can never migrate (vmspliced into a pipe nobody reads) must not
# make a move or an unbind hang: offline_pages() retries until the caller has
# a signal pending, and an unbind worker never gets one. The move gives up
# within offline_timeout seconds with EBUSY naming the section, which stays
# volatile and usable; unbind leaves it as an orphan and returns; memory and
# CPU hotplug still work; once the pin is gone the section moves.
. tests/lib/guest.sh
. tests/lib/kmp.sh

require_cmd gcc numactl
gcc -O2 -Wall -o /tmp/pin_page tests/helpers/pin_page.c

limit=5
dev=$(kmp_setup online_movable offline_timeout=$limit)
dir=$(kmp_dir "$dev")
node=$(kmp_get "$dev" target_node)
n=$(kmp_get "$dev" sections)
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "not every section online: $(kmp_get "$dev" online)"

step "pin one page of node $node"
numactl --membind="$node" /tmp/pin_page > /tmp/pin.out &
pin=$!
wait_for 30 grep -q ready /tmp/pin.out
pfn=$(head -n1 /tmp/pin.out)
size=$(kmp_get "$dev" section_size)
sec=$(( pfn * 4096 / size - $(kmp_get "$dev" first_memory_block) ))
((sec >= 0 && sec < n)) || fail "pinned pfn $pfn is not in a section of $dev"
echo "pinned pfn $pfn in section $sec"

step "a move of section $sec gives up with EBUSY"
dmesg_mark
start=$SECONDS
if err=$(timeout 120 perl -e 'open(F, ">", $ARGV[0]) or die; syswrite(F, $ARGV[1]) or do { print "$!\n"; exit 1 }' \
	"$dir/persistent" "$sec"); then
	fail "moving the pinned section succeeded"
fi
took=$((SECONDS - start))
echo "refused after ${took}s: $err"
[[ $err == "Device or resource busy" ]] || fail "move of the pinned section failed with '$err' after ${took}s, expected EBUSY"
expect_dmesg "section $sec: .*cannot be removed: -16"
kmp_in_list "$sec" "$(kmp_get "$dev" online)" || fail "section $sec not online after the refused move"
numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 64M --verify -t 2s > /dev/null ||
	fail "node $node unusable after the refused move"

step "the deadline is a runtime parameter"
echo 2 > /sys/module/kmem_pmem/parameters/offline_timeout
start=$SECONDS
expect_write_error EBUSY "$dir/persistent" "$sec"
echo "refused after $((SECONDS - start))s with offline_timeout=2"

step "a bulk move stops at section $sec; no section is left half-moved"
# Every other section must leave within the deadline even on a loaded host
# (with 2 s, a section full of pages may not make it when the host is busy).
echo 10 > /sys/module/kmem_pmem/parameters/offline_timeout
dmesg_mark
expect_write_error EBUSY "$dir/persistent" "0-$((n - 1))"
refused=$(dmesg_since_mark | grep -oE 'section [0-9]+: .*cannot be removed: -?[0-9]+' || true)
[[ -n $refused ]] && ! grep -vqE "^section $sec: .*cannot be removed: -16$" <<< "$refused" ||
	fail "the bulk move should stop at pinned section $sec alone; the kernel log says: ${refused:-nothing}"
kmp_in_list "$sec" "$(kmp_get "$dev" online)" || fail "section $sec not online after the bulk move"
moved=$(kmp_get "$dev" persistent)
echo "moved before the refusal: '$moved'; online: '$(kmp_get "$dev" online)'"
[[ -n $moved ]] || fail "no section moved before section $sec refused"
# A section is whole once persistent: served by its device-dax instance (the
# move returns once it exists) or, in the whole-section layout, by the char
# device.
for i in $(kmp_expand "$moved"); do
	[[ -L $dir/section$i ]] ||
		dd if="$(kmp_chardev "$dev")" bs=4096 count=1 skip=$((i * size / 4096)) status=none of=/dev/null ||
		fail "section $i is listed persistent but has no instance and is refused by the char device (half-moved)"
done
for ((i = 0; i < n; i++)); do
	kmp_in_list "$i" "$moved" || kmp_in_list "$i" "$(kmp_get "$dev" online)" ||
		fail "section $i is neither persistent nor online after the stopped move"
done

step "unbind returns and leaves section $sec behind"
dmesg_mark
timeout 300 sh -c "echo $dev > $KMP_DRV/unbind" || fail "unbind did not return"
expect_dmesg "1 sections could not be removed and stay System RAM: $sec;"
if rmmod kmem_pmem 2>/dev/null; then fail "rmmod succeeded with a section left behind"; fi

step "memory and CPU hotplug still work"
timeout 60 sh -c 'echo 0 > /sys/devices/system/cpu/cpu1/online && echo 1 > /sys/devices/system/cpu/cpu1/online' ||
	fail "CPU hotplug blocked after unbind"

step "after the pin is released the section moves"
kill "$pin"
wait "$pin" || true
kmp_bind "$dev"
expect_write "$dir/persistent" "$sec"
kmp_in_list "$sec" "$(kmp_get "$dev" persistent)" || fail "section $sec not persistent: $(kmp_get "$dev" persistent)"
kmp_unbind "$dev"
rmmod kmem_pmem || fail "rmmod failed after everything was removed"
echo ok
