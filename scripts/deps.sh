#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install the Debian packages that building, testing and the demo need.
# Idempotent: when everything is installed it only asks dpkg and returns.
# pahole reads the kernel's BTF for the private dax structures
# (dax-btf-headers.sh); debhelper to mmdebstrap are for `make deb` and the
# package test (tests/integration/pkg-boot.sh).
#
# KVER (the Makefile passes the default kernel, scripts/kver.sh) adds that
# kernel's image, headers and source (its archive, e.g. bookworm-security,
# must already be in the apt sources); pahole is always there, for the
# module BTF of newer headers. A kernel marked `fetch` in scripts/kernels.list cannot be
# installed on Debian 12: scripts/fetch-kernel.sh downloads and extracts it
# under build/ instead (cached; libelf-dev is installed to rebuild objtool).
set -e
here=$(cd "$(dirname "$0")" && pwd)

pkgs="
	build-essential pkg-config xz-utils pahole
	qemu-system-x86 busybox-static cpio kmod
	numactl libnuma-dev stress-ng jq pmdk-tools libpmemobj-dev
	ndctl daxctl libndctl-dev libdaxctl-dev libjson-c-dev libblkid-dev uuid-dev
	asciidoctor gnuplot-nox
	debhelper dh-dkms lintian mmdebstrap
"
fetch=
if [ -n "$KVER" ]; then
	origin=$(awk -v k="$KVER" '$1 == k { print $2 }' "$here/kernels.list")
	if [ "$origin" = fetch ]; then
		fetch=$KVER
		pkgs="$pkgs libelf-dev"
	else
		series=$(echo "$KVER" | sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p')
		pkgs="$pkgs linux-image-$KVER linux-headers-$KVER linux-source-$series"
	fi
fi

missing=
for p in $pkgs; do
	status=$(dpkg-query -W -f='${db:Status-Abbrev}' "$p" 2>/dev/null || true)
	case $status in
	ii*) ;;
	*) missing="$missing $p" ;;
	esac
done
if [ -z "$missing" ]; then
	echo "  DEPS    all packages installed"
	[ -z "$fetch" ] || exec "$here/fetch-kernel.sh" "$fetch"
	exit 0
fi

echo "  DEPS    installing:$missing"
sudo=
if [ "$(id -u)" != 0 ]; then
	command -v sudo >/dev/null || { echo "deps.sh: need root (or sudo) to install:$missing" >&2; exit 1; }
	sudo="sudo"
fi
$sudo env DEBIAN_FRONTEND=noninteractive apt-get update -q
# shellcheck disable=SC2086
$sudo env DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends $missing
[ -z "$fetch" ] || exec "$here/fetch-kernel.sh" "$fetch"
