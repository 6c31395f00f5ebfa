#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# A real VM on an AF_XDP port through the relay: Debian 12's QEMU (7.2,
# which has no AF_XDP backend) boots Debian 12's kernel under software
# emulation with its virtio-net device on the relay's unix socket
# (-netdev stream), and the guest and a namespace ping each other
# through the switch.
#
#   [a-*] eth0 --- pa ┐
#                     ├── xvs bridge br0 ── vm1 ═ vm1-xsk ── xvsd relay ══ vm1.sock
#                     │     (namespace xsw-*)                                  ║
#                     │                          qemu-system-x86_64 -accel tcg (virtme-ng)
#                     │                          virtio-net-pci, guest 10.9.1.100
#
# The guest is virtme-ng's: the host's root read-only, the kernel the VM
# lane fetched (`make vmtest`: tools/vm-deps.sh kernel .output/vm/kernel,
# or KERNEL=path/to/vmlinuz), its virtio_net module beside it.  Nothing is
# downloaded here: without that kernel, or QEMU, or vng, the test skips.
# The VM boots in about a minute under TCG; VM_TIMEOUT (240 s) bounds it.
source "$(dirname "$0")/lib/lib.sh"
require_env jq

TESTS=(vm_pings_station station_pings_vm relay_counted vm_leaves)

VM_MAC=52:54:00:09:01:64
VM_IP=10.9.1.100
SOCK=$RUNDIR/vm1.sock
VM_LOG=$RUNDIR/vm.log
# How long the guest stays up after its own pings, for the station's.
GUEST_LINGER=10

vm_requirements() {
	local mod
	command -v qemu-system-x86_64 >/dev/null ||
		ktap_skip_all "qemu-system-x86_64 not installed (tools/vm-deps.sh installs qemu-system-x86)"
	command -v vng >/dev/null ||
		ktap_skip_all "vng not installed (tools/vm-deps.sh installs virtme-ng)"
	# Emulating a VM inside the VM lane's own TCG guest would take ages.
	grep -qE 'virtme[_.]' /proc/cmdline 2>/dev/null &&
		ktap_skip_all "already inside a virtme-ng guest"
	KERNEL=${KERNEL:-$(ls "$TOP"/.output/vm/kernel/*/boot/vmlinuz-* 2>/dev/null | tail -1)}
	[ -n "$KERNEL" ] && [ -f "$KERNEL" ] ||
		ktap_skip_all "no guest kernel in .output/vm/kernel (make vmtest fetches it, or KERNEL=vmlinuz)"
	KVER=${KERNEL##*/vmlinuz-}
	mod=$(find "${KERNEL%/boot/*}/lib/modules/$KVER" -name 'virtio_net.ko*' 2>/dev/null | head -1)
	[ -n "$mod" ] || ktap_skip_all "the guest kernel $KVER has no virtio_net module beside it"
}

# The guest's part: find the NIC by its MAC (udev names it), address it,
# ping the station, then stay up for the station's pings.
guest_script() {
	cat <<-EOF
	modprobe virtio_net
	dev=
	for i in 1 2 3 4 5 6 7 8 9 10; do
		for d in /sys/class/net/*; do
			[ "\$(cat \$d/address)" = "$VM_MAC" ] && dev=\${d##*/}
		done
		[ -n "\$dev" ] && break
		sleep 0.5
	done
	echo "GUEST_NIC \$dev"
	ip link set "\$dev" up
	ip addr add $VM_IP/24 dev "\$dev"
	if ping -c 3 -W 5 10.9.1.1; then echo GUEST_PING_OK; else echo GUEST_PING_FAILED; fi
	echo GUEST_LINGER
	sleep $GUEST_LINGER
	echo GUEST_DONE
	EOF
}

setup() {
	switch_setup
	station a 10.9.1.1/24 02:00:00:00:09:01
	in_ns "$(ns_of a)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	xvsctl attach --bridge br0 pa || return 1
	xvsctl port add vm1 --bridge br0 --type afxdp --vm-socket "$SOCK" || return 1
	echo "booting $KERNEL under TCG"
	# vng's microvm machine has no free virtio bus for a NIC: a PC it is,
	# with the device the README shows.  QEMU connects to the relay as a
	# stream client.
	(
		exec timeout -k 10 "${VM_TIMEOUT:-240}" vng --run "$KERNEL" --user root \
			--disable-kvm --disable-microvm --cpus 1 --memory 512M \
			--qemu-opts="-netdev stream,id=n0,server=off,addr.type=unix,addr.path=$SOCK -device virtio-net-pci,netdev=n0,mac=$VM_MAC" \
			-- "$(guest_script)"
	) >"$VM_LOG" 2>&1 </dev/null &
	echo "pid $!" >>"$STATE"
	echo $! >"$RUNDIR/vm.pid"
}

relay_stat() {
	xvsctl -j show | jq -er --arg f "$1" \
		'.. | objects | select(.name? == "vm1") | .afxdp.relay_stats[$f]'
}

vm_state() {
	xvsctl -j show | jq -r '.. | objects | select(.name? == "vm1") | .afxdp.consumer.state'
}

vm_pings_station() {
	local t=$SECONDS
	wait_for "${VM_TIMEOUT:-240}" grep -qE 'GUEST_PING_(OK|FAILED)' "$VM_LOG"
	grep -E 'GUEST_|packets transmitted|qemu|error' "$VM_LOG" | head -20
	echo "the guest pinged after $((SECONDS - t)) s"
	grep -q GUEST_PING_OK "$VM_LOG" || fail "the guest's pings went unanswered"
}

station_pings_vm() {
	grep -q GUEST_LINGER "$VM_LOG" || fail "the guest is not up"
	[ "$(vm_state)" = "VM connected" ] || fail "xvsctl show: $(vm_state)"
	check ping_ok a $VM_IP
}

relay_counted() {
	xvsctl show | sed -n '/port .* vm1 /,$p'
	[ "$(relay_stat to_peer_packets)" -ge 6 ] || fail "to_peer_packets"
	[ "$(relay_stat from_peer_packets)" -ge 6 ] || fail "from_peer_packets"
	[ "$(relay_stat connects)" = 1 ] || fail "connects"
	[ "$(relay_stat drop_too_big)" = 0 ] && [ "$(relay_stat drop_tx_full)" = 0 ] ||
		fail "drops"
}

# The VM powers off: the relay sees it go and waits for the next one.
vm_leaves() {
	wait_for $((GUEST_LINGER + 60)) bash -c "! kill -0 $(cat "$RUNDIR/vm.pid")" ||
		fail "the VM did not end"
	grep -q GUEST_DONE "$VM_LOG" || fail "the guest did not finish"
	wait_for 5 test "$(relay_stat disconnects)" = 1 || fail "disconnect not counted"
	[ "$(vm_state)" = "waiting for the VM" ] || fail "xvsctl show: $(vm_state)"
	grep "relay vm1" "$RUNDIR/$INST.log"
}

vm_requirements
ktap_run "$@"
