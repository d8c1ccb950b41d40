# SPDX-License-Identifier: GPL-2.0
#
# bench/report.sh's aggregation: from the raw figures of bench/lib.sh (an
# array of {"key", "value", "rep", "n"?}) to benchmarks.json:
#
#	meta      kernel, runs (bench/run-bench.sh's NAME.run.json of each
#	          bench VM whose figures these are)
#	headline  the few numbers the issue asks for
#	derived   per experiment: stats ({count, min, median, p99, max}) of
#	          figures and of per-repetition ratios
#	figures   every raw figure grouped by key (and scaling step n), stats
#	          and values
#
# Missing figures come out as null (stats with count 0).

def median:
	sort | if length == 0 then null
	elif length % 2 == 1 then .[length / 2 | floor]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;

# Nearest rank.
def pct(p):
	sort | if length == 0 then null else .[((length * p / 100) | ceil) - 1] end;

def stats:
	{count: length, min: min, median: median, p99: pct(99), max: max};

. as $all |

# The values of KEY (figures without a scaling step).
def vals($k): [$all[] | select(.key == $k and .n == null) | .value];
def st($k): vals($k) | stats;
def one($k): vals($k) | .[0];

# {rep: value} of KEY.
def byrep($k): [$all[] | select(.key == $k and .n == null) | {key: (.rep | tostring), value}] | from_entries;

# Per-repetition A/B and A-B, over the repetitions both have.
def ratio($a; $b):
	byrep($a) as $x | byrep($b) as $y |
	[$x | keys[] | select($y[.] != null and $y[.] != 0) | $x[.] / $y[.]] | stats;
def diff($a; $b):
	byrep($a) as $x | byrep($b) as $y |
	[$x | keys[] | select($y[.] != null) | $x[.] - $y[.]] | stats;

# Scaling step N: values and median of KEY.
def svals($k; $n): [$all[] | select(.key == $k and .n == $n) | .value];
def smed($k; $n): svals($k; $n) | median;

# A 1 TiB setup VM's figures under key prefix $p (bench/setup1t.sh), or null.
def setup1t($p):
	def mib($v): if $v == null then null else $v / 1024 end;
	["sections", "device_bytes", "setup_s", "dram_kib", "node_ram_kib",
	 "driver_dram_bytes", "workload_s", "workload_read_mibs",
	 "workload_write_mibs", "workload_chase_ns", "persistent64_s",
	 "unbind_s", "dram_after_unbind_kib", "sunreclaim_kib",
	 "sreclaimable_kib", "pagetables_kib", "percpu_kib", "kernelstack_kib",
	 "dram_memfree_kib", "kernfs_kib", "node0_kib"] |
	map({key: ., value: one("\($p).\(.)")}) | from_entries |
	if .sections == null then null
	else . + {dram_mib: mib(.dram_kib), dram_memfree_mib: mib(.dram_memfree_kib),
		  kernfs_mib: mib(.kernfs_kib), device_gib: (.device_bytes / 1073741824),
		  # sections are a power of two, the device a bit more than n of them
		  section_mib: (.device_bytes / .sections / 1048576 | log2 | floor | exp2),
		  node_ram_gib: (if .node_ram_kib == null then null else .node_ram_kib / 1048576 end)} end;

# Was kprobe step S placed (bench_trace_init)?
def probed($s): [$all[] | select(.key == "trace.\($s)") | .value] | any(. == 1);

# The repetitions of the whole-device cycle.
([$all[] | select(.key == "cycle.ours.persistent_s" and .n == null) | .rep] | unique) as $reps |

# Per repetition of the cycle, the traced step S of window P (e.g.
# "cycle.ours.out") in UNIT (s, calls, over1ms_calls...): 0 when it was probed but
# not called, null when it was not probed.
def trrep($p; $s; $u):
	if probed($s) then byrep("\($p).\($s)_\($u)") as $x |
		[$reps[] | tostring | $x[.] // 0]
	else null end;

# The median over the repetitions of each of a step's figures.
def trstep($p; $s): {
	s: (trrep($p; $s; "s") | if . == null then null else median end),
	calls: (trrep($p; $s; "calls") | if . == null then null else median end),
	over1ms_calls: (trrep($p; $s; "over1ms_calls") | if . == null then null else median end),
	over1ms_s: (trrep($p; $s; "over1ms_s") | if . == null then null else median end),
	p50_ms: st("\($p).\($s)_p50_ms").median
};

(one("device.section_bytes") // 134217728) as $secbytes |
(st("dram.kmem.mib_per_gib").median) as $kmem_mib_per_gib |

({
	dram: {
		ours: st("dram.ours.mib_per_gib"),
		kmem: st("dram.kmem.mib_per_gib"),
		ours_kib: st("dram.ours.kib"),
		kmem_kib: st("dram.kmem.kib"),
		device_dax_kib: one("dram.device_dax.kib")
	},
	capacity: {
		device_gib: ((one("device.bytes") // 0) / 1073741824),
		node: one("device.node"),
		ours_sections: one("device.sections"),
		kmem_blocks: one("capacity.kmem.blocks"),
		ours: {
			ram_frac: one("capacity.ours.ram_frac"),
			align_frac: one("capacity.ours.align_frac"),
			memmap_frac: one("capacity.ours.memmap_frac")
		},
		kmem: {
			ram_frac: one("capacity.kmem.ram_frac"),
			align_frac: one("capacity.kmem.align_frac"),
			memmap_frac: one("capacity.kmem.memmap_frac")
		}
	},
	cycle: {
		ours_volatile: st("cycle.ours.volatile_s"),
		ours_persistent: st("cycle.ours.persistent_s"),
		ours_scrub: st("cycle.ours.out.scrub_s"),
		# the scrub reads every byte of the device
		scrub_gib_per_s: ((st("cycle.ours.out.scrub_s").median) as $t |
			if $t == null or $t == 0 then null
			else (one("device.sections") // 0) * $secbytes / 1073741824 / $t end),
		ours_add: st("cycle.ours.in.add_s"),
		ours_remove: st("cycle.ours.out.remove_s"),
		ours_persistent_noscrub: diff("cycle.ours.persistent_s"; "cycle.ours.out.scrub_s"),
		kmem_volatile: st("cycle.kmem.volatile_s"),
		kmem_persistent: st("cycle.kmem.persistent_s"),
		kmem_unbind_devdax: st("cycle.kmem.unbind_devdax_s"),
		kmem_add_online: st("cycle.kmem.add_online_s"),
		kmem_offline: st("cycle.kmem.offline_s"),
		kmem_remove: st("cycle.kmem.remove_s"),
		kmem_bind_devdax: st("cycle.kmem.bind_devdax_s"),
		# per section / block: kprobes for ours, whole-device times over
		# the block count for kmem
		ours_remove_p50_ms: st("cycle.ours.out.remove_p50_ms"),
		ours_scrub_p50_ms: st("cycle.ours.out.scrub_p50_ms"),
		kmem_offline_per_block_ms: ((one("capacity.kmem.blocks") // null) as $b |
			st("cycle.kmem.offline_s").median as $t |
			if $b == null or $t == null then null else $t * 1000 / $b end),
		kmem_remove_per_block_ms: ((one("capacity.kmem.blocks") // null) as $b |
			st("cycle.kmem.remove_s").median as $t |
			if $b == null or $t == null then null else $t * 1000 / $b end),
		ratio_volatile: ratio("cycle.ours.volatile_s"; "cycle.kmem.volatile_s"),
		ratio_persistent: ratio("cycle.ours.persistent_s"; "cycle.kmem.persistent_s"),
		ratio_persistent_noscrub: (
			byrep("cycle.ours.persistent_s") as $p | byrep("cycle.ours.out.scrub_s") as $s |
			byrep("cycle.kmem.persistent_s") as $k |
			[$p | keys[] | select($s[.] != null and $k[.] != null and $k[.] != 0) |
				($p[.] - $s[.]) / $k[.]] | stats)
	},
	# Where the time of "back" goes (kprobes, medians over the cycle's
	# repetitions): every step traced in each driver's back direction, and
	# what the traced steps leave unexplained, per repetition.
	back: (
		["remove", "scrub", "record",
		 "offline_and_remove_memory", "offline_pages", "arch_remove_memory",
		 "remove_memory", "percpu_down_write", "synchronize_srcu"] as $steps |
		{
			ours: ([$steps[] as $s | {($s): trstep("cycle.ours.out"; $s)}] | add),
			kmem: ([$steps[] as $s | {($s): trstep("cycle.kmem.out"; $s)}] | add),
			# ours without the scrub, less its offline+remove calls, table
			# records and SRCU waits: the rest of the sysfs write (locks,
			# parsing, state changes, the probes themselves)
			ours_rest_s: (if probed("remove") and probed("record") and probed("synchronize_srcu") then
				byrep("cycle.ours.persistent_s") as $p |
				[$reps[] | tostring as $r | select($p[$r] != null) |
					$p[$r] - ([("scrub", "remove", "record", "synchronize_srcu") as $s |
						byrep("cycle.ours.out.\($s)_s")[$r] // 0] | add)] | median
				else null end),
			# ours: inside offline_and_remove_memory(), what is neither
			# offline_pages() nor arch_remove_memory()
			ours_hotplug_rest_s: (if probed("offline_and_remove_memory") and probed("offline_pages") and probed("arch_remove_memory") then
				[$reps[] | tostring as $r |
					(byrep("cycle.ours.out.offline_and_remove_memory_s")[$r] // 0) -
					([("offline_pages", "arch_remove_memory") as $s | byrep("cycle.ours.out.\($s)_s")[$r] // 0] | add)] | median
				else null end),
			# ours: in kmp_remove_section(), outside the kernel call: the
			# worker and its deadline timer (kmp_offline_and_remove())
			ours_worker_s: (if probed("remove") and probed("offline_and_remove_memory") then
				[$reps[] | tostring as $r |
					(byrep("cycle.ours.out.remove_s")[$r] // 0) -
					(byrep("cycle.ours.out.offline_and_remove_memory_s")[$r] // 0)] | median
				else null end),
			# per section (block), what each driver spends outside the
			# kernel's offline of the blocks, offline_pages(): ours without
			# the scrub, kmem's whole back
			ours_outside_offline_ms: (if probed("offline_pages") and probed("scrub") then
				byrep("cycle.ours.persistent_s") as $p |
				[$reps[] | tostring as $r | select($p[$r] != null) |
					($p[$r] - ([("scrub", "offline_pages") as $s |
						byrep("cycle.ours.out.\($s)_s")[$r] // 0] | add)) * 1000 /
					(one("device.sections") // 1)] | median
				else null end),
			kmem_outside_offline_ms: (if probed("offline_pages") then
				byrep("cycle.kmem.persistent_s") as $p |
				[$reps[] | tostring as $r | select($p[$r] != null) |
					($p[$r] - (byrep("cycle.kmem.out.offline_pages_s")[$r] // 0)) * 1000 /
					(one("capacity.kmem.blocks") // 1)] | median
				else null end),
			# kmem's back less offline_pages() and remove_memory(): the
			# sysfs writes, the unbind and device_dax's bind
			kmem_rest_s: (if probed("offline_pages") and probed("remove_memory") then
				byrep("cycle.kmem.persistent_s") as $p |
				[$reps[] | tostring as $r | select($p[$r] != null) |
					$p[$r] - ([("offline_pages", "remove_memory") as $s |
						byrep("cycle.kmem.out.\($s)_s")[$r] // 0] | add)] | median
				else null end)
		}),
	daxctl: {
		volatile: st("daxctl.kmem.volatile_s"),
		persistent: st("daxctl.kmem.persistent_s")
	},
	single: {
		ours_volatile: st("single.ours.volatile_ms"),
		ours_persistent: st("single.ours.persistent_ms"),
		ours_online: st("single.ours.online_ms"),
		ours_offline: st("single.ours.offline_ms"),
		kmem_online: st("single.kmem.online_ms"),
		kmem_offline: st("single.kmem.offline_ms")
	},
	bw: ({reps: (vals("bw.ours.node0_read_mibs") | length)} +
		([("ours", "kmem") as $d | {($d): (
			[("read", "write", "chase") as $m |
				(if $m == "chase" then "ns" else "mibs" end) as $u |
				{("node0_" + $m): st("bw.\($d).node0_\($m)_\($u)"),
				 ("pmem_" + $m): st("bw.\($d).pmem_\($m)_\($u)"),
				 ($m + "_ratio"): ratio("bw.\($d).pmem_\($m)_\($u)"; "bw.\($d).node0_\($m)_\($u)")}
			] | add)}] | add)),
	scaling: (
		# one step: the medians of prefix P's figures at N
		def step($p; $n): {
			n: $n,
			runs: (svals("\($p).volatile_s"; $n) | length),
			volatile_s: smed("\($p).volatile_s"; $n),
			volatile_s_min: (svals("\($p).volatile_s"; $n) | min),
			persistent_s: smed("\($p).persistent_s"; $n),
			persistent_s_min: (svals("\($p).persistent_s"; $n) | min),
			scrub_s: smed("\($p).out.scrub_s"; $n),
			add_s: smed("\($p).in.add_s"; $n),
			add_p50_ms: smed("\($p).in.add_p50_ms"; $n),
			remove_s: smed("\($p).out.remove_s"; $n),
			remove_p50_ms: smed("\($p).out.remove_p50_ms"; $n),
			scrub_p50_ms: smed("\($p).out.scrub_p50_ms"; $n),
			dram_kib: smed("\($p).dram_kib"; $n),
			dram_left_kib: smed("\($p).dram_left_kib"; $n)
		} | . + {
			volatile_ms_per_section: (if .volatile_s == null then null else .volatile_s * 1000 / .n end),
			persistent_ms_per_section: (if .persistent_s == null then null else .persistent_s * 1000 / .n end),
			persistent_noscrub_ms_per_section: (if .scrub_s == null or .persistent_s == null then null
				else (.persistent_s - .scrub_s) * 1000 / .n end),
			dram_mib: (if .dram_kib == null then null else .dram_kib / 1024 end),
			dram_left_mib: (if .dram_left_kib == null then null else .dram_left_kib / 1024 end)
		};
		([$all[] | select(.key == "scaling.ours.volatile_s") | .n] | unique) as $ns |
		([$all[] | select(.key == "scaling.first_touch.volatile_s") | .n] | unique) as $ft |
		($ns | max) as $maxn |
		[$ns[] as $n | step("scaling.ours"; $n)] as $steps |
		($steps | map(select(.n == 8)) | .[0]) as $s8 |
		($steps | map(select(.n == $maxn)) | .[0]) as $smax |
		def ratio_of($f): if $s8 == null or $smax == null or $s8[$f] == null or $smax[$f] == null
			then null else $smax[$f] / $s8[$f] end;
		{
			steps: $steps,
			# the largest step's first run, over a backing file never touched
			first_touch: (if ($ft | length) == 0 then null else step("scaling.first_touch"; $ft[0]) end),
			max_n: $maxn,
			device_gib: (if $maxn == null then null else $maxn * $secbytes / 1073741824 end),
			flatness_volatile: ratio_of("volatile_ms_per_section"),
			flatness_persistent: ratio_of("persistent_ms_per_section"),
			flatness_persistent_noscrub: ratio_of("persistent_noscrub_ms_per_section"),
			# the same from kprobes: median per-section hot-add, remove, scrub
			flatness_add_p50: ratio_of("add_p50_ms"),
			flatness_remove_p50: ratio_of("remove_p50_ms"),
			flatness_scrub_p50: ratio_of("scrub_p50_ms"),
			steps_8_add_p50: $s8.add_p50_ms,
			steps_max_add_p50: $smax.add_p50_ms,
			# what the ratio would be if each section's cost grew with N
			quadratic_ratio: (if $maxn == null then null else $maxn / 8 end),
			max_dram_mib: $smax.dram_mib,
			# kmem's struct pages per section: measured per GiB on the
			# 4 GiB device, else the 64 B per 4 KiB page of the design
			kmem_mib_per_gib: ($kmem_mib_per_gib // 16),
			kmem_mib_per_section: (($kmem_mib_per_gib // 16) * $secbytes / 1073741824),
			kmem_need_mib: (if $maxn == null then null
				else ($kmem_mib_per_gib // 16) * $maxn * $secbytes / 1073741824 end),
			guest_node0_mib: ([$all[] | select(.key == "guest.node0_kib") | .value] | max |
				if . == null then null else . / 1024 end)
		})
} + {
	# bench_devdax: one section's data mapped through kmem_pmem's
	# device-dax instance and through the kernel's device-dax
	devdax: ({mib: one("devdax.mib"), reps: (vals("devdax.ours.faults") | length)} +
		([("faults", "write_mibs", "read_mibs") as $m |
			{("ours_" + $m): st("devdax.ours.\($m)"),
			 ("kernel_" + $m): st("devdax.kernel.\($m)"),
			 ($m + "_ratio"): ratio("devdax.ours.\($m)"; "devdax.kernel.\($m)")}
		] | add))
} + {
	# bench/guest-setup1t.sh and guest-setup1t2g.sh: 1 TiB through pmemctl
	# setup on 128 MiB and on 2 GiB memory blocks (null if not run)
	setup1t: setup1t("setup1t"),
	setup1t2g: setup1t("setup1t2g")
}) as $derived |

{
	meta: {kernel: (if $kernel == "" then null else $kernel end),
	       runs: $runs},
	headline: {
		dram_mib_per_gib_ours: $derived.dram.ours.median,
		dram_mib_per_gib_kmem: $derived.dram.kmem.median,
		to_ram_ratio_ours_over_kmem: $derived.cycle.ratio_volatile.median,
		back_ratio_ours_over_kmem: $derived.cycle.ratio_persistent.median,
		back_without_scrub_ratio_ours_over_kmem: $derived.cycle.ratio_persistent_noscrub.median,
		scaling_flatness_to_ram: $derived.scaling.flatness_volatile,
		scaling_flatness_back: $derived.scaling.flatness_persistent,
		read_bw_ratio_pmem_over_node0: $derived.bw.ours.read_ratio.median,
		write_bw_ratio_pmem_over_node0: $derived.bw.ours.write_ratio.median,
		chase_latency_ratio_pmem_over_node0: $derived.bw.ours.chase_ratio.median,
		persistent_mapping_write_bw_ratio_ours_over_device_dax: $derived.devdax.write_mibs_ratio.median,
		persistent_mapping_read_bw_ratio_ours_over_device_dax: $derived.devdax.read_mibs_ratio.median
	},
	derived: $derived,
	figures: ($all | group_by([.key, .n]) | map({key: .[0].key} +
		(if .[0].n == null then {} else {n: .[0].n} end) +
		(map(.value) | stats) + {values: map(.value)}))
}
