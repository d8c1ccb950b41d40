#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 2G
# vm-cmdline:
#
# Booted without memory_hotplug.memmap_on_memory=1: pmemctl check fails
# and names the parameter to add; setup still binds (persistent use works)
# but warns; making a section volatile is refused with exit 3 and the same
# advice, whatever --force says.
# shellcheck disable=SC2119 # kmp_load: no module parameters here
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
[[ " $(< /proc/cmdline) " != *" memory_hotplug.memmap_on_memory=1 "* ]] ||
	fail "booted with memory_hotplug.memmap_on_memory=1 despite vm-cmdline"

# The only problem check may find: 6.12 and 7.3 boot with the policy
# "online", which check flags too (driver-online-policy tests that).
kmp_auto_online online_movable
dev=$(setup_devdax)
kmp_load

step "check: memmap_on_memory fails with the exact fix"
expect_exit 3 check
expect_out "fail  memmap_on_memory"
expect_out "fix: add memory_hotplug.memmap_on_memory=1 to the kernel command line"
expect_err "1 problem"
expect_exit 3 check --json
jqe '.ok == false'
jqe '.checks[] | select(.name == "memmap_on_memory") | .status == "fail" and .value == "N" and (.fix | test("memory_hotplug.memmap_on_memory=1"))'
jqe '.checks[] | select(.name == "module") | .status == "ok"'

step "setup binds, warns, makes nothing volatile"
expect_exit 0 setup --json "$dev"
jqe '.driver == "kmem_pmem" and .nr_volatile == 0 and .memmap != "pmem"'
expect_err "memory_hotplug.memmap_on_memory=1"

step "volatile is refused with exit 3, even with --force"
expect_exit 3 volatile "$dev" 0
expect_err "booted without memory_hotplug.memmap_on_memory=1"
expect_exit 3 volatile --force "$dev" all
expect_err "add it to the kernel command line and reboot"
[[ -z $(kmp_get "$dev" volatile) ]] || fail "sections became volatile without memmap_on_memory"
expect_exit 0 persistent "$dev" all
expect_err "nothing to do"
expect_exit 0 status --json "$dev"
jqe '.nr_volatile == 0 and .ram_bytes == 0'

kmp_unbind "$dev"
rmmod kmem_pmem
echo ok
