// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * xvs_xdp.bpf.c - the XDP hook: the switch's fast path on every port.
 *
 * xvs_xdp_rx runs on receive at ports with the XDP flag (NICs by default),
 * takes the pipeline's verdict and acts on it with XDP redirects: one port
 * through the xvs_tx devmap, a flood as a broadcast redirect over the
 * (bridge, VLAN) flood group with the ingress port excluded.  Both maps
 * hold only XDP ports.  What XDP cannot do it passes up to the TC hook of
 * the same interface (xvs_tc.bpf.c): output to a port that takes skbs only
 * (veths, taps), delivery to the host stack of another port, and floods
 * that must reach such ports or the host stack as well.
 *
 * xvs_xdp_tx is the devmap egress program of every XDP port: it runs once
 * per frame and port a redirect sends, drops the copy if the port does not
 * carry the frame's VLAN, untags it where the port wants it untagged, and
 * counts the transmission.
 *
 * Both accept multi-buffer frames (xdp.frags), so a port keeps its MTU
 * and veth peers keep GSO/TSO: the pipeline reads only the linear head.
 */
/* Only UAPI structs (contexts, ethhdr) are read here, whose layout is
 * fixed: no CO-RE relocations, which also keeps context accesses in the
 * constant-offset form the verifier requires.
 */
#define BPF_NO_PRESERVE_ACCESS_INDEX
#include "vmlinux.h"
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>
#include "lib/ctx_xdp.h"
#include "lib/pipeline.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

static __always_inline int xdp_drop(struct xvs_frame *f, int reason)
{
	stats_drop(f->port_no, reason);
	return XDP_DROP;
}

/* The copies a broadcast redirect would make: its devmap egress program
 * (xvs_xdp_tx) keeps those for ports that carry the VLAN.
 */
static __always_inline void xdp_trace_flood(const struct xvs_frame *f,
					    const struct xvs_members *m)
{
	const struct xvs_port *p;
	__u32 i, ifindex;

	trace_rec(XVS_TR_FLOOD, 0, f->vlan, 0, 0);
	for (i = 0; i < XVS_MAX_GROUP_PORTS; i++) {
		if (i >= m->count)
			break;
		ifindex = m->ifindex[i];
		p = bpf_map_lookup_elem(&xvs_ports, &ifindex);
		if (ifindex == f->ifindex || !p || !vlan_carries(&p->vlan, f->vlan))
			continue;
		trace_rec(XVS_TR_OUTPUT, vlan_egress_tagged(&p->vlan, f->vlan),
			  ifindex, f->vlan, 0);
	}
}

static __always_inline int xdp_flood(struct xdp_md *ctx, struct xvs_frame *f)
{
	struct xvs_flood_key key = { .bridge = f->bridge };
	struct xvs_members *m;
	void *group;
	long ret;

	m = bpf_map_lookup_elem(&xvs_members, &key);
	if (!m)
		return xdp_drop(f, XVS_DROP_NO_BRIDGE);
	/* Some member takes skbs only (a tunnel, unless the frame came out
	 * of one: split horizon), a host stack wants its copy, or the frame
	 * is multi-buffer (a broadcast redirect clones only the linear part):
	 * TC floods it.  Its length now, not f->len: the pipeline may have
	 * popped a tag since (a priority tag into VLAN 0).  A decapsulated
	 * frame never gets here then (pipe_underlay() passed it on whole).
	 */
	if (m->skb_count - ((f->port_flags & XVS_PORT_F_TUNNEL) ? m->tun_count : 0) ||
	    m->host_count || ctx_len(ctx) > ctx_linear_len(ctx)) {
		if (f->port_flags & XVS_PORT_F_TUNNEL)
			return xdp_drop(f, XVS_DROP_FLOOD_FAIL);
		trace_rec(XVS_TR_PASS, 0, 0, 0, 0);
		return XDP_PASS;
	}
	if (XVS_TRACING)
		xdp_trace_flood(f, m);
	group = bpf_map_lookup_elem(&xvs_flood, &key);
	if (!group)
		return xdp_drop(f, XVS_DROP_NO_BRIDGE);
	ret = bpf_redirect_map(group, 0, BPF_F_BROADCAST | BPF_F_EXCLUDE_INGRESS);
	if (ret != XDP_REDIRECT)
		return xdp_drop(f, XVS_DROP_FLOOD_FAIL);
	stats_event(XVS_EV_FLOOD);
	return XDP_REDIRECT;
}

/* Encapsulate for tunnel `t`: room for the outer headers in front. */
static __always_inline int xdp_encap(struct xdp_md *ctx, const struct xvs_tunnel *t)
{
	trace_rec(XVS_TR_ENCAP, 0, t->vport, t->flags & XVS_TUN_F_KEY ? t->key : 0,
		  t->uplink);
	__u32 hlen = XVS_TUN_OVERHEAD(t->flags & XVS_TUN_F_KEY);
	__u8 tos = t->tos;
	__u32 l3len;
	int ret;

	if (t->flags & XVS_TUN_F_TOS_INHERIT)
		tos = tun_inner_tos(ctx_data(ctx), ctx_data_end(ctx));
	if (bpf_xdp_adjust_head(ctx, -(int)hlen))
		return -XVS_DROP_TUN_ENCAP_FAIL;
	l3len = bpf_xdp_get_buff_len(ctx) - XVS_ETH_HLEN;
	ret = tun_outer(ctx_data(ctx), ctx_data_end(ctx), t, l3len, tos);
	if (ret)
		return ret;
	/* xvsd keeps the uplink's MTU in the tunnel; a helper call to ask
	 * the device costs more than the rest of the check.
	 */
	if (l3len > t->mtu)
		return -XVS_DROP_TUN_MTU;
	return 0;
}

/* Out of a tunnel port: encapsulated, to its uplink.  An uplink that
 * takes skbs only gets it from TC (the mark path, xvs_tc.bpf.c).  A flow
 * rule's output (`key`: its set_tunnel key, or NULL) is not filtered by
 * the port's VLANs, and has made sure of an XDP uplink.
 */
static __always_inline int xdp_to_tunnel(struct xdp_md *ctx, struct xvs_frame *f,
					 const __be32 *key)
{
	const struct xvs_tunnel *t;
	const struct xvs_port *p;
	struct xvs_tunnel tk;
	int ret;

	t = bpf_map_lookup_elem(&xvs_tunnels, &f->out_ifindex);
	p = bpf_map_lookup_elem(&xvs_ports, &f->out_ifindex);
	if (!t || !p)
		return xdp_drop(f, XVS_DROP_NO_EGRESS);
	if (!(t->flags & XVS_TUN_F_RESOLVED)) {
		stats_tx_drop(p->port_no);
		return xdp_drop(f, XVS_DROP_TUN_UNRESOLVED);
	}
	if (!(t->flags & XVS_TUN_F_UPLINK_XDP)) {
		trace_rec(XVS_TR_PASS, 0, 0, 0, 0);
		return XDP_PASS;
	}
	if (f->rule) {
		ret = vlan_out(ctx, f, p);
	} else {
		ret = vlan_to_port(ctx, f, p);
		if (ret > 0)
			ret = -XVS_DROP_VLAN_DENIED;
	}
	if (key) {
		__builtin_memcpy(&tk, t, sizeof(tk));
		tk.key = *key;
		tk.flags |= XVS_TUN_F_KEY;
		t = &tk;
	}
	trace_rec(XVS_TR_OUTPUT, 1, f->out_ifindex, f->vlan, 0);
	if (!ret)
		ret = xdp_encap(ctx, t);
	if (ret) {
		stats_tx_drop(p->port_no);
		return xdp_drop(f, -ret);
	}
	stats_tx(p->port_no, f->len);
	stats_event(XVS_EV_ENCAP);
	stats_event(XVS_EV_FORWARD);
	return bpf_redirect_map(&xvs_tx, t->uplink, XDP_DROP);
}

/* Act on the learning switch's verdict. */
static __always_inline int xdp_verdict(struct xdp_md *ctx, struct xvs_frame *f)
{
	long ret;

	switch (f->verdict) {
	case XVS_V_FORWARD:
		if (f->out_ifindex >= XVS_VPORT_BASE)
			return xdp_to_tunnel(ctx, f, NULL);
		/* A port missing from xvs_tx takes skbs only: TC sends it
		 * (a decapsulated frame was passed on whole, had it any).
		 */
		ret = bpf_redirect_map(&xvs_tx, f->out_ifindex,
				       f->port_flags & XVS_PORT_F_TUNNEL ?
				       XDP_DROP : XDP_PASS);
		if (ret == XDP_REDIRECT) {
			trace_rec(XVS_TR_OUTPUT, 0, f->out_ifindex, f->vlan, 0);
			stats_event(XVS_EV_FORWARD);
		} else {
			trace_rec(XVS_TR_PASS, 0, 0, 0, 0);
		}
		return ret;
	case XVS_V_FLOOD:
		return xdp_flood(ctx, f);
	case XVS_V_PASS:
		return XDP_PASS;
	default:
		if (f->port_flags & XVS_PORT_F_TUNNEL)
			return xdp_drop(f, XVS_DROP_NO_EGRESS);
		/* HOST, HOST_OF: the TC hook takes it from here. */
		trace_rec(XVS_TR_PASS, 0, 0, 0, 0);
		return XDP_PASS;
	}
}

/* Can XDP carry out the rule's actions?  When it cannot - several
 * outputs, a copy to userspace, an output to a port (or a tunnel's
 * uplink) that takes skbs only - the frame goes to TC untouched, which
 * runs the pipeline again and finds the same rule.  So must a frame
 * whose VLAN the actions change before `normal` or `flood`: those may
 * still end at TC, which reads the VLAN from the tag.  And a frame for
 * a port that does not carry its VLAN (as it is at the output): the
 * port's devmap egress program would drop it, where a rule's output is
 * not filtered by VLAN.  Returns the one output's port (its entry in
 * *outp, NULL if there is none), 0 for no output, or -1.
 */
static __always_inline long xdp_plan(const struct xvs_flow_rule *r, __u32 vlan,
				     const struct xvs_port **outp)
{
	const struct xvs_flow_action *a;
	const struct xvs_tunnel *t;
	const struct xvs_port *p;
	__u32 i, out = 0, moved = 0;

	for (i = 0; i < XVS_FLOW_MAX_ACTIONS; i++) {
		a = &r->actions[i];
		switch (a->type) {
		case XVS_FA_OUTPUT:
			if (out)
				return -1;
			out = a->arg;
			break;
		case XVS_FA_USERSPACE:
			return -1;
		case XVS_FA_PUSH_VLAN:
		case XVS_FA_MOD_VLAN:
			if (!out)
				vlan = a->vid & XVS_VID_MASK;
			moved = 1;
			break;
		case XVS_FA_POP_VLAN:
			if (!out)
				vlan = 0;
			moved = 1;
			break;
		case XVS_FA_NORMAL:
		case XVS_FA_FLOOD:
			return moved || out ? -1 : 0;
		case XVS_FA_SET_TUNNEL:
			break;
		default:
			i = XVS_FLOW_MAX_ACTIONS;
		}
	}
	if (!out)
		return 0;
	p = bpf_map_lookup_elem(&xvs_ports, &out);
	*outp = p;
	if (!p)
		return 0;	/* dropped as no_egress */
	if (!(p->flags & XVS_PORT_F_TUNNEL))
		return p->flags & XVS_PORT_F_XDP && vlan_carries(&p->vlan, vlan) ?
		       out : -1;
	t = bpf_map_lookup_elem(&xvs_tunnels, &out);
	return !t || (t->flags & XVS_TUN_F_UPLINK_XDP) ? out : -1;
}

/* A rule's output: the frame as it is, tagged as the port sends its
 * VLAN - by the port's devmap egress program, which is handed the frame
 * in the switch's form (xdp_plan() made sure the port carries the VLAN).
 * Output to the ingress port is skipped, as OVS does: no output, so a
 * flow_drop.
 */
static __always_inline int xdp_output(struct xdp_md *ctx, struct xvs_frame *f,
				      __u32 ifindex, const struct xvs_port *p,
				      const __be32 *key)
{
	int ret;

	if (!p || (p->flags & XVS_PORT_F_UNDERLAY))
		return xdp_drop(f, XVS_DROP_NO_EGRESS);
	if (ifindex == f->ifindex)
		return xdp_drop(f, XVS_DROP_FLOW_DROP);
	f->out_ifindex = ifindex;
	if (p->flags & XVS_PORT_F_TUNNEL)
		return xdp_to_tunnel(ctx, f, key);
	ret = ctx_vlan_set(ctx, f->vlan != 0, f->tci);
	if (ret)
		return xdp_drop(f, -ret);
	trace_rec(XVS_TR_OUTPUT, vlan_egress_tagged(&p->vlan, f->vlan), ifindex,
		  f->vlan, 0);
	ret = bpf_redirect_map(&xvs_tx, ifindex, XDP_DROP);
	if (ret == XDP_REDIRECT)
		stats_event(XVS_EV_FORWARD);
	return ret;
}

/* Carry out a flow rule's actions, or leave them to TC (xdp_plan()).
 * The loop changes the frame's VLAN and key; what ends the list (the
 * output, normal, flood, drop) is done once, after it.
 */
static __always_inline int xdp_actions(struct xdp_md *ctx, struct xvs_frame *f)
{
	const struct xvs_port *p = NULL;
	const struct xvs_flow_rule *r = f->rule;
	__u32 i, type, end = XVS_FA_DROP, out = 0;
	const struct xvs_flow_action *a;
	struct ethhdr *eth;
	__be32 key = 0;
	int has_key = 0;
	int ret;

	if (!r)
		return xdp_drop(f, XVS_DROP_FLOW_STALE);
	if (xdp_plan(r, f->vlan, &p) < 0) {
		trace_rec(XVS_TR_PASS, 0, 0, 0, 0);
		return XDP_PASS;
	}
	for (i = 0; i < XVS_FLOW_MAX_ACTIONS; i++) {
		a = &r->actions[i];
		type = a->type;
		if (type == XVS_FA_NONE)
			break;
		trace_rec(XVS_TR_ACTION, type, a->arg, a->vid, 0);
		if (type == XVS_FA_SET_TUNNEL) {
			key = a->arg;
			has_key = 1;
			continue;
		}
		if (type != XVS_FA_PUSH_VLAN && type != XVS_FA_POP_VLAN &&
		    type != XVS_FA_MOD_VLAN) {
			end = type;
			out = a->arg;
			break;
		}
		ret = flow_vlan_action(f, a);
		if (ret)
			return xdp_drop(f, -ret);
	}

	switch (end) {
	case XVS_FA_OUTPUT:
		return xdp_output(ctx, f, out, p, has_key ? &key : NULL);
	case XVS_FA_NORMAL:
		eth = ctx_data(ctx);
		if ((void *)(eth + 1) > ctx_data_end(ctx))
			return xdp_drop(f, XVS_DROP_TRUNCATED);
		f->rule = NULL;
		ret = pipe_classify(f, eth->h_dest);
		if (ret)
			return xdp_drop(f, -ret);
		return xdp_verdict(ctx, f);
	case XVS_FA_FLOOD:
		return xdp_flood(ctx, f);
	}
	return xdp_drop(f, XVS_DROP_FLOW_DROP);
}

SEC("xdp.frags")
int xvs_xdp_rx(struct xdp_md *ctx)
{
	struct xvs_frame f = {};
	long ret;

	trace_start();
	ret = xvs_pipeline(ctx, &f, PIPE_RX);
	if (ret < 0)
		return xdp_drop(&f, -ret);
	if (f.verdict == XVS_V_ACTIONS)
		return xdp_actions(ctx, &f);
	return xdp_verdict(ctx, &f);
}

SEC("xdp.frags/devmap")
int xvs_xdp_tx(struct xdp_md *ctx)
{
	__u32 ifindex = ctx->egress_ifindex;
	struct xvs_frame f = {};
	struct xvs_port *p;
	struct xvs_tag t;
	int ret;

	p = bpf_map_lookup_elem(&xvs_ports, &ifindex);
	if (!p)
		return XDP_DROP;	/* left the switch meanwhile */
	if (p->flags & XVS_PORT_F_UNDERLAY) {
		/* An encapsulated frame: no VLAN of the switch's. */
		stats_tx(p->port_no, bpf_xdp_get_buff_len(ctx));
		return XDP_PASS;
	}
	if (ctx_vlan_get(ctx, &t))
		return XDP_DROP;
	f.tci = t.present ? t.tci : 0;
	f.vlan = f.tci & XVS_VID_MASK;
	ret = vlan_to_port(ctx, &f, p);
	if (ret > 0)
		return XDP_DROP;	/* a flood copy for another VLAN */
	if (ret < 0) {
		stats_tx_drop(p->port_no);
		return XDP_DROP;
	}
	stats_tx(p->port_no, bpf_xdp_get_buff_len(ctx));
	return XDP_PASS;
}
