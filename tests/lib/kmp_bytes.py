#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write and check section contents through /dev/kmem_pmem/daxX.Y, fast.

    kmp_bytes.py write   CHARDEV SECTION_SIZE ID...   fill sections with their pattern
    kmp_bytes.py pattern CHARDEV SECTION_SIZE ID...   exit 1 unless each holds its pattern
    kmp_bytes.py zero    CHARDEV SECTION_SIZE ID...   exit 1 unless each is all zero
    kmp_bytes.py count   CHARDEV SECTION_SIZE TEXT ID...  print occurrences of TEXT

Under TCG a shell pipeline (yes | head | dd | cmp) moves a few MB/s; large
reads and writes from one process move hundreds. The pattern of section i
is "kmp-pattern-of-section-<i>-\\n" repeated (what `yes` would print).
"""
import os
import sys

CHUNK = 4 << 20


def pattern(ident, size):
    line = b"kmp-pattern-of-section-%d-\n" % ident
    reps = CHUNK // len(line) + 2
    block = line * reps
    out = bytearray()
    while len(out) < size:
        out += block
    return bytes(out[:size])


def chunks(fd, ident, size):
    """Yield (offset in section, bytes) of section ident, CHUNK at a time."""
    base = ident * size
    for off in range(0, size, CHUNK):
        n = min(CHUNK, size - off)
        data = os.pread(fd, n, base + off)
        if len(data) != n:
            sys.exit("section %d: short read at %d" % (ident, off))
        yield off, data


def main():
    cmd, dev, size = sys.argv[1], sys.argv[2], int(sys.argv[3])
    args = sys.argv[4:]
    text = args.pop(0).encode() if cmd == "count" else None
    ids = [int(a) for a in args]
    fd = os.open(dev, os.O_RDWR if cmd == "write" else os.O_RDONLY)
    bad = []
    zero = bytes(CHUNK)
    for ident in ids:
        if cmd == "write":
            want = pattern(ident, size)
            for off in range(0, size, CHUNK):
                os.pwrite(fd, want[off:off + CHUNK], ident * size + off)
        elif cmd == "pattern":
            want = pattern(ident, size)
            if any(data != want[off:off + len(data)] for off, data in chunks(fd, ident, size)):
                bad.append(ident)
        elif cmd == "zero":
            if any(data != zero[:len(data)] for _, data in chunks(fd, ident, size)):
                bad.append(ident)
        elif cmd == "count":
            # Overlap chunks by len(text) - 1 so no occurrence is split.
            hits, tail = 0, b""
            for _, data in chunks(fd, ident, size):
                buf = tail + data
                hits += buf.count(text)
                tail = buf[-(len(text) - 1):] if len(text) > 1 else b""
            print("%d %d" % (ident, hits))
        else:
            sys.exit("unknown command " + cmd)
    if bad:
        print("sections not as expected: %s" % " ".join(map(str, bad)))
        sys.exit(1)


if __name__ == "__main__":
    main()
