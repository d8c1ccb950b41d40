#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-timeout: 600
#
# Sections move back and forth, repeatedly, while a verifying workload
# bound to the pmem node keeps its memory there: pages migrate, none is lost.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable)
n=$(kmp_get "$dev" sections)
node=$(kmp_get "$dev" target_node)

# The workload runs until the moves are done (SIGTERM ends stress-ng as a
# completed run): a fixed number of moves, however fast this host is.
numactl --membind="$node" stress-ng --temp-path /tmp --vm 2 --vm-bytes 384M --vm-keep \
	--vm-method all --verify -t 1200s --metrics-brief > "$KMP_OUT/stress.log" 2>&1 &
pid=$!
sleep 10

moves=0 busy=0
for round in 1 2 3; do
	for range in "0-9" "10-19" "20-$((n - 1))"; do
		kill -0 $pid 2>/dev/null || { cat "$KMP_OUT/stress.log"; fail "round $round: the workload ended before $range moved"; }
		# Pages of the workload may sit on these sections: they migrate.
		if ! err=$(kmp_set "$dev" persistent "$range" 2>&1); then
			# Migration may lose the race against a busy page; that
			# must be EBUSY/EAGAIN and leave the section usable.
			[[ $err == *"busy"* || $err == *"temporarily"* || $err == *"Interrupted"* ]] ||
				fail "round $round: persistent $range: $err"
			busy=$((busy + 1))
		fi
		kmp_set "$dev" volatile "$range" || fail "round $round: volatile $range failed"
		moves=$((moves + 1))
	done
	echo "round $round: online $(kmp_get "$dev" online)"
done
kill -0 $pid 2>/dev/null || { cat "$KMP_OUT/stress.log"; fail "the workload ended during the last move"; }
kill -TERM $pid
wait $pid || { cat "$KMP_OUT/stress.log"; fail "stress-ng --verify failed while sections moved"; }
grep -q "successful run completed" "$KMP_OUT/stress.log" || fail "stress-ng did not complete"
! grep -qiE "bit error|detected|unsuccessful" "$KMP_OUT/stress.log" || { cat "$KMP_OUT/stress.log"; fail "stress-ng reported a failure"; }
echo "$moves back-and-forth moves under load, $busy refused as busy"
(( busy < moves )) || fail "every move to persistent was refused as busy: nothing moved under load"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)' at the end"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
