#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
#
# Persistent sections as device-dax instances (persistent_devdax, the default; issue 12,
# docs/design-persistent-devdax.md). A section made persistent is served by
# the kernel's device_dax as /dev/daxR.0, with its struct pages in its own
# first MiBs: an nvdimm namespace of kmem_pmem's bus (info block, struct
# pages, data at 4 MiB); node 0 spends (almost) no DRAM on it. A 2 MiB-aligned mapping
# takes one fault per 2 MiB; O_DIRECT read() from a file on ext4 lands in the
# mapping (get_user_pages works: the char device's pfn mappings give EFAULT);
# MAP_PRIVATE is refused; a mapped section cannot be made volatile (EBUSY)
# until it is unmapped, nor one a page of which a pipe still holds (an
# unbind waits for that one's instance); unbind zaps mappings (SIGBUS) and
# a rebind serves the section again with its data, as does disabling and
# enabling the namespace (kmem_pmem claims the device as it appears); kmem
# (daxctl reconfigure-device --mode=system-ram) cannot take an instance. A
# bind creates the instances in the background
# (docs/design-persistent-devdax.md): the test waits for their links.
. tests/lib/guest.sh
. tests/lib/kmp.sh

require_cmd gcc
dev=$(kmp_setup online_movable)
[[ $(cat /sys/module/kmem_pmem/parameters/persistent_devdax) == Y ]] ||
	fail "persistent_devdax is not on by default"

# The first 16 bytes of a device-dax instance, read through a mapping.
first16() {
	python3 -c '
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDONLY)
sys.stdout.buffer.write(mmap.mmap(fd, 2 << 20, prot=mmap.PROT_READ)[:16])' "$1"
}
kmp_online_all "$dev"
size=$(kmp_get "$dev" section_size)
dir=$(kmp_dir "$dev")
# links_are N: N sections have an instance (kmem_pmem/sectionN links)
links_are() {
	(($(find "$dir" -maxdepth 1 -name 'section[0-9]*' | wc -l) == $1))
}
[[ $(kmp_get "$dev" volatile) == 0-30 ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"

step "making sections 4-7 persistent gives each a device-dax instance"
dmesg_mark
kmp_set "$dev" persistent 4-7 || fail "making 4-7 persistent failed"
for s in 4 5 6 7; do
	[[ -L $dir/section$s ]] || fail "no link kmem_pmem/section$s"
	dax=$(basename "$(readlink "$dir/section$s")")
	sys=/sys/bus/dax/devices/$dax
	[[ $(cat "$sys/size") == $((size - $(kmp_data_offset "$dev"))) ]] || fail "$dax size $(cat "$sys/size")"
	[[ $(cat "$sys/align") == 2097152 ]] || fail "$dax align $(cat "$sys/align")"
	[[ $(cat "$sys/target_node") == 1 ]] || fail "$dax target_node $(cat "$sys/target_node")"
	[[ $(basename "$(readlink "$sys/driver")") == device_dax ]] || fail "$dax not bound to device_dax"
	[[ -c /dev/$dax ]] || fail "no /dev/$dax"
	echo "section $s: /dev/$dax, $(cat "$sys/size") bytes, align $(cat "$sys/align")"
done
expect_no_dmesg "not in its first"
dax4=$(basename "$(readlink "$dir/section4")")
dax5=$(basename "$(readlink "$dir/section5")")

step "pmemctl names each persistent section's device"
tools/pmemctl status -v "$dev" > /tmp/status.txt || fail "pmemctl status -v failed"
grep -E "^ +4 +persistent .* /dev/$dax4 \(namespace[0-9]+\.[0-9]+\)\$" /tmp/status.txt ||
	fail "pmemctl status -v: no /dev/$dax4 and its namespace for section 4"
grep -E "^ +3 +volatile .* -\$" /tmp/status.txt > /dev/null || fail "pmemctl status -v: a device for volatile section 3"
[[ $(tools/pmemctl status -v --json "$dev" | jq -r '.section_detail[] | select(.section == 5) | .device') == "$dax5" ]] ||
	fail "pmemctl status --json: section 5 has no device $dax5"

step "pmemctl volatile: data found through the instance, a mapped or open instance named with its user"
poke() {	# write byte $2 at offset $3 of /dev/$1 through a mapping
	python3 -c '
import mmap, os, sys
fd = os.open(sys.argv[1], os.O_RDWR)
m = mmap.mmap(fd, 2 << 20)
m[int(sys.argv[3])] = int(sys.argv[2])
m.close()' "/dev/$1" "$2" "$3"
}
poke "$dax4" 7 4096
rc=0; tools/pmemctl volatile "$dev" 4 2> /tmp/vol.err || rc=$?
cat /tmp/vol.err
((rc == 4)) || fail "pmemctl volatile of section 4 holding data: exit $rc, not 4 (refused)"
grep -q "section 4 holds data (first non-zero byte at offset 0x1000)" /tmp/vol.err ||
	fail "pmemctl did not find section 4's data through /dev/$dax4"
poke "$dax4" 0 4096
# hold DEV map|open: a process that maps (or only opens) /dev/DEV, in $holder
hold() {
	rm -f /tmp/held
	python3 -c '
import mmap, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR)
if sys.argv[2] == "map":
    m = mmap.mmap(fd, 2 << 20)
open("/tmp/held", "w").close()
time.sleep(120)' "/dev/$1" "$2" &
	holder=$!
	wait_for 20 test -e /tmp/held
}
hold "$dax5" map
rc=0; tools/pmemctl volatile --force "$dev" 5 2> /tmp/vol.err || rc=$?
kill "$holder"; wait "$holder" 2> /dev/null || true
cat /tmp/vol.err
((rc != 0)) || fail "pmemctl made section 5 volatile while /dev/$dax5 was mapped"
grep -q "its device-dax instance /dev/$dax5 is mapped by process $holder" /tmp/vol.err ||
	fail "pmemctl did not name /dev/$dax5's mapping by pid $holder"
# Open, not mapped: the driver cannot see it, pmemctl refuses (exit 4).
hold "$dax5" open
rc=0; tools/pmemctl volatile "$dev" 5 2> /tmp/vol.err || rc=$?
kill "$holder"; wait "$holder" 2> /dev/null || true
cat /tmp/vol.err
((rc == 4)) || fail "pmemctl volatile of section 5 open by $holder: exit $rc, not 4 (refused)"
grep -q "its device-dax instance /dev/$dax5 is open or mapped by process $holder" /tmp/vol.err ||
	fail "pmemctl did not name /dev/$dax5's user $holder"
[[ $(kmp_get "$dev" persistent) == 4-7 ]] || fail "persistent reads '$(kmp_get "$dev" persistent)', not 4-7"

step "ext4 on a loop device, with a 4 MiB file"
modprobe -a loop ext4 || fail "no loop or ext4 module"
truncate -s 64M /tmp/ext4.img
mkfs.ext4 -q -F /tmp/ext4.img || fail "mkfs.ext4 failed"
loop=$(losetup -f --show /tmp/ext4.img) || fail "losetup failed"
mkdir -p /mnt/ext4
mount -t ext4 "$loop" /mnt/ext4 || fail "mount failed"
python3 -c 'import os, sys; sys.stdout.buffer.write(os.urandom(4 << 20))' > /mnt/ext4/data
sync

step "mapping, faults per 2 MiB, O_DIRECT into the mapping, MAP_PRIVATE, EBUSY while mapped"
python3 - "/dev/$dax4" "$dir/volatile" /mnt/ext4/data <<'PY' || fail "mapping checks failed"
import ctypes, errno, mmap, os, resource, sys
path, knob, data = sys.argv[1], sys.argv[2], sys.argv[3]
MiB = 1 << 20

def try_volatile(sec):
    try:
        with open(knob, "w") as f:
            f.write(str(sec))
        return 0
    except OSError as e:
        return e.errno

fd = os.open(path, os.O_RDWR)
size = int(open("/sys/bus/dax/devices/%s/size" % os.path.basename(path)).read())
try:
    mmap.mmap(fd, size, flags=mmap.MAP_PRIVATE)
    sys.exit("FAIL: MAP_PRIVATE mapping of the instance succeeded")
except OSError as e:
    assert e.errno == errno.EINVAL, e
print("MAP_PRIVATE refused with EINVAL")

m = mmap.mmap(fd, size)
addr = ctypes.addressof(ctypes.c_char.from_buffer(m))
assert addr % (2 * MiB) == 0, "mapping at %#x is not 2 MiB-aligned" % addr
before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
for off in range(0, size, 4096):
    m[off] = 0x5a
faults = resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before
print("touched %d pages of %d MiB: %d minor faults (one per 2 MiB: %d)"
      % (size // 4096, size // MiB, faults, size // (2 * MiB)))
assert faults <= size // (2 * MiB) + 8, "%d faults: not one per 2 MiB" % faults

want = open(data, "rb").read()
dfd = os.open(data, os.O_RDONLY | os.O_DIRECT)
n = os.preadv(dfd, [memoryview(m)[:len(want)]], 0)
os.close(dfd)
assert n == len(want), "O_DIRECT read returned %d" % n
assert m[:len(want)] == want, "O_DIRECT read: bytes differ"
print("O_DIRECT read of %d bytes into the mapping: bytes arrived" % n)

assert try_volatile(4) == errno.EBUSY, "mapped section 4 was not refused with EBUSY"
print("moving mapped section 4: EBUSY")
m.close()
os.close(fd)
rc = try_volatile(4)
assert rc == 0, "section 4 after munmap: %s" % errno.errorcode.get(rc, rc)
print("section 4 moved after munmap")
PY
[[ ! -e $dir/section4 ]] || fail "section 4 is volatile but its link stays"
[[ ! -e /sys/bus/dax/devices/$dax4 ]] || fail "$dax4 outlives section 4's move"
kmp_in_list 4 "$(kmp_get "$dev" volatile)" || fail "section 4 not volatile"
umount /mnt/ext4
losetup -d "$loop"

step "a page of section 6 held by a pipe after its last munmap: the move waits for it (EBUSY)"
# The pipe holds the page's struct page, which a move would free and hand
# out again as RAM: nothing may move until the pipe lets go.
gcc -O2 -Wall -o /tmp/pin_page tests/helpers/pin_page.c || fail "cannot build pin_page"
dax6=$(basename "$(readlink "$dir/section6")")
/tmp/pin_page "/dev/$dax6" > /tmp/pin.out &
pin=$!
wait_for 30 grep -q ready /tmp/pin.out
dmesg_mark
expect_write_error EBUSY "$dir/volatile" 6
expect_dmesg "section 6: $dax6 has a page still held after its last mapping"
kmp_in_list 6 "$(kmp_get "$dev" persistent)" || fail "section 6 is not persistent after the refused move"
[[ -e /dev/$dax6 ]] || fail "the refused move took /dev/$dax6 away"
tools/pmemctl volatile --force "$dev" 6 2> /tmp/vol6.err && fail "pmemctl made section 6 volatile while a page of it was held"
grep -q "a page of it is still held" /tmp/vol6.err || fail "pmemctl did not say why: $(cat /tmp/vol6.err)"
kill "$pin"
wait "$pin" || true
expect_write "$dir/volatile" 6
kmp_in_list 6 "$(kmp_get "$dev" volatile)" || fail "section 6 not volatile once the pipe let go"
echo "section 6: EBUSY while the pipe held its page, moved once it let go"

step "unbind while a pipe holds a page of section 7: that instance waits for the pipe"
# Unbind cannot refuse: every other instance goes, section 7's stays (dead:
# no mapping, no fault) until the pipe lets go, and the module stays with it.
dax7=$(basename "$(readlink "$dir/section7")")
/tmp/pin_page "/dev/$dax7" > /tmp/pin7.out &
pin=$!
wait_for 30 grep -q ready /tmp/pin7.out
dmesg_mark
timeout 120 sh -c "echo $dev > $KMP_DRV/unbind" || fail "unbind did not return"
expect_dmesg "section 7: a page of $dax7 is still held"
[[ -e /sys/bus/dax/devices/$dax7 ]] || fail "$dax7 went while a pipe held a page of it"
[[ ! -e /sys/bus/dax/devices/$dax5 ]] || fail "$dax5 outlives the unbind"
if rmmod kmem_pmem 2> /dev/null; then fail "rmmod succeeded while $dax7 waits for the pipe"; fi
# A bind meanwhile is deferred to the teardown's end, then done: to
# kmem_pmem, not to device_dax, which registered first (it would take the
# whole device with a DRAM memmap).
dmesg_mark
if kmp_bind "$dev" 2> /dev/null; then fail "$dev bound while $dax7 waits for the pipe"; fi
expect_dmesg "still going away: binding it once they are gone"
kill "$pin"
wait "$pin" || true
wait_for 30 test ! -e "/sys/bus/dax/devices/$dax7"
wait_for 30 test -e "/sys/bus/dax/devices/$dev/driver"
[[ -e $KMP_DRV/$dev ]] || fail "the deferred bind went to $(basename "$(readlink "/sys/bus/dax/devices/$dev/driver")"), not kmem_pmem"
wait_for 30 test -d "$dir"
wait_for 60 test -L "$dir/section7"
wait_for 60 test -L "$dir/section5"
dax5=$(basename "$(readlink "$dir/section5")")
echo "unbind returned; $dax7 went once the pipe let go; the bind deferred meanwhile serves section 7 again"

step "unbind zaps a mapping; a rebind serves the section again, data in place"
python3 - "/dev/$dax5" "$KMP_DRV/unbind" "$dev" <<'PY' || fail "unbind checks failed"
import mmap, os, signal, sys
path, unbind, dev = sys.argv[1], sys.argv[2], sys.argv[3]
fd = os.open(path, os.O_RDWR)
m = mmap.mmap(fd, 2 << 20)
m[0:16] = b"kmp-devdax-data!"
with open(unbind, "w") as f:
    f.write(dev)
pid = os.fork()
if pid == 0:
    m[0]
    os._exit(0)
_, status = os.waitpid(pid, 0)
assert os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGBUS, \
    "touching the mapping after unbind: status %#x, not SIGBUS" % status
print("mapping after unbind: SIGBUS")
PY
[[ ! -e /sys/bus/dax/devices/$dax5 ]] || fail "$dax5 outlives the unbind"
kmp_bind "$dev" || fail "rebind failed"
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)' after rebind"
wait_for 60 test -L "$dir/section5"
dax5=$(basename "$(readlink "$dir/section5")")
[[ $(first16 "/dev/$dax5") == kmp-devdax-data! ]] ||
	fail "section 5's data is not there after rebind"
echo "section 5 served again as /dev/$dax5 with its data"

step "kmem cannot make an instance System RAM (daxctl reconfigure-device --mode=system-ram)"
# kmem onlines whole memory blocks of the instance's range; the instance is
# the section after its struct pages, no whole block: kmem refuses it
# (drivers/dax/kmem.c: "rejecting DAX region without any memory after
# alignment", 6.1, 6.12 and 7.3), and device_dax serves it again, data in
# place. First the driver interface daxctl uses, then daxctl itself.
modprobe kmem || fail "cannot load kmem"
dmesg_mark
echo "$dax5" > /sys/bus/dax/drivers/device_dax/unbind
echo "$dax5" > /sys/bus/dax/drivers/kmem/new_id 2> /dev/null || true
[[ $(basename "$(readlink "/sys/bus/dax/devices/$dax5/driver")") != kmem ]] || fail "kmem took $dax5"
expect_dmesg "$dax5: rejecting DAX region without any memory after alignment"
echo "$dax5" > /sys/bus/dax/drivers/kmem/remove_id
echo "$dax5" > /sys/bus/dax/drivers/device_dax/bind || fail "device_dax does not take $dax5 back"
wait_for 10 test -c "/dev/$dax5"
# daxctl aborts before it unbinds anything while the kernel would online
# the memory itself (auto_online_blocks): let it through to kmem.
kmp_auto_online offline
dmesg_mark
rc=0; daxctl reconfigure-device --mode=system-ram "$dax5" > /tmp/reconf.out 2>&1 || rc=$?
kmp_auto_online online_movable
cat /tmp/reconf.out
((rc != 0)) || fail "daxctl reconfigure-device --mode=system-ram $dax5 succeeded"
expect_dmesg "$dax5: rejecting DAX region without any memory after alignment"
if [[ $(basename "$(readlink "/sys/bus/dax/devices/$dax5/driver")") != device_dax ]]; then
	echo "$dax5" > /sys/bus/dax/drivers/device_dax/bind || fail "device_dax does not take $dax5 back after daxctl"
fi
! grep -q "System RAM (kmem)" /proc/iomem || fail "kmem onlined memory: $(grep "System RAM (kmem)" /proc/iomem)"
wait_for 10 test -c "/dev/$dax5"
[[ $(first16 "/dev/$dax5") == kmp-devdax-data! ]] || fail "section 5's data is not there after kmem's attempts"
echo "kmem refused $dax5 (daxctl exit $rc); device_dax serves it again with its data"

step "DRAM for struct pages: node 0 free pages around a bind that serves all 31 sections as device-dax"
kmp_set "$dev" persistent all || fail "making every section persistent failed"
kmp_unbind "$dev"
sync
echo 3 > /proc/sys/vm/drop_caches
# Fold the per-CPU counter deltas, or the node's count may be seconds old.
echo 1 > /proc/sys/vm/stat_refresh
free_before=$(node_free_pages 0)
kmp_bind "$dev" || fail "rebind failed"
# The instances come in section order: wait with a shell builtin, so that
# the polling itself allocates (almost) nothing.
wait_for 120 test -L "$dir/section30"
echo 1 > /proc/sys/vm/stat_refresh
free_after=$(node_free_pages 0)
links_are 31 || fail "$(find "$dir" -maxdepth 1 -name 'section[0-9]*' | wc -l) of 31 sections have a device-dax instance"
used=$((free_before - free_after))
echo "node 0 free pages: $free_before before, $free_after after the bind: $used pages for 31 instances ($((used / 31)) per section; their struct pages in DRAM would be 504 per section)"
((used < 31 * 64)) || fail "31 device-dax instances took $used pages of node 0"

step "the namespace disabled with 31 instances live, then enabled again"
# kmem_pmem's remove then runs inside the dax core's removal of the device,
# and at enable its claim makes the probe (which restores the instances) run
# inside the dax core's creation of it: the two paths that would deadlock
# under 6.8+'s dax_region_rwsem without the module's workqueue: the
# instances go after the remove, and come back after the probe.
ns=$(ndctl list -N | jq -r --arg d "$dev" '(if type == "array" then .[] else . end) | select(.chardev == $d) | .dev')
[[ $ns == namespace* ]] || fail "no namespace for $dev in ndctl list -N"
dax5=$(basename "$(readlink "$dir/section5")")
timeout 120 ndctl disable-namespace "$ns" || fail "ndctl disable-namespace $ns failed"
wait_for 60 test ! -e "/sys/bus/dax/devices/$dax5"
# As at boot (the modprobe.d softdep): kmem_pmem registered before
# device_dax, which the driver core would otherwise offer the device first.
rmmod device_dax || fail "rmmod device_dax failed"
dmesg_mark
timeout 120 ndctl enable-namespace "$ns" || fail "ndctl enable-namespace $ns failed"
wait_for 30 test -e "$KMP_DRV/$dev"
expect_dmesg "$dev: claimed by kmem_pmem"
wait_for 120 links_are 31
modprobe device_dax || fail "modprobe device_dax failed"
dax5=$(basename "$(readlink "$dir/section5")")
wait_for 30 test -e "/sys/bus/dax/drivers/device_dax/$dax5"
[[ $(first16 "/dev/$dax5") == kmp-devdax-data! ]] ||
	fail "section 5's data is not there after the namespace came back"
echo "$ns disabled and enabled: claimed at add, 31 instances back, section 5's data in place"

step "the namespace disabled and enabled back to back"
# The instances go after the remove returns; a bind of the range before they
# are gone is deferred behind their teardown (kmp_devdax_defer_probe()).
# Which of the two happens depends on timing: both must end with the
# device bound and every instance back.
dmesg_mark
timeout 120 ndctl disable-namespace "$ns" || fail "ndctl disable-namespace $ns failed"
timeout 120 ndctl enable-namespace "$ns" || fail "ndctl enable-namespace $ns failed"
wait_for 60 test -e "$KMP_DRV/$dev"
wait_for 120 links_are 31
dax5=$(basename "$(readlink "$dir/section5")")
wait_for 30 test -e "/sys/bus/dax/drivers/device_dax/$dax5"
[[ $(first16 "/dev/$dax5") == kmp-devdax-data! ]] ||
	fail "section 5's data is not there after the namespace came back"
if dmesg_since_mark | grep -q "previous binding are still going away"; then
	echo "the bind was deferred until the earlier instances were gone, then done"
else
	echo "the earlier instances were gone before the bind"
fi

step "a bulk move to volatile killed half way: every section it left persistent is served again"
# The move kills up to 16 instances ahead of their hot-adds
# (kmp_devdax_drop_ahead()): those it did not reach must come back.
partial=
for delay in 0.4 0.8 0.2; do
	sh -c "echo 0-30 > $dir/volatile" 2> /dev/null &
	writer=$!
	sleep "$delay"
	kill -KILL "$writer"
	wait "$writer" 2> /dev/null || true
	persistent=$(kmp_get "$dev" persistent)
	np=$(kmp_count "$persistent")
	echo "killed after ${delay}s: persistent '$persistent'"
	if ((np > 0 && np < 31)); then
		partial=1
		break
	fi
	kmp_set "$dev" persistent 0-30 || fail "making every section persistent again failed"
	wait_for 120 links_are 31
done
[[ -n $partial ]] || fail "the kill never landed in the middle of the move"
wait_for 60 links_are "$np"
for s in $(kmp_expand "$persistent"); do
	[[ -L $dir/section$s ]] || fail "section $s is persistent without an instance after the killed move"
	dax=$(basename "$(readlink "$dir/section$s")")
	wait_for 30 test -c "/dev/$dax"
done
echo "$np sections left persistent by the killed move, each served"

step "an admin disables and enables a section's nvdimm region (ndctl): the move checks the new instance"
s=$(kmp_expand "$(kmp_get "$dev" persistent)" | awk '{ print $1 }')
[[ -n $s ]] || kmp_set "$dev" persistent 3 || fail "making section 3 persistent failed"
s=${s:-3}
wait_for 30 test -L "$dir/section$s"
dax=$(basename "$(readlink "$dir/section$s")")
region=$(basename "$(dirname "$(dirname "$(readlink -f "/sys/bus/dax/devices/$dax")")")")
[[ $region == region* ]] || fail "/dev/$dax is not below an nvdimm region: $(readlink -f "/sys/bus/dax/devices/$dax")"
ndctl disable-region "$region" || fail "ndctl disable-region $region failed"
[[ ! -e /sys/bus/dax/devices/$dax ]] || fail "$dax is still there with $region disabled"
ndctl enable-region "$region" || fail "ndctl enable-region $region failed"
wait_for 30 test -c "/dev/$dax"
hold "$dax" map
expect_write_error EBUSY "$dir/volatile" "$s"
kill "$holder"; wait "$holder" 2> /dev/null || true
kmp_set "$dev" volatile "$s" || fail "making section $s volatile once unmapped failed"
echo "section $s ($region, /dev/$dax): refused while the re-enabled instance was mapped, moved after"

step "back to volatile, unbind, rmmod"
kmp_set "$dev" volatile 0-30 || fail "making every section volatile failed"
kmp_unbind "$dev"
rmmod kmem_pmem || fail "rmmod failed"
echo ok
