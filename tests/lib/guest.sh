# SPDX-License-Identifier: GPL-2.0
#
# Generic helpers for VM tests (tests/integration/*.sh), sourced by a test:
#
#	. tests/lib/guest.sh
#
# Nothing here knows about kmem_pmem (that is tests/lib/kmp.sh). The
# contract a test runs under is in tests/README.md: exit 0 passes, 4 skips
# (reason on stdout), anything else fails.
#
# Sourcing this file turns on errexit and pipefail with an ERR trap that
# names the file, line and command that failed, so a test reads as a list of
# expectations and stops at the first one that does not hold.

set -eE -o pipefail
shopt -s inherit_errexit

KSFT_SKIP=4

# fail/skip may run in a subshell (dev=$(setup_devdax)); they leave their
# verdict here so that the parent's ERR trap exits the same way, silently.
_guest_verdict=${TMPDIR:-/tmp}/kmp-guest-verdict.$$
rm -f "$_guest_verdict"

# The test's own line that led here: the innermost frame outside this file.
_guest_where() {
	local i
	for ((i = 1; i < ${#BASH_SOURCE[@]}; i++)); do
		[[ ${BASH_SOURCE[i]} == "${BASH_SOURCE[0]}" ]] && continue
		echo "${BASH_SOURCE[i]#"${KMP_REPO:-}/"}:${BASH_LINENO[i - 1]}"
		return
	done
	echo "?"
}

_guest_err() {
	local rc=$1 cmd=$2
	trap - ERR
	if [[ -f $_guest_verdict ]]; then
		[[ $(< "$_guest_verdict") == skip ]] && exit "$KSFT_SKIP"
		exit 1
	fi
	echo "FAIL: $(_guest_where): '$cmd' exited with $rc" >&2
	echo fail > "$_guest_verdict"
	exit 1
}
trap '_guest_err $? "$BASH_COMMAND"' ERR

# fail MSG: the test failed; say where and why.
fail() {
	trap - ERR
	echo "FAIL: $(_guest_where): $*" >&2
	echo fail > "$_guest_verdict"
	exit 1
}

# skip MSG: a prerequisite is missing; the test neither passed nor failed.
skip() {
	trap - ERR
	echo "SKIP: $*" >&2
	echo skip > "$_guest_verdict"
	exit "$KSFT_SKIP"
}

# step MSG: narrate the next step of the test.
step() {
	echo "== $*"
}

# expect_success CMD...: CMD must succeed.
expect_success() {
	local rc=0
	"$@" || rc=$?
	[[ $rc == 0 ]] || fail "expected success, got exit $rc: $*"
}

# expect_fail CMD...: CMD must fail.
expect_fail() {
	local rc=0
	"$@" || rc=$?
	[[ $rc != 0 ]] || fail "expected failure, got success: $*"
}

# write_file FILE VALUE: one write(2) of VALUE to FILE, as `echo VALUE >
# FILE` does. Returns 0 on success; on failure prints the errno's name
# (EINVAL, EBUSY, ...) on stdout and returns 1.
write_file() {
	perl -e '
		use Errno;
		open(my $f, ">", $ARGV[0]) or do { print((grep { $!{$_} } keys %!)[0] // "E?"); exit 1 };
		defined(syswrite($f, $ARGV[1])) or do { print((grep { $!{$_} } keys %!)[0] // "E?"); exit 1 };
		close($f) or do { print((grep { $!{$_} } keys %!)[0] // "E?"); exit 1 };
	' "$1" "$2"
}

# expect_write FILE VALUE: writing VALUE to FILE must succeed.
expect_write() {
	local err
	err=$(write_file "$1" "$2") || fail "write '$2' > $1 failed with $err"
}

# expect_write_error ERRNO FILE VALUE: writing VALUE to FILE must fail with
# ERRNO (a name: EINVAL, EBUSY, ERANGE, ...).
expect_write_error() {
	local want=$1 err
	if err=$(write_file "$2" "$3"); then
		fail "write '$3' > $2 succeeded, expected $want"
	fi
	[[ $err == "$want" ]] || fail "write '$3' > $2 failed with $err, expected $want"
}

# wait_for SECONDS CMD...: poll CMD (every 0.2 s) until it succeeds; fail
# after SECONDS.
wait_for() {
	local deadline=$((SECONDS + $1))
	shift
	until "$@"; do
		((SECONDS < deadline)) || fail "timed out waiting for: $*"
		sleep 0.2
	done
}

# require_cmdline PARAM...: skip unless each PARAM (e.g.
# memory_hotplug.memmap_on_memory=1) is on the kernel command line.
require_cmdline() {
	local p
	for p in "$@"; do
		[[ " $(< /proc/cmdline) " == *" $p "* ]] || skip "kernel command line lacks $p"
	done
}

# require_module NAME...: skip unless each module loads.
require_module() {
	local m
	for m in "$@"; do
		modprobe "$m" 2>/dev/null || skip "module $m not available"
	done
}

# require_cmd NAME...: skip unless each command is installed.
require_cmd() {
	local c
	for c in "$@"; do
		command -v "$c" >/dev/null || skip "command $c not installed"
	done
}

# setup_devdax: make the VM's NVDIMM a device-dax instance and print its
# name (e.g. dax0.0). Reuses the namespace if an earlier boot already made
# it devdax (its info block lives in the NVDIMM's backing file); otherwise
# reconfigures namespace0.0 with --mode=devdax --map=mem. No udev runs in
# the guest: modules are loaded here and probing is waited for through the
# nvdimm bus's wait_probe.
setup_devdax() {
	modprobe -a nfit nd_pmem dax_pmem device_dax ||
		fail "cannot load the nvdimm/dax modules"
	first_devdax_or_create -f -e namespace0.0
}

# first_devdax_or_create ARGS...: print the first dax device once
# /dev/daxX.Y exists; when there is none, make one first with
# `ndctl create-namespace --mode=devdax --map=mem ARGS...`.
first_devdax_or_create() {
	local dev
	wait_for 30 _guest_ndbus_settled
	dev=$(_guest_first_dax) || true
	if [[ -z $dev ]]; then
		ndctl create-namespace --mode=devdax --map=mem "$@" >&2 ||
			fail "ndctl create-namespace --mode=devdax --map=mem $* failed"
		wait_for 30 _guest_ndbus_settled
		wait_for 30 _guest_first_dax >/dev/null
		dev=$(_guest_first_dax)
	fi
	wait_for 30 test -c "/dev/$dev"
	echo "$dev"
}

_guest_ndbus_settled() {
	local bus found=
	for bus in /sys/bus/nd/devices/ndbus*; do
		[[ -e $bus/wait_probe ]] || continue
		cat "$bus/wait_probe" >/dev/null || return 1
		found=1
	done
	[[ -n $found ]]
}

# Prints the first dax device on the dax bus; fails if there is none.
_guest_first_dax() {
	local d
	for d in /sys/bus/dax/devices/dax*; do
		[[ -e $d ]] || continue
		echo "${d##*/}"
		return 0
	done
	return 1
}

# node_meminfo NODE FIELD: FIELD (MemTotal, MemFree, ...) of node NODE, in kB.
node_meminfo() {
	local v
	v=$(awk -v f="$2:" '$3 == f { print $4 }' "/sys/devices/system/node/node$1/meminfo")
	[[ -n $v ]] || fail "no $2 in node$1/meminfo"
	echo "$v"
}

# node_free_pages NODE: free pages on node NODE.
node_free_pages() {
	local f=/sys/devices/system/node/node$1/vmstat v
	v=$(awk '$1 == "nr_free_pages" { print $2 }' "$f" 2>/dev/null)
	if [[ -z $v ]]; then
		v=$(($(node_meminfo "$1" MemFree) * 1024 / $(getconf PAGESIZE)))
	fi
	echo "$v"
}

# dmesg_mark: remember this point of the kernel log; dmesg_since_mark prints
# what was logged after it (the newest mark).
dmesg_mark() {
	_guest_mark="kmp-mark-$$-$RANDOM$RANDOM"
	echo "$_guest_mark" > /dev/kmsg
}

dmesg_since_mark() {
	[[ -n ${_guest_mark:-} ]] || fail "dmesg_since_mark without dmesg_mark"
	dmesg | awk -v m="$_guest_mark" 'found { print } index($0, m) { found = 1 }'
}

# expect_dmesg REGEX: the kernel logged a line matching REGEX (grep -E)
# since the last dmesg_mark. expect_no_dmesg REGEX: it did not.
expect_dmesg() {
	dmesg_since_mark | grep -qE -- "$1" || fail "kernel log since mark lacks /$1/"
}

expect_no_dmesg() {
	local line
	if line=$(dmesg_since_mark | grep -E -m1 -- "$1"); then
		fail "kernel log since mark has /$1/: $line"
	fi
}
