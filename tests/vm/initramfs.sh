#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build the guest initramfs: busybox-static, the modules needed to mount the
# host root over virtio-9p (resolved through modules.dep of kernel KVER,
# installed or fetched: scripts/kernel.sh) and tests/vm/init. It only mounts the host root and switches to it; everything
# else the guest runs comes from the host tree, unchanged.
#
# usage: initramfs.sh KVER OUTPUT.cpio.gz
set -euo pipefail

kver=$1 out=$2
here=$(cd "$(dirname "$0")" && pwd)
moddir=$("$here/../../scripts/kernel.sh" moddir "$kver")
busybox=/bin/busybox
want=(virtio_pci 9pnet_virtio 9p)

[[ -f $moddir/modules.dep ]] || { echo "initramfs.sh: $moddir/modules.dep missing (make deps KVER=$kver)" >&2; exit 1; }
[[ -x $busybox ]] || { echo "initramfs.sh: $busybox missing (install busybox-static)" >&2; exit 1; }

# Append MOD's path (relative to $moddir) to $order after those of its
# dependencies.
declare -A seen
order=()
resolve() {
	local name=$1 line path dep
	line=$(grep -E "/${name//_/[_-]}\.ko(\.[a-z]+)?:" "$moddir/modules.dep" | head -n1) || true
	if [[ -z $line ]]; then
		# Built into this kernel?
		grep -qE "/${name//_/[_-]}\.ko" "$moddir/modules.builtin" 2>/dev/null && return 0
		echo "initramfs.sh: module $name not found for $kver" >&2
		exit 1
	fi
	path=${line%%:*}
	[[ -n ${seen[$path]:-} ]] && return 0
	for dep in ${line#*:}; do
		dep=${dep##*/}
		resolve "${dep%%.ko*}"
	done
	seen[$path]=1
	order+=("$path")
}

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
mkdir -p "$tmp"/{bin,dev,proc,sys,newroot,lib/modules}
mknod -m 600 "$tmp/dev/console" c 5 1
cp "$busybox" "$tmp/bin/busybox"
ln -s busybox "$tmp/bin/sh"
cp "$here/init" "$tmp/init"
chmod 755 "$tmp/init"

for m in "${want[@]}"; do
	resolve "$m"
done
: > "$tmp/lib/modules/load"
for p in "${order[@]}"; do
	base=${p##*/}
	case $base in
	*.ko.xz)  xz -dc "$moddir/$p" > "$tmp/lib/modules/${base%.xz}" ;;
	*.ko.zst) zstd -qdc "$moddir/$p" > "$tmp/lib/modules/${base%.zst}" ;;
	*.ko.gz)  gzip -dc "$moddir/$p" > "$tmp/lib/modules/${base%.gz}" ;;
	*)        cp "$moddir/$p" "$tmp/lib/modules/$base" ;;
	esac
	echo "${base%.ko*}.ko" >> "$tmp/lib/modules/load"
done

mkdir -p "$(dirname "$out")"
(cd "$tmp" && find . | LC_ALL=C sort | cpio --quiet -o -H newc -R 0:0) | gzip -1 > "$out.tmp.$$"
mv -f "$out.tmp.$$" "$out"
