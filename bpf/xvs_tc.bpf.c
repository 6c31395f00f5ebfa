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

/* skb->mark, read and written through a pointer the compiler cannot
 * reuse: with many accesses it would keep &skb->mark in a register, and
 * the verifier refuses a context access through a modified pointer.
 */
static __always_inline __u32 skb_mark(struct __sk_buff *skb)
{
	asm volatile("" : "+r"(skb));
	return skb->mark;
}

static __always_inline void skb_set_mark(struct __sk_buff *skb, __u32 mark)
{
	asm volatile("" : "+r"(skb));
	skb->mark = mark;
}

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

/* A copy of the skb to `ifindex`, sent at once.  The trace build sends
 * nothing (a test run would).
 */
static __always_inline long tc_clone(struct __sk_buff *skb, __u32 ifindex,
				     __u64 flags)
{
	if (XVS_TRACING)
		return 0;
	return bpf_clone_redirect(skb, ifindex, flags);
}

/* Deliver into the host stack behind a port, marked so that the port's
 * own TC hook lets it pass instead of switching it again.  A clone leaves
 * at once and the original keeps its mark; bpf_redirect() acts only when
 * the program returns, so the frame itself leaves marked.
 */
static __always_inline long tc_to_host(struct __sk_buff *skb, __u32 ifindex,
				       int clone)
{
	__u32 mark = skb_mark(skb);
	long ret;

	trace_rec(XVS_TR_HOST, 0, ifindex, 0, 0);
	skb_set_mark(skb, XVS_SKB_MARK_TO_HOST);
	if (!clone)
		return bpf_redirect(ifindex, BPF_F_INGRESS);
	ret = tc_clone(skb, ifindex, BPF_F_INGRESS);
	skb_set_mark(skb, mark);
	return ret;
}

/* To tunnel port `p`: marked for the tunnel, to its uplink, whose TC
 * egress hook encapsulates it (tc_tun_tx()).  A clone leaves at once and
 * the original keeps its mark; with bpf_redirect() the frame itself
 * leaves marked.  A flow rule's set_tunnel `key` (or NULL) goes in
 * xvs_tun_ovr for that hook, which runs within the redirect.  0 or a
 * drop reason (counted on the tunnel port).
 */
static __always_inline long tc_to_tunnel(struct __sk_buff *skb,
					 const struct xvs_port *p, int clone,
					 const __be32 *key)
{
	__u32 mark = skb_mark(skb), zero = 0;
	struct xvs_tun_override *o;
	const struct xvs_tunnel *t;
	__u32 vport = p->ifindex;
	long ret;

	t = bpf_map_lookup_elem(&xvs_tunnels, &vport);
	if (!t || !(t->flags & XVS_TUN_F_RESOLVED)) {
		stats_tx_drop(p->port_no);
		stats_drop(0, XVS_DROP_TUN_UNRESOLVED);
		return -XVS_DROP_TUN_UNRESOLVED;
	}
	trace_rec(XVS_TR_ENCAP, 0, vport,
		  key ? *key : t->flags & XVS_TUN_F_KEY ? t->key : 0, t->uplink);
	skb_set_mark(skb, XVS_SKB_MARK_TUNNEL | (vport - XVS_VPORT_BASE));
	if (key && !XVS_TRACING) {
		o = bpf_map_lookup_elem(&xvs_tun_ovr, &zero);
		if (!o)
			return -XVS_DROP_TUN_ENCAP_FAIL;
		o->vport = vport;
		o->key = *key;
		skb_set_mark(skb, XVS_SKB_MARK_TUNNEL_KEY | (vport - XVS_VPORT_BASE));
	}
	if (!clone)
		return bpf_redirect(t->uplink, 0);
	ret = tc_clone(skb, t->uplink, 0);
	skb_set_mark(skb, mark);
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
	trace_rec(XVS_TR_FLOOD, 0, f->vlan, 0, 0);
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
		trace_rec(XVS_TR_OUTPUT, vlan_egress_tagged(&p->vlan, f->vlan),
			  ifindex, f->vlan, 0);
		if (p->flags & XVS_PORT_F_TUNNEL) {
			if (!tc_to_tunnel(skb, p, 1, NULL))
				stats_tx(p->port_no, f->len);
			continue;
		}
		if (tc_clone(skb, ifindex, 0)) {
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

/* tc_flood() as a global function, which the verifier checks once
 * instead of on every path into it (its loop is most of the program).
 * `f` is read for the ingress port, bridge, VLAN and length only.
 */
__attribute__((noinline))
int xvs_tc_flood(struct __sk_buff *skb, struct xvs_frame *f)
{
	if (!f)
		return -XVS_DROP_NO_BRIDGE;
	return tc_flood(skb, f, f->ifindex);
}

/* ... for the caller, which keeps f->port: to the verifier, the pointers
 * in memory a global function was given are numbers afterwards.
 */
static __always_inline int tc_flood_frame(struct __sk_buff *skb,
					  struct xvs_frame *f)
{
	const struct xvs_port *port = f->port;
	int ret;

	ret = xvs_tc_flood(skb, f);
	f->port = port;
	return ret;
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
		trace_rec(XVS_TR_OUTPUT, vlan_egress_tagged(&p->vlan, f->vlan),
			  f->out_ifindex, f->vlan, 0);
		if (tc_to_tunnel(skb, p, 0, NULL) != TC_ACT_REDIRECT)
			return TC_ACT_SHOT;
	} else if (to_host) {
		tc_to_host(skb, f->out_ifindex, 0);
	} else {
		trace_rec(XVS_TR_OUTPUT, vlan_egress_tagged(&p->vlan, f->vlan),
			  f->out_ifindex, f->vlan, 0);
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
static __always_inline int tc_tun_tx(struct __sk_buff *skb, __u32 mark)
{
	__u32 vport = XVS_VPORT_BASE + (mark & ~XVS_SKB_MARK_TUNNEL_MASK);
	int set_key = (mark & XVS_SKB_MARK_TUNNEL_MASK) == XVS_SKB_MARK_TUNNEL_KEY;
	const struct xvs_tun_override *o;
	const struct xvs_tunnel *t;
	struct xvs_tunnel tk;
	__u32 mtu = 0, zero = 0;
	int ret;

	skb_set_mark(skb, 0);
	t = bpf_map_lookup_elem(&xvs_tunnels, &vport);
	if (!t) {
		stats_drop(0, XVS_DROP_TUN_UNRESOLVED);
		return TC_ACT_SHOT;	/* deleted meanwhile */
	}
	o = set_key ? bpf_map_lookup_elem(&xvs_tun_ovr, &zero) : NULL;
	if (o && o->vport == vport) {
		__builtin_memcpy(&tk, t, sizeof(tk));
		tk.key = o->key;
		tk.flags |= XVS_TUN_F_KEY;
		t = &tk;
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

/* Act on the learning switch's verdict for a received frame. */
static __always_inline int tc_rx_verdict(struct __sk_buff *skb,
					 struct xvs_frame *f)
{
	int ret;

	switch (f->verdict) {
	case XVS_V_FORWARD:
		stats_event(XVS_EV_FORWARD);
		return tc_forward(skb, f, 0);
	case XVS_V_HOST_OF:
		stats_event(XVS_EV_TO_HOST);
		return tc_forward(skb, f, 1);
	case XVS_V_FLOOD:
		ret = tc_flood_frame(skb, f);
		if (ret < 0) {
			stats_drop(f->port_no, -ret);
			return TC_ACT_SHOT;
		}
		if (!(f->port_flags & XVS_PORT_F_HOST))
			return TC_ACT_STOLEN;
		stats_event(XVS_EV_TO_HOST);
		trace_rec(XVS_TR_HOST, 0, f->ifindex, 0, 0);
		return tc_own(skb, f);
	default:
		stats_event(XVS_EV_TO_HOST);
		trace_rec(XVS_TR_HOST, 0, f->ifindex, 0, 0);
		return tc_own(skb, f);
	}
}

/* ... and for a frame the host sends out of a port. */
static __always_inline int tc_tx_verdict(struct __sk_buff *skb,
					 struct xvs_frame *f)
{
	__u32 mark;

	switch (f->verdict) {
	case XVS_V_FORWARD:
		return tc_forward(skb, f, 0);
	case XVS_V_HOST_OF:
		return tc_forward(skb, f, 1);
	case XVS_V_FLOOD:
		mark = skb_mark(skb);
		skb_set_mark(skb, XVS_SKB_MARK_SWITCHED);
		tc_flood_frame(skb, f);
		skb_set_mark(skb, mark);
		return tc_own(skb, f);	/* and out on the wire */
	default:
		return tc_own(skb, f);
	}
}

/* A copy of the frame's head to xvsd, for a rule's `userspace` action
 * (maps/upcall.h); the frame goes on with the rule's other actions.
 */
static __always_inline void tc_upcall(struct __sk_buff *skb,
				      const struct xvs_frame *f)
{
	struct xvs_upcall_flow *u;
	__u64 cap = skb->len;

	trace_rec(XVS_TR_UPCALL, 0, f->rule->id, 0, 0);
	if (XVS_TRACING)
		return;
	u = bpf_ringbuf_reserve(&xvs_upcall, sizeof(*u), 0);
	if (!u) {
		stats_event(XVS_EV_UPCALL_RINGFULL);
		return;
	}
	if (cap > sizeof(u->data))
		cap = sizeof(u->data);
	if (cap < XVS_ETH_HLEN || bpf_skb_load_bytes(skb, 0, u->data, cap))
		cap = 0;
	u->hdr.type = XVS_UPCALL_FLOW;
	u->hdr.ifindex = f->ifindex;
	u->hdr.bridge = f->bridge;
	u->hdr.vlan = f->vlan;
	__builtin_memcpy(u->hdr.mac, u->data + XVS_ETH_ALEN, XVS_ETH_ALEN);
	u->hdr.ts_ns = bpf_ktime_get_coarse_ns();
	u->rule_id = f->rule->id;
	u->slot = f->slot;
	u->len = skb->len;
	u->caplen = cap;
	bpf_ringbuf_submit(u, 0);
	stats_event(XVS_EV_UPCALL);
}

/* A rule's output to port `ifindex`: the frame as it is, tagged as the
 * port sends its VLAN (not filtered by the port's VLANs).  A copy when
 * `clone`, else the frame itself leaves when the program returns.
 * Output to the ingress port is skipped, as OVS does.  0 when sent (or
 * skipped), else a drop reason; a refused copy counts on the port.
 */
static __always_inline int tc_output(struct __sk_buff *skb, struct xvs_frame *f,
				     __u32 ifindex, int clone, const __be32 *key)
{
	const struct xvs_port *p = bpf_map_lookup_elem(&xvs_ports, &ifindex);
	long ret;

	if (!p || (p->flags & XVS_PORT_F_UNDERLAY))
		return -XVS_DROP_NO_EGRESS;
	if (ifindex == f->ifindex)
		return 0;
	ret = vlan_out(skb, f, p);
	if (ret) {
		stats_tx_drop(p->port_no);
		return ret;
	}
	trace_rec(XVS_TR_OUTPUT, vlan_egress_tagged(&p->vlan, f->vlan), ifindex,
		  f->vlan, 0);
	if (p->flags & XVS_PORT_F_TUNNEL)
		ret = tc_to_tunnel(skb, p, clone, key);
	else if (clone)
		ret = tc_clone(skb, ifindex, 0);
	else
		ret = bpf_redirect(ifindex, 0);
	if (ret < 0) {
		if (!(p->flags & XVS_PORT_F_TUNNEL))
			stats_tx_drop(p->port_no);
		return clone ? 0 : -XVS_DROP_NO_EGRESS;
	}
	stats_tx(p->port_no, f->len);
	return 0;
}

/* What a rule's output needs to know of the frame. */
struct tc_out {
	__u32 ifindex;		/* the port to */
	__u32 in_ifindex;	/* the frame's ingress port */
	__u32 len;		/* its length, as counted on receive */
	__u16 tci;		/* its VLAN (the VID) and tag inside the switch */
	__u16 clone;		/* a copy: the frame goes on */
	__u32 has_key;		/* a set_tunnel key is in `key` */
	__be32 key;
};

/* tc_output() as a global function, which the verifier checks once
 * instead of on every path of the action list into it.
 */
__attribute__((noinline))
int xvs_tc_output(struct __sk_buff *skb, struct tc_out *o)
{
	struct xvs_frame f = {};

	if (!o)
		return -XVS_DROP_NO_EGRESS;
	f.ifindex = o->in_ifindex;
	f.len = o->len;
	f.tci = o->tci;
	f.vlan = o->tci & XVS_VID_MASK;
	return tc_output(skb, &f, o->ifindex, o->clone,
			 o->has_key ? &o->key : NULL);
}

/* tc_actions(): the frame goes on to the learning switch's verdict. */
#define TC_VERDICT	-1

/* Carry out a flow rule's actions.  Outputs are copies, but for an
 * output that is the last action: the frame itself leaves by it.  The
 * loop does what lets the frame go on; what ends it (the last output,
 * normal, flood, drop) is done once, after it.  Returns the TC action,
 * or TC_VERDICT when `normal` or `flood` made f->verdict what to do: the
 * caller's one copy of the verdict code does it.
 */
static __always_inline int tc_actions(struct __sk_buff *skb, struct xvs_frame *f)
{
	const struct xvs_flow_rule *r = f->rule;
	__u32 i, type, end = XVS_FA_DROP, sent = 0;
	const struct xvs_flow_action *a;
	struct tc_out o = {};
	struct ethhdr *eth;
	int ret;

	if (!r)
		return TC_ACT_SHOT;
	o.in_ifindex = f->ifindex;
	o.len = f->len;
	for (i = 0; i < XVS_FLOW_MAX_ACTIONS; i++) {
		a = &r->actions[i];
		type = a->type;
		if (type == XVS_FA_NONE)
			break;
		trace_rec(XVS_TR_ACTION, type, a->arg, a->vid, 0);
		if (type == XVS_FA_OUTPUT &&
		    (i == XVS_FLOW_MAX_ACTIONS - 1 ||
		     r->actions[i + 1].type == XVS_FA_NONE)) {
			end = type;
			o.ifindex = a->arg;
			break;
		}
		if (type == XVS_FA_NORMAL || type == XVS_FA_FLOOD ||
		    type == XVS_FA_DROP) {
			end = type;
			break;
		}
		if (type == XVS_FA_OUTPUT) {
			o.ifindex = a->arg;
			o.tci = f->tci;
			o.clone = 1;
			ret = xvs_tc_output(skb, &o);
			sent++;
		} else if (type == XVS_FA_SET_TUNNEL) {
			o.key = a->arg;
			o.has_key = 1;
			ret = 0;
		} else if (type == XVS_FA_USERSPACE) {
			tc_upcall(skb, f);
			ret = 0;
		} else {
			ret = flow_vlan_action(f, a);
		}
		if (ret)
			goto drop;
	}

	switch (end) {
	case XVS_FA_OUTPUT:
		o.tci = f->tci;
		o.clone = 0;
		ret = xvs_tc_output(skb, &o);
		if (ret)
			goto drop;
		if (o.ifindex != f->ifindex)
			return TC_ACT_REDIRECT;
		break;		/* skipped: the ingress port */
	case XVS_FA_NORMAL:
	case XVS_FA_FLOOD:
		/* In the frame's VLAN now, as the switch carries it. */
		ret = ctx_vlan_set(skb, f->vlan != 0, f->tci);
		if (ret)
			goto drop;
		f->rule = NULL;
		if (end == XVS_FA_FLOOD) {
			f->verdict = XVS_V_FLOOD;
		} else {
			eth = ctx_data(skb);
			if ((void *)(eth + 1) > ctx_data_end(skb)) {
				ret = -XVS_DROP_TRUNCATED;
				goto drop;
			}
			ret = pipe_classify(f, eth->h_dest);
			if (ret)
				goto drop;
		}
		return TC_VERDICT;
	}
	if (sent)
		return TC_ACT_STOLEN;
	ret = -XVS_DROP_FLOW_DROP;
drop:
	stats_drop(f->port_no, -ret);
	return TC_ACT_SHOT;
}

SEC("tc")
int xvs_tc_rx(struct __sk_buff *skb)
{
	struct xvs_frame f = {};
	int ret;

	trace_start();
	if (skb_mark(skb) == XVS_SKB_MARK_TO_HOST) {
		skb_set_mark(skb, 0);
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
	if (f.verdict == XVS_V_ACTIONS) {
		ret = tc_actions(skb, &f);
		if (ret != TC_VERDICT)
			return ret;
	}
	return tc_rx_verdict(skb, &f);
}

SEC("tc")
int xvs_tc_tx(struct __sk_buff *skb)
{
	__u32 iif = skb->ingress_ifindex;
	__u32 mark = skb_mark(skb);
	struct xvs_frame f = {};
	int ret;

	/* Frames the switch itself sends out of this port came in on a port,
	 * or are copies of a host port's flood: they are switched already.
	 * Only the host's own traffic is ours.
	 */
	if (mark == XVS_SKB_MARK_SWITCHED) {
		skb_set_mark(skb, 0);
		return TC_ACT_OK;
	}
	if ((mark & XVS_SKB_MARK_TUNNEL_MASK) == XVS_SKB_MARK_TUNNEL ||
	    (mark & XVS_SKB_MARK_TUNNEL_MASK) == XVS_SKB_MARK_TUNNEL_KEY)
		return tc_tun_tx(skb, mark);
	if (iif && bpf_map_lookup_elem(&xvs_ports, &iif))
		return TC_ACT_OK;
	ret = xvs_pipeline(skb, &f, PIPE_HOST_TX);
	if (ret < 0 || f.verdict == XVS_V_PASS)
		return TC_ACT_OK;	/* the host's business; let it out */
	if (f.verdict == XVS_V_ACTIONS) {
		ret = tc_actions(skb, &f);
		if (ret != TC_VERDICT)
			return ret;
	}
	return tc_tx_verdict(skb, &f);
}
