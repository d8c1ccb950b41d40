#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Build and run one userspace unit test, tests/unit/test_NAME.c.
#
# usage: run-unit.sh TEST.c [OUTDIR]
#
# The test is compiled with the repo root as working directory:
#	gcc -Wall -Werror -g -O1 -fsanitize=address,undefined
#	    -I. -Itests/unit -DKMP_USERSPACE TEST.c <unit-sources> <unit-libs>
# Comment lines in the test file add to this:
#	// unit-sources: section_order.c section_layout.c   (paths from the repo root)
#	// unit-cflags: -Itools
#	// unit-libs: -ljson-c
# The program is one counted test: exit 0 passes, 4 skips, anything else
# (or a build failure) fails. Its output is shown as is; the last line
# printed is the verdict (`PASS`, `SKIP: reason`, `FAIL: reason`).
set -uo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
src=$(realpath --relative-to="$repo" "$1")
name=$(basename "$src" .c)
out=${2:-$repo/build/unit}
mkdir -p "$out"
cd "$repo" || exit 2

directive() {
	sed -n "s|^[[:space:]]*//[[:space:]]*unit-$1:[[:space:]]*||p" "$src" | tr '\n' ' '
}
sources=$(directive sources) cflags=$(directive cflags) libs=$(directive libs)
san=${KMP_UNIT_SANITIZE--fsanitize=address,undefined -fno-sanitize-recover=all}

# shellcheck disable=SC2086 # word splitting of the lists is intended
if ! gcc -Wall -Werror -g -O1 $san -I. -Itests/unit -DKMP_USERSPACE \
	$cflags -o "$out/$name" "$src" $sources $libs; then
	echo "FAIL: does not build"
	exit 1
fi
"$out/$name"
rc=$?
case $rc in
0) echo "PASS" ;;
4) echo "SKIP: $name skipped itself" ;;
*) echo "FAIL: exit $rc"; exit 1 ;;
esac
exit $rc
