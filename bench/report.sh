#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Turn the bench's raw figures (results.jsonl files written by bench/lib.sh
# in the bench VMs) into
#
#	OUT/benchmarks.json          per kernel: every figure's min/median/p99/
#	                             max, the derived ratios, the headline
#	OUT/benchmarks.md            the tables, one column (or row) per
#	                             kernel, with the method of each figure
#	OUT/benchmarks-scaling.png   the scaling plot (when there are scaling
#	                             figures and gnuplot is installed)
#
# usage: bench/report.sh --out DIR [--note TEXT] [--default-kernel KVER]
#                        {--kernel KVER [--run RUN.json]... RESULTS.jsonl...}...
#
# Each --kernel starts the figures of one kernel: the results.jsonl files
# that follow (one per bench VM) and the run descriptions bench/run-bench.sh
# wrote for them (NAME.run.json: start, wall time, commit). Every ratio is
# taken within one kernel's runs, i.e. within one VM boot: kmem_pmem's time
# over kmem's measured right after it. The default kernel (the first if not
# given) is the one the prose quotes first and whose figures are also at the
# top level of benchmarks.json (.headline, .derived), as in the one-kernel
# report. Figures missing from the input show as "n/a". Needs jq; gnuplot
# for the plot.
set -euo pipefail

out='' note='' default_kernel=''
kernels=()
declare -A files=() runfiles=()
while (($#)); do
	case $1 in
	--out) out=$2; shift 2 ;;
	--note) note=$2; shift 2 ;;
	--default-kernel) default_kernel=$2; shift 2 ;;
	--kernel) kernels+=("$2"); files[$2]=''; runfiles[$2]=''; shift 2 ;;
	--run)
		((${#kernels[@]})) || { echo "report.sh: --run before --kernel" >&2; exit 2; }
		runfiles[${kernels[-1]}]+="$2"$'\n'; shift 2 ;;
	-*) echo "report.sh: unknown option $1" >&2; exit 2 ;;
	*)
		((${#kernels[@]})) || { echo "report.sh: $1 before --kernel" >&2; exit 2; }
		files[${kernels[-1]}]+="$1"$'\n'; shift ;;
	esac
done
[[ -n $out && ${#kernels[@]} -gt 0 ]] || { sed -n 's/^# \{0,1\}//; 14,15p' "$0" >&2; exit 2; }
mkdir -p "$out"
here=$(cd "$(dirname "$0")" && pwd)
nk=${#kernels[@]}
di=0
for ((i = 0; i < nk; i++)); do
	[[ ${kernels[i]} == "$default_kernel" ]] && di=$i
done

# --- aggregate -----------------------------------------------------------

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
kjson=()
for ((i = 0; i < nk; i++)); do
	kjson+=("$tmp/k$i.json")
	k=${kernels[i]}
	mapfile -t f < <(printf '%s' "${files[$k]}")
	((${#f[@]})) || { echo "report.sh: no results for $k" >&2; exit 2; }
	mapfile -t r < <(printf '%s' "${runfiles[$k]}")
	if ((${#r[@]})); then
		jq -s . "${r[@]}" > "$tmp/runs.json"
	else
		echo '[]' > "$tmp/runs.json"
	fi
	cat "${f[@]}" | jq -s --arg kernel "$k" --argjson runs "$(< "$tmp/runs.json")" \
		-f "$here/aggregate.jq" > "$tmp/k$i.json"
done
jq -s --arg note "$note" --argjson di "$di" '
	{
		meta: {note: (if $note == "" then null else $note end),
		       default_kernel: .[$di].meta.kernel,
		       kernels: map(.meta.kernel)},
		# the default kernel'"'"'s, as in a one-kernel report
		headline: .[$di].headline,
		derived: .[$di].derived,
		kernels: .
	}' "${kjson[@]}" > "$out/benchmarks.json.tmp"
mv "$out/benchmarks.json.tmp" "$out/benchmarks.json"

# How the tables show a number: three significant digits or so.
fmt_jq='def fmt:
	if type != "number" then tostring
	elif . == 0 then "0"
	elif fabs >= 100 then round | tostring
	elif fabs >= 10 then . * 10 | round / 10 | tostring
	elif fabs >= 1 then . * 100 | round / 100 | tostring
	elif fabs >= 0.01 then . * 1000 | round / 1000 | tostring
	else . * 100000 | round / 100000 | tostring end;'

# Every scalar of each kernel's figures except the raw ones, by index and
# path ("1.derived.cycle.ratio_volatile.median"): V formatted, R as is.
declare -A V R
while IFS=$'\t' read -r k f r; do
	V[$k]=$f
	R[$k]=$r
done < <(jq -r "$fmt_jq"'
	.kernels | to_entries[] | .key as $i | .value | del(.figures) |
	paths(scalars) as $p | getpath($p) as $x |
	"\($i).\($p | map(tostring) | join("."))\t\($x | fmt)\t\($x)"
' "$out/benchmarks.json")

# v KEY: a formatted figure, or n/a.
v() {
	local x=${V[$1]:-}
	[[ -n $x && $x != null ]] && echo "$x" || echo "n/a"
}

# has KEY: is the figure there?
has() {
	local x=${R[$1]:-}
	[[ -n $x && $x != null ]]
}

# mm KEY: "min / median" of a stats object.
mm() {
	echo "$(v "$1.min") / $(v "$1.median")"
}

# pct KEY: a fraction as a percentage.
pct() {
	local x=${R[$1]:-}
	[[ -n $x && $x != null ]] && awk -v x="$x" 'BEGIN { printf "%.2f %%", x * 100 }' || echo "n/a"
}

# verdict KEY LIMIT: whether a figure is at most LIMIT.
verdict() {
	local x=${R[$1]:-}
	[[ -n $x && $x != null ]] || { echo "not measured"; return; }
	awk -v x="$x" -v l="$2" 'BEGIN { print (x <= l ? "met" : "not met") }'
}

# series I: "6.12" of kernel I.
series() {
	sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p' <<< "${kernels[$1]}"
}

# label I: the kernel's column heading.
label() {
	local l=${kernels[$1]}
	(($1 == di && nk > 1)) && l+=" (default)"
	echo "$l"
}

# row LABEL CELL ARGS...: a table row, CELL I ARGS... giving each kernel's cell.
row() {
	local lbl=$1 cell=$2 i line
	shift 2
	line="| $lbl |"
	for ((i = 0; i < nk; i++)); do
		line+=" $("$cell" "$i" "$@") |"
	done
	echo "$line"
}

# head LABEL: a table's heading row, one column per kernel.
head_row() {
	local i line="| $1 |" sep="|---|"
	for ((i = 0; i < nk; i++)); do
		line+=" $(label "$i") |"
		sep+="---|"
	done
	printf '%s\n%s\n' "$line" "$sep"
}

# Cells. c_v I PATH: one figure. c_pair I A B: "A / B".
c_v() { v "$1.$2"; }
c_pair() { echo "$(v "$1.$2") / $(v "$1.$3")"; }
c_pct_pair() { echo "$(pct "$1.$2") / $(pct "$1.$3")"; }
# c_ratio I OURS KMEM RATIO: "ours / kmem s = **ratio**" (medians).
c_ratio() {
	echo "$(v "$1.$2.median") / $(v "$1.$3.median") s = **$(v "$1.$4.median")**"
}
# c_target I: the back-without-scrub ratio against its target (issue 10: at
# most 1.0 on 6.12 and 7.3).
c_target() {
	echo "$(c_ratio "$1" derived.cycle.ours_persistent_noscrub derived.cycle.kmem_persistent derived.cycle.ratio_persistent_noscrub) (≤ 1.0: $(verdict "$1.derived.cycle.ratio_persistent_noscrub.median" 1.0))"
}
# c_step I DRIVER STEP: a traced step of the back direction: "S s (C calls,
# p50 P ms)".
c_step() {
	local k=$1.derived.back.$2.$3
	has "$k.s" || { echo "not traced"; return; }
	case ${R[$k.calls]} in
	0) echo "0 (not called)" ;;
	1) echo "$(v "$k.s") s (1 call)" ;;
	*) echo "$(v "$k.s") s ($(v "$k.calls") calls, p50 $(v "$k.p50_ms") ms)" ;;
	esac
}
# c_slow I DRIVER STEP: the calls of a step over 1 ms: "N (S s)".
c_slow() {
	local k=$1.derived.back.$2.$3
	has "$k.over1ms_calls" || { echo "not traced"; return; }
	echo "$(v "$k.over1ms_calls") ($(v "$k.over1ms_s") s)"
}
c_rest() {
	local k=$1.derived.back.$2
	has "$k" && echo "$(v "$k") s" || echo "not traced"
}
# c_offline I: offline_pages() per block, p50: kmem_pmem / kmem.
c_offline() {
	local k=$1.derived.back
	echo "$(v "$k.ours.offline_pages.p50_ms") / $(v "$k.kmem.offline_pages.p50_ms") ms"
}
# c_range I STATS: "median (min–max)".
c_range() {
	echo "$(v "$1.$2.median") ($(v "$1.$2.min")–$(v "$1.$2.max"))"
}
c_bw() {
	echo "$(v "$1.derived.bw.ours.$2_ratio.median") / $(v "$1.derived.bw.kmem.$2_ratio.median")"
}
c_flat() {
	local d=$1.derived.scaling
	has "$d.max_n" || { echo "not run"; return; }
	echo "$(v "$d.flatness_volatile") / $(v "$d.flatness_persistent") / $(v "$d.flatness_persistent_noscrub") (N = $(v "$d.max_n"))"
}
# c_sum I STATS...: "a + b + c s", medians.
c_sum() {
	local i=$1 k out=''
	shift
	for k; do
		out+="${out:+ + }$(v "$i.$k.median")"
	done
	echo "$out s"
}
c_single() {
	echo "$(v "$1.derived.single.ours_volatile.median") / $(v "$1.derived.single.ours_persistent.median")"
}

# list_k CELL ARGS...: "6.1 X, 6.12 Y and 7.3 Z" for prose.
list_k() {
	local cell=$1 i out=''
	shift
	for ((i = 0; i < nk; i++)); do
		((i == 0)) || { ((i == nk - 1)) && out+=" and " || out+=", "; }
		out+="$(series "$i") $("$cell" "$i" "$@")"
	done
	echo "$out"
}

# The kernel whose scaling run the plot shows: the default one if it has
# one, else the newest that has.
si=-1
for ((i = 0; i < nk; i++)); do
	has "$i.derived.scaling.max_n" && si=$i
done
has "$di.derived.scaling.max_n" && si=$di

# --- scaling plot ----------------------------------------------------------

plot=no
if ((si >= 0)) && command -v gnuplot > /dev/null; then
	dat=$tmp/scaling.dat
	jq -r --argjson i "$si" '.kernels[$i].derived.scaling as $s | $s.steps[] |
		[.n, .volatile_ms_per_section, .persistent_ms_per_section,
		 .persistent_noscrub_ms_per_section, .dram_mib,
		 ($s.kmem_mib_per_section * .n), $s.guest_node0_mib] | map(. // "NaN") | @tsv' \
		"$out/benchmarks.json" > "$dat"
	gnuplot <<-EOF
		set terminal pngcairo size 1200,540 font "sans,11" noenhanced
		set output "$out/benchmarks-scaling.png"
		set multiplot layout 1,2 title "kmem_pmem on ${kernels[si]}: N sections of 128 MiB made RAM and back in one write each (QEMU/TCG guest, 2 GiB DRAM)"
		set logscale x 2
		set xrange [0.7:3000]
		set xtics ("1" 1, "8" 8, "64" 64, "512" 512, "2047" 2047)
		set grid
		set xlabel "N, sections moved in one write"

		set title "time per section: flat or falling = linear"
		set ylabel "ms per section (median)"
		set yrange [0:*]
		set key top right
		plot "$dat" using 1:3 with linespoints lw 2 pt 5 title "back: offline + remove + scrub", \
		     "$dat" using 1:4 with linespoints lw 2 pt 9 title "back without the scrub", \
		     "$dat" using 1:2 with linespoints lw 2 pt 7 title "to RAM: hot-add + online"

		set title "DRAM spent on struct pages and the rest of the hot-add"
		set ylabel "MiB of node 0"
		set logscale y 10
		set yrange [0.01:20000]
		set format y "%g"
		set key top left Left reverse
		plot "$dat" using 1:7 with lines lw 2 lc rgb "red" title "all of the guest's DRAM", \
		     "$dat" using 1:6 with linespoints lw 2 pt 4 dt 2 lc rgb "gray40" title "kmem, $(v "$si.derived.scaling.kmem_mib_per_gib") MiB/GiB (not run: would not fit)", \
		     "$dat" using 1:5 with linespoints lw 2 pt 7 lc rgb "dark-green" title "kmem_pmem, measured"
		unset multiplot
	EOF
	plot=yes
fi

# --- Markdown ----------------------------------------------------------------

# The runs: kernel, bench VM, start, wall time, commit.
runs_table() {
	local i n
	echo "| kernel | bench VM | started (UTC) | wall time | host: other VMs, load at start → end | commit |"
	echo "|---|---|---|---|---|---|"
	for ((i = 0; i < nk; i++)); do
		n=$(jq -r --argjson i "$i" '.kernels[$i].meta.runs | length' "$out/benchmarks.json")
		if ((n == 0)); then
			echo "| ${kernels[i]} | (not recorded) | | | | |"
			continue
		fi
		jq -r --argjson i "$i" '.kernels[$i].meta.runs[] |
			"| \(.kernel) | \(.vm) | \(.started | sub("T"; " ") | sub("Z$"; "")) | \(.wall_s) s | \(if .other_vms == null then "" else "\(.other_vms), \(.host_load[0]) → \(.host_load[1])" end) | \(.commit)\(if .committed then "" else " + uncommitted changes" end) |"' \
			"$out/benchmarks.json"
	done
}

d=derived
D=$di.derived
{
	cat <<-EOF
	# Benchmarks: kmem_pmem against the kernel's kmem

	Generated by \`make bench KVER=...\` (bench/run-bench.sh, bench/report.sh) from the raw figures
	of QEMU/TCG boots of the test VM (tests/README.md: 2 CPUs, 2 GiB of DRAM on node 0, an NVDIMM
	on the CPU-less node 1, backed by a sparse file), one set per kernel: \`bench/guest-compare.sh\`
	runs both drivers on one 4 GiB device, \`bench/guest-scaling.sh\` runs kmem_pmem on a 256 GiB
	device. Each kernel is a column (or a row) of the tables below; every kmem_pmem time is given
	with kmem's, measured in the same boot right after it, and their ratio. Every figure: min /
	median over the repetitions (count in brackets). TCG timings are noisy and far slower than
	hardware: compare figures of the same boot, i.e. the ratios, not the absolute times, and not
	times across kernels. The raw figures are in \`benchmarks.json\` (\`kernels[].figures\`).
	\`make bench-report\` remakes this page from the last passing run of each bench VM on each
	kernel (build/bench/KVER/); \`make check T=bench-smoke\` runs the same measuring code on a small
	device.
	EOF
	[[ -n $note ]] && printf '\n%s\n' "$note"

	cat <<-EOF

	## Runs

	EOF
	runs_table

	cat <<-EOF

	## Headline

	Medians; "a / b s = **r**": kmem_pmem's time, kmem's in the same boot, and their ratio taken per
	repetition.

	EOF
	head_row "figure"
	row "whole device to RAM" c_ratio $d.cycle.ours_volatile $d.cycle.kmem_volatile $d.cycle.ratio_volatile
	row "whole device back (kmem_pmem scrubs, kmem does not)" c_ratio $d.cycle.ours_persistent $d.cycle.kmem_persistent $d.cycle.ratio_persistent
	row "whole device back, without kmem_pmem's scrub" c_target
	row "offline + remove of one section in that back, p50 ms (kprobes)" c_v $d.cycle.ours_remove_p50_ms.median
	row "offline of one block, offline_pages() p50: kmem_pmem / kmem" c_offline
	row "DRAM spent by the hot-add, MiB per GiB: kmem_pmem / kmem" c_pair $d.dram.ours.median $d.dram.kmem.median
	row "RAM provided, fraction of the device: kmem_pmem / kmem" c_pct_pair $d.capacity.ours.ram_frac $d.capacity.kmem.ram_frac
	row "one section to RAM / back (with the scrub), ms p50" c_single
	row "per-section cost at the largest N over N = 8: to RAM / back / back without the scrub" c_flat
	row "pmem node / node 0 read bandwidth: kmem_pmem / kmem" c_bw read
	row "pmem node / node 0 chase latency: kmem_pmem / kmem" c_bw chase
	row "persistent section mapped, write / read bandwidth: kmem_pmem's device-dax instance / the kernel's device-dax" c_pair $d.devdax.write_mibs_ratio.median $d.devdax.read_mibs_ratio.median

	cat <<-EOF

	Reading it:

	- **Struct pages cost kmem_pmem no DRAM.** The $(list_k c_v $d.dram.ours.median) MiB/GiB it
	  does spend is what any hot-add costs (memory block devices, resources, page tables of the
	  direct map); kmem pays the same on top of its 16 MiB/GiB of struct pages. In exchange
	  kmem_pmem keeps those struct pages in the pmem: $(pct $D.capacity.ours.memmap_frac) of the
	  device is not RAM.
	- **Back costs more because kmem_pmem scrubs and kmem does not.** Making a section persistent
	  reads all of it and zeroes every page that is not zero, so no volatile data becomes readable
	  as persistent data; kmem hands the old RAM contents back as they are. Under TCG the scrub runs
	  at the emulator's memory read speed ($(list_k c_v $d.cycle.scrub_gib_per_s) GiB/s here); on
	  hardware it is a read of the medium at its bandwidth.
	- **Back without the scrub** is the driver's own cost: kmem_pmem's over kmem's
	  $(list_k c_range $d.cycle.ratio_persistent_noscrub) (median of the per-repetition ratios,
	  their range in brackets). Both drivers offline the same $(v $D.capacity.kmem_blocks) blocks
	  with the same kernel function, offline_pages() ($(list_k c_offline) per block, p50,
	  kmem_pmem / kmem), the largest part of either back; what each spends around it, per section
	  or block, is $(list_k c_pair $d.back.ours_outside_offline_ms $d.back.kmem_outside_offline_ms) ms
	  (kmem_pmem / kmem). kmem_pmem removes one section per offline_and_remove_memory() call, in a
	  worker with a deadline; a bulk move takes up to 16 sections out back to back before it
	  scrubs them, so the memory hotplug lock's RCU grace period is paid once per batch rather
	  than after every scrub. kmem writes each block's memoryN/state from user space, removes its whole range in
	  one call, and device_dax binds again. Where the rest goes, step by step: next section.
	- **Access is plain RAM for both drivers**: pmem node over node 0, read bandwidth
	  $(list_k c_bw read) (kmem_pmem / kmem). What differs from 1 comes with the emulation (the
	  NVDIMM is a file mapping on the host, node 0 anonymous memory) and shows with either driver.
	- **TCG noise**: offlining memory waits for work on every CPU, and the guest's two vCPU threads
	  share the host's cores with other VMs, so one block's offline (memoryN/state) took from
	  $(v $D.single.kmem_offline.min) to $(v $D.single.kmem_offline.max) ms with kmem and
	  $(v $D.single.ours_offline.min) to $(v $D.single.ours_offline.max) ms with kmem_pmem on
	  $(series $di), for the same work. Whole-device times vary by up to 2× between boots: read
	  the ratios of one boot, not times across kernels.

	## Where the time of "back" goes

	Kprobes (tracefs) on the driver's steps and on the kernel's memory hotplug functions during the
	whole-device writes of the table below; per kernel the median over the repetitions of each
	step's total seconds in one whole-device back, with its calls and its median time per section
	or block. Nested rows are inside the row above them. kmem_pmem removes the sections before it
	scrubs them (the scrub is left out here; it is in the next table).

	EOF
	head_row "s in one whole-device back (median)"
	row "**kmem_pmem**, back without the scrub" c_v $d.cycle.ours_persistent_noscrub.median
	row "— offline + remove: kmp_remove_section()" c_step ours remove
	row "— — offline_and_remove_memory()" c_step ours offline_and_remove_memory
	row "— — — offline_pages(), per block" c_step ours offline_pages
	row "— — — arch_remove_memory()" c_step ours arch_remove_memory
	row "— — — the rest of offline_and_remove_memory()" c_rest ours_hotplug_rest_s
	row "— — the worker and its deadline around it" c_rest ours_worker_s
	row "— waiting for mem_hotplug_lock: percpu_down_write()" c_step ours percpu_down_write
	row "— — of which calls over 1 ms: an RCU grace period (cold lock)" c_slow ours percpu_down_write
	row "— table records: kmp_meta_record()" c_step ours record
	row "— synchronize_srcu()" c_step ours synchronize_srcu
	row "— the rest of the write" c_rest ours_rest_s
	row "**kmem**, back" c_v $d.cycle.kmem_persistent.median
	row "— offline_pages(), per block (memoryN/state writes)" c_step kmem offline_pages
	row "— remove_memory() (unbind kmem)" c_step kmem remove_memory
	row "— — arch_remove_memory()" c_step kmem arch_remove_memory
	row "— waiting for mem_hotplug_lock: percpu_down_write()" c_step kmem percpu_down_write
	row "— — of which calls over 1 ms: an RCU grace period (cold lock)" c_slow kmem percpu_down_write
	row "— the rest: sysfs writes, unbind, device_dax's bind" c_rest kmem_rest_s
	row "outside offline_pages(), ms per section (block): kmem_pmem / kmem" c_pair $d.back.ours_outside_offline_ms $d.back.kmem_outside_offline_ms

	cat <<-EOF

	Steps: kmp_remove_section() is kmem_pmem's offline+remove of one section
	(kmp_offline_and_remove(): offline_and_remove_memory() in a worker, with a deadline); a bulk
	move takes up to 16 sections out back to back, then scrubs and records them one by one.
	offline_pages() is the kernel's offline of one memory block (migration, draining the
	per-CPU lists, the zone's contiguity scan), the same function under either driver: it compares
	like with like. percpu_down_write() is the write side of mem_hotplug_lock (any percpu rwsem,
	in practice that one here), which waits for an RCU grace period when the lock has been idle
	for one (its rcu_sync gone cold): the calls over 1 ms are those waits. kmem's offlines follow
	each other, so it waits once per back; kmem_pmem's removals of a batch follow each other, but
	the scrubs of a batch let the lock go cold before the next batch. kmp_meta_record() writes and flushes
	both copies of the on-media table once per section made persistent. "The rest" is what the
	traced steps leave: the write's parsing, locking and state changes (and the probes
	themselves), for kmem the sysfs writes, the unbind and device_dax's bind.
	EOF

	cat <<-EOF

	## Whole device to RAM and back

	| s, min / median | kernel | kmem_pmem | kmem | ratio kmem_pmem/kmem, min / median (per run) |
	|---|---|---|---|---|
	EOF
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.cycle
		echo "| to RAM (hot-add + online) [$(v $c.ours_volatile.count) runs] | ${kernels[i]} | $(mm $c.ours_volatile) | $(mm $c.kmem_volatile) | $(mm $c.ratio_volatile) |"
	done
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.cycle
		echo "| back (offline + remove, + scrub for kmem_pmem) | ${kernels[i]} | $(mm $c.ours_persistent) | $(mm $c.kmem_persistent) | $(mm $c.ratio_persistent) |"
	done
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.cycle
		echo "| — of which kmem_pmem's scrub | ${kernels[i]} | $(mm $c.ours_scrub) | — (kmem never scrubs) | |"
	done
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.cycle
		echo "| back without the scrub | ${kernels[i]} | $(mm $c.ours_persistent_noscrub) | $(mm $c.kmem_persistent) | $(mm $c.ratio_persistent_noscrub) |"
	done
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.cycle
		echo "| per section, ms: offline + remove; scrub (kprobes, median of the runs' medians) | ${kernels[i]} | $(v $c.ours_remove_p50_ms.median); $(v $c.ours_scrub_p50_ms.median) | offline $(v $c.kmem_offline_per_block_ms) + remove $(v $c.kmem_remove_per_block_ms) (per block, from the totals) | |"
	done
	for ((i = 0; i < nk; i++)); do
		echo "| kmem through daxctl reconfigure-device [$(v $i.$d.daxctl.volatile.count)] | ${kernels[i]} | | to RAM $(mm $i.$d.daxctl.volatile); back $(mm $i.$d.daxctl.persistent) | |"
	done

	cat <<-EOF

	Method: auto_online_blocks=online_movable for both, so the kernel onlines in both cases (each
	driver at its fastest); timed with bash's \$EPOCHREALTIME around the writes. kmem_pmem: one
	\`echo all > volatile\`, one \`echo all > persistent\` (offline, remove, zero every page that
	is not zero yet, record). kmem (sysfs, what daxctl does without its process and sysfs scans):
	to RAM = unbind device_dax + bind kmem (medians: $(list_k c_sum $d.cycle.kmem_unbind_devdax $d.cycle.kmem_add_online));
	back = write \`offline\` to each block's memoryN/state in address order + unbind kmem (remove)
	+ bind device_dax, so the pmem is usable as pmem again ($(list_k c_sum $d.cycle.kmem_offline $d.cycle.kmem_remove $d.cycle.kmem_bind_devdax)).
	The scrub time is the sum of kmp_scrub_section()'s durations from kprobes (tracefs) during the
	same write. Ratios are taken per run (kmem_pmem's run and the kmem run that follows it) and then
	summarised. daxctl: auto_online_blocks=offline (daxctl refuses to run otherwise) and daxctl
	onlines the blocks itself; \`--mode=devdax --force\` back. A warm-up cycle runs first: the first
	pass over the sparse backing file costs the host a page fault per page, which is an artefact of
	the emulation.

	## DRAM spent by the hot-add

	| kernel | kmem_pmem, KiB of node 0 (min / median) | kmem, KiB | kmem_pmem, MiB per GiB | kmem, MiB per GiB | device_dax's own memmap, KiB |
	|---|---|---|---|---|---|
	EOF
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.dram
		echo "| ${kernels[i]} [$(v $c.ours_kib.count)] | $(mm $c.ours_kib) | $(mm $c.kmem_kib) | $(mm $c.ours) | $(mm $c.kmem) | $(v $c.device_dax_kib) |"
	done
	cat <<-EOF

	Of which struct pages, expected: none for kmem_pmem (they are in the section), 16 MiB/GiB for
	kmem (64 B per 4 KiB page). Method: auto_online_blocks=offline, so the reading is taken after the
	hot-add and before any onlining (onlining resizes the per-CPU page lists and blurs a naive
	MemFree delta); node 0's free pages counted from /proc/zoneinfo *including* the per-CPU lists;
	page cache dropped first. kmem_pmem: bound with initial_mode=persistent, \`echo all >
	volatile\`. kmem: the device is first unbound from device_dax and only then read "before", then
	bound to kmem (sysfs new_id, what daxctl reconfigure-device --no-online does): the device-dax
	driver's own ZONE_DEVICE memmap (last column: while the device is bound to device_dax, which
	kmem_pmem never is) is left out of the kmem figure. Per GiB of the memory blocks hot-added
	($(v $D.capacity.ours_sections) and $(v $D.capacity.kmem_blocks) blocks of 128 MiB).

	## RAM provided and capacity lost (fractions of the $(v $D.capacity.device_gib) GiB device)

	| kernel | RAM provided (node MemTotal): kmem_pmem / kmem | lost to memory-block alignment: kmem_pmem / kmem | lost to struct pages kept in the pmem: kmem_pmem |
	|---|---|---|---|
	EOF
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.capacity
		echo "| ${kernels[i]} | $(pct $c.ours.ram_frac) / $(pct $c.kmem.ram_frac) | $(pct $c.ours.align_frac) / $(pct $c.kmem.align_frac) | $(pct $c.ours.memmap_frac) |"
	done
	cat <<-EOF

	Method: every section/block online (auto_online_blocks=online_movable); node MemTotal over the
	dax device's size (/sys/bus/dax/devices/daxX.Y/size). Alignment (the unaligned head and tail):
	kmem_pmem's unaligned_bytes; kmem: the device less its whole memory blocks (dax_kmem_range()).
	Struct pages (2 MiB per 128 MiB section; kmem keeps them in DRAM instead): hot-added blocks less
	MemTotal. kmem_pmem's on-media table costs nothing: it lives in the unaligned head.

	## Single-section moves

	| ms [samples] | kernel | p50 | p99 | min | max |
	|---|---|---|---|---|---|
	EOF
	for f in "ours_volatile:kmem_pmem \`echo i > volatile\` (record, hot-add, online)" \
		"ours_persistent:kmem_pmem \`echo i > persistent\` (offline, remove, scrub, record)" \
		"ours_online:kmem_pmem block: memoryN/state online" \
		"ours_offline:kmem_pmem block: memoryN/state offline" \
		"kmem_online:kmem block: memoryN/state online" \
		"kmem_offline:kmem block: memoryN/state offline"; do
		for ((i = 0; i < nk; i++)); do
			c=$i.$d.single.${f%%:*}
			echo "| ${f#*:} [$(v "$c.count")] | ${kernels[i]} | $(v "$c.median") | $(v "$c.p99") | $(v "$c.min") | $(v "$c.max") |"
		done
	done
	cat <<-EOF

	Method: every section in turn, one write each, all repetitions pooled; p50/p99 by nearest rank
	(with fewer than 100 samples p99 is the largest). kmem has no per-section knob: it hot-adds or
	removes its whole device; the closest analogue is offlining and onlining one of its memory
	blocks, which does not add, remove or scrub anything. The same memoryN/state writes on
	kmem_pmem's blocks compare like with like: a block with its struct pages inside it onlines and
	offlines as fast as one with them in DRAM.
	EOF

	cat <<-EOF

	## A persistent section's mapping: kmem_pmem's device-dax instance / the kernel's device-dax

	| [repetitions] | kernel | page faults, one section's data | write MiB/s | read MiB/s |
	|---|---|---|---|---|
	EOF
	for ((i = 0; i < nk; i++)); do
		c=$i.$d.devdax
		echo "| kmem_pmem [$(v $c.reps)] | ${kernels[i]} | $(v $c.ours_faults.median) | $(v $c.ours_write_mibs.median) | $(v $c.ours_read_mibs.median) |"
		echo "| device-dax | ${kernels[i]} | $(v $c.kernel_faults.median) | $(v $c.kernel_write_mibs.median) | $(v $c.kernel_read_mibs.median) |"
		echo "| **ratio** (per repetition, median) | ${kernels[i]} | **$(v $c.faults_ratio.median)** | **$(v $c.write_mibs_ratio.median)** | **$(v $c.read_mibs_ratio.median)** |"
	done
	cat <<-EOF

	Method (\`bench_devdax\`, bench/daxbench.c): kmem_pmem loaded with \`persistent_devdax=1\`,
	section 0 made volatile and persistent again, so that device_dax serves it as an instance
	of its own (struct pages in its first bytes, 2 MiB alignment); each repetition maps its
	$(list_k c_v $d.devdax.mib) MiB afresh, touches every 4 KiB once (the minor faults, one per 2 MiB
	expected), then writes and reads it sequentially with 64-bit accesses. Then the device is
	unbound and the kernel's device_dax bound to the whole of it (2 MiB alignment, struct pages
	in DRAM: \`--map=mem\`), and the same runs over section 1's range. Medians; every ratio is
	kmem_pmem's over device-dax's in the same repetition. Both are device_dax's own mmap and
	fault handlers over the same emulated NVDIMM, with one fault per 2 MiB: on hardware the
	bandwidths should be the same. Under TCG they differ by tens of percent, either way from one
	boot to the next (bench-smoke has seen 0.83–0.92), for reasons not examined here (the order of
	the two runs, the host's page cache of the NVDIMM's backing file).
	EOF

	cat <<-EOF

	## Scaling: N sections to RAM and back (256 GiB device, 2 GiB guest)
	EOF
	for ((i = 0; i < nk; i++)); do
		s=$i.$d.scaling
		has $s.max_n || continue
		cat <<-EOF

		### ${kernels[i]}

		| N | runs | to RAM, s | back, s | of which scrub, s | to RAM, ms/section | back, ms/section | back without scrub, ms/section | DRAM spent, MiB | DRAM not back after back, MiB | kmem's DRAM need, MiB |
		|---|---|---|---|---|---|---|---|---|---|---|
		EOF
		jq -r --argjson i "$i" "$fmt_jq"'.kernels[$i].derived.scaling as $s |
			($s.steps[] | . + {label: (.n | tostring)}),
			($s.first_touch // empty | . + {label: "\(.n), first touch of the backing file (not in the ratios)"}) |
			def f: if . == null then "n/a" else fmt end;
			($s.kmem_mib_per_section * .n) as $kmem |
			"| \(.label) | \(.runs) | \(.volatile_s_min | f) / \(.volatile_s | f) | \(.persistent_s_min | f) / \(.persistent_s | f) | \(.scrub_s | f) | \(.volatile_ms_per_section | f) | \(.persistent_ms_per_section | f) | \(.persistent_noscrub_ms_per_section | f) | \(.dram_mib | f) | \(.dram_left_mib | f) | \($kmem | f)\(if $kmem > $s.guest_node0_mib then ": cannot run" else "" end) |"
		' "$out/benchmarks.json"
		cat <<-EOF

		Per-section cost at N = $(v $s.max_n) over that at N = 8 (medians; 1.0 = perfectly linear,
		below 1: a fixed cost per write spread over more sections): to RAM
		$(v $s.flatness_volatile), back $(v $s.flatness_persistent), back without the scrub
		$(v $s.flatness_persistent_noscrub). The same from the kprobes, median time of one section's
		step inside the bulk write: hot-add + online $(v $s.flatness_add_p50)
		($(v $s.steps_8_add_p50) → $(v $s.steps_max_add_p50) ms), offline + remove
		$(v $s.flatness_remove_p50), scrub $(v $s.flatness_scrub_p50). A quadratic cost would show
		as a ratio near $(v $s.quadratic_ratio). kmem would need $(v $s.kmem_need_mib) MiB of DRAM
		for this device's struct pages ($(v $s.kmem_mib_per_gib) MiB per GiB, measured in the
		compare VM, × $(v $s.device_gib) GiB), more than the guest's $(v $s.guest_node0_mib) MiB on
		node 0; kmem_pmem gives its $(v $s.max_n) sections for $(v $s.max_dram_mib) MiB of DRAM.
		EOF
	done
	((si >= 0)) || printf '\nNot run on any kernel of this report.\n'
	cat <<-EOF

	kmem cannot run this device on this guest: its struct pages would take more DRAM than the
	guest has on node 0 (it runs the guest out of memory; DESIGN.md §2), and it has no unit smaller
	than its whole device, so there is no N to step through. The tables' last column is that
	arithmetic per N.

	Method: \`bench/guest-scaling.sh\`, auto_online_blocks=online_movable, sections \`a-b\` written
	to volatile then to persistent (one write each). Order: the largest N twice, then 512 twice,
	then N = 1, 8, 64 taking turns, 5 times each (1, 8, 64, 1, 8, 64, ...); each takes sections
	the step before did not use. The first run of the largest N is recorded apart: under TCG the
	first hot-add of a section writes its struct pages into a hole of the sparse backing file, which
	the host must allocate, so that run measures the emulation as much as the driver; every later
	step meets sections that have been RAM before, as on a machine that has been up for a while.
	Every scrub reads pages the host faults in from that file, at a speed set by the host's memory
	(seen: a section's scrub taking 110 ms or, while the host reclaims other VMs' memory, 440 ms):
	the scrub's cost here is the host's, and the columns without it are the driver's. DRAM: node
	0's free pages (per-CPU lists included) before and after the write to volatile, page cache
	dropped first; it includes the memory block devices, resources and direct-map page tables of
	the new RAM, not only struct pages. "Not back after back" is the same reading after the write
	to persistent: a few hundred KiB either way is noise (negative: more free after than before).
	Scrub and hot-add/remove split from the kprobes on kmp_scrub_section(), kmp_add_section(),
	kmp_remove_section().
	EOF
	[[ $plot == yes ]] && printf '\n![scaling on %s](benchmarks-scaling.png)\n' "${kernels[si]}"

	cat <<-EOF

	## 1 TiB through \`pmemctl setup\`

	| kernel, guest DRAM | sections | setup, s | DRAM, MiB | RAM on the pmem node, GiB | driver state, bytes | \`numactl --membind\` workload: read / write MiB/s, chase ns | 64 back to persistent, s | unbind, s |
	|---|---|---|---|---|---|---|---|---|
	EOF
	for ((i = 0; i < nk; i++)); do
		if ! has "$i.$d.setup1t.sections" && ! has "$i.$d.setup1t2g.sections"; then
			echo "| ${kernels[i]} | not run | | | | | | | |"
			continue
		fi
		for vm in setup1t setup1t2g; do
			s=$i.$d.$vm
			[[ $vm == setup1t ]] && ram="2 GiB" || ram="65 GiB"
			if ! has "$s.sections"; then
				echo "| ${kernels[i]}, $ram | not run | | | | | | | |"
				continue
			fi
			echo "| ${kernels[i]}, $ram | $(v $s.sections) of $(v $s.section_mib) MiB | $(v $s.setup_s) | $(v $s.dram_mib) | $(v $s.node_ram_gib) | $(v $s.driver_dram_bytes) | $(v $s.workload_read_mibs) / $(v $s.workload_write_mibs), $(v $s.workload_chase_ns) | $(v $s.persistent64_s) | $(v $s.unbind_s) |"
		done
	done
	echo
	for ((i = 0; i < nk; i++)); do
		for vm in setup1t setup1t2g; do
			s=$i.$d.$vm
			has "$s.kernfs_mib" || continue
			echo "- ${kernels[i]}, $(v $s.section_mib) MiB blocks: of the DRAM, $(v $s.kernfs_mib) MiB are the sysfs nodes of the memory block devices (slab \`kernfs_node_cache\`; \`SUnreclaim\` grew by $(v $s.sunreclaim_kib) KiB in all); node 0's \`MemFree\` alone, per-CPU lists left out, reads $(v $s.dram_memfree_mib) MiB."
		done
	done
	cat <<-EOF

	Method: \`bench/guest-setup1t.sh\` (\`make bench BENCH=setup1t\`): a 1 TiB NVDIMM on the 2 GiB
	guest (\`-cpu qemu64,phys-bits=42\`), memhp_default_state=online_movable; \`pmemctl setup
	namespace0.0\` makes it devdax with \`device_dax\` kept off it and binds kmem_pmem, which makes
	every section RAM (setup's wall time, the 8191 hot-adds and onlinings included); DRAM: node 0's
	free pages (per-CPU lists included, page cache dropped) before and after setup. Then numabench
	under \`numactl --membind\` on the pmem node (256 MiB, 3 repetitions), the last 64 sections back
	to persistent (scrubbed; \`pmemctl persistent\` keeps section 1 offline meanwhile as a hole at
	the zone's start, docs/design.md "Bulk moves": without it each section took 38–41 s, two walks
	of the whole zone's pageblocks of 19 s each), and an unbind that takes the other sections out
	of the page allocator. \`bench/guest-setup1t2g.sh\` runs the same on a guest with 65 GiB of
	DRAM, where the kernel makes 2 GiB memory blocks (x86 does from 64 GiB of boot RAM; on bare
	metal always from there): 511 sections of 2 GiB.
	Beside it: the raw-range probe of DESIGN.md §2 (1 TiB hot-added block by block without
	namespace or driver: 17 MiB of DRAM, 144 s add+online, 37 s removal); the kernel's kmem would
	need 16 GiB of DRAM for this device's struct pages (64 B per 4 KiB page), 8 times the guest's
	DRAM; \`device_dax\` alone, on the namespace made with \`--map=mem\`, 16 GiB on 6.1 and 4 GiB on
	6.12 and 7.3 (compound pages): what setup avoids.

	Where the DRAM goes: with 128 MiB blocks nearly all of it is the kernel's own, per memory block
	(about 5 KiB each: some 22 sysfs nodes of the memory block device, struct memory_block, its
	struct device's private part, the resource; \`SUnreclaim\` above) plus the direct-map page
	tables of the new RAM (2 MiB pages: each section is added, and mapped, on its own), paid by any
	driver that makes the memory RAM, kmem included; the driver's own state is the "driver state"
	column (8 bytes per section). DESIGN.md's raw-range probe reported 17 MiB for the same 1 TiB;
	read its way (node 0's \`MemFree\`, above) this run finds about what the free-page count finds,
	so that figure is not reproduced here. The 20 MiB per TiB that issue 13 asks for is below what
	the kernel itself takes for 8192 memory blocks of 128 MiB; with 2 GiB blocks (the 65 GiB rows)
	there are 16 times fewer blocks.
	EOF

	cat <<-EOF

	## Bandwidth and latency on the pmem node

	| kernel, driver | read, MiB/s: node 0 / pmem node | ratio | write, MiB/s: node 0 / pmem node | ratio | chase, ns per load: node 0 / pmem node | ratio |
	|---|---|---|---|---|---|---|
	EOF
	for ((i = 0; i < nk; i++)); do
		for drv in ours kmem; do
			b=$i.$d.bw.$drv
			[[ $drv == ours ]] && name=kmem_pmem || name=kmem
			echo "| ${kernels[i]}, $name | $(v $b.node0_read.median) / $(v $b.pmem_read.median) | $(mm $b.read_ratio) | $(v $b.node0_write.median) / $(v $b.pmem_write.median) | $(mm $b.write_ratio) | $(v $b.node0_chase.median) / $(v $b.pmem_chase.median) | $(mm $b.chase_ratio) |"
		done
	done
	cat <<-EOF

	Method: \`bench/numabench.c\` (libnuma), $(v $D.bw.reps) repetitions, nodes interleaved within
	one process: per node a buffer bound with mbind(MPOL_BIND), base pages (MADV_NOHUGEPAGE), every
	page's node checked with move_pages(); sequential 64-bit loads and stores over 256 MiB; a
	dependent-load chase through a random cycle of 64-byte lines in 64 MiB. Bandwidths are medians;
	ratio (min / median) = pmem node over node 0 in the same repetition (for latency > 1 is slower).
	Run once with every kmem_pmem section volatile and once with the device on kmem. In this VM both
	nodes are host RAM behind the same emulated memory path, so a ratio of 1 is what "the driver
	adds nothing to the access path" looks like: once onlined, a section is plain RAM in the direct
	map and the allocator, no fault, trap or copy of the driver's on the way. On hardware the ratio
	is the medium's, the same for both drivers.
	EOF
} > "$out/benchmarks.md.tmp"
mv "$out/benchmarks.md.tmp" "$out/benchmarks.md"
if [[ $plot == yes ]]; then
	echo "report: $out/benchmarks.md, $out/benchmarks.json, $out/benchmarks-scaling.png"
else
	echo "report: $out/benchmarks.md, $out/benchmarks.json (no scaling figures: no plot)"
fi
