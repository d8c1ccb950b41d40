#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Boot one test VM and wait for it to power off, at most TIMEOUT seconds.
#
# Topology (shared/DESIGN.md §2): 2 CPUs and all 2 GiB of RAM on node 0;
# node 1 has no CPUs and no RAM, only an NVDIMM backed by a (sparse) file.
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
#   --log-dir D                            shared read-write as kmp_log
#   --console F --output F                 files receiving ttyS0 and ttyS1
#   --timeout SECONDS                      kill QEMU after this long (300)
#   --disk F --repo D                      root disk image, repository
#
# Exit: 0 when QEMU exited by itself (poweroff, or panic with -no-reboot),
# 124 on timeout, QEMU's status otherwise.
set -euo pipefail

kernel='' initrd='' append='' img='' size=4G maxmem=16G cpu='' ram=2G ramimg=''
logdir='' console='' output='' timeout=300 disk='' repo=''
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
# shellcheck disable=SC2054
args=(
	-nodefaults -no-user-config -display none -no-reboot
	-accel tcg -smp 2
	-machine pc,nvdimm=on
	-m "$ram,slots=4,maxmem=$maxmem"
	-object "$ram0"
	-numa node,nodeid=0,cpus=0-1,memdev=ram0
	-numa node,nodeid=1
	-object "memory-backend-file,id=nvmem1,share=on,mem-path=$img,size=$size"
	-device nvdimm,id=nvdimm1,memdev=nvmem1,node=1
	"${root[@]}"
	-fsdev "local,id=fslog,path=$logdir,security_model=none"
	-device virtio-9p-pci,fsdev=fslog,mount_tag=kmp_log
	-serial "file:$console"
	-chardev "file,id=out,path=$output"
	-device isa-serial,chardev=out
	-kernel "$kernel" -initrd "$initrd" -append "$append"
)
[[ -n $cpu ]] && args+=(-cpu "$cpu")


exec timeout --kill-after=10 "$timeout" qemu-system-x86_64 "${args[@]}"
