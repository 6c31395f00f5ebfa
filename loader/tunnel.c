// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/tunnel.c - GRE tunnel ports: add, delete, and keep each one's
 * way out (uplink, next hop) resolved (maps/tunnel.h).
 *
 * A tunnel is two map entries made together and removed together: its
 * port (xvs_ports, keyed by its virtual port id, flag XVS_PORT_F_TUNNEL;
 * a member of its bridge's flood list like an skb port) and its
 * xvs_tunnels entry (addresses, key, TTL, TOS, and what resolution
 * found).  The entry is the whole truth: a restarted daemon resolves
 * every tunnel again from it, and the two derived things - the xvs_tun_in
 * entries the decapsulation looks up, and which interfaces are hooked as
 * underlays - are recomputed from all the entries (tun_in_sync(),
 * underlay_gc()), never kept on the side.
 *
 * Resolving a tunnel asks the kernel, as a packet of its own would: the
 * route to the remote address (from the local one, when given) names the
 * uplink, the gateway (or the remote itself, on a connected route) and,
 * without a local address, the source address to use; the neighbour table
 * names the next hop's MAC.  Where that neighbour is not usable yet the
 * kernel is asked to resolve it (it sends ARP) and the tunnel stays
 * unresolved: the fast path drops and counts what it would send.  The
 * uplink is hooked as an underlay as soon as it is known, and xvs_tun_in
 * written as soon as the local address is, so packets from the far end
 * are taken in even before the next hop answers.
 *
 * Resolution runs on every netlink event that may change its answer, on
 * the 1 s timer for the tunnels still unresolved (asking for ARP again at
 * most once a second) and every 30 s for all (which also re-verifies a
 * stale neighbour, since the fast path's packets never confirm it to the
 * kernel).  Only what changed is written, with one map update per tunnel,
 * so a tunnel the fast path is using never goes through a half-made state.
 * A tunnel that loses its route or neighbour keeps its last uplink and
 * MACs with XVS_TUN_F_RESOLVED cleared, and keeps its underlay hooked.
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <linux/rtnetlink.h>
#include <bpf/bpf.h>

#include "xvsd.h"
#include "log.h"
#include "util.h"
#include "names.h"
#include "tunnel.h"
#include "maps/port.h"

#define NSEC_PER_SEC	1000000000ULL
#define TUN_ARP_NS	(1 * NSEC_PER_SEC)	/* ARP asked again at most */
#define TUN_FULL_NS	(30 * NSEC_PER_SEC)	/* every tunnel re-resolved */

static struct tun_cache *tun_cache(struct xvsd *d, __u32 vport)
{
	return &d->tun[(vport - XVS_VPORT_BASE) % XVS_MAX_TUNNELS];
}

/* The virtual port ids of every tunnel, ascending; returns how many. */
static int tun_list(struct xvsd *d, __u32 vports[XVS_MAX_TUNNELS])
{
	__u32 key, *prev = NULL, v;
	int n = 0, i, j;

	while (n < XVS_MAX_TUNNELS &&
	       !bpf_map_get_next_key(d->tunnels_fd, prev, &key)) {
		vports[n++] = key;
		prev = &vports[n - 1];
	}
	for (i = 1; i < n; i++) {	/* insertion sort: n is small */
		v = vports[i];
		for (j = i; j > 0 && vports[j - 1] > v; j--)
			vports[j] = vports[j - 1];
		vports[j] = v;
	}
	return n;
}

static int tun_get(struct xvsd *d, __u32 vport, struct xvs_tunnel *t,
		   struct xvs_port *p)
{
	if (bpf_map_lookup_elem(d->tunnels_fd, &vport, t) ||
	    bpf_map_lookup_elem(d->ports_fd, &vport, p) ||
	    !(p->flags & XVS_PORT_F_TUNNEL))
		return -ENOENT;
	return 0;
}

static int tun_find(struct xvsd *d, const char *name, struct xvs_port *p)
{
	__u32 key, *prev = NULL;

	while (!bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		prev = &key;
		if (!bpf_map_lookup_elem(d->ports_fd, &key, p) &&
		    (p->flags & XVS_PORT_F_TUNNEL) &&
		    !strncmp(p->name, name, sizeof(p->name)))
			return 0;
	}
	return -ENOENT;
}

/* --- resolution ------------------------------------------------------ */

/* May ARP be asked for now?  Notes that it is. */
static int tun_arp_due(struct xvsd *d, __u32 vport, __u64 every)
{
	struct tun_cache *c = tun_cache(d, vport);
	__u64 now = now_ns();

	if (c->arp_ns && now - c->arp_ns < every)
		return 0;
	c->arp_ns = now;
	return 1;
}

/* Is addr one of this host's (namespace's) addresses?  Kernels answer a
 * route request from an address that is not with EINVAL or ENETUNREACH:
 * this says which of the two it meant.
 */
static int ipv4_is_local(__be32 addr)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (getifaddrs(&ifa))
		return 1;	/* cannot tell: do not claim it is not */
	for (i = ifa; i && !found; i = i->ifa_next)
		found = i->ifa_addr && i->ifa_addr->sa_family == AF_INET &&
			((struct sockaddr_in *)i->ifa_addr)->sin_addr.s_addr == addr;
	freeifaddrs(ifa);
	return found;
}

/* The route to the remote address: 0 and *r (and the local address,
 * when the route chooses it), or -1 with why not.
 */
static int tun_way(struct xvs_tunnel *t, struct nl_route *r, char *why, size_t len)
{
	int auto_local = t->flags & XVS_TUN_F_LOCAL_AUTO;
	char a[IPV4_STRLEN], b[IPV4_STRLEN];
	int e, ok = 0;

	ipv4_fmt(t->remote, a);
	e = nl_route_get(t->remote, auto_local ? 0 : t->local, r);
	if (e && !auto_local && !ipv4_is_local(t->local))
		snprintf(why, len, "local address %s is not an address of this host",
			 ipv4_fmt(t->local, b));
	else if (e)
		snprintf(why, len, "no route to %s (%s)", a, strerror(-e));
	else if (r->type == RTN_LOCAL)
		snprintf(why, len, "remote %s is an address of this host", a);
	else if (r->type != RTN_UNICAST || !r->oif || r->via)
		snprintf(why, len, "the route to %s is not a unicast route over IPv4", a);
	else if (auto_local && !r->prefsrc)
		snprintf(why, len, "no source address for %s (give a local address)", a);
	else
		ok = 1;
	if (ok && auto_local)
		t->local = r->prefsrc;
	return ok ? 0 : -1;
}

/* The uplink, hooked as an underlay: its MAC, MTU and hook into *t. */
static int tun_uplink(struct xvsd *d, struct xvs_tunnel *t, __u32 oif,
		      struct xvs_port *up, char *why, size_t len)
{
	char err[256] = "";

	if (underlay_get(d, oif, tun_hook_name(t->flags), up, err, sizeof(err))) {
		snprintf(why, len, "%s", err);
		return -1;
	}
	t->uplink = up->ifindex;
	t->mtu = up->mtu;
	memcpy(t->smac, up->mac, sizeof(t->smac));
	if (up->flags & XVS_PORT_F_XDP)
		t->flags |= XVS_TUN_F_UPLINK_XDP;
	else
		t->flags &= ~XVS_TUN_F_UPLINK_XDP;
	return 0;
}

/* The next hop's MAC (and the tunnel resolved), or ARP asked for it. */
static void tun_next_hop(struct xvsd *d, struct xvs_tunnel *t,
			 const struct xvs_port *up, __be32 nh, char *why,
			 size_t len)
{
	char b[IPV4_STRLEN];
	__u16 state = 0;
	__u8 mac[6];
	int e;

	e = nl_neigh_get(up->ifindex, nh, &state, mac);
	if (!e && (state & NL_NUD_USABLE)) {
		memcpy(t->dmac, mac, sizeof(t->dmac));
		t->flags |= XVS_TUN_F_RESOLVED;
		/* Nothing of ours confirms it to the kernel: have it checked. */
		if ((state & NUD_STALE) && tun_arp_due(d, t->vport, TUN_FULL_NS))
			nl_neigh_use(up->ifindex, nh);
		return;
	}
	ipv4_fmt(nh, b);
	if (e && e != -ENOENT) {
		snprintf(why, len, "Couldn't read the neighbour %s on %s: %s", b,
			 up->name, strerror(-e));
		return;
	}
	snprintf(why, len, "next hop %s on %s has not answered ARP yet", b, up->name);
	if (!tun_arp_due(d, t->vport, TUN_ARP_NS))
		return;
	e = nl_neigh_use(up->ifindex, nh);
	if (e)
		snprintf(why, len, "Couldn't have the kernel resolve %s on %s: %s",
			 b, up->name, strerror(-e));
}

/* The route, the uplink and the next hop of one tunnel, into *t: fields
 * are set as they are learned, the rest keep their values.  Sets
 * XVS_TUN_F_RESOLVED when everything is known; else says why not.
 */
static void tun_route(struct xvsd *d, struct xvs_tunnel *t, char *upname,
		      char *why, size_t len)
{
	struct xvs_port up;
	struct nl_route r;

	if (tun_way(t, &r, why, len) || tun_uplink(d, t, r.oif, &up, why, len))
		return;
	snprintf(upname, IF_NAMESIZE, "%s", up.name);
	tun_next_hop(d, t, &up, r.gw ? r.gw : t->remote, why, len);
}

/* Log a tunnel's state when it changes: once, not every second. */
static void tun_log(struct xvsd *d, const struct xvs_tunnel *t,
		    const struct xvs_port *p, const char *upname,
		    const char *why, int changed)
{
	struct tun_cache *c = tun_cache(d, t->vport);
	char mac[MAC_STRLEN];

	if (*why) {
		if (!c->known || strcmp(c->why, why))
			pr_warn("tunnel %s unresolved: %s", p->name, why);
	} else if (!c->known || c->why[0] || changed) {
		pr_info("tunnel %s resolved: uplink %s, next hop %s, mtu %u for its VMs",
			p->name, upname, mac_fmt(t->dmac, mac), p->mtu);
	}
	c->known = 1;
	snprintf(c->why, sizeof(c->why), "%s", why);
}

/* Resolve one tunnel; writes what changed.  Returns 1 if anything did. */
static int tun_resolve(struct xvsd *d, __u32 vport, int only_unresolved)
{
	char why[sizeof(d->tun[0].why)] = "", upname[IF_NAMESIZE] = "?";
	struct xvs_tunnel t, old;
	struct xvs_port p;
	__u32 mtu;
	int changed;

	if (tun_get(d, vport, &t, &p))
		return 0;
	if (only_unresolved && (t.flags & XVS_TUN_F_RESOLVED))
		return 0;
	old = t;
	t.flags &= ~XVS_TUN_F_RESOLVED;
	tun_route(d, &t, upname, why, sizeof(why));
	changed = memcmp(&t, &old, sizeof(t)) != 0;
	if (changed && bpf_map_update_elem(d->tunnels_fd, &vport, &t, BPF_EXIST)) {
		pr_err("tunnel %s: Couldn't write its entry: %s", p.name, strerror(errno));
		return 0;
	}
	mtu = tun_port_mtu(&t);
	if (p.mtu != mtu) {
		p.mtu = mtu;
		bpf_map_update_elem(d->ports_fd, &vport, &p, BPF_EXIST);
		changed = 1;
	}
	tun_log(d, &t, &p, upname, why, changed);
	return changed;
}

/* --- derived state ---------------------------------------------------- */

struct tun_in_item {
	struct xvs_tun_key k;
	__u32 vport;
};

static int tun_in_find(const struct tun_in_item *v, int n,
		       const struct xvs_tun_key *k)
{
	int i;

	for (i = 0; i < n; i++)
		if (!memcmp(&v[i].k, k, sizeof(*k)))
			return i;
	return -1;
}

/* Make xvs_tun_in what the tunnels say: each tunnel with a local address
 * under its (local, remote, key), and each local address in use under
 * (local, 0, 0, 0) -> 0.  Writes only the differences.
 */
static void tun_in_sync(struct xvsd *d)
{
	static struct tun_in_item want[2 * XVS_MAX_TUNNELS], del[2 * XVS_MAX_TUNNELS];
	__u32 vports[XVS_MAX_TUNNELS], v;
	struct xvs_tun_key k, *prev = NULL;
	struct tun_cache *c;
	struct xvs_tunnel t;
	struct xvs_port p;
	int n, i, nw = 0, nd = 0;
	char a[IPV4_STRLEN];

	n = tun_list(d, vports);
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(d->tunnels_fd, &vports[i], &t) || !t.local)
			continue;
		memset(&k, 0, sizeof(k));
		k.local = t.local;
		k.remote = t.remote;
		if (t.flags & XVS_TUN_F_KEY) {
			k.key = t.key;
			k.has_key = 1;
		}
		c = tun_cache(d, vports[i]);
		if (tun_in_find(want, nw, &k) < 0) {
			want[nw++] = (struct tun_in_item){ k, vports[i] };
			c->twin = 0;
		} else if (!c->twin++ && !tun_get(d, vports[i], &t, &p)) {
			pr_warn("tunnel %s: another tunnel has the same addresses and key (from %s); it receives nothing",
				p.name, ipv4_fmt(t.local, a));
		}
		memset(&k, 0, sizeof(k));
		k.local = t.local;
		if (tun_in_find(want, nw, &k) < 0)
			want[nw++] = (struct tun_in_item){ k, 0 };
	}
	while (nd < (int)ARRAY_SIZE(del) && !bpf_map_get_next_key(d->tun_in_fd, prev, &k)) {
		del[nd].k = k;
		prev = &del[nd].k;
		if (tun_in_find(want, nw, &k) < 0)
			nd++;
	}
	for (i = 0; i < nd; i++)
		bpf_map_delete_elem(d->tun_in_fd, &del[i].k);
	for (i = 0; i < nw; i++)
		if (bpf_map_lookup_elem(d->tun_in_fd, &want[i].k, &v) || v != want[i].vport)
			if (bpf_map_update_elem(d->tun_in_fd, &want[i].k, &want[i].vport, BPF_ANY))
				pr_err("Couldn't write xvs_tun_in: %s", strerror(errno));
}

/* Unhook the underlays no tunnel rides on any more. */
static void underlay_gc(struct xvsd *d)
{
	__u32 vports[XVS_MAX_TUNNELS], uplinks[XVS_MAX_TUNNELS], gone[XVS_MAX_PORTS];
	__u32 key, *prev = NULL;
	struct xvs_tunnel t;
	struct xvs_port p;
	int n, i, j, ng = 0;

	n = tun_list(d, vports);
	for (i = 0; i < n; i++)
		uplinks[i] = bpf_map_lookup_elem(d->tunnels_fd, &vports[i], &t) ? 0 : t.uplink;
	while (ng < XVS_MAX_PORTS && !bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		prev = &key;
		if (bpf_map_lookup_elem(d->ports_fd, &key, &p) ||
		    !(p.flags & XVS_PORT_F_UNDERLAY))
			continue;
		for (j = 0; j < n && uplinks[j] != key; j++)
			;
		if (j == n)
			gone[ng++] = key;
	}
	for (i = 0; i < ng; i++)
		underlay_release(d, gone[i]);
}

/* Half-made tunnels (a daemon killed while adding or deleting one): a
 * tunnel entry without its port, or a tunnel port without its entry.
 */
static void tun_orphans(struct xvsd *d)
{
	__u32 vports[XVS_MAX_TUNNELS], keys[XVS_MAX_PORTS], key, *prev = NULL;
	struct xvs_tunnel t;
	struct xvs_port p;
	int n, i, nk = 0;

	n = tun_list(d, vports);
	for (i = 0; i < n; i++)
		if (bpf_map_lookup_elem(d->ports_fd, &vports[i], &p) ||
		    !(p.flags & XVS_PORT_F_TUNNEL)) {
			pr_warn("tunnel %u has no port: removed", vports[i] - XVS_VPORT_BASE);
			bpf_map_delete_elem(d->tunnels_fd, &vports[i]);
		}
	while (nk < XVS_MAX_PORTS && !bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		keys[nk] = key;
		prev = &keys[nk++];
	}
	for (i = 0; i < nk; i++)
		if (!bpf_map_lookup_elem(d->ports_fd, &keys[i], &p) &&
		    (p.flags & XVS_PORT_F_TUNNEL) &&
		    bpf_map_lookup_elem(d->tunnels_fd, &keys[i], &t)) {
			pr_warn("tunnel port %s has no tunnel: removed", p.name);
			port_forget(d, &p);
		}
}

void tunnel_resolve_all(struct xvsd *d, enum tun_resolve_why why)
{
	__u32 vports[XVS_MAX_TUNNELS];
	__u64 now = now_ns();
	int n, i, full;

	if (why == TUN_RESOLVE_START) {
		memset(d->tun, 0, sizeof(d->tun));
		tun_orphans(d);
	}
	n = tun_list(d, vports);
	if (!n && why != TUN_RESOLVE_START)
		return;
	full = why != TUN_RESOLVE_TICK || now - d->tun_full_ns >= TUN_FULL_NS;
	if (full)
		d->tun_full_ns = now;
	for (i = 0; i < n; i++)
		tun_resolve(d, vports[i], !full);
	tun_in_sync(d);
	underlay_gc(d);
	if (why == TUN_RESOLVE_START && n)
		pr_info("adopted %d pinned tunnel%s", n, n == 1 ? "" : "s");
}

void tunnel_uplink_gone(struct xvsd *d, __u32 ifindex)
{
	__u32 vports[XVS_MAX_TUNNELS];
	struct xvs_tunnel t;
	int n, i;

	n = tun_list(d, vports);
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(d->tunnels_fd, &vports[i], &t) || t.uplink != ifindex)
			continue;
		t.uplink = 0;
		t.flags &= ~(XVS_TUN_F_RESOLVED | XVS_TUN_F_UPLINK_XDP);
		bpf_map_update_elem(d->tunnels_fd, &vports[i], &t, BPF_EXIST);
	}
}

/* --- add, delete ------------------------------------------------------ */

static int name_ok(const char *s)
{
	size_t n = strlen(s);

	return n && n < XVS_NAME_LEN && !strpbrk(s, "/: \t\n\r");
}

/* Another tunnel with the same (local, remote, key)?  A tunnel without a
 * local address is compared by the one its route gives it.
 */
static int tun_duplicate(struct xvsd *d, const struct xvs_tunnel *nt,
			 char *err, size_t errlen)
{
	__u32 vports[XVS_MAX_TUNNELS];
	char a[IPV4_STRLEN], b[IPV4_STRLEN];
	struct xvs_tunnel t;
	struct xvs_port p;
	int n, i;

	n = tun_list(d, vports);
	for (i = 0; i < n; i++) {
		if (tun_get(d, vports[i], &t, &p) || t.remote != nt->remote ||
		    t.local != nt->local ||
		    (t.flags & XVS_TUN_F_KEY) != (nt->flags & XVS_TUN_F_KEY) ||
		    ((t.flags & XVS_TUN_F_KEY) && t.key != nt->key))
			continue;
		snprintf(a, sizeof(a), "%s", "?");
		if (nt->local)
			ipv4_fmt(nt->local, a);
		if (nt->flags & XVS_TUN_F_KEY)
			snprintf(err, errlen, "tunnel %s already goes from %s to %s with key %u",
				 p.name, nt->local ? a : "the same address",
				 ipv4_fmt(nt->remote, b), ntohl(nt->key));
		else
			snprintf(err, errlen, "tunnel %s already goes from %s to %s without a key",
				 p.name, nt->local ? a : "the same address",
				 ipv4_fmt(nt->remote, b));
		return -EEXIST;
	}
	return 0;
}

/* The first free virtual port id, or 0. */
static __u32 tun_vport_alloc(struct xvsd *d)
{
	struct xvs_tunnel t;
	struct xvs_port p;
	__u32 v, n;

	for (n = 0; n < XVS_MAX_TUNNELS; n++) {
		v = XVS_VPORT_BASE + n;
		if (bpf_map_lookup_elem(d->tunnels_fd, &v, &t) &&
		    bpf_map_lookup_elem(d->ports_fd, &v, &p))
			return v;
	}
	return 0;
}

/* Everything tunnel_add() checks before it changes anything. */
static int tun_check(struct xvsd *d, const struct tunnel_conf *c, __u32 *br,
		     char *err, size_t errlen)
{
	struct xvs_port p;

	if (!name_ok(c->name)) {
		snprintf(err, errlen, "bad tunnel name '%s' (1 to %d characters, no '/', ':' or blanks)",
			 c->name, XVS_NAME_LEN - 1);
		return -EINVAL;
	}
	if (!tun_find(d, c->name, &p)) {
		snprintf(err, errlen, "a tunnel '%s' exists already", c->name);
		return -EEXIST;
	}
	/* Names of tunnels and ports are one namespace (detach, fdb, port
	 * set take either), and an interface could become a port.
	 */
	if (if_nametoindex(c->name)) {
		snprintf(err, errlen, "'%s' is an interface here; a tunnel needs a name of its own",
			 c->name);
		return -EEXIST;
	}
	if (!port_lookup(d, c->name, &p)) {
		snprintf(err, errlen, "a port '%s' exists already", c->name);
		return -EEXIST;
	}
	if (bridge_lookup(d, c->bridge, br)) {
		snprintf(err, errlen, "no bridge '%s'", c->bridge);
		return -ENOENT;
	}
	if (!c->remote || c->remote == c->local) {
		snprintf(err, errlen, "the remote address must be another host's");
		return -EINVAL;
	}
	if (c->ttl < 1 || c->ttl > 255) {
		snprintf(err, errlen, "bad ttl %u (1 to 255)", c->ttl);
		return -EINVAL;
	}
	if (c->tos < -1 || c->tos > 255) {
		snprintf(err, errlen, "bad tos %d (0 to 255, or inherit)", c->tos);
		return -EINVAL;
	}
	if (strcmp(c->uplink_hook, "auto") && strcmp(c->uplink_hook, "xdp") &&
	    strcmp(c->uplink_hook, "tc")) {
		snprintf(err, errlen, "bad uplink hook '%s' (auto, xdp or tc)", c->uplink_hook);
		return -EINVAL;
	}
	return 0;
}

static void tun_result(struct xvsd *d, json_object *res, const struct xvs_port *p)
{
	struct tun_cache *c = tun_cache(d, p->ifindex);
	json_object *o = json_object_new_object();

	json_object_object_add(o, "name", json_object_new_string(p->name));
	json_object_object_add(o, "port_no", json_object_new_int(p->port_no));
	json_object_object_add(o, "vport", json_object_new_int64(p->ifindex));
	json_object_object_add(o, "state", json_object_new_string(
		c->why[0] ? "unresolved" : "resolved"));
	if (c->why[0])
		json_object_object_add(o, "reason", json_object_new_string(c->why));
	json_object_object_add(res, "tunnel", o);
}

/* An uplink already hooked otherwise than --uplink-hook asks: say so. */
static void tun_hook_warning(struct xvsd *d, json_object *res, __u32 vport)
{
	struct xvs_tunnel t;
	struct xvs_port up;
	char w[160];
	int xdp;

	if (bpf_map_lookup_elem(d->tunnels_fd, &vport, &t) || !t.uplink ||
	    !(t.flags & (XVS_TUN_F_HOOK_XDP | XVS_TUN_F_HOOK_TC)) ||
	    bpf_map_lookup_elem(d->ports_fd, &t.uplink, &up))
		return;
	xdp = !!(up.flags & XVS_PORT_F_XDP);
	if (xdp == !!(t.flags & XVS_TUN_F_HOOK_XDP))
		return;
	snprintf(w, sizeof(w), "uplink %s is hooked at %s already (by another tunnel); "
		 "--uplink-hook applies when a tunnel is an uplink's first",
		 up.name, port_hook_name(up.flags));
	if (!json_object_object_get_ex(res, "warnings", NULL))
		json_object_object_add(res, "warnings", json_object_new_array());
	json_object_array_add(json_object_object_get(res, "warnings"),
			      json_object_new_string(w));
}

int tunnel_add(struct xvsd *d, const struct tunnel_conf *c, json_object *res,
	       char *err, size_t errlen)
{
	struct xvs_tunnel t = { .ttl = c->ttl, .remote = c->remote, .local = c->local };
	struct xvs_port p = {};
	struct nl_route r;
	__u32 br, vport;
	int no, e;

	e = tun_check(d, c, &br, err, errlen);
	if (e)
		return e;
	if (c->has_key) {
		t.flags |= XVS_TUN_F_KEY;
		t.key = htonl(c->key);
	}
	if (c->tos < 0)
		t.flags |= XVS_TUN_F_TOS_INHERIT;
	else
		t.tos = c->tos;
	if (!strcmp(c->uplink_hook, "xdp"))
		t.flags |= XVS_TUN_F_HOOK_XDP;
	else if (!strcmp(c->uplink_hook, "tc"))
		t.flags |= XVS_TUN_F_HOOK_TC;
	if (!c->local) {
		t.flags |= XVS_TUN_F_LOCAL_AUTO;
		if (!nl_route_get(c->remote, 0, &r))
			t.local = r.prefsrc;	/* to compare; resolution sets it */
	}
	e = tun_duplicate(d, &t, err, errlen);
	if (e)
		return e;
	vport = tun_vport_alloc(d);
	no = port_no_alloc(d);
	if (!vport || no < 0) {
		snprintf(err, errlen, "Couldn't add tunnel '%s': all %s in use", c->name,
			 !vport ? "tunnels" : "port numbers");
		return -ENOSPC;
	}
	t.vport = vport;
	t.port_no = no;
	if (bpf_map_update_elem(d->tunnels_fd, &vport, &t, BPF_NOEXIST)) {
		e = -errno;
		snprintf(err, errlen, "Couldn't add tunnel '%s': %s", c->name, strerror(errno));
		return e;
	}
	p.ifindex = vport;
	p.bridge = br;
	p.port_no = no;
	p.flags = XVS_PORT_F_TUNNEL;
	snprintf(p.name, sizeof(p.name), "%s", c->name);
	e = port_outputs(d, &p, 1);
	if (e) {
		snprintf(err, errlen, "Couldn't add tunnel '%s' to bridge %s: %s", c->name,
			 c->bridge, e == -ENOSPC ? "the bridge has its most ports" : strerror(-e));
		goto undo_tunnel;
	}
	if (bpf_map_update_elem(d->ports_fd, &vport, &p, BPF_NOEXIST)) {
		e = -errno;
		snprintf(err, errlen, "Couldn't add tunnel port '%s': %s", c->name, strerror(errno));
		goto undo_outputs;
	}
	memset(tun_cache(d, vport), 0, sizeof(struct tun_cache));
	pr_info("tunnel %s added to bridge %s as port %u (vport %u)", c->name,
		c->bridge, p.port_no, vport - XVS_VPORT_BASE);
	tun_resolve(d, vport, 0);
	tun_in_sync(d);
	underlay_gc(d);
	if (res) {
		tun_result(d, res, &p);
		tun_hook_warning(d, res, vport);
	}
	return 0;

undo_outputs:
	port_outputs(d, &p, 0);
undo_tunnel:
	bpf_map_delete_elem(d->tunnels_fd, &vport);
	return e;
}

int tunnel_del(struct xvsd *d, const char *name, char *err, size_t errlen)
{
	struct xvs_port p;

	if (tun_find(d, name, &p)) {
		snprintf(err, errlen, "no tunnel '%s'", name);
		return -ENOENT;
	}
	/* The port first: nothing is sent into a tunnel being removed. */
	port_forget(d, &p);
	bpf_map_delete_elem(d->tunnels_fd, &p.ifindex);
	memset(tun_cache(d, p.ifindex), 0, sizeof(struct tun_cache));
	pr_info("tunnel %s (port %u) deleted", p.name, p.port_no);
	tun_in_sync(d);
	underlay_gc(d);
	return 0;
}

void tunnel_del_all(struct xvsd *d)
{
	__u32 vports[XVS_MAX_TUNNELS];
	struct xvs_tunnel t;
	struct xvs_port p;
	char err[256];
	int n, i;

	n = tun_list(d, vports);
	for (i = 0; i < n; i++) {
		if (tun_get(d, vports[i], &t, &p) || tunnel_del(d, p.name, err, sizeof(err)))
			bpf_map_delete_elem(d->tunnels_fd, &vports[i]);
	}
	tun_in_sync(d);
	underlay_gc(d);
}
