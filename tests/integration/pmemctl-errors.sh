#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 2G
# vm-timeout: 400
#
# pmemctl when moves fail: a section whose pages cannot be migrated
# (memory-notifier-error-inject makes every offline fail with EBUSY) is
# reported with that reason, the others go on, the exit code is 1, and
# --json still describes the device as it is. A persistent section that
# holds data is not made volatile without --force. A device bound to
# another driver, or in use, is not taken by setup without --force.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
inject=/sys/kernel/debug/notifier-error-inject/memory/actions/MEM_GOING_OFFLINE/error
modprobe memory-notifier-error-inject 2>/dev/null || skip "no memory-notifier-error-inject module"
[[ -w $inject ]] || skip "no $inject"

dev=$(setup_devdax)
kmp_load initial_mode=persistent
kmp_auto_online offline

step "setup refuses a device_dax device that a process has open"
bash -c "exec sleep 60" < "/dev/$dev" &
holder=$!
holds_dev() { [[ $(readlink "/proc/$holder/fd/0") == "/dev/$dev" ]]; }
wait_for 20 holds_dev
expect_exit 4 setup "$dev"
expect_err "in use: process $holder has /dev/$dev open or mapped; use --force"
kill "$holder"
wait "$holder" 2>/dev/null || true
expect_exit 0 setup --json "$dev"
jqe '.nr_volatile == 0 and .persistent == "0-\(.sections - 1)"'
n=$(kmp_get "$dev" sections)

expect_exit 0 volatile --force "$dev" all

step "EBUSY: every section reported with its reason, exit 1, nothing lost"
echo -16 > "$inject"
expect_exit 1 persistent --json "$dev" 0-2
for s in 0 1 2; do
	grep -q "section $s: cannot make it persistent: Device or resource busy: pages could not be migrated" <<< "$err" ||
		fail "no EBUSY reason for section $s: $err"
done
expect_err "3 of 3 sections not made persistent: 0-2"
jqe ".volatile == \"0-$((n - 1))\" and .nr_online == $n"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "a refused offline left sections offline"

step "one section refused, the others move"
echo 0 > "$inject"
expect_exit 0 persistent "$dev" 3
echo -16 > "$inject"
expect_exit 1 persistent "$dev" 4
expect_err "section 4: cannot make it persistent"
echo 0 > "$inject"
expect_exit 0 persistent "$dev" 4-5
expect_err "2 sections made persistent (4-5)"
[[ $(kmp_get "$dev" persistent) == 3-5 ]] || fail "persistent reads $(kmp_get "$dev" persistent)"

step "a persistent section holding data is not made volatile without --force"
if [[ -e /dev/kmem_pmem/$dev ]]; then
	printf 'kmp-data' | kmp_write_data "$dev" 4 4096
	expect_exit 4 volatile "$dev" 3-5
	expect_err "section 4 holds data (first non-zero byte at offset 0x1000)"
	expect_err "refusing to make sections 4 volatile"
	[[ $(kmp_get "$dev" persistent) == 3-5 ]] || fail "a refused move moved sections"
	expect_exit 0 volatile --force "$dev" 3-5
else
	echo "no /dev/kmem_pmem/$dev: the data check cannot read sections yet"
	expect_exit 4 volatile "$dev" 3-5
	expect_err "does not exist; use --force"
	expect_exit 0 volatile --force "$dev" 3-5
fi

step "auto_online_blocks=online: check fails and says what to change"
kmp_auto_online online
expect_exit 3 check --json
jqe '.checks[] | select(.name == "auto_online_blocks") | .status == "fail" and (.message | test("ZONE_NORMAL")) and (.fix | test("online_movable"))'
expect_exit 3 check
expect_out "fix: echo online_movable > /sys/devices/system/memory/auto_online_blocks"
kmp_auto_online offline

expect_exit 0 persistent "$dev" all
kmp_unbind "$dev"

step "setup refuses a device bound to kmem (System RAM) without --force"
modprobe kmem
echo "$dev" > /sys/bus/dax/drivers/kmem/new_id
wait_for 20 test -e "/sys/bus/dax/drivers/kmem/$dev"
kmp_online_all_kmem() {
	local b
	for b in /sys/devices/system/memory/memory*; do
		[[ $(cat "$b/state") == offline ]] && echo online_movable > "$b/state"
	done
	return 0
}
kmp_online_all_kmem
expect_exit 4 setup "$dev"
expect_err "in use as System RAM through kmem; use --force"
expect_exit 0 setup --force --json "$dev"
jqe '.driver == "kmem_pmem"'
expect_exit 0 persistent "$dev" all
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
