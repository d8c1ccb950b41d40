#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A bulk move takes the device's lock one section at a time: while thirty
# sections move, the char device and the sysfs lists answer at once instead
# of waiting for the whole move. Section 0 is on the char device (a new
# table's persistent section: its whole bytes are data); the others become
# device-dax instances as they move.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable initial_mode=persistent)
dir=$(kmp_dir "$dev")
n=$(kmp_get "$dev" sections)
cdev=/dev/kmem_pmem/$dev
expect_write "$dir/volatile" "1-$((n - 1))"

step "move sections 1-$((n - 1)) to persistent in the background"
(echo "1-$((n - 1))" > "$dir/persistent") &
mover=$!
# Under way: at least one section has moved, more are to come.
moved_some() { [[ $(kmp_get "$dev" persistent) != 0 ]]; }
wait_for 60 moved_some
kill -0 "$mover" 2>/dev/null || fail "the bulk move finished before it could be observed"

step "read the char device and the lists during the move"
start=$(date +%s.%N)
dd if="$cdev" of=/dev/null bs=4096 count=1 status=none || fail "read of section 0 failed during the move"
kmp_get "$dev" volatile > /dev/null
kmp_get "$dev" persistent > /dev/null
took=$(echo "$(date +%s.%N) - $start" | bc)
moving=yes
kill -0 "$mover" 2>/dev/null || moving=no
echo "reads took ${took}s; move still running: $moving"
echo "$took" > "$KMP_OUT/read-during-move-seconds"
[[ $moving == yes ]] || fail "the reads returned only after the whole move (${took}s): they waited for it"

wait "$mover" || fail "the bulk move failed"
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
echo ok
