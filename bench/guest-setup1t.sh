#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 1T
# vm-maxmem: 1100G
# vm-cpu: qemu64,phys-bits=42
# vm-timeout: 5400
# vm-cmdline: memory_hotplug.memmap_on_memory=1 memhp_default_state=online_movable
#
# The seeds' scale through the product's own path: a 1 TiB NVDIMM on the
# 2 GiB guest, made kmem_pmem sections by `pmemctl setup namespace0.0`
# (device_dax kept off it: its struct pages for 1 TiB would need 4 GiB of
# DRAM on 6.12 and 7.3, 16 GiB on 6.1; kmem's would need 16 GiB), every
# section volatile; a numactl --membind workload on the pmem node; 64
# sections back to persistent (scrubbed); unbind. Time and DRAM of each step
# go to $KMP_OUT/results.jsonl (keys setup1t.*); `make bench BENCH=setup1t`.
# The steps are in bench/setup1t.sh, shared with guest-setup1t2g.sh.
K=setup1t
. bench/setup1t.sh
