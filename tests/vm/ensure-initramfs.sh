#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Print the path of the guest initramfs for kernel KVER under DIR, building
# it first when it is missing or older than what it is made of.
#
# usage: ensure-initramfs.sh KVER DIR
set -euo pipefail

kver=$1 dir=$2
here=$(cd "$(dirname "$0")" && pwd)
img=$dir/initramfs-$kver.cpio.gz
if [[ -f $img ]]; then
	stale=
	moddir=$("$here/../../scripts/kernel.sh" moddir "$kver")
	for src in "$here/init" "$here/initramfs.sh" "$moddir/modules.dep" /bin/busybox; do
		[[ $src -nt $img ]] && stale=1
	done
	[[ -z $stale ]] && { echo "$img"; exit 0; }
fi
"$here/initramfs.sh" "$kver" "$img" >&2
echo "$img"
