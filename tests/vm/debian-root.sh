# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# `vm-root: debian` (sourced by run-vm-test.sh): the test boots a Debian
# root with systemd as init from a disk image instead of the host root over
# 9p (tests/README.md). Before the first boot the packages of this tree are
# built (scripts/mkdeb.sh, build/deb/) and the cached image
# (tests/vm/debian-image.sh, build/debian/) is copied for this test; before
# every boot the kernel to boot is taken out of that copy, as a boot loader
# would: the newest one in its /boot (GRUB's default on Debian). The test
# helpers a Debian guest runs are built on the host (build/debian-helpers/).
# Uses run-vm-test.sh's $repo, $here and verdict.
# shellcheck disable=SC2154

# The kernel whose packages the image keeps in apt's cache for the test to
# install: the first `apt` kernel of scripts/kernels.list whose series is not
# that of the release's default kernel (linux-image-amd64).
debian_second_kernel() {
	local default k origin
	default=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2> /dev/null |
		sed -n 's/.*linux-image-\([0-9]*\.[0-9]*\)\..*/\1/p')
	while read -r k origin _; do
		[[ $k == \#* || -z $k || $origin != apt ]] && continue
		[[ ${k%%.*}.$(cut -d. -f2 <<< "$k") == "$default" ]] && continue
		echo "$k"
		return 0
	done < "$repo/scripts/kernels.list"
	return 1
}

# debian_prepare WORKDIR LOGDIR: sets debian_disk, debian_kver2.
debian_prepare() {
	local work=$1 logdir=$2 base
	debian_kver2=$(debian_second_kernel) ||
		verdict FAIL "no second kernel in scripts/kernels.list that apt installs here"
	"$repo/scripts/mkdeb.sh" "$repo/build/deb" > "$logdir/mkdeb.log" 2>&1 ||
		verdict FAIL "make deb failed: $(tail -n1 "$logdir/mkdeb.log") [$logdir/mkdeb.log]"
	# The image has a compiler (DKMS's) but no libc headers: the test
	# helpers its tests run are built here (build/debian-helpers/).
	mkdir -p "$repo/build/debian-helpers"
	cc -O2 -static -o "$repo/build/debian-helpers/dax_io" "$repo/tests/helpers/dax_io.c" \
		> "$logdir/helpers.log" 2>&1 ||
		verdict FAIL "cannot build tests/helpers/dax_io.c [$logdir/helpers.log]"
	base=$("$here/debian-image.sh" "$repo/build/deb" "$debian_kver2" "$repo/build/debian" 2> "$logdir/image.log") ||
		verdict FAIL "cannot build the Debian image: $(tail -n1 "$logdir/image.log") [$logdir/image.log]"
	debian_disk=$work/root.img
	cp --sparse=always "$base" "$debian_disk" || verdict FAIL "cannot copy $base"
	cp "$here/debian-guest-run.sh" "$logdir/guest-run"
}

# debian_kernel WORKDIR: the newest kernel of the disk image into WORKDIR;
# sets debian_kver.
debian_kernel() {
	local work=$1 f
	debian_kver=$(debugfs -R 'ls -p /boot' "$debian_disk" 2> /dev/null |
		awk -F/ '$6 ~ /^vmlinuz-/ { print substr($6, 9) }' | sort -V | tail -n1)
	[[ -n $debian_kver ]] || return 1
	for f in vmlinuz initrd.img; do
		rm -f "$work/$f"
		debugfs -R "dump /boot/$f-$debian_kver $work/$f" "$debian_disk" > /dev/null 2>&1
		[[ -s $work/$f ]] || return 1
	done
}
