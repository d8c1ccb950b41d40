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

dev=$(kmp_setup online_movable initial_mode=persistent)
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
hits=$(kmp_count_text "$dev" KMP-SECRET 0 1 2 3)
echo "$hits"
[[ $(awk '{ n += $2 } END { print n }' <<< "$hits") == 0 ]] || fail "the secret survived in sections $used"
kmp_check_zero "$dev" 0 1 2 3 || fail "sections $used are not all zero"
echo "no trace of the secret in sections $used; all zero"
kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
