#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The learning switch on real frames: three namespaces on veths and a
# "VM" on a tap, attached with one command.
#
#   [a-*] eth0 --- pa ┐                        ┌ tap0 --- tap_vm (10.1.0.40)
#   [b-*] eth0 --- pb ┼── xvs bridge br0 ─────┘
#   [c-*] eth0 --- pc ┘     (namespace xsw-*)
#
# Cases: attach in one call; all pairs ping; the FDB has every MAC on its
# port; unknown unicast reaches every other port and only them; broadcast
# decodes in tshark as sent; counters; detach gives the interfaces back.
source "$(dirname "$0")/lib/lib.sh"
require_env tshark tcpdump bpftool python3
require_tun

TESTS=(attach_all ping_all_pairs vm_pings_stations fdb_every_mac unknown_unicast_floods
       broadcast_on_the_wire fdb_dump_has_names stats_count
       tx_dropped_when_down drops_by_reason detach_is_clean)

VM_MAC=02:00:00:00:00:40

setup() {
	switch_setup
	station a 10.1.0.1/24 02:00:00:00:00:01
	station b 10.1.0.2/24 02:00:00:00:00:02
	station c 10.1.0.3/24 02:00:00:00:00:03
	[ -x "$TAP_VM" ] || return 1
	bg sw "$TAP_VM" --dev tap0 --mac $VM_MAC --ip 10.1.0.40/24 \
		--pidfile "$RUNDIR/tap_vm.pid"
	wait_for 5 test -s "$RUNDIR/tap_vm.pid" || return 1
	xvsctl attach --bridge br0 pa pb pc tap0
}

# setup attached them in one call.
attach_all() {
	local mode
	mode=$(stat -c %a "$RUNDIR/$INST.sock")
	echo "control socket mode $mode"
	[ "$mode" = 600 ] || fail "control socket is not 0600"
	xvsctl show
	[ "$(xvsctl -j show | grep -o '"port_no"' | wc -l)" = 4 ] ||
		fail "show does not list 4 ports"
}

ping_all_pairs() {
	local s d ip
	for s in a b c; do
		for d in 1 2 3 40; do
			ip=10.1.0.$d
			[ "$(in_ns "$(ns_of $s)" ip -br -4 addr show eth0 | grep -c "$ip/")" = 1 ] &&
				continue
			ping_ok $s $ip || fail "$s cannot ping $ip"
			echo "$s -> $ip ok"
		done
	done
}

# A second VM on tap1 pings every station, then goes away (and its port
# with it: the switch follows the tap's disappearance).
vm_pings_stations() {
	local d pid rc
	for d in 1 2 3; do
		rm -f "$RUNDIR/vm2.pid"
		sw "$TAP_VM" --dev tap1 --mac 02:00:00:00:00:41 --ip 10.1.0.41/24 \
			--ping 10.1.0.$d --count 2 --timeout 8 \
			--pidfile "$RUNDIR/vm2.pid" &
		pid=$!
		wait_for 5 test -s "$RUNDIR/vm2.pid" || fail "tap_vm did not start"
		xvsctl attach tap1 >/dev/null || fail "cannot attach tap1"
		wait $pid
		rc=$?
		[ $rc = 0 ] || fail "the VM on tap1 cannot ping 10.1.0.$d"
		wait_for 5 bash -c "! $XVSCTL -i $INST --bpffs $BPFFS --rundir $RUNDIR show |
			grep -q ' tap1 '" || fail "tap1 gone, but still a port"
	done
}

fdb_every_mac() {
	local fdb
	fdb=$(xvsctl fdb show)
	echo "$fdb"
	echo "$fdb" | grep -q "02:00:00:00:00:01 dev pa " || fail "a not on pa"
	echo "$fdb" | grep -q "02:00:00:00:00:02 dev pb " || fail "b not on pb"
	echo "$fdb" | grep -q "02:00:00:00:00:03 dev pc " || fail "c not on pc"
	echo "$fdb" | grep -q "$VM_MAC dev tap0 " || fail "vm not on tap0"
	[ "$(xvsctl fdb show dev pa | wc -l)" = 1 ] || fail "fdb show dev pa"
}

# Count frames to 02:00:00:00:00:99 each station's eth0 receives: until
# N are in (20 s at most: a VM without KVM is slow), or for 4 s.
count_to_ghost() {
	local t=4 n=()
	[ -n "${2:-}" ] && t=20 n=(-c "$2")
	in_ns "$(ns_of "$1")" timeout "$t" tcpdump "${n[@]}" -l -n -i eth0 -Q in \
		ether dst 02:00:00:00:00:99 2>"$RUNDIR/uu.$1.err" | grep -c ICMP
}

unknown_unicast_floods() {
	local s
	# A neighbour entry that points at a MAC nobody has: unknown unicast.
	in_ns "$(ns_of a)" ip neigh replace 10.1.0.99 lladdr 02:00:00:00:00:99 dev eth0
	count_to_ghost b 3 >"$RUNDIR/uu.b" &
	count_to_ghost c 3 >"$RUNDIR/uu.c" &
	count_to_ghost a >"$RUNDIR/uu.a" &
	for s in a b c; do
		wait_for 5 grep -q "listening on" "$RUNDIR/uu.$s.err"
	done
	in_ns "$(ns_of a)" ping -c 3 -i 0.2 -W 1 10.1.0.99 >/dev/null 2>&1
	wait
	echo "received: a=$(cat "$RUNDIR/uu.a") b=$(cat "$RUNDIR/uu.b") c=$(cat "$RUNDIR/uu.c")"
	[ "$(cat "$RUNDIR/uu.b")" = 3 ] || fail "b did not get the 3 frames"
	[ "$(cat "$RUNDIR/uu.c")" = 3 ] || fail "c did not get the 3 frames"
	[ "$(cat "$RUNDIR/uu.a")" = 0 ] || fail "the frames came back to a"
}

broadcast_on_the_wire() {
	local out
	# tshark starts in seconds here, in tens of them in a VM without KVM.
	in_ns "$(ns_of c)" tshark -n -i eth0 -a duration:60 -c 1 \
		-f "arp and ether broadcast and ether src 02:00:00:00:00:01 and arp[24:4] = 0x0a01004d" \
		-T fields \
		-e eth.dst -e eth.src -e arp.opcode -e arp.src.proto_ipv4 \
		-e arp.dst.proto_ipv4 >"$RUNDIR/bc" 2>"$RUNDIR/bc.err" &
	wait_for 60 grep -q "Capturing on" "$RUNDIR/bc.err" || fail "tshark did not start"
	# An ARP request for 10.1.0.77 from a, sent raw a few times (tshark
	# keeps the first it sees).
	in_ns "$(ns_of a)" python3 - <<'PY' || fail "cannot send raw frame"
import socket, time
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
arp = bytes.fromhex("0001080006040001" "020000000001" "0a010001"
                    "000000000000" "0a01004d")
for _ in range(8):
    s.send(bytes.fromhex("ffffffffffff" "020000000001" "0806") + arp + bytes(18))
    time.sleep(0.25)
PY
	wait
	out=$(cat "$RUNDIR/bc")
	echo "tshark on c: $out"
	[ "$out" = "$(printf 'ff:ff:ff:ff:ff:ff\t02:00:00:00:00:01\t1\t10.1.0.1\t10.1.0.77')" ] ||
		fail "broadcast ARP not delivered as sent"
}

# bpftool prints the MAC table with field names (BTF on the maps).
fdb_dump_has_names() {
	local out
	out=$(bpftool map dump pinned "$BPFFS/$INST/xvs_fdb")
	echo "$out" | head -14
	for f in bridge vlan mac ifindex flags seen_ns; do
		echo "$out" | grep -q "\"$f\":" || fail "no field '$f' in the dump"
	done
	bpftool map dump pinned "$BPFFS/$INST/xvs_ports" | grep -q '"port_no":' ||
		fail "no field names in xvs_ports"
}

stats_count() {
	local rx
	xvsctl stats dev pa
	rx=$(xvsctl -j stats dev pa | grep -o '"rx_packets":[0-9]*' | head -1 | cut -d: -f2)
	[ "${rx:-0}" -gt 0 ] || fail "no rx counted on pa"
}

# A flood copy the device refuses (the port is down) is a tx drop.
tx_dropped_when_down() {
	local n
	sw ip link set pc down
	in_ns "$(ns_of a)" ping -c 2 -i 0.2 -W 1 -b 10.1.0.255 >/dev/null 2>&1
	sw ip link set pc up
	n=$(xvsctl -j stats dev pc | grep -o '"tx_dropped":[0-9]*' | cut -d: -f2)
	echo "pc tx_dropped $n"
	[ "${n:-0}" -ge 2 ] || fail "refused flood copies not counted"
}

drops_by_reason() {
	local before after
	before=$(xvsctl -j stats | grep -o '"src_mcast":[0-9]*' | cut -d: -f2)
	# A frame with a multicast source MAC, sent raw from b.
	in_ns "$(ns_of b)" python3 - <<'PY' || fail "cannot send raw frame"
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
s.send(bytes.fromhex("ffffffffffff" "010000000001" "0800") + bytes(46))
PY
	wait_for 3 bash -c "[ \$($XVSCTL -i $INST --bpffs $BPFFS --rundir $RUNDIR -j stats 2>/dev/null |
		grep -o '\"src_mcast\":[0-9]*' | cut -d: -f2) -gt ${before:-0} ]" ||
		fail "src_mcast drop not counted"
	after=$(xvsctl -j stats | grep -o '"src_mcast":[0-9]*' | cut -d: -f2)
	echo "src_mcast drops: $before -> $after"
}

detach_is_clean() {
	local p
	check xvsctl detach pa pb pc tap0
	for p in pa pb pc tap0; do
		sw ip link show $p | grep -q "xdp" && fail "$p still has XDP"
		[ -z "$(sw tc filter show dev $p ingress 2>/dev/null)" ] || fail "$p keeps a filter"
		sw tc qdisc show dev $p | grep -q clsact && fail "$p keeps clsact"
	done
	# The VLAN offload xvsd turned off is back on.
	sw ethtool -k pa | grep "tx-vlan-offload"
	sw ethtool -k pa | grep -q "^tx-vlan-offload: on" || fail "txvlan not restored"
	xvsctl show
	ping_ok a 10.1.0.2 && fail "a still reaches b through a detached switch"
	return 0
}

ktap_run "$@"
