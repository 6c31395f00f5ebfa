#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The host stays reachable when the interface that carries its address is
# a port.  The switch namespace plays the host: its "uplink" up0 has
# 10.4.0.254 and is attached; behind up0 is the "wire" with another
# machine (w), and a and b sit on ordinary ports.
#
#   [a-*] eth0 --- pa ┐
#   [b-*] eth0 --- pb ┼── xvs br0 ── up0 (10.4.0.254, host) ─── eth0 [w-*]
#                     │   (namespace xsw-*: the host)
source "$(dirname "$0")/lib/lib.sh"
require_env

TESTS=(uplink_is_host_port stations_reach_host host_reaches_stations
       wire_reaches_host stations_reach_wire)

setup() {
	switch_setup
	station a 10.4.0.1/24 02:00:00:00:03:01
	station b 10.4.0.2/24 02:00:00:00:03:02
	uplink up0 10.4.0.254/24 10.4.0.100/24
}

host_ping() { sw ping -c 3 -i 0.2 -W 2 -q "$1" >/dev/null 2>&1; }

uplink_is_host_port() {
	check xvsctl attach pa pb up0
	xvsctl show
	xvsctl show | grep -q "up0 .*host" || fail "up0 (it has an address) is not a host port"
	xvsctl fdb show | grep -q "dev up0 .*local" || fail "no local entry for the host's MAC"
}

stations_reach_host() {
	ping_ok a 10.4.0.254 || fail "a cannot reach the host"
	ping_ok b 10.4.0.254 || fail "b cannot reach the host"
}

host_reaches_stations() {
	sw ip neigh flush dev up0
	host_ping 10.4.0.1 || fail "the host cannot reach a"
	host_ping 10.4.0.2 || fail "the host cannot reach b"
}

wire_reaches_host() {
	ping_ok w 10.4.0.254 || fail "w cannot reach the host"
}

stations_reach_wire() {
	ping_ok a 10.4.0.100 || fail "a cannot reach w"
	ping_ok w 10.4.0.2 || fail "w cannot reach b"
	xvsctl fdb show
	xvsctl fdb show | grep -q "02:00:00:00:03:01 dev pa" || fail "a learned on the wrong port"
}

ktap_run "$@"
