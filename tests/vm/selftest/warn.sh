#!/bin/bash
# A kernel WARN in the guest fails the test, though the script exits 0.
# vm-timeout: 120
# selftest-module: warn_mod
# selftest-expect: FAIL: dmesg: WARNING: .*warn_mod
insmod "$KMP_REPO/build/selftest/warn_mod/warn_mod.ko"
echo "warn_mod loaded; exiting 0"
