#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write and check the data of persistent sections, fast.

    kmp_bytes.py write   DEV SECTION_SIZE ID...        fill sections with their pattern
    kmp_bytes.py pattern DEV SECTION_SIZE ID...        exit 1 unless each holds its pattern
    kmp_bytes.py zero    DEV SECTION_SIZE ID...        exit 1 unless each is all zero
    kmp_bytes.py count   DEV SECTION_SIZE TEXT ID...   print occurrences of TEXT
    kmp_bytes.py kept    DEV SECTION_SIZE CARVE ID...  exit 1 unless each section,
        once served by device-dax and now whole-section data (init-keep),
        holds the pattern written through its instance at CARVE
    kmp_bytes.py put     DEV SECTION_SIZE ID OFFSET    stdin to the data at OFFSET
    kmp_bytes.py get     DEV SECTION_SIZE ID OFFSET LEN  LEN bytes at OFFSET to stdout

DEV is the kmem_pmem device (daxX.Y). A section's data is where software
finds it: a self-hosted section (its kmem_pmem/section<i> link names a
device-dax instance) through a shared mapping of that instance, the bytes
after its struct pages; a section persistent in the whole-section layout
through /dev/kmem_pmem/DEV at the section's offset. The char device refuses
a self-hosted section (ENXIO) whose instance the bind has not created yet:
wait for its link.

Under TCG a shell pipeline (yes | head | dd | cmp) moves a few MB/s; large
reads and writes from one process move hundreds. The pattern of section i
is "kmp-pattern-of-section-<i>-\\n" repeated (what `yes` would print).
"""
import errno
import mmap
import os
import sys
import time

CHUNK = 4 << 20
LINK_WAIT = 60


def pattern(ident, size):
    line = b"kmp-pattern-of-section-%d-\n" % ident
    reps = CHUNK // len(line) + 2
    block = line * reps
    out = bytearray()
    while len(out) < size:
        out += block
    return bytes(out[:size])


class CharDev:
    """The section's bytes at its offset of /dev/kmem_pmem/DEV."""

    def __init__(self, fd, ident, size):
        self.fd, self.base, self.size = fd, ident * size, size

    def read(self, off, n):
        data = os.pread(self.fd, n, self.base + off)
        if len(data) != n:
            raise OSError(errno.EIO, "short read at %d" % off)
        return data

    def write(self, off, data):
        os.pwrite(self.fd, data, self.base + off)

    def close(self):
        pass


class Instance:
    """A self-hosted section's data: a shared mapping of its instance."""

    def __init__(self, path, writable):
        fd = os.open(path, os.O_RDWR if writable else os.O_RDONLY)
        name = os.path.basename(path)
        with open("/sys/bus/dax/devices/%s/size" % name) as f:
            self.size = int(f.read())
        prot = mmap.PROT_READ | (mmap.PROT_WRITE if writable else 0)
        self.map = mmap.mmap(fd, self.size, mmap.MAP_SHARED, prot)
        os.close(fd)

    def read(self, off, n):
        return self.map[off:off + n]

    def write(self, off, data):
        self.map[off:off + len(data)] = data

    def close(self):
        self.map.close()


def instance_path(dev, ident):
    link = "/sys/bus/dax/devices/%s/kmem_pmem/section%d" % (dev, ident)
    try:
        return "/dev/" + os.path.basename(os.readlink(link))
    except FileNotFoundError:
        return None


def is_volatile(dev, ident):
    with open("/sys/bus/dax/devices/%s/kmem_pmem/volatile" % dev) as f:
        for part in f.read().split(","):
            lo, _, hi = part.strip().partition("-")
            if lo and int(lo) <= ident <= int(hi or lo):
                return True
    return False


def open_section(dev, cfd, ident, size, writable):
    """The section's data, and its size."""
    deadline = time.monotonic() + LINK_WAIT
    while True:
        path = instance_path(dev, ident)
        if path:
            sec = Instance(path, writable)
            return sec, sec.size
        sec = CharDev(cfd, ident, size)
        try:
            sec.read(0, 1)
            return sec, size
        except OSError as e:
            if (e.errno != errno.ENXIO or time.monotonic() > deadline or
                    is_volatile(dev, ident)):
                sys.exit("section %d: %s" % (ident, e))
        time.sleep(0.2)


def chunks(sec, size):
    """Yield (offset in section, bytes), CHUNK at a time."""
    for off in range(0, size, CHUNK):
        yield off, sec.read(off, min(CHUNK, size - off))


def main():
    cmd, dev, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    args = sys.argv[4:]
    writable = cmd in ("write", "put")
    cfd = os.open("/dev/kmem_pmem/" + dev, os.O_RDWR if writable else os.O_RDONLY)
    if cmd in ("put", "get"):
        sec, n = open_section(dev, cfd, int(args[0]), size, writable)
        off = int(args[1])
        if cmd == "put":
            data = sys.stdin.buffer.read()
            if off + len(data) > n:
                sys.exit("%d bytes at %d: past the section's %d bytes of data" % (len(data), off, n))
            sec.write(off, data)
        else:
            sys.stdout.buffer.write(sec.read(off, min(int(args[2]), n - off)))
        sec.close()
        return
    text = args.pop(0).encode() if cmd == "count" else None
    carve = int(args.pop(0)) if cmd == "kept" else 0
    ids = [int(a) for a in args]
    bad = []
    zero = bytes(CHUNK)
    for ident in ids:
        sec, n = open_section(dev, cfd, ident, size, writable)
        if cmd == "write":
            want = pattern(ident, n)
            for off in range(0, n, CHUNK):
                sec.write(off, want[off:off + CHUNK])
        elif cmd == "pattern":
            want = pattern(ident, n)
            if any(data != want[off:off + len(data)] for off, data in chunks(sec, n)):
                bad.append(ident)
        elif cmd == "kept":
            want = pattern(ident, n - carve)
            if sec.read(carve, n - carve) != want:
                bad.append(ident)
        elif cmd == "zero":
            if any(data != zero[:len(data)] for _, data in chunks(sec, n)):
                bad.append(ident)
        elif cmd == "count":
            # Overlap chunks by len(text) - 1 so no occurrence is split.
            hits, tail = 0, b""
            for _, data in chunks(sec, n):
                buf = tail + data
                hits += buf.count(text)
                tail = buf[-(len(text) - 1):] if len(text) > 1 else b""
            print("%d %d" % (ident, hits))
        else:
            sys.exit("unknown command " + cmd)
        sec.close()
    if bad:
        print("sections not as expected: %s" % " ".join(map(str, bad)))
        sys.exit(1)


if __name__ == "__main__":
    main()
