#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Write dax-private.h and bus.h for kernel KVER into OUTDIR: the layout of
# the drivers/dax structures kmem_pmem uses, read from that kernel's own BTF.
#
# struct dev_dax and struct dax_device_driver are private to drivers/dax/
# (dax-private.h, bus.h): no headers package ships them, and their layout
# changes with every kernel release. Debian's kernels are built with
# CONFIG_DEBUG_INFO_BTF=y and CONFIG_DAX=y, so the vmlinux BTF of the exact
# build describes both. This script asks pahole for the members the driver
# uses and writes structures that have those members, and only those, at
# the offsets the kernel has them, with padding in between; compile-time
# assertions check every offset and size against BTF. Declarations of the two
# exported functions complete bus.h; their prototypes are checked against
# BTF too. Nothing of the kernel's source is needed: a machine with the
# kernel's image and headers packages has everything (DKMS builds there).
#
# The BTF, first found of:
#   KDIR/vmlinux              the headers ship it (Debian 6.12 and later)
#   /sys/kernel/btf/vmlinux   if KVER is the running kernel (a Debian kernel
#                             of the same ABI name has the same layout: the
#                             modversions of the dax bus's exports cover
#                             these structures, and a change bumps the ABI)
#   IMAGE                     vmlinuz, decompressed (xz, zstd, gzip): 6.1's
#                             headers have no vmlinux (default IMAGE:
#                             /boot/vmlinuz-KVER, else /lib/modules/KVER/vmlinuz)
#
# usage: dax-btf-headers.sh KVER KDIR OUTDIR [IMAGE]
# Needs pahole (and pfunct, same package) and the image's decompressor.
set -euo pipefail

kver=${1:-} kdir=${2:-} out=${3:-} image=${4:-}
[[ -n $kver && -n $kdir && -n $out ]] || { echo "usage: $0 KVER KDIR OUTDIR [IMAGE]" >&2; exit 2; }
me=dax-btf-headers.sh
die() { echo "$me: $kver: $*" >&2; exit 1; }
if ! command -v pahole > /dev/null || ! command -v pfunct > /dev/null; then
	die "pahole and pfunct are needed (Debian package pahole)"
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

has_btf() {
	local s
	s=$(pahole -F btf -C dev_dax "$1" 2> /dev/null) || return 1
	[[ $s == 'struct dev_dax {'* ]]
}

# vmlinux out of a bzImage: try each place where a compressed stream of a
# kind the kernel uses for itself starts, keep the first that gives an ELF.
extract_vmlinux() { # IMAGE OUT
	local magic tool off
	for magic in 'xz:\xfd7zXZ\x00' 'zstd:\x28\xb5\x2f\xfd' 'gzip:\x1f\x8b\x08'; do
		tool=${magic%%:*}
		command -v "$tool" > /dev/null || continue
		while read -r off; do
			tail -c "+$((off + 1))" "$1" | "$tool" -dc 2> /dev/null > "$2" || true
			[[ $(head -c 4 "$2" | od -An -c | tr -d ' ') == 177ELF ]] && return 0
		done < <(LC_ALL=C grep -obUaP "${magic#*:}" "$1" | cut -d: -f1)
	done
	return 1
}

btf='' from=''
if [[ -f $kdir/vmlinux ]] && has_btf "$kdir/vmlinux"; then
	btf=$kdir/vmlinux from="$btf"
fi
if [[ -z $btf && $kver == "$(uname -r)" ]] && has_btf /sys/kernel/btf/vmlinux; then
	btf=/sys/kernel/btf/vmlinux from="$btf"
fi
if [[ -z $btf ]]; then
	if [[ -z $image ]]; then
		for image in "/boot/vmlinuz-$kver" "/lib/modules/$kver/vmlinuz" ""; do
			[[ -z $image || -r $image ]] && break
		done
	fi
	if [[ -n $image && -r $image ]] && extract_vmlinux "$image" "$tmp/vmlinux" && has_btf "$tmp/vmlinux"; then
		btf=$tmp/vmlinux from="$image"
	fi
fi
[[ -n $btf ]] || die "no BTF describing struct dev_dax: not in $kdir/vmlinux, (running kernel) /sys/kernel/btf/vmlinux, nor ${image:-a vmlinuz (none found)}; the kernel needs CONFIG_DEBUG_INFO_BTF=y and CONFIG_DAX=y"

# Members of STRUCT at its top level: "offset size declaration" per line,
# the declaration without blanks (e.g. "int(*probe)(structdev_dax*)"),
# then "size TOTAL".
members() { # STRUCT
	pahole -F btf -C "$1" "$btf" 2> /dev/null | awk '
		{ line = $0 }
		depth == 1 && match(line, /;[ \t]*\/\*[ \t]*[0-9]+[ \t]+[0-9]+[ \t]*\*\//) {
			decl = substr(line, 1, RSTART - 1)
			n = split(substr(line, RSTART + 1), f, /[^0-9]+/)
			k = 0
			for (i = 1; i <= n; i++) if (f[i] != "") v[++k] = f[i]
			gsub(/[ \t]/, "", decl)
			print v[1], v[2], decl
		}
		match(line, /\/\* size: [0-9]+/) { print "size", substr(line, RSTART + 9, RLENGTH - 9) }
		{ t = line; depth += gsub(/\{/, "", t); t = line; depth -= gsub(/\}/, "", t) }'
}

# emit STRUCT "NAME|DECLARATION (no blanks, as BTF has it)|C declaration"...
# One structure with the members named, at BTF's offsets, and its asserts.
emit() {
	local s=$1 m name want decl off size cursor=0 total pad=0 asserts=()
	local layout
	shift
	layout=$(members "$s")
	[[ -n $layout ]] || die "BTF has no struct $s"
	total=$(awk '$1 == "size" { print $2 }' <<< "$layout")
	echo "struct $s {"
	for m in "$@"; do
		IFS='|' read -r name want decl <<< "$m"
		read -r off size < <(awk -v w="$want" '$3 == w { print $1, $2 }' <<< "$layout") ||
			die "struct $s has no member '$want' (BTF has: $(awk '$1 != "size" { printf "%s ", $3 }' <<< "$layout"))"
		((off >= cursor)) || die "struct $s: member $name at $off overlaps the one before (members must be listed in order)"
		if ((off > cursor)); then
			echo "	u8 __kmp_pad${pad}[$((off - cursor))];"
			pad=$((pad + 1))
		fi
		echo "	$decl;"
		asserts+=("static_assert(offsetof(struct $s, $name) == $off);"
			  "static_assert(sizeof_field(struct $s, $name) == $size);")
		cursor=$((off + size))
	done
	((total >= cursor)) || die "struct $s: size $total below its members"
	((total == cursor)) || echo "	u8 __kmp_pad${pad}[$((total - cursor))];"
	echo "};"
	printf '%s\n' "${asserts[@]}" "static_assert(sizeof(struct $s) == $total);"
	echo
}

# The prototype of exported function F as BTF has it, blanks and parameter
# names removed: "int(structdax_device_driver*,structmodule*,constchar*)".
proto() {
	pfunct -F btf -P -f "$1" "$btf" 2> /dev/null | awk -v f="$1" '
		NR == 1 {
			i = index($0, f "(")
			if (!i) exit
			ret = substr($0, 1, i - 1)
			args = substr($0, i + length(f) + 1)
			sub(/\);.*$/, "", args)
			n = split(args, a, ",")
			out = ""
			for (j = 1; j <= n; j++) {
				sub(/[A-Za-z_][A-Za-z0-9_]*[ \t]*$/, "", a[j])
				out = out (j > 1 ? "," : "") a[j]
			}
			s = ret "(" out ")"
			gsub(/[ \t]/, "", s)
			print s
		}'
}

check_proto() { # FUNCTION EXPECTED
	local got
	got=$(proto "$1")
	[[ $got == "$2" ]] || die "$1 is '${got:-not in BTF}', kmem_pmem expects '$2'"
}
check_proto __dax_driver_register 'int(structdax_device_driver*,structmodule*,constchar*)'
check_proto dax_driver_unregister 'void(structdax_device_driver*)'
# persistent_devdax.c: a dax region of its own per self-hosted section.
check_proto alloc_dax_region 'structdax_region*(structdevice*,int,structrange*,int,unsignedint,longunsignedint)'
check_proto devm_create_dev_dax 'structdev_dax*(structdev_dax_data*)'
check_proto kill_dev_dax 'void(structdev_dax*)'
check_proto dax_inode 'structinode*(structdax_device*)'

header() { # NAME
	cat <<EOF
/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Generated by $me for $kver from the BTF of $from.
 * Not the kernel's drivers/dax/$1: only the members kmem_pmem uses, at
 * the kernel's offsets (checked below), with padding in between.
 */
EOF
}

mkdir -p "$out"
{
	header dax-private.h
	cat <<'EOF'
#ifndef KMP_DAX_PRIVATE_H
#define KMP_DAX_PRIVATE_H

#include <linux/build_bug.h>
#include <linux/device.h>
#include <linux/ioport.h>
#include <linux/range.h>
#include <linux/stddef.h>
#include <linux/types.h>

struct dax_device;
struct inode *dax_inode(struct dax_device *dax_dev);

EOF
	emit dax_region 'res|structresourceres|struct resource res'
	emit dev_dax_range 'range|structrangerange|struct range range'
	emit dev_dax \
		'region|structdax_region*region|struct dax_region *region' \
		'dax_dev|structdax_device*dax_dev|struct dax_device *dax_dev' \
		'target_node|inttarget_node|int target_node' \
		'dev|structdevicedev|struct device dev' \
		'nr_range|intnr_range|int nr_range' \
		'ranges|structdev_dax_range*ranges|struct dev_dax_range *ranges'
	cat <<'EOF'
static inline struct dev_dax *to_dev_dax(struct device *dev)
{
	return container_of(dev, struct dev_dax, dev);
}

#endif
EOF
} > "$tmp/dax-private.h"
{
	header bus.h
	cat <<'EOF'
#ifndef KMP_DAX_BUS_H
#define KMP_DAX_BUS_H

#include <linux/build_bug.h>
#include <linux/device.h>
#include <linux/module.h>
#include <linux/stddef.h>
#include <linux/types.h>

struct dev_dax;
struct dax_region;
struct dev_pagemap;
struct dev_dax_data;
struct range;

#define IORESOURCE_DAX_STATIC BIT(0)
struct dax_region *alloc_dax_region(struct device *parent, int region_id,
		struct range *range, int target_node, unsigned int align,
		unsigned long flags);
void kill_dev_dax(struct dev_dax *dev_dax);
struct dev_dax *devm_create_dev_dax(struct dev_dax_data *data);

/*
 * The driver's type (enum dax_driver_type since 6.12, match_always before)
 * stays zero: DAXDRV_KMEM_TYPE, or no match_always. Devices come to
 * kmem_pmem through new_id.
 */
EOF
	emit dev_dax_data \
		'dax_region|structdax_region*dax_region|struct dax_region *dax_region' \
		'pgmap|structdev_pagemap*pgmap|struct dev_pagemap *pgmap' \
		'size|resource_size_tsize|resource_size_t size' \
		'id|intid|int id'
	emit dax_device_driver \
		'drv|structdevice_driverdrv|struct device_driver drv' \
		'probe|int(*probe)(structdev_dax*)|int (*probe)(struct dev_dax *dev)' \
		'remove|void(*remove)(structdev_dax*)|void (*remove)(struct dev_dax *dev)'
	cat <<'EOF'
int __dax_driver_register(struct dax_device_driver *dax_drv,
			  struct module *module, const char *mod_name);
#define dax_driver_register(driver) \
	__dax_driver_register(driver, THIS_MODULE, KBUILD_MODNAME)
void dax_driver_unregister(struct dax_device_driver *dax_drv);

#endif
EOF
} > "$tmp/bus.h"
mv -f "$tmp/dax-private.h" "$tmp/bus.h" "$out/"
echo "  DAXBTF  $out (from $from)"
