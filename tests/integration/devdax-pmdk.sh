#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 2
#
# Unmodified PMDK (Debian's libpmemobj and pmempool) on a persistent section
# served as device-dax (persistent_devdax=1, docs/design-persistent-devdax.md):
# boot 1 makes section 10 persistent and creates a libpmemobj pool on its
# device-dax instance, with a note in a transaction; boot 2 (the table
# restored at bind) finds the section served again, the pool valid, and the
# note in it.
. tests/lib/guest.sh
. tests/lib/kmp.sh

require_cmd pmempool
[[ -e /usr/include/libpmemobj.h ]] || skip "libpmemobj-dev is not installed (make deps)"
gcc -O2 -Wall -o /tmp/pmemobj_note tests/helpers/pmemobj_note.c -lpmemobj ||
	fail "cannot build the libpmemobj helper"

dev=$(kmp_setup online_movable persistent_devdax=1)
kmp_online_all "$dev"
dir=$(kmp_dir "$dev")

if [[ $KMP_BOOT == 1 ]]; then
	step "boot 1: section 10 persistent, a libpmemobj pool on its device-dax instance"
	kmp_set "$dev" persistent 10 || fail "making section 10 persistent failed"
	[[ -L $dir/section10 ]] || fail "section 10 has no device-dax instance"
	dax=$(basename "$(readlink "$dir/section10")")
	note="kmem_pmem note $RANDOM$RANDOM"
	echo "$note" > "$KMP_OUT/note"
	/tmp/pmemobj_note create "/dev/$dax" "$note" || fail "libpmemobj could not create a pool on /dev/$dax"
	pmempool info "/dev/$dax" | head -20
	pmempool info "/dev/$dax" | grep -q "obj" || fail "pmempool info does not see an obj pool on /dev/$dax"
	[[ $(/tmp/pmemobj_note read "/dev/$dax") == "$note" ]] || fail "the note does not read back"
	echo "pool on /dev/$dax with the note '$note'"
else
	step "boot 2: the table restored, section 10 served again, the pool and the note in it"
	[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
	kmp_in_list 10 "$(kmp_get "$dev" persistent)" || fail "section 10 is not persistent after reboot"
	[[ -L $dir/section10 ]] || fail "section 10 has no device-dax instance after reboot"
	dax=$(basename "$(readlink "$dir/section10")")
	pmempool check "/dev/$dax" || fail "pmempool check of /dev/$dax failed"
	got=$(/tmp/pmemobj_note read "/dev/$dax") || fail "libpmemobj could not open the pool on /dev/$dax"
	[[ $got == "$(cat "$KMP_OUT/note")" ]] || fail "note after reboot: '$got', expected '$(cat "$KMP_OUT/note")'"
	echo "pool on /dev/$dax kept the note '$got'"
	json=$(tools/pmemctl status -v --json "$dev") || fail "pmemctl status failed"
	jq -e --arg d "$dax" '.section_detail[10].device == $d' <<< "$json" >/dev/null ||
		fail "pmemctl status -v --json does not name /dev/$dax for section 10"
	echo "pmemctl names section 10's device: $(jq -r '.section_detail[10].device' <<< "$json")"
	kmp_set "$dev" volatile 10 || fail "making section 10 volatile failed"
	kmp_unbind "$dev"
	rmmod kmem_pmem || fail "rmmod failed"
fi
echo ok
