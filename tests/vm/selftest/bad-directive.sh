#!/bin/bash
# An unknown directive is an error; the VM is not even booted.
# vm-timeout: 120
# vm-bogus: 1
# selftest-expect: FAIL: .*unknown directive vm-bogus
true
