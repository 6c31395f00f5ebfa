// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * test_datapath.c - unit tests of the fast path through BPF_PROG_TEST_RUN.
 *
 * One row of cases[] a case: a frame, the state seeded on top of the
 * standard switch, the hook it runs at, and what must come of it.  The
 * harness, and what the kernel's test_run lets us express, is in
 * lib/dp_harness.h; VLANs have their own file, test_vlan_datapath.c.
 *
 * Topology, in a network namespace of our own (gone when we exit).  What
 * a port sends arrives at its peer; what the switch delivers up a port's
 * own stack is seen on the port: AF_PACKET sockets read both ends.  A veth
 * takes XDP-redirected frames only if its peer runs NAPI: peers have GRO.
 *
 *             ports (XDP unless a case makes them skb-only)    peers
 *   bridge 1  a0 (A, port 1) <==================================> a1
 *             b0 (B, port 2) <==================================> b1
 *             c0 (C, port 3) <==================================> c1
 *   bridge 2  d0 (D, port 4) <==================================> d1
 *   no port   x0             <==================================> x1
 *   fake      ifindex 101, no device
 *
 * Usage: test_datapath [CASE]; KTAP on stdout, exit 0 pass, 1 fail, 4 skip.
 */
#include <errno.h>

#include "lib/dp_harness.h"

/* A flood of bridge 1 from A: B and C get it. */
#define FLOODED		.verdict = XDP_REDIRECT, .out = BIT(B) | BIT(C)

static const struct tcase cases[] = {
	{ "maps_shared_by_pin", .fn = dp_maps_shared },
	/* What the kernel's test_run refuses. */
	{ "kernel_refuses_13_byte_frame", FRAME(A, BCAST, H1), .len = 13,
	  .err = -EINVAL },
	{ "kernel_refuses_unknown_ifindex", FRAME(FAKE, BCAST, H1),
	  .err = -ENODEV },
	/* Frames the switch must not take. */
	{ "header_13_bytes_in_linear", FRAME(A, BCAST, H1), .linear = 13,
	  DROP(XVS_DROP_TRUNCATED) },
	{ "header_1_byte_in_linear", FRAME(A, BCAST, H1), .linear = 1,
	  DROP(XVS_DROP_TRUNCATED) },
	{ "header_0_bytes_in_linear", FRAME(A, BCAST, H1), .linear = NO_HEAD,
	  DROP(XVS_DROP_TRUNCATED) },
	{ "src_multicast", FRAME(A, H2, MCAST4), DROP(XVS_DROP_SRC_MCAST) },
	{ "src_broadcast", FRAME(A, H2, BCAST), DROP(XVS_DROP_SRC_MCAST) },
	{ "src_zero", FRAME(A, H2, ZERO), DROP(XVS_DROP_SRC_ZERO) },
	{ "ingress_not_a_port", FRAME(X, BCAST, H1), DROP(XVS_DROP_NO_PORT) },
	{ "bridge_without_flood_group", FRAME(A, BCAST, H1), .no_group = true,
	  DROP(XVS_DROP_NO_BRIDGE) },
	/* XDP floods to every other port of the bridge, and only those... */
	{ "broadcast_floods", FRAME(A, BCAST, H1), FLOODED, EV(FLOOD = 1) },
	{ "ipv4_multicast_floods", FRAME(A, MCAST4, H1), FLOODED,
	  EV(FLOOD = 1) },
	{ "ipv6_multicast_floods", FRAME(A, MCAST6, H1), FLOODED,
	  EV(FLOOD = 1) },
	{ "unknown_unicast_floods", FRAME(A, H2, H1), FLOODED, EV(FLOOD = 1) },
	{ "flood_stays_in_bridge", FRAME(D, BCAST, H2), .verdict = XDP_REDIRECT,
	  EV(FLOOD = 1, UPCALL = 1), .upcalls = 1 },
	{ "stp_to_host", FRAME(A, STP, H1), .verdict = XDP_PASS },
	{ "lldp_to_host", FRAME(A, LLDP, H1), .verdict = XDP_PASS },
	/* ... or leaves the flood to TC. */
	{ "flood_with_skb_member_at_tc", FRAME(A, BCAST, H1),
	  .skb_ports = BIT(C), .verdict = XDP_PASS },
	{ "flood_with_host_member_at_tc", FRAME(A, BCAST, H1),
	  .host_ports = BIT(B), .verdict = XDP_PASS },
	{ "flood_multibuffer_at_tc", FRAME(A, BCAST, H1), .len = 5000,
	  .verdict = XDP_PASS },
	/* XDP unicast. */
	{ "known_unicast_forwards", FRAME(A, H2, H1), .fdb = { { H2, B } },
	  .verdict = XDP_REDIRECT, EV(FORWARD = 1), .out = BIT(B) },
	{ "unicast_to_skb_port_at_tc", FRAME(A, H2, H1), .fdb = { { H2, B } },
	  .skb_ports = BIT(B), .verdict = XDP_PASS },
	{ "hairpin_dropped", FRAME(A, H2, H1), .fdb = { { H2, A } },
	  DROP(XVS_DROP_HAIRPIN) },
	{ "port_mac_to_host", FRAME(A, ifs[A].mac, H1), .verdict = XDP_PASS },
	{ "local_station_other_port", FRAME(A, H2, H1),
	  .fdb = { { H2, B, LOCAL } }, .verdict = XDP_PASS },
	{ "local_station_same_port", FRAME(A, H2, H1),
	  .fdb = { { H2, A, LOCAL } }, .verdict = XDP_PASS },
	/* Learning. */
	{ "learn_unknown_source", FRAME(A, H2, NEW), .fdb = { { H2, B } },
	  .verdict = XDP_REDIRECT, EV(FORWARD = 1, UPCALL = 1), .upcalls = 1,
	  .out = BIT(B) },
	{ "learn_pending_sent_once", FRAME(A, BCAST, NEW), .nframes = 2,
	  FLOODED, EV(FLOOD = 2, UPCALL = 1, [XVS_EV_LEARN_PENDING] = 1),
	  .upcalls = 1 },
	{ "learn_known_refreshes_seen", FRAME(A, BCAST, H1),
	  .fdb = { { H1, A, 0, SEEN_OLD } }, .seen = SEEN_REFRESHED,
	  FLOODED, EV(FLOOD = 1) },
	{ "learn_known_recent_kept", FRAME(A, BCAST, H1), .fdb = { { H1, A } },
	  .seen = SEEN_KEPT, FLOODED, EV(FLOOD = 1) },
	{ "learn_moved_station", FRAME(A, BCAST, H1), .fdb = { { H1, B } },
	  FLOODED, EV(FLOOD = 1, UPCALL = 1), .upcalls = 1 },
	{ "learn_static_stays", FRAME(A, BCAST, H1),
	  .fdb = { { H1, B, XVS_FDB_F_STATIC, SEEN_OLD } }, .seen = SEEN_KEPT,
	  FLOODED, EV(FLOOD = 1) },
	{ "learn_rate_limited", FRAME(A, BCAST, NEW), .nframes = 20,
	  .vary_src = true, FLOODED, .upcalls = LEARN_RATE,
	  EV(FLOOD = 20, UPCALL = LEARN_RATE,
	     [XVS_EV_UPCALL_RATELIMIT] = 20 - LEARN_RATE) },
	/* TC ingress: the receive hook of skb-only ports, and what XDP ports
	 * passed up (neither counted nor learned from twice).
	 */
	{ "tc_rx_skb_port_learns_forwards", TC_RX, FRAME(A, H2, NEW),
	  .skb_ports = BIT(A) | BIT(B), .fdb = { { H2, B } },
	  .verdict = TC_ACT_REDIRECT, EV(TCRX = 1, FORWARD = 1, UPCALL = 1),
	  .upcalls = 1, .tx = BIT(B) },
	{ "tc_rx_xdp_port_no_relearn", TC_RX, FRAME(A, H2, NEW),
	  .skb_ports = BIT(B), .fdb = { { H2, B } },
	  .verdict = TC_ACT_REDIRECT, EV(TCRX = 1, FORWARD = 1), .tx = BIT(B) },
	{ "tc_rx_local_station", TC_RX, FRAME(A, H2, H1),
	  .fdb = { { H2, B, LOCAL } }, .verdict = TC_ACT_REDIRECT,
	  .mark_out = XVS_SKB_MARK_TO_HOST, EV(TCRX = 1, TOHOST = 1),
	  .tx = BIT(B) },
	{ "tc_rx_skb_port_floods", TC_RX, FRAME(A, BCAST, H1),
	  .skb_ports = BIT(A), .verdict = TC_ACT_STOLEN,
	  EV(TCRX = 1, FLOOD = 1), .out = BIT(B) | BIT(C) },
	{ "tc_rx_host_port_floods", TC_RX, FRAME(A, BCAST, H1),
	  .host_ports = BIT(A), .verdict = TC_ACT_OK,
	  EV(TCRX = 1, FLOOD = 1, TOHOST = 1), .out = BIT(B) | BIT(C) },
	{ "tc_rx_flood_up_host_member", TC_RX, FRAME(A, BCAST, H1),
	  .host_ports = BIT(B), .verdict = TC_ACT_STOLEN,
	  EV(TCRX = 1, FLOOD = 1), .out = BIT(B) | BIT(C), .up = BIT(B) },
	{ "tc_rx_delivered_to_host_passes", TC_RX, FRAME(B, BCAST, H1),
	  .mark = XVS_SKB_MARK_TO_HOST, .verdict = TC_ACT_OK },
	{ "tc_rx_link_local_to_host", TC_RX, FRAME(A, STP, H1),
	  .verdict = TC_ACT_OK, EV(TCRX = 1, TOHOST = 1) },
	{ "tc_rx_src_multicast_shot", TC_RX, FRAME(A, H2, MCAST4),
	  .skb_ports = BIT(A), .verdict = TC_ACT_SHOT,
	  .drops = { [XVS_DROP_SRC_MCAST] = 1 } },
	{ "tc_rx_not_a_port", TC_RX, FRAME(X, BCAST, H1),
	  .verdict = TC_ACT_OK },
	/* TC egress of host port A: what the host sends into the switch. */
	{ "tc_tx_known_unicast", TC_TX, FRAME(A, H2, ifs[A].mac),
	  .fdb = { { H2, B } }, .verdict = TC_ACT_REDIRECT, .tx = BIT(B) },
	{ "tc_tx_local_station", TC_TX, FRAME(A, H2, ifs[A].mac),
	  .fdb = { { H2, B, LOCAL } }, .verdict = TC_ACT_REDIRECT,
	  .mark_out = XVS_SKB_MARK_TO_HOST, .tx = BIT(B) },
	{ "tc_tx_broadcast_floods", TC_TX, FRAME(A, BCAST, ifs[A].mac),
	  .verdict = TC_ACT_OK, EV(FLOOD = 1), .out = BIT(B) | BIT(C) },
	{ "tc_tx_station_behind_port", TC_TX, FRAME(A, H2, ifs[A].mac),
	  .fdb = { { H2, A } }, .verdict = TC_ACT_OK },
	{ "tc_tx_already_switched", TC_TX, FRAME(A, BCAST, H1), .iif = B,
	  .verdict = TC_ACT_OK },
	{ "tc_tx_two_host_ports_flood_once", .hook = HOOK_TC_TX,
	  FRAME(A, BCAST, ifs[A].mac),
	  .host_ports = BIT(A) | BIT(B), .egress = BIT(A) | BIT(B),
	  .verdict = TC_ACT_OK, EV(FLOOD = 1), .out = BIT(B) | BIT(C),
	  .up = BIT(B) },
};

int main(int argc, char **argv)
{
	return dp_main(argc, argv, cases, sizeof(cases) / sizeof(cases[0]),
		       BIT(A) | BIT(B) | BIT(C) | BIT(D) | BIT(X));
}
