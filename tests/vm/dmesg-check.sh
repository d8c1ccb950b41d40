# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
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

# dmesg_problems ALLOW FILE...: print the first offending line found in the
# existing FILEs (the guest's dmesg, then its console log, which still holds
# the kernel's last words when the guest died before saving its dmesg).
#
# A bare "Call Trace:" is reported with the headline of its report (the
# line before "CPU: N PID: ...", from 6.12 on "CPU: N UID: N PID: ...";
# e.g. "... invoked oom-killer: ..."). A line matching the extended regex ALLOW (vm-dmesg-allow), or a trace whose
# headline matches it, is not a problem.
dmesg_problems() {
	local allow=$1 f re
	shift
	re=$(IFS='|'; echo "${dmesg_bad_patterns[*]}")
	for f in "$@"; do
		[[ -s $f ]] || continue
		tr -d '\r' < "$f" | awk -v re="$re" -v allow="$allow" '
			{ sub(/^\[[^]]*\] /, "") }
			/^CPU: [0-9]+ (UID: [0-9]+ )?PID: / {
				head = (prev ~ /^Modules linked in/) ? prev2 : prev
			}
			$0 ~ re {
				h = ($0 ~ /Call Trace/ && head != "") ? head : $0
				if (allow == "" || (h !~ allow && $0 !~ allow)) {
					print (h == $0) ? $0 : $0 " after: " h
					found = 1
					exit
				}
			}
			{ prev2 = prev; prev = $0 }
			END { exit !found }' && return 0
	done
	return 0
}
