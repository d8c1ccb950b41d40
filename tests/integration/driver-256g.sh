#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 256G
# vm-maxmem: 300G
# vm-timeout: 1200
#
# The headline case: a 256 GiB pmem device made RAM on a guest with 2 GiB of
# DRAM. Its struct pages alone would need 4 GiB of DRAM; in the pmem they
# need none. Also times the bulk moves (printed; not asserted), and how long
# a char device read and `pmemctl status` wait while 2046 sections move
# (printed; a bulk move takes the device's lock one section at a time).
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable initial_mode=persistent)
n=$(kmp_get "$dev" sections)
size=$(kmp_get "$dev" section_size)
node=$(kmp_get "$dev" target_node)
(( n * size >= 255 << 30 )) || fail "only $n sections of $size bytes"

# Readers during a long move: section 0 stays persistent until the rest moved.
sample_readers() {
	local s e worst=0 ms
	while [[ ! -e /tmp/move-done ]]; do
		s=$(date +%s%N)
		dd if="/dev/kmem_pmem/$dev" of=/dev/null bs=4096 count=1 status=none ||
			{ echo "char device read failed during the move"; return 1; }
		tools/pmemctl status "$dev" > /dev/null || { echo "pmemctl status failed during the move"; return 1; }
		e=$(date +%s%N)
		ms=$(( (e - s) / 1000000 ))
		((ms > worst)) && worst=$ms
		sleep 0.5
	done
	echo "$worst"
}

sync; echo 3 > /proc/sys/vm/drop_caches
before=$(kmp_node_kib 0 MemFree)
rm -f /tmp/move-done
sample_readers > /tmp/readers.out &
sampler=$!
t0=$(date +%s.%N)
kmp_set "$dev" volatile "1-$((n - 1))"
t1=$(date +%s.%N)
touch /tmp/move-done
# Section 0 only once the sampler has stopped reading it.
wait "$sampler" || fail "$(cat /tmp/readers.out)"
kmp_set "$dev" volatile 0
echo "while $((n - 1)) sections moved, a char device read + pmemctl status took at most $(cat /tmp/readers.out) ms"
after=$(kmp_node_kib 0 MemFree)
echo "made $((n - 1)) sections volatile in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
echo "node 0 MemFree before/after: $before / $after KiB (a DRAM memmap would need $((n * size / 4096 * 64 / 1024)) KiB)"
# Onlining the node's first memory may hand per-CPU pages back to node 0;
# the memmap of 2047 sections in DRAM would take 4 GiB: allow 32 MiB.
(( before - after < 32768 )) || fail "making $n sections volatile cost $((before - after)) KiB of DRAM"
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
[[ $(kmp_get "$dev" memmap) == pmem ]] || fail "memmap reads '$(kmp_get "$dev" memmap)'"
total=$(kmp_node_kib "$node" MemTotal)
echo "node $node MemTotal: $((total >> 20)) GiB"
(( total >= n * (size - (2 << 20)) / 1024 * 99 / 100 )) || fail "node $node has only $total KiB"

numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 1G --verify -t 5s ||
	fail "workload on node $node failed"

# pmemctl moving the top sections of this 256 GiB zone keeps a hole at its
# start (section 1 offline during the move, online after it), so that the
# kernel's zone rescans do not walk the whole zone at every step.
top="$((n - 4))-$((n - 1))"
t0=$(date +%s.%N)
tools/pmemctl persistent "$dev" "$top" 2> /tmp/keeper.err || { cat /tmp/keeper.err; fail "pmemctl persistent $top failed"; }
t1=$(date +%s.%N)
cat /tmp/keeper.err
echo "pmemctl made 4 top sections persistent in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
grep -q "section 1 offline until the move ends" /tmp/keeper.err || fail "no hole keeper for a move of the top sections"
grep -q "section 1 online again" /tmp/keeper.err || fail "the hole keeper was not onlined again"
[[ $(kmp_get "$dev" persistent) == "$top" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)', not $top"
[[ $(kmp_get "$dev" online) == "0-$((n - 5))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
[[ $(< "/sys/devices/system/memory/memory$(($(kmp_get "$dev" first_memory_block) + 1))/valid_zones") == Movable ]] ||
	fail "section 1 is not back in ZONE_MOVABLE"

# Back to persistent, which zeroes every section: timed on 16 sections
# (the scrub reads all 128 MiB of each; the bench times it), the rest taken
# out by unbind (removal only: they stay recorded volatile and are not
# scrubbed).
t0=$(date +%s.%N)
kmp_set "$dev" persistent 0-15
t1=$(date +%s.%N)
echo "made 16 sections persistent (removed and zeroed) in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
[[ $(kmp_get "$dev" persistent) == "0-15,$top" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
t0=$(date +%s.%N)
kmp_unbind "$dev"
t1=$(date +%s.%N)
echo "unbind removed the other $((n - 20)) sections in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
! grep -q "System RAM (kmem_pmem)" /proc/iomem || fail "sections left after unbind"
rmmod kmem_pmem
echo ok
