# SPDX-License-Identifier: GPL-2.0
#
# The body of the 1 TiB bench VMs (bench/guest-setup1t*.sh, sourced after
# their VM directives): pmemctl setup of namespace0.0, every section RAM, a
# numactl --membind workload, 64 sections back to persistent (scrubbed),
# unbind. K is the prefix of the figures' keys in $KMP_OUT/results.jsonl.
# shellcheck shell=bash
: "${K:?the key prefix of the figures}"
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh
. bench/lib.sh

BENCH_REP=1
mkdir -p "$(dirname "$BENCH_RESULTS")"
: > "$BENCH_RESULTS"
pmemctl_require
modprobe -a nfit nd_pmem dax_pmem device_dax || fail "cannot load the nvdimm/dax modules"
wait_for 60 _guest_ndbus_settled
kmp_load || fail "cannot load kmem_pmem.ko"
# Not guest.node0_kib: the other VMs' reports read that as the 2 GiB guest's.
bench_record "$K.node0_kib" "$(kmp_node_kib 0 MemTotal)"

bench_step "pmemctl setup namespace0.0: devdax, kmem_pmem, every section RAM"
# The kernel's counters a hot-add grows: memory block devices and their
# sysfs nodes (Slab), direct-map and vmemmap page tables (PageTables), ...
meminfo_kib() { awk -v f="$1:" '$1 == f { print $2 }' /proc/meminfo; }
counters=(SUnreclaim SReclaimable PageTables Percpu KernelStack)
declare -A before
# Node 0's MemFree alone, as DESIGN.md's raw-range probe read it (17 MiB
# for 1 TiB): it leaves out the per-CPU free lists, which the first onlining
# on the pmem node may refill (DESIGN.md §2). The sysfs nodes of the memory
# block devices, the largest part, from the slab cache.
memfree_kib() { awk '$3 == "MemFree:" { print $4 }' /sys/devices/system/node/node0/meminfo; }
kernfs_kib() { awk '$1 == "kernfs_node_cache" { print int($3 * $4 / 1024) }' /proc/slabinfo; }
bench_settle
for c in "${counters[@]}"; do before[$c]=$(meminfo_kib "$c"); done
memfree0=$(memfree_kib) kernfs0=$(kernfs_kib)
free0=$(bench_free_pages)
t0=$(bench_us)
expect_exit 0 setup namespace0.0
t1=$(bench_us)
dev=dax0.0
[[ -e /sys/bus/dax/drivers/kmem_pmem/$dev ]] || fail "$dev is not bound to kmem_pmem"
node=$(kmp_get "$dev" target_node)
n=$(kmp_get "$dev" sections)
[[ $(kmp_get "$dev" online) == "0-$((n - 1))" ]] || fail "online: $(kmp_get "$dev" online)"
bench_settle
free1=$(bench_free_pages)
bench_record "$K.sections" "$n"
bench_record "$K.device_bytes" "$(< "/sys/bus/dax/devices/$dev/size")"
bench_record "$K.setup_s" "$(bench_secs "$t0" "$t1")"
bench_record "$K.dram_kib" $(((free0 - free1) * 4))
bench_record "$K.dram_memfree_kib" $((memfree0 - $(memfree_kib)))
bench_record "$K.kernfs_kib" $(($(kernfs_kib) - kernfs0))
for c in "${counters[@]}"; do
	bench_record "$K.${c,,}_kib" $(($(meminfo_kib "$c") - before[$c]))
done
bench_record "$K.node_ram_kib" "$(kmp_node_kib "$node" MemTotal)"
bench_record "$K.driver_dram_bytes" "$(kmp_get "$dev" dram_bytes)"
echo "setup: $n sections, $(bench_secs "$t0" "$t1") s, DRAM $(((free0 - free1) * 4)) KiB"

bench_step "numactl --membind=$node numabench: 256 MiB on the pmem node"
bin=$(bench_numabench)
t0=$(bench_us)
numactl --membind="$node" "$bin" -s 256 -c 64 -r 3 "$node" > /tmp/numabench.out ||
	fail "numabench on node $node failed"
t1=$(bench_us)
bench_record "$K.workload_s" "$(bench_secs "$t0" "$t1")"
read -r rd wr ch < <(awk -F'[:,{}]' '{ for (i = 2; i < NF; i += 2) v[$i] = $(i + 1)
	r += v["\"read_mibs\""]; w += v["\"write_mibs\""]; c += v["\"chase_ns\""]; k++ }
	END { printf "%.1f %.1f %.1f\n", r / k, w / k, c / k }' /tmp/numabench.out)
bench_record "$K.workload_read_mibs" "$rd"
bench_record "$K.workload_write_mibs" "$wr"
bench_record "$K.workload_chase_ns" "$ch"

bench_step "64 sections back to persistent, scrubbed"
t0=$(bench_us)
expect_exit 0 persistent "$dev" "$((n - 64))-$((n - 1))"
t1=$(bench_us)
bench_record "$K.persistent64_s" "$(bench_secs "$t0" "$t1")"

bench_step "unbind: the other $((n - 64)) sections out of the page allocator"
t0=$(bench_us)
kmp_unbind "$dev"
t1=$(bench_us)
bench_record "$K.unbind_s" "$(bench_secs "$t0" "$t1")"
bench_settle
bench_record "$K.dram_after_unbind_kib" $(((free0 - $(bench_free_pages)) * 4))
echo ok
