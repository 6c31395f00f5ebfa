#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# xvsctl's contract: exit 0 ok, 1 failed, 2 bad usage or not found; one
# line per error; {"error": ...} under -j; nothing changes on an error.
#
#   [a-*] eth0 --- pa ── xvs bridge br0 (namespace xsw-*)
source "$(dirname "$0")/lib/lib.sh"
require_env python3

TESTS=(usage_errors_exit_2 not_found_exit_2 json_errors failed_attach_exit_1
       errors_change_nothing help_everywhere tunnel_errors
       tunnel_errors_change_nothing)

setup() {
	switch_setup
	station a 10.8.0.1/24
	station b 10.8.0.2/24
	xvsctl attach pa >/dev/null
}

usage_errors_exit_2() {
	expect 2 frobnicate
	expect 2 fdb show vlan 4095
	expect 2 fdb add 02:00:00:00:00:zz dev pa
	expect 2 fdb add 01:00:5e:00:00:01 dev pa
	expect 2 bridge set br0 ageing 0
	expect 2 attach
	expect 2 attach --hook bogus pa
	expect 2 stats dev
}

not_found_exit_2() {
	expect 2 fdb show dev nosuchdev
	expect 2 detach nosuchdev
	expect 2 fdb del 02:00:00:00:00:01 dev pa
	expect 2 attach nosuchdev
}

json_errors() {
	local out
	out=$(xvsctl -j fdb show dev nosuchdev 2>/dev/null)
	echo "$out"
	echo "$out" | python3 -c 'import json,sys; e=json.load(sys.stdin)["error"]; assert e' ||
		fail "no {\"error\": ...} object"
	xvsctl -j show | python3 -m json.tool >/dev/null || fail "show -j is not JSON"
	xvsctl -j fdb show | python3 -m json.tool >/dev/null || fail "fdb show -j is not JSON"
	xvsctl -j stats | python3 -m json.tool >/dev/null || fail "stats -j is not JSON"
}

# Loopback is no Ethernet interface: the attach fails and says why.
failed_attach_exit_1() {
	expect 1 attach lo
}

errors_change_nothing() {
	local before after
	before=$(xvsctl -j show)
	xvsctl attach pb nosuchdev >/dev/null 2>&1 && fail "attach of a missing device worked"
	xvsctl attach pb lo >/dev/null 2>&1 && fail "attach of lo worked"
	sw ip link show pb | grep -q xdp && fail "pb kept a program"
	[ -z "$(sw tc filter show dev pb ingress)" ] || fail "pb kept a filter"
	xvsctl fdb add 02:00:00:00:00:zz dev pa >/dev/null 2>&1
	xvsctl bridge set br0 mac-limit 0 >/dev/null 2>&1
	after=$(xvsctl -j show)
	[ "$(echo "$before" | sed 's/"rx_[a-z]*":[0-9]*//g; s/"tx_[a-z]*":[0-9]*//g')" = \
	  "$(echo "$after" | sed 's/"rx_[a-z]*":[0-9]*//g; s/"tx_[a-z]*":[0-9]*//g')" ] ||
		fail "a failed command changed the switch"
}

help_everywhere() {
	local o
	for o in attach detach show fdb stats bridge stop tunnel; do
		xvsctl $o help >/dev/null 2>&1 || fail "'$o help' fails"
	done
	xvsctl help | grep -q "fdb" || fail "help does not list fdb"
}

# Bad addresses, keys, TTLs, TOS, hooks and missing words are usage
# errors (2), found before anything is sent; a missing bridge or tunnel is
# "not found" (2); a name or addresses already taken make the add fail
# (1).  No route to 10.8.0.9: the tunnels stay unresolved, which is no
# error.
tunnel_errors() {
	local add="tunnel add gre0 --bridge br0"
	expect 2 $add --remote 10.8.0.300
	expect 2 $add --remote 224.0.0.1
	expect 2 $add --remote 10.8.0.9 --local 0.0.0.0
	expect 2 $add --remote 10.8.0.9 --key 4294967296
	expect 2 $add --remote 10.8.0.9 --key -1
	expect 2 $add --remote 10.8.0.9 --key ten
	expect 2 $add --remote 10.8.0.9 --ttl 0
	expect 2 $add --remote 10.8.0.9 --tos 256
	expect 2 $add --remote 10.8.0.9 --uplink-hook bogus
	expect 2 $add --remote 10.8.0.9 --remote 10.8.0.8
	expect 2 $add
	expect 2 tunnel add gre0 --remote 10.8.0.9
	expect 2 tunnel add --bridge br0 --remote 10.8.0.9
	expect 2 tunnel add gre0 --bridge nosuchbr --remote 10.8.0.9
	expect 0 $add --remote 10.8.0.9 --key 5
	expect 1 $add --remote 10.8.0.10
	expect 1 tunnel add gre1 --bridge br0 --remote 10.8.0.9 --key 5
	expect 1 tunnel add pb --bridge br0 --remote 10.8.0.11
	expect 1 tunnel add pa --bridge br0 --remote 10.8.0.11
	expect 2 tunnel del nosuch
	expect 2 tunnel show nosuch
	expect 0 tunnel add gre1 --bridge br0 --remote 10.8.0.9 --key 6 --tos inherit --ttl 9
	xvsctl tunnel show | grep -q "^gre1: bridge br0 port [0-9]*, remote 10.8.0.9, local auto, key 6, ttl 9, tos inherit" ||
		fail "gre1 not shown as added"
	xvsctl -j tunnel show | python3 -c 'import json,sys; t=json.load(sys.stdin); assert [x["state"] for x in t] == ["unresolved"] * 2' ||
		fail "tunnel show -j"
	expect 0 tunnel del gre0
	expect 0 detach gre1
	[ -z "$(xvsctl tunnel show)" ] || fail "tunnels left"
}

tunnel_errors_change_nothing() {
	local before after
	xvsctl tunnel add gre0 --bridge br0 --remote 10.8.0.9 --key 5 >/dev/null ||
		fail "add gre0"
	before=$(xvsctl -j show; xvsctl -j tunnel show)
	xvsctl tunnel add gre1 --bridge nosuchbr --remote 10.8.0.9 >/dev/null 2>&1
	xvsctl tunnel add gre1 --bridge br0 --remote 10.8.0.9 --key 5 >/dev/null 2>&1
	xvsctl tunnel add gre0 --bridge br0 --remote 10.8.0.7 >/dev/null 2>&1
	xvsctl tunnel add gre1 --bridge br0 --remote 10.8.0.300 >/dev/null 2>&1
	after=$(xvsctl -j show; xvsctl -j tunnel show)
	[ "$before" = "$after" ] || fail "a failed tunnel add changed the switch"
	xvsctl tunnel del gre0 >/dev/null || fail "del gre0"
}

ktap_run "$@"
