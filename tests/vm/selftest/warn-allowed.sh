#!/bin/bash
# vm-dmesg-allow lets a test expect a kernel report: the WARN and its trace
# are not failures when they match it, and the test passes.
# vm-timeout: 120
# vm-dmesg-allow: warn_mod
# selftest-module: warn_mod
# selftest-expect: PASS$
insmod "$KMP_REPO/build/selftest/warn_mod/warn_mod.ko"
echo "warn_mod loaded; exiting 0"
