#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Where the pieces of kernel KVER are, whether it is installed (apt) or
# fetched (scripts/fetch-kernel.sh, under build/kernels/KVER/root), and how
# Kbuild must be called for it on this system. One place for the Makefile,
# the VM harness and the test runner.
#
# usage: kernel.sh WHAT KVER
#   root       / for an installed kernel, build/kernels/KVER/root if fetched
#   kdir       the headers (Kbuild) directory
#   image      the kernel image to boot
#   moddir     its lib/modules/KVER directory
#   source     its linux-source-X.Y.tar.xz
#   makeflags  Kbuild variables this system needs for those headers, on one
#              line (empty for a kernel built by this Debian release):
#                CC=...-gcc-NN              the headers' gcc is not installed
#                CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=
#                                           that compiler lacks
#                                           -fmin-function-alignment
#                CONFIG_DEBUG_INFO_BTF_MODULES=
#                                           no pahole, or older than the one
#                                           the kernel was built with
#   origin     apt or fetch
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
what=${1:-} kver=${2:-}
[[ -n $what && -n $kver ]] || { sed -n 's/^# \{0,1\}//; 9,23p' "$0" >&2; exit 2; }

fetched=$repo/build/kernels/$kver/root
if [[ $(awk -v k="$kver" '$1 == k { print $2 }' "$here/kernels.list") == fetch || -d $fetched ]]; then
	origin=fetch root=$fetched
else
	origin=apt root=
fi
kdir=$root/usr/src/linux-headers-$kver

makeflags() {
	local vars cc gccver host_gcc pahole_want pahole_have out=()
	[[ -f $kdir/.config ]] || return 0
	# Debian's headers name their compiler: CC = $(CROSS_COMPILE)gcc-NN.
	vars=$kdir/.kernelvariables
	cc=gcc
	if [[ -f $vars ]]; then
		gccver=$(sed -n 's/^CC = .*gcc-\([0-9][0-9]*\)$/\1/p' "$vars")
		if [[ -n $gccver ]] && ! command -v "x86_64-linux-gnu-gcc-$gccver" > /dev/null; then
			host_gcc=$(compgen -c x86_64-linux-gnu-gcc- | grep -E -- '-gcc-[0-9]+$' | sort -t- -k5 -n | tail -n1)
			[[ -n $host_gcc ]] || { echo "kernel.sh: no x86_64-linux-gnu-gcc-NN for $kver" >&2; exit 1; }
			out+=("CC=$host_gcc")
			cc=$host_gcc
			if grep -q '^CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=y' "$kdir/.config" &&
				! echo 'int x;' | "$cc" -fmin-function-alignment=16 -x c -c -o /dev/null - 2> /dev/null; then
				out+=("CONFIG_CC_HAS_MIN_FUNCTION_ALIGNMENT=")
			fi
		fi
	fi
	# Module BTF needs pahole, at least the kernel's (its flags follow
	# CONFIG_PAHOLE_VERSION), and the headers' vmlinux.
	if grep -q '^CONFIG_DEBUG_INFO_BTF_MODULES=y' "$kdir/.config" && [[ -f $kdir/vmlinux ]]; then
		pahole_want=$(sed -n 's/^CONFIG_PAHOLE_VERSION=//p' "$kdir/.config")
		pahole_have=$(pahole --version 2> /dev/null | sed -n 's/^v\([0-9]*\)\.\([0-9]*\).*/\1\2/p')
		if [[ -z $pahole_have ]] || ((pahole_have < ${pahole_want:-0})); then
			out+=("CONFIG_DEBUG_INFO_BTF_MODULES=")
		fi
	fi
	echo "${out[*]}"
}

case $what in
root) echo "${root:-/}" ;;
kdir) echo "$kdir" ;;
image) echo "$root/boot/vmlinuz-$kver" ;;
moddir) echo "$root/lib/modules/$kver" ;;
source) echo "$root/usr/src/linux-source-$(sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p' <<< "$kver").tar.xz" ;;
makeflags) makeflags ;;
origin) echo "$origin" ;;
*) echo "kernel.sh: unknown WHAT '$what'" >&2; exit 2 ;;
esac
