#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
#
# Only MAP_SHARED mappings of the char device: a private (copy-on-write)
# mapping, even of a read-only fd, is refused with EINVAL, as device-dax
# does. A shared mapping works through faults, is counted against its
# section (also in a forked child) so that the section cannot be made
# volatile while any mapping remains, and moves once the last one is gone.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable initial_mode=persistent)
size=$(kmp_get "$dev" section_size)
cdev=$(kmp_chardev "$dev")
knob=$(kmp_dir "$dev")/volatile
start=$(dmesg | sed -n 's/.* sections of [0-9]* MiB at \(0x[0-9a-f]*\) on node .*/\1/p' | tail -n 1)
[[ $start ]] || fail "no dmesg line giving the sections' start"
[[ $(kmp_get "$dev" persistent) == 0-30 ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"

step "MAP_PRIVATE is refused (read-write and read-only fds)"
python3 - "$cdev" "$size" "$knob" <<'PY'
import errno, mmap, os, sys
path, size, knob = sys.argv[1], int(sys.argv[2]), sys.argv[3]
for flags, prot in ((os.O_RDWR, mmap.PROT_READ | mmap.PROT_WRITE),
                    (os.O_RDONLY, mmap.PROT_READ)):
    fd = os.open(path, flags)
    try:
        m = mmap.mmap(fd, size, flags=mmap.MAP_PRIVATE, prot=prot, offset=3 * size)
    except OSError as e:
        if e.errno != errno.EINVAL:
            sys.exit("FAIL: MAP_PRIVATE mmap failed with %s, expected EINVAL" % errno.errorcode[e.errno])
        os.close(fd)
        continue
    m[0]
    try:
        with open(knob, "w") as f:
            f.write("3")
        sys.exit("FAIL: MAP_PRIVATE mmap succeeded, and section 3 was made volatile while mapped")
    except OSError as e:
        sys.exit("FAIL: MAP_PRIVATE mmap succeeded (moving section 3: %s)" % errno.errorcode[e.errno])
print("MAP_PRIVATE refused with EINVAL")
PY
[[ $(kmp_get "$dev" persistent) == 0-30 ]] || fail "persistent reads '$(kmp_get "$dev" persistent)'"

step "MAP_SHARED works through faults, write-back cached, and pins its section, also in a child"
python3 - "$cdev" "$size" "$knob" "$start" <<'PY'
import errno, mmap, os, sys
path, size, knob, start = sys.argv[1], int(sys.argv[2]), sys.argv[3], int(sys.argv[4], 16)
PAT = "/sys/kernel/debug/x86/pat_memtype_list"
wb = "PAT: [mem 0x%016x-0x%016x] write-back" % (start + 3 * size, start + 5 * size)

def wb_reserved():
    """Is the mapping's range reserved write-back? None without PAT."""
    if not os.path.exists(PAT):
        return None
    with open(PAT) as f:
        return wb in f.read().splitlines()

def try_volatile(sec):
    try:
        with open(knob, "w") as f:
            f.write(str(sec))
        return 0
    except OSError as e:
        return e.errno

fd = os.open(path, os.O_RDWR)
m = mmap.mmap(fd, 2 * size, offset=3 * size)      # sections 3 and 4
m[size - 5:size + 5] = b"0123456789"                 # faults in both
m[0:6] = b"marker"
assert os.pread(fd, 10, 4 * size - 5) == b"0123456789", "pread does not see the mapping's bytes"
assert os.pread(fd, 6, 3 * size) == b"marker"
# x86 PAT gives faulted-in pfns of a range without a reservation uncached ptes.
reserved = wb_reserved()
assert reserved in (True, None), "no write-back memory type reserved for the mapping"
print("write-back memory type of the mapping:", {True: "reserved", None: "no PAT list to check"}[reserved])
for sec in (3, 4):
    rc = try_volatile(sec)
    assert rc == errno.EBUSY, "making mapped section %d volatile: %s" % (sec, errno.errorcode.get(rc, rc))

ro = os.open(path, os.O_RDONLY)
r = mmap.mmap(ro, size, prot=mmap.PROT_READ, offset=5 * size)   # shared, read-only fd
assert r[:4096] == bytes(4096)
assert try_volatile(5) == errno.EBUSY, "read-only mapping does not pin section 5"
r.close()
os.close(ro)

r, w = os.pipe()
pid = os.fork()
if pid == 0:                     # the child inherits the mapping
    os.close(w)
    os.read(r, 1)
    ok = m[0:6] == b"marker"
    os._exit(0 if ok else 1)
os.close(r)
m.close()                        # the parent's mapping is gone, the child's not
assert try_volatile(3) == errno.EBUSY, "section 3 not pinned by the forked child's mapping"
os.write(w, b"x")
_, status = os.waitpid(pid, 0)
assert os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0, "child did not read the marker"
assert wb_reserved() in (False, None), "the mapping's memory type reservation outlives it"
assert try_volatile(3) == 0, "section 3 still refused after every mapping is gone"
assert try_volatile(4) == 0, "section 4 still refused after every mapping is gone"

for off, length in ((31 * size, size), (30 * size, 2 * size)):
    try:
        mmap.mmap(fd, length, offset=off)
        sys.exit("FAIL: mapping beyond the end succeeded")
    except OSError as e:
        assert e.errno == errno.ENXIO, e
try:
    mmap.mmap(fd, size, offset=3 * size)
    sys.exit("FAIL: mapping volatile section 3 succeeded")
except OSError as e:
    assert e.errno == errno.ENXIO, e
print("shared mappings pin their sections; moved after munmap")
PY
[[ $(kmp_get "$dev" volatile) == 3-4 ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"
kmp_set "$dev" persistent 3-4
kmp_check_zero "$dev" 3 4 || fail "sections 3-4 not zero after volatile use"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
