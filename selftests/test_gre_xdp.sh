#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# test_gre.sh with the VM ports and the underlays at XDP: encapsulation
# with bpf_xdp_adjust_head and a devmap redirect into the uplink, and
# decapsulation at the uplink's XDP hook straight to the VM ports.
HOOK=xdp exec "$(dirname "$0")/test_gre.sh" "$@"
