#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The forwarding benchmark's smoke run: a few seconds, no thresholds.
#
#   bench_gen --> g0 ==veth== p0 [bare | xvs-xdp | xvs-tc | linux-bridge] p1 ==veth== s1
#   (live test_run, CPU 0)        (p0's NAPI thread, CPU 1)          bench_count
#
# bench_fwd -S builds that topology per system in namespaces of its own
# (removed at exit) and runs one scenario for one short round.  The case
# passes when it printed a table whose every row is a number, not an
# ERROR.
source "$(dirname "$0")/lib/lib.sh"
BENCH_FWD=$TOP/.output/bench/bench_fwd

TESTS=(smoke_table)

[ -x "$BENCH_FWD" ] || ktap_skip_all "bench_fwd not built (make .output/bench/bench_fwd)"
require_env
[ "$(nproc)" -ge 2 ] || ktap_skip_all "needs 2 CPUs"

smoke_table() {
	local out=$RUNDIR/smoke.log rows
	(cd "$TOP" && timeout 25 "$BENCH_FWD" -S -o "$RUNDIR/results") >"$out" 2>&1 ||
		{ cat "$out"; fail "bench_fwd -S failed"; }
	cat "$out"
	grep -q '^scenario  *system  *Mpps' "$out" || fail "no table"
	rows=$(grep -cE '^64B-1k +[a-z-]+ +[0-9.]+ ' "$out")
	grep -q 'ERROR' "$out" && fail "an ERROR row"
	[ "$rows" = 4 ] || fail "$rows rows with numbers, want 4"
	[ -s "$RUNDIR/results/fwd.json" ] && [ -s "$RUNDIR/results/fwd.md" ] ||
		fail "no JSON or Markdown"
}

ktap_run "$@"
