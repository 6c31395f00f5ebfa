#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The XDP hook end to end.  veth ports forced onto XDP (--hook xdp; their
# peers have GRO on, so NAPI takes redirected frames, and the stations send
# ICMP and ARP, whose checksums are complete): forwarding by devmap
# redirect, flooding by one broadcast redirect, the pinned bpf_link that
# outlives the daemon, a host port at XDP, and a clean detach.
#
#   [a-*] eth0 --- pa ┐
#   [b-*] eth0 --- pb ┼── xvs br0 ── up0 (10.6.0.254, host) ─── eth0 [w-*]
#   [c-*] eth0 --- pc ┘   all at XDP
source "$(dirname "$0")/lib/lib.sh"
require_env tcpdump

TESTS=(attach_native ping_all_pairs flood_by_broadcast_redirect
       link_outlives_daemon host_port_at_xdp generic_mode detach_is_clean)

setup() {
	switch_setup
	station a 10.6.0.1/24 02:00:00:00:06:01
	station b 10.6.0.2/24 02:00:00:00:06:02
	station c 10.6.0.3/24 02:00:00:00:06:03
}

event() { xvsctl -j stats | grep -o "\"$1\":[0-9]*" | cut -d: -f2; }

attach_native() {
	check xvsctl attach --hook xdp pa pb pc
	xvsctl show | grep -E "port [0-9]"
	[ "$(xvsctl show | grep -c 'hook xdp-native')" = 3 ] || fail "not native XDP"
	sw ip link show pa | grep -q "prog/xdp" || fail "no XDP program on pa"
}

ping_all_pairs() {
	local s d
	for s in a b c; do
		for d in 1 2 3; do
			[ "10.6.0.$d" = "$(in_ns "$(ns_of $s)" ip -br -4 addr show eth0 |
				awk '{print $3}' | cut -d/ -f1)" ] && continue
			ping_ok $s 10.6.0.$d || fail "$s cannot ping 10.6.0.$d"
		done
	done
	echo "forwarded by XDP: $(event forward), flooded: $(event flood)"
	[ "$(event forward)" -gt 0 ] || fail "nothing forwarded at XDP"
}

flood_by_broadcast_redirect() {
	local before after nb tc0 tc1
	before=$(event flood)
	tc0=$(event tc_rx)
	# Until the 3 frames are in (20 s at most: a VM without KVM is slow).
	in_ns "$(ns_of b)" timeout 20 tcpdump -c 3 -l -n -i eth0 -Q in ether dst 02:00:00:00:00:99 \
		2>"$RUNDIR/fl.err" | grep -c ICMP >"$RUNDIR/fl.b" &
	wait_for 5 grep -q "listening on" "$RUNDIR/fl.err"
	in_ns "$(ns_of a)" ip neigh replace 10.6.0.99 lladdr 02:00:00:00:00:99 dev eth0
	in_ns "$(ns_of a)" ping -c 3 -i 0.2 -W 1 10.6.0.99 >/dev/null 2>&1
	wait
	after=$(event flood)
	tc1=$(event tc_rx)
	nb=$(cat "$RUNDIR/fl.b")
	echo "flood events $before -> $after, frames through TC $tc0 -> $tc1; b received $nb"
	[ "$nb" = 3 ] || fail "b got $nb of 3 flooded frames"
	[ $((after - before)) -ge 3 ] || fail "no floods counted"
	[ "$tc1" = "$tc0" ] || fail "the floods went through TC, not a broadcast redirect"
}

link_outlives_daemon() {
	local pid
	pid=$(cat "$RUNDIR/$INST.pid")
	ls "$BPFFS/$INST" | grep link_xdp
	kill -9 "$pid"
	sleep 0.2
	sw ip link show pa | grep -q "prog/xdp" || fail "XDP left with the daemon"
	ping_ok a 10.6.0.3 || fail "no forwarding with the daemon dead"
	check xvsctl attach --hook xdp pa pb pc	# restarts it; adopts
	grep -q "adopted 3 pinned ports" "$RUNDIR/$INST.log" || fail "not adopted"
	ping_ok c 10.6.0.2 || fail "no forwarding after adoption"
}

host_port_at_xdp() {
	uplink up0 10.6.0.254/24 10.6.0.100/24
	check xvsctl attach --hook xdp up0
	xvsctl show | grep "up0"
	ping_ok a 10.6.0.254 || fail "a cannot reach the host"
	ping_ok w 10.6.0.254 || fail "w cannot reach the host"
	ping_ok w 10.6.0.3 || fail "w cannot reach c"
	sw ping -c 2 -i 0.2 -W 2 -q 10.6.0.2 >/dev/null || fail "the host cannot reach b"
	check xvsctl detach up0
}

# Generic (skb) XDP, as on a driver without native XDP.
generic_mode() {
	check xvsctl detach pc
	check xvsctl attach --hook xdp --xdp-mode skb pc
	xvsctl show | grep " pc "
	xvsctl show | grep -q " pc .*hook xdp-generic" || fail "pc not in generic mode"
	sw ip link show pc | grep -q "xdpgeneric" || fail "no generic XDP program on pc"
	ping_ok c 10.6.0.1 || fail "c (generic) cannot ping a (native)"
	ping_ok b 10.6.0.3 || fail "b (native) cannot ping c (generic)"
}

detach_is_clean() {
	local p
	check xvsctl detach pa pb pc
	for p in pa pb pc; do
		sw ip link show $p | grep -q "xdp" && fail "$p still has XDP"
		sw tc qdisc show dev $p | grep -q clsact && fail "$p keeps clsact"
	done
	ls "$BPFFS/$INST" | grep -q link_xdp && fail "link pins left"
	return 0
}

ktap_run "$@"
