#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Run a command inside the Debian root of a `vm-root: debian` test's disk
# image, on the host, between two boots (a vm-between command): the image is
# loop-mounted, with /dev, /proc and /sys, and the command runs chrooted
# there as root, at the host's speed rather than under TCG. Kernel hooks,
# DKMS and update-initramfs run as they do on the machine itself.
#
# usage: debian-chroot.sh DISK COMMAND [ARG...]
set -euo pipefail

disk=${1:-}
shift || true
if (($# == 0)) || [[ ! -f $disk ]]; then
	echo "usage: $0 DISK COMMAND [ARG...]" >&2
	exit 2
fi
root=$(mktemp -d)
mounted=()
cleanup() {
	local i
	for ((i = ${#mounted[@]} - 1; i >= 0; i--)); do
		umount "${mounted[i]}" || umount -l "${mounted[i]}"
	done
	rmdir "$root"
}
trap cleanup EXIT
mount -o loop "$disk" "$root" ||
	{ echo "debian-chroot.sh: cannot loop-mount $disk (no loop devices?)" >&2; exit 1; }
mounted+=("$root")
for d in dev dev/pts proc sys; do
	mount --bind "/$d" "$root/$d"
	mounted+=("$root/$d")
done
env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin HOME=/root LANG=C.UTF-8 \
	DEBIAN_FRONTEND=noninteractive chroot "$root" "$@"
