#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Frames of every size the ports carry: TCP with the default offloads
# (GSO/TSO/GRO, checksums left to offload) and jumbo frames.  veth ports
# receive at TC, where an skb redirect keeps GSO and CHECKSUM_PARTIAL; an
# XDP redirect would lose both (see README).  Throughput is printed, not
# asserted: speed is for `make bench`.
#
#   [a-*] eth0 --- pa ┐
#                     ├── xvs bridge br0 (namespace xsw-*)
#   [b-*] eth0 --- pb ┘
source "$(dirname "$0")/lib/lib.sh"
require_env iperf3

TESTS=(tcp_default_offloads jumbo_frames xdp_ports_carry_jumbo)

setup() {
	switch_setup
	station a 10.5.0.1/24
	station b 10.5.0.2/24
	xvsctl attach pa pb >/dev/null
}

tcp_default_offloads() {
	in_ns "$(ns_of a)" ethtool -k eth0 | grep -E '^(tcp-segmentation|generic-segmentation|tx-checksumming):'
	iperf_ok a b 10.5.0.2 3 || fail "iperf3 did not complete"
}

set_mtu() {
	local m=$1 s
	for s in a b; do
		ip -n "$(ns_of $s)" link set eth0 mtu "$m"
		ip -n "$SW" link set "p$s" mtu "$m"
	done
}

jumbo_frames() {
	set_mtu 9000
	in_ns "$(ns_of a)" ping -c 3 -i 0.2 -W 2 -M do -s 8972 -q 10.5.0.2 ||
		fail "9000-byte frames do not cross"
	set_mtu 1500
}

# Ports forced onto the XDP hook take multi-buffer frames (xdp.frags).
xdp_ports_carry_jumbo() {
	check xvsctl detach pa pb
	set_mtu 9000
	check xvsctl attach --hook xdp pa pb
	xvsctl show | grep -E "port [0-9]"
	in_ns "$(ns_of a)" ping -c 3 -i 0.2 -W 2 -M do -s 8972 -q 10.5.0.2 ||
		fail "9000-byte frames do not cross XDP ports"
	check xvsctl detach pa pb
	set_mtu 1500
	check xvsctl attach pa pb
}

ktap_run "$@"
