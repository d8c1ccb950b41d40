#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# A page the kernel found hardware-poisoned while its section was RAM must
# not come back as persistent data: the section still moves (the kernel
# skips poisoned pages when offlining), the driver remembers the page and
# the char device refuses it with EIO, while the rest of the section reads
# and writes normally. Such a section is not served as device-dax (which
# would map the page) but stays on the char device; a section without
# poison made persistent is a device-dax instance as usual.
# The poison is injected with hwpoison-inject.
. tests/lib/guest.sh
. tests/lib/kmp.sh

require_module hwpoison-inject
inject=/sys/kernel/debug/hwpoison/corrupt-pfn
[[ -w $inject ]] || skip "no $inject"

dev=$(kmp_setup online_movable)
dir=$(kmp_dir "$dev")
cdev=$(kmp_chardev "$dev")
size=$(kmp_get "$dev" section_size)
first=$(kmp_get "$dev" first_memory_block)
sec=3
# 16 MiB into the section: past its memmap, a free page of the buddy.
page_in_sec=$(( (16 << 20) / 4096 ))
pfn=$(( (first + sec) * size / 4096 + page_in_sec ))

step "poison pfn $pfn of section $sec while it is RAM"
dmesg_mark
echo "$pfn" > "$inject"
expect_dmesg "Memory failure: $(printf '%#x' "$pfn")"

step "section $sec moves; the page is remembered"
expect_write "$dir/persistent" "$sec"
expect_dmesg "section $sec: page at $(printf '%#x' $((pfn * 4096))) was hardware-poisoned while RAM"
expect_dmesg "section $sec: not served as device-dax: it has hardware-poisoned pages"
[[ ! -e $dir/section$sec ]] || fail "section $sec, with a poisoned page, has a device-dax instance"

off=$(( sec * size + page_in_sec * 4096 ))
step "the poisoned page is refused with EIO, its neighbours are not"
err=$(dd if="$cdev" of=/dev/null bs=4096 count=1 iflag=skip_bytes skip=$off 2>&1) &&
	fail "reading the poisoned page succeeded"
[[ $err == *"Input/output error"* ]] || fail "reading the poisoned page failed with '$err', expected EIO"
err=$(dd if=/dev/zero of="$cdev" bs=4096 count=1 oflag=seek_bytes seek=$off conv=notrunc 2>&1) &&
	fail "writing the poisoned page succeeded"
[[ $err == *"Input/output error"* ]] || fail "writing the poisoned page failed with '$err', expected EIO"
for o in $((off - 4096)) $((off + 4096)); do
	dd if="$cdev" bs=4096 count=1 iflag=skip_bytes skip=$o status=none | cmp -s - <(head -c 4096 /dev/zero) ||
		fail "page at span offset $o next to the poisoned one does not read as zeroes"
done

step "made volatile again, the section is RAM and the record is dropped"
expect_write "$dir/volatile" "$sec"
kmp_in_list "$sec" "$(kmp_get "$dev" online)" || fail "section $sec not online"

step "a section without poison made persistent is served as device-dax"
expect_write "$dir/persistent" 6
[[ -L $dir/section6 ]] || fail "section 6, without poison, has no device-dax instance"
echo ok
