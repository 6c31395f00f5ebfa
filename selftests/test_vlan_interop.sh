#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Our 802.1Q trunk against Linux's own VLAN devices (8021q), both ways:
# what xvs tags, Linux must accept on the right VLAN device, and what
# Linux tags, xvs must deliver to the right access port.  Two VLANs share
# one IP subnet, so only the tags keep them apart (the VLAN devices sit in
# namespaces of their own, or Linux would answer ARP for both on either).
#
#   [a] .1 --- pa (access 10) ┐                          ┌ eth0.10 .11 [l]
#                             ├─ xvs ─ pl (trunk) ═══ eth0 ┤
#   [b] .2 --- pb (access 20) ┘   10,20                  └ eth0.20 .12 [m]
#   (namespace xsw-*)                           (Linux, no switch)
#
# SKIPs where the kernel has no 8021q (as on a kernel built without it);
# the VM lane (make vmtest) has it.  HOOK=xdp|tc picks the ports' hook.
source "$(dirname "$0")/lib/lib.sh"
require_env

TESTS=(access_to_linux_vlan linux_vlan_to_access vlans_kept_apart
       learned_on_trunk_by_vlan)

# Can this kernel make a VLAN device?  Asked in a namespace of our own,
# before any topology exists.
vlan_probe() {
	local ns=xvp-$SUF ok=1
	ip netns add "$ns" 2>/dev/null || return 1
	modprobe -q 8021q 2>/dev/null
	ip -n "$ns" link add v0 type veth peer name v1 &&
		ip -n "$ns" link add link v0 name v0.10 type vlan id 10 2>/dev/null && ok=0
	ip netns del "$ns"
	return $ok
}
vlan_probe || ktap_skip_all "no Linux VLAN devices here (CONFIG_VLAN_8021Q)"

L=$(ns_of l) M=$(ns_of m)

setup() {
	switch_setup
	station a 10.10.0.1/24 02:00:00:00:10:01
	station b 10.10.0.2/24 02:00:00:00:20:02
	station l 192.0.2.1/24 02:00:00:00:00:0f
	netns_add "$M"
	ip -n "$L" -batch - <<-EOF || return 1
	link add link eth0 name eth0.10 address 02:00:00:00:10:0b type vlan id 10
	link add link eth0 name eth0.20 address 02:00:00:00:20:0c type vlan id 20
	addr add 10.10.0.11/24 dev eth0.10
	link set eth0.10 up
	link set eth0.20 netns $M
	EOF
	ip -n "$M" addr add 10.10.0.12/24 dev eth0.20 &&
		ip -n "$M" link set eth0.20 up || return 1
	xvsctl attach --hook "${HOOK:-auto}" pa pb pl >/dev/null &&
		xvsctl port set pa vlan-mode access tag 10 &&
		xvsctl port set pb vlan-mode access tag 20 &&
		xvsctl port set pl vlan-mode trunk trunks 10,20
}

# a (access 10) reaches Linux's eth0.10: our tag 10 on the trunk is one
# Linux takes for VLAN 10, and its tagged reply comes back to a.
access_to_linux_vlan() {
	ping_ok a 10.10.0.11 || fail "a (access 10) cannot reach Linux's eth0.10"
	ping_ok b 10.10.0.12 || fail "b (access 20) cannot reach Linux's eth0.20"
}

# Linux starts it: ARP and echo go out tagged by 8021q first.
linux_vlan_to_access() {
	in_ns "$L" ip neigh flush dev eth0.10
	in_ns "$M" ip neigh flush dev eth0.20
	in_ns "$L" ping -c 2 -i 0.2 -W 2 -q -I eth0.10 10.10.0.1 >/dev/null ||
		fail "Linux's eth0.10 cannot reach a (access 10)"
	in_ns "$M" ping -c 2 -i 0.2 -W 2 -q -I eth0.20 10.10.0.2 >/dev/null ||
		fail "Linux's eth0.20 cannot reach b (access 20)"
}

# Same subnet, other VLAN: nothing gets across.
vlans_kept_apart() {
	ping_ok a 10.10.0.12 && fail "a (10) reaches Linux's eth0.20"
	in_ns "$L" ping -c 1 -W 1 -q -I eth0.10 10.10.0.2 >/dev/null &&
		fail "Linux's eth0.10 reaches b (20)"
	return 0
}

# The switch read Linux's tags: its VLAN devices' MACs are learned on the
# trunk, each in its own VLAN.
learned_on_trunk_by_vlan() {
	local f
	f=$(xvsctl fdb show dev pl)
	echo "$f"
	echo "$f" | grep -q "02:00:00:00:10:0b dev pl vlan 10" || fail "eth0.10 not learned in VLAN 10"
	echo "$f" | grep -q "02:00:00:00:20:0c dev pl vlan 20" || fail "eth0.20 not learned in VLAN 20"
}

ktap_run "$@"
