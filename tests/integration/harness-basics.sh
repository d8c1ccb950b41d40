#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-boots: 2
# vm-nvdimm: 1G
# vm-cmdline: memhp_default_state=online_movable
# vm-timeout: 200
# vm-between: echo "after boot $KMP_BOOT" > "$KMP_OUT/between" && stat -c %s "$KMP_NVDIMM_IMG" >> "$KMP_OUT/between"
#
# The VM harness's contract as a test sees it (tests/README.md): its
# environment, the directives above, the NUMA layout with the NVDIMM on
# CPU-less node 1, a namespace that persists from one boot to the next in
# the backing file, the host's tools on a read-only root, the helpers of
# tests/lib/guest.sh.
. tests/lib/guest.sh

step "boot $KMP_BOOT: environment"
[[ $PWD == "$KMP_REPO" ]] || fail "cwd $PWD is not KMP_REPO $KMP_REPO"
[[ $KVER == "$(uname -r)" ]] || fail "KVER $KVER but running $(uname -r)"
[[ $(id -u) == 0 ]] || fail "not root"
[[ -d $KMP_OUT && -w $KMP_OUT ]] || fail "KMP_OUT $KMP_OUT not a writable directory"
expect_fail touch "$KMP_REPO/.kmp-write-test" 2>/dev/null
touch /tmp/x /run/x /var/tmp/x /root/x
for c in ndctl daxctl numactl stress-ng jq qemu-system-x86_64 modprobe; do
	command -v "$c" >/dev/null || fail "host tool $c missing in the guest"
done

step "kernel command line: the per-test part replaces the default"
require_cmdline memhp_default_state=online_movable console=ttyS0,115200
[[ " $(< /proc/cmdline) " != *" memory_hotplug.memmap_on_memory=1 "* ]] ||
	fail "default per-test parameters still present with vm-cmdline"
[[ $(< /sys/devices/system/memory/auto_online_blocks) == online_movable ]]

step "NUMA: node 0 has both CPUs and the RAM"
[[ $(< /sys/devices/system/node/node0/cpulist) == 0-1 ]]
(($(node_meminfo 0 MemTotal) > 1500 * 1024)) || fail "node 0 has $(node_meminfo 0 MemTotal) kB"
(($(node_free_pages 0) > 0))
[[ $(< /sys/devices/system/node/possible) == 0-1 ]] || fail "node 1 is not possible"

step "the NVDIMM is a devdax device on node 1"
dev=$(setup_devdax)
echo "$dev: $(daxctl list -d "$dev" | jq -c '.[0] | {size, target_node, mode}')"
[[ $(< "/sys/bus/dax/devices/$dev/target_node") == 1 ]] || fail "$dev is not on node 1"
size=$(daxctl list -d "$dev" | jq -e '.[0].size')
((size > 1000 << 20 && size <= 1 << 30)) || fail "$dev has $size bytes, expected ~1 GiB"
[[ -c /dev/$dev ]]
uuid=$(ndctl list -N | jq -er '.[0].uuid')

step "helpers: expect_write_error, dmesg marks"
expect_write_error EINVAL /sys/devices/system/memory/auto_online_blocks bogus
dmesg_mark
echo "kmp-harness-basics says hello" > /dev/kmsg
expect_dmesg 'harness-basics says hello'
expect_no_dmesg 'harness-basics says goodbye'

case $KMP_BOOT in
1)
	echo "$uuid" > "$KMP_OUT/uuid"
	;;
2)
	step "boot 2: same backing file, vm-between ran"
	[[ $(< "$KMP_OUT/uuid") == "$uuid" ]] || fail "namespace changed across boots: $(< "$KMP_OUT/uuid") -> $uuid"
	[[ $(< "$KMP_OUT/between") == $'after boot 1\n1073741824' ]] ||
		fail "vm-between left: $(< "$KMP_OUT/between")"
	;;
*)
	fail "KMP_BOOT=$KMP_BOOT"
	;;
esac
echo ok
