#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make demo`: boot the test VM and run tests/demo/demo.sh in it with its
# narration on the terminal. Logs go to build/test-logs/demo/.
set -uo pipefail

repo=$(cd "$(dirname "$0")/../.." && pwd)
KVER=${KVER:-$("$repo/scripts/kver.sh")} || exit 1
export KVER
echo "Booting Debian's kernel $KVER in QEMU (TCG, 2 CPUs, 2 GiB on node 0)"
echo "with a 4 GiB emulated NVDIMM on CPU-less node 1; this takes a few minutes."
start=$SECONDS
# The narration (the harness's stderr) on stdout; the verdict aside.
result=$(mktemp)
trap 'rm -f "$result"' EXIT
# shellcheck disable=SC2069 # stderr to the terminal, stdout to the file
"$repo/tests/vm/run-vm-test.sh" --verbose --name demo \
	--log-dir "$repo/build/test-logs/demo" "$repo/tests/demo/demo.sh" 2>&1 > "$result"
verdict=$(tail -n1 "$result")
echo
echo "demo: $verdict ($((SECONDS - start)) s; logs in build/test-logs/demo/)"
[[ $verdict == PASS ]]
