/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/trace.h - what `xvsctl trace` reads back from the fast path.
 *
 * The trace programs are the datapath's own entry files built with
 * XVS_TRACE defined (bpf/lib/trace.h): the same pipeline, with every side
 * effect on the switch - counters, learning, cache inserts, upcalls,
 * transmissions - replaced by a record of the decision.  xvsd loads them
 * over the live maps and pins them; xvsctl runs a frame through them with
 * BPF_PROG_TEST_RUN (one CPU, so one per-CPU slot) and reads xvs_trace.
 * Each run starts the record list anew.
 */
#ifndef XVS_MAPS_TRACE_H
#define XVS_MAPS_TRACE_H

#include "common.h"

#define XVS_TRACE_MAX		64

/* What each record says; a16, a, b and c per type. */
enum xvs_trace_type {
	XVS_TR_NONE = 0,
	XVS_TR_PORT,		/* received: a ifindex, b port_no, c bridge */
	XVS_TR_UNDERLAY,	/* on an underlay: a16 1 ours (decap), 0 not */
	XVS_TR_DECAP,		/* a vport: now the tunnel port's frame;
				 * b GRE key (network order) */
	XVS_TR_VLAN,		/* a16 VLAN, a TCI inside the switch */
	XVS_TR_LEARN,		/* a16 1 would ask xvsd to learn, 0 known;
				 * a ifindex it is known behind (0: none) */
	XVS_TR_CACHE,		/* a16 enum xvs_trace_cache; a gen now;
				 * b cached slot (hit) */
	XVS_TR_MASK,		/* one mask searched: a mask id, a16 1 hit;
				 * b slot, c priority (hit) */
	XVS_TR_RULE,		/* a slot, b rule id, c priority */
	XVS_TR_NO_RULE,		/* no rule matched: `normal` */
	XVS_TR_ACTION,		/* a16 enum xvs_flow_action_type, a arg,
				 * b vid */
	XVS_TR_FDB,		/* MAC lookup: a16 1 hit; a ifindex, b VLAN;
				 * c 1 when the entry is local (host) */
	XVS_TR_OUTPUT,		/* a ifindex (or vport), a16 1 tagged,
				 * b VLAN */
	XVS_TR_FLOOD,		/* a VLAN: the outputs follow */
	XVS_TR_HOST,		/* up the host stack of a (ifindex) */
	XVS_TR_ENCAP,		/* a vport, b GRE key, c uplink ifindex */
	XVS_TR_UPCALL,		/* a copy to xvsd: a rule id */
	XVS_TR_PASS,		/* XDP leaves the frame to TC */
	XVS_TR_DROP,		/* a enum xvs_drop_reason */
	XVS_TR_MAX,
};

enum xvs_trace_cache {
	XVS_TR_CACHE_MISS = 0,
	XVS_TR_CACHE_HIT,
	XVS_TR_CACHE_STALE,	/* an entry of an older generation */
};

struct xvs_trace_rec {
	__u16 type;		/* enum xvs_trace_type */
	__u16 a16;
	__u32 a;
	__u32 b;
	__u32 c;
};

/* Value of xvs_trace (per-CPU array of one). */
struct xvs_trace {
	__u32 n;		/* records written (at most XVS_TRACE_MAX) */
	__u32 lost;		/* records that did not fit */
	struct xvs_trace_rec rec[XVS_TRACE_MAX];
};

#endif /* XVS_MAPS_TRACE_H */
