#!/bin/bash
# A guest kernel that panics produces no result and the test fails.
# vm-timeout: 120
# selftest-expect: FAIL: dmesg: .*no result \(boot 1\)
echo c > /proc/sysrq-trigger
sleep 60
