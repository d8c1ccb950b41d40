#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
# vm-timeout: 400
#
# pmemctl restore across a reboot: the split of boot 1 (sections 0-7 RAM,
# the rest persistent, data in section 10) comes back in boot 2 from the
# device's on-media table: restore finds the table on the device_dax
# device, binds it, onlines the volatile sections the kernel left offline,
# and the data is still there, guarded against being made volatile.
# shellcheck disable=SC2119 # kmp_load: no module parameters here
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
marker=kmp-restore-marker
dev=$(setup_devdax)
kmp_load
kmp_auto_online offline

if [[ $KMP_BOOT == 1 ]]; then
	# What the boot unit (pmemctl-restore.service) runs on every machine.
	step "boot 1: restore leaves a dax device without kmem_pmem's table alone"
	expect_exit 0 restore --dry-run
	[[ -z $out$err ]] || fail "restore --dry-run would act on a device without a table: $out $err"
	expect_exit 0 restore --json
	jqe 'length == 0'
	[[ -e /sys/bus/dax/drivers/device_dax/$dev ]] || fail "restore took $dev off device_dax"

	step "boot 1: sections 0-7 volatile, the rest persistent, data in section 10"
	expect_exit 0 setup "$dev"
	expect_exit 0 persistent --json "$dev" 8-N
	jqe '.volatile == "0-7" and .online == "0-7" and .metadata == "new"'
	[[ -e /dev/kmem_pmem/$dev ]] || fail "no /dev/kmem_pmem/$dev"
	printf '%s' "$marker" | kmp_write_data "$dev" 10 8192
	echo ok
	exit 0
fi

step "boot 2: the device comes up on device_dax, with kmem_pmem's table"
[[ -e /sys/bus/dax/drivers/device_dax/$dev ]] || fail "$dev is not on device_dax after boot"
expect_exit 0 list
expect_err "no dax device is bound to kmem_pmem"
expect_exit 0 list --all --json
jqe ".[0].dev == \"$dev\" and .[0].driver == \"device_dax\" and .[0].metadata == \"ok\""
expect_exit 0 check --json
jqe ".ok == true and any(.checks[]; .name == \"device\" and .status == \"warn\" and .value == \"$dev\" and (.fix | test(\"pmemctl restore\")))"
expect_exit 0 restore --dry-run
expect_out "$dev: would bind to kmem_pmem (now: device_dax; kmem_pmem metadata ok)"
[[ -e /sys/bus/dax/drivers/device_dax/$dev ]] || fail "restore --dry-run changed the device"

step "restore: bound, sections 0-7 back as RAM, onlined by pmemctl"
expect_exit 0 restore --json
jqe "length == 1 and .[0].dev == \"$dev\" and .[0].volatile == \"0-7\" and .[0].online == \"0-7\""
jqe '.[0].persistent == "8-30" and .[0].metadata == "ok" and .[0].memmap == "pmem"'
expect_err "8 onlined now"
total=$(kmp_node_kib 1 MemTotal)
(( total == 8 * 126 * 1024 )) || fail "node 1 has $total KiB, expected $((8 * 126 * 1024))"
expect_exit 0 restore
expect_err "0 onlined now"

step "the data of section 10 survived, and guards the section"
got=$(kmp_read_data "$dev" 10 8192 ${#marker})
[[ $got == "$marker" ]] || fail "section 10 reads '$got', expected '$marker'"
expect_exit 4 volatile "$dev" 9-11
expect_err "section 10 holds data (first non-zero byte at offset 0x2000)"
expect_err "refusing to make sections 10 volatile"
[[ $(kmp_get "$dev" volatile) == 0-7 ]] || fail "a refused move moved sections"
expect_exit 0 volatile --force "$dev" 9-11
expect_err "whatever sections 9-11 hold is discarded"
expect_exit 0 check
expect_exit 0 persistent "$dev" all
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
