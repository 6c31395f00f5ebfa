#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Configuration files: `xvsctl apply -f`, `--dry-run`, `export`, and
# `xvsd -c`, on real traffic.  One bridge, two VLANs; all stations share
# one subnet, so what keeps them apart is the file's VLANs.
#
#   [a1] .1 --- pa1 (access 10) ┐
#   [b1] .2 --- pb1 (access 10) ┼─ xvs br0     v2.yaml moves pb1 to VLAN 20
#   [c1] .3 --- pc1 (access 20) ┤
#   [d1] .4 --- pd1 (access 20) ┘
#   (namespace xsw-*; tun0, a non-Ethernet device there, refuses to attach)
source "$(dirname "$0")/lib/lib.sh"
require_env jq

TESTS=(apply_file vlan_change_only_that_port bad_file_changes_nothing
       dry_run_changes_nothing apply_twice_nothing export_round_trip
       failure_rolls_back xvsd_config tunnel_in_file)

setup() {
	switch_setup
	station a1 10.10.0.1/24 02:00:00:00:10:01
	station b1 10.10.0.2/24 02:00:00:00:10:02
	station c1 10.10.0.3/24 02:00:00:00:20:03
	station d1 10.10.0.4/24 02:00:00:00:20:04
	sw ip tuntap add mode tun name tun0 && sw ip link set tun0 up
	write_file v1 10
	write_file v2 20
}

# write_file NAME VLAN_OF_PB1
write_file() {
	cat >"$RUNDIR/$1.yaml" <<EOT
bridges:
  br0:
    ageing: 600
    ports:
      pa1: {vlan-mode: access, tag: 10}
      pb1: {vlan-mode: access, tag: $2}
      pc1: {vlan-mode: access, tag: 20}
      pd1: {vlan-mode: access, tag: 20}
    fdb:
      - {mac: "02:00:00:00:10:99", port: pa1}
EOT
}

# The switch as `show -j` has it, without counters, ages and the pid.
state() {
	xvsctl -j show | jq -S 'walk(if type == "object" then
		with_entries(select(.key | test("packets|bytes|dropped|learned|refused|macs|pid|running") | not))
		else . end)'
	xvsctl -j fdb show | jq -S '[.. | objects | select(has("mac")) |
		select(.flags | index("static")) | del(.age)]'
}

apply_file() {
	local out
	out=$(xvsctl apply -f "$RUNDIR/v1.yaml") || fail "apply: $out"
	echo "$out"
	echo "$out" | grep -q "^+ attach pd1 to br0" || fail "no attach in the output"
	ping_ok a1 10.10.0.2 || fail "a1 cannot reach b1 (both VLAN 10)"
	ping_ok c1 10.10.0.4 || fail "c1 cannot reach d1 (both VLAN 20)"
	ping_ok a1 10.10.0.3 && fail "a1 (10) reaches c1 (20)"
	xvsctl show | grep -q "ageing 600 s" || fail "ageing not set"
	xvsctl fdb show | grep -q "02:00:00:00:10:99" || fail "static entry missing"
}

# Re-apply with pb1 in VLAN 20 while c1 pings d1: one change, no loss.
vlan_change_only_that_port() {
	local out sent recv
	in_ns "$(ns_of c1)" ping -i 0.05 -c 100 -W 1 -q 10.10.0.4 >"$RUNDIR/ping.out" 2>&1 &
	local pid=$!
	sleep 1
	out=$(xvsctl apply -f "$RUNDIR/v2.yaml") || fail "apply: $out"
	echo "$out"
	[ "$out" = "~ port pb1: vlan access 10 -> access 20
1 change applied" ] || fail "unexpected plan"
	wait $pid
	cat "$RUNDIR/ping.out"
	grep -q " 100 received, 0% packet loss" "$RUNDIR/ping.out" ||
		fail "the ping on an unchanged port lost packets"
	ping_ok b1 10.10.0.3 || fail "b1 (now 20) cannot reach c1"
	ping_ok b1 10.10.0.1 && fail "b1 (now 20) still reaches a1 (10)"
	return 0
}

bad_file_changes_nothing() {
	local before err rc
	cat >"$RUNDIR/bad.yaml" <<EOT
bridges:
  br0:
    ports:
      pa1: {vlan-mode: access, tag: 4095}
      pb1: {vlan-mode: trunk, tag: 20}
      nosuch0: {}
    fdb:
      - {mac: "02:00:00:00:10:98", port: pz1}
flows: []
EOT
	before=$(state)
	err=$(xvsctl apply -f "$RUNDIR/bad.yaml" 2>&1 >/dev/null)
	rc=$?
	echo "$err"
	[ $rc = 2 ] || fail "exit $rc, want 2"
	[ "$err" = "$RUNDIR/bad.yaml:4:37: 'tag' must be an integer from 1 to 4094
$RUNDIR/bad.yaml:5:36: 'tag' on a trunk (a trunk with a native VLAN is vlan-mode native-untagged or native-tagged)
$RUNDIR/bad.yaml:6:7: no interface 'nosuch0' on this host
$RUNDIR/bad.yaml:8:42: 'pz1' is not a port of bridge br0
$RUNDIR/bad.yaml:9:1: 'flows' is not supported yet
xvsctl: $RUNDIR/bad.yaml: 5 errors, nothing changed" ] || fail "unexpected errors"
	[ "$(state)" = "$before" ] || fail "the switch changed"
}

dry_run_changes_nothing() {
	local before out
	before=$(state)
	out=$(xvsctl apply -f "$RUNDIR/v1.yaml" --dry-run) || fail "dry-run: $out"
	echo "$out"
	[ "$out" = "~ port pb1: vlan access 20 -> access 10" ] || fail "unexpected plan"
	xvsctl -j apply -f "$RUNDIR/v1.yaml" --dry-run | jq -e '.changes == 1 and
		.steps[0].do.cmd == "port_set" and .steps[0].undo[0].tag == 20' >/dev/null ||
		fail "JSON plan"
	[ "$(state)" = "$before" ] || fail "the switch changed"
}

apply_twice_nothing() {
	local out
	out=$(xvsctl apply -f "$RUNDIR/v2.yaml") || fail "apply: $out"
	[ "$out" = "nothing to change" ] || fail "second apply: $out"
}

export_round_trip() {
	local out
	xvsctl export >"$RUNDIR/export1.yaml" || fail "export"
	cat "$RUNDIR/export1.yaml"
	out=$(xvsctl apply -f "$RUNDIR/export1.yaml") || fail "apply: $out"
	[ "$out" = "nothing to change" ] || fail "export does not match the switch: $out"
	xvsctl export >"$RUNDIR/export2.yaml"
	cmp "$RUNDIR/export1.yaml" "$RUNDIR/export2.yaml" || fail "export changed"
	# From nothing: detach everything, apply the export, export again.
	out=$(xvsctl apply -f <(echo "bridges: {}")) || fail "emptying: $out"
	[ -z "$(xvsctl -j show | jq '.bridges[]?')" ] || fail "bridges left"
	out=$(xvsctl apply -f "$RUNDIR/export1.yaml") || fail "re-apply: $out"
	xvsctl export >"$RUNDIR/export3.yaml"
	cmp "$RUNDIR/export1.yaml" "$RUNDIR/export3.yaml" || fail "rebuilt switch differs"
	ping_ok c1 10.10.0.4 || fail "c1 cannot reach d1 after the rebuild"
}

# Steps that work (a detach, a new bridge, a VLAN change), then one that
# cannot (tun0 is not Ethernet): exit 1, and the switch as it was.
failure_rolls_back() {
	local before err rc
	cat >"$RUNDIR/fails.yaml" <<EOT
bridges:
  br0:
    ageing: 30
    ports:
      pa1: {vlan-mode: access, tag: 30}
      pb1: {vlan-mode: access, tag: 20}
      pc1: {vlan-mode: access, tag: 20}
  br1:
    ports:
      pd1: {vlan-mode: access, tag: 20}
      tun0: {}
EOT
	before=$(state)
	echo "$before" | grep -q '"pd1"' && echo "$before" | grep -q '10:99' ||
		fail "state() sees no ports or no static entry"
	err=$(xvsctl apply -f "$RUNDIR/fails.yaml" 2>&1)
	rc=$?
	echo "$err"
	[ $rc = 1 ] || fail "exit $rc, want 1"
	echo "$err" | grep -q "applying step .* (attach tun0): Couldn't attach 'tun0': not an Ethernet interface; rolled back" ||
		fail "unexpected error"
	[ "$(state)" = "$before" ] || { diff <(echo "$before") <(state); fail "the switch changed"; }
	ping_ok c1 10.10.0.4 || fail "c1 cannot reach d1 after the rollback"
}

# xvsd -c: a new daemon over an empty instance builds the file's switch;
# a bad file stops it before it serves (exit 2).
xvsd_config() {
	local rc
	xvsctl stop --cleanup >/dev/null || fail "stop"
	sw timeout 10 "$XVSD" -i "$INST" --bpffs "$BPFFS" --rundir "$RUNDIR" \
		-c "$RUNDIR/bad.yaml" 2>"$RUNDIR/xvsd-bad.log"
	rc=$?
	[ $rc = 2 ] || fail "xvsd -c bad.yaml: exit $rc, want 2"
	grep -q "bad.yaml:4:37: 'tag' must be" "$RUNDIR/xvsd-bad.log" || fail "no error logged"
	bg sw "$XVSD" -i "$INST" --bpffs "$BPFFS" --rundir "$RUNDIR" -c "$RUNDIR/v1.yaml"
	wait_for 10 test -S "$RUNDIR/$INST.sock" || fail "xvsd did not start"
	wait_for 10 ping_ok a1 10.10.0.2 || fail "a1 cannot reach b1"
	ping_ok a1 10.10.0.3 && fail "a1 (10) reaches c1 (20)"
	[ "$(xvsctl apply -f "$RUNDIR/v1.yaml")" = "nothing to change" ] ||
		fail "xvsd -c did not build what the file says"
}

# A tunnel in the file: added (no route to its remote: unresolved, which
# is no error), exported, matched, and removed with the entry behind it.
tunnel_in_file() {
	local out
	{ cat "$RUNDIR/v1.yaml"; cat <<EOT; } >"$RUNDIR/tun.yaml"
      - {mac: "02:00:00:00:10:77", port: gre0}
    tunnels:
      gre0: {remote: 192.0.2.2, key: 100, tos: inherit, vlan-mode: access, tag: 10}
EOT
	out=$(xvsctl apply -f "$RUNDIR/tun.yaml") || fail "apply: $out"
	echo "$out"
	echo "$out" | grep -q "^+ tunnel gre0 on br0 (remote 192.0.2.2, key 100, vlan access 10)" ||
		fail "no tunnel in the plan"
	xvsctl tunnel show | grep -q "^gre0: bridge br0 .* key 100, ttl 64, tos inherit" ||
		fail "tunnel not made"
	xvsctl fdb show | grep -q "02:00:00:00:10:77 dev gre0 vlan 10" || fail "entry on gre0"
	xvsctl export >"$RUNDIR/tun-export.yaml"
	grep -q "^    tunnels:" "$RUNDIR/tun-export.yaml" || fail "not exported"
	[ "$(xvsctl apply -f "$RUNDIR/tun-export.yaml")" = "nothing to change" ] ||
		fail "export does not match"
	out=$(xvsctl apply -f "$RUNDIR/v1.yaml") || fail "apply v1: $out"
	echo "$out"
	echo "$out" | grep -q "^- tunnel gre0 from br0" || fail "tunnel not removed"
	[ "$(xvsctl -j tunnel show)" = "[]" ] || fail "tunnel left"
}

ktap_run "$@"
