# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
#
# Header directives of a VM test (sourced by run-vm-test.sh). They are
# `# vm-NAME: VALUE` lines in the script's leading comment block; see
# tests/README.md. parse_directives sets vm_<name> for each (defaults
# below) and fails on an unknown, repeated or malformed directive.

# shellcheck disable=SC2034 # used by run-vm-test.sh
vm_nvdimm=4G
vm_cmdline="memory_hotplug.memmap_on_memory=1"
vm_timeout=300
vm_boots=1
vm_maxmem=16G
vm_ram=2G
vm_cpu=
vm_between=
vm_dmesg_allow=
vm_root=
vm_cxl=
vm_hmem=

# parse_directives SCRIPT
parse_directives() {
	local script=$1 line n=0 key val var where
	where=$(realpath --relative-to=. "$script")
	local -A seen=()
	while IFS= read -r line || [[ -n $line ]]; do
		n=$((n + 1))
		[[ $n == 1 && $line == '#!'* ]] && continue
		[[ -z ${line//[[:space:]]/} ]] && continue
		[[ $line == '#'* ]] || break
		[[ $line =~ ^#[[:space:]]*vm-([A-Za-z0-9_-]+):[[:space:]]*(.*)$ ]] || continue
		key=${BASH_REMATCH[1]}
		val=${BASH_REMATCH[2]%"${BASH_REMATCH[2]##*[![:space:]]}"}
		if [[ -n ${seen[$key]:-} ]]; then
			echo "FAIL: $where:$n: vm-$key given twice"
			return 1
		fi
		seen[$key]=1
		case $key in
		nvdimm|maxmem|ram)
			[[ $val =~ ^[1-9][0-9]*[KMGT]?$ ]] || { echo "FAIL: $where:$n: vm-$key: bad size '$val'"; return 1; } ;;
		timeout|boots)
			[[ $val =~ ^[1-9][0-9]*$ ]] || { echo "FAIL: $where:$n: vm-$key: not a positive integer '$val'"; return 1; } ;;
		cmdline|cpu|between) ;;
		root)
			[[ $val == debian ]] || { echo "FAIL: $where:$n: vm-root: only 'debian' is known, not '$val'"; return 1; } ;;
		cxl)
			# SIZE [one-port]: CXL sizes are whole 256 MiB units.
			if ! [[ $val =~ ^([1-9][0-9]*[MG])([[:space:]]+one-port)?$ ]] ||
				(($(numfmt --from=iec "${BASH_REMATCH[1]}") % (256 << 20))); then
				echo "FAIL: $where:$n: vm-cxl: not 'SIZE [one-port]' with SIZE a multiple of 256M: '$val'"
				return 1
			fi ;;
		hmem)
			if ! [[ $val =~ ^[1-9][0-9]*[MG]$ ]] || (($(numfmt --from=iec "$val") % (128 << 20))); then
				echo "FAIL: $where:$n: vm-hmem: not a multiple of 128M: '$val'"
				return 1
			fi ;;
		dmesg-allow)
			key=dmesg_allow
			{ awk -v re="$val" 'BEGIN { if ("" ~ re) exit 0 }' 2>/dev/null && [[ -n $val ]]; } ||
				{ echo "FAIL: $where:$n: vm-dmesg-allow: bad regex '$val'"; return 1; } ;;
		*)
			echo "FAIL: $where:$n: unknown directive vm-$key"
			return 1 ;;
		esac
		var=vm_$key
		printf -v "$var" '%s' "$val"
	done < "$script"
}
