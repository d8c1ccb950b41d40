#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-timeout: 600
#
# VM providers (docs/vm-provider-guide.md): one DIMM sold as the host's RAM
# and as a guest's pmem, at section granularity. Every section but the last
# is volatile (node 1's RAM); the last is persistent, served by device_dax
# as /dev/daxN.0. A nested QEMU (TCG inside this
# guest) gets it as a vNVDIMM the documented device-dax way
# (memory-backend-file,share=on,mem-path=/dev/daxN.0,align=2M,pmem=on and
# -device nvdimm), its RAM from node 1 (numactl --membind). The nested guest
# is tests/helpers/nvdimm_guest.S (a Linux guest under TCG in TCG crashed
# or took minutes): one boot writes a pattern into its NVDIMM, the next
# boots check it, after a QEMU restart and after kmem_pmem was unbound and
# bound again; the bytes are in the section, read through /dev/daxN.0. While
# QEMU runs, the section cannot be made volatile (pmemctl names QEMU).
. tests/lib/guest.sh
. tests/lib/kmp.sh
require_cmd qemu-system-x86_64 numactl gcc

dev=$(kmp_setup online_movable)
dir=$(kmp_dir "$dev")
node=$(kmp_get "$dev" target_node)
last=$(($(kmp_get "$dev" sections) - 1))
kmp_online_all "$dev"
kmp_set "$dev" persistent "$last" || fail "cannot make section $last persistent"
[[ $(kmp_get "$dev" volatile) == "0-$((last - 1))" ]] || fail "volatile reads '$(kmp_get "$dev" volatile)'"
[[ -L $dir/section$last ]] || fail "section $last has no device-dax instance"
dax=$(basename "$(readlink "$dir/section$last")")
bytes=$(< "/sys/bus/dax/devices/$dax/size")
echo "sections 0-$((last - 1)): node $node's RAM; section $last: /dev/$dax, $((bytes >> 20)) MiB"

gcc -m32 -nostdlib -static -Wl,--build-id=none -Wl,-Ttext=0x100000 -o /tmp/nvdimm_guest \
	tests/helpers/nvdimm_guest.S || fail "cannot build nvdimm_guest"
# The VM provider's command line for /dev/$dax (QEMU's arguments).
qemu_args() {
	qargs=(-machine pc,nvdimm=on -m 256M,slots=2,maxmem=2G
		-object "memory-backend-file,id=pmem0,share=on,mem-path=/dev/$dax,size=$bytes,align=2M,pmem=on"
		-device nvdimm,id=nvdimm0,memdev=pmem0
		-kernel /tmp/nvdimm_guest -device isa-debug-exit,iobase=0xf4,iosize=1
		-display none -monitor none -no-reboot)
}
qemu_args

# guest MODE WANT: one boot of the nested guest; its exit status must be
# WANT (1: done, 3: pattern bad).
guest() {
	local rc=0
	timeout 120 numactl --membind="$node" qemu-system-x86_64 "${qargs[@]}" \
		-serial "file:/tmp/guest-$1.out" -append "$1" 2> /tmp/qemu.err || rc=$?
	echo "nested guest '$1': $(cat /tmp/guest-$1.out 2> /dev/null) (exit $rc)"
	((rc == $2)) || fail "nested guest '$1' exited $rc, not $2: $(cat /tmp/guest-$1.out /tmp/qemu.err 2> /dev/null)"
}

step "a guest finds no pattern in the fresh section; another writes it; a third finds it"
guest check 3
guest write 1
guest check 1

step "the pattern is in section $last, read through /dev/$dax"
python3 - "/dev/$dax" <<'PY' || fail "section $last does not hold the nested guest's pattern"
import mmap, os, struct, sys
m = mmap.mmap(os.open(sys.argv[1], os.O_RDONLY), 10 << 20, prot=mmap.PROT_READ)
words = struct.unpack("<262144I", m[8 << 20:9 << 20])
sys.exit(0 if all(w == (i * 0x9e3779b1 + 0x6b6d7000) & 0xffffffff for i, w in enumerate(words)) else 1)
PY
echo "the 1 MiB the guest wrote at 8 MiB of its NVDIMM is at 8 MiB of /dev/$dax"

step "while QEMU runs, section $last stays persistent"
numactl --membind="$node" qemu-system-x86_64 "${qargs[@]}" -S -serial null &
qpid=$!
wait_for 30 grep -q "/dev/$dax" "/proc/$qpid/maps"
rc=0; tools/pmemctl volatile --force "$dev" "$last" 2> /tmp/vol.err || rc=$?
cat /tmp/vol.err
((rc != 0)) || fail "pmemctl made section $last volatile under a running QEMU"
grep -q "its device-dax instance /dev/$dax is mapped by process $qpid" /tmp/vol.err ||
	fail "pmemctl did not name the QEMU that maps /dev/$dax"
kill "$qpid"
wait "$qpid" 2> /dev/null || true

step "the guest finds its data after kmem_pmem was unbound and bound again"
kmp_unbind "$dev"
kmp_bind "$dev" || fail "rebind failed"
wait_for 60 test -L "$dir/section$last"
dax=$(basename "$(readlink "$dir/section$last")")
qemu_args
guest check 1
kmp_online_all "$dev"
numactl --membind="$node" stress-ng --temp-path /tmp --vm 1 --vm-bytes 64M --verify -t 2s > /dev/null ||
	fail "node $node's RAM (sections 0-$((last - 1))) unusable beside the guest's pmem"
echo ok
