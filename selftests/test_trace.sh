#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# xvsctl trace: a described frame through the fast path's trace programs
# (BPF_PROG_TEST_RUN over the live maps), what it says, and that it
# changes nothing.
#
#   [a-*] eth0 --- pa (xdp) ┐
#   [b-*] eth0 --- pb ──────┤
#   [c-*] eth0 --- pc ──────┼── xvs bridge br0
#   [d-*] eth0 --- pd ──────┘   (pd: trunk of VLAN 10 only)
#   [e-*] eth0 --- pe ───────── xvs bridge br1
#                (namespace xsw-*)
#
# Cases: a frame to a learned MAC is output to its port, and the real
# frame goes there; unknown unicast floods to the other members; a VLAN
# the port does not carry is dropped with the reason; tracing leaves
# every counter, the MAC table and the flow cache byte-identical; errors
# are one line; with flow rules: the rule that matched, and a cache hit
# after a real frame.
source "$(dirname "$0")/lib/lib.sh"
require_env bpftool python3 tcpdump

TESTS=(to_learned_mac unknown_unicast_floods vlan_denied_drops json_output
       changes_nothing errors rule_drop cache_hit)

MAC_A=02:00:00:00:00:0a
MAC_B=02:00:00:00:00:0b
UDP53="udp,nw_src=10.2.0.1,nw_dst=10.2.0.2,tp_dst=53"

setup() {
	local s
	switch_setup
	for s in a b c d e; do
		station $s 10.2.0.$((16#${s}0 / 16))/24 02:00:00:00:00:0$s || return 1
		# No IPv6: no router or neighbour solicitations of its own,
		# so the switch is quiet between the frames the cases send.
		in_ns "$(ns_of $s)" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	done
	xvsctl attach --bridge br0 --hook xdp pa &&
	xvsctl attach --bridge br0 pb pc pd &&
	xvsctl attach --bridge br1 pe &&
	xvsctl port set pd vlan-mode trunk trunks 10 || return 1
	# b is learned on pb, a on pa.
	ping_ok a 10.2.0.11
}

trace() { xvsctl trace "$@"; }

# A JSON field of `xvsctl -j trace ...`, by a Python expression on `t`.
trace_json() {
	local expr=$1
	shift
	xvsctl -j trace "$@" | python3 -c "import json, sys; t = json.load(sys.stdin); print($expr)"
}

# send_hex STATION HEX: one raw frame out of the station's eth0.
send_hex() {
	in_ns "$(ns_of "$1")" python3 -c "
import socket, sys
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(('eth0', 0))
s.send(bytes.fromhex(sys.argv[1]))" "$2"
}

to_learned_mac() {
	local flow="in_port=pa,dl_src=$MAC_A,dl_dst=$MAC_B,$UDP53" out hex n
	out=$(trace br0 "$flow") || fail "trace failed"
	echo "$out"
	echo "$out" | grep -q "^    output pb" || fail "no output to pb"
	echo "$out" | grep -q "^verdict: output to pb$" || fail "verdict is not 'output to pb'"
	# The same bytes, sent for real from a, reach b.
	hex=$(trace_json 't["frame"]["hex"]' br0 "$flow")
	in_ns "$(ns_of b)" timeout 5 tcpdump -l -n -i eth0 -Q in -c 1 \
		"udp dst port 53 and ether src $MAC_A" >"$RUNDIR/real.b" 2>"$RUNDIR/real.b.err" &
	wait_for 5 grep -q "listening on" "$RUNDIR/real.b.err" || fail "tcpdump did not start"
	send_hex a "$hex" || fail "cannot send the frame"
	wait
	n=$(grep -c "10.2.0.1.49152 > 10.2.0.2.53" "$RUNDIR/real.b")
	echo "b received $n of them"
	[ "$n" = 1 ] || fail "the real frame did not reach b"
}

unknown_unicast_floods() {
	local out ports
	out=$(trace br0 "in_port=pa,dl_src=$MAC_A,dl_dst=02:00:00:00:00:99,$UDP53") ||
		fail "trace failed"
	echo "$out"
	echo "$out" | grep -q "^verdict: flood to " || fail "verdict is not a flood"
	ports=$(echo "$out" | sed -n 's/^verdict: flood to //p' | tr -d ' ' | tr ',' '\n' | sort |
		tr '\n' ' ')
	[ "$ports" = "pb pc " ] || fail "flooded to '$ports', expected 'pb pc '"
}

vlan_denied_drops() {
	local out
	out=$(trace br0 "in_port=pd,dl_vlan=20,$UDP53") || fail "trace failed"
	echo "$out"
	echo "$out" | grep -q "tagged 20" || fail "the frame is not tagged 20 on a trunk"
	echo "$out" | grep -q "^verdict: drop (vlan_not_carried)$" || fail "not dropped as vlan_not_carried"
}

json_output() {
	local v
	v=$(trace_json 't["verdict"]["action"], t["verdict"]["ports"], t["frame"]["len"]' \
		br0 "in_port=pa,dl_src=$MAC_A,dl_dst=$MAC_B,$UDP53")
	echo "$v"
	[ "$v" = "output ['pb'] 60" ] || fail "JSON verdict: $v"
	v=$(trace_json 't["verdict"]["reason"]' br0 "in_port=pd,dl_vlan=20")
	[ "$v" = vlan_not_carried ] || fail "JSON drop reason: $v"
}

# The maps a trace must not touch, as bpftool prints them.
dump_state() {
	local m
	for m in xvs_pstats xvs_drops xvs_events xvs_fdb xvs_flow_cache xvs_learn_pend; do
		echo "== $m"
		bpftool map dump pinned "$BPFFS/$INST/$m"
	done
}

changes_nothing() {
	local f
	dump_state >"$RUNDIR/before"
	sleep 1
	dump_state >"$RUNDIR/quiet"
	cmp -s "$RUNDIR/before" "$RUNDIR/quiet" || fail "the switch is not quiet without a trace"
	for f in "in_port=pa,dl_src=$MAC_A,dl_dst=$MAC_B,$UDP53" \
		 "in_port=pa,dl_src=02:00:00:00:00:77,dl_dst=02:00:00:00:00:99,tcp" \
		 "in_port=pb,dl_src=02:00:00:00:00:78,arp" \
		 "in_port=pd,dl_vlan=20,icmp" "in_port=pd,dl_vlan=10,ipv6"; do
		trace br0 "$f" >/dev/null || fail "trace $f failed"
	done
	# A LEARN upcall, had one gone out, would be in the MAC table by now.
	sleep 1
	dump_state >"$RUNDIR/after"
	diff "$RUNDIR/before" "$RUNDIR/after" | head -20
	cmp -s "$RUNDIR/before" "$RUNDIR/after" || fail "tracing changed the switch"
	xvsctl fdb show | grep -q "02:00:00:00:00:77" && fail "a traced MAC was learned"
	return 0
}

# expect_err STATUS MESSAGE ARGS...: one line on stderr, that exit status.
expect_err() {
	local want=$1 msg=$2 out rc
	shift 2
	out=$(xvsctl trace "$@" 2>&1)
	rc=$?
	echo "trace $*: $rc $out"
	[ "$rc" = "$want" ] || fail "exit status $rc, expected $want"
	[ "$(echo "$out" | wc -l)" = 1 ] || fail "more than one line"
	echo "$out" | grep -q "$msg" || fail "no '$msg' in the error"
}

errors() {
	local pin=$BPFFS/$INST/trace_tc_rx
	expect_err 2 "bridge 'nosuch' does not exist" nosuch "in_port=pa"
	expect_err 2 "needs in_port" br0 "udp"
	expect_err 2 "not a port of this bridge" br0 "in_port=pe"
	expect_err 2 "in_port" br0 "in_port=nosuch0"
	expect_err 2 "missing FLOW" br0
	mv "$pin" "${pin}_x"
	expect_err 1 "xvsd is not running" br0 "in_port=pa"
	mv "${pin}_x" "$pin"
	return 0
}

# Flow rules (xvsctl flow): SKIP where this build has none.
need_flows() {
	xvsctl flow help >/dev/null 2>&1 || { echo "no flow rules in this build"; exit $KSFT_SKIP; }
}

rule_drop() {
	local out
	need_flows
	check xvsctl flow add br0 "priority=100,udp,tp_dst=53 actions=drop"
	out=$(trace br0 "in_port=pa,dl_src=$MAC_A,dl_dst=$MAC_B,$UDP53")
	xvsctl flow del br0 "udp,tp_dst=53"
	echo "$out"
	echo "$out" | grep -q "rule [0-9]* matched (priority 100" || fail "no rule matched"
	echo "$out" | grep -q "^verdict: drop" || fail "not dropped"
}

cache_hit() {
	local flow="in_port=pa,dl_src=$MAC_A,dl_dst=$MAC_B,$UDP53,tp_src=40000" out
	need_flows
	check xvsctl flow add br0 "priority=10,udp,tp_dst=53 actions=normal"
	# A trace leaves nothing in the cache: the second misses as well.
	trace br0 "$flow" >/dev/null
	out=$(trace br0 "$flow")
	echo "$out" | grep -q "flow cache miss" || fail "a trace filled the cache"
	# A real frame fills the cache; the trace then finds it there.
	send_hex a "$(trace_json 't["frame"]["hex"]' br0 "$flow")"
	wait_for 3 bash -c "$XVSCTL -i $INST --bpffs $BPFFS --rundir $RUNDIR trace br0 '$flow' |
		grep -q 'flow cache hit'" || fail "no cache hit after a real frame"
	out=$(trace br0 "$flow")
	xvsctl flow del br0 "udp,tp_dst=53"
	echo "$out"
}

ktap_run "$@"
