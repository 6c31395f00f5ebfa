#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# AF_XDP ports (maps/afxdp.h) with examples/xsk_client as the consumer: an
# "appliance" that answers ARP and ICMP echo for 10.9.0.2 on its socket -
# no network stack anywhere has that address.
#
#   [a-*] eth0 --- pa ┐
#   10.9.0.1          ├── xvs br0 ── vm1 ═══ vm1-xsk ── xsks[0] ── xsk_client
#   [b-*] eth0 --- pb ┘  (xsw-*)    (XDP)  veth  (xvs_xsk_rx)       10.9.0.2
#   10.9.0.3
#
# Cases: the port's make-up (veth pair, programs, pins); pings answered by
# the client with every counter on the way equal to the frames sent; no
# consumer: frames counted as no_consumer and passed nowhere; checksums
# from a local stack done on the way in; two queues, a client on each;
# frames of the MTU; the port in a VLAN access mode; a flow rule dropping
# ICMP to it; xvsd killed, the appliance still answered, a new xvsd adopts
# the port; port exec hands sockets to an unprivileged command; the veth
# deleted under xvsd (running or not); port del and detach leave nothing;
# bad input; stop --cleanup takes the ports, relay socket included.
source "$(dirname "$0")/lib/lib.sh"
require_env tcpdump jq
CLIENT=$TOP/.output/examples/xsk_client
[ -x "$CLIENT" ] || ktap_skip_all "xsk_client not built (make examples)"

TESTS=(port_made ping_appliance no_consumer checksums_done multi_queue
       full_size_frames vlan_access flow_drop daemon_killed exec_hands_sockets veth_deleted
       port_del_leaves_nothing bad_input stop_cleanup)

APP_IP=10.9.0.2
APP_MAC=02:00:00:00:09:02
PINS=$BPFFS/$INST/afxdp

setup() {
	switch_setup
	station a 10.9.0.1/24 02:00:00:00:09:01
	station b 10.9.0.3/24 02:00:00:00:09:03
	# Only the frames the cases send: no IPv6 chatter in the counts.
	local ns
	for ns in a b; do
		in_ns "$(ns_of $ns)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
		in_ns "$(ns_of $ns)" sysctl -qw net.ipv6.conf.eth0.disable_ipv6=1
	done
	xvsctl attach --bridge br0 pa pb || return 1
	xvsctl port add vm1 --bridge br0 --type afxdp
}

# client_start [ARGS]: xsk_client on port $PORT (vm1) in the switch
# namespace, bounded in time; waits until its socket is in the map.  Its
# output in $CL.out (CL: client).
client_start() {
	local cl=${CL:-client}
	# One left by a failed case would hold the queue.
	[ -f "$RUNDIR/$cl.pid" ] && kill "$(cat "$RUNDIR/$cl.pid")" 2>/dev/null
	# exec: $! is timeout's own pid, which passes SIGTERM on.
	(exec nsenter --net=/run/netns/$SW timeout 60 "$CLIENT" --port "${PORT:-vm1}" \
		--instance "$INST" --bpffs "$BPFFS" --ip $APP_IP/24 --mac $APP_MAC "$@") \
		>"$RUNDIR/$cl.out" 2>>"$RUNDIR/bg.log" </dev/null &
	echo $! >"$RUNDIR/$cl.pid"
	echo "pid $!" >>"$STATE"
	wait_for 5 grep -q "answering" "$RUNDIR/$cl.out" || fail "xsk_client did not start"
}

# client_stop: SIGTERM (to timeout, which passes it on); its counters line.
client_stop() {
	local cl=${CL:-client} pid
	pid=$(cat "$RUNDIR/$cl.pid")
	kill -TERM "$pid" 2>/dev/null
	wait_for 5 bash -c "! kill -0 $pid 2>/dev/null" || { kill -KILL "$pid"; fail "xsk_client hung"; }
	tail -1 "$RUNDIR/$cl.out"
}

# cnt LINE KEY: the number after KEY in xsk_client's counters line.
cnt() { echo "$1" | tr ' ' '\n' | sed -n "/^$2\$/{n;p}"; }

# port_stat PORT FIELD, xsk_stat FIELD, consumer FIELD: from show -j.
port_stat() {
	xvsctl -j show | jq -r --arg p "$1" --arg f "$2" \
		'.bridges[].ports[] | select(.name == $p) | .[$f]'
}
xsk_stat() {
	xvsctl -j show | jq -r --arg f "$1" \
		'.bridges[].ports[] | select(.name == "vm1") | .afxdp.xsk_stats[$f]'
}
consumer() {
	xvsctl -j show | jq -r --arg f "$1" \
		'.bridges[].ports[] | select(.name == "vm1") | .afxdp.consumer[$f]'
}

pings() {	# pings STATION N: N echo requests to the appliance, all answered?
	in_ns "$(ns_of "$1")" ping -c "$2" -i 0.2 -W 2 -q $APP_IP >/dev/null 2>&1
}

port_made() {
	sw ip -d link show vm1 | grep -q "veth" || fail "no veth vm1"
	sw ip link show vm1 | grep -q "prog/xdp" || fail "no XDP program on vm1"
	sw ip link show vm1-xsk | grep -q "prog/xdp" || fail "no XDP program on vm1-xsk"
	sw ip link show vm1-xsk | grep -q "state UP" || fail "vm1-xsk is not up"
	ls "$PINS/vm1"
	for f in xsks xsk_stats xsk_conf link probe; do
		[ -e "$PINS/vm1/$f" ] || fail "no pin $f"
	done
	bpftool map dump pinned "$PINS/vm1/xsk_conf" | grep -q '"name": "vm1"' ||
		fail "xsk_conf does not name the port"
	xvsctl show | grep -A3 " vm1 "
	[ "$(consumer sockets)" = 0 ] || fail "a consumer before any"
	[ "$(port_stat vm1 hook)" = xdp-native ] || fail "vm1 is not a native XDP port"
}

ping_appliance() {
	local line rx tx0 rx0 d0 td n=5
	client_start
	[ "$(consumer sockets)" = 1 ] || fail "the client's socket is not seen in the map"
	tx0=$(port_stat vm1 tx_packets)
	rx0=$(port_stat vm1 rx_packets)
	d0=$(xsk_stat rx_packets)
	# The replies come from the appliance's MAC, on the station's wire.
	in_ns "$(ns_of a)" timeout 8 tcpdump -l -n -e -i eth0 -Q in icmp 2>"$RUNDIR/td.err" \
		>"$RUNDIR/td.out" &
	td=$!
	wait_for 5 grep -q "listening on" "$RUNDIR/td.err"
	pings a $n || fail "a cannot ping the appliance"
	sleep 0.3
	kill "$td" 2>/dev/null
	wait "$td"
	line=$(client_stop)
	echo "$line"
	rx=$(cnt "$line" rx)
	[ "$(cnt "$line" echo_replies)" = $n ] || fail "the client answered $(cnt "$line" echo_replies) echo requests, want $n"
	[ $(($(cnt "$line" arp_replies) + n + $(cnt "$line" ignored))) = "$rx" ] ||
		fail "client rx $rx is not arp + echo + ignored"
	echo "vm1 tx $tx0 -> $(port_stat vm1 tx_packets), rx $rx0 -> $(port_stat vm1 rx_packets), far side delivered $d0 -> $(xsk_stat rx_packets)"
	[ $(($(xsk_stat rx_packets) - d0)) = "$rx" ] || fail "far side delivered != client rx"
	[ $(($(port_stat vm1 tx_packets) - tx0)) = "$rx" ] || fail "switch sent to vm1 != client rx"
	[ $(($(port_stat vm1 rx_packets) - rx0)) = "$(cnt "$line" tx)" ] ||
		fail "switch took from vm1 != client tx"
	[ "$(grep -c "$APP_MAC > .*echo reply" "$RUNDIR/td.out")" = $n ] ||
		fail "$(grep -c "echo reply" "$RUNDIR/td.out") replies from $APP_MAC seen on a, want $n"
	[ "$(xsk_stat no_consumer)" = 0 ] || fail "frames without a consumer"
}

no_consumer() {
	local nc0 td pid
	[ "$(consumer sockets)" = 0 ] || fail "a socket is left in the map"
	# The appliance's MAC is known: exactly the echo requests go to vm1.
	in_ns "$(ns_of a)" ip neigh replace $APP_IP lladdr $APP_MAC dev eth0 nud permanent
	check xvsctl fdb add $APP_MAC dev vm1
	nc0=$(xsk_stat no_consumer)
	sw timeout 8 tcpdump -l -n -i vm1-xsk 2>"$RUNDIR/nc.err" >"$RUNDIR/nc.out" &
	pid=$!
	wait_for 5 grep -q "listening on" "$RUNDIR/nc.err"
	pings a 3 && fail "answered without a consumer"
	kill "$pid" 2>/dev/null
	wait "$pid"
	td=$(grep -c . "$RUNDIR/nc.out")
	echo "no_consumer $nc0 -> $(xsk_stat no_consumer); frames up vm1-xsk's stack: $td"
	[ $(($(xsk_stat no_consumer) - nc0)) = 3 ] || fail "not 3 frames counted as no_consumer"
	[ "$td" = 0 ] || fail "frames passed to vm1-xsk's stack"
	check xvsctl fdb del $APP_MAC dev vm1
	in_ns "$(ns_of a)" ip neigh del $APP_IP dev eth0
}

# A TC port's frames come from a local stack with checksums left to
# offload: they must reach the consumer done (vm1 has tx checksumming off,
# so the kernel finishes them on the way in).
checksums_done() {
	local pid
	sw ethtool -k vm1 | grep "tx-checksumming"
	in_ns "$(ns_of a)" ip neigh replace $APP_IP lladdr $APP_MAC dev eth0 nud permanent
	sw timeout 8 tcpdump -l -n -vv -i vm1 udp 2>"$RUNDIR/ck.err" >"$RUNDIR/ck.out" &
	pid=$!
	wait_for 5 grep -q "listening on" "$RUNDIR/ck.err"
	in_ns "$(ns_of a)" bash -c "echo hello >/dev/udp/$APP_IP/9999"
	wait_for 5 grep -q "udp sum\|bad udp" "$RUNDIR/ck.out"
	kill "$pid" 2>/dev/null
	wait "$pid"
	grep -A1 "proto UDP" "$RUNDIR/ck.out"
	grep -q "udp sum ok" "$RUNDIR/ck.out" || fail "the UDP checksum is not done on the way to the consumer"
	in_ns "$(ns_of a)" ip neigh del $APP_IP dev eth0
}

# Two queues, a client on each: a flow lands on one queue or the other,
# and every request is answered once.
multi_queue() {
	local l0 l1 n=0 s
	check xvsctl port add vm4 --bridge br0 --type afxdp --queues 2
	CL=q0 PORT=vm4 client_start --queue 0
	CL=q1 PORT=vm4 client_start --queue 1
	xvsctl show | grep -A3 " vm4 " | grep consumer
	xvsctl show | grep -A3 " vm4 " | grep -q "sockets in 2 of 2" || fail "not 2 sockets seen"
	pings a 3 || fail "a cannot ping the appliance on 2 queues"
	pings b 3 || fail "b cannot ping the appliance on 2 queues"
	l0=$(CL=q0 client_stop)
	l1=$(CL=q1 client_stop)
	echo "queue 0: $l0"
	echo "queue 1: $l1"
	n=$(($(cnt "$l0" echo_replies) + $(cnt "$l1" echo_replies)))
	[ $n = 6 ] || fail "$n echo replies over both queues, want 6"
	check xvsctl port del vm4
}

# Frames of the port's MTU, both ways (1472 bytes of ICMP data, DF set):
# the client gets every frame the far side delivered, and the station
# every answer the client sent.  (One 1514-byte request in a few runs has gone missing
# before the far side - not located yet; it shows as delivered < sent.)
full_size_frames() {
	local line d0 d1 got
	client_start
	d0=$(xsk_stat rx_packets)
	got=$(in_ns "$(ns_of a)" ping -c 3 -i 0.2 -W 2 -q -s 1472 -M do $APP_IP |
		sed -n 's/.* \([0-9]*\) received.*/\1/p')
	d1=$(xsk_stat rx_packets)
	line=$(client_stop)
	echo "$line"
	echo "ping: 3 sent, ${got:-0} received; far side delivered $((d1 - d0))"
	[ "${got:-0}" -ge 1 ] || fail "no answer to 1514-byte frames"
	[ "$(cnt "$line" rx)" = $((d1 - d0)) ] ||
		fail "the client did not get every frame the far side delivered"
	[ "$(cnt "$line" echo_replies)" = "${got:-0}" ] ||
		fail "answers sent and received differ"
}

vlan_access() {
	client_start
	check xvsctl port set vm1 vlan-mode access tag 10
	check xvsctl port set pa vlan-mode access tag 10
	pings a 2 || fail "a and the appliance in VLAN 10 cannot talk"
	pings b 1 && fail "b (VLAN 0) reached the appliance in VLAN 10"
	check xvsctl port set vm1 vlan-mode access tag 20
	pings a 1 && fail "a (VLAN 10) reached the appliance in VLAN 20"
	check xvsctl port set vm1 vlan-mode trunk
	check xvsctl port set pa vlan-mode trunk
	pings a 2 || fail "no ping back on the trunk"
	client_stop
}

flow_drop() {
	local d0
	client_start
	# b's first echo also waits for ARP: under load give it a few tries.
	wait_for 10 pings b 1 || fail "b cannot ping the appliance"
	check xvsctl flow add br0 "priority=100,icmp,nw_dst=$APP_IP actions=drop"
	d0=$(xsk_stat rx_packets)
	pings b 2 && fail "the rule dropping ICMP to the appliance did not"
	[ "$(xsk_stat rx_packets)" = "$d0" ] || fail "ICMP reached the far side"
	check xvsctl flow del br0
	pings b 2 || fail "no ping after the rule went"
	client_stop
}

# The program id behind the far side's pinned link.
link_prog() { bpftool -j link show pinned "$PINS/vm1/link" | jq -r .prog_id; }

daemon_killed() {
	local pid prog
	client_start
	prog=$(link_prog)
	pid=$(cat "$RUNDIR/$INST.pid")
	kill -9 "$pid"
	wait_for 5 bash -c "! kill -0 $pid 2>/dev/null"
	pings a 3 || fail "the appliance unreachable with xvsd dead"
	xvsctl show | grep -A4 " vm1 " | grep -q "sockets in 1" || fail "show without the daemon"
	check xvsctl attach --bridge br0 pa	# starts a new xvsd: it adopts
	grep "adopted" "$RUNDIR/$INST.log" | tail -2
	grep -q "AF_XDP port vm1 adopted" "$RUNDIR/$INST.log" || fail "vm1 not adopted"
	[ "$(link_prog)" != "$prog" ] || fail "the far side still runs the old daemon's program"
	pings a 3 || fail "the appliance unreachable after the restart"
	client_stop
}

# port exec: sockets in the map for an unprivileged command (QEMU's
# sock-fds); they leave the map with it.
exec_hands_sockets() {
	local out
	xvsctl port exec vm1 --user nobody -- sh -c \
		'echo "uid $(id -u) fds {sock-fds}"; readlink /proc/self/fd/$XVS_SOCK_FDS; sleep 2' \
		>"$RUNDIR/exec.out" 2>>"$RUNDIR/bg.log" &
	wait_for 5 grep -q socket: "$RUNDIR/exec.out" || fail "the command did not run"
	cat "$RUNDIR/exec.out"
	grep -q "^uid 65534 fds [0-9]*$" "$RUNDIR/exec.out" || fail "not run as nobody with one fd"
	[ "$(consumer sockets)" = 1 ] || fail "the socket is not in the map"
	out=$(xvsctl port exec vm1 -- true 2>&1)
	echo "$out"
	echo "$out" | grep -q "has a consumer already" || fail "a taken queue was taken again"
	wait
	[ "$(consumer sockets)" = 0 ] || fail "the socket outlived the command"
}

veth_deleted() {
	check xvsctl port add vm2 --bridge br0 --type afxdp --queues 2
	[ -d "$PINS/vm2" ] || fail "no pins for vm2"
	sw ip link del vm2
	wait_for 5 bash -c "[ ! -e $PINS/vm2 ]" || fail "vm2's pins left after its veth went"
	xvsctl show | grep -q " vm2 " && fail "vm2 still shown"
	grep "vm2" "$RUNDIR/$INST.log" | tail -2
	# The same while no xvsd runs: the next one cleans up.
	check xvsctl port add vm3 --bridge br0 --type afxdp
	kill -9 "$(cat "$RUNDIR/$INST.pid")"
	sw ip link del vm3
	check xvsctl attach --bridge br0 pa
	grep "vm3" "$RUNDIR/$INST.log" | tail -2
	[ -e "$PINS/vm3" ] && fail "vm3's pins left after a restart"
	xvsctl show | grep -q " vm3 " && fail "vm3 still shown"
	return 0
}

port_del_leaves_nothing() {
	check xvsctl port del vm1
	sw ip link show vm1 >/dev/null 2>&1 && fail "vm1 left"
	sw ip link show vm1-xsk >/dev/null 2>&1 && fail "vm1-xsk left"
	[ -e "$PINS/vm1" ] && fail "pins left: $(ls "$PINS/vm1")"
	xvsctl show | grep -q " vm1 " && fail "vm1 still shown"
	# And a second kind of removal: detach of its name.
	check xvsctl port add vm1 --bridge br0 --type afxdp
	check xvsctl detach vm1
	sw ip link show vm1-xsk >/dev/null 2>&1 && fail "detach left vm1-xsk"
	[ -e "$PINS/vm1" ] && fail "detach left pins"
	return 0
}

bad_input() {
	expect 2 port add vm1234567890 --bridge br0 --type afxdp	# 12 characters
	expect 2 port add vm3 --bridge br0 --type tap
	expect 2 port add vm3 --bridge br0 --type afxdp --queues 17
	expect 2 port add vm3 --bridge br0 --type afxdp --framing dgram
	expect 2 port add vm3 --bridge br0 --type afxdp --vm-socket rel/path
	expect 2 port add vm3 --bridge br0 --type afxdp --vm-socket /tmp/x.sock --socket-mode 99
	expect 2 port add vm3 --type afxdp
	expect 1 port add pa --bridge br0 --type afxdp			# a port already
	expect 2 port del pa						# not AF_XDP
	expect 2 port del nosuch
	check xvsctl port add vm5 --bridge br0 --type afxdp
	expect 1 attach --bridge br0 vm5-xsk				# the far side
	check xvsctl port del vm5
	sw ip link show vm3 >/dev/null 2>&1 && fail "a refused add left vm3"
	return 0
}

# Last: stop --cleanup takes every AF_XDP port with it, relay socket
# included.
stop_cleanup() {
	check xvsctl port add vm6 --bridge br0 --type afxdp --vm-socket "$RUNDIR/vm6.sock"
	[ -S "$RUNDIR/vm6.sock" ] || fail "no relay socket"
	check xvsctl stop --cleanup
	sw ip link show vm6 >/dev/null 2>&1 && fail "vm6 left"
	[ -e "$RUNDIR/vm6.sock" ] && fail "the relay socket left"
	[ -e "$BPFFS/$INST" ] && fail "pins left: $(ls -R "$BPFFS/$INST")"
	return 0
}

ktap_run "$@"
