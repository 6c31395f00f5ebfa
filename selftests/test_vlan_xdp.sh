#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
#
# test_vlan.sh with the ports at XDP (tags pushed and popped by the XDP
# programs), but the trunk's far end t2 at TC: frames cross XDP -> TC and
# TC -> XDP on a tagged link.
HOOK=xdp exec "$(dirname "$0")/test_vlan.sh" "$@"
