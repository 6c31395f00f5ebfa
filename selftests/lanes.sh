#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# The suite in both lanes, as `make test` runs it: every test on the
# host's kernel, then the VM lane's tests inside a VM on Debian 12's 6.1
# kernel (selftests/vmtest.sh).  Each lane's KTAP stream goes by as it
# runs, its own summary turned into a comment; the last line sums both:
#
#   N passed, N failed, N skipped
#
# and the exit status is 0 only if neither lane failed.  A VM lane that
# cannot boot, does not finish, or leaves a kernel splat counts as a
# failure even when no test failed.
#
#   selftests/lanes.sh [--no-vm] [VM_TEST...]
#
# Built artefacts are expected (make test builds them); the VM lane's
# installs and its kernel come from tools/vm-deps.sh, which is idempotent.
set -u
cd "$(dirname "$0")/.." || exit 1

vm=1
if [ "${1:-}" = --no-vm ]; then
	vm=0
	shift
fi
tmp=$(mktemp -d /tmp/xvs-lanes.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
SUMMARY='^[0-9]+ passed, [0-9]+ failed, [0-9]+ skipped$'

# lane NAME OUTFILE: the lane's own summary as "P F S", or nothing.
counts() {
	grep -E "^# $1 lane: [0-9]+ passed" "$2" | tail -1 |
		sed -E 's/.*: ([0-9]+) passed, ([0-9]+) failed, ([0-9]+) skipped$/\1 \2 \3/'
}

# run NAME CMD...: run a lane, its summary line made a comment.
run() {
	local name=$1
	shift
	"$@" 2>&1 | sed -u -E "s/\r$//; s/$SUMMARY/# $name lane: &/" |
		tee "$tmp/$name"
	return "${PIPESTATUS[0]}"
}

total_p=0 total_f=0 total_s=0
add() {	# NAME RC: add the lane's counts; a failed lane fails at least once
	local p f s
	read -r p f s <<<"$(counts "$1" "$tmp/$1")"
	if [ -z "${p:-}" ]; then
		p=0 f=0 s=0
	fi
	[ "$2" -ne 0 ] && [ "$f" -eq 0 ] && f=1
	total_p=$((total_p + p)) total_f=$((total_f + f)) total_s=$((total_s + s))
	echo "# $1 lane ($3): $p passed, $f failed, $s skipped"
}

# The VM's kernel and tools first: the host lane's test_afxdp_vm.sh boots
# a guest on that kernel too.
if [ $vm = 1 ]; then
	rc=0
	tools/vm-deps.sh || rc=$?
	kernel=""
	[ $rc = 0 ] && kernel=$(tools/vm-deps.sh kernel .output/vm/kernel) || rc=1
fi

run host make --no-print-directory -C selftests run_tests
add host $? "$(uname -r)"

if [ $vm = 1 ]; then
	if [ $rc = 0 ]; then
		run vm selftests/vmtest.sh -k "$kernel" -o .output/vm/results "$@"
		rc=$?
	else
		echo "# vm lane: could not set the VM up (tools/vm-deps.sh)" |
			tee "$tmp/vm"
	fi
	add vm $rc "$(cat .output/vm/results/uname 2>/dev/null || echo 'no VM')"
fi

echo "$total_p passed, $total_f failed, $total_s skipped"
[ $total_f -eq 0 ]
