#!/bin/sh
# Extract drivers/dax/{dax-private.h,bus.h} of kernel KVER into OUTDIR.
#
# These headers are private to drivers/dax and are not part of the headers
# package; struct dev_dax must match the running kernel exactly, so they come
# from Debian's linux-source-X.Y package of the same version (installed, or
# extracted under build/kernels/ by fetch-kernel.sh: scripts/kernel.sh).
# Nothing from the kernel tree is copied into this repository.
set -e
kver=$1 out=$2
[ -n "$kver" ] && [ -n "$out" ] || { echo "usage: $0 KVER OUTDIR" >&2; exit 2; }
series=$(echo "$kver" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')
tarball=$("$(dirname "$0")/kernel.sh" source "$kver")
if [ ! -f "$tarball" ]; then
	echo "error: $tarball not found: install linux-source-$series (make deps KVER=$kver)" >&2
	exit 1
fi
# The source package must be the same Debian version as the image.
img_ver=$(dpkg-query -W -f='${Version}' "linux-image-$kver" 2>/dev/null || true)
src_ver=$(dpkg-query -W -f='${Version}' "linux-source-$series" 2>/dev/null || true)
if [ -n "$img_ver" ] && [ "$img_ver" != "$src_ver" ]; then
	echo "error: linux-source-$series is $src_ver but linux-image-$kver is $img_ver; install matching versions (apt-get install linux-source-$series=$img_ver)" >&2
	exit 1
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
tar -xJf "$tarball" -C "$tmp" --wildcards \
	'linux-source-*/drivers/dax/dax-private.h' 'linux-source-*/drivers/dax/bus.h'
mkdir -p "$out"
cp "$tmp"/linux-source-*/drivers/dax/dax-private.h "$tmp"/linux-source-*/drivers/dax/bus.h "$out/"
echo "  DAXHDR  $out (from $tarball)"
