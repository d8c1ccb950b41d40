# SPDX-License-Identifier: GPL-2.0
# kmem_pmem helpers for VM tests; source after tests/lib/guest.sh.
#
#   kmp_load [PARAM=VALUE...]   load kmem_pmem.ko from the repo (dax deps first)
#   kmp_bind DEV                unbind DEV from device_dax, bind it to kmem_pmem
#   kmp_unbind DEV              unbind DEV from kmem_pmem
#   kmp_dir DEV                 the device's kmem_pmem sysfs directory
#   kmp_get DEV FILE            one sysfs value
#   kmp_set DEV FILE VALUE      write a sysfs value; fails like the write does
#   kmp_count LIST              number of ids in a list ("0-3,7" -> 5)
#   kmp_expand LIST             the ids of a list ("0,2-4" -> "0 2 3 4")
#   kmp_in_list ID LIST         is ID in LIST?
#   kmp_online_all DEV          online every added-but-offline section movable
#   kmp_node_kib NODE FIELD     a field of /sys/devices/system/node/nodeN/meminfo, in KiB
#   kmp_auto_online POLICY      set /sys/devices/system/memory/auto_online_blocks

KMP_DRV=/sys/bus/dax/drivers/kmem_pmem

kmp_load() {
	modprobe dax || return
	insmod "$KMP_REPO/kmem_pmem.ko" "$@"
}

kmp_bind() {
	local dev=$1
	if [[ -e /sys/bus/dax/drivers/device_dax/$dev ]]; then
		echo "$dev" > /sys/bus/dax/drivers/device_dax/unbind || return
	fi
	# new_id remembers the id (and binds); bind needs it already known.
	if ! echo "$dev" > "$KMP_DRV/new_id" 2>/dev/null; then
		echo "$dev" > "$KMP_DRV/bind" || return
	fi
	[[ -d $(kmp_dir "$dev") ]] || { echo "kmp_bind: $dev did not bind" >&2; return 1; }
}

kmp_unbind() {
	echo "$1" > "$KMP_DRV/unbind"
}

kmp_dir() {
	echo "/sys/bus/dax/devices/$1/kmem_pmem"
}

kmp_get() {
	cat "$(kmp_dir "$1")/$2"
}

kmp_set() {
	echo "$3" > "$(kmp_dir "$1")/$2"
}

kmp_count() {
	local ids
	ids=$(kmp_expand "$1")
	wc -w <<< "$ids"
}

# kmp_expand LIST: the ids of a list ("0,2-4" -> "0 2 3 4").
kmp_expand() {
	local part parts a b ids=()
	IFS=, read -ra parts <<< "$1"
	for part in "${parts[@]}"; do
		a=${part%-*} b=${part#*-}
		ids+=($(seq "$a" "$b"))
	done
	echo "${ids[*]}"
}

# kmp_in_list ID LIST: is ID in LIST?
kmp_in_list() {
	[[ " $(kmp_expand "$2") " == *" $1 "* ]]
}

# Online in the hole-first order of section_order.c: one low section last.
kmp_online_all() {
	local dev=$1 first n i blk hole=-1
	first=$(kmp_get "$dev" first_memory_block)
	n=$(kmp_get "$dev" sections)
	for ((i = 0; i < n; i++)); do
		blk=/sys/devices/system/memory/memory$((first + i))
		[[ -e $blk ]] || continue
		[[ $(cat "$blk/state") == offline ]] || continue
		if ((hole < 0 && i > 0)); then
			hole=$i
			continue
		fi
		echo online_movable > "$blk/state" || return
	done
	if ((hole >= 0)); then
		echo online_movable > "/sys/devices/system/memory/memory$((first + hole))/state" || return
	fi
}

# 0 for a node that is offline (its last memory removed).
kmp_node_kib() {
	[[ -e /sys/devices/system/node/node$1/meminfo ]] || { echo 0; return; }
	awk -v f="$2:" '$3 == f { print $4 }' "/sys/devices/system/node/node$1/meminfo"
}

kmp_auto_online() {
	echo "$1" > /sys/devices/system/memory/auto_online_blocks
}

#   kmp_chardev DEV             the device's char device node
#   kmp_pattern ID BYTES        a deterministic byte stream for section ID
#   kmp_write_pattern DEV ID    fill persistent section ID with its pattern
#   kmp_check_pattern DEV ID    is section ID's content its pattern?
#   kmp_check_zero DEV ID       is every byte of section ID zero?
#   kmp_crash                   end this boot like a power cut

kmp_chardev() {
	echo "/dev/kmem_pmem/$1"
}

kmp_pattern() {
	# yes dies of SIGPIPE when head has enough: not a failure.
	{ yes "kmp-pattern-of-section-$1-" || true; } | head -c "$2"
}


kmp_write_pattern() {
	local dev=$1 id=$2 size mib
	size=$(kmp_get "$dev" section_size)
	mib=$((size >> 20))
	kmp_pattern "$id" "$size" |
		dd of="$(kmp_chardev "$dev")" bs=1M iflag=fullblock seek=$((id * mib)) conv=notrunc status=none
}

kmp_check_pattern() {
	local dev=$1 id=$2 size mib
	size=$(kmp_get "$dev" section_size)
	mib=$((size >> 20))
	cmp -s <(kmp_pattern "$id" "$size") \
		<(dd if="$(kmp_chardev "$dev")" bs=1M skip=$((id * mib)) count="$mib" status=none)
}

kmp_check_zero() {
	local dev=$1 id=$2 size mib
	size=$(kmp_get "$dev" section_size)
	mib=$((size >> 20))
	cmp -s -n "$size" /dev/zero \
		<(dd if="$(kmp_chardev "$dev")" bs=1M skip=$((id * mib)) count="$mib" status=none)
}

# A power cut: no shutdown, nothing written back that the kernel still
# holds. The harness reads this boot's verdict and kernel log from its share
# (tests/vm/guest-run.sh), so record them first: a pass, so far.
kmp_crash() {
	dmesg > "/run/kmp/boot$KMP_BOOT.dmesg"
	echo 0 > "/run/kmp/boot$KMP_BOOT.rc"
	sync
	echo b > /proc/sysrq-trigger
	sleep 60
}
