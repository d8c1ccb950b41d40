#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one test VM and wait for it to power off, at most TIMEOUT seconds.
#
# Topology (shared/DESIGN.md §2): 2 CPUs and all 2 GiB of RAM on node 0;
# node 1 has no CPUs and no RAM, only an NVDIMM backed by a (sparse) file
# (or, with --cxl, a CXL memory device instead of it; with --hmem, RAM the
# guest's kernel is told to soft-reserve).
# The host root is exported read-only over virtio-9p (tag kmp_root), the
# log directory read-write (tag kmp_log). ttyS0 is the kernel console,
# ttyS1 carries the test's output. With --disk the guest's root is that
# raw disk image instead (virtio-blk, /dev/vda), and the repository is
# exported read-only (tag kmp_repo).
#
# usage: qemu.sh [options]
#   --kernel F --initrd F --append STR     what to boot
#   --nvdimm-img F --nvdimm-size S         NVDIMM backing file and size (4G)
#   --maxmem S --cpu MODEL                 -m maxmem (16G), -cpu (QEMU's default)
#   --ram S --ram-img F                    node 0's RAM (2G); with F, backed
#                                          by that (sparse) file: a large
#                                          guest costs the host only what it
#                                          touches
#   --cxl S --cxl-lsa F --cxl-topology T   instead of the NVDIMM: a CXL type-3
#                                          persistent memory device of size S
#                                          backed by the NVDIMM file, its label
#                                          storage area in F (1 MiB), on a
#                                          q35 machine; T is `two-ports` (the
#                                          working topology) or `one-port` (a
#                                          trap: QEMU drops every write)
#   --hmem S                               S of RAM on node 1, at 4 GiB (after
#                                          2 GiB below 4 GiB), for the guest
#                                          to mark soft reserved (memmap=)
#   --log-dir D                            shared read-write as kmp_log
#   --console F --output F                 files receiving ttyS0 and ttyS1
#   --timeout SECONDS                      kill QEMU after this long (300)
#   --disk F --repo D                      root disk image, repository
#
# Exit: 0 when QEMU exited by itself (poweroff, or panic with -no-reboot),
# 124 on timeout, QEMU's status otherwise.
# shellcheck disable=SC2054 # commas are part of QEMU options
set -euo pipefail

kernel='' initrd='' append='' img='' size=4G maxmem=16G cpu='' ram=2G ramimg=''
logdir='' console='' output='' timeout=300 disk='' repo='' cxl='' cxllsa='' cxltopo=two-ports hmem=''
while (($#)); do
	case $1 in
	--kernel) kernel=$2 ;;
	--initrd) initrd=$2 ;;
	--append) append=$2 ;;
	--nvdimm-img) img=$2 ;;
	--nvdimm-size) size=$2 ;;
	--maxmem) maxmem=$2 ;;
	--cpu) cpu=$2 ;;
	--ram) ram=$2 ;;
	--ram-img) ramimg=$2 ;;
	--cxl) cxl=$2 ;;
	--cxl-lsa) cxllsa=$2 ;;
	--cxl-topology) cxltopo=$2 ;;
	--hmem) hmem=$2 ;;
	--log-dir) logdir=$2 ;;
	--console) console=$2 ;;
	--output) output=$2 ;;
	--timeout) timeout=$2 ;;
	--disk) disk=$2 ;;
	--repo) repo=$2 ;;
	*) echo "qemu.sh: unknown option $1" >&2; exit 2 ;;
	esac
	shift 2
done
for v in kernel initrd img logdir console output; do
	[[ -n ${!v} ]] || { echo "qemu.sh: --${v/img/nvdimm-img} is required" >&2; exit 2; }
done

ram0="memory-backend-ram,id=ram0,size=$ram"
[[ -n $ramimg ]] && ram0="memory-backend-file,id=ram0,share=on,mem-path=$ramimg,size=$ram"
# shellcheck disable=SC2054 # commas are part of QEMU options
if [[ -n $disk ]]; then
	root=(
		-drive "file=$disk,if=virtio,format=raw,cache=unsafe"
		-fsdev "local,id=fsrepo,path=$repo,security_model=none,readonly=on"
		-device virtio-9p-pci,fsdev=fsrepo,mount_tag=kmp_repo
	)
else
	root=(
		-fsdev local,id=fsroot,path=/,security_model=none,readonly=on,multidevs=remap
		-device virtio-9p-pci,fsdev=fsroot,mount_tag=kmp_root
	)
fi
machine=pc,nvdimm=on mem=$ram
if [[ -n $hmem ]]; then
	# QEMU puts node 1's RAM after node 0's: above the 4 GiB hole.
	machine+=,max-ram-below-4g=2G
	mem=$((($(numfmt --from=iec "$ram") + $(numfmt --from=iec "$hmem")) >> 20))M
fi
if [[ -n $cxl ]]; then
	machine=q35,cxl=on
	# Linux 6.12 (not 6.1) refuses to commit a CXL region in a guest: it
	# cannot invalidate CPU caches there (cpu_cache_has_invalidate_memregion()
	# is false with the hypervisor CPUID bit; TCG's WBINVD is harmless).
	cpu=${cpu:-qemu64},-hypervisor
fi
# shellcheck disable=SC2054
args=(
	-nodefaults -no-user-config -display none -no-reboot
	-accel tcg -smp 2
	-machine "$machine"
	-m "$mem,slots=4,maxmem=$maxmem"
	-object "$ram0"
	-numa node,nodeid=0,cpus=0-1,memdev=ram0
	"${root[@]}"
	-fsdev "local,id=fslog,path=$logdir,security_model=none"
	-device virtio-9p-pci,fsdev=fslog,mount_tag=kmp_log
	-serial "file:$console"
	-chardev "file,id=out,path=$output"
	-device isa-serial,chardev=out
	-kernel "$kernel" -initrd "$initrd" -append "$append"
)
# After the PCI devices above: QEMU plugs a device without bus= into the
# bus created last, and only bridges fit into pxb-cxl.
if [[ -n $cxl ]]; then
	# CXL persistent memory (tests/README.md, vm-cxl). Linux makes a
	# NUMA node of the fixed memory window (node 1: SRAT has no other).
	# A host bridge with one root port is pass-through to Linux, which
	# then never commits its HDM decoder, and QEMU 7.2 routes window
	# accesses only through committed decoders: every write is dropped.
	# A serial number of 0 makes the interleave-set cookie 0, and the
	# labels are refused at the next boot.
	[[ -n $cxllsa ]] || { echo "qemu.sh: --cxl needs --cxl-lsa" >&2; exit 2; }
	args+=(
		-object "memory-backend-file,id=cxl-mem0,share=on,mem-path=$img,size=$cxl"
		-object "memory-backend-file,id=cxl-lsa0,share=on,mem-path=$cxllsa,size=1M"
		-device pxb-cxl,bus_nr=12,bus=pcie.0,id=cxl.1
		-device cxl-rp,port=0,bus=cxl.1,id=cxl_rp0,chassis=0,slot=2
	)
	case $cxltopo in
	two-ports) args+=(-device cxl-rp,port=1,bus=cxl.1,id=cxl_rp1,chassis=0,slot=3) ;;
	one-port) ;;
	*) echo "qemu.sh: unknown --cxl-topology $cxltopo" >&2; exit 2 ;;
	esac
	args+=(
		-device cxl-type3,bus=cxl_rp0,memdev=cxl-mem0,lsa=cxl-lsa0,id=cxl-pmem0,sn=0x4b4d50
		-M "cxl-fmw.0.targets.0=cxl.1,cxl-fmw.0.size=$cxl"
	)
elif [[ -n $hmem ]]; then
	args+=(
		-object "memory-backend-ram,id=ram1,size=$hmem"
		-numa node,nodeid=1,memdev=ram1
		-object "memory-backend-file,id=nvmem1,share=on,mem-path=$img,size=$size"
		-device nvdimm,id=nvdimm1,memdev=nvmem1,node=1
	)
else
	args+=(
		-numa node,nodeid=1
		-object "memory-backend-file,id=nvmem1,share=on,mem-path=$img,size=$size"
		-device nvdimm,id=nvdimm1,memdev=nvmem1,node=1
	)
fi
[[ -n $cpu ]] && args+=(-cpu "$cpu")


exec timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${args[@]}"
