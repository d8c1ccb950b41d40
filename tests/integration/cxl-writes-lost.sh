#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-cxl: 1G one-port
# vm-timeout: 300
#
# Memory that does not keep what is written to it is refused before it
# becomes RAM. With one root port on the CXL host bridge (the topology of
# QEMU's documentation) Linux never commits the bridge's HDM decoder and
# QEMU 7.2 silently drops every write to the window, while the region,
# namespace and dax device all look healthy. Hot-adding such a section
# would put its struct pages in memory that reads back zero: a storm of
# "BUG: Bad page state" and a hung guest. kmem_pmem checks that the
# memmap area keeps a pattern before each hot-add and refuses the section
# with EIO and one kernel log line naming it and the cause.
# Linux 6.3 and later program the decoder of a one-port bridge too: there
# the writes stick (checked through /dev/daxX.Y first), and the test shows
# instead that the check refuses nothing on memory that works.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/cxl.sh

dev=$(setup_cxl_devdax)

step "does the window keep a write? (one page through /dev/$dev)"
sticks=yes
python3 - "/dev/$dev" <<'PY' || sticks=no
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 2 << 20)
pattern = os.urandom(4096)
m[:4096] = pattern
got = m[:4096]
m[:4096] = bytes(4096)
print("one page written and read back:", "same" if got == pattern else
      "%d of 4096 bytes differ" % sum(a != b for a, b in zip(got, pattern)))
sys.exit(got != pattern)
PY
kmp_auto_online online_movable
kmp_load
dmesg_mark
kmp_bind "$dev"
n=$(kmp_get "$dev" sections)
re="kmem_pmem $dev: section [0-9]+: .*writes do not stick"

if [[ $sticks == yes ]]; then
	step "$KVER committed the one-port bridge's decoder: every section RAM, none refused"
	[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
	expect_no_dmesg "$re"
	kmp_unbind "$dev"
	rmmod kmem_pmem
	echo ok
	exit 0
fi

step "binding: every section refused, once, with the cause"
[[ -z $(kmp_get "$dev" volatile) ]] || fail "sections $(kmp_get "$dev" volatile) became RAM on memory that drops writes"
[[ -z $(kmp_get "$dev" online) ]] || fail "sections $(kmp_get "$dev" online) are online"
expect_dmesg "$re"
dmesg_since_mark | grep -E "$re"
lines=$(dmesg_since_mark | grep -cE "$re")
((lines == 1)) || fail "$lines refusal lines for one bind, expected 1"
((n > 1)) || fail "$dev has $n sections"

step "making sections volatile by hand: EIO"
dmesg_mark
expect_write_error EIO "$(kmp_dir "$dev")/volatile" "0-$((n - 1))"
expect_dmesg "$re"
[[ -z $(kmp_get "$dev" volatile) ]] || fail "volatile reads '$(kmp_get "$dev" volatile)' after a refused move"
[[ $(kmp_get "$dev" persistent) == "0-$((n - 1))" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
