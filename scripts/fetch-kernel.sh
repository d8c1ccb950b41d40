#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# Download, check and extract a Debian kernel that cannot be installed on
# this system (scripts/kernels.list, origin `fetch`), e.g. trixie-backports'
# 7.3 on Debian 12. Nothing is installed: everything lands in
# build/kernels/KVER/ and a second run does nothing.
#
#   1. the mirror is the one the apt sources use for this release
#      (apt-get indextargets); KMP_DEBIAN_MIRROR overrides it;
#   2. dists/SUITE/InRelease is verified with gpgv against Debian's archive
#      keyring, main/binary-amd64/Packages.xz against its SHA256 there;
#   3. the packages: linux-image-KVER, linux-headers-KVER, linux-source-X.Y
#      and, through Depends, every linux-* package of the same version
#      (linux-binary, -modules, -base, -headers-common, -kbuild); each .deb
#      is checked against its SHA256 in Packages (build/kernels/KVER/debs/);
#   4. `dpkg-deb -x` of each into build/kernels/KVER/root/, then: the
#      headers' absolute /usr/src paths and symlinks point into root/,
#      root/boot/{vmlinuz,config,System.map}-KVER exist, depmod -b root;
#   5. host tools of the kbuild package that do not run here (built against
#      a newer glibc: objtool, modpost) are rebuilt from linux-source-X.Y
#      with this system's gcc (libelf-dev needed, scripts/deps.sh installs it).
#
# usage: fetch-kernel.sh KVER [SUITE]    (SUITE default: from kernels.list)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
kver=${1:?usage: fetch-kernel.sh KVER [SUITE]}
suite=${2:-$(awk -v k="$kver" '$1 == k && $2 == "fetch" { print $3 }' "$here/kernels.list")}
[[ -n $suite ]] || { echo "fetch-kernel.sh: $kver is not a 'fetch' kernel in scripts/kernels.list; give the suite" >&2; exit 2; }
series=$(sed -n 's/^\([0-9]*\.[0-9]*\)\..*/\1/p' <<< "$kver")
dest=$repo/build/kernels/$kver
root=$dest/root
debs=$dest/debs

log() { echo "  FETCH   $kver: $*"; }
die() { echo "fetch-kernel.sh: $kver: $*" >&2; exit 1; }

if [[ -f $dest/.extracted && -f $dest/.tools ]]; then
	log "cached in ${dest#"$repo/"}"
	exit 0
fi

# The host tools a kbuild binary needs, run from the kbuild tree: does it
# start at all (a newer glibc makes the loader refuse it)?
runs() {
	local out
	out=$("$1" --help 2>&1 < /dev/null) || true
	[[ $out != *"GLIBC_"*"not found"* ]]
}

fetch_and_extract() {
	local codename mirror keyring url t pkgs want p
	# shellcheck source=/dev/null
	codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
	mirror=${KMP_DEBIAN_MIRROR:-}
	if [[ -z $mirror ]]; then
		# The apt source of this release's main archive (not -security).
		# shellcheck disable=SC2016 # apt's $(FIELD) placeholders, not shell
		mirror=$(apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2>/dev/null |
			awk -v c="$codename" '$2 == c { print $1; exit }')
	fi
	[[ -n $mirror ]] || die "no Debian mirror for '$codename' in the apt sources (set KMP_DEBIAN_MIRROR=)"
	mirror=${mirror%/}
	keyring=/usr/share/keyrings/debian-archive-keyring.gpg
	[[ -f $keyring ]] || die "$keyring missing (install debian-archive-keyring)"

	t=$dest/dists
	rm -rf "$t" && mkdir -p "$t" "$debs"
	url=$mirror/dists/$suite
	log "index of $suite from $mirror"
	curl -fsS --retry 3 -o "$t/InRelease" "$url/InRelease" || die "cannot download $url/InRelease"
	gpgv --keyring "$keyring" --output "$t/Release" "$t/InRelease" 2> "$t/gpgv.log" ||
		die "InRelease of $suite: bad signature: $(tail -n1 "$t/gpgv.log")"
	local until
	until=$(sed -n 's/^Valid-Until: //p' "$t/Release")
	if [[ -n $until ]] && (($(date -d "$until" +%s) < $(date +%s))); then
		die "InRelease of $suite expired on $until"
	fi
	# The SHA256 line of main/binary-amd64/Packages.xz: " HASH SIZE PATH".
	local pk_sha
	pk_sha=$(awk '/^[^ ]/ { in_sha = ($1 == "SHA256:") }
		in_sha && $3 == "main/binary-amd64/Packages.xz" { print $1 }' "$t/Release")
	[[ -n $pk_sha ]] || die "InRelease of $suite lists no main/binary-amd64/Packages.xz"
	curl -fsS --retry 3 -o "$t/Packages.xz" "$url/main/binary-amd64/Packages.xz" ||
		die "cannot download Packages.xz of $suite"
	[[ $(sha256sum < "$t/Packages.xz") == "$pk_sha  -" ]] || die "Packages.xz of $suite: SHA256 mismatch"
	xz -dc "$t/Packages.xz" > "$t/Packages"

	# Package, Version, Depends, Filename, Size, SHA256 of every package,
	# one tab-separated line each.
	awk -v RS= -F '\n' '{
		delete f
		for (i = 1; i <= NF; i++) if (match($i, /^[A-Za-z0-9-]+: /))
			f[substr($i, 1, RLENGTH - 2)] = substr($i, RLENGTH + 1)
		print f["Package"] "\t" f["Version"] "\t" f["Depends"] "\t" f["Filename"] "\t" f["Size"] "\t" f["SHA256"]
	}' "$t/Packages" > "$t/index"
	field() { awk -F '\t' -v p="$1" -v n="$2" '$1 == p { print $n; exit }' "$t/index"; }

	local version
	version=$(field "linux-image-$kver" 2)
	[[ -n $version ]] || die "linux-image-$kver is not in $suite (any more?): see scripts/kernels.list"
	# Follow Depends: the first alternative that is a linux-* package of the
	# same version (linux-base, gcc-14-for-host, kmod... are not wanted).
	declare -A have=()
	pkgs=()
	want=("linux-image-$kver" "linux-headers-$kver" "linux-source-$series")
	while ((${#want[@]})); do
		p=${want[0]}
		want=("${want[@]:1}")
		[[ -n ${have[$p]:-} ]] && continue
		[[ $(field "$p" 2) == "$version" ]] || die "$p $version not in $suite"
		have[$p]=1
		pkgs+=("$p")
		local dep alt name
		IFS=',' read -ra deps <<< "$(field "$p" 3)"
		for dep in "${deps[@]}"; do
			IFS='|' read -ra alts <<< "$dep"
			for alt in "${alts[@]}"; do
				name=$(awk '{ print $1 }' <<< "$alt")
				if [[ $name == linux-* && $(field "$name" 2) == "$version" ]]; then
					want+=("$name")
					break
				fi
			done
		done
	done

	local total=0 file size sha deb start=$SECONDS
	for p in "${pkgs[@]}"; do
		file=$(field "$p" 4) size=$(field "$p" 5) sha=$(field "$p" 6)
		deb=$debs/${file##*/}
		if [[ ! -f $deb ]] || [[ $(sha256sum < "$deb") != "$sha  -" ]]; then
			curl -fsS --retry 3 -o "$deb.part" "$mirror/$file" || die "cannot download $mirror/$file"
			[[ $(sha256sum < "$deb.part") == "$sha  -" ]] || die "${file##*/}: SHA256 mismatch"
			mv -f "$deb.part" "$deb"
			total=$((total + size))
		fi
	done
	log "${#pkgs[@]} packages $version checked ($((total >> 20)) MiB downloaded in $((SECONDS - start)) s)"

	start=$SECONDS
	rm -rf "$root" "$dest/.extracted" "$dest/.tools"
	mkdir -p "$root"
	for p in "${pkgs[@]}"; do
		dpkg-deb -x "$debs/$(field "$p" 4 | sed 's|.*/||')" "$root"
	done
	printf '%s\n' "${pkgs[@]}" > "$dest/packages"

	# Merged /usr: the tools below look for lib/modules and lib/linux-kbuild-*.
	[[ -e $root/lib ]] || ln -s usr/lib "$root/lib"
	local kdir=$root/usr/src/linux-headers-$kver mod=$root/usr/lib/modules/$kver link f
	[[ -d $kdir ]] || die "no usr/src/linux-headers-$kver in the packages"
	# Absolute symlinks (modules/KVER/build, ...) into root/.
	while IFS= read -r link; do
		ln -sfn "$root$(readlink "$link")" "$link"
	done < <(find "$root" -type l -lname '/*')
	# The headers name their own /usr/src paths (KBUILD_OUTPUT, include of
	# the -common Makefile).
	for f in "$kdir/Makefile" "$kdir/.kernelvariables"; do
		[[ -f $f ]] && sed -i "s|\([ =:]\)/usr/src/|\1$root/usr/src/|g" "$f"
	done
	# A classic /boot, whatever the packaging (7.x keeps them in modules/KVER).
	mkdir -p "$root/boot"
	for f in vmlinuz config System.map; do
		if [[ ! -e $root/boot/$f-$kver && -e $mod/$f ]]; then
			ln -s "../usr/lib/modules/$kver/$f" "$root/boot/$f-$kver"
		fi
	done
	[[ -e $root/boot/vmlinuz-$kver ]] || die "no vmlinuz in the packages"
	depmod -b "$root" "$kver"
	log "extracted in $((SECONDS - start)) s: ${root#"$repo/"}"
	touch "$dest/.extracted"
}

# objtool and modpost from linux-source-X.Y, built with this system's gcc,
# installed over the kbuild package's binaries (kept as *.debian).
rebuild_tools() {
	local kbuild tarball start=$SECONDS t bad=()
	kbuild=$(readlink -f "$root/usr/src/linux-headers-$kver/scripts/..")
	# Debian's objtool and modpost are wrappers around objtool.real-$SRCARCH
	# and modpost.real-{lsb,msb}-{32,64}: check the x86-64 ones.
	for t in tools/objtool/objtool.real-x86 scripts/mod/modpost.real-lsb-64; do
		[[ -f $kbuild/$t ]] || t=${t%.real-*}
		[[ -f $kbuild/$t ]] || continue
		runs "$kbuild/$t" || bad+=("${t##*/}")
	done
	if ((${#bad[@]} == 0)); then
		touch "$dest/.tools"
		return
	fi
	tarball=$root/usr/src/linux-source-$series.tar.xz
	[[ -f $tarball ]] || die "no $tarball to rebuild ${bad[*]}"
	[[ -f /usr/include/gelf.h ]] || die "libelf-dev is needed to rebuild objtool (scripts/deps.sh installs it)"
	local src=$dest/src
	rm -rf "$src" && mkdir -p "$src"
	tar -xJf "$tarball" -C "$src" --strip-components=1 --wildcards \
		'linux-source-*/tools' 'linux-source-*/scripts' 'linux-source-*/include' 'linux-source-*/arch/x86'
	log "source extracted for ${bad[*]} in $((SECONDS - start)) s"
	start=$SECONDS
	"$here/build-kbuild-tools.sh" "$src" "$kbuild" "$kver"
	rm -rf "$src"
	for t in "${bad[@]}"; do
		t=$(find "$kbuild" -name "$t" -type f | head -n1)
		runs "$t" || die "$t still does not run"
	done
	log "rebuilt objtool and modpost in $((SECONDS - start)) s"
	touch "$dest/.tools"
}

[[ -f $dest/.extracted ]] || fetch_and_extract
rebuild_tools
