#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The scrub writes every line of a section back to the media before the
# section is recorded persistent, not only the lines of pages it had to
# zero: a page that reads zero through the cache may still hold older RAM
# contents on the media, and a power loss would expose them. Counted with a
# kprobe on arch_wb_cache_pmem(), the kernel's pmem write-back: the bytes
# written back during one section's move must cover the whole section.
. tests/lib/guest.sh
. tests/lib/kmp.sh

tr=/sys/kernel/tracing
[[ -e $tr/kprobe_events ]] || skip "no tracefs kprobe_events"
dev=$(kmp_setup online_movable)
dir=$(kmp_dir "$dev")
size=$(kmp_get "$dev" section_size)
sec=5

echo 'p:kmp_wb arch_wb_cache_pmem size=%si:u64' >> "$tr/kprobe_events" ||
	skip "arch_wb_cache_pmem cannot be probed"
echo 'hist:keys=common_pid:vals=hitcount,size' > "$tr/events/kprobes/kmp_wb/trigger" ||
	skip "no hist triggers"
echo 1 > "$tr/events/kprobes/kmp_wb/enable"

step "make section $sec persistent"
expect_write "$dir/persistent" "$sec"
echo 0 > "$tr/events/kprobes/kmp_wb/enable"

hist=$(cat "$tr/events/kprobes/kmp_wb/hist")
echo "$hist" | grep -E 'hitcount|Totals' || true
written=$(awk '{ for (i = 1; i < NF; i++) if ($i == "size:") n += $(i + 1) } END { print n + 0 }' <<< "$hist")
echo "written back: $written bytes; section: $size bytes"
echo "$written" > "$KMP_OUT/written-back-bytes"
((written >= size)) || fail "only $written of the section's $size bytes were written back before it was recorded persistent"
kmp_check_zero "$dev" "$sec" || fail "section $sec is not all zero"
echo ok
