#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The control plane of flow rules: `xvsctl flow add | del | dump` and the
# daemon's table behind them.  A bad rule is one line and changes nothing,
# a file goes in whole or not at all, the mask and rule limits refuse and
# change nothing, a rule with the match and priority of one there replaces
# it, del is ovs-ofctl's (non-strict: at least as specific; --strict: this
# very rule), and a restarted daemon keeps the rules and their counters.
# (What rules do to traffic is test_flow.sh's.)
#
#   [a-*] eth0 --- pa ┐
#                     ├── xvs bridge br0 (namespace xsw-*)
#   [b-*] eth0 --- pb ┘
source "$(dirname "$0")/lib/lib.sh"
require_env jq bpftool

TESTS=(errors_one_line_change_nothing file_all_or_nothing mask_limit rule_limit
       replace_same_match_and_priority del_strict_and_not dump_json
       restart_keeps_rules_and_counters show_counts ports_flagged_gen_moves)

setup() {
	switch_setup
	station a 10.12.0.1/24
	station b 10.12.0.2/24
	xvsctl attach pa pb >/dev/null
}

# A rule's fields, one rule a line: "PRIORITY MATCH ACTIONS".
rules() { xvsctl -j flow dump br0 | jq -r '.[] | "\(.priority) \(.match) \(.actions)"'; }
count() { xvsctl -j flow dump br0 | jq length; }
flush() { xvsctl flow del br0 || fail "flow del br0"; }

errors_one_line_change_nothing() {
	local before
	flush
	check xvsctl flow add br0 "priority=10,tcp,tp_dst=22 actions=drop"
	before=$(xvsctl -j flow dump br0 | jq -c 'map(del(.duration))')
	expect 2 flow add br0 "tp_dst=22 actions=drop"
	expect 2 flow add br0 "nw_src=10.0.0.1 actions=drop"
	expect 2 flow add br0 "tcp,udp actions=drop"
	expect 2 flow add br0 "frob=1 actions=drop"
	expect 2 flow add br0 "dl_vlan=4095 actions=drop"
	expect 2 flow add br0 "in_port=nosuch actions=drop"
	expect 2 flow add br0 "tcp actions=drop,normal"
	expect 2 flow add br0 "tcp actions=output:nosuch"
	expect 2 flow add br0 "tcp"
	expect 2 flow add nosuchbr "tcp actions=drop"
	expect 2 flow del br0 "priority=10,tcp"
	expect 2 flow dump nosuchbr
	xvsctl flow add br0 "tp_dst=22 actions=drop" 2>&1 | grep -qx "xvsctl: tp_dst needs tcp, udp or sctp" ||
		fail "the message does not name the field and why"
	[ "$(xvsctl -j flow dump br0 | jq -c 'map(del(.duration))')" = "$before" ] ||
		fail "a failed command changed the rules"
	xvsctl flow del br0 "priority=10,tcp" 2>&1 | grep -q "priority= needs --strict" ||
		fail "del without --strict does not say what priority= needs"
	[ "$(xvsctl -j flow add br0 "tcp,tp_dst actions=drop" | jq -r .error)" = \
	  "tp_dst needs a value (tp_dst=0..65535[/mask])" ] || fail "no {\"error\": ...} under -j"
}

file_all_or_nothing() {
	local f=$RUNDIR/rules.txt
	flush
	printf '%s\n' "# an ACL" "" "priority=100,tcp,tp_dst=22 actions=drop" \
		"  priority=90,udp actions=normal  " "priority=80,tcp,tp_dst=99999 actions=drop" >"$f"
	out=$(xvsctl flow add br0 -f "$f" 2>&1)
	echo "$out"
	[ "$out" = "xvsctl: $f:5: tp_dst: bad value '99999' (want 0..65535[/mask])" ] ||
		fail "the error does not name the file and line"
	[ "$(count)" = 0 ] || fail "a file with a bad line added rules"
	sed -i '$d' "$f"
	check xvsctl flow add br0 -f "$f"
	rules
	[ "$(rules)" = "$(printf '%s\n' "100 tcp,tp_dst=22 drop" "90 udp normal")" ] ||
		fail "the file's rules are not all there"
}

mask_limit() {
	local f=$RUNDIR/masks.txt n before
	flush
	for n in $(seq 1 32); do echo "ip,nw_dst=10.0.0.0/$n actions=drop"; done >"$f"
	check xvsctl flow add br0 -f "$f"
	[ "$(xvsctl -j show | jq '.bridges[0].flows.masks')" = 32 ] || fail "not 32 masks"
	before=$(count)
	expect 1 flow add br0 "tcp,tp_dst=22 actions=drop"
	xvsctl flow add br0 "tcp,tp_dst=22 actions=drop" 2>&1 | grep -q "too many masks in bridge br0" ||
		fail "the mask limit is not named"
	[ "$(count)" = "$before" ] || fail "the refused rule changed the table"
	# A rule under a mask in use still goes in.
	check xvsctl flow add br0 "ip,nw_dst=10.1.0.0/16 actions=drop"
	[ "$(count)" = $((before + 1)) ] || fail "a rule with a known mask was refused"
	flush
}

rule_limit() {
	local f=$RUNDIR/many.txt
	flush
	seq 1 16384 | sed 's/.*/tcp,tp_dst=& actions=drop/' >"$f"
	check xvsctl flow add br0 -f "$f"
	[ "$(count)" = 16384 ] || fail "not 16384 rules"
	expect 1 flow add br0 "tcp,tp_dst=20000 actions=drop"
	[ "$(xvsctl flow add br0 "udp actions=drop" 2>&1)" = "xvsctl: flow table full: 16384 rules" ] ||
		fail "the rule limit is not named"
	[ "$(count)" = 16384 ] || fail "the refused rule changed the table"
	# A replacement needs a free slot until it is in: one rule less, then.
	expect 1 flow add br0 "tcp,tp_dst=7 actions=normal"
	check xvsctl flow del br0 "tcp,tp_dst=1" --strict
	check xvsctl flow add br0 "tcp,tp_dst=7 actions=normal"
	[ "$(count)" = 16383 ] || fail "a replacement added a rule"
	flush
	[ "$(count)" = 0 ] || fail "del did not empty the table"
}

replace_same_match_and_priority() {
	local id1 id2
	flush
	check xvsctl flow add br0 "priority=100,icmp actions=normal"
	ping_ok a 10.12.0.2 || fail "no ping"
	id1=$(xvsctl -j flow dump br0 | jq '.[0].id')
	[ "$(xvsctl -j flow dump br0 | jq '.[0].n_packets')" -ge 2 ] || fail "the rule counted nothing"
	check xvsctl flow add br0 "priority=100,icmp actions=flood"
	xvsctl flows br0
	[ "$(count)" = 1 ] || fail "a second rule, not a replacement"
	id2=$(xvsctl -j flow dump br0 | jq '.[0].id')
	[ "$id2" -gt "$id1" ] || fail "the replacement kept id $id1"
	[ "$(xvsctl -j flow dump br0 | jq -c '.[0] | [.n_packets, .n_bytes, .idle_age, .actions]')" = \
	  '[0,0,null,"flood"]' ] || fail "the replacement's counters or actions"
	check xvsctl flow add br0 "priority=101,icmp actions=normal"
	[ "$(count)" = 2 ] || fail "another priority replaced"
	flush
}

del_strict_and_not() {
	flush
	printf '%s\n' "priority=100,tcp,tp_dst=22 actions=drop" "priority=200,tcp,tp_dst=22 actions=drop" \
		"priority=100,tcp actions=drop" "priority=100,udp actions=drop" \
		"priority=100,tcp,nw_src=10.0.0.0/8,tp_dst=22 actions=drop" >"$RUNDIR/del.txt"
	check xvsctl flow add br0 -f "$RUNDIR/del.txt"
	check xvsctl flow del br0 "tcp" --strict	# priority 32768: none
	[ "$(count)" = 5 ] || fail "strict del of another priority deleted"
	[ "$(xvsctl -j flow del br0 "priority=100,tcp" --strict | jq .deleted)" = 1 ] ||
		fail "strict del did not delete one"
	rules | grep -qx "100 tcp drop" && fail "strict del left its rule"
	[ "$(xvsctl -j flow del br0 "tcp,tp_dst=22" | jq .deleted)" = 3 ] ||
		fail "non-strict del did not take the three rules at least as specific"
	[ "$(rules)" = "100 udp drop" ] || fail "non-strict del took too much: $(rules)"
	check xvsctl flow del br0
	[ "$(count)" = 0 ] || fail "del without a match left rules"
}

dump_json() {
	flush
	check xvsctl flow add br0 "priority=5,cookie=0x2a,in_port=pa,tcp,nw_dst=10.12.0.2/255.255.255.0,tp_dst=80 actions=mod_vlan_vid:7,output:pb"
	check xvsctl flow add br0 "priority=5,udp actions=drop"
	check xvsctl flow add br0 "priority=9 actions=normal"
	xvsctl flows br0
	xvsctl -p flow dump br0
	[ "$(xvsctl -j flow dump br0 | jq -c '.[0] | keys')" = \
	  '["actions","cookie","duration","id","idle_age","match","n_bytes","n_packets","priority","slot"]' ] ||
		fail "the fields of a rule"
	[ "$(xvsctl flow dump br0 -j | jq -c '[.[] | [.priority, .id]] | (. == (sort_by(-.[0], .[1])))')" = true ] ||
		fail "not sorted by priority down, then id"
	[ "$(xvsctl -j flow dump br0 | jq -r '.[] | select(.cookie == 42) | "\(.match) \(.actions)"')" = \
	  "tcp,in_port=pa,nw_dst=10.12.0.0/24,tp_dst=80 mod_vlan_vid:7,output:pb" ] ||
		fail "the canonical text"
	xvsctl flows br0 | grep -q "priority=5,cookie=0x2a,tcp,in_port=pa" || fail "text dump"
	flush
}

restart_keeps_rules_and_counters() {
	local before after
	flush
	check xvsctl flow add br0 "priority=300,icmp actions=normal"
	check xvsctl flow add br0 "priority=300,icmp,in_port=pb actions=normal"
	check xvsctl flow add br0 "priority=200,icmp actions=flood"	# shadowed
	ping_ok a 10.12.0.2 || fail "no ping"
	before=$(xvsctl -j flow dump br0 | jq -c 'map(del(.duration, .idle_age))')
	echo "$before"
	check xvsctl stop
	wait_for 5 test ! -S "$RUNDIR/$INST.sock" || fail "xvsd did not stop"
	ping_ok a 10.12.0.2 || fail "the rules do not forward with xvsd down"
	check xvsctl attach pa pb
	grep -q "adopted 3 pinned flow rules" "$RUNDIR/$INST.log" || fail "rules not adopted"
	after=$(xvsctl -j flow dump br0 | jq -c 'map(del(.duration, .idle_age, .n_packets, .n_bytes))')
	[ "$after" = "$(echo "$before" | jq -c 'map(del(.n_packets, .n_bytes))')" ] ||
		fail "the rules changed: $after"
	[ "$(xvsctl -j flow dump br0 | jq '[.[].n_packets] | add')" -ge \
	  "$(echo "$before" | jq '[.[].n_packets] | add')" ] || fail "the counters went back"
	# The shadowed rule takes over when its winner goes; ids go on.
	check xvsctl flow del br0 "priority=300,icmp" --strict
	ping_ok a 10.12.0.2 || fail "no ping through the shadowed rule"
	[ "$(xvsctl -j flow dump br0 | jq '.[] | select(.priority == 200) | .n_packets')" -ge 2 ] ||
		fail "the shadowed rule did not take over"
	check xvsctl flow add br0 "priority=1,arp actions=normal"
	[ "$(xvsctl -j flow dump br0 | jq '[.[].id] | max')" -gt \
	  "$(echo "$before" | jq '[.[].id] | max')" ] || fail "ids start over after a restart"
	flush
}

show_counts() {
	flush
	check xvsctl flow add br0 "priority=1,tcp actions=normal"
	check xvsctl flow add br0 "priority=1,tcp,tp_dst=1 actions=normal"
	check xvsctl flow add br0 "priority=1,tcp,tp_dst=2 actions=normal"
	xvsctl show | grep flows:
	xvsctl show | grep -q "flows: 3 rules, 2 masks (of 32; the switch: 16384 rules, cache 131072)" ||
		fail "show does not count the rules and masks"
	flush
	xvsctl show | grep -q "flows: 0 rules, 0 masks" || fail "show after del"
}

# A port's flags, and the bridge's generation, in the pinned maps.
flags_of() {
	bpftool -j map dump pinned "$BPFFS/$INST/xvs_ports" |
		jq -r ".[] | select(.formatted.value.name == \"$1\") | .formatted.value.flags"
}
flagged() { [ $(($(flags_of "$1") & 1024)) != 0 ]; }	# XVS_PORT_F_FLOWS
gen() { bpftool -j map dump pinned "$BPFFS/$INST/xvs_cls" | jq '.[0].formatted.value.gen'; }

# XVS_PORT_F_FLOWS on every port of a bridge with rules, tunnels and
# ports that come later too; a new port moves the generation on.
ports_flagged_gen_moves() {
	local g
	flush
	flagged pa && fail "pa flagged without rules"
	check xvsctl flow add br0 "priority=1,arp actions=normal"
	flagged pa && flagged pb || fail "the ports were not flagged"
	check xvsctl tunnel add gre9 --bridge br0 --remote 10.99.0.2 >/dev/null
	flagged gre9 || fail "a new tunnel port was not flagged"
	g=$(gen)
	station c 10.12.0.3/24
	check xvsctl attach pc >/dev/null
	flagged pc || fail "a new port was not flagged"
	[ "$(gen)" -gt "$g" ] || fail "attach did not move the generation on ($g, $(gen))"
	g=$(gen)
	check xvsctl detach pc
	[ "$(gen)" -gt "$g" ] || fail "detach did not move the generation on"
	flush
	flagged pa || flagged gre9 && fail "flags left without rules"
	[ "$(bpftool -j map dump pinned "$BPFFS/$INST/xvs_cls" | jq length)" = 0 ] ||
		fail "xvs_cls entry left without rules"
	check xvsctl tunnel del gre9
}

ktap_run "$@"
