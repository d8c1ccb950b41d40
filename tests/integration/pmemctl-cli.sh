#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-timeout: 500
#
# pmemctl against the real driver, as an admin would use it: check, setup
# of the VM's raw pmem namespace (refusing it while it holds a filesystem
# or is mounted), list and status in text and JSON, moving sections both
# ways in the hole-keeping order with the kernel onlining them or not,
# restore, and the exit codes and reasons of bad devices and lists.
# shellcheck disable=SC2119 # kmp_load: no module parameters here
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
require_cmd mkfs.ext4

step "nvdimm modules, raw namespace0.0 as /dev/pmem0"
modprobe -a nfit nd_pmem dax_pmem device_dax || fail "cannot load the nvdimm/dax modules"
wait_for 30 test -b /dev/pmem0
kmp_auto_online offline

step "without the module: check says what to do, setup refuses"
expect_exit 3 check
expect_out "fail  module"
expect_out "fix: modprobe kmem_pmem"
expect_err "1 problem"
expect_exit 3 check --json
jqe '.ok == false'
jqe '.checks[] | select(.name == "module") | .status == "fail" and (.fix | test("modprobe kmem_pmem"))'
jqe '.checks[] | select(.name == "memmap_on_memory") | .status == "ok" and .value == "Y"'
jqe '.checks[] | select(.name == "auto_online_blocks") | .status == "warn" and .value == "offline"'
expect_exit 3 setup namespace0.0
expect_err "kmem_pmem module is not loaded"
expect_exit 0 list
expect_err "not loaded"
expect_exit 0 list --json
jqe 'length == 0'

kmp_load
expect_exit 0 check
expect_exit 0 check --json
jqe '.ok == true and .memory_block_size == 134217728'

step "setup refuses a namespace holding a filesystem, or mounted"
modprobe ext4 2>/dev/null || true
mkfs.ext4 -q -F /dev/pmem0
expect_exit 4 setup namespace0.0
expect_err "holds a ext4 signature"
expect_err "use --force"
mount -t ext4 /dev/pmem0 /mnt
expect_exit 4 setup --force namespace0.0
expect_err "in use (mounted or held open)"
umount /mnt
[[ -b /dev/pmem0 ]] || fail "a refused setup changed the namespace"

step "setup --force: devdax with map=mem, bound, every section online"
expect_exit 0 setup --force --json namespace0.0
expect_err "map=mem"
expect_err "destroying it (--force)"
jqe '.dev == "dax0.0" and .driver == "kmem_pmem" and .sections == 31'
jqe '.section_size == 134217728 and .memmap == "pmem" and .target_node == 1'
jqe '.volatile == "0-30" and .online == "0-30" and .offline == "" and .persistent == ""'
jqe '.nr_online == 31 and .ram_bytes == 31 * 126 * 1048576 and .memmap_dram_bytes == 0'
jqe '.memmap_pmem_bytes == 31 * 2 * 1048576 and .unaligned_bytes > 0'
ndctl list -n namespace0.0 | jq -e '.[0].mode == "devdax" and .[0].map == "mem"' > /dev/null ||
	fail "namespace0.0 is not devdax with map=mem: $(ndctl list -n namespace0.0)"
dev=dax0.0
total_kib=$(kmp_node_kib 1 MemTotal)
(( total_kib == 31 * 126 * 1024 )) || fail "node 1 has $total_kib KiB, expected $((31 * 126 * 1024))"

step "setup again: already bound, nothing changes"
expect_exit 0 setup $dev
expect_err "already bound to kmem_pmem"

step "list and status, text and JSON"
expect_exit 0 list
expect_out "$dev: node 1, 31 sections of 128 MiB, memmap in pmem"
expect_out "RAM provided 3.81 GiB"
expect_exit 0 list --json
jqe 'length == 1 and .[0].dev == "dax0.0" and .[0].nr_volatile == 31'
jqe '.[0].node_total_bytes == 31 * 126 * 1048576 and .[0].memory_tier >= 0'
expect_exit 0 list --json dax0.0
jqe 'length == 1'
expect_exit 0 list --all --json
jqe 'any(.[]; .dev == "dax0.0")'
expect_exit 0 status $dev
expect_out "RAM provided  3.81 GiB"
expect_out "memory blocks memory"
expect_exit 0 status -v --json /dev/$dev
jqe '.section_detail | length == 31'
jqe 'all(.section_detail[]; .state == "volatile" and .online and .zone == "Movable")'
first=$(kmp_get $dev first_memory_block)
jqe ".section_detail[5].memory_block == $first + 5"

step "persistent: offline order keeps a hole (first requested, then top-down)"
expect_exit 0 persistent $dev 4-30
grep -q "section 4 persistent (1/27)" <<< "$err" || fail "section 4 was not moved first: $err"
grep -q "section 30 persistent (2/27)" <<< "$err" || fail "section 30 was not moved second: $err"
grep -q "section 5 persistent (27/27)" <<< "$err" || fail "section 5 was not moved last: $err"
expect_err "27 sections made persistent (4-30)"
[[ $(kmp_get $dev persistent) == 4-30 ]] || fail "persistent reads $(kmp_get $dev persistent)"
(( $(kmp_node_kib 1 MemTotal) == 4 * 126 * 1024 )) || fail "node 1 did not shrink to 4 sections"
expect_exit 0 persistent --json -q $dev 4-30
[[ -z $err ]] || fail "--quiet printed: $err"
jqe '.persistent == "4-30" and .volatile == "0-3"'

step "bash completion offers devices, options and the sections to move"
. tools/pmemctl.bash-completion
completions() {
	COMP_WORDS=("$@") COMP_CWORD=$(($# - 1)) COMPREPLY=()
	_pmemctl || true
	echo "${COMPREPLY[*]}"
}
[[ $(completions pmemctl st) == status ]] || fail "completion of 'st': $(completions pmemctl st)"
[[ $(completions pmemctl status "") == "$dev" ]] || fail "no $dev to complete"
[[ $(completions pmemctl volatile "$dev" "") == "all 4-30" ]] ||
	fail "volatile $dev offers '$(completions pmemctl volatile "$dev" "")'"
[[ $(completions pmemctl persistent "$dev" "") == "all 0-3" ]] ||
	fail "persistent $dev offers '$(completions pmemctl persistent "$dev" "")'"
[[ $(completions pmemctl persistent --j) == --json ]] || fail "no --json for persistent"
[[ $(completions pmemctl setup "") == *namespace0.0* ]] || fail "setup does not offer namespace0.0"

step "volatile: refused without --force unless the data can be checked"
if [[ -e /dev/kmem_pmem/$dev ]]; then
	expect_exit 0 volatile $dev 4-7
else
	expect_exit 4 volatile $dev 4-7
	expect_err "/dev/kmem_pmem/$dev does not exist; use --force"
	[[ $(kmp_get $dev volatile) == 0-3 ]] || fail "a refused move moved sections"
	expect_exit 0 volatile --force $dev 4-7
fi
grep -q "section 5 volatile, online (1/4)" <<< "$err" || fail "section 5 was not onlined first: $err"
grep -q "section 4 volatile, online (4/4)" <<< "$err" || fail "section 4 (the hole) was not onlined last: $err"
[[ $(kmp_get $dev online) == 0-7 ]] || fail "online reads $(kmp_get $dev online)"
expect_exit 0 volatile $dev 0-3
expect_err "nothing to do: sections 0-3 are already volatile and online"

step "--no-online leaves sections offline; restore onlines them"
expect_exit 0 volatile --force --no-online --json $dev 8-9
jqe '.volatile == "0-9" and .online == "0-7" and .offline == "8-9" and .nr_offline == 2'
expect_exit 0 restore --dry-run
expect_out "dax0.0: would online section 9"
[[ $(kmp_get $dev online) == 0-7 ]] || fail "restore --dry-run onlined sections"
expect_exit 0 restore --json
jqe 'length == 1 and .[0].online == "0-9"'
expect_err "2 onlined now"
expect_exit 0 restore
expect_err "0 onlined now"
expect_exit 0 volatile --force $dev 10
expect_exit 0 persistent $dev 10
kmp_set $dev volatile 10
[[ $(kmp_get $dev online) == 0-9 ]] || fail "a bare sysfs write onlined with auto_online_blocks=offline"
expect_exit 0 volatile $dev 10
[[ $(kmp_get $dev online) == 0-10 ]] || fail "volatile did not online the added section 10"

step "the kernel onlines with auto_online_blocks=online_movable; pmemctl goes along"
kmp_auto_online online_movable
expect_exit 0 volatile --force $dev 11-12
[[ $(kmp_get $dev online) == 0-12 ]] || fail "online reads $(kmp_get $dev online)"
expect_exit 0 status -v --json $dev
jqe '.section_detail[11].zone == "Movable" and .section_detail[12].online'
kmp_auto_online offline

step "bad devices and section lists: exit 2 and a reason, nothing moved"
expect_exit 2 status dax9.9
expect_err "dax9.9: no such dax device"
expect_exit 2 status frob
expect_err "'frob' is not a dax device name (daxX.Y)"
expect_exit 2 volatile dax9.9 0
expect_exit 2 volatile $dev 31
expect_err "bad section list: '31': section 31 is out of range (sections 0-30)"
expect_exit 2 persistent $dev 0-40
expect_err "section 40 is out of range"
expect_exit 2 persistent $dev 5-3
expect_err "'5-3': not a section, range or 'all'"
expect_exit 2 persistent $dev ""
expect_err "empty section list"
expect_exit 2 persistent $dev "1;2"
expect_exit 2 volatile $dev
expect_err "missing <sections>"
expect_exit 2 persistent --force $dev 1
expect_err "unknown option '--force'"
expect_exit 2 frobnicate
expect_err "unknown command 'frobnicate'"
[[ $(kmp_get $dev online) == 0-12 ]] || fail "a refused command moved sections"

step "help for every command"
for c in list status setup volatile persistent restore check; do
	expect_exit 0 "$c" --help
	expect_out "usage: pmemctl $c"
done
expect_exit 0 --help
expect_out "persistent"
expect_exit 0 help restore
expect_out "usage: pmemctl restore"
expect_exit 0 --version

step "persistent all, unbound device, setup of a dax device with its table"
expect_exit 0 persistent --json $dev all
jqe '.nr_volatile == 0 and .persistent == "0-30" and .ram_bytes == 0'
kmp_unbind $dev
expect_exit 2 status $dev
expect_err "not bound to kmem_pmem (driver: none); see 'pmemctl setup $dev'"
expect_exit 0 list
expect_err "no dax device is bound to kmem_pmem"
expect_exit 0 list --all --json
jqe '.[0].dev == "dax0.0" and .[0].driver == null and .[0].metadata == null'
expect_exit 0 setup --json $dev
jqe '.driver == "kmem_pmem" and .metadata == "ok" and .nr_volatile == 0'

step "restore finds the table on a device_dax device and brings its RAM back"
expect_exit 0 volatile --force $dev 0-1
kmp_unbind $dev
echo $dev > /sys/bus/dax/drivers/device_dax/bind
expect_exit 0 list --all --json
jqe '.[0].driver == "device_dax" and .[0].metadata == "ok"'
expect_exit 0 list --all
expect_out "dax0.0: driver device_dax, 4.00 GiB, node 1, kmem_pmem metadata ok"
expect_exit 0 restore --dry-run
expect_out "dax0.0: would bind to kmem_pmem (now: device_dax; kmem_pmem metadata ok)"
expect_exit 0 restore --json
jqe 'length == 1 and .[0].volatile == "0-1" and .[0].online == "0-1"'
expect_err "bound to kmem_pmem"

step "restore of a named device"
kmp_unbind $dev
echo $dev > /sys/bus/dax/drivers/device_dax/bind
expect_exit 0 restore --json $dev
jqe '.[0].dev == "dax0.0" and .[0].online == "0-1"'

expect_exit 0 persistent $dev all
kmp_unbind $dev
rmmod kmem_pmem
echo ok
