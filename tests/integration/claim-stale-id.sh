#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 2G
#
# A device's name in kmem_pmem's ids (new_id, or the claim at boot) stands
# for that device only. When it goes away, a new device of the same name is
# another device: kmem_pmem takes it only if its media carries the table,
# and never writes a table onto a device device_dax should have had.
# (Before: the stale id made kmem_pmem, registered before device_dax as at
# boot, bind the new device and initialise a table over its first bytes.)
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable initial_mode=persistent)
[[ $(kmp_get "$dev" metadata) == new ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
kmp_unbind "$dev"
ns=$(ndctl list -N | jq -r --arg d "$dev" '(if type == "array" then .[] else . end) | select(.chardev == $d) | .dev')
[[ $ns == namespace* ]] || fail "no namespace for $dev in ndctl list -N"

step "$ns made raw (the dax device goes away) and zeroed: no table on it any more"
ndctl create-namespace -f -e "$ns" --mode=raw > /dev/null || fail "raw $ns failed"
wait_for 30 test -b /dev/pmem0
dd if=/dev/zero of=/dev/pmem0 bs=1M count=256 oflag=direct status=none || fail "zeroing /dev/pmem0 failed"

step "kmem_pmem registered before device_dax, as at boot; $ns made devdax again"
rmmod device_dax || fail "rmmod device_dax failed"
modprobe device_dax || fail "modprobe device_dax failed"
dmesg_mark
ndctl create-namespace -f -e "$ns" --mode=devdax --map=mem > /dev/null || fail "devdax $ns failed"
wait_for 30 _guest_first_dax > /dev/null
new=$(_guest_first_dax)
wait_for 30 test -e "/sys/bus/dax/devices/$new/driver"
drv=$(basename "$(readlink "/sys/bus/dax/devices/$new/driver")")
[[ $drv == device_dax ]] || fail "$new (a new device named like the old one, no table) is bound to $drv, not device_dax"
expect_no_dmesg "initialising one"
echo "$new: bound to device_dax, no table written"

step "the same device with a table is still claimed"
kmp_bind "$new" || fail "binding $new failed"
kmp_unbind "$new"
ndctl disable-namespace "$ns" > /dev/null || fail "disable $ns failed"
dmesg_mark
ndctl enable-namespace "$ns" > /dev/null || fail "enable $ns failed"
wait_for 30 test -e "$KMP_DRV/$new"
expect_dmesg "$new: claimed by kmem_pmem"
kmp_unbind "$new"
rmmod kmem_pmem || fail "rmmod failed"
echo ok
