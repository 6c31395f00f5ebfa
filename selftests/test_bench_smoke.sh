#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The benchmarks' smoke runs: seconds each, no thresholds.
#
#   bench_gen --> g0 ==veth== p0 [bare | xvs-xdp | xvs-tc | linux-bridge | ovs] p1 ==veth== s1
#   (live test_run, CPU 0)        (p0's NAPI thread, CPU 1)                bench_count
#
#   bench_dp -f micro:  bench_micro --tail call--> xvs_xdp_rx | bench_empty | bench_redirect
#                       (BPF_PROG_TEST_RUN without live frames, one CPU)
#
# smoke_table: bench_fwd -S builds that topology per system in namespaces
# of its own (removed at exit) and runs one scenario for one short round
# (Open vSwitch only if it is installed).  smoke_learn: bench_fwd -S -s
# learn, MAC learning through xvsd.  smoke_afxdp: bench_fwd -S -s afxdp,
# frames into an AF_XDP port (examples/xsk_client on it) and to a veth
# port.  smoke_micro: bench_dp -S -f micro, every path without live
# frames, and the maps' memory.  A case passes when every figure it
# printed is a number, not an ERROR.
source "$(dirname "$0")/lib/lib.sh"
BENCH_FWD=$TOP/.output/bench/bench_fwd
BENCH_DP=$TOP/.output/bench/bench_dp

TESTS=(smoke_table smoke_learn smoke_afxdp smoke_micro)

[ -x "$BENCH_FWD" ] && [ -x "$BENCH_DP" ] ||
	ktap_skip_all "benchmarks not built (make .output/bench/bench_fwd .output/bench/bench_dp)"
require_env
[ "$(nproc)" -ge 2 ] || ktap_skip_all "needs 2 CPUs"

smoke_table() {
	local out=$RUNDIR/smoke.log rows want=4
	command -v ovs-vswitchd >/dev/null && want=5
	(cd "$TOP" && timeout 60 "$BENCH_FWD" -S -o "$RUNDIR/results") >"$out" 2>&1 ||
		{ cat "$out"; fail "bench_fwd -S failed"; }
	cat "$out"
	grep -q '^scenario  *system  *Mpps' "$out" || fail "no table"
	rows=$(grep -cE '^64B-1k +[a-z-]+ +[0-9.]+ ' "$out")
	grep -q 'ERROR' "$out" && fail "an ERROR row"
	[ "$rows" = $want ] || fail "$rows rows with numbers, want $want"
	[ -s "$RUNDIR/results/fwd.json" ] && [ -s "$RUNDIR/results/fwd.md" ] ||
		fail "no JSON or Markdown"
}

smoke_learn() {
	local out=$RUNDIR/learn.log
	(cd "$TOP" && timeout 60 "$BENCH_FWD" -S -s learn -o "$RUNDIR/learn") >"$out" 2>&1 ||
		{ cat "$out"; fail "bench_fwd -S -s learn failed"; }
	cat "$out"
	grep -qE 'first frame to MAC table entry: median [0-9]+ us, p99 [0-9]+ us' "$out" ||
		fail "no learning latency"
	grep -qE 'learning rate: median [0-9]+ new MACs/s' "$out" || fail "no learning rate"
	grep -q '"learning"' "$RUNDIR/learn/fwd.json" || fail "no learning figures in the JSON"
}

smoke_afxdp() {
	local out=$RUNDIR/afxdp.log
	[ -x "$TOP/.output/examples/xsk_client" ] || return $RET_SKIP
	(cd "$TOP" && timeout 60 "$BENCH_FWD" -S -s afxdp -o "$RUNDIR/afxdp") >"$out" 2>&1 ||
		{ cat "$out"; fail "bench_fwd -S -s afxdp failed"; }
	cat "$out"
	grep -qE 'to the AF_XDP socket: [0-9.]+ Mpps, [0-9]+ CPU ns/frame' "$out" ||
		fail "no AF_XDP rate"
	grep -qE 'to the veth port s1: +[0-9.]+ Mpps' "$out" || fail "no veth rate"
}

smoke_micro() {
	local out=$RUNDIR/micro.log res=$RUNDIR/micro p
	(cd "$TOP" && timeout 60 "$BENCH_DP" -S -f micro -o "$res/micro.json") >"$out" 2>&1 ||
		{ cat "$out"; fail "bench_dp -S -f micro failed"; }
	cat "$out"
	grep -q 'ERROR' "$out" && fail "an ERROR row"
	for p in empty bare unicast flood push pop encap decap flow-hit flow-new flow-new16 \
		 tc-empty tc-unicast tc-flow-hit tc-flow-new; do
		grep -qE "^$p +[0-9.]+ " "$out" || fail "no figure for $p"
	done
	grep -qE '^\| cached flow \| xvs_flow_cache \|.*\| [0-9.]+ \|' "$res/micro-mem.md" ||
		fail "no memory table"
	[ -s "$res/micro.json" ] && [ -s "$res/micro.md" ] || fail "no JSON or Markdown"
}

ktap_run "$@"
