#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# make deb: the Debian packages kmem-pmem-dkms and pmemctl, built from this
# tree with Debian's tooling (dpkg-buildpackage, debhelper, dh-dkms), then
# checked with lintian (errors fail).
#
# What building needs (debian/control's Build-Depends, dpkg-dev, lintian)
# is installed with apt first when missing (as root).
#
# The tree is copied as it is, committed or not (tracked and new files; not
# what .gitignore ignores), to OUTDIR/kmem-pmem-VERSION/, where
# debian/changelog is written with the version from git
# (scripts/deb-version.sh). The packages land in OUTDIR.
#
# usage: mkdeb.sh [OUTDIR]     (default: build/deb)
set -euo pipefail

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/.." && pwd)
out=${1:-$repo/build/deb}
version=$("$here/deb-version.sh")
src=$out/kmem-pmem-$version

cd "$repo"
if ! command -v dpkg-checkbuilddeps > /dev/null || ! command -v lintian > /dev/null ||
	! dpkg-checkbuilddeps > /dev/null 2>&1; then
	[[ $(id -u) == 0 ]] ||
		{ echo "mkdeb.sh: as root: apt-get install dpkg-dev lintian && apt-get build-dep ./" >&2; exit 1; }
	echo "  DEPS    the packages' build dependencies"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -q > /dev/null
	apt-get install -y -q --no-install-recommends dpkg-dev lintian > /dev/null
	apt-get build-dep -y -q ./ > /dev/null
fi
rm -rf "$out"
mkdir -p "$src"
git ls-files -z --cached --others --exclude-standard |
	while IFS= read -r -d '' f; do [[ -e $f ]] && printf '%s\0' "$f"; done |
	tar --null -T - -cf - | tar -xf - -C "$src"

maintainer=$(sed -n 's/^Maintainer: //p' debian/control)
{
	echo "kmem-pmem ($version) unstable; urgency=medium"
	echo
	echo "  * Built from git commit $(git rev-parse --short=12 HEAD)$([[ $version == *+dirty ]] && echo ' with uncommitted changes')."
	echo
	echo " -- $maintainer  $(git log -1 --format=%cD)"
} > "$src/debian/changelog"

echo "  DEB     kmem-pmem $version"
start=$SECONDS
(cd "$src" && dpkg-buildpackage --build=binary --no-sign -j"$(nproc)") > "$out/build.log" 2>&1 ||
	{ tail -n 30 "$out/build.log" >&2; echo "mkdeb.sh: dpkg-buildpackage failed (log: ${out#"$repo/"}/build.log)" >&2; exit 1; }
changes=$(echo "$out"/kmem-pmem_"$version"_*.changes)
echo "  LINTIAN $(basename "$changes")"
lintian --fail-on error --display-level '>=warning' "$changes" | tee "$out/lintian.log" ||
	{ echo "mkdeb.sh: lintian found errors (${out#"$repo/"}/lintian.log)" >&2; exit 1; }
for deb in "$out"/*.deb; do
	printf '  %-7s %s (%s KiB, %s KiB installed)\n' DEB "${deb#"$repo/"}" \
		"$(($(stat -c %s "$deb") / 1024))" "$(dpkg-deb -f "$deb" Installed-Size)"
done
echo "  (built in $((SECONDS - start)) s)"
