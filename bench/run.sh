#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# bench/run.sh - what `make bench` runs: bench_dp (every path without
# live frames and the maps' memory; VLAN push/pop and GRE encap/decap;
# flow rules), bench_fwd (forwarding rates, MAC learning, an AF_XDP
# port), then the plot of rate against flow count (gnuplot-nox,
# installed here if missing).
#
#   bench/run.sh [-q] [-s SCENARIO]    SCENARIO: micro (bench_dp's
#                                      per-path family), vlan or gre (its
#                                      VLAN and GRE family), flows (its
#                                      flow rules family), or one of
#                                      bench_fwd's (learn and afxdp too)
set -eu
cd "$(dirname "$0")/.."
OUT=.output/bench RES=bench/results
quick="" scen=""
while getopts "qs:h" c; do
	case $c in
	q) quick=-q ;;
	s) scen=$OPTARG ;;
	*) echo "usage: bench/run.sh [-q] [-s micro|vlan|gre|flows|SCENARIO]"; $OUT/bench_fwd -h; exit 2 ;;
	esac
done
case $scen in micro|vlan|gre|flows) dp_only=1 ;; *) dp_only=0 ;; esac
[ "$(id -u)" = 0 ] || { echo "bench: needs root" >&2; exit 1; }
mount -t bpf | grep -q ' /sys/fs/bpf ' || mount -t bpf bpf /sys/fs/bpf
ulimit -l unlimited 2>/dev/null || true
rc=0
if [ -z "$scen" ] || [ "$scen" = micro ]; then
	$OUT/bench_dp $quick -f micro -o $RES/micro.json || rc=1
fi
if [ -z "$scen" ] || [ "$scen" = vlan ] || [ "$scen" = gre ]; then
	$OUT/bench_dp $quick -o $RES/vlan.json || rc=1
fi
if [ -z "$scen" ] || [ "$scen" = flows ]; then
	$OUT/bench_dp $quick -f flows -o $RES/flows.json || rc=1
fi
if [ $dp_only = 0 ]; then
	$OUT/bench_fwd $quick ${scen:+-s "$scen"} -o $RES || rc=1
fi
if [ -s $RES/fwd_flows.dat ] && [ -z "$scen" ]; then
	command -v gnuplot >/dev/null ||
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq gnuplot-nox \
			>/dev/null 2>&1 || true
	if command -v gnuplot >/dev/null; then
		gnuplot -e "set terminal png size 800,500; set output '$RES/fwd_flows.png';
			set title 'Forwarded rate, 64 B known unicast'; set logscale x;
			set xlabel 'flows (distinct source MACs and 5-tuples)';
			set ylabel 'Mpps'; set key outside; set yrange [0:*];
			plot for [i=2:6] '$RES/fwd_flows.dat' using 1:i with linespoints title columnhead(i)" &&
			echo "plot: $RES/fwd_flows.png"
	else
		echo "plot: skipped (gnuplot not installed and could not be installed)"
	fi
fi
exit $rc
