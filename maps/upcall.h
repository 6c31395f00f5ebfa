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
};

struct xvs_upcall {
	__u32 type;			/* enum xvs_upcall_type */
	__u32 ifindex;			/* port the frame came in on */
	__u32 bridge;			/* bridge id */
	__u16 vlan;			/* VLAN id, host order */
	__u8  mac[XVS_ETH_ALEN];	/* source MAC of the frame */
	__u64 ts_ns;			/* CLOCK_MONOTONIC ns */
};

/* Value of xvs_learn_tb (per-CPU array of one): the learn token bucket. */
struct xvs_token_bucket {
	__u64 last_ns;			/* last refill, CLOCK_MONOTONIC ns */
	__u64 tokens;			/* upcalls still allowed */
};

#endif /* XVS_MAPS_UPCALL_H */
