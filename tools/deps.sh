#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# Install what xvs needs from Debian's packages, and only what is missing;
# mount bpffs if it is not mounted.  Idempotent: a second run changes
# nothing.  Needs root (apt-get, mount).
#
#   tools/deps.sh        the project's dependencies
#   tools/deps.sh ovs    and Open vSwitch, an opt-in baseline of the
#                        benchmark (make bench OVS=1).  The bench runs
#                        daemons of its own; the package's service is not
#                        used (and there is no openvswitch kernel module
#                        here: the bench uses the userspace datapath).
set -eu

# Build: compiler (and its fuzzer runtime), BPF toolchain and libraries.  Run and test: iproute2,
# ethtool, ping, iperf3, tshark (an independent decoder for the wire).
PKGS="make gcc clang llvm libclang-rt-14-dev bpftool libbpf-dev libxdp-dev libelf-dev zlib1g-dev
libjson-c-dev libyaml-dev pkg-config iproute2 ethtool iputils-ping iperf3
tshark tcpdump procps util-linux"
[ "${1:-}" != ovs ] || PKGS="$PKGS openvswitch-switch"

missing=""
for p in $PKGS; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" ||
		missing="$missing $p"
done

if [ -n "$missing" ]; then
	if [ "$(id -u)" != 0 ]; then
		echo "deps: missing packages:$missing (run as root to install them)" >&2
		exit 1
	fi
	echo "deps: installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	# tshark asks whether non-root users may capture: answer no, quietly.
	echo "wireshark-common wireshark-common/install-setuid boolean false" |
		debconf-set-selections
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
fi

if ! mount -t bpf | grep -q ' /sys/fs/bpf '; then
	if [ "$(id -u)" = 0 ]; then
		mount -t bpf bpf /sys/fs/bpf && echo "deps: mounted bpffs on /sys/fs/bpf"
	fi
fi
exit 0
