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
for f in /sys/devices/system/cpu/cpu[0-9]*/online; do
	[ "$(cat "$f")" = 1 ] && continue
	echo 1 > "$f" || { echo "online-cpus: cannot online ${f%/online}" >&2; exit 1; }
done
