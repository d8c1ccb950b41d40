# SPDX-License-Identifier: GPL-2.0
#
# What in a guest's kernel log fails a test (sourced by run-vm-test.sh).

# Any of these in the kernel log fails the test that produced it.
dmesg_bad_patterns=(
	'WARNING:'
	'BUG:'
	'Oops'
	'Call Trace'
	'Kernel panic'
	'general protection fault'
	'possible circular locking'
	'possible recursive locking'
	'inconsistent lock state'
	'KASAN'
	'UBSAN'
	'INFO: task .* blocked for more than'
)

# dmesg_problems FILE...: print the first offending line found in the
# existing FILEs (the guest's dmesg, then its console log, which still holds
# the kernel's last words when the guest died before saving its dmesg).
dmesg_problems() {
	local f re
	re=$(IFS='|'; echo "${dmesg_bad_patterns[*]}")
	for f in "$@"; do
		[[ -s $f ]] || continue
		grep -a -m1 -E -- "$re" "$f" | sed 's/^\[[^]]*\] //' | tr -d '\r' && return 0
	done
	return 0
}
