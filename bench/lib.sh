# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# The bench's measuring code, run in the test VM: sourced after
# tests/lib/guest.sh and tests/lib/kmp.sh by the bench's guest scripts
# (bench/guest-*.sh) and by its smoke test (tests/integration/bench-smoke.sh),
# so that the smoke test runs exactly these code paths.
#
# Every figure is appended as one JSON object to $BENCH_RESULTS:
#
#	{"key":"cycle.ours.volatile_s","value":0.74,"rep":1}
#	{"key":"scaling.ours.volatile_s","value":61.2,"n":2047,"rep":1}
#	{"key":"cycle.ours.out.remove_calls","value":31,"rep":1}
#
# bench/report.sh turns those lines into docs/benchmarks.{json,md} and the
# scaling plot. Keys are <experiment>.<driver>.<figure>_<unit>, or for the
# kprobe figures of one direction of a move <experiment>.<driver>.{in,out}.
# <step>_<unit> (bench_trace_init lists the steps); the figures
# and how they are taken are listed in bench/report.sh's table and in
# docs/benchmarks.md.
#
#   bench_init DEV                 load kmem and kmem_pmem, kprobes, results file
#   bench_record KEY VALUE [N]     append one figure (N: the scaling step)
#   bench_free_pages               node 0's free pages, per-CPU lists included
#   bench_ours_bind / _unbind      DEV on kmem_pmem (initial_mode=persistent)
#   bench_kmem_bind / _unbind      DEV on the kernel's kmem, through sysfs
#   bench_dram REPS                DRAM spent on struct pages, both drivers
#   bench_capacity                 RAM provided and capacity lost, both drivers
#   bench_cycle REPS               whole device to RAM and back, both drivers
#   bench_daxctl REPS              the same for kmem through daxctl
#   bench_single REPS              single-section moves, both drivers
#   bench_bandwidth REPS MIB CMIB  numabench on node 0 and the pmem node
#   bench_scaling REPS N...        N sections to RAM and back, ours only
#
# Between experiments DEV is bound to kmem_pmem with every section
# persistent. Timings use bash's $EPOCHREALTIME around one write(2) or one
# command: no fork inside a timed region unless the figure says so.

BENCH_DEV=
BENCH_NODE=
BENCH_RESULTS=${BENCH_RESULTS:-$KMP_OUT/results.jsonl}
BENCH_TRACE=/sys/kernel/tracing
BENCH_MEM=/sys/devices/system/memory

# Microseconds since the epoch, without a fork.
bench_us() {
	local t=$EPOCHREALTIME
	echo $((10#${t/./}))
}

# bench_secs US0 US1: the seconds between two bench_us readings.
bench_secs() {
	local d=$(($2 - $1))
	printf '%d.%06d' $((d / 1000000)) $((d % 1000000))
}

# bench_ms US0 US1: the same in milliseconds.
bench_ms() {
	local d=$(($2 - $1))
	printf '%d.%03d' $((d / 1000)) $((d % 1000))
}

bench_record() {
	local key=$1 value=$2 n=${3:-}
	[[ $value =~ ^-?[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?$ ]] ||
		fail "bench: $key: not a number: '$value'"
	echo "{\"key\":\"$key\",\"value\":$value${n:+,\"n\":$n},\"rep\":${BENCH_REP:-0}}" >> "$BENCH_RESULTS"
}

# Free pages of node 0 counting the per-CPU lists: onlining memory resizes
# and drains those lists, which moves pages in and out of nr_free_pages
# without anybody allocating them.
bench_free_pages() {
	awk '/^Node / { n = ($2 == "0,") }
	     n && $1 == "nr_free_pages" { f += $2 }
	     n && $1 == "count:" { f += $2 }
	     END { print f }' /proc/zoneinfo
}

# Settle node 0 before a DRAM reading: drop clean caches, then run the
# commands used between readings once (awk, cat, seq, wc), so that their
# page cache is counted before, not as spent.
bench_settle() {
	sync
	echo 3 > /proc/sys/vm/drop_caches
	bench_free_pages > /dev/null
	kmp_count "$(cat /dev/null)0-1" > /dev/null
}

bench_init() {
	BENCH_DEV=$1
	mkdir -p "$(dirname "$BENCH_RESULTS")"
	: > "$BENCH_RESULTS"
	require_module kmem
	modprobe dax
	[[ -e /sys/module/kmem_pmem ]] || kmp_load initial_mode=persistent ||
		fail "cannot load kmem_pmem.ko"
	[[ $(< /sys/module/kmem_pmem/parameters/initial_mode) == persistent ]] ||
		fail "kmem_pmem is loaded without initial_mode=persistent"
	[[ $(uname -r) == "${KVER:-$(uname -r)}" ]] ||
		fail "booted $(uname -r), but the bench was asked for $KVER"
	BENCH_NODE=$(< "/sys/bus/dax/devices/$BENCH_DEV/target_node")
	mapfile -t BENCH_KMEM_BLOCKS < <(bench_kmem_blocks)
	bench_trace_init
	bench_ours_bind
	[[ $(kmp_get "$BENCH_DEV" memmap) == pmem ]] ||
		fail "kmem_pmem cannot keep struct pages in the pmem (memmap: $(kmp_get "$BENCH_DEV" memmap))"
	bench_record device.bytes "$(< "/sys/bus/dax/devices/$BENCH_DEV/size")"
	bench_record device.section_bytes "$(kmp_get "$BENCH_DEV" section_size)"
	bench_record device.sections "$(kmp_get "$BENCH_DEV" sections)"
	bench_record device.node "$BENCH_NODE"
	bench_record guest.node0_kib "$(kmp_node_kib 0 MemTotal)"
}

# bench_step MSG: narrate, with the seconds since the script started.
bench_step() {
	step "$* (at ${SECONDS} s)"
}

# --- kprobes: where the time of a move goes ------------------------------

# Entry and return probes, each a "step" of the trace: the driver's
# per-section steps and the kernel's memory hotplug functions under them,
# so that a bulk move (kmem_pmem's or kmem's) can be split into hot-add,
# online, offline, remove, the table records and the scrub.
#
#   driver (kmem_pmem's functions)
#	add       kmp_add_section(): hot-add of one section (+ auto-online)
#	remove    kmp_remove_section(): offline+remove of one section
#	scrub     kmp_scrub_section()
#	record    kmp_meta_record(): the on-media table, both copies
#   kernel (any caller)
#	online_pages, offline_pages           one memory block each
#	arch_add_memory, arch_remove_memory   the direct map and memmap
#	offline_and_remove_memory, remove_memory
#	percpu_down_write   the write side of a percpu rwsem: waiting for
#	                    mem_hotplug_lock (an RCU grace period when idle)
#	synchronize_srcu    e.g. the char device's access SRCU
#
# A probe the running kernel or module cannot place (a function renamed,
# inlined or absent) is left out and said so on stderr: its figures are
# missing from the report, nothing else is. trace.<step> records which
# were placed (1) and which not (0): a step placed but never called within
# a traced write took 0 s, one not placed is unknown.
BENCH_DRIVER_PROBES="add:kmp_add_section remove:kmp_remove_section
	scrub:kmp_scrub_section record:kmp_meta_record"
BENCH_KERNEL_PROBES="online_pages offline_pages arch_add_memory arch_remove_memory
	offline_and_remove_memory remove_memory percpu_down_write synchronize_srcu"
bench_trace_init() {
	local p step fn ev=$BENCH_TRACE/kprobe_events
	[[ -w $ev ]] || mount -t tracefs nodev "$BENCH_TRACE" 2>/dev/null || true
	[[ -w $ev ]] || fail "no kprobe_events in $BENCH_TRACE"
	echo 0 > "$BENCH_TRACE/tracing_on"
	echo 8192 > "$BENCH_TRACE/buffer_size_kb"
	for p in $BENCH_DRIVER_PROBES $BENCH_KERNEL_PROBES; do
		IFS=: read -r step fn <<< "$p"
		if [[ -z $fn ]]; then
			fn=$step
		else
			fn=kmem_pmem:$fn
		fi
		if { echo "p:kmpbench/${step}_in $fn" >> "$ev" &&
			echo "r:kmpbench/${step}_out ${fn#*:}" >> "$ev"; } 2>/dev/null; then
			bench_record "trace.$step" 1
		else
			echo "bench: cannot probe ${fn#*:}: no figures for step '$step'" >&2
			echo "-:kmpbench/${step}_in" >> "$ev" 2>/dev/null || true
			bench_record "trace.$step" 0
		fi
	done
	echo 1 > "$BENCH_TRACE/events/kmpbench/enable"
}

bench_trace_start() {
	echo > "$BENCH_TRACE/trace"
	echo 1 > "$BENCH_TRACE/tracing_on"
}

# bench_trace_stop [FILE]: stop tracing and print, per step, "STEP CALLS
# SECONDS P50_MS P99_MS MAX_MS SLOW_CALLS SLOW_SECONDS" of the calls traced
# since bench_trace_start (slow: over 1 ms, e.g. a percpu_down_write() that
# waited for an RCU grace period). Calls are matched to their return by step and task.
# FILE, if given, gets every call in the order they returned: "STEP
# START_S DURATION_S" (START_S: seconds since the first traced event).
bench_trace_stop() {
	local keep=${1:-/dev/null}
	echo 0 > "$BENCH_TRACE/tracing_on"
	awk '
	{
		for (i = 1; i < NF; i++)
			if ($i ~ /^[0-9]+\.[0-9]+:$/ && $(i + 1) ~ /^[a-z_]+_(in|out):$/)
				break
		if (i == NF)
			next
		ts = substr($i, 1, length($i) - 1)
		ev = substr($(i + 1), 1, length($(i + 1)) - 1)
		pid = ""
		for (j = 2; j < i; j++)
			if ($j ~ /^\[[0-9]+\]$/) {
				pid = $(j - 1)
				sub(/.*-/, "", pid)
				break
			}
		if (t0 == "")
			t0 = ts
		if (ev ~ /_in$/) {
			start[substr(ev, 1, length(ev) - 3), pid] = ts
		} else {
			step = substr(ev, 1, length(ev) - 4)
			if ((step, pid) in start) {
				printf "%s %.6f %.9f\n", step, start[step, pid] - t0, ts - start[step, pid]
				delete start[step, pid]
			}
		}
	}' "$BENCH_TRACE/trace" | tee "$keep" | cut -d' ' -f1,3 | sort -k1,1 -k2,2g | awk '
	function flush() {
		if (n)
			printf "%s %d %.6f %.3f %.3f %.3f %d %.6f\n", step, n, sum,
				v[int((n * 50 + 99) / 100)] * 1e3, v[int((n * 99 + 99) / 100)] * 1e3, v[n] * 1e3,
				slow, slowsum
		n = 0
		sum = 0
		slow = 0
		slowsum = 0
	}
	$1 != step { flush(); step = $1 }
	{ v[++n] = $2; sum += $2 }
	$2 > 0.001 { slow++; slowsum += $2 }
	END { flush() }'
}

# bench_trace_record PREFIX [N]: record the traced steps as
# PREFIX.<step>_s (their total), PREFIX.<step>_calls,
# PREFIX.<step>_p50_ms etc. (per call) and PREFIX.<step>_over1ms_{calls,s}. With BENCH_TRACE_KEEP=DIR every
# call is also kept, in DIR/PREFIX[.N].REP.calls (bench_trace_stop).
bench_trace_record() {
	local prefix=$1 n=${2:-} step calls secs p50 p99 max slow slow_s keep=/dev/null
	if [[ -n ${BENCH_TRACE_KEEP:-} ]]; then
		mkdir -p "$BENCH_TRACE_KEEP"
		keep=$BENCH_TRACE_KEEP/$prefix${n:+.$n}.${BENCH_REP:-0}.calls
	fi
	while read -r step calls secs p50 p99 max slow slow_s; do
		bench_record "$prefix.${step}_s" "$secs" "$n"
		bench_record "$prefix.${step}_calls" "$calls" "$n"
		bench_record "$prefix.${step}_p50_ms" "$p50" "$n"
		bench_record "$prefix.${step}_p99_ms" "$p99" "$n"
		bench_record "$prefix.${step}_max_ms" "$max" "$n"
		bench_record "$prefix.${step}_over1ms_calls" "$slow" "$n"
		bench_record "$prefix.${step}_over1ms_s" "$slow_s" "$n"
	done < <(bench_trace_stop "$keep")
}

# --- binding the device to either driver --------------------------------

bench_ours_bind() {
	kmp_bind "$BENCH_DEV" || fail "cannot bind $BENCH_DEV to kmem_pmem"
	[[ -z $(kmp_get "$BENCH_DEV" volatile) ]] || fail "$BENCH_DEV bound with volatile sections"
}

# bench_ours_set FILE LIST: kmp_set without a fork, for timed writes.
bench_ours_set() {
	echo "$2" > "/sys/bus/dax/devices/$BENCH_DEV/kmem_pmem/$1"
}

bench_ours_unbind() {
	kmp_unbind "$BENCH_DEV"
	[[ ! -e /sys/bus/dax/devices/$BENCH_DEV/driver ]] || fail "$BENCH_DEV still bound"
}

# The memory blocks kmem hot-adds for DEV: the device's range shrunk to
# whole memory blocks, as dax_kmem_range() does.
bench_kmem_blocks() {
	local start size bs first end
	start=$(($(< "/sys/bus/dax/devices/$BENCH_DEV/resource")))
	size=$(< "/sys/bus/dax/devices/$BENCH_DEV/size")
	bs=$((16#$(< "$BENCH_MEM/block_size_bytes")))
	first=$(((start + bs - 1) / bs))
	end=$(((start + size) / bs))
	seq "$first" $((end - 1))
}

# bench_kmem_bind: DEV (unbound) to kmem, through sysfs as daxctl does it.
# Whether its blocks come online is the auto_online_blocks policy.
bench_kmem_bind() {
	if ! echo "$BENCH_DEV" > /sys/bus/dax/drivers/kmem/new_id 2>/dev/null; then
		echo "$BENCH_DEV" > /sys/bus/dax/drivers/kmem/bind ||
			fail "cannot bind $BENCH_DEV to kmem"
	fi
	[[ -e /sys/bus/dax/drivers/kmem/$BENCH_DEV ]] || fail "$BENCH_DEV did not bind to kmem"
}

# bench_kmem_offline: offline kmem's blocks in address order (daxctl's
# order). No fork per block: the loop may be timed.
bench_kmem_offline() {
	local b st
	for b in "${BENCH_KMEM_BLOCKS[@]}"; do
		read -r st < "$BENCH_MEM/memory$b/state"
		[[ $st == online ]] || continue
		echo offline > "$BENCH_MEM/memory$b/state" || fail "cannot offline memory$b"
	done
}

# bench_kmem_unbind: unbind kmem (it removes its memory), then check that it
# did, outside any timed region: bench_kmem_unbind_only is the timed part.
bench_kmem_unbind_only() {
	echo "$BENCH_DEV" > /sys/bus/dax/drivers/kmem/unbind
}

bench_kmem_check_removed() {
	! grep -q "System RAM (kmem)" /proc/iomem ||
		fail "kmem left its memory behind (blocks still online?)"
}

bench_kmem_unbind() {
	bench_kmem_unbind_only
	bench_kmem_check_removed
}

# From kmem_pmem (all persistent) to kmem and back, for kmem's figures.
bench_ours_to_unbound() {
	bench_ours_unbind
}

bench_unbound_to_ours() {
	bench_ours_bind
}

# --- experiments ---------------------------------------------------------

# DRAM spent when the whole device is hot-added, measured as node 0's free
# pages before and after the hot-add with auto-onlining off (so the
# reading is not blurred by onlining), per GiB of memory hot-added.
bench_dram() {
	local reps=$1 r f0 f1 nblocks bs kib gib
	bs=$(kmp_get "$BENCH_DEV" section_size)
	kmp_auto_online offline
	for ((r = 1; r <= reps; r++)); do
		BENCH_REP=$r
		# ours
		nblocks=$(kmp_get "$BENCH_DEV" sections)
		bench_settle
		f0=$(bench_free_pages)
		bench_ours_set volatile all
		f1=$(bench_free_pages)
		[[ -z $(kmp_get "$BENCH_DEV" online) ]] || fail "sections onlined with auto_online_blocks=offline"
		kib=$(((f0 - f1) * 4))
		gib=$(awk -v n="$nblocks" -v b="$bs" 'BEGIN { printf "%.6f", n * b / 2^30 }')
		bench_record dram.ours.kib "$kib"
		bench_record dram.ours.mib_per_gib "$(awk -v k="$kib" -v g="$gib" 'BEGIN { printf "%.4f", k / 1024 / g }')"
		bench_ours_set persistent all

		# kmem; the device-dax memmap freed by unbinding device_dax is
		# kept out of the reading: "before" is taken unbound.
		bench_ours_to_unbound
		bench_settle
		f0=$(bench_free_pages)
		bench_kmem_bind
		f1=$(bench_free_pages)
		nblocks=${#BENCH_KMEM_BLOCKS[@]}
		kib=$(((f0 - f1) * 4))
		gib=$(awk -v n="$nblocks" -v b="$bs" 'BEGIN { printf "%.6f", n * b / 2^30 }')
		bench_record dram.kmem.kib "$kib"
		bench_record dram.kmem.mib_per_gib "$(awk -v k="$kib" -v g="$gib" 'BEGIN { printf "%.4f", k / 1024 / g }')"
		bench_kmem_unbind

		# For scale: what device_dax itself holds (its ZONE_DEVICE memmap).
		if ((r == 1)); then
			bench_settle
			f0=$(bench_free_pages)
			echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/bind
			f1=$(bench_free_pages)
			bench_record dram.device_dax.kib $(((f0 - f1) * 4))
			echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/unbind
		fi
		bench_unbound_to_ours
	done
	BENCH_REP=
}

# RAM provided: node MemTotal with every section (block) online, as a
# fraction of the device; what is lost to block alignment and to the
# struct pages kept in the pmem.
bench_capacity() {
	local dev_bytes ram_kib sections bs unaligned
	dev_bytes=$(< "/sys/bus/dax/devices/$BENCH_DEV/size")
	bs=$(kmp_get "$BENCH_DEV" section_size)
	kmp_auto_online online_movable

	bench_ours_set volatile all
	sections=$(kmp_get "$BENCH_DEV" sections)
	unaligned=$(kmp_get "$BENCH_DEV" unaligned_bytes)
	ram_kib=$(kmp_node_kib "$BENCH_NODE" MemTotal)
	bench_record capacity.ours.ram_bytes $((ram_kib * 1024))
	bench_record capacity.ours.ram_frac "$(awk -v r="$ram_kib" -v d="$dev_bytes" 'BEGIN { printf "%.6f", r * 1024 / d }')"
	bench_record capacity.ours.align_frac "$(awk -v u="$unaligned" -v d="$dev_bytes" 'BEGIN { printf "%.6f", u / d }')"
	bench_record capacity.ours.memmap_frac "$(awk -v n="$sections" -v b="$bs" -v r="$ram_kib" -v d="$dev_bytes" \
		'BEGIN { printf "%.6f", (n * b - r * 1024) / d }')"
	bench_ours_set persistent all

	bench_ours_to_unbound
	bench_kmem_bind
	ram_kib=$(kmp_node_kib "$BENCH_NODE" MemTotal)
	sections=${#BENCH_KMEM_BLOCKS[@]}
	bench_record capacity.kmem.blocks "$sections"
	bench_record capacity.kmem.ram_bytes $((ram_kib * 1024))
	bench_record capacity.kmem.ram_frac "$(awk -v r="$ram_kib" -v d="$dev_bytes" 'BEGIN { printf "%.6f", r * 1024 / d }')"
	bench_record capacity.kmem.align_frac "$(awk -v n="$sections" -v b="$bs" -v d="$dev_bytes" 'BEGIN { printf "%.6f", (d - n * b) / d }')"
	bench_record capacity.kmem.memmap_frac 0
	bench_kmem_offline
	bench_kmem_unbind
	bench_unbound_to_ours
}

# The whole device to RAM and back, kernel auto-onlining for both drivers
# (auto_online_blocks=online_movable; each driver at its fastest).
#   ours: echo all > volatile; echo all > persistent (offline, remove,
#         scrub: the scrub is also given alone, from the kprobes)
#   kmem: bind kmem (hot-add + online); offline every block, unbind kmem
#         (remove), bind device_dax (usable as pmem again)
# Each direction of each driver is traced (bench_trace_init) apart:
# cycle.{ours,kmem}.{in,out}.<step>_*.
bench_cycle() {
	local reps=$1 r t0 t1 t2 t3 t4 t5 t6 ram total
	kmp_auto_online online_movable
	total=$(($(kmp_get "$BENCH_DEV" sections)))
	for ((r = 1; r <= reps; r++)); do
		BENCH_REP=$r
		bench_trace_start
		t0=$(bench_us)
		bench_ours_set volatile all
		t1=$(bench_us)
		bench_trace_record cycle.ours.in
		[[ $(kmp_get "$BENCH_DEV" online) == "0-$((total - 1))" ]] ||
			fail "not every section online: $(kmp_get "$BENCH_DEV" online)"
		bench_trace_start
		t2=$(bench_us)
		bench_ours_set persistent all
		t3=$(bench_us)
		bench_trace_record cycle.ours.out
		bench_record cycle.ours.volatile_s "$(bench_secs "$t0" "$t1")"
		bench_record cycle.ours.persistent_s "$(bench_secs "$t2" "$t3")"

		bench_ours_to_unbound
		echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/bind
		bench_trace_start
		t0=$(bench_us)
		echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/unbind
		t1=$(bench_us)
		bench_kmem_bind
		t2=$(bench_us)
		bench_trace_record cycle.kmem.in
		ram=$(kmp_node_kib "$BENCH_NODE" MemTotal)
		((ram > 0)) || fail "kmem: node $BENCH_NODE has no memory"
		bench_trace_start
		t3=$(bench_us)
		bench_kmem_offline
		t4=$(bench_us)
		bench_kmem_unbind_only
		t5=$(bench_us)
		echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/bind
		t6=$(bench_us)
		bench_trace_record cycle.kmem.out
		bench_kmem_check_removed
		bench_record cycle.kmem.unbind_devdax_s "$(bench_secs "$t0" "$t1")"
		bench_record cycle.kmem.add_online_s "$(bench_secs "$t1" "$t2")"
		bench_record cycle.kmem.volatile_s "$(bench_secs "$t0" "$t2")"
		bench_record cycle.kmem.offline_s "$(bench_secs "$t3" "$t4")"
		bench_record cycle.kmem.remove_s "$(bench_secs "$t4" "$t5")"
		bench_record cycle.kmem.bind_devdax_s "$(bench_secs "$t5" "$t6")"
		bench_record cycle.kmem.persistent_s "$(bench_secs "$t3" "$t6")"
		echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/unbind
		bench_unbound_to_ours
	done
	BENCH_REP=
}

# kmem as administrators run it: daxctl reconfigure-device, which refuses
# to run when the kernel would auto-online and onlines the blocks itself.
bench_daxctl() {
	local reps=$1 r t0 t1 t2
	command -v daxctl > /dev/null || { echo "bench: no daxctl: skipping its figures" >&2; return 0; }
	kmp_auto_online offline
	bench_ours_to_unbound
	echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/bind
	for ((r = 1; r <= reps; r++)); do
		BENCH_REP=$r
		t0=$(bench_us)
		daxctl reconfigure-device --mode=system-ram "$BENCH_DEV" > /dev/null 2>&1 ||
			fail "daxctl reconfigure-device --mode=system-ram failed"
		t1=$(bench_us)
		daxctl reconfigure-device --mode=devdax --force "$BENCH_DEV" > /dev/null 2>&1 ||
			fail "daxctl reconfigure-device --mode=devdax failed"
		t2=$(bench_us)
		bench_record daxctl.kmem.volatile_s "$(bench_secs "$t0" "$t1")"
		bench_record daxctl.kmem.persistent_s "$(bench_secs "$t1" "$t2")"
	done
	BENCH_REP=
	echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/unbind
	bench_unbound_to_ours
}

# Single-section moves, one write each, every section in turn:
#   ours: echo i > volatile (record, hot-add, auto-online), echo i >
#         persistent (offline, remove, scrub, record); and, for the same
#         operation as kmem's, memoryN/state offline/online of our blocks
#   kmem: no per-section knob; its closest analogue is memoryN/state
#         offline/online of one block of its device
bench_single() {
	local reps=$1 r i n first t0 t1 b
	kmp_auto_online online_movable
	n=$(kmp_get "$BENCH_DEV" sections)
	first=$(kmp_get "$BENCH_DEV" first_memory_block)
	for ((r = 1; r <= reps; r++)); do
		BENCH_REP=$r
		for ((i = 0; i < n; i++)); do
			t0=$(bench_us)
			bench_ours_set volatile "$i"
			t1=$(bench_us)
			bench_record single.ours.volatile_ms "$(bench_ms "$t0" "$t1")"
		done
		for ((i = 0; i < n; i++)); do
			b=$BENCH_MEM/memory$((first + i))/state
			t0=$(bench_us)
			echo offline > "$b"
			t1=$(bench_us)
			bench_record single.ours.offline_ms "$(bench_ms "$t0" "$t1")"
			t0=$(bench_us)
			echo online_movable > "$b"
			t1=$(bench_us)
			bench_record single.ours.online_ms "$(bench_ms "$t0" "$t1")"
		done
		for ((i = 0; i < n; i++)); do
			t0=$(bench_us)
			bench_ours_set persistent "$i"
			t1=$(bench_us)
			bench_record single.ours.persistent_ms "$(bench_ms "$t0" "$t1")"
		done

		bench_ours_to_unbound
		bench_kmem_bind
		for b in "${BENCH_KMEM_BLOCKS[@]}"; do
			b=$BENCH_MEM/memory$b/state
			t0=$(bench_us)
			echo offline > "$b"
			t1=$(bench_us)
			bench_record single.kmem.offline_ms "$(bench_ms "$t0" "$t1")"
			t0=$(bench_us)
			echo online_movable > "$b"
			t1=$(bench_us)
			bench_record single.kmem.online_ms "$(bench_ms "$t0" "$t1")"
		done
		bench_kmem_offline
		bench_kmem_unbind
		bench_unbound_to_ours
	done
	BENCH_REP=
}

# bench_tool NAME [LIBS...]: bench/NAME.c built (build/bench/NAME, by
# `make numabench`) if newer than its source, else built here into /tmp.
bench_tool() {
	local name=$1 src=$KMP_REPO/bench/$1.c bin=$KMP_REPO/build/bench/$1
	shift
	if [[ -x $bin && $bin -nt $src ]]; then
		echo "$bin"
		return
	fi
	bin=/tmp/$name
	[[ -x $bin ]] || gcc -O2 -std=gnu11 -Wall -o "$bin" "$src" "$@" >&2 ||
		fail "cannot build $name"
	echo "$bin"
}

# numabench (bench/numabench.c).
bench_numabench() {
	bench_tool numabench -lnuma
}

# bench_bandwidth REPS MIB CHASE_MIB: numabench on node 0 and on the pmem
# node in one run, nodes interleaved, first with every section of ours
# volatile, then with the device on kmem.
bench_bandwidth() {
	local reps=$1 mib=$2 cmib=$3 bin drv
	bin=$(bench_numabench)
	kmp_auto_online online_movable
	for drv in ours kmem; do
		if [[ $drv == ours ]]; then
			bench_ours_set volatile all
		else
			bench_ours_to_unbound
			bench_kmem_bind
		fi
		"$bin" -s "$mib" -c "$cmib" -r "$reps" 0 "$BENCH_NODE" > /tmp/numabench.out ||
			fail "numabench failed on $drv"
		awk -v drv="$drv" -v pmem="$BENCH_NODE" -F'[:,{}]' '
		{
			for (i = 2; i < NF; i += 2)
				v[$i] = $(i + 1)
			node = v["\"node\""] == pmem ? "pmem" : "node0"
			printf "bw.%s.%s_read_mibs %s %d\n", drv, node, v["\"read_mibs\""], v["\"rep\""] + 1
			printf "bw.%s.%s_write_mibs %s %d\n", drv, node, v["\"write_mibs\""], v["\"rep\""] + 1
			printf "bw.%s.%s_chase_ns %s %d\n", drv, node, v["\"chase_ns\""], v["\"rep\""] + 1
		}' /tmp/numabench.out > /tmp/numabench.rec
		while read -r key value BENCH_REP; do
			bench_record "$key" "$value"
		done < /tmp/numabench.rec
		if [[ $drv == ours ]]; then
			bench_ours_set persistent all
		else
			bench_kmem_offline
			bench_kmem_unbind
			bench_unbound_to_ours
		fi
	done
	BENCH_REP=
}

# bench_daxbench_record WHO OUT: daxbench's lines as devdax.WHO.* figures.
bench_daxbench_record() {
	local who=$1 line rep faults w r
	while read -r line; do
		[[ $line =~ \"rep\":([0-9]+),\"faults\":([0-9]+),\"write_mibs\":([0-9.]+),\"read_mibs\":([0-9.]+) ]] ||
			fail "daxbench printed '$line'"
		rep=${BASH_REMATCH[1]} faults=${BASH_REMATCH[2]} w=${BASH_REMATCH[3]} r=${BASH_REMATCH[4]}
		BENCH_REP=$((rep + 1)) bench_record "devdax.$who.faults" "$faults"
		BENCH_REP=$((rep + 1)) bench_record "devdax.$who.write_mibs" "$w"
		BENCH_REP=$((rep + 1)) bench_record "devdax.$who.read_mibs" "$r"
	done < "$2"
}

# bench_devdax REPS: page faults and bandwidth through a mapping of one
# section's data (daxbench: a fresh mapping per repetition), first through
# the device-dax instance of a persistent section of kmem_pmem (reloaded
# with persistent_devdax=1; section 0 made volatile and back), then through
# the kernel's device_dax bound to the whole device, over section 1 (the
# table stays untouched). Both 2 MiB-aligned. Ends with kmem_pmem loaded
# as bench_init loads it and bound: run it last, section 0 stays recorded
# self-hosted.
bench_devdax() {
	local reps=$1 bin mib inst first size off dir=/sys/bus/dax/devices/$BENCH_DEV
	bin=$(bench_tool daxbench)
	bench_ours_unbind
	rmmod kmem_pmem || fail "cannot unload kmem_pmem"
	kmp_load initial_mode=persistent persistent_devdax=1 ||
		fail "cannot load kmem_pmem persistent_devdax=1"
	bench_ours_bind
	bench_ours_set volatile 0 || fail "cannot make section 0 volatile"
	bench_ours_set persistent 0 || fail "cannot make section 0 persistent again"
	[[ -L $dir/kmem_pmem/section0 ]] || fail "section 0 has no device-dax instance"
	inst=$(basename "$(readlink "$dir/kmem_pmem/section0")")
	mib=$(($(< "/sys/bus/dax/devices/$inst/size") >> 20))
	first=$(kmp_get "$BENCH_DEV" first_memory_block)
	size=$(kmp_get "$BENCH_DEV" section_size)
	off=$(((first + 1) * size - $(< "$dir/resource")))
	"$bin" "/dev/$inst" "$mib" "$reps" > /tmp/daxbench.ours ||
		fail "daxbench on kmem_pmem's /dev/$inst failed"
	bench_ours_unbind
	echo "$BENCH_DEV" > /sys/bus/dax/drivers/device_dax/bind ||
		fail "cannot bind $BENCH_DEV to device_dax"
	"$bin" "/dev/$BENCH_DEV" "$mib" "$reps" $((off >> 20)) > /tmp/daxbench.kernel ||
		fail "daxbench on the kernel's device-dax /dev/$BENCH_DEV failed"
	bench_daxbench_record ours /tmp/daxbench.ours
	bench_daxbench_record kernel /tmp/daxbench.kernel
	bench_record devdax.mib "$mib"
	rmmod kmem_pmem || fail "cannot unload kmem_pmem"
	kmp_load initial_mode=persistent || fail "cannot load kmem_pmem again"
	bench_ours_bind
}

# bench_scaling REPS N...: N sections to RAM and back (auto-onlined), ours
# only: kmem has no unit smaller than its whole device. The steps take
# turns (N1, N2, ..., N1, N2, ...) so that drift of the host hits them
# alike, and each takes sections no step used just before it, while there
# are any. Figures are recorded as $BENCH_SCALING_KEY.* (default
# scaling.ours).
BENCH_CURSOR=0
bench_scaling() {
	local reps=$1 n total r list f0 f1 f2 t0 t1 t2 t3 key=${BENCH_SCALING_KEY:-scaling.ours}
	shift
	kmp_auto_online online_movable
	total=$(kmp_get "$BENCH_DEV" sections)
	for n in "$@"; do
		((n <= total)) || fail "scaling step $n > $total sections"
	done
	for ((r = 1; r <= reps; r++)); do
		for n in "$@"; do
			BENCH_REP=$r
			((BENCH_CURSOR + n <= total)) || BENCH_CURSOR=0
			list=$BENCH_CURSOR-$((BENCH_CURSOR + n - 1))
			BENCH_CURSOR=$((BENCH_CURSOR + n))
			bench_settle
			f0=$(bench_free_pages)
			bench_trace_start
			t0=$(bench_us)
			bench_ours_set volatile "$list"
			t1=$(bench_us)
			f1=$(bench_free_pages)
			bench_trace_record "$key.in" "$n"
			[[ $(kmp_count "$(kmp_get "$BENCH_DEV" online)") == "$n" ]] ||
				fail "scaling $n: online reads '$(kmp_get "$BENCH_DEV" online)'"
			bench_trace_start
			t2=$(bench_us)
			bench_ours_set persistent "$list"
			t3=$(bench_us)
			f2=$(bench_free_pages)
			bench_trace_record "$key.out" "$n"
			bench_record "$key".volatile_s "$(bench_secs "$t0" "$t1")" "$n"
			bench_record "$key".persistent_s "$(bench_secs "$t2" "$t3")" "$n"
			bench_record "$key".dram_kib $(((f0 - f1) * 4)) "$n"
			bench_record "$key".dram_left_kib $(((f0 - f2) * 4)) "$n"
		done
	done
	BENCH_REP=
}
