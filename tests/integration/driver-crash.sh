#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
# vm-boots: 4
# vm-timeout: 600
#
# Power cuts in the middle of section moves: every next boot finds a valid
# table, the persistent patterns intact, and every other section either
# back as RAM or persistent and all zero; never half-scrubbed data.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable)
n=$(kmp_get "$dev" sections)
keep="20-21"

if (( KMP_BOOT == 1 )); then
	kmp_set "$dev" persistent "$keep"
	kmp_write_pattern "$dev" 20 21
else
	step "boot $KMP_BOOT: after a power cut"
	[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
	per=$(kmp_get "$dev" persistent)
	echo "persistent: $per; online: $(kmp_get "$dev" online)"
	kmp_check_pattern "$dev" 20 21 || fail "sections 20-21 lost their patterns"
	# Persistent outside the kept ones: a move was cut; they must be zero.
	cut=()
	for i in $(kmp_expand "$per"); do
		(( i == 20 || i == 21 )) || cut+=("$i")
	done
	(( ${#cut[@]} == 0 )) || kmp_check_zero "$dev" "${cut[@]}" || fail "persistent sections ${cut[*]} are not all zero"
	[[ $(kmp_get "$dev" volatile) == "$(kmp_get "$dev" online)" ]] ||
		fail "volatile '$(kmp_get "$dev" volatile)' but online '$(kmp_get "$dev" online)'"
fi
(( KMP_BOOT == 4 )) && { kmp_unbind "$dev"; rmmod kmem_pmem; echo ok; exit 0; }

step "boot $KMP_BOOT: moves, cut after $((KMP_BOOT * 2)) s"
(
	while :; do
		kmp_set "$dev" persistent 0-9,22-30
		kmp_set "$dev" volatile 0-4,26-30
		kmp_set "$dev" volatile 0-9,22-25
	done
) &
sleep $((KMP_BOOT * 2))
kmp_crash
