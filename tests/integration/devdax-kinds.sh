#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 4G
#
# The two kinds of device-dax sections in one table
# (docs/design-persistent-devdax.md): section 10 made persistent with
# persistent_namespaces=0 is self-hosted (data from 2 MiB, entry 2, as a
# kmem_pmem before namespaces made it); reloaded with the default,
# kmem_pmem serves it so again, data in place, and makes section 11 an nvdimm
# namespace (data from 4 MiB, entry 3: table version 3); a rebind serves
# both, each with its data where it was written.
. tests/lib/guest.sh
. tests/lib/kmp.sh

dev=$(kmp_setup online_movable persistent_namespaces=0)
kmp_online_all "$dev"
dir=$(kmp_dir "$dev")
size=$(kmp_get "$dev" section_size)

# note DAX [TEXT]: the note at 64 MiB of /dev/DAX, or write TEXT there.
note() {
	python3 - "/dev/$1" "${2-}" <<'PY'
import mmap, os, sys
m = mmap.mmap(os.open(sys.argv[1], os.O_RDWR), 66 << 20)
if sys.argv[2]:
    m[64 << 20:(64 << 20) + len(sys.argv[2]) + 1] = sys.argv[2].encode() + b"\0"
else:
    sys.stdout.write(m[64 << 20:(64 << 20) + 256].split(b"\0")[0].decode())
PY
}
# served S KIND: section S's instance, of KIND (self-hosted or namespace)
served() {
	local dax path want
	wait_for 60 test -L "$dir/section$1"
	dax=$(basename "$(readlink "$dir/section$1")")
	wait_for 30 test -c "/dev/$dax"
	path=$(readlink -f "/sys/bus/dax/devices/$dax")
	if [[ $2 == namespace ]]; then
		want=$((size - $(kmp_data_offset "$dev")))
		[[ $path == */ndbus*/region*/* ]] || fail "section $1 ($dax) is not a namespace: $path"
	else
		want=$((size - (2 << 20)))
		[[ $path != */ndbus*/region*/* ]] || fail "section $1 ($dax) is a namespace: $path"
	fi
	[[ $(cat "/sys/bus/dax/devices/$dax/size") == "$want" ]] ||
		fail "section $1 ($dax): $(cat "/sys/bus/dax/devices/$dax/size") bytes, not $want"
	echo "$dax"
}
reload() {
	kmp_unbind "$dev" || fail "unbind failed"
	rmmod kmem_pmem || fail "rmmod failed"
	kmp_load "$@" || fail "cannot load kmem_pmem $*"
	kmp_bind "$dev" || fail "rebind failed"
}

step "persistent_namespaces=0: section 10 becomes self-hosted"
kmp_set "$dev" persistent 10 || fail "making section 10 persistent failed"
dax10=$(served 10 self-hosted)
note "$dax10" "self-hosted note"
echo "section 10: /dev/$dax10, data from 2 MiB"

step "reloaded with the default: section 10 stays self-hosted with its data; section 11 becomes a namespace"
reload
dax10=$(served 10 self-hosted)
[[ $(note "$dax10") == "self-hosted note" ]] || fail "section 10's note reads '$(note "$dax10")'"
kmp_set "$dev" persistent 11 || fail "making section 11 persistent failed"
dax11=$(served 11 namespace)
note "$dax11" "namespace note"
echo "section 10: /dev/$dax10 (self-hosted), section 11: /dev/$dax11 (namespace)"

step "a rebind (table version 3, both kinds) serves both with their data"
reload
dax10=$(served 10 self-hosted)
dax11=$(served 11 namespace)
[[ $(note "$dax10") == "self-hosted note" ]] || fail "section 10's note reads '$(note "$dax10")'"
[[ $(note "$dax11") == "namespace note" ]] || fail "section 11's note reads '$(note "$dax11")'"
echo "both notes read back after the rebind"

step "pmemctl status -v names section 11's namespace, and none for self-hosted section 10"
tools/pmemctl status -v "$dev" > /tmp/status.txt || fail "pmemctl status -v failed"
grep -E "^ +10 +persistent .* /dev/$dax10\$" /tmp/status.txt || fail "pmemctl status -v: section 10 is not /dev/$dax10 alone"
grep -E "^ +11 +persistent .* /dev/$dax11 \(namespace[0-9]+\.[0-9]+\)\$" /tmp/status.txt ||
	fail "pmemctl status -v: section 11 is not /dev/$dax11 with its namespace"

kmp_set "$dev" volatile 10-11 || fail "making 10-11 volatile failed"
kmp_unbind "$dev"
rmmod kmem_pmem || fail "rmmod failed"
echo ok
