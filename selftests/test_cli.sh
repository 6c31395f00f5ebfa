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
       errors_change_nothing help_everywhere)

setup() {
	switch_setup
	station a 10.8.0.1/24
	station b 10.8.0.2/24
	xvsctl attach pa >/dev/null
}

# expect RC CMD...: run xvsctl, check its exit status and one-line stderr.
expect() {
	local want=$1 out rc
	shift
	out=$(xvsctl "$@" 2>&1 >/dev/null)
	rc=$?
	echo "xvsctl $* -> $rc: $out"
	[ "$rc" = "$want" ] || fail "exit $rc, want $want"
	[ "$want" = 0 ] || [ "$(echo "$out" | wc -l)" = 1 ] || fail "not one line"
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
	for o in attach detach show fdb stats bridge stop; do
		xvsctl $o help >/dev/null 2>&1 || fail "'$o help' fails"
	done
	xvsctl help | grep -q "fdb" || fail "help does not list fdb"
}

ktap_run "$@"
