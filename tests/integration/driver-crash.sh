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

dev=$(setup_devdax)
kmp_auto_online online_movable
kmp_load
kmp_bind "$dev"
n=$(kmp_get "$dev" sections)
keep="20-21"

if (( KMP_BOOT == 1 )); then
	kmp_set "$dev" persistent "$keep"
	for i in 20 21; do kmp_write_pattern "$dev" $i; done
else
	step "boot $KMP_BOOT: after a power cut"
	[[ $(kmp_get "$dev" metadata) == ok ]] || fail "metadata reads '$(kmp_get "$dev" metadata)'"
	per=$(kmp_get "$dev" persistent)
	echo "persistent: $per; online: $(kmp_get "$dev" online)"
	for i in 20 21; do
		kmp_check_pattern "$dev" $i || fail "section $i lost its pattern"
	done
	for ((i = 0; i < n; i++)); do
		(( i == 20 || i == 21 )) && continue
		kmp_in_list $i "$(kmp_get "$dev" volatile)" && continue
		# Persistent outside the kept ones: a move was cut; it must be zero.
		kmp_check_zero "$dev" $i || fail "persistent section $i is not zero"
	done
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
