#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
#
# A read() or write() of the char device whose user buffer stalls (a
# userfaultfd nobody serves) holds nothing the rest of the driver needs: a
# sysfs move of another section, an mmap() of the device by another thread
# of the same process, and unbind all finish while the copy is stalled.
# (Copying to or from user memory under the device's lock made the move wait
# for the stall, and an mmap() behind the queued move deadlocked the
# process: it held mmap_lock, which serving the fault needs.)
. tests/lib/guest.sh
. tests/lib/kmp.sh

require_cmd gcc
gcc -O2 -Wall -pthread -o /tmp/chardev_uffd tests/helpers/chardev_uffd.c
dev=$(kmp_setup online_movable initial_mode=persistent)
size=$(kmp_get "$dev" section_size)
cdev=$(kmp_chardev "$dev")
hold=25

# now: seconds since the epoch, with fractions
now() { date +%s.%N; }
# elapsed T0: seconds since T0, one decimal
elapsed() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1f", b - a }'; }

# run_stalled OUT MODE OFFSET MAP_DELAY: start the helper, wait for its stall.
# A watchdog kills it (SIGKILL ends a stalled copy) $((hold + 20)) s later, so
# that a driver that deadlocks on it still lets the test end.
run_stalled() {
	local out=$1
	rm -f /tmp/killed
	/tmp/chardev_uffd "$2" "$cdev" "$3" $((2 * size)) "$4" "$hold" > "$out" 2>&1 &
	helper=$!
	( sleep $((hold + 20)); kill -9 "$helper" 2>/dev/null && touch /tmp/killed ) &
	watchdog=$!
	wait_for 30 grep -q '^stalled' "$out" || true
	grep -q '^stalled' "$out" || fail "the helper did not stall: $(cat "$out")"
}

# finish_helper OUT: wait for the helper; fail if the watchdog had to kill it.
finish_helper() {
	wait "$helper" || true
	kill "$watchdog" 2>/dev/null || true
	wait "$watchdog" 2>/dev/null || true
	echo "helper: $(tr '\n' ';' < "$1")"
	[[ ! -e /tmp/killed ]]
}

step "read() stalled in its copy to user: a move and an mmap() go on"
run_stalled /tmp/read.out read 0 2
t0=$(now)
rc=0
err=$(write_file "$(kmp_dir "$dev")/volatile" 5) || rc=$?
move_s=$(elapsed "$t0")
echo "moving section 5 while a read() is stalled: ${move_s} s (${err:-ok})"
finish_helper /tmp/read.out || fail "a read() stalled in a user copy and an mmap() deadlocked with a move (helper killed after $((hold + 20)) s)"
((rc == 0)) || fail "moving section 5 failed with $err"
awk -v s="$move_s" -v h="$hold" 'BEGIN { exit !(s < h - 10) }' ||
	fail "moving section 5 waited ${move_s} s for a read() stalled in a user copy"
map_s=$(sed -n 's/^mmap \([0-9.]*\) .*/\1/p' /tmp/read.out)
awk -v s="$map_s" 'BEGIN { exit !(s < 5) }' || fail "mmap() took ${map_s} s while a read() was stalled"
grep -q '^mmap .* ok$' /tmp/read.out || fail "mmap() failed: $(grep '^mmap' /tmp/read.out)"
grep -q '^io 4096$' /tmp/read.out || fail "the stalled read() ended with '$(grep '^io' /tmp/read.out)'"
[[ $(kmp_get "$dev" volatile) == 5 ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"

step "write() stalled in its copy from user: unbind goes on"
run_stalled /tmp/write.out write "$size" 1
sleep 2
t0=$(now)
kmp_unbind "$dev"
unbind_s=$(elapsed "$t0")
echo "unbind while a write() is stalled: ${unbind_s} s"
finish_helper /tmp/write.out || fail "a write() stalled in a user copy deadlocked unbind (helper killed after $((hold + 20)) s)"
awk -v s="$unbind_s" -v h="$hold" 'BEGIN { exit !(s < h - 10) }' ||
	fail "unbind waited ${unbind_s} s for a write() stalled in a user copy"
grep -q '^io ENODEV$' /tmp/write.out || fail "the write() resumed after unbind ended with '$(grep '^io' /tmp/write.out)', expected ENODEV"
rmmod kmem_pmem
echo ok
