#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Flow rules on traffic: an ACL drops one TCP port while ping and another
# port go through, the counters count exactly the frames sent, output:PORT
# sends a station's frames elsewhere, mod_vlan_vid tags them, userspace
# copies them to xvsd, and deleting a rule lets traffic through at once
# (the next frame is classified anew: no cached decision outlives it).
#
#   [a-*] eth0 --- pa ┐
#   [b-*] eth0 --- pb ┼── xvs bridge br0 (namespace xsw-*)
#   [c-*] eth0 --- pc ┘
source "$(dirname "$0")/lib/lib.sh"
require_env jq socat tcpdump

TESTS=(acl_blocks_one_tcp_port counters_count_frames output_to_port mod_vlan_vid
       userspace_upcall_logged)

setup() {
	switch_setup
	station a 10.13.0.1/24
	station b 10.13.0.2/24
	station c 10.13.0.3/24
	xvsctl attach pa pb pc >/dev/null
	bg in_ns "$(ns_of b)" socat -u TCP-LISTEN:5001,fork,reuseaddr /dev/null
	bg in_ns "$(ns_of b)" socat -u TCP-LISTEN:5002,fork,reuseaddr /dev/null
	wait_for 5 in_ns "$(ns_of b)" bash -c "ss -ltn | grep -q :5002"
}

# tcp_ok FROM IP PORT: a TCP connection opens (within 2 s).
tcp_ok() {
	in_ns "$(ns_of "$1")" timeout 3 socat -u /dev/null "TCP:$2:$3,connect-timeout=2" 2>/dev/null
}

# rule FIELD MATCH: a field of the rule whose match is MATCH.
rule() { xvsctl -j flow dump br0 | jq -r ".[] | select(.match == \"$2\") | .$1"; }
pcap_has() { [ "$(tcpdump -r "$1" 2>/dev/null | wc -l)" -ge "$2" ]; }
rx_packets() { ip -n "$(ns_of "$1")" -s -j link show eth0 | jq '.[0].stats64.rx.packets'; }

acl_blocks_one_tcp_port() {
	tcp_ok a 10.13.0.2 5001 || fail "no TCP to 5001 before the rule"
	check xvsctl flow add br0 "priority=200,tcp,tp_dst=5001 actions=drop"
	tcp_ok a 10.13.0.2 5001 && fail "TCP to 5001 went through the ACL"
	tcp_ok a 10.13.0.2 5002 || fail "TCP to 5002 was blocked"
	ping_ok a 10.13.0.2 || fail "ping was blocked"
	xvsctl flows br0
	[ "$(rule n_packets tcp,tp_dst=5001)" -ge 1 ] || fail "the ACL counted nothing"
	check xvsctl flow del br0 "priority=200,tcp,tp_dst=5001" --strict
	tcp_ok a 10.13.0.2 5001 || fail "TCP to 5001 still blocked after del"
}

counters_count_frames() {
	check xvsctl flow add br0 "priority=100,icmp,in_port=pa actions=normal"
	in_ns "$(ns_of a)" ping -c 5 -i 0.2 -W 2 -q 10.13.0.2 >/dev/null || fail "ping"
	xvsctl flows br0
	[ "$(rule n_packets icmp,in_port=pa)" = 5 ] ||
		fail "n_packets $(rule n_packets icmp,in_port=pa), want 5"
	# 84 bytes of IPv4 and ICMP (ping's 56 of data) in a 14-byte header.
	[ "$(rule n_bytes icmp,in_port=pa)" = 490 ] ||
		fail "n_bytes $(rule n_bytes icmp,in_port=pa), want 490"
	[ "$(rule idle_age icmp,in_port=pa)" -le 2 ] || fail "idle_age"
	check xvsctl flow del br0
}

output_to_port() {
	local b0 c0
	ping_ok a 10.13.0.2 || fail "no ping to start with"
	check xvsctl flow add br0 "priority=100,in_port=pa,icmp actions=output:pc"
	b0=$(rx_packets b)
	c0=$(rx_packets c)
	in_ns "$(ns_of a)" ping -c 4 -i 0.2 -W 1 -q 10.13.0.2 >/dev/null &&
		fail "b answered: its echo requests went to it"
	echo "b received $(($(rx_packets b) - b0)), c $(($(rx_packets c) - c0))"
	[ $(($(rx_packets c) - c0)) -ge 4 ] || fail "c did not receive a's echo requests"
	[ $(($(rx_packets b) - b0)) -lt 4 ] || fail "b received a's echo requests"
	check xvsctl flow del br0 "in_port=pa,icmp"
	ping_ok a 10.13.0.2 || fail "no ping after del"
}

mod_vlan_vid() {
	local out
	check xvsctl flow add br0 "priority=100,in_port=pa,icmp actions=mod_vlan_vid:10,output:pb"
	bg in_ns "$(ns_of b)" timeout 10 tcpdump -i eth0 -nn -e -U -c 3 -w "$RUNDIR/vlan.pcap" icmp or vlan
	wait_for 5 grep -q "listening on eth0" "$RUNDIR/bg.log" || fail "tcpdump did not start"
	in_ns "$(ns_of a)" ping -c 3 -i 0.2 -W 1 -q 10.13.0.2 >/dev/null
	wait_for 5 pcap_has "$RUNDIR/vlan.pcap" 3
	out=$(tcpdump -r "$RUNDIR/vlan.pcap" -nn -e 2>/dev/null)
	echo "$out"
	echo "$out" | grep -q "vlan 10, .*ICMP echo request" || fail "no echo request in VLAN 10 at b"
	check xvsctl flow del br0
}

userspace_upcall_logged() {
	local id
	check xvsctl flow add br0 "priority=100,in_port=pa,icmp actions=userspace,normal"
	id=$(rule id icmp,in_port=pa)
	ping_ok a 10.13.0.2 || fail "userspace stopped the frame's other actions"
	wait_for 3 grep -q "flow upcall: bridge br0 rule $id in_port pa" "$RUNDIR/$INST.log" ||
		fail "no upcall logged"
	grep "flow upcall" "$RUNDIR/$INST.log" | tail -1
	grep "flow upcall" "$RUNDIR/$INST.log" | tail -1 | grep -q "type 0x0800" ||
		fail "the summary lacks the EtherType"
	check xvsctl flow del br0
}

ktap_run "$@"
