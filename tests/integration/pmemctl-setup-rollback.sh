#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-nvdimm: 1G
#
# pmemctl setup puts a namespace back as it was when a step after it
# disabled the namespace fails. Here dax_pmem is blacklisted, so the raw
# namespace cannot become devdax: setup fails, and the namespace must be
# enabled and raw again with its bytes untouched (not left disabled). Once
# the blacklist is gone, setup works on it.
. tests/lib/guest.sh
. tests/lib/kmp.sh
. tests/lib/pmemctl.sh

pmemctl_require
modprobe -a nfit nd_pmem || fail "cannot load nfit, nd_pmem"
wait_for 30 _guest_ndbus_settled
kmp_load initial_mode=persistent

# "mode state blockdev" of namespace0.0, disabled ones included.
ns_state() {
	ndctl list -i -n namespace0.0 |
		jq -r 'if type == "array" then .[0] else . end |
			"\(.mode) \(.state // "enabled") \(.blockdev // "-")"'
}
data="kmp-setup-rollback-$RANDOM$RANDOM"
[[ $(ns_state) == "raw enabled pmem0" ]] || fail "namespace0.0 is '$(ns_state)', not a raw pmem0"
printf '%s' "$data" | dd of=/dev/pmem0 bs=64k seek=1 conv=notrunc,fsync status=none
has_data() { [[ $(dd if=/dev/pmem0 bs=64k skip=1 count=1 iflag=direct status=none | head -c ${#data}) == "$data" ]]; }
has_data || fail "the data did not reach /dev/pmem0"

step "dax_pmem blacklisted: setup fails after disabling the namespace"
mkdir -p /run/modprobe.d
echo "blacklist dax_pmem" > /run/modprobe.d/kmp-test.conf
expect_exit 1 setup namespace0.0
expect_err "namespace0.0: cannot make it devdax"
grep -q '^dax_pmem ' /proc/modules && fail "dax_pmem got loaded: the step did not fail"
[[ $(ns_state) == "raw enabled pmem0" ]] || fail "namespace0.0 is left '$(ns_state)'"
expect_err "namespace0.0: put back as it was: enabled, raw"
wait_for 10 test -b /dev/pmem0
has_data || fail "the namespace's bytes changed"

step "without the blacklist, setup works on it"
rm /run/modprobe.d/kmp-test.conf
expect_exit 0 setup --json namespace0.0
jqe '.driver == "kmem_pmem" and .nr_volatile == 0'
echo ok
