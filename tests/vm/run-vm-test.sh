#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run one VM test: boot the test VM once per `vm-boots`, run SCRIPT in it
# each time (on the same NVDIMM backing file), judge the result. The guest
# test contract (directives, environment, exit codes) is in tests/README.md.
#
# usage: run-vm-test.sh [--name NAME] [--log-dir DIR] [--verbose] SCRIPT
#
#   NAME     the test's name (default: SCRIPT's basename without .sh)
#   DIR      log directory (default: build/test-logs/NAME); emptied first
#   verbose  stream the test's output to stderr (also V=1 in the environment)
#
# Environment: KVER (kernel to boot, default scripts/kver.sh; installed or
# fetched, see scripts/kernel.sh), KMP_MODULE (the kmem_pmem.ko built for
# it, default the repo's), KMP_KEEP_IMG=1 keeps the NVDIMM backing file
# (its path is printed).
#
# The last line printed is the verdict: `PASS`, `SKIP: reason` or
# `FAIL: reason`; the exit status is 0, 4 or 1 accordingly (2: bad usage or
# a broken test header).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
name='' logdir='' verbose=${V:-0}
while (($#)); do
	case $1 in
	--name) name=$2; shift 2 ;;
	--log-dir) logdir=$2; shift 2 ;;
	--verbose) verbose=1; shift ;;
	-*) echo "run-vm-test.sh: unknown option $1" >&2; exit 2 ;;
	*) break ;;
	esac
done
(($# == 1)) || { sed -n 's/^# \{0,1\}//; 4,16p' "$0" >&2; exit 2; }
script=$(realpath "$1")
[[ -f $script ]] || { echo "FAIL: no such test script: $1"; exit 2; }
name=${name:-$(basename "$script" .sh)}
logdir=${logdir:-$repo/build/test-logs/$name}
KVER=${KVER:-$("$repo/scripts/kver.sh")} || exit 2

# shellcheck source=tests/vm/directives.sh
. "$here/directives.sh"
# shellcheck source=tests/vm/dmesg-check.sh
. "$here/dmesg-check.sh"
# shellcheck source=tests/vm/debian-root.sh
. "$here/debian-root.sh"

verdict() {
	local v=$1
	shift
	case $v in
	PASS) echo "PASS"; exit 0 ;;
	SKIP) echo "SKIP: $*"; exit 4 ;;
	FAIL) echo "FAIL: $*"; exit 1 ;;
	esac
}

# The failure reasons gathered so far, on one line.
join_reasons() {
	local r out=
	for r in "${reasons[@]}"; do
		out+="${out:+; }$r"
	done
	echo "$out"
}

parse_directives "$script" || exit 2
if [[ -n $vm_cxl && -n $vm_hmem ]]; then
	echo "FAIL: $script: vm-cxl and vm-hmem exclude each other"
	exit 2
fi

module=${KMP_MODULE:-$repo/kmem_pmem.ko}
moddir=
if [[ -z $vm_root ]]; then
	kernel=$("$repo/scripts/kernel.sh" image "$KVER") || verdict FAIL "scripts/kernel.sh image $KVER failed"
	[[ -r $kernel ]] || verdict FAIL "no kernel $kernel (make deps KVER=$KVER)"
	# A fetched kernel's modules are not in the host's /lib/modules: the guest
	# mounts them there (guest-run.sh).
	moddir=$("$repo/scripts/kernel.sh" moddir "$KVER")
	[[ $moddir == "/lib/modules/$KVER" ]] && moddir=
	initrd=$("$here/ensure-initramfs.sh" "$KVER" "$repo/build/vm") ||
		verdict FAIL "cannot build the initramfs for $KVER"
fi

rm -rf "$logdir"
mkdir -p "$logdir/out" || verdict FAIL "cannot create $logdir"
logdir=$(realpath "$logdir")
mkdir -p "$repo/build/vm"
work=$(mktemp -d "$repo/build/vm/run.$name.XXXXXX")
img=$work/nvdimm.img
tail_pid='' qemu_pid=''
cleanup() {
	[[ -n $qemu_pid ]] && kill "$qemu_pid" 2>/dev/null
	[[ -n $tail_pid ]] && kill "$tail_pid" 2>/dev/null
	if [[ ${KMP_KEEP_IMG:-0} == 1 ]]; then
		echo "NVDIMM backing file kept: $img" >&2
	else
		rm -rf "$work"
	fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM
media_args=(--nvdimm-img "$img" --nvdimm-size "$vm_nvdimm")
if [[ -n $vm_cxl ]]; then
	# The CXL device takes the NVDIMM's place and backing file.
	read -r vm_nvdimm cxl_topology <<< "$vm_cxl"
	truncate -s 1M "$work/cxl-lsa.img" || verdict FAIL "cannot create the CXL label storage file"
	media_args=(--nvdimm-img "$img" --cxl "$vm_nvdimm" --cxl-lsa "$work/cxl-lsa.img"
		    --cxl-topology "${cxl_topology:-two-ports}")
fi
truncate -s "$vm_nvdimm" "$img" || verdict FAIL "cannot create the NVDIMM backing file"
ram_args=(--ram "$vm_ram")
if [[ $vm_ram != 2G ]]; then
	truncate -s "$vm_ram" "$work/ram.img" || verdict FAIL "cannot create the RAM backing file"
	ram_args+=(--ram-img "$work/ram.img")
fi
# maxcpus=1: the guest's init brings the second CPU up (tests/vm/online-cpus.sh
# says why). lpj: the delay loop's calibration on that CPU takes 1-2 s of
# every boot under TCG, and fails ("calibrate_delay_direct() failed to get a
# good estimate"); this is the value the boot CPU takes from the TSC on this
# kind of machine (a different one only scales that CPU's udelay()).
base_cmdline="console=ttyS0,115200 panic=-1 maxcpus=1 lpj=8384064 rdinit=/init printk.devkmsg=on"
root_args=()
if [[ $vm_root == debian ]]; then
	debian_prepare "$work" "$logdir"
	base_cmdline="console=ttyS0,115200 panic=-1 maxcpus=1 lpj=8384064 root=/dev/vda rw printk.devkmsg=on"
	root_args=(--disk "$debian_disk" --repo "$repo")
fi

# Single-quote VALUE for a shell (busybox sh in the initramfs reads this).
shq() { printf "'%s'" "${1//\'/\'\\\'\'}"; }

if [[ -n $vm_hmem ]]; then
	# Node 1's RAM (at 4 GiB) becomes e820 "soft reserved" (type
	# 0xefffffff), as firmware marks EFI_MEMORY_SP memory: for dax_hmem.
	base_cmdline+=" memmap=$vm_hmem%4G-1+0xefffffff"
	media_args+=(--hmem "$vm_hmem")
fi
if [[ -n $vm_cxl ]]; then
	# QEMU 7.2's type-3 device has no event-log interrupts: 6.12 (not 6.1)
	# refuses it (cxl_pci: "Failed to get interrupt for event Info log")
	# unless firmware keeps CXL error reporting, which is what not asking
	# for PCIe _OSC control gives.
	base_cmdline+=" pcie_ports=compat"
fi
reasons=()
for ((boot = 1; boot <= vm_boots; boot++)); do
	if [[ $vm_root == debian ]]; then
		debian_kernel "$work" || verdict FAIL "no kernel in the disk image's /boot (boot $boot)"
		kernel=$work/vmlinuz initrd=$work/initrd.img KVER=$debian_kver
		echo "boot $boot: $KVER" >> "$logdir/harness.log"
	fi
	{
		echo "KMP_REPO=$(shq "$repo")"
		echo "KMP_BOOT=$(shq "$boot")"
		echo "KMP_TEST=$(shq "$script")"
		echo "KVER=$(shq "$KVER")"
		echo "KMP_MODULE=$(shq "$(realpath -m "$module")")"
		echo "KMP_MODDIR=$(shq "$moddir")"
		echo "KMP_BOOTS=$(shq "$vm_boots")"
		echo "KMP_DEBIAN_KVER2=$(shq "${debian_kver2:-}")"
		# Switches of a test, from the host's environment.
		for v in $(compgen -v KMP_TEST_ || true); do
			echo "$v=$(shq "${!v}")"
		done
	} > "$logdir/guest.env"
	console=$logdir/boot$boot.console.log
	output=$logdir/boot$boot.out
	: > "$output"
	if [[ $verbose == 1 ]]; then
		tail -n +1 -f "$output" >&2 &
		tail_pid=$!
	fi
	start=$SECONDS
	"$here/qemu.sh" --kernel "$kernel" --initrd "$initrd" \
		--append "$base_cmdline $vm_cmdline" \
		"${media_args[@]}" \
		--maxmem "$vm_maxmem" --cpu "$vm_cpu" "${ram_args[@]}" \
		--log-dir "$logdir" --console "$console" --output "$output" \
		--timeout "$vm_timeout" "${root_args[@]}" > "$logdir/boot$boot.qemu.log" 2>&1 &
	qemu_pid=$!
	wait "$qemu_pid"
	qrc=$?
	qemu_pid=
	if [[ -n $tail_pid ]]; then
		sleep 0.3
		kill "$tail_pid" 2>/dev/null
		wait "$tail_pid" 2>/dev/null
		tail_pid=
	fi
	echo "boot $boot: $((SECONDS - start)) s, qemu exit $qrc" >> "$logdir/harness.log"

	dmesg_file=$logdir/boot$boot.dmesg
	bad=$(dmesg_problems "$vm_dmesg_allow" "$dmesg_file" "$console")
	[[ -n $bad ]] && reasons+=("dmesg: $bad (boot $boot)")

	if ((qrc == 124 || qrc == 137)); then
		reasons+=("timeout after ${vm_timeout}s (boot $boot)")
		verdict FAIL "$(join_reasons)"
	fi
	if [[ ! -f $logdir/boot$boot.rc ]]; then
		why=$(grep -m1 -E 'Kernel panic|kmp-init:' "$console" | sed 's/^\[[^]]*\] //')
		[[ $qrc != 0 ]] && why="qemu exit $qrc: $(tail -n1 "$logdir/boot$boot.qemu.log")"
		reasons+=("no result (boot $boot)${why:+: $why}")
		verdict FAIL "$(join_reasons)"
	fi
	rc=$(< "$logdir/boot$boot.rc")
	# The reason: the last FAIL:/SKIP: line of the output, else its last line.
	last=$(tr -d '\r' < "$output" | grep -E '^(FAIL|SKIP):' | tail -n1)
	[[ -n $last ]] || last=$(tr -d '\r' < "$output" | grep -v '^[[:space:]]*$' | tail -n1)
	if [[ $rc == 4 && ${#reasons[@]} == 0 ]]; then
		verdict SKIP "${last#SKIP: } (boot $boot)"
	elif [[ $rc != 0 ]]; then
		reasons+=("exit $rc (boot $boot)${last:+: $last}")
	fi
	((${#reasons[@]} == 0)) || verdict FAIL "$(join_reasons)"

	if ((boot < vm_boots)) && [[ -n $vm_between ]]; then
		if ! KMP_NVDIMM_IMG=$img KMP_OUT=$logdir/out KMP_BOOT=$boot \
			KMP_DISK_IMG=${debian_disk:-} KMP_DEBIAN_KVER2=${debian_kver2:-} \
			bash -c "cd \"\$1\" && $vm_between" vm-between "$repo" \
			>> "$logdir/between.log" 2>&1; then
			verdict FAIL "vm-between failed after boot $boot: $(tail -n1 "$logdir/between.log")"
		fi
	fi
done
verdict PASS
