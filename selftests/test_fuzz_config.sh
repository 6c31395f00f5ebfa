#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Fuzz the configuration file parser (fuzz/fuzz_config.c: libFuzzer, ASan,
# UBSan) for a bounded time, starting from the corpus kept in the tree
# (fuzz/corpus/config/, read only: new inputs go to a temporary directory).
# Passes if nothing crashed, leaked or hit undefined behaviour.
#
#   FUZZ_TIME=S   seconds to fuzz (default 20)
#   KSFT_OUTPUT   keeps the crashing input there, if any
set -u
cd "$(dirname "$0")" || exit 1
FUZZER=.output/fuzz_config
CORPUS=fuzz/corpus/config

echo "TAP version 13"
if [ ! -x "$FUZZER" ]; then
	echo "1..0 # SKIP $FUZZER not built (clang's fuzzer runtime: libclang-rt-14-dev)"
	exit 4
fi
echo "1..2"
work=$(mktemp -d /tmp/xvs-fuzz.XXXXXX)
trap 'rm -rf "$work"' EXIT
out=${KSFT_OUTPUT:-$work}
failed=0

# Every seed alone first: a regression in a known input names its file.
if "$FUZZER" -runs=0 "$CORPUS"/* >"$work/seeds.log" 2>&1; then
	echo "ok 1 corpus_replays"
else
	sed 's/^/# /' "$work/seeds.log" | tail -30
	echo "not ok 1 corpus_replays"
	failed=1
fi

mkdir -p "$work/new"
if "$FUZZER" -max_total_time="${FUZZ_TIME:-20}" -timeout=10 -rss_limit_mb=2048 \
	-max_len=4096 -print_final_stats=1 -artifact_prefix="$out/" \
	"$work/new" "$CORPUS" >"$work/fuzz.log" 2>&1; then
	grep -E '^stat::(number_of_executed_units|new_units_added)' "$work/fuzz.log" |
		sed 's/^/# /'
	echo "ok 2 fuzz_${FUZZ_TIME:-20}s"
else
	sed 's/^/# /' "$work/fuzz.log" | tail -40
	echo "# crashing input kept in $out/ (crash-*, leak-*, timeout-*)"
	echo "not ok 2 fuzz_${FUZZ_TIME:-20}s"
	failed=1
fi
exit $failed
