#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# AF_XDP ports in configuration files (`type: afxdp`): `xvsctl apply -f`
# makes them (port_add), changes their VLANs in place, makes them again
# when their settings change, deletes them (port_del: veth, pins, relay
# socket) when the file drops them, and a failed batch puts a deleted one
# back; `export` writes them so that they come back on an empty switch;
# `xvsd -c` reads their settings from their pins like apply.
#
#   [a] eth0 --- pa (access 10) ┐
#   10.9.0.1                    ├── xvs br0 ── vm1 ═══ vm1-xsk   relay: vm1.sock
#                               │   (xsw-*) ── vm2 ═══ vm2-xsk   (no consumer)
#                  tun0 (not Ethernet: the step that fails)
#
# The cases build on each other, in order.
source "$(dirname "$0")/lib/lib.sh"
require_env jq

TESTS=(apply_makes_ports apply_again_nothing dry_run_then_change
       export_round_trip failure_keeps_port xvsd_config_adopted file_drops_ports)

PINS=$BPFFS/$INST/afxdp
SOCK=$RUNDIR/vm1.sock

setup() {
	switch_setup
	station a 10.9.0.1/24 02:00:00:00:09:01
	sw ip tuntap add mode tun name tun0 && sw ip link set tun0 up
	# write_file NAME VM1_TAG VM2_QUEUES
	write_file v1 10 1
	write_file v2 20 2
}

write_file() {
	cat >"$RUNDIR/$1.yaml" <<EOT
bridges:
  br0:
    ports:
      pa: {vlan-mode: access, tag: 10}
      vm1:
        type: afxdp
        queues: 2
        vm-socket: $SOCK
        socket-owner: root
        socket-mode: "0660"
        vlan-mode: access
        tag: $2
      vm2: {type: afxdp, queues: $3}
    fdb:
      - {mac: "02:00:00:00:09:99", port: vm1, vlan: 10}
EOT
}

ifindex() { sw ip -o link show "$1" 2>/dev/null | cut -d: -f1; }
afxdp_of() {	# afxdp_of PORT FIELD: from show -j
	xvsctl -j show | jq -r --arg p "$1" --arg f "$2" \
		'.bridges[].ports[] | select(.name == $p) | .afxdp[$f]'
}

# The port and everything xvsd made for it are there (gone: "gone").
port_there() {
	local name=$1
	sw ip link show "$name" >/dev/null 2>&1 || fail "no interface $name"
	sw ip link show "$name-xsk" >/dev/null 2>&1 || fail "no interface $name-xsk"
	[ -e "$PINS/$name/xsk_conf" ] || fail "no pins for $name"
	xvsctl show | grep -q "port [0-9]* $name (ifindex" || fail "show does not list $name"
}

port_gone() {
	local name=$1
	sw ip link show "$name" >/dev/null 2>&1 && fail "$name is left"
	sw ip link show "$name-xsk" >/dev/null 2>&1 && fail "$name-xsk is left"
	[ -e "$PINS/$name" ] && fail "pins of $name are left"
	xvsctl show | grep -q " $name (ifindex" && fail "show still lists $name"
	return 0
}

apply_makes_ports() {
	local out
	out=$(xvsctl apply -f "$RUNDIR/v1.yaml") || fail "apply: $out"
	echo "$out"
	echo "$out" | grep -qx "+ afxdp port vm1 on br0 (queues 2, vm-socket $SOCK, vlan access 10)" ||
		fail "no port_add of vm1 in the plan"
	echo "$out" | grep -qx "+ afxdp port vm2 on br0 (queues 1, vlan trunk all)" ||
		fail "no port_add of vm2 in the plan"
	port_there vm1
	port_there vm2
	[ "$(afxdp_of vm1 queues)" = 2 ] || fail "vm1 queues $(afxdp_of vm1 queues)"
	[ "$(afxdp_of vm1 far_side)" = vm1-xsk ] || fail "vm1's far side"
	[ -S "$SOCK" ] || fail "no relay socket"
	[ "$(stat -c %a "$SOCK")" = 660 ] || fail "socket mode $(stat -c %a "$SOCK")"
	xvsctl port show vm1 | grep -q "vlan-mode access tag 10" || fail "vm1's VLAN"
	xvsctl fdb show | grep -q "02:00:00:00:09:99 dev vm1 vlan 10" || fail "entry on vm1"
}

# Nothing differs: nothing sent, the veths are the same ones.
apply_again_nothing() {
	local before out
	before="$(ifindex vm1) $(ifindex vm2)"
	[[ $before =~ ^[0-9]+\ [0-9]+$ ]] || fail "no ifindex for vm1 or vm2: $before"
	out=$(xvsctl apply -f "$RUNDIR/v1.yaml") || fail "apply: $out"
	[ "$out" = "nothing to change" ] || fail "second apply: $out"
	[ "$(ifindex vm1) $(ifindex vm2)" = "$before" ] || fail "a veth was made again"
}

# vm1's VLAN changes in place, vm2 (one more queue) is made again.
dry_run_then_change() {
	local vm1 vm2 out
	vm1=$(ifindex vm1)
	vm2=$(ifindex vm2)
	out=$(xvsctl apply -f "$RUNDIR/v2.yaml" --dry-run) || fail "dry-run: $out"
	echo "$out"
	[ "$out" = "- afxdp port vm2 from br0, added again below
~ port vm1: vlan access 10 -> access 20
+ afxdp port vm2 on br0 (queues 2, vlan trunk all)" ] || fail "unexpected plan"
	xvsctl -j apply -f "$RUNDIR/v2.yaml" --dry-run | jq -e '
		.steps[0].do == {cmd: "port_del", name: "vm2"} and
		.steps[0].undo[0] == {cmd: "port_add", name: "vm2", bridge: "br0",
				      type: "afxdp", queues: 1}' >/dev/null ||
		fail "JSON plan"
	[ "$(ifindex vm2)" = "$vm2" ] && [ "$(afxdp_of vm2 queues)" = 1 ] ||
		fail "the dry run changed vm2"
	out=$(xvsctl apply -f "$RUNDIR/v2.yaml") || fail "apply: $out"
	echo "$out"
	[ "$(ifindex vm1)" = "$vm1" ] || fail "vm1 was made again for a VLAN"
	xvsctl port show vm1 | grep -q "vlan-mode access tag 20" || fail "vm1's VLAN"
	[ "$(ifindex vm2)" != "$vm2" ] || fail "vm2 was not made again"
	[ "$(afxdp_of vm2 queues)" = 2 ] || fail "vm2 queues $(afxdp_of vm2 queues)"
	port_there vm2
}

# Export, empty the switch (the ports go), apply the export: the same.
export_round_trip() {
	local out
	xvsctl export >"$RUNDIR/export1.yaml" || fail "export"
	cat "$RUNDIR/export1.yaml"
	grep -A6 "^      vm1:" "$RUNDIR/export1.yaml" | grep -q "type: afxdp" ||
		fail "vm1 not exported as an AF_XDP port"
	out=$(xvsctl apply -f "$RUNDIR/export1.yaml") || fail "apply: $out"
	[ "$out" = "nothing to change" ] || fail "export does not match the switch: $out"
	out=$(xvsctl apply -f <(echo "bridges: {}")) || fail "emptying: $out"
	echo "$out"
	port_gone vm1
	port_gone vm2
	[ -e "$SOCK" ] && fail "relay socket left"
	out=$(xvsctl apply -f "$RUNDIR/export1.yaml") || fail "re-apply: $out"
	echo "$out"
	port_there vm1
	port_there vm2
	[ -S "$SOCK" ] || fail "no relay socket"
	xvsctl export >"$RUNDIR/export2.yaml"
	cmp "$RUNDIR/export1.yaml" "$RUNDIR/export2.yaml" || fail "rebuilt switch differs"
}

# The file drops vm1 (port_del), then a step fails: vm1 comes back as it
# was - settings, VLAN, the entry behind it, its relay socket.
failure_keeps_port() {
	local before err rc
	cat >"$RUNDIR/fails.yaml" <<EOT
bridges:
  br0:
    ports:
      pa: {vlan-mode: access, tag: 10}
      vm2: {type: afxdp, queues: 2}
      tun0: {}
EOT
	before=$(xvsctl export)
	err=$(xvsctl apply -f "$RUNDIR/fails.yaml" 2>&1)
	rc=$?
	echo "$err"
	[ $rc = 1 ] || fail "exit $rc, want 1"
	echo "$err" | grep -q "applying step .* (attach tun0): .*; rolled back" ||
		fail "unexpected error"
	port_there vm1
	[ "$(xvsctl export)" = "$before" ] ||
		{ diff <(echo "$before") <(xvsctl export); fail "the switch changed"; }
	[ -S "$SOCK" ] || fail "no relay socket after the rollback"
}

# xvsd -c over a switch with AF_XDP ports: they are adopted and their
# settings read from their pins - vm1 as it is stays, vm2 with a queue
# less is made again.
xvsd_config_adopted() {
	local vm1
	vm1=$(ifindex vm1)
	sed '/^      vm2:/,/queues/s/queues: 2/queues: 1/' "$RUNDIR/export1.yaml" >"$RUNDIR/c.yaml"
	grep -A2 "^      vm2:" "$RUNDIR/c.yaml" | grep -q "queues: 1" || fail "c.yaml"
	xvsctl stop >/dev/null || fail "stop"
	bg sw "$XVSD" -i "$INST" --bpffs "$BPFFS" --rundir "$RUNDIR" -c "$RUNDIR/c.yaml"
	# It listens first, applies the file, then says it is ready.
	wait_for 10 grep -q "instance $INST ready" "$RUNDIR/bg.log" || fail "xvsd did not start"
	grep "c.yaml: " "$RUNDIR/bg.log"
	[ "$(grep -c "c.yaml: [-+~]" "$RUNDIR/bg.log")" = 2 ] &&
	grep -q "c.yaml: - afxdp port vm2 from br0, added again below" "$RUNDIR/bg.log" &&
	grep -q "c.yaml: + afxdp port vm2 on br0 (queues 1, vlan trunk all)" "$RUNDIR/bg.log" ||
		fail "xvsd -c did not make vm2 again, and only vm2"
	[ "$(ifindex vm1)" = "$vm1" ] || fail "vm1 was made again"
	port_there vm1
	[ "$(afxdp_of vm2 queues)" = 1 ] || fail "vm2 queues $(afxdp_of vm2 queues)"
	wait_for 5 test -S "$SOCK" || fail "the relay is not listening again"
}

file_drops_ports() {
	local out
	out=$(xvsctl apply -f <(echo "bridges: {br0: {ports: {pa: {}}}}")) ||
		fail "apply: $out"
	echo "$out"
	echo "$out" | grep -qx -- "- afxdp port vm1 from br0" || fail "vm1 not in the plan"
	echo "$out" | grep -qx -- "- afxdp port vm2 from br0" || fail "vm2 not in the plan"
	port_gone vm1
	port_gone vm2
	[ -e "$SOCK" ] && fail "relay socket left"
	[ "$(xvsctl apply -f <(echo "bridges: {br0: {ports: {pa: {}}}}"))" = "nothing to change" ] ||
		fail "not done"
}

ktap_run "$@"
