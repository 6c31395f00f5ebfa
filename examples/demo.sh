#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# examples/demo.sh up|down - the switch on a demo topology.
#
#   [xvs-demo1] eth0 10.77.0.1 --- xd1 ┐
#   [xvs-demo2] eth0 10.77.0.2 --- xd2 ┼── xvs bridge br0 ── xdtap ─ tap_vm 10.77.0.40
#   [xvs-demo3] eth0 10.77.0.3 --- xd3 ┘    (instance "demo")        (a VM stand-in)
#
# Three namespaces stand in for containers, a process holding a tap device
# for a VM.  All four are attached with one `xvsctl attach`.
set -eu
TOP=$(cd "$(dirname "$0")/.." && pwd)
XVSCTL="$TOP/.output/xvsctl -i demo"
TAP_VM=$TOP/selftests/.output/tap_vm
RUN=/run/xvs

down() {
	$XVSCTL stop --cleanup >/dev/null 2>&1 || true
	if [ -f $RUN/demo-vm.pid ]; then
		kill "$(cat $RUN/demo-vm.pid)" 2>/dev/null || true
		rm -f $RUN/demo-vm.pid
	fi
	for i in 1 2 3; do
		ip netns del xvs-demo$i 2>/dev/null || true
	done
	echo "demo: torn down"
}

up() {
	make -s -C "$TOP/selftests" .output/tap_vm >/dev/null
	down >/dev/null
	mkdir -p $RUN
	for i in 1 2 3; do
		ip netns add xvs-demo$i
		ip link add name xd$i type veth peer name eth0 netns xvs-demo$i
		ip -n xvs-demo$i link set lo up
		ip -n xvs-demo$i link set eth0 up
		ip -n xvs-demo$i addr add 10.77.0.$i/24 dev eth0
		ip link set xd$i up
	done
	"$TAP_VM" --dev xdtap --mac 02:00:00:77:00:40 --ip 10.77.0.40/24 \
		--pidfile $RUN/demo-vm.pid >/dev/null 2>&1 </dev/null &
	for _ in $(seq 50); do [ -s $RUN/demo-vm.pid ] && break; sleep 0.1; done

	echo "\$ xvsctl -i demo attach --bridge br0 xd1 xd2 xd3 xdtap"
	$XVSCTL attach --bridge br0 xd1 xd2 xd3 xdtap

	echo
	echo "ping, every pair:"
	local s d fails=0
	for s in 1 2 3; do
		for d in 1 2 3 40; do
			[ $s = $d ] && continue
			if ip netns exec xvs-demo$s ping -c 1 -W 2 -q 10.77.0.$d >/dev/null; then
				echo "  xvs-demo$s -> 10.77.0.$d  ok"
			else
				echo "  xvs-demo$s -> 10.77.0.$d  FAILED"
				fails=$((fails + 1))
			fi
		done
	done
	echo
	echo "\$ xvsctl -i demo show"
	$XVSCTL show
	echo
	echo "\$ xvsctl -i demo fdb show"
	$XVSCTL fdb show
	cat <<EOT

Look inside:
  $TOP/.output/xvsctl -i demo show | fdb show | stats    (-j for JSON)
  bpftool map dump pinned /sys/fs/bpf/xvs/demo/xvs_fdb
  bpftool map dump pinned /sys/fs/bpf/xvs/demo/xvs_ports
  ip netns exec xvs-demo1 ping 10.77.0.40                # to the tap VM
  daemon log: $RUN/demo.log
Tear down:
  make demo-down
EOT
	[ $fails = 0 ]
}

case "${1:-}" in
up) up ;;
down) down ;;
*) echo "usage: $0 up|down" >&2; exit 2 ;;
esac
