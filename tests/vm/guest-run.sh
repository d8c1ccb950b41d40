#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Second stage of the test guest, PID 1 after tests/vm/init switched to the
# host root. Finishes the mounts, runs the test script with the environment
# of the guest test contract (tests/README.md), then records its exit status
# and the kernel log in the log share and powers off.
#
# Files written to the log share (/run/kmp, the host log directory):
#   boot<N>.rc      the test's exit status (absent: the boot produced no result)
#   boot<N>.dmesg   the kernel log at the end of the test

export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
export HOME=/root LANG=C.UTF-8 TERM=dumb
share=/run/kmp

mkdir -p /dev/pts /dev/shm /dev/hugepages
mount -t devpts -o gid=5,mode=620,ptmxmode=666 devpts /dev/pts
mount -t tmpfs -o mode=1777 tmpfs /dev/shm
mount -t debugfs debugfs /sys/kernel/debug
mount -t tracefs tracefs /sys/kernel/tracing 2>/dev/null
mount -t hugetlbfs hugetlbfs /dev/hugepages 2>/dev/null
ln -sf /proc/self/fd /dev/fd
hostname kmp-guest
ip link set lo up 2>/dev/null

# shellcheck source=/dev/null
set -a
. "$share/guest.env"
set +a
export KMP_REPO KMP_BOOT KMP_OUT="$share/out" KVER KMP_MODULE
# A kernel fetched under build/kernels/ (scripts/kernel.sh): its modules
# where modprobe looks for them.
if [ -n "${KMP_MODDIR:-}" ]; then
	mount -t tmpfs -o mode=755 tmpfs /lib/modules
	mkdir "/lib/modules/$KVER"
	mount --bind "$KMP_MODDIR" "/lib/modules/$KVER"
fi
mkdir -p "$KMP_OUT"

out=/dev/ttyS1
stty -F "$out" raw -echo 2>/dev/null
echo "kmp: boot $KMP_BOOT: running $KMP_TEST" > /dev/kmsg
cd "$KMP_REPO" && bash "$KMP_TEST" < /dev/null > "$out" 2>&1
rc=$?
echo "kmp: boot $KMP_BOOT: $KMP_TEST exited with $rc" > /dev/kmsg

dmesg > "$share/boot$KMP_BOOT.dmesg"
echo "$rc" > "$share/boot$KMP_BOOT.rc"
sync

# Power off synchronously: reboot(2) from busybox never returns. (The sysrq
# poweroff is asynchronous: PID 1 must not exit meanwhile, nor exec anything
# from the 9p root as it goes away.)
shopt -s execfail
# shellcheck disable=SC2093 # falls through only if the exec fails
exec /bin/busybox poweroff -f
echo o > /proc/sysrq-trigger
while :; do read -r -t 60 _ <> /dev/ttyS1 || true; done
