#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# selftests/lib/lib.sh - shared by the namespace selftests.
#
# Each test file sources this, declares its cases in TESTS and calls
# ktap_run "$@".  Every test builds its own world: a "switch" namespace
# (where a private xvsd instance runs, with its own pins and control
# socket) and one namespace per station, all named with a random suffix
# and removed on exit.  No traffic leaves these namespaces.
#
#   ./test_x.sh              run every case
#   ./test_x.sh case_a       run one case
#   PAUSE_ON_FAIL=yes        stop at a failure and keep the topology
#   KSFT_OUTPUT=dir          where the daemon logs go (default a temp dir)
set -u

TOP=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
XVSD=$TOP/.output/xvsd
XVSCTL=$TOP/.output/xvsctl
TAP_VM=$TOP/selftests/.output/tap_vm
KSFT_SKIP=4

SUF=$(printf '%04x%04x' $RANDOM $RANDOM)
SW=xsw-$SUF			# the switch's namespace
INST=t$SUF			# the switch instance
RUNDIR=${KSFT_OUTPUT:-/tmp}/xvs-$SUF
BPFFS=/sys/fs/bpf/xvs-selftests
# Cases run in subshells: what must be cleaned up is listed in files.
STATE=$RUNDIR/.cleanup

ktap_skip_all() {
	echo "TAP version 13"
	echo "1..0 # SKIP $*"
	exit $KSFT_SKIP
}

require_env() {
	[ "$(id -u)" = 0 ] || ktap_skip_all "needs root"
	[ -x "$XVSD" ] && [ -x "$XVSCTL" ] || ktap_skip_all "xvsd/xvsctl not built (make)"
	local t
	for t in ip ethtool ping "$@"; do
		command -v "$t" >/dev/null || ktap_skip_all "'$t' not installed (make deps)"
	done
	mount -t bpf | grep -q ' /sys/fs/bpf ' || mount -t bpf bpf /sys/fs/bpf ||
		ktap_skip_all "no bpffs"
	ulimit -l unlimited 2>/dev/null
}

# require_tun: /dev/net/tun, for a tap.  Where nothing created the node at
# boot (a bare VM has no systemd to do it), loading tun makes it appear.
require_tun() {
	[ -c /dev/net/tun ] || modprobe -q tun 2>/dev/null
	wait_for 2 test -c /dev/net/tun || ktap_skip_all "no /dev/net/tun (CONFIG_TUN)"
}

# In the switch namespace.
sw() { nsenter --net=/run/netns/$SW "$@"; }
xvsctl() { sw "$XVSCTL" -i "$INST" --bpffs "$BPFFS" --rundir "$RUNDIR" "$@"; }
in_ns() { local ns=$1; shift; nsenter --net=/run/netns/$ns "$@"; }

netns_add() {
	ip netns add "$1" && echo "netns $1" >>"$STATE"
}

# Bring up the switch namespace (the daemon starts on first attach).
switch_setup() {
	netns_add "$SW"
	sw ip link set lo up
}

# station NAME IP[/len] [MAC]: a namespace NAME-$SUF whose eth0 is the
# peer of veth pNAME in the switch namespace.  GRO on eth0 turns on NAPI
# there, without which a veth drops frames redirected to it by XDP.
# SWNS=ns station ...: on another switch's namespace.
station() {
	local name=$1 ip=$2 mac=${3:-} ns=$1-$SUF sw=${SWNS:-$SW}
	netns_add "$ns"
	ip -n "$sw" link add name "p$name" type veth peer name eth0 netns "$ns"
	[ -n "$mac" ] && ip -n "$ns" link set eth0 address "$mac"
	ip -n "$ns" link set lo up
	ip -n "$ns" link set eth0 up
	ip -n "$ns" addr add "$ip" dev eth0
	in_ns "$ns" ethtool -K eth0 gro on >/dev/null 2>&1
	ip -n "$sw" link set "p$name" up
}

# A second switch: namespace SW2, instance INST2, xvsctl2.
SW2=xsw2-$SUF
INST2=u$SUF
xvsctl2() { nsenter --net=/run/netns/$SW2 "$XVSCTL" -i "$INST2" --bpffs "$BPFFS" --rundir "$RUNDIR" "$@"; }
switch2_setup() {
	netns_add "$SW2"
	echo "inst $INST2 $SW2" >>"$STATE"
}

# uplink DEV IP/len WIRE_IP/len: a host interface DEV in the switch
# namespace, carrying IP, whose peer is eth0 of namespace w-$SUF (the
# "wire", with another machine at WIRE_IP).
uplink() {
	local dev=$1 ip=$2 wire_ip=$3
	station w "$wire_ip"
	ip -n "$SW" link set pw down	# kernels before 6.x rename only when down
	ip -n "$SW" link set pw name "$dev"
	ip -n "$SW" addr add "$ip" dev "$dev"
	ip -n "$SW" link set "$dev" up
}

ns_of() { echo "$1-$SUF"; }
mac_of() { ip -n "$(ns_of "$1")" -j link show eth0 | sed -n 's/.*"address":"\([^"]*\)".*/\1/p'; }

# wait_for TIMEOUT_S CMD...: poll until CMD succeeds.
wait_for() {
	local t=$1 i
	shift
	for ((i = 0; i < t * 10; i++)); do
		"$@" >/dev/null 2>&1 && return 0
		sleep 0.1
	done
	return 1
}

ping_ok() {	# ping_ok STATION IP
	in_ns "$(ns_of "$1")" ping -c 2 -i 0.2 -W 2 -q "$2" >/dev/null 2>&1
}

# iperf_ok FROM TO IP SECONDS: an iperf3 TCP run from station FROM to
# station TO (at IP) completes; its summary lines are printed.
iperf_ok() {
	local out
	bg in_ns "$(ns_of "$2")" iperf3 -s -1 -p 5201
	wait_for 5 in_ns "$(ns_of "$2")" bash -c "ss -ltn | grep -q :5201"
	out=$(in_ns "$(ns_of "$1")" timeout 20 iperf3 -c "$3" -p 5201 -t "$4" -f m 2>&1)
	echo "$out" | grep -E "sender|receiver"
	echo "$out" | grep -q receiver
}

# bg [sw | in_ns NS] CMD...: start CMD in the background (in the switch's
# or a station's namespace), killed on exit.  The subshell execs nsenter,
# which execs CMD, so $! is CMD's own pid.
bg() {
	(
		case "$1" in
		sw) shift; exec nsenter --net=/run/netns/$SW "$@" ;;
		in_ns) shift; ns=$1; shift; exec nsenter --net=/run/netns/$ns "$@" ;;
		*) exec "$@" ;;
		esac
	) >>"$RUNDIR/bg.log" 2>&1 </dev/null &
	echo "pid $!" >>"$STATE"
}

cleanup() {
	local kind what
	grep '^pid ' "$STATE" 2>/dev/null | while read -r kind what; do
		kill "$what" 2>/dev/null
	done
	if [ -S "$RUNDIR/$INST.sock" ]; then
		xvsctl stop --cleanup >/dev/null 2>&1
	fi
	grep '^inst ' "$STATE" 2>/dev/null | while read -r kind what ns; do
		nsenter --net=/run/netns/$ns "$XVSCTL" -i "$what" --bpffs "$BPFFS" \
			--rundir "$RUNDIR" stop --cleanup >/dev/null 2>&1
		rm -rf "${BPFFS:?}/$what"
	done
	if [ -f "$RUNDIR/$INST.pid" ]; then
		kill "$(cat "$RUNDIR/$INST.pid")" 2>/dev/null
	fi
	grep '^netns ' "$STATE" 2>/dev/null | while read -r kind what; do
		ip netns del "$what" 2>/dev/null
	done
	rm -rf "${BPFFS:?}/$INST"
	[ -n "${KSFT_OUTPUT:-}" ] || rm -rf "$RUNDIR"
}

# --- KTAP ------------------------------------------------------------

N=0 FAILED=0
RET_SKIP=$KSFT_SKIP

ktap_run() {
	local want=("$@") t rc
	[ ${#want[@]} -gt 0 ] || want=("${TESTS[@]}")
	trap cleanup EXIT
	echo "TAP version 13"
	echo "1..${#want[@]}"
	if declare -F setup >/dev/null; then
		setup 2>&1 | sed 's/^/# /'
		if [ "${PIPESTATUS[0]}" != 0 ]; then
			echo "Bail out! setup failed"
			exit 1
		fi
	fi
	for t in "${want[@]}"; do
		N=$((N + 1))
		if ! declare -F "$t" >/dev/null; then
			echo "not ok $N $t # no such case"
			FAILED=1
			continue
		fi
		SKIP_WHY=""
		( set -u; "$t" ) 2>&1 | sed 's/^/# /'
		rc=${PIPESTATUS[0]}
		if [ "$rc" = 0 ]; then
			echo "ok $N $t"
		elif [ "$rc" = "$RET_SKIP" ]; then
			echo "ok $N $t # SKIP"
		else
			echo "not ok $N $t"
			FAILED=1
			if [ "${PAUSE_ON_FAIL:-no}" = yes ]; then
				echo "# paused: topology kept (switch netns $SW); Enter to go on"
				read -r _ </dev/tty
			fi
		fi
	done
	[ $FAILED = 0 ]
}

mkdir -p "$RUNDIR"

# Inside a case: fail with a message.
fail() { echo "FAIL: $*"; exit 1; }
check() { "$@" || fail "$*"; }

# expect RC ARGS...: run xvsctl, check its exit status and, for an error,
# that it says why in one line on stderr.
expect() {
	local want=$1 out rc
	shift
	out=$(xvsctl "$@" 2>&1 >/dev/null)
	rc=$?
	echo "xvsctl $* -> $rc: $out"
	[ "$rc" = "$want" ] || fail "exit $rc, want $want"
	[ "$want" = 0 ] || [ "$(echo "$out" | wc -l)" = 1 ] || fail "not one line"
}
