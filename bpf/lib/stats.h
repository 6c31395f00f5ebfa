/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/stats.h - counting on the fast path: per-port rx/tx/drop, drops
 * by reason, events.  All per-CPU, plain increments.  The trace build
 * counts nothing; it records the drops.
 */
#ifndef XVS_BPF_STATS_H
#define XVS_BPF_STATS_H

#include "maps.h"
#include "trace.h"

static __always_inline struct xvs_port_stats *stats_port(__u32 port_no)
{
	return bpf_map_lookup_elem(&xvs_pstats, &port_no);
}

static __always_inline void stats_event(__u32 ev)
{
	__u64 *c;

	if (XVS_TRACING)
		return;
	c = bpf_map_lookup_elem(&xvs_events, &ev);
	if (c)
		*c += 1;
}

static __always_inline void stats_rx(__u32 port_no, __u32 len)
{
	struct xvs_port_stats *s;

	if (XVS_TRACING)
		return;
	s = stats_port(port_no);
	if (s) {
		s->rx_packets++;
		s->rx_bytes += len;
	}
}

static __always_inline void stats_tx(__u32 port_no, __u32 len)
{
	struct xvs_port_stats *s;

	if (XVS_TRACING)
		return;
	s = stats_port(port_no);
	if (s) {
		s->tx_packets++;
		s->tx_bytes += len;
	}
}

/* A frame for a port that could not be handed to it. */
static __always_inline void stats_tx_drop(__u32 port_no)
{
	struct xvs_port_stats *s;

	if (XVS_TRACING)
		return;
	s = stats_port(port_no);
	if (s)
		s->tx_dropped++;
}

/* Count a dropped frame: by reason, and on the ingress port if known. */
static __always_inline void stats_drop(__u32 port_no, __u32 reason)
{
	struct xvs_port_stats *s;
	__u64 *c;

	if (reason >= XVS_DROP_MAX)
		reason = XVS_DROP_NONE;
	trace_rec(XVS_TR_DROP, 0, reason, port_no, 0);
	if (XVS_TRACING)
		return;
	c = bpf_map_lookup_elem(&xvs_drops, &reason);
	if (c)
		*c += 1;
	if (port_no) {
		s = stats_port(port_no);
		if (s)
			s->rx_dropped++;
	}
}

#endif /* XVS_BPF_STATS_H */
