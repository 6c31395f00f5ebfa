/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/flow.h - the flow table: prioritized wildcard rules (the OpenFlow
 * model), classified by the fast path itself, with an exact-match cache in
 * front.
 *
 * A frame's flow key (struct xvs_flow_key) is read after the port's VLAN
 * classification: dl_vlan is the VLAN the frame is in inside the switch.
 * A rule is a match (a key and a mask of the same struct), a priority and
 * a list of actions.  The rules of a bridge are classified by tuple-space
 * search: for every distinct mask in use (the bridge's xvs_cls entry, in
 * descending order of the highest priority among the mask's rules) the
 * frame's key is masked and looked up in xvs_flows.  The highest priority
 * wins; between equal priorities, the older rule (lower id) wins.  A
 * bridge without rules has no xvs_cls entry, and its ports lack
 * XVS_PORT_F_FLOWS: its frames skip the flow table and are switched as by
 * the implicit lowest-priority rule `actions=normal`.
 *
 * The cache, xvs_flow_cache, maps an exact key to the rule the classifier
 * chose, stamped with the generation of the bridge's rule set it was
 * chosen under.  Every change to the bridge's rules or ports makes a new
 * xvs_cls value with the next generation, which replaces the old one at
 * once (a hash map without preallocation: a reader sees the old value or
 * the new one, never a mix).  A cached choice of another generation is
 * recomputed.  So once a change has been written, no frame acts on a
 * decision taken before it.  MAC table decisions are not cached: the
 * `normal` action looks the MAC table up on every frame.  What this does
 * not cover: an LRU map reuses an evicted element at once, so while the
 * cache is full and evicting, a frame on another CPU holding that element
 * can read the word of the flow now in it (a rule chosen under the current
 * rules, but for other headers); and a bridge whose last rule went has no
 * xvs_cls entry to keep its generation in, so xvsd starts its next one
 * from the clock.
 *
 * Writers: xvsd (rules, sets); the fast path (the cache, counters).
 * Readers: the fast path; xvsctl (dump, trace).
 */
#ifndef XVS_MAPS_FLOW_H
#define XVS_MAPS_FLOW_H

#include "common.h"

#define XVS_FLOW_MAX_RULES	16384	/* slots in xvs_rules, all bridges */
#define XVS_FLOW_MAX_MASKS	32	/* distinct masks per bridge */
#define XVS_FLOW_CACHE_SIZE	131072	/* entries of xvs_flow_cache */
#define XVS_FLOW_MAX_ACTIONS	8	/* actions per rule */
#define XVS_FLOW_PRIO_MAX	65535	/* priorities are 0..65535 */
/* What a `userspace` upcall carries of the frame. */
#define XVS_FLOW_SNAPLEN	128

/* Values of one frame, or (as a mask) which bits of them a rule matches.
 * IPv4 addresses are in word 0 of nw_src/nw_dst, the other words 0.
 */
struct xvs_flow_key {
	__u32  bridge;		/* bridge id; always matched exactly */
	__u32  in_port;		/* ingress ifindex or tunnel vport id */
	__u8   dl_dst[XVS_ETH_ALEN];
	__u8   dl_src[XVS_ETH_ALEN];
	__u16  dl_vlan;		/* VID inside the switch, host order; 0: none */
	__be16 dl_type;		/* EtherType after any tag */
	__be32 nw_src[4];	/* IPv4/IPv6 source; ARP: sender IP (spa) */
	__be32 nw_dst[4];	/* IPv4/IPv6 destination; ARP: target IP (tpa) */
	__u8   nw_proto;	/* IP protocol / IPv6 next header; ARP: opcode
				 * (low byte) */
	__u8   pad[3];
	__be16 tp_src;		/* TCP/UDP/SCTP source port; ICMP(v6) type
				 * (as a 16-bit number, network order) */
	__be16 tp_dst;		/* TCP/UDP/SCTP destination port; ICMP code
				 * (likewise) */
	__be32 tun_id;		/* GRE key the frame arrived with (from a
				 * tunnel port with a key), else 0 */
};

enum xvs_flow_action_type {
	XVS_FA_NONE = 0,
	XVS_FA_OUTPUT,		/* arg: ifindex or vport id.  The frame as it
				 * is now, tagged as the port sends its VLAN
				 * (not filtered by the port's VLANs) */
	XVS_FA_NORMAL,		/* the learning switch, in the frame's VLAN
				 * now (terminal) */
	XVS_FA_FLOOD,		/* every other port of the bridge carrying
				 * the VLAN (terminal) */
	XVS_FA_DROP,		/* (terminal; an empty list drops as well) */
	XVS_FA_PUSH_VLAN,	/* vid: put an untagged frame into VLAN vid;
				 * a frame in a VLAN is dropped (vlan_qinq) */
	XVS_FA_POP_VLAN,	/* out of its VLAN: untagged (VLAN 0) */
	XVS_FA_MOD_VLAN,	/* vid: into VLAN vid, tagged or not before */
	XVS_FA_SET_TUNNEL,	/* arg: GRE key (network order) for the
				 * following outputs to tunnel ports */
	XVS_FA_USERSPACE,	/* a copy to xvsd (XVS_UPCALL_FLOW) */
	XVS_FA_MAX,
};

struct xvs_flow_action {
	__u16 type;		/* enum xvs_flow_action_type */
	__u16 vid;		/* PUSH_VLAN, MOD_VLAN */
	__u32 arg;		/* OUTPUT, SET_TUNNEL */
};

enum xvs_flow_rule_flags {
	XVS_FLOW_F_USED = 1U << 0,	/* the slot holds a rule */
};

/* Value of xvs_rules (an array), by slot.  The fast path reads only the
 * actions; the rest lets xvsctl dump and xvsd adopt after a restart.  A
 * slot is written whole before anything points at it, and is not reused
 * soon after its rule goes (xvsd allocates slots round-robin).
 */
struct xvs_flow_rule {
	struct xvs_flow_key match;	/* values, already masked */
	struct xvs_flow_key mask;
	__u32 id;			/* rule id: unique, increasing; ties */
	__u32 flags;			/* enum xvs_flow_rule_flags */
	__u32 priority;			/* 0..XVS_FLOW_PRIO_MAX */
	__u32 n_actions;
	__u64 cookie;			/* the user's, opaque */
	__u64 created_ns;		/* CLOCK_MONOTONIC */
	struct xvs_flow_action actions[XVS_FLOW_MAX_ACTIONS];
};

/* Key of xvs_flows: a rule's match under one of its bridge's masks. */
struct xvs_flows_key {
	struct xvs_flow_key match;	/* masked; bridge in it */
	__u32 mask_id;			/* xvs_cls_mask.id */
};

/* Value of xvs_flows: the rule, with what the search compares. */
struct xvs_flows_val {
	__u32 slot;			/* index into xvs_rules */
	__u32 priority;
	__u32 id;
	__u32 pad;
};

struct xvs_cls_mask {
	struct xvs_flow_key mask;
	__u32 id;			/* stable per bridge, < XVS_FLOW_MAX_MASKS */
	__u32 max_priority;		/* highest priority among its rules */
};

/* Value of xvs_cls (a hash map without preallocation), by bridge id: the
 * bridge's masks in descending order of max_priority (ties: any order),
 * and the generation.  Replaced whole on every change.
 */
struct xvs_cls {
	__u32 gen;			/* generation; never 0 */
	__u32 n_masks;
	__u32 n_rules;			/* for xvsctl */
	__u32 pad;
	struct xvs_cls_mask masks[XVS_FLOW_MAX_MASKS];
};

/* Value of xvs_flow_cache (an LRU hash keyed by struct xvs_flow_key): one
 * 64-bit word, so it is read and written whole.
 */
#define XVS_FLOW_CACHE_NORMAL	0xffffffffU	/* no rule: `normal` */
#define XVS_FLOW_CACHE_VAL(gen, slot)	(((__u64)(gen) << 32) | (__u32)(slot))
#define XVS_FLOW_CACHE_GEN(v)		((__u32)((v) >> 32))
#define XVS_FLOW_CACHE_SLOT(v)		((__u32)(v))

/* Value of xvs_flow_stats (per-CPU array), by slot.  xvsd zeroes a slot's
 * counters before it puts a rule there.
 */
struct xvs_flow_stats {
	__u64 packets;
	__u64 bytes;
	__u64 used_ns;			/* last hit, CLOCK_MONOTONIC (coarse) */
};

#endif /* XVS_MAPS_FLOW_H */
