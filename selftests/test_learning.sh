#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# MAC learning policy: ageing, the per-bridge MAC limit, static entries,
# flushing, and the learn rate limit under a flood of new source MACs.
#
#   [a-*] eth0 --- pa ┐
#   [b-*] eth0 --- pb ┼── xvs bridge br0 (namespace xsw-*)
#   [c-*] eth0 --- pc ┘
source "$(dirname "$0")/lib/lib.sh"
require_env python3

TESTS=(ageing_removes_idle static_never_ages mac_limit_holds flush_learned
       mac_flood_is_rate_limited)

setup() {
	switch_setup
	station a 10.2.0.1/24 02:00:00:00:01:01
	station b 10.2.0.2/24 02:00:00:00:01:02
	station c 10.2.0.3/24 02:00:00:00:01:03
	xvsctl attach --bridge br0 pa pb pc >/dev/null
}

has_mac() { xvsctl fdb show | grep -q "^$1 "; }

ageing_removes_idle() {
	check xvsctl bridge set br0 ageing 2
	ping_ok a 10.2.0.2 || fail "a cannot ping b"
	has_mac 02:00:00:00:01:01 || fail "a not learned"
	# Both go quiet: no ARP refresh for a while (static neighbours).
	wait_for 8 bash -c "! $XVSCTL -i $INST --bpffs $BPFFS --rundir $RUNDIR fdb show |
		grep -q '^02:00:00:00:01:01 '" || fail "a not aged out after 2 s"
	echo "a aged out"
	check xvsctl bridge set br0 ageing 300
}

static_never_ages() {
	check xvsctl bridge set br0 ageing 1
	check xvsctl fdb add 02:00:00:00:0a:0a dev pc
	sleep 3
	xvsctl fdb show | grep "02:00:00:00:0a:0a"
	xvsctl fdb show | grep -q "^02:00:00:00:0a:0a dev pc .*static" ||
		fail "static entry aged or moved"
	check xvsctl fdb del 02:00:00:00:0a:0a dev pc
	has_mac 02:00:00:00:0a:0a && fail "fdb del left the entry"
	check xvsctl bridge set br0 ageing 300
}

mac_limit_holds() {
	local refused
	check xvsctl fdb flush
	check xvsctl bridge set br0 mac-limit 2
	ping_ok a 10.2.0.2 || fail "a cannot ping b"
	ping_ok c 10.2.0.1 || fail "c cannot ping a (forwarding must go on at the limit)"
	sleep 0.5
	xvsctl fdb show
	[ "$(xvsctl fdb show | grep -c learned)" = 2 ] || fail "more than 2 MACs learned"
	refused=$(xvsctl -j show | grep -o '"learn_refused":[0-9]*' | cut -d: -f2)
	echo "refused: $refused"
	[ "${refused:-0}" -gt 0 ] || fail "refusals not counted"
	check xvsctl bridge set br0 mac-limit 8192
}

flush_learned() {
	ping_ok a 10.2.0.3 || fail "a cannot ping c"
	check xvsctl fdb add 02:00:00:00:0b:0b dev pb
	check xvsctl fdb flush dev pa
	has_mac 02:00:00:00:01:01 && fail "flush dev pa left a's MAC"
	has_mac 02:00:00:00:0b:0b || fail "flush removed a static entry"
	check xvsctl fdb del 02:00:00:00:0b:0b dev pb
}

# 5000 frames from 5000 source MACs: the table, the ring and forwarding
# survive; upcalls stop at the rate limit.
mac_flood_is_rate_limited() {
	local up rl
	check xvsctl fdb flush
	in_ns "$(ns_of a)" python3 - <<'PY' || fail "cannot send the flood"
import socket
s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
s.bind(("eth0", 0))
for i in range(5000):
    src = bytes([0x02, 0x55, 0, 0, i >> 8, i & 0xff])
    s.send(bytes.fromhex("ffffffffffff") + src + bytes.fromhex("88b5") + bytes(46))
PY
	sleep 1
	up=$(xvsctl -j stats | grep -o '"upcall":[0-9]*' | cut -d: -f2)
	rl=$(xvsctl -j stats | grep -o '"upcall_ratelimited":[0-9]*' | cut -d: -f2)
	echo "upcalls $up, rate-limited $rl, learned $(xvsctl fdb show | grep -c learned)"
	[ "${rl:-0}" -gt 0 ] || echo "(the flood was slower than the rate limit)"
	ping_ok b 10.2.0.3 || fail "forwarding stalled after the MAC flood"
	check xvsctl fdb flush
}

ktap_run "$@"
