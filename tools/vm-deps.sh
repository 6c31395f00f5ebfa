#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# What `make vmtest` needs, installed only where missing (idempotent):
#
#   tools/vm-deps.sh               QEMU and virtme-ng (vng)
#   tools/vm-deps.sh kernel DIR    also Debian 12's stock kernel, unpacked
#                                  into DIR; prints its image's path
#
# virtme-ng is not packaged for Debian 12.  Debian's next release (trixie)
# carries it as an architecture-independent package whose dependencies all
# exist in Debian 12: it is fetched with an alternate apt sources list used
# for that one download (the system's own sources are not changed), its
# dependencies come from Debian 12, and dpkg installs it.  The mirror is
# the one the system's apt already uses, with the suite replaced.
#
# The kernel is the generic flavour of linux-image-amd64 (the cloud flavour
# lacks 9p, which virtme-ng shares the root filesystem with), downloaded
# with apt into CACHE and unpacked with dpkg-deb: never installed as the
# host's kernel.  Needs root.
set -eu

CACHE=${XVS_VM_CACHE:-/var/cache/xvs/vm}
VNG_SUITE=trixie
# Debian 12 packages virtme-ng 1.35 depends on or runs (its bash init
# needs busybox and udev; qemu is its Recommends).
HOST_PKGS="qemu-system-x86 udev busybox-static python3-argcomplete
python3-pkg-resources python3-requests file kmod"

log() { echo "vm-deps: $*" >&2; }
die() { log "$*"; exit 1; }

installed() {
	dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q "install ok installed"
}

need_root() {
	[ "$(id -u)" = 0 ] || die "$1 missing (run as root to install it)"
}

host_pkgs() {
	local p missing=""
	for p in $HOST_PKGS; do
		installed "$p" || missing="$missing $p"
	done
	[ -n "$missing" ] || return 0
	need_root "packages$missing"
	log "installing$missing"
	export DEBIAN_FRONTEND=noninteractive
	apt-get update -qq
	# shellcheck disable=SC2086
	apt-get install -y -qq --no-install-recommends $missing >/dev/null
}

# The main Debian archive's URI, from the system's own apt sources
# (deb822 files first, then the one-line format); security archives are
# named .../debian-security, so "ends in /debian" picks the main one.
debian_mirror() {
	local uri
	uri=$(sed -n 's/^URIs:[[:space:]]*//p' /etc/apt/sources.list.d/*.sources \
		2>/dev/null | tr ' ' '\n' | grep -m1 '/debian/\?$' || true)
	[ -n "$uri" ] || uri=$(awk '$1 == "deb" && $2 ~ /\/debian\/?$/ { print $2; exit }' \
		/etc/apt/sources.list /etc/apt/sources.list.d/*.list 2>/dev/null || true)
	[ -n "$uri" ] || die "no Debian archive found in the system's apt sources"
	echo "$uri"
}

# apt-get against the alternate sources list only.
alt_apt() {
	local d=$CACHE/apt-$VNG_SUITE
	apt-get -q -o Dir::Etc::sourcelist=/dev/null -o Dir::Etc::sourceparts="$d" \
		-o Dir::State::lists="$d/lists" -o Dir::Cache="$d/cache" \
		-o APT::Sandbox::User=root "$@"
}

virtme_ng() {
	local d=$CACHE/apt-$VNG_SUITE deb
	installed virtme-ng && return 0
	need_root "virtme-ng"
	mkdir -p "$d/lists/partial" "$d/cache/archives/partial"
	deb=$(ls "$d"/virtme-ng_*_all.deb 2>/dev/null | tail -1 || true)
	if [ -z "$deb" ]; then
		cat >"$d/$VNG_SUITE.sources" <<-EOF
		Types: deb
		URIs: $(debian_mirror)
		Suites: $VNG_SUITE
		Components: main
		Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
		EOF
		log "fetching virtme-ng from $VNG_SUITE (alternate sources list in $d)"
		alt_apt -qq update >/dev/null
		(cd "$d" && alt_apt -qq download virtme-ng >/dev/null)
		deb=$(ls "$d"/virtme-ng_*_all.deb | tail -1)
	fi
	log "installing $(basename "$deb")"
	dpkg -i "$deb" >/dev/null
}

# kernel DIR: unpack linux-image-amd64's image into DIR/<version>/ and
# print the path of its vmlinuz.
kernel() {
	local dir=$1 pkg deb ver root
	pkg=$(apt-cache depends linux-image-amd64 2>/dev/null |
		sed -n 's/^ *Depends: \(linux-image-[0-9].*\)/\1/p' | head -1)
	[ -n "$pkg" ] || die "apt knows no linux-image-amd64 (apt-get update?)"
	ver=${pkg#linux-image-}
	root=$dir/$ver
	if [ ! -f "$root/lib/modules/$ver/modules.dep" ]; then
		mkdir -p "$CACHE/kernel"
		deb=$(ls "$CACHE/kernel/${pkg}_"*.deb 2>/dev/null | tail -1 || true)
		if [ -z "$deb" ]; then
			need_root "$pkg"
			log "downloading $pkg"
			(cd "$CACHE/kernel" &&
				apt-get -q -o APT::Sandbox::User=root download "$pkg" >/dev/null)
			deb=$(ls "$CACHE/kernel/${pkg}_"*.deb | tail -1)
		fi
		log "unpacking $(basename "$deb") into $root"
		rm -rf "$root"
		mkdir -p "$root"
		dpkg-deb -x "$deb" "$root"
		# The package's postinst would run depmod: modprobe in the VM
		# needs its output.
		depmod -b "$root" "$ver"
	fi
	echo "$root/boot/vmlinuz-$ver"
}

host_pkgs
virtme_ng
case "${1:-}" in
"") ;;
kernel) kernel "${2:?usage: $0 kernel DIR}" ;;
*) die "usage: $0 [kernel DIR]" ;;
esac
