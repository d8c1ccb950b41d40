#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
# Print the ABI name of the project's default kernel: the first kernel of
# scripts/kernels.list (what Debian stable runs). `make check` runs the
# full suite on it, `make demo` shows it; the others get the matrix tier.
here=$(cd "$(dirname "$0")" && pwd)
v=$(awk '!/^#/ && NF { print $1; exit }' "$here/kernels.list")
[ -n "$v" ] || { echo "kver.sh: no kernel in $here/kernels.list" >&2; exit 1; }
echo "$v"
