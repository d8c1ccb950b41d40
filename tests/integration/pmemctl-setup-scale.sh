#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 64G
# vm-ram: 384M
# vm-maxmem: 80G
# vm-boots: 2
# vm-timeout: 600
# vm-cmdline: memory_hotplug.memmap_on_memory=1 memhp_default_state=online_movable
#
# pmem far larger than what DRAM could give struct pages: a 64 GiB NVDIMM on
# a guest with 384 MiB of DRAM. device_dax would map the namespace with its
# struct pages in DRAM (map=mem): 1 GiB on 6.1, 256 MiB with 6.12's and
# 7.3's compound pages; either way the guest runs out of memory. Boot 1:
# pmemctl setup makes the namespace devdax with device_dax kept off it and
# binds kmem_pmem: every section RAM, a few MiB of DRAM spent, dax bus
# autoprobe on again. Boot 2, modules loaded in the order the shipped
# modprobe.d softdep gives (kmem_pmem before dax_pmem): kmem_pmem claims the
# device as it appears, its sections come back as RAM, and pmemctl restore
# finds nothing left to do but check. The driver's own DRAM per section
# (dram_bytes) stays under 64 bytes.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
budget_kib=$((32 << 10))	# device_dax would need 256 MiB (6.12) to 1 GiB (6.1)

# Node 0's free memory in KiB, counting the pages on per-CPU lists: the
# first onlining on node 1 hands ~20 MiB of them back to node 0's free
# count, which would hide what was spent.
node0_free_kib() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	awk '/^Node/ { n0 = ($2 == "0,") } n0 && /pages free/ { f += $3 }
	     n0 && /^ +count:/ { f += $2 } END { print f * 4 }' /proc/zoneinfo
}
# DRAM spent since $1 (node0_free_kib then), in KiB.
dram_used() { echo $(($1 - $(node0_free_kib))); }
# Where it went: the kernel's counters that grew since the snapshot in $1.
meminfo_snap() { grep -E '^(Slab|SReclaimable|SUnreclaim|KernelStack|PageTables|Percpu|VmallocUsed|Cached|AnonPages):' /proc/meminfo > "$1"; }
meminfo_delta() {
	meminfo_snap /tmp/meminfo.after
	join "$1" /tmp/meminfo.after | awk '{ printf "%s%s %+d kB", (NR > 1 ? ", " : "  counters: "), $1, $4 - $2 } END { print "" }'
}

check_all_ram() {
	local dev=$1 n
	n=$(kmp_get "$dev" sections)
	(( n >= 500 )) || fail "only $n sections"
	[[ $(kmp_get "$dev" volatile) == "0-$((n - 1))" ]] ||
		fail "volatile: $(kmp_get "$dev" volatile), not 0-$((n - 1))"
	[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] ||
		fail "online: $(kmp_get "$dev" online)"
	echo "$n sections RAM: node 1 has $(($(node_meminfo 1 MemTotal) >> 20)) GiB"
}

if [[ $KMP_BOOT == 1 ]]; then
	modprobe -a nfit nd_pmem dax_pmem device_dax || fail "cannot load the nvdimm/dax modules"
	wait_for 30 _guest_ndbus_settled
	kmp_load
	step "boot 1: pmemctl setup namespace0.0 (64 GiB) on 384 MiB of DRAM"
	free0=$(node0_free_kib)
	meminfo_snap /tmp/meminfo.before
	dmesg_mark
	t0=$(date +%s.%N)
	expect_exit 0 setup --json namespace0.0
	t1=$(date +%s.%N)
	jqe '.dev == "dax0.0"'
	dev=dax0.0
	[[ -e /sys/bus/dax/drivers/kmem_pmem/$dev ]] || fail "$dev is not bound to kmem_pmem"
	expect_err "device_dax kept off it"
	[[ $(< /sys/bus/dax/drivers_autoprobe) == 1 ]] || fail "dax bus autoprobe left off"
	expect_no_dmesg "vmemmap alloc failure|oom-killer"
	check_all_ram "$dev"
	used=$(dram_used "$free0")
	printf 'setup: %.1f s, DRAM spent %d KiB (budget %d KiB)\n' \
		"$(echo "$t1 - $t0" | bc)" "$used" "$budget_kib"
	meminfo_delta /tmp/meminfo.before
	(( used < budget_kib )) || fail "setup spent $used KiB of DRAM"
	[[ $(kmp_get "$dev" metadata) == new ]] || fail "metadata: $(kmp_get "$dev" metadata)"
	step "the driver's own DRAM: at most 64 bytes per section, fixed part included"
	n=$(kmp_get "$dev" sections)
	bytes=$(kmp_get "$dev" dram_bytes)
	echo "driver state: $bytes bytes for $n sections"
	(( bytes <= 64 * n )) || fail "kmem_pmem holds $bytes bytes of DRAM for $n sections"
	expect_exit 0 status "$dev"
	expect_out "driver state"
	echo ok
	exit 0
fi

step "boot 2: kmem_pmem loaded first (the shipped softdep), then the pmem stack"
grep -q '^softdep dax_pmem pre: kmem_pmem' tools/kmem_pmem-modprobe.conf ||
	fail "tools/kmem_pmem-modprobe.conf does not load kmem_pmem before dax_pmem"
free0=$(node0_free_kib)
kmp_load
dmesg_mark
t0=$(date +%s.%N)
modprobe -a nfit nd_pmem dax_pmem device_dax || fail "cannot load the nvdimm/dax modules"
wait_for 30 _guest_ndbus_settled
wait_for 60 test -e /sys/bus/dax/drivers/kmem_pmem/dax0.0
dev=dax0.0
expect_dmesg "$dev: claimed by kmem_pmem: its media carries a kmem_pmem table"
expect_exit 0 restore
t1=$(date +%s.%N)
check_all_ram "$dev"
[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata: $(kmp_get "$dev" metadata)"
used=$(dram_used "$free0")
printf 'boot: %.1f s to RAM, DRAM spent %d KiB (budget %d KiB)\n' \
	"$(echo "$t1 - $t0" | bc)" "$used" "$budget_kib"
(( used < budget_kib )) || fail "the boot path spent $used KiB of DRAM"
echo ok
