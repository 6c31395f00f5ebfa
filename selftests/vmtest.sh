#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Run the selftests inside a VM booted with virtme-ng, on another kernel
# than the host's.  `make vmtest` installs what is missing, builds on the
# host and calls this; the VM only runs what was built.
#
#   selftests/vmtest.sh -k KERNEL [-o DIR] [TEST...]
#
#   -k KERNEL   the kernel image (its modules are found beside it, in
#               <root>/lib/modules/<version>, as an unpacked .deb has them)
#   -o DIR      where the results go (default .output/vm/results): one log
#               per test, the VM's dmesg, its `uname -r` and exit status
#   TEST...     the tests to run (default: all of them)
#
#   VM_CPUS=2 VM_MEMORY=2G VM_TIMEOUT=1800 (seconds, the whole VM run)
#
# The VM (QEMU, TCG: no KVM is assumed) sees the host's root filesystem
# read-only, the source tree included; DIR is its only writable share.
# Inside, `make -C selftests run_tests` runs the tests with their logs on
# the VM's own /tmp, copied to DIR at the end with the kernel log.  The
# run fails if a test failed, the VM did not finish, or the kernel log has
# a splat (WARNING, BUG, Oops, KASAN/UBSAN report, verifier bug).
set -u
cd "$(dirname "$0")/.." || exit 1

# Kernel log lines that fail the run.
SPLATS='WARNING:|BUG:|BUG |Oops|general protection fault|KASAN:|UBSAN:|kernel BUG|Call Trace:|verifier bug|RCU stall|hung_task|soft lockup'

usage() {
	sed -n '/^#   selftests\/vmtest.sh/,/^#   VM_CPUS/s/^#   //p' "$0" >&2
	exit 2
}

# --guest OUT TEST...: what runs inside the VM.
guest() {
	local out=$1 logs=/tmp/xvs-vm-logs rc
	shift
	echo "# VM kernel: $(uname -r)"
	uname -r >"$out/uname"
	mkdir -p "$logs"
	make --no-print-directory -C selftests run_tests TESTS="$*" KSFT_OUTPUT="$logs"
	rc=$?
	cp -r "$logs" "$out/logs" 2>/dev/null
	dmesg >"$out/dmesg.txt"
	echo "$rc" >"$out/rc"
	return "$rc"
}

if [ "${1:-}" = --guest ]; then
	shift
	guest "$@"
	exit
fi

kernel="" out=$PWD/.output/vm/results
while getopts "k:o:h" o; do
	case $o in
	k) kernel=$OPTARG ;;
	o) out=$OPTARG ;;
	*) usage ;;
	esac
done
shift $((OPTIND - 1))
[ -n "$kernel" ] || usage
[ -f "$kernel" ] || { echo "vmtest: no kernel image at $kernel" >&2; exit 1; }
command -v vng >/dev/null || { echo "vmtest: vng not installed (tools/vm-deps.sh)" >&2; exit 1; }

# The kernel's config, where it lies beside the image (as in a .deb):
# name what selftests/config asks for and it lacks.
kconfig=$(dirname "$kernel")/config-${kernel##*/vmlinuz-}
if [ -f "$kconfig" ]; then
	lacks=""
	for opt in $(sed -n 's/^\(CONFIG_[A-Z0-9_]*\)=.*/\1/p' selftests/config); do
		grep -qE "^$opt=(y|m)" "$kconfig" || lacks="$lacks $opt"
	done
	[ -z "$lacks" ] || echo "# vmtest: the kernel lacks$lacks (selftests/config)"
fi

mkdir -p "$out"
out=$(cd "$out" && pwd)
rm -rf "${out:?}"/{logs,dmesg.txt,uname,rc,splats.txt}
echo "# vmtest: booting $kernel (TCG, ${VM_CPUS:-2} vCPUs); results in $out"
start=$SECONDS
# --rwdir names the guest's path in full (vng 1.35 rejects a bare host
# path outside its overlays).  QEMU reopens its stdout: through a pipe,
# its output and ours stay in order when both go to one file.
timeout -k 30 "${VM_TIMEOUT:-1800}" \
	vng --run "$kernel" --disable-kvm --user root --cpus "${VM_CPUS:-2}" \
	--memory "${VM_MEMORY:-2G}" --rwdir "$out=$out" \
	-- selftests/vmtest.sh --guest "$out" "$@" </dev/null 2>&1 | cat
vrc=${PIPESTATUS[0]}
echo "# vmtest: the VM ran $((SECONDS - start))s"

fail=0
if [ ! -f "$out/rc" ]; then
	echo "# vmtest: the VM did not finish the run (vng exit $vrc)"
	fail=1
elif [ "$(cat "$out/rc")" != 0 ]; then
	echo "# vmtest: tests failed in the VM"
	fail=1
fi
if [ -f "$out/dmesg.txt" ]; then
	if grep -E "$SPLATS" "$out/dmesg.txt" >"$out/splats.txt"; then
		echo "# vmtest: kernel splats in the VM's log ($out/dmesg.txt):"
		sed 's/^/#   /' "$out/splats.txt" | head -40
		fail=1
	else
		rm -f "$out/splats.txt"
	fi
else
	echo "# vmtest: no kernel log from the VM"
	fail=1
fi
echo "# vmtest: kernel $(cat "$out/uname" 2>/dev/null || echo '?'):" \
	"$([ $fail = 0 ] && echo passed || echo FAILED)"
exit $fail
