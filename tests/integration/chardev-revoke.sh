#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-timeout: 600
#
# No access to the pmem outlives the binding: after unbind, files opened
# before it get ENODEV for read(), write() and mmap() (also once the device
# is bound again), and their mappings raise SIGBUS. Then a stress loop races
# mmap()s and touches against unbind: whatever mapping a racer still holds
# when unbind has returned must raise SIGBUS, whether it was made before the
# revoke or during it.
. tests/lib/guest.sh
. tests/lib/kmp.sh

require_cmd gcc
gcc -O2 -Wall -o /tmp/chardev_race tests/helpers/chardev_race.c
dev=$(kmp_setup online_movable initial_mode=persistent)
size=$(kmp_get "$dev" section_size)
cdev=$(kmp_chardev "$dev")

step "files and mappings from before unbind are cut off"
python3 - "$cdev" "$size" "$dev" <<'PY'
import errno, mmap, os, signal, sys
path, size, dev = sys.argv[1], int(sys.argv[2]), sys.argv[3]

def expect_errno(want, what, fn):
    try:
        fn()
    except OSError as e:
        if e.errno != want:
            sys.exit("FAIL: %s: %s, expected %s" % (what, errno.errorcode[e.errno], errno.errorcode[want]))
        return
    sys.exit("FAIL: %s succeeded, expected %s" % (what, errno.errorcode[want]))

def touch_in_child(m):
    """The signal a child dies of when it touches m, or 0."""
    pid = os.fork()
    if pid == 0:
        m[0] = m[0]
        os._exit(0)
    _, status = os.waitpid(pid, 0)
    return os.WTERMSIG(status) if os.WIFSIGNALED(status) else 0

fd = os.open(path, os.O_RDWR)
m = mmap.mmap(fd, size, offset=2 * size)
m[0:8] = b"revoke-1"
assert touch_in_child(m) == 0
with open("/sys/bus/dax/drivers/kmem_pmem/unbind", "w") as f:
    f.write(dev)
sig = touch_in_child(m)
if sig != signal.SIGBUS:
    sys.exit("FAIL: touching a mapping after unbind: signal %d, expected SIGBUS" % sig)
expect_errno(errno.ENODEV, "read() after unbind", lambda: os.pread(fd, 8, 2 * size))
expect_errno(errno.ENODEV, "write() after unbind", lambda: os.pwrite(fd, b"x", 2 * size))
expect_errno(errno.ENODEV, "mmap() after unbind", lambda: mmap.mmap(fd, size, offset=2 * size))

with open("/sys/bus/dax/drivers/kmem_pmem/bind", "w") as f:
    f.write(dev)
expect_errno(errno.ENODEV, "read() of an old file after rebind", lambda: os.pread(fd, 8, 2 * size))
expect_errno(errno.ENODEV, "mmap() of an old file after rebind", lambda: mmap.mmap(fd, size, offset=2 * size))
if touch_in_child(m) != signal.SIGBUS:
    sys.exit("FAIL: a mapping from the previous binding works again after rebind")
new = os.open(path, os.O_RDWR)
assert os.pread(new, 8, 2 * size) == b"revoke-1", "the bytes written through the old mapping are gone"
m2 = mmap.mmap(new, size, offset=2 * size)
assert m2[0:8] == b"revoke-1"
m2.close()
os.close(new)
print("old files: ENODEV; old mappings: SIGBUS; new files work")
PY

step "racing mmap() and touches against unbind"
racers=3 cycles=12 survived=0
for ((c = 1; c <= cycles; c++)); do
	[[ -d $(kmp_dir "$dev") ]] || kmp_bind "$dev"
	pids=()
	for ((r = 0; r < racers; r++)); do
		/tmp/chardev_race "$cdev" "$size" 8 > "/tmp/race.$r" 2>&1 &
		pids+=($!)
	done
	for ((r = 0; r < racers; r++)); do
		wait_for 20 grep -q '^ready' "/tmp/race.$r"
	done
	sleep "0.$((RANDOM % 9 + 1))"
	kmp_unbind "$dev"
	kill -USR1 "${pids[@]}"
	for ((r = 0; r < racers; r++)); do
		if ! wait "${pids[r]}"; then
			echo "cycle $c racer $r: $(tr '\n' ';' < "/tmp/race.$r")"
			survived=1
		fi
	done
	echo "cycle $c: $(tail -n 1 /tmp/race.0)"
done
((survived == 0)) || fail "a mapping outlived the binding, or an old file still worked"
rmmod kmem_pmem
echo ok
