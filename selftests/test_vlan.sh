#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# VLANs on real frames: access ports in VLANs 10 and 20 on two switches
# joined by a trunk.  All stations share one IP subnet, so whatever keeps
# them apart is the VLANs.
#
#   [a1] .1 --- pa1 (access 10) ┐                          ┌ pa2 (access 10) --- [a2] .4
#   [b1] .2 --- pb1 (access 20) ┼─ xvs A ─ t1 ═══ t2 ─ xvs B ┤
#   [c1] .3 --- pc1 (access 10) ┘  trunk 10,20  trunk 10,20 └ pb2 (access 20) --- [b2] .5
#   (namespace xsw-*)                               (namespace xsw2-*)
#
# HOOK=xdp runs it with the ports at XDP, but t2 (test_vlan_xdp.sh does).
source "$(dirname "$0")/lib/lib.sh"
require_env tshark tcpdump python3

TESTS=(configure same_vlan_local same_vlan_across_trunk vlans_isolated
       broadcast_stays_in_vlan fdb_per_vlan trunk_wire_tshark
       tagged_on_access_dropped move_port_to_other_vlan host_port_in_vlan)

setup() {
	switch_setup
	switch2_setup
	station a1 10.10.0.1/24 02:00:00:00:10:01
	station b1 10.10.0.2/24 02:00:00:00:20:02
	station c1 10.10.0.3/24 02:00:00:00:10:03
	SWNS=$SW2 station a2 10.10.0.4/24 02:00:00:00:10:04
	SWNS=$SW2 station b2 10.10.0.5/24 02:00:00:00:20:05
	ip -n "$SW" link add name t1 type veth peer name t2 netns "$SW2"
	ip -n "$SW" link set t1 up
	ip -n "$SW2" link set t2 up
	# NAPI on both ends, for what XDP redirects into the link.
	sw ethtool -K t1 gro on >/dev/null 2>&1
	nsenter --net=/run/netns/$SW2 ethtool -K t2 gro on >/dev/null 2>&1
	# t2 stays at TC (veth default), where the trunk can be captured and
	# frames cross between an XDP and a TC port when HOOK=xdp.
	xvsctl attach --hook "${HOOK:-auto}" pa1 pb1 pc1 t1 >/dev/null &&
		xvsctl2 attach --hook "${HOOK:-auto}" pa2 pb2 >/dev/null &&
		xvsctl2 attach t2 >/dev/null
}

configure() {
	check xvsctl port set pa1 vlan-mode access tag 10
	check xvsctl port set pb1 vlan-mode access tag 20
	check xvsctl port set pc1 vlan-mode access tag 10
	check xvsctl port set t1 vlan-mode trunk trunks 10,20
	check xvsctl2 port set pa2 vlan-mode access tag 10
	check xvsctl2 port set pb2 vlan-mode access tag 20
	check xvsctl2 port set t2 vlan-mode trunk trunks 10,20
	xvsctl port show
	xvsctl port show | grep -q "pb1: vlan-mode access tag 20" || fail "port show"
	xvsctl port show | grep -q "t1: vlan-mode trunk trunks 10,20" || fail "port show"
}

same_vlan_local() {
	ping_ok a1 10.10.0.3 || fail "a1 cannot reach c1 (both VLAN 10)"
}

same_vlan_across_trunk() {
	ping_ok a1 10.10.0.4 || fail "a1 cannot reach a2 over the trunk"
	ping_ok b1 10.10.0.5 || fail "b1 cannot reach b2 over the trunk"
	ping_ok a2 10.10.0.3 || fail "a2 cannot reach c1 over the trunk"
}

vlans_isolated() {
	ping_ok a1 10.10.0.2 && fail "a1 (10) reaches b1 (20)"
	ping_ok b1 10.10.0.1 && fail "b1 (20) reaches a1 (10)"
	ping_ok a1 10.10.0.5 && fail "a1 (10) reaches b2 (20) over the trunk"
	ping_ok b2 10.10.0.4 && fail "b2 (20) reaches a2 (10)"
	return 0
}

# Test frames (EtherType 0x88b5, from a1) to $2 that station $1 receives,
# counted in the background.
count_rx() {
	in_ns "$(ns_of "$1")" timeout 60 tcpdump -l -n -i eth0 -Q in \
		ether dst "$2" and ether src 02:00:00:00:10:01 and ether proto 0x88b5 \
		>"$RUNDIR/rx.$1.out" 2>"$RUNDIR/rx.$1.err" &
	echo "$! $1" >>"$RUNDIR/rx.pids"
}

counts_ready() {
	local s
	for s in "$@"; do
		wait_for 5 grep -q "listening on" "$RUNDIR/rx.$s.err" || return 1
	done
}

rx_n() { grep -c ethertype "$RUNDIR/rx.$1.out"; }

# counts_done N STATION...: once each STATION has N frames (10 s at most:
# a VM without KVM is slow) and the rest have had a moment, stop every
# capture; rx.S holds each one's count.  A fixed capture window was too
# short under TCG.
counts_done() {
	local n=$1 s pid
	shift
	for s in "$@"; do
		wait_for 10 test "$(rx_n "$s")" -ge "$n"
	done
	sleep 1
	while read -r pid s; do kill "$pid" 2>/dev/null; done <"$RUNDIR/rx.pids"
	wait
	while read -r pid s; do rx_n "$s" >"$RUNDIR/rx.$s"; done <"$RUNDIR/rx.pids"
	rm -f "$RUNDIR/rx.pids"
}

# Broadcast and unknown unicast from a1 reach VLAN 10 only.
broadcast_stays_in_vlan() {
	local s dst
	for dst in ff:ff:ff:ff:ff:ff 02:00:00:00:00:99; do
		for s in b1 c1 a2 b2; do count_rx $s $dst; done
		counts_ready b1 c1 a2 b2 || fail "tcpdump did not start"
		in_ns "$(ns_of a1)" python3 - "$dst" <<'PY'
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
dst = bytes.fromhex(sys.argv[1].replace(":", ""))
for _ in range(3):
    s.send(dst + bytes.fromhex("020000001001" "88b5") + bytes(46))
PY
		counts_done 3 c1 a2
		echo "$dst: b1=$(cat $RUNDIR/rx.b1) c1=$(cat $RUNDIR/rx.c1) a2=$(cat $RUNDIR/rx.a2) b2=$(cat $RUNDIR/rx.b2)"
		[ "$(cat $RUNDIR/rx.c1)" = 3 ] || fail "c1 (10) missed the frames to $dst"
		[ "$(cat $RUNDIR/rx.a2)" = 3 ] || fail "a2 (10, over the trunk) missed them"
		[ "$(cat $RUNDIR/rx.b1)" = 0 ] || fail "b1 (20) got VLAN 10's frames"
		[ "$(cat $RUNDIR/rx.b2)" = 0 ] || fail "b2 (20) got VLAN 10's frames"
	done
}

fdb_per_vlan() {
	local f10 f20
	f10=$(xvsctl fdb show vlan 10)
	f20=$(xvsctl fdb show vlan 20)
	echo "$f10"
	echo "$f20"
	echo "$f10" | grep -q "02:00:00:00:10:01 dev pa1 vlan 10" || fail "a1 not in VLAN 10"
	echo "$f10" | grep -q "02:00:00:00:10:04 dev t1 vlan 10" || fail "a2 not behind the trunk"
	echo "$f20" | grep -q "02:00:00:00:20:02 dev pb1 vlan 20" || fail "b1 not in VLAN 20"
	echo "$f10" | grep -q "02:00:00:00:20:02" && fail "b1 listed in VLAN 10"
	return 0
}

# On the trunk, tshark decodes 802.1Q with the VLAN and the PCP: a frame
# priority-tagged PCP 5 on access port pa1 crosses as VID 10 PCP 5.
trunk_wire_tshark() {
	local out
	sw2 ethtool -K t2 rxvlan off txvlan off >/dev/null 2>&1
	# tshark starts in seconds here, in tens of them in a VM without KVM.
	nsenter --net=/run/netns/$SW2 tshark -n -i t2 -a duration:60 -c 1 \
		-f "ether src 02:00:00:00:10:01 and ether dst ff:ff:ff:ff:ff:ff" \
		-T fields -e eth.type -e vlan.id -e vlan.priority -e vlan.etype \
		>"$RUNDIR/tr" 2>"$RUNDIR/tr.err" &
	wait_for 60 grep -q "Capturing on" "$RUNDIR/tr.err" || fail "tshark did not start"
	in_ns "$(ns_of a1)" python3 - <<'PY'
import socket, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for _ in range(8):   # PCP 5, VID 0: a priority tag
    s.send(bytes.fromhex("ffffffffffff" "020000001001" "8100" "a000" "88b5") + bytes(46))
    time.sleep(0.25)
PY
	wait
	out=$(cat "$RUNDIR/tr")
	echo "tshark on the trunk: $out"
	[ "$out" = "$(printf '0x8100\t10\t5\t0x88b5')" ] || fail "not VID 10 PCP 5 on the wire"
}
sw2() { nsenter --net=/run/netns/$SW2 "$@"; }

tagged_on_access_dropped() {
	local before after
	before=$(xvsctl -j stats | grep -o '"vlan_tagged_on_access":[0-9]*' | cut -d: -f2)
	count_rx b1 ff:ff:ff:ff:ff:ff
	count_rx b2 ff:ff:ff:ff:ff:ff
	counts_ready b1 b2 || fail "tcpdump did not start"
	# VLAN hopping: a1 sends into VLAN 20 with a tag, single and double.
	in_ns "$(ns_of a1)" python3 - <<'PY'
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
h = bytes.fromhex("ffffffffffff" "020000001001")
s.send(h + bytes.fromhex("8100" "0014" "88b5") + bytes(46))
s.send(h + bytes.fromhex("8100" "000a" "8100" "0014" "88b5") + bytes(46))
PY
	counts_done 0
	after=$(xvsctl -j stats | grep -o '"vlan_tagged_on_access":[0-9]*' | cut -d: -f2)
	echo "b1 got $(cat $RUNDIR/rx.b1), b2 got $(cat $RUNDIR/rx.b2); drops $before -> $after"
	[ "$(cat $RUNDIR/rx.b1)" = 0 ] && [ "$(cat $RUNDIR/rx.b2)" = 0 ] ||
		fail "a tagged frame hopped into VLAN 20"
	[ $((after - before)) -ge 2 ] || fail "drops not counted as vlan_tagged_on_access"
}

move_port_to_other_vlan() {
	check xvsctl port set pc1 vlan-mode access tag 20
	ping_ok c1 10.10.0.2 || fail "c1, now in 20, cannot reach b1"
	ping_ok c1 10.10.0.5 || fail "c1, now in 20, cannot reach b2"
	ping_ok c1 10.10.0.1 && fail "c1, now in 20, still reaches a1"
	check xvsctl port set pc1 vlan-mode access tag 10
}

# The host's own interface as an access port of VLAN 10: the host talks
# to VLAN 10 (here and over the trunk) and not to VLAN 20.
host_port_in_vlan() {
	uplink up0 10.10.0.254/24 10.10.0.100/24
	check xvsctl attach up0
	check xvsctl port set up0 vlan-mode access tag 10
	xvsctl fdb show | grep "local"
	xvsctl fdb show | grep -q "dev up0 vlan 10 .*local" || fail "host MAC not in VLAN 10"
	ping_ok a1 10.10.0.254 || fail "a1 (10) cannot reach the host"
	ping_ok a2 10.10.0.254 || fail "a2 (10, over the trunk) cannot reach the host"
	ping_ok w 10.10.0.1 || fail "w behind the host port cannot reach a1"
	sw ping -c 2 -i 0.2 -W 2 -q 10.10.0.4 >/dev/null || fail "the host cannot reach a2"
	ping_ok b1 10.10.0.254 && fail "b1 (20) reaches the host"
	ping_ok b2 10.10.0.254 && fail "b2 (20) reaches the host"
	return 0
}

ktap_run "$@"
