#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Our GRE against Linux's own (ip_gre's gretap), both ways: the far end of
# the tunnel is a gretap device with the same key, carrying an address of
# the overlay subnet itself.  What xvs encapsulates, Linux must take; what
# Linux encapsulates, xvs must deliver; a gretap with another key is not
# heard.
#
#   [a] 10.8.0.1 -- pa ─ br1 ─ gre1 key 100 ─ ul 10.98.0.1 ══ eth0 10.98.0.2 [l]
#   (namespace xsw-*)                                         gretap key 100
#                                                             10.8.0.9
#
# SKIPs where the kernel has no ip_gre (as on a kernel built without it);
# the VM lane (make vmtest) has it.  HOOK=xdp|tc picks the hooks.
source "$(dirname "$0")/lib/lib.sh"
require_env

TESTS=(xvs_to_linux_gretap linux_gretap_to_xvs other_key_not_heard)

# Can this kernel make a gretap device?  Asked in a namespace of our own,
# before any topology exists.
gretap_probe() {
	local ns=xgp-$SUF ok=1
	ip netns add "$ns" 2>/dev/null || return 1
	modprobe -q ip_gre 2>/dev/null
	ip -n "$ns" link add name g0 type gretap local 10.0.0.1 remote 10.0.0.2 \
		key 1 2>/dev/null && ok=0
	ip netns del "$ns"
	return $ok
}
gretap_probe || ktap_skip_all "no Linux gretap devices here (CONFIG_NET_IPGRE)"

L=$(ns_of l)

setup() {
	switch_setup
	station a 10.8.0.1/24
	ip -n "$(ns_of a)" link set eth0 mtu 1458
	uplink ul 10.98.0.1/24 10.98.0.2/24
	# The wire's namespace is Linux's far end.
	ip netns add "$L" && echo "netns $L" >>"$STATE" || return 1
	ip -n "$(ns_of w)" link set eth0 netns "$L" || return 1
	ip -n "$L" -batch - <<-EOF || return 1
	link set dev lo up
	addr add 10.98.0.2/24 dev eth0
	link set dev eth0 up
	link add name g100 type gretap local 10.98.0.2 remote 10.98.0.1 key 100
	link set dev g100 mtu 1458
	addr add 10.8.0.9/24 dev g100
	link set dev g100 up
	EOF
	xvsctl attach --hook "${HOOK:-auto}" --bridge br1 pa >/dev/null &&
		xvsctl tunnel add gre1 --bridge br1 --remote 10.98.0.2 --key 100 \
			--uplink-hook "${HOOK:-auto}" >/dev/null
}

xvs_to_linux_gretap() {
	ping_ok a 10.8.0.9 || fail "a cannot reach Linux's gretap end"
}

linux_gretap_to_xvs() {
	in_ns "$L" ip neigh flush dev g100
	in_ns "$L" ping -c 2 -i 0.2 -W 2 -q -I g100 10.8.0.1 >/dev/null ||
		fail "Linux's gretap end cannot reach a"
}

other_key_not_heard() {
	in_ns "$L" ip -batch - <<-EOF
	link set dev g100 down
	link add name g101 type gretap local 10.98.0.2 remote 10.98.0.1 key 101
	addr add 10.8.0.10/24 dev g101
	link set dev g101 up
	EOF
	ping_ok a 10.8.0.10 && fail "a reaches a gretap with key 101"
	in_ns "$L" ip link del g101
	in_ns "$L" ip link set dev g100 up
	return 0
}

ktap_run "$@"
