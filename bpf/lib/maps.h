/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/maps.h - the maps of the fast path, shared by every BPF object.
 *
 * Each object that includes this header declares the same maps.  The
 * loader pins them by name under the instance directory, and every later
 * object - another hook's, a restarted daemon's - reuses the pinned map
 * (loader/objpin.c; not libbpf's LIBBPF_PIN_BY_NAME, whose 1.1 reuse check
 * rejects devmaps, on which the kernel sets BPF_F_RDONLY_PROG by itself).
 * The struct types come from maps/; one line per map says what it holds.
 */
#ifndef XVS_BPF_MAPS_H
#define XVS_BPF_MAPS_H

#include "../../maps/port.h"
#include "../../maps/fdb.h"
#include "../../maps/stats.h"
#include "../../maps/upcall.h"
#include "../../maps/tunnel.h"
#include "../../maps/flow.h"
#include "../../maps/trace.h"

/* Ports by ifindex. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xvs_port);
} xvs_ports SEC(".maps");

/* Bridges by id (names and learning limits; read by xvsd and xvsctl). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_MAX_BRIDGES);
	__type(key, __u32);
	__type(value, struct xvs_bridge);
} xvs_bridges SEC(".maps");

/* The MAC table of every bridge; grows on demand up to its size. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_FDB_DEFAULT_SIZE);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xvs_fdb_key);
	__type(value, struct xvs_fdb_entry);
} xvs_fdb SEC(".maps");

/* GRE tunnel ports by virtual port id. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_MAX_TUNNELS);
	__type(key, __u32);
	__type(value, struct xvs_tunnel);
} xvs_tunnels SEC(".maps");

/* Received GRE: (local, remote, key) -> virtual port id of the tunnel. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 2 * XVS_MAX_TUNNELS);
	__type(key, struct xvs_tun_key);
	__type(value, __u32);
} xvs_tun_in SEC(".maps");

/* Unicast output: every port by ifindex, with the devmap egress program. */
struct {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XVS_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
} xvs_tx SEC(".maps");

/* One flood group: the member ports of a (bridge, VLAN), by ifindex. */
struct xvs_group {
	__uint(type, BPF_MAP_TYPE_DEVMAP_HASH);
	__uint(max_entries, XVS_MAX_GROUP_PORTS);
	__type(key, __u32);
	__type(value, struct bpf_devmap_val);
};

/* Flood groups by (bridge, VLAN); the target of broadcast redirects. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH_OF_MAPS);
	__uint(max_entries, XVS_MAX_BRIDGES * 64);
	__type(key, struct xvs_flood_key);
	__array(values, struct xvs_group);	/* must come last */
} xvs_flood SEC(".maps");

/* The same groups as flat lists, for flooding skbs on the TC path. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_MAX_BRIDGES * 64);
	__type(key, struct xvs_flood_key);
	__type(value, struct xvs_members);
} xvs_members SEC(".maps");

/* Per-port counters by port number. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVS_MAX_PORTS);
	__type(key, __u32);
	__type(value, struct xvs_port_stats);
} xvs_pstats SEC(".maps");

/* Dropped frames by enum xvs_drop_reason. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVS_DROP_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xvs_drops SEC(".maps");

/* Fast-path events by enum xvs_event. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVS_EV_MAX);
	__type(key, __u32);
	__type(value, __u64);
} xvs_events SEC(".maps");

/* Upcalls to xvsd (struct xvs_upcall records). */
struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 256 * 1024);
} xvs_upcall SEC(".maps");

/* The LEARN upcall token bucket, one per CPU. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_token_bucket);
} xvs_learn_tb SEC(".maps");

/* MACs a LEARN upcall was sent for, with when (ns): sent once a second. */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, struct xvs_fdb_key);
	__type(value, __u64);
} xvs_learn_pend SEC(".maps");

/* Flow rules by slot (maps/flow.h). */
struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, XVS_FLOW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct xvs_flow_rule);
} xvs_rules SEC(".maps");

/* The classifier: (masked key, mask id) -> rule, for every rule. */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_FLOW_MAX_RULES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, struct xvs_flows_key);
	__type(value, struct xvs_flows_val);
} xvs_flows SEC(".maps");

/* Each bridge's masks and generation; replaced whole (no prealloc). */
struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, XVS_MAX_BRIDGES);
	__uint(map_flags, BPF_F_NO_PREALLOC);
	__type(key, __u32);
	__type(value, struct xvs_cls);
} xvs_cls SEC(".maps");

/* The microflow cache: exact key -> (generation, slot). */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, XVS_FLOW_CACHE_SIZE);
	__type(key, struct xvs_flow_key);
	__type(value, __u64);
} xvs_flow_cache SEC(".maps");

/* Per-rule counters by slot. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, XVS_FLOW_MAX_RULES);
	__type(key, __u32);
	__type(value, struct xvs_flow_stats);
} xvs_flow_stats SEC(".maps");

/* A set_tunnel key for the tunnel output in flight on this CPU: the TC
 * egress hook that encapsulates runs within the redirect (maps/flow.h).
 */
struct xvs_tun_override {
	__u32  vport;			/* 0: none */
	__be32 key;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_tun_override);
} xvs_tun_ovr SEC(".maps");

/* The records of the last trace run on this CPU (maps/trace.h). */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct xvs_trace);
} xvs_trace SEC(".maps");

#endif /* XVS_BPF_MAPS_H */
