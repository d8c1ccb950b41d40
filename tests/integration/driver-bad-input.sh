#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
#
# Every malformed write to volatile/persistent fails with the right error
# and changes nothing; writes are root-only; concurrent writers serialise.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable initial_mode=persistent)
d=$(kmp_dir "$dev")
n=$(kmp_get "$dev" sections)
kmp_set "$dev" volatile 2-4

snapshot() { echo "$(cat "$d/volatile")|$(cat "$d/persistent")|$(cat "$d/online")"; }
before=$(snapshot)

# write_expect ERRNO_TEXT FILE INPUT: the write, one write(2) of all of
# INPUT, must fail with that error.
write_expect() {
	local want=$1 file=$2 input=$3 err
	if err=$(printf '%s' "$input" | dd of="$d/$file" bs=1M iflag=fullblock status=none 2>&1); then
		fail "write of '${input:0:40}' to $file succeeded"
	fi
	[[ $err == *"$want"* ]] || fail "write of '${input:0:40}' to $file: '$err', expected '$want'"
	[[ $(snapshot) == "$before" ]] || fail "write of '${input:0:40}' to $file changed state"
	echo "  $file <- '${input:0:40}': $want"
}

for f in volatile persistent; do
	write_expect "Invalid argument" $f "garbage"
	write_expect "Invalid argument" $f "1,x"
	write_expect "Invalid argument" $f " "
	write_expect "Invalid argument" $f $'\n'
	write_expect "Invalid argument" $f ","
	write_expect "Invalid argument" $f "7-3"
	write_expect "Invalid argument" $f "-1"
	write_expect "Invalid argument" $f "0-"
	write_expect "Numerical result out of range" $f "$n"
	write_expect "Numerical result out of range" $f "0-$n"
	write_expect "Numerical result out of range" $f "99999999999999999999"
	write_expect "Invalid argument" $f "$(printf '0,%.0s' $(seq 3000))0"
done
# A valid list with a bad tail moves nothing either.
write_expect "Numerical result out of range" volatile "10-12,$((n + 5))"

# Read-only files refuse writes.
for f in section_size sections target_node memmap metadata online first_memory_block unaligned_bytes; do
	if echo 1 2>/dev/null > "$d/$f"; then fail "$f is writable"; fi
done

# Root only: an unprivileged user can neither write nor move.
if setpriv --reuid=65534 --regid=65534 --clear-groups sh -c "echo 5 > $d/volatile" 2>/dev/null; then
	fail "an unprivileged write to volatile succeeded"
fi
[[ $(snapshot) == "$before" ]] || fail "unprivileged write changed state"

# Concurrent writers serialise: both finish and the result is their union.
kmp_set "$dev" volatile 10-19 & p1=$!
kmp_set "$dev" volatile 15-25 & p2=$!
wait $p1 || fail "concurrent writer 1 failed"
wait $p2 || fail "concurrent writer 2 failed"
[[ $(kmp_get "$dev" volatile) == "2-4,10-25" ]] || fail "after concurrent writes volatile reads '$(kmp_get "$dev" volatile)'"
kmp_set "$dev" persistent 0-9 & p1=$!
kmp_set "$dev" volatile all & p2=$!
wait $p1 $p2
vol=$(kmp_get "$dev" volatile) per=$(kmp_get "$dev" persistent)
(( $(kmp_count "$vol") + $(kmp_count "$per") == n )) || fail "volatile '$vol' and persistent '$per' do not cover $n sections"

# Moving to the current state is a no-op that succeeds.
kmp_set "$dev" volatile all
kmp_set "$dev" volatile 0-3 || fail "re-making volatile sections volatile failed"
[[ $(kmp_get "$dev" volatile) == "0-$((n - 1))" ]] || fail "volatile changed on a no-op"
kmp_set "$dev" persistent all
kmp_set "$dev" persistent 5 || fail "re-making a persistent section persistent failed"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
