#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 186G
# vm-maxmem: 190G
#
# Section lists longer than a page read whole, through cat, in small
# reads, and through pmemctl. Every third section volatile on the smallest
# device whose persistent list passes 4 KiB (1487 sections: 496 volatile,
# "0,2-3,5-6,..." takes 4214 bytes); they stay offline, which keeps the
# test short. A write still takes a whole list in one write() from
# offset 0.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
dev=$(kmp_setup offline initial_mode=persistent)
d=$(kmp_dir "$dev")
n=$(kmp_get "$dev" sections)

# The expected lists, built the way the kernel prints them.
vol=$(seq -s, 1 3 $((n - 1)))
persist=0
for ((i = 2; i < n; i += 3)); do
	if ((i + 1 < n)); then persist+=",$i-$((i + 1))"; else persist+=",$i"; fi
done
((${#persist} >= 4096)) || fail "the test needs a list over a page: $n sections give ${#persist} bytes"

nv=$(tr , '\n' <<< "$vol" | wc -l)
last=${vol##*,}
step "$nv of $n sections volatile, one write of ${#vol} bytes"
t0=$(date +%s.%N)
expect_write "$d/volatile" "$vol"
t1=$(date +%s.%N)
echo "hot-added in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"

step "the lists read whole: cat, and reads of 100 bytes"
got=$(cat "$d/persistent") || fail "cat persistent failed"
[[ $got == "$persist" ]] || fail "persistent reads ${#got} bytes, expected ${#persist}: '${got:0:60}...${got: -40}'"
[[ $(cat "$d/volatile") == "$vol" ]] || fail "volatile reads '$(head -c 60 "$d/volatile")...'"
[[ $(dd if="$d/persistent" bs=100 status=none) == "$persist" ]] ||
	fail "persistent read in 100-byte reads differs"
[[ $(tr -cd '\0' < "$d/persistent" | wc -c) == 0 ]] || fail "persistent has a NUL byte"
[[ $(tail -c 1 "$d/persistent" | od -An -c) == *'\n'* ]] || fail "persistent does not end in a newline"
[[ -z $(cat "$d/online") ]] || fail "online reads '$(cat "$d/online")'"
echo online_movable > "/sys/devices/system/memory/memory$(($(kmp_get "$dev" first_memory_block) + last))/state"
[[ $(cat "$d/online") == "$last" ]] || fail "online reads '$(cat "$d/online")', expected $last"

step "pmemctl reads them"
expect_exit 0 status --json "$dev"
# field JSON VALUE: a field of pmemctl's JSON is VALUE (said shortly if not).
field() {
	local got
	got=$(jq -r "$1" <<< "$out")
	[[ $got == "$2" ]] || fail "pmemctl: $1 has ${#got} bytes ('${got:0:40}...'), expected ${#2}"
}
field .persistent "$persist"
field .volatile "$vol"
field .online "$last"
jqe ".nr_volatile == $nv and .nr_persistent == $((n - nv))"
expect_exit 0 list --json
field '.[0].persistent' "$persist"
expect_exit 0 status "$dev"

step "writes: one whole list from offset 0"
python3 -c 'import os, sys; fd = os.open(sys.argv[1], os.O_WRONLY); os.pwrite(fd, b"0", 5)' \
	"$d/volatile" 2> /tmp/err && fail "a write at offset 5 succeeded"
grep -q "Invalid argument" /tmp/err || fail "a write at offset 5: $(cat /tmp/err)"
[[ $(cat "$d/volatile") == "$vol" ]] || fail "a refused write changed volatile"
expect_write "$d/persistent" "$last"
[[ $(cat "$d/online") == "" ]] || fail "online reads '$(cat "$d/online")' after a move"

step "unbind"
t0=$(date +%s.%N)
kmp_unbind "$dev"
t1=$(date +%s.%N)
echo "unbound in $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
echo ok
