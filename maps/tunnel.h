/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/tunnel.h - GRE tunnel ports and the underlay they ride on.
 *
 * A tunnel port is a port of a bridge with no interface of its own, the
 * way OVS's type=gre interface is.  It has a virtual port id in place of
 * an ifindex (XVS_VPORT_BASE and up: no kernel ifindex is that large), so
 * it is an xvs_ports entry (flag XVS_PORT_F_TUNNEL), a member of its
 * bridge's flood list, and the port of the MACs learned behind it, like
 * any port.  Frames to it are encapsulated - Ethernet in GRE (RFC 2784,
 * protocol 0x6558, with the RFC 2890 key when configured) in IPv4 - and
 * sent out of the underlay interface ("uplink") that the route to the
 * remote end leaves by, to the next hop's MAC.  xvsd resolves both from
 * the kernel's routes and neighbours and keeps them current; until it has,
 * the tunnel is unresolved and the fast path drops what it would send.
 *
 * The uplink is an xvs_ports entry too (flag XVS_PORT_F_UNDERLAY, bridge
 * 0): it is no bridge port, but the switch's hooks on it take the GRE
 * packets of its tunnels, strip them and switch the inner frame as
 * received on the tunnel port.  Everything else there goes up the host
 * stack untouched.
 *
 * Writers: xvsd.  Readers: the fast path, xvsctl.
 */
#ifndef XVS_MAPS_TUNNEL_H
#define XVS_MAPS_TUNNEL_H

#include "common.h"

/* Virtual port ids: XVS_VPORT_BASE + n.  Kernel ifindexes are positive
 * ints, so they are below it.
 */
#define XVS_VPORT_BASE		0x80000000U
#define XVS_MAX_TUNNELS		256

#define XVS_GRE_PROTO_TEB	0x6558	/* Transparent Ethernet Bridging */
#define XVS_IPPROTO_GRE		47
/* GRE header flags, first 16 bits, host order (RFC 2784, RFC 2890). */
#define XVS_GRE_F_CSUM		0x8000
#define XVS_GRE_F_ROUTING	0x4000
#define XVS_GRE_F_KEY		0x2000
#define XVS_GRE_F_SEQ		0x1000
#define XVS_GRE_VERSION		0x0007
/* Outer headers an encapsulated frame gains: IPv4 + GRE (+ key) ... */
#define XVS_GRE_HLEN		4
#define XVS_GRE_KEY_HLEN	4
#define XVS_IPV4_HLEN		20
/* ... plus the outer Ethernet header. */
#define XVS_TUN_OVERHEAD(has_key) \
	(14 + XVS_IPV4_HLEN + XVS_GRE_HLEN + ((has_key) ? XVS_GRE_KEY_HLEN : 0))

enum xvs_tunnel_flags {
	XVS_TUN_F_KEY		= 1U << 0,	/* send and expect the key */
	XVS_TUN_F_RESOLVED	= 1U << 1,	/* uplink, smac, dmac are valid */
	XVS_TUN_F_TOS_INHERIT	= 1U << 2,	/* copy the inner IP's DS field */
	XVS_TUN_F_UPLINK_XDP	= 1U << 3,	/* the uplink takes XDP redirects
						 * (it is in xvs_tx) */
	/* The configuration xvsd must find again after a restart; the fast
	 * path never reads these.
	 */
	XVS_TUN_F_LOCAL_AUTO	= 1U << 16,	/* no local address given: the
						 * route's source, followed */
	XVS_TUN_F_HOOK_XDP	= 1U << 17,	/* --uplink-hook xdp */
	XVS_TUN_F_HOOK_TC	= 1U << 18,	/* --uplink-hook tc */
};

/* Value of xvs_tunnels, keyed by __u32 virtual port id. */
struct xvs_tunnel {
	__u32  vport;			/* == the key */
	__u32  flags;			/* enum xvs_tunnel_flags */
	__be32 local;			/* outer source address */
	__be32 remote;			/* outer destination address */
	__be32 key;			/* GRE key (network order), if F_KEY */
	__u32  uplink;			/* ifindex of the underlay interface */
	__u32  mtu;			/* the uplink's MTU (outer IP packet) */
	__u8   ttl;			/* outer TTL, 1..255 */
	__u8   tos;			/* outer DS field unless F_TOS_INHERIT */
	__u8   smac[XVS_ETH_ALEN];	/* the uplink's MAC */
	__u8   dmac[XVS_ETH_ALEN];	/* the next hop's MAC */
	__u16  port_no;			/* the tunnel port's number (its
					 * counters), as in xvs_ports */
};

/* Key of xvs_tun_in: which tunnel a received GRE packet belongs to.
 * xvsd also writes { local, 0, 0, 0 } -> 0 for every local address a
 * tunnel uses: GRE to such an address is the switch's, and is dropped
 * when no tunnel matches, where GRE to other addresses goes up the stack.
 */
struct xvs_tun_key {
	__be32 local;			/* outer destination (ours) */
	__be32 remote;			/* outer source (the far end) */
	__be32 key;			/* GRE key, 0 when has_key is 0 */
	__u32  has_key;			/* 1 when the packet has a key */
};

#endif /* XVS_MAPS_TUNNEL_H */
