# SPDX-License-Identifier: GPL-2.0
# CXL helpers for VM tests booted with `# vm-cxl:`; source after
# tests/lib/guest.sh.
#
#   setup_cxl_devdax   the admin's path from a CXL type-3 pmem device to a
#                      device-dax instance; prints its name (dax0.0)
#   cxl_cache_programs CMD...  page-cache CMD's text before the CXL node
#                      has memory (QEMU 7.2 hangs executing from CXL memory)

# setup_cxl_devdax: load the CXL stack, assemble the pmem region (Linux
# 6.1 does not assemble regions from decoders, and QEMU resets them at
# every start anyway: each boot needs it), make its namespace devdax
# unless an earlier boot did (its labels bring it back), print the dax
# device once /dev/daxX.Y exists.
setup_cxl_devdax() {
	local region
	require_cmd cxl ndctl
	# cxl_core and cxl_port are built in; nothing loads the rest
	# without udev (nd_pmem finds the devdax namespace of earlier boots).
	modprobe -a cxl_acpi cxl_pci cxl_mem cxl_pmem nd_pmem dax_pmem device_dax ||
		fail "cannot load the CXL/nvdimm/dax modules"
	wait_for 60 _cxl_endpoint_ready
	cxl create-region -m -d decoder0.0 -w 1 -t pmem mem0 >&2 ||
		fail "cxl create-region failed"
	wait_for 30 _cxl_nd_region >/dev/null
	region=$(_cxl_nd_region)
	first_devdax_or_create -r "$region"
}

# The memory device is bound and its endpoint port (with its decoders) is
# enumerated: what cxl create-region needs.
_cxl_endpoint_ready() {
	[[ -e /sys/bus/cxl/devices/mem0/driver ]] &&
		compgen -G '/sys/bus/cxl/devices/endpoint*/decoder*' >/dev/null
}

# The nvdimm region a CXL pmem region became.
_cxl_nd_region() {
	local r
	for r in /sys/bus/nd/devices/region*; do
		[[ -e $r ]] || continue
		echo "${r##*/}"
		return 0
	done
	return 1
}

# cxl_cache_programs CMD...: read each command's executable and shared
# libraries into the page cache now, while the CXL node has no memory
# online. QEMU 7.2 under TCG hangs the guest when it executes code from
# emulated CXL memory, and `numactl --membind=<CXL node> CMD` would
# otherwise load CMD's text there.
cxl_cache_programs() {
	local c path
	for c in "$@"; do
		path=$(type -P "$c") || fail "no command $c"
		cat "$path" $(ldd "$path" | awk '$2 == "=>" && $3 ~ /^\// { print $3 } $1 ~ /^\// { print $1 }') > /dev/null
	done
}
