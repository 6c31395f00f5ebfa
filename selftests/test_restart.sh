#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The daemon is not on the forwarding path: kill -9 it during a ping and
# nothing but frames in flight may be lost; a new daemon adopts the pinned
# state and learns again; SIGTERM leaves the datapath in place.
#
#   [a-*] eth0 --- pa ┐
#                     ├── xvs bridge br0 (namespace xsw-*)
#   [b-*] eth0 --- pb ┘
source "$(dirname "$0")/lib/lib.sh"
require_env bpftool

TESTS=(kill9_keeps_forwarding restart_adopts sigterm_keeps_datapath
       vanished_port_removed reset_after_layout_change)

setup() {
	switch_setup
	station a 10.3.0.1/24 02:00:00:00:02:01
	station b 10.3.0.2/24 02:00:00:00:02:02
	xvsctl attach pa pb >/dev/null
}

daemon_pid() { cat "$RUNDIR/$INST.pid" 2>/dev/null; }

kill9_keeps_forwarding() {
	local pid out sent recv
	ping_ok a 10.3.0.2 || fail "no forwarding to start with"
	pid=$(daemon_pid)
	in_ns "$(ns_of a)" ping -c 200 -i 0.01 -W 1 10.3.0.2 >"$RUNDIR/ping9" 2>&1 &
	sleep 0.5
	kill -9 "$pid" || fail "no daemon to kill"
	echo "killed xvsd $pid"
	wait
	out=$(grep transmitted "$RUNDIR/ping9")
	echo "$out"
	sent=$(echo "$out" | awk '{print $1}')
	recv=$(echo "$out" | awk '{print $4}')
	[ $((sent - recv)) -le 2 ] || fail "lost $((sent - recv)) of $sent with the daemon dead"
	ping_ok b 10.3.0.1 || fail "no forwarding after the daemon died"
	xvsctl show | head -3
}

restart_adopts() {
	local out
	# attach starts the daemon again; the ports are adopted, not re-added.
	check xvsctl attach pa pb
	wait_for 5 test -s "$RUNDIR/$INST.pid" || fail "daemon did not start"
	grep -h "adopted" "$RUNDIR/$INST.log" | tail -1
	grep -q "adopted 2 pinned ports" "$RUNDIR/$INST.log" || fail "ports not adopted"
	check xvsctl fdb flush
	ping_ok a 10.3.0.2 || fail "no forwarding after restart"
	out=$(xvsctl fdb show)
	echo "$out"
	echo "$out" | grep -q "02:00:00:00:02:01 dev pa" || fail "new daemon does not learn"
}

sigterm_keeps_datapath() {
	local pid
	pid=$(daemon_pid)
	kill -TERM "$pid"
	wait_for 5 bash -c "! kill -0 $pid" || fail "xvsd ignored SIGTERM"
	ping_ok a 10.3.0.2 || fail "no forwarding after SIGTERM"
	sw ip link show pa | head -1
	check xvsctl attach pa pb	# and back
}

vanished_port_removed() {
	station d 10.3.0.4/24 02:00:00:00:02:04
	check xvsctl attach pd
	ping_ok d 10.3.0.1 || fail "d cannot ping a"
	ip netns del "$(ns_of d)"	# takes the veth pair with it
	wait_for 5 bash -c "! $XVSCTL -i $INST --bpffs $BPFFS --rundir $RUNDIR show | grep -q ' pd '" ||
		fail "vanished port still listed"
	wait_for 3 grep -q "port pd .* vanished" "$RUNDIR/$INST.log" ||
		fail "vanishing not reported"
	grep "vanished" "$RUNDIR/$INST.log" | tail -1
	xvsctl fdb show | grep -q "02:00:00:00:02:04" && fail "its MAC stayed in the table"
	ping_ok a 10.3.0.2 || fail "the others stopped"
}

# Pins of another layout (as another xvs version would leave): xvsd
# refuses them with a hint, and --reset takes everything down.
reset_after_layout_change() {
	local out
	kill -9 "$(daemon_pid)"
	rm "$BPFFS/$INST/xvs_members"
	bpftool map create "$BPFFS/$INST/xvs_members" type hash key 8 value 4 \
		entries 16 name xvs_members || fail "cannot fake an old map"
	out=$(sw "$XVSD" -i "$INST" --bpffs "$BPFFS" --rundir "$RUNDIR" 2>&1)
	echo "$out"
	echo "$out" | grep -q "another layout.*--reset" || fail "no clear error"
	check sw "$XVSD" -i "$INST" --bpffs "$BPFFS" --rundir "$RUNDIR" --reset
	[ -e "$BPFFS/$INST" ] && fail "pins left after --reset"
	sw ip link show pa | grep -q xdp && fail "XDP left on pa"
	[ -z "$(sw tc filter show dev pa ingress)" ] || fail "filter left on pa"
	check xvsctl attach pa pb	# a fresh start works
	ping_ok a 10.3.0.2 || fail "no forwarding after a fresh start"
}

ktap_run "$@"
