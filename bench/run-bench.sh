#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# `make bench`: boot the bench VMs one after the other on kernel KVER
# (tests/vm/run-vm-test.sh), then write docs/benchmarks.md,
# docs/benchmarks.json and docs/benchmarks-scaling.png (bench/report.sh)
# from the last passing run of every bench VM on every kernel measured so
# far, one column per kernel.
#
# usage: bench/run-bench.sh [NAME...]     NAME: compare, scaling, setup1t, setup1t2g (default: all)
#        bench/run-bench.sh --report-only  only the report, from the last runs
#
# Per kernel and bench VM, under build/bench/KVER/:
#   NAME/           logs and raw figures (out/results.jsonl) of the last
#                   passing run: a failed run does not replace them
#   NAME.run.json   that run: kernel, start (UTC), wall time, commit, how
#                   busy the host was (other QEMU processes at the start,
#                   1-minute load average at the start and the end)
#   NAME.failed/    the logs of the last run, if it failed
#
# Environment: KVER (kernel to boot, default scripts/kver.sh), KMP_MODULE
# (kmem_pmem.ko built for KVER; default build/module/KVER/kmem_pmem.ko, as
# `make module-kver` builds it, else the repo's), BENCH_OUT (report
# directory, default docs/).
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
((report_only || $#)) || set -- compare scaling setup1t setup1t2g
((report_only)) && set --

# The module must be the one built for the kernel booted: say so before a
# VM boots rather than after.
if (($#)); then
	module=${KMP_MODULE:-}
	if [[ -z $module ]]; then
		module=build/module/$KVER/kmem_pmem.ko
		[[ -f $module ]] || module=kmem_pmem.ko
	fi
	vermagic=$(modinfo -F vermagic "$module" 2>/dev/null) ||
		{ echo "run-bench.sh: no module $module (make module-kver KVER=$KVER)" >&2; exit 2; }
	[[ ${vermagic%% *} == "$KVER" ]] ||
		{ echo "run-bench.sh: $module is built for ${vermagic%% *}, not $KVER" >&2; exit 2; }
	export KMP_MODULE=$repo/$module
	[[ $module == /* ]] && KMP_MODULE=$module
	commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
	# Uncommitted changes to what goes into the module or the bench.
	clean=true
	git diff --quiet HEAD -- Kbuild '*.c' '*.h' bench/ 2>/dev/null || clean=false
fi

rc=0
for name in "$@"; do
	script=bench/guest-$name.sh
	[[ -f $script ]] || { echo "run-bench.sh: no bench VM '$name' ($script)" >&2; exit 2; }
	base=build/bench/$KVER/$name
	mkdir -p "$(dirname "$base")"
	rm -rf "$base.new"
	started=$(date -u +%Y-%m-%dT%H:%M:%SZ)
	# How busy the host was: other VMs share its cores.
	others=$(pgrep -c qemu-system || true)
	load=$(cut -d' ' -f1 /proc/loadavg)
	start=$SECONDS
	verdict=$(tests/vm/run-vm-test.sh --name "bench-$name" --log-dir "$base.new" "$script" | tail -n1)
	wall=$((SECONDS - start))
	load_end=$(cut -d' ' -f1 /proc/loadavg)
	echo "${verdict%%:*} bench-$name on $KVER ($wall s)${verdict#PASS}"
	if [[ $verdict == PASS ]]; then
		rm -rf "$base" "$base.failed"
		mv "$base.new" "$base"
		jq -n --arg vm "$name" --arg kernel "$KVER" --arg started "$started" \
			--argjson wall "$wall" --arg commit "$commit" --argjson clean "$clean" \
			--argjson others "${others:-0}" --argjson load "$load" --argjson load_end "$load_end" \
			'{vm: $vm, kernel: $kernel, started: $started, wall_s: $wall,
			  commit: $commit, committed: $clean, other_vms: $others,
			  host_load: [$load, $load_end]}' > "$base.run.json"
	else
		rm -rf "$base.failed"
		mv "$base.new" "$base.failed"
		echo "  logs: $base.failed/ (the last passing run, if any, stays in $base/)" >&2
		rc=1
	fi
done

# Every kernel with a passing run, in version order, each with its runs.
args=()
while read -r kdir; do
	kernel=${kdir#build/bench/}
	group=()
	for f in "$kdir"/*/out/results.jsonl; do
		[[ -f $f ]] || continue
		name=${f#"$kdir"/}
		name=${name%%/*}
		[[ -f $kdir/$name.run.json ]] || continue
		group+=(--run "$kdir/$name.run.json" "$f")
	done
	((${#group[@]})) && args+=(--kernel "$kernel" "${group[@]}")
done < <(find build/bench -mindepth 1 -maxdepth 1 -type d 2>/dev/null | sort -V)
((${#args[@]})) || { echo "run-bench.sh: no passing bench run to report" >&2; exit 1; }
cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)
bench/report.sh --out "$out" --default-kernel "$(scripts/kver.sh)" \
	--note "Host: $(nproc) CPUs ($cpu), QEMU $(qemu-system-x86_64 --version | awk 'NR == 1 { print $4 }') with TCG, shared with other VMs; bench VMs run one at a time." \
	"${args[@]}" || rc=1
exit "$rc"
