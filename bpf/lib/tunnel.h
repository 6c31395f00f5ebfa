/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/tunnel.h - GRE tunnel ports: what a received GRE packet is, and
 * the outer headers of a sent one (maps/tunnel.h has the model).
 *
 * Received: the pipeline hands every frame of an underlay port to
 * pipe_underlay() (pipeline.h) first.  A GRE packet to one of our tunnel addresses is
 * checked, stripped to its inner frame (the shim's ctx_tun_decap()) and
 * switched as received on the tunnel's port; anything not addressed to a
 * tunnel of ours goes on up the stack untouched.
 *
 * Sent: the outer Ethernet + IPv4 + GRE headers are the same bytes at
 * both hooks (tun_outer()); making room for them is the entry file's job
 * (bpf_xdp_adjust_head at XDP, bpf_skb_adjust_room or bpf_skb_change_head
 * at the uplink's TC egress hook).
 *
 * What the decapsulating side accepts: an outer IPv4 header of 20 bytes
 * (no options) with a good checksum, not a fragment; GRE version 0 with no
 * flag but K, protocol 0x6558; a key exactly when the tunnel has one.
 */
#ifndef XVS_BPF_TUNNEL_H
#define XVS_BPF_TUNNEL_H

#include "maps.h"
#include "stats.h"
#include "vlan.h"

#define XVS_ETH_P_IP		0x0800
#define XVS_ETH_P_IPV6		0x86dd
#define XVS_IP_DF		0x4000
#define XVS_IP_MF_OFFSET	0x3fff	/* MF flag and fragment offset */
/* What must be linear to parse a tunnel packet: outer headers with the
 * key, and the inner Ethernet header with a tag.
 */
#define XVS_TUN_PARSE_LEN	(XVS_TUN_OVERHEAD(1) + XVS_ETH_HLEN + XVS_VLAN_HLEN)

/* A received packet of one of our tunnels. */
struct tun_rx {
	__u32 vport;		/* the tunnel's virtual port id */
	__u32 hlen;		/* outer Ethernet + IPv4 + GRE: bytes to strip */
	__be32 key;		/* its GRE key, 0 without */
};

/* The one's complement sum of an IPv4 header without options, folded and
 * inverted: 0 over a header whose checksum is right.
 */
static __always_inline __u16 ipv4_csum(const void *iph)
{
	const __u16 *w = iph;
	__u32 s = 0;
	int i;

#pragma unroll
	for (i = 0; i < XVS_IPV4_HLEN / 2; i++)
		s += w[i];
	s = (s & 0xffff) + (s >> 16);
	s = (s & 0xffff) + (s >> 16);
	return ~s & 0xffff;
}

/* Classify a frame received on an underlay: 1 when it is not the
 * switch's (not GRE to a tunnel address of ours), 0 with `r` filled in
 * when it belongs to a tunnel, or a negative drop reason.  `len` is the
 * whole frame; a GSO packet's IPv4 length describes no one segment, so
 * it is not checked against it.
 */
static __always_inline int tun_parse(void *data, void *end, __u32 len,
				     int gso, struct tun_rx *r)
{
	struct xvs_tun_key k = {};
	struct ethhdr *eth = data;
	struct iphdr *ip;
	__be16 *gre;
	__u32 *vport = NULL;
	__u32 glen = XVS_GRE_HLEN;
	__u16 flags, tot;

	if ((void *)(eth + 1) > end || eth->h_proto != bpf_htons(XVS_ETH_P_IP))
		return 1;
	ip = (void *)(eth + 1);
	if ((void *)(ip + 1) > end || ip->protocol != XVS_IPPROTO_GRE)
		return 1;
	k.local = ip->daddr;
	/* A well-formed packet of a tunnel of ours takes one lookup; only a
	 * miss asks whether the address is ours at all.
	 */
	gre = (void *)(ip + 1);
	if (*(__u8 *)ip == 0x45 && (void *)(gre + 4) <= end &&
	    !(gre[0] & ~bpf_htons(XVS_GRE_F_KEY))) {
		k.remote = ip->saddr;
		if (gre[0]) {
			k.key = *(__be32 *)(gre + 2);
			k.has_key = 1;
		}
		vport = bpf_map_lookup_elem(&xvs_tun_in, &k);
		if (vport && *vport)
			goto found;
		k.remote = k.key = k.has_key = 0;
	}
	if (!bpf_map_lookup_elem(&xvs_tun_in, &k))
		return 1;		/* GRE, but not to a tunnel of ours */

	/* Ours from here: anything wrong is a counted drop. */
found:
	if (*(__u8 *)ip != 0x45 || ipv4_csum(ip))	/* v4, no options */
		return -XVS_DROP_TUN_BAD_IP;
	if (ip->frag_off & bpf_htons(XVS_IP_MF_OFFSET))
		return -XVS_DROP_TUN_BAD_IP;
	tot = bpf_ntohs(ip->tot_len);
	if (!gso && tot + XVS_ETH_HLEN > len)
		return -XVS_DROP_TUN_TRUNCATED;
	if ((void *)(gre + 2) > end)
		return -XVS_DROP_TUN_TRUNCATED;
	flags = bpf_ntohs(gre[0]);
	if ((flags & ~XVS_GRE_F_KEY) ||
	    gre[1] != bpf_htons(XVS_GRE_PROTO_TEB))
		return -XVS_DROP_TUN_UNSUPPORTED;
	if (flags & XVS_GRE_F_KEY) {
		if ((void *)(gre + 4) > end)
			return -XVS_DROP_TUN_TRUNCATED;
		k.key = *(__be32 *)(gre + 2);
		k.has_key = 1;
		glen += XVS_GRE_KEY_HLEN;
	}
	if (!gso && tot < XVS_IPV4_HLEN + glen + XVS_ETH_HLEN)
		return -XVS_DROP_TUN_TRUNCATED;
	if ((void *)gre + glen + XVS_ETH_HLEN > end)
		return -XVS_DROP_TUN_TRUNCATED;
	if (!vport || !*vport) {
		k.remote = ip->saddr;
		vport = bpf_map_lookup_elem(&xvs_tun_in, &k);
		if (!vport || !*vport)
			return -XVS_DROP_TUN_UNKNOWN;
	}
	r->vport = *vport;
	r->key = k.key;
	r->hlen = XVS_ETH_HLEN + XVS_IPV4_HLEN + glen;
	return 0;
}

/* The DS field of the IPv4 or IPv6 packet in an Ethernet frame (tagged
 * or not), or 0 when it carries neither.
 */
static __always_inline __u8 tun_inner_tos(void *data, void *end)
{
	struct ethhdr *eth = data;
	struct xvs_tag t;
	__u8 *l3;

	if ((void *)(eth + 1) > end || vlan_parse_inband(eth, end, &t))
		return 0;
	l3 = (__u8 *)(eth + 1) + (t.present ? XVS_VLAN_HLEN : 0);
	if ((void *)(l3 + 2) > end)
		return 0;
	if (t.inner == bpf_htons(XVS_ETH_P_IP))
		return l3[1];
	if (t.inner == bpf_htons(XVS_ETH_P_IPV6))
		return (l3[0] << 4) | (l3[1] >> 4);
	return 0;
}

/* Write the outer Ethernet, IPv4 and GRE headers of tunnel `t` at `data`,
 * which has room for XVS_TUN_OVERHEAD(key) bytes (checked by the caller
 * against `end` for the key).  `l3len` is the outer IPv4 packet's length;
 * a GSO packet's is cut to 65535 (segmentation writes each one's).  The
 * IPv4 ID is 0: the packet is atomic (DF, RFC 6864).
 */
static __always_inline int tun_outer(void *data, void *end,
				     const struct xvs_tunnel *t, __u32 l3len,
				     __u8 tos)
{
	struct ethhdr *eth = data;
	struct iphdr *ip = (void *)(eth + 1);
	__be16 *gre = (void *)(ip + 1);

	if ((void *)(gre + 2) > end)
		return -XVS_DROP_TUN_ENCAP_FAIL;
	__builtin_memcpy(eth->h_dest, t->dmac, XVS_ETH_ALEN);
	__builtin_memcpy(eth->h_source, t->smac, XVS_ETH_ALEN);
	eth->h_proto = bpf_htons(XVS_ETH_P_IP);
	*(__u8 *)ip = 0x45;		/* version 4, 5 words */
	ip->tos = tos;
	ip->tot_len = bpf_htons(l3len > 0xffff ? 0xffff : l3len);
	ip->id = 0;
	ip->frag_off = bpf_htons(XVS_IP_DF);
	ip->ttl = t->ttl;
	ip->protocol = XVS_IPPROTO_GRE;
	ip->check = 0;
	ip->saddr = t->local;
	ip->daddr = t->remote;
	ip->check = ipv4_csum(ip);
	gre[1] = bpf_htons(XVS_GRE_PROTO_TEB);
	if (!(t->flags & XVS_TUN_F_KEY)) {
		gre[0] = 0;
		return 0;
	}
	if ((void *)(gre + 4) > end)
		return -XVS_DROP_TUN_ENCAP_FAIL;
	gre[0] = bpf_htons(XVS_GRE_F_KEY);
	*(__be32 *)(gre + 2) = t->key;
	return 0;
}

#endif /* XVS_BPF_TUNNEL_H */
