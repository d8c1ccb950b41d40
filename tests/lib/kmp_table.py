#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write a kmem_pmem table (both copies) into an NVDIMM backing file.

    kmp_table.py IMG OFFSET DEVICE_SIZE SECTION_SIZE FIRST NR VOLATILE_IDS

OFFSET: the table's byte offset in IMG; DEVICE_SIZE, SECTION_SIZE, FIRST (the
offset of section 0 in the device) and NR describe the geometry the table
claims; VOLATILE_IDS: comma-separated sections recorded volatile ("" for
none). The format is metadata_format.c's. For tests that need a valid table
of another geometry than the device's: the VM harness can neither change the
memory block size (2 GiB needs 64 GiB of boot RAM) nor resize a label-less
namespace.
"""
import os
import struct
import sys

HDR = 4096


def fletcher64(buf):
    lo = hi = 0
    for (word,) in struct.iter_unpack("<I", buf):
        lo = (lo + word) & 0xFFFFFFFF
        hi = (hi + lo) & 0xFFFFFFFFFFFFFFFF
    return ((hi << 32) | lo) & 0xFFFFFFFFFFFFFFFF


def encode(dev_size, sec_size, first, nr, volatile, seq):
    tsize = (nr + 4095) // 4096 * 4096
    buf = bytearray(HDR + tsize)
    struct.pack_into("<16s16sIIQQQQQQ", buf, 0, b"KMEM_PMEM_META\0\0",
                     os.urandom(16), 1, HDR, seq, dev_size, sec_size, first,
                     nr, tsize)
    for i in volatile:
        buf[HDR + i] = 1
    struct.pack_into("<Q", buf, 88, fletcher64(bytes(buf)))
    return bytes(buf)


def main():
    img, off, dev_size, sec_size, first, nr = sys.argv[1], *map(int, sys.argv[2:7])
    volatile = [int(i) for i in sys.argv[7].split(",") if i]
    copy = encode(dev_size, sec_size, first, nr, volatile, 1)
    with open(img, "r+b") as f:
        f.seek(off)
        f.write(copy + copy)


main()
