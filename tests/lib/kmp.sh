# SPDX-License-Identifier: GPL-2.0
# kmem_pmem helpers for VM tests; source after tests/lib/guest.sh.
#
#   kmp_setup POLICY [PARAM=VALUE...]  devdax device, auto-online POLICY, load, bind
#   kmp_load [PARAM=VALUE...]   load kmem_pmem.ko ($KMP_MODULE: the one built
#                               for the booted kernel; dax deps first)
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

# kmp_setup POLICY [PARAM=VALUE...]: make the devdax device, set the
# auto-online policy, load kmem_pmem with PARAMs, bind it; print the device.
kmp_setup() {
	local policy=$1 dev
	shift
	dev=$(setup_devdax)
	kmp_auto_online "$policy"
	kmp_load "$@"
	kmp_bind "$dev"
	echo "$dev"
}

kmp_load() {
	# insmod resolves no dependency: kmem_pmem's are dax and libnvdimm.
	modprobe -a dax libnvdimm || return
	insmod "${KMP_MODULE:-$KMP_REPO/kmem_pmem.ko}" "$@"
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
#   kmp_write_pattern DEV ID... fill persistent sections' data with their patterns
#   kmp_check_pattern DEV ID... does each section's data hold its pattern?
#   kmp_check_zero DEV ID...    is every byte of each section's data zero?
#   kmp_count_text DEV TEXT ID... occurrences of TEXT per section's data
#   kmp_data_offset DEV         bytes before the data of a section made persistent
#   kmp_carve_out DEV ID        bytes before the data of self-hosted section ID
#   kmp_check_kept DEV CARVE ID... after init-keep: does each formerly
#                               self-hosted section hold its pattern at CARVE?
#   kmp_write_data DEV ID OFFSET     stdin into section ID's data at OFFSET
#   kmp_read_data DEV ID OFFSET LEN  LEN bytes of section ID's data at OFFSET
#   (a section's data: the whole section on the char device, or the bytes
#   after its struct pages through its device-dax instance if self-hosted)
#   kmp_crash                   end this boot like a power cut

kmp_chardev() {
	echo "/dev/kmem_pmem/$1"
}

kmp_pattern() {
	# yes dies of SIGPIPE when head has enough: not a failure.
	{ yes "kmp-pattern-of-section-$1-" || true; } | head -c "$2"
}

# Sections' data by tests/lib/kmp_bytes.py: a shell pipeline is a hundred
# times slower under TCG.
_kmp_bytes() {
	local cmd=$1 dev=$2
	shift 2
	python3 "$KMP_REPO/tests/lib/kmp_bytes.py" "$cmd" "$dev" \
		"$(kmp_get "$dev" section_size)" "$@"
}

kmp_write_pattern() {
	_kmp_bytes write "$@"
}

kmp_check_pattern() {
	_kmp_bytes pattern "$@"
}

kmp_check_zero() {
	_kmp_bytes zero "$@"
}

# kmp_data_offset DEV: bytes before the data of a section made persistent
# now, an nvdimm namespace: its info block and struct pages (64 bytes
# each), as nd_pfn_init() lays them out.
kmp_data_offset() {
	local size pmd=$((2 << 20))
	size=$(kmp_get "$1" section_size)
	echo $(( (8192 + 64 * ((size - 8192) / 4096) + pmd - 1) / pmd * pmd ))
}

kmp_carve_out() {
	local link dax
	link=$(kmp_dir "$1")/section$2
	[[ -L $link ]] || return
	dax=$(basename "$(readlink "$link")")
	echo $(($(kmp_get "$1" section_size) - $(cat "/sys/bus/dax/devices/$dax/size")))
}

kmp_check_kept() {
	_kmp_bytes kept "$@"
}

kmp_write_data() {
	_kmp_bytes put "$@"
}

kmp_read_data() {
	_kmp_bytes get "$@"
}

# kmp_count_text DEV TEXT ID...: "ID COUNT" lines, occurrences of TEXT.
kmp_count_text() {
	_kmp_bytes count "$@"
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
