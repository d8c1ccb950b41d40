#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
#
# Unmodified PMDK on a persistent section (issue 12): boot 1 makes section
# 10 persistent, checks that ndctl lists its instance as a devdax namespace
# of kmem_pmem's nvdimm bus, and has Debian's libpmemobj make a pool on it
# and keep a note in it; boot 2 (the table restored at bind) has libpmemobj
# open the pool and read the note back. PMDK's ndctl build finds a
# device-dax device's size through the nvdimm namespace it belongs to
# (pmem2_device_dax_size()) and dereferences NULL on one without (hmem,
# CXL, a self-hosted section).
. tests/lib/guest.sh
. tests/lib/kmp.sh
gcc -O2 -Wall -o /tmp/pmemobj_note tests/helpers/pmemobj_note.c -lpmemobj ||
	fail "cannot build tests/helpers/pmemobj_note.c against libpmemobj (make deps installs libpmemobj-dev)"

dev=$(kmp_setup online_movable)
kmp_online_all "$dev"
dir=$(kmp_dir "$dev")

if [[ $KMP_BOOT == 1 ]]; then
	step "boot 1: section 10 persistent, an nvdimm namespace of kmem_pmem's bus"
	kmp_set "$dev" persistent 10 || fail "making section 10 persistent failed"
	[[ -L $dir/section10 ]] || fail "section 10 has no device-dax instance"
	dax=$(basename "$(readlink "$dir/section10")")
	json=$(ndctl list -N -b kmem_pmem) || fail "ndctl list -N -b kmem_pmem failed"
	jq -e --arg d "$dax" '[.. | objects | select(.mode? == "devdax") | .. | objects |
		select(.chardev? == $d)] | length == 1' <<< "$json" >/dev/null ||
		fail "ndctl does not list /dev/$dax as a devdax namespace: $json"
	jq -M -c '.[] | {dev, mode, size}' <<< "$json"
	ns=$(jq -r --arg d "$dax" '[.. | objects | select(.mode? == "devdax") |
		select([.. | objects | select(.chardev? == $d)] | length > 0) | .dev][0]' <<< "$json")
	got=$(tools/pmemctl status -v --json "$dev" | jq -r '.section_detail[] | select(.section == 10) | .namespace')
	[[ $ns == namespace* && $got == "$ns" ]] ||
		fail "pmemctl status -v --json names section 10's namespace '$got', ndctl '$ns'"
	echo "pmemctl and ndctl name section 10's namespace alike: $ns"

	step "boot 1: a libpmemobj pool on /dev/$dax, a note in it"
	note="kmem_pmem pmdk note $RANDOM$RANDOM"
	/tmp/pmemobj_note create "/dev/$dax" "$note" || fail "libpmemobj could not create a pool on /dev/$dax (exit $?)"
	echo "$note" > "$KMP_OUT/note"
	echo "pool created on /dev/$dax: '$note'"
else
	step "boot 2: libpmemobj opens the pool and reads the note back"
	wait_for 60 test -L "$dir/section10"
	dax=$(basename "$(readlink "$dir/section10")")
	wait_for 30 test -c "/dev/$dax"
	got=$(/tmp/pmemobj_note read "/dev/$dax") || fail "libpmemobj cannot open the pool on /dev/$dax after the reboot"
	[[ $got == "$(cat "$KMP_OUT/note")" ]] || fail "the pool's note reads '$got', not '$(cat "$KMP_OUT/note")'"
	echo "/dev/$dax: the pool's note '$got' after the reboot"
	kmp_set "$dev" volatile 10 || fail "making section 10 volatile failed"
	kmp_unbind "$dev"
	rmmod kmem_pmem || fail "rmmod failed"
fi
echo ok
