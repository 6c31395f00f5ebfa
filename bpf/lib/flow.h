/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/flow.h - the flow table on the fast path: a frame's flow key,
 * the microflow cache, and the tuple-space search behind it (maps/flow.h
 * has the model and the consistency argument).
 *
 * Only frames of bridges with rules get here (XVS_PORT_F_FLOWS), so the
 * plain learning switch pays nothing for the flow table.
 */
#ifndef XVS_BPF_FLOW_H
#define XVS_BPF_FLOW_H

#include "maps.h"
#include "parse.h"
#include "stats.h"
#include "trace.h"
#include "vlan.h"
#include "tunnel.h"

#define XVS_ETH_P_ARP		0x0806
#define XVS_IPPROTO_TCP		6
#define XVS_IPPROTO_UDP		17
#define XVS_IPPROTO_SCTP	132
#define XVS_IPPROTO_ICMP	1
#define XVS_IPPROTO_ICMPV6	58
/* The most a key reads: Ethernet, a tag, IPv4 with options, 4 bytes of
 * the transport header.
 */
#define XVS_FLOW_PULL_LEN	(XVS_ETH_HLEN + XVS_VLAN_HLEN + 60 + 4)
#define XVS_FLOW_KEY_WORDS	(sizeof(struct xvs_flow_key) / 4)

/* Ports (or ICMP type and code) of the transport header at `l4`. */
static __always_inline void flow_l4(struct xvs_flow_key *k, void *l4, void *end)
{
	__u8 *b = l4;

	if ((void *)(b + 4) > end)
		return;
	switch (k->nw_proto) {
	case XVS_IPPROTO_TCP:
	case XVS_IPPROTO_UDP:
	case XVS_IPPROTO_SCTP:
		k->tp_src = *(__be16 *)b;
		k->tp_dst = *(__be16 *)(b + 2);
		break;
	case XVS_IPPROTO_ICMP:
	case XVS_IPPROTO_ICMPV6:
		k->tp_src = bpf_htons(b[0]);
		k->tp_dst = bpf_htons(b[1]);
		break;
	}
}

/* The rest of flow key `k` (bridge, in_port, dl_vlan and tun_id are the
 * caller's) from the frame, in the form it was received.  A header cut short leaves the fields
 * it would have filled at 0, as OVS does; IPv6 extension headers are not
 * walked (nw_proto is the first next header, then no ports), and only
 * the first fragment of an IPv4 packet has ports.
 */
static __always_inline int flow_extract(xvs_ctx_t *ctx, struct xvs_flow_key *k)
{
	struct ethhdr *eth;
	void *l3, *end;
	__be16 proto;

	if (ctx_pull(ctx, XVS_FLOW_PULL_LEN) < 0)
		return -XVS_DROP_TRUNCATED;
	eth = ctx_data(ctx);
	end = ctx_data_end(ctx);
	if ((void *)(eth + 1) > end)
		return -XVS_DROP_TRUNCATED;
	mac_copy(k->dl_dst, eth->h_dest);
	mac_copy(k->dl_src, eth->h_source);
	proto = eth->h_proto;
	l3 = eth + 1;
	if (eth_is_vlan(proto)) {	/* an in-band tag (XDP) */
		if (l3 + XVS_VLAN_HLEN > end)
			return -XVS_DROP_VLAN_TRUNCATED;
		proto = *(__be16 *)(l3 + 2);
		l3 += XVS_VLAN_HLEN;
	}
	k->dl_type = proto;

	if (proto == bpf_htons(XVS_ETH_P_IP)) {
		struct iphdr *ip = l3;
		__u32 ihl;

		if ((void *)(ip + 1) > end)
			return 0;
		k->nw_src[0] = ip->saddr;
		k->nw_dst[0] = ip->daddr;
		k->nw_proto = ip->protocol;
		ihl = (*(__u8 *)ip & 0xf) * 4;
		if (ihl < XVS_IPV4_HLEN ||
		    (ip->frag_off & bpf_htons(0x1fff)))	/* a later fragment */
			return 0;
		flow_l4(k, l3 + ihl, end);
	} else if (proto == bpf_htons(XVS_ETH_P_IPV6)) {
		struct ipv6hdr *ip6 = l3;

		if ((void *)(ip6 + 1) > end)
			return 0;
		__builtin_memcpy(k->nw_src, &ip6->saddr, 16);
		__builtin_memcpy(k->nw_dst, &ip6->daddr, 16);
		k->nw_proto = ip6->nexthdr;
		flow_l4(k, ip6 + 1, end);
	} else if (proto == bpf_htons(XVS_ETH_P_ARP)) {
		__u8 *arp = l3;

		/* Ethernet/IPv4 ARP: op at 6, spa at 14, tpa at 24. */
		if ((void *)(arp + 28) > end || arp[4] != 6 || arp[5] != 4 ||
		    *(__be16 *)(arp + 2) != bpf_htons(XVS_ETH_P_IP))
			return 0;
		k->nw_proto = arp[7];
		__builtin_memcpy(&k->nw_src[0], arp + 14, 4);
		__builtin_memcpy(&k->nw_dst[0], arp + 24, 4);
	}
	return 0;
}

/* The state of a tuple-space search, over bpf_loop() steps. */
struct flow_search {
	const struct xvs_cls *cls;
	const struct xvs_flow_key *key;
	struct xvs_flows_key mk;	/* the key under one mask */
	__u32 best;			/* slot, or XVS_FLOW_CACHE_NORMAL */
	__u32 best_prio;
	__u32 best_id;
};

/* One mask of the search; 1 ends it.  A bpf_loop() callback, so that the
 * verifier checks one step rather than every mask count.
 */
static long flow_search_step(__u32 i, void *data)
{
	struct flow_search *s = data;
	const struct xvs_cls_mask *m;
	const __u32 *kw, *mw;
	struct xvs_flows_val *v;
	__u32 *w, j;

	if (i >= XVS_FLOW_MAX_MASKS)
		return 1;
	m = &s->cls->masks[i];
	if (s->best != XVS_FLOW_CACHE_NORMAL && m->max_priority < s->best_prio)
		return 1;
	kw = (const __u32 *)s->key;
	mw = (const __u32 *)&m->mask;
	w = (__u32 *)&s->mk.match;
#pragma unroll
	for (j = 0; j < XVS_FLOW_KEY_WORDS; j++)
		w[j] = kw[j] & mw[j];
	s->mk.mask_id = m->id;
	v = bpf_map_lookup_elem(&xvs_flows, &s->mk);
	trace_rec(XVS_TR_MASK, !!v, m->id, v ? v->slot : 0, v ? v->priority : 0);
	if (v && (s->best == XVS_FLOW_CACHE_NORMAL || v->priority > s->best_prio ||
		  (v->priority == s->best_prio && v->id < s->best_id))) {
		s->best = v->slot;
		s->best_prio = v->priority;
		s->best_id = v->id;
	}
	return 0;
}

/* Zero, read from the object's .bss: a value the verifier cannot know.
 * Before 6.7 (the fix "bpf: verify callbacks as if they are
 * called unknown number of times") the verifier checks a bpf_loop()
 * callback once, in the caller's state at the call.  A search state it
 * knows there (nothing found yet) it takes for the state of every step,
 * and the branches that depend on a rule having been found are removed
 * from the program: on 6.1 the last mask that matched won, whatever the
 * priorities.  Starting the search from values it does not know keeps
 * those branches.
 */
static volatile __u32 flow_opaque_zero;

/* The tuple-space search: the rule of the highest priority (the older,
 * lower id, between equals) whose match the key is in, or
 * XVS_FLOW_CACHE_NORMAL.  The masks come in descending order of the
 * highest priority among their rules, so the search stops at the first
 * mask whose rules cannot beat what was found.
 */
static __always_inline __u32 flow_classify(const struct xvs_cls *cls,
					   const struct xvs_flow_key *k)
{
	__u32 zero = flow_opaque_zero;
	struct flow_search s = {
		.cls = cls,
		.key = k,
		.best = XVS_FLOW_CACHE_NORMAL ^ zero,
		.best_prio = zero,
		.best_id = zero,
	};
	__u32 n = cls->n_masks;

	if (n > XVS_FLOW_MAX_MASKS)
		n = XVS_FLOW_MAX_MASKS;
	bpf_loop(n, flow_search_step, &s, 0);
	return s.best;
}

/* The rule for key `k` under rule set `cls`: from the cache when it was
 * chosen under this generation, else classified (and cached, but for a
 * trace).  A stale entry is rewritten in place: one 64-bit store, which a
 * reader on another CPU sees whole or not at all.
 */
static __always_inline __u32 flow_lookup(const struct xvs_cls *cls,
					 const struct xvs_flow_key *k)
{
	__u64 *c = bpf_map_lookup_elem(&xvs_flow_cache, k);
	__u32 gen = cls->gen, slot;
	__u64 v;

	if (c) {
		v = *(volatile __u64 *)c;
		if (XVS_FLOW_CACHE_GEN(v) == gen) {
			trace_rec(XVS_TR_CACHE, XVS_TR_CACHE_HIT, gen,
				  XVS_FLOW_CACHE_SLOT(v), 0);
			stats_event(XVS_EV_FLOW_CACHE_HIT);
			return XVS_FLOW_CACHE_SLOT(v);
		}
	}
	trace_rec(XVS_TR_CACHE, c ? XVS_TR_CACHE_STALE : XVS_TR_CACHE_MISS,
		  gen, 0, 0);
	stats_event(XVS_EV_FLOW_CACHE_MISS);
	slot = flow_classify(cls, k);
	if (XVS_TRACING)
		return slot;
	v = XVS_FLOW_CACHE_VAL(gen, slot);
	if (c)
		*(volatile __u64 *)c = v;
	else
		bpf_map_update_elem(&xvs_flow_cache, k, &v, BPF_NOEXIST);
	return slot;
}

#define XVS_FLOW_SELECT_NORMAL	XVS_FLOW_MAX_RULES

/* The rule for a frame of bridge `bridge` received on `in_port` in VLAN
 * `vlan` (with GRE key `tun_id`): its slot, XVS_FLOW_SELECT_NORMAL for
 * none, or a negative drop reason.  A global function, so the verifier
 * checks it once rather than on every path of the program into it; the
 * caller must read packet pointers anew after it.
 */
__attribute__((noinline))
int xvs_flow_select(xvs_ctx_t *ctx, __u32 bridge, __u32 in_port, __u32 vlan,
		    __u32 tun_id)
{
	struct xvs_flow_key k = {};
	const struct xvs_cls *cls;
	__u32 slot;
	int ret;

	cls = bpf_map_lookup_elem(&xvs_cls, &bridge);
	if (!cls)
		return XVS_FLOW_SELECT_NORMAL;	/* the last rule just went */
	k.bridge = bridge;
	k.in_port = in_port;
	k.dl_vlan = vlan;
	k.tun_id = tun_id;
	ret = flow_extract(ctx, &k);
	if (ret)
		return ret;
	slot = flow_lookup(cls, &k);
	if (slot >= XVS_FLOW_MAX_RULES)
		return XVS_FLOW_SELECT_NORMAL;
	return slot;
}

/* Count a frame on the rule in `slot`. */
static __always_inline void flow_count(__u32 slot, __u32 len)
{
	struct xvs_flow_stats *s;

	if (XVS_TRACING)
		return;
	s = bpf_map_lookup_elem(&xvs_flow_stats, &slot);
	if (s) {
		s->packets++;
		s->bytes += len;
		s->used_ns = bpf_ktime_get_coarse_ns();
	}
}

#endif /* XVS_BPF_FLOW_H */
