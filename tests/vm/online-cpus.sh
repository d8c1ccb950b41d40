#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Bring up the CPUs the guest kernel left offline (run-vm-test.sh boots it
# with maxcpus=1). Run by the guest's init before the test starts.
#
# Why one CPU through boot: under QEMU's multi-threaded TCG, a vCPU can
# execute stale translated code while another patches kernel text with
# int3 (text_poke_bp); 6.12 guests then died 2 s into boot with
# "Oops: int3" in sched_clock_cpu (the late_initcall that flips
# sched_clock_running), before any test code ran. With one CPU online
# through the initcalls nothing runs beside the patching.
# The same race hit later, when the kernel's random number generator became
# ready ("random: crng init done", flipping crng_is_ready; an int3 oops in
# get_random_u32 18 s into a 6.12 guest): wait for it here, still on one
# CPU. A blocking read of /dev/random makes the kernel gather jitter entropy
# until it is ready.
head -c 1 /dev/random > /dev/null
for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
	# One CPU: cpu0 has no online file, the pattern stays as it is.
	[ -e "$f" ] || continue
	[ "$(cat "$f")" = 1 ] && continue
	echo 1 > "$f" || { echo "online-cpus: cannot online ${f%/online}" >&2; exit 1; }
done
