/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/flow.h - the writer of the flow table (maps/flow.h).
 *
 * A table over map file descriptors, with no daemon behind it: xvsd owns
 * one, and a bench or a test can drive one on maps of its own.  It keeps
 * every rule in memory, by its slot in xvs_rules (where every rule is
 * written, so a new daemon can adopt them all), and puts in xvs_flows
 * only the winner of each group of rules with the same bridge, mask and
 * match: the highest priority, then the lowest id.  The others are
 * shadowed - they could never win - and each group's rules are chained
 * in that order, so when the winner goes the next one takes its place.
 *
 * Every change is written in the order the fast path's contract needs:
 * a rule's slot before anything points at it, the new xvs_cls (next
 * generation) after the xvs_flows entries it describes, a deleted rule's
 * slot freed only after nothing points at it any more, and
 * XVS_PORT_F_FLOWS set on the bridge's ports only while its xvs_cls
 * entry exists.  A call refused for a limit changes nothing: limits are
 * checked before the first write.  Should a map refuse a write half way,
 * the rules added by then are deleted again (one they replaced stays
 * gone).
 *
 * Single-threaded, like xvsd; the fast path writes only the counters and
 * the cache.
 */
#ifndef XVS_LOADER_FLOW_H
#define XVS_LOADER_FLOW_H

#include <stddef.h>
#include <linux/types.h>
#include "maps/flow.h"

struct flow_maps {
	int rules, flows, cls, stats;	/* xvs_rules, xvs_flows, xvs_cls, xvs_flow_stats */
	int ports, bridges;		/* xvs_ports (the flag), xvs_bridges */
};

/* The struct flow_maps of a loaded datapath skeleton (tests, benches). */
#define FLOW_MAPS_OF_SKEL(skel) {					\
	.rules = bpf_map__fd((skel)->maps.xvs_rules),			\
	.flows = bpf_map__fd((skel)->maps.xvs_flows),			\
	.cls = bpf_map__fd((skel)->maps.xvs_cls),			\
	.stats = bpf_map__fd((skel)->maps.xvs_flow_stats),		\
	.ports = bpf_map__fd((skel)->maps.xvs_ports),			\
	.bridges = bpf_map__fd((skel)->maps.xvs_bridges),		\
}

struct flow_table;

/* A table over the maps, adopting the rules they hold (and making the
 * rest of the maps agree with them).  0 or -errno.
 */
int flow_table_open(struct flow_table **tp, const struct flow_maps *m);
void flow_table_free(struct flow_table *t);

/* Add n rules to a bridge (match.bridge is set here), all or nothing; a
 * rule with the match and priority of one there replaces it.  ids (may
 * be NULL) gets the new rules' ids.  0, or -ENOSPC (a limit) or -errno
 * with err filled.
 */
int flow_add(struct flow_table *t, __u32 bridge, const struct xvs_flow_rule *rules,
	     int n, __u32 *ids, char *err, size_t errlen);
/* Delete the bridge's rules that match at least as specifically as
 * (match, mask) - every rule for an empty mask - or, with `strict`
 * (priority not NULL), the one with this very match and priority.
 * Returns how many went, or -errno.
 */
int flow_del(struct flow_table *t, __u32 bridge, const struct xvs_flow_key *match,
	     const struct xvs_flow_key *mask, const __u32 *strict);
/* The bridge is going: all its rules go. */
void flow_del_bridge(struct flow_table *t, __u32 bridge);
/* How many rules the bridge has. */
__u32 flow_bridge_rules(const struct flow_table *t, __u32 bridge);
/* The bridge's ports changed: each carries XVS_PORT_F_FLOWS as the
 * bridge has rules or not, and the generation moves on (a cached
 * decision may name a port that left).
 */
void flow_ports_changed(struct flow_table *t, __u32 bridge);

#endif /* XVS_LOADER_FLOW_H */
