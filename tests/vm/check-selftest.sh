#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Host-side check of the VM harness: run the harness on a guest script that
# misbehaves on purpose and pass only if the harness gave the verdict the
# script's header expects, e.g.
#
#	# selftest-expect: FAIL: .*timeout after
#	# selftest-module: warn_mod
#
# selftest-expect is an extended regex the harness's verdict line must match
# from its start. selftest-module builds tests/vm/selftest/<dir> against
# KDIR into build/selftest/<dir>/ first (the guest loads it from there).
#
# usage: check-selftest.sh SCRIPT [LOGDIR]
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
script=$1
name=selftest-$(basename "$script" .sh)
logdir=${2:-$repo/build/test-logs/$name}

header() {
	sed -n "s/^#[[:space:]]*selftest-$1:[[:space:]]*//p" "$script"
}
expect=$(header expect)
[[ -n $expect ]] || { echo "FAIL: $script has no selftest-expect line"; exit 1; }

for mod in $(header module); do
	KVER=${KVER:-$("$repo/scripts/kver.sh")}
	KDIR=${KDIR:-$("$repo/scripts/kernel.sh" kdir "$KVER")}
	read -ra kflags <<< "$("$repo/scripts/kernel.sh" makeflags "$KVER")"
	dst=$repo/build/selftest/$mod
	mkdir -p "$dst"
	cp "$here/selftest/$mod"/* "$dst/"
	if ! make -s -C "$KDIR" M="$dst" "${kflags[@]}" modules; then
		echo "FAIL: cannot build $mod against $KDIR"
		exit 1
	fi
done

got=$("$here/run-vm-test.sh" --name "$name" --log-dir "$logdir" "$script" | tail -n1)
echo "harness: $got"
if [[ $got =~ ^($expect) ]]; then
	echo "PASS"
	exit 0
fi
echo "FAIL: harness said '$got', expected /$expect/"
exit 1
