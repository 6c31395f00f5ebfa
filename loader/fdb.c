// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/fdb.c - the slow path's side of the MAC table: learning from
 * LEARN upcalls, ageing, limits, static entries.
 *
 * Learning: an upcall names (bridge, VLAN, MAC) and the port the frame
 * came in on.  A new MAC is added unless its bridge already holds
 * mac_limit learned MACs (then it is refused and counted in the bridge's
 * learn_refused); a known MAC moves to the new port; static entries never
 * move.  The frame that caused the upcall was forwarded long ago.
 *
 * Ageing: a sweep walks the table, drops learned entries whose `seen`
 * (refreshed by the fast path) is older than the bridge's ageing time, and
 * recounts the learned MACs per bridge - so the counts the limit is
 * checked against cannot drift from the map.  It runs at most once a
 * second and at least every ageing/4.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <bpf/bpf.h>

#include "xvsd.h"
#include "log.h"
#include "util.h"
#include "maps/port.h"
#include "maps/fdb.h"

#define NSEC_PER_SEC	1000000000ULL

static int bridge_get(struct xvsd *d, __u32 id, struct xvs_bridge *b)
{
	if (id == 0 || id >= XVS_MAX_BRIDGES ||
	    bpf_map_lookup_elem(d->bridges_fd, &id, b) || !b->name[0])
		return -ENOENT;
	return 0;
}

void fdb_learn(struct xvsd *d, __u32 ifindex, __u32 bridge, __u16 vlan,
	       const __u8 mac[6])
{
	struct xvs_fdb_key key = { .bridge = bridge, .vlan = vlan };
	struct xvs_fdb_entry e = {};
	struct xvs_bridge b;
	struct xvs_port p;
	char buf[MAC_STRLEN];
	int moved;

	/* The port may have left, or changed bridge, since the upcall. */
	if (bpf_map_lookup_elem(d->ports_fd, &ifindex, &p) || p.bridge != bridge ||
	    bridge_get(d, bridge, &b))
		return;
	memcpy(key.mac, mac, 6);
	moved = !bpf_map_lookup_elem(d->fdb_fd, &key, &e);
	if (moved && (e.flags & XVS_FDB_F_STATIC))
		return;
	if (moved && e.ifindex == ifindex)
		return;		/* a second upcall for the same news */
	if (!moved && d->macs[bridge] >= b.mac_limit) {
		b.learn_refused++;
		bpf_map_update_elem(d->bridges_fd, &bridge, &b, BPF_EXIST);
		if (b.learn_refused == 1 || !(b.learn_refused % 1000))
			pr_warn("bridge %s: MAC limit %u reached, %llu MACs refused",
				b.name, b.mac_limit, (unsigned long long)b.learn_refused);
		return;
	}
	e.ifindex = ifindex;
	e.flags = 0;
	e.seen_ns = now_coarse_ns();
	if (bpf_map_update_elem(d->fdb_fd, &key, &e, BPF_ANY)) {
		b.learn_refused++;
		bpf_map_update_elem(d->bridges_fd, &bridge, &b, BPF_EXIST);
		pr_warn("bridge %s: Couldn't learn %s: %s", b.name, mac_fmt(mac, buf),
			strerror(errno));
		return;
	}
	if (!moved) {
		d->macs[bridge]++;
		b.learned++;
		bpf_map_update_elem(d->bridges_fd, &bridge, &b, BPF_EXIST);
	}
	pr_debug("bridge %s: %s %s on %s", b.name, moved ? "moved" : "learned",
		 mac_fmt(mac, buf), p.name);
}

/* Walk the table; delete what `drop` says after the walk, because
 * get_next_key() from a deleted key starts over at the first.
 */
struct fdb_walk {
	struct xvs_fdb_key *del;
	size_t n, cap;
};

static int walk_mark(struct fdb_walk *w, const struct xvs_fdb_key *key)
{
	struct xvs_fdb_key *p;

	if (w->n == w->cap) {
		w->cap = w->cap ? w->cap * 2 : 256;
		p = realloc(w->del, w->cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		w->del = p;
	}
	w->del[w->n++] = *key;
	return 0;
}

static int walk_finish(struct xvsd *d, struct fdb_walk *w)
{
	size_t i;
	int n = 0;

	for (i = 0; i < w->n; i++)
		if (!bpf_map_delete_elem(d->fdb_fd, &w->del[i]))
			n++;
	free(w->del);
	return n;
}

void fdb_sweep(struct xvsd *d, int force)
{
	__u32 macs[XVS_MAX_BRIDGES] = {}, ageing[XVS_MAX_BRIDGES] = {};
	__u32 min_ageing = 0, i;
	struct xvs_fdb_key key, *prev = NULL;
	struct xvs_fdb_entry e;
	struct fdb_walk w = {};
	struct xvs_bridge b;
	__u64 now = now_coarse_ns();
	int aged;

	for (i = 1; i < XVS_MAX_BRIDGES; i++) {
		if (bridge_get(d, i, &b))
			continue;
		ageing[i] = b.ageing_s;
		if (!min_ageing || b.ageing_s < min_ageing)
			min_ageing = b.ageing_s;
	}
	if (!force && d->last_sweep_ns &&
	    now - d->last_sweep_ns < (__u64)min_ageing * NSEC_PER_SEC / 4)
		return;
	d->last_sweep_ns = now;

	while (!bpf_map_get_next_key(d->fdb_fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(d->fdb_fd, &key, &e) || (e.flags & XVS_FDB_F_STATIC))
			continue;
		i = key.bridge < XVS_MAX_BRIDGES ? key.bridge : 0;
		if (!ageing[i] || (now > e.seen_ns &&
				   now - e.seen_ns > (__u64)ageing[i] * NSEC_PER_SEC))
			walk_mark(&w, &key);
		else
			macs[i]++;
	}
	aged = walk_finish(d, &w);
	memcpy(d->macs, macs, sizeof(macs));
	if (aged)
		pr_debug("aged out %d MAC%s", aged, aged == 1 ? "" : "s");
}

int fdb_add_static(struct xvsd *d, __u32 bridge, __u32 ifindex, __u16 vlan,
		   const __u8 mac[6], __u32 flags, char *err, size_t errlen)
{
	struct xvs_fdb_key key = { .bridge = bridge, .vlan = vlan };
	struct xvs_fdb_entry e = { .ifindex = ifindex,
				   .flags = flags | XVS_FDB_F_STATIC };
	char buf[MAC_STRLEN];

	memcpy(key.mac, mac, 6);
	e.seen_ns = now_coarse_ns();
	if (bpf_map_update_elem(d->fdb_fd, &key, &e, BPF_ANY)) {
		snprintf(err, errlen, "Couldn't add %s to the MAC table: %s",
			 mac_fmt(mac, buf), strerror(errno));
		return -errno;
	}
	fdb_sweep(d, 1);	/* it may have replaced a learned entry */
	return 0;
}

int fdb_del(struct xvsd *d, __u32 bridge, __u16 vlan, const __u8 mac[6])
{
	struct xvs_fdb_key key = { .bridge = bridge, .vlan = vlan };

	memcpy(key.mac, mac, 6);
	if (bpf_map_delete_elem(d->fdb_fd, &key))
		return -errno;
	return 0;
}

int fdb_flush(struct xvsd *d, __u32 bridge, __u32 ifindex, int all)
{
	struct xvs_fdb_key key, *prev = NULL;
	struct xvs_fdb_entry e;
	struct fdb_walk w = {};
	int n;

	while (!bpf_map_get_next_key(d->fdb_fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(d->fdb_fd, &key, &e))
			continue;
		if ((bridge && key.bridge != bridge) || (ifindex && e.ifindex != ifindex) ||
		    (!all && (e.flags & XVS_FDB_F_STATIC)))
			continue;
		walk_mark(&w, &key);
	}
	n = walk_finish(d, &w);
	fdb_sweep(d, 1);	/* recount */
	return n;
}
