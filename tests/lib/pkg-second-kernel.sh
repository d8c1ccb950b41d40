#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host side of tests/integration/pkg-boot.sh, run between its boots 2 and 3
# (vm-between): install the second kernel into the test's disk image with
# apt, from apt's cache (--no-download: as without network), so that the
# kernel's hooks have DKMS build kmem_pmem for it. It runs chrooted into the
# image on the host (tests/vm/debian-chroot.sh), not inside the VM: under
# TCG the same install took 763 s, 221 s of them DKMS, beyond the test's
# time budget. KMP_TEST_KERNEL_IN_VM=1 makes boot 2 install it inside the
# VM instead, and this does nothing.
#
# Environment (run-vm-test.sh): KMP_BOOT, KMP_DISK_IMG, KMP_DEBIAN_KVER2,
# KMP_OUT.
set -euo pipefail

[[ $KMP_BOOT == 2 && ${KMP_TEST_KERNEL_IN_VM:-0} != 1 ]] || exit 0
k=${KMP_DEBIAN_KVER2:?no second kernel}
log=$KMP_OUT/apt-kernel.log
start=$SECONDS
if ! tests/vm/debian-chroot.sh "$KMP_DISK_IMG" \
	apt-get install -y -q --no-download "linux-image-$k" "linux-headers-$k" > "$log" 2>&1; then
	# DKMS's log, if the module's build is what failed.
	tests/vm/debian-chroot.sh "$KMP_DISK_IMG" sh -c "cat /var/lib/dkms/kmem-pmem/*/build/make.log" \
		> "$KMP_OUT/dkms-make-$k.log" 2>&1 || true
	echo "apt-get install of $k in the image failed: $(grep -m1 -E 'dkms: .*failed|^E: ' "$log") [out/apt-kernel.log, out/dkms-make-$k.log: $(grep -m1 'error:' "$KMP_OUT/dkms-make-$k.log")]" >&2
	exit 1
fi
echo "apt-get install of $k, chrooted into the image on the host: $((SECONDS - start)) s" |
	tee -a "$KMP_OUT/timings"
