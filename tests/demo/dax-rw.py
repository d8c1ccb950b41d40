#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Write a line at the start of a device-dax device, or read it back.

    dax-rw.py write /dev/daxR.0 TEXT
    dax-rw.py read  /dev/daxR.0

device-dax has no read() or write(): bytes go through a shared mapping of
whole 2 MiB pages, as an application's would.
"""
import mmap
import os
import sys

cmd, path = sys.argv[1], sys.argv[2]
fd = os.open(path, os.O_RDWR if cmd == "write" else os.O_RDONLY)
prot = mmap.PROT_READ | (mmap.PROT_WRITE if cmd == "write" else 0)
m = mmap.mmap(fd, 2 << 20, mmap.MAP_SHARED, prot)
if cmd == "write":
    line = sys.argv[3].encode() + b"\n"
    m[:len(line)] = line
else:
    print(m[:m.find(b"\n")].decode(errors="replace"))
m.close()
