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
		p = tc_prepare(skb, f, ifindex);
		if (!p)
			continue;
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
	stats_tx(p->port_no, f->len);
	if (to_host)
		return tc_to_host(skb, f->out_ifindex, 0);
	return bpf_redirect(f->out_ifindex, 0);
}

/* The frame goes on, up this port's stack or out of it: in its form. */
static __always_inline int tc_own(struct __sk_buff *skb, struct xvs_frame *f)
{
	return vlan_to_port(skb, f, f->port) ? TC_ACT_SHOT : TC_ACT_OK;
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
	if (iif && bpf_map_lookup_elem(&xvs_ports, &iif))
		return TC_ACT_OK;
	ret = xvs_pipeline(skb, &f, PIPE_HOST_TX);
	if (ret < 0)
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
