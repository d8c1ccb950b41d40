#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
# vm-timeout: 600
#
# Persistent sections keep their bytes across a reboot, the split between
# volatile and persistent comes back from the table on the pmem, and the
# char device serves persistent sections only. Loaded with
# persistent_devdax=0: every section made persistent stays on the char
# device, whole section data, as before device-dax instances became the
# default (devdax-persist-reboot covers the default).
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable persistent_devdax=0)
n=$(kmp_get "$dev" sections)
size=$(kmp_get "$dev" section_size)
cdev=$(kmp_chardev "$dev")
keep="10-11"

if [[ $KMP_BOOT == 1 ]]; then
	step "boot 1: new table, sections $keep made persistent and written"
	[[ $(kmp_get "$dev" metadata) == new ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' on a new device"
	[[ $(kmp_get "$dev" volatile) == "0-$((n - 1))" ]] || fail "a new table did not make every section volatile"
	kmp_set "$dev" persistent "$keep"
	[[ ! -e $(kmp_dir "$dev")/section10 ]] || fail "persistent_devdax=0, yet section 10 has a device-dax instance"
	kmp_check_zero "$dev" 10 11 || fail "sections 10-11 are not zero after leaving volatile use"
	kmp_write_pattern "$dev" 10 11
	kmp_check_pattern "$dev" 10 || fail "pattern of section 10 does not read back"

	step "the char device refuses volatile sections"
	[[ $(stat -c %a "$cdev") == 600 ]] || fail "$cdev has mode $(stat -c %a "$cdev")"
	err=$(dd if="$cdev" bs=4096 count=1 status=none 2>&1 >/dev/null) && fail "reading volatile section 0 succeeded"
	[[ $err == *"No such device or address"* ]] || fail "reading section 0: '$err', expected ENXIO"
	err=$(head -c 4096 /dev/zero | dd of="$cdev" bs=4096 seek=$((12 * size / 4096)) conv=notrunc status=none 2>&1) &&
		fail "writing volatile section 12 succeeded"
	python3 - "$cdev" "$size" <<'PY'
import mmap, os, sys
path, size = sys.argv[1], int(sys.argv[2])
fd = os.open(path, os.O_RDWR)
assert os.lseek(fd, 0, os.SEEK_END) == 31 * size, "size of the char device"
os.lseek(fd, 11 * size + size - 4096, os.SEEK_SET)
try:
    os.read(fd, 8192)          # 11 is persistent, 12 volatile
    sys.exit("read across into a volatile section succeeded")
except OSError as e:
    assert e.errno == 6, e     # ENXIO
try:
    mmap.mmap(fd, size, offset=0)
    sys.exit("mapping volatile section 0 succeeded")
except OSError as e:
    assert e.errno == 6, e
PY

	step "a mapped section cannot be made volatile"
	python3 - "$cdev" "$size" "$(kmp_dir "$dev")/volatile" <<'PY'
import mmap, os, sys
path, size, knob = sys.argv[1], int(sys.argv[2]), sys.argv[3]
fd = os.open(path, os.O_RDWR)
m = mmap.mmap(fd, size, offset=11 * size)
assert m[:22] == b"kmp-pattern-of-section", m[:22]
try:
    with open(knob, "w") as f:
        f.write("11")
    sys.exit("making mapped section 11 volatile succeeded")
except OSError as e:
    assert e.errno == 16, e    # EBUSY
m.close()
os.close(fd)
PY
	[[ $(kmp_get "$dev" persistent) == "$keep" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"
	kmp_check_pattern "$dev" 11 || fail "section 11 changed"
	exit 0
fi

step "boot 2: the table brings the split back"
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' after reboot"
[[ $(kmp_get "$dev" persistent) == "$keep" ]] || fail "persistent reads '$(kmp_get "$dev" persistent)', expected $keep"
[[ $(kmp_get "$dev" online) == "0-9,12-$((n - 1))" ]] || fail "online reads '$(kmp_get "$dev" online)'"
kmp_check_pattern "$dev" 10 11 || fail "sections 10-11 lost their bytes across the reboot"
echo "sections $keep intact byte for byte; $(kmp_get "$dev" online) online again"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
