#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boot the bench VMs one after the other (tests/vm/run-vm-test.sh,
# logs and raw figures in build/bench/NAME/), then write docs/benchmarks.md,
# docs/benchmarks.json and docs/benchmarks-scaling.png (bench/report.sh) from
# the results of every bench VM whose last run passed.
#
# usage: bench/run-bench.sh [NAME...]     NAME: compare, scaling (default: both)
#        bench/run-bench.sh --report-only  only the report, from the last runs
#
# Environment: KVER (kernel to boot), BENCH_OUT (report directory, default
# docs/).
set -uo pipefail

repo=$(cd "$(dirname "$0")/.." && pwd)
cd "$repo" || exit 2
export KVER=${KVER:-$(scripts/kver.sh)} || exit 2
out=${BENCH_OUT:-$repo/docs}
report_only=0
if [[ ${1:-} == --report-only ]]; then
	report_only=1
	shift
fi
((report_only || $#)) || set -- compare scaling

rc=0
((report_only)) && set --
for name in "$@"; do
	script=bench/guest-$name.sh
	[[ -f $script ]] || { echo "run-bench.sh: no bench VM '$name' ($script)" >&2; exit 2; }
	dir=build/bench/$name
	mkdir -p "$dir"
	rm -f "$dir.verdict"
	start=$SECONDS
	verdict=$(tests/vm/run-vm-test.sh --name "bench-$name" --log-dir "$dir" "$script" | tail -n1)
	echo "$verdict" > "$dir.verdict"
	echo "${verdict%%:*} bench-$name ($((SECONDS - start)) s)${verdict#PASS}"
	[[ $verdict == PASS ]] || { echo "  logs: $dir/" >&2; rc=1; }
done

results=()
for f in build/bench/*/out/results.jsonl; do
	[[ -f $f ]] || continue
	name=${f#build/bench/}
	name=${name%%/*}
	[[ $(cat "build/bench/$name.verdict" 2>/dev/null) == PASS ]] && results+=("$f")
done
((${#results[@]})) || { echo "run-bench.sh: no passing bench run to report" >&2; exit 1; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
bench/report.sh --out "$out" --kernel "$KVER" \
	--note "Host: $(nproc) CPUs ($cpu), QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }') with TCG, shared with other VMs; bench VMs run one at a time. Results from: ${results[*]%/out/results.jsonl}." \
	"${results[@]}" || rc=1
exit "$rc"
