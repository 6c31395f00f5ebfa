/* SPDX-License-Identifier: GPL-2.0 OR BSD-2-Clause */
/*
 * loader/xvsd.h - the daemon's state, shared by its modules.
 *
 * xvsd is single-threaded: one epoll loop (xvsd.c) over the upcall ring
 * buffer, the control socket, the netlink event socket (links, routes,
 * addresses, neighbours), a 1 s timer (ageing, tunnel resolution) and a
 * signalfd.  Nothing here needs locking; the only other
 * writer of the maps is the fast path, see maps/fdb.h for that contract.
 *
 * All switch state lives in the pinned maps; the daemon's memory holds
 * only file descriptors, options and counts it can recompute, so a
 * restarted daemon adopts what it finds pinned (port_adopt_all()).
 */
#ifndef XVS_XVSD_H
#define XVS_XVSD_H

#include <linux/types.h>
#include <linux/neighbour.h>
#include <json-c/json.h>

#include "pin.h"
#include "flow.h"
#include "maps/common.h"
#include "maps/tunnel.h"

struct xvs_xdp;
struct xvs_tc;
struct xvs_port;
struct relay;

/* Defaults for bridges created without explicit settings. */
#define XVS_DEFAULT_AGEING	300
#define XVS_DEFAULT_MAC_LIMIT	8192

struct xvsd {
	struct xvs_inst inst;

	/* Options. */
	__u64 learn_rate;		/* LEARN upcalls/s per CPU */
	__u32 fdb_size;			/* xvs_fdb max_entries when created */
	__u32 ageing_s;			/* default for new bridges */
	__u32 mac_limit;		/* default for new bridges */
	const char *config;		/* -c FILE: applied at start-up */

	/* The loaded objects (datapath.c) and the fds of their maps. */
	struct xvs_xdp *xdp;
	struct xvs_tc *tc;
	int xdp_rx_fd, xdp_tx_fd, tc_rx_fd, tc_tx_fd;
	int ports_fd, bridges_fd, fdb_fd, tx_fd, flood_fd, members_fd;
	int pstats_fd, learn_pend_fd, upcall_fd;
	int tunnels_fd, tun_in_fd;
	__u32 fdb_max;			/* xvs_fdb max_entries, as loaded */

	/* The flow rules (flow.h), over the flow maps opened by their pins. */
	struct flow_maps flow_maps;
	struct flow_table *flows;

	/* Learned (not static) MACs per bridge, recounted every sweep. */
	__u32 macs[XVS_MAX_BRIDGES];
	__u64 last_sweep_ns;

	/* Per tunnel (by vport - XVS_VPORT_BASE), for tunnel.c: when ARP was
	 * last asked for its next hop, and why it is unresolved as last
	 * logged ("" resolved), so a state is logged once, not every second.
	 */
	struct tun_cache {
		__u64 arp_ns;
		int known;		/* why[] holds what was logged */
		int twin;		/* another tunnel's addresses (logged) */
		char why[160];
	} tun[XVS_MAX_TUNNELS];
	__u64 tun_full_ns;		/* last resolution of every tunnel */

	/* The relays of AF_XDP ports to VMs (afxdp.h), by port number; the
	 * only state of a port that lives here and not in the pins.
	 */
	struct relay *relays[XVS_MAX_PORTS];

	int stop;			/* leave the loop */
	int reset;			/* --reset: unhook, unpin, exit */
};

/* datapath.c: load both objects, reusing what is pinned. */
int dp_load(struct xvsd *d);
void dp_close(struct xvsd *d);
/* Remove every pinned object of the instance (after all ports left). */
void dp_unpin(struct xvsd *d);

/* port.c.  port_attach() returns 0 when it attached, 1 when the port was
 * there already, or -errno with `err` filled in.
 */
int bridge_lookup(struct xvsd *d, const char *name, __u32 *id);
int bridge_set(struct xvsd *d, const char *name, __u32 ageing, __u32 limit,
	       __u32 *id, char *err, size_t errlen);
/* Refuses (-EBUSY) while the bridge has ports. */
int bridge_del(struct xvsd *d, const char *name, char *err, size_t errlen);
int port_attach(struct xvsd *d, const char *bridge, const char *ifname,
		const char *hook, const char *xdp_mode, int host, json_object *res,
		char *err, size_t errlen);
int port_detach(struct xvsd *d, const char *ifname, char *err, size_t errlen);
/* A port (tunnels too, underlays too) by name: the interface of that name
 * while it exists and is a port, else the port attached under that name.
 */
int port_lookup(struct xvsd *d, const char *name, struct xvs_port *p);
int port_no_alloc(struct xvsd *d);
/* Put a port into its bridge's outputs (flood member list; for an XDP
 * port the transmit devmap and the flood devmap), or take it out.  An
 * underlay only goes into the transmit devmap, when it is XDP-hooked.
 */
int port_outputs(struct xvsd *d, const struct xvs_port *p, int add);
/* Remove a port's map state: its entry, outputs, MACs, counters. */
void port_forget(struct xvsd *d, const struct xvs_port *p);
void port_vanished(struct xvsd *d, __u32 ifindex);
int port_adopt_all(struct xvsd *d);
int port_detach_all(struct xvsd *d);
int port_reset_all(struct xvsd *d);
struct xvs_port_vlan;
int port_set_vlan(struct xvsd *d, const char *ifname,
		  const struct xvs_port_vlan *vlan, char *err, size_t errlen);

/* port.c: underlays, the interfaces tunnels ride on (maps/tunnel.h).
 * underlay_get() returns the underlay on ifindex in *up, hooking it now
 * (hook "auto", "xdp" or "tc") if it is not yet one, and refreshing its
 * name, MAC and MTU if it is; -EBUSY when the interface is a bridge
 * port, or -errno, with err filled.  underlay_release() unhooks it and
 * removes its entry.
 */
int underlay_get(struct xvsd *d, __u32 ifindex, const char *hook,
		 struct xvs_port *up, char *err, size_t errlen);
void underlay_release(struct xvsd *d, __u32 ifindex);

/* tunnel.c: GRE tunnel ports.  tunnel_add() returns 0 with a result
 * object in res (may be NULL), or -errno with err filled; nothing is
 * changed on an error.  tos < 0: inherit the inner DS field.
 */
struct tunnel_conf {
	const char *name, *bridge;
	__be32 remote, local;		/* local 0: the route's source */
	int has_key;
	__u32 key;			/* host order */
	__u32 ttl;			/* 1..255 */
	int tos;			/* 0..255, or -1: inherit */
	const char *uplink_hook;	/* "auto", "xdp", "tc" */
};
int tunnel_add(struct xvsd *d, const struct tunnel_conf *c, json_object *res,
	       char *err, size_t errlen);
int tunnel_del(struct xvsd *d, const char *name, char *err, size_t errlen);
/* Every tunnel: deleted (stop --cleanup). */
void tunnel_del_all(struct xvsd *d);
enum tun_resolve_why {
	TUN_RESOLVE_EVENT,	/* netlink said something changed */
	TUN_RESOLVE_TICK,	/* the 1 s timer */
	TUN_RESOLVE_START,	/* start-up: everything from the maps */
};
void tunnel_resolve_all(struct xvsd *d, enum tun_resolve_why why);
/* The underlay on ifindex has vanished: its tunnels are unresolved. */
void tunnel_uplink_gone(struct xvsd *d, __u32 ifindex);

/* fdb.c */
void fdb_learn(struct xvsd *d, __u32 ifindex, __u32 bridge, __u16 vlan,
	       const __u8 mac[6]);
void fdb_sweep(struct xvsd *d, int force);
int fdb_add_static(struct xvsd *d, __u32 bridge, __u32 ifindex, __u16 vlan,
		   const __u8 mac[6], __u32 flags, char *err, size_t errlen);
int fdb_del(struct xvsd *d, __u32 bridge, __u16 vlan, const __u8 mac[6]);
/* Delete entries of a bridge (0 = all) behind ifindex (0 = any);
 * learned only unless `all`.
 */
int fdb_flush(struct xvsd *d, __u32 bridge, __u32 ifindex, int all);

/* upcall.c */
struct ring_buffer *upcall_open(struct xvsd *d);

/* xvsd.c: the flow table (flow.h) over the pinned flow maps, adopting the
 * rules they hold; and closing it.
 */
int flows_open(struct xvsd *d);
void flows_close(struct xvsd *d);

/* ctl_server.c */
int ctl_listen(struct xvsd *d);
void ctl_serve(struct xvsd *d, int lfd);
void ctl_close(struct xvsd *d, int lfd);
/* Run a `batch` request (ctl_proto.h) from inside the daemon: 0, or
 * -EINVAL with the error (everything rolled back) in err.
 */
int ctl_batch(struct xvsd *d, json_object *req, char *err, size_t errlen);

/* netlink.c: the event socket, and questions to the kernel (0 or
 * -errno; -ENOENT: no such neighbour).
 */
int nl_open(void);
void nl_read(struct xvsd *d, int fd);
/* Building and sending one rtnetlink request in a caller's buffer, which
 * must have room for what is added.  nl_attr() appends an attribute (len 0:
 * a nest, closed by nl_nest_end() once its attributes are in).  nl_ask()
 * sends it and reads its one answer into buf: the length, or -errno (the
 * kernel's error included); with `ack`, the answer is the
 * acknowledgement: 0 or -errno.
 */
struct nlmsghdr;
struct rtattr;
struct rtattr *nl_attr(struct nlmsghdr *nh, __u16 type, const void *data,
		       __u16 len);
void nl_nest_end(struct nlmsghdr *nh, struct rtattr *nest);
int nl_ask(struct nlmsghdr *req, char *buf, size_t size, int ack);
struct nl_route {
	__u32 oif;			/* output interface */
	__be32 gw;			/* gateway; 0: directly connected */
	__be32 prefsrc;			/* the source address it would use */
	__u8 type;			/* RTN_UNICAST, RTN_LOCAL, ... */
	__u8 via;			/* gateway of another family (RTA_VIA) */
};
int nl_route_get(__be32 dst, __be32 src, struct nl_route *r);
/* Neighbour states whose link-layer address can be used. */
#define NL_NUD_USABLE	(NUD_PERMANENT | NUD_NOARP | NUD_REACHABLE | \
			 NUD_PROBE | NUD_STALE | NUD_DELAY)
int nl_neigh_get(__u32 ifindex, __be32 ip, __u16 *state, __u8 mac[6]);
/* Have the kernel resolve the neighbour (it sends ARP). */
int nl_neigh_use(__u32 ifindex, __be32 ip);

#endif /* XVS_XVSD_H */
