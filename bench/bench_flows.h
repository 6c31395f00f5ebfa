/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bench/bench_flows.h - the rule sets of bench_dp's flow scenarios.
 *
 * A set is n rules over m distinct masks (maps/flow.h), written as text
 * and parsed by loader/flow_parse.c, and installed by loader/flow.c: the
 * maps hold exactly what xvsd would write for `xvsctl flow add -f`.  One
 * rule of every set takes the test frames (IPv4 UDP to FLOWS_DST):
 * `udp,nw_dst=FLOWS_DST actions=normal` at priority 1, below every other
 * rule, so a new flow's search visits all m masks before it settles on
 * it.  The others drop what the test frames never are: other addresses,
 * ports, MACs, VLANs, in m - 1 more families of masks (and more of the
 * test rule's own).
 *
 * The table holds one set at a time: a set of 10,000 rules leaves no room
 * for another (XVS_FLOW_MAX_RULES), so bench_dp swaps sets between its
 * scenarios, outside the timed runs.
 */
#ifndef XVS_BENCH_FLOWS_H
#define XVS_BENCH_FLOWS_H

#include <linux/types.h>
#include "loader/flow.h"
#include "loader/flow_parse.h"

#define FLOWS_SRC	0x0a000001	/* 10.0.0.1: the test frames' source */
#define FLOWS_DST	0x0a000002	/* 10.0.0.2: and destination */
/* New flows' sources count up from here (bench_sink's sink_saddr):
 * addresses no dropping rule matches.
 */
#define FLOWS_NEW_SRC	0xac100000	/* 172.16.0.0 */
#define FLOWS_SET_MAX_MASKS 16

struct flow_set {
	int n_rules, n_masks;
	struct xvs_flow_rule *rules;	/* flow_set_make()'s */
};

/* Parse the n rules of a set over m masks (1 <= m <= FLOWS_SET_MAX_MASKS,
 * m <= n); `port` names in_port's port p1.  0 or -errno, the rule that
 * failed said.
 */
int flow_set_make(struct flow_set *s, int n, int m, flow_port_fn port, void *arg);
void flow_set_free(struct flow_set *s);
/* Make set s (NULL: none) bridge's rules in place of what it had. */
int flow_set_install(struct flow_table *t, __u32 bridge, const struct flow_set *s);

/* The flow scenarios as a Markdown table in `path`: for each of the n
 * sets, its steady state (hit) and its new flows (new), each net of the
 * baseline (plain) and as a rate, and the rate of new flows over the
 * steady state's against the target (0.5).  0 or -errno.
 */
struct bench_series;
int flows_report_md(const char *path, const char *title,
		    const struct bench_series *plain, const struct flow_set *const *sets,
		    const struct bench_series *const *hit,
		    const struct bench_series *const *new_, int n);

#endif /* XVS_BENCH_FLOWS_H */
