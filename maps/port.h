/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/port.h - ports and bridges.
 *
 * A port is an interface attached to a bridge.  xvs_ports maps the kernel
 * ifindex (what the hooks see) to the port's configuration; the port number
 * indexes the per-port counters.  xvs_bridges holds each bridge's name and
 * learning limits, so the whole switch configuration lives in pinned maps
 * and a restarted daemon, or xvsctl on its own, can read it back.
 *
 * Writers: xvsd only.  Readers: the fast path (every frame), xvsctl.
 */
#ifndef XVS_MAPS_PORT_H
#define XVS_MAPS_PORT_H

#include "common.h"
#include "vlan.h"

enum xvs_port_flags {
	/* The port receives at the XDP hook and takes XDP redirects; else
	 * it receives at TC and takes skbs only (veths and taps by default:
	 * their frames come from a local stack, with checksums left to
	 * offload and GSO, which an XDP redirect would lose).
	 */
	XVS_PORT_F_XDP		= 1U << 5,
	/* XDP program attached natively (driver mode); else generic (skb). */
	XVS_PORT_F_XDP_NATIVE	= 1U << 0,
	/* The host stack behind this port is a station on the bridge: it
	 * gets broadcast and multicast too, and its own traffic out of the
	 * interface is switched to the other ports (TC egress hook).
	 */
	XVS_PORT_F_HOST		= 1U << 1,
	/* xvsd created the clsact qdisc and removes it on detach. */
	XVS_PORT_F_OWN_CLSACT	= 1U << 2,
	/* The interface is a veth. */
	XVS_PORT_F_VETH		= 1U << 3,
	/* The interface is a tap/tun device. */
	XVS_PORT_F_TAP		= 1U << 4,
	/* xvsd turned the interface's VLAN offloads off (restored on
	 * detach): tx, so tags leave in the frame where an XDP peer can see
	 * them; rx on XDP ports, so XDP sees the tags that arrive.
	 */
	XVS_PORT_F_TXVLAN_OFF	= 1U << 6,
	XVS_PORT_F_RXVLAN_OFF	= 1U << 7,
	/* A GRE tunnel port: no interface, its id is a virtual port id and
	 * its frames leave encapsulated by an uplink (maps/tunnel.h).
	 */
	XVS_PORT_F_TUNNEL	= 1U << 8,
	/* Not a bridge port: an underlay interface some tunnel rides on;
	 * the hooks on it take its tunnels' GRE packets (maps/tunnel.h).
	 */
	XVS_PORT_F_UNDERLAY	= 1U << 9,
	/* The port's bridge has flow rules (maps/flow.h): its frames are
	 * classified.  xvsd sets it on every port of the bridge after the
	 * bridge's xvs_cls entry exists, and clears it before removing it.
	 */
	XVS_PORT_F_FLOWS	= 1U << 10,
	/* The switch side of an AF_XDP port (maps/afxdp.h): xvsd made the
	 * veth pair, and removes it with the port.
	 */
	XVS_PORT_F_AFXDP	= 1U << 11,
};

/* Value of xvs_ports, keyed by __u32 ifindex, or by virtual port id for
 * tunnel ports (maps/tunnel.h).
 */
struct xvs_port {
	__u32 ifindex;			/* kernel interface index */
	__u32 bridge;			/* bridge id, index into xvs_bridges */
	__u16 port_no;			/* 1..XVS_MAX_PORTS-1, counter index */
	__u16 flags;			/* enum xvs_port_flags */
	__u32 mtu;			/* interface MTU when attached, bytes */
	__u8  mac[XVS_ETH_ALEN];	/* interface MAC address */
	__u8  pad[2];
	char  name[XVS_NAME_LEN];	/* interface name when attached */
	struct xvs_port_vlan vlan;	/* VLAN mode, tag, trunks (maps/vlan.h) */
};

/* Value of xvs_bridges, indexed by bridge id (0 = unused slot). */
struct xvs_bridge {
	char  name[XVS_NAME_LEN];	/* bridge name; "" = slot unused */
	__u32 id;			/* == the index, for readers of dumps */
	__u32 mac_limit;		/* max learned MACs, 0 = default */
	__u32 ageing_s;			/* MAC ageing time, seconds */
	__u32 pad;
	__u64 learn_refused;		/* LEARNs refused: bridge at mac_limit */
	__u64 learned;			/* MACs learned since the bridge was made */
};

/* Key of xvs_flood: one flood group per bridge, holding all its ports;
 * each port's egress drops the copies of VLANs it does not carry.
 */
struct xvs_flood_key {
	__u32 bridge;			/* bridge id */
	__u16 vlan;			/* reserved, 0 */
	__u16 pad;
};

/* skb->mark of a frame the switch delivers into a port's host stack
 * (bpf_redirect with BPF_F_INGRESS): the port's TC hook passes it up
 * untouched instead of switching it again.  Cleared on the way.
 */
#define XVS_SKB_MARK_TO_HOST	0x78767368	/* "xvsh" */
/* skb->mark of the copies a host port's TC egress hook floods out of the
 * other ports, so that their own egress hooks let them go instead of
 * flooding them again (two host ports on a bridge would loop).
 */
#define XVS_SKB_MARK_SWITCHED	0x78767373	/* "xvss" */
/* skb->mark of a frame sent to a tunnel's uplink by the TC path: the
 * uplink's TC egress hook encapsulates it for tunnel n (the low byte: its
 * virtual port id less XVS_VPORT_BASE) and clears the mark.  A mark, so
 * that each clone of a flood is encapsulated on its own.
 */
#define XVS_SKB_MARK_TUNNEL	0x78767400	/* "xvt" + tunnel */
#define XVS_SKB_MARK_TUNNEL_MASK 0xffffff00
/* The same, with the GRE key a flow rule set (set_tunnel) in place of the
 * tunnel's: the key is in xvs_tun_ovr, written by the redirect just made
 * on this CPU (the egress hook runs within it).
 */
#define XVS_SKB_MARK_TUNNEL_KEY	0x78767500	/* "xvu" + tunnel */

/* Value of xvs_members: the ports of one flood group as a flat list, for
 * the TC path, which floods with bpf_clone_redirect() (skbs cannot be
 * broadcast-redirected the way XDP frames are).  Same key as xvs_flood,
 * whose devmap holds only the XDP ports: XDP floods by itself only when
 * skb_count and host_count are 0, and passes the frame to TC otherwise.
 */
struct xvs_members {
	__u32 count;				/* valid entries in ifindex[] */
	__u32 skb_count;			/* of them, ports without XDP
						 * and tunnel ports */
	__u32 host_count;			/* of them, host ports */
	__u32 tun_count;			/* of them, tunnel ports */
	__u32 pad;
	__u32 ifindex[XVS_MAX_GROUP_PORTS];	/* member interfaces */
};

#endif /* XVS_MAPS_PORT_H */
