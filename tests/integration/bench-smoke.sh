#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 2G
# vm-timeout: 600
#
# The bench (`make bench`) in miniature, so that it cannot rot: the same
# measuring code (bench/lib.sh) and report (bench/report.sh) on a 2 GiB
# device, one repetition each. Every figure must come out and be sane
# (present, positive, fractions that add up, kmem_pmem's DRAM cost below
# kmem's); no timing is judged.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. bench/lib.sh
require_cmd jq

dev=$(setup_devdax)
bench_init "$dev"
n=$(kmp_get "$dev" sections)

bench_step "measuring"
bench_dram 1
bench_capacity
bench_cycle 1
bench_daxctl 1
bench_single 1
bench_bandwidth 1 16 4
bench_scaling 1 1 8
bench_devdax 2

bench_step "report"
bench/report.sh --out "$KMP_OUT/report" --kernel "$KVER" "$KMP_OUT/results.jsonl" ||
	fail "bench/report.sh failed"
json=$KMP_OUT/report/benchmarks.json
[[ -s $KMP_OUT/report/benchmarks.md ]] || fail "no benchmarks.md"
if command -v gnuplot > /dev/null; then
	[[ -s $KMP_OUT/report/benchmarks-scaling.png ]] || fail "no scaling plot"
fi

# expect JQ_FILTER WHAT: the filter, run on benchmarks.json, must be true.
expect() {
	jq -e "$1" "$json" > /dev/null || fail "$2 (jq -e '$1' on benchmarks.json)"
}

bench_step "checking the figures"
# One jq program: every check is [what, condition]; the failed ones are printed.
failed=$(jq -r --argjson n "$n" '
	.derived as $d |
	[
	 # DRAM: struct pages in the pmem cost (almost) nothing, in DRAM 16 MiB/GiB
	 ["kmem_pmem DRAM per GiB near 0", $d.dram.ours.median < 2],
	 ["kmem DRAM per GiB near 16", $d.dram.kmem.median > 12],
	 ["kmem_pmem DRAM below kmem", $d.dram.ours.median < $d.dram.kmem.median],
	 ["device_dax memmap measured", $d.dram.device_dax_kib > 0],
	 # capacity: fractions of the device that add up
	 (("ours", "kmem") as $k | $d.capacity[$k] |
	  ["\($k) capacity fractions in range", .ram_frac > 0.9 and .ram_frac < 1 and .align_frac >= 0 and .memmap_frac >= 0],
	  ["\($k) RAM + alignment + memmap = device", (.ram_frac + .align_frac + .memmap_frac - 1 | fabs) < 0.01]),
	 # whole-device cycle: every time and ratio measured and positive
	 (("ours_volatile", "ours_persistent", "ours_scrub", "ours_add", "ours_remove", "kmem_volatile",
	   "kmem_persistent", "ratio_volatile", "ratio_persistent", "ratio_persistent_noscrub") as $f |
	  ["cycle \($f) > 0", $d.cycle[$f].count >= 1 and $d.cycle[$f].min > 0]),
	 ["daxctl times > 0", $d.daxctl.volatile.min > 0 and $d.daxctl.persistent.min > 0],
	 # single-section moves: one sample per section and direction
	 (("ours_volatile", "ours_persistent", "ours_online", "ours_offline", "kmem_online", "kmem_offline") as $f |
	  ["single \($f): \($n) samples > 0", $d.single[$f].count == $n and $d.single[$f].min > 0]),
	 # bandwidth: both nodes, both drivers
	 (("ours", "kmem") as $k | ("read", "write", "chase") as $m | $d.bw[$k] |
	  ["bandwidth \($k) \($m) > 0", .["node0_" + $m].min > 0 and .["pmem_" + $m].min > 0 and .[$m + "_ratio"].min > 0]),
	 # scaling: both steps, their split, DRAM, flatness
	 ["scaling: two steps", ($d.scaling.steps | length) == 2],
	 ($d.scaling.steps[] | ["scaling N=\(.n) figures > 0",
	   .volatile_s > 0 and .persistent_s > 0 and .scrub_s > 0 and .add_s > 0 and .remove_s > 0 and .dram_kib != null]),
	 ["scaling flatness > 0", $d.scaling.flatness_volatile > 0 and $d.scaling.flatness_persistent > 0],
	 ["scaling: kmem_pmem DRAM for 8 sections below kmem", $d.scaling.steps[-1].dram_mib < $d.scaling.kmem_mib_per_section * 8],
	 # a persistent section mapped: both device-dax paths measured, one fault per 2 MiB
	 (("ours", "kernel") as $k | $d.devdax |
	  ["devdax \($k): faults, write, read > 0", .["\($k)_faults"].min > 0 and .["\($k)_write_mibs"].min > 0 and .["\($k)_read_mibs"].min > 0],
	  ["devdax \($k): one fault per 2 MiB", .["\($k)_faults"].max <= .mib / 2 + 8]),
	 ["every headline figure", ([.headline[]] | all(. != null))]
	] | .[] | select(.[1] != true) | .[0]
' "$json") || fail "jq failed on benchmarks.json"
[[ -z $failed ]] || fail "insane or missing figures: $(echo "$failed" | paste -sd ';')"
if grep -q "n/a" "$KMP_OUT/report/benchmarks.md"; then
	fail "benchmarks.md has n/a: $(grep -m1 "n/a" "$KMP_OUT/report/benchmarks.md")"
fi
echo ok
