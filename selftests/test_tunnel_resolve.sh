#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The control plane of GRE tunnels: xvsd finds a tunnel's uplink and next
# hop from the routes and neighbours, asks the kernel for ARP when the
# next hop is unknown, follows neighbour, route, address and MTU changes,
# hooks the uplink as an underlay while a tunnel rides on it and unhooks
# it after, and adopts all of it when it restarts.  (Traffic through
# tunnels is test_gre.sh's.)
#
#   xvs bridge br0: gre0 (namespace xsw-*)
#     up0 10.20.0.1/24 --- eth0 [w-*] 10.20.0.2/24   gre0's remote
#     up1 10.21.0.1/24 --- eth0 [v-*] 10.21.0.2/24   a second way to it
source "$(dirname "$0")/lib/lib.sh"
require_env jq tcpdump bpftool

TESTS=(resolves arp_asked neigh_followed route_followed route_lost_keeps_uplink
       mtu_followed bridge_port_refused restart_adopts detach_deletes_and_unhooks)

setup() {
	switch_setup
	uplink up0 10.20.0.1/24 10.20.0.2/24
	station v 10.21.0.2/24
	ip -n "$SW" link set pv down
	ip -n "$SW" link set pv name up1
	ip -n "$SW" addr add 10.21.0.1/24 dev up1
	ip -n "$SW" link set up1 up
	xvsctl bridge set br0 >/dev/null
}

# tun NAME FIELD: a field of `tunnel show -j`.
tun() { xvsctl -j tunnel show | jq -r ".[] | select(.name == \"$1\") | .$2"; }
tun_is() { [ "$(tun "$1" "$2")" = "$3" ]; }
hooked() { sw tc filter show dev "$1" ingress | grep -q xvs_tc_rx; }
underlays() { xvsctl -j show | jq -r '[.underlays[].name] | join(" ")'; }
underlays_are() { [ "$(underlays)" = "$*" ]; }

resolves() {
	xvsctl tunnel add gre0 --bridge br0 --remote 10.20.0.2 --key 100 ||
		fail "tunnel add"
	wait_for 5 tun_is gre0 state resolved || fail "gre0 not resolved"
	xvsctl tunnel show
	tun_is gre0 uplink up0 || fail "uplink $(tun gre0 uplink), want up0"
	tun_is gre0 next_hop_mac "$(mac_of w)" || fail "next hop $(tun gre0 next_hop_mac)"
	tun_is gre0 local 10.20.0.1 && tun_is gre0 local_auto true || fail "local"
	tun_is gre0 mtu 1458 && tun_is gre0 uplink_mtu 1500 || fail "mtu"
	[ "$(underlays)" = up0 ] || fail "underlays: $(underlays)"
	hooked up0 || fail "up0 has no TC hook"
	# (local, remote, key) -> gre0, and (local, 0, 0, 0) -> 0; network
	# order read as little-endian numbers: 10.20.0.1 is 16782346.
	[ "$(bpftool -j map dump pinned "$BPFFS/$INST/xvs_tun_in" |
	     jq -c '[.[].formatted | [.key.local, .key.remote, .key.key, .key.has_key, .value]] | sort')" = \
	  '[[16782346,0,0,0,0],[16782346,33559562,1677721600,1,2147483648]]' ] ||
		fail "xvs_tun_in"
	sw tc filter show dev up0 egress | grep -q xvs_tc_tx || fail "up0 has no TC egress hook"
	xvsctl show | grep -q "gre0 (gre): type gre, remote 10.20.0.2, key 100, resolved" ||
		fail "show does not list gre0"
}

arp_count_ge() { [ "$(grep -c who-has "$1")" -ge "$2" ]; }

# No one answers for 10.20.0.99: the kernel asks, again and again.
arp_asked() {
	local cap=$RUNDIR/arp.txt
	in_ns "$(ns_of w)" timeout 6 tcpdump -l -n -i eth0 "arp and host 10.20.0.99" \
		>"$cap" 2>"$cap.err" &
	wait_for 3 grep -q "listening on" "$cap.err" || fail "tcpdump did not start"
	xvsctl tunnel add gre9 --bridge br0 --remote 10.20.0.99 || fail "tunnel add"
	wait_for 6 grep -q "who-has 10.20.0.99" "$cap" || fail "no ARP request seen"
	wait_for 6 arp_count_ge "$cap" 4 || fail "ARP not asked again"
	cat "$cap"
	tun_is gre9 state unresolved || fail "gre9 resolved?"
	grep -q "tunnel gre9 unresolved: next hop 10.20.0.99 on up0 has not answered ARP yet" \
		"$RUNDIR/$INST.log" || fail "no reason logged"
	[ "$(grep -c "tunnel gre9 unresolved" "$RUNDIR/$INST.log")" = 1 ] ||
		fail "the reason is logged more than once"
	xvsctl tunnel del gre9 || fail "tunnel del"
	wait
}

neigh_followed() {
	sw ip neigh replace 10.20.0.2 lladdr 02:00:00:aa:bb:cc nud permanent dev up0
	wait_for 5 tun_is gre0 next_hop_mac 02:00:00:aa:bb:cc || fail "new MAC not followed"
	sw ip neigh del 10.20.0.2 dev up0
	wait_for 5 tun_is gre0 next_hop_mac "$(mac_of w)" || fail "not resolved again"
	tun_is gre0 state resolved || fail "state"
}

route_followed() {
	sw ip route add 10.20.0.2/32 via 10.21.0.2
	wait_for 5 tun_is gre0 uplink up1 || fail "route to up1 not followed"
	wait_for 5 tun_is gre0 next_hop_mac "$(mac_of v)" || fail "next hop not v"
	tun_is gre0 local 10.21.0.1 || fail "local address did not follow the route"
	wait_for 5 underlays_are up1 || fail "underlays: $(underlays)"
	hooked up0 && fail "up0 still hooked"
	sw ip route del 10.20.0.2/32
	wait_for 5 tun_is gre0 next_hop_mac "$(mac_of w)" || fail "not back on up0"
	tun_is gre0 uplink up0 && tun_is gre0 local 10.20.0.1 || fail "not back"
	wait_for 5 underlays_are up0 || fail "underlays: $(underlays)"
}

# Without a route the tunnel is unresolved but keeps its uplink hooked
# (packets from the far end still come in).
route_lost_keeps_uplink() {
	sw ip route add unreachable 10.20.0.2/32
	wait_for 5 tun_is gre0 state unresolved || fail "still resolved"
	tun_is gre0 uplink up0 || fail "uplink dropped"
	hooked up0 || fail "up0 unhooked"
	grep -q "tunnel gre0 unresolved: no route to 10.20.0.2" "$RUNDIR/$INST.log" ||
		fail "no reason logged"
	sw ip route del unreachable 10.20.0.2/32
	wait_for 5 tun_is gre0 state resolved || fail "not resolved again"
}

mtu_followed() {
	sw ip link set up0 mtu 1400
	wait_for 5 tun_is gre0 mtu 1358 || fail "mtu $(tun gre0 mtu), want 1358"
	sw ip link set up0 mtu 1500
	wait_for 5 tun_is gre0 mtu 1458 || fail "mtu $(tun gre0 mtu), want 1458"
}

# The way to 10.21.0.2 is a bridge port: no tunnel over it.
bridge_port_refused() {
	xvsctl attach --bridge br0 up1 >/dev/null || fail "attach up1"
	xvsctl tunnel add gre2 --bridge br0 --remote 10.21.0.2 || fail "tunnel add"
	tun_is gre2 state unresolved || fail "resolved over a bridge port"
	grep -q "tunnel gre2 unresolved: its uplink up1 is a port of bridge br0" \
		"$RUNDIR/$INST.log" || fail "no reason logged"
	xvsctl detach up1 || fail "detach up1"
	wait_for 5 tun_is gre2 state resolved || fail "not resolved once up1 is free"
	tun_is gre2 uplink up1 || fail "uplink"
	xvsctl tunnel del gre2 || fail "tunnel del"
	wait_for 5 underlays_are up0 || fail "underlays: $(underlays)"
}

restart_adopts() {
	local pid
	pid=$(cat "$RUNDIR/$INST.pid")
	kill "$pid"
	wait_for 5 bash -c "! kill -0 $pid" || fail "xvsd did not stop"
	hooked up0 || fail "the datapath went with the daemon"
	xvsctl bridge set br0 || fail "restart"
	grep -q "adopted 1 pinned tunnel" "$RUNDIR/$INST.log" || fail "tunnel not adopted"
	tun_is gre0 state resolved && tun_is gre0 uplink up0 || fail "state after restart"
	hooked up0 || fail "up0 unhooked"
	sw ip neigh replace 10.20.0.2 lladdr 02:00:00:aa:bb:cd nud permanent dev up0
	wait_for 5 tun_is gre0 next_hop_mac 02:00:00:aa:bb:cd || fail "new daemon does not follow"
	sw ip neigh del 10.20.0.2 dev up0
}

detach_deletes_and_unhooks() {
	xvsctl detach gre0 || fail "detach gre0"
	[ "$(xvsctl -j tunnel show)" = "[]" ] || fail "tunnel left"
	[ -z "$(underlays)" ] || fail "underlays left: $(underlays)"
	[ -z "$(sw tc filter show dev up0 ingress)" ] || fail "up0 keeps a filter"
	[ -z "$(sw tc filter show dev up0 egress)" ] || fail "up0 keeps an egress filter"
	[ "$(bpftool -j map dump pinned "$BPFFS/$INST/xvs_tun_in" | jq length)" = 0 ] ||
		fail "xvs_tun_in not empty"
}

ktap_run "$@"
