#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 1G
# vm-cmdline:
#
# Booted without memory_hotplug.memmap_on_memory=1 the struct pages cannot
# live in the pmem: kmem_pmem refuses to make sections volatile and says
# which parameter is missing, unless allow_dram_memmap=1 explicitly allows
# the DRAM memmap.
. tests/lib/guest.sh
. tests/lib/kmp.sh

[[ $(cat /sys/module/memory_hotplug/parameters/memmap_on_memory) == N ]] ||
	fail "booted with memmap_on_memory enabled"
dev=$(setup_devdax)
kmp_auto_online online_movable

# Default initial_mode=volatile: bind succeeds, the sections stay persistent.
kmp_load
kmp_bind "$dev"
n=$(kmp_get "$dev" sections)
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
[[ $(kmp_get "$dev" memmap) == unsupported ]] || fail "memmap reads '$(kmp_get "$dev" memmap)'"
dmesg | grep -q "boot with memory_hotplug.memmap_on_memory=1" || fail "no dmesg line naming the parameter"
err=$(kmp_set "$dev" volatile 0 2>&1) && fail "volatile write succeeded without the parameter"
[[ $err == *"Operation not supported"* ]] || fail "volatile write failed with '$err', expected EOPNOTSUPP"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "a section was added"

# A new table records every section persistent, and a section is recorded
# volatile only as it is added: the failed add recorded it back. So every
# section is readable and writable through the char device at once, without
# a needless scrub (it never held RAM).
[[ $(kmp_get "$dev" metadata) == new ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
cdev=$(kmp_chardev "$dev")
for i in 0 $((n - 1)); do
	dd if="$cdev" bs=4096 count=1 skip=$((i * 32768)) status=none of=/dev/null ||
		fail "section $i refused by the char device though it never held RAM"
done
kmp_write_pattern "$dev" 0 $((n - 1))
kmp_unbind "$dev"
rmmod kmem_pmem
kmp_load
kmp_bind "$dev"
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' at the second bind"
kmp_check_pattern "$dev" 0 $((n - 1)) || fail "data written through the char device lost at rebind"
# A refused move leaves every byte: on 6.1 the write check has written
# and restored section 0's memmap area before the add failed.
err=$(kmp_set "$dev" volatile 0 2>&1) && fail "volatile write succeeded without the parameter"
kmp_check_pattern "$dev" 0 || fail "a refused move to volatile changed section 0"
kmp_unbind "$dev"
rmmod kmem_pmem

# allow_dram_memmap=1: volatile works, and memmap says where the pages went.
kmp_load allow_dram_memmap=1 initial_mode=persistent
kmp_bind "$dev"
before=$(kmp_node_kib 0 MemFree)
kmp_set "$dev" volatile 0-$((n - 1))
after=$(kmp_node_kib 0 MemFree)
[[ $(kmp_get "$dev" memmap) == dram ]] || fail "memmap reads '$(kmp_get "$dev" memmap)' with a DRAM memmap"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
echo "DRAM memmap of $n sections: $((before - after)) KiB of node 0"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
