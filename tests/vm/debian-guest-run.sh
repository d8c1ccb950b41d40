#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The harness inside a `vm-root: debian` guest: a Debian root booted with
# systemd as init (tests/vm/debian-image.sh). After multi-user.target,
# kmp-test.service mounts the log share (the host log directory) at
# /run/kmp-log and runs this file from there (run-vm-test.sh copies it in as
# guest-run). It mounts the repository read-only at its host path (share
# kmp_repo), runs the test script with the environment of the guest test
# contract (tests/README.md), records its exit status and the kernel log in
# the log share, then, when more boots follow and the test passed, reboots
# with `systemctl reboot`, else powers off. QEMU runs with -no-reboot: a
# reboot ends it, and the harness starts it again on the same disk image and
# NVDIMM backing file.
#
# Files written to the log share:
#   boot<N>.out     the test's stdout and stderr
#   boot<N>.rc      its exit status (absent: the boot produced no result)
#   boot<N>.dmesg   the kernel log at the end of the test

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
share=/run/kmp-log

# shellcheck source=/dev/null
set -a
. "$share/guest.env"
set +a
KMP_BOOTS=${KMP_BOOTS:-1}
KVER=$(uname -r)
export KMP_REPO KMP_BOOT KMP_OUT="$share/out" KVER KMP_DEBIAN_KVER2
mkdir -p "$KMP_OUT" "$KMP_REPO"
mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144,ro kmp_repo "$KMP_REPO"
sh "$KMP_REPO/tests/vm/online-cpus.sh"

echo "kmp: boot $KMP_BOOT: running $KMP_TEST" > /dev/kmsg
(cd "$KMP_REPO" && exec bash "$KMP_TEST") < /dev/null > "$share/boot$KMP_BOOT.out" 2>&1
rc=$?
echo "kmp: boot $KMP_BOOT: $KMP_TEST exited with $rc" > /dev/kmsg

dmesg > "$share/boot$KMP_BOOT.dmesg"
echo "$rc" > "$share/boot$KMP_BOOT.rc"
sync
cd /
umount "$KMP_REPO"
if ((rc == 0 && KMP_BOOT < KMP_BOOTS)); then
	systemctl reboot
else
	systemctl poweroff
fi
