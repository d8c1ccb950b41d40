#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-ram: 65G
# vm-nvdimm: 1T
# vm-maxmem: 1200G
# vm-cpu: qemu64,phys-bits=42
# vm-timeout: 5400
# vm-cmdline: memory_hotplug.memmap_on_memory=1 memhp_default_state=online_movable
#
# bench/guest-setup1t.sh on a machine whose kernel picks 2 GiB memory
# blocks: x86 does once boot RAM reaches 64 GiB (65 GiB on node 0, backed by
# a sparse file). Sections are 2 GiB, 511 of them for the 1 TiB NVDIMM, and
# the kernel's own structures per memory block (struct memory_block, its
# sysfs nodes), which dominate the DRAM on 128 MiB blocks, are 16 times
# fewer. Keys setup1t2g.*; `make bench BENCH=setup1t2g`.
K=setup1t2g
. bench/setup1t.sh
