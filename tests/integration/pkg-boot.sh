#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-root: debian
# vm-boots: 3
# vm-nvdimm: 2G
# vm-timeout: 900
# vm-cmdline: memory_hotplug.memmap_on_memory=1 memhp_default_state=offline
# vm-between: tests/lib/pkg-second-kernel.sh
#
# The admin's path, in a Debian root booted with systemd (tests/vm/debian-image.sh,
# no network): boot 1 installs the two packages of this tree with apt (DKMS
# builds the module for the running kernel), sets the pmem up with pmemctl,
# leaves some sections volatile and writes data to persistent ones (each a
# device-dax instance: tests/helpers/dax_io.c maps it), and
# reboots with `systemctl reboot`. Boot 2 finds the device claimed by
# kmem_pmem as the pmem stack made it (the package's modprobe.d softdep loads
# kmem_pmem first, so device_dax never maps it), the split restored by
# pmemctl-restore.service before multi-user.target (and before services that
# order themselves after it, or not at all), the data intact and the unit's
# journal saying what it did. Then a second kernel is installed with apt,
# and its hooks have DKMS build the module for it: chrooted into the image
# on the host between boots 2 and 3 (tests/lib/pkg-second-kernel.sh: inside
# the VM it takes 13 minutes under TCG), or inside the VM in boot 2 with
# KMP_TEST_KERNEL_IN_VM=1. Boot 3 runs that kernel, finds its module built
# and signed by DKMS, and checks the restore again. Times go to out/timings.
. tests/lib/guest.sh

debs=("$KMP_REPO"/build/deb/kmem-pmem-dkms_*.deb "$KMP_REPO"/build/deb/pmemctl_*.deb)
volatile=0-5
mib=$((1 << 20))
timings=$KMP_OUT/timings
export DEBIAN_FRONTEND=noninteractive

note() { echo "$*" | tee -a "$timings"; }

# The device-dax instance serving persistent section $1 of $dev: a bind
# creates them in the background, so wait for its link.
section_dax() {
	local link=/sys/bus/dax/devices/$dev/kmem_pmem/section$1
	wait_for 60 test -L "$link"
	wait_for 10 test -c "/dev/$(basename "$(readlink "$link")")"
	echo "/dev/$(basename "$(readlink "$link")")"
}

# Device-dax has no read() or write(): dax_io maps it (built on the host by
# tests/vm/debian-root.sh: the image has no libc headers).
dax_io=$KMP_REPO/build/debian-helpers/dax_io

# Seconds DKMS spent building kmem_pmem for kernel $1: from the start date
# make.log records to the time it was last written. The log is kept in out/.
dkms_seconds() {
	local log start
	log=$(echo /var/lib/dkms/kmem-pmem/*/"$1"/*/log/make.log)
	[[ -f $log ]] || fail "no DKMS make.log for $1"
	cp "$log" "$KMP_OUT/dkms-make-$1.log"
	cp /var/log/dpkg.log "$KMP_OUT/dpkg-boot$KMP_BOOT.log"
	start=$(date -d "$(sed -n 2p "$log")" +%s) || fail "no date in $log"
	echo $(($(stat -c %Y "$log") - start))
}

# The module built and installed by DKMS for kernel $1.
expect_dkms_module() {
	local k=$1 path status
	status=$(dkms status -m kmem-pmem -k "$k" 2>> "$KMP_OUT/dkms-status.err")
	[[ $status == *": installed"* ]] || fail "dkms status for $k: '$status'"
	path=$(modinfo -k "$k" -n kmem_pmem) || fail "modinfo finds no kmem_pmem for $k"
	[[ $path == "/lib/modules/$k/updates/dkms/kmem_pmem.ko"* ]] || fail "kmem_pmem for $k is $path"
	# DKMS signs what it builds with its MOK key (openssl is in the image).
	[[ -f /var/lib/dkms/mok.pub ]] || fail "DKMS made no MOK key"
	[[ $(modinfo -k "$k" -F signer kmem_pmem) == "DKMS module signing key" ]] ||
		fail "kmem_pmem for $k is not signed by DKMS's key"
}

# A unit's timestamp property, in microseconds since the kernel started.
mono() {
	systemctl show -P "$2" "$1"
}

# Boots 2 and 3: what pmemctl-restore.service brought back before anything
# else ran.
check_restored() {
	local dev size expect_kib t_restore t_sysinit t_multi t_probe unit line i sum
	dev=$(< "$KMP_OUT/dev")
	size=$(< "$KMP_OUT/section_size")
	# Each volatile section is RAM but for its memmap: 64 B per 4 KiB page.
	expect_kib=$(($(< "$KMP_OUT/volatile_count") * (size / 1024 - size / 1024 / 64)))

	step "pmemctl-restore.service ran, and succeeded"
	[[ $(systemctl show -P ActiveState pmemctl-restore.service) == active ]] ||
		fail "pmemctl-restore.service is $(systemctl show -P ActiveState pmemctl-restore.service)"
	[[ $(systemctl show -P Result pmemctl-restore.service) == success ]] ||
		fail "pmemctl-restore.service: result $(systemctl show -P Result pmemctl-restore.service)"

	step "the split is back: $volatile volatile and online, $(< "$KMP_OUT/persistent") persistent"
	[[ -e /sys/bus/dax/drivers/kmem_pmem/$dev ]] || fail "$dev is not bound to kmem_pmem"
	[[ $(cat "/sys/bus/dax/devices/$dev/kmem_pmem/volatile") == "$volatile" ]] ||
		fail "volatile: $(cat "/sys/bus/dax/devices/$dev/kmem_pmem/volatile")"
	[[ $(cat "/sys/bus/dax/devices/$dev/kmem_pmem/online") == "$volatile" ]] ||
		fail "online: $(cat "/sys/bus/dax/devices/$dev/kmem_pmem/online")"
	[[ $(cat "/sys/bus/dax/devices/$dev/kmem_pmem/persistent") == "$(< "$KMP_OUT/persistent")" ]] ||
		fail "persistent: $(cat "/sys/bus/dax/devices/$dev/kmem_pmem/persistent")"
	line=$(grep MemTotal /sys/devices/system/node/node1/meminfo)
	[[ $line == *" $expect_kib kB" ]] || fail "node 1: '$line', expected $expect_kib kB"

	step "... before sysinit.target, so before multi-user.target and every ordinary service"
	t_restore=$(mono pmemctl-restore.service ActiveEnterTimestampMonotonic)
	t_sysinit=$(mono sysinit.target ActiveEnterTimestampMonotonic)
	t_multi=$(mono multi-user.target ActiveEnterTimestampMonotonic)
	((t_restore > 0 && t_restore <= t_sysinit && t_sysinit <= t_multi)) ||
		fail "restore done at ${t_restore} us, sysinit.target at $t_sysinit us, multi-user.target at $t_multi us"
	for unit in kmp-probe-after kmp-probe-default; do
		t_probe=$(mono "$unit.service" ExecMainStartTimestampMonotonic)
		((t_probe > t_restore)) || fail "$unit started at $t_probe us, before restore finished ($t_restore us)"
		[[ -f /run/$unit ]] || fail "$unit.service recorded nothing"
		[[ $(sed -n 1p "/run/$unit") == *" $expect_kib kB" ]] ||
			fail "$unit.service found node 1 with '$(sed -n 1p "/run/$unit")', expected $expect_kib kB"
		[[ $(sed -n 2p "/run/$unit") == "$volatile" ]] ||
			fail "$unit.service found sections '$(sed -n 2p "/run/$unit")' online, expected $volatile"
	done
	# Where the boot's time went, up to the restore (ms after the kernel started).
	for unit in systemd-udev-trigger.service systemd-udev-settle.service pmemctl-restore.service; do
		echo "$unit: started $(($(mono "$unit" ExecMainStartTimestampMonotonic) / 1000)) ms, active $(($(mono "$unit" ActiveEnterTimestampMonotonic) / 1000)) ms"
	done > "$KMP_OUT/boot$KMP_BOOT-times"
	echo "userspace (initrd) from $(($(systemctl show -P InitRDTimestampMonotonic) / 1000)) ms, root from $(($(systemctl show -P UserspaceTimestampMonotonic) / 1000)) ms" >> "$KMP_OUT/boot$KMP_BOOT-times"
	note "boot $KMP_BOOT ($KVER): split restored $((t_restore / 1000)) ms after the kernel started; sysinit.target $((t_sysinit / 1000)) ms, multi-user.target $((t_multi / 1000)) ms"

	step "kmem_pmem claimed $dev as it appeared (the package's modprobe.d softdep loads it first): device_dax never had it"
	journalctl -b -k -o cat > "$KMP_OUT/kernel-boot$KMP_BOOT.log"
	grep -qF "$dev: claimed by kmem_pmem: its media carries a kmem_pmem table" "$KMP_OUT/kernel-boot$KMP_BOOT.log" ||
		fail "the kernel log lacks kmem_pmem's claim of $dev"

	step "its journal says what it did"
	journalctl -b -o cat -u pmemctl-restore.service > "$KMP_OUT/restore-boot$KMP_BOOT.journal"
	line="$dev: $(< "$KMP_OUT/volatile_count") volatile sections, $(< "$KMP_OUT/volatile_count") online ($(< "$KMP_OUT/volatile_count") onlined now"
	grep -qF "$line" "$KMP_OUT/restore-boot$KMP_BOOT.journal" ||
		fail "the journal of pmemctl-restore.service lacks '$line': $(tr '\n' '|' < "$KMP_OUT/restore-boot$KMP_BOOT.journal")"

	step "the persistent sections' data is intact"
	for i in $(< "$KMP_OUT/data_sections"); do
		sum=$("$dax_io" read "$(section_dax "$i")" 0 $((4 * mib)) | sha256sum)
		[[ $sum == "$(< "$KMP_OUT/data-$i.sha256")" ]] || fail "section $i: the data changed"
	done
}

case $KMP_BOOT in
1)
	step "boot 1 on $KVER: no network, no kmem_pmem"
	for n in /sys/class/net/*; do
		if [[ ${n##*/} != lo ]]; then
			fail "the VM has a network interface: ${n##*/}"
		fi
	done
	expect_fail dpkg-query -W kmem-pmem-dkms pmemctl
	expect_fail modinfo kmem_pmem
	[[ -f ${debs[0]} && -f ${debs[1]} ]] || fail "no packages in build/deb (make deb)"
	: > "$timings"

	step "apt-get install the two packages: DKMS builds kmem_pmem for $KVER"
	start=$SECONDS
	apt-get install -y -q "${debs[@]}" > "$KMP_OUT/apt-packages.log" 2>&1 ||
		fail "apt-get install failed: $(tail -n 3 "$KMP_OUT/apt-packages.log" | tr '\n' '|')"
	note "apt-get install of the packages: $((SECONDS - start)) s, of which DKMS build for $KVER: $(dkms_seconds "$KVER") s"
	expect_dkms_module "$KVER"
	[[ $(systemctl is-enabled pmemctl-restore.service) == enabled ]] ||
		fail "pmemctl-restore.service is $(systemctl is-enabled pmemctl-restore.service), not enabled"
	[[ -f /usr/share/man/man8/pmemctl.8.gz && -f /usr/share/bash-completion/completions/pmemctl ]] ||
		fail "no man page or bash completion"
	[[ $(modprobe --showconfig | grep '^softdep dax_pmem') == *"pre: kmem_pmem"* ]] ||
		fail "modprobe does not load kmem_pmem before dax_pmem (the package's /lib/modprobe.d/kmem_pmem.conf)"

	step "modprobe kmem_pmem; pmemctl setup: the NVDIMM's namespace to kmem_pmem"
	modprobe kmem_pmem
	ns=
	for d in /sys/bus/nd/devices/namespace*.*; do
		if [[ $(< "$d/size") != 0 ]]; then
			ns=${d##*/}
			break
		fi
	done
	[[ -n $ns ]] || fail "no namespace on the NVDIMM"
	pmemctl setup "$ns" > "$KMP_OUT/setup.log" 2>&1 || fail "pmemctl setup $ns: $(tail -n 2 "$KMP_OUT/setup.log" | tr '\n' '|')"
	dev=
	for d in /sys/bus/dax/drivers/kmem_pmem/dax*.*; do
		if [[ -e $d ]]; then
			dev=${d##*/}
		fi
	done
	[[ -n $dev ]] || fail "pmemctl setup bound no device to kmem_pmem"
	sections=$(< "/sys/bus/dax/devices/$dev/kmem_pmem/sections")
	size=$(< "/sys/bus/dax/devices/$dev/kmem_pmem/section_size")
	((sections >= 8)) || fail "$dev has $sections sections"
	persistent=6-$((sections - 1))
	data_sections="6 $((sections - 1))"

	step "sections $volatile volatile, $persistent persistent, data in sections $data_sections"
	pmemctl persistent "$dev" "$persistent" > "$KMP_OUT/persistent.log" 2>&1 ||
		fail "pmemctl persistent: $(tail -n 2 "$KMP_OUT/persistent.log" | tr '\n' '|')"
	[[ $(< "/sys/bus/dax/devices/$dev/kmem_pmem/volatile") == "$volatile" ]] || fail "volatile is not $volatile"
	[[ $(< "/sys/bus/dax/devices/$dev/kmem_pmem/online") == "$volatile" ]] || fail "online is not $volatile"
	for i in $data_sections; do
		dd if=/dev/urandom of="/tmp/data-$i" bs=1M count=4 status=none
		sha256sum < "/tmp/data-$i" > "$KMP_OUT/data-$i.sha256"
		"$dax_io" write "$(section_dax "$i")" 0 < "/tmp/data-$i" || fail "cannot write section $i's data"
	done
	echo "$dev" > "$KMP_OUT/dev"
	echo "$size" > "$KMP_OUT/section_size"
	echo "$persistent" > "$KMP_OUT/persistent"
	echo "$data_sections" > "$KMP_OUT/data_sections"
	echo 6 > "$KMP_OUT/volatile_count"
	echo "$KVER" > "$KMP_OUT/kver1"

	step "two services that look at node 1 when they start: one After= the unit, one with default dependencies only"
	for unit in kmp-probe-after kmp-probe-default; do
		after=
		if [[ $unit == kmp-probe-after ]]; then
			after="After=pmemctl-restore.service"
		fi
		cat > "/etc/systemd/system/$unit.service" <<-EOF
		[Unit]
		Description=kmem_pmem test: what an ordinary service finds on node 1
		$after

		[Service]
		Type=oneshot
		ExecStart=/bin/sh -c 'grep MemTotal /sys/devices/system/node/node1/meminfo > /run/$unit; cat /sys/bus/dax/devices/$dev/kmem_pmem/online >> /run/$unit'

		[Install]
		WantedBy=multi-user.target
		EOF
		systemctl enable --quiet "$unit.service"
	done
	step "systemctl reboot"
	;;
2)
	step "boot 2 on $KVER"
	check_restored

	k2=$KMP_DEBIAN_KVER2
	[[ -n $k2 ]] || fail "the harness named no second kernel"
	if [[ ${KMP_TEST_KERNEL_IN_VM:-0} != 1 ]]; then
		step "the second kernel, $k2, is installed into the image before boot 3 (tests/lib/pkg-second-kernel.sh)"
		echo ok
		exit 0
	fi
	step "apt-get install a second kernel, $k2: DKMS builds kmem_pmem for it"
	start=$SECONDS
	apt-get install -y -q "linux-image-$k2" "linux-headers-$k2" > "$KMP_OUT/apt-kernel.log" 2>&1 ||
		fail "apt-get install of $k2 failed: $(tail -n 3 "$KMP_OUT/apt-kernel.log" | tr '\n' '|')"
	note "apt-get install of $k2 in the VM: $((SECONDS - start)) s, of which DKMS build: $(dkms_seconds "$k2") s"
	step "systemctl reboot (into $k2, the newest kernel)"
	;;
3)
	step "boot 3 on $KVER"
	[[ $(uname -r) == "$KMP_DEBIAN_KVER2" ]] || fail "booted $(uname -r), not the second kernel $KMP_DEBIAN_KVER2"
	step "DKMS built kmem_pmem for $KVER when it was installed, and keeps the first kernel's"
	expect_dkms_module "$KVER"
	expect_dkms_module "$(< "$KMP_OUT/kver1")"
	where=VM
	[[ ${KMP_TEST_KERNEL_IN_VM:-0} == 1 ]] || where="image's chroot, on the host"
	note "DKMS build for $KVER (in the $where): $(dkms_seconds "$KVER") s"
	check_restored
	;;
esac
echo ok
