#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The relay of an AF_XDP port to a VM's unix socket (loader/relay.h),
# with stream_peer standing in for QEMU's -netdev stream / dgram.
#
#   [a-*] eth0 --- pa ┐
#   [b-*] eth0 --- pb ┼── xvs bridge br0 ── vm1 ═ vm1-xsk ── xvsd relay ══ vm1.sock ══ stream_peer
#                     │     (namespace xsw-*)   (AF_XDP, copy mode)            (10.9.0.100)
#                     ├──────────────────────── vm2 ═ vm2-xsk ── relay ══ vm2.sock (dgram, nobody, 0660)
#                     └──────────────────────── vm3 ═ vm3-xsk ── relay ══ vm3.sock (4 queues, one case)
#
# Cases: the relays listen, in copy mode (relays_listen); frames both
# ways with the counters of both ends equal (ping_both_ways); a peer that
# leaves makes drops counted as no_peer, one that comes back is served
# without a restart (peer_leaves_and_returns); a peer that does not read
# makes drops counted as stalled while xvsd and the other stations go on,
# and reads every counted frame whole when it reads again (stalled_peer);
# a length that is no frame closes the connection (bad_length_closes); a
# frame over the port's MTU is skipped in sync (too_big_skipped); a burst
# from the VM is all counted (vm_burst_counted); four queues on one UMEM
# (multi_queue); the socket's owner and mode (socket_owner_mode); dgram
# framing from an unprivileged peer, which leaves and comes back
# (dgram_framing); a path that cannot be the socket is refused in one line
# and leaves nothing behind (bad_socket_paths); xvsd killed or stopped and started again
# (xvsd_restarts); port del removes the sockets (port_del_removes_socket).
source "$(dirname "$0")/lib/lib.sh"
require_env jq setpriv
PEER=$TOP/selftests/.output/stream_peer
[ -x "$PEER" ] || ktap_skip_all "stream_peer not built (make -C selftests)"

TESTS=(relays_listen ping_both_ways peer_leaves_and_returns stalled_peer
       bad_length_closes too_big_skipped vm_burst_counted multi_queue
       socket_owner_mode dgram_framing bad_socket_paths xvsd_restarts
       port_del_removes_socket)

VM_MAC=02:00:00:00:09:64
VM_IP=10.9.0.100
SOCK=$RUNDIR/vm1.sock

setup() {
	switch_setup
	station a 10.9.0.1/24 02:00:00:00:09:01
	station b 10.9.0.2/24 02:00:00:00:09:02
	# Only the frames the cases send: no IPv6 chatter in the counts.
	local ns
	for ns in a b; do
		in_ns "$(ns_of $ns)" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	done
	xvsctl attach --bridge br0 pa pb || return 1
	xvsctl port add vm1 --bridge br0 --type afxdp --vm-socket "$SOCK" || return 1
	xvsctl port add vm2 --bridge br0 --type afxdp --vm-socket "$RUNDIR/vm2.sock" \
		--socket-owner nobody:nogroup --socket-mode 0660 --framing dgram
}

# relay_stat PORT FIELD: one of the relay's counters as xvsctl shows them
# (xvsd keeps them: they are not in the pinned maps).
relay_stat() {
	xvsctl -j show | jq -er --arg p "$1" --arg f "$2" \
		'.. | objects | select(.name? == $p) | .afxdp.relay_stats[$f]'
}

# connected PORT yes|no: whether xvsctl shows a VM on the relay.
connected() {
	local state
	state=$(xvsctl -j show | jq -r --arg p "$1" \
		'.. | objects | select(.name? == $p) | .afxdp.consumer.state')
	case $2 in
	yes) [ "$state" = "VM connected" ] ;;
	*) [ "$state" = "waiting for the VM" ] ;;
	esac
}

# peer ARGS...: stream_peer on the VM socket of vm1 as the guest VM_IP;
# its one line of counts on stdout.
peer() {
	timeout 30 "$PEER" --socket "$SOCK" --mac $VM_MAC --ip $VM_IP "$@"
}

# bg_peer NAME ARGS...: the same in the background, its counts in
# $RUNDIR/NAME.out; its pid in $RUNDIR/NAME.pid.
bg_peer() {
	local name=$1
	shift
	"$PEER" --socket "$SOCK" --mac $VM_MAC --ip $VM_IP "$@" \
		>"$RUNDIR/$name.out" 2>>"$RUNDIR/bg.log" </dev/null &
	echo $! >"$RUNDIR/$name.pid"
	echo "pid $!" >>"$STATE"
}

# end_peer NAME: stop it (it reads what is waiting and prints its counts).
end_peer() {
	local pid
	pid=$(cat "$RUNDIR/$1.pid")
	kill -TERM "$pid" 2>/dev/null
	wait_for 5 bash -c "! kill -0 $pid" || { kill -KILL "$pid"; fail "peer $1 hung"; }
	cat "$RUNDIR/$1.out"
}

# count LINE KEY: KEY=N out of stream_peer's line of counts.
count() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p" | cut -d/ -f1; }

# setup made vm1 (stream) and vm2 (dgram): both relays listen.
relays_listen() {
	check test -S "$SOCK"
	check test -S "$RUNDIR/vm2.sock"
	check connected vm1 no
	grep "relay vm" "$RUNDIR/$INST.log"
	grep -q "relay vm1: .* in copy mode" "$RUNDIR/$INST.log" ||
		fail "veth is copy-only: the relay should say copy mode"
	[ "$(xvsctl -j show | jq -r '.. | objects | select(.name? == "vm1") | .afxdp.mode')" = copy ] ||
		fail "xvsctl show: not copy mode"
}

# snap: the relay's four traffic counters of vm1, for same_counts.
snap() {
	local f
	for f in to_peer_packets to_peer_bytes from_peer_packets from_peer_bytes; do
		echo -n "$(relay_stat vm1 $f) "
	done
}

# same_counts SNAP OUT: what the relay counted since SNAP is what the
# stand-in that printed OUT read and sent.
same_counts() {
	local -a s0=($1) s1=($(snap))
	local out=$2
	echo "relay: to_peer $((s1[0] - s0[0])) pkts $((s1[1] - s0[1])) bytes," 		"from_peer $((s1[2] - s0[2])) pkts $((s1[3] - s0[3])) bytes"
	[ $((s1[0] - s0[0])) = "$(count "$out" rx)" ] &&
		[ $((s1[1] - s0[1])) = "$(count "$out" rx_bytes)" ] &&
		[ $((s1[2] - s0[2])) = "$(count "$out" tx)" ] &&
		[ $((s1[3] - s0[3])) = "$(count "$out" tx_bytes)" ]
}

# a pings the stand-in, the stand-in pings a: every frame either end
# counts is one the relay counted.
ping_both_ways() {
	local s0 out
	s0=$(snap)
	bg_peer p1 --timeout 20
	wait_for 5 connected vm1 yes || fail "peer not connected"
	check ping_ok a $VM_IP
	out=$(end_peer p1)
	echo "stand-in answering a's pings: $out"
	[ "$(count "$out" answered)" -ge 3 ] || fail "the stand-in answered too little"
	same_counts "$s0" "$out" || fail "counters differ"
	wait_for 5 connected vm1 no || fail "disconnect not seen"

	s0=$(snap)
	out=$(peer --timeout 10 --ping 10.9.0.1 --count 3) || fail "stand-in's pings: $out"
	echo "stand-in pinging a: $out"
	wait_for 5 connected vm1 no || fail "disconnect not seen"
	same_counts "$s0" "$out" || fail "counters differ"
}

# With nobody on the socket the port's frames drop as no_peer, the rest
# of the switch forwards; a new peer is served without a restart.
peer_leaves_and_returns() {
	local pid np0 c0 out
	pid=$(cat "$RUNDIR/$INST.pid")
	np0=$(relay_stat vm1 drop_no_peer) c0=$(relay_stat vm1 connects)
	in_ns "$(ns_of a)" ping -c 3 -i 0.2 -W 1 -q $VM_IP >/dev/null && fail "ping answered by nobody"
	echo "drop_no_peer $np0 -> $(relay_stat vm1 drop_no_peer)"
	[ "$(relay_stat vm1 drop_no_peer)" -gt "$np0" ] || fail "no drop_no_peer"
	check ping_ok a 10.9.0.2
	bg_peer p2 --timeout 20
	wait_for 5 connected vm1 yes || fail "peer not connected"
	check ping_ok a $VM_IP
	out=$(end_peer p2)
	echo "stand-in: $out"
	[ "$(relay_stat vm1 connects)" = $((c0 + 1)) ] || fail "connects"
	[ "$(cat "$RUNDIR/$INST.pid")" = "$pid" ] && kill -0 "$pid" ||
		fail "xvsd restarted"
	wait_for 5 connected vm1 no || fail "disconnect not seen"
}

# A peer that does not read: its socket fills, frames drop as stalled,
# while xvsd answers and the other stations still talk.  When it reads
# again, every frame the relay counted as sent arrives whole: short
# writes kept the stream in sync.
stalled_peer() {
	local st0 s0 t out
	st0=$(relay_stat vm1 drop_peer_stalled) s0=$(snap)
	bg_peer p3 --timeout 40 --stall
	wait_for 5 connected vm1 yes || fail "peer not connected"
	# It will not answer ARP: a's neighbour entry for it is static.
	ip -n "$(ns_of a)" neigh replace $VM_IP lladdr $VM_MAC dev eth0 nud permanent
	in_ns "$(ns_of a)" ping -q -i 0.001 -c 1000 -s 1400 -w 10 $VM_IP >/dev/null
	# Broadcasts from vm2's guest arrive in batches: the writes to the
	# stalled socket are cut short mid-batch.
	timeout 30 "$PEER" --socket "$RUNDIR/vm2.sock" --dgram "$RUNDIR/burst.sock" \
		--mac 02:00:00:00:09:68 --ip 10.9.0.104 --burst 3000 --burst-len 1400 \
		--timeout 20 >/dev/null
	echo "drop_peer_stalled $st0 -> $(relay_stat vm1 drop_peer_stalled)," \
		"to_peer_packets $(relay_stat vm1 to_peer_packets)"
	[ "$(relay_stat vm1 drop_peer_stalled)" -gt "$st0" ] || fail "no drop_peer_stalled"
	t=$SECONDS
	timeout 5 "$XVSCTL" -i "$INST" --bpffs "$BPFFS" --rundir "$RUNDIR" show >/dev/null ||
		fail "xvsctl show did not answer"
	check ping_ok a 10.9.0.2
	check ping_ok b 10.9.0.1
	echo "xvsctl show and a <-> b pings in $((SECONDS - t)) s while the peer stalls"
	ip -n "$(ns_of a)" neigh del $VM_IP dev eth0
	kill -USR1 "$(cat "$RUNDIR/p3.pid")"
	sleep 1
	out=$(end_peer p3)
	echo "stand-in, reading again: $out"
	[ "$(count "$out" bad)" = 0 ] || fail "frames out of sync"
	[ $(($(snap | cut -d' ' -f1) - ${s0%% *})) = "$(count "$out" rx)" ] ||
		fail "to_peer_packets != frames the stand-in read"
	wait_for 5 connected vm1 no || fail "disconnect not seen"
}

bad_length_closes() {
	local d0 e0 out len
	for len in 0 0xffffffff; do
		d0=$(relay_stat vm1 disconnects)
		e0=$(relay_stat vm1 protocol_errors)
		out=$(peer --timeout 5 --bad-length $len)
		echo "length $len: $out"
		[ "$(count "$out" closed)" = 1 ] || fail "length $len: connection not closed"
		wait_for 2 test "$(relay_stat vm1 disconnects)" = $((d0 + 1)) ||
			fail "disconnect not counted"
		[ "$(relay_stat vm1 protocol_errors)" = $((e0 + 1)) ] ||
			fail "length $len: protocol error not counted"
	done
	echo "logged (once a second at most):" \
		"$(grep -c "sent a frame length of no frame" "$RUNDIR/$INST.log")"
	# The relay takes the next peer as before.
	out=$(peer --timeout 10 --ping 10.9.0.1 --count 2) || fail "ping after: $out"
}

# A frame longer than the port's MTU allows is dropped and counted; the
# stream stays in sync, so the frames after it still go through.  The
# port's MTU is the switch side's when that is the smaller (the veth
# would drop the frame uncounted).
too_big_skipped() {
	local tb0 out big
	for big in 3000 1450; do
		[ $big = 1450 ] && ip -n "$SW" link set vm1 mtu 1400
		tb0=$(relay_stat vm1 drop_too_big)
		out=$(peer --timeout 10 --big $big --ping 10.9.0.1 --count 2)
		echo "a $big-byte frame: $out"
		[ "$(count "$out" replies)" = 2 ] || fail "pings after the long frame unanswered"
		[ "$(count "$out" closed)" = 0 ] || fail "closed"
		[ "$(relay_stat vm1 drop_too_big)" = $((tb0 + 1)) ] || fail "drop_too_big"
	done
	ip -n "$SW" link set vm1 mtu 1500
}

# Port stat: the switch side's counter FIELD of port PORT.
port_stat() {
	xvsctl -j show | jq -er --arg p "$1" --arg f "$2" \
		'.. | objects | select(.name? == $p) | .[$f]'
}

# The VM sends faster than the switch takes: every frame is either sent
# on or dropped as tx_full, none is lost uncounted.
vm_burst_counted() {
	local n=20000 f0 d0 r0 out df dd
	f0=$(relay_stat vm1 from_peer_packets) d0=$(relay_stat vm1 drop_tx_full)
	r0=$(port_stat vm1 rx_packets)
	out=$(peer --timeout 20 --burst $n --burst-len 1000)
	echo "stand-in: $out"
	# (It may also have answered an ARP request meanwhile.)
	[ "$(count "$out" tx)" -ge $n ] || fail "the stand-in sent $(count "$out" tx) of $n"
	wait_for 5 connected vm1 no || fail "disconnect not seen"
	df=$(($(relay_stat vm1 from_peer_packets) - f0))
	dd=$(($(relay_stat vm1 drop_tx_full) - d0))
	echo "relay: from_peer $df, drop_tx_full $dd; switch port vm1 rx" \
		"$(($(port_stat vm1 rx_packets) - r0))"
	[ $((df + dd)) = "$(count "$out" tx)" ] || fail "from_peer + drop_tx_full != frames sent"
	check ping_ok a 10.9.0.2
}

# Four queues on one shared UMEM: the far side's veth spreads frames
# over its queues by CPU, and each queue's socket relays them.
multi_queue() {
	local s=$RUNDIR/vm3.sock out q n
	xvsctl port add vm3 --bridge br0 --type afxdp --queues 4 --vm-socket "$s" ||
		fail "port add --queues 4"
	grep "relay vm3:" "$RUNDIR/$INST.log"
	SOCK=$s VM_MAC=02:00:00:00:09:67 VM_IP=10.9.0.103 bg_peer p4 --timeout 20
	wait_for 5 connected vm3 yes || fail "peer not connected"
	for c in $(seq 0 $(($(nproc) - 1))); do
		in_ns "$(ns_of a)" taskset -c "$c" ping -c 5 -i 0.05 -W 1 -q 10.9.0.103 >/dev/null ||
			fail "ping from CPU $c"
	done
	out=$(end_peer p4)
	echo "stand-in: $out"
	q=$(sw ethtool -S vm3-xsk | grep -E 'rx_queue_[0-9]+_xdp_redirect' | sed 's/^ *//' | tr '\n' ' ')
	echo "vm3-xsk: $q"
	n=$(echo "$q" | grep -oE ': [1-9][0-9]*' | wc -l)
	[ "$(nproc)" = 1 ] || [ "$n" -ge 2 ] || fail "frames on $n queue(s) only"
	[ "$(relay_stat vm3 to_peer_packets)" = "$(count "$out" rx)" ] || fail "to_peer_packets"
	[ "$(relay_stat vm3 from_peer_packets)" = "$(count "$out" tx)" ] || fail "from_peer_packets"
	xvsctl port del vm3 || fail "port del vm3"
}

socket_owner_mode() {
	local got
	got=$(stat -c '%U:%G %a %F' "$RUNDIR/vm2.sock")
	echo "vm2.sock: $got"
	[ "$got" = "nobody:nogroup 660 socket" ] || fail "owner/mode"
	# The default: root's, 0600.
	got=$(stat -c '%U:%G %a' "$SOCK")
	echo "vm1.sock: $got"
	[ "$got" = "root:root 600" ] || fail "vm1.sock: $got"
}

# QEMU's -netdev dgram: the stand-in binds its own path and sends from
# it; the relay learns it from its first datagram, and sees it go (its
# socket is gone) within a second or two.  A second one is then served.
dgram_framing() {
	local out g=$RUNDIR/guest s0 run c0
	# The user QEMU would run as: the socket's group may write to it.
	chmod 0711 "$RUNDIR"
	mkdir -p "$g" && chown nobody:nogroup "$g"
	c0=$(relay_stat vm2 connects)
	for run in 1 2; do
		s0=$(relay_stat vm2 from_peer_packets)
		out=$(timeout 30 setpriv --reuid nobody --regid nogroup --clear-groups \
			"$PEER" --socket "$RUNDIR/vm2.sock" --dgram "$g/vm2-guest.sock" \
			--mac 02:00:00:00:09:65 --ip 10.9.0.101 --ping 10.9.0.2 --count 3 \
			--timeout 10)
		echo "stand-in $run (as nobody): $out"
		[ "$(count "$out" replies)" = 3 ] || fail "dgram ping"
		[ $(($(relay_stat vm2 from_peer_packets) - s0)) = "$(count "$out" tx)" ] ||
			fail "from_peer_packets"
		wait_for 5 connected vm2 no || fail "the stand-in's leaving not seen"
	done
	xvsctl -j show | jq -c '.. | objects | select(.name? == "vm2") | .afxdp.relay_stats |
		{connects, disconnects, to_peer_packets, from_peer_packets}'
	[ "$(relay_stat vm2 connects)" = $((c0 + 2)) ] || fail "connects"
}

bad_socket_paths() {
	local out
	touch "$RUNDIR/file.sock"
	expect 2 port add vmx --bridge br0 --type afxdp --vm-socket "$RUNDIR/no/such.sock"
	expect 1 port add vmx --bridge br0 --type afxdp --vm-socket "$RUNDIR/file.sock"
	expect 1 port add vmx --bridge br0 --type afxdp --vm-socket "$SOCK"
	check test -f "$RUNDIR/file.sock"
	ip -n "$SW" link show vmx >/dev/null 2>&1 && fail "vmx left behind"
	# vm1's relay still serves.
	out=$(peer --timeout 10 --ping 10.9.0.1 --count 2) || fail "vm1 after: $out"
}

# xvsd dies (its socket file stays behind, nobody listening) or stops:
# the next xvsd adopts the port, takes the stale file's place and serves
# the next VM.
xvsd_restarts() {
	local pid how out
	for how in KILL TERM; do
		pid=$(cat "$RUNDIR/$INST.pid")
		kill -$how "$pid"
		wait_for 5 bash -c "! kill -0 $pid 2>/dev/null" || fail "xvsd did not end"
		echo "xvsd killed with SIG$how: vm1.sock $(test -S "$SOCK" && echo left || echo removed)"
		xvsctl attach --bridge br0 pa >/dev/null	# starts a new xvsd
		wait_for 5 connected vm1 no || fail "the relay is not back after SIG$how"
		out=$(peer --timeout 10 --ping 10.9.0.1 --count 2) || fail "no ping after SIG$how: $out"
		echo "stand-in: $out"
	done
	grep "relay vm1: 1 queue" "$RUNDIR/$INST.log" | tail -1
}

port_del_removes_socket() {
	xvsctl port del vm2 || fail "port del vm2"
	check test ! -e "$RUNDIR/vm2.sock"
	xvsctl port del vm1 || fail "port del vm1"
	check test ! -e "$SOCK"
	grep "relay vm" "$RUNDIR/$INST.log" | tail -4
}

ktap_run "$@"
