#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-ram: 65G
# vm-nvdimm: 8G
# vm-maxmem: 128G
# vm-timeout: 900
#
# x86 picks 2 GiB memory blocks once boot RAM reaches 64 GiB (a guest with
# 65 GiB on node 0, backed by a sparse file). kmem_pmem's sections follow:
# nothing may assume 128 MiB. Sections of 2 GiB keep their struct pages
# (32 MiB each) in themselves, go volatile and back, and the on-media table
# records them across a rebind.
. tests/lib/guest.sh
. tests/lib/kmp.sh

bs=$((0x$(< /sys/devices/system/memory/block_size_bytes)))
echo "memory block size: $((bs >> 20)) MiB, node 0: $(kmp_node_kib 0 MemTotal) KiB"
((bs == 2 << 30)) || fail "memory blocks of $((bs >> 20)) MiB: the guest did not get 2 GiB blocks"

dev=$(setup_devdax)
kmp_load initial_mode=persistent
kmp_bind "$dev"
n=$(kmp_get "$dev" sections)
size=$(kmp_get "$dev" section_size)
echo "$dev: $n sections of $((size >> 20)) MiB, $(kmp_get "$dev" unaligned_bytes) bytes unaligned"
((size == bs)) || fail "section_size $size is not the memory block size $bs"
((n >= 2)) || fail "expected at least 2 sections of 2 GiB on an 8 GiB device, got $n"
last=$((n - 1))
cdev=$(kmp_chardev "$dev")

step "a marker at the end of the last section, which stays persistent"
printf 'kmp-2g-marker' | dd of="$cdev" bs=4096 seek=$(((last * size + size - 4096) / 4096)) conv=notrunc status=none ||
	fail "cannot write the marker"

step "sections 0-$((last - 1)) volatile: struct pages in the pmem"
kmp_auto_online offline
sync; echo 3 > /proc/sys/vm/drop_caches
before=$(kmp_node_kib 0 MemFree)
kmp_set "$dev" volatile "0-$((last - 1))"
after=$(kmp_node_kib 0 MemFree)
echo "node 0 MemFree before/after: $before / $after KiB (a DRAM memmap would take $((last * size / 4096 * 64 / 1024)) KiB)"
((before - after < 4096)) || fail "adding $last sections of 2 GiB cost $((before - after)) KiB of DRAM"
[[ $(kmp_get "$dev" memmap) == pmem ]] || fail "memmap reads $(kmp_get "$dev" memmap)"
kmp_online_all "$dev"
[[ $(kmp_get "$dev" online) == "0-$((last - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
want=$((last * (size - size / 64) / 1024))
total=$(kmp_node_kib 1 MemTotal)
echo "node 1 MemTotal: $total KiB (sections minus their memmap: $want KiB)"
((total == want)) || fail "node 1 has $total KiB, expected $want"

step "a workload on node 1"
numactl --membind=1 -- stress-ng --temp-path /tmp --vm 1 --vm-bytes 256M --vm-method all --verify -t 10s ||
	fail "stress-ng on node 1 failed"

step "section 0 back to persistent: scrubbed"
kmp_set "$dev" persistent 0
kmp_in_list 0 "$(kmp_get "$dev" persistent)" || fail "section 0 is not persistent"
for off in 0 $((size / 2)) $((size - 4096)); do
	[[ $(dd if="$cdev" bs=4096 count=1 skip=$((off / 4096)) status=none | tr -d '\0' | wc -c) == 0 ]] ||
		fail "section 0 not zero at offset $off after the scrub"
done

step "rebind: the split and the marker come back"
vol=$(kmp_get "$dev" volatile)
kmp_unbind "$dev"
rmmod kmem_pmem
kmp_load initial_mode=persistent
kmp_bind "$dev"
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
[[ $(kmp_get "$dev" volatile) == "$vol" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)', was '$vol'"
[[ $(dd if="$cdev" bs=4096 count=1 skip=$(((last * size + size - 4096) / 4096)) status=none | head -c 13) == kmp-2g-marker ]] ||
	fail "the marker in section $last is gone"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
