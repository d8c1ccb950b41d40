#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# The Debian root that `vm-root: debian` tests boot (tests/README.md): a raw
# ext4 image of this machine's Debian release, built by mmdebstrap from the
# archive the apt sources name, and cached. It has
#
#   - systemd as init, udev, kmod, openssl (DKMS signs modules with it), and
#     the release's default kernel: linux-image-amd64, linux-headers-amd64
#     (without recommendations: mmdebstrap's default, and a shorter boot);
#   - what the packages in DEBDIR depend on (their Depends fields), but
#     nothing of kmem_pmem: in the VM, apt installs the two packages alone
#     (installing their ~100 dependencies and recommendations under TCG
#     took 290 s);
#   - in apt's cache (/var/cache/apt/archives), downloaded, not installed,
#     and nothing else: what installing the image and headers of kernel
#     KVER2 fetches (and whatever `apt-get install ./PKG.deb...` would still
#     fetch), recommendations included as apt's default is, so that apt
#     installs them inside the VM without network;
#   - apt's and man-db's daily timers masked: they would take dpkg's lock
#     in the middle of a test;
#   - a unit, kmp-test.service, that runs the harness's guest-run from the
#     9p share kmp_log after multi-user.target (tests/vm/debian-guest-run.sh);
#   - an initramfs with only what this VM's disk needs (MODULES=list:
#     virtio_pci, virtio_blk, ext4), to keep kernel installs short under TCG.
#
# The cache key covers this script, KVER2, the mirror and the packages'
# Depends/Recommends (not their versions): a new build of the packages
# reuses the image. Output: OUTDIR/KEY/root.img (printed on stdout), kept
# until `make clean`; older images in OUTDIR are removed.
#
# usage: debian-image.sh DEBDIR KVER2 OUTDIR
set -euo pipefail

debdir=${1:-} kver2=${2:-} outdir=${3:-}
[[ -n $debdir && -n $kver2 && -n $outdir ]] || { echo "usage: $0 DEBDIR KVER2 OUTDIR" >&2; exit 2; }
me=debian-image.sh
log() { echo "  IMAGE   $*" >&2; }
die() { echo "$me: $*" >&2; exit 1; }

debs=()
for p in kmem-pmem-dkms pmemctl; do
	found=("$debdir/${p}_"*.deb)
	[[ -f ${found[-1]} ]] || die "no $p package in $debdir (make deb)"
	debs+=("${found[-1]}")
done

# shellcheck source=/dev/null
codename=$(. /etc/os-release && echo "${VERSION_CODENAME:-}")
[[ -n $codename ]] || die "no VERSION_CODENAME in /etc/os-release"
# The mirrors of this release and of its security suite, as apt knows them.
mirror_of() { # RELEASE
	# shellcheck disable=SC2016 # apt's $(FIELD) placeholders, not shell
	apt-get indextargets --format '$(REPO_URI) $(RELEASE)' 'Created-By: Packages' 2> /dev/null |
		awk -v r="$1" '$2 == r { print $1; exit }'
}
mirror=${KMP_DEBIAN_MIRROR:-$(mirror_of "$codename")}
mirror=${mirror:-http://deb.debian.org/debian/}
security=$(mirror_of "$codename-security")
security=${security:-http://deb.debian.org/debian-security/}
sources="deb ${mirror%/} $codename main
deb ${mirror%/} $codename-updates main
deb ${security%/} $codename-security main"

# The packages' dependencies: the first alternative of each, unversioned.
deps=$(for d in "${debs[@]}"; do dpkg-deb -f "$d" Depends; done |
	tr ',' '\n' | sed 's/|.*//; s/(.*)//; s/[[:space:]]//g' | grep -v '^$' | sort -u | paste -sd,)

key=$({
	cat "$0"
	echo "$kver2"
	echo "$sources"
	for d in "${debs[@]}"; do dpkg-deb -f "$d" Package Depends Recommends; done
} | sha256sum | cut -c1-16)
dir=$outdir/$key
img=$dir/root.img
if [[ -f $dir/.done ]]; then
	log "cached: $img"
	echo "$img"
	exit 0
fi
command -v mmdebstrap > /dev/null || die "mmdebstrap is needed (scripts/deps.sh)"
mkdir -p "$outdir"
for old in "$outdir"/*/; do
	[[ -d $old && $old != "$dir/" ]] && rm -rf "$old"
done
rm -rf "$dir"
mkdir -p "$dir"
root=$dir/root
start=$SECONDS

# The guest runner's unit: mounts the harness's share and runs what it
# put there for this boot.
cat > "$dir/kmp-test.service" <<'EOF'
[Unit]
Description=kmem_pmem test harness: run the test of this boot (9p share kmp_log)
After=multi-user.target

[Service]
Type=oneshot
ExecStart=/bin/sh -c "modprobe -a 9p 9pnet_virtio && mkdir -p /run/kmp-log && mount -t 9p -o trans=virtio,version=9p2000.L,msize=262144 kmp_log /run/kmp-log && exec /bin/bash /run/kmp-log/guest-run"
StandardOutput=journal+console
StandardError=journal+console

[Install]
WantedBy=multi-user.target
EOF

log "mmdebstrap $codename ($mirror) into $dir"
in_chroot_debs=()
for d in "${debs[@]}"; do in_chroot_debs+=("/tmp/${d##*/}"); done
# shellcheck disable=SC2016 # "$1" is for the hooks' shell
mmdebstrap --variant=apt --mode=root \
	--include="systemd-sysv,udev,kmod,e2fsprogs,openssl,linux-image-amd64,linux-headers-amd64,$deps" \
	--aptopt='Acquire::Languages "none"' \
	--dpkgopt='path-exclude=/usr/share/doc/*' --dpkgopt='path-include=/usr/share/doc/*/copyright' \
	--dpkgopt='path-exclude=/usr/share/locale/*' \
	--setup-hook='mkdir -p "$1/etc/initramfs-tools/conf.d"' \
	--setup-hook='echo MODULES=list > "$1/etc/initramfs-tools/conf.d/kmp-test.conf"' \
	--setup-hook='printf "%s\n" virtio_pci virtio_blk ext4 > "$1/etc/initramfs-tools/modules"' \
	--customize-hook='echo kmp-debian > "$1/etc/hostname"' \
	--customize-hook='echo "/dev/vda / ext4 rw,errors=remount-ro 0 1" > "$1/etc/fstab"' \
	--customize-hook="copy-in $dir/kmp-test.service /etc/systemd/system" \
	--customize-hook='chroot "$1" systemctl enable kmp-test.service' \
	--customize-hook='chroot "$1" systemctl mask apt-daily.timer apt-daily-upgrade.timer man-db.timer' \
	--customize-hook='chroot "$1" apt-get clean' \
	--customize-hook="copy-in ${debs[*]} /tmp" \
	--customize-hook="chroot \"\$1\" apt-get install --download-only -y -q -o APT::Install-Recommends=true ${in_chroot_debs[*]}" \
	--customize-hook="chroot \"\$1\" apt-get install --download-only -y -q -o APT::Install-Recommends=true linux-image-$kver2 linux-headers-$kver2" \
	--skip=cleanup/apt/lists,cleanup/apt/cache \
	"$codename" "$root" - <<< "$sources" > "$dir/mmdebstrap.log" 2>&1 ||
	{ tail -n 20 "$dir/mmdebstrap.log" >&2; die "mmdebstrap failed (log: $dir/mmdebstrap.log)"; }
ls "$root"/boot/vmlinuz-* > /dev/null 2>&1 || die "no kernel in the image"
log "root filled in $((SECONDS - start)) s ($(du -sm "$root" | cut -f1) MiB)"

# 8 GiB, sparse: room for the second kernel and the DKMS builds.
mkfs.ext4 -q -F -L kmp-debian -d "$root" "$img.tmp" 8G > /dev/null
rm -rf "$root"
mv "$img.tmp" "$img"
touch "$dir/.done"
log "built in $((SECONDS - start)) s: $img"
echo "$img"
