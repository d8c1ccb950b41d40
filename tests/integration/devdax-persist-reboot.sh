#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
#
# A section served as device-dax (the default for a section made persistent,
# docs/design-persistent-devdax.md) keeps its data across a reboot: boot 1
# makes section 10 persistent and writes through a mapping of its instance;
# boot 2 (the table restored at bind) finds it served again and
# reads the data back (the instance appears in the background of the bind);
# pmemctl names the instance.
#
# PMDK on such a section: devdax-pmdk.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable)
kmp_online_all "$dev"
dir=$(kmp_dir "$dev")

# The bytes of the note at offset 64 MiB of an instance, or writes them.
note_at() {
	python3 - "$@" <<'PY'
import mmap, os, sys
path, text = sys.argv[1], (sys.argv[2].encode() if len(sys.argv) > 2 else None)
fd = os.open(path, os.O_RDWR)
m = mmap.mmap(fd, 66 << 20)
if text is not None:
    m[64 << 20:(64 << 20) + len(text) + 1] = text + b"\0"
else:
    sys.stdout.write(m[64 << 20:(64 << 20) + 256].split(b"\0")[0].decode())
PY
}

if [[ $KMP_BOOT == 1 ]]; then
	step "boot 1: section 10 persistent, written through its device-dax instance"
	kmp_set "$dev" persistent 10 || fail "making section 10 persistent failed"
	[[ -L $dir/section10 ]] || fail "section 10 has no device-dax instance"
	dax=$(basename "$(readlink "$dir/section10")")
	note="kmem_pmem note $RANDOM$RANDOM"
	echo "$note" > "$KMP_OUT/note"
	note_at "/dev/$dax" "$note"
	[[ $(note_at "/dev/$dax") == "$note" ]] || fail "the note does not read back"
	echo "wrote '$note' at 64 MiB of /dev/$dax"
else
	step "boot 2: the table restored, section 10 served again, its data there"
	[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
	kmp_in_list 10 "$(kmp_get "$dev" persistent)" || fail "section 10 is not persistent after reboot"
	# The bind queues the instances and returns: they appear in the background.
	wait_for 60 test -L "$dir/section10"
	dax=$(basename "$(readlink "$dir/section10")")
	got=$(note_at "/dev/$dax")
	[[ $got == "$(cat "$KMP_OUT/note")" ]] || fail "note after reboot: '$got', expected '$(cat "$KMP_OUT/note")'"
	echo "/dev/$dax kept '$got' across the reboot"
	json=$(tools/pmemctl status -v --json "$dev") || fail "pmemctl status failed"
	jq -e --arg d "$dax" '.section_detail[10].device == $d' <<< "$json" >/dev/null ||
		fail "pmemctl status -v --json does not name /dev/$dax for section 10"
	echo "pmemctl names section 10's device: $dax"
	kmp_set "$dev" volatile 10 || fail "making section 10 volatile failed"
	kmp_unbind "$dev"
	rmmod kmem_pmem || fail "rmmod failed"
fi
echo ok
