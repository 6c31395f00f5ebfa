/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/upcall.h - records the fast path sends to xvsd.
 *
 * Upcalls travel through one BPF ring buffer, xvs_upcall.  The fast path
 * never waits for one: the frame that caused it is forwarded at once, and
 * an upcall that finds the ring full is counted (XVS_EV_UPCALL_RINGFULL)
 * and lost.  LEARN upcalls are rate-limited per CPU (a token bucket in
 * xvs_learn_tb) and de-duplicated (xvs_learn_pend remembers what was sent
 * in the last second), so a MAC flood cannot fill the ring.
 */
#ifndef XVS_MAPS_UPCALL_H
#define XVS_MAPS_UPCALL_H

#include "common.h"

enum xvs_upcall_type {
	XVS_UPCALL_LEARN = 1,	/* source MAC unknown, or moved port */
	XVS_UPCALL_FLOW = 2,	/* a rule's `userspace` action: a copy of
				 * the frame (struct xvs_upcall_flow) */
};

struct xvs_upcall {
	__u32 type;			/* enum xvs_upcall_type */
	__u32 ifindex;			/* port the frame came in on */
	__u32 bridge;			/* bridge id */
	__u16 vlan;			/* VLAN id, host order */
	__u8  mac[XVS_ETH_ALEN];	/* source MAC of the frame */
	__u64 ts_ns;			/* CLOCK_MONOTONIC ns */
};

/* XVS_UPCALL_FLOW: the head of the frame as it was when the action ran,
 * without an 802.1Q tag: its VLAN is hdr.vlan.  Not rate-limited: a rule that sends
 * much to userspace fills the ring, and what does not fit is counted
 * (XVS_EV_UPCALL_RINGFULL) and lost; the frame's other actions go on.
 */
struct xvs_upcall_flow {
	struct xvs_upcall hdr;		/* type XVS_UPCALL_FLOW; mac: source */
	__u32 rule_id;			/* xvs_flow_rule.id */
	__u32 slot;			/* its slot in xvs_rules */
	__u32 len;			/* the frame's length */
	__u32 caplen;			/* bytes of it in data[] */
	__u8  data[128];		/* XVS_FLOW_SNAPLEN */
};

/* Value of xvs_learn_tb (per-CPU array of one): the learn token bucket. */
struct xvs_token_bucket {
	__u64 last_ns;			/* last refill, CLOCK_MONOTONIC ns */
	__u64 tokens;			/* upcalls still allowed */
};

#endif /* XVS_MAPS_UPCALL_H */
