// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xvs_tc.bpf.c - the TC hooks: what the XDP hook cannot do with a frame.
 *
 * xvs_tc_rx (clsact ingress, every port) is the receive hook of ports
 * without the XDP flag - veths and taps by default, whose frames come from
 * a local stack as GSO skbs with checksums left to offload: an skb
 * redirect keeps both, so TCP runs at full speed.  At XDP ports it sees
 * only frames xvs_xdp_rx passed up, runs the same pipeline again (no rx
 * count, no learning) and finishes the job with skb helpers: output to
 * skb-only ports, delivery into another port's host stack (bpf_redirect
 * with BPF_F_INGRESS), floods (bpf_clone_redirect per member).
 *
 * xvs_tc_tx (clsact egress, host ports) switches what the host stack sends
 * out of a port: to the station's port when it is known behind another
 * port, to every other port (and the wire) when it floods.
 */
/* Only UAPI structs (contexts, ethhdr) are read here, whose layout is
 * fixed: no CO-RE relocations, which also keeps context accesses in the
 * constant-offset form the verifier requires.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lib/ctx_skb.h"
#include "lib/pipeline.h"

#define TC_ACT_OK		0
#define TC_ACT_SHOT		2
#define TC_ACT_STOLEN		4
#define TC_ACT_REDIRECT		7

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/* Make the skb what port `ifindex` wants for the frame's VLAN.  Returns
 * the port, or NULL when it is no port, does not carry the VLAN, or the
 * tag could not be set (then counted as its tx drop).
 */
static __always_inline const struct xvs_port *
tc_prepare(struct __sk_buff *skb, const struct xvs_frame *f, __u32 ifindex)
{
	const struct xvs_port *p = bpf_map_lookup_elem(&xvs_ports, &ifindex);
	int ret;

	if (!p)
		return NULL;
	ret = vlan_to_port(skb, f, p);
	if (ret < 0)
		stats_tx_drop(p->port_no);
	return ret ? NULL : p;
}

/* Deliver into the host stack behind a port, marked so that the port's
 * own TC hook lets it pass instead of switching it again.  A clone leaves
 * at once and the original keeps its mark; bpf_redirect() acts only when
 * the program returns, so the frame itself leaves marked.
 */
static __always_inline long tc_to_host(struct __sk_buff *skb, __u32 ifindex,
				       int clone)
{
	__u32 mark = skb->mark;
	long ret;

	skb->mark = XVS_SKB_MARK_TO_HOST;
	if (!clone)
		return bpf_redirect(ifindex, BPF_F_INGRESS);
	ret = bpf_clone_redirect(skb, ifindex, BPF_F_INGRESS);
	skb->mark = mark;
	return ret;
}

/* To tunnel port `p`: marked for the tunnel, to its uplink, whose TC
 * egress hook encapsulates it (tc_tun_tx()).  A clone leaves at once and
 * the original keeps its mark; with bpf_redirect() the frame itself
 * leaves marked.  0 or a drop reason (counted on the tunnel port).
 */
static __always_inline long tc_to_tunnel(struct __sk_buff *skb,
					 const struct xvs_port *p, int clone)
{
	const struct xvs_tunnel *t;
	__u32 vport = p->ifindex;
	__u32 mark = skb->mark;
	long ret;

	t = bpf_map_lookup_elem(&xvs_tunnels, &vport);
	if (!t || !(t->flags & XVS_TUN_F_RESOLVED)) {
		stats_tx_drop(p->port_no);
		stats_drop(0, XVS_DROP_TUN_UNRESOLVED);
		return -XVS_DROP_TUN_UNRESOLVED;
	}
	skb->mark = XVS_SKB_MARK_TUNNEL | (vport - XVS_VPORT_BASE);
	if (!clone)
		return bpf_redirect(t->uplink, 0);
	ret = bpf_clone_redirect(skb, t->uplink, 0);
	skb->mark = mark;
	if (ret)
		stats_tx_drop(p->port_no);
	return ret;
}

/* Send a copy to every member of the flood group but `except` that carries
 * the frame's VLAN, tagged as each wants, and one up the host stack of
 * every host port among them.
 */
static __always_inline int tc_flood(struct __sk_buff *skb, struct xvs_frame *f,
				    __u32 except)
{
	struct xvs_flood_key key = { .bridge = f->bridge };
	const struct xvs_port *p;
	struct xvs_members *m;
	__u32 i, ifindex;

	m = bpf_map_lookup_elem(&xvs_members, &key);
	if (!m)
		return -XVS_DROP_NO_BRIDGE;
	for (i = 0; i < XVS_MAX_GROUP_PORTS; i++) {
		if (i >= m->count)
			break;
		ifindex = m->ifindex[i];
		if (ifindex == except)
			continue;
		/* Split horizon: nothing from a tunnel into a tunnel. */
		if (ifindex >= XVS_VPORT_BASE && (f->port_flags & XVS_PORT_F_TUNNEL))
			continue;
		p = tc_prepare(skb, f, ifindex);
		if (!p)
			continue;
		if (p->flags & XVS_PORT_F_TUNNEL) {
			if (!tc_to_tunnel(skb, p, 1))
				stats_tx(p->port_no, f->len);
			continue;
		}
		if (bpf_clone_redirect(skb, ifindex, 0)) {
			stats_tx_drop(p->port_no);
			continue;
		}
		stats_tx(p->port_no, f->len);
		if (p->flags & XVS_PORT_F_HOST)
			tc_to_host(skb, ifindex, 1);
	}
	stats_event(XVS_EV_FLOOD);
	return 0;
}

/* To one port: out of it, or up its host stack. */
static __always_inline int tc_forward(struct __sk_buff *skb, struct xvs_frame *f,
				      int to_host)
{
	const struct xvs_port *p = tc_prepare(skb, f, f->out_ifindex);

	if (!p) {
		stats_drop(f->port_no, XVS_DROP_NO_EGRESS);
		return TC_ACT_SHOT;
	}
	if (p->flags & XVS_PORT_F_TUNNEL) {
		if (tc_to_tunnel(skb, p, 0) != TC_ACT_REDIRECT)
			return TC_ACT_SHOT;
	} else if (to_host) {
		tc_to_host(skb, f->out_ifindex, 0);
	} else {
		bpf_redirect(f->out_ifindex, 0);
	}
	stats_tx(p->port_no, f->len);
	return TC_ACT_REDIRECT;
}

/* The frame goes on, up this port's stack or out of it: in its form.
 * A tunnel port has neither (pipe_classify() dropped such frames).
 */
static __always_inline int tc_own(struct __sk_buff *skb, struct xvs_frame *f)
{
	if (f->port_flags & XVS_PORT_F_TUNNEL)
		return TC_ACT_SHOT;
	return vlan_to_port(skb, f, f->port) ? TC_ACT_SHOT : TC_ACT_OK;
}

/* Encapsulate for tunnel `t` a frame in the switch's form for it (its tag
 * the skb's, if any).  The tag goes into the inner frame; room for the
 * outer IPv4 + GRE + inner Ethernet (+ tag) headers is made behind the
 * Ethernet header, and all headers are then written from the start.  An
 * IP packet is grown as an encapsulation (inner header offsets and the
 * GRE GSO type set, the GSO size cut so the segments still fit); the
 * helper takes no other protocol, and such frames are never GSO: they
 * get their room in front (bpf_skb_change_head).
 */
static __always_inline int tc_encap(struct __sk_buff *skb, const struct xvs_tunnel *t)
{
	__u32 olen = XVS_TUN_OVERHEAD(t->flags & XVS_TUN_F_KEY);
	__u8 macs[2 * XVS_ETH_ALEN];
	int tagged = skb->vlan_present;
	__be16 tpid = skb->vlan_proto;
	__u16 tci = skb->vlan_tci;
	__u32 ilen, grow, l3len = 0;
	struct ethhdr *eth;
	__be16 proto, *in;
	__u64 flags;
	__u8 tos;

	if (ctx_pull(skb, XVS_ETH_HLEN + 40) < 0)
		return -XVS_DROP_TUN_ENCAP_FAIL;
	eth = ctx_data(skb);
	if ((void *)(eth + 1) > ctx_data_end(skb))
		return -XVS_DROP_TRUNCATED;
	__builtin_memcpy(macs, eth, sizeof(macs));
	proto = eth->h_proto;
	tos = t->flags & XVS_TUN_F_TOS_INHERIT ?
	      tun_inner_tos(eth, ctx_data_end(skb)) : t->tos;
	if (tagged && bpf_skb_vlan_pop(skb))
		return -XVS_DROP_VLAN_TAG_FAIL;
	ilen = XVS_ETH_HLEN + (tagged ? XVS_VLAN_HLEN : 0);
	grow = olen - XVS_ETH_HLEN + ilen;
	flags = BPF_F_ADJ_ROOM_ENCAP_L3_IPV4 | BPF_F_ADJ_ROOM_ENCAP_L4_GRE |
		BPF_F_ADJ_ROOM_ENCAP_L2_ETH |
		((__u64)ilen << BPF_ADJ_ROOM_ENCAP_L2_SHIFT);
	if (bpf_skb_adjust_room(skb, grow, BPF_ADJ_ROOM_MAC, flags) &&
	    (skb->gso_size || bpf_skb_change_head(skb, grow, 0)))
		return -XVS_DROP_TUN_ENCAP_FAIL;
	if (ctx_pull(skb, olen + ilen) < 0)
		return -XVS_DROP_TUN_ENCAP_FAIL;
	if (olen > XVS_TUN_OVERHEAD(1))
		return -XVS_DROP_TUN_ENCAP_FAIL;
	in = ctx_data(skb) + olen;
	if ((void *)(in + 7) > ctx_data_end(skb))
		return -XVS_DROP_TUN_ENCAP_FAIL;
	__builtin_memcpy(in, macs, sizeof(macs));
	if (tagged) {
		if ((void *)(in + 9) > ctx_data_end(skb))
			return -XVS_DROP_TUN_ENCAP_FAIL;
		in[6] = tpid;
		in[7] = bpf_htons(tci);
		in[8] = proto;
	} else {
		in[6] = proto;
	}
	l3len = skb->len - XVS_ETH_HLEN;
	return tun_outer(ctx_data(skb), ctx_data_end(skb), t, l3len, tos);
}

/* The uplink's egress hook, for a frame marked for a tunnel: encapsulate
 * it and let it go out.
 */
static __always_inline int tc_tun_tx(struct __sk_buff *skb)
{
	__u32 vport = XVS_VPORT_BASE + (skb->mark & ~XVS_SKB_MARK_TUNNEL_MASK);
	const struct xvs_tunnel *t;
	__u32 mtu = 0;
	int ret;

	skb->mark = 0;
	t = bpf_map_lookup_elem(&xvs_tunnels, &vport);
	if (!t) {
		stats_drop(0, XVS_DROP_TUN_UNRESOLVED);
		return TC_ACT_SHOT;	/* deleted meanwhile */
	}
	ret = t->flags & XVS_TUN_F_RESOLVED ? tc_encap(skb, t) :
					       -XVS_DROP_TUN_UNRESOLVED;
	if (!ret && bpf_check_mtu(skb, 0, &mtu, 0, BPF_MTU_CHK_SEGS))
		ret = -XVS_DROP_TUN_MTU;
	if (ret) {
		stats_tx_drop(t->port_no);
		stats_drop(0, -ret);
		return TC_ACT_SHOT;
	}
	stats_event(XVS_EV_ENCAP);
	return TC_ACT_OK;
}

SEC("tc")
int xvs_tc_rx(struct __sk_buff *skb)
{
	struct xvs_frame f = {};
	int ret;

	if (skb->mark == XVS_SKB_MARK_TO_HOST) {
		skb->mark = 0;
		return TC_ACT_OK;	/* delivered here by the switch */
	}
	ret = xvs_pipeline(skb, &f, PIPE_AUTO);
	if (ret == -XVS_DROP_NO_PORT)
		return TC_ACT_OK;	/* being detached: not ours any more */
	if (ret < 0) {
		stats_drop(f.port_no, -ret);
		return TC_ACT_SHOT;
	}
	if (f.verdict == XVS_V_PASS)
		return TC_ACT_OK;	/* an underlay's, not the switch's */
	stats_event(XVS_EV_TC_RX);

	switch (f.verdict) {
	case XVS_V_FORWARD:
		stats_event(XVS_EV_FORWARD);
		return tc_forward(skb, &f, 0);
	case XVS_V_HOST_OF:
		stats_event(XVS_EV_TO_HOST);
		return tc_forward(skb, &f, 1);
	case XVS_V_FLOOD:
		ret = tc_flood(skb, &f, f.ifindex);
		if (ret < 0) {
			stats_drop(f.port_no, -ret);
			return TC_ACT_SHOT;
		}
		if (!(f.port_flags & XVS_PORT_F_HOST))
			return TC_ACT_STOLEN;
		stats_event(XVS_EV_TO_HOST);
		return tc_own(skb, &f);
	default:
		stats_event(XVS_EV_TO_HOST);
		return tc_own(skb, &f);
	}
}

SEC("tc")
int xvs_tc_tx(struct __sk_buff *skb)
{
	__u32 iif = skb->ingress_ifindex;
	struct xvs_frame f = {};
	__u32 mark;
	int ret;

	/* Frames the switch itself sends out of this port came in on a port,
	 * or are copies of a host port's flood: they are switched already.
	 * Only the host's own traffic is ours.
	 */
	if (skb->mark == XVS_SKB_MARK_SWITCHED) {
		skb->mark = 0;
		return TC_ACT_OK;
	}
	if ((skb->mark & XVS_SKB_MARK_TUNNEL_MASK) == XVS_SKB_MARK_TUNNEL)
		return tc_tun_tx(skb);
	if (iif && bpf_map_lookup_elem(&xvs_ports, &iif))
		return TC_ACT_OK;
	ret = xvs_pipeline(skb, &f, PIPE_HOST_TX);
	if (ret < 0 || f.verdict == XVS_V_PASS)
		return TC_ACT_OK;	/* the host's business; let it out */

	switch (f.verdict) {
	case XVS_V_FORWARD:
		return tc_forward(skb, &f, 0);
	case XVS_V_HOST_OF:
		return tc_forward(skb, &f, 1);
	case XVS_V_FLOOD:
		mark = skb->mark;
		skb->mark = XVS_SKB_MARK_SWITCHED;
		tc_flood(skb, &f, f.ifindex);
		skb->mark = mark;
		return tc_own(skb, &f);	/* and out on the wire */
	default:
		return tc_own(skb, &f);
	}
}
