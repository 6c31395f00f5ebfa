/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * maps/fdb.h - the MAC table (forwarding database) of every bridge.
 *
 * One hash map, xvs_fdb, keyed by (bridge, VLAN, MAC).  The fast path reads
 * it for every frame (destination lookup, source check) and writes only the
 * `seen` time of an entry it already has, at most once a second per entry,
 * so ageing knows what is alive without a write per frame.  Everything
 * else - adding, moving, ageing out, enforcing limits - is xvsd's job,
 * driven by LEARN upcalls (maps/upcall.h).  Static entries never age.
 *
 * Concurrency: the fast path may refresh `seen` while xvsd rewrites or
 * deletes an entry; either order is harmless (a refresh of a deleted entry
 * is lost, a rewrite carries a fresh `seen`).
 */
#ifndef XVS_MAPS_FDB_H
#define XVS_MAPS_FDB_H

#include "common.h"

struct xvs_fdb_key {
	__u32 bridge;			/* bridge id */
	__u16 vlan;			/* VLAN id, host order; 0 = untagged */
	__u8  mac[XVS_ETH_ALEN];	/* station MAC address */
};

enum xvs_fdb_flags {
	XVS_FDB_F_STATIC	= 1U << 0,	/* added by a user; never ages */
	XVS_FDB_F_LOCAL		= 1U << 1,	/* the host behind the port */
};

struct xvs_fdb_entry {
	__u32 ifindex;			/* port the station is behind */
	__u32 flags;			/* enum xvs_fdb_flags */
	__u64 seen_ns;			/* last frame from it, CLOCK_MONOTONIC ns */
};

#endif /* XVS_MAPS_FDB_H */
