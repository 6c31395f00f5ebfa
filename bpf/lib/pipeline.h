/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/pipeline.h - the packet pipeline, written once for every hook.
 *
 *   port -> parse -> learn -> classify  => verdict
 *
 * Each stage returns 0 to continue or a negative enum xvs_drop_reason.
 * The verdict says what to do; how to do it (redirect a frame, clone an
 * skb, pass up the stack) is the entry file's business, because XDP and TC
 * differ exactly there.  A frame runs the pipeline twice only when XDP
 * passes it up to TC (see xvs_tc.bpf.c); the second run neither counts rx
 * nor learns (`first` is 0).
 */
#ifndef XVS_BPF_PIPELINE_H
#define XVS_BPF_PIPELINE_H

#include "maps.h"
#include "parse.h"
#include "stats.h"
#include "fdb.h"

enum xvs_verdict {
	XVS_V_FORWARD = 1,	/* to one port: out_ifindex */
	XVS_V_FLOOD,		/* to every other port of the flood group */
	XVS_V_HOST,		/* up the ingress interface's host stack */
	XVS_V_HOST_OF,		/* up the host stack of port out_ifindex */
};

/* What the pipeline knows about one frame. */
struct xvs_frame {
	__u32 ifindex;			/* ingress interface */
	__u32 len;			/* frame length, all fragments */
	__u32 bridge;			/* bridge of the ingress port */
	__u32 out_ifindex;		/* FORWARD and HOST_OF target */
	__u16 vlan;			/* VLAN the frame belongs to */
	__u16 port_no;			/* ingress port number */
	__u16 port_flags;		/* enum xvs_port_flags */
	__u8  verdict;			/* enum xvs_verdict */
	__u8  pad;
	__u8  port_mac[XVS_ETH_ALEN];	/* ingress interface's MAC */
};

static __always_inline int pipe_port(struct xvs_frame *f)
{
	struct xvs_port *p = bpf_map_lookup_elem(&xvs_ports, &f->ifindex);

	if (!p)
		return -XVS_DROP_NO_PORT;
	f->bridge = p->bridge;
	f->port_no = p->port_no;
	f->port_flags = p->flags;
	mac_copy(f->port_mac, p->mac);
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
	f->verdict = XVS_V_FORWARD;
	return 0;
}

/* Run the pipeline to a verdict.  `first` is set at the first hook the
 * frame meets: only there is it counted as received and learned from.
 * -1 means "the port's receive hook": XDP at XDP ports, TC at the others.
 */
static __always_inline int xvs_pipeline(xvs_ctx_t *ctx, struct xvs_frame *f,
					int first)
{
	struct ethhdr *eth;
	int ret;

	f->ifindex = ctx_ifindex(ctx);
	f->len = ctx_len(ctx);
	ret = pipe_port(f);
	if (ret)
		return ret;
	if (first < 0)
		first = XVS_CTX_IS_XDP == !!(f->port_flags & XVS_PORT_F_XDP);
	if (first)
		stats_rx(f->port_no, f->len);
	ret = parse_eth(ctx, &eth);
	if (ret)
		return ret;
	if (first)
		fdb_learn(f->bridge, f->vlan, eth->h_source, f->ifindex);
	return pipe_classify(f, eth->h_dest);
}

#endif /* XVS_BPF_PIPELINE_H */
