#!/bin/sh
# Print the ABI name of Debian 12's stock kernel (e.g. 6.1.0-56-amd64): the
# version the linux-image-amd64 metapackage depends on. Falls back to the
# newest installed 6.1 image. Never hard-code it: it moves with the archive.
v=$(dpkg-query -W -f='${Depends}' linux-image-amd64 2>/dev/null |
	sed -n 's/.*linux-image-\([0-9][^ ,]*-amd64\).*/\1/p')
if [ -z "$v" ]; then
	v=$(ls /boot/vmlinuz-6.1.*-amd64 2>/dev/null | sed 's|/boot/vmlinuz-||' | sort -V | tail -n1)
fi
[ -n "$v" ] || { echo "kver.sh: no Debian kernel found (run scripts/deps.sh)" >&2; exit 1; }
echo "$v"
