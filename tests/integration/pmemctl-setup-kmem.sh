#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 1G
# vm-cmdline: memory_hotplug.memmap_on_memory=1 memmap=130M!1662M
#
# When kmem_pmem refuses a device, pmemctl setup gives back what it took.
# A legacy pmem range (memmap=130M!1662M) makes a devdax device of exactly
# one aligned memory block: kmem takes it as RAM, kmem_pmem refuses it (no
# room for its table next to a section). So:
#  - the namespace (legacy pmem: fsdax without an info block) that setup
#    made devdax is as it was again, its bytes kept;
#  - a device that kmem had online, taken with --force, is back on kmem
#    with its memory online and movable (it was left unbound before).
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
require_cmd daxctl
modprobe -a nfit nd_pmem dax_pmem device_dax kmem || fail "cannot load the nvdimm/dax modules"
wait_for 30 _guest_ndbus_settled
modprobe nd_e820 || skip "no nd_e820 (legacy pmem) module"
wait_for 30 _guest_ndbus_settled
kmp_load initial_mode=persistent
kmp_auto_online offline

# The namespace of the legacy range: the one with a 130 MiB size.
ns=$(ndctl list -i -N | jq -r '[.[] | select(.size == 136314880)][0].dev')
[[ $ns == namespace* ]] || fail "no 130 MiB legacy pmem namespace: $(ndctl list -i -N)"
bdev=$(ndctl list -n "$ns" | jq -r 'if type == "array" then .[0] else . end | .blockdev')
# The kernel's view (ndctl list calls a raw legacy namespace "fsdax").
ns_state() {
	local d=/sys/bus/nd/devices/$ns
	echo "$(cat "$d/mode") $([[ -e $d/driver ]] && echo enabled || echo disabled)"
}
data="kmp-setup-kmem-$RANDOM$RANDOM"
# Legacy pmem: fsdax ("memory") with no info block, its struct pages in RAM.
[[ $(ns_state) == "memory enabled" ]] || fail "$ns is '$(ns_state)', not memory"
printf '%s' "$data" | dd of="/dev/$bdev" bs=64k seek=1 conv=notrunc,fsync status=none
has_data() { [[ $(dd if="/dev/$bdev" bs=64k skip=1 count=1 iflag=direct status=none | head -c ${#data}) == "$data" ]]; }
has_data || fail "the data did not reach /dev/$bdev"

step "setup of the namespace: devdax, refused by kmem_pmem, back as it was"
expect_exit 1 setup "$ns"
expect_err "kmem_pmem refused it"
[[ $(ns_state) == "memory enabled" ]] || fail "$ns is left '$(ns_state)'"
expect_err "$ns: put back as it was: enabled, fsdax"
wait_for 10 test -b "/dev/$bdev"
has_data || fail "$ns's bytes changed"

step "a device kmem has online: setup --force gives it back to kmem, online"
# ndctl wants the size a multiple of the region's align (16 MiB here).
region=$(basename "$(readlink -f "/sys/bus/nd/devices/$ns/..")")
echo $((2 << 20)) > "/sys/bus/nd/devices/$region/align"
ndctl create-namespace -f -e "$ns" --mode=devdax --map=mem --align=2M >/dev/null
wait_for 30 _guest_ndbus_settled
dev=$(ndctl list -n "$ns" | jq -r 'if type == "array" then .[0] else . end | .chardev')
[[ $dev == dax* ]] || fail "$ns has no dax device"
daxctl reconfigure-device --mode=system-ram "$dev" >/dev/null
mem_state() {
	daxctl list -d "$dev" | jq -r 'if type == "array" then .[0] else . end |
		"\(.mode) \(.online_memblocks // 0)/\(.total_memblocks // 0) \(.movable // "-")"'
}
before=$(mem_state)
[[ $before == "system-ram 1/1 true" ]] || fail "$dev under kmem is '$before'"
expect_exit 4 setup "$dev"
expect_exit 1 setup --force "$dev"
expect_err "kmem_pmem refused it"
[[ $(readlink "/sys/bus/dax/devices/$dev/driver") == */kmem ]] ||
	fail "$dev is left on '$(readlink "/sys/bus/dax/devices/$dev/driver")', not kmem"
[[ $(mem_state) == "$before" ]] || fail "$dev is back on kmem as '$(mem_state)', was '$before'"
expect_err "$dev: back on kmem, its memory online again"
[[ ! -e /sys/bus/dax/drivers/kmem_pmem/$dev ]] || fail "$dev is bound to kmem_pmem"
echo ok
