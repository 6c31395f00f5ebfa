#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# A real VM on AF_XDP ports through the relay: Debian 12's QEMU (7.2,
# which has no AF_XDP backend) boots Debian 12's kernel under software
# emulation with two virtio-net devices, one on each of QEMU's unix socket
# backends: -netdev stream on vm1's relay, -netdev dgram on vm2's.  The
# guest pings a station through each, and each station pings it back.
#
#   [a-*] eth0 --- pa ── bridge br0 ── vm1 ═ vm1-xsk ── relay ══ vm1.sock (stream) ══╗
#                                                                                      qemu-system-x86_64 -accel tcg
#   [b-*] eth0 --- pb ── bridge br1 ── vm2 ═ vm2-xsk ── relay ══ vm2.sock (dgram) ═══╝  (virtme-ng): 10.9.1.100, 10.9.2.100
#                       (namespace xsw-*)
#
# The guest is virtme-ng's: the host's root read-only, the kernel the VM
# lane fetched (`make vmtest`: tools/vm-deps.sh kernel .output/vm/kernel,
# or KERNEL=path/to/vmlinuz), its virtio_net module beside it.  Nothing is
# downloaded here: without that kernel, or QEMU, or vng, the test skips.
# The VM boots in 40-60 s under TCG; VM_TIMEOUT (240 s) bounds it.
source "$(dirname "$0")/lib/lib.sh"
require_env jq

TESTS=(vm_pings_stations stations_ping_vm relays_counted vm_leaves)

# The guest's NIC on each port: MAC, address, the station it pings.
MAC1=52:54:00:09:01:64 IP1=10.9.1.100 PEER1=10.9.1.1
MAC2=52:54:00:09:02:64 IP2=10.9.2.100 PEER2=10.9.2.1
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

# The guest's part: find each NIC by its MAC (udev names it), address
# it, ping its station, then stay up for the stations' pings.
guest_script() {
	cat <<-EOF
	modprobe virtio_net
	nic() {
		local d i
		for i in 1 2 3 4 5 6 7 8 9 10; do
			for d in /sys/class/net/*; do
				[ "\$(cat \$d/address)" = "\$1" ] && { echo \${d##*/}; return; }
			done
			sleep 0.5
		done
	}
	up() {
		local dev=\$(nic \$1)
		echo "GUEST_NIC \$1 \$dev"
		ip link set "\$dev" up
		ip addr add \$2/24 dev "\$dev"
		if ping -c 3 -W 5 \$3; then echo "GUEST_PING_OK \$3"; else echo "GUEST_PING_FAILED \$3"; fi
	}
	up $MAC1 $IP1 $PEER1
	up $MAC2 $IP2 $PEER2
	echo GUEST_LINGER
	sleep $GUEST_LINGER
	echo GUEST_DONE
	EOF
}

setup() {
	switch_setup
	station a $PEER1/24 02:00:00:00:09:01
	station b $PEER2/24 02:00:00:00:09:02
	in_ns "$(ns_of a)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	in_ns "$(ns_of b)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	xvsctl attach --bridge br0 pa || return 1
	xvsctl attach --bridge br1 pb || return 1
	xvsctl port add vm1 --bridge br0 --type afxdp --vm-socket "$RUNDIR/vm1.sock" || return 1
	xvsctl port add vm2 --bridge br1 --type afxdp --vm-socket "$RUNDIR/vm2.sock" \
		--framing dgram || return 1
	echo "booting $KERNEL under TCG"
	# vng's microvm machine has no free virtio bus for a NIC: a PC it is,
	# with the device the README shows.  QEMU connects to vm1's relay as a
	# stream client, and sends to vm2's from a dgram socket of its own.
	(
		exec timeout -k 10 "${VM_TIMEOUT:-240}" vng --run "$KERNEL" --user root \
			--disable-kvm --disable-microvm --cpus 1 --memory 512M \
			--qemu-opts="-netdev stream,id=n1,server=off,addr.type=unix,addr.path=$RUNDIR/vm1.sock -device virtio-net-pci,netdev=n1,mac=$MAC1 -netdev dgram,id=n2,local.type=unix,local.path=$RUNDIR/qemu-vm2.sock,remote.type=unix,remote.path=$RUNDIR/vm2.sock -device virtio-net-pci,netdev=n2,mac=$MAC2" \
			-- "$(guest_script)"
	) >"$VM_LOG" 2>&1 </dev/null &
	echo "pid $!" >>"$STATE"
	echo $! >"$RUNDIR/vm.pid"
}

# relay_stat PORT FIELD, vm_state PORT: as xvsctl shows them.
relay_stat() {
	xvsctl -j show | jq -er --arg p "$1" --arg f "$2" \
		'.. | objects | select(.name? == $p) | .afxdp.relay_stats[$f]'
}

vm_state() {
	xvsctl -j show | jq -r --arg p "$1" \
		'.. | objects | select(.name? == $p) | .afxdp.consumer.state'
}

vm_pings_stations() {
	local t=$SECONDS
	wait_for "${VM_TIMEOUT:-240}" grep -qE "GUEST_PING_(OK|FAILED) $PEER2" "$VM_LOG"
	grep -E 'GUEST_|packets transmitted|qemu|error' "$VM_LOG" | head -20
	echo "the guest pinged after $((SECONDS - t)) s"
	grep -q "GUEST_PING_OK $PEER1" "$VM_LOG" || fail "unanswered through vm1 (stream)"
	grep -q "GUEST_PING_OK $PEER2" "$VM_LOG" || fail "unanswered through vm2 (dgram)"
}

stations_ping_vm() {
	grep -q GUEST_LINGER "$VM_LOG" || fail "the guest is not up"
	[ "$(vm_state vm1)" = "VM connected" ] || fail "xvsctl show vm1: $(vm_state vm1)"
	[ "$(vm_state vm2)" = "VM connected" ] || fail "xvsctl show vm2: $(vm_state vm2)"
	check ping_ok a $IP1
	check ping_ok b $IP2
}

relays_counted() {
	local p
	xvsctl show | sed -n '/port .* vm1 /,/dropped: drop_no_peer/p'
	for p in vm1 vm2; do
		[ "$(relay_stat $p to_peer_packets)" -ge 6 ] || fail "$p: to_peer_packets"
		[ "$(relay_stat $p from_peer_packets)" -ge 6 ] || fail "$p: from_peer_packets"
		[ "$(relay_stat $p connects)" = 1 ] || fail "$p: connects"
		[ "$(relay_stat $p drop_too_big)" = 0 ] && [ "$(relay_stat $p drop_tx_full)" = 0 ] ||
			fail "$p: drops"
	done
}

# The VM powers off: each relay sees it go (the dgram one by its socket's
# going) and waits for the next one.
vm_leaves() {
	local p
	wait_for $((GUEST_LINGER + 60)) bash -c "! kill -0 $(cat "$RUNDIR/vm.pid")" ||
		fail "the VM did not end"
	grep -q GUEST_DONE "$VM_LOG" || fail "the guest did not finish"
	for p in vm1 vm2; do
		wait_for 5 test "$(relay_stat $p disconnects)" = 1 || fail "$p: disconnect not counted"
		[ "$(vm_state $p)" = "waiting for the VM" ] || fail "xvsctl show $p: $(vm_state $p)"
	done
	grep "relay vm" "$RUNDIR/$INST.log"
}

vm_requirements
ktap_run "$@"
