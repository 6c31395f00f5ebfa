/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/pipeline.h - the packet pipeline, written once for every hook.
 *
 *   port -> parse -> VLAN -> learn -> [flow table] -> classify -> tag
 *                                                      => verdict
 *
 * Each stage returns 0 to continue or a negative enum xvs_drop_reason.
 * The verdict says what to do; how to do it (redirect a frame, clone an
 * skb, pass up the stack) is the entry file's business, because XDP and TC
 * differ exactly there.  At the end the frame is in its form inside the
 * switch (tagged iff its VLAN is not 0, maps/vlan.h); each output makes it
 * what its port wants (vlan_to_port()).
 *
 * A frame runs the pipeline twice only when XDP passes it up to TC (see
 * xvs_tc.bpf.c): the second run (PIPE_AGAIN) neither counts nor learns,
 * and takes the VLAN from the tag the first run left.
 */
#ifndef XVS_BPF_PIPELINE_H
#define XVS_BPF_PIPELINE_H

#include "maps.h"
#include "parse.h"
#include "stats.h"
#include "fdb.h"
#include "vlan.h"
#include "tunnel.h"
#include "frame.h"
#include "flow.h"

enum xvs_pipe_mode {
	PIPE_AGAIN = 0,		/* passed up from XDP: already classified */
	PIPE_RX = 1,		/* received: count, learn, classify */
	PIPE_HOST_TX = 2,	/* the host sends out of a port: classify */
	PIPE_AUTO = -1,		/* PIPE_RX at the port's receive hook, else AGAIN */
};

static __always_inline void pipe_port_is(struct xvs_frame *f,
					 const struct xvs_port *p)
{
	f->port = p;
	f->bridge = p->bridge;
	f->port_no = p->port_no;
	f->port_flags = p->flags;
	mac_copy(f->port_mac, p->mac);
}

static __always_inline int pipe_port(struct xvs_frame *f)
{
	struct xvs_port *p = bpf_map_lookup_elem(&xvs_ports, &f->ifindex);

	if (!p)
		return -XVS_DROP_NO_PORT;
	pipe_port_is(f, p);
	trace_rec(XVS_TR_PORT, 0, f->ifindex, f->port_no, f->bridge);
	return 0;
}

static __always_inline int pipe_classify(struct xvs_frame *f, const __u8 *dst)
{
	struct xvs_fdb_entry *e;

	if (mac_is_mcast(dst)) {
		f->verdict = mac_is_link_local(dst) ? XVS_V_HOST : XVS_V_FLOOD;
		return 0;
	}
	if (mac_eq(dst, f->port_mac)) {
		f->verdict = XVS_V_HOST;
		return 0;
	}
	e = fdb_lookup(f->bridge, f->vlan, dst);
	trace_rec(XVS_TR_FDB, !!e, e ? e->ifindex : 0, f->vlan,
		  e ? !!(e->flags & XVS_FDB_F_LOCAL) : 0);
	if (!e) {
		f->verdict = XVS_V_FLOOD;	/* unknown unicast */
		return 0;
	}
	f->out_ifindex = e->ifindex;
	if (e->flags & XVS_FDB_F_LOCAL) {
		f->verdict = e->ifindex == f->ifindex ? XVS_V_HOST : XVS_V_HOST_OF;
		return 0;
	}
	if (e->ifindex == f->ifindex)
		return -XVS_DROP_HAIRPIN;
	/* Split horizon: what came out of a tunnel never goes into one. */
	if ((f->port_flags & XVS_PORT_F_TUNNEL) && e->ifindex >= XVS_VPORT_BASE)
		return -XVS_DROP_TUN_SPLIT;
	f->verdict = XVS_V_FORWARD;
	return 0;
}

/* A frame received on an underlay (`f` holds its port): pass it on when
 * it is not the switch's; strip a tunnel's packet and make `f` the
 * tunnel port's frame.  At XDP a packet whose bridge has ports XDP
 * cannot reach (skb-only, host) or flow rules (whose actions may need
 * TC), or which is multi-buffer (no broadcast redirect for those), is
 * passed on whole: TC takes it from the start, counting and learning
 * included.  Returns 0 or a drop reason.
 */
static __always_inline int pipe_underlay(xvs_ctx_t *ctx, struct xvs_frame *f,
					 int mode)
{
	struct xvs_flood_key fk = {};
	struct xvs_members *m;
	struct xvs_port *p;
	struct tun_rx r;
	int ret;

	f->verdict = XVS_V_PASS;
	if (mode == PIPE_HOST_TX || ctx_hw_tagged(ctx))
		return 0;		/* the host's own; or on a VLAN */
	if (ctx_pull(ctx, XVS_TUN_PARSE_LEN) < 0)
		return 0;
	ret = tun_parse(ctx_data(ctx), ctx_data_end(ctx), f->len,
			ctx_is_gso(ctx), &r);
	if (ret > 0) {
		trace_rec(XVS_TR_UNDERLAY, 0, 0, 0, 0);
		if (!XVS_CTX_IS_XDP)
			stats_event(XVS_EV_UNDERLAY_PASS);
		return 0;
	}
	if (ret < 0)
		return ret;
	p = bpf_map_lookup_elem(&xvs_ports, &r.vport);
	if (!p)
		return -XVS_DROP_TUN_UNKNOWN;
	if (XVS_CTX_IS_XDP) {
		fk.bridge = p->bridge;
		m = bpf_map_lookup_elem(&xvs_members, &fk);
		if (!m || m->skb_count != m->tun_count || m->host_count ||
		    (p->flags & XVS_PORT_F_FLOWS) ||
		    ctx_len(ctx) > ctx_linear_len(ctx)) {
			trace_rec(XVS_TR_PASS, 0, 0, 0, 0);
			return 0;
		}
	}
	stats_rx(f->port_no, f->len);
	ret = ctx_tun_decap(ctx, r.hlen);
	if (ret)
		return ret;
	stats_event(XVS_EV_DECAP);
	trace_rec(XVS_TR_DECAP, 0, r.vport, r.key, 0);
	f->verdict = 0;
	f->ifindex = r.vport;
	f->len = ctx_len(ctx);
	f->tun_id = r.key;
	pipe_port_is(f, p);
	return 0;
}

/* Which VLAN: classified at the port (PIPE_RX, PIPE_HOST_TX), or read
 * from the tag an earlier run left (PIPE_AGAIN).
 */
static __always_inline int pipe_vlan(xvs_ctx_t *ctx, struct xvs_frame *f,
				     int mode)
{
	struct xvs_tag t;
	int ret;

	ret = ctx_vlan_get(ctx, &t);
	if (ret)
		return ret;
	if (mode != PIPE_AGAIN) {
		ret = vlan_ingress(&f->port->vlan, &t, &f->vlan, &f->tci);
	} else {
		f->tci = t.present ? t.tci : 0;
		f->vlan = f->tci & XVS_VID_MASK;
	}
	if (!ret)
		trace_rec(XVS_TR_VLAN, f->vlan, f->tci, 0, 0);
	return ret;
}

/* The flow table (flow.h): f->rule is the rule the frame matched, or
 * NULL for `normal`.  Only the frame's first run counts it on the rule.
 */
static __always_inline int pipe_flow(xvs_ctx_t *ctx, struct xvs_frame *f,
				     int mode)
{
	struct xvs_flow_rule *r;
	__u32 slot;
	int ret;

	ret = xvs_flow_select(ctx, f->bridge, f->ifindex, f->vlan, f->tun_id);
	if (ret < 0)
		return ret;
	if (ret == XVS_FLOW_SELECT_NORMAL) {
		trace_rec(XVS_TR_NO_RULE, 0, 0, 0, 0);
		return 0;
	}
	slot = ret;
	r = bpf_map_lookup_elem(&xvs_rules, &slot);
	if (!r || !(r->flags & XVS_FLOW_F_USED))
		return -XVS_DROP_FLOW_STALE;
	trace_rec(XVS_TR_RULE, 0, slot, r->id, r->priority);
	if (mode != PIPE_AGAIN)
		flow_count(slot, f->len);
	f->rule = r;
	f->slot = slot;
	return 0;
}

/* A VLAN action of a rule, on the frame's VLAN (f->vlan, f->tci); the
 * bytes change when the frame goes out.  0 or a drop reason.
 */
static __always_inline int flow_vlan_action(struct xvs_frame *f,
					    const struct xvs_flow_action *a)
{
	switch (a->type) {
	case XVS_FA_PUSH_VLAN:
		if (f->vlan)
			return -XVS_DROP_VLAN_QINQ;
		/* fall through */
	case XVS_FA_MOD_VLAN:
		f->vlan = a->vid & XVS_VID_MASK;
		f->tci = (f->tci & ~XVS_VID_MASK) | f->vlan;
		return 0;
	default:		/* XVS_FA_POP_VLAN */
		f->vlan = 0;
		f->tci = 0;
		return 0;
	}
}

/* Run the pipeline to a verdict.  `mode` is an enum xvs_pipe_mode: only a
 * frame's first run counts it as received and learns from it.
 */
static __always_inline int xvs_pipeline(xvs_ctx_t *ctx, struct xvs_frame *f,
					int mode)
{
	struct ethhdr *eth;
	int ret;

	f->ifindex = ctx_ifindex(ctx);
	f->len = ctx_len(ctx);
	ret = pipe_port(f);
	if (ret)
		return ret;
	if (f->port_flags & XVS_PORT_F_UNDERLAY) {
		ret = pipe_underlay(ctx, f, mode);
		if (ret || f->verdict == XVS_V_PASS)
			return ret;
		mode = PIPE_RX;	/* a tunnel port's frame, first seen here */
	}
	if (mode == PIPE_AUTO)
		mode = XVS_CTX_IS_XDP == !!(f->port_flags & XVS_PORT_F_XDP) ?
		       PIPE_RX : PIPE_AGAIN;
	if (mode == PIPE_RX)
		stats_rx(f->port_no, f->len);
	ret = parse_eth(ctx, &eth);
	if (ret)
		return ret;
	ret = pipe_vlan(ctx, f, mode);
	if (ret)
		return ret;
	/* ctx_vlan_get() may have pulled the skb: read the header anew. */
	eth = ctx_data(ctx);
	if ((void *)(eth + 1) > ctx_data_end(ctx))
		return -XVS_DROP_TRUNCATED;
	if (mode == PIPE_RX)
		fdb_learn(f->bridge, f->vlan, eth->h_source, f->ifindex);
	if (f->port_flags & XVS_PORT_F_FLOWS) {
		ret = pipe_flow(ctx, f, mode);
		if (ret)
			return ret;
		eth = ctx_data(ctx);	/* the key may have pulled the skb */
		if ((void *)(eth + 1) > ctx_data_end(ctx))
			return -XVS_DROP_TRUNCATED;
	}
	if (f->rule)
		f->verdict = XVS_V_ACTIONS;
	else
		ret = pipe_classify(f, eth->h_dest);
	if (ret)
		return ret;
	/* No host stack behind a tunnel: link-local frames end here. */
	if (f->verdict == XVS_V_HOST && (f->port_flags & XVS_PORT_F_TUNNEL))
		return -XVS_DROP_NO_EGRESS;
	if (mode == PIPE_AGAIN)
		return 0;
	/* Into the switch's form: tagged iff the VLAN is not 0. */
	return ctx_vlan_set(ctx, f->vlan != 0, f->tci);
}

/* Tag the frame, or not, as port `p` sends the frame's VLAN: 0 or a
 * negative drop reason.
 */
static __always_inline int vlan_out(xvs_ctx_t *ctx, const struct xvs_frame *f,
				    const struct xvs_port *p)
{
	return ctx_vlan_set(ctx, vlan_egress_tagged(&p->vlan, f->vlan), f->tci);
}

/* Make the frame what port `p` wants for its VLAN; 1 if p does not carry
 * the VLAN (the frame is not for p), 0 done, or a negative drop reason.
 */
static __always_inline int vlan_to_port(xvs_ctx_t *ctx, const struct xvs_frame *f,
					const struct xvs_port *p)
{
	if (!vlan_carries(&p->vlan, f->vlan))
		return 1;
	return vlan_out(ctx, f, p);
}

#endif /* XVS_BPF_PIPELINE_H */
