// SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause
/*
 * loader/port.c - bridges and ports: attach, detach, adopt.
 *
 * Attaching a port writes the maps first (transmit entry, flood group,
 * member list, the host's own MAC, the port itself) and hooks the
 * interface last (TC ingress - and egress for a host port - then XDP), so
 * the fast path never sees a half-made port.  Detaching unhooks first, so
 * the interface is given back at once, then removes the map state.  Every
 * step of an attach is undone if a later one fails.
 *
 * XDP is attached through a bpf_link pinned as link_xdp_<ifindex>: the
 * attachment outlives the daemon, and a new daemon swaps its programs in
 * with bpf_link_update().  TC filters (libbpf 1.1 has no tcx links) are
 * cls_bpf filters with a fixed handle and priority, replaced in place.
 *
 * Two kinds of xvs_ports entries are no plain ports.  A tunnel port
 * (XVS_PORT_F_TUNNEL, tunnel.c) has no interface: it is only map state,
 * made and removed by tunnel.c, and never hooked here.  An underlay
 * (XVS_PORT_F_UNDERLAY) is an interface tunnels ride on: hooked like a
 * port (TC ingress always, XDP by the same rule; TC egress too, where the
 * fast path's TC side encapsulates), but in no bridge, in no flood group,
 * its VLAN offloads left alone.
 * tunnel.c asks for it (underlay_get) and lets it go when the last tunnel
 * over it does (underlay_release).
 */
#include <errno.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <netinet/in.h>
#include <linux/ethtool.h>
#include <linux/if_arp.h>
#include <linux/if_link.h>
#include <linux/sockios.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "xvsd.h"
#include "afxdp.h"
#include "log.h"
#include "util.h"
#include "names.h"
#include "maps/port.h"
#include "maps/fdb.h"
#include "maps/stats.h"
#include "maps/tunnel.h"

#define XVS_TC_HANDLE	0x78767300	/* "xvs\0" */
#define XVS_TC_PRIO	0x7873
/* Who gets the TC egress hook: a host port (the host's own frames are
 * switched) and an underlay (the TC path's frames for a tunnel are
 * encapsulated there, on their way out).
 */
#define TC_EGRESS_FLAGS	(XVS_PORT_F_HOST | XVS_PORT_F_UNDERLAY)

/* --- bridges ------------------------------------------------------- */

int bridge_lookup(struct xvsd *d, const char *name, __u32 *id)
{
	struct xvs_bridge b;
	__u32 i;

	for (i = 1; i < XVS_MAX_BRIDGES; i++)
		if (!bpf_map_lookup_elem(d->bridges_fd, &i, &b) &&
		    b.name[0] && !strncmp(b.name, name, sizeof(b.name))) {
			*id = i;
			return 0;
		}
	return -ENOENT;
}

int bridge_set(struct xvsd *d, const char *name, __u32 ageing, __u32 limit,
	       __u32 *idp, char *err, size_t errlen)
{
	struct xvs_bridge b = {};
	__u32 id;

	if (!*name || strlen(name) >= sizeof(b.name)) {
		snprintf(err, errlen, "bad bridge name '%s' (1 to %zu characters)",
			 name, sizeof(b.name) - 1);
		return -EINVAL;
	}
	if (bridge_lookup(d, name, &id) == 0) {
		bpf_map_lookup_elem(d->bridges_fd, &id, &b);
	} else {
		for (id = 1; id < XVS_MAX_BRIDGES; id++)
			if (!bpf_map_lookup_elem(d->bridges_fd, &id, &b) && !b.name[0])
				break;
		if (id == XVS_MAX_BRIDGES) {
			snprintf(err, errlen, "Couldn't create bridge '%s': all %d bridges in use",
				 name, XVS_MAX_BRIDGES - 1);
			return -ENOSPC;
		}
		memset(&b, 0, sizeof(b));
		snprintf(b.name, sizeof(b.name), "%s", name);
		b.id = id;
		b.ageing_s = d->ageing_s;
		b.mac_limit = d->mac_limit;
		pr_info("bridge %s created (id %u)", name, id);
	}
	if (ageing)
		b.ageing_s = ageing;
	if (limit)
		b.mac_limit = limit;
	if (bpf_map_update_elem(d->bridges_fd, &id, &b, BPF_ANY)) {
		snprintf(err, errlen, "Couldn't write bridge '%s': %s", name,
			 strerror(errno));
		return -errno;
	}
	if (idp)
		*idp = id;
	return 0;
}

/* Remove a bridge that has no ports left (its static MACs go with it). */
int bridge_del(struct xvsd *d, const char *name, char *err, size_t errlen)
{
	struct xvs_bridge b = {};
	struct xvs_port p;
	__u32 id, key, *prev = NULL;

	if (bridge_lookup(d, name, &id)) {
		snprintf(err, errlen, "no bridge '%s'", name);
		return -ENOENT;
	}
	while (!bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		prev = &key;
		if (!bpf_map_lookup_elem(d->ports_fd, &key, &p) && p.bridge == id) {
			snprintf(err, errlen, "Couldn't remove bridge '%s': %s %s is on it (%s it first)",
				 name, p.flags & XVS_PORT_F_TUNNEL ? "tunnel" : "port",
				 p.name, p.flags & XVS_PORT_F_TUNNEL ? "delete" : "detach");
			return -EBUSY;
		}
	}
	flow_del_bridge(d->flows, id);
	fdb_flush(d, id, 0, 1);
	if (bpf_map_update_elem(d->bridges_fd, &id, &b, BPF_ANY)) {
		snprintf(err, errlen, "Couldn't remove bridge '%s': %s", name,
			 strerror(errno));
		return -errno;
	}
	pr_info("bridge %s removed (id %u)", name, id);
	return 0;
}

/* --- flood groups -------------------------------------------------- */

/* The devmap of a (bridge, VLAN) flood group; made on first use. */
static int group_fd(struct xvsd *d, __u32 bridge, __u16 vlan, int create)
{
	struct xvs_flood_key key = { .bridge = bridge, .vlan = vlan };
	char name[BPF_OBJ_NAME_LEN];
	__u32 id;
	int fd;

	if (!bpf_map_lookup_elem(d->flood_fd, &key, &id)) {
		fd = bpf_map_get_fd_by_id(id);
		return fd < 0 ? -errno : fd;
	}
	if (!create)
		return -ENOENT;
	snprintf(name, sizeof(name), "xvs_g%u_%u", bridge, vlan);
	fd = bpf_map_create(BPF_MAP_TYPE_DEVMAP_HASH, name, sizeof(__u32),
			    sizeof(struct bpf_devmap_val), XVS_MAX_GROUP_PORTS,
			    NULL);
	if (fd < 0)
		return -errno;
	if (bpf_map_update_elem(d->flood_fd, &key, &fd, BPF_NOEXIST)) {
		close(fd);
		return -errno;
	}
	return fd;
}

static int members_update(struct xvsd *d, const struct xvs_port *p, __u16 vlan,
			  int add)
{
	struct xvs_flood_key key = { .bridge = p->bridge, .vlan = vlan };
	int skb_only = !(p->flags & XVS_PORT_F_XDP);
	int host = !!(p->flags & XVS_PORT_F_HOST);
	int tun = !!(p->flags & XVS_PORT_F_TUNNEL);
	struct xvs_members m = {};
	__u32 i;

	bpf_map_lookup_elem(d->members_fd, &key, &m);
	for (i = 0; i < m.count && m.ifindex[i] != p->ifindex; i++)
		;
	if (add && i == m.count) {
		if (m.count == XVS_MAX_GROUP_PORTS)
			return -ENOSPC;
		m.ifindex[m.count++] = p->ifindex;
		m.skb_count += skb_only;
		m.host_count += host;
		m.tun_count += tun;
	} else if (!add && i < m.count) {
		m.ifindex[i] = m.ifindex[--m.count];
		m.ifindex[m.count] = 0;
		m.skb_count -= skb_only;
		m.host_count -= host;
		m.tun_count -= tun;
	}
	if (!m.count)
		return bpf_map_delete_elem(d->members_fd, &key) && errno != ENOENT ?
		       -errno : 0;
	return bpf_map_update_elem(d->members_fd, &key, &m, BPF_ANY) ? -errno : 0;
}

int port_outputs(struct xvsd *d, const struct xvs_port *p, int add)
{
	struct bpf_devmap_val val = { .ifindex = p->ifindex,
				      .bpf_prog.fd = d->xdp_tx_fd };
	struct xvs_flood_key key = { .bridge = p->bridge };
	__u32 any;
	int gfd, err = 0;

	if (p->flags & XVS_PORT_F_UNDERLAY) {
		if (!(p->flags & XVS_PORT_F_XDP))
			return 0;
		if (!add)
			return bpf_map_delete_elem(d->tx_fd, &p->ifindex) && errno != ENOENT ?
			       -errno : 0;
		return bpf_map_update_elem(d->tx_fd, &p->ifindex, &val, BPF_ANY) ? -errno : 0;
	}
	/* Tunnel ports are in the member list only (as skb ports). */
	if (!(p->flags & XVS_PORT_F_XDP))
		return members_update(d, p, 0, add);
	if (!add) {
		members_update(d, p, 0, 0);
		gfd = group_fd(d, p->bridge, 0, 0);
		if (gfd >= 0) {
			bpf_map_delete_elem(gfd, &p->ifindex);
			if (bpf_map_get_next_key(gfd, NULL, &any) && errno == ENOENT)
				bpf_map_delete_elem(d->flood_fd, &key);
			close(gfd);
		}
		bpf_map_delete_elem(d->tx_fd, &p->ifindex);
		return 0;
	}
	if (bpf_map_update_elem(d->tx_fd, &p->ifindex, &val, BPF_ANY))
		return -errno;
	gfd = group_fd(d, p->bridge, 0, 1);
	if (gfd < 0)
		err = gfd;
	else if (bpf_map_update_elem(gfd, &p->ifindex, &val, BPF_ANY))
		err = errno == E2BIG ? -ENOSPC : -errno;
	if (gfd >= 0)
		close(gfd);
	if (!err)
		err = members_update(d, p, 0, 1);
	if (err)
		port_outputs(d, p, 0);
	return err;
}

/* --- interface facts ----------------------------------------------- */

/* One interface ioctl; 0 or -errno. */
static int if_ioctl(const char *ifname, unsigned long req, struct ifreq *ifr)
{
	int fd, err = 0;

	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return -errno;
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
	if (ioctl(fd, req, ifr))
		err = -errno;
	close(fd);
	return err;
}

static int if_driver(const char *ifname, char *drv, size_t len)
{
	struct ethtool_drvinfo info = { .cmd = ETHTOOL_GDRVINFO };
	struct ifreq ifr = { .ifr_data = (void *)&info };
	int err = if_ioctl(ifname, SIOCETHTOOL, &ifr);

	if (!err)
		snprintf(drv, len, "%s", info.driver);
	return err;
}

static int if_mac_mtu(const char *ifname, __u8 mac[6], __u32 *mtu)
{
	struct ifreq ifr = {};
	int err = if_ioctl(ifname, SIOCGIFHWADDR, &ifr);

	if (err)
		return err;
	if (ifr.ifr_hwaddr.sa_family != ARPHRD_ETHER)
		return -EPFNOSUPPORT;
	memcpy(mac, ifr.ifr_hwaddr.sa_data, 6);
	if (!if_ioctl(ifname, SIOCGIFMTU, &ifr))
		*mtu = ifr.ifr_mtu;
	return 0;
}

/* Turn VLAN offloads off (ETH_FLAG_TXVLAN, and ETH_FLAG_RXVLAN for an
 * XDP port) where they are on, noting which in the port's flags; or turn
 * back on what those flags say was turned off.  Devices that cannot change
 * them keep them: best effort, logged.
 */
static void if_vlan_offloads(struct xvs_port *p, int off)
{
	struct ethtool_value v = { .cmd = ETHTOOL_GFLAGS };
	struct ifreq ifr = { .ifr_data = (void *)&v };
	__u32 want = 0, flags;
	int e;

	if (if_ioctl(p->name, SIOCETHTOOL, &ifr))
		return;
	flags = v.data;
	if (off) {
		want = ETH_FLAG_TXVLAN;
		if (p->flags & XVS_PORT_F_XDP)
			want |= ETH_FLAG_RXVLAN;
		want &= flags;		/* only what is on */
		v.data = flags & ~want;
	} else {
		if (p->flags & XVS_PORT_F_TXVLAN_OFF)
			want |= ETH_FLAG_TXVLAN;
		if (p->flags & XVS_PORT_F_RXVLAN_OFF)
			want |= ETH_FLAG_RXVLAN;
		v.data = flags | want;
	}
	if (!want)
		return;
	v.cmd = ETHTOOL_SFLAGS;
	e = if_ioctl(p->name, SIOCETHTOOL, &ifr);
	if (e) {
		pr_info("'%s': VLAN offloads left as they are (%s)", p->name, strerror(-e));
		return;
	}
	if (off)
		p->flags |= (want & ETH_FLAG_TXVLAN ? XVS_PORT_F_TXVLAN_OFF : 0) |
			    (want & ETH_FLAG_RXVLAN ? XVS_PORT_F_RXVLAN_OFF : 0);
}

/* Does the host use this interface: an IPv4 or a non-link-local IPv6? */
static int if_has_addresses(const char *ifname)
{
	struct ifaddrs *ifa, *i;
	int found = 0;

	if (getifaddrs(&ifa))
		return 0;
	for (i = ifa; i && !found; i = i->ifa_next) {
		if (!i->ifa_addr || strcmp(i->ifa_name, ifname))
			continue;
		if (i->ifa_addr->sa_family == AF_INET)
			found = 1;
		else if (i->ifa_addr->sa_family == AF_INET6 &&
			 !IN6_IS_ADDR_LINKLOCAL(&((struct sockaddr_in6 *)i->ifa_addr)->sin6_addr))
			found = 1;
	}
	freeifaddrs(ifa);
	return found;
}

int port_no_alloc(struct xvsd *d)
{
	char used[XVS_MAX_PORTS] = {};
	struct xvs_port p;
	__u32 key, *prev = NULL;
	int i;

	while (!bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		if (!bpf_map_lookup_elem(d->ports_fd, &key, &p) &&
		    p.port_no < XVS_MAX_PORTS)
			used[p.port_no] = 1;
		prev = &key;
	}
	for (i = 1; i < XVS_MAX_PORTS; i++)
		if (!used[i])
			return i;
	return -ENOSPC;
}

/* --- hooks --------------------------------------------------------- */

static void link_path(struct xvsd *d, __u32 ifindex, char *buf, size_t len)
{
	inst_pin_path(&d->inst, buf, len, "link_xdp_%u", ifindex);
}

static int xdp_attach(struct xvsd *d, struct xvs_port *p, const char *mode,
		      char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_link_create_opts, opts);
	char path[PATH_MAX];
	int fd = -1, e;

	if (strcmp(mode, "skb")) {
		opts.flags = XDP_FLAGS_DRV_MODE;
		fd = bpf_link_create(d->xdp_rx_fd, p->ifindex, BPF_XDP, &opts);
		if (fd >= 0)
			p->flags |= XVS_PORT_F_XDP_NATIVE;
		else if (!strcmp(mode, "native") || errno == EBUSY || errno == EEXIST)
			goto fail;
		else
			pr_warn("'%s': native XDP unavailable (%s); using generic (skb) mode, which is slower",
				p->name, strerror(errno));
	}
	if (fd < 0) {
		opts.flags = XDP_FLAGS_SKB_MODE;
		fd = bpf_link_create(d->xdp_rx_fd, p->ifindex, BPF_XDP, &opts);
		if (fd < 0)
			goto fail;
	}
	link_path(d, p->ifindex, path, sizeof(path));
	unlink(path);
	if (bpf_obj_pin(fd, path)) {
		e = errno;
		close(fd);
		snprintf(err, errlen, "Couldn't pin the XDP link of '%s' at %s: %s",
			 p->name, path, strerror(e));
		return -e;
	}
	close(fd);	/* the pin holds the attachment */
	return 0;
fail:
	e = errno;
	snprintf(err, errlen, "Couldn't attach XDP to '%s': %s%s", p->name,
		 strerror(e), e == EBUSY || e == EEXIST ?
		 " (another XDP program is attached; remove it first)" :
		 e == EOPNOTSUPP ? " (native XDP unavailable; try --xdp-mode skb)" : "");
	return -e;
}

static void xdp_detach(struct xvsd *d, __u32 ifindex)
{
	char path[PATH_MAX];
	int fd;

	link_path(d, ifindex, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		/* Detach now, whoever else holds the link. */
		bpf_link_detach(fd);
		close(fd);
	}
	unlink(path);
}

static int tc_attach_one(__u32 ifindex, enum bpf_tc_attach_point at, int prog_fd)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex, .attach_point = at);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XVS_TC_HANDLE,
		    .priority = XVS_TC_PRIO, .prog_fd = prog_fd,
		    .flags = BPF_TC_F_REPLACE);

	return bpf_tc_attach(&hook, &opts);
}

static void tc_detach(__u32 ifindex, __u16 flags)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = ifindex);
	LIBBPF_OPTS(bpf_tc_opts, opts, .handle = XVS_TC_HANDLE,
		    .priority = XVS_TC_PRIO);

	if (flags & XVS_PORT_F_OWN_CLSACT) {
		hook.attach_point = BPF_TC_INGRESS | BPF_TC_EGRESS;
		bpf_tc_hook_destroy(&hook);	/* the qdisc and its filters */
		return;
	}
	hook.attach_point = BPF_TC_INGRESS;
	bpf_tc_detach(&hook, &opts);
	hook.attach_point = BPF_TC_EGRESS;
	opts.prog_fd = opts.prog_id = opts.flags = 0;
	bpf_tc_detach(&hook, &opts);
}

static int tc_attach(struct xvsd *d, struct xvs_port *p, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = p->ifindex,
		    .attach_point = BPF_TC_INGRESS);
	int e;

	e = bpf_tc_hook_create(&hook);
	if (e == 0)
		p->flags |= XVS_PORT_F_OWN_CLSACT;
	else if (e != -EEXIST)
		goto fail;
	e = tc_attach_one(p->ifindex, BPF_TC_INGRESS, d->tc_rx_fd);
	if (!e && (p->flags & TC_EGRESS_FLAGS))
		e = tc_attach_one(p->ifindex, BPF_TC_EGRESS, d->tc_tx_fd);
	if (!e)
		return 0;
	tc_detach(p->ifindex, p->flags);
fail:
	snprintf(err, errlen, "Couldn't attach TC to '%s': %s", p->name, strerror(-e));
	return e;
}

/* --- attach, detach ------------------------------------------------ */

/* The VLAN the host stack behind a port is in: its untagged VLAN. */
static __u16 port_host_vlan(const struct xvs_port *p)
{
	return p->vlan.mode == XVS_VLAN_TRUNK ? 0 : p->vlan.tag;
}


static int port_fill(struct xvsd *d, struct xvs_port *p, const char *ifname,
		     const char *hook, int host, char *err, size_t errlen)
{
	char drv[32] = "";
	int no, e;

	memset(p, 0, sizeof(*p));
	if (strlen(ifname) >= sizeof(p->name) ||
	    !(p->ifindex = if_nametoindex(ifname))) {
		snprintf(err, errlen, "no interface '%s'", ifname);
		return -ENODEV;
	}
	snprintf(p->name, sizeof(p->name), "%s", ifname);
	e = if_mac_mtu(ifname, p->mac, &p->mtu);
	if (e == -EPFNOSUPPORT) {
		snprintf(err, errlen, "Couldn't attach '%s': not an Ethernet interface",
			 ifname);
		return -EOPNOTSUPP;
	}
	if (e) {
		snprintf(err, errlen, "Couldn't read the address of '%s': %s",
			 ifname, strerror(-e));
		return e;
	}
	if (!if_driver(ifname, drv, sizeof(drv))) {
		if (!strcmp(drv, "veth"))
			p->flags |= XVS_PORT_F_VETH;
		else if (!strcmp(drv, "tun"))
			p->flags |= XVS_PORT_F_TAP;
	}
	if (host > 0 || (host < 0 && if_has_addresses(ifname)))
		p->flags |= XVS_PORT_F_HOST;
	/* p->vlan stays zero: like a new OVS port, a trunk of every VLAN
	 * whose untagged frames are in VLAN 0.
	 */
	/* Frames from a local stack (veth, tap) carry GSO and offloaded
	 * checksums that only an skb redirect keeps: TC is their hook.
	 */
	if (!strcmp(hook, "xdp") ||
	    (!strcmp(hook, "auto") && !(p->flags & (XVS_PORT_F_VETH | XVS_PORT_F_TAP))))
		p->flags |= XVS_PORT_F_XDP;
	no = port_no_alloc(d);
	if (no < 0) {
		snprintf(err, errlen, "Couldn't attach '%s': all %d ports in use",
			 ifname, XVS_MAX_PORTS - 1);
		return no;
	}
	p->port_no = no;
	return 0;
}

/* Forget a port in the maps (its hooks are gone or going). */
void port_forget(struct xvsd *d, const struct xvs_port *p)
{
	__u32 key = p->port_no;
	void *vals;

	bpf_map_delete_elem(d->ports_fd, &p->ifindex);
	port_outputs(d, p, 0);
	fdb_flush(d, p->bridge, p->ifindex, 1);
	vals = calloc(ncpus(), sizeof(struct xvs_port_stats));
	if (vals) {
		bpf_map_update_elem(d->pstats_fd, &key, vals, BPF_ANY);
		free(vals);
	}
	if (!(p->flags & XVS_PORT_F_UNDERLAY))
		flow_ports_changed(d->flows, p->bridge);
}

int port_attach(struct xvsd *d, const char *bridge, const char *ifname,
		const char *hook, const char *xdp_mode, int host, json_object *res,
		char *err, size_t errlen)
{
	struct xvs_port p, old;
	__u32 br;
	int e;

	e = port_fill(d, &p, ifname, hook, host, err, errlen);
	if (e)
		return e;
	if (!bpf_map_lookup_elem(d->ports_fd, &p.ifindex, &old)) {
		if (old.flags & XVS_PORT_F_UNDERLAY) {
			snprintf(err, errlen, "'%s' carries GRE tunnels (it is their underlay); it cannot be a bridge port",
				 ifname);
			return -EBUSY;
		}
		if (bridge_lookup(d, bridge, &br) == 0 && br == old.bridge)
			return 1;	/* already there: attach is idempotent */
		snprintf(err, errlen, "'%s' is already a port of another bridge (detach it first)",
			 ifname);
		return -EBUSY;
	}
	if (!port_lookup(d, ifname, &old) && (old.flags & XVS_PORT_F_TUNNEL)) {
		snprintf(err, errlen, "'%s' is the name of a tunnel port", ifname);
		return -EEXIST;
	}
	if (afxdp_far_side(d, p.ifindex, old.name, sizeof(old.name))) {
		snprintf(err, errlen, "'%s' is the far side of AF_XDP port %s, for its consumers",
			 ifname, old.name);
		return -EBUSY;
	}
	e = bridge_set(d, bridge, 0, 0, &br, err, errlen);
	if (e)
		return e;
	p.bridge = br;
	/* Classified from its first frame, if its bridge has rules. */
	if (flow_bridge_rules(d->flows, br))
		p.flags |= XVS_PORT_F_FLOWS;

	e = port_outputs(d, &p, 1);
	if (e) {
		snprintf(err, errlen, "Couldn't add '%s' to bridge %s: %s", ifname,
			 bridge, strerror(-e));
		return e;
	}
	if (p.flags & XVS_PORT_F_HOST) {
		e = fdb_add_static(d, p.bridge, p.ifindex, port_host_vlan(&p), p.mac,
				   XVS_FDB_F_LOCAL, err, errlen);
		if (e)
			goto undo_outputs;
	}
	if (bpf_map_update_elem(d->ports_fd, &p.ifindex, &p, BPF_NOEXIST)) {
		e = -errno;
		snprintf(err, errlen, "Couldn't add port '%s': %s", ifname, strerror(errno));
		goto undo_fdb;
	}
	e = tc_attach(d, &p, err, errlen);
	if (e)
		goto undo_port;
	e = p.flags & XVS_PORT_F_XDP ? xdp_attach(d, &p, xdp_mode, err, errlen) : 0;
	if (e)
		goto undo_tc;
	if_vlan_offloads(&p, 1);
	/* The flags learned while hooking (native, own clsact) go in too. */
	bpf_map_update_elem(d->ports_fd, &p.ifindex, &p, BPF_EXIST);
	flow_ports_changed(d->flows, br);
	pr_info("port %s (ifindex %u) attached to bridge %s as port %u: %s%s",
		ifname, p.ifindex, bridge, p.port_no, port_hook_name(p.flags),
		p.flags & XVS_PORT_F_HOST ? ", host port" : "");
	if (res) {
		json_object *o = json_object_new_object();

		json_object_object_add(o, "iface", json_object_new_string(ifname));
		json_object_object_add(o, "port_no", json_object_new_int(p.port_no));
		json_object_object_add(o, "hook", json_object_new_string(port_hook_name(p.flags)));
		json_object_object_add(o, "host",
			json_object_new_boolean(!!(p.flags & XVS_PORT_F_HOST)));
		json_object_array_add(res, o);
	}
	return 0;

undo_tc:
	tc_detach(p.ifindex, p.flags);
undo_port:
	bpf_map_delete_elem(d->ports_fd, &p.ifindex);
undo_fdb:
	fdb_flush(d, p.bridge, p.ifindex, 1);
undo_outputs:
	port_outputs(d, &p, 0);
	return e;
}

int port_lookup(struct xvsd *d, const char *ifname, struct xvs_port *p)
{
	__u32 key = if_nametoindex(ifname), *prev = NULL;

	/* By ifindex while it exists (names change), else by stored name. */
	if (key && !bpf_map_lookup_elem(d->ports_fd, &key, p))
		return 0;
	while (!bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		if (!bpf_map_lookup_elem(d->ports_fd, &key, p) &&
		    !strncmp(p->name, ifname, sizeof(p->name)))
			return 0;
		prev = &key;
	}
	return -ENOENT;
}

static void port_remove(struct xvsd *d, struct xvs_port *p)
{
	xdp_detach(d, p->ifindex);
	tc_detach(p->ifindex, p->flags);
	if_indextoname(p->ifindex, p->name);	/* it may have been renamed */
	if_vlan_offloads(p, 0);
	port_forget(d, p);
}

int port_detach(struct xvsd *d, const char *ifname, char *err, size_t errlen)
{
	struct xvs_port p;

	if (port_lookup(d, ifname, &p)) {
		snprintf(err, errlen, "'%s' is not a port", ifname);
		return -ENOENT;
	}
	if (p.flags & XVS_PORT_F_TUNNEL)
		return tunnel_del(d, p.name, err, errlen);
	if (p.flags & XVS_PORT_F_UNDERLAY) {
		snprintf(err, errlen, "'%s' is no port but the underlay of GRE tunnels; it goes with the last of them",
			 ifname);
		return -EBUSY;
	}
	port_remove(d, &p);
	pr_info("port %s (ifindex %u) detached", p.name, p.ifindex);
	/* An AF_XDP port's veth is ours: it goes with the port. */
	if (p.flags & XVS_PORT_F_AFXDP)
		afxdp_release(d, &p);
	return 0;
}

/* Change a port's VLAN settings.  Its learned MACs go (they were learned
 * in VLANs it may no longer carry), static ones stay; a host port's own
 * MAC moves to its new untagged VLAN.
 */
int port_set_vlan(struct xvsd *d, const char *ifname,
		  const struct xvs_port_vlan *vlan, char *err, size_t errlen)
{
	struct xvs_port p, old;
	int e;

	if (port_lookup(d, ifname, &p) || (p.flags & XVS_PORT_F_UNDERLAY)) {
		snprintf(err, errlen, "'%s' is not a port", ifname);
		return -ENOENT;
	}
	old = p;
	p.vlan = *vlan;
	if (bpf_map_update_elem(d->ports_fd, &p.ifindex, &p, BPF_EXIST)) {
		e = -errno;
		snprintf(err, errlen, "Couldn't update port '%s': %s", ifname, strerror(errno));
		return e;
	}
	/* After the update: a LEARN still queued from before cannot put
	 * back a MAC under the old VLANs without the flush seeing it.
	 */
	fdb_flush(d, p.bridge, p.ifindex, 0);
	if (p.flags & XVS_PORT_F_HOST) {
		fdb_del(d, p.bridge, port_host_vlan(&old), p.mac);
		e = fdb_add_static(d, p.bridge, p.ifindex, port_host_vlan(&p), p.mac,
				   XVS_FDB_F_LOCAL, err, errlen);
		if (e)
			return e;
	}
	pr_info("port %s: vlan mode %u tag %u%s", ifname, vlan->mode, vlan->tag,
		vlan->flags & XVS_VLAN_F_TRUNKS_LIST ? "" : ", all VLANs");
	return 0;
}

void port_vanished(struct xvsd *d, __u32 ifindex)
{
	struct xvs_port p;
	char path[PATH_MAX];

	if (bpf_map_lookup_elem(d->ports_fd, &ifindex, &p))
		return;
	link_path(d, ifindex, path, sizeof(path));
	unlink(path);
	port_forget(d, &p);
	if (p.flags & XVS_PORT_F_UNDERLAY) {
		pr_warn("underlay %s (ifindex %u) vanished: its tunnels are unresolved",
			p.name, ifindex);
		tunnel_uplink_gone(d, ifindex);
		return;
	}
	pr_warn("port %s (ifindex %u) vanished: removed from the switch", p.name,
		ifindex);
	if (p.flags & XVS_PORT_F_AFXDP)
		afxdp_release(d, &p);
}

int port_detach_all(struct xvsd *d)
{
	struct xvs_port p;
	__u32 key;

	/* Tunnels first: their underlays go with them. */
	tunnel_del_all(d);
	while (!bpf_map_get_next_key(d->ports_fd, NULL, &key)) {
		if (bpf_map_lookup_elem(d->ports_fd, &key, &p) ||
		    (p.flags & XVS_PORT_F_TUNNEL)) {
			bpf_map_delete_elem(d->ports_fd, &key);
			continue;
		}
		port_remove(d, &p);
		pr_info("%s %s (ifindex %u) %s", p.flags & XVS_PORT_F_UNDERLAY ?
			"underlay" : "port", p.name, p.ifindex,
			p.flags & XVS_PORT_F_UNDERLAY ? "unhooked" : "detached");
		if (p.flags & XVS_PORT_F_AFXDP)
			afxdp_release(d, &p);
	}
	/* AF_XDP ports in no bridge any more, and their directory. */
	afxdp_del_all(d);
	return 0;
}

/* Unhook every port the instance has pinned and remove the pins, loading
 * nothing: for pins another xvs version left, which this one cannot load
 * over.  The ports map is keyed by ifindex in every version; its values
 * are not read.  A clsact qdisc xvs created stays (its flag is in the
 * value); the filters in it are removed.
 */
int port_reset_all(struct xvsd *d)
{
	__u32 key, *prev = NULL;
	int fd, n = 0;

	fd = inst_map_fd(&d->inst, "xvs_ports");
	if (fd >= 0) {
		while (!bpf_map_get_next_key(fd, prev, &key)) {
			prev = &key;
			if (key >= XVS_VPORT_BASE)
				continue;	/* a tunnel: no interface */
			xdp_detach(d, key);
			tc_detach(key, 0);
			n++;
		}
		close(fd);
	}
	afxdp_reset_all(d);
	dp_unpin(d);
	pr_info("instance %s reset: %d port%s unhooked, pins removed", d->inst.name,
		n, n == 1 ? "" : "s");
	return 0;
}

/* Take over one pinned port: swap this daemon's programs in. */
static int port_adopt(struct xvsd *d, struct xvs_port *p)
{
	char path[PATH_MAX], err[256] = "";
	char name[IF_NAMESIZE];
	int fd, e;

	if (!if_indextoname(p->ifindex, name)) {
		port_vanished(d, p->ifindex);
		return 0;
	}
	if (strncmp(name, p->name, sizeof(p->name))) {
		pr_info("port %u: '%s' is now called '%s'", p->port_no, p->name, name);
		snprintf(p->name, sizeof(p->name), "%s", name);
		bpf_map_update_elem(d->ports_fd, &p->ifindex, p, BPF_EXIST);
	}
	port_outputs(d, p, 1);	/* new egress program in the devmaps */
	e = tc_attach_one(p->ifindex, BPF_TC_INGRESS, d->tc_rx_fd);
	if (!e && (p->flags & TC_EGRESS_FLAGS))
		e = tc_attach_one(p->ifindex, BPF_TC_EGRESS, d->tc_tx_fd);
	if (e)
		pr_warn("port %s: Couldn't replace the TC program: %s", name, strerror(-e));
	if (!(p->flags & XVS_PORT_F_XDP))
		return e;
	link_path(d, p->ifindex, path, sizeof(path));
	fd = bpf_obj_get(path);
	if (fd >= 0) {
		e = bpf_link_update(fd, d->xdp_rx_fd, NULL);
		close(fd);
		if (!e)
			return 0;
		pr_warn("port %s: Couldn't update its XDP link: %s", name, strerror(errno));
		unlink(path);
	}
	/* No link (or a dead one): attach afresh, as it was. */
	e = xdp_attach(d, p, p->flags & XVS_PORT_F_XDP_NATIVE ? "native" : "skb",
		       err, sizeof(err));
	if (e)
		pr_err("%s", err);
	return e;
}

int port_adopt_all(struct xvsd *d)
{
	struct xvs_port p;
	__u32 keys[XVS_MAX_PORTS], key, *prev = NULL;
	int n = 0, i, adopted = 0;

	/* Collect first: adopting may delete vanished ports. */
	while (n < XVS_MAX_PORTS && !bpf_map_get_next_key(d->ports_fd, prev, &key)) {
		keys[n++] = key;
		prev = &keys[n - 1];
	}
	/* Tunnel ports have no interface to hook (tunnel.c adopts them). */
	for (i = 0; i < n; i++) {
		if (bpf_map_lookup_elem(d->ports_fd, &keys[i], &p) ||
		    (p.flags & XVS_PORT_F_TUNNEL))
			continue;
		port_adopt(d, &p);
		adopted++;
	}
	if (adopted)
		pr_info("adopted %d pinned port%s", adopted, adopted == 1 ? "" : "s");
	return 0;
}

/* --- underlays ----------------------------------------------------- */

/* Bring an underlay's name, MAC and MTU up to date (written if changed). */
static void underlay_refresh(struct xvsd *d, struct xvs_port *up)
{
	struct xvs_port now = *up;
	char name[IF_NAMESIZE];

	if (if_indextoname(up->ifindex, name))
		snprintf(now.name, sizeof(now.name), "%s", name);
	if_mac_mtu(now.name, now.mac, &now.mtu);
	if (!memcmp(&now, up, sizeof(now)))
		return;
	if (!bpf_map_update_elem(d->ports_fd, &up->ifindex, &now, BPF_EXIST))
		*up = now;
}

int underlay_get(struct xvsd *d, __u32 ifindex, const char *hook,
		 struct xvs_port *up, char *err, size_t errlen)
{
	char name[IF_NAMESIZE], br[XVS_NAME_LEN + 8];
	struct xvs_bridge b;
	int e;

	if (!bpf_map_lookup_elem(d->ports_fd, &ifindex, up)) {
		if (up->flags & XVS_PORT_F_UNDERLAY) {
			underlay_refresh(d, up);
			return 0;
		}
		if (bpf_map_lookup_elem(d->bridges_fd, &up->bridge, &b) || !b.name[0])
			snprintf(br, sizeof(br), "#%u", up->bridge);
		else
			snprintf(br, sizeof(br), "%s", b.name);
		snprintf(err, errlen, "its uplink %s is a port of bridge %s (an underlay cannot be a bridge port)",
			 up->name, br);
		return -EBUSY;
	}
	if (!if_indextoname(ifindex, name)) {
		snprintf(err, errlen, "its uplink (ifindex %u) is gone", ifindex);
		return -ENODEV;
	}
	e = port_fill(d, up, name, hook, 0, err, errlen);
	if (e)
		return e;
	up->flags |= XVS_PORT_F_UNDERLAY;
	e = port_outputs(d, up, 1);
	if (e) {
		snprintf(err, errlen, "Couldn't add underlay '%s' to the transmit map: %s",
			 name, strerror(-e));
		return e;
	}
	if (bpf_map_update_elem(d->ports_fd, &ifindex, up, BPF_NOEXIST)) {
		e = -errno;
		snprintf(err, errlen, "Couldn't add underlay '%s': %s", name, strerror(errno));
		goto undo_outputs;
	}
	e = tc_attach(d, up, err, errlen);
	if (e)
		goto undo_port;
	e = up->flags & XVS_PORT_F_XDP ? xdp_attach(d, up, "auto", err, errlen) : 0;
	if (e)
		goto undo_tc;
	bpf_map_update_elem(d->ports_fd, &ifindex, up, BPF_EXIST);
	pr_info("underlay %s (ifindex %u) hooked as port %u: %s", name, ifindex,
		up->port_no, port_hook_name(up->flags));
	return 0;

undo_tc:
	tc_detach(ifindex, up->flags);
undo_port:
	bpf_map_delete_elem(d->ports_fd, &ifindex);
undo_outputs:
	port_outputs(d, up, 0);
	return e;
}

void underlay_release(struct xvsd *d, __u32 ifindex)
{
	struct xvs_port p;

	if (bpf_map_lookup_elem(d->ports_fd, &ifindex, &p) ||
	    !(p.flags & XVS_PORT_F_UNDERLAY))
		return;
	port_remove(d, &p);
	pr_info("underlay %s (ifindex %u) unhooked: no tunnel uses it", p.name, ifindex);
}
