#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Rebuild a kbuild package's objtool and modpost from the kernel's source
# with this system's compiler and libc, and install them over the packaged
# binaries (those are kept as *.debian). Needed when the kernel's kbuild
# package was built for a newer glibc (trixie's 7.x on Debian 12: glibc 2.38,
# only for __isoc23_strto*). Called by scripts/fetch-kernel.sh.
#
# usage: build-kbuild-tools.sh SRC KBUILD KVER
#   SRC     linux-source tree (at least tools/ scripts/ include/ arch/x86/)
#   KBUILD  the kbuild package's directory (usr/lib/linux-kbuild-X.Y...)
#   KVER    the kernel (scripts/kernel.sh finds its headers and make flags)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
src=$1 kbuild=$2 kver=$3
kdir=$("$here/kernel.sh" kdir "$kver")
read -ra kflags <<< "$("$here/kernel.sh" makeflags "$kver")"
hostcc=gcc
for f in "${kflags[@]}"; do
	[[ $f == CC=* ]] && hostcc=${f#CC=}
done
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT

install_tool() { # BUILT TARGET
	[[ -e $2.debian || ! -e $2 ]] || mv "$2" "$2.debian"
	install -m 755 "$1" "$2"
}

# objtool: an ordinary tools/ build (libsubcmd + libelf).
if [[ -e $kbuild/tools/objtool/objtool ]]; then
	mkdir -p "$out/objtool"
	make -s -C "$src/tools/objtool" O="$out/objtool" srctree="$src" \
		HOSTCC="$hostcc" CC="$hostcc" -j"$(nproc)" > "$out/objtool.log" 2>&1 ||
		{ tail -n 20 "$out/objtool.log" >&2; exit 1; }
	t=$kbuild/tools/objtool/objtool
	# Debian's objtool is a wrapper choosing objtool.real-$SRCARCH.
	[[ -e $t.real-x86 ]] && t=$t.real-x86
	install_tool "$out/objtool/objtool" "$t"
fi

# modpost: by hand, as scripts/mod/Makefile does, with its two generated
# headers: devicetable-offsets.h (from the kernel's headers, through Kbuild)
# and elfconfig.h (the target's ELF class and byte order).
m=$out/mod
mkdir -p "$m"
cp "$src/scripts/mod/devicetable-offsets.c" "$src/scripts/mod/empty.c" "$m/"
echo 'always-y := empty.o' > "$m/Kbuild"
make -s -C "$kdir" M="$m" "${kflags[@]}" devicetable-offsets.s empty.o > "$m/kbuild.log" 2>&1 ||
	{ tail -n 20 "$m/kbuild.log" >&2; exit 1; }
{
	echo "#ifndef __DEVICETABLE_OFFSETS_H__"
	echo "#define __DEVICETABLE_OFFSETS_H__"
	sed -ne 's:^[[:space:]]*\.ascii[[:space:]]*"\(.*\)".*:\1:; /^->/{s:->#\(.*\):/* \1 */:; s:^->\([^ ]*\) [\$#]*\([^ ]*\) \(.*\):#define \1 \2 /* \3 */:; s:->::; p;}' \
		< "$m/devicetable-offsets.s"
	echo "#endif"
} > "$m/devicetable-offsets.h"
"$hostcc" -O2 -o "$m/mk_elfconfig" "$src/scripts/mod/mk_elfconfig.c"
"$m/mk_elfconfig" < "$m/empty.o" > "$m/elfconfig.h"
srcs=()
for f in modpost.c file2alias.c sumversion.c symsearch.c; do
	[[ -f $src/scripts/mod/$f ]] && srcs+=("$src/scripts/mod/$f")
done
# shellcheck disable=SC2046 # LFS_CFLAGS are several words
"$hostcc" -O2 $(getconf LFS_CFLAGS) -I"$m" -I"$src/scripts/include" -o "$m/modpost" "${srcs[@]}"
t=$kbuild/scripts/mod/modpost
# Debian's modpost is a wrapper choosing modpost.real-{lsb,msb}-{32,64}.
[[ -e $t.real-lsb-64 ]] && t=$t.real-lsb-64
install_tool "$m/modpost" "$t"
