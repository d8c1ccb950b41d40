#!/bin/bash
# A guest that never finishes is killed at vm-timeout and the test fails.
# vm-timeout: 30
# selftest-expect: FAIL: timeout after 30s \(boot 1\)
echo "hanging"
sleep 100000
