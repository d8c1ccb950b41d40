#!/bin/bash
# A test that exits non-zero fails, and its last line is the reason.
# vm-timeout: 120
# selftest-expect: FAIL: exit 3 \(boot 1\): deliberate exit 3$
echo "deliberate exit 3"
exit 3
