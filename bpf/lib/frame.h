/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/frame.h - what the pipeline knows about a frame, and the
 * verdicts it reaches (pipeline.h).
 */
#ifndef XVS_BPF_FRAME_H
#define XVS_BPF_FRAME_H

#include "maps.h"

enum xvs_verdict {
	XVS_V_FORWARD = 1,	/* to one port: out_ifindex */
	XVS_V_FLOOD,		/* to every other port of the flood group */
	XVS_V_HOST,		/* up the ingress interface's host stack */
	XVS_V_HOST_OF,		/* up the host stack of port out_ifindex */
	XVS_V_PASS,		/* not the switch's: on as it is (underlay) */
	XVS_V_ACTIONS,		/* a flow rule's: its actions (rule) */
};

/* What the pipeline knows about one frame. */
struct xvs_frame {
	__u32 ifindex;			/* ingress interface */
	__u32 len;			/* frame length, all fragments */
	__u32 bridge;			/* bridge of the ingress port */
	__u32 out_ifindex;		/* FORWARD and HOST_OF target */
	const struct xvs_port *port;	/* ingress port */
	const struct xvs_flow_rule *rule; /* XVS_V_ACTIONS: the rule */
	__u32 slot;			/* ... and its slot in xvs_rules */
	__be32 tun_id;			/* GRE key it came in with, or 0 */
	__u16 vlan;			/* VLAN the frame belongs to */
	__u16 tci;			/* its tag inside the switch (VID = vlan) */
	__u16 port_no;			/* ingress port number */
	__u16 port_flags;		/* enum xvs_port_flags */
	__u8  verdict;			/* enum xvs_verdict */
	__u8  pad;
	__u8  port_mac[XVS_ETH_ALEN];	/* ingress interface's MAC */
};

#endif /* XVS_BPF_FRAME_H */
