#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-timeout: 600
#
# Data from volatile use never becomes readable as persistent data: a
# secret a process left in pmem-backed RAM is found nowhere in the
# sections once they are persistent, and every byte of them reads zero.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(setup_devdax)
kmp_auto_online online_movable
kmp_load initial_mode=persistent
kmp_bind "$dev"
node=$(kmp_get "$dev" target_node)
used=0-3

step "a secret written to tmpfs bound to node $node, on sections $used only"
kmp_set "$dev" volatile "$used"
mkdir -p /mnt/secret
mount -t tmpfs -o "size=420M,mpol=bind:$node" tmpfs /mnt/secret
{ yes "KMP-SECRET-7f3a9c-" || true; } | head -c 400M > /mnt/secret/data
shmem=$(awk '$3 == "Shmem:" { print $4 }' /sys/devices/system/node/node$node/meminfo)
echo "node $node holds $shmem KiB of shmem"
(( shmem > 350 * 1024 )) || fail "the secret did not land on node $node ($shmem KiB of shmem)"
rm /mnt/secret/data
umount /mnt/secret

step "sections $used made persistent: scrubbed"
kmp_set "$dev" persistent "$used"
for i in 0 1 2 3; do
	hits=$(dd if="$(kmp_chardev "$dev")" bs=1M skip=$((i * 128)) count=128 status=none |
		grep -c -a "KMP-SECRET" || true)
	(( hits == 0 )) || fail "section $i holds the secret $hits times"
	kmp_check_zero "$dev" $i || fail "section $i is not all zero"
done
echo "no trace of the secret in sections $used; all zero"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
