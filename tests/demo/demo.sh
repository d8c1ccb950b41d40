#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-cmdline: memory_hotplug.memmap_on_memory=1 memhp_default_state=online_movable
# vm-timeout: 900
#
# The kmem_pmem demo (`make demo`), run in the test VM: an emulated NVDIMM
# on CPU-less NUMA node 1 becomes RAM on that node with its struct pages in
# the pmem itself, carries a workload and a nested VM's memory, and gives
# some sections back as persistent memory. Each step says what it does, runs
# the commands an admin would type (shown with a leading '#'), and checks
# the result; the demo exits 0 only if every step worked.
. tests/lib/guest.sh

nsteps=0
demo_step() {
	nsteps=$((nsteps + 1))
	echo
	echo "[$nsteps] $*"
}

# say TEXT: one line of narration.
say() {
	echo "    $*"
}

# run CMD...: show the command as typed at a root prompt, then run it with
# its output indented.
run() {
	echo "    # $*"
	"$@" 2>&1 | sed 's/^/      /'
}

# sh_run 'SHELL COMMAND': the same for a command with redirections.
sh_run() {
	echo "    # $1"
	bash -c "$1" 2>&1 | sed 's/^/      /'
}

# sh_run_fails 'SHELL COMMAND': like sh_run, for a command that must fail.
sh_run_fails() {
	echo "    # $1"
	if bash -c "$1" 2>&1 | sed 's/^/      /'; then
		fail "expected to fail: $1"
	fi
}

mib() {
	echo "$(($1 >> 20)) MiB"
}

demo_step "The persistent memory: an emulated 4 GiB NVDIMM on NUMA node 1 (no CPUs, no RAM)"
dev=$(setup_devdax 2>/dev/null)
say "namespace0.0 in devdax mode gives the device-dax instance $dev:"
sh_run "daxctl list -d $dev | jq -c '.[]'"
node=$(< "/sys/bus/dax/devices/$dev/target_node")
[[ $node == 1 ]] || fail "$dev is on node $node, expected 1"
say "numactl -H before kmem_pmem: '$(numactl -H | head -n1)' (node $node has no memory yet)"

demo_step "Load kmem_pmem and bind $dev to it (sections start persistent)"
ko=${KMP_MODULE:-$KMP_REPO/kmem_pmem.ko}
if [[ ! -f $ko ]]; then
	say "kmem_pmem.ko is not built (run 'make module'): the demo stops here."
	exit 1
fi
modprobe -a dax libnvdimm
run insmod "$ko" initial_mode=persistent
sh_run "echo $dev > /sys/bus/dax/drivers/device_dax/unbind"
sh_run "echo $dev > /sys/bus/dax/drivers/kmem_pmem/new_id"
sysdir=/sys/bus/dax/devices/$dev/kmem_pmem
[[ -d $sysdir ]] || fail "$dev did not bind to kmem_pmem"
n=$(< "$sysdir/sections")
size=$(< "$sysdir/section_size")
((n > 0)) || fail "$dev has no sections"
say "$dev: $n sections of $(mib "$size") each (one memory block each), on node $(< "$sysdir/target_node")"
say "persistent: $(< "$sysdir/persistent")   volatile: $(< "$sysdir/volatile")   on-media table: $(< "$sysdir/metadata")"
[[ $(< "$sysdir/persistent") == "0-$((n - 1))" ]] || fail "not all sections persistent after bind"

demo_step "Make all $n sections volatile: hot-added as RAM, struct pages inside each section"
sh_run "echo 0-$((n - 1)) > $sysdir/volatile"
[[ $(< "$sysdir/volatile") == "0-$((n - 1))" ]] || fail "volatile reads '$(< "$sysdir/volatile")'"
total=$(node_meminfo "$node" MemTotal)
say "volatile: $(< "$sysdir/volatile")   persistent: $(< "$sysdir/persistent")   memmap: $(< "$sysdir/memmap")"
say "node $node now has $((total >> 10)) MiB of RAM, onlined movable by the kernel (memhp_default_state)"
say "its struct pages take 2 MiB of each section: no DRAM (the kernel's kmem would spend $(((n * size >> 12) * 64 >> 20)) MiB of DRAM)"
[[ $(< "$sysdir/memmap") == pmem ]] || fail "struct pages are not in the pmem"
((total > n * (size >> 10) * 9 / 10)) || fail "node $node has only $total kB"
run numactl -H

demo_step "A workload bound to node $node: stress-ng writes and verifies 256 MiB there"
free_before=$(node_meminfo "$node" MemFree)
echo "    # numactl --membind=$node stress-ng --vm 1 --vm-bytes 256M --vm-method all --verify -t 10s"
numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 256M --vm-method all \
	--verify -t 10s > /tmp/stress.log 2>&1 &
stress=$!
peak=0
while kill -0 "$stress" 2>/dev/null; do
	used=$((free_before - $(node_meminfo "$node" MemFree)))
	((used > peak)) && peak=$used
	sleep 1
done
wait "$stress" || { sed 's/^/      /' /tmp/stress.log; fail "stress-ng failed"; }
grep -E 'successful run|passed|failed' /tmp/stress.log | sed 's/^.*\] /      /'
say "node $node memory in use at the peak of the run: $((peak >> 10)) MiB"
((peak > 200 * 1024)) || fail "the workload's memory did not land on node $node"

demo_step "The VM-provider case: a nested QEMU guest whose 1 GiB of RAM is bound to node $node"
echo "    # qemu-system-x86_64 -machine pc -accel tcg -m 1G \\"
echo "        -object memory-backend-ram,id=ram,size=1G,host-nodes=$node,policy=bind,prealloc=on \\"
echo "        -numa node,memdev=ram -S -display none -daemonize ..."
qemu-system-x86_64 -nodefaults -vga none -nic none -machine pc -accel tcg -m 1G \
	-object "memory-backend-ram,id=ram,size=1G,host-nodes=$node,policy=bind,prealloc=on" \
	-numa node,memdev=ram -S -display none -daemonize -pidfile /tmp/nested.pid ||
	fail "the nested QEMU did not start"
qpid=$(< /tmp/nested.pid)
read -r on_node pages < <(awk -v n="N$node=" '
	/bind:/ { for (i = 1; i <= NF; i++) {
		if (index($i, n) == 1) on += substr($i, length(n) + 1)
		if ($i ~ /^anon=/) all += substr($i, 6) } }
	END { print on + 0, all + 0 }' "/proc/$qpid/numa_maps")
say "nested QEMU (pid $qpid): $on_node of its $pages resident pages on node $node (/proc/$qpid/numa_maps)"
kill "$qpid"
((on_node >= 262144)) || fail "the nested guest's RAM is not on node $node ($on_node pages)"

first=$((n * 3 / 4))
demo_step "Give sections $first-$((n - 1)) back as persistent memory (offlined, removed, zeroed)"
sh_run "echo $first-$((n - 1)) > $sysdir/persistent"
say "volatile: $(< "$sysdir/volatile")   persistent: $(< "$sysdir/persistent")"
[[ $(< "$sysdir/persistent") == "$first-$((n - 1))" ]] || fail "persistent reads '$(< "$sysdir/persistent")'"
say "node $node now has $(($(node_meminfo "$node" MemTotal) >> 10)) MiB of RAM"
run numactl -H

demo_step "Persistent sections are device-dax for applications: section $first is /dev/daxR.0"
link=$sysdir/section$first
wait_for 10 test -L "$link"
dax=$(basename "$(readlink "$link")")
run readlink "$link"
say "/dev/$dax: $(($(< "/sys/bus/dax/devices/$dax/size") >> 20)) MiB of data (the section's first 2 MiB hold its struct pages), driver $(basename "$(readlink "/sys/bus/dax/devices/$dax/driver")")"
wait_for 10 test -c "/dev/$dax"
msg="kmem_pmem demo: section $first is persistent again"
run python3 "$KMP_REPO/tests/demo/dax-rw.py" write "/dev/$dax" "$msg"
run python3 "$KMP_REPO/tests/demo/dax-rw.py" read "/dev/$dax"
back=$(python3 "$KMP_REPO/tests/demo/dax-rw.py" read "/dev/$dax")
[[ $back == "$msg" ]] || fail "read back '$back' from /dev/$dax"
say "a volatile section's bytes are refused (kmem_pmem's char device serves only persistent sections):"
cdev=/dev/kmem_pmem/$dev
wait_for 10 test -c "$cdev"
sh_run_fails "dd if=$cdev bs=4096 count=1 status=none of=/dev/null"

demo_step "Power off"
say "every step worked: $nsteps steps"
