/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/upcall.h - LEARN upcalls to xvsd, rate-limited and de-duplicated
 * so that a flood of new source MACs cannot fill the ring buffer.  See
 * maps/upcall.h for the contract.  Nothing here ever delays the frame.
 */
#ifndef XVS_BPF_UPCALL_H
#define XVS_BPF_UPCALL_H

#include "maps.h"
#include "stats.h"

#define XVS_NSEC_PER_SEC	1000000000ULL

/* LEARN upcalls per second per CPU, and the bucket size (set by xvsd). */
const volatile __u64 learn_rate = 1000;

/* Take one token from this CPU's bucket; refill for the time elapsed. */
static __always_inline int upcall_token(__u64 now)
{
	struct xvs_token_bucket *tb;
	__u64 elapsed, add;
	__u32 zero = 0;

	tb = bpf_map_lookup_elem(&xvs_learn_tb, &zero);
	if (!tb)
		return 0;
	elapsed = now - tb->last_ns;
	if (elapsed > XVS_NSEC_PER_SEC)
		elapsed = XVS_NSEC_PER_SEC;
	add = elapsed * learn_rate / XVS_NSEC_PER_SEC;
	if (add) {
		tb->tokens += add;
		if (tb->tokens > learn_rate)
			tb->tokens = learn_rate;
		tb->last_ns = now;
	}
	if (!tb->tokens)
		return 0;
	tb->tokens--;
	return 1;
}

static __always_inline void upcall_learn(const struct xvs_fdb_key *key,
					 __u32 ifindex, __u64 now)
{
	struct xvs_upcall *u;
	__u64 *sent;

	sent = bpf_map_lookup_elem(&xvs_learn_pend, key);
	if (sent && now - *sent < XVS_NSEC_PER_SEC) {
		stats_event(XVS_EV_LEARN_PENDING);
		return;
	}
	if (!upcall_token(now)) {
		stats_event(XVS_EV_UPCALL_RATELIMIT);
		return;
	}
	u = bpf_ringbuf_reserve(&xvs_upcall, sizeof(*u), 0);
	if (!u) {
		stats_event(XVS_EV_UPCALL_RINGFULL);
		return;
	}
	u->type = XVS_UPCALL_LEARN;
	u->ifindex = ifindex;
	u->bridge = key->bridge;
	u->vlan = key->vlan;
	mac_copy(u->mac, key->mac);
	u->ts_ns = now;
	bpf_ringbuf_submit(u, 0);
	stats_event(XVS_EV_UPCALL);
	bpf_map_update_elem(&xvs_learn_pend, key, &now, BPF_ANY);
}

#endif /* XVS_BPF_UPCALL_H */
