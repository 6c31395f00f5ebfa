/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/stats.h - counters.
 *
 * All counters are per-CPU (no atomics on the fast path); readers sum the
 * CPUs.  xvs_pstats is indexed by port number, xvs_drops by drop reason,
 * xvs_events by enum xvs_event.  The string tables that name these enums
 * live in userspace (loader/names.c), one table per enum.
 */
#ifndef XVS_MAPS_STATS_H
#define XVS_MAPS_STATS_H

#include "common.h"

/* Why the fast path dropped a frame.  Stages return the negated value. */
enum xvs_drop_reason {
	XVS_DROP_NONE = 0,
	XVS_DROP_TRUNCATED,	/* shorter than an Ethernet header */
	XVS_DROP_SRC_MCAST,	/* source MAC is multicast or broadcast */
	XVS_DROP_SRC_ZERO,	/* source MAC is 00:00:00:00:00:00 */
	XVS_DROP_NO_PORT,	/* ingress interface is not (any more) a port */
	XVS_DROP_NO_BRIDGE,	/* the port's bridge has no flood group */
	XVS_DROP_HAIRPIN,	/* destination is behind the ingress port */
	XVS_DROP_NO_EGRESS,	/* destination port has no transmit entry */
	XVS_DROP_FLOOD_FAIL,	/* broadcast redirect refused */
	XVS_DROP_VLAN_TRUNCATED,/* frame ends inside its 802.1Q tag */
	XVS_DROP_VLAN_TAGGED,	/* tagged frame on an access port */
	XVS_DROP_VLAN_DENIED,	/* VLAN not carried by the ingress port */
	XVS_DROP_VLAN_INVALID,	/* VID 4095 */
	XVS_DROP_VLAN_QINQ,	/* 802.1ad or double-tagged (QinQ) frame */
	XVS_DROP_VLAN_TAG_FAIL,	/* no room to push, or pop, a tag */
	XVS_DROP_TUN_TRUNCATED,	/* GRE packet ends inside the outer IPv4 or
				 * GRE header, or the inner Ethernet header */
	XVS_DROP_TUN_BAD_IP,	/* outer IPv4 header: bad checksum, length,
				 * or a fragment */
	XVS_DROP_TUN_UNSUPPORTED,/* GRE with checksum, routing or sequence
				 * number, version not 0, protocol not 0x6558 */
	XVS_DROP_TUN_UNKNOWN,	/* GRE to a tunnel address of ours from an
				 * unknown remote, or with an unknown key */
	XVS_DROP_TUN_UNRESOLVED,/* tunnel's next hop not (yet) resolved */
	XVS_DROP_TUN_MTU,	/* encapsulated frame larger than the uplink
				 * MTU */
	XVS_DROP_TUN_ENCAP_FAIL,/* no room for the outer headers */
	XVS_DROP_TUN_SPLIT,	/* tunnel to tunnel (split horizon) */
	XVS_DROP_FLOW_DROP,	/* a flow rule's actions: drop, or no output */
	XVS_DROP_FLOW_STALE,	/* the matched rule was deleted meanwhile */
	XVS_DROP_MAX,
};

/* Things the fast path did that are not drops, for `xvsctl stats`. */
enum xvs_event {
	XVS_EV_FORWARD = 0,	/* unicast to one known port */
	XVS_EV_FLOOD,		/* flooded to the bridge */
	XVS_EV_TO_HOST,		/* passed up the host stack */
	XVS_EV_UPCALL,		/* upcall written to the ring buffer */
	XVS_EV_UPCALL_RATELIMIT,/* upcall suppressed by the rate limit */
	XVS_EV_UPCALL_RINGFULL,	/* upcall lost: ring buffer full */
	XVS_EV_LEARN_PENDING,	/* upcall skipped: same MAC already sent */
	XVS_EV_TC_RX,		/* frames that ran the pipeline at TC */
	XVS_EV_ENCAP,		/* frames sent into a GRE tunnel */
	XVS_EV_DECAP,		/* frames received from a GRE tunnel */
	XVS_EV_UNDERLAY_PASS,	/* underlay frames not ours, passed up */
	XVS_EV_FLOW_CACHE_HIT,	/* flow decided by the microflow cache */
	XVS_EV_FLOW_CACHE_MISS,	/* flow classified (cache miss or stale) */
	XVS_EV_MAX,
};

/* Value of xvs_pstats (per-CPU), indexed by port number. */
struct xvs_port_stats {
	__u64 rx_packets;	/* frames received from the port */
	__u64 rx_bytes;		/* their bytes, Ethernet header on */
	__u64 tx_packets;	/* frames sent to the port */
	__u64 tx_bytes;
	__u64 rx_dropped;	/* received frames dropped (any reason) */
	__u64 tx_dropped;	/* copies the port's device refused (TC floods;
				 * XDP transmit errors are the driver's, in
				 * `ethtool -S`) */
};

#endif /* XVS_MAPS_STATS_H */
