/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * bpf/lib/fdb.h - the fast path's side of the MAC table: destination
 * lookup, and the source check that keeps `seen` fresh or asks xvsd to
 * learn.  The fast path never inserts or moves an entry itself.
 */
#ifndef XVS_BPF_FDB_H
#define XVS_BPF_FDB_H

#include "maps.h"
#include "parse.h"
#include "upcall.h"
#include "trace.h"

static __always_inline struct xvs_fdb_entry *
fdb_lookup(__u32 bridge, __u16 vlan, const __u8 *mac)
{
	struct xvs_fdb_key key = { .bridge = bridge, .vlan = vlan };

	mac_copy(key.mac, mac);
	return bpf_map_lookup_elem(&xvs_fdb, &key);
}

/* The source of a frame from `ifindex`: refresh it, or ask for learning
 * when it is unknown or was last seen behind another port.  Static
 * entries stay where they were put.
 */
static __always_inline void fdb_learn(__u32 bridge, __u16 vlan,
				      const __u8 *mac, __u32 ifindex)
{
	struct xvs_fdb_key key = { .bridge = bridge, .vlan = vlan };
	struct xvs_fdb_entry *e;
	/* The coarse clock (CLOCK_MONOTONIC at tick resolution) is plenty
	 * for one-second refreshes, ageing and the learn rate, and cheaper
	 * on every frame.
	 */
	__u64 now = bpf_ktime_get_coarse_ns();

	mac_copy(key.mac, mac);
	e = bpf_map_lookup_elem(&xvs_fdb, &key);
	if (XVS_TRACING) {
		trace_rec(XVS_TR_LEARN,
			  !(e && (e->ifindex == ifindex || (e->flags & XVS_FDB_F_STATIC))),
			  e ? e->ifindex : 0, 0, 0);
		return;
	}
	if (e && (e->ifindex == ifindex || (e->flags & XVS_FDB_F_STATIC))) {
		/* One write a second at most: keeps the line shared. */
		if (e->ifindex == ifindex && now - e->seen_ns > XVS_NSEC_PER_SEC)
			e->seen_ns = now;
		return;
	}
	upcall_learn(&key, ifindex, now);
}

#endif /* XVS_BPF_FDB_H */
