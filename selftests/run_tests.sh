#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Run the selftests: every test_*.sh here and every built test program in
# .output/, or those named on the command line.  Each test prints KTAP; its
# output is indented under one top-level result line, as kselftest's runner
# does.  Exit status 4 from a test means "skipped".  Ends with the line
# "N passed, N failed, N skipped", counting the test cases inside the files.
#
# KSFT_OUTPUT=DIR keeps each test's full log in DIR (default: a temp dir).
# Each test gets the timeout in ./settings (kselftest's format; seconds,
# sized for a software-emulated VM), KSFT_TIMEOUT=N overrides it; one that
# runs out fails.  A comment after each result says how long it took.
set -u
cd "$(dirname "$0")" || exit 1
timeout=${KSFT_TIMEOUT:-$(sed -n 's/^timeout=//p' settings 2>/dev/null)}
timeout=${timeout:-0}

tests=("$@")
if [ ${#tests[@]} -eq 0 ]; then
	for t in .output/test_* test_*.sh; do
		case "$t" in *.d) continue ;; esac
		[ -x "$t" ] && tests+=("$t")
	done
fi
logdir=${KSFT_OUTPUT:-$(mktemp -d /tmp/xvs-selftests.XXXXXX)}
mkdir -p "$logdir"

pass=0 fail=0 skip=0 n=0
echo "TAP version 13"
echo "1..${#tests[@]}"
for t in "${tests[@]}"; do
	n=$((n + 1))
	name=$(basename "$t")
	[ -x "$t" ] || [ -x ".output/$t" ] && [ ! -x "$t" ] && t=".output/$t"
	echo "# selftests: xvs: $name"
	log="$logdir/$name.log"
	start=$SECONDS
	timeout -k 10 "$timeout" ./"$t" >"$log" 2>&1 </dev/null
	rc=$?
	secs=$((SECONDS - start))
	[ $rc -eq 124 ] && echo "# timed out after ${timeout}s" >>"$log"
	sed 's/^/  /' "$log"
	# Count the cases inside this test's own KTAP stream.
	p=$(grep -cE '^ok [0-9]+' "$log" | head -1)
	s=$(grep -cE '^ok [0-9]+.*# *SKIP' "$log" | head -1)
	f=$(grep -cE '^not ok [0-9]+' "$log" | head -1)
	p=$((p - s))
	if [ $rc -eq 4 ]; then
		[ $((p + f + s)) -eq 0 ] && s=1
		echo "ok $n selftests: xvs: $name # SKIP"
	elif [ $rc -ne 0 ]; then
		[ $f -eq 0 ] && f=1	# died without saying which case
		echo "not ok $n selftests: xvs: $name # exit=$rc"
	else
		echo "ok $n selftests: xvs: $name"
	fi
	echo "# $name: ${secs}s"
	pass=$((pass + p)) fail=$((fail + f)) skip=$((skip + s))
done
echo "# logs in $logdir"
echo "$pass passed, $fail failed, $skip skipped"
[ $fail -eq 0 ]
